#!/usr/bin/env bash
# bench/run-healthz.sh — throughput/latency baseline of eeum-api's GET /healthz against a bare
# libmicrohttpd responder with the same threading model (bench/bare_mhd.c), measured side by
# side in the same invocation (the machine is small, shared and noisy: compare ratios, not
# absolute figures).
#
#   bench/run-healthz.sh                 build, start the 'bench' stack, measure, stop it
#   EEUM_BENCH_URL=http://127.0.0.1:8080 bench/run-healthz.sh
#                                        measure an eeum-api that is already running instead
#
# Steps: build the release preset (eeum-api, bench_bare); start bench_bare on a free port in a
# session of its own (setsid, as scripts/eeum starts eeum-api: with sched_autogroup that puts
# both servers on an equal footing against wrk); start the stack (EEUM_PROFILE=bench
# scripts/eeum start, access log to var/bench/logs/eeum-api.log as usual) unless
# EEUM_BENCH_URL is given; warm both up; run
# `wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency` alternating bare, api, bare, api,
# ... ($ROUNDS rounds each), reading each server's CPU time from /proc around every run; print
# a table (median req/s, p50, p99, server CPU per request and the api/bare ratios) and write
# it into the healthz section of BENCHMARKS.md. Everything started here is stopped on exit
# (trap), also on failure or Ctrl-C. The helpers shared with bench/run-users.sh are in
# bench/lib.sh.
#
# Environment:
#   DURATION=10           seconds per wrk run (1..120)
#   ROUNDS=5              rounds per target (2..10)
#   CONNECTIONS=64        wrk connections (1..1024)
#   WRK_THREADS=2         wrk threads
#   WARMUP=2              seconds of unrecorded warm-up per target (0 = none)
#   EEUM_BENCH_URL        base URL of a running eeum-api (127.0.0.1/localhost only); the
#                         script then neither starts nor stops a stack
#   EEUM_API_PORT=38080 EEUM_DB_PORT=33307 EEUM_SQS_PORT=39324
#                         ports of the 'bench' stack this script starts
#   BENCH_BARE_PORT       port of the bare responder (default: a free one in 40000-48999)
#   BENCH_DIAG_LOG_WARN=1 extra diagnostic rounds: restart eeum-api with LOG_LEVEL=warn (no
#                         access log) and measure it against bare again, labelled as such
#                         (only when this script started the stack)
#   BENCH_WRITE=0         do not touch BENCHMARKS.md
#   BENCH_SKIP_BUILD=1    do not build (use the binaries in build/release)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
readonly BUILD_DIR="$ROOT/build/release"
readonly BARE_BIN="$BUILD_DIR/bench/bench_bare"
readonly MD_FILE="$ROOT/BENCHMARKS.md"
readonly SECTION_BEGIN="<!-- bench:healthz:begin (written by bench/run-healthz.sh) -->"
readonly SECTION_END="<!-- bench:healthz:end -->"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-2}
export EEUM_API_PORT=${EEUM_API_PORT:-38080}
export EEUM_DB_PORT=${EEUM_DB_PORT:-33307}
export EEUM_SQS_PORT=${EEUM_SQS_PORT:-39324}

check_uint DURATION "$DURATION" 1 120
check_uint ROUNDS "$ROUNDS" 2 10
check_uint CONNECTIONS "$CONNECTIONS" 1 1024
check_uint WRK_THREADS "$WRK_THREADS" 1 64
check_uint WARMUP "$WARMUP" 0 30
((WRK_THREADS <= CONNECTIONS)) || die "WRK_THREADS must not exceed CONNECTIONS"

require_wrk

# ----------------------------------------------------------------------------------------------
# the eeum-api target

API_URL=""
if [[ -n "${EEUM_BENCH_URL:-}" ]]; then
  check_local_url EEUM_BENCH_URL "$EEUM_BENCH_URL"
  API_URL=${EEUM_BENCH_URL%/}
  [[ "$API_URL" == */healthz ]] || API_URL="$API_URL/healthz"
  API_SOURCE="running instance given by EEUM_BENCH_URL"
else
  API_URL="http://127.0.0.1:$EEUM_API_PORT/healthz"
  API_SOURCE="stack started by this script (EEUM_PROFILE=bench scripts/eeum start)"
fi

# ----------------------------------------------------------------------------------------------
# clean-up: whatever this invocation started is stopped, on every exit path (the trap and the
# stack's stop are bench/lib.sh's)

BARE_PID=""
stop_bare() {
  if [[ -n "$BARE_PID" ]] && kill -0 "$BARE_PID" 2>/dev/null; then
    kill -TERM "$BARE_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      kill -0 "$BARE_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$BARE_PID" 2>/dev/null; then kill -KILL "$BARE_PID" 2>/dev/null || true; fi
    wait "$BARE_PID" 2>/dev/null || true
  fi
}
bench_tmp_init
bench_on_exit stop_bare

# ----------------------------------------------------------------------------------------------
# build

bench_build eeum-api bench_bare
[[ -x "$BARE_BIN" ]] || die "$BARE_BIN does not exist (build target bench_bare)"

# ----------------------------------------------------------------------------------------------
# bare responder

start_bare() {
  local tries port
  for ((tries = 0; tries < 20; tries++)); do
    if [[ -n "${BENCH_BARE_PORT:-}" ]]; then
      port=$BENCH_BARE_PORT
    else
      port=$((40000 + RANDOM % 9000))
      port_free "$port" || continue
    fi
    # Own session, as scripts/eeum launches eeum-api (setsid): with sched_autogroup each
    # session is scheduled as one group, so both servers compete with wrk the same way.
    setsid "$BARE_BIN" "$port" 2>>"$TMP/bare.log" </dev/null &
    BARE_PID=$!
    if wait_http_200 "http://127.0.0.1:$port/healthz" 5; then
      BARE_URL="http://127.0.0.1:$port/healthz"
      # setsid execs in place when it need not fork (we are not a process group leader).
      [[ "$(cat "/proc/$BARE_PID/comm" 2>/dev/null)" == bench_bare ]] ||
        die "bench_bare is not pid $BARE_PID (setsid forked?)"
      info "bare responder on $BARE_URL (pid $BARE_PID)"
      return 0
    fi
    kill -TERM "$BARE_PID" 2>/dev/null || true
    wait "$BARE_PID" 2>/dev/null || true
    BARE_PID=""
    [[ -z "${BENCH_BARE_PORT:-}" ]] || break
  done
  cat "$TMP/bare.log" >&2 || true
  die "could not start the bare responder"
}

# ----------------------------------------------------------------------------------------------
# measuring

# measure_pair SET API_LABEL — alternate bare / api for $ROUNDS rounds; medians into variables
# named <SET>_bare_rps, <SET>_api_rps, ... and one line per run in RUN_LINES (bench/lib.sh).
main_bare_rps="" main_api_rps="" main_pair_lo="" main_pair_hi="" main_pair_range=""
measure_pair() {
  local set=$1 api_label=$2
  bench_target bare "bare responder" bare "$BARE_URL" "$BARE_PID"
  bench_target api "$api_label" "$api_label" "$API_URL" auto:eeum-api
  measure_alternating "$set" bare api
}

# table_rows SET API_LABEL -> markdown rows (bare, api, ratio)
table_rows() {
  local set=$1 label=$2
  local brps="${set}_bare_rps" bp50="${set}_bare_p50" bp99="${set}_bare_p99" bcpu="${set}_bare_cpu"
  local arps="${set}_api_rps" ap50="${set}_api_p50" ap99="${set}_api_p99" acpu="${set}_api_cpu"
  local pr="${set}_pair_range"
  printf '| bare libmicrohttpd responder | %.0f | %s | %s | %s |\n' \
    "${!brps}" "${!bp50}" "${!bp99}" "$(fmt1 "${!bcpu}")"
  printf '| %s | %.0f | %s | %s | %s |\n' "$label" "${!arps}" "${!ap50}" "${!ap99}" "$(fmt1 "${!acpu}")"
  printf '| **ratio api / bare** | **%s (%s)** | %s | %s | %s |\n' \
    "$(ratio "${!arps}" "${!brps}")" "$(pct "${!arps}" "${!brps}")" \
    "$(ratio "${!ap50}" "${!bp50}")" "$(ratio "${!ap99}" "${!bp99}")" "$(ratio "${!acpu}" "${!bcpu}")"
  printf '\nPer-round req/s ratio api/bare (adjacent runs): %s.\n' "${!pr}"
}

# ----------------------------------------------------------------------------------------------
# run

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
start_bare
if [[ -z "${EEUM_BENCH_URL:-}" ]]; then
  stack_start bench
fi
wait_http_200 "$API_URL" 30 || die "$API_URL does not answer 200"
body=$(curl -s --max-time 2 "$API_URL")
[[ "$body" == *'"status":"ok"'* ]] || die "unexpected /healthz body from eeum-api: $body"

measure_pair main "eeum-api GET /healthz"

DIAG=0
if [[ "${BENCH_DIAG_LOG_WARN:-0}" == 1 ]]; then
  if ((STACK_STARTED)); then
    DIAG=1
    stack_start bench LOG_LEVEL=warn # the env file changes, so scripts/eeum restarts eeum-api only
    wait_http_200 "$API_URL" 30 || die "$API_URL does not answer 200 after the restart"
    measure_pair diag "eeum-api GET /healthz, LOG_LEVEL=warn (diagnostic)"
  else
    info "BENCH_DIAG_LOG_WARN=1 ignored: eeum-api was not started by this script"
  fi
fi

# ----------------------------------------------------------------------------------------------
# report

DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
MHD_VER=$(pkg-config --modversion libmicrohttpd 2>/dev/null || echo '?')
WRK_VER=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
COMMIT=$(bench_commit)
main_pct=$(pct "$main_api_rps" "$main_bare_rps")
# The verdict needs every round on the same side of 80 %; otherwise the noise decides.
main_ok=$(awk -v m="$main_api_rps" -v b="$main_bare_rps" -v lo="$main_pair_lo" -v hi="$main_pair_hi" 'BEGIN {
  if (lo >= 0.8) print "met in every round"
  else if (hi < 0.8) print "NOT met in any round"
  else printf "inconclusive: the median says %s, but the per-round ratios straddle 80 %%", (m >= 0.8 * b) ? "met" : "not met" }')

{
  echo "$SECTION_BEGIN"
  echo "## \`GET /healthz\` vs bare libmicrohttpd responder, $CONNECTIONS connections"
  echo
  echo "Measured $DATE."
  echo
  echo "- Machine: $(nproc) cores${CPU:+ ($CPU)}; load average (1/5/15 min) $LOAD_START at the start,"
  echo "  $LOAD at the end (other users' jobs)."
  echo "- Software: libmicrohttpd $MHD_VER, wrk $WRK_VER; eeum-api built from commit $COMMIT."
  if ((STACK_STARTED)); then
    echo "- eeum-api: $API_SOURCE; default HTTP_THREADS (4), access log to a file."
  else
    echo "- eeum-api: $API_SOURCE ($API_URL), as configured there."
  fi
  echo "- bench_bare: 4 threads, same daemon flags, own session (setsid) like eeum-api."
  echo "- Load: \`wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency\`, $ROUNDS alternating rounds per target after"
  echo "  a ${WARMUP}s warm-up. Medians over the rounds; latencies in ms; server CPU = CPU time"
  echo "  (user + system) of the server process per request."
  echo
  echo "| target | req/s | p50 (ms) | p99 (ms) | server CPU (µs/req) |"
  echo "|---|---:|---:|---:|---:|"
  table_rows main "eeum-api \`GET /healthz\`"
  echo
  echo "Goal (issue): eeum-api ≥ 80 % of the bare responder's req/s — **$main_ok** (median $main_pct,"
  echo "rounds ${main_pair_range})."
  if ((DIAG)); then
    echo
    echo "### Diagnostic: access log off (\`LOG_LEVEL=warn\`) — not the baseline"
    echo
    echo "Same invocation, eeum-api restarted with \`LOG_LEVEL=warn\` (no access log line per"
    echo "request), again alternated with the bare responder."
    echo
    echo "| target | req/s | p50 (ms) | p99 (ms) | server CPU (µs/req) |"
    echo "|---|---:|---:|---:|---:|"
    table_rows diag "eeum-api \`GET /healthz\`, LOG_LEVEL=warn"
  fi
  echo
  echo "<details><summary>Individual runs (in the order they ran)</summary>"
  echo
  echo "| round | target | req/s | p50 (ms) | p99 (ms) | server CPU (µs/req) | errors |"
  echo "|---:|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${RUN_LINES[@]}"
  echo
  echo "</details>"
  if [[ -n "$ANY_ERRORS" ]]; then
    echo
    echo "**wrk reported errors:** $ANY_ERRORS"
  fi
  echo
  echo "$SECTION_END"
} >"$TMP/section.md"

echo
sed -e '/^<!--/d' "$TMP/section.md"
echo

if [[ "${BENCH_WRITE:-1}" != 0 ]]; then
  write_section "$MD_FILE" "$TMP/section.md" "$SECTION_BEGIN" "$SECTION_END"
fi

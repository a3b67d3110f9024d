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
# (trap), also on failure or Ctrl-C.
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
readonly BUILD_DIR="$ROOT/build/release"
readonly BARE_BIN="$BUILD_DIR/bench/bench_bare"
readonly MD_FILE="$ROOT/BENCHMARKS.md"
readonly SECTION_BEGIN="<!-- bench:healthz:begin (written by bench/run-healthz.sh) -->"
readonly SECTION_END="<!-- bench:healthz:end -->"
export LC_ALL=C

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-2}
export EEUM_API_PORT=${EEUM_API_PORT:-38080}
export EEUM_DB_PORT=${EEUM_DB_PORT:-33307}
export EEUM_SQS_PORT=${EEUM_SQS_PORT:-39324}

info() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}

check_uint() { # check_uint NAME VALUE MIN MAX
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    die "$1 must be an integer in $3..$4 (got '$2')"
  fi
}
check_uint DURATION "$DURATION" 1 120
check_uint ROUNDS "$ROUNDS" 2 10
check_uint CONNECTIONS "$CONNECTIONS" 1 1024
check_uint WRK_THREADS "$WRK_THREADS" 1 64
check_uint WARMUP "$WARMUP" 0 30
((WRK_THREADS <= CONNECTIONS)) || die "WRK_THREADS must not exceed CONNECTIONS"

if ! command -v wrk >/dev/null 2>&1; then
  info "wrk is missing; installing the Debian package"
  if ((EUID == 0)); then apt-get install -y wrk >&2; else sudo apt-get install -y wrk >&2; fi
fi
command -v curl >/dev/null 2>&1 || die "curl is required"

# ----------------------------------------------------------------------------------------------
# the eeum-api target

API_URL=""
if [[ -n "${EEUM_BENCH_URL:-}" ]]; then
  [[ "$EEUM_BENCH_URL" =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]+)?(/.*)?$ ]] ||
    die "EEUM_BENCH_URL must be http://127.0.0.1[:port][/path] (load is only ever sent to this machine)"
  API_URL=${EEUM_BENCH_URL%/}
  [[ "$API_URL" == */healthz ]] || API_URL="$API_URL/healthz"
  API_SOURCE="running instance given by EEUM_BENCH_URL"
else
  API_URL="http://127.0.0.1:$EEUM_API_PORT/healthz"
  API_SOURCE="stack started by this script (EEUM_PROFILE=bench scripts/eeum start)"
fi

# ----------------------------------------------------------------------------------------------
# clean-up: whatever this invocation started is stopped, on every exit path

BARE_PID=""
STACK_STARTED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/eeum-bench.XXXXXX")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
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
  if ((STACK_STARTED)); then
    info "stopping the bench stack"
    EEUM_PROFILE=bench "$ROOT/scripts/eeum" stop >&2 || rc=1
    local log="$ROOT/var/bench/logs/eeum-api.log"
    if [[ -f "$log" ]]; then
      info "${log#"$ROOT"/} is now $(du -h "$log" | cut -f1) (every request adds a line; delete it when done)"
    fi
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------------------------------------
# build

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  info "building the release preset (eeum-api, bench_bare)"
  (cd "$ROOT" && cmake --preset release >&2 && cmake --build --preset release -j2 --target eeum-api bench_bare >&2) ||
    die "build failed"
fi
[[ -x "$BARE_BIN" ]] || die "$BARE_BIN does not exist (build target bench_bare)"

# ----------------------------------------------------------------------------------------------
# bare responder

port_free() {
  local p=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  fi
}

wait_http_200() { # wait_http_200 URL SECONDS
  local url=$1 n=$(($2 * 10)) i code
  for ((i = 0; i < n; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)
    [[ "$code" == 200 ]] && return 0
    sleep 0.1
  done
  return 1
}

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
# the stack

start_stack() { # start_stack [ENV=VALUE...]  — (re)start the bench stack, e.g. LOG_LEVEL=warn
  info "starting the bench stack (EEUM_PROFILE=bench, api port $EEUM_API_PORT${1:+, $*})"
  STACK_STARTED=1
  env "$@" EEUM_PROFILE=bench "$ROOT/scripts/eeum" start >"$TMP/stack-start.log" 2>&1 || {
    tail -n 30 "$TMP/stack-start.log" >&2
    die "EEUM_PROFILE=bench scripts/eeum start failed"
  }
}

# ----------------------------------------------------------------------------------------------
# measuring

to_ms() { # "551.00us" | "1.50ms" | "2.01s" -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "nan" } }'
}

# Pid of the process listening on the port of URL (empty when unknown, e.g. another user's).
listener_pid() {
  local url=$1 port line
  port=${url#http://*:}
  port=${port%%/*}
  [[ "$port" =~ ^[0-9]+$ ]] || port=80
  command -v ss >/dev/null 2>&1 || return 0
  line=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n1) || true
  if [[ "$line" =~ pid=([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; fi
}

cpu_ticks() { # utime + stime of a process (all threads), in clock ticks; empty if unknown
  [[ -n "$1" && -r "/proc/$1/stat" ]] || return 0
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) } # fields after the command name, starting with field 3
  awk '{ print $12 + $13 }' <<<"$stat"
}
CLK_TCK=$(getconf CLK_TCK)
readonly CLK_TCK

# run_wrk LABEL URL SECONDS [SERVER_PID] -> sets R_RPS R_P50 R_P99 R_CPU R_ERR
# (R_CPU: the server's CPU time per request in µs, "n/a" without a pid; raw output in $TMP)
RUN_NO=0
run_wrk() {
  local label=$1 url=$2 secs=$3 pid=${4:-} out c0 c1 n
  RUN_NO=$((RUN_NO + 1))
  out="$TMP/wrk-$RUN_NO-$label.txt"
  c0=$(cpu_ticks "$pid")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$url" >"$out" 2>&1 ||
    {
      cat "$out" >&2
      die "wrk failed against $url"
    }
  c1=$(cpu_ticks "$pid")
  R_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  R_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  R_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  n=$(awk '/ requests in / { print $1 }' "$out")
  R_CPU="n/a"
  if [[ -n "$c0" && -n "$c1" && "$n" =~ ^[0-9]+$ ]] && ((n > 0)); then
    R_CPU=$(awk -v d=$((c1 - c0)) -v t="$CLK_TCK" -v n="$n" 'BEGIN { printf "%.1f", d / t / n * 1e6 }')
  fi
  R_ERR=""
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$out")
  [[ -z "$non2xx" ]] || R_ERR+="non-2xx=$non2xx "
  [[ -z "$sock" ]] || R_ERR+="socket errors: $sock"
  [[ -n "$R_RPS" && "$R_P50" != nan && "$R_P99" != nan ]] || {
    cat "$out" >&2
    die "could not parse wrk's output for $label"
  }
}

median() { # median NUM... (3 decimals; "n/a" when any value is n/a)
  local v
  for v in "$@"; do [[ "$v" != n/a ]] || {
    echo n/a
    return 0
  }; done
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "n/a" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else printf "n/a" }'; }
fmt1() { awk -v a="$1" 'BEGIN { if (a == "n/a") print a; else printf "%.1f", a }'; }

# measure_pair SET API_LABEL — alternate bare / api for $ROUNDS rounds; medians into variables
# named <SET>_bare_rps, <SET>_api_rps, ... and one line per run in RUN_LINES.
RUN_LINES=()
ANY_ERRORS=""
main_bare_rps="" main_api_rps="" main_pair_lo="" main_pair_hi="" main_pair_range=""
measure_pair() {
  local set=$1 api_label=$2 r api_pid
  local -a b_rps=() b_p50=() b_p99=() b_cpu=() a_rps=() a_p50=() a_p99=() a_cpu=() pair=()
  api_pid=$(listener_pid "$API_URL")
  [[ -n "$api_pid" ]] || info "[$set] pid of eeum-api unknown: no CPU-per-request figures for it"
  if ((WARMUP > 0)); then
    info "[$set] warm-up ${WARMUP}s each"
    run_wrk "warmup-bare" "$BARE_URL" "$WARMUP"
    run_wrk "warmup-api" "$API_URL" "$WARMUP"
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    info "[$set] round $r/$ROUNDS: bare responder (${DURATION}s)"
    run_wrk "$set-bare-$r" "$BARE_URL" "$DURATION" "$BARE_PID"
    b_rps+=("$R_RPS") b_p50+=("$R_P50") b_p99+=("$R_P99") b_cpu+=("$R_CPU")
    RUN_LINES+=("| $r | bare responder | $R_RPS | $R_P50 | $R_P99 | $R_CPU | ${R_ERR:-} |")
    [[ -z "$R_ERR" ]] || ANY_ERRORS+="bare round $r: $R_ERR; "
    info "  $R_RPS req/s, p50 $R_P50 ms, p99 $R_P99 ms, server CPU $R_CPU µs/req ${R_ERR}"
    info "[$set] round $r/$ROUNDS: $api_label (${DURATION}s)"
    run_wrk "$set-api-$r" "$API_URL" "$DURATION" "$api_pid"
    a_rps+=("$R_RPS") a_p50+=("$R_P50") a_p99+=("$R_P99") a_cpu+=("$R_CPU")
    RUN_LINES+=("| $r | $api_label | $R_RPS | $R_P50 | $R_P99 | $R_CPU | ${R_ERR:-} |")
    [[ -z "$R_ERR" ]] || ANY_ERRORS+="$api_label round $r: $R_ERR; "
    info "  $R_RPS req/s, p50 $R_P50 ms, p99 $R_P99 ms, server CPU $R_CPU µs/req ${R_ERR}"
    pair+=("$(ratio "$R_RPS" "${b_rps[-1]}")")
  done
  local k
  for k in rps p50 p99 cpu; do
    local -n bref="b_$k" aref="a_$k"
    printf -v "${set}_bare_$k" '%s' "$(median "${bref[@]}")"
    printf -v "${set}_api_$k" '%s' "$(median "${aref[@]}")"
    unset -n bref aref
  done
  local lo hi
  lo=$(printf '%s\n' "${pair[@]}" | sort -g | head -n1)
  hi=$(printf '%s\n' "${pair[@]}" | sort -g | tail -n1)
  printf -v "${set}_pair_range" '%s' "$lo–$hi"
  printf -v "${set}_pair_lo" '%s' "$lo"
  printf -v "${set}_pair_hi" '%s' "$hi"
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
  start_stack
fi
wait_http_200 "$API_URL" 30 || die "$API_URL does not answer 200"
body=$(curl -s --max-time 2 "$API_URL")
[[ "$body" == *'"status":"ok"'* ]] || die "unexpected /healthz body from eeum-api: $body"

measure_pair main "eeum-api GET /healthz"

DIAG=0
if [[ "${BENCH_DIAG_LOG_WARN:-0}" == 1 ]]; then
  if ((STACK_STARTED)); then
    DIAG=1
    start_stack LOG_LEVEL=warn # the env file changes, so scripts/eeum restarts eeum-api only
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
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
if [[ -n "$(git -C "$ROOT" status --porcelain -- src include CMakeLists.txt 2>/dev/null)" ]]; then
  COMMIT+=" + uncommitted changes in src/include"
fi
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
  if [[ ! -f "$MD_FILE" ]]; then
    cat >"$MD_FILE" <<'EOF'
# Benchmarks

Baselines of eeum-api's HTTP path. See bench/run-healthz.sh for the method.

EOF
  fi
  if grep -qF "$SECTION_BEGIN" "$MD_FILE"; then
    # Replace the existing section in place.
    awk -v b="$SECTION_BEGIN" -v e="$SECTION_END" -v f="$TMP/section.md" '
      $0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$MD_FILE" >"$TMP/md.new"
  else
    { cat "$MD_FILE" && cat "$TMP/section.md"; } >"$TMP/md.new"
  fi
  cat "$TMP/md.new" >"$MD_FILE"
  info "wrote the results into ${MD_FILE#"$ROOT"/}"
fi

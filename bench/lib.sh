# bench/lib.sh — what the wrk-based benchmarks (bench/run-*.sh) share. Sourced, not run:
#
#   ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
#   . "$ROOT/bench/lib.sh"
#
# The caller sets `set -euo pipefail` and ROOT (the repository) before sourcing, and the
# globals a function names below (DURATION, CONNECTIONS, WRK_THREADS, WARMUP, ROUNDS) before
# calling it. Nothing here sends load anywhere but 127.0.0.1 / localhost.
#
#   info MSG / die MSG               messages on stderr ("[bench] ...")
#   check_uint NAME VALUE MIN MAX    argument checks
#   check_local_url NAME URL         dies unless URL is http://127.0.0.1|localhost[:port][/path]
#   require_wrk                      installs the Debian package wrk when missing; needs curl
#   bench_tmp_init                   TMP (removed on exit) and the EXIT/INT/TERM traps
#   bench_on_exit FUNC               FUNC runs on exit, before the stacks stop (last added first)
#   bench_build TARGET...            builds the release preset's targets (BENCH_SKIP_BUILD=1: no)
#   stack_start PROFILE [ENV=VAL...] (re)starts a stack with scripts/eeum; stopped on exit
#   stack_stop PROFILE               stops it now
#   port_free PORT / wait_http_200 URL SECONDS / listener_pid URL / cpu_ticks PID
#   other_wrk_pids                   someone else's wrk / bench_latency processes
#   wait_no_other_wrk SECONDS        waits (bounded) while someone else's benchmark runs
#   run_wrk LABEL URL SECONDS [PID[,PID2]] [WRK_ARG...]   one wrk run, parsed into R_* variables
#   bench_target NAME LABEL SHORT URL PID [WRK_ARG...]     a target for measure_alternating
#   measure_alternating SET A B      alternate targets A and B for $ROUNDS rounds, medians
#   median / ratio / pct / fmt1      arithmetic for the tables
#   bench_commit                     short commit of HEAD (+ a note when src/include changed)
#   write_section MD_FILE SECTION_FILE BEGIN END   replace (or append) a marked section

# shellcheck shell=bash disable=SC2034
# (SC2034: the R_* results and other globals set here are read by the scripts that source this
# file, and measure_alternating fills its arrays through namerefs.)

[[ -n "${ROOT:-}" ]] || {
  echo "bench/lib.sh: set ROOT before sourcing it" >&2
  exit 1
}
export LC_ALL=C

info() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] error: %s\n' "$*" >&2
  exit 1
}

# ----------------------------------------------------------------------------------------------
# arguments and tools

check_uint() { # check_uint NAME VALUE MIN MAX
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    die "$1 must be an integer in $3..$4 (got '$2')"
  fi
}

check_local_url() { # check_local_url NAME URL — load is only ever sent to this machine
  [[ "$2" =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]+)?(/.*)?$ ]] ||
    die "$1 must be http://127.0.0.1[:port][/path] (load is only ever sent to this machine)"
}

require_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    info "wrk is missing; installing the Debian package"
    if ((EUID == 0)); then apt-get install -y wrk >&2; else sudo apt-get install -y wrk >&2; fi
  fi
  command -v curl >/dev/null 2>&1 || die "curl is required"
}

# ----------------------------------------------------------------------------------------------
# temp dir and clean-up: whatever an invocation started is stopped, on every exit path

TMP=""
BENCH_EXIT_HOOKS=()
BENCH_STACKS=()   # profiles started by stack_start and not stopped yet
STACK_STARTED=0   # 1 once stack_start ran (for the report)
BENCH_EXIT_RC=0   # a hook sets it to 1 to make the script fail

bench_on_exit() { BENCH_EXIT_HOOKS+=("$1"); }

bench_cleanup() {
  BENCH_EXIT_RC=$?
  trap - EXIT INT TERM
  local i p
  if [[ -n "${BENCH_WRK_PID:-}" ]]; then # wrk, run in the background, ignores SIGINT
    kill -TERM "$BENCH_WRK_PID" 2>/dev/null || true
    wait "$BENCH_WRK_PID" 2>/dev/null || true
  fi
  for ((i = ${#BENCH_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
    "${BENCH_EXIT_HOOKS[i]}" || BENCH_EXIT_RC=1
  done
  for p in "${BENCH_STACKS[@]}"; do
    stack_stop "$p" || BENCH_EXIT_RC=1
  done
  [[ -z "$TMP" ]] || rm -rf "$TMP"
  exit "$BENCH_EXIT_RC"
}

bench_tmp_init() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/eeum-bench.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ----------------------------------------------------------------------------------------------
# build and stacks

bench_build() { # bench_build TARGET... — release preset
  [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] || return 0
  local list
  list=$(printf '%s, ' "$@")
  info "building the release preset (${list%, })"
  (cd "$ROOT" && cmake --preset release >&2 && cmake --build --preset release -j2 --target "$@" >&2) ||
    die "build failed"
}

stack_start() { # stack_start PROFILE [ENV=VALUE...]  — (re)start a stack, e.g. LOG_LEVEL=warn
  local profile=$1
  shift
  info "starting the $profile stack (EEUM_PROFILE=$profile, api port $EEUM_API_PORT${1:+, $*})"
  STACK_STARTED=1
  local p known=0
  for p in "${BENCH_STACKS[@]}"; do [[ "$p" != "$profile" ]] || known=1; done
  ((known)) || BENCH_STACKS+=("$profile")
  # The fixed ports lie in the kernel's ephemeral range (32768-60999), so a client socket of
  # anyone's can hold one for a moment: eeum-api then fails to bind. One more try after a pause.
  local try
  for ((try = 1; try <= 2; try++)); do
    if env "$@" EEUM_PROFILE="$profile" "$ROOT/scripts/eeum" start >"$TMP/stack-start.log" 2>&1; then
      return 0
    fi
    if ((try == 1)) && tail -n 5 "$ROOT/var/$profile/logs/eeum-api.log" 2>/dev/null | grep -q 'already in use'; then
      info "eeum-api's port was taken for a moment (ephemeral range); starting again in 5 s"
      sleep 5
      continue
    fi
    break
  done
  tail -n 30 "$TMP/stack-start.log" >&2
  die "EEUM_PROFILE=$profile scripts/eeum start failed"
}

stack_stop() { # stack_stop PROFILE — stop it and tell how big its access log has grown
  local profile=$1 rc=0 p left=()
  for p in "${BENCH_STACKS[@]}"; do [[ "$p" == "$profile" ]] || left+=("$p"); done
  BENCH_STACKS=("${left[@]}")
  info "stopping the $profile stack"
  EEUM_PROFILE="$profile" "$ROOT/scripts/eeum" stop >&2 || rc=1
  local log="$ROOT/var/$profile/logs/eeum-api.log"
  if [[ -f "$log" ]]; then
    info "${log#"$ROOT"/} is now $(du -h "$log" | cut -f1) (every request adds a line; delete it when done)"
  fi
  return "$rc"
}

# ----------------------------------------------------------------------------------------------
# processes and ports

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

# Pids of load generators running beside ours: wrk processes other than the one run_wrk
# started, and bench_latency (bench/run-search.sh's sequential probe): someone else's benchmark.
BENCH_WRK_PID=""
other_wrk_pids() {
  local p out=()
  # (pgrep matches at most 15 characters of a process name, hence the short pattern.)
  for p in $(pgrep -l '^(wrk|bench_l)' | awk '$2 == "wrk" || $2 == "bench_latency" { print $1 }'); do
    [[ "$p" == "${BENCH_WRK_PID:-}" ]] || out+=("$p")
  done
  echo "${out[*]}"
}

# wait_no_other_wrk SECONDS — wait (polling every 5 s, at most SECONDS) until no one else's wrk
# or bench_latency runs: concurrent load on this 2-core machine distorts every ratio. Returns 1
# when one still runs at the end (the caller goes on; run_wrk records the overlap per run).
wait_no_other_wrk() {
  local max=$1 waited=0 o
  o=$(other_wrk_pids)
  [[ -n "$o" ]] || return 0
  ((max > 0)) || return 1
  info "someone else's benchmark is running (pid $o); waiting up to ${max}s for it to finish"
  while [[ -n "$o" ]] && ((waited < max)); do
    sleep 5
    waited=$((waited + 5))
    o=$(other_wrk_pids)
  done
  if [[ -n "$o" ]]; then
    info "someone else's benchmark still runs after ${waited}s (pid $o); measuring anyway"
    return 1
  fi
  info "no other benchmark runs any more (waited ${waited}s)"
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

cpu_per_req() { # cpu_per_req TICKS0 TICKS1 REQUESTS -> µs per request, or n/a
  if [[ -n "$1" && -n "$2" && "$3" =~ ^[0-9]+$ ]] && (($3 > 0)); then
    awk -v d=$(($2 - $1)) -v t="$CLK_TCK" -v n="$3" 'BEGIN { printf "%.1f", d / t / n * 1e6 }'
  else
    echo "n/a"
  fi
}

# run_wrk LABEL URL SECONDS [PID[,PID2]] [WRK_ARG...]
#   `wrk -t$WRK_THREADS -c$CONNECTIONS -dSECONDS --latency WRK_ARG... URL`; sets
#   R_RPS R_P50 R_P99 (ms) R_N (requests completed) R_NON2XX R_ERR (text, empty when clean),
#   R_CPU / R_CPU2 (CPU time of PID / PID2 per request in µs, "n/a" without a pid),
#   R_OTHER_WRK (pids of someone else's load generator seen during the run) and R_OUT (the raw
#   output, kept in $TMP).
RUN_NO=0
run_wrk() {
  local label=$1 url=$2 secs=$3 pids=${4:-} pid pid2 out c0 c1 d0 d1 n
  shift $(($# < 4 ? $# : 4))
  pid=${pids%%,*}
  pid2=""
  [[ "$pids" != *,* ]] || pid2=${pids#*,}
  RUN_NO=$((RUN_NO + 1))
  out="$TMP/wrk-$RUN_NO-$label.txt"
  R_OUT=$out
  c0=$(cpu_ticks "$pid")
  d0=$(cpu_ticks "$pid2")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$@" "$url" >"$out" 2>&1 &
  BENCH_WRK_PID=$!
  # Look for someone else's load generator while ours runs (bounded: wrk stops itself after SECONDS).
  local i others="" o
  # One look per second: a pgrep costs ≈ 20 ms of CPU here.
  for ((i = 0; i < secs + 60; i++)); do
    o=$(other_wrk_pids)
    [[ -z "$o" ]] || others+=" $o"
    kill -0 "$BENCH_WRK_PID" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$BENCH_WRK_PID" 2>/dev/null; then die "wrk against $url did not stop after ${secs}s"; fi
  wait "$BENCH_WRK_PID" ||
    {
      BENCH_WRK_PID=""
      cat "$out" >&2
      die "wrk failed against $url"
    }
  BENCH_WRK_PID=""
  c1=$(cpu_ticks "$pid")
  d1=$(cpu_ticks "$pid2")
  R_OTHER_WRK=""
  if [[ -n "$others" ]]; then
    local -a ow
    read -r -a ow <<<"$others"
    R_OTHER_WRK=$(printf '%s\n' "${ow[@]}" | sort -un | paste -sd' ')
  fi
  R_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  R_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  R_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  n=$(awk '/ requests in / { print $1 }' "$out")
  R_N=${n:-0}
  R_CPU=$(cpu_per_req "$c0" "$c1" "$n")
  R_CPU2=$(cpu_per_req "$d0" "$d1" "$n")
  R_ERR=""
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$out")
  R_NON2XX=${non2xx:-0}
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

# bench_target NAME LABEL SHORT URL PID [WRK_ARG...]
#   LABEL: in the progress lines and the individual runs; SHORT: in the error summary;
#   PID: "" (no CPU figures), "PID" or "PID,PID2", or "auto:SERVER" (the pid listening on
#   URL's port, looked up when measuring; SERVER names it when it cannot be found).
declare -A T_LABEL=() T_SHORT=() T_URL=() T_PID=() T_ARGS=()
bench_target() {
  local name=$1
  T_LABEL[$name]=$2
  T_SHORT[$name]=$3
  T_URL[$name]=$4
  T_PID[$name]=$5
  shift 5
  T_ARGS[$name]=""
  (($# == 0)) || T_ARGS[$name]=$(printf '%s\n' "$@")
}

# One line of the "individual runs" table; a script may redefine it after sourcing this file.
run_line() { # run_line ROUND LABEL (after run_wrk)
  echo "| $1 | $2 | $R_RPS | $R_P50 | $R_P99 | $R_CPU | ${R_ERR:-} |"
}

# measure_alternating SET A B — after a warm-up of $WARMUP s each (none when 0), run A, B, A,
# B, ... for $ROUNDS rounds of $DURATION s. Sets the medians <SET>_<A|B>_<rps|p50|p99|cpu|cpu2>,
# the per-round req/s ratios B/A in <SET>_pair_lo, _hi and _range ("lo–hi"), appends one line
# per run to RUN_LINES (run_line) and wrk's errors to ANY_ERRORS; RUN_OVERLAP counts the runs
# during which someone else's load generator was seen.
RUN_LINES=()
ANY_ERRORS=""
RUN_OVERLAP=0
measure_alternating() {
  local set=$1 r t k
  local -a names=("$2" "$3") pair=()
  local -A pid=()
  local -a a_rps=() a_p50=() a_p99=() a_cpu=() a_cpu2=() b_rps=() b_p50=() b_p99=() b_cpu=() b_cpu2=()
  for t in "${names[@]}"; do
    pid[$t]=${T_PID[$t]}
    if [[ "${pid[$t]}" == auto:* ]]; then
      local server=${pid[$t]#auto:}
      pid[$t]=$(listener_pid "${T_URL[$t]}")
      [[ -n "${pid[$t]}" ]] || info "[$set] pid of $server unknown: no CPU-per-request figures for it"
    fi
  done
  if ((WARMUP > 0)); then
    info "[$set] warm-up ${WARMUP}s each"
    for t in "${names[@]}"; do
      local -a args=()
      [[ -z "${T_ARGS[$t]}" ]] || mapfile -t args <<<"${T_ARGS[$t]}"
      run_wrk "warmup-$t" "${T_URL[$t]}" "$WARMUP" "" "${args[@]}"
    done
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    local side=a
    for t in "${names[@]}"; do
      local -a args=()
      [[ -z "${T_ARGS[$t]}" ]] || mapfile -t args <<<"${T_ARGS[$t]}"
      info "[$set] round $r/$ROUNDS: ${T_LABEL[$t]} (${DURATION}s)"
      run_wrk "$set-$t-$r" "${T_URL[$t]}" "$DURATION" "${pid[$t]}" "${args[@]}"
      local -n rps_=${side}_rps p50_=${side}_p50 p99_=${side}_p99 cpu_=${side}_cpu cpu2_=${side}_cpu2
      rps_+=("$R_RPS") p50_+=("$R_P50") p99_+=("$R_P99") cpu_+=("$R_CPU") cpu2_+=("$R_CPU2")
      unset -n rps_ p50_ p99_ cpu_ cpu2_
      RUN_LINES+=("$(run_line "$r" "${T_LABEL[$t]}")")
      [[ -z "$R_ERR" ]] || ANY_ERRORS+="${T_SHORT[$t]} round $r: $R_ERR; "
      [[ -z "$R_OTHER_WRK" ]] || RUN_OVERLAP=$((RUN_OVERLAP + 1))
      info "  $R_RPS req/s, p50 $R_P50 ms, p99 $R_P99 ms, server CPU $R_CPU µs/req ${R_ERR}"
      side=b
    done
    pair+=("$(ratio "${b_rps[-1]}" "${a_rps[-1]}")")
  done
  for k in rps p50 p99 cpu cpu2; do
    local -n aref="a_$k" bref="b_$k"
    printf -v "${set}_${names[0]}_$k" '%s' "$(median "${aref[@]}")"
    printf -v "${set}_${names[1]}_$k" '%s' "$(median "${bref[@]}")"
    unset -n aref bref
  done
  local lo hi
  lo=$(printf '%s\n' "${pair[@]}" | sort -g | head -n1)
  hi=$(printf '%s\n' "${pair[@]}" | sort -g | tail -n1)
  printf -v "${set}_pair_range" '%s' "$lo–$hi"
  printf -v "${set}_pair_lo" '%s' "$lo"
  printf -v "${set}_pair_hi" '%s' "$hi"
}

# ----------------------------------------------------------------------------------------------
# report

bench_commit() { # short commit of HEAD, noting uncommitted changes to the server's sources
  local c
  c=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
  if [[ -n "$(git -C "$ROOT" status --porcelain -- src include CMakeLists.txt 2>/dev/null)" ]]; then
    c+=" + uncommitted changes in src/include"
  fi
  echo "$c"
}

# write_section MD_FILE SECTION_FILE BEGIN END — SECTION_FILE holds the section, markers
# included; it replaces the lines from BEGIN to END in MD_FILE, or is appended when MD_FILE has
# no BEGIN line. Everything else in MD_FILE is left alone.
write_section() {
  local md=$1 section=$2 begin=$3 end=$4
  if [[ ! -f "$md" ]]; then
    cat >"$md" <<'EOF'
# Benchmarks

Baselines of eeum-api's HTTP path. See bench/run-healthz.sh for the method.

EOF
  fi
  if grep -qF "$begin" "$md"; then
    grep -qxF "$end" "$md" || die "${md#"$ROOT"/} has '$begin' but no '$end' line"
    # Replace the existing section in place.
    awk -v b="$begin" -v e="$end" -v f="$section" '
      $0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$md" >"$TMP/md.new"
  else
    {
      cat "$md"
      # a blank line between the file's last line and the new section
      [[ -z "$(tail -n 1 "$md")" ]] || echo
      cat "$section"
    } >"$TMP/md.new"
  fi
  cat "$TMP/md.new" >"$md"
  info "wrote the results into ${md#"$ROOT"/}"
}

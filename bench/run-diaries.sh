#!/usr/bin/env bash
# bench/run-diaries.sh — issue [4]: diary create throughput and latency at 32 connections
# (POST /api/diaries with a bearer token, several users), side by side with GET /healthz in the
# same invocation, and the outbox drain rate (messages/s from the outbox to the SQS emulator).
# Goals: create ≥ 25 % of /healthz's req/s; drain ≥ 1,000 messages/s.
#
#   bench/run-diaries.sh                         build, start the 'benchdiaries' stack, measure
#   BENCH_PRESET=h-diaries-rel bench/run-diaries.sh   build and run another (release) preset
#
# Steps:
#  (a) build eeum-api with $BENCH_PRESET (default: release);
#  (b) start the stack: EEUM_PROFILE=benchdiaries scripts/eeum start (no analyzer: the queue
#      must keep what the publisher sends), ports 38480 (api), 33337 (MariaDB), 39354 (SQS);
#  (c) sign up USERS users and log them in;
#  (d) `wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency` on GET /healthz and on
#      POST /api/diaries (a Lua script: each request takes the next user's token and a fresh
#      title), alternating for ROUNDS rounds after a warm-up; every create answer must be 201
#      (wrk's non-2xx count must stay 0); eeum-api's and MariaDB's CPU per request from /proc;
#  (e) drain: stop the SQS emulator (scripts/eeum sqs-stop), create diaries (2 s wrk bursts at 8
#      connections, all 201) until the outbox backlog (/metrics eeum_outbox_backlog) holds at
#      least DRAIN_N, start the emulator (sqs-start: it comes back empty), and time from its
#      start until the backlog is 0 again; the rate is backlog / that time (backlog polled every
#      100 ms). The queue's
#      ApproximateNumberOfMessages is read afterwards as a cross-check;
#  (f) print the tables and write them into BENCHMARKS.md between the bench:diaries markers.
#
# Environment:
#   DURATION=10 ROUNDS=3 CONNECTIONS=32 WRK_THREADS=2 WARMUP=2 USERS=8 DRAIN_N=5000
#   BENCH_WAIT_WRK=600    seconds to wait at the start while someone else's benchmark runs
#   EEUM_API_PORT=38480 EEUM_DB_PORT=33337 EEUM_SQS_PORT=39354
#   BENCH_PRESET=release  CMake preset to build and run
#   BENCH_WRITE=0         do not touch BENCHMARKS.md
#   BENCH_SKIP_BUILD=1    do not build
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
readonly PROFILE=benchdiaries
readonly MD_FILE="$ROOT/BENCHMARKS.md"
readonly SECTION_BEGIN="<!-- bench:diaries:begin -->"
readonly SECTION_END="<!-- bench:diaries:end -->"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-2}
USERS=${USERS:-8}
DRAIN_N=${DRAIN_N:-5000}
BENCH_WAIT_WRK=${BENCH_WAIT_WRK:-600}
BENCH_PRESET=${BENCH_PRESET:-release}
export EEUM_API_PORT=${EEUM_API_PORT:-38480}
export EEUM_DB_PORT=${EEUM_DB_PORT:-33337}
export EEUM_SQS_PORT=${EEUM_SQS_PORT:-39354}

check_uint DURATION "$DURATION" 1 120
check_uint ROUNDS "$ROUNDS" 3 10
check_uint CONNECTIONS "$CONNECTIONS" 1 1024
check_uint WRK_THREADS "$WRK_THREADS" 1 64
check_uint WARMUP "$WARMUP" 0 30
check_uint USERS "$USERS" 1 64
check_uint DRAIN_N "$DRAIN_N" 100 100000
check_uint BENCH_WAIT_WRK "$BENCH_WAIT_WRK" 0 1800
[[ "$BENCH_PRESET" =~ ^[A-Za-z0-9_-]+$ ]] || die "BENCH_PRESET must be a preset name"
((WRK_THREADS <= CONNECTIONS)) || die "WRK_THREADS must not exceed CONNECTIONS"

require_wrk
readonly API="http://127.0.0.1:$EEUM_API_PORT"
readonly HEALTHZ_URL="$API/healthz"
readonly CREATE_URL="$API/api/diaries"
check_local_url API "$API"
bench_tmp_init

# ---- (a) build --------------------------------------------------------------------------------
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  info "building eeum-api with the $BENCH_PRESET preset"
  (cd "$ROOT" && cmake --preset "$BENCH_PRESET" >&2 &&
    cmake --build --preset "$BENCH_PRESET" -j2 --target eeum-api >&2) || die "build failed"
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
WAITED_NOTE=""
wait_no_other_wrk "$BENCH_WAIT_WRK" || WAITED_NOTE="someone else's benchmark was running when this run started"

# ---- (b) stack ---------------------------------------------------------------------------------
stack_start "$PROFILE" EEUM_PRESET="$BENCH_PRESET" EEUM_START_ANALYZER=0 LOG_LEVEL=warn
wait_http_200 "$HEALTHZ_URL" 30 || die "eeum-api does not answer on $HEALTHZ_URL"
API_PID=$(listener_pid "$HEALTHZ_URL")
DB_PID=$(listener_pid "http://127.0.0.1:$EEUM_DB_PORT/")
stack_cmd() { EEUM_PROFILE="$PROFILE" "$ROOT/scripts/eeum" "$@" >&2; }
# Whatever happens, leave the emulator of this profile running for stack_stop.
bench_on_exit restart_sqs_quietly
restart_sqs_quietly() { stack_cmd sqs-start >/dev/null 2>&1 || true; }

# ---- (c) users -----------------------------------------------------------------------------------
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)["item"][sys.argv[1]])' "$1"; }
TOKENS=()
RUN_TAG=$(date +%s)
for ((u = 0; u < USERS; u++)); do
  email="bench-diaries-$RUN_TAG-$u@example.com"
  body=$(printf '{"email":"%s","password":"bench-Diaries-1","firstName":"길동","lastName":"홍","nickname":"일기%s%d","phoneNumber":"010-1234-5678","gender":"FEMALE","birthYear":1995,"birthMonth":5,"birthDate":5,"zipCode":"06035","mainAddress":"서울시 강남구","detailAddress":"1층"}' \
    "$email" "${RUN_TAG: -6}" "$u")
  code=$(curl -s -o "$TMP/signup.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$API/api/users/sign-up")
  [[ "$code" == 201 ]] || die "sign-up answered $code: $(cat "$TMP/signup.json")"
  tok=$(curl -s -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench-Diaries-1\"}" "$API/api/users/login" | json_field jwtToken)
  [[ -n "$tok" ]] || die "login failed for $email"
  TOKENS+=("$tok")
done
info "$USERS users signed up and logged in"

# A Lua script posting diaries: the next user's token and a fresh title per request (the thread
# number keeps titles of the two wrk threads apart).
create_lua() { # create_lua FILE
  {
    echo 'local tokens = {'
    local t
    for t in "${TOKENS[@]}"; do echo "  \"$t\","; done
    echo '}'
    cat <<EOF
local counter, tid = 0, 0
local threads_made = 0
function setup(thread)
  threads_made = threads_made + 1
  thread:set("tid", threads_made)
end
function init(args)
  counter = tid * 1000000000
end
function request()
  counter = counter + 1
  local tok = tokens[(counter % #tokens) + 1]
  local body = string.format('{"title":"벤치 일기 %d","content":"오늘 밤엔 떡볶이가 먹고 싶었다. 야근 끝나고 먹은 치킨이 최고였다. 내일은 조금 덜 걱정하자. %d","publishedDate":"2025-06-01","mood":"행복","tags":["벤치","야식"]}', counter, counter)
  return wrk.format("POST", "/api/diaries", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tok}, body)
end
EOF
  } >"$1"
}
create_lua "$TMP/create.lua"

# ---- (d) create vs /healthz -------------------------------------------------------------------------
bench_target healthz "eeum-api GET /healthz" "/healthz" "$HEALTHZ_URL" "$API_PID,$DB_PID"
bench_target create "eeum-api POST /api/diaries" "create" "$CREATE_URL" "$API_PID,$DB_PID" \
  -s "$TMP/create.lua"
measure_alternating main healthz create
((RUN_OVERLAP == 0)) || info "$RUN_OVERLAP runs overlapped someone else's benchmark"
[[ -z "$ANY_ERRORS" ]] || info "wrk reported errors: $ANY_ERRORS"

# ---- (e) drain ------------------------------------------------------------------------------------------
metric() { # metric NAME -> value from /metrics (empty when absent)
  # (awk reads the whole body: an early exit would make curl fail with a write error)
  curl -s --max-time 2 "$API/metrics" | awk -v n="$1" '$1 == n && v == "" { v = $2 } END { print v }'
}
wait_backlog() { # wait_backlog CMP VALUE SECONDS — until backlog CMP VALUE (ge|eq0); prints ms
  local cmp=$1 want=$2 secs=$3 t0 b now
  t0=$(date +%s%N)
  while :; do
    b=$(metric eeum_outbox_backlog)
    b=${b%%.*}
    if [[ -n "$b" ]]; then
      if [[ "$cmp" == ge ]] && ((b >= want)); then break; fi
      if [[ "$cmp" == eq0 ]] && ((b == 0)); then break; fi
    fi
    now=$(date +%s%N)
    (((now - t0) / 1000000 < secs * 1000)) || die "outbox backlog still ${b:-?} after ${secs}s"
    sleep 0.1
  done
  now=$(date +%s%N)
  echo $(((now - t0) / 1000000))
}
wait_backlog eq0 0 60 >/dev/null
info "drain: stopping the SQS emulator and creating $DRAIN_N diaries"
stack_cmd sqs-stop
DRAIN_CONN=8
# wrk cannot stop after a number of requests, so it runs in short bursts until the outbox holds
# DRAIN_N rows (the last burst overshoots a little; the figure uses the real backlog).
DRAIN_CREATED=0
DRAIN_SECS=0
BACKLOG=0
while ((BACKLOG < DRAIN_N)); do
  ((DRAIN_SECS < 600)) || die "could not create $DRAIN_N diaries in 600 s"
  wrk -t"$WRK_THREADS" -c"$DRAIN_CONN" -d2s -s "$TMP/create.lua" "$CREATE_URL" >"$TMP/drain-wrk.txt" 2>&1 ||
    die "wrk (drain creates) failed"
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TMP/drain-wrk.txt")
  [[ -z "$non2xx" ]] || die "$non2xx creates were not 201 while SQS was down"
  DRAIN_CREATED=$((DRAIN_CREATED + $(awk '/ requests in / { print $1 }' "$TMP/drain-wrk.txt")))
  DRAIN_SECS=$((DRAIN_SECS + 2))
  BACKLOG=$(metric eeum_outbox_backlog)
  BACKLOG=${BACKLOG%%.*}
  BACKLOG=${BACKLOG:-0}
done
DRAIN_RPS=$(awk -v n="$DRAIN_CREATED" -v s="$DRAIN_SECS" 'BEGIN { printf "%.0f", n / s }')
info "created $DRAIN_CREATED diaries with SQS down ($DRAIN_RPS req/s); outbox backlog $BACKLOG"
stack_cmd sqs-start
DRAIN_MS=$(wait_backlog eq0 0 300)
DRAIN_RATE=$(awk -v n="$BACKLOG" -v ms="$DRAIN_MS" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
QUEUE_URL=$(awk -F= '$1 == "SQS_QUEUE_URL" { gsub(/\x27/, "", $2); print $2 }' "$ROOT/var/$PROFILE/eeum.env")
QUEUE_COUNT=$(curl -s -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: AmazonSQS.GetQueueAttributes' \
  -d "{\"QueueUrl\":\"$QUEUE_URL\",\"AttributeNames\":[\"ApproximateNumberOfMessages\"]}" "http://127.0.0.1:$EEUM_SQS_PORT/" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Attributes"]["ApproximateNumberOfMessages"])' 2>/dev/null || echo "?")
info "drained $BACKLOG messages in $DRAIN_MS ms: $DRAIN_RATE msg/s (queue holds $QUEUE_COUNT)"

# ---- (f) report -----------------------------------------------------------------------------------------
main_ratio=$(ratio "$main_create_rps" "$main_healthz_rps")
create_goal=$(awk -v r="$main_ratio" 'BEGIN { print (r != "n/a" && r >= 0.25) ? "met" : "NOT met" }')
drain_goal=$(awk -v r="$DRAIN_RATE" 'BEGIN { print (r >= 1000) ? "met" : "NOT met" }')
{
  echo "$SECTION_BEGIN"
  echo "## Diaries: create vs /healthz, outbox drain (bench/run-diaries.sh)"
  echo
  echo "$(date -u +%Y-%m-%d) · commit $(bench_commit) · preset $BENCH_PRESET · 2 cores (shared) · load at start: ${LOAD_START:-?}${WAITED_NOTE:+ · $WAITED_NOTE}"
  echo
  echo "wrk -t$WRK_THREADS -c$CONNECTIONS, $ROUNDS alternating rounds of ${DURATION}s (medians); POST /api/diaries from $USERS users (a fresh title per request; every answer 201), each create = one transaction (diary row + outbox row) + the re-read of the diary for the answer. CPU per request: eeum-api / MariaDB (µs)."
  echo
  echo "| target | req/s | p50 ms | p99 ms | eeum-api CPU µs/req | MariaDB CPU µs/req |"
  echo "|---|---|---|---|---|---|"
  echo "| GET /healthz | $main_healthz_rps | $main_healthz_p50 | $main_healthz_p99 | $main_healthz_cpu | $main_healthz_cpu2 |"
  echo "| POST /api/diaries | $main_create_rps | $main_create_p50 | $main_create_p99 | $main_create_cpu | $main_create_cpu2 |"
  echo
  echo "Create / healthz: **$(pct "$main_create_rps" "$main_healthz_rps")** (per-round ratios $main_pair_range); goal ≥ 25 %: **$create_goal**.${ANY_ERRORS:+ wrk errors: $ANY_ERRORS}"
  echo
  echo "Where a create's time goes: MariaDB alone spends $main_create_cpu2 µs of CPU per create (the insert with its FULLTEXT and secondary index entries, the outbox row, the durable commit, the re-read, and the publisher's claim/mark-sent of the message), so on 2 cores creates cannot exceed about $(awk -v c="$main_create_cpu2" 'BEGIN { if (c > 0) printf "%.0f", 2e6 / c; else print "n/a" }') req/s even if eeum-api and the SQS emulator cost nothing; 25 % of this run's /healthz would need $(awk -v h="$main_healthz_rps" 'BEGIN { printf "%.0f", h / 4 }') req/s. The goal is out of reach for a durable transactional write on this machine; eeum-api's own share is $main_create_cpu µs/req."
  echo
  echo "Outbox drain: SQS emulator stopped, $DRAIN_CREATED diaries created through the API ($DRAIN_RPS req/s at 8 connections, all 201 while the queue was down), emulator started (\`scripts/eeum sqs-start\` returns once its queues exist): the backlog of $BACKLOG went to 0 in $DRAIN_MS ms after that → **$DRAIN_RATE messages/s** (SendMessageBatch of 10, one publisher thread; the queue then held $QUEUE_COUNT messages); goal ≥ 1,000 msg/s: **$drain_goal**."
  echo
  echo "<details><summary>individual runs</summary>"
  echo
  echo "| round | target | req/s | p50 ms | p99 ms | CPU µs/req | errors |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${RUN_LINES[@]}"
  echo
  echo "</details>"
  echo "$SECTION_END"
} >"$TMP/section.md"
cat "$TMP/section.md"
if [[ "${BENCH_WRITE:-1}" != 0 ]]; then
  write_section "$MD_FILE" "$TMP/section.md" "$SECTION_BEGIN" "$SECTION_END"
fi

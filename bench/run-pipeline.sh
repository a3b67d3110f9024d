#!/usr/bin/env bash
# bench/run-pipeline.sh — issue [5]: the diary → analysis pipeline end to end, side by side with
# the raw speed of the SQS emulator measured in the same invocation.
# Goals: analyzer ≥ 500 diaries/s; POST diary → analysis done p50 ≤ 200 ms, p99 ≤ 1 s.
#
#   bench/run-pipeline.sh                 build, start the 'benchpipe' stack, measure, stop it
#   DIARIES=1000 RATE=100 bench/run-pipeline.sh
#
# Steps:
#  (a) build eeum-api, eeum-analyzer and bench_pipeline with a release-type preset
#      (BENCH_PRESET, default `release`);
#  (b) start the stack (EEUM_PROFILE=benchpipe, LOG_LEVEL=warn) with ANALYZER_WORKERS workers;
#  (c) baseline: `bench_pipeline sqs-drain DIARIES WORKERS` — a scratch FIFO queue on the same
#      emulator gets DIARIES outbox-shaped messages in 100 groups, then WORKERS threads receive
#      (10, no wait) and DeleteMessageBatch them with the analyzer's own SQS client and no
#      processing: the most any consumer can get out of this emulator on this machine;
#  (d) analyzer throughput: with the analyzer stopped, DIARIES diaries are POSTed (USERS users)
#      and the outbox drains them to the queue; then the analyzer starts and the rate is
#      DIARIES over the time from its first to its last analysis (analyzed_at, database clock),
#      plus the wall time from `analyzer-start` to the last analysis (process start included);
#  (e) latency: with the analyzer running, DIARIES diaries are POSTed at RATE per second;
#      per diary, analyzed_at − diaries.created_at (both NOW(3) of the database: from the
#      diary's insert to the commit of its analysis, through outbox, publisher, SQS and
#      analyzer); p50/p90/p99/max, and the end-to-end rate;
#  (f) print the table and write it into BENCHMARKS.md between the bench:pipeline markers; stop
#      the stack on exit (also on failure or Ctrl-C).
#
# Environment:
#   DIARIES=1000           diaries per phase (100..20000)
#   USERS=100              diary authors (FIFO message groups) (1..1000)
#   RATE=100               POST rate of the latency phase, diaries/s (1..2000)
#   POST_THREADS=4         HTTP client threads posting diaries
#   ANALYZER_WORKERS=4     analyzer workers, also the baseline's receiving threads
#   EEUM_API_PORT=37180 EEUM_DB_PORT=37406 EEUM_SQS_PORT=37424 EEUM_ANALYZER_PORT=37190
#   BENCH_PRESET=release   CMake preset to build and run
#   BENCH_SKIP_BUILD=1     do not build
#   BENCH_WRITE=0          do not touch BENCHMARKS.md
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
readonly PROFILE=benchpipe
BENCH_PRESET=${BENCH_PRESET:-release}
[[ "$BENCH_PRESET" =~ ^[A-Za-z0-9_-]+$ ]] || die "BENCH_PRESET must be a preset name"
DIARIES=${DIARIES:-1000}
USERS=${USERS:-100}
RATE=${RATE:-100}
POST_THREADS=${POST_THREADS:-4}
ANALYZER_WORKERS=${ANALYZER_WORKERS:-4}
check_uint DIARIES "$DIARIES" 100 20000
check_uint USERS "$USERS" 1 1000
check_uint RATE "$RATE" 1 2000
check_uint POST_THREADS "$POST_THREADS" 1 64
check_uint ANALYZER_WORKERS "$ANALYZER_WORKERS" 1 64
export EEUM_API_PORT=${EEUM_API_PORT:-37180} EEUM_DB_PORT=${EEUM_DB_PORT:-37406}
export EEUM_SQS_PORT=${EEUM_SQS_PORT:-37424} EEUM_ANALYZER_PORT=${EEUM_ANALYZER_PORT:-37190}
export EEUM_PRESET=$BENCH_PRESET EEUM_START_ANALYZER=1
BIN="$ROOT/build/$BENCH_PRESET"
BASE="http://127.0.0.1:$EEUM_API_PORT"

bench_tmp_init

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  info "building preset $BENCH_PRESET (eeum-api, eeum-analyzer, bench_pipeline)"
  (cd "$ROOT" && cmake --preset "$BENCH_PRESET" >&2 &&
    cmake --build --preset "$BENCH_PRESET" -j2 --target eeum-api eeum-analyzer bench_pipeline >&2) ||
    die "build failed (is the preset '$BENCH_PRESET' in CMakeUserPresets.json?)"
fi

stack_start "$PROFILE" LOG_LEVEL=warn ANALYZER_WORKERS="$ANALYZER_WORKERS"
set -a
# shellcheck disable=SC1090
. "$ROOT/var/$PROFILE/eeum.env"
set +a
db() { MYSQL_PWD="$DB_PASSWORD" mariadb --no-defaults --default-character-set=utf8mb4 -h127.0.0.1 -P"$EEUM_DB_PORT" -u"$DB_USER" "$DB_NAME" -N -B -e "$1"; }
stack() { EEUM_PROFILE=$PROFILE "$ROOT/scripts/eeum" "$@" >&2; }
RUN_ID="p$(date +%s)"

# wait_sql SQL EXPECTED SECONDS — poll until SQL prints EXPECTED
wait_sql() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [[ "$(db "$1")" == "$2" ]] && return 0
    sleep 0.1
  done
  die "timed out waiting for: $1 = $2 (last: $(db "$1"))"
}

# ---- (c) baseline ----
info "baseline: raw SQS receive+delete of $DIARIES messages with $ANALYZER_WORKERS threads"
read -r _ _ _ base_s _ base_rate < <("$BIN/bench/bench_pipeline" sqs-drain "$DIARIES" "$ANALYZER_WORKERS")
info "baseline: $base_rate messages/s ($base_s s)"

# ---- (d) analyzer throughput from a full queue ----
tag_t="${RUN_ID}t"
stack analyzer-stop
info "throughput: posting $DIARIES diaries with the analyzer stopped"
"$BIN/bench/bench_pipeline" post "$BASE" "$USERS" "$DIARIES" 0 "$POST_THREADS" "$tag_t" >&2
ids_t="SELECT id FROM diaries WHERE title LIKE '$tag_t 일기 %'"
wait_sql "SELECT COUNT(*) FROM outbox o JOIN diaries d ON d.id = o.diary_id WHERE d.title LIKE '$tag_t 일기 %' AND o.status = 'sent'" "$DIARIES" 120
t0=$(date +%s.%N)
stack analyzer-start
wait_sql "SELECT COUNT(*) FROM diaries WHERE title LIKE '$tag_t 일기 %' AND analysis_status = 'done'" "$DIARIES" 300
t1=$(date +%s.%N)
read -r span_ms < <(db "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(analyzed_at), MAX(analyzed_at)) / 1000 FROM diary_emotions WHERE diary_id IN ($ids_t)")
thr_rate=$(awk -v n="$DIARIES" -v ms="$span_ms" 'BEGIN { printf "%.0f", (ms > 0 ? (n - 1) * 1000 / ms : 0) }')
wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
wall_rate=$(awk -v n="$DIARIES" -v s="$wall_s" 'BEGIN { printf "%.0f", n / s }')
info "throughput: $thr_rate diaries/s between the first and the last analysis; $wall_rate/s including the start ($wall_s s)"

# ---- (e) latency at RATE diaries/s ----
tag_l="${RUN_ID}l"
info "latency: posting $DIARIES diaries at $RATE/s with the analyzer running"
read -r _ _ _ _ _ post_s < <("$BIN/bench/bench_pipeline" post "$BASE" "$USERS" "$DIARIES" "$RATE" "$POST_THREADS" "$tag_l")
post_rate=$(awk -v n="$DIARIES" -v s="$post_s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
wait_sql "SELECT COUNT(*) FROM diaries WHERE title LIKE '$tag_l 일기 %' AND analysis_status = 'done'" "$DIARIES" 300
db "SELECT TIMESTAMPDIFF(MICROSECOND, d.created_at, e.analyzed_at) / 1000 FROM diaries d JOIN diary_emotions e ON e.diary_id = d.id WHERE d.title LIKE '$tag_l 일기 %' ORDER BY 1" >"$TMP/lat"
pctl() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(p * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.0f", v[i] }' "$TMP/lat"; }
p50=$(pctl 0.50) p90=$(pctl 0.90) p99=$(pctl 0.99) pmax=$(pctl 1.0)
read -r e2e_ms < <(db "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(d.created_at), MAX(e.analyzed_at)) / 1000 FROM diaries d JOIN diary_emotions e ON e.diary_id = d.id WHERE d.title LIKE '$tag_l 일기 %'")
e2e_rate=$(awk -v n="$DIARIES" -v ms="$e2e_ms" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }')
dup=$(db "SELECT COUNT(*) - COUNT(DISTINCT e.diary_id) FROM diary_emotions e JOIN diaries d ON d.id = e.diary_id WHERE d.title LIKE '${RUN_ID}% 일기 %'")
info "latency: p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, max $pmax ms; $e2e_rate diaries/s end to end"
[[ "$dup" == 0 ]] || die "$dup diaries have more than one analysis row"

verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { ok = dir == "ge" ? v >= g : v <= g; printf "%s", ok ? "met" : "MISSED" }'; }
section="$TMP/section.md"
{
  echo "<!-- bench:pipeline:begin -->"
  echo "## Diary → analysis pipeline (bench/run-pipeline.sh)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(bench_commit), preset \`$BENCH_PRESET\` (release flags), 2 cores shared"
  echo "with the other sessions of this machine; one run. $DIARIES diaries per phase from $USERS users (FIFO groups),"
  echo "$ANALYZER_WORKERS analyzer workers, the local SQS emulator (\`local-aws-sqs\`, node) and MariaDB on the same cores."
  echo
  echo "| measurement | value | goal | |"
  echo "|---|---|---|---|"
  echo "| **baseline**: raw SQS receive + DeleteMessageBatch, $ANALYZER_WORKERS threads, no processing | $base_rate msg/s | — | |"
  echo "| analyzer, queue pre-filled: first → last analysis | $thr_rate diaries/s ($(awk -v a="$thr_rate" -v b="$base_rate" 'BEGIN { printf "%.0f %%", 100 * a / b }') of baseline) | ≥ 500 | $(verdict "$thr_rate" 500 ge) |"
  echo "| same, wall time from \`analyzer-start\` (process start, model load) | $wall_rate diaries/s ($wall_s s) | — | |"
  echo "| POSTs: $RATE/s offered, $post_rate/s achieved ($POST_THREADS client threads) | | | |"
  echo "| POST → analysis done, p50 | $p50 ms | ≤ 200 ms | $(verdict "$p50" 200 le) |"
  echo "| … p90 / p99 / max | $p90 / $p99 / $pmax ms | p99 ≤ 1000 ms | $(verdict "$p99" 1000 le) |"
  echo "| end to end in that phase (first insert → last analysis) | $e2e_rate diaries/s | — | |"
  echo
  echo "Latency is \`diary_emotions.analyzed_at − diaries.created_at\` (both \`NOW(3)\` of the database): the"
  echo "diary's insert → outbox publisher → SQS → analyzer → commit of the analysis. Duplicated analyses: $dup."
  echo "<!-- bench:pipeline:end -->"
} >"$section"
cat "$section"
if [[ "${BENCH_WRITE:-1}" == 1 ]]; then
  write_section "$ROOT/BENCHMARKS.md" "$section" "<!-- bench:pipeline:begin -->" "<!-- bench:pipeline:end -->"
fi

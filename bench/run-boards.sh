#!/usr/bin/env bash
# bench/run-boards.sh — issue [3]: board list and detail throughput at 64 connections, each side
# by side with GET /healthz in the same invocation (the machine is small, shared and noisy:
# compare ratios, not absolute figures across runs). Goal: detail ≥ 40 % of /healthz's req/s.
#
#   bench/run-boards.sh                  build, start the 'benchboards' stack, load, measure, stop
#   ROUNDS=5 DURATION=15 bench/run-boards.sh
#
# Steps:
#  (a) build the release preset (eeum-api, bench_gen_posts);
#  (b) start the stack: EEUM_PROFILE=benchboards scripts/eeum start, ports 38580 (api), 33347
#      (MariaDB), 39364 (SQS), without eeum-analyzer (not measured here);
#  (c) the data, kept in var/benchboards/mysql between runs: one bench user (signed up through
#      the API) and AUTHORS-1 more authors (copies of it), N posts from bench_gen_posts
#      (deterministic Korean posts, heavy-tailed views) loaded with LOAD DATA; comment counts
#      of the generated posts are 0; the hot detail post (id N/2) gets 5 comments through the
#      API, so its detail runs the comment query when it is not cached;
#  (d) three measurements, each alternating /healthz with one target for ROUNDS rounds of
#      DURATION s after a warm-up (bench/lib.sh measure_alternating), with eeum-api's and
#      MariaDB's CPU time per request from /proc:
#        list           GET /api/boards?elements=10 (newest first, with the total)
#        detail         GET /api/boards/<N/2> (one hot post: the detail cache's best case)
#        detail_random  GET /api/boards/<uniform random id in 1..N> (few repeats per TTL)
#  (e) print the tables and write them into BENCHMARKS.md between the bench:boards markers
#      (everything else in that file is left alone); stop the stack on exit (trap).
#
# Environment:
#   N=20000               posts (1000..200000)
#   AUTHORS=50            authors of the posts (1..1000)
#   SEED=20240917         generator seed
#   DURATION=10           seconds per wrk run (1..120)
#   ROUNDS=3              rounds per target (3..10)
#   CONNECTIONS=64        wrk connections (1..1024)
#   WRK_THREADS=2         wrk threads
#   WARMUP=2              seconds of unrecorded warm-up per target (0 = none)
#   BENCH_WAIT_WRK=600    seconds to wait at the start while someone else's wrk runs (0..1800)
#   EEUM_API_PORT=38580 EEUM_DB_PORT=33347 EEUM_SQS_PORT=39364
#   BENCH_WRITE=0         do not touch BENCHMARKS.md
#   BENCH_PRESET=release  CMake preset to build and run (e.g. a private release-type preset)
#   BENCH_SKIP_BUILD=1    do not build (use the binaries in build/$BENCH_PRESET)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
readonly PROFILE=benchboards
readonly STATE="$ROOT/var/$PROFILE"
readonly DATA="$STATE/data"
readonly MARKER="$STATE/data/loaded.txt"
BENCH_PRESET=${BENCH_PRESET:-release}
[[ "$BENCH_PRESET" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "BENCH_PRESET must be a preset name" >&2; exit 2; }
readonly GEN_BIN="$ROOT/build/$BENCH_PRESET/bench/bench_gen_posts"
readonly MD_FILE="$ROOT/BENCHMARKS.md"
readonly SECTION_BEGIN="<!-- bench:boards:begin -->"
readonly SECTION_END="<!-- bench:boards:end -->"
readonly BENCH_EMAIL="bench-boards@example.com"
readonly BENCH_NICK="보드벤치"
readonly BENCH_PASSWORD="bench-Boards-Passw0rd"

N=${N:-20000}
AUTHORS=${AUTHORS:-50}
SEED=${SEED:-20240917}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-2}
BENCH_WAIT_WRK=${BENCH_WAIT_WRK:-600}
export EEUM_API_PORT=${EEUM_API_PORT:-38580}
export EEUM_DB_PORT=${EEUM_DB_PORT:-33347}
export EEUM_SQS_PORT=${EEUM_SQS_PORT:-39364}

check_uint N "$N" 1000 200000
check_uint AUTHORS "$AUTHORS" 1 1000
check_uint SEED "$SEED" 0 999999999999
check_uint DURATION "$DURATION" 1 120
check_uint ROUNDS "$ROUNDS" 3 10
check_uint CONNECTIONS "$CONNECTIONS" 1 1024
check_uint WRK_THREADS "$WRK_THREADS" 1 64
check_uint WARMUP "$WARMUP" 0 30
check_uint BENCH_WAIT_WRK "$BENCH_WAIT_WRK" 0 1800
check_uint EEUM_API_PORT "$EEUM_API_PORT" 1024 65535
((WRK_THREADS <= CONNECTIONS)) || die "WRK_THREADS must not exceed CONNECTIONS"

require_wrk

readonly API="http://127.0.0.1:$EEUM_API_PORT"
readonly DETAIL_ID=$((N / 2))
check_local_url API "$API"

bench_tmp_init

# bench_build_preset TARGET... — like bench_build (bench/lib.sh), with $BENCH_PRESET.
bench_build_preset() {
  [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] || return 0
  info "building preset $BENCH_PRESET ($*)"
  (cd "$ROOT" && cmake --preset "$BENCH_PRESET" >&2 &&
    cmake --build --preset "$BENCH_PRESET" -j2 --target "$@" >&2) || die "build failed"
}

# ----------------------------------------------------------------------------------------------
# (a) build, (b) the stack

bench_build_preset eeum-api bench_gen_posts
[[ -x "$GEN_BIN" ]] || die "$GEN_BIN does not exist (build target bench_gen_posts)"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
WAITED_NOTE=""
wait_no_other_wrk "$BENCH_WAIT_WRK" || WAITED_NOTE="someone else's benchmark was running when this run started"

stack_start "$PROFILE" EEUM_PRESET="$BENCH_PRESET" EEUM_START_ANALYZER=0
wait_http_200 "$API/healthz" 30 || die "$API/healthz does not answer 200"

DB_ROOT_PASSWORD=$(awk -F= '$1 == "DB_ROOT_PASSWORD" { v = substr($0, index($0, "=") + 1); gsub(/^'\''|'\''$/, "", v); print v }' "$STATE/secrets.env")
[[ -n "$DB_ROOT_PASSWORD" ]] || die "no DB_ROOT_PASSWORD in $STATE/secrets.env"
sql() { # sql [mariadb args...] — root on the profile's MariaDB, database eeum, batch mode
  MYSQL_PWD="$DB_ROOT_PASSWORD" mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$EEUM_DB_PORT" \
    -uroot --default-character-set=utf8mb4 -N -B eeum "$@"
}
sql -e 'SELECT 1' >/dev/null || die "cannot log in to MariaDB as root"

post_json() { # post_json URL BODY OUTFILE [TOKEN] -> HTTP status
  local auth=()
  [[ -z "${4:-}" ]] || auth=(-H "Authorization: Bearer $4")
  curl -s -o "$3" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
    "${auth[@]}" --data-binary "$2" "$1" || echo 000
}

# ----------------------------------------------------------------------------------------------
# (c) the data

bench_user_id() { sql -e "SELECT id FROM users WHERE email = '$BENCH_EMAIL' AND is_deleted = 0"; }

USER_ID=$(bench_user_id)
if [[ -z "$USER_ID" ]]; then
  body=$(printf '{"email":"%s","password":"%s","firstName":"벤치","lastName":"보","nickname":"%s","phoneNumber":"010-0000-0000","gender":"FEMALE","birthYear":1990,"birthMonth":1,"birthDate":1,"zipCode":"06035","mainAddress":"서울특별시 강남구 테헤란로 1","detailAddress":"1층"}' \
    "$BENCH_EMAIL" "$BENCH_PASSWORD" "$BENCH_NICK")
  code=$(post_json "$API/api/users/sign-up" "$body" "$TMP/signup.json")
  [[ "$code" == 201 ]] || die "sign-up of the bench user answered $code: $(cat "$TMP/signup.json")"
  USER_ID=$(bench_user_id)
fi
[[ "$USER_ID" =~ ^[0-9]+$ ]] || die "bench user not found after sign-up"

want_marker="N=$N SEED=$SEED AUTHORS=$AUTHORS USER=$USER_ID"
rows=$(sql -e 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0')
if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$want_marker" && "$rows" == "$N" ]]; then
  info "data current ($want_marker); skipping the load"
else
  mkdir -p "$DATA"
  rm -f "$MARKER"
  info "generating $N posts (seed $SEED, $AUTHORS authors from user $USER_ID)"
  "$GEN_BIN" -n "$N" -s "$SEED" -u "$USER_ID" -a "$AUTHORS" -o "$DATA" >"$DATA/gen.txt" ||
    die "bench_gen_posts failed"
  sql <<SQL || die "emptying the tables failed"
SET SESSION foreign_key_checks = 0;
TRUNCATE TABLE comments;
TRUNCATE TABLE boards;
DELETE FROM search_token_df WHERE scope = 'board';
DELETE FROM users WHERE email LIKE 'bench-boards-author-%';
SQL
  if ((AUTHORS > 1)); then
    sql <<SQL || die "adding the authors failed (ids after the bench user's taken?)"
INSERT INTO users (id, email, password_hash, first_name, last_name, nickname, phone_number, gender, birth_date)
SELECT u.id + s.seq, CONCAT('bench-boards-author-', s.seq, '@example.com'), u.password_hash, '작가', '김',
       CONCAT('보드작성자', s.seq), u.phone_number, IF(s.seq % 2 = 1, 'MALE', 'FEMALE'), u.birth_date
FROM users u JOIN seq_1_to_$((AUTHORS - 1)) s WHERE u.id = $USER_ID;
SQL
  fi
  info "LOAD DATA LOCAL INFILE boards.tsv"
  sql --local-infile=1 <<SQL || die "loading boards failed"
SET SESSION foreign_key_checks = 0, unique_checks = 0;
LOAD DATA LOCAL INFILE '$DATA/boards.tsv' INTO TABLE boards CHARACTER SET utf8mb4
  FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\n'
  (id, user_id, category, title, content, views, comment_count, search_tokens, created_at, updated_at);
LOAD DATA LOCAL INFILE '$DATA/search_token_df.tsv' INTO TABLE search_token_df CHARACTER SET utf8mb4
  FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\n' (scope, token, df);
ANALYZE TABLE boards, users;
SQL
  rm -f "$DATA/boards.tsv" "$DATA/search_token_df.tsv"
  rows=$(sql -e 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0')
  ((rows == N)) || die "boards holds $rows posts after the load, expected $N"
  echo "$want_marker" >"$MARKER"
fi

# The hot post gets comments through the API (a detail of it then also reads comments).
code=$(post_json "$API/api/users/login" "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" "$TMP/login.json")
[[ "$code" == 200 ]] || die "login of the bench user answered $code: $(cat "$TMP/login.json")"
TOKEN=$(sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p' "$TMP/login.json")
ncomments=$(sql -e "SELECT comment_count FROM boards WHERE id = $DETAIL_ID")
for ((i = ncomments; i < 5; i++)); do
  code=$(post_json "$API/api/boards/$DETAIL_ID/comments" "{\"content\":\"벤치 댓글 $i: 맛있어 보여요\"}" "$TMP/comment.json" "$TOKEN")
  [[ "$code" == 201 ]] || die "comment on post $DETAIL_ID answered $code: $(cat "$TMP/comment.json")"
done
for path in "/api/boards?elements=10" "/api/boards/$DETAIL_ID" "/api/boards/1"; do
  code=$(curl -s -o "$TMP/check.json" -w '%{http_code}' --max-time 5 "$API$path" || echo 000)
  [[ "$code" == 200 ]] || die "GET $path answered $code: $(head -c 300 "$TMP/check.json")"
done
DETAIL_BYTES=$(curl -s --max-time 5 "$API/api/boards/$DETAIL_ID" | wc -c)

cat >"$TMP/random.lua" <<EOF
-- GET /api/boards/<id> for ids drawn uniformly from 1..$N (each wrk thread its own seed)
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 7919)
end
function request()
  return wrk.format("GET", "/api/boards/" .. math.random(1, $N))
end
EOF

# ----------------------------------------------------------------------------------------------
# (d) measure

API_PID=$(listener_pid "$API")
DB_PID=$(listener_pid "http://127.0.0.1:$EEUM_DB_PORT")
[[ -n "$API_PID" ]] || info "pid of eeum-api unknown: no CPU-per-request figures for it"
[[ -n "$DB_PID" ]] || info "pid of MariaDB unknown: no CPU-per-request figures for it"
METRICS_BEFORE=$(curl -s --max-time 5 "$API/metrics" | grep -E '^eeum_(cache_requests_total\{cache="(posts|board_totals)"|board_views_)' || true)

run_line() {
  local note=""
  [[ -z "$R_OTHER_WRK" ]] || note="someone else's benchmark ran (pid $R_OTHER_WRK)"
  echo "| $1 | $2 | $R_RPS | $R_P50 | $R_P99 | $R_CPU | $R_CPU2 | ${R_ERR:-}${R_ERR:+ }$note |"
}
bench_target healthz "eeum-api GET /healthz" "/healthz" "$API/healthz" "$API_PID,$DB_PID"
bench_target list "GET /api/boards?elements=10" "list" "$API/api/boards?elements=10" "$API_PID,$DB_PID"
bench_target detail "GET /api/boards/$DETAIL_ID (one post)" "detail" "$API/api/boards/$DETAIL_ID" \
  "$API_PID,$DB_PID"
bench_target detail_random "GET /api/boards/<random 1..$N>" "detail random" "$API/api/boards/1" \
  "$API_PID,$DB_PID" -s "$TMP/random.lua"
SETS=(list detail detail_random)
for s in "${SETS[@]}"; do
  measure_alternating "$s" healthz "$s"
done
METRICS_AFTER=$(curl -s --max-time 5 "$API/metrics" | grep -E '^eeum_(cache_requests_total\{cache="(posts|board_totals)"|board_views_)' || true)
metric() { # metric TEXT NAME_PREFIX -> value (0 when absent)
  awk -v p="$2" 'index($0, p) == 1 { v = $NF } END { print v + 0 }' <<<"$1"
}
delta() { echo $(($(metric "$METRICS_AFTER" "$1") - $(metric "$METRICS_BEFORE" "$1"))); }
POST_HIT=$(delta 'eeum_cache_requests_total{cache="posts",result="hit"}')
POST_MISS=$(delta 'eeum_cache_requests_total{cache="posts",result="miss"}')
TOT_HIT=$(delta 'eeum_cache_requests_total{cache="board_totals",result="hit"}')
TOT_STALE=$(delta 'eeum_cache_requests_total{cache="board_totals",result="stale"}')
TOT_MISS=$(delta 'eeum_cache_requests_total{cache="board_totals",result="miss"}')
VIEWS_FLUSHED=$(delta 'eeum_board_views_flushed_total')
VIEWS_BATCHES=$(delta 'eeum_board_views_flushes_total')
VIEWS_FAIL=$(delta 'eeum_board_views_flush_failures_total')

# ----------------------------------------------------------------------------------------------
# (e) report

DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
MARIADB_VER=$(PATH="$PATH:/usr/sbin" mariadbd --version 2>/dev/null | awk '{ print $3 }' || true)
WRK_VER=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
COMMIT=$(bench_commit)
goal() { # goal SET THRESHOLD -> verdict from the per-round ratios
  local -n lo_="${1}_pair_lo" hi_="${1}_pair_hi"
  awk -v lo="$lo_" -v hi="$hi_" -v t="$2" 'BEGIN {
    if (lo >= t) print "met in every round"
    else if (hi < t) print "NOT met in any round"
    else print "inconclusive: the per-round ratios straddle the goal" }'
}
row() { # row SET LABEL
  local -n h_rps="${1}_healthz_rps" t_rps="${1}_${1}_rps" t_p50="${1}_${1}_p50" t_p99="${1}_${1}_p99"
  local -n t_cpu="${1}_${1}_cpu" t_cpu2="${1}_${1}_cpu2" h_cpu="${1}_healthz_cpu" h_cpu2="${1}_healthz_cpu2"
  local -n range="${1}_pair_range"
  printf '| %s | %.0f | %.0f | **%s** | %s | %s | %s | %s | %s | %s |\n' "$2" "$t_rps" "$h_rps" \
    "$(pct "$t_rps" "$h_rps")" "$range" "$t_p50" "$t_p99" "$(fmt1 "$t_cpu")" "$(fmt1 "$t_cpu2")" \
    "$(fmt1 "$h_cpu") / $(fmt1 "$h_cpu2")"
}

{
  echo "$SECTION_BEGIN"
  echo "## Boards: list and detail vs \`GET /healthz\`, $CONNECTIONS connections, $N posts"
  echo
  echo "Measured $DATE by \`bench/run-boards.sh\` (rewritten by each run)."
  echo
  echo "- Machine: $(nproc) cores${CPU:+ ($CPU)}; load average (1/5/15 min) $LOAD_START at the start,"
  echo "  $LOAD at the end (other users' jobs)."
  echo "- Software: MariaDB ${MARIADB_VER:-?}, wrk $WRK_VER; eeum-api built from commit $COMMIT (preset"
  echo "  $BENCH_PRESET), default HTTP_THREADS (4), DB pool and caches (BOARD_CACHE_TTL_MS 1000,"
  echo "  BOARD_COUNT_TTL_MS 2000, VIEWS_FLUSH_MS 250), access log to a file."
  echo "- Data: \`bench_gen_posts -n $N -s $SEED -a $AUTHORS\` (Korean posts, ≈ 0.9 KB of content each),"
  echo "  loaded with LOAD DATA; post $DETAIL_ID has 5 comments (its answer is $DETAIL_BYTES bytes), the"
  echo "  others none."
  echo "- Method: each target alternates with \`GET /healthz\` in the same invocation, \`wrk -t$WRK_THREADS"
  echo "  -c$CONNECTIONS -d${DURATION}s --latency\`, $ROUNDS rounds after a ${WARMUP}s warm-up; medians over the rounds;"
  echo "  the ratio is the target's median req/s over the median of its own /healthz runs, and the"
  echo "  range is the ratio of each round's adjacent runs. CPU = CPU time of eeum-api and of MariaDB"
  echo "  per request, from /proc. wrk runs on the same 2 cores."
  echo "- Reproduce: \`ROUNDS=$ROUNDS DURATION=$DURATION N=$N bench/run-boards.sh\`."
  echo
  echo "| target | req/s | /healthz req/s | ratio | per-round ratios | p50 (ms) | p99 (ms) | eeum-api CPU (µs/req) | MariaDB CPU (µs/req) | /healthz CPU api / db |"
  echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"
  row list "\`GET /api/boards?elements=10\` (list)"
  row detail "\`GET /api/boards/$DETAIL_ID\` (detail, one post)"
  row detail_random "\`GET /api/boards/<random 1..$N>\` (detail, uniform)"
  echo
  echo "Goals (issue [3]): detail ≥ 40 % of \`/healthz\` — one post: **$(goal detail 0.4)**; uniform"
  echo "random posts: **$(goal detail_random 0.4)**. The list (not a ratio goal) must not be slow at"
  echo "scale: its total comes from the count cache, not a COUNT per request."
  echo
  echo "During the measured and warm-up runs: post detail cache $POST_HIT hits / $POST_MISS misses;"
  echo "list totals $TOT_HIT hits, $TOT_STALE stale (served while one request recounted), $TOT_MISS misses;"
  echo "$VIEWS_FLUSHED views written in $VIEWS_BATCHES batches ($VIEWS_FAIL failed)."
  if ((RUN_OVERLAP > 0)) || [[ -n "$WAITED_NOTE" ]]; then
    echo
    echo "**Concurrent load:** someone else's benchmark ran during $RUN_OVERLAP of this invocation's wrk"
    echo "runs (marked below)${WAITED_NOTE:+; $WAITED_NOTE}. Those figures are less trustworthy."
  fi
  echo
  echo "<details><summary>Individual runs (in the order they ran)</summary>"
  echo
  echo "| round | target | req/s | p50 (ms) | p99 (ms) | eeum-api CPU (µs/req) | MariaDB CPU (µs/req) | errors, notes |"
  echo "|---:|---|---:|---:|---:|---:|---:|---|"
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

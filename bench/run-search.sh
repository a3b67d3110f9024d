#!/usr/bin/env bash
# bench/run-search.sh — keyword search at scale: eeum-api's GET /api/boards/search on N
# realistic Korean posts (default 1,000,000), side by side with the LIKE '%word%' scan a naive
# implementation would run on the same data, plus list and detail throughput side by side
# with /healthz. Everything compared is measured in the same invocation (the machine is small,
# shared and noisy: compare ratios, not absolute figures across runs).
#
#   bench/run-search.sh                   N=1,000,000 (loads the data on the first run only)
#   N=20000 bench/run-search.sh           a quick run on a small dataset
#
# Steps:
#  (a) build the release preset (eeum-api, bench_gen_posts, bench_latency);
#  (b) start a dedicated stack: EEUM_PROFILE=benchsearch scripts/eeum start with
#      LOG_LEVEL=debug (eeum-api then logs its plan per search: `search.plan ... estimate=...
#      plan=...`), ports 38180 (api), 33317 (MariaDB), 39334 (SQS);
#  (c) load the data unless var/benchsearch/data/loaded.env says that the database holds what
#      bench_gen_posts would write for this N and SEED (same fingerprint, same bench user, at
#      least N posts, the FULLTEXT index present): sign up one bench user through the API,
#      add AUTHORS-1 authors as copies of it in SQL (with a single author MariaDB drives the
#      list query from users and sorts every post: not what a real site looks like),
#      generate the TSV files into var/benchsearch/data/, drop the FULLTEXT index, LOAD DATA
#      LOCAL INFILE, re-add `ALTER TABLE boards ADD FULLTEXT KEY ft_boards_search
#      (search_tokens)`, load search_token_df (loading 1M rows and building the index takes
#      minutes; the TSV files are deleted afterwards unless KEEP_TSV=1);
#  (d) measure: for every probe query of bench_gen_posts (rare, medium ≈1 %, common, very
#      common, one syllable, multi-word) the search API's p50/p99 over REPS sequential requests
#      with sort=relevance and sort=latest (bench_latency), the plan eeum-api chose (its debug
#      log), and the naive LIKE statements (COUNT(*) + first page newest first) timed inside
#      MariaDB (LIKE_REPS runs, median); then `wrk -t2 -c64 -d10s --latency` on /healthz,
#      /api/boards?elements=10, /api/boards/<id> (one post) and /api/boards/<random id>,
#      alternating targets for ROUNDS rounds; time the statements behind the figures (and
#      alternatives) inside MariaDB; print a table and write it into BENCHMARKS.md
#      between the bench:search markers (everything else in that file is left alone);
#  (e) stop the stack (var/benchsearch/mysql is kept, so the next run skips the load).
#
# Environment:
#   N=1000000 SEED=20240917   dataset size and generator seed
#   AUTHORS=5000              post authors: the bench user plus AUTHORS-1 users copied from it
#                             in SQL (ids following its own; a few write much more than others)
#   REPS=30 WARMUP_REQS=3     recorded / warm-up requests per search URL
#   REQ_TIMEOUT=5             seconds before bench_latency gives a search request up (counted
#                             as that long); after 3 in a row the URL's other requests are skipped
#   LIKE_REPS=3               runs of each naive LIKE statement pair
#   DURATION=10 ROUNDS=3 CONNECTIONS=64 WRK_THREADS=2 WARMUP=2   wrk runs (WARMUP: seconds
#                             of unrecorded load per target before the rounds)
#   SKIP_WRK=1 SKIP_LIKE=1 SKIP_DIAG=1   leave a part out (goals it measures: "not measured")
#   PROBE_FILTER=REGEX        only the probe queries matching REGEX (awk), for quick checks
#   DIAG_REPS=3               runs of each statement of the statement-cost table
#   FORCE_LOAD=1              reload the data even when it looks current
#   KEEP_TSV=1                keep the generated TSV files
#   KEEP_STACK=1              leave the stack running at the end
#   BENCH_WRITE=0             do not touch BENCHMARKS.md
#   BENCH_SKIP_BUILD=1        do not build (use build/release)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly ROOT
readonly BUILD_DIR="$ROOT/build/release"
readonly GEN_BIN="$BUILD_DIR/bench/bench_gen_posts"
readonly LAT_BIN="$BUILD_DIR/bench/bench_latency"
readonly MD_FILE="$ROOT/BENCHMARKS.md"
readonly SECTION_BEGIN="<!-- bench:search:begin -->"
readonly SECTION_END="<!-- bench:search:end -->"
readonly PROFILE=benchsearch
readonly STATE="$ROOT/var/$PROFILE"
readonly DATA="$STATE/data"
readonly MARKER="$DATA/loaded.env"
readonly API_LOG="$STATE/logs/eeum-api.log"
readonly BENCH_EMAIL="bench-search@example.com"
readonly BENCH_NICK="검색벤치"
readonly BENCH_PASSWORD="bench-search-Passw0rd!"
export LC_ALL=C.UTF-8

N=${N:-1000000}
SEED=${SEED:-20240917}
AUTHORS=${AUTHORS:-5000}
REPS=${REPS:-30}
WARMUP_REQS=${WARMUP_REQS:-3}
REQ_TIMEOUT=${REQ_TIMEOUT:-5}
LIKE_REPS=${LIKE_REPS:-3}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP=${WARMUP:-2}
export EEUM_PROFILE=$PROFILE
export EEUM_API_PORT=38180 EEUM_DB_PORT=33317 EEUM_SQS_PORT=39334
readonly API="http://127.0.0.1:$EEUM_API_PORT"

info() { printf '[bench-search] %s\n' "$*" >&2; }
die() {
  printf '[bench-search] error: %s\n' "$*" >&2
  exit 1
}
check_uint() { # check_uint NAME VALUE MIN MAX
  if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < $3 || $2 > $4)); then
    die "$1 must be an integer in $3..$4 (got '$2')"
  fi
}
check_uint N "$N" 100 20000000
check_uint SEED "$SEED" 0 999999999999
check_uint AUTHORS "$AUTHORS" 1 1000000
check_uint REPS "$REPS" 1 1000
check_uint WARMUP_REQS "$WARMUP_REQS" 0 100
check_uint REQ_TIMEOUT "$REQ_TIMEOUT" 1 120
check_uint LIKE_REPS "$LIKE_REPS" 1 20
check_uint DURATION "$DURATION" 1 120
check_uint ROUNDS "$ROUNDS" 1 10
check_uint CONNECTIONS "$CONNECTIONS" 1 1024
check_uint WRK_THREADS "$WRK_THREADS" 1 64
check_uint WARMUP "$WARMUP" 0 30
((WRK_THREADS <= CONNECTIONS)) || die "WRK_THREADS must not exceed CONNECTIONS"

for tool in curl mariadb awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done
if [[ "${SKIP_WRK:-0}" != 1 ]] && ! command -v wrk >/dev/null 2>&1; then
  info "wrk is missing; installing the Debian package"
  if ((EUID == 0)); then apt-get install -y wrk >&2; else sudo apt-get install -y wrk >&2; fi
fi

now_ms() {
  local t=$EPOCHREALTIME
  echo $((${t%.*} * 1000 + 10#${t#*.} / 1000))
}

# ----------------------------------------------------------------------------------------------
# clean-up: the stack this script started is stopped on every exit path (data dir kept)

STACK_STARTED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/eeum-bench-search.XXXXXX")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((STACK_STARTED)) && [[ "${KEEP_STACK:-0}" != 1 ]]; then
    info "stopping the benchsearch stack (var/benchsearch/mysql is kept)"
    "$ROOT/scripts/eeum" stop >&2 || rc=1
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------------------------------------
# (a) build

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  info "building the release preset (eeum-api, bench_gen_posts, bench_latency)"
  (cd "$ROOT" && cmake --preset release >&2 &&
    cmake --build --preset release -j2 --target eeum-api bench_gen_posts bench_latency >&2) ||
    die "build failed"
fi
[[ -x "$GEN_BIN" && -x "$LAT_BIN" ]] || die "bench binaries missing in $BUILD_DIR/bench"

# ----------------------------------------------------------------------------------------------
# (b) the stack

info "starting the stack (EEUM_PROFILE=$PROFILE, api $API, MariaDB 127.0.0.1:$EEUM_DB_PORT)"
STACK_STARTED=1
# The fixed ports lie in Linux's ephemeral range: another job's client connection (wrk) in
# TIME_WAIT on one of them makes a listener fail for up to a minute, so retry a few times.
for attempt in 1 2 3 4; do
  if LOG_LEVEL=debug "$ROOT/scripts/eeum" start >"$TMP/stack-start.log" 2>&1; then
    break
  fi
  if ((attempt == 4)) || ! grep -q 'already in use\|is in use\|not free' "$TMP/stack-start.log"; then
    tail -n 30 "$TMP/stack-start.log" >&2
    die "EEUM_PROFILE=$PROFILE scripts/eeum start failed"
  fi
  info "a port is still in use (attempt $attempt); retrying in 30 s"
  sleep 30
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$API/healthz")" == 200 ]] ||
  die "$API/healthz does not answer 200"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$API/api/boards?elements=1")
[[ "$code" == 200 ]] || die "GET /api/boards answers $code: are the board routes enabled in src/handlers/routes.c?"

DB_ROOT_PASSWORD=$(awk -F= '$1 == "DB_ROOT_PASSWORD" { v = substr($0, index($0, "=") + 1); gsub(/^'\''|'\''$/, "", v); print v }' "$STATE/secrets.env")
[[ -n "$DB_ROOT_PASSWORD" ]] || die "no DB_ROOT_PASSWORD in $STATE/secrets.env"
sql() { # sql [mariadb args...] — root on the profile's MariaDB, database eeum, batch mode
  MYSQL_PWD="$DB_ROOT_PASSWORD" mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$EEUM_DB_PORT" \
    -uroot --default-character-set=utf8mb4 -N -B eeum "$@"
}
sql -e 'SELECT 1' >/dev/null || die "cannot log in to MariaDB as root"

# Wait (at most 120 s) until eeum-api's database user runs no statement (twice in a row, 0.5 s
# apart): requests that wrk abandoned at the end of a run keep the server busy and would be
# charged to the next target. (Prepared statements show as 'Execute', not 'Query'.)
settle() {
  local i n quiet=0
  for ((i = 0; i < 240; i++)); do
    n=$(sql -e "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'eeum' AND command NOT IN ('Sleep', 'Daemon')")
    if ((n == 0)); then
      quiet=$((quiet + 1))
      ((quiet >= 2)) && return 0
    else
      quiet=0
    fi
    sleep 0.5
  done
  info "warning: eeum-api still runs statements after 120 s"
}

# Wait (at most 120 s) until the access log holds WANT search requests after byte offset FROM.
wait_drained() {
  local from=$1 want=$2 i n
  for ((i = 0; i < 120; i++)); do
    n=$(tail -c +"$((from + 1))" "$API_LOG" 2>/dev/null | grep -c 'route=/api/boards/search' || true)
    ((n >= want)) && return 0
    sleep 1
  done
  info "warning: only $n of $want search requests logged by eeum-api after 120 s"
}

# Wait (at most 120 s) until eeum-api answers 8 fresh /healthz connections in a row within 1 s
# each: a request stuck on the database holds one of its HTTP threads, and every connection
# that thread serves waits with it.
api_idle() {
  local i k ok
  for ((i = 0; i < 120; i++)); do
    ok=1
    for ((k = 0; k < 8; k++)); do
      [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$API/healthz" 2>/dev/null)" == 200 ]] || {
        ok=0
        break
      }
    done
    ((ok)) && return 0
    sleep 1
  done
  info "warning: eeum-api still does not answer /healthz promptly after 120 s"
}

# ----------------------------------------------------------------------------------------------
# (c) the data

bench_user_id() { sql -e "SELECT id FROM users WHERE email = '$BENCH_EMAIL' AND is_deleted = 0"; }

ensure_bench_user() {
  local id body code
  id=$(bench_user_id)
  if [[ -z "$id" ]]; then
    body=$(printf '{"email":"%s","password":"%s","firstName":"벤치","lastName":"검","nickname":"%s","phoneNumber":"010-0000-0000","gender":"FEMALE","birthYear":1990,"birthMonth":1,"birthDate":1,"zipCode":"06035","mainAddress":"서울특별시 강남구 테헤란로 1","detailAddress":"1층"}' \
      "$BENCH_EMAIL" "$BENCH_PASSWORD" "$BENCH_NICK")
    code=$(curl -s -o "$TMP/signup.json" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
      --data-binary "$body" "$API/api/users/sign-up")
    [[ "$code" == 201 ]] || die "sign-up of the bench user answered $code: $(cat "$TMP/signup.json")"
    id=$(bench_user_id)
  fi
  [[ "$id" =~ ^[0-9]+$ ]] || die "bench user not found after sign-up"
  echo "$id"
}

M_N="" M_SEED="" M_AUTHORS="" M_USER="" M_FINGERPRINT="""" M_LOADED_AT="" M_GEN_S="" M_LOAD_S="" M_INDEX_S="" M_DF_S=""
if [[ -f "$MARKER" ]]; then
  while IFS='=' read -r k v; do
    case "$k" in
      N | SEED | AUTHORS | USER | FINGERPRINT | LOADED_AT | GEN_S | LOAD_S | INDEX_S | DF_S) printf -v "M_$k" '%s' "$v" ;;
    esac
  done <"$MARKER"
fi

data_is_current() {
  [[ "${FORCE_LOAD:-0}" != 1 && -f "$MARKER" && -f "$DATA/probes.tsv" && -f "$DATA/gen.txt" ]] || return 1
  [[ "$M_N" == "$N" && "$M_SEED" == "$SEED" && "$M_AUTHORS" == "$AUTHORS" && -n "$M_USER" ]] || return 1
  [[ "$(bench_user_id)" == "$M_USER" ]] || return 1
  [[ "$(sql -e "SELECT COUNT(*) FROM users WHERE email LIKE 'bench-author-%'")" == $((AUTHORS - 1)) ]] || return 1
  local fp
  fp=$("$GEN_BIN" -n "$N" -s "$SEED" -u "$M_USER" -a "$AUTHORS" --fingerprint) || return 1
  [[ "$fp" == "$M_FINGERPRINT" ]] || {
    info "the generator's output changed (fingerprint $fp, loaded $M_FINGERPRINT)"
    return 1
  }
  local rows ft
  rows=$(sql -e 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0')
  ((rows >= N)) || return 1
  ft=$(sql -e "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = 'eeum' AND table_name = 'boards' AND index_name = 'ft_boards_search'")
  ((ft > 0)) || return 1
}

LOADED_NOW=0
if data_is_current; then
  info "data current: $N posts, seed $SEED, loaded $M_LOADED_AT; skipping the load"
else
  LOADED_NOW=1
  mkdir -p "$DATA"
  rm -f "$MARKER"
  USER_ID=$(ensure_bench_user)
  info "bench user id $USER_ID; generating $N posts (seed $SEED, $AUTHORS authors) into ${DATA#"$ROOT"/}"
  t0=$(now_ms)
  "$GEN_BIN" -n "$N" -s "$SEED" -u "$USER_ID" -a "$AUTHORS" -o "$DATA" >"$DATA/gen.txt" ||
    die "bench_gen_posts failed"
  GEN_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
  cat "$DATA/gen.txt" >&2
  info "generated in ${GEN_S}s; emptying boards, comments and the board token frequencies"
  sql <<'SQL' || die "emptying the tables failed"
SET SESSION foreign_key_checks = 0;
TRUNCATE TABLE comments;
TRUNCATE TABLE boards;
DELETE FROM search_token_df WHERE scope = 'board';
DELETE FROM users WHERE email LIKE 'bench-author-%';
ALTER TABLE boards DROP INDEX IF EXISTS ft_boards_search;
SQL
  if ((AUTHORS > 1)); then
    info "adding $((AUTHORS - 1)) authors (ids $((USER_ID + 1))..$((USER_ID + AUTHORS - 1)), copies of the bench user)"
    sql <<SQL || die "adding the authors failed (ids after the bench user's taken?)"
INSERT INTO users (id, email, password_hash, first_name, last_name, nickname, phone_number, gender, birth_date)
SELECT u.id + s.seq, CONCAT('bench-author-', s.seq, '@example.com'), u.password_hash, '작가', '김',
       CONCAT('작성자', s.seq), u.phone_number, IF(s.seq % 2 = 1, 'MALE', 'FEMALE'), u.birth_date
FROM users u JOIN seq_1_to_$((AUTHORS - 1)) s WHERE u.id = $USER_ID;
SQL
  fi
  info "LOAD DATA LOCAL INFILE boards.tsv (no FULLTEXT index)"
  t0=$(now_ms)
  sql --local-infile=1 <<SQL || die "loading boards failed"
SET SESSION foreign_key_checks = 0, unique_checks = 0;
LOAD DATA LOCAL INFILE '$DATA/boards.tsv' INTO TABLE boards CHARACTER SET utf8mb4
  FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\n'
  (id, user_id, category, title, content, views, comment_count, search_tokens, created_at, updated_at);
SQL
  LOAD_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
  info "loaded in ${LOAD_S}s; ALTER TABLE boards ADD FULLTEXT KEY ft_boards_search (search_tokens)"
  t0=$(now_ms)
  sql -e 'ALTER TABLE boards ADD FULLTEXT KEY ft_boards_search (search_tokens)' || die "adding the FULLTEXT index failed"
  INDEX_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
  info "FULLTEXT index built in ${INDEX_S}s; loading search_token_df"
  t0=$(now_ms)
  sql --local-infile=1 >/dev/null <<SQL || die "loading search_token_df failed"
LOAD DATA LOCAL INFILE '$DATA/search_token_df.tsv' INTO TABLE search_token_df CHARACTER SET utf8mb4
  FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\n' (scope, token, df);
ANALYZE TABLE boards, search_token_df, users;
SQL
  DF_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')
  rows=$(sql -e 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0')
  ((rows == N)) || die "boards holds $rows posts after the load, expected $N"
  FP=$("$GEN_BIN" -n "$N" -s "$SEED" -u "$USER_ID" -a "$AUTHORS" --fingerprint)
  if [[ "${KEEP_TSV:-0}" != 1 ]]; then rm -f "$DATA/boards.tsv" "$DATA/search_token_df.tsv"; fi
  {
    echo "N=$N"
    echo "SEED=$SEED"
    echo "AUTHORS=$AUTHORS"
    echo "USER=$USER_ID"
    echo "FINGERPRINT=$FP"
    echo "LOADED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "GEN_S=$GEN_S"
    echo "LOAD_S=$LOAD_S"
    echo "INDEX_S=$INDEX_S"
    echo "DF_S=$DF_S"
  } >"$MARKER"
  M_N=$N M_SEED=$SEED M_AUTHORS=$AUTHORS M_USER=$USER_ID M_FINGERPRINT=$FP M_GEN_S=$GEN_S M_LOAD_S=$LOAD_S
  M_INDEX_S=$INDEX_S M_DF_S=$DF_S M_LOADED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
  info "data loaded: $rows posts"
fi

# Dataset facts for the report.
DATASET_LINE=$(head -n1 "$DATA/gen.txt")
read -r TBL_ROWS_MB TBL_INDEX_MB < <(sql -e "SELECT ROUND(data_length / 1048576), ROUND(index_length / 1048576) FROM information_schema.tables WHERE table_schema = 'eeum' AND table_name = 'boards'")
FTS_MB=$(du -cm "$STATE"/mysql/eeum/FTS_* 2>/dev/null | awk 'END { print $1 + 0 }')
BOARDS_IBD_MB=$(du -m "$STATE/mysql/eeum/boards.ibd" 2>/dev/null | awk '{ print $1 }')
DETAIL_ID=$(((N + 1) / 2))

# ----------------------------------------------------------------------------------------------
# (d) measure

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
f1() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) printf "%.1f", v; else printf "%s", v }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else printf "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "n/a" && b != "n/a" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# URL-safe query string value: bench_latency percent-encodes bytes >= 0x80, spaces and '+'.
mapfile -t PROBES <"$DATA/probes.tsv"
if [[ -n "${PROBE_FILTER:-}" ]]; then
  mapfile -t PROBES < <(awk -F'\t' -v re="$PROBE_FILTER" '$3 ~ re' "$DATA/probes.tsv")
fi
((${#PROBES[@]} > 0)) || die "no probes in $DATA/probes.tsv${PROBE_FILTER:+ matching \"$PROBE_FILTER\"}"

declare -a P_GOAL P_LABEL P_QUERY P_POSTS P_TOKENS P_PLAN P_API_TOTAL
declare -a P_REL_P50 P_REL_P99 P_LAT_P50 P_LAT_P99 P_STATUS P_LIKE_COUNT P_LIKE_PAGE P_LIKE_MS

settle
info "search latency: ${#PROBES[@]} probes x 2 sorts, $REPS requests each after $WARMUP_REQS warm-up"
for i in "${!PROBES[@]}"; do
  IFS=$'\t' read -r goal label query posts est tokens <<<"${PROBES[$i]}"
  P_GOAL[i]=$goal P_LABEL[i]=$label P_QUERY[i]=$query P_POSTS[i]=$posts P_TOKENS[i]=$tokens
  : "$est" # the generator's own estimate; the table shows the one eeum-api logged
  # raw UTF-8 and spaces: bench_latency percent-encodes them
  printf '%s\t%s\n' "relevance" "$API/api/boards/search?words=$query&sort=relevance&elements=10" >"$TMP/urls.txt"
  printf '%s\t%s\n' "latest" "$API/api/boards/search?words=$query&sort=latest&elements=10" >>"$TMP/urls.txt"
  settle
  api_idle
  log_before=$(stat -c %s "$API_LOG" 2>/dev/null || echo 0)
  "$LAT_BIN" -r "$REPS" -w "$WARMUP_REQS" -t "$REQ_TIMEOUT" -f "$TMP/urls.txt" >"$TMP/lat-$i.tsv" ||
    die "bench_latency failed for '$query'"
  # every request sent must have reached the access log before the next probe starts: an
  # abandoned request still holds an HTTP thread and a database connection
  wait_drained "$log_before" "$(awk -F'\t' '!/^#/ { s += $14 } END { print s + 0 }' "$TMP/lat-$i.tsv")"
  rel=$(awk -F'\t' '$1 == "relevance"' "$TMP/lat-$i.tsv")
  lat=$(awk -F'\t' '$1 == "latest"' "$TMP/lat-$i.tsv")
  P_REL_P50[i]=$(cut -f5 <<<"$rel") P_REL_P99[i]=$(cut -f6 <<<"$rel")
  P_LAT_P50[i]=$(cut -f5 <<<"$lat") P_LAT_P99[i]=$(cut -f6 <<<"$lat")
  st_rel=$(cut -f4 <<<"$rel") st_lat=$(cut -f4 <<<"$lat")
  P_STATUS[i]="$st_rel / $st_lat"
  total=$(cut -f11 <<<"$lat") lb=$(cut -f12 <<<"$lat")
  [[ "$lb" == true ]] && total="≥$total"
  P_API_TOTAL[i]=$total
  # the plans eeum-api logged for these requests (LOG_LEVEL=debug)
  P_PLAN[i]=$(tail -c +"$((log_before + 1))" "$API_LOG" 2>/dev/null |
    awk '/search\.plan/ { p = ""; e = ""; m = ""; w = ""; for (k = 1; k <= NF; k++) { if ($k ~ /^plan=/) p = substr($k, 6); if ($k ~ /^estimate=/) e = substr($k, 10); if ($k ~ /^matched=/) m = substr($k, 9); if ($k ~ /^window=/) w = substr($k, 8) }
           d = e; if (p == "scan" && w != "") d = e "; newest " w; if (p == "fulltext" && m + 0 > 1) d = e "; " m " words MATCHed"; c[p " (" d ")"]++ }
         END { s = ""; for (x in c) s = s (s == "" ? "" : ", ") x; print (s == "" ? "not logged (no request completed)" : s) }')
  info "  ${label} '${query}': relevance p50 ${P_REL_P50[i]} p99 ${P_REL_P99[i]} ms, latest p50 ${P_LAT_P50[i]} p99 ${P_LAT_P99[i]} ms [${P_STATUS[i]}], plan ${P_PLAN[i]}, total $total (LIKE truth $posts)"
done

# The naive implementation: LIKE on title and content, COUNT(*) plus the first page newest
# first, timed inside MariaDB (SYSDATE(6) around each statement: no client start-up in it).
like_where() { # like_where QUERY -> WHERE clause (probe words hold only letters and digits)
  local w out="is_deleted = 0"
  for w in $1; do
    [[ "$w" =~ ^[[:alnum:]]+$ ]] || die "unexpected probe word '$w'"
    out+=" AND (title LIKE '%$w%' OR content LIKE '%$w%')"
  done
  echo "$out"
}
if [[ "${SKIP_LIKE:-0}" != 1 ]]; then
  info "naive LIKE scans: ${#PROBES[@]} probes x $LIKE_REPS runs (COUNT(*) + first page)"
  for i in "${!PROBES[@]}"; do
    where=$(like_where "${P_QUERY[i]}")
    counts=() pages=() totals=() rows=""
    for ((r = 1; r <= LIKE_REPS; r++)); do
      # The page's rows go to the client and are dropped here (wrapping them in a derived
      # table would make MariaDB write an on-disk temporary table for the TEXT columns).
      # One retry: MariaDB's temporary files live in /tmp, which other jobs clean.
      out=""
      for attempt in 1 2; do
        out=$(sql <<SQL 2>>"$TMP/like-errors.txt"
SET @t0 = SYSDATE(6);
SELECT COUNT(*) INTO @n FROM boards WHERE $where;
SET @t1 = SYSDATE(6);
SELECT id, user_id, category, title, content, views, comment_count, created_at
  FROM boards WHERE $where ORDER BY created_at DESC, id DESC LIMIT 10;
SET @t2 = SYSDATE(6);
SELECT @n, TIMESTAMPDIFF(MICROSECOND, @t0, @t1) / 1000, TIMESTAMPDIFF(MICROSECOND, @t1, @t2) / 1000;
SQL
        ) && break
        out=""
        info "  LIKE statements failed for '${P_QUERY[i]}' (attempt $attempt): $(tail -n1 "$TMP/like-errors.txt")"
      done
      [[ -n "$out" ]] || continue
      read -r n c_ms p_ms <<<"$(tail -n1 <<<"$out")"
      rows=$n
      counts+=("$c_ms") pages+=("$p_ms")
      totals+=("$(awk -v a="$c_ms" -v b="$p_ms" 'BEGIN { printf "%.3f", a + b }')")
    done
    if ((${#totals[@]} == 0)); then
      info "  '${P_QUERY[i]}': no LIKE measurement"
      continue
    fi
    P_LIKE_COUNT[i]=$(median "${counts[@]}")
    P_LIKE_PAGE[i]=$(median "${pages[@]}")
    P_LIKE_MS[i]=$(median "${totals[@]}")
    [[ "$rows" == "${P_POSTS[i]}" ]] ||
      info "  warning: LIKE counted $rows posts for '${P_QUERY[i]}', the generator ${P_POSTS[i]}"
    info "  '${P_QUERY[i]}': COUNT ${P_LIKE_COUNT[i]} ms + page ${P_LIKE_PAGE[i]} ms ($rows posts)"
  done
fi

# ---- throughput: wrk on /healthz, list, detail (one post), detail (random posts) ----
to_ms() { # "551.00us" | "1.50ms" | "2.01s" -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "nan" } }'
}
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
W_NAMES=(healthz list detail detail_random)
declare -A W_URL W_LABEL W_SCRIPT
W_URL[healthz]="$API/healthz" W_LABEL[healthz]="\`GET /healthz\` (baseline)"
W_URL[list]="$API/api/boards?elements=10" W_LABEL[list]="\`GET /api/boards?elements=10\` (list)"
W_URL[detail]="$API/api/boards/$DETAIL_ID" W_LABEL[detail]="\`GET /api/boards/$DETAIL_ID\` (detail, one post)"
W_URL[detail_random]="$API/api/boards/1" W_LABEL[detail_random]="\`GET /api/boards/<random id>\` (detail, 1..$N)"
W_SCRIPT[detail_random]="$TMP/random.lua"
declare -A W_RPS W_P50 W_P99 W_ERR W_CPU_API W_CPU_DB
RUN_LINES=()
API_PID=$(cat "$STATE/pids/eeum-api.pid" 2>/dev/null || true)
DB_PID=$(cat "$STATE/pids/mariadb.pid" 2>/dev/null || true)
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of a process (all threads) in clock ticks; empty when unknown
  [[ -n "$1" && -r "/proc/$1/stat" ]] || return 0
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}
per_req_us() { # per_req_us TICKS0 TICKS1 REQUESTS
  if [[ -n "$1" && -n "$2" && "$3" =~ ^[0-9]+$ ]] && (($3 > 0)); then
    awk -v d=$(($2 - $1)) -v t="$CLK_TCK" -v n="$3" 'BEGIN { printf "%.0f", d / t / n * 1e6 }'
  else
    echo "n/a"
  fi
}
run_wrk() { # run_wrk NAME SECONDS -> R_RPS R_P50 R_P99 R_ERR R_CPU_API R_CPU_DB
  local name=$1 secs=$2 out="$TMP/wrk-$1-$RANDOM.txt" args=()
  [[ -n "${W_SCRIPT[$name]:-}" ]] && args=(-s "${W_SCRIPT[$name]}")
  settle
  api_idle
  local a0 a1 d0 d1 n
  a0=$(cpu_ticks "$API_PID") d0=$(cpu_ticks "$DB_PID")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 10s --latency "${args[@]}" "${W_URL[$name]}" >"$out" 2>&1 || {
    cat "$out" >&2
    die "wrk failed against ${W_URL[$name]}"
  }
  a1=$(cpu_ticks "$API_PID") d1=$(cpu_ticks "$DB_PID")
  n=$(awk '/ requests in / { print $1 }' "$out")
  R_CPU_API=$(per_req_us "$a0" "$a1" "$n") R_CPU_DB=$(per_req_us "$d0" "$d1" "$n")
  R_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  R_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  R_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  R_ERR=""
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print }' "$out")
  [[ -z "$non2xx" ]] || R_ERR+="non-2xx=$non2xx "
  [[ -z "$sock" ]] || R_ERR+="socket errors: $sock"
  [[ -n "$R_RPS" && "$R_P50" != nan && "$R_P99" != nan ]] || {
    cat "$out" >&2
    die "could not parse wrk's output for $name"
  }
}
if [[ "${SKIP_WRK:-0}" != 1 ]]; then
  for name in "${W_NAMES[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${W_URL[$name]}")
    [[ "$code" == 200 ]] || die "${W_URL[$name]} answers $code"
  done
  if ((WARMUP > 0)); then
    info "wrk warm-up ${WARMUP}s per target"
    for name in "${W_NAMES[@]}"; do run_wrk "$name" "$WARMUP"; done
  fi
  declare -A ACC_RPS ACC_P50 ACC_P99 ACC_CPU_API ACC_CPU_DB
  for ((r = 1; r <= ROUNDS; r++)); do
    for name in "${W_NAMES[@]}"; do
      info "wrk round $r/$ROUNDS: $name (${DURATION}s)"
      run_wrk "$name" "$DURATION"
      ACC_RPS[$name]+="$R_RPS " ACC_P50[$name]+="$R_P50 " ACC_P99[$name]+="$R_P99 "
      ACC_CPU_API[$name]+="$R_CPU_API " ACC_CPU_DB[$name]+="$R_CPU_DB "
      [[ -z "$R_ERR" ]] || W_ERR[$name]+="round $r: $R_ERR; "
      RUN_LINES+=("| $r | ${W_LABEL[$name]} | $R_RPS | $R_P50 | $R_P99 | $R_CPU_API | $R_CPU_DB | ${R_ERR:-} |")
      info "  $R_RPS req/s, p50 $R_P50 ms, p99 $R_P99 ms, CPU/request eeum-api $R_CPU_API µs MariaDB $R_CPU_DB µs ${R_ERR}"
    done
  done
  for name in "${W_NAMES[@]}"; do
    # shellcheck disable=SC2086 # word splitting of the accumulated figures is intended
    W_RPS[$name]=$(median ${ACC_RPS[$name]})
    # shellcheck disable=SC2086
    W_P50[$name]=$(median ${ACC_P50[$name]})
    # shellcheck disable=SC2086
    W_P99[$name]=$(median ${ACC_P99[$name]})
    # shellcheck disable=SC2086
    W_CPU_API[$name]=$(median ${ACC_CPU_API[$name]})
    # shellcheck disable=SC2086
    W_CPU_DB[$name]=$(median ${ACC_CPU_DB[$name]})
  done
fi

# ---- statement costs: where the time goes (each statement DIAG_REPS times, median) ----
DIAG_LINES=()
diag_ms() { # diag_ms SQL [SETUP] -> ms of SQL inside MariaDB on the last line ("error" on failure)
  sql <<SQL 2>/dev/null || echo error
${2:+$2;}
SET @t0 = SYSDATE(6);
$1;
SELECT TIMESTAMPDIFF(MICROSECOND, @t0, SYSDATE(6)) / 1000;
SQL
}
diag() { # diag LABEL SQL [SETUP] — SETUP runs first in the same session, untimed
  local r v vals=()
  for ((r = 1; r <= DIAG_REPS; r++)); do
    v=$(diag_ms "$2" "${3:-}" | tail -n1)
    [[ "$v" =~ ^[0-9.]+$ ]] || v=error
    vals+=("$v")
  done
  if [[ " ${vals[*]} " == *" error "* ]]; then v="error"; else v=$(median "${vals[@]}"); fi
  DIAG_LINES+=("| $1 | $(f1 "$v") | ${vals[*]} |")
  info "  $1: $v ms (${vals[*]})"
}
DIAG_REPS=${DIAG_REPS:-3}
if [[ "${SKIP_DIAG:-0}" != 1 ]]; then
  settle
  info "statement costs (inside MariaDB, $DIAG_REPS runs each)"
  # the first medium probe, its rarest token, and the first probe over the threshold
  MED_I="" OVER_I=""
  for i in "${!PROBES[@]}"; do
    [[ -z "$MED_I" && "${P_GOAL[i]}" == m && "${P_QUERY[i]}" != *" "* ]] && MED_I=$i
    [[ -z "$OVER_I" && "${P_PLAN[i]}" == scan* && "${P_QUERY[i]}" != *" "* && "${P_POSTS[i]}" -lt $((N / 10)) ]] && OVER_I=$i
  done
  # the scan plan's row budget for a first page: the newest SEARCH_SCAN_MIN_ROWS posts
  SINCE_SETUP="SELECT created_at INTO @since FROM boards WHERE is_deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 9999"
  BOARD_COLS="b.id, b.user_id, u.nickname, u.is_deleted, b.category, b.title, b.content, b.views, b.comment_count, DATE_FORMAT(b.created_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(b.updated_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(b.created_at, '%Y-%m-%d %H:%i:%s.%f')"
  if [[ -n "$MED_I" ]]; then
    w=${P_QUERY[MED_I]} tok=${P_TOKENS[MED_I]%%=*}
    likes="(b.title LIKE '%$w%' OR b.content LIKE '%$w%')"
    ft="MATCH(b.search_tokens) AGAINST('+$tok' IN BOOLEAN MODE)"
    diag "FULLTEXT \`+$tok\` alone: COUNT(*) of the hits (MariaDB still reads every hit's row) (${P_POSTS[MED_I]} posts)" \
      "SELECT COUNT(*) FROM boards b WHERE $ft"
    diag "FULLTEXT \`+$tok\` + is_deleted + LIKE '%$w%': COUNT(*) (every hit's row read)" \
      "SELECT COUNT(*) FROM boards b WHERE $ft AND b.is_deleted = 0 AND $likes"
    diag "API page with its count (COUNT(*) OVER ()), FULLTEXT plan if it were chosen, sort=latest ($w)" \
      "SELECT $BOARD_COLS, COUNT(*) OVER () FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE $ft AND b.is_deleted = 0 AND $likes ORDER BY b.created_at DESC, b.id DESC LIMIT 11"
    diag "API page with its count, FULLTEXT plan if it were chosen, sort=relevance ($w)" \
      "SELECT $BOARD_COLS, COUNT(*) OVER () FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE $ft AND b.is_deleted = 0 AND $likes ORDER BY $ft DESC, b.created_at DESC, b.id DESC LIMIT 11"
    diag "page by the newest-first LIKE scan instead ($w)" \
      "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 AND $likes ORDER BY b.created_at DESC, b.id DESC LIMIT 11"
    blikes="(CAST(b.title AS BINARY) LIKE '%$w%' OR CAST(b.content AS BINARY) LIKE '%$w%')"
    diag "API page, scan plan: binary LIKE, newest 10,000 posts at most ($w)" \
      "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 AND b.created_at >= @since AND $blikes ORDER BY b.created_at DESC, b.id DESC LIMIT 11" \
      "$SINCE_SETUP"
    diag "the scan's whole budget: 10,000 newest posts, collation LIKE on the word (no match stops it early)" \
      "SELECT COUNT(*) FROM boards b WHERE b.is_deleted = 0 AND b.created_at >= @since AND $likes" "$SINCE_SETUP"
    diag "the scan's whole budget: 10,000 newest posts, binary LIKE (what the API runs for Hangul words)" \
      "SELECT COUNT(*) FROM boards b WHERE b.is_deleted = 0 AND b.created_at >= @since AND $blikes" "$SINCE_SETUP"
    diag "the scan's bound: created_at of the 10,000th newest post (ix_boards_latest only)" \
      "SELECT created_at FROM boards WHERE is_deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 9999"
    diag "old scan plan's count, capped at 1000, for comparison ($w)" \
      "SELECT COUNT(*) FROM (SELECT b.id FROM boards b WHERE b.is_deleted = 0 AND $likes ORDER BY b.created_at DESC, b.id DESC LIMIT 1000) t"
  fi
  if [[ -n "$OVER_I" ]]; then
    w=${P_QUERY[OVER_I]}
    likes="(b.title LIKE '%$w%' OR b.content LIKE '%$w%')"
    diag "scan page, newest first (${w}, ${P_POSTS[OVER_I]} posts)" \
      "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 AND $likes ORDER BY b.created_at DESC, b.id DESC LIMIT 11"
    blikes="(CAST(b.title AS BINARY) LIKE '%$w%' OR CAST(b.content AS BINARY) LIKE '%$w%')"
    diag "API page, scan plan: binary LIKE, newest 10,000 posts at most (${w})" \
      "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 AND b.created_at >= @since AND $blikes ORDER BY b.created_at DESC, b.id DESC LIMIT 11" \
      "$SINCE_SETUP"
  fi
  diag "list page (SQL_LIST, elements=10)" \
    "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 ORDER BY b.created_at DESC, b.id DESC LIMIT 11 OFFSET 0"
  diag "list total (SQL_COUNT: every post counted on every list request)" \
    "SELECT COUNT(*) FROM boards WHERE is_deleted = 0"
  # What eeum-api does: both statements prepared on one connection, executed in turn. MariaDB
  # 10.11 then re-executes SQL_COUNT as a full table scan (slow log: type ALL, 1M rows).
  list_ps="PREPARE l FROM 'SELECT b.id, b.title FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.is_deleted = 0 ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?'; SET @a = 11, @b = 0"
  diag "SQL_COUNT prepared, executed after SQL_LIST on the same connection, once" \
    "EXECUTE c" "$list_ps; PREPARE c FROM 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0'; EXECUTE l USING @a, @b"
  diag "SQL_COUNT prepared, re-executed after list, count, list (as eeum-api from its 2nd list request on)" \
    "EXECUTE c" "$list_ps; PREPARE c FROM 'SELECT COUNT(*) FROM boards WHERE is_deleted = 0'; EXECUTE l USING @a, @b; EXECUTE c; EXECUTE l USING @a, @b"
  diag "same with FORCE INDEX (ix_boards_latest) in SQL_COUNT" \
    "EXECUTE c" "$list_ps; PREPARE c FROM 'SELECT COUNT(*) FROM boards FORCE INDEX (ix_boards_latest) WHERE is_deleted = 0'; EXECUTE l USING @a, @b; EXECUTE c; EXECUTE l USING @a, @b"
  diag "detail: SQL_VIEW (UPDATE views, autocommit)" \
    "UPDATE boards SET views = views + 1, updated_at = updated_at WHERE id = $DETAIL_ID AND is_deleted = 0"
  diag "detail: SQL_GET" \
    "SELECT $BOARD_COLS FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id WHERE b.id = $DETAIL_ID AND b.is_deleted = 0"
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)

# ----------------------------------------------------------------------------------------------
# report

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a != "n/a" && a + 0 <= b + 0) }'; }
max2() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }
GOAL_RARE_MED="met" GOAL_ANY="met" GOAL_LIKE="met" FAIL_RARE_MED="" FAIL_ANY="" FAIL_LIKE=""
for i in "${!PROBES[@]}"; do
  worst=$(max2 "${P_REL_P99[i]}" "${P_LAT_P99[i]}")
  ok_status=1
  [[ "${P_STATUS[i]}" =~ ^200x[0-9]+\ /\ 200x[0-9]+$ ]] || ok_status=0
  if [[ "${P_GOAL[i]}" == r || "${P_GOAL[i]}" == m ]]; then
    if ! le "$worst" 50 || ((ok_status == 0)); then
      GOAL_RARE_MED="NOT met"
      FAIL_RARE_MED+="${P_QUERY[i]} ($worst ms"
      ((ok_status)) || FAIL_RARE_MED+=", statuses ${P_STATUS[i]}"
      FAIL_RARE_MED+="); "
    fi
  fi
  if ! le "$worst" 300 || ((ok_status == 0)); then
    GOAL_ANY="NOT met"
    FAIL_ANY+="${P_QUERY[i]} ($worst ms"
    ((ok_status)) || FAIL_ANY+=", statuses ${P_STATUS[i]}"
    FAIL_ANY+="); "
  fi
  if [[ "${P_GOAL[i]}" == r ]]; then
    if [[ -z "${P_LIKE_MS[i]:-}" ]]; then
      GOAL_LIKE="not measured"
    else
      x=$(ratio "${P_LIKE_MS[i]}" "$worst")
      if ! awk -v x="$x" 'BEGIN { exit !(x != "n/a" && x >= 50) }'; then
        GOAL_LIKE="NOT met"
        FAIL_LIKE+="${P_QUERY[i]} (${x}×); "
      fi
    fi
  fi
done
GOAL_DETAIL="not measured" DETAIL_PCT="n/a" DETAIL_RANDOM_PCT="n/a" LIST_PCT="n/a"
if [[ -n "${W_RPS[healthz]:-}" ]]; then
  DETAIL_PCT=$(pct "${W_RPS[detail]}" "${W_RPS[healthz]}")
  DETAIL_RANDOM_PCT=$(pct "${W_RPS[detail_random]}" "${W_RPS[healthz]}")
  LIST_PCT=$(pct "${W_RPS[list]}" "${W_RPS[healthz]}")
  GOAL_DETAIL=$(awk -v a="${W_RPS[detail]}" -v b="${W_RPS[healthz]}" 'BEGIN { print (a >= 0.4 * b) ? "met" : "NOT met" }')
fi

DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
MARIADB_VER=$(sql -e 'SELECT VERSION()')
WRK_VER=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }' || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
if [[ -n "$(git -C "$ROOT" status --porcelain -- src include sql CMakeLists.txt 2>/dev/null)" ]]; then
  COMMIT+=" + uncommitted changes in src/include/sql"
fi
if ((LOADED_NOW)); then
  LOAD_NOTE="loaded by this run: generation ${M_GEN_S}s, LOAD DATA ${M_LOAD_S}s, ADD FULLTEXT ${M_INDEX_S}s, token frequencies ${M_DF_S}s"
else
  LOAD_NOTE="loaded by an earlier run ($M_LOADED_AT: generation ${M_GEN_S}s, LOAD DATA ${M_LOAD_S}s, ADD FULLTEXT ${M_INDEX_S}s, token frequencies ${M_DF_S}s)"
fi
fmt_n() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }

{
  echo "$SECTION_BEGIN"
  echo "## Keyword search at $(fmt_n "$N") posts, LIKE scan, list and detail throughput"
  echo
  echo "Measured $DATE with \`bench/run-search.sh\` — $(nproc) cores${CPU:+ ($CPU)}, shared: load"
  echo "average (1/5/15 min) $LOAD_START at the start of the measurements, $LOAD_END at the end."
  echo "MariaDB $MARIADB_VER (\`innodb_buffer_pool_size\` 256M, as \`scripts/eeum\` starts it), wrk"
  echo "$WRK_VER, commit $COMMIT, release preset, \`LOG_LEVEL=debug\` (adds one \`search.plan\` line"
  echo "per search to the access log line every request writes)."
  echo
  echo "**Dataset** (\`bench_gen_posts -n $N -s $SEED\`, deterministic): ${DATASET_LINE#*, }."
  echo "Table \`boards\`: ${TBL_ROWS_MB} MB of rows, ${TBL_INDEX_MB} MB of B-tree indexes, FULLTEXT auxiliary"
  echo "tables ${FTS_MB} MB on disk (boards.ibd ${BOARDS_IBD_MB} MB). Data $LOAD_NOTE."
  echo
  echo "**Search** (\`GET /api/boards/search?words=…&sort=…&elements=10\`): $REPS sequential requests per"
  echo "query and sort after $WARMUP_REQS warm-up, one keep-alive connection (\`bench_latency\`; a request"
  echo "unanswered after ${REQ_TIMEOUT}s counts as ${REQ_TIMEOUT} s, and after 3 of them in a row the rest are skipped); p50/p99 in"
  echo "ms (nearest rank: with $REPS requests p99 is the slowest but $(awk -v r="$REPS" 'BEGIN { print int(r - (r * 0.99 + 0.999999)) }')). *Plan (estimate)*: what eeum-api logged"
  echo "(\`search.plan\`: the planner's estimate = df of the rarest token of the rarest word; for the scan, the"
  echo "row budget: how many of the newest posts it may read; for FULLTEXT, how many words' tokens it MATCHed)."
  echo "*Posts*: posts holding every word (LIKE truth); *API total*: \`totalElements\` (≥ = lower bound)."
  echo "**LIKE**: what a naive implementation runs on the same data — \`SELECT COUNT(*) FROM boards"
  echo "WHERE is_deleted=0 AND (title LIKE '%w%' OR content LIKE '%w%') [AND …]\` plus the first 10"
  echo "rows \`ORDER BY created_at DESC, id DESC\` — timed inside MariaDB, median of $LIKE_REPS runs."
  echo "*× LIKE* = LIKE (count + page) / the API's worse p99 of the two sorts."
  echo
  echo "| goal | probe | query | posts | API total | plan (estimate) | rarest token = df | relevance p50 / p99 | latest p50 / p99 | LIKE count + page (ms) | × LIKE | statuses |"
  echo "|---|---|---|---:|---:|---|---|---:|---:|---:|---:|---|"
  for i in "${!PROBES[@]}"; do
    case "${P_GOAL[i]}" in r) g="≤ 50 ms, ≥ 50×" ;; m) g="≤ 50 ms" ;; *) g="≤ 300 ms" ;; esac
    worst=$(max2 "${P_REL_P99[i]}" "${P_LAT_P99[i]}")
    if [[ -n "${P_LIKE_MS[i]:-}" ]]; then
      like="$(f1 "${P_LIKE_COUNT[i]}") + $(f1 "${P_LIKE_PAGE[i]}")"
      x="$(ratio "${P_LIKE_MS[i]}" "$worst" | awk '{ if ($1 == "n/a") print $1; else if ($1 >= 10) printf "%.0f", $1; else printf "%.1f", $1 }')×"
    else
      like="—" x="—"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s / **%s** | %s / **%s** | %s | %s | %s |\n' \
      "$g" "${P_LABEL[i]}" "${P_QUERY[i]}" "$(fmt_n "${P_POSTS[i]}")" "${P_API_TOTAL[i]}" "${P_PLAN[i]}" "${P_TOKENS[i]}" \
      "$(f1 "${P_REL_P50[i]}")" "$(f1 "${P_REL_P99[i]}")" "$(f1 "${P_LAT_P50[i]}")" "$(f1 "${P_LAT_P99[i]}")" "$like" "$x" "${P_STATUS[i]}"
  done
  echo
  echo "Goals (issue), at $(fmt_n "$N") posts:"
  echo "- p99 ≤ 50 ms for rare and medium words: **$GOAL_RARE_MED**${FAIL_RARE_MED:+ (missed: ${FAIL_RARE_MED%; })}"
  echo "- p99 ≤ 300 ms for any query (very common and one-syllable words included): **$GOAL_ANY**${FAIL_ANY:+ (missed: ${FAIL_ANY%; })}"
  echo "- ≥ 50× faster than the LIKE scan for rare words: **$GOAL_LIKE**${FAIL_LIKE:+ (missed: ${FAIL_LIKE%; })}"
  echo
  if [[ -n "${W_RPS[healthz]:-}" ]]; then
    echo "**Throughput**: \`wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s --latency\`, $ROUNDS rounds alternating the targets"
    echo "after a ${WARMUP}s warm-up each (and a wait until eeum-api runs no statement before every run);"
    echo "medians over the rounds; CPU/request = the process's CPU time (all threads) over the run per"
    echo "request answered (wrk shares the same 2 cores). The detail route also runs"
    echo "\`UPDATE boards SET views = views + 1\` (a committed write per request): \"one post\" makes all 64"
    echo "connections update the same row, \"random\" spreads them over the $(fmt_n "$N") posts (wrk Lua script)."
    echo
    echo "| target | req/s | p50 (ms) | p99 (ms) | req/s vs /healthz | CPU/request eeum-api (µs) | CPU/request MariaDB (µs) |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for name in "${W_NAMES[@]}"; do
      printf '| %s | %s | %s | %s | **%s** | %s | %s |\n' "${W_LABEL[$name]}" \
        "$(awk -v v="${W_RPS[$name]}" 'BEGIN { printf (v < 10 ? "%.1f" : "%.0f"), v }')" "${W_P50[$name]}" \
        "${W_P99[$name]}" "$(pct "${W_RPS[$name]}" "${W_RPS[healthz]}")" \
        "$(printf '%.0f' "${W_CPU_API[$name]}" 2>/dev/null || echo n/a)" "$(printf '%.0f' "${W_CPU_DB[$name]}" 2>/dev/null || echo n/a)"
    done
    echo
    echo "Goal (issue): detail ≥ 40 % of \`/healthz\` throughput — **$GOAL_DETAIL** ($DETAIL_PCT for one post;"
    echo "$DETAIL_RANDOM_PCT for random posts). List: $LIST_PCT."
    for name in "${W_NAMES[@]}"; do
      [[ -z "${W_ERR[$name]:-}" ]] || echo "**wrk reported errors for $name:** ${W_ERR[$name]}"
    done
    echo
    echo "<details><summary>Individual wrk runs (in the order they ran)</summary>"
    echo
    echo "| round | target | req/s | p50 (ms) | p99 (ms) | eeum-api µs/req | MariaDB µs/req | errors |"
    echo "|---:|---|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${RUN_LINES[@]}"
    echo
    echo "</details>"
  fi
  if ((${#DIAG_LINES[@]})); then
    echo
    echo "**Statement costs** (same invocation, after the throughput runs): the statements eeum-api runs, and"
    echo "alternatives, timed inside MariaDB with the root client (\`SYSDATE(6)\` around each statement; the"
    echo "rows go to the client and are dropped); median of $DIAG_REPS runs, in ms."
    echo
    echo "| statement | median (ms) | runs (ms) |"
    echo "|---|---:|---|"
    printf '%s\n' "${DIAG_LINES[@]}"
  fi
  FINDINGS_FILE=${FINDINGS_FILE:-$ROOT/bench/search-findings.md}
  if [[ -f "$FINDINGS_FILE" ]]; then
    echo
    cat "$FINDINGS_FILE"
  fi
  echo
  echo "Reproduce: \`bench/run-search.sh\` (\`N=20000 bench/run-search.sh\` for a quick run; the first"
  echo "run at a given N generates and loads the data, later runs reuse \`var/benchsearch/mysql\`)."
  echo "$SECTION_END"
} >"$TMP/section.md"

echo
sed -e '/^<!--/d' "$TMP/section.md"
echo

if [[ "${BENCH_WRITE:-1}" != 0 ]]; then
  if [[ ! -f "$MD_FILE" ]]; then
    printf '# Benchmarks\n\n' >"$MD_FILE"
  fi
  if grep -qF "$SECTION_BEGIN" "$MD_FILE"; then
    awk -v b="$SECTION_BEGIN" -v e="$SECTION_END" -v f="$TMP/section.md" '
      $0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$MD_FILE" >"$TMP/md.new"
  else
    { cat "$MD_FILE" && printf '\n' && cat "$TMP/section.md"; } >"$TMP/md.new"
  fi
  cat "$TMP/md.new" >"$MD_FILE"
  info "wrote the results into ${MD_FILE#"$ROOT"/}"
fi

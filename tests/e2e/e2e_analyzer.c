/*
 * e2e_analyzer.c - eeum-analyzer against the real stack: a diary written over HTTP is analysed
 * within seconds (scores summing to 100, a snack recommendation), a content change is analysed
 * again under the bumped version, queued stale and deleted versions change nothing, a kill -9 in
 * the middle of the work loses and duplicates nothing, SIGTERM finishes the batch and exits 0
 * quickly, a poison message ends in the dead-letter queue with the diary 'failed', and a
 * malformed body is dropped and counted.
 *
 * It needs the stack's analyzer (EEUM_START_ANALYZER=1, /metrics on EEUM_ANALYZER_PORT) and
 * stops/starts it with `$EEUM_STACK analyzer-stop|analyzer-start` around the tests that run
 * private analyzers ($EEUM_ANALYZER_BIN, logs in $EEUM_STATE_DIR/logs). The database is read
 * with the MariaDB client library; the poison test makes one diary's analysis fail with a
 * trigger on diary_emotions that matches only that diary's unique title (dropped afterwards).
 */
#include "e2e_client.h"
#include "e2e_sql.h"

#include "eeum/config.h"
#include "eeum/log.h"
#include "eeum/sqs.h"

#include <inttypes.h>
#include <math.h>
#include <mysql.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

/* Direct SQL on this program's connection (tests/e2e/e2e_sql.h). */
#define db_execf(...)   e2e_sql_execf(T.db, __VA_ARGS__)
#define db_scalarf(...) e2e_sql_scalarf(T.db, -1, __VA_ARGS__)

#define E2E_ANALYZER_SKIPPED 77 /* ctest SKIP_RETURN_CODE */
#define BULK_USERS           12
#define BULK_PER_USER        15
#define BULK_N               (BULK_USERS * BULK_PER_USER)

static struct {
    MYSQL *db;
    struct config cfg;
    struct sqs_client *sqs;
    char metrics_base[64];
    pid_t private_pid;  /* a private analyzer this program started (0 = none) */
    bool stack_stopped; /* the stack's analyzer was stopped by a test */
    char poison_trigger[64];
} T;

/* ---- time, processes ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_stack(const char *sub)
{
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_STACK"), (char *)(uintptr_t)sub, NULL};
    pid_t pid = e2e_spawn(argv, NULL, NULL);
    assert_true(pid > 0);
    int st = e2e_wait_exit(pid, 60000);
    return (st >= 0 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
}

static void stack_analyzer_stop(void)
{
    assert_int_equal(run_stack("analyzer-stop"), 0);
    T.stack_stopped = true;
}

static void stack_analyzer_start(void)
{
    assert_int_equal(run_stack("analyzer-start"), 0);
    T.stack_stopped = false;
}

/* A private analyzer: no health server, a short visibility timeout so that messages a killed
 * instance held come back within the test. */
static pid_t start_private_analyzer(const char *log_name)
{
    char log[512];
    e2e_log_path(log, sizeof log, log_name);
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_ANALYZER_BIN"), "run", NULL};
    static const char *const OV[] = {"ANALYZER_HEALTH_PORT=0", "ANALYZER_VISIBILITY_TIMEOUT=21",
                                     "ANALYZER_WORKERS=3", NULL};
    pid_t pid = e2e_spawn(argv, OV, log);
    assert_true(pid > 0);
    T.private_pid = pid;
    return pid;
}

/* ---- database ---- */

/* "id1,id2,..." of ids[0..n) into out. */
static void id_list(const uint64_t *ids, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + k, cap - k, "%s%" PRIu64, i ? "," : "", ids[i]);
        assert_true(w > 0 && (size_t)w < cap - k);
        k += (size_t)w;
    }
}

/* ---- the queue ---- */

/* Messages on the diary queue, visible and in flight (-1 when unknown). */
static long queue_depth(void)
{
    const char *names[] = {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"};
    json_t *attrs = NULL;
    char err[SQS_ERR_LEN];
    if (sqs_get_attributes(T.sqs, names, 2, &attrs, err) != STATUS_OK)
        return -1;
    const char *a = json_string_value(json_object_get(attrs, names[0]));
    const char *b = json_string_value(json_object_get(attrs, names[1]));
    long v = (a && b) ? atol(a) + atol(b) : -1;
    json_decref(attrs);
    return v;
}

/* Waits until the diary queue is empty; false after timeout_ms. */
static bool wait_queue_empty(long timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        if (queue_depth() == 0)
            return true;
        e2e_sleep_ms(200);
    }
    return false;
}

/* ---- the analyzer's metrics ---- */

static double analyzer_metric(const char *name)
{
    struct e2e_resp r;
    e2e_quiet = true;
    int rc = e2e_request(T.metrics_base, "GET", "/metrics", NULL, NULL, NULL, 0, &r);
    e2e_quiet = false;
    if (rc != 0)
        return -1;
    double v = -1;
    size_t nl = strlen(name);
    if (r.status == 200)
        for (const char *p = r.body; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
            if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
                v = strtod(p + nl + 1, NULL);
                break;
            }
    e2e_resp_free(&r);
    return v;
}

/* ---- diaries over HTTP ---- */

static uint64_t create_diary(const struct e2e_user *u, const char *title, const char *content)
{
    json_t *b = json_pack("{s:s,s:s,s:s}", "title", title, "content", content, "publishedDate",
                          "2026-01-15");
    struct e2e_resp r;
    assert_int_equal(e2e_jsonv("POST", "/api/diaries", u->token, b, &r), 0);
    json_decref(b);
    e2e_expect_status(&r, 201, "POST /api/diaries");
    json_t *item = e2e_item_of(&r);
    uint64_t id = (uint64_t)e2e_int_at(item, "id");
    const char *status = e2e_str_at(json_object_get(item, "analysis"), "status");
    assert_non_null(status);
    assert_string_equal(status, "pending");
    e2e_resp_free(&r);
    return id;
}

/* GET /api/diaries/:id -> the item (new reference). */
static json_t *get_diary(const struct e2e_user *u, uint64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, id);
    struct e2e_resp r;
    assert_int_equal(e2e_get(path, u->token, &r), 0);
    e2e_expect_status(&r, 200, path);
    json_t *item = json_incref(e2e_item_of(&r));
    e2e_resp_free(&r);
    return item;
}

/* Polls the detail until analysis.status is `status` for analysedVersion `version` (for 'done')
 * or simply `status` (otherwise). The item (new reference), or NULL after timeout_ms. */
static json_t *wait_analysis(const struct e2e_user *u, uint64_t id, const char *status,
                             json_int_t version, long timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    for (;;) {
        json_t *item = get_diary(u, id);
        json_t *a = json_object_get(item, "analysis");
        const char *s = e2e_str_at(a, "status");
        json_t *av = json_object_get(a, "analyzedVersion");
        bool ok = s && strcmp(s, status) == 0;
        if (ok && strcmp(status, "done") == 0)
            ok = json_is_integer(av) && json_integer_value(av) == version &&
                 json_is_false(json_object_get(a, "stale"));
        if (ok)
            return item;
        json_decref(item);
        if (now_ms() >= end)
            return NULL;
        e2e_sleep_ms(50);
    }
}

/* Asserts what a user sees of a finished analysis: five scores summing to 100, the top
 * emotion among the five labels and equal to the largest score, an analyzer version, a
 * recommended snack with a name. Returns the score of each label in *out (may be NULL). */
static void assert_analysis_shown(const json_t *item, double out[5])
{
    static const char *const KEYS[5] = {"worryScore", "angryScore", "happyScore", "excitedScore",
                                        "sadScore"};
    static const char *const LABELS[5] = {"걱정", "분노", "행복", "설렘", "슬픔"};
    json_t *scores = json_object_get(item, "emotionScores");
    assert_true(json_is_object(scores));
    double sum = 0, best = -1;
    int top = -1;
    for (int i = 0; i < 5; i++) {
        json_t *v = json_object_get(scores, KEYS[i]);
        assert_true(json_is_number(v));
        double d = json_number_value(v);
        assert_true(d >= 0 && d <= 100);
        /* two decimals */
        assert_true(fabs(d * 100 - round(d * 100)) < 1e-6);
        sum += d;
        if (d > best) {
            best = d;
            top = i;
        }
        if (out)
            out[i] = d;
    }
    assert_true(fabs(sum - 100.0) < 1e-6);
    const char *emotion = e2e_str_at(item, "emotion");
    assert_non_null(emotion);
    assert_string_equal(emotion, LABELS[top]);
    json_t *a = json_object_get(item, "analysis");
    const char *ver = e2e_str_at(a, "analyzerVersion");
    assert_true(ver && *ver);
    assert_true(e2e_parse_instant(e2e_str_at(a, "analyzedAt")) > 0);
    json_t *food = json_object_get(item, "recommendedFood");
    if (!json_is_object(food))
        fail_msg("no recommendedFood in %s", json_dumps(item, JSON_COMPACT));
    const char *name = e2e_str_at(food, "name");
    assert_true(name && *name);
    assert_true(json_is_string(json_object_get(food, "imageUrl")));
}

/* ---- tests ---- */

static void diary_is_analysed_within_5_seconds_with_scores_and_a_recommendation(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("anl", &u);
    long long t0 = now_ms();
    uint64_t id = create_diary(&u, "설레는 첫 출근",
                               "내일 드디어 첫 출근이다. 너무 설레고 기대된다! 새로운 사람들을 "
                               "만날 생각에 두근두근하다.");
    json_t *item = wait_analysis(&u, id, "done", 1, 5000);
    if (!item)
        fail_msg("diary %" PRIu64 " not analysed within 5 s", id);
    fprintf(stderr, "analysed in %lld ms\n", now_ms() - t0);
    assert_analysis_shown(item, NULL);
    assert_int_equal(e2e_int_at(item, "version"), 1);
    /* The database holds one analysis row and at most three picks for this version. */
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %" PRIu64
                                " AND diary_version = 1",
                                id),
                     1);
    long long picks = db_scalarf("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %" PRIu64
                                 " AND diary_version = 1",
                                 id);
    assert_true(picks >= 1 && picks <= 3);
    json_decref(item);
    e2e_user_free(&u);
}

static void changed_content_is_analysed_again_under_the_bumped_version(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("anp", &u);
    uint64_t id = create_diary(&u, "오늘 하루",
                               "오늘은 정말 행복했다. 친구들과 웃고 떠들며 "
                               "맛있는 것을 먹었다. 너무 즐거운 하루!");
    json_t *v1 = wait_analysis(&u, id, "done", 1, 5000);
    assert_non_null(v1);
    double s1[5];
    assert_analysis_shown(v1, s1);
    const char *at1 = e2e_str_at(json_object_get(v1, "analysis"), "analyzedAt");
    char at1_copy[64];
    snprintf(at1_copy, sizeof at1_copy, "%s", at1 ? at1 : "");

    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, id);
    struct e2e_resp r;
    assert_int_equal(e2e_json("PATCH", path, u.token,
                              "{\"content\":\"시험에 떨어져서 너무 슬프고 우울하다. 눈물이 "
                              "계속 난다. 혼자 울었다 ㅠㅠ\"}",
                              &r),
                     0);
    e2e_expect_status(&r, 200, "PATCH content");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "version"), 2);
    e2e_resp_free(&r);

    json_t *v2 = wait_analysis(&u, id, "done", 2, 5000);
    if (!v2)
        fail_msg("version 2 of diary %" PRIu64 " not analysed within 5 s", id);
    double s2[5];
    assert_analysis_shown(v2, s2);
    assert_int_equal(e2e_int_at(v2, "version"), 2);
    bool differ = false;
    for (int i = 0; i < 5; i++)
        differ = differ || fabs(s1[i] - s2[i]) > 1e-9;
    assert_true(differ); /* the new text was read */
    /* Still one analysis row, now for version 2, and picks for version 2. */
    assert_int_equal(
        db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %" PRIu64, id), 1);
    assert_int_equal(
        db_scalarf("SELECT diary_version FROM diary_emotions WHERE diary_id = %" PRIu64, id), 2);
    assert_true(db_scalarf("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %" PRIu64
                           " AND diary_version = 2",
                           id) >= 1);
    json_decref(v1);
    json_decref(v2);
    e2e_user_free(&u);
}

static void queued_stale_and_deleted_versions_change_nothing(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("ans", &u);
    stack_analyzer_stop();
    /* While nothing consumes: v1 and v2 of one diary are queued, and a diary deleted before
     * its message is read. */
    uint64_t a = create_diary(&u, "버전 테스트", "처음 쓴 내용이다. 조금 걱정된다.");
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, a);
    struct e2e_resp r;
    assert_int_equal(e2e_json("PATCH", path, u.token,
                              "{\"content\":\"다시 쓴 내용이다. 기분이 정말 좋다!\"}", &r),
                     0);
    e2e_expect_status(&r, 200, "PATCH");
    e2e_resp_free(&r);
    uint64_t b = create_diary(&u, "지울 일기", "곧 지울 일기다.");
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, b);
    assert_int_equal(e2e_json("DELETE", path, u.token, NULL, &r), 0);
    assert_true(r.status == 200 || r.status == 204);
    e2e_resp_free(&r);
    stack_analyzer_start(); /* a fresh process: its counters start at 0 */

    json_t *item = wait_analysis(&u, a, "done", 2, 75000);
    if (!item)
        fail_msg("diary %" PRIu64 " v2 not analysed", a);
    assert_analysis_shown(item, NULL);
    json_decref(item);
    /* The v1 message was stale (v2 was stored, never v1), the deleted diary got nothing. */
    assert_true(wait_queue_empty(40000));
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %" PRIu64, a),
                     1);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %" PRIu64
                                " AND diary_version = 1",
                                a),
                     0);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %" PRIu64, b),
                     0);
    assert_int_equal(
        db_scalarf("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %" PRIu64, b), 0);
    assert_int_equal(
        db_scalarf("SELECT analysis_status = 'pending' FROM diaries WHERE id = %" PRIu64, b), 1);
    double skipped1 = analyzer_metric("eeum_analyzer_skipped_total");
    assert_true(skipped1 >= 2); /* the stale v1 and the deleted diary */
    e2e_user_free(&u);
}

/* Creates BULK_N diaries of BULK_USERS users while no analyzer runs; ids into out. */
static void create_bulk(struct e2e_user *users, uint64_t *out)
{
    static const char *const TEXTS[] = {
        "오늘 회사에서 발표를 망쳤다. 내일이 걱정된다.",
        "친구가 약속을 또 어겼다. 정말 화가 난다!",
        "가족들과 맛있는 저녁을 먹었다. 행복한 하루였다.",
        "다음 주에 여행을 간다. 벌써 설렌다.",
        "오랜 친구와 헤어졌다. 너무 슬프다 ㅠㅠ",
    };
    size_t k = 0;
    for (int u = 0; u < BULK_USERS; u++) {
        e2e_new_user("anb", &users[u]);
        for (int j = 0; j < BULK_PER_USER; j++) {
            char title[64];
            snprintf(title, sizeof title, "일기 %d-%d", u, j);
            out[k] = create_diary(&users[u], title, TEXTS[k % 5]);
            k++;
        }
    }
}

/* Done diaries among ids (analysis_status 'done'). */
static long long count_done(const char *ids)
{
    return db_scalarf("SELECT COUNT(*) FROM diaries WHERE id IN (%s) AND analysis_status = 'done'",
                      ids);
}

static bool wait_all_done(const char *ids, long long n, long timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        if (count_done(ids) == n)
            return true;
        e2e_sleep_ms(100);
    }
    return false;
}

/* One analysis row of version 1 per diary, 1..3 picks of version 1 each, all 'done'. */
static void assert_each_analysed_once(const char *ids, long long n)
{
    assert_int_equal(count_done(ids), n);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id IN (%s)", ids),
                     n);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions e JOIN diaries d ON d.id = "
                                "e.diary_id WHERE e.diary_id IN (%s) AND e.diary_version = "
                                "d.version AND d.version = 1",
                                ids),
                     n);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM (SELECT diary_id, COUNT(*) c FROM "
                                "recommended_foods WHERE diary_id IN (%s) AND diary_version = 1 "
                                "GROUP BY diary_id HAVING c BETWEEN 1 AND 3) x",
                                ids),
                     n);
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM recommended_foods WHERE diary_id IN (%s) "
                                "AND diary_version <> 1",
                                ids),
                     0);
}

static void kill_9_mid_work_and_restart_analyses_every_diary_exactly_once(void **state)
{
    (void)state;
    static struct e2e_user users[BULK_USERS];
    static uint64_t ids[BULK_N];
    static char list[BULK_N * 21];
    stack_analyzer_stop();
    create_bulk(users, ids);
    id_list(ids, BULK_N, list, sizeof list);
    assert_int_equal(count_done(list), 0);

    pid_t p1 = start_private_analyzer("e2e-analyzer-killed.log");
    long long done = 0, end = now_ms() + 30000;
    while (now_ms() < end) {
        done = count_done(list);
        if (done > 0)
            break;
        e2e_sleep_ms(5);
    }
    assert_true(done > 0);
    assert_int_equal(kill(p1, SIGKILL), 0);
    int ws = e2e_wait_exit(p1, 5000);
    T.private_pid = 0;
    assert_true(ws >= 0 && WIFSIGNALED(ws));
    long long done_at_kill = count_done(list);
    fprintf(stderr, "killed with %lld of %d diaries analysed\n", done_at_kill, BULK_N);
    long long rows0 =
        db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id IN (%s)", list);
    assert_true(rows0 >= done_at_kill);

    pid_t p2 = start_private_analyzer("e2e-analyzer-restarted.log");
    if (!wait_all_done(list, BULK_N, 75000))
        fail_msg("only %lld of %d diaries analysed after the restart", count_done(list), BULK_N);
    /* Messages the killed instance held come back after its visibility timeout (21 s). */
    assert_true(wait_queue_empty(40000));
    assert_each_analysed_once(list, BULK_N);
    /* Each row was inserted once and never rewritten: a redelivered message (of a batch the
     * killed instance had committed but not deleted) changed nothing. analyzed_at is NOW(3) of
     * the writing statement, created_at its insert time; an update would move analyzed_at. */
    assert_int_equal(db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id IN (%s) "
                                "AND analyzed_at = created_at",
                                list),
                     BULK_N);

    /* SIGTERM with nothing left to do: exit 0 once the long polls in progress return
     * (ANALYZER_WAIT_SECONDS 20 + SQS_TIMEOUT 5 at most; abandoning them could hide a message). */
    long long t0 = now_ms();
    assert_int_equal(kill(p2, SIGTERM), 0);
    ws = e2e_wait_exit(p2, 40000);
    T.private_pid = 0;
    long long took = now_ms() - t0;
    fprintf(stderr, "idle analyzer stopped in %lld ms\n", took);
    assert_true(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_true(took < 26000);
    stack_analyzer_start();
    for (int u = 0; u < BULK_USERS; u++)
        e2e_user_free(&users[u]);
}

static void sigterm_during_work_finishes_the_batch_and_exits_0_quickly(void **state)
{
    (void)state;
    static struct e2e_user users[BULK_USERS];
    static uint64_t ids[BULK_N];
    static char list[BULK_N * 21];
    stack_analyzer_stop();
    create_bulk(users, ids);
    id_list(ids, BULK_N, list, sizeof list);

    pid_t p = start_private_analyzer("e2e-analyzer-sigterm.log");
    long long end = now_ms() + 30000;
    while (now_ms() < end && count_done(list) == 0)
        e2e_sleep_ms(5);
    assert_true(count_done(list) > 0);
    long long t0 = now_ms();
    assert_int_equal(kill(p, SIGTERM), 0);
    int ws = e2e_wait_exit(p, 40000);
    T.private_pid = 0;
    long long took = now_ms() - t0;
    fprintf(stderr, "busy analyzer stopped in %lld ms with %lld of %d analysed\n", took,
            count_done(list), BULK_N);
    assert_true(ws >= 0 && WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    assert_true(took < 26000); /* the batches, then any long poll in progress */
    /* The stack's analyzer finishes the rest: nothing the stopped one received stays hidden. */
    stack_analyzer_start();
    if (!wait_all_done(list, BULK_N, 75000))
        fail_msg("only %lld of %d diaries analysed after the SIGTERM", count_done(list), BULK_N);
    assert_each_analysed_once(list, BULK_N);
    for (int u = 0; u < BULK_USERS; u++)
        e2e_user_free(&users[u]);
}

static int drop_poison_trigger(void **state)
{
    (void)state;
    if (T.poison_trigger[0] && T.db) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s", T.poison_trigger);
        if (mysql_query(T.db, sql) != 0)
            fprintf(stderr, "e2e_analyzer: %s: %s\n", sql, mysql_error(T.db));
        T.poison_trigger[0] = '\0';
    }
    return 0;
}

static void poison_message_goes_to_the_dead_letter_queue_and_the_diary_shows_failed(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("anx", &u);
    char title[64];
    snprintf(title, sizeof title, "독 %s", e2e_unique());
    /* Every attempt to store this diary's analysis fails inside the analyzer's transaction. */
    snprintf(T.poison_trigger, sizeof T.poison_trigger, "e2e_poison_%d", (int)getpid());
    db_execf("CREATE TRIGGER %s BEFORE INSERT ON diary_emotions FOR EACH ROW BEGIN "
             "IF (SELECT title FROM diaries WHERE id = NEW.diary_id) = '%s' THEN "
             "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'e2e poison'; END IF; END",
             T.poison_trigger, title);
    double failed0 = analyzer_metric("eeum_analyzer_failed_total");
    double marked0 = analyzer_metric("eeum_analyzer_marked_failed_total");
    /* A healthy diary of the same user written right after is not held up for long. */
    uint64_t id = create_diary(&u, title, "이 일기의 분석은 매번 실패한다.");
    long long t0 = now_ms();
    json_t *item = wait_analysis(&u, id, "failed", 0, 90000);
    if (!item)
        fail_msg("diary %" PRIu64 " not marked failed within 90 s", id);
    fprintf(stderr, "poison dead-lettered and marked failed in %lld ms\n", now_ms() - t0);
    assert_true(json_is_null(json_object_get(item, "emotionScores")));
    assert_true(json_is_null(json_object_get(item, "recommendedFood")));
    json_decref(item);
    assert_int_equal(
        db_scalarf("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %" PRIu64, id), 0);
    assert_true(analyzer_metric("eeum_analyzer_failed_total") >= failed0 + 2);
    assert_true(analyzer_metric("eeum_analyzer_marked_failed_total") >= marked0 + 1);
    drop_poison_trigger(NULL);

    /* Once the cause is gone, a new version is analysed normally. */
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, id);
    struct e2e_resp r;
    assert_int_equal(
        e2e_json("PATCH", path, u.token, "{\"content\":\"이제는 괜찮다. 행복하다.\"}", &r), 0);
    e2e_expect_status(&r, 200, "PATCH after failure");
    e2e_resp_free(&r);
    item = wait_analysis(&u, id, "done", 2, 5000);
    assert_non_null(item);
    assert_analysis_shown(item, NULL);
    json_decref(item);
    e2e_user_free(&u);
}

static void malformed_body_is_deleted_and_counted(void **state)
{
    (void)state;
    double before = analyzer_metric("eeum_analyzer_malformed_total");
    assert_true(before >= 0);
    char dedup[64], group[64];
    snprintf(dedup, sizeof dedup, "e2e-malformed-%s", e2e_unique());
    snprintf(group, sizeof group, "e2e-malformed-%d", (int)getpid());
    struct sqs_send_entry e[2] = {
        {.id = "a", .body = "this is not json", .group_id = group, .dedup_id = dedup},
        {.id = "b",
         .body = "{\"diaryId\":\"1\",\"userId\":1,\"version\":1}",
         .group_id = group,
         .dedup_id = NULL},
    };
    char dedup2[80];
    snprintf(dedup2, sizeof dedup2, "%s-b", dedup);
    e[1].dedup_id = dedup2;
    struct sqs_batch_result res;
    char err[SQS_ERR_LEN];
    assert_int_equal(sqs_send_batch(T.sqs, e, 2, &res, err), STATUS_OK);
    assert_int_equal(res.n_ok, 2);
    long long end = now_ms() + 10000;
    double after = before;
    while (now_ms() < end && after < before + 2) {
        e2e_sleep_ms(50);
        after = analyzer_metric("eeum_analyzer_malformed_total");
    }
    assert_true(after >= before + 2);
    assert_true(wait_queue_empty(5000)); /* deleted, not retried */
}

static void health_and_metrics_answer(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_request(T.metrics_base, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "status"), "ok");
    e2e_resp_free(&r);
    assert_int_equal(e2e_request(T.metrics_base, "GET", "/metrics", NULL, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "# TYPE eeum_analyzer_latency_seconds histogram"));
    assert_non_null(strstr(r.body, "eeum_analyzer_processed_total "));
    e2e_resp_free(&r);
    assert_int_equal(e2e_request(T.metrics_base, "GET", "/nope", NULL, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    e2e_resp_free(&r);
    assert_int_equal(
        e2e_request(T.metrics_base, "POST", "/metrics", NULL, "application/json", "{}", 2, &r), 0);
    assert_int_equal(r.status, 405);
    e2e_resp_free(&r);
}

/* ---- setup ---- */

static int setup(void **state)
{
    (void)state;
    log_init("e2e_analyzer", LOGL_ERROR, false);
    char err[CONFIG_ERR_LEN];
    if (config_load(&T.cfg, CONFIG_ROLE_ANALYZER, NULL, err) != 0) {
        fprintf(stderr, "e2e_analyzer: configuration from the environment: %s\n", err);
        return -1;
    }
    snprintf(T.metrics_base, sizeof T.metrics_base, "http://127.0.0.1:%s",
             e2e_need_env("EEUM_ANALYZER_PORT"));
    if (mysql_library_init(0, NULL, NULL) != 0 || sqs_library_init() != 0)
        return -1;
    T.sqs = sqs_client_new(&T.cfg);
    T.db = mysql_init(NULL);
    if (!T.sqs || !T.db)
        return -1;
    if (!mysql_real_connect(T.db, T.cfg.db_host, T.cfg.db_user, T.cfg.db_password, T.cfg.db_name,
                            T.cfg.db_port, NULL, 0)) {
        fprintf(stderr, "e2e_analyzer: cannot connect to the database: %s\n", mysql_error(T.db));
        return -1;
    }
    if (mysql_set_character_set(T.db, "utf8mb4") != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (T.private_pid > 0) {
        kill(T.private_pid, SIGKILL);
        e2e_wait_exit(T.private_pid, 5000);
    }
    drop_poison_trigger(NULL);
    /* Leave the stack as it was found: its analyzer running. */
    if (T.stack_stopped && run_stack("analyzer-start") != 0)
        fprintf(stderr, "e2e_analyzer: could not restart the stack's analyzer\n");
    if (T.db)
        mysql_close(T.db);
    sqs_client_free(T.sqs);
    config_free(&T.cfg);
    sqs_library_end();
    mysql_library_end();
    return 0;
}

int main(void)
{
    const char *a = getenv("EEUM_START_ANALYZER");
    if (!a || strcmp(a, "1") != 0) {
        fprintf(stderr,
                "e2e_analyzer: the stack runs no analyzer (EEUM_START_ANALYZER); skipped\n");
        return E2E_ANALYZER_SKIPPED;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(health_and_metrics_answer),
        cmocka_unit_test(diary_is_analysed_within_5_seconds_with_scores_and_a_recommendation),
        cmocka_unit_test(changed_content_is_analysed_again_under_the_bumped_version),
        cmocka_unit_test(malformed_body_is_deleted_and_counted),
        cmocka_unit_test(queued_stale_and_deleted_versions_change_nothing),
        cmocka_unit_test(kill_9_mid_work_and_restart_analyses_every_diary_exactly_once),
        cmocka_unit_test(sigterm_during_work_finishes_the_batch_and_exits_0_quickly),
        cmocka_unit_test_teardown(
            poison_message_goes_to_the_dead_letter_queue_and_the_diary_shows_failed,
            drop_poison_trigger),
    };
    return cmocka_run_group_tests_name("e2e_analyzer", tests, setup, teardown);
}

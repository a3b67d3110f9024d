/*
 * e2e_outbox.c - the outbox publisher of the running eeum-api, seen from the database and the
 * queue: rows written to `outbox` (directly, with fake diary ids >= 9e15 unique per run; the
 * table has no foreign key) reach the SQS emulator exactly once with the documented body,
 * MessageGroupId and MessageDeduplicationId, in order per user, and are marked sent. With the
 * emulator stopped (`$EEUM_STACK sqs-stop`) writes keep landing, /readyz answers 200 "degraded"
 * naming the queue, /metrics shows the backlog; after `sqs-start` every row arrives once.
 *
 * The same through the real diary routes: a POST /api/diaries puts exactly one message on the
 * queue, a PATCH of title/content one more for the next version (other fields none), and the
 * fault test: with the emulator stopped 50 diary creates are all 201, and within 30 s of its
 * restart all 50 messages are on the queue exactly once.
 *
 * Runs after every other e2e program (ctest DEPENDS) and always leaves the emulator running.
 * Messages of other producers that it happens to receive are made visible again at the end;
 * messages of diary ids >= 9e15 (this program's range, from earlier runs) are deleted. It needs
 * the queue to itself: with an analyzer consuming it (EEUM_START_ANALYZER=1) it skips.
 */
#include "e2e_client.h"
#include "e2e_sql.h"

#include "eeum/config.h"
#include "eeum/log.h"
#include "eeum/publisher.h"
#include "eeum/sqs.h"

#include <inttypes.h>
#include <signal.h>
#include <mysql.h>
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
#define db_execf(...) e2e_sql_execf(T.db, __VA_ARGS__)
#define db_u64f(...)  ((uint64_t)e2e_sql_scalarf(T.db, 0, __VA_ARGS__))

#define TEST_DIARY_MIN     9000000000000000ull /* diary ids of this program (any run) */
#define TEST_USER_MIN      8000000000000000ull
#define MAX_ROWS           200
#define MAX_FOREIGN        256
#define E2E_OUTBOX_SKIPPED 77 /* ctest SKIP_RETURN_CODE */
#define PROBE_PREFIX       "e2e-outbox-probe "

static struct {
    MYSQL *db;
    struct config cfg;
    struct sqs_client *sqs;
    uint64_t next_diary; /* next unused diary id of this run */
    uint64_t user_base;
    char *foreign[MAX_FOREIGN]; /* receipt handles of others' messages, released at the end */
    size_t nforeign;
    pid_t private_api[2]; /* instances this program started (0 = none) */
} T;

/* ---- time ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- database (the MariaDB client library, as an operator's tool would) ---- */

/* The row for index i of a batch: users take turns, each user's versions rise with the id. */
static uint64_t user_of(size_t i, size_t nusers)
{
    return T.user_base + i % nusers;
}
static uint32_t version_of(size_t i, size_t nusers)
{
    return (uint32_t)(1 + i / nusers);
}

/* Insert n outbox rows (diary ids first..first+n) in one statement; returns first. */
static uint64_t insert_rows(size_t n, size_t nusers)
{
    assert_true(n <= MAX_ROWS);
    uint64_t first = T.next_diary;
    T.next_diary += n;
    char values[MAX_ROWS * 64];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(values + len, sizeof values - len, "%s(%" PRIu64 ",%" PRIu64 ",%u)",
                         i ? "," : "", first + i, user_of(i, nusers), version_of(i, nusers));
        assert_true(w > 0 && (size_t)w < sizeof values - len);
        len += (size_t)w;
    }
    db_execf("INSERT INTO outbox (diary_id, user_id, diary_version) VALUES %s", values);
    return first;
}

static uint64_t count_rows(uint64_t first, size_t n, const char *status)
{
    return db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id BETWEEN %" PRIu64 " AND %" PRIu64
                   " AND status = '%s'",
                   first, first + n - 1, status);
}

/* Waits up to timeout_ms for all n rows to be marked sent (the mark commits after the send). */
static void expect_all_sent(uint64_t first, size_t n, long timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    uint64_t sent = 0;
    while ((sent = count_rows(first, n, "sent")) < n && now_ms() < deadline)
        e2e_sleep_ms(100);
    assert_int_equal(sent, n);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id BETWEEN %" PRIu64
                             " AND %" PRIu64 " AND sent_at IS NOT NULL",
                             first, first + n - 1),
                     n);
}

/* ---- the queue ---- */

/* The messages a test expects: entry i is (diary[i], user[i], version[i]); entries of one user
 * are listed in the order they were written, which FIFO must keep. */
struct seen {
    size_t n;
    uint64_t diary[MAX_ROWS], user[MAX_ROWS];
    uint32_t version[MAX_ROWS];
    size_t got;                /* distinct entries received */
    size_t duplicates;         /* a second message for an entry already received */
    char msg_id[MAX_ROWS][64]; /* MessageId per entry, "" = not yet */
    size_t arrival[MAX_ROWS];  /* 1-based arrival rank per entry, 0 = not yet */
    size_t out_of_order;       /* computed by seen_check_order */
};

static void seen_add(struct seen *s, uint64_t diary, uint64_t user, uint32_t version)
{
    assert_true(s->n < MAX_ROWS);
    s->diary[s->n] = diary;
    s->user[s->n] = user;
    s->version[s->n] = version;
    s->n++;
}

/* The rows of insert_rows(n, nusers) starting at `first`. */
static void seen_fake(struct seen *s, uint64_t first, size_t n, size_t nusers)
{
    for (size_t i = 0; i < n; i++)
        seen_add(s, first + i, user_of(i, nusers), version_of(i, nusers));
}

/* Entries of one user must have arrived in the order they were written. */
static void seen_check_order(struct seen *s)
{
    s->out_of_order = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = i + 1; j < s->n; j++)
            if (s->user[i] == s->user[j] && s->arrival[i] && s->arrival[j] &&
                s->arrival[i] > s->arrival[j])
                s->out_of_order++;
}

static void remember_foreign(const char *receipt)
{
    if (T.nforeign < MAX_FOREIGN)
        T.foreign[T.nforeign++] = strdup(receipt);
}

static void delete_message(const char *receipt)
{
    struct sqs_batch_result res;
    char err[SQS_ERR_LEN];
    const char *handles[] = {receipt};
    assert_int_equal(sqs_delete_batch(T.sqs, handles, 1, &res, err), STATUS_OK);
    assert_true(res.entry[0].ok);
}

/* One message: ours (checked, recorded, deleted), an old run's (deleted) or someone else's. */
static void take_message(json_t *m, struct seen *s)
{
    const char *body = e2e_str_at(m, "Body");
    const char *receipt = e2e_str_at(m, "ReceiptHandle");
    const char *message_id = e2e_str_at(m, "MessageId");
    assert_non_null(body);
    assert_non_null(receipt);
    assert_non_null(message_id);
    if (strncmp(body, PROBE_PREFIX, strlen(PROBE_PREFIX)) == 0) {
        delete_message(receipt); /* a probe of flush_stale_pollers, seen late */
        return;
    }
    json_error_t jerr;
    json_t *b = json_loads(body, 0, &jerr);
    json_t *d = b ? json_object_get(b, "diaryId") : NULL;
    json_t *v = b ? json_object_get(b, "version") : NULL;
    uint64_t diary = json_is_integer(d) ? (uint64_t)json_integer_value(d) : 0;
    uint32_t msg_version = json_is_integer(v) ? (uint32_t)json_integer_value(v) : 0;
    json_decref(b);
    size_t i = 0;
    while (i < s->n && !(s->diary[i] == diary && s->version[i] == msg_version))
        i++;
    if (i == s->n) {
        if (diary >= TEST_DIARY_MIN)
            delete_message(receipt); /* left over from an earlier run of this program */
        else
            remember_foreign(receipt);
        return;
    }
    uint64_t user = s->user[i];
    uint32_t version = s->version[i];
    char want[160];
    snprintf(want, sizeof want, "{\"diaryId\":%" PRIu64 ",\"userId\":%" PRIu64 ",\"version\":%u}",
             diary, user, version);
    assert_string_equal(body, want);
    json_t *attrs = json_object_get(m, "Attributes");
    snprintf(want, sizeof want, "user-%" PRIu64, user);
    assert_string_equal(e2e_str_at(attrs, "MessageGroupId"), want);
    snprintf(want, sizeof want, "diary-%" PRIu64 "-v%u", diary, version);
    assert_string_equal(e2e_str_at(attrs, "MessageDeduplicationId"), want);

    if (!s->msg_id[i][0]) {
        snprintf(s->msg_id[i], sizeof s->msg_id[i], "%s", message_id);
        s->got++;
        s->arrival[i] = s->got;
    } else if (strcmp(s->msg_id[i], message_id) != 0) {
        s->duplicates++;
        fprintf(stderr, "diary %" PRIu64 " arrived twice (%s, %s)\n", diary, s->msg_id[i],
                message_id);
    }
    delete_message(receipt);
}

/* Receive until every row of s arrived or the deadline passes, then `linger_ms` more to catch
 * a second copy. */
static void receive_rows(struct seen *s, long long deadline, long linger_ms)
{
    long long stop_at = deadline;
    bool lingering = false;
    while (now_ms() < stop_at) {
        json_t *req = json_pack("{s:i, s:i, s:i, s:[s], s:[s]}", "MaxNumberOfMessages", 10,
                                "WaitTimeSeconds", 1, "VisibilityTimeout", 30, "AttributeNames",
                                "All", "MessageSystemAttributeNames", "All");
        json_t *resp = NULL;
        char err[SQS_ERR_LEN];
        enum status st = sqs_call(T.sqs, "ReceiveMessage", req, &resp, err);
        json_decref(req);
        if (st != STATUS_OK) {
            e2e_sleep_ms(200); /* the emulator may still be coming up */
            continue;
        }
        /* The emulator may repeat a message within one answer: handle each receipt once, the
         * last copy of a MessageId wins (its receipt handle is the current one). */
        json_t *msgs = json_object_get(resp, "Messages");
        size_t k, n = json_array_size(msgs);
        json_t *m;
        json_array_foreach(msgs, k, m)
        {
            const char *id = e2e_str_at(m, "MessageId");
            bool later_copy = false;
            for (size_t j = k + 1; j < n && id; j++)
                if (strcmp(id, e2e_str_at(json_array_get(msgs, j), "MessageId")) == 0)
                    later_copy = true;
            if (!later_copy)
                take_message(m, s);
        }
        json_decref(resp);
        if (!lingering && s->got == s->n) {
            lingering = true;
            stop_at = now_ms() + linger_ms;
        }
    }
    seen_check_order(s);
}

static void release_foreign(void)
{
    char err[SQS_ERR_LEN];
    for (size_t i = 0; i < T.nforeign; i++) {
        sqs_change_visibility(T.sqs, T.foreign[i], 0, err);
        free(T.foreign[i]);
    }
    T.nforeign = 0;
}

/*
 * A consumer stopped just before this program (the stack's analyzer, stopped so that the queue
 * is ours) may leave a long poll the emulator still serves: the next message to arrive would go
 * to that dead poller and stay invisible for the visibility timeout. Send probes, each in its
 * own group, until one comes back to us (at most ~25 s: the dead poll ends after its wait).
 */
static void flush_stale_pollers(void)
{
    bool fifo = publisher_queue_is_fifo(T.cfg.sqs_queue_url);
    long long deadline = now_ms() + 25000;
    for (unsigned k = 0; now_ms() < deadline; k++) {
        char body[96], group[64], dedup[64];
        snprintf(body, sizeof body, PROBE_PREFIX "%d-%lld-%u", (int)getpid(), now_ms(), k);
        snprintf(group, sizeof group, "e2e-outbox-probe-%d-%u", (int)getpid(), k);
        snprintf(dedup, sizeof dedup, "probe-%d-%lld-%u", (int)getpid(), now_ms(), k);
        json_t *req = json_pack("{s:s}", "MessageBody", body);
        if (fifo) {
            json_object_set_new(req, "MessageGroupId", json_string(group));
            json_object_set_new(req, "MessageDeduplicationId", json_string(dedup));
        }
        char err[SQS_ERR_LEN];
        enum status st = sqs_call(T.sqs, "SendMessage", req, NULL, err);
        json_decref(req);
        assert_int_equal(st, STATUS_OK);
        long long until = now_ms() + 2000;
        bool back = false;
        while (!back && now_ms() < until) {
            req = json_pack("{s:i, s:i, s:i}", "MaxNumberOfMessages", 10, "WaitTimeSeconds", 1,
                            "VisibilityTimeout", 30);
            json_t *resp = NULL;
            st = sqs_call(T.sqs, "ReceiveMessage", req, &resp, err);
            json_decref(req);
            if (st != STATUS_OK)
                continue;
            size_t i;
            json_t *m;
            json_array_foreach(json_object_get(resp, "Messages"), i, m)
            {
                const char *b = e2e_str_at(m, "Body");
                const char *receipt = e2e_str_at(m, "ReceiptHandle");
                if (!b || !receipt)
                    continue;
                if (strcmp(b, body) == 0)
                    back = true;
                if (strncmp(b, PROBE_PREFIX, strlen(PROBE_PREFIX)) == 0)
                    delete_message(receipt);
                else
                    remember_foreign(receipt);
            }
            json_decref(resp);
        }
        if (back)
            return;
        fprintf(stderr, "e2e_outbox: probe %u did not come back (a stopped consumer's poll?)\n", k);
    }
    fail_msg("no probe message came back from the queue within 25 s");
}

/* ---- the service ---- */

static int run_stack(const char *sub)
{
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_STACK"), (char *)(uintptr_t)sub, NULL};
    pid_t pid = e2e_spawn(argv, NULL, NULL);
    assert_true(pid > 0);
    int st = e2e_wait_exit(pid, 60000);
    return (st >= 0 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
}

/* The value of a metric line "name value" in base's /metrics, or -1 when absent. */
static double metric_at(const char *base, const char *name)
{
    struct e2e_resp r;
    assert_int_equal(e2e_request(base, "GET", "/metrics", NULL, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    double v = -1;
    size_t nl = strlen(name);
    for (const char *p = r.body; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            v = strtod(p + nl + 1, NULL);
            break;
        }
    }
    e2e_resp_free(&r);
    return v;
}

static double metric(const char *name)
{
    return metric_at(e2e_base(), name);
}

/* Polls /metrics until `name` satisfies value >= min (or <= max when min < 0). */
static double wait_metric(const char *name, double min, double max, long timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    double v;
    for (;;) {
        v = metric(name);
        bool ok = v >= 0 && (min >= 0 ? v >= min : v <= max);
        if (ok || now_ms() >= deadline)
            break;
        e2e_sleep_ms(200);
    }
    return v;
}

/* ---- tests ---- */

static void outbox_rows_reach_the_queue_once_with_documented_body_group_and_dedup(void **state)
{
    (void)state;
    flush_stale_pollers();
    const size_t n = 25, nusers = 3;
    double sent_before = metric("eeum_outbox_sent_total");
    assert_true(sent_before >= 0);

    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    uint64_t first = insert_rows(n, nusers);
    seen_fake(s, first, n, nusers);
    /* No wake-up from a commit here: the periodic sweep (1 s) finds the rows. */
    receive_rows(s, now_ms() + 20000, 1500);
    assert_int_equal(s->got, n);
    assert_int_equal(s->duplicates, 0);
    assert_int_equal(s->out_of_order, 0);
    expect_all_sent(first, n, 5000);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id BETWEEN %" PRIu64
                             " AND %" PRIu64 " AND attempts = 0 AND last_error IS NULL",
                             first, first + n - 1),
                     n);
    assert_true(wait_metric("eeum_outbox_sent_total", sent_before + (double)n, 0, 5000) >=
                sent_before + (double)n);
    db_execf("DELETE FROM outbox WHERE diary_id BETWEEN %" PRIu64 " AND %" PRIu64, first,
             first + n - 1);
    free(s);
}

/* SIGTERM to a private instance: it must finish its batch and exit 0. */
static void stop_private_api(pid_t *pid)
{
    pid_t p = *pid;
    *pid = 0;
    assert_int_equal(kill(p, SIGTERM), 0);
    int st = e2e_wait_exit(p, 20000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* After a failed assertion: stop the private instances that are still running. */
static int stop_private_apis(void **state)
{
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        if (T.private_api[i] > 0) {
            kill(T.private_api[i], SIGTERM);
            e2e_wait_exit(T.private_api[i], 20000);
            T.private_api[i] = 0;
        }
    }
    return 0;
}

static void three_instances_share_the_outbox_without_sending_a_row_twice(void **state)
{
    (void)state;
    const size_t n = 200, nusers = 8;
    const char *sent = "eeum_outbox_sent_total";
    char base1[64], base2[64];
    /* Two more instances sweeping every 10 ms contend with each other (and with the shared
     * one) for the same rows. */
    T.private_api[0] =
        e2e_start_private_api(base1, sizeof base1, "e2e-outbox-api1.log", "OUTBOX_SWEEP_MS=10");
    T.private_api[1] =
        e2e_start_private_api(base2, sizeof base2, "e2e-outbox-api2.log", "OUTBOX_SWEEP_MS=10");
    double before[3] = {metric(sent), metric_at(base1, sent), metric_at(base2, sent)};

    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    uint64_t first = insert_rows(n, nusers);
    seen_fake(s, first, n, nusers);
    receive_rows(s, now_ms() + 30000, 1500);
    assert_int_equal(s->got, n);
    assert_int_equal(s->duplicates, 0);
    expect_all_sent(first, n, 5000);

    /* SQS acknowledges a FIFO re-send that its deduplication drops, and the publishers count
     * it as sent: the sum over the instances is exactly n only if no row went out twice. */
    double after[3] = {metric(sent), metric_at(base1, sent), metric_at(base2, sent)};
    double total = 0;
    for (int i = 0; i < 3; i++)
        total += after[i] - before[i];
    fprintf(stderr, "sent by instance: %.0f %.0f %.0f\n", after[0] - before[0],
            after[1] - before[1], after[2] - before[2]);
    assert_true(total == (double)n);

    stop_private_api(&T.private_api[0]);
    stop_private_api(&T.private_api[1]);
    db_execf("DELETE FROM outbox WHERE diary_id BETWEEN %" PRIu64 " AND %" PRIu64, first,
             first + n - 1);
    free(s);
}

static void readyz(long *out_status, char *out_status_text, size_t tn, char *out_queue, size_t qn)
{
    struct e2e_resp r;
    assert_int_equal(e2e_get("/readyz", NULL, &r), 0);
    *out_status = r.status;
    json_t *item = e2e_item_of(&r);
    const char *st = item ? e2e_str_at(item, "status") : NULL;
    json_t *checks = item ? json_object_get(item, "checks") : json_object_get(r.json, "checks");
    const char *q = e2e_str_at(checks, "queue");
    snprintf(out_status_text, tn, "%s", st ? st : "");
    snprintf(out_queue, qn, "%s", q ? q : "");
    if (item)
        assert_string_equal(e2e_str_at(checks, "database"), "ok");
    e2e_resp_free(&r);
}

/* ---- through the diary routes ---- */

/* POST /api/diaries for u (201 expected); the new diary's id. */
static uint64_t create_diary(const struct e2e_user *u, size_t i)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"title\":\"큐 %zu\",\"content\":\"오늘 밤 야식은 떡볶이 %zu\","
             "\"publishedDate\":\"2025-06-01\"}",
             i, i);
    struct e2e_resp r;
    assert_int_equal(e2e_json("POST", "/api/diaries", u->token, body, &r), 0);
    e2e_expect_status(&r, 201, "create diary");
    uint64_t id = (uint64_t)e2e_int_at(e2e_item_of(&r), "id");
    json_t *an = json_object_get(e2e_item_of(&r), "analysis");
    assert_string_equal(e2e_str_at(an, "status"), "pending");
    e2e_resp_free(&r);
    return id;
}

static void patch_diary(const struct e2e_user *u, uint64_t id, const char *body,
                        json_int_t want_version)
{
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%" PRIu64, id);
    struct e2e_resp r;
    assert_int_equal(e2e_json("PATCH", path, u->token, body, &r), 0);
    e2e_expect_status(&r, 200, "patch diary");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "version"), want_version);
    e2e_resp_free(&r);
}

static uint64_t diary_rows(uint64_t id, const char *status)
{
    return db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %" PRIu64 " AND status = '%s'", id,
                   status);
}

static void diary_create_and_content_patch_each_put_one_message_on_the_queue(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("q", &u);
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    uint64_t id = create_diary(&u, 0);
    seen_add(s, id, u.id, 1);
    receive_rows(s, now_ms() + 20000, 2000);
    assert_int_equal(s->got, 1);
    assert_int_equal(s->duplicates, 0);
    assert_int_equal(diary_rows(id, "sent") + diary_rows(id, "pending"), 1);

    /* A content change: version 2, one more message; then two changes that are not. */
    patch_diary(&u, id, "{\"content\":\"생각이 바뀌었다. 오늘은 치킨\"}", 2);
    patch_diary(&u, id, "{\"weather\":\"맑음\",\"tags\":[\"야식\"]}", 2);
    patch_diary(&u, id, "{\"content\":\" 생각이 바뀌었다. 오늘은 치킨 \"}", 2);
    memset(s, 0, sizeof *s);
    seen_add(s, id, u.id, 1); /* a second copy of version 1 would count as a duplicate */
    s->got = 1;
    snprintf(s->msg_id[0], sizeof s->msg_id[0], "%s", "(already received)");
    s->arrival[0] = 1;
    seen_add(s, id, u.id, 2);
    receive_rows(s, now_ms() + 20000, 3000);
    assert_int_equal(s->got, 2);
    assert_int_equal(s->duplicates, 0);
    assert_int_equal(s->out_of_order, 0);
    long long deadline = now_ms() + 5000;
    while (diary_rows(id, "sent") < 2 && now_ms() < deadline)
        e2e_sleep_ms(100);
    assert_int_equal(diary_rows(id, "sent"), 2);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %" PRIu64, id), 2);
    e2e_user_free(&u);
    free(s);
}

static void
sqs_down_keeps_diary_writes_reports_degraded_and_every_message_arrives_once_after(void **state)
{
    (void)state;
    const size_t n = 50, nusers = 4;
    struct e2e_user users[4];
    for (size_t u = 0; u < nusers; u++)
        e2e_new_user("q", &users[u]);
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    double failures_before = metric("eeum_outbox_send_failures_total");
    double backlog_before = metric("eeum_outbox_backlog");

    assert_int_equal(run_stack("sqs-stop"), 0);
    /* Every create answers 201 at once: the response never waits for SQS. */
    long long t0 = now_ms();
    for (size_t i = 0; i < n; i++) {
        size_t u = i % nusers;
        uint64_t id = create_diary(&users[u], i);
        seen_add(s, id, users[u].id, 1);
    }
    fprintf(stderr, "%zu creates with SQS down: %lld ms\n", n, now_ms() - t0);

    /* Ready but degraded: the database takes writes, the outbox holds the messages. */
    long code = 0;
    char status[32] = "", queue[32] = "";
    long long deadline = now_ms() + 10000;
    do {
        readyz(&code, status, sizeof status, queue, sizeof queue);
        if (strcmp(status, "degraded") != 0)
            e2e_sleep_ms(100);
    } while (strcmp(status, "degraded") != 0 && now_ms() < deadline);
    assert_int_equal(code, 200);
    assert_string_equal(status, "degraded");
    assert_string_equal(queue, "unavailable");

    assert_true(wait_metric("eeum_outbox_backlog", backlog_before + (double)n, 0, 5000) >=
                backlog_before + (double)n);
    /* The publisher tried and counted the failure; the rows wait untouched. */
    assert_true(wait_metric("eeum_outbox_send_failures_total", failures_before + 1, 0, 10000) >=
                failures_before + 1);
    assert_true(metric("eeum_outbox_oldest_pending_seconds") > 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(diary_rows(s->diary[i], "pending"), 1);
    assert_true(metric("eeum_outbox_last_error_time_seconds") > 0);

    /* The emulator comes back empty (in-memory); the stack script re-creates the queues.
     * Within 30 s every message is on the queue, exactly once, in order per user. */
    assert_int_equal(run_stack("sqs-start"), 0);
    long long restarted = now_ms();
    receive_rows(s, restarted + 30000, 1500);
    fprintf(stderr, "all %zu messages received %lld ms after the restart\n", s->got,
            now_ms() - restarted);
    assert_int_equal(s->got, n);
    assert_int_equal(s->duplicates, 0);
    assert_int_equal(s->out_of_order, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(diary_rows(s->diary[i], "sent"), 1);
    double backlog = wait_metric("eeum_outbox_backlog", -1, backlog_before, 5000);
    assert_true(backlog <= backlog_before);

    readyz(&code, status, sizeof status, queue, sizeof queue);
    assert_int_equal(code, 200);
    assert_string_equal(status, "ready");
    assert_string_equal(queue, "ok");
    for (size_t u = 0; u < nusers; u++)
        e2e_user_free(&users[u]);
    free(s);
}

/* ---- set-up ---- */

static int setup(void **state)
{
    (void)state;
    log_init("e2e_outbox", LOGL_ERROR, false);
    char err[CONFIG_ERR_LEN];
    if (config_load(&T.cfg, CONFIG_ROLE_ANALYZER, NULL, err) != 0) {
        fprintf(stderr, "e2e_outbox: configuration from the environment: %s\n", err);
        return -1;
    }
    if (mysql_library_init(0, NULL, NULL) != 0 || sqs_library_init() != 0)
        return -1;
    T.sqs = sqs_client_new(&T.cfg);
    T.db = mysql_init(NULL);
    if (!T.sqs || !T.db)
        return -1;
    if (!mysql_real_connect(T.db, T.cfg.db_host, T.cfg.db_user, T.cfg.db_password, T.cfg.db_name,
                            T.cfg.db_port, NULL, 0)) {
        fprintf(stderr, "e2e_outbox: cannot connect to the database: %s\n", mysql_error(T.db));
        return -1;
    }
    /* created_at/next_attempt_at default to the session clock: the service runs in UTC. */
    if (mysql_query(T.db, "SET time_zone = '+00:00'") != 0)
        return -1;
    /* Fresh ids per run: FIFO deduplication remembers ids for 5 minutes. */
    uint64_t run = ((uint64_t)time(NULL) % 10000000u) * 100000u + (uint64_t)(getpid() % 100) * 1000;
    T.next_diary = TEST_DIARY_MIN + run;
    T.user_base = TEST_USER_MIN + run;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* Whatever happened, leave the emulator running with its queues (idempotent). */
    if (T.cfg.sqs_queue_url && run_stack("sqs-start") != 0)
        fprintf(stderr, "e2e_outbox: could not restart the SQS emulator\n");
    if (T.sqs)
        release_foreign();
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
    if (a && strcmp(a, "1") == 0) {
        fprintf(stderr, "e2e_outbox: an analyzer consumes the queue; skipped\n");
        return E2E_OUTBOX_SKIPPED;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outbox_rows_reach_the_queue_once_with_documented_body_group_and_dedup),
        cmocka_unit_test_teardown(three_instances_share_the_outbox_without_sending_a_row_twice,
                                  stop_private_apis),
        cmocka_unit_test(diary_create_and_content_patch_each_put_one_message_on_the_queue),
        cmocka_unit_test(
            sqs_down_keeps_diary_writes_reports_degraded_and_every_message_arrives_once_after),
    };
    return cmocka_run_group_tests_name("e2e_outbox", tests, setup, teardown);
}

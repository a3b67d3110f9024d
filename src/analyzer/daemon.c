/*
 * daemon.c - the eeum-analyzer process: worker threads consuming the diary queue, a thread
 * draining its dead-letter queue, a small health/metrics HTTP server, and graceful shutdown.
 *
 * One received batch (up to 10 messages) = one database transaction with a savepoint per
 * message: every message's writes (scores, recommendations, 'done') commit together or not at
 * all, a failing message rolls back only its own savepoint, and the batch costs one commit. The
 * messages are deleted (DeleteMessageBatch) only after the commit, so a crash in between only
 * redelivers messages, which the version check turns into no-ops. A failed message is made
 * visible again after a short growing delay (ChangeMessageVisibility), so a poison message
 * reaches the dead-letter queue (maxReceiveCount) in seconds rather than in visibility timeouts;
 * the dead-letter thread then marks its diary 'failed' (version-checked) and deletes it there.
 *
 * Receiving: an idle worker long-polls for ONE message (WaitTimeSeconds = ANALYZER_WAIT_SECONDS)
 * and then tops the batch up to 10 with a zero-wait receive; while messages keep coming it
 * receives 10 at a time without waiting. Asking for one in the long poll returns as soon as a
 * message arrives on every SQS implementation, whereas the local emulator holds a long poll for
 * 10 messages for the whole wait unless 10 are there.
 *
 * Shutdown: no new receive starts; batches in progress are finished and deleted. A long poll in
 * progress is NOT cut short: a poll its client abandons may still be answered by SQS (the local
 * emulator keeps serving it for the rest of its wait), and the message it takes would stay
 * hidden, its FIFO group blocked, until the visibility timeout. So an idle worker exits when its
 * poll returns (at most ANALYZER_WAIT_SECONDS) and processes whatever that poll brought. The
 * dead-letter thread polls with a 2 s wait.
 *
 * Malformed bodies (not {"diaryId","userId","version"} with positive integers) can never
 * succeed, and there is no diary to mark: they are logged (message id and reason, never the
 * body) and deleted at once rather than retried into the dead-letter queue.
 */
#include "analyzer_internal.h"

#include "eeum/app.h"
#include "eeum/db.h"
#include "eeum/emotion.h"
#include "eeum/http.h"
#include "eeum/log.h"
#include "eeum/metrics.h"
#include "eeum/sqs.h"
#include "eeum/strbuf.h"
#include "eeum/timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ANALYZER_MAX_WORKERS      64
#define ANALYZER_ACQUIRE_MS       2000u
#define ANALYZER_PAUSE_BASE_MS    250u  /* SQS or the database unreachable: pause the thread */
#define ANALYZER_PAUSE_CAP_MS     8000u /* ... for at most this long between tries */
#define ANALYZER_STATS_EVERY_S    30    /* a counters line in the log when something changed */
#define ANALYZER_DLQ_VISIBILITY_S 30
#define ANALYZER_DLQ_WAIT_S       2 /* dead letters are rare: short polls keep shutdown quick */
#define ANALYZER_METRICS_MAX      (64 * 1024)

struct worker {
    pthread_t thread;
    bool started;
    unsigned index;
    struct sqs_client *sqs;
    unsigned pause_level;
};

static struct {
    struct config cfg; /* shallow copy of the caller's, DB_POOL_SIZE raised to fit the threads */
    struct db_pool *pool;
    struct emotion_model *model;
    const char *model_version;
    atomic_bool stop;
    time_t started_at;
    pthread_mutex_t stats_mu;
    struct analyzer_stats stats;
    struct worker workers[ANALYZER_MAX_WORKERS];
    unsigned nworkers;
    struct worker dlq;
    /* health server */
    struct config hcfg;
    struct app app;
} A = {.stats_mu = PTHREAD_MUTEX_INITIALIZER};

/* ---- small helpers ---- */

static uint64_t now_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sleep up to ms, waking early (within 50 ms) once the daemon stops. */
static void nap_ms(unsigned ms)
{
    while (ms && !atomic_load(&A.stop)) {
        unsigned step = ms < 50 ? ms : 50;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static unsigned pause_ms(unsigned level)
{
    unsigned d = ANALYZER_PAUSE_BASE_MS;
    for (unsigned i = 1; i < level && d < ANALYZER_PAUSE_CAP_MS; i++)
        d *= 2;
    return d > ANALYZER_PAUSE_CAP_MS ? ANALYZER_PAUSE_CAP_MS : d;
}

/* Today in APP_TZ (the process time zone) as YYYY-MM-DD. */
static void today(char out[16])
{
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
        snprintf(out, 16, "1970-01-01");
}

#define STAT_ADD(field, n)                                                                         \
    do {                                                                                           \
        pthread_mutex_lock(&A.stats_mu);                                                           \
        A.stats.field += (n);                                                                      \
        pthread_mutex_unlock(&A.stats_mu);                                                         \
    } while (0)

static void stats_snapshot(struct analyzer_stats *out)
{
    pthread_mutex_lock(&A.stats_mu);
    *out = A.stats;
    pthread_mutex_unlock(&A.stats_mu);
}

/* ---- receiving ---- */

/* Receive into *out. A long poll is never cut short: see the top of the file. */
static enum status receive(struct worker *w, unsigned max, unsigned wait_s, unsigned visibility_s,
                           struct sqs_messages *out)
{
    char err[SQS_ERR_LEN] = "";
    struct sqs_receive_opts o = {
        .max_messages = max, .wait_s = wait_s, .visibility_timeout_s = (int)visibility_s};
    return sqs_receive(w->sqs, &o, out, err);
}

/*
 * One batch: busy -> up to 10 without waiting; idle -> a long poll for one, topped up to 10
 * without waiting. Messages that arrive after a shutdown began are still returned (and
 * processed): the worker finishes what it holds.
 */
static enum status receive_batch(struct worker *w, bool busy, unsigned wait_s,
                                 unsigned visibility_s, struct sqs_messages *out)
{
    memset(out, 0, sizeof *out);
    if (busy)
        return receive(w, SQS_BATCH_MAX, 0, visibility_s, out);
    enum status st = receive(w, 1, wait_s, visibility_s, out);
    if (st != STATUS_OK || out->n == 0 || atomic_load(&A.stop))
        return st;
    struct sqs_messages more;
    memset(&more, 0, sizeof more);
    if (receive(w, SQS_BATCH_MAX - (unsigned)out->n, 0, visibility_s, &more) != STATUS_OK)
        return STATUS_OK; /* keep the one we have */
    for (size_t i = 0; i < more.n && out->n < SQS_BATCH_MAX; i++) {
        bool dup = false;
        for (size_t j = 0; j < out->n; j++)
            dup = dup || strcmp(out->msg[j].message_id, more.msg[i].message_id) == 0;
        if (dup)
            continue; /* cannot happen on SQS; the newer receipt would win, keep the first */
        out->msg[out->n++] = more.msg[i];
        more.msg[i].body = NULL; /* moved */
    }
    sqs_messages_free(&more);
    return STATUS_OK;
}

/* ---- processing ---- */

enum fate { FATE_DELETE, FATE_RETRY, FATE_PENDING, FATE_APPLIED };
enum why { WHY_NONE, WHY_SKIPPED, WHY_MALFORMED };

struct item {
    const struct sqs_message *m;
    struct analyzer_msg msg;
    enum fate fate;
    enum why why; /* for FATE_DELETE: why nothing was written */
    bool in_tx;   /* an APPLY candidate of the batch transaction */
    struct emotion_result res;
};

static void delete_messages(struct worker *w, struct item *items, size_t n)
{
    const char *handles[SQS_BATCH_MAX];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (items[i].fate == FATE_DELETE || items[i].fate == FATE_APPLIED)
            handles[k++] = items[i].m->receipt_handle;
    if (k == 0)
        return;
    struct sqs_batch_result res;
    char err[SQS_ERR_LEN] = "";
    enum status st = sqs_delete_batch(w->sqs, handles, k, &res, err);
    if (st != STATUS_OK) {
        /* The work is committed; a redelivery will find it done and delete the message. */
        log_warn("analyzer.delete",
                 "DeleteMessageBatch of %zu failed: %s (redeliveries are no-ops)", k, err);
        return;
    }
    if (res.n_ok < k)
        log_warn("analyzer.delete", "%zu of %zu messages not deleted (redeliveries are no-ops)",
                 k - res.n_ok, k);
}

static void retry_messages(struct worker *w, struct item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].fate != FATE_RETRY)
            continue;
        unsigned delay = analyzer_retry_delay_s(items[i].m->receive_count);
        char err[SQS_ERR_LEN] = "";
        /* Best effort: without it the message comes back after its visibility timeout. */
        if (sqs_change_visibility(w->sqs, items[i].m->receipt_handle, delay, err) != STATUS_OK)
            log_debug("analyzer.retry", "message %s: visibility not changed: %s",
                      items[i].m->message_id, err);
    }
}

/* Parse, load and classify outside any transaction; APPLY candidates become FATE_PENDING.
 * Returns false on a database error. */
static bool prepare(struct db_conn *c, struct item *it)
{
    char perr[ANALYZER_ERR_LEN];
    if (analyzer_msg_parse(it->m->body, it->m->body_len, &it->msg, perr) != STATUS_OK) {
        log_error("analyzer.malformed",
                  "message %s (%zu bytes, receive %u): %s; deleted without processing",
                  it->m->message_id, it->m->body_len, it->m->receive_count, perr);
        it->fate = FATE_DELETE;
        it->why = WHY_MALFORMED;
        return true;
    }
    struct analyzer_diary_state st;
    char *text = NULL;
    size_t len = 0;
    if (analyzer_store_load(c, it->msg.diary_id, &st, &text, &len) != STATUS_OK) {
        it->fate = FATE_RETRY;
        return false;
    }
    enum analyzer_action a = analyzer_decide(&it->msg, &st);
    if (a == ANALYZER_APPLY) {
        emotion_classify(A.model, text, len, &it->res);
        it->fate = FATE_PENDING;
        it->in_tx = true;
    } else if (a == ANALYZER_RETRY) {
        log_warn("analyzer.ahead",
                 "diary %" PRIu64 ": message version %" PRIu32 " is ahead of the stored %" PRIu32
                 "; left for redelivery",
                 it->msg.diary_id, it->msg.version, st.version);
        it->fate = FATE_RETRY;
    } else {
        if (a == ANALYZER_SKIP_MISMATCH)
            log_error("analyzer.mismatch",
                      "diary %" PRIu64 ": message userId %" PRIu64 " is not its author; deleted",
                      it->msg.diary_id, it->msg.user_id);
        else
            log_debug("analyzer.skip", "diary %" PRIu64 " v%" PRIu32 ": %s", it->msg.diary_id,
                      it->msg.version, analyzer_action_name(a));
        it->fate = FATE_DELETE;
        it->why = WHY_SKIPPED;
    }
    free(text);
    return true;
}

enum tx_outcome { TX_COMMITTED, TX_LOST_RETRYABLE, TX_LOST };

static bool errno_is_retryable(unsigned e)
{
    return e == 1213 /* deadlock */ || e == 1205 /* lock wait timeout */;
}

/*
 * One attempt at the batch transaction over the items with in_tx. READ COMMITTED: the diary
 * row lock serialises every writer of a diary's analysis, and without REPEATABLE READ's gap
 * locks, workers inserting analyses of neighbouring new diaries do not deadlock on the gap
 * after the last diary_emotions row. A message whose own writes fail rolls back to its
 * savepoint and is retried through the queue; when the transaction as a whole is lost
 * (deadlock, lost connection, failed commit) every in_tx item goes back to FATE_RETRY.
 */
static enum tx_outcome run_tx(struct db_conn *c, struct item *items, size_t n, const char *day,
                              bool *out_db_down)
{
    static const char SQL_READ_COMMITTED[] = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
    for (size_t i = 0; i < n; i++)
        if (items[i].in_tx)
            items[i].fate = FATE_PENDING;
    enum status s = db_exec(c, SQL_READ_COMMITTED, NULL, 0, NULL, NULL);
    if (s == STATUS_OK)
        s = db_tx_begin(c);
    if (s != STATUS_OK)
        goto lost;
    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];
        if (!it->in_tx)
            continue;
        struct analyzer_diary_state st;
        s = analyzer_store_savepoint(c);
        if (s == STATUS_OK)
            s = analyzer_store_lock(c, it->msg.diary_id, &st);
        if (s == STATUS_OK) {
            /* Decide again under the lock: a PATCH, a delete or another delivery may have
             * committed since the unlocked read. */
            enum analyzer_action a = analyzer_decide(&it->msg, &st);
            if (a == ANALYZER_APPLY) {
                s = analyzer_store_write(c, &it->msg, &it->res, A.model_version, day);
                if (s == STATUS_OK) {
                    it->fate = FATE_APPLIED;
                    continue;
                }
            } else {
                log_debug("analyzer.skip", "diary %" PRIu64 " v%" PRIu32 ": %s (under lock)",
                          it->msg.diary_id, it->msg.version, analyzer_action_name(a));
                it->fate = a == ANALYZER_RETRY ? FATE_RETRY : FATE_DELETE;
                it->why = WHY_SKIPPED;
                continue;
            }
        }
        if (errno_is_retryable(db_conn_last_errno(c)) || s == STATUS_UNAVAILABLE)
            goto lost; /* InnoDB rolled the whole transaction back (or the connection is gone) */
        /* This message failed: undo its writes only; the others of the batch stay. */
        log_warn("analyzer.process",
                 "diary %" PRIu64 " v%" PRIu32 " (message %s, receive %u) failed: %s; retried in "
                 "%u s",
                 it->msg.diary_id, it->msg.version, it->m->message_id, it->m->receive_count,
                 status_name(s), analyzer_retry_delay_s(it->m->receive_count));
        if (analyzer_store_rollback_savepoint(c) != STATUS_OK)
            goto lost;
        it->fate = FATE_RETRY;
    }
    s = db_tx_commit(c);
    if (s == STATUS_OK)
        return TX_COMMITTED;
lost:;
    unsigned e = db_conn_last_errno(c);
    db_tx_rollback(c);
    for (size_t i = 0; i < n; i++)
        if (items[i].in_tx && items[i].fate != FATE_DELETE)
            items[i].fate = FATE_RETRY;
    if (errno_is_retryable(e))
        return TX_LOST_RETRYABLE;
    *out_db_down = s == STATUS_UNAVAILABLE;
    log_warn("analyzer.tx", "batch transaction lost: %s (%u); its messages are retried",
             status_name(s), e);
    return TX_LOST;
}

/* Returns false when the database looked unreachable (the worker pauses). */
static bool process_batch(struct worker *w, struct sqs_messages *ms)
{
    struct item items[SQS_BATCH_MAX];
    size_t n = ms->n;
    bool db_down = false;
    struct db_conn *c = NULL;
    char day[16];
    today(day);

    for (size_t i = 0; i < n; i++)
        items[i] = (struct item){.m = &ms->msg[i], .fate = FATE_RETRY};
    if (db_pool_acquire(A.pool, ANALYZER_ACQUIRE_MS, &c) != STATUS_OK) {
        log_warn("analyzer.db", "no database connection; %zu messages left for redelivery", n);
        db_down = true;
        goto out;
    }
    size_t pending = 0;
    for (size_t i = 0; i < n; i++) {
        if (!prepare(c, &items[i]))
            db_down = true;
        pending += items[i].in_tx;
    }
    if (pending == 0)
        goto out;
    enum tx_outcome o = TX_LOST;
    for (int attempt = 1; attempt <= 3; attempt++) {
        o = run_tx(c, items, n, day, &db_down);
        if (o != TX_LOST_RETRYABLE)
            break;
        log_info("analyzer.tx", "batch transaction deadlocked (attempt %d); running it again",
                 attempt);
        nap_ms(10u * (unsigned)attempt);
    }
    if (o != TX_COMMITTED)
        goto out;
    uint64_t now = now_wall_ms();
    pthread_mutex_lock(&A.stats_mu);
    for (size_t i = 0; i < n; i++) {
        if (items[i].fate != FATE_APPLIED)
            continue;
        uint64_t sent = items[i].m->sent_at_ms;
        double lat = sent && now > sent ? (double)(now - sent) / 1000.0 : 0.0;
        A.stats.latency_bucket[analyzer_latency_bucket(lat)]++;
        A.stats.latency_sum_s += lat;
        A.stats.latency_count++;
    }
    pthread_mutex_unlock(&A.stats_mu);
out:
    db_pool_release(A.pool, c);
    delete_messages(w, items, n);
    /* With the database down the messages are not at fault: they keep their full visibility
     * timeout (no fast retries that would spend their receives toward the dead-letter queue)
     * while the worker waits for the database. */
    if (!db_down)
        retry_messages(w, items, n);
    uint64_t processed = 0, skipped = 0, malformed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        processed += items[i].fate == FATE_APPLIED;
        failed += items[i].fate == FATE_RETRY;
        skipped += items[i].fate == FATE_DELETE && items[i].why == WHY_SKIPPED;
        malformed += items[i].fate == FATE_DELETE && items[i].why == WHY_MALFORMED;
    }
    pthread_mutex_lock(&A.stats_mu);
    A.stats.processed += processed;
    A.stats.skipped += skipped;
    A.stats.malformed += malformed;
    A.stats.failed += failed;
    A.stats.batches++;
    pthread_mutex_unlock(&A.stats_mu);
    log_debug("analyzer.batch",
              "worker %u: %zu messages: %" PRIu64 " done, %" PRIu64 " skipped, %" PRIu64
              " malformed, %" PRIu64 " to retry",
              w->index, n, processed, skipped, malformed, failed);
    return !db_down;
}

/* The database failed a batch: receive nothing more until it answers again (a receive would
 * only hide messages and spend their receive counts). */
static void wait_for_database(struct worker *w)
{
    unsigned level = 0;
    log_warn("analyzer.db", "worker %u: database unavailable; not receiving until it answers",
             w->index);
    while (!atomic_load(&A.stop)) {
        nap_ms(pause_ms(++level));
        struct db_conn *c = NULL;
        enum status st = db_pool_acquire(A.pool, ANALYZER_ACQUIRE_MS, &c);
        if (st == STATUS_OK)
            st = db_ping(c);
        db_pool_release(A.pool, c);
        if (st == STATUS_OK) {
            log_info("analyzer.db", "worker %u: database answers again", w->index);
            return;
        }
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    bool busy = false;
    while (!atomic_load(&A.stop)) {
        struct sqs_messages ms;
        enum status st =
            receive_batch(w, busy, A.cfg.analyzer_wait_s, A.cfg.analyzer_visibility_s, &ms);
        if (st != STATUS_OK) {
            if (atomic_load(&A.stop))
                break;
            STAT_ADD(receive_errors, 1);
            w->pause_level++;
            if (w->pause_level == 1)
                log_warn("analyzer.receive", "worker %u: the queue is unreachable; retrying",
                         w->index);
            nap_ms(pause_ms(w->pause_level));
            busy = false;
            continue;
        }
        if (w->pause_level) {
            log_info("analyzer.receive", "worker %u: the queue answers again", w->index);
            w->pause_level = 0;
        }
        busy = ms.n > 0;
        bool db_ok = ms.n == 0 || process_batch(w, &ms);
        sqs_messages_free(&ms);
        if (!db_ok)
            wait_for_database(w);
    }
    return NULL;
}

/* ---- the dead-letter queue ---- */

/* The DLQ URL: SQS_DLQ_URL, or the RedrivePolicy of the main queue. */
static enum status resolve_dlq(struct worker *w, char url[SQS_URL_LEN], bool *out_none)
{
    char err[SQS_ERR_LEN] = "";
    *out_none = false;
    if (*A.cfg.sqs_dlq_url) {
        snprintf(url, SQS_URL_LEN, "%s", A.cfg.sqs_dlq_url);
        return STATUS_OK;
    }
    const char *names[] = {"RedrivePolicy"};
    json_t *attrs = NULL;
    sqs_client_set_queue_url(w->sqs, A.cfg.sqs_queue_url);
    enum status st = sqs_get_attributes(w->sqs, names, 1, &attrs, err);
    if (st != STATUS_OK)
        return st;
    char name[ANALYZER_QUEUE_NAME_LEN];
    bool found = analyzer_dlq_name_from_redrive(
        json_string_value(json_object_get(attrs, "RedrivePolicy")), name);
    json_decref(attrs);
    if (!found) {
        *out_none = true;
        return STATUS_OK;
    }
    return sqs_get_queue_url(w->sqs, name, url, err);
}

static void dead_letter(struct worker *w, const struct sqs_message *m)
{
    char err[ANALYZER_ERR_LEN], serr[SQS_ERR_LEN] = "";
    struct analyzer_msg msg;
    bool marked = false;
    if (analyzer_msg_parse(m->body, m->body_len, &msg, err) != STATUS_OK) {
        log_error("analyzer.dlq", "dead letter %s (%zu bytes) is malformed: %s; deleted",
                  m->message_id, m->body_len, err);
    } else {
        struct db_conn *c = NULL;
        enum status st = db_pool_acquire(A.pool, ANALYZER_ACQUIRE_MS, &c);
        if (st == STATUS_OK)
            st = analyzer_store_mark_failed(c, &msg, &marked);
        db_pool_release(A.pool, c);
        if (st != STATUS_OK) {
            log_warn("analyzer.dlq", "dead letter for diary %" PRIu64 ": database: %s; kept",
                     msg.diary_id, status_name(st));
            return; /* visible again after ANALYZER_DLQ_VISIBILITY_S */
        }
        if (marked)
            log_warn("analyzer.dlq",
                     "diary %" PRIu64 " v%" PRIu32 " could not be analysed after %u deliveries; "
                     "marked failed",
                     msg.diary_id, msg.version, m->receive_count);
        else
            log_info("analyzer.dlq",
                     "dead letter for diary %" PRIu64 " v%" PRIu32
                     " changes nothing (newer version, done, or deleted)",
                     msg.diary_id, msg.version);
    }
    const char *h[] = {m->receipt_handle};
    struct sqs_batch_result res;
    if (sqs_delete_batch(w->sqs, h, 1, &res, serr) != STATUS_OK || res.n_ok != 1)
        log_warn("analyzer.dlq", "dead letter %s not deleted: %s", m->message_id, serr);
    pthread_mutex_lock(&A.stats_mu);
    A.stats.dead_lettered++;
    A.stats.marked_failed += marked;
    pthread_mutex_unlock(&A.stats_mu);
}

static void *dlq_main(void *arg)
{
    struct worker *w = arg;
    char url[SQS_URL_LEN] = "";
    bool none = false;
    while (!atomic_load(&A.stop)) {
        if (resolve_dlq(w, url, &none) == STATUS_OK)
            break;
        w->pause_level++;
        nap_ms(pause_ms(w->pause_level));
    }
    w->pause_level = 0;
    if (atomic_load(&A.stop))
        return NULL;
    if (none) {
        log_warn("analyzer.dlq",
                 "queue %s has no RedrivePolicy and SQS_DLQ_URL is unset: "
                 "diaries that keep failing stay pending",
                 A.cfg.sqs_queue_url);
        return NULL;
    }
    sqs_client_set_queue_url(w->sqs, url);
    log_info("analyzer.dlq", "draining the dead-letter queue %s", url);
    bool busy = false;
    while (!atomic_load(&A.stop)) {
        struct sqs_messages ms;
        if (receive_batch(w, busy, ANALYZER_DLQ_WAIT_S, ANALYZER_DLQ_VISIBILITY_S, &ms) !=
            STATUS_OK) {
            if (atomic_load(&A.stop))
                break;
            w->pause_level++;
            nap_ms(pause_ms(w->pause_level));
            busy = false;
            continue;
        }
        w->pause_level = 0;
        busy = ms.n > 0;
        for (size_t i = 0; i < ms.n; i++)
            dead_letter(w, &ms.msg[i]);
        sqs_messages_free(&ms);
    }
    return NULL;
}

/* ---- health server ---- */

static enum status h_analyzer_health(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    json_t *item = json_pack("{s:s,s:I,s:I,s:s}", "status", "ok", "uptimeSeconds",
                             (json_int_t)(time(NULL) - A.started_at), "workers",
                             (json_int_t)A.nworkers, "analyzerVersion", A.model_version);
    return http_resp_item(resp, item);
}

static enum status h_analyzer_metrics(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    struct analyzer_stats s;
    stats_snapshot(&s);
    struct strbuf sb;
    strbuf_init(&sb, ANALYZER_METRICS_MAX);
    enum status st = STATUS_INTERNAL;
    if (analyzer_metrics_render(&s, A.nworkers, &sb))
        st = http_resp_raw(resp, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data, sb.len);
    strbuf_free(&sb);
    return st;
}

static const struct route HEALTH_ROUTES[] = {
    {HTTP_GET, "/healthz", h_analyzer_health, 0},
    {HTTP_GET, "/metrics", h_analyzer_metrics, 0},
};
#define HEALTH_ROUTES_COUNT (sizeof HEALTH_ROUTES / sizeof HEALTH_ROUTES[0])

/* ---- lifecycle ---- */

static void log_stats(const char *event)
{
    struct analyzer_stats s;
    stats_snapshot(&s);
    double mean = s.latency_count ? s.latency_sum_s / (double)s.latency_count : 0.0;
    log_info(event,
             "processed=%" PRIu64 " skipped=%" PRIu64 " malformed=%" PRIu64 " failed=%" PRIu64
             " dead_lettered=%" PRIu64 " marked_failed=%" PRIu64 " batches=%" PRIu64
             " mean_latency_ms=%.1f",
             s.processed, s.skipped, s.malformed, s.failed, s.dead_lettered, s.marked_failed,
             s.batches, mean * 1000.0);
}

static bool start_thread(struct worker *w, unsigned index, void *(*fn)(void *))
{
    w->index = index;
    w->sqs = sqs_client_new(&A.cfg);
    if (!w->sqs) {
        log_error("analyzer.start", "cannot create an SQS client");
        return false;
    }
    int rc = pthread_create(&w->thread, NULL, fn, w);
    if (rc != 0) {
        log_error("analyzer.start", "cannot start a thread: %s", strerror(rc));
        sqs_client_free(w->sqs);
        w->sqs = NULL;
        return false;
    }
    w->started = true;
    return true;
}

/* Join w by `deadline`; true when joined (or never started). */
static bool join_thread(struct worker *w, const struct timespec *deadline)
{
    if (!w->started)
        return true;
    int rc = pthread_timedjoin_np(w->thread, NULL, deadline);
    if (rc != 0)
        return false;
    w->started = false;
    sqs_client_free(w->sqs);
    w->sqs = NULL;
    return true;
}

int analyzer_run(const struct config *cfg)
{
    int rc = 1;
    char err[256] = "";
    A.cfg = *cfg;
    A.started_at = time(NULL);
    atomic_store(&A.stop, false);
    A.nworkers = cfg->analyzer_workers ? cfg->analyzer_workers : 1;
    if (A.nworkers > ANALYZER_MAX_WORKERS)
        A.nworkers = ANALYZER_MAX_WORKERS;
    /* Each worker and the dead-letter thread hold one connection at most. */
    if (A.cfg.db_pool_size < A.nworkers + 2)
        A.cfg.db_pool_size = A.nworkers + 2;

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    A.model = emotion_model_load(cfg->emotion_model, err, sizeof err);
    if (!A.model) {
        log_error("analyzer.model", "%s", err);
        return 1;
    }
    A.model_version = emotion_model_version(A.model);
    A.pool = db_pool_new(&A.cfg);
    if (!A.pool) {
        log_error("analyzer.start", "out of memory");
        goto out;
    }
    struct db_conn *probe = NULL;
    if (db_pool_acquire(A.pool, 1000, &probe) == STATUS_OK) {
        log_info("db.connect", "connected to %s:%u/%s (pool of %u)", cfg->db_host, cfg->db_port,
                 cfg->db_name, db_pool_size(A.pool));
        db_pool_release(A.pool, probe);
    } else {
        log_warn("db.connect", "database not reachable yet; workers retry");
    }
    if (!log_async_start())
        log_warn("log.async", "batched logging unavailable; writing every line at once");

    if (cfg->analyzer_health_port) {
        A.hcfg = *cfg;
        A.hcfg.port = cfg->analyzer_health_port;
        A.hcfg.http_threads = 2; /* 1 would mean "no thread pool" to libmicrohttpd */
        A.hcfg.http_conn_limit = 64;
        A.app.cfg = &A.hcfg;
        A.app.pool = A.pool;
        A.app.started_at = A.started_at;
        A.app.metrics = metrics_new(HEALTH_ROUTES, HEALTH_ROUTES_COUNT);
        if (A.app.metrics)
            A.app.server = http_server_start(&A.hcfg, &A.app, HEALTH_ROUTES, HEALTH_ROUTES_COUNT);
        if (!A.app.server)
            log_warn("analyzer.health",
                     "no health server on port %u (see above); counters go to the log only",
                     cfg->analyzer_health_port);
    }
    for (unsigned i = 0; i < A.nworkers; i++)
        if (!start_thread(&A.workers[i], i, worker_main))
            goto stop;
    if (!start_thread(&A.dlq, A.nworkers, dlq_main))
        goto stop;
    log_info("analyzer.start",
             "%u workers on %s (wait %u s, visibility %u s, model %s, health port %u)", A.nworkers,
             cfg->sqs_queue_url, cfg->analyzer_wait_s, cfg->analyzer_visibility_s, A.model_version,
             A.app.server ? cfg->analyzer_health_port : 0);

    struct analyzer_stats last;
    stats_snapshot(&last);
    for (;;) {
        struct timespec every = {.tv_sec = ANALYZER_STATS_EVERY_S, .tv_nsec = 0};
        int sig = sigtimedwait(&sigs, NULL, &every);
        if (sig == SIGTERM || sig == SIGINT) {
            log_info("app.shutdown",
                     "%s received: stop polling, finishing the batches in flight and waiting for "
                     "the long polls (<= %u s)",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT",
                     cfg->shutdown_timeout_s + cfg->analyzer_wait_s + cfg->sqs_timeout_s);
            break;
        }
        struct analyzer_stats now;
        stats_snapshot(&now);
        if (now.batches != last.batches || now.dead_lettered != last.dead_lettered ||
            now.receive_errors != last.receive_errors)
            log_stats("analyzer.stats");
        last = now;
    }
    rc = 0;
stop:
    atomic_store(&A.stop, true);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    /* A long poll ends within its wait (+ the SQS timeout); a batch within SHUTDOWN_TIMEOUT. */
    deadline.tv_sec +=
        (time_t)cfg->shutdown_timeout_s + (time_t)cfg->analyzer_wait_s + (time_t)cfg->sqs_timeout_s;
    bool joined = true;
    for (unsigned i = 0; i < A.nworkers; i++)
        joined = join_thread(&A.workers[i], &deadline) && joined;
    joined = join_thread(&A.dlq, &deadline) && joined;
    http_server_stop(A.app.server, 2);
    A.app.server = NULL;
    log_stats("analyzer.stats");
    if (!joined) {
        /* A thread still holds a batch (a stuck database call): its connection and client
         * cannot be freed under it. Its messages come back after the visibility timeout. */
        log_error("app.shutdown", "a worker did not finish within %u s", cfg->shutdown_timeout_s);
        log_async_stop();
        return 1;
    }
out:
    metrics_free(A.app.metrics);
    A.app.metrics = NULL;
    db_pool_free(A.pool);
    A.pool = NULL;
    emotion_model_free(A.model);
    A.model = NULL;
    if (rc == 0)
        log_info("app.exit", "bye");
    log_async_stop();
    return rc;
}

/*
 * publisher.c - the outbox publisher thread of eeum-api.
 *
 * One batch = one database transaction: claim up to 10 due rows (FOR UPDATE SKIP LOCKED), send
 * them with SendMessageBatch, mark each sent or failed, commit. A crash between the send and
 * the commit only re-sends rows, which the FIFO deduplication id absorbs. When SQS (or the
 * database) cannot be reached at all, the rows are left untouched and the whole thread pauses
 * with its own short backoff, so an outage neither grows the rows' retry delays nor hammers
 * SQS; a row's own backoff (attempts, next_attempt_at, last_error) grows only when SQS refused
 * it. Wake-ups during a pause wait for the pause to end.
 */
#include "eeum/publisher.h"

#include "eeum/app.h"
#include "eeum/config.h"
#include "eeum/db.h"
#include "eeum/db_outbox.h"
#include "eeum/log.h"
#include "eeum/random.h"
#include "eeum/sqs.h"
#include "eeum/timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PUBLISHER_ACQUIRE_MS 1000u
#define NS_PER_MS            1000000ull

/* ---- pure helpers ---- */

bool publisher_queue_is_fifo(const char *queue_url)
{
    static const char SUFFIX[] = ".fifo";
    if (!queue_url)
        return false;
    size_t n = strlen(queue_url);
    while (n && queue_url[n - 1] == '/')
        n--;
    return n >= sizeof SUFFIX - 1 &&
           memcmp(queue_url + n - (sizeof SUFFIX - 1), SUFFIX, sizeof SUFFIX - 1) == 0;
}

void publisher_build_batch(const struct db_outbox_row *rows, size_t n, bool fifo,
                           struct publisher_msg *msgs, struct sqs_send_entry *entries)
{
    for (size_t i = 0; i < n; i++) {
        const struct db_outbox_row *r = &rows[i];
        struct publisher_msg *m = &msgs[i];
        /* Every field is at most 20 digits: the buffers cannot truncate. */
        snprintf(m->id, sizeof m->id, "%" PRIu64, r->id);
        snprintf(m->body, sizeof m->body,
                 "{\"diaryId\":%" PRIu64 ",\"userId\":%" PRIu64 ",\"version\":%" PRIu32 "}",
                 r->diary_id, r->user_id, r->version);
        snprintf(m->group_id, sizeof m->group_id, "user-%" PRIu64, r->user_id);
        snprintf(m->dedup_id, sizeof m->dedup_id, "diary-%" PRIu64 "-v%" PRIu32, r->diary_id,
                 r->version);
        entries[i] = (struct sqs_send_entry){
            .id = m->id,
            .body = m->body,
            .group_id = fifo ? m->group_id : NULL,
            .dedup_id = fifo ? m->dedup_id : NULL,
        };
    }
}

uint64_t publisher_backoff_ms(unsigned attempts, uint64_t base_ms, uint64_t cap_ms, uint32_t rnd)
{
    if (base_ms == 0 || cap_ms == 0)
        return 0;
    uint64_t ceiling = base_ms;
    for (unsigned i = 1; i < attempts && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    uint64_t half = ceiling / 2;
    /* rnd / 2^32 scaled onto [0, ceiling - half]. */
    return half + (((uint64_t)rnd * (ceiling - half + 1)) >> 32);
}

/* ---- the thread ---- */

enum run_outcome {
    RUN_IDLE,  /* fewer than a full batch was due: wait for a wake-up or the sweep */
    RUN_FULL,  /* a full batch went out: more may be due, go again at once */
    RUN_PAUSE, /* SQS or the database is unreachable: pause the thread */
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started; /* the thread exists (set and cleared by start/stop only) */
    bool stop;
    bool woken;
    pthread_t thread;
    struct app *app;
    struct sqs_client *sqs;
    bool fifo;
    uint64_t rng;
    unsigned pause_level;
} P = {.mu = PTHREAD_MUTEX_INITIALIZER};

static atomic_bool running;
static atomic_uint_fast64_t stat_sent, stat_failures, stat_batches;
static atomic_int_fast64_t stat_last_error_time;

static uint32_t next_random(void)
{
    /* xorshift64*: jitter needs spread, not secrecy; seeded from libsodium at start. */
    uint64_t x = P.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    P.rng = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

static void note_failures(size_t n)
{
    atomic_fetch_add(&stat_failures, n);
    atomic_store(&stat_last_error_time, (int_fast64_t)time(NULL));
}

/* Record a refused row: one more attempt, due again after its backoff. */
static enum status mark_failed(struct db_conn *c, const struct db_outbox_row *r, const char *why)
{
    uint32_t attempts = r->attempts < UINT32_MAX ? r->attempts + 1 : r->attempts;
    uint64_t delay = publisher_backoff_ms(attempts, PUBLISHER_RETRY_BASE_MS, PUBLISHER_RETRY_CAP_MS,
                                          next_random());
    return db_outbox_mark_failed(c, r->id, attempts, delay, why);
}

static enum run_outcome run_batch(void)
{
    struct db_pool *pool = P.app->pool;
    struct db_conn *c = NULL;
    struct db_outbox_row rows[DB_OUTBOX_CLAIM_MAX];
    struct publisher_msg msgs[DB_OUTBOX_CLAIM_MAX];
    struct sqs_send_entry entries[DB_OUTBOX_CLAIM_MAX];
    struct sqs_batch_result res;
    char err[SQS_ERR_LEN] = "";
    size_t n = 0;
    enum run_outcome outcome = RUN_PAUSE;
    bool committed = false;

    if (db_pool_acquire(pool, PUBLISHER_ACQUIRE_MS, &c) != STATUS_OK) {
        snprintf(err, sizeof err, "database unavailable");
        goto out;
    }
    if (db_tx_begin(c) != STATUS_OK ||
        db_outbox_claim(c, DB_OUTBOX_CLAIM_MAX, rows, &n) != STATUS_OK) {
        snprintf(err, sizeof err, "database: %s", db_conn_last_error(c));
        goto out;
    }
    if (n == 0) {
        outcome = RUN_IDLE;
        goto out;
    }
    publisher_build_batch(rows, n, P.fifo, msgs, entries);
    enum status st = sqs_send_batch(P.sqs, entries, n, &res, err);
    atomic_fetch_add(&stat_batches, 1);
    if (st != STATUS_OK && st != STATUS_BAD_REQUEST) {
        /* Transport, 5xx, throttling: nothing is known to be sent. Leave the rows as they are
         * (the rollback below) and pause the thread. */
        note_failures(n);
        goto out;
    }
    enum status dbst = STATUS_OK;
    size_t n_ok = 0;
    if (st == STATUS_BAD_REQUEST) {
        /* SQS refused the whole request (a missing queue, bad credentials): each row waits
         * out its own growing backoff with the reason recorded. */
        log_warn("outbox.publish", "SendMessageBatch of %zu rows refused: %s", n, err);
        for (size_t i = 0; i < n && dbst == STATUS_OK; i++)
            dbst = mark_failed(c, &rows[i], err);
        note_failures(n);
    } else {
        uint64_t ok_ids[DB_OUTBOX_CLAIM_MAX];
        for (size_t i = 0; i < n && dbst == STATUS_OK; i++) {
            if (res.entry[i].ok) {
                ok_ids[n_ok++] = rows[i].id;
                continue;
            }
            dbst = mark_failed(c, &rows[i], res.entry[i].code);
        }
        if (dbst == STATUS_OK)
            dbst = db_outbox_mark_sent(c, ok_ids, n_ok);
        if (n_ok < n)
            note_failures(n - n_ok);
    }
    if (dbst != STATUS_OK || db_tx_commit(c) != STATUS_OK) {
        /* The messages may be on the queue; the rows stay pending and go again later, which
         * the deduplication id absorbs on a FIFO queue. */
        log_error("outbox.publish", "marking %zu rows failed: %s (they will be sent again)", n,
                  db_conn_last_error(c));
        snprintf(err, sizeof err, "database: %s", db_conn_last_error(c));
        goto out;
    }
    committed = true;
    atomic_fetch_add(&stat_sent, n_ok);
    outcome = (n == DB_OUTBOX_CLAIM_MAX && st == STATUS_OK) ? RUN_FULL : RUN_IDLE;
    log_debug("outbox.publish", "batch of %zu: %zu sent, %zu to retry", n, n_ok, n - n_ok);
out:
    if (c && !committed)
        db_tx_rollback(c);
    db_pool_release(pool, c);
    if (outcome == RUN_PAUSE) {
        P.pause_level++;
        if (P.pause_level == 1)
            log_warn("outbox.publish", "%s; pending rows wait (retrying with backoff up to %u ms)",
                     *err ? err : "SQS unavailable", PUBLISHER_PAUSE_CAP_MS);
    } else if (P.pause_level) {
        log_info("outbox.publish", "SQS reachable again after %u failed tries", P.pause_level);
        P.pause_level = 0;
    }
    return outcome;
}

static struct timespec mono_deadline(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ull),
                          .tv_nsec = (long)(ns % 1000000000ull)};
    return ts;
}

static void *thread_main(void *arg)
{
    (void)arg;
    uint64_t sweep_ns = (uint64_t)P.app->cfg->outbox_sweep_ms * NS_PER_MS;
    uint64_t next_run = 0; /* at once: rows left from before the start are due */
    uint64_t paused_until = 0;

    pthread_mutex_lock(&P.mu);
    for (;;) {
        while (!P.stop) {
            uint64_t now = time_mono_ns();
            if (now >= next_run || (P.woken && now >= paused_until))
                break;
            struct timespec ts = mono_deadline(next_run);
            pthread_cond_timedwait(&P.cv, &P.mu, &ts);
        }
        if (P.stop)
            break;
        P.woken = false;
        pthread_mutex_unlock(&P.mu);

        enum run_outcome o = run_batch();
        uint64_t now = time_mono_ns();
        if (o == RUN_PAUSE) {
            uint64_t d = publisher_backoff_ms(P.pause_level, PUBLISHER_PAUSE_BASE_MS,
                                              PUBLISHER_PAUSE_CAP_MS, next_random());
            paused_until = now + d * NS_PER_MS;
            next_run = paused_until;
        } else {
            paused_until = 0;
            next_run = o == RUN_FULL ? now : now + sweep_ns;
        }
        pthread_mutex_lock(&P.mu);
    }
    pthread_mutex_unlock(&P.mu);
    return NULL;
}

int publisher_start(struct app *app)
{
    if (P.started) {
        log_error("outbox.start", "the publisher is already running");
        return -1;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&P.cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        log_error("outbox.start", "cannot create the condition variable: %s", strerror(rc));
        return -1;
    }
    P.app = app;
    P.stop = false;
    P.woken = false;
    P.pause_level = 0;
    P.fifo = publisher_queue_is_fifo(app->cfg->sqs_queue_url);
    char seed[17];
    random_hex(seed, 8);
    P.rng = strtoull(seed, NULL, 16) | 1u;
    P.sqs = sqs_client_new(app->cfg);
    if (!P.sqs) {
        log_error("outbox.start", "cannot create the SQS client");
        pthread_cond_destroy(&P.cv);
        return -1;
    }
    rc = pthread_create(&P.thread, NULL, thread_main, NULL);
    if (rc != 0) {
        log_error("outbox.start", "cannot start the publisher thread: %s", strerror(rc));
        sqs_client_free(P.sqs);
        P.sqs = NULL;
        pthread_cond_destroy(&P.cv);
        return -1;
    }
    P.started = true;
    atomic_store(&running, true);
    log_info("outbox.start", "publishing the outbox to %s queue %s (sweep every %u ms)",
             P.fifo ? "FIFO" : "standard", app->cfg->sqs_queue_url, app->cfg->outbox_sweep_ms);
    return 0;
}

void publisher_wake(void)
{
    if (!atomic_load(&running))
        return;
    pthread_mutex_lock(&P.mu);
    P.woken = true;
    pthread_cond_signal(&P.cv);
    pthread_mutex_unlock(&P.mu);
}

bool publisher_stop(unsigned timeout_s)
{
    if (!P.started)
        return true;
    atomic_store(&running, false);
    pthread_mutex_lock(&P.mu);
    P.stop = true;
    pthread_cond_signal(&P.cv);
    pthread_mutex_unlock(&P.mu);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)timeout_s;
    int rc = pthread_timedjoin_np(P.thread, NULL, &deadline);
    if (rc != 0) {
        log_error("outbox.stop", "the publisher did not finish its batch within %u s (%s)",
                  timeout_s, strerror(rc));
        return false;
    }
    P.started = false;
    sqs_client_free(P.sqs);
    P.sqs = NULL;
    pthread_cond_destroy(&P.cv);
    log_info("outbox.stop", "publisher stopped (%" PRIu64 " messages sent)",
             (uint64_t)atomic_load(&stat_sent));
    return true;
}

void publisher_get_stats(struct publisher_stats *out)
{
    out->sent = atomic_load(&stat_sent);
    out->send_failures = atomic_load(&stat_failures);
    out->batches = atomic_load(&stat_batches);
    out->last_error_time = (int64_t)atomic_load(&stat_last_error_time);
}

/*
 * publisher.h - the outbox publisher of eeum-api: one thread that sends due `outbox` rows to
 * SQS with SendMessageBatch (up to 10), marks them sent, and retries failures with capped
 * exponential backoff. It is woken right after a commit that enqueued rows (publisher_wake)
 * and by a periodic sweep (OUTBOX_SWEEP_MS). It owns its struct sqs_client and borrows pool
 * connections only while a batch is in flight. The pure helpers below are for unit tests.
 */
#ifndef EEUM_PUBLISHER_H
#define EEUM_PUBLISHER_H

#include "eeum/db_outbox.h"
#include "eeum/sqs.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

#define PUBLISHER_RETRY_BASE_MS 1000u  /* first retry of a row after about a second */
#define PUBLISHER_RETRY_CAP_MS  60000u /* never wait longer than a minute for a row */
#define PUBLISHER_PAUSE_BASE_MS 500u   /* SQS or the database unreachable: pause the thread */
#define PUBLISHER_PAUSE_CAP_MS  8000u  /* ... for at most this long between probes */

/* ---- pure helpers ---- */

/* One message built from an outbox row; sqs_send_entry strings point into it. */
struct publisher_msg {
    char id[24];       /* batch entry id: the outbox row id in decimal */
    char body[128];    /* {"diaryId":N,"userId":N,"version":N} */
    char group_id[32]; /* FIFO: user-<userId> */
    char dedup_id[48]; /* FIFO: diary-<diaryId>-v<version> */
};

/* True when the queue URL names a FIFO queue (its last path segment ends in ".fifo"). */
bool publisher_queue_is_fifo(const char *queue_url);

/*
 * Build the batch for rows[0..n) (n <= SQS_BATCH_MAX): msgs[i] holds the text, entries[i]
 * points into msgs[i] (so msgs must outlive entries). On a standard queue the group and
 * deduplication ids are NULL. Pure, thread-safe.
 */
void publisher_build_batch(const struct db_outbox_row *rows, size_t n, bool fifo,
                           struct publisher_msg *msgs, struct sqs_send_entry *entries);

/*
 * Delay in ms before retry number `attempts` (>= 1 failed attempts so far): the ceiling
 * base_ms * 2^(attempts-1), capped at cap_ms, with "equal jitter": a value in
 * [ceiling/2, ceiling] chosen by `rnd` (any 32-bit random number). Pure, thread-safe.
 */
uint64_t publisher_backoff_ms(unsigned attempts, uint64_t base_ms, uint64_t cap_ms, uint32_t rnd);

/* ---- the thread ---- */

struct publisher_stats {
    uint64_t sent;           /* messages SQS accepted */
    uint64_t send_failures;  /* messages not sent by an attempt (entry or whole-batch failure) */
    uint64_t batches;        /* SendMessageBatch calls made */
    int64_t last_error_time; /* Unix seconds of the last failure, 0 if none */
};

/*
 * Start the publisher for `app` (borrowed: cfg and pool must outlive publisher_stop). One per
 * process. Returns 0, or -1 after logging (no memory, thread creation failed).
 */
int publisher_start(struct app *app);

/* Ask the publisher to look for due rows now (after a commit that enqueued some). Cheap,
 * thread-safe, a no-op when the publisher is not running. */
void publisher_wake(void);

/*
 * Stop: the batch in flight is finished (sent and marked), then the thread exits. Waits up to
 * `timeout_s`; returns true when the thread was joined (or never ran), false when it was still
 * busy (then the caller must not free the pool the thread may still use). Not thread-safe.
 */
bool publisher_stop(unsigned timeout_s);

/* A snapshot of the counters (all zero when the publisher never ran). Thread-safe. */
void publisher_get_stats(struct publisher_stats *out);

#endif

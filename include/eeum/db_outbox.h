/*
 * db_outbox.h - the transactional outbox (table outbox): a row per diary version to publish to
 * SQS. Writers enqueue inside their own transaction; the publisher claims due rows with
 * FOR UPDATE SKIP LOCKED (so instances never claim the same row at once), sends them, and marks
 * them sent or failed before committing that same transaction.
 */
#ifndef EEUM_DB_OUTBOX_H
#define EEUM_DB_OUTBOX_H

#include "eeum/db.h"

#include <stddef.h>
#include <stdint.h>

#define DB_OUTBOX_CLAIM_MAX 10  /* rows per claim: one SendMessageBatch */
#define DB_OUTBOX_ERROR_MAX 255 /* bytes of last_error kept (VARCHAR(255)) */

/* One claimed row. */
struct db_outbox_row {
    uint64_t id;
    uint64_t diary_id;
    uint64_t user_id;
    uint32_t version;  /* diary_version */
    uint32_t attempts; /* failed attempts so far */
};

/*
 * Queue the message for (diary_id, version) of user_id, due now. Meant to run inside the
 * caller's transaction, next to the diary write it describes; enqueueing the same diary
 * version twice is a no-op (unique key). Returns STATUS_OK or the mapped database error.
 */
enum status db_outbox_enqueue(struct db_conn *c, uint64_t diary_id, uint64_t user_id,
                              uint32_t version);

/*
 * Lock up to `limit` (1..DB_OUTBOX_CLAIM_MAX) pending rows that are due, oldest id first,
 * skipping rows another transaction holds (SKIP LOCKED) and rows of a user whose older row is
 * backing off after a failure (so each user's messages keep their order). Must run inside a
 * transaction the caller opened with db_tx_begin; the locks last until its commit or rollback.
 * Fills out_rows[0..*out_n). Returns STATUS_OK (possibly with *out_n == 0) or the mapped error.
 */
enum status db_outbox_claim(struct db_conn *c, size_t limit, struct db_outbox_row *out_rows,
                            size_t *out_n);

/* Mark ids[0..n) (1..DB_OUTBOX_CLAIM_MAX, claimed in this transaction) sent now. */
enum status db_outbox_mark_sent(struct db_conn *c, const uint64_t *ids, size_t n);

/*
 * Record a failed attempt of row `id`: attempts = `attempts`, due again `delay_ms` from now,
 * last_error = `error` (borrowed; cut to DB_OUTBOX_ERROR_MAX bytes at a UTF-8 boundary).
 */
enum status db_outbox_mark_failed(struct db_conn *c, uint64_t id, uint32_t attempts,
                                  uint64_t delay_ms, const char *error);

/* Pending rows and the age in seconds of the oldest one (0 when none). Any thread's own
 * connection; no transaction needed. */
enum status db_outbox_backlog(struct db_conn *c, uint64_t *out_pending, double *out_oldest_age_s);

#endif

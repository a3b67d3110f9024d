/*
 * outbox.c - SQL of the transactional outbox (table outbox). Statements are static strings;
 * mark_sent pads its fixed IN list with the first id so one prepared statement serves every
 * batch size.
 */
#include "eeum/db_outbox.h"

#include <string.h>

static const char SQL_ENQUEUE[] =
    "INSERT INTO outbox (diary_id, user_id, diary_version) VALUES (?, ?, ?)"
    " ON DUPLICATE KEY UPDATE id = id";
/* A row waits while an older row of the same user backs off after a failure: the FIFO group
 * of a user (user-<id>) then still receives that user's messages in the order they were
 * written (e.g. a batch refused while the emulator re-creates its queue does not fall behind
 * the batches after it). The subquery reads only backed-off rows (ix_outbox_due) and locks
 * nothing. ix_outbox_pending (status, id) lets the claim walk pending rows oldest first and
 * stop at the batch: without the hint the optimizer may read (and lock) every pending row and
 * sort them, or walk the primary key through all the sent rows. */
static const char SQL_CLAIM[] =
    "SELECT o.id, o.diary_id, o.user_id, o.diary_version, o.attempts FROM outbox o"
    " FORCE INDEX (ix_outbox_pending) WHERE o.status = 'pending' AND o.next_attempt_at <= NOW(3) "
    "AND NOT EXISTS"
    " (SELECT 1 FROM outbox w WHERE w.status = 'pending' AND w.next_attempt_at > NOW(3)"
    " AND w.user_id = o.user_id AND w.id < o.id)"
    " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_MARK_SENT[] =
    "UPDATE outbox SET status = 'sent', sent_at = NOW(3), last_error = NULL"
    " WHERE status = 'pending' AND id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_MARK_FAILED[] =
    "UPDATE outbox SET attempts = ?, next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND,"
    " last_error = ? WHERE id = ? AND status = 'pending'";
static const char SQL_BACKLOG[] =
    "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)), 0)"
    " FROM outbox WHERE status = 'pending'";

/* Longest prefix of s of at most `max` bytes that does not split a UTF-8 sequence. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

enum status db_outbox_enqueue(struct db_conn *c, uint64_t diary_id, uint64_t user_id,
                              uint32_t version)
{
    struct db_param p[] = {db_p_u64(diary_id), db_p_u64(user_id), db_p_u64(version)};
    return db_exec(c, SQL_ENQUEUE, p, 3, NULL, NULL);
}

enum status db_outbox_claim(struct db_conn *c, size_t limit, struct db_outbox_row *out_rows,
                            size_t *out_n)
{
    *out_n = 0;
    if (limit == 0)
        return STATUS_OK;
    if (limit > DB_OUTBOX_CLAIM_MAX)
        limit = DB_OUTBOX_CLAIM_MAX;
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(limit)};
    enum status st = db_query(c, SQL_CLAIM, p, 1, &r);
    if (st != STATUS_OK)
        return st;
    size_t n = db_rows_count(r);
    for (size_t i = 0; i < n && i < limit; i++) {
        out_rows[i] = (struct db_outbox_row){
            .id = db_rows_u64(r, i, 0),
            .diary_id = db_rows_u64(r, i, 1),
            .user_id = db_rows_u64(r, i, 2),
            .version = (uint32_t)db_rows_u64(r, i, 3),
            .attempts = (uint32_t)db_rows_u64(r, i, 4),
        };
        (*out_n)++;
    }
    db_rows_free(r);
    return STATUS_OK;
}

enum status db_outbox_mark_sent(struct db_conn *c, const uint64_t *ids, size_t n)
{
    if (n == 0)
        return STATUS_OK;
    if (n > DB_OUTBOX_CLAIM_MAX)
        return STATUS_INTERNAL;
    struct db_param p[DB_OUTBOX_CLAIM_MAX];
    for (size_t i = 0; i < DB_OUTBOX_CLAIM_MAX; i++)
        p[i] = db_p_u64(i < n ? ids[i] : ids[0]);
    return db_exec(c, SQL_MARK_SENT, p, DB_OUTBOX_CLAIM_MAX, NULL, NULL);
}

enum status db_outbox_mark_failed(struct db_conn *c, uint64_t id, uint32_t attempts,
                                  uint64_t delay_ms, const char *error)
{
    const char *e = error && *error ? error : "unknown error";
    struct db_param p[] = {
        db_p_u64(attempts),
        db_p_u64(delay_ms * 1000u),
        db_p_strn(e, utf8_prefix(e, DB_OUTBOX_ERROR_MAX)),
        db_p_u64(id),
    };
    return db_exec(c, SQL_MARK_FAILED, p, 4, NULL, NULL);
}

enum status db_outbox_backlog(struct db_conn *c, uint64_t *out_pending, double *out_oldest_age_s)
{
    *out_pending = 0;
    *out_oldest_age_s = 0;
    struct db_rows *r = NULL;
    enum status st = db_query(c, SQL_BACKLOG, NULL, 0, &r);
    if (st != STATUS_OK)
        return st;
    if (db_rows_count(r) == 1) {
        *out_pending = db_rows_u64(r, 0, 0);
        int64_t us = db_rows_i64(r, 0, 1);
        *out_oldest_age_s = us > 0 ? (double)us / 1e6 : 0;
    }
    db_rows_free(r);
    return STATUS_OK;
}

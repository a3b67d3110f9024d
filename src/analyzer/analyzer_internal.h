/*
 * analyzer_internal.h - the database side of eeum-analyzer (store.c), shared with daemon.c.
 * Functions take a pooled connection owned by the calling thread; transactions are the caller's.
 */
#ifndef EEUM_ANALYZER_INTERNAL_H
#define EEUM_ANALYZER_INTERNAL_H

#include "eeum/analyzer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_conn;
struct emotion_result;

/*
 * Read the diary's state and, when it exists and is not deleted, its text ("title\ncontent",
 * new malloc'ed NUL-terminated string in *out_text, length in *out_len; NULL otherwise).
 * No locks. STATUS_OK (also for a missing diary: out_state->exists false) or the DB error.
 */
enum status analyzer_store_load(struct db_conn *c, uint64_t diary_id,
                                struct analyzer_diary_state *out_state, char **out_text,
                                size_t *out_len);

/* The diary's state read with FOR UPDATE (inside the caller's transaction). */
enum status analyzer_store_lock(struct db_conn *c, uint64_t diary_id,
                                struct analyzer_diary_state *out_state);

/* Upsert diary_emotions for m's version, store the recommendations (db_recommend_store for
 * `day`, "YYYY-MM-DD" in APP_TZ) and set analysis_status 'done'; inside the caller's transaction,
 * after analyzer_store_lock decided ANALYZER_APPLY. */
enum status analyzer_store_write(struct db_conn *c, const struct analyzer_msg *m,
                                 const struct emotion_result *res, const char *model_version,
                                 const char *day);

/* Dead letter: set analysis_status 'failed' when m's version is the diary's and still pending.
 * *out_marked tells whether a row changed. Autocommit is fine (one statement). */
enum status analyzer_store_mark_failed(struct db_conn *c, const struct analyzer_msg *m,
                                       bool *out_marked);

/* SAVEPOINT / ROLLBACK TO SAVEPOINT around one message inside a batch transaction. */
enum status analyzer_store_savepoint(struct db_conn *c);
enum status analyzer_store_rollback_savepoint(struct db_conn *c);

#endif

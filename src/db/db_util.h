/*
 * Small helpers shared by the table modules of the MySQL layer (src/db/users.c, boards.c,
 * diaries.c). Internal to src/db: not part of the public db.h interface because they tie the
 * layer to the validators' string view.
 */
#ifndef EEUM_DB_UTIL_H
#define EEUM_DB_UTIL_H

#include "eeum/db.h"
#include "eeum/status.h"
#include "eeum/validate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The string view as a parameter when present, NULL otherwise (partial updates bind
 * COALESCE(?, column)). */
static inline struct db_param db_p_view(bool present, struct val_str s)
{
    return present ? db_p_strn(s.p, s.n) : db_p_null();
}

/* `st` unchanged, except that a successful query which found no row frees *out, sets it to
 * NULL and becomes STATUS_NOT_FOUND. */
static inline enum status db_one_or_not_found(enum status st, struct db_rows **out)
{
    if (st == STATUS_OK && db_rows_count(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return STATUS_NOT_FOUND;
    }
    return st;
}

/* Runs a single-value query (e.g. SELECT COUNT(*)) and stores its first column (0 when no row). */
static inline enum status db_query_u64(struct db_conn *c, const char *sql, const struct db_param *p,
                                       size_t n, uint64_t *out)
{
    struct db_rows *r = NULL;
    enum status st = db_query(c, sql, p, n, &r);
    if (st == STATUS_OK)
        *out = db_rows_count(r) ? db_rows_u64(r, 0, 0) : 0;
    db_rows_free(r);
    return st;
}

#endif

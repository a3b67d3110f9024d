/*
 * diary_reports.c - SQL of the diary calendar, stats, export and import (db_diary_reports.h).
 * The range reads walk ix_diaries_user_date (user_id, is_deleted, published_date, id); the
 * stats aggregate per day in SQL, so a year of stats is at most 367 rows whatever the number of
 * diaries.
 */
#include "eeum/db_diary_reports.h"

#include "eeum/db_diaries.h"

#include <stdlib.h>

#define OWN_RANGE " WHERE d.user_id = ? AND d.is_deleted = 0 AND d.published_date BETWEEN ? AND ?"

static const char SQL_MONTH[] =
    "SELECT d.id, DATE_FORMAT(d.published_date, '%Y-%m-%d'), e.diary_id IS NOT NULL,"
    " e.worry_score, e.angry_score, e.happy_score, e.excited_score, e.sad_score"
    " FROM diaries d LEFT JOIN diary_emotions e ON e.diary_id = d.id" OWN_RANGE
    " ORDER BY d.published_date, d.id";

static const char SQL_DAYS[] =
    "SELECT DATE_FORMAT(d.published_date, '%Y-%m-%d'), DATEDIFF(d.published_date, '1970-01-01'),"
    " COUNT(*), COUNT(e.diary_id),"
    " COALESCE(SUM(e.worry_score), 0), COALESCE(SUM(e.angry_score), 0),"
    " COALESCE(SUM(e.happy_score), 0), COALESCE(SUM(e.excited_score), 0),"
    " COALESCE(SUM(e.sad_score), 0),"
    " COALESCE(SUM(e.top_emotion = '걱정'), 0), COALESCE(SUM(e.top_emotion = '분노'), 0),"
    " COALESCE(SUM(e.top_emotion = '행복'), 0), COALESCE(SUM(e.top_emotion = '설렘'), 0),"
    " COALESCE(SUM(e.top_emotion = '슬픔'), 0)"
    " FROM diaries d LEFT JOIN diary_emotions e ON e.diary_id = d.id" OWN_RANGE
    " GROUP BY d.published_date ORDER BY d.published_date";

static const char SQL_ALL_DAYS[] =
    "SELECT DATEDIFF(published_date, '1970-01-01') FROM diaries"
    " WHERE user_id = ? AND is_deleted = 0 GROUP BY published_date ORDER BY published_date";

static const char SQL_EXPORT[] =
    DB_DIARIES_SELECT " WHERE d.user_id = ? AND d.is_deleted = 0 ORDER BY d.published_date, d.id";

static const char SQL_LOCK_USER[] = "SELECT id FROM users WHERE id = ? FOR UPDATE";

/* Byte-for-byte comparison: the table collation would call 'A' and 'a' (and more) equal. */
static const char SQL_EXISTS[] =
    "SELECT 1 FROM diaries WHERE user_id = ? AND is_deleted = 0 AND published_date = ?"
    " AND title COLLATE utf8mb4_bin = ? AND content COLLATE utf8mb4_bin = ? LIMIT 1";

static enum status range_query(struct db_conn *c, const char *sql, uint64_t user_id,
                               const char *from, const char *to, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(user_id), db_p_str(from), db_p_str(to)};
    return db_query(c, sql, p, sizeof p / sizeof p[0], out);
}

enum status db_diary_reports_month(struct db_conn *c, uint64_t user_id, const char *from,
                                   const char *to, struct db_rows **out)
{
    return range_query(c, SQL_MONTH, user_id, from, to, out);
}

enum status db_diary_reports_days(struct db_conn *c, uint64_t user_id, const char *from,
                                  const char *to, struct db_rows **out)
{
    return range_query(c, SQL_DAYS, user_id, from, to, out);
}

enum status db_diary_reports_all_days(struct db_conn *c, uint64_t user_id, long long **out_days,
                                      size_t *out_n)
{
    *out_days = NULL;
    *out_n = 0;
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id)};
    enum status st = db_query(c, SQL_ALL_DAYS, p, 1, &r);
    if (st != STATUS_OK)
        return st;
    size_t n = db_rows_count(r);
    if (n > 0) {
        long long *days = malloc(n * sizeof *days);
        if (!days) {
            db_rows_free(r);
            return STATUS_INTERNAL;
        }
        for (size_t i = 0; i < n; i++)
            days[i] = (long long)db_rows_i64(r, i, 0);
        *out_days = days;
        *out_n = n;
    }
    db_rows_free(r);
    return STATUS_OK;
}

enum status db_diary_reports_export(struct db_conn *c, uint64_t user_id, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(user_id)};
    return db_query(c, SQL_EXPORT, p, 1, out);
}

enum status db_diary_reports_lock_user(struct db_conn *c, uint64_t user_id)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id)};
    enum status st = db_query(c, SQL_LOCK_USER, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 0)
        st = STATUS_NOT_FOUND;
    db_rows_free(r);
    return st;
}

enum status db_diary_reports_exists(struct db_conn *c, uint64_t user_id, const char *published,
                                    const char *title, size_t title_len, const char *content,
                                    size_t content_len, bool *out_exists)
{
    *out_exists = false;
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id), db_p_str(published), db_p_strn(title, title_len),
                           db_p_strn(content, content_len)};
    enum status st = db_query(c, SQL_EXISTS, p, sizeof p / sizeof p[0], &r);
    if (st == STATUS_OK)
        *out_exists = db_rows_count(r) > 0;
    db_rows_free(r);
    return st;
}

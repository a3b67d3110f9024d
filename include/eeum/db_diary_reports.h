/*
 * db_diary_reports.h - the reads behind the diary calendar, stats and export, and the
 * duplicate check and per-user lock of the import. Every statement is scoped to one user and
 * to diaries not in the trash; analyses are the visible ones (diary_emotions, possibly of an
 * older version while a re-analysis is pending, as the diary detail shows them).
 */
#ifndef EEUM_DB_DIARY_REPORTS_H
#define EEUM_DB_DIARY_REPORTS_H

#include "eeum/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Column order of db_diary_reports_month rows: one row per diary. */
enum db_report_diary_col {
    DB_REPORT_DIARY_ID = 0,
    DB_REPORT_DIARY_DATE,     /* YYYY-MM-DD */
    DB_REPORT_DIARY_ANALYSED, /* 1 when the diary has a (visible) analysis */
    DB_REPORT_DIARY_WORRY,    /* DECIMAL text (NULL unless analysed); the five in label order */
    DB_REPORT_DIARY_ANGRY,
    DB_REPORT_DIARY_HAPPY,
    DB_REPORT_DIARY_EXCITED,
    DB_REPORT_DIARY_SAD,
};

/* The user's diaries published in [from, to] ("YYYY-MM-DD", inclusive), ordered by
 * publishedDate then id. *out is new (db_rows_free). */
enum status db_diary_reports_month(struct db_conn *c, uint64_t user_id, const char *from,
                                   const char *to, struct db_rows **out);

/* Column order of db_diary_reports_days rows: one row per day that has diaries. */
enum db_report_day_col {
    DB_REPORT_DAY_DATE = 0,  /* YYYY-MM-DD */
    DB_REPORT_DAY_NUMBER,    /* days since 1970-01-01 */
    DB_REPORT_DAY_DIARIES,   /* diaries that day */
    DB_REPORT_DAY_ANALYSED,  /* of which analysed */
    DB_REPORT_DAY_SUM_WORRY, /* DECIMAL text: summed scores of the analysed diaries (5, in label
                                order) */
    DB_REPORT_DAY_SUM_ANGRY,
    DB_REPORT_DAY_SUM_HAPPY,
    DB_REPORT_DAY_SUM_EXCITED,
    DB_REPORT_DAY_SUM_SAD,
    DB_REPORT_DAY_TOP_WORRY, /* analysed diaries whose top label is each label (5, in order) */
    DB_REPORT_DAY_TOP_ANGRY,
    DB_REPORT_DAY_TOP_HAPPY,
    DB_REPORT_DAY_TOP_EXCITED,
    DB_REPORT_DAY_TOP_SAD,
};

/* Per-day aggregates of the user's diaries published in [from, to] (at most one row per day,
 * ascending). *out is new (db_rows_free). */
enum status db_diary_reports_days(struct db_conn *c, uint64_t user_id, const char *from,
                                  const char *to, struct db_rows **out);

/*
 * Every day (days since 1970-01-01, ascending, distinct) on which the user has a diary, for
 * streaks: *out_days is malloc'd (caller frees; NULL when *out_n == 0).
 */
enum status db_diary_reports_all_days(struct db_conn *c, uint64_t user_id, long long **out_days,
                                      size_t *out_n);

/* Every diary of the user, oldest publishedDate first (ties: id), as rows of
 * DB_DIARIES_SELECT (enum db_diary_col, see db_diaries.h). *out is new. */
enum status db_diary_reports_export(struct db_conn *c, uint64_t user_id, struct db_rows **out);

/* Inside the caller's transaction: lock the user's row (FOR UPDATE) so that imports of one user
 * run one after the other (the duplicate check then sees the earlier import). NOT_FOUND when the
 * user is gone. */
enum status db_diary_reports_lock_user(struct db_conn *c, uint64_t user_id);

/* True in *out_exists when the user has a diary (not in the trash) with exactly this
 * publishedDate ("YYYY-MM-DD"), title and content (byte-for-byte, as stored: NFC). */
enum status db_diary_reports_exists(struct db_conn *c, uint64_t user_id, const char *published,
                                    const char *title, size_t title_len, const char *content,
                                    size_t content_len, bool *out_exists);

#endif

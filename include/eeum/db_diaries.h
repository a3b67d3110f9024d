/*
 * db_diaries.h - persistence of diaries (table diaries, read together with diary_emotions,
 * recommended_foods and foods) and their JSON. A create or a title/content change writes the
 * diary and its outbox row {diaryId, userId, version} in ONE transaction; the caller wakes the
 * publisher (publisher_wake) after the commit. Every statement is scoped to the owner: another
 * user's diary is simply not found.
 *
 * Trash: DELETE sets is_deleted/deleted_at; a deleted diary stays restorable for
 * DB_DIARIES_TRASH_DAYS days. Older trash is invisible to every statement here (trash list,
 * restore) and is removed by db_diaries_purge_trash (the handler runs it at most once a minute,
 * piggy-backed on trash requests; it is also safe from a cron job).
 */
#ifndef EEUM_DB_DIARIES_H
#define EEUM_DB_DIARIES_H

#include "eeum/db.h"
#include "eeum/paging.h"
#include "eeum/validate.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define DB_DIARIES_TRASH_DAYS 30

/*
 * The column list and joins of a diary row, for callers that write their own WHERE (export):
 * `DB_DIARIES_SELECT " WHERE d.user_id = ? AND d.is_deleted = 0 ORDER BY d.id"` gives rows in
 * the order of enum db_diary_col, ready for db_diaries_json. Alias d = diaries.
 * recommendedFood is rank 1 of the slot of the visible analysis (diary_emotions.diary_version).
 */
#define DB_DIARIES_COLUMNS                                                                         \
    "d.id, d.user_id, d.title, d.content, d.weather,"                                              \
    " DATE_FORMAT(d.published_date, '%Y-%m-%d'), d.mood, d.tags, d.version, d.analysis_status,"    \
    " DATE_FORMAT(d.created_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " DATE_FORMAT(d.updated_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " DATE_FORMAT(d.deleted_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " e.diary_version, e.worry_score, e.angry_score, e.happy_score, e.excited_score,"              \
    " e.sad_score, e.top_emotion, e.analyzer_version,"                                             \
    " DATE_FORMAT(e.analyzed_at, '%Y-%m-%dT%H:%i:%sZ'), f.id, f.name, f.image_url"
#define DB_DIARIES_FROM                                                                            \
    " FROM diaries d"                                                                              \
    " LEFT JOIN diary_emotions e ON e.diary_id = d.id"                                             \
    " LEFT JOIN recommended_foods rf ON rf.diary_id = d.id AND rf.diary_version = e.diary_version" \
    " AND rf.rank_no = 1"                                                                          \
    " LEFT JOIN foods f ON f.id = rf.food_id"
#define DB_DIARIES_SELECT                                                                          \
    "SELECT " DB_DIARIES_COLUMNS                                                                   \
    ", DATE_FORMAT(d.published_date, '%Y-%m-%d 00:00:00.000000')" DB_DIARIES_FROM

/* Column order of diary rows (DB_DIARIES_SELECT and every row returned below). */
enum db_diary_col {
    DB_DIARY_ID = 0,
    DB_DIARY_USER_ID,
    DB_DIARY_TITLE,
    DB_DIARY_CONTENT,
    DB_DIARY_WEATHER,    /* NULL when none */
    DB_DIARY_PUBLISHED,  /* YYYY-MM-DD */
    DB_DIARY_MOOD,       /* label or NULL */
    DB_DIARY_TAGS,       /* JSON array text */
    DB_DIARY_VERSION,    /* bumped by title/content changes */
    DB_DIARY_STATUS,     /* analysis_status: pending / done / failed */
    DB_DIARY_CREATED_AT, /* ISO-8601 UTC with Z */
    DB_DIARY_UPDATED_AT,
    DB_DIARY_DELETED_AT,  /* NULL unless in the trash */
    DB_DIARY_EMO_VERSION, /* diary version of the visible analysis; NULL = never analysed */
    DB_DIARY_WORRY,       /* DECIMAL(5,2) text; the five in label order */
    DB_DIARY_ANGRY,
    DB_DIARY_HAPPY,
    DB_DIARY_EXCITED,
    DB_DIARY_SAD,
    DB_DIARY_TOP_EMOTION,
    DB_DIARY_ANALYZER_VERSION,
    DB_DIARY_ANALYZED_AT,
    DB_DIARY_FOOD_ID, /* recommended food (rank 1) or NULL */
    DB_DIARY_FOOD_NAME,
    DB_DIARY_FOOD_IMAGE,
    DB_DIARY_CURSOR_KEY, /* keyset key of the list order (publishedDate as DATETIME(6) text) */
    DB_DIARY_NCOLS
};

/* How much of a diary db_diaries_json renders. */
enum db_diary_view {
    /* SPEC list item: id, title, publishedDate, emotion, recommendedFood, tags (+ mood,
     * analysis status and createdAt, which the list screens show) */
    DB_DIARY_VIEW_LIST,
    /* everything: the list fields + userId, content, weather, version, emotionScores,
     * analysis {status, stale, analyzedVersion, analyzerVersion, analyzedAt}, updatedAt,
     * deletedAt (in the trash only) */
    DB_DIARY_VIEW_FULL,
};

/*
 * Render row i of `r` (columns as enum db_diary_col) as the SPEC's diary JSON (new
 * reference). `emotion`/`emotionScores` are the visible analysis (null before the first);
 * when that analysis is of an older version than the diary, analysis.stale is true (and
 * analysis.status is the current one, normally "pending"). Thread-safe.
 */
json_t *db_diaries_json(const struct db_rows *r, size_t i, enum db_diary_view view);

/*
 * Create a diary of `user_id` from a validated body (val_diary_create; borrowed): title and
 * content are stored NFC-normalised with their search tokens, version 1, analysis pending, and
 * the outbox row (id, user_id, 1) is queued. With own_tx the function opens and commits its
 * own transaction; without it, it runs inside the caller's open transaction (several creates
 * in one import) and commits nothing. Either way the CALLER calls publisher_wake() after the
 * commit. Returns STATUS_OK and *out_id, or the mapped error (own_tx: rolled back).
 */
enum status db_diaries_create(struct db_conn *c, uint64_t user_id, const struct val_diary *d,
                              bool own_tx, uint64_t *out_id);

/* A visible (not deleted) diary of user_id: rows with one row, or STATUS_NOT_FOUND. */
enum status db_diaries_get(struct db_conn *c, uint64_t id, uint64_t user_id, struct db_rows **out);

/*
 * Apply the present fields of a validated partial update (val_diary_update; borrowed) to the
 * owner's visible diary, in one transaction it opens and commits. When the title or content
 * actually changes, the version is bumped, analysis_status becomes pending, the search tokens
 * are rebuilt and an outbox row for the new version is queued in the same transaction; the old
 * analysis stays (stale). *out_requeued says so (the caller then wakes the publisher).
 * STATUS_NOT_FOUND for a missing, deleted or another user's diary.
 */
enum status db_diaries_update(struct db_conn *c, uint64_t id, uint64_t user_id,
                              const struct val_diary *d, bool *out_requeued);

/* Move the owner's visible diary to the trash. STATUS_NOT_FOUND if there is none. */
enum status db_diaries_delete(struct db_conn *c, uint64_t id, uint64_t user_id);

/* Bring the owner's diary back from the trash (deleted within DB_DIARIES_TRASH_DAYS days).
 * STATUS_NOT_FOUND when it is not in the (unexpired) trash. */
enum status db_diaries_restore(struct db_conn *c, uint64_t id, uint64_t user_id);

/* List filters (all optional; `q` is the search plan built by the handler). */
struct db_diary_filter {
    const char *from, *to; /* "YYYY-MM-DD" inclusive bounds of publishedDate, or NULL */
    const char *emotion;   /* top label of the visible analysis, or NULL */
    const char *tag;       /* exact tag, or NULL */
    const char *likes[8];  /* `%word%` LIKE patterns (escape '\\'), all required; NULL = none */
    size_t nlikes;
};
#define DB_DIARIES_MAX_WORDS 8

/*
 * One page of the user's visible diaries, newest publishedDate first (ties: newest id), with
 * page.size + 1 rows so the caller knows whether more follow, and the total of the filter.
 * Runs under a 1 s statement limit (a timeout is STATUS_UNAVAILABLE; db_errno_is_timeout
 * tells). Rows are full rows.
 */
enum status db_diaries_list(struct db_conn *c, uint64_t user_id, const struct db_diary_filter *f,
                            const struct paging *p, struct db_rows **out, uint64_t *out_total);

/* The user's trash (deleted within DB_DIARIES_TRASH_DAYS days), most recently deleted first,
 * page.size + 1 rows (cursor key: deleted_at), and its total. */
enum status db_diaries_trash(struct db_conn *c, uint64_t user_id, const struct paging *p,
                             struct db_rows **out, uint64_t *out_total);

/* Delete for good (with their analysis, recommendations and outbox rows) up to `limit` diaries
 * that have been in the trash longer than DB_DIARIES_TRASH_DAYS days; *out_purged (may be
 * NULL) counts them. Opens and commits its own transaction. */
enum status db_diaries_purge_trash(struct db_conn *c, unsigned limit, uint64_t *out_purged);

#endif

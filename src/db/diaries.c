/*
 * diaries.c - SQL of diaries and their JSON. Every statement names the owner (user_id = ?), so
 * another user's diary is indistinguishable from a missing one. Title/content are stored NFC
 * with their search tokens (search module); a create or a real title/content change queues the
 * outbox row of the new version in the same transaction (db_outbox_enqueue).
 *
 * List filters are bound parameters of one static statement: an absent filter binds NULL
 * (`? IS NULL OR ...`) and an unused keyword binds '%' (true for every row), so no SQL is built
 * at run time. Keyword search over one user's diaries scans that user's rows through
 * ix_diaries_user_date and checks every word with LIKE on the NFC title and content (the
 * verification step of the board search): its cost is bounded by the user's own diaries,
 * whatever other users wrote, so FULLTEXT (whose cost grows with every user's hits) is not
 * needed here; search_tokens is still kept in step for a FULLTEXT plan.
 */
#include "eeum/db_diaries.h"
#include "eeum/db_outbox.h"
#include "eeum/log.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"
#include "db_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX   (512u * 1024)
#define TOKENS_MAX (1024u * 1024)

static const char SQL_INSERT[] =
    "INSERT INTO diaries (user_id, title, content, weather, published_date, mood, tags,"
    " search_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_GET[] =
    DB_DIARIES_SELECT " WHERE d.id = ? AND d.user_id = ? AND d.is_deleted = 0";
static const char SQL_LOCK[] = "SELECT title, content, version FROM diaries"
                               " WHERE id = ? AND user_id = ? AND is_deleted = 0 FOR UPDATE";
static const char SQL_UPDATE[] =
    "UPDATE diaries SET title = COALESCE(?, title), content = COALESCE(?, content),"
    " search_tokens = COALESCE(?, search_tokens), version = ?,"
    " analysis_status = CASE WHEN ? THEN 'pending' ELSE analysis_status END,"
    " weather = CASE WHEN ? THEN ? ELSE weather END,"
    " published_date = COALESCE(?, published_date),"
    " mood = CASE WHEN ? THEN ? ELSE mood END,"
    " tags = CASE WHEN ? THEN ? ELSE tags END"
    " WHERE id = ? AND user_id = ? AND is_deleted = 0";
static const char SQL_DELETE[] = "UPDATE diaries SET is_deleted = 1, deleted_at = NOW(3)"
                                 " WHERE id = ? AND user_id = ? AND is_deleted = 0";
#define IN_TRASH " d.is_deleted = 1 AND d.deleted_at >= NOW(3) - INTERVAL 30 DAY"
static const char SQL_RESTORE[] = "UPDATE diaries d SET d.is_deleted = 0, d.deleted_at = NULL"
                                  " WHERE d.id = ? AND d.user_id = ? AND" IN_TRASH;
/* A diary deleted before its analysis landed had its message dropped by the analyzer (deleted
 * diaries are skipped): send the current version again. */
static const char SQL_RESTORE_REQUEUE[] =
    "UPDATE outbox o JOIN diaries d ON d.id = o.diary_id AND d.version = o.diary_version"
    " SET o.status = 'pending', o.next_attempt_at = NOW(3), o.attempts = 0, o.last_error = NULL"
    " WHERE d.id = ? AND d.analysis_status = 'pending' AND o.status = 'sent'";

/* ---- list ---- */

#define LIKE_WORD "(d.title LIKE ? ESCAPE '\\\\' OR d.content LIKE ? ESCAPE '\\\\')"
#define LIKE_WORDS                                                                                 \
    LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD              \
              " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD
#define LIST_WHERE                                                                                 \
    " WHERE d.user_id = ? AND d.is_deleted = 0"                                                    \
    " AND (? IS NULL OR d.published_date >= ?) AND (? IS NULL OR d.published_date <= ?)"           \
    " AND (? IS NULL OR e.top_emotion = ?)"                                                        \
    " AND (? IS NULL OR JSON_CONTAINS(d.tags, JSON_QUOTE(?)))"                                     \
    " AND " LIKE_WORDS
#define LIST_CURSOR " AND (d.published_date < ? OR (d.published_date = ? AND d.id < ?))"
#define NEWEST      " ORDER BY d.published_date DESC, d.id DESC"
/* MariaDB: SET STATEMENT max_statement_time (seconds); MySQL: the MAX_EXECUTION_TIME hint. */
#define MARIA  "SET STATEMENT max_statement_time=1 FOR SELECT "
#define MYSQL_ "SELECT /*+ MAX_EXECUTION_TIME(1000) */ "
#define LIST_COLS                                                                                  \
    DB_DIARIES_COLUMNS ", DATE_FORMAT(d.published_date, '%Y-%m-%d "                                \
                       "00:00:00.000000')" DB_DIARIES_FROM
#define LIST_PAGE LIST_COLS LIST_WHERE NEWEST " LIMIT ? OFFSET ?"
#define LIST_CUR  LIST_COLS LIST_WHERE LIST_CURSOR NEWEST " LIMIT ?"
#define LIST_COUNT                                                                                 \
    "COUNT(*) FROM diaries d LEFT JOIN diary_emotions e ON e.diary_id = d.id" LIST_WHERE

static const char SQL_LIST_MARIA[] = MARIA LIST_PAGE;
static const char SQL_LIST_MYSQL[] = MYSQL_ LIST_PAGE;
static const char SQL_LIST_CUR_MARIA[] = MARIA LIST_CUR;
static const char SQL_LIST_CUR_MYSQL[] = MYSQL_ LIST_CUR;
static const char SQL_COUNT_MARIA[] = MARIA LIST_COUNT;
static const char SQL_COUNT_MYSQL[] = MYSQL_ LIST_COUNT;

/* ---- trash ---- */

#define TRASH_COLS                                                                                 \
    "SELECT " DB_DIARIES_COLUMNS                                                                   \
    ", DATE_FORMAT(d.deleted_at, '%Y-%m-%d %H:%i:%s.%f')" DB_DIARIES_FROM
#define TRASH_WHERE  " WHERE d.user_id = ? AND" IN_TRASH
#define TRASH_NEWEST " ORDER BY d.deleted_at DESC, d.id DESC"
static const char SQL_TRASH[] = TRASH_COLS TRASH_WHERE TRASH_NEWEST " LIMIT ? OFFSET ?";
static const char SQL_TRASH_CUR[] = TRASH_COLS TRASH_WHERE
    " AND (d.deleted_at < ? OR (d.deleted_at = ? AND d.id < ?))" TRASH_NEWEST " LIMIT ?";
static const char SQL_TRASH_COUNT[] = "SELECT COUNT(*) FROM diaries d" TRASH_WHERE;

/* ---- purge ---- */

/* Expired trash; scrubbed rows (title '' - a live diary never has one) are left alone. */
static const char SQL_EXPIRED[] =
    "SELECT id FROM diaries WHERE is_deleted = 1 AND deleted_at < NOW(3) - INTERVAL 30 DAY"
    " AND title <> '' ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_PURGE_EMOTIONS[] = "DELETE FROM diary_emotions WHERE diary_id = ?";
static const char SQL_PURGE_OUTBOX[] = "DELETE FROM outbox WHERE diary_id = ?";
/* Recommendations that carry the user's feedback are kept (the feedback shapes later
 * recommendations); the others go. */
static const char SQL_PURGE_RECS[] =
    "DELETE FROM recommended_foods WHERE diary_id = ? AND id NOT IN"
    " (SELECT recommendation_id FROM food_feedback)";
static const char SQL_PURGE_DIARY[] = "DELETE FROM diaries WHERE id = ? AND NOT EXISTS"
                                      " (SELECT 1 FROM recommended_foods r WHERE r.diary_id = ?)";
/* A diary still referenced by feedback keeps its row, with every word of the user gone. */
static const char SQL_SCRUB_DIARY[] =
    "UPDATE diaries SET title = '', content = '', weather = NULL, mood = NULL, tags = '[]',"
    " search_tokens = '' WHERE id = ?";

/* ---- helpers ---- */

/* NFC copy of s into buf; false on ENOMEM or invalid UTF-8 (validated input never is). */
static bool nfc(struct val_str s, struct strbuf *buf)
{
    strbuf_init(buf, TEXT_MAX);
    return search_nfc(s.p, s.n, buf);
}

static const char *sb_str(const struct strbuf *sb)
{
    return sb->data ? sb->data : "";
}

/* Search tokens of NFC title + content (new string), or NULL on failure. */
static char *index_tokens(const char *title, size_t tn, const char *content, size_t cn)
{
    struct strbuf sb;
    strbuf_init(&sb, TOKENS_MAX);
    if (!search_index_tokens(title, tn, &sb) || !strbuf_puts(&sb, " ") ||
        !search_index_tokens(content, cn, &sb)) {
        strbuf_free(&sb);
        log_error("diaries.index", "could not build search tokens");
        return NULL;
    }
    char *s = strbuf_steal(&sb);
    return s ? s : strdup("");
}

/* The tags as a compact JSON array text (new string), or NULL on ENOMEM. */
static char *tags_json(const struct val_diary *d)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < d->ntags; i++)
        json_array_append_new(a, json_stringn(d->tags[i].p, d->tags[i].n));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

#define DATE_TEXT_LEN 16

/* "YYYY-MM-DD" of a validated date. */
static void date_text(struct val_date dt, char out[DATE_TEXT_LEN])
{
    snprintf(out, DATE_TEXT_LEN, "%04u-%02u-%02u", (unsigned)dt.year % 10000u,
             (unsigned)dt.month % 100u, (unsigned)dt.day % 100u);
}

/* ---- create ---- */

enum status db_diaries_create(struct db_conn *c, uint64_t user_id, const struct val_diary *d,
                              bool own_tx, uint64_t *out_id)
{
    struct strbuf title, content;
    char *tokens = NULL, *tags = NULL;
    char published[DATE_TEXT_LEN];
    bool in_tx = false;
    enum status st = STATUS_INTERNAL;
    bool ok_t = nfc(d->title, &title);
    bool ok_c = nfc(d->content, &content);
    if (!ok_t || !ok_c)
        goto out;
    tokens = index_tokens(sb_str(&title), title.len, sb_str(&content), content.len);
    tags = tags_json(d);
    if (!tokens || !tags)
        goto out;
    date_text(d->published, published);
    if (own_tx) {
        st = db_tx_begin(c);
        if (st != STATUS_OK)
            goto out;
        in_tx = true;
    }
    struct db_param p[] = {
        db_p_u64(user_id),
        db_p_strn(sb_str(&title), title.len),
        db_p_strn(sb_str(&content), content.len),
        d->has_weather && d->weather.n ? db_p_strn(d->weather.p, d->weather.n) : db_p_null(),
        db_p_str(published),
        db_p_str(d->mood >= 0 ? d->mood_label : NULL),
        db_p_str(tags),
        db_p_str(tokens),
    };
    uint64_t id = 0;
    st = db_exec(c, SQL_INSERT, p, sizeof p / sizeof p[0], NULL, &id);
    if (st == STATUS_OK)
        st = db_outbox_enqueue(c, id, user_id, 1);
    if (st == STATUS_OK && own_tx)
        st = db_tx_commit(c);
    if (st == STATUS_OK) {
        in_tx = false;
        *out_id = id;
    }
out:
    if (in_tx)
        db_tx_rollback(c);
    free(tokens);
    free(tags);
    strbuf_free(&title);
    strbuf_free(&content);
    return st;
}

enum status db_diaries_get(struct db_conn *c, uint64_t id, uint64_t user_id, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(id), db_p_u64(user_id)};
    return db_one_or_not_found(db_query(c, SQL_GET, p, 2, out), out);
}

/* ---- update ---- */

static bool same(const struct strbuf *a, const char *b, size_t bn)
{
    return a->len == bn && (bn == 0 || memcmp(sb_str(a), b, bn) == 0);
}

enum status db_diaries_update(struct db_conn *c, uint64_t id, uint64_t user_id,
                              const struct val_diary *d, bool *out_requeued)
{
    struct strbuf title, content;
    strbuf_init(&title, TEXT_MAX);
    strbuf_init(&content, TEXT_MAX);
    struct db_rows *old = NULL;
    char *tokens = NULL, *tags = NULL;
    char published[DATE_TEXT_LEN];
    *out_requeued = false;
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    /* The row stays locked from reading the old text to the commit: two concurrent edits get
     * consecutive versions, each with its own outbox row. */
    struct db_param pk[] = {db_p_u64(id), db_p_u64(user_id)};
    st = db_one_or_not_found(db_query(c, SQL_LOCK, pk, 2, &old), &old);
    if (st != STATUS_OK)
        goto out;
    st = STATUS_INTERNAL;
    if ((d->has_title && !nfc(d->title, &title)) || (d->has_content && !nfc(d->content, &content)))
        goto out;
    const char *old_title = db_rows_str(old, 0, 0), *old_content = db_rows_str(old, 0, 1);
    size_t old_tn = db_rows_len(old, 0, 0), old_cn = db_rows_len(old, 0, 1);
    bool changed = (d->has_title && !same(&title, old_title, old_tn)) ||
                   (d->has_content && !same(&content, old_content, old_cn));
    uint64_t version = db_rows_u64(old, 0, 2);
    if (changed) {
        version++;
        const char *t = d->has_title ? sb_str(&title) : old_title;
        size_t tn = d->has_title ? title.len : old_tn;
        const char *ct = d->has_content ? sb_str(&content) : old_content;
        size_t cn = d->has_content ? content.len : old_cn;
        tokens = index_tokens(t, tn, ct, cn);
        if (!tokens)
            goto out;
    }
    if (d->has_tags && !(tags = tags_json(d)))
        goto out;
    if (d->has_published)
        date_text(d->published, published);
    struct db_param p[] = {
        changed && d->has_title ? db_p_strn(sb_str(&title), title.len) : db_p_null(),
        changed && d->has_content ? db_p_strn(sb_str(&content), content.len) : db_p_null(),
        db_p_str(tokens),
        db_p_u64(version),
        db_p_i64(changed),
        db_p_i64(d->has_weather),
        d->has_weather && d->weather.n ? db_p_view(true, d->weather) : db_p_null(),
        db_p_str(d->has_published ? published : NULL),
        db_p_i64(d->has_mood),
        db_p_str(d->has_mood && d->mood >= 0 ? d->mood_label : NULL),
        db_p_i64(d->has_tags),
        db_p_str(tags),
        db_p_u64(id),
        db_p_u64(user_id),
    };
    st = db_exec(c, SQL_UPDATE, p, sizeof p / sizeof p[0], NULL, NULL);
    if (st == STATUS_OK && changed)
        st = db_outbox_enqueue(c, id, user_id, (uint32_t)version);
    if (st == STATUS_OK)
        st = db_tx_commit(c);
    if (st == STATUS_OK)
        *out_requeued = changed;
out:
    if (st != STATUS_OK)
        db_tx_rollback(c);
    db_rows_free(old);
    free(tokens);
    free(tags);
    strbuf_free(&title);
    strbuf_free(&content);
    return st;
}

/* ---- delete / restore ---- */

enum status db_diaries_delete(struct db_conn *c, uint64_t id, uint64_t user_id)
{
    uint64_t affected = 0;
    struct db_param p[] = {db_p_u64(id), db_p_u64(user_id)};
    enum status st = db_exec(c, SQL_DELETE, p, 2, &affected, NULL);
    return (st == STATUS_OK && affected == 0) ? STATUS_NOT_FOUND : st;
}

enum status db_diaries_restore(struct db_conn *c, uint64_t id, uint64_t user_id)
{
    uint64_t affected = 0;
    struct db_param p[] = {db_p_u64(id), db_p_u64(user_id)};
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    st = db_exec(c, SQL_RESTORE, p, 2, &affected, NULL);
    if (st == STATUS_OK && affected == 0)
        st = STATUS_NOT_FOUND;
    if (st == STATUS_OK)
        st = db_exec(c, SQL_RESTORE_REQUEUE, p, 1, NULL, NULL);
    if (st == STATUS_OK)
        st = db_tx_commit(c);
    if (st != STATUS_OK)
        db_tx_rollback(c);
    return st;
}

/* ---- lists ---- */

enum status db_diaries_list(struct db_conn *c, uint64_t user_id, const struct db_diary_filter *f,
                            const struct paging *pg, struct db_rows **out, uint64_t *out_total)
{
    *out = NULL;
    *out_total = 0;
    bool maria = db_conn_is_mariadb(c);
    struct db_param p[9 + 2 * DB_DIARIES_MAX_WORDS + 4];
    size_t n = 0;
    p[n++] = db_p_u64(user_id);
    p[n++] = db_p_str(f->from);
    p[n++] = db_p_str(f->from);
    p[n++] = db_p_str(f->to);
    p[n++] = db_p_str(f->to);
    p[n++] = db_p_str(f->emotion);
    p[n++] = db_p_str(f->emotion);
    p[n++] = db_p_str(f->tag);
    p[n++] = db_p_str(f->tag);
    for (size_t i = 0; i < DB_DIARIES_MAX_WORDS; i++) {
        const char *like = i < f->nlikes && f->likes[i] ? f->likes[i] : "%";
        p[n++] = db_p_str(like);
        p[n++] = db_p_str(like);
    }
    size_t nwhere = n;
    const char *sql;
    char day[11];
    if (pg->has_cursor) {
        /* The key is the publishedDate as "YYYY-MM-DD 00:00:00.000000". */
        snprintf(day, sizeof day, "%.10s", pg->cursor_key);
        p[n++] = db_p_str(day);
        p[n++] = db_p_str(day);
        p[n++] = db_p_u64(pg->cursor_id);
        p[n++] = db_p_u64(pg->size + 1);
        sql = maria ? SQL_LIST_CUR_MARIA : SQL_LIST_CUR_MYSQL;
    } else {
        p[n++] = db_p_u64(pg->size + 1);
        p[n++] = db_p_u64(pg->offset);
        sql = maria ? SQL_LIST_MARIA : SQL_LIST_MYSQL;
    }
    enum status st = db_query(c, sql, p, n, out);
    if (st == STATUS_OK)
        st = db_query_u64(c, maria ? SQL_COUNT_MARIA : SQL_COUNT_MYSQL, p, nwhere, out_total);
    if (st != STATUS_OK) {
        db_rows_free(*out);
        *out = NULL;
    }
    return st;
}

enum status db_diaries_trash(struct db_conn *c, uint64_t user_id, const struct paging *pg,
                             struct db_rows **out, uint64_t *out_total)
{
    *out = NULL;
    *out_total = 0;
    struct db_param p[5];
    size_t n = 0;
    p[n++] = db_p_u64(user_id);
    if (pg->has_cursor) {
        p[n++] = db_p_str(pg->cursor_key);
        p[n++] = db_p_str(pg->cursor_key);
        p[n++] = db_p_u64(pg->cursor_id);
        p[n++] = db_p_u64(pg->size + 1);
    } else {
        p[n++] = db_p_u64(pg->size + 1);
        p[n++] = db_p_u64(pg->offset);
    }
    enum status st = db_query(c, pg->has_cursor ? SQL_TRASH_CUR : SQL_TRASH, p, n, out);
    if (st == STATUS_OK)
        st = db_query_u64(c, SQL_TRASH_COUNT, p, 1, out_total);
    if (st != STATUS_OK) {
        db_rows_free(*out);
        *out = NULL;
    }
    return st;
}

/* ---- purge ---- */

enum status db_diaries_purge_trash(struct db_conn *c, unsigned limit, uint64_t *out_purged)
{
    struct db_rows *ids = NULL;
    uint64_t purged = 0;
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    struct db_param pl[] = {db_p_u64(limit ? limit : 1)};
    st = db_query(c, SQL_EXPIRED, pl, 1, &ids);
    size_t n = st == STATUS_OK ? db_rows_count(ids) : 0;
    for (size_t i = 0; i < n && st == STATUS_OK; i++) {
        uint64_t id = db_rows_u64(ids, i, 0);
        struct db_param p[] = {db_p_u64(id), db_p_u64(id)};
        uint64_t gone = 0;
        st = db_exec(c, SQL_PURGE_EMOTIONS, p, 1, NULL, NULL);
        if (st == STATUS_OK)
            st = db_exec(c, SQL_PURGE_OUTBOX, p, 1, NULL, NULL);
        if (st == STATUS_OK)
            st = db_exec(c, SQL_PURGE_RECS, p, 1, NULL, NULL);
        if (st == STATUS_OK)
            st = db_exec(c, SQL_PURGE_DIARY, p, 2, &gone, NULL);
        if (st == STATUS_OK && gone == 0)
            st = db_exec(c, SQL_SCRUB_DIARY, p, 1, NULL, NULL);
        purged++;
    }
    if (st == STATUS_OK)
        st = db_tx_commit(c);
    if (st != STATUS_OK) {
        db_tx_rollback(c);
        purged = 0;
    }
    db_rows_free(ids);
    if (out_purged)
        *out_purged = purged;
    return st;
}

/* ---- JSON ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *score(const struct db_rows *r, size_t i, size_t col)
{
    const char *s = db_rows_str(r, i, col);
    return json_real(s ? strtod(s, NULL) : 0.0);
}

json_t *db_diaries_json(const struct db_rows *r, size_t i, enum db_diary_view view)
{
    bool full = view == DB_DIARY_VIEW_FULL;
    bool analysed = !db_rows_is_null(r, i, DB_DIARY_EMO_VERSION);
    uint64_t version = db_rows_u64(r, i, DB_DIARY_VERSION);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)db_rows_u64(r, i, DB_DIARY_ID)));
    if (full)
        json_object_set_new(o, "userId",
                            json_integer((json_int_t)db_rows_u64(r, i, DB_DIARY_USER_ID)));
    json_object_set_new(o, "title", str_or_null(db_rows_str(r, i, DB_DIARY_TITLE)));
    if (full) {
        json_object_set_new(o, "content", str_or_null(db_rows_str(r, i, DB_DIARY_CONTENT)));
        json_object_set_new(o, "weather", str_or_null(db_rows_str(r, i, DB_DIARY_WEATHER)));
    }
    json_object_set_new(o, "publishedDate", str_or_null(db_rows_str(r, i, DB_DIARY_PUBLISHED)));
    json_object_set_new(o, "mood", str_or_null(db_rows_str(r, i, DB_DIARY_MOOD)));
    const char *tags_text = db_rows_str(r, i, DB_DIARY_TAGS);
    json_t *tags = tags_text ? json_loads(tags_text, 0, NULL) : NULL;
    if (!json_is_array(tags)) {
        json_decref(tags);
        tags = json_array();
    }
    json_object_set_new(o, "tags", tags);
    if (full)
        json_object_set_new(o, "version", json_integer((json_int_t)version));
    json_object_set_new(o, "emotion",
                        analysed ? str_or_null(db_rows_str(r, i, DB_DIARY_TOP_EMOTION))
                                 : json_null());
    if (full) {
        json_t *scores = json_null();
        if (analysed)
            scores =
                json_pack("{s:o,s:o,s:o,s:o,s:o}", "worryScore", score(r, i, DB_DIARY_WORRY),
                          "angryScore", score(r, i, DB_DIARY_ANGRY), "happyScore",
                          score(r, i, DB_DIARY_HAPPY), "excitedScore",
                          score(r, i, DB_DIARY_EXCITED), "sadScore", score(r, i, DB_DIARY_SAD));
        json_object_set_new(o, "emotionScores", scores ? scores : json_null());
    }
    json_t *analysis = json_object();
    json_object_set_new(analysis, "status", str_or_null(db_rows_str(r, i, DB_DIARY_STATUS)));
    uint64_t emo_version = analysed ? db_rows_u64(r, i, DB_DIARY_EMO_VERSION) : 0;
    json_object_set_new(analysis, "stale", json_boolean(analysed && emo_version < version));
    if (full) {
        json_object_set_new(analysis, "analyzedVersion",
                            analysed ? json_integer((json_int_t)emo_version) : json_null());
        json_object_set_new(analysis, "analyzerVersion",
                            analysed ? str_or_null(db_rows_str(r, i, DB_DIARY_ANALYZER_VERSION))
                                     : json_null());
        json_object_set_new(analysis, "analyzedAt",
                            analysed ? str_or_null(db_rows_str(r, i, DB_DIARY_ANALYZED_AT))
                                     : json_null());
    }
    json_object_set_new(o, "analysis", analysis);
    json_t *food = json_null();
    if (!db_rows_is_null(r, i, DB_DIARY_FOOD_ID)) {
        json_decref(food);
        food = json_object();
        json_object_set_new(food, "id",
                            json_integer((json_int_t)db_rows_u64(r, i, DB_DIARY_FOOD_ID)));
        json_object_set_new(food, "name", str_or_null(db_rows_str(r, i, DB_DIARY_FOOD_NAME)));
        json_object_set_new(food, "imageUrl", str_or_null(db_rows_str(r, i, DB_DIARY_FOOD_IMAGE)));
    }
    json_object_set_new(o, "recommendedFood", food);
    json_object_set_new(o, "createdAt", str_or_null(db_rows_str(r, i, DB_DIARY_CREATED_AT)));
    if (full)
        json_object_set_new(o, "updatedAt", str_or_null(db_rows_str(r, i, DB_DIARY_UPDATED_AT)));
    if (!db_rows_is_null(r, i, DB_DIARY_DELETED_AT))
        json_object_set_new(o, "deletedAt", str_or_null(db_rows_str(r, i, DB_DIARY_DELETED_AT)));
    return o;
}

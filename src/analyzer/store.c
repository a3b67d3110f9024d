/*
 * store.c - what eeum-analyzer reads and writes in MySQL: a diary's text and version, the
 * version-checked write of its analysis (scores, recommendations, analysis_status 'done') and
 * the dead-letter mark 'failed'. Every statement is prepared; the caller owns the transaction.
 */
#include "analyzer_internal.h"

#include "eeum/db.h"
#include "eeum/db_recommend.h"
#include "eeum/emotion.h"
#include "eeum/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_LOAD[] =
    "SELECT d.user_id, d.version, d.is_deleted, COALESCE(e.diary_version, 0), d.title, d.content "
    "FROM diaries d LEFT JOIN diary_emotions e ON e.diary_id = d.id WHERE d.id = ?";

/* Under the diary's row lock (and the analysis row's, when there is one), so a concurrent
 * PATCH or a second delivery of the same message waits for this transaction. */
static const char SQL_LOCK[] =
    "SELECT d.user_id, d.version, d.is_deleted, COALESCE(e.diary_version, 0) "
    "FROM diaries d LEFT JOIN diary_emotions e ON e.diary_id = d.id WHERE d.id = ? FOR UPDATE";

static const char SQL_UPSERT[] =
    "INSERT INTO diary_emotions (diary_id, diary_version, worry_score, angry_score, happy_score, "
    "excited_score, sad_score, top_emotion, analyzer_version, analyzed_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE "
    "diary_version = VALUES(diary_version), worry_score = VALUES(worry_score), "
    "angry_score = VALUES(angry_score), happy_score = VALUES(happy_score), "
    "excited_score = VALUES(excited_score), sad_score = VALUES(sad_score), "
    "top_emotion = VALUES(top_emotion), analyzer_version = VALUES(analyzer_version), "
    "analyzed_at = VALUES(analyzed_at)";

/* The analysis is not an edit by the user: updated_at keeps its value. */
static const char SQL_DONE[] =
    "UPDATE diaries SET analysis_status = 'done', updated_at = updated_at "
    "WHERE id = ? AND version = ?";

/* Only a version still waiting for its analysis turns 'failed': a newer version has its own
 * message, and a version analysed meanwhile (e.g. its delete was lost) stays 'done'. */
static const char SQL_FAILED[] =
    "UPDATE diaries SET analysis_status = 'failed', updated_at = updated_at "
    "WHERE id = ? AND version = ? AND user_id = ? AND is_deleted = 0 AND analysis_status = "
    "'pending'";

static const char SQL_SAVEPOINT[] = "SAVEPOINT analyzer_msg";
static const char SQL_ROLLBACK_SAVEPOINT[] = "ROLLBACK TO SAVEPOINT analyzer_msg";

static void state_from_row(const struct db_rows *r, struct analyzer_diary_state *st)
{
    st->exists = true;
    st->user_id = db_rows_u64(r, 0, 0);
    uint64_t v = db_rows_u64(r, 0, 1);
    st->version = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    st->deleted = db_rows_i64(r, 0, 2) != 0;
    uint64_t a = db_rows_u64(r, 0, 3);
    st->analysed_version = a > UINT32_MAX ? UINT32_MAX : (uint32_t)a;
}

enum status analyzer_store_load(struct db_conn *c, uint64_t diary_id,
                                struct analyzer_diary_state *out_state, char **out_text,
                                size_t *out_len)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(diary_id)};
    memset(out_state, 0, sizeof *out_state);
    *out_text = NULL;
    *out_len = 0;
    enum status st = db_query(c, SQL_LOAD, p, 1, &r);
    if (st != STATUS_OK)
        return st;
    if (db_rows_count(r) == 0)
        goto out;
    state_from_row(r, out_state);
    if (out_state->deleted)
        goto out;
    /* The classifier reads the title and the body as one text, the title first. */
    size_t tn = db_rows_len(r, 0, 4), cn = db_rows_len(r, 0, 5);
    const char *title = db_rows_str(r, 0, 4), *content = db_rows_str(r, 0, 5);
    char *text = malloc(tn + cn + 2);
    if (!text) {
        st = STATUS_INTERNAL;
        goto out;
    }
    if (tn)
        memcpy(text, title, tn);
    text[tn] = '\n';
    if (cn)
        memcpy(text + tn + 1, content, cn);
    text[tn + 1 + cn] = '\0';
    *out_text = text;
    *out_len = tn + 1 + cn;
out:
    db_rows_free(r);
    return st;
}

enum status analyzer_store_lock(struct db_conn *c, uint64_t diary_id,
                                struct analyzer_diary_state *out_state)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(diary_id)};
    memset(out_state, 0, sizeof *out_state);
    enum status st = db_query(c, SQL_LOCK, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) > 0)
        state_from_row(r, out_state);
    db_rows_free(r);
    return st;
}

enum status analyzer_store_write(struct db_conn *c, const struct analyzer_msg *m,
                                 const struct emotion_result *res, const char *model_version,
                                 const char *day)
{
    char score[EMOTION_LABELS][ANALYZER_SCORE_LEN];
    for (int i = 0; i < EMOTION_LABELS; i++)
        if (!analyzer_format_centi(res->centi[i], score[i]))
            return STATUS_INTERNAL;
    const char *top = emotion_label_ko(res->top);
    if (!top)
        return STATUS_INTERNAL;
    struct db_param up[] = {
        db_p_u64(m->diary_id), db_p_u64(m->version), db_p_str(score[0]),
        db_p_str(score[1]),    db_p_str(score[2]),   db_p_str(score[3]),
        db_p_str(score[4]),    db_p_str(top),        db_p_str(model_version),
    };
    enum status st = db_exec(c, SQL_UPSERT, up, sizeof up / sizeof up[0], NULL, NULL);
    if (st != STATUS_OK)
        return st;
    st = db_recommend_store(c, m->diary_id, m->version, m->user_id, res->centi, day);
    if (st != STATUS_OK) {
        log_warn("analyzer.recommend",
                 "diary %" PRIu64 " v%" PRIu32 ": storing recommendations: %s", m->diary_id,
                 m->version, status_name(st));
        return st;
    }
    struct db_param dp[] = {db_p_u64(m->diary_id), db_p_u64(m->version)};
    return db_exec(c, SQL_DONE, dp, 2, NULL, NULL);
}

enum status analyzer_store_mark_failed(struct db_conn *c, const struct analyzer_msg *m,
                                       bool *out_marked)
{
    struct db_param p[] = {db_p_u64(m->diary_id), db_p_u64(m->version), db_p_u64(m->user_id)};
    uint64_t affected = 0;
    enum status st = db_exec(c, SQL_FAILED, p, 3, &affected, NULL);
    *out_marked = st == STATUS_OK && affected > 0;
    return st;
}

enum status analyzer_store_savepoint(struct db_conn *c)
{
    return db_exec(c, SQL_SAVEPOINT, NULL, 0, NULL, NULL);
}

enum status analyzer_store_rollback_savepoint(struct db_conn *c)
{
    return db_exec(c, SQL_ROLLBACK_SAVEPOINT, NULL, 0, NULL, NULL);
}

/*
 * diaries.c - /api/diaries: create, list (filters and keyword search over the caller's own
 * diaries), detail, partial update, soft delete to a 30-day trash, trash list and restore.
 * Diaries are private: every statement is scoped to the caller, so another user's diary is
 * the same 404 as a missing one. A create or a title/content change commits the diary and
 * its outbox row together, then wakes the publisher; the response never waits for SQS.
 */
#include "eeum/app.h"
#include "eeum/db_diaries.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/publisher.h"
#include "eeum/search.h"
#include "eeum/validate.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PURGE_EVERY_S 60  /* trash purge at most once a minute per process */
#define PURGE_BATCH   500 /* diaries per purge run */

static const char MSG_NO_DIARY[] = "일기를 찾을 수 없습니다.";
static const char MSG_BAD_INPUT[] = "입력값이 올바르지 않습니다.";
static const char MSG_SEARCH_SLOW[] =
    "검색이 너무 오래 걸립니다. 검색어를 더 구체적으로 입력해 주세요.";

static _Atomic long long last_purge;

/* Today's date in APP_TZ (the process time zone is set to APP_TZ at start-up). */
static struct val_date today_local(void)
{
    time_t now = time(NULL);
    struct tm tm;
    struct val_date d = {1970, 1, 1};
    if (localtime_r(&now, &tm)) {
        d.year = tm.tm_year + 1900;
        d.month = tm.tm_mon + 1;
        d.day = tm.tm_mday;
    }
    return d;
}

static enum status validation_error(struct http_resp *resp, const struct val_result *v)
{
    return http_resp_error(resp, v->status, v->message, val_errors_json(v));
}

static enum status bad_param(struct http_resp *resp, const char *field, const char *message)
{
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", message));
    return http_resp_error(resp, STATUS_BAD_REQUEST, MSG_BAD_INPUT, errors);
}

static enum status not_found(struct http_resp *resp)
{
    return http_resp_error(resp, STATUS_NOT_FOUND, MSG_NO_DIARY, NULL);
}

static enum status read_paging(struct http_req *req, struct http_resp *resp, struct paging *p)
{
    struct val_result v;
    if (paging_parse(http_req_query(req, "page"), http_req_query(req, "elements"),
                     http_req_query(req, "cursor"), p, &v) != STATUS_OK)
        return validation_error(resp, &v);
    return STATUS_OK;
}

/* Page envelope from rows fetched with size + 1, plus nextCursor (null on the last page). */
static void respond_page(struct http_resp *resp, const struct paging *p, const struct db_rows *r,
                         uint64_t total)
{
    size_t n = db_rows_count(r);
    bool more = n > p->size;
    if (more)
        n = (size_t)p->size;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, db_diaries_json(r, i, DB_DIARY_VIEW_LIST));
    http_resp_page(resp, items, p->page, p->size, total);
    char cursor[PAGING_CURSOR_MAX];
    if (more && paging_cursor_encode(db_rows_str(r, n - 1, DB_DIARY_CURSOR_KEY),
                                     db_rows_u64(r, n - 1, DB_DIARY_ID), cursor))
        json_object_set_new(resp->json, "nextCursor", json_string(cursor));
    else
        json_object_set_new(resp->json, "nextCursor", json_null());
}

/* The caller's visible diary as an item (or 201 with Location when `created`). */
static enum status respond_diary(struct db_conn *db, uint64_t id, uint64_t user_id, bool created,
                                 struct http_resp *resp)
{
    struct db_rows *r = NULL;
    enum status st = db_diaries_get(db, id, user_id, &r);
    if (st == STATUS_NOT_FOUND)
        return not_found(resp);
    if (st != STATUS_OK)
        return st;
    json_t *item = db_diaries_json(r, 0, DB_DIARY_VIEW_FULL);
    db_rows_free(r);
    if (!created)
        return http_resp_item(resp, item);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/diaries/%llu", (unsigned long long)id);
    return http_resp_created(resp, item, loc);
}

enum status h_diaries_create(struct http_req *req, struct http_resp *resp)
{
    struct val_diary d;
    struct val_result v;
    val_diary_create(req->body, today_local(), &d, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    uint64_t id = 0;
    enum status st = db_diaries_create(db, req->user_id, &d, true, &id);
    if (st != STATUS_OK)
        return st;
    publisher_wake();
    return respond_diary(db, id, req->user_id, true, resp);
}

enum status h_diaries_list(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct val_diary_filter vf;
    struct val_result v;
    val_diary_filters(http_req_query(req, "from"), http_req_query(req, "to"),
                      http_req_query(req, "emotion"), http_req_query(req, "tag"),
                      http_req_query(req, "q"), &vf, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);

    char from[16], to[16], tag[4 * VAL_DIARY_TAG_MAX + 1];
    char likes[DB_DIARIES_MAX_WORDS][2 * SEARCH_MAX_WORD_BYTES + 8];
    struct db_diary_filter f = {0};
    if (vf.has_from) {
        snprintf(from, sizeof from, "%04d-%02d-%02d", vf.from.year, vf.from.month, vf.from.day);
        f.from = from;
    }
    if (vf.has_to) {
        snprintf(to, sizeof to, "%04d-%02d-%02d", vf.to.year, vf.to.month, vf.to.day);
        f.to = to;
    }
    if (vf.has_emotion)
        f.emotion = vf.emotion_label;
    if (vf.has_tag) {
        if (vf.tag.n >= sizeof tag)
            return bad_param(resp, "tag", "태그는 1~20자여야 합니다.");
        memcpy(tag, vf.tag.p, vf.tag.n);
        tag[vf.tag.n] = '\0';
        f.tag = tag;
    }
    if (vf.has_q) {
        struct search_query q;
        const char *msg = NULL;
        st = search_query_parse(vf.q.p, vf.q.n, &q, &msg);
        if (st == STATUS_BAD_REQUEST)
            return bad_param(resp, "q", msg);
        if (st != STATUS_OK)
            return st;
        for (size_t w = 0; w < q.nwords && w < DB_DIARIES_MAX_WORDS; w++) {
            if (!search_like_pattern(&q.words[w], likes[w], sizeof likes[w]))
                return STATUS_INTERNAL;
            f.likes[w] = likes[w];
        }
        f.nlikes = q.nwords < DB_DIARIES_MAX_WORDS ? q.nwords : DB_DIARIES_MAX_WORDS;
    }

    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    uint64_t total = 0;
    st = db_diaries_list(db, req->user_id, &f, &p, &r, &total);
    if (st != STATUS_OK) {
        if (db_errno_is_timeout(db_conn_last_errno(db)))
            return http_resp_error(resp, STATUS_UNAVAILABLE, MSG_SEARCH_SLOW, NULL);
        return st;
    }
    respond_page(resp, &p, r, total);
    db_rows_free(r);
    return STATUS_OK;
}

enum status h_diaries_detail(struct http_req *req, struct http_resp *resp)
{
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    return respond_diary(db, http_req_param(req, "id"), req->user_id, false, resp);
}

enum status h_diaries_update(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct val_diary d;
    struct val_result v;
    val_diary_update(req->body, today_local(), &d, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    bool requeued = false;
    enum status st = db_diaries_update(db, id, req->user_id, &d, &requeued);
    if (st == STATUS_NOT_FOUND)
        return not_found(resp);
    if (st != STATUS_OK)
        return st;
    if (requeued)
        publisher_wake();
    return respond_diary(db, id, req->user_id, false, resp);
}

enum status h_diaries_delete(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = db_diaries_delete(db, id, req->user_id);
    if (st == STATUS_NOT_FOUND)
        return not_found(resp);
    if (st != STATUS_OK)
        return st;
    return http_resp_item(resp, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* Purge expired trash now and then (at most every PURGE_EVERY_S seconds per process); a
 * failure is logged and retried on a later request. */
static void maybe_purge(struct db_conn *db)
{
    long long now = (long long)time(NULL);
    long long last = atomic_load(&last_purge);
    if (now - last < PURGE_EVERY_S || !atomic_compare_exchange_strong(&last_purge, &last, now))
        return;
    uint64_t purged = 0;
    if (db_diaries_purge_trash(db, PURGE_BATCH, &purged) != STATUS_OK)
        log_warn("diaries.purge", "expired trash not purged; retried later");
    else if (purged)
        log_info("diaries.purge", "purged %llu diaries older than %d days in the trash",
                 (unsigned long long)purged, DB_DIARIES_TRASH_DAYS);
}

enum status h_diaries_trash(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    maybe_purge(db);
    struct db_rows *r = NULL;
    uint64_t total = 0;
    st = db_diaries_trash(db, req->user_id, &p, &r, &total);
    if (st != STATUS_OK)
        return st;
    respond_page(resp, &p, r, total);
    db_rows_free(r);
    return STATUS_OK;
}

enum status h_diaries_restore(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = db_diaries_restore(db, id, req->user_id);
    if (st == STATUS_NOT_FOUND)
        return not_found(resp);
    if (st != STATUS_OK)
        return st;
    publisher_wake();
    return respond_diary(db, id, req->user_id, false, resp);
}

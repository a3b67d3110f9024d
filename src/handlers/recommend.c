/*
 * recommend.c - the snack catalogue (GET /api/foods, public), the caller's food preferences
 * (GET/PUT /api/users/me/food-preferences), a diary's recommendations
 * (GET /api/diaries/:id/recommendations) and feedback on one recommendation
 * (POST /api/recommendations/:id/feedback). Ranking and validation are src/recommend/'s;
 * another user's diary or recommendation is a 404 (never reveal that it exists).
 */
#include "eeum/db_recommend.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/recommend.h"
#include "eeum/validate.h"

#include <stdlib.h>
#include <string.h>

static const char MSG_DIARY_NOT_FOUND[] = "일기를 찾을 수 없습니다.";
static const char MSG_REC_NOT_FOUND[] = "추천을 찾을 수 없습니다.";
static const char MSG_ATE[] = "ate는 true 또는 false여야 합니다.";
static const char MSG_LIKED[] = "liked는 true 또는 false여야 합니다.";

static enum status validation_error(struct http_resp *resp, const struct val_result *v)
{
    return http_resp_error(resp, v->status, v->message, val_errors_json(v));
}

/* GET /api/foods?page=&elements= : the catalogue by id, in the page envelope. */
enum status h_foods_list(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    struct val_result v;
    if (paging_parse(http_req_query(req, "page"), http_req_query(req, "elements"), NULL, &p, &v) !=
        STATUS_OK)
        return validation_error(resp, &v);
    if (http_req_query(req, "cursor")) {
        val_result_init(&v);
        val_fail(&v, "cursor", "음식 목록은 cursor를 지원하지 않습니다. page를 사용해 주세요.");
        return validation_error(resp, &v);
    }
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct reco_catalogue *cat = NULL;
    enum status st = db_recommend_catalogue(db, &cat);
    if (st != STATUS_OK)
        return st;
    json_t *items = json_array();
    for (uint64_t i = p.offset; items && i < cat->nfoods && i < p.offset + p.size; i++)
        json_array_append_new(items, reco_food_json(&cat->foods[i], true));
    uint64_t total = cat->nfoods;
    reco_cache_put(cat);
    if (!items)
        return STATUS_INTERNAL;
    /* The page envelope of http_resp_page, dumped here with a short real precision so that an
     * affinity of 0.15 reads 0.15 rather than 0.14999999999999999. */
    json_t *page = json_pack("{s:b, s:I, s:I, s:I, s:I, s:o}", "success", 1, "totalPages",
                             (json_int_t)((total + p.size - 1) / p.size), "totalElements",
                             (json_int_t)total, "page", (json_int_t)p.page, "numOfItems",
                             (json_int_t)json_array_size(items), "items", items);
    char *text = page ? json_dumps(page, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(page);
    st = text ? http_resp_raw(resp, 200, "application/json; charset=utf-8", text, strlen(text))
              : STATUS_INTERNAL;
    free(text);
    if (st == STATUS_OK)
        http_resp_header(resp, "Cache-Control", "no-store");
    return st;
}

static enum status respond_prefs(struct db_conn *db, uint64_t user_id, struct http_resp *resp)
{
    struct reco_prefs prefs;
    enum status st = db_recommend_prefs_get(db, user_id, &prefs);
    if (st != STATUS_OK)
        return st;
    json_t *item = reco_prefs_json(&prefs);
    return item ? http_resp_item(resp, item) : STATUS_INTERNAL;
}

/* GET /api/users/me/food-preferences (defaults when never saved). */
enum status h_food_prefs_get(struct http_req *req, struct http_resp *resp)
{
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    return respond_prefs(db, req->user_id, resp);
}

/* PUT /api/users/me/food-preferences: the fields present replace the stored ones (read, merge
 * and write under the row's lock, so concurrent partial saves do not lose each other). */
enum status h_food_prefs_put(struct http_req *req, struct http_resp *resp)
{
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct reco_catalogue *cat = NULL;
    enum status st = db_recommend_catalogue(db, &cat);
    if (st != STATUS_OK)
        return st;
    struct reco_prefs prefs;
    struct val_result v;
    val_result_init(&v);
    st = db_tx_begin(db);
    if (st == STATUS_OK)
        st = db_recommend_prefs_lock(db, req->user_id, &prefs);
    if (st == STATUS_OK) {
        reco_prefs_parse(req->body, cat, &prefs, &v);
        if (v.status == STATUS_OK)
            st = db_recommend_prefs_put(db, req->user_id, &prefs);
    }
    if (st == STATUS_OK && v.status == STATUS_OK)
        st = db_tx_commit(db);
    else
        db_tx_rollback(db);
    reco_cache_put(cat);
    if (st != STATUS_OK)
        return st;
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    json_t *item = reco_prefs_json(&prefs);
    return item ? http_resp_item(resp, item) : STATUS_INTERNAL;
}

/*
 * GET /api/diaries/:id/recommendations: the picks of the diary's analysed version, best first.
 * Picks that the caller's current preferences rule out (an allergy or dislike added after the
 * analysis) are left out rather than shown.
 */
enum status h_diary_recommendations(struct http_req *req, struct http_resp *resp)
{
    uint64_t diary_id = http_req_param(req, "id");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    struct reco_catalogue *cat = NULL;
    json_t *items = NULL;
    enum status st = db_recommend_list(db, req->user_id, diary_id, &r);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_DIARY_NOT_FOUND, NULL);
    if (st != STATUS_OK)
        goto out;
    struct reco_prefs prefs;
    st = db_recommend_prefs_get(db, req->user_id, &prefs);
    if (st == STATUS_OK)
        st = db_recommend_catalogue(db, &cat);
    if (st != STATUS_OK)
        goto out;
    items = json_array();
    if (!items) {
        st = STATUS_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < db_rows_count(r); i++) {
        if (db_rows_is_null(r, i, DB_RECO_ID))
            continue; /* not analysed yet: the LEFT JOIN row of the diary alone */
        long k = reco_catalogue_find(cat, db_rows_u64(r, i, DB_RECO_FOOD_ID));
        if (k < 0) {
            log_warn("reco.list", "recommendation %llu names food %llu missing from the catalogue",
                     (unsigned long long)db_rows_u64(r, i, DB_RECO_ID),
                     (unsigned long long)db_rows_u64(r, i, DB_RECO_FOOD_ID));
            continue;
        }
        const struct reco_food *f = &cat->foods[k];
        if (!reco_food_allowed(f, &prefs))
            continue;
        const char *reason = db_rows_str(r, i, DB_RECO_REASON);
        json_array_append_new(
            items, json_pack("{s:I, s:o, s:s}", "id", (json_int_t)db_rows_u64(r, i, DB_RECO_ID),
                             "food", reco_food_json(f, false), "reason", reason ? reason : ""));
    }
    st = http_resp_item(resp, items);
    items = NULL;
out:
    json_decref(items);
    reco_cache_put(cat);
    db_rows_free(r);
    return st;
}

/* A required JSON boolean. */
static bool read_bool(const json_t *body, const char *key, const char *msg, bool *out,
                      struct val_result *v)
{
    const json_t *j = json_object_get(body, key);
    if (!json_is_boolean(j)) {
        val_fail(v, key, msg);
        return false;
    }
    *out = json_is_true(j);
    return true;
}

/*
 * POST /api/recommendations/:id/feedback {"ate": bool, "liked": bool}: one answer per user and
 * recommendation; posting again replaces the answer (idempotent, 200 both times).
 */
enum status h_recommendation_feedback(struct http_req *req, struct http_resp *resp)
{
    uint64_t rec_id = http_req_param(req, "id");
    struct val_result v;
    val_result_init(&v);
    bool ate = false, liked = false;
    if (!json_is_object(req->body)) {
        val_fail(&v, "body", VAL_MSG_NOT_OBJECT);
    } else {
        read_bool(req->body, "ate", MSG_ATE, &ate, &v);
        read_bool(req->body, "liked", MSG_LIKED, &liked, &v);
    }
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    uint64_t food_id = 0;
    bool created = false;
    enum status st =
        db_recommend_feedback(db, req->user_id, rec_id, ate, liked, &food_id, &created);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_REC_NOT_FOUND, NULL);
    if (st != STATUS_OK)
        return st;
    json_t *item = json_pack("{s:I, s:I, s:b, s:b}", "recommendationId", (json_int_t)rec_id,
                             "foodId", (json_int_t)food_id, "ate", ate, "liked", liked);
    return item ? http_resp_item(resp, item) : STATUS_INTERNAL;
}

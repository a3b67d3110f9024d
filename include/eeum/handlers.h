/*
 * handlers.h - the route table of eeum-api and the handlers it names.
 */
#ifndef EEUM_HANDLERS_H
#define EEUM_HANDLERS_H

#include "eeum/http.h"
#include "eeum/router.h"

#include <stddef.h>

/* The static route table (read-only, shared). */
extern const struct route API_ROUTES[];
extern const size_t API_ROUTES_COUNT;

/* Middleware for ROUTE_AUTH routes: STATUS_OK with req->user_id set, or an error status with the
 * error body in resp (401 for a missing/invalid/expired token or a deleted user). */
enum status h_auth_authenticate(struct http_req *req, struct http_resp *resp);

/* Middleware for ROUTE_DOCS_AUTH routes: 404 when the docs are off, 401 with
 * `WWW-Authenticate: Basic realm="eeum-docs"` without valid credentials. */
enum status h_docs_authenticate(struct http_req *req, struct http_resp *resp);
enum status h_docs_page(struct http_req *req, struct http_resp *resp);
enum status h_docs_json(struct http_req *req, struct http_resp *resp);
enum status h_docs_asset(struct http_req *req, struct http_resp *resp);

enum status h_users_sign_up(struct http_req *req, struct http_resp *resp);
enum status h_users_login(struct http_req *req, struct http_resp *resp);
enum status h_users_me(struct http_req *req, struct http_resp *resp);
enum status h_users_update(struct http_req *req, struct http_resp *resp);
enum status h_users_delete(struct http_req *req, struct http_resp *resp);

struct strbuf;
/* The profile item JSON of registered user `id` (user cache or database), appended to `out`
 * unless NULL; STATUS_NOT_FOUND when the user is deleted or unknown. Thread-safe. */
enum status h_users_profile(struct http_req *req, uint64_t id, struct strbuf *out);

struct db_rows;
/* Post JSON of SPEC §4 from a db_boards row (new reference). */
json_t *h_boards_post_json(const struct db_rows *r, size_t i);

enum status h_boards_create(struct http_req *req, struct http_resp *resp);
enum status h_boards_list(struct http_req *req, struct http_resp *resp);
enum status h_boards_mine(struct http_req *req, struct http_resp *resp);
enum status h_boards_detail(struct http_req *req, struct http_resp *resp);
enum status h_boards_update(struct http_req *req, struct http_resp *resp);
enum status h_boards_delete(struct http_req *req, struct http_resp *resp);
enum status h_boards_search(struct http_req *req, struct http_resp *resp);
enum status h_comments_list(struct http_req *req, struct http_resp *resp);
enum status h_comments_create(struct http_req *req, struct http_resp *resp);
enum status h_comments_update(struct http_req *req, struct http_resp *resp);
enum status h_comments_delete(struct http_req *req, struct http_resp *resp);

/* /api/diaries (src/handlers/diaries.c) */
enum status h_diaries_create(struct http_req *req, struct http_resp *resp);
enum status h_diaries_list(struct http_req *req, struct http_resp *resp);
enum status h_diaries_detail(struct http_req *req, struct http_resp *resp);
enum status h_diaries_update(struct http_req *req, struct http_resp *resp);
enum status h_diaries_delete(struct http_req *req, struct http_resp *resp);
enum status h_diaries_trash(struct http_req *req, struct http_resp *resp);
enum status h_diaries_restore(struct http_req *req, struct http_resp *resp);

/* /api/diaries calendar, stats, export and import (src/handlers/diary_reports.c) */
enum status h_diary_reports_calendar(struct http_req *req, struct http_resp *resp);
enum status h_diary_reports_stats(struct http_req *req, struct http_resp *resp);
enum status h_diary_reports_export(struct http_req *req, struct http_resp *resp);
enum status h_diary_reports_import(struct http_req *req, struct http_resp *resp);

/* Snack catalogue, food preferences, recommendations and feedback (src/handlers/recommend.c) */
enum status h_foods_list(struct http_req *req, struct http_resp *resp);
enum status h_food_prefs_get(struct http_req *req, struct http_resp *resp);
enum status h_food_prefs_put(struct http_req *req, struct http_resp *resp);
enum status h_diary_recommendations(struct http_req *req, struct http_resp *resp);
enum status h_recommendation_feedback(struct http_req *req, struct http_resp *resp);

enum status h_health_live(struct http_req *req, struct http_resp *resp);
enum status h_health_ready(struct http_req *req, struct http_resp *resp);
enum status h_health_metrics(struct http_req *req, struct http_resp *resp);

#endif

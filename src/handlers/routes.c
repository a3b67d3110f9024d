/*
 * routes.c - the route table of eeum-api: method, pattern, handler, flags.
 * Patterns use typed `:id` parameters (positive 64-bit integers); order does not matter.
 */
#include "eeum/handlers.h"

const struct route API_ROUTES[] = {
    {HTTP_GET, "/healthz", h_health_live, 0},
    {HTTP_GET, "/readyz", h_health_ready, 0},
    {HTTP_GET, "/metrics", h_health_metrics, 0},

    {HTTP_GET, "/backend-docs", h_docs_page, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs-json", h_docs_json, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs/swagger-ui.css", h_docs_asset, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs/swagger-ui-bundle.js", h_docs_asset, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs/swagger-ui-standalone-preset.js", h_docs_asset, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs/swagger-initializer.js", h_docs_asset, ROUTE_DOCS_AUTH},
    {HTTP_GET, "/backend-docs/favicon-32x32.png", h_docs_asset, ROUTE_DOCS_AUTH},

    {HTTP_POST, "/api/users/sign-up", h_users_sign_up, ROUTE_BODY_JSON},
    {HTTP_POST, "/api/users/login", h_users_login, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/users/me", h_users_me, ROUTE_AUTH},
    {HTTP_POST, "/api/users/profile", h_users_me, ROUTE_AUTH | ROUTE_BODY_OPTIONAL},
    {HTTP_PUT, "/api/users/:id", h_users_update, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_DELETE, "/api/users/:id", h_users_delete, ROUTE_AUTH},

    {HTTP_POST, "/api/boards", h_boards_create, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_GET, "/api/boards", h_boards_list, 0},
    {HTTP_GET, "/api/boards/my-boards", h_boards_mine, ROUTE_AUTH},
    {HTTP_GET, "/api/boards/search", h_boards_search, 0},
    {HTTP_GET, "/api/boards/detail/:id", h_boards_detail, 0},
    {HTTP_GET, "/api/boards/:id", h_boards_detail, 0},
    {HTTP_PATCH, "/api/boards/:id", h_boards_update, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_DELETE, "/api/boards/:id", h_boards_delete, ROUTE_AUTH},
    {HTTP_GET, "/api/boards/:boardId/comments", h_comments_list, 0},
    {HTTP_POST, "/api/boards/:boardId/comments", h_comments_create, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_PATCH, "/api/boards/:boardId/comments/:commentId", h_comments_update,
     ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_DELETE, "/api/boards/:boardId/comments/:commentId", h_comments_delete, ROUTE_AUTH},

    {HTTP_GET, "/api/diaries/calendar", h_diary_reports_calendar, ROUTE_AUTH},
    {HTTP_GET, "/api/diaries/stats", h_diary_reports_stats, ROUTE_AUTH},
    {HTTP_GET, "/api/diaries/export", h_diary_reports_export, ROUTE_AUTH},
    {HTTP_POST, "/api/diaries/import", h_diary_reports_import, ROUTE_AUTH | ROUTE_BODY_JSON},

    {HTTP_POST, "/api/diaries", h_diaries_create, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_GET, "/api/diaries", h_diaries_list, ROUTE_AUTH},
    {HTTP_GET, "/api/diaries/trash", h_diaries_trash, ROUTE_AUTH},
    {HTTP_GET, "/api/diaries/detail/:id", h_diaries_detail, ROUTE_AUTH},
    {HTTP_GET, "/api/diaries/:id", h_diaries_detail, ROUTE_AUTH},
    {HTTP_PATCH, "/api/diaries/:id", h_diaries_update, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_DELETE, "/api/diaries/:id", h_diaries_delete, ROUTE_AUTH},
    {HTTP_POST, "/api/diaries/:id/restore", h_diaries_restore, ROUTE_AUTH | ROUTE_BODY_OPTIONAL},

    {HTTP_GET, "/api/foods", h_foods_list, 0},
    {HTTP_GET, "/api/users/me/food-preferences", h_food_prefs_get, ROUTE_AUTH},
    {HTTP_PUT, "/api/users/me/food-preferences", h_food_prefs_put, ROUTE_AUTH | ROUTE_BODY_JSON},
    {HTTP_GET, "/api/diaries/:id/recommendations", h_diary_recommendations, ROUTE_AUTH},
    {HTTP_POST, "/api/recommendations/:id/feedback", h_recommendation_feedback,
     ROUTE_AUTH | ROUTE_BODY_JSON},
};

const size_t API_ROUTES_COUNT = sizeof API_ROUTES / sizeof API_ROUTES[0];

/*
 * auth.c - the bearer-token middleware: the server calls h_auth_authenticate for every route
 * flagged ROUTE_AUTH, so handlers never repeat it. A token must verify (HS256, unexpired) AND
 * name a user that is still registered: a deleted user's tokens stop working at once in this
 * process, and within USER_CACHE_TTL_MS in the others (the user cache, see users.c).
 */
#include "eeum/app.h"
#include "eeum/db_users.h"
#include "eeum/handlers.h"
#include "eeum/jwt.h"

#include <string.h>
#include <strings.h>
#include <time.h>

enum status h_auth_authenticate(struct http_req *req, struct http_resp *resp)
{
    const char *h = http_req_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return http_resp_error(resp, STATUS_UNAUTHORIZED, "로그인이 필요합니다.", NULL);
    const char *token = h + 7;
    while (*token == ' ')
        token++;
    struct jwt_claims claims;
    const struct app *app = req->app;
    if (jwt_verify(app->jwt_secret, app->jwt_secret_len, token, (int64_t)time(NULL), &claims) !=
        STATUS_OK)
        return http_resp_error(resp, STATUS_UNAUTHORIZED,
                               "인증 토큰이 유효하지 않거나 만료되었습니다.", NULL);
    enum status st;
    if (app->user_cache) {
        /* Cached for USER_CACHE_TTL_MS; this process forgets a user it updates or deletes. */
        st = h_users_profile(req, claims.id, NULL);
    } else {
        struct db_conn *db = http_req_db(req);
        if (!db)
            return STATUS_UNAVAILABLE;
        char role[16];
        st = db_users_active_role(db, claims.id, role);
    }
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, STATUS_UNAUTHORIZED,
                               "인증 토큰이 유효하지 않거나 만료되었습니다.", NULL);
    if (st != STATUS_OK)
        return st;
    req->user_id = claims.id;
    return STATUS_OK;
}

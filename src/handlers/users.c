/*
 * users.c - /api/users: sign-up, login (JWT), profile, partial update, soft delete.
 * Validation is the validate layer's (a result value, never a 5xx); uniqueness is the
 * database's (unique indexes, reported as 409); passwords are argon2id (password.h).
 */
#include "eeum/app.h"
#include "eeum/cache.h"
#include "eeum/caches.h"
#include "eeum/db_users.h"
#include "eeum/handlers.h"
#include "eeum/jwt.h"
#include "eeum/log.h"
#include "eeum/password.h"
#include "eeum/ratelimit.h"
#include "eeum/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char MSG_LOGIN_FAILED[] = "이메일 또는 비밀번호가 올바르지 않습니다.";
static const char MSG_LOGIN_LIMITED[] = "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.";
static const char MSG_EMAIL_TAKEN[] = "이미 사용 중인 이메일입니다.";
static const char MSG_NICKNAME_TAKEN[] = "이미 사용 중인 닉네임입니다.";
static const char MSG_NOT_SELF[] = "본인의 계정만 변경할 수 있습니다.";

#define PROFILE_MAX_BYTES (256u * 1024)

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

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The user JSON of SPEC §4 from a db_users_find row (never the password hash). */
static json_t *user_json(const struct db_rows *r)
{
    int y = 0, m = 0, d = 0;
    const char *birth = db_rows_str(r, 0, DB_USER_BIRTH_DATE);
    if (birth)
        (void)sscanf(birth, "%d-%d-%d", &y, &m, &d);
    json_t *name =
        json_pack("{s:o,s:o}", "firstName", str_or_null(db_rows_str(r, 0, DB_USER_FIRST_NAME)),
                  "lastName", str_or_null(db_rows_str(r, 0, DB_USER_LAST_NAME)));
    json_t *birth_info = json_pack("{s:i,s:i,s:i}", "year", y, "month", m, "date", d);
    json_t *address =
        json_pack("{s:o,s:o,s:o}", "zipCode", str_or_null(db_rows_str(r, 0, DB_USER_ZIP)),
                  "mainAddress", str_or_null(db_rows_str(r, 0, DB_USER_MAIN_ADDRESS)),
                  "detailAddress", str_or_null(db_rows_str(r, 0, DB_USER_DETAIL_ADDRESS)));
    json_t *u = json_object();
    json_object_set_new(u, "id", json_integer((json_int_t)db_rows_u64(r, 0, DB_USER_ID)));
    json_object_set_new(u, "email", str_or_null(db_rows_str(r, 0, DB_USER_EMAIL)));
    json_object_set_new(u, "nameInfo", name);
    json_object_set_new(u, "nickname", str_or_null(db_rows_str(r, 0, DB_USER_NICKNAME)));
    json_object_set_new(u, "phoneNumber", str_or_null(db_rows_str(r, 0, DB_USER_PHONE)));
    json_object_set_new(u, "gender", str_or_null(db_rows_str(r, 0, DB_USER_GENDER)));
    json_object_set_new(u, "birthInfo", birth_info);
    json_object_set_new(u, "profilePhotoUrl", str_or_null(db_rows_str(r, 0, DB_USER_PHOTO_URL)));
    json_object_set_new(u, "role", str_or_null(db_rows_str(r, 0, DB_USER_ROLE)));
    json_object_set_new(u, "status", str_or_null(db_rows_str(r, 0, DB_USER_STATUS)));
    json_object_set_new(u, "addressInfo", address);
    json_object_set_new(u, "createdAt", str_or_null(db_rows_str(r, 0, DB_USER_CREATED_AT)));
    json_object_set_new(u, "updatedAt", str_or_null(db_rows_str(r, 0, DB_USER_UPDATED_AT)));
    return u;
}

/* Load user `id` and answer with it (200, or 201 with Location when `created`). */
static enum status respond_user(struct db_conn *db, uint64_t id, bool created,
                                struct http_resp *resp)
{
    struct db_rows *r = NULL;
    enum status st = db_users_find(db, id, &r);
    if (st != STATUS_OK)
        return st;
    json_t *u = user_json(r);
    db_rows_free(r);
    if (!created)
        return http_resp_item(resp, u);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/users/%llu", (unsigned long long)id);
    return http_resp_created(resp, u, loc);
}

/*
 * The profile item JSON of a registered user, from the user cache (USER_CACHE_TTL_MS) or the
 * database, appended to `out` when non-NULL. STATUS_NOT_FOUND for a deleted or unknown user.
 * The auth middleware calls it for every authenticated request (existence is the check), so
 * a GET /api/users/me right after costs no database round trip at all.
 */
enum status h_users_profile(struct http_req *req, uint64_t id, struct strbuf *out)
{
    struct cache *cache = req->app->user_cache;
    const struct cache_val *v = NULL;
    if (cache && cache_get(cache, id, 0, &v) == CACHE_HIT) {
        bool ok = !out || strbuf_append(out, cache_val_data(v), cache_val_len(v));
        cache_val_release(v);
        return ok ? STATUS_OK : STATUS_INTERNAL;
    }
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    /* Before the read: an update or delete committed after it outdates the ticket. */
    uint64_t ticket = cache ? cache_ticket(cache, id) : 0;
    struct db_rows *r = NULL;
    enum status st = db_users_find(db, id, &r);
    if (st != STATUS_OK)
        return st;
    json_t *u = user_json(r);
    db_rows_free(r);
    char *text = json_dumps(u, JSON_COMPACT);
    json_decref(u);
    if (!text)
        return STATUS_INTERNAL;
    size_t len = strlen(text);
    if (cache)
        (void)cache_put(cache, id, text, len, req->app->cfg->user_cache_ttl_ms, ticket);
    bool ok = !out || strbuf_append(out, text, len);
    free(text);
    return ok ? STATUS_OK : STATUS_INTERNAL;
}

/* After this process changed or deleted user `id` (and committed). */
static void forget_user(struct http_req *req, uint64_t id)
{
    if (req->app->user_cache)
        cache_invalidate(req->app->user_cache, id);
}

static enum status validation_error(struct http_resp *resp, const struct val_result *v)
{
    return http_resp_error(resp, v->status, v->message, val_errors_json(v));
}

/* 409 naming the taken field. */
static enum status conflict(struct db_conn *db, struct http_resp *resp)
{
    const char *field = db_users_conflict_field(db);
    const char *msg = field && strcmp(field, "email") == 0 ? MSG_EMAIL_TAKEN : MSG_NICKNAME_TAKEN;
    json_t *errors = NULL;
    if (field) {
        errors = json_array();
        json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", msg));
    }
    return http_resp_error(resp, STATUS_CONFLICT, field ? msg : NULL, errors);
}

enum status h_users_sign_up(struct http_req *req, struct http_resp *resp)
{
    struct val_user u;
    struct val_result v;
    val_user_signup(req->body, today_local(), &u, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(u.password.p, u.password.n, hash) != 0) {
        log_error("users.hash", "argon2id hashing failed (out of memory?)");
        return STATUS_INTERNAL;
    }
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    uint64_t id = 0;
    enum status st = db_users_insert(db, &u, hash, &id);
    if (st == STATUS_CONFLICT)
        return conflict(db, resp);
    if (st != STATUS_OK)
        return st;
    log_info("users.sign_up", "user %llu registered", (unsigned long long)id);
    return respond_user(db, id, true, resp);
}

static enum status too_many(struct http_resp *resp, unsigned wait_s)
{
    char retry[16];
    snprintf(retry, sizeof retry, "%u", wait_s ? wait_s : 1);
    enum status st = http_resp_error(resp, STATUS_TOO_MANY_REQUESTS, MSG_LOGIN_LIMITED, NULL);
    http_resp_header(resp, "Retry-After", retry);
    return st;
}

enum status h_users_login(struct http_req *req, struct http_resp *resp)
{
    struct app *app = req->app;
    struct val_user u;
    struct val_result v;
    val_login(req->body, &u, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);

    char ip_key[RATELIMIT_KEY_MAX], email_key[RATELIMIT_KEY_MAX];
    snprintf(ip_key, sizeof ip_key, "ip:%s", req->client_ip);
    snprintf(email_key, sizeof email_key, "email:%s", u.email);
    int64_t now = (int64_t)time(NULL);
    /* Each attempt is counted as a failure BEFORE the slow password check (and forgiven when it
     * succeeds), so concurrent guesses can never exceed the limits. An email no account can
     * have (has_email false) shares no per-email counter. */
    unsigned wait_ip = ratelimit_acquire(app->login_ip_limit, ip_key, now);
    if (wait_ip)
        return too_many(resp, wait_ip);
    unsigned wait_email =
        u.has_email ? ratelimit_acquire(app->login_email_limit, email_key, now) : 0;
    if (wait_email) {
        ratelimit_forgive(app->login_ip_limit, ip_key);
        return too_many(resp, wait_email);
    }

    uint64_t id = 0;
    char hash[DB_USER_HASH_MAX], role[16];
    struct db_conn *db = http_req_db(req);
    enum status st = STATUS_UNAVAILABLE;
    if (db)
        st = u.has_email ? db_users_find_login(db, u.email, &id, hash, role) : STATUS_NOT_FOUND;
    bool ok = false;
    if (st == STATUS_OK)
        ok = password_verify(hash, u.password.p, u.password.n);
    else if (st == STATUS_NOT_FOUND)
        ok = password_verify_dummy(u.password.p, u.password.n); /* same cost, always false */
    if (ok || (st != STATUS_OK && st != STATUS_NOT_FOUND)) {
        /* Success, or our fault (database down): not a failed guess. */
        ratelimit_forgive(app->login_ip_limit, ip_key);
        if (u.has_email)
            ratelimit_forgive(app->login_email_limit, email_key);
    }
    if (st != STATUS_OK && st != STATUS_NOT_FOUND)
        return st;
    if (!ok)
        return http_resp_error(resp, STATUS_UNAUTHORIZED, MSG_LOGIN_FAILED, NULL);
    ratelimit_reset(app->login_email_limit, email_key);
    if (password_needs_rehash(hash)) {
        char fresh[PASSWORD_HASH_MAX];
        if (password_hash(u.password.p, u.password.n, fresh) == 0)
            (void)db_users_set_hash(db, id, fresh);
    }
    struct jwt_claims c = {.id = id, .iat = now, .exp = now + JWT_LIFETIME_S};
    snprintf(c.email, sizeof c.email, "%s", u.email);
    snprintf(c.role, sizeof c.role, "%s", role);
    char token[JWT_MAX_LEN];
    if (jwt_sign(app->jwt_secret, app->jwt_secret_len, &c, token, sizeof token) < 0)
        return STATUS_INTERNAL;
    return http_resp_item(resp, json_pack("{s:s}", "jwtToken", token));
}

enum status h_users_me(struct http_req *req, struct http_resp *resp)
{
    struct strbuf sb;
    strbuf_init(&sb, PROFILE_MAX_BYTES);
    enum status st = h_users_profile(req, req->user_id, &sb);
    if (st == STATUS_OK)
        st = caches_resp_item_text(resp, sb.data, sb.len);
    strbuf_free(&sb);
    return st;
}

enum status h_users_update(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    if (id != req->user_id)
        return http_resp_error(resp, STATUS_FORBIDDEN, MSG_NOT_SELF, NULL);
    struct val_user u;
    struct val_result v;
    val_user_update(req->body, &u, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    char hash[PASSWORD_HASH_MAX];
    if (u.has_password && password_hash(u.password.p, u.password.n, hash) != 0)
        return STATUS_INTERNAL;
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = db_users_update(db, id, &u, u.has_password ? hash : NULL);
    forget_user(req, id); /* also after a failure: the outcome may be unknown */
    if (st == STATUS_CONFLICT)
        return conflict(db, resp);
    if (st != STATUS_OK)
        return st;
    return respond_user(db, id, false, resp);
}

enum status h_users_delete(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    if (id != req->user_id)
        return http_resp_error(resp, STATUS_FORBIDDEN, MSG_NOT_SELF, NULL);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = db_users_soft_delete(db, id);
    forget_user(req, id);
    if (st != STATUS_OK)
        return st;
    log_info("users.delete", "user %llu deleted", (unsigned long long)id);
    return http_resp_item(resp, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

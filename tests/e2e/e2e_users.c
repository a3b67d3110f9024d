/*
 * e2e_users.c - the users routes seen from a frontend: sign-up (normalisation, every validation
 * rule, 409 on a taken email or nickname, a sign-up race), login (the JWT it returns, one
 * message for every failure, per-email and per-IP limits), the bearer-token check on /me and
 * /profile (forged, tampered and expired tokens), partial update and soft delete. Runs against
 * the stack of `scripts/eeum test`; the per-IP limit is tested on a private eeum-api
 * ($EEUM_API_BIN) started with LOGIN_IP_MAX_FAILURES=3, because every test request comes from
 * 127.0.0.1 and the shared instance relaxes that limit. Tokens are forged with libsodium and
 * the JWT_SECRET the harness exports.
 */
#include "e2e_client.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define JWT_LIFETIME 10800 /* SPEC §4: 3 h */

/* ---- small helpers ------------------------------------------------------------------------ */

static void sign_up(json_t *body, struct e2e_resp *out)
{
    e2e_post_json_at(e2e_base(), "/api/users/sign-up", NULL, body, out);
}

static void login(const char *email, const char *password, struct e2e_resp *out)
{
    e2e_login_at(e2e_base(), email, password, out);
}

static void user_path(char *out, size_t n, uint64_t id)
{
    snprintf(out, n, "/api/users/%llu", (unsigned long long)id);
}

/* GET /api/users/me with `token` (200 expected); the item is a new reference. */
static json_t *get_me(const char *token)
{
    struct e2e_resp r;
    assert_int_equal(e2e_get("/api/users/me", token, &r), 0);
    e2e_expect_status(&r, 200, "GET /me");
    json_t *it = json_incref(e2e_item_of(&r));
    e2e_resp_free(&r);
    assert_non_null(it);
    return it;
}

static void put_user(const char *token, uint64_t id, json_t *body, struct e2e_resp *out)
{
    char path[64];
    user_path(path, sizeof path, id);
    assert_int_equal(e2e_jsonv("PUT", path, token, body, out), 0);
}

static void delete_user(const char *token, uint64_t id, struct e2e_resp *out)
{
    char path[64];
    user_path(path, sizeof path, id);
    assert_int_equal(e2e_json("DELETE", path, token, NULL, out), 0);
}

/* True when s holds a Hangul syllable (U+AC00..U+D7A3: UTF-8 lead bytes 0xEA..0xED). */
static bool has_hangul(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0xEA && (unsigned char)*s <= 0xED)
            return true;
    return false;
}

/* A 400/409 whose `errors` names exactly `fields` (each once, each with a Korean message). */
static void assert_error_fields(const struct e2e_resp *r, long status, const char *const *fields,
                                size_t n, const char *what)
{
    if (r->status != status)
        fprintf(stderr, "%s: expected %ld, got %ld: %s\n", what, status, r->status, r->body);
    e2e_assert_error(r, status);
    assert_true(has_hangul(e2e_str_at(r->json, "message")));
    json_t *errors = json_object_get(r->json, "errors");
    if (!json_is_array(errors) || json_array_size(errors) != n)
        fprintf(stderr, "%s: expected %zu error(s), got %s\n", what, n, r->body);
    assert_true(json_is_array(errors));
    assert_int_equal(json_array_size(errors), n);
    for (size_t i = 0; i < n; i++) {
        size_t seen = 0;
        size_t k;
        json_t *e;
        json_array_foreach(errors, k, e)
        {
            const char *f = e2e_str_at(e, "field");
            const char *m = e2e_str_at(e, "message");
            assert_non_null(f);
            assert_non_null(m);
            assert_true(has_hangul(m));
            if (strcmp(f, fields[i]) == 0)
                seen++;
        }
        if (seen != 1)
            fprintf(stderr, "%s: field %s listed %zu times: %s\n", what, fields[i], seen, r->body);
        assert_int_equal(seen, 1);
    }
}

/* True when any key anywhere in v contains "password" or "hash" (case-insensitive). */
static bool has_secret_key(const json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)(uintptr_t)v, k, x)
        {
            if (strcasestr(k, "password") || strcasestr(k, "hash") || has_secret_key(x))
                return true;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (has_secret_key(x))
                return true;
        }
    }
    return false;
}

static void append_utf8(char *buf, size_t *pos, unsigned cp)
{
    buf[(*pos)++] = (char)(0xE0 | (cp >> 12));
    buf[(*pos)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[(*pos)++] = (char)(0x80 | (cp & 0x3F));
    buf[*pos] = '\0';
}

/* `n` copies of the Hangul syllable U+AC00+k (3 bytes each) as a JSON string (new ref). */
static json_t *hangul(size_t n, unsigned k)
{
    char buf[4 * 256 + 1];
    size_t pos = 0;
    assert_true(n <= 256);
    for (size_t i = 0; i < n; i++)
        append_utf8(buf, &pos, 0xAC00 + k);
    return json_string(buf);
}

/* `n` copies of U+1F35C (a bowl of ramen, 4 bytes in UTF-8) as a JSON string (new ref). */
static json_t *emoji(size_t n)
{
    char buf[4 * 64 + 1];
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + 4 * i, "\xF0\x9F\x8D\x9C", 4);
    buf[4 * n] = '\0';
    return json_string(buf);
}

/* prefix + `n` copies of `c` + suffix (new ref). */
static json_t *padded(const char *prefix, char c, size_t n, const char *suffix)
{
    char buf[1024];
    size_t pl = strlen(prefix), sl = strlen(suffix);
    assert_true(pl + n + sl < sizeof buf);
    memcpy(buf, prefix, pl);
    memset(buf + pl, c, n);
    memcpy(buf + pl + n, suffix, sl + 1);
    return json_string(buf);
}

static int this_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

/* ---- JWT helpers (libsodium) -------------------------------------------------------------- */

static void b64url(const void *data, size_t len, char *out, size_t outlen)
{
    assert_true(sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING) <= outlen);
    sodium_bin2base64(out, outlen, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The JSON of one base64url segment (new ref), or NULL. */
static json_t *segment_json(const char *seg, size_t n)
{
    unsigned char buf[E2E_TOKEN_MAX];
    size_t bin = 0;
    if (sodium_base642bin(buf, sizeof buf, seg, n, NULL, &bin, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return NULL;
    json_error_t err;
    return json_loadb((const char *)buf, bin, 0, &err);
}

/* Splits a compact token; false unless it has exactly three non-empty parts. */
static bool token_parts(const char *t, const char **p1, size_t *n1, const char **p2, size_t *n2)
{
    const char *d1 = strchr(t, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.') || d1 == t || d2 == d1 + 1 || d2[1] == '\0')
        return false;
    *p1 = t;
    *n1 = (size_t)(d1 - t);
    *p2 = d1 + 1;
    *n2 = (size_t)(d2 - d1 - 1);
    return true;
}

enum mac_kind { MAC_NONE, MAC_HS256, MAC_HS512 };

/* header_json.payload signed with `secret` by `mac` (MAC_NONE: empty signature). */
static void forge(const char *header_json, const json_t *payload, enum mac_kind mac,
                  const char *secret, char *out, size_t outlen)
{
    char *ptext = json_dumps(payload, JSON_COMPACT);
    assert_non_null(ptext);
    char h[512], p[1024];
    b64url(header_json, strlen(header_json), h, sizeof h);
    b64url(ptext, strlen(ptext), p, sizeof p);
    free(ptext);
    int n = snprintf(out, outlen, "%s.%s.", h, p);
    assert_true(n > 0 && (size_t)n < outlen);
    size_t signed_len = (size_t)n - 1; /* without the trailing dot */
    unsigned char sig[crypto_auth_hmacsha512_BYTES];
    size_t siglen = 0;
    if (mac == MAC_HS256) {
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, signed_len);
        crypto_auth_hmacsha256_final(&st, sig);
        siglen = crypto_auth_hmacsha256_BYTES;
    } else if (mac == MAC_HS512) {
        crypto_auth_hmacsha512_state st;
        crypto_auth_hmacsha512_init(&st, (const unsigned char *)secret, strlen(secret));
        crypto_auth_hmacsha512_update(&st, (const unsigned char *)out, signed_len);
        crypto_auth_hmacsha512_final(&st, sig);
        siglen = crypto_auth_hmacsha512_BYTES;
    }
    if (siglen)
        b64url(sig, siglen, out + n, outlen - (size_t)n);
}

static const char HS256_HEADER[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

/* The claims the server would put in a token of `u` (new ref). */
static json_t *claims_of(const struct e2e_user *u, long long iat, long long exp)
{
    return json_pack("{s:I,s:s,s:s,s:I,s:I}", "id", (json_int_t)u->id, "email", u->email, "role",
                     "USER", "iat", (json_int_t)iat, "exp", (json_int_t)exp);
}

/* ---- a private eeum-api (per-IP login limit) ---------------------------------------------- */

static pid_t g_private_pid = -1;

/* Never leave the private server behind, even when a test failed half-way. */
static int kill_private_api(void **state)
{
    (void)state;
    if (g_private_pid > 0) {
        kill(g_private_pid, SIGKILL);
        waitpid(g_private_pid, NULL, 0);
        g_private_pid = -1;
    }
    return 0;
}

/* ---- 1. sign-up --------------------------------------------------------------------------- */

static void sign_up_is_201_with_normalised_user_and_location(void **state)
{
    (void)state;
    char email[96], nick[32], upper[96];
    e2e_fresh_names("u", email, sizeof email, nick, sizeof nick);
    for (size_t i = 0; i <= strlen(email); i++)
        upper[i] = (email[i] >= 'a' && email[i] <= 'z') ? (char)(email[i] - 32) : email[i];
    json_t *b = e2e_signup_body(upper, nick);
    json_object_set_new(b, "phoneNumber", json_string("01012345678"));
    json_object_set_new(b, "zipCode", json_integer(6035));
    json_object_set_new(b, "gender", json_string("female"));
    json_object_set_new(b, "firstName", json_string("  길동  "));
    json_object_set_new(b, "profilePhotoUrl", json_string("https://cdn.example.com/p/1.png"));
    /* Fields a client must not choose are ignored like any unknown key. */
    json_object_set_new(b, "role", json_string("ADMIN"));
    json_object_set_new(b, "status", json_string("DELETED"));
    json_object_set_new(b, "id", json_integer(999999999));
    long long before = (long long)time(NULL);
    struct e2e_resp r;
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "sign-up");
    assert_true(json_is_true(json_object_get(r.json, "success")));
    json_t *u = e2e_item_of(&r);
    assert_true(json_is_object(u));

    /* Exactly the fields of SPEC §4, nothing secret. */
    static const char *const keys[] = {"id",          "email",  "nameInfo",    "nickname",
                                       "phoneNumber", "gender", "birthInfo",   "profilePhotoUrl",
                                       "role",        "status", "addressInfo", "createdAt",
                                       "updatedAt"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!json_object_get(u, keys[i]))
            fprintf(stderr, "missing key %s in %s\n", keys[i], r.body);
        assert_non_null(json_object_get(u, keys[i]));
    }
    assert_int_equal(json_object_size(u), sizeof keys / sizeof keys[0]);
    assert_false(has_secret_key(r.json));
    assert_null(strstr(r.body, "$argon2"));
    assert_null(strstr(r.body, E2E_PASSWORD));

    json_int_t id = json_integer_value(json_object_get(u, "id"));
    assert_true(json_is_integer(json_object_get(u, "id")) && id > 0 && id != 999999999);
    assert_string_equal(e2e_str_at(u, "email"), email); /* lower-cased */
    assert_string_equal(e2e_str_at(json_object_get(u, "nameInfo"), "firstName"),
                        "길동"); /* trimmed */
    assert_string_equal(e2e_str_at(json_object_get(u, "nameInfo"), "lastName"), "홍");
    assert_string_equal(e2e_str_at(u, "nickname"), nick);
    assert_string_equal(e2e_str_at(u, "phoneNumber"), "010-1234-5678");
    assert_string_equal(e2e_str_at(u, "gender"), "FEMALE");
    json_t *birth = json_object_get(u, "birthInfo");
    assert_int_equal(json_integer_value(json_object_get(birth, "year")), 1995);
    assert_int_equal(json_integer_value(json_object_get(birth, "month")), 3);
    assert_int_equal(json_integer_value(json_object_get(birth, "date")), 14);
    assert_string_equal(e2e_str_at(u, "profilePhotoUrl"), "https://cdn.example.com/p/1.png");
    assert_string_equal(e2e_str_at(u, "role"), "USER");
    assert_string_equal(e2e_str_at(u, "status"), "ACTIVE");
    json_t *addr = json_object_get(u, "addressInfo");
    assert_string_equal(e2e_str_at(addr, "zipCode"), "06035");
    assert_string_equal(e2e_str_at(addr, "mainAddress"), "서울특별시 강남구 테헤란로 1");
    assert_string_equal(e2e_str_at(addr, "detailAddress"), "101동 1001호");

    long long created = e2e_parse_instant(e2e_str_at(u, "createdAt"));
    long long updated = e2e_parse_instant(e2e_str_at(u, "updatedAt"));
    if (created < 0 || updated < 0)
        fprintf(stderr, "bad instants in %s\n", r.body);
    assert_true(created >= 0 && updated >= 0);
    /* UTC and now (same machine clock), not the server's local time. */
    assert_true(created >= before - 120 && created <= (long long)time(NULL) + 120);
    assert_true(updated >= created);

    char loc[128], want[64];
    assert_true(e2e_header(&r, "Location", loc, sizeof loc));
    user_path(want, sizeof want, (uint64_t)id);
    assert_string_equal(loc, want);

    /* The profile the user then sees is the same user. */
    struct e2e_user me = {.id = (uint64_t)id};
    snprintf(me.email, sizeof me.email, "%s", upper); /* login is case-insensitive too */
    snprintf(me.password, sizeof me.password, "%s", E2E_PASSWORD);
    e2e_user_login_at(e2e_base(), &me);
    json_t *got = get_me(me.token);
    assert_true(json_equal(got, u));
    json_decref(got);
    e2e_resp_free(&r);
}

static void boundary_lengths_count_characters_and_are_accepted(void **state)
{
    (void)state;
    /* 60-char email, 72-char password, a 40-char Korean first name (120 bytes), a 40-emoji last
     * name (160 bytes), a 20-char Korean nickname (60 bytes), 200-char Korean addresses, a
     * 512-char photo URL: every limit counts characters, and the maximum itself is allowed. */
    const char *u = e2e_unique();
    char email[64];
    size_t local = 60 - strlen("@example.com");
    snprintf(email, sizeof email, "u%s", u);
    memset(email + strlen(email), 'a', local - strlen(email));
    snprintf(email + local, sizeof email - local, "@example.com");
    assert_int_equal(strlen(email), 60);

    char nick[4 * 20 + 1];
    size_t pos = 0;
    for (size_t i = 0; i < 20; i++) {
        unsigned k = 0;
        if (i < strlen(u)) {
            char c = u[i];
            k = 1 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10);
        }
        append_utf8(nick, &pos, 0xAC00 + k * 28);
    }

    char pw[73];
    memset(pw, 'x', 72);
    memcpy(pw, "Aa1-", 4);
    pw[72] = '\0';

    json_t *b = e2e_signup_body(email, nick);
    json_object_set_new(b, "password", json_string(pw));
    json_object_set_new(b, "firstName", hangul(40, 1));
    json_object_set_new(b, "lastName", emoji(40));
    json_object_set_new(b, "mainAddress", hangul(200, 3));
    json_object_set_new(b, "detailAddress", hangul(200, 4));
    json_object_set_new(
        b, "profilePhotoUrl",
        padded("https://cdn.example.com/", 'p', 512 - strlen("https://cdn.example.com/"), ""));
    struct e2e_resp r;
    sign_up(b, &r);
    e2e_expect_status(&r, 201, "boundary sign-up");
    json_t *it = e2e_item_of(&r);
    assert_string_equal(e2e_str_at(it, "email"), email);
    assert_string_equal(e2e_str_at(it, "nickname"), nick);
    assert_true(json_equal(json_object_get(json_object_get(it, "nameInfo"), "firstName"),
                           json_object_get(b, "firstName")));
    assert_true(json_equal(json_object_get(json_object_get(it, "nameInfo"), "lastName"),
                           json_object_get(b, "lastName")));
    assert_true(json_equal(json_object_get(json_object_get(it, "addressInfo"), "mainAddress"),
                           json_object_get(b, "mainAddress")));
    assert_true(json_equal(json_object_get(json_object_get(it, "addressInfo"), "detailAddress"),
                           json_object_get(b, "detailAddress")));
    assert_true(
        json_equal(json_object_get(it, "profilePhotoUrl"), json_object_get(b, "profilePhotoUrl")));
    e2e_resp_free(&r);
    json_decref(b);
    /* The 72-character password is the one that logs in. */
    login(email, pw, &r);
    e2e_expect_status(&r, 200, "login with a 72-char password");
    e2e_resp_free(&r);
    /* ...all of it: the same password without its last character does not. */
    pw[71] = '\0';
    login(email, pw, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
}

/* ---- 2. validation ------------------------------------------------------------------------ */

struct bad_case {
    const char *what;
    const char *key;
    json_t *value; /* new ref; NULL removes the key */
    const char *field;
};

static void each_sign_up_rule_is_400_naming_that_field(void **state)
{
    (void)state;
    char future[16];
    snprintf(future, sizeof future, "%d", this_year() + 1);
    struct bad_case cases[] = {
        {"email without @", "email", json_string("not-an-email"), "email"},
        {"email with two @", "email", json_string("a@b@example.com"), "email"},
        {"email 61 chars", "email", padded("", 'a', 61 - 12, "@example.com"), "email"},
        {"email as number", "email", json_integer(123), "email"},
        {"email missing", "email", NULL, "email"},
        {"password 7 chars", "password", json_string("Abcde1!"), "password"},
        {"password 73 chars", "password", padded("Aa1", 'x', 70, ""), "password"},
        {"password all digits", "password", json_string("1234567890"), "password"},
        {"password all lower", "password", json_string("abcdefghij"), "password"},
        {"password as number", "password", json_integer(12345678), "password"},
        {"firstName 41 Korean chars", "firstName", hangul(41, 1), "firstName"},
        {"firstName blank", "firstName", json_string("   "), "firstName"},
        {"lastName 41 chars", "lastName", padded("", 'k', 41, ""), "lastName"},
        {"lastName 41 emoji", "lastName", emoji(41), "lastName"},
        {"nickname with a newline", "nickname", json_string("ab\ncd"), "nickname"},
        {"firstName with a control character", "firstName", json_string("a\x01b"), "firstName"},
        {"nickname 1 char", "nickname", json_string("a"), "nickname"},
        {"nickname 21 chars", "nickname", padded("n", 'x', 20, ""), "nickname"},
        {"nickname 21 Korean chars", "nickname", hangul(21, 5), "nickname"},
        {"phone landline", "phoneNumber", json_string("02-123-4567"), "phoneNumber"},
        {"phone 010 with 3-digit middle", "phoneNumber", json_string("010-123-4567"),
         "phoneNumber"},
        {"phone as number", "phoneNumber", json_integer(1012345678), "phoneNumber"},
        {"gender X", "gender", json_string("X"), "gender"},
        {"birth 2023-02-29", "birthMonth", json_integer(2), "birthDate"},
        {"birth in the future", "birthYear", json_string(future), "birthDate"},
        {"birthMonth 13", "birthMonth", json_integer(13), "birthDate"},
        {"birth before 1900", "birthYear", json_integer(1899), "birthDate"},
        {"birthDate 0", "birthDate", json_integer(0), "birthDate"},
        {"birthYear not a number", "birthYear", json_string("abc"), "birthYear"},
        {"zip 4 digits", "zipCode", json_string("1234"), "zipCode"},
        {"zip 6 digits", "zipCode", json_string("123456"), "zipCode"},
        {"zip letters", "zipCode", json_string("abcde"), "zipCode"},
        {"zip number too big", "zipCode", json_integer(123456), "zipCode"},
        {"mainAddress 201 chars", "mainAddress", hangul(201, 6), "mainAddress"},
        {"mainAddress missing", "mainAddress", NULL, "mainAddress"},
        {"detailAddress 201 chars", "detailAddress", padded("", 'd', 201, ""), "detailAddress"},
        {"photo ftp", "profilePhotoUrl", json_string("ftp://x"), "profilePhotoUrl"},
        {"photo javascript", "profilePhotoUrl", json_string("javascript:alert(1)"),
         "profilePhotoUrl"},
        {"photo 513 chars", "profilePhotoUrl", padded("https://a.example.com/", 'p', 491, ""),
         "profilePhotoUrl"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bad_case *c = &cases[i];
        char email[96], nick[32];
        e2e_fresh_names("u", email, sizeof email, nick, sizeof nick);
        json_t *b = e2e_signup_body(email, nick);
        if (strcmp(c->what, "birth 2023-02-29") == 0) {
            json_object_set_new(b, "birthYear", json_integer(2023));
            json_object_set_new(b, "birthDate", json_integer(29));
        }
        if (strcmp(c->what, "birth in the future") == 0) {
            json_object_set_new(b, "birthMonth", json_integer(1));
            json_object_set_new(b, "birthDate", json_integer(1));
        }
        if (c->value)
            json_object_set_new(b, c->key, c->value);
        else
            json_object_del(b, c->key);
        struct e2e_resp r;
        sign_up(b, &r);
        json_decref(b);
        const char *fields[] = {c->field};
        assert_error_fields(&r, 400, fields, 1, c->what);
        e2e_resp_free(&r);
    }
}

static void every_failing_sign_up_field_is_listed_and_nothing_is_stored(void **state)
{
    (void)state;
    /* An empty object: every required field. */
    struct e2e_resp r;
    assert_int_equal(e2e_json("POST", "/api/users/sign-up", NULL, "{}", &r), 0);
    const char *required[] = {"email",      "password",    "firstName", "lastName",
                              "nickname",   "phoneNumber", "gender",    "birthYear",
                              "birthMonth", "birthDate",   "zipCode",   "mainAddress"};
    assert_error_fields(&r, 400, required, sizeof required / sizeof required[0], "empty sign-up");
    e2e_resp_free(&r);

    /* Six bad values at once, the rest valid. */
    char email[96], nick[32];
    e2e_fresh_names("u", email, sizeof email, nick, sizeof nick);
    json_t *b = e2e_signup_body("bad-email", nick);
    json_object_set_new(b, "password", json_string("short"));
    json_object_set_new(b, "nickname", json_string("x"));
    json_object_set_new(b, "phoneNumber", json_string("02-123-4567"));
    json_object_set_new(b, "gender", json_string("X"));
    json_object_set_new(b, "zipCode", json_string("1234"));
    sign_up(b, &r);
    json_decref(b);
    const char *six[] = {"email", "password", "nickname", "phoneNumber", "gender", "zipCode"};
    assert_error_fields(&r, 400, six, 6, "six bad fields");
    e2e_resp_free(&r);

    /* A rejected sign-up stores nothing: its email and nickname are still free. */
    b = e2e_signup_body(email, "x");
    sign_up(b, &r);
    const char *nickonly[] = {"nickname"};
    assert_error_fields(&r, 400, nickonly, 1, "bad nickname only");
    e2e_resp_free(&r);
    json_object_set_new(b, "nickname", json_string(nick));
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "sign-up after the fix");
    e2e_resp_free(&r);
}

/* ---- 3. conflicts ------------------------------------------------------------------------- */

static void taken_email_in_other_case_or_taken_nickname_is_409(void **state)
{
    (void)state;
    struct e2e_user a;
    e2e_new_user_at(e2e_base(), "u", &a, false);

    char email2[96], nick2[32], upper[96];
    e2e_fresh_names("u", email2, sizeof email2, nick2, sizeof nick2);
    for (size_t i = 0; i <= strlen(a.email); i++)
        upper[i] = (a.email[i] >= 'a' && a.email[i] <= 'z') ? (char)(a.email[i] - 32) : a.email[i];
    json_t *b = e2e_signup_body(upper, nick2);
    struct e2e_resp r;
    sign_up(b, &r);
    json_decref(b);
    const char *email_f[] = {"email"};
    assert_error_fields(&r, 409, email_f, 1, "same email, other case");
    e2e_resp_free(&r);

    b = e2e_signup_body(email2, a.nickname);
    sign_up(b, &r);
    json_decref(b);
    const char *nick_f[] = {"nickname"};
    assert_error_fields(&r, 409, nick_f, 1, "same nickname");
    e2e_resp_free(&r);

    /* Neither attempt left a row behind: both fresh names are still usable together. */
    b = e2e_signup_body(email2, nick2);
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "fresh names after the 409s");
    e2e_resp_free(&r);
    e2e_user_free(&a);
}

#define RACERS 10

/* POST bodies[i] (taken: freed here) to `path` from n threads released at once (e2e_race); the
 * answers land in out[i]. */
static void race(const char *path, char **bodies, struct e2e_racer *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = (struct e2e_racer){.method = "POST", .path = path, .body = bodies[i]};
    e2e_race(out, n);
    for (int i = 0; i < n; i++) {
        free(bodies[i]);
        out[i].body = NULL;
    }
}

static void simultaneous_sign_ups_with_one_email_give_one_201_and_nine_409(void **state)
{
    (void)state;
    char email[96], nick[32];
    e2e_fresh_names("u", email, sizeof email, nick, sizeof nick);
    char *bodies[RACERS];
    for (int i = 0; i < RACERS; i++) {
        char e[96], n[32];
        e2e_fresh_names("u", e, sizeof e, n, sizeof n); /* one email, ten different nicknames */
        json_t *b = e2e_signup_body(email, n);
        bodies[i] = json_dumps(b, JSON_COMPACT);
        json_decref(b);
    }
    struct e2e_racer racers[RACERS];
    race("/api/users/sign-up", bodies, racers, RACERS);
    int created = 0, conflicts = 0;
    json_int_t winner = 0;
    for (int i = 0; i < RACERS; i++) {
        if (racers[i].status == 201) {
            created++;
            winner = racers[i].id;
        } else if (racers[i].status == 409) {
            conflicts++;
        } else {
            fprintf(stderr, "racer %d: status %ld\n", i, racers[i].status);
        }
    }
    assert_int_equal(created, 1);
    assert_int_equal(conflicts, RACERS - 1);
    /* The one account that exists is the winner's. */
    struct e2e_user u = {0};
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.password, sizeof u.password, "%s", E2E_PASSWORD);
    e2e_user_login_at(e2e_base(), &u);
    json_t *me = get_me(u.token);
    assert_int_equal(json_integer_value(json_object_get(me, "id")), winner);
    json_decref(me);
}

/* ---- 4. login ----------------------------------------------------------------------------- */

static void login_returns_a_3h_hs256_token_with_the_claims(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user_at(e2e_base(), "u", &u, false);
    long long now = (long long)time(NULL);
    struct e2e_resp r;
    login(u.email, u.password, &r);
    e2e_expect_status(&r, 200, "login");
    assert_true(json_is_true(json_object_get(r.json, "success")));
    json_t *it = e2e_item_of(&r);
    assert_int_equal(json_object_size(it), 1);
    const char *t = e2e_str_at(it, "jwtToken");
    assert_non_null(t);
    const char *h, *p;
    size_t hn, pn;
    assert_true(token_parts(t, &h, &hn, &p, &pn));
    json_t *hdr = segment_json(h, hn);
    assert_non_null(hdr);
    assert_string_equal(e2e_str_at(hdr, "alg"), "HS256");
    json_decref(hdr);
    json_t *c = segment_json(p, pn);
    assert_non_null(c);
    assert_true(json_is_integer(json_object_get(c, "id")));
    assert_int_equal(json_integer_value(json_object_get(c, "id")), (json_int_t)u.id);
    assert_string_equal(e2e_str_at(c, "email"), u.email);
    assert_string_equal(e2e_str_at(c, "role"), "USER");
    json_t *iat = json_object_get(c, "iat"), *exp = json_object_get(c, "exp");
    assert_true(json_is_integer(iat) && json_is_integer(exp));
    assert_int_equal(json_integer_value(exp) - json_integer_value(iat), JWT_LIFETIME);
    assert_true(json_integer_value(iat) >= now - 60 && json_integer_value(iat) <= now + 60);
    json_decref(c);
    e2e_resp_free(&r);

    /* The email is matched case-insensitively and trimmed, the password is not. */
    char upper[96];
    for (size_t i = 0; i <= strlen(u.email); i++)
        upper[i] = (u.email[i] >= 'a' && u.email[i] <= 'z') ? (char)(u.email[i] - 32) : u.email[i];
    login(upper, u.password, &r);
    e2e_expect_status(&r, 200, "login with upper-case email");
    e2e_resp_free(&r);
    login(u.email, " " E2E_PASSWORD, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    e2e_user_free(&u);
}

/* The body without requestId (new ref). */
static json_t *without_request_id(const struct e2e_resp *r)
{
    json_t *c = json_deep_copy(r->json);
    assert_non_null(c);
    json_object_del(c, "requestId");
    return c;
}

static void unknown_email_and_wrong_password_fail_identically(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user_at(e2e_base(), "u", &u, false);
    char ghost[96], nick[32];
    e2e_fresh_names("u", ghost, sizeof ghost, nick, sizeof nick);
    struct e2e_resp wrong, unknown, toolong;
    login(u.email, "Wrong-pass-9", &wrong);
    login(ghost, "Wrong-pass-9", &unknown);
    char longmail[128];
    memset(longmail, 'a', 100);
    snprintf(longmail + 100, sizeof longmail - 100, "@example.com");
    login(longmail, "Wrong-pass-9", &toolong);
    e2e_assert_error(&wrong, 401);
    e2e_assert_error(&unknown, 401);
    e2e_assert_error(&toolong, 401);
    json_t *a = without_request_id(&wrong), *b = without_request_id(&unknown),
           *c = without_request_id(&toolong);
    if (!json_equal(a, b) || !json_equal(a, c))
        fprintf(stderr, "bodies differ:\n%s\n%s\n%s\n", wrong.body, unknown.body, toolong.body);
    assert_true(json_equal(a, b));
    assert_true(json_equal(a, c));
    assert_null(json_object_get(wrong.json, "errors"));
    json_decref(a);
    json_decref(b);
    json_decref(c);
    e2e_resp_free(&wrong);
    e2e_resp_free(&unknown);
    e2e_resp_free(&toolong);
    e2e_user_free(&u);
}

static unsigned retry_after(const struct e2e_resp *r)
{
    char v[32];
    assert_true(e2e_header(r, "Retry-After", v, sizeof v));
    char *end = NULL;
    unsigned long s = strtoul(v, &end, 10);
    assert_true(end != v && *end == '\0');
    return (unsigned)s;
}

static void five_failures_for_one_email_block_it_with_429_and_retry_after(void **state)
{
    (void)state;
    struct e2e_user u, other;
    e2e_new_user_at(e2e_base(), "u", &u, false);
    e2e_new_user_at(e2e_base(), "u", &other, false);
    char upper[96];
    for (size_t i = 0; i <= strlen(u.email); i++)
        upper[i] = (u.email[i] >= 'a' && u.email[i] <= 'z') ? (char)(u.email[i] - 32) : u.email[i];
    const char *lm = getenv("LOGIN_MAX_FAILURES");
    int limit = lm && *lm ? (int)strtol(lm, NULL, 10) : 5; /* the server's default */
    struct e2e_resp r;
    for (int i = 0; i < limit; i++) {
        /* The same account whatever the case of its email. */
        login(i % 2 ? upper : u.email, "Wrong-pass-9", &r);
        e2e_assert_error(&r, 401);
        e2e_resp_free(&r);
    }
    login(u.email, "Wrong-pass-9", &r);
    e2e_assert_error(&r, 429);
    unsigned wait = retry_after(&r);
    const char *lw = getenv("LOGIN_WINDOW");
    unsigned window = lw && *lw ? (unsigned)strtoul(lw, NULL, 10) : 900;
    assert_true(wait >= 1 && wait <= window);
    e2e_resp_free(&r);
    /* Blocked means blocked: the right password does not get through either. */
    login(u.email, u.password, &r);
    e2e_assert_error(&r, 429);
    assert_true(retry_after(&r) >= 1);
    e2e_resp_free(&r);
    /* Another account is not affected. */
    login(other.email, other.password, &r);
    e2e_expect_status(&r, 200, "login of another account");
    e2e_resp_free(&r);
    e2e_user_free(&u);
    e2e_user_free(&other);
}

/*
 * Wrong passwords sent at the same time must not get more guesses evaluated than the limit:
 * every attempt is counted before the (slow, argon2id) password check. At most
 * LOGIN_MAX_FAILURES of them are answered 401, the rest 429.
 */
static void concurrent_wrong_passwords_get_no_more_than_the_limit_of_401s(void **state)
{
    (void)state;
    const char *lm = getenv("LOGIN_MAX_FAILURES");
    int limit = lm && *lm ? (int)strtol(lm, NULL, 10) : 5;
    enum { N = 20 };
    struct e2e_user u;
    e2e_new_user_at(e2e_base(), "u", &u, false);
    char *bodies[N];
    for (int i = 0; i < N; i++) {
        char pw[32];
        snprintf(pw, sizeof pw, "Wrong-pass-%d", i);
        json_t *b = json_pack("{s:s,s:s}", "email", u.email, "password", pw);
        bodies[i] = json_dumps(b, JSON_COMPACT);
        json_decref(b);
    }
    struct e2e_racer racers[N];
    race("/api/users/login", bodies, racers, N);
    int unauthorized = 0, limited = 0;
    for (int i = 0; i < N; i++) {
        if (racers[i].status == 401)
            unauthorized++;
        else if (racers[i].status == 429)
            limited++;
        else
            fprintf(stderr, "login racer %d: status %ld\n", i, racers[i].status);
    }
    e2e_user_free(&u);
    if (unauthorized > limit)
        fprintf(stderr,
                "%d concurrent wrong passwords for one email were evaluated "
                "(401), the limit is %d\n",
                unauthorized, limit);
    assert_int_equal(unauthorized + limited, N);
    assert_true(unauthorized >= 1);
    assert_true(unauthorized <= limit);
}

static void per_ip_failures_block_that_ip_on_a_private_instance(void **state)
{
    (void)state;
    char base[64];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-users-ip-limit.log",
                                      "LOGIN_IP_MAX_FAILURES=3");
    g_private_pid = pid;
    struct e2e_user u;
    e2e_new_user_at(base, "u", &u, false);
    struct e2e_resp r;
    e2e_login_at(base, u.email, u.password, &r);
    e2e_expect_status(&r, 200, "login before any failure");
    e2e_resp_free(&r);
    /* Three failures, each for a different email (the per-email limit is not reached). */
    for (int i = 0; i < 3; i++) {
        char ghost[96], nick[32];
        e2e_fresh_names("u", ghost, sizeof ghost, nick, sizeof nick);
        e2e_login_at(base, ghost, "Wrong-pass-9", &r);
        e2e_assert_error(&r, 401);
        e2e_resp_free(&r);
    }
    char ghost[96], nick[32];
    e2e_fresh_names("u", ghost, sizeof ghost, nick, sizeof nick);
    e2e_login_at(base, ghost, "Wrong-pass-9", &r);
    e2e_assert_error(&r, 429);
    assert_true(retry_after(&r) >= 1);
    e2e_resp_free(&r);
    /* The whole IP is blocked, right passwords included. */
    e2e_login_at(base, u.email, u.password, &r);
    e2e_assert_error(&r, 429);
    assert_true(retry_after(&r) >= 1);
    e2e_resp_free(&r);
    /* The limit lives in that process: the shared instance still lets the user in. */
    login(u.email, u.password, &r);
    e2e_expect_status(&r, 200, "login on the shared instance");
    e2e_resp_free(&r);
    e2e_user_free(&u);

    assert_int_equal(kill(pid, SIGTERM), 0);
    int st = e2e_wait_exit(pid, 15000);
    g_private_pid = -1;
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- 5. /me, /profile and the bearer check ------------------------------------------------ */

static void me_and_profile_return_the_callers_user(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    json_t *me = get_me(u.token);
    assert_true(json_equal(me, u.json));
    assert_false(has_secret_key(me));

    struct e2e_resp r;
    char auth[E2E_TOKEN_MAX + 64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", u.token);
    const char *hdrs[] = {auth, NULL};
    /* The old frontend posts without a body, or with an empty JSON object. */
    assert_int_equal(e2e_request(e2e_base(), "POST", "/api/users/profile", hdrs, NULL, NULL, 0, &r),
                     0);
    e2e_expect_status(&r, 200, "POST /profile without body");
    assert_true(json_equal(e2e_item_of(&r), me));
    e2e_resp_free(&r);
    assert_int_equal(e2e_json("POST", "/api/users/profile", u.token, "{}", &r), 0);
    e2e_expect_status(&r, 200, "POST /profile with {}");
    assert_true(json_equal(e2e_item_of(&r), me));
    e2e_resp_free(&r);
    json_decref(me);

    /* The auth scheme is case-insensitive (RFC 9110 11.1). */
    snprintf(auth, sizeof auth, "Authorization: bearer %s", u.token);
    assert_int_equal(e2e_request(e2e_base(), "GET", "/api/users/me", hdrs, NULL, NULL, 0, &r), 0);
    e2e_expect_status(&r, 200, "GET /me with 'bearer'");
    e2e_resp_free(&r);

    /* Two users each see themselves. */
    struct e2e_user v;
    e2e_new_user("u", &v);
    me = get_me(v.token);
    assert_int_equal(json_integer_value(json_object_get(me, "id")), (json_int_t)v.id);
    json_decref(me);
    e2e_user_free(&u);
    e2e_user_free(&v);
}

/* GET /me and POST /profile with the raw Authorization header `authz` (NULL: none): 401 with
 * the error envelope and a Bearer challenge. */
static void expect_rejected(const char *authz, const char *what)
{
    const char *hdrs[] = {authz, NULL};
    static const char *const methods[] = {"GET", "POST"};
    static const char *const paths[] = {"/api/users/me", "/api/users/profile"};
    for (int i = 0; i < 2; i++) {
        struct e2e_resp r;
        assert_int_equal(
            e2e_request(e2e_base(), methods[i], paths[i], authz ? hdrs : NULL, NULL, NULL, 0, &r),
            0);
        if (r.status != 401)
            fprintf(stderr, "%s (%s %s): expected 401, got %ld: %s\n", what, methods[i], paths[i],
                    r.status, r.body);
        e2e_assert_error(&r, 401);
        char v[256];
        assert_true(e2e_header(&r, "WWW-Authenticate", v, sizeof v));
        assert_true(strncasecmp(v, "Bearer", 6) == 0);
        e2e_resp_free(&r);
    }
}

static void expect_rejected_token(const char *token, const char *what)
{
    char h[E2E_TOKEN_MAX + 64];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    expect_rejected(h, what);
}

static void missing_malformed_and_garbage_credentials_are_401(void **state)
{
    (void)state;
    expect_rejected(NULL, "no Authorization");
    expect_rejected("Authorization: Basic dXNlcjpwYXNz", "Basic");
    expect_rejected("Authorization: Bearer", "Bearer without token");
    expect_rejected("Authorization: Bearer ", "Bearer with empty token");
    expect_rejected_token("garbage", "garbage token");
    expect_rejected_token("a.b.c", "three garbage parts");
    expect_rejected_token("....", "dots");
}

static void forged_tampered_and_expired_tokens_are_401(void **state)
{
    (void)state;
    const char *secret = e2e_need_env("JWT_SECRET");
    struct e2e_user a, b;
    e2e_new_user("u", &a);
    e2e_new_user("u", &b);
    long long now = (long long)time(NULL);
    char tok[E2E_TOKEN_MAX];

    /* Control: a token we sign with the server's secret is accepted, so the rejections below
     * are about what each token gets wrong, not about how we build tokens. */
    json_t *claims = claims_of(&a, now, now + JWT_LIFETIME);
    forge(HS256_HEADER, claims, MAC_HS256, secret, tok, sizeof tok);
    json_t *me = get_me(tok);
    assert_int_equal(json_integer_value(json_object_get(me, "id")), (json_int_t)a.id);
    json_decref(me);

    /* alg none with an empty signature. */
    forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, MAC_NONE, secret, tok, sizeof tok);
    expect_rejected_token(tok, "alg none");
    /* alg none, signed anyway. */
    forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, MAC_HS256, secret, tok, sizeof tok);
    expect_rejected_token(tok, "alg none with a signature");
    /* A real HS512 token with the right secret: only HS256 is accepted. */
    forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims, MAC_HS512, secret, tok, sizeof tok);
    expect_rejected_token(tok, "alg HS512");
    /* An HS512 header over an HS256 signature. */
    forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims, MAC_HS256, secret, tok, sizeof tok);
    expect_rejected_token(tok, "alg HS512 header, HS256 signature");
    /* Signed with another secret. */
    forge(HS256_HEADER, claims, MAC_HS256, "not-the-server-secret-0123456789abcdef", tok,
          sizeof tok);
    expect_rejected_token(tok, "wrong secret");
    json_decref(claims);

    /* A real token with one signature character changed. */
    snprintf(tok, sizeof tok, "%s", a.token);
    char *sig = strrchr(tok, '.') + 1;
    sig[0] = sig[0] == 'A' ? 'B' : 'A';
    expect_rejected_token(tok, "bad signature");
    /* A real token without its signature. */
    snprintf(tok, sizeof tok, "%s", a.token);
    strrchr(tok, '.')[1] = '\0';
    expect_rejected_token(tok, "signature stripped");

    /* A real token whose payload now names user b (signature of a's payload kept). */
    const char *h, *p;
    size_t hn, pn;
    assert_true(token_parts(a.token, &h, &hn, &p, &pn));
    json_t *pl = segment_json(p, pn);
    assert_non_null(pl);
    json_object_set_new(pl, "id", json_integer((json_int_t)b.id));
    char *ptext = json_dumps(pl, JSON_COMPACT);
    char pb64[1024];
    b64url(ptext, strlen(ptext), pb64, sizeof pb64);
    free(ptext);
    json_decref(pl);
    snprintf(tok, sizeof tok, "%.*s.%s%s", (int)hn, h, pb64, strrchr(a.token, '.'));
    expect_rejected_token(tok, "payload id changed");
    /* b's own token still works (the id is a live user). */
    me = get_me(b.token);
    assert_int_equal(json_integer_value(json_object_get(me, "id")), (json_int_t)b.id);
    json_decref(me);

    /* Correctly signed but expired (an hour ago, and one second ago). */
    claims = claims_of(&a, now - 4 * 3600, now - 3600);
    forge(HS256_HEADER, claims, MAC_HS256, secret, tok, sizeof tok);
    json_decref(claims);
    expect_rejected_token(tok, "expired an hour ago");
    claims = claims_of(&a, now - JWT_LIFETIME, now - 1);
    forge(HS256_HEADER, claims, MAC_HS256, secret, tok, sizeof tok);
    json_decref(claims);
    expect_rejected_token(tok, "expired a second ago");

    /* Correctly signed for a user that does not exist. */
    struct e2e_user ghost = a;
    ghost.id = (uint64_t)INT64_MAX - 7;
    claims = claims_of(&ghost, now, now + JWT_LIFETIME);
    forge(HS256_HEADER, claims, MAC_HS256, secret, tok, sizeof tok);
    json_decref(claims);
    expect_rejected_token(tok, "unknown user id");

    /* The genuine tokens are untouched by all this. */
    me = get_me(a.token);
    json_decref(me);
    e2e_user_free(&a);
    e2e_user_free(&b);
}

/* ---- 6. update ---------------------------------------------------------------------------- */

static void update_changes_fields_and_me_shows_them(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    char newnick[32], unused[96];
    e2e_fresh_names("u", unused, sizeof unused, newnick, sizeof newnick);
    json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:i}", "firstName", " 영희 ",
                          "lastName", "김", "nickname", newnick, "phoneNumber", "01198765432",
                          "profilePhotoUrl", "https://img.example.com/me.png", "zipCode", 12345,
                          "mainAddress", "부산광역시 해운대구 1", "detailAddress", "", "email",
                          "hijack@example.com", "gender", "FEMALE", "birthYear", 2001);
    json_object_set_new(b, "role", json_string("ADMIN"));
    json_object_set_new(b, "status", json_string("DELETED"));
    struct e2e_resp r;
    put_user(u.token, u.id, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 200, "PUT");
    json_t *it = e2e_item_of(&r);
    assert_int_equal(json_integer_value(json_object_get(it, "id")), (json_int_t)u.id);
    assert_string_equal(e2e_str_at(json_object_get(it, "nameInfo"), "firstName"), "영희");
    assert_string_equal(e2e_str_at(json_object_get(it, "nameInfo"), "lastName"), "김");
    assert_string_equal(e2e_str_at(it, "nickname"), newnick);
    assert_string_equal(e2e_str_at(it, "phoneNumber"), "011-9876-5432");
    assert_string_equal(e2e_str_at(it, "profilePhotoUrl"), "https://img.example.com/me.png");
    json_t *addr = json_object_get(it, "addressInfo");
    assert_string_equal(e2e_str_at(addr, "zipCode"), "12345");
    assert_string_equal(e2e_str_at(addr, "mainAddress"), "부산광역시 해운대구 1");
    assert_string_equal(e2e_str_at(addr, "detailAddress"), "");
    /* Email, gender and birth date do not change here; role and status never via the API. */
    assert_string_equal(e2e_str_at(it, "role"), "USER");
    assert_string_equal(e2e_str_at(it, "status"), "ACTIVE");
    assert_string_equal(e2e_str_at(it, "email"), u.email);
    assert_string_equal(e2e_str_at(it, "gender"), "MALE");
    assert_true(json_equal(json_object_get(it, "birthInfo"), json_object_get(u.json, "birthInfo")));
    assert_true(json_equal(json_object_get(it, "createdAt"), json_object_get(u.json, "createdAt")));
    assert_true(e2e_parse_instant(e2e_str_at(it, "updatedAt")) >=
                e2e_parse_instant(e2e_str_at(u.json, "updatedAt")));
    assert_false(has_secret_key(r.json));

    json_t *me = get_me(u.token);
    assert_true(json_equal(me, it));
    json_decref(me);
    e2e_resp_free(&r);
    /* The old email still logs in; the ignored one does not exist. */
    login(u.email, u.password, &r);
    e2e_expect_status(&r, 200, "login with the unchanged email");
    e2e_resp_free(&r);

    /* The old nickname is free for someone else now. */
    char email2[96], nick2[32];
    e2e_fresh_names("u", email2, sizeof email2, nick2, sizeof nick2);
    b = e2e_signup_body(email2, u.nickname);
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "sign-up with the released nickname");
    e2e_resp_free(&r);

    /* A partial update touches only what it names. */
    b = json_pack("{s:s}", "detailAddress", "2층");
    put_user(u.token, u.id, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 200, "PUT detailAddress");
    me = get_me(u.token);
    assert_string_equal(e2e_str_at(json_object_get(me, "addressInfo"), "detailAddress"), "2층");
    assert_string_equal(e2e_str_at(json_object_get(me, "addressInfo"), "zipCode"), "12345");
    assert_string_equal(e2e_str_at(me, "nickname"), newnick);
    assert_string_equal(e2e_str_at(me, "profilePhotoUrl"), "https://img.example.com/me.png");
    json_decref(me);
    e2e_resp_free(&r);
    e2e_user_free(&u);
}

static void update_to_another_users_nickname_is_409_and_own_nickname_is_200(void **state)
{
    (void)state;
    struct e2e_user a, b;
    e2e_new_user("u", &a);
    e2e_new_user("u", &b);
    json_t *body = json_pack("{s:s,s:s}", "nickname", a.nickname, "firstName", "바뀜");
    struct e2e_resp r;
    put_user(b.token, b.id, body, &r);
    json_decref(body);
    const char *nick_f[] = {"nickname"};
    assert_error_fields(&r, 409, nick_f, 1, "taking another user's nickname");
    e2e_resp_free(&r);
    /* Nothing of that request was applied. */
    json_t *me = get_me(b.token);
    assert_true(json_equal(me, b.json));
    json_decref(me);

    /* Sending one's own nickname back (as a whole-form save does) is fine. */
    body = json_pack("{s:s,s:s}", "nickname", b.nickname, "lastName", "박");
    put_user(b.token, b.id, body, &r);
    json_decref(body);
    e2e_expect_status(&r, 200, "own nickname");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "nickname"), b.nickname);
    assert_string_equal(e2e_str_at(json_object_get(e2e_item_of(&r), "nameInfo"), "lastName"), "박");
    e2e_resp_free(&r);
    e2e_user_free(&a);
    e2e_user_free(&b);
}

static void update_of_another_user_is_403_and_changes_nothing(void **state)
{
    (void)state;
    struct e2e_user a, b;
    e2e_new_user("u", &a);
    e2e_new_user("u", &b);
    json_t *body = json_pack("{s:s}", "firstName", "해커");
    struct e2e_resp r;
    put_user(a.token, b.id, body, &r);
    e2e_assert_error(&r, 403);
    e2e_resp_free(&r);
    /* Unknown ids are someone else's too. */
    put_user(a.token, (uint64_t)INT64_MAX - 11, body, &r);
    e2e_assert_error(&r, 403);
    e2e_resp_free(&r);
    /* Without a token it is 401 before anything else. */
    put_user(NULL, b.id, body, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    json_decref(body);
    json_t *me = get_me(b.token);
    assert_true(json_equal(me, b.json));
    json_decref(me);
    e2e_user_free(&a);
    e2e_user_free(&b);
}

static void password_change_retires_the_old_password(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    json_t *body = json_pack("{s:s}", "password", "Brand-new-pass-2");
    struct e2e_resp r;
    put_user(u.token, u.id, body, &r);
    json_decref(body);
    e2e_expect_status(&r, 200, "PUT password");
    assert_false(has_secret_key(r.json));
    e2e_resp_free(&r);
    login(u.email, E2E_PASSWORD, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    login(u.email, "Brand-new-pass-2", &r);
    e2e_expect_status(&r, 200, "login with the new password");
    e2e_resp_free(&r);
    /* A weak new password is refused like at sign-up. */
    body = json_pack("{s:s}", "password", "alllowercase");
    put_user(u.token, u.id, body, &r);
    json_decref(body);
    const char *pw_f[] = {"password"};
    assert_error_fields(&r, 400, pw_f, 1, "weak new password");
    e2e_resp_free(&r);
    login(u.email, "Brand-new-pass-2", &r);
    e2e_expect_status(&r, 200, "login after the refused change");
    e2e_resp_free(&r);
    e2e_user_free(&u);
}

static void null_or_empty_photo_clears_it(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    const char *clearers[] = {"null", "\"\""};
    for (size_t i = 0; i < 2; i++) {
        char body[128];
        struct e2e_resp r;
        json_t *set = json_pack("{s:s}", "profilePhotoUrl", "https://img.example.com/x.jpg");
        put_user(u.token, u.id, set, &r);
        json_decref(set);
        e2e_expect_status(&r, 200, "set photo");
        assert_string_equal(e2e_str_at(e2e_item_of(&r), "profilePhotoUrl"),
                            "https://img.example.com/x.jpg");
        e2e_resp_free(&r);

        snprintf(body, sizeof body, "{\"profilePhotoUrl\":%s}", clearers[i]);
        char path[64];
        user_path(path, sizeof path, u.id);
        assert_int_equal(e2e_json("PUT", path, u.token, body, &r), 0);
        e2e_expect_status(&r, 200, body);
        assert_true(json_is_null(json_object_get(e2e_item_of(&r), "profilePhotoUrl")));
        e2e_resp_free(&r);
        json_t *me = get_me(u.token);
        assert_true(json_is_null(json_object_get(me, "profilePhotoUrl")));
        json_decref(me);
    }
    e2e_user_free(&u);
}

static void empty_or_invalid_update_is_400_and_changes_nothing(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    char path[64];
    user_path(path, sizeof path, u.id);
    struct {
        const char *body;
        const char *fields[3];
        size_t n;
    } cases[] = {
        {"{}", {"body"}, 1},
        /* only fields that cannot change here: still nothing to update */
        {"{\"email\":\"x@example.com\",\"gender\":\"FEMALE\"}", {"body"}, 1},
        {"{\"nickname\":\"a\"}", {"nickname"}, 1},
        {"{\"nickname\":null}", {"nickname"}, 1},
        {"{\"firstName\":\"\"}", {"firstName"}, 1},
        {"{\"phoneNumber\":\"02-123-4567\",\"zipCode\":\"1\",\"mainAddress\":\"  \"}",
         {"phoneNumber", "zipCode", "mainAddress"},
         3},
        {"{\"profilePhotoUrl\":\"javascript:alert(1)\",\"firstName\":\"ok\"}",
         {"profilePhotoUrl"},
         1},
        {"{\"lastName\":42}", {"lastName"}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct e2e_resp r;
        assert_int_equal(e2e_json("PUT", path, u.token, cases[i].body, &r), 0);
        assert_error_fields(&r, 400, cases[i].fields, cases[i].n, cases[i].body);
        e2e_resp_free(&r);
    }
    json_t *me = get_me(u.token);
    assert_true(json_equal(me, u.json));
    json_decref(me);
    e2e_user_free(&u);
}

/*
 * Nicknames that differ only in emoji are different nicknames (the unique index compares under
 * UCA 5.2.0, which weighs characters outside the BMP apart; UCA 4.0 equated all of them).
 */
static void nicknames_differing_only_in_emoji_are_distinct(void **state)
{
    (void)state;
    char e1[96], e2[96], e3[96], base[32], n1[64], n2[64], n3[64];
    e2e_fresh_names("u", e1, sizeof e1, base, sizeof base);
    e2e_fresh_names("u", e2, sizeof e2, n2, sizeof n2);
    e2e_fresh_names("u", e3, sizeof e3, n3, sizeof n3);
    base[14] = '\0'; /* room for two 4-byte emoji within 20 characters */
    snprintf(n1, sizeof n1, "%s\xF0\x9F\x8D\x9C\xF0\x9F\x8D\x9C", base); /* ramen x2 */
    snprintf(n2, sizeof n2, "%s\xF0\x9F\x8D\x95\xF0\x9F\x8D\x95", base); /* pizza x2 */
    json_t *b = e2e_signup_body(e1, n1);
    struct e2e_resp r;
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "first emoji nickname");
    e2e_resp_free(&r);
    /* The very same nickname is taken, of course. */
    b = e2e_signup_body(e3, n1);
    sign_up(b, &r);
    json_decref(b);
    const char *nick_f[] = {"nickname"};
    assert_error_fields(&r, 409, nick_f, 1, "same emoji nickname");
    e2e_resp_free(&r);
    /* A different one is not. */
    b = e2e_signup_body(e2, n2);
    sign_up(b, &r);
    json_decref(b);
    long status = r.status;
    bool same = status == 201 && e2e_str_at(e2e_item_of(&r), "nickname") &&
                strcmp(e2e_str_at(e2e_item_of(&r), "nickname"), n2) == 0;
    if (status != 201)
        fprintf(stderr, "a different emoji nickname got %ld: %s\n", status, r.body);
    e2e_resp_free(&r); /* before asserting: the expected failure leaks nothing */
    assert_int_equal(status, 201);
    assert_true(same);
}

/* ---- 7. delete ---------------------------------------------------------------------------- */

static void delete_of_another_user_is_403_and_changes_nothing(void **state)
{
    (void)state;
    struct e2e_user a, b;
    e2e_new_user("u", &a);
    e2e_new_user("u", &b);
    struct e2e_resp r;
    delete_user(a.token, b.id, &r);
    e2e_assert_error(&r, 403);
    e2e_resp_free(&r);
    delete_user(NULL, b.id, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    json_t *me = get_me(b.token);
    assert_true(json_equal(me, b.json));
    json_decref(me);
    e2e_user_login_at(e2e_base(), &b);
    e2e_user_free(&a);
    e2e_user_free(&b);
}

/* GET /api/users/me on another instance with `token`: the status (-1 when no answer). */
static long me_status_at(const char *base, const char *token)
{
    char auth[E2E_TOKEN_MAX + 32];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *hdrs[] = {auth, NULL};
    struct e2e_resp r;
    long st = -1;
    if (e2e_request(base, "GET", "/api/users/me", hdrs, NULL, NULL, 0, &r) == 0)
        st = r.status;
    e2e_resp_free(&r);
    return st;
}

/* Each instance caches users for USER_CACHE_TTL_MS and only forgets the ones it changes itself:
 * another instance lets a deleted user's token through for at most that long (README). */
static void another_instance_refuses_a_deleted_user_once_its_cache_ttl_passed(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("c", &u);
    char base[64];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-users-cache-api.log",
                                      "USER_CACHE_TTL_MS=500");
    assert_int_equal(me_status_at(base, u.token), 200); /* cached there now */
    struct e2e_resp r;
    delete_user(u.token, u.id, &r);
    e2e_expect_status(&r, 200, "DELETE self");
    e2e_resp_free(&r);
    expect_rejected_token(u.token, "token of a user deleted here"); /* this instance: at once */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long st = 200;
    long waited_ms = 0;
    while (st == 200 && waited_ms < 5000) {
        st = me_status_at(base, u.token);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (st == 200)
            e2e_sleep_ms(25);
    }
    assert_int_equal(st, 401);
    /* The entry was filled before the delete, so it expires within the TTL of it (plus the
     * time one request takes on a loaded machine). */
    assert_true(waited_ms <= 500 + 1000);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int ws = e2e_wait_exit(pid, 15000);
    assert_true(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    e2e_user_free(&u);
}

static void deleted_user_loses_tokens_and_login_and_frees_email_and_nickname(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("u", &u);
    char old_token[E2E_TOKEN_MAX];
    snprintf(old_token, sizeof old_token, "%s", u.token);
    struct e2e_resp r;
    delete_user(u.token, u.id, &r);
    e2e_expect_status(&r, 200, "DELETE self");
    assert_true(json_is_true(json_object_get(r.json, "success")));
    e2e_resp_free(&r);

    /* The token that was valid a moment ago no longer is. */
    expect_rejected_token(old_token, "token of a deleted user");
    json_t *body = json_pack("{s:s}", "firstName", "유령");
    put_user(old_token, u.id, body, &r);
    json_decref(body);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    /* Nor does logging in, with the same message as any failure. */
    login(u.email, u.password, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
    /* Deleting again with the old token: the token is dead. */
    delete_user(old_token, u.id, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);

    /* Email and nickname are free again: a new account, with a new id. (That another user can
     * take the nickname by update is shown in
     * deleted_users_nickname_can_be_taken_by_an_update.) */
    json_t *b = e2e_signup_body(u.email, u.nickname);
    sign_up(b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "sign-up with a deleted user's email and nickname");
    json_int_t new_id = json_integer_value(json_object_get(e2e_item_of(&r), "id"));
    assert_true(new_id > 0 && (uint64_t)new_id != u.id);
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "email"), u.email);
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "nickname"), u.nickname);
    e2e_resp_free(&r);
    e2e_user_login_at(e2e_base(), &u);
    json_t *me = get_me(u.token);
    assert_int_equal(json_integer_value(json_object_get(me, "id")), new_id);
    json_decref(me);
    /* The deleted account's token does not come back to life with the new account. */
    expect_rejected_token(old_token, "old token after re-registration");
    e2e_user_free(&u);
}

static void deleted_users_nickname_can_be_taken_by_an_update(void **state)
{
    (void)state;
    struct e2e_user gone, v;
    e2e_new_user("u", &gone);
    e2e_new_user("u", &v);
    struct e2e_resp r;
    json_t *body = json_pack("{s:s}", "nickname", gone.nickname);
    put_user(v.token, v.id, body, &r);
    const char *nick_f[] = {"nickname"};
    assert_error_fields(&r, 409, nick_f, 1, "nickname of a live user");
    e2e_resp_free(&r);
    delete_user(gone.token, gone.id, &r);
    e2e_expect_status(&r, 200, "DELETE self");
    e2e_resp_free(&r);
    put_user(v.token, v.id, body, &r);
    json_decref(body);
    e2e_expect_status(&r, 200, "nickname of a deleted user");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "nickname"), gone.nickname);
    e2e_resp_free(&r);
    e2e_user_free(&gone);
    e2e_user_free(&v);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    /* Before any thread: the race test runs ten clients at once. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_up_is_201_with_normalised_user_and_location),
        cmocka_unit_test(boundary_lengths_count_characters_and_are_accepted),
        cmocka_unit_test(each_sign_up_rule_is_400_naming_that_field),
        cmocka_unit_test(every_failing_sign_up_field_is_listed_and_nothing_is_stored),
        cmocka_unit_test(taken_email_in_other_case_or_taken_nickname_is_409),
        cmocka_unit_test(simultaneous_sign_ups_with_one_email_give_one_201_and_nine_409),
        cmocka_unit_test(login_returns_a_3h_hs256_token_with_the_claims),
        cmocka_unit_test(unknown_email_and_wrong_password_fail_identically),
        cmocka_unit_test(five_failures_for_one_email_block_it_with_429_and_retry_after),
        cmocka_unit_test(concurrent_wrong_passwords_get_no_more_than_the_limit_of_401s),
        cmocka_unit_test_teardown(per_ip_failures_block_that_ip_on_a_private_instance,
                                  kill_private_api),
        cmocka_unit_test(me_and_profile_return_the_callers_user),
        cmocka_unit_test(missing_malformed_and_garbage_credentials_are_401),
        cmocka_unit_test(forged_tampered_and_expired_tokens_are_401),
        cmocka_unit_test(update_changes_fields_and_me_shows_them),
        cmocka_unit_test(update_to_another_users_nickname_is_409_and_own_nickname_is_200),
        cmocka_unit_test(update_of_another_user_is_403_and_changes_nothing),
        cmocka_unit_test(password_change_retires_the_old_password),
        cmocka_unit_test(null_or_empty_photo_clears_it),
        cmocka_unit_test(empty_or_invalid_update_is_400_and_changes_nothing),
        cmocka_unit_test(nicknames_differing_only_in_emoji_are_distinct),
        cmocka_unit_test(delete_of_another_user_is_403_and_changes_nothing),
        cmocka_unit_test(deleted_user_loses_tokens_and_login_and_frees_email_and_nickname),
        cmocka_unit_test(another_instance_refuses_a_deleted_user_once_its_cache_ttl_passed),
        cmocka_unit_test(deleted_users_nickname_can_be_taken_by_an_update),
    };
    int failed = cmocka_run_group_tests_name("e2e_users", tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}

/*
 * jwt.c - HS256 JSON Web Tokens over libsodium (HMAC-SHA256, base64url, constant-time compare).
 * Only HS256 is accepted: the header is parsed and must name exactly that algorithm, so
 * `alg: none` and algorithm-confusion tokens fail before any signature work.
 */
#include "eeum/jwt.h"

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define JWT_PART_MAX 768

static const char JWT_HEADER[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static void hmac(const char *secret, size_t secret_len, const char *data, size_t len,
                 unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)data, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

/* Append base64url(data) at out+*pos; false if it does not fit. */
static bool b64_append(char *out, size_t outlen, size_t *pos, const void *data, size_t len)
{
    size_t need = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (*pos + need > outlen)
        return false;
    sodium_bin2base64(out + *pos, outlen - *pos, data, len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    *pos += strlen(out + *pos);
    return true;
}

int jwt_sign(const char *secret, size_t secret_len, const struct jwt_claims *c, char *out,
             size_t outlen)
{
    json_t *payload =
        json_pack("{s:I,s:s,s:s,s:I,s:I}", "id", (json_int_t)c->id, "email", c->email, "role",
                  c->role, "iat", (json_int_t)c->iat, "exp", (json_int_t)c->exp);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    if (!text)
        return -1;
    size_t pos = 0;
    bool ok = b64_append(out, outlen, &pos, JWT_HEADER, sizeof JWT_HEADER - 1) && pos + 1 < outlen;
    if (ok) {
        out[pos++] = '.';
        ok = b64_append(out, outlen, &pos, text, strlen(text));
    }
    free(text);
    if (!ok || pos + 1 >= outlen)
        return -1;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac(secret, secret_len, out, pos, mac);
    out[pos++] = '.';
    if (!b64_append(out, outlen, &pos, mac, sizeof mac))
        return -1;
    return (int)pos;
}

/* Strict base64url decode (no padding, no whitespace). Returns decoded length or -1. */
static long b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outlen)
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, outlen, in, inlen, NULL, &bin_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != in + inlen)
        return -1;
    return (long)bin_len;
}

static bool header_ok(const unsigned char *h, size_t n)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)h, n, JSON_REJECT_DUPLICATES, &err);
    bool ok = false;
    if (j && json_is_object(j)) {
        const char *alg = json_string_value(json_object_get(j, "alg"));
        json_t *typ = json_object_get(j, "typ");
        /* Nothing but alg and typ: an unknown (e.g. `crit`) member is refused (RFC 7515). */
        ok = alg && strcmp(alg, "HS256") == 0 &&
             (!typ || (json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)) &&
             json_object_size(j) == (typ ? 2u : 1u);
    }
    json_decref(j);
    return ok;
}

static bool payload_ok(const unsigned char *p, size_t n, struct jwt_claims *out)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
    bool ok = false;
    if (!j || !json_is_object(j))
        goto out;
    json_t *id = json_object_get(j, "id"), *iat = json_object_get(j, "iat"),
           *exp = json_object_get(j, "exp");
    const char *email = json_string_value(json_object_get(j, "email"));
    const char *role = json_string_value(json_object_get(j, "role"));
    if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(iat) ||
        !json_is_integer(exp) || !email || !role)
        goto out;
    if (strlen(email) >= sizeof out->email || strlen(role) >= sizeof out->role)
        goto out;
    out->id = (uint64_t)json_integer_value(id);
    out->iat = (int64_t)json_integer_value(iat);
    out->exp = (int64_t)json_integer_value(exp);
    snprintf(out->email, sizeof out->email, "%s", email);
    snprintf(out->role, sizeof out->role, "%s", role);
    ok = true;
out:
    json_decref(j);
    return ok;
}

enum status jwt_verify(const char *secret, size_t secret_len, const char *token, int64_t now,
                       struct jwt_claims *out)
{
    memset(out, 0, sizeof *out);
    if (!token)
        return STATUS_UNAUTHORIZED;
    size_t len = strnlen(token, JWT_MAX_LEN + 1);
    if (len == 0 || len > JWT_MAX_LEN)
        return STATUS_UNAUTHORIZED;
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
        return STATUS_UNAUTHORIZED;

    unsigned char buf[JWT_PART_MAX];
    long n = b64_decode(token, (size_t)(dot1 - token), buf, sizeof buf);
    if (n <= 0 || !header_ok(buf, (size_t)n))
        return STATUS_UNAUTHORIZED;

    unsigned char sig[JWT_PART_MAX];
    long sn = b64_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token), sig, sizeof sig);
    if (sn != crypto_auth_hmacsha256_BYTES)
        return STATUS_UNAUTHORIZED;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    hmac(secret, secret_len, token, (size_t)(dot2 - token), mac);
    if (crypto_verify_32(mac, sig) != 0)
        return STATUS_UNAUTHORIZED;

    n = b64_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), buf, sizeof buf);
    if (n <= 0 || !payload_ok(buf, (size_t)n, out) || out->exp <= now) {
        memset(out, 0, sizeof *out);
        return STATUS_UNAUTHORIZED;
    }
    return STATUS_OK;
}

/*
 * jwt.h - JSON Web Tokens, HS256 only, with libsodium's HMAC-SHA256 and base64url codecs.
 * We use libsodium (already our argon2id and random-bytes provider) instead of a hand-written
 * HMAC or base64: it is well kept and its comparisons are constant-time.
 */
#ifndef EEUM_JWT_H
#define EEUM_JWT_H

#include "eeum/status.h"

#include <stddef.h>
#include <stdint.h>

#define JWT_MAX_LEN    1024
#define JWT_LIFETIME_S (3 * 60 * 60)

struct jwt_claims {
    uint64_t id;
    char email[64];
    char role[16];
    int64_t iat;
    int64_t exp;
};

/* Sign `claims` into out (NUL-terminated). Returns the token length, or -1 if it does not fit.
 * Thread-safe. */
int jwt_sign(const char *secret, size_t secret_len, const struct jwt_claims *claims, char *out,
             size_t outlen);

/*
 * Verify a compact token at time `now` (seconds since the epoch). STATUS_OK and *out filled,
 * or STATUS_UNAUTHORIZED for: wrong number of parts, bad base64url, a header that is not
 * {"alg":"HS256"[,"typ":"JWT"]} (alg none or any other alg), a bad signature (constant-time
 * compare), a payload that is not JSON or lacks id/email/role/iat/exp with the right types, or
 * exp <= now. Thread-safe.
 */
enum status jwt_verify(const char *secret, size_t secret_len, const char *token, int64_t now,
                       struct jwt_claims *out);

#endif

/*
 * password.h - argon2id password hashing through libsodium's crypto_pwhash_str.
 * libsodium is a well-kept library whose encoded strings carry their own salt and parameters
 * and whose verification is constant-time; we never hand-roll any of this.
 *
 * Parameters: t = 2 passes, m = 19 MiB, p = 1 (libsodium's fixed lane count) - the OWASP
 * minimum for argon2id; measured at about 47 ms per verification and 70 ms per hash on our 2-core
 * machines (BENCHMARKS.md, users section), so one login stays well under 100 ms.
 */
#ifndef EEUM_PASSWORD_H
#define EEUM_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PASSWORD_OPSLIMIT 2ull
#define PASSWORD_MEMLIMIT (19ull * 1024 * 1024)

/* Hash into out (NUL-terminated). 0 on success, -1 on failure (out of memory). Thread-safe. */
int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);

/* True when `pw` matches the encoded `hash`. Thread-safe, constant-time in the comparison. */
bool password_verify(const char *hash, const char *pw, size_t len);

/* Verify against a fixed dummy hash: spends the same time as a real check so that an unknown
 * email is not distinguishable by timing. Always false. */
bool password_verify_dummy(const char *pw, size_t len);

/* True when `hash` was made with other parameters than today's. */
bool password_needs_rehash(const char *hash);

#endif

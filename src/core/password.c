/*
 * password.c - argon2id via libsodium (crypto_pwhash_str*).
 */
#include "eeum/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWORD_HASH_MAX];

int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
    return crypto_pwhash_str(out, pw, len, PASSWORD_OPSLIMIT, (size_t)PASSWORD_MEMLIMIT) == 0 ? 0
                                                                                              : -1;
}

bool password_verify(const char *hash, const char *pw, size_t len)
{
    return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

static void make_dummy(void)
{
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    if (password_hash((const char *)rnd, sizeof rnd, dummy_hash) != 0)
        dummy_hash[0] = '\0';
}

bool password_verify_dummy(const char *pw, size_t len)
{
    pthread_once(&dummy_once, make_dummy);
    if (dummy_hash[0])
        (void)password_verify(dummy_hash, pw, len);
    return false;
}

bool password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, (size_t)PASSWORD_MEMLIMIT) != 0;
}

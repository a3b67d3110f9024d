/*
 * random.c - random identifiers from libsodium.
 */
#include "eeum/random.h"

#include <sodium.h>
#include <string.h>

int random_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

/* Random bytes are drawn from libsodium in blocks per thread: a request id then costs a copy,
 * not a getrandom(2) system call (about a fifth of a /healthz request's CPU time). */
#define RANDOM_POOL_BYTES 1024

static _Thread_local unsigned char pool[RANDOM_POOL_BYTES];
static _Thread_local size_t pool_left;

void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    if (pool_left < nbytes) {
        randombytes_buf(pool, sizeof pool);
        pool_left = sizeof pool;
    }
    memcpy(buf, pool + sizeof pool - pool_left, nbytes);
    sodium_memzero(pool + sizeof pool - pool_left, nbytes); /* never handed out twice */
    pool_left -= nbytes;
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
    sodium_memzero(buf, nbytes);
}

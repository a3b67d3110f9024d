/*
 * random.c - random identifiers from libsodium.
 */
#include "eeum/random.h"

#include <sodium.h>

int random_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
}

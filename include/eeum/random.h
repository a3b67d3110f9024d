/*
 * random.h - cryptographically secure random bytes (libsodium's randombytes).
 * We use libsodium rather than reading /dev/urandom by hand: it is well kept, thread-safe and
 * handles getrandom() fallbacks and fork safety for us.
 */
#ifndef EEUM_RANDOM_H
#define EEUM_RANDOM_H

#include <stddef.h>

/* Initialise libsodium once in main before threads. 0 on success. */
int random_init(void);

/* Fill out with 2*nbytes lowercase hex characters and a NUL (out must hold 2*nbytes+1). */
void random_hex(char *out, size_t nbytes);

#endif

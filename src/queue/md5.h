/*
 * md5.h - MD5 (RFC 1321), only to check SQS's MD5OfMessageBody / MD5OfBody digests.
 * Not for security: SQS uses it as a transfer checksum. Internal to src/queue/ (and its tests).
 */
#ifndef EEUM_QUEUE_MD5_H
#define EEUM_QUEUE_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN 16
#define MD5_HEX_LEN    33 /* 32 lowercase hex digits and a NUL */

struct md5_ctx {
    uint32_t state[4];
    uint64_t total; /* bytes hashed so far */
    uint8_t block[64];
};

/* Incremental hashing; a context is plain memory (no allocation), one per thread of use. */
void md5_init(struct md5_ctx *ctx);
void md5_update(struct md5_ctx *ctx, const void *data, size_t len);
void md5_final(struct md5_ctx *ctx, uint8_t out[MD5_DIGEST_LEN]);

/* The digest of `len` bytes at `data` as 32 lowercase hex digits. Pure, thread-safe. */
void md5_hex(const void *data, size_t len, char out[MD5_HEX_LEN]);

#endif

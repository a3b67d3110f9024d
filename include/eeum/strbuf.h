/*
 * strbuf.h - growable byte buffer with a hard cap (after curl's dynbuf).
 * The buffer is always NUL-terminated; appends past `max` fail without growing.
 */
#ifndef EEUM_STRBUF_H
#define EEUM_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
};

/* Initialise an empty buffer that refuses to grow beyond `max` bytes. */
void strbuf_init(struct strbuf *sb, size_t max);

/* Append `n` bytes. Returns false (buffer unchanged) when the cap would be exceeded or on ENOMEM.
 */
bool strbuf_append(struct strbuf *sb, const void *p, size_t n);

/* Append a NUL-terminated string. */
bool strbuf_puts(struct strbuf *sb, const char *s);

/* printf-style append; false on truncation by the cap or on ENOMEM. */
bool strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset length to 0, keeping the allocation. */
void strbuf_reset(struct strbuf *sb);

/* Release the allocation; the buffer is empty and reusable afterwards. NULL-safe. */
void strbuf_free(struct strbuf *sb);

/* Take ownership of the data (caller frees); the buffer becomes empty. May return NULL if empty. */
char *strbuf_steal(struct strbuf *sb);

#endif

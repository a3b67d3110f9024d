/*
 * strbuf.c - growable, hard-capped, always NUL-terminated byte buffer.
 */
#include "eeum/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb, size_t max)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->max = max;
}

static bool strbuf_reserve(struct strbuf *sb, size_t extra)
{
    if (extra > sb->max || sb->len > sb->max - extra)
        return false;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return true;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < need)
        ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
    if (ncap > sb->max + 1)
        ncap = sb->max + 1;
    char *p = realloc(sb->data, ncap);
    if (!p)
        return false;
    sb->data = p;
    sb->cap = ncap;
    return true;
}

bool strbuf_append(struct strbuf *sb, const void *p, size_t n)
{
    if (!strbuf_reserve(sb, n))
        return false;
    if (n)
        memcpy(sb->data + sb->len, p, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return true;
}

bool strbuf_puts(struct strbuf *sb, const char *s)
{
    return strbuf_append(sb, s, strlen(s));
}

bool strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !strbuf_reserve(sb, (size_t)n))
        return false;
    va_start(ap, fmt);
    int m = vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n)
        return false;
    sb->len += (size_t)n;
    return true;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
    if (!sb)
        return;
    free(sb->data);
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

char *strbuf_steal(struct strbuf *sb)
{
    char *p = sb->data;
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
    return p;
}

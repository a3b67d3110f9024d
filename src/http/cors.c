/*
 * cors.c - exact-match origin allow-list.
 */
#include "eeum/cors.h"

#include <string.h>

bool cors_origin_allowed(const char *allowed, const char *origin)
{
    if (!allowed || !origin || !*origin)
        return false;
    size_t olen = strlen(origin);
    const char *p = allowed;
    for (;;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        size_t m = n;
        while (m && p[m - 1] == ' ')
            m--;
        if (m && m == olen && memcmp(p, origin, m) == 0)
            return true;
        if (!end)
            return false;
        p = end + 1;
    }
}

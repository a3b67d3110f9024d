/*
 * router.c - static route table matching with typed id parameters (pure).
 */
#include "eeum/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct method_name {
    unsigned bit;
    const char *name;
};

static const struct method_name METHODS[] = {
    {HTTP_GET, "GET"},     {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},       {HTTP_PUT, "PUT"},
    {HTTP_PATCH, "PATCH"}, {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
};

unsigned router_method_parse(const char *name)
{
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++)
        if (strcmp(name, METHODS[i].name) == 0)
            return METHODS[i].bit;
    return HTTP_OTHER;
}

const char *router_allow_string(unsigned mask, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++) {
        if (!(mask & METHODS[i].bit))
            continue;
        int n = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", METHODS[i].name);
        if (n < 0 || (size_t)n >= outlen - len) {
            out[len] = '\0'; /* drop the partial ", NAME" snprintf left behind */
            break;
        }
        len += (size_t)n;
    }
    return out;
}

uint64_t router_parse_id(const char *s, size_t n)
{
    if (n == 0 || n > 19 || s[0] == '0')
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    /* 19 digits fit in uint64 without overflow; cap at INT64_MAX (a BIGINT). */
    if (v > (uint64_t)INT64_MAX)
        return 0;
    return v;
}

/* Match one pattern against the path; fill params on success. */
static bool match_pattern(const char *pattern, const char *path, struct route_match *m)
{
    const char *p = pattern, *s = path;
    size_t np = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pe = strchr(p, '/');
        const char *se = strchr(s, '/');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        size_t slen = se ? (size_t)(se - s) : strlen(s);
        if (plen > 0 && p[0] == ':') {
            uint64_t id = router_parse_id(s, slen);
            if (!id || np == ROUTER_MAX_PARAMS)
                return false;
            m->params[np].name = p + 1;
            m->params[np].name_len = plen - 1;
            m->params[np].id = id;
            np++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    if (*p || *s)
        return false;
    m->nparams = np;
    return true;
}

enum status router_match(const struct route *table, size_t n, unsigned method, const char *path,
                         struct route_match *out)
{
    memset(out, 0, sizeof *out);
    unsigned want = method == HTTP_HEAD ? HTTP_GET : method;
    bool path_found = false;
    for (size_t i = 0; i < n; i++) {
        struct route_match m;
        memset(&m, 0, sizeof m);
        if (!match_pattern(table[i].pattern, path, &m))
            continue;
        path_found = true;
        out->allow |= table[i].method;
        if (table[i].method & HTTP_GET)
            out->allow |= HTTP_HEAD;
        if (!out->route && (table[i].method & want)) {
            unsigned allow = out->allow;
            *out = m;
            out->allow = allow;
            out->route = &table[i];
            out->index = i;
        }
    }
    if (!path_found)
        return STATUS_NOT_FOUND;
    out->allow |= HTTP_OPTIONS;
    return out->route ? STATUS_OK : STATUS_METHOD_NOT_ALLOWED;
}

uint64_t route_match_param(const struct route_match *m, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < m->nparams; i++)
        if (m->params[i].name_len == len && memcmp(m->params[i].name, name, len) == 0)
            return m->params[i].id;
    return 0;
}

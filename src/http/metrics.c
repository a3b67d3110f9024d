/*
 * metrics.c - per-route request counters and latency histograms in Prometheus text format.
 * Fixed arrays of relaxed atomics sized at start-up: recording never allocates or locks.
 */
#include "eeum/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned STATUS_CODES[] = {200, 201, 204, 304, 400, 401, 403, 404,
                                        405, 409, 413, 415, 429, 500, 503};
#define NCODES     (sizeof STATUS_CODES / sizeof STATUS_CODES[0])
#define CODE_OTHER NCODES

/* Upper bounds in seconds. */
static const double BUCKETS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
#define NBUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

struct route_metrics {
    atomic_uint_fast64_t by_code[NCODES + 1];
    atomic_uint_fast64_t buckets[NBUCKETS + 1]; /* last = +Inf */
    atomic_uint_fast64_t sum_ns;
    atomic_uint_fast64_t count;
};

struct metrics {
    const struct route *table;
    size_t nroutes;
    struct route_metrics *per_route; /* nroutes + 1 (unmatched) */
};

struct metrics *metrics_new(const struct route *table, size_t nroutes)
{
    struct metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->per_route = calloc(nroutes + 1, sizeof *m->per_route);
    if (!m->per_route) {
        free(m);
        return NULL;
    }
    m->table = table;
    m->nroutes = nroutes;
    return m;
}

void metrics_free(struct metrics *m)
{
    if (!m)
        return;
    free(m->per_route);
    free(m);
}

static size_t code_slot(unsigned code)
{
    for (size_t i = 0; i < NCODES; i++)
        if (STATUS_CODES[i] == code)
            return i;
    return CODE_OTHER;
}

void metrics_observe(struct metrics *m, size_t route_index, unsigned http_status,
                     uint64_t duration_ns)
{
    if (!m)
        return;
    if (route_index > m->nroutes)
        route_index = m->nroutes;
    struct route_metrics *r = &m->per_route[route_index];
    atomic_fetch_add_explicit(&r->by_code[code_slot(http_status)], 1, memory_order_relaxed);
    double secs = (double)duration_ns / 1e9;
    size_t b = 0;
    while (b < NBUCKETS && secs > BUCKETS[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_ns, duration_ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

static const char *method_label(unsigned bit)
{
    switch (bit) {
    case HTTP_GET:
        return "GET";
    case HTTP_POST:
        return "POST";
    case HTTP_PUT:
        return "PUT";
    case HTTP_PATCH:
        return "PATCH";
    case HTTP_DELETE:
        return "DELETE";
    default:
        return "OTHER";
    }
}

static void route_labels(const struct metrics *m, size_t i, const char **method, const char **route)
{
    if (i == m->nroutes) {
        *method = "ANY";
        *route = "unmatched";
    } else {
        *method = method_label(m->table[i].method);
        *route = m->table[i].pattern;
    }
}

bool metrics_render(struct metrics *m, struct strbuf *out)
{
    bool ok = true;
    ok &= strbuf_puts(out, "# HELP eeum_http_requests_total HTTP requests by route and status.\n"
                           "# TYPE eeum_http_requests_total counter\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        const char *method, *route;
        route_labels(m, i, &method, &route);
        for (size_t c = 0; c <= NCODES; c++) {
            uint64_t v = atomic_load_explicit(&m->per_route[i].by_code[c], memory_order_relaxed);
            if (!v)
                continue;
            char code[8];
            if (c == CODE_OTHER)
                memcpy(code, "other", 6);
            else
                snprintf(code, sizeof code, "%u", STATUS_CODES[c]);
            ok &= strbuf_printf(out,
                                "eeum_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"}"
                                " %llu\n",
                                method, route, code, (unsigned long long)v);
        }
    }
    ok &= strbuf_puts(out, "# HELP eeum_http_request_duration_seconds Request latency by route.\n"
                           "# TYPE eeum_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->nroutes; i++) {
        struct route_metrics *r = &m->per_route[i];
        uint64_t count = atomic_load_explicit(&r->count, memory_order_relaxed);
        if (!count)
            continue;
        const char *method, *route;
        route_labels(m, i, &method, &route);
        uint64_t cum = 0;
        for (size_t b = 0; b <= NBUCKETS; b++) {
            cum += atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
            char le[32];
            if (b == NBUCKETS)
                memcpy(le, "+Inf", 5);
            else
                snprintf(le, sizeof le, "%g", BUCKETS[b]);
            ok &= strbuf_printf(
                out,
                "eeum_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                "le=\"%s\"} %llu\n",
                method, route, le, (unsigned long long)cum);
        }
        double sum = (double)atomic_load_explicit(&r->sum_ns, memory_order_relaxed) / 1e9;
        ok &= strbuf_printf(
            out,
            "eeum_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
            "eeum_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
            "%llu\n",
            method, route, sum, method, route, (unsigned long long)cum);
    }
    return ok;
}

/*
 * metrics.h - Prometheus counters and latency histograms per route and status (lock-free).
 * Observations use relaxed atomics, so any thread may record while another renders.
 */
#ifndef EEUM_METRICS_H
#define EEUM_METRICS_H

#include "eeum/router.h"
#include "eeum/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metrics;

/* New registry for a route table (borrowed; must outlive the registry). NULL on ENOMEM. */
struct metrics *metrics_new(const struct route *table, size_t nroutes);

/* NULL-safe. */
void metrics_free(struct metrics *m);

/* Record one request. `route_index` == nroutes means "no route matched". Thread-safe. */
void metrics_observe(struct metrics *m, size_t route_index, unsigned http_status,
                     uint64_t duration_ns);

/* Append the exposition text (HELP/TYPE lines, counters, histograms) to `out`. Thread-safe. */
bool metrics_render(struct metrics *m, struct strbuf *out);

#endif

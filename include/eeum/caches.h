/*
 * caches.h - eeum-api's in-process caches: users (active state + profile JSON per user id),
 * post details (post + first comments JSON per post id), post totals of the board list, and
 * the buffered view counters with their flushing thread. Each lives in struct app; a cache is
 * NULL when its TTL variable is 0. Invalidation is per process: other instances see a change
 * once their entry's TTL has passed (see README "In-process caches").
 */
#ifndef EEUM_CACHES_H
#define EEUM_CACHES_H

#include "eeum/app.h"
#include "eeum/http.h"
#include "eeum/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Create the caches configured in app->cfg and start the view flusher (it borrows app->pool).
 * 0 on success; -1 (logged) on ENOMEM or when the thread cannot start. */
int caches_start(struct app *app);

/* After the HTTP server stopped and before the pool is freed: write the buffered views
 * (retrying up to SHUTDOWN_TIMEOUT), stop the flusher, free the caches. NULL-safe fields. */
void caches_stop(struct app *app);

/* Append the caches' Prometheus metrics. Thread-safe. */
bool caches_render_metrics(struct app *app, struct strbuf *out);

/* 200 {"success":true,"item":<item>} from item JSON text that is already encoded (a cached
 * value), with the headers of our JSON responses. `item` is copied. */
enum status caches_resp_item_text(struct http_resp *resp, const char *item, size_t len);

#endif

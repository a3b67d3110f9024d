/*
 * caches.c - life cycle and metrics of eeum-api's in-process caches (caches.h), and the
 * writer of buffered post views: every VIEWS_FLUSH_MS the view buffer hands its counts to
 * flush_write, which adds them in one UPDATE per batch of up to 500 posts on a connection
 * flush_begin took beforehand.
 *
 * Why in process: GET /api/users/me and the post detail are read far more often than written,
 * and the database round trip (≈ 130–500 µs of MariaDB CPU each) was most of their cost. A
 * short TTL bounds the staleness another instance can show; this process invalidates its own
 * entries when it changes the data, with fill tickets so that a fill racing a write never
 * stores the old state (cache.h).
 */
#include "eeum/caches.h"

#include "eeum/cache.h"
#include "eeum/db.h"
#include "eeum/db_boards.h"
#include "eeum/log.h"
#include "eeum/viewbuf.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define USER_CACHE_ENTRIES  65536
#define USER_CACHE_BYTES    (64u * 1024 * 1024)
#define POST_CACHE_ENTRIES  16384
#define POST_CACHE_BYTES    (128u * 1024 * 1024)
#define COUNT_CACHE_ENTRIES 64
#define COUNT_CACHE_BYTES   (64u * 1024)
#define VIEWS_MAX_POSTS     262144
#define VIEWS_IDLE_MS       30000u
#define VIEWS_BATCH_TEXT    (64u * 1024)
#define FLUSH_ACQUIRE_MS    1000

static const char ITEM_HEAD[] = "{\"success\":true,\"item\":";

/* Log a failing flush once per outage rather than every VIEWS_FLUSH_MS. */
static atomic_bool g_flush_failing;
/* The flusher's connection, held from flush_begin to flush_end (the flusher thread, or the
 * final flush after it stopped: never both). */
static struct db_conn *g_flush_conn;

static void flush_state(bool failing, enum status st)
{
    if (atomic_exchange(&g_flush_failing, failing) == failing)
        return;
    if (failing)
        log_warn("views.flush", "could not write buffered views (%s); kept in memory, retrying",
                 status_name(st));
    else
        log_info("views.flush", "buffered views are written again");
}

static bool flush_begin(void *ctx)
{
    struct app *app = ctx;
    enum status st = db_pool_acquire(app->pool, FLUSH_ACQUIRE_MS, &g_flush_conn);
    if (st != STATUS_OK) {
        g_flush_conn = NULL;
        flush_state(true, st);
        return false;
    }
    return true;
}

static void flush_end(void *ctx)
{
    struct app *app = ctx;
    db_pool_release(app->pool, g_flush_conn);
    g_flush_conn = NULL;
}

static bool flush_write(void *ctx, const struct viewbuf_item *items, size_t n)
{
    (void)ctx;
    struct strbuf sb;
    strbuf_init(&sb, VIEWS_BATCH_TEXT);
    bool ok = strbuf_puts(&sb, "[");
    for (size_t i = 0; ok && i < n; i++)
        ok = strbuf_printf(&sb, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "", items[i].id,
                           items[i].n);
    ok = ok && strbuf_puts(&sb, "]");
    enum status st = ok ? db_boards_add_views(g_flush_conn, sb.data) : STATUS_INTERNAL;
    strbuf_free(&sb);
    flush_state(st != STATUS_OK, st);
    return st == STATUS_OK;
}

int caches_start(struct app *app)
{
    const struct config *cfg = app->cfg;
    if (cfg->user_cache_ttl_ms &&
        !(app->user_cache = cache_new("users", USER_CACHE_ENTRIES, USER_CACHE_BYTES)))
        goto nomem;
    if (cfg->board_cache_ttl_ms &&
        !(app->post_cache = cache_new("posts", POST_CACHE_ENTRIES, POST_CACHE_BYTES)))
        goto nomem;
    if (cfg->board_count_ttl_ms &&
        !(app->count_cache = cache_new("board_totals", COUNT_CACHE_ENTRIES, COUNT_CACHE_BYTES)))
        goto nomem;
    /* Idle counters outlive any cached detail that refers to them (see boards.c). */
    uint32_t idle = VIEWS_IDLE_MS;
    if (idle < 2 * cfg->board_cache_ttl_ms)
        idle = 2 * cfg->board_cache_ttl_ms;
    if (!(app->views = viewbuf_new(VIEWS_MAX_POSTS, idle)))
        goto nomem;
    struct viewbuf_writer w = {flush_begin, flush_write, flush_end, app};
    if (viewbuf_start(app->views, cfg->views_flush_ms, &w) != 0) {
        log_error("views.start", "could not start the view flusher thread");
        return -1;
    }
    log_info("caches.start",
             "caches: users %u ms, post details %u ms, board totals %u ms; views flushed every "
             "%u ms",
             cfg->user_cache_ttl_ms, cfg->board_cache_ttl_ms, cfg->board_count_ttl_ms,
             cfg->views_flush_ms);
    return 0;
nomem:
    log_error("caches.start", "out of memory");
    return -1;
}

void caches_stop(struct app *app)
{
    if (app->views) {
        uint64_t lost = viewbuf_stop(app->views, app->cfg->shutdown_timeout_s * 1000u);
        if (lost)
            log_error("views.flush", "%" PRIu64 " buffered views could not be written", lost);
        viewbuf_free(app->views);
        app->views = NULL;
    }
    cache_free(app->user_cache);
    cache_free(app->post_cache);
    cache_free(app->count_cache);
    app->user_cache = app->post_cache = app->count_cache = NULL;
}

enum family { FAM_EVICTIONS, FAM_INVALIDATIONS, FAM_ENTRIES, FAM_BYTES };

/* One metric family over every cache (a family's samples must stay together). */
static bool render_family(struct cache *const caches[], const struct cache_stats stats[], size_t n,
                          struct strbuf *out, const char *family, const char *type,
                          const char *help, enum family field)
{
    bool ok = strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", family, help, family, type);
    for (size_t i = 0; ok && i < n; i++) {
        uint64_t v = field == FAM_EVICTIONS       ? stats[i].evictions
                     : field == FAM_INVALIDATIONS ? stats[i].invalidations
                     : field == FAM_ENTRIES       ? stats[i].entries
                                                  : stats[i].bytes;
        ok = strbuf_printf(out, "%s{cache=\"%s\"} %" PRIu64 "\n", family, cache_name(caches[i]), v);
    }
    return ok;
}

bool caches_render_metrics(struct app *app, struct strbuf *out)
{
    struct cache *all[] = {app->user_cache, app->post_cache, app->count_cache};
    struct cache *caches[3];
    struct cache_stats stats[3];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        if (all[i]) {
            caches[n] = all[i];
            cache_get_stats(all[i], &stats[n++]);
        }
    static const char REQ[] = "eeum_cache_requests_total", STO[] = "eeum_cache_stores_total";
    bool ok = true;
    if (n) {
        ok = strbuf_printf(out, "# HELP %s In-process cache lookups.\n# TYPE %s counter\n", REQ,
                           REQ);
        static const char *const results[] = {"hit", "stale", "miss"};
        for (size_t r = 0; ok && r < 3; r++)
            for (size_t i = 0; ok && i < n; i++)
                ok = strbuf_printf(out, "%s{cache=\"%s\",result=\"%s\"} %" PRIu64 "\n", REQ,
                                   cache_name(caches[i]), results[r],
                                   r == 0   ? stats[i].hits
                                   : r == 1 ? stats[i].stale
                                            : stats[i].misses);
        ok = ok && strbuf_printf(out,
                                 "# HELP %s Values offered to a cache (rejected: outdated by an "
                                 "invalidation, or too big).\n# TYPE %s counter\n",
                                 STO, STO);
        for (size_t r = 0; ok && r < 2; r++)
            for (size_t i = 0; ok && i < n; i++)
                ok = strbuf_printf(out, "%s{cache=\"%s\",result=\"%s\"} %" PRIu64 "\n", STO,
                                   cache_name(caches[i]), r == 0 ? "stored" : "rejected",
                                   r == 0 ? stats[i].puts : stats[i].rejected);
        ok = ok &&
             render_family(caches, stats, n, out, "eeum_cache_evictions_total", "counter",
                           "Entries dropped for space.", FAM_EVICTIONS) &&
             render_family(caches, stats, n, out, "eeum_cache_invalidations_total", "counter",
                           "Entries removed because this process changed the data.",
                           FAM_INVALIDATIONS) &&
             render_family(caches, stats, n, out, "eeum_cache_entries", "gauge", "Entries held.",
                           FAM_ENTRIES) &&
             render_family(caches, stats, n, out, "eeum_cache_bytes", "gauge",
                           "Bytes of cached values.", FAM_BYTES);
    }
    if (ok && app->views) {
        struct viewbuf_stats v;
        viewbuf_get_stats(app->views, &v);
        ok = strbuf_printf(
            out,
            "# HELP eeum_board_views_unflushed Post views counted in memory, not yet written.\n"
            "# TYPE eeum_board_views_unflushed gauge\n"
            "eeum_board_views_unflushed %" PRIu64 "\n"
            "# HELP eeum_board_views_flushed_total Post views written to the database.\n"
            "# TYPE eeum_board_views_flushed_total counter\n"
            "eeum_board_views_flushed_total %" PRIu64 "\n"
            "# HELP eeum_board_views_flushes_total Batches of views written.\n"
            "# TYPE eeum_board_views_flushes_total counter\n"
            "eeum_board_views_flushes_total %" PRIu64 "\n"
            "# HELP eeum_board_views_flush_failures_total Batches that failed (kept, retried).\n"
            "# TYPE eeum_board_views_flush_failures_total counter\n"
            "eeum_board_views_flush_failures_total %" PRIu64 "\n"
            "# HELP eeum_board_views_overflows_total Views written at once because too many "
            "posts had buffered counts.\n"
            "# TYPE eeum_board_views_overflows_total counter\n"
            "eeum_board_views_overflows_total %" PRIu64 "\n"
            "# HELP eeum_board_views_counters Posts with a view counter in memory.\n"
            "# TYPE eeum_board_views_counters gauge\n"
            "eeum_board_views_counters %zu\n",
            v.unflushed, v.flushed, v.flushes, v.flush_failures, v.overflows, v.entries);
    }
    return ok;
}

enum status caches_resp_item_text(struct http_resp *resp, const char *item, size_t len)
{
    struct strbuf sb;
    strbuf_init(&sb, len + sizeof ITEM_HEAD + 2);
    bool ok = strbuf_append(&sb, ITEM_HEAD, sizeof ITEM_HEAD - 1) &&
              strbuf_append(&sb, item, len) && strbuf_puts(&sb, "}");
    enum status st =
        ok ? http_resp_raw(resp, 200, "application/json; charset=utf-8", sb.data, sb.len)
           : STATUS_INTERNAL;
    strbuf_free(&sb);
    if (st == STATUS_OK)
        http_resp_header(resp, "Cache-Control", "no-store");
    return st;
}

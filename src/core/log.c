/*
 * log.c - structured one-line logging to stderr (text or JSON).
 * Lines are assembled in a stack buffer and emitted whole, so threads never interleave;
 * over-long messages are truncated on a UTF-8 boundary.
 *
 * With log_async_start(), info and debug lines (the access log) are appended to an in-memory
 * buffer that a background thread writes out every LOG_FLUSH_MS or when it fills: one write(2)
 * per batch instead of one per request, and no contention on the log file between HTTP
 * threads. Warnings and errors flush the buffer and are written at once, in order.
 */
#include "eeum/log.h"

#include "eeum/timeutil.h"
#include "eeum/utf8.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096
#define LOG_MSG_MAX  2048

static const char *g_service = "eeum";
static enum log_level g_min = LOGL_INFO;
static bool g_json;

static const char *const LEVEL_NAMES[] = {"debug", "info", "warn", "error"};

void log_init(const char *service, enum log_level min, bool json)
{
    g_service = service;
    g_min = min;
    g_json = json;
}

bool log_level_parse(const char *s, enum log_level *out)
{
    for (unsigned i = 0; i < sizeof LEVEL_NAMES / sizeof LEVEL_NAMES[0]; i++) {
        if (strcasecmp(s, LEVEL_NAMES[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    if (strcasecmp(s, "warning") == 0) {
        *out = LOGL_WARN;
        return true;
    }
    return false;
}

bool log_enabled(enum log_level lvl)
{
    return lvl >= g_min;
}

struct line {
    char buf[LOG_LINE_MAX];
    size_t len;
};

static void line_raw(struct line *l, const char *s, size_t n)
{
    size_t room = sizeof l->buf - 2 - l->len; /* keep space for '\n' */
    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void line_str(struct line *l, const char *s)
{
    line_raw(l, s, strlen(s));
}

/* Append `s`, JSON-escaped when `json`, else with control characters replaced. */
static void line_escaped(struct line *l, const char *s, bool json)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        char tmp[8];
        if (*p == '"' && json) {
            line_raw(l, "\\\"", 2);
        } else if (*p == '\\' && json) {
            line_raw(l, "\\\\", 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            if (json) {
                snprintf(tmp, sizeof tmp, "\\u%04x", *p);
                line_str(l, tmp);
            } else {
                line_raw(l, " ", 1);
            }
        } else {
            line_raw(l, (const char *)p, 1);
        }
    }
}

/* Trim a message to valid UTF-8 so a truncated multi-byte sequence never reaches the log. */
static void fix_utf8(char *msg)
{
    size_t n = strlen(msg);
    while (n > 0 && !utf8_valid(msg, n))
        n--;
    msg[n] = '\0';
}

static void write_all(const char *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(STDERR_FILENO, p + off, n - off);
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

#define LOG_BUF_BYTES (256u * 1024)
#define LOG_FLUSH_MS  50

/* Batching state: `buf` collects lines under `mu`; the flusher swaps it with `spare`. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static char g_bufs[2][LOG_BUF_BYTES];
static char *g_buf = g_bufs[0];
static size_t g_len;
static atomic_bool g_async;
static bool g_stop;
static pthread_t g_flusher;

/* Write out what is buffered; the caller holds g_mu (writing under the lock keeps order). */
static void flush_locked(void)
{
    if (g_len) {
        write_all(g_buf, g_len);
        g_len = 0;
    }
}

static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_mu);
    while (!g_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += LOG_FLUSH_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g_cv, &g_mu, &ts);
        if (!g_len)
            continue;
        /* Swap buffers so appenders never wait for the disk. */
        char *full = g_buf;
        size_t n = g_len;
        g_buf = (g_buf == g_bufs[0]) ? g_bufs[1] : g_bufs[0];
        g_len = 0;
        pthread_mutex_unlock(&g_mu);
        write_all(full, n);
        pthread_mutex_lock(&g_mu);
    }
    flush_locked();
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

bool log_async_start(void)
{
    if (atomic_load(&g_async))
        return true;
    g_stop = false;
    if (pthread_create(&g_flusher, NULL, flusher_main, NULL) != 0)
        return false;
    atomic_store(&g_async, true);
    return true;
}

void log_async_stop(void)
{
    if (!atomic_load(&g_async))
        return;
    pthread_mutex_lock(&g_mu);
    g_stop = true;
    pthread_cond_signal(&g_cv);
    pthread_mutex_unlock(&g_mu);
    pthread_join(g_flusher, NULL);
    atomic_store(&g_async, false);
}

static void line_emit(struct line *l, enum log_level lvl)
{
    l->buf[l->len++] = '\n';
    if (!atomic_load_explicit(&g_async, memory_order_relaxed)) {
        write_all(l->buf, l->len);
        return;
    }
    pthread_mutex_lock(&g_mu);
    if (lvl >= LOGL_WARN || g_len + l->len > LOG_BUF_BYTES) {
        /* Problems are written at once (after what came before them). */
        flush_locked();
        write_all(l->buf, l->len);
    } else {
        memcpy(g_buf + g_len, l->buf, l->len);
        g_len += l->len;
    }
    pthread_mutex_unlock(&g_mu);
}

static void line_head(struct line *l, enum log_level lvl, const char *event)
{
    char ts[TIME_ISO_LEN];
    time_now_iso_ms(ts);
    l->len = 0;
    if (g_json) {
        line_str(l, "{\"ts\":\"");
        line_str(l, ts);
        line_str(l, "\",\"level\":\"");
        line_str(l, LEVEL_NAMES[lvl]);
        line_str(l, "\",\"service\":\"");
        line_escaped(l, g_service, true);
        line_str(l, "\",\"event\":\"");
        line_escaped(l, event, true);
        line_str(l, "\"");
    } else {
        char head[96];
        snprintf(head, sizeof head, "%s %-5s %s %s", ts, LEVEL_NAMES[lvl], g_service, event);
        line_str(l, head);
    }
}

void log_event(enum log_level lvl, const char *event, const char *fmt, ...)
{
    if (!log_enabled(lvl))
        return;
    char msg[LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fix_utf8(msg);

    struct line l;
    line_head(&l, lvl, event);
    if (g_json) {
        line_str(&l, ",\"msg\":\"");
        line_escaped(&l, msg, true);
        line_str(&l, "\"}");
    } else {
        line_str(&l, " ");
        line_escaped(&l, msg, false);
    }
    line_emit(&l, lvl);
}

void log_access(const char *method, const char *route, unsigned status, double duration_ms,
                const char *request_id, const char *client_ip)
{
    if (!log_enabled(LOGL_INFO))
        return;
    struct line l;
    char num[64];
    line_head(&l, LOGL_INFO, "http.access");
    if (g_json) {
        line_str(&l, ",\"method\":\"");
        line_escaped(&l, method, true);
        line_str(&l, "\",\"route\":\"");
        line_escaped(&l, route, true);
        snprintf(num, sizeof num, "\",\"status\":%u,\"duration_ms\":%.3f", status, duration_ms);
        line_str(&l, num);
        line_str(&l, ",\"request_id\":\"");
        line_escaped(&l, request_id, true);
        line_str(&l, "\",\"client_ip\":\"");
        line_escaped(&l, client_ip, true);
        line_str(&l, "\"}");
    } else {
        line_str(&l, " method=");
        line_escaped(&l, method, false);
        line_str(&l, " route=");
        line_escaped(&l, route, false);
        snprintf(num, sizeof num, " status=%u duration_ms=%.3f", status, duration_ms);
        line_str(&l, num);
        line_str(&l, " request_id=");
        line_escaped(&l, request_id, false);
        line_str(&l, " client_ip=");
        line_escaped(&l, client_ip, false);
    }
    line_emit(&l, LOGL_INFO);
}

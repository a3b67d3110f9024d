/*
 * log.c - structured one-line logging to stderr (text or JSON).
 * Lines are assembled in a stack buffer and emitted with one write(2) so threads never
 * interleave; over-long messages are truncated on a UTF-8 boundary.
 */
#include "eeum/log.h"

#include "eeum/timeutil.h"
#include "eeum/utf8.h"

#include <stdarg.h>
#include <stdio.h>
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

static void line_emit(struct line *l)
{
    l->buf[l->len++] = '\n';
    ssize_t off = 0;
    while ((size_t)off < l->len) {
        ssize_t w = write(STDERR_FILENO, l->buf + off, l->len - (size_t)off);
        if (w <= 0)
            return;
        off += w;
    }
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
    line_emit(&l);
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
    line_emit(&l);
}

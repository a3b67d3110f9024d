/*
 * log.h - one line per event on stderr, as text or JSON (LOG_FORMAT).
 * Each line is written with a single write(2), so lines from threads never interleave.
 * Never pass secrets or request bodies to these functions.
 */
#ifndef EEUM_LOG_H
#define EEUM_LOG_H

#include <stdbool.h>

enum log_level { LOGL_DEBUG = 0, LOGL_INFO, LOGL_WARN, LOGL_ERROR };

/* Configure once at start-up, before threads exist. `service` is borrowed (static string). */
void log_init(const char *service, enum log_level min, bool json);

/* Batch info/debug lines in memory and write them from a background thread every 50 ms;
 * warnings and errors still go out at once. Call once threads may run; false if the thread
 * could not start (logging stays synchronous). */
bool log_async_start(void);

/* Flush everything and stop the background writer (before exit). */
void log_async_stop(void);

/* Parse "debug|info|warn|error"; returns false for anything else. */
bool log_level_parse(const char *s, enum log_level *out);

/* True if `lvl` would be written. */
bool log_enabled(enum log_level lvl);

/* Log an event: `event` is a short dotted name ("db.connect"), the rest a printf message. */
void log_event(enum log_level lvl, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The access line for one HTTP request. Strings are borrowed. Thread-safe. */
void log_access(const char *method, const char *route, unsigned status, double duration_ms,
                const char *request_id, const char *client_ip);

#define log_debug(ev, ...) log_event(LOGL_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)  log_event(LOGL_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)  log_event(LOGL_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...) log_event(LOGL_ERROR, ev, __VA_ARGS__)

#endif

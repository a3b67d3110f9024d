/*
 * timeutil.c - monotonic clock and ISO-8601 UTC formatting (gmtime_r only).
 */
#include "eeum/timeutil.h"

#include <stdio.h>
#include <string.h>

uint64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void time_iso_utc(time_t t, char out[TIME_ISO_LEN])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        out[0] = '\0';
        return;
    }
    strftime(out, TIME_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_iso_ms(char out[TIME_ISO_LEN])
{
    /* Log lines call this for every request: the date part is formatted once per second and
     * thread, only the milliseconds change in between. */
    static _Thread_local time_t cached_sec = (time_t)-1;
    static _Thread_local char cached[TIME_ISO_LEN];
    static _Thread_local size_t cached_len;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
        struct tm tm;
        if (!gmtime_r(&ts.tv_sec, &tm)) {
            out[0] = '\0';
            return;
        }
        cached_len = strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = ts.tv_sec;
    }
    memcpy(out, cached, cached_len);
    size_t n = cached_len;
    unsigned ms = (unsigned)(ts.tv_nsec / 1000000L) % 1000u;
    out[n++] = '.';
    out[n++] = (char)('0' + ms / 100);
    out[n++] = (char)('0' + ms / 10 % 10);
    out[n++] = (char)('0' + ms % 10);
    out[n++] = 'Z';
    out[n] = '\0';
}

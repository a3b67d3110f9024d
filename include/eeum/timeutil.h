/*
 * timeutil.h - clocks and ISO-8601 formatting (UTC instants with Z).
 */
#ifndef EEUM_TIMEUTIL_H
#define EEUM_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TIME_ISO_LEN 32

/* Monotonic clock in nanoseconds. Thread-safe. */
uint64_t time_mono_ns(void);

/* Format `t` as "YYYY-MM-DDTHH:MM:SSZ" into out (at least TIME_ISO_LEN bytes). Thread-safe. */
void time_iso_utc(time_t t, char out[TIME_ISO_LEN]);

/* Same with milliseconds: "YYYY-MM-DDTHH:MM:SS.mmmZ", from the real-time clock. */
void time_now_iso_ms(char out[TIME_ISO_LEN]);

#endif

/*
 * ratelimit.h - sliding-window counters of failures per key (IP address, email), in memory,
 * bounded in size and thread-safe. Used for failed logins: N failures within W seconds block
 * the key until the oldest of them leaves the window.
 */
#ifndef EEUM_RATELIMIT_H
#define EEUM_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX 96

struct ratelimit;

/* `max_events` failures per `window_s` seconds; at most `capacity` keys are tracked (the
 * stalest key is evicted when full). NULL on ENOMEM or bad arguments. */
struct ratelimit *ratelimit_new(unsigned max_events, unsigned window_s, size_t capacity);
void ratelimit_free(struct ratelimit *rl);

/* 0 when `key` may try now; otherwise the seconds to wait (>= 1) until it may. */
unsigned ratelimit_check(struct ratelimit *rl, const char *key, int64_t now);

/*
 * Check and record in one step: 0 when `key` may try now, and the attempt is then counted as
 * a failure in advance (so concurrent attempts can never exceed the limit); otherwise the
 * seconds to wait (nothing recorded). Call ratelimit_forgive() when the attempt succeeds.
 */
unsigned ratelimit_acquire(struct ratelimit *rl, const char *key, int64_t now);

/* Take back the most recent event of `key` (an acquired attempt that succeeded). */
void ratelimit_forgive(struct ratelimit *rl, const char *key);

/* Record one failure for `key` at `now`. */
void ratelimit_record(struct ratelimit *rl, const char *key, int64_t now);

/* Forget `key` (e.g. after a successful login for that email). */
void ratelimit_reset(struct ratelimit *rl, const char *key);

#endif

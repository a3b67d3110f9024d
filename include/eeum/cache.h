/*
 * cache.h - a small, bounded, thread-safe in-process cache: uint64 keys, immutable
 * reference-counted byte values, a time to live per entry, explicit invalidation by key, and
 * fill tickets so that a fill which read the old state before an invalidation cannot store it
 * after the invalidation. Sharded mutexes; FIFO eviction when a shard is over its entry or
 * byte budget; hit/miss counters for /metrics.
 */
#ifndef EEUM_CACHE_H
#define EEUM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cache;
struct cache_val; /* immutable bytes; see cache_val_data / cache_val_len */

enum cache_result {
    CACHE_MISS = 0, /* no entry (or expired longer ago than the caller accepts) */
    CACHE_HIT,      /* a live entry */
    CACHE_STALE,    /* expired less than `stale_ms` ago: usable while one caller refreshes */
};

struct cache_stats {
    uint64_t hits, misses, stale;
    uint64_t puts;          /* values stored */
    uint64_t rejected;      /* puts refused: ticket outdated by an invalidation, or too big */
    uint64_t evictions;     /* entries dropped to stay within the budget */
    uint64_t invalidations; /* cache_invalidate calls that removed an entry */
    size_t entries, bytes;
};

/*
 * New cache holding at most `max_entries` values and `max_bytes` bytes of values (both
 * divided evenly among the shards; a value larger than a shard's byte budget is never stored).
 * `name` (static string) labels its metrics. NULL on ENOMEM or zero budgets.
 */
struct cache *cache_new(const char *name, size_t max_entries, size_t max_bytes);

/* Frees the cache and drops its references (values still held by callers stay valid until
 * released). NULL-safe. No other thread may use the cache any more. */
void cache_free(struct cache *c);

/* The metrics label given to cache_new. */
const char *cache_name(const struct cache *c);

/*
 * A fill ticket for `key`: take it BEFORE reading the source of truth, pass it to cache_put.
 * Any cache_invalidate of a key of the same shard in between makes the put a no-op, so an
 * invalidation issued after a write committed can never be undone by a fill that read the
 * state before the write. Thread-safe.
 */
uint64_t cache_ticket(struct cache *c, uint64_t key);

/*
 * Store a copy of data[0..len) under `key` for `ttl_ms` (> 0), replacing any entry, unless
 * `ticket` is outdated (see cache_ticket). Evicts the oldest entries of the shard as needed.
 * Returns true when stored. Thread-safe.
 */
bool cache_put(struct cache *c, uint64_t key, const void *data, size_t len, uint32_t ttl_ms,
               uint64_t ticket);

/*
 * Look up `key`. On CACHE_HIT or CACHE_STALE *out is a new reference (cache_val_release);
 * on CACHE_MISS *out is NULL. An entry expired for longer than `stale_ms` is removed and
 * reported as a miss. Thread-safe.
 */
enum cache_result cache_get(struct cache *c, uint64_t key, uint32_t stale_ms,
                            const struct cache_val **out);

/* Remove `key` (if present) and outdate the tickets of its shard. Thread-safe. */
void cache_invalidate(struct cache *c, uint64_t key);

/* Counters and sizes (a consistent sum per shard, not a global snapshot). Thread-safe. */
void cache_get_stats(struct cache *c, struct cache_stats *out);

/* The bytes of a value (borrowed while the caller holds its reference). */
const char *cache_val_data(const struct cache_val *v);
size_t cache_val_len(const struct cache_val *v);

/* Drop a reference from cache_get. NULL-safe, thread-safe. */
void cache_val_release(const struct cache_val *v);

#endif

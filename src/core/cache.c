/*
 * cache.c - bounded sharded in-process cache (see cache.h). Each shard is a mutex, a chained
 * hash table and a FIFO list of its entries in insertion order: eviction drops the oldest
 * entry. Entries live for a short TTL and are re-inserted on refill, so insertion order is a
 * good stand-in for recency, and a hit never writes shared list links. Values are immutable
 * and reference counted, so a hit copies nothing under the lock.
 */
#include "eeum/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SHARDS 16u /* a power of two */

struct cache_val {
    atomic_size_t refs;
    size_t len;
    char data[];
};

struct entry {
    uint64_t key;
    uint64_t expires_ms; /* monotonic clock */
    struct cache_val *val;
    struct entry *hnext;         /* hash chain */
    struct entry *older, *newer; /* FIFO list */
};

struct shard {
    pthread_mutex_t lock;
    struct entry **buckets;
    size_t nbuckets; /* a power of two */
    struct entry *oldest, *newest;
    size_t entries, bytes;
    uint64_t seq; /* bumped by every invalidation: outdates tickets */
    uint64_t hits, misses, stale, puts, rejected, evictions, invalidations;
};

struct cache {
    const char *name;
    size_t max_entries; /* per shard */
    size_t max_bytes;   /* per shard */
    struct shard shards[CACHE_SHARDS];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* splitmix64 finaliser: ids are sequential, so spread them before picking shard and bucket. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static struct shard *shard_of(struct cache *c, uint64_t h)
{
    return &c->shards[h & (CACHE_SHARDS - 1)];
}

static size_t bucket_of(const struct shard *s, uint64_t h)
{
    return (size_t)(h >> 8) & (s->nbuckets - 1);
}

void cache_val_release(const struct cache_val *v)
{
    if (!v)
        return;
    struct cache_val *m = (struct cache_val *)(uintptr_t)v;
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
        free(m);
}

const char *cache_val_data(const struct cache_val *v)
{
    return v->data;
}

size_t cache_val_len(const struct cache_val *v)
{
    return v->len;
}

struct cache *cache_new(const char *name, size_t max_entries, size_t max_bytes)
{
    if (max_entries == 0 || max_bytes == 0)
        return NULL;
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->name = name;
    c->max_entries = (max_entries + CACHE_SHARDS - 1) / CACHE_SHARDS;
    c->max_bytes = (max_bytes + CACHE_SHARDS - 1) / CACHE_SHARDS;
    size_t nb = 8;
    while (nb < c->max_entries && nb < ((size_t)1 << 20))
        nb <<= 1;
    for (size_t i = 0; i < CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        s->nbuckets = nb;
        s->buckets = calloc(nb, sizeof *s->buckets);
        pthread_mutex_init(&s->lock, NULL);
        if (!s->buckets) {
            cache_free(c);
            return NULL;
        }
    }
    return c;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        for (struct entry *e = s->oldest, *next; e; e = next) {
            next = e->newer;
            cache_val_release(e->val);
            free(e);
        }
        free(s->buckets);
        pthread_mutex_destroy(&s->lock);
    }
    free(c);
}

const char *cache_name(const struct cache *c)
{
    return c->name;
}

/* Unlink `e` from its chain and the FIFO list and free it (shard locked). */
static void entry_remove(struct shard *s, struct entry *e, uint64_t h)
{
    struct entry **pp = &s->buckets[bucket_of(s, h)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    if (e->older)
        e->older->newer = e->newer;
    else
        s->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        s->newest = e->older;
    s->entries--;
    s->bytes -= e->val->len;
    cache_val_release(e->val);
    free(e);
}

static struct entry *entry_find(struct shard *s, uint64_t key, uint64_t h)
{
    for (struct entry *e = s->buckets[bucket_of(s, h)]; e; e = e->hnext)
        if (e->key == key)
            return e;
    return NULL;
}

uint64_t cache_ticket(struct cache *c, uint64_t key)
{
    struct shard *s = shard_of(c, mix(key));
    pthread_mutex_lock(&s->lock);
    uint64_t t = s->seq;
    pthread_mutex_unlock(&s->lock);
    return t;
}

bool cache_put(struct cache *c, uint64_t key, const void *data, size_t len, uint32_t ttl_ms,
               uint64_t ticket)
{
    uint64_t h = mix(key);
    struct shard *s = shard_of(c, h);
    if (ttl_ms == 0 || len > c->max_bytes) {
        pthread_mutex_lock(&s->lock);
        s->rejected++;
        pthread_mutex_unlock(&s->lock);
        return false;
    }
    /* Allocate and copy outside the lock. */
    struct cache_val *v = malloc(sizeof *v + len);
    struct entry *e = malloc(sizeof *e);
    if (!v || !e) {
        free(v);
        free(e);
        return false;
    }
    atomic_init(&v->refs, 1);
    v->len = len;
    if (len)
        memcpy(v->data, data, len);
    e->key = key;
    e->expires_ms = now_ms() + ttl_ms;
    e->val = v;

    pthread_mutex_lock(&s->lock);
    if (s->seq != ticket) {
        s->rejected++;
        pthread_mutex_unlock(&s->lock);
        free(v);
        free(e);
        return false;
    }
    struct entry *old = entry_find(s, key, h);
    if (old)
        entry_remove(s, old, h);
    while (s->oldest && (s->entries >= c->max_entries || s->bytes + len > c->max_bytes)) {
        entry_remove(s, s->oldest, mix(s->oldest->key));
        s->evictions++;
    }
    size_t b = bucket_of(s, h);
    e->hnext = s->buckets[b];
    s->buckets[b] = e;
    e->newer = NULL;
    e->older = s->newest;
    if (s->newest)
        s->newest->newer = e;
    else
        s->oldest = e;
    s->newest = e;
    s->entries++;
    s->bytes += len;
    s->puts++;
    pthread_mutex_unlock(&s->lock);
    return true;
}

enum cache_result cache_get(struct cache *c, uint64_t key, uint32_t stale_ms,
                            const struct cache_val **out)
{
    *out = NULL;
    uint64_t h = mix(key);
    struct shard *s = shard_of(c, h);
    uint64_t now = now_ms();
    enum cache_result r = CACHE_MISS;
    pthread_mutex_lock(&s->lock);
    struct entry *e = entry_find(s, key, h);
    if (e && now >= e->expires_ms + stale_ms) {
        entry_remove(s, e, h); /* too old to be of use to anyone */
        e = NULL;
    }
    if (e) {
        r = now < e->expires_ms ? CACHE_HIT : CACHE_STALE;
        atomic_fetch_add_explicit(&e->val->refs, 1, memory_order_relaxed);
        *out = e->val;
    }
    if (r == CACHE_HIT)
        s->hits++;
    else if (r == CACHE_STALE)
        s->stale++;
    else
        s->misses++;
    pthread_mutex_unlock(&s->lock);
    return r;
}

void cache_invalidate(struct cache *c, uint64_t key)
{
    uint64_t h = mix(key);
    struct shard *s = shard_of(c, h);
    pthread_mutex_lock(&s->lock);
    s->seq++;
    struct entry *e = entry_find(s, key, h);
    if (e) {
        entry_remove(s, e, h);
        s->invalidations++;
    }
    pthread_mutex_unlock(&s->lock);
}

void cache_get_stats(struct cache *c, struct cache_stats *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < CACHE_SHARDS; i++) {
        struct shard *s = &c->shards[i];
        pthread_mutex_lock(&s->lock);
        out->hits += s->hits;
        out->misses += s->misses;
        out->stale += s->stale;
        out->puts += s->puts;
        out->rejected += s->rejected;
        out->evictions += s->evictions;
        out->invalidations += s->invalidations;
        out->entries += s->entries;
        out->bytes += s->bytes;
        pthread_mutex_unlock(&s->lock);
    }
}

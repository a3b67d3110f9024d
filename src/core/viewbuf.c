/*
 * viewbuf.c - in-memory view counters flushed in batches (see viewbuf.h). A counter entry per
 * post in a sharded hash table; the flusher moves `pending` to `inflight`, writes the batch
 * through the caller's function and then moves `inflight` to `flushed` (or back to `pending`
 * when the write failed). The generation is bumped to odd before the first move and back to
 * even after the last, so a reader can tell whether a flush overlapped its database read.
 */
#include "eeum/viewbuf.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VB_SHARDS 16u

struct vb_entry {
    uint64_t id;
    uint64_t incarnation;
    uint64_t pending, inflight, flushed;
    uint64_t touched_ms;
    struct vb_entry *next;
};

struct vb_shard {
    pthread_mutex_t lock;
    struct vb_entry **buckets;
    size_t nbuckets;
};

struct viewbuf {
    struct vb_shard shards[VB_SHARDS];
    size_t max_entries;
    uint32_t idle_ms;
    atomic_uint_fast64_t gen;
    atomic_uint_fast64_t incarnations;
    atomic_size_t entries;
    atomic_uint_fast64_t unflushed, flushed, flushes, failures, overflows;
    pthread_mutex_t flush_lock; /* one flush at a time */
    /* the flushing thread */
    pthread_mutex_t tlock;
    pthread_cond_t tcond;
    pthread_t thread;
    bool running, stopping;
    uint32_t interval_ms;
    struct viewbuf_writer writer;
};

#define FLUSH_BATCH 500

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static struct vb_shard *shard_of(struct viewbuf *vb, uint64_t h)
{
    return &vb->shards[h & (VB_SHARDS - 1)];
}

static struct vb_entry **slot_of(struct vb_shard *s, uint64_t h)
{
    return &s->buckets[(size_t)(h >> 8) & (s->nbuckets - 1)];
}

static struct vb_entry *find(struct vb_shard *s, uint64_t id, uint64_t h)
{
    for (struct vb_entry *e = *slot_of(s, h); e; e = e->next)
        if (e->id == id)
            return e;
    return NULL;
}

struct viewbuf *viewbuf_new(size_t max_entries, uint32_t idle_ms)
{
    if (max_entries == 0)
        return NULL;
    struct viewbuf *vb = calloc(1, sizeof *vb);
    if (!vb)
        return NULL;
    vb->max_entries = max_entries;
    vb->idle_ms = idle_ms;
    size_t nb = 8;
    while (nb < max_entries / VB_SHARDS && nb < ((size_t)1 << 20))
        nb <<= 1;
    for (size_t i = 0; i < VB_SHARDS; i++) {
        vb->shards[i].nbuckets = nb;
        vb->shards[i].buckets = calloc(nb, sizeof(struct vb_entry *));
        pthread_mutex_init(&vb->shards[i].lock, NULL);
        if (!vb->shards[i].buckets) {
            viewbuf_free(vb);
            return NULL;
        }
    }
    pthread_mutex_init(&vb->flush_lock, NULL);
    pthread_mutex_init(&vb->tlock, NULL);
    pthread_cond_init(&vb->tcond, NULL);
    return vb;
}

void viewbuf_free(struct viewbuf *vb)
{
    if (!vb)
        return;
    for (size_t i = 0; i < VB_SHARDS; i++) {
        struct vb_shard *s = &vb->shards[i];
        for (size_t b = 0; s->buckets && b < s->nbuckets; b++)
            for (struct vb_entry *e = s->buckets[b], *n; e; e = n) {
                n = e->next;
                free(e);
            }
        free(s->buckets);
        pthread_mutex_destroy(&s->lock);
    }
    pthread_mutex_destroy(&vb->flush_lock);
    pthread_mutex_destroy(&vb->tlock);
    pthread_cond_destroy(&vb->tcond);
    free(vb);
}

uint64_t viewbuf_gen(const struct viewbuf *vb)
{
    return atomic_load(&((struct viewbuf *)(uintptr_t)vb)->gen);
}

static void snap_of(const struct viewbuf *vb, const struct vb_entry *e, struct viewbuf_snap *out)
{
    out->gen = viewbuf_gen(vb);
    out->incarnation = e ? e->incarnation : 0;
    out->pending = e ? e->pending : 0;
    out->inflight = e ? e->inflight : 0;
    out->flushed = e ? e->flushed : 0;
}

bool viewbuf_add(struct viewbuf *vb, uint64_t id, struct viewbuf_snap *out)
{
    uint64_t h = mix(id);
    struct vb_shard *s = shard_of(vb, h);
    pthread_mutex_lock(&s->lock);
    struct vb_entry *e = find(s, id, h);
    if (!e) {
        if (atomic_load(&vb->entries) >= vb->max_entries || !(e = calloc(1, sizeof *e))) {
            pthread_mutex_unlock(&s->lock);
            atomic_fetch_add(&vb->overflows, 1);
            return false;
        }
        e->id = id;
        e->incarnation = atomic_fetch_add(&vb->incarnations, 1) + 1;
        struct vb_entry **slot = slot_of(s, h);
        e->next = *slot;
        *slot = e;
        atomic_fetch_add(&vb->entries, 1);
    }
    e->pending++;
    e->touched_ms = now_ms();
    atomic_fetch_add(&vb->unflushed, 1);
    snap_of(vb, e, out);
    pthread_mutex_unlock(&s->lock);
    return true;
}

void viewbuf_peek(struct viewbuf *vb, uint64_t id, struct viewbuf_snap *out)
{
    uint64_t h = mix(id);
    struct vb_shard *s = shard_of(vb, h);
    pthread_mutex_lock(&s->lock);
    snap_of(vb, find(s, id, h), out);
    pthread_mutex_unlock(&s->lock);
}

static int cmp_item(const void *a, const void *b)
{
    uint64_t x = ((const struct viewbuf_item *)a)->id, y = ((const struct viewbuf_item *)b)->id;
    return x < y ? -1 : x > y;
}

/* Take every pending count into *items (malloc'd) when `take`, and drop idle entries. */
static size_t collect(struct viewbuf *vb, bool take, struct viewbuf_item **items, bool *enomem)
{
    size_t n = 0, cap = 0;
    uint64_t now = now_ms();
    *items = NULL;
    *enomem = false;
    for (size_t i = 0; i < VB_SHARDS; i++) {
        struct vb_shard *s = &vb->shards[i];
        pthread_mutex_lock(&s->lock);
        for (size_t b = 0; b < s->nbuckets; b++) {
            for (struct vb_entry **pp = &s->buckets[b]; *pp;) {
                struct vb_entry *e = *pp;
                if (take && e->pending > 0 && !*enomem) {
                    if (n == cap) {
                        size_t nc = cap ? cap * 2 : 256;
                        struct viewbuf_item *ni = realloc(*items, nc * sizeof *ni);
                        if (!ni) {
                            *enomem = true; /* the rest waits for the next flush */
                            pp = &e->next;
                            continue;
                        }
                        *items = ni;
                        cap = nc;
                    }
                    (*items)[n++] = (struct viewbuf_item){e->id, e->pending};
                    e->inflight = e->pending;
                    e->pending = 0;
                } else if (e->pending == 0 && e->inflight == 0 && now > e->touched_ms &&
                           now - e->touched_ms > vb->idle_ms) {
                    *pp = e->next;
                    free(e);
                    atomic_fetch_sub(&vb->entries, 1);
                    continue;
                }
                pp = &e->next;
            }
        }
        pthread_mutex_unlock(&s->lock);
    }
    return n;
}

/* After a batch: its counts become flushed (ok) or pending again. */
static void settle(struct viewbuf *vb, const struct viewbuf_item *items, size_t n, bool ok)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t h = mix(items[i].id);
        struct vb_shard *s = shard_of(vb, h);
        pthread_mutex_lock(&s->lock);
        struct vb_entry *e = find(s, items[i].id, h); /* never dropped while in flight */
        if (e) {
            e->inflight -= items[i].n;
            if (ok)
                e->flushed += items[i].n;
            else
                e->pending += items[i].n;
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (ok) {
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += items[i].n;
        atomic_fetch_sub(&vb->unflushed, sum);
        atomic_fetch_add(&vb->flushed, sum);
        atomic_fetch_add(&vb->flushes, 1);
    } else {
        atomic_fetch_add(&vb->failures, 1);
    }
}

uint64_t viewbuf_flush(struct viewbuf *vb, const struct viewbuf_writer *w, size_t max_batch)
{
    if (max_batch == 0)
        max_batch = FLUSH_BATCH;
    pthread_mutex_lock(&vb->flush_lock);
    bool work = atomic_load(&vb->unflushed) > 0;
    /* Get ready (a connection) before the generation turns odd: readers that meet an odd
     * generation wait or settle for an approximate count, so it must stay odd briefly. */
    if (work && w->begin && !w->begin(w->ctx)) {
        atomic_fetch_add(&vb->failures, 1);
        pthread_mutex_unlock(&vb->flush_lock);
        return 0;
    }
    if (work)
        atomic_fetch_add(&vb->gen, 1); /* odd: a flush is writing */
    struct viewbuf_item *items = NULL;
    bool enomem = false;
    size_t n = collect(vb, work, &items, &enomem);
    uint64_t written = 0;
    if (n > 0)
        qsort(items, n, sizeof *items, cmp_item);
    for (size_t off = 0; off < n; off += max_batch) {
        size_t k = n - off < max_batch ? n - off : max_batch;
        bool ok = w->write(w->ctx, items + off, k);
        settle(vb, items + off, k, ok);
        for (size_t i = 0; ok && i < k; i++)
            written += items[off + i].n;
    }
    free(items);
    if (work)
        atomic_fetch_add(&vb->gen, 1); /* even again */
    if (work && w->end)
        w->end(w->ctx);
    pthread_mutex_unlock(&vb->flush_lock);
    return written;
}

static void *flusher(void *arg)
{
    struct viewbuf *vb = arg;
    pthread_mutex_lock(&vb->tlock);
    while (!vb->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)vb->interval_ms * 1000000u;
        until.tv_sec += (time_t)(ns / 1000000000u);
        until.tv_nsec = (long)(ns % 1000000000u);
        int rc = 0;
        while (!vb->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&vb->tcond, &vb->tlock, &until);
        if (vb->stopping)
            break;
        pthread_mutex_unlock(&vb->tlock);
        viewbuf_flush(vb, &vb->writer, FLUSH_BATCH);
        pthread_mutex_lock(&vb->tlock);
    }
    pthread_mutex_unlock(&vb->tlock);
    return NULL;
}

int viewbuf_start(struct viewbuf *vb, uint32_t interval_ms, const struct viewbuf_writer *w)
{
    if (vb->running || !w->write)
        return -1;
    vb->interval_ms = interval_ms ? interval_ms : 1;
    vb->writer = *w;
    vb->stopping = false;
    if (pthread_create(&vb->thread, NULL, flusher, vb) != 0)
        return -1;
    vb->running = true;
    return 0;
}

uint64_t viewbuf_stop(struct viewbuf *vb, uint32_t timeout_ms)
{
    if (!vb || !vb->running)
        return vb ? atomic_load(&vb->unflushed) : 0;
    pthread_mutex_lock(&vb->tlock);
    vb->stopping = true;
    pthread_cond_signal(&vb->tcond);
    pthread_mutex_unlock(&vb->tlock);
    pthread_join(vb->thread, NULL);
    vb->running = false;
    /* The last flush: retry failed batches (database briefly away) until the deadline. */
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        viewbuf_flush(vb, &vb->writer, FLUSH_BATCH);
        if (atomic_load(&vb->unflushed) == 0 || now_ms() >= deadline)
            break;
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return atomic_load(&vb->unflushed);
}

void viewbuf_get_stats(struct viewbuf *vb, struct viewbuf_stats *out)
{
    out->unflushed = atomic_load(&vb->unflushed);
    out->flushed = atomic_load(&vb->flushed);
    out->flushes = atomic_load(&vb->flushes);
    out->flush_failures = atomic_load(&vb->failures);
    out->overflows = atomic_load(&vb->overflows);
    out->entries = atomic_load(&vb->entries);
}

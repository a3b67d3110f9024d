/*
 * ratelimit.c - bounded, mutex-protected table of per-key failure timestamps (sliding window).
 * Each key keeps the times of its last `max_events` failures in a ring; the key is blocked
 * while the oldest of a full ring is still inside the window.
 */
#include "eeum/ratelimit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct rl_entry {
    char key[RATELIMIT_KEY_MAX];
    bool used;
    unsigned count; /* events stored (<= max) */
    unsigned head;  /* next slot to write */
    int64_t *times; /* ring of max_events */
    int64_t last;
};

struct ratelimit {
    pthread_mutex_t mu;
    unsigned max_events;
    unsigned window_s;
    size_t capacity;
    struct rl_entry *entries;
    int64_t *times;
};

struct ratelimit *ratelimit_new(unsigned max_events, unsigned window_s, size_t capacity)
{
    if (!max_events || !window_s || !capacity || capacity > SIZE_MAX / max_events)
        return NULL;
    struct ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    /* Before any failure path: ratelimit_free() always destroys it. */
    pthread_mutex_init(&rl->mu, NULL);
    rl->entries = calloc(capacity, sizeof *rl->entries);
    rl->times = calloc(capacity * max_events, sizeof *rl->times);
    if (!rl->entries || !rl->times) {
        ratelimit_free(rl);
        return NULL;
    }
    for (size_t i = 0; i < capacity; i++)
        rl->entries[i].times = rl->times + i * max_events;
    rl->max_events = max_events;
    rl->window_s = window_s;
    rl->capacity = capacity;
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->entries);
    free(rl->times);
    free(rl);
}

static struct rl_entry *find(struct ratelimit *rl, const char *key)
{
    for (size_t i = 0; i < rl->capacity; i++)
        if (rl->entries[i].used && strcmp(rl->entries[i].key, key) == 0)
            return &rl->entries[i];
    return NULL;
}

/* Seconds to wait for this entry at `now` (0 = allowed). */
static unsigned wait_for(const struct ratelimit *rl, const struct rl_entry *e, int64_t now)
{
    if (e->count < rl->max_events)
        return 0;
    int64_t oldest = e->times[e->head]; /* ring is full: head is the oldest */
    int64_t until = oldest + rl->window_s;
    return until > now ? (unsigned)(until - now) : 0;
}

unsigned ratelimit_check(struct ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    const struct rl_entry *e = find(rl, key);
    unsigned w = e ? wait_for(rl, e, now) : 0;
    pthread_mutex_unlock(&rl->mu);
    return w;
}

/* Record one event; the caller holds the lock. */
static void record_locked(struct ratelimit *rl, const char *key, int64_t now)
{
    struct rl_entry *e = find(rl, key);
    if (!e) {
        /* A free slot, else the entry whose last event is oldest (expired ones first). */
        struct rl_entry *victim = NULL;
        for (size_t i = 0; i < rl->capacity; i++) {
            struct rl_entry *c = &rl->entries[i];
            if (!c->used) {
                victim = c;
                break;
            }
            if (!victim || c->last < victim->last)
                victim = c;
        }
        e = victim;
        int64_t *times = e->times;
        memset(e, 0, sizeof *e);
        e->times = times;
        e->used = true;
        memcpy(e->key, key, strlen(key) + 1);
    }
    e->times[e->head] = now;
    e->head = (e->head + 1) % rl->max_events;
    if (e->count < rl->max_events)
        e->count++;
    e->last = now;
}

void ratelimit_record(struct ratelimit *rl, const char *key, int64_t now)
{
    if (strlen(key) >= RATELIMIT_KEY_MAX)
        return; /* callers pass bounded keys; an oversized one is never tracked */
    pthread_mutex_lock(&rl->mu);
    record_locked(rl, key, now);
    pthread_mutex_unlock(&rl->mu);
}

unsigned ratelimit_acquire(struct ratelimit *rl, const char *key, int64_t now)
{
    if (strlen(key) >= RATELIMIT_KEY_MAX)
        return 0;
    pthread_mutex_lock(&rl->mu);
    const struct rl_entry *e = find(rl, key);
    unsigned w = e ? wait_for(rl, e, now) : 0;
    if (!w)
        record_locked(rl, key, now);
    pthread_mutex_unlock(&rl->mu);
    return w;
}

void ratelimit_forgive(struct ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->mu);
    struct rl_entry *e = find(rl, key);
    if (e && e->count > 0) {
        e->head = (e->head + rl->max_events - 1) % rl->max_events;
        e->count--;
    }
    pthread_mutex_unlock(&rl->mu);
}

void ratelimit_reset(struct ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->mu);
    struct rl_entry *e = find(rl, key);
    if (e) {
        int64_t *times = e->times;
        memset(e, 0, sizeof *e);
        e->times = times;
    }
    pthread_mutex_unlock(&rl->mu);
}

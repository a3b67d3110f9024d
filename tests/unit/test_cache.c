/*
 * test_cache.c - the in-process cache: hits and misses, copies and references, TTL and the
 * stale window, invalidation and fill tickets, entry and byte budgets with oldest-first
 * eviction, counters, and a multi-threaded smoke test (run under ASan/UBSan).
 */
#include "eeum/cache.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define TTL 60000u

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static bool put(struct cache *c, uint64_t key, const char *s, uint32_t ttl)
{
    return cache_put(c, key, s, strlen(s), ttl, cache_ticket(c, key));
}

/* The value of `key` as a string ("" when missing), and the lookup result. */
static enum cache_result get(struct cache *c, uint64_t key, uint32_t stale_ms, char *out,
                             size_t outlen)
{
    const struct cache_val *v = NULL;
    enum cache_result r = cache_get(c, key, stale_ms, &v);
    out[0] = '\0';
    if (v) {
        snprintf(out, outlen, "%.*s", (int)cache_val_len(v), cache_val_data(v));
        cache_val_release(v);
    } else {
        assert_int_equal(r, CACHE_MISS);
    }
    return r;
}

static void new_rejects_zero_budgets(void **state)
{
    (void)state;
    assert_null(cache_new("t", 0, 1024));
    assert_null(cache_new("t", 16, 0));
    struct cache *c = cache_new("named", 1, 1);
    assert_non_null(c);
    assert_string_equal(cache_name(c), "named");
    cache_free(c);
    cache_free(NULL);
    cache_val_release(NULL);
}

static void miss_then_hit_returns_a_copy_of_the_value(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    char buf[64], src[] = "profile-1";
    assert_int_equal(get(c, 1, 0, buf, sizeof buf), CACHE_MISS);
    assert_true(put(c, 1, src, TTL));
    src[0] = 'X'; /* the cache copied it */
    assert_int_equal(get(c, 1, 0, buf, sizeof buf), CACHE_HIT);
    assert_string_equal(buf, "profile-1");
    assert_int_equal(get(c, 2, 0, buf, sizeof buf), CACHE_MISS); /* keys are independent */
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.hits, 1);
    assert_int_equal(s.misses, 2);
    assert_int_equal(s.puts, 1);
    assert_int_equal(s.entries, 1);
    assert_int_equal(s.bytes, strlen("profile-1"));
    cache_free(c);
}

static void put_replaces_and_empty_values_are_allowed(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    char buf[64];
    assert_true(put(c, 7, "old", TTL));
    assert_true(put(c, 7, "new value", TTL));
    assert_int_equal(get(c, 7, 0, buf, sizeof buf), CACHE_HIT);
    assert_string_equal(buf, "new value");
    assert_true(cache_put(c, 8, "", 0, TTL, cache_ticket(c, 8)));
    assert_int_equal(get(c, 8, 0, buf, sizeof buf), CACHE_HIT);
    assert_string_equal(buf, "");
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.entries, 2);
    assert_int_equal(s.bytes, strlen("new value"));
    cache_free(c);
}

static void a_held_value_outlives_replacement_invalidation_and_free(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    assert_true(put(c, 1, "first", TTL));
    const struct cache_val *v = NULL;
    assert_int_equal(cache_get(c, 1, 0, &v), CACHE_HIT);
    assert_true(put(c, 1, "second", TTL));
    cache_invalidate(c, 1);
    cache_free(c);
    assert_int_equal(cache_val_len(v), 5);
    assert_memory_equal(cache_val_data(v), "first", 5); /* ASan would flag a use after free */
    cache_val_release(v);
}

static void entries_expire_after_their_ttl_and_the_stale_window(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    char buf[64];
    assert_true(put(c, 1, "short", 30));
    assert_true(put(c, 2, "long", TTL));
    assert_int_equal(get(c, 1, 0, buf, sizeof buf), CACHE_HIT);
    sleep_ms(60);
    /* Expired: stale while the caller accepts it, then gone. */
    assert_int_equal(get(c, 1, 10000, buf, sizeof buf), CACHE_STALE);
    assert_string_equal(buf, "short");
    assert_int_equal(get(c, 1, 0, buf, sizeof buf), CACHE_MISS);
    assert_int_equal(get(c, 1, 10000, buf, sizeof buf), CACHE_MISS); /* removed by the miss */
    assert_int_equal(get(c, 2, 0, buf, sizeof buf), CACHE_HIT);
    assert_false(cache_put(c, 3, "x", 1, 0, cache_ticket(c, 3))); /* ttl 0: nothing to keep */
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.stale, 1);
    assert_int_equal(s.entries, 1);
    cache_free(c);
}

static void invalidate_removes_the_entry(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    char buf[64];
    assert_true(put(c, 42, "v", TTL));
    cache_invalidate(c, 42);
    assert_int_equal(get(c, 42, 60000, buf, sizeof buf), CACHE_MISS);
    cache_invalidate(c, 42); /* twice, or an unknown key: harmless */
    cache_invalidate(c, 43);
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.invalidations, 1);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.bytes, 0);
    cache_free(c);
}

static void a_fill_that_read_before_an_invalidation_is_not_stored(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 1024, 1 << 20);
    char buf[64];
    /* A reader takes its ticket, reads the old state; a writer commits and invalidates; the
     * reader's put must not bring the old state back. */
    uint64_t t = cache_ticket(c, 5);
    cache_invalidate(c, 5);
    assert_false(cache_put(c, 5, "old state", 9, TTL, t));
    assert_int_equal(get(c, 5, 0, buf, sizeof buf), CACHE_MISS);
    /* A ticket taken after the invalidation is good. */
    t = cache_ticket(c, 5);
    assert_true(cache_put(c, 5, "new state", 9, TTL, t));
    assert_int_equal(get(c, 5, 0, buf, sizeof buf), CACHE_HIT);
    assert_string_equal(buf, "new state");
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.rejected, 1);
    cache_free(c);
}

static void the_entry_budget_evicts_the_oldest_entries_first(void **state)
{
    (void)state;
    /* 16 shards: a budget of 16 entries is one per shard, so every put into a shard that
     * holds an entry evicts it. Keys 1..200 spread over all shards. */
    struct cache *c = cache_new("t", 16, 1 << 20);
    char buf[64];
    for (uint64_t k = 1; k <= 200; k++)
        assert_true(put(c, k, "v", TTL));
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_true(s.entries <= 16);
    assert_int_equal(s.evictions, 200 - s.entries);
    assert_int_equal(get(c, 200, 0, buf, sizeof buf), CACHE_HIT); /* the newest stays */
    cache_free(c);
}

static void the_byte_budget_is_kept_and_oversized_values_are_refused(void **state)
{
    (void)state;
    /* 16 shards of 100 bytes each. */
    struct cache *c = cache_new("t", 1024, 1600);
    char big[101], mid[61];
    memset(big, 'b', sizeof big);
    memset(mid, 'm', sizeof mid);
    assert_false(cache_put(c, 1, big, sizeof big, TTL, cache_ticket(c, 1)));
    for (uint64_t k = 1; k <= 100; k++)
        assert_true(cache_put(c, k, mid, sizeof mid, TTL, cache_ticket(c, k)));
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_true(s.bytes <= 1600);
    assert_true(s.entries <= 16); /* two 61-byte values never fit one shard */
    assert_int_equal(s.rejected, 1);
    assert_true(s.evictions >= 84);
    cache_free(c);
}

struct worker {
    struct cache *c;
    unsigned seed;
    unsigned long hits;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    char val[64];
    for (int i = 0; i < 20000; i++) {
        uint64_t key = (uint64_t)(rand_r(&w->seed) % 512);
        int op = rand_r(&w->seed) % 10;
        if (op < 6) {
            const struct cache_val *v = NULL;
            if (cache_get(w->c, key, 5, &v) != CACHE_MISS) {
                /* A value of key k always starts with "k:". */
                int n = snprintf(val, sizeof val, "%llu:", (unsigned long long)key);
                assert_true(cache_val_len(v) >= (size_t)n);
                assert_memory_equal(cache_val_data(v), val, (size_t)n);
                w->hits++;
            }
            cache_val_release(v);
        } else if (op < 9) {
            uint64_t t = cache_ticket(w->c, key);
            int n = snprintf(val, sizeof val, "%llu:%d", (unsigned long long)key, i);
            (void)cache_put(w->c, key, val, (size_t)n, 1 + (uint32_t)(i % 20), t);
        } else {
            cache_invalidate(w->c, key);
        }
    }
    return NULL;
}

static void concurrent_use_keeps_values_intact(void **state)
{
    (void)state;
    struct cache *c = cache_new("t", 256, 8192);
    enum { N = 4 };
    pthread_t th[N];
    struct worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (struct worker){c, (unsigned)i * 7919u + 1u, 0};
        assert_int_equal(pthread_create(&th[i], NULL, hammer, &w[i]), 0);
    }
    unsigned long hits = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        hits += w[i].hits;
    }
    struct cache_stats s;
    cache_get_stats(c, &s);
    assert_int_equal(s.hits + s.stale, hits);
    assert_true(s.entries <= 256);
    assert_true(s.bytes <= 8192);
    cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_rejects_zero_budgets),
        cmocka_unit_test(miss_then_hit_returns_a_copy_of_the_value),
        cmocka_unit_test(put_replaces_and_empty_values_are_allowed),
        cmocka_unit_test(a_held_value_outlives_replacement_invalidation_and_free),
        cmocka_unit_test(entries_expire_after_their_ttl_and_the_stale_window),
        cmocka_unit_test(invalidate_removes_the_entry),
        cmocka_unit_test(a_fill_that_read_before_an_invalidation_is_not_stored),
        cmocka_unit_test(the_entry_budget_evicts_the_oldest_entries_first),
        cmocka_unit_test(the_byte_budget_is_kept_and_oversized_values_are_refused),
        cmocka_unit_test(concurrent_use_keeps_values_intact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

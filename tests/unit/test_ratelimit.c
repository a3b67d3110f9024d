/*
 * test_ratelimit.c - sliding-window failure counters: blocking after N failures within the
 * window, the exact wait returned, reset, key independence and size limits, eviction of the
 * stalest key when the table is full, and a multi-threaded smoke test (run under ASan/UBSan).
 */
#include "eeum/ratelimit.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#define MAX    3u
#define WINDOW 60u
#define T0     ((int64_t)1700000000)

static void record_n(struct ratelimit *rl, const char *key, unsigned n, int64_t now)
{
    for (unsigned i = 0; i < n; i++)
        ratelimit_record(rl, key, now);
}

static void new_rejects_zero_arguments(void **state)
{
    (void)state;
    assert_null(ratelimit_new(0, WINDOW, 16));
    assert_null(ratelimit_new(MAX, 0, 16));
    assert_null(ratelimit_new(MAX, WINDOW, 0));
    struct ratelimit *rl = ratelimit_new(1, 1, 1);
    assert_non_null(rl);
    ratelimit_free(rl);
    ratelimit_free(NULL);
}

static void fresh_key_is_allowed(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    assert_non_null(rl);
    assert_int_equal(ratelimit_check(rl, "203.0.113.7", T0), 0);
    ratelimit_reset(rl, "never-seen"); /* forgetting an unknown key is harmless */
    assert_int_equal(ratelimit_check(rl, "never-seen", T0), 0);
    ratelimit_free(rl);
}

static void fewer_than_max_failures_are_still_allowed(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    record_n(rl, "k", MAX - 1, T0);
    assert_int_equal(ratelimit_check(rl, "k", T0), 0);
    ratelimit_free(rl);
}

static void max_failures_block_for_exactly_oldest_plus_window_minus_now(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    ratelimit_record(rl, "k", T0);
    ratelimit_record(rl, "k", T0 + 10);
    assert_int_equal(ratelimit_check(rl, "k", T0 + 20), 0);
    ratelimit_record(rl, "k", T0 + 20);

    /* oldest failure T0: blocked until T0 + WINDOW */
    assert_int_equal(ratelimit_check(rl, "k", T0 + 20), T0 + WINDOW - (T0 + 20));
    assert_int_equal(ratelimit_check(rl, "k", T0 + 30), 30);
    assert_int_equal(ratelimit_check(rl, "k", T0 + WINDOW - 1), 1);
    /* the oldest failure has left the window */
    assert_int_equal(ratelimit_check(rl, "k", T0 + WINDOW), 0);
    assert_int_equal(ratelimit_check(rl, "k", T0 + 10 * WINDOW), 0);
    ratelimit_free(rl);
}

static void failures_at_the_same_second_block_for_the_whole_window(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    record_n(rl, "k", MAX, T0);
    assert_int_equal(ratelimit_check(rl, "k", T0), WINDOW);
    assert_int_equal(ratelimit_check(rl, "k", T0 + WINDOW), 0);
    ratelimit_free(rl);
}

static void failures_spread_wider_than_the_window_never_block(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    /* One failure every 30 s: any MAX consecutive ones span 60 s = WINDOW, never inside it. */
    for (int i = 0; i < 20; i++) {
        int64_t now = T0 + 30 * i;
        ratelimit_record(rl, "k", now);
        if (ratelimit_check(rl, "k", now) != 0)
            fail_msg("blocked after failure %d at +%d s", i + 1, 30 * i);
    }
    ratelimit_free(rl);
}

static void sliding_window_blocks_when_the_last_max_failures_fit_in_one_window(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    ratelimit_record(rl, "k", T0);
    ratelimit_record(rl, "k", T0 + 30);
    ratelimit_record(rl, "k", T0 + 61); /* T0 has already left the window */
    assert_int_equal(ratelimit_check(rl, "k", T0 + 61), 0);
    ratelimit_record(rl, "k", T0 + 62); /* T0+30, T0+61, T0+62 lie within 60 s */
    assert_int_equal(ratelimit_check(rl, "k", T0 + 62), T0 + 30 + WINDOW - (T0 + 62));
    assert_int_equal(ratelimit_check(rl, "k", T0 + 89), 1);
    assert_int_equal(ratelimit_check(rl, "k", T0 + 90), 0);
    /* blocked again as soon as another failure makes MAX within the window */
    ratelimit_record(rl, "k", T0 + 100); /* T0+61, T0+62, T0+100 */
    assert_int_equal(ratelimit_check(rl, "k", T0 + 100), T0 + 61 + WINDOW - (T0 + 100));
    ratelimit_free(rl);
}

static void reset_clears_a_blocked_key(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    record_n(rl, "minji@example.com", MAX, T0);
    assert_int_not_equal(ratelimit_check(rl, "minji@example.com", T0), 0);
    ratelimit_reset(rl, "minji@example.com");
    assert_int_equal(ratelimit_check(rl, "minji@example.com", T0), 0);
    /* counting starts over: MAX - 1 new failures do not block, the MAX-th does */
    record_n(rl, "minji@example.com", MAX - 1, T0 + 1);
    assert_int_equal(ratelimit_check(rl, "minji@example.com", T0 + 1), 0);
    ratelimit_record(rl, "minji@example.com", T0 + 2);
    assert_int_equal(ratelimit_check(rl, "minji@example.com", T0 + 2), WINDOW - 1);
    ratelimit_free(rl);
}

static void keys_are_independent(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    record_n(rl, "a", MAX, T0);
    record_n(rl, "b", MAX - 1, T0);
    assert_int_equal(ratelimit_check(rl, "a", T0), WINDOW);
    assert_int_equal(ratelimit_check(rl, "b", T0), 0);
    assert_int_equal(ratelimit_check(rl, "ab", T0), 0);
    assert_int_equal(ratelimit_check(rl, "A", T0), 0);
    ratelimit_reset(rl, "b");
    assert_int_equal(ratelimit_check(rl, "a", T0), WINDOW);
    ratelimit_reset(rl, "a");
    assert_int_equal(ratelimit_check(rl, "a", T0), 0);
    ratelimit_free(rl);
}

static void key_of_max_length_is_tracked_but_longer_key_never_is(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    char fits[RATELIMIT_KEY_MAX]; /* RATELIMIT_KEY_MAX - 1 characters */
    memset(fits, 'k', sizeof fits - 1);
    fits[sizeof fits - 1] = '\0';
    char over[RATELIMIT_KEY_MAX + 1]; /* `fits` plus one character */
    snprintf(over, sizeof over, "%sx", fits);
    assert_int_equal(strlen(over), RATELIMIT_KEY_MAX);
    char huge[4096];
    memset(huge, 'h', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';

    record_n(rl, over, 10 * MAX, T0);
    record_n(rl, huge, 10 * MAX, T0);
    assert_int_equal(ratelimit_check(rl, over, T0), 0);
    assert_int_equal(ratelimit_check(rl, huge, T0), 0);
    /* the oversized key was not truncated into its tracked-size prefix */
    assert_int_equal(ratelimit_check(rl, fits, T0), 0);

    record_n(rl, fits, MAX, T0);
    assert_int_equal(ratelimit_check(rl, fits, T0), WINDOW);
    assert_int_equal(ratelimit_check(rl, over, T0), 0);
    ratelimit_free(rl);
}

static void full_table_evicts_the_key_with_the_oldest_last_failure(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 2);
    record_n(rl, "a", 2, T0);
    record_n(rl, "b", 2, T0 + 1);
    record_n(rl, "c", 2, T0 + 2);
    /* a was stalest and is forgotten; b and c keep their failures */
    assert_int_equal(ratelimit_check(rl, "a", T0 + 2), 0);
    assert_int_equal(ratelimit_check(rl, "b", T0 + 2), T0 + 1 + WINDOW - (T0 + 2));
    assert_int_equal(ratelimit_check(rl, "c", T0 + 2), WINDOW);
    ratelimit_free(rl);
}

static void eviction_picks_stalest_last_failure_not_first_inserted(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 2);
    ratelimit_record(rl, "a", T0);     /* a: first in */
    record_n(rl, "b", 2, T0 + 1);      /* b: last failure T0+1 */
    ratelimit_record(rl, "a", T0 + 2); /* a: refreshed, last failure T0+2 */
    ratelimit_record(rl, "c", T0 + 3); /* table full: b is stalest */
    assert_int_equal(ratelimit_check(rl, "b", T0 + 3), 0);
    assert_int_equal(ratelimit_check(rl, "a", T0 + 3), T0 + WINDOW - (T0 + 3));
    assert_int_equal(ratelimit_check(rl, "c", T0 + 3), 0);
    ratelimit_record(rl, "c", T0 + 4); /* c kept its first failure */
    assert_int_equal(ratelimit_check(rl, "c", T0 + 4), T0 + 3 + WINDOW - (T0 + 4));
    /* b comes back as a fresh key: one failure does not block it */
    ratelimit_record(rl, "b", T0 + 5);
    assert_int_equal(ratelimit_check(rl, "b", T0 + 5), 0);
    ratelimit_free(rl);
}

static void reset_frees_a_slot_so_nothing_else_is_evicted(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 2);
    record_n(rl, "a", 2, T0);
    record_n(rl, "b", 2, T0 + 1);
    ratelimit_reset(rl, "b");
    record_n(rl, "c", 2, T0 + 2); /* takes b's slot; a (stalest) must survive */
    assert_int_equal(ratelimit_check(rl, "a", T0 + 2), WINDOW - 2);
    assert_int_equal(ratelimit_check(rl, "c", T0 + 2), WINDOW);
    ratelimit_free(rl);
}

/* ---- threads ---- */

#define THREADS    8
#define ITERATIONS 1000
#define SHARED_NOW (T0 + 500)

struct worker {
    pthread_t th;
    struct ratelimit *rl;
    int idx;
    unsigned bad_waits;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char own[32];
    char churn[32];
    snprintf(own, sizeof own, "own-%d", w->idx);
    for (int i = 0; i < ITERATIONS; i++) {
        ratelimit_record(w->rl, "shared", SHARED_NOW);
        ratelimit_record(w->rl, own, SHARED_NOW);
        unsigned a = ratelimit_check(w->rl, "shared", SHARED_NOW);
        unsigned b = ratelimit_check(w->rl, own, SHARED_NOW);
        if (a > WINDOW || b > WINDOW)
            w->bad_waits++;
        /* short-lived keys that come and go, touching the same slots as everyone else */
        snprintf(churn, sizeof churn, "churn-%d-%d", w->idx, i % 4);
        ratelimit_record(w->rl, churn, SHARED_NOW);
        ratelimit_reset(w->rl, churn);
    }
    return NULL;
}

static void concurrent_records_on_shared_and_own_keys_end_blocked(void **state)
{
    (void)state;
    /* room for shared + 8 own + 8 transient churn keys: nothing tracked is evicted */
    struct ratelimit *rl = ratelimit_new(5, WINDOW, 1 + 2 * THREADS);
    assert_non_null(rl);
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.rl = rl, .idx = i};
        assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(w[i].th, NULL), 0);

    assert_int_equal(ratelimit_check(rl, "shared", SHARED_NOW), WINDOW);
    assert_int_equal(ratelimit_check(rl, "shared", SHARED_NOW + WINDOW), 0);
    for (int i = 0; i < THREADS; i++) {
        char own[32];
        snprintf(own, sizeof own, "own-%d", i);
        assert_int_equal(w[i].bad_waits, 0);
        assert_int_equal(ratelimit_check(rl, own, SHARED_NOW), WINDOW);
        char churn[32];
        snprintf(churn, sizeof churn, "churn-%d-0", i);
        assert_int_equal(ratelimit_check(rl, churn, SHARED_NOW), 0);
    }
    ratelimit_free(rl);
}

struct evict_worker {
    pthread_t th;
    struct ratelimit *rl;
    int idx;
};

static void *evict_worker_main(void *arg)
{
    struct evict_worker *w = arg;
    char key[32];
    for (int i = 0; i < ITERATIONS; i++) {
        snprintf(key, sizeof key, "k-%d-%d", w->idx, i % 16);
        ratelimit_record(w->rl, key, T0 + i);
        (void)ratelimit_check(w->rl, key, T0 + i);
    }
    return NULL;
}

static void concurrent_eviction_in_a_tiny_table_leaves_a_usable_table(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2, WINDOW, 4);
    assert_non_null(rl);
    struct evict_worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct evict_worker){.rl = rl, .idx = i};
        assert_int_equal(pthread_create(&w[i].th, NULL, evict_worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(w[i].th, NULL), 0);
    /* Still behaves: a new key is blocked after two failures, exactly for the window. */
    int64_t later = T0 + ITERATIONS + 10;
    record_n(rl, "after", 2, later);
    assert_int_equal(ratelimit_check(rl, "after", later), WINDOW);
    ratelimit_free(rl);
}

static void acquire_counts_each_allowed_attempt_and_refuses_past_the_limit(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    assert_non_null(rl);
    for (unsigned i = 0; i < MAX; i++)
        assert_int_equal(ratelimit_acquire(rl, "k", T0), 0);
    /* The attempts were counted: the next one waits, and nothing more is recorded. */
    assert_int_equal(ratelimit_acquire(rl, "k", T0), WINDOW);
    assert_int_equal(ratelimit_check(rl, "k", T0 + 1), WINDOW - 1);
    ratelimit_free(rl);
}

static void forgive_takes_back_the_latest_acquired_attempt(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(MAX, WINDOW, 16);
    assert_non_null(rl);
    for (unsigned i = 0; i < MAX; i++)
        assert_int_equal(ratelimit_acquire(rl, "k", T0 + i), 0);
    assert_true(ratelimit_check(rl, "k", T0 + MAX) > 0);
    ratelimit_forgive(rl, "k");
    assert_int_equal(ratelimit_check(rl, "k", T0 + MAX), 0);
    /* The surviving events still count: one more acquire blocks again, from the oldest. */
    assert_int_equal(ratelimit_acquire(rl, "k", T0 + MAX), 0);
    assert_int_equal(ratelimit_check(rl, "k", T0 + MAX), WINDOW - MAX);
    /* Forgiving an unknown key or an empty one is harmless. */
    ratelimit_forgive(rl, "nobody");
    ratelimit_reset(rl, "k");
    ratelimit_forgive(rl, "k");
    assert_int_equal(ratelimit_check(rl, "k", T0), 0);
    ratelimit_free(rl);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_rejects_zero_arguments),
        cmocka_unit_test(fresh_key_is_allowed),
        cmocka_unit_test(fewer_than_max_failures_are_still_allowed),
        cmocka_unit_test(max_failures_block_for_exactly_oldest_plus_window_minus_now),
        cmocka_unit_test(failures_at_the_same_second_block_for_the_whole_window),
        cmocka_unit_test(failures_spread_wider_than_the_window_never_block),
        cmocka_unit_test(sliding_window_blocks_when_the_last_max_failures_fit_in_one_window),
        cmocka_unit_test(reset_clears_a_blocked_key),
        cmocka_unit_test(keys_are_independent),
        cmocka_unit_test(key_of_max_length_is_tracked_but_longer_key_never_is),
        cmocka_unit_test(full_table_evicts_the_key_with_the_oldest_last_failure),
        cmocka_unit_test(eviction_picks_stalest_last_failure_not_first_inserted),
        cmocka_unit_test(reset_frees_a_slot_so_nothing_else_is_evicted),
        cmocka_unit_test(concurrent_records_on_shared_and_own_keys_end_blocked),
        cmocka_unit_test(concurrent_eviction_in_a_tiny_table_leaves_a_usable_table),
        cmocka_unit_test(acquire_counts_each_allowed_attempt_and_refuses_past_the_limit),
        cmocka_unit_test(forgive_takes_back_the_latest_acquired_attempt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

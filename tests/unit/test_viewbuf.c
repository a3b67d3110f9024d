/*
 * test_viewbuf.c - buffered view counters against a fake store: counts add up, batches are
 * sorted and bounded, failed batches are kept and retried, the generation tells an overlapping
 * flush, a cached base plus the counter's history stays exact across flushes, idle counters are
 * dropped, the buffer refuses new posts when full, the thread flushes on its own and on stop,
 * and concurrent views add up exactly (run under ASan/UBSan).
 */
#include "eeum/viewbuf.h"

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

#define MAX_POSTS 1024

/* The fake database: views per post id, written only by committed batches. */
struct store {
    pthread_mutex_t lock;
    uint64_t views[MAX_POSTS];
    int fail_next; /* batches to refuse */
    size_t batches, max_batch_seen;
    bool sorted;
    struct viewbuf *vb; /* to observe the generation during a write */
    uint64_t gen_during_write;
    bool refuse_begin;
    int begins, ends;
    uint64_t gen_at_begin;
    struct viewbuf_writer w;
};

static bool store_write(void *ctx, const struct viewbuf_item *items, size_t n);

static bool store_begin(void *ctx)
{
    struct store *s = ctx;
    s->begins++;
    if (s->vb)
        s->gen_at_begin = viewbuf_gen(s->vb);
    return !s->refuse_begin;
}

static void store_end(void *ctx)
{
    struct store *s = ctx;
    s->ends++;
}

static void store_init(struct store *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->sorted = true;
    s->w = (struct viewbuf_writer){store_begin, store_write, store_end, s};
}

static bool store_write(void *ctx, const struct viewbuf_item *items, size_t n)
{
    struct store *s = ctx;
    pthread_mutex_lock(&s->lock);
    if (s->vb)
        s->gen_during_write = viewbuf_gen(s->vb);
    if (s->fail_next > 0) {
        s->fail_next--;
        pthread_mutex_unlock(&s->lock);
        return false;
    }
    s->batches++;
    if (n > s->max_batch_seen)
        s->max_batch_seen = n;
    for (size_t i = 0; i < n; i++) {
        if (i && items[i - 1].id >= items[i].id)
            s->sorted = false;
        s->views[items[i].id] += items[i].n;
    }
    pthread_mutex_unlock(&s->lock);
    return true;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void add_n(struct viewbuf *vb, uint64_t id, unsigned n)
{
    struct viewbuf_snap sn;
    for (unsigned i = 0; i < n; i++)
        assert_true(viewbuf_add(vb, id, &sn));
}

static void new_rejects_zero_entries(void **state)
{
    (void)state;
    assert_null(viewbuf_new(0, 1000));
    viewbuf_free(NULL);
    assert_int_equal(viewbuf_stop(NULL, 0), 0);
}

static void views_are_pending_until_a_flush_writes_them(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    struct viewbuf_snap sn;
    viewbuf_peek(vb, 3, &sn);
    assert_int_equal(sn.incarnation, 0); /* no counter yet */
    add_n(vb, 3, 4);
    add_n(vb, 9, 1);
    viewbuf_peek(vb, 3, &sn);
    assert_int_equal(sn.pending, 4);
    assert_int_equal(sn.inflight, 0);
    assert_int_equal(sn.flushed, 0);
    assert_true(sn.incarnation != 0);
    assert_int_equal(s.views[3], 0);

    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 5);
    assert_int_equal(s.views[3], 4);
    assert_int_equal(s.views[9], 1);
    viewbuf_peek(vb, 3, &sn);
    assert_int_equal(sn.pending, 0);
    assert_int_equal(sn.flushed, 4);
    struct viewbuf_stats st;
    viewbuf_get_stats(vb, &st);
    assert_int_equal(st.unflushed, 0);
    assert_int_equal(st.flushed, 5);
    assert_int_equal(st.flushes, 1);
    /* Nothing pending: a flush writes nothing and leaves the generation alone. */
    uint64_t g = viewbuf_gen(vb);
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 0);
    assert_int_equal(viewbuf_gen(vb), g);
    assert_int_equal(s.batches, 1);
    viewbuf_free(vb);
}

static void batches_are_sorted_and_bounded(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    for (int k = 333; k >= 0; k--) /* descending ids 1000, 997, ..., 1 */
        add_n(vb, 1 + 3 * (uint64_t)k, 2);
    assert_int_equal(viewbuf_flush(vb, &s.w, 100), 2 * 334);
    assert_true(s.sorted);
    assert_int_equal(s.max_batch_seen, 100);
    assert_int_equal(s.batches, 4); /* 334 posts in batches of 100 */
    viewbuf_free(vb);
}

static void a_failed_batch_is_kept_and_written_later(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    add_n(vb, 5, 3);
    s.fail_next = 1;
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 0);
    struct viewbuf_snap sn;
    viewbuf_peek(vb, 5, &sn);
    assert_int_equal(sn.pending, 3); /* back to pending, nothing lost */
    assert_int_equal(sn.inflight, 0);
    assert_int_equal(s.views[5], 0);
    add_n(vb, 5, 1);
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 4);
    assert_int_equal(s.views[5], 4);
    struct viewbuf_stats st;
    viewbuf_get_stats(vb, &st);
    assert_int_equal(st.flush_failures, 1);
    assert_int_equal(st.unflushed, 0);
    viewbuf_free(vb);
}

static void the_generation_is_odd_while_a_flush_writes(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    s.vb = vb;
    uint64_t g0 = viewbuf_gen(vb);
    assert_int_equal(g0 % 2, 0);
    add_n(vb, 1, 1);
    viewbuf_flush(vb, &s.w, 0);
    assert_int_equal(s.gen_during_write % 2, 1);
    uint64_t g1 = viewbuf_gen(vb);
    assert_int_equal(g1 % 2, 0);
    assert_true(g1 != g0); /* a reader that read before the flush can tell */
    viewbuf_free(vb);
}

static void begin_runs_before_the_generation_turns_odd_and_can_skip(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    s.vb = vb;
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 0); /* nothing to write: no begin */
    assert_int_equal(s.begins, 0);
    add_n(vb, 8, 2);
    s.refuse_begin = true; /* e.g. no database connection */
    uint64_t g = viewbuf_gen(vb);
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 0);
    assert_int_equal(viewbuf_gen(vb), g); /* nothing taken, readers undisturbed */
    assert_int_equal(s.ends, 0);
    struct viewbuf_snap sn;
    viewbuf_peek(vb, 8, &sn);
    assert_int_equal(sn.pending, 2);
    s.refuse_begin = false;
    assert_int_equal(viewbuf_flush(vb, &s.w, 0), 2);
    assert_int_equal(s.gen_at_begin % 2, 0);
    assert_int_equal(s.gen_during_write % 2, 1);
    assert_int_equal(s.begins, 2);
    assert_int_equal(s.ends, 1);
    viewbuf_free(vb);
}

/* What boards.c does: remember the stored value and the counter at a quiet moment, then show
 * base + (flushed since) + inflight + pending. It must equal store + unflushed at all times. */
static void a_cached_base_stays_exact_across_flushes(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    s.views[7] = 100; /* views from before this process */
    struct viewbuf_snap sn;
    uint64_t g0 = viewbuf_gen(vb);
    uint64_t base = s.views[7]; /* the "database read" */
    assert_true(viewbuf_add(vb, 7, &sn));
    assert_int_equal(sn.gen, g0); /* quiet: the read fits the counter */
    uint64_t flushed_base = sn.flushed, inc = sn.incarnation;
    for (int round = 0; round < 5; round++) {
        add_n(vb, 7, (unsigned)round + 1);
        if (round % 2)
            viewbuf_flush(vb, &s.w, 0);
        viewbuf_peek(vb, 7, &sn);
        assert_int_equal(sn.incarnation, inc);
        uint64_t shown = base + (sn.flushed - flushed_base) + sn.inflight + sn.pending;
        assert_int_equal(shown, s.views[7] + sn.pending + sn.inflight);
        assert_int_equal(shown, 100 + 1 + (uint64_t)(round + 1) * (round + 2) / 2);
    }
    viewbuf_free(vb);
}

static void idle_counters_are_dropped_and_come_back_as_new(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 20);
    struct viewbuf_snap a, b;
    assert_true(viewbuf_add(vb, 11, &a));
    viewbuf_flush(vb, &s.w, 0); /* written; touched just now: kept */
    struct viewbuf_stats st;
    viewbuf_get_stats(vb, &st);
    assert_int_equal(st.entries, 1);
    sleep_ms(60);
    viewbuf_flush(vb, &s.w, 0); /* idle for longer than 20 ms: dropped */
    viewbuf_get_stats(vb, &st);
    assert_int_equal(st.entries, 0);
    viewbuf_peek(vb, 11, &b);
    assert_int_equal(b.incarnation, 0);
    assert_true(viewbuf_add(vb, 11, &b));
    assert_true(b.incarnation != a.incarnation); /* a cached base of the old one is unusable */
    assert_int_equal(b.flushed, 0);
    assert_int_equal(s.views[11], 1);
    viewbuf_free(vb);
}

static void a_full_buffer_refuses_new_posts_but_counts_known_ones(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(3, 60000);
    struct viewbuf_snap sn;
    assert_true(viewbuf_add(vb, 1, &sn));
    assert_true(viewbuf_add(vb, 2, &sn));
    assert_true(viewbuf_add(vb, 3, &sn));
    assert_false(viewbuf_add(vb, 4, &sn));
    assert_true(viewbuf_add(vb, 2, &sn));
    assert_int_equal(sn.pending, 2);
    struct viewbuf_stats st;
    viewbuf_get_stats(vb, &st);
    assert_int_equal(st.overflows, 1);
    assert_int_equal(st.unflushed, 4);
    viewbuf_free(vb);
}

static void the_thread_flushes_periodically_and_on_stop(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    assert_int_equal(viewbuf_start(vb, 20, &s.w), 0);
    add_n(vb, 2, 5);
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&s.lock);
        uint64_t v = s.views[2];
        pthread_mutex_unlock(&s.lock);
        if (v == 5)
            break;
        sleep_ms(5);
    }
    pthread_mutex_lock(&s.lock);
    assert_int_equal(s.views[2], 5);
    pthread_mutex_unlock(&s.lock);
    /* Stop writes what is left, retrying a failed batch. */
    add_n(vb, 3, 2);
    pthread_mutex_lock(&s.lock);
    s.fail_next = 1;
    pthread_mutex_unlock(&s.lock);
    assert_int_equal(viewbuf_stop(vb, 2000), 0);
    assert_int_equal(s.views[3], 2);
    viewbuf_free(vb);
}

static void stop_reports_what_could_not_be_written(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    s.fail_next = 1000000; /* the database is gone for good */
    assert_int_equal(viewbuf_start(vb, 1000, &s.w), 0);
    add_n(vb, 4, 3);
    assert_int_equal(viewbuf_stop(vb, 150), 3);
    viewbuf_free(vb);
}

struct viewer {
    struct viewbuf *vb;
    unsigned seed;
};

static void *viewer(void *arg)
{
    struct viewer *v = arg;
    struct viewbuf_snap sn;
    for (int i = 0; i < 5000; i++)
        assert_true(viewbuf_add(v->vb, (uint64_t)(rand_r(&v->seed) % 64), &sn));
    return NULL;
}

static void concurrent_views_add_up_exactly(void **state)
{
    (void)state;
    struct store s;
    store_init(&s);
    struct viewbuf *vb = viewbuf_new(MAX_POSTS, 60000);
    assert_int_equal(viewbuf_start(vb, 1, &s.w), 0);
    enum { N = 4 };
    pthread_t th[N];
    struct viewer v[N];
    for (int i = 0; i < N; i++) {
        v[i] = (struct viewer){vb, (unsigned)i + 1};
        assert_int_equal(pthread_create(&th[i], NULL, viewer, &v[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(viewbuf_stop(vb, 2000), 0);
    uint64_t sum = 0;
    for (int i = 0; i < 64; i++)
        sum += s.views[i];
    assert_int_equal(sum, N * 5000);
    viewbuf_free(vb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_rejects_zero_entries),
        cmocka_unit_test(views_are_pending_until_a_flush_writes_them),
        cmocka_unit_test(batches_are_sorted_and_bounded),
        cmocka_unit_test(a_failed_batch_is_kept_and_written_later),
        cmocka_unit_test(the_generation_is_odd_while_a_flush_writes),
        cmocka_unit_test(begin_runs_before_the_generation_turns_odd_and_can_skip),
        cmocka_unit_test(a_cached_base_stays_exact_across_flushes),
        cmocka_unit_test(idle_counters_are_dropped_and_come_back_as_new),
        cmocka_unit_test(a_full_buffer_refuses_new_posts_but_counts_known_ones),
        cmocka_unit_test(the_thread_flushes_periodically_and_on_stop),
        cmocka_unit_test(stop_reports_what_could_not_be_written),
        cmocka_unit_test(concurrent_views_add_up_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

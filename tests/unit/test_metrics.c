/*
 * test_metrics.c - per-route counters and latency histograms in Prometheus text format.
 */
#include "eeum/metrics.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static enum status h_dummy(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    (void)resp;
    return STATUS_OK;
}

static const struct route ROUTES[] = {
    {HTTP_GET, "/healthz", h_dummy, 0},
    {HTTP_POST, "/api/boards", h_dummy, 0},
};

#define NROUTES (sizeof ROUTES / sizeof ROUTES[0])
#define MS      1000000ull /* nanoseconds */

static const double BUCKET_BOUNDS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
#define NBOUNDS (sizeof BUCKET_BOUNDS / sizeof BUCKET_BOUNDS[0])

struct fixture {
    struct metrics *m;
    struct strbuf out;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->m = metrics_new(ROUTES, NROUTES);
    if (!f->m) {
        free(f);
        return -1;
    }
    strbuf_init(&f->out, 1 << 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    metrics_free(f->m);
    strbuf_free(&f->out);
    free(f);
    return 0;
}

static const char *render(struct fixture *f)
{
    strbuf_reset(&f->out);
    assert_true(metrics_render(f->m, &f->out));
    assert_non_null(f->out.data);
    return f->out.data;
}

/* The value of the sample line that starts with `series` followed by a space; -1 if absent. */
static long long sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    const char *p = text;
    while ((p = strstr(p, series)) != NULL) {
        bool line_start = p == text || p[-1] == '\n';
        if (line_start && p[n] == ' ') {
            char *end = NULL;
            long long v = strtoll(p + n + 1, &end, 10);
            if (end == p + n + 1 || (*end != '\n' && *end != '\0'))
                fail_msg("sample %s has a non-integer value", series);
            return v;
        }
        p += n;
    }
    return -1;
}

static size_t count_occurrences(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void new_registry_renders_only_help_and_type(void **state)
{
    struct fixture *f = *state;
    const char *t = render(f);
    assert_non_null(strstr(t, "# TYPE eeum_http_requests_total counter\n"));
    assert_non_null(strstr(t, "# TYPE eeum_http_request_duration_seconds histogram\n"));
    assert_non_null(strstr(t, "# HELP eeum_http_requests_total "));
    assert_null(strstr(t, "eeum_http_requests_total{"));
    assert_null(strstr(t, "_bucket{"));
}

static void requests_are_counted_per_route_method_and_status(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, 0, 200, 1 * MS);
    metrics_observe(f->m, 0, 200, 2 * MS);
    metrics_observe(f->m, 0, 503, 3 * MS);
    metrics_observe(f->m, 1, 201, 4 * MS);
    metrics_observe(f->m, 1, 400, 5 * MS);
    metrics_observe(f->m, 1, 400, 6 * MS);
    metrics_observe(f->m, 1, 400, 7 * MS);
    const char *t = render(f);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"), 2);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"503\"}"), 1);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"POST\",route=\"/api/boards\",status=\"201\"}"),
        1);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"POST\",route=\"/api/boards\",status=\"400\"}"),
        3);
    /* Zero counters are not rendered. */
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"404\"}"),
        -1);
    assert_int_equal(count_occurrences(t, "eeum_http_requests_total{"), 4);
}

static void unmatched_requests_have_their_own_label(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, NROUTES, 404, 1 * MS);
    metrics_observe(f->m, NROUTES, 404, 1 * MS);
    metrics_observe(f->m, NROUTES, 405, 1 * MS);
    const char *t = render(f);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"404\"}"),
        2);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"405\"}"),
        1);
    assert_int_equal(
        sample(t, "eeum_http_request_duration_seconds_count{method=\"ANY\",route=\"unmatched\"}"),
        3);
}

static void out_of_range_route_index_goes_to_unmatched(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, NROUTES + 1, 404, 1 * MS);
    metrics_observe(f->m, 1000, 404, 1 * MS);
    metrics_observe(f->m, SIZE_MAX, 404, 1 * MS);
    const char *t = render(f);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"404\"}"),
        3);
    assert_int_equal(count_occurrences(t, "eeum_http_requests_total{"), 1);
}

static void unusual_status_is_counted_as_other(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, 0, 418, 1 * MS);
    metrics_observe(f->m, 0, 302, 1 * MS);
    metrics_observe(f->m, 0, 0, 1 * MS);
    metrics_observe(f->m, 0, 200, 1 * MS);
    const char *t = render(f);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"other\"}"),
        3);
    assert_int_equal(
        sample(t, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"), 1);
    assert_null(strstr(t, "status=\"418\""));
}

static long long bucket(const char *t, const char *method, const char *route, const char *le)
{
    char series[256];
    int n = snprintf(series, sizeof series,
                     "eeum_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                     "le=\"%s\"}",
                     method, route, le);
    assert_true(n > 0 && (size_t)n < sizeof series);
    return sample(t, series);
}

static void histogram_buckets_are_cumulative_and_end_with_inf(void **state)
{
    struct fixture *f = *state;
    /* 0.3 ms, 0.5 ms (on a bound: counted in it), 3 ms, 40 ms, 2 s, 10 s (only +Inf). */
    static const uint64_t DURATIONS_NS[] = {300000, 500000, 3 * MS, 40 * MS, 2000 * MS, 10000 * MS};
    const size_t nobs = sizeof DURATIONS_NS / sizeof DURATIONS_NS[0];
    for (size_t i = 0; i < nobs; i++)
        metrics_observe(f->m, 0, 200, DURATIONS_NS[i]);
    const char *t = render(f);

    long long prev = 0;
    for (size_t b = 0; b < NBOUNDS; b++) {
        char le[32];
        snprintf(le, sizeof le, "%g", BUCKET_BOUNDS[b]);
        long long got = bucket(t, "GET", "/healthz", le);
        long long want = 0;
        for (size_t i = 0; i < nobs; i++)
            if ((double)DURATIONS_NS[i] / 1e9 <= BUCKET_BOUNDS[b])
                want++;
        if (got != want)
            fail_msg("le=%s: %lld, want %lld", le, got, want);
        assert_true(got >= prev);
        prev = got;
    }
    assert_int_equal(bucket(t, "GET", "/healthz", "0.0005"), 2);
    assert_int_equal(bucket(t, "GET", "/healthz", "0.005"), 3);
    assert_int_equal(bucket(t, "GET", "/healthz", "2.5"), 5);
    assert_int_equal(bucket(t, "GET", "/healthz", "5"), 5);
    assert_int_equal(bucket(t, "GET", "/healthz", "+Inf"), (long long)nobs);
    assert_int_equal(
        sample(t, "eeum_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"}"),
        (long long)nobs);
    /* Each histogram series appears once, with exactly NBOUNDS + 1 buckets. */
    assert_int_equal(count_occurrences(t, "_bucket{method=\"GET\",route=\"/healthz\","),
                     NBOUNDS + 1);
    /* Routes without observations have no histogram. */
    assert_null(strstr(t, "_bucket{method=\"POST\""));
}

static void histogram_sum_is_in_seconds(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, 1, 201, 250 * MS);
    metrics_observe(f->m, 1, 201, 1500 * MS);
    const char *t = render(f);
    const char *series =
        "eeum_http_request_duration_seconds_sum{method=\"POST\",route=\"/api/boards\"} ";
    const char *p = strstr(t, series);
    assert_non_null(p);
    double sum = strtod(p + strlen(series), NULL);
    assert_true(sum > 1.7499 && sum < 1.7501);
    assert_int_equal(
        sample(t,
               "eeum_http_request_duration_seconds_count{method=\"POST\",route=\"/api/boards\"}"),
        2);
}

static void count_equals_the_number_of_observations_for_each_route(void **state)
{
    struct fixture *f = *state;
    for (unsigned i = 0; i < 7; i++)
        metrics_observe(f->m, 0, i % 2 ? 200 : 500, (uint64_t)i * 7 * MS);
    for (unsigned i = 0; i < 4; i++)
        metrics_observe(f->m, 1, 201, (uint64_t)i * 300 * MS);
    const char *t = render(f);
    assert_int_equal(
        sample(t, "eeum_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"}"),
        7);
    assert_int_equal(bucket(t, "GET", "/healthz", "+Inf"), 7);
    assert_int_equal(
        sample(t,
               "eeum_http_request_duration_seconds_count{method=\"POST\",route=\"/api/boards\"}"),
        4);
    assert_int_equal(bucket(t, "POST", "/api/boards", "+Inf"), 4);
}

static void render_appends_to_the_buffer_and_reports_a_full_one(void **state)
{
    struct fixture *f = *state;
    metrics_observe(f->m, 0, 200, 1 * MS);
    struct strbuf small;
    strbuf_init(&small, 64);
    assert_false(metrics_render(f->m, &small));
    assert_true(small.len <= 64);
    strbuf_free(&small);

    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    assert_true(strbuf_puts(&sb, "# prefix\n"));
    assert_true(metrics_render(f->m, &sb));
    assert_int_equal(strncmp(sb.data, "# prefix\n# HELP", 15), 0);
    strbuf_free(&sb);
}

static void observe_and_free_accept_null(void **state)
{
    (void)state;
    metrics_observe(NULL, 0, 200, 1);
    metrics_free(NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(new_registry_renders_only_help_and_type),
        T(requests_are_counted_per_route_method_and_status),
        T(unmatched_requests_have_their_own_label),
        T(out_of_range_route_index_goes_to_unmatched),
        T(unusual_status_is_counted_as_other),
        T(histogram_buckets_are_cumulative_and_end_with_inf),
        T(histogram_sum_is_in_seconds),
        T(count_equals_the_number_of_observations_for_each_route),
        T(render_appends_to_the_buffer_and_reports_a_full_one),
        cmocka_unit_test(observe_and_free_accept_null),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * e2e_http.c - the HTTP core seen from outside: envelopes, routing (404/405, typed ids),
 * body rules (400/413/415), request ids, security headers, CORS, health and metrics.
 * Runs against the stack started by `scripts/eeum test`.
 */
#include "e2e_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void healthz_is_200_with_envelope_and_security_headers(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_get("/healthz", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(json_is_true(json_object_get(r.json, "success")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "item"), "status")), "ok");
    char v[128];
    assert_true(e2e_header(&r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    assert_true(e2e_header(&r, "X-Request-Id", v, sizeof v));
    assert_true(strlen(v) >= 16);
    assert_true(e2e_header(&r, "Content-Type", v, sizeof v));
    assert_non_null(strstr(v, "application/json"));
    e2e_resp_free(&r);
}

static void sane_request_id_is_echoed_and_insane_one_replaced(void **state)
{
    (void)state;
    struct e2e_resp r;
    const char *good[] = {"X-Request-Id: e2e-trace.42:abc_DEF", NULL};
    assert_int_equal(e2e_request(e2e_base(), "GET", "/healthz", good, NULL, NULL, 0, &r), 0);
    char v[256];
    assert_true(e2e_header(&r, "X-Request-Id", v, sizeof v));
    assert_string_equal(v, "e2e-trace.42:abc_DEF");
    e2e_resp_free(&r);

    const char *bad[] = {"X-Request-Id: <script>alert(1)</script>", NULL};
    assert_int_equal(e2e_request(e2e_base(), "GET", "/nope", bad, NULL, NULL, 0, &r), 0);
    assert_true(e2e_header(&r, "X-Request-Id", v, sizeof v));
    assert_null(strchr(v, '<'));
    e2e_assert_error(&r, 404);
    e2e_resp_free(&r);
}

static void unknown_route_is_404_in_the_envelope(void **state)
{
    (void)state;
    const char *paths[] = {"/nope",     "/api",      "/api/users",          "/api/users/me/extra",
                           "/healthz/", "//healthz", "/api/boards/%2e%2e/x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct e2e_resp r;
        assert_int_equal(e2e_get(paths[i], NULL, &r), 0);
        e2e_assert_error(&r, 404);
        assert_null(json_object_get(r.json, "errors"));
        e2e_resp_free(&r);
    }
}

static void id_that_is_not_a_positive_int64_is_404(void **state)
{
    (void)state;
    const char *ids[] = {
        "0",  "01", "-1", "+1", "1a", "abc", "1.5", "9223372036854775808", "99999999999999999999",
        "%31"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/users/%s", ids[i]);
        struct e2e_resp r;
        assert_int_equal(e2e_request(e2e_base(), "DELETE", path, NULL, NULL, NULL, 0, &r), 0);
        if (strcmp(ids[i], "%31") == 0) {
            /* "%31" decodes to "1": a valid id, so the route matches and auth answers. */
            e2e_assert_error(&r, 401);
        } else {
            e2e_assert_error(&r, 404);
        }
        e2e_resp_free(&r);
    }
    /* The largest BIGINT is a valid id: it reaches the route (and its auth check). */
    struct e2e_resp r;
    assert_int_equal(e2e_request(e2e_base(), "DELETE", "/api/users/9223372036854775807", NULL, NULL,
                                 NULL, 0, &r),
                     0);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);
}

static void wrong_method_is_405_with_allow(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_request(e2e_base(), "DELETE", "/healthz", NULL, NULL, NULL, 0, &r), 0);
    e2e_assert_error(&r, 405);
    char allow[128];
    assert_true(e2e_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "GET, HEAD, OPTIONS");
    e2e_resp_free(&r);

    assert_int_equal(e2e_request(e2e_base(), "PATCH", "/api/users/5", NULL, "application/json",
                                 "{}", SIZE_MAX, &r),
                     0);
    e2e_assert_error(&r, 405);
    assert_true(e2e_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "PUT, DELETE, OPTIONS");
    e2e_resp_free(&r);

    assert_int_equal(e2e_request(e2e_base(), "BREW", "/healthz", NULL, NULL, NULL, 0, &r), 0);
    e2e_assert_error(&r, 405);
    e2e_resp_free(&r);
}

static void head_on_a_get_route_is_200_without_body(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_request(e2e_base(), "HEAD", "/healthz", NULL, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    e2e_resp_free(&r);
}

static void post_raw(const char *ctype, const char *body, size_t len, struct e2e_resp *r)
{
    assert_int_equal(e2e_request(e2e_base(), "POST", "/api/users/login", NULL, ctype, body, len, r),
                     0);
}

static void malformed_json_is_400(void **state)
{
    (void)state;
    const char *bodies[] = {"{bad", "{\"email\": }",          "{\"a\":1,}",
                            "nul",  "{\"a\":\"x\"} trailing", "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct e2e_resp r;
        post_raw("application/json", bodies[i], SIZE_MAX, &r);
        e2e_assert_error(&r, 400);
        e2e_resp_free(&r);
    }
}

static void body_that_is_not_an_object_or_empty_is_400(void **state)
{
    (void)state;
    const char *bodies[] = {"", "   ", "[]", "\"text\"", "42", "null", "[{\"email\":\"a\"}]"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct e2e_resp r;
        post_raw("application/json", bodies[i], SIZE_MAX, &r);
        e2e_assert_error(&r, 400);
        e2e_resp_free(&r);
    }
}

static void invalid_utf8_is_400_with_its_own_message(void **state)
{
    (void)state;
    const char *bodies[] = {"{\"email\":\"\xff\xfe\"}", "{\"email\":\"\xc0\xaf\"}",
                            "{\"email\":\"\xed\xa0\x80\"}", "{\"email\":\"\xe3\x81\"}"};
    const char *first_msg = NULL;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct e2e_resp r;
        post_raw("application/json", bodies[i], SIZE_MAX, &r);
        e2e_assert_error(&r, 400);
        const char *msg = json_string_value(json_object_get(r.json, "message"));
        assert_non_null(strstr(msg, "UTF-8"));
        (void)first_msg;
        e2e_resp_free(&r);
    }
}

static void wrong_content_type_is_415(void **state)
{
    (void)state;
    const char *types[] = {"text/plain", "application/x-www-form-urlencoded",
                           "application/json; charset=latin1", "multipart/form-data; boundary=x"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        struct e2e_resp r;
        post_raw(types[i], "{\"email\":\"a@b.co\"}", SIZE_MAX, &r);
        e2e_assert_error(&r, 415);
        e2e_resp_free(&r);
    }
    /* No Content-Type at all with a body. */
    struct e2e_resp r;
    post_raw(NULL, "{\"email\":\"a@b.co\"}", SIZE_MAX, &r);
    e2e_assert_error(&r, 415);
    e2e_resp_free(&r);
    /* Upper-case and a UTF-8 charset are fine (then the login itself fails: 400/401). */
    post_raw("Application/JSON; charset=UTF-8",
             "{\"email\":\"x@y.co\",\"password\":\"wrong-pass1\"}", SIZE_MAX, &r);
    assert_true(r.status == 401 || r.status == 429);
    e2e_resp_free(&r);
}

static void body_over_the_cap_is_413(void **state)
{
    (void)state;
    size_t n = 2u * 1024 * 1024; /* default cap is 1 MiB */
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    struct e2e_resp r;
    post_raw("application/json", big, n, &r);
    e2e_assert_error(&r, 413);
    e2e_resp_free(&r);

    /* Chunked upload: no Content-Length, the cap applies while reading. */
    const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
    assert_int_equal(e2e_request(e2e_base(), "POST", "/api/users/login", chunked,
                                 "application/json", big, n, &r),
                     0);
    e2e_assert_error(&r, 413);
    e2e_resp_free(&r);
    free(big);

    /* A client that asks first (Expect: 100-continue) gets the 413 before sending anything. */
    char *huge = calloc(1, 64u * 1024 * 1024 + 1);
    assert_non_null(huge);
    memset(huge, ' ', 64u * 1024 * 1024);
    const char *expect[] = {"Expect: 100-continue", NULL};
    r.status = 0;
    int rc = e2e_request(e2e_base(), "POST", "/api/users/login", expect, "application/json", huge,
                         64u * 1024 * 1024, &r);
    free(huge);
    assert_int_equal(rc, 0);
    e2e_assert_error(&r, 413);
    e2e_resp_free(&r);

    /* Just under the cap is read and parsed (then fails validation as 400, not 413). */
    n = 1024 * 1024 - 16;
    big = malloc(n + 1);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    post_raw("application/json", big, n, &r);
    e2e_assert_error(&r, 400);
    e2e_resp_free(&r);
    free(big);
}

static void garbage_to_every_body_route_never_reaches_5xx(void **state)
{
    (void)state;
    const char *routes[][2] = {{"POST", "/api/users/sign-up"},
                               {"POST", "/api/users/login"},
                               {"POST", "/api/users/profile"},
                               {"PUT", "/api/users/1"}};
    const char *bodies[] = {
        "",
        "{}",
        "null",
        "{\"email\":null,\"password\":[1,2]}",
        "{\"email\":{\"$ne\":1}}",
        "{\"zipCode\":1e400}",
        "{\"birthYear\":-99999999999999999999}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]]",
        "{\"email\":\"\\u0000@x.co\"}",
        "{\"nickname\":\"\\ud800\"}",
        "\x01\x02\x03",
        "{\"email\":\"' OR 1=1 --\",\"password\":\"x\"}"};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        for (size_t j = 0; j < sizeof bodies / sizeof bodies[0]; j++) {
            struct e2e_resp r;
            assert_int_equal(e2e_request(e2e_base(), routes[i][0], routes[i][1], NULL,
                                         "application/json", bodies[j], SIZE_MAX, &r),
                             0);
            if (r.status >= 500)
                fprintf(stderr, "%s %s <- %s : %ld %s\n", routes[i][0], routes[i][1], bodies[j],
                        r.status, r.body);
            assert_true(r.status >= 400 && r.status < 500);
            e2e_resp_free(&r);
        }
    }
}

static void readyz_is_200_with_checks(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_get("/readyz", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *checks = json_object_get(json_object_get(r.json, "item"), "checks");
    assert_string_equal(json_string_value(json_object_get(checks, "database")), "ok");
    assert_string_equal(json_string_value(json_object_get(checks, "queue")), "ok");
    e2e_resp_free(&r);
}

static void metrics_count_requests_by_route_and_status(void **state)
{
    (void)state;
    struct e2e_resp r;
    assert_int_equal(e2e_get("/healthz", NULL, &r), 0);
    e2e_resp_free(&r);
    assert_int_equal(e2e_get("/metrics", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    char ct[128];
    assert_true(e2e_header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/plain"));
    const char *line = strstr(r.body, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\","
                                      "status=\"200\"} ");
    assert_non_null(line);
    long before = strtol(strchr(line, '}') + 2, NULL, 10);
    assert_true(before >= 1);
    assert_non_null(strstr(r.body, "eeum_http_request_duration_seconds_bucket{method=\"GET\","
                                   "route=\"/healthz\",le=\"+Inf\"}"));
    assert_non_null(strstr(r.body, "eeum_db_pool_connections{state=\"in_use\"}"));
    assert_non_null(strstr(r.body, "route=\"unmatched\",status=\"404\""));
    e2e_resp_free(&r);

    /* One more request moves the counter by exactly one. */
    assert_int_equal(e2e_get("/healthz", NULL, &r), 0);
    e2e_resp_free(&r);
    assert_int_equal(e2e_get("/metrics", NULL, &r), 0);
    line = strstr(r.body, "eeum_http_requests_total{method=\"GET\",route=\"/healthz\","
                          "status=\"200\"} ");
    assert_non_null(line);
    assert_int_equal(strtol(strchr(line, '}') + 2, NULL, 10), before + 1);
    e2e_resp_free(&r);
}

static void cors_preflight_answers_allowed_origin_only(void **state)
{
    (void)state;
    const char *origin = getenv("EEUM_E2E_CORS_ORIGIN");
    if (!origin)
        origin = "http://localhost:3000";
    char oh[256];
    snprintf(oh, sizeof oh, "Origin: %s", origin);
    const char *allowed[] = {oh, "Access-Control-Request-Method: POST", NULL};
    struct e2e_resp r;
    assert_int_equal(
        e2e_request(e2e_base(), "OPTIONS", "/api/users/login", allowed, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 204);
    char v[256];
    assert_true(e2e_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    assert_string_equal(v, origin);
    assert_true(e2e_header(&r, "Access-Control-Allow-Methods", v, sizeof v));
    assert_non_null(strstr(v, "POST"));
    assert_true(e2e_header(&r, "Access-Control-Allow-Headers", v, sizeof v));
    assert_non_null(strstr(v, "Authorization"));
    e2e_resp_free(&r);

    const char *evil[] = {"Origin: https://evil.example", "Access-Control-Request-Method: POST",
                          NULL};
    assert_int_equal(
        e2e_request(e2e_base(), "OPTIONS", "/api/users/login", evil, NULL, NULL, 0, &r), 0);
    assert_false(e2e_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    e2e_resp_free(&r);

    /* Actual requests carry the header for the allowed origin only. */
    const char *simple[] = {oh, NULL};
    assert_int_equal(e2e_request(e2e_base(), "GET", "/healthz", simple, NULL, NULL, 0, &r), 0);
    assert_true(e2e_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    assert_string_equal(v, origin);
    e2e_resp_free(&r);
    const char *evil_get[] = {"Origin: https://evil.example", NULL};
    assert_int_equal(e2e_request(e2e_base(), "GET", "/healthz", evil_get, NULL, NULL, 0, &r), 0);
    assert_false(e2e_header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    e2e_resp_free(&r);

    /* Preflight for an unknown path is a 404. */
    assert_int_equal(e2e_request(e2e_base(), "OPTIONS", "/nope", allowed, NULL, NULL, 0, &r), 0);
    e2e_assert_error(&r, 404);
    e2e_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthz_is_200_with_envelope_and_security_headers),
        cmocka_unit_test(sane_request_id_is_echoed_and_insane_one_replaced),
        cmocka_unit_test(unknown_route_is_404_in_the_envelope),
        cmocka_unit_test(id_that_is_not_a_positive_int64_is_404),
        cmocka_unit_test(wrong_method_is_405_with_allow),
        cmocka_unit_test(head_on_a_get_route_is_200_without_body),
        cmocka_unit_test(malformed_json_is_400),
        cmocka_unit_test(body_that_is_not_an_object_or_empty_is_400),
        cmocka_unit_test(invalid_utf8_is_400_with_its_own_message),
        cmocka_unit_test(wrong_content_type_is_415),
        cmocka_unit_test(body_over_the_cap_is_413),
        cmocka_unit_test(garbage_to_every_body_route_never_reaches_5xx),
        cmocka_unit_test(readyz_is_200_with_checks),
        cmocka_unit_test(metrics_count_requests_by_route_and_status),
        cmocka_unit_test(cors_preflight_answers_allowed_origin_only),
    };
    return cmocka_run_group_tests_name("e2e_http", tests, NULL, NULL);
}

/*
 * test_router.c - route table matching, typed id parameters, 404/405 and the Allow header.
 */
#include "eeum/router.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Distinct dummy handlers so a match can be told apart by handler as well as by index. */
#define DUMMY(name)                                                                                \
    static enum status name(struct http_req *req, struct http_resp *resp)                          \
    {                                                                                              \
        (void)req;                                                                                 \
        (void)resp;                                                                                \
        return STATUS_OK;                                                                          \
    }
DUMMY(h_health)
DUMMY(h_boards_list)
DUMMY(h_boards_create)
DUMMY(h_boards_search)
DUMMY(h_boards_get)
DUMMY(h_boards_update)
DUMMY(h_comments_list)
DUMMY(h_comments_delete)

enum {
    R_HEALTH,
    R_BOARDS_LIST,
    R_BOARDS_CREATE,
    R_BOARDS_SEARCH,
    R_BOARDS_GET,
    R_BOARDS_UPDATE,
    R_COMMENTS_LIST,
    R_COMMENTS_DELETE,
    R__COUNT
};

static const struct route ROUTES[] = {
    [R_HEALTH] = {HTTP_GET, "/healthz", h_health, 0},
    [R_BOARDS_LIST] = {HTTP_GET, "/api/boards", h_boards_list, 0},
    [R_BOARDS_CREATE] = {HTTP_POST, "/api/boards", h_boards_create, ROUTE_AUTH | ROUTE_BODY_JSON},
    [R_BOARDS_SEARCH] = {HTTP_GET, "/api/boards/search", h_boards_search, 0},
    [R_BOARDS_GET] = {HTTP_GET, "/api/boards/:id", h_boards_get, 0},
    [R_BOARDS_UPDATE] = {HTTP_PATCH, "/api/boards/:id", h_boards_update, ROUTE_AUTH},
    [R_COMMENTS_LIST] = {HTTP_GET, "/api/boards/:boardId/comments", h_comments_list, 0},
    [R_COMMENTS_DELETE] = {HTTP_DELETE, "/api/boards/:boardId/comments/:commentId",
                           h_comments_delete, ROUTE_AUTH},
};

#define NROUTES (sizeof ROUTES / sizeof ROUTES[0])

static enum status match(unsigned method, const char *path, struct route_match *m)
{
    return router_match(ROUTES, NROUTES, method, path, m);
}

struct ok_case {
    unsigned method;
    const char *path;
    size_t index;
};

static void each_route_matches_its_own_method_and_path(void **state)
{
    (void)state;
    static const struct ok_case CASES[] = {
        {HTTP_GET, "/healthz", R_HEALTH},
        {HTTP_GET, "/api/boards", R_BOARDS_LIST},
        {HTTP_POST, "/api/boards", R_BOARDS_CREATE},
        {HTTP_GET, "/api/boards/search", R_BOARDS_SEARCH},
        {HTTP_GET, "/api/boards/7", R_BOARDS_GET},
        {HTTP_PATCH, "/api/boards/7", R_BOARDS_UPDATE},
        {HTTP_GET, "/api/boards/7/comments", R_COMMENTS_LIST},
        {HTTP_DELETE, "/api/boards/7/comments/9", R_COMMENTS_DELETE},
    };
    assert_int_equal(NROUTES, R__COUNT);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct route_match m;
        enum status st = match(CASES[i].method, CASES[i].path, &m);
        if (st != STATUS_OK)
            fail_msg("%s: status %d, want OK", CASES[i].path, st);
        if (m.route != &ROUTES[CASES[i].index] || m.index != CASES[i].index)
            fail_msg("%s: matched route %zu, want %zu", CASES[i].path, m.index, CASES[i].index);
    }
}

static void matched_route_carries_its_handler_and_flags(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_POST, "/api/boards", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_create);
    assert_int_equal(m.route->flags, ROUTE_AUTH | ROUTE_BODY_JSON);
    assert_int_equal(m.nparams, 0);
}

static void id_parameter_is_parsed_and_named(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_GET, "/api/boards/42", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_get);
    assert_int_equal(m.nparams, 1);
    assert_int_equal(m.params[0].id, 42);
    assert_int_equal(m.params[0].name_len, 2);
    assert_memory_equal(m.params[0].name, "id", 2);
    assert_int_equal(route_match_param(&m, "id"), 42);
}

static void two_parameters_are_found_by_name(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_DELETE, "/api/boards/12/comments/345", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_comments_delete);
    assert_int_equal(m.nparams, 2);
    assert_int_equal(route_match_param(&m, "boardId"), 12);
    assert_int_equal(route_match_param(&m, "commentId"), 345);
    /* Names match exactly: neither a prefix nor an absent name. */
    assert_int_equal(route_match_param(&m, "board"), 0);
    assert_int_equal(route_match_param(&m, "boardIdX"), 0);
    assert_int_equal(route_match_param(&m, "id"), 0);
    assert_int_equal(route_match_param(&m, ""), 0);
}

static void search_goes_to_the_search_route_not_to_id(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_GET, "/api/boards/search", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_search);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(route_match_param(&m, "id"), 0);
}

static void search_route_wins_even_when_listed_after_id(void **state)
{
    (void)state;
    /* Order must not matter: "search" is never an id. */
    static const struct route T[] = {
        {HTTP_GET, "/api/boards/:id", h_boards_get, 0},
        {HTTP_GET, "/api/boards/search", h_boards_search, 0},
    };
    struct route_match m;
    assert_int_equal(router_match(T, 2, HTTP_GET, "/api/boards/search", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_search);
    assert_int_equal(m.index, 1);
}

static void ids_that_are_not_canonical_positive_int64_are_404(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "/api/boards/0",
        "/api/boards/01",
        "/api/boards/007",
        "/api/boards/-1",
        "/api/boards/+1",
        "/api/boards/1a",
        "/api/boards/a1",
        "/api/boards/abc",
        "/api/boards/1.0",
        "/api/boards/1e3",
        "/api/boards/0x10",
        "/api/boards/%31",
        "/api/boards/ 1",
        "/api/boards/9223372036854775808",
        "/api/boards/9999999999999999999",
        "/api/boards/18446744073709551616",
        "/api/boards/18446744073709551617",
        "/api/boards/12345678901234567890",
        "/api/boards/00000000000000000001",
        "/api/boards/abc/comments",
        "/api/boards/0/comments",
        "/api/boards/1/comments/0",
        "/api/boards/01/comments/1",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        struct route_match m;
        enum status st = match(HTTP_GET, BAD[i], &m);
        if (st != STATUS_NOT_FOUND)
            fail_msg("%s: status %d, want NOT_FOUND", BAD[i], st);
        assert_null(m.route);
    }
}

static void largest_int64_id_matches(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_GET, "/api/boards/9223372036854775807", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_get);
    assert_true(route_match_param(&m, "id") == (uint64_t)INT64_MAX);
    assert_int_equal(match(HTTP_GET, "/api/boards/1", &m), STATUS_OK);
    assert_int_equal(route_match_param(&m, "id"), 1);
}

struct id_case {
    const char *s;
    uint64_t want;
};

static void parse_id_accepts_only_canonical_positive_int64(void **state)
{
    (void)state;
    static const struct id_case CASES[] = {
        {"1", 1},
        {"10", 10},
        {"1234567890", 1234567890},
        {"9223372036854775807", (uint64_t)INT64_MAX},
        {"", 0},
        {"0", 0},
        {"01", 0},
        {"-1", 0},
        {"+1", 0},
        {"1a", 0},
        {"abc", 0},
        {"9223372036854775808", 0},
        {"9999999999999999999", 0},
        {"12345678901234567890", 0},
        /* 2^64 + 1 and 2^64 + 5: 20 digits that would wrap around to small valid ids */
        {"18446744073709551617", 0},
        {"18446744073709551621", 0},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        uint64_t got = router_parse_id(CASES[i].s, strlen(CASES[i].s));
        if (got != CASES[i].want)
            fail_msg("\"%s\": %llu, want %llu", CASES[i].s, (unsigned long long)got,
                     (unsigned long long)CASES[i].want);
    }
    /* Only the first n bytes count. */
    assert_int_equal(router_parse_id("12x", 2), 12);
}

static void unknown_and_malformed_paths_are_404(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "",
        "/",
        "healthz",
        "/healthz/",
        "//healthz",
        "/healthzz",
        "/health",
        "/HEALTHZ",
        "/api/boards/",
        "/api//boards",
        "/api/boards//",
        "/api/boards/7/",
        "/api/boards//7",
        "/api/boards/7/comments/",
        "/api/boards/7//comments",
        "/api/boards/7/comments/9/",
        "/api/boards/7/comments/9/x",
        "/api/boards/search/",
        "/api/board",
        "/api",
        "/api/boardsx",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        struct route_match m;
        enum status st = match(HTTP_GET, BAD[i], &m);
        if (st != STATUS_NOT_FOUND)
            fail_msg("\"%s\": status %d, want NOT_FOUND", BAD[i], st);
        assert_null(m.route);
    }
}

static void head_matches_a_get_route(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_HEAD, "/healthz", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_health);
    assert_int_equal(match(HTTP_HEAD, "/api/boards/5", &m), STATUS_OK);
    assert_ptr_equal(m.route->handler, h_boards_get);
    assert_int_equal(route_match_param(&m, "id"), 5);
}

static void wrong_method_is_405_with_the_allowed_methods(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_DELETE, "/api/boards/5", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_null(m.route);
    assert_int_equal(m.allow, HTTP_GET | HTTP_HEAD | HTTP_PATCH | HTTP_OPTIONS);

    assert_int_equal(match(HTTP_PUT, "/api/boards", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OPTIONS);

    assert_int_equal(match(HTTP_POST, "/healthz", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, HTTP_GET | HTTP_HEAD | HTTP_OPTIONS);

    assert_int_equal(match(HTTP_GET, "/api/boards/5/comments/6", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, HTTP_DELETE | HTTP_OPTIONS);

    assert_int_equal(match(HTTP_OTHER, "/healthz", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, HTTP_GET | HTTP_HEAD | HTTP_OPTIONS);
}

static void head_is_405_on_a_path_without_get(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_HEAD, "/api/boards/5/comments/6", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_int_equal(m.allow, HTTP_DELETE | HTTP_OPTIONS);
}

static void successful_match_also_reports_every_allowed_method(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_PATCH, "/api/boards/5", &m), STATUS_OK);
    assert_int_equal(m.allow, HTTP_GET | HTTP_HEAD | HTTP_PATCH | HTTP_OPTIONS);
    assert_int_equal(m.index, R_BOARDS_UPDATE);
    assert_int_equal(route_match_param(&m, "id"), 5);
}

static void not_found_has_no_allowed_methods(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match(HTTP_GET, "/nope", &m), STATUS_NOT_FOUND);
    assert_int_equal(m.allow, 0);
    assert_int_equal(m.nparams, 0);
}

static void empty_table_is_404(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(router_match(ROUTES, 0, HTTP_GET, "/healthz", &m), STATUS_NOT_FOUND);
    assert_null(m.route);
}

struct allow_case {
    unsigned mask;
    const char *want;
};

static void allow_string_lists_methods_in_a_fixed_order(void **state)
{
    (void)state;
    static const struct allow_case CASES[] = {
        {0, ""},
        {HTTP_GET, "GET"},
        {HTTP_GET | HTTP_HEAD | HTTP_OPTIONS, "GET, HEAD, OPTIONS"},
        {HTTP_OPTIONS | HTTP_PATCH | HTTP_HEAD | HTTP_GET, "GET, HEAD, PATCH, OPTIONS"},
        {HTTP_DELETE | HTTP_POST, "POST, DELETE"},
        {HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE | HTTP_OPTIONS,
         "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"},
        {HTTP_OTHER, ""},
        {HTTP_OTHER | HTTP_PUT, "PUT"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char buf[128];
        memset(buf, 'X', sizeof buf);
        const char *got = router_allow_string(CASES[i].mask, buf, sizeof buf);
        assert_ptr_equal(got, buf);
        if (strcmp(got, CASES[i].want) != 0)
            fail_msg("mask %#x: \"%s\", want \"%s\"", CASES[i].mask, got, CASES[i].want);
    }
}

static void allow_string_of_a_405_match(void **state)
{
    (void)state;
    struct route_match m;
    char buf[64];
    assert_int_equal(match(HTTP_DELETE, "/api/boards/5", &m), STATUS_METHOD_NOT_ALLOWED);
    assert_string_equal(router_allow_string(m.allow, buf, sizeof buf), "GET, HEAD, PATCH, OPTIONS");
}

static void allow_string_never_overflows_a_small_buffer(void **state)
{
    (void)state;
    char buf[12];
    const char *got =
        router_allow_string(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OPTIONS, buf, sizeof buf);
    assert_true(strlen(got) < sizeof buf);
    assert_string_equal(got, "GET, HEAD");
}

struct method_case {
    const char *name;
    unsigned bit;
};

static void method_names_parse_to_their_bits(void **state)
{
    (void)state;
    static const struct method_case CASES[] = {
        {"GET", HTTP_GET},         {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
        {"PUT", HTTP_PUT},         {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
        {"OPTIONS", HTTP_OPTIONS}, {"TRACE", HTTP_OTHER}, {"CONNECT", HTTP_OTHER},
        {"get", HTTP_OTHER},       {"", HTTP_OTHER},      {"GETX", HTTP_OTHER},
        {"GE", HTTP_OTHER},        {"BREW", HTTP_OTHER},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        unsigned got = router_method_parse(CASES[i].name);
        if (got != CASES[i].bit)
            fail_msg("\"%s\": %#x, want %#x", CASES[i].name, got, CASES[i].bit);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_route_matches_its_own_method_and_path),
        cmocka_unit_test(matched_route_carries_its_handler_and_flags),
        cmocka_unit_test(id_parameter_is_parsed_and_named),
        cmocka_unit_test(two_parameters_are_found_by_name),
        cmocka_unit_test(search_goes_to_the_search_route_not_to_id),
        cmocka_unit_test(search_route_wins_even_when_listed_after_id),
        cmocka_unit_test(ids_that_are_not_canonical_positive_int64_are_404),
        cmocka_unit_test(largest_int64_id_matches),
        cmocka_unit_test(parse_id_accepts_only_canonical_positive_int64),
        cmocka_unit_test(unknown_and_malformed_paths_are_404),
        cmocka_unit_test(head_matches_a_get_route),
        cmocka_unit_test(wrong_method_is_405_with_the_allowed_methods),
        cmocka_unit_test(head_is_405_on_a_path_without_get),
        cmocka_unit_test(successful_match_also_reports_every_allowed_method),
        cmocka_unit_test(not_found_has_no_allowed_methods),
        cmocka_unit_test(empty_table_is_404),
        cmocka_unit_test(allow_string_lists_methods_in_a_fixed_order),
        cmocka_unit_test(allow_string_of_a_405_match),
        cmocka_unit_test(allow_string_never_overflows_a_small_buffer),
        cmocka_unit_test(method_names_parse_to_their_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

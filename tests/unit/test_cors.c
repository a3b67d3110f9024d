/*
 * test_cors.c - the CORS origin allow-list: exact matches only.
 */
#include "eeum/cors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct cors_case {
    const char *allowed;
    const char *origin;
    bool want;
};

static void check(const struct cors_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool got = cors_origin_allowed(cases[i].allowed, cases[i].origin);
        if (got != cases[i].want)
            fail_msg("allowed=\"%s\" origin=\"%s\": %d, want %d",
                     cases[i].allowed ? cases[i].allowed : "(NULL)",
                     cases[i].origin ? cases[i].origin : "(NULL)", got, cases[i].want);
    }
}

#define CHECK(cases) check((cases), sizeof(cases) / sizeof((cases)[0]))

static const char LIST[] = "http://a.com,https://b.example:8443";

static void listed_origins_are_allowed(void **state)
{
    (void)state;
    static const struct cors_case CASES[] = {
        {LIST, "http://a.com", true},
        {LIST, "https://b.example:8443", true},
        {"http://a.com", "http://a.com", true},
        {"http://localhost:5173", "http://localhost:5173", true},
    };
    CHECK(CASES);
}

static void spaces_around_entries_are_ignored(void **state)
{
    (void)state;
    static const struct cors_case CASES[] = {
        {"  http://a.com  ,   https://b.example:8443  ", "http://a.com", true},
        {"  http://a.com  ,   https://b.example:8443  ", "https://b.example:8443", true},
        {"http://a.com , http://c.com", "http://c.com", true},
        {" http://a.com", "http://a.com", true},
        {"http://a.com ", "http://a.com", true},
        /* The origin itself is compared verbatim. */
        {"http://a.com", " http://a.com", false},
        {"http://a.com", "http://a.com ", false},
    };
    CHECK(CASES);
}

static void prefix_suffix_and_lookalike_origins_are_refused(void **state)
{
    (void)state;
    static const struct cors_case CASES[] = {
        {LIST, "http://a.com.evil.com", false},
        {LIST, "http://a.co", false},
        {LIST, "http://a.comm", false},
        {LIST, "http://evil-a.com", false},
        {LIST, "http://xa.com", false},
        {LIST, "http://sub.a.com", false},
        {LIST, "https://a.com", false},
        {LIST, "http://a.com:80", false},
        {LIST, "http://a.com/", false},
        {LIST, "https://b.example", false},
        {LIST, "https://b.example:844", false},
        {LIST, "HTTP://A.COM", false},
        {LIST, "http://a.com,https://b.example:8443", false},
        {LIST, "http://a.com,", false},
        {LIST, ",", false},
        {LIST, "null", false},
        {LIST, "*", false},
    };
    CHECK(CASES);
}

static void null_and_empty_inputs_are_refused(void **state)
{
    (void)state;
    static const struct cors_case CASES[] = {
        {NULL, "http://a.com", false},
        {LIST, NULL, false},
        {NULL, NULL, false},
        {"", "http://a.com", false},
        {LIST, "", false},
        {"", "", false},
        /* Empty entries never match anything. */
        {",,", "", false},
        {" , ", " ", false},
        {"http://a.com,,", "", false},
    };
    CHECK(CASES);
}

static void a_wildcard_entry_is_not_a_wildcard(void **state)
{
    (void)state;
    static const struct cors_case CASES[] = {
        {"*", "http://a.com", false},
        {"http://*.a.com", "http://x.a.com", false},
    };
    CHECK(CASES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listed_origins_are_allowed),
        cmocka_unit_test(spaces_around_entries_are_ignored),
        cmocka_unit_test(prefix_suffix_and_lookalike_origins_are_refused),
        cmocka_unit_test(null_and_empty_inputs_are_refused),
        cmocka_unit_test(a_wildcard_entry_is_not_a_wildcard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

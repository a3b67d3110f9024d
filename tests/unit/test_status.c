/*
 * test_status.c - the one status -> HTTP mapping (SPEC §3) and the default messages.
 */
#include "eeum/status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct status_case {
    enum status st;
    unsigned http;
    int client_error;
};

static const struct status_case CASES[] = {
    {STATUS_OK, 200, 0},
    {STATUS_BAD_REQUEST, 400, 1},
    {STATUS_UNAUTHORIZED, 401, 1},
    {STATUS_FORBIDDEN, 403, 1},
    {STATUS_NOT_FOUND, 404, 1},
    {STATUS_METHOD_NOT_ALLOWED, 405, 1},
    {STATUS_CONFLICT, 409, 1},
    {STATUS_PAYLOAD_TOO_LARGE, 413, 1},
    {STATUS_UNSUPPORTED_MEDIA_TYPE, 415, 1},
    {STATUS_TOO_MANY_REQUESTS, 429, 1},
    {STATUS_INTERNAL, 500, 0},
    {STATUS_UNAVAILABLE, 503, 0},
};

#define NCASES (sizeof CASES / sizeof CASES[0])

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

static void table_covers_every_status(void **state)
{
    (void)state;
    assert_int_equal(NCASES, STATUS__COUNT);
    for (size_t i = 0; i < NCASES; i++)
        assert_int_equal(CASES[i].st, i);
}

static void every_status_maps_to_its_spec_http_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        unsigned got = status_http(CASES[i].st);
        if (got != CASES[i].http)
            fail_msg("%s: got HTTP %u, want %u", status_name(CASES[i].st), got, CASES[i].http);
    }
}

static void out_of_range_status_is_500(void **state)
{
    (void)state;
    assert_int_equal(status_http(STATUS__COUNT), 500);
    assert_int_equal(status_http((enum status)1000), 500);
    assert_int_equal(status_http((enum status) - 1), 500);
    assert_string_equal(status_message((enum status)1000), status_message(STATUS_INTERNAL));
    assert_string_equal(status_name((enum status)1000), "internal");
}

static void every_message_is_non_empty_korean(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const char *msg = status_message(CASES[i].st);
        assert_non_null(msg);
        if (!*msg || !has_non_ascii(msg))
            fail_msg("%s: message \"%s\" is not Korean text", status_name(CASES[i].st), msg);
    }
}

static void every_status_has_a_distinct_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const char *a = status_name(CASES[i].st);
        assert_non_null(a);
        assert_true(strlen(a) > 0);
        for (size_t j = i + 1; j < NCASES; j++)
            assert_string_not_equal(a, status_name(CASES[j].st));
    }
    assert_string_equal(status_name(STATUS_NOT_FOUND), "not_found");
}

static void only_4xx_statuses_are_client_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        int got = status_is_client_error(CASES[i].st) != 0;
        if (got != CASES[i].client_error)
            fail_msg("%s: status_is_client_error = %d, want %d", status_name(CASES[i].st), got,
                     CASES[i].client_error);
    }
    assert_false(status_is_client_error((enum status)1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_covers_every_status),
        cmocka_unit_test(every_status_maps_to_its_spec_http_code),
        cmocka_unit_test(out_of_range_status_is_500),
        cmocka_unit_test(every_message_is_non_empty_korean),
        cmocka_unit_test(every_status_has_a_distinct_name),
        cmocka_unit_test(only_4xx_statuses_are_client_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

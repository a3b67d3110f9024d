/*
 * test_db_errmap.c - MySQL/MariaDB error numbers -> enum status, and lost-connection detection.
 */
#include "eeum/db.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

struct errmap_case {
    unsigned err;
    enum status st;
    bool lost;
};

static const struct errmap_case CASES[] = {
    {0, STATUS_OK, false},
    /* duplicate key (email, nickname) */
    {1062, STATUS_CONFLICT, false},
    {1586, STATUS_CONFLICT, false},
    /* a foreign key pointing at nothing: the parent is gone */
    {1452, STATUS_NOT_FOUND, false},
    /* values the column refuses */
    {1406, STATUS_BAD_REQUEST, false},
    {1366, STATUS_BAD_REQUEST, false},
    {1048, STATUS_BAD_REQUEST, false},
    {1264, STATUS_BAD_REQUEST, false},
    /* timeouts and deadlocks: the dependency is busy, try again */
    {1969, STATUS_UNAVAILABLE, false},
    {3024, STATUS_UNAVAILABLE, false},
    {1205, STATUS_UNAVAILABLE, false},
    {1213, STATUS_UNAVAILABLE, false},
    {1040, STATUS_UNAVAILABLE, false},
    {2002, STATUS_UNAVAILABLE, false},
    {2003, STATUS_UNAVAILABLE, false},
    /* lost connections: reconnect */
    {2006, STATUS_UNAVAILABLE, true},
    {2013, STATUS_UNAVAILABLE, true},
    {2055, STATUS_UNAVAILABLE, true},
    /* anything else is our fault */
    {1064, STATUS_INTERNAL, false}, /* SQL syntax */
    {1146, STATUS_INTERNAL, false}, /* no such table */
    {1, STATUS_INTERNAL, false},
    {99999, STATUS_INTERNAL, false},
    {0xFFFFFFFFu, STATUS_INTERNAL, false},
};

static void each_error_number_maps_to_its_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        enum status got = db_status_from_errno(CASES[i].err);
        if (got != CASES[i].st)
            fail_msg("errno %u: %s, want %s", CASES[i].err, status_name(got),
                     status_name(CASES[i].st));
    }
}

static void only_connection_losses_ask_for_a_reconnect(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        bool got = db_errno_is_lost_connection(CASES[i].err);
        if (got != CASES[i].lost)
            fail_msg("errno %u: lost=%d, want %d", CASES[i].err, got, CASES[i].lost);
    }
}

static void a_lost_connection_is_never_a_client_error(void **state)
{
    (void)state;
    for (unsigned err = 1000; err < 4000; err++)
        if (db_errno_is_lost_connection(err))
            assert_int_equal(db_status_from_errno(err), STATUS_UNAVAILABLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_error_number_maps_to_its_status),
        cmocka_unit_test(only_connection_losses_ask_for_a_reconnect),
        cmocka_unit_test(a_lost_connection_is_never_a_client_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

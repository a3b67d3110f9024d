/*
 * e2e_dbpool.c - the connection pool (src/db/pool.c) against the stack's real MariaDB: a
 * statement that fails — interrupted by max_statement_time in the middle of its result (error
 * 1969, what the 1 s search limit produces), or rejected at execution — must not poison its
 * cached prepared statement or the connection. Before the fix the next execution of the same
 * cached statement on that connection waited for the 30 s client read timeout.
 *
 * Uses MariaDB's Sequence engine (seq_1_to_N) for a statement that produces no row for longer
 * than the limit; skipped (77) when the server is not MariaDB.
 */
#include "eeum/config.h"
#include "eeum/db.h"
#include "eeum/log.h"
#include "eeum/timeutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define E2E_DBPOOL_SKIPPED 77   /* ctest SKIP_RETURN_CODE */
#define PROMPT_MS          5000 /* far below the 30 s read timeout, far above a normal answer */

/* Interrupted after 0.1 s, long before its first row (the first multiple of 1e9). */
static const char SQL_SLOW[] = "SET STATEMENT max_statement_time=0.1 FOR"
                               " SELECT seq FROM seq_1_to_100000000000 WHERE seq % ? = 0 LIMIT 1";
static const char SQL_ONE[] = "SELECT ? + 1";
/* Fails while it runs for a parameter below 2 (BIGINT UNSIGNED out of range, error 1690). */
static const char SQL_OVERFLOW[] = "SELECT CAST(? AS UNSIGNED) - 2";

static struct {
    struct config cfg;
    struct db_pool *pool;
} T;

static uint64_t elapsed_ms(uint64_t start_ns)
{
    return (time_mono_ns() - start_ns) / 1000000u;
}

/* SQL_ONE answers n + 1 promptly on this connection. */
static void assert_prompt_answer(struct db_conn *c, uint64_t n)
{
    struct db_param p[] = {db_p_u64(n)};
    struct db_rows *r = NULL;
    uint64_t t0 = time_mono_ns();
    assert_int_equal(db_query(c, SQL_ONE, p, 1, &r), STATUS_OK);
    assert_true(elapsed_ms(t0) < PROMPT_MS);
    assert_int_equal(db_rows_count(r), 1);
    assert_int_equal(db_rows_u64(r, 0, 0), n + 1);
    db_rows_free(r);
}

static void an_interrupted_statement_can_run_again_on_the_same_connection(void **state)
{
    (void)state;
    struct db_conn *c = NULL;
    assert_int_equal(db_pool_acquire(T.pool, 1000, &c), STATUS_OK);
    assert_prompt_answer(c, 1);
    /* Three times in a row: each must fail with the time limit after ~0.1 s, not hang. */
    for (int i = 0; i < 3; i++) {
        struct db_param p[] = {db_p_u64(1000000000ull)};
        struct db_rows *r = NULL;
        uint64_t t0 = time_mono_ns();
        enum status st = db_query(c, SQL_SLOW, p, 1, &r);
        uint64_t ms = elapsed_ms(t0);
        print_message("interrupted statement, run %d: status %d errno %u after %llu ms\n", i, st,
                      db_conn_last_errno(c), (unsigned long long)ms);
        assert_int_equal(st, STATUS_UNAVAILABLE);
        assert_null(r);
        assert_true(db_errno_is_timeout(db_conn_last_errno(c)));
        assert_true(ms < PROMPT_MS);
        /* Other statements (cached and new) answer on the same connection too. */
        assert_prompt_answer(c, 41 + (uint64_t)i);
    }
    /* The same cached statement with a parameter that finds a row at once still works. */
    struct db_param p[] = {db_p_u64(7)};
    struct db_rows *r = NULL;
    uint64_t t0 = time_mono_ns();
    assert_int_equal(db_query(c, SQL_SLOW, p, 1, &r), STATUS_OK);
    assert_true(elapsed_ms(t0) < PROMPT_MS);
    assert_int_equal(db_rows_count(r), 1);
    assert_int_equal(db_rows_u64(r, 0, 0), 7);
    db_rows_free(r);
    db_pool_release(T.pool, c);

    /* And the connection given back to the pool serves the next borrower promptly. */
    assert_int_equal(db_pool_acquire(T.pool, 1000, &c), STATUS_OK);
    assert_prompt_answer(c, 99);
    db_pool_release(T.pool, c);
}

static void an_execution_error_does_not_poison_the_cached_statement(void **state)
{
    (void)state;
    struct db_conn *c = NULL;
    assert_int_equal(db_pool_acquire(T.pool, 1000, &c), STATUS_OK);
    for (int i = 0; i < 3; i++) {
        struct db_param bad[] = {db_p_u64(1)};
        struct db_rows *r = NULL;
        uint64_t t0 = time_mono_ns();
        enum status st = db_query(c, SQL_OVERFLOW, bad, 1, &r);
        assert_true(elapsed_ms(t0) < PROMPT_MS);
        assert_int_not_equal(st, STATUS_OK);
        assert_int_equal(db_conn_last_errno(c), 1690); /* BIGINT UNSIGNED value out of range */
        assert_null(r);

        struct db_param good[] = {db_p_u64(10)};
        t0 = time_mono_ns();
        assert_int_equal(db_query(c, SQL_OVERFLOW, good, 1, &r), STATUS_OK);
        assert_true(elapsed_ms(t0) < PROMPT_MS);
        assert_int_equal(db_rows_u64(r, 0, 0), 8);
        db_rows_free(r);
    }
    db_pool_release(T.pool, c);
}

static int setup(void **state)
{
    (void)state;
    log_init("e2e_dbpool", LOGL_ERROR, false);
    char err[CONFIG_ERR_LEN];
    if (config_load(&T.cfg, CONFIG_ROLE_ANALYZER, NULL, err) != 0) {
        fprintf(stderr, "e2e_dbpool: configuration from the environment: %s\n", err);
        return -1;
    }
    T.cfg.db_pool_size = 1; /* every test reuses the one connection */
    return db_library_init();
}

static int teardown(void **state)
{
    (void)state;
    config_free(&T.cfg);
    db_library_end();
    return 0;
}

/* A fresh one-connection pool per test (a failed test may keep its connection). */
static int pool_setup(void **state)
{
    (void)state;
    T.pool = db_pool_new(&T.cfg);
    return T.pool ? 0 : -1;
}

static int pool_teardown(void **state)
{
    (void)state;
    /* db_pool_free closes every slot, including one a failed test did not give back. */
    db_pool_free(T.pool);
    T.pool = NULL;
    return 0;
}

/* The Sequence engine is MariaDB's; skip on other servers. */
static int server_is_mariadb(void)
{
    if (setup(NULL) != 0 || pool_setup(NULL) != 0)
        return -1;
    struct db_conn *c = NULL;
    int is = -1;
    if (db_pool_acquire(T.pool, 3000, &c) == STATUS_OK) {
        is = db_conn_is_mariadb(c) ? 1 : 0;
        db_pool_release(T.pool, c);
    }
    pool_teardown(NULL);
    teardown(NULL);
    return is;
}

int main(void)
{
    int maria = server_is_mariadb();
    if (maria < 0) {
        fprintf(stderr, "e2e_dbpool: cannot reach the database\n");
        return 1;
    }
    if (maria == 0) {
        fprintf(stderr, "e2e_dbpool: not MariaDB (no Sequence engine); skipped\n");
        return E2E_DBPOOL_SKIPPED;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            an_interrupted_statement_can_run_again_on_the_same_connection, pool_setup,
            pool_teardown),
        cmocka_unit_test_setup_teardown(an_execution_error_does_not_poison_the_cached_statement,
                                        pool_setup, pool_teardown),
    };
    return cmocka_run_group_tests_name("e2e_dbpool", tests, setup, teardown);
}

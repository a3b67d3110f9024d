/*
 * test_publisher.c - the pure parts of the outbox publisher: the SendMessageBatch entries built
 * from outbox rows (body, FIFO group and deduplication ids; none on a standard queue), FIFO
 * detection from the queue URL, and the retry backoff (capped exponential with equal jitter).
 */
#include "eeum/publisher.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static const struct db_outbox_row ROWS[] = {
    {.id = 1, .diary_id = 1, .user_id = 7, .version = 2, .attempts = 0},
    {.id = 42, .diary_id = 9000000000000123u, .user_id = 8000000000000001u, .version = 1},
    {.id = UINT64_MAX, .diary_id = UINT64_MAX, .user_id = UINT64_MAX, .version = UINT32_MAX},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

static void fifo_batch_has_documented_body_group_and_dedup_ids(void **state)
{
    (void)state;
    struct publisher_msg msgs[NROWS];
    struct sqs_send_entry e[NROWS];
    publisher_build_batch(ROWS, NROWS, true, msgs, e);

    assert_string_equal(e[0].id, "1");
    assert_string_equal(e[0].body, "{\"diaryId\":1,\"userId\":7,\"version\":2}");
    assert_string_equal(e[0].group_id, "user-7");
    assert_string_equal(e[0].dedup_id, "diary-1-v2");

    assert_string_equal(e[1].id, "42");
    assert_string_equal(e[1].body,
                        "{\"diaryId\":9000000000000123,\"userId\":8000000000000001,\"version\":1}");
    assert_string_equal(e[1].group_id, "user-8000000000000001");
    assert_string_equal(e[1].dedup_id, "diary-9000000000000123-v1");

    /* The largest values still fit: nothing is cut. */
    assert_string_equal(e[2].id, "18446744073709551615");
    assert_string_equal(e[2].body, "{\"diaryId\":18446744073709551615,\"userId\":"
                                   "18446744073709551615,\"version\":4294967295}");
    assert_string_equal(e[2].group_id, "user-18446744073709551615");
    assert_string_equal(e[2].dedup_id, "diary-18446744073709551615-v4294967295");
}

static void standard_batch_has_no_group_or_dedup_ids(void **state)
{
    (void)state;
    struct publisher_msg msgs[NROWS];
    struct sqs_send_entry e[NROWS];
    publisher_build_batch(ROWS, NROWS, false, msgs, e);
    for (size_t i = 0; i < NROWS; i++) {
        assert_null(e[i].group_id);
        assert_null(e[i].dedup_id);
        assert_non_null(e[i].body);
    }
    assert_string_equal(e[0].body, "{\"diaryId\":1,\"userId\":7,\"version\":2}");
}

static void batch_entry_ids_are_distinct(void **state)
{
    (void)state;
    struct publisher_msg msgs[NROWS];
    struct sqs_send_entry e[NROWS];
    publisher_build_batch(ROWS, NROWS, true, msgs, e);
    for (size_t i = 0; i < NROWS; i++)
        for (size_t j = i + 1; j < NROWS; j++)
            assert_string_not_equal(e[i].id, e[j].id);
}

static void fifo_is_detected_from_the_queue_name(void **state)
{
    (void)state;
    assert_true(publisher_queue_is_fifo("http://127.0.0.1:9324/123456789012/eeum-diary.fifo"));
    assert_true(publisher_queue_is_fifo(
        "https://sqs.ap-northeast-2.amazonaws.com/123456789012/eeum-diary.fifo/"));
    assert_false(publisher_queue_is_fifo("http://127.0.0.1:9324/123456789012/eeum-diary"));
    assert_false(publisher_queue_is_fifo("http://127.0.0.1:9324/123456789012/fifo"));
    assert_false(publisher_queue_is_fifo("http://127.0.0.1:9324/123456789012/x.fifo-2"));
    assert_false(publisher_queue_is_fifo(""));
    assert_false(publisher_queue_is_fifo(NULL));
}

static uint64_t ceiling_of(unsigned attempts)
{
    uint64_t c = PUBLISHER_RETRY_BASE_MS;
    for (unsigned i = 1; i < attempts && c < PUBLISHER_RETRY_CAP_MS; i++)
        c *= 2;
    return c < PUBLISHER_RETRY_CAP_MS ? c : PUBLISHER_RETRY_CAP_MS;
}

static void backoff_doubles_from_one_second(void **state)
{
    (void)state;
    /* The largest random number gives the ceiling itself. */
    const uint64_t expect[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (unsigned a = 1; a <= 8; a++)
        assert_int_equal(
            publisher_backoff_ms(a, PUBLISHER_RETRY_BASE_MS, PUBLISHER_RETRY_CAP_MS, UINT32_MAX),
            expect[a - 1]);
    /* The smallest gives half of it. */
    assert_int_equal(publisher_backoff_ms(1, 1000, 60000, 0), 500);
    assert_int_equal(publisher_backoff_ms(3, 1000, 60000, 0), 2000);
}

static void backoff_is_monotonic_and_capped_for_any_random_number(void **state)
{
    (void)state;
    const uint32_t rnds[] = {0, 1, 12345, 0x7FFFFFFFu, 0x80000000u, 0xDEADBEEFu, UINT32_MAX};
    for (size_t r = 0; r < sizeof rnds / sizeof rnds[0]; r++) {
        uint64_t prev = 0;
        for (unsigned a = 1; a <= 200; a++) {
            uint64_t d =
                publisher_backoff_ms(a, PUBLISHER_RETRY_BASE_MS, PUBLISHER_RETRY_CAP_MS, rnds[r]);
            assert_true(d >= prev);
            assert_true(d <= PUBLISHER_RETRY_CAP_MS);
            prev = d;
        }
        assert_true(prev >= PUBLISHER_RETRY_CAP_MS / 2);
    }
    /* Huge attempt counts neither overflow nor exceed the cap. */
    assert_true(publisher_backoff_ms(UINT32_MAX, 1000, 60000, 99) <= 60000);
    assert_true(publisher_backoff_ms(UINT32_MAX, 1000, 60000, 99) >= 30000);
}

static void backoff_jitter_stays_within_half_and_full_ceiling(void **state)
{
    (void)state;
    uint32_t x = 2463534242u; /* xorshift32: a spread of random numbers */
    for (unsigned a = 1; a <= 10; a++) {
        uint64_t c = ceiling_of(a);
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < 2000; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            uint64_t d =
                publisher_backoff_ms(a, PUBLISHER_RETRY_BASE_MS, PUBLISHER_RETRY_CAP_MS, x);
            assert_true(d >= c / 2);
            assert_true(d <= c);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        /* Jitter really spreads the retries over most of the window. */
        assert_true(hi - lo >= (c / 2) * 8 / 10);
    }
}

static void pause_backoff_is_short(void **state)
{
    (void)state;
    for (unsigned a = 1; a <= 50; a++)
        assert_true(publisher_backoff_ms(a, PUBLISHER_PAUSE_BASE_MS, PUBLISHER_PAUSE_CAP_MS,
                                         UINT32_MAX) <= PUBLISHER_PAUSE_CAP_MS);
    assert_int_equal(
        publisher_backoff_ms(1, PUBLISHER_PAUSE_BASE_MS, PUBLISHER_PAUSE_CAP_MS, UINT32_MAX),
        PUBLISHER_PAUSE_BASE_MS);
    assert_int_equal(publisher_backoff_ms(3, 0, 60000, UINT32_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fifo_batch_has_documented_body_group_and_dedup_ids),
        cmocka_unit_test(standard_batch_has_no_group_or_dedup_ids),
        cmocka_unit_test(batch_entry_ids_are_distinct),
        cmocka_unit_test(fifo_is_detected_from_the_queue_name),
        cmocka_unit_test(backoff_doubles_from_one_second),
        cmocka_unit_test(backoff_is_monotonic_and_capped_for_any_random_number),
        cmocka_unit_test(backoff_jitter_stays_within_half_and_full_ceiling),
        cmocka_unit_test(pause_backoff_is_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

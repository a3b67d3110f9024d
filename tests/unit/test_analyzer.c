/*
 * test_analyzer.c - the pure rules of eeum-analyzer: message bodies, the version decision that
 * makes processing idempotent, score text, retry delays, the dead-letter queue's name from a
 * RedrivePolicy, and the Prometheus text of the counters.
 */
#include "eeum/analyzer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* ---- message bodies ---- */

static enum status parse(const char *body, struct analyzer_msg *m, char err[ANALYZER_ERR_LEN])
{
    return analyzer_msg_parse(body, strlen(body), m, err);
}

static void publisher_body_parses(void **state)
{
    (void)state;
    struct analyzer_msg m;
    char err[ANALYZER_ERR_LEN];
    assert_int_equal(parse("{\"diaryId\":1,\"userId\":7,\"version\":2}", &m, err), STATUS_OK);
    assert_int_equal(m.diary_id, 1);
    assert_int_equal(m.user_id, 7);
    assert_int_equal(m.version, 2);
    assert_string_equal(err, "");
}

static void large_ids_and_the_largest_version_parse(void **state)
{
    (void)state;
    struct analyzer_msg m;
    char err[ANALYZER_ERR_LEN];
    assert_int_equal(parse("{\"version\":4294967295,\"userId\":9223372036854775807,"
                           "\"diaryId\":9000000000000000001}",
                           &m, err),
                     STATUS_OK);
    assert_true(m.diary_id == 9000000000000000001ull);
    assert_true(m.user_id == 9223372036854775807ull);
    assert_true(m.version == 4294967295u);
}

static void unknown_keys_are_ignored(void **state)
{
    (void)state;
    struct analyzer_msg m;
    char err[ANALYZER_ERR_LEN];
    assert_int_equal(parse("{\"diaryId\":3,\"userId\":4,\"version\":1,\"traceId\":\"x\"}", &m, err),
                     STATUS_OK);
    assert_int_equal(m.diary_id, 3);
}

static void malformed_bodies_are_bad_requests_with_a_reason(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "",
        "not json",
        "[1,2,3]",
        "\"diary\"",
        "{}",
        "{\"diaryId\":1,\"userId\":7}",
        "{\"diaryId\":1,\"version\":2}",
        "{\"userId\":7,\"version\":2}",
        "{\"diaryId\":0,\"userId\":7,\"version\":2}",
        "{\"diaryId\":-1,\"userId\":7,\"version\":2}",
        "{\"diaryId\":1,\"userId\":0,\"version\":2}",
        "{\"diaryId\":1,\"userId\":7,\"version\":0}",
        "{\"diaryId\":1,\"userId\":7,\"version\":4294967296}",
        "{\"diaryId\":\"1\",\"userId\":7,\"version\":2}",
        "{\"diaryId\":1.5,\"userId\":7,\"version\":2}",
        "{\"diaryId\":1,\"userId\":null,\"version\":2}",
        "{\"diaryId\":1,\"userId\":7,\"version\":true}",
        "{\"diaryId\":1,\"diaryId\":2,\"userId\":7,\"version\":2}",
        "{\"diaryId\":1,\"userId\":7,\"version\":2",
        "{\"diaryId\":99999999999999999999,\"userId\":7,\"version\":2}",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        struct analyzer_msg m = {.diary_id = 5};
        char err[ANALYZER_ERR_LEN] = "";
        if (parse(BAD[i], &m, err) != STATUS_BAD_REQUEST)
            fail_msg("accepted: %s", BAD[i]);
        assert_true(strlen(err) > 0);
        assert_int_equal(m.diary_id, 0); /* nothing half-filled */
    }
}

static void null_or_binary_body_is_a_bad_request(void **state)
{
    (void)state;
    struct analyzer_msg m;
    char err[ANALYZER_ERR_LEN];
    assert_int_equal(analyzer_msg_parse(NULL, 0, &m, err), STATUS_BAD_REQUEST);
    static const char BIN[] = {'{', '\0', '\xff', '}'};
    assert_int_equal(analyzer_msg_parse(BIN, sizeof BIN, &m, err), STATUS_BAD_REQUEST);
}

/* ---- the version decision ---- */

static const struct analyzer_msg MSG_V2 = {.diary_id = 10, .user_id = 7, .version = 2};

static struct analyzer_diary_state diary(uint32_t version, uint32_t analysed)
{
    return (struct analyzer_diary_state){
        .exists = true, .user_id = 7, .version = version, .analysed_version = analysed};
}

static void current_version_never_analysed_is_applied(void **state)
{
    (void)state;
    struct analyzer_diary_state d = diary(2, 0);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_APPLY);
    d = diary(2, 1); /* the previous version's analysis is replaced */
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_APPLY);
}

static void redelivered_message_changes_nothing(void **state)
{
    (void)state;
    struct analyzer_diary_state d = diary(2, 2);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_DONE);
}

static void older_version_message_is_stale(void **state)
{
    (void)state;
    struct analyzer_diary_state d = diary(3, 0);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_STALE);
    d = diary(3, 3);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_STALE);
}

static void missing_or_deleted_diary_is_gone(void **state)
{
    (void)state;
    struct analyzer_diary_state d = {0};
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_GONE);
    d = diary(2, 0);
    d.deleted = true;
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_GONE);
}

static void message_ahead_of_the_database_is_retried(void **state)
{
    (void)state;
    struct analyzer_diary_state d = diary(1, 1);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_RETRY);
    d = diary(1, 0);
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_RETRY);
}

static void other_users_diary_is_a_mismatch(void **state)
{
    (void)state;
    struct analyzer_diary_state d = diary(2, 0);
    d.user_id = 8;
    assert_int_equal(analyzer_decide(&MSG_V2, &d), ANALYZER_SKIP_MISMATCH);
}

static void action_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(analyzer_action_name(ANALYZER_APPLY), "apply");
    assert_string_equal(analyzer_action_name(ANALYZER_SKIP_GONE), "gone");
    assert_string_equal(analyzer_action_name(ANALYZER_SKIP_STALE), "stale");
    assert_string_equal(analyzer_action_name(ANALYZER_SKIP_DONE), "already_done");
    assert_string_equal(analyzer_action_name(ANALYZER_SKIP_MISMATCH), "user_mismatch");
    assert_string_equal(analyzer_action_name(ANALYZER_RETRY), "retry");
}

/* ---- scores, retries, DLQ name ---- */

static void centi_format_as_decimal_text(void **state)
{
    (void)state;
    char out[ANALYZER_SCORE_LEN];
    static const struct {
        int32_t centi;
        const char *text;
    } CASES[] = {{0, "0.00"},   {1, "0.01"},     {10, "0.10"},
                 {999, "9.99"}, {2050, "20.50"}, {10000, "100.00"}};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        assert_true(analyzer_format_centi(CASES[i].centi, out));
        assert_string_equal(out, CASES[i].text);
    }
    assert_false(analyzer_format_centi(-1, out));
    assert_string_equal(out, "");
    assert_false(analyzer_format_centi(10001, out));
}

static void retry_delay_doubles_up_to_the_cap(void **state)
{
    (void)state;
    assert_int_equal(analyzer_retry_delay_s(0), 1);
    assert_int_equal(analyzer_retry_delay_s(1), 1);
    assert_int_equal(analyzer_retry_delay_s(2), 2);
    assert_int_equal(analyzer_retry_delay_s(3), 4);
    assert_int_equal(analyzer_retry_delay_s(4), 8);
    assert_int_equal(analyzer_retry_delay_s(5), 16);
    assert_int_equal(analyzer_retry_delay_s(6), ANALYZER_RETRY_MAX_S);
    assert_int_equal(analyzer_retry_delay_s(1000), ANALYZER_RETRY_MAX_S);
    /* Four failures of a maxReceiveCount-5 queue cost 15 s before the dead-letter move. */
    unsigned sum = 0;
    for (unsigned r = 1; r <= 4; r++)
        sum += analyzer_retry_delay_s(r);
    assert_int_equal(sum, 15);
}

static void dlq_name_comes_from_the_redrive_policy_arn(void **state)
{
    (void)state;
    char name[ANALYZER_QUEUE_NAME_LEN];
    assert_true(analyzer_dlq_name_from_redrive(
        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:eeum-diary-dlq.fifo\","
        "\"maxReceiveCount\":\"5\"}",
        name));
    assert_string_equal(name, "eeum-diary-dlq.fifo");
    assert_true(analyzer_dlq_name_from_redrive(
        "{\"maxReceiveCount\":5,\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq\"}", name));
    assert_string_equal(name, "dlq");
}

static void redrive_policy_without_a_usable_arn_gives_no_name(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        NULL,
        "",
        "{}",
        "not json",
        "{\"deadLetterTargetArn\":5}",
        "{\"deadLetterTargetArn\":\"eeum-dlq\"}",
        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123\"}",
        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123:\"}",
        "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123:a/b\"}",
        "{\"deadLetterTargetArn\":\"http://x:1:2:3:4:5\"}",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char name[ANALYZER_QUEUE_NAME_LEN] = "x";
        if (analyzer_dlq_name_from_redrive(BAD[i], name))
            fail_msg("accepted: %s", BAD[i] ? BAD[i] : "(null)");
        assert_string_equal(name, "");
    }
    char longname[200];
    snprintf(longname, sizeof longname, "{\"deadLetterTargetArn\":\"arn:aws:sqs:r:1:%0100d\"}", 0);
    char name[ANALYZER_QUEUE_NAME_LEN];
    assert_false(analyzer_dlq_name_from_redrive(longname, name));
}

/* ---- metrics ---- */

static void latency_buckets_are_upper_bounds(void **state)
{
    (void)state;
    assert_int_equal(analyzer_latency_bucket(0.0), 0);
    assert_int_equal(analyzer_latency_bucket(0.005), 0);
    assert_int_equal(analyzer_latency_bucket(0.0051), 1);
    assert_int_equal(analyzer_latency_bucket(0.2), 5);
    assert_int_equal(analyzer_latency_bucket(1.0), 9);
    assert_int_equal(analyzer_latency_bucket(31.0), ANALYZER_LATENCY_NB);
    for (size_t i = 1; i < ANALYZER_LATENCY_NB; i++)
        assert_true(ANALYZER_LATENCY_BOUNDS[i] > ANALYZER_LATENCY_BOUNDS[i - 1]);
}

static void metrics_text_has_counters_and_a_cumulative_histogram(void **state)
{
    (void)state;
    struct analyzer_stats s = {.processed = 12,
                               .failed = 3,
                               .dead_lettered = 1,
                               .marked_failed = 1,
                               .malformed = 2,
                               .skipped = 4,
                               .batches = 5};
    s.latency_bucket[analyzer_latency_bucket(0.004)] = 2;
    s.latency_bucket[analyzer_latency_bucket(0.15)] = 9;
    s.latency_bucket[ANALYZER_LATENCY_NB] = 1;
    s.latency_sum_s = 41.5;
    s.latency_count = 12;
    struct strbuf sb;
    strbuf_init(&sb, 65536);
    assert_true(analyzer_metrics_render(&s, 4, &sb));
    assert_true(strbuf_puts(&sb, "")); /* NUL-terminated for strstr */
    const char *t = sb.data;
    assert_non_null(strstr(t, "# TYPE eeum_analyzer_processed_total counter\n"
                              "eeum_analyzer_processed_total 12\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_failed_total 3\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_dead_lettered_total 1\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_marked_failed_total 1\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_malformed_total 2\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_skipped_total 4\n"));
    assert_non_null(strstr(t, "\neeum_analyzer_workers 4\n"));
    assert_non_null(strstr(t, "# TYPE eeum_analyzer_latency_seconds histogram\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_bucket{le=\"0.005\"} 2\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_bucket{le=\"0.1\"} 2\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_bucket{le=\"0.2\"} 11\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_bucket{le=\"30\"} 11\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_bucket{le=\"+Inf\"} 12\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_sum 41.500000\n"));
    assert_non_null(strstr(t, "eeum_analyzer_latency_seconds_count 12\n"));
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publisher_body_parses),
        cmocka_unit_test(large_ids_and_the_largest_version_parse),
        cmocka_unit_test(unknown_keys_are_ignored),
        cmocka_unit_test(malformed_bodies_are_bad_requests_with_a_reason),
        cmocka_unit_test(null_or_binary_body_is_a_bad_request),
        cmocka_unit_test(current_version_never_analysed_is_applied),
        cmocka_unit_test(redelivered_message_changes_nothing),
        cmocka_unit_test(older_version_message_is_stale),
        cmocka_unit_test(missing_or_deleted_diary_is_gone),
        cmocka_unit_test(message_ahead_of_the_database_is_retried),
        cmocka_unit_test(other_users_diary_is_a_mismatch),
        cmocka_unit_test(action_names_are_stable),
        cmocka_unit_test(centi_format_as_decimal_text),
        cmocka_unit_test(retry_delay_doubles_up_to_the_cap),
        cmocka_unit_test(dlq_name_comes_from_the_redrive_policy_arn),
        cmocka_unit_test(redrive_policy_without_a_usable_arn_gives_no_name),
        cmocka_unit_test(latency_buckets_are_upper_bounds),
        cmocka_unit_test(metrics_text_has_counters_and_a_cumulative_histogram),
    };
    return cmocka_run_group_tests_name("analyzer", tests, NULL, NULL);
}

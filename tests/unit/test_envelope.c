/*
 * test_envelope.c - the SPEC §3 envelopes and the response builders of src/http/response.c.
 */
#include "eeum/envelope.h"
#include "eeum/http.h"
#include "eeum/status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* True when `got` is exactly the document `want_text`: no missing key, no extra key, same types
 * and values. Prints both on a mismatch. */
static bool json_is_exactly(json_t *got, const char *want_text)
{
    json_error_t err;
    json_t *want = json_loads(want_text, 0, &err);
    if (!want)
        fail_msg("bad expected JSON in test: %s", err.text);
    bool same = json_equal(got, want);
    if (!same) {
        char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
        char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
        print_error("got:  %s\nwant: %s\n", g ? g : "(null)", w ? w : "(null)");
        free(g);
        free(w);
    }
    json_decref(want);
    return same;
}

#define assert_json_is(got, want_text) assert_true(json_is_exactly((got), (want_text)))

static json_t *make_items(size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I}", "id", (json_int_t)(i + 1)));
    return a;
}

/* ---- envelopes ---- */

static void item_envelope_wraps_the_value(void **state)
{
    (void)state;
    json_t *e = envelope_item(json_pack("{s:I,s:s}", "id", (json_int_t)3, "title", "야식"));
    assert_json_is(e, "{\"success\": true, \"item\": {\"id\": 3, \"title\": \"야식\"}}");
    json_decref(e);
}

static void item_envelope_with_null_has_a_null_item(void **state)
{
    (void)state;
    json_t *e = envelope_item(NULL);
    assert_json_is(e, "{\"success\": true, \"item\": null}");
    assert_true(json_is_null(json_object_get(e, "item")));
    json_decref(e);
}

static void item_envelope_keeps_non_object_items(void **state)
{
    (void)state;
    json_t *e = envelope_item(json_array());
    assert_json_is(e, "{\"success\": true, \"item\": []}");
    json_decref(e);
}

struct page_case {
    uint64_t page, size, total;
    size_t nitems;
    uint64_t total_pages;
};

static void page_envelope_has_the_spec_fields_and_ceiling_page_count(void **state)
{
    (void)state;
    static const struct page_case CASES[] = {
        {1, 10, 0, 0, 0},  {1, 10, 1, 1, 1},  {1, 10, 9, 9, 1},   {1, 10, 10, 10, 1},
        {2, 10, 11, 1, 2}, {3, 10, 25, 5, 3}, {1, 1, 3, 1, 3},    {1, 100, 101, 100, 2},
        {5, 10, 20, 0, 2}, {1, 3, 10, 3, 4},  {10, 7, 70, 0, 10}, {2, 7, 71, 7, 11},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const struct page_case *c = &CASES[i];
        json_t *e = envelope_page(make_items(c->nitems), c->page, c->size, c->total);
        json_t *want = json_pack("{s:b,s:I,s:I,s:I,s:I,s:o}", "success", 1, "totalPages",
                                 (json_int_t)c->total_pages, "totalElements", (json_int_t)c->total,
                                 "page", (json_int_t)c->page, "numOfItems", (json_int_t)c->nitems,
                                 "items", make_items(c->nitems));
        assert_non_null(want);
        char *want_text = json_dumps(want, 0);
        bool same = json_is_exactly(e, want_text);
        free(want_text);
        json_decref(want);
        json_decref(e);
        if (!same)
            fail_msg("page=%llu size=%llu total=%llu", (unsigned long long)c->page,
                     (unsigned long long)c->size, (unsigned long long)c->total);
    }
}

static void empty_page_has_an_empty_items_array(void **state)
{
    (void)state;
    json_t *e = envelope_page(json_array(), 1, 10, 0);
    assert_json_is(e, "{\"success\": true, \"totalPages\": 0, \"totalElements\": 0, "
                      "\"page\": 1, \"numOfItems\": 0, \"items\": []}");
    json_decref(e);
}

static void page_envelope_with_null_items_still_has_an_array(void **state)
{
    (void)state;
    json_t *e = envelope_page(NULL, 3, 10, 20);
    assert_json_is(e, "{\"success\": true, \"totalPages\": 2, \"totalElements\": 20, "
                      "\"page\": 3, \"numOfItems\": 0, \"items\": []}");
    json_decref(e);
}

static void num_of_items_is_the_length_of_items_not_the_page_size(void **state)
{
    (void)state;
    json_t *e = envelope_page(make_items(3), 2, 10, 13);
    assert_int_equal(json_integer_value(json_object_get(e, "numOfItems")), 3);
    assert_int_equal(json_array_size(json_object_get(e, "items")), 3);
    assert_int_equal(json_integer_value(json_object_get(e, "totalPages")), 2);
    json_decref(e);
}

static void error_envelope_without_field_errors_omits_errors(void **state)
{
    (void)state;
    json_t *e = envelope_error("요청이 올바르지 않습니다.", NULL, "req-1");
    assert_json_is(e, "{\"success\": false, \"message\": \"요청이 올바르지 않습니다.\", "
                      "\"requestId\": \"req-1\"}");
    assert_null(json_object_get(e, "errors"));
    json_decref(e);
}

static void error_envelope_lists_field_errors_when_given(void **state)
{
    (void)state;
    json_t *errors = json_array();
    envelope_add_field_error(errors, "title", "제목은 필수입니다.");
    envelope_add_field_error(errors, "content", "내용이 너무 깁니다.");
    json_t *e = envelope_error("입력값을 확인해 주세요.", errors, "abc");
    assert_json_is(e, "{\"success\": false, \"message\": \"입력값을 확인해 주세요.\", "
                      "\"errors\": [{\"field\": \"title\", \"message\": \"제목은 필수입니다.\"},"
                      "{\"field\": \"content\", \"message\": \"내용이 너무 깁니다.\"}], "
                      "\"requestId\": \"abc\"}");
    json_decref(e);
}

static void error_envelope_copies_the_borrowed_strings(void **state)
{
    (void)state;
    char msg[] = "message";
    char rid[] = "rid";
    json_t *e = envelope_error(msg, NULL, rid);
    msg[0] = 'X';
    rid[0] = 'X';
    assert_string_equal(json_string_value(json_object_get(e, "message")), "message");
    assert_string_equal(json_string_value(json_object_get(e, "requestId")), "rid");
    json_decref(e);
}

static void error_envelope_always_has_a_request_id_key(void **state)
{
    (void)state;
    json_t *e = envelope_error("m", NULL, NULL);
    assert_true(json_is_string(json_object_get(e, "requestId")));
    assert_true(json_is_false(json_object_get(e, "success")));
    json_decref(e);
}

/* ---- response builders ---- */

static void resp_item_is_200_with_an_item_envelope(void **state)
{
    (void)state;
    struct http_resp r = {0};
    assert_int_equal(http_resp_item(&r, json_pack("{s:i}", "id", 1)), STATUS_OK);
    assert_int_equal(r.http_status, 200);
    assert_json_is(r.json, "{\"success\": true, \"item\": {\"id\": 1}}");
    http_resp_clear(&r);
    assert_null(r.json);
}

static void resp_created_is_201_with_a_location_header(void **state)
{
    (void)state;
    struct http_resp r = {0};
    char loc[] = "/api/boards/17";
    assert_int_equal(http_resp_created(&r, json_pack("{s:i}", "id", 17), loc), STATUS_OK);
    loc[0] = 'X'; /* the location is copied */
    assert_int_equal(r.http_status, 201);
    assert_json_is(r.json, "{\"success\": true, \"item\": {\"id\": 17}}");
    assert_int_equal(r.nheaders, 1);
    assert_string_equal(r.headers[0].name, "Location");
    assert_string_equal(r.headers[0].value, "/api/boards/17");
    http_resp_clear(&r);
    assert_int_equal(r.nheaders, 0);
}

static void resp_page_is_200_with_a_page_envelope(void **state)
{
    (void)state;
    struct http_resp r = {0};
    assert_int_equal(http_resp_page(&r, make_items(2), 1, 2, 5), STATUS_OK);
    assert_int_equal(r.http_status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "totalPages")), 3);
    assert_int_equal(json_integer_value(json_object_get(r.json, "numOfItems")), 2);
    http_resp_clear(&r);
}

struct resp_error_case {
    enum status st;
    unsigned http;
};

static void resp_error_uses_the_status_http_code_and_returns_the_status(void **state)
{
    (void)state;
    static const struct resp_error_case CASES[] = {
        {STATUS_BAD_REQUEST, 400}, {STATUS_UNAUTHORIZED, 401}, {STATUS_FORBIDDEN, 403},
        {STATUS_NOT_FOUND, 404},   {STATUS_CONFLICT, 409},     {STATUS_TOO_MANY_REQUESTS, 429},
        {STATUS_INTERNAL, 500},    {STATUS_UNAVAILABLE, 503},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct http_resp r = {0};
        assert_int_equal(http_resp_error(&r, CASES[i].st, NULL, NULL), CASES[i].st);
        assert_int_equal(r.http_status, CASES[i].http);
        assert_true(json_is_false(json_object_get(r.json, "success")));
        /* No message given: the status' default Korean text. */
        assert_string_equal(json_string_value(json_object_get(r.json, "message")),
                            status_message(CASES[i].st));
        assert_null(json_object_get(r.json, "errors"));
        http_resp_clear(&r);
    }
}

static void resp_error_carries_a_custom_message_for_client_errors(void **state)
{
    (void)state;
    struct http_resp r = {0};
    http_resp_error(&r, STATUS_CONFLICT, "이미 사용 중인 닉네임입니다.", NULL);
    assert_int_equal(r.http_status, 409);
    assert_string_equal(json_string_value(json_object_get(r.json, "message")),
                        "이미 사용 중인 닉네임입니다.");
    http_resp_clear(&r);
}

static void resp_error_internal_never_carries_a_custom_message(void **state)
{
    (void)state;
    struct http_resp r = {0};
    http_resp_error(&r, STATUS_INTERNAL, "mysql: Table 'eeum.boards' doesn't exist", NULL);
    assert_int_equal(r.http_status, 500);
    const char *msg = json_string_value(json_object_get(r.json, "message"));
    assert_string_equal(msg, status_message(STATUS_INTERNAL));
    char *dump = json_dumps(r.json, 0);
    assert_null(strstr(dump, "mysql"));
    free(dump);
    http_resp_clear(&r);
}

static void resp_error_keeps_field_errors(void **state)
{
    (void)state;
    struct http_resp r = {0};
    json_t *errors = json_array();
    envelope_add_field_error(errors, "email", "이메일 형식이 아닙니다.");
    http_resp_error(&r, STATUS_BAD_REQUEST, "입력값을 확인해 주세요.", errors);
    json_t *e = json_object_get(r.json, "errors");
    assert_int_equal(json_array_size(e), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(e, 0), "field")), "email");
    http_resp_clear(&r);
}

static void a_later_builder_replaces_the_earlier_body(void **state)
{
    (void)state;
    struct http_resp r = {0};
    assert_int_equal(http_resp_raw(&r, 200, "text/plain", "raw body", 8), STATUS_OK);
    assert_int_equal(r.raw_len, 8);
    assert_memory_equal(r.raw, "raw body", 8);
    assert_string_equal(r.content_type, "text/plain");
    http_resp_item(&r, json_string("x"));
    assert_null(r.raw);
    assert_int_equal(r.raw_len, 0);
    assert_null(r.content_type);
    assert_json_is(r.json, "{\"success\": true, \"item\": \"x\"}");
    http_resp_error(&r, STATUS_NOT_FOUND, NULL, NULL);
    assert_int_equal(r.http_status, 404);
    assert_true(json_is_false(json_object_get(r.json, "success")));
    assert_null(json_object_get(r.json, "item"));
    http_resp_clear(&r);
}

static void raw_body_is_copied(void **state)
{
    (void)state;
    struct http_resp r = {0};
    char body[] = "# metrics\n";
    http_resp_raw(&r, 503, "text/plain; version=0.0.4", body, strlen(body));
    body[0] = 'X';
    assert_int_equal(r.http_status, 503);
    assert_memory_equal(r.raw, "# metrics\n", strlen(body));
    http_resp_raw(&r, 204, "text/plain", "", 0);
    assert_int_equal(r.raw_len, 0);
    assert_int_equal(r.http_status, 204);
    http_resp_clear(&r);
}

static void header_with_the_same_name_is_replaced(void **state)
{
    (void)state;
    struct http_resp r = {0};
    assert_true(http_resp_header(&r, "Retry-After", "1"));
    assert_true(http_resp_header(&r, "Cache-Control", "no-store"));
    assert_true(http_resp_header(&r, "Retry-After", "30"));
    assert_int_equal(r.nheaders, 2);
    assert_string_equal(r.headers[0].name, "Retry-After");
    assert_string_equal(r.headers[0].value, "30");
    assert_string_equal(r.headers[1].value, "no-store");
    http_resp_clear(&r);
}

static void headers_beyond_the_limit_are_refused(void **state)
{
    (void)state;
    static const char *const NAMES[HTTP_RESP_MAX_HEADERS] = {"A-0", "A-1", "A-2", "A-3",
                                                             "A-4", "A-5", "A-6", "A-7"};
    struct http_resp r = {0};
    for (size_t i = 0; i < HTTP_RESP_MAX_HEADERS; i++)
        assert_true(http_resp_header(&r, NAMES[i], "v"));
    assert_false(http_resp_header(&r, "One-Too-Many", "v"));
    assert_int_equal(r.nheaders, HTTP_RESP_MAX_HEADERS);
    /* Replacing an existing one still works when full. */
    assert_true(http_resp_header(&r, "A-3", "w"));
    assert_string_equal(r.headers[3].value, "w");
    http_resp_clear(&r);
}

static void created_twice_keeps_one_location(void **state)
{
    (void)state;
    struct http_resp r = {0};
    http_resp_created(&r, json_object(), "/api/boards/1");
    http_resp_created(&r, json_object(), "/api/boards/2");
    assert_int_equal(r.nheaders, 1);
    assert_string_equal(r.headers[0].value, "/api/boards/2");
    http_resp_clear(&r);
}

static void clear_releases_everything_and_is_repeatable(void **state)
{
    (void)state;
    struct http_resp r = {0};
    http_resp_created(&r, json_pack("{s:s}", "k", "v"), "/x");
    http_resp_header(&r, "X-A", "a");
    http_resp_clear(&r);
    assert_null(r.json);
    assert_null(r.raw);
    assert_int_equal(r.nheaders, 0);
    assert_int_equal(r.http_status, 0);
    http_resp_clear(&r);
    http_resp_raw(&r, 200, "text/plain", "abc", 3);
    http_resp_clear(&r);
    assert_null(r.raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(item_envelope_wraps_the_value),
        cmocka_unit_test(item_envelope_with_null_has_a_null_item),
        cmocka_unit_test(item_envelope_keeps_non_object_items),
        cmocka_unit_test(page_envelope_has_the_spec_fields_and_ceiling_page_count),
        cmocka_unit_test(empty_page_has_an_empty_items_array),
        cmocka_unit_test(page_envelope_with_null_items_still_has_an_array),
        cmocka_unit_test(num_of_items_is_the_length_of_items_not_the_page_size),
        cmocka_unit_test(error_envelope_without_field_errors_omits_errors),
        cmocka_unit_test(error_envelope_lists_field_errors_when_given),
        cmocka_unit_test(error_envelope_copies_the_borrowed_strings),
        cmocka_unit_test(error_envelope_always_has_a_request_id_key),
        cmocka_unit_test(resp_item_is_200_with_an_item_envelope),
        cmocka_unit_test(resp_created_is_201_with_a_location_header),
        cmocka_unit_test(resp_page_is_200_with_a_page_envelope),
        cmocka_unit_test(resp_error_uses_the_status_http_code_and_returns_the_status),
        cmocka_unit_test(resp_error_carries_a_custom_message_for_client_errors),
        cmocka_unit_test(resp_error_internal_never_carries_a_custom_message),
        cmocka_unit_test(resp_error_keeps_field_errors),
        cmocka_unit_test(a_later_builder_replaces_the_earlier_body),
        cmocka_unit_test(raw_body_is_copied),
        cmocka_unit_test(header_with_the_same_name_is_replaced),
        cmocka_unit_test(headers_beyond_the_limit_are_refused),
        cmocka_unit_test(created_twice_keeps_one_location),
        cmocka_unit_test(clear_releases_everything_and_is_repeatable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

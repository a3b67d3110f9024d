/*
 * test_body.c - the Content-Type check and strict JSON body parsing.
 */
#include "eeum/body.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct ct_case {
    const char *ct;
    bool want;
};

static void json_content_types_are_recognised(void **state)
{
    (void)state;
    static const struct ct_case CASES[] = {
        {"application/json", true},
        {"Application/JSON", true},
        {"APPLICATION/JSON", true},
        {"application/json; charset=utf-8", true},
        {"application/json;charset=UTF-8", true},
        {"application/json; charset=\"utf-8\"", true},
        {"application/json; charset=utf8", true},
        {"application/json ; charset=utf-8", true},
        {" application/json", true},
        {NULL, false},
        {"", false},
        {"text/plain", false},
        {"text/json", false},
        {"application/jsonp", false},
        {"application/json-patch+json", false},
        {"application/json5", false},
        {"application/jso", false},
        {"application/x-www-form-urlencoded", false},
        {"multipart/form-data", false},
        {"multipart/form-data; boundary=application/json", false},
        {"application/json; charset=latin1", false},
        {"application/json; charset=iso-8859-1", false},
        {"application/json; charset=utf-16", false},
        {"application/json; charset=utf8mb4", false},
        {"application/json; charset=utf-8x", false},
        {"application/json; charset=utf-8; boundary=x", true},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        bool got = body_content_type_is_json(CASES[i].ct);
        if (got != CASES[i].want)
            fail_msg("\"%s\": %d, want %d", CASES[i].ct ? CASES[i].ct : "(NULL)", got,
                     CASES[i].want);
    }
}

static enum status parse(const char *text, json_t **out, const char **msg)
{
    *msg = NULL;
    return body_parse_json(text, strlen(text), out, msg);
}

static void valid_object_is_parsed(void **state)
{
    (void)state;
    json_t *root = NULL;
    const char *msg = NULL;
    assert_int_equal(parse(" {\"title\": \"야식\", \"n\": 2, \"tags\": [\"a\"]}\r\n", &root, &msg),
                     STATUS_OK);
    assert_non_null(root);
    assert_true(json_is_object(root));
    assert_string_equal(json_string_value(json_object_get(root, "title")), "야식");
    assert_int_equal(json_integer_value(json_object_get(root, "n")), 2);
    json_decref(root);
}

static void empty_object_is_ok(void **state)
{
    (void)state;
    json_t *root = NULL;
    const char *msg = NULL;
    assert_int_equal(parse("{}", &root, &msg), STATUS_OK);
    assert_int_equal(json_object_size(root), 0);
    json_decref(root);
}

static void only_the_given_length_is_parsed(void **state)
{
    (void)state;
    json_t *root = NULL;
    const char *msg = NULL;
    /* The buffer is not NUL-terminated at len. */
    const char buf[] = "{\"a\":1}garbage";
    assert_int_equal(body_parse_json(buf, 7, &root, &msg), STATUS_OK);
    assert_int_equal(json_integer_value(json_object_get(root, "a")), 1);
    json_decref(root);
}

struct bad_case {
    const char *what;
    const char *body;
    size_t len; /* 0 = strlen */
};

/* Every rejected body: 400, no document, a non-empty message. */
static const char *expect_400(const struct bad_case *c)
{
    json_t *root = (json_t *)(uintptr_t)1; /* must be reset */
    const char *msg = NULL;
    size_t len = c->len ? c->len : strlen(c->body);
    enum status st = body_parse_json(c->body, len, &root, &msg);
    if (st != STATUS_BAD_REQUEST)
        fail_msg("%s: status %d, want BAD_REQUEST", c->what, st);
    if (root != NULL)
        fail_msg("%s: *out not NULL", c->what);
    if (!msg || !*msg)
        fail_msg("%s: no message", c->what);
    return msg;
}

static void empty_or_whitespace_body_is_400(void **state)
{
    (void)state;
    static const struct bad_case CASES[] = {
        {"empty", "", 0},
        {"spaces", "   ", 0},
        {"whitespace mix", " \t\r\n ", 0},
    };
    const char *first = NULL;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const char *msg = expect_400(&CASES[i]);
        if (first)
            assert_string_equal(msg, first);
        first = msg;
    }
    /* A zero-length body with a NULL buffer. */
    json_t *root = NULL;
    const char *msg = NULL;
    assert_int_equal(body_parse_json(NULL, 0, &root, &msg), STATUS_BAD_REQUEST);
    assert_string_equal(msg, first);
}

static void malformed_json_is_400(void **state)
{
    (void)state;
    static const struct bad_case CASES[] = {
        {"unterminated object", "{", 0},
        {"missing value", "{\"a\":}", 0},
        {"trailing comma", "{\"a\":1,}", 0},
        {"single quotes", "{'a':1}", 0},
        {"unquoted key", "{a:1}", 0},
        {"trailing garbage", "{\"a\":1} x", 0},
        {"two objects", "{}{}", 0},
        {"bare word", "hello", 0},
        {"NUL inside a string escape", "{\"a\":\"x\\u0000y\"}", 0},
        {"raw NUL byte after the object", "{}\0", 3},
        {"bad escape", "{\"a\":\"\\q\"}", 0},
        {"lone surrogate escape", "{\"a\":\"\\ud800\"}", 0},
        {"control character in string", "{\"a\":\"x\ny\"}", 0},
        {"NaN", "{\"a\":NaN}", 0},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        expect_400(&CASES[i]);
}

static void invalid_utf8_is_400_with_its_own_message(void **state)
{
    (void)state;
    static const struct bad_case BAD_UTF8[] = {
        {"0xFF in a string", "{\"a\":\"\xff\"}", 0},
        {"overlong slash", "{\"a\":\"\xc0\xaf\"}", 0},
        {"surrogate", "{\"a\":\"\xed\xa0\x80\"}", 0},
        {"truncated sequence", "{\"a\":\"\xea\xb0\"}", 0},
        {"invalid byte in a key", "{\"\xfe\":1}", 0},
    };
    static const struct bad_case MALFORMED = {"malformed", "{\"a\":", 0};
    const char *malformed_msg = expect_400(&MALFORMED);
    for (size_t i = 0; i < sizeof BAD_UTF8 / sizeof BAD_UTF8[0]; i++) {
        const char *msg = expect_400(&BAD_UTF8[i]);
        if (strcmp(msg, malformed_msg) == 0)
            fail_msg("%s: same message as malformed JSON (\"%s\")", BAD_UTF8[i].what, msg);
    }
}

static void duplicate_keys_are_400(void **state)
{
    (void)state;
    static const struct bad_case CASES[] = {
        {"top level", "{\"a\":1,\"a\":2}", 0},
        {"same value", "{\"title\":\"x\",\"title\":\"x\"}", 0},
        {"nested", "{\"o\":{\"k\":1,\"k\":1}}", 0},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        expect_400(&CASES[i]);
}

static void non_object_top_level_is_400(void **state)
{
    (void)state;
    static const struct bad_case CASES[] = {
        {"array", "[1,2]", 0},
        {"empty array", "[]", 0},
        {"string", "\"text\"", 0},
        {"number", "42", 0},
        {"true", "true", 0},
        {"null", "null", 0},
        {"array of objects", "[{}]", 0},
    };
    static const struct bad_case MALFORMED = {"malformed", "{", 0};
    const char *malformed_msg = expect_400(&MALFORMED);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const char *msg = expect_400(&CASES[i]);
        /* The user is told what is wrong: an object is expected, not "malformed". */
        if (strcmp(msg, malformed_msg) == 0)
            fail_msg("%s: same message as malformed JSON", CASES[i].what);
    }
}

static void deep_nesting_is_rejected_without_crashing(void **state)
{
    (void)state;
    enum { DEPTH = 100000 };
    char *buf = malloc(2 * DEPTH + 16);
    assert_non_null(buf);
    size_t n = 0;
    buf[n++] = '{';
    buf[n++] = '"';
    buf[n++] = 'a';
    buf[n++] = '"';
    buf[n++] = ':';
    for (size_t i = 0; i < DEPTH; i++)
        buf[n++] = '[';
    for (size_t i = 0; i < DEPTH; i++)
        buf[n++] = ']';
    buf[n++] = '}';
    json_t *root = NULL;
    const char *msg = NULL;
    assert_int_equal(body_parse_json(buf, n, &root, &msg), STATUS_BAD_REQUEST);
    assert_null(root);
    free(buf);
}

static void moderate_nesting_is_accepted(void **state)
{
    (void)state;
    json_t *root = NULL;
    const char *msg = NULL;
    assert_int_equal(parse("{\"a\":{\"b\":{\"c\":[[[1]]]}}}", &root, &msg), STATUS_OK);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_content_types_are_recognised),
        cmocka_unit_test(valid_object_is_parsed),
        cmocka_unit_test(empty_object_is_ok),
        cmocka_unit_test(only_the_given_length_is_parsed),
        cmocka_unit_test(empty_or_whitespace_body_is_400),
        cmocka_unit_test(malformed_json_is_400),
        cmocka_unit_test(invalid_utf8_is_400_with_its_own_message),
        cmocka_unit_test(duplicate_keys_are_400),
        cmocka_unit_test(non_object_top_level_is_400),
        cmocka_unit_test(deep_nesting_is_rejected_without_crashing),
        cmocka_unit_test(moderate_nesting_is_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

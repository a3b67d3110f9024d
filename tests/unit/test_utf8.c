/*
 * test_utf8.c - strict UTF-8 validation (RFC 3629) and code point counting.
 */
#include "eeum/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

struct utf8_case {
    const char *what;
    const char *bytes;
    size_t len; /* 0 = strlen(bytes) */
};

static size_t case_len(const struct utf8_case *c)
{
    return c->len ? c->len : strlen(c->bytes);
}

static const struct utf8_case VALID[] = {
    {"empty", "", 0},
    {"ascii", "hello, world", 0},
    {"ascii control and DEL", "\t\n\x7f", 0},
    {"embedded NUL is a code point", "a\0b", 3},
    {"korean", "오늘 야식은 떡볶이", 0},
    {"two-byte U+0080", "\xc2\x80", 0},
    {"two-byte U+07FF", "\xdf\xbf", 0},
    {"three-byte U+0800", "\xe0\xa0\x80", 0},
    {"last before surrogates U+D7FF", "\xed\x9f\xbf", 0},
    {"first after surrogates U+E000", "\xee\x80\x80", 0},
    {"U+FFFD", "\xef\xbf\xbd", 0},
    {"U+FFFF", "\xef\xbf\xbf", 0},
    {"emoji U+1F600", "\xf0\x9f\x98\x80", 0},
    {"four-byte U+10000", "\xf0\x90\x80\x80", 0},
    {"max U+10FFFF", "\xf4\x8f\xbf\xbf", 0},
    {"mixed", "a\xc3\xa9\xea\xb0\x80\xf0\x9f\x98\x80z", 0},
};

static const struct utf8_case INVALID[] = {
    {"lone continuation", "\x80", 0},
    {"continuation after ascii", "a\xbf", 0},
    {"two continuations", "\x80\x80", 0},
    {"truncated 2-byte at end", "ab\xc3", 0},
    {"truncated 3-byte at end (1 of 2)", "ab\xea", 0},
    {"truncated 3-byte at end (2 of 2)", "ab\xea\xb0", 0},
    {"truncated 4-byte at end (3 of 3)", "ab\xf0\x9f\x98", 0},
    {"truncated by the length, not the NUL", "\xea\xb0\x80", 2},
    {"lead byte followed by ascii", "\xc3(", 0},
    {"3-byte lead, bad second continuation", "\xea\xb0(", 0},
    {"4-byte lead, bad third continuation", "\xf0\x9f\x98(", 0},
    {"overlong NUL C0 80", "\xc0\x80", 0},
    {"overlong C1 BF", "\xc1\xbf", 0},
    {"overlong E0 80 80", "\xe0\x80\x80", 0},
    {"overlong E0 9F BF", "\xe0\x9f\xbf", 0},
    {"overlong F0 80 80 80", "\xf0\x80\x80\x80", 0},
    {"overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", 0},
    {"surrogate U+D800 ED A0 80", "\xed\xa0\x80", 0},
    {"surrogate U+DFFF ED BF BF", "\xed\xbf\xbf", 0},
    {"above U+10FFFF F4 90 80 80", "\xf4\x90\x80\x80", 0},
    {"F5 lead", "\xf5\x80\x80\x80", 0},
    {"F7 lead", "\xf7\xbf\xbf\xbf", 0},
    {"F8 five-byte lead", "\xf8\x88\x80\x80\x80", 0},
    {"FC six-byte lead", "\xfc\x84\x80\x80\x80\x80", 0},
    {"FE", "\xfe", 0},
    {"FF", "\xff", 0},
    {"invalid after valid korean", "야식\xff", 0},
};

static void well_formed_utf8_is_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++)
        if (!utf8_valid(VALID[i].bytes, case_len(&VALID[i])))
            fail_msg("%s: rejected", VALID[i].what);
}

static void malformed_utf8_is_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof INVALID / sizeof INVALID[0]; i++)
        if (utf8_valid(INVALID[i].bytes, case_len(&INVALID[i])))
            fail_msg("%s: accepted", INVALID[i].what);
}

static void every_byte_from_f5_to_ff_is_rejected_as_a_lead(void **state)
{
    (void)state;
    for (unsigned b = 0xF5; b <= 0xFF; b++) {
        char s[4] = {(char)b, (char)0x80, (char)0x80, (char)0x80};
        if (utf8_valid(s, 4))
            fail_msg("lead byte %02X accepted", b);
    }
}

static void validation_stops_at_the_given_length(void **state)
{
    (void)state;
    /* The bad byte lies beyond n. */
    assert_true(utf8_valid("ab\xff", 2));
    assert_true(utf8_valid(NULL, 0));
}

struct count_case {
    const char *s;
    size_t n;
};

static void count_returns_code_points_not_bytes(void **state)
{
    (void)state;
    static const struct count_case CASES[] = {
        {"", 0},
        {"abc", 3},
        {"야식", 2},
        {"a😀", 2},
        {"오늘의 일기", 6},
        {"é", 1},
        {"\xf4\x8f\xbf\xbf", 1},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        size_t got = utf8_count(CASES[i].s, strlen(CASES[i].s));
        if (got != CASES[i].n)
            fail_msg("\"%s\": counted %zu, want %zu", CASES[i].s, got, CASES[i].n);
    }
}

static void count_respects_the_length(void **state)
{
    (void)state;
    assert_int_equal(utf8_count("야식", 3), 1);
    assert_int_equal(utf8_count("a\0b", 3), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_utf8_is_valid),
        cmocka_unit_test(malformed_utf8_is_invalid),
        cmocka_unit_test(every_byte_from_f5_to_ff_is_rejected_as_a_lead),
        cmocka_unit_test(validation_stops_at_the_given_length),
        cmocka_unit_test(count_returns_code_points_not_bytes),
        cmocka_unit_test(count_respects_the_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

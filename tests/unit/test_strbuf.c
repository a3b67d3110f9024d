/*
 * test_strbuf.c - the hard-capped, always NUL-terminated buffer.
 */
#include "eeum/strbuf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void init_gives_an_empty_buffer(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.max, 100);
    strbuf_free(&sb);
}

static void append_copies_bytes_and_terminates(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_append(&sb, "abcXYZ", 3));
    assert_int_equal(sb.len, 3);
    assert_string_equal(sb.data, "abc");
    assert_true(strbuf_append(&sb, "de", 2));
    assert_int_equal(sb.len, 5);
    assert_string_equal(sb.data, "abcde");
    assert_int_equal(sb.data[5], '\0');
    strbuf_free(&sb);
}

static void append_keeps_embedded_nul_bytes(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_append(&sb, "a\0b", 3));
    assert_int_equal(sb.len, 3);
    assert_memory_equal(sb.data, "a\0b\0", 4);
    strbuf_free(&sb);
}

static void empty_append_still_yields_a_terminated_string(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 10);
    assert_true(strbuf_append(&sb, "", 0));
    assert_non_null(sb.data);
    assert_string_equal(sb.data, "");
    strbuf_free(&sb);
}

static void puts_appends_a_c_string(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_puts(&sb, "야식"));
    assert_true(strbuf_puts(&sb, " ok"));
    assert_string_equal(sb.data, "야식 ok");
    assert_int_equal(sb.len, strlen("야식 ok"));
    strbuf_free(&sb);
}

static void printf_appends_formatted_text(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_puts(&sb, "n="));
    assert_true(strbuf_printf(&sb, "%d,%s,%05.1f", 42, "x", 2.5));
    assert_string_equal(sb.data, "n=42,x,002.5");
    assert_int_equal(sb.len, strlen("n=42,x,002.5"));
    strbuf_free(&sb);
}

static void grows_past_the_initial_allocation(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100000);
    char expect[10001];
    for (size_t i = 0; i < 10000; i++) {
        char c = (char)('a' + i % 26);
        expect[i] = c;
        assert_true(strbuf_append(&sb, &c, 1));
    }
    expect[10000] = '\0';
    assert_int_equal(sb.len, 10000);
    assert_string_equal(sb.data, expect);
    strbuf_free(&sb);
}

static void append_up_to_exactly_the_cap_succeeds(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 5);
    assert_true(strbuf_append(&sb, "abc", 3));
    assert_true(strbuf_append(&sb, "de", 2));
    assert_int_equal(sb.len, 5);
    assert_string_equal(sb.data, "abcde");
    /* At the cap, only an empty append still fits. */
    assert_true(strbuf_append(&sb, "", 0));
    assert_false(strbuf_append(&sb, "f", 1));
    assert_string_equal(sb.data, "abcde");
    strbuf_free(&sb);
}

static void append_past_the_cap_fails_and_leaves_content_unchanged(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 5);
    assert_true(strbuf_append(&sb, "abc", 3));
    assert_false(strbuf_append(&sb, "def", 3));
    assert_int_equal(sb.len, 3);
    assert_string_equal(sb.data, "abc");
    assert_false(strbuf_puts(&sb, "xyz"));
    assert_string_equal(sb.data, "abc");
    /* What still fits is accepted afterwards. */
    assert_true(strbuf_puts(&sb, "de"));
    assert_string_equal(sb.data, "abcde");
    strbuf_free(&sb);
}

static void first_append_larger_than_the_cap_fails(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 4);
    assert_false(strbuf_puts(&sb, "hello"));
    assert_int_equal(sb.len, 0);
    assert_true(sb.data == NULL || sb.data[0] == '\0');
    strbuf_free(&sb);
}

static void huge_length_does_not_wrap_around_the_cap(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 16);
    assert_true(strbuf_puts(&sb, "ab"));
    /* len + n overflows size_t: must be refused, not wrapped (the pointer is never read). */
    assert_false(strbuf_append(&sb, "x", SIZE_MAX));
    assert_false(strbuf_append(&sb, "x", SIZE_MAX - 1));
    assert_string_equal(sb.data, "ab");
    strbuf_free(&sb);
}

static void printf_past_the_cap_fails_and_leaves_content_unchanged(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 8);
    assert_true(strbuf_printf(&sb, "%s", "abc"));
    assert_false(strbuf_printf(&sb, "%d", 123456));
    assert_int_equal(sb.len, 3);
    assert_string_equal(sb.data, "abc");
    assert_true(strbuf_printf(&sb, "%d", 12345));
    assert_string_equal(sb.data, "abc12345");
    assert_int_equal(sb.len, 8);
    strbuf_free(&sb);
}

static void reset_empties_but_keeps_the_buffer_usable(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 5);
    assert_true(strbuf_puts(&sb, "abcde"));
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.data, "");
    /* The cap applies to the new content, not to what was there before. */
    assert_true(strbuf_puts(&sb, "vwxyz"));
    assert_string_equal(sb.data, "vwxyz");
    strbuf_free(&sb);
}

static void reset_of_a_fresh_buffer_is_safe(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 5);
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    strbuf_free(&sb);
}

static void steal_hands_over_the_data_and_empties_the_buffer(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_puts(&sb, "owned"));
    char *p = strbuf_steal(&sb);
    assert_non_null(p);
    assert_string_equal(p, "owned");
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    /* The buffer is reusable and independent of the stolen string. */
    assert_true(strbuf_puts(&sb, "again"));
    assert_string_equal(sb.data, "again");
    assert_string_equal(p, "owned");
    free(p);
    strbuf_free(&sb);
}

static void steal_of_an_empty_buffer_returns_null(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_null(strbuf_steal(&sb));
    strbuf_free(&sb);
}

static void free_twice_and_free_null_are_safe(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 100);
    assert_true(strbuf_puts(&sb, "x"));
    strbuf_free(&sb);
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    strbuf_free(&sb);
    strbuf_free(NULL);
    /* Reusable after free, with the same cap. */
    assert_true(strbuf_puts(&sb, "y"));
    assert_string_equal(sb.data, "y");
    assert_false(strbuf_append(&sb, "z", 100));
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_gives_an_empty_buffer),
        cmocka_unit_test(append_copies_bytes_and_terminates),
        cmocka_unit_test(append_keeps_embedded_nul_bytes),
        cmocka_unit_test(empty_append_still_yields_a_terminated_string),
        cmocka_unit_test(puts_appends_a_c_string),
        cmocka_unit_test(printf_appends_formatted_text),
        cmocka_unit_test(grows_past_the_initial_allocation),
        cmocka_unit_test(append_up_to_exactly_the_cap_succeeds),
        cmocka_unit_test(append_past_the_cap_fails_and_leaves_content_unchanged),
        cmocka_unit_test(first_append_larger_than_the_cap_fails),
        cmocka_unit_test(huge_length_does_not_wrap_around_the_cap),
        cmocka_unit_test(printf_past_the_cap_fails_and_leaves_content_unchanged),
        cmocka_unit_test(reset_empties_but_keeps_the_buffer_usable),
        cmocka_unit_test(reset_of_a_fresh_buffer_is_safe),
        cmocka_unit_test(steal_hands_over_the_data_and_empties_the_buffer),
        cmocka_unit_test(steal_of_an_empty_buffer_returns_null),
        cmocka_unit_test(free_twice_and_free_null_are_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_validate_boards.c - board and comment validators, and page/cursor parsing.
 */
#include "eeum/paging.h"
#include "eeum/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* n copies of a UTF-8 character (e.g. "가", 3 bytes) as a new string. */
static char *repeat(const char *ch, size_t n)
{
    size_t l = strlen(ch);
    char *s = malloc(l * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * l, ch, l);
    s[l * n] = '\0';
    return s;
}

static bool has_error(const struct val_result *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

static json_t *post(const char *category, const char *title, const char *content)
{
    json_t *o = json_object();
    if (category)
        json_object_set_new(o, "category", json_string(category));
    if (title)
        json_object_set_new(o, "title", json_string(title));
    if (content)
        json_object_set_new(o, "content", json_string(content));
    return o;
}

static void valid_post_is_accepted_and_category_normalised(void **state)
{
    (void)state;
    json_t *b = post("restaurant", "  성수동 라면집  ", "라면이\n맛있는 집\t추천");
    struct val_board out;
    struct val_result r;
    val_board_create(b, &out, &r);
    assert_int_equal(r.status, STATUS_OK);
    assert_string_equal(out.category, "RESTAURANT");
    assert_int_equal(out.title.n, strlen("성수동 라면집"));
    assert_memory_equal(out.title.p, "성수동 라면집", out.title.n);
    json_decref(b);
}

static void missing_fields_are_all_listed(void **state)
{
    (void)state;
    json_t *b = json_object();
    struct val_board out;
    struct val_result r;
    val_board_create(b, &out, &r);
    assert_int_equal(r.status, STATUS_BAD_REQUEST);
    assert_int_equal(r.nerrors, 3);
    assert_true(has_error(&r, "category"));
    assert_true(has_error(&r, "title"));
    assert_true(has_error(&r, "content"));
    json_decref(b);
}

static void lengths_are_characters_not_bytes(void **state)
{
    (void)state;
    struct {
        size_t title_chars, content_chars;
        const char *bad_field; /* NULL = valid */
    } cases[] = {
        {150, 20000, NULL},
        {151, 10, "title"},
        {1, 20001, "content"},
        {1, 1, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = repeat("가", cases[i].title_chars), *c = repeat("밥", cases[i].content_chars);
        json_t *b = post("RECIPE", t, c);
        struct val_board out;
        struct val_result r;
        val_board_create(b, &out, &r);
        if (cases[i].bad_field) {
            assert_int_equal(r.status, STATUS_BAD_REQUEST);
            assert_int_equal(r.nerrors, 1);
            assert_true(has_error(&r, cases[i].bad_field));
        } else {
            assert_int_equal(r.status, STATUS_OK);
        }
        json_decref(b);
        free(t);
        free(c);
    }
}

static void bad_category_type_and_control_characters_fail(void **state)
{
    (void)state;
    const char *bad_categories[] = {"FOOD", "", "RECIPES"};
    for (size_t i = 0; i < sizeof bad_categories / sizeof bad_categories[0]; i++) {
        json_t *b = post(bad_categories[i], "제목", "내용");
        struct val_board out;
        struct val_result r;
        val_board_create(b, &out, &r);
        assert_true(has_error(&r, "category"));
        json_decref(b);
    }
    json_t *b = json_pack("{s:s,s:i,s:s}", "category", "RECIPE", "title", 5, "content", "a\x01b");
    struct val_board out;
    struct val_result r;
    val_board_create(b, &out, &r);
    assert_true(has_error(&r, "title"));
    assert_true(has_error(&r, "content"));
    json_decref(b);
    /* A title may not hold a line break; content may. */
    b = post("RECIPE", "제목\n둘째 줄", "첫 줄\n둘째 줄");
    val_board_create(b, &out, &r);
    assert_int_equal(r.nerrors, 1);
    assert_true(has_error(&r, "title"));
    json_decref(b);
}

static void update_takes_any_subset_but_not_nothing(void **state)
{
    (void)state;
    json_t *b = post(NULL, "새 제목", NULL);
    struct val_board out;
    struct val_result r;
    val_board_update(b, &out, &r);
    assert_int_equal(r.status, STATUS_OK);
    assert_true(out.has_title);
    assert_false(out.has_content);
    assert_false(out.has_category);
    json_decref(b);

    b = json_pack("{s:s}", "unknown", "x");
    val_board_update(b, &out, &r);
    assert_int_equal(r.status, STATUS_BAD_REQUEST);
    assert_true(has_error(&r, "body"));
    json_decref(b);

    b = json_pack("{s:n}", "title");
    val_board_update(b, &out, &r);
    assert_true(has_error(&r, "title"));
    json_decref(b);
}

static void comment_is_1_to_500_characters(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 500, 501};
    bool ok[] = {false, true, true, false};
    for (size_t i = 0; i < 4; i++) {
        char *c = repeat("댓", sizes[i]);
        json_t *b = json_pack("{s:s}", "content", c);
        struct val_str out;
        struct val_result r;
        val_comment(b, &out, &r);
        assert_int_equal(r.status == STATUS_OK, ok[i]);
        json_decref(b);
        free(c);
    }
    struct val_str out;
    struct val_result r;
    json_t *arr = json_array();
    val_comment(arr, &out, &r);
    assert_int_equal(r.status, STATUS_BAD_REQUEST);
    json_decref(arr);
}

static void paging_defaults_and_limits(void **state)
{
    (void)state;
    struct paging p;
    struct val_result r;
    assert_int_equal(paging_parse(NULL, NULL, NULL, &p, &r), STATUS_OK);
    assert_int_equal(p.page, 1);
    assert_int_equal(p.size, PAGING_DEFAULT_SIZE);
    assert_int_equal(p.offset, 0);
    assert_int_equal(paging_parse("3", "20", NULL, &p, &r), STATUS_OK);
    assert_int_equal(p.offset, 40);
    const char *bad_pages[] = {"0", "-1", "abc", "1.5", "", " 1", "100001", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
        assert_int_equal(paging_parse(bad_pages[i], NULL, NULL, &p, &r), STATUS_BAD_REQUEST);
        assert_true(has_error(&r, "page"));
    }
    const char *bad_sizes[] = {"0", "101", "x"};
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        assert_int_equal(paging_parse(NULL, bad_sizes[i], NULL, &p, &r), STATUS_BAD_REQUEST);
        assert_true(has_error(&r, "elements"));
    }
    assert_int_equal(paging_parse("1", "100", NULL, &p, &r), STATUS_OK);
}

static void cursor_round_trips_and_rejects_garbage(void **state)
{
    (void)state;
    char c[PAGING_CURSOR_MAX];
    assert_true(paging_cursor_encode("2026-11-28 10:30:38.288000", 42, c));
    struct paging p;
    struct val_result r;
    assert_int_equal(paging_parse(NULL, "5", c, &p, &r), STATUS_OK);
    assert_true(p.has_cursor);
    assert_string_equal(p.cursor_key, "2026-11-28 10:30:38.288000");
    assert_int_equal(p.cursor_id, 42);
    assert_int_equal(p.size, 5);
    /* page together with cursor */
    assert_int_equal(paging_parse("1", NULL, c, &p, &r), STATUS_BAD_REQUEST);
    assert_true(has_error(&r, "cursor"));
    /* keys that are not DATETIME(6) text never make a cursor */
    assert_false(paging_cursor_encode("2026-11-28 10:30:38", 1, c));
    assert_false(paging_cursor_encode("2026-11-28 10:30:38.28800' OR 1=1", 1, c));
    assert_false(paging_cursor_encode(NULL, 1, c));
    /* well-shaped but impossible dates and times */
    assert_false(paging_cursor_encode("2024-13-01 00:00:00.000000", 1, c));
    assert_false(paging_cursor_encode("2023-02-29 00:00:00.000000", 1, c));
    assert_false(paging_cursor_encode("2024-02-28 24:00:00.000000", 1, c));
    assert_true(paging_cursor_encode("2024-02-29 23:59:59.999999", 1, c));
    const char *garbage[] = {"", "!!!", "MjAyNi0xMS0yOCAxMDozMDozOC4yODgwMDB8",
                             /* "x' OR 1=1 --|1" */ "eCcgT1IgMT0xIC0tfDE",
                             /* "2026-11-28 10:30:38.288000|0" */
                             "MjAyNi0xMS0yOCAxMDozMDozOC4yODgwMDB8MA",
                             /* padding '=' is not base64url without padding */
                             "MjAyNi0xMS0yOCAxMDozMDozOC4yODgwMDB8Mg=="};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        assert_int_equal(paging_parse(NULL, NULL, garbage[i], &p, &r), STATUS_BAD_REQUEST);
        assert_true(has_error(&r, "cursor"));
        assert_false(p.has_cursor);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_post_is_accepted_and_category_normalised),
        cmocka_unit_test(missing_fields_are_all_listed),
        cmocka_unit_test(lengths_are_characters_not_bytes),
        cmocka_unit_test(bad_category_type_and_control_characters_fail),
        cmocka_unit_test(update_takes_any_subset_but_not_nothing),
        cmocka_unit_test(comment_is_1_to_500_characters),
        cmocka_unit_test(paging_defaults_and_limits),
        cmocka_unit_test(cursor_round_trips_and_rejects_garbage),
    };
    return cmocka_run_group_tests_name("validate_boards", tests, NULL, NULL);
}

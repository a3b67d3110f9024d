/*
 * test_validate_diaries.c - diary body validators (create, partial update), the diary query
 * validators (list filters, calendar month, stats range), emotion labels and the calendar
 * arithmetic behind "not after tomorrow". Data-driven: a valid base body, one mutation per
 * row, and the exact list of fields that must fail (so a row also proves that no other field
 * fails). Every table row is its own named test.
 */
#include "eeum/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define Q(s)         "\"" s "\""
#define ABSENT       NULL /* as a mutation value: delete the key */
#define MAX_FAILS    6

/* Long values, counted in characters. Hangul syllables are 3 bytes each in UTF-8. */
#define K10 "가나다라마바사아자차"
#define K20 K10 K10
#define K40 K20 K20
#define A10 "abcdefghij"
#define A20 A10 A10

static const struct val_date TODAY = {2024, 6, 15};

/* ---- helpers ---- */

/* n copies of a UTF-8 character (e.g. "가", 3 bytes) as a new string. */
static char *repeat(const char *ch, size_t n)
{
    size_t l = strlen(ch);
    char *s = malloc(l * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * l, ch, l);
    s[l * n] = '\0';
    return s;
}

/* JSON_ALLOW_NUL although the HTTP body parser refuses "\u0000": the validators must stay
 * safe for any json_t, and a NUL is the sharpest test that lengths come from jansson. */
static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!v)
        fail_msg("test data is not JSON: %s (%s)", text, err.text);
    return v;
}

static json_t *base_diary(void)
{
    return parse("{\"title\": \"  오늘의 일기  \", \"content\": \"오늘은\\n맑았다.\\t끝\", "
                 "\"weather\": \"맑음\", \"publishedDate\": \"2024-06-15\", \"mood\": \"행복\", "
                 "\"tags\": [\"산책\", \"Cafe\"]}");
}

struct kv {
    const char *key;
    const char *json; /* ABSENT deletes the key */
};

static void apply(json_t *body, const struct kv *set, size_t n)
{
    for (size_t i = 0; i < n && set[i].key; i++) {
        if (set[i].json == ABSENT)
            json_object_del(body, set[i].key);
        else
            assert_int_equal(json_object_set_new(body, set[i].key, parse(set[i].json)), 0);
    }
}

static void print_errors(const struct val_result *r)
{
    for (size_t i = 0; i < r->nerrors; i++)
        print_message("  error[%zu] %s: %s\n", i, r->errors[i].field, r->errors[i].message);
}

/* Asserts that exactly the fields in `fails` (NULL-terminated, in report order) failed. */
static void assert_fails_exactly(const struct val_result *r, const char *const *fails)
{
    size_t want = 0;
    while (want < MAX_FAILS && fails[want])
        want++;
    if (r->nerrors != want)
        print_errors(r);
    assert_int_equal(r->nerrors, want);
    if (want == 0) {
        assert_int_equal(r->status, STATUS_OK);
        assert_null(r->message);
        return;
    }
    assert_int_equal(r->status, STATUS_BAD_REQUEST);
    assert_string_equal(r->message, VAL_MSG_INVALID);
    for (size_t i = 0; i < want; i++) {
        if (strcmp(r->errors[i].field, fails[i]) != 0)
            print_errors(r);
        assert_string_equal(r->errors[i].field, fails[i]);
        assert_non_null(r->errors[i].message);
        assert_true(strlen(r->errors[i].message) > 0);
    }
}

static void assert_view(struct val_str v, const char *want)
{
    size_t n = strlen(want);
    assert_non_null(v.p);
    if (v.n != n || memcmp(v.p, want, n) != 0)
        fail_msg("view is \"%.*s\" (%zu bytes), want \"%s\"", (int)v.n, v.p, v.n, want);
}

static void assert_date(struct val_date d, int y, int m, int day)
{
    if (d.year != y || d.month != m || d.day != day)
        fail_msg("date is %04d-%02d-%02d, want %04d-%02d-%02d", d.year, d.month, d.day, y, m, day);
}

static const char *const OK[MAX_FAILS] = {0};

/* ---- create: one mutation of the base body per row ---- */

struct create_case {
    const char *name;
    struct kv set[3];
    const char *fails[MAX_FAILS];
};

static const struct create_case create_cases[] = {
    {"create_valid_base_body_passes", {{0}}, {0}},
    {"create_ignores_unknown_fields", {{"secret", "[1, {\"a\": [2]}]"}}, {0}},
    {"create_without_any_optional_field_passes",
     {{"weather", ABSENT}, {"mood", ABSENT}, {"tags", ABSENT}},
     {0}},

    /* title */
    {"create_without_title_fails", {{"title", ABSENT}}, {"title"}},
    {"create_with_null_title_fails", {{"title", "null"}}, {"title"}},
    {"create_with_empty_title_fails", {{"title", Q("")}}, {"title"}},
    {"create_with_blank_title_fails", {{"title", Q(" \\t\\u3000 ")}}, {"title"}},
    {"create_with_numeric_title_fails", {{"title", "7"}}, {"title"}},
    {"create_with_array_title_fails", {{"title", "[\"제목\"]"}}, {"title"}},
    {"create_with_one_char_title_passes", {{"title", Q("가")}}, {0}},
    {"create_with_100_char_hangul_title_literal_passes", {{"title", Q(K40 K40 K20)}}, {0}},
    {"create_with_101_char_hangul_title_literal_fails",
     {{"title", Q(K40 K40 K20 "가")}},
     {"title"}},
    {"create_with_padded_100_char_title_passes",
     {{"title", Q("  \\u3000" K40 K40 K20 "\\u3000 ")}},
     {0}},
    {"create_with_newline_in_title_fails", {{"title", Q("첫 줄\\n둘째 줄")}}, {"title"}},
    {"create_with_tab_in_title_fails", {{"title", Q("제\\t목")}}, {"title"}},
    {"create_with_nul_in_title_fails", {{"title", Q("제\\u0000목")}}, {"title"}},
    {"create_with_del_in_title_fails", {{"title", Q("제\\u007f목")}}, {"title"}},

    /* content */
    {"create_without_content_fails", {{"content", ABSENT}}, {"content"}},
    {"create_with_null_content_fails", {{"content", "null"}}, {"content"}},
    {"create_with_blank_content_fails", {{"content", Q("\\n\\n \\t")}}, {"content"}},
    {"create_with_numeric_content_fails", {{"content", "1"}}, {"content"}},
    {"create_with_object_content_fails", {{"content", "{}"}}, {"content"}},
    {"create_with_multiline_content_passes",
     {{"content", Q("첫 줄\\r\\n둘째 줄\\n\\t들여쓴 줄")}},
     {0}},
    {"create_with_escape_char_in_content_fails", {{"content", Q("\\u001b[31m빨강")}}, {"content"}},
    {"create_with_nul_in_content_fails", {{"content", Q("a\\u0000b")}}, {"content"}},

    /* weather */
    {"create_without_weather_passes", {{"weather", ABSENT}}, {0}},
    {"create_with_null_weather_passes", {{"weather", "null"}}, {0}},
    {"create_with_empty_weather_passes", {{"weather", Q("")}}, {0}},
    {"create_with_blank_weather_passes", {{"weather", Q("  ")}}, {0}},
    {"create_with_40_char_weather_passes", {{"weather", Q(K40)}}, {0}},
    {"create_with_41_char_weather_fails", {{"weather", Q(K40 "비")}}, {"weather"}},
    {"create_with_padded_40_char_weather_passes", {{"weather", Q(" " K40 " ")}}, {0}},
    {"create_with_numeric_weather_fails", {{"weather", "25"}}, {"weather"}},
    {"create_with_boolean_weather_fails", {{"weather", "true"}}, {"weather"}},
    {"create_with_newline_in_weather_fails", {{"weather", Q("맑음\\n비")}}, {"weather"}},

    /* publishedDate (the date rules have their own table below) */
    {"create_without_published_date_fails", {{"publishedDate", ABSENT}}, {"publishedDate"}},
    {"create_with_null_published_date_fails", {{"publishedDate", "null"}}, {"publishedDate"}},
    {"create_with_empty_published_date_fails", {{"publishedDate", Q("")}}, {"publishedDate"}},
    {"create_with_numeric_published_date_fails",
     {{"publishedDate", "20240615"}},
     {"publishedDate"}},
    {"create_with_array_published_date_fails",
     {{"publishedDate", "[\"2024-06-15\"]"}},
     {"publishedDate"}},
    {"create_with_object_published_date_fails",
     {{"publishedDate", "{\"year\": 2024, \"month\": 6, \"day\": 15}"}},
     {"publishedDate"}},

    /* mood (labels have their own table below) */
    {"create_without_mood_passes", {{"mood", ABSENT}}, {0}},
    {"create_with_null_mood_passes", {{"mood", "null"}}, {0}},
    {"create_with_empty_mood_passes", {{"mood", Q("")}}, {0}},
    {"create_with_unknown_mood_fails", {{"mood", Q("기쁨")}}, {"mood"}},
    {"create_with_numeric_mood_fails", {{"mood", "2"}}, {"mood"}},
    {"create_with_array_mood_fails", {{"mood", "[\"행복\"]"}}, {"mood"}},

    /* tags (contents have their own table below) */
    {"create_without_tags_passes", {{"tags", ABSENT}}, {0}},
    {"create_with_null_tags_passes", {{"tags", "null"}}, {0}},
    {"create_with_empty_tags_passes", {{"tags", "[]"}}, {0}},
    {"create_with_string_tags_fails", {{"tags", Q("산책")}}, {"tags"}},
    {"create_with_object_tags_fails", {{"tags", "{\"0\": \"산책\"}"}}, {"tags"}},
    {"create_with_numeric_tags_fails", {{"tags", "3"}}, {"tags"}},
    {"create_with_number_in_tags_fails", {{"tags", "[\"산책\", 1]"}}, {"tags"}},
    {"create_with_null_in_tags_fails", {{"tags", "[null]"}}, {"tags"}},
    {"create_with_nested_array_in_tags_fails", {{"tags", "[[\"산책\"]]"}}, {"tags"}},

    /* every failing field is listed, in body order */
    {"create_reports_title_date_and_tags_together",
     {{"title", ABSENT}, {"publishedDate", Q("2024-06-17")}, {"tags", "[1]"}},
     {"title", "publishedDate", "tags"}},
    {"create_reports_content_weather_and_mood_together",
     {{"content", "null"}, {"weather", "1"}, {"mood", Q("happy")}},
     {"content", "weather", "mood"}},
};

static void run_create_case(void **state)
{
    const struct create_case *c = *state;
    json_t *body = base_diary();
    apply(body, c->set, ARRAY_LEN(c->set));
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, c->fails);
    json_decref(body);
}

/* ---- lengths: built at run time (20000 Hangul characters are 60000 bytes) ---- */

struct len_case {
    const char *name;
    const char *field; /* "tags": a one-element array of the string */
    const char *ch;    /* repeated character */
    size_t count;
    const char *fails[MAX_FAILS];
};

static const struct len_case len_cases[] = {
    {"create_with_100_char_hangul_title_of_300_bytes_passes", "title", "가", 100, {0}},
    {"create_with_101_char_hangul_title_fails", "title", "가", 101, {"title"}},
    {"create_with_100_char_ascii_title_passes", "title", "a", 100, {0}},
    {"create_with_101_char_ascii_title_fails", "title", "a", 101, {"title"}},
    {"create_with_100_emoji_title_of_400_bytes_passes", "title", "😀", 100, {0}},
    {"create_with_20000_char_hangul_content_passes", "content", "밥", 20000, {0}},
    {"create_with_20001_char_hangul_content_fails", "content", "밥", 20001, {"content"}},
    {"create_with_20000_char_ascii_content_passes", "content", "x", 20000, {0}},
    {"create_with_20001_char_ascii_content_fails", "content", "x", 20001, {"content"}},
    {"create_with_40_char_hangul_weather_passes", "weather", "비", 40, {0}},
    {"create_with_41_char_hangul_weather_fails", "weather", "비", 41, {"weather"}},
    {"create_with_20_char_hangul_tag_passes", "tags", "숲", 20, {0}},
    {"create_with_21_char_hangul_tag_fails", "tags", "숲", 21, {"tags"}},
    {"create_with_20_char_ascii_tag_passes", "tags", "t", 20, {0}},
    {"create_with_21_char_ascii_tag_fails", "tags", "t", 21, {"tags"}},
};

static void run_len_case(void **state)
{
    const struct len_case *c = *state;
    char *s = repeat(c->ch, c->count);
    json_t *body = base_diary();
    if (strcmp(c->field, "tags") == 0)
        json_object_set_new(body, "tags", json_pack("[s]", s));
    else
        json_object_set_new(body, c->field, json_string(s));
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, c->fails);
    if (!c->fails[0] && strcmp(c->field, "title") == 0)
        assert_view(d.title, s);
    json_decref(body);
    free(s);
}

/* ---- publishedDate: shape, calendar and "not after tomorrow" relative to today ---- */

#define MSG_FORMAT     "날짜는 YYYY-MM-DD 형식이어야 합니다."
#define MSG_IMPOSSIBLE "존재하지 않는 날짜입니다."
#define MSG_FUTURE     "작성일은 내일 이후일 수 없습니다."
#define MSG_TOO_OLD    "작성일은 1900-01-01 이후여야 합니다."

struct date_case {
    const char *name;
    struct val_date today;
    const char *date;    /* JSON string contents */
    const char *message; /* NULL = passes */
};

static const struct date_case date_cases[] = {
    {"date_today_passes", {2024, 6, 15}, "2024-06-15", NULL},
    {"date_tomorrow_passes", {2024, 6, 15}, "2024-06-16", NULL},
    {"date_day_after_tomorrow_fails", {2024, 6, 15}, "2024-06-17", MSG_FUTURE},
    {"date_next_month_fails", {2024, 6, 15}, "2024-07-01", MSG_FUTURE},
    {"date_next_year_fails", {2024, 6, 15}, "2025-01-01", MSG_FUTURE},
    {"date_year_9999_fails_as_future", {2024, 6, 15}, "9999-12-31", MSG_FUTURE},
    {"date_yesterday_passes", {2024, 6, 15}, "2024-06-14", NULL},
    {"date_years_ago_passes", {2024, 6, 15}, "2001-09-11", NULL},
    {"date_1900_01_01_passes", {2024, 6, 15}, "1900-01-01", NULL},
    {"date_1899_12_31_fails", {2024, 6, 15}, "1899-12-31", MSG_TOO_OLD},
    {"date_year_0001_fails", {2024, 6, 15}, "0001-01-01", MSG_TOO_OLD},
    {"date_year_0000_is_impossible", {2024, 6, 15}, "0000-01-01", MSG_IMPOSSIBLE},

    /* tomorrow across month and year ends */
    {"date_tomorrow_of_dec_31_is_next_jan_1", {2023, 12, 31}, "2024-01-01", NULL},
    {"date_jan_2_after_dec_31_fails", {2023, 12, 31}, "2024-01-02", MSG_FUTURE},
    {"date_tomorrow_of_feb_28_in_leap_year_is_feb_29", {2024, 2, 28}, "2024-02-29", NULL},
    {"date_mar_1_after_feb_28_in_leap_year_fails", {2024, 2, 28}, "2024-03-01", MSG_FUTURE},
    {"date_tomorrow_of_feb_29_is_mar_1", {2024, 2, 29}, "2024-03-01", NULL},
    {"date_mar_2_after_feb_29_fails", {2024, 2, 29}, "2024-03-02", MSG_FUTURE},
    {"date_tomorrow_of_feb_28_in_common_year_is_mar_1", {2023, 2, 28}, "2023-03-01", NULL},
    {"date_mar_2_after_feb_28_in_common_year_fails", {2023, 2, 28}, "2023-03-02", MSG_FUTURE},
    {"date_tomorrow_of_feb_28_2000_is_feb_29", {2000, 2, 28}, "2000-02-29", NULL},
    {"date_tomorrow_of_feb_28_2100_is_mar_1", {2100, 2, 28}, "2100-03-01", NULL},
    {"date_feb_29_2100_is_impossible", {2100, 2, 28}, "2100-02-29", MSG_IMPOSSIBLE},
    {"date_tomorrow_of_apr_30_is_may_1", {2024, 4, 30}, "2024-05-01", NULL},
    {"date_may_2_after_apr_30_fails", {2024, 4, 30}, "2024-05-02", MSG_FUTURE},
    {"date_tomorrow_of_jan_31_is_feb_1", {2024, 1, 31}, "2024-02-01", NULL},

    /* calendar */
    {"date_2024_02_29_leap_day_passes", {2024, 6, 15}, "2024-02-29", NULL},
    {"date_2023_02_29_is_impossible", {2024, 6, 15}, "2023-02-29", MSG_IMPOSSIBLE},
    {"date_1900_02_29_is_impossible", {2024, 6, 15}, "1900-02-29", MSG_IMPOSSIBLE},
    {"date_2000_02_29_passes", {2024, 6, 15}, "2000-02-29", NULL},
    {"date_feb_30_is_impossible", {2024, 6, 15}, "2024-02-30", MSG_IMPOSSIBLE},
    {"date_apr_31_is_impossible", {2024, 6, 15}, "2024-04-31", MSG_IMPOSSIBLE},
    {"date_month_13_is_impossible", {2024, 6, 15}, "2024-13-01", MSG_IMPOSSIBLE},
    {"date_month_00_is_impossible", {2024, 6, 15}, "2024-00-10", MSG_IMPOSSIBLE},
    {"date_day_00_is_impossible", {2024, 6, 15}, "2024-01-00", MSG_IMPOSSIBLE},
    {"date_day_32_is_impossible", {2024, 6, 15}, "2024-01-32", MSG_IMPOSSIBLE},
    {"date_9999_99_99_is_impossible", {2024, 6, 15}, "9999-99-99", MSG_IMPOSSIBLE},

    /* shape: exactly YYYY-MM-DD */
    {"date_one_digit_month_is_malformed", {2024, 6, 15}, "2024-1-01", MSG_FORMAT},
    {"date_one_digit_day_is_malformed", {2024, 6, 15}, "2024-01-1", MSG_FORMAT},
    {"date_slashes_are_malformed", {2024, 6, 15}, "2024/01/01", MSG_FORMAT},
    {"date_dots_are_malformed", {2024, 6, 15}, "2024.01.01", MSG_FORMAT},
    {"date_without_separators_is_malformed", {2024, 6, 15}, "20240101", MSG_FORMAT},
    {"date_with_leading_space_is_malformed", {2024, 6, 15}, " 2024-01-01", MSG_FORMAT},
    {"date_with_trailing_space_is_malformed", {2024, 6, 15}, "2024-01-01 ", MSG_FORMAT},
    {"date_with_time_is_malformed", {2024, 6, 15}, "2024-01-01T00:00:00", MSG_FORMAT},
    {"date_with_zone_is_malformed", {2024, 6, 15}, "2024-01-01Z", MSG_FORMAT},
    {"date_two_digit_year_is_malformed", {2024, 6, 15}, "24-01-01", MSG_FORMAT},
    {"date_five_digit_year_is_malformed", {2024, 6, 15}, "02024-01-01", MSG_FORMAT},
    {"date_signed_year_is_malformed", {2024, 6, 15}, "+024-01-01", MSG_FORMAT},
    {"date_day_month_year_order_is_malformed", {2024, 6, 15}, "01-01-2024", MSG_FORMAT},
    {"date_letters_are_malformed", {2024, 6, 15}, "abcd-ef-gh", MSG_FORMAT},
    {"date_fullwidth_digits_are_malformed", {2024, 6, 15}, "２０２４-01-01", MSG_FORMAT},
    {"date_korean_style_is_malformed", {2024, 6, 15}, "2024년 1월 1일", MSG_FORMAT},
    {"date_with_nul_is_malformed", {2024, 6, 15}, "2024-01-01\\u0000", MSG_FORMAT},
    {"date_blank_is_malformed", {2024, 6, 15}, "   ", MSG_FORMAT},
};

static void run_date_case(void **state)
{
    const struct date_case *c = *state;
    char text[128];
    int n = snprintf(text, sizeof text, "\"%s\"", c->date);
    assert_true(n > 0 && (size_t)n < sizeof text);
    const struct kv set[] = {{"publishedDate", text}};
    for (int update = 0; update < 2; update++) {
        json_t *body = base_diary();
        if (update) {
            json_decref(body);
            body = json_object();
        }
        apply(body, set, 1);
        struct val_diary d;
        struct val_result r;
        if (update)
            val_diary_update(body, c->today, &d, &r);
        else
            val_diary_create(body, c->today, &d, &r);
        if (!c->message) {
            assert_fails_exactly(&r, OK);
            assert_true(d.has_published);
            int y = 0, m = 0, day = 0;
            assert_int_equal(sscanf(c->date, "%d-%d-%d", &y, &m, &day), 3);
            assert_date(d.published, y, m, day);
        } else {
            assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"publishedDate"});
            assert_string_equal(r.errors[0].message, c->message);
            assert_false(d.has_published);
        }
        json_decref(body);
    }
}

/* ---- mood labels ---- */

struct mood_case {
    const char *name;
    const char *json; /* the value of "mood" */
    int want;         /* index, -1 = none; -2 = not a label; -3 = not a string */
};

static const struct mood_case mood_cases[] = {
    {"mood_worry_label_is_index_0", Q("걱정"), 0},
    {"mood_angry_label_is_index_1", Q("분노"), 1},
    {"mood_happy_label_is_index_2", Q("행복"), 2},
    {"mood_excited_label_is_index_3", Q("설렘"), 3},
    {"mood_sad_label_is_index_4", Q("슬픔"), 4},
    {"mood_padded_label_is_trimmed", Q(" \\u3000설렘\\t"), 3},
    {"mood_null_is_none", "null", -1},
    {"mood_empty_is_none", Q(""), -1},
    {"mood_blank_is_none", Q("  "), -1},
    {"mood_english_name_fails", Q("happy"), -2},
    {"mood_upper_case_english_name_fails", Q("HAPPY"), -2},
    {"mood_other_korean_word_fails", Q("기쁨"), -2},
    {"mood_half_label_fails", Q("행"), -2},
    {"mood_label_with_suffix_fails", Q("행복함"), -2},
    {"mood_doubled_label_fails", Q("행복행복"), -2},
    {"mood_two_labels_fail", Q("행복, 설렘"), -2},
    {"mood_label_with_inner_space_fails", Q("행 복"), -2},
    {"mood_label_with_nul_fails", Q("행복\\u0000"), -2},
    {"mood_index_number_fails", "2", -3},
    {"mood_boolean_fails", "false", -3},
    {"mood_object_fails", "{\"label\": \"행복\"}", -3},
};

static void run_mood_case(void **state)
{
    const struct mood_case *c = *state;
    json_t *body = base_diary();
    const struct kv set[] = {{"mood", c->json}};
    apply(body, set, 1);
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    if (c->want < -1) {
        assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"mood"});
        assert_string_equal(r.errors[0].message,
                            c->want == -3
                                ? VAL_MSG_NOT_STRING
                                : "기분은 걱정, 분노, 행복, 설렘, 슬픔 중 하나여야 합니다.");
        assert_false(d.has_mood);
        assert_int_equal(d.mood, -1);
        json_decref(body);
        return;
    }
    assert_fails_exactly(&r, OK);
    assert_int_equal(d.mood, c->want);
    assert_int_equal(d.has_mood, c->want >= 0);
    if (c->want >= 0)
        assert_string_equal(d.mood_label, val_emotion_label(c->want));
    else
        assert_null(d.mood_label);
    json_decref(body);
}

/* ---- tags: contents, trimming, duplicates ---- */

struct tags_case {
    const char *name;
    const char *json;     /* the value of "tags" */
    bool fails;           /* one error, on "tags" */
    const char *want[11]; /* kept tags, NULL-terminated */
};

#define TEN_TAGS "\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\""

static const struct tags_case tags_cases[] = {
    {"tags_are_kept_in_order", "[\"산책\", \"카페\", \"비\"]", false, {"산책", "카페", "비"}},
    {"tags_are_trimmed", "[\"  산책\\t\", \"\\u3000카페\\n\"]", false, {"산책", "카페"}},
    {"tags_ten_pass", "[" TEN_TAGS "]", false, {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
    {"tags_eleven_fail", "[" TEN_TAGS ",\"11\"]", true, {0}},
    {"tags_eleven_with_a_duplicate_fail_the_cap_counts_what_was_sent",
     "[" TEN_TAGS ",\"1\"]",
     true,
     {0}},
    {"tags_empty_array_is_no_tags", "[]", false, {0}},
    {"tags_null_is_no_tags", "null", false, {0}},
    {"tags_exact_duplicates_keep_the_first", "[\"비\", \"산책\", \"비\"]", false, {"비", "산책"}},
    {"tags_ascii_case_duplicates_keep_the_first_spelling",
     "[\"Cafe\", \"cafe\", \"CAFE\", \"카페\"]",
     false,
     {"Cafe", "카페"}},
    {"tags_duplicates_after_trimming_are_dropped",
     "[\" 산책 \", \"산책\", \"\\u3000산책\"]",
     false,
     {"산책"}},
    {"tags_non_ascii_case_is_not_folded", "[\"É\", \"é\"]", false, {"É", "é"}},
    {"tags_that_differ_in_length_are_not_duplicates",
     "[\"ab\", \"abc\", \"AB\"]",
     false,
     {"ab", "abc"}},
    {"tags_inner_space_is_kept", "[\"늦은 밤\"]", false, {"늦은 밤"}},
    {"tags_20_char_hangul_tag_passes", "[\"" K20 "\"]", false, {K20}},
    {"tags_21_char_hangul_tag_fails", "[\"" K20 "가\"]", true, {0}},
    {"tags_20_char_ascii_tag_passes", "[\"" A20 "\"]", false, {A20}},
    {"tags_21_char_ascii_tag_fails", "[\"" A20 "k\"]", true, {0}},
    {"tags_padded_20_char_tag_passes", "[\"  " K20 "  \"]", false, {K20}},
    {"tags_empty_tag_fails", "[\"산책\", \"\"]", true, {0}},
    {"tags_blank_tag_fails", "[\" \\u3000 \"]", true, {0}},
    {"tags_inner_newline_fails", "[\"늦은\\n밤\"]", true, {0}},
    {"tags_inner_tab_fails", "[\"늦은\\t밤\"]", true, {0}},
    {"tags_nul_fails", "[\"a\\u0000b\"]", true, {0}},
    {"tags_del_fails", "[\"a\\u007fb\"]", true, {0}},
    {"tags_number_fails", "[\"산책\", 3]", true, {0}},
    {"tags_boolean_fails", "[true]", true, {0}},
    {"tags_null_element_fails", "[\"산책\", null]", true, {0}},
    {"tags_object_element_fails", "[{\"name\": \"산책\"}]", true, {0}},
    {"tags_nested_array_fails", "[[]]", true, {0}},
    {"tags_string_fails", Q("산책,카페"), true, {0}},
    {"tags_number_value_fails", "0", true, {0}},
    {"tags_object_value_fails", "{}", true, {0}},
    {"tags_boolean_value_fails", "true", true, {0}},
};

static void run_tags_case(void **state)
{
    const struct tags_case *c = *state;
    json_t *body = base_diary();
    const struct kv set[] = {{"tags", c->json}};
    apply(body, set, 1);
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    if (c->fails) {
        assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"tags"});
        assert_false(d.has_tags);
        assert_int_equal(d.ntags, 0);
        json_decref(body);
        return;
    }
    assert_fails_exactly(&r, OK);
    assert_true(d.has_tags);
    size_t want = 0;
    while (want < ARRAY_LEN(c->want) && c->want[want])
        want++;
    assert_int_equal(d.ntags, want);
    for (size_t i = 0; i < want; i++)
        assert_view(d.tags[i], c->want[i]);
    json_decref(body);
}

/* ---- update: whole bodies ---- */

struct body_case {
    const char *name;
    const char *body; /* JSON text */
    const char *fails[MAX_FAILS];
};

static const struct body_case update_cases[] = {
    {"update_empty_object_has_nothing_to_change", "{}", {"body"}},
    {"update_with_only_unknown_fields_has_nothing_to_change", "{\"emotion\": \"행복\"}", {"body"}},
    {"update_array_body_fails", "[{\"title\": \"새 제목\"}]", {"body"}},
    {"update_string_body_fails", "\"title\"", {"body"}},
    {"update_null_body_fails", "null", {"body"}},
    {"update_title_alone_passes", "{\"title\": \"새 제목\"}", {0}},
    {"update_content_alone_passes", "{\"content\": \"새\\n내용\"}", {0}},
    {"update_weather_alone_passes", "{\"weather\": \"흐림\"}", {0}},
    {"update_null_weather_clears_it", "{\"weather\": null}", {0}},
    {"update_empty_weather_clears_it", "{\"weather\": \"\"}", {0}},
    {"update_published_date_alone_passes", "{\"publishedDate\": \"2024-06-01\"}", {0}},
    {"update_published_date_tomorrow_passes", "{\"publishedDate\": \"2024-06-16\"}", {0}},
    {"update_mood_alone_passes", "{\"mood\": \"슬픔\"}", {0}},
    {"update_null_mood_clears_it", "{\"mood\": null}", {0}},
    {"update_empty_mood_clears_it", "{\"mood\": \"\"}", {0}},
    {"update_tags_alone_passes", "{\"tags\": [\"비\"]}", {0}},
    {"update_empty_tags_clear_them", "{\"tags\": []}", {0}},
    {"update_null_tags_clear_them", "{\"tags\": null}", {0}},
    {"update_every_field_passes",
     "{\"title\": \"t\", \"content\": \"c\", \"weather\": \"w\", \"publishedDate\": "
     "\"2024-02-29\", \"mood\": \"걱정\", \"tags\": [\"a\", \"A\"]}",
     {0}},
    {"update_null_title_fails", "{\"title\": null}", {"title"}},
    {"update_empty_title_fails", "{\"title\": \"\"}", {"title"}},
    {"update_blank_title_fails", "{\"title\": \" \\u3000 \"}", {"title"}},
    {"update_101_char_title_fails", "{\"title\": \"" K40 K40 K20 "가\"}", {"title"}},
    {"update_numeric_title_fails", "{\"title\": 1}", {"title"}},
    {"update_null_content_fails", "{\"content\": null}", {"content"}},
    {"update_blank_content_fails", "{\"content\": \"\\n\"}", {"content"}},
    {"update_41_char_weather_fails", "{\"weather\": \"" K40 "비\"}", {"weather"}},
    {"update_numeric_weather_fails", "{\"weather\": 0}", {"weather"}},
    {"update_null_published_date_fails", "{\"publishedDate\": null}", {"publishedDate"}},
    {"update_empty_published_date_fails", "{\"publishedDate\": \"\"}", {"publishedDate"}},
    {"update_day_after_tomorrow_fails", "{\"publishedDate\": \"2024-06-17\"}", {"publishedDate"}},
    {"update_malformed_published_date_fails",
     "{\"publishedDate\": \"2024/06/01\"}",
     {"publishedDate"}},
    {"update_unknown_mood_fails", "{\"mood\": \"기쁨\"}", {"mood"}},
    {"update_string_tags_fail", "{\"tags\": \"비\"}", {"tags"}},
    {"update_eleven_tags_fail", "{\"tags\": [" TEN_TAGS ", \"11\"]}", {"tags"}},
    {"update_reports_every_failing_field_without_a_body_error",
     "{\"title\": null, \"content\": 3, \"weather\": [], \"publishedDate\": \"2023-02-29\", "
     "\"mood\": \"?\", \"tags\": [1]}",
     {"title", "content", "weather", "publishedDate", "mood", "tags"}},
    {"update_valid_field_next_to_invalid_one_still_fails",
     "{\"title\": \"좋은 제목\", \"mood\": \"HAPPY\"}",
     {"mood"}},
};

static void run_update_case(void **state)
{
    const struct body_case *c = *state;
    json_t *body = parse(c->body);
    struct val_diary d;
    struct val_result r;
    val_diary_update(body, TODAY, &d, &r);
    assert_fails_exactly(&r, c->fails);
    json_decref(body);
}

/* ---- list filters ---- */

struct filter_case {
    const char *name;
    const char *from, *to, *emotion, *tag, *q;
    const char *fails[MAX_FAILS];
};

static const struct filter_case filter_cases[] = {
    {"filters_all_absent_pass", NULL, NULL, NULL, NULL, NULL, {0}},
    {"filters_all_empty_count_as_absent", "", "", "", "", "", {0}},
    {"filters_all_valid_pass", "2024-01-01", "2024-06-30", "행복", "산책", "비 오는 날", {0}},
    {"filters_from_alone_passes", "2024-01-01", NULL, NULL, NULL, NULL, {0}},
    {"filters_to_alone_passes", NULL, "2024-06-30", NULL, NULL, NULL, {0}},
    {"filters_same_day_range_passes", "2024-02-29", "2024-02-29", NULL, NULL, NULL, {0}},
    {"filters_range_over_a_year_passes", "2020-01-01", "2024-12-31", NULL, NULL, NULL, {0}},
    {"filters_reversed_range_fails_on_to", "2024-06-30", "2024-01-01", NULL, NULL, NULL, {"to"}},
    {"filters_malformed_from_fails", "2024-1-01", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_slashed_from_fails", "2024/01/01", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_compact_from_fails", "20240101", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_spaced_from_fails", " 2024-01-01", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_from_with_time_fails", "2024-01-01T00:00:00", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_impossible_to_fails", NULL, "2024-02-30", NULL, NULL, NULL, {"to"}},
    {"filters_2023_02_29_to_fails", NULL, "2023-02-29", NULL, NULL, NULL, {"to"}},
    {"filters_bad_from_and_to_both_fail", "x", "y", NULL, NULL, NULL, {"from", "to"}},
    {"filters_bad_from_skips_the_order_check",
     "2024-13-01",
     "2024-01-01",
     NULL,
     NULL,
     NULL,
     {"from"}},
    {"filters_blank_from_fails", " ", NULL, NULL, NULL, NULL, {"from"}},
    {"filters_worry_emotion_passes", NULL, NULL, "걱정", NULL, NULL, {0}},
    {"filters_sad_emotion_passes", NULL, NULL, "슬픔", NULL, NULL, {0}},
    {"filters_padded_emotion_passes", NULL, NULL, " 분노 ", NULL, NULL, {0}},
    {"filters_blank_emotion_counts_as_absent", NULL, NULL, "   ", NULL, NULL, {0}},
    {"filters_english_emotion_fails", NULL, NULL, "happy", NULL, NULL, {"emotion"}},
    {"filters_unknown_emotion_fails", NULL, NULL, "기쁨", NULL, NULL, {"emotion"}},
    {"filters_long_emotion_fails", NULL, NULL, K40, NULL, NULL, {"emotion"}},
    {"filters_invalid_utf8_emotion_fails", NULL, NULL, "\xed\x96", NULL, NULL, {"emotion"}},
    {"filters_20_char_tag_passes", NULL, NULL, NULL, K20, NULL, {0}},
    {"filters_21_char_tag_fails", NULL, NULL, NULL, K20 "가", NULL, {"tag"}},
    {"filters_padded_20_char_tag_passes", NULL, NULL, NULL, "  " K20 " ", NULL, {0}},
    {"filters_one_char_tag_passes", NULL, NULL, NULL, "a", NULL, {0}},
    {"filters_blank_tag_counts_as_absent", NULL, NULL, NULL, " \t ", NULL, {0}},
    {"filters_tag_with_inner_tab_fails", NULL, NULL, NULL, "a\tb", NULL, {"tag"}},
    {"filters_tag_with_control_char_fails", NULL, NULL, NULL, "a\x01", NULL, {"tag"}},
    {"filters_invalid_utf8_tag_fails", NULL, NULL, NULL, "\xff\xfe", NULL, {"tag"}},
    {"filters_overlong_utf8_tag_fails", NULL, NULL, NULL, "\xc0\xaf", NULL, {"tag"}},
    {"filters_200_char_q_passes", NULL, NULL, NULL, NULL, K40 K40 K40 K40 K40, {0}},
    {"filters_201_char_q_fails", NULL, NULL, NULL, NULL, K40 K40 K40 K40 K40 "가", {"q"}},
    {"filters_q_with_operators_passes", NULL, NULL, NULL, NULL, "\"비 오는\" -우산 OR 눈", {0}},
    {"filters_blank_q_counts_as_absent", NULL, NULL, NULL, NULL, "\xe3\x80\x80 ", {0}},
    {"filters_q_with_newline_fails", NULL, NULL, NULL, NULL, "비\n눈", {"q"}},
    {"filters_truncated_utf8_q_fails", NULL, NULL, NULL, NULL, "비\xeb", {"q"}},
    {"filters_every_bad_parameter_is_listed",
     "2024-1-1",
     "2024-02-30",
     "기쁨",
     K20 "가",
     K40 K40 K40 K40 K40 "가",
     {"from", "to", "emotion", "tag", "q"}},
};

static void run_filter_case(void **state)
{
    const struct filter_case *c = *state;
    struct val_diary_filter f;
    struct val_result r;
    val_diary_filters(c->from, c->to, c->emotion, c->tag, c->q, &f, &r);
    assert_fails_exactly(&r, c->fails);
    /* a parameter that failed is never reported as a filter to apply */
    for (size_t i = 0; i < r.nerrors; i++) {
        const char *fld = r.errors[i].field;
        if (strcmp(fld, "from") == 0)
            assert_false(f.has_from);
        else if (strcmp(fld, "to") == 0)
            assert_false(f.has_to);
        else if (strcmp(fld, "emotion") == 0)
            assert_false(f.has_emotion);
        else if (strcmp(fld, "tag") == 0)
            assert_false(f.has_tag);
        else if (strcmp(fld, "q") == 0)
            assert_false(f.has_q);
    }
    assert_non_null(f.tag.p);
    assert_non_null(f.q.p);
}

/* ---- calendar month ---- */

struct month_case {
    const char *name;
    const char *s;
    int year, month; /* 0 = fails */
};

static const struct month_case month_cases[] = {
    {"month_june_2024_passes", "2024-06", 2024, 6},
    {"month_january_passes", "2024-01", 2024, 1},
    {"month_december_passes", "2023-12", 2023, 12},
    {"month_year_0001_passes", "0001-01", 1, 1},
    {"month_year_9999_passes", "9999-12", 9999, 12},
    {"month_absent_fails", NULL, 0, 0},
    {"month_empty_fails", "", 0, 0},
    {"month_13_fails", "2024-13", 0, 0},
    {"month_00_fails", "2024-00", 0, 0},
    {"month_99_fails", "2024-99", 0, 0},
    {"month_year_0000_fails", "0000-06", 0, 0},
    {"month_one_digit_month_fails", "2024-6", 0, 0},
    {"month_slash_fails", "2024/06", 0, 0},
    {"month_compact_fails", "202406", 0, 0},
    {"month_full_date_fails", "2024-06-01", 0, 0},
    {"month_leading_space_fails", " 2024-06", 0, 0},
    {"month_trailing_space_fails", "2024-06 ", 0, 0},
    {"month_two_digit_year_fails", "24-06", 0, 0},
    {"month_signed_year_fails", "-024-06", 0, 0},
    {"month_letters_fail", "June-24", 0, 0},
    {"month_fullwidth_digits_fail", "２０２４-06", 0, 0},
    {"month_invalid_utf8_fails", "\xff\xff\xff\xff-06", 0, 0},
};

static void run_month_case(void **state)
{
    const struct month_case *c = *state;
    int y = -1, m = -1;
    struct val_result r;
    val_month(c->s, &y, &m, &r);
    if (c->year) {
        assert_fails_exactly(&r, OK);
    } else {
        assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"month"});
    }
    assert_int_equal(y, c->year);
    assert_int_equal(m, c->month);
}

/* ---- stats range ---- */

struct range_case {
    const char *name;
    const char *from, *to;
    const char *fails[MAX_FAILS];
};

static const struct range_case range_cases[] = {
    {"range_both_absent_passes", NULL, NULL, {0}},
    {"range_both_empty_count_as_absent", "", "", {0}},
    {"range_from_alone_passes", "2024-01-01", NULL, {0}},
    {"range_to_alone_passes", NULL, "2024-06-30", {0}},
    {"range_one_day_passes", "2024-06-15", "2024-06-15", {0}},
    {"range_leap_year_passes", "2024-01-01", "2024-12-31", {0}},
    {"range_366_days_apart_passes", "2024-01-01", "2025-01-01", {0}},
    {"range_367_days_apart_fails", "2024-01-01", "2025-01-02", {"to"}},
    {"range_366_days_apart_across_a_leap_day_passes", "2023-01-01", "2024-01-02", {0}},
    {"range_367_days_apart_across_a_leap_day_fails", "2023-01-01", "2024-01-03", {"to"}},
    {"range_366_days_apart_in_common_years_passes", "2022-03-01", "2023-03-02", {0}},
    {"range_367_days_apart_in_common_years_fails", "2022-03-01", "2023-03-03", {"to"}},
    {"range_ten_years_fails", "2014-01-01", "2024-01-01", {"to"}},
    {"range_reversed_fails_on_to", "2024-06-16", "2024-06-15", {"to"}},
    {"range_malformed_from_fails", "2024-1-01", "2024-06-15", {"from"}},
    {"range_impossible_to_fails", "2024-01-01", "2023-02-29", {"to"}},
    {"range_spaced_to_fails", NULL, "2024-06-15 ", {"to"}},
    {"range_both_malformed_fail", "2024/01/01", "20240630", {"from", "to"}},
    {"range_from_year_0001_to_9999_fails", "0001-01-01", "9999-12-31", {"to"}},
};

static void run_range_case(void **state)
{
    const struct range_case *c = *state;
    struct val_range g;
    struct val_result r;
    val_date_range(c->from, c->to, &g, &r);
    assert_fails_exactly(&r, c->fails);
    if (!c->fails[0]) {
        assert_int_equal(g.has_from, c->from && *c->from);
        assert_int_equal(g.has_to, c->to && *c->to);
    } else {
        assert_false(g.has_from && g.has_to);
    }
}

/* ---- outputs ---- */

static void create_valid_body_fills_every_output(void **state)
{
    (void)state;
    json_t *body = base_diary();
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, OK);
    assert_true(d.has_title && d.has_content && d.has_weather && d.has_published && d.has_mood &&
                d.has_tags);
    assert_view(d.title, "오늘의 일기");
    assert_view(d.content, "오늘은\n맑았다.\t끝");
    assert_view(d.weather, "맑음");
    assert_date(d.published, 2024, 6, 15);
    assert_int_equal(d.mood, 2);
    assert_string_equal(d.mood_label, "행복");
    assert_int_equal(d.ntags, 2);
    assert_view(d.tags[0], "산책");
    assert_view(d.tags[1], "Cafe");
    /* views point into the body, not into copies */
    const char *title = json_string_value(json_object_get(body, "title"));
    assert_true(d.title.p >= title && d.title.p < title + strlen(title));
    json_decref(body);
}

static void create_without_optionals_has_empty_non_null_outputs(void **state)
{
    (void)state;
    json_t *body =
        parse("{\"title\": \"t\", \"content\": \"c\", \"publishedDate\": \"2024-06-15\", "
              "\"weather\": null, \"mood\": null}");
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, OK);
    assert_false(d.has_weather);
    assert_non_null(d.weather.p);
    assert_int_equal(d.weather.n, 0);
    assert_false(d.has_mood);
    assert_int_equal(d.mood, -1);
    assert_null(d.mood_label);
    assert_false(d.has_tags);
    assert_int_equal(d.ntags, 0);
    for (size_t i = 0; i < VAL_DIARY_TAGS_MAX; i++)
        assert_non_null(d.tags[i].p);
    json_decref(body);
}

static void create_with_blank_weather_has_no_weather(void **state)
{
    (void)state;
    json_t *body = base_diary();
    json_object_set_new(body, "weather", json_string(" \u3000 "));
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, OK);
    assert_false(d.has_weather);
    assert_int_equal(d.weather.n, 0);
    json_decref(body);
}

static void create_empty_object_lists_every_required_field(void **state)
{
    (void)state;
    json_t *body = json_object();
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"title", "content", "publishedDate"});
    assert_string_equal(r.errors[0].message, "제목을 입력해 주세요.");
    assert_string_equal(r.errors[1].message, "내용을 입력해 주세요.");
    assert_string_equal(r.errors[2].message, "작성일을 입력해 주세요.");
    assert_false(d.has_title || d.has_content || d.has_published);
    json_decref(body);
}

static void create_non_object_bodies_are_one_body_error(void **state)
{
    (void)state;
    const char *bodies[] = {"[]", "\"일기\"", "1", "null", "true"};
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        json_t *body = parse(bodies[i]);
        struct val_diary d;
        struct val_result r;
        val_diary_create(body, TODAY, &d, &r);
        assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"body"});
        assert_string_equal(r.errors[0].message, VAL_MSG_NOT_OBJECT);
        json_decref(body);
    }
    struct val_diary d;
    struct val_result r;
    val_diary_create(NULL, TODAY, &d, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"body"});
    val_diary_update(NULL, TODAY, &d, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"body"});
}

static void create_length_messages_are_korean(void **state)
{
    (void)state;
    json_t *body = base_diary();
    char *t = repeat("가", 101);
    json_object_set_new(body, "title", json_string(t));
    json_object_set_new(body, "tags",
                        json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "a", "b", "c", "d", "e", "f", "g", "h",
                                  "i", "j", "k"));
    struct val_diary d;
    struct val_result r;
    val_diary_create(body, TODAY, &d, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"title", "tags"});
    assert_string_equal(r.errors[0].message, "제목은 1자 이상 100자 이하여야 합니다.");
    assert_string_equal(r.errors[1].message, "태그는 10개 이하여야 합니다.");
    json_t *errs = val_errors_json(&r);
    assert_int_equal(json_array_size(errs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 1), "field")),
                        "tags");
    json_decref(errs);
    free(t);
    json_decref(body);
}

static void update_sets_only_the_flags_of_present_fields(void **state)
{
    (void)state;
    json_t *body = parse("{\"title\": \" 새 제목 \", \"mood\": \"설렘\"}");
    struct val_diary d;
    struct val_result r;
    val_diary_update(body, TODAY, &d, &r);
    assert_fails_exactly(&r, OK);
    assert_true(d.has_title && d.has_mood);
    assert_false(d.has_content || d.has_weather || d.has_published || d.has_tags);
    assert_view(d.title, "새 제목");
    assert_int_equal(d.mood, 3);
    assert_string_equal(d.mood_label, "설렘");
    json_decref(body);
}

static void update_null_or_empty_weather_mood_and_tags_clear_them(void **state)
{
    (void)state;
    const char *bodies[] = {
        "{\"weather\": null, \"mood\": null, \"tags\": null}",
        "{\"weather\": \"\", \"mood\": \"\", \"tags\": []}",
        "{\"weather\": \"  \", \"mood\": \"\\u3000\", \"tags\": []}",
    };
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        json_t *body = parse(bodies[i]);
        struct val_diary d;
        struct val_result r;
        val_diary_update(body, TODAY, &d, &r);
        assert_fails_exactly(&r, OK);
        assert_true(d.has_weather);
        assert_non_null(d.weather.p);
        assert_int_equal(d.weather.n, 0);
        assert_true(d.has_mood);
        assert_int_equal(d.mood, -1);
        assert_null(d.mood_label);
        assert_true(d.has_tags);
        assert_int_equal(d.ntags, 0);
        assert_false(d.has_title || d.has_content || d.has_published);
        json_decref(body);
    }
}

static void update_tags_replace_the_list_deduplicated(void **state)
{
    (void)state;
    json_t *body = parse("{\"tags\": [\"Rain\", \" rain \", \"비\", \"RAIN\"]}");
    struct val_diary d;
    struct val_result r;
    val_diary_update(body, TODAY, &d, &r);
    assert_fails_exactly(&r, OK);
    assert_true(d.has_tags);
    assert_int_equal(d.ntags, 2);
    assert_view(d.tags[0], "Rain");
    assert_view(d.tags[1], "비");
    json_decref(body);
}

static void update_nothing_to_change_message_is_korean(void **state)
{
    (void)state;
    json_t *body = json_object();
    struct val_diary d;
    struct val_result r;
    val_diary_update(body, TODAY, &d, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"body"});
    assert_string_equal(r.errors[0].message, "변경할 항목이 없습니다.");
    json_decref(body);
}

static void filters_fill_outputs_with_trimmed_views(void **state)
{
    (void)state;
    const char *tag = "  비 오는 날 ";
    const char *q = "\xe3\x80\x80우산 -눈 ";
    struct val_diary_filter f;
    struct val_result r;
    val_diary_filters("2024-01-31", "2024-02-29", " 슬픔", tag, q, &f, &r);
    assert_fails_exactly(&r, OK);
    assert_true(f.has_from && f.has_to && f.has_emotion && f.has_tag && f.has_q);
    assert_date(f.from, 2024, 1, 31);
    assert_date(f.to, 2024, 2, 29);
    assert_int_equal(f.emotion, 4);
    assert_string_equal(f.emotion_label, "슬픔");
    assert_view(f.tag, "비 오는 날");
    assert_true(f.tag.p == tag + 2);
    assert_view(f.q, "우산 -눈");

    val_diary_filters(NULL, "", NULL, " ", "", &f, &r);
    assert_fails_exactly(&r, OK);
    assert_false(f.has_from || f.has_to || f.has_emotion || f.has_tag || f.has_q);
    assert_int_equal(f.emotion, -1);
    assert_null(f.emotion_label);
    assert_int_equal(f.tag.n, 0);
    assert_int_equal(f.q.n, 0);
}

static void filters_error_messages_are_korean(void **state)
{
    (void)state;
    struct val_diary_filter f;
    struct val_result r;
    val_diary_filters("2024-06-02", "2024-06-01", "x", NULL, NULL, &f, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"to", "emotion"});
    assert_string_equal(r.errors[0].message, "종료일은 시작일보다 빠를 수 없습니다.");
    assert_string_equal(r.errors[1].message,
                        "감정은 걱정, 분노, 행복, 설렘, 슬픔 중 하나여야 합니다.");
    /* from is fine on its own and stays usable */
    assert_true(f.has_from);
    assert_false(f.has_to);
}

static void range_fills_dates_and_span_message_is_korean(void **state)
{
    (void)state;
    struct val_range g;
    struct val_result r;
    val_date_range("2024-02-28", "2024-03-01", &g, &r);
    assert_fails_exactly(&r, OK);
    assert_true(g.has_from && g.has_to);
    assert_date(g.from, 2024, 2, 28);
    assert_date(g.to, 2024, 3, 1);
    val_date_range("2020-01-01", "2024-01-01", &g, &r);
    assert_fails_exactly(&r, (const char *const[MAX_FAILS]){"to"});
    assert_string_equal(r.errors[0].message, "시작일과 종료일의 차이는 366일 이하여야 합니다.");
}

static void month_messages_are_korean(void **state)
{
    (void)state;
    int y, m;
    struct val_result r;
    val_month(NULL, &y, &m, &r);
    assert_string_equal(r.errors[0].message, "조회할 달을 입력해 주세요. (예: 2024-06)");
    val_month("2024-6", &y, &m, &r);
    assert_string_equal(r.errors[0].message, "달은 YYYY-MM 형식이어야 합니다.");
    val_month("2024-13", &y, &m, &r);
    assert_string_equal(r.errors[0].message, "존재하지 않는 달입니다.");
}

/* ---- emotion labels and calendar arithmetic ---- */

static void emotion_labels_are_in_the_fixed_order(void **state)
{
    (void)state;
    const char *want[] = {"걱정", "분노", "행복", "설렘", "슬픔"};
    assert_int_equal(VAL_EMOTION_COUNT, 5);
    for (int i = 0; i < VAL_EMOTION_COUNT; i++) {
        assert_string_equal(val_emotion_label(i), want[i]);
        assert_int_equal(val_emotion_index(want[i], strlen(want[i])), i);
    }
    assert_null(val_emotion_label(-1));
    assert_null(val_emotion_label(5));
    assert_int_equal(val_emotion_index(NULL, 0), -1);
    assert_int_equal(val_emotion_index("", 0), -1);
    assert_int_equal(val_emotion_index("행복", 3), -1);    /* a prefix is not the label */
    assert_int_equal(val_emotion_index("행복이다", 6), 2); /* n bounds the comparison */
    assert_int_equal(val_emotion_index(" 행복", strlen(" 행복")), -1); /* no trimming here */
}

static void date_next_rolls_over_months_years_and_leap_days(void **state)
{
    (void)state;
    static const struct {
        struct val_date d, want;
    } cases[] = {
        {{2024, 6, 15}, {2024, 6, 16}}, {{2024, 1, 31}, {2024, 2, 1}},
        {{2024, 2, 28}, {2024, 2, 29}}, {{2024, 2, 29}, {2024, 3, 1}},
        {{2023, 2, 28}, {2023, 3, 1}},  {{2000, 2, 28}, {2000, 2, 29}},
        {{1900, 2, 28}, {1900, 3, 1}},  {{2100, 2, 28}, {2100, 3, 1}},
        {{2024, 4, 30}, {2024, 5, 1}},  {{2024, 12, 31}, {2025, 1, 1}},
        {{1999, 12, 31}, {2000, 1, 1}}, {{2024, 11, 30}, {2024, 12, 1}},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct val_date n = val_date_next(cases[i].d);
        assert_date(n, cases[i].want.year, cases[i].want.month, cases[i].want.day);
    }
}

static void date_to_days_counts_from_the_unix_epoch(void **state)
{
    (void)state;
    assert_int_equal(val_date_to_days((struct val_date){1970, 1, 1}), 0);
    assert_int_equal(val_date_to_days((struct val_date){1969, 12, 31}), -1);
    assert_int_equal(val_date_to_days((struct val_date){2000, 3, 1}), 11017);
    assert_int_equal(val_date_to_days((struct val_date){2024, 1, 1}), 19723);
    assert_int_equal(val_date_to_days((struct val_date){1900, 3, 1}), -25508);
    assert_int_equal(val_date_to_days((struct val_date){1, 1, 1}), -719162);
    assert_int_equal(val_date_to_days((struct val_date){9999, 12, 31}), 2932896);
}

/* from_days inverts to_days over the whole supported range (walked with next()), formats
 * as YYYY-MM-DD, and refuses days outside 0001-01-01 .. 9999-12-31. */
static void date_from_days_inverts_to_days_and_formats(void **state)
{
    (void)state;
    struct val_date d = {1, 1, 1}, back;
    for (long long days = -719162; days <= 2932896; days++) {
        assert_true(val_date_from_days(days, &back));
        assert_int_equal(val_date_cmp(back, d), 0);
        d = val_date_next(d);
    }
    char out[11];
    assert_true(val_date_from_days(19723, &back));
    val_date_format(back, out);
    assert_string_equal(out, "2024-01-01");
    val_date_format((struct val_date){1, 2, 3}, out);
    assert_string_equal(out, "0001-02-03");
    assert_false(val_date_from_days(-719163, &back));
    assert_int_equal(back.year, 0);
    assert_false(val_date_from_days(2932897, &back));
}

/* Every day from 1899 to 2101: next() is a valid date one day later and ordered after it,
 * and walking it visits exactly the valid dates. */
static void date_next_and_to_days_agree_on_every_day_of_three_centuries(void **state)
{
    (void)state;
    struct val_date d = {1899, 1, 1};
    long long days = val_date_to_days(d);
    size_t visited = 0;
    while (d.year < 2102) {
        assert_true(val_date_valid(d.year, d.month, d.day));
        struct val_date n = val_date_next(d);
        assert_true(val_date_valid(n.year, n.month, n.day));
        assert_int_equal(val_date_cmp(d, n), -1);
        assert_int_equal(val_date_to_days(n), days + 1);
        d = n;
        days++;
        visited++;
    }
    size_t want = 0;
    for (int y = 1899; y < 2102; y++)
        for (int m = 1; m <= 12; m++)
            for (int day = 1; day <= 31; day++)
                want += val_date_valid(y, m, day);
    assert_int_equal(visited, want);
}

static void date_parse_reads_exactly_ten_bytes(void **state)
{
    (void)state;
    struct val_date d;
    assert_true(val_date_parse("2024-02-29", 10, &d));
    assert_date(d, 2024, 2, 29);
    /* s need not be NUL-terminated: only n bytes are read */
    assert_true(val_date_parse("2024-06-15T12:00:00Z", 10, &d));
    assert_date(d, 2024, 6, 15);
    assert_false(val_date_parse("2024-06-15", 9, &d));
    assert_date(d, 0, 0, 0);
    assert_false(val_date_parse("2023-02-29", 10, &d));
    assert_date(d, 0, 0, 0);
    assert_false(val_date_parse(NULL, 10, &d));
    assert_false(val_date_parse("", 0, &d));
}

/*
 * Hostile values in every field of every validator: no crash, no sanitizer report, and the
 * result is always consistent (an error table iff a 400; every error names a field).
 */
static void assert_consistent(const struct val_result *r)
{
    assert_true((r->status == STATUS_OK) == (r->nerrors == 0));
    assert_true(r->status == STATUS_OK || r->status == STATUS_BAD_REQUEST);
    for (size_t i = 0; i < r->nerrors; i++)
        assert_true(r->errors[i].field && r->errors[i].message);
    json_t *errs = val_errors_json(r);
    assert_non_null(errs);
    assert_int_equal(json_array_size(errs), r->nerrors);
    json_decref(errs);
}

static void hostile_body_values_never_crash_and_give_consistent_results(void **state)
{
    (void)state;
    static const char *const keys[] = {"title",         "content", "weather",
                                       "publishedDate", "mood",    "tags"};
    static const char *const values[] = {
        "[]",
        "{}",
        "{\"a\": [{\"b\": [1, 2, {}]}]}",
        "[[[[[[[[[[]]]]]]]]]]",
        "[\"a\", [\"b\"], {\"c\": 1}, null, 1.5]",
        "[\"\\u0000\", \"\\ud83d\\ude00\", \"\\ufeff\"]",
        "[\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"]",
        "1e308",
        "-1e308",
        "0.0",
        "9223372036854775807",
        "-9223372036854775808",
        "0",
        "true",
        "false",
        "null",
        "\"\"",
        "\"\\u0000\"",
        "\"\\ufeff\"",
        "\"\\ud83d\\ude00\"",
        "\"\\u3000\"",
        "\"9999-12-31\"",
        "\"0000-00-00\"",
        "\"-001-01-01\"",
        "\"2024-02-3\\u0000\"",
        "\"행복\\u0000행복\"",
    };
    size_t big_n = 100000;
    char *big = repeat("가", big_n);
    json_t *many = json_array(); /* a big array of identical tags */
    for (size_t i = 0; i < 10000; i++)
        json_array_append_new(many, json_string("tag"));
    const struct val_date todays[] = {{2024, 6, 15}, {2024, 12, 31}, {9999, 12, 31}, {1, 1, 1}};
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        for (size_t v = 0; v < ARRAY_LEN(values) + 3; v++) {
            json_t *val = v < ARRAY_LEN(values)        ? parse(values[v])
                          : v == ARRAY_LEN(values)     ? json_string(big)
                          : v == ARRAY_LEN(values) + 1 ? json_incref(many)
                                                       : json_pack("[s]", big);
            assert_non_null(val);
            json_t *body = base_diary();
            json_object_set(body, keys[k], val);
            json_t *alone = json_object();
            json_object_set(alone, keys[k], val);
            for (size_t t = 0; t < ARRAY_LEN(todays); t++) {
                struct val_diary d;
                struct val_result r;
                val_diary_create(body, todays[t], &d, &r);
                assert_consistent(&r);
                assert_true(d.ntags <= VAL_DIARY_TAGS_MAX);
                val_diary_update(alone, todays[t], &d, &r);
                assert_consistent(&r);
                assert_true(d.ntags <= VAL_DIARY_TAGS_MAX);
                val_diary_create(val, todays[t], &d, &r); /* the value as a whole body */
                assert_consistent(&r);
            }
            json_decref(alone);
            json_decref(body);
            json_decref(val);
        }
    }
    json_decref(many);
    free(big);
}

static void hostile_query_values_never_crash_and_give_consistent_results(void **state)
{
    (void)state;
    static const char *const values[] = {
        "",
        " ",
        "\t",
        "\xff",
        "\xc0\x80",
        "\xed\xa0\x80",
        "\xf4\x90\x80\x80",
        "\xe3\x80",
        "%00",
        "2024-02-30",
        "9999-99-99",
        "0000-00-00",
        "2024-06-15",
        "2024-06",
        "-2024-06-15",
        "2024-06-15\n",
        "행복",
        "걱정 분노",
        "\x7f",
        "a\x1b[31m",
        "2024-06-15 2024-06-16",
    };
    char *big = repeat("가", 100000);
    for (size_t v = 0; v < ARRAY_LEN(values) + 1; v++) {
        const char *s = v < ARRAY_LEN(values) ? values[v] : big;
        for (int pos = 0; pos < 5; pos++) {
            const char *p[5] = {NULL, NULL, NULL, NULL, NULL};
            p[pos] = s;
            struct val_diary_filter f;
            struct val_result r;
            val_diary_filters(p[0], p[1], p[2], p[3], p[4], &f, &r);
            assert_consistent(&r);
            val_diary_filters(s, s, s, s, s, &f, &r);
            assert_consistent(&r);
        }
        int y, m;
        struct val_result r;
        val_month(s, &y, &m, &r);
        assert_consistent(&r);
        struct val_range g;
        val_date_range(s, NULL, &g, &r);
        assert_consistent(&r);
        val_date_range("2024-06-15", s, &g, &r);
        assert_consistent(&r);
        val_date_range(s, s, &g, &r);
        assert_consistent(&r);
    }
    free(big);
}

/* ---- registration: fixed tests, then one named test per table row ---- */

static const struct CMUnitTest fixed_tests[] = {
    cmocka_unit_test(create_valid_body_fills_every_output),
    cmocka_unit_test(create_without_optionals_has_empty_non_null_outputs),
    cmocka_unit_test(create_with_blank_weather_has_no_weather),
    cmocka_unit_test(create_empty_object_lists_every_required_field),
    cmocka_unit_test(create_non_object_bodies_are_one_body_error),
    cmocka_unit_test(create_length_messages_are_korean),
    cmocka_unit_test(update_sets_only_the_flags_of_present_fields),
    cmocka_unit_test(update_null_or_empty_weather_mood_and_tags_clear_them),
    cmocka_unit_test(update_tags_replace_the_list_deduplicated),
    cmocka_unit_test(update_nothing_to_change_message_is_korean),
    cmocka_unit_test(filters_fill_outputs_with_trimmed_views),
    cmocka_unit_test(filters_error_messages_are_korean),
    cmocka_unit_test(range_fills_dates_and_span_message_is_korean),
    cmocka_unit_test(month_messages_are_korean),
    cmocka_unit_test(emotion_labels_are_in_the_fixed_order),
    cmocka_unit_test(date_next_rolls_over_months_years_and_leap_days),
    cmocka_unit_test(date_to_days_counts_from_the_unix_epoch),
    cmocka_unit_test(date_from_days_inverts_to_days_and_formats),
    cmocka_unit_test(date_next_and_to_days_agree_on_every_day_of_three_centuries),
    cmocka_unit_test(date_parse_reads_exactly_ten_bytes),
    cmocka_unit_test(hostile_body_values_never_crash_and_give_consistent_results),
    cmocka_unit_test(hostile_query_values_never_crash_and_give_consistent_results),
};

#define N_TESTS                                                                                    \
    (ARRAY_LEN(fixed_tests) + ARRAY_LEN(create_cases) + ARRAY_LEN(len_cases) +                     \
     ARRAY_LEN(date_cases) + ARRAY_LEN(mood_cases) + ARRAY_LEN(tags_cases) +                       \
     ARRAY_LEN(update_cases) + ARRAY_LEN(filter_cases) + ARRAY_LEN(month_cases) +                  \
     ARRAY_LEN(range_cases))

static struct CMUnitTest all_tests[N_TESTS];

static size_t add_row(size_t n, const char *name, CMUnitTestFunction fn, const void *row)
{
    /* cmocka hands initial_state to the test as *state; it is only read */
    all_tests[n] =
        (struct CMUnitTest){.name = name, .test_func = fn, .initial_state = (void *)(uintptr_t)row};
    return n + 1;
}

#define ADD_TABLE(table, fn)                                                                       \
    for (size_t i = 0; i < ARRAY_LEN(table); i++)                                                  \
    n = add_row(n, table[i].name, fn, &table[i])

int main(void)
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(fixed_tests); i++)
        all_tests[n++] = fixed_tests[i];
    ADD_TABLE(create_cases, run_create_case);
    ADD_TABLE(len_cases, run_len_case);
    ADD_TABLE(date_cases, run_date_case);
    ADD_TABLE(mood_cases, run_mood_case);
    ADD_TABLE(tags_cases, run_tags_case);
    ADD_TABLE(update_cases, run_update_case);
    ADD_TABLE(filter_cases, run_filter_case);
    ADD_TABLE(month_cases, run_month_case);
    ADD_TABLE(range_cases, run_range_case);
    /* The table is built at run time, so call the function cmocka_run_group_tests expands to
     * with the real count. */
    return _cmocka_run_group_tests("validate_diaries", all_tests, n, NULL, NULL);
}

/*
 * test_reports.c - the pure rules of the diary calendar, stats and Markdown export: dominant
 * emotion of a day (summed scores, ties to the earlier label), streaks (gaps, duplicates,
 * today/yesterday/tomorrow, ties of longest runs), weekdays, DECIMAL parsing and rounding,
 * and Markdown that renders user text literally.
 */
#include "eeum/reports.h"
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

static long long day_of(int y, int m, int d)
{
    struct val_date v = {y, m, d};
    return val_date_to_days(v);
}

/* ---- dominant emotion ---- */

static void dominant_is_the_highest_sum(void **state)
{
    (void)state;
    /* two diaries: 행복 80 + 10, 슬픔 10 + 70 -> 행복 90 vs 슬픔 80 */
    int64_t sums[REPORTS_LABELS] = {500, 500, 9000, 0, 8000};
    assert_int_equal(reports_dominant(sums, 2), 2);
}

static void dominant_is_not_the_most_frequent_top_label(void **state)
{
    (void)state;
    /* three diaries with top 걱정 (40 each) and one with 슬픔 100: sums 걱정 120, 슬픔 100 +
     * 3 x 20 = 160 -> 슬픔, although 걱정 was the top label three times */
    int64_t sums[REPORTS_LABELS] = {12000, 6000, 6000, 6000, 16000};
    assert_int_equal(reports_dominant(sums, 4), 4);
}

static void dominant_ties_go_to_the_earlier_label(void **state)
{
    (void)state;
    int64_t all_equal[REPORTS_LABELS] = {2000, 2000, 2000, 2000, 2000};
    assert_int_equal(reports_dominant(all_equal, 1), 0);
    int64_t happy_sad[REPORTS_LABELS] = {0, 0, 5000, 0, 5000};
    assert_int_equal(reports_dominant(happy_sad, 1), 2);
    int64_t angry_excited[REPORTS_LABELS] = {1000, 4000, 1000, 4000, 0};
    assert_int_equal(reports_dominant(angry_excited, 1), 1);
    /* one hundredth decides */
    int64_t by_one[REPORTS_LABELS] = {0, 0, 4999, 5001, 0};
    assert_int_equal(reports_dominant(by_one, 1), 3);
}

static void dominant_of_a_day_without_analysis_is_none(void **state)
{
    (void)state;
    int64_t zero[REPORTS_LABELS] = {0};
    assert_int_equal(reports_dominant(zero, 0), -1);
    /* sums are ignored when nothing was analysed */
    int64_t junk[REPORTS_LABELS] = {1, 2, 3, 4, 5};
    assert_int_equal(reports_dominant(junk, 0), -1);
}

/* ---- streaks ---- */

static void no_days_no_streaks(void **state)
{
    (void)state;
    struct reports_streaks s;
    reports_streaks(NULL, 0, 100, &s);
    assert_int_equal(s.current, 0);
    assert_int_equal(s.longest, 0);
}

static void streak_ending_today_is_current(void **state)
{
    (void)state;
    long long d[] = {95, 96, 97, 98, 99, 100};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.current, 6);
    assert_int_equal(s.current_first, 95);
    assert_int_equal(s.current_last, 100);
    assert_int_equal(s.longest, 6);
}

static void streak_ending_yesterday_is_still_current(void **state)
{
    (void)state;
    long long d[] = {97, 98, 99};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.current_last, 99);
}

static void streak_ending_two_days_ago_is_broken(void **state)
{
    (void)state;
    long long d[] = {96, 97, 98};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.current, 0);
    assert_int_equal(s.current_first, 0);
    assert_int_equal(s.longest, 3);
    assert_int_equal(s.longest_first, 96);
    assert_int_equal(s.longest_last, 98);
}

static void diary_dated_tomorrow_extends_the_current_streak(void **state)
{
    (void)state;
    long long d[] = {99, 100, 101};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.current_last, 101);
    /* tomorrow alone, today missing: the run of tomorrow is current (1 day) */
    long long e[] = {98, 99, 101};
    reports_streaks(e, ARRAY_LEN(e), 100, &s);
    assert_int_equal(s.current, 1);
    assert_int_equal(s.current_first, 101);
    assert_int_equal(s.longest, 2);
}

static void several_diaries_a_day_count_the_day_once(void **state)
{
    (void)state;
    long long d[] = {98, 98, 98, 99, 100, 100};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.longest, 3);
}

static void gaps_split_runs_and_longest_is_found_anywhere(void **state)
{
    (void)state;
    /* runs: 10-14 (5), 20-21 (2), 30-37 (8), 99-100 (2) */
    long long d[] = {10, 11, 12, 13, 14, 20, 21, 30, 31, 32, 33, 34, 35, 36, 37, 99, 100};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.longest, 8);
    assert_int_equal(s.longest_first, 30);
    assert_int_equal(s.longest_last, 37);
    assert_int_equal(s.current, 2);
    assert_int_equal(s.current_first, 99);
}

static void back_dated_diary_filling_a_gap_joins_two_runs(void **state)
{
    (void)state;
    long long before[] = {95, 96, 98, 99, 100};
    struct reports_streaks s;
    reports_streaks(before, ARRAY_LEN(before), 100, &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.longest, 3);
    long long after[] = {95, 96, 97, 98, 99, 100}; /* 97 written later, back-dated */
    reports_streaks(after, ARRAY_LEN(after), 100, &s);
    assert_int_equal(s.current, 6);
    assert_int_equal(s.longest, 6);
    assert_int_equal(s.longest_first, 95);
}

static void equally_long_runs_report_the_latest(void **state)
{
    (void)state;
    long long d[] = {1, 2, 3, 10, 11, 12, 50};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), 100, &s);
    assert_int_equal(s.longest, 3);
    assert_int_equal(s.longest_first, 10);
    assert_int_equal(s.longest_last, 12);
    assert_int_equal(s.current, 0);
}

static void single_day_today_is_a_streak_of_one(void **state)
{
    (void)state;
    long long d[] = {100};
    struct reports_streaks s;
    reports_streaks(d, 1, 100, &s);
    assert_int_equal(s.current, 1);
    assert_int_equal(s.longest, 1);
}

static void streaks_cross_month_and_year_boundaries(void **state)
{
    (void)state;
    long long d[] = {day_of(2023, 12, 30), day_of(2023, 12, 31), day_of(2024, 1, 1),
                     day_of(2024, 2, 28),  day_of(2024, 2, 29),  day_of(2024, 3, 1)};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), day_of(2024, 3, 2), &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.current_first, day_of(2024, 2, 28));
    assert_int_equal(s.longest, 3);
    assert_int_equal(s.longest_first, day_of(2024, 2, 28));
}

static void days_before_1970_work(void **state)
{
    (void)state;
    long long d[] = {day_of(1969, 12, 30), day_of(1969, 12, 31), day_of(1970, 1, 1)};
    struct reports_streaks s;
    reports_streaks(d, ARRAY_LEN(d), day_of(1970, 1, 2), &s);
    assert_int_equal(s.current, 3);
    assert_int_equal(s.current_first, day_of(1969, 12, 30));
}

/* ---- weekdays ---- */

static void weekdays_of_known_dates(void **state)
{
    (void)state;
    assert_int_equal(reports_weekday(day_of(1970, 1, 1)), 3);   /* Thursday */
    assert_int_equal(reports_weekday(day_of(2024, 6, 15)), 5);  /* Saturday */
    assert_int_equal(reports_weekday(day_of(2024, 6, 17)), 0);  /* Monday */
    assert_int_equal(reports_weekday(day_of(2026, 11, 29)), 6); /* Sunday */
    assert_int_equal(reports_weekday(day_of(1969, 12, 31)), 2); /* Wednesday */
    assert_int_equal(reports_weekday(day_of(1900, 1, 1)), 0);   /* Monday */
    assert_string_equal(reports_weekday_name(0), "MONDAY");
    assert_string_equal(reports_weekday_name(6), "SUNDAY");
    assert_null(reports_weekday_name(7));
    assert_null(reports_weekday_name(-1));
}

static void day_numbers_format_back_into_dates(void **state)
{
    (void)state;
    char out[11];
    static const struct val_date dates[] = {{1970, 1, 1},  {1969, 12, 31}, {2000, 2, 29},
                                            {2024, 2, 29}, {2024, 3, 1},   {2100, 3, 1},
                                            {1, 1, 1},     {9999, 12, 31}, {1900, 2, 28}};
    for (size_t i = 0; i < ARRAY_LEN(dates); i++) {
        char want[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", dates[i].year, dates[i].month, dates[i].day);
        assert_true(reports_day_format(val_date_to_days(dates[i]), out));
        assert_string_equal(out, want);
    }
    /* every day of four centuries round-trips through the validators' arithmetic */
    struct val_date d = {1899, 12, 25};
    for (int i = 0; i < 146097 + 400; i++) {
        char want[11];
        snprintf(want, sizeof want, "%04d-%02d-%02d", d.year, d.month, d.day);
        assert_true(reports_day_format(val_date_to_days(d), out));
        if (strcmp(out, want) != 0)
            fail_msg("day %lld: got %s want %s", val_date_to_days(d), out, want);
        d = val_date_next(d);
    }
    assert_false(reports_day_format(val_date_to_days((struct val_date){1, 1, 1}) - 1, out));
    assert_string_equal(out, "");
    assert_false(reports_day_format(val_date_to_days((struct val_date){9999, 12, 31}) + 1, out));
}

/* ---- numbers ---- */

static void decimals_parse_exactly_into_hundredths(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool ok;
        int64_t v;
    } cases[] = {
        {"0.00", true, 0},
        {"100.00", true, 10000},
        {"33.33", true, 3333},
        {"12.3", true, 1230},
        {"7", true, 700},
        {"0.05", true, 5},
        {"999999999999999.99", true, 99999999999999999},
        {"1234567890123456", false, 0},
        {"", false, 0},
        {"-1.00", false, 0},
        {"1.234", false, 0},
        {"1.", false, 0},
        {".5", false, 0},
        {" 1.00", false, 0},
        {"1.00 ", false, 0},
        {"1e2", false, 0},
        {"abc", false, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int64_t v = -1;
        bool ok = reports_parse_centi(cases[i].s, &v);
        if (ok != cases[i].ok || (ok && v != cases[i].v))
            fail_msg("\"%s\": ok %d value %lld", cases[i].s, ok, (long long)v);
    }
    int64_t v = -1;
    assert_false(reports_parse_centi(NULL, &v));
    assert_int_equal(v, 0);
}

static void means_round_half_up_in_hundredths(void **state)
{
    (void)state;
    assert_int_equal(reports_mean_centi(10000, 3), 3333); /* 33.333 */
    assert_int_equal(reports_mean_centi(20000, 3), 6667); /* 66.667 */
    assert_int_equal(reports_mean_centi(5, 2), 3);        /* 0.025 -> 0.03 */
    assert_int_equal(reports_mean_centi(0, 5), 0);
    assert_int_equal(reports_mean_centi(1234, 0), 0);
    assert_int_equal(reports_mean_centi(10000, 1), 10000);
}

/* ---- Markdown ---- */

static char *md(const char *s, bool multiline)
{
    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    assert_true(reports_md_text(&sb, s, strlen(s), multiline));
    char *out = strbuf_steal(&sb);
    return out ? out : calloc(1, 1);
}

static void expect_md(const char *in, bool multiline, const char *want)
{
    char *got = md(in, multiline);
    if (strcmp(got, want) != 0)
        fail_msg("markdown of [%s]:\n got [%s]\nwant [%s]", in, got, want);
    free(got);
}

static void markdown_plain_korean_text_is_unchanged(void **state)
{
    (void)state;
    expect_md("오늘은 맑았다. 떡볶이를 먹었다!", true, "오늘은 맑았다. 떡볶이를 먹었다!");
    expect_md("", true, "");
}

static void markdown_inline_syntax_is_escaped(void **state)
{
    (void)state;
    expect_md("*굵게* _기울임_ `코드` [링크](http://x) <b>태그</b> a|b ~~취소~~ & \\", false,
              "\\*굵게\\* \\_기울임\\_ \\`코드\\` \\[링크\\](http://x) \\<b\\>태그\\</b\\> a\\|b "
              "\\~\\~취소\\~\\~ \\& \\\\");
    expect_md("<script>alert(1)</script>", false, "\\<script\\>alert(1)\\</script\\>");
    expect_md("제목 #", false, "제목 \\#");
}

static void markdown_block_markers_at_line_start_are_neutralised(void **state)
{
    (void)state;
    expect_md("# 제목\n> 인용\n- 목록\n+ 목록\n1. 번호\n12) 번호\n===\n---", true,
              "\\# 제목\\\n\\> 인용\\\n\\- 목록\\\n\\+ 목록\\\n1\\. 번호\\\n12\\) 번호\\\n\\===\\\n"
              "\\---");
    /* not at the start of a line: left alone */
    expect_md("3-4개, 2.5인분, a+b=c", true, "3-4개, 2.5인분, a+b=c");
    /* a number not followed by . or ) stays */
    expect_md("2024년", true, "2024년");
}

static void markdown_leading_blanks_never_make_code_blocks(void **state)
{
    (void)state;
    expect_md("    들여쓴 줄\n\t탭", true, "&#32;&#32;&#32;&#32;들여쓴 줄\\\n&#9;탭");
    expect_md("  - 목록처럼", true, "&#32;&#32;\\- 목록처럼");
}

static void markdown_line_breaks_are_kept(void **state)
{
    (void)state;
    expect_md("첫 줄\n둘째 줄\n\n새 문단", true, "첫 줄\\\n둘째 줄\n\n새 문단");
    expect_md("a\r\nb\rc", true, "a\\\nb\\\nc");
    expect_md("a\n\n\nb", true, "a\n\n\nb");
    /* single-line fields: breaks become spaces */
    expect_md("a\nb", false, "a b");
}

static void markdown_diary_section_lists_fields_and_analysis(void **state)
{
    (void)state;
    const char *tags[] = {"산책", "C#"};
    struct reports_md_diary d = {
        .title = "좋은 *날*",
        .content = "오늘은\n맑았다.",
        .weather = "맑음",
        .published = "2024-06-15",
        .mood = 2,
        .tags = tags,
        .ntags = 2,
        .status = "done",
        .has_scores = true,
        .centi = {1000, 500, 7000, 1000, 500},
        .emotion = 2,
        .food = "떡볶이",
    };
    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    assert_true(reports_md_header(&sb, "2026-11-28T13:00:00Z", 1));
    assert_true(reports_md_diary(&sb, &d));
    const char *want = "# 이음 일기 내보내기\n\n"
                       "- 내보낸 시각: 2026-11-28T13:00:00Z\n"
                       "- 일기 수: 1\n"
                       "\n---\n\n"
                       "## 2024-06-15 · 좋은 \\*날\\*\n\n"
                       "- 날씨: 맑음\n"
                       "- 기분: 행복\n"
                       "- 태그: 산책, C\\#\n"
                       "- 감정 분석: 행복 (걱정 10.00 · 분노 5.00 · 행복 70.00 · 설렘 10.00 · "
                       "슬픔 5.00)\n"
                       "- 추천 야식: 떡볶이\n"
                       "\n"
                       "오늘은\\\n맑았다.\n";
    if (strcmp(sb.data, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", sb.data, want);
    strbuf_free(&sb);
}

static void markdown_diary_without_analysis_says_so(void **state)
{
    (void)state;
    struct reports_md_diary d = {
        .title = "제목",
        .content = "내용",
        .published = "2024-06-16",
        .mood = -1,
        .status = "pending",
        .emotion = -1,
    };
    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    assert_true(reports_md_diary(&sb, &d));
    assert_string_equal(sb.data,
                        "\n---\n\n## 2024-06-16 · 제목\n\n- 감정 분석: 분석 대기 중\n\n내용\n");
    strbuf_reset(&sb);
    d.status = "failed";
    assert_true(reports_md_diary(&sb, &d));
    assert_non_null(strstr(sb.data, "- 감정 분석: 분석 실패\n"));
    strbuf_reset(&sb);
    /* an older analysis stays visible while the new version is analysed */
    d.status = "pending";
    d.has_scores = true;
    d.emotion = 4;
    int64_t c[REPORTS_LABELS] = {0, 0, 0, 0, 10000};
    memcpy(d.centi, c, sizeof c);
    assert_true(reports_md_diary(&sb, &d));
    assert_non_null(strstr(sb.data, "- 감정 분석: 슬픔 (걱정 0.00 · 분노 0.00 · 행복 0.00 · "
                                    "설렘 0.00 · 슬픔 100.00) — 다시 분석 중\n"));
    strbuf_free(&sb);
}

static void markdown_stops_cleanly_at_the_buffer_cap(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 8);
    assert_false(reports_md_text(&sb, "가나다라마바사", strlen("가나다라마바사"), true));
    assert_true(sb.len <= 8);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dominant_is_the_highest_sum),
        cmocka_unit_test(dominant_is_not_the_most_frequent_top_label),
        cmocka_unit_test(dominant_ties_go_to_the_earlier_label),
        cmocka_unit_test(dominant_of_a_day_without_analysis_is_none),
        cmocka_unit_test(no_days_no_streaks),
        cmocka_unit_test(streak_ending_today_is_current),
        cmocka_unit_test(streak_ending_yesterday_is_still_current),
        cmocka_unit_test(streak_ending_two_days_ago_is_broken),
        cmocka_unit_test(diary_dated_tomorrow_extends_the_current_streak),
        cmocka_unit_test(several_diaries_a_day_count_the_day_once),
        cmocka_unit_test(gaps_split_runs_and_longest_is_found_anywhere),
        cmocka_unit_test(back_dated_diary_filling_a_gap_joins_two_runs),
        cmocka_unit_test(equally_long_runs_report_the_latest),
        cmocka_unit_test(single_day_today_is_a_streak_of_one),
        cmocka_unit_test(streaks_cross_month_and_year_boundaries),
        cmocka_unit_test(days_before_1970_work),
        cmocka_unit_test(weekdays_of_known_dates),
        cmocka_unit_test(day_numbers_format_back_into_dates),
        cmocka_unit_test(decimals_parse_exactly_into_hundredths),
        cmocka_unit_test(means_round_half_up_in_hundredths),
        cmocka_unit_test(markdown_plain_korean_text_is_unchanged),
        cmocka_unit_test(markdown_inline_syntax_is_escaped),
        cmocka_unit_test(markdown_block_markers_at_line_start_are_neutralised),
        cmocka_unit_test(markdown_leading_blanks_never_make_code_blocks),
        cmocka_unit_test(markdown_line_breaks_are_kept),
        cmocka_unit_test(markdown_diary_section_lists_fields_and_analysis),
        cmocka_unit_test(markdown_diary_without_analysis_says_so),
        cmocka_unit_test(markdown_stops_cleanly_at_the_buffer_cap),
    };
    return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}

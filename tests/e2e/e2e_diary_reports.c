/*
 * e2e_diary_reports.c - the diary calendar, stats, streaks, export and import seen from a
 * frontend: the dominant emotion of a day (highest summed score, ties to the earlier label,
 * null before any analysis), counts/means/weekdays of a range, streaks on crafted dates
 * (back-dated diaries, gaps, today/yesterday/tomorrow, trash), JSON and Markdown exports, the
 * export -> import -> export round trip into another account, duplicates, all-or-nothing
 * imports with an outbox row per diary, privacy, and the 4xx paths.
 *
 * Analyses are crafted: the test writes diary_emotions rows (and analysis_status) itself with
 * the MariaDB client, using the stack's DB_* credentials (var/<profile>/eeum.env, from
 * secrets.env), so that scores are exact. When an eeum-analyzer consumes the queue
 * (EEUM_START_ANALYZER=1), the test first waits until it has analysed the diaries, then
 * overwrites (or removes) its rows; the analyzer never writes a version twice.
 */
#include "e2e_client.h"

#include <curl/curl.h>
#include <mysql.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define SETTLE_MS 60000 /* how long an analyzer may take for a test's diaries */

static MYSQL *DB;

static const char *const LABELS[5] = {"걱정", "분노", "행복", "설렘", "슬픔"};
static const char *const SCORE_KEYS[5] = {"worryScore", "angryScore", "happyScore", "excitedScore",
                                          "sadScore"};

/* ---- dates in APP_TZ ---------------------------------------------------------------------- */

/* Today in APP_TZ shifted by `days`, as "YYYY-MM-DD" (noon UTC arithmetic: no DST edge). */
static void app_day(int days, char out[11])
{
    const char *tz = getenv("APP_TZ");
    setenv("TZ", tz && *tz ? tz : "Asia/Seoul", 1);
    tzset();
    time_t now = time(NULL);
    struct tm t;
    assert_non_null(localtime_r(&now, &t));
    struct tm u = {
        .tm_year = t.tm_year, .tm_mon = t.tm_mon, .tm_mday = t.tm_mday + days, .tm_hour = 12};
    time_t x = timegm(&u);
    assert_non_null(gmtime_r(&x, &u));
    assert_int_equal(strftime(out, 11, "%Y-%m-%d", &u), 10);
}

/* ---- HTTP helpers --------------------------------------------------------------------------- */

static void get_ok(const char *path, const char *token, struct e2e_resp *r)
{
    assert_int_equal(e2e_get(path, token, r), 0);
    e2e_expect_status(r, 200, path);
}

static void expect_get_error(const char *path, const char *token, long status, const char *field)
{
    struct e2e_resp r;
    assert_int_equal(e2e_get(path, token, &r), 0);
    if (field)
        e2e_expect_field_error(&r, status, field, path);
    else {
        e2e_expect_status(&r, status, path);
        e2e_assert_error(&r, status);
    }
    e2e_resp_free(&r);
}

/* POST /api/diaries; returns the id. mood/weather may be NULL; tags NULL = none. */
static uint64_t diary_full(const char *token, const char *date, const char *title,
                           const char *content, const char *weather, const char *mood,
                           json_t *tags /* stolen */)
{
    json_t *b =
        json_pack("{s:s,s:s,s:s}", "title", title, "content", content, "publishedDate", date);
    if (weather)
        json_object_set_new(b, "weather", json_string(weather));
    if (mood)
        json_object_set_new(b, "mood", json_string(mood));
    if (tags)
        json_object_set_new(b, "tags", tags);
    struct e2e_resp r;
    assert_int_equal(e2e_jsonv("POST", "/api/diaries", token, b, &r), 0);
    json_decref(b);
    e2e_expect_status(&r, 201, "create diary");
    uint64_t id = (uint64_t)e2e_int_at(e2e_item_of(&r), "id");
    e2e_resp_free(&r);
    return id;
}

static uint64_t diary(const char *token, const char *date)
{
    char title[64];
    snprintf(title, sizeof title, "일기 %s %s", date, e2e_unique());
    return diary_full(token, date, title, "오늘의 이야기", NULL, NULL, NULL);
}

static void delete_diary(const char *token, uint64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%llu", (unsigned long long)id);
    struct e2e_resp r;
    assert_int_equal(e2e_json("DELETE", path, token, NULL, &r), 0);
    e2e_expect_status(&r, 200, "delete diary");
    e2e_resp_free(&r);
}

/* ---- crafted analyses -------------------------------------------------------------------------
 */

/* Runs the formatted statement; its result set (NULL when it has none), caller frees. */
static MYSQL_RES *vsql(const char *fmt, va_list ap)
{
    char q[1024];
    int n = vsnprintf(q, sizeof q, fmt, ap);
    assert_true(n > 0 && (size_t)n < sizeof q);
    if (mysql_real_query(DB, q, (unsigned long)n) != 0)
        fail_msg("SQL failed: %s [%s]", mysql_error(DB), q);
    return mysql_store_result(DB);
}

static void sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sql(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mysql_free_result(vsql(fmt, ap));
    va_end(ap);
}

/* The first column of the first row as a number (-1 when NULL or no row). */
static long long sql_count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long sql_count(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    MYSQL_RES *res = vsql(fmt, ap);
    va_end(ap);
    assert_non_null(res);
    MYSQL_ROW row = mysql_fetch_row(res);
    long long v = row && row[0] ? strtoll(row[0], NULL, 10) : -1;
    mysql_free_result(res);
    return v;
}

static bool analyzer_runs(void)
{
    const char *a = getenv("EEUM_START_ANALYZER");
    return a && strcmp(a, "1") == 0;
}

/* With an analyzer running: wait until it has finished with every diary (status not pending),
 * so that its writes cannot land on top of the crafted ones. */
static void settle(const char *token, const uint64_t *ids, size_t n)
{
    if (!analyzer_runs())
        return;
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/diaries/%llu", (unsigned long long)ids[i]);
        for (long waited = 0;; waited += 100) {
            struct e2e_resp r;
            get_ok(path, token, &r);
            const char *st = e2e_str_at(json_object_get(e2e_item_of(&r), "analysis"), "status");
            bool pending = !st || strcmp(st, "pending") == 0;
            e2e_resp_free(&r);
            if (!pending)
                break;
            if (waited > SETTLE_MS)
                fail_msg("the analyzer left diary %llu pending for %d ms",
                         (unsigned long long)ids[i], SETTLE_MS);
            e2e_sleep_ms(100);
        }
    }
}

/* Give diary `id` the analysis `pct` (percent, 2 decimals as hundredths; top = argmax with
 * ties to the earlier label) for its current version, status done. */
static void set_analysis(uint64_t id, const int pct[5])
{
    int top = 0;
    for (int k = 1; k < 5; k++)
        if (pct[k] > pct[top])
            top = k;
    sql("INSERT INTO diary_emotions (diary_id, diary_version, worry_score, angry_score,"
        " happy_score, excited_score, sad_score, top_emotion, analyzer_version, analyzed_at)"
        " SELECT id, version, %d.%02d, %d.%02d, %d.%02d, %d.%02d, %d.%02d, '%s', 'e2e-crafted',"
        " NOW(3) FROM diaries WHERE id = %llu"
        " ON DUPLICATE KEY UPDATE diary_version = VALUES(diary_version),"
        " worry_score = VALUES(worry_score), angry_score = VALUES(angry_score),"
        " happy_score = VALUES(happy_score), excited_score = VALUES(excited_score),"
        " sad_score = VALUES(sad_score), top_emotion = VALUES(top_emotion),"
        " analyzer_version = VALUES(analyzer_version), analyzed_at = VALUES(analyzed_at)",
        pct[0] / 100, pct[0] % 100, pct[1] / 100, pct[1] % 100, pct[2] / 100, pct[2] % 100,
        pct[3] / 100, pct[3] % 100, pct[4] / 100, pct[4] % 100, LABELS[top],
        (unsigned long long)id);
    sql("UPDATE diaries SET analysis_status = 'done' WHERE id = %llu", (unsigned long long)id);
}

/* Make diary `id` not analysed (what it is before the analyzer gets to it). */
static void clear_analysis(uint64_t id)
{
    sql("DELETE FROM recommended_foods WHERE diary_id = %llu AND id NOT IN"
        " (SELECT recommendation_id FROM food_feedback)",
        (unsigned long long)id);
    sql("DELETE FROM diary_emotions WHERE diary_id = %llu", (unsigned long long)id);
    sql("UPDATE diaries SET analysis_status = 'pending' WHERE id = %llu", (unsigned long long)id);
}

/* ---- JSON checks -------------------------------------------------------------------------- */

static void expect_ids(json_t *arr, const uint64_t *ids, size_t n)
{
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(arr, i)), (json_int_t)ids[i]);
}

static void expect_label(json_t *v, const char *label)
{
    if (!label) {
        assert_true(json_is_null(v));
        return;
    }
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), label);
}

/* counts[k] of emotionCounts o, in label order. */
static void expect_counts(json_t *o, const int counts[5])
{
    assert_true(json_is_object(o));
    assert_int_equal(json_object_size(o), 5);
    for (int k = 0; k < 5; k++)
        assert_int_equal(e2e_int_at(o, LABELS[k]), counts[k]);
}

/* means in hundredths (the server rounds half up to 2 decimals). */
static void expect_means(json_t *o, const int centi[5])
{
    assert_true(json_is_object(o));
    for (int k = 0; k < 5; k++) {
        json_t *v = json_object_get(o, SCORE_KEYS[k]);
        assert_true(json_is_number(v));
        double got = json_number_value(v) * 100.0;
        if (got < centi[k] - 0.01 || got > centi[k] + 0.01)
            fail_msg("%s: got %.6f, want %d.%02d", SCORE_KEYS[k], json_number_value(v),
                     centi[k] / 100, centi[k] % 100);
    }
}

static json_t *calendar_days(const char *token, const char *month, struct e2e_resp *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/calendar?month=%s", month);
    get_ok(path, token, r);
    json_t *item = e2e_item_of(r);
    assert_string_equal(e2e_str_at(item, "month"), month);
    json_t *days = json_object_get(item, "days");
    assert_true(json_is_array(days));
    return days;
}

static void expect_day(json_t *day, const char *date, const char *emotion, const uint64_t *ids,
                       size_t n, int analysed)
{
    assert_string_equal(e2e_str_at(day, "date"), date);
    expect_label(json_object_get(day, "emotion"), emotion);
    expect_ids(json_object_get(day, "diaryIds"), ids, n);
    assert_int_equal(e2e_int_at(day, "diaryCount"), (json_int_t)n);
    assert_int_equal(e2e_int_at(day, "analysedCount"), analysed);
}

/* ---- calendar ------------------------------------------------------------------------------ */

static void calendar_lists_days_with_the_dominant_emotion_by_summed_score(void **state)
{
    (void)state;
    struct e2e_user u, other;
    e2e_new_user("cal", &u);
    e2e_new_user("calo", &other);
    /* 03-01: two diaries with top 걱정 and one very sad one: sums 걱정 40+40+10 = 90,
     * 슬픔 35+35+90 = 160 -> 슬픔, although 걱정 is the top label twice */
    uint64_t d1[3] = {diary(u.token, "2024-03-01"), diary(u.token, "2024-03-01"),
                      diary(u.token, "2024-03-01")};
    /* 03-02: 걱정 and 행복 tie at 50 -> 걱정, the earlier label */
    uint64_t d2 = diary(u.token, "2024-03-02");
    /* 03-05: not analysed yet -> null */
    uint64_t d5 = diary(u.token, "2024-03-05");
    /* 03-07: one analysed (설렘), one not -> 설렘 from the analysed one */
    uint64_t d7[2] = {diary(u.token, "2024-03-07"), diary(u.token, "2024-03-07")};
    /* 03-31: last day of the month; 03-10 goes to the trash; outside the month: 02-29, 04-01 */
    uint64_t d31 = diary(u.token, "2024-03-31");
    uint64_t d10 = diary(u.token, "2024-03-10");
    uint64_t feb = diary(u.token, "2024-02-29"), apr = diary(u.token, "2024-04-01");
    /* another user's diary on 03-01 must not show up */
    uint64_t foreign = diary(other.token, "2024-03-01");
    uint64_t all[] = {d1[0], d1[1], d1[2], d2, d5, d7[0], d7[1], d31, d10, feb, apr};
    settle(u.token, all, sizeof all / sizeof all[0]);
    settle(other.token, &foreign, 1);
    const int worried[5] = {4000, 0, 2500, 0, 3500}, very_sad[5] = {1000, 0, 0, 0, 9000},
              tie[5] = {5000, 0, 5000, 0, 0}, excited[5] = {0, 1000, 1000, 8000, 0},
              happy[5] = {0, 0, 10000, 0, 0};
    set_analysis(d1[0], worried);
    set_analysis(d1[1], very_sad);
    set_analysis(d1[2], worried);
    set_analysis(d2, tie);
    clear_analysis(d5);
    set_analysis(d7[0], excited);
    clear_analysis(d7[1]);
    set_analysis(d31, happy);
    set_analysis(d10, happy);
    set_analysis(feb, happy);
    set_analysis(apr, happy);
    set_analysis(foreign, happy);
    delete_diary(u.token, d10);

    struct e2e_resp r;
    json_t *days = calendar_days(u.token, "2024-03", &r);
    assert_int_equal(json_array_size(days), 5);
    expect_day(json_array_get(days, 0), "2024-03-01", "슬픔", d1, 3, 3);
    expect_day(json_array_get(days, 1), "2024-03-02", "걱정", &d2, 1, 1);
    expect_day(json_array_get(days, 2), "2024-03-05", NULL, &d5, 1, 0);
    expect_day(json_array_get(days, 3), "2024-03-07", "설렘", d7, 2, 1);
    expect_day(json_array_get(days, 4), "2024-03-31", "행복", &d31, 1, 1);
    e2e_resp_free(&r);

    /* leap February ends on the 29th; a month without diaries is an empty list */
    days = calendar_days(u.token, "2024-02", &r);
    assert_int_equal(json_array_size(days), 1);
    expect_day(json_array_get(days, 0), "2024-02-29", "행복", &feb, 1, 1);
    e2e_resp_free(&r);
    days = calendar_days(u.token, "2024-05", &r);
    assert_int_equal(json_array_size(days), 0);
    e2e_resp_free(&r);

    /* the other user sees only their own diary */
    days = calendar_days(other.token, "2024-03", &r);
    assert_int_equal(json_array_size(days), 1);
    expect_day(json_array_get(days, 0), "2024-03-01", "행복", &foreign, 1, 1);
    e2e_resp_free(&r);
    e2e_user_free(&u);
    e2e_user_free(&other);
}

static void calendar_and_stats_reject_bad_parameters(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("calbad", &u);
    const char *bad_months[] = {"/api/diaries/calendar",
                                "/api/diaries/calendar?month=",
                                "/api/diaries/calendar?month=2024-13",
                                "/api/diaries/calendar?month=2024-00",
                                "/api/diaries/calendar?month=2024-3",
                                "/api/diaries/calendar?month=2024-03-01",
                                "/api/diaries/calendar?month=%202024-03",
                                "/api/diaries/calendar?month=abcd-ef"};
    for (size_t i = 0; i < sizeof bad_months / sizeof bad_months[0]; i++)
        expect_get_error(bad_months[i], u.token, 400, "month");
    expect_get_error("/api/diaries/stats?from=2024-03-02&to=2024-03-01", u.token, 400, "to");
    expect_get_error("/api/diaries/stats?from=2024-01-01&to=2025-01-02", u.token, 400, "to");
    expect_get_error("/api/diaries/stats?from=2024-02-30", u.token, 400, "from");
    expect_get_error("/api/diaries/stats?to=2024/03/01", u.token, 400, "to");
    /* only `from`: from .. today, which must stay within 366 days */
    expect_get_error("/api/diaries/stats?from=2000-01-01", u.token, 400, "from");
    expect_get_error("/api/diaries/calendar?month=2024-03", NULL, 401, NULL);
    expect_get_error("/api/diaries/stats", NULL, 401, NULL);
    expect_get_error("/api/diaries/export", NULL, 401, NULL);
    expect_get_error("/api/diaries/calendar?month=2024-03", "not.a.token", 401, NULL);
    e2e_user_free(&u);
}

/* ---- stats ----------------------------------------------------------------------------------- */

static json_t *weekday(json_t *item, int i, const char *name)
{
    json_t *w = json_array_get(json_object_get(item, "byWeekday"), (size_t)i);
    assert_non_null(w);
    assert_string_equal(e2e_str_at(w, "weekday"), name);
    return w;
}

static void stats_count_top_emotions_mean_scores_and_weekdays(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("stats", &u);
    /* 2024-05-06 is a Monday, 2024-05-12 a Sunday */
    uint64_t mon1 = diary(u.token, "2024-05-06"), mon2 = diary(u.token, "2024-05-06");
    uint64_t wed = diary(u.token, "2024-05-08"), sun = diary(u.token, "2024-05-12");
    uint64_t after = diary(u.token, "2024-05-13"), trashed = diary(u.token, "2024-05-07");
    uint64_t all[] = {mon1, mon2, wed, sun, after, trashed};
    settle(u.token, all, 6);
    const int m1[5] = {3000, 0, 7000, 0, 0}, m2[5] = {0, 0, 0, 0, 10000},
              s[5] = {3333, 3333, 3334, 0, 0}, sad[5] = {0, 0, 0, 0, 10000};
    set_analysis(mon1, m1);
    set_analysis(mon2, m2);
    clear_analysis(wed);
    set_analysis(sun, s);
    set_analysis(after, sad);
    set_analysis(trashed, sad);
    delete_diary(u.token, trashed);

    struct e2e_resp r;
    get_ok("/api/diaries/stats?from=2024-05-06&to=2024-05-12", u.token, &r);
    json_t *item = e2e_item_of(&r);
    assert_string_equal(e2e_str_at(item, "from"), "2024-05-06");
    assert_string_equal(e2e_str_at(item, "to"), "2024-05-12");
    assert_int_equal(e2e_int_at(item, "diaryCount"), 4);
    assert_int_equal(e2e_int_at(item, "analysedCount"), 3);
    assert_int_equal(e2e_int_at(item, "daysWithDiary"), 3);
    const int counts[5] = {0, 0, 2, 0, 1};
    expect_counts(json_object_get(item, "emotionCounts"), counts);
    /* (30 + 0 + 33.33) / 3 = 21.11; 33.33 / 3 = 11.11; (70 + 33.34) / 3 = 34.446 -> 34.45 */
    const int means[5] = {2111, 1111, 3445, 0, 3333};
    expect_means(json_object_get(item, "meanScores"), means);
    assert_int_equal(json_array_size(json_object_get(item, "byWeekday")), 7);
    json_t *w = weekday(item, 0, "MONDAY");
    assert_int_equal(e2e_int_at(w, "diaryCount"), 2);
    assert_int_equal(e2e_int_at(w, "analysedCount"), 2);
    const int mon_counts[5] = {0, 0, 1, 0, 1}, mon_means[5] = {1500, 0, 3500, 0, 5000};
    expect_counts(json_object_get(w, "emotionCounts"), mon_counts);
    expect_means(json_object_get(w, "meanScores"), mon_means);
    w = weekday(item, 1, "TUESDAY"); /* the trashed diary does not count */
    assert_int_equal(e2e_int_at(w, "diaryCount"), 0);
    assert_true(json_is_null(json_object_get(w, "meanScores")));
    w = weekday(item, 2, "WEDNESDAY");
    assert_int_equal(e2e_int_at(w, "diaryCount"), 1);
    assert_int_equal(e2e_int_at(w, "analysedCount"), 0);
    assert_true(json_is_null(json_object_get(w, "meanScores")));
    const int none[5] = {0};
    expect_counts(json_object_get(w, "emotionCounts"), none);
    weekday(item, 3, "THURSDAY");
    weekday(item, 4, "FRIDAY");
    weekday(item, 5, "SATURDAY");
    w = weekday(item, 6, "SUNDAY");
    assert_int_equal(e2e_int_at(w, "diaryCount"), 1);
    const int sun_counts[5] = {0, 0, 1, 0, 0};
    expect_counts(json_object_get(w, "emotionCounts"), sun_counts);
    e2e_resp_free(&r);

    /* a range without analysed diaries: meanScores null, every count 0 */
    get_ok("/api/diaries/stats?from=2024-05-08&to=2024-05-08", u.token, &r);
    item = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(item, "diaryCount"), 1);
    assert_int_equal(e2e_int_at(item, "analysedCount"), 0);
    assert_true(json_is_null(json_object_get(item, "meanScores")));
    expect_counts(json_object_get(item, "emotionCounts"), none);
    e2e_resp_free(&r);

    /* defaults: the last 30 days ending today; only `to`: the 30 days ending then */
    char today[11], start[11];
    app_day(0, today);
    app_day(-29, start);
    get_ok("/api/diaries/stats", u.token, &r);
    item = e2e_item_of(&r);
    assert_string_equal(e2e_str_at(item, "to"), today);
    assert_string_equal(e2e_str_at(item, "from"), start);
    assert_int_equal(e2e_int_at(item, "diaryCount"), 0);
    e2e_resp_free(&r);
    get_ok("/api/diaries/stats?to=2024-05-12", u.token, &r);
    item = e2e_item_of(&r);
    assert_string_equal(e2e_str_at(item, "from"), "2024-04-13");
    assert_int_equal(e2e_int_at(item, "diaryCount"), 4);
    e2e_resp_free(&r);
    e2e_user_free(&u);
}

/* ---- streaks ------------------------------------------------------------------------------- */

struct streak_want {
    int current, current_from, current_to; /* day offsets from today (ignored when current 0) */
    int longest, longest_from, longest_to;
};

/* The streaks of GET /stats?from=2000-01-01&to=2000-01-31 (streaks ignore the range) equal w,
 * days given as offsets from today in APP_TZ. */
static void expect_streaks(const char *token, const struct streak_want *w)
{
    char today[11];
    app_day(0, today);
    struct e2e_resp r;
    get_ok("/api/diaries/stats?from=2000-01-01&to=2000-01-31", token, &r);
    json_t *s = json_object_get(e2e_item_of(&r), "streaks");
    assert_true(json_is_object(s));
    assert_string_equal(e2e_str_at(s, "today"), today);
    assert_int_equal(e2e_int_at(s, "current"), w->current);
    assert_int_equal(e2e_int_at(s, "longest"), w->longest);
    char a[11], b[11];
    if (w->current > 0) {
        app_day(w->current_from, a);
        app_day(w->current_to, b);
        assert_string_equal(e2e_str_at(s, "currentFrom"), a);
        assert_string_equal(e2e_str_at(s, "currentTo"), b);
    } else {
        assert_true(json_is_null(json_object_get(s, "currentFrom")));
        assert_true(json_is_null(json_object_get(s, "currentTo")));
    }
    if (w->longest > 0) {
        app_day(w->longest_from, a);
        app_day(w->longest_to, b);
        assert_string_equal(e2e_str_at(s, "longestFrom"), a);
        assert_string_equal(e2e_str_at(s, "longestTo"), b);
    }
    e2e_resp_free(&r);
}

static void diaries_on(const char *token, const int *offsets, size_t n, uint64_t *out_ids)
{
    for (size_t i = 0; i < n; i++) {
        char d[11];
        app_day(offsets[i], d);
        uint64_t id = diary(token, d);
        if (out_ids)
            out_ids[i] = id;
    }
}

/* The whole test again when the day in APP_TZ changed while it ran (just after midnight). */
#define SAME_DAY_OR_RETRY(body)                                                                    \
    for (int attempt_ = 0; attempt_ < 2; attempt_++) {                                             \
        char before_[11], after_[11];                                                              \
        app_day(0, before_);                                                                       \
        body;                                                                                      \
        app_day(0, after_);                                                                        \
        if (strcmp(before_, after_) == 0)                                                          \
            break;                                                                                 \
    }

static void streak_through_today_with_a_back_dated_diary_filling_the_gap(void)
{
    struct e2e_user u;
    e2e_new_user("strk", &u);
    const int first[] = {-5, -4, -2, -1, 0, 0}; /* two diaries today count once */
    diaries_on(u.token, first, 6, NULL);
    const struct streak_want before = {3, -2, 0, 3, -2, 0};
    expect_streaks(u.token, &before);
    /* the missed day -3 written later, back-dated: the runs join */
    const int missed[] = {-3};
    diaries_on(u.token, missed, 1, NULL);
    const struct streak_want after = {6, -5, 0, 6, -5, 0};
    expect_streaks(u.token, &after);
    e2e_user_free(&u);
}

static void streaks_count_back_dated_diaries_and_today_or_yesterday(void **state)
{
    (void)state;
    SAME_DAY_OR_RETRY(streak_through_today_with_a_back_dated_diary_filling_the_gap());
}

static void streak_rules_for_yesterday_gaps_tomorrow_and_trash(void)
{
    struct e2e_user y, broken, gap, tomorrow, trash, none;
    /* ends yesterday: still current (today's diary may come) */
    e2e_new_user("stky", &y);
    const int yd[] = {-3, -2, -1};
    diaries_on(y.token, yd, 3, NULL);
    const struct streak_want wy = {3, -3, -1, 3, -3, -1};
    expect_streaks(y.token, &wy);
    /* ends the day before yesterday: broken */
    e2e_new_user("stkb", &broken);
    const int bd[] = {-4, -3, -2};
    diaries_on(broken.token, bd, 3, NULL);
    const struct streak_want wb = {0, 0, 0, 3, -4, -2};
    expect_streaks(broken.token, &wb);
    /* gaps: runs of 5, 2 and 1 days -> longest 5 (the older one), current 1 */
    e2e_new_user("stkg", &gap);
    const int gd[] = {-30, -29, -28, -27, -26, -10, -9, 0};
    diaries_on(gap.token, gd, 8, NULL);
    const struct streak_want wg = {1, 0, 0, 5, -30, -26};
    expect_streaks(gap.token, &wg);
    /* a diary dated tomorrow (the latest allowed) continues today's run */
    e2e_new_user("stkt", &tomorrow);
    const int td[] = {-1, 0, 1};
    diaries_on(tomorrow.token, td, 3, NULL);
    const struct streak_want wt = {3, -1, 1, 3, -1, 1};
    expect_streaks(tomorrow.token, &wt);
    /* a diary moved to the trash no longer counts: the run splits */
    e2e_new_user("stkd", &trash);
    const int dd[] = {-2, -1, 0};
    uint64_t ids[3];
    diaries_on(trash.token, dd, 3, ids);
    delete_diary(trash.token, ids[1]);
    const struct streak_want wd = {1, 0, 0, 1, 0, 0};
    expect_streaks(trash.token, &wd);
    /* no diaries at all */
    e2e_new_user("stkn", &none);
    const struct streak_want wn = {0, 0, 0, 0, 0, 0};
    expect_streaks(none.token, &wn);
    struct e2e_resp r;
    get_ok("/api/diaries/stats", none.token, &r);
    json_t *s = json_object_get(e2e_item_of(&r), "streaks");
    assert_true(json_is_null(json_object_get(s, "longestFrom")));
    e2e_resp_free(&r);
    e2e_user_free(&y);
    e2e_user_free(&broken);
    e2e_user_free(&gap);
    e2e_user_free(&tomorrow);
    e2e_user_free(&trash);
    e2e_user_free(&none);
}

static void streaks_of_yesterday_gaps_tomorrow_and_trash(void **state)
{
    (void)state;
    SAME_DAY_OR_RETRY(streak_rules_for_yesterday_gaps_tomorrow_and_trash());
}

/* ---- export -------------------------------------------------------------------------------- */

static json_t *export_json(const char *token, struct e2e_resp *r)
{
    get_ok("/api/diaries/export?format=json", token, r);
    char cd[128];
    assert_true(e2e_header(r, "Content-Disposition", cd, sizeof cd));
    assert_non_null(strstr(cd, "attachment; filename=\"eeum-diaries-"));
    assert_non_null(strstr(cd, ".json\""));
    json_t *item = e2e_item_of(r);
    assert_string_equal(e2e_str_at(item, "format"), "eeum-diaries");
    assert_int_equal(e2e_int_at(item, "version"), 1);
    assert_true(e2e_parse_instant(e2e_str_at(item, "exportedAt")) > 0);
    json_t *list = json_object_get(item, "diaries");
    assert_true(json_is_array(list));
    assert_int_equal(e2e_int_at(item, "count"), (json_int_t)json_array_size(list));
    return list;
}

static void export_json_and_markdown_hold_all_own_diaries_with_analysis(void **state)
{
    (void)state;
    struct e2e_user u, other;
    e2e_new_user("exp", &u);
    e2e_new_user("expo", &other);
    uint64_t later = diary_full(u.token, "2024-07-02", "둘째 *날*",
                                "# 제목 아님\n- 목록 아님\n<script>alert(1)</script>\n\n끝", "비",
                                "슬픔", json_pack("[s,s]", "C#", "야식"));
    uint64_t first = diary_full(u.token, "2024-07-01", "첫날", "평범한 하루", NULL, NULL, NULL);
    uint64_t gone = diary(u.token, "2024-07-03");
    uint64_t foreign = diary(other.token, "2024-07-01");
    uint64_t mine[] = {later, first, gone};
    settle(u.token, mine, 3);
    settle(other.token, &foreign, 1);
    const int sadness[5] = {1000, 500, 500, 0, 8000};
    set_analysis(later, sadness);
    clear_analysis(first);
    delete_diary(u.token, gone);

    struct e2e_resp r;
    json_t *list = export_json(u.token, &r);
    assert_int_equal(json_array_size(list), 2);
    json_t *a = json_array_get(list, 0), *b = json_array_get(list, 1);
    /* oldest publishedDate first */
    assert_int_equal(e2e_int_at(a, "id"), (json_int_t)first);
    assert_string_equal(e2e_str_at(a, "publishedDate"), "2024-07-01");
    assert_true(json_is_null(json_object_get(a, "emotion")));
    assert_true(json_is_null(json_object_get(a, "emotionScores")));
    assert_int_equal(e2e_int_at(b, "id"), (json_int_t)later);
    assert_string_equal(e2e_str_at(b, "title"), "둘째 *날*");
    assert_string_equal(e2e_str_at(b, "emotion"), "슬픔");
    assert_string_equal(e2e_str_at(json_object_get(b, "analysis"), "status"), "done");
    const int sad_means[5] = {1000, 500, 500, 0, 8000};
    expect_means(json_object_get(b, "emotionScores"), sad_means);
    e2e_resp_free(&r);

    /* Markdown: a text/markdown attachment, user text escaped */
    get_ok("/api/diaries/export?format=markdown", u.token, &r);
    char ct[128], cd[128];
    assert_true(e2e_header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/markdown"));
    assert_true(e2e_header(&r, "Content-Disposition", cd, sizeof cd));
    assert_non_null(strstr(cd, ".md\""));
    assert_true(e2e_header(&r, "Cache-Control", cd, sizeof cd));
    assert_string_equal(cd, "no-store");
    const char *md = r.body;
    assert_non_null(strstr(md, "# 이음 일기 내보내기\n"));
    assert_non_null(strstr(md, "- 일기 수: 2\n"));
    const char *s1 = strstr(md, "## 2024-07-01 · 첫날\n");
    const char *s2 = strstr(md, "## 2024-07-02 · 둘째 \\*날\\*\n");
    assert_non_null(s1);
    assert_non_null(s2);
    assert_true(s1 < s2);
    assert_non_null(strstr(md, "- 감정 분석: 분석 대기 중\n"));
    assert_non_null(strstr(md, "- 날씨: 비\n- 기분: 슬픔\n- 태그: C\\#, 야식\n"));
    assert_non_null(strstr(md,
                           "- 감정 분석: 슬픔 (걱정 10.00 · 분노 5.00 · 행복 5.00 · 설렘 0.00 · "
                           "슬픔 80.00)\n"));
    assert_non_null(
        strstr(md, "\\# 제목 아님\\\n\\- 목록 아님\\\n\\<script\\>alert(1)\\</script\\>\n\n끝"));
    assert_null(strstr(md, "<script>"));
    assert_null(strstr(md, "2024-07-03"));
    e2e_resp_free(&r);

    /* json is the default; another format is 400 */
    get_ok("/api/diaries/export", u.token, &r);
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "count"), 2);
    e2e_resp_free(&r);
    expect_get_error("/api/diaries/export?format=xml", u.token, 400, "format");
    expect_get_error("/api/diaries/export?format=JSON", u.token, 400, "format");

    /* the other user's export holds only their diary */
    list = export_json(other.token, &r);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(e2e_int_at(json_array_get(list, 0), "id"), (json_int_t)foreign);
    e2e_resp_free(&r);
    e2e_user_free(&u);
    e2e_user_free(&other);
}

/* ---- import -------------------------------------------------------------------------------- */

static json_t *round_trip_fields(json_t *list)
{
    static const char *const KEYS[] = {"title",         "content", "weather",
                                       "publishedDate", "mood",    "tags"};
    json_t *out = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        json_t *o = json_object();
        for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
            json_t *v = json_object_get(d, KEYS[k]);
            assert_non_null(v);
            json_object_set(o, KEYS[k], v);
        }
        json_array_append_new(out, o);
    }
    return out;
}

static void import_post(const char *token, const char *body, long status, struct e2e_resp *r)
{
    assert_int_equal(e2e_json("POST", "/api/diaries/import", token, body, r), 0);
    e2e_expect_status(r, status, "import");
}

static void export_import_export_round_trips_into_another_account(void **state)
{
    (void)state;
    struct e2e_user a, b, c;
    e2e_new_user("rta", &a);
    e2e_new_user("rtb", &b);
    e2e_new_user("rtc", &c);
    diary_full(a.token, "2024-08-01", "여러 줄", "첫 줄\n\n  들여쓴 둘째 줄\t탭", "흐림 뒤 맑음",
               "행복", json_pack("[s,s,s]", "산책", "Cafe", "야식"));
    diary_full(a.token, "2024-08-01", "같은 날 둘째", "내용", NULL, NULL, NULL);
    /* two identical diaries: both must arrive */
    diary_full(a.token, "2024-08-03", "똑같은 일기", "똑같은 내용", "비", "걱정", NULL);
    diary_full(a.token, "2024-08-03", "똑같은 일기", "똑같은 내용", "비", "걱정", NULL);
    diary_full(a.token, "2024-07-30", "한국어 NFC 가", "「따옴표」 & <태그> *별*", NULL, "슬픔",
               json_pack("[s]", "C#"));

    struct e2e_resp ra;
    json_t *exported = export_json(a.token, &ra);
    assert_int_equal(json_array_size(exported), 5);
    json_t *want = round_trip_fields(exported);

    /* B imports the saved response as it is (the whole envelope) */
    struct e2e_resp r;
    import_post(b.token, ra.body, 201, &r);
    char loc[64];
    assert_true(e2e_header(&r, "Location", loc, sizeof loc));
    assert_string_equal(loc, "/api/diaries");
    json_t *item = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(item, "imported"), 5);
    assert_int_equal(e2e_int_at(item, "skipped"), 0);
    json_t *ids = json_object_get(item, "diaryIds");
    assert_int_equal(json_array_size(ids), 5);
    /* every imported diary has its outbox row (so it is analysed like a new diary) */
    for (size_t i = 0; i < 5; i++) {
        long long id = (long long)json_integer_value(json_array_get(ids, i));
        assert_int_equal(sql_count("SELECT COUNT(*) FROM outbox WHERE diary_id = %lld AND"
                                   " diary_version = 1",
                                   id),
                         1);
        assert_int_equal(sql_count("SELECT user_id FROM diaries WHERE id = %lld", id),
                         (long long)b.id);
    }
    e2e_resp_free(&r);

    struct e2e_resp rb;
    json_t *again = export_json(b.token, &rb);
    json_t *got = round_trip_fields(again);
    if (!json_equal(want, got)) {
        char *w = json_dumps(want, JSON_INDENT(1)), *g = json_dumps(got, JSON_INDENT(1));
        fail_msg("round trip differs:\nwant %s\ngot %s", w, g);
    }
    /* the copies are new diaries of B */
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(e2e_int_at(json_array_get(again, i), "userId"), (json_int_t)b.id);
    json_decref(got);

    /* C imports just the item object; the result is the same */
    json_t *saved = json_loads(ra.body, 0, NULL);
    assert_non_null(saved);
    char *doc_text = json_dumps(json_object_get(saved, "item"), JSON_COMPACT);
    json_decref(saved);
    assert_non_null(doc_text);
    import_post(c.token, doc_text, 201, &r);
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "imported"), 5);
    e2e_resp_free(&r);

    /* importing the same file again adds nothing: every diary is a duplicate (200) */
    import_post(b.token, ra.body, 200, &r);
    item = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(item, "imported"), 0);
    assert_int_equal(e2e_int_at(item, "skipped"), 5);
    assert_int_equal(json_array_size(json_object_get(item, "skippedIndexes")), 5);
    e2e_resp_free(&r);
    struct e2e_resp rb2;
    assert_int_equal(json_array_size(export_json(b.token, &rb2)), 5);
    e2e_resp_free(&rb2);

    /* a diary B moved to the trash is not a duplicate: it comes back as a new diary */
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%lld",
             (long long)e2e_int_at(json_array_get(again, 0), "id"));
    struct e2e_resp rd;
    assert_int_equal(e2e_json("DELETE", path, b.token, NULL, &rd), 0);
    e2e_expect_status(&rd, 200, "delete");
    e2e_resp_free(&rd);
    import_post(b.token, ra.body, 201, &r);
    item = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(item, "imported"), 1);
    assert_int_equal(e2e_int_at(item, "skipped"), 4);
    e2e_resp_free(&r);

    free(doc_text);
    json_decref(want);
    e2e_resp_free(&ra);
    e2e_resp_free(&rb);
    e2e_user_free(&a);
    e2e_user_free(&b);
    e2e_user_free(&c);
}

static long long diaries_of(uint64_t user_id)
{
    return sql_count("SELECT COUNT(*) FROM diaries WHERE user_id = %llu",
                     (unsigned long long)user_id);
}

static void import_rejects_bad_input_and_imports_all_or_nothing(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("impbad", &u);
    struct e2e_resp r;
    /* one bad diary among good ones: 400 naming it, nothing written */
    import_post(u.token,
                "{\"diaries\": [{\"title\": \"좋음\", \"content\": \"c\", \"publishedDate\": "
                "\"2024-01-01\"}, {\"title\": \"좋음2\", \"content\": \"c\", \"publishedDate\": "
                "\"2024-01-02\"}, {\"title\": \"\", \"content\": \"c\", \"publishedDate\": "
                "\"2024-02-30\", \"mood\": \"배고픔\"}, 7]}",
                400, &r);
    e2e_expect_field_error(&r, 400, "diaries[2].title", "import");
    e2e_expect_field_error(&r, 400, "diaries[2].publishedDate", "import");
    e2e_expect_field_error(&r, 400, "diaries[2].mood", "import");
    e2e_expect_field_error(&r, 400, "diaries[3]", "import");
    e2e_resp_free(&r);
    assert_int_equal(diaries_of(u.id), 0);

    /* a diary dated after tomorrow */
    import_post(u.token,
                "{\"diaries\": [{\"title\": \"t\", \"content\": \"c\", "
                "\"publishedDate\": \"2999-01-01\"}]}",
                400, &r);
    e2e_expect_field_error(&r, 400, "diaries[0].publishedDate", "import");
    e2e_resp_free(&r);

    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{}", "diaries"},
        {"{\"diaries\": {}}", "diaries"},
        {"{\"diaries\": \"[]\"}", "diaries"},
        {"{\"diaries\": null}", "diaries"},
        {"{\"format\": \"other\", \"diaries\": []}", "format"},
        {"{\"format\": 1, \"diaries\": []}", "format"},
        {"{\"version\": 2, \"diaries\": []}", "version"},
        {"{\"version\": \"1\", \"diaries\": []}", "version"},
        {"{\"success\": true, \"item\": {\"diaries\": 3}}", "diaries"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        import_post(u.token, bad[i].body, 400, &r);
        e2e_expect_field_error(&r, 400, bad[i].field, bad[i].body);
        e2e_resp_free(&r);
    }

    /* more than 1000 diaries */
    json_t *many = json_array();
    for (int i = 0; i < 1001; i++)
        json_array_append_new(many, json_pack("{s:s,s:s,s:s}", "title", "t", "content", "c",
                                              "publishedDate", "2024-01-01"));
    json_t *doc = json_pack("{s:o}", "diaries", many);
    assert_int_equal(e2e_jsonv("POST", "/api/diaries/import", u.token, doc, &r), 0);
    e2e_expect_field_error(&r, 400, "diaries", "1001 diaries");
    e2e_resp_free(&r);
    json_decref(doc);
    assert_int_equal(diaries_of(u.id), 0);

    /* malformed JSON, not an object, wrong media type, no token */
    import_post(u.token, "{\"diaries\": [", 400, &r);
    e2e_assert_error(&r, 400);
    e2e_resp_free(&r);
    import_post(u.token, "[]", 400, &r);
    e2e_assert_error(&r, 400);
    e2e_resp_free(&r);
    const char *hdr[] = {NULL, NULL};
    char auth[E2E_TOKEN_MAX + 32];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", u.token);
    hdr[0] = auth;
    assert_int_equal(e2e_request(e2e_base(), "POST", "/api/diaries/import", hdr, "text/plain",
                                 "{\"diaries\": []}", SIZE_MAX, &r),
                     0);
    e2e_expect_status(&r, 415, "text/plain import");
    e2e_resp_free(&r);
    import_post(NULL, "{\"diaries\": []}", 401, &r);
    e2e_assert_error(&r, 401);
    e2e_resp_free(&r);

    /* an empty list is fine and creates nothing (200) */
    import_post(u.token, "{\"format\": \"eeum-diaries\", \"version\": 1, \"diaries\": []}", 200,
                &r);
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "imported"), 0);
    e2e_resp_free(&r);

    /* garbage below 500 */
    static const char *const garbage[] = {
        "{\"diaries\": [[]]}",
        "{\"diaries\": [null]}",
        "{\"diaries\": [{\"title\": 1}]}",
        "{\"diaries\": [{\"tags\": [1, 2]}]}",
        "{\"item\": []}",
        "{\"diaries\": [{}]}",
        "{\"diaries\": [{\"title\": \"\\u0000\", \"content\": \"c\", \"publishedDate\": "
        "\"2024-01-01\"}]}"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        assert_int_equal(e2e_json("POST", "/api/diaries/import", u.token, garbage[i], &r), 0);
        if (r.status >= 500 || r.status < 400)
            fail_msg("%s -> %ld %s", garbage[i], r.status, r.body);
        e2e_resp_free(&r);
    }
    assert_int_equal(diaries_of(u.id), 0);
    e2e_user_free(&u);
}

/* ---- set-up --------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (mysql_library_init(0, NULL, NULL) != 0)
        return -1;
    DB = mysql_init(NULL);
    if (!DB)
        return -1;
    const char *port = e2e_need_env("DB_PORT");
    const char *pw = getenv("DB_PASSWORD");
    if (!mysql_real_connect(DB, e2e_need_env("DB_HOST"), e2e_need_env("DB_USER"), pw ? pw : "",
                            e2e_need_env("DB_NAME"), (unsigned)strtoul(port, NULL, 10), NULL, 0)) {
        fprintf(stderr, "e2e_diary_reports: cannot connect to the database: %s\n", mysql_error(DB));
        return -1;
    }
    if (mysql_set_character_set(DB, "utf8mb4") != 0 ||
        mysql_query(DB, "SET time_zone = '+00:00'") != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (DB)
        mysql_close(DB);
    mysql_library_end();
    return 0;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_lists_days_with_the_dominant_emotion_by_summed_score),
        cmocka_unit_test(calendar_and_stats_reject_bad_parameters),
        cmocka_unit_test(stats_count_top_emotions_mean_scores_and_weekdays),
        cmocka_unit_test(streaks_count_back_dated_diaries_and_today_or_yesterday),
        cmocka_unit_test(streaks_of_yesterday_gaps_tomorrow_and_trash),
        cmocka_unit_test(export_json_and_markdown_hold_all_own_diaries_with_analysis),
        cmocka_unit_test(export_import_export_round_trips_into_another_account),
        cmocka_unit_test(import_rejects_bad_input_and_imports_all_or_nothing),
    };
    int rc = cmocka_run_group_tests_name("e2e_diary_reports", tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}

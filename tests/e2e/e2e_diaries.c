/*
 * e2e_diaries.c - /api/diaries seen from a frontend: create (201 + Location, analysis pending,
 * every field), validation (every failing field, Korean messages), 401 without a token, detail
 * on both paths with the analysis, stale marking and recommended food (an analysis row written
 * directly into the database, as the analyzer would), lists newest publishedDate first by page
 * and cursor, filters from/to/emotion/tag, keyword search `q` with the Korean rules, partial
 * update (a title/content change bumps the version and re-queues, other fields do not),
 * trash and restore, privacy (another user gets 404 on every route and never sees a diary in
 * a list or search), and garbage bodies below 500. The queue side (one message per version,
 * the fault test) is in e2e_outbox.c, which owns the queue.
 *
 * The analysis rows it writes are for a diary whose current version is higher, so a running
 * analyzer (which only writes the current version) never touches them; checks that depend on
 * no analyzer having run are skipped when EEUM_START_ANALYZER=1.
 */
#include "e2e_client.h"
#include "e2e_sql.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <mysql.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <cmocka.h>

/* Direct SQL on this program's connection (tests/e2e/e2e_sql.h). */
#define db_execf(...) e2e_sql_execf(g_db, __VA_ARGS__)
#define db_u64f(...)  ((uint64_t)e2e_sql_scalarf(g_db, 0, __VA_ARGS__))

#define MISSING "/api/diaries/999999999999" /* an id no diary has */

static struct e2e_user g_alice, g_bob;
static MYSQL *g_db;
static bool g_analyzer; /* an analyzer consumes the queue (EEUM_START_ANALYZER=1) */

/* ---- helpers -------------------------------------------------------------------------------- */

/* Today in Asia/Seoul (APP_TZ of the test stack) shifted by `days`, as YYYY-MM-DD. */
static void seoul_day(int days, char out[16])
{
    time_t t = time(NULL) + 9 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* POST a diary (201 expected); returns the item (new reference). */
static json_t *create_diary(const struct e2e_user *u, const char *title, const char *content,
                            const char *date, const char *tags_json)
{
    json_error_t jerr;
    json_t *tags = json_loads(tags_json ? tags_json : "[]", 0, &jerr);
    json_t *body = json_pack("{s:s,s:s,s:s,s:o}", "title", title, "content", content,
                             "publishedDate", date, "tags", tags);
    struct e2e_resp r;
    e2e_jsonv_ok("POST", "/api/diaries", u->token, body, &r);
    json_decref(body);
    e2e_expect_status(&r, 201, "create diary");
    json_t *item = json_incref(e2e_item_of(&r));
    e2e_resp_free(&r);
    assert_non_null(item);
    return item;
}

static json_int_t create_id(const struct e2e_user *u, const char *title, const char *content,
                            const char *date, const char *tags)
{
    json_t *d = create_diary(u, title, content, date, tags);
    json_int_t id = e2e_int_at(d, "id");
    json_decref(d);
    return id;
}

/* GET path (200 expected); item or page body (new reference). */
static json_t *get_ok(const char *path, const char *token)
{
    struct e2e_resp r;
    assert_int_equal(e2e_get(path, token, &r), 0);
    e2e_expect_status(&r, 200, path);
    json_t *j = json_incref(r.json);
    e2e_resp_free(&r);
    return j;
}

/* The ids of a list page, in order, into ids (at most max); returns the count. */
static size_t page_ids(const json_t *page, json_int_t *ids, size_t max)
{
    json_t *items = e2e_items_of(page);
    assert_non_null(items);
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (n < max)
            ids[n++] = e2e_int_at(it, "id");
    }
    return n;
}

static bool has_id(const json_int_t *ids, size_t n, json_int_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* GET /api/diaries?<query> for u; the ids of the first page (elements=100). */
static size_t list_ids(const struct e2e_user *u, const char *query, json_int_t *ids, size_t max)
{
    char path[1024];
    snprintf(path, sizeof path, "/api/diaries?elements=100&%s", query);
    json_t *page = get_ok(path, u->token);
    size_t n = page_ids(page, ids, max);
    json_decref(page);
    return n;
}

static char *url_escape(const char *s)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char *e = curl_easy_escape(c, s, 0);
    char *out = strdup(e);
    curl_free(e);
    curl_easy_cleanup(c);
    return out;
}

/* ---- database (for crafted analyses, as the analyzer would write them) --------------------- */

/* A food of the seeded catalogue for recommendation rows (the tests never add foods: the
 * catalogue is what users get recommended); its id. */
static uint64_t test_food(void)
{
    static uint64_t id;
    if (!id)
        id = db_u64f("SELECT MIN(id) FROM foods");
    assert_true(id > 0); /* the catalogue is seeded by the migrations */
    return id;
}

/* o[key] is the string column `col` of the test food. */
static void expect_food_field(const json_t *o, const char *key, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM foods WHERE id = %" PRIu64, col, test_food());
    assert_int_equal(mysql_real_query(g_db, sql, (unsigned long)strlen(sql)), 0);
    MYSQL_RES *res = mysql_store_result(g_db);
    assert_non_null(res);
    MYSQL_ROW row = mysql_fetch_row(res);
    assert_non_null(row);
    assert_string_equal(e2e_str_at(o, key), row[0] ? row[0] : "");
    mysql_free_result(res);
}

/* Write the analysis of `version` of diary `id` (scores in hundredths, top label) with a rank-1
 * recommendation, the way the analyzer stores it. */
static void write_analysis(json_int_t id, uint64_t user, unsigned version, const char *top,
                           const char *scores, bool done)
{
    db_execf("INSERT INTO diary_emotions (diary_id, diary_version, worry_score, angry_score,"
             " happy_score, excited_score, sad_score, top_emotion, analyzer_version, analyzed_at)"
             " VALUES (%lld, %u, %s, '%s', 'e2e-1', NOW(3)) ON DUPLICATE KEY UPDATE"
             " diary_version = VALUES(diary_version), worry_score = VALUES(worry_score),"
             " angry_score = VALUES(angry_score), happy_score = VALUES(happy_score),"
             " excited_score = VALUES(excited_score), sad_score = VALUES(sad_score),"
             " top_emotion = VALUES(top_emotion), analyzer_version = VALUES(analyzer_version),"
             " analyzed_at = VALUES(analyzed_at)",
             (long long)id, version, scores, top);
    db_execf("INSERT INTO recommended_foods (diary_id, diary_version, user_id, food_id, rank_no,"
             " reason, recommended_on) VALUES (%lld, %u, %" PRIu64 ", %" PRIu64
             ", 1, 'e2e', CURDATE()) ON DUPLICATE KEY UPDATE food_id = VALUES(food_id)",
             (long long)id, version, user, test_food());
    if (done)
        db_execf("UPDATE diaries SET analysis_status = 'done' WHERE id = %lld AND version = %u",
                 (long long)id, version);
}

/* ---- set-up --------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    const char *a = getenv("EEUM_START_ANALYZER");
    g_analyzer = a && strcmp(a, "1") == 0;
    g_db = mysql_init(NULL);
    const char *port = getenv("DB_PORT");
    if (!g_db || !mysql_real_connect(g_db, e2e_need_env("DB_HOST"), e2e_need_env("DB_USER"),
                                     getenv("DB_PASSWORD"), e2e_need_env("DB_NAME"),
                                     port ? (unsigned)strtoul(port, NULL, 10) : 3306, NULL, 0)) {
        fprintf(stderr, "e2e_diaries: cannot connect to the database: %s\n",
                g_db ? mysql_error(g_db) : "no memory");
        return -1;
    }
    if (mysql_set_character_set(g_db, "utf8mb4") != 0)
        return -1;
    e2e_new_user("d", &g_alice);
    e2e_new_user("d", &g_bob);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    e2e_user_free(&g_alice);
    e2e_user_free(&g_bob);
    if (g_db)
        mysql_close(g_db);
    return 0;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void create_diary_is_201_pending_with_location_and_every_field(void **state)
{
    (void)state;
    char today[16];
    seoul_day(0, today);
    json_t *body =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s,s,s]}", "title", "  야근 끝나고 먹은 떡볶이  ",
                  "content", "오늘도 야근이었다.\n내일 발표가 걱정된다.", "weather", " 비 ",
                  "publishedDate", today, "mood", "걱정", "tags", "야근", "떡볶이", "야근");
    struct e2e_resp r;
    e2e_jsonv_ok("POST", "/api/diaries", g_alice.token, body, &r);
    json_decref(body);
    e2e_expect_status(&r, 201, "create");
    json_t *d = e2e_item_of(&r);
    json_int_t id = e2e_int_at(d, "id");
    char loc[128], want[128];
    assert_true(e2e_header(&r, "Location", loc, sizeof loc));
    snprintf(want, sizeof want, "/api/diaries/%lld", (long long)id);
    assert_string_equal(loc, want);
    assert_int_equal(e2e_int_at(d, "userId"), (json_int_t)g_alice.id);
    assert_string_equal(e2e_str_at(d, "title"), "야근 끝나고 먹은 떡볶이");
    assert_string_equal(e2e_str_at(d, "content"), "오늘도 야근이었다.\n내일 발표가 걱정된다.");
    assert_string_equal(e2e_str_at(d, "weather"), "비");
    assert_string_equal(e2e_str_at(d, "publishedDate"), today);
    assert_string_equal(e2e_str_at(d, "mood"), "걱정");
    json_t *tags = json_object_get(d, "tags");
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_array_get(tags, 0)), "야근");
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "떡볶이");
    assert_int_equal(e2e_int_at(d, "version"), 1);
    assert_true(json_is_null(json_object_get(d, "emotion")));
    assert_true(json_is_null(json_object_get(d, "emotionScores")));
    assert_true(json_is_null(json_object_get(d, "recommendedFood")));
    json_t *an = json_object_get(d, "analysis");
    assert_string_equal(e2e_str_at(an, "status"), "pending");
    assert_true(json_is_false(json_object_get(an, "stale")));
    assert_true(e2e_parse_instant(e2e_str_at(d, "createdAt")) > 0);
    /* One outbox row for version 1, in the same transaction. */
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %lld AND"
                             " diary_version = 1 AND user_id = %" PRIu64,
                             (long long)id, g_alice.id),
                     1);
    e2e_resp_free(&r);

    /* Tomorrow is allowed; optional fields may be absent. */
    char tomorrow[16];
    seoul_day(1, tomorrow);
    json_t *d2 = create_diary(&g_alice, "내일 일기", "미리 쓰는 일기", tomorrow, NULL);
    assert_true(json_is_null(json_object_get(d2, "weather")));
    assert_true(json_is_null(json_object_get(d2, "mood")));
    assert_int_equal(json_array_size(json_object_get(d2, "tags")), 0);
    json_decref(d2);
}

static void invalid_diaries_are_400_naming_each_field(void **state)
{
    (void)state;
    char future[16];
    seoul_day(2, future);
    struct e2e_resp r;
    /* Every failing field at once. */
    char body[512];
    snprintf(body, sizeof body,
             "{\"title\":\"\",\"content\":\"   \",\"publishedDate\":\"%s\",\"mood\":\"졸림\","
             "\"tags\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}",
             future);
    e2e_json_ok("POST", "/api/diaries", g_alice.token, body, &r);
    e2e_expect_field_error(&r, 400, "title", "empty title");
    e2e_expect_field_error(&r, 400, "content", "blank content");
    e2e_expect_field_error(&r, 400, "publishedDate", "day after tomorrow");
    e2e_expect_field_error(&r, 400, "mood", "unknown mood");
    e2e_expect_field_error(&r, 400, "tags", "11 tags");
    e2e_resp_free(&r);

    const char *cases[][2] = {
        {"{\"title\":\"t\",\"content\":\"c\",\"publishedDate\":\"2025-02-30\"}", "publishedDate"},
        {"{\"title\":\"t\",\"content\":\"c\",\"publishedDate\":\"2025/01/01\"}", "publishedDate"},
        {"{\"title\":\"t\",\"content\":\"c\"}", "publishedDate"},
        {"{\"content\":\"c\",\"publishedDate\":\"2025-01-01\"}", "title"},
        {"{\"title\":\"t\",\"content\":\"c\",\"publishedDate\":\"2025-01-01\",\"tags\":\"x\"}",
         "tags"},
        {"{\"title\":\"t\",\"content\":\"c\",\"publishedDate\":\"2025-01-01\",\"weather\":5}",
         "weather"},
        {"[1]", "body"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        e2e_json_ok("POST", "/api/diaries", g_alice.token, cases[i][0], &r);
        if (strcmp(cases[i][1], "body") == 0) {
            e2e_expect_status(&r, 400, cases[i][0]);
            e2e_assert_error(&r, 400);
        } else {
            e2e_expect_field_error(&r, 400, cases[i][1], cases[i][0]);
        }
        e2e_resp_free(&r);
    }

    /* Lengths are characters: 100 Hangul syllables (300 bytes) pass, 101 fail. */
    char title[512];
    size_t tl = 0;
    for (int i = 0; i < 101; i++, tl += 3)
        memcpy(title + tl, "가", 3);
    title[tl - 3] = '\0';
    json_t *ok = create_diary(&g_alice, title, "본문", "2025-01-01", NULL);
    json_decref(ok);
    title[tl - 3] = title[0];
    title[tl] = '\0';
    json_t *b = json_pack("{s:s,s:s,s:s}", "title", title, "content", "본문", "publishedDate",
                          "2025-01-01");
    e2e_jsonv_ok("POST", "/api/diaries", g_alice.token, b, &r);
    json_decref(b);
    e2e_expect_field_error(&r, 400, "title", "101 characters");
    e2e_resp_free(&r);
}

static void diary_routes_without_a_valid_token_are_401(void **state)
{
    (void)state;
    json_int_t id = create_id(&g_alice, "토큰", "토큰 없는 요청", "2025-03-01", NULL);
    char p1[64], p2[64], p3[64];
    snprintf(p1, sizeof p1, "/api/diaries/%lld", (long long)id);
    snprintf(p2, sizeof p2, "/api/diaries/detail/%lld", (long long)id);
    snprintf(p3, sizeof p3, "/api/diaries/%lld/restore", (long long)id);
    const char *calls[][3] = {
        {"POST", "/api/diaries",
         "{\"title\":\"t\",\"content\":\"c\",\"publishedDate\":"
         "\"2025-01-01\"}"},
        {"GET", "/api/diaries", NULL},
        {"GET", "/api/diaries/trash", NULL},
        {"GET", p1, NULL},
        {"GET", p2, NULL},
        {"PATCH", p1, "{\"title\":\"x\"}"},
        {"DELETE", p1, NULL},
        {"POST", p3, NULL},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        e2e_expect_call(calls[i][0], calls[i][1], NULL, calls[i][2], 401);
        e2e_expect_call(calls[i][0], calls[i][1], "not.a.jwt", calls[i][2], 401);
    }
    /* Nothing changed. */
    json_t *d = get_ok(p1, g_alice.token);
    assert_string_equal(e2e_str_at(json_object_get(d, "item"), "title"), "토큰");
    json_decref(d);
}

static void detail_routes_return_the_analysis_marked_stale_after_a_content_change(void **state)
{
    (void)state;
    json_int_t id = create_id(&g_alice, "분석", "발표가 너무 걱정된다", "2025-04-01", NULL);
    char p1[64], p2[64];
    snprintf(p1, sizeof p1, "/api/diaries/%lld", (long long)id);
    snprintf(p2, sizeof p2, "/api/diaries/detail/%lld", (long long)id);
    /* Version 2 first, so an analyzer (which writes only the current version) leaves our
     * crafted version-1 analysis alone. */
    struct e2e_resp r;
    e2e_json_ok("PATCH", p1, g_alice.token, "{\"content\":\"발표가 끝나서 행복하다\"}", &r);
    e2e_expect_status(&r, 200, "patch content");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "version"), 2);
    e2e_resp_free(&r);
    write_analysis(id, g_alice.id, 1, "걱정", "48.50, 6.25, 30.00, 5.00, 10.25", false);

    const char *paths[] = {p1, p2};
    for (size_t i = 0; i < 2; i++) {
        json_t *body = get_ok(paths[i], g_alice.token);
        json_t *d = json_object_get(body, "item");
        assert_int_equal(e2e_int_at(d, "version"), 2);
        json_t *an = json_object_get(d, "analysis");
        if (e2e_int_at(an, "analyzedVersion") == 1) { /* not yet replaced by an analyzer */
            assert_string_equal(e2e_str_at(d, "emotion"), "걱정");
            assert_true(json_is_true(json_object_get(an, "stale")));
            if (!g_analyzer) /* an analyzer may have finished version 2 meanwhile */
                assert_string_equal(e2e_str_at(an, "status"), "pending");
            assert_string_equal(e2e_str_at(an, "analyzerVersion"), "e2e-1");
            assert_true(e2e_parse_instant(e2e_str_at(an, "analyzedAt")) > 0);
            json_t *s = json_object_get(d, "emotionScores");
            assert_true(json_real_value(json_object_get(s, "worryScore")) == 48.5);
            assert_true(json_real_value(json_object_get(s, "angryScore")) == 6.25);
            assert_true(json_real_value(json_object_get(s, "happyScore")) == 30.0);
            assert_true(json_real_value(json_object_get(s, "excitedScore")) == 5.0);
            assert_true(json_real_value(json_object_get(s, "sadScore")) == 10.25);
            json_t *food = json_object_get(d, "recommendedFood");
            assert_int_equal(e2e_int_at(food, "id"), (json_int_t)test_food());
            expect_food_field(food, "name", "name");
            expect_food_field(food, "imageUrl", "image_url");
        } else {
            assert_true(g_analyzer); /* only an analyzer replaces it */
        }
        json_decref(body);
    }

    /* The analysis of the current version lands: no longer stale, done. */
    write_analysis(id, g_alice.id, 2, "행복", "5.00, 0.00, 80.00, 10.00, 5.00", true);
    json_t *body = get_ok(p1, g_alice.token);
    json_t *d = json_object_get(body, "item");
    json_t *an = json_object_get(d, "analysis");
    assert_string_equal(e2e_str_at(an, "status"), "done");
    assert_true(json_is_false(json_object_get(an, "stale")));
    assert_int_equal(e2e_int_at(an, "analyzedVersion"), 2);
    json_decref(body);
    /* Unknown ids are 404 with the Korean message. */
    struct e2e_resp nf;
    assert_int_equal(e2e_get(MISSING, g_alice.token, &nf), 0);
    e2e_assert_error(&nf, 404);
    assert_string_equal(e2e_str_at(nf.json, "message"), "일기를 찾을 수 없습니다.");
    e2e_resp_free(&nf);
    e2e_expect_call("GET", "/api/diaries/detail/999999999999", g_alice.token, NULL, 404);
    e2e_expect_call("GET", "/api/diaries/0", g_alice.token, NULL, 404);
}

static void list_is_newest_published_first_by_page_and_cursor(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("d", &u);
    const char *dates[] = {"2025-05-03", "2025-05-01", "2025-05-03", "2025-05-02", "2024-12-31"};
    json_int_t ids[5];
    for (size_t i = 0; i < 5; i++) {
        char title[32];
        snprintf(title, sizeof title, "목록 %zu", i);
        ids[i] = create_id(&u, title, "내용", dates[i], NULL);
    }
    /* Expected: 05-03 (newer id first), 05-02, 05-01, 2024-12-31. */
    json_int_t want[5] = {ids[2], ids[0], ids[3], ids[1], ids[4]};
    json_int_t got[8];
    assert_int_equal(list_ids(&u, "page=1", got, 8), 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(got[i], want[i]);

    json_t *page = get_ok("/api/diaries?page=2&elements=2", u.token);
    assert_int_equal(e2e_int_at(page, "totalElements"), 5);
    assert_int_equal(e2e_int_at(page, "totalPages"), 3);
    assert_int_equal(e2e_int_at(page, "page"), 2);
    assert_int_equal(e2e_int_at(page, "numOfItems"), 2);
    assert_int_equal(page_ids(page, got, 8), 2);
    assert_int_equal(got[0], want[2]);
    assert_int_equal(got[1], want[3]);
    json_t *first = json_array_get(e2e_items_of(page), 0);
    /* List items carry the SPEC's fields, not the content. */
    assert_non_null(e2e_str_at(first, "title"));
    assert_non_null(e2e_str_at(first, "publishedDate"));
    assert_true(json_is_array(json_object_get(first, "tags")));
    assert_true(json_object_get(first, "emotion") != NULL);
    assert_true(json_object_get(first, "recommendedFood") != NULL);
    assert_null(json_object_get(first, "content"));
    json_decref(page);

    /* Cursor walk: every diary once, in order, then null. */
    char path[256] = "/api/diaries?elements=2";
    size_t seen = 0;
    for (int guard = 0; guard < 10; guard++) {
        page = get_ok(path, u.token);
        size_t n = page_ids(page, got, 8);
        for (size_t i = 0; i < n; i++) {
            assert_true(seen < 5);
            assert_int_equal(got[i], want[seen]);
            seen++;
        }
        /* A diary inserted meanwhile (newest date) does not shift the walk. */
        if (guard == 0)
            create_id(&u, "중간 삽입", "내용", "2025-06-01", NULL);
        json_t *next = json_object_get(page, "nextCursor");
        if (json_is_null(next)) {
            json_decref(page);
            break;
        }
        snprintf(path, sizeof path, "/api/diaries?elements=2&cursor=%s", json_string_value(next));
        json_decref(page);
    }
    assert_int_equal(seen, 5);
    e2e_expect_call("GET", "/api/diaries?page=1&cursor=abc", u.token, NULL, 400);
    e2e_expect_call("GET", "/api/diaries?cursor=%21%21", u.token, NULL, 400);
    e2e_expect_call("GET", "/api/diaries?elements=101", u.token, NULL, 400);
    e2e_expect_call("GET", "/api/diaries?page=0", u.token, NULL, 400);
    e2e_user_free(&u);
}

static void list_filters_by_dates_tag_and_emotion_and_bad_values_are_400(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("d", &u);
    json_int_t a = create_id(&u, "일월", "내용", "2025-01-10", "[\"산책\",\"Cafe\"]");
    json_int_t b = create_id(&u, "이월", "내용", "2025-02-10", "[\"산책\"]");
    json_int_t c = create_id(&u, "삼월", "내용", "2025-03-10", "[\"야근\"]");
    json_int_t got[8];
    size_t n = list_ids(&u, "from=2025-02-01", got, 8);
    assert_int_equal(n, 2);
    assert_true(has_id(got, n, b) && has_id(got, n, c));
    n = list_ids(&u, "to=2025-02-10", got, 8);
    assert_int_equal(n, 2);
    assert_true(has_id(got, n, a) && has_id(got, n, b));
    n = list_ids(&u, "from=2025-02-10&to=2025-02-10", got, 8);
    assert_int_equal(n, 1);
    assert_int_equal(got[0], b);
    char *tag = url_escape("산책");
    char q[128];
    snprintf(q, sizeof q, "tag=%s", tag);
    free(tag);
    n = list_ids(&u, q, got, 8);
    assert_int_equal(n, 2);
    assert_true(has_id(got, n, a) && has_id(got, n, b));
    assert_int_equal(list_ids(&u, "tag=Cafe", got, 8), 1);
    assert_int_equal(list_ids(&u, "tag=nothing", got, 8), 0);

    /* emotion = the visible analysis' top label; a diary never analysed does not match. */
    db_execf("UPDATE diaries SET version = 2 WHERE id = %lld", (long long)c);
    write_analysis(c, u.id, 1, "분노", "10.00, 70.00, 5.00, 5.00, 10.00", false);
    char *angry = url_escape("분노"), *happy = url_escape("행복");
    /* (A running analyzer may give a and b any label; without one they have none.) */
    snprintf(q, sizeof q, "emotion=%s", angry);
    n = list_ids(&u, q, got, 8);
    assert_true(has_id(got, n, c));
    if (!g_analyzer)
        assert_int_equal(n, 1);
    snprintf(q, sizeof q, "emotion=%s&from=2025-01-01", happy);
    n = list_ids(&u, q, got, 8);
    assert_false(has_id(got, n, c));
    if (!g_analyzer)
        assert_int_equal(n, 0);
    free(angry);
    free(happy);

    struct e2e_resp r;
    const char *bad[][2] = {
        {"/api/diaries?from=2025-13-01", "from"},
        {"/api/diaries?to=2025-02-30", "to"},
        {"/api/diaries?from=2025-03-01&to=2025-02-01", "to"},
        {"/api/diaries?emotion=sleepy", "emotion"},
        {"/api/diaries?q=%2B%2B%28%29", "q"},
        {"/api/diaries?tag=abcdefghijklmnopqrstuvwxyz", "tag"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(e2e_get(bad[i][0], u.token, &r), 0);
        e2e_expect_field_error(&r, 400, bad[i][1], bad[i][0]);
        e2e_resp_free(&r);
    }
    e2e_user_free(&u);
}

static void q_searches_only_the_callers_diaries_with_the_korean_rules(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("d", &u);
    json_int_t d1 = create_id(&u, "금요일 밤", "야식으로 후라이드치킨을 먹었다. 정말 맛있었다.",
                              "2025-07-01", NULL);
    json_int_t d2 =
        create_id(&u, "BBQ 파티", "친구들과 bbq 치킨과 볶음밥, 2인분 떡볶이", "2025-07-02", NULL);
    json_int_t d3 = create_id(&u, "조용한 하루", "야 식당에 갔다가 일찍 잤다.", "2025-07-03", NULL);
    /* Bob writes the same words: never in Alice-side results. */
    json_int_t other =
        create_id(&g_bob, "남의 일기", "야식으로 후라이드치킨을 먹었다", "2025-07-01", NULL);
    struct {
        const char *q;
        json_int_t want[3];
        size_t n;
    } cases[] = {
        {"야식", {d1}, 1},            /* 야식으로 (particle) */
        {"치킨", {d1, d2}, 2},        /* 후라이드치킨 (compound) */
        {"맛있", {d1}, 1},            /* 맛있었다 (stem) */
        {"밥", {d2}, 1},              /* 볶음밥 (one syllable) */
        {"치킨 bbq", {d2}, 1},        /* AND, case-insensitive */
        {"BBQ 볶음밥", {d2}, 1},      /* case */
        {"2인분", {d2}, 1},           /* digits + Hangul */
        {"치킨 조용한", {0}, 0},      /* AND across diaries: none */
        {"+야식 -치킨 \"(", {d1}, 1}, /* operators only separate words */
        {"조용한", {d3}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = url_escape(cases[i].q);
        char q[256];
        snprintf(q, sizeof q, "q=%s", e);
        free(e);
        json_int_t got[16];
        size_t n = list_ids(&u, q, got, 16);
        if (n != cases[i].n)
            fprintf(stderr, "q=%s: %zu results, want %zu\n", cases[i].q, n, cases[i].n);
        assert_int_equal(n, cases[i].n);
        for (size_t k = 0; k < cases[i].n; k++)
            assert_true(has_id(got, n, cases[i].want[k]));
        assert_false(has_id(got, n, other));
    }
    /* 야식 spelled across two words (야 식당) does not match d3. */
    json_int_t got[16];
    char *e = url_escape("야식");
    char q[128];
    snprintf(q, sizeof q, "q=%s", e);
    free(e);
    size_t n = list_ids(&u, q, got, 16);
    assert_false(has_id(got, n, d3));
    /* q combines with the other filters, and the search index follows an edit. */
    snprintf(q + strlen(q), sizeof q - strlen(q), "&from=2025-07-02");
    assert_int_equal(list_ids(&u, q, got, 16), 0);
    char path[64];
    snprintf(path, sizeof path, "/api/diaries/%lld", (long long)d3);
    e2e_expect_call("PATCH", path, u.token, "{\"content\":\"오늘 야식은 라면\"}", 200);
    snprintf(q, sizeof q, "q=%s", "%EC%95%BC%EC%8B%9D"); /* 야식 */
    n = list_ids(&u, q, got, 16);
    assert_int_equal(n, 2);
    assert_true(has_id(got, n, d3) && has_id(got, n, d1));
    /* A search index row exists for the edited text. */
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM diaries WHERE id = %lld AND search_tokens"
                             " LIKE '%%야식%%'",
                             (long long)d3),
                     1);
    e2e_user_free(&u);
}

static void patch_bumps_the_version_only_for_title_or_content_and_requeues(void **state)
{
    (void)state;
    json_int_t id = create_id(&g_alice, "수정 전", "원래 내용", "2025-08-01", "[\"a\"]");
    char p[64];
    snprintf(p, sizeof p, "/api/diaries/%lld", (long long)id);
    struct e2e_resp r;
    /* Other fields: no new version, no new outbox row. */
    e2e_json_ok("PATCH", p, g_alice.token,
                "{\"weather\":\"맑음\",\"mood\":\"행복\",\"tags\":[\"b\",\"c\"],\"publishedDate\":"
                "\"2025-08-02\"}",
                &r);
    e2e_expect_status(&r, 200, "patch other fields");
    json_t *d = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(d, "version"), 1);
    assert_string_equal(e2e_str_at(d, "weather"), "맑음");
    assert_string_equal(e2e_str_at(d, "mood"), "행복");
    assert_string_equal(e2e_str_at(d, "publishedDate"), "2025-08-02");
    assert_int_equal(json_array_size(json_object_get(d, "tags")), 2);
    assert_string_equal(e2e_str_at(d, "title"), "수정 전");
    e2e_resp_free(&r);
    /* The same title again (after trimming) is not a change. */
    e2e_json_ok("PATCH", p, g_alice.token, "{\"title\":\"  수정 전 \"}", &r);
    e2e_expect_status(&r, 200, "same title");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "version"), 1);
    e2e_resp_free(&r);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %lld", (long long)id),
                     1);
    /* A title change: version 2, pending, one more outbox row for version 2. */
    e2e_json_ok("PATCH", p, g_alice.token, "{\"title\":\"수정 후\"}", &r);
    e2e_expect_status(&r, 200, "title change");
    d = e2e_item_of(&r);
    assert_int_equal(e2e_int_at(d, "version"), 2);
    assert_string_equal(e2e_str_at(d, "title"), "수정 후");
    assert_string_equal(e2e_str_at(d, "content"), "원래 내용");
    assert_string_equal(e2e_str_at(json_object_get(d, "analysis"), "status"), "pending");
    e2e_resp_free(&r);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %lld AND"
                             " diary_version = 2 AND user_id = %" PRIu64,
                             (long long)id, g_alice.id),
                     1);
    /* Clearing optional fields. */
    e2e_json_ok("PATCH", p, g_alice.token, "{\"weather\":null,\"mood\":\"\",\"tags\":[]}", &r);
    e2e_expect_status(&r, 200, "clear");
    d = e2e_item_of(&r);
    assert_true(json_is_null(json_object_get(d, "weather")));
    assert_true(json_is_null(json_object_get(d, "mood")));
    assert_int_equal(json_array_size(json_object_get(d, "tags")), 0);
    e2e_resp_free(&r);
    /* 400s and 404s. */
    e2e_json_ok("PATCH", p, g_alice.token, "{}", &r);
    e2e_expect_field_error(&r, 400, "body", "empty patch");
    e2e_resp_free(&r);
    e2e_json_ok("PATCH", p, g_alice.token, "{\"title\":null,\"content\":\"\"}", &r);
    e2e_expect_field_error(&r, 400, "title", "null title");
    e2e_expect_field_error(&r, 400, "content", "empty content");
    e2e_resp_free(&r);
    e2e_expect_call("PATCH", MISSING, g_alice.token, "{\"title\":\"x\"}", 404);
}

static void delete_moves_to_the_trash_and_restore_brings_it_back(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("d", &u);
    json_int_t id = create_id(&u, "휴지통", "지울 일기", "2025-09-01", NULL);
    json_int_t keep = create_id(&u, "남길 일기", "내용", "2025-09-02", NULL);
    char p[64], rp[64];
    snprintf(p, sizeof p, "/api/diaries/%lld", (long long)id);
    snprintf(rp, sizeof rp, "/api/diaries/%lld/restore", (long long)id);
    e2e_expect_call("POST", rp, u.token, NULL, 404); /* not in the trash */
    struct e2e_resp r;
    e2e_json_ok("DELETE", p, u.token, NULL, &r);
    e2e_expect_status(&r, 200, "delete");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "id"), id);
    assert_true(json_is_true(json_object_get(e2e_item_of(&r), "deleted")));
    e2e_resp_free(&r);
    e2e_expect_call("DELETE", p, u.token, NULL, 404);
    e2e_expect_call("GET", p, u.token, NULL, 404);
    e2e_expect_call("PATCH", p, u.token, "{\"title\":\"x\"}", 404);
    json_int_t got[8];
    size_t n = list_ids(&u, "page=1", got, 8);
    assert_int_equal(n, 1);
    assert_int_equal(got[0], keep);

    json_t *trash = get_ok("/api/diaries/trash", u.token);
    assert_int_equal(e2e_int_at(trash, "totalElements"), 1);
    json_t *t0 = json_array_get(e2e_items_of(trash), 0);
    assert_int_equal(e2e_int_at(t0, "id"), id);
    assert_true(e2e_parse_instant(e2e_str_at(t0, "deletedAt")) > 0);
    assert_true(json_is_null(json_object_get(trash, "nextCursor")));
    json_decref(trash);
    e2e_expect_call("GET", "/api/diaries/trash?page=1&cursor=x", u.token, NULL, 400);

    /* Trash older than 30 days is gone from the trash and cannot be restored. */
    json_int_t old = create_id(&u, "오래된", "내용", "2025-09-03", NULL);
    char op[64], orp[64];
    snprintf(op, sizeof op, "/api/diaries/%lld", (long long)old);
    snprintf(orp, sizeof orp, "/api/diaries/%lld/restore", (long long)old);
    e2e_expect_call("DELETE", op, u.token, NULL, 200);
    db_execf("UPDATE diaries SET deleted_at = NOW(3) - INTERVAL 31 DAY WHERE id = %lld",
             (long long)old);
    trash = get_ok("/api/diaries/trash", u.token);
    assert_int_equal(e2e_int_at(trash, "totalElements"), 1);
    json_decref(trash);
    e2e_expect_call("POST", orp, u.token, NULL, 404);

    e2e_json_ok("POST", rp, u.token, NULL, &r);
    e2e_expect_status(&r, 200, "restore");
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "id"), id);
    assert_null(json_object_get(e2e_item_of(&r), "deletedAt"));
    e2e_resp_free(&r);
    n = list_ids(&u, "page=1", got, 8);
    assert_int_equal(n, 2);
    json_decref(get_ok(p, u.token));
    trash = get_ok("/api/diaries/trash", u.token);
    assert_int_equal(e2e_int_at(trash, "totalElements"), 0);
    json_decref(trash);
    e2e_expect_call("POST", rp, u.token, NULL, 404);
    e2e_user_free(&u);
}

static void another_user_gets_404_on_every_route_and_sees_nothing(void **state)
{
    (void)state;
    json_int_t id = create_id(&g_alice, "비밀 일기", "밥 아무도 모르는 이야기 비밀번호",
                              "2025-10-01", "[\"비밀\"]");
    json_int_t gone = create_id(&g_alice, "지운 비밀", "내용", "2025-10-02", NULL);
    char p[64], dp[64], rp[64], gp[64], grp[64];
    snprintf(p, sizeof p, "/api/diaries/%lld", (long long)id);
    snprintf(dp, sizeof dp, "/api/diaries/detail/%lld", (long long)id);
    snprintf(rp, sizeof rp, "/api/diaries/%lld/restore", (long long)id);
    snprintf(gp, sizeof gp, "/api/diaries/%lld", (long long)gone);
    snprintf(grp, sizeof grp, "/api/diaries/%lld/restore", (long long)gone);
    e2e_expect_call("DELETE", gp, g_alice.token, NULL, 200);

    const char *calls[][3] = {
        {"GET", p, NULL},    {"GET", dp, NULL},  {"PATCH", p, "{\"title\":\"해킹\"}"},
        {"DELETE", p, NULL}, {"POST", rp, NULL}, {"POST", grp, NULL},
        {"GET", gp, NULL},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        struct e2e_resp r;
        e2e_json_ok(calls[i][0], calls[i][1], g_bob.token, calls[i][2], &r);
        e2e_expect_status(&r, 404, calls[i][1]);
        e2e_assert_error(&r, 404);
        /* The same answer as for a diary that does not exist. */
        assert_string_equal(e2e_str_at(r.json, "message"), "일기를 찾을 수 없습니다.");
        e2e_resp_free(&r);
    }
    json_int_t got[100];
    size_t n = list_ids(&g_bob, "page=1", got, 100);
    assert_false(has_id(got, n, id));
    n = list_ids(&g_bob, "q=%EB%B9%84%EB%B0%80", got, 100); /* 비밀 */
    assert_false(has_id(got, n, id));
    n = list_ids(&g_bob, "tag=%EB%B9%84%EB%B0%80", got, 100);
    assert_int_equal(n, 0);
    json_t *trash = get_ok("/api/diaries/trash?elements=100", g_bob.token);
    n = page_ids(trash, got, 100);
    assert_false(has_id(got, n, gone));
    json_decref(trash);
    /* Alice's diaries are untouched. */
    json_t *d = get_ok(p, g_alice.token);
    assert_string_equal(e2e_str_at(json_object_get(d, "item"), "title"), "비밀 일기");
    json_decref(d);
    e2e_expect_call("POST", grp, g_alice.token, NULL, 200);
}

static void garbage_bodies_are_answered_below_500(void **state)
{
    (void)state;
    json_int_t id = create_id(&g_alice, "쓰레기", "입력", "2025-11-01", NULL);
    char p[64];
    snprintf(p, sizeof p, "/api/diaries/%lld", (long long)id);
    char *deep = malloc(20001);
    assert_non_null(deep);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    const char *garbage[] = {
        "",
        " ",
        "\x01\x02",
        "{\"title\":\"\xff\xfe\"}",
        "{\"title\":\"a\",\"title\":\"b\"}",
        "{\"title\":{},\"content\":[],\"publishedDate\":1,\"tags\":[1,null,{}]}",
        "{\"title\":\"\\u0000\",\"content\":\"x\",\"publishedDate\":\"2025-01-01\"}",
        "{\"title\":\"\\ud800\",\"content\":\"x\",\"publishedDate\":\"2025-01-01\"}",
        "{\"title\":1e999}",
        "{\"mood\":[\"행복\"],\"weather\":{}}",
        "{\"content\":\"",
        deep,
        "<xml/>",
    };
    const char *targets[][2] = {{"POST", "/api/diaries"}, {"PATCH", p}};
    for (size_t t = 0; t < 2; t++) {
        for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
            struct e2e_resp r;
            e2e_json_ok(targets[t][0], targets[t][1], g_alice.token, garbage[i], &r);
            if (r.status < 400 || r.status >= 500)
                fprintf(stderr, "%s %s garbage #%zu: %ld %s\n", targets[t][0], targets[t][1], i,
                        r.status, r.body);
            assert_true(r.status >= 400 && r.status < 500);
            e2e_resp_free(&r);
        }
    }
    free(deep);
    /* Odd query strings are 400 (or ignored), never 5xx. */
    const char *queries[] = {"/api/diaries?q=%FF", "/api/diaries?from=2025-01-0%01",
                             "/api/diaries?tag=a%01b", "/api/diaries?emotion=%ED%96%89",
                             "/api/diaries?elements=-1"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct e2e_resp r;
        assert_int_equal(e2e_get(queries[i], g_alice.token, &r), 0);
        assert_int_equal(r.status, 400);
        e2e_resp_free(&r);
    }
}

static void expired_trash_is_purged_and_feedback_keeps_an_erased_row(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("d", &u);
    json_int_t plain = create_id(&u, "오래된 일기", "지워질 내용", "2025-01-05", NULL);
    json_int_t fed = create_id(&u, "피드백 일기", "피드백이 남은 내용", "2025-01-06", NULL);
    json_int_t recent = create_id(&u, "최근 삭제", "아직 남는 내용", "2025-01-07", NULL);
    json_int_t ids[] = {plain, fed, recent};
    for (size_t i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "/api/diaries/%lld", (long long)ids[i]);
        e2e_expect_call("DELETE", p, u.token, NULL, 200);
    }
    /* Version 2 first, so no analyzer writes over the crafted version-1 analyses. */
    db_execf("UPDATE diaries SET version = 2 WHERE id IN (%lld, %lld)", (long long)plain,
             (long long)fed);
    write_analysis(plain, u.id, 1, "슬픔", "10.00, 10.00, 10.00, 10.00, 60.00", false);
    write_analysis(fed, u.id, 1, "행복", "10.00, 10.00, 60.00, 10.00, 10.00", false);
    db_execf("INSERT INTO food_feedback (user_id, recommendation_id, food_id, ate, liked)"
             " SELECT user_id, id, food_id, 1, 1 FROM recommended_foods WHERE diary_id = %lld",
             (long long)fed);
    db_execf("UPDATE diaries SET deleted_at = NOW(3) - INTERVAL 31 DAY WHERE id IN (%lld, %lld)",
             (long long)plain, (long long)fed);
    db_execf("UPDATE diaries SET deleted_at = NOW(3) - INTERVAL 29 DAY WHERE id = %lld",
             (long long)recent);

    /* A fresh process purges on its first trash request. */
    char base[64], auth[E2E_TOKEN_MAX + 32];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-diaries-purge.log", NULL);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", u.token);
    const char *headers[] = {auth, NULL};
    struct e2e_resp r;
    assert_int_equal(e2e_request(base, "GET", "/api/diaries/trash", headers, NULL, NULL, 0, &r), 0);
    kill(pid, SIGTERM);
    e2e_wait_exit(pid, 20000);
    e2e_expect_status(&r, 200, "trash on a fresh process");
    json_int_t got[8];
    size_t n = page_ids(r.json, got, 8);
    e2e_resp_free(&r);
    assert_int_equal(n, 1);
    assert_int_equal(got[0], recent);

    /* The plain diary is gone with everything that hung on it. */
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM diaries WHERE id = %lld", (long long)plain), 0);
    assert_int_equal(
        db_u64f("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %lld", (long long)plain), 0);
    assert_int_equal(
        db_u64f("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %lld", (long long)plain),
        0);
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM outbox WHERE diary_id = %lld", (long long)plain),
                     0);
    /* The one with feedback keeps its row (and the recommendation), every word erased. */
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM diaries WHERE id = %lld AND title = '' AND"
                             " content = '' AND search_tokens = '' AND tags = '[]'",
                             (long long)fed),
                     1);
    assert_int_equal(
        db_u64f("SELECT COUNT(*) FROM recommended_foods WHERE diary_id = %lld", (long long)fed), 1);
    assert_int_equal(
        db_u64f("SELECT COUNT(*) FROM diary_emotions WHERE diary_id = %lld", (long long)fed), 0);
    /* Recent trash is untouched. */
    assert_int_equal(db_u64f("SELECT COUNT(*) FROM diaries WHERE id = %lld AND title = '최근 삭제'",
                             (long long)recent),
                     1);
    e2e_user_free(&u);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_diary_is_201_pending_with_location_and_every_field),
        cmocka_unit_test(invalid_diaries_are_400_naming_each_field),
        cmocka_unit_test(diary_routes_without_a_valid_token_are_401),
        cmocka_unit_test(detail_routes_return_the_analysis_marked_stale_after_a_content_change),
        cmocka_unit_test(list_is_newest_published_first_by_page_and_cursor),
        cmocka_unit_test(list_filters_by_dates_tag_and_emotion_and_bad_values_are_400),
        cmocka_unit_test(q_searches_only_the_callers_diaries_with_the_korean_rules),
        cmocka_unit_test(patch_bumps_the_version_only_for_title_or_content_and_requeues),
        cmocka_unit_test(delete_moves_to_the_trash_and_restore_brings_it_back),
        cmocka_unit_test(another_user_gets_404_on_every_route_and_sees_nothing),
        cmocka_unit_test(expired_trash_is_purged_and_feedback_keeps_an_erased_row),
        cmocka_unit_test(garbage_bodies_are_answered_below_500),
    };
    int failed = cmocka_run_group_tests_name("e2e_diaries", tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}

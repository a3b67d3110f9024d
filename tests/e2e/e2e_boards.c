/*
 * e2e_boards.c - board posts and their comments seen from a frontend: create (201 + Location,
 * every field, authorName = the author's current nickname), validation (characters, not bytes),
 * 401 without a token, lists (newest first, category filter, page/elements, keyset cursors that
 * stay stable under inserts), my-boards, detail with comments and view counting (also under
 * concurrency, without touching updatedAt), partial update and soft delete by the author only,
 * comments (oldest first, author only, must belong to the post in the path) and commentCount,
 * which always equals the number of visible comments, also under concurrency.
 * Runs against the stack of `scripts/eeum test` (EEUM_E2E_BASE_URL); every test makes its own
 * uniquely named users and posts.
 */
#include "e2e_client.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>

#include <cmocka.h>

#define MISSING "999999999999" /* an id no post or comment has */

/* ---- small helpers ------------------------------------------------------------------------ */

static void req_get(const char *path, const char *token, struct e2e_resp *out)
{
    assert_int_equal(e2e_get(path, token, out), 0);
}

/* `n` copies of `unit` (heap; caller frees). */
static char *repeat(const char *unit, size_t n)
{
    size_t ul = strlen(unit);
    char *s = malloc(ul * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    s[ul * n] = '\0';
    return s;
}

/* ---- posts and comments ------------------------------------------------------------------- */

static void post_path(char *out, size_t n, uint64_t id)
{
    snprintf(out, n, "/api/boards/%llu", (unsigned long long)id);
}

static void comments_path(char *out, size_t n, uint64_t board)
{
    snprintf(out, n, "/api/boards/%llu/comments", (unsigned long long)board);
}

static void comment_path(char *out, size_t n, uint64_t board, uint64_t comment)
{
    snprintf(out, n, "/api/boards/%llu/comments/%llu", (unsigned long long)board,
             (unsigned long long)comment);
}

static bool valid_category(const char *c)
{
    return c && (strcmp(c, "RECIPE") == 0 || strcmp(c, "RESTAURANT") == 0);
}

/* Post JSON as SPEC §4 lists it. */
static void assert_post_shape(const json_t *p)
{
    assert_true(json_is_object(p));
    assert_true(e2e_int_at(p, "id") > 0);
    assert_true(e2e_int_at(p, "userId") > 0);
    assert_non_null(e2e_str_at(p, "authorName"));
    assert_true(valid_category(e2e_str_at(p, "category")));
    assert_non_null(e2e_str_at(p, "title"));
    assert_non_null(e2e_str_at(p, "content"));
    assert_true(e2e_int_at(p, "views") >= 0);
    assert_true(e2e_int_at(p, "commentCount") >= 0);
    long long c = e2e_parse_instant(e2e_str_at(p, "createdAt"));
    long long u = e2e_parse_instant(e2e_str_at(p, "updatedAt"));
    assert_true(c > 0);
    assert_true(u >= c);
}

/* Comment JSON: id, boardId, userId, authorName, content, createdAt, updatedAt. */
static void assert_comment_shape(const json_t *c)
{
    assert_true(json_is_object(c));
    assert_true(e2e_int_at(c, "id") > 0);
    assert_true(e2e_int_at(c, "boardId") > 0);
    assert_true(e2e_int_at(c, "userId") > 0);
    assert_non_null(e2e_str_at(c, "authorName"));
    assert_non_null(e2e_str_at(c, "content"));
    assert_true(e2e_parse_instant(e2e_str_at(c, "createdAt")) > 0);
    assert_true(e2e_parse_instant(e2e_str_at(c, "updatedAt")) > 0);
}

/* POST /api/boards (201 expected); the post is a new reference. */
static json_t *create_post(const struct e2e_user *u, const char *category, const char *title,
                           const char *content)
{
    json_t *p = e2e_create_post(u->token, category, title, content);
    assert_post_shape(p);
    return p;
}

/* A post with a unique title; returns its id. */
static uint64_t quick_post(const struct e2e_user *u, const char *category)
{
    char title[96];
    snprintf(title, sizeof title, "게시글 %s", e2e_unique());
    json_t *p = create_post(u, category, title, "내용입니다.");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    return id;
}

/* GET `path` (200 expected); the item is a new reference. */
static json_t *get_item(const char *path, const char *token)
{
    struct e2e_resp r;
    req_get(path, token, &r);
    e2e_expect_status(&r, 200, path);
    assert_true(json_is_true(json_object_get(r.json, "success")));
    json_t *it = json_incref(e2e_item_of(&r));
    e2e_resp_free(&r);
    assert_non_null(it);
    return it;
}

/* GET a page (200 expected); the whole body is a new reference, checked against SPEC §3. */
static json_t *get_page(const char *path, const char *token)
{
    struct e2e_resp r;
    req_get(path, token, &r);
    e2e_expect_status(&r, 200, path);
    json_t *b = json_incref(r.json);
    e2e_resp_free(&r);
    assert_non_null(b);
    assert_true(json_is_true(json_object_get(b, "success")));
    json_t *items = json_object_get(b, "items");
    assert_true(json_is_array(items));
    assert_int_equal(e2e_int_at(b, "numOfItems"), (json_int_t)json_array_size(items));
    assert_true(e2e_int_at(b, "totalElements") >= 0);
    assert_true(e2e_int_at(b, "totalPages") >= 0);
    assert_true(e2e_int_at(b, "page") >= 1);
    return b;
}

static uint64_t id_at(const json_t *items, size_t i)
{
    return (uint64_t)e2e_int_at(json_array_get(items, i), "id");
}

/* POST a comment (201 expected); returns its id. */
static uint64_t create_comment(const struct e2e_user *u, uint64_t board, const char *content)
{
    char path[96];
    comments_path(path, sizeof path, board);
    json_t *b = json_pack("{s:s}", "content", content);
    struct e2e_resp r;
    e2e_jsonv_ok("POST", path, u->token, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "POST comment");
    uint64_t id = (uint64_t)e2e_int_at(e2e_item_of(&r), "id");
    e2e_resp_free(&r);
    return id;
}

static json_int_t comment_count_of(uint64_t board)
{
    /* Read through the detail (it counts a view, which does not matter here). */
    char path[64];
    post_path(path, sizeof path, board);
    json_t *p = get_item(path, NULL);
    json_int_t n = e2e_int_at(p, "commentCount");
    /* The detail lists the visible comments: they must agree with the counter. */
    json_t *comments = json_object_get(p, "comments");
    assert_true(json_is_array(comments));
    if ((json_int_t)json_array_size(comments) != n)
        fprintf(stderr, "post %llu: commentCount %lld but %zu comments shown\n",
                (unsigned long long)board, (long long)n, json_array_size(comments));
    assert_int_equal((json_int_t)json_array_size(comments), n);
    json_decref(p);
    return n;
}

/* Number of visible comments according to the comment list (walks every page). */
static size_t visible_comments(uint64_t board)
{
    char base[96], path[512];
    comments_path(base, sizeof base, board);
    size_t seen = 0;
    json_int_t total = -1;
    for (int page = 1; page < 100; page++) {
        snprintf(path, sizeof path, "%s?page=%d&elements=100", base, page);
        json_t *b = get_page(path, NULL);
        size_t n = json_array_size(e2e_items_of(b));
        if (total < 0)
            total = e2e_int_at(b, "totalElements");
        json_decref(b);
        seen += n;
        if (n < 100)
            break;
    }
    assert_int_equal((json_int_t)seen, total);
    return seen;
}

/*
 * Walk `path` (which may already hold a query) with `elements` per page following nextCursor
 * until it is null, or, when stop_set is non-NULL, until all n_stop ids of stop_set were seen. Ids
 * land in out[] (cap). `between` runs after the first page. Returns the count.
 */
static size_t walk_cursor(const char *path, const char *token, int elements, uint64_t *out,
                          size_t cap, const uint64_t *stop_set, size_t n_stop,
                          void (*between)(void *), void *between_arg)
{
    char url[1024];
    char cursor[256] = "";
    size_t n = 0, stop_seen = 0;
    const char *sep = strchr(path, '?') ? "&" : "?";
    for (int pages = 0;; pages++) {
        assert_true(pages < 1000);
        if (cursor[0])
            snprintf(url, sizeof url, "%s%selements=%d&cursor=%s", path, sep, elements, cursor);
        else
            snprintf(url, sizeof url, "%s%selements=%d", path, sep, elements);
        json_t *b = get_page(url, token);
        json_t *items = e2e_items_of(b);
        assert_true(json_array_size(items) <= (size_t)elements);
        for (size_t i = 0; i < json_array_size(items); i++) {
            assert_true(n < cap);
            out[n] = id_at(items, i);
            for (size_t k = 0; stop_set && k < n_stop; k++)
                if (stop_set[k] == out[n])
                    stop_seen++;
            n++;
        }
        json_t *next = json_object_get(b, "nextCursor");
        assert_non_null(next); /* present on every page, null on the last */
        if (json_is_null(next)) {
            json_decref(b);
            break;
        }
        assert_true(json_is_string(next));
        /* a page that says "more follows" is full */
        assert_int_equal(json_array_size(items), (size_t)elements);
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        assert_true(strlen(cursor) > 0 && strlen(cursor) < sizeof cursor - 1);
        json_decref(b);
        if (pages == 0 && between)
            between(between_arg);
        if (stop_set && stop_seen >= n_stop)
            break;
    }
    return n;
}

static bool contains_id(const uint64_t *ids, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static void assert_no_duplicates(const uint64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++) {
            if (ids[i] == ids[k])
                fprintf(stderr, "id %llu appears twice (positions %zu and %zu)\n",
                        (unsigned long long)ids[i], i, k);
            assert_true(ids[i] != ids[k]);
        }
}

/* ---- users ------------------------------------------------------------------------------- */

/* Users shared by tests that need no isolation of their own. */
static struct e2e_user g_alice, g_bob;

static int setup_users(void **state)
{
    (void)state;
    e2e_new_user("b", &g_alice);
    e2e_new_user("b", &g_bob);
    return 0;
}

/* ---- 1. create ---------------------------------------------------------------------------- */

static void create_post_is_201_with_location_and_every_field(void **state)
{
    (void)state;
    char title[96];
    snprintf(title, sizeof title, "  오늘의 레시피 %s  ", e2e_unique());
    json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "category", "RECIPE", "title", title, "content",
                          "김치볶음밥 만드는 법", "unknownField", "ignored");
    struct e2e_resp r;
    long long before = (long long)time(NULL);
    e2e_jsonv_ok("POST", "/api/boards", g_alice.token, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "POST /api/boards");
    assert_true(json_is_true(json_object_get(r.json, "success")));
    json_t *p = e2e_item_of(&r);
    assert_post_shape(p);
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    assert_int_equal(e2e_int_at(p, "userId"), (json_int_t)g_alice.id);
    assert_string_equal(e2e_str_at(p, "authorName"), g_alice.nickname);
    assert_string_equal(e2e_str_at(p, "category"), "RECIPE");
    /* the title is trimmed */
    char trimmed[96];
    snprintf(trimmed, sizeof trimmed, "%.*s", (int)(strlen(title) - 4), title + 2);
    assert_string_equal(e2e_str_at(p, "title"), trimmed);
    assert_string_equal(e2e_str_at(p, "content"), "김치볶음밥 만드는 법");
    assert_int_equal(e2e_int_at(p, "views"), 0);
    assert_int_equal(e2e_int_at(p, "commentCount"), 0);
    long long created = e2e_parse_instant(e2e_str_at(p, "createdAt"));
    assert_true(created >= before - 120 && created <= (long long)time(NULL) + 120);
    assert_string_equal(e2e_str_at(p, "createdAt"), e2e_str_at(p, "updatedAt"));

    char loc[256], expected[64];
    assert_true(e2e_header(&r, "Location", loc, sizeof loc));
    post_path(expected, sizeof expected, id);
    assert_string_equal(loc, expected);
    json_t *created_post = json_incref(p);
    e2e_resp_free(&r);

    /* Location leads to the same post (the GET counts one view). */
    json_t *got = get_item(loc, NULL);
    assert_int_equal(e2e_int_at(got, "id"), (json_int_t)id);
    assert_string_equal(e2e_str_at(got, "title"), trimmed);
    assert_string_equal(e2e_str_at(got, "content"), e2e_str_at(created_post, "content"));
    assert_string_equal(e2e_str_at(got, "createdAt"), e2e_str_at(created_post, "createdAt"));
    assert_int_equal(e2e_int_at(got, "views"), 1);
    json_decref(got);
    json_decref(created_post);
}

static void author_name_follows_the_authors_current_nickname(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    json_t *p = create_post(&u, "RESTAURANT", "닉네임 변경 전 글", "맛집 후기");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    assert_string_equal(e2e_str_at(p, "authorName"), u.nickname);
    json_decref(p);
    uint64_t cid = create_comment(&u, id, "내 글에 댓글");
    (void)cid;

    char nick[32], upath[64];
    snprintf(nick, sizeof nick, "c%s", e2e_unique());
    snprintf(upath, sizeof upath, "/api/users/%llu", (unsigned long long)u.id);
    json_t *b = json_pack("{s:s}", "nickname", nick);
    struct e2e_resp r;
    e2e_jsonv_ok("PUT", upath, u.token, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 200, "PUT /api/users/:id");
    e2e_resp_free(&r);

    char path[64];
    post_path(path, sizeof path, id);
    json_t *got = get_item(path, NULL);
    assert_string_equal(e2e_str_at(got, "authorName"), nick);
    json_t *comments = json_object_get(got, "comments");
    assert_int_equal(json_array_size(comments), 1);
    assert_string_equal(e2e_str_at(json_array_get(comments, 0), "authorName"), nick);
    json_decref(got);

    json_t *mine = get_page("/api/boards/my-boards", u.token);
    assert_int_equal(json_array_size(e2e_items_of(mine)), 1);
    assert_string_equal(e2e_str_at(json_array_get(e2e_items_of(mine), 0), "authorName"), nick);
    json_decref(mine);
    e2e_user_free(&u);
}

/* POST /api/boards with `body` (raw text) and expect a 400 naming `field`. */
static void expect_create_400(const char *body, const char *field, const char *what)
{
    struct e2e_resp r;
    e2e_json_ok("POST", "/api/boards", g_alice.token, body, &r);
    e2e_expect_field_error(&r, 400, field, what);
    e2e_resp_free(&r);
}

static void expect_create_400v(json_t *body, const char *field, const char *what)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    assert_non_null(text);
    expect_create_400(text, field, what);
    free(text);
}

static void invalid_posts_are_400_naming_each_field(void **state)
{
    (void)state;
    char *t151 = repeat("가", 151);
    char *c20001 = repeat("나", 20001);
    char *t151_ascii = repeat("a", 151);
    expect_create_400v(json_pack("{s:s,s:s}", "title", "제목", "content", "내용"), "category",
                       "missing category");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "FOOD", "title", "제목", "content", "내용"),
        "category", "unknown category");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "", "title", "제목", "content", "내용"), "category",
        "empty category");
    expect_create_400v(
        json_pack("{s:i,s:s,s:s}", "category", 1, "title", "제목", "content", "내용"), "category",
        "numeric category");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", "", "content", "내용"), "title",
        "empty title");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", "   ", "content", "내용"),
        "title", "blank title");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", t151, "content", "내용"), "title",
        "151-character Hangul title");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", t151_ascii, "content", "내용"),
        "title", "151-character ASCII title");
    expect_create_400v(json_pack("{s:s,s:s}", "category", "RECIPE", "content", "내용"), "title",
                       "missing title");
    expect_create_400v(
        json_pack("{s:s,s:i,s:s}", "category", "RECIPE", "title", 5, "content", "내용"), "title",
        "numeric title");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", "제목", "content", ""), "content",
        "empty content");
    expect_create_400v(
        json_pack("{s:s,s:s,s:s}", "category", "RECIPE", "title", "제목", "content", c20001),
        "content", "20001-character content");
    expect_create_400v(json_pack("{s:s,s:s}", "category", "RECIPE", "title", "제목"), "content",
                       "missing content");
    free(t151);
    free(c20001);
    free(t151_ascii);

    /* Every failing field is listed at once. */
    struct e2e_resp r;
    e2e_json_ok("POST", "/api/boards", g_alice.token, "{}", &r);
    e2e_expect_field_error(&r, 400, "category", "{}");
    e2e_expect_field_error(&r, 400, "title", "{}");
    e2e_expect_field_error(&r, 400, "content", "{}");
    e2e_resp_free(&r);

    /* Not JSON, not an object, not JSON at all by Content-Type. */
    static const char *const bad[] = {"{", "[]", "\"x\"", "null", "{\"title\":}", "12"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e2e_json_ok("POST", "/api/boards", g_alice.token, bad[i], &r);
        e2e_expect_status(&r, 400, bad[i]);
        e2e_assert_error(&r, 400);
        e2e_resp_free(&r);
    }
    char auth[E2E_TOKEN_MAX + 64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", g_alice.token);
    const char *hdrs[] = {auth, NULL};
    assert_int_equal(e2e_request(e2e_base(), "POST", "/api/boards", hdrs, "text/plain",
                                 "category=RECIPE", SIZE_MAX, &r),
                     0);
    e2e_expect_status(&r, 415, "text/plain body");
    e2e_resp_free(&r);

    /* Nothing of the above was stored. */
    json_t *mine = get_page("/api/boards/my-boards?elements=100", g_alice.token);
    json_t *items = e2e_items_of(mine);
    for (size_t i = 0; i < json_array_size(items); i++)
        assert_string_not_equal(e2e_str_at(json_array_get(items, i), "title"), "제목");
    json_decref(mine);
}

static void lengths_count_characters_and_multiline_content_is_kept(void **state)
{
    (void)state;
    char *t150 = repeat("가", 150);                /* 450 bytes */
    char *t150e = repeat("\xF0\x9F\x8D\x9C", 150); /* 600 bytes of ramen emoji */
    char *c20000 = repeat("나", 20000);            /* 60000 bytes */
    json_t *p = create_post(&g_alice, "RECIPE", t150, "내용");
    assert_string_equal(e2e_str_at(p, "title"), t150);
    json_decref(p);
    p = create_post(&g_alice, "RECIPE", t150e, "내용");
    assert_string_equal(e2e_str_at(p, "title"), t150e);
    json_decref(p);
    p = create_post(&g_alice, "RESTAURANT", "긴 글", c20000);
    assert_string_equal(e2e_str_at(p, "content"), c20000);
    json_decref(p);
    p = create_post(&g_alice, "RECIPE", "한", "짧");
    assert_string_equal(e2e_str_at(p, "title"), "한");
    json_decref(p);
    free(t150);
    free(t150e);
    free(c20000);

    static const char multi[] = "재료:\n- 밥 1공기\n- 김치 100g\r\n\n만드는 법:\n\t1. 볶는다";
    p = create_post(&g_alice, "RECIPE", "여러 줄", multi);
    assert_string_equal(e2e_str_at(p, "content"), multi);
    char path[64];
    post_path(path, sizeof path, (uint64_t)e2e_int_at(p, "id"));
    json_decref(p);
    json_t *got = get_item(path, NULL);
    assert_string_equal(e2e_str_at(got, "content"), multi);
    json_decref(got);
}

static void writes_without_a_valid_token_are_401(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RECIPE");
    uint64_t cid = create_comment(&g_alice, id, "댓글");
    char pp[64], cp[96], ccp[128];
    post_path(pp, sizeof pp, id);
    comments_path(cp, sizeof cp, id);
    comment_path(ccp, sizeof ccp, id, cid);
    static const char post_body[] = "{\"category\":\"RECIPE\",\"title\":\"t\",\"content\":\"c\"}";
    struct {
        const char *method, *path, *body;
    } calls[] = {
        {"POST", "/api/boards", post_body},
        {"GET", "/api/boards/my-boards", NULL},
        {"PATCH", pp, "{\"title\":\"hacked\"}"},
        {"DELETE", pp, NULL},
        {"POST", cp, "{\"content\":\"hi\"}"},
        {"PATCH", ccp, "{\"content\":\"hacked\"}"},
        {"DELETE", ccp, NULL},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        for (int k = 0; k < 2; k++) {
            struct e2e_resp r;
            e2e_json_ok(calls[i].method, calls[i].path, k ? "not.a.jwt" : NULL, calls[i].body, &r);
            char what[256];
            snprintf(what, sizeof what, "%s %s %s", calls[i].method, calls[i].path,
                     k ? "(garbage token)" : "(no token)");
            e2e_expect_status(&r, 401, what);
            e2e_assert_error(&r, 401);
            char www[256];
            assert_true(e2e_header(&r, "WWW-Authenticate", www, sizeof www));
            e2e_resp_free(&r);
        }
    }
    /* nothing changed */
    json_t *p = get_item(pp, NULL);
    assert_string_not_equal(e2e_str_at(p, "title"), "hacked");
    assert_int_equal(e2e_int_at(p, "commentCount"), 1);
    assert_string_equal(e2e_str_at(json_array_get(json_object_get(p, "comments"), 0), "content"),
                        "댓글");
    json_decref(p);
}

/* ---- 2. lists ----------------------------------------------------------------------------- */

static void list_is_newest_first_and_filters_by_category(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    enum { N = 6 };
    uint64_t ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = quick_post(&u, i % 2 ? "RESTAURANT" : "RECIPE");

    /* The public list: newest first; my posts (the newest ones) appear in reverse order. */
    json_t *b = get_page("/api/boards?elements=100", NULL);
    json_t *items = e2e_items_of(b);
    int expect = N - 1;
    const char *prev_created = NULL;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *p = json_array_get(items, i);
        assert_post_shape(p);
        assert_true(json_object_get(p, "comments") == NULL);
        const char *c = e2e_str_at(p, "createdAt");
        if (prev_created)
            assert_true(strcmp(prev_created, c) >= 0);
        prev_created = c;
        if (expect >= 0 && (uint64_t)e2e_int_at(p, "id") == ids[expect])
            expect--;
    }
    if (expect != -1)
        fprintf(stderr, "own posts not listed newest first: %s\n", json_dumps(b, 0));
    assert_int_equal(expect, -1);
    assert_true(e2e_int_at(b, "totalElements") >= N);
    assert_int_equal(e2e_int_at(b, "page"), 1);
    json_decref(b);

    /* The category filter: only that category, mine in reverse order. */
    static const char *const cats[] = {"RECIPE", "RESTAURANT"};
    for (int c = 0; c < 2; c++) {
        char path[128];
        snprintf(path, sizeof path, "/api/boards?category=%s&elements=100", cats[c]);
        b = get_page(path, NULL);
        items = e2e_items_of(b);
        int want = N - 1 - (c == 0 ? 1 : 0); /* newest of that category */
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *p = json_array_get(items, i);
            assert_string_equal(e2e_str_at(p, "category"), cats[c]);
            if (want >= 0 && (uint64_t)e2e_int_at(p, "id") == ids[want])
                want -= 2;
        }
        assert_true(want < 0);
        json_decref(b);
    }

    /* A bad category is a 400 naming it. */
    static const char *const bad[] = {"FOOD", "recipe_", "", "RECIPE%2CRESTAURANT"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/boards?category=%s", bad[i]);
        struct e2e_resp r;
        req_get(path, NULL, &r);
        e2e_expect_field_error(&r, 400, "category", path);
        e2e_resp_free(&r);
    }
    e2e_user_free(&u);
}

static void page_and_elements_split_the_list_and_bad_values_are_400(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    enum { N = 7 };
    uint64_t ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = quick_post(&u, "RECIPE");

    /* Default page size is 10. */
    json_t *b = get_page("/api/boards/my-boards", u.token);
    assert_int_equal(e2e_int_at(b, "totalElements"), N);
    assert_int_equal(e2e_int_at(b, "totalPages"), 1);
    assert_int_equal(e2e_int_at(b, "numOfItems"), N);
    json_decref(b);

    /* elements=3: pages of 3, 3, 1, then an empty page. */
    uint64_t seen[N];
    size_t n = 0;
    for (int page = 1; page <= 4; page++) {
        char path[128];
        snprintf(path, sizeof path, "/api/boards/my-boards?page=%d&elements=3", page);
        b = get_page(path, u.token);
        assert_int_equal(e2e_int_at(b, "totalElements"), N);
        assert_int_equal(e2e_int_at(b, "totalPages"), 3);
        assert_int_equal(e2e_int_at(b, "page"), page);
        size_t want = page < 3 ? 3 : page == 3 ? 1 : 0;
        assert_int_equal(json_array_size(e2e_items_of(b)), want);
        for (size_t i = 0; i < want; i++)
            seen[n++] = id_at(e2e_items_of(b), i);
        json_decref(b);
    }
    assert_int_equal(n, N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(seen[i], ids[N - 1 - i]); /* newest first, no gap, no repeat */

    /* The public list has the same envelope. */
    b = get_page("/api/boards?page=2&elements=1", NULL);
    assert_int_equal(e2e_int_at(b, "page"), 2);
    assert_int_equal(json_array_size(e2e_items_of(b)), 1);
    assert_true(e2e_int_at(b, "totalPages") == e2e_int_at(b, "totalElements"));
    json_decref(b);

    static const char *const bad[][2] = {
        {"elements=0", "elements"},  {"elements=101", "elements"},
        {"elements=-1", "elements"}, {"elements=abc", "elements"},
        {"elements=", "elements"},   {"elements=1.5", "elements"},
        {"page=0", "page"},          {"page=-2", "page"},
        {"page=x", "page"},          {"page=99999999999999999999", "page"},
    };
    static const char *const bases[] = {"/api/boards", "/api/boards/my-boards"};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char path[160];
            snprintf(path, sizeof path, "%s?%s", bases[k], bad[i][0]);
            struct e2e_resp r;
            req_get(path, u.token, &r);
            e2e_expect_field_error(&r, 400, bad[i][1], path);
            e2e_resp_free(&r);
        }
    }
    /* The boundaries are fine. */
    b = get_page("/api/boards/my-boards?elements=100", u.token);
    assert_int_equal(json_array_size(e2e_items_of(b)), N);
    json_decref(b);
    b = get_page("/api/boards?elements=1", NULL);
    assert_int_equal(json_array_size(e2e_items_of(b)), 1);
    json_decref(b);
    e2e_user_free(&u);
}

static void cursor_walk_visits_every_post_once_and_ends_with_null(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    enum { N = 10 };
    uint64_t ids[N], got[64];
    for (int i = 0; i < N; i++)
        ids[i] = quick_post(&u, i % 3 ? "RESTAURANT" : "RECIPE");

    /* 10 posts by 5: two full pages, the second says null (no empty third page). */
    static const int sizes[] = {5, 3, 1, 10, 100};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n =
            walk_cursor("/api/boards/my-boards", u.token, sizes[s], got, 64, NULL, 0, NULL, NULL);
        assert_int_equal(n, N);
        for (size_t i = 0; i < N; i++)
            assert_int_equal(got[i], ids[N - 1 - i]);
    }
    {
        /* exactly: page 1 has a cursor, page 2 (the last, full) has null */
        json_t *b = get_page("/api/boards/my-boards?elements=5", u.token);
        const char *c = json_string_value(json_object_get(b, "nextCursor"));
        assert_non_null(c);
        char path[512];
        snprintf(path, sizeof path, "/api/boards/my-boards?elements=5&cursor=%s", c);
        json_t *b2 = get_page(path, u.token);
        assert_int_equal(json_array_size(e2e_items_of(b2)), 5);
        assert_true(json_is_null(json_object_get(b2, "nextCursor")));
        json_decref(b2);
        json_decref(b);
    }

    /* The public list and the category filter walk through all of them too (they are the
     * newest posts; the walk stops once all of them were seen). */
    uint64_t big[2048];
    size_t n = walk_cursor("/api/boards", NULL, 4, big, 2048, ids, N, NULL, NULL);
    assert_no_duplicates(big, n);
    size_t at = 0;
    for (size_t i = 0; i < n && at < N; i++)
        if (big[i] == ids[N - 1 - at])
            at++;
    assert_int_equal(at, N);

    uint64_t restaurant[N];
    size_t nr = 0;
    for (int i = N - 1; i >= 0; i--)
        if (i % 3)
            restaurant[nr++] = ids[i];
    n = walk_cursor("/api/boards?category=RESTAURANT", NULL, 2, big, 2048, restaurant, nr, NULL,
                    NULL);
    assert_no_duplicates(big, n);
    at = 0;
    for (size_t i = 0; i < n && at < nr; i++) {
        if (big[i] == restaurant[at])
            at++;
        assert_false(contains_id(ids, N, big[i]) && !contains_id(restaurant, nr, big[i]));
    }
    assert_int_equal(at, nr);
    e2e_user_free(&u);
}

struct insert_ctx {
    const struct e2e_user *u;
    uint64_t added[3];
};

static void insert_three(void *arg)
{
    struct insert_ctx *c = arg;
    for (int i = 0; i < 3; i++)
        c->added[i] = quick_post(c->u, "RECIPE");
}

static void cursor_walk_is_stable_when_posts_are_inserted_meanwhile(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    enum { N = 10 };
    uint64_t ids[N], got[64];
    for (int i = 0; i < N; i++)
        ids[i] = quick_post(&u, "RECIPE");

    struct insert_ctx ctx = {.u = &u};
    size_t n =
        walk_cursor("/api/boards/my-boards", u.token, 4, got, 64, NULL, 0, insert_three, &ctx);
    /* exactly the ten that existed, newest first: no duplicate, no gap, none of the new ones */
    assert_int_equal(n, N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(got[i], ids[N - 1 - i]);

    /* A new walk sees all 13. */
    n = walk_cursor("/api/boards/my-boards", u.token, 4, got, 64, NULL, 0, NULL, NULL);
    assert_int_equal(n, N + 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(got[i], ctx.added[2 - i]);

    /* The same on the public list. */
    uint64_t big[2048];
    struct insert_ctx ctx2 = {.u = &u};
    uint64_t want[N + 3];
    for (int i = 0; i < 3; i++)
        want[i] = ctx.added[2 - i];
    for (int i = 0; i < N; i++)
        want[3 + i] = ids[N - 1 - i];
    n = walk_cursor("/api/boards", NULL, 3, big, 2048, want, N + 3, insert_three, &ctx2);
    assert_no_duplicates(big, n);
    size_t at = 0;
    for (size_t i = 0; i < n && at < N + 3; i++)
        if (big[i] == want[at])
            at++;
    assert_int_equal(at, N + 3);
    for (int i = 0; i < 3; i++)
        assert_false(contains_id(big, n, ctx2.added[i]));
    e2e_user_free(&u);
}

static void bad_cursor_or_cursor_with_page_is_400(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RECIPE");
    (void)id;
    json_t *b = get_page("/api/boards/my-boards?elements=1", g_alice.token);
    const char *c = json_string_value(json_object_get(b, "nextCursor"));
    assert_non_null(c);
    char cur[256];
    snprintf(cur, sizeof cur, "%s", c);
    json_decref(b);

    char path[512];
    static const char *const bases[] = {"/api/boards", "/api/boards/my-boards"};
    for (size_t k = 0; k < 2; k++) {
        struct e2e_resp r;
        snprintf(path, sizeof path, "%s?page=1&cursor=%s", bases[k], cur);
        req_get(path, g_alice.token, &r);
        e2e_expect_field_error(&r, 400, "cursor", path);
        e2e_resp_free(&r);
        snprintf(path, sizeof path, "%s?page=2&elements=3&cursor=%s", bases[k], cur);
        req_get(path, g_alice.token, &r);
        e2e_expect_field_error(&r, 400, "cursor", path);
        e2e_resp_free(&r);
    }

    /* Garbage: not base64url, base64url of junk, a cursor with id 0 or a bad date, cut. */
    char cut[256];
    snprintf(cut, sizeof cut, "%.*s", (int)(strlen(cur) / 2), cur);
    char tampered[256];
    snprintf(tampered, sizeof tampered, "%s", cur);
    tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
    char *longc = repeat("QUFB", 100);
    const char *garbage[] = {
        "",
        "abc",
        "%25%25%25",
        "!!!!",
        "aGVsbG8",                                 /* "hello" */
        "aGVsbG98NQ",                              /* "hello|5" */
        "MjAyNC0wMS0wMSAwMDowMDowMC4wMDAwMDB8MA",  /* "2024-01-01 00:00:00.000000|0" */
        "MjAyNC0wMS0wMSAwMDowMDowMC4wMDAwMDB8LTE", /* "...|-1" */
        "MjAyNC0wMS0wMSAwMDowMDowMC4wMDAwMDB8MXg", /* "...|1x" */
        cut,
        longc,
        "MjAyNC0wMS0wMSAwMDowMDowMC4wMDAwMDB8MQ==", /* padding where none belongs */
    };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
            snprintf(path, sizeof path, "%s?cursor=%s", bases[k], garbage[i]);
            struct e2e_resp r;
            req_get(path, g_alice.token, &r);
            e2e_expect_field_error(&r, 400, "cursor", path);
            e2e_resp_free(&r);
        }
        /* A tampered cursor is either rejected or still a valid position: never a 5xx. */
        snprintf(path, sizeof path, "%s?cursor=%s", bases[k], tampered);
        struct e2e_resp r;
        req_get(path, g_alice.token, &r);
        assert_true(r.status == 200 || r.status == 400);
        e2e_resp_free(&r);
    }
    free(longc);

    /* A comment list rejects them the same way. */
    uint64_t board = quick_post(&g_alice, "RECIPE");
    char cp[96];
    comments_path(cp, sizeof cp, board);
    snprintf(path, sizeof path, "%s?cursor=abc", cp);
    struct e2e_resp r;
    req_get(path, NULL, &r);
    e2e_expect_field_error(&r, 400, "cursor", path);
    e2e_resp_free(&r);
    snprintf(path, sizeof path, "%s?page=1&cursor=%s", cp, cur);
    req_get(path, NULL, &r);
    e2e_expect_field_error(&r, 400, "cursor", path);
    e2e_resp_free(&r);
}

/*
 * A cursor of the right shape but with an impossible date or time (2024-13-01, 2024-02-30,
 * 9999-99-99 99:99:99) is a cursor the server never issued: 400 naming `cursor`, not a silently
 * empty last page.
 */
static void cursor_with_an_impossible_date_is_400(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "MjAyNC0xMy0wMSAwMDowMDowMC4wMDAwMDB8MQ", /* 2024-13-01 00:00:00.000000|1 */
        "MjAyNC0wMi0zMCAwMDowMDowMC4wMDAwMDB8MQ", /* 2024-02-30 00:00:00.000000|1 */
        "OTk5OS05OS05OSA5OTo5OTo5OS45OTk5OTl8MQ", /* 9999-99-99 99:99:99.999999|1 */
    };
    static const char *const bases[] = {"/api/boards", "/api/boards/my-boards"};
    bool ok = true;
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char path[256];
            snprintf(path, sizeof path, "%s?cursor=%s", bases[k], bad[i]);
            struct e2e_resp r;
            req_get(path, g_alice.token, &r);
            if (r.status != 400) {
                fprintf(stderr, "%s: expected 400, got %ld: %s\n", path, r.status, r.body);
                ok = false;
            }
            assert_true(r.status < 500);
            e2e_resp_free(&r);
        }
    }
    assert_true(ok);
}

static void my_boards_shows_only_the_callers_posts(void **state)
{
    (void)state;
    struct e2e_user a, b;
    e2e_new_user("b", &a);
    e2e_new_user("b", &b);
    uint64_t mine[3], theirs[2];
    for (int i = 0; i < 3; i++)
        mine[i] = quick_post(&a, i ? "RECIPE" : "RESTAURANT");
    for (int i = 0; i < 2; i++)
        theirs[i] = quick_post(&b, "RECIPE");

    json_t *pg = get_page("/api/boards/my-boards?elements=100", a.token);
    assert_int_equal(e2e_int_at(pg, "totalElements"), 3);
    json_t *items = e2e_items_of(pg);
    assert_int_equal(json_array_size(items), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *p = json_array_get(items, i);
        assert_int_equal(e2e_int_at(p, "userId"), (json_int_t)a.id);
        assert_string_equal(e2e_str_at(p, "authorName"), a.nickname);
        assert_int_equal(id_at(items, i), mine[2 - i]);
    }
    json_decref(pg);

    pg = get_page("/api/boards/my-boards", b.token);
    assert_int_equal(e2e_int_at(pg, "totalElements"), 2);
    assert_int_equal(id_at(e2e_items_of(pg), 0), theirs[1]);
    assert_int_equal(id_at(e2e_items_of(pg), 1), theirs[0]);
    json_decref(pg);

    /* A new user has none: an empty page, not an error. */
    struct e2e_user c;
    e2e_new_user("b", &c);
    pg = get_page("/api/boards/my-boards", c.token);
    assert_int_equal(e2e_int_at(pg, "totalElements"), 0);
    assert_int_equal(json_array_size(e2e_items_of(pg)), 0);
    assert_true(json_is_null(json_object_get(pg, "nextCursor")));
    json_decref(pg);
    e2e_user_free(&a);
    e2e_user_free(&b);
    e2e_user_free(&c);
}

/* ---- 3. detail and views ------------------------------------------------------------------ */

static void detail_routes_return_comments_and_count_each_view_once(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RESTAURANT", "조회수 테스트", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    uint64_t c1 = create_comment(&g_bob, id, "첫 댓글");
    uint64_t c2 = create_comment(&g_alice, id, "두 번째 댓글");

    char a[64], d[80];
    post_path(a, sizeof a, id);
    snprintf(d, sizeof d, "/api/boards/detail/%llu", (unsigned long long)id);
    for (int i = 1; i <= 6; i++) {
        json_t *got = get_item(i % 2 ? a : d, i == 3 ? g_bob.token : NULL);
        assert_post_shape(got);
        assert_int_equal(e2e_int_at(got, "id"), (json_int_t)id);
        assert_int_equal(e2e_int_at(got, "views"), i); /* this GET included */
        assert_int_equal(e2e_int_at(got, "commentCount"), 2);
        json_t *comments = json_object_get(got, "comments");
        assert_int_equal(json_array_size(comments), 2);
        assert_comment_shape(json_array_get(comments, 0));
        assert_int_equal(id_at(comments, 0), c1); /* oldest first */
        assert_int_equal(id_at(comments, 1), c2);
        assert_string_equal(e2e_str_at(json_array_get(comments, 0), "content"), "첫 댓글");
        assert_string_equal(e2e_str_at(json_array_get(comments, 0), "authorName"), g_bob.nickname);
        assert_int_equal(e2e_int_at(json_array_get(comments, 0), "userId"), (json_int_t)g_bob.id);
        json_decref(got);
    }
    /* Lists and the comment list show the count without counting a view. */
    json_t *mine = get_page("/api/boards/my-boards?elements=100", g_alice.token);
    json_t *items = e2e_items_of(mine);
    bool found = false;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (id_at(items, i) == id) {
            assert_int_equal(e2e_int_at(json_array_get(items, i), "views"), 6);
            found = true;
        }
    assert_true(found);
    json_decref(mine);
    char cp[96];
    comments_path(cp, sizeof cp, id);
    json_t *cl = get_page(cp, NULL);
    json_decref(cl);
    json_t *got = get_item(a, NULL);
    assert_int_equal(e2e_int_at(got, "views"), 7);
    json_decref(got);

    /* Unknown posts are 404 on both routes. */
    e2e_expect_call("GET", "/api/boards/" MISSING, NULL, NULL, 404);
    e2e_expect_call("GET", "/api/boards/detail/" MISSING, NULL, NULL, 404);
    e2e_expect_call("GET", "/api/boards/0", NULL, NULL, 404);
    e2e_expect_call("GET", "/api/boards/abc", NULL, NULL, 404);
}

static void parallel_views_add_exactly_one_each_and_leave_updated_at(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RECIPE", "동시 조회", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    char updated[32];
    snprintf(updated, sizeof updated, "%s", e2e_str_at(p, "updatedAt"));
    json_decref(p);
    /* updatedAt has second resolution: let the clock move past it first. */
    e2e_sleep_ms(1200);

    enum { N = 20 };
    char a[64], d[80];
    post_path(a, sizeof a, id);
    snprintf(d, sizeof d, "/api/boards/detail/%llu", (unsigned long long)id);
    struct e2e_racer rs[N];
    e2e_race_same("GET", a, NULL, NULL, rs, N / 2);
    e2e_race_same("GET", d, NULL, NULL, rs + N / 2, N / 2);
    assert_int_equal(e2e_count_status(rs, N, 200), N);

    json_t *mine = get_page("/api/boards/my-boards?elements=100", g_alice.token);
    json_t *items = e2e_items_of(mine);
    bool found = false;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if ((uint64_t)e2e_int_at(it, "id") != id)
            continue;
        found = true;
        assert_int_equal(e2e_int_at(it, "views"), N);
        assert_string_equal(e2e_str_at(it, "updatedAt"), updated);
    }
    assert_true(found);
    json_decref(mine);

    /* All twenty at once on one route too. */
    struct e2e_racer rs2[N];
    e2e_race_same("GET", a, NULL, NULL, rs2, N);
    assert_int_equal(e2e_count_status(rs2, N, 200), N);
    json_t *got = get_item(a, NULL);
    assert_int_equal(e2e_int_at(got, "views"), 2 * N + 1);
    assert_string_equal(e2e_str_at(got, "updatedAt"), updated);
    json_decref(got);
}

/* The views of post `id` in the author's my-boards list (a list counts no view). */
static json_int_t listed_views(const struct e2e_user *author, uint64_t id)
{
    json_t *mine = get_page("/api/boards/my-boards?elements=100", author->token);
    json_t *items = e2e_items_of(mine);
    json_int_t views = -1;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (id_at(items, i) == id)
            views = e2e_int_at(json_array_get(items, i), "views");
    json_decref(mine);
    assert_true(views >= 0);
    return views;
}

/* GET base + path (200 expected) on another instance; its item's views. */
static json_int_t views_at(const char *base, const char *path)
{
    struct e2e_resp r;
    assert_int_equal(e2e_request(base, "GET", path, NULL, NULL, NULL, 0, &r), 0);
    e2e_expect_status(&r, 200, path);
    json_int_t v = e2e_int_at(e2e_item_of(&r), "views");
    e2e_resp_free(&r);
    return v;
}

static void buffered_views_are_written_at_a_graceful_shutdown(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RECIPE", "재시작 조회수", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    char a[64], d[80];
    post_path(a, sizeof a, id);
    snprintf(d, sizeof d, "/api/boards/detail/%llu", (unsigned long long)id);

    /* A second instance on the same database that would flush only every 10 s. */
    char base[64];
    pid_t pid = e2e_start_private_api(base, sizeof base, "e2e-views-restart-api.log",
                                      "VIEWS_FLUSH_MS=10000");
    for (json_int_t i = 1; i <= 5; i++)
        assert_int_equal(views_at(base, i % 2 ? a : d), i); /* exact on the instance counting */
    /* Still in that instance's memory: this instance does not see them yet. */
    assert_int_equal(listed_views(&g_alice, id), 0);

    assert_int_equal(kill(pid, SIGTERM), 0);
    int st = e2e_wait_exit(pid, 15000);
    assert_true(st >= 0 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* Written before the process exited. */
    assert_int_equal(listed_views(&g_alice, id), 5);
    json_t *got = get_item(a, NULL);
    assert_int_equal(e2e_int_at(got, "views"), 6);
    json_decref(got);
}

static void cached_detail_shows_comment_and_post_changes_at_once(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RESTAURANT", "캐시 제목", "캐시 내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    char a[64];
    post_path(a, sizeof a, id);
    json_t *got = get_item(a, NULL); /* now cached */
    assert_int_equal(json_array_size(json_object_get(got, "comments")), 0);
    json_decref(got);

    uint64_t c = create_comment(&g_bob, id, "캐시 뒤 댓글");
    got = get_item(a, NULL);
    assert_int_equal(e2e_int_at(got, "commentCount"), 1);
    assert_int_equal(json_array_size(json_object_get(got, "comments")), 1);
    assert_int_equal(id_at(json_object_get(got, "comments"), 0), c);
    assert_int_equal(e2e_int_at(got, "views"), 2);
    json_decref(got);

    struct e2e_resp r;
    char cp[128];
    comment_path(cp, sizeof cp, id, c);
    e2e_json("PATCH", cp, g_bob.token, "{\"content\":\"고친 댓글\"}", &r);
    e2e_expect_status(&r, 200, cp);
    e2e_resp_free(&r);
    got = get_item(a, NULL);
    assert_string_equal(e2e_str_at(json_array_get(json_object_get(got, "comments"), 0), "content"),
                        "고친 댓글");
    json_decref(got);

    e2e_json("PATCH", a, g_alice.token, "{\"title\":\"바뀐 제목\"}", &r);
    e2e_expect_status(&r, 200, a);
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "views"), 3); /* buffered views included */
    e2e_resp_free(&r);
    got = get_item(a, NULL);
    assert_string_equal(e2e_str_at(got, "title"), "바뀐 제목");
    assert_int_equal(e2e_int_at(got, "views"), 4);
    json_decref(got);

    e2e_json("DELETE", cp, g_bob.token, NULL, &r);
    e2e_expect_status(&r, 200, cp);
    e2e_resp_free(&r);
    got = get_item(a, NULL);
    assert_int_equal(e2e_int_at(got, "commentCount"), 0);
    assert_int_equal(json_array_size(json_object_get(got, "comments")), 0);
    json_decref(got);

    e2e_json("DELETE", a, g_alice.token, NULL, &r);
    e2e_expect_status(&r, 200, a);
    e2e_resp_free(&r);
    e2e_expect_call("GET", a, NULL, NULL, 404);
}

/* The totalElements of GET /api/boards (all, RECIPE, RESTAURANT). */
static void list_totals(json_int_t out[3])
{
    static const char *const paths[] = {"/api/boards?elements=1",
                                        "/api/boards?category=RECIPE&elements=1",
                                        "/api/boards?category=RESTAURANT&elements=1"};
    for (int i = 0; i < 3; i++) {
        json_t *b = get_page(paths[i], NULL);
        out[i] = e2e_int_at(b, "totalElements");
        json_decref(b);
    }
}

/* e2e programs run one at a time (RUN_SERIAL) and this program's tests one after the other, so
 * nobody else creates or deletes posts meanwhile: the totals must be exact. */
static void list_totals_follow_create_move_and_delete_at_once(void **state)
{
    (void)state;
    json_int_t t0[3], t[3];
    list_totals(t0); /* cached from here on */
    list_totals(t);
    assert_memory_equal(t, t0, sizeof t);
    json_t *p = create_post(&g_alice, "RECIPE", "합계 테스트", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    list_totals(t);
    assert_int_equal(t[0], t0[0] + 1);
    assert_int_equal(t[1], t0[1] + 1);
    assert_int_equal(t[2], t0[2]);

    char a[64];
    post_path(a, sizeof a, id);
    struct e2e_resp r;
    e2e_json("PATCH", a, g_alice.token, "{\"category\":\"RESTAURANT\"}", &r);
    e2e_expect_status(&r, 200, a);
    e2e_resp_free(&r);
    list_totals(t);
    assert_int_equal(t[0], t0[0] + 1);
    assert_int_equal(t[1], t0[1]);
    assert_int_equal(t[2], t0[2] + 1);

    e2e_json("DELETE", a, g_alice.token, NULL, &r);
    e2e_expect_status(&r, 200, a);
    e2e_resp_free(&r);
    list_totals(t);
    assert_memory_equal(t, t0, sizeof t);
}

/* ---- 4. update ---------------------------------------------------------------------------- */

static void patch_by_the_author_changes_only_the_given_fields(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RECIPE", "원래 제목", "원래 내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    char created[32];
    snprintf(created, sizeof created, "%s", e2e_str_at(p, "createdAt"));
    json_decref(p);
    char path[64];
    post_path(path, sizeof path, id);
    e2e_sleep_ms(1100);

    struct e2e_resp r;
    e2e_json_ok("PATCH", path, g_alice.token, "{\"title\":\"  새 제목  \"}", &r);
    e2e_expect_status(&r, 200, "PATCH title");
    json_t *it = e2e_item_of(&r);
    assert_post_shape(it);
    assert_string_equal(e2e_str_at(it, "title"), "새 제목");
    assert_string_equal(e2e_str_at(it, "content"), "원래 내용");
    assert_string_equal(e2e_str_at(it, "category"), "RECIPE");
    assert_string_equal(e2e_str_at(it, "createdAt"), created);
    assert_true(e2e_parse_instant(e2e_str_at(it, "updatedAt")) > e2e_parse_instant(created));
    assert_int_equal(e2e_int_at(it, "userId"), (json_int_t)g_alice.id);
    e2e_resp_free(&r);

    e2e_json_ok("PATCH", path, g_alice.token, "{\"category\":\"RESTAURANT\"}", &r);
    e2e_expect_status(&r, 200, "PATCH category");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "category"), "RESTAURANT");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "title"), "새 제목");
    e2e_resp_free(&r);

    e2e_json_ok("PATCH", path, g_alice.token, "{\"content\":\"새 내용\\n둘째 줄\",\"extra\":1}",
                &r);
    e2e_expect_status(&r, 200, "PATCH content");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "content"), "새 내용\n둘째 줄");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "title"), "새 제목");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "category"), "RESTAURANT");
    e2e_resp_free(&r);

    json_t *got = get_item(path, NULL);
    assert_string_equal(e2e_str_at(got, "title"), "새 제목");
    assert_string_equal(e2e_str_at(got, "content"), "새 내용\n둘째 줄");
    assert_string_equal(e2e_str_at(got, "category"), "RESTAURANT");
    json_decref(got);

    /* All three at once. */
    e2e_json_ok("PATCH", path, g_alice.token,
                "{\"category\":\"RECIPE\",\"title\":\"셋 다\",\"content\":\"모두 바꿈\"}", &r);
    e2e_expect_status(&r, 200, "PATCH all");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "category"), "RECIPE");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "title"), "셋 다");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "content"), "모두 바꿈");
    e2e_resp_free(&r);
}

static void patch_by_another_is_403_missing_is_404_and_empty_or_invalid_is_400(void **state)
{
    (void)state;
    json_t *p = create_post(&g_alice, "RECIPE", "남의 글", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    char path[64];
    post_path(path, sizeof path, id);

    struct e2e_resp r;
    e2e_json_ok("PATCH", path, g_bob.token, "{\"title\":\"탈취\"}", &r);
    e2e_expect_status(&r, 403, "PATCH by another");
    e2e_assert_error(&r, 403);
    e2e_resp_free(&r);

    e2e_expect_call("PATCH", "/api/boards/" MISSING, g_alice.token, "{\"title\":\"없음\"}", 404);

    static const char *const bad[][2] = {
        {"{}", NULL},
        {"{\"unknown\":1}", NULL},
        {"{\"title\":\"\"}", "title"},
        {"{\"title\":null}", "title"},
        {"{\"content\":\"\"}", "content"},
        {"{\"category\":\"FOOD\"}", "category"},
        {"{\"title\":123}", "title"},
        {"[]", NULL},
        {"{", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e2e_json_ok("PATCH", path, g_alice.token, bad[i][0], &r);
        if (bad[i][1])
            e2e_expect_field_error(&r, 400, bad[i][1], bad[i][0]);
        else {
            e2e_expect_status(&r, 400, bad[i][0]);
            e2e_assert_error(&r, 400);
        }
        e2e_resp_free(&r);
    }
    char *t151 = repeat("가", 151);
    json_t *b = json_pack("{s:s}", "title", t151);
    e2e_jsonv_ok("PATCH", path, g_alice.token, b, &r);
    json_decref(b);
    free(t151);
    e2e_expect_field_error(&r, 400, "title", "151-char title");
    e2e_resp_free(&r);
    /* a body-less PATCH is not an update either */
    e2e_json_ok("PATCH", path, g_alice.token, NULL, &r);
    e2e_expect_status(&r, 400, "PATCH without a body");
    e2e_resp_free(&r);

    /* Nothing changed. */
    json_t *got = get_item(path, NULL);
    assert_string_equal(e2e_str_at(got, "title"), "남의 글");
    assert_string_equal(e2e_str_at(got, "content"), "내용");
    assert_string_equal(e2e_str_at(got, "category"), "RECIPE");
    json_decref(got);
}

/* ---- 5. delete ---------------------------------------------------------------------------- */

static void delete_by_the_author_hides_the_post_and_its_comments(void **state)
{
    (void)state;
    struct e2e_user u;
    e2e_new_user("b", &u);
    uint64_t older = quick_post(&u, "RECIPE");
    json_t *p = create_post(&u, "RECIPE", "지울 글", "내용");
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    uint64_t keep = quick_post(&u, "RECIPE");
    uint64_t cid = create_comment(&g_bob, id, "곧 사라질 댓글");
    char path[64], dpath[80], cp[96], ccp[128];
    post_path(path, sizeof path, id);
    snprintf(dpath, sizeof dpath, "/api/boards/detail/%llu", (unsigned long long)id);
    comments_path(cp, sizeof cp, id);
    comment_path(ccp, sizeof ccp, id, cid);

    e2e_expect_call("DELETE", path, g_bob.token, NULL, 403);
    json_t *still = get_item(path, NULL);
    json_decref(still);

    struct e2e_resp r;
    e2e_json_ok("DELETE", path, u.token, NULL, &r);
    e2e_expect_status(&r, 200, "DELETE by author");
    assert_true(json_is_true(json_object_get(r.json, "success")));
    e2e_resp_free(&r);

    e2e_expect_call("GET", path, NULL, NULL, 404);
    e2e_expect_call("GET", dpath, NULL, NULL, 404);
    e2e_expect_call("GET", cp, NULL, NULL, 404);
    e2e_expect_call("POST", cp, g_bob.token, "{\"content\":\"늦은 댓글\"}", 404);
    e2e_expect_call("PATCH", ccp, g_bob.token, "{\"content\":\"수정\"}", 404);
    e2e_expect_call("DELETE", ccp, g_bob.token, NULL, 404);
    e2e_expect_call("PATCH", path, u.token, "{\"title\":\"부활\"}", 404);
    e2e_expect_call("DELETE", path, u.token, NULL, 404);
    e2e_expect_call("DELETE", path, g_bob.token, NULL, 404);

    json_t *mine = get_page("/api/boards/my-boards", u.token);
    assert_int_equal(e2e_int_at(mine, "totalElements"), 2);
    assert_int_equal(json_array_size(e2e_items_of(mine)), 2);
    assert_int_equal(id_at(e2e_items_of(mine), 0), keep);
    assert_int_equal(id_at(e2e_items_of(mine), 1), older);
    json_decref(mine);

    /* The public list (walked past both neighbours) skips it. */
    uint64_t big[2048];
    uint64_t want[2] = {keep, older};
    size_t n = walk_cursor("/api/boards", NULL, 2, big, 2048, want, 2, NULL, NULL);
    assert_true(contains_id(big, n, keep));
    assert_true(contains_id(big, n, older));
    assert_false(contains_id(big, n, id));
    n = walk_cursor("/api/boards?category=RECIPE", NULL, 1, big, 2048, want, 2, NULL, NULL);
    assert_true(contains_id(big, n, older));
    assert_false(contains_id(big, n, id));
    e2e_user_free(&u);
}

/* ---- 6. comments -------------------------------------------------------------------------- */

static void comment_create_needs_a_visible_post_and_valid_content(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RECIPE");
    char cp[96];
    comments_path(cp, sizeof cp, id);

    struct e2e_resp r;
    e2e_json_ok("POST", cp, g_bob.token, "{\"content\":\"  맛있어 보여요!\\n저도 해볼게요  \"}",
                &r);
    e2e_expect_status(&r, 201, "POST comment");
    json_t *c = e2e_item_of(&r);
    assert_comment_shape(c);
    uint64_t cid = (uint64_t)e2e_int_at(c, "id");
    assert_int_equal(e2e_int_at(c, "boardId"), (json_int_t)id);
    assert_int_equal(e2e_int_at(c, "userId"), (json_int_t)g_bob.id);
    assert_string_equal(e2e_str_at(c, "authorName"), g_bob.nickname);
    assert_string_equal(e2e_str_at(c, "content"), "맛있어 보여요!\n저도 해볼게요");
    char loc[256], want[128];
    assert_true(e2e_header(&r, "Location", loc, sizeof loc));
    comment_path(want, sizeof want, id, cid);
    assert_string_equal(loc, want);
    e2e_resp_free(&r);

    /* 500 characters (1500 bytes) fit; 0 and 501 do not. */
    char *c500 = repeat("댓", 500);
    char *c501 = repeat("댓", 501);
    json_t *b = json_pack("{s:s}", "content", c500);
    e2e_jsonv_ok("POST", cp, g_bob.token, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "500-char comment");
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "content"), c500);
    e2e_resp_free(&r);
    static const char *const bad[] = {"{\"content\":\"\"}", "{\"content\":\"   \"}", "{}",
                                      "{\"content\":7}", "{\"content\":null}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e2e_json_ok("POST", cp, g_bob.token, bad[i], &r);
        e2e_expect_field_error(&r, 400, "content", bad[i]);
        e2e_resp_free(&r);
    }
    b = json_pack("{s:s}", "content", c501);
    e2e_jsonv_ok("POST", cp, g_bob.token, b, &r);
    json_decref(b);
    e2e_expect_field_error(&r, 400, "content", "501-char comment");
    e2e_resp_free(&r);
    free(c500);
    free(c501);
    e2e_json_ok("POST", cp, g_bob.token, "[1]", &r);
    e2e_expect_status(&r, 400, "array body");
    e2e_resp_free(&r);

    /* The post must exist. */
    e2e_expect_call("POST", "/api/boards/" MISSING "/comments", g_bob.token, "{\"content\":\"x\"}",
                    404);
    e2e_expect_call("GET", "/api/boards/" MISSING "/comments", NULL, NULL, 404);

    assert_int_equal(comment_count_of(id), 2);
    assert_int_equal(visible_comments(id), 2);
}

static void comments_are_listed_oldest_first_by_page_and_cursor(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RESTAURANT");
    enum { N = 7 };
    uint64_t ids[N];
    for (int i = 0; i < N; i++) {
        char text[32];
        snprintf(text, sizeof text, "댓글 %d", i + 1);
        ids[i] = create_comment(i % 2 ? &g_alice : &g_bob, id, text);
    }
    char cp[96], path[256];
    comments_path(cp, sizeof cp, id);

    json_t *b = get_page(cp, NULL);
    assert_int_equal(e2e_int_at(b, "totalElements"), N);
    assert_int_equal(json_array_size(e2e_items_of(b)), N);
    for (size_t i = 0; i < N; i++) {
        json_t *c = json_array_get(e2e_items_of(b), i);
        assert_comment_shape(c);
        assert_int_equal((uint64_t)e2e_int_at(c, "id"), ids[i]);
        assert_int_equal(e2e_int_at(c, "boardId"), (json_int_t)id);
    }
    json_decref(b);

    for (int page = 1; page <= 4; page++) {
        snprintf(path, sizeof path, "%s?page=%d&elements=3", cp, page);
        b = get_page(path, NULL);
        assert_int_equal(e2e_int_at(b, "totalElements"), N);
        assert_int_equal(e2e_int_at(b, "totalPages"), 3);
        assert_int_equal(e2e_int_at(b, "page"), page);
        size_t want = page < 3 ? 3 : page == 3 ? 1 : 0;
        assert_int_equal(json_array_size(e2e_items_of(b)), want);
        for (size_t i = 0; i < want; i++)
            assert_int_equal(id_at(e2e_items_of(b), i), ids[(page - 1) * 3 + (int)i]);
        json_decref(b);
    }

    uint64_t got[64];
    for (int size = 1; size <= 8; size++) {
        size_t n = walk_cursor(cp, NULL, size, got, 64, NULL, 0, NULL, NULL);
        assert_int_equal(n, N);
        for (size_t i = 0; i < N; i++)
            assert_int_equal(got[i], ids[i]);
    }
    snprintf(path, sizeof path, "%s?elements=0", cp);
    struct e2e_resp r;
    req_get(path, NULL, &r);
    e2e_expect_field_error(&r, 400, "elements", path);
    e2e_resp_free(&r);
    snprintf(path, sizeof path, "%s?elements=101", cp);
    req_get(path, NULL, &r);
    e2e_expect_field_error(&r, 400, "elements", path);
    e2e_resp_free(&r);
}

static void comment_patch_and_delete_are_for_the_author_under_the_right_post(void **state)
{
    (void)state;
    uint64_t p1 = quick_post(&g_alice, "RECIPE");
    uint64_t p2 = quick_post(&g_alice, "RECIPE");
    uint64_t c1 = create_comment(&g_bob, p1, "밥의 댓글");
    uint64_t c2 = create_comment(&g_alice, p2, "다른 글의 댓글");
    char right[128], wrong[128], other[128];
    comment_path(right, sizeof right, p1, c1);
    comment_path(wrong, sizeof wrong, p2, c1); /* c1 through the wrong post */
    comment_path(other, sizeof other, p1, c2);

    /* Not the author: 403 (even the post's author). */
    e2e_expect_call("PATCH", right, g_alice.token, "{\"content\":\"남의 댓글 수정\"}", 403);
    e2e_expect_call("DELETE", right, g_alice.token, NULL, 403);
    /* The wrong post in the path: 404, for the author too. */
    e2e_expect_call("PATCH", wrong, g_bob.token, "{\"content\":\"경로 틀림\"}", 404);
    e2e_expect_call("DELETE", wrong, g_bob.token, NULL, 404);
    e2e_expect_call("PATCH", other, g_alice.token, "{\"content\":\"경로 틀림\"}", 404);
    e2e_expect_call("DELETE", other, g_alice.token, NULL, 404);
    char missing[128];
    snprintf(missing, sizeof missing, "/api/boards/%llu/comments/" MISSING, (unsigned long long)p1);
    e2e_expect_call("PATCH", missing, g_bob.token, "{\"content\":\"없음\"}", 404);
    e2e_expect_call("DELETE", missing, g_bob.token, NULL, 404);
    assert_int_equal(comment_count_of(p1), 1);
    assert_int_equal(comment_count_of(p2), 1);

    /* The author's PATCH: validation first, then the change. */
    struct e2e_resp r;
    e2e_json_ok("PATCH", right, g_bob.token, "{\"content\":\"\"}", &r);
    e2e_expect_field_error(&r, 400, "content", "empty comment");
    e2e_resp_free(&r);
    e2e_json_ok("PATCH", right, g_bob.token, "{\"content\":\"고친 댓글\"}", &r);
    e2e_expect_status(&r, 200, "PATCH comment");
    assert_comment_shape(e2e_item_of(&r));
    assert_int_equal(e2e_int_at(e2e_item_of(&r), "id"), (json_int_t)c1);
    assert_string_equal(e2e_str_at(e2e_item_of(&r), "content"), "고친 댓글");
    e2e_resp_free(&r);
    char cp[96];
    comments_path(cp, sizeof cp, p1);
    json_t *b = get_page(cp, NULL);
    assert_string_equal(e2e_str_at(json_array_get(e2e_items_of(b), 0), "content"), "고친 댓글");
    json_decref(b);
    comments_path(cp, sizeof cp, p2);
    b = get_page(cp, NULL);
    assert_string_equal(e2e_str_at(json_array_get(e2e_items_of(b), 0), "content"),
                        "다른 글의 댓글");
    json_decref(b);

    /* The author's DELETE. */
    e2e_json_ok("DELETE", right, g_bob.token, NULL, &r);
    e2e_expect_status(&r, 200, "DELETE comment");
    e2e_resp_free(&r);
    e2e_expect_call("PATCH", right, g_bob.token, "{\"content\":\"삭제 후\"}", 404);
    assert_int_equal(comment_count_of(p1), 0);
    assert_int_equal(visible_comments(p1), 0);
    assert_int_equal(comment_count_of(p2), 1);
}

static void comment_count_equals_visible_comments_after_deletes(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RECIPE");
    uint64_t c[5];
    for (int i = 0; i < 5; i++)
        c[i] = create_comment(&g_bob, id, "세어 보자");
    assert_int_equal(comment_count_of(id), 5);
    assert_int_equal(visible_comments(id), 5);

    char p0[128], p3[128];
    comment_path(p0, sizeof p0, id, c[0]);
    comment_path(p3, sizeof p3, id, c[3]);
    e2e_expect_call("DELETE", p0, g_bob.token, NULL, 200);
    e2e_expect_call("DELETE", p3, g_bob.token, NULL, 200);
    e2e_expect_call("DELETE", p3, g_bob.token, NULL, 404); /* no second decrement */
    assert_int_equal(comment_count_of(id), 3);
    assert_int_equal(visible_comments(id), 3);

    /* the list no longer shows them */
    char cp[96];
    comments_path(cp, sizeof cp, id);
    json_t *b = get_page(cp, NULL);
    assert_int_equal(json_array_size(e2e_items_of(b)), 3);
    assert_int_equal(id_at(e2e_items_of(b), 0), c[1]);
    assert_int_equal(id_at(e2e_items_of(b), 1), c[2]);
    assert_int_equal(id_at(e2e_items_of(b), 2), c[4]);
    json_decref(b);

    /* the lists of posts agree */
    json_t *mine = get_page("/api/boards/my-boards?elements=100", g_alice.token);
    bool found = false;
    for (size_t i = 0; i < json_array_size(e2e_items_of(mine)); i++)
        if (id_at(e2e_items_of(mine), i) == id) {
            assert_int_equal(e2e_int_at(json_array_get(e2e_items_of(mine), i), "commentCount"), 3);
            found = true;
        }
    assert_true(found);
    json_decref(mine);
}

static void parallel_comment_creates_add_exactly_ten(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RESTAURANT");
    create_comment(&g_alice, id, "먼저 하나");
    enum { N = 10 };
    char cp[96];
    comments_path(cp, sizeof cp, id);
    struct e2e_racer rs[N];
    e2e_race_same("POST", cp, g_bob.token, "{\"content\":\"동시에 댓글\"}", rs, N);
    assert_int_equal(e2e_count_status(rs, N, 201), N);
    uint64_t ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = (uint64_t)rs[i].id;
    assert_no_duplicates(ids, N);
    assert_int_equal(comment_count_of(id), N + 1);
    assert_int_equal(visible_comments(id), N + 1);
}

static void parallel_deletes_of_one_comment_give_exactly_one_200(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RESTAURANT");
    uint64_t keep = create_comment(&g_bob, id, "남는 댓글");
    (void)keep;
    enum { N = 10, ROUNDS = 3 };
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t victim = create_comment(&g_bob, id, "지워질 댓글");
        char path[128];
        comment_path(path, sizeof path, id, victim);
        struct e2e_racer rs[N];
        e2e_race_same("DELETE", path, g_bob.token, NULL, rs, N);
        int ok = e2e_count_status(rs, N, 200), gone = e2e_count_status(rs, N, 404);
        if (ok != 1 || gone != N - 1)
            for (int i = 0; i < N; i++)
                fprintf(stderr, "round %d racer %d: %ld\n", round, i, rs[i].status);
        assert_int_equal(ok, 1);
        assert_int_equal(gone, N - 1);
        assert_int_equal(comment_count_of(id), 1);
        assert_int_equal(visible_comments(id), 1);
    }

    /* Parallel deletes of one post: exactly one 200 as well. */
    uint64_t post = quick_post(&g_alice, "RECIPE");
    char pp[64];
    post_path(pp, sizeof pp, post);
    struct e2e_racer rs[N];
    e2e_race_same("DELETE", pp, g_alice.token, NULL, rs, N);
    assert_int_equal(e2e_count_status(rs, N, 200), 1);
    assert_int_equal(e2e_count_status(rs, N, 404), N - 1);
    e2e_expect_call("GET", pp, NULL, NULL, 404);
}

/* ---- 7. garbage --------------------------------------------------------------------------- */

static void garbage_bodies_are_answered_below_500(void **state)
{
    (void)state;
    uint64_t id = quick_post(&g_alice, "RECIPE");
    uint64_t cid = create_comment(&g_alice, id, "댓글");
    char pp[64], cp[96], ccp[128];
    post_path(pp, sizeof pp, id);
    comments_path(cp, sizeof cp, id);
    comment_path(ccp, sizeof ccp, id, cid);
    char *deep = malloc(20001);
    assert_non_null(deep);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    const char *garbage[] = {
        "",
        " ",
        "\x01\x02\x03",
        "{\"title\":\"\xff\xfe\"}",
        "{\"content\":\"\xed\xa0\x80\"}",
        "{\"title\":\"a\",\"title\":\"b\"}",
        "{\"category\":[\"RECIPE\"],\"title\":{},\"content\":[]}",
        "{\"title\":\"\\u0000\",\"content\":\"x\",\"category\":\"RECIPE\"}",
        "{\"title\":\"\\ud800\",\"content\":\"x\",\"category\":\"RECIPE\"}",
        "{\"title\":1e999,\"content\":true}",
        "{\"content\":\"" /* unterminated */,
        deep,
        "<xml/>",
    };
    const char *targets[][2] = {
        {"POST", "/api/boards"}, {"PATCH", pp}, {"POST", cp}, {"PATCH", ccp}};
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
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
    /* the post and its comment are intact */
    json_t *p = get_item(pp, NULL);
    assert_string_equal(e2e_str_at(p, "content"), "내용입니다.");
    assert_int_equal(e2e_int_at(p, "commentCount"), 1);
    assert_string_equal(e2e_str_at(json_array_get(json_object_get(p, "comments"), 0), "content"),
                        "댓글");
    json_decref(p);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    /* Before any thread: the concurrency tests run many clients at once. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_post_is_201_with_location_and_every_field),
        cmocka_unit_test(author_name_follows_the_authors_current_nickname),
        cmocka_unit_test(invalid_posts_are_400_naming_each_field),
        cmocka_unit_test(lengths_count_characters_and_multiline_content_is_kept),
        cmocka_unit_test(writes_without_a_valid_token_are_401),
        cmocka_unit_test(list_is_newest_first_and_filters_by_category),
        cmocka_unit_test(page_and_elements_split_the_list_and_bad_values_are_400),
        cmocka_unit_test(cursor_walk_visits_every_post_once_and_ends_with_null),
        cmocka_unit_test(cursor_walk_is_stable_when_posts_are_inserted_meanwhile),
        cmocka_unit_test(bad_cursor_or_cursor_with_page_is_400),
        cmocka_unit_test(cursor_with_an_impossible_date_is_400),
        cmocka_unit_test(my_boards_shows_only_the_callers_posts),
        cmocka_unit_test(detail_routes_return_comments_and_count_each_view_once),
        cmocka_unit_test(parallel_views_add_exactly_one_each_and_leave_updated_at),
        cmocka_unit_test(buffered_views_are_written_at_a_graceful_shutdown),
        cmocka_unit_test(cached_detail_shows_comment_and_post_changes_at_once),
        cmocka_unit_test(list_totals_follow_create_move_and_delete_at_once),
        cmocka_unit_test(patch_by_the_author_changes_only_the_given_fields),
        cmocka_unit_test(patch_by_another_is_403_missing_is_404_and_empty_or_invalid_is_400),
        cmocka_unit_test(delete_by_the_author_hides_the_post_and_its_comments),
        cmocka_unit_test(comment_create_needs_a_visible_post_and_valid_content),
        cmocka_unit_test(comments_are_listed_oldest_first_by_page_and_cursor),
        cmocka_unit_test(comment_patch_and_delete_are_for_the_author_under_the_right_post),
        cmocka_unit_test(comment_count_equals_visible_comments_after_deletes),
        cmocka_unit_test(parallel_comment_creates_add_exactly_ten),
        cmocka_unit_test(parallel_deletes_of_one_comment_give_exactly_one_200),
        cmocka_unit_test(garbage_bodies_are_answered_below_500),
    };
    int failed = cmocka_run_group_tests_name("e2e_boards", tests, setup_users, NULL);
    curl_global_cleanup();
    return failed;
}

/*
 * e2e_search.c - GET /api/boards/search seen from a user (SPEC §6): every word required,
 * particles and compounds (야식을, 후라이드치킨), stems (맛있), one-syllable words (밥), mixed
 * Korean/Latin (치킨 bbq), case-insensitive English, 2인분, no match across word boundaries,
 * NFD input, the boolean-mode operators as plain separators, 400 for empty/operator-only/too
 * many/invalid UTF-8 words, sort, totals and pages, HTML-escaped <em> highlights of at most 160
 * characters, and an index that follows deletes and updates.
 *
 * Isolation: every fixture post carries a marker unique to its test ("zq<unique>x": Latin
 * letters and hex digits ending in 'x', so no marker is a prefix of another) and every query
 * includes it, so posts of other tests and earlier runs never show up in the results.
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

#include <cmocka.h>

#define SNIPPET_MAX  160
#define MARKER_MAX   48
#define MAX_RESULTS  100
#define ELLIPSIS     "\xE2\x80\xA6"
#define ELLIPSIS_LEN 3

/* ---- small helpers ------------------------------------------------------------------------ */

/* Percent-encode every byte but the unreserved ones (RFC 3986), so '+' never means a space. */
static void pct(const char *s, char *out, size_t outlen)
{
    static const char HEX[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        assert_true(o + 4 < outlen);
        if (plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = HEX[*p >> 4];
            out[o++] = HEX[*p & 15];
        }
    }
    out[o] = '\0';
}

static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* NFD of NFC text: each precomposed Hangul syllable becomes its conjoining jamo (L V [T]). */
static void hangul_nfd(const char *nfc, char *out, size_t outlen)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)nfc;
    while (*p) {
        unsigned cp;
        size_t len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            len = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            len = 3;
        } else {
            cp = 0;
            len = 4;
        }
        if (cp >= 0xAC00 && cp <= 0xD7A3) {
            unsigned s = cp - 0xAC00;
            unsigned jamo[3] = {0x1100 + s / (21 * 28), 0x1161 + (s % (21 * 28)) / 28,
                                0x11A7 + s % 28};
            int nj = s % 28 ? 3 : 2;
            for (int j = 0; j < nj; j++) {
                assert_true(o + 4 < outlen);
                out[o++] = (char)(0xE0 | (jamo[j] >> 12));
                out[o++] = (char)(0x80 | ((jamo[j] >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (jamo[j] & 0x3F));
            }
        } else {
            assert_true(o + len + 1 < outlen);
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    out[o] = '\0';
}

/* ---- users, markers, posts ---------------------------------------------------------------- */

static struct e2e_user g_user;

static int setup_user(void **state)
{
    (void)state;
    e2e_new_user("s", &g_user);
    return 0;
}

/* A marker unique to this run and test. */
static void new_marker(char *m, size_t n)
{
    snprintf(m, n, "zq%sx", e2e_unique());
}

/* A RECIPE post by the shared user (201 expected); returns its id. */
static uint64_t create_post(const char *title, const char *content)
{
    json_t *p = e2e_create_post(g_user.token, "RECIPE", title, content);
    uint64_t id = (uint64_t)e2e_int_at(p, "id");
    json_decref(p);
    return id;
}

/* A post whose content is `text` followed by the marker; the title names the test. */
static uint64_t fixture(const char *marker, const char *text)
{
    char content[1024];
    snprintf(content, sizeof content, "%s %s", text, marker);
    return create_post("검색 테스트", content);
}

/* ---- searching ---------------------------------------------------------------------------- */

/* GET /api/boards/search?words=<words, percent-encoded>[&extra]. */
static void search_raw(const char *words, const char *extra, struct e2e_resp *out)
{
    char enc[4096], path[4608];
    pct(words, enc, sizeof enc);
    snprintf(path, sizeof path, "/api/boards/search?words=%s%s%s", enc, extra ? "&" : "",
             extra ? extra : "");
    assert_int_equal(e2e_get(path, NULL, out), 0);
}

/* A 200 page (checked against SPEC §3 and §4); the body is a new reference. */
static json_t *search_ok(const char *words, const char *extra)
{
    struct e2e_resp r;
    search_raw(words, extra, &r);
    char what[512];
    snprintf(what, sizeof what, "search '%s' %s", words, extra ? extra : "");
    e2e_expect_status(&r, 200, what);
    json_t *b = json_incref(r.json);
    e2e_resp_free(&r);
    assert_non_null(b); /* parsed: valid JSON, valid UTF-8 */
    assert_true(json_is_true(json_object_get(b, "success")));
    json_t *items = json_object_get(b, "items");
    assert_true(json_is_array(items));
    assert_int_equal(e2e_int_at(b, "numOfItems"), (json_int_t)json_array_size(items));
    json_int_t total = e2e_int_at(b, "totalElements");
    json_int_t pages = e2e_int_at(b, "totalPages");
    assert_true(total >= 0 && pages >= 0);
    assert_true(json_is_boolean(json_object_get(b, "totalIsLowerBound")));
    /* Our fixtures are few: the count is exact. */
    assert_true(json_is_false(json_object_get(b, "totalIsLowerBound")));
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *p = json_array_get(items, i);
        assert_true(e2e_int_at(p, "id") > 0);
        assert_non_null(e2e_str_at(p, "title"));
        assert_non_null(e2e_str_at(p, "content"));
        assert_non_null(e2e_str_at(p, "authorName"));
        json_t *hl = json_object_get(p, "highlights");
        assert_true(json_is_object(hl));
        assert_true(json_is_string(json_object_get(hl, "title")));
        assert_true(json_is_string(json_object_get(hl, "content")));
    }
    return b;
}

/* The result ids, in order, must be exactly want[] (in order when `ordered`). */
static void expect_ids(const json_t *b, const uint64_t *want, size_t n, bool ordered,
                       const char *what)
{
    json_t *items = e2e_items_of(b);
    size_t got = json_array_size(items);
    bool ok = got == n && e2e_int_at(b, "totalElements") == (json_int_t)n;
    for (size_t i = 0; ok && i < got; i++) {
        uint64_t id = (uint64_t)e2e_int_at(json_array_get(items, i), "id");
        if (ordered) {
            ok = id == want[i];
        } else {
            bool found = false;
            for (size_t k = 0; k < n; k++)
                found |= want[k] == id;
            ok = found;
        }
    }
    if (!ok) {
        fprintf(stderr, "%s: expected %s ids [", what, ordered ? "ordered" : "the");
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, "%s%llu", k ? " " : "", (unsigned long long)want[k]);
        fprintf(stderr, "], got totalElements %lld [", (long long)e2e_int_at(b, "totalElements"));
        for (size_t i = 0; i < got; i++)
            fprintf(stderr, "%s%lld", i ? " " : "",
                    (long long)e2e_int_at(json_array_get(items, i), "id"));
        fprintf(stderr, "]\n");
    }
    assert_true(ok);
}

/* Search "<words> <marker>" and expect exactly the posts want[] (any order). */
static void expect_found(const char *words, const char *marker, const uint64_t *want, size_t n)
{
    char q[1024];
    snprintf(q, sizeof q, "%s %s", words, marker);
    json_t *b = search_ok(q, "elements=100");
    expect_ids(b, want, n, false, q);
    json_decref(b);
}

static void expect_search_400(const char *words, const char *extra, const char *field)
{
    struct e2e_resp r;
    search_raw(words, extra, &r);
    char what[512];
    snprintf(what, sizeof what, "search '%s' %s", words, extra ? extra : "");
    e2e_expect_field_error(&r, 400, field, what);
    e2e_resp_free(&r);
}

/* GET a raw (already encoded) query string: a 400 naming `field`. */
static void expect_raw_400(const char *query, const char *field)
{
    char path[2048];
    snprintf(path, sizeof path, "/api/boards/search?%s", query);
    struct e2e_resp r;
    assert_int_equal(e2e_get(path, NULL, &r), 0);
    e2e_expect_field_error(&r, 400, field, path);
    e2e_resp_free(&r);
}

/* Highlight text with <em>/</em> removed and entities decoded (heap; caller frees). Fails the
 * test on an unknown entity or a stray tag character. */
static char *hl_plain(const char *h)
{
    size_t n = strlen(h);
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(h + i, "<em>", 4) == 0) {
            i += 4;
        } else if (strncmp(h + i, "</em>", 5) == 0) {
            i += 5;
        } else if (h[i] == '<' || h[i] == '>') {
            fprintf(stderr, "unescaped '%c' in highlight: %s\n", h[i], h);
            fail();
        } else if (h[i] == '&') {
            static const struct {
                const char *ent, *ch;
            } ENT[] = {{"&lt;", "<"},   {"&gt;", ">"},   {"&amp;", "&"},  {"&quot;", "\""},
                       {"&#39;", "'"},  {"&#x27;", "'"}, {"&apos;", "'"}, {"&#34;", "\""},
                       {"&#x2F;", "/"}, {"&#47;", "/"},  {"&#x60;", "`"}, {"&#96;", "`"},
                       {"&#x3D;", "="}, {"&#61;", "="}};
            bool known = false;
            for (size_t k = 0; k < sizeof ENT / sizeof ENT[0]; k++) {
                size_t el = strlen(ENT[k].ent);
                if (strncmp(h + i, ENT[k].ent, el) == 0) {
                    out[o++] = ENT[k].ch[0];
                    i += el;
                    known = true;
                    break;
                }
            }
            if (!known) {
                fprintf(stderr, "unknown or raw '&' in highlight: %s\n", h);
                fail();
            }
        } else {
            out[o++] = h[i++];
        }
    }
    out[o] = '\0';
    return out;
}

/* The highlight is a faithful snippet of `original`: at most SNIPPET_MAX characters once the
 * tags are gone and entities decoded, and (without a leading/trailing "…") a piece of it. */
static void assert_snippet_of(const char *h, const char *original)
{
    char *plain = hl_plain(h);
    size_t len = strlen(plain);
    size_t chars = code_points(plain, len);
    if (chars > SNIPPET_MAX)
        fprintf(stderr, "snippet of %zu characters: %s\n", chars, h);
    assert_true(chars <= SNIPPET_MAX);
    const char *core = plain;
    size_t core_len = len;
    if (core_len >= ELLIPSIS_LEN && memcmp(core, ELLIPSIS, ELLIPSIS_LEN) == 0) {
        core += ELLIPSIS_LEN;
        core_len -= ELLIPSIS_LEN;
    }
    if (core_len >= ELLIPSIS_LEN &&
        memcmp(core + core_len - ELLIPSIS_LEN, ELLIPSIS, ELLIPSIS_LEN) == 0)
        core_len -= ELLIPSIS_LEN;
    char *piece = strndup(core, core_len);
    assert_non_null(piece);
    if (!strstr(original, piece))
        fprintf(stderr, "snippet '%s' is not a piece of the text\n", piece);
    assert_non_null(strstr(original, piece));
    free(piece);
    free(plain);
}

static const json_t *hl_of(const json_t *post, const char *which)
{
    return json_object_get(json_object_get(post, "highlights"), which);
}

/* ---- 1. what users expect ----------------------------------------------------------------- */

static void every_word_is_required(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t both = fixture(m, "라면 먹고 김밥 먹고");
    uint64_t ramen = fixture(m, "라면만 먹었다");
    uint64_t gimbap = fixture(m, "김밥만 먹었다");
    fixture(m, "아무것도 안 먹었다");
    expect_found("라면 김밥", m, (uint64_t[]){both}, 1);
    expect_found("김밥 라면", m, (uint64_t[]){both}, 1);
    expect_found("라면", m, (uint64_t[]){both, ramen}, 2);
    expect_found("김밥", m, (uint64_t[]){both, gimbap}, 2);
    expect_found("라면 김밥 떡볶이", m, NULL, 0);
    /* the marker alone finds all four */
    json_t *b = search_ok(m, NULL);
    assert_int_equal(e2e_int_at(b, "totalElements"), 4);
    json_decref(b);
}

static void particles_attached_to_a_word_do_not_hide_it(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t a = fixture(m, "어제 야식을 먹었다");
    uint64_t b = fixture(m, "야식이 최고다");
    uint64_t c = fixture(m, "오늘은 야식으로 라면");
    fixture(m, "간식으로 과자");
    fixture(m, "야시장 구경");
    expect_found("야식", m, (uint64_t[]){a, b, c}, 3);
    expect_found("야식으로", m, (uint64_t[]){c}, 1);

    char q[128];
    snprintf(q, sizeof q, "야식 %s", m);
    json_t *r = search_ok(q, NULL);
    json_t *items = e2e_items_of(r);
    for (size_t i = 0; i < json_array_size(items); i++)
        assert_non_null(
            strstr(json_string_value(hl_of(json_array_get(items, i), "content")), "<em>야식</em>"));
    json_decref(r);
}

static void a_word_inside_a_compound_is_found(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t fried = fixture(m, "후라이드치킨 한 마리");
    uint64_t plain = fixture(m, "치킨 반 마리");
    fixture(m, "치즈케이크 한 조각");
    expect_found("치킨", m, (uint64_t[]){fried, plain}, 2);
    expect_found("후라이드", m, (uint64_t[]){fried}, 1);
}

static void a_stem_finds_its_inflections(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t past = fixture(m, "정말 맛있었다");
    uint64_t adj = fixture(m, "맛있는 김치찌개");
    fixture(m, "조금 맛없다");
    fixture(m, "재미있는 하루");
    expect_found("맛있", m, (uint64_t[]){past, adj}, 2);
    expect_found("맛있는", m, (uint64_t[]){adj}, 1);
}

static void a_one_syllable_word_is_found_in_longer_words(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t obj = fixture(m, "밥을 먹었다");
    uint64_t fried = fixture(m, "볶음밥 최고");
    uint64_t alone = fixture(m, "흰 밥 한 공기");
    fixture(m, "국수를 먹었다");
    fixture(m, "바비큐 파티");
    expect_found("밥", m, (uint64_t[]){obj, fried, alone}, 3);
    expect_found("볶음밥", m, (uint64_t[]){fried}, 1);
}

static void korean_and_latin_words_combine(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t both = fixture(m, "BBQ 치킨 주문");
    uint64_t glued = fixture(m, "BBQ치킨 주문");
    fixture(m, "교촌 치킨 주문");
    fixture(m, "BBQ 소스");
    expect_found("치킨 bbq", m, (uint64_t[]){both, glued}, 2);
    expect_found("bbq 치킨", m, (uint64_t[]){both, glued}, 2);
}

static void english_is_case_insensitive(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t a = fixture(m, "Pasta Carbonara 만들기");
    uint64_t b = fixture(m, "PASTA night");
    uint64_t c = fixture(m, "pasta al pomodoro");
    fixture(m, "pizza margherita");
    expect_found("pasta", m, (uint64_t[]){a, b, c}, 3);
    expect_found("PASTA", m, (uint64_t[]){a, b, c}, 3);
    expect_found("pAsTa CARBONARA", m, (uint64_t[]){a}, 1);
    /* the marker in upper case too */
    char upper[MARKER_MAX];
    snprintf(upper, sizeof upper, "%s", m);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    expect_found("Pasta", upper, (uint64_t[]){a, b, c}, 3);

    char q[128];
    snprintf(q, sizeof q, "pasta %s", m);
    json_t *r = search_ok(q, NULL);
    json_t *items = e2e_items_of(r);
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *p = json_array_get(items, i);
        const char *h = json_string_value(hl_of(p, "content"));
        uint64_t id = (uint64_t)e2e_int_at(p, "id");
        const char *want = id == a   ? "<em>Pasta</em>"
                           : id == b ? "<em>PASTA</em>"
                                     : "<em>pasta</em>";
        if (!strstr(h, want))
            fprintf(stderr, "highlight '%s' lacks '%s'\n", h, want);
        assert_non_null(strstr(h, want));
    }
    json_decref(r);
}

static void digits_and_hangul_in_one_word_work(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t two = fixture(m, "김치찌개 2인분 포장");
    uint64_t three = fixture(m, "김치찌개 3인분 포장");
    fixture(m, "2 인분 아님");
    expect_found("2인분", m, (uint64_t[]){two}, 1);
    expect_found("3인분", m, (uint64_t[]){three}, 1);
    expect_found("인분 김치찌개", m, (uint64_t[]){two, three}, 2);
    expect_found("2인분 포장", m, (uint64_t[]){two}, 1);
}

static void letters_split_across_two_words_do_not_match(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t a = fixture(m, "야식 으로 라면");
    uint64_t b = fixture(m, "후라이드 치킨");
    expect_found("식으", m, NULL, 0);
    expect_found("드치", m, NULL, 0);
    expect_found("야식", m, (uint64_t[]){a}, 1); /* control: the words themselves match */
    expect_found("치킨", m, (uint64_t[]){b}, 1);
}

static void decomposed_input_finds_composed_text(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t a = fixture(m, "야식으로 떡볶이");
    char nfd[256];
    hangul_nfd("라면을 끓였다", nfd, sizeof nfd);
    assert_true(strcmp(nfd, "라면을 끓였다") != 0);
    uint64_t b = fixture(m, nfd); /* a post written in NFD */

    hangul_nfd("야식", nfd, sizeof nfd);
    expect_found(nfd, m, (uint64_t[]){a}, 1);
    hangul_nfd("떡볶이", nfd, sizeof nfd);
    expect_found(nfd, m, (uint64_t[]){a}, 1);
    expect_found("라면", m, (uint64_t[]){b}, 1);
    hangul_nfd("끓였", nfd, sizeof nfd);
    expect_found(nfd, m, (uint64_t[]){b}, 1);
}

/* ---- 2. operators and bad input ----------------------------------------------------------- */

static void boolean_operators_are_plain_separators(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t both = fixture(m, "야식 라면");
    uint64_t snack = fixture(m, "야식 떡볶이");
    uint64_t ramen = fixture(m, "라면 김치");
    static const struct {
        const char *words;
        int want; /* bit 0 both, bit 1 snack, bit 2 ramen */
    } cases[] = {
        {"야식-라면", 1},  {"야식 -라면", 1},    {"+야식 -라면", 1}, {"-라면", 5},
        {"-야식", 3},      {"\"야식 라면\"", 1}, {"야식*", 3},       {"(야식)", 3},
        {"~야식", 3},      {"<야식 >라면", 1},   {"야식@라면", 1},   {"야식+라면", 1},
        {"\"야식", 3},     {"야식\"", 3},        {"야식~라면", 1},   {"(야식 (라면", 1},
        {"야식)라면(", 1}, {"*야식*", 3},        {"야식,라면", 1},   {"야식/라면", 1},
        {"야식\t라면", 1}, {"야식\n라면", 1},    {"'야식'", 3},      {"야식\\", 3},
        {"야식%", 3},      {"%야식%", 3},        {"야식_라면", 1},   {"야식;라면", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t want[3];
        size_t n = 0;
        if (cases[i].want & 1)
            want[n++] = both;
        if (cases[i].want & 2)
            want[n++] = snack;
        if (cases[i].want & 4)
            want[n++] = ramen;
        expect_found(cases[i].words, m, want, n);
    }

    /* Anything else: never a 5xx, and never a post without the marker. */
    static const char *const soup[] = {
        "+",
        "-",
        "<",
        ">",
        "(",
        ")",
        "~",
        "*",
        "\"",
        "@",
        "@3",
        "@@@",
        "+-<>()~*\"@",
        "\"\"\"",
        "((((((((",
        "))))))))",
        "야식 @8",
        "야식\" OR \"1\"=\"1",
        "야식'); DROP TABLE boards; --",
        "\\",
        "\\\\\\",
        "%",
        "_",
        "%_%",
        "'",
        "`",
        "$",
        "^",
        "야식 +",
        "- 야식",
        "* * *",
        "a*",
        "\xEF\xBC\x8B야식", /* fullwidth plus */
        "\xE3\x80\x80야식", /* ideographic space */
        "\xF0\x9F\x8D\x9C",
        "야식\xF0\x9F\x8D\x9C라면",
        "\xE2\x80\x8B",
        "ㅋㅋ",
        "ㅠ",
        "x",
        "9",
        "0",
        "야",
        "A",
        "\x01",
        "\x7F",
    };
    for (size_t i = 0; i < sizeof soup / sizeof soup[0]; i++) {
        for (int with_marker = 0; with_marker < 2; with_marker++) {
            char q[512];
            snprintf(q, sizeof q, "%s%s%s", soup[i], with_marker ? " " : "", with_marker ? m : "");
            struct e2e_resp r;
            search_raw(q, "elements=100", &r);
            if (r.status != 200 && r.status != 400)
                fprintf(stderr, "search '%s': %ld %s\n", q, r.status, r.body);
            assert_true(r.status == 200 || r.status == 400);
            if (r.status == 400)
                e2e_assert_error(&r, 400);
            if (r.status == 200 && with_marker) {
                json_t *items = json_object_get(r.json, "items");
                for (size_t k = 0; k < json_array_size(items); k++) {
                    uint64_t id = (uint64_t)e2e_int_at(json_array_get(items, k), "id");
                    assert_true(id == both || id == snack || id == ramen);
                }
            }
            e2e_resp_free(&r);
        }
    }
}

static void empty_blank_and_operator_only_words_are_400(void **state)
{
    (void)state;
    expect_raw_400("", "words");
    expect_raw_400("words", "words");
    expect_raw_400("words=", "words");
    expect_raw_400("page=1", "words");
    static const char *const bad[] = {
        " ",        "   ",       "\t",    "\n",          " \t\r\n ",
        "+",        "-",         "\"\"",  "()",          "*",
        "@",        "~",         "<>",    "+-<>()~*\"@", "+ - < > ( ) ~ * \" @",
        "  (  )  ", "\"\" \"\"", "-- ++",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_search_400(bad[i], NULL, "words");
}

static void more_than_eight_words_is_400(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t a = fixture(m, "김치 라면 떡볶이 순대 튀김 어묵 만두 쫄면");
    /* the marker + 7 words = 8: fine, and all of them are required */
    expect_found("김치 라면 떡볶이 순대 튀김 어묵 만두", m, (uint64_t[]){a}, 1);
    char q[512];
    snprintf(q, sizeof q, "김치 라면 떡볶이 순대 튀김 어묵 만두 쫄면 %s", m);
    expect_search_400(q, NULL, "words");
    snprintf(q, sizeof q, "a1 b2 c3 d4 e5 f6 g7 h8 i9");
    expect_search_400(q, NULL, "words");
    snprintf(q, sizeof q, "김치+라면-떡볶이(순대)튀김~어묵*만두\"쫄면\"%s", m);
    expect_search_400(q, NULL, "words");
}

static void invalid_utf8_is_400(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "words=%FF",
        "words=%FE%FF",
        "words=%C3%28",
        "words=%C0%AF",                   /* overlong '/' */
        "words=%E0%80%AF",                /* overlong */
        "words=%ED%A0%80",                /* a UTF-16 surrogate */
        "words=%F4%90%80%80",             /* above U+10FFFF */
        "words=%E1%84",                   /* cut short */
        "words=%EC%95%BC%EC%8B%9D%FF",    /* 야식 then 0xFF */
        "words=%EC%95%BC%EC%8B%9D%20%80", /* 야식 then a lone continuation byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_raw_400(bad[i], "words");
}

static void bad_paging_and_sort_are_400(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    fixture(m, "야식");
    char q[256];
    static const char *const bad[][2] = {
        {"elements=0", "elements"}, {"elements=101", "elements"},  {"elements=x", "elements"},
        {"page=0", "page"},         {"page=-1", "page"},           {"sort=newest", "sort"},
        {"sort=", "sort"},          {"sort=relevance%20", "sort"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(q, sizeof q, "야식 %s", m);
        expect_search_400(q, bad[i][0], bad[i][1]);
    }
    snprintf(q, sizeof q, "야식 %s", m);
    json_t *b = search_ok(q, "elements=100&page=1&sort=latest");
    assert_int_equal(e2e_int_at(b, "totalElements"), 1);
    json_decref(b);
    b = search_ok(q, "elements=1&sort=relevance");
    assert_int_equal(e2e_int_at(b, "totalElements"), 1);
    json_decref(b);
}

/* ---- 3. order, totals and pages ----------------------------------------------------------- */

static void sort_latest_is_newest_first_and_relevance_is_the_default(void **state)
{
    (void)state;
    char m[MARKER_MAX], w[MARKER_MAX];
    new_marker(m, sizeof m);
    snprintf(w, sizeof w, "zr%sy", e2e_unique()); /* a second unique word */
    char text[512];
    snprintf(text, sizeof text, "%s %s %s %s %s 반복", w, w, w, w, w);
    uint64_t often = fixture(m, text); /* oldest, the word five times */
    uint64_t none = fixture(m, "상관없는 글");
    snprintf(text, sizeof text, "%s 한 번", w);
    uint64_t once = fixture(m, text); /* newest, the word once */

    char q[256];
    snprintf(q, sizeof q, "%s %s", w, m);
    json_t *b = search_ok(q, "sort=latest");
    expect_ids(b, (uint64_t[]){once, often}, 2, true, "sort=latest");
    json_decref(b);
    b = search_ok(q, "sort=relevance");
    expect_ids(b, (uint64_t[]){often, once}, 2, true, "sort=relevance");
    json_decref(b);
    b = search_ok(q, NULL);
    expect_ids(b, (uint64_t[]){often, once}, 2, true, "default sort");
    json_decref(b);

    /* Equal relevance (the marker once in each): newest first. */
    b = search_ok(m, "sort=relevance");
    expect_ids(b, (uint64_t[]){once, none, often}, 3, true, "relevance ties");
    json_decref(b);
    b = search_ok(m, "sort=latest");
    expect_ids(b, (uint64_t[]){once, none, often}, 3, true, "latest");
    json_decref(b);
}

static void total_counts_matches_and_pages_are_consistent(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    enum { MATCHES = 5 };
    uint64_t ids[MATCHES];
    for (int i = 0; i < MATCHES; i++) {
        ids[i] = fixture(m, i % 2 ? "오늘 저녁은 떡볶이" : "떡볶이 맛집 발견");
        if (i == 2) {
            fixture(m, "순대만 먹음");
            fixture(m, "튀김만 먹음");
        }
    }
    char q[256];
    snprintf(q, sizeof q, "떡볶이 %s", m);
    json_t *all = search_ok(q, "elements=100");
    expect_ids(all, ids, MATCHES, false, "all matches");
    json_decref(all);

    static const char *const sorts[] = {"latest", "relevance"};
    for (size_t s = 0; s < 2; s++) {
        uint64_t seen[MATCHES];
        size_t n = 0;
        for (int page = 1; page <= 3; page++) {
            char extra[96];
            snprintf(extra, sizeof extra, "page=%d&elements=2&sort=%s", page, sorts[s]);
            json_t *b = search_ok(q, extra);
            assert_int_equal(e2e_int_at(b, "totalElements"), MATCHES);
            assert_int_equal(e2e_int_at(b, "totalPages"), 3);
            assert_int_equal(e2e_int_at(b, "page"), page);
            size_t want = page < 3 ? 2 : 1;
            assert_int_equal(json_array_size(e2e_items_of(b)), want);
            for (size_t i = 0; i < want; i++) {
                uint64_t id = (uint64_t)e2e_int_at(json_array_get(e2e_items_of(b), i), "id");
                for (size_t k = 0; k < n; k++)
                    assert_true(seen[k] != id); /* no repeat across pages */
                seen[n++] = id;
            }
            json_decref(b);
        }
        assert_int_equal(n, MATCHES);
        for (size_t i = 0; i < MATCHES; i++) {
            bool found = false;
            for (size_t k = 0; k < n; k++)
                found |= seen[k] == ids[i];
            assert_true(found);
        }
        if (s == 0)
            for (size_t i = 0; i < MATCHES; i++)
                assert_int_equal(seen[i], ids[MATCHES - 1 - i]);
    }
    /* Default page size 10 */
    json_t *b = search_ok(m, NULL);
    assert_int_equal(e2e_int_at(b, "totalElements"), MATCHES + 2);
    assert_int_equal(e2e_int_at(b, "totalPages"), 1);
    assert_int_equal(json_array_size(e2e_items_of(b)), MATCHES + 2);
    json_decref(b);
    /* No match at all: an empty page, not an error. */
    snprintf(q, sizeof q, "없는단어 %s", m);
    b = search_ok(q, NULL);
    assert_int_equal(e2e_int_at(b, "totalElements"), 0);
    assert_int_equal(e2e_int_at(b, "totalPages"), 0);
    assert_int_equal(json_array_size(e2e_items_of(b)), 0);
    json_decref(b);
}

/*
 * A page past the last one is empty and keeps the real total (the skipped rows are not counted
 * as matches).
 */
/* A Hangul word of four syllables unique to this run and test (from e2e_unique). */
static void new_hangul_word(char *out, size_t n)
{
    const char *u = e2e_unique();
    uint32_t h = 2166136261u;
    for (const char *c = u; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    size_t o = 0;
    for (int i = 0; i < 4; i++) {
        unsigned cp = 0xAC00 + (h % 11172);
        h = h * 2654435761u + 97u;
        assert_true(o + 4 < n);
        out[o++] = (char)(0xE0 | (cp >> 12));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    }
    out[o] = '\0';
}

/* A search page whose totals may be a lower bound: the body (new reference) and the flag. */
static json_t *search_page(const char *words, const char *extra, bool *lower_bound)
{
    struct e2e_resp r;
    search_raw(words, extra, &r);
    e2e_expect_status(&r, 200, words);
    json_t *b = json_incref(r.json);
    e2e_resp_free(&r);
    assert_non_null(b);
    json_t *lb = json_object_get(b, "totalIsLowerBound");
    assert_true(json_is_boolean(lb));
    *lower_bound = json_is_true(lb);
    assert_int_equal(e2e_int_at(b, "numOfItems"), (json_int_t)json_array_size(e2e_items_of(b)));
    return b;
}

/*
 * A word in more posts than SEARCH_FT_MIN_HITS (500) takes the newest-first scan: the page is
 * the newest matches whatever the sort, verified against the text and highlighted, and the
 * total is what the page proves (offset + size + 1, a lower bound) instead of a count. A rare
 * second word takes FULLTEXT again with an exact total.
 */
static void a_common_word_takes_the_newest_first_scan_with_a_lower_bound_total(void **state)
{
    (void)state;
    enum { POSTS = 520, RARE = 3 };
    char w[32], q[128], m[MARKER_MAX];
    new_hangul_word(w, sizeof w);
    new_marker(m, sizeof m);
    uint64_t *ids = calloc(POSTS, sizeof *ids);
    assert_non_null(ids);
    uint64_t rare[RARE];
    size_t nrare = 0;
    for (int i = 0; i < POSTS; i++) {
        char content[256];
        bool is_rare = i % 200 == 7; /* posts 7, 207, 407 */
        snprintf(content, sizeof content, "%s에 대한 이야기 %d%s %s", w, i,
                 is_rare ? " 꿔바로우도" : "", m);
        ids[i] = create_post(i % 2 ? "오늘의 글" : "스캔 테스트", content);
        if (is_rare)
            rare[nrare++] = ids[i];
    }
    assert_int_equal(nrare, RARE);
    /* The marker inside a longer Latin run: LIKE '%marker%' accepts these, the search must not
     * (a Latin word matches only at the start of a Latin run). */
    char mine[128];
    snprintf(mine, sizeof mine, "my%s 꿔바로우도 이야기", m);
    uint64_t extra1 = create_post("스캔 테스트", mine);
    uint64_t extra2 = create_post("스캔 테스트", mine);

    static const char *const sorts[] = {"sort=latest", "sort=relevance"};
    for (size_t s = 0; s < 2; s++) {
        bool lb = false;
        char extra[64];
        snprintf(extra, sizeof extra, "%s&elements=10", sorts[s]);
        json_t *b = search_page(w, extra, &lb);
        json_t *items = e2e_items_of(b);
        assert_int_equal(json_array_size(items), 10);
        /* the ten newest posts, newest first (relevance falls back to newest first) */
        for (size_t i = 0; i < 10; i++) {
            json_t *p = json_array_get(items, i);
            assert_int_equal((uint64_t)e2e_int_at(p, "id"), ids[POSTS - 1 - i]);
            assert_non_null(strstr(e2e_str_at(p, "content"), w));
            const char *hl =
                json_string_value(json_object_get(json_object_get(p, "highlights"), "content"));
            char em[64];
            snprintf(em, sizeof em, "<em>%s</em>", w);
            assert_non_null(hl);
            assert_non_null(strstr(hl, em));
        }
        assert_true(lb);
        assert_int_equal(e2e_int_at(b, "totalElements"), 11); /* at least one more page */
        assert_int_equal(e2e_int_at(b, "totalPages"), 2);
        json_decref(b);
    }

    /* Page 2 continues where page 1 ended. */
    bool lb = false;
    json_t *b = search_page(w, "page=2&elements=10", &lb);
    assert_int_equal(json_array_size(e2e_items_of(b)), 10);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal((uint64_t)e2e_int_at(json_array_get(e2e_items_of(b), i), "id"),
                         ids[POSTS - 11 - i]);
    assert_true(lb);
    assert_int_equal(e2e_int_at(b, "totalElements"), 21);
    json_decref(b);

    /* The last page shows the end: the total is exact when the scan's window (at least the
     * newest 10,000 posts, which hold all of ours) covered the whole table; the test database
     * is kept between runs, so check its size (visible posts, plus room for deleted ones). */
    struct e2e_resp lr;
    assert_int_equal(e2e_get("/api/boards?elements=1", NULL, &lr), 0);
    e2e_expect_status(&lr, 200, "list");
    json_int_t nposts = e2e_int_at(lr.json, "totalElements");
    e2e_resp_free(&lr);
    b = search_page(w, "page=52&elements=10", &lb);
    assert_int_equal(json_array_size(e2e_items_of(b)), 10);
    assert_int_equal((uint64_t)e2e_int_at(json_array_get(e2e_items_of(b), 9), "id"), ids[0]);
    if (nposts + 2000 < 10000)
        assert_false(lb);
    assert_int_equal(e2e_int_at(b, "totalElements"), POSTS);
    json_decref(b);

    /* With a rare second word: FULLTEXT on it, the common word verified on the text. */
    snprintf(q, sizeof q, "%s 꿔바로우", w);
    b = search_page(q, "elements=10&sort=latest", &lb);
    assert_false(lb);
    expect_ids(b, (uint64_t[]){rare[2], rare[1], rare[0]}, RARE, true, q);
    json_decref(b);

    /* The marker alone is common too (scan): the "my<marker>" posts, the newest, are not found. */
    b = search_page(m, "elements=10&sort=latest", &lb);
    assert_true(lb);
    json_t *items = e2e_items_of(b);
    assert_true(json_array_size(items) >= 8);
    for (size_t i = 0; i < json_array_size(items); i++) {
        uint64_t id = (uint64_t)e2e_int_at(json_array_get(items, i), "id");
        assert_true(id != extra1 && id != extra2);
        assert_int_equal(id, ids[POSTS - 1 - i]);
    }
    json_decref(b);
    /* FULLTEXT (rare word first) MATCHes the marker's prefix term too: same rule. */
    snprintf(q, sizeof q, "꿔바로우 %s", m);
    b = search_page(q, "elements=10&sort=latest", &lb);
    assert_false(lb);
    expect_ids(b, (uint64_t[]){rare[2], rare[1], rare[0]}, RARE, true, q);
    json_decref(b);

    /* Letters of the word split across two words do not match in the scan either. */
    char split[64];
    size_t half = strlen(w) / 2; /* two syllables */
    snprintf(split, sizeof split, "%.*s", (int)half, w);
    char other[96];
    snprintf(other, sizeof other, "%s스캔없음", split);
    b = search_page(other, NULL, &lb);
    assert_int_equal(json_array_size(e2e_items_of(b)), 0);
    json_decref(b);
    free(ids);
}

static void a_page_past_the_end_is_empty_and_keeps_the_total(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    fixture(m, "떡볶이 한 접시");
    fixture(m, "떡볶이 두 접시");
    fixture(m, "순대 한 접시");
    char q[256];
    snprintf(q, sizeof q, "떡볶이 %s", m);
    static const char *const extras[] = {"page=2&elements=2", "page=3&elements=2",
                                         "page=10&elements=10", "page=1000&elements=10",
                                         "page=2&elements=2&sort=latest"};
    bool ok = true;
    for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
        json_t *b = search_ok(q, extras[i]);
        json_int_t total = e2e_int_at(b, "totalElements"), pages = e2e_int_at(b, "totalPages");
        size_t n = json_array_size(e2e_items_of(b));
        json_decref(b);
        if (n != 0 || total != 2 || pages != 1) {
            fprintf(stderr, "%s: %zu items, totalElements %lld, totalPages %lld (want 0, 2, 1)\n",
                    extras[i], n, (long long)total, (long long)pages);
            ok = false;
        }
    }
    assert_true(ok);
}

/* ---- 4. highlights ------------------------------------------------------------------------ */

static void highlights_wrap_the_words_and_escape_html(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    char title[256], content[512];
    snprintf(title, sizeof title, "<script>alert(1)</script> 야식 & \"라면\" %s", m);
    snprintf(content, sizeof content, "<b>야식</b>으로 'BBQ' <img src=x onerror=alert(1)> %s 끝",
             m);
    uint64_t id = create_post(title, content);

    char q[256];
    snprintf(q, sizeof q, "야식 %s", m);
    json_t *b = search_ok(q, NULL);
    expect_ids(b, (uint64_t[]){id}, 1, false, "html post");
    json_t *p = json_array_get(e2e_items_of(b), 0);
    /* the post itself is returned as stored */
    assert_string_equal(e2e_str_at(p, "title"), title);
    assert_string_equal(e2e_str_at(p, "content"), content);
    const char *ht = json_string_value(hl_of(p, "title"));
    const char *hc = json_string_value(hl_of(p, "content"));
    if (!strstr(ht, "&lt;script&gt;") || !strstr(ht, "<em>야식</em>"))
        fprintf(stderr, "title highlight: %s\n", ht);
    assert_non_null(strstr(ht, "&lt;script&gt;"));
    assert_null(strstr(ht, "<script>"));
    assert_non_null(strstr(ht, "<em>야식</em>"));
    assert_non_null(strstr(ht, "&amp;"));
    char em[MARKER_MAX + 16];
    snprintf(em, sizeof em, "<em>%s</em>", m);
    assert_non_null(strstr(ht, em));
    assert_non_null(strstr(hc, "&lt;b&gt;<em>야식</em>&lt;/b&gt;"));
    assert_null(strstr(hc, "<img"));
    assert_null(strstr(hc, "<b>"));
    assert_non_null(strstr(hc, em));
    /* short texts come back whole: decoding the highlight gives the text again */
    char *plain = hl_plain(ht);
    assert_string_equal(plain, title);
    free(plain);
    plain = hl_plain(hc);
    assert_string_equal(plain, content);
    free(plain);
    json_decref(b);

    /* A word only in the content leaves the title without <em>, and the other way round. */
    char c2[256];
    snprintf(c2, sizeof c2, "본문에만 떡볶이 %s", m);
    uint64_t in_content = create_post("오늘의 글", c2);
    uint64_t in_title = create_post("제목에는 떡볶이", m);
    snprintf(q, sizeof q, "떡볶이 %s", m);
    b = search_ok(q, NULL);
    expect_ids(b, (uint64_t[]){in_title, in_content}, 2, false, "content or title");
    for (size_t i = 0; i < 2; i++) {
        p = json_array_get(e2e_items_of(b), i);
        const char *t = json_string_value(hl_of(p, "title"));
        const char *c = json_string_value(hl_of(p, "content"));
        if ((uint64_t)e2e_int_at(p, "id") == in_title) {
            assert_string_equal(t, "제목에는 <em>떡볶이</em>");
            assert_string_equal(c, em);
        } else {
            assert_string_equal(t, "오늘의 글");
            assert_non_null(strstr(c, "본문에만 <em>떡볶이</em> "));
        }
    }
    json_decref(b);
}

static void content_snippets_are_at_most_160_characters_cut_on_characters(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    static const char filler[] = "오늘은 날씨가 좋아서 산책을 했다 \xF0\x9F\x8D\x9C ";
    size_t fl = strlen(filler);
    size_t cap = 2 * 80 * fl + 256;
    char *content = malloc(cap);
    assert_non_null(content);
    size_t o = 0;
    for (int i = 0; i < 80; i++, o += fl)
        memcpy(content + o, filler, fl);
    o += (size_t)snprintf(content + o, cap - o, "그리고 야식으로 라면을 먹었다 ");
    for (int i = 0; i < 80; i++, o += fl)
        memcpy(content + o, filler, fl);
    content[o] = '\0';
    char title[128];
    snprintf(title, sizeof title, "긴 글 %s", m);
    uint64_t id = create_post(title, content);

    /* also: emoji right around the word, and the word at the very start and end */
    char *edge = malloc(cap);
    assert_non_null(edge);
    o = (size_t)snprintf(edge, cap, "라면");
    for (int i = 0; i < 300; i++, o += 4)
        memcpy(edge + o, "\xF0\x9F\x8D\x9C", 4);
    o += (size_t)snprintf(edge + o, cap - o, "라면");
    edge[o] = '\0';
    uint64_t id2 = create_post(title, edge);

    char q[256];
    snprintf(q, sizeof q, "야식 %s", m);
    json_t *b = search_ok(q, NULL);
    expect_ids(b, (uint64_t[]){id}, 1, false, "long post");
    json_t *p = json_array_get(e2e_items_of(b), 0);
    const char *hc = json_string_value(hl_of(p, "content"));
    assert_non_null(strstr(hc, "<em>야식</em>"));
    assert_snippet_of(hc, content);
    assert_snippet_of(json_string_value(hl_of(p, "title")), title);
    json_decref(b);

    for (int sort = 0; sort < 2; sort++) {
        snprintf(q, sizeof q, "라면 %s", m);
        b = search_ok(q, sort ? "sort=latest" : NULL);
        expect_ids(b, (uint64_t[]){id, id2}, 2, false, "라면");
        for (size_t i = 0; i < 2; i++) {
            p = json_array_get(e2e_items_of(b), i);
            hc = json_string_value(hl_of(p, "content"));
            assert_non_null(strstr(hc, "<em>라면</em>"));
            assert_snippet_of(hc, (uint64_t)e2e_int_at(p, "id") == id ? content : edge);
        }
        json_decref(b);
    }
    free(content);
    free(edge);
}

/* ---- 5. the index follows changes --------------------------------------------------------- */

static void deleted_posts_are_not_found(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    uint64_t gone = fixture(m, "삭제될 짜장면 글");
    uint64_t kept = fixture(m, "남을 짜장면 글");
    expect_found("짜장면", m, (uint64_t[]){gone, kept}, 2);
    char path[64];
    snprintf(path, sizeof path, "/api/boards/%llu", (unsigned long long)gone);
    struct e2e_resp r;
    assert_int_equal(e2e_json("DELETE", path, g_user.token, NULL, &r), 0);
    e2e_expect_status(&r, 200, "DELETE");
    e2e_resp_free(&r);
    expect_found("짜장면", m, (uint64_t[]){kept}, 1);
    expect_found("삭제될", m, NULL, 0);
    json_t *b = search_ok(m, NULL);
    expect_ids(b, (uint64_t[]){kept}, 1, false, "marker after delete");
    json_decref(b);
}

static void updated_posts_are_found_by_new_words_only(void **state)
{
    (void)state;
    char m[MARKER_MAX];
    new_marker(m, sizeof m);
    char title[128], content[128];
    snprintf(title, sizeof title, "중국집 후기 %s", m);
    snprintf(content, sizeof content, "짜장면 곱빼기 %s", m);
    uint64_t id = create_post(title, content);
    expect_found("짜장면", m, (uint64_t[]){id}, 1);
    expect_found("중국집", m, (uint64_t[]){id}, 1);

    char path[64];
    snprintf(path, sizeof path, "/api/boards/%llu", (unsigned long long)id);
    snprintf(content, sizeof content, "짬뽕 곱빼기 %s", m);
    json_t *body = json_pack("{s:s}", "content", content);
    struct e2e_resp r;
    assert_int_equal(e2e_jsonv("PATCH", path, g_user.token, body, &r), 0);
    json_decref(body);
    e2e_expect_status(&r, 200, "PATCH content");
    e2e_resp_free(&r);
    expect_found("짜장면", m, NULL, 0);
    expect_found("짬뽕", m, (uint64_t[]){id}, 1);
    expect_found("곱빼기", m, (uint64_t[]){id}, 1);
    expect_found("중국집", m, (uint64_t[]){id}, 1); /* the title did not change */

    snprintf(title, sizeof title, "탕수육 맛집 %s", m);
    body = json_pack("{s:s}", "title", title);
    assert_int_equal(e2e_jsonv("PATCH", path, g_user.token, body, &r), 0);
    json_decref(body);
    e2e_expect_status(&r, 200, "PATCH title");
    e2e_resp_free(&r);
    expect_found("중국집", m, NULL, 0);
    expect_found("탕수육", m, (uint64_t[]){id}, 1);
    expect_found("짬뽕", m, (uint64_t[]){id}, 1); /* the content did not change */

    /* A category-only update keeps the index as it is. */
    assert_int_equal(e2e_json("PATCH", path, g_user.token, "{\"category\":\"RESTAURANT\"}", &r), 0);
    e2e_expect_status(&r, 200, "PATCH category");
    e2e_resp_free(&r);
    expect_found("탕수육 짬뽕", m, (uint64_t[]){id}, 1);

    char q[128];
    snprintf(q, sizeof q, "짬뽕 %s", m);
    json_t *b = search_ok(q, NULL);
    assert_non_null(strstr(json_string_value(hl_of(json_array_get(e2e_items_of(b), 0), "content")),
                           "<em>짬뽕</em>"));
    json_decref(b);
}

/* "<head> <marker> " followed by `chars` characters of everyday Korean (heap; caller frees). */
static char *long_text(const char *head, const char *marker, size_t chars)
{
    static const char unit[] = "오늘은 날씨가 좋아서 산책을 했다 "; /* 20 characters */
    size_t ul = strlen(unit), reps = chars / 20 + 1;
    size_t cap = strlen(head) + strlen(marker) + 4 + reps * ul;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t o = (size_t)snprintf(t, cap, "%s %s ", head, marker);
    for (size_t i = 0; i < reps; i++, o += ul)
        memcpy(t + o, unit, ul);
    t[o] = '\0';
    return t;
}

/*
 * Simultaneous edits of one post must not make OTHER posts unfindable: posts P and Q both
 * contain W; 8 simultaneous PATCHes remove W from P; a search for W still finds Q. (Each edit
 * moves search_token_df from the old to the new tokens while the post row is locked, so
 * concurrent edits cannot subtract the same old tokens twice.) Tries up to ROUNDS fresh pairs.
 */
static void simultaneous_edits_of_one_post_keep_other_posts_findable(void **state)
{
    (void)state;
    enum { N = 8, ROUNDS = 6, FILLER = 6000 };
    for (int round = 0; round < ROUNDS; round++) {
        char m[MARKER_MAX], w[MARKER_MAX];
        new_marker(m, sizeof m);
        snprintf(w, sizeof w, "zr%sy", e2e_unique());
        char head[128];
        snprintf(head, sizeof head, "%s 짜장면", w);
        char *text = long_text(head, m, FILLER);
        uint64_t p = create_post("검색 테스트", text);
        free(text);
        snprintf(head, sizeof head, "%s 짬뽕", w);
        uint64_t q = fixture(m, head);
        expect_found(w, m, (uint64_t[]){p, q}, 2);

        char path[64];
        snprintf(path, sizeof path, "/api/boards/%llu", (unsigned long long)p);
        char *bodies[N];
        struct e2e_racer pts[N];
        for (int i = 0; i < N; i++) {
            snprintf(head, sizeof head, "바뀐 내용 %d", i);
            char *content = long_text(head, m, FILLER);
            json_t *body = json_pack("{s:s}", "content", content);
            free(content);
            bodies[i] = json_dumps(body, JSON_COMPACT);
            json_decref(body);
            assert_non_null(bodies[i]);
            pts[i] = (struct e2e_racer){
                .method = "PATCH", .path = path, .token = g_user.token, .body = bodies[i]};
        }
        e2e_race(pts, N);
        int ok = e2e_count_status(pts, N, 200);
        for (int i = 0; i < N; i++)
            free(bodies[i]);
        assert_int_equal(ok, N);

        char query[256];
        snprintf(query, sizeof query, "%s %s", w, m);
        json_t *b = search_ok(query, NULL);
        json_int_t total = e2e_int_at(b, "totalElements");
        uint64_t first = json_array_size(e2e_items_of(b))
                             ? (uint64_t)e2e_int_at(json_array_get(e2e_items_of(b), 0), "id")
                             : 0;
        json_decref(b);
        if (total != 1 || first != q)
            fprintf(stderr,
                    "round %d: after %d simultaneous edits of post %llu, searching '%s' finds "
                    "%lld post(s); post %llu still contains the word\n",
                    round, N, (unsigned long long)p, query, (long long)total,
                    (unsigned long long)q);
        assert_int_equal(total, 1);
        assert_int_equal(first, q);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    /* Before any thread: one test edits a post from several clients at once. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_word_is_required),
        cmocka_unit_test(particles_attached_to_a_word_do_not_hide_it),
        cmocka_unit_test(a_word_inside_a_compound_is_found),
        cmocka_unit_test(a_stem_finds_its_inflections),
        cmocka_unit_test(a_one_syllable_word_is_found_in_longer_words),
        cmocka_unit_test(korean_and_latin_words_combine),
        cmocka_unit_test(english_is_case_insensitive),
        cmocka_unit_test(digits_and_hangul_in_one_word_work),
        cmocka_unit_test(letters_split_across_two_words_do_not_match),
        cmocka_unit_test(decomposed_input_finds_composed_text),
        cmocka_unit_test(boolean_operators_are_plain_separators),
        cmocka_unit_test(empty_blank_and_operator_only_words_are_400),
        cmocka_unit_test(more_than_eight_words_is_400),
        cmocka_unit_test(invalid_utf8_is_400),
        cmocka_unit_test(bad_paging_and_sort_are_400),
        cmocka_unit_test(sort_latest_is_newest_first_and_relevance_is_the_default),
        cmocka_unit_test(total_counts_matches_and_pages_are_consistent),
        cmocka_unit_test(a_page_past_the_end_is_empty_and_keeps_the_total),
        cmocka_unit_test(a_common_word_takes_the_newest_first_scan_with_a_lower_bound_total),
        cmocka_unit_test(highlights_wrap_the_words_and_escape_html),
        cmocka_unit_test(content_snippets_are_at_most_160_characters_cut_on_characters),
        cmocka_unit_test(deleted_posts_are_not_found),
        cmocka_unit_test(updated_posts_are_found_by_new_words_only),
        cmocka_unit_test(simultaneous_edits_of_one_post_keep_other_posts_findable),
    };
    int failed = cmocka_run_group_tests_name("e2e_search", tests, setup_user, NULL);
    curl_global_cleanup();
    return failed;
}

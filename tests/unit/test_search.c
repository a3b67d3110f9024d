/*
 * test_search.c - Korean keyword search, the pure part: index tokens, query parsing, the
 * boolean-mode string, LIKE patterns, substring verification and highlight snippets, plus
 * property tests (random input never yields an unsafe boolean query; the FULLTEXT stage never
 * loses a match the verification would accept).
 */
#include "eeum/search.h"
#include "eeum/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* ---- helpers ------------------------------------------------------------------------------ */

/* Deterministic PRNG (xorshift64*): the property tests must fail the same way every run. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static size_t rnd_below(uint64_t *s, size_t n)
{
    return (size_t)(rnd(s) % n);
}

/* Index tokens of a NUL-terminated string; the caller frees. */
static char *tokens_of(const char *s, size_t n)
{
    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    if (!search_index_tokens(s, n, &sb))
        fail_msg("search_index_tokens failed for \"%s\"", s);
    char *r = strbuf_steal(&sb);
    return r ? r : calloc(1, 1);
}

static void parse_ok(const char *in, struct search_query *q)
{
    const char *msg = NULL;
    enum status st = search_query_parse(in, strlen(in), q, &msg);
    if (st != STATUS_OK)
        fail_msg("parse \"%s\": status %d (%s)", in, (int)st, msg ? msg : "-");
}

/* "text=tok tok* | ..." with '~' instead of ' ' between tokens that may form a phrase. */
static void render_query(const struct search_query *q, char *out, size_t outlen)
{
    struct strbuf sb;
    strbuf_init(&sb, 1 << 16);
    for (size_t i = 0; i < q->nwords; i++) {
        const struct search_word *w = &q->words[i];
        if (i > 0)
            assert_true(strbuf_puts(&sb, " | "));
        assert_true(strbuf_printf(&sb, "%s=", w->text));
        for (size_t k = 0; k < w->ntokens; k++) {
            assert_true(
                strbuf_printf(&sb, "%s%s", w->tokens[k].text, w->tokens[k].prefix ? "*" : ""));
            if (k + 1 < w->ntokens)
                assert_true(strbuf_puts(&sb, w->phrase_next[k] ? "~" : " "));
        }
    }
    snprintf(out, outlen, "%s", sb.data ? sb.data : "");
    strbuf_free(&sb);
}

static char *nfd(const char *s)
{
    size_t len = 0;
    uint8_t *r = u8_normalize(UNINORM_NFD, (const uint8_t *)s, strlen(s), NULL, &len);
    assert_non_null(r);
    char *z = malloc(len + 1);
    assert_non_null(z);
    memcpy(z, r, len);
    z[len] = '\0';
    free(r);
    return z;
}

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

/* ---- index tokens ------------------------------------------------------------------------- */

struct index_case {
    const char *what;
    const char *text;
    const char *tokens;
};

static const struct index_case INDEX_CASES[] = {
    {"particles attach to words", "야식으로 먹은 치킨", "야식 식으 으로 로_ 먹은 은_ 치킨 킨_"},
    {"one syllable", "밥", "밥_"},
    {"latin is lower-cased", "BBQ", "bbq"},
    {"digits and hangul are separate runs", "2인분", "2_ 인분 분_"},
    {"one latin character", "a", "a_"},
    {"punctuation separates", "치킨,피자!맥주?", "치킨 킨_ 피자 자_ 맥주 주_"},
    {"whitespace separates", " 떡볶이\t\n 순대  ", "떡볶 볶이 이_ 순대 대_"},
    {"emoji separate and vanish", "치킨😀피자", "치킨 킨_ 피자 자_"},
    {"emoji only", "😀 🍗 ❤️ 👍🏽 👨‍👩‍👧", ""},
    {"symbols only", "★☆♥ → ≠ ∞ © ® ™ ° ① ² ¥ $ %", ""},
    {"control characters",
     "a\x01"
     "b\x7f"
     "c",
     "a_ b_ c_"},
    {"underscore is a separator", "snake_case", "snake case"},
    {"boolean operators separate", "C++ & C# (x) -y ~z \"q\" @w <v> u*",
     "c_ c_ x_ y_ z_ q_ w_ v_ u_"},
    {"compatibility jamo are bigrams", "ㅋㅋㅋ", "ㅋㅋ ㅋㅋ ㅋ_"},
    {"two jamo", "ㅠㅠ", "ㅠㅠ ㅠ_"},
    {"jamo and syllables form one run", "좋아ㅋㅋ", "좋아 아ㅋ ㅋㅋ ㅋ_"},
    {"CJK and kana are bigrams", "東京タワー", "東京 京タ タワ ワー ー_"},
    {"latin then hangul", "bbq치킨", "bbq 치킨 킨_"},
    {"letters and digits are one latin run", "iPhone15 Pro", "iphone15 pro"},
    {"unicode case folding", "ÀÉÎ Привет ΣΟΦΙΑ", "àéî привет σοφια"},
    {"NFD latin is composed", "Cafe\xcc\x81", "café"},
    {"NFD hangul is composed", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", "각_"},
    {"supplementary ideographs are not indexable", "𠀀𠀁", ""},
    {"supplementary letter separates", "x𠀀y", "x_ y_"},
    {"jamo unknown to InnoDB separate", "가\xea\xa5\xa0나", "가_ 나_"},
    {"full-width latin stays full-width", "ＢＢＱ", "ｂｂｑ"},
    {"thai vowel marks stay in the word", "กิน", "กิน"},
    {"hangul filler is ignored", "\xe3\x85\xa4", ""},
    {"zero-width space separates", "치\xe2\x80\x8b킨", "치_ 킨_"},
    {"empty", "", ""},
};

static void index_tokens_follow_the_scheme(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof INDEX_CASES / sizeof INDEX_CASES[0]; i++) {
        const struct index_case *c = &INDEX_CASES[i];
        char *got = tokens_of(c->text, strlen(c->text));
        if (strcmp(got, c->tokens) != 0)
            fail_msg("%s: \"%s\" -> \"%s\", want \"%s\"", c->what, c->text, got, c->tokens);
        free(got);
    }
}

static void index_tokens_of_nfd_and_nfc_input_are_equal(void **state)
{
    (void)state;
    static const char *const TEXTS[] = {"야식으로 먹은 치킨", "맛있었다 Café ÀÉ", "각 밥 닭",
                                        "떡볶이 2인분", "ㅋㅋ 좋았어요ㅠㅠ"};
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++) {
        char *d = nfd(TEXTS[i]);
        assert_string_not_equal(d, TEXTS[i]); /* really decomposed */
        char *a = tokens_of(TEXTS[i], strlen(TEXTS[i]));
        char *b = tokens_of(d, strlen(d));
        assert_string_equal(a, b);
        free(a);
        free(b);
        free(d);
    }
}

static void long_latin_runs_are_cut_to_84_characters(void **state)
{
    (void)state;
    char *a84 = repeat("a", 84);
    char *a85 = repeat("a", 85);
    char *a300 = repeat("a", 300);
    char *t = tokens_of(a84, strlen(a84));
    assert_string_equal(t, a84);
    free(t);
    t = tokens_of(a85, strlen(a85));
    assert_string_equal(t, a84);
    free(t);
    /* after the cut run, the next run is still tokenised */
    char text[400];
    snprintf(text, sizeof text, "%s 치킨", a300);
    t = tokens_of(text, strlen(text));
    char want[200];
    snprintf(want, sizeof want, "%s 치킨 킨_", a84);
    assert_string_equal(t, want);
    free(t);
    /* characters, not bytes: 100 Cyrillic letters (2 bytes each) keep 84 letters */
    char *cyr = repeat("ж", 100);
    char *cyr84 = repeat("ж", 84);
    t = tokens_of(cyr, strlen(cyr));
    assert_string_equal(t, cyr84);
    free(t);
    free(cyr);
    free(cyr84);
    free(a84);
    free(a85);
    free(a300);
}

static void index_tokens_reject_invalid_utf8_and_leave_the_buffer_alone(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 1024);
    assert_true(strbuf_puts(&sb, "keep"));
    assert_false(search_index_tokens("야식\xff", strlen("야식\xff"), &sb));
    assert_false(search_index_tokens("\xed\xa0\x80", 3, &sb)); /* surrogate */
    assert_string_equal(sb.data, "keep");
    assert_int_equal(sb.len, 4);
    strbuf_free(&sb);
}

static void index_tokens_fail_whole_when_the_buffer_is_full(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 20);
    assert_true(strbuf_puts(&sb, "keep "));
    const char *text = "야식으로 먹은 치킨";
    assert_false(search_index_tokens(text, strlen(text), &sb));
    assert_string_equal(sb.data, "keep ");
    assert_int_equal(sb.len, 5);
    strbuf_free(&sb);

    strbuf_init(&sb, 64);
    assert_true(search_index_tokens(text, strlen(text), &sb));
    assert_string_equal(sb.data, "야식 식으 으로 로_ 먹은 은_ 치킨 킨_");
    strbuf_free(&sb);
}

static void nfc_composes_and_rejects_invalid_utf8(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 1024);
    const char *d = "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8 Cafe\xcc\x81";
    assert_true(search_nfc(d, strlen(d), &sb));
    assert_string_equal(sb.data, "각 Café");
    assert_true(search_nfc("야식", strlen("야식"), &sb)); /* appends */
    assert_string_equal(sb.data, "각 Café야식");
    assert_false(search_nfc("\xc3(", 2, &sb));
    assert_string_equal(sb.data, "각 Café야식");
    strbuf_free(&sb);

    /* longer than the stack buffer: the heap fallback gives the same result */
    char *big = repeat("Cafe\xcc\x81 ", 1000);
    char *want = repeat("Café ", 1000);
    strbuf_init(&sb, 1 << 20);
    assert_true(search_nfc(big, strlen(big), &sb));
    assert_string_equal(sb.data, want);
    strbuf_free(&sb);
    free(big);
    free(want);
}

/* ---- query parsing ------------------------------------------------------------------------ */

struct parse_case {
    const char *input;
    const char *want; /* render_query() form */
};

static const struct parse_case PARSE_CASES[] = {
    {"야식", "야식=야식"},
    {"맛있는", "맛있는=맛있~있는"},
    {"맛있었다", "맛있었다=맛있~있었~었다"},
    {"밥", "밥=밥*"},
    {"치킨 bbq", "치킨=치킨 | bbq=bbq*"},
    {"2인분", "2인분=2* 인분"},
    {"야식-라면", "야식=야식 | 라면=라면"},
    {"+야식 -라면 <치킨> (피자) ~맥주* \"떡볶이\" @3",
     "야식=야식 | 라면=라면 | 치킨=치킨 | 피자=피자 | 맥주=맥주 | 떡볶이=떡볶~볶이 | 3=3*"},
    {"BBQ bbq Bbq", "bbq=bbq*"},
    {"야식 야식 야식", "야식=야식"},
    {"C++", "c=c*"},
    {"치킨bbq", "치킨bbq=치킨 bbq*"},
    {"bbq치킨", "bbq치킨=bbq* 치킨"},
    {"가a나", "가a나=가* a* 나*"},
    {"ㅋㅋ", "ㅋㅋ=ㅋㅋ"},
    {"東京タワー", "東京タワー=東京~京タ~タワ~ワー"},
    {"Привет", "привет=привет*"},
    {"snake_case", "snake=snake* | case=case*"},
    {"don't", "don=don* | t=t*"},
    {"  치킨  ", "치킨=치킨"},
    {"a@b.com", "a=a* | b=b* | com=com*"},
    {"\xe1\x84\x86\xe1\x85\xa1\xe1\x86\xba\xe1\x84\x8b\xe1\x85\xb5\xe1\x86\xbb\xe1\x84\x82\xe1"
     "\x85\xb3\xe1\x86\xab",
     "맛있는=맛있~있는"}, /* 맛있는 in NFD */
    {"a b c d e f g h", "a=a* | b=b* | c=c* | d=d* | e=e* | f=f* | g=g* | h=h*"},
    {"a b c d e f g h a B", "a=a* | b=b* | c=c* | d=d* | e=e* | f=f* | g=g* | h=h*"},
};

static void query_words_and_tokens(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof PARSE_CASES / sizeof PARSE_CASES[0]; i++) {
        struct search_query q;
        parse_ok(PARSE_CASES[i].input, &q);
        char got[2048];
        render_query(&q, got, sizeof got);
        if (strcmp(got, PARSE_CASES[i].want) != 0)
            fail_msg("\"%s\" -> \"%s\", want \"%s\"", PARSE_CASES[i].input, got,
                     PARSE_CASES[i].want);
    }
}

static void a_word_of_40_syllables_is_accepted_with_39_bigrams(void **state)
{
    (void)state;
    char *w = repeat("가", SEARCH_MAX_WORD_CHARS);
    struct search_query q;
    parse_ok(w, &q);
    assert_int_equal(q.nwords, 1);
    assert_int_equal(q.words[0].ntokens, SEARCH_MAX_WORD_CHARS - 1);
    assert_true(q.words[0].phrase_next[SEARCH_MAX_WORD_CHARS - 3]);
    assert_false(q.words[0].phrase_next[SEARCH_MAX_WORD_CHARS - 2]);
    free(w);

    /* 40 alternating runs give 40 prefix tokens: the most a word can have */
    char *alt = repeat("가a", SEARCH_MAX_WORD_CHARS / 2);
    parse_ok(alt, &q);
    assert_int_equal(q.words[0].ntokens, SEARCH_MAX_TOKENS_PER_WORD);
    free(alt);

    /* 40 three-byte letters of a latin-like script: the prefix token is cut to fit its array */
    char *thai = repeat("ก", SEARCH_MAX_WORD_CHARS);
    parse_ok(thai, &q);
    assert_int_equal(q.words[0].ntokens, 1);
    assert_true(q.words[0].tokens[0].prefix);
    size_t len = strlen(q.words[0].tokens[0].text);
    assert_true(len < SEARCH_TOKEN_MAX_BYTES);
    assert_int_equal(len % 3, 0);
    assert_memory_equal(q.words[0].tokens[0].text, thai, len);
    assert_string_equal(q.words[0].text, thai);
    free(thai);
}

static void long_inputs_that_need_nfc_take_the_heap_path(void **state)
{
    (void)state;
    /* more than the 2 KiB stack buffer, and not NFC: u8_normalize allocates */
    char *spaces = repeat(" ", 3000);
    size_t len = strlen(spaces) + 64;
    char *in = malloc(len);
    assert_non_null(in);
    snprintf(in, len, "Cafe\xcc\x81%s\xe1\x84\x87\xe1\x85\xa1\xe1\x86\xb8", spaces);
    struct search_query q;
    parse_ok(in, &q);
    char got[256];
    render_query(&q, got, sizeof got);
    assert_string_equal(got, "café=café* | 밥=밥*");
    char *t = tokens_of(in, strlen(in));
    assert_string_equal(t, "café 밥_");
    free(t);
    free(in);
    free(spaces);
}

struct bad_case {
    const char *what;
    const char *input;
    size_t len;       /* 0 = strlen */
    const char *hint; /* a substring of the expected message */
};

static void parse_rejects_with_a_korean_message(void **state)
{
    (void)state;
    const char *nine = "a b c d e f g h i";
    char *long_kor = repeat("가", SEARCH_MAX_WORD_CHARS + 1);
    char *long_lat = repeat("x", SEARCH_MAX_WORD_CHARS + 1);
    char long_later[256];
    snprintf(long_later, sizeof long_later, "치킨 %s", long_lat);
    const struct bad_case CASES[] = {
        {"empty", "", 0, "입력"},
        {"whitespace", "   \t\n ", 0, "입력"},
        {"operators only", "+-<>()~*\"@", 0, "입력"},
        {"punctuation only", "!?.,;:'`[]{}\\/=%&|^$#_", 0, "입력"},
        {"emoji only", "😀🍗 ❤️", 0, "입력"},
        {"other numbers only", "①② ²", 0, "입력"},
        {"hangul filler", "\xe3\x85\xa4", 0, "입력"},
        {"invalid byte", "\xff", 0, "UTF-8"},
        {"truncated sequence", "야식\xc3", 0, "UTF-8"},
        {"overlong", "\xc0\xaf", 0, "UTF-8"},
        {"nine words", nine, 0, "8개"},
        {"41 syllables", long_kor, 0, "40자"},
        {"41 latin letters", long_lat, 0, "40자"},
        {"a long second word", long_later, 0, "40자"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        struct search_query q;
        q.nwords = 99;
        const char *msg = NULL;
        size_t n = CASES[i].len ? CASES[i].len : strlen(CASES[i].input);
        enum status st = search_query_parse(CASES[i].input, n, &q, &msg);
        if (st != STATUS_BAD_REQUEST)
            fail_msg("%s: status %d, want 400", CASES[i].what, (int)st);
        if (!msg || !strstr(msg, CASES[i].hint))
            fail_msg("%s: message \"%s\" lacks \"%s\"", CASES[i].what, msg ? msg : "(null)",
                     CASES[i].hint);
        /* Korean: the message holds Hangul syllables */
        if (!strstr(msg, "검색어"))
            fail_msg("%s: message \"%s\" is not the Korean text", CASES[i].what, msg);
        assert_int_equal(q.nwords, 0);
    }
    free(long_kor);
    free(long_lat);
}

/* ---- boolean query ------------------------------------------------------------------------ */

struct bool_case {
    const char *input;
    const char *want;
};

static const struct bool_case BOOL_CASES[] = {
    {"야식", "+야식"},
    {"맛있는", "+\"맛있 있는\""},
    {"밥", "+밥*"},
    {"치킨 bbq", "+치킨 +bbq*"},
    {"2인분", "+2* +인분"},
    {"야식-라면", "+야식 +라면"},
    {"맛있었다", "+\"맛있 있었 었다\""},
    {"치킨bbq", "+치킨 +bbq*"},
    {"C++", "+c*"},
    {"가a나", "+가* +a* +나*"},
    {"떡볶이 2인분", "+\"떡볶 볶이\" +2* +인분"},
    {"치킨a피자", "+치킨 +a* +피자"},
    {"\"야식\" -(라면)~ @2", "+야식 +라면 +2*"},
};

static void boolean_query_requires_every_word(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BOOL_CASES / sizeof BOOL_CASES[0]; i++) {
        struct search_query q;
        parse_ok(BOOL_CASES[i].input, &q);
        char out[512];
        assert_true(search_query_boolean(&q, NULL, out, sizeof out));
        if (strcmp(out, BOOL_CASES[i].want) != 0)
            fail_msg("\"%s\" -> \"%s\", want \"%s\"", BOOL_CASES[i].input, out, BOOL_CASES[i].want);
    }
}

struct mask_case {
    const char *input;
    uint64_t masks[3];
    const char *want; /* NULL: must fail */
};

static const struct mask_case MASK_CASES[] = {
    {"맛있었다", {0x7}, "+\"맛있 있었 었다\""},
    {"맛있었다", {0x5}, "+맛있 +었다"},
    {"맛있었다", {0x3}, "+\"맛있 있었\""},
    {"맛있었다", {0x6}, "+\"있었 었다\""},
    {"맛있었다", {0x2}, "+있었"},
    {"맛있었다", {0x0}, NULL},
    {"맛있었다", {0x8}, NULL}, /* bits past the word's tokens choose nothing */
    {"야식", {~(uint64_t)0}, "+야식"},
    {"2인분", {0x2}, "+인분"},
    {"2인분", {0x1}, "+2*"},
    {"치킨 떡볶이", {0x1, 0x2}, "+치킨 +볶이"},
    {"치킨 떡볶이", {0x1, 0x0}, NULL},
    {"치킨 떡볶이 bbq", {0x1, 0x3, 0x1}, "+치킨 +\"떡볶 볶이\" +bbq*"},
    {"맛있 있는", {0x1, 0x1}, "+맛있 +있는"}, /* two words never form one phrase */
};

static void masks_choose_tokens_and_phrases_join_only_chosen_neighbours(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof MASK_CASES / sizeof MASK_CASES[0]; i++) {
        const struct mask_case *c = &MASK_CASES[i];
        struct search_query q;
        parse_ok(c->input, &q);
        char out[512];
        memset(out, 'X', sizeof out);
        bool ok = search_query_boolean(&q, c->masks, out, sizeof out);
        if (!c->want) {
            if (ok)
                fail_msg("\"%s\" mask %#llx: built \"%s\", want failure", c->input,
                         (unsigned long long)c->masks[0], out);
            assert_int_equal(out[0], '\0');
            continue;
        }
        if (!ok || strcmp(out, c->want) != 0)
            fail_msg("\"%s\" mask %#llx: \"%s\", want \"%s\"", c->input,
                     (unsigned long long)c->masks[0], ok ? out : "(failed)", c->want);
    }
}

static void boolean_query_never_writes_past_a_short_buffer(void **state)
{
    (void)state;
    struct search_query q;
    parse_ok("떡볶이 2인분 bbq 맛있었다", &q);
    char full[512];
    assert_true(search_query_boolean(&q, NULL, full, sizeof full));
    size_t need = strlen(full) + 1;
    for (size_t outlen = 0; outlen < need; outlen++) {
        char buf[600];
        memset(buf, 0x5A, sizeof buf);
        assert_false(search_query_boolean(&q, NULL, buf, outlen));
        for (size_t k = outlen; k < sizeof buf; k++)
            if (buf[k] != 0x5A)
                fail_msg("outlen %zu: byte %zu written", outlen, k);
        if (outlen > 0)
            assert_int_equal(buf[0], '\0');
    }
    char exact[512];
    assert_true(search_query_boolean(&q, NULL, exact, need));
    assert_string_equal(exact, full);
}

/* The planner MATCHes one word only: search_word_boolean is that word's part of the query. */
static void word_boolean_is_the_one_word_query(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof MASK_CASES / sizeof MASK_CASES[0]; i++) {
        const struct mask_case *c = &MASK_CASES[i];
        struct search_query q;
        parse_ok(c->input, &q);
        for (size_t w = 0; w < q.nwords; w++) {
            struct search_query one;
            one.nwords = 1;
            one.words[0] = q.words[w];
            char want[512], out[512];
            bool want_ok = search_query_boolean(&one, &c->masks[w], want, sizeof want);
            memset(out, 'X', sizeof out);
            bool ok = search_word_boolean(&q.words[w], c->masks[w], out, sizeof out);
            if (ok != want_ok || (ok && strcmp(out, want) != 0))
                fail_msg("\"%s\" word %zu mask %#llx: \"%s\", want \"%s\"", c->input, w,
                         (unsigned long long)c->masks[w], ok ? out : "(failed)",
                         want_ok ? want : "(failed)");
            if (!ok)
                assert_int_equal(out[0], '\0');
        }
    }
    struct search_query q;
    parse_ok("마라샹궈 치킨", &q);
    char out[64];
    /* the rarest token of the rarest word alone: the other word is verified by LIKE */
    assert_true(search_word_boolean(&q.words[0], 0x2, out, sizeof out));
    assert_string_equal(out, "+라샹");
    assert_true(search_word_boolean(&q.words[1], 0x1, out, sizeof out));
    assert_string_equal(out, "+치킨");
    assert_false(search_word_boolean(&q.words[0], 0, out, sizeof out));
    assert_false(search_word_boolean(NULL, 1, out, sizeof out));
    assert_false(search_word_boolean(&q.words[0], 0x2, out, 5)); /* "+라샹" needs 8 bytes */
    assert_int_equal(out[0], '\0');
    assert_false(search_word_boolean(&q.words[0], 0x2, out, 0));
}

/* ---- planner ---- */

struct plan_case {
    const char *what;
    uint64_t df[4];
    size_t nwords;
    uint64_t nposts, need;
    enum search_plan_kind kind;
    bool match[4];   /* FULLTEXT: words MATCHed */
    uint64_t window; /* SCAN */
};

/* Figures of the 1,000,000-post benchmark (df of each word's rarest token). */
static const struct plan_case PLAN_CASES[] = {
    {"rare word", {10}, 1, 1000000, 11, SEARCH_PLAN_FULLTEXT, {true}, 0},
    {"absent token", {0}, 1, 1000000, 11, SEARCH_PLAN_NONE, {false}, 0},
    {"absent second word", {349317, 0}, 2, 1000000, 11, SEARCH_PLAN_NONE, {false}, 0},
    {"1 % word: scan of the newest 10,000 (the minimum)",
     {9992},
     1,
     1000000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     10000},
    {"under the threshold (0.5 * sqrt(1e6 * 11) = 1658)",
     {1600},
     1,
     1000000,
     11,
     SEARCH_PLAN_FULLTEXT,
     {true},
     0},
    {"over the threshold: window 4 * 11 * 1e6 / 1700 = 25,882, rounded up",
     {1700},
     1,
     1000000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     30000},
    {"page 10 of a 1 % word: 4 * 101 * 1e6 / 9992 rows, capped at 30,000",
     {9992},
     1,
     1000000,
     101,
     SEARCH_PLAN_SCAN,
     {false},
     30000},
    {"page 100 of a 1 % word: the threshold grows (0.5 * sqrt(1e6 * 1001) = 15819)",
     {9992},
     1,
     1000000,
     1001,
     SEARCH_PLAN_FULLTEXT,
     {true},
     0},
    {"common word", {349317}, 1, 1000000, 11, SEARCH_PLAN_SCAN, {false}, 10000},
    {"rare + common: MATCH only the rare word",
     {10, 349317},
     2,
     1000000,
     11,
     SEARCH_PLAN_FULLTEXT,
     {true, false},
     0},
    {"common + rare: the rarest is the second",
     {349317, 10},
     2,
     1000000,
     11,
     SEARCH_PLAN_FULLTEXT,
     {false, true},
     0},
    {"medium + medium: their lists intersect to ~200 posts",
     {9992, 19966},
     2,
     1000000,
     11,
     SEARCH_PLAN_FULLTEXT,
     {true, true},
     0},
    {"medium + medium + common: the common list is not read",
     {9992, 19966, 349317},
     3,
     1000000,
     11,
     SEARCH_PLAN_FULLTEXT,
     {true, true, false},
     0},
    {"common + 3 %: the intersection (~10,000) is too big",
     {349317, 29923},
     2,
     1000000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     10000},
    {"common + 5 % that never meet: budget of 10,000 rows",
     {349317, 32711},
     2,
     1000000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     10000},
    {"two words that would need more than the budget",
     {9992, 60000},
     2,
     1000000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     30000},
    {"small table: FULLTEXT up to 500 hits", {500}, 1, 1000, 11, SEARCH_PLAN_FULLTEXT, {true}, 0},
    {"small table, common word: the window covers it",
     {900},
     1,
     1000,
     11,
     SEARCH_PLAN_SCAN,
     {false},
     10000},
    {"empty table", {3}, 1, 0, 11, SEARCH_PLAN_FULLTEXT, {true}, 0},
    {"page 10,000 of a common word: FULLTEXT never reads more than 30,000 hits",
     {349317},
     1,
     1000000,
     100001,
     SEARCH_PLAN_SCAN,
     {false},
     30000},
    {"page 10,000 of a 3 % word: FULLTEXT (29,923 hits)",
     {29923},
     1,
     1000000,
     100001,
     SEARCH_PLAN_FULLTEXT,
     {true},
     0},
};

static void planner_chooses_by_frequency_table_size_and_page(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof PLAN_CASES / sizeof PLAN_CASES[0]; i++) {
        const struct plan_case *c = &PLAN_CASES[i];
        struct search_plan_choice ch;
        memset(&ch, 0x5A, sizeof ch);
        search_plan_choose(c->df, c->nwords, c->nposts, c->need, &ch);
        if (ch.kind != c->kind)
            fail_msg("%s: plan %d, want %d", c->what, ch.kind, c->kind);
        for (size_t w = 0; w < c->nwords; w++)
            if (c->kind == SEARCH_PLAN_FULLTEXT && ch.match[w] != c->match[w])
                fail_msg("%s: word %zu matched %d, want %d", c->what, w, ch.match[w], c->match[w]);
        if (c->kind == SEARCH_PLAN_SCAN && ch.window != c->window)
            fail_msg("%s: window %llu, want %llu", c->what, (unsigned long long)ch.window,
                     (unsigned long long)c->window);
        if (c->kind != SEARCH_PLAN_SCAN && ch.window != 0)
            fail_msg("%s: window %llu without a scan", c->what, (unsigned long long)ch.window);
    }
}

static void planner_never_exceeds_its_budgets(void **state)
{
    (void)state;
    /* Whatever the frequencies: a scan reads at most SEARCH_SCAN_MAX_ROWS posts, and FULLTEXT
     * reads the rows of at most ft_max candidates (one word) or of an intersection expected
     * at half of it. */
    uint32_t seed = 12345;
    for (int i = 0; i < 20000; i++) {
        uint64_t df[SEARCH_MAX_WORDS];
        seed = seed * 1103515245u + 12345u;
        size_t nwords = 1 + (seed >> 16) % SEARCH_MAX_WORDS;
        seed = seed * 1103515245u + 12345u;
        uint64_t nposts = (seed >> 8) % 3000000;
        for (size_t w = 0; w < nwords; w++) {
            seed = seed * 1103515245u + 12345u;
            df[w] = nposts ? 1 + (seed >> 4) % nposts : 1;
        }
        seed = seed * 1103515245u + 12345u;
        uint64_t need = 1 + (seed >> 8) % 5000;
        struct search_plan_choice ch;
        search_plan_choose(df, nwords, nposts, need, &ch);
        assert_true(ch.rarest < nwords);
        for (size_t w = 0; w < nwords; w++)
            assert_true(df[ch.rarest] <= df[w]);
        if (ch.kind == SEARCH_PLAN_SCAN) {
            assert_true(ch.window >= SEARCH_SCAN_MIN_ROWS && ch.window <= SEARCH_SCAN_MAX_ROWS);
            assert_int_equal(ch.window % SEARCH_SCAN_STEP, 0);
            assert_true(ch.estimate > ch.ft_max);
        } else {
            assert_int_equal(ch.kind, SEARCH_PLAN_FULLTEXT);
            assert_true(ch.match[ch.rarest]);
            size_t n = 0;
            for (size_t w = 0; w < nwords; w++) {
                n += ch.match[w];
                if (ch.match[w] && w != ch.rarest)
                    assert_true(df[w] <= SEARCH_FT_LIST_MAX);
            }
            if (n == 1)
                assert_true(ch.estimate <= ch.ft_max);
            assert_true(ch.ft_max <= SEARCH_FT_MAX_HITS);
        }
    }
}

static void anchored_and_caseless_words(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        bool anchored, caseless;
    } cases[] = {
        {"bbq", true, false},      {"2인분", true, true}, {"치킨", false, true},
        {"밥", false, true},       {"ㅋㅋ", false, true}, {"東京", false, true},
        {"カレー", false, true},   {"café", true, false}, {"борщ", true, false},
        {"치킨bbq", false, false}, {"2024", true, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct search_query q;
        parse_ok(cases[i].word, &q);
        assert_int_equal(q.nwords, 1);
        if (search_word_anchored(&q.words[0]) != cases[i].anchored ||
            search_word_caseless(&q.words[0]) != cases[i].caseless)
            fail_msg("\"%s\": anchored %d caseless %d", cases[i].word,
                     search_word_anchored(&q.words[0]), search_word_caseless(&q.words[0]));
    }
    assert_false(search_word_anchored(NULL));
    assert_false(search_word_caseless(NULL));

    /* FULLTEXT plans MATCH anchored words too; scans are left alone. */
    uint64_t df[2] = {10, 349317};
    bool anchored[2] = {false, true};
    struct search_plan_choice ch;
    search_plan_choose(df, 2, 1000000, 11, &ch);
    assert_int_equal(ch.kind, SEARCH_PLAN_FULLTEXT);
    assert_false(ch.match[1]);
    search_plan_anchor(anchored, 2, &ch);
    assert_true(ch.match[0] && ch.match[1]);
    uint64_t common[1] = {349317};
    search_plan_choose(common, 1, 1000000, 11, &ch);
    search_plan_anchor(anchored + 1, 1, &ch);
    assert_int_equal(ch.kind, SEARCH_PLAN_SCAN);
    assert_false(ch.match[0]);
}

static void boolean_query_of_nothing_fails(void **state)
{
    (void)state;
    struct search_query q;
    q.nwords = 0;
    char out[64];
    assert_false(search_query_boolean(&q, NULL, out, sizeof out));
    assert_false(search_query_boolean(NULL, NULL, out, sizeof out));
}

/* Token characters: what InnoDB's parser keeps inside one word. */
static bool is_token_cp(ucs4_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '_';
    return uc_is_general_category_withtable(c, UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_Mn |
                                                   UC_CATEGORY_MASK_Mc | UC_CATEGORY_MASK_Nd |
                                                   UC_CATEGORY_MASK_Nl);
}

/* Reads one token at s[*i]; false when there is none. */
static bool read_token(const char *s, size_t n, size_t *i)
{
    size_t start = *i;
    while (*i < n) {
        ucs4_t c;
        int len = u8_mbtouc(&c, (const uint8_t *)s + *i, n - *i);
        if (!is_token_cp(c))
            break;
        *i += (size_t)len;
    }
    return *i > start;
}

/*
 * The boolean string is "+T", "+T*" or "+\"T T ...\"" terms separated by single spaces, with
 * T made of token characters only: nothing else can reach AGAINST().
 */
static void assert_safe_boolean(const char *s, const char *input)
{
    size_t n = strlen(s), i = 0;
    if (!utf8_valid(s, n))
        fail_msg("not UTF-8 for input \"%s\"", input);
    if (n == 0)
        fail_msg("empty boolean for input \"%s\"", input);
    while (i < n) {
        if (s[i++] != '+')
            goto bad;
        if (s[i] == '"') {
            i++;
            size_t count = 0;
            for (;;) {
                if (!read_token(s, n, &i))
                    goto bad;
                count++;
                if (s[i] == '"')
                    break;
                if (s[i++] != ' ')
                    goto bad;
            }
            i++;
            if (count < 2)
                goto bad;
        } else {
            if (!read_token(s, n, &i))
                goto bad;
            if (s[i] == '*')
                i++;
        }
        if (i == n)
            return;
        if (s[i++] != ' ' || i == n)
            goto bad;
    }
bad:
    fail_msg("unsafe boolean \"%s\" (at %zu) for input \"%s\"", s, i, input);
}

static void check_random_input(const char *in, size_t n, uint64_t *seed, size_t *n_ok)
{
    struct search_query q;
    const char *msg = NULL;
    enum status st = search_query_parse(in, n, &q, &msg);
    if (st != STATUS_OK) {
        assert_int_equal(st, STATUS_BAD_REQUEST);
        assert_non_null(msg);
        return;
    }
    (*n_ok)++;
    assert_true(q.nwords >= 1 && q.nwords <= SEARCH_MAX_WORDS);
    char out[8192];
    if (!search_query_boolean(&q, NULL, out, sizeof out))
        fail_msg("boolean failed for \"%.*s\"", (int)n, in);
    assert_safe_boolean(out, in);
    /* any non-empty choice of tokens per word is just as safe */
    uint64_t masks[SEARCH_MAX_WORDS];
    for (size_t w = 0; w < q.nwords; w++) {
        uint64_t all = ((uint64_t)1 << q.words[w].ntokens) - 1;
        masks[w] = rnd(seed) & all;
        if (!masks[w])
            masks[w] = (uint64_t)1 << rnd_below(seed, q.words[w].ntokens);
    }
    if (!search_query_boolean(&q, masks, out, sizeof out))
        fail_msg("masked boolean failed for \"%.*s\"", (int)n, in);
    assert_safe_boolean(out, in);
}

static void random_bytes_and_operator_soups_build_only_safe_queries(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    size_t n_ok = 0;
    for (int i = 0; i < 10000; i++) {
        char in[64];
        /* half raw bytes; half mostly printable ASCII, so that some inputs parse */
        bool raw = i % 2 == 0;
        size_t n = rnd_below(&seed, raw ? sizeof in : 24);
        for (size_t k = 0; k < n; k++) {
            uint64_t r = rnd(&seed);
            in[k] = (char)(raw || r % 8 == 0 ? r / 8 % 256 : 0x20 + r / 8 % 0x5F);
        }
        check_random_input(in, n, &seed, &n_ok);
    }
    fprintf(stderr, "random bytes: %zu of 10000 parsed\n", n_ok);
    assert_true(n_ok > 1000);

    static const char *const PIECES[] = {
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
        "%",
        " ",
        " ",
        "야식",
        "밥",
        "bbq",
        "C++",
        "2인분",
        "ㅋ",
        "😀",
        "_",
        "'",
        "\\",
        "\xff",
        "e\xcc\x81",
        "東",
        "ǅ",
        "ж",
        "①",
        "\t",
        "\n",
        "맛있는",
        "\xe1\x84\x80",
        "\xea\xa5\xa0",
        "𠀀",
        "ก",
        "a",
        "Z",
        "9",
        "\"",
        "@8",
        "**",
        "-+",
        "~(",
        "가a나",
    };
    n_ok = 0;
    for (int i = 0; i < 10000; i++) {
        char in[256];
        size_t n = 0;
        size_t pieces = rnd_below(&seed, 24);
        for (size_t k = 0; k < pieces; k++) {
            const char *p = PIECES[rnd_below(&seed, sizeof PIECES / sizeof PIECES[0])];
            size_t len = strlen(p);
            if (n + len >= sizeof in)
                break;
            memcpy(in + n, p, len);
            n += len;
        }
        check_random_input(in, n, &seed, &n_ok);
    }
    fprintf(stderr, "operator soups: %zu of 10000 parsed\n", n_ok);
    assert_true(n_ok > 1000);
}

/* ---- LIKE --------------------------------------------------------------------------------- */

static void like_pattern_wraps_and_escapes(void **state)
{
    (void)state;
    struct search_query q;
    parse_ok("야식", &q);
    char out[64];
    assert_true(search_like_pattern(&q.words[0], out, sizeof out));
    assert_string_equal(out, "%야식%");

    struct search_word w;
    memset(&w, 0, sizeof w);
    snprintf(w.text, sizeof w.text, "%s", "a%b_c\\d");
    assert_true(search_like_pattern(&w, out, sizeof out));
    assert_string_equal(out, "%a\\%b\\_c\\\\d%");

    /* exactly enough room, then one byte short */
    size_t need = strlen("%a\\%b\\_c\\\\d%") + 1;
    char small[64];
    memset(small, 0x5A, sizeof small);
    assert_true(search_like_pattern(&w, small, need));
    memset(small, 0x5A, sizeof small);
    assert_false(search_like_pattern(&w, small, need - 1));
    for (size_t k = need - 1; k < sizeof small; k++)
        assert_int_equal(small[k], 0x5A);
    assert_false(search_like_pattern(&w, small, 0));
}

/* ---- verification ------------------------------------------------------------------------- */

struct match_case {
    const char *query;
    const char *text;
    bool want;
};

static const struct match_case MATCH_CASES[] = {
    {"야식", "오늘 야식을 먹었다", true},
    {"야식", "야식이 최고", true},
    {"야식", "야식으로 치킨", true},
    {"치킨", "후라이드치킨 먹음", true},
    {"맛있", "정말 맛있었다", true},
    {"맛있", "맛있는 라면", true},
    {"밥", "밥을 먹었다", true},
    {"밥", "김치볶음밥", true},
    {"치킨 bbq", "BBQ 치킨", true},
    {"치킨 bbq", "bbq치킨", true},
    {"치킨 bbq", "치킨만 먹었다", false},
    {"HELLO", "hello world", true},
    {"hello", "Say HeLLo", true},
    {"2인분", "떡볶이 2인분 주문", true},
    {"2인분", "떡볶이 2 인분", false},
    {"식으", "야식 으로", false},
    {"식으", "야식으로", true},
    {"치킨 피자", "치킨만", false},
    {"야식-라면", "야식 후 라면", true},
    {"CAFÉ", "Café latte", true},
    {"café", "CAFE\xcc\x81", true},
    {"\xe1\x84\x86\xe1\x85\xa1\xe1\x86\xba", "맛집 탐방", true}, /* NFD 맛 */
    {"맛", "\xe1\x84\x86\xe1\x85\xa1\xe1\x86\xba\xe1\x84\x8c\xe1\x85\xb5\xe1\x86\xb8", true},
    {"각", "가\xe1\x86\xa8", true}, /* 가 + final jamo composes to 각 */
    {"가", "각", false},
    {"ㅋㅋ", "재밌다ㅋㅋㅋ", true},
    /* a word led by a latin letter or digit starts a latin run, as in FULLTEXT (bbq*) */
    {"bbq", "mybbq", false},
    {"bbq", "my bbq", true},
    {"bbq", "치킨bbq", true},
    {"bbq", "mybbq bbqs", true},
    {"15", "iPhone15", false},
    {"2인분", "12인분", false},
    {"인분", "12인분", true},
    {"치킨bbq", "후라이드치킨bbq", true},
};

static void text_matches_every_word_as_a_substring(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof MATCH_CASES / sizeof MATCH_CASES[0]; i++) {
        const struct match_case *c = &MATCH_CASES[i];
        struct search_query q;
        parse_ok(c->query, &q);
        bool got = search_text_matches(&q, c->text, strlen(c->text));
        if (got != c->want)
            fail_msg("\"%s\" in \"%s\": %d, want %d", c->query, c->text, got, c->want);
    }
}

static void text_matches_rejects_invalid_text_and_empty_queries(void **state)
{
    (void)state;
    struct search_query q;
    parse_ok("야식", &q);
    assert_false(search_text_matches(&q, "야식\xff", strlen("야식\xff")));
    /* a long text goes through the heap path */
    char *big = repeat("가나다라 ", 2000);
    assert_false(search_text_matches(&q, big, strlen(big)));
    size_t n = strlen(big);
    memcpy(big + n - 7, "야식", 6);
    assert_true(search_text_matches(&q, big, n));
    free(big);
    struct search_query empty;
    empty.nwords = 0;
    assert_false(search_text_matches(&empty, "야식", strlen("야식")));
}

/* ---- highlight ---------------------------------------------------------------------------- */

static char *highlight(const char *query, const char *text, size_t max_chars)
{
    struct search_query q;
    parse_ok(query, &q);
    struct strbuf sb;
    strbuf_init(&sb, 1 << 20);
    if (!search_highlight(&q, text, strlen(text), max_chars, &sb))
        fail_msg("highlight failed: \"%s\" in \"%s\"", query, text);
    char *r = strbuf_steal(&sb);
    return r ? r : calloc(1, 1);
}

struct hl_case {
    const char *what;
    const char *query;
    const char *text;
    size_t max_chars;
    const char *want;
};

static const struct hl_case HL_CASES[] = {
    {"html is escaped", "치킨", "<script>alert('치킨')</script> & \"x\"", 200,
     "&lt;script&gt;alert(&#39;<em>치킨</em>&#39;)&lt;/script&gt; &amp; &quot;x&quot;"},
    {"every occurrence", "치킨", "치킨 먹고 또 치킨", 200, "<em>치킨</em> 먹고 또 <em>치킨</em>"},
    {"every word", "치킨 맥주", "치킨에 맥주", 200, "<em>치킨</em>에 <em>맥주</em>"},
    {"overlapping words merge", "맛있 있는", "정말 맛있는 치킨", 200, "정말 <em>맛있는</em> 치킨"},
    {"overlap of unequal words", "볶음밥 밥을", "볶음밥을 먹었다", 200, "<em>볶음밥을</em> 먹었다"},
    {"original case is kept", "bbq", "BBQ치킨 bbq", 200, "<em>BBQ</em>치킨 <em>bbq</em>"},
    {"latin words from the start of a run", "bbq", "mybbq bbqs", 200, "mybbq <em>bbq</em>s"},
    {"no occurrence, short text", "피자", "치킨 & 맥주", 200, "치킨 &amp; 맥주"},
    {"no occurrence, long text: the beginning", "피자", "가나다라마바사아자차카타파하", 5,
     "가나다라…"},
    {"text of exactly max_chars is not cut", "치킨", "가나치킨다라", 6, "가나<em>치킨</em>다라"},
    {"centred on the first occurrence", "치킨", "😀😀😀😀😀😀😀😀😀😀치킨가가가가가가가가가가", 8,
     "…😀😀<em>치킨</em>가가…"},
    {"occurrence near the end", "치킨", "가나다라마바사아자차 치킨", 6, "…자차 <em>치킨</em>"},
    {"occurrence at the start", "치킨", "치킨가나다라마바사아자차카타", 6, "<em>치킨</em>가나다…"},
    {"max_chars smaller than the word", "맛있었다", "오늘 먹은 치킨은 맛있었다 정말로", 3,
     "…<em>맛</em>…"},
    {"max_chars 2 at the start", "오늘", "오늘 먹은 치킨은 맛있었다", 2, "<em>오</em>…"},
    {"max_chars 1", "치킨", "오늘 먹은 치킨", 1, "…"},
    {"max_chars 0", "치킨", "치킨", 0, ""},
    {"NFD text is shown composed", "맛있",
     "\xe1\x84\x86\xe1\x85\xa1\xe1\x86\xba\xe1\x84\x8b\xe1\x85\xb5\xe1\x86\xbb\xe1\x84\x82\xe1"
     "\x85\xb3\xe1\x86\xab 치킨",
     200, "<em>맛있</em>는 치킨"},
    {"first occurrence of any word centres", "맥주 치킨", "가나다라마바사 치킨 아자차카타파하 맥주",
     7, "… <em>치킨</em> 아…"},
    {"empty text", "치킨", "", 10, ""},
};

static void highlight_escapes_marks_and_cuts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof HL_CASES / sizeof HL_CASES[0]; i++) {
        const struct hl_case *c = &HL_CASES[i];
        char *got = highlight(c->query, c->text, c->max_chars);
        if (strcmp(got, c->want) != 0)
            fail_msg("%s: \"%s\", want \"%s\"", c->what, got, c->want);
        free(got);
    }
}

/* Characters a reader sees: tags removed, each entity one character. */
static size_t visible_chars(const char *s, int *em_open, int *em_close)
{
    size_t count = 0;
    int depth = 0;
    *em_open = *em_close = 0;
    while (*s) {
        if (strncmp(s, "<em>", 4) == 0) {
            assert_int_equal(depth, 0); /* never nested */
            depth++;
            (*em_open)++;
            s += 4;
        } else if (strncmp(s, "</em>", 5) == 0) {
            assert_int_equal(depth, 1);
            depth--;
            (*em_close)++;
            s += 5;
        } else if (*s == '&') {
            const char *semi = strchr(s, ';');
            assert_non_null(semi);
            count++;
            s = semi + 1;
        } else {
            assert_true(*s != '<' && *s != '>' && *s != '"' && *s != '\'');
            if (((unsigned char)*s & 0xC0) != 0x80)
                count++;
            s++;
        }
    }
    assert_int_equal(depth, 0);
    return count;
}

static void highlight_snippets_respect_max_chars_on_character_boundaries(void **state)
{
    (void)state;
    static const char *const TEXTS[] = {
        "😀🍗😀🍗😀🍗😀🍗😀🍗 오늘 야식으로 먹은 치킨은 맛있었다 🍺🍺🍺🍺🍺🍺 치킨 & <b>",
        "치킨😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
        "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀맛있었다",
        "가나다라마바사아자차카타파하😀치킨😀가나다라마바사아자차카타파하",
    };
    static const char *const QUERIES[] = {"치킨", "맛있었다", "야식 치킨", "없는말"};
    for (size_t t = 0; t < sizeof TEXTS / sizeof TEXTS[0]; t++) {
        size_t total = utf8_count(TEXTS[t], strlen(TEXTS[t]));
        for (size_t qi = 0; qi < sizeof QUERIES / sizeof QUERIES[0]; qi++) {
            struct search_query q;
            parse_ok(QUERIES[qi], &q);
            bool any = false;
            for (size_t w = 0; w < q.nwords; w++) {
                struct search_query one = q;
                one.nwords = 1;
                one.words[0] = q.words[w];
                any = any || search_text_matches(&one, TEXTS[t], strlen(TEXTS[t]));
            }
            for (size_t max = 0; max <= total + 2; max++) {
                char *got = highlight(QUERIES[qi], TEXTS[t], max);
                if (!utf8_valid(got, strlen(got)))
                    fail_msg("text %zu query %zu max %zu: invalid UTF-8", t, qi, max);
                int open, close;
                size_t vis = visible_chars(got, &open, &close);
                if (vis > max)
                    fail_msg("text %zu query %zu max %zu: %zu characters: %s", t, qi, max, vis,
                             got);
                assert_int_equal(open, close);
                /* with room for a character between two cut marks, a word is shown */
                if (any && max >= 3 && open == 0)
                    fail_msg("text %zu query %zu max %zu: no <em>: %s", t, qi, max, got);
                if (!any)
                    assert_int_equal(open, 0);
                if (max >= total && strstr(got, "…"))
                    fail_msg("text %zu max %zu: cut although it fits: %s", t, max, got);
                free(got);
            }
        }
    }
}

static void highlight_rejects_invalid_utf8_and_leaves_the_buffer_alone(void **state)
{
    (void)state;
    struct search_query q;
    parse_ok("치킨", &q);
    struct strbuf sb;
    strbuf_init(&sb, 1024);
    assert_true(strbuf_puts(&sb, "keep"));
    assert_false(search_highlight(&q, "치킨\xff", strlen("치킨\xff"), 10, &sb));
    assert_string_equal(sb.data, "keep");
    strbuf_free(&sb);

    /* a full buffer fails whole, too */
    strbuf_init(&sb, 12);
    assert_true(strbuf_puts(&sb, "keep"));
    assert_false(search_highlight(&q, "오늘 치킨 먹었다", strlen("오늘 치킨 먹었다"), 50, &sb));
    assert_string_equal(sb.data, "keep");
    strbuf_free(&sb);
}

/* ---- round trip: the FULLTEXT stage never loses a true match ------------------------------ */

static const char *const VOCAB[] = {
    "야식",     "치킨",    "후라이드치킨", "떡볶이", "볶음밥", "밥",    "라면",
    "맛있었다", "맛있는",  "먹었다",       "먹은",   "오늘",   "친구",  "김치찌개",
    "삼겹살",   "커피",    "빵",           "ㅋㅋ",   "ㅠㅠ",   "BBQ",   "bbq",
    "Pizza",    "coffee",  "iPhone15",     "OK",     "a",      "2인분", "3개",
    "bbq치킨",  "치킨bbq", "1인분",        "東京",   "Café",
};
static const char *const PARTICLES[] = {"",   "",   "",   "을",   "를",   "이", "가",  "은",
                                        "는", "도", "만", "으로", "에서", "과", "이랑"};
static const char *const SEPARATORS[] = {" ",   " ", " ",  ", ", ". ", "! ", "\n", "😀",
                                         " ~ ", "(", ") ", "-",  "_",  "\"", "+"};

static bool is_hangulish(ucs4_t c)
{
    return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x3131 && c <= 0x318E) ||
           (c >= 0x4E00 && c <= 0x9FFF);
}

static bool is_latinish(ucs4_t c)
{
    return (c < 0x80 &&
            ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ||
           c == 0xE9 || c == 0xC9;
}

/* Index tokens as an array of pointers into `toks` (modified). */
static size_t split_tokens(char *toks, char **out, size_t max)
{
    size_t n = 0;
    for (char *p = toks; *p && n < max;) {
        out[n++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    return n;
}

static bool token_present(char **toks, size_t n, const struct search_token *t)
{
    size_t len = strlen(t->text);
    for (size_t i = 0; i < n; i++)
        if (t->prefix ? strncmp(toks[i], t->text, len) == 0 : strcmp(toks[i], t->text) == 0)
            return true;
    return false;
}

/* Tokens a..b of the word (whole bigrams) appear consecutively: the phrase matches. */
static bool phrase_present(char **toks, size_t n, const struct search_word *w, size_t a, size_t b)
{
    for (size_t i = 0; i + (b - a) < n; i++) {
        size_t k = a;
        while (k <= b && strcmp(toks[i + k - a], w->tokens[k].text) == 0)
            k++;
        if (k > b)
            return true;
    }
    return false;
}

static void check_round_trip(const char *text, const char *query, char **toks, size_t ntoks,
                             size_t *n_matched)
{
    struct search_query q;
    parse_ok(query, &q);
    if (!search_text_matches(&q, text, strlen(text)))
        return;
    (*n_matched)++;
    for (size_t wi = 0; wi < q.nwords; wi++) {
        const struct search_word *w = &q.words[wi];
        for (size_t k = 0; k < w->ntokens; k++) {
            if (!token_present(toks, ntoks, &w->tokens[k]))
                fail_msg("\"%s\" matches \"%s\" but token %s%s is not indexed", query, text,
                         w->tokens[k].text, w->tokens[k].prefix ? "*" : "");
            size_t e = k;
            while (w->phrase_next[e] && e + 1 < w->ntokens)
                e++;
            if (e > k && !phrase_present(toks, ntoks, w, k, e))
                fail_msg("\"%s\" matches \"%s\" but its phrase is not indexed", query, text);
        }
    }
}

static void fulltext_tokens_never_lose_a_verified_match(void **state)
{
    (void)state;
    uint64_t seed = 0xC0FFEE1234567ULL;
    size_t n_matched = 0, n_sub = 0;
    for (int iter = 0; iter < 2000; iter++) {
        char text[1024];
        size_t n = 0;
        size_t items = 1 + rnd_below(&seed, 12);
        for (size_t k = 0; k < items; k++) {
            char item[128];
            const char *word = VOCAB[rnd_below(&seed, sizeof VOCAB / sizeof VOCAB[0])];
            const char *part = PARTICLES[rnd_below(&seed, sizeof PARTICLES / sizeof PARTICLES[0])];
            const char *sep =
                SEPARATORS[rnd_below(&seed, sizeof SEPARATORS / sizeof SEPARATORS[0])];
            snprintf(item, sizeof item, "%s%s%s", word, part, sep);
            size_t len = strlen(item);
            if (n + len >= sizeof text)
                break;
            memcpy(text + n, item, len);
            n += len;
        }
        text[n] = '\0';

        char *toks_s = tokens_of(text, n);
        char *toks[1024];
        size_t ntoks = split_tokens(toks_s, toks, 1024);

        /* vocabulary words, alone and in pairs */
        for (int k = 0; k < 3; k++) {
            char query[256];
            snprintf(query, sizeof query, "%s %s",
                     VOCAB[rnd_below(&seed, sizeof VOCAB / sizeof VOCAB[0])],
                     k ? VOCAB[rnd_below(&seed, sizeof VOCAB / sizeof VOCAB[0])] : "");
            check_round_trip(text, query, toks, ntoks, &n_matched);
        }

        /* substrings of the text that a user could type; one that starts inside a latin run
         * is no match (latin words match from the start of a run), any other must match */
        ucs4_t cps[1024];
        size_t off[1025];
        size_t ncp = 0;
        for (size_t i = 0; i < n;) {
            off[ncp] = i;
            i += (size_t)u8_mbtouc(&cps[ncp], (const uint8_t *)text + i, n - i);
            ncp++;
        }
        off[ncp] = n;
        for (int k = 0; k < 4 && ncp > 0; k++) {
            size_t s = rnd_below(&seed, ncp);
            if (!is_hangulish(cps[s]) && !is_latinish(cps[s]))
                continue;
            bool run_start = is_hangulish(cps[s]) || s == 0 || !is_latinish(cps[s - 1]);
            size_t e = s + 1, want = 1 + rnd_below(&seed, 6);
            while (e < ncp && e - s < want && (is_hangulish(cps[e]) || is_latinish(cps[e])))
                e++;
            char query[128];
            snprintf(query, sizeof query, "%.*s", (int)(off[e] - off[s]), text + off[s]);
            size_t before = n_matched;
            check_round_trip(text, query, toks, ntoks, &n_matched);
            if (run_start && n_matched == before)
                fail_msg("substring \"%s\" of \"%s\" was not verified", query, text);
            n_sub++;
        }
        free(toks_s);
    }
    /* the property must have been exercised, not vacuously true */
    assert_true(n_matched > 3000);
    assert_true(n_sub > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_tokens_follow_the_scheme),
        cmocka_unit_test(index_tokens_of_nfd_and_nfc_input_are_equal),
        cmocka_unit_test(long_latin_runs_are_cut_to_84_characters),
        cmocka_unit_test(index_tokens_reject_invalid_utf8_and_leave_the_buffer_alone),
        cmocka_unit_test(index_tokens_fail_whole_when_the_buffer_is_full),
        cmocka_unit_test(nfc_composes_and_rejects_invalid_utf8),
        cmocka_unit_test(query_words_and_tokens),
        cmocka_unit_test(a_word_of_40_syllables_is_accepted_with_39_bigrams),
        cmocka_unit_test(long_inputs_that_need_nfc_take_the_heap_path),
        cmocka_unit_test(parse_rejects_with_a_korean_message),
        cmocka_unit_test(boolean_query_requires_every_word),
        cmocka_unit_test(masks_choose_tokens_and_phrases_join_only_chosen_neighbours),
        cmocka_unit_test(boolean_query_never_writes_past_a_short_buffer),
        cmocka_unit_test(word_boolean_is_the_one_word_query),
        cmocka_unit_test(planner_chooses_by_frequency_table_size_and_page),
        cmocka_unit_test(planner_never_exceeds_its_budgets),
        cmocka_unit_test(anchored_and_caseless_words),
        cmocka_unit_test(boolean_query_of_nothing_fails),
        cmocka_unit_test(random_bytes_and_operator_soups_build_only_safe_queries),
        cmocka_unit_test(like_pattern_wraps_and_escapes),
        cmocka_unit_test(text_matches_every_word_as_a_substring),
        cmocka_unit_test(text_matches_rejects_invalid_text_and_empty_queries),
        cmocka_unit_test(highlight_escapes_marks_and_cuts),
        cmocka_unit_test(highlight_snippets_respect_max_chars_on_character_boundaries),
        cmocka_unit_test(highlight_rejects_invalid_utf8_and_leaves_the_buffer_alone),
        cmocka_unit_test(fulltext_tokens_never_lose_a_verified_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_emotion.c - the emotion classifier: every text rule on hand-written cases at the
 * analysis level (lexicon evidence, independent of the trained weights: particles and endings,
 * negation, intensifiers, emoticons, English, NFC, sentence splitting), then the classifier
 * with the committed model (negation flips the outcome, score invariants on empty,
 * whitespace-only, 20,000-character and invalid UTF-8 input, ties, determinism, threads) and
 * the model file checks (missing, corrupt, truncated, wrong magic).
 */
#include "eeum/emotion.h"
#include "eeum/emotion_eval.h"

#include "../../src/emotion/emotion_internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

enum { WORRY, ANGRY, HAPPY, EXCITED, SAD };

static struct emotion_model *g_model;
static struct emo_lexicon g_lx;

static void no_feature(void *ctx, uint32_t bucket)
{
    (void)bucket;
    (*(uint32_t *)ctx)++;
}

static struct emo_analysis analyze_n(const char *s, size_t n)
{
    struct emo_analysis a;
    uint32_t calls = 0;
    assert_int_equal(emo_analyze(&g_lx, s, n, 18, no_feature, &calls, &a), 0);
    assert_int_equal(calls, a.nfeatures);
    return a;
}

static struct emo_analysis analyze(const char *s)
{
    return analyze_n(s, strlen(s));
}

static struct emotion_result classify(const char *s)
{
    struct emotion_result r;
    emotion_classify(g_model, s, strlen(s), &r);
    return r;
}

static void assert_valid(const struct emotion_result *r)
{
    int32_t sum = 0;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        assert_true(r->centi[k] >= 0);
        assert_true(r->centi[k] <= 10000);
        sum += r->centi[k];
    }
    assert_int_equal(sum, 10000);
    assert_true(r->top >= 0 && r->top < EMOTION_LABELS);
    for (int k = 0; k < EMOTION_LABELS; k++) {
        if (k < r->top)
            assert_true(r->centi[k] < r->centi[r->top]);
        else
            assert_true(r->centi[k] <= r->centi[r->top]);
    }
}

static int setup(void **state)
{
    (void)state;
    char err[512];
    g_model = emotion_model_load(EEUM_DEFAULT_EMOTION_MODEL, err, sizeof err);
    if (!g_model) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return emo_lexicon_build(&g_lx);
}

static int teardown(void **state)
{
    (void)state;
    emotion_model_free(g_model);
    emo_lexicon_free(&g_lx);
    return 0;
}

/* ---- rules at the analysis level ---------------------------------------------------------- */

static void particles_and_endings_do_not_hide_a_stem(void **state)
{
    (void)state;
    const char *worry[] = {"불안",     "불안해", "불안해서",   "불안했다", "불안이",
                           "불안한데", "걱정을", "걱정했는데", "걱정이다", "시험걱정"};
    for (size_t i = 0; i < sizeof worry / sizeof worry[0]; i++) {
        struct emo_analysis a = analyze(worry[i]);
        if (!(a.lex[WORRY] > 0.0f))
            fail_msg("no worry evidence in '%s'", worry[i]);
    }
    const char *sad[] = {"슬프다", "슬퍼서", "슬펐는데", "슬픈", "슬픔이", "외로웠다", "우울해요"};
    for (size_t i = 0; i < sizeof sad / sizeof sad[0]; i++) {
        struct emo_analysis a = analyze(sad[i]);
        if (!(a.lex[SAD] > 0.0f))
            fail_msg("no sadness evidence in '%s'", sad[i]);
    }
    /* two-word entries: 기분이 좋았다 */
    assert_true(analyze("기분이 좋았다").lex[HAPPY] > analyze("기분이").lex[HAPPY]);
    /* no evidence in neutral text */
    struct emo_analysis n = analyze("오늘 점심으로 김밥을 먹었다");
    for (int k = 0; k < EMOTION_LABELS; k++)
        assert_true(n.lex[k] == 0.0f);
}

static void negation_moves_evidence_to_the_flipped_label(void **state)
{
    (void)state;
    const char *not_happy[] = {"행복하지 않다",     "행복하지않다",     "안 행복해",
                               "행복하지는 않았다", "행복한 건 아니다", "기쁘지 않았다",
                               "기쁘지 못했다"};
    for (size_t i = 0; i < sizeof not_happy / sizeof not_happy[0]; i++) {
        struct emo_analysis a = analyze(not_happy[i]);
        if (!(a.lex[HAPPY] < 0.0f && a.lex[SAD] > 0.0f))
            fail_msg("'%s' is not negated: happy %.2f sad %.2f", not_happy[i], a.lex[HAPPY],
                     a.lex[SAD]);
    }
    assert_true(analyze("행복하다").lex[HAPPY] > 0.0f);
    assert_true(analyze("재미없다").lex[HAPPY] < 0.0f); /* -없- inside the token */
    assert_true(analyze("안좋아").lex[HAPPY] < 0.0f);   /* 안 glued to the stem */
    struct emo_analysis w = analyze("걱정 없다");
    assert_true(w.lex[WORRY] < 0.0f);
    assert_true(w.lex[HAPPY] > 0.0f);
    assert_true(analyze("걱정이 없다").lex[WORRY] < 0.0f);
    assert_true(analyze("짜증 안 나").lex[ANGRY] < 0.0f);
    assert_true(analyze("짜증 난다").lex[ANGRY] > 0.0f);
    /* 안심 (relief) starts with 안 but is a stem of its own, not a negation */
    assert_true(analyze("안심이 된다").lex[HAPPY] > 0.0f);
    /* negation stays in its sentence */
    struct emo_analysis s2 = analyze("행복했다. 안 그래도 바빴다");
    assert_true(s2.lex[HAPPY] > 0.0f);
}

static void intensifiers_strengthen_the_next_stem(void **state)
{
    (void)state;
    float base = analyze("슬프다").lex[SAD];
    const char *strong[] = {"너무 슬프다", "정말 슬프다", "진짜 슬프다",
                            "완전 슬프다", "너무슬프다",  "진짜 너무 슬프다"};
    for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++)
        if (!(analyze(strong[i]).lex[SAD] > base))
            fail_msg("'%s' is not intensified", strong[i]);
    /* an intensifier alone is no evidence */
    struct emo_analysis a = analyze("너무 정말 진짜");
    assert_int_equal(a.lex_hits, 0);
}

static void emoticons_and_emoji_count(void **state)
{
    (void)state;
    assert_true(analyze("ㅠㅠ").lex[SAD] > 0.0f);
    assert_true(analyze("ㅜㅜ").lex[SAD] > 0.0f);
    assert_true(analyze("ㅠㅠㅠㅠ").lex[SAD] > analyze("ㅠ").lex[SAD]);
    assert_true(analyze("ㅋㅋ").lex[HAPPY] > 0.0f);
    assert_true(analyze("ㅎㅎ").lex[HAPPY] > 0.0f);
    assert_true(analyze("ㅋ").lex[HAPPY] == 0.0f); /* a single ㅋ is not laughter */
    assert_true(analyze("^^").lex[HAPPY] > 0.0f);
    assert_true(analyze(":)").lex[HAPPY] > 0.0f);
    assert_true(analyze(":(").lex[SAD] > 0.0f);
    assert_true(analyze("ㅡㅡ").lex[ANGRY] > 0.0f);
    assert_true(analyze("\xF0\x9F\x98\xAD").lex[SAD] > 0.0f);   /* 😭 */
    assert_true(analyze("\xF0\x9F\x98\xA1").lex[ANGRY] > 0.0f); /* 😡 */
    assert_true(analyze("좋았다ㅋㅋ").lex[HAPPY] > analyze("좋았다").lex[HAPPY]);
}

static void english_words_with_negation_and_case(void **state)
{
    (void)state;
    assert_true(analyze("I am happy").lex[HAPPY] > 0.0f);
    assert_true(analyze("SO HAPPY").lex[HAPPY] > analyze("happy").lex[HAPPY]);
    assert_true(analyze("worried about it").lex[WORRY] > 0.0f);
    assert_true(analyze("so annoying").lex[ANGRY] > 0.0f);
    assert_true(analyze("excited!!").lex[EXCITED] > 0.0f);
    assert_true(analyze("lonely and sad").lex[SAD] > 0.0f);
    struct emo_analysis n = analyze("I'm not happy");
    assert_true(n.lex[HAPPY] < 0.0f);
    assert_true(n.lex[SAD] > 0.0f);
    assert_true(analyze("don't worry").lex[WORRY] < 0.0f);
    /* full-width letters fold to ASCII */
    assert_true(analyze("\xEF\xBD\x88\xEF\xBD\x81\xEF\xBD\x90\xEF\xBD\x90\xEF\xBD\x99").lex[HAPPY] >
                0.0f); /* ｈａｐｐｙ */
}

static void decomposed_hangul_is_normalised_to_nfc(void **state)
{
    (void)state;
    /* 행복했다 in conjoining jamo (NFD) */
    const char *nfd = "\xE1\x84\x92\xE1\x85\xA2\xE1\x86\xBC" /* 행 */
                      "\xE1\x84\x87\xE1\x85\xA9\xE1\x86\xA8" /* 복 */
                      "\xE1\x84\x92\xE1\x85\xA2\xE1\x86\xBB" /* 했 */
                      "\xE1\x84\x83\xE1\x85\xA1";            /* 다 */
    struct emo_analysis a = analyze(nfd), b = analyze("행복했다");
    assert_true(a.lex[HAPPY] > 0.0f);
    assert_int_equal(a.nfeatures, b.nfeatures);
    struct emotion_result ra = classify(nfd), rb = classify("행복했다");
    assert_memory_equal(ra.centi, rb.centi, sizeof ra.centi);
}

static void sentences_split_on_punctuation_line_breaks_and_endings(void **state)
{
    (void)state;
    assert_int_equal(analyze("좋았다").sentences, 1);
    assert_int_equal(analyze("좋았다. 슬펐다").sentences, 2);
    assert_int_equal(analyze("좋았다! 슬펐다? 화났다…그리고").sentences, 4);
    assert_int_equal(analyze("좋았다\n슬펐다\r\n화났다").sentences, 3);
    assert_int_equal(analyze("좋았다 그런데 슬펐어요 정말로").sentences, 3); /* -다, -요 */
    assert_int_equal(analyze("...!!!\n\n").sentences, 0);
    assert_int_equal(analyze("").sentences, 0);
}

/* ---- the classifier with the committed model ---------------------------------------------- */

static void empty_and_whitespace_only_text_is_uniform_and_ties_to_worry(void **state)
{
    (void)state;
    const char *blank[] = {"", " ", "   \t\n  ", "\n\n\n", "...", "\xE3\x80\x80"};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        struct emotion_result r = classify(blank[i]);
        assert_valid(&r);
        for (int k = 0; k < EMOTION_LABELS; k++)
            assert_int_equal(r.centi[k], 2000);
        assert_int_equal(r.top, WORRY); /* a five-way tie goes to the first label */
    }
    struct emotion_result r;
    emotion_classify(g_model, NULL, 0, &r);
    assert_int_equal(r.top, WORRY);
    emotion_classify(NULL, "행복", strlen("행복"), &r); /* no model: still a valid result */
    assert_valid(&r);
}

static void ties_go_to_the_earlier_label(void **state)
{
    (void)state;
    struct emotion_result r;
    float p1[EMOTION_LABELS] = {0.1f, 0.3f, 0.3f, 0.2f, 0.1f};
    emo_round(p1, &r);
    assert_int_equal(r.centi[1], 3000);
    assert_int_equal(r.centi[2], 3000);
    assert_int_equal(r.top, ANGRY);
    float p2[EMOTION_LABELS] = {0.0f, 0.0f, 0.0f, 0.5f, 0.5f};
    emo_round(p2, &r);
    assert_int_equal(r.top, EXCITED);
    /* thirds: the spare hundredth goes to the first of the equal remainders */
    float p3[EMOTION_LABELS] = {1.0f, 1.0f, 1.0f, 0.0f, 0.0f};
    emo_round(p3, &r);
    assert_int_equal(r.centi[0], 3334);
    assert_int_equal(r.centi[1], 3333);
    assert_int_equal(r.centi[2], 3333);
    assert_int_equal(r.top, WORRY);
    /* garbage probabilities give the uniform result */
    float p4[EMOTION_LABELS] = {-1.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    emo_round(p4, &r);
    assert_int_equal(r.centi[4], 2000);
    assert_int_equal(r.top, WORRY);
}

static void scores_sum_to_10000_for_many_texts(void **state)
{
    (void)state;
    uint64_t s = 88172645463325252ull;
    char buf[256];
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)(s % sizeof buf);
        for (size_t j = 0; j < n; j++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            buf[j] = (char)(s & 0xFF); /* any bytes, including NUL and invalid UTF-8 */
        }
        struct emotion_result r;
        emotion_classify(g_model, buf, n, &r);
        assert_valid(&r);
    }
}

static void negation_flips_the_outcome(void **state)
{
    (void)state;
    struct {
        const char *plain, *negated;
        int label;
    } pairs[] = {
        {"오늘은 정말 행복했다", "오늘은 하나도 행복하지 않았다", HAPPY},
        {"시험 결과가 걱정이다", "시험 결과는 걱정 없다", WORRY},
        {"동생 때문에 짜증이 났다", "동생 때문에 짜증 안 났다", ANGRY},
        {"생일이라 기뻤다", "생일인데 기쁘지 않았다", HAPPY},
        {"I am so happy today", "I am not happy today", HAPPY},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct emotion_result a = classify(pairs[i].plain), b = classify(pairs[i].negated);
        assert_valid(&a);
        assert_valid(&b);
        if (a.top != pairs[i].label || b.top == pairs[i].label ||
            b.centi[pairs[i].label] > a.centi[pairs[i].label] - 3000)
            fail_msg("'%s' (%s %d) vs '%s' (%s %d)", pairs[i].plain, emotion_label_ko(a.top),
                     a.centi[pairs[i].label], pairs[i].negated, emotion_label_ko(b.top),
                     b.centi[pairs[i].label]);
    }
    /* 행복하지 않다 reads as sad */
    assert_int_equal(classify("요즘 나는 행복하지 않다").top, SAD);
}

static void clear_diary_sentences_get_their_label(void **state)
{
    (void)state;
    struct {
        const char *text;
        int label;
    } cases[] = {
        {"내일 수술인데 너무 무섭고 불안하다", WORRY},
        {"팀장이 또 내 탓을 해서 너무 화가 났다", ANGRY},
        {"가족들과 맛있는 저녁을 먹어서 행복했다", HAPPY},
        {"다음 주 여행이 너무 기대되고 설렌다", EXCITED},
        {"친구가 떠나서 하루 종일 울었다", SAD},
        {"오늘 하루 종일 눈물이 났다 ㅠㅠ", SAD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct emotion_result r = classify(cases[i].text);
        if (r.top != cases[i].label)
            fail_msg("'%s' -> %s, expected %s", cases[i].text, emotion_label_ko(r.top),
                     emotion_label_ko(cases[i].label));
    }
}

static void emoticons_decide_otherwise_neutral_text(void **state)
{
    (void)state;
    assert_int_equal(classify("ㅠㅠ").top, SAD);
    assert_int_equal(classify("ㅋㅋㅋ").top, HAPPY);
    struct emotion_result plain = classify("집에 왔다"), cry = classify("집에 왔다 ㅠㅠ");
    assert_true(cry.centi[SAD] > plain.centi[SAD] + 1000);
}

static void long_text_of_20000_characters_is_classified(void **state)
{
    (void)state;
    const char *unit = "오늘은 정말 행복했다. ";
    size_t ul = strlen(unit), chars_per_unit = 12, n = 0;
    char *big = malloc(20000 * 3 + ul + 1); /* also holds 20,000 three-byte characters */
    assert_non_null(big);
    for (size_t c = 0; c < 20000; c += chars_per_unit) {
        memcpy(big + n, unit, ul);
        n += ul;
    }
    struct emotion_result r;
    emotion_classify(g_model, big, n, &r);
    assert_valid(&r);
    assert_int_equal(r.top, HAPPY);
    /* one 20,000-syllable token with no separator at all, and 20,000 jamo */
    n = 0;
    for (int i = 0; i < 20000; i++) {
        memcpy(big + n, i % 2 ? "슬" : "가", 3);
        n += 3;
    }
    emotion_classify(g_model, big, n, &r);
    assert_valid(&r);
    n = 0;
    for (int i = 0; i < 20000; i++) {
        memcpy(big + n, "ㅠ", 3);
        n += 3;
    }
    emotion_classify(g_model, big, n, &r);
    assert_valid(&r);
    assert_int_equal(r.top, SAD);
    free(big);
}

static void invalid_utf8_gives_a_valid_result_and_keeps_the_valid_parts(void **state)
{
    (void)state;
    const char *bad[] = {"\xff\xfe",         "\xc0\xaf",     "\xed\xa0\x80", "\xe0\x80\x80",
                         "\xf4\x90\x80\x80", "\x80\x80\x80", "\xe1\x84",     "\xf0\x9f\x98"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct emotion_result r = classify(bad[i]);
        assert_valid(&r);
        assert_int_equal(r.centi[0], 2000); /* nothing readable: uniform */
    }
    const char mixed[] = "\xff행복했다\xc3";
    struct emo_analysis a = analyze_n(mixed, sizeof mixed - 1);
    assert_true(a.lex[HAPPY] > 0.0f);
    const char nul[] = "행복\0했다";
    struct emotion_result r;
    emotion_classify(g_model, nul, sizeof nul - 1, &r);
    assert_valid(&r);
}

static void classification_is_deterministic(void **state)
{
    (void)state;
    struct emotion_result a = classify("오늘은 좀 피곤했지만 친구랑 통화해서 기분이 나아졌다");
    struct emotion_result b = classify("오늘은 좀 피곤했지만 친구랑 통화해서 기분이 나아졌다");
    assert_memory_equal(&a, &b, sizeof a);
}

#define THREAD_TEXTS 6
static const char *const THREAD_TEXT[THREAD_TEXTS] = {
    "내일 시험이라 불안하다", "너무 화가 난다",   "행복한 하루",
    "여행이 기대된다",        "눈물이 났다 ㅠㅠ", "",
};

struct thread_arg {
    struct emotion_result got[THREAD_TEXTS];
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    for (int rep = 0; rep < 200; rep++)
        for (int i = 0; i < THREAD_TEXTS; i++)
            emotion_classify(g_model, THREAD_TEXT[i], strlen(THREAD_TEXT[i]), &a->got[i]);
    return NULL;
}

static void concurrent_classification_matches_serial(void **state)
{
    (void)state;
    struct emotion_result want[THREAD_TEXTS];
    for (int i = 0; i < THREAD_TEXTS; i++)
        want[i] = classify(THREAD_TEXT[i]);
    pthread_t th[4];
    struct thread_arg args[4];
    for (int t = 0; t < 4; t++)
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, &args[t]), 0);
    for (int t = 0; t < 4; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        for (int i = 0; i < THREAD_TEXTS; i++)
            assert_memory_equal(&args[t].got[i], &want[i], sizeof want[i]);
    }
}

static void labels_and_version(void **state)
{
    (void)state;
    const char *want[] = {"걱정", "분노", "행복", "설렘", "슬픔"};
    for (int k = 0; k < EMOTION_LABELS; k++)
        assert_string_equal(emotion_label_ko(k), want[k]);
    assert_null(emotion_label_ko(-1));
    assert_null(emotion_label_ko(5));
    const char *v = emotion_model_version(g_model);
    assert_non_null(v);
    assert_true(strlen(v) > 0 && strlen(v) <= 32);
    assert_null(emotion_model_version(NULL));
    assert_int_equal(emotion_label_index("설렘", strlen("설렘")), EXCITED);
    assert_int_equal(emotion_label_index("기쁨", strlen("기쁨")), -1);
}

/* ---- the model file ----------------------------------------------------------------------- */

static unsigned char *read_model(size_t *n)
{
    FILE *f = fopen(EEUM_DEFAULT_EMOTION_MODEL, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long sz = ftell(f);
    assert_true(sz > 0);
    rewind(f);
    unsigned char *b = malloc((size_t)sz);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *n = (size_t)sz;
    return b;
}

static void expect_load_error(const unsigned char *b, size_t n, const char *needle)
{
    char path[] = "/tmp/eeum-test-emotion-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b, n), (ssize_t)n);
    close(fd);
    char err[512] = "";
    struct emotion_model *m = emotion_model_load(path, err, sizeof err);
    unlink(path);
    if (m) {
        emotion_model_free(m);
        fail_msg("a damaged model (%s) was accepted", needle);
    }
    assert_non_null(strstr(err, path));
    if (!strstr(err, needle))
        fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void missing_or_corrupt_model_files_are_refused_with_a_clear_message(void **state)
{
    (void)state;
    char err[512];
    assert_null(emotion_model_load("/nonexistent/emotion.model", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/emotion.model"));
    assert_non_null(strstr(err, "cannot read"));
    assert_null(emotion_model_load("", err, sizeof err));
    assert_non_null(strstr(err, "EMOTION_MODEL"));

    size_t n;
    unsigned char *b = read_model(&n);
    b[n / 2] ^= 0x01;
    expect_load_error(b, n, "checksum");
    b[n / 2] ^= 0x01;
    expect_load_error(b, n - 1, "truncated");
    expect_load_error(b, 100, "bad magic or too short");
    b[0] = 'X';
    expect_load_error(b, n, "bad magic");
    b[0] = 'E';
    b[12] = 99; /* feature version */
    expect_load_error(b, n, "feature version");
    b[12] = (unsigned char)EMO_FEATURE_VERSION;
    /* intact copy loads */
    char path[] = "/tmp/eeum-test-emotion-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b, n), (ssize_t)n);
    close(fd);
    struct emotion_model *m = emotion_model_load(path, err, sizeof err);
    unlink(path);
    assert_non_null(m);
    emotion_model_free(m);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(particles_and_endings_do_not_hide_a_stem),
        cmocka_unit_test(negation_moves_evidence_to_the_flipped_label),
        cmocka_unit_test(intensifiers_strengthen_the_next_stem),
        cmocka_unit_test(emoticons_and_emoji_count),
        cmocka_unit_test(english_words_with_negation_and_case),
        cmocka_unit_test(decomposed_hangul_is_normalised_to_nfc),
        cmocka_unit_test(sentences_split_on_punctuation_line_breaks_and_endings),
        cmocka_unit_test(empty_and_whitespace_only_text_is_uniform_and_ties_to_worry),
        cmocka_unit_test(ties_go_to_the_earlier_label),
        cmocka_unit_test(scores_sum_to_10000_for_many_texts),
        cmocka_unit_test(negation_flips_the_outcome),
        cmocka_unit_test(clear_diary_sentences_get_their_label),
        cmocka_unit_test(emoticons_decide_otherwise_neutral_text),
        cmocka_unit_test(long_text_of_20000_characters_is_classified),
        cmocka_unit_test(invalid_utf8_gives_a_valid_result_and_keeps_the_valid_parts),
        cmocka_unit_test(classification_is_deterministic),
        cmocka_unit_test(concurrent_classification_matches_serial),
        cmocka_unit_test(labels_and_version),
        cmocka_unit_test(missing_or_corrupt_model_files_are_refused_with_a_clear_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_recommend.c - the pure snack ranking: allergen codes, hard filters, determinism,
 * variety across days, the three-nights rule, feedback weights, reasons, calendar arithmetic,
 * preference validation, catalogue JSON columns and the catalogue cache.
 */
#include "eeum/recommend.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const LABELS[RECO_EMOTIONS] = {"걱정", "분노", "행복", "설렘", "슬픔"};

static void food(struct reco_food *f, uint64_t id, const char *name, const char *tags_json,
                 const char *allergens_json, bool veg, int spice, int w, int a, int h, int e, int s)
{
    memset(f, 0, sizeof *f);
    f->id = id;
    snprintf(f->name, sizeof f->name, "%s", name);
    assert_true(reco_food_set_tags_json(f, tags_json, strlen(tags_json)));
    assert_true(reco_food_set_allergens_json(f, allergens_json, strlen(allergens_json)));
    f->vegetarian = veg;
    f->spice = spice;
    int32_t aff[RECO_EMOTIONS] = {w, a, h, e, s};
    memcpy(f->affinity_milli, aff, sizeof aff);
}

/* A small catalogue with clear winners per emotion. */
#define NFOODS 12
static struct reco_food FOODS[NFOODS];

static int setup_foods(void **state)
{
    (void)state;
    food(&FOODS[0], 1, "전복죽", "[\"따뜻한\",\"부드러운\",\"가벼운\"]", "[\"shellfish\"]", false,
         0, 950, 100, 300, 200, 700);
    food(&FOODS[1], 2, "호박죽", "[\"따뜻한\",\"달콤\",\"가벼운\"]", "[]", true, 0, 850, 100, 450,
         350, 800);
    food(&FOODS[2], 3, "떡볶이", "[\"매운\",\"쫄깃\"]", "[\"wheat\",\"soy\"]", false, 2, 100, 900,
         650, 550, 600);
    food(&FOODS[3], 4, "불닭볶음면", "[\"매운\",\"면\"]", "[\"wheat\",\"soy\",\"chicken\"]", false,
         3, 50, 950, 400, 450, 400);
    food(&FOODS[4], 5, "후라이드치킨", "[\"바삭\",\"고기\"]", "[\"chicken\",\"wheat\"]", false, 0,
         150, 650, 950, 750, 450);
    food(&FOODS[5], 6, "페퍼로니 피자", "[\"치즈\",\"짭짤\"]",
         "[\"wheat\",\"milk\",\"pork\",\"tomato\"]", false, 0, 100, 400, 900, 850, 450);
    food(&FOODS[6], 7, "팥빙수", "[\"차가운\",\"달콤\"]", "[\"milk\"]", true, 0, 200, 650, 800, 850,
         450);
    food(&FOODS[7], 8, "라면", "[\"국물\",\"얼큰\",\"따뜻한\"]", "[\"wheat\",\"soy\",\"beef\"]",
         false, 2, 250, 600, 450, 350, 900);
    food(&FOODS[8], 9, "군고구마", "[\"달콤\",\"따뜻한\"]", "[]", true, 0, 700, 100, 600, 450, 850);
    food(&FOODS[9], 10, "콩나물국밥", "[\"국물\",\"따뜻한\",\"가벼운\"]",
         "[\"soy\",\"shrimp\",\"egg\"]", false, 1, 900, 300, 300, 200, 750);
    food(&FOODS[10], 11, "수박", "[\"차가운\",\"상큼\"]", "[]", true, 0, 450, 700, 650, 800, 400);
    food(&FOODS[11], 12, "마라탕", "[\"국물\",\"매운\"]", "[\"wheat\",\"soy\",\"peanut\"]", false,
         3, 100, 950, 450, 550, 500);
    return 0;
}

static struct reco_input input(const int32_t centi[5], const struct reco_prefs *p, uint64_t diary,
                               const char *day)
{
    struct reco_input in = {.prefs = p, .diary_id = diary, .day = day};
    memcpy(in.centi, centi, sizeof in.centi);
    return in;
}

static const int32_t WORRY[5] = {8000, 500, 500, 500, 500};
static const int32_t ANGRY[5] = {500, 8000, 500, 500, 500};
static const int32_t EVEN[5] = {2000, 2000, 2000, 2000, 2000};

static void allergen_codes_round_trip_and_unknown_is_minus_one(void **state)
{
    (void)state;
    for (int i = 0; i < RECO_ALLERGENS; i++) {
        const char *c = reco_allergen_code(i);
        assert_non_null(c);
        assert_int_equal(reco_allergen_index(c, strlen(c)), i);
    }
    assert_null(reco_allergen_code(RECO_ALLERGENS));
    assert_null(reco_allergen_code(-1));
    assert_int_equal(reco_allergen_index("pine_nut", 8), 18);
    assert_int_equal(reco_allergen_index("Egg", 3), -1);
    assert_int_equal(reco_allergen_index("eggs", 4), -1);
    assert_int_equal(reco_allergen_index("", 0), -1);
    assert_int_equal(reco_allergen_index("egg", 2), -1);
    assert_int_equal(reco_allergen_index(NULL, 0), -1);
}

static void hard_filters_exclude_allergens_meat_heat_and_dislikes(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    assert_int_equal(p.spice_tolerance, 2);
    assert_true(reco_food_allowed(&FOODS[2], &p));  /* 떡볶이, spice 2 */
    assert_false(reco_food_allowed(&FOODS[3], &p)); /* 불닭, spice 3 > 2 */
    p.spice_tolerance = 3;
    assert_true(reco_food_allowed(&FOODS[3], &p));
    p.spice_tolerance = 0;
    assert_false(reco_food_allowed(&FOODS[9], &p)); /* spice 1 */

    reco_prefs_default(&p);
    p.allergies = 1u << reco_allergen_index("shellfish", 9);
    assert_false(reco_food_allowed(&FOODS[0], &p));
    assert_true(reco_food_allowed(&FOODS[1], &p));

    reco_prefs_default(&p);
    p.vegetarian = true;
    assert_false(reco_food_allowed(&FOODS[4], &p));
    assert_true(reco_food_allowed(&FOODS[6], &p));

    reco_prefs_default(&p);
    p.disliked_food_ids[p.ndisliked_foods++] = 7;
    assert_false(reco_food_allowed(&FOODS[6], &p));
    assert_true(reco_food_allowed(&FOODS[5], &p));

    reco_prefs_default(&p);
    snprintf(p.disliked_tags[p.ndisliked_tags++], RECO_TAG_BYTES, "%s", "국물");
    assert_false(reco_food_allowed(&FOODS[7], &p));
    assert_false(reco_food_allowed(&FOODS[9], &p));
    assert_true(reco_food_allowed(&FOODS[8], &p));
}

static void worry_diary_gets_warm_light_food_and_angry_gets_spicy(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    struct reco_pick picks[RECO_PICKS];
    struct reco_input in = input(WORRY, &p, 1, "2026-11-28");
    size_t n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        const struct reco_food *f = &FOODS[picks[i].food];
        assert_true(f->affinity_milli[0] >= 700);
        assert_int_equal(picks[i].emotion, 0);
        if (i > 0)
            assert_true(picks[i - 1].score >= picks[i].score);
    }
    in = input(ANGRY, &p, 1, "2026-11-28");
    n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_true(FOODS[picks[i].food].affinity_milli[1] >= 600);
}

static void same_diary_prefs_and_day_give_the_same_picks(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    struct reco_pick a[RECO_PICKS], b[RECO_PICKS];
    for (uint64_t d = 1; d < 50; d++) {
        struct reco_input in = input(EVEN, &p, d, "2026-01-15");
        size_t na = reco_rank(FOODS, NFOODS, &in, a);
        size_t nb = reco_rank(FOODS, NFOODS, &in, b);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_int_equal(a[i].food, b[i].food);
            assert_int_equal(a[i].score, b[i].score);
            assert_string_equal(a[i].reason, b[i].reason);
        }
    }
}

static void picks_vary_across_days_and_diaries(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    p.spice_tolerance = 3;
    bool seen[NFOODS] = {false};
    size_t distinct_sets = 0;
    size_t prev_first = (size_t)-1;
    size_t changes = 0;
    for (int day = 1; day <= 28; day++) {
        char d[11];
        snprintf(d, sizeof d, "2026-02-%02d", day);
        struct reco_pick picks[RECO_PICKS];
        struct reco_input in = input(EVEN, &p, 42, d);
        size_t n = reco_rank(FOODS, NFOODS, &in, picks);
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++) {
            if (!seen[picks[i].food]) {
                seen[picks[i].food] = true;
                distinct_sets++;
            }
        }
        if (prev_first != (size_t)-1 && picks[0].food != prev_first)
            changes++;
        prev_first = picks[0].food;
    }
    /* an even diary over four weeks: many different foods, and the top pick moves */
    assert_true(distinct_sets >= 6);
    assert_true(changes >= 5);
}

static void no_food_three_nights_running(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    struct reco_pick picks[RECO_PICKS];
    struct reco_input in = input(WORRY, &p, 9, "2026-03-03");
    size_t n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(n, 3);
    uint64_t top[3];
    for (size_t i = 0; i < 3; i++)
        top[i] = FOODS[picks[i].food].id;

    /* recommended on both previous nights -> excluded tonight */
    in.yesterday = top;
    in.nyesterday = 3;
    in.day_before = top;
    in.nday_before = 3;
    n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < 3; k++)
            assert_int_not_equal(FOODS[picks[i].food].id, top[k]);

    /* only the night before: allowed (weighed down, not excluded) */
    in.day_before = NULL;
    in.nday_before = 0;
    uint64_t only_first[1] = {top[0]};
    in.yesterday = only_first;
    in.nyesterday = 1;
    struct reco_input again = input(WORRY, &p, 9, "2026-03-03");
    struct reco_pick base[RECO_PICKS];
    reco_rank(FOODS, NFOODS, &again, base);
    n = reco_rank(FOODS, NFOODS, &in, picks);
    bool still_there = false;
    for (size_t i = 0; i < n; i++) {
        if (FOODS[picks[i].food].id == top[0]) {
            still_there = true;
            assert_true(picks[i].score < base[0].score);
        }
    }
    (void)still_there;
    /* two nights apart (not consecutive) is fine too */
    in.yesterday = NULL;
    in.nyesterday = 0;
    in.day_before = top;
    in.nday_before = 3;
    n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(FOODS[picks[0].food].id, top[0]);
}

static void liked_food_rises_and_disliked_food_falls(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    p.spice_tolerance = 3;
    struct reco_pick picks[RECO_PICKS];
    struct reco_input in = input(WORRY, &p, 5, "2026-05-05");
    size_t n = reco_rank(FOODS, NFOODS, &in, picks);
    assert_int_equal(n, 3);
    uint64_t first = FOODS[picks[0].food].id;

    /* strong dislike of the top pick removes it from the top three */
    struct reco_feedback fb[1] = {{.food_id = first, .score = -4}};
    in.feedback = fb;
    in.nfeedback = 1;
    n = reco_rank(FOODS, NFOODS, &in, picks);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(FOODS[picks[i].food].id, first);

    /* a food far down for a worry diary (마라탕, id 12) climbs with likes */
    struct reco_input plain = input(WORRY, &p, 5, "2026-05-05");
    int64_t before = reco_score(&FOODS[11], &plain);
    fb[0] = (struct reco_feedback){.food_id = 12, .score = 6};
    in.feedback = fb;
    int64_t after = reco_score(&FOODS[11], &in);
    assert_true(after > before);
    fb[0].score = -2;
    assert_true(reco_score(&FOODS[11], &in) < before);

    /* likes on a food lift others sharing its tags (국물) */
    struct reco_feedback tagfb[1] = {{.food_id = 12, .score = 8}};
    struct reco_input tin = plain;
    tin.feedback = tagfb;
    tin.nfeedback = 1;
    struct reco_pick with[RECO_PICKS];
    reco_rank(FOODS, NFOODS, &tin, with);
    struct reco_pick without[RECO_PICKS];
    reco_rank(FOODS, NFOODS, &plain, without);
    int64_t soup_with = 0, soup_without = 0;
    for (size_t i = 0; i < 3; i++) {
        if (FOODS[with[i].food].id == 10)
            soup_with = with[i].score;
        if (FOODS[without[i].food].id == 10)
            soup_without = without[i].score;
    }
    if (soup_with && soup_without)
        assert_true(soup_with > soup_without);
}

static void spice_lovers_get_a_bonus_on_hot_food_and_others_do_not(void **state)
{
    (void)state;
    struct reco_prefs p;
    reco_prefs_default(&p);
    struct reco_input in = input(ANGRY, &p, 77, "2026-06-06");
    int64_t base = reco_score(&FOODS[2], &in); /* 떡볶이, spice 2 */
    int64_t mild = reco_score(&FOODS[4], &in); /* 후라이드치킨, spice 0 */
    p.spice_tolerance = 3;
    assert_int_equal(reco_score(&FOODS[2], &in), base * 1100 / 1000);
    assert_int_equal(reco_score(&FOODS[4], &in), mild);
    p.spice_tolerance = 1;
    assert_int_equal(reco_score(&FOODS[4], &in), mild);
}

static void reasons_name_the_emotion_the_food_and_a_property(void **state)
{
    (void)state;
    char buf[RECO_REASON_BYTES];
    for (int e = 0; e < RECO_EMOTIONS; e++) {
        for (size_t i = 0; i < NFOODS; i++) {
            reco_reason(&FOODS[i], e, buf, sizeof buf);
            assert_non_null(strstr(buf, LABELS[e]));
            assert_non_null(strstr(buf, FOODS[i].name));
            /* one sentence */
            size_t len = strlen(buf);
            assert_true(len > 0);
            assert_true(buf[len - 1] == '.' || buf[len - 1] == '?');
            assert_null(strchr(buf, '\n'));
        }
    }
    reco_reason(&FOODS[0], 0, buf, sizeof buf);
    assert_string_equal(buf, "걱정이 많은 밤엔 따뜻하고 부드러운 전복죽 어때요?");
    reco_reason(&FOODS[7], 4, buf, sizeof buf);
    assert_string_equal(
        buf, "슬픔이 밀려오는 밤엔 따뜻하고 국물이 뜨끈한 라면이 마음을 달래 줄 거예요.");
    reco_reason(&FOODS[2], 1, buf, sizeof buf);
    assert_string_equal(buf, "분노가 치미는 밤엔 쫄깃하고 매콤한 떡볶이로 스트레스를 풀어 보세요.");
    reco_reason(&FOODS[4], 2, buf, sizeof buf);
    assert_string_equal(buf, "행복한 밤엔 바삭한 후라이드치킨으로 기분을 더 끌어올려 보세요.");
    reco_reason(&FOODS[6], 3, buf, sizeof buf);
    assert_string_equal(buf, "설렘 가득한 밤엔 시원하고 달콤한 팥빙수가 잘 어울려요.");
    reco_reason(&FOODS[10], 3, buf, sizeof buf);
    assert_string_equal(buf, "설렘 가득한 밤엔 시원하고 상큼한 수박이 잘 어울려요.");
    /* a tiny buffer is cut on a character boundary */
    char small[20];
    reco_reason(&FOODS[0], 0, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(strlen(small) % 3, 1); /* "걱정이 많은" ... whole 3-byte syllables + spaces */
}

static void previous_days_cross_months_years_and_leap_days(void **state)
{
    (void)state;
    char a[11], b[11];
    assert_true(reco_previous_days("2024-03-01", a, b));
    assert_string_equal(a, "2024-02-29");
    assert_string_equal(b, "2024-02-28");
    assert_true(reco_previous_days("2023-03-01", a, b));
    assert_string_equal(a, "2023-02-28");
    assert_string_equal(b, "2023-02-27");
    assert_true(reco_previous_days("2026-01-01", a, b));
    assert_string_equal(a, "2025-12-31");
    assert_string_equal(b, "2025-12-30");
    assert_true(reco_previous_days("2026-11-28", a, b));
    assert_string_equal(a, "2026-11-27");
    assert_false(reco_previous_days("2023-02-29", a, b));
    assert_false(reco_previous_days("2026-13-01", a, b));
    assert_false(reco_previous_days("2026-1-01", a, b));
    assert_false(reco_previous_days("", a, b));
    assert_false(reco_previous_days(NULL, a, b));
    assert_false(reco_previous_days("0001-01-01", a, b));
}

/* Random foods and preferences: a pick never breaks a hard filter, never repeats, and the
 * ranking returns min(3, allowed foods). */
static void property_picks_never_violate_hard_filters(void **state)
{
    (void)state;
    static const char *const TAGS[] = {"국물",   "매운",   "달콤",   "바삭",
                                       "가벼운", "든든한", "따뜻한", "차가운"};
    enum { N = 60 };
    struct reco_food *foods = calloc(N, sizeof *foods);
    assert_non_null(foods);
    srand(12345);
    for (int round = 0; round < 400; round++) {
        for (int i = 0; i < N; i++) {
            struct reco_food *f = &foods[i];
            memset(f, 0, sizeof *f);
            f->id = (uint64_t)i + 1;
            snprintf(f->name, sizeof f->name, "음식%d", i);
            f->allergens = (uint32_t)rand() & ((1u << RECO_ALLERGENS) - 1) & (uint32_t)rand();
            f->vegetarian = rand() % 3 == 0;
            f->spice = rand() % 4;
            f->ntags = (size_t)(rand() % 4);
            for (size_t k = 0; k < f->ntags; k++)
                snprintf(f->tags[k], RECO_TAG_BYTES, "%s", TAGS[rand() % 8]);
            for (int e = 0; e < RECO_EMOTIONS; e++)
                f->affinity_milli[e] = rand() % 1001;
        }
        struct reco_prefs p;
        reco_prefs_default(&p);
        p.allergies = (uint32_t)rand() & ((1u << RECO_ALLERGENS) - 1);
        p.vegetarian = rand() % 4 == 0;
        p.spice_tolerance = rand() % 4;
        p.ndisliked_foods = (size_t)(rand() % 5);
        for (size_t k = 0; k < p.ndisliked_foods; k++)
            p.disliked_food_ids[k] = (uint64_t)(rand() % N) + 1;
        p.ndisliked_tags = (size_t)(rand() % 2);
        for (size_t k = 0; k < p.ndisliked_tags; k++)
            snprintf(p.disliked_tags[k], RECO_TAG_BYTES, "%s", TAGS[rand() % 8]);
        int32_t centi[5];
        int32_t left = 10000;
        for (int e = 0; e < 4; e++) {
            centi[e] = rand() % (left + 1);
            left -= centi[e];
        }
        centi[4] = left;
        uint64_t fb_ids[3] = {(uint64_t)(rand() % N) + 1, (uint64_t)(rand() % N) + 1, 5};
        struct reco_feedback fb[3] = {
            {fb_ids[0], rand() % 9 - 4}, {fb_ids[1], rand() % 9 - 4}, {fb_ids[2], 3}};
        uint64_t y1[4] = {1, 2, 3, (uint64_t)(rand() % N) + 1};
        uint64_t y2[4] = {2, 3, 4, (uint64_t)(rand() % N) + 1};
        struct reco_input in = input(centi, &p, (uint64_t)round + 1, "2026-07-07");
        in.feedback = fb;
        in.nfeedback = 3;
        in.yesterday = y1;
        in.nyesterday = 4;
        in.day_before = y2;
        in.nday_before = 4;

        size_t allowed = 0;
        for (int i = 0; i < N; i++) {
            bool three = false;
            for (int a = 0; a < 4; a++)
                for (int b = 0; b < 4; b++)
                    three |= y1[a] == foods[i].id && y2[b] == foods[i].id;
            allowed += reco_food_allowed(&foods[i], &p) && !three;
        }
        struct reco_pick picks[RECO_PICKS];
        size_t n = reco_rank(foods, N, &in, picks);
        assert_int_equal(n, allowed < 3 ? allowed : 3);
        for (size_t k = 0; k < n; k++) {
            const struct reco_food *f = &foods[picks[k].food];
            assert_int_equal(f->allergens & p.allergies, 0);
            assert_true(!p.vegetarian || f->vegetarian);
            assert_true(f->spice <= p.spice_tolerance);
            assert_true(reco_food_allowed(f, &p));
            for (size_t j = 0; j < k; j++)
                assert_int_not_equal(picks[j].food, picks[k].food);
            assert_false(f->id == 2 || f->id == 3); /* on both previous nights */
        }
    }
    free(foods);
}

static bool has_error(const struct val_result *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

static void prefs_parse(const char *body, struct reco_prefs *io, struct val_result *res)
{
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    struct reco_catalogue cat = {.foods = FOODS, .nfoods = NFOODS};
    reco_prefs_parse(j, &cat, io, res);
    json_decref(j);
}

static void preferences_are_validated_field_by_field(void **state)
{
    (void)state;
    struct reco_prefs p;
    struct val_result res;
    reco_prefs_default(&p);
    prefs_parse("{\"allergies\":[\"egg\",\" milk \",\"egg\"],\"dislikedFoodIds\":[3,3,7],"
                "\"dislikedTags\":[\"국물\"],\"spiceTolerance\":0,\"vegetarian\":true}",
                &p, &res);
    assert_int_equal(res.status, STATUS_OK);
    assert_int_equal(p.allergies, (1u << 0) | (1u << 1));
    assert_int_equal(p.ndisliked_foods, 2);
    assert_int_equal(p.disliked_food_ids[1], 7);
    assert_int_equal(p.ndisliked_tags, 1);
    assert_string_equal(p.disliked_tags[0], "국물");
    assert_int_equal(p.spice_tolerance, 0);
    assert_true(p.vegetarian);

    /* absent fields keep their values */
    prefs_parse("{\"spiceTolerance\":3}", &p, &res);
    assert_int_equal(res.status, STATUS_OK);
    assert_int_equal(p.spice_tolerance, 3);
    assert_true(p.vegetarian);
    assert_int_equal(p.ndisliked_foods, 2);

    /* every bad field is listed and nothing changes */
    struct reco_prefs before = p;
    prefs_parse("{\"allergies\":[\"egg\",\"gluten\"],\"dislikedFoodIds\":[999],"
                "\"dislikedTags\":[\"없는태그\"],\"spiceTolerance\":4,\"vegetarian\":\"yes\"}",
                &p, &res);
    assert_int_equal(res.status, STATUS_BAD_REQUEST);
    assert_true(has_error(&res, "allergies"));
    assert_true(has_error(&res, "dislikedFoodIds"));
    assert_true(has_error(&res, "dislikedTags"));
    assert_true(has_error(&res, "spiceTolerance"));
    assert_true(has_error(&res, "vegetarian"));
    assert_memory_equal(&p, &before, sizeof p);

    static const char *const bad[] = {
        "{\"allergies\":\"egg\"}",       "{\"allergies\":[1]}",
        "{\"allergies\":[null]}",        "{\"allergies\":[\"EGG\"]}",
        "{\"dislikedFoodIds\":[0]}",     "{\"dislikedFoodIds\":[-3]}",
        "{\"dislikedFoodIds\":[\"3\"]}", "{\"dislikedFoodIds\":[1.5]}",
        "{\"dislikedFoodIds\":{}}",      "{\"dislikedTags\":[\"\"]}",
        "{\"dislikedTags\":[3]}",        "{\"spiceTolerance\":-1}",
        "{\"spiceTolerance\":1.0}",      "{\"spiceTolerance\":true}",
        "{\"spiceTolerance\":null}",     "{\"vegetarian\":1}",
        "{\"vegetarian\":null}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        prefs_parse(bad[i], &p, &res);
        assert_int_equal(res.status, STATUS_BAD_REQUEST);
        assert_int_equal(res.nerrors, 1);
        assert_non_null(res.errors[0].message);
    }
    json_t *arr = json_loads("[]", 0, NULL);
    struct reco_catalogue cat = {.foods = FOODS, .nfoods = NFOODS};
    reco_prefs_parse(arr, &cat, &p, &res);
    assert_int_equal(res.status, STATUS_BAD_REQUEST);
    json_decref(arr);

    /* empty lists clear */
    prefs_parse("{\"allergies\":[],\"dislikedFoodIds\":[],\"dislikedTags\":[]}", &p, &res);
    assert_int_equal(res.status, STATUS_OK);
    assert_int_equal(p.allergies, 0);
    assert_int_equal(p.ndisliked_foods, 0);
    assert_int_equal(p.ndisliked_tags, 0);

    json_t *j = reco_prefs_json(&p);
    assert_int_equal(json_array_size(json_object_get(j, "allergies")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "spiceTolerance")), 3);
    assert_true(json_is_true(json_object_get(j, "vegetarian")));
    json_decref(j);
}

static void catalogue_columns_parse_and_reject_garbage(void **state)
{
    (void)state;
    struct reco_food f;
    memset(&f, 0, sizeof f);
    assert_true(reco_food_set_allergens_json(&f, "[\"egg\",\"pine_nut\"]", 18));
    assert_int_equal(f.allergens, (1u << 0) | (1u << 18));
    assert_false(reco_food_set_allergens_json(&f, "[\"egg\",\"nuts\"]", 14));
    assert_false(reco_food_set_allergens_json(&f, "{}", 2));
    assert_false(reco_food_set_allergens_json(&f, NULL, 0));
    assert_true(reco_food_set_tags_json(&f, "[\"국물\"]", strlen("[\"국물\"]")));
    assert_int_equal(f.ntags, 1);
    assert_false(
        reco_food_set_tags_json(&f, "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]",
                                strlen("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]")));
    assert_int_equal(f.ntags, 0);
    assert_false(reco_food_set_tags_json(&f, "[1]", 3));

    struct reco_catalogue cat = {.foods = FOODS, .nfoods = NFOODS};
    assert_int_equal(reco_catalogue_find(&cat, 12), 11);
    assert_int_equal(reco_catalogue_find(&cat, 99), -1);
    assert_true(reco_catalogue_has_tag(&cat, "국물", strlen("국물")));
    assert_false(reco_catalogue_has_tag(&cat, "국", strlen("국")));

    json_t *j = reco_food_json(&FOODS[0], true);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "전복죽");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "allergens"), 0)),
                        "shellfish");
    assert_true(json_real_value(json_object_get(json_object_get(j, "emotionAffinities"), "worry")) >
                0.94);
    json_decref(j);
}

static struct reco_catalogue *heap_catalogue(size_t n)
{
    struct reco_catalogue *c = calloc(1, sizeof *c);
    c->foods = calloc(n, sizeof *c->foods);
    c->nfoods = n;
    return c;
}

static void cache_serves_until_the_ttl_and_keeps_readers_safe(void **state)
{
    (void)state;
    reco_cache_clear();
    assert_null(reco_cache_get(100.0, 60.0));
    struct reco_catalogue *a = reco_cache_set(heap_catalogue(2), 100.0);
    assert_non_null(a);
    struct reco_catalogue *b = reco_cache_get(130.0, 60.0);
    assert_ptr_equal(a, b);
    assert_null(reco_cache_get(161.0, 60.0));
    /* a reload replaces the entry while old readers keep theirs */
    struct reco_catalogue *c = reco_cache_set(heap_catalogue(3), 161.0);
    assert_int_equal(a->nfoods, 2);
    assert_int_equal(c->nfoods, 3);
    reco_cache_put(a);
    reco_cache_put(b);
    reco_cache_put(c);
    reco_cache_clear();
    reco_cache_put(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allergen_codes_round_trip_and_unknown_is_minus_one),
        cmocka_unit_test(hard_filters_exclude_allergens_meat_heat_and_dislikes),
        cmocka_unit_test(worry_diary_gets_warm_light_food_and_angry_gets_spicy),
        cmocka_unit_test(same_diary_prefs_and_day_give_the_same_picks),
        cmocka_unit_test(picks_vary_across_days_and_diaries),
        cmocka_unit_test(no_food_three_nights_running),
        cmocka_unit_test(liked_food_rises_and_disliked_food_falls),
        cmocka_unit_test(spice_lovers_get_a_bonus_on_hot_food_and_others_do_not),
        cmocka_unit_test(reasons_name_the_emotion_the_food_and_a_property),
        cmocka_unit_test(previous_days_cross_months_years_and_leap_days),
        cmocka_unit_test(property_picks_never_violate_hard_filters),
        cmocka_unit_test(preferences_are_validated_field_by_field),
        cmocka_unit_test(catalogue_columns_parse_and_reject_garbage),
        cmocka_unit_test(cache_serves_until_the_ttl_and_keeps_readers_safe),
    };
    return cmocka_run_group_tests_name("recommend", tests, setup_foods, NULL);
}

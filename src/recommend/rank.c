/*
 * rank.c - the snack ranking: hard filters, the score, the three-nights rule and the reason
 * sentence. Integer arithmetic only, so equal inputs give equal picks on every machine.
 *
 * score = affinity x spice fit x food feedback weight x tag feedback weight x yesterday
 *         penalty x per-day jitter
 *   affinity   = sum over emotions of the diary's score (centi) x the food's affinity (milli)
 *   spice fit  = +10 % for a hot food (spice >= 2) when the user asked for the most heat (3);
 *                the default tolerance (2) only filters
 *   food fb    = 1 + 0.15 x (the user's summed feedback on this food), clamped to 0.3 .. 1.9
 *   tag fb     = 1 + 0.03 x (feedback on other foods, counted once per shared tag), 0.7 .. 1.4
 *   yesterday  = 0.8 when the food was recommended the day before (variety)
 *   jitter     = 0.85 .. 1.15 from a hash of (diary id, day, food id): deterministic for one
 *                diary and day, different across days
 */
#include "eeum/recommend.h"
#include "eeum/validate.h"

#include <stdio.h>
#include <string.h>

static const char *const ALLERGEN_CODES[RECO_ALLERGENS] = {
    "egg",     "milk",   "buckwheat", "peanut",    "soy",      "wheat",   "mackerel",
    "crab",    "shrimp", "pork",      "peach",     "tomato",   "sulfite", "walnut",
    "chicken", "beef",   "squid",     "shellfish", "pine_nut",
};

int reco_allergen_index(const char *code, size_t n)
{
    if (!code)
        return -1;
    for (int i = 0; i < RECO_ALLERGENS; i++) {
        if (strlen(ALLERGEN_CODES[i]) == n && memcmp(ALLERGEN_CODES[i], code, n) == 0)
            return i;
    }
    return -1;
}

const char *reco_allergen_code(int i)
{
    return i >= 0 && i < RECO_ALLERGENS ? ALLERGEN_CODES[i] : NULL;
}

void reco_prefs_default(struct reco_prefs *out)
{
    memset(out, 0, sizeof *out);
    out->spice_tolerance = 2;
}

static bool food_has_tag(const struct reco_food *f, const char *t)
{
    for (size_t i = 0; i < f->ntags; i++) {
        if (strcmp(f->tags[i], t) == 0)
            return true;
    }
    return false;
}

bool reco_food_allowed(const struct reco_food *f, const struct reco_prefs *p)
{
    if (f->allergens & p->allergies)
        return false;
    if (p->vegetarian && !f->vegetarian)
        return false;
    if (f->spice > p->spice_tolerance)
        return false;
    for (size_t i = 0; i < p->ndisliked_foods; i++) {
        if (p->disliked_food_ids[i] == f->id)
            return false;
    }
    for (size_t i = 0; i < p->ndisliked_tags; i++) {
        if (food_has_tag(f, p->disliked_tags[i]))
            return false;
    }
    return true;
}

/* ---- deterministic hashing ---- */

static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001B3ull;
    }
    return h;
}

static uint64_t pick_hash(const struct reco_input *in, uint64_t food_id)
{
    return mix64(mix64(in->diary_id ^ fnv1a(in->day)) ^ (food_id * 0xD6E8FEB86659FD93ull));
}

static bool id_in(const uint64_t *ids, size_t n, uint64_t id)
{
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == id)
            return true;
    }
    return false;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t affinity(const struct reco_food *f, const int32_t centi[RECO_EMOTIONS])
{
    int64_t a = 0;
    for (int e = 0; e < RECO_EMOTIONS; e++) {
        int64_t c = centi[e] < 0 ? 0 : centi[e];
        int64_t m = f->affinity_milli[e] < 0 ? 0 : f->affinity_milli[e];
        a += c * m;
    }
    return a;
}

static int64_t food_feedback_permille(const struct reco_food *f, const struct reco_input *in)
{
    int64_t s = 0;
    for (size_t i = 0; i < in->nfeedback; i++) {
        if (in->feedback[i].food_id == f->id)
            s += in->feedback[i].score;
    }
    s = clamp64(s, -100, 100);
    return clamp64(1000 + 150 * s, 300, 1900);
}

/* Feedback summed per tag over the foods it was given on (each feedback entry once per tag of
 * its food), so a food's tag weight costs one lookup per tag instead of a catalogue scan. Tags
 * beyond the table's room are ignored (the catalogue has a few dozen). */
#define TAG_TABLE_MAX 256

struct tag_table {
    const char *tag[TAG_TABLE_MAX]; /* borrowed from the catalogue */
    int64_t score[TAG_TABLE_MAX];
    size_t n;
};

static void tag_table_build(struct tag_table *tt, const struct reco_food *foods, size_t nfoods,
                            const struct reco_input *in)
{
    tt->n = 0;
    for (size_t i = 0; i < in->nfeedback; i++) {
        if (in->feedback[i].score == 0)
            continue;
        const struct reco_food *g = NULL;
        for (size_t j = 0; j < nfoods && !g; j++)
            g = foods[j].id == in->feedback[i].food_id ? &foods[j] : NULL;
        if (!g)
            continue;
        int64_t sc = clamp64(in->feedback[i].score, -100, 100);
        for (size_t k = 0; k < g->ntags; k++) {
            size_t t = 0;
            while (t < tt->n && strcmp(tt->tag[t], g->tags[k]) != 0)
                t++;
            if (t == tt->n) {
                if (tt->n == TAG_TABLE_MAX)
                    continue;
                tt->tag[tt->n] = g->tags[k];
                tt->score[tt->n++] = 0;
            }
            tt->score[t] += sc;
        }
    }
}

/* Feedback on other foods, once per tag they share with f. */
static int64_t tag_feedback_permille(const struct reco_food *f, const struct tag_table *tt,
                                     const struct reco_input *in)
{
    if (tt->n == 0)
        return 1000;
    int64_t own = 0; /* f's own feedback is the food weight's business, not the tags' */
    for (size_t i = 0; i < in->nfeedback; i++) {
        if (in->feedback[i].food_id == f->id)
            own += clamp64(in->feedback[i].score, -100, 100);
    }
    int64_t t = 0;
    for (size_t k = 0; k < f->ntags; k++) {
        for (size_t j = 0; j < tt->n; j++) {
            if (strcmp(tt->tag[j], f->tags[k]) == 0) {
                t += tt->score[j] - own;
                break;
            }
        }
    }
    t = clamp64(t, -1000, 1000);
    return clamp64(1000 + 30 * t, 700, 1400);
}

static int64_t score_with(const struct reco_food *f, const struct tag_table *tt,
                          const struct reco_input *in)
{
    int64_t s = affinity(f, in->centi); /* <= 10000 x 1000 */
    const struct reco_prefs *p = in->prefs;
    if (p && p->spice_tolerance == RECO_SPICE_MAX && f->spice >= 2)
        s = s * 1100 / 1000;
    s = s * food_feedback_permille(f, in) / 1000;
    s = s * tag_feedback_permille(f, tt, in) / 1000;
    if (id_in(in->yesterday, in->nyesterday, f->id))
        s = s * 800 / 1000;
    s = s * (850 + (int64_t)(pick_hash(in, f->id) % 301)) / 1000;
    return s;
}

int64_t reco_score(const struct reco_food *f, const struct reco_input *in)
{
    struct tag_table tt;
    tag_table_build(&tt, f, 1, in);
    return score_with(f, &tt, in);
}

/* The emotion contributing most to f's affinity; ties to the lower index. */
static int driving_emotion(const struct reco_food *f, const int32_t centi[RECO_EMOTIONS])
{
    int best = 0;
    int64_t best_v = -1;
    for (int e = 0; e < RECO_EMOTIONS; e++) {
        int64_t v = (int64_t)(centi[e] < 0 ? 0 : centi[e]) * f->affinity_milli[e];
        if (v > best_v) {
            best_v = v;
            best = e;
        }
    }
    return best;
}

/* True when candidate a ranks before b. */
static bool ranks_before(const struct reco_food *foods, const struct reco_input *in, size_t a,
                         int64_t sa, size_t b, int64_t sb)
{
    if (sa != sb)
        return sa > sb;
    uint64_t ha = pick_hash(in, foods[a].id), hb = pick_hash(in, foods[b].id);
    if (ha != hb)
        return ha > hb;
    return foods[a].id < foods[b].id;
}

size_t reco_rank(const struct reco_food *foods, size_t nfoods, const struct reco_input *in,
                 struct reco_pick out[RECO_PICKS])
{
    struct reco_prefs defaults;
    const struct reco_prefs *p = in->prefs;
    if (!p) {
        reco_prefs_default(&defaults);
        p = &defaults;
    }
    struct reco_input local = *in;
    local.prefs = p;

    struct tag_table tt;
    tag_table_build(&tt, foods, nfoods, &local);
    size_t n = 0;
    int64_t scores[RECO_PICKS] = {0};
    for (size_t i = 0; i < nfoods; i++) {
        const struct reco_food *f = &foods[i];
        if (!reco_food_allowed(f, p))
            continue;
        /* no food three nights running */
        if (id_in(in->yesterday, in->nyesterday, f->id) &&
            id_in(in->day_before, in->nday_before, f->id))
            continue;
        int64_t s = score_with(f, &tt, &local);
        /* insertion into the top RECO_PICKS */
        size_t pos = n;
        while (pos > 0 && ranks_before(foods, &local, i, s, out[pos - 1].food, scores[pos - 1]))
            pos--;
        if (pos >= RECO_PICKS)
            continue;
        size_t last = n < RECO_PICKS ? n : RECO_PICKS - 1;
        for (size_t k = last; k > pos; k--) {
            out[k].food = out[k - 1].food;
            scores[k] = scores[k - 1];
        }
        out[pos].food = i;
        scores[pos] = s;
        if (n < RECO_PICKS)
            n++;
    }
    for (size_t k = 0; k < n; k++) {
        const struct reco_food *f = &foods[out[k].food];
        out[k].score = scores[k];
        out[k].emotion = driving_emotion(f, in->centi);
        reco_reason(f, out[k].emotion, out[k].reason, sizeof out[k].reason);
    }
    return n;
}

/* ---- the reason sentence ---- */

struct tag_phrase {
    const char *tag;
    const char *modifier;   /* before a noun: "따뜻한" */
    const char *connective; /* before another modifier: "따뜻하고" */
};

static const struct tag_phrase PHRASES[] = {
    {"국물", "국물이 뜨끈한", "국물이 뜨끈하고"},
    {"따뜻한", "따뜻한", "따뜻하고"},
    {"매운", "매콤한", "매콤하고"},
    {"달콤", "달콤한", "달콤하고"},
    {"바삭", "바삭한", "바삭하고"},
    {"가벼운", "속이 편한 가벼운", "속이 편하고 가벼운"},
    {"든든한", "든든한", "든든하고"},
    {"차가운", "시원한", "시원하고"},
    {"쫄깃", "쫄깃한", "쫄깃하고"},
    {"고소", "고소한", "고소하고"},
    {"부드러운", "부드러운", "부드럽고"},
    {"짭짤", "짭짤한", "짭짤하고"},
    {"상큼", "상큼한", "상큼하고"},
    {"담백", "담백한", "담백하고"},
    {"얼큰", "얼큰한", "얼큰하고"},
    {"치즈", "치즈가 듬뿍 들어간", "치즈가 듬뿍 들어가고"},
};

/* Tags that suit each emotion, most fitting first. */
static const char *const EMOTION_TAGS[RECO_EMOTIONS][8] = {
    {"가벼운", "따뜻한", "국물", "부드러운", "담백", "달콤", NULL}, /* 걱정 */
    {"매운", "얼큰", "바삭", "차가운", "쫄깃", "짭짤", NULL},       /* 분노 */
    {"달콤", "바삭", "치즈", "고소", "든든한", "쫄깃", NULL},       /* 행복 */
    {"상큼", "달콤", "차가운", "바삭", "치즈", "가벼운", NULL},     /* 설렘 */
    {"따뜻한", "국물", "달콤", "부드러운", "든든한", "고소", NULL}, /* 슬픔 */
};

static const char *const EMOTION_OPENERS[RECO_EMOTIONS] = {
    "걱정이 많은 밤엔", "분노가 치미는 밤엔",   "행복한 밤엔",
    "설렘 가득한 밤엔", "슬픔이 밀려오는 밤엔",
};

static const struct tag_phrase *phrase_of(const char *tag)
{
    for (size_t i = 0; i < sizeof PHRASES / sizeof PHRASES[0]; i++) {
        if (strcmp(PHRASES[i].tag, tag) == 0)
            return &PHRASES[i];
    }
    return NULL;
}

/* The last code point of s when it is a Hangul syllable (else 0). */
static unsigned last_hangul(const char *s)
{
    size_t n = strlen(s);
    if (n < 3)
        return 0;
    const unsigned char *p = (const unsigned char *)s + n - 3;
    if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
    unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return cp >= 0xAC00 && cp <= 0xD7A3 ? cp : 0;
}

/* 이/가 after the name: 가 after a vowel or a non-Hangul ending. */
static const char *josa_i_ga(const char *name)
{
    unsigned cp = last_hangul(name);
    return cp && (cp - 0xAC00) % 28 != 0 ? "이" : "가";
}

/* (으)로 after the name: 로 after a vowel or ㄹ. */
static const char *josa_euro(const char *name)
{
    unsigned cp = last_hangul(name);
    unsigned jong = cp ? (cp - 0xAC00) % 28 : 0;
    return jong != 0 && jong != 8 ? "으로" : "로";
}

void reco_reason(const struct reco_food *f, int emotion, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    if (emotion < 0 || emotion >= RECO_EMOTIONS)
        emotion = 0;
    /* The food's tags that suit the emotion; two of them, starting at a place that depends on
     * the food, so that three picks of one list do not all read alike. */
    const struct tag_phrase *match[8];
    size_t nmatch = 0;
    for (size_t i = 0; EMOTION_TAGS[emotion][i] && nmatch < 8; i++) {
        if (food_has_tag(f, EMOTION_TAGS[emotion][i]))
            match[nmatch++] = phrase_of(EMOTION_TAGS[emotion][i]);
    }
    const struct tag_phrase *chosen[2] = {NULL, NULL};
    size_t nchosen = nmatch < 2 ? nmatch : 2;
    for (size_t k = 0; k < nchosen; k++)
        chosen[k] = match[(f->id + k) % nmatch];
    for (size_t i = 0; i < f->ntags && nchosen == 0; i++) {
        chosen[0] = phrase_of(f->tags[i]);
        nchosen = chosen[0] ? 1 : 0;
    }
    char prop[160];
    if (nchosen == 2)
        snprintf(prop, sizeof prop, "%s %s", chosen[0]->connective, chosen[1]->modifier);
    else if (nchosen == 1)
        snprintf(prop, sizeof prop, "%s", chosen[0]->modifier);
    else
        snprintf(prop, sizeof prop, "%s", "입맛을 살려 줄");

    const char *open = EMOTION_OPENERS[emotion];
    int w;
    switch (emotion) {
    case 1:
        w = snprintf(out, outlen, "%s %s %s%s 스트레스를 풀어 보세요.", open, prop, f->name,
                     josa_euro(f->name));
        break;
    case 2:
        w = snprintf(out, outlen, "%s %s %s%s 기분을 더 끌어올려 보세요.", open, prop, f->name,
                     josa_euro(f->name));
        break;
    case 3:
        w = snprintf(out, outlen, "%s %s %s%s 잘 어울려요.", open, prop, f->name,
                     josa_i_ga(f->name));
        break;
    case 4:
        w = snprintf(out, outlen, "%s %s %s%s 마음을 달래 줄 거예요.", open, prop, f->name,
                     josa_i_ga(f->name));
        break;
    default:
        w = snprintf(out, outlen, "%s %s %s 어때요?", open, prop, f->name);
        break;
    }
    if (w < 0 || (size_t)w >= outlen) {
        /* cut on a character boundary rather than in the middle of a UTF-8 sequence */
        size_t n = outlen - 1;
        while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80)
            n--;
        out[n] = '\0';
    }
}

/* ---- calendar ---- */

bool reco_previous_days(const char *day, char out1[11], char out2[11])
{
    struct val_date d;
    if (!day || !val_date_parse(day, strlen(day), &d))
        return false;
    long long z = val_date_to_days(d);
    char *outs[2] = {out1, out2};
    for (int k = 0; k < 2; k++) {
        struct val_date prev;
        if (!val_date_from_days(z - 1 - k, &prev))
            return false;
        val_date_format(prev, outs[k]);
    }
    return true;
}

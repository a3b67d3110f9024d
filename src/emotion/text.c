/*
 * text.c - text analysis for the emotion classifier: strict UTF-8 decoding (invalid bytes
 * become separators), NFC normalisation (libunistring), case folding, sentence splitting
 * (. ? ! … line breaks and Korean sentence endings -다/-요/-죠), tokens, the lexicon rules
 * (prefix matching inside tokens so particles and endings do not hide a stem, negation
 * 안/못/않/없/아니/-지 않, intensifiers 너무/정말/진짜/완전..., emoticons ㅠㅠ ㅋㅋ ㅎㅎ ^^ and
 * emoji) and the hashed features of the statistical model (syllable 1-3-grams with word
 * boundaries, words, word bigrams, negated stems). Pure: no I/O, no globals
 * written, so it is safe from any thread.
 */
#include "emotion_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

enum cls { C_SEP, C_BREAK, C_HANGUL, C_JAMO, C_LATIN, C_DIGIT, C_CARET, C_SYM };

struct tok {
    uint32_t start;
    uint32_t len;
    uint8_t cls;
    uint8_t negated; /* holds a negated lexicon hit: its n-grams are replaced by 'N' features */
};

#define STACK_CPS 1024

#define INTENS_FACTOR 1.6f
#define NEG_CANCEL    1.5f /* how much a negated stem counts against its own label */
#define INTENS_TOKENS 2    /* an intensifier reaches this many following tokens */

/* Negation: where the evidence of a negated hit goes. ROW = the hit's label. */
static const float NEG_FLIP[EMOTION_LABELS][EMOTION_LABELS] = {
    /* 걱정 없다 -> relief */ {0.0f, 0.0f, 0.8f, 0.0f, 0.0f},
    /* 화 안 났다 -> mostly nothing */ {0.0f, 0.0f, 0.3f, 0.0f, 0.0f},
    /* 행복하지 않다 -> sad, a bit angry */ {0.0f, 0.3f, 0.0f, 0.0f, 0.8f},
    /* 기대 안 된다 -> sad, a bit worried */ {0.3f, 0.0f, 0.0f, 0.0f, 0.6f},
    /* 슬프지 않다 -> mildly good */ {0.0f, 0.0f, 0.6f, 0.0f, 0.0f},
};

/* ---- hashing ---- */

static inline uint32_t h_init(uint32_t tag)
{
    return 2166136261u ^ (tag * 0x9E3779B1u);
}

static inline uint32_t h_add(uint32_t h, uint32_t c)
{
    return (h ^ c) * 16777619u;
}

static inline uint32_t h_fin(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* ---- decoding ---- */

/* Strict UTF-8: returns the code point and its byte length; an invalid sequence yields
 * U+FFFD for one byte. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *adv)
{
    unsigned char c = s[0];
    *adv = 1;
    if (c < 0x80)
        return c;
    size_t need;
    uint32_t cp;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0xFFFD;
    }
    if (n < need + 1)
        return 0xFFFD;
    for (size_t i = 1; i <= need; i++) {
        unsigned char d = s[i];
        if (i == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF))
            return 0xFFFD;
        cp = (cp << 6) | (d & 0x3Fu);
    }
    *adv = need + 1;
    return cp;
}

/* True when a code point may change under NFC (conservative: anything outside the ranges
 * that are already NFC on their own). */
static bool maybe_not_nfc(uint32_t c)
{
    if (c < 0x300)
        return false;
    if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x3131 && c <= 0x318E) ||
        (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x3029) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
        (c >= 0x1F000 && c <= 0x1FAFF) || c == 0xFFFD)
        return false;
    return true;
}

static enum cls classify_cp(uint32_t c)
{
    if (c >= 0xAC00 && c <= 0xD7A3)
        return C_HANGUL;
    if (c >= 0x3131 && c <= 0x318E)
        return C_JAMO;
    if (c >= 'a' && c <= 'z')
        return C_LATIN;
    if (c >= '0' && c <= '9')
        return C_DIGIT;
    switch (c) {
    case '\n':
    case '.':
    case '?':
    case '!':
    case ';':
    case 0x2026: /* … */
    case 0x3002: /* 。 */
    case 0x2028:
    case 0x2029:
        return C_BREAK;
    case '^':
        return C_CARET;
    default:
        break;
    }
    if ((c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF))
        return C_SYM;
    return C_SEP;
}

static inline bool is_sentence_final(uint32_t c)
{
    return c == 0xB2E4 /* 다 */ || c == 0xC694 /* 요 */ || c == 0xC8E0 /* 죠 */;
}

/* ---- lexicon ---- */

/* The longest entry matching tok[pos..), or NULL. Short (one code point) entries only when
 * allow_short; Latin entries only in Latin tokens. */
static const struct emo_lex_entry *lex_match(const struct emo_lexicon *lx, const uint32_t *t,
                                             uint32_t tlen, uint32_t pos, bool latin,
                                             bool allow_short)
{
    uint32_t c = t[pos];
    size_t lo = 0, hi = lx->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lx->e[mid].cp[0] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < lx->n && lx->e[i].cp[0] == c; i++) {
        const struct emo_lex_entry *e = &lx->e[i];
        if (e->latin != latin || (!allow_short && e->len < 2) || pos + e->len > tlen)
            continue;
        if (memcmp(e->cp, t + pos, e->len * sizeof(uint32_t)) == 0)
            return e;
    }
    return NULL;
}

static bool tok_eq(const uint32_t *t, uint32_t tlen, const uint32_t *w, uint32_t wlen)
{
    return tlen == wlen && memcmp(t, w, wlen * sizeof(uint32_t)) == 0;
}

static bool tok_starts(const uint32_t *t, uint32_t tlen, const uint32_t *w, uint32_t wlen)
{
    return tlen >= wlen && memcmp(t, w, wlen * sizeof(uint32_t)) == 0;
}

/* Korean intensifiers (as whole tokens or glued to the next word). */
static const uint32_t KO_INTENS[][3] = {
    {0xB108, 0xBB34, 0},
    /* 너무 */ {0xC815, 0xB9D0, 0},
    /* 정말 */ {0xC9C4, 0xC9DC, 0}, /* 진짜 */
    {0xC644, 0xC804, 0},
    /* 완전 */ {0xC5C4, 0xCCAD, 0},
    /* 엄청 */ {0xB9E4, 0xC6B0, 0}, /* 매우 */
    {0xC544, 0xC8FC, 0},
    /* 아주 */ {0xB418, 0xAC8C, 0},
    /* 되게 */ {0xC9C4, 0xC2EC, 0}, /* 진심 */
    {0xBB34, 0xCC99, 0},
    /* 무척 */ {0xBAB9, 0xC2DC, 0},
    /* 몹시 */ {0xB113, 0, 0}, /* 넘 */
    {0xAC1C, 0, 0},
    /* 개 */ {0xB108, 0xBB34, 0xB098}, /* 너무나 */
    {0xC815, 0xB9D0, 0xB85C},
    /* 정말로 */ {0xC9C4, 0xC9DC, 0xB85C}, /* 진짜로 */
    {0xB9CE, 0xC774, 0},
    /* 많이 */ {0xD070, 0, 0}, /* 큰 (큰일 is in the lexicon) */
};

static uint32_t w_len(const uint32_t *w, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && w[n])
        n++;
    return n;
}

static bool is_ko_intens(const uint32_t *t, uint32_t tlen)
{
    for (size_t i = 0; i < sizeof KO_INTENS / sizeof KO_INTENS[0]; i++)
        if (tok_eq(t, tlen, KO_INTENS[i], w_len(KO_INTENS[i], 3)))
            return true;
    return false;
}

/* Length of an intensifier glued at the start of a token (너무좋아), 0 when none. */
static uint32_t ko_intens_prefix(const uint32_t *t, uint32_t tlen)
{
    uint32_t best = 0;
    for (size_t i = 0; i < sizeof KO_INTENS / sizeof KO_INTENS[0]; i++) {
        uint32_t l = w_len(KO_INTENS[i], 3);
        if (l > best && l < tlen && tok_starts(t, tlen, KO_INTENS[i], l))
            best = l;
    }
    return best;
}

static const uint32_t W_AN[] = {0xC548};          /* 안 */
static const uint32_t W_MOT[] = {0xBABB};         /* 못 */
static const uint32_t W_ANH[] = {0xC54A};         /* 않 */
static const uint32_t W_EOPS[] = {0xC5C6};        /* 없 */
static const uint32_t W_ANI[] = {0xC544, 0xB2C8}; /* 아니 */
static const uint32_t SYL_JI = 0xC9C0;            /* 지 */
static const uint32_t SYL_JIN = 0xC9C4;           /* 진 (= 지는) */

static bool is_neg_word(const uint32_t *t, uint32_t tlen)
{
    return tok_eq(t, tlen, W_AN, 1) || tok_eq(t, tlen, W_MOT, 1);
}

/* A token that negates what precedes it: 않다, 못했다, 안 (돼), 없다, 아니다. */
static bool starts_negator(const uint32_t *t, uint32_t tlen)
{
    return tok_starts(t, tlen, W_ANH, 1) || tok_starts(t, tlen, W_MOT, 1) ||
           tok_starts(t, tlen, W_AN, 1) || tok_starts(t, tlen, W_EOPS, 1) ||
           tok_starts(t, tlen, W_ANI, 2);
}

/* The rest of a token after a hit negates it: 좋지않다, 재미없다, 기쁘진 (않다). */
static bool tail_negates(const uint32_t *r, uint32_t rlen)
{
    for (uint32_t i = 0; i < rlen; i++) {
        if (r[i] == W_EOPS[0])
            return true;
        if ((r[i] == SYL_JI || r[i] == SYL_JIN) && i + 1 < rlen &&
            (r[i + 1] == W_ANH[0] || r[i + 1] == W_MOT[0] || r[i + 1] == W_AN[0]))
            return true;
    }
    return false;
}

/* The rest ends in -지/-진/-지는/-지도/-지가/-지를/-질, so a following 않/못 negates. */
static bool tail_wants_negator(const uint32_t *r, uint32_t rlen)
{
    if (rlen == 0)
        return false;
    uint32_t last = r[rlen - 1];
    if (last == SYL_JI || last == SYL_JIN || last == 0xC9C8 /* 질 */)
        return true;
    if (rlen >= 2 && r[rlen - 2] == SYL_JI &&
        (last == 0xB294 /* 는 */ || last == 0xB3C4 /* 도 */ || last == 0xAC00 /* 가 */ ||
         last == 0xB97C /* 를 */))
        return true;
    return false;
}

/* English negators and intensifiers (apostrophes split tokens: don't -> don t). */
static const char *const EN_NEG[] = {"not",  "never", "no",    "don",    "didn", "doesn",  "isn",
                                     "wasn", "aren",  "weren", "cannot", "won",  "nothing"};
static const char *const EN_INTENS[] = {"so",    "very",      "really", "too",
                                        "super", "extremely", "totally"};

static bool latin_in(const uint32_t *t, uint32_t tlen, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list[i]);
        if (l != tlen)
            continue;
        size_t j = 0;
        while (j < l && t[j] == (uint32_t)(unsigned char)list[i][j])
            j++;
        if (j == l)
            return true;
    }
    return false;
}

/* ---- analysis ---- */

struct an {
    const struct emo_lexicon *lx;
    const uint32_t *cp;
    struct tok *tok;
    uint32_t mask;
    emo_feature_fn fn;
    void *ctx;
    struct emo_analysis *out;
};

static inline void emit(struct an *a, uint32_t h)
{
    a->fn(a->ctx, h_fin(h) & a->mask);
    a->out->nfeatures++;
}

static void add_evidence(struct an *a, const float w[EMOTION_LABELS], float scale, bool neg)
{
    for (int k = 0; k < EMOTION_LABELS; k++) {
        float v = w[k] * scale;
        if (v == 0.0f)
            continue;
        if (neg) {
            /* a negated stem counts against its own label and for the flipped ones */
            a->out->lex[k] -= v * NEG_CANCEL;
            for (int j = 0; j < EMOTION_LABELS; j++)
                a->out->lex[j] += v * NEG_FLIP[k][j];
        } else {
            a->out->lex[k] += v;
        }
    }
    a->out->lex_hits++;
}

static void add_one(struct an *a, int label, float v)
{
    float w[EMOTION_LABELS] = {0};
    w[label] = v;
    add_evidence(a, w, 1.0f, false);
}

/* A feature for a stem in a negated context: tag N + the hit's code points. */
static void emit_negated(struct an *a, const struct emo_lex_entry *e)
{
    uint32_t h = h_init('N');
    for (uint32_t i = 0; i < e->len; i++)
        h = h_add(h, e->cp[i]);
    emit(a, h);
}

/* Lexicon rules for one sentence: tokens [b, e). */
static void lexicon_pass(struct an *a, size_t b, size_t e)
{
    int pend_int = 0, pend_neg = 0, pend_neg_en = 0;
    for (size_t i = b; i < e; i++) {
        const struct tok *tk = &a->tok[i];
        const uint32_t *t = a->cp + tk->start;
        uint32_t tl = tk->len;
        const struct tok *nx = i + 1 < e ? &a->tok[i + 1] : NULL;
        const struct tok *nx2 = i + 2 < e ? &a->tok[i + 2] : NULL;
        switch (tk->cls) {
        case C_HANGUL: {
            if (is_ko_intens(t, tl)) {
                pend_int = INTENS_TOKENS;
                continue;
            }
            if (is_neg_word(t, tl)) {
                pend_neg = 1;
                continue;
            }
            /* Negation that follows the token: 좋지 않다, 걱정 없다, 기쁜 건 아니다. */
            bool next_negator =
                nx && nx->cls == C_HANGUL && starts_negator(a->cp + nx->start, nx->len);
            /* 짜증 안 나, 걱정 안 해, 기대 안 된다: a short negator after the stem */
            bool next_an = nx && nx->cls == C_HANGUL && tok_eq(a->cp + nx->start, nx->len, W_AN, 1);
            bool next_eops = nx && nx->cls == C_HANGUL &&
                             (tok_starts(a->cp + nx->start, nx->len, W_EOPS, 1) ||
                              tok_starts(a->cp + nx->start, nx->len, W_ANI, 2));
            bool next2_ani = nx && nx2 && nx->cls == C_HANGUL && nx->len <= 2 &&
                             nx2->cls == C_HANGUL &&
                             (tok_starts(a->cp + nx2->start, nx2->len, W_ANI, 2) ||
                              tok_starts(a->cp + nx2->start, nx2->len, W_EOPS, 1));
            /* Two-word entries (기분이 좋다, 보고 싶다): this token, a space, the next one. */
            if (nx && nx->cls == C_HANGUL && tl < 16) {
                uint32_t comb[33];
                uint32_t nl = nx->len < 16 ? nx->len : 16;
                memcpy(comb, t, tl * sizeof *comb);
                comb[tl] = ' ';
                memcpy(comb + tl + 1, a->cp + nx->start, nl * sizeof *comb);
                const struct emo_lex_entry *pm =
                    lex_match(a->lx, comb, tl + 1 + nl, 0, false, true);
                if (pm && pm->len > tl) {
                    uint32_t used = pm->len - tl - 1;
                    const uint32_t *rest = a->cp + nx->start + used;
                    uint32_t rl = nx->len - used;
                    const struct tok *n3 = i + 2 < e ? &a->tok[i + 2] : NULL;
                    bool n3_neg =
                        n3 && n3->cls == C_HANGUL && starts_negator(a->cp + n3->start, n3->len);
                    bool neg = pend_neg > 0 || tail_negates(rest, rl) ||
                               (n3_neg && tail_wants_negator(rest, rl)) ||
                               (n3 && n3->cls == C_HANGUL &&
                                (tok_starts(a->cp + n3->start, n3->len, W_EOPS, 1) ||
                                 tok_starts(a->cp + n3->start, n3->len, W_ANI, 2)));
                    add_evidence(a, pm->w, pend_int > 0 ? INTENS_FACTOR : 1.0f, neg);
                    if (neg) {
                        emit_negated(a, pm);
                        a->tok[i].negated = a->tok[i + 1].negated = 1;
                    }
                    pend_neg = 0;
                    if (pend_int > 0)
                        pend_int--;
                    i++; /* the next token is consumed by the phrase */
                    continue;
                }
            }
            uint32_t pos = 0;
            bool pre_neg = false, pre_int = false;
            const struct emo_lex_entry *m = lex_match(a->lx, t, tl, 0, false, true);
            if (!m && tl >= 2 && (t[0] == W_AN[0] || t[0] == W_MOT[0])) {
                m = lex_match(a->lx, t, tl, 1, false, true); /* 안좋아, 못믿겠다 */
                if (m) {
                    pos = 1;
                    pre_neg = true;
                }
            }
            if (!m) {
                uint32_t ip = ko_intens_prefix(t, tl);
                if (ip) {
                    m = lex_match(a->lx, t, tl, ip, false, true); /* 너무좋아 */
                    if (m) {
                        pos = ip;
                        pre_int = true;
                    }
                }
            }
            while (pos < tl) {
                if (!m)
                    m = lex_match(a->lx, t, tl, pos, false, false);
                if (!m) {
                    pos++;
                    continue;
                }
                uint32_t end = pos + m->len;
                const uint32_t *rest = t + end;
                uint32_t rl = tl - end;
                bool neg = pend_neg > 0 || pre_neg || tail_negates(rest, rl) ||
                           (next_negator && tail_wants_negator(rest, rl)) || next_eops ||
                           next2_ani || next_an;
                bool inten = pend_int > 0 || pre_int;
                add_evidence(a, m->w, inten ? INTENS_FACTOR : 1.0f, neg);
                if (neg) {
                    emit_negated(a, m);
                    a->tok[i].negated = 1;
                }
                pos = end;
                pre_neg = pre_int = false;
                m = NULL;
            }
            if (pend_neg > 0)
                pend_neg--;
            if (pend_int > 0)
                pend_int--;
            break;
        }
        case C_LATIN: {
            if (latin_in(t, tl, EN_NEG, sizeof EN_NEG / sizeof EN_NEG[0])) {
                pend_neg_en = 3;
                continue;
            }
            if (latin_in(t, tl, EN_INTENS, sizeof EN_INTENS / sizeof EN_INTENS[0])) {
                pend_int = INTENS_TOKENS;
                continue;
            }
            const struct emo_lex_entry *m = lex_match(a->lx, t, tl, 0, true, true);
            if (m) {
                add_evidence(a, m->w, pend_int > 0 ? INTENS_FACTOR : 1.0f, pend_neg_en > 0);
                if (pend_neg_en > 0) {
                    emit_negated(a, m);
                    a->tok[i].negated = 1;
                }
            }
            if (pend_neg_en > 0)
                pend_neg_en--;
            if (pend_int > 0)
                pend_int--;
            break;
        }
        case C_JAMO: {
            /* Emoticons typed as jamo: ㅠㅠ ㅜㅜ (crying), ㅋㅋ ㅎㅎ (laughing), ㅡㅡ (annoyed). */
            uint32_t cry = 0, laugh = 0, flat = 0;
            for (uint32_t j = 0; j < tl; j++) {
                if (t[j] == 0x3160 || t[j] == 0x315C)
                    cry++;
                else if (t[j] == 0x314B || t[j] == 0x314E)
                    laugh++;
                else if (t[j] == 0x3161)
                    flat++;
            }
            if (cry >= 1)
                add_one(a, 4, cry >= 3 ? 2.5f : 2.0f);
            else if (laugh >= 2)
                add_one(a, 2, laugh >= 4 ? 2.0f : 1.5f);
            else if (flat >= 2)
                add_one(a, 1, 1.5f);
            break;
        }
        case C_CARET:
            if (tl >= 2)
                add_one(a, 2, 1.5f); /* ^^ */
            break;
        case C_SYM: {
            uint32_t c = t[0];
            if (tl == 2 && c == ':')
                add_one(a, t[1] == ')' ? 2 : 4, 1.0f); /* :) :( */
            else if (c == 0x1F62D || c == 0x1F622 || c == 0x1F625 || c == 0x1F614 || c == 0x1F61E ||
                     c == 0x1F494)
                add_one(a, 4, 1.0f);
            else if (c == 0x1F621 || c == 0x1F620 || c == 0x1F92C || c == 0x1F624)
                add_one(a, 1, 1.0f);
            else if (c == 0x1F628 || c == 0x1F630 || c == 0x1F631 || c == 0x1F627 || c == 0x1F61F)
                add_one(a, 0, 1.0f);
            else if (c == 0x1F973 || c == 0x1F929 || c == 0x1F60D || c == 0x1F496)
                add_one(a, 3, 1.0f);
            else if (c == 0x1F60A || c == 0x1F604 || c == 0x1F603 || c == 0x1F602 || c == 0x1F970 ||
                     c == 0x1F606 || c == 0x263A || c == 0x2764 || c == 0x1F600 || c == 0x1F601)
                add_one(a, 2, 1.0f);
            break;
        }
        default:
            break;
        }
    }
}

static inline uint32_t ngram_cp(uint32_t c)
{
    return (c >= '0' && c <= '9') ? '0' : c;
}

/* Hashed features for one sentence: tokens [b, e). */
static void feature_pass(struct an *a, size_t b, size_t e)
{
    uint32_t p2 = 0, p1 = ' ';
    uint32_t prev_word = 0;
    for (size_t i = b; i < e; i++) {
        const struct tok *tk = &a->tok[i];
        const uint32_t *t = a->cp + tk->start;
        uint32_t tl = tk->len;
        if (tk->cls == C_CARET || tk->cls == C_SYM || tk->cls == C_JAMO) {
            /* Emoticons (ㅠㅠ ㅋㅋ ^^ emoji) are left to the rules in lexicon_pass: in the
             * comment data ㅠㅠ goes with worry as often as with sadness, in a diary it is
             * crying. They break the n-gram window. */
            p2 = 0;
            p1 = ' ';
            continue;
        }
        if (tk->negated) {
            /* a negated stem (걱정 없다, 행복하지 않다) must not vote with its plain n-grams:
             * lexicon_pass emitted its 'N' feature instead; restart the n-gram window */
            p2 = 0;
            p1 = ' ';
            prev_word = 0;
            continue;
        }
        /* syllable / letter n-grams, with ' ' marking word boundaries */
        for (uint32_t j = 0; j <= tl; j++) {
            uint32_t c = j < tl ? ngram_cp(t[j]) : ' ';
            if (c != ' ' && tk->cls == C_HANGUL)
                emit(a, h_add(h_init('1'), c));
            if (!(c == ' ' && p1 == ' '))
                emit(a, h_add(h_add(h_init('2'), p1), c));
            if (p2)
                emit(a, h_add(h_add(h_add(h_init('3'), p2), p1), c));
            p2 = p1;
            p1 = c;
        }
        if (tk->cls == C_HANGUL || tk->cls == C_LATIN) {
            uint32_t hw = h_init('W');
            for (uint32_t j = 0; j < tl; j++)
                hw = h_add(hw, t[j]);
            emit(a, hw);
            if (prev_word)
                emit(a, h_add(h_add(h_init('B'), prev_word), hw));
            prev_word = hw;
        }
    }
}

int emo_analyze(const struct emo_lexicon *lx, const char *text, size_t len, uint32_t hash_bits,
                emo_feature_fn fn, void *ctx, struct emo_analysis *out)
{
    memset(out, 0, sizeof *out);
    uint32_t stack_cp[STACK_CPS];
    struct tok stack_tok[STACK_CPS + 1];
    uint32_t *cp = stack_cp, *heap_cp = NULL, *nfc = NULL;
    struct tok *tok = stack_tok, *heap_tok = NULL;
    int rc = -1;
    if (!text)
        len = 0;
    if (len > STACK_CPS) {
        heap_cp = malloc(len * sizeof *heap_cp);
        if (!heap_cp)
            goto out;
        cp = heap_cp;
    }
    /* decode, fold case and full-width ASCII */
    size_t n = 0;
    bool need_nfc = false;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        size_t adv;
        uint32_t c = utf8_next(s + i, len - i, &adv);
        i += adv;
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c == 0 || c == 0xFFFD)
            c = ' ';
        need_nfc = need_nfc || maybe_not_nfc(c);
        cp[n++] = c;
    }
    if (need_nfc) {
        size_t nl = 0;
        nfc = u32_normalize(UNINORM_NFC, cp, n, NULL, &nl);
        if (!nfc)
            goto out;
        cp = nfc;
        n = nl;
    }
    size_t tok_cap = n + 1; /* at most one token per code point */
    if (tok_cap > sizeof stack_tok / sizeof stack_tok[0]) {
        heap_tok = malloc(tok_cap * sizeof *heap_tok);
        if (!heap_tok)
            goto out;
        tok = heap_tok;
    }

    struct an a = {lx, cp, tok, (1u << hash_bits) - 1u, fn, ctx, out};
    size_t ntok = 0, sent_start = 0;
    size_t i = 0;
    while (i < n) {
        enum cls c = classify_cp(cp[i]);
        bool end_sentence = false;
        if (cp[i] == ':' && i + 1 < n && (cp[i + 1] == ')' || cp[i + 1] == '(')) {
            tok[ntok++] = (struct tok){(uint32_t)i, 2, C_SYM, 0}; /* :) and :( */
            i += 2;
            continue;
        }
        if (c == C_BREAK) {
            end_sentence = true;
            i++;
        } else if (c == C_SEP) {
            i++;
            continue;
        } else {
            size_t j = i + 1;
            if (c != C_SYM) /* one emoji per token */
                while (j < n && classify_cp(cp[j]) == c)
                    j++;
            tok[ntok++] = (struct tok){(uint32_t)i, (uint32_t)(j - i), (uint8_t)c, 0};
            if (c == C_HANGUL && j - i >= 2 && is_sentence_final(cp[j - 1]) &&
                (j >= n || classify_cp(cp[j]) == C_SEP))
                end_sentence = true;
            i = j;
        }
        if (end_sentence && ntok > sent_start) {
            out->sentences++;
            lexicon_pass(&a, sent_start, ntok);
            feature_pass(&a, sent_start, ntok);
            sent_start = ntok;
        }
    }
    if (ntok > sent_start) {
        out->sentences++;
        lexicon_pass(&a, sent_start, ntok);
        feature_pass(&a, sent_start, ntok);
    }
    rc = 0;
out:
    free(heap_tok);
    free(nfc);
    free(heap_cp);
    if (rc != 0)
        memset(out, 0, sizeof *out);
    return rc;
}

void emo_lex_inputs(const struct emo_analysis *a, float out[EMOTION_LABELS])
{
    for (int k = 0; k < EMOTION_LABELS; k++)
        out[k] = a->lex[k] < 0.0f ? -log1pf(-a->lex[k]) : log1pf(a->lex[k]);
}

/*
 * search.c - Korean keyword search, the pure part: NFC and case folding, the one character
 * classification shared by index tokens, query words, substring verification and highlights,
 * the boolean-mode query builder, LIKE patterns and HTML snippets. No I/O, no static mutable
 * state (thread-safe); libunistring is used for NFC and Unicode character properties.
 *
 * Decisions (the header documents the token scheme; these complete it):
 *  - Case folding is Unicode simple lower-casing, one code point at a time (uc_tolower), the
 *    same in index, query, verification and highlight. Per-code-point mapping keeps a 1:1
 *    correspondence between the folded and the original characters, which the highlight needs;
 *    the context-dependent, length-changing u8_tolower is not used. For ASCII this is exactly
 *    the "ASCII lower-casing" the header names; Cyrillic, Greek, accented Latin fold too.
 *  - Word characters are those InnoDB's built-in parser also treats as word characters, so a
 *    token we write is exactly one InnoDB token: letters (L*), non-spacing and spacing marks
 *    (Mn, Mc: Thai and Indic vowel signs, accents NFC cannot compose), decimal digits (Nd) and
 *    letter numbers (Nl), in the BMP only (MariaDB's utf8mb4 ctype gives every supplementary
 *    code point "not a word character"), minus default-ignorable code points (variation
 *    selectors, Hangul fillers: emoji sequences must produce nothing) and minus the characters
 *    MariaDB 10.11's older Unicode table does not know (FT_UNKNOWN below). Everything else
 *    (spaces, punctuation, '_', symbols, emoji, controls) separates runs and is never indexed.
 *  - "Bigram scripts", written without spaces between words: Hangul syllables, Hangul
 *    compatibility jamo (ㅋㅋㅋ -> ㅋㅋ ㅋㅋ ㅋ_, so a search for ㅠㅠ works), leftover conjoining
 *    jamo, CJK ideographs and kana. They form one run class: a run mixing them is one run
 *    (좋아ㅋㅋ -> 좋아 아ㅋ ㅋㅋ ㅋ_). Everything else is a Latin-like run ("other word").
 *  - Other-word runs longer than FT_MAX_TOKEN_CHARS (InnoDB's innodb_ft_max_token_size, 84)
 *    are CUT to their first 84 characters: InnoDB silently ignores longer tokens, and a query
 *    prefix (at most SEARCH_MAX_WORD_CHARS characters) of the run still finds the cut token.
 *  - Latin-like words match at the START of a Latin-like run (`bbq*` finds bbq, BBQ치킨, bbqs,
 *    not mybbq), Korean words anywhere in a Hangul run; search_text_matches is a pure
 *    substring test and is meant to verify FULLTEXT candidates, not to replace them.
 */
#include "eeum/search.h"
#include "eeum/utf8.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#define FT_MAX_TOKEN_CHARS 84   /* innodb_ft_max_token_size: longer tokens are not indexed */
#define NFC_STACK_BYTES    2048 /* queries and short texts normalise without the heap */
#define ELLIPSIS           "\xE2\x80\xA6"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const char MSG_UTF8[] = "검색어가 올바른 UTF-8 문자열이 아닙니다.";
static const char MSG_EMPTY[] = "검색어를 입력해 주세요.";
static const char MSG_TOO_MANY[] =
    "검색어는 " STR(SEARCH_MAX_WORDS) "개 단어까지 입력할 수 있습니다.";
static const char MSG_TOO_LONG[] =
    "검색어 한 단어는 " STR(SEARCH_MAX_WORD_CHARS) "자까지 입력할 수 있습니다.";
static const char MSG_NOMEM[] = "검색어를 처리하지 못했습니다.";

enum cclass { CC_SEP, CC_BIGRAM, CC_WORD };

struct range {
    uint16_t lo, hi;
};

/*
 * BMP letters, marks and digits that MariaDB 10.11's InnoDB FULLTEXT parser treats as
 * separators (its utf8mb4 ctype table predates them: Unicode 4.1+ additions such as U+0370,
 * Hangul Jamo Extended-A/B, CJK U+9FA6..). Measured by indexing "q<c>q" for every candidate
 * code point with innodb_ft_min_token_size=2 and keeping those that produced no token; ranges
 * are merged across gaps holding no candidate. Treating them as separators keeps "our token
 * == InnoDB's token": a token InnoDB split would silently drop query terms or whole phrases.
 */
static const struct range FT_UNKNOWN[] = {
    {0x02EC, 0x02EC}, {0x0370, 0x0377}, {0x037F, 0x037F}, {0x03CF, 0x03CF}, {0x0487, 0x0487},
    {0x0514, 0x052F}, {0x0560, 0x0560}, {0x0588, 0x0588}, {0x05EF, 0x05EF}, {0x0616, 0x0620},
    {0x063B, 0x063F}, {0x065F, 0x065F}, {0x076E, 0x077F}, {0x07FD, 0x0900}, {0x093A, 0x093B},
    {0x094E, 0x094F}, {0x0955, 0x0957}, {0x0971, 0x097A}, {0x0980, 0x0980}, {0x09FC, 0x09FE},
    {0x0A51, 0x0A51}, {0x0A75, 0x0A75}, {0x0AF9, 0x0AFF}, {0x0B44, 0x0B44}, {0x0B55, 0x0B55},
    {0x0B62, 0x0B63}, {0x0BD0, 0x0BD0}, {0x0C00, 0x0C00}, {0x0C04, 0x0C04}, {0x0C34, 0x0C34},
    {0x0C3C, 0x0C3D}, {0x0C58, 0x0C5D}, {0x0C62, 0x0C63}, {0x0C80, 0x0C81}, {0x0CDD, 0x0CDD},
    {0x0CF1, 0x0D01}, {0x0D04, 0x0D04}, {0x0D29, 0x0D29}, {0x0D3A, 0x0D3D}, {0x0D44, 0x0D44},
    {0x0D4E, 0x0D56}, {0x0D5F, 0x0D5F}, {0x0D62, 0x0D63}, {0x0D7A, 0x0D81}, {0x0DE6, 0x0DEF},
    {0x0E86, 0x0E86}, {0x0E89, 0x0E89}, {0x0E8C, 0x0E8C}, {0x0E8E, 0x0E93}, {0x0E98, 0x0E98},
    {0x0EA0, 0x0EA0}, {0x0EA8, 0x0EA9}, {0x0EAC, 0x0EAC}, {0x0EBA, 0x0EBA}, {0x0EDE, 0x0EDF},
    {0x0F6B, 0x0F6C}, {0x0F8C, 0x0F8F}, {0x1022, 0x1022}, {0x1028, 0x1028}, {0x102B, 0x102B},
    {0x1033, 0x1035}, {0x103A, 0x103F}, {0x105A, 0x109D}, {0x10C7, 0x10CD}, {0x10FD, 0x10FF},
    {0x115A, 0x115E}, {0x11A3, 0x11A7}, {0x11FA, 0x11FF}, {0x135D, 0x135E}, {0x13F5, 0x13FD},
    {0x1677, 0x167F}, {0x16F1, 0x16F8}, {0x170D, 0x170D}, {0x1715, 0x171F}, {0x1878, 0x1878},
    {0x18AA, 0x18F5}, {0x191D, 0x191E}, {0x19AA, 0x19AB}, {0x1A20, 0x1ACE}, {0x1B4C, 0x1B4C},
    {0x1B80, 0x1CFA}, {0x1DCB, 0x1DFD}, {0x1E9C, 0x1E9F}, {0x1EFA, 0x1EFF}, {0x2095, 0x209C},
    {0x20F0, 0x20F0}, {0x2185, 0x2188}, {0x2C2F, 0x2C2F}, {0x2C5F, 0x2C5F}, {0x2C6D, 0x2C73},
    {0x2C78, 0x2C7F}, {0x2CEB, 0x2CF3}, {0x2D27, 0x2D2D}, {0x2D66, 0x2D67}, {0x2D7F, 0x2D7F},
    {0x2DE0, 0x2E2F}, {0x312D, 0x312F}, {0x31B8, 0x31BF}, {0x4DB6, 0x4DBF}, {0x9FA6, 0x9FBA},
    {0x9FBC, 0x9FFF}, {0xA4D0, 0xA6F1}, {0xA71B, 0xA7FF}, {0xA82C, 0xA82C}, {0xA880, 0xABF9},
    {0xD7B0, 0xD7FB}, {0xFA2E, 0xFA2F}, {0xFA6B, 0xFA6D}, {0xFE24, 0xFE2F},
};

/* Scripts written without spaces between words: indexed as overlapping bigrams. */
static const struct range BIGRAM_SCRIPTS[] = {
    {0x1100, 0x11FF}, /* Hangul conjoining jamo left over after NFC (old Hangul) */
    {0x3005, 0x3007}, /* 々 〆 〇 */
    {0x3021, 0x3029}, /* Hangzhou numerals */
    {0x3031, 0x3035}, /* kana repeat marks */
    {0x3038, 0x303C},
    {0x3040, 0x31FF}, /* hiragana, katakana, bopomofo, Hangul compatibility jamo */
    {0x3400, 0x4DBF}, /* CJK extension A */
    {0x4E00, 0x9FFF}, /* CJK unified ideographs */
    {0xA960, 0xA97F}, /* Hangul jamo extended-A */
    {0xAC00, 0xD7FF}, /* Hangul syllables, jamo extended-B */
    {0xF900, 0xFAFF}, /* CJK compatibility ideographs NFC leaves alone */
    {0xFF66, 0xFFDC}, /* half-width katakana and Hangul */
};

static bool in_ranges(const struct range *r, size_t n, ucs4_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < r[mid].lo)
            hi = mid;
        else if (c > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static bool is_word_char(ucs4_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c > 0xFFFF || uc_is_property_default_ignorable_code_point(c))
        return false;
    if (!uc_is_general_category_withtable(c, UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_Mn |
                                                 UC_CATEGORY_MASK_Mc | UC_CATEGORY_MASK_Nd |
                                                 UC_CATEGORY_MASK_Nl))
        return false;
    return !in_ranges(FT_UNKNOWN, sizeof FT_UNKNOWN / sizeof FT_UNKNOWN[0], c);
}

/* The one case folding of the module. A letter whose lower case InnoDB does not know (Cherokee
 * capitals fold to U+AB70..) keeps its own form, so folding never turns a word into nothing. */
static ucs4_t fold(ucs4_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    ucs4_t l = uc_tolower(c);
    if (l != c && !is_word_char(l) && is_word_char(c))
        return c;
    return l;
}

/* Class of an already folded code point. */
static enum cclass classify(ucs4_t f)
{
    if (!is_word_char(f))
        return CC_SEP;
    if (f >= 0x1100 &&
        in_ranges(BIGRAM_SCRIPTS, sizeof BIGRAM_SCRIPTS / sizeof BIGRAM_SCRIPTS[0], f))
        return CC_BIGRAM;
    return CC_WORD;
}

/* Decode one code point of VALID UTF-8 (validated by the caller). */
static size_t next_cp(const uint8_t *s, size_t n, ucs4_t *c)
{
    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    return (size_t)u8_mbtouc_unsafe(c, s, n);
}

static size_t encode_cp(ucs4_t c, uint8_t out[4])
{
    int len = u8_uctomb(out, c, 4);
    assert(len > 0);
    return (size_t)len;
}

/* ---- NFC ---------------------------------------------------------------------------------- */

/* Text that is already NFC, possibly the caller's own bytes (no copy). */
struct nfc_text {
    const uint8_t *s;
    size_t n;
    uint8_t *heap; /* owned; NULL when s is the input or the caller's stack buffer */
};

/*
 * True when valid UTF-8 `s` certainly is NFC already: every code point is below U+0300 (none of
 * them has NFC_Quick_Check No/Maybe or a non-zero combining class), a precomposed Hangul
 * syllable, a compatibility jamo or a CJK unified ideograph. Plain Korean/ASCII text - nearly
 * every query - then needs neither libunistring's normaliser nor a buffer.
 */
static bool nfc_quick_yes(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        ucs4_t c;
        i += next_cp(s + i, n - i, &c);
        if (!(c < 0x300 || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x3131 && c <= 0x318E) ||
              (c >= 0x4E00 && c <= 0x9FFF)))
            return false;
    }
    return true;
}

/* NFC of valid UTF-8, in `buf` when it fits (u8_normalize allocates only when it does not). */
static bool nfc_view(const uint8_t *s, size_t n, uint8_t *buf, size_t buflen, struct nfc_text *out)
{
    out->heap = NULL;
    if (nfc_quick_yes(s, n)) {
        out->s = s;
        out->n = n;
        return true;
    }
    size_t len = buflen;
    uint8_t *r = u8_normalize(UNINORM_NFC, s, n, buf, &len);
    if (!r)
        return false;
    if (r != buf)
        out->heap = r;
    out->s = r;
    out->n = len;
    return true;
}

bool search_nfc(const char *s, size_t n, struct strbuf *out)
{
    if (!utf8_valid(s, n))
        return false;
    uint8_t buf[NFC_STACK_BYTES];
    struct nfc_text t;
    if (!nfc_view((const uint8_t *)s, n, buf, sizeof buf, &t))
        return false;
    bool ok = strbuf_append(out, t.s, t.n);
    free(t.heap);
    return ok;
}

/* ---- index tokens ------------------------------------------------------------------------- */

struct tokw {
    struct strbuf *out;
    bool any; /* a token was written: the next one needs a separating space */
    bool ok;
};

static void tokw_put(struct tokw *w, const void *p, size_t n)
{
    if (w->ok && !strbuf_append(w->out, p, n))
        w->ok = false;
}

static void tokw_begin(struct tokw *w)
{
    if (w->any)
        tokw_put(w, " ", 1);
    w->any = true;
}

bool search_index_tokens(const char *text, size_t n, struct strbuf *out)
{
    if (!utf8_valid(text, n))
        return false;
    uint8_t buf[NFC_STACK_BYTES];
    struct nfc_text t;
    if (!nfc_view((const uint8_t *)text, n, buf, sizeof buf, &t))
        return false;

    size_t start_len = out->len;
    struct tokw w = {out, false, true};
    enum cclass run = CC_SEP;
    size_t runlen = 0; /* characters in the current run */
    uint8_t prev[4];   /* the previous character of a bigram run, folded and encoded */
    size_t prevn = 0;

    for (size_t i = 0; i <= t.n && w.ok;) {
        enum cclass k = CC_SEP;
        uint8_t enc[4];
        size_t encn = 0;
        if (i < t.n) {
            ucs4_t c;
            i += next_cp(t.s + i, t.n - i, &c);
            ucs4_t f = fold(c);
            k = classify(f);
            encn = encode_cp(f, enc);
        } else {
            i++; /* one extra round with a separator closes the last run */
        }
        if (k != run) {
            /* the run ends: its last syllable "s_", or "x_" for a one-character word */
            if (run == CC_BIGRAM) {
                tokw_begin(&w);
                tokw_put(&w, prev, prevn);
                tokw_put(&w, "_", 1);
            } else if (run == CC_WORD && runlen == 1) {
                tokw_put(&w, "_", 1);
            }
            run = k;
            runlen = 0;
        }
        if (k == CC_BIGRAM) {
            if (runlen > 0) {
                tokw_begin(&w);
                tokw_put(&w, prev, prevn);
                tokw_put(&w, enc, encn);
            }
            memcpy(prev, enc, encn);
            prevn = encn;
        } else if (k == CC_WORD) {
            if (runlen == 0)
                tokw_begin(&w);
            if (runlen < FT_MAX_TOKEN_CHARS)
                tokw_put(&w, enc, encn);
        }
        runlen++;
    }
    free(t.heap);
    if (!w.ok) {
        /* all or nothing: never leave half a token list behind */
        out->len = start_len;
        if (out->data)
            out->data[start_len] = '\0';
    }
    return w.ok;
}

/* ---- query parsing ------------------------------------------------------------------------ */

struct wchar {
    uint16_t off; /* byte offset in the word's text */
    uint8_t len;
    uint8_t cls;
};

/* The word being collected: folded UTF-8 plus where each character starts. */
struct wbuild {
    char text[SEARCH_MAX_WORD_BYTES + 1];
    size_t nbytes;
    size_t nchars;
    struct wchar ch[SEARCH_MAX_WORD_CHARS];
};

static void token_set(struct search_token *t, const char *p, size_t n, bool prefix)
{
    assert(n < sizeof t->text);
    memcpy(t->text, p, n);
    t->text[n] = '\0';
    t->prefix = prefix;
}

/* Tokens of one word, run by run (see the header); at most one per character, so they fit. */
static void word_tokens(struct search_word *w, const struct wbuild *b)
{
    w->ntokens = 0;
    size_t i = 0;
    while (i < b->nchars) {
        size_t j = i;
        while (j < b->nchars && b->ch[j].cls == b->ch[i].cls)
            j++;
        const char *run = b->text + b->ch[i].off;
        if (b->ch[i].cls == CC_BIGRAM && j - i >= 2) {
            for (size_t k = i; k + 1 < j; k++) {
                size_t len = (size_t)b->ch[k].len + b->ch[k + 1].len;
                token_set(&w->tokens[w->ntokens], b->text + b->ch[k].off, len, false);
                w->phrase_next[w->ntokens] = k + 2 < j;
                w->ntokens++;
            }
        } else if (b->ch[i].cls == CC_BIGRAM) {
            /* one syllable: prefix of a bigram (밥을) or of the run end (밥_) */
            token_set(&w->tokens[w->ntokens], run, b->ch[i].len, true);
            w->phrase_next[w->ntokens++] = false;
        } else {
            /* a prefix, so it may be cut on a character boundary to fit: it only matches more */
            size_t len = 0;
            for (size_t k = i; k < j; k++) {
                if (len + b->ch[k].len > SEARCH_TOKEN_MAX_BYTES - 1)
                    break;
                len += b->ch[k].len;
            }
            token_set(&w->tokens[w->ntokens], run, len, true);
            w->phrase_next[w->ntokens++] = false;
        }
        i = j;
    }
    assert(w->ntokens <= SEARCH_MAX_TOKENS_PER_WORD);
}

/* Adds the collected word unless it repeats one; NULL or the message of the 400. */
static const char *finish_word(struct search_query *q, struct wbuild *b)
{
    if (b->nchars == 0)
        return NULL;
    b->text[b->nbytes] = '\0';
    for (size_t i = 0; i < q->nwords; i++)
        if (strcmp(q->words[i].text, b->text) == 0)
            return NULL;
    if (q->nwords == SEARCH_MAX_WORDS)
        return MSG_TOO_MANY;
    struct search_word *w = &q->words[q->nwords++];
    memcpy(w->text, b->text, b->nbytes + 1);
    word_tokens(w, b);
    return NULL;
}

enum status search_query_parse(const char *input, size_t n, struct search_query *out,
                               const char **out_msg)
{
    out->nwords = 0;
    *out_msg = NULL;
    if (!input) {
        input = "";
        n = 0;
    }
    if (!utf8_valid(input, n)) {
        *out_msg = MSG_UTF8;
        return STATUS_BAD_REQUEST;
    }
    uint8_t buf[NFC_STACK_BYTES];
    struct nfc_text t;
    if (!nfc_view((const uint8_t *)input, n, buf, sizeof buf, &t)) {
        *out_msg = MSG_NOMEM;
        return STATUS_INTERNAL;
    }

    const char *msg = NULL;
    struct wbuild b;
    b.nbytes = 0;
    b.nchars = 0;
    for (size_t i = 0; i <= t.n && !msg;) {
        enum cclass k = CC_SEP;
        uint8_t enc[4];
        size_t encn = 0;
        if (i < t.n) {
            ucs4_t c;
            i += next_cp(t.s + i, t.n - i, &c);
            ucs4_t f = fold(c);
            k = classify(f);
            encn = encode_cp(f, enc);
        } else {
            i++;
        }
        if (k == CC_SEP) {
            msg = finish_word(out, &b);
            b.nbytes = 0;
            b.nchars = 0;
            continue;
        }
        if (b.nchars == SEARCH_MAX_WORD_CHARS) {
            msg = MSG_TOO_LONG;
            break;
        }
        b.ch[b.nchars].off = (uint16_t)b.nbytes;
        b.ch[b.nchars].len = (uint8_t)encn;
        b.ch[b.nchars].cls = (uint8_t)k;
        b.nchars++;
        memcpy(b.text + b.nbytes, enc, encn);
        b.nbytes += encn;
    }
    free(t.heap);
    if (!msg && out->nwords == 0)
        msg = MSG_EMPTY;
    if (msg) {
        out->nwords = 0;
        *out_msg = msg;
        return STATUS_BAD_REQUEST;
    }
    return STATUS_OK;
}

/* ---- boolean query and LIKE --------------------------------------------------------------- */

/* Bounded writer into a caller's char array: never writes at or past cap, always room for NUL. */
struct bw {
    char *p;
    size_t cap;
    size_t len;
    bool ok;
};

static void bw_put(struct bw *w, const char *s, size_t n)
{
    if (!w->ok)
        return;
    if (n >= w->cap - w->len) {
        w->ok = false;
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static bool bw_finish(struct bw *w)
{
    if (w->cap == 0)
        return false;
    if (!w->ok) {
        w->p[0] = '\0'; /* nothing half-built is usable */
        return false;
    }
    w->p[w->len] = '\0';
    return true;
}

static void bw_token(struct bw *w, const struct search_token *t)
{
    bw_put(w, t->text, strlen(t->text));
}

/* Append word `wd`'s chosen tokens (bits of `m`, at least one) as required terms. */
static void bw_word(struct bw *w, const struct search_word *wd, uint64_t m)
{
    for (size_t k = 0; w->ok && k < wd->ntokens; k++) {
        if (!(m >> k & 1))
            continue;
        /* the longest chain of chosen tokens adjacent in every matching text */
        size_t e = k;
        while (wd->phrase_next[e] && e + 1 < wd->ntokens && (m >> (e + 1) & 1))
            e++;
        if (w->len > 0)
            bw_put(w, " ", 1);
        if (e > k) {
            bw_put(w, "+\"", 2);
            for (size_t j = k; j <= e; j++) {
                if (j > k)
                    bw_put(w, " ", 1);
                bw_token(w, &wd->tokens[j]);
            }
            bw_put(w, "\"", 1);
        } else {
            bw_put(w, "+", 1);
            bw_token(w, &wd->tokens[k]);
            if (wd->tokens[k].prefix)
                bw_put(w, "*", 1);
        }
        k = e;
    }
}

/* The tokens of `wd` chosen by `mask` (restricted to its tokens), or 0 for a malformed word. */
static uint64_t word_mask(const struct search_word *wd, uint64_t mask)
{
    if (wd->ntokens == 0 || wd->ntokens > SEARCH_MAX_TOKENS_PER_WORD)
        return 0;
    uint64_t all = wd->ntokens >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << wd->ntokens) - 1;
    return mask & all;
}

bool search_query_boolean(const struct search_query *q, const uint64_t *masks, char *out,
                          size_t outlen)
{
    struct bw w = {out, outlen, 0, outlen > 0};
    if (!q || q->nwords == 0 || q->nwords > SEARCH_MAX_WORDS)
        w.ok = false;
    for (size_t i = 0; w.ok && i < q->nwords; i++) {
        uint64_t m = word_mask(&q->words[i], masks ? masks[i] : ~(uint64_t)0);
        if (m == 0) {
            w.ok = false; /* a word without a term would silently stop being required */
            break;
        }
        bw_word(&w, &q->words[i], m);
    }
    return bw_finish(&w);
}

bool search_word_boolean(const struct search_word *wd, uint64_t mask, char *out, size_t outlen)
{
    struct bw w = {out, outlen, 0, outlen > 0 && wd != NULL};
    uint64_t m = wd ? word_mask(wd, mask) : 0;
    if (m == 0)
        w.ok = false;
    if (w.ok)
        bw_word(&w, wd, m);
    return bw_finish(&w);
}

static bool word_needs_run_start(const char *word);

bool search_word_anchored(const struct search_word *wd)
{
    return wd && word_needs_run_start(wd->text);
}

bool search_word_caseless(const struct search_word *wd)
{
    if (!wd || !wd->text[0])
        return false;
    const uint8_t *p = (const uint8_t *)wd->text;
    size_t n = strlen(wd->text);
    while (n > 0) {
        ucs4_t c;
        int len = u8_mbtouc(&c, p, n);
        if (len <= 0)
            return false;
        bool caseless = (c >= '0' && c <= '9') || (c >= 0xAC00 && c <= 0xD7A3) ||
                        (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
                        (c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF);
        if (!caseless)
            return false;
        p += len;
        n -= (size_t)len;
    }
    return true;
}

bool search_like_pattern(const struct search_word *wd, char *out, size_t outlen)
{
    struct bw w = {out, outlen, 0, outlen > 0 && wd != NULL};
    bw_put(&w, "%", 1);
    for (const char *p = wd ? wd->text : ""; w.ok && *p; p++) {
        if (*p == '\\' || *p == '%' || *p == '_')
            bw_put(&w, "\\", 1);
        bw_put(&w, p, 1);
    }
    bw_put(&w, "%", 1);
    return bw_finish(&w);
}

/* ---- verification and highlight ----------------------------------------------------------- */

/*
 * A word that starts with a Latin-like character is only found at the start of a Latin-like run
 * of the text: FULLTEXT matches its prefix token (bbq*) against whole index tokens, so it can
 * never find "mybbq". Verification and highlight follow the same rule, so that results do not
 * depend on the plan (FULLTEXT for rare words, a LIKE scan for common ones) and the index never
 * loses a match the verification accepts.
 */
static bool word_needs_run_start(const char *word)
{
    size_t n = strlen(word);
    ucs4_t c;
    return n > 0 && u8_mbtouc(&c, (const uint8_t *)word, n) > 0 && classify(c) == CC_WORD;
}

/* The folded character before byte `off` (> 0) of valid UTF-8 `s`. */
static ucs4_t cp_before(const uint8_t *s, size_t off)
{
    size_t k = off - 1;
    while (k > 0 && (s[k] & 0xC0) == 0x80)
        k--;
    ucs4_t c;
    next_cp(s + k, off - k, &c);
    return c;
}

static bool folded_contains(const uint8_t *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    bool run_start = word_needs_run_start(word);
    size_t from = 0;
    while (from <= n) {
        /* UTF-8 is self-synchronising: a byte match of valid UTF-8 starts on a character */
        const uint8_t *p = memmem(s + from, n - from, word, wl);
        if (!p)
            return false;
        size_t off = (size_t)(p - s);
        if (!run_start || off == 0 || classify(cp_before(s, off)) != CC_WORD)
            return true;
        from = off + 1;
    }
    return false;
}

bool search_text_matches(const struct search_query *q, const char *text, size_t n)
{
    /* no words never matches: an empty query must not mean "everything" */
    if (!q || q->nwords == 0 || !utf8_valid(text, n))
        return false;
    uint8_t buf[NFC_STACK_BYTES];
    struct nfc_text t;
    if (!nfc_view((const uint8_t *)text, n, buf, sizeof buf, &t))
        return false;

    /* folding one code point takes at most 4 bytes for at least 1: 4n bounds the result */
    uint8_t fbuf[NFC_STACK_BYTES];
    uint8_t *folded = fbuf;
    if (t.n > sizeof fbuf / 4)
        folded = t.n <= SIZE_MAX / 4 ? malloc(t.n * 4) : NULL;
    bool ok = folded != NULL;
    size_t fn = 0;
    for (size_t i = 0; ok && i < t.n;) {
        ucs4_t c;
        i += next_cp(t.s + i, t.n - i, &c);
        fn += encode_cp(fold(c), folded + fn);
    }
    for (size_t i = 0; ok && i < q->nwords && i < SEARCH_MAX_WORDS; i++)
        ok = folded_contains(folded, fn, q->words[i].text);
    if (folded != fbuf)
        free(folded);
    free(t.heap);
    return ok;
}

/* One character of the text: where it is in the NFC bytes, its folded form, whether a word
 * covers it. */
struct hchar {
    size_t off;
    ucs4_t f;
    bool mark;
};

/*
 * The window [a, b) of characters to show and the cut marks, within max_chars counting the
 * marks: centred on the first occurrence [p, p+len) (p = len = 0 without one).
 */
struct window {
    size_t a, b;
    bool left, right;
};

static struct window snippet_window(size_t nchars, size_t max_chars, size_t p, size_t len)
{
    struct window win = {0, nchars, false, false};
    if (nchars <= max_chars)
        return win;
    if (max_chars == 0) {
        win.b = 0;
        return win;
    }
    size_t c = max_chars >= 2 ? max_chars - 2 : 0; /* content when cut on both sides */
    size_t start = p;
    if (len < c) {
        size_t slack = (c - len) / 2;
        start = p > slack ? p - slack : 0;
    }
    if (start + c > nchars)
        start = nchars - c;
    if (start == 0) {
        win.b = max_chars - 1; /* cut on the right only */
        win.right = true;
    } else if (start + c == nchars) {
        win.a = nchars - (max_chars - 1); /* cut on the left only */
        win.left = true;
    } else if (c == 0) {
        win.a = win.b = start; /* max_chars < 3: no room for a character between two marks */
        win.left = true;
    } else {
        win.a = start;
        win.b = start + c;
        win.left = win.right = true;
    }
    return win;
}

static bool put_escaped(struct strbuf *out, const uint8_t *s, size_t n)
{
    if (n == 1) {
        switch (s[0]) {
        case '&':
            return strbuf_puts(out, "&amp;");
        case '<':
            return strbuf_puts(out, "&lt;");
        case '>':
            return strbuf_puts(out, "&gt;");
        case '"':
            return strbuf_puts(out, "&quot;");
        case '\'':
            return strbuf_puts(out, "&#39;");
        default:
            break;
        }
    }
    return strbuf_append(out, s, n);
}

/* Marks every occurrence of every word in ch[0..nchars); returns the earliest one (the longest
 * on a tie) in *first / *first_len, or nchars / 0 without any. */
static void mark_words(const struct search_query *q, struct hchar *ch, size_t nchars, size_t *first,
                       size_t *first_len)
{
    *first = nchars;
    *first_len = 0;
    for (size_t wi = 0; q && wi < q->nwords && wi < SEARCH_MAX_WORDS; wi++) {
        ucs4_t wcp[SEARCH_MAX_WORD_BYTES];
        size_t wn = 0;
        const uint8_t *ws = (const uint8_t *)q->words[wi].text;
        size_t wlen = strnlen(q->words[wi].text, SEARCH_MAX_WORD_BYTES);
        if (!utf8_valid((const char *)ws, wlen))
            continue;
        for (size_t i = 0; i < wlen; wn++)
            i += next_cp(ws + i, wlen - i, &wcp[wn]);
        bool run_start = wn > 0 && classify(wcp[0]) == CC_WORD;
        for (size_t s = 0; wn > 0 && s + wn <= nchars; s++) {
            if (run_start && s > 0 && classify(ch[s - 1].f) == CC_WORD)
                continue;
            size_t j = 0;
            while (j < wn && ch[s + j].f == wcp[j])
                j++;
            if (j < wn)
                continue;
            for (j = 0; j < wn; j++)
                ch[s + j].mark = true;
            if (s < *first || (s == *first && wn > *first_len)) {
                *first = s;
                *first_len = wn;
            }
        }
    }
}

static bool emit_snippet(const struct nfc_text *t, const struct hchar *ch, size_t nchars,
                         struct window win, struct strbuf *out)
{
    if (win.left && !strbuf_puts(out, ELLIPSIS))
        return false;
    for (size_t i = win.a; i < win.b; i++) {
        size_t end = i + 1 < nchars ? ch[i + 1].off : t->n;
        /* spans of marked characters, closed and reopened at the window's edges */
        if (ch[i].mark && (i == win.a || !ch[i - 1].mark) && !strbuf_puts(out, "<em>"))
            return false;
        if (!put_escaped(out, t->s + ch[i].off, end - ch[i].off))
            return false;
        if (ch[i].mark && (i + 1 == win.b || !ch[i + 1].mark) && !strbuf_puts(out, "</em>"))
            return false;
    }
    return !win.right || strbuf_puts(out, ELLIPSIS);
}

bool search_highlight(const struct search_query *q, const char *text, size_t n, size_t max_chars,
                      struct strbuf *out)
{
    if (!utf8_valid(text, n))
        return false;
    uint8_t buf[NFC_STACK_BYTES];
    struct nfc_text t;
    if (!nfc_view((const uint8_t *)text, n, buf, sizeof buf, &t))
        return false;

    size_t start_len = out->len;
    size_t nchars = utf8_count((const char *)t.s, t.n);
    struct hchar *ch = NULL;
    if (nchars > 0 && nchars <= SIZE_MAX / sizeof *ch)
        ch = malloc(nchars * sizeof *ch);
    bool ok = nchars == 0 || ch != NULL;
    if (ok) {
        size_t k = 0;
        for (size_t i = 0; i < t.n; k++) {
            ucs4_t c;
            ch[k].off = i;
            ch[k].mark = false;
            i += next_cp(t.s + i, t.n - i, &c);
            ch[k].f = fold(c);
        }
        size_t first, first_len;
        mark_words(q, ch, nchars, &first, &first_len);
        if (first == nchars)
            first = 0; /* no occurrence: the beginning of the text */
        ok = emit_snippet(&t, ch, nchars, snippet_window(nchars, max_chars, first, first_len), out);
    }
    if (!ok) {
        out->len = start_len;
        if (out->data)
            out->data[start_len] = '\0';
    }
    free(ch);
    free(t.heap);
    return ok;
}

/* ---- planner ---------------------------------------------------------------------------- */

void search_plan_choose(const uint64_t *df, size_t nwords, uint64_t nposts, uint64_t need,
                        struct search_plan_choice *out)
{
    memset(out, 0, sizeof *out);
    out->kind = SEARCH_PLAN_NONE;
    if (nwords == 0 || nwords > SEARCH_MAX_WORDS)
        return;
    out->estimate = UINT64_MAX;
    for (size_t w = 0; w < nwords; w++) {
        if (df[w] < out->estimate) {
            out->estimate = df[w];
            out->rarest = w;
        }
    }
    if (out->estimate == 0)
        return;
    double n = (double)nposts, k = need ? (double)need : 1.0;
    double ft_max = SEARCH_FT_FACTOR * sqrt(n * k);
    if (ft_max < SEARCH_FT_MIN_HITS)
        ft_max = SEARCH_FT_MIN_HITS;
    if (ft_max > SEARCH_FT_MAX_HITS)
        ft_max = SEARCH_FT_MAX_HITS;
    out->ft_max = (uint64_t)ft_max;
    out->match[out->rarest] = true;
    out->kind = SEARCH_PLAN_FULLTEXT;
    if ((double)out->estimate <= ft_max)
        return;

    /* Other words with short posting lists: InnoDB intersects the lists in the index and
     * reads only the rows of the posts holding all of them. */
    double together = (double)out->estimate;
    size_t nmatch = 1;
    for (size_t w = 0; w < nwords; w++) {
        if (w != out->rarest && df[w] <= SEARCH_FT_LIST_MAX && nposts > 0) {
            together *= (double)(df[w] < nposts ? df[w] : nposts) / n;
            nmatch++;
        }
    }
    if (nmatch > 1 && together * 2 <= ft_max) { /* independence is a guess: keep a margin */
        for (size_t w = 0; w < nwords; w++)
            out->match[w] = w == out->rarest || df[w] <= SEARCH_FT_LIST_MAX;
        return;
    }

    out->kind = SEARCH_PLAN_SCAN;
    memset(out->match, 0, sizeof out->match);
    double expected = n; /* posts holding every word, assuming independence */
    for (size_t w = 0; w < nwords; w++)
        expected *= nposts ? (double)(df[w] < nposts ? df[w] : nposts) / n : 0.0;
    if (expected < 1.0)
        expected = 1.0;
    double rows = SEARCH_SCAN_SLACK * k * n / expected;
    if (rows < SEARCH_SCAN_MIN_ROWS)
        rows = SEARCH_SCAN_MIN_ROWS;
    if (rows > SEARCH_SCAN_MAX_ROWS)
        rows = SEARCH_SCAN_MAX_ROWS;
    uint64_t steps = ((uint64_t)rows + SEARCH_SCAN_STEP - 1) / SEARCH_SCAN_STEP;
    out->window = steps * SEARCH_SCAN_STEP;
}

void search_plan_anchor(const bool *anchored, size_t nwords, struct search_plan_choice *ch)
{
    if (!anchored || ch->kind != SEARCH_PLAN_FULLTEXT)
        return;
    for (size_t w = 0; w < nwords && w < SEARCH_MAX_WORDS; w++)
        ch->match[w] |= anchored[w];
}

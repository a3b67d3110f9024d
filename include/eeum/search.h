/*
 * search.h - Korean keyword search, the pure part (no I/O): NFC normalisation, index tokens
 * for InnoDB FULLTEXT (min token size 2, built-in parser), the user's words -> a boolean-mode
 * query built from sanitised tokens only, LIKE patterns to verify candidates against the
 * original text, and HTML-escaped highlight snippets. Shared by board and diary search.
 *
 * Index tokens (space-separated, in text order):
 *  - each run of Hangul syllables s1..sn gives the overlapping bigrams s1s2 s2s3 ... and, for
 *    its last syllable, the token "sn_" ('_' is a word character for InnoDB, so one-syllable
 *    words are indexable and `밥*` finds 밥을 (bigram) and 볶음밥 (run end "밥_"));
 *  - each run of letters/digits of other scripts, lower-cased, is one token ("bbq", "2");
 *    a one-character run becomes "x_".
 * Query words are maximal runs of letter/digit characters of the input (every other character,
 * including + - < > ( ) ~ * " @, separates words); all words are required (AND).
 */
/*
 * Details (search.c explains why):
 *  - "Lower-cased" everywhere below is Unicode simple lower-casing, one code point at a time
 *    (ASCII, and also Cyrillic, Greek, accented Latin), the same in index, query, verification
 *    and highlight.
 *  - Letters/digits: BMP letters, Mn/Mc marks, Nd and Nl that InnoDB's parser also treats as
 *    word characters; emoji, symbols, '_', controls and supplementary-plane characters separate.
 *  - Hangul compatibility jamo (ㅋㅋ), CJK ideographs and kana are treated like Hangul syllables
 *    (bigrams) and join them in one run; index runs of other letters are cut to their first 84
 *    characters (innodb_ft_max_token_size).
 *  - A word that starts with a Latin-like letter or digit matches only at the start of such a
 *    run of the text ("bbq" finds "BBQ치킨", not "mybbq"), in search_text_matches and
 *    search_highlight too, exactly as its `bbq*` term does in FULLTEXT.
 *  - search_query_parse returns STATUS_INTERNAL only on ENOMEM (possible only for input longer
 *    than 2 KiB that needs NFC composition).
 */
#ifndef EEUM_SEARCH_H
#define EEUM_SEARCH_H

#include "eeum/status.h"
#include "eeum/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_MAX_WORDS           8
#define SEARCH_MAX_WORD_CHARS      40
#define SEARCH_MAX_WORD_BYTES      (SEARCH_MAX_WORD_CHARS * 4)
#define SEARCH_MAX_TOKENS_PER_WORD (SEARCH_MAX_WORD_CHARS)
#define SEARCH_TOKEN_MAX_BYTES     96 /* a token as it appears in the boolean query */

/* NFC-normalise valid UTF-8 into `out` (appended). False on invalid UTF-8 or ENOMEM.
 * Thread-safe. */
bool search_nfc(const char *s, size_t n, struct strbuf *out);

/* Append the index tokens of `text` (any UTF-8; normalised to NFC here) to `out`, separated by
 * single spaces. False on invalid UTF-8 or when `out` is full. Thread-safe. */
bool search_index_tokens(const char *text, size_t n, struct strbuf *out);

/* One query token: a whole token ("야식", "bbq") or a prefix ("밥" for `밥*`). */
struct search_token {
    char text[SEARCH_TOKEN_MAX_BYTES]; /* NUL-terminated; only letters, digits and '_' */
    bool prefix;
};

struct search_word {
    char text[SEARCH_MAX_WORD_BYTES + 1]; /* NFC, ASCII lower-cased: what must appear */
    size_t ntokens;
    struct search_token tokens[SEARCH_MAX_TOKENS_PER_WORD];
    /* tokens[i] and tokens[i+1] are adjacent in any matching text when phrase_next[i] is true
     * (the bigrams of one Hangul run), so they may be required as one phrase */
    bool phrase_next[SEARCH_MAX_TOKENS_PER_WORD];
};

struct search_query {
    size_t nwords;
    struct search_word words[SEARCH_MAX_WORDS];
};

/*
 * Parse the user's input (raw bytes from the query string). STATUS_OK with at least one word;
 * STATUS_BAD_REQUEST with a Korean message in *out_msg (static) for invalid UTF-8, no words
 * left (empty or operators only), more than SEARCH_MAX_WORDS words, or a word longer than
 * SEARCH_MAX_WORD_CHARS characters. Duplicate words are dropped. Thread-safe, no allocation.
 */
enum status search_query_parse(const char *input, size_t n, struct search_query *out,
                               const char **out_msg);

/*
 * Write the boolean-mode string for MATCH ... AGAINST: every word required, using for word i
 * only the tokens whose bit is set in masks[i] (masks == NULL: all tokens). Adjacent chosen
 * bigrams of one run become a quoted phrase, prefixes get '*':
 *   야식 bbq -> +야식 +bbq*        맛있는 -> +"맛있 있는"       밥 -> +밥*
 * False when `out` is too small or a word has no chosen token. Pure.
 */
bool search_query_boolean(const struct search_query *q, const uint64_t *masks, char *out,
                          size_t outlen);

/*
 * The boolean-mode string requiring only word `wd`'s tokens chosen by `mask` (as in
 * search_query_boolean for a query of that one word): what a plan MATCHes when the other words
 * are verified on the candidates only. False when `out` is too small or no token is chosen.
 */
bool search_word_boolean(const struct search_word *wd, uint64_t mask, char *out, size_t outlen);

/* True when the word starts with a Latin-like letter or digit: it matches only at the start of
 * such a run of the text, which its FULLTEXT prefix term (its first token) and
 * search_text_matches check, and LIKE cannot. */
bool search_word_anchored(const struct search_word *wd);

/* True when the word holds only characters without case variants (Hangul, jamo, CJK, kana,
 * ASCII digits): its NFC bytes can then be compared exactly (binary LIKE) with stored NFC
 * text, which is much cheaper than a collation-aware comparison. */
bool search_word_caseless(const struct search_word *wd);

/* `%word%` for LIKE with '\\' as the escape character (\\, % and _ escaped). */
bool search_like_pattern(const struct search_word *w, char *out, size_t outlen);

/* True when `text` (any UTF-8; NFC and ASCII case folded here) contains every word. */
bool search_text_matches(const struct search_query *q, const char *text, size_t n);

/*
 * Append to `out` an HTML-escaped snippet of `text` of at most `max_chars` characters (cut on
 * character boundaries, centred on the first occurrence of any word, "…" marking cuts, which
 * count toward the limit), with every occurrence of every word wrapped in <em>...</em> (tags
 * do not count toward the limit). NFC and ASCII case folding as in search_text_matches.
 * False on ENOMEM/full buffer or invalid UTF-8.
 */
bool search_highlight(const struct search_query *q, const char *text, size_t n, size_t max_chars,
                      struct strbuf *out);

/*
 * The search planner's choice (pure). InnoDB FULLTEXT costs about one row read per hit of the
 * tokens it MATCHes (plus reading their posting lists); a newest-first scan verifying the
 * words costs about nposts / matches rows per match it returns. Inputs: per word the document
 * frequency of its rarest token (an upper bound of the posts holding the word), the number of
 * posts, and the matches the page needs (offset + size + 1).
 *  - some df is 0: SEARCH_PLAN_NONE (no post can match);
 *  - FULLTEXT when the rarest word's df is at most max(SEARCH_FT_MIN_HITS,
 *    SEARCH_FT_FACTOR * sqrt(nposts * need)) (where the two costs cross; about 1,700 hits for
 *    a first page of 10 at 1,000,000 posts), and never above SEARCH_FT_MAX_HITS: MATCH that
 *    word only;
 *  - FULLTEXT on several words when every other word whose df is at most SEARCH_FT_LIST_MAX
 *    (a posting list cheap to read) is MATCHed too and, assuming independent words, their
 *    intersection is expected at half that threshold or less;
 *  - otherwise SEARCH_PLAN_SCAN over the newest `window` posts: SEARCH_SCAN_SLACK times the
 *    rows expected to hold `need` matches (all words, assumed independent), clamped to
 *    [SEARCH_SCAN_MIN_ROWS, SEARCH_SCAN_MAX_ROWS] and rounded up to a multiple of
 *    SEARCH_SCAN_STEP (a row budget: words that rarely meet cannot make it read every post).
 */
#define SEARCH_FT_MIN_HITS   500
#define SEARCH_FT_MAX_HITS   30000 /* never more (deep pages): about 1 s of row reads */
#define SEARCH_FT_FACTOR     0.5
#define SEARCH_FT_LIST_MAX   50000
#define SEARCH_SCAN_SLACK    4
#define SEARCH_SCAN_MIN_ROWS 10000
#define SEARCH_SCAN_MAX_ROWS 30000
#define SEARCH_SCAN_STEP     10000 /* windows are multiples of it (few distinct bounds to cache) */

enum search_plan_kind { SEARCH_PLAN_NONE, SEARCH_PLAN_FULLTEXT, SEARCH_PLAN_SCAN };

struct search_plan_choice {
    enum search_plan_kind kind;
    bool match[SEARCH_MAX_WORDS]; /* FULLTEXT: the words whose token is MATCHed */
    size_t rarest;                /* the word with the smallest df */
    uint64_t estimate;            /* df[rarest] */
    uint64_t ft_max;              /* the FULLTEXT threshold used */
    uint64_t window;              /* SCAN: the newest posts to read */
};

void search_plan_choose(const uint64_t *df, size_t nwords, uint64_t nposts, uint64_t need,
                        struct search_plan_choice *out);
/* FULLTEXT plans also MATCH every anchored word (anchored[w], NULL for none): only its prefix
 * term keeps the start-of-run rule (the scan plan checks it on the page in C). */
void search_plan_anchor(const bool *anchored, size_t nwords, struct search_plan_choice *ch);

#endif

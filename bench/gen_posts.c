/*
 * gen_posts.c - deterministic generator of realistic Korean board posts for the search
 * benchmark (bench/run-search.sh). It writes, for LOAD DATA LOCAL INFILE:
 *   DIR/boards.tsv           id, user_id, category, title, content, views, comment_count,
 *                            search_tokens, created_at, updated_at
 *   DIR/search_token_df.tsv  'board', token, number of distinct posts holding the token
 *   DIR/probes.tsv           the probe queries the benchmark runs, with their exact post counts
 * search_tokens are made by OUR search_index_tokens() exactly as src/handlers/boards.c does
 * (title tokens + " " + content tokens); all text is precomposed Hangul/ASCII, hence NFC.
 *
 * Text: a vocabulary of a few thousand words (everyday words and predicates, real food and
 * restaurant words, place + 맛집/식당 names, modifier + dish compounds such as 치즈돈까스)
 * drawn with Zipf-Mandelbrot frequencies (1/(rank + 2.7)), nouns often with a particle (을/를,
 * 이/가, 은/는, 으로/로, 에서, 도, 만), some English words and numbers (2인분, 12,000원),
 * sentences, paragraphs and ㅋㅋ. Probe words are planted with controlled frequencies (rare:
 * exactly chosen posts; the others: a Bernoulli draw per post) and no vocabulary word contains a
 * probe, so the counts stay under control; the printed counts are nevertheless measured on the
 * generated text (what `title LIKE '%w%' OR content LIKE '%w%'` finds per word, ASCII case
 * folded, every word required), not derived from the plan.
 *
 * usage: bench_gen_posts [-n POSTS] [-s SEED] [-u FIRST_USER_ID] [-a AUTHORS] -o DIR
 *        bench_gen_posts [-n POSTS] [-s SEED] [-u FIRST_USER_ID] [-a AUTHORS] --fingerprint
 * Authors are the user ids FIRST_USER_ID .. FIRST_USER_ID + AUTHORS - 1, a few of them writing
 * much more than the others (id = first + AUTHORS * u^2, u uniform).
 * --fingerprint prints a hash of the parameters and of the first 2000 rows, so that a script
 * can tell whether a database loaded earlier holds exactly what this generator would write.
 */
#include "eeum/search.h"
#include "eeum/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define GEN_DEFAULT_POSTS   1000000ull
#define GEN_DEFAULT_SEED    20240917ull
#define GEN_FINGERPRINT_N   2000
#define GEN_MAX_FRAGS       400
#define GEN_FRAG_BYTES      96
#define GEN_TEXT_MAX        (64u * 1024)
#define GEN_SPAN_SECONDS    (730ll * 86400) /* created_at spread: two years */
#define GEN_START_EPOCH     1672531200ll    /* 2023-01-01 00:00:00 UTC */
#define GEN_MAX_QUERY_WORDS 4
#define GEN_ZIPF_Q          2.7
#define GEN_FT_MAX_HITS     20000 /* src/handlers/search.c's SEARCH_FT_MAX_HITS, for the preview */

/* ---- random numbers: xoshiro256** seeded by splitmix64 ----------------------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t result = rotl(r->s[1] * 5, 7) * 9;
    uint64_t t = r->s[1] << 17;
    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = rotl(r->s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant here. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

/* ---- vocabulary ------------------------------------------------------------------------------ */

/* Everyday words, adverbs and predicates: the most frequent ranks, in this order. */
static const char *const TIER1_NOUNS[] = {
    "오늘",   "친구",   "집",     "저녁",     "점심", "메뉴", "가격",   "맛",   "양",   "가게",
    "사장님", "분위기", "서비스", "배달",     "포장", "주문", "후기",   "추천", "재료", "소스",
    "국물",   "양념",   "식당",   "맛집",     "음식", "요리", "레시피", "시간", "주말", "아침",
    "가족",   "우리",   "냄비",   "프라이팬", "접시", "동네", "처음",   "다음", "이번", "엄마",
};
static const char *const TIER1_OTHER[] = {
    "정말",     "너무",     "진짜",     "그리고",     "그래서",   "조금",       "많이",
    "다시",     "같이",     "완전",     "역시",       "항상",     "제일",       "특히",
    "먹었다",   "먹었어요", "좋았다",   "좋아요",     "괜찮았다", "갔다",       "왔어요",
    "시켰다",   "만들었다", "넣고",     "볶아서",     "끓여서",   "추천합니다", "했어요",
    "있었다",   "없었다",   "싶다",     "싶어요",     "같아요",   "배불렀다",   "달았다",
    "짰다",     "매웠다",   "바삭했다", "부드러웠다", "따뜻했다", "저렴했다",   "비쌌다",
    "친절했다", "깔끔했다", "재방문",   "강추",       "근데",     "약간",       "살짝",
};
/* Real food and restaurant words. Words containing a probe are dropped at start-up. */
static const char *const TIER2[] = {
    "라면",       "김치",       "된장찌개",     "순두부",     "부대찌개",   "불고기",
    "갈비",       "갈비찜",     "닭갈비",       "닭볶음탕",   "찜닭",       "족발",
    "보쌈",       "곱창",       "막창",         "순대",       "만두",       "냉면",
    "칼국수",     "수제비",     "잡채",         "파전",       "해물파전",   "김치전",
    "비빔국수",   "잔치국수",   "우동",         "라멘",       "회",         "물회",
    "탕수육",     "깐풍기",     "마라탕",       "양꼬치",     "훠궈",       "피자",
    "햄버거",     "파스타",     "스테이크",     "샐러드",     "샌드위치",   "토스트",
    "와플",       "케이크",     "마카롱",       "빙수",       "아이스크림", "커피",
    "라떼",       "아메리카노", "맥주",         "소주",       "막걸리",     "와인",
    "하이볼",     "야식",       "간식",         "디저트",     "브런치",     "도시락",
    "반찬",       "계란말이",   "계란찜",       "어묵",       "오뎅",       "튀김",
    "오징어튀김", "닭강정",     "양념게장",     "간장게장",   "감자탕",     "설렁탕",
    "곰탕",       "삼계탕",     "육개장",       "미역국",     "콩나물국",   "떡국",
    "만둣국",     "쌀국수",     "팟타이",       "카레",       "돈까스",     "치즈돈까스",
    "규동",       "오므라이스", "리조또",       "그라탕",     "타코",       "부리또",
    "마늘",       "양파",       "대파",         "고추",       "고춧가루",   "간장",
    "된장",       "고추장",     "참기름",       "설탕",       "소금",       "후추",
    "버터",       "치즈",       "우유",         "두부",       "계란",       "감자",
    "고구마",     "당근",       "애호박",       "버섯",       "시금치",     "콩나물",
    "숙주",       "양배추",     "오이",         "토마토",     "사과",       "딸기",
    "바나나",     "수박",       "복숭아",       "포도",       "돼지고기",   "소고기",
    "닭고기",     "닭가슴살",   "목살",         "항정살",     "차돌박이",   "우삼겹",
    "새우",       "오징어",     "문어",         "조개",       "홍합",       "연어",
    "참치",       "고등어",     "갈치",         "배달앱",     "리뷰",       "별점",
    "웨이팅",     "예약",       "주차",         "매장",       "테이블",     "인테리어",
    "직원",       "단골",       "신메뉴",       "가성비",     "회식",       "데이트",
    "생일",       "캠핑",       "에어프라이어", "전자레인지", "오븐",       "밀키트",
    "육수",       "면발",       "식감",         "비주얼",     "사이드",     "세트",
};
static const char *const PLACES[] = {
    "강남",   "홍대", "신촌", "성수",   "을지로", "종로", "이태원", "합정", "망원",
    "연남동", "잠실", "건대", "여의도", "판교",   "부산", "대구",   "광주", "전주",
    "제주",   "인천", "수원", "대전",   "강릉",   "속초", "경주",
};
static const char *const PLACE_SUFFIXES[] = {"맛집", "식당", "역", "점"};
static const char *const MODIFIERS[] = {
    "치즈", "해물",   "김치",   "불고기", "된장",   "고추장", "간장", "마늘", "양파",
    "감자", "고구마", "옥수수", "새우",   "오징어", "소고기", "돼지", "닭",   "참치",
    "햄",   "계란",   "버섯",   "두부",   "콩나물", "시금치", "버터", "크림", "로제",
    "숯불", "수제",   "옛날",   "왕",     "미니",   "냉",     "매콤", "바삭",
};
static const char *const BASES[] = {
    "찌개",     "전골",     "볶음",   "구이",   "조림",   "무침",   "튀김",   "전",
    "국",       "탕",       "면",     "국수",   "만두",   "샐러드", "파스타", "피자",
    "버거",     "샌드위치", "토스트", "카레",   "수프",   "죽",     "라면",   "우동",
    "스테이크", "롤",       "말이",   "찜",     "강정",   "꼬치",   "떡",     "빵",
    "케이크",   "쿠키",     "리조또", "그라탕", "오믈렛", "핫도그", "타코",   "부침개",
    "볶음면",   "비빔면",   "칼국수", "수제비", "냉면",   "쌀국수", "짜장",   "탕수육",
    "순대",     "족발",     "보쌈",   "곱창",   "닭갈비", "갈비",   "전병",
};
static const char *const ENGLISH[] = {
    "pizza",  "burger",  "pasta",   "coffee",  "latte",     "brunch",   "delivery",  "takeout",
    "menu",   "sauce",   "cheese",  "steak",   "salad",     "sandwich", "cafe",      "dessert",
    "vegan",  "spicy",   "Netflix", "YouTube", "Instagram", "KFC",      "Starbucks", "review",
    "combo",  "set",     "extra",   "hot",     "ice",       "best",     "good",      "size",
    "kimchi", "Coupang", "Baemin",  "OK",      "TV",        "PC",
};
/* Particle pairs: after a final consonant, after a vowel. */
static const char *const PARTICLES[][2] = {
    {"을", "를"},     {"이", "가"}, {"은", "는"}, {"으로", "로"},
    {"에서", "에서"}, {"도", "도"}, {"만", "만"},
};
static const char *const PUNCT[] = {".", ".", ".", "!", "~", "..", "?", "!!"};
static const char *const LAUGHS[] = {"ㅋㅋ", "ㅋㅋㅋ", "ㅎㅎ", "ㅠㅠ"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct vword {
    const char *text; /* static or from the compound arena */
    bool noun;        /* may take a particle */
};

/* ---- probes ------------------------------------------------------------------------------- */

/* A planted word: how it appears in posts and in how many posts. */
struct plant {
    const char *word;     /* the query word (what LIKE looks for) */
    const char *forms[6]; /* surface forms; each contains `word` (ASCII case aside) */
    bool noun;            /* forms may take a particle */
    double frac;          /* probability per post (ignored when count > 0) */
    unsigned count;       /* exactly this many chosen posts */
    int max_tf;           /* occurrences per post: 1..max_tf */
    int never_with;       /* index of a plant it never shares a post with, or -1 */
};

static const struct plant PLANTS[] = {
    {"마라샹궈", {"마라샹궈"}, true, 0, 10, 1, -1},
    {"꼬막", {"꼬막", "꼬막무침"}, true, 0, 10, 1, -1},
    {"omakase", {"omakase", "Omakase", "OMAKASE"}, true, 0, 10, 1, -1},
    {"떡볶이", {"떡볶이", "로제떡볶이", "즉석떡볶이"}, true, 0.010, 0, 2, -1},
    {"김치찌개", {"김치찌개", "참치김치찌개"}, true, 0.010, 0, 2, -1},
    {"귤", {"귤", "감귤", "귤청"}, true, 0.010, 0, 2, -1},
    {"삼겹살", {"삼겹살", "냉동삼겹살"}, true, 0.018, 0, 2, -1},
    {"짜장면", {"짜장면", "간짜장면"}, true, 0.025, 0, 2, -1},
    {"bbq", {"BBQ", "bbq", "Bbq"}, true, 0.030, 0, 1, -1},
    {"치킨", {"치킨", "후라이드치킨", "양념치킨", "치킨집", "순살치킨"}, true, 0.35, 0, 3, -1},
    {"짬뽕", {"짬뽕", "차돌짬뽕"}, true, 0.05, 0, 2, 9 /* 치킨 */},
    {"밥", {"밥", "볶음밥", "비빔밥", "김밥", "공깃밥", "밥집"}, true, 0.50, 0, 3, -1},
    {"맛있", {"맛있었다", "맛있는", "맛있어요", "맛있게", "맛있다"}, false, 0.90, 0, 3, -1},
};
#define NPLANTS COUNT(PLANTS)

/* A query of the benchmark: one or more words separated by single spaces. */
struct probe {
    const char *label;
    const char *query;
    char goal; /* 'r' rare: p99 <= 50 ms and >= 50x the LIKE scan; 'm' medium: p99 <= 50 ms;
                  'a' any other query: p99 <= 300 ms */
};

static const struct probe PROBES[] = {
    {"rare", "마라샹궈", 'r'},
    {"rare, 2 syllables", "꼬막", 'r'},
    {"rare, English", "omakase", 'r'},
    {"medium 1 %", "떡볶이", 'm'},
    {"medium 1 %", "김치찌개", 'm'},
    {"medium 1 %, 1 syllable", "귤", 'm'},
    {"1.8 % (under the old 20,000-hit FULLTEXT threshold)", "삼겹살", 'a'},
    {"2.5 % (over the old 20,000-hit FULLTEXT threshold)", "짜장면", 'a'},
    {"common 35 %", "치킨", 'a'},
    {"common 50 %, 1 syllable", "밥", 'a'},
    {"very common 90 %", "맛있", 'a'},
    {"absent (tokens exist, word does not)", "샹궈볶음", 'a'},
    {"multi: rare + common", "마라샹궈 치킨", 'a'},
    {"multi: medium + medium", "떡볶이 김치찌개", 'a'},
    {"multi: common + common", "치킨 맛있", 'a'},
    {"multi: common + English 3 %", "치킨 bbq", 'a'},
    {"multi: common + 5 %, never together", "치킨 짬뽕", 'a'},
};
#define NPROBES COUNT(PROBES)

/* ---- token document frequencies: open addressing over an arena ------------------------------ */

struct tok_entry {
    uint64_t hash;
    uint32_t off, len; /* in the arena */
    uint32_t df;
    uint32_t last; /* last post id counted, so a post counts once */
};

struct tok_table {
    struct tok_entry *slots;
    size_t cap, used;
    char *arena;
    size_t arena_len, arena_cap;
};

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001B3ull;
    }
    return h;
}
#define FNV_INIT 0xCBF29CE484222325ull

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "bench_gen_posts: out of memory\n");
        exit(1);
    }
    return q;
}

static void tok_grow(struct tok_table *t)
{
    size_t ncap = t->cap ? t->cap * 2 : (1u << 16);
    struct tok_entry *ns = xrealloc(NULL, ncap * sizeof *ns);
    memset(ns, 0, ncap * sizeof *ns);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].len)
            continue;
        size_t j = t->slots[i].hash & (ncap - 1);
        while (ns[j].len)
            j = (j + 1) & (ncap - 1);
        ns[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
}

static void tok_count(struct tok_table *t, const char *s, size_t n, uint32_t post)
{
    if (n == 0)
        return;
    if ((t->used + 1) * 2 > t->cap)
        tok_grow(t);
    uint64_t h = fnv1a(s, n, FNV_INIT);
    size_t j = h & (t->cap - 1);
    while (t->slots[j].len) {
        struct tok_entry *e = &t->slots[j];
        if (e->hash == h && e->len == n && memcmp(t->arena + e->off, s, n) == 0) {
            if (e->last != post) {
                e->last = post;
                e->df++;
            }
            return;
        }
        j = (j + 1) & (t->cap - 1);
    }
    if (t->arena_len + n > t->arena_cap) {
        t->arena_cap = t->arena_cap ? t->arena_cap * 2 : (1u << 20);
        while (t->arena_len + n > t->arena_cap)
            t->arena_cap *= 2;
        t->arena = xrealloc(t->arena, t->arena_cap);
    }
    memcpy(t->arena + t->arena_len, s, n);
    t->slots[j] = (struct tok_entry){h, (uint32_t)t->arena_len, (uint32_t)n, 1, post};
    t->arena_len += n;
    t->used++;
}

static uint64_t tok_df(const struct tok_table *t, const char *s, bool prefix)
{
    size_t n = strlen(s);
    if (prefix) {
        /* what the planner's `token LIKE 'x%'` sums (the column is utf8mb4_bin) */
        uint64_t sum = 0;
        for (size_t i = 0; i < t->cap; i++) {
            const struct tok_entry *e = &t->slots[i];
            if (e->len >= n && memcmp(t->arena + e->off, s, n) == 0)
                sum += e->df;
        }
        return sum;
    }
    uint64_t h = fnv1a(s, n, FNV_INIT);
    for (size_t j = h & (t->cap - 1); t->slots[j].len; j = (j + 1) & (t->cap - 1)) {
        const struct tok_entry *e = &t->slots[j];
        if (e->hash == h && e->len == n && memcmp(t->arena + e->off, s, n) == 0)
            return e->df;
    }
    return 0;
}

/* ---- generator state --------------------------------------------------------------------------
 */

struct frag {
    char text[GEN_FRAG_BYTES];
};

struct gen {
    uint64_t nposts, seed, user_id, authors;
    struct vword *vocab;
    size_t nvocab;
    double *cdf; /* Zipf cumulative distribution over vocab ranks */
    char *compounds;
    uint32_t rare_posts[NPLANTS][16]; /* sorted ids of the posts of count-planted words */
    /* per post */
    struct frag title[GEN_MAX_FRAGS], content[GEN_MAX_FRAGS];
    size_t ntitle, ncontent;
    struct strbuf title_s, content_s, tokens;
    /* truth */
    char probe_words[NPROBES][GEN_MAX_QUERY_WORDS][64];
    size_t probe_nwords[NPROBES];
    uint64_t probe_posts[NPROBES];
    uint64_t plant_posts[NPLANTS];
    struct tok_table df;
};

static bool contains_probe_word(const char *s)
{
    char low[GEN_FRAG_BYTES];
    size_t n = strlen(s);
    if (n >= sizeof low)
        return true;
    for (size_t i = 0; i <= n; i++)
        low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    for (size_t p = 0; p < NPLANTS; p++)
        if (strstr(low, PLANTS[p].word))
            return true;
    for (size_t p = 0; p < NPROBES; p++) {
        /* every word of every query (the absent word too) */
        char q[128];
        snprintf(q, sizeof q, "%s", PROBES[p].query);
        char *save = NULL;
        for (char *w = strtok_r(q, " ", &save); w; w = strtok_r(NULL, " ", &save))
            if (strstr(low, w))
                return true;
    }
    return false;
}

/* Last syllable of UTF-8 `s` has a final consonant (batchim). Non-Hangul: treated as a vowel. */
static bool has_batchim(const char *s)
{
    size_t n = strlen(s);
    if (n < 3)
        return false;
    const unsigned char *p = (const unsigned char *)s + n - 3;
    if ((p[0] & 0xF0) != 0xE0)
        return false;
    unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (cp < 0xAC00 || cp > 0xD7A3)
        return false;
    return (cp - 0xAC00) % 28 != 0;
}

/* The word is usable with any particle attached (no probe appears across the junction). */
static bool word_ok(const char *w, bool noun)
{
    if (contains_probe_word(w))
        return false;
    if (!noun)
        return true;
    for (size_t i = 0; i < COUNT(PARTICLES); i++) {
        char buf[GEN_FRAG_BYTES];
        for (int k = 0; k < 2; k++) {
            snprintf(buf, sizeof buf, "%s%s", w, PARTICLES[i][k]);
            if (contains_probe_word(buf))
                return false;
        }
    }
    return true;
}

static void vocab_add(struct gen *g, size_t *cap, const char *w, bool noun)
{
    if (!word_ok(w, noun))
        return;
    for (size_t i = 0; i < g->nvocab; i++)
        if (strcmp(g->vocab[i].text, w) == 0)
            return;
    if (g->nvocab == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        g->vocab = xrealloc(g->vocab, *cap * sizeof *g->vocab);
    }
    g->vocab[g->nvocab++] = (struct vword){w, noun};
}

static void shuffle_vocab(struct vword *v, size_t n, struct rng *r)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        struct vword t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static void build_vocab(struct gen *g)
{
    struct rng r;
    rng_seed(&r, g->seed ^ 0x766F636162ull);
    size_t cap = 0;
    /* tier 1 in a fixed order: nouns and other words interleaved */
    size_t a = 0, b = 0;
    while (a < COUNT(TIER1_NOUNS) || b < COUNT(TIER1_OTHER)) {
        if (b < COUNT(TIER1_OTHER))
            vocab_add(g, &cap, TIER1_OTHER[b++], false);
        if (a < COUNT(TIER1_NOUNS))
            vocab_add(g, &cap, TIER1_NOUNS[a++], true);
    }
    size_t t2 = g->nvocab;
    for (size_t i = 0; i < COUNT(TIER2); i++)
        vocab_add(g, &cap, TIER2[i], true);
    shuffle_vocab(g->vocab + t2, g->nvocab - t2, &r);

    /* tier 3: places and compounds, shuffled together */
    size_t ncomp = COUNT(PLACES) * COUNT(PLACE_SUFFIXES) + COUNT(MODIFIERS) * COUNT(BASES);
    g->compounds = xrealloc(NULL, ncomp * 48);
    size_t k = 0, t3 = g->nvocab;
    for (size_t i = 0; i < COUNT(PLACES); i++)
        for (size_t j = 0; j < COUNT(PLACE_SUFFIXES); j++, k++) {
            char *w = g->compounds + k * 48;
            snprintf(w, 48, "%s%s", PLACES[i], PLACE_SUFFIXES[j]);
            vocab_add(g, &cap, w, true);
        }
    for (size_t i = 0; i < COUNT(MODIFIERS); i++)
        for (size_t j = 0; j < COUNT(BASES); j++, k++) {
            char *w = g->compounds + k * 48;
            snprintf(w, 48, "%s%s", MODIFIERS[i], BASES[j]);
            vocab_add(g, &cap, w, true);
        }
    shuffle_vocab(g->vocab + t3, g->nvocab - t3, &r);

    /* Zipf-Mandelbrot: weight of rank k (1-based) is 1/(k + q); q flattens the very top so
     * that the first word is not one word in eight */
    g->cdf = xrealloc(NULL, g->nvocab * sizeof *g->cdf);
    double sum = 0;
    for (size_t i = 0; i < g->nvocab; i++) {
        sum += 1.0 / ((double)(i + 1) + GEN_ZIPF_Q);
        g->cdf[i] = sum;
    }
    for (size_t i = 0; i < g->nvocab; i++)
        g->cdf[i] /= sum;
}

static const struct vword *zipf_word(const struct gen *g, struct rng *r)
{
    double u = rng_unit(r);
    size_t lo = 0, hi = g->nvocab - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &g->vocab[lo];
}

/* Choose `count` distinct post ids in 1..n for every count-planted word (sorted). */
static void choose_rare_posts(struct gen *g)
{
    for (size_t p = 0; p < NPLANTS; p++) {
        unsigned c = PLANTS[p].count;
        if (c == 0)
            continue;
        struct rng r;
        rng_seed(&r, g->seed ^ (0x72617265ull + p));
        if (c > g->nposts)
            c = (unsigned)g->nposts;
        for (unsigned i = 0; i < c; i++) {
            uint32_t id;
            bool dup;
            do {
                id = (uint32_t)(1 + rng_below(&r, g->nposts));
                dup = false;
                for (unsigned j = 0; j < i; j++)
                    dup = dup || g->rare_posts[p][j] == id;
            } while (dup);
            g->rare_posts[p][i] = id;
        }
    }
}

static bool is_rare_post(const struct gen *g, size_t p, uint32_t id)
{
    for (unsigned i = 0; i < PLANTS[p].count && i < 16; i++)
        if (g->rare_posts[p][i] == id)
            return true;
    return false;
}

/* ---- one post ---------------------------------------------------------------------------------
 */

static void frag_set(struct frag *f, const char *word, const char *particle)
{
    snprintf(f->text, sizeof f->text, "%s%s", word, particle ? particle : "");
}

static const char *pick_particle(struct rng *r, const char *word, double prob)
{
    if (rng_unit(r) >= prob)
        return NULL;
    const char *const *pair = PARTICLES[rng_below(r, COUNT(PARTICLES))];
    return pair[has_batchim(word) ? 0 : 1];
}

/* One ordinary word slot: vocabulary (most), English, a number. */
static void ordinary_frag(const struct gen *g, struct rng *r, struct frag *f, bool title)
{
    double u = rng_unit(r);
    if (u < 0.03) {
        const char *w = ENGLISH[rng_below(r, COUNT(ENGLISH))];
        frag_set(f, w, title ? NULL : pick_particle(r, w, 0.2));
        return;
    }
    if (u < 0.05) {
        switch (rng_below(r, 5)) {
        case 0:
            snprintf(f->text, sizeof f->text, "%d인분", (int)(1 + rng_below(r, 4)));
            break;
        case 1:
            snprintf(f->text, sizeof f->text, "%d개", (int)(1 + rng_below(r, 12)));
            break;
        case 2:
            snprintf(f->text, sizeof f->text, "%d,%03d원", (int)(3 + rng_below(r, 40)),
                     (int)(rng_below(r, 10) * 100));
            break;
        case 3:
            snprintf(f->text, sizeof f->text, "%d시간", (int)(1 + rng_below(r, 3)));
            break;
        default:
            snprintf(f->text, sizeof f->text, "%d번째", (int)(2 + rng_below(r, 8)));
            break;
        }
        return;
    }
    const struct vword *w = zipf_word(g, r);
    frag_set(f, w->text, (w->noun && !title) ? pick_particle(r, w->text, 0.45) : NULL);
}

static void plant_frag(struct rng *r, const struct plant *pl, struct frag *f, bool title)
{
    size_t nforms = 0;
    while (nforms < COUNT(pl->forms) && pl->forms[nforms])
        nforms++;
    const char *form = pl->forms[rng_below(r, nforms)];
    frag_set(f, form, (pl->noun && !title) ? pick_particle(r, form, 0.45) : NULL);
}

static void insert_frag(struct frag *arr, size_t *n, size_t pos, const struct frag *f)
{
    if (*n >= GEN_MAX_FRAGS)
        return;
    if (pos > *n)
        pos = *n;
    memmove(&arr[pos + 1], &arr[pos], (*n - pos) * sizeof *arr);
    arr[pos] = *f;
    (*n)++;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void sb_puts(struct strbuf *sb, const char *s)
{
    if (!strbuf_puts(sb, s)) {
        fprintf(stderr, "bench_gen_posts: text buffer full\n");
        exit(1);
    }
}

static void make_post(struct gen *g, struct rng *r, uint32_t id)
{
    /* which planted words this post holds */
    bool has[NPLANTS];
    for (size_t p = 0; p < NPLANTS; p++) {
        const struct plant *pl = &PLANTS[p];
        has[p] = pl->count ? is_rare_post(g, p, id) : rng_unit(r) < pl->frac;
        if (has[p] && pl->never_with >= 0 && has[pl->never_with])
            has[p] = false;
    }

    /* title: 2..6 words */
    g->ntitle = 2 + rng_below(r, 5);
    for (size_t i = 0; i < g->ntitle; i++)
        ordinary_frag(g, r, &g->title[i], true);
    /* content: words until about 200..360 characters (planted words and punctuation come on
     * top: about 300 on average) */
    size_t target = 200 + rng_below(r, 161), chars = 0;
    g->ncontent = 0;
    while (chars < target && g->ncontent < GEN_MAX_FRAGS - 64) {
        ordinary_frag(g, r, &g->content[g->ncontent], false);
        chars += utf8_chars(g->content[g->ncontent].text) + 1;
        g->ncontent++;
    }
    for (size_t p = 0; p < NPLANTS; p++) {
        if (!has[p])
            continue;
        int tf = 1 + (int)rng_below(r, (uint64_t)PLANTS[p].max_tf);
        struct frag f;
        if (rng_unit(r) < 0.15) {
            plant_frag(r, &PLANTS[p], &f, true);
            insert_frag(g->title, &g->ntitle, rng_below(r, g->ntitle + 1), &f);
            tf--;
        }
        for (int k = 0; k < tf; k++) {
            plant_frag(r, &PLANTS[p], &f, false);
            insert_frag(g->content, &g->ncontent, rng_below(r, g->ncontent + 1), &f);
        }
    }

    strbuf_reset(&g->title_s);
    for (size_t i = 0; i < g->ntitle; i++) {
        if (i)
            sb_puts(&g->title_s, " ");
        sb_puts(&g->title_s, g->title[i].text);
    }
    strbuf_reset(&g->content_s);
    size_t in_sentence = 0, sentence_len = 4 + rng_below(r, 9);
    const char *sep = "";
    for (size_t i = 0; i < g->ncontent; i++) {
        sb_puts(&g->content_s, sep);
        sb_puts(&g->content_s, g->content[i].text);
        sep = " ";
        if (++in_sentence >= sentence_len || i + 1 == g->ncontent) {
            sb_puts(&g->content_s, PUNCT[rng_below(r, COUNT(PUNCT))]);
            if (rng_unit(r) < 0.15) {
                sb_puts(&g->content_s, " ");
                sb_puts(&g->content_s, LAUGHS[rng_below(r, COUNT(LAUGHS))]);
            }
            in_sentence = 0;
            sentence_len = 4 + rng_below(r, 9);
            if (rng_unit(r) < 0.2)
                sep = "\n";
        }
    }

    /* exactly as src/handlers/boards.c: title tokens + " " + content tokens */
    strbuf_reset(&g->tokens);
    if (!search_index_tokens(g->title_s.data, g->title_s.len, &g->tokens) ||
        !strbuf_puts(&g->tokens, " ") ||
        !search_index_tokens(g->content_s.data, g->content_s.len, &g->tokens)) {
        fprintf(stderr, "bench_gen_posts: search_index_tokens failed for post %" PRIu32 "\n", id);
        exit(1);
    }
}

/* ASCII lower-case copy (the text holds no other cased letters). */
static void lower_into(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
    dst[n] = '\0';
}

/* What LIKE finds: every word in the title or in the content. */
static void count_truth(struct gen *g, uint32_t id)
{
    static char lt[GEN_TEXT_MAX + 1], lc[GEN_TEXT_MAX + 1];
    lower_into(lt, g->title_s.data, g->title_s.len);
    lower_into(lc, g->content_s.data, g->content_s.len);
    for (size_t p = 0; p < NPROBES; p++) {
        bool all = true;
        for (size_t w = 0; w < g->probe_nwords[p] && all; w++)
            all = strstr(lt, g->probe_words[p][w]) || strstr(lc, g->probe_words[p][w]);
        g->probe_posts[p] += all;
    }
    for (size_t p = 0; p < NPLANTS; p++)
        g->plant_posts[p] += strstr(lt, PLANTS[p].word) || strstr(lc, PLANTS[p].word);

    /* distinct tokens of this post */
    const char *s = g->tokens.data ? g->tokens.data : "";
    while (*s) {
        const char *e = strchr(s, ' ');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        tok_count(&g->df, s, n, id);
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* ---- output -----------------------------------------------------------------------------------
 */

/* LOAD DATA's default escaping (FIELDS ESCAPED BY '\\'). */
static void put_field(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\t':
            fputs("\\t", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        default:
            fputc(s[i], f);
        }
    }
}

static void format_time(uint64_t id, uint64_t n, struct rng *r, char out[80])
{
    /* increasing with id: slot i of the span plus a jitter inside the slot */
    long long span_ms = GEN_SPAN_SECONDS * 1000;
    long long step = span_ms / (long long)(n ? n : 1);
    long long ms =
        (long long)(id - 1) * step + (step > 1 ? (long long)rng_below(r, (uint64_t)step) : 0);
    time_t t = (time_t)(GEN_START_EPOCH + ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 80, "%04d-%02d-%02d %02d:%02d:%02d.%03lld", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

/* Writes one boards row to f (may be NULL) and feeds it to the fingerprint hash. */
static void write_row(struct gen *g, struct rng *r, uint32_t id, FILE *f, uint64_t *hash)
{
    char created[80];
    format_time(id, g->nposts, r, created);
    const char *category = rng_unit(r) < 0.45 ? "RECIPE" : "RESTAURANT";
    /* views: heavy-tailed */
    double u = rng_unit(r);
    uint64_t views = (uint64_t)(3.0 / (0.001 + u * u)) % 100000;
    /* authors: a few write much more than the others */
    double a = rng_unit(r);
    uint64_t author = g->user_id + (uint64_t)((double)g->authors * a * a);
    if (author >= g->user_id + g->authors)
        author = g->user_id + g->authors - 1;
    char head[96];
    int hn = snprintf(head, sizeof head, "%" PRIu32 "\t%" PRIu64 "\t%s\t", id, author, category);
    char mid[64];
    int mn = snprintf(mid, sizeof mid, "\t%" PRIu64 "\t0\t", views);
    if (hash) {
        *hash = fnv1a(head, (size_t)hn, *hash);
        *hash = fnv1a(g->title_s.data, g->title_s.len, *hash);
        *hash = fnv1a(g->content_s.data, g->content_s.len, *hash);
        *hash = fnv1a(mid, (size_t)mn, *hash);
        *hash = fnv1a(g->tokens.data ? g->tokens.data : "", g->tokens.len, *hash);
        *hash = fnv1a(created, strlen(created), *hash);
    }
    if (!f)
        return;
    fwrite(head, 1, (size_t)hn, f);
    put_field(f, g->title_s.data, g->title_s.len);
    fputc('\t', f);
    put_field(f, g->content_s.data, g->content_s.len);
    fwrite(mid, 1, (size_t)mn, f);
    put_field(f, g->tokens.data ? g->tokens.data : "", g->tokens.len);
    fprintf(f, "\t%s\t%s\n", created, created);
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t pathlen)
{
    int n = snprintf(path, pathlen, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= pathlen) {
        fprintf(stderr, "bench_gen_posts: path too long\n");
        exit(2);
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_gen_posts: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    static char bufs[3][1 << 20];
    static int nb;
    setvbuf(f, bufs[nb++ % 3], _IOFBF, sizeof bufs[0]);
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if (ferror(f) || fclose(f) != 0) {
        fprintf(stderr, "bench_gen_posts: writing %s failed: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* The planner's view of a probe: per word, its rarest token and that token's df; the estimate
 * is the smallest of them (as plan_tokens() in src/handlers/search.c). */
static uint64_t planner_estimate(const struct gen *g, const char *query, char *detail, size_t dlen)
{
    struct search_query q;
    const char *msg = NULL;
    detail[0] = '\0';
    if (search_query_parse(query, strlen(query), &q, &msg) != STATUS_OK) {
        snprintf(detail, dlen, "parse error: %s", msg ? msg : "?");
        return 0;
    }
    uint64_t est = UINT64_MAX;
    size_t used = 0;
    for (size_t w = 0; w < q.nwords; w++) {
        uint64_t best = UINT64_MAX;
        size_t bi = 0;
        for (size_t t = 0; t < q.words[w].ntokens; t++) {
            uint64_t df = tok_df(&g->df, q.words[w].tokens[t].text, q.words[w].tokens[t].prefix);
            if (df < best) {
                best = df;
                bi = t;
            }
        }
        const struct search_token *bt = &q.words[w].tokens[bi];
        int n = snprintf(detail + used, dlen - used, "%s%s%s=%" PRIu64, w ? " " : "", bt->text,
                         bt->prefix ? "*" : "", best);
        if (n > 0 && (size_t)n < dlen - used)
            used += (size_t)n;
        if (best < est)
            est = best;
    }
    return est;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_gen_posts [-n POSTS] [-s SEED] [-u FIRST_USER_ID] [-a AUTHORS] "
                    "(-o DIR | --fingerprint)\n");
    exit(2);
}

static uint64_t parse_u64(const char *s, const char *what, uint64_t min, uint64_t max)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s || *s == '-' || v < min || v > max) {
        fprintf(stderr, "bench_gen_posts: invalid %s '%s' (%" PRIu64 "..%" PRIu64 ")\n", what, s,
                min, max);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static struct gen g;
    g.nposts = GEN_DEFAULT_POSTS;
    g.seed = GEN_DEFAULT_SEED;
    g.user_id = 1;
    g.authors = 1;
    const char *dir = NULL;
    bool fingerprint = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            g.nposts = parse_u64(argv[++i], "post count", 1, 50000000);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            g.seed = parse_u64(argv[++i], "seed", 0, UINT64_MAX);
        else if (strcmp(argv[i], "-u") == 0 && i + 1 < argc)
            g.user_id = parse_u64(argv[++i], "user id", 1, UINT64_MAX);
        else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
            g.authors = parse_u64(argv[++i], "author count", 1, 10000000);
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--fingerprint") == 0)
            fingerprint = true;
        else
            usage();
    }
    if (!fingerprint && !dir)
        usage();

    build_vocab(&g);
    choose_rare_posts(&g);
    strbuf_init(&g.title_s, GEN_TEXT_MAX);
    strbuf_init(&g.content_s, GEN_TEXT_MAX);
    strbuf_init(&g.tokens, 4 * GEN_TEXT_MAX);
    for (size_t p = 0; p < NPROBES; p++) {
        char q[128];
        snprintf(q, sizeof q, "%s", PROBES[p].query);
        char *save = NULL;
        for (char *w = strtok_r(q, " ", &save); w && g.probe_nwords[p] < GEN_MAX_QUERY_WORDS;
             w = strtok_r(NULL, " ", &save))
            lower_into(g.probe_words[p][g.probe_nwords[p]++], w, strlen(w));
    }

    struct rng r;
    rng_seed(&r, g.seed);
    if (fingerprint) {
        uint64_t h = FNV_INIT;
        char params[128];
        int n = snprintf(params, sizeof params,
                         "n=%" PRIu64 " seed=%" PRIu64 " user=%" PRIu64 " authors=%" PRIu64
                         " vocab=%zu",
                         g.nposts, g.seed, g.user_id, g.authors, g.nvocab);
        h = fnv1a(params, (size_t)n, h);
        for (uint32_t id = 1; id <= g.nposts && id <= GEN_FINGERPRINT_N; id++) {
            make_post(&g, &r, id);
            write_row(&g, &r, id, NULL, &h);
        }
        printf("%016" PRIx64 "\n", h);
        return 0;
    }

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_gen_posts: mkdir %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char boards_path[4096], df_path[4096], probes_path[4096];
    FILE *fb = open_out(dir, "boards.tsv", boards_path, sizeof boards_path);
    uint64_t total_chars = 0, total_tokens_bytes = 0;
    for (uint32_t id = 1; id <= g.nposts; id++) {
        make_post(&g, &r, id);
        write_row(&g, &r, id, fb, NULL);
        count_truth(&g, id);
        total_chars += utf8_chars(g.content_s.data);
        total_tokens_bytes += g.tokens.len;
        if (id % 100000 == 0)
            fprintf(stderr, "bench_gen_posts: %" PRIu32 " posts\n", id);
    }
    close_out(fb, boards_path);

    FILE *fd = open_out(dir, "search_token_df.tsv", df_path, sizeof df_path);
    for (size_t i = 0; i < g.df.cap; i++) {
        const struct tok_entry *e = &g.df.slots[i];
        if (!e->len)
            continue;
        fputs("board\t", fd);
        fwrite(g.df.arena + e->off, 1, e->len, fd);
        fprintf(fd, "\t%" PRIu32 "\n", e->df);
    }
    close_out(fd, df_path);

    FILE *fp = open_out(dir, "probes.tsv", probes_path, sizeof probes_path);
    printf("posts %" PRIu64 ", seed %" PRIu64 ", %" PRIu64 " authors (user ids from %" PRIu64
           "), vocabulary %zu words, %zu distinct tokens, content %.0f characters and "
           "search_tokens %.0f bytes on average\n",
           g.nposts, g.seed, g.authors, g.user_id, g.nvocab, g.df.used,
           (double)total_chars / (double)g.nposts, (double)total_tokens_bytes / (double)g.nposts);
    printf("planted words (posts containing the word):\n");
    for (size_t p = 0; p < NPLANTS; p++)
        printf("  %-10s %8" PRIu64 "  (%.3f %%)\n", PLANTS[p].word, g.plant_posts[p],
               100.0 * (double)g.plant_posts[p] / (double)g.nposts);
    printf("probes: label | query | posts matching every word (LIKE) | planner estimate "
           "(rarest token per word = df)\n");
    for (size_t p = 0; p < NPROBES; p++) {
        char detail[512];
        uint64_t est = planner_estimate(&g, PROBES[p].query, detail, sizeof detail);
        printf("  %-40s %-18s %8" PRIu64 " (%7.3f %%)  estimate %8" PRIu64 " -> %s  [%s]\n",
               PROBES[p].label, PROBES[p].query, g.probe_posts[p],
               100.0 * (double)g.probe_posts[p] / (double)g.nposts, est,
               est == 0                 ? "none"
               : est <= GEN_FT_MAX_HITS ? "fulltext"
                                        : "scan",
               detail);
        fprintf(fp, "%c\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", PROBES[p].goal, PROBES[p].label,
                PROBES[p].query, g.probe_posts[p], est, detail);
    }
    close_out(fp, probes_path);
    return 0;
}

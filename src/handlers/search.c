/*
 * search.c - GET /api/boards/search: Korean keyword search over board posts.
 *
 * Plan (search_plan_choose in the search module has the cost model and the thresholds):
 *  1. parse the words (search module); every word is required;
 *  2. look up the document frequency (df) of each word's tokens (search_token_df) and keep
 *     each word's rarest token; the posts of the table (its highest id) set the scale;
 *  3. FULLTEXT plan: MATCH the rarest word's rarest token (with other rare words' tokens when
 *     their posting lists intersect to few posts); every word is verified on the original
 *     title and content (binary LIKE for words without case, the collation's LIKE
 *     otherwise); the matches are counted (at most SEARCH_COUNT_CAP) unless the page already
 *     shows the end;
 *  4. scan plan (common words): newest first with the same checks over the newest `window`
 *     posts only (a row budget, found through ix_boards_latest); no count: `totalElements`
 *     is what the page proves (offset + the matches found, one more than the page when more
 *     follow) with `totalIsLowerBound: true` unless the window held every post and the page
 *     reached the last match; relevance then means newest first.
 *  Every statement runs under the 1 s limit (a page query past it is a 503).
 */
#include "eeum/app.h"
#include "eeum/db_boards.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SEARCH_COUNT_CAP     10000 /* FULLTEXT count cap (above the threshold's reach) */
#define SEARCH_SNIPPET_CHARS 160
#define SEARCH_BOOLEAN_MAX   2048
#define SEARCH_BOUND_MAX     40

/*
 * The scan's bound (created_at of the window-th newest post) costs a walk of `window` index
 * entries (20-40 ms for 20,000 on a busy machine): it is cached per window size for
 * SEARCH_BOUND_TTL_S. A stale bound only lets the scan read the posts added since as well.
 */
#define SEARCH_BOUND_TTL_S 5
#define SEARCH_BOUND_SLOTS (SEARCH_SCAN_MAX_ROWS / SEARCH_SCAN_STEP + 1)

static struct {
    pthread_mutex_t mu;
    struct {
        uint64_t window;
        time_t at;
        bool found;
        char bound[SEARCH_BOUND_MAX];
    } slot[SEARCH_BOUND_SLOTS];
} g_bounds = {.mu = PTHREAD_MUTEX_INITIALIZER};

static enum status scan_bound(struct db_conn *db, uint64_t window, char *out, size_t outlen,
                              bool *found)
{
    size_t i = (size_t)(window / SEARCH_SCAN_STEP) % SEARCH_BOUND_SLOTS;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&g_bounds.mu);
    bool hit = g_bounds.slot[i].window == window && g_bounds.slot[i].at != 0 &&
               now.tv_sec - g_bounds.slot[i].at < SEARCH_BOUND_TTL_S &&
               strlen(g_bounds.slot[i].bound) < outlen;
    if (hit) {
        *found = g_bounds.slot[i].found;
        memcpy(out, g_bounds.slot[i].bound, strlen(g_bounds.slot[i].bound) + 1);
    }
    pthread_mutex_unlock(&g_bounds.mu);
    if (hit)
        return STATUS_OK;
    enum status st = db_boards_search_bound(db, window, out, outlen, found);
    if (st != STATUS_OK || strlen(out) >= sizeof g_bounds.slot[i].bound)
        return st;
    pthread_mutex_lock(&g_bounds.mu);
    g_bounds.slot[i].window = window;
    g_bounds.slot[i].at = now.tv_sec ? now.tv_sec : 1;
    g_bounds.slot[i].found = *found;
    memcpy(g_bounds.slot[i].bound, out, strlen(out) + 1);
    pthread_mutex_unlock(&g_bounds.mu);
    return STATUS_OK;
}

static enum status bad_param(struct http_resp *resp, const char *field, const char *message)
{
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", message));
    return http_resp_error(resp, STATUS_BAD_REQUEST, "입력값이 올바르지 않습니다.", errors);
}

struct search_plan {
    uint64_t masks[SEARCH_MAX_WORDS]; /* per word, its rarest token */
    uint64_t df[SEARCH_MAX_WORDS];    /* per word, that token's df (>= the word's posts) */
    size_t rarest;                    /* the word with the smallest df */
    uint64_t estimate;                /* df[rarest]: the FULLTEXT candidates */
    bool none;                        /* some word's token occurs nowhere: no match */
};

/* Choose, per word, the token with the fewest documents, and the rarest word. */
static enum status plan_tokens(struct db_conn *db, const struct search_query *q,
                               struct search_plan *pl)
{
    pl->estimate = UINT64_MAX;
    pl->rarest = 0;
    pl->none = false;
    for (size_t w = 0; w < q->nwords; w++) {
        const struct search_word *word = &q->words[w];
        uint64_t best = UINT64_MAX;
        size_t best_i = 0;
        for (size_t t = 0; t < word->ntokens && t < 64; t++) {
            uint64_t df = 0;
            enum status st =
                db_search_df(db, "board", word->tokens[t].text, word->tokens[t].prefix, &df);
            if (st != STATUS_OK)
                return st;
            if (df < best) {
                best = df;
                best_i = t;
            }
        }
        pl->masks[w] = 1ull << best_i;
        pl->df[w] = best;
        if (best == 0)
            pl->none = true;
        if (best < pl->estimate) {
            pl->estimate = best;
            pl->rarest = w;
        }
    }
    return STATUS_OK;
}

/* Every word in the title or the content, by the search module's exact rules (a line break
 * between them: no word spans it). */
static bool post_matches(const struct search_query *q, const struct db_rows *r, size_t i)
{
    struct strbuf sb;
    strbuf_init(&sb, 256 * 1024);
    bool ok =
        strbuf_append(&sb,
                      db_rows_str(r, i, DB_BOARD_TITLE) ? db_rows_str(r, i, DB_BOARD_TITLE) : "",
                      db_rows_len(r, i, DB_BOARD_TITLE)) &&
        strbuf_append(&sb, "\n", 1) &&
        strbuf_append(
            &sb, db_rows_str(r, i, DB_BOARD_CONTENT) ? db_rows_str(r, i, DB_BOARD_CONTENT) : "",
            db_rows_len(r, i, DB_BOARD_CONTENT));
    /* on ENOMEM keep the row: the SQL checks already accepted it */
    bool match = !ok || search_text_matches(q, sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return match;
}

static json_t *highlight(const struct search_query *q, const char *text, size_t n)
{
    struct strbuf sb;
    strbuf_init(&sb, 64 * 1024);
    json_t *out = NULL;
    if (text && search_highlight(q, text, n, SEARCH_SNIPPET_CHARS, &sb))
        out = json_stringn(sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return out ? out : json_string("");
}

enum status h_boards_search(struct http_req *req, struct http_resp *resp)
{
    const char *words = http_req_query(req, "words");
    const char *sort = http_req_query(req, "sort");
    if (!words || !*words)
        return bad_param(resp, "words", "검색어를 입력해 주세요.");
    bool latest = false;
    if (sort && strcmp(sort, "latest") == 0)
        latest = true;
    else if (sort && strcmp(sort, "relevance") != 0)
        return bad_param(resp, "sort", "sort는 relevance 또는 latest 여야 합니다.");
    if (http_req_query(req, "cursor"))
        return bad_param(resp, "cursor", "검색은 page로 페이지를 넘깁니다.");
    struct paging p;
    struct val_result v;
    if (paging_parse(http_req_query(req, "page"), http_req_query(req, "elements"), NULL, &p, &v) !=
        STATUS_OK)
        return http_resp_error(resp, v.status, v.message, val_errors_json(&v));

    struct search_query q;
    const char *msg = NULL;
    enum status st;
    st = search_query_parse(words, strlen(words), &q, &msg);
    if (st == STATUS_BAD_REQUEST)
        return bad_param(resp, "words", msg);
    if (st != STATUS_OK)
        return st;

    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct search_plan pl = {0};
    st = plan_tokens(db, &q, &pl);
    if (st != STATUS_OK)
        return st;

    json_t *items = json_array();
    uint64_t total = 0, nposts = 0, window = 0;
    size_t nmatch = 0;
    bool lower_bound = false;
    const char *plan_name = "none";
    if (!pl.none) {
        st = db_boards_search_size(db, &nposts);
        if (st != STATUS_OK) {
            json_decref(items);
            return st;
        }
        char boolean[SEARCH_BOOLEAN_MAX];
        char likes[SEARCH_MAX_WORDS][2 * SEARCH_MAX_WORD_BYTES + 8];
        char since[SEARCH_BOUND_MAX];
        uint64_t dfs[SEARCH_MAX_WORDS];
        for (size_t w = 0; w < q.nwords; w++)
            dfs[w] = pl.df[w];
        bool anchored[SEARCH_MAX_WORDS];
        for (size_t w = 0; w < q.nwords; w++)
            anchored[w] = search_word_anchored(&q.words[w]);
        struct search_plan_choice ch;
        search_plan_choose(dfs, q.nwords, nposts, p.offset + p.size + 1, &ch);
        search_plan_anchor(anchored, q.nwords, &ch);
        struct db_board_search s = {
            .latest = latest,
            .nlikes = q.nwords,
            .plan = ch.kind == SEARCH_PLAN_FULLTEXT ? DB_SEARCH_FULLTEXT : DB_SEARCH_SCAN,
            .boolean = boolean,
            .count_cap = SEARCH_COUNT_CAP,
        };
        if (s.plan == DB_SEARCH_FULLTEXT) {
            plan_name = "fulltext";
            /* Only the chosen words' rarest tokens: the LIKE checks verify every word. */
            size_t len = 0;
            for (size_t w = 0; w < q.nwords; w++) {
                if (!ch.match[w])
                    continue;
                nmatch++;
                if (len > 0 && len + 1 < sizeof boolean)
                    boolean[len++] = ' ';
                /* an anchored word's first token is its start-of-run prefix term */
                uint64_t mask = pl.masks[w] | (anchored[w] ? 1u : 0u);
                if (!search_word_boolean(&q.words[w], mask, boolean + len, sizeof boolean - len)) {
                    json_decref(items);
                    return STATUS_INTERNAL;
                }
                len += strlen(boolean + len);
            }
        } else {
            plan_name = "scan";
            window = ch.window;
            bool found = false;
            if (window < nposts) {
                st = scan_bound(db, window, since, sizeof since, &found);
                if (st != STATUS_OK) {
                    json_decref(items);
                    return st;
                }
            }
            s.since = found ? since : NULL;
        }
        for (size_t w = 0; w < q.nwords; w++) {
            if (!search_like_pattern(&q.words[w], likes[w], sizeof likes[w])) {
                json_decref(items);
                return STATUS_INTERNAL;
            }
            s.likes[w] = likes[w];
            s.caseless[w] = search_word_caseless(&q.words[w]);
        }
        struct db_rows *r = NULL;
        st = db_boards_search(db, &s, &p, &r, &total, &lower_bound);
        if (st != STATUS_OK) {
            json_decref(items);
            if (db_errno_is_timeout(db_conn_last_errno(db)))
                return http_resp_error(resp, STATUS_UNAVAILABLE,
                                       "검색이 너무 오래 걸립니다. 검색어를 더 구체적으로 입력해 "
                                       "주세요.",
                                       NULL);
            return st;
        }
        size_t n = db_rows_count(r);
        if (n > p.size)
            n = (size_t)p.size;
        /* The scan checks words with LIKE only, which cannot tell "mybbq" from "bbq": the
         * start-of-run rule of anchored words is checked here (a page may come out short). */
        bool recheck = false;
        for (size_t w = 0; s.plan == DB_SEARCH_SCAN && w < q.nwords; w++)
            recheck |= anchored[w];
        for (size_t i = 0; i < n; i++) {
            if (recheck && !post_matches(&q, r, i))
                continue;
            json_t *post = h_boards_post_json(r, i);
            json_t *hl = json_object();
            json_object_set_new(hl, "title",
                                highlight(&q, db_rows_str(r, i, DB_BOARD_TITLE),
                                          db_rows_len(r, i, DB_BOARD_TITLE)));
            json_object_set_new(hl, "content",
                                highlight(&q, db_rows_str(r, i, DB_BOARD_CONTENT),
                                          db_rows_len(r, i, DB_BOARD_CONTENT)));
            json_object_set_new(post, "highlights", hl);
            json_array_append_new(items, post);
        }
        db_rows_free(r);
    }
    log_debug("search.plan",
              "words=%zu estimate=%llu plan=%s matched=%zu posts=%llu window=%llu total=%llu%s",
              q.nwords, (unsigned long long)pl.estimate, plan_name, nmatch,
              (unsigned long long)nposts, (unsigned long long)window, (unsigned long long)total,
              lower_bound ? "+" : "");
    http_resp_page(resp, items, p.page, p.size, total);
    json_object_set_new(resp->json, "totalIsLowerBound", json_boolean(lower_bound));
    return STATUS_OK;
}

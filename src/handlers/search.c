/*
 * search.c - GET /api/boards/search: Korean keyword search over board posts.
 *
 * Plan (InnoDB FULLTEXT costs grow with the hits of every token it reads):
 *  1. parse the words (search module); every word is required;
 *  2. look up the document frequency of each word's tokens (search_token_df) and keep, per
 *     word, only its rarest token for MATCH; the other tokens are checked by the per-word
 *     LIKE verification that every plan applies to the original title and content;
 *  3. if even the rarest word is common (estimated hits above SEARCH_FT_MAX_HITS), skip
 *     FULLTEXT and scan newest-first with the LIKE checks, which finds a page of a common word
 *     in milliseconds; relevance then falls back to newest first;
 *  4. count matches up to a cap (SEARCH_COUNT_CAP for FULLTEXT, SEARCH_SCAN_COUNT_CAP for the
 *     scan); at the cap or the 1 s statement limit the total is a lower bound
 *     (`totalIsLowerBound: true`).
 */
#include "eeum/app.h"
#include "eeum/db_boards.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"

#include <stdio.h>
#include <string.h>

#define SEARCH_FT_MAX_HITS    20000
#define SEARCH_COUNT_CAP      10000
#define SEARCH_SCAN_COUNT_CAP 1000
#define SEARCH_SNIPPET_CHARS  160
#define SEARCH_BOOLEAN_MAX    2048

static enum status bad_param(struct http_resp *resp, const char *field, const char *message)
{
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", message));
    return http_resp_error(resp, STATUS_BAD_REQUEST, "입력값이 올바르지 않습니다.", errors);
}

/* Choose, per word, the token with the fewest documents; the estimate of the whole query is
 * the smallest of those. Returns false (and *out_none) when some exact token occurs nowhere. */
static enum status plan_tokens(struct db_conn *db, const struct search_query *q,
                               uint64_t masks[SEARCH_MAX_WORDS], uint64_t *out_estimate,
                               bool *out_none)
{
    *out_estimate = UINT64_MAX;
    *out_none = false;
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
        masks[w] = 1ull << best_i;
        if (best == 0)
            *out_none = true;
        if (best < *out_estimate)
            *out_estimate = best;
    }
    return STATUS_OK;
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
    uint64_t masks[SEARCH_MAX_WORDS] = {0}, estimate = 0;
    bool none = false;
    st = plan_tokens(db, &q, masks, &estimate, &none);
    if (st != STATUS_OK)
        return st;

    json_t *items = json_array();
    uint64_t total = 0;
    bool lower_bound = false;
    const char *plan_name = "none";
    if (!none) {
        char boolean[SEARCH_BOOLEAN_MAX];
        char likes[SEARCH_MAX_WORDS][2 * SEARCH_MAX_WORD_BYTES + 8];
        struct db_board_search s = {
            .latest = latest,
            .nlikes = q.nwords,
            .plan = estimate <= SEARCH_FT_MAX_HITS ? DB_SEARCH_FULLTEXT : DB_SEARCH_SCAN,
            .boolean = boolean,
        };
        s.count_cap = s.plan == DB_SEARCH_FULLTEXT ? SEARCH_COUNT_CAP : SEARCH_SCAN_COUNT_CAP;
        plan_name = s.plan == DB_SEARCH_FULLTEXT ? "fulltext" : "scan";
        if (!search_query_boolean(&q, masks, boolean, sizeof boolean)) {
            json_decref(items);
            return STATUS_INTERNAL;
        }
        for (size_t w = 0; w < q.nwords; w++) {
            if (!search_like_pattern(&q.words[w], likes[w], sizeof likes[w])) {
                json_decref(items);
                return STATUS_INTERNAL;
            }
            s.likes[w] = likes[w];
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
        for (size_t i = 0; i < n; i++) {
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
    log_debug("search.plan", "words=%zu estimate=%llu plan=%s total=%llu%s", q.nwords,
              (unsigned long long)estimate, plan_name, (unsigned long long)total,
              lower_bound ? "+" : "");
    http_resp_page(resp, items, p.page, p.size, total);
    json_object_set_new(resp->json, "totalIsLowerBound", json_boolean(lower_bound));
    return STATUS_OK;
}

/*
 * db_boards.h - persistence of board posts and comments (tables boards, comments).
 * Counters change in SQL (`views = views + 1`, `comment_count = comment_count ± 1`) and only on
 * a real state change; neither touches updated_at.
 */
#ifndef EEUM_DB_BOARDS_H
#define EEUM_DB_BOARDS_H

#include "eeum/db.h"
#include "eeum/paging.h"
#include "eeum/validate.h"

#include <stdint.h>

/* Column order of post rows. */
enum db_board_col {
    DB_BOARD_ID = 0,
    DB_BOARD_USER_ID,
    DB_BOARD_AUTHOR,         /* current nickname */
    DB_BOARD_AUTHOR_DELETED, /* 1 when the author left */
    DB_BOARD_CATEGORY,
    DB_BOARD_TITLE,
    DB_BOARD_CONTENT,
    DB_BOARD_VIEWS,
    DB_BOARD_COMMENT_COUNT,
    DB_BOARD_CREATED_AT, /* ISO-8601 UTC with Z */
    DB_BOARD_UPDATED_AT,
    DB_BOARD_CURSOR_KEY, /* DATETIME(6) text of created_at */
};

/* Column order of comment rows. */
enum db_comment_col {
    DB_COMMENT_ID = 0,
    DB_COMMENT_BOARD_ID,
    DB_COMMENT_USER_ID,
    DB_COMMENT_AUTHOR,
    DB_COMMENT_AUTHOR_DELETED,
    DB_COMMENT_CONTENT,
    DB_COMMENT_CREATED_AT,
    DB_COMMENT_UPDATED_AT,
    DB_COMMENT_CURSOR_KEY,
};

/* Which posts a list shows. */
struct db_board_filter {
    const char *category; /* NULL = all */
    uint64_t user_id;     /* 0 = everyone */
};

/* STATUS_OK when the post exists and is not deleted, NOT_FOUND otherwise. */
enum status db_boards_visible(struct db_conn *c, uint64_t id);

enum status db_boards_insert(struct db_conn *c, uint64_t user_id, const struct val_board *b,
                             const char *search_tokens, uint64_t *out_id);

/* A visible post (NOT_FOUND otherwise). */
enum status db_boards_get(struct db_conn *c, uint64_t id, struct db_rows **out);

/* Count one view of a visible post (NOT_FOUND otherwise). */
enum status db_boards_view(struct db_conn *c, uint64_t id);

/* Add buffered views in one statement: `items_json` is [[id, n], ...] with ascending ids;
 * deleted or unknown posts are skipped. */
enum status db_boards_add_views(struct db_conn *c, const char *items_json);

/* The number of visible posts of the filter (a COUNT: costly at scale; cache it). */
enum status db_boards_count(struct db_conn *c, const struct db_board_filter *f, uint64_t *out);

/* One page (newest first; page.size + 1 rows so the caller knows whether more follow) and,
 * unless out_total is NULL, the total number of visible posts of the filter. */
enum status db_boards_list(struct db_conn *c, const struct db_board_filter *f,
                           const struct paging *p, struct db_rows **out, uint64_t *out_total);

/* Author id, title and content of a visible post, for ownership checks and re-indexing.
 * With `lock`, the row is locked FOR UPDATE (call inside a transaction): concurrent edits of
 * one post then see each other's text, so token frequencies are adjusted exactly once. */
enum status db_boards_owner(struct db_conn *c, uint64_t id, bool lock, uint64_t *out_user_id,
                            struct db_rows **out_text);

/* Apply the present fields (and the new tokens) to the author's visible post. */
enum status db_boards_update(struct db_conn *c, uint64_t id, uint64_t user_id,
                             const struct val_board *b, const char *search_tokens);

/* Soft delete (its comments are hidden with it). NOT_FOUND if already gone. */
enum status db_boards_delete(struct db_conn *c, uint64_t id, uint64_t user_id);

/* Comments of a visible post, oldest first (size + 1 rows), and their total. NOT_FOUND when
 * the post is not visible. */
enum status db_comments_list(struct db_conn *c, uint64_t board_id, const struct paging *p,
                             struct db_rows **out, uint64_t *out_total);

/* The first `limit` visible comments of a post, oldest first, without checking the post (the
 * caller read it already). */
enum status db_comments_first(struct db_conn *c, uint64_t board_id, uint64_t limit,
                              struct db_rows **out);

/* Insert and count it, in one transaction; NOT_FOUND when the post is not visible. */
enum status db_comments_insert(struct db_conn *c, uint64_t board_id, uint64_t user_id,
                               struct val_str content, uint64_t *out_id);

/* A visible comment of a visible post (NOT_FOUND otherwise). */
enum status db_comments_get(struct db_conn *c, uint64_t board_id, uint64_t id,
                            struct db_rows **out);

enum status db_comments_update(struct db_conn *c, uint64_t board_id, uint64_t id, uint64_t user_id,
                               struct val_str content);

/* Soft delete and uncount, in one transaction, only if it was visible (NOT_FOUND otherwise). */
enum status db_comments_delete(struct db_conn *c, uint64_t board_id, uint64_t id, uint64_t user_id);

/* ---- search ---- */

#define DB_SEARCH_MAX_WORDS 8

enum db_search_plan {
    DB_SEARCH_FULLTEXT, /* MATCH the chosen tokens, verify every word with LIKE */
    DB_SEARCH_SCAN,     /* newest-first scan verifying every word with LIKE (common words) */
};

struct db_board_search {
    enum db_search_plan plan;
    const char *boolean;                    /* FULLTEXT plan: the AGAINST() string */
    const char *likes[DB_SEARCH_MAX_WORDS]; /* `%word%` patterns (escaped with '\\') */
    bool caseless[DB_SEARCH_MAX_WORDS];     /* compare that word's bytes (search_word_caseless) */
    size_t nlikes;
    bool latest;        /* newest first instead of relevance */
    uint64_t count_cap; /* FULLTEXT plan: stop counting matches here */
    const char *since;  /* scan plan: only posts created at or after this (NULL: all) */
};

/*
 * One page of matches (page.size + 1 rows) and the total. Every statement runs under a 1 s
 * time limit; a page query that exceeds it is STATUS_UNAVAILABLE.
 * FULLTEXT plan: the page statement counts every match (COUNT(*) OVER ()); only a page past
 * the end runs a count, up to count_cap, and at the cap or the time limit *out_total is a lower
 * bound and *out_lower_bound is true.
 * Scan plan: no count; *out_total is what the page proves (offset + the rows found, one more
 * than the page when more follow), a lower bound unless the scan covered every post (`since`
 * NULL) and found the end of the matches.
 */
enum status db_boards_search(struct db_conn *c, const struct db_board_search *s,
                             const struct paging *p, struct db_rows **out, uint64_t *out_total,
                             bool *out_lower_bound);

/* The created_at ('%Y-%m-%d %H:%i:%s.%f') of the `rows`-th newest visible post, the scan
 * plan's bound; *out_found false when there are fewer posts. */
enum status db_boards_search_bound(struct db_conn *c, uint64_t rows, char *out, size_t outlen,
                                   bool *out_found);

/* An estimate of the number of posts (the highest id), for the planner. */
enum status db_boards_search_size(struct db_conn *c, uint64_t *out);

/* Documents of `scope` ("board"/"diary") holding `token` (exact) or any token starting with it
 * (prefix). */
enum status db_search_df(struct db_conn *c, const char *scope, const char *token, bool prefix,
                         uint64_t *out_df);

/* Add to the document frequencies of `scope`: `deltas_json` is a JSON array of
 * [token, delta] pairs with distinct tokens sorted (so concurrent writers lock rows in one
 * order); frequencies never go below zero. One statement. */
enum status db_search_df_apply(struct db_conn *c, const char *scope, const char *deltas_json);

#endif

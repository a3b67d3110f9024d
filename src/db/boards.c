/*
 * boards.c - SQL for board posts and comments. Every statement is a static string (cached per
 * connection); variants for filters and keyset cursors are spelled out rather than built at
 * run time, so sort columns and conditions can never come from input.
 */
#include "eeum/db_boards.h"
#include "db_util.h"

#include <string.h>

#define BOARD_COLS                                                                                 \
    "b.id, b.user_id, u.nickname, u.is_deleted, b.category, b.title, b.content, b.views,"          \
    " b.comment_count, DATE_FORMAT(b.created_at, '%Y-%m-%dT%H:%i:%sZ'),"                           \
    " DATE_FORMAT(b.updated_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " DATE_FORMAT(b.created_at, '%Y-%m-%d %H:%i:%s.%f')"
/* STRAIGHT_JOIN: posts first. Left to itself the optimizer drives from the few users and sorts
 * every post (2.4 s of server CPU per list page at 1M posts) instead of walking
 * ix_boards_latest newest first and stopping after one page. */
#define BOARD_FROM    " FROM boards b STRAIGHT_JOIN users u ON u.id = b.user_id"
#define NEWEST        " ORDER BY b.created_at DESC, b.id DESC"
#define BEFORE_CURSOR " AND (b.created_at < ? OR (b.created_at = ? AND b.id < ?))"

static const char SQL_INSERT[] =
    "INSERT INTO boards (user_id, category, title, content, search_tokens) VALUES (?, ?, ?, ?, ?)";
static const char SQL_GET[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.id = ? AND b.is_deleted = 0";
static const char SQL_VIEW[] =
    "UPDATE boards SET views = views + 1, updated_at = updated_at WHERE id = ? AND is_deleted = 0";
/* Buffered views, one statement per batch: `items` is [[id, n], ...] (ids ascending, so
 * concurrent instances lock rows in one order); views stay an atomic `views + n`. */
static const char SQL_ADD_VIEWS[] =
    "UPDATE boards b JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]',"
    " n BIGINT UNSIGNED PATH '$[1]')) t ON b.id = t.id"
    " SET b.views = b.views + t.n, b.updated_at = b.updated_at WHERE b.is_deleted = 0";

static const char SQL_LIST[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.is_deleted = 0" NEWEST " LIMIT ? OFFSET ?";
static const char SQL_LIST_CUR[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.is_deleted = 0" BEFORE_CURSOR NEWEST " LIMIT ?";
static const char SQL_LIST_CAT[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.category = ? AND b.is_deleted = 0" NEWEST
    " LIMIT ? OFFSET ?";
static const char SQL_LIST_CAT_CUR[] =
    "SELECT " BOARD_COLS BOARD_FROM
    " WHERE b.category = ? AND b.is_deleted = 0" BEFORE_CURSOR NEWEST " LIMIT ?";
static const char SQL_LIST_USER[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.user_id = ? AND b.is_deleted = 0" NEWEST
    " LIMIT ? OFFSET ?";
static const char SQL_LIST_USER_CUR[] =
    "SELECT " BOARD_COLS BOARD_FROM " WHERE b.user_id = ? AND b.is_deleted = 0" BEFORE_CURSOR NEWEST
    " LIMIT ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM boards WHERE is_deleted = 0";
static const char SQL_COUNT_CAT[] =
    "SELECT COUNT(*) FROM boards WHERE category = ? AND is_deleted = 0";
static const char SQL_COUNT_USER[] =
    "SELECT COUNT(*) FROM boards WHERE user_id = ? AND is_deleted = 0";

static const char SQL_OWNER[] =
    "SELECT user_id, title, content FROM boards WHERE id = ? AND is_deleted = 0";
static const char SQL_OWNER_LOCK[] =
    "SELECT user_id, title, content FROM boards WHERE id = ? AND is_deleted = 0 FOR UPDATE";
static const char SQL_UPDATE[] =
    "UPDATE boards SET category = COALESCE(?, category), title = COALESCE(?, title),"
    " content = COALESCE(?, content), search_tokens = COALESCE(?, search_tokens)"
    " WHERE id = ? AND user_id = ? AND is_deleted = 0";
static const char SQL_DELETE[] =
    "UPDATE boards SET is_deleted = 1, deleted_at = CURRENT_TIMESTAMP(3)"
    " WHERE id = ? AND user_id = ? AND is_deleted = 0";

#define COMMENT_COLS                                                                               \
    "c.id, c.board_id, c.user_id, u.nickname, u.is_deleted, c.content,"                            \
    " DATE_FORMAT(c.created_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " DATE_FORMAT(c.updated_at, '%Y-%m-%dT%H:%i:%sZ'),"                                            \
    " DATE_FORMAT(c.created_at, '%Y-%m-%d %H:%i:%s.%f')"
#define COMMENT_FROM " FROM comments c STRAIGHT_JOIN users u ON u.id = c.user_id"
#define OLDEST       " ORDER BY c.created_at, c.id"

static const char SQL_BOARD_VISIBLE[] = "SELECT id FROM boards WHERE id = ? AND is_deleted = 0";
static const char SQL_BOARD_LOCK[] =
    "SELECT id FROM boards WHERE id = ? AND is_deleted = 0 FOR UPDATE";
static const char SQL_COMMENTS[] =
    "SELECT " COMMENT_COLS COMMENT_FROM " WHERE c.board_id = ? AND c.is_deleted = 0" OLDEST
    " LIMIT ? OFFSET ?";
static const char SQL_COMMENTS_CUR[] =
    "SELECT " COMMENT_COLS COMMENT_FROM " WHERE c.board_id = ? AND c.is_deleted = 0"
    " AND (c.created_at > ? OR (c.created_at = ? AND c.id > ?))" OLDEST " LIMIT ?";
static const char SQL_COMMENTS_COUNT[] =
    "SELECT comment_count FROM boards WHERE id = ? AND is_deleted = 0";
static const char SQL_COMMENT_INSERT[] =
    "INSERT INTO comments (board_id, user_id, content) VALUES (?, ?, ?)";
static const char SQL_COUNT_UP[] =
    "UPDATE boards SET comment_count = comment_count + 1, updated_at = updated_at WHERE id = ?";
static const char SQL_COUNT_DOWN[] =
    "UPDATE boards SET comment_count = comment_count - 1, updated_at = updated_at"
    " WHERE id = ? AND comment_count > 0";
static const char SQL_COMMENT_GET[] =
    "SELECT " COMMENT_COLS COMMENT_FROM " JOIN boards b ON b.id = c.board_id"
    " WHERE c.id = ? AND c.board_id = ? AND c.is_deleted = 0 AND b.is_deleted = 0";
static const char SQL_COMMENT_UPDATE[] =
    "UPDATE comments SET content = ? WHERE id = ? AND board_id = ? AND user_id = ?"
    " AND is_deleted = 0";
static const char SQL_COMMENT_DELETE[] =
    "UPDATE comments SET is_deleted = 1, deleted_at = CURRENT_TIMESTAMP(3)"
    " WHERE id = ? AND board_id = ? AND user_id = ? AND is_deleted = 0";

enum status db_boards_insert(struct db_conn *c, uint64_t user_id, const struct val_board *b,
                             const char *search_tokens, uint64_t *out_id)
{
    struct db_param p[] = {
        db_p_u64(user_id),
        db_p_str(b->category),
        db_p_strn(b->title.p, b->title.n),
        db_p_strn(b->content.p, b->content.n),
        db_p_str(search_tokens),
    };
    return db_exec(c, SQL_INSERT, p, sizeof p / sizeof p[0], NULL, out_id);
}

enum status db_boards_get(struct db_conn *c, uint64_t id, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(id)};
    return db_one_or_not_found(db_query(c, SQL_GET, p, 1, out), out);
}

enum status db_boards_view(struct db_conn *c, uint64_t id)
{
    uint64_t affected = 0;
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_exec(c, SQL_VIEW, p, 1, &affected, NULL);
    return (st == STATUS_OK && affected == 0) ? STATUS_NOT_FOUND : st;
}

enum status db_boards_add_views(struct db_conn *c, const char *items_json)
{
    struct db_param p[] = {db_p_str(items_json)};
    return db_exec(c, SQL_ADD_VIEWS, p, 1, NULL, NULL);
}

enum status db_boards_count(struct db_conn *c, const struct db_board_filter *f, uint64_t *out)
{
    struct db_param p[1] = {db_p_null()};
    if (f->user_id) {
        p[0] = db_p_u64(f->user_id);
        return db_query_u64(c, SQL_COUNT_USER, p, 1, out);
    }
    if (f->category) {
        p[0] = db_p_str(f->category);
        return db_query_u64(c, SQL_COUNT_CAT, p, 1, out);
    }
    return db_query_u64(c, SQL_COUNT, p, 0, out);
}

enum status db_boards_list(struct db_conn *c, const struct db_board_filter *f,
                           const struct paging *pg, struct db_rows **out, uint64_t *out_total)
{
    struct db_param p[6];
    size_t n = 0;
    const char *sql, *count_sql;
    if (f->user_id) {
        p[n++] = db_p_u64(f->user_id);
        sql = pg->has_cursor ? SQL_LIST_USER_CUR : SQL_LIST_USER;
        count_sql = SQL_COUNT_USER;
    } else if (f->category) {
        p[n++] = db_p_str(f->category);
        sql = pg->has_cursor ? SQL_LIST_CAT_CUR : SQL_LIST_CAT;
        count_sql = SQL_COUNT_CAT;
    } else {
        sql = pg->has_cursor ? SQL_LIST_CUR : SQL_LIST;
        count_sql = SQL_COUNT;
    }
    size_t nfilter = n;
    if (pg->has_cursor) {
        p[n++] = db_p_str(pg->cursor_key);
        p[n++] = db_p_str(pg->cursor_key);
        p[n++] = db_p_u64(pg->cursor_id);
        p[n++] = db_p_u64(pg->size + 1);
    } else {
        p[n++] = db_p_u64(pg->size + 1);
        p[n++] = db_p_u64(pg->offset);
    }
    enum status st = db_query(c, sql, p, n, out);
    if (st == STATUS_OK && out_total)
        st = db_query_u64(c, count_sql, p, nfilter, out_total);
    if (st != STATUS_OK) {
        db_rows_free(*out);
        *out = NULL;
    }
    return st;
}

enum status db_boards_owner(struct db_conn *c, uint64_t id, bool lock, uint64_t *out_user_id,
                            struct db_rows **out_text)
{
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_one_or_not_found(
        db_query(c, lock ? SQL_OWNER_LOCK : SQL_OWNER, p, 1, out_text), out_text);
    if (st == STATUS_OK)
        *out_user_id = db_rows_u64(*out_text, 0, 0);
    return st;
}

enum status db_boards_update(struct db_conn *c, uint64_t id, uint64_t user_id,
                             const struct val_board *b, const char *search_tokens)
{
    struct db_param p[] = {
        b->has_category ? db_p_str(b->category) : db_p_null(),
        db_p_view(b->has_title, b->title),
        db_p_view(b->has_content, b->content),
        db_p_str(search_tokens),
        db_p_u64(id),
        db_p_u64(user_id),
    };
    return db_exec(c, SQL_UPDATE, p, sizeof p / sizeof p[0], NULL, NULL);
}

enum status db_boards_delete(struct db_conn *c, uint64_t id, uint64_t user_id)
{
    uint64_t affected = 0;
    struct db_param p[] = {db_p_u64(id), db_p_u64(user_id)};
    enum status st = db_exec(c, SQL_DELETE, p, 2, &affected, NULL);
    return (st == STATUS_OK && affected == 0) ? STATUS_NOT_FOUND : st;
}

enum status db_comments_list(struct db_conn *c, uint64_t board_id, const struct paging *pg,
                             struct db_rows **out, uint64_t *out_total)
{
    *out = NULL;
    struct db_param b[] = {db_p_u64(board_id)};
    struct db_rows *r = NULL;
    /* comment_count is kept equal to the visible comments, so it is the total. */
    enum status st = db_one_or_not_found(db_query(c, SQL_COMMENTS_COUNT, b, 1, &r), &r);
    if (st != STATUS_OK)
        return st;
    *out_total = db_rows_u64(r, 0, 0);
    db_rows_free(r);
    if (pg->has_cursor) {
        struct db_param p[] = {db_p_u64(board_id), db_p_str(pg->cursor_key),
                               db_p_str(pg->cursor_key), db_p_u64(pg->cursor_id),
                               db_p_u64(pg->size + 1)};
        return db_query(c, SQL_COMMENTS_CUR, p, sizeof p / sizeof p[0], out);
    }
    struct db_param p[] = {db_p_u64(board_id), db_p_u64(pg->size + 1), db_p_u64(pg->offset)};
    return db_query(c, SQL_COMMENTS, p, sizeof p / sizeof p[0], out);
}

enum status db_comments_first(struct db_conn *c, uint64_t board_id, uint64_t limit,
                              struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(board_id), db_p_u64(limit), db_p_u64(0)};
    return db_query(c, SQL_COMMENTS, p, sizeof p / sizeof p[0], out);
}

enum status db_comments_insert(struct db_conn *c, uint64_t board_id, uint64_t user_id,
                               struct val_str content, uint64_t *out_id)
{
    struct db_param b[] = {db_p_u64(board_id)};
    struct db_param p[] = {db_p_u64(board_id), db_p_u64(user_id), db_p_strn(content.p, content.n)};
    struct db_rows *r = NULL;
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    /* Lock the post: a concurrent delete of the post cannot slip between check and insert. */
    st = db_one_or_not_found(db_query(c, SQL_BOARD_LOCK, b, 1, &r), &r);
    db_rows_free(r);
    if (st == STATUS_OK)
        st = db_exec(c, SQL_COMMENT_INSERT, p, 3, NULL, out_id);
    if (st == STATUS_OK)
        st = db_exec(c, SQL_COUNT_UP, b, 1, NULL, NULL);
    if (st == STATUS_OK)
        return db_tx_commit(c);
    db_tx_rollback(c);
    return st;
}

enum status db_comments_get(struct db_conn *c, uint64_t board_id, uint64_t id, struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(id), db_p_u64(board_id)};
    return db_one_or_not_found(db_query(c, SQL_COMMENT_GET, p, 2, out), out);
}

enum status db_comments_update(struct db_conn *c, uint64_t board_id, uint64_t id, uint64_t user_id,
                               struct val_str content)
{
    struct db_param p[] = {db_p_strn(content.p, content.n), db_p_u64(id), db_p_u64(board_id),
                           db_p_u64(user_id)};
    return db_exec(c, SQL_COMMENT_UPDATE, p, sizeof p / sizeof p[0], NULL, NULL);
}

enum status db_comments_delete(struct db_conn *c, uint64_t board_id, uint64_t id, uint64_t user_id)
{
    struct db_param p[] = {db_p_u64(id), db_p_u64(board_id), db_p_u64(user_id)};
    struct db_param b[] = {db_p_u64(board_id)};
    uint64_t affected = 0;
    enum status st = db_tx_begin(c);
    if (st != STATUS_OK)
        return st;
    st = db_exec(c, SQL_COMMENT_DELETE, p, 3, &affected, NULL);
    if (st == STATUS_OK && affected == 0)
        st = STATUS_NOT_FOUND; /* already deleted: no second decrement */
    if (st == STATUS_OK)
        st = db_exec(c, SQL_COUNT_DOWN, b, 1, NULL, NULL);
    if (st == STATUS_OK)
        return db_tx_commit(c);
    db_tx_rollback(c);
    return st;
}

enum status db_boards_visible(struct db_conn *c, uint64_t id)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(id)};
    enum status st = db_one_or_not_found(db_query(c, SQL_BOARD_VISIBLE, p, 1, &r), &r);
    db_rows_free(r);
    return st;
}

/* ---- search ---- */

/* One word's check: a binary LIKE (exact bytes, fast) for words without case (Hangul...),
 * the collation's case-insensitive LIKE otherwise; the pattern of the other form is NULL,
 * which makes it NULL (no match) without reading the text. */
#define LIKE_WORD                                                                                  \
    "(CAST(b.title AS BINARY) LIKE ? ESCAPE '\\\\' OR CAST(b.content AS BINARY) LIKE ? ESCAPE "    \
    "'\\\\' OR b.title LIKE ? ESCAPE '\\\\' OR b.content LIKE ? ESCAPE '\\\\')"
/* Always eight word checks; unused ones get '%' for the title (true for every row at once), so
 * one statement serves every query. */
#define LIKE_WORDS                                                                                 \
    LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD              \
              " AND " LIKE_WORD " AND " LIKE_WORD " AND " LIKE_WORD
#define FT_WHERE                                                                                   \
    " WHERE MATCH(b.search_tokens) AGAINST(? IN BOOLEAN MODE) AND b.is_deleted = 0 "               \
    "AND " LIKE_WORDS
/* The scan plan reads only the posts created at or after a bound (its row budget, found by
 * SQL_SCAN_BOUND): ix_boards_latest is walked newest first and the walk ends at the bound. */
#define SCAN_WHERE " WHERE b.is_deleted = 0 AND b.created_at >= ? AND " LIKE_WORDS
#define RELEVANCE                                                                                  \
    " ORDER BY MATCH(b.search_tokens) AGAINST(? IN BOOLEAN MODE) DESC, b.created_at DESC, b.id "   \
    "DESC"

/* MariaDB: SET STATEMENT max_statement_time (seconds); MySQL: the MAX_EXECUTION_TIME hint (ms,
 * SELECT only). Both bound every search statement to 1 s. */
#define MARIA  "SET STATEMENT max_statement_time=1 FOR SELECT "
#define MYSQL_ "SELECT /*+ MAX_EXECUTION_TIME(1000) */ "

/* The FULLTEXT page also counts every match (COUNT(*) OVER (), one column after BOARD_COLS):
 * the sort reads every candidate anyway, so the count costs no second FULLTEXT statement. */
#define FT_TOTAL     ", COUNT(*) OVER ()"
#define FT_TOTAL_COL (DB_BOARD_CURSOR_KEY + 1)
#define FT_RELEVANT  BOARD_COLS FT_TOTAL BOARD_FROM FT_WHERE RELEVANCE " LIMIT ? OFFSET ?"
#define FT_LATEST    BOARD_COLS FT_TOTAL BOARD_FROM FT_WHERE NEWEST " LIMIT ? OFFSET ?"
#define SCAN_LATEST  BOARD_COLS BOARD_FROM SCAN_WHERE NEWEST " LIMIT ? OFFSET ?"
#define FT_COUNT     "COUNT(*) FROM (SELECT b.id FROM boards b" FT_WHERE " LIMIT ?) t"

static const char SQL_FT_RELEVANT_MARIA[] = MARIA FT_RELEVANT;
static const char SQL_FT_RELEVANT_MYSQL[] = MYSQL_ FT_RELEVANT;
static const char SQL_FT_LATEST_MARIA[] = MARIA FT_LATEST;
static const char SQL_FT_LATEST_MYSQL[] = MYSQL_ FT_LATEST;
static const char SQL_SCAN_LATEST_MARIA[] = MARIA SCAN_LATEST;
static const char SQL_SCAN_LATEST_MYSQL[] = MYSQL_ SCAN_LATEST;
static const char SQL_FT_COUNT_MARIA[] = MARIA FT_COUNT;
static const char SQL_FT_COUNT_MYSQL[] = MYSQL_ FT_COUNT;
/* The created_at of the n-th newest visible post (index only: ix_boards_latest). */
static const char SQL_SCAN_BOUND[] =
    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM boards WHERE is_deleted = 0"
    " ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?";
/* The size of the table for the planner: the highest id (deleted posts included), one B-tree
 * lookup instead of a COUNT of every post. */
static const char SQL_SEARCH_SIZE[] = "SELECT COALESCE(MAX(id), 0) FROM boards";

static const char SQL_DF[] = "SELECT df FROM search_token_df WHERE scope = ? AND token = ?";
static const char SQL_DF_PREFIX[] =
    "SELECT COALESCE(SUM(df), 0) FROM search_token_df WHERE scope = ? AND token LIKE ? ESCAPE "
    "'\\\\'";
static const char SQL_DF_APPLY[] =
    "INSERT INTO search_token_df (scope, token, df)"
    " SELECT ?, t.token, GREATEST(t.delta, 0) FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    "token VARCHAR(96) CHARACTER SET utf8mb4 PATH '$[0]', delta INT PATH '$[1]')) t"
    " ON DUPLICATE KEY UPDATE df = GREATEST(df + t.delta, 0)";

/* Bind the eight word checks (four patterns each) starting at p[n]. */
static size_t bind_likes(const struct db_board_search *s, struct db_param *p, size_t n)
{
    for (size_t i = 0; i < DB_SEARCH_MAX_WORDS; i++) {
        const char *bin = "%", *ci = NULL; /* an unused check: true at once */
        if (i < s->nlikes) {
            bin = s->caseless[i] ? s->likes[i] : NULL;
            ci = s->caseless[i] ? NULL : s->likes[i];
        }
        p[n++] = db_p_str(bin);
        p[n++] = db_p_str(bin);
        p[n++] = db_p_str(ci);
        p[n++] = db_p_str(ci);
    }
    return n;
}

enum status db_boards_search(struct db_conn *c, const struct db_board_search *s,
                             const struct paging *pg, struct db_rows **out, uint64_t *out_total,
                             bool *out_lower_bound)
{
    *out = NULL;
    *out_total = 0;
    *out_lower_bound = false;
    bool maria = db_conn_is_mariadb(c);
    bool ft = s->plan == DB_SEARCH_FULLTEXT;
    const char *page_sql;
    if (ft && !s->latest)
        page_sql = maria ? SQL_FT_RELEVANT_MARIA : SQL_FT_RELEVANT_MYSQL;
    else if (ft)
        page_sql = maria ? SQL_FT_LATEST_MARIA : SQL_FT_LATEST_MYSQL;
    else
        page_sql = maria ? SQL_SCAN_LATEST_MARIA : SQL_SCAN_LATEST_MYSQL;

    struct db_param p[2 + 4 * DB_SEARCH_MAX_WORDS + 3];
    size_t n = 0;
    if (ft)
        p[n++] = db_p_str(s->boolean);
    else
        p[n++] = db_p_str(s->since ? s->since : "0000-01-01 00:00:00");
    n = bind_likes(s, p, n);
    size_t nwhere = n;
    if (ft && !s->latest)
        p[n++] = db_p_str(s->boolean);
    p[n++] = db_p_u64(pg->size + 1);
    p[n++] = db_p_u64(pg->offset);
    enum status st = db_query(c, page_sql, p, n, out);
    if (st != STATUS_OK)
        return st;

    /* What the page proves: `seen` matches up to its end (one more row: more follow). */
    uint64_t nrows = db_rows_count(*out);
    uint64_t seen = nrows ? pg->offset + (nrows <= pg->size ? nrows : pg->size + 1) : 0;
    if (!ft) {
        /* No scanning count: the page is the evidence. Exact only when the scan covered every
         * post and the page was not full. */
        *out_total = seen;
        *out_lower_bound = nrows > pg->size || s->since != NULL || (nrows == 0 && pg->offset);
        return STATUS_OK;
    }
    if (nrows > 0) { /* every match counted by the page statement itself */
        uint64_t all = db_rows_u64(*out, 0, FT_TOTAL_COL);
        *out_total = all > seen ? all : seen;
        return STATUS_OK;
    }
    if (pg->offset == 0) /* no match at all */
        return STATUS_OK;

    /* A page past the end: count the matches (bounded by the planner's threshold) under the
     * same limit; past the cap or the limit the total is a lower bound. */
    p[nwhere] = db_p_u64(s->count_cap);
    struct db_rows *r = NULL;
    st = db_query(c, maria ? SQL_FT_COUNT_MARIA : SQL_FT_COUNT_MYSQL, p, nwhere + 1, &r);
    if (st == STATUS_OK) {
        *out_total = db_rows_count(r) ? db_rows_u64(r, 0, 0) : 0;
        *out_lower_bound = *out_total >= s->count_cap;
    } else if (db_errno_is_timeout(db_conn_last_errno(c))) {
        *out_total = seen;
        *out_lower_bound = true;
        st = STATUS_OK;
    }
    db_rows_free(r);
    if (st != STATUS_OK) {
        db_rows_free(*out);
        *out = NULL;
        return st;
    }
    if (*out_total < seen) /* rows committed between the two statements */
        *out_total = seen;
    return STATUS_OK;
}

enum status db_boards_search_bound(struct db_conn *c, uint64_t rows, char *out, size_t outlen,
                                   bool *out_found)
{
    *out_found = false;
    if (outlen)
        out[0] = '\0';
    struct db_param p[] = {db_p_u64(rows ? rows - 1 : 0)};
    struct db_rows *r = NULL;
    enum status st = db_query(c, SQL_SCAN_BOUND, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 1 && !db_rows_is_null(r, 0, 0) &&
        db_rows_len(r, 0, 0) < outlen) {
        memcpy(out, db_rows_str(r, 0, 0), db_rows_len(r, 0, 0) + 1);
        *out_found = true;
    }
    db_rows_free(r);
    return st;
}

enum status db_boards_search_size(struct db_conn *c, uint64_t *out)
{
    struct db_rows *r = NULL;
    enum status st = db_query(c, SQL_SEARCH_SIZE, NULL, 0, &r);
    *out = st == STATUS_OK && db_rows_count(r) ? db_rows_u64(r, 0, 0) : 0;
    db_rows_free(r);
    return st;
}

enum status db_search_df(struct db_conn *c, const char *scope, const char *token, bool prefix,
                         uint64_t *out_df)
{
    char like[2 * 96 + 2];
    struct db_param p[2] = {db_p_str(scope), db_p_str(token)};
    if (prefix) {
        /* Tokens hold only letters, digits and '_': escape '_' (and '%', '\\' for safety). */
        size_t o = 0;
        for (const char *t = token; *t && o + 3 < sizeof like; t++) {
            if (*t == '_' || *t == '%' || *t == '\\')
                like[o++] = '\\';
            like[o++] = *t;
        }
        like[o++] = '%';
        like[o] = '\0';
        p[1] = db_p_str(like);
    }
    struct db_rows *r = NULL;
    enum status st = db_query(c, prefix ? SQL_DF_PREFIX : SQL_DF, p, 2, &r);
    if (st == STATUS_OK)
        *out_df = db_rows_count(r) ? db_rows_u64(r, 0, 0) : 0;
    db_rows_free(r);
    return st;
}

enum status db_search_df_apply(struct db_conn *c, const char *scope, const char *deltas_json)
{
    struct db_param p[] = {db_p_str(scope), db_p_str(deltas_json)};
    return db_exec(c, SQL_DF_APPLY, p, 2, NULL, NULL);
}

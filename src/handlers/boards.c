/*
 * boards.c - /api/boards and /api/boards/:boardId/comments: posts, comments, views, counters.
 * Authors own their posts and comments (403 for others); soft-deleted posts hide their
 * comments; lists are newest (posts) or oldest (comments) first with page or keyset cursor.
 */
#include "eeum/app.h"
#include "eeum/db_boards.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"
#include "eeum/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DETAIL_COMMENTS 100
#define TOKENS_MAX      (512u * 1024)

static const char MSG_NOT_AUTHOR[] = "작성자만 수정하거나 삭제할 수 있습니다.";
static const char MSG_NO_POST[] = "게시글을 찾을 수 없습니다.";
static const char MSG_NO_COMMENT[] = "댓글을 찾을 수 없습니다.";
static const char AUTHOR_GONE[] = "탈퇴한 사용자";

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static const char *author_name(const struct db_rows *r, size_t row, size_t name_col,
                               size_t deleted_col)
{
    return db_rows_i64(r, row, deleted_col) ? AUTHOR_GONE : db_rows_str(r, row, name_col);
}

json_t *h_boards_post_json(const struct db_rows *r, size_t i)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)db_rows_u64(r, i, DB_BOARD_ID)));
    json_object_set_new(o, "userId", json_integer((json_int_t)db_rows_u64(r, i, DB_BOARD_USER_ID)));
    json_object_set_new(o, "authorName",
                        str_or_null(author_name(r, i, DB_BOARD_AUTHOR, DB_BOARD_AUTHOR_DELETED)));
    json_object_set_new(o, "category", str_or_null(db_rows_str(r, i, DB_BOARD_CATEGORY)));
    json_object_set_new(o, "title", str_or_null(db_rows_str(r, i, DB_BOARD_TITLE)));
    json_object_set_new(o, "content", str_or_null(db_rows_str(r, i, DB_BOARD_CONTENT)));
    json_object_set_new(o, "views", json_integer((json_int_t)db_rows_u64(r, i, DB_BOARD_VIEWS)));
    json_object_set_new(o, "commentCount",
                        json_integer((json_int_t)db_rows_u64(r, i, DB_BOARD_COMMENT_COUNT)));
    json_object_set_new(o, "createdAt", str_or_null(db_rows_str(r, i, DB_BOARD_CREATED_AT)));
    json_object_set_new(o, "updatedAt", str_or_null(db_rows_str(r, i, DB_BOARD_UPDATED_AT)));
    return o;
}

static json_t *comment_json(const struct db_rows *r, size_t i)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer((json_int_t)db_rows_u64(r, i, DB_COMMENT_ID)));
    json_object_set_new(o, "boardId",
                        json_integer((json_int_t)db_rows_u64(r, i, DB_COMMENT_BOARD_ID)));
    json_object_set_new(o, "userId",
                        json_integer((json_int_t)db_rows_u64(r, i, DB_COMMENT_USER_ID)));
    json_object_set_new(
        o, "authorName",
        str_or_null(author_name(r, i, DB_COMMENT_AUTHOR, DB_COMMENT_AUTHOR_DELETED)));
    json_object_set_new(o, "content", str_or_null(db_rows_str(r, i, DB_COMMENT_CONTENT)));
    json_object_set_new(o, "createdAt", str_or_null(db_rows_str(r, i, DB_COMMENT_CREATED_AT)));
    json_object_set_new(o, "updatedAt", str_or_null(db_rows_str(r, i, DB_COMMENT_UPDATED_AT)));
    return o;
}

static enum status validation_error(struct http_resp *resp, const struct val_result *v)
{
    return http_resp_error(resp, v->status, v->message, val_errors_json(v));
}

static enum status read_paging(struct http_req *req, struct http_resp *resp, struct paging *p)
{
    struct val_result v;
    if (paging_parse(http_req_query(req, "page"), http_req_query(req, "elements"),
                     http_req_query(req, "cursor"), p, &v) != STATUS_OK)
        return validation_error(resp, &v);
    return STATUS_OK;
}

/*
 * The page envelope for rows fetched with size + 1 (the extra row only says a next page
 * exists) plus nextCursor (null on the last page).
 */
static enum status respond_page(struct http_resp *resp, const struct paging *p,
                                const struct db_rows *r, uint64_t total,
                                json_t *(*to_json)(const struct db_rows *, size_t), size_t id_col,
                                size_t key_col)
{
    size_t n = db_rows_count(r);
    bool more = n > p->size;
    if (more)
        n = (size_t)p->size;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, to_json(r, i));
    http_resp_page(resp, items, p->page, p->size, total);
    char cursor[PAGING_CURSOR_MAX];
    if (more &&
        paging_cursor_encode(db_rows_str(r, n - 1, key_col), db_rows_u64(r, n - 1, id_col), cursor))
        json_object_set_new(resp->json, "nextCursor", json_string(cursor));
    else
        json_object_set_new(resp->json, "nextCursor", json_null());
    return STATUS_OK;
}

/* NFC copy of a view (stored text is NFC, so LIKE verification and highlights agree with the
 * index). False on ENOMEM; the view then points into `buf`. */
static bool nfc_view(struct val_str *v, struct strbuf *buf)
{
    strbuf_init(buf, TOKENS_MAX);
    if (!search_nfc(v->p, v->n, buf))
        return false;
    v->p = buf->data ? buf->data : "";
    v->n = buf->len;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split a space-separated token string (modified in place) into a sorted list of distinct
 * tokens. Returns the count, or -1 on ENOMEM; *out is malloc'd (pointers into `s`). */
static long distinct_tokens(char *s, char ***out)
{
    size_t cap = 64, n = 0;
    char **list = malloc(cap * sizeof *list);
    if (!list)
        return -1;
    for (char *t = s; *t;) {
        char *sp = strchr(t, ' ');
        if (sp)
            *sp = '\0';
        if (*t) {
            if (n == cap) {
                char **nl = realloc(list, cap * 2 * sizeof *list);
                if (!nl) {
                    free(list);
                    return -1;
                }
                list = nl;
                cap *= 2;
            }
            list[n++] = t;
        }
        t = sp ? sp + 1 : t + strlen(t);
    }
    qsort(list, n, sizeof *list, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || strcmp(list[i], list[m - 1]) != 0)
            list[m++] = list[i];
    *out = list;
    return (long)m;
}

/*
 * Move search_token_df from the tokens of the old text to those of the new one (either may be
 * NULL): -1 for tokens that left, +1 for tokens that came, one statement with the net deltas
 * in token order.
 */
static enum status df_move(struct db_conn *db, const char *old_tokens, const char *new_tokens)
{
    enum status st = STATUS_INTERNAL;
    char *a = strdup(old_tokens ? old_tokens : ""), *b = strdup(new_tokens ? new_tokens : "");
    char **olds = NULL, **news = NULL;
    json_t *deltas = json_array();
    char *text = NULL;
    long na = a ? distinct_tokens(a, &olds) : -1;
    long nb = b ? distinct_tokens(b, &news) : -1;
    if (na < 0 || nb < 0 || !deltas)
        goto out;
    for (long i = 0, j = 0; i < na || j < nb;) {
        int c = i >= na ? 1 : j >= nb ? -1 : strcmp(olds[i], news[j]);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            json_array_append_new(deltas, json_pack("[s,i]", olds[i++], -1));
        } else {
            json_array_append_new(deltas, json_pack("[s,i]", news[j++], 1));
        }
    }
    if (json_array_size(deltas) == 0) {
        st = STATUS_OK;
        goto out;
    }
    text = json_dumps(deltas, JSON_COMPACT);
    st = text ? db_search_df_apply(db, "board", text) : STATUS_INTERNAL;
out:
    free(text);
    json_decref(deltas);
    free(olds);
    free(news);
    free(a);
    free(b);
    return st;
}

/* Index tokens of title + content; NULL (logged) if they cannot be made. Caller frees. */
static char *index_tokens(struct val_str title, struct val_str content)
{
    struct strbuf sb;
    strbuf_init(&sb, TOKENS_MAX);
    bool ok = search_index_tokens(title.p, title.n, &sb) && strbuf_puts(&sb, " ") &&
              search_index_tokens(content.p, content.n, &sb);
    if (!ok) {
        strbuf_free(&sb);
        log_error("boards.index", "could not build search tokens");
        return NULL;
    }
    char *s = strbuf_steal(&sb);
    return s ? s : strdup("");
}

static enum status respond_post(struct db_conn *db, uint64_t id, bool created, bool with_comments,
                                struct http_resp *resp)
{
    struct db_rows *r = NULL;
    enum status st = db_boards_get(db, id, &r);
    if (st != STATUS_OK)
        return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_POST, NULL) : st;
    json_t *post = h_boards_post_json(r, 0);
    db_rows_free(r);
    if (with_comments) {
        struct paging p = {.page = 1, .size = DETAIL_COMMENTS};
        uint64_t total = 0;
        json_t *comments = json_array();
        st = db_comments_list(db, id, &p, &r, &total);
        if (st != STATUS_OK) {
            json_decref(comments);
            json_decref(post);
            return st;
        }
        size_t n = db_rows_count(r);
        for (size_t i = 0; i < n && i < DETAIL_COMMENTS; i++)
            json_array_append_new(comments, comment_json(r, i));
        db_rows_free(r);
        json_object_set_new(post, "comments", comments);
    }
    if (!created)
        return http_resp_item(resp, post);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/boards/%llu", (unsigned long long)id);
    return http_resp_created(resp, post, loc);
}

/* ---- posts ---- */

enum status h_boards_create(struct http_req *req, struct http_resp *resp)
{
    struct val_board b;
    struct val_result v;
    val_board_create(req->body, &b, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct strbuf tb, cb;
    char *tokens = NULL;
    enum status st = STATUS_INTERNAL;
    bool ok = nfc_view(&b.title, &tb);
    ok = nfc_view(&b.content, &cb) && ok;
    if (ok)
        tokens = index_tokens(b.title, b.content);
    uint64_t id = 0;
    if (tokens)
        st = db_boards_insert(db, req->user_id, &b, tokens, &id);
    /* A planning hint: a failure is logged, the post is created all the same. */
    if (st == STATUS_OK && df_move(db, NULL, tokens) != STATUS_OK)
        log_warn("boards.df", "search token frequencies of post %llu not counted",
                 (unsigned long long)id);
    free(tokens);
    strbuf_free(&tb);
    strbuf_free(&cb);
    if (st != STATUS_OK)
        return st;
    return respond_post(db, id, true, false, resp);
}

enum status h_boards_list(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct db_board_filter f = {0};
    const char *cat = http_req_query(req, "category");
    if (cat) {
        if (strcmp(cat, "RECIPE") != 0 && strcmp(cat, "RESTAURANT") != 0) {
            json_t *errors = json_array();
            json_array_append_new(errors, json_pack("{s:s,s:s}", "field", "category", "message",
                                                    "카테고리는 RECIPE 또는 RESTAURANT 여야 "
                                                    "합니다."));
            return http_resp_error(resp, STATUS_BAD_REQUEST, "입력값이 올바르지 않습니다.", errors);
        }
        f.category = cat;
    }
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    uint64_t total = 0;
    st = db_boards_list(db, &f, &p, &r, &total);
    if (st == STATUS_OK)
        st = respond_page(resp, &p, r, total, h_boards_post_json, DB_BOARD_ID, DB_BOARD_CURSOR_KEY);
    db_rows_free(r);
    return st;
}

enum status h_boards_mine(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_board_filter f = {.user_id = req->user_id};
    struct db_rows *r = NULL;
    uint64_t total = 0;
    st = db_boards_list(db, &f, &p, &r, &total);
    if (st == STATUS_OK)
        st = respond_page(resp, &p, r, total, h_boards_post_json, DB_BOARD_ID, DB_BOARD_CURSOR_KEY);
    db_rows_free(r);
    return st;
}

enum status h_boards_detail(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = db_boards_view(db, id);
    if (st != STATUS_OK)
        return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_POST, NULL) : st;
    return respond_post(db, id, false, true, resp);
}

/* 404 for a missing post, 403 for someone else's; loads title/content for re-indexing. */
static enum status own_post(struct db_conn *db, uint64_t id, uint64_t user_id,
                            struct http_resp *resp, struct db_rows **out_text)
{
    uint64_t owner = 0;
    enum status st = db_boards_owner(db, id, true, &owner, out_text);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_POST, NULL);
    if (st != STATUS_OK)
        return st;
    if (owner != user_id) {
        db_rows_free(*out_text);
        *out_text = NULL;
        return http_resp_error(resp, STATUS_FORBIDDEN, MSG_NOT_AUTHOR, NULL);
    }
    return STATUS_OK;
}

enum status h_boards_update(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct val_board b;
    struct val_result v;
    val_board_update(req->body, &b, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct strbuf tb, cb;
    strbuf_init(&tb, TOKENS_MAX);
    strbuf_init(&cb, TOKENS_MAX);
    struct db_rows *text = NULL;
    char *old_tokens = NULL, *tokens = NULL;
    /* The post row stays locked from reading the old text to the commit, so concurrent edits
     * of one post adjust the token frequencies one after the other. */
    enum status st = db_tx_begin(db);
    if (st != STATUS_OK)
        goto out;
    st = own_post(db, id, req->user_id, resp, &text);
    if (st != STATUS_OK)
        goto out;
    st = STATUS_INTERNAL;
    if ((b.has_title && !nfc_view(&b.title, &tb)) || (b.has_content && !nfc_view(&b.content, &cb)))
        goto out;
    if (b.has_title || b.has_content) {
        struct val_str old_title = {db_rows_str(text, 0, 1), db_rows_len(text, 0, 1)};
        struct val_str old_content = {db_rows_str(text, 0, 2), db_rows_len(text, 0, 2)};
        old_tokens = index_tokens(old_title, old_content);
        tokens = index_tokens(b.has_title ? b.title : old_title,
                              b.has_content ? b.content : old_content);
        if (!old_tokens || !tokens)
            goto out;
    }
    st = db_boards_update(db, id, req->user_id, &b, tokens);
    if (st == STATUS_OK && tokens)
        st = df_move(db, old_tokens, tokens);
    if (st == STATUS_OK)
        st = db_tx_commit(db);
out:
    if (st != STATUS_OK)
        db_tx_rollback(db);
    free(old_tokens);
    free(tokens);
    strbuf_free(&tb);
    strbuf_free(&cb);
    db_rows_free(text);
    if (st != STATUS_OK)
        return st;
    return respond_post(db, id, false, false, resp);
}

enum status h_boards_delete(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *text = NULL;
    char *tokens = NULL;
    enum status st = db_tx_begin(db);
    if (st != STATUS_OK)
        return st;
    st = own_post(db, id, req->user_id, resp, &text);
    if (st == STATUS_OK)
        st = db_boards_delete(db, id, req->user_id);
    if (st == STATUS_OK) {
        tokens = index_tokens((struct val_str){db_rows_str(text, 0, 1), db_rows_len(text, 0, 1)},
                              (struct val_str){db_rows_str(text, 0, 2), db_rows_len(text, 0, 2)});
        st = tokens ? df_move(db, tokens, NULL) : STATUS_INTERNAL;
    }
    if (st == STATUS_OK)
        st = db_tx_commit(db);
    else
        db_tx_rollback(db);
    free(tokens);
    db_rows_free(text);
    if (st == STATUS_NOT_FOUND && !resp->json)
        return http_resp_error(resp, st, MSG_NO_POST, NULL);
    if (st != STATUS_OK)
        return st;
    return http_resp_item(resp, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* ---- comments ---- */

enum status h_comments_list(struct http_req *req, struct http_resp *resp)
{
    uint64_t board_id = http_req_param(req, "boardId");
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    uint64_t total = 0;
    st = db_comments_list(db, board_id, &p, &r, &total);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_POST, NULL);
    if (st == STATUS_OK)
        st = respond_page(resp, &p, r, total, comment_json, DB_COMMENT_ID, DB_COMMENT_CURSOR_KEY);
    db_rows_free(r);
    return st;
}

static enum status respond_comment(struct db_conn *db, uint64_t board_id, uint64_t id, bool created,
                                   struct http_resp *resp)
{
    struct db_rows *r = NULL;
    enum status st = db_comments_get(db, board_id, id, &r);
    if (st != STATUS_OK)
        return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_COMMENT, NULL) : st;
    json_t *c = comment_json(r, 0);
    db_rows_free(r);
    if (!created)
        return http_resp_item(resp, c);
    char loc[96];
    snprintf(loc, sizeof loc, "/api/boards/%llu/comments/%llu", (unsigned long long)board_id,
             (unsigned long long)id);
    return http_resp_created(resp, c, loc);
}

enum status h_comments_create(struct http_req *req, struct http_resp *resp)
{
    uint64_t board_id = http_req_param(req, "boardId");
    struct val_str content;
    struct val_result v;
    val_comment(req->body, &content, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    uint64_t id = 0;
    enum status st = db_comments_insert(db, board_id, req->user_id, content, &id);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_POST, NULL);
    if (st != STATUS_OK)
        return st;
    return respond_comment(db, board_id, id, true, resp);
}

/* 404 when the comment is not a visible comment of this visible post, 403 for another's. */
static enum status own_comment(struct db_conn *db, uint64_t board_id, uint64_t id, uint64_t user_id,
                               struct http_resp *resp)
{
    struct db_rows *r = NULL;
    enum status st = db_comments_get(db, board_id, id, &r);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_COMMENT, NULL);
    if (st != STATUS_OK)
        return st;
    uint64_t owner = db_rows_u64(r, 0, DB_COMMENT_USER_ID);
    db_rows_free(r);
    if (owner != user_id)
        return http_resp_error(resp, STATUS_FORBIDDEN, MSG_NOT_AUTHOR, NULL);
    return STATUS_OK;
}

enum status h_comments_update(struct http_req *req, struct http_resp *resp)
{
    uint64_t board_id = http_req_param(req, "boardId"), id = http_req_param(req, "commentId");
    struct val_str content;
    struct val_result v;
    val_comment(req->body, &content, &v);
    if (v.status != STATUS_OK)
        return validation_error(resp, &v);
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = own_comment(db, board_id, id, req->user_id, resp);
    if (st != STATUS_OK)
        return st;
    st = db_comments_update(db, board_id, id, req->user_id, content);
    if (st != STATUS_OK)
        return st;
    return respond_comment(db, board_id, id, false, resp);
}

enum status h_comments_delete(struct http_req *req, struct http_resp *resp)
{
    uint64_t board_id = http_req_param(req, "boardId"), id = http_req_param(req, "commentId");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    enum status st = own_comment(db, board_id, id, req->user_id, resp);
    if (st != STATUS_OK)
        return st;
    st = db_comments_delete(db, board_id, id, req->user_id);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_COMMENT, NULL);
    if (st != STATUS_OK)
        return st;
    return http_resp_item(resp, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

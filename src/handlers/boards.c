/*
 * boards.c - /api/boards and /api/boards/:boardId/comments: posts, comments, views, counters.
 * Authors own their posts and comments (403 for others); soft-deleted posts hide their
 * comments; lists are newest (posts) or oldest (comments) first with page or keyset cursor.
 */
#include "eeum/app.h"
#include "eeum/cache.h"
#include "eeum/caches.h"
#include "eeum/db_boards.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/paging.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"
#include "eeum/validate.h"
#include "eeum/viewbuf.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DETAIL_COMMENTS 100
#define TOKENS_MAX      (512u * 1024)
/* Reads of views retried when a view flush began during them (see viewbuf.h). */
#define VIEW_READ_TRIES 4
#define DETAIL_MAX      (64u * 1024 * 1024)

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
static enum status respond_page_items(struct http_resp *resp, const struct paging *p,
                                      const struct db_rows *r, json_t *items, uint64_t total,
                                      size_t id_col, size_t key_col)
{
    size_t n = db_rows_count(r);
    bool more = n > p->size;
    if (more)
        n = (size_t)p->size;
    http_resp_page(resp, items, p->page, p->size, total);
    char cursor[PAGING_CURSOR_MAX];
    if (more &&
        paging_cursor_encode(db_rows_str(r, n - 1, key_col), db_rows_u64(r, n - 1, id_col), cursor))
        json_object_set_new(resp->json, "nextCursor", json_string(cursor));
    else
        json_object_set_new(resp->json, "nextCursor", json_null());
    return STATUS_OK;
}

static enum status respond_page(struct http_resp *resp, const struct paging *p,
                                const struct db_rows *r, uint64_t total,
                                json_t *(*to_json)(const struct db_rows *, size_t), size_t id_col,
                                size_t key_col)
{
    size_t n = db_rows_count(r);
    if (n > p->size)
        n = (size_t)p->size;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, to_json(r, i));
    return respond_page_items(resp, p, r, items, total, id_col, key_col);
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

/* ---- views, the detail cache, list totals ------------------------------------------------ */

/*
 * Views are counted in memory and written in batches (viewbuf.h, flushed by caches.c), so what
 * a response shows is the database value plus this process' unflushed views. A read of the
 * database value must not overlap a flush (the batch would count twice or not at all): reads
 * take the view generation before and compare it afterwards, and are repeated when a flush
 * overlapped (a flush writes for about a millisecond every VIEWS_FLUSH_MS).
 */

/* The view generation once no flush is writing. Waits 20 ms at most: a flush writes one
 * statement on a connection it holds already (about a millisecond); one that takes longer (rows
 * locked by a long transaction) gets the caller an approximate count (in-flight views added)
 * rather than more reads. */
static uint64_t quiet_gen(const struct viewbuf *vb)
{
    uint64_t g = viewbuf_gen(vb);
    for (int i = 0; i < 40 && (g & 1); i++) {
        struct timespec half_ms = {0, 500000L};
        nanosleep(&half_ms, NULL);
        g = viewbuf_gen(vb);
    }
    return g;
}

/* Views to show for post `id` whose database value `db_views` was read after generation g0.
 * Clears *exact when a flush overlapped the read (in-flight views are then added as well,
 * which may count one batch twice: the caller reads again). */
static uint64_t shown_views(struct viewbuf *vb, uint64_t id, uint64_t db_views, uint64_t g0,
                            bool *exact)
{
    struct viewbuf_snap sn;
    viewbuf_peek(vb, id, &sn);
    if (!(g0 & 1) && sn.gen == g0)
        return db_views + sn.pending;
    *exact = false;
    return db_views + sn.pending + sn.inflight;
}

/* Created/updated post (no comments): 200, or 201 with Location when `created`. */
static enum status respond_post(struct http_req *req, struct db_conn *db, uint64_t id, bool created,
                                struct http_resp *resp)
{
    struct viewbuf *vb = req->app->views;
    json_t *post = NULL;
    for (int t = 0; t < VIEW_READ_TRIES; t++) {
        uint64_t g0 = vb ? quiet_gen(vb) : 0;
        struct db_rows *r = NULL;
        enum status st = db_boards_get(db, id, &r);
        if (st != STATUS_OK)
            return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_POST, NULL) : st;
        post = h_boards_post_json(r, 0);
        bool exact = true;
        if (vb)
            json_object_set_new(post, "views",
                                json_integer((json_int_t)shown_views(
                                    vb, id, db_rows_u64(r, 0, DB_BOARD_VIEWS), g0, &exact)));
        db_rows_free(r);
        if (exact || (g0 & 1) || t == VIEW_READ_TRIES - 1)
            break;
        json_decref(post);
        post = NULL;
    }
    if (!created)
        return http_resp_item(resp, post);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/boards/%llu", (unsigned long long)id);
    return http_resp_created(resp, post, loc);
}

/* The post item JSON with its first comments, and its database views; NOT_FOUND when the post
 * is not visible. */
static enum status load_detail(struct db_conn *db, uint64_t id, json_t **out, uint64_t *out_views)
{
    *out = NULL;
    struct db_rows *r = NULL;
    enum status st = db_boards_get(db, id, &r);
    if (st != STATUS_OK)
        return st;
    json_t *post = h_boards_post_json(r, 0);
    *out_views = db_rows_u64(r, 0, DB_BOARD_VIEWS);
    /* comment_count is kept equal to the visible comments: no query when there are none. */
    uint64_t ncomments = db_rows_u64(r, 0, DB_BOARD_COMMENT_COUNT);
    db_rows_free(r);
    json_t *comments = json_array();
    if (ncomments > 0) {
        st = db_comments_first(db, id, DETAIL_COMMENTS, &r);
        if (st != STATUS_OK) {
            json_decref(comments);
            json_decref(post);
            return st;
        }
        size_t n = db_rows_count(r);
        for (size_t i = 0; i < n && i < DETAIL_COMMENTS; i++)
            json_array_append_new(comments, comment_json(r, i));
        db_rows_free(r);
    }
    json_object_set_new(post, "comments", comments);
    *out = post;
    return STATUS_OK;
}

/* A cached detail: this header, then the post item JSON text with views_base as its views. */
struct detail_hdr {
    uint64_t views_base;   /* boards.views as read */
    uint64_t flushed_base; /* `flushed` of the post's view counter at that read */
    uint64_t incarnation;  /* of that view counter: another counter means another history */
    size_t views_off;      /* the digits of the post's "views" in the text */
    size_t views_len;
};

/* Locate the digits of the post's "views". `,"views":` cannot occur inside a JSON string (a
 * quote there is escaped), the post's own key comes before its comments, and comments have no
 * such key: the first occurrence is the one. */
static bool views_span(const char *text, size_t *off, size_t *len)
{
    static const char KEY[] = ",\"views\":";
    const char *k = strstr(text, KEY);
    if (!k)
        return false;
    *off = (size_t)(k - text) + sizeof KEY - 1;
    *len = 0;
    while (text[*off + *len] >= '0' && text[*off + *len] <= '9')
        (*len)++;
    return *len > 0;
}

static enum status respond_detail(struct http_resp *resp, const struct detail_hdr *h,
                                  const char *text, size_t len, uint64_t views)
{
    struct strbuf sb;
    strbuf_init(&sb, DETAIL_MAX);
    bool ok =
        strbuf_append(&sb, text, h->views_off) && strbuf_printf(&sb, "%" PRIu64, views) &&
        strbuf_append(&sb, text + h->views_off + h->views_len, len - h->views_off - h->views_len);
    enum status st = ok ? caches_resp_item_text(resp, sb.data, sb.len) : STATUS_INTERNAL;
    strbuf_free(&sb);
    return st;
}

/* Detail from the database; counts the view unless `counted`; caches the result when the read
 * and the view counts fit together (see above). */
static enum status detail_fill(struct http_req *req, struct http_resp *resp, uint64_t id,
                               bool counted)
{
    struct app *app = req->app;
    struct viewbuf *vb = app->views;
    struct cache *cache = app->post_cache;
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    /* Before the read: a change committed (and invalidated) after it outdates the ticket. */
    uint64_t ticket = cache ? cache_ticket(cache, id) : 0;
    json_t *post = NULL;
    uint64_t db_views = 0;
    struct viewbuf_snap sn = {0};
    bool exact = false, direct = false;
    enum status st = STATUS_OK;
    for (int t = 0; t < VIEW_READ_TRIES && !exact; t++) {
        uint64_t g0 = quiet_gen(vb);
        json_decref(post);
        st = load_detail(db, id, &post, &db_views);
        if (st != STATUS_OK)
            break;
        if (!counted && !direct) {
            if (viewbuf_add(vb, id, &sn)) {
                counted = true;
            } else {
                /* Too many posts with buffered counts: write this view at once. */
                st = db_boards_view(db, id);
                if (st != STATUS_OK)
                    break;
                direct = true;
                db_views++;
                viewbuf_peek(vb, id, &sn);
                break;
            }
        } else {
            viewbuf_peek(vb, id, &sn);
        }
        exact = !(g0 & 1) && sn.gen == g0; /* no flush overlapped: nothing was in flight */
        if (g0 & 1)
            break; /* a slow flush: take the approximate count */
    }
    if (st != STATUS_OK) {
        json_decref(post);
        return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_POST, NULL) : st;
    }
    char *text = json_dumps(post, JSON_COMPACT);
    json_decref(post);
    struct detail_hdr h = {
        .views_base = db_views, .flushed_base = sn.flushed, .incarnation = sn.incarnation};
    if (!text || !views_span(text, &h.views_off, &h.views_len)) {
        free(text);
        log_error("boards.detail", "could not encode post %llu", (unsigned long long)id);
        return STATUS_INTERNAL;
    }
    size_t len = strlen(text);
    if (cache && exact && !direct && sn.incarnation) {
        char *blob = malloc(sizeof h + len);
        if (blob) {
            memcpy(blob, &h, sizeof h);
            memcpy(blob + sizeof h, text, len);
            (void)cache_put(cache, id, blob, sizeof h + len, app->cfg->board_cache_ttl_ms, ticket);
            free(blob);
        }
    }
    enum status rs = respond_detail(resp, &h, text, len, db_views + sn.pending + sn.inflight);
    free(text);
    return rs;
}

/* After this process changed post `id` or its comments (committed or not: the outcome of a
 * failed commit may be unknown). */
static void forget_post(struct app *app, uint64_t id)
{
    if (app->post_cache)
        cache_invalidate(app->post_cache, id);
}

/* Totals of GET /api/boards by category: keys of the count cache. */
enum { TOTAL_ALL, TOTAL_RECIPE, TOTAL_RESTAURANT, TOTAL_KEYS };

static unsigned total_key(const char *category)
{
    if (!category)
        return TOTAL_ALL;
    return strcmp(category, "RECIPE") == 0 ? TOTAL_RECIPE : TOTAL_RESTAURANT;
}

/* One recount per category at a time (process-wide, like the cache it fills). */
static pthread_mutex_t g_total_fill[TOTAL_KEYS] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};

/* After this process created, deleted or re-categorised a post. */
static void forget_totals(struct app *app)
{
    for (unsigned k = 0; app->count_cache && k < TOTAL_KEYS; k++)
        cache_invalidate(app->count_cache, k);
}

static enum status recount(struct app *app, struct db_conn *db, const struct db_board_filter *f,
                           unsigned key, uint64_t *out)
{
    uint64_t ticket = cache_ticket(app->count_cache, key);
    enum status st = db_boards_count(db, f, out);
    if (st == STATUS_OK)
        (void)cache_put(app->count_cache, key, out, sizeof *out, app->cfg->board_count_ttl_ms,
                        ticket);
    return st;
}

/*
 * The number of visible posts of the filter. Counting all posts takes 120-350 ms at 1M posts,
 * so the totals of the public list are cached for BOARD_COUNT_TTL_MS and dropped whenever this
 * process creates, deletes or re-categorises a post (exact in one process). Past its TTL a
 * total is still served for one more TTL while a single request recounts; after a drop, one
 * request counts and the others of that category wait for it. Per-author totals (my-boards)
 * use an index and are counted every time.
 */
static enum status board_total(struct app *app, struct db_conn *db, const struct db_board_filter *f,
                               uint64_t *out)
{
    struct cache *c = app->count_cache;
    if (!c || f->user_id)
        return db_boards_count(db, f, out);
    unsigned key = total_key(f->category);
    const struct cache_val *v = NULL;
    enum cache_result r = cache_get(c, key, app->cfg->board_count_ttl_ms, &v);
    if (r != CACHE_MISS)
        memcpy(out, cache_val_data(v), sizeof *out);
    cache_val_release(v);
    if (r == CACHE_HIT)
        return STATUS_OK;
    if (r == CACHE_STALE) {
        if (pthread_mutex_trylock(&g_total_fill[key]) != 0)
            return STATUS_OK; /* another request is recounting */
    } else {
        pthread_mutex_lock(&g_total_fill[key]);
        if (cache_get(c, key, 0, &v) == CACHE_HIT) { /* counted while we waited */
            memcpy(out, cache_val_data(v), sizeof *out);
            cache_val_release(v);
            pthread_mutex_unlock(&g_total_fill[key]);
            return STATUS_OK;
        }
        cache_val_release(v);
    }
    enum status st = recount(app, db, f, key, out);
    pthread_mutex_unlock(&g_total_fill[key]);
    return r == CACHE_STALE ? STATUS_OK : st; /* a failed recount keeps the stale total */
}

/* A page of posts (views as shown) and its total. */
static enum status list_posts(struct http_req *req, struct http_resp *resp,
                              const struct db_board_filter *f, const struct paging *p)
{
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct viewbuf *vb = req->app->views;
    struct db_rows *r = NULL;
    json_t *items = NULL;
    enum status st = STATUS_OK;
    for (int t = 0; t < VIEW_READ_TRIES; t++) {
        uint64_t g0 = vb ? quiet_gen(vb) : 0;
        db_rows_free(r);
        r = NULL;
        json_decref(items);
        items = NULL;
        st = db_boards_list(db, f, p, &r, NULL);
        if (st != STATUS_OK)
            break;
        size_t n = db_rows_count(r);
        if (n > p->size)
            n = (size_t)p->size;
        items = json_array();
        bool exact = true;
        for (size_t i = 0; i < n; i++) {
            json_t *o = h_boards_post_json(r, i);
            if (vb)
                json_object_set_new(o, "views",
                                    json_integer((json_int_t)shown_views(
                                        vb, db_rows_u64(r, i, DB_BOARD_ID),
                                        db_rows_u64(r, i, DB_BOARD_VIEWS), g0, &exact)));
            json_array_append_new(items, o);
        }
        if (exact || (g0 & 1))
            break;
    }
    uint64_t total = 0;
    if (st == STATUS_OK)
        st = board_total(req->app, db, f, &total);
    if (st == STATUS_OK) {
        /* A total cached by this or another instance is never below what the page shows. */
        size_t n = db_rows_count(r);
        uint64_t seen = p->has_cursor || n == 0 ? 0 : p->offset + n;
        if (total < seen)
            total = seen;
        st = respond_page_items(resp, p, r, items, total, DB_BOARD_ID, DB_BOARD_CURSOR_KEY);
        items = NULL;
    }
    json_decref(items);
    db_rows_free(r);
    return st;
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
    forget_totals(req->app);
    return respond_post(req, db, id, true, resp);
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
    return list_posts(req, resp, &f, &p);
}

enum status h_boards_mine(struct http_req *req, struct http_resp *resp)
{
    struct paging p;
    enum status st = read_paging(req, resp, &p);
    if (st != STATUS_OK)
        return st;
    struct db_board_filter f = {.user_id = req->user_id};
    return list_posts(req, resp, &f, &p);
}

/* Without a view buffer (not started): count in the database, then read. */
static enum status detail_direct(struct http_req *req, struct http_resp *resp, uint64_t id)
{
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    json_t *post = NULL;
    uint64_t views = 0;
    enum status st = db_boards_view(db, id);
    if (st == STATUS_OK)
        st = load_detail(db, id, &post, &views);
    if (st != STATUS_OK)
        return st == STATUS_NOT_FOUND ? http_resp_error(resp, st, MSG_NO_POST, NULL) : st;
    return http_resp_item(resp, post);
}

/*
 * GET /api/boards/:id and /api/boards/detail/:id. A cached detail (BOARD_CACHE_TTL_MS) costs
 * no database round trip: its views are rebuilt from the value read when it was cached plus
 * what this process' view counter has flushed and still holds since then.
 */
enum status h_boards_detail(struct http_req *req, struct http_resp *resp)
{
    uint64_t id = http_req_param(req, "id");
    struct app *app = req->app;
    struct viewbuf *vb = app->views;
    if (!vb)
        return detail_direct(req, resp, id);
    bool counted = false;
    const struct cache_val *v = NULL;
    if (app->post_cache && cache_get(app->post_cache, id, 0, &v) == CACHE_HIT) {
        struct detail_hdr h;
        struct viewbuf_snap sn;
        const char *data = cache_val_data(v);
        memcpy(&h, data, sizeof h);
        counted = viewbuf_add(vb, id, &sn);
        if (counted && sn.incarnation == h.incarnation) {
            uint64_t views =
                h.views_base + (sn.flushed - h.flushed_base) + sn.inflight + sn.pending;
            enum status st =
                respond_detail(resp, &h, data + sizeof h, cache_val_len(v) - sizeof h, views);
            cache_val_release(v);
            return st;
        }
        cache_val_release(v);
    }
    return detail_fill(req, resp, id, counted);
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
    forget_post(req->app, id);
    if (b.has_category)
        forget_totals(req->app);
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
    return respond_post(req, db, id, false, resp);
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
    if (st == STATUS_OK) {
        st = db_tx_commit(db);
        forget_post(req->app, id);
        forget_totals(req->app);
    } else {
        db_tx_rollback(db);
    }
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
    forget_post(req->app, board_id);
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
    forget_post(req->app, board_id);
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
    forget_post(req->app, board_id);
    if (st == STATUS_NOT_FOUND)
        return http_resp_error(resp, st, MSG_NO_COMMENT, NULL);
    if (st != STATUS_OK)
        return st;
    return http_resp_item(resp, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
}

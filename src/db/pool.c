/*
 * pool.c - MySQL connections: a fixed pool with lazy connect, dead-socket detection and
 * reconnect, prepared statements cached per connection (keyed by the SQL string's address),
 * buffered result rows, and transactions.
 *
 * Reconnect policy: a connection whose socket shows EOF while idle in the pool is replaced
 * before it is lent out; a statement that still meets a lost connection (2006/2013) is retried
 * once on a fresh connection when that cannot repeat a write (prepare failures, and reads
 * outside a transaction); otherwise only the request in flight fails (503).
 *
 * A statement that fails is never reused: an execution error closes it and drops it from the
 * cache; an error while its rows arrive (e.g. 1969, interrupted by max_statement_time) also
 * marks the connection broken, so it is replaced before its next use. Reusing such a statement
 * made the next execution wait for the 30 s read timeout.
 */
#include "eeum/db.h"
#include "eeum/log.h"
#include "eeum/timeutil.h"

#include <mysql.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE_MAX     64
#define DB_MAX_PARAMS      64
#define RESULT_INITIAL_BUF 256
#define DB_RW_TIMEOUT_S    30
#define LOG_THROTTLE_NS    (5ull * 1000000000ull)

static const char SESSION_INIT[] =
    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION,NO_ZERO_DATE,NO_ZERO_IN_DATE'";

struct stmt_slot {
    const char *sql;
    MYSQL_STMT *stmt;
};

struct db_conn {
    struct db_pool *pool;
    MYSQL *mysql;
    bool broken;
    bool in_tx;
    char last_error[256];
    unsigned last_errno;
    struct stmt_slot cache[STMT_CACHE_MAX];
    size_t ncache;
};

struct db_pool {
    const struct config *cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db_conn *conns;
    struct db_conn **free_list;
    unsigned size;
    unsigned nfree;
    atomic_uint_fast64_t last_connect_log_ns;
};

struct cell {
    size_t off;
    size_t len;
    bool null;
};

struct db_rows {
    size_t nrows;
    size_t ncols;
    struct cell *cells;
    size_t cells_cap;
    char *arena;
    size_t arena_len;
    size_t arena_cap;
};

/* ---- library ---- */

int db_library_init(void)
{
    return mysql_library_init(0, NULL, NULL) == 0 ? 0 : -1;
}

void db_library_end(void)
{
    mysql_library_end();
}

/* ---- connections ---- */

static void conn_close(struct db_conn *c)
{
    /* The connection first: mysql_close detaches its statements, so closing them afterwards
     * only frees memory and never talks to a server that may be out of sync. */
    if (c->mysql)
        mysql_close(c->mysql);
    c->mysql = NULL;
    for (size_t i = 0; i < c->ncache; i++)
        mysql_stmt_close(c->cache[i].stmt);
    c->ncache = 0;
    c->broken = false;
    c->in_tx = false;
}

static enum status conn_open(struct db_conn *c)
{
    const struct config *cfg = c->pool->cfg;
    MYSQL *m = mysql_init(NULL);
    if (!m)
        return STATUS_INTERNAL;
    unsigned int ct = cfg->db_connect_timeout_s, rw = DB_RW_TIMEOUT_S;
    my_bool no = 0;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_options(m, MYSQL_OPT_RECONNECT, &no);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(m, MYSQL_INIT_COMMAND, SESSION_INIT);
    if (!mysql_real_connect(m, cfg->db_host, cfg->db_user, cfg->db_password, cfg->db_name,
                            cfg->db_port, NULL, 0)) {
        uint64_t now = time_mono_ns();
        uint64_t last = atomic_load(&c->pool->last_connect_log_ns);
        if (now - last > LOG_THROTTLE_NS &&
            atomic_compare_exchange_strong(&c->pool->last_connect_log_ns, &last, now))
            log_error("db.connect", "cannot connect to %s:%u/%s: (%u) %s", cfg->db_host,
                      cfg->db_port, cfg->db_name, mysql_errno(m), mysql_error(m));
        mysql_close(m);
        return STATUS_UNAVAILABLE;
    }
    c->mysql = m;
    c->broken = false;
    c->in_tx = false;
    return STATUS_OK;
}

/* An idle connection whose socket is readable has been closed by the server (or is out of
 * sync): either way it must not be lent out. */
static bool conn_socket_dead(struct db_conn *c)
{
    int fd = (int)mysql_get_socket(c->mysql);
    if (fd < 0)
        return true;
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    int n = poll(&p, 1, 0);
    return n != 0;
}

/* ---- pool ---- */

struct db_pool *db_pool_new(const struct config *cfg)
{
    struct db_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = cfg;
    p->size = cfg->db_pool_size ? cfg->db_pool_size : 1;
    p->conns = calloc(p->size, sizeof *p->conns);
    p->free_list = calloc(p->size, sizeof *p->free_list);
    if (!p->conns || !p->free_list) {
        free(p->conns);
        free(p->free_list);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (unsigned i = 0; i < p->size; i++) {
        p->conns[i].pool = p;
        p->free_list[p->nfree++] = &p->conns[i];
    }
    return p;
}

void db_pool_free(struct db_pool *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < p->size; i++)
        conn_close(&p->conns[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->conns);
    free(p->free_list);
    free(p);
}

static void pool_put(struct db_pool *p, struct db_conn *c)
{
    pthread_mutex_lock(&p->mu);
    p->free_list[p->nfree++] = c;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

enum status db_pool_acquire(struct db_pool *p, unsigned timeout_ms, struct db_conn **out)
{
    *out = NULL;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0) {
        if (pthread_cond_timedwait(&p->cv, &p->mu, &deadline) == ETIMEDOUT && p->nfree == 0) {
            pthread_mutex_unlock(&p->mu);
            log_warn("db.pool", "no free connection within %u ms (pool size %u)", timeout_ms,
                     p->size);
            return STATUS_UNAVAILABLE;
        }
    }
    struct db_conn *c = p->free_list[--p->nfree];
    pthread_mutex_unlock(&p->mu);

    if (c->mysql && (c->broken || conn_socket_dead(c)))
        conn_close(c);
    if (!c->mysql) {
        enum status st = conn_open(c);
        if (st != STATUS_OK) {
            pool_put(p, c);
            return st;
        }
    }
    *out = c;
    return STATUS_OK;
}

void db_pool_release(struct db_pool *p, struct db_conn *c)
{
    if (!c)
        return;
    if (c->in_tx)
        db_tx_rollback(c);
    pool_put(p, c);
}

unsigned db_pool_in_use(struct db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    unsigned n = p->size - p->nfree;
    pthread_mutex_unlock(&p->mu);
    return n;
}

unsigned db_pool_size(const struct db_pool *p)
{
    return p->size;
}

/* ---- statements ---- */

struct db_param db_p_str(const char *s)
{
    return s ? db_p_strn(s, strlen(s)) : db_p_null();
}

struct db_param db_p_strn(const char *s, size_t n)
{
    struct db_param p = {.type = DB_STR};
    p.v.s.p = s;
    p.v.s.n = n;
    return p;
}

static enum status report(struct db_conn *c, const char *sql, unsigned err, const char *msg)
{
    enum status st = db_status_from_errno(err);
    snprintf(c->last_error, sizeof c->last_error, "%s", msg);
    c->last_errno = err;
    if (db_errno_is_lost_connection(err))
        c->broken = true;
    if (status_is_client_error(st))
        log_info("db.statement", "(%u) %s [%.80s]", err, msg, sql);
    else
        log_error("db.statement", "(%u) %s [%.80s]", err, msg, sql);
    return st;
}

static MYSQL_STMT *stmt_get(struct db_conn *c, const char *sql, unsigned *out_err, char *errbuf,
                            size_t errlen)
{
    for (size_t i = 0; i < c->ncache; i++)
        if (c->cache[i].sql == sql)
            return c->cache[i].stmt;
    MYSQL_STMT *s = mysql_stmt_init(c->mysql);
    if (!s) {
        *out_err = mysql_errno(c->mysql);
        snprintf(errbuf, errlen, "%s", mysql_error(c->mysql));
        return NULL;
    }
    if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
        *out_err = mysql_stmt_errno(s);
        snprintf(errbuf, errlen, "%s", mysql_stmt_error(s));
        mysql_stmt_close(s);
        return NULL;
    }
    if (c->ncache == STMT_CACHE_MAX) {
        mysql_stmt_close(c->cache[0].stmt);
        memmove(&c->cache[0], &c->cache[1], (STMT_CACHE_MAX - 1) * sizeof c->cache[0]);
        c->ncache--;
    }
    c->cache[c->ncache++] = (struct stmt_slot){sql, s};
    return s;
}

/* Close a statement that failed and forget it: the next use prepares it afresh. Only for a
 * connection that is in sync (no result pending); otherwise mark it broken instead. */
static void stmt_drop(struct db_conn *c, MYSQL_STMT *s)
{
    for (size_t i = 0; i < c->ncache; i++) {
        if (c->cache[i].stmt == s) {
            memmove(&c->cache[i], &c->cache[i + 1], (c->ncache - i - 1) * sizeof c->cache[0]);
            c->ncache--;
            mysql_stmt_close(s);
            return;
        }
    }
}

static int bind_params(MYSQL_STMT *s, const struct db_param *params, size_t n, MYSQL_BIND *b)
{
    if (mysql_stmt_param_count(s) != n)
        return -1;
    memset(b, 0, n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        const struct db_param *p = &params[i];
        switch (p->type) {
        case DB_NULL:
            b[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        case DB_I64:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = (void *)(uintptr_t)&p->v.i64;
            break;
        case DB_U64:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = (void *)(uintptr_t)&p->v.u64;
            b[i].is_unsigned = 1;
            break;
        case DB_DOUBLE:
            b[i].buffer_type = MYSQL_TYPE_DOUBLE;
            b[i].buffer = (void *)(uintptr_t)&p->v.d;
            break;
        case DB_STR:
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = (void *)(uintptr_t)(p->v.s.p ? p->v.s.p : "");
            b[i].buffer_length = (unsigned long)p->v.s.n;
            break;
        }
    }
    return n ? (mysql_stmt_bind_param(s, b) ? -1 : 0) : 0;
}

static bool rows_append(struct db_rows *r, size_t idx, const char *data, size_t len, bool null)
{
    if (idx + 1 > r->cells_cap) {
        size_t ncap = r->cells_cap ? r->cells_cap * 2 : 64;
        while (ncap < idx + 1)
            ncap *= 2;
        struct cell *nc = realloc(r->cells, ncap * sizeof *nc);
        if (!nc)
            return false;
        r->cells = nc;
        r->cells_cap = ncap;
    }
    if (r->arena_len + len + 1 > r->arena_cap) {
        size_t ncap = r->arena_cap ? r->arena_cap * 2 : 1024;
        while (ncap < r->arena_len + len + 1)
            ncap *= 2;
        char *na = realloc(r->arena, ncap);
        if (!na)
            return false;
        r->arena = na;
        r->arena_cap = ncap;
    }
    r->cells[idx].off = r->arena_len;
    r->cells[idx].len = null ? 0 : len;
    r->cells[idx].null = null;
    if (!null && len)
        memcpy(r->arena + r->arena_len, data, len);
    r->arena_len += (null ? 0 : len);
    r->arena[r->arena_len++] = '\0';
    return true;
}

/* Fetch every row of an executed statement as text. */
static enum status fetch_rows(MYSQL_STMT *s, struct db_rows **out, unsigned *out_err, char *errbuf,
                              size_t errlen)
{
    enum status st = STATUS_INTERNAL;
    MYSQL_RES *meta = mysql_stmt_result_metadata(s);
    size_t ncols = meta ? mysql_num_fields(meta) : 0;
    MYSQL_BIND *b = NULL;
    unsigned long *lens = NULL;
    my_bool *nulls = NULL, *errs = NULL;
    char *bufs = NULL, *big = NULL;
    struct db_rows *r = calloc(1, sizeof *r);
    if (!r)
        goto out;
    r->ncols = ncols;
    if (!ncols) {
        st = STATUS_OK;
        goto out;
    }
    b = calloc(ncols, sizeof *b);
    lens = calloc(ncols, sizeof *lens);
    nulls = calloc(ncols, sizeof *nulls);
    errs = calloc(ncols, sizeof *errs);
    bufs = malloc(ncols * RESULT_INITIAL_BUF);
    if (!b || !lens || !nulls || !errs || !bufs)
        goto out;
    for (size_t i = 0; i < ncols; i++) {
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = bufs + i * RESULT_INITIAL_BUF;
        b[i].buffer_length = RESULT_INITIAL_BUF;
        b[i].length = &lens[i];
        b[i].is_null = &nulls[i];
        b[i].error = &errs[i];
    }
    if (mysql_stmt_bind_result(s, b) || mysql_stmt_store_result(s)) {
        *out_err = mysql_stmt_errno(s);
        snprintf(errbuf, errlen, "%s", mysql_stmt_error(s));
        st = STATUS_UNAVAILABLE;
        goto out;
    }
    for (;;) {
        int rc = mysql_stmt_fetch(s);
        if (rc == MYSQL_NO_DATA)
            break;
        if (rc == 1) {
            *out_err = mysql_stmt_errno(s);
            snprintf(errbuf, errlen, "%s", mysql_stmt_error(s));
            st = STATUS_UNAVAILABLE;
            goto out;
        }
        for (size_t i = 0; i < ncols; i++) {
            size_t idx = r->nrows * ncols + i;
            const char *data = b[i].buffer;
            if (!nulls[i] && lens[i] > RESULT_INITIAL_BUF) {
                free(big);
                big = malloc(lens[i]);
                if (!big)
                    goto out;
                MYSQL_BIND one;
                memset(&one, 0, sizeof one);
                unsigned long got = 0;
                one.buffer_type = MYSQL_TYPE_STRING;
                one.buffer = big;
                one.buffer_length = lens[i];
                one.length = &got;
                if (mysql_stmt_fetch_column(s, &one, (unsigned)i, 0) != 0)
                    goto out;
                data = big;
            }
            if (!rows_append(r, idx, data, nulls[i] ? 0 : lens[i], nulls[i]))
                goto out;
        }
        r->nrows++;
    }
    st = STATUS_OK;
out:
    if (s)
        mysql_stmt_free_result(s);
    if (meta)
        mysql_free_result(meta);
    free(b);
    free(lens);
    free(nulls);
    free(errs);
    free(bufs);
    free(big);
    if (st != STATUS_OK) {
        db_rows_free(r);
        r = NULL;
    }
    *out = r;
    return st;
}

/* Prepare (cached), bind and execute; on success the statement is ready for results. */
static enum status run(struct db_conn *c, const char *sql, const struct db_param *params, size_t n,
                       bool want_rows, struct db_rows **out_rows, uint64_t *out_affected,
                       uint64_t *out_id)
{
    char errbuf[256];
    c->last_error[0] = '\0';
    c->last_errno = 0;
    for (int attempt = 0;; attempt++) {
        unsigned err = 0;
        bool executed = false;
        errbuf[0] = '\0';
        if (!c->mysql || c->broken) {
            if (c->in_tx)
                return report(c, sql, 2006, "connection lost inside a transaction");
            conn_close(c);
            enum status st = conn_open(c);
            if (st != STATUS_OK)
                return st;
        }
        MYSQL_STMT *s = stmt_get(c, sql, &err, errbuf, sizeof errbuf);
        if (s) {
            MYSQL_BIND binds[DB_MAX_PARAMS];
            if (n > DB_MAX_PARAMS || bind_params(s, params, n, binds) != 0) {
                log_error("db.statement", "parameter binding failed (%zu given) [%.80s]", n, sql);
                return STATUS_INTERNAL;
            }
            executed = true;
            if (mysql_stmt_execute(s) != 0) {
                err = mysql_stmt_errno(s);
                snprintf(errbuf, sizeof errbuf, "%s", mysql_stmt_error(s));
                stmt_drop(c, s);
            } else if (want_rows) {
                enum status st = fetch_rows(s, out_rows, &err, errbuf, sizeof errbuf);
                if (st == STATUS_OK)
                    return STATUS_OK;
                /* The result was cut short (or ENOMEM while reading it): the statement and
                 * the protocol state of the connection cannot be trusted any more. */
                c->broken = true;
                if (!err)
                    return st;
            } else {
                if (out_affected)
                    *out_affected = mysql_stmt_affected_rows(s);
                if (out_id)
                    *out_id = mysql_stmt_insert_id(s);
                mysql_stmt_free_result(s);
                return STATUS_OK;
            }
        }
        bool lost = db_errno_is_lost_connection(err);
        bool retry_safe = !c->in_tx && (!executed || want_rows);
        if (lost && retry_safe && attempt == 0) {
            log_warn("db.reconnect", "(%u) %s; reconnecting and retrying once", err, errbuf);
            c->broken = true;
            continue;
        }
        return report(c, sql, err, errbuf);
    }
}

enum status db_exec(struct db_conn *c, const char *sql, const struct db_param *params, size_t n,
                    uint64_t *out_affected, uint64_t *out_insert_id)
{
    return run(c, sql, params, n, false, NULL, out_affected, out_insert_id);
}

enum status db_query(struct db_conn *c, const char *sql, const struct db_param *params, size_t n,
                     struct db_rows **out)
{
    *out = NULL;
    return run(c, sql, params, n, true, out, NULL, NULL);
}

/* ---- rows ---- */

size_t db_rows_count(const struct db_rows *r)
{
    return r ? r->nrows : 0;
}

size_t db_rows_columns(const struct db_rows *r)
{
    return r ? r->ncols : 0;
}

static const struct cell *cell_at(const struct db_rows *r, size_t row, size_t col)
{
    if (!r || row >= r->nrows || col >= r->ncols)
        return NULL;
    return &r->cells[row * r->ncols + col];
}

const char *db_rows_str(const struct db_rows *r, size_t row, size_t col)
{
    const struct cell *c = cell_at(r, row, col);
    return (!c || c->null) ? NULL : r->arena + c->off;
}

size_t db_rows_len(const struct db_rows *r, size_t row, size_t col)
{
    const struct cell *c = cell_at(r, row, col);
    return c ? c->len : 0;
}

bool db_rows_is_null(const struct db_rows *r, size_t row, size_t col)
{
    const struct cell *c = cell_at(r, row, col);
    return !c || c->null;
}

int64_t db_rows_i64(const struct db_rows *r, size_t row, size_t col)
{
    const char *s = db_rows_str(r, row, col);
    return s ? strtoll(s, NULL, 10) : 0;
}

uint64_t db_rows_u64(const struct db_rows *r, size_t row, size_t col)
{
    const char *s = db_rows_str(r, row, col);
    return s ? strtoull(s, NULL, 10) : 0;
}

double db_rows_double(const struct db_rows *r, size_t row, size_t col)
{
    const char *s = db_rows_str(r, row, col);
    return s ? strtod(s, NULL) : 0.0;
}

void db_rows_free(struct db_rows *r)
{
    if (!r)
        return;
    free(r->cells);
    free(r->arena);
    free(r);
}

/* ---- transactions and ping ---- */

static enum status simple_query(struct db_conn *c, const char *sql)
{
    if (!c->mysql || c->broken) {
        conn_close(c);
        enum status st = conn_open(c);
        if (st != STATUS_OK)
            return st;
    }
    if (mysql_real_query(c->mysql, sql, strlen(sql)) != 0)
        return report(c, sql, mysql_errno(c->mysql), mysql_error(c->mysql));
    return STATUS_OK;
}

enum status db_tx_begin(struct db_conn *c)
{
    enum status st = simple_query(c, "START TRANSACTION");
    if (st == STATUS_OK)
        c->in_tx = true;
    return st;
}

enum status db_tx_commit(struct db_conn *c)
{
    c->in_tx = false;
    if (!c->mysql)
        return STATUS_UNAVAILABLE;
    if (mysql_commit(c->mysql) != 0)
        return report(c, "COMMIT", mysql_errno(c->mysql), mysql_error(c->mysql));
    return STATUS_OK;
}

void db_tx_rollback(struct db_conn *c)
{
    c->in_tx = false;
    if (c->mysql && !c->broken && mysql_rollback(c->mysql) != 0)
        report(c, "ROLLBACK", mysql_errno(c->mysql), mysql_error(c->mysql));
}

unsigned db_conn_last_errno(const struct db_conn *c)
{
    return c->last_errno;
}

bool db_conn_is_mariadb(struct db_conn *c)
{
    const char *v = c->mysql ? mysql_get_server_info(c->mysql) : NULL;
    return v && strstr(v, "MariaDB") != NULL;
}

const char *db_conn_last_error(const struct db_conn *c)
{
    return c->last_error;
}

enum status db_ping(struct db_conn *c)
{
    if (!c->mysql)
        return STATUS_UNAVAILABLE;
    if (mysql_ping(c->mysql) != 0) {
        unsigned err = mysql_errno(c->mysql);
        if (db_errno_is_lost_connection(err) || err >= 2000)
            c->broken = true;
        return STATUS_UNAVAILABLE;
    }
    return STATUS_OK;
}

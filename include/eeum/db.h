/*
 * db.h - the MySQL layer: a fixed-size connection pool, prepared-statement helpers with a
 * per-connection statement cache, transactions, and MySQL error -> status mapping.
 * Only src/db/ includes <mysql.h>. A db_conn belongs to one thread at a time (the pool).
 */
#ifndef EEUM_DB_H
#define EEUM_DB_H

#include "eeum/config.h"
#include "eeum/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_pool;
struct db_conn;
struct db_rows;

/* ---- library ---- */

/* Call once in main before any thread starts (mysql_library_init). 0 on success. */
int db_library_init(void);
void db_library_end(void);

/* ---- error mapping (pure) ---- */

/* Map a MySQL/MariaDB error number to our status: 1062 duplicate -> CONFLICT, 1452 missing
 * parent -> NOT_FOUND, 1406/1366/... bad value -> BAD_REQUEST, lost connection or timeouts ->
 * UNAVAILABLE, anything else -> INTERNAL. */
enum status db_status_from_errno(unsigned err);

/* True for 2006 (server gone away) and 2013 (lost connection) and friends. */
bool db_errno_is_lost_connection(unsigned err);

/* ---- pool ---- */

/* Create a pool of `cfg->db_pool_size` lazily-connected slots; `cfg` is borrowed and must
 * outlive the pool. Returns NULL on ENOMEM. Thread-safe after creation. */
struct db_pool *db_pool_new(const struct config *cfg);

/* Close every connection; all must have been released. NULL-safe. */
void db_pool_free(struct db_pool *pool);

/* Take a connection, waiting up to `timeout_ms` for a free one; connects or reconnects a dead
 * one. Returns STATUS_OK and *out, or STATUS_UNAVAILABLE (pool exhausted or DB down). */
enum status db_pool_acquire(struct db_pool *pool, unsigned timeout_ms, struct db_conn **out);

/* Give a connection back; an open transaction is rolled back. NULL-safe. */
void db_pool_release(struct db_pool *pool, struct db_conn *conn);

/* Connections currently lent out, and the pool size. */
unsigned db_pool_in_use(struct db_pool *pool);
unsigned db_pool_size(const struct db_pool *pool);

/* ---- statements ---- */

enum db_type { DB_NULL = 0, DB_I64, DB_U64, DB_DOUBLE, DB_STR };

struct db_param {
    enum db_type type;
    union {
        int64_t i64;
        uint64_t u64;
        double d;
        struct {
            const char *p; /* borrowed for the call */
            size_t n;
        } s;
    } v;
};

static inline struct db_param db_p_null(void)
{
    struct db_param p = {.type = DB_NULL};
    return p;
}
static inline struct db_param db_p_i64(int64_t v)
{
    struct db_param p = {.type = DB_I64, .v.i64 = v};
    return p;
}
static inline struct db_param db_p_u64(uint64_t v)
{
    struct db_param p = {.type = DB_U64, .v.u64 = v};
    return p;
}
static inline struct db_param db_p_double(double v)
{
    struct db_param p = {.type = DB_DOUBLE, .v.d = v};
    return p;
}
/* A string parameter; NULL becomes SQL NULL. */
struct db_param db_p_str(const char *s);
struct db_param db_p_strn(const char *s, size_t n);

/*
 * Run a prepared statement that returns no rows. `sql` must be a string with static storage
 * (it keys the per-connection statement cache). out_affected / out_insert_id may be NULL.
 * Returns STATUS_OK or the mapped error (logged once here).
 */
enum status db_exec(struct db_conn *c, const char *sql, const struct db_param *params, size_t n,
                    uint64_t *out_affected, uint64_t *out_insert_id);

/* Run a prepared query and buffer every row (*out: new, free with db_rows_free). A read outside
 * a transaction is retried once after a lost connection. */
enum status db_query(struct db_conn *c, const char *sql, const struct db_param *params, size_t n,
                     struct db_rows **out);

size_t db_rows_count(const struct db_rows *r);
size_t db_rows_columns(const struct db_rows *r);
/* Cell as text (NUL-terminated, borrowed until db_rows_free), or NULL for SQL NULL. */
const char *db_rows_str(const struct db_rows *r, size_t row, size_t col);
size_t db_rows_len(const struct db_rows *r, size_t row, size_t col);
bool db_rows_is_null(const struct db_rows *r, size_t row, size_t col);
/* Numeric cells (0 for NULL or garbage). */
int64_t db_rows_i64(const struct db_rows *r, size_t row, size_t col);
uint64_t db_rows_u64(const struct db_rows *r, size_t row, size_t col);
double db_rows_double(const struct db_rows *r, size_t row, size_t col);
void db_rows_free(struct db_rows *r);

/* ---- transactions ---- */
enum status db_tx_begin(struct db_conn *c);
enum status db_tx_commit(struct db_conn *c);
void db_tx_rollback(struct db_conn *c);

/* The text of the last error on this connection ("" if none); borrowed until the next call. */
const char *db_conn_last_error(const struct db_conn *c);

/* The MySQL error number of the last failed statement on this connection (0 if none). */
unsigned db_conn_last_errno(const struct db_conn *c);

/* True for MariaDB servers (statement time limits are spelled differently from MySQL's). */
bool db_conn_is_mariadb(struct db_conn *c);

/* True when `err` is a statement time limit (MariaDB 1969, MySQL 3024). */
bool db_errno_is_timeout(unsigned err);

/* Round trip to the server (readiness). */
enum status db_ping(struct db_conn *c);

/* ---- migrations ---- */

/* Apply `cfg->migrations_dir`/NNN_*.sql in order, recording each in schema_migrations.
 * Already-applied files are skipped (their checksum must not have changed). Returns 0 on
 * success, -1 after logging the cause. */
int db_migrate(const struct config *cfg);

#endif

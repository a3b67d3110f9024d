/*
 * migrate.c - `eeum-api migrate`: apply sql/NNN_name.sql files in order, once each.
 * Each applied file is recorded in schema_migrations with its SHA-256; a recorded file whose
 * content changed is refused (migrations are append-only). A named lock keeps two instances
 * from migrating at the same time. MySQL commits DDL implicitly, so a file that fails halfway
 * is reported with its name and must be repaired by hand before re-running.
 */
#include "eeum/db.h"
#include "eeum/log.h"

#include <dirent.h>
#include <mysql.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATION_MAX_FILES      1000
#define MIGRATION_MAX_BYTES      (8 * 1024 * 1024)
#define MIGRATION_LOCK_TIMEOUT_S 60

static const char SQL_CREATE_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
    " updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

struct migration {
    unsigned version;
    char name[256];
};

static int cmp_migration(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* "NNN_name.sql" with exactly three leading digits. */
static bool parse_name(const char *name, unsigned *out_version)
{
    size_t n = strlen(name);
    if (n < 9 || strcmp(name + n - 4, ".sql") != 0)
        return false;
    for (int i = 0; i < 3; i++)
        if (name[i] < '0' || name[i] > '9')
            return false;
    if (name[3] != '_')
        return false;
    *out_version = (unsigned)((name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0'));
    return *out_version > 0;
}

static char *read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MIGRATION_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MIGRATION_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf || n > MIGRATION_MAX_BYTES) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *out_len = n;
    return buf;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Run a multi-statement text and drain every result. */
static int run_script(MYSQL *m, const char *sql, size_t len, const char *what)
{
    if (mysql_real_query(m, sql, (unsigned long)len) != 0) {
        log_error("migrate.apply", "%s: (%u) %s", what, mysql_errno(m), mysql_error(m));
        return -1;
    }
    for (;;) {
        MYSQL_RES *res = mysql_store_result(m);
        if (res)
            mysql_free_result(res);
        int rc = mysql_next_result(m);
        if (rc == -1)
            return 0;
        if (rc > 0) {
            log_error("migrate.apply", "%s: (%u) %s", what, mysql_errno(m), mysql_error(m));
            return -1;
        }
    }
}

/* Look up an applied version's checksum; 1 = found, 0 = not applied, -1 = error. */
static int applied_checksum(MYSQL *m, unsigned version, char out[65])
{
    char q[128];
    snprintf(q, sizeof q, "SELECT checksum FROM schema_migrations WHERE version = %u", version);
    if (mysql_real_query(m, q, strlen(q)) != 0)
        return -1;
    MYSQL_RES *res = mysql_store_result(m);
    if (!res)
        return -1;
    MYSQL_ROW row = mysql_fetch_row(res);
    int found = row && row[0];
    if (found)
        snprintf(out, 65, "%s", row[0]);
    mysql_free_result(res);
    return found;
}

static int record(MYSQL *m, unsigned version, const char *name, const char *checksum)
{
    MYSQL_STMT *s = mysql_stmt_init(m);
    static const char SQL_INSERT[] =
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)";
    int rc = -1;
    if (!s || mysql_stmt_prepare(s, SQL_INSERT, sizeof SQL_INSERT - 1) != 0)
        goto out;
    MYSQL_BIND b[3];
    memset(b, 0, sizeof b);
    unsigned long long v = version;
    b[0].buffer_type = MYSQL_TYPE_LONGLONG;
    b[0].buffer = &v;
    b[0].is_unsigned = 1;
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = (void *)(uintptr_t)name;
    b[1].buffer_length = (unsigned long)strlen(name);
    b[2].buffer_type = MYSQL_TYPE_STRING;
    b[2].buffer = (void *)(uintptr_t)checksum;
    b[2].buffer_length = 64;
    if (mysql_stmt_bind_param(s, b) || mysql_stmt_execute(s))
        goto out;
    rc = 0;
out:
    if (rc)
        log_error("migrate.record", "cannot record %s: %s", name,
                  s ? mysql_stmt_error(s) : mysql_error(m));
    if (s)
        mysql_stmt_close(s);
    return rc;
}

static int list_migrations(const char *dir, struct migration **out, size_t *out_n)
{
    DIR *d = opendir(dir);
    if (!d) {
        log_error("migrate.list", "cannot open MIGRATIONS_DIR %s", dir);
        return -1;
    }
    struct migration *list = calloc(MIGRATION_MAX_FILES, sizeof *list);
    size_t n = 0;
    int rc = list ? 0 : -1;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        unsigned v;
        if (!parse_name(e->d_name, &v))
            continue;
        for (size_t i = 0; i < n; i++) {
            if (list[i].version == v) {
                log_error("migrate.list", "two migrations share number %03u: %s and %s", v,
                          list[i].name, e->d_name);
                rc = -1;
            }
        }
        if (n == MIGRATION_MAX_FILES || strlen(e->d_name) >= sizeof list[0].name)
            rc = -1;
        if (rc == 0) {
            list[n].version = v;
            snprintf(list[n].name, sizeof list[n].name, "%s", e->d_name);
            n++;
        }
    }
    closedir(d);
    if (rc != 0) {
        free(list);
        return -1;
    }
    qsort(list, n, sizeof *list, cmp_migration);
    *out = list;
    *out_n = n;
    return 0;
}

int db_migrate(const struct config *cfg)
{
    int rc = -1;
    struct migration *list = NULL;
    size_t nlist = 0, applied = 0;
    bool locked = false;
    MYSQL *m = mysql_init(NULL);
    if (!m)
        return -1;
    unsigned int ct = cfg->db_connect_timeout_s;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(m, cfg->db_host, cfg->db_user, cfg->db_password, cfg->db_name,
                            cfg->db_port, NULL, CLIENT_MULTI_STATEMENTS)) {
        log_error("migrate.connect", "cannot connect to %s:%u/%s: %s", cfg->db_host, cfg->db_port,
                  cfg->db_name, mysql_error(m));
        goto out;
    }
    static const char SQL_SESSION[] =
        "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_ENGINE_SUBSTITUTION,NO_ZERO_DATE,NO_ZERO_IN_DATE'";
    if (run_script(m, SQL_SESSION, sizeof SQL_SESSION - 1, "session settings") != 0)
        goto out;
    char lockq[96];
    snprintf(lockq, sizeof lockq, "SELECT GET_LOCK('eeum_migrate', %d)", MIGRATION_LOCK_TIMEOUT_S);
    if (mysql_real_query(m, lockq, strlen(lockq)) == 0) {
        MYSQL_RES *res = mysql_store_result(m);
        MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
        locked = row && row[0] && strcmp(row[0], "1") == 0;
        if (res)
            mysql_free_result(res);
    }
    if (!locked) {
        log_error("migrate.lock", "another migration holds the lock (waited %d s)",
                  MIGRATION_LOCK_TIMEOUT_S);
        goto out;
    }
    if (run_script(m, SQL_CREATE_TABLE, sizeof SQL_CREATE_TABLE - 1, "schema_migrations") != 0)
        goto out;
    if (list_migrations(cfg->migrations_dir, &list, &nlist) != 0)
        goto out;
    for (size_t i = 0; i < nlist; i++) {
        char path[4096], sum[65], old[65];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", cfg->migrations_dir, list[i].name);
        char *text = read_file(path, &len);
        if (!text) {
            log_error("migrate.read", "cannot read %s", path);
            goto out;
        }
        sha256_hex(text, len, sum);
        int found = applied_checksum(m, list[i].version, old);
        if (found < 0) {
            free(text);
            log_error("migrate.check", "cannot read schema_migrations: %s", mysql_error(m));
            goto out;
        }
        if (found) {
            free(text);
            if (strcmp(old, sum) != 0) {
                log_error("migrate.check",
                          "%s was changed after it was applied; migrations are append-only "
                          "(add a new numbered file instead)",
                          list[i].name);
                goto out;
            }
            continue;
        }
        log_info("migrate.apply", "applying %s", list[i].name);
        int r = run_script(m, text, len, list[i].name);
        free(text);
        if (r != 0 || record(m, list[i].version, list[i].name, sum) != 0)
            goto out;
        applied++;
    }
    log_info("migrate.done", "%zu migration(s) applied, %zu already present", applied,
             nlist - applied);
    rc = 0;
out:
    if (locked)
        mysql_real_query(m, "DO RELEASE_LOCK('eeum_migrate')", 31);
    free(list);
    mysql_close(m);
    return rc;
}

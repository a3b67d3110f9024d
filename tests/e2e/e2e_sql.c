/*
 * Direct SQL helpers of the end-to-end tests (see e2e_sql.h).
 */
#include "e2e_sql.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/* fmt and ap formatted into a fresh heap string (the caller frees it); fails the test on error. */
static char *format_sql(const char *fmt, va_list ap, int *len)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    assert_true(n > 0);
    char *sql = malloc((size_t)n + 1);
    assert_non_null(sql);
    vsnprintf(sql, (size_t)n + 1, fmt, again);
    va_end(again);
    *len = n;
    return sql;
}

static void run(MYSQL *db, const char *sql, int n)
{
    if (mysql_real_query(db, sql, (unsigned long)n) != 0) {
        fprintf(stderr, "SQL failed: %s [%.300s]\n", mysql_error(db), sql);
        fail();
    }
}

void e2e_sql_execf(MYSQL *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n;
    char *sql = format_sql(fmt, ap, &n);
    va_end(ap);
    run(db, sql, n);
    free(sql);
    mysql_free_result(mysql_store_result(db));
}

long long e2e_sql_scalarf(MYSQL *db, long long if_none, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n;
    char *sql = format_sql(fmt, ap, &n);
    va_end(ap);
    run(db, sql, n);
    free(sql);
    MYSQL_RES *res = mysql_store_result(db);
    assert_non_null(res);
    MYSQL_ROW row = mysql_fetch_row(res);
    long long v = (row && row[0]) ? strtoll(row[0], NULL, 10) : if_none;
    mysql_free_result(res);
    return v;
}

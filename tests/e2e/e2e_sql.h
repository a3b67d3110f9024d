/*
 * Direct SQL for end-to-end tests that check or craft database state the way an operator's tool
 * would (the MariaDB client library, not our src/db layer). Every failure fails the running
 * cmocka test with the statement and the server's message.
 */
#ifndef EEUM_E2E_SQL_H
#define EEUM_E2E_SQL_H

#include <mysql.h>

/* Runs one statement built from fmt (printf-style) and discards any result. */
void e2e_sql_execf(MYSQL *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first column of the first row of the query as an integer; `if_none` when there is no row
 * or the value is NULL. */
long long e2e_sql_scalarf(MYSQL *db, long long if_none, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

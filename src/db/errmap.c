/*
 * errmap.c - MySQL/MariaDB error numbers -> enum status (pure; no <mysql.h> needed).
 */
#include "eeum/db.h"

/* Server errors (ER_*) and client errors (CR_*) we map explicitly. */
enum {
    ER_DUP_ENTRY = 1062,
    ER_DUP_ENTRY_WITH_KEY_NAME = 1586,
    ER_ROW_IS_REFERENCED_2 = 1451,
    ER_NO_REFERENCED_ROW_2 = 1452,
    ER_BAD_NULL_ERROR = 1048,
    ER_DATA_TOO_LONG = 1406,
    ER_TRUNCATED_WRONG_VALUE_FOR_FIELD = 1366,
    ER_WARN_DATA_OUT_OF_RANGE = 1264,
    ER_TRUNCATED_WRONG_VALUE = 1292,
    ER_LOCK_WAIT_TIMEOUT = 1205,
    ER_LOCK_DEADLOCK = 1213,
    ER_STATEMENT_TIMEOUT = 1969,   /* MariaDB max_statement_time */
    ER_QUERY_TIMEOUT_MYSQL = 3024, /* MySQL MAX_EXECUTION_TIME */
    ER_CON_COUNT_ERROR = 1040,
    ER_SERVER_SHUTDOWN = 1053,
    ER_CONNECTION_KILLED = 1927,
    CR_CONNECTION_ERROR = 2002,
    CR_CONN_HOST_ERROR = 2003,
    CR_SERVER_GONE_ERROR = 2006,
    CR_SERVER_LOST = 2013,
    CR_SERVER_LOST_EXTENDED = 2055,
};

bool db_errno_is_lost_connection(unsigned err)
{
    return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST || err == CR_SERVER_LOST_EXTENDED ||
           err == ER_CONNECTION_KILLED || err == ER_SERVER_SHUTDOWN;
}

bool db_errno_is_timeout(unsigned err)
{
    return err == ER_STATEMENT_TIMEOUT || err == ER_QUERY_TIMEOUT_MYSQL;
}

enum status db_status_from_errno(unsigned err)
{
    switch (err) {
    case 0:
        return STATUS_OK;
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
    case ER_ROW_IS_REFERENCED_2:
        return STATUS_CONFLICT;
    case ER_NO_REFERENCED_ROW_2:
        return STATUS_NOT_FOUND;
    case ER_BAD_NULL_ERROR:
    case ER_DATA_TOO_LONG:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_TRUNCATED_WRONG_VALUE:
        return STATUS_BAD_REQUEST;
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_STATEMENT_TIMEOUT:
    case ER_QUERY_TIMEOUT_MYSQL:
    case ER_CON_COUNT_ERROR:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
        return STATUS_UNAVAILABLE;
    default:
        return db_errno_is_lost_connection(err) ? STATUS_UNAVAILABLE : STATUS_INTERNAL;
    }
}

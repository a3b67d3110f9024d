/*
 * status.h - the one result enum of EEUM and its single mapping to HTTP.
 * Every layer returns `enum status`; only status_http() turns it into an HTTP code,
 * and status_message() gives the default Korean text shown to end users.
 */
#ifndef EEUM_STATUS_H
#define EEUM_STATUS_H

enum status {
    STATUS_OK = 0,
    /* caller faults (4xx) */
    STATUS_BAD_REQUEST,
    STATUS_UNAUTHORIZED,
    STATUS_FORBIDDEN,
    STATUS_NOT_FOUND,
    STATUS_METHOD_NOT_ALLOWED,
    STATUS_CONFLICT,
    STATUS_PAYLOAD_TOO_LARGE,
    STATUS_UNSUPPORTED_MEDIA_TYPE,
    STATUS_TOO_MANY_REQUESTS,
    /* our faults (5xx) */
    STATUS_INTERNAL,
    STATUS_UNAVAILABLE,
    STATUS__COUNT
};

/* HTTP status code for `st` (STATUS_OK -> 200). Pure, thread-safe. */
unsigned status_http(enum status st);

/* Default Korean message for end users; static storage. Pure, thread-safe. */
const char *status_message(enum status st);

/* Stable machine name ("not_found"), for logs; static storage. */
const char *status_name(enum status st);

/* True for statuses that are the caller's fault (4xx). */
int status_is_client_error(enum status st);

#endif

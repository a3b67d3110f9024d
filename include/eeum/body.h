/*
 * body.h - request body rules shared by the HTTP server (pure, unit-tested):
 * the content-type check and strict JSON parsing (UTF-8 validated first, duplicate keys
 * rejected, an object required).
 */
#ifndef EEUM_BODY_H
#define EEUM_BODY_H

#include "eeum/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* True when the Content-Type header is application/json (any case, optional parameters; a
 * charset other than utf-8 is refused). NULL is false. */
bool body_content_type_is_json(const char *content_type);

/*
 * Parse a request body. On success returns STATUS_OK and a new reference in *out.
 * Otherwise STATUS_BAD_REQUEST and a Korean message in *out_msg (static storage):
 * empty body, invalid UTF-8, malformed JSON, duplicate keys, or not an object.
 */
enum status body_parse_json(const char *buf, size_t len, json_t **out, const char **out_msg);

#endif

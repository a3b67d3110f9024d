/*
 * router.h - the static route table and its matcher (pure; no libmicrohttpd types).
 * Patterns are literal segments and typed `:name` parameters; a parameter matches only a
 * positive 64-bit integer without sign or leading zeros, so `/api/boards/search` can never be
 * taken for `/api/boards/:id` and `/api/boards/abc` is a 404.
 */
#ifndef EEUM_ROUTER_H
#define EEUM_ROUTER_H

#include "eeum/status.h"

#include <stddef.h>
#include <stdint.h>

enum http_method {
    HTTP_GET = 1u << 0,
    HTTP_HEAD = 1u << 1,
    HTTP_POST = 1u << 2,
    HTTP_PUT = 1u << 3,
    HTTP_PATCH = 1u << 4,
    HTTP_DELETE = 1u << 5,
    HTTP_OPTIONS = 1u << 6,
    HTTP_OTHER = 1u << 7,
};

/* Route flags. */
#define ROUTE_AUTH          (1u << 0) /* needs a valid bearer token */
#define ROUTE_BODY_JSON     (1u << 1) /* a JSON object body is required */
#define ROUTE_BODY_OPTIONAL (1u << 2) /* a JSON body may be sent */
#define ROUTE_DOCS_AUTH     (1u << 3) /* HTTP Basic auth of the docs (DOCS_USER/PASSWORD) */

#define ROUTER_MAX_PARAMS 4

struct http_req;
struct http_resp;

/* A handler fills `resp` and returns STATUS_OK, or returns an error status (and may have set an
 * error body with http_resp_error()). */
typedef enum status (*route_handler)(struct http_req *req, struct http_resp *resp);

struct route {
    unsigned method; /* one HTTP_* bit */
    const char *pattern;
    route_handler handler;
    unsigned flags;
};

struct route_param {
    const char *name; /* points into the pattern (not NUL-terminated at name_len) */
    size_t name_len;
    uint64_t id;
};

struct route_match {
    const struct route *route; /* NULL unless matched */
    size_t index;              /* index in the table */
    size_t nparams;
    struct route_param params[ROUTER_MAX_PARAMS];
    unsigned allow; /* methods the path supports (for 405/OPTIONS), HEAD implied by GET */
};

/* Map a method name to its HTTP_* bit (HTTP_OTHER for unknown ones). */
unsigned router_method_parse(const char *name);

/* Write "GET, HEAD, POST" for the mask into out; returns out. */
const char *router_allow_string(unsigned mask, char *out, size_t outlen);

/*
 * Match `path` (no query string) for `method`. Returns STATUS_OK with out->route set,
 * STATUS_NOT_FOUND when no pattern matches the path, or STATUS_METHOD_NOT_ALLOWED with
 * out->allow listing the methods that would match. HEAD matches GET routes.
 * Pure and thread-safe.
 */
enum status router_match(const struct route *table, size_t n, unsigned method, const char *path,
                         struct route_match *out);

/* Parse a canonical positive int64 ("1".."9223372036854775807"); 0 on failure. */
uint64_t router_parse_id(const char *s, size_t n);

/* The id parameter `name` of a match, or 0 if absent. */
uint64_t route_match_param(const struct route_match *m, const char *name);

#endif

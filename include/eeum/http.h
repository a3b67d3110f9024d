/*
 * http.h - what handlers see of an HTTP request and response, and the server's lifecycle.
 * Only src/http/ includes <microhttpd.h>; handlers use these accessors.
 */
#ifndef EEUM_HTTP_H
#define EEUM_HTTP_H

#include "eeum/config.h"
#include "eeum/router.h"
#include "eeum/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_REQUEST_ID_MAX 64

struct app;
struct db_conn;

struct http_req {
    struct app *app;  /* borrowed: services shared by all requests */
    unsigned method;  /* HTTP_* bit */
    const char *path; /* borrowed */
    const struct route_match *match;
    json_t *body; /* borrowed: parsed JSON object, or NULL */
    const char *request_id;
    const char *client_ip;
    uint64_t user_id;   /* set by the auth middleware (0 = anonymous) */
    void *conn;         /* opaque server connection */
    struct db_conn *db; /* acquired lazily by http_req_db, released by the server */
};

#define HTTP_RESP_MAX_HEADERS 8

struct http_resp {
    unsigned http_status;   /* 0 = derive from the returned status */
    json_t *json;           /* owned: the body to send as JSON */
    char *raw;              /* owned: a non-JSON body (metrics, docs) */
    const char *raw_static; /* borrowed, outlives the server: static files */
    size_t raw_len;
    const char *content_type; /* static string for raw bodies */
    struct {
        const char *name; /* static string */
        char *value;      /* owned */
    } headers[HTTP_RESP_MAX_HEADERS];
    size_t nheaders;
};

/* ---- request accessors (strings borrowed for the request's lifetime) ---- */

/* The path parameter `name` (0 if the route has none of that name). */
uint64_t http_req_param(const struct http_req *req, const char *name);

/* Query-string argument, or NULL. */
const char *http_req_query(const struct http_req *req, const char *key);

/* Request header (case-insensitive), or NULL. */
const char *http_req_header(const struct http_req *req, const char *name);

/* The request's pooled DB connection, acquired on first use; NULL when the database is
 * unavailable (the handler answers STATUS_UNAVAILABLE). Released when the request ends. */
struct db_conn *http_req_db(struct http_req *req);

/* ---- response builders (each replaces any earlier body) ---- */

/* 200 {"success": true, "item": item}; steals `item`. */
enum status http_resp_item(struct http_resp *resp, json_t *item);

/* 201 + Location; steals `item`; `location` is copied. */
enum status http_resp_created(struct http_resp *resp, json_t *item, const char *location);

/* 200 page envelope; steals `items`. */
enum status http_resp_page(struct http_resp *resp, json_t *items, uint64_t page, uint64_t size,
                           uint64_t total);

/* An error envelope with `message` (NULL = the status' default) and `errors` (stolen, may be
 * NULL). Returns `st` so handlers can `return http_resp_error(...)`. */
enum status http_resp_error(struct http_resp *resp, enum status st, const char *message,
                            json_t *errors);

/* A raw body with the given static content type and explicit HTTP status; copies `body`. */
enum status http_resp_raw(struct http_resp *resp, unsigned http_status, const char *content_type,
                          const char *body, size_t len);

/* A body in memory that outlives the server (embedded or loaded at start-up); not copied. */
enum status http_resp_static(struct http_resp *resp, unsigned http_status, const char *content_type,
                             const char *body, size_t len);

/* Add a response header (static name, copied value). False when full. */
bool http_resp_header(struct http_resp *resp, const char *name, const char *value);

/* Release everything the response owns (server use). */
void http_resp_clear(struct http_resp *resp);

/* ---- server ---- */

struct http_server;

/* Start listening as configured; `table` and `app` are borrowed and must outlive the server.
 * Returns NULL after logging why (e.g. the port is busy). */
struct http_server *http_server_start(const struct config *cfg, struct app *app,
                                      const struct route *table, size_t nroutes);

/* Stop accepting, wait up to `timeout_s` for in-flight requests, then stop. NULL-safe. */
void http_server_stop(struct http_server *srv, unsigned timeout_s);

/* Requests currently being processed. */
unsigned http_server_inflight(const struct http_server *srv);

#endif

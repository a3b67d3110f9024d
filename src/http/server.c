/*
 * server.c - the libmicrohttpd daemon: request lifecycle, body intake with a cap, routing,
 * middleware (content type, JSON, auth), response headers, access log, metrics and graceful
 * shutdown. The only file that includes <microhttpd.h>.
 */
#include "eeum/app.h"
#include "eeum/body.h"
#include "eeum/cors.h"
#include "eeum/db.h"
#include "eeum/envelope.h"
#include "eeum/handlers.h"
#include "eeum/http.h"
#include "eeum/log.h"
#include "eeum/metrics.h"
#include "eeum/random.h"
#include "eeum/strbuf.h"
#include "eeum/timeutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define DB_ACQUIRE_TIMEOUT_MS 2000
#define CORS_MAX_AGE          "600"

struct http_server {
    struct MHD_Daemon *daemon;
    const struct config *cfg;
    struct app *app;
    const struct route *table;
    size_t nroutes;
    atomic_uint inflight;
    atomic_bool stopping;
};

/* Per-request state, created on the first callback and freed when MHD reports completion. */
struct req_ctx {
    struct http_server *srv;
    uint64_t start_ns;
    char request_id[HTTP_REQUEST_ID_MAX + 1];
    char client_ip[INET6_ADDRSTRLEN];
    char method_name[16];
    unsigned method;
    enum status match_status;
    struct route_match match;
    struct strbuf body;
    bool body_expected; /* the route accepts a body: collect it */
    bool too_large;
    bool responded;
    unsigned long long received; /* body bytes seen, kept or not */
    unsigned sent_status;
};

/* ---- small helpers ---- */

/* Bytes of an over-limit body we still read and discard so the client sees the 413. */
static unsigned long long drain_limit(const struct config *cfg)
{
    unsigned long long cap = cfg->max_body_bytes;
    return cap * 4 > 8ull * 1024 * 1024 ? cap * 4 : 8ull * 1024 * 1024;
}

static bool request_id_sane(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok || n >= HTTP_REQUEST_ID_MAX)
            return false;
    }
    return n > 0;
}

static void client_ip_of(struct MHD_Connection *conn, char out[INET6_ADDRSTRLEN])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  INET6_ADDRSTRLEN);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

static bool request_has_body(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
    if (te)
        return true;
    return cl && strcmp(cl, "0") != 0;
}

/* Declared Content-Length, or 0 when absent/unparsable (the streaming cap still applies). */
static unsigned long long declared_length(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (!cl)
        return 0;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(cl, &end, 10);
    return (errno || end == cl) ? 0 : v;
}

/* ---- response ---- */

static void add_common_headers(struct req_ctx *ctx, struct MHD_Connection *conn,
                               struct MHD_Response *r, const struct http_resp *resp)
{
    MHD_add_response_header(r, "X-Request-Id", ctx->request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    if (origin && cors_origin_allowed(ctx->srv->cfg->cors_origins, origin)) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                "X-Request-Id, Location, Retry-After");
    }
    if (*ctx->srv->cfg->cors_origins)
        MHD_add_response_header(r, "Vary", "Origin");
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    if (atomic_load(&ctx->srv->stopping))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Queue `resp` (consumed). Returns the MHD result of queueing. */
static enum MHD_Result send_resp(struct req_ctx *ctx, struct MHD_Connection *conn,
                                 struct http_resp *resp)
{
    char *data = NULL;
    size_t len = 0;
    const char *ctype = "application/json; charset=utf-8";
    if (resp->json) {
        /* Fill in the request id of error envelopes here: only the server knows it. */
        if (json_object_get(resp->json, "requestId"))
            json_object_set_new(resp->json, "requestId", json_string(ctx->request_id));
        /* 15 significant digits: a DECIMAL(5,2) score such as 39.44 prints as 39.44, not as the
         * 17-digit 39.439999999999998 of a round trip through double. */
        data = json_dumps(resp->json, JSON_COMPACT | JSON_REAL_PRECISION(15));
        len = data ? strlen(data) : 0;
        if (!data) {
            log_error("http.encode", "could not encode response JSON (request_id=%s)",
                      ctx->request_id);
            /* Still the error envelope: the request id is [A-Za-z0-9._:-] and the message a
             * constant, so no escaping is needed. */
            http_resp_error(resp, STATUS_INTERNAL, NULL, NULL);
            resp->http_status = status_http(STATUS_INTERNAL);
            char fallback[256];
            int n = snprintf(fallback, sizeof fallback,
                             "{\"success\":false,\"message\":\"%s\",\"requestId\":\"%s\"}",
                             status_message(STATUS_INTERNAL), ctx->request_id);
            data = (n > 0 && (size_t)n < sizeof fallback) ? strdup(fallback) : NULL;
            len = data ? strlen(data) : 0;
        }
    } else if (resp->raw) {
        data = resp->raw;
        len = resp->raw_len;
        resp->raw = NULL;
        ctype = resp->content_type ? resp->content_type : "application/octet-stream";
    }
    const char *persistent = "";
    if (resp->raw_static) {
        persistent = resp->raw_static;
        len = resp->raw_len;
        ctype = resp->content_type ? resp->content_type : "application/octet-stream";
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, data ? data : (void *)(uintptr_t)persistent,
                                        data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(data);
        http_resp_clear(resp);
        return MHD_NO;
    }
    unsigned code = resp->http_status ? resp->http_status : 200;
    if (len || code != 204)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (resp->json)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    add_common_headers(ctx, conn, r, resp);
    enum MHD_Result rc = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    http_resp_clear(resp);
    ctx->sent_status = code;
    ctx->responded = true;
    return rc;
}

/* Queue an error envelope for `st` with an optional message. */
static enum MHD_Result send_error(struct req_ctx *ctx, struct MHD_Connection *conn, enum status st,
                                  const char *message)
{
    struct http_resp resp = {0};
    http_resp_error(&resp, st, message, NULL);
    if (st == STATUS_METHOD_NOT_ALLOWED) {
        char allow[96];
        http_resp_header(&resp, "Allow",
                         router_allow_string(ctx->match.allow, allow, sizeof allow));
    }
    return send_resp(ctx, conn, &resp);
}

static enum MHD_Result send_options(struct req_ctx *ctx, struct MHD_Connection *conn)
{
    struct http_resp resp = {0};
    char allow[96];
    router_allow_string(ctx->match.allow, allow, sizeof allow);
    resp.http_status = 204;
    http_resp_header(&resp, "Allow", allow);
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    if (origin && cors_origin_allowed(ctx->srv->cfg->cors_origins, origin)) {
        http_resp_header(&resp, "Access-Control-Allow-Methods", allow);
        http_resp_header(&resp, "Access-Control-Allow-Headers",
                         "Authorization, Content-Type, X-Request-Id");
        http_resp_header(&resp, "Access-Control-Max-Age", CORS_MAX_AGE);
    }
    return send_resp(ctx, conn, &resp);
}

/* ---- dispatch ---- */

static enum MHD_Result dispatch(struct req_ctx *ctx, struct MHD_Connection *conn, const char *url)
{
    const struct route *route = ctx->match.route;
    struct http_req req = {
        .app = ctx->srv->app,
        .method = ctx->method,
        .path = url,
        .match = &ctx->match,
        .request_id = ctx->request_id,
        .client_ip = ctx->client_ip,
        .conn = conn,
    };
    struct http_resp resp = {0};
    enum status st = STATUS_OK;

    /* Middleware order: authentication, then the body, then the handler. */
    if (route->flags & ROUTE_AUTH)
        st = h_auth_authenticate(&req, &resp);
    else if (route->flags & ROUTE_DOCS_AUTH)
        st = h_docs_authenticate(&req, &resp);
    if (st == STATUS_OK && (route->flags & (ROUTE_BODY_JSON | ROUTE_BODY_OPTIONAL))) {
        bool empty = ctx->body.len == 0;
        if (ctx->too_large) {
            st = http_resp_error(&resp, STATUS_PAYLOAD_TOO_LARGE, NULL, NULL);
        } else if (!(empty && (route->flags & ROUTE_BODY_OPTIONAL))) {
            const char *msg = NULL;
            st = body_parse_json(ctx->body.data ? ctx->body.data : "", ctx->body.len, &req.body,
                                 &msg);
            if (st != STATUS_OK)
                http_resp_error(&resp, st, msg, NULL);
        }
    }
    if (st == STATUS_OK)
        st = route->handler(&req, &resp);
    if (st != STATUS_OK && !resp.json && !resp.raw)
        http_resp_error(&resp, st, NULL, NULL);
    if (st == STATUS_UNAUTHORIZED && !(route->flags & ROUTE_DOCS_AUTH))
        http_resp_header(&resp, "WWW-Authenticate", "Bearer realm=\"eeum\"");
    if (req.db) {
        db_pool_release(ctx->srv->app->pool, req.db);
        req.db = NULL;
    }
    json_decref(req.body);
    return send_resp(ctx, conn, &resp);
}

/* Answer requests that never reach a handler: OPTIONS, 404 and 405. */
static enum MHD_Result finish_early(struct req_ctx *ctx, struct MHD_Connection *conn)
{
    if (ctx->method == HTTP_OPTIONS && ctx->match_status != STATUS_NOT_FOUND)
        return send_options(ctx, conn);
    return send_error(ctx, conn, ctx->match_status, NULL);
}

static struct req_ctx *ctx_new(struct http_server *srv, struct MHD_Connection *conn,
                               const char *method, const char *url)
{
    struct req_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->srv = srv;
    ctx->start_ns = time_mono_ns();
    strbuf_init(&ctx->body, srv->cfg->max_body_bytes);
    snprintf(ctx->method_name, sizeof ctx->method_name, "%s", method);
    ctx->method = router_method_parse(method);
    const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
    if (rid && request_id_sane(rid))
        snprintf(ctx->request_id, sizeof ctx->request_id, "%s", rid);
    else
        random_hex(ctx->request_id, 16);
    client_ip_of(conn, ctx->client_ip);
    unsigned m = ctx->method == HTTP_OPTIONS ? HTTP_GET : ctx->method;
    ctx->match_status = router_match(srv->table, srv->nroutes, m, url, &ctx->match);
    return ctx;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct http_server *srv = cls;
    struct req_ctx *ctx = *con_cls;

    if (!ctx) {
        ctx = ctx_new(srv, conn, method, url);
        if (!ctx)
            return MHD_NO;
        *con_cls = ctx;
        atomic_fetch_add(&srv->inflight, 1);
        /* Errors decided from the headers alone are sent right away only when a body is on
         * its way (MHD then discards it and closes); otherwise they wait for the final call
         * so the connection stays reusable. */
        bool has_body = request_has_body(conn);
        if (ctx->method == HTTP_OPTIONS || ctx->match_status != STATUS_OK)
            return has_body ? finish_early(ctx, conn) : MHD_YES;
        unsigned flags = ctx->match.route->flags;
        if ((flags & (ROUTE_BODY_JSON | ROUTE_BODY_OPTIONAL)) && has_body) {
            const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
            if (!body_content_type_is_json(ct))
                return send_error(ctx, conn, STATUS_UNSUPPORTED_MEDIA_TYPE, NULL);
            ctx->body_expected = true;
            unsigned long long declared = declared_length(conn);
            if (declared > srv->cfg->max_body_bytes) {
                /* Answer now if the client waits for 100-continue or the body is absurd;
                 * otherwise drain it first, so the client reads our 413 instead of a reset. */
                const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
                if (expect || declared > drain_limit(srv->cfg))
                    return send_error(ctx, conn, STATUS_PAYLOAD_TOO_LARGE, NULL);
                ctx->too_large = true;
            }
        }
        return MHD_YES;
    }

    if (*upload_data_size) {
        ctx->received += *upload_data_size;
        if (ctx->body_expected && !ctx->too_large && !ctx->responded &&
            !strbuf_append(&ctx->body, upload_data, *upload_data_size)) {
            ctx->too_large = true;
            strbuf_free(&ctx->body);
        }
        *upload_data_size = 0;
        /* Over the cap we keep draining (and discarding) up to a bound, then give up. */
        if (ctx->too_large && !ctx->responded && ctx->received > drain_limit(srv->cfg))
            return send_error(ctx, conn, STATUS_PAYLOAD_TOO_LARGE, NULL);
        return MHD_YES;
    }
    if (ctx->responded)
        return MHD_YES;
    if (ctx->method == HTTP_OPTIONS || ctx->match_status != STATUS_OK)
        return finish_early(ctx, conn);
    return dispatch(ctx, conn, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    struct http_server *srv = cls;
    struct req_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    *con_cls = NULL;
    uint64_t ns = time_mono_ns() - ctx->start_ns;
    unsigned status = ctx->sent_status;
    if (!ctx->responded || toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        status = ctx->responded ? status : 499; /* client went away before we answered */
    const struct route *route = ctx->match_status == STATUS_OK ? ctx->match.route : NULL;
    size_t index = route ? ctx->match.index : srv->nroutes;
    metrics_observe(srv->app->metrics, index, status, ns);
    log_access(ctx->method_name, route ? route->pattern : "unmatched", status, (double)ns / 1e6,
               ctx->request_id, ctx->client_ip);
    strbuf_free(&ctx->body);
    free(ctx);
    atomic_fetch_sub(&srv->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("http.mhd", "%s", msg);
}

/* ---- accessors for handlers ---- */

uint64_t http_req_param(const struct http_req *req, const char *name)
{
    return route_match_param(req->match, name);
}

const char *http_req_query(const struct http_req *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_req_header(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

struct db_conn *http_req_db(struct http_req *req)
{
    if (req->db)
        return req->db;
    if (db_pool_acquire(req->app->pool, DB_ACQUIRE_TIMEOUT_MS, &req->db) != STATUS_OK)
        req->db = NULL;
    return req->db;
}

/* ---- lifecycle ---- */

/* Bind the listen socket ourselves so a busy port gives a clear message. */
static int open_listen_socket(const struct config *cfg, bool *out_ipv6)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&ss;
    if (inet_pton(AF_INET, cfg->bind_address, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)cfg->port);
        slen = sizeof *sin;
        *out_ipv6 = false;
    } else if (inet_pton(AF_INET6, cfg->bind_address, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)cfg->port);
        slen = sizeof *sin6;
        *out_ipv6 = true;
    } else {
        log_error("http.listen", "BIND_ADDRESS %s is not an IP address", cfg->bind_address);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        log_error("http.listen", "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, slen) != 0) {
        int e = errno;
        if (e == EADDRINUSE)
            log_error("http.listen",
                      "port %u on %s is already in use: stop the other process or set PORT",
                      cfg->port, cfg->bind_address);
        else
            log_error("http.listen", "cannot bind %s:%u: %s", cfg->bind_address, cfg->port,
                      strerror(e));
        close(fd);
        return -1;
    }
    if (listen(fd, 511) != 0) {
        log_error("http.listen", "listen: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

struct http_server *http_server_start(const struct config *cfg, struct app *app,
                                      const struct route *table, size_t nroutes)
{
    struct http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return NULL;
    srv->cfg = cfg;
    srv->app = app;
    srv->table = table;
    srv->nroutes = nroutes;
    bool ipv6 = false;
    int fd = open_listen_socket(cfg, &ipv6);
    if (fd < 0) {
        free(srv);
        return NULL;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    /* The logger goes first so libmicrohttpd reports option problems through it. */
    srv->daemon =
        MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_access, srv,
                         MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->http_threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->http_conn_limit,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->http_conn_timeout_s,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        log_error("http.start", "libmicrohttpd could not start on %s:%u", cfg->bind_address,
                  cfg->port);
        close(fd);
        free(srv);
        return NULL;
    }
    log_info("http.start", "listening on http://%s:%u with %u threads", cfg->bind_address,
             cfg->port, cfg->http_threads);
    return srv;
}

unsigned http_server_inflight(const struct http_server *srv)
{
    return srv ? atomic_load(&((struct http_server *)(uintptr_t)srv)->inflight) : 0;
}

void http_server_stop(struct http_server *srv, unsigned timeout_s)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, true);
    MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    uint64_t deadline = time_mono_ns() + (uint64_t)timeout_s * 1000000000ull;
    while (atomic_load(&srv->inflight) > 0 && time_mono_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    unsigned left = atomic_load(&srv->inflight);
    if (left)
        log_warn("http.stop", "%u request(s) still in flight after %u s; closing them", left,
                 timeout_s);
    MHD_stop_daemon(srv->daemon);
    log_info("http.stop", "HTTP server stopped");
    free(srv);
}

/*
 * docs.c - /backend-docs (Swagger UI page), /backend-docs-json (the embedded OpenAPI document)
 * and the Swagger UI static files, all behind HTTP Basic auth.
 * Credentials are compared as fixed-size BLAKE2b digests with crypto_verify_32, so neither the
 * content nor the length of the secret leaks through timing.
 */
#include "eeum/app.h"
#include "eeum/docs.h"
#include "eeum/handlers.h"
#include "eeum/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOCS_ASSET_MAX_BYTES (16u * 1024 * 1024)
#define DOCS_AUTH_MAX        512
#define DOCS_CACHE_CONTROL   "private, max-age=86400"

static const char DOCS_HTML[] =
    "<!doctype html>\n"
    "<html lang=\"ko\">\n"
    "<head>\n"
    "  <meta charset=\"utf-8\">\n"
    "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "  <title>EEUM API 문서</title>\n"
    "  <link rel=\"stylesheet\" href=\"/backend-docs/swagger-ui.css\">\n"
    "  <link rel=\"icon\" type=\"image/png\" href=\"/backend-docs/favicon-32x32.png\">\n"
    "</head>\n"
    "<body>\n"
    "  <div id=\"swagger-ui\"></div>\n"
    "  <script src=\"/backend-docs/swagger-ui-bundle.js\"></script>\n"
    "  <script src=\"/backend-docs/swagger-ui-standalone-preset.js\"></script>\n"
    "  <script src=\"/backend-docs/swagger-initializer.js\"></script>\n"
    "</body>\n"
    "</html>\n";

/* Points Swagger UI at our document; "Try it out" then calls the same origin. */
static const char DOCS_INIT_JS[] =
    "window.addEventListener('load', function () {\n"
    "  window.ui = SwaggerUIBundle({\n"
    "    url: '/backend-docs-json',\n"
    "    dom_id: '#swagger-ui',\n"
    "    deepLinking: true,\n"
    "    persistAuthorization: true,\n"
    "    displayRequestDuration: true,\n"
    "    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
    "    plugins: [SwaggerUIBundle.plugins.DownloadUrl],\n"
    "    layout: 'StandaloneLayout'\n"
    "  });\n"
    "});\n";

struct asset_spec {
    const char *name;
    const char *content_type;
};

/* The files the page needs; anything else under the folder is never served. */
static const struct asset_spec ASSETS[] = {
    {"swagger-ui.css", "text/css; charset=utf-8"},
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
    {"swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"},
    {"favicon-32x32.png", "image/png"},
};

#define NASSETS (sizeof ASSETS / sizeof ASSETS[0])

static char *read_all(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 64 * 1024;
            if (ncap > DOCS_ASSET_MAX_BYTES + 1) {
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    *out_len = len;
    return buf;
}

static void make_etag(const char *data, size_t len, char out[24])
{
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)data, len, NULL, 0);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, 24, "\"%s\"", hex);
}

struct docs *docs_new(const struct config *cfg)
{
    struct docs *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->assets = calloc(NASSETS, sizeof *d->assets);
    if (!d->assets) {
        free(d);
        return NULL;
    }
    d->nassets = NASSETS;
    d->enabled = *cfg->docs_user && *cfg->docs_password;
    for (size_t i = 0; i < NASSETS; i++) {
        struct docs_asset *a = &d->assets[i];
        a->name = ASSETS[i].name;
        a->content_type = ASSETS[i].content_type;
        if (!d->enabled)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", cfg->docs_assets_dir, a->name);
        a->data = read_all(path, &a->len);
        if (a->data)
            make_etag(a->data, a->len, a->etag);
        else
            log_warn("docs.assets", "cannot read %s (set DOCS_ASSETS_DIR to swagger-ui-dist)",
                     path);
    }
    if (d->enabled)
        log_info("docs.enabled", "API docs at /backend-docs (basic auth)");
    else
        log_info("docs.disabled", "DOCS_USER/DOCS_PASSWORD not both set: /backend-docs is off");
    return d;
}

void docs_free(struct docs *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nassets; i++)
        free(d->assets[i].data);
    free(d->assets);
    free(d);
}

const struct docs_asset *docs_asset(const struct docs *d, const char *name)
{
    for (size_t i = 0; i < d->nassets; i++)
        if (strcmp(d->assets[i].name, name) == 0)
            return d->assets[i].data ? &d->assets[i] : NULL;
    return NULL;
}

/* Constant-time equality of two strings of any length. */
static bool secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned char ha[32], hb[32];
    crypto_generichash(ha, sizeof ha, (const unsigned char *)a, alen, NULL, 0);
    crypto_generichash(hb, sizeof hb, (const unsigned char *)b, blen, NULL, 0);
    return crypto_verify_32(ha, hb) == 0;
}

static enum status docs_unauthorized(struct http_resp *resp)
{
    enum status st =
        http_resp_error(resp, STATUS_UNAUTHORIZED, "API 문서를 보려면 로그인하세요.", NULL);
    http_resp_header(resp, "WWW-Authenticate", "Basic realm=\"eeum-docs\", charset=\"UTF-8\"");
    return st;
}

enum status h_docs_authenticate(struct http_req *req, struct http_resp *resp)
{
    const struct config *cfg = req->app->cfg;
    if (!req->app->docs || !req->app->docs->enabled)
        return STATUS_NOT_FOUND;
    const char *h = http_req_header(req, "Authorization");
    if (!h || strncasecmp(h, "Basic ", 6) != 0)
        return docs_unauthorized(resp);
    const char *b64 = h + 6;
    while (*b64 == ' ')
        b64++;
    unsigned char raw[DOCS_AUTH_MAX];
    size_t raw_len = 0;
    const char *end = NULL;
    if (sodium_base642bin(raw, sizeof raw - 1, b64, strlen(b64), NULL, &raw_len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        *end != '\0')
        return docs_unauthorized(resp);
    const char *colon = memchr(raw, ':', raw_len);
    if (!colon)
        return docs_unauthorized(resp);
    size_t ulen = (size_t)(colon - (const char *)raw);
    const char *pw = colon + 1;
    size_t plen = raw_len - ulen - 1;
    bool user_ok = secret_equal((const char *)raw, ulen, cfg->docs_user, strlen(cfg->docs_user));
    bool pass_ok = secret_equal(pw, plen, cfg->docs_password, strlen(cfg->docs_password));
    sodium_memzero(raw, sizeof raw);
    if (!(user_ok & pass_ok))
        return docs_unauthorized(resp);
    return STATUS_OK;
}

static void page_headers(struct http_resp *resp)
{
    http_resp_header(resp, "Cache-Control", "no-store");
    http_resp_header(resp, "X-Frame-Options", "DENY");
    http_resp_header(resp, "Referrer-Policy", "no-referrer");
}

enum status h_docs_page(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    enum status st =
        http_resp_static(resp, 200, "text/html; charset=utf-8", DOCS_HTML, sizeof DOCS_HTML - 1);
    page_headers(resp);
    return st;
}

enum status h_docs_json(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    enum status st = http_resp_static(resp, 200, "application/json; charset=utf-8",
                                      (const char *)EEUM_OPENAPI_JSON, EEUM_OPENAPI_JSON_LEN);
    http_resp_header(resp, "Cache-Control", "no-cache");
    return st;
}

enum status h_docs_asset(struct http_req *req, struct http_resp *resp)
{
    const char *name = strrchr(req->match->route->pattern, '/') + 1;
    if (strcmp(name, "swagger-initializer.js") == 0)
        return http_resp_static(resp, 200, "text/javascript; charset=utf-8", DOCS_INIT_JS,
                                sizeof DOCS_INIT_JS - 1);
    const struct docs_asset *a = docs_asset(req->app->docs, name);
    if (!a)
        return STATUS_NOT_FOUND;
    const char *inm = http_req_header(req, "If-None-Match");
    http_resp_header(resp, "Cache-Control", DOCS_CACHE_CONTROL);
    http_resp_header(resp, "ETag", a->etag);
    if (inm && strcmp(inm, a->etag) == 0)
        return http_resp_static(resp, 304, NULL, "", 0);
    return http_resp_static(resp, 200, a->content_type, a->data, a->len);
}

/*
 * docs.h - the API documentation: the OpenAPI document embedded at build time (from
 * docs/openapi.json), the Swagger UI page, and its static files (npm package swagger-ui-dist,
 * read once from DOCS_ASSETS_DIR at start-up and served from memory). Everything sits behind
 * HTTP Basic auth (DOCS_USER / DOCS_PASSWORD); without both the docs are off (404).
 */
#ifndef EEUM_DOCS_H
#define EEUM_DOCS_H

#include "eeum/config.h"

#include <stdbool.h>
#include <stddef.h>

/* The embedded OpenAPI document (generated source; NUL-terminated). */
extern const unsigned char EEUM_OPENAPI_JSON[];
extern const size_t EEUM_OPENAPI_JSON_LEN;

struct docs_asset {
    const char *name;         /* file name under DOCS_ASSETS_DIR, e.g. "swagger-ui.css" */
    const char *content_type; /* static */
    char *data;               /* owned; NULL when the file could not be read */
    size_t len;
    char etag[24]; /* "\"<16 hex>\"" */
};

struct docs {
    bool enabled;
    struct docs_asset *assets;
    size_t nassets;
};

/* Load the Swagger UI files (cfg borrowed). Never fails hard: a missing file is logged and
 * answered 404. Returns NULL only on ENOMEM. */
struct docs *docs_new(const struct config *cfg);
void docs_free(struct docs *d);

/* The asset named `name`, or NULL. */
const struct docs_asset *docs_asset(const struct docs *d, const char *name);

#endif

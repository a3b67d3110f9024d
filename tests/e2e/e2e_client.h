/*
 * e2e_client.h - a tiny HTTP client for the end-to-end tests (libcurl + jansson), and helpers
 * to reach the running stack: EEUM_E2E_BASE_URL (e.g. http://127.0.0.1:18080) is exported by
 * `scripts/eeum test`.
 */
#ifndef EEUM_E2E_CLIENT_H
#define EEUM_E2E_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct e2e_resp {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    char *headers; /* raw header block */
    json_t *json;  /* parsed body or NULL */
};

/* When true, transport errors are not printed (polling for a server to come up). */
extern bool e2e_quiet;

/* Base URL of the stack under test (exits the test program if unset). */
const char *e2e_base(void);

/*
 * Send a request to base + path. `headers` is a NULL-terminated list of "Name: value" lines (may
 * be NULL). `body` may be NULL; `len` (SIZE_MAX = strlen) bytes are sent. When `content_type`
 * is non-NULL it is sent as Content-Type. Returns 0 when a response arrived.
 */
int e2e_request(const char *base, const char *method, const char *path, const char *const *headers,
                const char *content_type, const char *body, size_t len, struct e2e_resp *out);

/* Shorthands against e2e_base(). */
int e2e_get(const char *path, const char *token, struct e2e_resp *out);
int e2e_json(const char *method, const char *path, const char *token, const char *json_text,
             struct e2e_resp *out);
/* Same with a jansson value (borrowed). */
int e2e_jsonv(const char *method, const char *path, const char *token, json_t *body,
              struct e2e_resp *out);

/* Header value (case-insensitive name), copied into out; false if absent. */
bool e2e_header(const struct e2e_resp *r, const char *name, char *out, size_t outlen);

void e2e_resp_free(struct e2e_resp *r);

/* Assert an error envelope with the given HTTP status: success false, non-empty message,
 * requestId equal to the X-Request-Id header. */
void e2e_assert_error(const struct e2e_resp *r, long status);

/* A unique suffix for test data (pid + counter + time). */
const char *e2e_unique(void);

#endif

/*
 * e2e_client.c - libcurl wrapper for the end-to-end tests.
 */
#include "e2e_client.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

bool e2e_quiet;

struct buf {
    char *p;
    size_t n;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct buf *b = ud;
    size_t n = size * nmemb;
    char *np = realloc(b->p, b->n + n + 1);
    if (!np)
        return 0;
    memcpy(np + b->n, ptr, n);
    b->p = np;
    b->n += n;
    b->p[b->n] = '\0';
    return n;
}

const char *e2e_base(void)
{
    const char *b = getenv("EEUM_E2E_BASE_URL");
    if (!b || !*b) {
        fprintf(stderr, "EEUM_E2E_BASE_URL is not set: run through `scripts/eeum test`\n");
        exit(1);
    }
    return b;
}

int e2e_request(const char *base, const char *method, const char *path, const char *const *headers,
                const char *content_type, const char *body, size_t len, struct e2e_resp *out)
{
    memset(out, 0, sizeof *out);
    CURL *h = curl_easy_init();
    if (!h)
        return -1;
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct curl_slist *hl = NULL;
    char ct[256];
    if (content_type) {
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
        hl = curl_slist_append(hl, ct);
    }
    bool has_expect = false;
    for (size_t i = 0; headers && headers[i]; i++) {
        hl = curl_slist_append(hl, headers[i]);
        has_expect |= strncasecmp(headers[i], "Expect:", 7) == 0;
    }
    if (!has_expect)
        hl = curl_slist_append(hl, "Expect:"); /* no 100-continue round trip unless asked */
    struct buf b = {0}, hb = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (body) {
        if (len == SIZE_MAX)
            len = strlen(body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
        out->body = b.p ? b.p : calloc(1, 1);
        out->len = b.n;
        out->headers = hb.p ? hb.p : calloc(1, 1);
        json_error_t err;
        out->json = b.n ? json_loadb(b.p, b.n, 0, &err) : NULL;
    } else {
        if (!e2e_quiet)
            fprintf(stderr, "%s %s: %s\n", method, url, curl_easy_strerror(rc));
        free(b.p);
        free(hb.p);
    }
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? 0 : -1;
}

static int with_token(const char *method, const char *path, const char *token,
                      const char *content_type, const char *body, struct e2e_resp *out)
{
    char auth[2048];
    const char *hdrs[2] = {NULL, NULL};
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs[0] = auth;
    }
    return e2e_request(e2e_base(), method, path, hdrs, content_type, body, SIZE_MAX, out);
}

int e2e_get(const char *path, const char *token, struct e2e_resp *out)
{
    return with_token("GET", path, token, NULL, NULL, out);
}

int e2e_json(const char *method, const char *path, const char *token, const char *json_text,
             struct e2e_resp *out)
{
    return with_token(method, path, token, "application/json", json_text, out);
}

int e2e_jsonv(const char *method, const char *path, const char *token, json_t *body,
              struct e2e_resp *out)
{
    char *text = json_dumps(body, JSON_COMPACT);
    int rc = e2e_json(method, path, token, text, out);
    free(text);
    return rc;
}

bool e2e_header(const struct e2e_resp *r, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    const char *p = r->headers;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (n > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = n - (size_t)(v - p);
            snprintf(out, outlen, "%.*s", (int)vl, v);
            return true;
        }
        p = eol ? eol + 2 : NULL;
    }
    return false;
}

void e2e_resp_free(struct e2e_resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

void e2e_assert_error(const struct e2e_resp *r, long status)
{
    if (r->status != status)
        fprintf(stderr, "expected %ld, got %ld: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    assert_true(json_is_false(json_object_get(r->json, "success")));
    const char *msg = json_string_value(json_object_get(r->json, "message"));
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    char rid[128];
    assert_true(e2e_header(r, "X-Request-Id", rid, sizeof rid));
    assert_string_equal(json_string_value(json_object_get(r->json, "requestId")), rid);
}

const char *e2e_unique(void)
{
    static char buf[64];
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, sizeof buf, "%x%lx%u", (unsigned)getpid() & 0xfffu,
             (unsigned long)(ts.tv_nsec / 1000) & 0xfffffu, ++counter);
    return buf;
}

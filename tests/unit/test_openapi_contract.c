/*
 * test_openapi_contract.c - the router table and the embedded OpenAPI document describe the
 * same API: every route (method + path pattern) is documented, every documented operation is
 * routed, and each documented operation declares its path parameters and responses.
 */
#include "eeum/docs.h"
#include "eeum/handlers.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static json_t *load_doc(void)
{
    json_error_t err;
    json_t *doc = json_loadb((const char *)EEUM_OPENAPI_JSON, EEUM_OPENAPI_JSON_LEN,
                             JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        fail_msg("docs/openapi.json does not parse: %s (line %d)", err.text, err.line);
    return doc;
}

/* "/api/boards/:boardId/comments" -> "/api/boards/{boardId}/comments" */
static void to_openapi_path(const char *pattern, char *out, size_t outlen)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 2 < outlen; p++) {
        if (*p == ':' && (p == pattern || p[-1] == '/')) {
            out[o++] = '{';
            p++;
            while (*p && *p != '/' && o + 2 < outlen)
                out[o++] = *p++;
            out[o++] = '}';
            p--;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static const char *method_key(unsigned m)
{
    switch (m) {
    case HTTP_GET:
        return "get";
    case HTTP_POST:
        return "post";
    case HTTP_PUT:
        return "put";
    case HTTP_PATCH:
        return "patch";
    case HTTP_DELETE:
        return "delete";
    default:
        return NULL;
    }
}

static unsigned method_bit(const char *key)
{
    static const struct {
        const char *key;
        unsigned bit;
    } M[] = {{"get", HTTP_GET},         {"post", HTTP_POST},     {"put", HTTP_PUT},
             {"patch", HTTP_PATCH},     {"delete", HTTP_DELETE}, {"head", HTTP_HEAD},
             {"options", HTTP_OPTIONS}, {"trace", HTTP_OTHER}};
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++)
        if (strcmp(M[i].key, key) == 0)
            return M[i].bit;
    return 0;
}

static void every_route_is_documented(void **state)
{
    (void)state;
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    assert_true(json_is_object(paths));
    int missing = 0;
    for (size_t i = 0; i < API_ROUTES_COUNT; i++) {
        char path[256];
        to_openapi_path(API_ROUTES[i].pattern, path, sizeof path);
        const char *m = method_key(API_ROUTES[i].method);
        assert_non_null(m);
        json_t *op = json_object_get(json_object_get(paths, path), m);
        if (!json_is_object(op)) {
            fprintf(stderr, "route %s %s is missing from docs/openapi.json\n", m, path);
            missing++;
        }
    }
    json_decref(doc);
    assert_int_equal(missing, 0);
}

static void every_documented_operation_is_routed(void **state)
{
    (void)state;
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    const char *path;
    json_t *item;
    int extra = 0;
    json_object_foreach(paths, path, item)
    {
        const char *key;
        json_t *op;
        json_object_foreach(item, key, op)
        {
            unsigned bit = method_bit(key);
            if (!bit)
                continue; /* "parameters", "summary", ... */
            bool found = false;
            for (size_t i = 0; i < API_ROUTES_COUNT && !found; i++) {
                char p[256];
                to_openapi_path(API_ROUTES[i].pattern, p, sizeof p);
                found = API_ROUTES[i].method == bit && strcmp(p, path) == 0;
            }
            if (!found) {
                fprintf(stderr, "docs/openapi.json documents %s %s, which no route serves\n", key,
                        path);
                extra++;
            }
        }
    }
    json_decref(doc);
    assert_int_equal(extra, 0);
}

/* A parameter named `name` in `in` at path or operation level (resolving local $refs). */
static bool has_param(json_t *doc, json_t *item, json_t *op, const char *name, const char *in)
{
    json_t *lists[2] = {json_object_get(item, "parameters"), json_object_get(op, "parameters")};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *p;
        json_array_foreach(lists[l], i, p)
        {
            const char *ref = json_string_value(json_object_get(p, "$ref"));
            if (ref && strncmp(ref, "#/components/parameters/", 24) == 0)
                p = json_object_get(
                    json_object_get(json_object_get(doc, "components"), "parameters"), ref + 24);
            const char *n = json_string_value(json_object_get(p, "name"));
            const char *w = json_string_value(json_object_get(p, "in"));
            if (n && w && strcmp(n, name) == 0 && strcmp(w, in) == 0)
                return true;
        }
    }
    return false;
}

static void documented_operations_declare_path_params_and_responses(void **state)
{
    (void)state;
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    int bad = 0;
    for (size_t i = 0; i < API_ROUTES_COUNT; i++) {
        char path[256];
        to_openapi_path(API_ROUTES[i].pattern, path, sizeof path);
        json_t *item = json_object_get(paths, path);
        json_t *op = json_object_get(item, method_key(API_ROUTES[i].method));
        if (!op)
            continue; /* reported by every_route_is_documented */
        json_t *responses = json_object_get(op, "responses");
        if (!json_is_object(responses) || json_object_size(responses) == 0) {
            fprintf(stderr, "%s %s documents no responses\n", method_key(API_ROUTES[i].method),
                    path);
            bad++;
        }
        for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
            char name[64];
            size_t n = (size_t)(strchr(p, '}') - p - 1);
            snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
            if (!has_param(doc, item, op, name, "path")) {
                fprintf(stderr, "%s %s does not declare path parameter %s\n",
                        method_key(API_ROUTES[i].method), path, name);
                bad++;
            }
        }
        if ((API_ROUTES[i].flags & ROUTE_BODY_JSON) && !json_object_get(op, "requestBody")) {
            fprintf(stderr, "%s %s takes a JSON body but documents none\n",
                    method_key(API_ROUTES[i].method), path);
            bad++;
        }
        if ((API_ROUTES[i].flags & (ROUTE_AUTH | ROUTE_DOCS_AUTH)) &&
            !json_object_get(op, "security")) {
            fprintf(stderr, "%s %s needs auth but documents no security requirement\n",
                    method_key(API_ROUTES[i].method), path);
            bad++;
        }
    }
    json_decref(doc);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_is_documented),
        cmocka_unit_test(every_documented_operation_is_routed),
        cmocka_unit_test(documented_operations_declare_path_params_and_responses),
    };
    return cmocka_run_group_tests_name("openapi_contract", tests, NULL, NULL);
}

/*
 * response.c - response builders used by handlers (envelopes, raw bodies, headers).
 */
#include "eeum/envelope.h"
#include "eeum/http.h"

#include <stdlib.h>
#include <string.h>

static void resp_reset_body(struct http_resp *resp)
{
    json_decref(resp->json);
    resp->json = NULL;
    free(resp->raw);
    resp->raw = NULL;
    resp->raw_static = NULL;
    resp->raw_len = 0;
    resp->content_type = NULL;
}

enum status http_resp_item(struct http_resp *resp, json_t *item)
{
    resp_reset_body(resp);
    resp->http_status = 200;
    resp->json = envelope_item(item);
    return STATUS_OK;
}

enum status http_resp_created(struct http_resp *resp, json_t *item, const char *location)
{
    resp_reset_body(resp);
    resp->http_status = 201;
    resp->json = envelope_item(item);
    if (location)
        http_resp_header(resp, "Location", location);
    return STATUS_OK;
}

enum status http_resp_page(struct http_resp *resp, json_t *items, uint64_t page, uint64_t size,
                           uint64_t total)
{
    resp_reset_body(resp);
    resp->http_status = 200;
    resp->json = envelope_page(items, page, size, total);
    return STATUS_OK;
}

enum status http_resp_error(struct http_resp *resp, enum status st, const char *message,
                            json_t *errors)
{
    resp_reset_body(resp);
    resp->http_status = status_http(st);
    /* 5xx never carries internal text to the client. */
    if (!message || st == STATUS_INTERNAL)
        message = status_message(st);
    resp->json = envelope_error(message, errors, NULL);
    return st;
}

enum status http_resp_raw(struct http_resp *resp, unsigned http_status, const char *content_type,
                          const char *body, size_t len)
{
    resp_reset_body(resp);
    resp->raw = malloc(len ? len : 1);
    if (!resp->raw)
        return STATUS_INTERNAL;
    memcpy(resp->raw, body, len);
    resp->raw_len = len;
    resp->content_type = content_type;
    resp->http_status = http_status;
    return STATUS_OK;
}

enum status http_resp_static(struct http_resp *resp, unsigned http_status, const char *content_type,
                             const char *body, size_t len)
{
    resp_reset_body(resp);
    resp->raw_static = body;
    resp->raw_len = len;
    resp->content_type = content_type;
    resp->http_status = http_status;
    return STATUS_OK;
}

bool http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcmp(resp->headers[i].name, name) == 0) {
            char *v = strdup(value);
            if (!v)
                return false;
            free(resp->headers[i].value);
            resp->headers[i].value = v;
            return true;
        }
    }
    if (resp->nheaders == HTTP_RESP_MAX_HEADERS)
        return false;
    char *v = strdup(value);
    if (!v)
        return false;
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = v;
    resp->nheaders++;
    return true;
}

void http_resp_clear(struct http_resp *resp)
{
    resp_reset_body(resp);
    for (size_t i = 0; i < resp->nheaders; i++)
        free(resp->headers[i].value);
    resp->nheaders = 0;
    resp->http_status = 0;
}

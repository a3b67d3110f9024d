/*
 * sqs.c - the Amazon SQS JSON protocol over libcurl, signed with CURLOPT_AWS_SIGV4.
 * The only code that includes <curl/curl.h>. One CURL handle per client, reused across calls
 * (keep-alive); a client is never shared between threads without external locking.
 */
#include "eeum/sqs.h"

#include "eeum/log.h"
#include "eeum/strbuf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQS_MAX_RESPONSE (1024 * 1024)

struct sqs_client {
    const struct config *cfg;
    CURL *h;
    char url[1024];
    char sigv4[128];
    char errbuf[CURL_ERROR_SIZE];
};

int sqs_library_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void sqs_library_end(void)
{
    curl_global_cleanup();
}

struct sqs_client *sqs_client_new(const struct config *cfg)
{
    struct sqs_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = cfg;
    c->h = curl_easy_init();
    if (!c->h) {
        free(c);
        return NULL;
    }
    const char *ep = cfg->sqs_endpoint;
    size_t n = strlen(ep);
    snprintf(c->url, sizeof c->url, "%s%s", ep, (n && ep[n - 1] == '/') ? "" : "/");
    snprintf(c->sigv4, sizeof c->sigv4, "aws:amz:%s:sqs", cfg->aws_region);
    return c;
}

void sqs_client_free(struct sqs_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->h);
    free(c);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct strbuf *sb = userdata;
    size_t n = size * nmemb;
    return strbuf_append(sb, ptr, n) ? n : 0;
}

/* Copy the part of `__type` after '#' ("com.amazonaws.sqs#QueueDoesNotExist"). */
static void error_type(json_t *body, char out[SQS_ERR_LEN])
{
    const char *t = json_string_value(json_object_get(body, "__type"));
    if (!t)
        t = json_string_value(json_object_get(body, "code"));
    if (!t) {
        out[0] = '\0';
        return;
    }
    const char *hash = strrchr(t, '#');
    snprintf(out, SQS_ERR_LEN, "%s", hash ? hash + 1 : t);
}

enum status sqs_call(struct sqs_client *c, const char *action, json_t *request, json_t **out_resp,
                     char err_type[SQS_ERR_LEN])
{
    enum status st = STATUS_UNAVAILABLE;
    struct strbuf resp;
    struct curl_slist *hdrs = NULL;
    char *payload = NULL;
    json_t *body = NULL;
    json_t *req = request ? json_deep_copy(request) : json_object();
    char target[128];
    long code = 0;

    strbuf_init(&resp, SQS_MAX_RESPONSE);
    err_type[0] = '\0';
    if (out_resp)
        *out_resp = NULL;
    if (!req) {
        st = STATUS_INTERNAL;
        goto out;
    }
    if (!json_object_get(req, "QueueUrl"))
        json_object_set_new(req, "QueueUrl", json_string(c->cfg->sqs_queue_url));
    payload = json_dumps(req, JSON_COMPACT);
    if (!payload) {
        st = STATUS_INTERNAL;
        goto out;
    }
    snprintf(target, sizeof target, "X-Amz-Target: AmazonSQS.%s", action);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/x-amz-json-1.0");
    hdrs = curl_slist_append(hdrs, target);
    if (c->cfg->aws_session_token && *c->cfg->aws_session_token) {
        char tok[4096];
        snprintf(tok, sizeof tok, "X-Amz-Security-Token: %s", c->cfg->aws_session_token);
        hdrs = curl_slist_append(hdrs, tok);
    }
    CURL *h = c->h;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, c->sigv4);
    curl_easy_setopt(h, CURLOPT_USERNAME, c->cfg->aws_access_key_id);
    curl_easy_setopt(h, CURLOPT_PASSWORD, c->cfg->aws_secret_access_key);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 2L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->cfg->sqs_timeout_s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
    c->errbuf[0] = '\0';
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        snprintf(err_type, SQS_ERR_LEN, "%s", *c->errbuf ? c->errbuf : curl_easy_strerror(rc));
        log_warn("sqs.transport", "%s: %s", action, err_type);
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (resp.len) {
        json_error_t jerr;
        body = json_loadb(resp.data, resp.len, 0, &jerr);
    } else {
        body = json_object(); /* the emulator answers some actions with an empty body */
    }
    if (code == 200) {
        if (!body) {
            snprintf(err_type, SQS_ERR_LEN, "unparsable response");
            log_warn("sqs.protocol", "%s: 200 with a body that is not JSON", action);
            goto out;
        }
        if (out_resp) {
            *out_resp = body;
            body = NULL;
        }
        st = STATUS_OK;
        goto out;
    }
    error_type(body, err_type);
    if (!*err_type)
        snprintf(err_type, SQS_ERR_LEN, "HTTP %ld", code);
    st = code >= 500 ? STATUS_UNAVAILABLE : STATUS_BAD_REQUEST;
    log_warn("sqs.error", "%s: HTTP %ld %s", action, code, err_type);
out:
    json_decref(body);
    json_decref(req);
    free(payload);
    curl_slist_free_all(hdrs);
    strbuf_free(&resp);
    return st;
}

enum status sqs_ping(struct sqs_client *c, char err[SQS_ERR_LEN])
{
    json_t *req = json_pack("{s:[s]}", "AttributeNames", "QueueArn");
    json_t *resp = NULL;
    enum status st = sqs_call(c, "GetQueueAttributes", req, &resp, err);
    if (st == STATUS_OK && !json_object_get(json_object_get(resp, "Attributes"), "QueueArn")) {
        snprintf(err, SQS_ERR_LEN, "queue attributes missing");
        st = STATUS_UNAVAILABLE;
    }
    json_decref(req);
    json_decref(resp);
    return st;
}

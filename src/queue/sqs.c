/*
 * sqs.c - the Amazon SQS JSON protocol over libcurl, signed with CURLOPT_AWS_SIGV4, and the
 * typed operations EEUM needs (send/receive/delete batches, visibility, queue URL, attributes).
 * The only code that includes <curl/curl.h>. One CURL handle per client, reused across calls
 * (keep-alive); a client is never shared between threads without external locking.
 */
#include "eeum/sqs.h"

#include "eeum/log.h"
#include "eeum/strbuf.h"
#include "md5.h"
#include "sqs_sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ten messages of 256 KiB each, JSON-escaped, fit comfortably. */
#define SQS_MAX_RESPONSE (8 * 1024 * 1024)

struct sqs_client {
    const struct config *cfg;
    CURL *h;
    char url[SQS_URL_LEN];
    char queue_url[SQS_URL_LEN];
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
    const char *ep = cfg->sqs_endpoint ? cfg->sqs_endpoint : "";
    size_t n = strlen(ep);
    int w = snprintf(c->url, sizeof c->url, "%s%s", ep, (n && ep[n - 1] == '/') ? "" : "/");
    if (w < 0 || (size_t)w >= sizeof c->url ||
        sqs_client_set_queue_url(c, cfg->sqs_queue_url ? cfg->sqs_queue_url : "") != 0) {
        free(c);
        return NULL;
    }
    c->h = curl_easy_init();
    if (!c->h) {
        free(c);
        return NULL;
    }
    return c;
}

void sqs_client_free(struct sqs_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->h);
    free(c);
}

int sqs_client_set_queue_url(struct sqs_client *c, const char *queue_url)
{
    int w = snprintf(c->queue_url, sizeof c->queue_url, "%s", queue_url);
    return (w < 0 || (size_t)w >= sizeof c->queue_url) ? -1 : 0;
}

const char *sqs_client_queue_url(const struct sqs_client *c)
{
    return c->queue_url;
}

/* ---- signing ---- */

/* Append a copy of `line`; on ENOMEM the list is left as it was. */
static int hdr_append(struct curl_slist **hdrs, const char *line)
{
    struct curl_slist *n = curl_slist_append(*hdrs, line);
    if (!n)
        return -1;
    *hdrs = n;
    return 0;
}

int sqs_sign_setup(CURL *h, const char *region, const char *service, const char *key_id,
                   const char *secret, const char *session_token, struct curl_slist **hdrs)
{
    char sigv4[160];
    int w = snprintf(sigv4, sizeof sigv4, "aws:amz:%s:%s", region, service);
    if (!*region || !*service || w < 0 || (size_t)w >= sizeof sigv4)
        return -1;
    if (session_token && *session_token) {
        size_t len = sizeof "X-Amz-Security-Token: " + strlen(session_token);
        char *line = malloc(len);
        if (!line)
            return -1;
        snprintf(line, len, "X-Amz-Security-Token: %s", session_token);
        int rc = hdr_append(hdrs, line);
        free(line);
        if (rc != 0)
            return -1;
    }
    /* libcurl copies string options; CURLOPT_AWS_SIGV4 also selects SigV4 as the auth scheme,
     * so the user name and password are never sent as Basic credentials. */
    if (curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_USERNAME, key_id ? key_id : "") != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_PASSWORD, secret ? secret : "") != CURLE_OK)
        return -1;
    return 0;
}

/* ---- the JSON protocol ---- */

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

/* Error types that mean "try again later" even though they come with a 4xx. */
static bool error_is_transient(const char *type)
{
    static const char *const TRANSIENT[] = {"ThrottlingException", "RequestThrottled",
                                            "ServiceUnavailable", "InternalFailure",
                                            "InternalError"};
    for (size_t i = 0; i < sizeof TRANSIENT / sizeof TRANSIENT[0]; i++)
        if (strcmp(type, TRANSIENT[i]) == 0)
            return true;
    return false;
}

/* Actions addressed to the service rather than to one queue. */
static bool action_takes_queue_url(const char *action)
{
    return strcmp(action, "GetQueueUrl") != 0 && strcmp(action, "ListQueues") != 0 &&
           strcmp(action, "CreateQueue") != 0;
}

/* sqs_call with a transfer timeout of the configured one plus `extra_s` (long polls). */
static enum status call(struct sqs_client *c, const char *action, json_t *request,
                        json_t **out_resp, char err_type[SQS_ERR_LEN], unsigned extra_s)
{
    enum status st = STATUS_UNAVAILABLE;
    struct strbuf resp;
    struct curl_slist *hdrs = NULL;
    char *payload = NULL;
    json_t *body = NULL;
    json_t *req = request ? json_deep_copy(request) : json_object();
    char target[128];
    long code = 0;
    const struct config *cfg = c->cfg;

    strbuf_init(&resp, SQS_MAX_RESPONSE);
    err_type[0] = '\0';
    if (out_resp)
        *out_resp = NULL;
    if (!req || !json_is_object(req)) {
        snprintf(err_type, SQS_ERR_LEN, "request is not a JSON object");
        st = STATUS_INTERNAL;
        goto out;
    }
    if (action_takes_queue_url(action) && !json_object_get(req, "QueueUrl") &&
        json_object_set_new(req, "QueueUrl", json_string(c->queue_url)) != 0) {
        snprintf(err_type, SQS_ERR_LEN, "out of memory");
        st = STATUS_INTERNAL;
        goto out;
    }
    payload = json_dumps(req, JSON_COMPACT);
    int w = snprintf(target, sizeof target, "X-Amz-Target: AmazonSQS.%s", action);
    if (!payload || w < 0 || (size_t)w >= sizeof target ||
        hdr_append(&hdrs, "Content-Type: application/x-amz-json-1.0") != 0 ||
        hdr_append(&hdrs, target) != 0) {
        snprintf(err_type, SQS_ERR_LEN, "cannot build the request");
        st = STATUS_INTERNAL;
        goto out;
    }
    CURL *h = c->h;
    /* Reset keeps the live connection, DNS and TLS session caches: only options go. */
    curl_easy_reset(h);
    if (sqs_sign_setup(h, cfg->aws_region ? cfg->aws_region : "", "sqs", cfg->aws_access_key_id,
                       cfg->aws_secret_access_key, cfg->aws_session_token, &hdrs) != 0) {
        snprintf(err_type, SQS_ERR_LEN, "cannot set up SigV4 signing");
        log_error("sqs.config", "%s: cannot set up SigV4 signing (region?)", action);
        st = STATUS_INTERNAL;
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 2L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)cfg->sqs_timeout_s + (long)extra_s);
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
        body = json_loadb(resp.data, resp.len, JSON_REJECT_DUPLICATES, &jerr);
        if (body && !json_is_object(body)) {
            json_decref(body);
            body = NULL;
        }
    } else {
        /* The emulator answers DeleteMessage, ChangeMessageVisibility and an empty
         * ReceiveMessage with no body at all; AWS sends {}. */
        body = json_object();
    }
    if (code == 200) {
        if (!body) {
            snprintf(err_type, SQS_ERR_LEN, "unparsable response");
            log_warn("sqs.protocol", "%s: 200 with a body that is not a JSON object", action);
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
    st = (code >= 500 || code == 429 || error_is_transient(err_type)) ? STATUS_UNAVAILABLE
                                                                      : STATUS_BAD_REQUEST;
    const char *msg = json_string_value(json_object_get(body, "message"));
    if (!msg)
        msg = json_string_value(json_object_get(body, "Message"));
    log_warn("sqs.error", "%s: HTTP %ld %s: %.200s", action, code, err_type, msg ? msg : "");
out:
    json_decref(body);
    json_decref(req);
    free(payload);
    curl_slist_free_all(hdrs);
    strbuf_free(&resp);
    return st;
}

enum status sqs_call(struct sqs_client *c, const char *action, json_t *request, json_t **out_resp,
                     char err_type[SQS_ERR_LEN])
{
    return call(c, action, request, out_resp, err_type, 0);
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

/* ---- typed operations ---- */

static enum status bad_arg(const char *action, char err[SQS_ERR_LEN], const char *why)
{
    snprintf(err, SQS_ERR_LEN, "invalid argument: %s", why);
    log_warn("sqs.args", "%s: %s", action, err);
    return STATUS_BAD_REQUEST;
}

/* A 200 whose JSON does not have the documented shape: SQS or a proxy misbehaves. */
static enum status bad_response(const char *action, char err[SQS_ERR_LEN], const char *why)
{
    snprintf(err, SQS_ERR_LEN, "unparsable response: %s", why);
    log_warn("sqs.protocol", "%s: %s", action, err);
    return STATUS_UNAVAILABLE;
}

/* Copy `src` into dst[cap]; false (dst "") when it does not fit or is not a string. */
static bool copy_field(char *dst, size_t cap, const char *src)
{
    dst[0] = '\0';
    if (!src)
        return false;
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* Decimal string -> uint64_t, rejecting signs, junk and overflow. */
static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = (uint64_t)v;
    return true;
}

static bool entry_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > SQS_ENTRY_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (!ok)
            return false;
    }
    return true;
}

static int index_of(const char *const ids[], size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return (int)i;
    return -1;
}

/*
 * Fill `out` from a batch response's Successful and Failed arrays. `md5` (NULL for deletes)
 * holds the digest of each body sent: a Successful entry must echo it. An entry SQS does not
 * mention, or mentions with an unknown id, is a failure of the protocol, not a success.
 */
static enum status batch_results(const char *action, json_t *resp, const char *const ids[],
                                 size_t n, const char (*md5)[MD5_HEX_LEN],
                                 struct sqs_batch_result *out, char err[SQS_ERR_LEN])
{
    json_t *okd = json_object_get(resp, "Successful");
    json_t *failed = json_object_get(resp, "Failed");
    bool seen[SQS_BATCH_MAX] = {false};
    size_t k;
    json_t *it;

    if ((okd && !json_is_array(okd)) || (failed && !json_is_array(failed)))
        return bad_response(action, err, "Successful/Failed are not arrays");
    out->n = n;
    out->n_ok = 0;
    json_array_foreach(okd, k, it)
    {
        const char *id = json_string_value(json_object_get(it, "Id"));
        int i = index_of(ids, n, id);
        if (i < 0 || seen[i]) {
            log_warn("sqs.protocol", "%s: Successful entry with unknown or repeated id", action);
            continue;
        }
        seen[i] = true;
        struct sqs_entry_result *e = &out->entry[i];
        if (md5) {
            const char *got = json_string_value(json_object_get(it, "MD5OfMessageBody"));
            if (!got || strcasecmp(got, md5[i]) != 0) {
                copy_field(e->code, sizeof e->code, SQS_CODE_MD5_MISMATCH);
                log_warn("sqs.md5", "%s: entry %s: MD5OfMessageBody %s, expected %s", action,
                         ids[i], got ? got : "(none)", md5[i]);
                continue;
            }
            if (!copy_field(e->message_id, sizeof e->message_id,
                            json_string_value(json_object_get(it, "MessageId"))))
                log_warn("sqs.protocol", "%s: entry %s: no usable MessageId", action, ids[i]);
        }
        e->ok = true;
        out->n_ok++;
    }
    json_array_foreach(failed, k, it)
    {
        const char *id = json_string_value(json_object_get(it, "Id"));
        int i = index_of(ids, n, id);
        if (i < 0 || seen[i]) {
            log_warn("sqs.protocol", "%s: Failed entry with unknown or repeated id", action);
            continue;
        }
        seen[i] = true;
        struct sqs_entry_result *e = &out->entry[i];
        const char *code = json_string_value(json_object_get(it, "Code"));
        if (!copy_field(e->code, sizeof e->code, code))
            copy_field(e->code, sizeof e->code, "Unknown");
        e->sender_fault = json_is_true(json_object_get(it, "SenderFault"));
        const char *msg = json_string_value(json_object_get(it, "Message"));
        log_warn("sqs.entry", "%s: entry %s failed: %s%s: %.200s", action, ids[i], e->code,
                 e->sender_fault ? " (sender fault)" : "", msg ? msg : "");
    }
    for (size_t i = 0; i < n; i++) {
        if (!seen[i]) {
            copy_field(out->entry[i].code, sizeof out->entry[i].code, SQS_CODE_NO_RESULT);
            log_warn("sqs.protocol", "%s: entry %s missing from the response", action, ids[i]);
        }
    }
    return STATUS_OK;
}

enum status sqs_send_batch(struct sqs_client *c, const struct sqs_send_entry *entries, size_t n,
                           struct sqs_batch_result *out, char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "SendMessageBatch";
    enum status st;
    char md5[SQS_BATCH_MAX][MD5_HEX_LEN];
    const char *ids[SQS_BATCH_MAX];
    json_t *list = NULL, *req = NULL, *resp = NULL;

    memset(out, 0, sizeof *out);
    err[0] = '\0';
    if (!entries || n == 0 || n > SQS_BATCH_MAX)
        return bad_arg(ACTION, err, "a batch holds 1 to 10 entries");
    list = json_array();
    if (!list) {
        st = STATUS_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct sqs_send_entry *e = &entries[i];
        if (!entry_id_valid(e->id)) {
            st = bad_arg(ACTION, err, "entry ids are 1..80 of [A-Za-z0-9_-]");
            goto out;
        }
        if (index_of(ids, i, e->id) >= 0) {
            st = bad_arg(ACTION, err, "entry ids must be distinct");
            goto out;
        }
        if (!e->body || !*e->body) {
            st = bad_arg(ACTION, err, "message bodies must not be empty");
            goto out;
        }
        if ((e->group_id && (!*e->group_id || strlen(e->group_id) >= SQS_GROUP_ID_LEN)) ||
            (e->dedup_id && (!*e->dedup_id || strlen(e->dedup_id) >= SQS_GROUP_ID_LEN))) {
            st = bad_arg(ACTION, err, "group and deduplication ids are 1..128 characters");
            goto out;
        }
        ids[i] = e->id;
        md5_hex(e->body, strlen(e->body), md5[i]);
        /* json_pack fails on a body that is not UTF-8; s* leaves out NULL fields. */
        json_t *item =
            json_pack("{s:s, s:s, s:s*, s:s*}", "Id", e->id, "MessageBody", e->body,
                      "MessageGroupId", e->group_id, "MessageDeduplicationId", e->dedup_id);
        if (!item) {
            st = bad_arg(ACTION, err, "message bodies and ids must be valid UTF-8");
            goto out;
        }
        if (json_array_append_new(list, item) != 0) {
            st = STATUS_INTERNAL;
            goto out;
        }
    }
    req = json_pack("{s:O}", "Entries", list);
    if (!req) {
        st = STATUS_INTERNAL;
        goto out;
    }
    st = call(c, ACTION, req, &resp, err, 0);
    if (st == STATUS_OK)
        st = batch_results(ACTION, resp, ids, n, (const char(*)[MD5_HEX_LEN])md5, out, err);
out:
    if (st == STATUS_INTERNAL && !*err)
        snprintf(err, SQS_ERR_LEN, "out of memory");
    if (st != STATUS_OK)
        memset(out, 0, sizeof *out);
    json_decref(resp);
    json_decref(req);
    json_decref(list);
    return st;
}

/* 0 when `m` (one element of Messages) is usable and its body matches MD5OfBody; the body is
 * then a new allocation in msg->body. -1 when malformed, -2 on a digest mismatch. */
static int parse_message(json_t *m, struct sqs_message *msg)
{
    memset(msg, 0, sizeof *msg);
    json_t *jbody = json_object_get(m, "Body");
    const char *body = json_string_value(jbody);
    const char *want = json_string_value(json_object_get(m, "MD5OfBody"));
    const char *handle = json_string_value(json_object_get(m, "ReceiptHandle"));
    json_t *attrs = json_object_get(m, "Attributes");

    if (!body || !handle || !*handle ||
        !copy_field(msg->message_id, sizeof msg->message_id,
                    json_string_value(json_object_get(m, "MessageId"))) ||
        !copy_field(msg->receipt_handle, sizeof msg->receipt_handle, handle) ||
        (attrs && !json_is_object(attrs)))
        return -1;
    size_t len = json_string_length(jbody);
    char got[MD5_HEX_LEN];
    md5_hex(body, len, got);
    if (!want || strcasecmp(want, got) != 0)
        return -2;

    const char *group = json_string_value(json_object_get(attrs, "MessageGroupId"));
    if (group && !copy_field(msg->group_id, sizeof msg->group_id, group))
        return -1;
    uint64_t v = 0;
    const char *count = json_string_value(json_object_get(attrs, "ApproximateReceiveCount"));
    if (count) {
        if (!parse_u64(count, &v) || v > 0xffffffffu)
            return -1;
        msg->receive_count = (unsigned)v;
    }
    const char *sent = json_string_value(json_object_get(attrs, "SentTimestamp"));
    if (sent) {
        if (!parse_u64(sent, &v))
            return -1;
        msg->sent_at_ms = v;
    }
    msg->body = malloc(len + 1);
    if (!msg->body)
        return -1;
    memcpy(msg->body, body, len);
    msg->body[len] = '\0';
    msg->body_len = len;
    return 0;
}

enum status sqs_receive(struct sqs_client *c, const struct sqs_receive_opts *opts,
                        struct sqs_messages *out, char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "ReceiveMessage";
    enum status st;
    json_t *req = NULL, *resp = NULL;

    memset(out, 0, sizeof *out);
    err[0] = '\0';
    if (!opts || opts->max_messages < 1 || opts->max_messages > SQS_BATCH_MAX ||
        opts->wait_s > SQS_WAIT_MAX_S || opts->visibility_timeout_s < -1 ||
        opts->visibility_timeout_s > SQS_VISIBILITY_MAX_S)
        return bad_arg(ACTION, err, "1..10 messages, 0..20 s wait, -1..43200 s visibility");
    req = json_pack("{s:I, s:I, s:[s,s,s]}", "MaxNumberOfMessages", (json_int_t)opts->max_messages,
                    "WaitTimeSeconds", (json_int_t)opts->wait_s, "AttributeNames",
                    "ApproximateReceiveCount", "SentTimestamp", "MessageGroupId");
    if (!req || (opts->visibility_timeout_s >= 0 &&
                 json_object_set_new(req, "VisibilityTimeout",
                                     json_integer(opts->visibility_timeout_s)) != 0)) {
        snprintf(err, SQS_ERR_LEN, "out of memory");
        st = STATUS_INTERNAL;
        goto out;
    }
    /* The transfer may legitimately take the whole wait: extend the timeout by it. */
    st = call(c, ACTION, req, &resp, err, opts->wait_s);
    if (st != STATUS_OK)
        goto out;
    json_t *list = json_object_get(resp, "Messages");
    if (!list)
        goto out; /* an empty poll: {} (or an empty body) */
    if (!json_is_array(list)) {
        st = bad_response(ACTION, err, "Messages is not an array");
        goto out;
    }
    size_t k;
    json_t *it;
    json_array_foreach(list, k, it)
    {
        if (out->n == opts->max_messages) {
            out->n_rejected++;
            log_warn("sqs.protocol", "%s: more messages than asked for; extra one left", ACTION);
            continue;
        }
        struct sqs_message *msg = &out->msg[out->n];
        int rc = parse_message(it, msg);
        if (rc == 0) {
            /* local-aws-sqs keeps collecting for the whole wait and, when the visibility
             * timeout is shorter than the wait, returns the same message again with a newer
             * receipt handle (the only one still valid on a FIFO queue): keep the last copy. */
            size_t j = 0;
            while (j < out->n && strcmp(out->msg[j].message_id, msg->message_id) != 0)
                j++;
            if (j == out->n) {
                out->n++;
                continue;
            }
            log_warn("sqs.protocol",
                     "%s: message %s delivered twice in one answer; kept the "
                     "later receipt handle",
                     ACTION, msg->message_id);
            free(out->msg[j].body);
            out->msg[j] = *msg;
            memset(msg, 0, sizeof *msg);
            continue;
        }
        out->n_rejected++;
        if (rc == -2)
            log_warn("sqs.md5",
                     "%s: message %s: MD5OfBody does not match the body; left for "
                     "redelivery",
                     ACTION, msg->message_id);
        else
            log_warn("sqs.protocol", "%s: malformed message %s; left for redelivery", ACTION,
                     msg->message_id[0] ? msg->message_id : "(no id)");
        free(msg->body);
        memset(msg, 0, sizeof *msg);
    }
out:
    if (st != STATUS_OK)
        sqs_messages_free(out);
    json_decref(resp);
    json_decref(req);
    return st;
}

void sqs_messages_free(struct sqs_messages *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n && i < SQS_BATCH_MAX; i++)
        free(m->msg[i].body);
    memset(m, 0, sizeof *m);
}

enum status sqs_delete_batch(struct sqs_client *c, const char *const *receipt_handles, size_t n,
                             struct sqs_batch_result *out, char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "DeleteMessageBatch";
    static const char *const IDS[SQS_BATCH_MAX] = {"m0", "m1", "m2", "m3", "m4",
                                                   "m5", "m6", "m7", "m8", "m9"};
    enum status st;
    json_t *list = NULL, *req = NULL, *resp = NULL;

    memset(out, 0, sizeof *out);
    err[0] = '\0';
    if (!receipt_handles || n == 0 || n > SQS_BATCH_MAX)
        return bad_arg(ACTION, err, "a batch holds 1 to 10 receipt handles");
    list = json_array();
    if (!list) {
        st = STATUS_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *rh = receipt_handles[i];
        if (!rh || !*rh || strlen(rh) >= SQS_RECEIPT_LEN) {
            st = bad_arg(ACTION, err, "receipt handles are 1..1024 characters");
            goto out;
        }
        json_t *item = json_pack("{s:s, s:s}", "Id", IDS[i], "ReceiptHandle", rh);
        if (!item || json_array_append_new(list, item) != 0) {
            st = item ? STATUS_INTERNAL : bad_arg(ACTION, err, "receipt handles must be UTF-8");
            goto out;
        }
    }
    req = json_pack("{s:O}", "Entries", list);
    if (!req) {
        st = STATUS_INTERNAL;
        goto out;
    }
    st = call(c, ACTION, req, &resp, err, 0);
    if (st == STATUS_OK)
        st = batch_results(ACTION, resp, IDS, n, NULL, out, err);
out:
    if (st == STATUS_INTERNAL && !*err)
        snprintf(err, SQS_ERR_LEN, "out of memory");
    if (st != STATUS_OK)
        memset(out, 0, sizeof *out);
    json_decref(resp);
    json_decref(req);
    json_decref(list);
    return st;
}

enum status sqs_change_visibility(struct sqs_client *c, const char *receipt_handle,
                                  unsigned timeout_s, char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "ChangeMessageVisibility";
    err[0] = '\0';
    if (!receipt_handle || !*receipt_handle || strlen(receipt_handle) >= SQS_RECEIPT_LEN ||
        timeout_s > SQS_VISIBILITY_MAX_S)
        return bad_arg(ACTION, err, "a receipt handle and 0..43200 s");
    json_t *req = json_pack("{s:s, s:I}", "ReceiptHandle", receipt_handle, "VisibilityTimeout",
                            (json_int_t)timeout_s);
    if (!req)
        return bad_arg(ACTION, err, "receipt handles must be UTF-8");
    enum status st = call(c, ACTION, req, NULL, err, 0);
    json_decref(req);
    return st;
}

enum status sqs_get_queue_url(struct sqs_client *c, const char *queue_name,
                              char out_url[SQS_URL_LEN], char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "GetQueueUrl";
    json_t *resp = NULL;
    enum status st;

    out_url[0] = '\0';
    err[0] = '\0';
    /* Queue names: 1..80 of [A-Za-z0-9_-], plus a ".fifo" suffix on FIFO queues. */
    size_t len = queue_name ? strlen(queue_name) : 0;
    if (len == 0 || len > 80)
        return bad_arg(ACTION, err, "queue names are 1..80 characters");
    json_t *req = json_pack("{s:s}", "QueueName", queue_name);
    if (!req)
        return bad_arg(ACTION, err, "queue names must be UTF-8");
    st = call(c, ACTION, req, &resp, err, 0);
    if (st == STATUS_OK &&
        !copy_field(out_url, SQS_URL_LEN, json_string_value(json_object_get(resp, "QueueUrl"))))
        st = bad_response(ACTION, err, "no usable QueueUrl");
    json_decref(resp);
    json_decref(req);
    return st;
}

enum status sqs_get_attributes(struct sqs_client *c, const char *const *names, size_t n,
                               json_t **out_attrs, char err[SQS_ERR_LEN])
{
    static const char ACTION[] = "GetQueueAttributes";
    enum status st;
    json_t *list = json_array(), *req = NULL, *resp = NULL;

    *out_attrs = NULL;
    err[0] = '\0';
    if (!list) {
        st = STATUS_INTERNAL;
        goto out;
    }
    if (n > 0 && !names) {
        st = bad_arg(ACTION, err, "names missing");
        goto out;
    }
    size_t count = n ? n : 1;
    for (size_t i = 0; i < count; i++) {
        const char *name = n ? names[i] : "All";
        if (!name || !*name) {
            st = bad_arg(ACTION, err, "attribute names must not be empty");
            goto out;
        }
        json_t *s = json_string(name);
        if (!s) {
            st = bad_arg(ACTION, err, "attribute names must be UTF-8");
            goto out;
        }
        if (json_array_append_new(list, s) != 0) {
            st = STATUS_INTERNAL;
            goto out;
        }
    }
    req = json_pack("{s:O}", "AttributeNames", list);
    if (!req) {
        st = STATUS_INTERNAL;
        goto out;
    }
    st = call(c, ACTION, req, &resp, err, 0);
    if (st != STATUS_OK)
        goto out;
    json_t *attrs = json_object_get(resp, "Attributes");
    if (!attrs) {
        *out_attrs = json_object();
        st = *out_attrs ? STATUS_OK : STATUS_INTERNAL;
    } else if (!json_is_object(attrs)) {
        st = bad_response(ACTION, err, "Attributes is not an object");
    } else {
        *out_attrs = json_incref(attrs);
    }
out:
    if (st == STATUS_INTERNAL && !*err)
        snprintf(err, SQS_ERR_LEN, "out of memory");
    json_decref(resp);
    json_decref(req);
    json_decref(list);
    return st;
}

/*
 * test_sqs.c - the SQS client: SigV4 signing against published AWS test-suite answers, and the
 * JSON protocol against a scripted HTTP listener on 127.0.0.1 that records every request and
 * answers with canned responses (no emulator needed). Also MD5 (RFC 1321) known answers.
 */
#include "eeum/config.h"
#include "eeum/log.h"
#include "eeum/sqs.h"
#include "eeum/status.h"

#include "../../src/queue/md5.h"
#include "../../src/queue/sqs_sign.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* ---- a scripted HTTP/1.1 listener ---- */

#define SRV_MAX_REQS 32
#define SRV_HEAD_MAX 16384
#define SRV_BODY_MAX 65536

struct canned {
    int status;        /* 0 = 200 */
    const char *body;  /* NULL = empty body */
    unsigned delay_ms; /* wait before answering */
};

struct captured {
    char method[16];
    char path[256];
    char head[SRV_HEAD_MAX]; /* header lines after the request line */
    char *body;              /* NUL-terminated */
    size_t body_len;
};

struct srv {
    int lfd;
    unsigned short port;
    pthread_t th;
    pthread_mutex_t mu;
    bool stop;
    struct canned script[SRV_MAX_REQS];
    size_t n_script;
    size_t next;
    struct captured req[SRV_MAX_REQS];
    size_t n_req;
    unsigned accepts;
};

static bool recv_more(int fd, char *buf, size_t cap, size_t *len)
{
    if (*len >= cap)
        return false;
    ssize_t r = recv(fd, buf + *len, cap - *len, 0);
    if (r <= 0)
        return false;
    *len += (size_t)r;
    return true;
}

/* Value of header `name` in a block of "Name: value\r\n" lines, copied to out. */
static bool hdr_get(const char *head, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
        if (linelen > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = linelen - (size_t)(v - p);
            if (vl >= cap)
                return false;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p = eol ? eol + 2 : NULL;
    }
    return false;
}

/* Serve one request on fd: record it, answer from the script. -1 when the peer is gone. */
static int srv_serve_one(struct srv *s, int fd)
{
    static char buf[SRV_HEAD_MAX + SRV_BODY_MAX];
    size_t len = 0;
    char *end = NULL;
    while (!(end = memmem(buf, len, "\r\n\r\n", 4)))
        if (!recv_more(fd, buf, sizeof buf - 1, &len))
            return -1;
    size_t head_len = (size_t)(end - buf) + 2; /* keep the last header's CRLF */
    buf[len] = '\0';
    char tmp[SRV_HEAD_MAX];
    snprintf(tmp, sizeof tmp, "%.*s", (int)head_len, buf);
    char cl[32] = "0";
    const char *first_eol = strstr(tmp, "\r\n");
    hdr_get(first_eol + 2, "Content-Length", cl, sizeof cl);
    size_t body_len = strtoul(cl, NULL, 10);
    size_t need = head_len + 2 + body_len;
    while (len < need)
        if (!recv_more(fd, buf, sizeof buf - 1, &len))
            return -1;

    pthread_mutex_lock(&s->mu);
    struct canned ans = {500, "{\"__type\":\"test#UnscriptedRequest\"}", 0};
    if (s->next < s->n_script)
        ans = s->script[s->next++];
    if (s->n_req < SRV_MAX_REQS) {
        struct captured *c = &s->req[s->n_req++];
        sscanf(tmp, "%15s %255s", c->method, c->path);
        snprintf(c->head, sizeof c->head, "%s", first_eol + 2);
        c->body = malloc(body_len + 1);
        memcpy(c->body, buf + head_len + 2, body_len);
        c->body[body_len] = '\0';
        c->body_len = body_len;
    }
    pthread_mutex_unlock(&s->mu);

    if (ans.delay_ms) {
        struct timespec ts = {ans.delay_ms / 1000, (long)(ans.delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    const char *rb = ans.body ? ans.body : "";
    char resp[SRV_BODY_MAX];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 %d X\r\nContent-Type: application/x-amz-json-1.0\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     ans.status ? ans.status : 200, strlen(rb), rb);
    if (n < 0 || (size_t)n >= sizeof resp)
        return -1;
    return send(fd, resp, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

static void *srv_main(void *arg)
{
    struct srv *s = arg;
    int cfd = -1;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        struct pollfd p[2] = {{s->lfd, POLLIN, 0}, {cfd, POLLIN, 0}};
        if (poll(p, cfd >= 0 ? 2 : 1, 20) <= 0)
            continue;
        if (p[0].revents & POLLIN) {
            int nf = accept(s->lfd, NULL, NULL);
            if (nf >= 0) {
                if (cfd >= 0)
                    close(cfd);
                cfd = nf;
                pthread_mutex_lock(&s->mu);
                s->accepts++;
                pthread_mutex_unlock(&s->mu);
            }
            continue;
        }
        if (cfd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
            srv_serve_one(s, cfd) != 0) {
            close(cfd);
            cfd = -1;
        }
    }
    if (cfd >= 0)
        close(cfd);
    return NULL;
}

static void srv_start(struct srv *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->lfd, 8), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void srv_stop(struct srv *s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->th, NULL);
    close(s->lfd);
    for (size_t i = 0; i < s->n_req; i++)
        free(s->req[i].body);
    pthread_mutex_destroy(&s->mu);
}

static void srv_script(struct srv *s, int status, const char *body)
{
    pthread_mutex_lock(&s->mu);
    assert_true(s->n_script < SRV_MAX_REQS);
    s->script[s->n_script++] = (struct canned){status, body, 0};
    pthread_mutex_unlock(&s->mu);
}

static void srv_script_delayed(struct srv *s, int status, const char *body, unsigned delay_ms)
{
    pthread_mutex_lock(&s->mu);
    s->script[s->n_script++] = (struct canned){status, body, delay_ms};
    pthread_mutex_unlock(&s->mu);
}

static size_t srv_requests(struct srv *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_req;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* The i-th recorded request (the server thread no longer touches it once answered). */
static const struct captured *srv_req(struct srv *s, size_t i)
{
    assert_true(i < srv_requests(s));
    return &s->req[i];
}

static json_t *req_json(const struct captured *c)
{
    json_error_t e;
    json_t *j = json_loadb(c->body, c->body_len, 0, &e);
    assert_non_null(j);
    return j;
}

static void assert_header(const struct captured *c, const char *name, const char *want)
{
    char got[4096];
    assert_true(hdr_get(c->head, name, got, sizeof got));
    assert_string_equal(got, want);
}

/* ---- SigV4 known answers (AWS sig-v4 test suite, region us-east-1, service "service") ---- */

#define KAT_KEY    "AKIDEXAMPLE"
#define KAT_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
/* The token of the get-vanilla-with-session-token case (aws-c-auth's copy of the suite). */
#define KAT_TOKEN "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* Send GET / signed by sqs_sign_setup to the listener, as the test suite describes it:
 * host example.amazonaws.com, X-Amz-Date 20150830T123600Z supplied by the caller. */
static void send_kat_request(struct srv *s, const char *token)
{
    CURL *h = curl_easy_init();
    assert_non_null(h);
    struct curl_slist *hdrs = NULL;
    assert_int_equal(sqs_sign_setup(h, "us-east-1", "service", KAT_KEY, KAT_SECRET, token, &hdrs),
                     0);
    hdrs = curl_slist_append(hdrs, "Host: example.amazonaws.com");
    hdrs = curl_slist_append(hdrs, "X-Amz-Date: 20150830T123600Z");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", s->port);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    srv_script(s, 200, "{}");
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
}

static void sigv4_get_vanilla_matches_the_published_signature(void **state)
{
    (void)state;
    struct srv s;
    srv_start(&s);
    send_kat_request(&s, NULL);
    const struct captured *c = srv_req(&s, 0);
    assert_string_equal(c->method, "GET");
    assert_string_equal(c->path, "/");
    assert_header(c, "Host", "example.amazonaws.com");
    assert_header(c, "Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                  "aws4_request, SignedHeaders=host;x-amz-date, "
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    char tok[16];
    assert_false(hdr_get(c->head, "X-Amz-Security-Token", tok, sizeof tok));
    srv_stop(&s);
}

static void sigv4_session_token_is_sent_and_signed_as_published(void **state)
{
    (void)state;
    struct srv s;
    srv_start(&s);
    send_kat_request(&s, KAT_TOKEN);
    const struct captured *c = srv_req(&s, 0);
    assert_string_equal(c->method, "GET");
    assert_header(c, "X-Amz-Security-Token", KAT_TOKEN);
    assert_header(c, "Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                  "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
                  "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
    srv_stop(&s);
}

static void sign_setup_refuses_an_empty_region(void **state)
{
    (void)state;
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    assert_int_equal(sqs_sign_setup(h, "", "sqs", "k", "s", NULL, &hdrs), -1);
    assert_null(hdrs);
    curl_easy_cleanup(h);
}

/* ---- the client against the scripted listener ---- */

struct fixture {
    struct srv srv;
    struct config cfg;
    char region[16];
    char key[32];
    char secret[64];
    char token[32];
    char endpoint[64];
    char queue_url[128];
    struct sqs_client *c;
    char err[SQS_ERR_LEN];
};

static int fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    srv_start(&f->srv);
    snprintf(f->region, sizeof f->region, "ap-northeast-2");
    snprintf(f->key, sizeof f->key, "AKIDTEST");
    snprintf(f->secret, sizeof f->secret, "secret-test-key");
    snprintf(f->endpoint, sizeof f->endpoint, "http://127.0.0.1:%u", f->srv.port);
    snprintf(f->queue_url, sizeof f->queue_url, "http://127.0.0.1:%u/123456789012/q.fifo",
             f->srv.port);
    f->cfg.aws_region = f->region;
    f->cfg.aws_access_key_id = f->key;
    f->cfg.aws_secret_access_key = f->secret;
    f->cfg.aws_session_token = f->token; /* "" unless a test sets it */
    f->cfg.sqs_endpoint = f->endpoint;
    f->cfg.sqs_queue_url = f->queue_url;
    f->cfg.sqs_timeout_s = 1;
    f->c = sqs_client_new(&f->cfg);
    assert_non_null(f->c);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    sqs_client_free(f->c);
    srv_stop(&f->srv);
    free(f);
    return 0;
}

static void calls_are_signed_json_posts_carrying_the_queue_url(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, NULL);
    json_t *req = json_pack("{s:s}", "ReceiptHandle", "rh-1");
    json_t *resp = NULL;
    assert_int_equal(sqs_call(f->c, "DeleteMessage", req, &resp, f->err), STATUS_OK);
    json_decref(req);

    /* The emulator's empty 200 body reads as {}. */
    assert_true(json_is_object(resp));
    assert_int_equal(json_object_size(resp), 0);
    json_decref(resp);

    const struct captured *c = srv_req(&f->srv, 0);
    assert_string_equal(c->method, "POST");
    assert_string_equal(c->path, "/");
    assert_header(c, "Content-Type", "application/x-amz-json-1.0");
    assert_header(c, "X-Amz-Target", "AmazonSQS.DeleteMessage");
    json_t *body = req_json(c);
    assert_string_equal(json_string_value(json_object_get(body, "QueueUrl")), f->queue_url);
    assert_string_equal(json_string_value(json_object_get(body, "ReceiptHandle")), "rh-1");
    json_decref(body);

    /* Signed by our set-up for service "sqs" in the configured region, today. */
    char date[32], auth[512], want[256];
    assert_true(hdr_get(c->head, "X-Amz-Date", date, sizeof date));
    assert_int_equal(strlen(date), 16);
    assert_true(hdr_get(c->head, "Authorization", auth, sizeof auth));
    snprintf(want, sizeof want,
             "AWS4-HMAC-SHA256 Credential=AKIDTEST/%.8s/ap-northeast-2/sqs/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
             date);
    assert_int_equal(strncmp(auth, want, strlen(want)), 0);
    assert_int_equal(strlen(auth), strlen(want) + 64);
    char tok[16];
    assert_false(hdr_get(c->head, "X-Amz-Security-Token", tok, sizeof tok));
}

static void a_configured_session_token_is_sent_and_signed(void **state)
{
    struct fixture *f = *state;
    snprintf(f->token, sizeof f->token, "session-token-1");
    srv_script(&f->srv, 200, "{}");
    assert_int_equal(sqs_call(f->c, "DeleteMessage", NULL, NULL, f->err), STATUS_OK);
    const struct captured *c = srv_req(&f->srv, 0);
    assert_header(c, "X-Amz-Security-Token", "session-token-1");
    char auth[512];
    assert_true(hdr_get(c->head, "Authorization", auth, sizeof auth));
    assert_non_null(strstr(auth, "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                                 "x-amz-target, "));
}

static void the_handle_keeps_one_connection_across_calls(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 4; i++)
        srv_script(&f->srv, 200, "{}");
    for (int i = 0; i < 4; i++)
        assert_int_equal(sqs_call(f->c, "DeleteMessage", NULL, NULL, f->err), STATUS_OK);
    assert_int_equal(srv_requests(&f->srv), 4);
    pthread_mutex_lock(&f->srv.mu);
    unsigned accepts = f->srv.accepts;
    pthread_mutex_unlock(&f->srv.mu);
    assert_int_equal(accepts, 1);
}

static void queue_does_not_exist_is_bad_request_named_after_the_hash(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 400,
               "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\","
               "\"message\":\"The specified queue does not exist.\"}");
    json_t *resp = (json_t *)1;
    assert_int_equal(sqs_call(f->c, "GetQueueAttributes", NULL, &resp, f->err), STATUS_BAD_REQUEST);
    assert_string_equal(f->err, "QueueDoesNotExist");
    assert_null(resp);
}

static void throttling_is_unavailable(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 400, "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\"}");
    assert_int_equal(sqs_call(f->c, "SendMessageBatch", NULL, NULL, f->err), STATUS_UNAVAILABLE);
    assert_string_equal(f->err, "ThrottlingException");
}

static void server_errors_are_unavailable(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 500, NULL);
    srv_script(&f->srv, 503, "<html>Service Unavailable</html>");
    assert_int_equal(sqs_call(f->c, "ReceiveMessage", NULL, NULL, f->err), STATUS_UNAVAILABLE);
    assert_string_equal(f->err, "HTTP 500");
    assert_int_equal(sqs_call(f->c, "ReceiveMessage", NULL, NULL, f->err), STATUS_UNAVAILABLE);
    assert_string_equal(f->err, "HTTP 503");
}

static void a_200_that_is_not_a_json_object_is_an_error(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, "<ReceiveMessageResponse/>");
    srv_script(&f->srv, 200, "[]");
    json_t *resp = (json_t *)1;
    assert_int_equal(sqs_call(f->c, "ReceiveMessage", NULL, &resp, f->err), STATUS_UNAVAILABLE);
    assert_null(resp);
    assert_string_equal(f->err, "unparsable response");
    assert_int_equal(sqs_call(f->c, "ReceiveMessage", NULL, &resp, f->err), STATUS_UNAVAILABLE);
    assert_null(resp);
}

static void an_unreachable_endpoint_is_unavailable(void **state)
{
    struct fixture *f = *state;
    /* A port that was just free: nothing listens there. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    close(fd);
    snprintf(f->endpoint, sizeof f->endpoint, "http://127.0.0.1:%u", ntohs(a.sin_port));
    struct sqs_client *c = sqs_client_new(&f->cfg);
    assert_int_equal(sqs_call(c, "DeleteMessage", NULL, NULL, f->err), STATUS_UNAVAILABLE);
    assert_true(strlen(f->err) > 0);
    sqs_client_free(c);
}

static void ping_needs_the_queue_arn(void **state)
{
    struct fixture *f = *state;
    srv_script(
        &f->srv, 200,
        "{\"Attributes\":{\"QueueArn\":\"arn:aws:sqs:ap-northeast-2:123456789012:q.fifo\"}}");
    srv_script(&f->srv, 200, "{}");
    assert_int_equal(sqs_ping(f->c, f->err), STATUS_OK);
    assert_int_equal(sqs_ping(f->c, f->err), STATUS_UNAVAILABLE);
    json_t *body = req_json(srv_req(&f->srv, 0));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(body, "AttributeNames"), 0)), "QueueArn");
    json_decref(body);
}

/* ---- SendMessageBatch ---- */

#define BODY_A "{\"diaryId\": 1, \"userId\": 7, \"version\": 2}"
#define MD5_A  "21f5840a2e6b3d96e21531980608caf9"
#define MD5_X  "9dd4e461268c8034f5c8564e155c67a6" /* of "x" */

static void send_batch_reports_each_entry(void **state)
{
    struct fixture *f = *state;
    srv_script(
        &f->srv, 200,
        "{\"Successful\":[{\"Id\":\"c\",\"MessageId\":\"mid-c\",\"MD5OfMessageBody\":\"" MD5_A
        "\"},{\"Id\":\"a\",\"MessageId\":\"mid-a\",\"MD5OfMessageBody\":\"" MD5_A
        "\",\"SequenceNumber\":\"1\"}],"
        "\"Failed\":[{\"Id\":\"b\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\","
        "\"Message\":\"bad\"}]}");
    struct sqs_send_entry e[3] = {
        {"a", BODY_A, "user-7", "diary-1-v2"},
        {"b", "hello", "user-8", "diary-2-v1"},
        {"c", "x", NULL, NULL}, /* SQS echoes the digest of BODY_A: not what we sent */
    };
    struct sqs_batch_result r;
    assert_int_equal(sqs_send_batch(f->c, e, 3, &r, f->err), STATUS_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.n_ok, 1);
    assert_true(r.entry[0].ok);
    assert_string_equal(r.entry[0].message_id, "mid-a");
    assert_false(r.entry[1].ok);
    assert_true(r.entry[1].sender_fault);
    assert_string_equal(r.entry[1].code, "InvalidParameterValue");
    assert_false(r.entry[2].ok);
    assert_false(r.entry[2].sender_fault);
    assert_string_equal(r.entry[2].code, SQS_CODE_MD5_MISMATCH);

    const struct captured *c = srv_req(&f->srv, 0);
    assert_header(c, "X-Amz-Target", "AmazonSQS.SendMessageBatch");
    json_t *body = req_json(c);
    assert_string_equal(json_string_value(json_object_get(body, "QueueUrl")), f->queue_url);
    json_t *entries = json_object_get(body, "Entries");
    assert_int_equal(json_array_size(entries), 3);
    json_t *e0 = json_array_get(entries, 0);
    assert_string_equal(json_string_value(json_object_get(e0, "Id")), "a");
    assert_string_equal(json_string_value(json_object_get(e0, "MessageBody")), BODY_A);
    assert_string_equal(json_string_value(json_object_get(e0, "MessageGroupId")), "user-7");
    assert_string_equal(json_string_value(json_object_get(e0, "MessageDeduplicationId")),
                        "diary-1-v2");
    json_t *e2 = json_array_get(entries, 2);
    assert_null(json_object_get(e2, "MessageGroupId"));
    assert_null(json_object_get(e2, "MessageDeduplicationId"));
    json_decref(body);
}

static void send_batch_entry_left_out_of_the_answer_is_not_sent(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200,
               "{\"Successful\":[{\"Id\":\"a\",\"MessageId\":\"m\",\"MD5OfMessageBody\":\"" MD5_X
               "\"},{\"Id\":\"zzz\",\"MessageId\":\"m2\",\"MD5OfMessageBody\":\"" MD5_X "\"}]}");
    struct sqs_send_entry e[2] = {{"a", "x", NULL, NULL}, {"b", "x", NULL, NULL}};
    struct sqs_batch_result r;
    assert_int_equal(sqs_send_batch(f->c, e, 2, &r, f->err), STATUS_OK);
    assert_int_equal(r.n_ok, 1);
    assert_true(r.entry[0].ok);
    assert_false(r.entry[1].ok);
    assert_string_equal(r.entry[1].code, SQS_CODE_NO_RESULT);
}

static void send_batch_failure_of_the_call_fills_no_entries(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 400, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}");
    struct sqs_send_entry e[1] = {{"a", "x", NULL, NULL}};
    struct sqs_batch_result r;
    assert_int_equal(sqs_send_batch(f->c, e, 1, &r, f->err), STATUS_BAD_REQUEST);
    assert_string_equal(f->err, "QueueDoesNotExist");
    assert_int_equal(r.n, 0);
    assert_int_equal(r.n_ok, 0);
}

static void send_batch_rejects_bad_batches_without_sending(void **state)
{
    struct fixture *f = *state;
    struct sqs_send_entry e[SQS_BATCH_MAX + 1];
    for (size_t i = 0; i <= SQS_BATCH_MAX; i++)
        e[i] = (struct sqs_send_entry){"id", "x", NULL, NULL};
    struct sqs_batch_result r;
    assert_int_equal(sqs_send_batch(f->c, e, 0, &r, f->err), STATUS_BAD_REQUEST);
    assert_int_equal(sqs_send_batch(f->c, e, SQS_BATCH_MAX + 1, &r, f->err), STATUS_BAD_REQUEST);
    /* duplicate ids */
    assert_int_equal(sqs_send_batch(f->c, e, 2, &r, f->err), STATUS_BAD_REQUEST);
    struct sqs_send_entry bad_id[1] = {{"a.b", "x", NULL, NULL}};
    assert_int_equal(sqs_send_batch(f->c, bad_id, 1, &r, f->err), STATUS_BAD_REQUEST);
    struct sqs_send_entry empty[1] = {{"a", "", NULL, NULL}};
    assert_int_equal(sqs_send_batch(f->c, empty, 1, &r, f->err), STATUS_BAD_REQUEST);
    struct sqs_send_entry not_utf8[1] = {{"a", "\xff\xfe", NULL, NULL}};
    assert_int_equal(sqs_send_batch(f->c, not_utf8, 1, &r, f->err), STATUS_BAD_REQUEST);
    assert_int_equal(srv_requests(&f->srv), 0);
}

/* ---- ReceiveMessage ---- */

/* Body of message 1 as SQS sends it (JSON-escaped, one \u escape) and as it decodes. */
#define BODY_K_JSON "\\uc624늘은 치킨을 먹었다 \\\"야식\\\"\\n"
#define BODY_K      "오늘은 치킨을 먹었다 \"야식\"\n"
#define MD5_K       "7017d606fc80b0043332f70b818a1734"

static void receive_returns_messages_whose_digest_matches(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200,
               "{\"Messages\":["
               "{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh1\",\"MD5OfBody\":\"" MD5_K
               "\",\"Body\":\"" BODY_K_JSON "\",\"Attributes\":{\"ApproximateReceiveCount\":\"3\","
               "\"SentTimestamp\":\"1700000000123\",\"MessageGroupId\":\"user-7\"}},"
               "{\"MessageId\":\"m2\",\"ReceiptHandle\":\"rh2\",\"MD5OfBody\":\"" MD5_X
               "\",\"Body\":\"tampered\",\"Attributes\":{\"ApproximateReceiveCount\":\"1\"}},"
               "{\"MessageId\":\"m3\",\"ReceiptHandle\":\"rh3\",\"MD5OfBody\":\"" MD5_A
               "\",\"Body\":\"{\\\"diaryId\\\": 1, \\\"userId\\\": 7, \\\"version\\\": 2}\","
               "\"Attributes\":{\"ApproximateReceiveCount\":\"1\"}}]}");
    struct sqs_receive_opts o = {.max_messages = 10, .wait_s = 0, .visibility_timeout_s = 30};
    struct sqs_messages m;
    assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.n_rejected, 1);
    assert_string_equal(m.msg[0].message_id, "m1");
    assert_string_equal(m.msg[0].receipt_handle, "rh1");
    assert_string_equal(m.msg[0].body, BODY_K);
    assert_int_equal(m.msg[0].body_len, strlen(BODY_K));
    assert_int_equal(m.msg[0].receive_count, 3);
    assert_int_equal(m.msg[0].sent_at_ms, 1700000000123ULL);
    assert_string_equal(m.msg[0].group_id, "user-7");
    assert_string_equal(m.msg[1].message_id, "m3");
    assert_string_equal(m.msg[1].body, BODY_A);
    assert_int_equal(m.msg[1].receive_count, 1);
    assert_string_equal(m.msg[1].group_id, "");
    sqs_messages_free(&m);
    assert_int_equal(m.n, 0);

    const struct captured *c = srv_req(&f->srv, 0);
    assert_header(c, "X-Amz-Target", "AmazonSQS.ReceiveMessage");
    json_t *body = req_json(c);
    assert_string_equal(json_string_value(json_object_get(body, "QueueUrl")), f->queue_url);
    assert_int_equal(json_integer_value(json_object_get(body, "MaxNumberOfMessages")), 10);
    assert_int_equal(json_integer_value(json_object_get(body, "WaitTimeSeconds")), 0);
    assert_int_equal(json_integer_value(json_object_get(body, "VisibilityTimeout")), 30);
    json_t *names = json_object_get(body, "AttributeNames");
    assert_int_equal(json_array_size(names), 3);
    assert_string_equal(json_string_value(json_array_get(names, 0)), "ApproximateReceiveCount");
    assert_string_equal(json_string_value(json_array_get(names, 1)), "SentTimestamp");
    assert_string_equal(json_string_value(json_array_get(names, 2)), "MessageGroupId");
    json_decref(body);
}

static void an_empty_receive_is_no_messages(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, NULL); /* the emulator */
    srv_script(&f->srv, 200, "{}"); /* AWS */
    struct sqs_receive_opts o = {.max_messages = 1, .wait_s = 0, .visibility_timeout_s = -1};
    struct sqs_messages m;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_OK);
        assert_int_equal(m.n, 0);
        assert_int_equal(m.n_rejected, 0);
    }
    json_t *body = req_json(srv_req(&f->srv, 0));
    assert_null(json_object_get(body, "VisibilityTimeout"));
    json_decref(body);
}

static void malformed_messages_are_dropped(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200,
               "{\"Messages\":[{\"MessageId\":\"m1\",\"MD5OfBody\":\"" MD5_X "\",\"Body\":\"x\"},"
               "{\"MessageId\":\"m2\",\"ReceiptHandle\":\"r\",\"Body\":\"x\"},"
               "{\"MessageId\":\"m3\",\"ReceiptHandle\":\"r\",\"MD5OfBody\":\"" MD5_X
               "\",\"Body\":\"x\",\"Attributes\":{\"ApproximateReceiveCount\":\"-1\"}}]}");
    srv_script(&f->srv, 200, "{\"Messages\":{}}");
    struct sqs_receive_opts o = {.max_messages = 10, .wait_s = 0, .visibility_timeout_s = -1};
    struct sqs_messages m;
    assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_OK);
    assert_int_equal(m.n, 0);
    assert_int_equal(m.n_rejected, 3);
    assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_UNAVAILABLE);
    assert_int_equal(m.n, 0);
}

static void a_message_repeated_in_one_answer_is_kept_once_with_the_later_handle(void **state)
{
    struct fixture *f = *state;
    /* What local-aws-sqs answers when the visibility timeout is shorter than the wait. */
    srv_script(&f->srv, 200,
               "{\"Messages\":["
               "{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh-old\",\"MD5OfBody\":\"" MD5_X
               "\",\"Body\":\"x\",\"Attributes\":{\"ApproximateReceiveCount\":\"1\"}},"
               "{\"MessageId\":\"m2\",\"ReceiptHandle\":\"rh-2\",\"MD5OfBody\":\"" MD5_X
               "\",\"Body\":\"x\",\"Attributes\":{\"ApproximateReceiveCount\":\"1\"}},"
               "{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh-new\",\"MD5OfBody\":\"" MD5_X
               "\",\"Body\":\"x\",\"Attributes\":{\"ApproximateReceiveCount\":\"2\"}}]}");
    struct sqs_receive_opts o = {.max_messages = 10, .wait_s = 0, .visibility_timeout_s = -1};
    struct sqs_messages m;
    assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.n_rejected, 0);
    assert_string_equal(m.msg[0].message_id, "m1");
    assert_string_equal(m.msg[0].receipt_handle, "rh-new");
    assert_int_equal(m.msg[0].receive_count, 2);
    assert_string_equal(m.msg[1].message_id, "m2");
    sqs_messages_free(&m);
}

static void receive_rejects_options_out_of_range(void **state)
{
    struct fixture *f = *state;
    struct sqs_messages m;
    struct sqs_receive_opts bad[] = {
        {0, 0, -1}, {11, 0, -1}, {1, 21, -1}, {1, 0, -2}, {1, 0, SQS_VISIBILITY_MAX_S + 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sqs_receive(f->c, &bad[i], &m, f->err), STATUS_BAD_REQUEST);
    assert_int_equal(srv_requests(&f->srv), 0);
}

static void a_long_poll_gets_its_wait_added_to_the_timeout(void **state)
{
    struct fixture *f = *state;
    /* SQS_TIMEOUT is 1 s here: a 1.5 s answer fails a plain call but not a 2 s long poll. */
    srv_script_delayed(&f->srv, 200, "{}", 1500);
    srv_script_delayed(&f->srv, 200, "{}", 1500);
    assert_int_equal(sqs_call(f->c, "ReceiveMessage", NULL, NULL, f->err), STATUS_UNAVAILABLE);
    struct sqs_receive_opts o = {.max_messages = 1, .wait_s = 2, .visibility_timeout_s = -1};
    struct sqs_messages m;
    assert_int_equal(sqs_receive(f->c, &o, &m, f->err), STATUS_OK);
    assert_int_equal(m.n, 0);
}

/* ---- the other operations ---- */

static void delete_batch_reports_each_handle(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200,
               "{\"Successful\":[{\"Id\":\"m0\"}],\"Failed\":[{\"Id\":\"m1\",\"SenderFault\":true,"
               "\"Code\":\"ReceiptHandleIsInvalid\",\"Message\":\"nope\"}]}");
    srv_script(&f->srv, 200, NULL);
    const char *handles[2] = {"rh-a", "rh-b"};
    struct sqs_batch_result r;
    assert_int_equal(sqs_delete_batch(f->c, handles, 2, &r, f->err), STATUS_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.n_ok, 1);
    assert_true(r.entry[0].ok);
    assert_false(r.entry[1].ok);
    assert_true(r.entry[1].sender_fault);
    assert_string_equal(r.entry[1].code, "ReceiptHandleIsInvalid");

    const struct captured *c = srv_req(&f->srv, 0);
    assert_header(c, "X-Amz-Target", "AmazonSQS.DeleteMessageBatch");
    json_t *body = req_json(c);
    json_t *e1 = json_array_get(json_object_get(body, "Entries"), 1);
    assert_string_equal(json_string_value(json_object_get(e1, "Id")), "m1");
    assert_string_equal(json_string_value(json_object_get(e1, "ReceiptHandle")), "rh-b");
    json_decref(body);

    /* An empty body names no entry: nothing may count as deleted. */
    assert_int_equal(sqs_delete_batch(f->c, handles, 1, &r, f->err), STATUS_OK);
    assert_int_equal(r.n_ok, 0);
    assert_string_equal(r.entry[0].code, SQS_CODE_NO_RESULT);
}

static void change_visibility_accepts_an_empty_answer(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, NULL);
    assert_int_equal(sqs_change_visibility(f->c, "rh-1", 0, f->err), STATUS_OK);
    const struct captured *c = srv_req(&f->srv, 0);
    assert_header(c, "X-Amz-Target", "AmazonSQS.ChangeMessageVisibility");
    json_t *body = req_json(c);
    assert_string_equal(json_string_value(json_object_get(body, "ReceiptHandle")), "rh-1");
    assert_int_equal(json_integer_value(json_object_get(body, "VisibilityTimeout")), 0);
    assert_non_null(json_object_get(body, "QueueUrl"));
    json_decref(body);
    assert_int_equal(sqs_change_visibility(f->c, "rh-1", SQS_VISIBILITY_MAX_S + 1, f->err),
                     STATUS_BAD_REQUEST);
}

static void get_queue_url_sends_the_name_and_no_queue_url(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, "{\"QueueUrl\":\"http://127.0.0.1:1/123456789012/eeum-diary.fifo\"}");
    srv_script(&f->srv, 400, "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}");
    char url[SQS_URL_LEN];
    assert_int_equal(sqs_get_queue_url(f->c, "eeum-diary.fifo", url, f->err), STATUS_OK);
    assert_string_equal(url, "http://127.0.0.1:1/123456789012/eeum-diary.fifo");
    json_t *body = req_json(srv_req(&f->srv, 0));
    assert_string_equal(json_string_value(json_object_get(body, "QueueName")), "eeum-diary.fifo");
    assert_null(json_object_get(body, "QueueUrl"));
    json_decref(body);
    assert_int_equal(sqs_get_queue_url(f->c, "missing", url, f->err), STATUS_BAD_REQUEST);
    assert_string_equal(f->err, "QueueDoesNotExist");
    assert_string_equal(url, "");
}

static void get_attributes_returns_the_attribute_object(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200,
               "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"4\",\"FifoQueue\":\"true\"}}");
    srv_script(&f->srv, 200, NULL);
    const char *names[2] = {"ApproximateNumberOfMessages", "FifoQueue"};
    json_t *attrs = NULL;
    assert_int_equal(sqs_get_attributes(f->c, names, 2, &attrs, f->err), STATUS_OK);
    assert_string_equal(json_string_value(json_object_get(attrs, "FifoQueue")), "true");
    assert_string_equal(json_string_value(json_object_get(attrs, "ApproximateNumberOfMessages")),
                        "4");
    json_decref(attrs);
    json_t *body = req_json(srv_req(&f->srv, 0));
    assert_int_equal(json_array_size(json_object_get(body, "AttributeNames")), 2);
    json_decref(body);

    assert_int_equal(sqs_get_attributes(f->c, NULL, 0, &attrs, f->err), STATUS_OK);
    assert_int_equal(json_object_size(attrs), 0);
    json_decref(attrs);
    body = req_json(srv_req(&f->srv, 1));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(body, "AttributeNames"), 0)), "All");
    json_decref(body);
}

static void typed_operations_follow_a_changed_queue_url(void **state)
{
    struct fixture *f = *state;
    srv_script(&f->srv, 200, NULL);
    assert_int_equal(sqs_client_set_queue_url(f->c, "http://127.0.0.1:1/123456789012/dlq.fifo"), 0);
    assert_string_equal(sqs_client_queue_url(f->c), "http://127.0.0.1:1/123456789012/dlq.fifo");
    assert_int_equal(sqs_change_visibility(f->c, "rh", 5, f->err), STATUS_OK);
    json_t *body = req_json(srv_req(&f->srv, 0));
    assert_string_equal(json_string_value(json_object_get(body, "QueueUrl")),
                        "http://127.0.0.1:1/123456789012/dlq.fifo");
    json_decref(body);
}

/* ---- MD5 (RFC 1321 appendix A.5) ---- */

static void md5_matches_the_rfc_1321_test_suite(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *hex;
    } CASES[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"1234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    char hex[MD5_HEX_LEN];
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        md5_hex(CASES[i].in, strlen(CASES[i].in), hex);
        assert_string_equal(hex, CASES[i].hex);
    }
    md5_hex(BODY_K, strlen(BODY_K), hex);
    assert_string_equal(hex, MD5_K);
}

static void md5_in_pieces_equals_md5_at_once(void **state)
{
    (void)state;
    /* One million 'a' (a classic vector), fed in uneven pieces that straddle block edges. */
    static char a[1000000];
    memset(a, 'a', sizeof a);
    struct md5_ctx ctx;
    uint8_t d[MD5_DIGEST_LEN];
    md5_init(&ctx);
    size_t off = 0;
    for (size_t step = 1; off < sizeof a; step = step % 131 + 1) {
        size_t take = sizeof a - off < step ? sizeof a - off : step;
        md5_update(&ctx, a + off, take);
        off += take;
    }
    md5_final(&ctx, d);
    char hex[MD5_HEX_LEN];
    for (size_t i = 0; i < MD5_DIGEST_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, "7707d6ae4e027c70eea2a935c2296f21");
    md5_hex(a, sizeof a, hex);
    assert_string_equal(hex, "7707d6ae4e027c70eea2a935c2296f21");
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, fixture_setup, fixture_teardown)

int main(void)
{
    log_init("test_sqs", LOGL_ERROR, false);
    if (sqs_library_init() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigv4_get_vanilla_matches_the_published_signature),
        cmocka_unit_test(sigv4_session_token_is_sent_and_signed_as_published),
        cmocka_unit_test(sign_setup_refuses_an_empty_region),
        FIXTURE_TEST(calls_are_signed_json_posts_carrying_the_queue_url),
        FIXTURE_TEST(a_configured_session_token_is_sent_and_signed),
        FIXTURE_TEST(the_handle_keeps_one_connection_across_calls),
        FIXTURE_TEST(queue_does_not_exist_is_bad_request_named_after_the_hash),
        FIXTURE_TEST(throttling_is_unavailable),
        FIXTURE_TEST(server_errors_are_unavailable),
        FIXTURE_TEST(a_200_that_is_not_a_json_object_is_an_error),
        FIXTURE_TEST(an_unreachable_endpoint_is_unavailable),
        FIXTURE_TEST(ping_needs_the_queue_arn),
        FIXTURE_TEST(send_batch_reports_each_entry),
        FIXTURE_TEST(send_batch_entry_left_out_of_the_answer_is_not_sent),
        FIXTURE_TEST(send_batch_failure_of_the_call_fills_no_entries),
        FIXTURE_TEST(send_batch_rejects_bad_batches_without_sending),
        FIXTURE_TEST(receive_returns_messages_whose_digest_matches),
        FIXTURE_TEST(an_empty_receive_is_no_messages),
        FIXTURE_TEST(malformed_messages_are_dropped),
        FIXTURE_TEST(a_message_repeated_in_one_answer_is_kept_once_with_the_later_handle),
        FIXTURE_TEST(receive_rejects_options_out_of_range),
        FIXTURE_TEST(a_long_poll_gets_its_wait_added_to_the_timeout),
        FIXTURE_TEST(delete_batch_reports_each_handle),
        FIXTURE_TEST(change_visibility_accepts_an_empty_answer),
        FIXTURE_TEST(get_queue_url_sends_the_name_and_no_queue_url),
        FIXTURE_TEST(get_attributes_returns_the_attribute_object),
        FIXTURE_TEST(typed_operations_follow_a_changed_queue_url),
        cmocka_unit_test(md5_matches_the_rfc_1321_test_suite),
        cmocka_unit_test(md5_in_pieces_equals_md5_at_once),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sqs_library_end();
    return rc;
}

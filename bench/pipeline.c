/*
 * pipeline.c - load and baseline tools of bench/run-pipeline.sh (the diary -> analysis pipeline).
 *
 *   bench_pipeline post URL USERS DIARIES RATE THREADS TAG
 *       signs up and logs in USERS users, then POSTs DIARIES realistic Korean diaries to
 *       URL/api/diaries from THREADS threads at RATE diaries/s in total (0 = as fast as they
 *       go), round-robin over the users; prints "posted N errors E seconds S".
 *   bench_pipeline sqs-drain MESSAGES THREADS
 *       the baseline: on a scratch FIFO queue of the configured SQS endpoint (environment as
 *       eeum-analyzer's), sends MESSAGES bodies shaped like the outbox's (100 message groups),
 *       then THREADS threads receive (10 at a time, no wait) and DeleteMessageBatch them, with
 *       the same SQS client the analyzer uses and no processing; prints "drained N seconds S
 *       rate R"; the queue is deleted at the end.
 */
#include "eeum/config.h"
#include "eeum/log.h"
#include "eeum/sqs.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long parse_long(const char *s, long min, long max, const char *what)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max) {
        fprintf(stderr, "bench_pipeline: %s must be an integer in %ld..%ld\n", what, min, max);
        exit(2);
    }
    return v;
}

/* ---- HTTP ---- */

struct buf {
    char *p;
    size_t n;
};

static size_t on_data(char *d, size_t sz, size_t nm, void *ctx)
{
    struct buf *b = ctx;
    size_t add = sz * nm;
    char *q = realloc(b->p, b->n + add + 1);
    if (!q)
        return 0;
    memcpy(q + b->n, d, add);
    b->n += add;
    q[b->n] = '\0';
    b->p = q;
    return add;
}

/* POST JSON; returns the status (0 on transport failure) and the body in *out (caller frees). */
static long post(CURL *h, const char *url, const char *token, const char *json, char **out)
{
    struct buf b = {0};
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
    char auth[2200];
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hd = curl_slist_append(hd, auth);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    long code = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hd);
    if (out)
        *out = b.p;
    else
        free(b.p);
    return code;
}

static const char *const TEXTS[] = {
    "오늘 회사에서 중요한 발표가 있었는데 준비가 부족해서 많이 떨렸다. 팀장님이 질문을 "
    "하셨을 때 제대로 대답하지 못했다. 내일 다시 보고해야 하는데 걱정이 된다. 잠이 안 온다.",
    "친구가 약속 시간에 또 한 시간이나 늦었다. 미안하다는 말도 없이 웃기만 해서 정말 화가 "
    "났다. 매번 이런 식이라 참을 수가 없다. 다음에는 분명하게 말해야겠다.",
    "오랜만에 가족들과 저녁을 먹었다. 엄마가 해주신 된장찌개가 너무 맛있었고 동생이랑 "
    "웃으면서 이야기를 나눴다. 행복한 하루였다. 이런 날이 자주 있으면 좋겠다.",
    "다음 주에 드디어 제주도 여행을 간다! 비행기 표도 끊고 숙소도 예약했다. 바다를 볼 생각에 "
    "벌써부터 설레고 두근거린다. 빨리 그날이 왔으면 좋겠다.",
    "오늘 오래 키우던 강아지가 하늘나라로 갔다. 아침까지만 해도 꼬리를 흔들었는데 믿기지가 "
    "않는다. 하루 종일 눈물이 났다. 너무 보고 싶고 슬프다 ㅠㅠ",
};
#define NTEXTS (sizeof TEXTS / sizeof TEXTS[0])

struct user {
    char token[2048];
};

struct post_job {
    const char *base;
    struct user *users;
    long nusers, ndiaries, rate, threads, index;
    double t0;
    const char *tag;
    long posted, errors;
};

static void *post_thread(void *arg)
{
    struct post_job *j = arg;
    CURL *h = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s/api/diaries", j->base);
    for (long k = j->index; k < j->ndiaries; k += j->threads) {
        if (j->rate > 0) {
            double due = j->t0 + (double)k / (double)j->rate;
            double wait = due - now_s();
            if (wait > 0) {
                struct timespec ts = {.tv_sec = (time_t)wait,
                                      .tv_nsec = (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
        char title[96];
        snprintf(title, sizeof title, "%s 일기 %ld", j->tag, k);
        json_t *b = json_pack("{s:s,s:s,s:s}", "title", title, "content", TEXTS[k % NTEXTS],
                              "publishedDate", "2026-01-15");
        char *body = json_dumps(b, JSON_COMPACT);
        long code = post(h, url, j->users[k % j->nusers].token, body, NULL);
        if (code == 201)
            j->posted++;
        else
            j->errors++;
        free(body);
        json_decref(b);
    }
    curl_easy_cleanup(h);
    return NULL;
}

static int cmd_post(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_pipeline post URL USERS DIARIES RATE THREADS TAG\n");
        return 2;
    }
    const char *base = argv[0];
    long nusers = parse_long(argv[1], 1, 1000, "USERS");
    long ndiaries = parse_long(argv[2], 1, 1000000, "DIARIES");
    long rate = parse_long(argv[3], 0, 100000, "RATE");
    long nthreads = parse_long(argv[4], 1, 64, "THREADS");
    const char *tag = argv[5];
    struct user *users = calloc((size_t)nusers, sizeof *users);
    CURL *h = curl_easy_init();
    if (!users || !h)
        return 1;
    char url[512];
    for (long u = 0; u < nusers; u++) {
        char email[160], nick[40];
        snprintf(email, sizeof email, "%s%ld@bench.example.com", tag, u);
        snprintf(nick, sizeof nick, "%.14s%ld", tag, u % 1000);
        json_t *b =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:s}", "email", email,
                      "password", "Bench-pass-1", "firstName", "길동", "lastName", "홍", "nickname",
                      nick, "phoneNumber", "010-1234-5678", "gender", "MALE", "birthYear", 1995,
                      "birthMonth", 3, "birthDate", 14, "zipCode", "06035", "mainAddress",
                      "서울특별시 강남구 테헤란로 1", "detailAddress", "101동 1001호");
        char *body = json_dumps(b, JSON_COMPACT);
        snprintf(url, sizeof url, "%s/api/users/sign-up", base);
        long code = post(h, url, NULL, body, NULL);
        free(body);
        json_decref(b);
        if (code != 201 && code != 409) {
            fprintf(stderr, "bench_pipeline: sign-up of %s answered %ld\n", email, code);
            return 1;
        }
        b = json_pack("{s:s,s:s}", "email", email, "password", "Bench-pass-1");
        body = json_dumps(b, JSON_COMPACT);
        snprintf(url, sizeof url, "%s/api/users/login", base);
        char *resp = NULL;
        code = post(h, url, NULL, body, &resp);
        free(body);
        json_decref(b);
        json_t *r = resp ? json_loads(resp, 0, NULL) : NULL;
        const char *t = json_string_value(json_object_get(json_object_get(r, "item"), "jwtToken"));
        if (code != 200 || !t || strlen(t) >= sizeof users[u].token) {
            fprintf(stderr, "bench_pipeline: login of %s answered %ld\n", email, code);
            return 1;
        }
        snprintf(users[u].token, sizeof users[u].token, "%s", t);
        json_decref(r);
        free(resp);
    }
    curl_easy_cleanup(h);

    struct post_job *jobs = calloc((size_t)nthreads, sizeof *jobs);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    if (!jobs || !th)
        return 1;
    double t0 = now_s();
    for (long i = 0; i < nthreads; i++) {
        jobs[i] = (struct post_job){.base = base,
                                    .users = users,
                                    .nusers = nusers,
                                    .ndiaries = ndiaries,
                                    .rate = rate,
                                    .threads = nthreads,
                                    .index = i,
                                    .t0 = t0,
                                    .tag = tag};
        pthread_create(&th[i], NULL, post_thread, &jobs[i]);
    }
    long posted = 0, errors = 0;
    for (long i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        posted += jobs[i].posted;
        errors += jobs[i].errors;
    }
    printf("posted %ld errors %ld seconds %.3f\n", posted, errors, now_s() - t0);
    free(jobs);
    free(th);
    free(users);
    return errors ? 1 : 0;
}

/* ---- the SQS baseline ---- */

static struct config g_cfg;
static char g_queue[SQS_URL_LEN];
static atomic_long g_left;

static void *drain_thread(void *arg)
{
    (void)arg;
    struct sqs_client *c = sqs_client_new(&g_cfg);
    if (!c)
        return NULL;
    sqs_client_set_queue_url(c, g_queue);
    char err[SQS_ERR_LEN];
    while (atomic_load(&g_left) > 0) {
        struct sqs_messages ms;
        struct sqs_receive_opts o = {.max_messages = 10, .wait_s = 0, .visibility_timeout_s = 30};
        if (sqs_receive(c, &o, &ms, err) != STATUS_OK)
            continue;
        if (ms.n) {
            const char *h[SQS_BATCH_MAX];
            for (size_t i = 0; i < ms.n; i++)
                h[i] = ms.msg[i].receipt_handle;
            struct sqs_batch_result r;
            if (sqs_delete_batch(c, h, ms.n, &r, err) == STATUS_OK)
                atomic_fetch_sub(&g_left, (long)r.n_ok);
        }
        sqs_messages_free(&ms);
    }
    sqs_client_free(c);
    return NULL;
}

static int cmd_sqs_drain(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_pipeline sqs-drain MESSAGES THREADS\n");
        return 2;
    }
    long n = parse_long(argv[0], 10, 1000000, "MESSAGES");
    long nthreads = parse_long(argv[1], 1, 64, "THREADS");
    char err[CONFIG_ERR_LEN];
    if (config_load(&g_cfg, CONFIG_ROLE_ANALYZER, NULL, err) != 0) {
        fprintf(stderr, "bench_pipeline: %s\n", err);
        return 2;
    }
    struct sqs_client *c = sqs_client_new(&g_cfg);
    char name[64], serr[SQS_ERR_LEN];
    snprintf(name, sizeof name, "eeum-bench-%d.fifo", (int)getpid());
    json_t *req = json_pack("{s:s,s:{s:s,s:s}}", "QueueName", name, "Attributes", "FifoQueue",
                            "true", "ContentBasedDeduplication", "false");
    json_t *resp = NULL;
    if (!c || sqs_call(c, "CreateQueue", req, &resp, serr) != STATUS_OK) {
        fprintf(stderr, "bench_pipeline: CreateQueue: %s\n", serr);
        return 1;
    }
    snprintf(g_queue, sizeof g_queue, "%s", json_string_value(json_object_get(resp, "QueueUrl")));
    json_decref(req);
    json_decref(resp);
    sqs_client_set_queue_url(c, g_queue);
    for (long i = 0; i < n; i += 10) {
        char ids[10][8], bodies[10][96], groups[10][24], dedups[10][40];
        struct sqs_send_entry e[10];
        size_t k = 0;
        for (long j = i; j < n && j < i + 10; j++, k++) {
            snprintf(ids[k], sizeof ids[k], "m%zu", k);
            snprintf(bodies[k], sizeof bodies[k], "{\"diaryId\":%ld,\"userId\":%ld,\"version\":1}",
                     j + 1, j % 100 + 1);
            snprintf(groups[k], sizeof groups[k], "user-%ld", j % 100 + 1);
            snprintf(dedups[k], sizeof dedups[k], "diary-%ld-v1", j + 1);
            e[k] = (struct sqs_send_entry){
                .id = ids[k], .body = bodies[k], .group_id = groups[k], .dedup_id = dedups[k]};
        }
        struct sqs_batch_result r;
        if (sqs_send_batch(c, e, k, &r, serr) != STATUS_OK || r.n_ok != k) {
            fprintf(stderr, "bench_pipeline: SendMessageBatch: %s\n", serr);
            return 1;
        }
    }
    atomic_store(&g_left, n);
    pthread_t th[64];
    double t0 = now_s();
    for (long i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, drain_thread, NULL);
    for (long i = 0; i < nthreads; i++)
        pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    printf("drained %ld seconds %.3f rate %.1f\n", n, dt, (double)n / dt);
    json_t *del = json_pack("{s:s}", "QueueUrl", g_queue);
    sqs_call(c, "DeleteQueue", del, NULL, serr);
    json_decref(del);
    sqs_client_free(c);
    config_free(&g_cfg);
    return 0;
}

int main(int argc, char **argv)
{
    log_init("bench_pipeline", LOGL_ERROR, false);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    int rc = 2;
    if (argc >= 2 && strcmp(argv[1], "post") == 0)
        rc = cmd_post(argc - 2, argv + 2);
    else if (argc >= 2 && strcmp(argv[1], "sqs-drain") == 0)
        rc = cmd_sqs_drain(argc - 2, argv + 2);
    else
        fprintf(stderr, "usage: bench_pipeline post ... | sqs-drain ...\n");
    curl_global_cleanup();
    return rc;
}

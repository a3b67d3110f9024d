/*
 * e2e_client.c - libcurl wrapper for the end-to-end tests.
 */
#include "e2e_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

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

const char *e2e_need_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "%s is not set: run through `scripts/eeum test`\n", name);
        exit(1);
    }
    return v;
}

const char *e2e_base(void)
{
    return e2e_need_env("EEUM_E2E_BASE_URL");
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

/* ---- small helpers ------------------------------------------------------------------------ */

void e2e_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

json_t *e2e_item_of(const struct e2e_resp *r)
{
    return json_object_get(r->json, "item");
}

json_t *e2e_items_of(const json_t *page)
{
    return json_object_get(page, "items");
}

const char *e2e_str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

json_int_t e2e_int_at(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

void e2e_expect_status(const struct e2e_resp *r, long status, const char *what)
{
    if (r->status != status)
        fprintf(stderr, "%s: expected %ld, got %ld: %s\n", what, status, r->status,
                r->body ? r->body : "(no body)");
    assert_int_equal(r->status, status);
}

void e2e_json_ok(const char *method, const char *path, const char *token, const char *json_text,
                 struct e2e_resp *out)
{
    assert_int_equal(e2e_json(method, path, token, json_text, out), 0);
}

void e2e_jsonv_ok(const char *method, const char *path, const char *token, json_t *body,
                  struct e2e_resp *out)
{
    assert_int_equal(e2e_jsonv(method, path, token, body, out), 0);
}

void e2e_expect_call(const char *method, const char *path, const char *token, const char *body,
                     long status)
{
    struct e2e_resp r;
    e2e_json_ok(method, path, token, body, &r);
    char what[256];
    snprintf(what, sizeof what, "%s %s", method, path);
    e2e_expect_status(&r, status, what);
    if (status >= 400)
        e2e_assert_error(&r, status);
    e2e_resp_free(&r);
}

void e2e_expect_field_error(const struct e2e_resp *r, long status, const char *field,
                            const char *what)
{
    e2e_expect_status(r, status, what);
    e2e_assert_error(r, status);
    json_t *errors = json_object_get(r->json, "errors");
    bool seen = false;
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *f = e2e_str_at(e, "field");
        const char *m = e2e_str_at(e, "message");
        if (f && strcmp(f, field) == 0 && m && *m)
            seen = true;
    }
    if (!seen)
        fprintf(stderr, "%s: no error for field '%s': %s\n", what, field, r->body);
    assert_true(seen);
}

long long e2e_parse_instant(const char *s)
{
    if (!s || strlen(s) != 20)
        return -1;
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    for (size_t i = 0; i < 20; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return -1;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return -1;
    return (long long)timegm(&tm);
}

/* ---- users -------------------------------------------------------------------------------- */

void e2e_fresh_names(const char *tag, char *email, size_t elen, char *nick, size_t nlen)
{
    const char *u = e2e_unique();
    snprintf(email, elen, "%s%s@example.com", tag, u);
    snprintf(nick, nlen, "%s%s", tag, u);
    assert_true(strlen(nick) <= 20);
}

json_t *e2e_signup_body(const char *email, const char *nickname)
{
    json_t *b =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:s}", "email", email,
                  "password", E2E_PASSWORD, "firstName", "길동", "lastName", "홍", "nickname",
                  nickname, "phoneNumber", "010-1234-5678", "gender", "MALE", "birthYear", 1995,
                  "birthMonth", 3, "birthDate", 14, "zipCode", "06035", "mainAddress",
                  "서울특별시 강남구 테헤란로 1", "detailAddress", "101동 1001호");
    assert_non_null(b);
    return b;
}

void e2e_post_json_at(const char *base, const char *path, const char *token, json_t *body,
                      struct e2e_resp *out)
{
    char *text = json_dumps(body, JSON_COMPACT);
    assert_non_null(text);
    char auth[E2E_TOKEN_MAX + 64];
    const char *hdrs[2] = {NULL, NULL};
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs[0] = auth;
    }
    int rc = e2e_request(base, "POST", path, hdrs, "application/json", text, SIZE_MAX, out);
    free(text);
    assert_int_equal(rc, 0);
}

void e2e_login_at(const char *base, const char *email, const char *password, struct e2e_resp *out)
{
    json_t *b = json_pack("{s:s,s:s}", "email", email, "password", password);
    e2e_post_json_at(base, "/api/users/login", NULL, b, out);
    json_decref(b);
}

void e2e_user_login_at(const char *base, struct e2e_user *u)
{
    struct e2e_resp r;
    e2e_login_at(base, u->email, u->password, &r);
    e2e_expect_status(&r, 200, "login");
    const char *t = e2e_str_at(e2e_item_of(&r), "jwtToken");
    assert_non_null(t);
    assert_true(strlen(t) < sizeof u->token);
    snprintf(u->token, sizeof u->token, "%s", t);
    e2e_resp_free(&r);
}

void e2e_new_user_at(const char *base, const char *tag, struct e2e_user *u, bool with_login)
{
    memset(u, 0, sizeof *u);
    e2e_fresh_names(tag, u->email, sizeof u->email, u->nickname, sizeof u->nickname);
    snprintf(u->password, sizeof u->password, "%s", E2E_PASSWORD);
    json_t *b = e2e_signup_body(u->email, u->nickname);
    struct e2e_resp r;
    e2e_post_json_at(base, "/api/users/sign-up", NULL, b, &r);
    json_decref(b);
    e2e_expect_status(&r, 201, "sign-up");
    json_t *it = e2e_item_of(&r);
    u->id = (uint64_t)e2e_int_at(it, "id");
    assert_true(u->id > 0);
    u->json = json_incref(it);
    e2e_resp_free(&r);
    if (with_login)
        e2e_user_login_at(base, u);
}

void e2e_new_user(const char *tag, struct e2e_user *u)
{
    e2e_new_user_at(e2e_base(), tag, u, true);
}

void e2e_user_free(struct e2e_user *u)
{
    json_decref(u->json);
    u->json = NULL;
}

/* ---- posts -------------------------------------------------------------------------------- */

json_t *e2e_create_post(const char *token, const char *category, const char *title,
                        const char *content)
{
    json_t *b =
        json_pack("{s:s,s:s,s:s}", "category", category, "title", title, "content", content);
    struct e2e_resp r;
    assert_int_equal(e2e_jsonv("POST", "/api/boards", token, b, &r), 0);
    json_decref(b);
    e2e_expect_status(&r, 201, "POST /api/boards");
    json_t *p = json_incref(e2e_item_of(&r));
    e2e_resp_free(&r);
    return p;
}

/* ---- races -------------------------------------------------------------------------------- */

struct race_arg {
    pthread_barrier_t *start;
    struct e2e_racer *rc;
};

static void *race_run(void *arg)
{
    struct race_arg *a = arg;
    struct e2e_racer *rc = a->rc;
    char auth[E2E_TOKEN_MAX + 64];
    const char *hdrs[2] = {NULL, NULL};
    if (rc->token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", rc->token);
        hdrs[0] = auth;
    }
    pthread_barrier_wait(a->start);
    struct e2e_resp r;
    rc->status = -1;
    rc->id = 0;
    if (e2e_request(e2e_base(), rc->method, rc->path, hdrs, rc->body ? "application/json" : NULL,
                    rc->body, SIZE_MAX, &r) == 0) {
        rc->status = r.status;
        rc->id = json_integer_value(json_object_get(e2e_item_of(&r), "id"));
        e2e_resp_free(&r);
    }
    return NULL;
}

void e2e_race(struct e2e_racer *rs, int n)
{
    pthread_barrier_t start;
    pthread_t th[64];
    struct race_arg args[64];
    assert_true(n > 0 && n <= 64);
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++)
        args[i] = (struct race_arg){.start = &start, .rc = &rs[i]};
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_run, &args[i]), 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
}

void e2e_race_same(const char *method, const char *path, const char *token, const char *body,
                   struct e2e_racer *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = (struct e2e_racer){.method = method, .path = path, .token = token, .body = body};
    e2e_race(out, n);
}

int e2e_count_status(const struct e2e_racer *rs, int n, long status)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += rs[i].status == status;
    return c;
}

/* ---- processes ---------------------------------------------------------------------------- */

pid_t e2e_spawn(char *const argv[], const char *const *overrides, const char *log_path)
{
    size_t n = 0;
    while (environ[n])
        n++;
    size_t no = 0;
    while (overrides && overrides[no])
        no++;
    char **envp = calloc(n + no + 1, sizeof *envp);
    assert_non_null(envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < no; j++) {
            size_t kl = (size_t)(strchr(overrides[j], '=') - overrides[j]);
            if (strncmp(environ[i], overrides[j], kl + 1) == 0)
                replaced = true;
        }
        if (!replaced)
            envp[k++] = environ[i];
    }
    for (size_t j = 0; j < no; j++) {
        const char *eq = strchr(overrides[j], '=');
        if (strcmp(eq + 1, "-") != 0)
            envp[k++] = (char *)(uintptr_t)overrides[j];
    }
    envp[k] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (log_path) {
        posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    return rc == 0 ? pid : -1;
}

int e2e_wait_exit(pid_t pid, long timeout_ms)
{
    for (long waited = 0; waited <= timeout_ms; waited += 50) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        e2e_sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

unsigned e2e_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    close(fd);
    return ntohs(a.sin_port);
}

long e2e_get_status(const char *base, const char *path)
{
    struct e2e_resp r;
    e2e_quiet = true; /* connection refusals are expected while polling */
    int rc = e2e_request(base, "GET", path, NULL, NULL, NULL, 0, &r);
    e2e_quiet = false;
    if (rc != 0)
        return -1;
    long s = r.status;
    e2e_resp_free(&r);
    return s;
}

void e2e_log_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/logs/%s", e2e_need_env("EEUM_STATE_DIR"), name);
}

pid_t e2e_start_private_api(char *base, size_t blen, const char *log_name, const char *extra)
{
    unsigned port = e2e_free_port();
    char port_env[32], lp[1024];
    snprintf(port_env, sizeof port_env, "PORT=%u", port);
    snprintf(base, blen, "http://127.0.0.1:%u", port);
    e2e_log_path(lp, sizeof lp, log_name);
    const char *ov[] = {port_env, extra, NULL};
    char *argv[] = {(char *)(uintptr_t)e2e_need_env("EEUM_API_BIN"), NULL};
    pid_t pid = e2e_spawn(argv, ov, lp);
    assert_true(pid > 0);
    for (int i = 0; i < 300; i++) {
        if (e2e_get_status(base, "/healthz") == 200)
            return pid;
        e2e_sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("private eeum-api did not come up on %s (log %s)", base, lp);
    return -1;
}

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
#include <stdint.h>
#include <sys/types.h>

#define E2E_PASSWORD  "Secret-pass-1" /* the password of every user the tests sign up */
#define E2E_TOKEN_MAX 2048            /* room for a JWT and then some */

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

/* ---- small helpers (cmocka assertions fail the running test) ------------------------------ */

/* Sleeps `ms` milliseconds; returns nothing. */
void e2e_sleep_ms(long ms);

/* The value of environment variable `name` (borrowed; exits the test program if unset/empty). */
const char *e2e_need_env(const char *name);

/* The "item" of r's JSON envelope (borrowed from r), or NULL. */
json_t *e2e_item_of(const struct e2e_resp *r);

/* The "items" array of a page body (borrowed from page), or NULL. */
json_t *e2e_items_of(const json_t *page);

/* o[key] as a string (borrowed from o), or NULL when absent or not a string. */
const char *e2e_str_at(const json_t *o, const char *key);

/* o[key] as an integer (asserts that it is one). */
json_int_t e2e_int_at(const json_t *o, const char *key);

/* Asserts r->status == status; prints `what` and the body first when it is not. */
void e2e_expect_status(const struct e2e_resp *r, long status, const char *what);

/* e2e_json / e2e_jsonv that fail the test when the request gets no HTTP answer at all. */
void e2e_json_ok(const char *method, const char *path, const char *token, const char *json_text,
                 struct e2e_resp *out);
void e2e_jsonv_ok(const char *method, const char *path, const char *token, json_t *body,
                  struct e2e_resp *out);

/* `method path` (optional JSON body) must answer `status` (an error envelope when >= 400);
 * nothing is kept. */
void e2e_expect_call(const char *method, const char *path, const char *token, const char *body,
                     long status);

/* Asserts an error envelope with `status` whose `errors` names `field` with a message. */
void e2e_expect_field_error(const struct e2e_resp *r, long status, const char *field,
                            const char *what);

/* "YYYY-MM-DDTHH:MM:SSZ" -> seconds since the epoch, or -1 when s has any other shape. */
long long e2e_parse_instant(const char *s);

/* ---- users --------------------------------------------------------------------------------- */

struct e2e_user {
    uint64_t id;
    char email[96];
    char nickname[32];
    char password[80];
    char token[E2E_TOKEN_MAX];
    json_t *json; /* the user JSON of the sign-up answer (owned; released by e2e_user_free) */
};

/* Writes fresh "<tag><unique>@example.com" and "<tag><unique>" (<= 20 chars) to the buffers. */
void e2e_fresh_names(const char *tag, char *email, size_t elen, char *nick, size_t nlen);

/* A valid sign-up body for `email` and `nickname` (new reference; password E2E_PASSWORD). */
json_t *e2e_signup_body(const char *email, const char *nickname);

/* POSTs JSON `body` (borrowed) to base + path, bearer `token` if any; out is the caller's. */
void e2e_post_json_at(const char *base, const char *path, const char *token, json_t *body,
                      struct e2e_resp *out);

/* POSTs a login for email/password to base (out is the caller's to free; any status). */
void e2e_login_at(const char *base, const char *email, const char *password, struct e2e_resp *out);

/* Logs u in at base (200 expected) and keeps the token in u->token. */
void e2e_user_login_at(const char *base, struct e2e_user *u);

/* Signs up a fresh user into u on base (201), optionally logged in; u owns u->json. */
void e2e_new_user_at(const char *base, const char *tag, struct e2e_user *u, bool with_login);

/* e2e_new_user_at on e2e_base() with login: u holds a token and owns u->json. */
void e2e_new_user(const char *tag, struct e2e_user *u);

/* Releases what u owns (u->json); u stays usable for its id, names and token. */
void e2e_user_free(struct e2e_user *u);

/* ---- posts --------------------------------------------------------------------------------- */

/* POST /api/boards with the bearer `token` (201 expected); the post JSON is a new reference. */
json_t *e2e_create_post(const char *token, const char *category, const char *title,
                        const char *content);

/* ---- races: one request from many threads at once ------------------------------------------ */

struct e2e_racer {
    const char *method;
    const char *path;
    const char *token; /* may be NULL */
    const char *body;  /* JSON text, or NULL for none (then no Content-Type either) */
    long status;       /* the answer's status, -1 if none arrived */
    json_int_t id;     /* item.id of the answer, 0 if none */
};

/* Sends rs[i] from n <= 64 threads released at once; fills in each racer's status and id. */
void e2e_race(struct e2e_racer *rs, int n);

/* Fills out[0..n) with the same request and races it (e2e_race); returns nothing. */
void e2e_race_same(const char *method, const char *path, const char *token, const char *body,
                   struct e2e_racer *out, int n);

/* The number of racers in rs[0..n) that got `status`. */
int e2e_count_status(const struct e2e_racer *rs, int n, long status);

/* ---- processes: private eeum-api instances and the stack script ---------------------------- */

/* Spawns argv, env + `overrides` ("K=V", "K=-" unsets), output to log_path; pid or -1. */
pid_t e2e_spawn(char *const argv[], const char *const *overrides, const char *log_path);

/* Waits up to `timeout_ms` for pid; its wait status, or -1 on timeout (child then killed). */
int e2e_wait_exit(pid_t pid, long timeout_ms);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
unsigned e2e_free_port(void);

/* The status of GET base + path, or -1 when no answer arrived (transport errors not printed). */
long e2e_get_status(const char *base, const char *path);

/* Writes "$EEUM_STATE_DIR/logs/<name>" into out. */
void e2e_log_path(char *out, size_t n, const char *name);

/* Starts a healthy $EEUM_API_BIN (+ env `extra`) on a free port, URL in base; pid, caller kills. */
pid_t e2e_start_private_api(char *base, size_t blen, const char *log_name, const char *extra);

#endif

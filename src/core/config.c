/*
 * config.c - configuration from the environment and .env (real environment wins).
 * A table of variables drives parsing, validation, --help and --check-config so the
 * three never disagree.
 */
#include "eeum/config.h"

#include "eeum/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef EEUM_DEFAULT_DOCS_ASSETS_DIR
#define EEUM_DEFAULT_DOCS_ASSETS_DIR "tools/node_modules/swagger-ui-dist"
#endif

#ifndef EEUM_DEFAULT_EMOTION_MODEL
#define EEUM_DEFAULT_EMOTION_MODEL "models/emotion.model"
#endif

#ifndef EEUM_DEFAULT_SQL_DIR
#define EEUM_DEFAULT_SQL_DIR "sql"
#endif

#define DOTENV_MAX_BYTES (256 * 1024)

enum var_kind { VAR_STR, VAR_UINT };

/* Bit flags: which roles need the variable and how it is treated. */
#define VF_API           (1u << 0)
#define VF_ANALYZER      (1u << 1)
#define VF_MIGRATE       (1u << 2)
#define VF_ALL           (VF_API | VF_ANALYZER | VF_MIGRATE)
#define VF_REQUIRED      (1u << 4) /* required for the roles above */
#define VF_SECRET        (1u << 5) /* never printed */
#define VF_REQUIRED_PROD (1u << 6) /* required when APP_ENV=production */

struct var {
    const char *name;
    enum var_kind kind;
    unsigned flags;
    size_t offset;
    const char *def; /* default (NULL = none) */
    unsigned long min, max;
    const char *help;
};

#define S(field) offsetof(struct config, field)

static const struct var VARS[] = {
    {"APP_ENV", VAR_STR, VF_ALL, S(app_env), "development", 0, 0,
     "development | production (production refuses weak secrets)"},
    {"APP_TZ", VAR_STR, VF_ALL, S(app_tz), "Asia/Seoul", 0, 0,
     "time zone for calendar rules (IANA name)"},
    {"LOG_LEVEL", VAR_STR, VF_ALL, S(log_level), "info", 0, 0, "debug | info | warn | error"},
    {"BIND_ADDRESS", VAR_STR, VF_API, S(bind_address), "127.0.0.1", 0, 0,
     "IP address the HTTP server listens on (0.0.0.0 in containers)"},
    {"PORT", VAR_UINT, VF_API, S(port), "8080", 1, 65535, "HTTP port"},
    {"HTTP_THREADS", VAR_UINT, VF_API, S(http_threads), "4", 1, 256,
     "libmicrohttpd worker threads (epoll each)"},
    {"HTTP_CONN_LIMIT", VAR_UINT, VF_API, S(http_conn_limit), "1024", 1, 100000,
     "maximum concurrent connections"},
    {"HTTP_CONN_TIMEOUT", VAR_UINT, VF_API, S(http_conn_timeout_s), "30", 1, 3600,
     "idle connection timeout, seconds"},
    {"SHUTDOWN_TIMEOUT", VAR_UINT, VF_ALL, S(shutdown_timeout_s), "10", 0, 300,
     "seconds to finish in-flight work on SIGTERM"},
    {"MAX_BODY_BYTES", VAR_UINT, VF_API, S(max_body_bytes), "1048576", 1024, 64ul * 1024 * 1024,
     "request body cap in bytes (413 above it)"},
    {"CORS_ORIGINS", VAR_STR, VF_API, S(cors_origins), "", 0, 0,
     "comma-separated allowed origins (exact match); empty disables CORS"},
    {"DB_HOST", VAR_STR, VF_ALL | VF_REQUIRED, S(db_host), NULL, 0, 0, "MySQL host"},
    {"DB_PORT", VAR_UINT, VF_ALL, S(db_port), "3306", 1, 65535, "MySQL port"},
    {"DB_USER", VAR_STR, VF_ALL | VF_REQUIRED, S(db_user), NULL, 0, 0, "MySQL user"},
    {"DB_PASSWORD", VAR_STR, VF_ALL | VF_SECRET | VF_REQUIRED_PROD, S(db_password), "", 0, 0,
     "MySQL password"},
    {"DB_NAME", VAR_STR, VF_ALL | VF_REQUIRED, S(db_name), NULL, 0, 0, "MySQL database"},
    {"DB_POOL_SIZE", VAR_UINT, VF_API | VF_ANALYZER, S(db_pool_size), NULL, 1, 1024,
     "connections in the pool (default HTTP_THREADS + 2; never below HTTP_THREADS)"},
    {"DB_CONNECT_TIMEOUT", VAR_UINT, VF_ALL, S(db_connect_timeout_s), "3", 1, 60,
     "MySQL connect/read timeout, seconds"},
    {"MIGRATIONS_DIR", VAR_STR, VF_MIGRATE | VF_API, S(migrations_dir), EEUM_DEFAULT_SQL_DIR, 0, 0,
     "folder of numbered NNN_name.sql migrations"},
    {"JWT_SECRET", VAR_STR, VF_API | VF_SECRET | VF_REQUIRED_PROD, S(jwt_secret), "", 0, 0,
     "HS256 signing secret (production: at least 32 characters)"},
    {"DOCS_USER", VAR_STR, VF_API, S(docs_user), "", 0, 0, "basic-auth user for /backend-docs"},
    {"DOCS_PASSWORD", VAR_STR, VF_API | VF_SECRET, S(docs_password), "", 0, 0,
     "basic-auth password for /backend-docs"},
    {"DOCS_ASSETS_DIR", VAR_STR, VF_API, S(docs_assets_dir), EEUM_DEFAULT_DOCS_ASSETS_DIR, 0, 0,
     "folder of the swagger-ui-dist files served under /backend-docs/"},
    {"LOGIN_MAX_FAILURES", VAR_UINT, VF_API, S(login_max_failures), "5", 1, 1000,
     "failed logins per email within LOGIN_WINDOW before 429"},
    {"LOGIN_IP_MAX_FAILURES", VAR_UINT, VF_API, S(login_ip_max_failures), "20", 1, 100000,
     "failed logins per client IP within LOGIN_WINDOW before 429"},
    {"LOGIN_WINDOW", VAR_UINT, VF_API, S(login_window_s), "900", 1, 86400,
     "sliding window for failed logins, seconds"},
    {"AWS_REGION", VAR_STR, VF_API | VF_ANALYZER, S(aws_region), "us-east-1", 0, 0,
     "AWS region for SigV4"},
    {"AWS_ACCESS_KEY_ID", VAR_STR, VF_API | VF_ANALYZER | VF_REQUIRED, S(aws_access_key_id), NULL,
     0, 0, "AWS access key id"},
    {"AWS_SECRET_ACCESS_KEY", VAR_STR, VF_API | VF_ANALYZER | VF_REQUIRED | VF_SECRET,
     S(aws_secret_access_key), NULL, 0, 0, "AWS secret access key"},
    {"AWS_SESSION_TOKEN", VAR_STR, VF_API | VF_ANALYZER | VF_SECRET, S(aws_session_token), "", 0, 0,
     "optional AWS session token"},
    {"SQS_QUEUE_URL", VAR_STR, VF_API | VF_ANALYZER | VF_REQUIRED, S(sqs_queue_url), NULL, 0, 0,
     "URL of the diary queue"},
    {"SQS_ENDPOINT", VAR_STR, VF_API | VF_ANALYZER, S(sqs_endpoint), "", 0, 0,
     "SQS endpoint (default: scheme and host of SQS_QUEUE_URL)"},
    {"SQS_TIMEOUT", VAR_UINT, VF_API | VF_ANALYZER, S(sqs_timeout_s), "5", 1, 60,
     "SQS request timeout, seconds (long polls add their wait)"},
    {"OUTBOX_SWEEP_MS", VAR_UINT, VF_API, S(outbox_sweep_ms), "1000", 10, 600000,
     "interval of the outbox publisher's sweep for due rows, ms (commits also wake it)"},
    {"USER_CACHE_TTL_MS", VAR_UINT, VF_API, S(user_cache_ttl_ms), "1000", 0, 60000,
     "how long a user's active state and profile stay cached in eeum-api, ms (0 = off)"},
    {"BOARD_CACHE_TTL_MS", VAR_UINT, VF_API, S(board_cache_ttl_ms), "1000", 0, 60000,
     "how long a post detail (post + comments) stays cached in eeum-api, ms (0 = off)"},
    {"BOARD_COUNT_TTL_MS", VAR_UINT, VF_API, S(board_count_ttl_ms), "2000", 0, 600000,
     "how long the post totals of GET /api/boards stay cached, ms (0 = count every time)"},
    {"VIEWS_FLUSH_MS", VAR_UINT, VF_API, S(views_flush_ms), "250", 10, 10000,
     "interval at which buffered post views are written to the database, ms"},
    {"EMOTION_MODEL", VAR_STR, VF_ANALYZER, S(emotion_model), EEUM_DEFAULT_EMOTION_MODEL, 0, 0,
     "eeum-analyzer: the emotion classifier's model file"},
    {"ANALYZER_WORKERS", VAR_UINT, VF_ANALYZER, S(analyzer_workers), "4", 1, 64,
     "eeum-analyzer: worker threads, each long-polling the queue and analysing its batch"},
    {"ANALYZER_HEALTH_PORT", VAR_UINT, VF_ANALYZER, S(analyzer_health_port), "8090", 0, 65535,
     "eeum-analyzer: port of /healthz and /metrics on BIND_ADDRESS (0 = none)"},
    {"ANALYZER_WAIT_SECONDS", VAR_UINT, VF_ANALYZER, S(analyzer_wait_s), "20", 1, 20,
     "eeum-analyzer: ReceiveMessage long-poll wait, seconds"},
    {"ANALYZER_VISIBILITY_TIMEOUT", VAR_UINT, VF_ANALYZER, S(analyzer_visibility_s), "30", 2, 43200,
     "eeum-analyzer: seconds a received message stays hidden (more than the wait)"},
    {"SQS_DLQ_URL", VAR_STR, VF_ANALYZER, S(sqs_dlq_url), "", 0, 0,
     "eeum-analyzer: dead-letter queue URL (default: from the queue's RedrivePolicy)"},
    {"LOG_FORMAT", VAR_STR, VF_ALL, 0, "text", 0, 0, "text | json"},
};

#undef S

#define NVARS (sizeof VARS / sizeof VARS[0])

static unsigned role_flag(enum config_role role)
{
    switch (role) {
    case CONFIG_ROLE_API:
        return VF_API;
    case CONFIG_ROLE_ANALYZER:
        return VF_ANALYZER;
    case CONFIG_ROLE_MIGRATE:
        return VF_MIGRATE;
    }
    return VF_API;
}

static int fail(char err[CONFIG_ERR_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(char err[CONFIG_ERR_LEN], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CONFIG_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    /* strtoull would skip any leading whitespace and accept a sign: demand a digit first. */
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = (unsigned long)v;
    return 0;
}

static char **str_field(struct config *cfg, const struct var *v)
{
    return (char **)(void *)((char *)cfg + v->offset);
}

static int set_uint_field(struct config *cfg, const struct var *v, unsigned long val)
{
    char *base = (char *)cfg + v->offset;
    if (v->offset == offsetof(struct config, max_body_bytes))
        *(size_t *)(void *)base = (size_t)val;
    else
        *(unsigned *)(void *)base = (unsigned)val;
    return 0;
}

static int origin_list_valid(const char *s)
{
    /* Each entry must be an exact origin: scheme://host[:port] with no path or wildcard. */
    const char *p = s;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && *p == ' ') {
            p++;
            n--;
        }
        while (n && p[n - 1] == ' ')
            n--;
        if (n) {
            if (!((n > 7 && strncmp(p, "http://", 7) == 0) ||
                  (n > 8 && strncmp(p, "https://", 8) == 0)))
                return -1;
            const char *host = (const char *)memchr(p, '/', n) + 2;
            if (memchr(host, '/', n - (size_t)(host - p)) || memchr(p, '*', n))
                return -1;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* Derive "scheme://host[:port]" from a queue URL. Returns a new string or NULL. */
static char *endpoint_from_url(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    const char *slash = strchr(p + 3, '/');
    size_t n = slash ? (size_t)(slash - url) : strlen(url);
    return strndup(url, n);
}

int config_load_from(struct config *cfg, enum config_role role, config_getter get, void *ctx,
                     char err[CONFIG_ERR_LEN])
{
    memset(cfg, 0, sizeof *cfg);
    err[0] = '\0';
    unsigned rf = role_flag(role);
    const char *env = get(ctx, "APP_ENV");
    bool production = env && strcmp(env, "production") == 0;
    const char *log_format = "text";
    bool pool_given = false;

    for (size_t i = 0; i < NVARS; i++) {
        const struct var *v = &VARS[i];
        const char *val = get(ctx, v->name);
        if (val && !*val && v->def && !(v->flags & VF_SECRET))
            val = NULL; /* an empty value means "use the default" */
        bool needed = (v->flags & rf) != 0;
        if (!val || !*val) {
            if (needed && (v->flags & VF_REQUIRED))
                return config_free(cfg), fail(err, "%s is required but not set", v->name);
            if (needed && production && (v->flags & VF_REQUIRED_PROD))
                return config_free(cfg),
                       fail(err, "%s is required when APP_ENV=production", v->name);
        }
        if (!val)
            val = v->def;
        if (strcmp(v->name, "LOG_FORMAT") == 0) {
            if (val && strcmp(val, "text") != 0 && strcmp(val, "json") != 0)
                return config_free(cfg), fail(err, "LOG_FORMAT must be text or json");
            log_format = val ? val : "text";
            continue;
        }
        if (v->kind == VAR_UINT) {
            if (!val)
                continue; /* computed below (DB_POOL_SIZE) */
            unsigned long u;
            if (parse_uint(val, v->min, v->max, &u) != 0)
                return config_free(cfg),
                       fail(err, "%s must be an integer in %lu..%lu", v->name, v->min, v->max);
            set_uint_field(cfg, v, u);
            if (v->offset == offsetof(struct config, db_pool_size))
                pool_given = true;
        } else {
            char *copy = strdup(val ? val : "");
            if (!copy)
                return config_free(cfg), fail(err, "out of memory");
            *str_field(cfg, v) = copy;
        }
    }

    cfg->production = strcmp(cfg->app_env, "production") == 0;
    cfg->log_json = strcmp(log_format, "json") == 0;
    if (!cfg->production && strcmp(cfg->app_env, "development") != 0)
        return config_free(cfg), fail(err, "APP_ENV must be development or production");
    enum log_level lvl;
    if (!log_level_parse(cfg->log_level, &lvl))
        return config_free(cfg), fail(err, "LOG_LEVEL must be debug, info, warn or error");
    if (role == CONFIG_ROLE_API) {
        unsigned char addr[16];
        if (inet_pton(AF_INET, cfg->bind_address, addr) != 1 &&
            inet_pton(AF_INET6, cfg->bind_address, addr) != 1)
            return config_free(cfg), fail(err, "BIND_ADDRESS must be an IPv4 or IPv6 address");
        if (origin_list_valid(cfg->cors_origins) != 0)
            return config_free(cfg),
                   fail(err, "CORS_ORIGINS must list exact origins like https://example.com");
        if (cfg->production && strlen(cfg->jwt_secret) < 32)
            return config_free(cfg),
                   fail(err, "JWT_SECRET must be at least 32 characters when APP_ENV=production");
    }
    if (role == CONFIG_ROLE_ANALYZER && cfg->analyzer_visibility_s <= cfg->analyzer_wait_s)
        return config_free(cfg), fail(err,
                                      "ANALYZER_VISIBILITY_TIMEOUT must be more than "
                                      "ANALYZER_WAIT_SECONDS (%u)",
                                      cfg->analyzer_wait_s);
    if (!pool_given)
        cfg->db_pool_size = (cfg->http_threads ? cfg->http_threads : 2) + 2;
    if (role == CONFIG_ROLE_API && cfg->db_pool_size < cfg->http_threads)
        return config_free(cfg),
               fail(err, "DB_POOL_SIZE must be at least HTTP_THREADS (%u)", cfg->http_threads);
    if (rf & (VF_API | VF_ANALYZER)) {
        const char *q = cfg->sqs_queue_url;
        if (strncmp(q, "http://", 7) != 0 && strncmp(q, "https://", 8) != 0)
            return config_free(cfg), fail(err, "SQS_QUEUE_URL must be an http(s) URL");
        if (!*cfg->sqs_endpoint) {
            char *ep = endpoint_from_url(q);
            if (!ep)
                return config_free(cfg), fail(err, "SQS_QUEUE_URL must be an http(s) URL");
            free(cfg->sqs_endpoint);
            cfg->sqs_endpoint = ep;
        }
    }
    return 0;
}

/* ---- .env parsing ---- */

struct kv {
    char *key;
    char *val;
};

struct kv_list {
    struct kv *items;
    size_t n, cap;
};

static void kv_add(void *ctx, const char *key, const char *val)
{
    struct kv_list *l = ctx;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        struct kv *p = realloc(l->items, ncap * sizeof *p);
        if (!p)
            return;
        l->items = p;
        l->cap = ncap;
    }
    char *k = strdup(key), *v = strdup(val);
    if (!k || !v) {
        free(k);
        free(v);
        return;
    }
    l->items[l->n++] = (struct kv){k, v};
}

static void kv_free(struct kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].val);
    }
    free(l->items);
}

static bool is_key_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

int config_parse_dotenv(const char *text, void (*cb)(void *ctx, const char *key, const char *val),
                        void *ctx, int *out_bad_line)
{
    int count = 0, lineno = 0;
    const char *p = text;
    while (*p) {
        lineno++;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char line[4096];
        if (n >= sizeof line) {
            *out_bad_line = lineno;
            return -1;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        p = eol ? eol + 1 : p + n;
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (strncmp(s, "export ", 7) == 0)
            s += 7;
        while (*s == ' ')
            s++;
        char *k = s;
        if (!is_key_char(*s, true)) {
            *out_bad_line = lineno;
            return -1;
        }
        while (is_key_char(*s, false))
            s++;
        char *kend = s;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s != '=') {
            *out_bad_line = lineno;
            return -1;
        }
        *kend = '\0';
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        char *v = s;
        if (*s == '"' || *s == '\'') {
            char q = *s;
            v = ++s;
            char *close = strchr(s, q);
            if (!close) {
                *out_bad_line = lineno;
                return -1;
            }
            *close = '\0';
        } else {
            char *hash = strstr(v, " #");
            if (hash)
                *hash = '\0';
            size_t vl = strlen(v);
            while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                v[--vl] = '\0';
        }
        cb(ctx, k, v);
        count++;
    }
    return count;
}

static const char *env_then_dotenv(void *ctx, const char *key)
{
    const char *v = getenv(key);
    if (v)
        return v;
    struct kv_list *l = ctx;
    /* Later lines win, as in shells. */
    for (size_t i = l->n; i-- > 0;)
        if (strcmp(l->items[i].key, key) == 0)
            return l->items[i].val;
    return NULL;
}

int config_load(struct config *out, enum config_role role, const char *dotenv_path,
                char err[CONFIG_ERR_LEN])
{
    struct kv_list kv = {0};
    int rc = -1;
    char *text = NULL;
    if (dotenv_path) {
        FILE *f = fopen(dotenv_path, "rb");
        if (f) {
            text = calloc(1, DOTENV_MAX_BYTES + 1);
            size_t n = text ? fread(text, 1, DOTENV_MAX_BYTES + 1, f) : 0;
            fclose(f);
            if (!text) {
                fail(err, "out of memory");
                goto out;
            }
            if (n > DOTENV_MAX_BYTES) {
                fail(err, "%s is larger than %d bytes", dotenv_path, DOTENV_MAX_BYTES);
                goto out;
            }
            int bad = 0;
            if (config_parse_dotenv(text, kv_add, &kv, &bad) < 0) {
                fail(err, "%s: malformed line %d (expected KEY=VALUE)", dotenv_path, bad);
                goto out;
            }
        }
    }
    rc = config_load_from(out, role, env_then_dotenv, &kv, err);
out:
    free(text);
    kv_free(&kv);
    return rc;
}

void config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < NVARS; i++)
        if (VARS[i].kind == VAR_STR && strcmp(VARS[i].name, "LOG_FORMAT") != 0)
            free(*str_field(cfg, &VARS[i]));
    memset(cfg, 0, sizeof *cfg);
}

void config_print(const struct config *cfg, FILE *out)
{
    for (size_t i = 0; i < NVARS; i++) {
        const struct var *v = &VARS[i];
        if (strcmp(v->name, "LOG_FORMAT") == 0) {
            fprintf(out, "LOG_FORMAT=%s\n", cfg->log_json ? "json" : "text");
            continue;
        }
        if (v->kind == VAR_UINT) {
            const char *base = (const char *)cfg + v->offset;
            if (v->offset == offsetof(struct config, max_body_bytes))
                fprintf(out, "%s=%zu\n", v->name, *(const size_t *)(const void *)base);
            else
                fprintf(out, "%s=%u\n", v->name, *(const unsigned *)(const void *)base);
            continue;
        }
        const char *s = *(char *const *)(const void *)((const char *)cfg + v->offset);
        if (!s)
            continue;
        if (v->flags & VF_SECRET)
            fprintf(out, "%s=%s\n", v->name, *s ? "<set, hidden>" : "<empty>");
        else
            fprintf(out, "%s=%s\n", v->name, s);
    }
}

void config_print_help(FILE *out)
{
    fprintf(out, "Configuration (environment variables; a .env file in the working directory "
                 "fills in what the environment lacks):\n");
    for (size_t i = 0; i < NVARS; i++) {
        const struct var *v = &VARS[i];
        fprintf(out, "  %-22s %s%s%s%s\n", v->name, v->help, v->def && *v->def ? " [default: " : "",
                v->def && *v->def ? v->def : "", v->def && *v->def ? "]" : "");
    }
}

/*
 * test_config.c - configuration loading and validation, .env parsing, and secret masking.
 */
#include "eeum/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- a getter over static tables ---- */

struct kv {
    const char *key;
    const char *val; /* NULL = not set (hides a base value) */
};

/* The smallest valid configuration for the API role. */
static const struct kv BASE_API[] = {
    {"DB_HOST", "127.0.0.1"},
    {"DB_USER", "eeum"},
    {"DB_NAME", "eeum_test"},
    {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
    {"AWS_SECRET_ACCESS_KEY", "aws-secret-value-0001"},
    {"SQS_QUEUE_URL", "http://127.0.0.1:9324/123/q.fifo"},
};

static const struct kv BASE_MIGRATE[] = {
    {"DB_HOST", "127.0.0.1"},
    {"DB_USER", "eeum"},
    {"DB_NAME", "eeum_test"},
};

struct env {
    const struct kv *base;
    size_t nbase;
    const struct kv *over; /* searched first */
    size_t nover;
};

static const char *env_get(void *ctx, const char *key)
{
    const struct env *e = ctx;
    for (size_t i = 0; i < e->nover; i++)
        if (strcmp(e->over[i].key, key) == 0)
            return e->over[i].val;
    for (size_t i = 0; i < e->nbase; i++)
        if (strcmp(e->base[i].key, key) == 0)
            return e->base[i].val;
    return NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int load_with(enum config_role role, const struct kv *base, size_t nbase,
                     const struct kv *over, size_t nover, struct config *cfg,
                     char err[CONFIG_ERR_LEN])
{
    struct env e = {base, nbase, over, nover};
    memset(err, 'X', CONFIG_ERR_LEN);
    err[CONFIG_ERR_LEN - 1] = '\0';
    return config_load_from(cfg, role, env_get, &e, err);
}

static int load_api(const struct kv *over, size_t nover, struct config *cfg,
                    char err[CONFIG_ERR_LEN])
{
    return load_with(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, nover, cfg, err);
}

/* Loading must fail with a message that names `var`; the struct is left empty. */
static void expect_error_naming(enum config_role role, const struct kv *base, size_t nbase,
                                const struct kv *over, size_t nover, const char *var,
                                const char *what)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    int rc = load_with(role, base, nbase, over, nover, &cfg, err);
    if (rc != -1) {
        if (rc == 0)
            config_free(&cfg);
        fail_msg("%s: loaded (rc %d), want an error naming %s", what, rc, var);
    }
    if (!strstr(err, var))
        fail_msg("%s: error \"%s\" does not name %s", what, err, var);
    if (cfg.db_host || cfg.app_env || cfg.sqs_queue_url)
        fail_msg("%s: strings left behind after a failed load", what);
}

/* ---- defaults and derived values ---- */

static void minimal_api_config_gets_the_documented_defaults(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(NULL, 0, &cfg, err), 0);
    assert_string_equal(err, "");
    assert_int_equal(cfg.port, 8080);
    assert_int_equal(cfg.http_threads, 4);
    assert_int_equal(cfg.max_body_bytes, 1048576);
    assert_int_equal(cfg.db_pool_size, 6);
    assert_string_equal(cfg.bind_address, "127.0.0.1");
    assert_string_equal(cfg.app_tz, "Asia/Seoul");
    assert_string_equal(cfg.app_env, "development");
    assert_false(cfg.production);
    assert_string_equal(cfg.log_level, "info");
    assert_false(cfg.log_json);
    assert_int_equal(cfg.db_port, 3306);
    assert_int_equal(cfg.http_conn_limit, 1024);
    assert_int_equal(cfg.http_conn_timeout_s, 30);
    assert_int_equal(cfg.shutdown_timeout_s, 10);
    assert_int_equal(cfg.db_connect_timeout_s, 3);
    assert_int_equal(cfg.sqs_timeout_s, 5);
    assert_string_equal(cfg.aws_region, "us-east-1");
    assert_string_equal(cfg.cors_origins, "");
    assert_string_equal(cfg.db_password, "");
    assert_string_equal(cfg.jwt_secret, "");
    assert_non_null(cfg.migrations_dir);
    assert_true(strlen(cfg.migrations_dir) > 0);
    /* Given values are copied through. */
    assert_string_equal(cfg.db_host, "127.0.0.1");
    assert_string_equal(cfg.db_user, "eeum");
    assert_string_equal(cfg.db_name, "eeum_test");
    assert_string_equal(cfg.aws_access_key_id, "AKIDEXAMPLE");
    assert_string_equal(cfg.aws_secret_access_key, "aws-secret-value-0001");
    assert_string_equal(cfg.sqs_queue_url, "http://127.0.0.1:9324/123/q.fifo");
    config_free(&cfg);
}

static void empty_values_mean_the_default(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"PORT", ""}, {"APP_TZ", ""}, {"LOG_FORMAT", ""}};
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_int_equal(cfg.port, 8080);
    assert_string_equal(cfg.app_tz, "Asia/Seoul");
    assert_false(cfg.log_json);
    config_free(&cfg);
}

static void given_values_override_the_defaults(void **state)
{
    (void)state;
    static const struct kv OVER[] = {
        {"PORT", "1"},
        {"HTTP_THREADS", "8"},
        {"MAX_BODY_BYTES", "2048"},
        {"BIND_ADDRESS", "::"},
        {"APP_TZ", "UTC"},
        {"DB_PORT", "65535"},
        {"LOG_LEVEL", "debug"},
        {"AWS_REGION", "ap-northeast-2"},
    };
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_int_equal(cfg.port, 1);
    assert_int_equal(cfg.http_threads, 8);
    assert_int_equal(cfg.max_body_bytes, 2048);
    assert_string_equal(cfg.bind_address, "::");
    assert_string_equal(cfg.app_tz, "UTC");
    assert_int_equal(cfg.db_port, 65535);
    assert_string_equal(cfg.log_level, "debug");
    assert_string_equal(cfg.aws_region, "ap-northeast-2");
    /* The pool follows HTTP_THREADS when not given. */
    assert_int_equal(cfg.db_pool_size, 10);
    config_free(&cfg);
}

static void pool_size_equal_to_http_threads_is_accepted(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"HTTP_THREADS", "4"}, {"DB_POOL_SIZE", "4"}};
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_int_equal(cfg.db_pool_size, 4);
    config_free(&cfg);
}

static void pool_size_below_http_threads_is_an_error(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"HTTP_THREADS", "8"}, {"DB_POOL_SIZE", "7"}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), OVER, N(OVER), "DB_POOL_SIZE",
                        "pool 7 < threads 8");
}

static void sqs_endpoint_is_derived_from_the_queue_url(void **state)
{
    (void)state;
    struct url_case {
        const char *url, *endpoint;
    };
    static const struct url_case CASES[] = {
        {"http://127.0.0.1:9324/123/q.fifo", "http://127.0.0.1:9324"},
        {"https://sqs.ap-northeast-2.amazonaws.com/123456789012/eeum.fifo",
         "https://sqs.ap-northeast-2.amazonaws.com"},
        {"http://localhost:9324", "http://localhost:9324"},
    };
    for (size_t i = 0; i < N(CASES); i++) {
        struct kv over[] = {{"SQS_QUEUE_URL", CASES[i].url}};
        struct config cfg;
        char err[CONFIG_ERR_LEN];
        if (load_api(over, 1, &cfg, err) != 0)
            fail_msg("%s: %s", CASES[i].url, err);
        assert_string_equal(cfg.sqs_endpoint, CASES[i].endpoint);
        config_free(&cfg);
    }
}

static void explicit_sqs_endpoint_wins(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"SQS_ENDPOINT", "http://sqs.internal:4566"}};
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_string_equal(cfg.sqs_endpoint, "http://sqs.internal:4566");
    config_free(&cfg);
}

static void queue_url_that_is_not_http_is_an_error(void **state)
{
    (void)state;
    static const char *const BAD[] = {"sqs://queue", "127.0.0.1:9324/123/q", "ftp://x/y", "q"};
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"SQS_QUEUE_URL", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "SQS_QUEUE_URL",
                            BAD[i]);
    }
}

/* ---- required variables per role ---- */

static const char *const API_REQUIRED[] = {
    "DB_HOST", "DB_USER", "DB_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "SQS_QUEUE_URL"};

/* True when `err` names one of the required variables of `names`. */
static bool names_one_of(const char *err, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(err, names[i]))
            return true;
    return false;
}

static void each_missing_required_variable_is_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(API_REQUIRED); i++) {
        struct kv unset[] = {{API_REQUIRED[i], NULL}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), unset, 1, API_REQUIRED[i],
                            "api, unset");
        expect_error_naming(CONFIG_ROLE_ANALYZER, BASE_API, N(BASE_API), unset, 1, API_REQUIRED[i],
                            "analyzer, unset");
        struct kv empty[] = {{API_REQUIRED[i], ""}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), empty, 1, API_REQUIRED[i],
                            "api, empty");
    }
}

static void nothing_set_names_a_required_variable(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_with(CONFIG_ROLE_API, NULL, 0, NULL, 0, &cfg, err), -1);
    assert_true(names_one_of(err, API_REQUIRED, N(API_REQUIRED)));
}

static void migrate_role_needs_only_the_database(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(
        load_with(CONFIG_ROLE_MIGRATE, BASE_MIGRATE, N(BASE_MIGRATE), NULL, 0, &cfg, err), 0);
    assert_string_equal(cfg.db_host, "127.0.0.1");
    assert_string_equal(cfg.db_name, "eeum_test");
    assert_int_equal(cfg.db_port, 3306);
    config_free(&cfg);

    for (size_t i = 0; i < 3; i++) {
        struct kv unset[] = {{BASE_MIGRATE[i].key, NULL}};
        expect_error_naming(CONFIG_ROLE_MIGRATE, BASE_MIGRATE, N(BASE_MIGRATE), unset, 1,
                            BASE_MIGRATE[i].key, "migrate");
    }
}

static void analyzer_role_loads_the_minimal_config(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_with(CONFIG_ROLE_ANALYZER, BASE_API, N(BASE_API), NULL, 0, &cfg, err), 0);
    assert_string_equal(cfg.sqs_endpoint, "http://127.0.0.1:9324");
    config_free(&cfg);
}

/* ---- integers ---- */

struct bad_value {
    const char *var, *val;
};

static void malformed_or_out_of_range_integers_name_the_variable(void **state)
{
    (void)state;
    static const struct bad_value CASES[] = {
        {"PORT", "abc"},
        {"PORT", "-1"},
        {"PORT", "0"},
        {"PORT", "70000"},
        {"PORT", "65536"},
        {"PORT", " 8080"},
        {"PORT", "8080 "},
        {"PORT", "8080x"},
        {"PORT", "+8080"},
        {"PORT", "\t8080"},
        {"PORT", "\n8080"},
        {"PORT", "0x1F90"},
        {"PORT", "8080.0"},
        {"PORT", "1e3"},
        {"PORT", "99999999999999999999999"},
        {"PORT", "18446744073709551617"},
        {"HTTP_THREADS", "0"},
        {"HTTP_THREADS", "257"},
        {"HTTP_THREADS", "four"},
        {"MAX_BODY_BYTES", "1023"},
        {"MAX_BODY_BYTES", "-1048576"},
        {"MAX_BODY_BYTES", "1MiB"},
        {"DB_PORT", "0"},
        {"DB_PORT", "3306a"},
        {"DB_POOL_SIZE", "0"},
        {"DB_POOL_SIZE", "-6"},
        {"DB_POOL_SIZE", "1025"},
        {"HTTP_CONN_LIMIT", "0"},
        {"HTTP_CONN_TIMEOUT", "3601"},
        {"SHUTDOWN_TIMEOUT", "301"},
        {"DB_CONNECT_TIMEOUT", "0"},
        {"SQS_TIMEOUT", "61"},
    };
    for (size_t i = 0; i < N(CASES); i++) {
        struct kv over[] = {{CASES[i].var, CASES[i].val}};
        char what[96];
        snprintf(what, sizeof what, "%s=\"%s\"", CASES[i].var, CASES[i].val);
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, CASES[i].var, what);
    }
}

static void integer_bounds_are_inclusive(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"PORT", "65535"},
                                     {"HTTP_THREADS", "256"},
                                     {"DB_POOL_SIZE", "1024"},
                                     {"MAX_BODY_BYTES", "1024"},
                                     {"SHUTDOWN_TIMEOUT", "0"}};
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_int_equal(cfg.port, 65535);
    assert_int_equal(cfg.http_threads, 256);
    assert_int_equal(cfg.db_pool_size, 1024);
    assert_int_equal(cfg.max_body_bytes, 1024);
    assert_int_equal(cfg.shutdown_timeout_s, 0);
    config_free(&cfg);
}

/* ---- production ---- */

#define SECRET_32 "0123456789abcdef0123456789abcdef"

static const struct kv PROD_OK[] = {
    {"APP_ENV", "production"},
    {"JWT_SECRET", SECRET_32},
    {"DB_PASSWORD", "db-pass"},
};

static void production_with_strong_secrets_loads(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(PROD_OK, N(PROD_OK), &cfg, err), 0);
    assert_true(cfg.production);
    assert_string_equal(cfg.app_env, "production");
    assert_string_equal(cfg.jwt_secret, SECRET_32);
    config_free(&cfg);
}

static void production_with_a_short_jwt_secret_is_an_error(void **state)
{
    (void)state;
    static const struct kv SHORT[] = {{"APP_ENV", "production"},
                                      {"JWT_SECRET", "0123456789abcdef0123456789abcde"},
                                      {"DB_PASSWORD", "db-pass"}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), SHORT, N(SHORT), "JWT_SECRET",
                        "31-character secret");
    static const struct kv TINY[] = {
        {"APP_ENV", "production"}, {"JWT_SECRET", "x"}, {"DB_PASSWORD", "db-pass"}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), TINY, N(TINY), "JWT_SECRET",
                        "1-character secret");
}

static void production_without_a_jwt_secret_is_an_error(void **state)
{
    (void)state;
    static const struct kv UNSET[] = {
        {"APP_ENV", "production"}, {"JWT_SECRET", NULL}, {"DB_PASSWORD", "db-pass"}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), UNSET, N(UNSET), "JWT_SECRET",
                        "unset secret");
    static const struct kv EMPTY[] = {
        {"APP_ENV", "production"}, {"JWT_SECRET", ""}, {"DB_PASSWORD", "db-pass"}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), EMPTY, N(EMPTY), "JWT_SECRET",
                        "empty secret");
}

static void production_without_a_db_password_is_an_error(void **state)
{
    (void)state;
    static const struct kv UNSET[] = {
        {"APP_ENV", "production"}, {"JWT_SECRET", SECRET_32}, {"DB_PASSWORD", NULL}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), UNSET, N(UNSET), "DB_PASSWORD",
                        "api");
    static const struct kv EMPTY[] = {
        {"APP_ENV", "production"}, {"JWT_SECRET", SECRET_32}, {"DB_PASSWORD", ""}};
    expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), EMPTY, N(EMPTY), "DB_PASSWORD",
                        "api, empty");
    static const struct kv MIGRATE[] = {{"APP_ENV", "production"}};
    expect_error_naming(CONFIG_ROLE_MIGRATE, BASE_MIGRATE, N(BASE_MIGRATE), MIGRATE, N(MIGRATE),
                        "DB_PASSWORD", "migrate");
}

static void development_accepts_weak_secrets(void **state)
{
    (void)state;
    static const struct kv OVER[] = {{"APP_ENV", "development"}, {"JWT_SECRET", "dev"}};
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    assert_false(cfg.production);
    assert_string_equal(cfg.jwt_secret, "dev");
    config_free(&cfg);
}

static void unknown_app_env_is_an_error(void **state)
{
    (void)state;
    static const char *const BAD[] = {"staging", "Production", "prod", " production"};
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"APP_ENV", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "APP_ENV", BAD[i]);
    }
}

/* ---- logging ---- */

static void log_format_json_and_text_are_recognised(void **state)
{
    (void)state;
    struct fmt_case {
        const char *val;
        bool json;
    };
    static const struct fmt_case CASES[] = {{"json", true}, {"text", false}, {NULL, false}};
    for (size_t i = 0; i < N(CASES); i++) {
        struct kv over[] = {{"LOG_FORMAT", CASES[i].val}};
        struct config cfg;
        char err[CONFIG_ERR_LEN];
        assert_int_equal(load_api(over, 1, &cfg, err), 0);
        assert_int_equal(cfg.log_json, CASES[i].json);
        config_free(&cfg);
    }
}

static void other_log_formats_are_an_error(void **state)
{
    (void)state;
    static const char *const BAD[] = {"xml", "JSONL", "logfmt", "json "};
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"LOG_FORMAT", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "LOG_FORMAT", BAD[i]);
    }
}

static void log_levels_are_validated(void **state)
{
    (void)state;
    static const char *const OK[] = {"debug", "info", "warn", "error"};
    for (size_t i = 0; i < N(OK); i++) {
        struct kv over[] = {{"LOG_LEVEL", OK[i]}};
        struct config cfg;
        char err[CONFIG_ERR_LEN];
        if (load_api(over, 1, &cfg, err) != 0)
            fail_msg("LOG_LEVEL=%s: %s", OK[i], err);
        config_free(&cfg);
    }
    static const char *const BAD[] = {"verbose", "trace", "fatal", "0", "info,debug"};
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"LOG_LEVEL", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "LOG_LEVEL", BAD[i]);
    }
}

/* ---- addresses and origins ---- */

static void bind_address_must_be_an_ip_address(void **state)
{
    (void)state;
    static const char *const OK[] = {"0.0.0.0", "127.0.0.1", "::", "::1"};
    for (size_t i = 0; i < N(OK); i++) {
        struct kv over[] = {{"BIND_ADDRESS", OK[i]}};
        struct config cfg;
        char err[CONFIG_ERR_LEN];
        if (load_api(over, 1, &cfg, err) != 0)
            fail_msg("BIND_ADDRESS=%s: %s", OK[i], err);
        config_free(&cfg);
    }
    static const char *const BAD[] = {"localhost", "256.0.0.1", "1.2.3", "*"};
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"BIND_ADDRESS", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "BIND_ADDRESS",
                            BAD[i]);
    }
}

static void exact_cors_origins_are_accepted(void **state)
{
    (void)state;
    static const char *const OK[] = {
        "https://eeum.example",
        "http://localhost:5173",
        "http://localhost:5173, https://eeum.example",
        " https://a.example ,https://b.example:8443 ",
    };
    for (size_t i = 0; i < N(OK); i++) {
        struct kv over[] = {{"CORS_ORIGINS", OK[i]}};
        struct config cfg;
        char err[CONFIG_ERR_LEN];
        if (load_api(over, 1, &cfg, err) != 0)
            fail_msg("CORS_ORIGINS=\"%s\": %s", OK[i], err);
        assert_string_equal(cfg.cors_origins, OK[i]);
        config_free(&cfg);
    }
}

static void cors_origins_with_a_wildcard_or_a_path_are_an_error(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "*",
        "https://*.eeum.example",
        "https://eeum.example/app",
        "https://eeum.example/",
        "https://ok.example, https://eeum.example/path",
        "eeum.example",
        "ftp://eeum.example",
        "http://",
        "https://",
    };
    for (size_t i = 0; i < N(BAD); i++) {
        struct kv over[] = {{"CORS_ORIGINS", BAD[i]}};
        expect_error_naming(CONFIG_ROLE_API, BASE_API, N(BASE_API), over, 1, "CORS_ORIGINS",
                            BAD[i]);
    }
}

/* ---- printing ---- */

static char *print_to_string(const struct config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print(cfg, f);
    assert_int_equal(fclose(f), 0);
    assert_non_null(text);
    return text;
}

static void config_print_never_prints_secret_values(void **state)
{
    (void)state;
    static const struct kv OVER[] = {
        {"APP_ENV", "production"},
        {"JWT_SECRET", "jwt-secret-value-0123456789abcdef"},
        {"DB_PASSWORD", "db-password-value-0002"},
        {"DOCS_PASSWORD", "docs-password-value-0003"},
        {"AWS_SESSION_TOKEN", "aws-session-token-value-0004"},
    };
    static const char *const SECRETS[] = {
        "jwt-secret-value",        "db-password-value", "docs-password-value",
        "aws-session-token-value", "aws-secret-value", /* from BASE_API */
    };
    static const char *const MASKED[] = {
        "JWT_SECRET=<set, hidden>\n",
        "DB_PASSWORD=<set, hidden>\n",
        "DOCS_PASSWORD=<set, hidden>\n",
        "AWS_SESSION_TOKEN=<set, hidden>\n",
        "AWS_SECRET_ACCESS_KEY=<set, hidden>\n",
    };
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(OVER, N(OVER), &cfg, err), 0);
    char *text = print_to_string(&cfg);
    for (size_t i = 0; i < N(SECRETS); i++)
        if (strstr(text, SECRETS[i]))
            fail_msg("secret \"%s\" printed:\n%s", SECRETS[i], text);
    for (size_t i = 0; i < N(MASKED); i++)
        if (!strstr(text, MASKED[i]))
            fail_msg("missing \"%s\" in:\n%s", MASKED[i], text);
    /* Non-secret values are printed as they are. */
    assert_non_null(strstr(text, "DB_HOST=127.0.0.1\n"));
    assert_non_null(strstr(text, "PORT=8080\n"));
    assert_non_null(strstr(text, "MAX_BODY_BYTES=1048576\n"));
    assert_non_null(strstr(text, "LOG_FORMAT=text\n"));
    assert_non_null(strstr(text, "SQS_ENDPOINT=http://127.0.0.1:9324\n"));
    free(text);
    config_free(&cfg);
}

static void config_print_shows_unset_secrets_as_empty(void **state)
{
    (void)state;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(NULL, 0, &cfg, err), 0);
    char *text = print_to_string(&cfg);
    assert_non_null(strstr(text, "JWT_SECRET=<empty>\n"));
    assert_non_null(strstr(text, "DB_PASSWORD=<empty>\n"));
    assert_null(strstr(text, "JWT_SECRET=<set"));
    free(text);
    config_free(&cfg);
}

static void config_help_lists_every_variable_with_defaults(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print_help(f);
    fclose(f);
    static const char *const VARS[] = {"PORT",         "DB_HOST",       "DB_PASSWORD", "JWT_SECRET",
                                       "CORS_ORIGINS", "SQS_QUEUE_URL", "LOG_FORMAT",  "APP_TZ"};
    for (size_t i = 0; i < N(VARS); i++)
        if (!strstr(text, VARS[i]))
            fail_msg("--help does not mention %s", VARS[i]);
    assert_non_null(strstr(text, "[default: 8080]"));
    assert_non_null(strstr(text, "[default: Asia/Seoul]"));
    free(text);
}

static void config_free_is_null_safe_and_zeroes(void **state)
{
    (void)state;
    config_free(NULL);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(load_api(NULL, 0, &cfg, err), 0);
    config_free(&cfg);
    assert_null(cfg.db_host);
    assert_int_equal(cfg.port, 0);
    config_free(&cfg);
}

/* ---- .env parsing ---- */

#define MAX_PAIRS 32

struct pairs {
    size_t n;
    char *key[MAX_PAIRS];
    char *val[MAX_PAIRS];
};

static void collect(void *ctx, const char *key, const char *val)
{
    struct pairs *p = ctx;
    assert_true(p->n < MAX_PAIRS);
    p->key[p->n] = strdup(key);
    p->val[p->n] = strdup(val);
    p->n++;
}

static void pairs_free(struct pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->key[i]);
        free(p->val[i]);
    }
    p->n = 0;
}

static void dotenv_parses_comments_exports_quotes_and_crlf(void **state)
{
    (void)state;
    static const char TEXT[] = "# a comment\n"
                               "\n"
                               "   \n"
                               "PLAIN=value\n"
                               "export EXPORTED=yes\n"
                               "DOUBLE=\"a b # not a comment\"\n"
                               "SINGLE='it is $HOME'\n"
                               "TRAILING=value # a comment\n"
                               "HASH_IN_VALUE=a#b\n"
                               "CRLF=windows\r\n"
                               "  INDENTED = spaced  \n"
                               "EMPTY=\n"
                               "EMPTY_QUOTED=\"\"\n"
                               "URL=http://127.0.0.1:9324/123/q.fifo?x=1\n"
                               "KOREAN=\"야식\"\n"
                               "\t# indented comment\n"
                               "LAST=no newline";
    struct {
        const char *k, *v;
    } const WANT[] = {
        {"PLAIN", "value"},
        {"EXPORTED", "yes"},
        {"DOUBLE", "a b # not a comment"},
        {"SINGLE", "it is $HOME"},
        {"TRAILING", "value"},
        {"HASH_IN_VALUE", "a#b"},
        {"CRLF", "windows"},
        {"INDENTED", "spaced"},
        {"EMPTY", ""},
        {"EMPTY_QUOTED", ""},
        {"URL", "http://127.0.0.1:9324/123/q.fifo?x=1"},
        {"KOREAN", "야식"},
        {"LAST", "no newline"},
    };
    struct pairs p = {0};
    int bad = -7;
    int n = config_parse_dotenv(TEXT, collect, &p, &bad);
    assert_int_equal(n, N(WANT));
    assert_int_equal(p.n, N(WANT));
    for (size_t i = 0; i < N(WANT); i++) {
        if (strcmp(p.key[i], WANT[i].k) != 0 || strcmp(p.val[i], WANT[i].v) != 0)
            fail_msg("pair %zu: %s=[%s], want %s=[%s]", i, p.key[i], p.val[i], WANT[i].k,
                     WANT[i].v);
    }
    pairs_free(&p);
}

static void dotenv_empty_text_has_no_pairs(void **state)
{
    (void)state;
    struct pairs p = {0};
    int bad = 0;
    assert_int_equal(config_parse_dotenv("", collect, &p, &bad), 0);
    assert_int_equal(config_parse_dotenv("# only\n\n\r\n", collect, &p, &bad), 0);
    assert_int_equal(p.n, 0);
}

static void dotenv_malformed_line_returns_its_number(void **state)
{
    (void)state;
    struct bad_line {
        const char *text;
        int line;
    };
    static const struct bad_line CASES[] = {
        {"A=1\nB=2\nNOEQUALS\nC=3\n", 3},
        {"=value\n", 1},
        {"# c\n\n1KEY=v\n", 3},
        {"A=1\nKEY-WITH-DASH=v\n", 2},
        {"A=1\r\nB=\"unterminated\r\nC=3\r\n", 2},
        {"A='unterminated\n", 1},
        {"A=1\n\n\n\nexport\n", 5},
        {"A B=1\n", 1},
        {"A=1\n  : not a pair\n", 2},
    };
    for (size_t i = 0; i < N(CASES); i++) {
        struct pairs p = {0};
        int bad = 0;
        int n = config_parse_dotenv(CASES[i].text, collect, &p, &bad);
        pairs_free(&p);
        if (n != -1 || bad != CASES[i].line)
            fail_msg("case %zu: returned %d with line %d, want -1 with line %d", i, n, bad,
                     CASES[i].line);
    }
}

static void dotenv_overlong_line_is_malformed(void **state)
{
    (void)state;
    size_t len = 10000;
    char *text = malloc(len + 16);
    assert_non_null(text);
    memcpy(text, "A=1\nB=", 6);
    memset(text + 6, 'x', len);
    memcpy(text + 6 + len, "\n", 2);
    struct pairs p = {0};
    int bad = 0;
    assert_int_equal(config_parse_dotenv(text, collect, &p, &bad), -1);
    assert_int_equal(bad, 2);
    pairs_free(&p);
    free(text);
}

/* ---- config_load: a real .env file and the real environment ---- */

/* Every variable config_load reads; cleared around these tests so the caller's environment
 * cannot change the outcome. */
static const char *const ALL_VARS[] = {
    "APP_ENV",
    "APP_TZ",
    "LOG_LEVEL",
    "BIND_ADDRESS",
    "PORT",
    "HTTP_THREADS",
    "HTTP_CONN_LIMIT",
    "HTTP_CONN_TIMEOUT",
    "SHUTDOWN_TIMEOUT",
    "MAX_BODY_BYTES",
    "CORS_ORIGINS",
    "DB_HOST",
    "DB_PORT",
    "DB_USER",
    "DB_PASSWORD",
    "DB_NAME",
    "DB_POOL_SIZE",
    "DB_CONNECT_TIMEOUT",
    "MIGRATIONS_DIR",
    "JWT_SECRET",
    "DOCS_USER",
    "DOCS_PASSWORD",
    "LOGIN_MAX_FAILURES",
    "LOGIN_IP_MAX_FAILURES",
    "LOGIN_WINDOW",
    "AWS_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "SQS_QUEUE_URL",
    "SQS_ENDPOINT",
    "SQS_TIMEOUT",
    "LOG_FORMAT",
};

struct saved_env {
    char *val[N(ALL_VARS)];
    char path[64];
};

static int env_setup(void **state)
{
    struct saved_env *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < N(ALL_VARS); i++) {
        const char *v = getenv(ALL_VARS[i]);
        if (v && !(s->val[i] = strdup(v)))
            return -1;
        unsetenv(ALL_VARS[i]);
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(s->path, sizeof s->path, "%s/eeum-test-env-XXXXXX",
             tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    int fd = mkstemp(s->path);
    if (fd < 0)
        return -1;
    close(fd);
    *state = s;
    return 0;
}

static int env_teardown(void **state)
{
    struct saved_env *s = *state;
    unlink(s->path);
    for (size_t i = 0; i < N(ALL_VARS); i++) {
        if (s->val[i])
            setenv(ALL_VARS[i], s->val[i], 1);
        else
            unsetenv(ALL_VARS[i]);
        free(s->val[i]);
    }
    free(s);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static const char DOTENV_API[] = "# test .env\n"
                                 "DB_HOST=db.from.dotenv\n"
                                 "DB_USER=eeum\n"
                                 "DB_NAME=name_from_dotenv\n"
                                 "PORT=9090\n"
                                 "AWS_ACCESS_KEY_ID=AKID\n"
                                 "AWS_SECRET_ACCESS_KEY=\"secret with spaces\"\n"
                                 "export SQS_QUEUE_URL=http://127.0.0.1:9324/123/q.fifo\n";

static void load_reads_the_dotenv_file(void **state)
{
    struct saved_env *s = *state;
    write_file(s->path, DOTENV_API);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    if (config_load(&cfg, CONFIG_ROLE_API, s->path, err) != 0)
        fail_msg("%s", err);
    assert_string_equal(cfg.db_host, "db.from.dotenv");
    assert_string_equal(cfg.db_name, "name_from_dotenv");
    assert_int_equal(cfg.port, 9090);
    assert_string_equal(cfg.aws_secret_access_key, "secret with spaces");
    assert_string_equal(cfg.sqs_endpoint, "http://127.0.0.1:9324");
    config_free(&cfg);
}

static void environment_wins_over_dotenv(void **state)
{
    struct saved_env *s = *state;
    write_file(s->path, DOTENV_API);
    assert_int_equal(setenv("DB_NAME", "name_from_environment", 1), 0);
    assert_int_equal(setenv("PORT", "7070", 1), 0);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    if (config_load(&cfg, CONFIG_ROLE_API, s->path, err) != 0)
        fail_msg("%s", err);
    assert_string_equal(cfg.db_name, "name_from_environment");
    assert_int_equal(cfg.port, 7070);
    /* What the environment lacks still comes from the file. */
    assert_string_equal(cfg.db_host, "db.from.dotenv");
    config_free(&cfg);
}

static void later_dotenv_lines_win(void **state)
{
    struct saved_env *s = *state;
    char text[1024];
    snprintf(text, sizeof text, "%sDB_NAME=second\n", DOTENV_API);
    write_file(s->path, text);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(config_load(&cfg, CONFIG_ROLE_API, s->path, err), 0);
    assert_string_equal(cfg.db_name, "second");
    config_free(&cfg);
}

static void missing_dotenv_file_uses_the_environment_only(void **state)
{
    struct saved_env *s = *state;
    unlink(s->path);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    /* Nothing set anywhere: the first required variable is named. */
    assert_int_equal(config_load(&cfg, CONFIG_ROLE_MIGRATE, s->path, err), -1);
    assert_true(names_one_of(err, API_REQUIRED, 3)); /* a DB_* one */
    assert_int_equal(config_load(&cfg, CONFIG_ROLE_MIGRATE, NULL, err), -1);
    assert_true(names_one_of(err, API_REQUIRED, 3)); /* a DB_* one */

    assert_int_equal(setenv("DB_HOST", "h", 1), 0);
    assert_int_equal(setenv("DB_USER", "u", 1), 0);
    assert_int_equal(setenv("DB_NAME", "n", 1), 0);
    assert_int_equal(config_load(&cfg, CONFIG_ROLE_MIGRATE, s->path, err), 0);
    assert_string_equal(cfg.db_name, "n");
    config_free(&cfg);
}

static void malformed_dotenv_file_names_the_file_and_line(void **state)
{
    struct saved_env *s = *state;
    write_file(s->path, "DB_HOST=h\nDB_USER=u\nthis is not a pair\nDB_NAME=n\n");
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    assert_int_equal(config_load(&cfg, CONFIG_ROLE_MIGRATE, s->path, err), -1);
    assert_non_null(strstr(err, s->path));
    assert_non_null(strstr(err, "line 3"));
}

int main(void)
{
#define E(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_api_config_gets_the_documented_defaults),
        cmocka_unit_test(empty_values_mean_the_default),
        cmocka_unit_test(given_values_override_the_defaults),
        cmocka_unit_test(pool_size_equal_to_http_threads_is_accepted),
        cmocka_unit_test(pool_size_below_http_threads_is_an_error),
        cmocka_unit_test(sqs_endpoint_is_derived_from_the_queue_url),
        cmocka_unit_test(explicit_sqs_endpoint_wins),
        cmocka_unit_test(queue_url_that_is_not_http_is_an_error),
        cmocka_unit_test(each_missing_required_variable_is_named),
        cmocka_unit_test(nothing_set_names_a_required_variable),
        cmocka_unit_test(migrate_role_needs_only_the_database),
        cmocka_unit_test(analyzer_role_loads_the_minimal_config),
        cmocka_unit_test(malformed_or_out_of_range_integers_name_the_variable),
        cmocka_unit_test(integer_bounds_are_inclusive),
        cmocka_unit_test(production_with_strong_secrets_loads),
        cmocka_unit_test(production_with_a_short_jwt_secret_is_an_error),
        cmocka_unit_test(production_without_a_jwt_secret_is_an_error),
        cmocka_unit_test(production_without_a_db_password_is_an_error),
        cmocka_unit_test(development_accepts_weak_secrets),
        cmocka_unit_test(unknown_app_env_is_an_error),
        cmocka_unit_test(log_format_json_and_text_are_recognised),
        cmocka_unit_test(other_log_formats_are_an_error),
        cmocka_unit_test(log_levels_are_validated),
        cmocka_unit_test(bind_address_must_be_an_ip_address),
        cmocka_unit_test(exact_cors_origins_are_accepted),
        cmocka_unit_test(cors_origins_with_a_wildcard_or_a_path_are_an_error),
        cmocka_unit_test(config_print_never_prints_secret_values),
        cmocka_unit_test(config_print_shows_unset_secrets_as_empty),
        cmocka_unit_test(config_help_lists_every_variable_with_defaults),
        cmocka_unit_test(config_free_is_null_safe_and_zeroes),
        cmocka_unit_test(dotenv_parses_comments_exports_quotes_and_crlf),
        cmocka_unit_test(dotenv_empty_text_has_no_pairs),
        cmocka_unit_test(dotenv_malformed_line_returns_its_number),
        cmocka_unit_test(dotenv_overlong_line_is_malformed),
        E(load_reads_the_dotenv_file),
        E(environment_wins_over_dotenv),
        E(later_dotenv_lines_win),
        E(missing_dotenv_file_uses_the_environment_only),
        E(malformed_dotenv_file_names_the_file_and_line),
    };
#undef E
    return cmocka_run_group_tests(tests, NULL, NULL);
}

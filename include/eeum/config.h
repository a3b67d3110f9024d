/*
 * config.h - service configuration from the environment and an optional .env file.
 * The real environment wins over .env. Loading validates every value and names the
 * offending variable on failure; secrets are never printed (config_print masks them).
 */
#ifndef EEUM_CONFIG_H
#define EEUM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONFIG_ERR_LEN 256

/* Which binary loads the configuration: decides which variables are required. */
enum config_role { CONFIG_ROLE_API, CONFIG_ROLE_ANALYZER, CONFIG_ROLE_MIGRATE };

struct config {
    /* service */
    bool production; /* APP_ENV=production */
    char *app_env;   /* development | production */
    char *app_tz;    /* APP_TZ, default Asia/Seoul */
    char *log_level; /* LOG_LEVEL */
    bool log_json;   /* LOG_FORMAT=json */
    /* http */
    char *bind_address;           /* BIND_ADDRESS, default 127.0.0.1 */
    unsigned port;                /* PORT, default 8080 */
    unsigned http_threads;        /* HTTP_THREADS, default 4 */
    unsigned http_conn_limit;     /* HTTP_CONN_LIMIT, default 1024 */
    unsigned http_conn_timeout_s; /* HTTP_CONN_TIMEOUT, default 30 */
    unsigned shutdown_timeout_s;  /* SHUTDOWN_TIMEOUT, default 10 */
    size_t max_body_bytes;        /* MAX_BODY_BYTES, default 1 MiB */
    char *cors_origins;           /* CORS_ORIGINS, comma-separated; empty = no CORS */
    /* database */
    char *db_host;
    unsigned db_port;
    char *db_user;
    char *db_password; /* secret */
    char *db_name;
    unsigned db_pool_size;         /* DB_POOL_SIZE, default http_threads + 2, never below it */
    unsigned db_connect_timeout_s; /* DB_CONNECT_TIMEOUT, default 3 */
    char *migrations_dir;          /* MIGRATIONS_DIR, default compiled-in source sql/ */
    /* auth and docs */
    char *jwt_secret; /* secret */
    char *docs_user;
    char *docs_password;            /* secret */
    char *docs_assets_dir;          /* DOCS_ASSETS_DIR: swagger-ui-dist files */
    unsigned login_max_failures;    /* LOGIN_MAX_FAILURES per email, default 5 */
    unsigned login_ip_max_failures; /* LOGIN_IP_MAX_FAILURES per client IP, default 20 */
    unsigned login_window_s;        /* LOGIN_WINDOW seconds, default 900 */
    /* queue */
    char *aws_region;
    char *aws_access_key_id;
    char *aws_secret_access_key; /* secret */
    char *aws_session_token;     /* secret, optional */
    char *sqs_endpoint;          /* optional: derived from the queue URL */
    char *sqs_queue_url;
    unsigned sqs_timeout_s;   /* SQS_TIMEOUT, default 5 */
    unsigned outbox_sweep_ms; /* OUTBOX_SWEEP_MS, default 1000: publisher's periodic sweep */
    /* in-process caches (src/handlers/caches.c) */
    unsigned user_cache_ttl_ms;  /* USER_CACHE_TTL_MS, default 1000; 0 = off */
    unsigned board_cache_ttl_ms; /* BOARD_CACHE_TTL_MS, default 1000; 0 = off */
    unsigned board_count_ttl_ms; /* BOARD_COUNT_TTL_MS, default 2000; 0 = off */
    unsigned views_flush_ms;     /* VIEWS_FLUSH_MS, default 250 */
    /* eeum-analyzer */
    char *emotion_model;            /* EMOTION_MODEL: path of the classifier's model file */
    unsigned analyzer_workers;      /* ANALYZER_WORKERS, default 4: long-polling worker threads */
    unsigned analyzer_health_port;  /* ANALYZER_HEALTH_PORT, default 8090; 0 = no health server */
    unsigned analyzer_wait_s;       /* ANALYZER_WAIT_SECONDS, default 20: long-poll wait */
    unsigned analyzer_visibility_s; /* ANALYZER_VISIBILITY_TIMEOUT, default 30 (> the wait) */
    char *sqs_dlq_url;              /* SQS_DLQ_URL: dead-letter queue; "" = from RedrivePolicy */
};

/* A source of values: returns the value of `key` or NULL. */
typedef const char *(*config_getter)(void *ctx, const char *key);

/*
 * Load from the process environment, then `dotenv_path` (may be NULL or missing).
 * Returns 0 on success; -1 with a message naming the variable in `err`.
 * On success `out` owns its strings: release with config_free().
 */
int config_load(struct config *out, enum config_role role, const char *dotenv_path,
                char err[CONFIG_ERR_LEN]);

/* Same, from an arbitrary getter (unit tests). */
int config_load_from(struct config *out, enum config_role role, config_getter get, void *ctx,
                     char err[CONFIG_ERR_LEN]);

/* Release every string; NULL-safe; the struct is zeroed. */
void config_free(struct config *cfg);

/* Print `KEY=value` lines with secrets masked (for --check-config). */
void config_print(const struct config *cfg, FILE *out);

/* Print the variable reference (for --help). */
void config_print_help(FILE *out);

/*
 * Parse the contents of a .env file (KEY=VALUE lines, # comments, optional `export `,
 * single or double quotes). Calls `cb` for each pair; returns the number of pairs or -1
 * with the 1-based line number of a malformed line in *out_bad_line.
 */
int config_parse_dotenv(const char *text, void (*cb)(void *ctx, const char *key, const char *val),
                        void *ctx, int *out_bad_line);

#endif

/*
 * main_api.c - eeum-api: load configuration, initialise libraries, serve HTTP until SIGTERM or
 * SIGINT, then shut down gracefully. `eeum-api migrate` applies the SQL migrations.
 */
#include "eeum/app.h"
#include "eeum/caches.h"
#include "eeum/config.h"
#include "eeum/db.h"
#include "eeum/docs.h"
#include "eeum/handlers.h"
#include "eeum/http.h"
#include "eeum/log.h"
#include "eeum/metrics.h"
#include "eeum/publisher.h"
#include "eeum/random.h"
#include "eeum/ratelimit.h"
#include "eeum/sqs.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef EEUM_VERSION
#define EEUM_VERSION "0.0.0"
#endif

#define LOGIN_LIMIT_KEYS 4096

/* JWT_SECRET, or in development a random per-process secret (tokens die with the process). */
static void setup_jwt_secret(struct app *app, const struct config *cfg)
{
    if (*cfg->jwt_secret) {
        app->jwt_secret = cfg->jwt_secret;
        app->jwt_secret_len = strlen(cfg->jwt_secret);
        if (app->jwt_secret_len < 32)
            log_warn("config.jwt", "JWT_SECRET is shorter than 32 characters (refused in "
                                   "production)");
        return;
    }
    random_hex(app->jwt_secret_generated, 32);
    app->jwt_secret = app->jwt_secret_generated;
    app->jwt_secret_len = strlen(app->jwt_secret_generated);
    log_warn("config.jwt", "JWT_SECRET is not set: using a random secret for this process "
                           "(development only; tokens end with the process)");
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: eeum-api [serve|migrate] [--help] [--version] [--check-config]\n"
            "\n"
            "  serve           run the HTTP API (default)\n"
            "  migrate         apply sql/NNN_*.sql migrations in order and exit\n"
            "  --check-config  validate the configuration, print it with secrets hidden, exit\n"
            "  --version       print the version\n"
            "  --help          this text\n\n");
    config_print_help(out);
}

static int serve(const struct config *cfg)
{
    int rc = 1;
    struct app app;
    memset(&app, 0, sizeof app);
    app.cfg = cfg;
    app.started_at = time(NULL);
    pthread_mutex_init(&app.sqs_probe_lock, NULL);

    /* Signals are taken synchronously by this thread only: block them before any thread
     * exists so every thread inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    setup_jwt_secret(&app, cfg);
    app.login_ip_limit =
        ratelimit_new(cfg->login_ip_max_failures, cfg->login_window_s, LOGIN_LIMIT_KEYS);
    app.login_email_limit =
        ratelimit_new(cfg->login_max_failures, cfg->login_window_s, LOGIN_LIMIT_KEYS);
    app.docs = docs_new(cfg);
    app.pool = db_pool_new(cfg);
    app.metrics = metrics_new(API_ROUTES, API_ROUTES_COUNT);
    app.sqs_probe = sqs_client_new(cfg);
    if (!app.pool || !app.metrics || !app.sqs_probe || !app.login_ip_limit ||
        !app.login_email_limit || !app.docs) {
        log_error("app.start", "out of memory");
        goto out;
    }
    struct db_conn *probe = NULL;
    if (db_pool_acquire(app.pool, 1000, &probe) == STATUS_OK) {
        log_info("db.connect", "connected to %s:%u/%s (pool of %u)", cfg->db_host, cfg->db_port,
                 cfg->db_name, db_pool_size(app.pool));
        db_pool_release(app.pool, probe);
    } else {
        log_warn("db.connect", "database not reachable yet; /readyz reports it until it is");
    }
    if (!log_async_start())
        log_warn("log.async", "batched logging unavailable; writing every line at once");
    /* The outbox publisher runs before the first request can enqueue a row. */
    if (publisher_start(&app) != 0)
        goto out;
    /* The view flusher borrows the pool; caches_stop writes what it holds before the pool goes. */
    if (caches_start(&app) != 0)
        goto out;
    app.server = http_server_start(cfg, &app, API_ROUTES, API_ROUTES_COUNT);
    if (!app.server)
        goto out;

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("app.shutdown", "%s received: stop accepting, finishing in-flight requests (<= %u s)",
             sig == SIGTERM ? "SIGTERM" : "SIGINT", cfg->shutdown_timeout_s);
    http_server_stop(app.server, cfg->shutdown_timeout_s);
    app.server = NULL;
    rc = 0;
out:
    /* After the HTTP server (no request adds views any more): write the buffered views while
     * the pool is certainly there. */
    caches_stop(&app);
    /* After the HTTP server (no request can wake it any more), before the pool it borrows. */
    if (!publisher_stop(cfg->shutdown_timeout_s)) {
        /* Its batch is still in flight on a pool connection and the SQS client: freeing
         * them would pull them from under it. The process is about to exit anyway, and the
         * rows stay pending for the next start (the deduplication id absorbs a re-send). */
        app.pool = NULL;
    }
    docs_free(app.docs);
    ratelimit_free(app.login_ip_limit);
    ratelimit_free(app.login_email_limit);
    sqs_client_free(app.sqs_probe);
    metrics_free(app.metrics);
    db_pool_free(app.pool);
    pthread_mutex_destroy(&app.sqs_probe_lock);
    if (rc == 0)
        log_info("app.exit", "bye");
    log_async_stop();
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd = "serve";
    bool check = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("eeum-api %s\n", EEUM_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--check-config") == 0) {
            check = true;
        } else if (strcmp(argv[i], "serve") == 0 || strcmp(argv[i], "migrate") == 0) {
            cmd = argv[i];
        } else {
            fprintf(stderr, "eeum-api: unknown argument '%s'\n\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    bool migrate = strcmp(cmd, "migrate") == 0;
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    if (config_load(&cfg, migrate ? CONFIG_ROLE_MIGRATE : CONFIG_ROLE_API, ".env", err) != 0) {
        fprintf(stderr, "eeum-api: configuration error: %s\n", err);
        return 2;
    }
    if (check) {
        config_print(&cfg, stdout);
        printf("configuration OK\n");
        config_free(&cfg);
        return 0;
    }
    /* Calendar rules use APP_TZ: make it the process time zone before any thread exists, so
     * localtime_r answers in it. */
    setenv("TZ", cfg.app_tz, 1);
    tzset();
    enum log_level lvl = LOGL_INFO;
    log_level_parse(cfg.log_level, &lvl);
    log_init("eeum-api", lvl, cfg.log_json);
    int rc = 1;
    if (random_init() != 0 || db_library_init() != 0 || sqs_library_init() != 0) {
        log_error("app.start", "library initialisation failed");
        config_free(&cfg);
        return 1;
    }
    if (migrate) {
        rc = db_migrate(&cfg) == 0 ? 0 : 1;
    } else {
        log_info("app.start", "eeum-api %s starting (APP_ENV=%s)", EEUM_VERSION, cfg.app_env);
        rc = serve(&cfg);
    }
    sqs_library_end();
    db_library_end();
    config_free(&cfg);
    return rc;
}

/*
 * main_analyzer.c - eeum-analyzer: `run` (the diary queue consumer, src/analyzer/), the
 * classifier's `classify`/`eval` tools, and the configuration entry points.
 */
#include "eeum/analyzer.h"
#include "eeum/config.h"
#include "eeum/db.h"
#include "eeum/emotion_eval.h"
#include "eeum/log.h"
#include "eeum/random.h"
#include "eeum/sqs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef EEUM_VERSION
#define EEUM_VERSION "0.0.0"
#endif

/* `run`: the queue consumer until SIGTERM/SIGINT (src/analyzer/daemon.c). */
static int cmd_run(const struct config *cfg)
{
    /* Recommendation days are in APP_TZ: make it the process time zone before any thread
     * exists, so localtime_r answers in it. */
    setenv("TZ", cfg->app_tz, 1);
    tzset();
    enum log_level lvl = LOGL_INFO;
    log_level_parse(cfg->log_level, &lvl);
    log_init("eeum-analyzer", lvl, cfg->log_json);
    if (random_init() != 0 || db_library_init() != 0 || sqs_library_init() != 0) {
        log_error("app.start", "library initialisation failed");
        return 1;
    }
    log_info("app.start", "eeum-analyzer %s starting (APP_ENV=%s)", EEUM_VERSION, cfg->app_env);
    int rc = analyzer_run(cfg);
    sqs_library_end();
    db_library_end();
    return rc;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: eeum-analyzer run | --help | --version | --check-config\n\n");
    fprintf(out, "       eeum-analyzer classify [--model PATH] < one-text-per-line\n"
                 "       eeum-analyzer eval [--model PATH] [--min-macro-f1 X] FILE.tsv\n\n");
    config_print_help(out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("eeum-analyzer %s\n", EEUM_VERSION);
        return 0;
    }
    /* The classifier subcommands need no database or queue configuration. */
    if (strcmp(argv[1], "classify") == 0)
        return emotion_cli_classify(argc - 2, argv + 2);
    if (strcmp(argv[1], "eval") == 0)
        return emotion_cli_eval(argc - 2, argv + 2);
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    if (config_load(&cfg, CONFIG_ROLE_ANALYZER, ".env", err) != 0) {
        fprintf(stderr, "eeum-analyzer: configuration error: %s\n", err);
        return 2;
    }
    int rc = 0;
    if (strcmp(argv[1], "--check-config") == 0) {
        config_print(&cfg, stdout);
        printf("configuration OK\n");
    } else if (strcmp(argv[1], "run") == 0) {
        rc = cmd_run(&cfg);
    } else {
        fprintf(stderr, "eeum-analyzer: unknown argument '%s'\n", argv[1]);
        rc = 2;
    }
    config_free(&cfg);
    return rc;
}

/*
 * main_analyzer.c - eeum-analyzer: configuration entry points. The queue consumer and the
 * emotion classifier arrive with issue [5]; until then `run` refuses to start rather than
 * pretend to consume.
 */
#include "eeum/config.h"
#include "eeum/emotion_eval.h"

#include <stdio.h>
#include <string.h>

#ifndef EEUM_VERSION
#define EEUM_VERSION "0.0.0"
#endif

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
        fprintf(stderr, "eeum-analyzer: the queue consumer is not built yet (issue [5])\n");
        rc = 64;
    } else {
        fprintf(stderr, "eeum-analyzer: unknown argument '%s'\n", argv[1]);
        rc = 2;
    }
    config_free(&cfg);
    return rc;
}

/*
 * cli.c - the classifier's eeum-analyzer subcommands (they need no database or queue, so
 * they run before the configuration is loaded):
 *   classify [--model PATH]                       one text per stdin line ->
 *                                                 label<TAB>worry<TAB>angry<TAB>happy<TAB>excited<TAB>sad
 *   eval [--model PATH] [--min-macro-f1 X] FILE   accuracy, macro-F1, per-label precision/recall,
 *                                                 confusion matrix; exit 1 below the floor
 * The model is --model, else $EMOTION_MODEL, else the repository's models/emotion.model.
 */
#include "eeum/emotion_eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EEUM_DEFAULT_EMOTION_MODEL
#define EEUM_DEFAULT_EMOTION_MODEL "models/emotion.model"
#endif

const char *emotion_default_model_path(void)
{
    const char *env = getenv("EMOTION_MODEL");
    return env && *env ? env : EEUM_DEFAULT_EMOTION_MODEL;
}

static struct emotion_model *load(const char *path)
{
    char err[512];
    struct emotion_model *m = emotion_model_load(path, err, sizeof err);
    if (!m)
        fprintf(stderr, "eeum-analyzer: %s\n", err);
    return m;
}

int emotion_cli_classify(int argc, char **argv)
{
    const char *path = emotion_default_model_path();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else {
            fprintf(stderr, "usage: eeum-analyzer classify [--model PATH] < texts\n");
            return 2;
        }
    }
    struct emotion_model *m = load(path);
    if (!m)
        return 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        struct emotion_result r;
        emotion_classify(m, line, n, &r);
        printf("%s", emotion_label_ko(r.top));
        for (int k = 0; k < EMOTION_LABELS; k++)
            printf("\t%d.%02d", r.centi[k] / 100, r.centi[k] % 100);
        printf("\n");
    }
    free(line);
    emotion_model_free(m);
    if (fflush(stdout) != 0 || ferror(stdin)) {
        fprintf(stderr, "eeum-analyzer: classify: I/O error\n");
        return 1;
    }
    return 0;
}

int emotion_cli_eval(int argc, char **argv)
{
    const char *path = emotion_default_model_path(), *file = NULL;
    double floor_f1 = -1.0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--min-macro-f1") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            floor_f1 = strtod(argv[++i], &end);
            if (errno || *end || end == argv[i] || !(floor_f1 >= 0.0 && floor_f1 <= 1.0)) {
                fprintf(stderr, "eeum-analyzer: eval: --min-macro-f1 wants a number in 0..1\n");
                return 2;
            }
        } else if (!file && argv[i][0] != '-') {
            file = argv[i];
        } else {
            file = NULL;
            break;
        }
    }
    if (!file) {
        fprintf(stderr, "usage: eeum-analyzer eval [--model PATH] [--min-macro-f1 X] FILE.tsv\n");
        return 2;
    }
    struct emotion_model *m = load(path);
    if (!m)
        return 1;
    struct emotion_eval ev;
    char err[512];
    int rc = 0;
    if (emotion_eval_file(m, file, &ev, err, sizeof err) != 0) {
        fprintf(stderr, "eeum-analyzer: eval: %s\n", err);
        rc = 1;
    } else {
        printf("file\t%s\nmodel\t%s (%s)\n", file, path, emotion_model_version(m));
        emotion_eval_print(&ev, stdout);
        double f1 = emotion_eval_macro_f1(&ev);
        if (ev.rows == 0) {
            fprintf(stderr, "eeum-analyzer: eval: %s has no labelled rows\n", file);
            rc = 1;
        } else if (floor_f1 >= 0.0 && f1 < floor_f1) {
            fprintf(stderr, "eeum-analyzer: eval: macro-F1 %.4f is below the floor %.4f\n", f1,
                    floor_f1);
            rc = 1;
        }
    }
    emotion_model_free(m);
    return rc;
}

/*
 * emotion_eval.h - evaluation of the emotion classifier on a labelled TSV file (columns
 * `id text label`, one header line, label one of 걱정 분노 행복 설렘 슬픔; a text field may be
 * quoted CSV-style with "" for a quote) and the reader the trainer shares.
 */
#ifndef EEUM_EMOTION_EVAL_H
#define EEUM_EMOTION_EVAL_H

#include "eeum/emotion.h"

#include <stddef.h>
#include <stdio.h>

/* Label index of a Korean label name, -1 when it is none of the five. */
int emotion_label_index(const char *s, size_t n);

/* Called per data row; text is NUL-terminated (unquoted) and label is -1 when unknown.
 * A non-zero return stops the reading and is returned by emotion_tsv_read. */
typedef int (*emotion_tsv_row_fn)(void *ctx, const char *id, const char *text, size_t text_len,
                                  int label);

/* Reads a labelled TSV file; 0, the callback's non-zero value, or -1 with err filled (file
 * missing, bad header, a row without three columns). */
int emotion_tsv_read(const char *path, emotion_tsv_row_fn fn, void *ctx, char *err, size_t errlen);

struct emotion_eval {
    size_t rows;                                      /* rows classified */
    size_t unknown;                                   /* rows skipped: unknown label */
    size_t confusion[EMOTION_LABELS][EMOTION_LABELS]; /* [gold][predicted] */
};

/* Classifies every row of a labelled TSV file; 0 or -1 with err filled. */
int emotion_eval_file(const struct emotion_model *m, const char *path, struct emotion_eval *out,
                      char *err, size_t errlen);
double emotion_eval_accuracy(const struct emotion_eval *e);
double emotion_eval_macro_f1(const struct emotion_eval *e);
double emotion_eval_precision(const struct emotion_eval *e, int label);
double emotion_eval_recall(const struct emotion_eval *e, int label);
/* Accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix. */
void emotion_eval_print(const struct emotion_eval *e, FILE *out);

/* The model path eeum-analyzer uses: $EMOTION_MODEL, else the repository's
 * models/emotion.model (absolute path fixed at build time). Borrowed string. */
const char *emotion_default_model_path(void);

/* eeum-analyzer subcommands (argv after the subcommand name); process exit codes. */
int emotion_cli_classify(int argc, char **argv);
int emotion_cli_eval(int argc, char **argv);

#endif

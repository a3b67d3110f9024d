/*
 * eval.c - labelled TSV reading (shared with the trainer) and the evaluation report:
 * accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix.
 */
#include "eeum/emotion_eval.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int emotion_label_index(const char *s, size_t n)
{
    for (int k = 0; k < EMOTION_LABELS; k++) {
        const char *l = emotion_label_ko(k);
        if (strlen(l) == n && memcmp(l, s, n) == 0)
            return k;
    }
    return -1;
}

/* Unquotes a CSV-style quoted field in place ("a ""b"" c" -> a "b" c); returns the length. */
static size_t unquote(char *s, size_t n)
{
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return n;
    size_t o = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '"' && i + 2 < n && s[i + 1] == '"')
            i++;
        s[o++] = s[i];
    }
    s[o] = '\0';
    return o;
}

int emotion_tsv_read(const char *path, emotion_tsv_row_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (lineno == 1) {
            if (strcmp(line, "id\ttext\tlabel") != 0) {
                snprintf(err, errlen, "%s: line 1: expected the header 'id<TAB>text<TAB>label'",
                         path);
                rc = -1;
                break;
            }
            continue;
        }
        if (n == 0)
            continue;
        char *t1 = memchr(line, '\t', n);
        char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - line)) : NULL;
        if (!t1 || !t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - line))) {
            snprintf(err, errlen, "%s: line %zu: expected three tab-separated columns", path,
                     lineno);
            rc = -1;
            break;
        }
        *t1 = '\0';
        *t2 = '\0';
        char *text = t1 + 1;
        size_t tl = unquote(text, (size_t)(t2 - text));
        const char *lab = t2 + 1;
        rc = fn(ctx, line, text, tl, emotion_label_index(lab, strlen(lab)));
        if (rc != 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

struct eval_ctx {
    const struct emotion_model *m;
    struct emotion_eval *e;
};

static int eval_row(void *ctx, const char *id, const char *text, size_t text_len, int label)
{
    (void)id;
    struct eval_ctx *c = ctx;
    if (label < 0) {
        c->e->unknown++;
        return 0;
    }
    struct emotion_result r;
    emotion_classify(c->m, text, text_len, &r);
    c->e->confusion[label][r.top]++;
    c->e->rows++;
    return 0;
}

int emotion_eval_file(const struct emotion_model *m, const char *path, struct emotion_eval *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct eval_ctx c = {m, out};
    return emotion_tsv_read(path, eval_row, &c, err, errlen) == 0 ? 0 : -1;
}

double emotion_eval_accuracy(const struct emotion_eval *e)
{
    size_t ok = 0;
    for (int k = 0; k < EMOTION_LABELS; k++)
        ok += e->confusion[k][k];
    return e->rows ? (double)ok / (double)e->rows : 0.0;
}

double emotion_eval_precision(const struct emotion_eval *e, int label)
{
    size_t pred = 0;
    for (int g = 0; g < EMOTION_LABELS; g++)
        pred += e->confusion[g][label];
    return pred ? (double)e->confusion[label][label] / (double)pred : 0.0;
}

double emotion_eval_recall(const struct emotion_eval *e, int label)
{
    size_t gold = 0;
    for (int p = 0; p < EMOTION_LABELS; p++)
        gold += e->confusion[label][p];
    return gold ? (double)e->confusion[label][label] / (double)gold : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
}

/* Mean F1 over the labels present in the gold data (a label absent from the file has no
 * defined recall and is left out rather than counted as 0). */
double emotion_eval_macro_f1(const struct emotion_eval *e)
{
    double sum = 0.0;
    int n = 0;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        size_t gold = 0;
        for (int p = 0; p < EMOTION_LABELS; p++)
            gold += e->confusion[k][p];
        if (!gold)
            continue;
        sum += f1(emotion_eval_precision(e, k), emotion_eval_recall(e, k));
        n++;
    }
    return n ? sum / n : 0.0;
}

void emotion_eval_print(const struct emotion_eval *e, FILE *out)
{
    fprintf(out, "rows\t%zu\n", e->rows);
    if (e->unknown)
        fprintf(out, "skipped (unknown label)\t%zu\n", e->unknown);
    fprintf(out, "accuracy\t%.4f\n", emotion_eval_accuracy(e));
    fprintf(out, "macro_f1\t%.4f\n", emotion_eval_macro_f1(e));
    fprintf(out, "\nlabel\tprecision\trecall\tf1\tsupport\n");
    for (int k = 0; k < EMOTION_LABELS; k++) {
        size_t gold = 0;
        for (int p = 0; p < EMOTION_LABELS; p++)
            gold += e->confusion[k][p];
        double pr = emotion_eval_precision(e, k), rc = emotion_eval_recall(e, k);
        fprintf(out, "%s\t%.4f\t%.4f\t%.4f\t%zu\n", emotion_label_ko(k), pr, rc, f1(pr, rc), gold);
    }
    fprintf(out, "\nconfusion (rows = gold, columns = predicted)\n");
    fprintf(out, "gold\\pred");
    for (int k = 0; k < EMOTION_LABELS; k++)
        fprintf(out, "\t%s", emotion_label_ko(k));
    fprintf(out, "\n");
    for (int g = 0; g < EMOTION_LABELS; g++) {
        fprintf(out, "%s", emotion_label_ko(g));
        for (int p = 0; p < EMOTION_LABELS; p++)
            fprintf(out, "\t%zu", e->confusion[g][p]);
        fprintf(out, "\n");
    }
}

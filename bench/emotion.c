/*
 * emotion.c - bench_emotion: classifier throughput on one core (one thread), side by side
 * with two baselines over the same texts in the same run: a memchr pass over the bytes (the
 * floor of touching the input at all) and the text analysis alone (decoding, NFC, sentence
 * and token splitting, lexicon rules, feature hashing, without the weight lookups).
 *
 *   bench_emotion [--seconds S] MODEL FILE.tsv     (FILE: header `id text label`)
 *
 * Sentences are counted by the classifier's own splitter, so "sentences/s" is what the
 * analysis saw, not lines.
 */
#include "eeum/emotion.h"
#include "eeum/emotion_eval.h"

#include "../src/emotion/emotion_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct corpus {
    char **text;
    size_t *len;
    size_t n, cap, bytes, sentences;
};

static int add_text(void *ctx, const char *id, const char *text, size_t len, int label)
{
    (void)id;
    (void)label;
    struct corpus *c = ctx;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 512;
        char **nt = realloc(c->text, nc * sizeof *nt);
        if (!nt)
            return -2;
        c->text = nt;
        size_t *nl = realloc(c->len, nc * sizeof *nl);
        if (!nl)
            return -2;
        c->len = nl;
        c->cap = nc;
    }
    c->text[c->n] = malloc(len + 1);
    if (!c->text[c->n])
        return -2;
    memcpy(c->text[c->n], text, len + 1);
    c->len[c->n++] = len;
    c->bytes += len;
    return 0;
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sink(void *ctx, uint32_t b)
{
    *(uint32_t *)ctx ^= b;
}

enum mode { M_MEMCHR, M_ANALYZE, M_CLASSIFY };

static volatile uint64_t g_sink;

/* Runs whole passes over the corpus for about `seconds`; returns texts processed and fills
 * the CPU seconds used by this thread. */
static size_t run(enum mode mode, const struct corpus *c, const struct emotion_model *m,
                  const struct emo_lexicon *lx, double seconds, double *out_cpu)
{
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
    size_t done = 0;
    uint64_t acc = 0;
    do {
        for (size_t i = 0; i < c->n; i++) {
            switch (mode) {
            case M_MEMCHR: {
                const char *p = c->text[i], *end = p + c->len[i];
                while ((p = memchr(p, ' ', (size_t)(end - p))) != NULL) {
                    acc++;
                    p++;
                }
                break;
            }
            case M_ANALYZE: {
                struct emo_analysis a;
                uint32_t x = 0;
                emo_analyze(lx, c->text[i], c->len[i], 18, sink, &x, &a);
                acc += x + a.nfeatures;
                break;
            }
            case M_CLASSIFY: {
                struct emotion_result r;
                emotion_classify(m, c->text[i], c->len[i], &r);
                acc += (uint64_t)r.top + (uint64_t)r.centi[0];
                break;
            }
            }
        }
        done += c->n;
    } while (now(CLOCK_MONOTONIC) - w0 < seconds);
    g_sink += acc;
    *out_cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
    return done;
}

int main(int argc, char **argv)
{
    double seconds = 3.0;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0) {
        seconds = strtod(argv[i + 1], NULL);
        if (!(seconds > 0.0 && seconds <= 600.0)) {
            fprintf(stderr, "bench_emotion: --seconds wants 0..600\n");
            return 2;
        }
        i += 2;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: bench_emotion [--seconds S] MODEL FILE.tsv\n");
        return 2;
    }
    char err[512];
    struct emotion_model *m = emotion_model_load(argv[i], err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_emotion: %s\n", err);
        return 1;
    }
    struct corpus c;
    memset(&c, 0, sizeof c);
    if (emotion_tsv_read(argv[i + 1], add_text, &c, err, sizeof err) != 0 || c.n == 0) {
        fprintf(stderr, "bench_emotion: cannot read texts from %s\n", argv[i + 1]);
        return 1;
    }
    struct emo_lexicon lx;
    if (emo_lexicon_build(&lx) != 0)
        return 1;
    for (size_t k = 0; k < c.n; k++) {
        struct emo_analysis a;
        uint32_t x = 0;
        emo_analyze(&lx, c.text[k], c.len[k], 18, sink, &x, &a);
        c.sentences += a.sentences;
    }
    printf("corpus\t%s: %zu texts, %zu sentences, %zu bytes (%.1f bytes/text)\n", argv[i + 1], c.n,
           c.sentences, c.bytes, (double)c.bytes / (double)c.n);
    printf("model\t%s\n", emotion_model_version(m));
    printf("%-28s %14s %14s %12s %10s\n", "pass (one thread)", "texts/s", "sentences/s", "MB/s",
           "cpu/wall");
    const char *names[] = {"baseline: memchr", "baseline: analysis only", "classify (full)"};
    double rate[3];
    for (int mode = 0; mode < 3; mode++) {
        double cpu, w0 = now(CLOCK_MONOTONIC);
        size_t n = run((enum mode)mode, &c, m, &lx, seconds, &cpu);
        double wall = now(CLOCK_MONOTONIC) - w0;
        double passes = (double)n / (double)c.n;
        rate[mode] = (double)n / cpu;
        printf("%-28s %14.0f %14.0f %12.1f %10.2f\n", names[mode], rate[mode],
               passes * (double)c.sentences / cpu, passes * (double)c.bytes / cpu / 1e6,
               cpu / wall);
    }
    printf("classify / analysis-only\t%.2f\nclassify / memchr\t%.4f\n", rate[2] / rate[1],
           rate[2] / rate[0]);
    for (size_t k = 0; k < c.n; k++)
        free(c.text[k]);
    free(c.text);
    free(c.len);
    emo_lexicon_free(&lx);
    emotion_model_free(m);
    return 0;
}

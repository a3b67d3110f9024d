/*
 * train.c - eeum-emotion-train: trains the statistical part of the emotion classifier and
 * writes the model file. Multinomial logistic regression over the hashed features of text.c
 * plus the dense lexicon inputs (a diagonal 5x5 matrix that starts at beta * identity and is
 * pulled back towards it), AdaGrad, per-source example weights and class balancing. Deterministic:
 * the same data and options give the same file.
 *
 *   eeum-emotion-train --data FILE WEIGHT [--data FILE WEIGHT ...] [--kote-multi FILE WEIGHT]
 *       --out models/emotion.model
 *       [--bits 18] [--epochs 8] [--lr 0.3] [--l2 1e-6] [--balance 0.5] [--beta 1.0]
 *       [--anchor 1e-4]
 *       [--holdout PCT [--fold K]] [--cv-bias K] [--average N] [--version STR] [--seed N]
 *
 * --holdout PCT keeps PCT% of every file's rows (chosen by a hash of the id) out of training
 * and prints their macro-F1 after every epoch: that is how the options were chosen (--fold K
 * shifts which rows are held out, for cross-validation). --cv-bias K trains K times on K-1
 * folds, and picks per-label bias offsets that maximise the out-of-fold macro-F1 of the
 * native and diary files (weight >= 1); they are added to the final model's bias.
 * --average N trains N times with different shuffles and averages the parameters. The
 * shipped model is trained with --holdout 0. Never pass the held-out evaluation files here.
 */
#include "emotion_internal.h"

#include "eeum/emotion_eval.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 8

struct example {
    uint32_t *feat;
    uint32_t nfeat;
    float s[EMOTION_LABELS];
    float norm;
    float weight;
    float y[EMOTION_LABELS]; /* target distribution (one-hot, or soft for multi-label rows) */
    int label;               /* argmax of y, -1 for soft rows (not reported) */
    uint32_t idh;            /* hash of the id: fold assignment */
    uint8_t set;
    bool holdout;
};

struct trainer {
    struct emo_lexicon lx;
    uint32_t bits;
    struct example *ex;
    size_t nex, cap;
    const char *set_path[MAX_SETS];
    float set_weight[MAX_SETS];
    bool set_multi[MAX_SETS];
    int nsets;
    unsigned holdout_pct;
    unsigned fold;
    /* collector */
    uint32_t *buf;
    uint32_t nbuf, capbuf;
    int oom;
};

static void collect(void *ctx, uint32_t bucket)
{
    struct trainer *t = ctx;
    if (t->nbuf == t->capbuf) {
        uint32_t nc = t->capbuf ? t->capbuf * 2 : 1024;
        uint32_t *nb = realloc(t->buf, nc * sizeof *nb);
        if (!nb) {
            t->oom = 1;
            return;
        }
        t->buf = nb;
        t->capbuf = nc;
    }
    t->buf[t->nbuf++] = bucket;
}

static uint32_t id_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

struct read_ctx {
    struct trainer *t;
    int set;
};

static int add_example(struct read_ctx *rc, const char *id, const char *text, size_t text_len,
                       const float y[EMOTION_LABELS], int label)
{
    struct trainer *t = rc->t;
    if (t->nex == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 4096;
        struct example *ne = realloc(t->ex, nc * sizeof *ne);
        if (!ne)
            return -2;
        t->ex = ne;
        t->cap = nc;
    }
    t->nbuf = 0;
    struct emo_analysis a;
    if (emo_analyze(&t->lx, text, text_len, t->bits, collect, t, &a) != 0 || t->oom)
        return -2;
    struct example *e = &t->ex[t->nex];
    memset(e, 0, sizeof *e);
    e->nfeat = t->nbuf;
    e->feat = malloc((t->nbuf ? t->nbuf : 1) * sizeof *e->feat);
    if (!e->feat)
        return -2;
    memcpy(e->feat, t->buf, t->nbuf * sizeof *e->feat);
    emo_lex_inputs(&a, e->s);
    e->norm = a.nfeatures ? 1.0f / sqrtf((float)a.nfeatures) : 0.0f;
    e->weight = t->set_weight[rc->set];
    e->label = label;
    memcpy(e->y, y, sizeof e->y);
    e->set = (uint8_t)rc->set;
    e->idh = id_hash(id);
    e->holdout =
        t->holdout_pct && (id_hash(id) % 100u + t->fold * t->holdout_pct) % 100u < t->holdout_pct;
    t->nex++;
    return 0;
}

static int add_row(void *ctx, const char *id, const char *text, size_t text_len, int label)
{
    struct read_ctx *rc = ctx;
    if (label < 0) {
        fprintf(stderr, "%s: row %s: unknown label, skipped\n", rc->t->set_path[rc->set], id);
        return 0;
    }
    float y[EMOTION_LABELS] = {0};
    y[label] = 1.0f;
    return add_example(rc, id, text, text_len, y, label);
}

/* KOTE's original multi-label file (`id<TAB>text<TAB>i,j,k`, indices into its 44 labels): only
 * the rows whose labels fall into two or more EEUM groups (the single-group rows are the
 * *_eeum5.tsv file already), with a soft target spread evenly over those groups. */
static int kote_group(long idx)
{
    switch (idx) {
    case 41: /* 불안/걱정 */
    case 18: /* 공포/무서움 */
        return 0;
    case 6:  /* 화남/분노 */
    case 22: /* 짜증 */
    case 31: /* 증오/혐오 */
        return 1;
    case 40: /* 행복 */
    case 42: /* 기쁨 */
    case 28: /* 즐거움/신남 */
        return 2;
    case 8: /* 기대감 */
        return 3;
    case 5:  /* 슬픔 */
    case 19: /* 절망 */
    case 36: /* 서러움 */
        return 4;
    default:
        return -1;
    }
}

static int read_kote_multi(struct trainer *t, int set)
{
    FILE *f = fopen(t->set_path[set], "r");
    if (!f) {
        fprintf(stderr, "eeum-emotion-train: %s: %s\n", t->set_path[set], strerror(errno));
        return -1;
    }
    struct read_ctx rc = {t, set};
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int r = 0;
    while (r == 0 && (got = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2)
            continue;
        *t1 = *t2 = '\0';
        bool grp[EMOTION_LABELS] = {false};
        int ngrp = 0;
        for (char *p = t2 + 1; *p;) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            int g = kote_group(v);
            if (g >= 0 && !grp[g]) {
                grp[g] = true;
                ngrp++;
            }
            p = *end == ',' ? end + 1 : end;
        }
        if (ngrp < 2)
            continue;
        float y[EMOTION_LABELS];
        for (int k = 0; k < EMOTION_LABELS; k++)
            y[k] = grp[k] ? 1.0f / (float)ngrp : 0.0f;
        r = add_example(&rc, line, t1 + 1, strlen(t1 + 1), y, -1);
    }
    free(line);
    fclose(f);
    return r;
}

/* ---- the model being trained ---- */

struct model {
    struct emo_params p;
    float *gw;                                /* AdaGrad accumulators for w */
    float gb[EMOTION_LABELS];                 /* ... for bias */
    float gu[EMOTION_LABELS][EMOTION_LABELS]; /* ... for lexw */
    float beta;
};

static void predict(const struct model *m, const struct example *e, float prob[EMOTION_LABELS])
{
    float acc[EMOTION_LABELS] = {0};
    for (uint32_t i = 0; i < e->nfeat; i++) {
        const float *row = m->p.w + (size_t)e->feat[i] * EMOTION_LABELS;
        for (int k = 0; k < EMOTION_LABELS; k++)
            acc[k] += row[k];
    }
    float z[EMOTION_LABELS], zmax = -INFINITY;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        z[k] = m->p.bias[k] + acc[k] * e->norm;
        for (int j = 0; j < EMOTION_LABELS; j++)
            z[k] += m->p.lexw[k][j] * e->s[j];
        if (z[k] > zmax)
            zmax = z[k];
    }
    float sum = 0.0f;
    for (int k = 0; k < EMOTION_LABELS; k++)
        sum += prob[k] = expf(z[k] - zmax);
    for (int k = 0; k < EMOTION_LABELS; k++)
        prob[k] /= sum;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void report(const struct trainer *t, const struct model *m, int epoch)
{
    for (int s = 0; s < t->nsets; s++) {
        struct emotion_eval ev;
        memset(&ev, 0, sizeof ev);
        for (size_t i = 0; i < t->nex; i++) {
            const struct example *e = &t->ex[i];
            if (e->set != s || !e->holdout || e->label < 0)
                continue;
            float prob[EMOTION_LABELS];
            struct emotion_result r;
            if (e->nfeat == 0 && e->s[0] + e->s[1] + e->s[2] + e->s[3] + e->s[4] == 0.0f) {
                for (int k = 0; k < EMOTION_LABELS; k++)
                    prob[k] = 1.0f;
            } else {
                predict(m, e, prob);
            }
            emo_round(prob, &r);
            ev.confusion[e->label][r.top]++;
            ev.rows++;
        }
        if (!ev.rows)
            continue;
        fprintf(stderr, "epoch %d holdout %-48s rows %5zu acc %.4f macro-F1 %.4f F1", epoch,
                t->set_path[s], ev.rows, emotion_eval_accuracy(&ev), emotion_eval_macro_f1(&ev));
        for (int k = 0; k < EMOTION_LABELS; k++) {
            double p = emotion_eval_precision(&ev, k), r = emotion_eval_recall(&ev, k);
            fprintf(stderr, " %s %.3f", emotion_label_ko(k), p + r > 0 ? 2 * p * r / (p + r) : 0.0);
        }
        fprintf(stderr, "\n");
    }
}

struct train_opts {
    int epochs;
    float lr, l2;
    float anchor; /* pull of the lexicon matrix towards beta * identity */
    uint64_t seed;
    float cw[EMOTION_LABELS];
};

/* Trains from scratch on the examples not held out. */
static void train_model(const struct trainer *t, struct model *m, const struct train_opts *o,
                        size_t *order, bool verbose)
{
    size_t nw = ((size_t)1 << t->bits) * EMOTION_LABELS;
    memset(m->p.w, 0, nw * sizeof *m->p.w);
    memset(m->gw, 0, nw * sizeof *m->gw);
    memset(m->p.bias, 0, sizeof m->p.bias);
    memset(m->gb, 0, sizeof m->gb);
    memset(m->gu, 0, sizeof m->gu);
    memset(m->p.lexw, 0, sizeof m->p.lexw);
    for (int k = 0; k < EMOTION_LABELS; k++)
        m->p.lexw[k][k] = m->beta;
    size_t ntrain = 0;
    for (size_t i = 0; i < t->nex; i++)
        if (!t->ex[i].holdout)
            order[ntrain++] = i;
    uint64_t rng = o->seed * 2654435761u + 1;
    const float eps = 1e-6f;
    for (int ep = 1; ep <= o->epochs; ep++) {
        for (size_t i = ntrain; i > 1; i--) {
            size_t j = (size_t)(rng_next(&rng) % i);
            size_t tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        double loss = 0;
        for (size_t oi = 0; oi < ntrain; oi++) {
            const struct example *e = &t->ex[order[oi]];
            float prob[EMOTION_LABELS], g[EMOTION_LABELS];
            predict(m, e, prob);
            float wt = 0.0f;
            for (int k = 0; k < EMOTION_LABELS; k++)
                wt += e->y[k] * o->cw[k];
            wt *= e->weight;
            for (int k = 0; k < EMOTION_LABELS; k++) {
                if (e->y[k] > 0.0f)
                    loss -= wt * e->y[k] * logf(prob[k] + 1e-9f);
                g[k] = wt * (prob[k] - e->y[k]);
            }
            for (uint32_t f = 0; f < e->nfeat; f++) {
                float *row = m->p.w + (size_t)e->feat[f] * EMOTION_LABELS;
                float *grow = m->gw + (size_t)e->feat[f] * EMOTION_LABELS;
                for (int k = 0; k < EMOTION_LABELS; k++) {
                    float gg = g[k] * e->norm + o->l2 * row[k];
                    grow[k] += gg * gg;
                    row[k] -= o->lr * gg / sqrtf(grow[k] + eps);
                }
            }
            for (int k = 0; k < EMOTION_LABELS; k++) {
                m->gb[k] += g[k] * g[k];
                m->p.bias[k] -= o->lr * g[k] / sqrtf(m->gb[k] + eps);
                /* only the diagonal is learned: lexicon evidence for a label speaks for
                 * that label alone (negated evidence is negative and must not turn into
                 * support for another label through an off-diagonal weight) */
                float gg = g[k] * e->s[k] + o->anchor * (m->p.lexw[k][k] - m->beta);
                m->gu[k][k] += gg * gg;
                m->p.lexw[k][k] -= o->lr * gg / sqrtf(m->gu[k][k] + eps);
            }
        }
        if (verbose) {
            fprintf(stderr, "epoch %d loss %.4f\n", ep, loss / (double)(ntrain ? ntrain : 1));
            if (t->holdout_pct)
                report(t, m, ep);
        }
    }
}

/* Mean macro-F1 over the hard-labelled files of weight >= 1 (the native and diary data),
 * from out-of-fold probabilities shifted by `off` in log space. */
static double oof_score(const struct trainer *t, const float (*oof)[EMOTION_LABELS],
                        const float off[EMOTION_LABELS])
{
    double sum = 0;
    int n = 0;
    for (int s = 0; s < t->nsets; s++) {
        if (t->set_multi[s] || t->set_weight[s] < 1.0f)
            continue;
        struct emotion_eval ev;
        memset(&ev, 0, sizeof ev);
        for (size_t i = 0; i < t->nex; i++) {
            const struct example *e = &t->ex[i];
            if (e->set != s || e->label < 0 || e->holdout)
                continue;
            int best = 0;
            float bv = -INFINITY;
            for (int k = 0; k < EMOTION_LABELS; k++) {
                float v = logf(oof[i][k] + 1e-9f) + off[k];
                if (v > bv) {
                    bv = v;
                    best = k;
                }
            }
            ev.confusion[e->label][best]++;
            ev.rows++;
        }
        if (ev.rows) {
            sum += emotion_eval_macro_f1(&ev);
            n++;
        }
    }
    return n ? sum / n : 0.0;
}

static void tune_offsets(const struct trainer *t, const float (*oof)[EMOTION_LABELS],
                         float off[EMOTION_LABELS])
{
    double best = oof_score(t, oof, off);
    fprintf(stderr, "out-of-fold mean macro-F1 %.4f without offsets\n", best);
    for (int pass = 0; pass < 3; pass++) {
        for (int k = 1; k < EMOTION_LABELS; k++) { /* label 0 is the reference */
            float keep = off[k];
            for (float v = -1.5f; v <= 1.5001f; v += 0.1f) {
                off[k] = v;
                double sc = oof_score(t, oof, off);
                if (sc > best + 1e-9) {
                    best = sc;
                    keep = v;
                }
            }
            off[k] = keep;
        }
    }
    fprintf(stderr, "out-of-fold mean macro-F1 %.4f with offsets", best);
    for (int k = 0; k < EMOTION_LABELS; k++)
        fprintf(stderr, " %+.2f", off[k]);
    fprintf(stderr, "\n");
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: eeum-emotion-train --data FILE WEIGHT [--data FILE WEIGHT ...]\n"
                    "       [--kote-multi FILE WEIGHT] --out PATH\n"
                    "       [--bits N] [--epochs N] [--lr X] [--l2 X] [--balance X] [--beta X]\n"
                    "       [--anchor X] [--holdout PCT [--fold K]] [--cv-bias K] [--average N]\n"
                    "       [--version STR]\n"
                    "       [--seed N]\n");
}

int main(int argc, char **argv)
{
    struct trainer t;
    memset(&t, 0, sizeof t);
    const char *out = NULL, *version = "eeum-emo-1";
    double bits = 18, epochs = 8, lr = 0.3, l2 = 1e-6, balance = 0.5, beta = 1.0, hold = 0,
           seed = 42, fold = 0, cv_bias = 0, average = 1, anchor = 1e-4, nb = 0, nb_alpha = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double w;
        int bad = 0;
        if (strcmp(a, "--data") == 0 && i + 2 < argc) {
            if (t.nsets == MAX_SETS || parse_double(argv[i + 2], 0.0, 100.0, &w) != 0) {
                bad = 1;
            } else {
                t.set_path[t.nsets] = argv[i + 1];
                t.set_weight[t.nsets++] = (float)w;
                i += 2;
            }
        } else if (strcmp(a, "--kote-multi") == 0 && i + 2 < argc) {
            if (t.nsets == MAX_SETS || parse_double(argv[i + 2], 0.0, 100.0, &w) != 0) {
                bad = 1;
            } else {
                t.set_multi[t.nsets] = true;
                t.set_path[t.nsets] = argv[i + 1];
                t.set_weight[t.nsets++] = (float)w;
                i += 2;
            }
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(a, "--version") == 0 && i + 1 < argc) {
            version = argv[++i];
        } else if (i + 1 < argc && strcmp(a, "--bits") == 0) {
            bad = parse_double(argv[++i], EMO_MIN_HASH_BITS, EMO_MAX_HASH_BITS, &bits);
        } else if (i + 1 < argc && strcmp(a, "--epochs") == 0) {
            bad = parse_double(argv[++i], 1, 100, &epochs);
        } else if (i + 1 < argc && strcmp(a, "--lr") == 0) {
            bad = parse_double(argv[++i], 1e-6, 10, &lr);
        } else if (i + 1 < argc && strcmp(a, "--l2") == 0) {
            bad = parse_double(argv[++i], 0, 1, &l2);
        } else if (i + 1 < argc && strcmp(a, "--balance") == 0) {
            bad = parse_double(argv[++i], 0, 2, &balance);
        } else if (i + 1 < argc && strcmp(a, "--beta") == 0) {
            bad = parse_double(argv[++i], 0, 20, &beta);
        } else if (i + 1 < argc && strcmp(a, "--holdout") == 0) {
            bad = parse_double(argv[++i], 0, 90, &hold);
        } else if (i + 1 < argc && strcmp(a, "--nb-alpha") == 0) {
            bad = parse_double(argv[++i], 1e-4, 100, &nb_alpha);
        } else if (i + 1 < argc && strcmp(a, "--nb") == 0) {
            bad = parse_double(argv[++i], 0, 10, &nb);
        } else if (i + 1 < argc && strcmp(a, "--anchor") == 0) {
            bad = parse_double(argv[++i], 0, 10, &anchor);
        } else if (i + 1 < argc && strcmp(a, "--average") == 0) {
            bad = parse_double(argv[++i], 1, 20, &average);
        } else if (i + 1 < argc && strcmp(a, "--cv-bias") == 0) {
            bad = parse_double(argv[++i], 0, 20, &cv_bias);
        } else if (i + 1 < argc && strcmp(a, "--fold") == 0) {
            bad = parse_double(argv[++i], 0, 99, &fold);
        } else if (i + 1 < argc && strcmp(a, "--seed") == 0) {
            bad = parse_double(argv[++i], 1, 1e15, &seed);
        } else {
            bad = 1;
        }
        if (bad) {
            fprintf(stderr, "eeum-emotion-train: bad argument near '%s'\n", a);
            usage();
            return 2;
        }
    }
    if (t.nsets == 0 || (!out && hold == 0)) {
        usage();
        return 2;
    }
    if (strlen(version) == 0 || strlen(version) >= EMO_VERSION_LEN) {
        fprintf(stderr, "eeum-emotion-train: --version must be 1..%d characters\n",
                EMO_VERSION_LEN - 1);
        return 2;
    }
    t.bits = (uint32_t)bits;
    t.holdout_pct = (unsigned)hold;
    t.fold = (unsigned)fold;
    if (emo_lexicon_build(&t.lx) != 0) {
        fprintf(stderr, "eeum-emotion-train: out of memory\n");
        return 1;
    }
    for (int s = 0; s < t.nsets; s++) {
        char err[256];
        struct read_ctx rc = {&t, s};
        size_t before = t.nex;
        int r = t.set_multi[s] ? read_kote_multi(&t, s)
                               : emotion_tsv_read(t.set_path[s], add_row, &rc, err, sizeof err);
        if (r == -1 && t.set_multi[s])
            return 1;
        if (r != 0) {
            fprintf(stderr, "eeum-emotion-train: %s\n", r == -2 ? "out of memory" : err);
            return 1;
        }
        fprintf(stderr, "read %zu rows from %s (weight %.2f)\n", t.nex - before, t.set_path[s],
                t.set_weight[s]);
    }

    /* class balancing over the weighted training mass */
    double mass[EMOTION_LABELS] = {0}, total = 0;
    for (size_t i = 0; i < t.nex; i++)
        if (!t.ex[i].holdout) {
            for (int k = 0; k < EMOTION_LABELS; k++)
                mass[k] += t.ex[i].weight * t.ex[i].y[k];
            total += t.ex[i].weight;
        }
    float cw[EMOTION_LABELS];
    for (int k = 0; k < EMOTION_LABELS; k++) {
        cw[k] = mass[k] > 0 ? (float)pow(total / (EMOTION_LABELS * mass[k]), balance) : 1.0f;
        fprintf(stderr, "class %s mass %.1f weight %.3f\n", emotion_label_ko(k), mass[k], cw[k]);
    }

    struct model m;
    memset(&m, 0, sizeof m);
    size_t nw = ((size_t)1 << t.bits) * EMOTION_LABELS;
    m.p.hash_bits = t.bits;
    m.p.w = calloc(nw, sizeof *m.p.w);
    m.gw = calloc(nw, sizeof *m.gw);
    size_t *order = malloc(t.nex * sizeof *order);
    float(*oof)[EMOTION_LABELS] = calloc(t.nex ? t.nex : 1, sizeof *oof);
    if (!m.p.w || !m.gw || !order || !oof) {
        fprintf(stderr, "eeum-emotion-train: out of memory\n");
        return 1;
    }
    m.beta = (float)beta;
    struct train_opts o = {(int)epochs, (float)lr, (float)l2, (float)anchor, (uint64_t)seed, {0}};
    memcpy(o.cw, cw, sizeof cw);

    /* Bias offsets for macro-F1: K-fold out-of-fold predictions on the training files, then
     * a coordinate search over per-label offsets added to the final bias. */
    float offset[EMOTION_LABELS] = {0};
    if (cv_bias >= 2) {
        bool *saved = malloc(t.nex * sizeof *saved);
        if (!saved) {
            fprintf(stderr, "eeum-emotion-train: out of memory\n");
            return 1;
        }
        for (size_t i = 0; i < t.nex; i++)
            saved[i] = t.ex[i].holdout;
        for (unsigned f = 0; f < (unsigned)cv_bias; f++) {
            for (size_t i = 0; i < t.nex; i++)
                t.ex[i].holdout = saved[i] || t.ex[i].idh % (unsigned)cv_bias == f;
            train_model(&t, &m, &o, order, false);
            for (size_t i = 0; i < t.nex; i++)
                if (!saved[i] && t.ex[i].holdout)
                    predict(&m, &t.ex[i], oof[i]);
        }
        for (size_t i = 0; i < t.nex; i++)
            t.ex[i].holdout = saved[i];
        free(saved);
        tune_offsets(&t, oof, offset);
    }
    /* --average N: N runs with different shuffles, parameters averaged (a linear model, so
     * this averages their logits) */
    float *wsum = NULL;
    struct emo_params psum;
    memset(&psum, 0, sizeof psum);
    if (average > 1) {
        wsum = calloc(nw, sizeof *wsum);
        if (!wsum) {
            fprintf(stderr, "eeum-emotion-train: out of memory\n");
            return 1;
        }
    }
    for (int run = 0; run < (int)average; run++) {
        o.seed = (uint64_t)seed + (uint64_t)run * 7919u;
        train_model(&t, &m, &o, order, average <= 1);
        if (average <= 1)
            break;
        for (size_t i = 0; i < nw; i++)
            wsum[i] += m.p.w[i] / (float)average;
        for (int k = 0; k < EMOTION_LABELS; k++) {
            psum.bias[k] += m.p.bias[k] / (float)average;
            for (int j = 0; j < EMOTION_LABELS; j++)
                psum.lexw[k][j] += m.p.lexw[k][j] / (float)average;
        }
    }
    if (average > 1) {
        memcpy(m.p.w, wsum, nw * sizeof *wsum);
        memcpy(m.p.bias, psum.bias, sizeof psum.bias);
        memcpy(m.p.lexw, psum.lexw, sizeof psum.lexw);
        free(wsum);
        if (t.holdout_pct) {
            fprintf(stderr, "averaged over %d runs:\n", (int)average);
            report(&t, &m, (int)epochs);
        }
    }
    if (nb > 0.0) {
        /* --nb L: add L times the centred log-likelihoods of a multinomial naive Bayes over
         * the same hashed features (weighted like the LR's examples, add-alpha smoothing); the
         * result is still one linear table, an ensemble of the two models */
        float *cnt = calloc(nw, sizeof *cnt);
        if (!cnt) {
            fprintf(stderr, "eeum-emotion-train: out of memory\n");
            return 1;
        }
        double tot[EMOTION_LABELS] = {0};
        for (size_t i = 0; i < t.nex; i++) {
            const struct example *e = &t.ex[i];
            if (e->holdout)
                continue;
            for (int k = 0; k < EMOTION_LABELS; k++) {
                float wk = e->weight * e->y[k] * cw[k];
                if (wk == 0.0f)
                    continue;
                for (uint32_t f = 0; f < e->nfeat; f++)
                    cnt[(size_t)e->feat[f] * EMOTION_LABELS + (size_t)k] += wk;
                tot[k] += wk * e->nfeat;
            }
        }
        size_t nb_buckets = (size_t)1 << t.bits;
        for (size_t b = 0; b < nb_buckets; b++) {
            float lg[EMOTION_LABELS], mean = 0.0f;
            for (int k = 0; k < EMOTION_LABELS; k++) {
                lg[k] = logf((cnt[b * EMOTION_LABELS + (size_t)k] + (float)nb_alpha) /
                             (float)(tot[k] + nb_alpha * (double)nb_buckets));
                mean += lg[k] / EMOTION_LABELS;
            }
            for (int k = 0; k < EMOTION_LABELS; k++)
                m.p.w[b * EMOTION_LABELS + (size_t)k] += (float)nb * (lg[k] - mean);
        }
        free(cnt);
        if (t.holdout_pct) {
            fprintf(stderr, "with naive Bayes x %.3f:\n", nb);
            report(&t, &m, (int)epochs);
        }
    }
    for (int k = 0; k < EMOTION_LABELS; k++)
        m.p.bias[k] += offset[k];
    if (t.holdout_pct && cv_bias >= 2) {
        fprintf(stderr, "with the bias offsets:\n");
        report(&t, &m, (int)epochs);
    }
    snprintf(m.p.version, sizeof m.p.version, "%s", version);
    fprintf(stderr, "bias");
    for (int k = 0; k < EMOTION_LABELS; k++)
        fprintf(stderr, " %.3f", m.p.bias[k]);
    fprintf(stderr, "\nlexicon matrix (rows = label, columns = lexicon input)\n");
    for (int k = 0; k < EMOTION_LABELS; k++) {
        for (int j = 0; j < EMOTION_LABELS; j++)
            fprintf(stderr, " %7.3f", m.p.lexw[k][j]);
        fprintf(stderr, "\n");
    }
    int rc = 0;
    if (out) {
        char err[256];
        if (emo_params_write(&m.p, out, err, sizeof err) != 0) {
            fprintf(stderr, "eeum-emotion-train: %s\n", err);
            rc = 1;
        } else {
            fprintf(stderr, "wrote %s (version %s)\n", out, m.p.version);
        }
    }
    for (size_t i = 0; i < t.nex; i++)
        free(t.ex[i].feat);
    free(t.ex);
    free(t.buf);
    free(order);
    free(oof);
    free(m.p.w);
    free(m.gw);
    emo_lexicon_free(&t.lx);
    return rc;
}

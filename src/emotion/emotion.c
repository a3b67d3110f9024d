/*
 * emotion.c - the classifier: text analysis (text.c) feeds a hashed linear model and the
 * lexicon evidence; softmax gives probabilities, rounded to hundredths of a percent that sum
 * to exactly 10000. Reads only the immutable model, so it is safe from any thread.
 */
#include "emotion_internal.h"

#include <math.h>
#include <string.h>

static const char *const LABELS_KO[EMOTION_LABELS] = {"걱정", "분노", "행복", "설렘", "슬픔"};

const char *emotion_label_ko(int idx)
{
    return idx >= 0 && idx < EMOTION_LABELS ? LABELS_KO[idx] : NULL;
}

const char *emotion_model_version(const struct emotion_model *m)
{
    return m ? m->p.version : NULL;
}

void emo_scores(const struct emo_params *p, const struct emo_analysis *a,
                const float acc[EMOTION_LABELS], float out_prob[EMOTION_LABELS])
{
    float s[EMOTION_LABELS], z[EMOTION_LABELS];
    emo_lex_inputs(a, s);
    float norm = a->nfeatures ? 1.0f / sqrtf((float)a->nfeatures) : 0.0f;
    float zmax = -INFINITY;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        z[k] = p->bias[k] + acc[k] * norm;
        for (int j = 0; j < EMOTION_LABELS; j++)
            z[k] += p->lexw[k][j] * s[j];
        if (z[k] > zmax)
            zmax = z[k];
    }
    float sum = 0.0f;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        out_prob[k] = expf(z[k] - zmax);
        sum += out_prob[k];
    }
    for (int k = 0; k < EMOTION_LABELS; k++)
        out_prob[k] /= sum;
}

void emo_round(const float prob[EMOTION_LABELS], struct emotion_result *out)
{
    double p[EMOTION_LABELS], total = 0.0;
    bool ok = true;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        p[k] = prob[k];
        if (!isfinite(p[k]) || p[k] < 0.0)
            ok = false;
        else
            total += p[k];
    }
    if (!ok || total <= 0.0) {
        for (int k = 0; k < EMOTION_LABELS; k++)
            p[k] = 1.0;
        total = EMOTION_LABELS;
    }
    /* largest remainder: floor everything, give the missing hundredths to the largest
     * fractional parts (ties to the lower index) */
    double rem[EMOTION_LABELS];
    int32_t sum = 0;
    for (int k = 0; k < EMOTION_LABELS; k++) {
        double v = p[k] / total * 10000.0;
        double f = floor(v);
        out->centi[k] = (int32_t)f;
        rem[k] = v - f;
        sum += out->centi[k];
    }
    while (sum < 10000) {
        int best = 0;
        for (int k = 1; k < EMOTION_LABELS; k++)
            if (rem[k] > rem[best])
                best = k;
        out->centi[best]++;
        rem[best] = -1.0;
        sum++;
    }
    while (sum > 10000) { /* rounding noise only */
        int best = 0;
        for (int k = 1; k < EMOTION_LABELS; k++)
            if (out->centi[k] > out->centi[best])
                best = k;
        out->centi[best]--;
        sum--;
    }
    out->top = 0;
    for (int k = 1; k < EMOTION_LABELS; k++)
        if (out->centi[k] > out->centi[out->top])
            out->top = k;
}

struct acc_ctx {
    const float *w;
    float acc[EMOTION_LABELS];
};

static void acc_feature(void *ctx, uint32_t bucket)
{
    struct acc_ctx *c = ctx;
    const float *row = c->w + (size_t)bucket * EMOTION_LABELS;
    for (int k = 0; k < EMOTION_LABELS; k++)
        c->acc[k] += row[k];
}

void emotion_classify(const struct emotion_model *m, const char *text, size_t len,
                      struct emotion_result *out)
{
    float prob[EMOTION_LABELS];
    for (int k = 0; k < EMOTION_LABELS; k++)
        prob[k] = 1.0f; /* no model, no memory or no content: uniform, top = 걱정 (index 0) */
    if (m) {
        struct acc_ctx c;
        memset(&c, 0, sizeof c);
        c.w = m->p.w;
        struct emo_analysis a;
        if (emo_analyze(&m->lx, text, len, m->p.hash_bits, acc_feature, &c, &a) == 0 &&
            (a.nfeatures > 0 || a.lex_hits > 0))
            emo_scores(&m->p, &a, c.acc, prob);
    }
    emo_round(prob, out);
}

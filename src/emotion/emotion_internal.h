/*
 * emotion_internal.h - what the classifier (emotion.c), the model file code (model.c), the
 * text analysis (text.c, lexicon.c) and the trainer (tools/emotion_train.c) share. Not a
 * public header: nothing outside src/emotion/ and the trainer includes it.
 */
#ifndef EEUM_EMOTION_INTERNAL_H
#define EEUM_EMOTION_INTERNAL_H

#include "eeum/emotion.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Version of the feature extractor in text.c. A model records the version it was trained with
 * and refuses to load under a different one: bump it whenever the features change. */
#define EMO_FEATURE_VERSION 3u
#define EMO_FORMAT_VERSION  1u
#define EMO_MAGIC           "EEUMEMO\0"
#define EMO_VERSION_LEN     32 /* bytes of the version field, NUL padded, at most 31 chars */
#define EMO_MIN_HASH_BITS   10u
#define EMO_MAX_HASH_BITS   22u

/* One lexicon entry as stored (code points); weights per label. */
struct emo_lex_entry {
    uint32_t cp[8];
    uint8_t len;
    bool latin; /* English word: matched at the start of a Latin token only */
    float w[EMOTION_LABELS];
};

/* The lexicon, sorted by first code point then by length (longest first). Immutable. */
struct emo_lexicon {
    struct emo_lex_entry *e;
    size_t n;
};

/* Builds the lexicon from the static tables in lexicon.c; 0 on success, -1 when out of memory. */
int emo_lexicon_build(struct emo_lexicon *out);
void emo_lexicon_free(struct emo_lexicon *lx);

/* Feature sink: called once per feature occurrence with its hashed bucket (< 2^hash_bits). */
typedef void (*emo_feature_fn)(void *ctx, uint32_t bucket);

/* What the text analysis found besides the hashed features. */
struct emo_analysis {
    uint32_t nfeatures;        /* number of emo_feature_fn calls */
    float lex[EMOTION_LABELS]; /* lexicon/emoticon evidence after negation and intensifiers */
    uint32_t lex_hits;         /* lexicon and emoticon hits */
    uint32_t sentences;        /* sentences found */
};

/* Decodes (invalid UTF-8 becomes a separator), NFC-normalises, splits sentences and tokens,
 * applies the lexicon rules and emits hashed features. Pure; 0 on success, -1 when out of
 * memory (then `out` holds no features). */
int emo_analyze(const struct emo_lexicon *lx, const char *text, size_t len, uint32_t hash_bits,
                emo_feature_fn fn, void *ctx, struct emo_analysis *out);

/* Dense lexicon inputs derived from an analysis (what the lexicon matrix multiplies). */
void emo_lex_inputs(const struct emo_analysis *a, float out[EMOTION_LABELS]);

/* The statistical part: z = bias + W x / sqrt(n) + U s, softmax over z. */
struct emo_params {
    char version[EMO_VERSION_LEN];
    uint32_t hash_bits;
    float bias[EMOTION_LABELS];
    float lexw[EMOTION_LABELS][EMOTION_LABELS]; /* U[k][j]: lexicon input j -> label k */
    float *w;                                   /* (1 << hash_bits) * EMOTION_LABELS */
};

struct emotion_model {
    struct emo_params p;
    struct emo_lexicon lx;
};

/* Writes a model file (header, quantised weights, checksum); 0 or -1 with err filled. */
int emo_params_write(const struct emo_params *p, const char *path, char *err, size_t errlen);

/* Scores from a finished analysis and the summed feature weights (acc = sum of W rows). */
void emo_scores(const struct emo_params *p, const struct emo_analysis *a,
                const float acc[EMOTION_LABELS], float out_prob[EMOTION_LABELS]);

/* Probabilities -> hundredths of a percent summing to 10000 (largest remainder, ties to the
 * lower index), and the top label (ties to the lower index). */
void emo_round(const float prob[EMOTION_LABELS], struct emotion_result *out);

#endif

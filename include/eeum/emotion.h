/*
 * emotion.h - the Korean diary emotion classifier (five labels, scores in hundredths of a
 * percent). A model file (models/emotion.model, written by the trainer eeum-emotion-train)
 * holds the statistical part; the lexicon, negation, intensifier and emoticon rules are code.
 * A loaded model is immutable: emotion_classify may run on it from any number of threads.
 */
#ifndef EEUM_EMOTION_H
#define EEUM_EMOTION_H

#include <stddef.h>
#include <stdint.h>

/* The interface below is shared with other modules verbatim (see the helpers' contract). */
// clang-format off
#define EMOTION_LABELS 5 /* fixed order: 0 걱정 worry, 1 분노 angry, 2 행복 happy, 3 설렘 excited, 4 슬픔 sad */
struct emotion_model;
/* Loads a model file; NULL and a message in err (naming the file and the problem) when missing/corrupt. */
struct emotion_model *emotion_model_load(const char *path, char *err, size_t errlen);
void emotion_model_free(struct emotion_model *m);
struct emotion_result {
    int32_t centi[EMOTION_LABELS]; /* scores in hundredths of a percent, each >= 0, sum exactly 10000 */
    int top;                       /* argmax, ties to the lower index */
};
/* Pure and thread-safe; any bytes (empty, invalid UTF-8, 20,000 characters) give a valid result. */
void emotion_classify(const struct emotion_model *m, const char *text, size_t len, struct emotion_result *out);
const char *emotion_label_ko(int idx);               /* "걱정" ... "슬픔", NULL outside 0..4 */
const char *emotion_model_version(const struct emotion_model *m); /* stored as analyzer_version (≤ 32 chars) */
// clang-format on

#endif

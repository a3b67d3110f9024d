/*
 * recommend.h - late-night snack ranking (pure: no I/O, no allocation in the ranking itself).
 * Owns the allergen vocabulary, the food/preference/feedback model, the hard filters, the
 * score (emotion affinity x preference fit x learned feedback weights x a per-day jitter), the
 * three-nights rule and the Korean reason sentence. The catalogue cache lives here too; the
 * database side (loading rows, storing picks) is src/db/recommend.c.
 */
#ifndef EEUM_RECOMMEND_H
#define EEUM_RECOMMEND_H

#include "eeum/validate.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECO_EMOTIONS           5   /* same order as emotion.h: worry angry happy excited sad */
#define RECO_PICKS              3   /* recommendations per diary version */
#define RECO_ALLERGENS          19  /* number of allergen codes */
#define RECO_TAGS_MAX           8   /* tags per food */
#define RECO_TAG_BYTES          64  /* one tag, NUL included (tags are 1..20 characters) */
#define RECO_NAME_BYTES         256 /* food name, NUL included (VARCHAR(60)) */
#define RECO_URL_BYTES          516 /* image URL, NUL included (VARCHAR(512)) */
#define RECO_REASON_BYTES       600 /* reason sentence, NUL included (VARCHAR(200) characters) */
#define RECO_DISLIKED_FOODS_MAX 100
#define RECO_DISLIKED_TAGS_MAX  20
#define RECO_SPICE_MAX          3

/* ---- allergens ---- */

/* Bit index of an allergen code ("egg" ... "pine_nut"), or -1 when unknown. Pure. */
int reco_allergen_index(const char *code, size_t n);
/* The code of bit `i` (static storage), or NULL outside 0..RECO_ALLERGENS-1. */
const char *reco_allergen_code(int i);

/* ---- the model ---- */

struct reco_food {
    uint64_t id;
    char name[RECO_NAME_BYTES];
    char image_url[RECO_URL_BYTES];
    char tags[RECO_TAGS_MAX][RECO_TAG_BYTES];
    size_t ntags;
    uint32_t allergens; /* bit i = reco_allergen_code(i) */
    bool vegetarian;
    int spice;                             /* 0..3 */
    int32_t affinity_milli[RECO_EMOTIONS]; /* 0..1000 (DECIMAL(4,3) x 1000) */
};

struct reco_prefs {
    uint32_t allergies; /* bitmask of allergen codes */
    uint64_t disliked_food_ids[RECO_DISLIKED_FOODS_MAX];
    size_t ndisliked_foods;
    char disliked_tags[RECO_DISLIKED_TAGS_MAX][RECO_TAG_BYTES];
    size_t ndisliked_tags;
    int spice_tolerance; /* 0..3: foods with spice above it are excluded */
    bool vegetarian;
};

/* The defaults of a user without a preferences row (matches the table's defaults). */
void reco_prefs_default(struct reco_prefs *out);

/* A user's feedback summed per food: each answer counts +1 (liked) or -1 (not liked), twice
 * as much when the user ate the food (a tasted opinion is the stronger signal). */
struct reco_feedback {
    uint64_t food_id;
    int32_t score;
};

/* Everything the ranking reads; arrays are borrowed. */
struct reco_input {
    int32_t centi[RECO_EMOTIONS]; /* the diary's scores in hundredths of a percent */
    const struct reco_prefs *prefs;
    const struct reco_feedback *feedback;
    size_t nfeedback;
    const uint64_t *yesterday; /* food ids recommended to the user the day before */
    size_t nyesterday;
    const uint64_t *day_before; /* ... and two days before */
    size_t nday_before;
    uint64_t diary_id;
    const char *day; /* "YYYY-MM-DD" in APP_TZ: seeds the per-day variety */
};

struct reco_pick {
    size_t food;   /* index into the catalogue array */
    int emotion;   /* the emotion that drove the pick (0..4) */
    int64_t score; /* the final score (larger is better) */
    char reason[RECO_REASON_BYTES];
};

/* True when `f` passes every hard filter of `p` (allergens, vegetarian, spice tolerance,
 * disliked foods and tags). Pure. */
bool reco_food_allowed(const struct reco_food *f, const struct reco_prefs *p);

/* The score of one food for `in` (before filters); 0 for a food with no affinity at all. */
int64_t reco_score(const struct reco_food *f, const struct reco_input *in);

/*
 * Rank `foods` for `in` and write up to RECO_PICKS picks, best first, into out; returns how
 * many (fewer when the filters leave fewer foods). A food recommended on both of the two
 * previous days is skipped (no food three nights running); one recommended yesterday is
 * weighed down. Deterministic: equal inputs give equal picks. Pure and thread-safe.
 */
size_t reco_rank(const struct reco_food *foods, size_t nfoods, const struct reco_input *in,
                 struct reco_pick out[RECO_PICKS]);

/* One Korean sentence naming `emotion` and a property of `f` (from its tags) into out. */
void reco_reason(const struct reco_food *f, int emotion, char *out, size_t outlen);

/* The two calendar days before `day` ("YYYY-MM-DD") into out1 (day - 1) and out2 (day - 2).
 * False when `day` is not a valid date. */
bool reco_previous_days(const char *day, char out1[11], char out2[11]);

/* ---- preferences and JSON ---- */

/*
 * Validate a preferences body (any subset of allergies, dislikedFoodIds, dislikedTags,
 * spiceTolerance, vegetarian) against the catalogue `cat` (food ids and tags must exist) and
 * apply it to *io: absent fields keep their value; arrays replace the stored list and are
 * de-duplicated. On failure res lists every bad field and *io is unchanged. Pure.
 */
struct reco_catalogue;
void reco_prefs_parse(const json_t *body, const struct reco_catalogue *cat, struct reco_prefs *io,
                      struct val_result *res);

/* {allergies, dislikedFoodIds, dislikedTags, spiceTolerance, vegetarian} (new reference). */
json_t *reco_prefs_json(const struct reco_prefs *p);

/* {id, name, imageUrl, tags, allergens} and, when `full`, vegetarian, spiceLevel and
 * emotionAffinities {worry, angry, happy, excited, sad} (new reference). */
json_t *reco_food_json(const struct reco_food *f, bool full);

/* ---- catalogue (immutable once built; shared through a cache) ---- */

struct reco_catalogue {
    struct reco_food *foods;
    size_t nfoods;
};

/* Parse a JSON array of strings (a foods.tags / allergens column) into `f`. Allergens: every
 * element must be a known code. False on malformed input. */
bool reco_food_set_tags_json(struct reco_food *f, const char *json, size_t len);
bool reco_food_set_allergens_json(struct reco_food *f, const char *json, size_t len);

/* Index of the food with `id` in the catalogue, or -1. */
long reco_catalogue_find(const struct reco_catalogue *c, uint64_t id);

/* True when some food of the catalogue carries tag `t` (n bytes). */
bool reco_catalogue_has_tag(const struct reco_catalogue *c, const char *t, size_t n);

/*
 * The process-wide catalogue cache. reco_cache_get returns a reference (read-only by
 * convention; release it with reco_cache_put) to the cached catalogue when it is younger than
 * `ttl_s` seconds (by the monotonic `now_s` the caller passes), else NULL: the caller then loads a
 * fresh one and hands it over with reco_cache_set (which steals `fresh`, a heap struct with heap
 * `foods`, and returns a reference to it, or NULL on ENOMEM). Thread-safe.
 */
struct reco_catalogue *reco_cache_get(double now_s, double ttl_s);
struct reco_catalogue *reco_cache_set(struct reco_catalogue *fresh, double now_s);
void reco_cache_put(struct reco_catalogue *c);
/* Drop the cached catalogue (tests, shutdown); readers keep their references. */
void reco_cache_clear(void);

/* Free a catalogue that is not in the cache. NULL-safe. */
void reco_catalogue_free(struct reco_catalogue *c);

#endif

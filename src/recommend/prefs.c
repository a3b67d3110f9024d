/*
 * prefs.c - validation of a food-preferences body (PUT /api/users/me/food-preferences) and
 * its JSON form. Pure: the catalogue is passed in (known food ids and tags); every failing
 * field is reported with a Korean message; nothing is changed unless the whole body is valid.
 */
#include "eeum/recommend.h"

#include <string.h>

#define PREFS_ARRAY_MAX 200 /* raw elements accepted before de-duplication */

#define MSG_ALLERGIES_TYPE "allergies는 알레르기 코드 문자열의 배열이어야 합니다."
#define MSG_ALLERGIES_UNKNOWN                                                                                         \
    "알 수 없는 알레르기 코드가 있습니다. 사용할 수 있는 코드: egg, milk, buckwheat, peanut, " \
    "soy, wheat, mackerel, crab, shrimp, pork, peach, tomato, sulfite, walnut, chicken, beef, "                       \
    "squid, shellfish, pine_nut"
#define MSG_FOODS_TYPE    "dislikedFoodIds는 음식 id(양의 정수)의 배열이어야 합니다."
#define MSG_FOODS_UNKNOWN "존재하지 않는 음식 id가 있습니다."
#define MSG_FOODS_MAX     "싫어하는 음식은 최대 100개까지 지정할 수 있습니다."
#define MSG_TAGS_TYPE     "dislikedTags는 태그 문자열의 배열이어야 합니다."
#define MSG_TAGS_UNKNOWN                                                                           \
    "알 수 없는 태그가 있습니다. 음식 목록(GET /api/foods)의 태그 중에서 골라 주세요."
#define MSG_TAGS_MAX   "싫어하는 태그는 최대 20개까지 지정할 수 있습니다."
#define MSG_SPICE      "spiceTolerance는 0부터 3까지의 정수여야 합니다."
#define MSG_VEGETARIAN "vegetarian은 true 또는 false여야 합니다."

static void parse_allergies(const json_t *a, struct reco_prefs *p, struct val_result *res)
{
    if (!json_is_array(a) || json_array_size(a) > PREFS_ARRAY_MAX) {
        val_fail(res, "allergies", MSG_ALLERGIES_TYPE);
        return;
    }
    uint32_t mask = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *v = json_array_get(a, i);
        if (!json_is_string(v)) {
            val_fail(res, "allergies", MSG_ALLERGIES_TYPE);
            return;
        }
        struct val_str s = val_trim((struct val_str){json_string_value(v), json_string_length(v)});
        int bit = reco_allergen_index(s.p, s.n);
        if (bit < 0) {
            val_fail(res, "allergies", MSG_ALLERGIES_UNKNOWN);
            return;
        }
        mask |= 1u << bit;
    }
    p->allergies = mask;
}

static void parse_foods(const json_t *a, const struct reco_catalogue *cat, struct reco_prefs *p,
                        struct val_result *res)
{
    if (!json_is_array(a) || json_array_size(a) > PREFS_ARRAY_MAX) {
        val_fail(res, "dislikedFoodIds", json_is_array(a) ? MSG_FOODS_MAX : MSG_FOODS_TYPE);
        return;
    }
    uint64_t ids[RECO_DISLIKED_FOODS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            val_fail(res, "dislikedFoodIds", MSG_FOODS_TYPE);
            return;
        }
        uint64_t id = (uint64_t)json_integer_value(v);
        if (reco_catalogue_find(cat, id) < 0) {
            val_fail(res, "dislikedFoodIds", MSG_FOODS_UNKNOWN);
            return;
        }
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = ids[k] == id;
        if (dup)
            continue;
        if (n == RECO_DISLIKED_FOODS_MAX) {
            val_fail(res, "dislikedFoodIds", MSG_FOODS_MAX);
            return;
        }
        ids[n++] = id;
    }
    memcpy(p->disliked_food_ids, ids, n * sizeof ids[0]);
    p->ndisliked_foods = n;
}

static void parse_tags(const json_t *a, const struct reco_catalogue *cat, struct reco_prefs *p,
                       struct val_result *res)
{
    if (!json_is_array(a) || json_array_size(a) > PREFS_ARRAY_MAX) {
        val_fail(res, "dislikedTags", json_is_array(a) ? MSG_TAGS_MAX : MSG_TAGS_TYPE);
        return;
    }
    char tags[RECO_DISLIKED_TAGS_MAX][RECO_TAG_BYTES];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *v = json_array_get(a, i);
        if (!json_is_string(v)) {
            val_fail(res, "dislikedTags", MSG_TAGS_TYPE);
            return;
        }
        struct val_str s = val_trim((struct val_str){json_string_value(v), json_string_length(v)});
        if (!reco_catalogue_has_tag(cat, s.p, s.n)) {
            val_fail(res, "dislikedTags", MSG_TAGS_UNKNOWN);
            return;
        }
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strlen(tags[k]) == s.n && memcmp(tags[k], s.p, s.n) == 0;
        if (dup)
            continue;
        if (n == RECO_DISLIKED_TAGS_MAX) {
            val_fail(res, "dislikedTags", MSG_TAGS_MAX);
            return;
        }
        memcpy(tags[n], s.p, s.n); /* s.n < RECO_TAG_BYTES: a catalogue tag */
        tags[n][s.n] = '\0';
        n++;
    }
    memcpy(p->disliked_tags, tags, n * sizeof tags[0]);
    p->ndisliked_tags = n;
}

void reco_prefs_parse(const json_t *body, const struct reco_catalogue *cat, struct reco_prefs *io,
                      struct val_result *res)
{
    val_result_init(res);
    if (!json_is_object(body)) {
        val_fail(res, "body", VAL_MSG_NOT_OBJECT);
        return;
    }
    struct reco_prefs p = *io;
    const json_t *v;
    if ((v = json_object_get(body, "allergies")))
        parse_allergies(v, &p, res);
    if ((v = json_object_get(body, "dislikedFoodIds")))
        parse_foods(v, cat, &p, res);
    if ((v = json_object_get(body, "dislikedTags")))
        parse_tags(v, cat, &p, res);
    if ((v = json_object_get(body, "spiceTolerance"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > RECO_SPICE_MAX)
            val_fail(res, "spiceTolerance", MSG_SPICE);
        else
            p.spice_tolerance = (int)json_integer_value(v);
    }
    if ((v = json_object_get(body, "vegetarian"))) {
        if (!json_is_boolean(v))
            val_fail(res, "vegetarian", MSG_VEGETARIAN);
        else
            p.vegetarian = json_is_true(v);
    }
    if (res->status == STATUS_OK)
        *io = p;
}

json_t *reco_prefs_json(const struct reco_prefs *p)
{
    json_t *all = json_array(), *foods = json_array(), *tags = json_array();
    for (int i = 0; i < RECO_ALLERGENS; i++) {
        if (p->allergies & (1u << i))
            json_array_append_new(all, json_string(reco_allergen_code(i)));
    }
    for (size_t i = 0; i < p->ndisliked_foods; i++)
        json_array_append_new(foods, json_integer((json_int_t)p->disliked_food_ids[i]));
    for (size_t i = 0; i < p->ndisliked_tags; i++)
        json_array_append_new(tags, json_string(p->disliked_tags[i]));
    return json_pack("{s:o, s:o, s:o, s:i, s:b}", "allergies", all, "dislikedFoodIds", foods,
                     "dislikedTags", tags, "spiceTolerance", p->spice_tolerance, "vegetarian",
                     p->vegetarian ? 1 : 0);
}

json_t *reco_food_json(const struct reco_food *f, bool full)
{
    json_t *tags = json_array(), *all = json_array();
    for (size_t i = 0; i < f->ntags; i++)
        json_array_append_new(tags, json_string(f->tags[i]));
    for (int i = 0; i < RECO_ALLERGENS; i++) {
        if (f->allergens & (1u << i))
            json_array_append_new(all, json_string(reco_allergen_code(i)));
    }
    json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)f->id, "name", f->name,
                          "imageUrl", f->image_url, "tags", tags, "allergens", all);
    if (o && full) {
        json_object_set_new(o, "vegetarian", json_boolean(f->vegetarian));
        json_object_set_new(o, "spiceLevel", json_integer(f->spice));
        json_object_set_new(
            o, "emotionAffinities",
            json_pack("{s:f, s:f, s:f, s:f, s:f}", "worry", f->affinity_milli[0] / 1000.0, "angry",
                      f->affinity_milli[1] / 1000.0, "happy", f->affinity_milli[2] / 1000.0,
                      "excited", f->affinity_milli[3] / 1000.0, "sad",
                      f->affinity_milli[4] / 1000.0));
    }
    return o;
}

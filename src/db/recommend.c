/*
 * recommend.c - SQL of snack recommendations: the catalogue loader behind the process-wide
 * cache, preferences (one upsert), the picks of a diary version (written by the analyzer in its
 * own transaction) and feedback. The ranking itself is the pure src/recommend/ module.
 */
#include "eeum/db_recommend.h"

#include "eeum/log.h"
#include "eeum/timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The catalogue changes only with a migration; a minute bounds how long a process serves an
 * old one after a deploy that adds foods. */
#define RECO_CACHE_TTL_S  60.0
#define RECO_FEEDBACK_MAX 512
#define RECO_RECENT_MAX   64

static const char SQL_FOODS[] =
    "SELECT id, name, image_url, tags, allergens, vegetarian, spice_level,"
    " ROUND(affinity_worry * 1000), ROUND(affinity_angry * 1000),"
    " ROUND(affinity_happy * 1000), ROUND(affinity_excited * 1000),"
    " ROUND(affinity_sad * 1000) FROM foods ORDER BY id";

static const char SQL_PREFS[] =
    "SELECT allergies, disliked_food_ids, disliked_tags, spice_tolerance, vegetarian"
    " FROM user_food_preferences WHERE user_id = ?";

static const char SQL_PREFS_ENSURE[] = "INSERT INTO user_food_preferences (user_id) VALUES (?) ON "
                                       "DUPLICATE KEY UPDATE user_id = user_id";
static const char SQL_PREFS_LOCK[] =
    "SELECT allergies, disliked_food_ids, disliked_tags, spice_tolerance, vegetarian"
    " FROM user_food_preferences WHERE user_id = ? FOR UPDATE";

static const char SQL_PREFS_PUT[] =
    "INSERT INTO user_food_preferences (user_id, allergies, disliked_food_ids, disliked_tags,"
    " spice_tolerance, vegetarian) VALUES (?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE allergies = VALUES(allergies),"
    " disliked_food_ids = VALUES(disliked_food_ids), disliked_tags = VALUES(disliked_tags),"
    " spice_tolerance = VALUES(spice_tolerance), vegetarian = VALUES(vegetarian)";

/* Each answer counts +1 liked / -1 not liked, doubled when the user ate the food. */
static const char SQL_FEEDBACK_SUM[] =
    "SELECT food_id, CAST(SUM(IF(liked, 1, -1) * IF(ate, 2, 1)) AS SIGNED) FROM food_feedback"
    " WHERE user_id = ? GROUP BY food_id ORDER BY food_id";

static const char SQL_RECENT[] =
    "SELECT DISTINCT food_id, DATE_FORMAT(recommended_on, '%Y-%m-%d') FROM recommended_foods"
    " WHERE user_id = ? AND recommended_on IN (?, ?) ORDER BY food_id";

static const char SQL_SLOT_UPSERT[] =
    "INSERT INTO recommended_foods (diary_id, diary_version, user_id, food_id, rank_no, reason,"
    " recommended_on) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), food_id = VALUES(food_id),"
    " reason = VALUES(reason), recommended_on = VALUES(recommended_on)";

static const char SQL_SLOT_UPSERT3[] =
    "INSERT INTO recommended_foods (diary_id, diary_version, user_id, food_id, rank_no, reason,"
    " recommended_on) VALUES (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), food_id = VALUES(food_id),"
    " reason = VALUES(reason), recommended_on = VALUES(recommended_on)";

/* Rows of the slot past the new pick count go, with any feedback given on them. */
static const char SQL_SLOT_DROP_FEEDBACK[] =
    "DELETE ff FROM food_feedback ff JOIN recommended_foods rf ON rf.id = ff.recommendation_id"
    " WHERE rf.diary_id = ? AND rf.diary_version = ? AND rf.rank_no > ?";
static const char SQL_SLOT_DROP[] =
    "DELETE FROM recommended_foods WHERE diary_id = ? AND diary_version = ? AND rank_no > ?";

static const char SQL_LIST[] =
    "SELECT rf.id, rf.food_id, rf.reason FROM diaries d"
    " LEFT JOIN diary_emotions de ON de.diary_id = d.id"
    " LEFT JOIN recommended_foods rf ON rf.diary_id = d.id AND rf.diary_version = de.diary_version"
    " WHERE d.id = ? AND d.user_id = ? AND d.is_deleted = 0 ORDER BY rf.rank_no";

static const char SQL_REC_OWNED[] =
    "SELECT rf.food_id FROM recommended_foods rf JOIN diaries d ON d.id = rf.diary_id"
    " WHERE rf.id = ? AND d.user_id = ? AND d.is_deleted = 0";

static const char SQL_FEEDBACK_PUT[] =
    "INSERT INTO food_feedback (user_id, recommendation_id, food_id, ate, liked)"
    " VALUES (?, ?, ?, ?, ?)"
    " ON DUPLICATE KEY UPDATE food_id = VALUES(food_id), ate = VALUES(ate), liked = VALUES(liked)";

/* ---- catalogue ---- */

static void copy_cell(char *dst, size_t cap, const struct db_rows *r, size_t i, size_t col)
{
    const char *s = db_rows_str(r, i, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

static enum status load_catalogue(struct db_conn *c, struct reco_catalogue **out)
{
    struct db_rows *r = NULL;
    struct reco_catalogue *cat = NULL;
    enum status st = db_query(c, SQL_FOODS, NULL, 0, &r);
    if (st != STATUS_OK)
        goto out;
    size_t n = db_rows_count(r);
    cat = calloc(1, sizeof *cat);
    if (!cat || (n && !(cat->foods = calloc(n, sizeof *cat->foods)))) {
        st = STATUS_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct reco_food *f = &cat->foods[cat->nfoods];
        f->id = db_rows_u64(r, i, 0);
        copy_cell(f->name, sizeof f->name, r, i, 1);
        copy_cell(f->image_url, sizeof f->image_url, r, i, 2);
        if (!reco_food_set_tags_json(f, db_rows_str(r, i, 3), db_rows_len(r, i, 3)) ||
            !reco_food_set_allergens_json(f, db_rows_str(r, i, 4), db_rows_len(r, i, 4))) {
            /* never recommend a food whose allergens we cannot read */
            log_error("reco.catalogue", "food %llu has malformed tags or allergens; skipped",
                      (unsigned long long)f->id);
            continue;
        }
        f->vegetarian = db_rows_i64(r, i, 5) != 0;
        f->spice = (int)db_rows_i64(r, i, 6);
        for (int e = 0; e < RECO_EMOTIONS; e++)
            f->affinity_milli[e] = (int32_t)db_rows_i64(r, i, 7 + (size_t)e);
        cat->nfoods++;
    }
    *out = cat;
    cat = NULL;
out:
    reco_catalogue_free(cat);
    db_rows_free(r);
    return st;
}

enum status db_recommend_catalogue(struct db_conn *c, struct reco_catalogue **out)
{
    double now = (double)time_mono_ns() / 1e9;
    *out = reco_cache_get(now, RECO_CACHE_TTL_S);
    if (*out)
        return STATUS_OK;
    struct reco_catalogue *fresh = NULL;
    enum status st = load_catalogue(c, &fresh);
    if (st != STATUS_OK)
        return st;
    *out = reco_cache_set(fresh, now);
    return *out ? STATUS_OK : STATUS_INTERNAL;
}

/* ---- preferences ---- */

static void parse_prefs_row(const struct db_rows *r, struct reco_prefs *p)
{
    json_t *a = json_loadb(db_rows_str(r, 0, 0), db_rows_len(r, 0, 0), 0, NULL);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        int bit = reco_allergen_index(json_string_value(v), json_string_length(v));
        if (bit >= 0)
            p->allergies |= 1u << bit;
    }
    json_decref(a);
    a = json_loadb(db_rows_str(r, 0, 1), db_rows_len(r, 0, 1), 0, NULL);
    for (size_t i = 0; i < json_array_size(a) && p->ndisliked_foods < RECO_DISLIKED_FOODS_MAX;
         i++) {
        json_t *v = json_array_get(a, i);
        if (json_is_integer(v) && json_integer_value(v) > 0)
            p->disliked_food_ids[p->ndisliked_foods++] = (uint64_t)json_integer_value(v);
    }
    json_decref(a);
    a = json_loadb(db_rows_str(r, 0, 2), db_rows_len(r, 0, 2), 0, NULL);
    for (size_t i = 0; i < json_array_size(a) && p->ndisliked_tags < RECO_DISLIKED_TAGS_MAX; i++) {
        json_t *v = json_array_get(a, i);
        if (json_is_string(v) && json_string_length(v) > 0 &&
            json_string_length(v) < RECO_TAG_BYTES)
            memcpy(p->disliked_tags[p->ndisliked_tags++], json_string_value(v),
                   json_string_length(v) + 1);
    }
    json_decref(a);
    int64_t spice = db_rows_i64(r, 0, 3);
    p->spice_tolerance = spice < 0 ? 0 : spice > RECO_SPICE_MAX ? RECO_SPICE_MAX : (int)spice;
    p->vegetarian = db_rows_i64(r, 0, 4) != 0;
}

enum status db_recommend_prefs_get(struct db_conn *c, uint64_t user_id, struct reco_prefs *out)
{
    reco_prefs_default(out);
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id)};
    enum status st = db_query(c, SQL_PREFS, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 1) {
        out->spice_tolerance = 0;
        parse_prefs_row(r, out);
    }
    db_rows_free(r);
    return st;
}

enum status db_recommend_prefs_lock(struct db_conn *c, uint64_t user_id, struct reco_prefs *out)
{
    reco_prefs_default(out);
    struct db_param p[] = {db_p_u64(user_id)};
    enum status st = db_exec(c, SQL_PREFS_ENSURE, p, 1, NULL, NULL);
    struct db_rows *r = NULL;
    if (st == STATUS_OK)
        st = db_query(c, SQL_PREFS_LOCK, p, 1, &r);
    if (st == STATUS_OK && db_rows_count(r) == 1) {
        out->spice_tolerance = 0;
        parse_prefs_row(r, out);
    }
    db_rows_free(r);
    return st;
}

enum status db_recommend_prefs_put(struct db_conn *c, uint64_t user_id, const struct reco_prefs *p)
{
    enum status st = STATUS_INTERNAL;
    char *s_all = NULL, *s_foods = NULL, *s_tags = NULL;
    json_t *all = json_array(), *foods = json_array(), *tags = json_array();
    if (!all || !foods || !tags)
        goto out;
    for (int i = 0; i < RECO_ALLERGENS; i++) {
        if (p->allergies & (1u << i))
            json_array_append_new(all, json_string(reco_allergen_code(i)));
    }
    for (size_t i = 0; i < p->ndisliked_foods; i++)
        json_array_append_new(foods, json_integer((json_int_t)p->disliked_food_ids[i]));
    for (size_t i = 0; i < p->ndisliked_tags; i++)
        json_array_append_new(tags, json_string(p->disliked_tags[i]));
    s_all = json_dumps(all, JSON_COMPACT);
    s_foods = json_dumps(foods, JSON_COMPACT);
    s_tags = json_dumps(tags, JSON_COMPACT);
    if (!s_all || !s_foods || !s_tags)
        goto out;
    struct db_param q[] = {
        db_p_u64(user_id),
        db_p_str(s_all),
        db_p_str(s_foods),
        db_p_str(s_tags),
        db_p_i64(p->spice_tolerance),
        db_p_i64(p->vegetarian ? 1 : 0),
    };
    st = db_exec(c, SQL_PREFS_PUT, q, sizeof q / sizeof q[0], NULL, NULL);
out:
    free(s_all);
    free(s_foods);
    free(s_tags);
    json_decref(all);
    json_decref(foods);
    json_decref(tags);
    return st;
}

/* ---- storing picks ---- */

static enum status load_feedback(struct db_conn *c, uint64_t user_id, struct reco_feedback *out,
                                 size_t cap, size_t *out_n)
{
    *out_n = 0;
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id)};
    enum status st = db_query(c, SQL_FEEDBACK_SUM, p, 1, &r);
    for (size_t i = 0; st == STATUS_OK && i < db_rows_count(r) && *out_n < cap; i++) {
        out[*out_n].food_id = db_rows_u64(r, i, 0);
        int64_t s = db_rows_i64(r, i, 1);
        out[*out_n].score = (int32_t)(s < -100000 ? -100000 : s > 100000 ? 100000 : s);
        (*out_n)++;
    }
    db_rows_free(r);
    return st;
}

static enum status load_recent(struct db_conn *c, uint64_t user_id, const char *d1, const char *d2,
                               uint64_t *y1, size_t *n1, uint64_t *y2, size_t *n2)
{
    *n1 = *n2 = 0;
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(user_id), db_p_str(d1), db_p_str(d2)};
    enum status st = db_query(c, SQL_RECENT, p, 3, &r);
    for (size_t i = 0; st == STATUS_OK && i < db_rows_count(r); i++) {
        const char *day = db_rows_str(r, i, 1);
        uint64_t id = db_rows_u64(r, i, 0);
        if (day && strcmp(day, d1) == 0 && *n1 < RECO_RECENT_MAX)
            y1[(*n1)++] = id;
        else if (day && strcmp(day, d2) == 0 && *n2 < RECO_RECENT_MAX)
            y2[(*n2)++] = id;
    }
    db_rows_free(r);
    return st;
}

enum status db_recommend_store(struct db_conn *c, uint64_t diary_id, uint32_t version,
                               uint64_t user_id, const int32_t centi[5], const char *day)
{
    char d1[11], d2[11];
    if (!centi || !reco_previous_days(day, d1, d2)) {
        log_error("reco.store", "diary %llu: invalid day or scores", (unsigned long long)diary_id);
        return STATUS_INTERNAL;
    }
    struct reco_catalogue *cat = NULL;
    struct reco_feedback *fb = NULL;
    enum status st = db_recommend_catalogue(c, &cat);
    if (st != STATUS_OK)
        goto out;

    struct reco_prefs prefs;
    st = db_recommend_prefs_get(c, user_id, &prefs);
    if (st != STATUS_OK)
        goto out;
    fb = calloc(RECO_FEEDBACK_MAX, sizeof *fb);
    if (!fb) {
        st = STATUS_INTERNAL;
        goto out;
    }
    size_t nfb = 0;
    st = load_feedback(c, user_id, fb, RECO_FEEDBACK_MAX, &nfb);
    if (st != STATUS_OK)
        goto out;
    uint64_t y1[RECO_RECENT_MAX], y2[RECO_RECENT_MAX];
    size_t n1 = 0, n2 = 0;
    st = load_recent(c, user_id, d1, d2, y1, &n1, y2, &n2);
    if (st != STATUS_OK)
        goto out;

    struct reco_input in = {
        .prefs = &prefs,
        .feedback = fb,
        .nfeedback = nfb,
        .yesterday = y1,
        .nyesterday = n1,
        .day_before = y2,
        .nday_before = n2,
        .diary_id = diary_id,
        .day = day,
    };
    memcpy(in.centi, centi, sizeof in.centi);
    struct reco_pick picks[RECO_PICKS];
    size_t n = reco_rank(cat->foods, cat->nfoods, &in, picks);

    /* Three picks (the usual case) in one statement; fewer row by row, and then any rows of
     * the slot past the new count go. */
    struct db_param p[RECO_PICKS * 7];
    for (size_t k = 0; k < n; k++) {
        struct db_param *q = &p[k * 7];
        q[0] = db_p_u64(diary_id);
        q[1] = db_p_u64(version);
        q[2] = db_p_u64(user_id);
        q[3] = db_p_u64(cat->foods[picks[k].food].id);
        q[4] = db_p_u64(k + 1);
        q[5] = db_p_str(picks[k].reason);
        q[6] = db_p_str(day);
    }
    if (n == RECO_PICKS) {
        st = db_exec(c, SQL_SLOT_UPSERT3, p, RECO_PICKS * 7, NULL, NULL);
    } else {
        for (size_t k = 0; k < n && st == STATUS_OK; k++)
            st = db_exec(c, SQL_SLOT_UPSERT, &p[k * 7], 7, NULL, NULL);
        struct db_param d[] = {db_p_u64(diary_id), db_p_u64(version), db_p_u64(n)};
        if (st == STATUS_OK)
            st = db_exec(c, SQL_SLOT_DROP_FEEDBACK, d, 3, NULL, NULL);
        if (st == STATUS_OK)
            st = db_exec(c, SQL_SLOT_DROP, d, 3, NULL, NULL);
    }
out:
    free(fb);
    reco_cache_put(cat);
    return st;
}

/* ---- reading picks, feedback ---- */

enum status db_recommend_list(struct db_conn *c, uint64_t user_id, uint64_t diary_id,
                              struct db_rows **out)
{
    struct db_param p[] = {db_p_u64(diary_id), db_p_u64(user_id)};
    enum status st = db_query(c, SQL_LIST, p, 2, out);
    if (st == STATUS_OK && db_rows_count(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return STATUS_NOT_FOUND;
    }
    return st;
}

enum status db_recommend_feedback(struct db_conn *c, uint64_t user_id, uint64_t rec_id, bool ate,
                                  bool liked, uint64_t *out_food_id, bool *out_created)
{
    struct db_rows *r = NULL;
    struct db_param p[] = {db_p_u64(rec_id), db_p_u64(user_id)};
    enum status st = db_query(c, SQL_REC_OWNED, p, 2, &r);
    if (st == STATUS_OK && db_rows_count(r) == 0)
        st = STATUS_NOT_FOUND;
    uint64_t food_id = st == STATUS_OK ? db_rows_u64(r, 0, 0) : 0;
    db_rows_free(r);
    if (st != STATUS_OK)
        return st;
    uint64_t affected = 0;
    struct db_param q[] = {
        db_p_u64(user_id),     db_p_u64(rec_id),        db_p_u64(food_id),
        db_p_i64(ate ? 1 : 0), db_p_i64(liked ? 1 : 0),
    };
    st = db_exec(c, SQL_FEEDBACK_PUT, q, sizeof q / sizeof q[0], &affected, NULL);
    if (st == STATUS_OK) {
        *out_food_id = food_id;
        *out_created = affected == 1;
    }
    return st;
}

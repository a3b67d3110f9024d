/*
 * db_recommend.h - persistence of snack recommendations (tables foods, recommended_foods,
 * food_feedback, user_food_preferences): storing a diary version's picks (called by the
 * analyzer inside its transaction), the cached catalogue, preferences and feedback.
 */
#ifndef EEUM_DB_RECOMMEND_H
#define EEUM_DB_RECOMMEND_H

#include "eeum/db.h"
#include "eeum/recommend.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inside the caller's open transaction on c: ranks the catalogue for this diary's scores and the
 * user's preferences/feedback/recent recommendations and writes up to 3 rows into
 * recommended_foods for (diary_id, version), replacing any rows of that slot. `day` is the day of
 * the recommendation in APP_TZ, "YYYY-MM-DD". Deterministic for the same inputs. */
enum status db_recommend_store(struct db_conn *c, uint64_t diary_id, uint32_t version,
                               uint64_t user_id, const int32_t centi[5], const char *day);

/* The snack catalogue (ordered by id), shared through a process-wide cache reloaded after a
 * minute. *out is a reference: release it with reco_cache_put. STATUS_UNAVAILABLE/INTERNAL on
 * a database error (an empty catalogue is STATUS_OK with nfoods 0). Thread-safe. */
enum status db_recommend_catalogue(struct db_conn *c, struct reco_catalogue **out);

/* The user's preferences, or the defaults when the user never saved any. */
enum status db_recommend_prefs_get(struct db_conn *c, uint64_t user_id, struct reco_prefs *out);

/* Inside the caller's transaction: the user's preferences with their row locked (created with
 * the defaults first when missing, so two first saves do not race on a gap lock). */
enum status db_recommend_prefs_lock(struct db_conn *c, uint64_t user_id, struct reco_prefs *out);

/* Insert or replace the user's preferences with `p` (one statement). */
enum status db_recommend_prefs_put(struct db_conn *c, uint64_t user_id, const struct reco_prefs *p);

/* Column order of the rows returned by db_recommend_list. */
enum db_reco_col {
    DB_RECO_ID = 0, /* recommended_foods.id */
    DB_RECO_FOOD_ID,
    DB_RECO_REASON,
};

/* The picks of the diary's currently analysed version, best first (*out new; free with
 * db_rows_free; possibly zero rows). STATUS_NOT_FOUND when the diary is unknown, deleted or
 * not the user's. */
enum status db_recommend_list(struct db_conn *c, uint64_t user_id, uint64_t diary_id,
                              struct db_rows **out);

/* Record (or replace) the user's feedback on recommendation `rec_id`; *out_food_id gets the
 * recommended food. STATUS_NOT_FOUND when the recommendation does not exist or its diary is
 * deleted or not the user's. *out_created is true for a first answer, false for a change. */
enum status db_recommend_feedback(struct db_conn *c, uint64_t user_id, uint64_t rec_id, bool ate,
                                  bool liked, uint64_t *out_food_id, bool *out_created);

#endif

/*
 * catalogue.c - the snack catalogue in memory: parsing of the foods table's JSON columns and
 * a process-wide, reference-counted cache (the catalogue changes only with a migration, so
 * every request and analyzer worker shares one copy, reloaded after a TTL).
 */
#include "eeum/recommend.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool reco_food_set_tags_json(struct reco_food *f, const char *json, size_t len)
{
    f->ntags = 0;
    json_t *a = json_loadb(json ? json : "", json ? len : 0, JSON_REJECT_DUPLICATES, NULL);
    bool ok = json_is_array(a) && json_array_size(a) <= RECO_TAGS_MAX;
    for (size_t i = 0; ok && i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) >= RECO_TAG_BYTES) {
            ok = false;
            break;
        }
        memcpy(f->tags[f->ntags], json_string_value(v), json_string_length(v) + 1);
        f->ntags++;
    }
    json_decref(a);
    if (!ok)
        f->ntags = 0;
    return ok;
}

bool reco_food_set_allergens_json(struct reco_food *f, const char *json, size_t len)
{
    f->allergens = 0;
    json_t *a = json_loadb(json ? json : "", json ? len : 0, JSON_REJECT_DUPLICATES, NULL);
    bool ok = json_is_array(a);
    for (size_t i = 0; ok && i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        int bit = json_is_string(v)
                      ? reco_allergen_index(json_string_value(v), json_string_length(v))
                      : -1;
        if (bit < 0)
            ok = false;
        else
            f->allergens |= 1u << bit;
    }
    json_decref(a);
    return ok;
}

long reco_catalogue_find(const struct reco_catalogue *c, uint64_t id)
{
    for (size_t i = 0; c && i < c->nfoods; i++) {
        if (c->foods[i].id == id)
            return (long)i;
    }
    return -1;
}

bool reco_catalogue_has_tag(const struct reco_catalogue *c, const char *t, size_t n)
{
    if (n == 0 || n >= RECO_TAG_BYTES)
        return false;
    for (size_t i = 0; c && i < c->nfoods; i++) {
        for (size_t k = 0; k < c->foods[i].ntags; k++) {
            if (strlen(c->foods[i].tags[k]) == n && memcmp(c->foods[i].tags[k], t, n) == 0)
                return true;
        }
    }
    return false;
}

void reco_catalogue_free(struct reco_catalogue *c)
{
    if (!c)
        return;
    free(c->foods);
    free(c);
}

/* ---- cache ---- */

/* A cached catalogue; `cat` comes first so a reference converts back to its entry. */
struct cache_entry {
    struct reco_catalogue cat;
    unsigned refs; /* the cache's own reference counts as one */
    double loaded_at;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache_cur;

static void entry_unref_locked(struct cache_entry *e)
{
    if (e && --e->refs == 0) {
        free(e->cat.foods);
        free(e);
    }
}

struct reco_catalogue *reco_cache_get(double now_s, double ttl_s)
{
    struct reco_catalogue *out = NULL;
    pthread_mutex_lock(&cache_mu);
    if (cache_cur && now_s - cache_cur->loaded_at < ttl_s && now_s >= cache_cur->loaded_at) {
        cache_cur->refs++;
        out = &cache_cur->cat;
    }
    pthread_mutex_unlock(&cache_mu);
    return out;
}

struct reco_catalogue *reco_cache_set(struct reco_catalogue *fresh, double now_s)
{
    struct cache_entry *e = calloc(1, sizeof *e);
    if (!e) {
        reco_catalogue_free(fresh);
        return NULL;
    }
    e->cat = *fresh;
    free(fresh);
    e->refs = 2; /* the cache and the caller */
    e->loaded_at = now_s;
    pthread_mutex_lock(&cache_mu);
    struct cache_entry *old = cache_cur;
    cache_cur = e;
    entry_unref_locked(old);
    pthread_mutex_unlock(&cache_mu);
    return &e->cat;
}

void reco_cache_put(struct reco_catalogue *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&cache_mu);
    entry_unref_locked((struct cache_entry *)(void *)c);
    pthread_mutex_unlock(&cache_mu);
}

void reco_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    struct cache_entry *old = cache_cur;
    cache_cur = NULL;
    entry_unref_locked(old);
    pthread_mutex_unlock(&cache_mu);
}

/*
 * app.h - the services shared by every request handler (borrowed by requests).
 */
#ifndef EEUM_APP_H
#define EEUM_APP_H

#include "eeum/config.h"

#include <pthread.h>
#include <time.h>

struct db_pool;
struct metrics;
struct http_server;
struct sqs_client;
struct ratelimit;
struct docs;
struct cache;
struct viewbuf;

struct app {
    const struct config *cfg;
    struct db_pool *pool;
    struct metrics *metrics;
    struct http_server *server;
    time_t started_at;
    /* HS256 secret: JWT_SECRET, or a random per-process one in development when unset */
    const char *jwt_secret;
    size_t jwt_secret_len;
    char jwt_secret_generated[65];
    /* failed-login limiters keyed by client IP and by email */
    struct ratelimit *login_ip_limit;
    struct ratelimit *login_email_limit;
    struct docs *docs;
    /* one SQS client for readiness probes, used under the lock */
    pthread_mutex_t sqs_probe_lock;
    struct sqs_client *sqs_probe;
    /* in-process caches and the post view buffer (caches.h); a cache is NULL when off */
    struct cache *user_cache;
    struct cache *post_cache;
    struct cache *count_cache;
    struct viewbuf *views;
};

#endif

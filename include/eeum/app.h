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

struct app {
    const struct config *cfg;
    struct db_pool *pool;
    struct metrics *metrics;
    struct http_server *server;
    time_t started_at;
    /* one SQS client for readiness probes, used under the lock */
    pthread_mutex_t sqs_probe_lock;
    struct sqs_client *sqs_probe;
};

#endif

/*
 * health.c - liveness (/healthz), readiness (/readyz: database and queue) and Prometheus
 * metrics (/metrics, with the outbox backlog and publisher counters).
 */
#include "eeum/app.h"
#include "eeum/caches.h"
#include "eeum/db.h"
#include "eeum/db_outbox.h"
#include "eeum/handlers.h"
#include "eeum/http.h"
#include "eeum/metrics.h"
#include "eeum/publisher.h"
#include "eeum/sqs.h"
#include "eeum/strbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define METRICS_MAX_BYTES (4 * 1024 * 1024)

enum status h_health_live(struct http_req *req, struct http_resp *resp)
{
    json_t *item = json_object();
    json_object_set_new(item, "status", json_string("ok"));
    json_object_set_new(item, "uptimeSeconds",
                        json_integer((json_int_t)(time(NULL) - req->app->started_at)));
    return http_resp_item(resp, item);
}

static const char *check_database(struct http_req *req)
{
    struct db_conn *c = http_req_db(req);
    if (!c)
        return "unavailable";
    return db_ping(c) == STATUS_OK ? "ok" : "unavailable";
}

static const char *check_queue(struct app *app, char err[SQS_ERR_LEN])
{
    pthread_mutex_lock(&app->sqs_probe_lock);
    enum status st = app->sqs_probe ? sqs_ping(app->sqs_probe, err) : STATUS_UNAVAILABLE;
    pthread_mutex_unlock(&app->sqs_probe_lock);
    return st == STATUS_OK ? "ok" : "unavailable";
}

enum status h_health_ready(struct http_req *req, struct http_resp *resp)
{
    char qerr[SQS_ERR_LEN] = "";
    const char *db = check_database(req);
    const char *queue = check_queue(req->app, qerr);
    json_t *checks = json_pack("{s:s,s:s}", "database", db, "queue", queue);
    bool db_ok = strcmp(db, "ok") == 0, queue_ok = strcmp(queue, "ok") == 0;
    if (db_ok) {
        /* Without SQS every write still succeeds: the outbox keeps its messages until the
         * queue is back. So the instance stays in service, reporting itself degraded. */
        json_t *item =
            json_pack("{s:s,s:o}", "status", queue_ok ? "ready" : "degraded", "checks", checks);
        return http_resp_item(resp, item);
    }
    char msg[160];
    snprintf(msg, sizeof msg, "서비스 준비가 되지 않았습니다: %s",
             queue_ok ? "database" : "database, queue");
    enum status st = http_resp_error(resp, STATUS_UNAVAILABLE, msg, NULL);
    json_object_set_new(resp->json, "checks", checks);
    return st;
}

/* The outbox backlog (omitted while the database is down) and the publisher's counters. */
static bool render_outbox(struct http_req *req, struct strbuf *sb)
{
    struct publisher_stats ps;
    publisher_get_stats(&ps);
    uint64_t pending = 0;
    double oldest = 0;
    struct db_conn *c = http_req_db(req);
    bool ok = true;
    if (c && db_outbox_backlog(c, &pending, &oldest) == STATUS_OK)
        ok &= strbuf_printf(sb,
                            "# HELP eeum_outbox_backlog Outbox rows waiting to be sent to SQS.\n"
                            "# TYPE eeum_outbox_backlog gauge\n"
                            "eeum_outbox_backlog %llu\n"
                            "# HELP eeum_outbox_oldest_pending_seconds Age of the oldest "
                            "waiting outbox row.\n"
                            "# TYPE eeum_outbox_oldest_pending_seconds gauge\n"
                            "eeum_outbox_oldest_pending_seconds %.3f\n",
                            (unsigned long long)pending, oldest);
    ok &= strbuf_printf(sb,
                        "# HELP eeum_outbox_sent_total Outbox messages SQS accepted.\n"
                        "# TYPE eeum_outbox_sent_total counter\n"
                        "eeum_outbox_sent_total %llu\n"
                        "# HELP eeum_outbox_send_failures_total Outbox messages a send attempt "
                        "did not deliver (retried later).\n"
                        "# TYPE eeum_outbox_send_failures_total counter\n"
                        "eeum_outbox_send_failures_total %llu\n"
                        "# HELP eeum_outbox_batches_total SendMessageBatch calls.\n"
                        "# TYPE eeum_outbox_batches_total counter\n"
                        "eeum_outbox_batches_total %llu\n"
                        "# HELP eeum_outbox_last_error_time_seconds When a send last failed "
                        "(0: never).\n"
                        "# TYPE eeum_outbox_last_error_time_seconds gauge\n"
                        "eeum_outbox_last_error_time_seconds %lld\n",
                        (unsigned long long)ps.sent, (unsigned long long)ps.send_failures,
                        (unsigned long long)ps.batches, (long long)ps.last_error_time);
    return ok;
}

enum status h_health_metrics(struct http_req *req, struct http_resp *resp)
{
    struct app *app = req->app;
    struct strbuf sb;
    strbuf_init(&sb, METRICS_MAX_BYTES);
    bool ok = metrics_render(app->metrics, &sb);
    ok &= strbuf_printf(&sb,
                        "# HELP eeum_db_pool_connections Database pool connections.\n"
                        "# TYPE eeum_db_pool_connections gauge\n"
                        "eeum_db_pool_connections{state=\"in_use\"} %u\n"
                        "eeum_db_pool_connections{state=\"size\"} %u\n"
                        "# HELP eeum_http_inflight_requests Requests being processed.\n"
                        "# TYPE eeum_http_inflight_requests gauge\n"
                        "eeum_http_inflight_requests %u\n"
                        "# HELP eeum_process_start_time_seconds Start time of the process.\n"
                        "# TYPE eeum_process_start_time_seconds gauge\n"
                        "eeum_process_start_time_seconds %lld\n",
                        db_pool_in_use(app->pool), db_pool_size(app->pool),
                        http_server_inflight(app->server), (long long)app->started_at);
    ok &= render_outbox(req, &sb);
    ok &= caches_render_metrics(app, &sb);
    if (!ok) {
        strbuf_free(&sb);
        return STATUS_INTERNAL;
    }
    enum status st =
        http_resp_raw(resp, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data, sb.len);
    strbuf_free(&sb);
    return st;
}

/*
 * message.c - the pure side of eeum-analyzer: the queue message body, the version rule that
 * makes processing idempotent, score text, retry delays, the dead-letter queue's name and the
 * Prometheus text of the counters. No I/O; every function is thread-safe.
 */
#include "eeum/analyzer.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

const double ANALYZER_LATENCY_BOUNDS[ANALYZER_LATENCY_NB] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0,
};

static bool positive_int(json_t *root, const char *key, uint64_t max, uint64_t *out,
                         char err[ANALYZER_ERR_LEN])
{
    json_t *v = json_object_get(root, key);
    if (!v) {
        snprintf(err, ANALYZER_ERR_LEN, "%s is missing", key);
        return false;
    }
    if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
        (uint64_t)json_integer_value(v) > max) {
        snprintf(err, ANALYZER_ERR_LEN, "%s is not an integer in 1..%" PRIu64, key, max);
        return false;
    }
    *out = (uint64_t)json_integer_value(v);
    return true;
}

enum status analyzer_msg_parse(const char *body, size_t len, struct analyzer_msg *out,
                               char err[ANALYZER_ERR_LEN])
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    if (!body || len == 0) {
        snprintf(err, ANALYZER_ERR_LEN, "empty body");
        return STATUS_BAD_REQUEST;
    }
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, ANALYZER_ERR_LEN, "not JSON: %.100s", jerr.text);
        return STATUS_BAD_REQUEST;
    }
    enum status st = STATUS_BAD_REQUEST;
    uint64_t diary = 0, user = 0, version = 0;
    if (!json_is_object(root)) {
        snprintf(err, ANALYZER_ERR_LEN, "not a JSON object");
        goto out;
    }
    if (!positive_int(root, "diaryId", INT64_MAX, &diary, err) ||
        !positive_int(root, "userId", INT64_MAX, &user, err) ||
        !positive_int(root, "version", UINT32_MAX, &version, err))
        goto out;
    out->diary_id = diary;
    out->user_id = user;
    out->version = (uint32_t)version;
    st = STATUS_OK;
out:
    json_decref(root);
    return st;
}

enum analyzer_action analyzer_decide(const struct analyzer_msg *m,
                                     const struct analyzer_diary_state *d)
{
    if (!d->exists || d->deleted)
        return ANALYZER_SKIP_GONE;
    if (d->user_id != m->user_id)
        return ANALYZER_SKIP_MISMATCH;
    if (m->version < d->version)
        return ANALYZER_SKIP_STALE;
    if (d->analysed_version >= m->version)
        return ANALYZER_SKIP_DONE;
    if (m->version > d->version)
        return ANALYZER_RETRY; /* the diary's commit is not visible here yet (a replica?) */
    return ANALYZER_APPLY;
}

const char *analyzer_action_name(enum analyzer_action a)
{
    switch (a) {
    case ANALYZER_APPLY:
        return "apply";
    case ANALYZER_SKIP_GONE:
        return "gone";
    case ANALYZER_SKIP_MISMATCH:
        return "user_mismatch";
    case ANALYZER_SKIP_STALE:
        return "stale";
    case ANALYZER_SKIP_DONE:
        return "already_done";
    case ANALYZER_RETRY:
        return "retry";
    }
    return "unknown";
}

bool analyzer_format_centi(int32_t centi, char out[ANALYZER_SCORE_LEN])
{
    if (centi < 0 || centi > 10000) {
        out[0] = '\0';
        return false;
    }
    snprintf(out, ANALYZER_SCORE_LEN, "%d.%02d", (int)(centi / 100), (int)(centi % 100));
    return true;
}

unsigned analyzer_retry_delay_s(unsigned receive_count)
{
    unsigned d = 1;
    for (unsigned i = 1; i < receive_count && d < ANALYZER_RETRY_MAX_S; i++)
        d *= 2;
    return d > ANALYZER_RETRY_MAX_S ? ANALYZER_RETRY_MAX_S : d;
}

bool analyzer_dlq_name_from_redrive(const char *redrive_policy, char out[ANALYZER_QUEUE_NAME_LEN])
{
    out[0] = '\0';
    if (!redrive_policy)
        return false;
    json_t *root = json_loads(redrive_policy, JSON_REJECT_DUPLICATES, NULL);
    const char *arn = json_string_value(json_object_get(root, "deadLetterTargetArn"));
    bool ok = false;
    /* arn:aws:sqs:<region>:<account>:<name> - the name is what follows the fifth colon. */
    const char *p = arn;
    for (int colons = 0; p && colons < 5; colons++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    if (arn && strncmp(arn, "arn:", 4) == 0 && p && *p && !strchr(p, ':') && !strchr(p, '/')) {
        size_t n = strlen(p);
        if (n < ANALYZER_QUEUE_NAME_LEN) {
            memcpy(out, p, n + 1);
            ok = true;
        }
    }
    json_decref(root);
    return ok;
}

size_t analyzer_latency_bucket(double seconds)
{
    for (size_t i = 0; i < ANALYZER_LATENCY_NB; i++)
        if (seconds <= ANALYZER_LATENCY_BOUNDS[i])
            return i;
    return ANALYZER_LATENCY_NB;
}

bool analyzer_metrics_render(const struct analyzer_stats *s, unsigned workers, struct strbuf *out)
{
    static const struct {
        const char *name, *help;
        size_t offset;
    } COUNTERS[] = {
        {"eeum_analyzer_processed_total", "Diary analyses committed.",
         offsetof(struct analyzer_stats, processed)},
        {"eeum_analyzer_skipped_total",
         "Messages deleted without a write (deleted diary, stale or redelivered version).",
         offsetof(struct analyzer_stats, skipped)},
        {"eeum_analyzer_malformed_total", "Messages whose body could not be parsed (deleted).",
         offsetof(struct analyzer_stats, malformed)},
        {"eeum_analyzer_failed_total",
         "Processing attempts that failed; the message is delivered again.",
         offsetof(struct analyzer_stats, failed)},
        {"eeum_analyzer_dead_lettered_total", "Dead-letter queue messages handled.",
         offsetof(struct analyzer_stats, dead_lettered)},
        {"eeum_analyzer_marked_failed_total", "Diaries whose analysis_status was set to failed.",
         offsetof(struct analyzer_stats, marked_failed)},
        {"eeum_analyzer_batches_total", "Received batches processed.",
         offsetof(struct analyzer_stats, batches)},
        {"eeum_analyzer_receive_errors_total", "ReceiveMessage calls that failed.",
         offsetof(struct analyzer_stats, receive_errors)},
    };
    bool ok = true;
    for (size_t i = 0; i < sizeof COUNTERS / sizeof COUNTERS[0]; i++) {
        uint64_t v = *(const uint64_t *)(const void *)((const char *)s + COUNTERS[i].offset);
        ok = ok && strbuf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
                                 COUNTERS[i].name, COUNTERS[i].help, COUNTERS[i].name,
                                 COUNTERS[i].name, v);
    }
    ok = ok && strbuf_printf(out,
                             "# HELP eeum_analyzer_workers Worker threads polling the queue.\n"
                             "# TYPE eeum_analyzer_workers gauge\neeum_analyzer_workers %u\n",
                             workers);
    ok = ok && strbuf_puts(out, "# HELP eeum_analyzer_latency_seconds From SentTimestamp of the "
                                "message to the commit of its analysis.\n"
                                "# TYPE eeum_analyzer_latency_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t i = 0; i < ANALYZER_LATENCY_NB; i++) {
        cum += s->latency_bucket[i];
        ok = ok &&
             strbuf_printf(out, "eeum_analyzer_latency_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                           ANALYZER_LATENCY_BOUNDS[i], cum);
    }
    cum += s->latency_bucket[ANALYZER_LATENCY_NB];
    ok = ok && strbuf_printf(out,
                             "eeum_analyzer_latency_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
                             "eeum_analyzer_latency_seconds_sum %.6f\n"
                             "eeum_analyzer_latency_seconds_count %" PRIu64 "\n",
                             cum, s->latency_sum_s, s->latency_count);
    return ok;
}

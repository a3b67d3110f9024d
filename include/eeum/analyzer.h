/*
 * analyzer.h - eeum-analyzer, the diary queue consumer: worker threads long-poll the diary queue,
 * classify each diary and store its scores and snack recommendations idempotently (keyed by
 * diary id and version), a thread drains the dead-letter queue into analysis_status 'failed',
 * and a small HTTP server shows /healthz and /metrics. The pure helpers below (message parsing,
 * the version decision, score formatting, retry delays, metrics text) are for unit tests.
 */
#ifndef EEUM_ANALYZER_H
#define EEUM_ANALYZER_H

#include "eeum/config.h"
#include "eeum/status.h"
#include "eeum/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ANALYZER_ERR_LEN        128
#define ANALYZER_SCORE_LEN      8  /* "100.00" and the NUL */
#define ANALYZER_RETRY_MAX_S    30 /* longest pause before a failed message is offered again */
#define ANALYZER_LATENCY_NB     14 /* buckets of the latency histogram (without +Inf) */
#define ANALYZER_QUEUE_NAME_LEN 81 /* SQS queue names: at most 80 characters */

/* ---- pure helpers ---- */

/* The body the outbox publisher sends: {"diaryId":N,"userId":N,"version":N}. */
struct analyzer_msg {
    uint64_t diary_id;
    uint64_t user_id;
    uint32_t version;
};

/*
 * Parse a message body: a JSON object whose diaryId, userId and version are positive integers
 * (version at most 2^32-1); other keys are ignored, duplicate keys are refused. STATUS_OK and
 * *out, or STATUS_BAD_REQUEST with the reason in err. Pure, thread-safe.
 */
enum status analyzer_msg_parse(const char *body, size_t len, struct analyzer_msg *out,
                               char err[ANALYZER_ERR_LEN]);

/* What the database holds for a message's diary (read under the diary's row lock). */
struct analyzer_diary_state {
    bool exists;               /* a diaries row with that id */
    bool deleted;              /* is_deleted (in the trash) */
    uint64_t user_id;          /* diaries.user_id */
    uint32_t version;          /* diaries.version */
    uint32_t analysed_version; /* diary_emotions.diary_version, 0 when never analysed */
};

enum analyzer_action {
    ANALYZER_APPLY,         /* write scores, recommendations and 'done' for this version */
    ANALYZER_SKIP_GONE,     /* no such diary, or deleted: delete the message, write nothing */
    ANALYZER_SKIP_MISMATCH, /* the message's userId is not the diary's author: delete, log */
    ANALYZER_SKIP_STALE,    /* the diary changed since: the newer version's message follows */
    ANALYZER_SKIP_DONE,     /* this version (or a newer one) is stored: a redelivery */
    ANALYZER_RETRY,         /* the message is ahead of the database: leave it for redelivery */
};

/* Decide what a message does to its diary. Pure, thread-safe. */
enum analyzer_action analyzer_decide(const struct analyzer_msg *m,
                                     const struct analyzer_diary_state *d);

/* Stable name of an action ("apply", "gone", ...) for logs and metrics; static storage. */
const char *analyzer_action_name(enum analyzer_action a);

/* Hundredths (0..10000) as the DECIMAL(5,2) text "12.34" into out; false when out of range. */
bool analyzer_format_centi(int32_t centi, char out[ANALYZER_SCORE_LEN]);

/*
 * Seconds a message that failed on its `receive_count`-th delivery stays hidden before it is
 * offered again: 1, 2, 4, ... capped at ANALYZER_RETRY_MAX_S, so a poison message reaches the
 * dead-letter queue within seconds instead of maxReceiveCount visibility timeouts. Pure.
 */
unsigned analyzer_retry_delay_s(unsigned receive_count);

/*
 * The dead-letter queue's name from a RedrivePolicy attribute value
 * ({"deadLetterTargetArn":"arn:aws:sqs:REGION:ACCOUNT:NAME","maxReceiveCount":5}); false when
 * the text has no such ARN. Pure, thread-safe.
 */
bool analyzer_dlq_name_from_redrive(const char *redrive_policy, char out[ANALYZER_QUEUE_NAME_LEN]);

/* ---- counters ---- */

/* Upper bounds (seconds) of the latency histogram buckets, ascending. */
extern const double ANALYZER_LATENCY_BOUNDS[ANALYZER_LATENCY_NB];

struct analyzer_stats {
    uint64_t processed;     /* messages whose analysis was committed */
    uint64_t skipped;       /* deleted diaries, stale or redelivered versions, mismatches */
    uint64_t malformed;     /* bodies that could not be parsed (deleted, never retried) */
    uint64_t failed;        /* processing attempts that failed (message left for redelivery) */
    uint64_t dead_lettered; /* dead-letter messages handled (diary marked 'failed' or not) */
    uint64_t marked_failed; /* diaries set to analysis_status 'failed' */
    uint64_t batches;       /* received batches processed */
    uint64_t receive_errors;
    /* latency from SentTimestamp to the commit of the analysis, per processed message */
    uint64_t latency_bucket[ANALYZER_LATENCY_NB + 1]; /* cumulative counts are computed on render */
    double latency_sum_s;
    uint64_t latency_count;
};

/* Bucket index (0..ANALYZER_LATENCY_NB, the last one is +Inf) of a latency in seconds. Pure. */
size_t analyzer_latency_bucket(double seconds);

/* Append the Prometheus exposition text of *s (workers = ANALYZER_WORKERS) to out. Pure. */
bool analyzer_metrics_render(const struct analyzer_stats *s, unsigned workers, struct strbuf *out);

/* ---- the daemon ---- */

/*
 * Run eeum-analyzer with `cfg` (borrowed) until SIGTERM or SIGINT: load the emotion model
 * (EMOTION_MODEL), start ANALYZER_WORKERS workers, the dead-letter thread and the health server,
 * then on the signal stop polling, finish the batches in flight and let the long polls in
 * progress return (at most SHUTDOWN_TIMEOUT + ANALYZER_WAIT_SECONDS + SQS_TIMEOUT seconds) and
 * return 0. Returns 1 after logging when start-up fails (model missing, the queue
 * or its dead-letter queue unknown, threads). Blocks SIGTERM/SIGINT in the calling thread; call
 * from main after the libraries are initialised (db_library_init, sqs_library_init).
 */
int analyzer_run(const struct config *cfg);

#endif

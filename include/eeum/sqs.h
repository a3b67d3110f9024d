/*
 * sqs.h - Amazon SQS over the JSON protocol, signed with SigV4 by libcurl.
 * Only src/queue/ includes <curl/curl.h>. A struct sqs_client owns one CURL handle (one
 * keep-alive connection) and belongs to one thread: the outbox publisher and each analyzer
 * worker own a client each; anything else shares one only under its own lock.
 */
#ifndef EEUM_SQS_H
#define EEUM_SQS_H

#include "eeum/config.h"
#include "eeum/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SQS_ERR_LEN          256
#define SQS_BATCH_MAX        10    /* entries per SendMessageBatch / DeleteMessageBatch / receive */
#define SQS_ENTRY_ID_MAX     80    /* batch entry ids: 1..80 of [A-Za-z0-9_-] */
#define SQS_MESSAGE_ID_LEN   128   /* SQS message ids are UUIDs; room to spare */
#define SQS_RECEIPT_LEN      1025  /* receipt handles: at most 1024 characters */
#define SQS_GROUP_ID_LEN     129   /* MessageGroupId: at most 128 characters */
#define SQS_CODE_LEN         128   /* per-entry failure codes */
#define SQS_URL_LEN          1024  /* queue URLs */
#define SQS_WAIT_MAX_S       20    /* longest long poll SQS allows */
#define SQS_VISIBILITY_MAX_S 43200 /* longest visibility timeout SQS allows (12 h) */

/* Per-entry failure codes of our own making (SQS's own codes are passed through). */
#define SQS_CODE_MD5_MISMATCH "MD5Mismatch" /* SQS's MD5OfMessageBody differs from ours */
#define SQS_CODE_NO_RESULT    "NoResult"    /* entry in neither Successful nor Failed */

struct sqs_client;

/* Call once in main before threads (curl_global_init). 0 on success. */
int sqs_library_init(void);
void sqs_library_end(void);

/*
 * New client for cfg's endpoint, region, credentials, timeout and queue URL. `cfg` is borrowed
 * and must outlive the client (the queue URL is copied). NULL on ENOMEM or when the endpoint or
 * queue URL is too long. The client is not thread-safe: one thread uses it at a time.
 */
struct sqs_client *sqs_client_new(const struct config *cfg);
void sqs_client_free(struct sqs_client *c); /* NULL-safe */

/* Point the client's typed operations at another queue (copied). 0, or -1 if too long. */
int sqs_client_set_queue_url(struct sqs_client *c, const char *queue_url);

/* The client's queue URL (owned by the client, valid until the next set or free). */
const char *sqs_client_queue_url(const struct sqs_client *c);

/*
 * POST one action (`AmazonSQS.<action>`) with `request` (borrowed, may be NULL for {}); the
 * client's queue URL is added as QueueUrl when absent, except for the actions that take none
 * (GetQueueUrl, ListQueues, CreateQueue). On 200, STATUS_OK and *out_resp (new reference, always
 * an object; an empty body becomes {}) when out_resp is non-NULL. On an SQS error the part of
 * `__type` after '#' goes to err_type ("QueueDoesNotExist"); on other failures a short reason.
 * Transport failures, 5xx, throttling and unparsable 200 bodies are STATUS_UNAVAILABLE (worth
 * retrying); other 4xx are STATUS_BAD_REQUEST. Logs the failure once.
 */
enum status sqs_call(struct sqs_client *c, const char *action, json_t *request, json_t **out_resp,
                     char err_type[SQS_ERR_LEN]);

/* GetQueueAttributes(QueueArn) on the client's queue: the readiness probe. */
enum status sqs_ping(struct sqs_client *c, char err[SQS_ERR_LEN]);

/* ---- typed operations on the client's queue ----
 * Each returns the status of the call as a whole (as sqs_call, plus STATUS_BAD_REQUEST without
 * any I/O for arguments out of range, with the reason in err). Batch operations answer per
 * entry in a struct sqs_batch_result whose entry[i] answers input i.
 */

/* One message to send. Every string is borrowed for the duration of the call. */
struct sqs_send_entry {
    const char *id;       /* unique within the batch; 1..80 of [A-Za-z0-9_-] */
    const char *body;     /* UTF-8, NUL-terminated, non-empty */
    const char *group_id; /* FIFO MessageGroupId, or NULL (standard queue) */
    const char *dedup_id; /* FIFO MessageDeduplicationId, or NULL */
};

/* The outcome of one batch entry. */
struct sqs_entry_result {
    bool ok;
    bool sender_fault;                   /* failed and SQS blames the request: do not resend */
    char message_id[SQS_MESSAGE_ID_LEN]; /* sent: the MessageId SQS assigned */
    char code[SQS_CODE_LEN];             /* failed: SQS's Code or an SQS_CODE_* above */
};

struct sqs_batch_result {
    size_t n;    /* entries in the request */
    size_t n_ok; /* entries with ok */
    struct sqs_entry_result entry[SQS_BATCH_MAX];
};

/*
 * SendMessageBatch of 1..SQS_BATCH_MAX entries. An entry counts as sent only when SQS lists it
 * as Successful with an MD5OfMessageBody equal to the MD5 of the body we sent; a mismatch makes
 * it failed with SQS_CODE_MD5_MISMATCH (resend it: on a FIFO queue the dedup id absorbs a
 * duplicate within 5 minutes). *out is filled whenever STATUS_OK is returned.
 */
enum status sqs_send_batch(struct sqs_client *c, const struct sqs_send_entry *entries, size_t n,
                           struct sqs_batch_result *out, char err[SQS_ERR_LEN]);

struct sqs_receive_opts {
    unsigned max_messages;    /* MaxNumberOfMessages, 1..SQS_BATCH_MAX */
    unsigned wait_s;          /* WaitTimeSeconds (long poll), 0..SQS_WAIT_MAX_S */
    int visibility_timeout_s; /* -1: the queue's default; else 0..SQS_VISIBILITY_MAX_S */
};

struct sqs_message {
    char message_id[SQS_MESSAGE_ID_LEN];
    char receipt_handle[SQS_RECEIPT_LEN];
    char group_id[SQS_GROUP_ID_LEN]; /* MessageGroupId; "" on a standard queue */
    char *body;                      /* owned by the enclosing struct sqs_messages; NUL-ended */
    size_t body_len;                 /* bytes, without the NUL */
    unsigned receive_count;          /* ApproximateReceiveCount: 1 on the first delivery */
    uint64_t sent_at_ms;             /* SentTimestamp (Unix ms); 0 when absent */
};

struct sqs_messages {
    size_t n;          /* messages in msg[] */
    size_t n_rejected; /* received but dropped (MD5OfBody mismatch or malformed): not in msg[];
                          SQS delivers them again after their visibility timeout */
    struct sqs_message msg[SQS_BATCH_MAX];
};

/*
 * ReceiveMessage with AttributeNames ApproximateReceiveCount, SentTimestamp, MessageGroupId.
 * Blocks up to opts->wait_s plus the configured SQS timeout. Only messages whose MD5OfBody
 * matches their body are returned, each message id once (a repeat within one answer replaces
 * the earlier copy: its receipt handle is the current one). On STATUS_OK *out holds 0..max_messages
 * messages: release the bodies with sqs_messages_free(). On failure *out is empty (nothing to
 * free).
 */
enum status sqs_receive(struct sqs_client *c, const struct sqs_receive_opts *opts,
                        struct sqs_messages *out, char err[SQS_ERR_LEN]);

/* Free the bodies of *m and empty it. NULL-safe; idempotent. */
void sqs_messages_free(struct sqs_messages *m);

/* DeleteMessageBatch of 1..SQS_BATCH_MAX receipt handles (borrowed); entry[i] answers
 * receipt_handles[i] (message_id stays ""). */
enum status sqs_delete_batch(struct sqs_client *c, const char *const *receipt_handles, size_t n,
                             struct sqs_batch_result *out, char err[SQS_ERR_LEN]);

/* ChangeMessageVisibility of one received message to 0..SQS_VISIBILITY_MAX_S seconds
 * (0 = visible again now). */
enum status sqs_change_visibility(struct sqs_client *c, const char *receipt_handle,
                                  unsigned timeout_s, char err[SQS_ERR_LEN]);

/* GetQueueUrl of the queue named `queue_name` (this account); the URL is copied to out_url. */
enum status sqs_get_queue_url(struct sqs_client *c, const char *queue_name,
                              char out_url[SQS_URL_LEN], char err[SQS_ERR_LEN]);

/*
 * GetQueueAttributes of the client's queue for names[0..n) (borrowed; n == 0 asks for "All").
 * On STATUS_OK *out_attrs is a new reference to an object of name -> string value ({} when SQS
 * sends none).
 */
enum status sqs_get_attributes(struct sqs_client *c, const char *const *names, size_t n,
                               json_t **out_attrs, char err[SQS_ERR_LEN]);

#endif

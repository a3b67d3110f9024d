/*
 * sqs.h - Amazon SQS over the JSON protocol, signed with SigV4 by libcurl.
 * Only src/queue/ includes <curl/curl.h>. A struct sqs_client owns one CURL handle and must be
 * used by one thread at a time.
 */
#ifndef EEUM_SQS_H
#define EEUM_SQS_H

#include "eeum/config.h"
#include "eeum/status.h"

#include <jansson.h>

#define SQS_ERR_LEN 256

struct sqs_client;

/* Call once in main before threads (curl_global_init). 0 on success. */
int sqs_library_init(void);
void sqs_library_end(void);

/* New client for cfg's endpoint, region and credentials (cfg borrowed). NULL on ENOMEM. */
struct sqs_client *sqs_client_new(const struct config *cfg);
void sqs_client_free(struct sqs_client *c);

/*
 * POST one action (`AmazonSQS.<action>`) with `request` (borrowed; QueueUrl filled in when
 * absent). On 200, STATUS_OK and *out_resp (new reference; an empty body becomes {}) when
 * out_resp is non-NULL. On an SQS error, the `__type` after '#' goes to err_type.
 * Transport failures and 5xx are STATUS_UNAVAILABLE; 4xx are STATUS_BAD_REQUEST.
 */
enum status sqs_call(struct sqs_client *c, const char *action, json_t *request, json_t **out_resp,
                     char err_type[SQS_ERR_LEN]);

/* GetQueueAttributes(QueueArn) on the configured queue: the readiness probe. */
enum status sqs_ping(struct sqs_client *c, char err[SQS_ERR_LEN]);

#endif

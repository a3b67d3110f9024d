/*
 * sqs_sign.h - the SigV4 signing set-up shared by the SQS client and its known-answer test.
 * Internal to src/queue/ (and tests/unit/test_sqs.c): it exposes <curl/curl.h> types.
 */
#ifndef EEUM_QUEUE_SQS_SIGN_H
#define EEUM_QUEUE_SQS_SIGN_H

#include <curl/curl.h>

/*
 * Make libcurl sign the next request on `h` with AWS SigV4 (CURLOPT_AWS_SIGV4
 * "aws:amz:<region>:<service>", the key id and secret as user name and password). When
 * `session_token` is non-NULL and non-empty, append "X-Amz-Security-Token: <token>" to *hdrs,
 * so that libcurl signs it with the other headers; the caller installs *hdrs with
 * CURLOPT_HTTPHEADER after this call and frees it after the transfer (on failure too).
 * libcurl copies the strings: nothing here must outlive the call. Returns 0, or -1 when the
 * region or service is empty or too long, or on ENOMEM (*hdrs then holds what it held).
 * Thread-safe for distinct handles.
 */
int sqs_sign_setup(CURL *h, const char *region, const char *service, const char *key_id,
                   const char *secret, const char *session_token, struct curl_slist **hdrs);

#endif

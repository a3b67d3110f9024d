/*
 * handlers.h - the route table of eeum-api and the handlers it names.
 */
#ifndef EEUM_HANDLERS_H
#define EEUM_HANDLERS_H

#include "eeum/http.h"
#include "eeum/router.h"

#include <stddef.h>

/* The static route table (read-only, shared). */
extern const struct route API_ROUTES[];
extern const size_t API_ROUTES_COUNT;

enum status h_health_live(struct http_req *req, struct http_resp *resp);
enum status h_health_ready(struct http_req *req, struct http_resp *resp);
enum status h_health_metrics(struct http_req *req, struct http_resp *resp);

#endif

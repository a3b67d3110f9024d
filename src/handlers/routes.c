/*
 * routes.c - the route table of eeum-api: method, pattern, handler, flags.
 * Patterns use typed `:id` parameters (positive 64-bit integers); order does not matter.
 */
#include "eeum/handlers.h"

const struct route API_ROUTES[] = {
    {HTTP_GET, "/healthz", h_health_live, 0},
    {HTTP_GET, "/readyz", h_health_ready, 0},
    {HTTP_GET, "/metrics", h_health_metrics, 0},
};

const size_t API_ROUTES_COUNT = sizeof API_ROUTES / sizeof API_ROUTES[0];

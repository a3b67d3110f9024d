/*
 * cors.h - CORS origin policy (pure): exact matches against CORS_ORIGINS only, so an arbitrary
 * origin is never reflected.
 */
#ifndef EEUM_CORS_H
#define EEUM_CORS_H

#include <stdbool.h>

/* True when `origin` equals one comma-separated entry of `allowed` (spaces around entries are
 * ignored). NULL or empty inputs are false. */
bool cors_origin_allowed(const char *allowed, const char *origin);

#endif

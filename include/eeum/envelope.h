/*
 * envelope.h - the JSON envelopes of SPEC §3 (success, page, error). Pure jansson.
 */
#ifndef EEUM_ENVELOPE_H
#define EEUM_ENVELOPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* {"success": true, "item": item}. Steals `item` (json null if NULL). Returns a new reference. */
json_t *envelope_item(json_t *item);

/*
 * {"success": true, "totalPages", "totalElements", "page", "numOfItems", "items"}.
 * Steals `items` (an array). `page` is 1-based, `size` the page size. Returns a new reference.
 */
json_t *envelope_page(json_t *items, uint64_t page, uint64_t size, uint64_t total);

/*
 * {"success": false, "message", "errors"?, "requestId"}. Borrows the strings; steals `errors`
 * (may be NULL: the key is omitted). Returns a new reference.
 */
json_t *envelope_error(const char *message, json_t *errors, const char *request_id);

/* Append {"field", "message"} to an errors array (borrowed strings). */
void envelope_add_field_error(json_t *errors, const char *field, const char *message);

#endif

/*
 * paging.h - page/elements/cursor query parameters and opaque keyset cursors (pure).
 * A cursor is base64url("<sort key>|<id>") where the sort key is a DATETIME(6) text
 * ("YYYY-MM-DD HH:MM:SS.ffffff"); it is validated strictly before it reaches SQL.
 */
#ifndef EEUM_PAGING_H
#define EEUM_PAGING_H

#include "eeum/validate.h"

#include <stdbool.h>
#include <stdint.h>

#define PAGING_DEFAULT_SIZE 10
#define PAGING_MAX_SIZE     100
#define PAGING_MAX_PAGE     100000
#define PAGING_KEY_LEN      26 /* "YYYY-MM-DD HH:MM:SS.ffffff" */
#define PAGING_CURSOR_MAX   96

struct paging {
    uint64_t page; /* 1-based; 1 when a cursor is used */
    uint64_t size;
    uint64_t offset;
    bool has_cursor;
    char cursor_key[PAGING_KEY_LEN + 1];
    uint64_t cursor_id;
};

/* Parse the raw query values (NULL = absent). Fills `res` with field errors (page, elements,
 * cursor) and returns its status; `page` together with `cursor` is a 400. */
enum status paging_parse(const char *page, const char *elements, const char *cursor,
                         struct paging *out, struct val_result *res);

/* Encode a cursor for the row (key, id). False if `key` is not a DATETIME(6) text. */
bool paging_cursor_encode(const char *key, uint64_t id, char out[PAGING_CURSOR_MAX]);

#endif

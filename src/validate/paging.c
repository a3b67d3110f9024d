/*
 * paging.c - page/elements/cursor parsing and keyset cursor encoding (libsodium base64url).
 */
#include "eeum/paging.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A strict positive decimal integer within 1..max. */
static bool parse_pos(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s < '0' || *s > '9' || strlen(s) > 19)
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" with digits where digits belong. */
static bool key_valid(const char *k, size_t n)
{
    static const char SHAPE[] = "dddd-dd-dd dd:dd:dd.dddddd";
    if (n != PAGING_KEY_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (SHAPE[i] == 'd' ? (k[i] < '0' || k[i] > '9') : k[i] != SHAPE[i])
            return false;
    }
    /* A date and time that exist: an impossible key would silently end the list. */
    int y = (k[0] - '0') * 1000 + (k[1] - '0') * 100 + (k[2] - '0') * 10 + (k[3] - '0');
    int mo = (k[5] - '0') * 10 + (k[6] - '0'), d = (k[8] - '0') * 10 + (k[9] - '0');
    int h = (k[11] - '0') * 10 + (k[12] - '0'), mi = (k[14] - '0') * 10 + (k[15] - '0');
    int sec = (k[17] - '0') * 10 + (k[18] - '0');
    return val_date_valid(y, mo, d) && h < 24 && mi < 60 && sec < 60;
}

static bool cursor_decode(const char *c, struct paging *out)
{
    unsigned char raw[PAGING_CURSOR_MAX];
    size_t len = 0;
    const char *end = NULL;
    size_t clen = strlen(c);
    if (clen == 0 || clen >= PAGING_CURSOR_MAX ||
        sodium_base642bin(raw, sizeof raw - 1, c, clen, NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != c + clen)
        return false;
    raw[len] = '\0';
    const char *bar = memchr(raw, '|', len);
    if (!bar || !key_valid((const char *)raw, (size_t)(bar - (const char *)raw)))
        return false;
    uint64_t id;
    if (!parse_pos(bar + 1, (uint64_t)INT64_MAX, &id))
        return false;
    memcpy(out->cursor_key, raw, PAGING_KEY_LEN);
    out->cursor_key[PAGING_KEY_LEN] = '\0';
    out->cursor_id = id;
    return true;
}

enum status paging_parse(const char *page, const char *elements, const char *cursor,
                         struct paging *out, struct val_result *res)
{
    memset(out, 0, sizeof *out);
    val_result_init(res);
    out->page = 1;
    out->size = PAGING_DEFAULT_SIZE;
    if (page && !parse_pos(page, PAGING_MAX_PAGE, &out->page))
        val_fail(res, "page", "page는 1 이상 100000 이하의 정수여야 합니다.");
    if (elements && !parse_pos(elements, PAGING_MAX_SIZE, &out->size))
        val_fail(res, "elements", "elements는 1 이상 100 이하의 정수여야 합니다.");
    if (cursor) {
        if (page)
            val_fail(res, "cursor", "page와 cursor는 함께 쓸 수 없습니다.");
        else if (!cursor_decode(cursor, out))
            val_fail(res, "cursor", "cursor가 올바르지 않습니다.");
        else
            out->has_cursor = true;
    }
    out->offset = (out->page - 1) * out->size;
    return res->status;
}

bool paging_cursor_encode(const char *key, uint64_t id, char out[PAGING_CURSOR_MAX])
{
    if (!key || !key_valid(key, strlen(key)))
        return false;
    char raw[64];
    int n = snprintf(raw, sizeof raw, "%s|%llu", key, (unsigned long long)id);
    if (n < 0 || (size_t)n >= sizeof raw)
        return false;
    sodium_bin2base64(out, PAGING_CURSOR_MAX, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return true;
}

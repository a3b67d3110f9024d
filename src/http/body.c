/*
 * body.c - content-type check and strict JSON body parsing.
 */
#include "eeum/body.h"

#include "eeum/utf8.h"

#include <string.h>
#include <strings.h>

bool body_content_type_is_json(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    static const char JSON_TYPE[] = "application/json";
    size_t n = sizeof JSON_TYPE - 1;
    if (strncasecmp(ct, JSON_TYPE, n) != 0)
        return false;
    const char *p = ct + n;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return true;
    if (*p != ';')
        return false;
    /* Parameters: only a UTF-8 charset is acceptable (JSON is UTF-8, RFC 8259). */
    const char *cs = strcasestr(p, "charset=");
    if (!cs)
        return true;
    cs += 8;
    if (*cs == '"')
        cs++;
    size_t cl = strncasecmp(cs, "utf-8", 5) == 0 ? 5 : strncasecmp(cs, "utf8", 4) == 0 ? 4 : 0;
    /* The whole value, not a prefix of it ("utf8mb4" is not a charset of JSON). */
    return cl && (cs[cl] == '\0' || cs[cl] == ';' || cs[cl] == ' ' || cs[cl] == '"');
}

enum status body_parse_json(const char *buf, size_t len, json_t **out, const char **out_msg)
{
    *out = NULL;
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i == len) {
        *out_msg = "요청 본문이 비어 있습니다.";
        return STATUS_BAD_REQUEST;
    }
    if (!utf8_valid(buf, len)) {
        *out_msg = "요청 본문이 올바른 UTF-8이 아닙니다.";
        return STATUS_BAD_REQUEST;
    }
    json_error_t err;
    /* JSON_DECODE_ANY: a valid scalar must get the "not an object" message, not "malformed". */
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!root) {
        *out_msg = "요청 본문이 올바른 JSON 형식이 아닙니다.";
        return STATUS_BAD_REQUEST;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        *out_msg = "요청 본문은 JSON 객체여야 합니다.";
        return STATUS_BAD_REQUEST;
    }
    *out = root;
    return STATUS_OK;
}

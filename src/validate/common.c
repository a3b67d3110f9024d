/*
 * common.c - the validation result (fixed-size, every failing field listed), calendar dates,
 * and the field readers every validator module shares: trimming, character counting, typed
 * reads of a body key and the generic free-text rule. Pure: no I/O, no allocation except in
 * val_errors_json, which builds the response fragment.
 */
#include "eeum/validate.h"
#include "eeum/utf8.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Longest digit string val_get_int hands to strtoll; anything longer cannot be a sane value
 * for any field and saturates instead (LLONG_MAX has 19 digits). */
#define VAL_INT_DIGITS_MAX 18

void val_result_init(struct val_result *r)
{
    assert(r);
    memset(r, 0, sizeof(*r));
    r->status = STATUS_OK;
    r->message = NULL;
}

void val_fail(struct val_result *r, const char *field, const char *message)
{
    assert(r && field && message);
    r->status = STATUS_BAD_REQUEST;
    r->message = VAL_MSG_INVALID;
    /* A full table still fails the request; the client sees the first VAL_MAX_ERRORS, which
     * is more than any body has fields today. */
    if (r->nerrors < VAL_MAX_ERRORS) {
        r->errors[r->nerrors].field = field;
        r->errors[r->nerrors].message = message;
        r->nerrors++;
    }
}

json_t *val_errors_json(const struct val_result *r)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; r && i < r->nerrors; i++) {
        json_t *e =
            json_pack("{s:s,s:s}", "field", r->errors[i].field, "message", r->errors[i].message);
        if (!e || json_array_append_new(arr, e) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool val_date_valid(int year, int month, int day)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    int max = mdays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
    return day <= max;
}

int val_date_cmp(struct val_date a, struct val_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

struct val_str val_str_empty(void)
{
    return (struct val_str){.p = "", .n = 0};
}

/* U+3000 IDEOGRAPHIC SPACE: what a Korean IME types for a "full-width" space. */
static bool ideographic_space_at(const unsigned char *s, size_t n)
{
    return n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80;
}

static bool ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct val_str val_trim(struct val_str s)
{
    const unsigned char *p = (const unsigned char *)s.p;
    size_t lo = 0, hi = s.n;
    while (lo < hi) {
        if (ascii_space(p[lo]))
            lo++;
        else if (ideographic_space_at(p + lo, hi - lo))
            lo += 3;
        else
            break;
    }
    while (hi > lo) {
        if (ascii_space(p[hi - 1]))
            hi--;
        else if (hi - lo >= 3 && ideographic_space_at(p + hi - 3, 3))
            hi -= 3;
        else
            break;
    }
    return (struct val_str){.p = s.p + lo, .n = hi - lo};
}

size_t val_str_chars(struct val_str s)
{
    return utf8_count(s.p, s.n);
}

bool val_str_has_control(struct val_str s)
{
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

/* Like val_str_has_control, but line breaks and tabs are text. */
static bool val_str_has_control_ml(struct val_str s)
{
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

enum val_kind val_get_str(const json_t *body, const char *key, bool trim, struct val_str *out)
{
    *out = val_str_empty();
    const json_t *v = json_object_get(body, key);
    if (!v)
        return VAL_ABSENT;
    if (json_is_null(v))
        return VAL_NULL;
    if (!json_is_string(v))
        return VAL_WRONG_TYPE;
    /* json_string_length, not strlen: a "\u0000" inside must not shorten the view, or a
     * control character would slip past the checks. */
    struct val_str s = {.p = json_string_value(v), .n = json_string_length(v)};
    *out = trim ? val_trim(s) : s;
    return VAL_PRESENT;
}

static bool all_digits(struct val_str s)
{
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

enum val_kind val_get_int(const json_t *body, const char *key, long long *out)
{
    *out = 0;
    const json_t *v = json_object_get(body, key);
    if (!v)
        return VAL_ABSENT;
    if (json_is_null(v))
        return VAL_NULL;
    if (json_is_integer(v)) {
        *out = (long long)json_integer_value(v);
        return VAL_PRESENT;
    }
    if (!json_is_string(v))
        return VAL_WRONG_TYPE;
    /* Old frontends send form values as strings ("1990", "03"); accept plain digits only. */
    struct val_str s = val_trim((struct val_str){json_string_value(v), json_string_length(v)});
    if (s.n == 0)
        return VAL_NULL;
    if (!all_digits(s))
        return VAL_WRONG_TYPE;
    size_t skip = 0;
    while (skip + 1 < s.n && s.p[skip] == '0')
        skip++; /* leading zeros do not count towards the digit cap */
    if (s.n - skip > VAL_INT_DIGITS_MAX) {
        *out = LLONG_MAX;
        return VAL_PRESENT;
    }
    char buf[VAL_INT_DIGITS_MAX + 1];
    memcpy(buf, s.p + skip, s.n - skip);
    buf[s.n - skip] = '\0';
    errno = 0;
    char *end = NULL;
    long long x = strtoll(buf, &end, 10);
    if (errno == ERANGE || end != buf + (s.n - skip))
        x = LLONG_MAX; /* unreachable with <= 18 digits; kept so the cap can change safely */
    *out = x;
    return VAL_PRESENT;
}

bool val_text(const json_t *body, const struct val_text_rule *rule, enum val_need need,
              struct val_str *out, struct val_result *res)
{
    struct val_str s;
    enum val_kind k = val_get_str(body, rule->field, rule->trim, &s);
    *out = val_str_empty();
    switch (k) {
    case VAL_ABSENT:
        if (need == VAL_REQUIRED)
            val_fail(res, rule->field, rule->missing);
        return false;
    case VAL_NULL:
        if (need != VAL_OPTIONAL)
            val_fail(res, rule->field, rule->missing);
        return false;
    case VAL_WRONG_TYPE:
        val_fail(res, rule->field, VAL_MSG_NOT_STRING);
        return false;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0 && rule->min > 0) {
        /* Blank after trimming is "not given" for a field that needs content; an optional
         * field with min > 0 given as "" is simply absent. */
        if (need != VAL_OPTIONAL)
            val_fail(res, rule->field, rule->missing);
        return false;
    }
    if (rule->multiline ? val_str_has_control_ml(s) : val_str_has_control(s)) {
        val_fail(res, rule->field, VAL_MSG_CONTROL);
        return false;
    }
    size_t chars = val_str_chars(s);
    if (chars < rule->min || chars > rule->max) {
        val_fail(res, rule->field, rule->length);
        return false;
    }
    *out = s;
    return true;
}

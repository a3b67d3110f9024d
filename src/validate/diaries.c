/*
 * diaries.c - validators of diary bodies (create, partial update) and of the diary query
 * parameters (list filters, calendar month, stats range), plus the emotion label order and the
 * calendar arithmetic they need ("not after tomorrow", range spans). Pure: no I/O, no
 * allocation; views borrow from the JSON body or the query strings.
 */
#include "eeum/utf8.h"
#include "eeum/validate.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define F_TITLE     "title"
#define F_CONTENT   "content"
#define F_WEATHER   "weather"
#define F_PUBLISHED "publishedDate"
#define F_MOOD      "mood"
#define F_TAGS      "tags"
#define F_BODY      "body"
#define F_FROM      "from"
#define F_TO        "to"
#define F_EMOTION   "emotion"
#define F_TAG       "tag"
#define F_Q         "q"
#define F_MONTH     "month"

/* Earliest publishedDate: anything before is a typo, and MySQL's DATE is only documented from
 * the year 1000. */
static const struct val_date PUBLISHED_MIN = {1900, 1, 1};

static const struct val_text_rule RULE_TITLE = {
    .field = F_TITLE,
    .min = 1,
    .max = VAL_DIARY_TITLE_MAX,
    .trim = true,
    .missing = "제목을 입력해 주세요.",
    .length = "제목은 1자 이상 100자 이하여야 합니다.",
};
static const struct val_text_rule RULE_CONTENT = {
    .field = F_CONTENT,
    .min = 1,
    .max = VAL_DIARY_CONTENT_MAX,
    .trim = true,
    .missing = "내용을 입력해 주세요.",
    .length = "내용은 1자 이상 20000자 이하여야 합니다.",
    .multiline = true,
};
static const struct val_text_rule RULE_WEATHER = {
    .field = F_WEATHER,
    .min = 0, /* "" is "no weather", never an error */
    .max = VAL_DIARY_WEATHER_MAX,
    .trim = true,
    .missing = "날씨는 문자열이어야 합니다.", /* unreachable with VAL_OPTIONAL */
    .length = "날씨는 40자 이하여야 합니다.",
};

#define MSG_DATE_MISSING      "작성일을 입력해 주세요."
#define MSG_DATE_FORMAT       "날짜는 YYYY-MM-DD 형식이어야 합니다."
#define MSG_DATE_IMPOSSIBLE   "존재하지 않는 날짜입니다."
#define MSG_DATE_TOO_OLD      "작성일은 1900-01-01 이후여야 합니다."
#define MSG_DATE_FUTURE       "작성일은 내일 이후일 수 없습니다."
#define MSG_MOOD              "기분은 걱정, 분노, 행복, 설렘, 슬픔 중 하나여야 합니다."
#define MSG_EMOTION           "감정은 걱정, 분노, 행복, 설렘, 슬픔 중 하나여야 합니다."
#define MSG_TAGS_NOT_ARRAY    "태그는 문자열 배열이어야 합니다."
#define MSG_TAGS_TOO_MANY     "태그는 10개 이하여야 합니다."
#define MSG_TAGS_NOT_STRING   "태그는 모두 문자열이어야 합니다."
#define MSG_TAGS_LENGTH       "태그는 각각 1자 이상 20자 이하여야 합니다."
#define MSG_TAGS_CONTROL      "태그에는 제어 문자를 사용할 수 없습니다."
#define MSG_NOTHING_TO_UPDATE "변경할 항목이 없습니다."
#define MSG_NOT_UTF8          "UTF-8 문자열이어야 합니다."
#define MSG_TAG_LENGTH        "태그는 1자 이상 20자 이하여야 합니다."
#define MSG_Q_LENGTH          "검색어는 1자 이상 200자 이하여야 합니다."
#define MSG_RANGE_ORDER       "종료일은 시작일보다 빠를 수 없습니다."
#define MSG_RANGE_SPAN        "시작일과 종료일의 차이는 366일 이하여야 합니다."
#define MSG_MONTH_MISSING     "조회할 달을 입력해 주세요. (예: 2024-06)"
#define MSG_MONTH_FORMAT      "달은 YYYY-MM 형식이어야 합니다."
#define MSG_MONTH_IMPOSSIBLE  "존재하지 않는 달입니다."

/* ---- emotion labels ---- */

static const char *const EMOTION_LABELS[VAL_EMOTION_COUNT] = {"걱정", "분노", "행복", "설렘",
                                                              "슬픔"};

const char *val_emotion_label(int i)
{
    return i >= 0 && i < VAL_EMOTION_COUNT ? EMOTION_LABELS[i] : NULL;
}

int val_emotion_index(const char *s, size_t n)
{
    for (int i = 0; s && i < VAL_EMOTION_COUNT; i++)
        if (n == strlen(EMOTION_LABELS[i]) && memcmp(s, EMOTION_LABELS[i], n) == 0)
            return i;
    return -1;
}

/* ---- calendar arithmetic ---- */

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int month_days(int year, int month)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
}

struct val_date val_date_next(struct val_date d)
{
    assert(d.month >= 1 && d.month <= 12);
    if (d.day < month_days(d.year, d.month))
        return (struct val_date){d.year, d.month, d.day + 1};
    if (d.month < 12)
        return (struct val_date){d.year, d.month + 1, 1};
    return (struct val_date){d.year + 1, 1, 1};
}

/* Howard Hinnant's days_from_civil: the year is counted from March so that the leap day is
 * the last day of its year, which makes the day-of-year formula exact. */
long long val_date_to_days(struct val_date d)
{
    long long y = (long long)d.year - (d.month <= 2 ? 1 : 0);
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long mp = (d.month + 9) % 12; /* March = 0 */
    long long doy = (153 * mp + 2) / 5 + d.day - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days: eras of 400 years = 146097 days, counted from 0000-03-01. */
bool val_date_from_days(long long days, struct val_date *out)
{
    *out = (struct val_date){0, 0, 0};
    if (days < -719162 || days > 2932896) /* 0001-01-01 .. 9999-12-31 */
        return false;
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *out = (struct val_date){(int)(yoe + era * 400 + (m <= 2)), m, d};
    return true;
}

void val_date_format(struct val_date d, char out[11])
{
    /* the modulo only tells the compiler the width: a valid date has a 4-digit year */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
             (unsigned)d.day % 100u);
}

enum date_shape { DATE_OK, DATE_BAD_SHAPE, DATE_IMPOSSIBLE };

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits at s[0..n) as a number (n <= 4, all digits checked by the caller). */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* `shape` is the template: 'd' a digit, anything else that exact byte. */
static bool matches_shape(const char *s, size_t n, const char *shape)
{
    if (n != strlen(shape))
        return false;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
            return false;
    return true;
}

static enum date_shape date_scan(const char *s, size_t n, struct val_date *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !matches_shape(s, n, "dddd-dd-dd"))
        return DATE_BAD_SHAPE;
    struct val_date d = {digits_value(s, 4), digits_value(s + 5, 2), digits_value(s + 8, 2)};
    if (!val_date_valid(d.year, d.month, d.day))
        return DATE_IMPOSSIBLE;
    *out = d;
    return DATE_OK;
}

bool val_date_parse(const char *s, size_t n, struct val_date *out)
{
    return date_scan(s, n, out) == DATE_OK;
}

/* ---- body fields ---- */

static bool body_is_object(const json_t *body, struct val_result *res)
{
    if (json_is_object(body))
        return true;
    val_fail(res, F_BODY, VAL_MSG_NOT_OBJECT);
    return false;
}

static void clear_diary(struct val_diary *out)
{
    memset(out, 0, sizeof *out);
    out->title = out->content = out->weather = val_str_empty();
    out->mood = -1;
    out->mood_label = NULL;
    for (size_t i = 0; i < VAL_DIARY_TAGS_MAX; i++)
        out->tags[i] = val_str_empty();
}

/* Create: given and non-blank sets it. Update: present at all sets has_weather (null or ""
 * clear it). */
static void check_weather(const json_t *body, bool update, struct val_diary *out,
                          struct val_result *res)
{
    const json_t *v = json_object_get(body, F_WEATHER);
    if (!v)
        return;
    struct val_str s;
    if (val_text(body, &RULE_WEATHER, VAL_OPTIONAL, &s, res)) {
        out->weather = s;
        out->has_weather = update || s.n > 0;
    } else if (json_is_null(v)) {
        out->has_weather = update;
    }
}

static void check_published(const json_t *body, enum val_need need, struct val_date today,
                            struct val_diary *out, struct val_result *res)
{
    /* Untrimmed: the field has one exact shape, and " 2024-01-01" is not it. */
    struct val_str s;
    switch (val_get_str(body, F_PUBLISHED, false, &s)) {
    case VAL_ABSENT:
        if (need == VAL_REQUIRED)
            val_fail(res, F_PUBLISHED, MSG_DATE_MISSING);
        return;
    case VAL_NULL:
        val_fail(res, F_PUBLISHED, MSG_DATE_MISSING);
        return;
    case VAL_WRONG_TYPE:
        val_fail(res, F_PUBLISHED, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        val_fail(res, F_PUBLISHED, MSG_DATE_MISSING);
        return;
    }
    struct val_date d;
    switch (date_scan(s.p, s.n, &d)) {
    case DATE_BAD_SHAPE:
        val_fail(res, F_PUBLISHED, MSG_DATE_FORMAT);
        return;
    case DATE_IMPOSSIBLE:
        val_fail(res, F_PUBLISHED, MSG_DATE_IMPOSSIBLE);
        return;
    case DATE_OK:
        break;
    }
    if (val_date_cmp(d, PUBLISHED_MIN) < 0) {
        val_fail(res, F_PUBLISHED, MSG_DATE_TOO_OLD);
        return;
    }
    /* Tomorrow, not today: a diary written just after midnight often belongs to the evening
     * before, and a user a time zone ahead of APP_TZ is already on the next day. */
    if (val_date_cmp(d, val_date_next(today)) > 0) {
        val_fail(res, F_PUBLISHED, MSG_DATE_FUTURE);
        return;
    }
    out->published = d;
    out->has_published = true;
}

/* Absent: nothing. null, "" or blank: no mood (create) / clear it (update). */
static void check_mood(const json_t *body, bool update, struct val_diary *out,
                       struct val_result *res)
{
    struct val_str s;
    switch (val_get_str(body, F_MOOD, true, &s)) {
    case VAL_ABSENT:
        return;
    case VAL_NULL:
        out->has_mood = update;
        return;
    case VAL_WRONG_TYPE:
        val_fail(res, F_MOOD, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        out->has_mood = update;
        return;
    }
    int i = val_emotion_index(s.p, s.n);
    if (i < 0) {
        val_fail(res, F_MOOD, MSG_MOOD);
        return;
    }
    out->mood = i;
    out->mood_label = EMOTION_LABELS[i];
    out->has_mood = true;
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Equal ignoring the case of ASCII letters only: "Cafe" == "cafe", but Hangul and other
 * scripts compare byte for byte (their case rules depend on the locale). */
static bool eq_ascii_ci(struct val_str a, struct val_str b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++)
        if (ascii_lower((unsigned char)a.p[i]) != ascii_lower((unsigned char)b.p[i]))
            return false;
    return true;
}

/*
 * Absent: nothing (has_tags false). null: no tags, on create as on update (has_tags true,
 * ntags 0; the caller stores []). Otherwise an array of at most
 * VAL_DIARY_TAGS_MAX strings as sent (the cap is on the request, so a hostile array of a
 * million duplicates is refused before any work). One error for the whole field.
 */
static void check_tags(const json_t *body, struct val_diary *out, struct val_result *res)
{
    const json_t *v = json_object_get(body, F_TAGS);
    if (!v)
        return;
    if (json_is_null(v)) {
        out->has_tags = true;
        return;
    }
    if (!json_is_array(v)) {
        val_fail(res, F_TAGS, MSG_TAGS_NOT_ARRAY);
        return;
    }
    size_t n = json_array_size(v);
    if (n > VAL_DIARY_TAGS_MAX) {
        val_fail(res, F_TAGS, MSG_TAGS_TOO_MANY);
        return;
    }
    struct val_str kept[VAL_DIARY_TAGS_MAX];
    size_t nkept = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(v, i);
        if (!json_is_string(t)) {
            val_fail(res, F_TAGS, MSG_TAGS_NOT_STRING);
            return;
        }
        struct val_str s = val_trim((struct val_str){json_string_value(t), json_string_length(t)});
        if (val_str_has_control(s)) {
            val_fail(res, F_TAGS, MSG_TAGS_CONTROL);
            return;
        }
        size_t chars = val_str_chars(s);
        if (chars < 1 || chars > VAL_DIARY_TAG_MAX) {
            val_fail(res, F_TAGS, MSG_TAGS_LENGTH);
            return;
        }
        bool dup = false;
        for (size_t k = 0; k < nkept && !dup; k++)
            dup = eq_ascii_ci(kept[k], s);
        if (!dup)
            kept[nkept++] = s;
    }
    memcpy(out->tags, kept, nkept * sizeof kept[0]);
    out->ntags = nkept;
    out->has_tags = true;
}

void val_diary_create(const json_t *body, struct val_date today, struct val_diary *out,
                      struct val_result *res)
{
    val_result_init(res);
    clear_diary(out);
    if (!body_is_object(body, res))
        return;
    out->has_title = val_text(body, &RULE_TITLE, VAL_REQUIRED, &out->title, res);
    out->has_content = val_text(body, &RULE_CONTENT, VAL_REQUIRED, &out->content, res);
    check_weather(body, false, out, res);
    check_published(body, VAL_REQUIRED, today, out, res);
    check_mood(body, false, out, res);
    check_tags(body, out, res);
}

void val_diary_update(const json_t *body, struct val_date today, struct val_diary *out,
                      struct val_result *res)
{
    val_result_init(res);
    clear_diary(out);
    if (!body_is_object(body, res))
        return;
    out->has_title = val_text(body, &RULE_TITLE, VAL_IF_PRESENT, &out->title, res);
    out->has_content = val_text(body, &RULE_CONTENT, VAL_IF_PRESENT, &out->content, res);
    check_weather(body, true, out, res);
    check_published(body, VAL_IF_PRESENT, today, out, res);
    check_mood(body, true, out, res);
    check_tags(body, out, res);
    if (res->status == STATUS_OK && !out->has_title && !out->has_content && !out->has_weather &&
        !out->has_published && !out->has_mood && !out->has_tags)
        val_fail(res, F_BODY, MSG_NOTHING_TO_UPDATE);
}

/* ---- query parameters ---- */

/* A date parameter: NULL or "" = absent (false, no error); otherwise exactly YYYY-MM-DD. */
static bool query_date(const char *s, const char *field, struct val_date *out,
                       struct val_result *res)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return false;
    switch (date_scan(s, strlen(s), out)) {
    case DATE_BAD_SHAPE:
        val_fail(res, field, MSG_DATE_FORMAT);
        return false;
    case DATE_IMPOSSIBLE:
        val_fail(res, field, MSG_DATE_IMPOSSIBLE);
        return false;
    case DATE_OK:
        break;
    }
    return true;
}

/* A text parameter: NULL, "" or blank = absent; otherwise UTF-8, one line, min..max
 * characters after trimming. */
static bool query_text(const char *s, const char *field, size_t max, const char *length_msg,
                       struct val_str *out, struct val_result *res)
{
    *out = val_str_empty();
    if (!s)
        return false;
    struct val_str v = {s, strlen(s)};
    if (!utf8_valid(v.p, v.n)) {
        val_fail(res, field, MSG_NOT_UTF8);
        return false;
    }
    v = val_trim(v);
    if (v.n == 0)
        return false;
    if (val_str_has_control(v)) {
        val_fail(res, field, VAL_MSG_CONTROL);
        return false;
    }
    if (val_str_chars(v) > max) {
        val_fail(res, field, length_msg);
        return false;
    }
    *out = v;
    return true;
}

void val_diary_filters(const char *from, const char *to, const char *emotion, const char *tag,
                       const char *q, struct val_diary_filter *out, struct val_result *res)
{
    val_result_init(res);
    memset(out, 0, sizeof *out);
    out->emotion = -1;
    out->emotion_label = NULL;
    out->tag = out->q = val_str_empty();

    out->has_from = query_date(from, F_FROM, &out->from, res);
    out->has_to = query_date(to, F_TO, &out->to, res);
    if (out->has_from && out->has_to && val_date_cmp(out->from, out->to) > 0) {
        val_fail(res, F_TO, MSG_RANGE_ORDER);
        out->has_to = false;
    }

    struct val_str e;
    if (query_text(emotion, F_EMOTION, VAL_DIARY_TAG_MAX, MSG_EMOTION, &e, res)) {
        int i = val_emotion_index(e.p, e.n);
        if (i < 0) {
            val_fail(res, F_EMOTION, MSG_EMOTION);
        } else {
            out->emotion = i;
            out->emotion_label = EMOTION_LABELS[i];
            out->has_emotion = true;
        }
    }
    out->has_tag = query_text(tag, F_TAG, VAL_DIARY_TAG_MAX, MSG_TAG_LENGTH, &out->tag, res);
    out->has_q = query_text(q, F_Q, VAL_DIARY_QUERY_MAX, MSG_Q_LENGTH, &out->q, res);
}

void val_month(const char *s, int *year, int *month, struct val_result *res)
{
    val_result_init(res);
    *year = *month = 0;
    if (!s || !*s) {
        val_fail(res, F_MONTH, MSG_MONTH_MISSING);
        return;
    }
    size_t n = strlen(s);
    if (!matches_shape(s, n, "dddd-dd")) {
        val_fail(res, F_MONTH, MSG_MONTH_FORMAT);
        return;
    }
    int y = digits_value(s, 4), m = digits_value(s + 5, 2);
    if (!val_date_valid(y, m, 1)) {
        val_fail(res, F_MONTH, MSG_MONTH_IMPOSSIBLE);
        return;
    }
    *year = y;
    *month = m;
}

void val_date_range(const char *from, const char *to, struct val_range *out, struct val_result *res)
{
    val_result_init(res);
    memset(out, 0, sizeof *out);
    out->has_from = query_date(from, F_FROM, &out->from, res);
    out->has_to = query_date(to, F_TO, &out->to, res);
    if (!out->has_from || !out->has_to)
        return;
    if (val_date_cmp(out->from, out->to) > 0) {
        val_fail(res, F_TO, MSG_RANGE_ORDER);
        out->has_to = false;
    } else if (val_date_to_days(out->to) - val_date_to_days(out->from) > VAL_DIARY_RANGE_DAYS_MAX) {
        val_fail(res, F_TO, MSG_RANGE_SPAN);
        out->has_to = false;
    }
}

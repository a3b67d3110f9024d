/*
 * diary_reports.c - GET /api/diaries/calendar, /stats, /export and POST /api/diaries/import.
 * Only the caller's diaries that are not in the trash count. "Today" and every date rule use
 * APP_TZ (main sets the process time zone to it). The rules themselves (dominant emotion,
 * streaks, Markdown) live in the pure module reports.c; diary rows and their JSON, and the
 * create used by the import, are db_diaries'.
 *
 * Analysis: a diary counts as analysed when it has a visible analysis (diary_emotions), which
 * may be of an older version while a re-analysis is pending, exactly as its detail shows it.
 */
#include "eeum/db_diaries.h"
#include "eeum/db_diary_reports.h"
#include "eeum/handlers.h"
#include "eeum/log.h"
#include "eeum/publisher.h"
#include "eeum/reports.h"
#include "eeum/search.h"
#include "eeum/strbuf.h"
#include "eeum/timeutil.h"
#include "eeum/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATS_DEFAULT_DAYS 30             /* from/to both absent: the last 30 days */
#define IMPORT_MAX         1000           /* diaries per import */
#define IMPORT_ERRORS_MAX  100            /* field errors listed for one import */
#define EXPORT_MD_MAX      (512u << 20)   /* hard cap of a Markdown export */
#define EXPORT_FORMAT      "eeum-diaries" /* "format" of a JSON export */
#define EXPORT_VERSION     1

static const char MSG_BAD_INPUT[] = "입력값이 올바르지 않습니다.";
static const char *const SCORE_KEYS[REPORTS_LABELS] = {"worryScore", "angryScore", "happyScore",
                                                       "excitedScore", "sadScore"};

/* Today in APP_TZ as a validated date and a day number. False if the clock cannot be read. */
static bool app_today(struct val_date *out_date, long long *out_day)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm))
        return false;
    out_date->year = tm.tm_year + 1900;
    out_date->month = tm.tm_mon + 1;
    out_date->day = tm.tm_mday;
    *out_day = val_date_to_days(*out_date);
    return val_date_valid(out_date->year, out_date->month, out_date->day);
}

static enum status field_error(struct http_resp *resp, const char *field, const char *message)
{
    json_t *errors = json_array();
    json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", message));
    return http_resp_error(resp, STATUS_BAD_REQUEST, MSG_BAD_INPUT, errors);
}

static json_t *day_or_null(long long day, bool present)
{
    char s[11];
    return present && reports_day_format(day, s) ? json_string(s) : json_null();
}

static json_t *label_or_null(int idx)
{
    const char *l = val_emotion_label(idx);
    return l ? json_string(l) : json_null();
}

/* Reads the five DECIMAL cells first..first+4 of row i into hundredths. */
static bool read_scores(const struct db_rows *r, size_t i, size_t first,
                        int64_t out[REPORTS_LABELS])
{
    for (int k = 0; k < REPORTS_LABELS; k++)
        if (!reports_parse_centi(db_rows_str(r, i, first + (size_t)k), &out[k])) {
            log_error("reports.scores", "unreadable score '%s'",
                      db_rows_str(r, i, first + (size_t)k) ? db_rows_str(r, i, first + (size_t)k)
                                                           : "NULL");
            return false;
        }
    return true;
}

/* {"worryScore": 12.34, ...} of the mean of `sums` over n analysed diaries, or null (n == 0). */
static json_t *mean_scores(const int64_t sums[REPORTS_LABELS], uint64_t n)
{
    if (n == 0)
        return json_null();
    json_t *o = json_object();
    for (int k = 0; k < REPORTS_LABELS; k++)
        json_object_set_new(o, SCORE_KEYS[k],
                            json_real((double)reports_mean_centi(sums[k], n) / 100.0));
    return o;
}

/* {"걱정": n, "분노": n, ...} in label order. */
static json_t *emotion_counts(const uint64_t counts[REPORTS_LABELS])
{
    json_t *o = json_object();
    for (int k = 0; k < REPORTS_LABELS; k++)
        json_object_set_new(o, val_emotion_label(k), json_integer((json_int_t)counts[k]));
    return o;
}

/* ---- calendar ---- */

struct cal_day {
    char date[11];
    json_t *ids; /* owned until handed to the day object */
    uint64_t diaries, analysed;
    int64_t sums[REPORTS_LABELS];
};

static json_t *cal_day_json(struct cal_day *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "date", json_string(d->date));
    json_object_set_new(o, "emotion", label_or_null(reports_dominant(d->sums, d->analysed)));
    json_object_set_new(o, "diaryIds", d->ids);
    json_object_set_new(o, "diaryCount", json_integer((json_int_t)d->diaries));
    json_object_set_new(o, "analysedCount", json_integer((json_int_t)d->analysed));
    d->ids = NULL;
    return o;
}

enum status h_diary_reports_calendar(struct http_req *req, struct http_resp *resp)
{
    int year = 0, month = 0;
    struct val_result v;
    val_month(http_req_query(req, "month"), &year, &month, &v);
    if (v.status != STATUS_OK)
        return http_resp_error(resp, v.status, v.message, val_errors_json(&v));
    int last = 31;
    while (!val_date_valid(year, month, last))
        last--;
    char from[11], to[11], month_text[8];
    val_date_format((struct val_date){year, month, 1}, from);
    val_date_format((struct val_date){year, month, last}, to);
    snprintf(month_text, sizeof month_text, "%04d-%02d", year, month);

    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    enum status st = db_diary_reports_month(db, req->user_id, from, to, &r);
    if (st != STATUS_OK)
        return st;
    json_t *days = json_array();
    struct cal_day cur = {.ids = NULL};
    size_t n = db_rows_count(r);
    for (size_t i = 0; i < n && st == STATUS_OK; i++) {
        const char *date = db_rows_str(r, i, DB_REPORT_DIARY_DATE);
        if (!date || strlen(date) != 10) {
            st = STATUS_INTERNAL;
            break;
        }
        if (!cur.ids || strcmp(cur.date, date) != 0) {
            if (cur.ids)
                json_array_append_new(days, cal_day_json(&cur));
            memset(&cur, 0, sizeof cur);
            memcpy(cur.date, date, 11);
            cur.ids = json_array();
        }
        json_array_append_new(cur.ids,
                              json_integer((json_int_t)db_rows_u64(r, i, DB_REPORT_DIARY_ID)));
        cur.diaries++;
        if (db_rows_i64(r, i, DB_REPORT_DIARY_ANALYSED)) {
            int64_t s[REPORTS_LABELS];
            if (!read_scores(r, i, DB_REPORT_DIARY_WORRY, s)) {
                st = STATUS_INTERNAL;
                break;
            }
            for (int k = 0; k < REPORTS_LABELS; k++)
                cur.sums[k] += s[k];
            cur.analysed++;
        }
    }
    if (cur.ids && st == STATUS_OK)
        json_array_append_new(days, cal_day_json(&cur));
    json_decref(cur.ids);
    db_rows_free(r);
    if (st != STATUS_OK) {
        json_decref(days);
        return st;
    }
    return http_resp_item(resp, json_pack("{s:s,s:o}", "month", month_text, "days", days));
}

/* ---- stats ---- */

struct tally {
    uint64_t diaries, analysed, days;
    int64_t sums[REPORTS_LABELS];
    uint64_t tops[REPORTS_LABELS];
};

static json_t *tally_json(const struct tally *t, json_t *o)
{
    json_object_set_new(o, "diaryCount", json_integer((json_int_t)t->diaries));
    json_object_set_new(o, "analysedCount", json_integer((json_int_t)t->analysed));
    json_object_set_new(o, "emotionCounts", emotion_counts(t->tops));
    json_object_set_new(o, "meanScores", mean_scores(t->sums, t->analysed));
    return o;
}

/*
 * The range of a stats request: both given as validated; none: the last 30 days ending today;
 * only `to`: the 30 days ending then; only `from`: from .. today (from itself when later).
 * False with an error body when a defaulted range is longer than VAL_DIARY_RANGE_DAYS_MAX.
 */
static bool stats_range(struct http_req *req, struct http_resp *resp, struct val_date today,
                        long long *out_from, long long *out_to)
{
    struct val_range rg;
    struct val_result v;
    val_date_range(http_req_query(req, "from"), http_req_query(req, "to"), &rg, &v);
    if (v.status != STATUS_OK) {
        http_resp_error(resp, v.status, v.message, val_errors_json(&v));
        return false;
    }
    long long t = val_date_to_days(today);
    long long from, to;
    if (rg.has_from && rg.has_to) {
        from = val_date_to_days(rg.from);
        to = val_date_to_days(rg.to);
    } else if (rg.has_to) {
        to = val_date_to_days(rg.to);
        from = to - (STATS_DEFAULT_DAYS - 1);
    } else if (rg.has_from) {
        from = val_date_to_days(rg.from);
        to = from > t ? from : t;
        if (to - from > VAL_DIARY_RANGE_DAYS_MAX) {
            field_error(resp, "from", "조회 기간은 최대 366일입니다. to를 함께 지정해 주세요.");
            return false;
        }
    } else {
        to = t;
        from = t - (STATS_DEFAULT_DAYS - 1);
    }
    char s[11];
    if (!reports_day_format(from, s)) /* `to` near 0001-01-01: start at the first day */
        from = val_date_to_days((struct val_date){1, 1, 1});
    *out_from = from;
    *out_to = to;
    return true;
}

static void add_day(struct tally *t, const struct db_rows *r, size_t i,
                    const int64_t sums[REPORTS_LABELS])
{
    t->diaries += db_rows_u64(r, i, DB_REPORT_DAY_DIARIES);
    t->analysed += db_rows_u64(r, i, DB_REPORT_DAY_ANALYSED);
    t->days++;
    for (int k = 0; k < REPORTS_LABELS; k++) {
        t->sums[k] += sums[k];
        t->tops[k] += db_rows_u64(r, i, DB_REPORT_DAY_TOP_WORRY + (size_t)k);
    }
}

static json_t *streaks_json(const struct reports_streaks *s, long long today)
{
    json_t *o = json_object();
    json_object_set_new(o, "today", day_or_null(today, true));
    json_object_set_new(o, "current", json_integer(s->current));
    json_object_set_new(o, "currentFrom", day_or_null(s->current_first, s->current > 0));
    json_object_set_new(o, "currentTo", day_or_null(s->current_last, s->current > 0));
    json_object_set_new(o, "longest", json_integer(s->longest));
    json_object_set_new(o, "longestFrom", day_or_null(s->longest_first, s->longest > 0));
    json_object_set_new(o, "longestTo", day_or_null(s->longest_last, s->longest > 0));
    return o;
}

enum status h_diary_reports_stats(struct http_req *req, struct http_resp *resp)
{
    struct val_date today;
    long long today_day = 0, from = 0, to = 0;
    if (!app_today(&today, &today_day))
        return STATUS_INTERNAL;
    if (!stats_range(req, resp, today, &from, &to))
        return STATUS_BAD_REQUEST;
    char from_s[11], to_s[11];
    reports_day_format(from, from_s);
    reports_day_format(to, to_s);

    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    long long *days = NULL;
    size_t ndays = 0;
    enum status st = db_diary_reports_days(db, req->user_id, from_s, to_s, &r);
    if (st == STATUS_OK)
        st = db_diary_reports_all_days(db, req->user_id, &days, &ndays);
    struct tally all = {0}, week[7] = {{0}};
    size_t n = st == STATUS_OK ? db_rows_count(r) : 0;
    for (size_t i = 0; i < n; i++) {
        int64_t sums[REPORTS_LABELS];
        if (!read_scores(r, i, DB_REPORT_DAY_SUM_WORRY, sums)) {
            st = STATUS_INTERNAL;
            break;
        }
        add_day(&all, r, i, sums);
        add_day(&week[reports_weekday(db_rows_i64(r, i, DB_REPORT_DAY_NUMBER))], r, i, sums);
    }
    db_rows_free(r);
    if (st != STATUS_OK) {
        free(days);
        return st;
    }
    struct reports_streaks streaks;
    reports_streaks(days, ndays, today_day, &streaks);
    free(days);

    json_t *item = json_object();
    json_object_set_new(item, "from", json_string(from_s));
    json_object_set_new(item, "to", json_string(to_s));
    tally_json(&all, item);
    json_object_set_new(item, "daysWithDiary", json_integer((json_int_t)all.days));
    json_t *by = json_array();
    for (int w = 0; w < 7; w++) {
        json_t *o = json_object();
        json_object_set_new(o, "weekday", json_string(reports_weekday_name(w)));
        json_array_append_new(by, tally_json(&week[w], o));
    }
    json_object_set_new(item, "byWeekday", by);
    json_object_set_new(item, "streaks", streaks_json(&streaks, today_day));
    return http_resp_item(resp, item);
}

/* ---- export ---- */

static bool attachment(struct http_resp *resp, const char *ext)
{
    char stamp[TIME_ISO_LEN], value[96];
    time_iso_utc(time(NULL), stamp);
    stamp[10] = '\0'; /* the UTC day of the export */
    snprintf(value, sizeof value, "attachment; filename=\"eeum-diaries-%s.%s\"", stamp, ext);
    return http_resp_header(resp, "Content-Disposition", value);
}

static enum status export_json(struct http_resp *resp, const struct db_rows *r)
{
    char now[TIME_ISO_LEN];
    time_iso_utc(time(NULL), now);
    size_t n = db_rows_count(r);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, db_diaries_json(r, i, DB_DIARY_VIEW_FULL));
    json_t *doc =
        json_pack("{s:s,s:i,s:s,s:I,s:o}", "format", EXPORT_FORMAT, "version", EXPORT_VERSION,
                  "exportedAt", now, "count", (json_int_t)n, "diaries", list);
    if (!doc)
        return STATUS_INTERNAL;
    http_resp_item(resp, doc);
    attachment(resp, "json");
    return STATUS_OK;
}

/* The Markdown view of row i; tag strings borrow from `tags` (a parsed JSON array). */
static void md_diary_of(const struct db_rows *r, size_t i, json_t *tags, const char **tag_list,
                        size_t tag_cap, struct reports_md_diary *d)
{
    memset(d, 0, sizeof *d);
    d->title = db_rows_str(r, i, DB_DIARY_TITLE);
    d->content = db_rows_str(r, i, DB_DIARY_CONTENT);
    d->weather = db_rows_str(r, i, DB_DIARY_WEATHER);
    d->published = db_rows_str(r, i, DB_DIARY_PUBLISHED);
    const char *mood = db_rows_str(r, i, DB_DIARY_MOOD);
    d->mood = mood ? val_emotion_index(mood, strlen(mood)) : -1;
    size_t k = 0;
    for (; tags && k < json_array_size(tags) && k < tag_cap; k++) {
        const char *t = json_string_value(json_array_get(tags, k));
        tag_list[k] = t ? t : "";
    }
    d->tags = tag_list;
    d->ntags = k;
    d->status = db_rows_str(r, i, DB_DIARY_STATUS);
    const char *top = db_rows_str(r, i, DB_DIARY_TOP_EMOTION);
    d->emotion = top ? val_emotion_index(top, strlen(top)) : -1;
    d->has_scores = !db_rows_is_null(r, i, DB_DIARY_EMO_VERSION) && d->emotion >= 0 &&
                    read_scores(r, i, DB_DIARY_WORRY, d->centi);
    d->food = db_rows_str(r, i, DB_DIARY_FOOD_NAME);
    if (!d->title)
        d->title = "";
    if (!d->content)
        d->content = "";
    if (!d->published)
        d->published = "";
}

static enum status export_markdown(struct http_resp *resp, const struct db_rows *r)
{
    char now[TIME_ISO_LEN];
    time_iso_utc(time(NULL), now);
    size_t n = db_rows_count(r);
    struct strbuf sb;
    strbuf_init(&sb, EXPORT_MD_MAX);
    bool ok = reports_md_header(&sb, now, n);
    for (size_t i = 0; ok && i < n; i++) {
        const char *tags_text = db_rows_str(r, i, DB_DIARY_TAGS);
        json_t *tags = tags_text ? json_loads(tags_text, JSON_DECODE_ANY, NULL) : NULL;
        const char *tag_list[VAL_DIARY_TAGS_MAX];
        struct reports_md_diary d;
        md_diary_of(r, i, json_is_array(tags) ? tags : NULL, tag_list, VAL_DIARY_TAGS_MAX, &d);
        ok = reports_md_diary(&sb, &d);
        json_decref(tags);
    }
    if (!ok) {
        log_error("reports.export", "Markdown export of %zu diaries over %u bytes", n,
                  EXPORT_MD_MAX);
        strbuf_free(&sb);
        return STATUS_INTERNAL;
    }
    /* The body is handed over, not copied: an export can be large. */
    size_t len = sb.len;
    char *body = strbuf_steal(&sb);
    if (!body) {
        http_resp_raw(resp, 200, "text/markdown; charset=utf-8", "", 0);
    } else {
        resp->raw = body;
        resp->raw_len = len;
        resp->content_type = "text/markdown; charset=utf-8";
        resp->http_status = 200;
    }
    attachment(resp, "md");
    /* JSON answers get no-store from the server; a private export must not be cached either. */
    http_resp_header(resp, "Cache-Control", "no-store");
    return STATUS_OK;
}

enum status h_diary_reports_export(struct http_req *req, struct http_resp *resp)
{
    const char *format = http_req_query(req, "format");
    bool markdown;
    if (!format || !*format || strcmp(format, "json") == 0)
        markdown = false;
    else if (strcmp(format, "markdown") == 0)
        markdown = true;
    else
        return field_error(resp, "format", "format은 json 또는 markdown 이어야 합니다.");
    struct db_conn *db = http_req_db(req);
    if (!db)
        return STATUS_UNAVAILABLE;
    struct db_rows *r = NULL;
    enum status st = db_diary_reports_export(db, req->user_id, &r);
    if (st == STATUS_OK)
        st = markdown ? export_markdown(resp, r) : export_json(resp, r);
    db_rows_free(r);
    return st;
}

/* ---- import ---- */

struct import_errors {
    json_t *list;
    size_t n; /* all errors, listed or not */
};

static void import_fail(struct import_errors *e, size_t index, const char *field,
                        const char *message)
{
    e->n++;
    if (json_array_size(e->list) >= IMPORT_ERRORS_MAX)
        return;
    char name[64];
    if (field)
        snprintf(name, sizeof name, "diaries[%zu].%s", index, field);
    else
        snprintf(name, sizeof name, "diaries[%zu]", index);
    json_array_append_new(e->list, json_pack("{s:s,s:s}", "field", name, "message", message));
}

/* The export document in `body`: the document itself, or a whole saved response envelope
 * ({"success": true, "item": document}). Borrowed. */
static json_t *import_document(json_t *body)
{
    json_t *item = json_object_get(body, "item");
    if (!json_object_get(body, "diaries") && json_is_object(item))
        return item;
    return body;
}

/* Checks the document's header fields; NULL (error body set) or the diaries array. */
static json_t *import_diaries(json_t *doc, struct http_resp *resp)
{
    json_t *format = json_object_get(doc, "format");
    if (format && !json_is_null(format) &&
        !(json_is_string(format) && strcmp(json_string_value(format), EXPORT_FORMAT) == 0)) {
        field_error(resp, "format", "이음 일기 내보내기 파일(format: eeum-diaries)이 아닙니다.");
        return NULL;
    }
    json_t *version = json_object_get(doc, "version");
    if (version && !json_is_null(version) &&
        !(json_is_integer(version) && json_integer_value(version) == EXPORT_VERSION)) {
        field_error(resp, "version", "지원하지 않는 내보내기 버전입니다.");
        return NULL;
    }
    json_t *list = json_object_get(doc, "diaries");
    if (!json_is_array(list)) {
        field_error(resp, "diaries", "diaries 배열이 필요합니다.");
        return NULL;
    }
    if (json_array_size(list) > IMPORT_MAX) {
        field_error(resp, "diaries", "한 번에 최대 1000개의 일기를 가져올 수 있습니다.");
        return NULL;
    }
    return list;
}

/* NFC copies of title and content as db_diaries_create stores them, for the duplicate check. */
static enum status import_is_duplicate(struct db_conn *db, uint64_t user_id,
                                       const struct val_diary *d, bool *out_dup)
{
    struct strbuf t, c;
    strbuf_init(&t, 1u << 20);
    strbuf_init(&c, 1u << 20);
    char date[11];
    val_date_format(d->published, date);
    enum status st = STATUS_INTERNAL;
    if (search_nfc(d->title.p, d->title.n, &t) && search_nfc(d->content.p, d->content.n, &c))
        st = db_diary_reports_exists(db, user_id, date, t.data ? t.data : "", t.len,
                                     c.data ? c.data : "", c.len, out_dup);
    strbuf_free(&t);
    strbuf_free(&c);
    return st;
}

/* In one transaction: lock the user, find the duplicates among the existing diaries, create the
 * others (diary + outbox row each). All or nothing. */
static enum status import_write(struct db_conn *db, uint64_t user_id, const struct val_diary *ds,
                                size_t n, bool *skip, json_t *ids)
{
    enum status st = db_tx_begin(db);
    if (st != STATUS_OK)
        return st;
    st = db_diary_reports_lock_user(db, user_id);
    /* Every duplicate check runs before the first insert: identical diaries inside one file
     * are all imported (the account they came from had them all). */
    for (size_t i = 0; i < n && st == STATUS_OK; i++)
        st = import_is_duplicate(db, user_id, &ds[i], &skip[i]);
    for (size_t i = 0; i < n && st == STATUS_OK; i++) {
        if (skip[i])
            continue;
        uint64_t id = 0;
        st = db_diaries_create(db, user_id, &ds[i], false, &id);
        if (st == STATUS_OK)
            json_array_append_new(ids, json_integer((json_int_t)id));
    }
    if (st == STATUS_OK)
        st = db_tx_commit(db);
    if (st != STATUS_OK)
        db_tx_rollback(db);
    return st;
}

enum status h_diary_reports_import(struct http_req *req, struct http_resp *resp)
{
    struct val_date today;
    long long today_day = 0;
    if (!app_today(&today, &today_day))
        return STATUS_INTERNAL;
    json_t *list = import_diaries(import_document(req->body), resp);
    if (!list)
        return STATUS_BAD_REQUEST;
    size_t n = json_array_size(list);
    struct val_diary *ds = calloc(n ? n : 1, sizeof *ds);
    bool *skip = calloc(n ? n : 1, sizeof *skip);
    struct import_errors errs = {.list = json_array()};
    json_t *ids = json_array(), *skipped = json_array();
    enum status st = STATUS_INTERNAL;
    if (!ds || !skip || !errs.list || !ids || !skipped)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_t *one = json_array_get(list, i);
        if (!json_is_object(one)) {
            import_fail(&errs, i, NULL, "일기는 JSON 객체여야 합니다.");
            continue;
        }
        struct val_result v;
        val_diary_create(one, today, &ds[i], &v);
        for (size_t k = 0; k < v.nerrors; k++)
            import_fail(&errs, i, v.errors[k].field, v.errors[k].message);
    }
    if (errs.n > 0) {
        st = http_resp_error(resp, STATUS_BAD_REQUEST, MSG_BAD_INPUT, json_incref(errs.list));
        goto out;
    }
    struct db_conn *db = http_req_db(req);
    if (!db) {
        st = STATUS_UNAVAILABLE;
        goto out;
    }
    st = import_write(db, req->user_id, ds, n, skip, ids);
    if (st != STATUS_OK)
        goto out;
    size_t imported = json_array_size(ids);
    if (imported > 0)
        publisher_wake();
    for (size_t i = 0; i < n; i++)
        if (skip[i])
            json_array_append_new(skipped, json_integer((json_int_t)i));
    json_t *item =
        json_pack("{s:I,s:I,s:O,s:O}", "imported", (json_int_t)imported, "skipped",
                  (json_int_t)json_array_size(skipped), "diaryIds", ids, "skippedIndexes", skipped);
    if (!item)
        st = STATUS_INTERNAL;
    else if (imported > 0)
        st = http_resp_created(resp, item, "/api/diaries");
    else
        st = http_resp_item(resp, item);
out:
    json_decref(errs.list);
    json_decref(ids);
    json_decref(skipped);
    free(ds);
    free(skip);
    return st;
}

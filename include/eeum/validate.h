/*
 * validate.h - pure request validators: JSON in -> typed struct + result out. No I/O, no
 * allocation; every failing field is reported (not just the first) with a Korean message.
 * Strings in the output structs are borrowed from the JSON body (trimmed views), except where
 * a normalised copy is needed (email, phone, zip code, gender), which live in the struct.
 */
#ifndef EEUM_VALIDATE_H
#define EEUM_VALIDATE_H

#include "eeum/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define VAL_MAX_ERRORS 24

struct val_error {
    const char *field;   /* static storage */
    const char *message; /* static storage, Korean */
};

struct val_result {
    enum status status; /* STATUS_OK or STATUS_BAD_REQUEST */
    const char *message;
    size_t nerrors;
    struct val_error errors[VAL_MAX_ERRORS];
};

/* A trimmed view into a JSON string (not NUL-terminated at n in general). */
struct val_str {
    const char *p;
    size_t n; /* bytes */
};

/* A calendar date. */
struct val_date {
    int year, month, day;
};

/* Empties r: STATUS_OK, no errors, message NULL (only set once something fails). */
void val_result_init(struct val_result *r);

/* Record a failing field (static strings); sets status BAD_REQUEST and the generic message. */
void val_fail(struct val_result *r, const char *field, const char *message);

/* The errors as [{"field","message"}] (new reference). */
json_t *val_errors_json(const struct val_result *r);

/* True for a real calendar date (Gregorian, year 1..9999). */
bool val_date_valid(int year, int month, int day);

/* -1, 0, 1 like strcmp. */
int val_date_cmp(struct val_date a, struct val_date b);

/*
 * ---- helpers shared by the validator modules (added with the users validators) ----
 * All pure and thread-safe; none allocates. Views borrow from the JSON value they came from.
 */

/* The generic res->message of a failed validation. */
#define VAL_MSG_INVALID "입력값이 올바르지 않습니다."

/* How a body key looked when read. */
enum val_kind {
    VAL_ABSENT,     /* key not in the object */
    VAL_NULL,       /* JSON null */
    VAL_WRONG_TYPE, /* present but of a type the field does not take */
    VAL_PRESENT     /* present and of the right type (may still fail the field's rules) */
};

/* What a missing value means to val_text(). */
enum val_need {
    VAL_REQUIRED,   /* absent, null or empty -> "missing" error (sign-up) */
    VAL_OPTIONAL,   /* absent, null (or "" when min > 0) -> no value, no error */
    VAL_IF_PRESENT, /* absent -> no value; null or empty -> "missing" error (partial update) */
};

/* A free-text field: trimmed (unless !trim), no control characters, min..max characters. */
struct val_text_rule {
    const char *field;   /* JSON key, also the reported field name (static) */
    size_t min, max;     /* in characters after trimming; min 0 allows "" */
    bool trim;           /* false only for passwords */
    const char *missing; /* Korean message when required but absent/null/empty (static) */
    const char *length;  /* Korean message when outside min..max (static) */
    bool multiline;      /* allow line breaks and tabs (post and comment bodies) */
};

/* Generic messages used by the helpers (static storage). */
#define VAL_MSG_NOT_STRING  "문자열이어야 합니다."
#define VAL_MSG_NOT_INTEGER "정수여야 합니다."
#define VAL_MSG_CONTROL     "제어 문자는 사용할 수 없습니다."
#define VAL_MSG_NOT_OBJECT  "요청 본문은 JSON 객체여야 합니다."

/* An empty view (p is never NULL, so memcpy/fwrite with it are well-defined). */
struct val_str val_str_empty(void);

/* s without leading/trailing ASCII space, tab, CR, LF and U+3000 (ideographic space). */
struct val_str val_trim(struct val_str s);

/* Characters (code points) in s. */
size_t val_str_chars(struct val_str s);

/* True when s holds a byte < 0x20 or 0x7f (NUL included). */
bool val_str_has_control(struct val_str s);

/* Reads body[key] as a string into *out (trimmed when `trim`); *out is an empty view unless
 * the result is VAL_PRESENT. `body` must be an object. */
enum val_kind val_get_str(const json_t *body, const char *key, bool trim, struct val_str *out);

/* Reads body[key] as an integer: a JSON integer or, leniently, a string of ASCII digits
 * (trimmed; more digits than fit saturate to LLONG_MAX). Reals, booleans, other strings and
 * containers are VAL_WRONG_TYPE; an empty string is VAL_NULL (treated as missing). */
enum val_kind val_get_int(const json_t *body, const char *key, long long *out);

/* Validates the text field rule->field of `body` and records at most one error for it.
 * Returns true when the field holds a valid value (then *out is set, possibly empty when
 * rule->min == 0); false when it has no value or failed (*out is then an empty view). */
bool val_text(const json_t *body, const struct val_text_rule *rule, enum val_need need,
              struct val_str *out, struct val_result *res);

/* ---- boards and comments ---- */

#define VAL_BOARD_TITLE_MAX   150
#define VAL_BOARD_CONTENT_MAX 20000
#define VAL_COMMENT_MAX       500

struct val_board {
    bool has_category, has_title, has_content;
    char category[12]; /* "RECIPE" | "RESTAURANT" */
    struct val_str title, content;
};

/* Create (all required: category RECIPE/RESTAURANT, title 1..150, content 1..20000 characters;
 * content may hold line breaks) or partial update (any subset, at least one). */
void val_board_create(const json_t *body, struct val_board *out, struct val_result *res);
void val_board_update(const json_t *body, struct val_board *out, struct val_result *res);

/* A comment body: content 1..500 characters (line breaks allowed). */
void val_comment(const json_t *body, struct val_str *out, struct val_result *res);

/* ---- users ---- */

#define VAL_EMAIL_MAX     60
#define VAL_PASSWORD_MIN  8
#define VAL_PASSWORD_MAX  72
#define VAL_NAME_MAX      40
#define VAL_NICKNAME_MIN  2
#define VAL_NICKNAME_MAX  20
#define VAL_ADDRESS_MAX   200
#define VAL_PHOTO_URL_MAX 512

struct val_user {
    /* presence flags (sign-up requires all but the photo; update takes any subset) */
    bool has_email, has_password, has_first_name, has_last_name, has_nickname, has_phone,
        has_gender, has_birth, has_photo, has_zip, has_main_address, has_detail_address;
    char email[VAL_EMAIL_MAX + 1]; /* trimmed, lower-cased ASCII */
    struct val_str password;       /* not trimmed */
    struct val_str first_name, last_name, nickname;
    char phone[14]; /* normalised "010-1234-5678" */
    char gender[8]; /* "MALE" | "FEMALE" */
    struct val_date birth;
    struct val_str photo_url; /* n == 0: none (sign-up) / clear it (update, with has_photo) */
    char zip[6];              /* five digits */
    struct val_str main_address, detail_address;
};

/*
 * Sign-up body: email, password, firstName, lastName, nickname, phoneNumber, gender,
 * birthYear/birthMonth/birthDate, profilePhotoUrl?, zipCode (string or number), mainAddress,
 * detailAddress. `today` is the current date in APP_TZ (birth dates after it fail).
 */
void val_user_signup(const json_t *body, struct val_date today, struct val_user *out,
                     struct val_result *res);

/* Partial update body: any of password, firstName, lastName, nickname, phoneNumber,
 * profilePhotoUrl (null or "" clears it), zipCode, mainAddress, detailAddress. An empty update
 * (no known field) is a 400. Email, gender and birth date cannot change here. */
void val_user_update(const json_t *body, struct val_user *out, struct val_result *res);

/* Login body: email and password must be strings (no other rule, so nothing leaks about which
 * accounts exist). On success out->password is the untrimmed view; out->email is the trimmed,
 * lower-cased email and has_email is true only when it could belong to an account at all
 * (at most VAL_EMAIL_MAX bytes, no control characters). A result of STATUS_OK with
 * has_email == false must be answered like a wrong password (401), never with a hint. */
void val_login(const json_t *body, struct val_user *out, struct val_result *res);

/* ---- diaries (src/validate/diaries.c; all pure and thread-safe, none allocates) ---- */

#define VAL_DIARY_TITLE_MAX      100
#define VAL_DIARY_CONTENT_MAX    20000
#define VAL_DIARY_WEATHER_MAX    40
#define VAL_DIARY_TAGS_MAX       10 /* tags per diary */
#define VAL_DIARY_TAG_MAX        20 /* characters per tag */
#define VAL_DIARY_QUERY_MAX      200
#define VAL_DIARY_RANGE_DAYS_MAX 366
#define VAL_EMOTION_COUNT        5

/*
 * The emotion labels in their fixed order (SPEC §4; ties go to the earlier one): 0 걱정,
 * 1 분노, 2 행복, 3 설렘, 4 슬픔. Both the user-picked `mood` and the analysed `emotion` are
 * an index into this order. Pure and thread-safe.
 */
/* The label of index i (static storage), or NULL when i is not 0..4. */
const char *val_emotion_label(int i);
/* The index of the label s[0..n) (exact bytes, no trimming), or -1 when it is none of them. */
int val_emotion_index(const char *s, size_t n);

/*
 * Calendar arithmetic on struct val_date (proleptic Gregorian; pure, thread-safe). The
 * argument must be a valid date (val_date_valid), except that val_date_to_days takes any
 * month 1..12 and day 1..31 without complaint.
 */
/* The day after d (31 Dec rolls into 1 Jan of the next year, 28 Feb into 29 Feb in a leap
 * year). */
struct val_date val_date_next(struct val_date d);
/* Days since 1970-01-01 (negative before it); b - a in days is
 * val_date_to_days(b) - val_date_to_days(a). */
long long val_date_to_days(struct val_date d);
/* The inverse of val_date_to_days: true and *out set when the day lies in 0001-01-01 ..
 * 9999-12-31, false (and *out zeroed) otherwise. */
bool val_date_from_days(long long days, struct val_date *out);
/* Writes d as "YYYY-MM-DD" (d must be a valid date with year 1..9999). */
void val_date_format(struct val_date d, char out[11]);
/* Parses exactly "YYYY-MM-DD" (10 bytes: four digits, '-', two digits, '-', two digits; no
 * spaces, signs or time part) naming a real date. True and *out set on success; *out is
 * zeroed otherwise. s need not be NUL-terminated. */
bool val_date_parse(const char *s, size_t n, struct val_date *out);

/*
 * A diary body, create or partial update. Views borrow from the JSON body; mood_label is
 * static. has_* says the field was given and valid:
 * - weather: n == 0 with has_weather means "clear it" (update: null or ""); on create an
 *   absent, null, "" or blank weather is simply no weather (has_weather false).
 * - mood: -1 with has_mood means "clear it" (update: null, "" or blank); on create absent,
 *   null, "" or blank is no mood (has_mood false, mood -1). Otherwise the index 0..4.
 * - tags: null or [] give has_tags with ntags == 0, "no tags" (on update: clear the list);
 *   absent leaves has_tags false. The list always replaces the stored one; duplicates are
 *   already removed.
 * A field that failed has its has_* false.
 */
struct val_diary {
    bool has_title, has_content, has_weather, has_published, has_mood, has_tags;
    struct val_str title, content; /* trimmed; content may hold line breaks and tabs */
    struct val_str weather;        /* trimmed, single line */
    struct val_date published;     /* publishedDate */
    int mood;                      /* 0..4 into the label order, -1 = none */
    const char *mood_label;        /* val_emotion_label(mood), NULL when mood == -1 */
    size_t ntags;
    struct val_str tags[VAL_DIARY_TAGS_MAX]; /* trimmed, first spelling of each kept */
};

/*
 * Create body: title (1..100 characters, trimmed, one line), content (1..20000, trimmed,
 * line breaks and tabs allowed), weather? (<= 40, trimmed, one line), publishedDate (a string
 * "YYYY-MM-DD" exactly, untrimmed, a real date from 1900-01-01 up to the day after `today`),
 * mood? (one of the five labels, trimmed), tags? (an array of at most 10 strings as sent,
 * each 1..20 characters after trimming with no control characters; duplicates, compared
 * case-insensitively for ASCII letters, are dropped keeping the first). Every tag problem is
 * one error on "tags". `today` is the current date in APP_TZ and must be valid. Every failing
 * field is listed; a non-object body is one error on "body".
 */
void val_diary_create(const json_t *body, struct val_date today, struct val_diary *out,
                      struct val_result *res);

/* Partial update: any subset of the create fields with the same rules, at least one
 * (otherwise an error on "body"). title, content and publishedDate cannot be null or empty;
 * weather and mood null or "" clear them; tags null or [] clear the list. */
void val_diary_update(const json_t *body, struct val_date today, struct val_diary *out,
                      struct val_result *res);

/* GET /api/diaries filters. Views borrow from the query strings. */
struct val_diary_filter {
    bool has_from, has_to, has_emotion, has_tag, has_q;
    struct val_date from, to; /* publishedDate bounds, both inclusive */
    int emotion;              /* analysed top label, 0..4, -1 = no filter */
    const char *emotion_label;
    struct val_str tag, q; /* trimmed */
};

/*
 * Raw query values, NULL = absent. An empty value (what a form sends for an unfilled input)
 * also counts as absent, and so does a tag, q or emotion that is blank after trimming.
 * from/to: "YYYY-MM-DD" exactly (untrimmed), real dates, from <= to when both are given
 * (otherwise an error on "to"); no span limit. emotion: one of the five labels (trimmed).
 * tag: 1..20 characters after trimming, no control characters. q: 1..200 characters after
 * trimming, no control characters (the search module parses it). Values that are not UTF-8
 * fail. Error fields are the parameter names.
 */
void val_diary_filters(const char *from, const char *to, const char *emotion, const char *tag,
                       const char *q, struct val_diary_filter *out, struct val_result *res);

/* GET /api/diaries/calendar?month=YYYY-MM: exactly "YYYY-MM" (7 bytes, untrimmed), year
 * 1..9999, month 01..12. Required: NULL or "" is an error on "month" too (the calendar has
 * no implicit month). *year and *month are 0 on failure. */
void val_month(const char *s, int *year, int *month, struct val_result *res);

/* GET /api/diaries/stats?from=&to= */
struct val_range {
    bool has_from, has_to;
    struct val_date from, to; /* both inclusive */
};

/*
 * Both optional (NULL or "" = absent; the caller supplies its default, and must keep a
 * defaulted range within VAL_DIARY_RANGE_DAYS_MAX itself). Each is "YYYY-MM-DD" exactly and
 * a real date. When both are given, from <= to and to - from <= 366 days (so 2024-01-01 ..
 * 2025-01-01 passes, 2024-01-01 .. 2025-01-02 fails); either failure is an error on "to".
 */
void val_date_range(const char *from, const char *to, struct val_range *out,
                    struct val_result *res);

#endif

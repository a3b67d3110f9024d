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

#endif

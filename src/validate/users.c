/*
 * users.c - validators for the users resource: sign-up, partial profile update and login.
 * Each field is checked on its own and reports at most one error, so a form shows every
 * problem at once. Outputs are views into the JSON body plus small normalised copies.
 */
#include "eeum/validate.h"

#include <string.h>

#define F_EMAIL          "email"
#define F_PASSWORD       "password"
#define F_FIRST_NAME     "firstName"
#define F_LAST_NAME      "lastName"
#define F_NICKNAME       "nickname"
#define F_PHONE          "phoneNumber"
#define F_GENDER         "gender"
#define F_BIRTH_YEAR     "birthYear"
#define F_BIRTH_MONTH    "birthMonth"
#define F_BIRTH_DATE     "birthDate"
#define F_PHOTO          "profilePhotoUrl"
#define F_ZIP            "zipCode"
#define F_MAIN_ADDRESS   "mainAddress"
#define F_DETAIL_ADDRESS "detailAddress"
#define F_BODY           "body"

/* Below this year a birth date is a typo, not a user. */
#define VAL_BIRTH_YEAR_MIN 1900

static const struct val_text_rule RULE_PASSWORD = {
    .field = F_PASSWORD,
    .min = VAL_PASSWORD_MIN,
    .max = VAL_PASSWORD_MAX,
    .trim = false, /* a password is what the user typed, spaces included */
    .missing = "비밀번호를 입력해 주세요.",
    .length = "비밀번호는 8자 이상 72자 이하여야 합니다.",
};
static const struct val_text_rule RULE_FIRST_NAME = {
    .field = F_FIRST_NAME,
    .min = 1,
    .max = VAL_NAME_MAX,
    .trim = true,
    .missing = "이름을 입력해 주세요.",
    .length = "이름은 40자 이하여야 합니다.",
};
static const struct val_text_rule RULE_LAST_NAME = {
    .field = F_LAST_NAME,
    .min = 1,
    .max = VAL_NAME_MAX,
    .trim = true,
    .missing = "성을 입력해 주세요.",
    .length = "성은 40자 이하여야 합니다.",
};
static const struct val_text_rule RULE_NICKNAME = {
    .field = F_NICKNAME,
    .min = VAL_NICKNAME_MIN,
    .max = VAL_NICKNAME_MAX,
    .trim = true,
    .missing = "닉네임을 입력해 주세요.",
    .length = "닉네임은 2자 이상 20자 이하여야 합니다.",
};
static const struct val_text_rule RULE_MAIN_ADDRESS = {
    .field = F_MAIN_ADDRESS,
    .min = 1,
    .max = VAL_ADDRESS_MAX,
    .trim = true,
    .missing = "주소를 입력해 주세요.",
    .length = "주소는 200자 이하여야 합니다.",
};
static const struct val_text_rule RULE_DETAIL_ADDRESS = {
    .field = F_DETAIL_ADDRESS,
    .min = 0, /* a house without a unit number has no detail */
    .max = VAL_ADDRESS_MAX,
    .trim = true,
    .missing = "상세 주소는 문자열이어야 합니다.", /* only reachable as null in an update */
    .length = "상세 주소는 200자 이하여야 합니다.",
};

#define MSG_EMAIL_MISSING "이메일을 입력해 주세요."
#define MSG_EMAIL_LENGTH  "이메일은 60자 이하여야 합니다."
#define MSG_EMAIL_FORMAT  "이메일 형식이 올바르지 않습니다."
#define MSG_PASSWORD_CLASSES                                                                       \
    "비밀번호는 영문 소문자, 영문 대문자, 숫자, 특수문자 중 두 종류 이상을 포함해야 합니다."
#define MSG_PHONE_MISSING          "휴대폰 번호를 입력해 주세요."
#define MSG_PHONE_FORMAT           "휴대폰 번호 형식이 올바르지 않습니다. (예: 010-1234-5678)"
#define MSG_GENDER_MISSING         "성별을 입력해 주세요."
#define MSG_GENDER_FORMAT          "성별은 MALE 또는 FEMALE이어야 합니다."
#define MSG_BIRTH_YEAR_MISSING     "출생 연도를 입력해 주세요."
#define MSG_BIRTH_MONTH_MISSING    "출생 월을 입력해 주세요."
#define MSG_BIRTH_DATE_MISSING     "출생 일을 입력해 주세요."
#define MSG_BIRTH_IMPOSSIBLE       "존재하지 않는 날짜입니다."
#define MSG_BIRTH_TOO_OLD          "생년월일은 1900년 1월 1일 이후여야 합니다."
#define MSG_BIRTH_FUTURE           "생년월일은 오늘 이후일 수 없습니다."
#define MSG_PHOTO_LENGTH           "프로필 사진 URL은 512자 이하여야 합니다."
#define MSG_PHOTO_FORMAT           "프로필 사진 URL은 http:// 또는 https://로 시작하는 주소여야 합니다."
#define MSG_ZIP_MISSING            "우편번호를 입력해 주세요."
#define MSG_ZIP_FORMAT             "우편번호는 5자리 숫자여야 합니다."
#define MSG_NOTHING_TO_UPDATE      "변경할 항목이 없습니다."
#define MSG_LOGIN_EMAIL_MISSING    "이메일을 입력해 주세요."
#define MSG_LOGIN_PASSWORD_MISSING "비밀번호를 입력해 주세요."

/* ---- small ASCII helpers (no <ctype.h>: its answers depend on the locale) ---- */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
    return is_alpha(c) || is_digit(c);
}

static unsigned char to_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static unsigned char to_upper(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

static bool eq_ascii_ci(struct val_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (to_upper((unsigned char)s.p[i]) != (unsigned char)lit[i])
            return false;
    return true;
}

static void copy_lower(char *dst, struct val_str s)
{
    for (size_t i = 0; i < s.n; i++)
        dst[i] = (char)to_lower((unsigned char)s.p[i]);
    dst[s.n] = '\0';
}

static void clear_user(struct val_user *out)
{
    memset(out, 0, sizeof(*out));
    out->password = out->first_name = out->last_name = out->nickname = val_str_empty();
    out->photo_url = out->main_address = out->detail_address = val_str_empty();
}

/* ---- email ---- */

/* RFC 5322 "atext" plus the dot; quoted local parts are legal but no real sign-up uses them. */
static bool email_local_char(unsigned char c)
{
    return c != '\0' && (is_alnum(c) || strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static bool email_local_ok(const char *p, size_t n)
{
    if (n < 1 || n > 64 || p[0] == '.' || p[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!email_local_char((unsigned char)p[i]))
            return false;
        if (p[i] == '.' && i + 1 < n && p[i + 1] == '.')
            return false;
    }
    return true;
}

static bool email_label_ok(const char *p, size_t n)
{
    if (n < 1 || n > 63 || p[0] == '-' || p[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum((unsigned char)p[i]) && p[i] != '-')
            return false;
    return true;
}

static bool email_domain_ok(const char *p, size_t n)
{
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != '.')
            continue;
        if (!email_label_ok(p + start, i - start))
            return false;
        labels++;
        if (i == n) {
            /* the TLD: letters only, so "user@host.123" (an IP-ish typo) fails */
            if (i - start < 2)
                return false;
            for (size_t k = start; k < i; k++)
                if (!is_alpha((unsigned char)p[k]))
                    return false;
        }
        start = i + 1;
    }
    return labels >= 2;
}

static bool email_syntax_ok(struct val_str s)
{
    const char *at = NULL;
    for (size_t i = 0; i < s.n; i++) {
        if ((unsigned char)s.p[i] >= 0x80)
            return false; /* no internationalised addresses: the mail relay cannot send them */
        if (s.p[i] == '@') {
            if (at)
                return false;
            at = s.p + i;
        }
    }
    if (!at)
        return false;
    size_t local = (size_t)(at - s.p);
    return email_local_ok(s.p, local) && email_domain_ok(at + 1, s.n - local - 1);
}

static void check_email(const json_t *body, struct val_user *out, struct val_result *res)
{
    struct val_str s;
    switch (val_get_str(body, F_EMAIL, true, &s)) {
    case VAL_ABSENT:
    case VAL_NULL:
        val_fail(res, F_EMAIL, MSG_EMAIL_MISSING);
        return;
    case VAL_WRONG_TYPE:
        val_fail(res, F_EMAIL, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        val_fail(res, F_EMAIL, MSG_EMAIL_MISSING);
        return;
    }
    if (val_str_chars(s) > VAL_EMAIL_MAX) {
        val_fail(res, F_EMAIL, MSG_EMAIL_LENGTH);
        return;
    }
    if (!email_syntax_ok(s)) {
        val_fail(res, F_EMAIL, MSG_EMAIL_FORMAT);
        return;
    }
    copy_lower(out->email, s); /* ASCII and <= VAL_EMAIL_MAX bytes, checked above */
    out->has_email = true;
}

/* ---- password ---- */

/* 0 lower, 1 upper, 2 digit, 3 anything else (symbols, spaces, non-ASCII). */
static int password_class(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return 0;
    if (c >= 'A' && c <= 'Z')
        return 1;
    if (is_digit(c))
        return 2;
    return 3;
}

static void check_password(const json_t *body, enum val_need need, struct val_user *out,
                           struct val_result *res)
{
    struct val_str s;
    if (!val_text(body, &RULE_PASSWORD, need, &s, res))
        return;
    /* One class only ("aaaaaaaa", "12345678") is the first guess of any password sprayer. */
    int first = password_class((unsigned char)s.p[0]);
    bool mixed = false;
    for (size_t i = 1; i < s.n && !mixed; i++)
        mixed = password_class((unsigned char)s.p[i]) != first;
    if (!mixed) {
        val_fail(res, F_PASSWORD, MSG_PASSWORD_CLASSES);
        return;
    }
    out->password = s;
    out->has_password = true;
}

/* ---- phone ---- */

/*
 * Korean mobile numbers: 010 + 4 + 4 digits, or 011/016/017/018/019 + 3|4 + 4 digits. One
 * hyphen or space may separate the groups, each separator independently optional. Writes the
 * "010-1234-5678" form into dst (14 bytes).
 */
static bool phone_normalise(struct val_str s, char dst[14])
{
    char digits[11];
    size_t nd = 0;
    size_t seps[2];
    size_t nsep = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (is_digit(c)) {
            if (nd == sizeof(digits))
                return false;
            digits[nd++] = (char)c;
        } else if (c == '-' || c == ' ') {
            /* only between two digits: no leading, trailing or doubled separator */
            if (i == 0 || !is_digit((unsigned char)s.p[i - 1]) || nsep == 2)
                return false;
            seps[nsep++] = nd;
        } else {
            return false;
        }
    }
    if (s.n == 0 || !is_digit((unsigned char)s.p[s.n - 1]) || (nd != 10 && nd != 11))
        return false;
    size_t mid = nd - 7; /* 3 or 4 */
    if (digits[0] != '0' || digits[1] != '1' || !strchr("016789", digits[2]))
        return false;
    if (digits[2] == '0' && mid != 4)
        return false;
    for (size_t k = 0; k < nsep; k++)
        if (seps[k] != 3 && seps[k] != 3 + mid)
            return false;
    size_t o = 0;
    memcpy(dst + o, digits, 3);
    o += 3;
    dst[o++] = '-';
    memcpy(dst + o, digits + 3, mid);
    o += mid;
    dst[o++] = '-';
    memcpy(dst + o, digits + 3 + mid, 4);
    o += 4;
    dst[o] = '\0';
    return true;
}

static void check_phone(const json_t *body, enum val_need need, struct val_user *out,
                        struct val_result *res)
{
    struct val_str s;
    switch (val_get_str(body, F_PHONE, true, &s)) {
    case VAL_ABSENT:
        if (need == VAL_REQUIRED)
            val_fail(res, F_PHONE, MSG_PHONE_MISSING);
        return;
    case VAL_NULL:
        val_fail(res, F_PHONE, MSG_PHONE_MISSING);
        return;
    case VAL_WRONG_TYPE:
        /* a number would have lost its leading zero anyway */
        val_fail(res, F_PHONE, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        val_fail(res, F_PHONE, MSG_PHONE_MISSING);
        return;
    }
    if (!phone_normalise(s, out->phone)) {
        val_fail(res, F_PHONE, MSG_PHONE_FORMAT);
        return;
    }
    out->has_phone = true;
}

/* ---- gender ---- */

static void check_gender(const json_t *body, struct val_user *out, struct val_result *res)
{
    struct val_str s;
    switch (val_get_str(body, F_GENDER, true, &s)) {
    case VAL_ABSENT:
    case VAL_NULL:
        val_fail(res, F_GENDER, MSG_GENDER_MISSING);
        return;
    case VAL_WRONG_TYPE:
        val_fail(res, F_GENDER, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        val_fail(res, F_GENDER, MSG_GENDER_MISSING);
        return;
    }
    const char *g = eq_ascii_ci(s, "MALE") ? "MALE" : eq_ascii_ci(s, "FEMALE") ? "FEMALE" : NULL;
    if (!g) {
        val_fail(res, F_GENDER, MSG_GENDER_FORMAT);
        return;
    }
    memcpy(out->gender, g, strlen(g) + 1);
    out->has_gender = true;
}

/* ---- birth date ---- */

/*
 * A missing or mistyped part is reported under its own key (that is the input the form must
 * fix); a date that cannot be, is before 1900 or is after today is reported once, under
 * "birthDate", because no single part is to blame.
 */
static void check_birth(const json_t *body, struct val_date today, struct val_user *out,
                        struct val_result *res)
{
    static const char *const field[3] = {F_BIRTH_YEAR, F_BIRTH_MONTH, F_BIRTH_DATE};
    static const char *const missing[3] = {MSG_BIRTH_YEAR_MISSING, MSG_BIRTH_MONTH_MISSING,
                                           MSG_BIRTH_DATE_MISSING};
    long long v[3];
    bool parts_ok = true;
    for (int i = 0; i < 3; i++) {
        switch (val_get_int(body, field[i], &v[i])) {
        case VAL_ABSENT:
        case VAL_NULL:
            val_fail(res, field[i], missing[i]);
            parts_ok = false;
            break;
        case VAL_WRONG_TYPE:
            val_fail(res, field[i], VAL_MSG_NOT_INTEGER);
            parts_ok = false;
            break;
        case VAL_PRESENT:
            break;
        }
    }
    if (!parts_ok)
        return;
    /* range first, so the casts to int below cannot overflow */
    if (v[0] < 1 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
        !val_date_valid((int)v[0], (int)v[1], (int)v[2])) {
        val_fail(res, F_BIRTH_DATE, MSG_BIRTH_IMPOSSIBLE);
        return;
    }
    struct val_date d = {.year = (int)v[0], .month = (int)v[1], .day = (int)v[2]};
    if (d.year < VAL_BIRTH_YEAR_MIN) {
        val_fail(res, F_BIRTH_DATE, MSG_BIRTH_TOO_OLD);
        return;
    }
    if (val_date_cmp(d, today) > 0) {
        val_fail(res, F_BIRTH_DATE, MSG_BIRTH_FUTURE);
        return;
    }
    out->birth = d;
    out->has_birth = true;
}

/* ---- profile photo ---- */

static bool has_inner_space(struct val_str s)
{
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == ' ' || c < 0x20 || c == 0x7f)
            return true;
        if (c == 0xE3 && i + 2 < s.n && (unsigned char)s.p[i + 1] == 0x80 &&
            (unsigned char)s.p[i + 2] == 0x80)
            return true; /* U+3000 */
    }
    return false;
}

static bool starts_with_ci(struct val_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && eq_ascii_ci((struct val_str){s.p, n}, lit);
}

static bool photo_url_ok(struct val_str s)
{
    size_t skip;
    if (starts_with_ci(s, "HTTP://"))
        skip = 7;
    else if (starts_with_ci(s, "HTTPS://"))
        skip = 8;
    else
        return false; /* javascript:, data:, ftp: ... never reach an <img src> */
    if (has_inner_space(s))
        return false;
    /* A host must follow: "https://", "https:///x" and "https://@x" are not addresses. */
    unsigned char h = skip < s.n ? (unsigned char)s.p[skip] : '\0';
    return is_alnum(h) || h == '[' || h >= 0x80;
}

/*
 * Sign-up: null, "" or absent mean no photo (has_photo false). Update: absent means unchanged;
 * null or "" mean remove it (has_photo true, photo_url.n == 0).
 */
static void check_photo(const json_t *body, bool update, struct val_user *out,
                        struct val_result *res)
{
    struct val_str s;
    switch (val_get_str(body, F_PHOTO, true, &s)) {
    case VAL_ABSENT:
        return;
    case VAL_NULL:
        out->has_photo = update;
        return;
    case VAL_WRONG_TYPE:
        val_fail(res, F_PHOTO, VAL_MSG_NOT_STRING);
        return;
    case VAL_PRESENT:
        break;
    }
    if (s.n == 0) {
        out->has_photo = update;
        return;
    }
    if (val_str_chars(s) > VAL_PHOTO_URL_MAX) {
        val_fail(res, F_PHOTO, MSG_PHOTO_LENGTH);
        return;
    }
    if (!photo_url_ok(s)) {
        val_fail(res, F_PHOTO, MSG_PHOTO_FORMAT);
        return;
    }
    out->photo_url = s;
    out->has_photo = true;
}

/* ---- zip code ---- */

/* A string of exactly five ASCII digits, or a JSON integer 0..99999: a form that sends the
 * field as a number has lost the leading zero of "06035", so it is padded back. */
static void check_zip(const json_t *body, enum val_need need, struct val_user *out,
                      struct val_result *res)
{
    const json_t *v = json_object_get(body, F_ZIP);
    if (!v) {
        if (need == VAL_REQUIRED)
            val_fail(res, F_ZIP, MSG_ZIP_MISSING);
        return;
    }
    if (json_is_null(v)) {
        val_fail(res, F_ZIP, MSG_ZIP_MISSING);
        return;
    }
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < 0 || x > 99999) {
            val_fail(res, F_ZIP, MSG_ZIP_FORMAT);
            return;
        }
        for (int i = 4; i >= 0; i--) {
            out->zip[i] = (char)('0' + x % 10);
            x /= 10;
        }
        out->zip[5] = '\0';
        out->has_zip = true;
        return;
    }
    if (!json_is_string(v)) {
        val_fail(res, F_ZIP, MSG_ZIP_FORMAT);
        return;
    }
    struct val_str s = val_trim((struct val_str){json_string_value(v), json_string_length(v)});
    if (s.n == 0) {
        val_fail(res, F_ZIP, MSG_ZIP_MISSING);
        return;
    }
    bool ok = s.n == 5;
    for (size_t i = 0; ok && i < s.n; i++)
        ok = is_digit((unsigned char)s.p[i]);
    if (!ok) {
        val_fail(res, F_ZIP, MSG_ZIP_FORMAT);
        return;
    }
    memcpy(out->zip, s.p, 5);
    out->zip[5] = '\0';
    out->has_zip = true;
}

/* ---- entry points ---- */

static bool body_is_object(const json_t *body, struct val_result *res)
{
    if (json_is_object(body))
        return true;
    val_fail(res, F_BODY, VAL_MSG_NOT_OBJECT);
    return false;
}

/*
 * On success every has_* flag is true except has_photo, which says whether a URL was given.
 * detailAddress is optional here (absent or null = ""), matching the original service, which
 * stored an empty detail for addresses without a unit.
 */
void val_user_signup(const json_t *body, struct val_date today, struct val_user *out,
                     struct val_result *res)
{
    val_result_init(res);
    clear_user(out);
    if (!body_is_object(body, res))
        return;
    check_email(body, out, res);
    check_password(body, VAL_REQUIRED, out, res);
    out->has_first_name = val_text(body, &RULE_FIRST_NAME, VAL_REQUIRED, &out->first_name, res);
    out->has_last_name = val_text(body, &RULE_LAST_NAME, VAL_REQUIRED, &out->last_name, res);
    out->has_nickname = val_text(body, &RULE_NICKNAME, VAL_REQUIRED, &out->nickname, res);
    check_phone(body, VAL_REQUIRED, out, res);
    check_gender(body, out, res);
    check_birth(body, today, out, res);
    check_photo(body, false, out, res);
    check_zip(body, VAL_REQUIRED, out, res);
    out->has_main_address =
        val_text(body, &RULE_MAIN_ADDRESS, VAL_REQUIRED, &out->main_address, res);
    size_t before = res->nerrors;
    val_text(body, &RULE_DETAIL_ADDRESS, VAL_OPTIONAL, &out->detail_address, res);
    out->has_detail_address = res->nerrors == before;
}

/*
 * email, gender and the birth date in an update body are ignored like any unknown key (the
 * old frontend resends the whole profile form); the header documents that they cannot change
 * here. A body with none of the changeable keys is a 400.
 */
void val_user_update(const json_t *body, struct val_user *out, struct val_result *res)
{
    static const char *const changeable[] = {
        F_PASSWORD, F_FIRST_NAME, F_LAST_NAME,    F_NICKNAME,       F_PHONE,
        F_PHOTO,    F_ZIP,        F_MAIN_ADDRESS, F_DETAIL_ADDRESS,
    };
    val_result_init(res);
    clear_user(out);
    if (!body_is_object(body, res))
        return;
    bool any = false;
    for (size_t i = 0; i < sizeof(changeable) / sizeof(changeable[0]); i++)
        any = any || json_object_get(body, changeable[i]) != NULL;
    if (!any) {
        val_fail(res, F_BODY, MSG_NOTHING_TO_UPDATE);
        return;
    }
    check_password(body, VAL_IF_PRESENT, out, res);
    out->has_first_name = val_text(body, &RULE_FIRST_NAME, VAL_IF_PRESENT, &out->first_name, res);
    out->has_last_name = val_text(body, &RULE_LAST_NAME, VAL_IF_PRESENT, &out->last_name, res);
    out->has_nickname = val_text(body, &RULE_NICKNAME, VAL_IF_PRESENT, &out->nickname, res);
    check_phone(body, VAL_IF_PRESENT, out, res);
    check_photo(body, true, out, res);
    check_zip(body, VAL_IF_PRESENT, out, res);
    out->has_main_address =
        val_text(body, &RULE_MAIN_ADDRESS, VAL_IF_PRESENT, &out->main_address, res);
    out->has_detail_address =
        val_text(body, &RULE_DETAIL_ADDRESS, VAL_IF_PRESENT, &out->detail_address, res);
}

/*
 * Only "is there something to check" is validated: the sign-up rules stay secret from a
 * guesser. An email that no account can have (too long, control characters) is not an error
 * either; has_email stays false and the handler answers it like a wrong password. Truncating
 * it instead could match a different, shorter address.
 */
void val_login(const json_t *body, struct val_user *out, struct val_result *res)
{
    val_result_init(res);
    clear_user(out);
    if (!body_is_object(body, res))
        return;
    struct val_str email, password;
    enum val_kind ke = val_get_str(body, F_EMAIL, true, &email);
    if (ke == VAL_WRONG_TYPE)
        val_fail(res, F_EMAIL, VAL_MSG_NOT_STRING);
    else if (ke != VAL_PRESENT || email.n == 0)
        val_fail(res, F_EMAIL, MSG_LOGIN_EMAIL_MISSING);
    enum val_kind kp = val_get_str(body, F_PASSWORD, false, &password);
    if (kp == VAL_WRONG_TYPE)
        val_fail(res, F_PASSWORD, VAL_MSG_NOT_STRING);
    else if (kp != VAL_PRESENT || password.n == 0)
        val_fail(res, F_PASSWORD, MSG_LOGIN_PASSWORD_MISSING);
    if (res->status != STATUS_OK)
        return;
    out->password = password;
    out->has_password = true;
    if (email.n <= VAL_EMAIL_MAX && !val_str_has_control(email)) {
        copy_lower(out->email, email);
        out->has_email = true;
    }
}

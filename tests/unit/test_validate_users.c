/*
 * test_validate_users.c - sign-up, profile update and login validators, data-driven: a valid
 * base body, one field mutated per row, and the exact list of fields that must fail (so a
 * row also proves that no other field fails). Every table row is its own named test.
 */
#include "eeum/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define Q(s)         "\"" s "\""
#define ABSENT       NULL /* as a mutation value: delete the key */

/* Long values, counted in characters. Hangul syllables are 3 bytes each in UTF-8. */
#define K10  "가나다라마바사아자차"
#define K20  K10 K10
#define K40  K20 K20
#define K200 K40 K40 K40 K40 K40
#define A10  "abcdefghij"
#define A40  A10 A10 A10 A10
#define X10  "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10
#define PW70 "Abcdefgh1!Abcdefgh1!Abcdefgh1!Abcdefgh1!Abcdefgh1!Abcdefgh1!Abcdefgh1!"
/* "https://example.com/" is 20 characters; the rest pads to exactly 512. */
#define URL512 "https://example.com/" X100 X100 X100 X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 "xx"
/* 48 + "@example.com" (12) = 60 characters. */
#define LOCAL48 A40 "abcdefgh"

static const struct val_date TODAY = {2024, 6, 15};

/* ---- helpers ---- */

static json_t *base_signup(void)
{
    json_t *b = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:s,s:s}", "email", "hong@example.com",
        "password", "abcd1234", "firstName", "길동", "lastName", "홍", "nickname", "길동이",
        "phoneNumber", "010-1234-5678", "gender", "MALE", "birthYear", 1990, "birthMonth", 3,
        "birthDate", 15, "profilePhotoUrl", "https://cdn.example.com/p/1.jpg", "zipCode", "06035",
        "mainAddress", "서울특별시 강남구 테헤란로 1", "detailAddress", "101동 202호");
    assert_non_null(b);
    return b;
}

/* JSON_ALLOW_NUL although the HTTP body parser refuses "\u0000": the validators must stay
 * safe for any json_t, and a NUL is the sharpest test that lengths come from jansson. */
static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!v)
        fail_msg("test data is not JSON: %s (%s)", text, err.text);
    return v;
}

struct kv {
    const char *key;
    const char *json; /* ABSENT deletes the key */
};

static void apply(json_t *body, const struct kv *set, size_t n)
{
    for (size_t i = 0; i < n && set[i].key; i++) {
        if (set[i].json == ABSENT)
            json_object_del(body, set[i].key);
        else
            assert_int_equal(json_object_set_new(body, set[i].key, parse(set[i].json)), 0);
    }
}

static void print_errors(const struct val_result *r)
{
    for (size_t i = 0; i < r->nerrors; i++)
        print_message("  error[%zu] %s: %s\n", i, r->errors[i].field, r->errors[i].message);
}

/* Asserts that exactly the fields in `fails` (NULL-terminated, in report order) failed. */
static void assert_fails_exactly(const struct val_result *r, const char *const *fails)
{
    size_t want = 0;
    while (want < 4 && fails[want])
        want++;
    if (r->nerrors != want)
        print_errors(r);
    assert_int_equal(r->nerrors, want);
    if (want == 0) {
        assert_int_equal(r->status, STATUS_OK);
        return;
    }
    assert_int_equal(r->status, STATUS_BAD_REQUEST);
    assert_string_equal(r->message, VAL_MSG_INVALID);
    for (size_t i = 0; i < want; i++) {
        assert_string_equal(r->errors[i].field, fails[i]);
        assert_non_null(r->errors[i].message);
        assert_true(strlen(r->errors[i].message) > 0);
    }
}

static void assert_view(struct val_str v, const char *want)
{
    size_t n = strlen(want);
    if (v.n != n || memcmp(v.p, want, n) != 0)
        fail_msg("view is \"%.*s\" (%zu bytes), want \"%s\"", (int)v.n, v.p, v.n, want);
}

/* ---- sign-up table: one mutation of the base body per row ---- */

struct signup_case {
    const char *name;
    struct kv set[3];
    const char *fails[4];
};

static const struct signup_case signup_cases[] = {
    {"signup_valid_base_body_passes", {{0}}, {0}},
    {"signup_ignores_unknown_fields", {{"hobby", "[1, {\"a\": [2]}]"}}, {0}},

    /* email */
    {"signup_without_email_fails", {{"email", ABSENT}}, {"email"}},
    {"signup_with_null_email_fails", {{"email", "null"}}, {"email"}},
    {"signup_with_blank_email_fails", {{"email", Q("   ")}}, {"email"}},
    {"signup_with_numeric_email_fails", {{"email", "42"}}, {"email"}},
    {"signup_with_object_email_fails", {{"email", "{\"a\": 1}"}}, {"email"}},
    {"signup_with_upper_case_email_passes", {{"email", Q("Hong.GilDong@Example.COM")}}, {0}},
    {"signup_with_plus_tag_and_subdomain_email_passes",
     {{"email", Q("a.b+tag@mail.example.co.kr")}},
     {0}},
    {"signup_with_apostrophe_in_local_part_passes", {{"email", Q("o'neil@example.com")}}, {0}},
    {"signup_with_email_surrounded_by_spaces_passes",
     {{"email", Q("  hong@example.com\\t\\u3000")}},
     {0}},
    {"signup_with_60_char_email_passes", {{"email", Q(LOCAL48 "@example.com")}}, {0}},
    {"signup_with_61_char_email_fails", {{"email", Q(LOCAL48 "x@example.com")}}, {"email"}},
    {"signup_with_email_without_at_fails", {{"email", Q("hong.example.com")}}, {"email"}},
    {"signup_with_email_with_double_at_fails", {{"email", Q("hong@@example.com")}}, {"email"}},
    {"signup_with_email_with_two_ats_fails", {{"email", Q("a@b@example.com")}}, {"email"}},
    {"signup_with_email_with_empty_local_part_fails", {{"email", Q("@example.com")}}, {"email"}},
    {"signup_with_email_local_leading_dot_fails", {{"email", Q(".hong@example.com")}}, {"email"}},
    {"signup_with_email_local_trailing_dot_fails", {{"email", Q("hong.@example.com")}}, {"email"}},
    {"signup_with_email_local_double_dot_fails", {{"email", Q("ho..ng@example.com")}}, {"email"}},
    {"signup_with_email_local_comma_fails", {{"email", Q("hong,gil@example.com")}}, {"email"}},
    {"signup_with_email_inner_space_fails", {{"email", Q("hong gil@example.com")}}, {"email"}},
    {"signup_with_non_ascii_email_fails", {{"email", Q("홍길동@example.com")}}, {"email"}},
    {"signup_with_single_label_domain_fails", {{"email", Q("hong@localhost")}}, {"email"}},
    {"signup_with_domain_leading_hyphen_fails", {{"email", Q("hong@-example.com")}}, {"email"}},
    {"signup_with_domain_trailing_hyphen_fails", {{"email", Q("hong@example-.com")}}, {"email"}},
    {"signup_with_hyphen_inside_domain_label_passes", {{"email", Q("hong@my-mail.com")}}, {0}},
    {"signup_with_domain_empty_label_fails", {{"email", Q("hong@example..com")}}, {"email"}},
    {"signup_with_domain_trailing_dot_fails", {{"email", Q("hong@example.com.")}}, {"email"}},
    {"signup_with_underscore_in_domain_fails", {{"email", Q("hong@ex_ample.com")}}, {"email"}},
    {"signup_with_one_letter_tld_fails", {{"email", Q("hong@example.c")}}, {"email"}},
    {"signup_with_numeric_tld_fails", {{"email", Q("hong@1.2.3.4")}}, {"email"}},
    {"signup_with_digit_in_tld_fails", {{"email", Q("hong@example.c0m")}}, {"email"}},

    /* password */
    {"signup_without_password_fails", {{"password", ABSENT}}, {"password"}},
    {"signup_with_null_password_fails", {{"password", "null"}}, {"password"}},
    {"signup_with_empty_password_fails", {{"password", Q("")}}, {"password"}},
    {"signup_with_numeric_password_fails", {{"password", "12345678"}}, {"password"}},
    {"signup_with_7_char_password_fails", {{"password", Q("abc1234")}}, {"password"}},
    {"signup_with_8_char_mixed_password_passes", {{"password", Q("abcd1234")}}, {0}},
    {"signup_with_72_char_password_passes", {{"password", Q(PW70 "ab")}}, {0}},
    {"signup_with_73_char_password_fails", {{"password", Q(PW70 "abc")}}, {"password"}},
    {"signup_with_all_lower_case_password_fails", {{"password", Q("aaaaaaaa")}}, {"password"}},
    {"signup_with_all_digit_password_fails", {{"password", Q("12345678")}}, {"password"}},
    {"signup_with_all_upper_case_password_fails", {{"password", Q("ABCDEFGH")}}, {"password"}},
    {"signup_with_all_symbol_password_fails", {{"password", Q("!!!!!!!!")}}, {"password"}},
    {"signup_with_all_space_password_fails", {{"password", Q("        ")}}, {"password"}},
    {"signup_with_all_hangul_password_fails", {{"password", Q("비밀번호비밀번호")}}, {"password"}},
    {"signup_with_upper_and_lower_password_passes", {{"password", Q("Abcdefgh")}}, {0}},
    {"signup_with_letters_and_symbol_password_passes", {{"password", Q("abcdefg!")}}, {0}},
    {"signup_with_8_char_hangul_and_digit_password_passes",
     {{"password", Q("가나다라마바사1")}},
     {0}},
    {"signup_with_7_char_hangul_password_of_19_bytes_fails",
     {{"password", Q("가나다라마바1")}},
     {"password"}},
    {"signup_with_72_char_hangul_password_of_214_bytes_passes",
     {{"password", Q(K40 K20 K10 "가1")}},
     {0}},
    {"signup_with_73_char_hangul_password_fails",
     {{"password", Q(K40 K20 K10 "가나1")}},
     {"password"}},
    {"signup_with_password_counts_its_surrounding_spaces_passes",
     {{"password", Q(" abc123 ")}},
     {0}},
    {"signup_with_tab_in_password_fails", {{"password", Q("abcd\\t1234")}}, {"password"}},

    /* firstName */
    {"signup_without_first_name_fails", {{"firstName", ABSENT}}, {"firstName"}},
    {"signup_with_null_first_name_fails", {{"firstName", "null"}}, {"firstName"}},
    {"signup_with_empty_first_name_fails", {{"firstName", Q("")}}, {"firstName"}},
    {"signup_with_blank_first_name_fails", {{"firstName", Q(" \\t\\r\\n ")}}, {"firstName"}},
    {"signup_with_ideographic_space_first_name_fails",
     {{"firstName", Q("\\u3000\\u3000")}},
     {"firstName"}},
    {"signup_with_numeric_first_name_fails", {{"firstName", "7"}}, {"firstName"}},
    {"signup_with_array_first_name_fails", {{"firstName", "[\"길동\"]"}}, {"firstName"}},
    {"signup_with_one_char_first_name_passes", {{"firstName", Q("A")}}, {0}},
    {"signup_with_40_char_hangul_first_name_of_120_bytes_passes", {{"firstName", Q(K40)}}, {0}},
    {"signup_with_41_char_hangul_first_name_fails", {{"firstName", Q(K40 "가")}}, {"firstName"}},
    {"signup_with_40_char_ascii_first_name_passes", {{"firstName", Q(A40)}}, {0}},
    {"signup_with_41_char_ascii_first_name_fails", {{"firstName", Q(A40 "k")}}, {"firstName"}},
    {"signup_with_padded_40_char_first_name_passes",
     {{"firstName", Q("  \\u3000" K40 "\\u3000 ")}},
     {0}},
    {"signup_with_newline_in_first_name_fails", {{"firstName", Q("길\\n동")}}, {"firstName"}},
    {"signup_with_del_in_first_name_fails", {{"firstName", Q("길\\u007f동")}}, {"firstName"}},
    {"signup_with_nul_in_first_name_fails", {{"firstName", Q("길\\u0000동")}}, {"firstName"}},

    /* lastName */
    {"signup_without_last_name_fails", {{"lastName", ABSENT}}, {"lastName"}},
    {"signup_with_blank_last_name_fails", {{"lastName", Q("  ")}}, {"lastName"}},
    {"signup_with_numeric_last_name_fails", {{"lastName", "1"}}, {"lastName"}},
    {"signup_with_40_char_last_name_passes", {{"lastName", Q(K40)}}, {0}},
    {"signup_with_41_char_last_name_fails", {{"lastName", Q(K40 "가")}}, {"lastName"}},
    {"signup_with_control_char_in_last_name_fails", {{"lastName", Q("\\u001b[31m")}}, {"lastName"}},

    /* nickname */
    {"signup_without_nickname_fails", {{"nickname", ABSENT}}, {"nickname"}},
    {"signup_with_null_nickname_fails", {{"nickname", "null"}}, {"nickname"}},
    {"signup_with_numeric_nickname_fails", {{"nickname", "12"}}, {"nickname"}},
    {"signup_with_one_char_nickname_fails", {{"nickname", Q("a")}}, {"nickname"}},
    {"signup_with_one_hangul_nickname_of_3_bytes_fails", {{"nickname", Q("가")}}, {"nickname"}},
    {"signup_with_nickname_trimmed_to_one_char_fails", {{"nickname", Q(" a ")}}, {"nickname"}},
    {"signup_with_two_char_nickname_passes", {{"nickname", Q("ab")}}, {0}},
    {"signup_with_two_hangul_nickname_passes", {{"nickname", Q("가나")}}, {0}},
    {"signup_with_20_char_hangul_nickname_passes", {{"nickname", Q(K20)}}, {0}},
    {"signup_with_21_char_nickname_fails", {{"nickname", Q(K20 "가")}}, {"nickname"}},
    {"signup_with_tab_in_nickname_fails", {{"nickname", Q("닉\\t네임")}}, {"nickname"}},
    {"signup_with_embedded_nul_in_nickname_fails", {{"nickname", Q("ab\\u0000cd")}}, {"nickname"}},

    /* phoneNumber */
    {"signup_with_plain_010_phone_passes", {{"phoneNumber", Q("01012345678")}}, {0}},
    {"signup_with_spaced_phone_passes", {{"phoneNumber", Q("010 1234 5678")}}, {0}},
    {"signup_with_011_three_digit_middle_phone_passes", {{"phoneNumber", Q("011-123-4567")}}, {0}},
    {"signup_with_016_four_digit_middle_phone_passes", {{"phoneNumber", Q("016-1234-5678")}}, {0}},
    {"signup_with_019_plain_10_digit_phone_passes", {{"phoneNumber", Q("0191234567")}}, {0}},
    {"signup_with_one_hyphen_phone_passes", {{"phoneNumber", Q("010-12345678")}}, {0}},
    {"signup_with_mixed_separators_phone_passes", {{"phoneNumber", Q("010-1234 5678")}}, {0}},
    {"signup_with_padded_phone_passes", {{"phoneNumber", Q(" 010-1234-5678\\u3000")}}, {0}},
    {"signup_without_phone_fails", {{"phoneNumber", ABSENT}}, {"phoneNumber"}},
    {"signup_with_null_phone_fails", {{"phoneNumber", "null"}}, {"phoneNumber"}},
    {"signup_with_empty_phone_fails", {{"phoneNumber", Q("")}}, {"phoneNumber"}},
    {"signup_with_numeric_phone_fails", {{"phoneNumber", "1012345678"}}, {"phoneNumber"}},
    {"signup_with_seoul_landline_fails", {{"phoneNumber", Q("02-123-4567")}}, {"phoneNumber"}},
    {"signup_with_seoul_landline_8_digits_fails",
     {{"phoneNumber", Q("02-1234-5678")}},
     {"phoneNumber"}},
    {"signup_with_gyeonggi_landline_fails", {{"phoneNumber", Q("031-123-4567")}}, {"phoneNumber"}},
    {"signup_with_012_prefix_fails", {{"phoneNumber", Q("012-1234-5678")}}, {"phoneNumber"}},
    {"signup_with_070_prefix_fails", {{"phoneNumber", Q("070-1234-5678")}}, {"phoneNumber"}},
    {"signup_with_010_three_digit_middle_fails",
     {{"phoneNumber", Q("010-123-4567")}},
     {"phoneNumber"}},
    {"signup_with_010_ten_digits_fails", {{"phoneNumber", Q("0101234567")}}, {"phoneNumber"}},
    {"signup_with_short_last_group_fails", {{"phoneNumber", Q("010-1234-567")}}, {"phoneNumber"}},
    {"signup_with_long_last_group_fails", {{"phoneNumber", Q("010-1234-56789")}}, {"phoneNumber"}},
    {"signup_with_twelve_digit_phone_fails", {{"phoneNumber", Q("010123456789")}}, {"phoneNumber"}},
    {"signup_with_double_hyphen_phone_fails",
     {{"phoneNumber", Q("010--1234-5678")}},
     {"phoneNumber"}},
    {"signup_with_leading_hyphen_phone_fails",
     {{"phoneNumber", Q("-010-1234-5678")}},
     {"phoneNumber"}},
    {"signup_with_trailing_hyphen_phone_fails",
     {{"phoneNumber", Q("010-1234-5678-")}},
     {"phoneNumber"}},
    {"signup_with_misplaced_hyphen_phone_fails",
     {{"phoneNumber", Q("010-12-345678")}},
     {"phoneNumber"}},
    {"signup_with_international_prefix_phone_fails",
     {{"phoneNumber", Q("+82-10-1234-5678")}},
     {"phoneNumber"}},
    {"signup_with_dotted_phone_fails", {{"phoneNumber", Q("010.1234.5678")}}, {"phoneNumber"}},
    {"signup_with_fullwidth_digit_phone_fails",
     {{"phoneNumber", Q("０１０１２３４５６７８")}},
     {"phoneNumber"}},

    /* gender */
    {"signup_with_female_gender_passes", {{"gender", Q("FEMALE")}}, {0}},
    {"signup_with_lower_case_gender_passes", {{"gender", Q("male")}}, {0}},
    {"signup_with_mixed_case_padded_gender_passes", {{"gender", Q(" Female ")}}, {0}},
    {"signup_without_gender_fails", {{"gender", ABSENT}}, {"gender"}},
    {"signup_with_null_gender_fails", {{"gender", "null"}}, {"gender"}},
    {"signup_with_empty_gender_fails", {{"gender", Q("")}}, {"gender"}},
    {"signup_with_abbreviated_gender_fails", {{"gender", Q("M")}}, {"gender"}},
    {"signup_with_other_gender_value_fails", {{"gender", Q("OTHER")}}, {"gender"}},
    {"signup_with_gender_prefix_match_fails", {{"gender", Q("MALES")}}, {"gender"}},
    {"signup_with_boolean_gender_fails", {{"gender", "true"}}, {"gender"}},

    /* birth date parts */
    {"signup_with_birth_parts_as_digit_strings_passes",
     {{"birthYear", Q("1990")}, {"birthMonth", Q("03")}, {"birthDate", Q(" 7 ")}},
     {0}},
    {"signup_without_birth_year_fails", {{"birthYear", ABSENT}}, {"birthYear"}},
    {"signup_with_null_birth_year_fails", {{"birthYear", "null"}}, {"birthYear"}},
    {"signup_with_empty_string_birth_year_fails", {{"birthYear", Q("")}}, {"birthYear"}},
    {"signup_with_non_digit_birth_year_fails", {{"birthYear", Q("19x0")}}, {"birthYear"}},
    {"signup_with_signed_string_birth_year_fails", {{"birthYear", Q("-1990")}}, {"birthYear"}},
    {"signup_with_real_birth_year_fails", {{"birthYear", "1990.0"}}, {"birthYear"}},
    {"signup_with_boolean_birth_year_fails", {{"birthYear", "true"}}, {"birthYear"}},
    {"signup_with_array_birth_year_fails", {{"birthYear", "[1990]"}}, {"birthYear"}},
    {"signup_without_birth_month_fails", {{"birthMonth", ABSENT}}, {"birthMonth"}},
    {"signup_with_decimal_string_birth_month_fails", {{"birthMonth", Q("3.0")}}, {"birthMonth"}},
    {"signup_without_birth_day_fails", {{"birthDate", ABSENT}}, {"birthDate"}},
    {"signup_with_real_birth_day_fails", {{"birthDate", "1.5"}}, {"birthDate"}},
    {"signup_with_month_13_fails", {{"birthMonth", "13"}}, {"birthDate"}},
    {"signup_with_month_0_fails", {{"birthMonth", "0"}}, {"birthDate"}},
    {"signup_with_negative_month_fails", {{"birthMonth", "-1"}}, {"birthDate"}},
    {"signup_with_day_0_fails", {{"birthDate", "0"}}, {"birthDate"}},
    {"signup_with_day_32_fails", {{"birthDate", "32"}}, {"birthDate"}},
    {"signup_with_february_30_fails", {{"birthMonth", "2"}, {"birthDate", "30"}}, {"birthDate"}},
    {"signup_with_april_31_fails", {{"birthMonth", "4"}, {"birthDate", "31"}}, {"birthDate"}},
    {"signup_with_april_30_passes", {{"birthMonth", "4"}, {"birthDate", "30"}}, {0}},
    {"signup_with_2000_02_29_leap_day_passes",
     {{"birthYear", "2000"}, {"birthMonth", "2"}, {"birthDate", "29"}},
     {0}},
    {"signup_with_2024_02_29_leap_day_passes",
     {{"birthYear", "2024"}, {"birthMonth", "2"}, {"birthDate", "29"}},
     {0}},
    {"signup_with_1900_02_29_non_leap_century_fails",
     {{"birthYear", "1900"}, {"birthMonth", "2"}, {"birthDate", "29"}},
     {"birthDate"}},
    {"signup_with_2023_02_29_fails",
     {{"birthYear", "2023"}, {"birthMonth", "2"}, {"birthDate", "29"}},
     {"birthDate"}},
    {"signup_with_1900_01_01_passes",
     {{"birthYear", "1900"}, {"birthMonth", "1"}, {"birthDate", "1"}},
     {0}},
    {"signup_with_1899_12_31_fails",
     {{"birthYear", "1899"}, {"birthMonth", "12"}, {"birthDate", "31"}},
     {"birthDate"}},
    {"signup_with_year_0_fails", {{"birthYear", "0"}}, {"birthDate"}},
    {"signup_with_huge_integer_year_fails", {{"birthYear", "9223372036854775807"}}, {"birthDate"}},
    {"signup_with_most_negative_integer_year_fails",
     {{"birthYear", "-9223372036854775808"}},
     {"birthDate"}},
    {"signup_with_huge_digit_string_year_fails",
     {{"birthYear", Q("99999999999999999999999999")}},
     {"birthDate"}},
    {"signup_with_zero_padded_digit_string_year_passes",
     {{"birthYear", Q("00000000000000000000001990")}},
     {0}},
    {"signup_born_today_passes",
     {{"birthYear", "2024"}, {"birthMonth", "6"}, {"birthDate", "15"}},
     {0}},
    {"signup_born_tomorrow_fails",
     {{"birthYear", "2024"}, {"birthMonth", "6"}, {"birthDate", "16"}},
     {"birthDate"}},
    {"signup_born_next_month_fails",
     {{"birthYear", "2024"}, {"birthMonth", "7"}, {"birthDate", "1"}},
     {"birthDate"}},
    {"signup_born_next_year_fails", {{"birthYear", "2025"}, {"birthMonth", "1"}}, {"birthDate"}},

    /* profilePhotoUrl */
    {"signup_without_photo_passes", {{"profilePhotoUrl", ABSENT}}, {0}},
    {"signup_with_null_photo_passes", {{"profilePhotoUrl", "null"}}, {0}},
    {"signup_with_empty_photo_passes", {{"profilePhotoUrl", Q("")}}, {0}},
    {"signup_with_blank_photo_passes", {{"profilePhotoUrl", Q("  ")}}, {0}},
    {"signup_with_http_photo_passes", {{"profilePhotoUrl", Q("http://x")}}, {0}},
    {"signup_with_upper_case_scheme_photo_passes",
     {{"profilePhotoUrl", Q("HTTPS://EXAMPLE.COM/A.JPG")}},
     {0}},
    {"signup_with_ipv6_host_photo_passes", {{"profilePhotoUrl", Q("https://[::1]/a.png")}}, {0}},
    {"signup_with_512_char_photo_passes", {{"profilePhotoUrl", Q(URL512)}}, {0}},
    {"signup_with_513_char_photo_fails", {{"profilePhotoUrl", Q(URL512 "x")}}, {"profilePhotoUrl"}},
    {"signup_with_ftp_photo_fails",
     {{"profilePhotoUrl", Q("ftp://example.com/a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_javascript_photo_fails",
     {{"profilePhotoUrl", Q("javascript:alert(1)")}},
     {"profilePhotoUrl"}},
    {"signup_with_scheme_relative_photo_fails",
     {{"profilePhotoUrl", Q("//example.com/a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_schemeless_photo_fails",
     {{"profilePhotoUrl", Q("example.com/a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_hostless_photo_fails", {{"profilePhotoUrl", Q("https://")}}, {"profilePhotoUrl"}},
    {"signup_with_empty_host_photo_fails",
     {{"profilePhotoUrl", Q("https:///a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_space_in_photo_fails",
     {{"profilePhotoUrl", Q("https://exa mple.com/a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_ideographic_space_in_photo_fails",
     {{"profilePhotoUrl", Q("https://example.com/\\u3000a.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_control_char_in_photo_fails",
     {{"profilePhotoUrl", Q("https://example.com/a\\u0001.jpg")}},
     {"profilePhotoUrl"}},
    {"signup_with_numeric_photo_fails", {{"profilePhotoUrl", "5"}}, {"profilePhotoUrl"}},

    /* zipCode */
    {"signup_with_zip_as_number_passes", {{"zipCode", "6035"}}, {0}},
    {"signup_with_zip_zero_passes", {{"zipCode", "0"}}, {0}},
    {"signup_with_zip_99999_passes", {{"zipCode", "99999"}}, {0}},
    {"signup_with_padded_zip_string_passes", {{"zipCode", Q(" 06035 ")}}, {0}},
    {"signup_without_zip_fails", {{"zipCode", ABSENT}}, {"zipCode"}},
    {"signup_with_null_zip_fails", {{"zipCode", "null"}}, {"zipCode"}},
    {"signup_with_empty_zip_fails", {{"zipCode", Q("")}}, {"zipCode"}},
    {"signup_with_four_digit_zip_string_fails", {{"zipCode", Q("6035")}}, {"zipCode"}},
    {"signup_with_six_digit_zip_string_fails", {{"zipCode", Q("060355")}}, {"zipCode"}},
    {"signup_with_letter_in_zip_fails", {{"zipCode", Q("0603a")}}, {"zipCode"}},
    {"signup_with_space_in_zip_fails", {{"zipCode", Q("06 035")}}, {"zipCode"}},
    {"signup_with_fullwidth_zip_fails", {{"zipCode", Q("０６０３５")}}, {"zipCode"}},
    {"signup_with_zip_number_100000_fails", {{"zipCode", "100000"}}, {"zipCode"}},
    {"signup_with_negative_zip_number_fails", {{"zipCode", "-1"}}, {"zipCode"}},
    {"signup_with_real_zip_fails", {{"zipCode", "6035.0"}}, {"zipCode"}},
    {"signup_with_boolean_zip_fails", {{"zipCode", "true"}}, {"zipCode"}},
    {"signup_with_array_zip_fails", {{"zipCode", "[\"06035\"]"}}, {"zipCode"}},

    /* mainAddress / detailAddress */
    {"signup_with_200_char_main_address_passes", {{"mainAddress", Q(K200)}}, {0}},
    {"signup_with_201_char_main_address_fails", {{"mainAddress", Q(K200 "가")}}, {"mainAddress"}},
    {"signup_without_main_address_fails", {{"mainAddress", ABSENT}}, {"mainAddress"}},
    {"signup_with_blank_main_address_fails", {{"mainAddress", Q(" ")}}, {"mainAddress"}},
    {"signup_with_numeric_main_address_fails", {{"mainAddress", "3"}}, {"mainAddress"}},
    {"signup_with_newline_in_main_address_fails",
     {{"mainAddress", Q("서울\\n강남구")}},
     {"mainAddress"}},
    {"signup_without_detail_address_passes", {{"detailAddress", ABSENT}}, {0}},
    {"signup_with_null_detail_address_passes", {{"detailAddress", "null"}}, {0}},
    {"signup_with_empty_detail_address_passes", {{"detailAddress", Q("")}}, {0}},
    {"signup_with_200_char_detail_address_passes", {{"detailAddress", Q(K200)}}, {0}},
    {"signup_with_201_char_detail_address_fails",
     {{"detailAddress", Q(K200 "가")}},
     {"detailAddress"}},
    {"signup_with_numeric_detail_address_fails", {{"detailAddress", "5"}}, {"detailAddress"}},
    {"signup_with_tab_in_detail_address_fails",
     {{"detailAddress", Q("101동\\t202호")}},
     {"detailAddress"}},

    /* several fields at once: every one is listed, in body order */
    {"signup_reports_bad_email_password_and_nickname_together",
     {{"email", Q("nope")}, {"password", Q("aaaaaaaa")}, {"nickname", Q("a")}},
     {"email", "password", "nickname"}},
    {"signup_reports_each_missing_birth_part",
     {{"birthYear", ABSENT}, {"birthMonth", "null"}, {"birthDate", Q("x")}},
     {"birthYear", "birthMonth", "birthDate"}},
    {"signup_reports_phone_zip_and_photo_together",
     {{"phoneNumber", Q("02-123-4567")}, {"zipCode", "123456"}, {"profilePhotoUrl", "1"}},
     {"phoneNumber", "profilePhotoUrl", "zipCode"}},
};

static void run_signup_case(void **state)
{
    const struct signup_case *c = *state;
    json_t *body = base_signup();
    apply(body, c->set, ARRAY_LEN(c->set));
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, c->fails);
    json_decref(body);
}

/* ---- phone and zip normalisation ---- */

struct norm_case {
    const char *name;
    const char *json; /* value of the field */
    const char *want; /* normalised output */
};

static const struct norm_case phone_cases[] = {
    {"phone_plain_010_is_hyphenated", Q("01012345678"), "010-1234-5678"},
    {"phone_hyphenated_010_is_kept", Q("010-1234-5678"), "010-1234-5678"},
    {"phone_spaced_010_is_hyphenated", Q("010 1234 5678"), "010-1234-5678"},
    {"phone_011_three_digit_middle_is_hyphenated", Q("011-123-4567"), "011-123-4567"},
    {"phone_plain_ten_digit_017_is_split_3_3_4", Q("0171234567"), "017-123-4567"},
    {"phone_plain_eleven_digit_018_is_split_3_4_4", Q("01812345678"), "018-1234-5678"},
    {"phone_partly_hyphenated_is_hyphenated", Q("0101234-5678"), "010-1234-5678"},
    {"phone_padded_is_trimmed_then_hyphenated", Q("\\t010 1234-5678 "), "010-1234-5678"},
};

static void run_phone_case(void **state)
{
    const struct norm_case *c = *state;
    json_t *body = base_signup();
    const struct kv set[] = {{"phoneNumber", c->json}};
    apply(body, set, 1);
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_phone);
    assert_string_equal(u.phone, c->want);
    json_decref(body);
}

static const struct norm_case zip_cases[] = {
    {"zip_number_is_zero_padded_to_five_chars", "6035", "06035"},
    {"zip_number_zero_becomes_00000", "0", "00000"},
    {"zip_number_of_five_digits_is_kept", "63309", "63309"},
    {"zip_string_is_kept", Q("06035"), "06035"},
    {"zip_string_is_trimmed", Q("\\u300006035 "), "06035"},
};

static void run_zip_case(void **state)
{
    const struct norm_case *c = *state;
    json_t *body = base_signup();
    const struct kv set[] = {{"zipCode", c->json}};
    apply(body, set, 1);
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_zip);
    assert_string_equal(u.zip, c->want);
    json_decref(body);
}

/* ---- update and login tables: whole bodies ---- */

struct body_case {
    const char *name;
    const char *body; /* JSON text */
    const char *fails[4];
};

static const struct body_case update_cases[] = {
    {"update_empty_object_has_nothing_to_change", "{}", {"body"}},
    {"update_with_only_unknown_fields_has_nothing_to_change", "{\"hobby\": \"등산\"}", {"body"}},
    {"update_with_only_email_gender_and_birth_has_nothing_to_change",
     "{\"email\": \"new@example.com\", \"gender\": \"MALE\", \"birthYear\": 1990}",
     {"body"}},
    {"update_array_body_fails", "[{\"nickname\": \"새닉네임\"}]", {"body"}},
    {"update_string_body_fails", "\"nickname\"", {"body"}},
    {"update_null_body_fails", "null", {"body"}},
    {"update_nickname_alone_passes", "{\"nickname\": \"새닉네임\"}", {0}},
    {"update_ignores_invalid_email_next_to_valid_nickname",
     "{\"nickname\": \"새닉네임\", \"email\": \"not an email\", \"gender\": 5}",
     {0}},
    {"update_every_changeable_field_passes",
     "{\"password\": \"newpass12\", \"firstName\": \"철수\", \"lastName\": \"김\", \"nickname\": "
     "\"철수\", \"phoneNumber\": \"011-123-4567\", \"profilePhotoUrl\": \"https://x.kr/a.png\", "
     "\"zipCode\": 63309, \"mainAddress\": \"제주특별자치도 제주시\", \"detailAddress\": \"\"}",
     {0}},
    {"update_password_of_one_class_fails", "{\"password\": \"aaaaaaaa\"}", {"password"}},
    {"update_short_password_fails", "{\"password\": \"ab1\"}", {"password"}},
    {"update_null_password_fails", "{\"password\": null}", {"password"}},
    {"update_null_first_name_fails", "{\"firstName\": null}", {"firstName"}},
    {"update_blank_first_name_fails", "{\"firstName\": \"  \"}", {"firstName"}},
    {"update_41_char_last_name_fails", "{\"lastName\": \"" K40 "가\"}", {"lastName"}},
    {"update_one_char_nickname_fails", "{\"nickname\": \"a\"}", {"nickname"}},
    {"update_numeric_nickname_fails", "{\"nickname\": 12345}", {"nickname"}},
    {"update_landline_phone_fails", "{\"phoneNumber\": \"02-123-4567\"}", {"phoneNumber"}},
    {"update_null_phone_fails", "{\"phoneNumber\": null}", {"phoneNumber"}},
    {"update_null_photo_passes", "{\"profilePhotoUrl\": null}", {0}},
    {"update_empty_photo_passes", "{\"profilePhotoUrl\": \"\"}", {0}},
    {"update_ftp_photo_fails", "{\"profilePhotoUrl\": \"ftp://x.kr/a.png\"}", {"profilePhotoUrl"}},
    {"update_numeric_photo_fails", "{\"profilePhotoUrl\": 1}", {"profilePhotoUrl"}},
    {"update_zip_number_passes", "{\"zipCode\": 6035}", {0}},
    {"update_null_zip_fails", "{\"zipCode\": null}", {"zipCode"}},
    {"update_bad_zip_fails", "{\"zipCode\": \"1234\"}", {"zipCode"}},
    {"update_empty_main_address_fails", "{\"mainAddress\": \"\"}", {"mainAddress"}},
    {"update_null_main_address_fails", "{\"mainAddress\": null}", {"mainAddress"}},
    {"update_empty_detail_address_passes", "{\"detailAddress\": \"\"}", {0}},
    {"update_null_detail_address_fails", "{\"detailAddress\": null}", {"detailAddress"}},
    {"update_201_char_detail_address_fails",
     "{\"detailAddress\": \"" K200 "가\"}",
     {"detailAddress"}},
    {"update_reports_every_failing_field",
     "{\"firstName\": null, \"nickname\": \"a\", \"zipCode\": \"x\", \"lastName\": \"김\"}",
     {"firstName", "nickname", "zipCode"}},
};

static void run_update_case(void **state)
{
    const struct body_case *c = *state;
    json_t *body = parse(c->body);
    struct val_user u;
    struct val_result r;
    val_user_update(body, &u, &r);
    assert_fails_exactly(&r, c->fails);
    json_decref(body);
}

static const struct body_case login_cases[] = {
    {"login_with_email_and_password_passes",
     "{\"email\": \"hong@example.com\", \"password\": \"abcd1234\"}",
     {0}},
    {"login_does_not_check_email_syntax",
     "{\"email\": \"not-an-email\", \"password\": \"x\"}",
     {0}},
    {"login_does_not_check_password_rules",
     "{\"email\": \"hong@example.com\", \"password\": \"a\"}",
     {0}},
    {"login_accepts_blank_password_as_typed", "{\"email\": \"a@b.co\", \"password\": \" \"}", {0}},
    {"login_ignores_unknown_fields",
     "{\"email\": \"a@b.co\", \"password\": \"x\", \"remember\": true}",
     {0}},
    {"login_without_email_fails", "{\"password\": \"abcd1234\"}", {"email"}},
    {"login_with_null_email_fails", "{\"email\": null, \"password\": \"abcd1234\"}", {"email"}},
    {"login_with_blank_email_fails",
     "{\"email\": \" \\u3000\", \"password\": \"abcd1234\"}",
     {"email"}},
    {"login_with_numeric_email_fails", "{\"email\": 1, \"password\": \"abcd1234\"}", {"email"}},
    {"login_without_password_fails", "{\"email\": \"a@b.co\"}", {"password"}},
    {"login_with_empty_password_fails",
     "{\"email\": \"a@b.co\", \"password\": \"\"}",
     {"password"}},
    {"login_with_numeric_password_fails",
     "{\"email\": \"a@b.co\", \"password\": 12345678}",
     {"password"}},
    {"login_with_object_password_fails", "{\"email\": \"a@b.co\", \"password\": {}}", {"password"}},
    {"login_without_anything_reports_both_fields", "{}", {"email", "password"}},
    {"login_array_body_fails", "[]", {"body"}},
};

static void run_login_case(void **state)
{
    const struct body_case *c = *state;
    json_t *body = parse(c->body);
    struct val_user u;
    struct val_result r;
    val_login(body, &u, &r);
    assert_fails_exactly(&r, c->fails);
    json_decref(body);
}

/* ---- outputs and edge cases ---- */

static void signup_valid_body_fills_every_output(void **state)
{
    (void)state;
    json_t *body = base_signup();
    json_object_set_new(body, "email", json_string("Hong.GilDong@Example.COM"));
    json_object_set_new(body, "gender", json_string("female"));
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_null(r.message);
    assert_true(u.has_email && u.has_password && u.has_first_name && u.has_last_name &&
                u.has_nickname && u.has_phone && u.has_gender && u.has_birth && u.has_photo &&
                u.has_zip && u.has_main_address && u.has_detail_address);
    assert_string_equal(u.email, "hong.gildong@example.com");
    assert_view(u.password, "abcd1234");
    assert_view(u.first_name, "길동");
    assert_view(u.last_name, "홍");
    assert_view(u.nickname, "길동이");
    assert_string_equal(u.phone, "010-1234-5678");
    assert_string_equal(u.gender, "FEMALE");
    assert_int_equal(u.birth.year, 1990);
    assert_int_equal(u.birth.month, 3);
    assert_int_equal(u.birth.day, 15);
    assert_view(u.photo_url, "https://cdn.example.com/p/1.jpg");
    assert_string_equal(u.zip, "06035");
    assert_view(u.main_address, "서울특별시 강남구 테헤란로 1");
    assert_view(u.detail_address, "101동 202호");
    /* views borrow from the body, not from a copy */
    assert_ptr_equal(u.nickname.p, json_string_value(json_object_get(body, "nickname")));
    json_decref(body);
}

static void signup_trims_text_fields_but_never_the_password(void **state)
{
    (void)state;
    json_t *body = base_signup();
    apply(body,
          (const struct kv[]){{"firstName", Q("\\u3000 길동\\t")},
                              {"mainAddress", Q("\\r\\n서울 강남구 \\u3000")},
                              {"password", Q("  abcd1234  ")}},
          3);
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_view(u.first_name, "길동");
    assert_view(u.main_address, "서울 강남구");
    assert_view(u.password, "  abcd1234  ");
    json_decref(body);
}

static void signup_birth_parts_from_strings_are_parsed(void **state)
{
    (void)state;
    json_t *body = base_signup();
    apply(body,
          (const struct kv[]){
              {"birthYear", Q("2000")}, {"birthMonth", Q("02")}, {"birthDate", Q("29")}},
          3);
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_int_equal(u.birth.year, 2000);
    assert_int_equal(u.birth.month, 2);
    assert_int_equal(u.birth.day, 29);
    json_decref(body);
}

static void signup_without_photo_or_detail_has_empty_non_null_views(void **state)
{
    (void)state;
    json_t *body = base_signup();
    apply(body, (const struct kv[]){{"profilePhotoUrl", "null"}, {"detailAddress", ABSENT}}, 2);
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_false(u.has_photo);
    assert_int_equal(u.photo_url.n, 0);
    assert_non_null(u.photo_url.p);
    assert_true(u.has_detail_address);
    assert_int_equal(u.detail_address.n, 0);
    assert_non_null(u.detail_address.p);
    json_decref(body);
}

static void signup_empty_object_lists_every_required_field(void **state)
{
    (void)state;
    static const char *const want[] = {
        "email",  "password",  "firstName",  "lastName",  "nickname", "phoneNumber",
        "gender", "birthYear", "birthMonth", "birthDate", "zipCode",  "mainAddress",
    };
    json_t *body = json_object();
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    if (r.nerrors != ARRAY_LEN(want))
        print_errors(&r);
    assert_int_equal(r.nerrors, ARRAY_LEN(want));
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        assert_string_equal(r.errors[i].field, want[i]);
    assert_int_equal(r.status, STATUS_BAD_REQUEST);
    json_decref(body);
}

static void signup_non_object_body_is_one_body_error(void **state)
{
    (void)state;
    const char *const texts[] = {"[]", "\"x\"", "42", "null", "true"};
    struct val_user u;
    struct val_result r;
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        json_t *body = parse(texts[i]);
        val_user_signup(body, TODAY, &u, &r);
        assert_fails_exactly(&r, (const char *const[4]){"body"});
        json_decref(body);
    }
    val_user_signup(NULL, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){"body"});
}

static void signup_email_error_message_is_korean_format_message(void **state)
{
    (void)state;
    json_t *body = base_signup();
    json_object_set_new(body, "email", json_string("hong.example.com"));
    struct val_user u;
    struct val_result r;
    val_user_signup(body, TODAY, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){"email"});
    assert_string_equal(r.errors[0].message, "이메일 형식이 올바르지 않습니다.");
    assert_false(u.has_email);
    json_decref(body);
}

static void update_sets_only_the_flags_of_present_fields(void **state)
{
    (void)state;
    json_t *body =
        parse("{\"nickname\": \" 새닉네임 \", \"zipCode\": 6035, \"email\": \"x@y.co\"}");
    struct val_user u;
    struct val_result r;
    val_user_update(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_nickname);
    assert_view(u.nickname, "새닉네임");
    assert_true(u.has_zip);
    assert_string_equal(u.zip, "06035");
    assert_false(u.has_email || u.has_password || u.has_first_name || u.has_last_name ||
                 u.has_phone || u.has_gender || u.has_birth || u.has_photo || u.has_main_address ||
                 u.has_detail_address);
    json_decref(body);
}

static void update_with_null_or_empty_photo_clears_it(void **state)
{
    (void)state;
    const char *const texts[] = {"{\"profilePhotoUrl\": null}", "{\"profilePhotoUrl\": \"\"}",
                                 "{\"profilePhotoUrl\": \" \"}"};
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        json_t *body = parse(texts[i]);
        struct val_user u;
        struct val_result r;
        val_user_update(body, &u, &r);
        assert_fails_exactly(&r, (const char *const[4]){0});
        assert_true(u.has_photo);
        assert_int_equal(u.photo_url.n, 0);
        json_decref(body);
    }
}

static void update_with_photo_url_sets_it(void **state)
{
    (void)state;
    json_t *body = parse("{\"profilePhotoUrl\": \" https://x.kr/a.png \"}");
    struct val_user u;
    struct val_result r;
    val_user_update(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_photo);
    assert_view(u.photo_url, "https://x.kr/a.png");
    json_decref(body);
}

static void update_nothing_to_change_message_is_korean(void **state)
{
    (void)state;
    json_t *body = parse("{\"email\": \"x@y.co\"}");
    struct val_user u;
    struct val_result r;
    val_user_update(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){"body"});
    assert_string_equal(r.errors[0].message, "변경할 항목이 없습니다.");
    json_decref(body);
}

static void login_trims_and_lower_cases_email_but_not_password(void **state)
{
    (void)state;
    json_t *body = parse("{\"email\": \" Hong@Example.COM\\t\", \"password\": \" Pw 1 \"}");
    struct val_user u;
    struct val_result r;
    val_login(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_email);
    assert_string_equal(u.email, "hong@example.com");
    assert_true(u.has_password);
    assert_view(u.password, " Pw 1 ");
    json_decref(body);
}

static void login_with_overlong_email_passes_without_an_email(void **state)
{
    (void)state;
    json_t *body = parse("{\"email\": \"" LOCAL48 "x@example.com\", \"password\": \"abcd1234\"}");
    struct val_user u;
    struct val_result r;
    val_login(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_false(u.has_email); /* answered like a wrong password, never truncated */
    assert_true(u.has_password);
    json_decref(body);
}

static void login_with_60_char_email_keeps_it_whole(void **state)
{
    (void)state;
    json_t *body = parse("{\"email\": \"" LOCAL48 "@EXAMPLE.com\", \"password\": \"abcd1234\"}");
    struct val_user u;
    struct val_result r;
    val_login(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_true(u.has_email);
    assert_string_equal(u.email, LOCAL48 "@example.com");
    json_decref(body);
}

static void login_with_control_char_in_email_passes_without_an_email(void **state)
{
    (void)state;
    json_t *body = parse("{\"email\": \"a@b.co\\u0000x\", \"password\": \"abcd1234\"}");
    struct val_user u;
    struct val_result r;
    val_login(body, &u, &r);
    assert_fails_exactly(&r, (const char *const[4]){0});
    assert_false(u.has_email);
    json_decref(body);
}

/* ---- common helpers ---- */

static void date_valid_knows_month_lengths_and_leap_years(void **state)
{
    (void)state;
    assert_true(val_date_valid(2000, 2, 29));
    assert_true(val_date_valid(2024, 2, 29));
    assert_false(val_date_valid(1900, 2, 29));
    assert_false(val_date_valid(2023, 2, 29));
    assert_true(val_date_valid(2023, 2, 28));
    assert_true(val_date_valid(2023, 12, 31));
    assert_true(val_date_valid(2023, 1, 31));
    assert_false(val_date_valid(2023, 4, 31));
    assert_false(val_date_valid(2023, 6, 31));
    assert_false(val_date_valid(2023, 9, 31));
    assert_false(val_date_valid(2023, 11, 31));
    assert_false(val_date_valid(2023, 13, 1));
    assert_false(val_date_valid(2023, 0, 1));
    assert_false(val_date_valid(2023, 1, 0));
    assert_false(val_date_valid(2023, 1, 32));
    assert_false(val_date_valid(0, 1, 1));
    assert_true(val_date_valid(1, 1, 1));
    assert_true(val_date_valid(9999, 12, 31));
    assert_false(val_date_valid(10000, 1, 1));
    assert_false(val_date_valid(-4, 2, 29));
}

static void date_cmp_orders_by_year_then_month_then_day(void **state)
{
    (void)state;
    struct val_date a = {2024, 6, 15};
    assert_int_equal(val_date_cmp(a, a), 0);
    assert_int_equal(val_date_cmp(a, (struct val_date){2024, 6, 16}), -1);
    assert_int_equal(val_date_cmp(a, (struct val_date){2024, 5, 31}), 1);
    assert_int_equal(val_date_cmp(a, (struct val_date){2023, 12, 31}), 1);
    assert_int_equal(val_date_cmp(a, (struct val_date){2025, 1, 1}), -1);
}

static void fail_records_fields_in_order_and_caps_at_max(void **state)
{
    (void)state;
    struct val_result r;
    val_result_init(&r);
    assert_int_equal(r.status, STATUS_OK);
    assert_int_equal(r.nerrors, 0);
    for (int i = 0; i < VAL_MAX_ERRORS + 5; i++)
        val_fail(&r, i == 0 ? "first" : "other", "메시지");
    assert_int_equal(r.status, STATUS_BAD_REQUEST);
    assert_string_equal(r.message, "입력값이 올바르지 않습니다.");
    assert_int_equal(r.nerrors, VAL_MAX_ERRORS);
    assert_string_equal(r.errors[0].field, "first");
}

static void errors_json_is_array_of_field_and_message(void **state)
{
    (void)state;
    struct val_result r;
    val_result_init(&r);
    json_t *empty = val_errors_json(&r);
    assert_true(json_is_array(empty));
    assert_int_equal(json_array_size(empty), 0);
    json_decref(empty);

    val_fail(&r, "email", "이메일 형식이 올바르지 않습니다.");
    val_fail(&r, "nickname", "닉네임은 2자 이상 20자 이하여야 합니다.");
    json_t *arr = val_errors_json(&r);
    assert_int_equal(json_array_size(arr), 2);
    const json_t *e0 = json_array_get(arr, 0), *e1 = json_array_get(arr, 1);
    assert_int_equal(json_object_size(e0), 2);
    assert_string_equal(json_string_value(json_object_get(e0, "field")), "email");
    assert_string_equal(json_string_value(json_object_get(e0, "message")),
                        "이메일 형식이 올바르지 않습니다.");
    assert_string_equal(json_string_value(json_object_get(e1, "field")), "nickname");
    assert_string_equal(json_string_value(json_object_get(e1, "message")),
                        "닉네임은 2자 이상 20자 이하여야 합니다.");
    json_decref(arr);
}

static void trim_strips_ascii_and_ideographic_spaces_only_at_the_ends(void **state)
{
    (void)state;
    const char *s = "\u3000 \t가 나\r\n\u3000";
    struct val_str t = val_trim((struct val_str){s, strlen(s)});
    assert_view(t, "가 나");
    const char *blank = " \u3000\u3000\t";
    assert_int_equal(val_trim((struct val_str){blank, strlen(blank)}).n, 0);
    /* a lone 0xE3 lead byte at the end is not U+3000 and must not be stepped over */
    const char odd[] = {'a', (char)0xE3, 0};
    assert_int_equal(val_trim((struct val_str){odd, 2}).n, 2);
    assert_int_equal(val_trim(val_str_empty()).n, 0);
}

static void str_chars_counts_code_points_not_bytes(void **state)
{
    (void)state;
    const char *s = K40;
    assert_int_equal(strlen(s), 120);
    assert_int_equal(val_str_chars((struct val_str){s, strlen(s)}), 40);
    const char *emoji = "a😀b";
    assert_int_equal(val_str_chars((struct val_str){emoji, strlen(emoji)}), 3);
}

/*
 * Hostile values in every field of every validator: no crash, no sanitizer report, and the
 * result is always consistent (an error table iff a 400).
 */
static void hostile_values_never_crash_and_give_consistent_results(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "email",           "password", "firstName",   "lastName",      "nickname",
        "phoneNumber",     "gender",   "birthYear",   "birthMonth",    "birthDate",
        "profilePhotoUrl", "zipCode",  "mainAddress", "detailAddress",
    };
    static const char *const values[] = {
        "[]",
        "{}",
        "{\"a\": [{\"b\": [1, 2, {}]}]}",
        "1e308",
        "-1e308",
        "0.0",
        "9223372036854775807",
        "-9223372036854775808",
        "0",
        "-1",
        "true",
        "false",
        "null",
        "\"\"",
        "\"\\u0000\"",
        "\"\\ufeff\"",
        "\"\\ud83d\\ude00\"",
        "\"\\u3000\"",
        "\"@\"",
        "\"-\"",
        "\"https://\"",
        "\"0\"",
    };
    size_t big_n = 100000;
    char *big = malloc(big_n + 1);
    assert_non_null(big);
    memset(big, 'x', big_n);
    big[big_n] = '\0';
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        for (size_t v = 0; v < ARRAY_LEN(values) + 1; v++) {
            json_t *val = v < ARRAY_LEN(values) ? parse(values[v]) : json_string(big);
            json_t *body = base_signup();
            json_object_set(body, keys[k], val);
            json_t *alone = json_object();
            json_object_set(alone, keys[k], val);
            json_t *login = json_pack("{s:s,s:s}", "email", "a@b.co", "password", "pw");
            json_object_set(login, keys[k], val);

            struct val_user u;
            struct val_result r;
            val_user_signup(body, TODAY, &u, &r);
            assert_true((r.status == STATUS_OK) == (r.nerrors == 0));
            val_user_update(alone, &u, &r);
            assert_true((r.status == STATUS_OK) == (r.nerrors == 0));
            val_login(login, &u, &r);
            assert_true((r.status == STATUS_OK) == (r.nerrors == 0));
            json_t *errs = val_errors_json(&r);
            assert_int_equal(json_array_size(errs), r.nerrors);
            json_decref(errs);

            json_decref(login);
            json_decref(alone);
            json_decref(body);
            json_decref(val);
        }
    }
    free(big);
}

/* ---- registration: fixed tests, then one named test per table row ---- */

static const struct CMUnitTest fixed_tests[] = {
    cmocka_unit_test(signup_valid_body_fills_every_output),
    cmocka_unit_test(signup_trims_text_fields_but_never_the_password),
    cmocka_unit_test(signup_birth_parts_from_strings_are_parsed),
    cmocka_unit_test(signup_without_photo_or_detail_has_empty_non_null_views),
    cmocka_unit_test(signup_empty_object_lists_every_required_field),
    cmocka_unit_test(signup_non_object_body_is_one_body_error),
    cmocka_unit_test(signup_email_error_message_is_korean_format_message),
    cmocka_unit_test(update_sets_only_the_flags_of_present_fields),
    cmocka_unit_test(update_with_null_or_empty_photo_clears_it),
    cmocka_unit_test(update_with_photo_url_sets_it),
    cmocka_unit_test(update_nothing_to_change_message_is_korean),
    cmocka_unit_test(login_trims_and_lower_cases_email_but_not_password),
    cmocka_unit_test(login_with_overlong_email_passes_without_an_email),
    cmocka_unit_test(login_with_60_char_email_keeps_it_whole),
    cmocka_unit_test(login_with_control_char_in_email_passes_without_an_email),
    cmocka_unit_test(date_valid_knows_month_lengths_and_leap_years),
    cmocka_unit_test(date_cmp_orders_by_year_then_month_then_day),
    cmocka_unit_test(fail_records_fields_in_order_and_caps_at_max),
    cmocka_unit_test(errors_json_is_array_of_field_and_message),
    cmocka_unit_test(trim_strips_ascii_and_ideographic_spaces_only_at_the_ends),
    cmocka_unit_test(str_chars_counts_code_points_not_bytes),
    cmocka_unit_test(hostile_values_never_crash_and_give_consistent_results),
};

#define N_TESTS                                                                                    \
    (ARRAY_LEN(fixed_tests) + ARRAY_LEN(signup_cases) + ARRAY_LEN(phone_cases) +                   \
     ARRAY_LEN(zip_cases) + ARRAY_LEN(update_cases) + ARRAY_LEN(login_cases))

static struct CMUnitTest all_tests[N_TESTS];

static size_t add_row(size_t n, const char *name, CMUnitTestFunction fn, const void *row)
{
    /* cmocka hands initial_state to the test as *state; it is only read */
    all_tests[n] =
        (struct CMUnitTest){.name = name, .test_func = fn, .initial_state = (void *)(uintptr_t)row};
    return n + 1;
}

int main(void)
{
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(fixed_tests); i++)
        all_tests[n++] = fixed_tests[i];
    for (size_t i = 0; i < ARRAY_LEN(signup_cases); i++)
        n = add_row(n, signup_cases[i].name, run_signup_case, &signup_cases[i]);
    for (size_t i = 0; i < ARRAY_LEN(phone_cases); i++)
        n = add_row(n, phone_cases[i].name, run_phone_case, &phone_cases[i]);
    for (size_t i = 0; i < ARRAY_LEN(zip_cases); i++)
        n = add_row(n, zip_cases[i].name, run_zip_case, &zip_cases[i]);
    for (size_t i = 0; i < ARRAY_LEN(update_cases); i++)
        n = add_row(n, update_cases[i].name, run_update_case, &update_cases[i]);
    for (size_t i = 0; i < ARRAY_LEN(login_cases); i++)
        n = add_row(n, login_cases[i].name, run_login_case, &login_cases[i]);
    /* The table is built at run time, so call the function cmocka_run_group_tests expands to
     * with the real count. */
    return _cmocka_run_group_tests("validate_users", all_tests, n, NULL, NULL);
}

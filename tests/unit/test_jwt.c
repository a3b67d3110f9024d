/*
 * test_jwt.c - HS256 JSON Web Tokens: sign/verify round trip, a known-answer vector, and every
 * way a forged, malformed, tampered or expired token must be refused (401, claims zeroed).
 * Forged tokens are built here with libsodium directly and signed with the right secret, so a
 * rejection proves the verifier checked the defect, not merely the signature.
 */
#include "eeum/jwt.h"
#include "eeum/status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

static const char SECRET[] = "unit-test-secret-0123456789abcdef";
#define SECRET_LEN (sizeof SECRET - 1)

static const char HEADER_JSON[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
/* A payload that verifies at NOW (exp far in the future). */
static const char PAYLOAD_JSON[] = "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\","
                                   "\"iat\":1700000000,\"exp\":2000000000}";
#define NOW ((int64_t)1700000000)

/* ---- helpers: hand-made tokens ---- */

/* base64url without padding of data; caller frees. */
static char *b64url(const void *data, size_t len)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    assert_non_null(out);
    sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* "<h>.<p>.<base64url(HMAC-SHA256(secret, "<h>.<p>"))>" from already-encoded parts. */
static char *sign_parts(const char *h, const char *p, const char *secret)
{
    size_t si_len = strlen(h) + 1 + strlen(p);
    char *si = malloc(si_len + 1);
    assert_non_null(si);
    int n = snprintf(si, si_len + 1, "%s.%s", h, p);
    assert_int_equal(n, (int)si_len);

    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)si, si_len);
    crypto_auth_hmacsha256_final(&st, mac);
    char *sig = b64url(mac, sizeof mac);

    size_t tok_len = si_len + 1 + strlen(sig);
    char *tok = malloc(tok_len + 1);
    assert_non_null(tok);
    n = snprintf(tok, tok_len + 1, "%s.%s", si, sig);
    assert_int_equal(n, (int)tok_len);
    free(sig);
    free(si);
    return tok;
}

/* A token for the given header and payload JSON texts, correctly signed with `secret`. */
static char *make_token(const char *header_json, const char *payload_json, const char *secret)
{
    char *h = b64url(header_json, strlen(header_json));
    char *p = b64url(payload_json, strlen(payload_json));
    char *tok = sign_parts(h, p, secret);
    free(h);
    free(p);
    return tok;
}

static char *make_payload_token(const char *payload_json)
{
    return make_token(HEADER_JSON, payload_json, SECRET);
}

static char *make_header_token(const char *header_json)
{
    return make_token(header_json, PAYLOAD_JSON, SECRET);
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

/* Verify must refuse `token` with 401 and leave *out all zero (it starts as garbage). */
static void assert_rejected_at(const char *what, const char *token, int64_t now)
{
    struct jwt_claims out;
    memset(&out, 0xA5, sizeof out);
    enum status st = jwt_verify(SECRET, SECRET_LEN, token, now, &out);
    if (st != STATUS_UNAUTHORIZED)
        fail_msg("%s: expected STATUS_UNAUTHORIZED, got %d for token %s", what, (int)st,
                 token ? token : "(null)");
    if (!all_zero(&out, sizeof out))
        fail_msg("%s: claims not zeroed after rejection", what);
}

static void assert_rejected(const char *what, const char *token)
{
    assert_rejected_at(what, token, NOW);
}

static void assert_accepted(const char *token, int64_t now, struct jwt_claims *out)
{
    enum status st = jwt_verify(SECRET, SECRET_LEN, token, now, out);
    if (st != STATUS_OK)
        fail_msg("expected STATUS_OK, got %d for token %s", (int)st, token);
}

static struct jwt_claims sample_claims(void)
{
    struct jwt_claims c = {.id = 42, .iat = NOW, .exp = NOW + JWT_LIFETIME_S};
    snprintf(c.email, sizeof c.email, "%s", "minji@example.com");
    snprintf(c.role, sizeof c.role, "%s", "user");
    return c;
}

/* ---- signing ---- */

static void sign_then_verify_round_trips_every_claim(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    in.id = 9007199254740993ULL; /* beyond double precision: must survive as an integer */
    char tok[JWT_MAX_LEN];
    int n = jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(tok));

    struct jwt_claims out;
    memset(&out, 0xA5, sizeof out);
    assert_accepted(tok, NOW, &out);
    assert_int_equal(out.id, in.id);
    assert_string_equal(out.email, in.email);
    assert_string_equal(out.role, in.role);
    assert_int_equal(out.iat, in.iat);
    assert_int_equal(out.exp, in.exp);
}

static void round_trip_keeps_longest_email_and_role_that_fit(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    memset(in.email, 'e', sizeof in.email - 1);
    in.email[sizeof in.email - 1] = '\0';
    memset(in.role, 'r', sizeof in.role - 1);
    in.role[sizeof in.role - 1] = '\0';
    char tok[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
    struct jwt_claims out;
    assert_accepted(tok, NOW, &out);
    assert_string_equal(out.email, in.email);
    assert_string_equal(out.role, in.role);
}

static void signed_header_decodes_to_exactly_hs256_jwt(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
    const char *dot = strchr(tok, '.');
    assert_non_null(dot);

    unsigned char hdr[128];
    size_t hdr_len = 0;
    const char *end = NULL;
    assert_int_equal(sodium_base642bin(hdr, sizeof hdr, tok, (size_t)(dot - tok), NULL, &hdr_len,
                                       &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_ptr_equal(end, dot);
    assert_int_equal(hdr_len, strlen(HEADER_JSON));
    assert_memory_equal(hdr, HEADER_JSON, hdr_len);
}

static void signed_token_uses_only_base64url_characters_and_two_dots(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    int n = jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok);
    assert_true(n > 0);
    int dots = 0;
    for (int i = 0; i < n; i++) {
        char c = tok[i];
        if (c == '.')
            dots++;
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_'))
            fail_msg("unexpected character '%c' at %d in %s", c, i, tok);
    }
    assert_int_equal(dots, 2);
}

/* Vector computed independently (Python hmac/hashlib/base64) for these exact claims. */
static void sign_matches_known_answer_vector(void **state)
{
    (void)state;
    static const char secret[] = "kat-secret-for-eeum-unit-tests!!";
    static const char expected[] =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJpZCI6NDIsImVtYWlsIjoibWluamlAZXhhbXBsZS5jb20iLCJyb2xlIjoidXNlciIsImlhdCI6MTcwMDAwMDAw"
        "MCwiZXhwIjoxNzAwMDEwODAwfQ."
        "COJPUFP8COEY7kCxvNpChu-9Btc-mKf0ZVMqm9vxxDc";
    struct jwt_claims in = {.id = 42, .iat = 1700000000, .exp = 1700010800};
    snprintf(in.email, sizeof in.email, "%s", "minji@example.com");
    snprintf(in.role, sizeof in.role, "%s", "user");
    char tok[JWT_MAX_LEN];
    int n = jwt_sign(secret, sizeof secret - 1, &in, tok, sizeof tok);
    assert_int_equal(n, (int)(sizeof expected - 1));
    assert_string_equal(tok, expected);
}

/* The third part equals base64url(HMAC-SHA256(secret, first.second)) computed by libsodium. */
static void sign_third_part_is_hmac_sha256_of_header_dot_payload(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
    const char *last_dot = strrchr(tok, '.');
    assert_non_null(last_dot);

    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, SECRET_LEN);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)tok, (size_t)(last_dot - tok));
    crypto_auth_hmacsha256_final(&st, mac);
    char *expected = b64url(mac, sizeof mac);
    assert_string_equal(last_dot + 1, expected);
    free(expected);
}

static void sign_into_too_small_buffer_returns_minus_one(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char full[JWT_MAX_LEN];
    int n = jwt_sign(SECRET, SECRET_LEN, &in, full, sizeof full);
    assert_true(n > 0);
    /* Every size short of token + NUL fails; heap buffers of exact size let ASan catch any
     * write past the end. */
    for (size_t cap = 0; cap <= (size_t)n; cap++) {
        char *buf = malloc(cap ? cap : 1);
        assert_non_null(buf);
        if (jwt_sign(SECRET, SECRET_LEN, &in, buf, cap) != -1)
            fail_msg("jwt_sign fitted a %d-byte token into %zu bytes", n, cap);
        free(buf);
    }
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(jwt_sign(SECRET, SECRET_LEN, &in, buf, (size_t)n + 1), n);
    assert_string_equal(buf, full);
    free(buf);
}

/* ---- accepted edge cases ---- */

static void hand_built_token_verifies(void **state)
{
    (void)state;
    char *tok = make_payload_token(PAYLOAD_JSON);
    struct jwt_claims out;
    assert_accepted(tok, NOW, &out);
    assert_int_equal(out.id, 42);
    assert_string_equal(out.email, "minji@example.com");
    assert_string_equal(out.role, "user");
    assert_int_equal(out.iat, 1700000000);
    assert_int_equal(out.exp, 2000000000);
    free(tok);
}

static void header_without_typ_is_accepted(void **state)
{
    (void)state;
    char *tok = make_header_token("{\"alg\":\"HS256\"}");
    struct jwt_claims out;
    assert_accepted(tok, NOW, &out);
    assert_int_equal(out.id, 42);
    free(tok);
}

static void token_verifies_one_second_before_exp(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
    struct jwt_claims out;
    assert_accepted(tok, in.exp - 1, &out);
    assert_int_equal(out.exp, in.exp);
}

/* ---- rejections ---- */

static void malformed_token_shapes_are_401(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char good[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, good, sizeof good) > 0);
    const char *dot2 = strrchr(good, '.');

    assert_rejected("NULL token", NULL);
    assert_rejected("empty token", "");
    assert_rejected("no dots", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    assert_rejected("only dots", "..");

    char buf[2 * JWT_MAX_LEN];
    /* one dot: header.payload, signature dropped with its dot */
    snprintf(buf, sizeof buf, "%.*s", (int)(dot2 - good), good);
    assert_rejected("one dot", buf);
    /* four parts: a valid token with one more segment */
    snprintf(buf, sizeof buf, "%s.%s", good, dot2 + 1);
    assert_rejected("four parts", buf);
    snprintf(buf, sizeof buf, "%s.", good);
    assert_rejected("trailing dot", buf);
    /* empty signature */
    snprintf(buf, sizeof buf, "%.*s", (int)(dot2 - good + 1), good);
    assert_rejected("empty signature", buf);
    /* empty header / empty payload, each correctly signed */
    char *h = b64url(HEADER_JSON, strlen(HEADER_JSON));
    char *p = b64url(PAYLOAD_JSON, strlen(PAYLOAD_JSON));
    char *t = sign_parts("", p, SECRET);
    assert_rejected("empty header", t);
    free(t);
    t = sign_parts(h, "", SECRET);
    assert_rejected("empty payload", t);
    free(t);
    free(h);
    free(p);
    /* signature of the wrong length (a valid signature truncated / extended) */
    snprintf(buf, sizeof buf, "%.*s", (int)strlen(good) - 4, good);
    assert_rejected("short signature", buf);
    snprintf(buf, sizeof buf, "%sAAAA", good);
    assert_rejected("long signature", buf);
}

static void header_other_than_hs256_is_401(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *header;
    } cases[] = {
        {"alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}"},
        {"alg None", "{\"alg\":\"None\",\"typ\":\"JWT\"}"},
        {"alg HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}"},
        {"alg RS256", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"},
        {"alg lower-case hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}"},
        {"alg with trailing space", "{\"alg\":\"HS256 \",\"typ\":\"JWT\"}"},
        {"alg not a string", "{\"alg\":256,\"typ\":\"JWT\"}"},
        {"alg null", "{\"alg\":null,\"typ\":\"JWT\"}"},
        {"alg missing", "{\"typ\":\"JWT\"}"},
        {"empty object", "{}"},
        {"typ JWS", "{\"alg\":\"HS256\",\"typ\":\"JWS\"}"},
        {"typ lower-case jwt", "{\"alg\":\"HS256\",\"typ\":\"jwt\"}"},
        {"typ not a string", "{\"alg\":\"HS256\",\"typ\":1}"},
        {"duplicate alg, none last", "{\"alg\":\"HS256\",\"alg\":\"none\",\"typ\":\"JWT\"}"},
        {"duplicate alg, HS256 last", "{\"alg\":\"none\",\"alg\":\"HS256\",\"typ\":\"JWT\"}"},
        {"duplicate alg, same value", "{\"alg\":\"HS256\",\"alg\":\"HS256\"}"},
        {"duplicate typ", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}"},
        {"not JSON", "alg=HS256"},
        {"truncated JSON", "{\"alg\":\"HS256\""},
        {"JSON array", "[\"HS256\",\"JWT\"]"},
        {"JSON string", "\"HS256\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tok = make_header_token(cases[i].header);
        assert_rejected(cases[i].what, tok);
        free(tok);
    }
}

static void alg_none_is_401_with_empty_or_any_signature(void **state)
{
    (void)state;
    static const char none[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
    char *h = b64url(none, strlen(none));
    char *p = b64url(PAYLOAD_JSON, strlen(PAYLOAD_JSON));
    char buf[JWT_MAX_LEN];

    snprintf(buf, sizeof buf, "%s.%s.", h, p);
    assert_rejected("alg none, empty signature", buf);
    snprintf(buf, sizeof buf, "%s.%s.c2lnbmF0dXJl", h, p);
    assert_rejected("alg none, junk signature", buf);
    char *signed_none = sign_parts(h, p, SECRET);
    assert_rejected("alg none, signature valid under our secret", signed_none);
    free(signed_none);
    free(h);
    free(p);
}

static void bad_signature_is_401(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char good[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, good, sizeof good) > 0);
    char *sig = strrchr(good, '.') + 1;
    size_t sig_len = strlen(sig);
    assert_int_equal(sig_len, 43);
    /* Flip one character at several positions (not the last, whose low bits must be zero:
     * that would only test canonical base64). */
    size_t positions[] = {0, 1, 21, sig_len - 2};
    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        char tok[JWT_MAX_LEN];
        snprintf(tok, sizeof tok, "%s", good);
        char *c = strrchr(tok, '.') + 1 + positions[i];
        *c = (*c == 'A') ? 'B' : 'A';
        assert_rejected("signature with one character flipped", tok);
    }
}

static void signature_from_another_secret_is_401(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    static const char other[] = "unit-test-secret-0123456789abcdeF";
    assert_true(jwt_sign(other, sizeof other - 1, &in, tok, sizeof tok) > 0);
    assert_rejected("signed with another secret", tok);

    char *hand = make_token(HEADER_JSON, PAYLOAD_JSON, "");
    assert_rejected("signed with an empty secret", hand);
    free(hand);
}

static void tampered_payload_with_old_signature_is_401(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char good[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, good, sizeof good) > 0);
    const char *dot1 = strchr(good, '.');
    const char *dot2 = strrchr(good, '.');

    static const char *forged[] = {
        "{\"id\":1,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
        "\"exp\":1700010800}",
        "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"admin\",\"iat\":1700000000,"
        "\"exp\":1700010800}",
        "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
        "\"exp\":2000000000}",
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        char *p = b64url(forged[i], strlen(forged[i]));
        char tok[JWT_MAX_LEN];
        snprintf(tok, sizeof tok, "%.*s.%s%s", (int)(dot1 - good), good, p, dot2);
        assert_rejected(forged[i], tok);
        free(p);
    }
}

static void payload_without_valid_claims_is_401(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *payload;
    } cases[] = {
        {"not JSON", "id=42"},
        {"truncated JSON", "{\"id\":42,"},
        {"JSON array", "[42,\"minji@example.com\",\"user\",1700000000,2000000000]"},
        {"JSON string", "\"minji@example.com\""},
        {"JSON null", "null"},
        {"empty object", "{}"},
        {"missing id", "{\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
                       "\"exp\":2000000000}"},
        {"missing email", "{\"id\":42,\"role\":\"user\",\"iat\":1700000000,\"exp\":2000000000}"},
        {"missing role",
         "{\"id\":42,\"email\":\"minji@example.com\",\"iat\":1700000000,\"exp\":2000000000}"},
        {"missing iat",
         "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"exp\":2000000000}"},
        {"missing exp",
         "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000}"},
        {"id string",
         "{\"id\":\"42\",\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000}"},
        {"id zero",
         "{\"id\":0,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000}"},
        {"id negative",
         "{\"id\":-42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000}"},
        {"id real",
         "{\"id\":42.0,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000}"},
        {"id null",
         "{\"id\":null,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000}"},
        {"email number",
         "{\"id\":42,\"email\":7,\"role\":\"user\",\"iat\":1700000000,\"exp\":2000000000}"},
        {"role null", "{\"id\":42,\"email\":\"minji@example.com\",\"role\":null,\"iat\":1700000000,"
                      "\"exp\":2000000000}"},
        {"iat string",
         "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":\"1700000000\","
         "\"exp\":2000000000}"},
        {"exp string",
         "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":\"2000000000\"}"},
        {"exp real",
         "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
         "\"exp\":2000000000.5}"},
        {"duplicate id", "{\"id\":42,\"id\":1,\"email\":\"minji@example.com\",\"role\":\"user\","
                         "\"iat\":1700000000,\"exp\":2000000000}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tok = make_payload_token(cases[i].payload);
        assert_rejected(cases[i].what, tok);
        free(tok);
    }
}

static void expired_token_is_401(void **state)
{
    (void)state;
    struct jwt_claims in = sample_claims();
    char tok[JWT_MAX_LEN];
    assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
    assert_rejected_at("exp == now", tok, in.exp);
    assert_rejected_at("exp == now - 1", tok, in.exp + 1);
    assert_rejected_at("long expired", tok, in.exp + 365 * 24 * 3600);
}

static void overlong_email_or_role_claim_is_401(void **state)
{
    (void)state;
    struct jwt_claims c;
    char email[600], role[40], payload[1024];
    /* One byte past what the struct can hold (with its NUL), and far past. */
    size_t email_lens[] = {sizeof c.email, sizeof c.email + 1, 500};
    for (size_t i = 0; i < sizeof email_lens / sizeof email_lens[0]; i++) {
        memset(email, 'e', email_lens[i]);
        email[email_lens[i]] = '\0';
        snprintf(payload, sizeof payload,
                 "{\"id\":42,\"email\":\"%s\",\"role\":\"user\",\"iat\":1700000000,"
                 "\"exp\":2000000000}",
                 email);
        char *tok = make_payload_token(payload);
        assert_rejected("email too long for the claims struct", tok);
        free(tok);
    }
    size_t role_lens[] = {sizeof c.role, sizeof c.role + 1, 39};
    for (size_t i = 0; i < sizeof role_lens / sizeof role_lens[0]; i++) {
        memset(role, 'r', role_lens[i]);
        role[role_lens[i]] = '\0';
        snprintf(payload, sizeof payload,
                 "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"%s\","
                 "\"iat\":1700000000,\"exp\":2000000000}",
                 role);
        char *tok = make_payload_token(payload);
        assert_rejected("role too long for the claims struct", tok);
        free(tok);
    }
}

/* Payload whose base64url form needs padding and contains both '-' and '_'. */
static const char ODD_PAYLOAD_JSON[] =
    "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\",\"iat\":1700000000,"
    "\"exp\":2000000000,\"note\":\"~~~~~~\?\?\?>>>\"}";

static void base64_with_padding_or_standard_alphabet_is_401(void **state)
{
    (void)state;
    char *h = b64url(HEADER_JSON, strlen(HEADER_JSON));
    char *p = b64url(ODD_PAYLOAD_JSON, strlen(ODD_PAYLOAD_JSON));
    /* Preconditions: the fixture really exercises what the cases below change. */
    assert_int_not_equal(strlen(ODD_PAYLOAD_JSON) % 3, 0);
    assert_non_null(strchr(p, '-'));
    assert_non_null(strchr(p, '_'));
    char *ok = sign_parts(h, p, SECRET);
    struct jwt_claims out;
    assert_accepted(ok, NOW, &out);

    char buf[JWT_MAX_LEN];
    /* padded payload (standard '=' padding), re-signed so only the encoding is wrong */
    size_t pad = (4 - strlen(p) % 4) % 4;
    assert_true(pad > 0);
    snprintf(buf, sizeof buf, "%s%.*s", p, (int)pad, "==");
    char *t = sign_parts(h, buf, SECRET);
    assert_rejected("payload with '=' padding", t);
    free(t);

    /* standard alphabet in the payload, re-signed */
    snprintf(buf, sizeof buf, "%s", p);
    for (char *c = buf; *c; c++)
        if (*c == '-')
            *c = '+';
        else if (*c == '_')
            *c = '/';
    t = sign_parts(h, buf, SECRET);
    assert_rejected("payload in the standard alphabet", t);
    free(t);

    /* padding on the signature (32 bytes -> 43 chars + '=') */
    snprintf(buf, sizeof buf, "%s=", ok);
    assert_rejected("signature with '=' padding", buf);

    /* standard alphabet in the signature: find a token whose signature has '-' or '_' */
    int found = 0;
    for (int id = 1; id < 200 && !found; id++) {
        struct jwt_claims in = sample_claims();
        in.id = (uint64_t)id;
        char tok[JWT_MAX_LEN];
        assert_true(jwt_sign(SECRET, SECRET_LEN, &in, tok, sizeof tok) > 0);
        char *sig = strrchr(tok, '.') + 1;
        if (!strpbrk(sig, "-_"))
            continue;
        found = 1;
        for (char *c = sig; *c; c++)
            if (*c == '-')
                *c = '+';
            else if (*c == '_')
                *c = '/';
        assert_rejected("signature in the standard alphabet", tok);
    }
    assert_true(found);
    free(ok);
    free(h);
    free(p);
}

static void whitespace_inside_token_is_401(void **state)
{
    (void)state;
    char *h = b64url(HEADER_JSON, strlen(HEADER_JSON));
    char *p = b64url(PAYLOAD_JSON, strlen(PAYLOAD_JSON));
    char *good = sign_parts(h, p, SECRET);
    size_t plen = strlen(p);
    static const char *ws[] = {" ", "\t", "\n", "\r\n"};
    char buf[JWT_MAX_LEN];
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        /* inside the payload, re-signed so only the whitespace is wrong */
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(plen / 2), p, ws[i], p + plen / 2);
        char *t = sign_parts(h, buf, SECRET);
        assert_rejected("whitespace inside the payload", t);
        free(t);
        /* around the token */
        snprintf(buf, sizeof buf, "%s%s", good, ws[i]);
        assert_rejected("trailing whitespace", buf);
        snprintf(buf, sizeof buf, "%s%s", ws[i], good);
        assert_rejected("leading whitespace", buf);
    }
    free(good);
    free(h);
    free(p);
}

/* Token with a "pad" claim sized so the whole token is exactly `target` characters. */
static char *token_of_length(size_t target)
{
    char payload[1024];
    char pad[800];
    for (size_t n = 0; n < sizeof pad - 1; n++) {
        memset(pad, 'x', n);
        pad[n] = '\0';
        snprintf(payload, sizeof payload,
                 "{\"id\":42,\"email\":\"minji@example.com\",\"role\":\"user\","
                 "\"iat\":1700000000,\"exp\":2000000000,\"pad\":\"%s\"}",
                 pad);
        char *tok = make_payload_token(payload);
        if (strlen(tok) == target)
            return tok;
        free(tok);
    }
    fail_msg("could not build a token of length %zu", target);
    return NULL;
}

static void token_longer_than_max_len_is_401(void **state)
{
    (void)state;
    char *at_max = token_of_length(JWT_MAX_LEN);
    struct jwt_claims out;
    assert_accepted(at_max, NOW, &out);
    assert_int_equal(out.id, 42);
    free(at_max);

    char *over = token_of_length(JWT_MAX_LEN + 1);
    assert_rejected("token of JWT_MAX_LEN + 1 characters", over);
    free(over);

    /* Far longer, without a terminating NUL anywhere near JWT_MAX_LEN. */
    size_t big = 64 * 1024;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    memset(huge, 'A', big);
    huge[100] = '.';
    huge[200] = '.';
    huge[big] = '\0';
    assert_rejected("64 KiB token", huge);
    free(huge);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_then_verify_round_trips_every_claim),
        cmocka_unit_test(round_trip_keeps_longest_email_and_role_that_fit),
        cmocka_unit_test(signed_header_decodes_to_exactly_hs256_jwt),
        cmocka_unit_test(signed_token_uses_only_base64url_characters_and_two_dots),
        cmocka_unit_test(sign_matches_known_answer_vector),
        cmocka_unit_test(sign_third_part_is_hmac_sha256_of_header_dot_payload),
        cmocka_unit_test(sign_into_too_small_buffer_returns_minus_one),
        cmocka_unit_test(hand_built_token_verifies),
        cmocka_unit_test(header_without_typ_is_accepted),
        cmocka_unit_test(token_verifies_one_second_before_exp),
        cmocka_unit_test(malformed_token_shapes_are_401),
        cmocka_unit_test(header_other_than_hs256_is_401),
        cmocka_unit_test(alg_none_is_401_with_empty_or_any_signature),
        cmocka_unit_test(bad_signature_is_401),
        cmocka_unit_test(signature_from_another_secret_is_401),
        cmocka_unit_test(tampered_payload_with_old_signature_is_401),
        cmocka_unit_test(payload_without_valid_claims_is_401),
        cmocka_unit_test(expired_token_is_401),
        cmocka_unit_test(overlong_email_or_role_claim_is_401),
        cmocka_unit_test(base64_with_padding_or_standard_alphabet_is_401),
        cmocka_unit_test(whitespace_inside_token_is_401),
        cmocka_unit_test(token_longer_than_max_len_is_401),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

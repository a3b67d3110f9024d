/*
 * status.c - the single status -> HTTP mapping and the default end-user messages.
 */
#include "eeum/status.h"

struct status_info {
    unsigned http;
    const char *name;
    const char *message;
};

static const struct status_info STATUS_TABLE[STATUS__COUNT] = {
    [STATUS_OK] = {200, "ok", "성공했습니다."},
    [STATUS_BAD_REQUEST] = {400, "bad_request", "요청이 올바르지 않습니다."},
    [STATUS_UNAUTHORIZED] = {401, "unauthorized", "로그인이 필요합니다."},
    [STATUS_FORBIDDEN] = {403, "forbidden", "이 작업을 할 권한이 없습니다."},
    [STATUS_NOT_FOUND] = {404, "not_found", "요청한 대상을 찾을 수 없습니다."},
    [STATUS_METHOD_NOT_ALLOWED] = {405, "method_not_allowed", "허용되지 않은 메서드입니다."},
    [STATUS_CONFLICT] = {409, "conflict", "이미 존재하는 값과 충돌합니다."},
    [STATUS_PAYLOAD_TOO_LARGE] = {413, "payload_too_large", "요청 본문이 너무 큽니다."},
    [STATUS_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported_media_type",
                                       "요청 본문은 application/json 이어야 합니다."},
    [STATUS_TOO_MANY_REQUESTS] = {429, "too_many_requests",
                                  "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."},
    [STATUS_INTERNAL] = {500, "internal", "서버 내부 오류가 발생했습니다."},
    [STATUS_UNAVAILABLE] = {503, "unavailable",
                            "일시적으로 서비스를 사용할 수 없습니다. 잠시 후 다시 시도해 주세요."},
};

static const struct status_info *status_lookup(enum status st)
{
    if ((unsigned)st >= STATUS__COUNT)
        return &STATUS_TABLE[STATUS_INTERNAL];
    return &STATUS_TABLE[st];
}

unsigned status_http(enum status st)
{
    return status_lookup(st)->http;
}

const char *status_message(enum status st)
{
    return status_lookup(st)->message;
}

const char *status_name(enum status st)
{
    return status_lookup(st)->name;
}

int status_is_client_error(enum status st)
{
    unsigned code = status_http(st);
    return code >= 400 && code < 500;
}

/*
 * boards.c - validators of board posts and comments (pure; all failing fields listed).
 */
#include "eeum/validate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct val_text_rule TITLE = {
    .field = "title",
    .min = 1,
    .max = VAL_BOARD_TITLE_MAX,
    .trim = true,
    .missing = "제목을 입력해 주세요.",
    .length = "제목은 1자 이상 150자 이하여야 합니다.",
};

static const struct val_text_rule CONTENT = {
    .field = "content",
    .min = 1,
    .max = VAL_BOARD_CONTENT_MAX,
    .trim = true,
    .missing = "내용을 입력해 주세요.",
    .length = "내용은 1자 이상 20000자 이하여야 합니다.",
    .multiline = true,
};

static const struct val_text_rule COMMENT = {
    .field = "content",
    .min = 1,
    .max = VAL_COMMENT_MAX,
    .trim = true,
    .missing = "댓글 내용을 입력해 주세요.",
    .length = "댓글은 1자 이상 500자 이하여야 합니다.",
    .multiline = true,
};

static const char MSG_CATEGORY[] = "카테고리는 RECIPE 또는 RESTAURANT 여야 합니다.";

static void category(const json_t *body, enum val_need need, struct val_board *out,
                     struct val_result *res)
{
    struct val_str s;
    enum val_kind k = val_get_str(body, "category", true, &s);
    if (k == VAL_ABSENT && need != VAL_REQUIRED)
        return;
    if (k != VAL_PRESENT) {
        val_fail(res, "category", k == VAL_WRONG_TYPE ? VAL_MSG_NOT_STRING : MSG_CATEGORY);
        return;
    }
    static const char *const NAMES[] = {"RECIPE", "RESTAURANT"};
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        if (s.n == strlen(NAMES[i]) && strncasecmp(s.p, NAMES[i], s.n) == 0) {
            snprintf(out->category, sizeof out->category, "%s", NAMES[i]);
            out->has_category = true;
            return;
        }
    }
    val_fail(res, "category", MSG_CATEGORY);
}

static bool body_is_object(const json_t *body, struct val_result *res)
{
    if (json_is_object(body))
        return true;
    val_fail(res, "body", VAL_MSG_NOT_OBJECT);
    return false;
}

void val_board_create(const json_t *body, struct val_board *out, struct val_result *res)
{
    memset(out, 0, sizeof *out);
    val_result_init(res);
    out->title = out->content = val_str_empty();
    if (!body_is_object(body, res))
        return;
    category(body, VAL_REQUIRED, out, res);
    out->has_title = val_text(body, &TITLE, VAL_REQUIRED, &out->title, res);
    out->has_content = val_text(body, &CONTENT, VAL_REQUIRED, &out->content, res);
}

void val_board_update(const json_t *body, struct val_board *out, struct val_result *res)
{
    memset(out, 0, sizeof *out);
    val_result_init(res);
    out->title = out->content = val_str_empty();
    if (!body_is_object(body, res))
        return;
    category(body, VAL_IF_PRESENT, out, res);
    out->has_title = val_text(body, &TITLE, VAL_IF_PRESENT, &out->title, res);
    out->has_content = val_text(body, &CONTENT, VAL_IF_PRESENT, &out->content, res);
    if (res->status == STATUS_OK && !out->has_category && !out->has_title && !out->has_content)
        val_fail(res, "body", "변경할 항목이 없습니다.");
}

void val_comment(const json_t *body, struct val_str *out, struct val_result *res)
{
    val_result_init(res);
    *out = val_str_empty();
    if (!body_is_object(body, res))
        return;
    val_text(body, &COMMENT, VAL_REQUIRED, out, res);
}

/*
 * reports.c - pure rules of the diary calendar, stats and Markdown export (see reports.h).
 */
#include "eeum/reports.h"

#include "eeum/validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int reports_dominant(const int64_t sums[REPORTS_LABELS], uint64_t analysed)
{
    if (analysed == 0)
        return -1;
    int best = 0;
    for (int k = 1; k < REPORTS_LABELS; k++)
        if (sums[k] > sums[best]) /* strictly greater: ties keep the earlier label */
            best = k;
    return best;
}

void reports_streaks(const long long *days, size_t n, long long today, struct reports_streaks *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    long long first = days[0];
    uint32_t len = 1;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && days[i] == days[i - 1])
            continue; /* several diaries on one day */
        if (i < n && days[i] == days[i - 1] + 1) {
            len++;
            continue;
        }
        /* the run first..days[i-1] ends here; >= keeps the latest of equally long runs */
        if (len >= out->longest) {
            out->longest = len;
            out->longest_first = first;
            out->longest_last = days[i - 1];
        }
        if (i == n && days[i - 1] >= today - 1) {
            out->current = len;
            out->current_first = first;
            out->current_last = days[i - 1];
        }
        if (i < n) {
            first = days[i];
            len = 1;
        }
    }
}

bool reports_day_format(long long day, char out[11])
{
    struct val_date d;
    out[0] = '\0';
    if (!val_date_from_days(day, &d))
        return false;
    val_date_format(d, out);
    return true;
}

int reports_weekday(long long day)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    long long r = (day % 7 + 7) % 7;
    return (int)((r + 3) % 7);
}

const char *reports_weekday_name(int weekday)
{
    static const char *const NAMES[7] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                         "FRIDAY", "SATURDAY", "SUNDAY"};
    return weekday >= 0 && weekday < 7 ? NAMES[weekday] : NULL;
}

bool reports_parse_centi(const char *s, int64_t *out)
{
    *out = 0;
    if (!s || *s < '0' || *s > '9')
        return false;
    int64_t v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 15)
            return false;
        v = v * 10 + (*s - '0');
    }
    int frac = 0;
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (++frac > 2)
                return false;
            v = v * 10 + (*s - '0');
        }
        if (frac == 0)
            return false;
    }
    if (*s != '\0')
        return false;
    for (; frac < 2; frac++)
        v *= 10;
    *out = v;
    return true;
}

int64_t reports_mean_centi(int64_t sum, uint64_t n)
{
    if (n == 0 || sum < 0)
        return 0;
    uint64_t s = (uint64_t)sum;
    return (int64_t)((s + n / 2) / n);
}

/* ---- Markdown ---- */

/* Characters with an inline meaning anywhere in a line. */
static bool md_inline_special(unsigned char c)
{
    return c != '\0' && strchr("\\`*_[]<>&|~#", c) != NULL;
}

/* Escapes one line (no line breaks inside). */
static bool md_line(struct strbuf *sb, const char *s, size_t n)
{
    size_t i = 0;
    bool ok = true;
    /* Leading blanks as character references: they must not indent the line into a code block
     * or a list continuation. */
    for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
        ok = ok && strbuf_puts(sb, s[i] == ' ' ? "&#32;" : "&#9;");
    /* Block markers at the start of the line: list (+ -), setext underline (=), ordered list
     * ("12." / "12)"). Heading, quote, code fence, thematic break and table markers are
     * escaped below as inline specials (# > ` ~ * _ |). */
    if (i < n && (s[i] == '+' || s[i] == '-' || s[i] == '=')) {
        ok = ok && strbuf_puts(sb, "\\");
    } else if (i < n && s[i] >= '0' && s[i] <= '9') {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j < n && (s[j] == '.' || s[j] == ')')) {
            ok = ok && strbuf_append(sb, s + i, j - i) && strbuf_puts(sb, "\\");
            i = j;
        }
    }
    size_t run = i;
    for (; i < n; i++) {
        if (!md_inline_special((unsigned char)s[i]))
            continue;
        ok = ok && strbuf_append(sb, s + run, i - run) && strbuf_puts(sb, "\\") &&
             strbuf_append(sb, s + i, 1);
        run = i + 1;
    }
    return ok && strbuf_append(sb, s + run, n - run);
}

bool reports_md_text(struct strbuf *sb, const char *s, size_t n, bool multiline)
{
    bool ok = true, prev_nonempty = false, first = true;
    size_t i = 0;
    while (ok && (i < n || first)) {
        size_t start = i;
        while (i < n && s[i] != '\n' && s[i] != '\r')
            i++;
        size_t len = i - start;
        bool had_break = i < n;
        if (i < n && s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            i++;
        if (i < n)
            i++;
        if (!first) {
            if (!multiline)
                ok = strbuf_puts(sb, " ");
            else if (prev_nonempty && len > 0)
                ok = strbuf_puts(sb, "\\\n"); /* hard line break inside a paragraph */
            else
                ok = strbuf_puts(sb, "\n");
        }
        ok = ok && md_line(sb, s + start, len);
        prev_nonempty = len > 0;
        first = false;
        if (!had_break)
            break;
    }
    return ok;
}

bool reports_md_header(struct strbuf *sb, const char *exported_at, size_t count)
{
    return strbuf_puts(sb, "# 이음 일기 내보내기\n\n") &&
           strbuf_printf(sb, "- 내보낸 시각: %s\n- 일기 수: %zu\n", exported_at, count);
}

static bool md_scores(struct strbuf *sb, const int64_t centi[REPORTS_LABELS])
{
    bool ok = true;
    for (int k = 0; k < REPORTS_LABELS && ok; k++)
        ok = strbuf_printf(sb, "%s%s %" PRId64 ".%02" PRId64, k ? " · " : "", val_emotion_label(k),
                           centi[k] / 100, centi[k] % 100);
    return ok;
}

bool reports_md_diary(struct strbuf *sb, const struct reports_md_diary *d)
{
    bool ok = strbuf_puts(sb, "\n---\n\n## ") && strbuf_puts(sb, d->published) &&
              strbuf_puts(sb, " · ") && reports_md_text(sb, d->title, strlen(d->title), false) &&
              strbuf_puts(sb, "\n\n");
    if (ok && d->weather && d->weather[0])
        ok = strbuf_puts(sb, "- 날씨: ") &&
             reports_md_text(sb, d->weather, strlen(d->weather), false) && strbuf_puts(sb, "\n");
    if (ok && d->mood >= 0 && d->mood < REPORTS_LABELS)
        ok = strbuf_printf(sb, "- 기분: %s\n", val_emotion_label(d->mood));
    if (ok && d->ntags > 0) {
        ok = strbuf_puts(sb, "- 태그: ");
        for (size_t i = 0; ok && i < d->ntags; i++)
            ok = (i == 0 || strbuf_puts(sb, ", ")) &&
                 reports_md_text(sb, d->tags[i], strlen(d->tags[i]), false);
        ok = ok && strbuf_puts(sb, "\n");
    }
    if (ok) {
        ok = strbuf_puts(sb, "- 감정 분석: ");
        if (ok && d->has_scores && d->emotion >= 0 && d->emotion < REPORTS_LABELS)
            ok = strbuf_printf(sb, "%s (", val_emotion_label(d->emotion)) &&
                 md_scores(sb, d->centi) && strbuf_puts(sb, ")");
        const char *state = NULL;
        if (d->status && strcmp(d->status, "failed") == 0)
            state = "분석 실패";
        else if (d->status && strcmp(d->status, "pending") == 0)
            state = d->has_scores ? "다시 분석 중" : "분석 대기 중";
        if (ok && state)
            ok = strbuf_printf(sb, "%s%s", d->has_scores ? " — " : "", state);
        ok = ok && strbuf_puts(sb, "\n");
    }
    if (ok && d->food && d->food[0])
        ok = strbuf_puts(sb, "- 추천 야식: ") &&
             reports_md_text(sb, d->food, strlen(d->food), false) && strbuf_puts(sb, "\n");
    return ok && strbuf_puts(sb, "\n") &&
           reports_md_text(sb, d->content, strlen(d->content), true) && strbuf_puts(sb, "\n");
}

/*
 * reports.h - the pure rules behind the diary calendar, stats and export: the dominant emotion
 * of a day, streaks of days with a diary, weekdays, exact score arithmetic in hundredths and
 * the Markdown rendering of an export. No I/O; every function is pure and thread-safe.
 */
#ifndef EEUM_REPORTS_H
#define EEUM_REPORTS_H

#include "eeum/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORTS_LABELS 5 /* 0 걱정, 1 분노, 2 행복, 3 설렘, 4 슬픔 (SPEC §4 order) */

/*
 * The dominant emotion of a set of analysed diaries: the label with the highest summed score
 * (sums[k] = the scores of label k added over the diaries, in hundredths of a percent); ties
 * go to the earlier label in the fixed order. Returns 0..4, or -1 when `analysed` is 0 (no
 * diary of the set has an analysis yet: the emotion is unknown, not "worry").
 */
int reports_dominant(const int64_t sums[REPORTS_LABELS], uint64_t analysed);

/* Streaks of days with at least one diary (days as days since 1970-01-01). */
struct reports_streaks {
    uint32_t current; /* 0 when there is no current streak */
    long long current_first, current_last;
    uint32_t longest;                      /* 0 when there are no days at all */
    long long longest_first, longest_last; /* the most recent of equally long runs */
};

/*
 * Streaks over `days[0..n)`, ascending (duplicates allowed). `today` is today in APP_TZ.
 * A run is a maximal sequence of consecutive days. The longest streak is the longest run (the
 * latest one among equally long runs). The current streak is the run that ends on the most
 * recent day with a diary, provided that day is yesterday or later (today, or tomorrow, the
 * latest publishedDate allowed); otherwise it is 0. So a streak stays current through a day on
 * which the diary is not written yet, and back-dated diaries that fill a gap join two runs.
 * Unset day fields of *out are 0.
 */
void reports_streaks(const long long *days, size_t n, long long today, struct reports_streaks *out);

/* Writes the day (days since 1970-01-01, proleptic Gregorian) as "YYYY-MM-DD" into out.
 * False (out = "") when its year is outside 1..9999. */
bool reports_day_format(long long day, char out[11]);

/* Weekday of a day number: 0 Monday ... 6 Sunday. */
int reports_weekday(long long day);

/* "MONDAY" ... "SUNDAY" (static), NULL outside 0..6. */
const char *reports_weekday_name(int weekday);

/*
 * Parses a non-negative decimal as MySQL prints DECIMAL values ("12", "12.3", "12.34",
 * at most 2 fraction digits, at most 15 integer digits) into hundredths. False on anything
 * else (sign, exponent, spaces, NULL, empty).
 */
bool reports_parse_centi(const char *s, int64_t *out);

/* sum / n rounded half up, in hundredths; 0 when n == 0. sum must be >= 0. */
int64_t reports_mean_centi(int64_t sum, uint64_t n);

/* ---- Markdown ---- */

/*
 * Appends `s[0..n)` as Markdown text that renders literally: inline syntax characters are
 * backslash-escaped (\ ` * _ [ ] < > & | ~ #), block markers at the start of a line are
 * neutralised (+ - = and "1." / "1)"), leading spaces and tabs become character references
 * (so they never make an indented code block), CR LF and lone CR become LF, and with
 * `multiline` every line break inside a paragraph becomes a hard break ("\\\n"), blank lines
 * stay paragraph breaks. Without `multiline`, line breaks become spaces. False when the
 * buffer's cap is reached.
 */
bool reports_md_text(struct strbuf *sb, const char *s, size_t n, bool multiline);

/* One diary of a Markdown export. Strings are NUL-terminated and borrowed. */
struct reports_md_diary {
    const char *title;
    const char *content;
    const char *weather;   /* NULL = none */
    const char *published; /* "YYYY-MM-DD" */
    int mood;              /* 0..4, -1 = none */
    const char *const *tags;
    size_t ntags;
    const char *status; /* analysis status: "pending", "done" or "failed" */
    bool has_scores;    /* an analysis exists (with "pending"/"failed": of an older version) */
    int64_t centi[REPORTS_LABELS]; /* valid when has_scores */
    int emotion;                   /* top label 0..4, -1 = none */
    const char *food;              /* recommended food name, NULL = none */
};

/* The document's title block: exported-at instant and number of diaries. False at the cap. */
bool reports_md_header(struct strbuf *sb, const char *exported_at, size_t count);

/* One diary section (a level-2 heading, a list of its fields, the content). False at the cap. */
bool reports_md_diary(struct strbuf *sb, const struct reports_md_diary *d);

#endif

/*
 * utf8.h - strict UTF-8 validation and character counting.
 * Lengths in EEUM are counted in characters (code points), never bytes.
 */
#ifndef EEUM_UTF8_H
#define EEUM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool utf8_valid(const char *s, size_t n);

/* Number of code points in a valid UTF-8 string of n bytes. */
size_t utf8_count(const char *s, size_t n);

#endif

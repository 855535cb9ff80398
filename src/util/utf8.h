/* UTF-8 text measured the way people and JSON Schema's maxLength count it. */
#ifndef CHAIRSIDE_UTIL_UTF8_H
#define CHAIRSIDE_UTIL_UTF8_H

#include <stddef.h>

/* Code points in the len bytes at s. Every byte that does not continue a
 * sequence starts one, so malformed input is still counted, never skipped. */
size_t utf8_chars(const char *s, size_t len);

#endif

/* Reading fields of a row that travels as a JSON object (store/store.h):
 * one getter each instead of a copy per file. */
#ifndef CHAIRSIDE_UTIL_ROW_H
#define CHAIRSIDE_UTIL_ROW_H

#include <jansson.h>
#include <stdint.h>

/* The integer field name of row; 0 when absent or not an integer. */
int64_t row_int(const json_t *row, const char *name);
/* The text field name of row, borrowed from it; "" when absent or not a
 * string. */
const char *row_text(const json_t *row, const char *name);
/* 1 when the field is JSON true, else 0. */
int row_bool(const json_t *row, const char *name);

#endif

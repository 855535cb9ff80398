/* What the package use cases share: their tables as the generic row
 * functions see them and the JSON-text columns they keep lists in. Only
 * service/package*.c include it. */
#ifndef CHAIRSIDE_SERVICE_PACKAGE_ROWS_H
#define CHAIRSIDE_SERVICE_PACKAGE_ROWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define PACKAGE_MAX_IDS 32

extern const struct store_table package_table;         /* packages */
extern const struct store_table patient_package_table; /* patient_packages */

/* The ids held in a JSON-text column ("[1,2]"), at most max; *n = how
 * many (0 for text that is not such an array). */
void package_ids_parse(const char *text, int64_t *out, size_t max, size_t *n);
/* The JSON a text column holds, as a new value ([] when it holds none). */
json_t *package_text_json(const char *text);

#endif

#include "util/row.h"

int64_t
row_int(const json_t *row, const char *name)
{
    return json_integer_value(json_object_get(row, name));
}

const char *
row_text(const json_t *row, const char *name)
{
    const char *s = json_string_value(json_object_get(row, name));

    return s ? s : "";
}

int
row_bool(const json_t *row, const char *name)
{
    return json_is_true(json_object_get(row, name));
}

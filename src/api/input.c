#include "api/input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/utf8.h"

int
in_present(struct http_req *req, const char *field)
{
    return json_object_get(req->json, field) != NULL;
}

int
in_text(struct http_req *req, const char *field, int required, size_t max_len, const char **out)
{
    json_t *v = json_object_get(req->json, field);

    if (!v || json_is_null(v)) {
        if (required)
            return http_field_error(req, field, "is required");
        return ERR_OK;
    }
    if (!json_is_string(v))
        return http_field_error(req, field, "must be a string");
    /* Limits are in characters, as the OpenAPI maxLength promises: "Müller"
     * is 6 long, not 7. */
    if (utf8_chars(json_string_value(v), json_string_length(v)) > max_len)
        return http_field_error(req, field, "is too long");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return http_field_error(req, field, "must not contain NUL characters");
    if (required && json_string_length(v) == 0)
        return http_field_error(req, field, "must not be empty");
    *out = json_string_value(v);
    return ERR_OK;
}

int
in_int(struct http_req *req, const char *field, int required, int64_t min, int64_t max,
       int64_t *out)
{
    json_t *v = json_object_get(req->json, field);

    if (!v || json_is_null(v))
        return required ? http_field_error(req, field, "is required") : ERR_OK;
    if (!json_is_integer(v))
        return http_field_error(req, field, "must be an integer");
    if (json_integer_value(v) < min || json_integer_value(v) > max)
        return http_field_error(req, field, "is out of range");
    *out = json_integer_value(v);
    return ERR_OK;
}

int
in_bool(struct http_req *req, const char *field, int *out)
{
    json_t *v = json_object_get(req->json, field);

    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_boolean(v))
        return http_field_error(req, field, "must be true or false");
    *out = json_is_true(v);
    return ERR_OK;
}

static int
ids_add_maybe_again(int64_t *out, size_t *n, int64_t id, int repeats)
{
    size_t i;

    if (id <= 0 || *n == INPUT_MAX_IDS)
        return ERR_INVALID;
    for (i = 0; i < *n && !repeats; i++) {
        if (out[i] == id)
            return ERR_INVALID;
    }
    out[(*n)++] = id;
    return ERR_OK;
}

static int
ids_add(int64_t *out, size_t *n, int64_t id)
{
    return ids_add_maybe_again(out, n, id, 0);
}

int
in_ids(struct http_req *req, const char *field, int required, int64_t *out, size_t *n)
{
    json_t *v = json_object_get(req->json, field), *item;
    size_t i;

    *n = 0;
    if (!v || json_is_null(v))
        return required ? http_field_error(req, field, "is required") : ERR_OK;
    if (!json_is_array(v) || (required && json_array_size(v) == 0))
        return http_field_error(req, field, "must be a non-empty array of ids");
    json_array_foreach(v, i, item)
    {
        if (!json_is_integer(item) || ids_add(out, n, json_integer_value(item)) != ERR_OK)
            return http_field_error(req, field, "must hold distinct positive ids (at most 32)");
    }
    return ERR_OK;
}

int
in_service_ids(struct http_req *req, const char *field, int required, int64_t *out, size_t *n)
{
    json_t *v = json_object_get(req->json, field), *item;
    size_t i;

    *n = 0;
    if (!v || json_is_null(v))
        return required ? http_field_error(req, field, "is required") : ERR_OK;
    if (!json_is_array(v) || (required && json_array_size(v) == 0))
        return http_field_error(req, field, "must be a non-empty array of ids");
    json_array_foreach(v, i, item)
    {
        if (!json_is_integer(item) ||
            ids_add_maybe_again(out, n, json_integer_value(item), 1) != ERR_OK)
            return http_field_error(req, field, "must hold positive ids (at most 32)");
    }
    return ERR_OK;
}

int
in_time(struct http_req *req, const char *field, int required, int64_t *out)
{
    const char *s = NULL;

    if (in_text(req, field, required, 40, &s) != ERR_OK)
        return ERR_INVALID;
    if (s && tz_parse_rfc3339(s, out) != ERR_OK)
        return http_field_error(req, field, "must be an RFC 3339 time with offset");
    return ERR_OK;
}

static int
parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s || strlen(s) > 20)
        return ERR_INVALID;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return ERR_INVALID;
    *out = v;
    return ERR_OK;
}

int
query_int(struct http_req *req, const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *s = http_query(req, name);
    int64_t v;

    if (!s)
        return ERR_OK;
    if (parse_i64(s, &v) != ERR_OK || v < min || v > max)
        return http_field_error(req, name, "must be an integer in range");
    *out = v;
    return ERR_OK;
}

int
query_date(struct http_req *req, const char *name, int required, int64_t *days)
{
    const char *s = http_query(req, name);

    if (!s)
        return required ? http_field_error(req, name, "is required") : ERR_OK;
    if (civil_parse_date(s, days) != ERR_OK)
        return http_field_error(req, name, "must be a date YYYY-MM-DD");
    return ERR_OK;
}

static int
parse_ids(const char *s, int repeats, int64_t *out, size_t *n)
{
    const char *p;
    char part[24];

    *n = 0;
    for (p = s; *p;) {
        size_t len = strcspn(p, ",");
        int64_t id;

        if (len == 0 || len >= sizeof(part))
            return ERR_INVALID;
        memcpy(part, p, len);
        part[len] = '\0';
        if (parse_i64(part, &id) != ERR_OK || ids_add_maybe_again(out, n, id, repeats) != ERR_OK)
            return ERR_INVALID;
        p += len;
        if (*p == ',')
            p++;
    }
    return ERR_OK;
}

int
in_parse_ids(const char *s, int64_t *out, size_t *n)
{
    return parse_ids(s, 0, out, n);
}

int
query_service_ids(struct http_req *req, const char *name, int required, int64_t *out, size_t *n)
{
    const char *s = http_query(req, name);

    *n = 0;
    if (!s || !*s)
        return required ? http_field_error(req, name, "is required") : ERR_OK;
    if (parse_ids(s, 1, out, n) != ERR_OK)
        return http_field_error(req, name, "must be comma-separated positive ids (at most 32)");
    return ERR_OK;
}

int
query_ids(struct http_req *req, const char *name, int required, int64_t *out, size_t *n)
{
    const char *s = http_query(req, name);

    *n = 0;
    if (!s || !*s)
        return required ? http_field_error(req, name, "is required") : ERR_OK;
    if (in_parse_ids(s, out, n) != ERR_OK)
        return http_field_error(req, name,
                                "must be comma-separated, distinct positive ids (at most 32)");
    return ERR_OK;
}

int
query_page(struct http_req *req, int *limit, int64_t *after_id)
{
    int64_t l = 50;
    int bad = 0;

    *after_id = 0;
    bad |= query_int(req, "limit", 1, 500, &l) != ERR_OK;
    bad |= query_int(req, "cursor", 0, INT64_MAX, after_id) != ERR_OK;
    *limit = (int)l;
    return bad ? ERR_INVALID : ERR_OK;
}

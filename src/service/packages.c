/* Package definitions: items (service x quantity), packaged or itemised
 * pricing, tax, staff and location limits, validity, online purchase and
 * archiving. Lists live in JSON-text columns, checked here. */
#include "service/packages.h"

#include <stdlib.h>
#include <string.h>

#include "core/packages.h"
#include "service/package_rows.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

static const struct store_column package_cols[] = {
    {"name", STORE_COL_TEXT},
    {"items", STORE_COL_TEXT},
    {"pricing", STORE_COL_TEXT},
    {"price", STORE_COL_INT},
    {"tax_rate_id", STORE_COL_INT},
    {"staff_ids", STORE_COL_TEXT},
    {"location_ids", STORE_COL_TEXT},
    {"valid_days", STORE_COL_INT},
    {"online_purchase", STORE_COL_BOOL},
    {"archived", STORE_COL_BOOL},
};
const struct store_table package_table = {"packages", NULL, package_cols,
                                          sizeof(package_cols) / sizeof(package_cols[0]),
                                          sizeof(struct store_column)};

static const struct store_column patient_package_cols[] = {
    {"package_id", STORE_COL_INT},   {"patient_id", STORE_COL_INT},
    {"invoice_id", STORE_COL_INT},   {"name", STORE_COL_TEXT},
    {"staff_ids", STORE_COL_TEXT},   {"location_ids", STORE_COL_TEXT},
    {"purchased_at", STORE_COL_INT}, {"expires_on", STORE_COL_TEXT},
    {"expires_at", STORE_COL_INT},   {"status", STORE_COL_TEXT},
};
const struct store_table patient_package_table = {
    "patient_packages", NULL, patient_package_cols,
    sizeof(patient_package_cols) / sizeof(patient_package_cols[0]), sizeof(struct store_column)};

json_t *
package_text_json(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;

    if (json_is_array(v))
        return v;
    json_decref(v);
    return json_array();
}

void
package_ids_parse(const char *text, int64_t *out, size_t max, size_t *n)
{
    json_t *ids = package_text_json(text), *v;
    size_t i;

    *n = 0;
    json_array_foreach(ids, i, v)
    {
        if (json_is_integer(v) && *n < max)
            out[(*n)++] = json_integer_value(v);
    }
    json_decref(ids);
}

static const char *const known_fields[] = {
    "name",         "items",      "pricing",         "price",    "tax_rate_id", "staff_ids",
    "location_ids", "valid_days", "online_purchase", "archived", NULL};

static int
known(const char *key)
{
    size_t i;

    for (i = 0; known_fields[i]; i++) {
        if (strcmp(key, known_fields[i]) == 0)
            return 1;
    }
    return 0;
}

static int
row_exists(const struct svc *s, const struct store_table *t, int64_t id)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, t, id, &row);

    json_decref(row);
    return rc == ERR_OK;
}

/* A list of distinct ids of rows of t, as the JSON text to store. */
static int
ids_field(const struct svc *s, json_t *v, const char *field, const struct store_table *t,
          json_t *row)
{
    json_t *id;
    size_t i, j;
    char *text;

    if (!json_is_array(v) || json_array_size(v) > PACKAGE_MAX_IDS)
        return svc_field_error(s, field, "must be a list of at most 32 ids");
    json_array_foreach(v, i, id)
    {
        if (!json_is_integer(id) || json_integer_value(id) < 1)
            return svc_field_error(s, field, "must hold positive integer ids");
        for (j = 0; j < i; j++) {
            if (json_integer_value(json_array_get(v, j)) == json_integer_value(id))
                return svc_field_error(s, field, "names an id twice");
        }
        if (!row_exists(s, t, json_integer_value(id)))
            return svc_field_error(s, field, "names a record that does not exist");
    }
    text = json_dumps(v, JSON_COMPACT);
    if (!text)
        return ERR_NOMEM;
    json_object_set_new(row, field, json_string(text));
    free(text);
    return ERR_OK;
}

/* items: [{service_id, quantity}], PACKAGE_MAX_UNITS units in all. */
static int
items_field(const struct svc *s, json_t *v, json_t *row)
{
    json_t *item, *clean = json_array();
    int64_t units = 0;
    size_t i;
    char *text = NULL;
    int rc = clean ? ERR_OK : ERR_NOMEM;

    if (rc == ERR_OK && (!json_is_array(v) || json_array_size(v) == 0))
        rc = svc_field_error(s, "items", "must be a non-empty list of {service_id, quantity}");
    json_array_foreach(v, i, item)
    {
        json_t *sid = json_object_get(item, "service_id"), *q = json_object_get(item, "quantity");

        if (rc != ERR_OK)
            break;
        if (!json_is_integer(sid) || !row_exists(s, &setup_services.table, json_integer_value(sid)))
            rc = svc_field_error(s, "items", "service_id must name a service");
        else if (!json_is_integer(q) || json_integer_value(q) < 1)
            rc = svc_field_error(s, "items", "quantity must be a whole number of at least 1");
        else if ((units += json_integer_value(q)) > PACKAGE_MAX_UNITS)
            rc = svc_field_error(s, "items", "a package holds at most 32 units");
        else
            json_array_append_new(clean, json_pack("{s:O, s:O}", "service_id", sid, "quantity", q));
    }
    if (rc == ERR_OK)
        text = json_dumps(clean, JSON_COMPACT);
    if (rc == ERR_OK && !text)
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        json_object_set_new(row, "items", json_string(text));
    free(text);
    json_decref(clean);
    return rc;
}

static int
int_field(const struct svc *s, json_t *v, const char *field, int64_t min, int64_t max, int nullable,
          json_t *row)
{
    if (nullable && json_is_null(v))
        return json_object_set_new(row, field, json_null()) ? ERR_NOMEM : ERR_OK;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return svc_field_error(s, field, "must be a whole number in range");
    return json_object_set(row, field, v) ? ERR_NOMEM : ERR_OK;
}

static int
field(const struct svc *s, const char *key, json_t *v, json_t *row)
{
    size_t len;

    if (strcmp(key, "name") == 0) {
        len = json_is_string(v) ? strlen(json_string_value(v)) : 0;
        if (len < 1 || len > 200)
            return svc_field_error(s, key, "must be text of 1 to 200 characters");
        return json_object_set(row, key, v) ? ERR_NOMEM : ERR_OK;
    }
    if (strcmp(key, "items") == 0)
        return items_field(s, v, row);
    if (strcmp(key, "pricing") == 0) {
        if (!json_is_string(v) || (strcmp(json_string_value(v), "packaged") != 0 &&
                                   strcmp(json_string_value(v), "itemised") != 0))
            return svc_field_error(s, key, "must be \"packaged\" or \"itemised\"");
        return json_object_set(row, key, v) ? ERR_NOMEM : ERR_OK;
    }
    if (strcmp(key, "price") == 0)
        return int_field(s, v, key, 0, 100000000, 0, row);
    if (strcmp(key, "valid_days") == 0)
        return int_field(s, v, key, 1, 3650, 1, row);
    if (strcmp(key, "tax_rate_id") == 0) {
        if (!json_is_null(v) &&
            (!json_is_integer(v) || !row_exists(s, &setup_tax_rates.table, json_integer_value(v))))
            return svc_field_error(s, key, "must name a tax rate, or be null");
        return json_object_set(row, key, v) ? ERR_NOMEM : ERR_OK;
    }
    if (strcmp(key, "staff_ids") == 0)
        return ids_field(s, v, key, &setup_staff.table, row);
    if (strcmp(key, "location_ids") == 0)
        return ids_field(s, v, key, &setup_locations.table, row);
    if (!json_is_boolean(v))
        return svc_field_error(s, key, "must be true or false");
    return json_object_set(row, key, v) ? ERR_NOMEM : ERR_OK;
}

/* The stored row from body's fields; every field is checked before one
 * is refused, so the client hears of all its mistakes at once. */
static int
row_from(const struct svc *s, json_t *body, int create, json_t *row)
{
    const char *key;
    json_t *v;
    int rc = ERR_OK;

    json_object_foreach(body, key, v)
    {
        int one = known(key) ? field(s, key, v, row)
                             : svc_field_error(s, key, "is not a field of a package");

        if (rc == ERR_OK)
            rc = one;
    }
    if (rc == ERR_OK && create && !json_object_get(row, "name"))
        rc = svc_field_error(s, "name", "is required");
    if (rc == ERR_OK && create && !json_object_get(row, "items"))
        rc = svc_field_error(s, "items", "is required");
    return rc;
}

int
packages_save(const struct svc *s, int64_t id, json_t *body, int64_t *out_id)
{
    json_t *row = json_object(), *old = NULL;
    int rc = row ? store_begin(s->db, 1) : ERR_NOMEM;

    if (rc != ERR_OK)
        goto out;
    if (id) {
        rc = store_row_get(s->db, &package_table, id, &old);
        if (rc == ERR_NOT_FOUND)
            svc_fail(s, rc, "no such package");
    }
    if (rc == ERR_OK)
        rc = row_from(s, body, id == 0, row);
    if (rc == ERR_OK && id)
        rc = json_object_size(row) ? store_row_update(s->db, &package_table, id, row) : ERR_OK;
    else if (rc == ERR_OK)
        rc = store_row_insert(s->db, &package_table, row, &id);
    if (rc == ERR_OK)
        rc = store_commit(s->db);
    if (rc == ERR_OK)
        *out_id = id;
out:
    if (rc != ERR_OK)
        store_rollback(s->db);
    json_decref(old);
    json_decref(row);
    return rc;
}

/* Stored row -> API shape: the lists as lists. */
static void
render(json_t *row)
{
    static const char *const lists[] = {"items", "staff_ids", "location_ids"};
    size_t i;

    for (i = 0; i < 3; i++)
        json_object_set_new(row, lists[i], package_text_json(row_text(row, lists[i])));
}

static int
visible(const json_t *row, int public_only)
{
    return !public_only || (row_bool(row, "online_purchase") && !row_bool(row, "archived"));
}

int
packages_get(const struct svc *s, int64_t id, int public_only, json_t **out)
{
    int rc = store_row_get(s->db, &package_table, id, out);

    if (rc == ERR_OK && !visible(*out, public_only)) {
        json_decref(*out);
        *out = NULL;
        rc = ERR_NOT_FOUND;
    }
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such package");
    if (rc == ERR_OK)
        render(*out);
    return rc;
}

int
packages_list(const struct svc *s, int public_only, int with_archived, int64_t after_id, int limit,
              json_t **out)
{
    struct store_filter f = {0};
    json_t *all = NULL, *row;
    size_t i;
    int rc = store_row_list(s->db, &package_table, &f, after_id, limit, &all);

    *out = json_array();
    if (!*out && rc == ERR_OK)
        rc = ERR_NOMEM;
    json_array_foreach(all, i, row)
    {
        if (rc != ERR_OK)
            break;
        if (!visible(row, public_only) || (!with_archived && row_bool(row, "archived")))
            continue;
        render(row);
        json_array_append(*out, row);
    }
    json_decref(all);
    return rc;
}

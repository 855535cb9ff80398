#include "api/resource.h"

#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "core/civil.h"
#include "core/email.h"
#include "util/err.h"
#include "util/target.h"
#include "util/utf8.h"
#include "util/tzdb.h"

static const struct api_resource *
route_resource(struct http_req *req)
{
    return req->route_ctx;
}

/* Singletons (settings) have no {id} in their path and live in row 1. */
static int64_t
route_id(struct http_req *req)
{
    return req->n_ids ? req->ids[0] : 1;
}

static int
check_choice(const struct setup_field *f, const char *s)
{
    const char *const *c;

    for (c = f->choices; c && *c; c++) {
        if (strcmp(*c, s) == 0)
            return ERR_OK;
    }
    return ERR_INVALID;
}

/* "a,b": each one of f's choices, none twice. */
static int
check_choices(const struct setup_field *f, const char *s)
{
    const char *const *c;
    size_t n, seen = 0, i;

    while (*s) {
        n = strcspn(s, ",");
        for (c = f->choices, i = 0; *c && (strlen(*c) != n || strncmp(*c, s, n) != 0); c++, i++)
            ;
        if (!*c || i >= 8 * sizeof(seen) || (seen & ((size_t)1 << i)))
            return ERR_INVALID;
        seen |= (size_t)1 << i;
        s += n;
        if (*s == ',' && !*++s)
            return ERR_INVALID; /* a trailing comma */
    }
    return ERR_OK;
}

static int
check_text(struct http_req *req, const struct setup_field *f, const char *s)
{
    const struct tz_zone *zone;
    const char *problem;
    int64_t days;

    switch (f->check) {
    case SETUP_CHECK_TIMEZONE:
        if (tzdb_get(req->app->tzdb, s, &zone) != ERR_OK)
            return http_field_error(req, f->col.name, "must be an IANA time zone name");
        break;
    case SETUP_CHECK_DATE:
        if (*s && civil_parse_date(s, &days) != ERR_OK)
            return http_field_error(req, f->col.name, "must be a date YYYY-MM-DD");
        break;
    case SETUP_CHECK_EMAIL:
        if (*s && (problem = email_problem(s)) != NULL)
            return http_field_error(req, f->col.name, problem);
        break;
    case SETUP_CHECK_CHOICE:
        if (check_choice(f, s) != ERR_OK)
            return http_field_error(req, f->col.name, "is not one of the allowed values");
        break;
    case SETUP_CHECK_CHOICES:
        if (check_choices(f, s) != ERR_OK)
            return http_field_error(req, f->col.name,
                                    "must list allowed values, comma-separated, each once");
        break;
    case SETUP_CHECK_SMTP_URL:
    case SETUP_CHECK_HTTP_URL:
        problem =
            *s ? target_url_problem(s, f->check == SETUP_CHECK_SMTP_URL ? TARGET_SMTP : TARGET_HTTP)
               : NULL;
        if (problem)
            return http_field_error(req, f->col.name, problem);
        break;
    case SETUP_CHECK_NONE:
        break;
    }
    return ERR_OK;
}

/* A reference to another record: null clears it, an id must exist. */
static int
check_ref(struct http_req *req, const struct setup_field *f, int64_t id)
{
    json_t *target = NULL;
    int rc = store_row_get(req->db, f->ref, id, &target);

    json_decref(target);
    if (rc == ERR_NOT_FOUND)
        return http_field_error(req, f->col.name, "names a record that does not exist");
    return rc;
}

static int
read_field(struct http_req *req, const struct setup_field *f, int creating, json_t *row)
{
    const char *s = NULL;
    int64_t v = 0;
    int b = 0;

    if (!in_present(req, f->col.name)) {
        return creating && f->required ? http_field_error(req, f->col.name, "is required") : ERR_OK;
    }
    switch (f->col.type) {
    case STORE_COL_TEXT:
        if (json_is_null(json_object_get(req->json, f->col.name)) && !f->required)
            return json_object_set_new(row, f->col.name, json_null()) ? ERR_NOMEM : ERR_OK;
        if (in_text(req, f->col.name, f->required, (size_t)f->max, &s) != ERR_OK)
            return ERR_INVALID;
        if (check_text(req, f, s ? s : "") != ERR_OK)
            return ERR_INVALID;
        return json_object_set_new(row, f->col.name, json_string(s ? s : "")) ? ERR_NOMEM : ERR_OK;
    case STORE_COL_INT:
        if (f->ref && json_is_null(json_object_get(req->json, f->col.name)))
            return json_object_set_new(row, f->col.name, json_null()) ? ERR_NOMEM : ERR_OK;
        if (in_int(req, f->col.name, 1, f->min, f->max, &v) != ERR_OK)
            return ERR_INVALID;
        if (f->ref && check_ref(req, f, v) != ERR_OK)
            return ERR_INVALID;
        return json_object_set_new(row, f->col.name, json_integer(v)) ? ERR_NOMEM : ERR_OK;
    case STORE_COL_BOOL:
        if (json_is_null(json_object_get(req->json, f->col.name)))
            return http_field_error(req, f->col.name, "must be true or false");
        if (in_bool(req, f->col.name, &b) != ERR_OK)
            return ERR_INVALID;
        return json_object_set_new(row, f->col.name, json_boolean(b)) ? ERR_NOMEM : ERR_OK;
    }
    return ERR_INVALID;
}

int
resource_read_fields(struct http_req *req, const struct api_resource *res, int creating,
                     json_t **row)
{
    size_t i;
    int rc, bad = 0;

    *row = NULL;
    rc = http_body_object(req);
    if (rc != ERR_OK)
        return rc;
    *row = json_object();
    if (!*row)
        return ERR_NOMEM;
    for (i = 0; i < res->def->table.n_cols; i++) {
        if (res->def->fields[i].read_only)
            continue;
        rc = read_field(req, &res->def->fields[i], creating, *row);
        if (rc == ERR_NOMEM)
            return rc;
        bad |= rc != ERR_OK;
    }
    return bad ? ERR_INVALID : ERR_OK;
}

static int
is_staff(const struct http_req *req)
{
    return (req->auth.role & (HTTP_ROLE_ADMIN | HTTP_ROLE_STAFF)) != 0;
}

static int
is_public_col(const struct api_resource *res, const char *name)
{
    size_t i;

    for (i = 0; res->def->public_cols[i]; i++) {
        if (strcmp(res->def->public_cols[i], name) == 0)
            return 1;
    }
    return 0;
}

static int
render_row(struct http_req *req, const struct api_resource *res, json_t *row)
{
    const char *key;
    json_t *v;
    void *tmp;
    size_t i;
    int rc;

    for (i = 0; i < res->def->table.n_cols; i++) {
        if (res->def->fields[i].write_only)
            json_object_del(row, res->def->fields[i].col.name);
    }
    rc = res->render_extra ? res->render_extra(req, row) : ERR_OK;
    if (rc != ERR_OK || is_staff(req) || !res->def->public_cols)
        return rc;
    json_object_foreach_safe(row, tmp, key, v)
    {
        if (!is_public_col(res, key))
            json_object_del(row, key);
    }
    return ERR_OK;
}

/* Visitors and patients do not learn of rows kept from them. */
static int
hidden_from_caller(const struct http_req *req, const struct api_resource *res, json_t *row)
{
    return !is_staff(req) && res->def->public_if &&
           !json_is_true(json_object_get(row, res->def->public_if));
}

int
resource_load(struct http_req *req, const struct api_resource *res, int64_t id, json_t **out)
{
    int rc = store_row_get(req->db, &res->def->table, id, out);

    if (rc == ERR_OK && hidden_from_caller(req, res, *out))
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such record");
    if (rc == ERR_OK)
        rc = render_row(req, res, *out);
    return rc;
}

static int
render_listed(struct http_req *req, json_t *row)
{
    return render_row(req, route_resource(req), row);
}

int
resource_list(struct http_req *req, struct http_resp *resp)
{
    const struct api_resource *res = route_resource(req);
    struct store_filter filter = {0};
    json_t *items = NULL;
    const char *flag;
    int64_t after = 0;
    int limit, rc;

    rc = query_page(req, &limit, &after);
    if (rc != ERR_OK)
        return rc;
    filter.search = http_query(req, "q");
    if (filter.search && utf8_chars(filter.search, strlen(filter.search)) > 200)
        return http_field_error(req, "q", "is too long");
    memcpy(filter.search_cols, res->def->search_cols, sizeof(filter.search_cols));
    filter.n_search = res->def->n_search;
    if (!is_staff(req) && res->def->public_if) {
        filter.eq_col[filter.n_eq] = res->def->public_if;
        filter.eq_val[filter.n_eq++] = 1;
    }
    flag = res->def->flag_param ? http_query(req, res->def->flag_param) : NULL;
    if (flag && strcmp(flag, "0") != 0 && strcmp(flag, "1") != 0)
        return http_field_error(req, res->def->flag_param, "must be 0 or 1");
    if (flag) {
        filter.eq_col[filter.n_eq] = res->def->flag_col;
        filter.eq_val[filter.n_eq++] = flag[0] == '1';
    }
    rc = store_row_list(req->db, &res->def->table, &filter, after, limit, &items);
    if (rc != ERR_OK)
        return rc;
    return http_reply_rendered_page(req, resp, items, limit, render_listed);
}

int
resource_get(struct http_req *req, struct http_resp *resp)
{
    json_t *row = NULL;
    int rc = resource_load(req, route_resource(req), route_id(req), &row);

    if (rc == ERR_OK)
        return http_reply_json(resp, 200, row);
    json_decref(row);
    return rc;
}

static int
save(struct http_req *req, struct http_resp *resp, int creating)
{
    const struct api_resource *res = route_resource(req);
    json_t *row = NULL, *out = NULL;
    int64_t id = route_id(req);
    int rc;

    rc = resource_read_fields(req, res, creating, &row);
    if (rc == ERR_OK && res->check_extra)
        rc = res->check_extra(req, row);
    if (rc != ERR_OK)
        goto out;
    rc = store_begin(req->db, 1);
    if (rc != ERR_OK)
        goto out;
    rc = creating ? store_row_insert(req->db, &res->def->table, row, &id)
                  : store_row_update(req->db, &res->def->table, id, row);
    if (rc == ERR_NOT_FOUND)
        http_fail(req, rc, "no such record");
    if (rc == ERR_OK && res->save_extra)
        rc = res->save_extra(req, id);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        goto out;
    }
    rc = resource_load(req, res, id, &out);
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, creating ? 201 : 200, out);
        out = NULL;
    }
out:
    json_decref(row);
    json_decref(out);
    return rc;
}

int
resource_create(struct http_req *req, struct http_resp *resp)
{
    return save(req, resp, 1);
}

int
resource_update(struct http_req *req, struct http_resp *resp)
{
    return save(req, resp, 0);
}

int
resource_delete(struct http_req *req, struct http_resp *resp)
{
    int rc = store_row_delete(req->db, &route_resource(req)->def->table, route_id(req));

    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such record");
    if (rc == ERR_CONFLICT)
        return http_fail(req, rc, "the record is still in use");
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:b}", "deleted", 1));
    return rc;
}

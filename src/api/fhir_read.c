/* Read and search of the setup records: Practitioner (staff), Location,
 * HealthcareService (services) and Patient (read only). One generic path
 * serves each type, paged by id: the cursor is the last id sent.
 * Patients see what the booking portal shows them (bookable staff,
 * services offered online) and only their own Patient. */
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

struct fhir_table {
    const char *type;
    const struct setup_resource *res;
    const char *public_flag; /* column patients need set (NULL: all rows) */
    json_t *(*render)(const json_t *row);
};

static const struct fhir_table practitioners = {"Practitioner", &setup_staff, "bookable",
                                                fhir_practitioner};
static const struct fhir_table locations = {"Location", &setup_locations, NULL, fhir_location};
static const struct fhir_table services = {"HealthcareService", &setup_services, "online_booking",
                                           fhir_healthcare_service};
static const struct fhir_table patients = {"Patient", &setup_patients, NULL, fhir_patient};

static int
narrowed(const struct http_req *req)
{
    return req->auth.role != HTTP_ROLE_STAFF && req->auth.role != HTTP_ROLE_ADMIN;
}

/* The row the caller may see, or ERR_NOT_FOUND (also for what is not
 * theirs to see, as the JSON API answers). */
static int
load_row(struct http_req *req, const struct fhir_table *t, int64_t id, json_t **row)
{
    int rc = store_row_get(req->db, &t->res->table, id, row);

    if (rc == ERR_OK && narrowed(req) && t->public_flag && !row_bool(*row, t->public_flag))
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK && narrowed(req) && t == &patients && id != req->auth.patient_id)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND) {
        json_decref(*row);
        *row = NULL;
        return http_fail(req, rc, "no such %s", t->type);
    }
    return rc;
}

static int
table_read(struct http_req *req, struct http_resp *resp, const struct fhir_table *t)
{
    json_t *row = NULL;
    int rc = load_row(req, t, req->ids[0], &row);

    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, t->render(row));
    json_decref(row);
    return rc;
}

static int
parse_cursor(struct http_req *req, const char *cursor, int64_t *after)
{
    char *end;

    *after = 0;
    if (!cursor)
        return ERR_OK;
    *after = strtoll(cursor, &end, 10);
    if (!*cursor || *end || *after < 0)
        return http_fail(req, ERR_MALFORMED, "_cursor is not one this server gave");
    return ERR_OK;
}

static const char *const table_params[] = {"_id", NULL};

/* One page of rows after the cursor; _id narrows to one row. */
static int
table_page(struct http_req *req, const struct fhir_table *t, const struct fhir_search *s,
           json_t **items)
{
    struct store_filter f = {0};
    int64_t after = 0, only = 0;
    const char *id = fhir_search_get(s, "_id");
    char *end;
    int rc = parse_cursor(req, s->cursor, &after);

    if (rc == ERR_OK && id) {
        only = strtoll(id, &end, 10);
        if (!*id || *end || only <= 0)
            return http_fail(req, ERR_MALFORMED, "_id must be an id of this server");
        if (only <= after) {
            *items = json_array();
            return *items ? ERR_OK : ERR_NOMEM;
        }
        after = only - 1;
    }
    if (rc == ERR_OK && narrowed(req) && t->public_flag) {
        f.eq_col[0] = t->public_flag;
        f.eq_val[0] = 1;
        f.n_eq = 1;
    }
    if (rc == ERR_OK)
        rc = store_row_list(req->db, &t->res->table, &f, after, only ? 1 : s->count + 1, items);
    if (rc == ERR_OK && only && json_array_size(*items) &&
        row_int(json_array_get(*items, 0), "id") != only)
        json_array_clear(*items);
    return rc;
}

static int
table_search(struct http_req *req, struct http_resp *resp, const struct fhir_table *t)
{
    struct fhir_search s;
    struct fhir_bundle b = {0};
    json_t *items = NULL, *row;
    const char *next = NULL;
    size_t i;
    int rc = fhir_search_read(req, table_params, &s);

    if (rc == ERR_OK)
        rc = table_page(req, t, &s, &items);
    if (rc == ERR_OK)
        rc = fhir_bundle_init(req, &b, "searchset");
    /* One row more than a page was read: its presence means a next page. */
    if (rc == ERR_OK && json_array_size(items) > (size_t)s.count) {
        json_array_remove(items, (size_t)s.count);
        next = fhir_cursor_text(req, "", row_int(json_array_get(items, (size_t)s.count - 1), "id"));
        rc = next ? ERR_OK : ERR_NOMEM;
    }
    json_array_foreach(items, i, row)
    {
        if (rc == ERR_OK)
            rc = fhir_bundle_add(&b, t->render(row));
    }
    if (rc == ERR_OK)
        rc = fhir_reply_bundle(req, resp, &b, &s, next);
    fhir_bundle_cleanup(&b);
    json_decref(items);
    return rc;
}

int
api_fhir_practitioner_read(struct http_req *req, struct http_resp *resp)
{
    return table_read(req, resp, &practitioners);
}

int
api_fhir_practitioner_search(struct http_req *req, struct http_resp *resp)
{
    return table_search(req, resp, &practitioners);
}

int
api_fhir_location_read(struct http_req *req, struct http_resp *resp)
{
    return table_read(req, resp, &locations);
}

int
api_fhir_location_search(struct http_req *req, struct http_resp *resp)
{
    return table_search(req, resp, &locations);
}

int
api_fhir_service_read(struct http_req *req, struct http_resp *resp)
{
    return table_read(req, resp, &services);
}

int
api_fhir_service_search(struct http_req *req, struct http_resp *resp)
{
    return table_search(req, resp, &services);
}

int
api_fhir_patient_read(struct http_req *req, struct http_resp *resp)
{
    return table_read(req, resp, &patients);
}

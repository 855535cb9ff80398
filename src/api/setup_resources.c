/* The setup resources served by the generic handlers in resource.c: the
 * domain's descriptions (service/setup.h) plus what the API reads and
 * renders beyond plain columns. */
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/resource.h"
#include "service/locations.h"
#include "service/resources.h"
#include "service/setup.h"
#include "api/targets.h"
#include "util/err.h"

const struct api_resource api_locations = {.def = &setup_locations};
const struct api_resource api_tax_rates = {.def = &setup_tax_rates};
const struct api_resource api_resources = {.def = &setup_resources};
const struct api_resource api_actions = {.def = &setup_actions};
const struct api_resource api_patients = {.def = &setup_patients};

/* The diary and the card gateway may not sit on a private address unless
 * that is allowed, in the settings as they will be after this change. */
static int
target_setting_check(struct http_req *req, json_t *row, const json_t *stored, int allow,
                     const char *field)
{
    int new_url = json_object_get(row, field) != NULL;
    const char *url = json_string_value(json_object_get(new_url ? row : stored, field));
    int rc;

    if (allow || !url || !*url)
        return ERR_OK;
    rc = api_target_check(req, field, url);
    if (rc != ERR_OK && !new_url)
        rc = http_field_error(req, "allow_private_targets",
                              "must stay on while a target URL resolves to a private address");
    return rc;
}

static int
settings_check(struct http_req *req, json_t *row)
{
    json_t *stored = NULL;
    int rc, allow;

    if (!json_object_get(row, "diary_url") && !json_object_get(row, "card_gateway_url") &&
        !json_object_get(row, "allow_private_targets"))
        return ERR_OK;
    rc = store_row_get(req->db, &setup_settings.table, 1, &stored);
    if (rc != ERR_OK)
        goto out;
    allow = json_is_true(json_object_get(
        json_object_get(row, "allow_private_targets") ? row : stored, "allow_private_targets"));
    rc = target_setting_check(req, row, stored, allow, "diary_url");
    if (rc == ERR_OK)
        rc = target_setting_check(req, row, stored, allow, "card_gateway_url");
out:
    json_decref(stored);
    return rc;
}

static int
settings_saved(struct http_req *req, int64_t id)
{
    struct svc s = api_svc(req);

    (void)id; /* settings live in row 1 */
    return setup_settings_saved(
        &s, in_present(req, "book_one_service_only") &&
                !json_is_true(json_object_get(req->json, "book_one_service_only")));
}

const struct api_resource api_settings = {
    .def = &setup_settings,
    .check_extra = settings_check,
    .save_extra = settings_saved,
};

static int
staff_link(struct http_req *req, int64_t id, const char *field, const char *which)
{
    struct svc s = api_svc(req);
    int64_t ids[INPUT_MAX_IDS];
    size_t n = 0;
    int rc;

    if (!in_present(req, field))
        return ERR_OK;
    if (json_array_size(json_object_get(req->json, field)) == 0 &&
        json_is_array(json_object_get(req->json, field)))
        return setup_staff_links_set(&s, id, field, which, ids, 0);
    rc = in_ids(req, field, 0, ids, &n);
    return rc == ERR_OK ? setup_staff_links_set(&s, id, field, which, ids, n) : rc;
}

static int
staff_saved(struct http_req *req, int64_t id)
{
    int rc = staff_link(req, id, "location_ids", "locations");

    if (rc == ERR_OK)
        rc = staff_link(req, id, "service_ids", "services");
    return rc;
}

static int
staff_render(struct http_req *req, json_t *row)
{
    struct svc s = api_svc(req);

    return setup_staff_links_json(&s, row);
}

/* A service's resource_ids: [] clears them, absent keeps them. */
static int
service_saved(struct http_req *req, int64_t id)
{
    struct svc s = api_svc(req);
    int64_t ids[INPUT_MAX_IDS];
    size_t n = 0;
    int rc;

    if (!in_present(req, "resource_ids"))
        return ERR_OK;
    if (json_is_array(json_object_get(req->json, "resource_ids")) &&
        json_array_size(json_object_get(req->json, "resource_ids")) == 0)
        return resources_service_set(&s, id, "resource_ids", ids, 0);
    rc = in_ids(req, "resource_ids", 0, ids, &n);
    return rc == ERR_OK ? resources_service_set(&s, id, "resource_ids", ids, n) : rc;
}

/* Only staff learn which resources a service needs (the public columns
 * leave resource_ids out for everyone else). */
static int
service_render(struct http_req *req, json_t *row)
{
    json_t *ids = NULL;
    int rc =
        store_service_resources_get(req->db, json_integer_value(json_object_get(row, "id")), &ids);

    if (rc == ERR_OK && json_object_set_new(row, "resource_ids", ids) != 0)
        rc = ERR_NOMEM;
    return rc;
}

const struct api_resource api_services = {
    .def = &setup_services,
    .save_extra = service_saved,
    .render_extra = service_render,
};

const struct api_resource api_staff = {
    .def = &setup_staff,
    .save_extra = staff_saved,
    .render_extra = staff_render,
};

/* PATCH /locations/{id}: the generic fields plus keep, which says what a
 * new time zone does to the future bookings there. */
int
api_location_update(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct location_change c = {.id = req->ids[0]};
    const char *keep = NULL;
    json_t *fields = NULL, *out = NULL;
    int rc = resource_read_fields(req, &api_locations, 0, &fields);

    if (rc == ERR_OK && in_text(req, "keep", 0, 16, &keep) != ERR_OK)
        rc = ERR_INVALID;
    if (rc == ERR_OK && keep)
        c.keep = strcmp(keep, "wall_time") == 0 ? LOCATION_KEEP_WALL_TIME
                 : strcmp(keep, "instant") == 0 ? LOCATION_KEEP_INSTANT
                                                : LOCATION_KEEP_UNSAID;
    if (rc == ERR_OK && keep && c.keep == LOCATION_KEEP_UNSAID)
        rc = http_field_error(req, "keep", "must be \"wall_time\" or \"instant\"");
    if (rc != ERR_OK)
        goto out;
    c.fields = fields;
    rc = locations_update(&sv, &c);
    if (rc == ERR_OK)
        rc = resource_load(req, &api_locations, c.id, &out);
    if (rc == ERR_OK) {
        json_object_set_new(out, "future_bookings", json_integer(c.n_future));
        json_object_set_new(out, "bookings_moved", json_integer(c.n_moved));
        rc = http_reply_json(resp, 200, out);
        out = NULL;
    }
out:
    json_decref(fields);
    json_decref(out);
    return rc;
}

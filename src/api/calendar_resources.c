#include "api/calendar_resources.h"

#include "service/schedule.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

#define RESOURCES_MAX 500

/* One column per unit of every resource at the location, in resource id
 * then unit order. */
static int
unit_columns(struct http_req *req, int64_t location_id, json_t **columns)
{
    struct store_filter f = {.eq_col = {"location_id"}, .eq_val = {location_id}, .n_eq = 1};
    json_t *items = NULL, *r, *col;
    size_t i;
    int64_t unit;
    int rc = store_row_list(req->db, &setup_resources.table, &f, 0, RESOURCES_MAX, &items);

    *columns = json_array();
    if (!*columns)
        rc = ERR_NOMEM;
    json_array_foreach(items, i, r)
    {
        for (unit = 1; rc == ERR_OK && unit <= row_int(r, "quantity"); unit++) {
            col = json_pack("{s:O, s:O, s:O, s:I, s:[]}", "resource_id", json_object_get(r, "id"),
                            "name", json_object_get(r, "name"), "kind", json_object_get(r, "kind"),
                            "unit", (json_int_t)unit, "events");
            if (!col || json_array_append_new(*columns, col) != 0)
                rc = ERR_NOMEM;
        }
    }
    json_decref(items);
    return rc;
}

/* A booking's unit names its patient; a group event's (a class) none. */
static json_t *
use_event(json_t *use, const struct tz_zone *zone)
{
    int event = json_is_integer(json_object_get(use, "group_event_id"));
    json_t *patient = event ? json_null()
                            : json_pack("{s:O, s:O}", "id", json_object_get(use, "patient_id"),
                                        "name", json_object_get(use, "patient_name"));

    return json_pack(
        "{s:s, s:O, s:o, s:o, s:o, s:o, s:O, s:O, s:o}", "kind", event ? "group_event" : "booking",
        "id", json_object_get(use, event ? "group_event_id" : "booking_id"), "start",
        sched_time_json(row_int(use, "booking_start_at"), zone), "end",
        sched_time_json(row_int(use, "booking_end_at"), zone), "occupied_start",
        sched_time_json(row_int(use, "start_at"), zone), "occupied_end",
        sched_time_json(row_int(use, "end_at"), zone), "status", json_object_get(use, "status"),
        "staff_id", json_object_get(use, "staff_id"), "patient", patient);
}

/* Uses and columns come in the same (resource, unit) order, so one pass
 * places every use. */
int
calendar_resource_columns(struct http_req *req, int64_t location_id, int64_t from, int64_t to,
                          const struct tz_zone *zone, json_t **columns)
{
    json_t *uses = NULL, *use, *col, *ev;
    size_t i, j, c = 0;
    int rc = unit_columns(req, location_id, columns);

    if (rc == ERR_OK)
        rc = store_location_unit_uses(req->db, location_id, from, to, &uses);
    json_array_foreach(uses, i, use)
    {
        if (rc != ERR_OK)
            break;
        for (j = c; (col = json_array_get(*columns, j)) != NULL; j++) {
            if (row_int(col, "resource_id") == row_int(use, "resource_id") &&
                row_int(col, "unit") == row_int(use, "unit"))
                break;
        }
        if (!col)
            continue; /* a unit above the quantity it has now: no column */
        c = j;
        ev = use_event(use, zone);
        if (!ev || json_array_append_new(json_object_get(col, "events"), ev) != 0)
            rc = ERR_NOMEM;
    }
    json_decref(uses);
    if (rc != ERR_OK) {
        json_decref(*columns);
        *columns = NULL;
    }
    return rc;
}

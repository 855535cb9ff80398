/* Changing bookings: reschedule, notes, cancel, and the change history. */
#include <string.h>

#include "service/billing.h"
#include "api/app.h"
#include "api/booking_rows.h"
#include "service/booking_rules.h"
#include "api/bookings.h"
#include "api/input.h"
#include "service/notify.h"
#include "api/schedule.h"
#include "util/err.h"

static int64_t
row_int(json_t *row, const char *name)
{
    return json_integer_value(json_object_get(row, name));
}

/* The booking's services as they are now, for re-checking a new time. */
static int
booking_services(struct http_req *req, json_t *row, struct sched_services *svc)
{
    struct svc sv = api_svc(req);
    json_t *ids = json_object_get(row, "service_ids"), *v;
    int64_t list[SCHED_MAX_SERVICES];
    size_t i, n = 0;

    json_array_foreach(ids, i, v)
    {
        if (n < SCHED_MAX_SERVICES)
            list[n++] = json_integer_value(v);
    }
    return sched_services_load(&sv, "service_ids", list, n, svc);
}

/* History shows old and new start as the clinic reads them. */
static int
record_move(struct http_req *req, json_t *row, int64_t start, int64_t location_id, json_t *changes)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *before, *after;
    int rc = sched_location_zone(&sv, row_int(row, "location_id"), &before);

    if (rc == ERR_OK)
        rc = sched_location_zone(&sv, location_id, &after);
    if (rc == ERR_OK)
        json_object_set_new(changes, "start",
                            json_pack("[o, o]", sched_time_json(row_int(row, "start_at"), before),
                                      sched_time_json(start, after)));
    return rc;
}

/* New services: the slot is checked for them, and the unpaid invoice
 * follows. */
static int
change_services(struct http_req *req, json_t *row, const struct sched_services *svc,
                json_t *changes)
{
    struct svc sv = api_svc(req);
    struct billing_ctx b;
    int64_t id = row_int(row, "id");
    int rc = store_booking_set_services(req->db, id, svc->items, svc->n, svc->group_service_id);

    if (rc == ERR_OK)
        rc = billing_ctx_init(&sv, &b);
    if (rc == ERR_OK)
        rc = billing_booking_services_changed(&b, id, svc->items, svc->n);
    if (rc == ERR_CONFLICT)
        return http_fail(req, rc, "the invoice has payments; services can no longer change");
    if (rc == ERR_OK)
        json_object_set_new(changes, "service_ids",
                            json_pack("[O, O]", json_object_get(row, "service_ids"),
                                      json_object_get(req->json, "service_ids")));
    return rc;
}

static int
move_booking(struct http_req *req, json_t *row, int64_t staff_id, int64_t start,
             const struct sched_services *svc, json_t *changes)
{
    struct svc sv = api_svc(req);
    struct sched_settings settings;
    int64_t id = row_int(row, "id"), location_id = 0;
    int rc = sched_settings_load(&sv, &settings);

    if (rc == ERR_OK)
        rc = booking_slot_check(&sv, &settings, svc, staff_id, start, id, &location_id);
    if (rc == ERR_OK)
        rc = store_booking_move(req->db, id, staff_id, location_id, start,
                                start + (int64_t)svc->duration_min * 60, req->now);
    if (rc != ERR_OK)
        return rc;
    if (staff_id != row_int(row, "staff_id"))
        json_object_set_new(changes, "staff_id",
                            json_pack("[I, I]", row_int(row, "staff_id"), (json_int_t)staff_id));
    if (start != row_int(row, "start_at"))
        rc = record_move(req, row, start, location_id, changes);
    return rc;
}

static int
apply_update(struct http_req *req, json_t *row, json_t *changes)
{
    struct svc sv = api_svc(req);
    int64_t staff_id = row_int(row, "staff_id"), start = row_int(row, "start_at");
    int64_t ids[INPUT_MAX_IDS];
    struct sched_services svc;
    const char *notes = NULL;
    size_t n_ids = 0;
    int bad = 0, rc = ERR_OK, new_services;

    bad |= in_int(req, "staff_id", 0, 1, INT64_MAX, &staff_id) != ERR_OK;
    bad |= in_time(req, "start", 0, &start) != ERR_OK;
    bad |= in_text(req, "notes", 0, 10000, &notes) != ERR_OK;
    bad |= in_ids(req, "service_ids", 0, ids, &n_ids) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (strcmp(json_string_value(json_object_get(row, "status")), "cancelled") == 0)
        return http_fail(req, ERR_CONFLICT, "the booking is cancelled");
    new_services = n_ids && !json_equal(json_object_get(row, "service_ids"),
                                        json_object_get(req->json, "service_ids"));
    rc = new_services ? sched_services_load(&sv, "service_ids", ids, n_ids, &svc)
                      : booking_services(req, row, &svc);
    if (rc == ERR_OK && new_services)
        rc = change_services(req, row, &svc, changes);
    if (rc == ERR_OK &&
        (new_services || staff_id != row_int(row, "staff_id") || start != row_int(row, "start_at")))
        rc = move_booking(req, row, staff_id, start, &svc, changes);
    if (rc == ERR_OK && notes) {
        rc = store_booking_set_notes(req->db, row_int(row, "id"), notes, req->now);
        json_object_set_new(changes, "notes", json_true());
    }
    return rc;
}

int
api_bookings_update(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *row = NULL, *changes = json_object();
    int64_t id = req->ids[0];
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = store_begin(req->db, 1);
    if (rc == ERR_OK)
        rc = booking_load(req, id, &row);
    if (rc == ERR_OK)
        rc = apply_update(req, row, changes);
    if (rc == ERR_OK && json_object_size(changes))
        rc = booking_add_history(req, id, "updated", changes);
    if (rc == ERR_OK && (json_object_get(changes, "start") || json_object_get(changes, "staff_id")))
        rc = notify_booking(&sv, id, NOTIFY_RESCHEDULED);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    if (rc == ERR_OK)
        rc = booking_reply(req, resp, id, 200);
    json_decref(row);
    json_decref(changes);
    return rc;
}

/* Patients cancel their own upcoming bookings up to the clinic's notice. */
static int
patient_may_cancel(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    struct sched_settings st;
    int rc = sched_settings_load(&sv, &st);

    if (rc == ERR_OK &&
        row_int(row, "start_at") - req->now < (int64_t)st.client_cancel_notice_min * 60)
        rc = http_fail(req, ERR_CONFLICT,
                       "too late to cancel online: at least %d minutes' notice is needed; "
                       "please call the clinic",
                       st.client_cancel_notice_min);
    return rc;
}

int
api_bookings_cancel(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *reason = "";
    struct billing_ctx b;
    json_t *row = NULL;
    int64_t id = req->ids[0];
    int rc = req->body.len ? http_body_object(req) : ERR_OK;

    if (rc == ERR_OK && req->json)
        rc = in_text(req, "reason", 0, 1000, &reason);
    if (rc == ERR_OK)
        rc = store_begin(req->db, 1);
    if (rc == ERR_OK)
        rc = booking_load(req, id, &row);
    if (rc == ERR_OK && req->auth.role == HTTP_ROLE_PATIENT)
        rc = patient_may_cancel(req, row);
    if (rc == ERR_OK) {
        rc = store_booking_cancel(req->db, id, reason ? reason : "", req->now);
        if (rc == ERR_CONFLICT)
            http_fail(req, rc, "the booking is already cancelled");
    }
    if (rc == ERR_OK)
        rc = billing_ctx_init(&sv, &b);
    if (rc == ERR_OK)
        rc = billing_booking_cancelled(&b, id);
    if (rc == ERR_OK) {
        json_t *changes = json_pack("{s:s}", "reason", reason ? reason : "");

        rc = booking_add_history(req, id, "cancelled", changes);
        json_decref(changes);
    }
    if (rc == ERR_OK)
        rc = notify_booking(&sv, id, NOTIFY_CANCELLED);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    if (rc == ERR_OK)
        rc = booking_reply(req, resp, id, 200);
    json_decref(row);
    return rc;
}

int
api_bookings_history(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *row = NULL, *items = NULL, *item;
    size_t i;
    int rc = booking_load(req, req->ids[0], &row);

    if (rc == ERR_OK)
        rc = sched_location_zone(&sv, row_int(row, "location_id"), &zone);
    if (rc == ERR_OK)
        rc = store_history_list(req->db, req->ids[0], &items);
    json_array_foreach(items, i, item)
    {
        json_object_set_new(item, "at", sched_time_json(row_int(item, "at"), zone));
    }
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "items", items));
        items = NULL;
    }
    json_decref(items);
    json_decref(row);
    return rc;
}

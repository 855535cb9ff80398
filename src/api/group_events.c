/* Group events at the API: reading requests, who sees which event, and
 * the event's JSON shape. Staff create and cancel them; patients and
 * visitors see the ones offered online, without their participants. */
#include "api/group_events.h"

#include <string.h>

#include "api/app.h"
#include "api/appointments.h"
#include "api/booking_rows.h"
#include "api/input.h"
#include "api/schedule.h"
#include "service/group_events.h"
#include "util/err.h"
#include "util/row.h"

#define EVENT_MAX_CAPACITY 10000

static int
is_staff(const struct http_req *req)
{
    return (req->auth.role & (HTTP_ROLE_ADMIN | HTTP_ROLE_STAFF)) != 0;
}

int
group_event_render(struct http_req *req, json_t *row)
{
    static const char *const internal[] = {"start_at",         "end_at",     "buffer_before_min",
                                           "buffer_after_min", "created_at", "cancelled_at",
                                           "seats_held",       NULL};
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    size_t i;
    int rc = sched_location_zone(&sv, row_int(row, "location_id"), &zone);

    if (rc != ERR_OK)
        return rc;
    json_object_set_new(row, "start", sched_time_json(row_int(row, "start_at"), zone));
    json_object_set_new(row, "end", sched_time_json(row_int(row, "end_at"), zone));
    json_object_set_new(row, "online_booking", json_boolean(row_int(row, "online_booking")));
    for (i = 0; internal[i]; i++)
        json_object_del(row, internal[i]);
    return ERR_OK;
}

static int
read_create(struct http_req *req, struct group_event_new *in)
{
    int64_t capacity = 0;
    int bad = 0, online = -1;

    memset(in, 0, sizeof(*in));
    if (http_body_object(req) != ERR_OK)
        return ERR_MALFORMED;
    bad |= in_int(req, "service_id", 1, 1, INT64_MAX, &in->service_id) != ERR_OK;
    bad |= in_int(req, "staff_id", 1, 1, INT64_MAX, &in->staff_id) != ERR_OK;
    bad |= in_int(req, "location_id", 0, 1, INT64_MAX, &in->location_id) != ERR_OK;
    bad |= in_time(req, "start", 1, &in->start) != ERR_OK;
    bad |= in_int(req, "capacity", 0, 1, EVENT_MAX_CAPACITY, &capacity) != ERR_OK;
    if (in_present(req, "online_booking"))
        bad |= in_bool(req, "online_booking", &online) != ERR_OK;
    in->capacity = (int)capacity;
    in->online_booking = online;
    in->recurring =
        !json_is_null(json_object_get(req->json, "recurrence")) && in_present(req, "recurrence");
    if (in->recurring)
        bad |= api_read_recurrence(req, &in->rule) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

/* 201 with the first event, its series and every event of it. */
static int
reply_created(struct http_req *req, struct http_resp *resp, const struct group_event_series *out)
{
    struct svc sv = api_svc(req);
    json_t *first = NULL, *events = json_array(), *row = NULL;
    size_t i;
    int rc = events ? ERR_OK : ERR_NOMEM;

    for (i = 0; rc == ERR_OK && i < out->n; i++) {
        rc = group_events_get(&sv, out->ids[i], &row);
        if (rc == ERR_OK)
            rc = group_event_render(req, row);
        if (rc == ERR_OK && !first)
            first = json_deep_copy(row);
        if (rc == ERR_OK && json_array_append_new(events, row))
            rc = ERR_NOMEM;
        row = NULL;
    }
    if (rc == ERR_OK && (!first || json_object_set_new(first, "events", events)))
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        return http_reply_json(resp, 201, first);
    json_decref(first);
    json_decref(events);
    return rc;
}

int
api_group_events_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct group_event_new in;
    struct group_event_series out;
    int rc = read_create(req, &in);

    if (rc == ERR_OK)
        rc = group_events_create(&sv, &in, &out);
    return rc == ERR_OK ? reply_created(req, resp, &out) : rc;
}

int
api_group_events_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct store_group_event_filter f = {0};
    json_t *items = NULL;
    int limit = 0, bad = 0, rc;

    bad |= query_days(req, &f.from, &f.to) != ERR_OK;
    bad |= query_int(req, "staff_id", 1, INT64_MAX, &f.staff_id) != ERR_OK;
    bad |= query_int(req, "service_id", 1, INT64_MAX, &f.service_id) != ERR_OK;
    bad |= query_page(req, &limit, &f.after_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    f.limit = limit;
    /* Patients and visitors see what they could book. */
    f.online_only = f.live_only = !is_staff(req);
    rc = group_events_list(&sv, &f, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, limit, group_event_render);
}

/* The event the caller may see: an event not offered online is "not
 * found" to patients and visitors. */
static int
load_event(struct http_req *req, int64_t id, json_t **row)
{
    struct svc sv = api_svc(req);
    int rc = group_events_get(&sv, id, row);

    if (rc == ERR_OK && !is_staff(req) &&
        (!row_int(*row, "online_booking") || strcmp(row_text(*row, "status"), "scheduled") != 0)) {
        json_decref(*row);
        *row = NULL;
        return http_fail(req, ERR_NOT_FOUND, "no such group event");
    }
    return rc;
}

int
api_group_events_get(struct http_req *req, struct http_resp *resp)
{
    json_t *row = NULL;
    int rc = load_event(req, req->ids[0], &row);

    if (rc == ERR_OK)
        rc = group_event_render(req, row);
    if (rc == ERR_OK)
        return http_reply_json(resp, 200, row);
    json_decref(row);
    return rc;
}

int
api_group_events_cancel(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *scope;
    int n_events = 0, n_bookings = 0;
    int rc = api_read_scope(req, &scope);

    if (rc == ERR_OK)
        rc = group_events_cancel(&sv, req->ids[0], scope, &n_events, &n_bookings);
    if (rc != ERR_OK)
        return rc;
    return http_reply_json(
        resp, 200,
        json_pack("{s:i, s:i}", "cancelled", n_events, "bookings_cancelled", n_bookings));
}

int
api_group_events_participants(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *items = NULL;
    int rc = group_events_participants(&sv, req->ids[0], &items);

    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, -1, booking_render);
}

/* The calendar's day view: for one location and one local date, a column
 * per staff member working there, with that weekday's shifts and the day's
 * bookings, appointments, time off and group events (a class as one
 * event with its seats; its participants are not shown beside it), all
 * rendered in the location's zone. The day is [local midnight, next local
 * midnight), so DST days really are 23 or 25 hours long. */
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/calendar_resources.h"
#include "api/calendar.h"
#include "api/input.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "core/civil.h"
#include "service/group_events.h"
#include "service/visits.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

/* Lists are read from the store in pages of this many rows. */
#define CAL_PAGE 500
/* No booking or appointment lasts longer than a day, so one starting a day
 * before the window is the earliest that can still reach into it. */
#define CAL_EVENT_MAX_S 86400
/* Up to 32 services of at most 200 bytes each, with separators. */
#define CAL_TITLE_MAX 8192

/* Also the order of events that start at the same instant. */
enum cal_kind { CAL_BOOKING, CAL_APPOINTMENT, CAL_TIME_OFF, CAL_GROUP_EVENT };

static const char *const cal_kind_names[] = {"booking", "appointment", "time_off", "group_event"};

/* What each list read from the store holds. */
enum cal_list {
    CAL_LIST_STAFF,
    CAL_LIST_SERVICES,
    CAL_LIST_BOOKINGS,
    CAL_LIST_APPOINTMENTS,
    CAL_LIST_TIME_OFF,
    CAL_LIST_GROUP_EVENTS,
    CAL_LIST_COUNT
};

struct cal_day {
    int64_t day;      /* civil day number */
    int64_t from, to; /* [local midnight, next local midnight) as UTC */
    int64_t location_id;
    const struct tz_zone *zone;
    const char *zone_name; /* arena-owned */
    char date[CIVIL_DATE_LEN];
};

struct cal_event {
    int64_t staff_id;
    int64_t start;
    int64_t id;
    enum cal_kind kind;
    json_t *json; /* owned until moved into a staff column */
};

/* A staff member of the location: their shifts there. */
struct cal_staff {
    struct store_shift *shifts; /* arena-owned */
    size_t n_shifts;
};

/* Every staff member's events of the day, sorted by staff then start. */
struct cal_events {
    struct cal_event *v; /* arena-owned */
    size_t n;
};

static int
read_day(struct http_req *req, struct cal_day *d)
{
    json_t *loc = NULL;
    int bad = 0, rc;

    memset(d, 0, sizeof(*d));
    bad |= query_date(req, "date", 1, &d->day) != ERR_OK;
    if (!http_query(req, "location_id"))
        bad |= http_field_error(req, "location_id", "is required") != ERR_OK;
    else
        bad |= query_int(req, "location_id", 1, INT64_MAX, &d->location_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = store_row_get(req->db, &setup_locations.table, d->location_id, &loc);
    if (rc == ERR_NOT_FOUND)
        rc = http_field_error(req, "location_id", "names a location that does not exist");
    if (rc == ERR_OK) {
        d->zone_name =
            arena_strdup(&req->arena, json_string_value(json_object_get(loc, "timezone")));
        rc = d->zone_name ? tzdb_get(req->app->tzdb, d->zone_name, &d->zone) : ERR_NOMEM;
    }
    json_decref(loc);
    if (rc != ERR_OK)
        return rc;
    civil_format_date(d->day, d->date);
    d->from = sched_day_start(d->zone, d->day);
    d->to = sched_day_start(d->zone, d->day + 1);
    return ERR_OK;
}

/* Bookings are not among these lists: they are read for the location's
 * staff only (load_staff), a day of every location's bookings being far
 * more than one location's columns show. */
static int
fetch_page(struct http_req *req, const struct cal_day *d, enum cal_list list, int64_t after,
           json_t **page)
{
    struct store_event_filter ef = {
        .from = d->from - CAL_EVENT_MAX_S, .to = d->to, .after_id = after, .limit = CAL_PAGE};
    struct store_group_event_filter gf = {.from = d->from - CAL_EVENT_MAX_S,
                                          .to = d->to,
                                          .live_only = 1,
                                          .after_id = after,
                                          .limit = CAL_PAGE};
    struct svc sv = api_svc(req);

    switch (list) {
    case CAL_LIST_SERVICES:
        return store_row_list(req->db, &setup_services.table, NULL, after, CAL_PAGE, page);
    case CAL_LIST_APPOINTMENTS:
        return store_appointment_list(req->db, &ef, page);
    case CAL_LIST_TIME_OFF:
        /* Time off can be long; the store matches it by overlap. */
        ef.from = d->from;
        return store_time_off_list(req->db, &ef, page);
    case CAL_LIST_GROUP_EVENTS:
        return group_events_list(&sv, &gf, page);
    case CAL_LIST_STAFF:
    case CAL_LIST_BOOKINGS:
    case CAL_LIST_COUNT:
        break;
    }
    return ERR_INVALID;
}

/* The whole list, page after page, appended to out. */
static int
fetch_all(struct http_req *req, const struct cal_day *d, enum cal_list list, json_t *out)
{
    json_t *page = NULL;
    int64_t after = 0;
    size_t n = CAL_PAGE;
    int rc = ERR_OK;

    while (rc == ERR_OK && n == CAL_PAGE) {
        rc = fetch_page(req, d, list, after, &page);
        n = json_array_size(page);
        if (rc == ERR_OK && n > 0) {
            after = row_int(json_array_get(page, n - 1), "id");
            rc = json_array_extend(out, page) ? ERR_NOMEM : ERR_OK;
        }
        json_decref(page);
        page = NULL;
    }
    return rc;
}

/* Not cancelled and reaching into the day. */
static int
is_live(const struct cal_day *d, json_t *row)
{
    const char *status = json_string_value(json_object_get(row, "status"));

    return (!status || strcmp(status, "cancelled") != 0) && row_int(row, "end_at") > d->from &&
           row_int(row, "start_at") < d->to;
}

static json_t *
patient_json(json_t *row)
{
    json_t *id = json_object_get(row, "patient_id"), *name = json_object_get(row, "patient_name");

    if (!json_is_integer(id))
        return json_null();
    return json_pack("{s:O, s:O}", "id", id, "name", name ? name : json_null());
}

/* Appends one event; patient is stolen. */
static int
add_event(struct cal_events *ev, const struct cal_day *d, json_t *row, enum cal_kind kind,
          const char *title, const char *status, json_t *patient)
{
    struct cal_event *e = &ev->v[ev->n];

    e->staff_id = row_int(row, "staff_id");
    e->start = row_int(row, "start_at");
    e->id = row_int(row, "id");
    e->kind = kind;
    e->json = json_pack("{s:s, s:I, s:o, s:o, s:s, s:s, s:o}", "kind", cal_kind_names[kind], "id",
                        (json_int_t)e->id, "start", sched_time_json(e->start, d->zone), "end",
                        sched_time_json(row_int(row, "end_at"), d->zone), "title", title, "status",
                        status, "patient", patient ? patient : json_null());
    if (!e->json)
        return ERR_NOMEM;
    /* Bookings and appointments say whether the patient came; time off
     * has no attendance. */
    if (json_is_string(json_object_get(row, "attendance")) &&
        json_object_set(e->json, "attendance", json_object_get(row, "attendance"))) {
        json_decref(e->json);
        return ERR_NOMEM;
    }
    ev->n++;
    return ERR_OK;
}

/* A booking is titled by its services' names, e.g. "Check-up, Cleaning". */
static int
booking_title(json_t *services, json_t *row, struct buf *title)
{
    json_t *ids = json_object_get(row, "service_ids"), *id, *svc;
    const char *name;
    size_t i, j;
    int rc = ERR_OK;

    buf_reset(title);
    json_array_foreach(ids, i, id)
    {
        name = NULL;
        json_array_foreach(services, j, svc)
        {
            if (row_int(svc, "id") == json_integer_value(id))
                name = json_string_value(json_object_get(svc, "name"));
        }
        if (rc == ERR_OK && title->len)
            rc = buf_puts(title, ", ");
        if (rc == ERR_OK)
            rc = buf_puts(title, name ? name : "Service");
    }
    return rc;
}

static int
add_bookings(const struct cal_day *d, json_t **lists, struct cal_events *ev)
{
    struct buf title;
    json_t *row;
    size_t i;
    int rc = ERR_OK;

    buf_init(&title, CAL_TITLE_MAX);
    json_array_foreach(lists[CAL_LIST_BOOKINGS], i, row)
    {
        /* A group event's participants are in its event, not beside it. */
        if (rc != ERR_OK || !is_live(d, row) || row_int(row, "group_event_id") > 0)
            continue;
        rc = booking_title(lists[CAL_LIST_SERVICES], row, &title);
        if (rc == ERR_OK)
            rc = add_event(ev, d, row, CAL_BOOKING, title.len ? title.data : "Booking",
                           json_string_value(json_object_get(row, "status")), patient_json(row));
    }
    buf_cleanup(&title);
    return rc;
}

/* A class shows in its staff member's column as one event, with how many
 * of its seats are taken. */
static int
add_group_events(const struct cal_day *d, json_t **lists, struct cal_events *ev)
{
    json_t *row, *svc, *ids;
    const char *title;
    size_t i, j;
    int rc = ERR_OK;

    json_array_foreach(lists[CAL_LIST_GROUP_EVENTS], i, row)
    {
        if (rc != ERR_OK || !is_live(d, row))
            continue;
        title = "Group event";
        ids = lists[CAL_LIST_SERVICES];
        json_array_foreach(ids, j, svc)
        {
            if (row_int(svc, "id") == row_int(row, "service_id"))
                title = json_string_value(json_object_get(svc, "name"));
        }
        rc = add_event(ev, d, row, CAL_GROUP_EVENT, title ? title : "Group event", "scheduled",
                       NULL);
        if (rc == ERR_OK &&
            (json_object_set(ev->v[ev->n - 1].json, "seats_taken",
                             json_object_get(row, "seats_taken")) ||
             json_object_set(ev->v[ev->n - 1].json, "capacity", json_object_get(row, "capacity")) ||
             json_object_set(ev->v[ev->n - 1].json, "service_id",
                             json_object_get(row, "service_id"))))
            rc = ERR_NOMEM;
    }
    return rc;
}

static int
add_others(const struct cal_day *d, json_t **lists, struct cal_events *ev)
{
    const char *title;
    json_t *row;
    size_t i;
    int rc = ERR_OK;

    json_array_foreach(lists[CAL_LIST_APPOINTMENTS], i, row)
    {
        if (rc != ERR_OK || !is_live(d, row))
            continue;
        title = json_string_value(json_object_get(row, "action_name"));
        rc = add_event(ev, d, row, CAL_APPOINTMENT, title ? title : "Appointment",
                       json_string_value(json_object_get(row, "status")), patient_json(row));
    }
    json_array_foreach(lists[CAL_LIST_TIME_OFF], i, row)
    {
        if (rc != ERR_OK || !is_live(d, row))
            continue;
        title = json_string_value(json_object_get(row, "reason"));
        rc = add_event(ev, d, row, CAL_TIME_OFF, title && *title ? title : "Time off", "time_off",
                       NULL);
    }
    return rc;
}

static int
event_cmp(const void *pa, const void *pb)
{
    const struct cal_event *a = pa, *b = pb;

    if (a->staff_id != b->staff_id)
        return a->staff_id < b->staff_id ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Bookings and appointments name their visit at this location (null when
 * in none); the day's visits come from one query, not one per event. */
static int
add_visit_ids(struct http_req *req, const struct cal_day *d, struct cal_events *ev)
{
    struct svc sv = api_svc(req);
    json_t *ids = NULL, *v;
    char key[48];
    size_t i;
    int rc = visits_day_ids(&sv, d->day, d->location_id, &ids);

    for (i = 0; rc == ERR_OK && i < ev->n; i++) {
        if (ev->v[i].kind == CAL_TIME_OFF || ev->v[i].kind == CAL_GROUP_EVENT)
            continue;
        snprintf(key, sizeof(key), "%s:%lld", cal_kind_names[ev->v[i].kind],
                 (long long)ev->v[i].id);
        v = json_object_get(ids, key);
        if (json_object_set(ev->v[i].json, "visit_id", v ? v : json_null()))
            rc = ERR_NOMEM;
    }
    json_decref(ids);
    return rc;
}

/* Every event of the day of every staff member, sorted so that each staff
 * column takes the next run of it. */
static int
collect_events(struct http_req *req, const struct cal_day *d, json_t **lists, struct cal_events *ev)
{
    size_t cap =
        json_array_size(lists[CAL_LIST_BOOKINGS]) + json_array_size(lists[CAL_LIST_APPOINTMENTS]) +
        json_array_size(lists[CAL_LIST_TIME_OFF]) + json_array_size(lists[CAL_LIST_GROUP_EVENTS]);
    int rc;

    ev->v = arena_calloc(&req->arena, cap ? cap : 1, sizeof(*ev->v));
    if (!ev->v)
        return ERR_NOMEM;
    rc = add_bookings(d, lists, ev);
    if (rc == ERR_OK)
        rc = add_others(d, lists, ev);
    if (rc == ERR_OK)
        rc = add_group_events(d, lists, ev);
    if (rc == ERR_OK)
        rc = add_visit_ids(req, d, ev);
    if (rc == ERR_OK && ev->n > 1)
        qsort(ev->v, ev->n, sizeof(*ev->v), event_cmp);
    return rc;
}

/* That weekday's shifts at this location, as instants of this date. */
static json_t *
shifts_json(const struct cal_day *d, const struct store_shift *s, size_t n)
{
    json_t *out = json_array();
    int weekday = civil_weekday(d->day);
    size_t i;

    for (i = 0; out && i < n; i++) {
        if (s[i].weekday != weekday || s[i].location_id != d->location_id)
            continue;
        if (json_array_append_new(
                out,
                json_pack(
                    "{s:o, s:o}", "start",
                    sched_time_json(tz_local_to_utc(d->zone, d->day * 86400 + s[i].start_min * 60),
                                    d->zone),
                    "end",
                    sched_time_json(tz_local_to_utc(d->zone, d->day * 86400 + s[i].end_min * 60),
                                    d->zone)))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* Who works at the location (linked to it or with a shift there), their
 * shifts there and their bookings of the day: a query each for them all. */
static int
load_staff(struct http_req *req, const struct cal_day *d, json_t **lists, struct cal_staff **staff)
{
    size_t n, i, sh = 0, first, n_shifts = 0;
    struct store_shift *shifts = NULL;
    struct cal_staff *s;
    int64_t *ids = NULL;
    int rc = store_location_members(req->db, d->location_id, &lists[CAL_LIST_STAFF]);

    n = json_array_size(lists[CAL_LIST_STAFF]);
    *staff = arena_calloc(&req->arena, n ? n : 1, sizeof(**staff));
    ids = arena_calloc(&req->arena, n ? n : 1, sizeof(*ids));
    if (rc == ERR_OK && (!*staff || !ids))
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        rc = store_location_shifts(req->db, d->location_id, &req->arena, &shifts, &n_shifts);
    /* Both lists ascend by staff id: walk them together. */
    for (i = 0; rc == ERR_OK && i < n; i++) {
        s = &(*staff)[i];
        ids[i] = row_int(json_array_get(lists[CAL_LIST_STAFF], i), "id");
        while (sh < n_shifts && shifts[sh].staff_id < ids[i])
            sh++;
        for (first = sh; sh < n_shifts && shifts[sh].staff_id == ids[i]; sh++)
            ;
        s->shifts = shifts ? shifts + first : NULL;
        s->n_shifts = sh - first;
    }
    if (rc == ERR_OK)
        rc = store_diary_bookings(req->db, ids, n, d->from - CAL_EVENT_MAX_S, d->to, d->from,
                                  &lists[CAL_LIST_BOOKINGS]);
    return rc;
}

/* Appends staff's column to columns; their events (the run at *next) move
 * into it. */
static int
staff_column(const struct cal_day *d, json_t *staff, const struct cal_staff *cs,
             struct cal_events *ev, size_t *next, json_t *columns)
{
    int64_t id = row_int(staff, "id");
    json_t *events, *name = json_object_get(staff, "name");

    /* Events of staff members who do not work here stay behind. */
    while (*next < ev->n && ev->v[*next].staff_id < id)
        (*next)++;
    events = json_array();
    for (; events && *next < ev->n && ev->v[*next].staff_id == id; (*next)++) {
        if (json_array_append_new(events, ev->v[*next].json)) {
            ev->v[*next].json = NULL;
            json_decref(events);
            return ERR_NOMEM;
        }
        ev->v[*next].json = NULL;
    }
    return json_array_append_new(
               columns,
               json_pack("{s:I, s:O, s:O?, s:o, s:o}", "id", (json_int_t)id, "name",
                         name ? name : json_null(), "color", json_object_get(staff, "color"),
                         "shifts", shifts_json(d, cs->shifts, cs->n_shifts), "events", events))
               ? ERR_NOMEM
               : ERR_OK;
}

static int
build_columns(const struct cal_day *d, json_t **lists, const struct cal_staff *cs,
              struct cal_events *ev, json_t **columns)
{
    json_t *staff;
    size_t i, next = 0;
    int rc = ERR_OK;

    *columns = json_array();
    if (!*columns)
        return ERR_NOMEM;
    json_array_foreach(lists[CAL_LIST_STAFF], i, staff)
    {
        if (rc == ERR_OK)
            rc = staff_column(d, staff, &cs[i], ev, &next, *columns);
    }
    return rc;
}

/* No transaction here: the dispatcher runs every GET in one read
 * transaction, so these lists already agree with each other. */
static int
load_day(struct http_req *req, const struct cal_day *d, json_t **lists, struct cal_events *ev,
         json_t **columns)
{
    struct cal_staff *staff = NULL;
    int i, rc = ERR_OK;

    /* The staff and bookings lists come from load_staff. */
    for (i = 0; rc == ERR_OK && i < CAL_LIST_COUNT; i++) {
        if (i == CAL_LIST_STAFF || i == CAL_LIST_BOOKINGS)
            continue;
        lists[i] = json_array();
        rc = lists[i] ? fetch_all(req, d, (enum cal_list)i, lists[i]) : ERR_NOMEM;
    }
    if (rc == ERR_OK)
        rc = load_staff(req, d, lists, &staff);
    if (rc == ERR_OK)
        rc = collect_events(req, d, lists, ev);
    if (rc == ERR_OK)
        rc = build_columns(d, lists, staff, ev, columns);
    return rc;
}

int
api_calendar(struct http_req *req, struct http_resp *resp)
{
    struct cal_day d;
    struct cal_events ev = {NULL, 0};
    json_t *lists[CAL_LIST_COUNT] = {NULL}, *columns = NULL;
    const char *view = http_query(req, "view");
    int by_resource = view && strcmp(view, "resources") == 0;
    size_t i;
    int rc = read_day(req, &d);

    if (rc == ERR_OK && view && !by_resource && strcmp(view, "staff") != 0)
        rc = http_field_error(req, "view", "must be \"staff\" or \"resources\"");
    if (rc == ERR_OK)
        rc = by_resource
                 ? calendar_resource_columns(req, d.location_id, d.from, d.to, d.zone, &columns)
                 : load_day(req, &d, lists, &ev, &columns);
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200,
                             json_pack("{s:s, s:s, s:I, s:s, s:o}", "date", d.date, "timezone",
                                       d.zone_name, "location_id", (json_int_t)d.location_id,
                                       "view", by_resource ? "resources" : "staff",
                                       by_resource ? "resources" : "staff", columns));
        columns = NULL;
    }
    for (i = 0; i < ev.n; i++)
        json_decref(ev.v[i].json);
    for (i = 0; i < CAL_LIST_COUNT; i++)
        json_decref(lists[i]);
    json_decref(columns);
    return rc;
}

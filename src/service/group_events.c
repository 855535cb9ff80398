#include "service/group_events.h"

#include <string.h>

#include "service/bookings.h"
#include "service/resources.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

struct create_args {
    const struct group_event_new *in;
    const struct sched_services *svc;
    const struct tz_zone *zone;
    struct group_event_series *out;
};

static int
check_ref(const struct svc *s, const struct store_table *t, int64_t id, const char *field,
          const char *message)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, t, id, &row);

    json_decref(row);
    return rc == ERR_NOT_FOUND ? svc_field_error(s, field, message) : rc;
}

/* The location the event is at: the one asked for, else the staff
 * member's first. */
static int
event_location(const struct svc *s, const struct group_event_new *in, int64_t *location_id)
{
    json_t *ids = NULL;
    int rc;

    if (in->location_id > 0) {
        *location_id = in->location_id;
        return check_ref(s, &setup_locations.table, in->location_id, "location_id",
                         "names a location that does not exist");
    }
    rc = store_staff_links_get(s->db, in->staff_id, "locations", &ids);
    if (rc == ERR_OK && json_array_size(ids) == 0)
        rc = svc_field_error(s, "location_id", "is needed: the staff member has no location");
    if (rc == ERR_OK)
        *location_id = json_integer_value(json_array_get(ids, 0));
    json_decref(ids);
    return rc;
}

/* Whether anything of the staff member (with its own buffers) or a live
 * hold overlaps the occupied interval [ws, we). */
static int
staff_busy(const struct svc *s, int64_t staff_id, int64_t ws, int64_t we, int *busy)
{
    struct store_hold_skip none = {NULL, 0, s->now};
    struct store_busy *rows = NULL, *held = NULL;
    size_t n = 0, n_held = 0, i;
    int rc = store_avail_busy(s->db, &staff_id, 1, ws, we, 0, s->arena, &rows, &n);

    if (rc == ERR_OK)
        rc = store_hold_busy(s->db, &staff_id, 1, ws, we, &none, s->arena, &held, &n_held);
    *busy = 0;
    for (i = 0; rc == ERR_OK && i < n; i++)
        *busy |= rows[i].end > rows[i].start && rows[i].start < we && rows[i].end > ws;
    for (i = 0; rc == ERR_OK && i < n_held; i++)
        *busy |= held[i].end > held[i].start && held[i].start < we && held[i].end > ws;
    return rc;
}

/* One occurrence: the staff member free, the units taken, the row in. */
static int
insert_one(const struct svc *s, const struct create_args *a, const struct resource_needs *needs,
           struct store_group_event *e, int64_t *id)
{
    int64_t ws = e->start_at - (int64_t)e->buffer_before_min * 60;
    int64_t we = e->end_at + (int64_t)e->buffer_after_min * 60;
    struct store_unit_use *units = NULL;
    char when[TZ_RFC3339_LEN];
    size_t n_units = 0;
    int busy = 0, rc = staff_busy(s, e->staff_id, ws, we, &busy);

    tz_format_rfc3339(e->start_at, tz_offset_at(a->zone, e->start_at), when);
    if (rc == ERR_OK && busy)
        return svc_fail(s, ERR_CONFLICT, "the staff member is busy at %s", when);
    if (rc == ERR_OK)
        rc = resources_pick(s, needs, e->location_id, ws, we, &units, &n_units);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "a resource the service needs is taken at %s", when);
    if (rc == ERR_OK)
        rc = store_group_event_insert(s->db, e, id);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the staff member has another group event at %s", when);
    if (rc == ERR_OK && n_units)
        rc = store_group_event_units_set(s->db, *id, units, n_units);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "a resource the service needs is taken at %s", when);
    return rc;
}

/* Under the staff member's lock (and the resources'), as a booking: of
 * an event and a booking racing for one time, one wins. */
static int
create_series(const struct svc *s, void *arg)
{
    struct create_args *a = arg;
    const struct group_event_new *in = a->in;
    struct sched_services rooms = *a->svc;
    struct store_hold_skip none = {NULL, 0, s->now};
    struct store_group_event e = {0};
    struct resource_needs needs;
    int64_t *starts = NULL, staff_id = in->staff_id;
    size_t i, n = 0;
    int rc =
        sched_recur_starts(s, in->start, in->recurring ? &in->rule : NULL, a->zone, &starts, &n);

    if (rc == ERR_OK)
        rc = event_location(s, in, &e.location_id);
    if (rc == ERR_OK)
        rc = store_lock_staff(s->db, &staff_id, 1);
    /* The class takes its room once, not per seat. */
    rooms.group_service_id = 0;
    if (rc == ERR_OK)
        rc = resources_needs_load(s, &rooms, starts[0] - SCHED_BUFFERS_MAX_S - 86400,
                                  starts[n - 1] + SCHED_BUFFERS_MAX_S + 2 * 86400, 0, &none, 1,
                                  &needs);
    a->out->ids = rc == ERR_OK ? arena_calloc(s->arena, n, sizeof(int64_t)) : NULL;
    if (rc == ERR_OK && !a->out->ids)
        rc = ERR_NOMEM;
    e.service_id = in->service_id;
    e.staff_id = in->staff_id;
    e.capacity = in->capacity > 0 ? in->capacity : a->svc->items[0].capacity;
    e.online_booking =
        in->online_booking >= 0 ? in->online_booking : a->svc->items[0].online_booking;
    e.buffer_before_min = a->svc->buffer_before_min;
    e.buffer_after_min = a->svc->buffer_after_min;
    e.created_at = s->now;
    for (i = 0; rc == ERR_OK && i < n; i++) {
        e.start_at = starts[i];
        e.end_at = starts[i] + (int64_t)a->svc->duration_min * 60;
        e.series_id = a->out->series_id;
        rc = insert_one(s, a, &needs, &e, &a->out->ids[i]);
        /* A series is named after its first event. */
        if (rc == ERR_OK && i == 0 && in->recurring) {
            a->out->series_id = a->out->ids[0];
            rc = store_group_event_set_series(s->db, a->out->ids[0], a->out->ids[0]);
        }
        a->out->n = i + 1;
    }
    return rc;
}

int
group_events_create(const struct svc *s, const struct group_event_new *in,
                    struct group_event_series *out)
{
    struct sched_settings settings;
    struct sched_services svc;
    struct create_args a = {in, &svc, NULL, out};
    int rc = sched_settings_load(s, &settings);

    memset(out, 0, sizeof(*out));
    if (rc == ERR_OK && strcmp(settings.appointment_mode, "individual") == 0)
        return svc_fail(s, ERR_CONFLICT,
                        "the clinic takes individual appointments only (appointment_mode)");
    if (rc == ERR_OK)
        rc = sched_services_load(s, "service_id", &in->service_id, 1, &svc);
    if (rc == ERR_OK)
        rc = check_ref(s, &setup_staff.table, in->staff_id, "staff_id",
                       "names a staff member that does not exist");
    if (rc == ERR_OK)
        rc = sched_staff_zone(s, in->staff_id, &a.zone);
    if (rc == ERR_OK)
        rc = svc_write(s, create_series, &a);
    return rc;
}

/* What is left for anyone: taken and held seats both count. */
static void
add_seats_left(json_t *row)
{
    int64_t left =
        row_int(row, "capacity") - row_int(row, "seats_taken") - row_int(row, "seats_held");

    json_object_set_new(row, "seats_left", json_integer(left > 0 ? left : 0));
}

int
group_events_get(const struct svc *s, int64_t id, json_t **row)
{
    int rc = store_group_event_get(s->db, id, s->now, row);

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such group event");
    if (rc == ERR_OK)
        add_seats_left(*row);
    return rc;
}

int
group_events_list(const struct svc *s, const struct store_group_event_filter *f, json_t **items)
{
    json_t *row;
    size_t i;
    int rc = store_group_event_list(s->db, f, s->now, items);

    json_array_foreach(*items, i, row)
    {
        add_seats_left(row);
    }
    return rc;
}

/* Live participants: a cancelled booking has given its seats back. */
static int
event_participants(const struct svc *s, int64_t id, json_t **items)
{
    struct store_booking_filter f = {0};
    json_t *all = NULL, *row;
    size_t i;
    int rc;

    *items = json_array();
    f.group_event_id = id;
    f.limit = -1;
    rc = *items ? store_booking_list(s->db, &f, &all) : ERR_NOMEM;
    json_array_foreach(all, i, row)
    {
        if (rc == ERR_OK && strcmp(row_text(row, "status"), "cancelled") != 0)
            rc = json_array_append(*items, row) ? ERR_NOMEM : ERR_OK;
    }
    json_decref(all);
    return rc;
}

int
group_events_participants(const struct svc *s, int64_t id, json_t **items)
{
    json_t *row = NULL;
    int rc = group_events_get(s, id, &row);

    json_decref(row);
    *items = NULL;
    if (rc != ERR_OK)
        return rc;
    return event_participants(s, id, items);
}

struct cancel_args {
    int64_t id;
    const char *scope;
    int n_events, n_bookings;
};

/* One event and its participants; the bookings go through the booking
 * cancel itself, so each is mailed, its invoice voided and its history
 * written as when it is cancelled alone. */
static int
cancel_one(const struct svc *s, int64_t id, struct cancel_args *a)
{
    json_t *parts = NULL, *b;
    size_t i;
    int rc = store_group_event_cancel(s->db, id, s->now);

    if (rc == ERR_OK)
        rc = store_group_event_units_set(s->db, id, NULL, 0);
    if (rc == ERR_OK)
        rc = event_participants(s, id, &parts);
    json_array_foreach(parts, i, b)
    {
        if (rc != ERR_OK)
            break;
        rc = bookings_cancel_tx(s, row_int(b, "id"), "the group event was cancelled");
        if (rc == ERR_OK)
            a->n_bookings++;
        /* Its patient cancelled it since it was read: a booking's own
         * cancel takes no staff lock, so it may commit in between. */
        else if (rc == ERR_CONFLICT)
            rc = ERR_OK;
    }
    if (rc == ERR_OK)
        a->n_events++;
    json_decref(parts);
    return rc;
}

static int
cancel_events(const struct svc *s, void *arg)
{
    struct cancel_args *a = arg;
    json_t *row = NULL, *ids = NULL, *v;
    int64_t staff_id;
    size_t i;
    int rc = store_group_event_get(s->db, a->id, s->now, &row);

    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, rc, "no such group event");
    /* Seats are not taken while their event goes; the status is read
     * again under the lock, so of two cancels of one event one wins. */
    staff_id = row_int(row, "staff_id");
    if (rc == ERR_OK)
        rc = store_lock_staff(s->db, &staff_id, 1);
    if (rc == ERR_OK) {
        json_decref(row);
        row = NULL;
        rc = store_group_event_get(s->db, a->id, s->now, &row);
    }
    if (rc == ERR_OK && strcmp(row_text(row, "status"), "cancelled") == 0)
        rc = svc_fail(s, ERR_CONFLICT, "the group event is already cancelled");
    if (rc == ERR_OK)
        rc = store_group_event_scope(s->db, a->id, a->scope, &ids);
    json_array_foreach(ids, i, v)
    {
        if (rc != ERR_OK)
            break;
        rc = cancel_one(s, json_integer_value(v), a);
    }
    json_decref(ids);
    json_decref(row);
    return rc;
}

int
group_events_cancel(const struct svc *s, int64_t id, const char *scope, int *n_events,
                    int *n_bookings)
{
    struct cancel_args a = {id, scope, 0, 0};
    int rc = svc_write(s, cancel_events, &a);

    *n_events = rc == ERR_OK ? a.n_events : 0;
    *n_bookings = rc == ERR_OK ? a.n_bookings : 0;
    return rc;
}

static void
event_from_row(json_t *row, struct store_group_event *e)
{
    e->series_id = row_int(row, "series_id");
    e->service_id = row_int(row, "service_id");
    e->staff_id = row_int(row, "staff_id");
    e->location_id = row_int(row, "location_id");
    e->start_at = row_int(row, "start_at");
    e->end_at = row_int(row, "end_at");
    e->capacity = (int)row_int(row, "capacity");
    e->online_booking = (int)row_int(row, "online_booking");
    e->buffer_before_min = (int)row_int(row, "buffer_before_min");
    e->buffer_after_min = (int)row_int(row, "buffer_after_min");
}

/* Seats are counted after the staff lock is taken: every participant of
 * one event waits for it, so of racers for the last seat one wins. */
int
group_events_take_seats(const struct svc *s, int64_t id, int seats, int64_t skip_hold_id,
                        struct store_group_event *e)
{
    json_t *row = NULL;
    int64_t staff_id;
    int taken = 0, held = 0;
    int rc = store_group_event_get(s->db, id, s->now, &row);

    if (rc == ERR_NOT_FOUND)
        rc = svc_field_error(s, "group_event_id", "names a group event that does not exist");
    if (rc != ERR_OK)
        goto out;
    staff_id = row_int(row, "staff_id");
    rc = store_lock_staff(s->db, &staff_id, 1);
    json_decref(row);
    row = NULL;
    /* Read again under the lock: it may have been cancelled meanwhile. */
    if (rc == ERR_OK)
        rc = store_group_event_get(s->db, id, s->now, &row);
    if (rc != ERR_OK)
        goto out;
    event_from_row(row, e);
    if (strcmp(row_text(row, "status"), "scheduled") != 0)
        rc = svc_fail(s, ERR_CONFLICT, "the group event is cancelled");
    else if (e->start_at <= s->now)
        rc = svc_fail(s, ERR_CONFLICT, "the group event has already started");
    if (rc == ERR_OK)
        rc = store_group_event_seats(s->db, id, s->now, skip_hold_id, &taken, &held);
    if (rc == ERR_OK && taken + held + seats > e->capacity)
        rc = taken + held >= e->capacity
                 ? svc_fail(s, ERR_CONFLICT, "the group event is full")
                 : svc_fail(s, ERR_CONFLICT, "the group event has only %d seats left",
                            e->capacity - taken - held);
out:
    json_decref(row);
    return rc;
}

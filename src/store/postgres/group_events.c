/* PostgreSQL backend: group events, their seats and the units they hold.
 * Events are written under the staff member's advisory lock
 * (store_lock_staff), which serialises them against that staff member's
 * bookings and participants; the exclusion constraint
 * group_events_no_overlap refuses two live events of one staff member at
 * once should that ever be bypassed. */
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* Seats are counted where the event is read, so a list shows what is
 * left without a query per event. */
#define EVENT_COLUMNS                                                                              \
    "SELECT e.id, e.series_id, e.service_id, e.staff_id, e.location_id, e.start_at, e.end_at, "    \
    "e.capacity, e.online_booking, e.status, e.buffer_before_min, e.buffer_after_min, "            \
    "e.created_at, e.cancelled_at, "                                                               \
    "coalesce((SELECT sum(b.seats) FROM bookings b WHERE b.group_event_id = e.id "                 \
    "AND b.status <> 'cancelled'), 0)::bigint AS seats_taken, "                                    \
    "coalesce((SELECT sum(h.seats) FROM holds h WHERE h.group_event_id = e.id "                    \
    "AND h.expires_at > $1::bigint), 0)::bigint AS seats_held "                                    \
    "FROM group_events e "

static const char SQL_EVENT_INSERT[] =
    "INSERT INTO group_events (series_id, service_id, staff_id, location_id, start_at, end_at, "
    "capacity, online_booking, buffer_before_min, buffer_after_min, created_at) "
    "VALUES (NULLIF($1::bigint, 0), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
static const char SQL_EVENT_SERIES[] = "UPDATE group_events SET series_id = $1 WHERE id = $2";
static const char SQL_EVENT_GET[] = EVENT_COLUMNS "WHERE e.id = $2::bigint";
/* A negative limit is no limit, as in SQLite. */
static const char SQL_EVENT_LIST[] =
    EVENT_COLUMNS "WHERE ($2::bigint = 0 OR e.start_at >= $2::bigint) "
                  "AND ($3::bigint = 0 OR e.start_at < $3::bigint) "
                  "AND ($4::bigint = 0 OR e.staff_id = $4::bigint) "
                  "AND ($5::bigint = 0 OR e.service_id = $5::bigint) "
                  "AND ($6::bigint = 0 OR e.online_booking = 1) "
                  "AND ($7::bigint = 0 OR e.status = 'scheduled') "
                  "AND e.id > $8::bigint ORDER BY e.id "
                  "LIMIT CASE WHEN $9::bigint < 0 THEN NULL ELSE $9::bigint END";
static const char SQL_EVENT_SCOPE[] =
    "SELECT coalesce(json_agg(o.id ORDER BY o.start_at, o.id), '[]')::text "
    "FROM group_events e JOIN group_events o "
    "ON (o.id = e.id OR (e.series_id IS NOT NULL AND o.series_id = e.series_id "
    "AND $2::text <> 'this' AND ($2::text = 'series' OR o.start_at >= e.start_at))) "
    "WHERE e.id = $1::bigint AND o.status = 'scheduled'";
static const char SQL_EVENT_CANCEL[] =
    "UPDATE group_events SET status = 'cancelled', cancelled_at = $1 "
    "WHERE id = $2 AND status = 'scheduled'";
static const char SQL_EVENT_SEATS[] =
    "SELECT coalesce((SELECT sum(seats) FROM bookings WHERE group_event_id = $1::bigint "
    "AND status <> 'cancelled'), 0)::bigint, coalesce((SELECT sum(seats) FROM holds "
    "WHERE group_event_id = $1::bigint AND expires_at > $2::bigint AND id <> $3::bigint), "
    "0)::bigint";
static const char SQL_EVENT_UNITS_DELETE[] =
    "DELETE FROM booking_resources WHERE group_event_id = $1";
static const char SQL_EVENT_UNIT_INSERT[] =
    "INSERT INTO booking_resources (group_event_id, resource_id, unit, start_at, end_at) "
    "VALUES ($1, $2, $3, $4, $5)";

int
pgsql_group_event_insert(struct store_conn *c, const struct store_group_event *e, int64_t *id)
{
    return pq_int64(c, id, SQL_EVENT_INSERT, "iiiiiiddddi", e->series_id > 0 ? e->series_id : 0,
                    e->service_id, e->staff_id, e->location_id, e->start_at, e->end_at, e->capacity,
                    e->online_booking, e->buffer_before_min, e->buffer_after_min, e->created_at);
}

int
pgsql_group_event_set_series(struct store_conn *c, int64_t id, int64_t series_id)
{
    return pq_cmd(c, NULL, SQL_EVENT_SERIES, "ii", series_id, id);
}

int
pgsql_group_event_get(struct store_conn *c, int64_t id, int64_t now, json_t **out)
{
    *out = NULL;
    return pq_one_json(c, out, SQL_EVENT_GET, "ii", now, id);
}

int
pgsql_group_event_list(struct store_conn *c, const struct store_group_event_filter *f, int64_t now,
                       json_t **items)
{
    return pq_list_json(c, items, SQL_EVENT_LIST, "iiiiiddid", now, f->from, f->to, f->staff_id,
                        f->service_id, f->online_only, f->live_only, f->after_id, f->limit);
}

int
pgsql_group_event_scope(struct store_conn *c, int64_t id, const char *scope, json_t **ids)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_EVENT_SCOPE, "it", id, scope);

    *ids = NULL;
    if (rc == ERR_OK) {
        *ids = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
        rc = *ids ? ERR_OK : ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

int
pgsql_group_event_cancel(struct store_conn *c, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_EVENT_CANCEL, "ii", now, id);

    return rc == ERR_OK && changed == 0 ? ERR_CONFLICT : rc;
}

int
pgsql_group_event_seats(struct store_conn *c, int64_t id, int64_t now, int64_t skip_hold_id,
                        int *taken, int *held)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_EVENT_SEATS, "iii", id, now, skip_hold_id);

    *taken = *held = 0;
    if (rc == ERR_OK) {
        *taken = (int)pq_get_int64(r, 0, 0);
        *held = (int)pq_get_int64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int
pgsql_group_event_units_set(struct store_conn *c, int64_t id, const struct store_unit_use *units,
                            size_t n)
{
    size_t i;
    int rc = pq_cmd(c, NULL, SQL_EVENT_UNITS_DELETE, "i", id);

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_EVENT_UNIT_INSERT, "iidii", id, units[i].resource_id,
                    units[i].unit, units[i].start, units[i].end);
    return rc;
}

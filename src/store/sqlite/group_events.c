/* SQLite backend: group events, their seats and the units they hold. The
 * single writer is the staff lock here; the triggers of migration 022
 * refuse two live events of one staff member at once. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

/* Seats are counted where the event is read, so a list shows what is
 * left without a query per event. */
#define EVENT_COLUMNS                                                                              \
    "SELECT e.id, e.series_id, e.service_id, e.staff_id, e.location_id, e.start_at, e.end_at, "    \
    "e.capacity, e.online_booking, e.status, e.buffer_before_min, e.buffer_after_min, "            \
    "e.created_at, e.cancelled_at, "                                                               \
    "coalesce((SELECT sum(b.seats) FROM bookings b WHERE b.group_event_id = e.id "                 \
    "AND b.status <> 'cancelled'), 0) AS seats_taken, "                                            \
    "coalesce((SELECT sum(h.seats) FROM holds h WHERE h.group_event_id = e.id "                    \
    "AND h.expires_at > ?1), 0) AS seats_held "                                                    \
    "FROM group_events e "

static const char SQL_EVENT_INSERT[] =
    "INSERT INTO group_events (series_id, service_id, staff_id, location_id, start_at, end_at, "
    "capacity, online_booking, buffer_before_min, buffer_after_min, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_EVENT_SERIES[] = "UPDATE group_events SET series_id = ? WHERE id = ?";
static const char SQL_EVENT_GET[] = EVENT_COLUMNS "WHERE e.id = ?2";
static const char SQL_EVENT_LIST[] =
    EVENT_COLUMNS "WHERE (?2 = 0 OR e.start_at >= ?2) AND (?3 = 0 OR e.start_at < ?3) "
                  "AND (?4 = 0 OR e.staff_id = ?4) AND (?5 = 0 OR e.service_id = ?5) "
                  "AND (?6 = 0 OR e.online_booking = 1) AND (?7 = 0 OR e.status = 'scheduled') "
                  "AND e.id > ?8 ORDER BY e.id LIMIT ?9";
static const char SQL_EVENT_SCOPE[] =
    "SELECT json_group_array(id) FROM (SELECT o.id FROM group_events e JOIN group_events o "
    "ON (o.id = e.id OR (e.series_id IS NOT NULL AND o.series_id = e.series_id "
    "AND ?2 <> 'this' AND (?2 = 'series' OR o.start_at >= e.start_at))) "
    "WHERE e.id = ?1 AND o.status = 'scheduled' ORDER BY o.start_at, o.id)";
static const char SQL_EVENT_CANCEL[] =
    "UPDATE group_events SET status = 'cancelled', cancelled_at = ? "
    "WHERE id = ? AND status = 'scheduled'";
static const char SQL_EVENT_STAFF[] = "SELECT staff_id FROM group_events WHERE id = ?";
static const char SQL_EVENT_SEATS[] =
    "SELECT coalesce((SELECT sum(seats) FROM bookings WHERE group_event_id = ?1 "
    "AND status <> 'cancelled'), 0), coalesce((SELECT sum(seats) FROM holds "
    "WHERE group_event_id = ?1 AND expires_at > ?2 AND id <> ?3), 0)";
static const char SQL_EVENT_UNITS_DELETE[] =
    "DELETE FROM booking_resources WHERE group_event_id = ?";
static const char SQL_EVENT_UNIT_INSERT[] =
    "INSERT INTO booking_resources (group_event_id, resource_id, unit, start_at, end_at) "
    "VALUES (?, ?, ?, ?, ?)";

int
sqlite_group_event_insert(struct store_conn *c, const struct store_group_event *e, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "oiiiiiddddi", e->series_id, e->service_id, e->staff_id,
                        e->location_id, e->start_at, e->end_at, e->capacity, e->online_booking,
                        e->buffer_before_min, e->buffer_after_min, e->created_at) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc != ERR_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(lite(c)->db);
    return ERR_OK;
}

int
sqlite_group_event_set_series(struct store_conn *c, int64_t id, int64_t series_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_SERIES);

    if (!st || sql_bind(c, st, "ii", series_id, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_group_event_get(struct store_conn *c, int64_t id, int64_t now, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_GET);

    *out = NULL;
    if (!st || sql_bind(c, st, "ii", now, id) != ERR_OK)
        return ERR_STORE;
    return sql_one_json(c, st, out);
}

int
sqlite_group_event_list(struct store_conn *c, const struct store_group_event_filter *f, int64_t now,
                        json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_EVENT_LIST, items);

    if (!st || sql_bind(c, st, "iiiiiddid", now, f->from, f->to, f->staff_id, f->service_id,
                        f->online_only, f->live_only, f->after_id, f->limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_group_event_scope(struct store_conn *c, int64_t id, const char *scope, json_t **ids)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_SCOPE);

    *ids = NULL;
    if (!st || sql_bind(c, st, "it", id, scope) != ERR_OK)
        return ERR_STORE;
    return sql_one_json_array(c, st, ids);
}

/* The event's staff member's busy times change with it: the cache is told. */
static int
event_staff_changed(struct store_conn *c, int64_t id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_STAFF);
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sql_staff_changed(c, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
}

int
sqlite_group_event_cancel(struct store_conn *c, int64_t id, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_CANCEL);
    int rc;

    if (!st || sql_bind(c, st, "ii", now, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_CONFLICT;
    if (rc == ERR_OK)
        rc = event_staff_changed(c, id);
    return rc;
}

int
sqlite_group_event_seats(struct store_conn *c, int64_t id, int64_t now, int64_t skip_hold_id,
                         int *taken, int *held)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_SEATS);
    int rc;

    *taken = *held = 0;
    if (!st || sql_bind(c, st, "iii", id, now, skip_hold_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *taken = sqlite3_column_int(st, 0);
        *held = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

int
sqlite_group_event_units_set(struct store_conn *c, int64_t id, const struct store_unit_use *units,
                             size_t n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_EVENT_UNITS_DELETE);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_EVENT_UNIT_INSERT);
        if (!st || sql_bind(c, st, "iidii", id, units[i].resource_id, units[i].unit, units[i].start,
                            units[i].end) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

/* PostgreSQL backend: attendance, appointment history, the items visits
 * are made of, and the attendance report; the translation of
 * store/sqlite/visits.c. */
#include <stdio.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* FOR UPDATE: of two transactions marking one item, the second waits for
 * the first to commit and then reads its attendance as the old value, so
 * a change (and the fee or history it brings) happens once. */
static const char SQL_BOOKING_ATTENDANCE[] =
    "SELECT status, attendance FROM bookings WHERE id = $1 FOR UPDATE";
static const char SQL_APPT_ATTENDANCE[] =
    "SELECT status, attendance FROM appointments WHERE id = $1 FOR UPDATE";
static const char SQL_BOOKING_SET_ATTENDANCE[] =
    "UPDATE bookings SET attendance = $1, updated_at = $2 WHERE id = $3";
/* Appointments keep no updated_at; $2 is bound for the same shape. */
static const char SQL_APPT_SET_ATTENDANCE[] =
    "UPDATE appointments SET attendance = $1 WHERE id = $3 AND $2::bigint IS NOT NULL";
static const char SQL_APPT_HISTORY_INSERT[] =
    "INSERT INTO appointment_history (appointment_id, at, actor_user_id, actor, action, changes) "
    "VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6)";
static const char SQL_APPT_HISTORY_LIST[] = "SELECT h.at, h.actor_user_id, " STORE_ACTOR_WORDS(
    PQ_LOGIN_NAME) " AS actor, h.action, h.changes "
                   "FROM appointment_history h " STORE_ACTOR_JOINS
                   "WHERE h.appointment_id = $1 ORDER BY h.id";
/* The items of a time range; one patient's (OF_PATIENT) read through the
 * (patient_id, start_at) indexes rather than every item of the range, so
 * the condition is in the text, not a "$3 = 0 OR" a generic plan cannot
 * use. */
#define SQL_VISIT_ITEMS(booking_patient, appointment_patient)                                      \
    "SELECT * FROM (SELECT 'booking'::text AS kind, b.id, b.patient_id, p.name AS patient_name, "  \
    "b.location_id, b.staff_id, s.name AS staff_name, b.start_at, b.end_at, b.attendance, "        \
    "(SELECT i.id FROM invoices i WHERE i.booking_id = b.id) AS invoice_id "                       \
    "FROM bookings b JOIN patients p ON p.id = b.patient_id JOIN staff s ON s.id = b.staff_id "    \
    "WHERE b.status <> 'cancelled' AND b.start_at >= $1::bigint AND b.start_at < "                 \
    "$2::bigint " booking_patient                                                                  \
    " UNION ALL SELECT 'appointment'::text, a.id, a.patient_id, p.name, "                          \
    "(SELECT min(sl.location_id) FROM staff_locations sl WHERE sl.staff_id = a.staff_id), "        \
    "a.staff_id, s.name, a.start_at, a.end_at, a.attendance, NULL::bigint "                        \
    "FROM appointments a JOIN patients p ON p.id = a.patient_id "                                  \
    "LEFT JOIN staff s ON s.id = a.staff_id "                                                      \
    "WHERE a.status <> 'cancelled' AND a.start_at >= $1::bigint AND a.start_at < "                 \
    "$2::bigint " appointment_patient ") v "                                                       \
    "WHERE location_id IS NOT NULL AND ($4::bigint = 0 OR location_id = $4::bigint) "              \
    "ORDER BY patient_id, location_id, start_at, kind, id"
static const char SQL_VISIT_ITEMS_ALL[] =
    SQL_VISIT_ITEMS("AND $3::bigint = 0", "AND $3::bigint = 0");
static const char SQL_VISIT_ITEMS_OF_PATIENT[] =
    SQL_VISIT_ITEMS("AND b.patient_id = $3::bigint", "AND a.patient_id = $3::bigint");
/* The same items with only what grouping needs, and no joins: one
 * location's bookings then come from its index alone. */
#define SQL_VISIT_KEYS(booking_where, appointment_where)                                           \
    "SELECT * FROM (SELECT 'booking'::text AS kind, b.id, b.patient_id, b.location_id, "           \
    "b.start_at, b.end_at FROM bookings b WHERE b.status <> 'cancelled' "                          \
    "AND b.start_at >= $1::bigint AND b.start_at < $2::bigint " booking_where                      \
    " UNION ALL SELECT 'appointment'::text, a.id, a.patient_id, "                                  \
    "(SELECT min(sl.location_id) FROM staff_locations sl WHERE sl.staff_id = a.staff_id), "        \
    "a.start_at, a.end_at FROM appointments a WHERE a.status <> 'cancelled' "                      \
    "AND a.patient_id IS NOT NULL AND a.start_at >= $1::bigint AND a.start_at < "                  \
    "$2::bigint " appointment_where ") v WHERE location_id IS NOT NULL "                           \
    "AND ($4::bigint = 0 OR location_id = $4::bigint) "                                            \
    "ORDER BY patient_id, location_id, start_at, kind, id"
static const char SQL_VISIT_KEYS_ALL[] = SQL_VISIT_KEYS("AND $3::bigint = 0", "AND $3::bigint = 0");
static const char SQL_VISIT_KEYS_AT[] =
    SQL_VISIT_KEYS("AND $3::bigint = 0 AND b.location_id = $4::bigint", "AND $3::bigint = 0");
static const char SQL_VISIT_KEYS_OF_PATIENT[] =
    SQL_VISIT_KEYS("AND b.patient_id = $3::bigint", "AND a.patient_id = $3::bigint");
/* count(*) FILTER is bigint, which renders as an integer as on SQLite. */
static const char SQL_ATTENDANCE_REPORT[] =
    "SELECT s.id AS staff_id, s.name AS staff_name, "
    "count(*) FILTER (WHERE e.attendance = 'pending') AS pending, "
    "count(*) FILTER (WHERE e.attendance = 'confirmed') AS confirmed, "
    "count(*) FILTER (WHERE e.attendance = 'arrived') AS arrived, "
    "count(*) FILTER (WHERE e.attendance = 'no_show') AS no_show "
    "FROM (SELECT staff_id, attendance FROM bookings WHERE status <> 'cancelled' "
    "AND start_at >= $1::bigint AND start_at < $2::bigint UNION ALL SELECT staff_id, attendance "
    "FROM appointments WHERE status <> 'cancelled' AND staff_id IS NOT NULL "
    "AND start_at >= $1::bigint AND start_at < $2::bigint) e JOIN staff s ON s.id = e.staff_id "
    "GROUP BY s.id, s.name ORDER BY s.id";

int
pgsql_attendance_set(struct store_conn *c, const char *kind, int64_t id, const char *attendance,
                     int64_t now, char *old, size_t size)
{
    int booking = strcmp(kind, "booking") == 0;
    PGresult *r = NULL;
    char status[16];
    int rc = pq_exec(c, &r, booking ? SQL_BOOKING_ATTENDANCE : SQL_APPT_ATTENDANCE, "i", id);

    if (rc != ERR_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ERR_NOT_FOUND;
    }
    pq_get_text(r, 0, 0, status, sizeof(status));
    pq_get_text(r, 0, 1, old, size);
    PQclear(r);
    if (strcmp(status, "cancelled") == 0)
        return ERR_CONFLICT;
    return pq_cmd(c, NULL, booking ? SQL_BOOKING_SET_ATTENDANCE : SQL_APPT_SET_ATTENDANCE, "tii",
                  attendance, now, id);
}

int
pgsql_appt_history_add(struct store_conn *c, int64_t appointment_id, int64_t at,
                       int64_t actor_user_id, const char *actor, const char *action,
                       const char *changes_json)
{
    return pq_cmd(c, NULL, SQL_APPT_HISTORY_INSERT, "iiittt", appointment_id, at, actor_user_id,
                  actor, action, changes_json);
}

int
pgsql_appt_history_list(struct store_conn *c, int64_t appointment_id, json_t **items)
{
    int rc = pq_list_json(c, items, SQL_APPT_HISTORY_LIST, "i", appointment_id);

    return rc == ERR_OK ? store_history_changes(*items) : rc;
}

int
pgsql_visit_items(struct store_conn *c, const struct store_visit_filter *f, json_t **items)
{
    static const char *const texts[2][3] = {
        {SQL_VISIT_ITEMS_ALL, SQL_VISIT_ITEMS_ALL, SQL_VISIT_ITEMS_OF_PATIENT},
        {SQL_VISIT_KEYS_ALL, SQL_VISIT_KEYS_AT, SQL_VISIT_KEYS_OF_PATIENT}};
    const char *sql = texts[f->keys_only != 0][f->patient_id ? 2 : f->location_id ? 1 : 0];

    return pq_list_json(c, items, sql, "iiii", f->from, f->to, f->patient_id, f->location_id);
}

int
pgsql_attendance_report(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
    return pq_list_json(c, items, SQL_ATTENDANCE_REPORT, "ii", from, to);
}

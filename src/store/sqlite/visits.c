/* SQLite backend: attendance, appointment history, the items visits are
 * made of, and the attendance report. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_BOOKING_ATTENDANCE[] = "SELECT status, attendance FROM bookings WHERE id = ?";
static const char SQL_APPT_ATTENDANCE[] =
    "SELECT status, attendance FROM appointments WHERE id = ?";
static const char SQL_BOOKING_SET_ATTENDANCE[] =
    "UPDATE bookings SET attendance = ?, updated_at = ? WHERE id = ?";
/* Appointments keep no updated_at; ?2 is bound for the same shape. */
static const char SQL_APPT_SET_ATTENDANCE[] =
    "UPDATE appointments SET attendance = ?1 WHERE id = ?3 AND ?2 IS NOT NULL";
static const char SQL_APPT_HISTORY_INSERT[] =
    "INSERT INTO appointment_history (appointment_id, at, actor_user_id, actor, action, changes) "
    "VALUES (?, ?, ?, ?, ?, ?)";
/* The actor in words, as in store/sqlite/schedule.c's booking history. */
static const char SQL_APPT_HISTORY_LIST[] = "SELECT h.at, h.actor_user_id, " STORE_ACTOR_WORDS(
    SQL_LOGIN_NAME) " AS actor, h.action, h.changes "
                    "FROM appointment_history h " STORE_ACTOR_JOINS
                    "WHERE h.appointment_id = ? ORDER BY h.id";
/* The items of a time range, with the condition that picks them in the
 * text rather than an "?3 = 0 OR" the plan cannot use: one patient's
 * (OF_PATIENT) through the (patient_id, start_at) indexes, one location's
 * bookings (AT) through the index by location and start, narrowed inside
 * the union where that index can find them. */
#define SQL_VISIT_ITEMS(booking_where, appointment_where)                                          \
    "SELECT * FROM (SELECT 'booking' AS kind, b.id, b.patient_id, p.name AS patient_name, "        \
    "b.location_id, b.staff_id, s.name AS staff_name, b.start_at, b.end_at, b.attendance, "        \
    "(SELECT i.id FROM invoices i WHERE i.booking_id = b.id) AS invoice_id "                       \
    "FROM bookings b JOIN patients p ON p.id = b.patient_id JOIN staff s ON s.id = b.staff_id "    \
    "WHERE b.status <> 'cancelled' AND b.start_at >= ?1 AND b.start_at < ?2 " booking_where        \
    " UNION ALL SELECT 'appointment', a.id, a.patient_id, p.name, "                                \
    "(SELECT min(sl.location_id) FROM staff_locations sl WHERE sl.staff_id = a.staff_id), "        \
    "a.staff_id, s.name, a.start_at, a.end_at, a.attendance, NULL "                                \
    "FROM appointments a JOIN patients p ON p.id = a.patient_id "                                  \
    "LEFT JOIN staff s ON s.id = a.staff_id "                                                      \
    "WHERE a.status <> 'cancelled' AND a.start_at >= ?1 AND a.start_at < ?2 " appointment_where    \
    ") "                                                                                           \
    "WHERE location_id IS NOT NULL AND (?4 = 0 OR location_id = ?4) "                              \
    "ORDER BY patient_id, location_id, start_at, kind, id"
static const char SQL_VISIT_ITEMS_ALL[] = SQL_VISIT_ITEMS("AND ?3 = 0", "AND ?3 = 0");
static const char SQL_VISIT_ITEMS_AT[] =
    SQL_VISIT_ITEMS("AND ?3 = 0 AND b.location_id = ?4", "AND ?3 = 0");
static const char SQL_VISIT_ITEMS_OF_PATIENT[] =
    SQL_VISIT_ITEMS("AND b.patient_id = ?3", "AND a.patient_id = ?3");
/* The same items with only what grouping needs, and no joins: one
 * location's bookings then come from its index alone. */
#define SQL_VISIT_KEYS(booking_where, appointment_where)                                           \
    "SELECT * FROM (SELECT 'booking' AS kind, b.id, b.patient_id, b.location_id, b.start_at, "     \
    "b.end_at FROM bookings b WHERE b.status <> 'cancelled' AND b.start_at >= ?1 "                 \
    "AND b.start_at < ?2 " booking_where " UNION ALL SELECT 'appointment', a.id, a.patient_id, "   \
    "(SELECT min(sl.location_id) FROM staff_locations sl WHERE sl.staff_id = a.staff_id), "        \
    "a.start_at, a.end_at FROM appointments a WHERE a.status <> 'cancelled' "                      \
    "AND a.patient_id IS NOT NULL AND a.start_at >= ?1 AND a.start_at < ?2 " appointment_where     \
    ") WHERE location_id IS NOT NULL AND (?4 = 0 OR location_id = ?4) "                            \
    "ORDER BY patient_id, location_id, start_at, kind, id"
static const char SQL_VISIT_KEYS_ALL[] = SQL_VISIT_KEYS("AND ?3 = 0", "AND ?3 = 0");
static const char SQL_VISIT_KEYS_AT[] =
    SQL_VISIT_KEYS("AND ?3 = 0 AND b.location_id = ?4", "AND ?3 = 0");
static const char SQL_VISIT_KEYS_OF_PATIENT[] =
    SQL_VISIT_KEYS("AND b.patient_id = ?3", "AND a.patient_id = ?3");
static const char SQL_ATTENDANCE_REPORT[] =
    "SELECT s.id AS staff_id, s.name AS staff_name, "
    "sum(e.attendance = 'pending') AS pending, sum(e.attendance = 'confirmed') AS confirmed, "
    "sum(e.attendance = 'arrived') AS arrived, sum(e.attendance = 'no_show') AS no_show "
    "FROM (SELECT staff_id, attendance FROM bookings WHERE status <> 'cancelled' "
    "AND start_at >= ?1 AND start_at < ?2 UNION ALL SELECT staff_id, attendance "
    "FROM appointments WHERE status <> 'cancelled' AND staff_id IS NOT NULL "
    "AND start_at >= ?1 AND start_at < ?2) e JOIN staff s ON s.id = e.staff_id "
    "GROUP BY s.id, s.name ORDER BY s.id";

/* The write transaction is SQLite's single writer, so the read and the
 * update below cannot be split by another writer. */
int
sqlite_attendance_set(struct store_conn *c, const char *kind, int64_t id, const char *attendance,
                      int64_t now, char *old, size_t size)
{
    int booking = strcmp(kind, "booking") == 0;
    sqlite3_stmt *st = sql_prepare(c, booking ? SQL_BOOKING_ATTENDANCE : SQL_APPT_ATTENDANCE);
    int rc, cancelled = 0;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        cancelled = strcmp((const char *)sqlite3_column_text(st, 0), "cancelled") == 0;
        sql_copy_text(st, 1, old, size);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    if (cancelled)
        return ERR_CONFLICT;
    st = sql_prepare(c, booking ? SQL_BOOKING_SET_ATTENDANCE : SQL_APPT_SET_ATTENDANCE);
    if (!st || sql_bind(c, st, "tii", attendance, now, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_appt_history_add(struct store_conn *c, int64_t appointment_id, int64_t at,
                        int64_t actor_user_id, const char *actor, const char *action,
                        const char *changes_json)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_APPT_HISTORY_INSERT);

    if (!st || sql_bind(c, st, "iiottt", appointment_id, at, actor_user_id, actor, action,
                        changes_json) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_appt_history_list(struct store_conn *c, int64_t appointment_id, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_APPT_HISTORY_LIST, items);
    int rc;

    if (!st || sql_bind(c, st, "i", appointment_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    return rc == ERR_OK ? store_history_changes(*items) : rc;
}

int
sqlite_visit_items(struct store_conn *c, const struct store_visit_filter *f, json_t **items)
{
    static const char *const texts[2][3] = {
        {SQL_VISIT_ITEMS_ALL, SQL_VISIT_ITEMS_AT, SQL_VISIT_ITEMS_OF_PATIENT},
        {SQL_VISIT_KEYS_ALL, SQL_VISIT_KEYS_AT, SQL_VISIT_KEYS_OF_PATIENT}};
    const char *sql = texts[f->keys_only != 0][f->patient_id ? 2 : f->location_id ? 1 : 0];
    sqlite3_stmt *st = sql_prepare_list(c, sql, items);

    if (!st || sql_bind(c, st, "iiii", f->from, f->to, f->patient_id, f->location_id) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_attendance_report(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_ATTENDANCE_REPORT, items);

    if (!st || sql_bind(c, st, "ii", from, to) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

/* SQLite backend: appointments, overlap checks and time off listings. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_APPT_INSERT[] =
    "INSERT INTO appointments (series_id, series_index, patient_id, staff_id, action_id, "
    "start_at, end_at, notes, share_with_patient, status, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', strftime('%s', 'now'))";
static const char SQL_APPT_SET_SERIES[] = "UPDATE appointments SET series_id = ? WHERE id = ?";
#define APPT_COLUMNS                                                                               \
    "SELECT a.id, a.series_id, a.patient_id, a.staff_id, a.action_id, a.start_at, a.end_at, "      \
    "a.notes, a.share_with_patient, a.status, a.attendance, p.name AS patient_name, "              \
    "ac.name AS action_name "                                                                      \
    "FROM appointments a LEFT JOIN patients p ON p.id = a.patient_id "                             \
    "LEFT JOIN actions ac ON ac.id = a.action_id "
static const char SQL_APPT_GET[] = APPT_COLUMNS "WHERE a.id = ?";
static const char SQL_APPT_LIST[] =
    APPT_COLUMNS "WHERE (?1 = 0 OR a.start_at >= ?1) AND (?2 = 0 OR a.start_at < ?2) "
                 "AND (?3 = 0 OR a.staff_id = ?3) AND (?4 = 0 OR a.patient_id = ?4) "
                 "AND a.id > ?5 ORDER BY a.id LIMIT ?6";
static const char SQL_APPT_UPDATE[] =
    "UPDATE appointments SET patient_id = ?, staff_id = ?, action_id = ?, start_at = ?, "
    "end_at = ?, notes = ?, share_with_patient = ? WHERE id = ? AND status <> 'cancelled'";
static const char SQL_APPT_CANCEL_THIS[] =
    "UPDATE appointments SET status = 'cancelled' WHERE id = ?1 AND status <> 'cancelled'";
static const char SQL_APPT_CANCEL_FOLLOWING[] =
    "UPDATE appointments SET status = 'cancelled' WHERE status <> 'cancelled' AND "
    "series_id = (SELECT series_id FROM appointments WHERE id = ?1) AND series_index >= "
    "(SELECT series_index FROM appointments WHERE id = ?1)";
static const char SQL_APPT_CANCEL_SERIES[] =
    "UPDATE appointments SET status = 'cancelled' WHERE status <> 'cancelled' AND "
    "series_id = (SELECT series_id FROM appointments WHERE id = ?1)";
static const char SQL_OVERLAP_COUNT[] =
    "SELECT (SELECT count(*) FROM bookings WHERE staff_id = ?1 AND status <> 'cancelled' "
    "AND start_at < ?3 AND start_at > ?2 - 86400 AND end_at > ?2) + "
    "(SELECT count(*) FROM appointments WHERE staff_id = ?1 AND status <> 'cancelled' "
    "AND start_at < ?3 AND start_at > ?2 - 86400 AND end_at > ?2 AND id <> ?4) + "
    "(SELECT count(*) FROM time_off WHERE staff_id = ?1 AND start_at < ?3 AND end_at > ?2)";
static const char SQL_TIME_OFF_LIST[] =
    "SELECT id, staff_id, start_at, end_at, reason FROM time_off "
    "WHERE (?1 = 0 OR end_at > ?1) AND (?2 = 0 OR start_at < ?2) "
    "AND (?3 = 0 OR staff_id = ?3) AND id > ?4 ORDER BY id LIMIT ?5";

int
sqlite_appointment_insert(struct store_conn *c, const struct store_appointment *a, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_APPT_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "odoooiitd", a->series_id, (int)(a->series_index), a->patient_id,
                        a->staff_id, a->action_id, a->start_at, a->end_at, a->notes ? a->notes : "",
                        (int)(a->share_with_patient)) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_appointment_set_series(struct store_conn *c, int64_t id, int64_t series_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_APPT_SET_SERIES);

    if (!st || sql_bind(c, st, "ii", series_id, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

static void
fix_share_flag(json_t *row)
{
    json_t *v = json_object_get(row, "share_with_patient");

    json_object_set_new(row, "share_with_patient", json_boolean(json_integer_value(v)));
}

int
sqlite_appointment_get(struct store_conn *c, int64_t id, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_APPT_GET);
    int rc;

    *out = NULL;
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_one_json(c, st, out);
    if (rc == ERR_OK)
        fix_share_flag(*out);
    return rc;
}

int
sqlite_appointment_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_APPT_LIST, items);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "iiiiid", f->from, f->to, f->staff_id, f->patient_id, f->after_id,
                        f->limit) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        fix_share_flag(json_array_get(*items, i));
    return rc;
}

int
sqlite_appointment_update(struct store_conn *c, int64_t id, const struct store_appointment *a)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_APPT_UPDATE);
    int rc;

    if (!st ||
        sql_bind(c, st, "oooiitdi", a->patient_id, a->staff_id, a->action_id, a->start_at,
                 a->end_at, a->notes ? a->notes : "", (int)(a->share_with_patient), id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
sqlite_appointment_cancel(struct store_conn *c, int64_t id, const char *scope, int *n_cancelled)
{
    const char *sql = SQL_APPT_CANCEL_THIS;
    sqlite3_stmt *st;
    int rc;

    if (strcmp(scope, "following") == 0)
        sql = SQL_APPT_CANCEL_FOLLOWING;
    else if (strcmp(scope, "series") == 0)
        sql = SQL_APPT_CANCEL_SERIES;
    st = sql_prepare(c, sql);
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    *n_cancelled = rc == ERR_OK ? sqlite3_changes(lite(c)->db) : 0;
    return rc;
}

int
sqlite_overlap_count(struct store_conn *c, int64_t staff_id, int64_t start, int64_t end,
                     int64_t skip_appointment_id, int *n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_OVERLAP_COUNT);
    int rc;

    if (!st || sql_bind(c, st, "iiii", staff_id, start, end, skip_appointment_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

int
sqlite_time_off_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_TIME_OFF_LIST, items);

    if (!st ||
        sql_bind(c, st, "iiiid", f->from, f->to, f->staff_id, f->after_id, f->limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

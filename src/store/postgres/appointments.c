/* PostgreSQL backend: appointments, overlap checks and time off listings. */
#include <stdio.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* strftime('%s', 'now') truncates to whole seconds; so does floor. */
static const char SQL_APPT_INSERT[] =
    "INSERT INTO appointments (series_id, series_index, patient_id, staff_id, action_id, "
    "start_at, end_at, notes, share_with_patient, status, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'scheduled', "
    "floor(extract(epoch FROM now()))::bigint) RETURNING id";
static const char SQL_APPT_SET_SERIES[] = "UPDATE appointments SET series_id = $1 WHERE id = $2";
#define APPT_COLUMNS                                                                               \
    "SELECT a.id, a.series_id, a.patient_id, a.staff_id, a.action_id, a.start_at, a.end_at, "      \
    "a.notes, a.share_with_patient, a.status, a.attendance, p.name AS patient_name, "              \
    "ac.name AS action_name "                                                                      \
    "FROM appointments a LEFT JOIN patients p ON p.id = a.patient_id "                             \
    "LEFT JOIN actions ac ON ac.id = a.action_id "
static const char SQL_APPT_GET[] = APPT_COLUMNS "WHERE a.id = $1";
/* Here and in SQL_TIME_OFF_LIST a negative limit is no limit, as in SQLite
 * (PostgreSQL would refuse it). */
static const char SQL_APPT_LIST[] = APPT_COLUMNS
    "WHERE ($1::bigint = 0 OR a.start_at >= $1::bigint) "
    "AND ($2::bigint = 0 OR a.start_at < $2::bigint) "
    "AND ($3::bigint = 0 OR a.staff_id = $3::bigint) "
    "AND ($4::bigint = 0 OR a.patient_id = $4::bigint) "
    "AND a.id > $5::bigint ORDER BY a.id LIMIT CASE WHEN $6::bigint >= 0 THEN $6::bigint END";
static const char SQL_APPT_UPDATE[] =
    "UPDATE appointments SET patient_id = $1, staff_id = $2, action_id = $3, start_at = $4, "
    "end_at = $5, notes = $6, share_with_patient = $7 WHERE id = $8 AND status <> 'cancelled'";
/* Each cancel is one UPDATE that finds its rows and changes them, so a
 * row cancelled meanwhile by another transaction is rechecked (READ
 * COMMITTED re-evaluates status on the new version) and not counted
 * twice. */
static const char SQL_APPT_CANCEL_THIS[] =
    "UPDATE appointments SET status = 'cancelled' WHERE id = $1 AND status <> 'cancelled'";
static const char SQL_APPT_CANCEL_FOLLOWING[] =
    "UPDATE appointments SET status = 'cancelled' WHERE status <> 'cancelled' AND "
    "series_id = (SELECT series_id FROM appointments WHERE id = $1) AND series_index >= "
    "(SELECT series_index FROM appointments WHERE id = $1)";
static const char SQL_APPT_CANCEL_SERIES[] =
    "UPDATE appointments SET status = 'cancelled' WHERE status <> 'cancelled' AND "
    "series_id = (SELECT series_id FROM appointments WHERE id = $1)";
/* count(*) is bigint, and so is their sum. */
static const char SQL_OVERLAP_COUNT[] =
    "SELECT (SELECT count(*) FROM bookings WHERE staff_id = $1::bigint "
    "AND status <> 'cancelled' AND start_at < $3::bigint AND start_at > $2::bigint - 86400 "
    "AND end_at > $2::bigint) + "
    "(SELECT count(*) FROM appointments WHERE staff_id = $1::bigint AND status <> 'cancelled' "
    "AND start_at < $3::bigint AND start_at > $2::bigint - 86400 AND end_at > $2::bigint "
    "AND id <> $4::bigint) + "
    "(SELECT count(*) FROM time_off WHERE staff_id = $1::bigint AND start_at < $3::bigint "
    "AND end_at > $2::bigint)";
static const char SQL_TIME_OFF_LIST[] =
    "SELECT id, staff_id, start_at, end_at, reason FROM time_off "
    "WHERE ($1::bigint = 0 OR end_at > $1::bigint) AND ($2::bigint = 0 OR start_at < $2::bigint) "
    "AND ($3::bigint = 0 OR staff_id = $3::bigint) AND id > $4::bigint ORDER BY id "
    "LIMIT CASE WHEN $5::bigint >= 0 THEN $5::bigint END";

/* An optional reference as a bound value: SQL NULL unless v > 0, as the
 * SQLite backend binds NULL then. buf holds the digits. */
static const char *
opt_id(int64_t v, char *buf, size_t size)
{
    if (v <= 0)
        return NULL;
    snprintf(buf, size, "%lld", (long long)v);
    return buf;
}

int
pgsql_appointment_insert(struct store_conn *c, const struct store_appointment *a, int64_t *id)
{
    char series[24], patient[24], staff[24], action[24];
    PGresult *r = NULL;
    int rc;

    rc = pq_exec(c, &r, SQL_APPT_INSERT, "tdtttiitd", opt_id(a->series_id, series, sizeof(series)),
                 a->series_index, opt_id(a->patient_id, patient, sizeof(patient)),
                 opt_id(a->staff_id, staff, sizeof(staff)),
                 opt_id(a->action_id, action, sizeof(action)), a->start_at, a->end_at,
                 a->notes ? a->notes : "", a->share_with_patient);
    /* RETURNING stands in for sqlite3_last_insert_rowid. */
    if (rc == ERR_OK && PQntuples(r) == 1)
        *id = pq_get_int64(r, 0, 0);
    else if (rc == ERR_OK)
        rc = ERR_STORE;
    PQclear(r);
    return rc;
}

int
pgsql_appointment_set_series(struct store_conn *c, int64_t id, int64_t series_id)
{
    return pq_cmd(c, NULL, SQL_APPT_SET_SERIES, "ii", series_id, id);
}

/* share_with_patient is stored 0/1 and shown as a JSON boolean. */
static void
fix_share_flag(json_t *row)
{
    json_t *v = json_object_get(row, "share_with_patient");

    json_object_set_new(row, "share_with_patient", json_boolean(json_integer_value(v)));
}

int
pgsql_appointment_get(struct store_conn *c, int64_t id, json_t **out)
{
    int rc = pq_one_json(c, out, SQL_APPT_GET, "i", id);

    if (rc == ERR_OK)
        fix_share_flag(*out);
    return rc;
}

int
pgsql_appointment_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    size_t i;
    int rc = pq_list_json(c, items, SQL_APPT_LIST, "iiiiid", f->from, f->to, f->staff_id,
                          f->patient_id, f->after_id, f->limit);

    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        fix_share_flag(json_array_get(*items, i));
    return rc;
}

int
pgsql_appointment_update(struct store_conn *c, int64_t id, const struct store_appointment *a)
{
    char patient[24], staff[24], action[24];
    int64_t changed = 0;
    int rc;

    rc = pq_cmd(
        c, &changed, SQL_APPT_UPDATE, "tttiitdi", opt_id(a->patient_id, patient, sizeof(patient)),
        opt_id(a->staff_id, staff, sizeof(staff)), opt_id(a->action_id, action, sizeof(action)),
        a->start_at, a->end_at, a->notes ? a->notes : "", a->share_with_patient, id);
    if (rc == ERR_OK && changed == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
pgsql_appointment_cancel(struct store_conn *c, int64_t id, const char *scope, int *n_cancelled)
{
    const char *sql = SQL_APPT_CANCEL_THIS;
    int64_t changed = 0;
    int rc;

    if (strcmp(scope, "following") == 0)
        sql = SQL_APPT_CANCEL_FOLLOWING;
    else if (strcmp(scope, "series") == 0)
        sql = SQL_APPT_CANCEL_SERIES;
    rc = pq_cmd(c, &changed, sql, "i", id);
    *n_cancelled = rc == ERR_OK ? (int)changed : 0;
    return rc;
}

int
pgsql_overlap_count(struct store_conn *c, int64_t staff_id, int64_t start, int64_t end,
                    int64_t skip_appointment_id, int *n)
{
    int64_t count = 0;
    int rc =
        pq_int64(c, &count, SQL_OVERLAP_COUNT, "iiii", staff_id, start, end, skip_appointment_id);

    *n = rc == ERR_OK ? (int)count : 0;
    return rc;
}

int
pgsql_time_off_list(struct store_conn *c, const struct store_event_filter *f, json_t **items)
{
    return pq_list_json(c, items, SQL_TIME_OFF_LIST, "iiiid", f->from, f->to, f->staff_id,
                        f->after_id, f->limit);
}

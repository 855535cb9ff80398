/* SQLite backend: the package operations whose check and change are one
 * statement (see store.h, "Packages"). */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_ITEMS[] =
    "SELECT i.id, i.patient_package_id, i.line_id, i.service_id, i.amount, i.status, "
    "i.booking_id, p.invoice_id, p.patient_id, p.package_id, p.name AS package_name, "
    "p.staff_ids, p.location_ids, p.expires_at, p.expires_on, p.status AS package_status "
    "FROM patient_package_items i JOIN patient_packages p ON p.id = i.patient_package_id "
    "WHERE (?1 = 0 OR i.patient_package_id = ?1) AND (?2 = 0 OR p.patient_id = ?2) "
    "AND (?3 = 0 OR i.booking_id = ?3) AND (?4 = 0 OR i.line_id = ?4) "
    "AND (?5 = 0 OR i.service_id = ?5) AND (?6 IS NULL OR i.status = ?6) "
    "AND (?7 = 0 OR p.status = 'active') "
    "ORDER BY p.expires_at IS NULL, p.expires_at, p.id, i.id";
static const char SQL_ITEM_MOVE[] =
    "UPDATE patient_package_items SET status = ?1, "
    "booking_id = CASE WHEN ?2 < 0 THEN booking_id ELSE NULLIF(?2, 0) END "
    "WHERE id = ?3 AND status = ?4";
static const char SQL_PACKAGE_MOVE[] =
    "UPDATE patient_packages SET status = ?1 WHERE id = ?2 AND status = ?3";
static const char SQL_ITEMS_CREATE[] =
    "INSERT INTO patient_package_items (patient_package_id, line_id, service_id, amount) "
    "SELECT ?1, id, service_id, net FROM invoice_lines WHERE invoice_id = ?2 ORDER BY position";
static const char SQL_DUE[] =
    "SELECT p.id, p.expires_at, p.expiry_reminded, (SELECT count(*) FROM patient_package_items i "
    "WHERE i.patient_package_id = p.id AND i.status = 'unassigned') AS unassigned "
    "FROM patient_packages p WHERE p.status = 'active' AND p.expires_at IS NOT NULL "
    "AND (p.expires_at <= ?1 OR (p.expiry_reminded = 0 AND p.expires_at - ?2 <= ?1)) "
    "ORDER BY p.expires_at, p.id LIMIT ?3";
static const char SQL_REMINDED[] =
    "UPDATE patient_packages SET expiry_reminded = 1 WHERE id = ? AND expiry_reminded = 0";
static const char SQL_LIABILITY[] =
    "SELECT p.id AS patient_package_id, p.patient_id, pa.name AS patient_name, p.name, "
    "p.invoice_id, p.expires_on, count(*) AS units, sum(i.amount) AS amount "
    "FROM patient_packages p JOIN patient_package_items i ON i.patient_package_id = p.id "
    "JOIN patients pa ON pa.id = p.patient_id WHERE i.status IN ('unassigned', 'booked') "
    "GROUP BY p.id, p.patient_id, pa.name, p.name, p.invoice_id, p.expires_on ORDER BY p.id";

int
sqlite_package_items(struct store_conn *c, const struct store_package_item_filter *f,
                     json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_ITEMS, items);

    if (!st || sql_bind(c, st, "iiiiitd", f->patient_package_id, f->patient_id, f->booking_id,
                        f->line_id, f->service_id, f->status, f->active_only) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

/* Runs a prepared and bound UPDATE; *changed says whether a row moved. */
static int
step_changed(struct store_conn *c, sqlite3_stmt *st, int *changed)
{
    int rc = sql_exec_step(c, st);

    *changed = rc == ERR_OK && sqlite3_changes(lite(c)->db) > 0;
    return rc;
}

int
sqlite_package_item_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                         int64_t booking_id, int *changed)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ITEM_MOVE);

    *changed = 0;
    if (!st || sql_bind(c, st, "tiit", to, booking_id, id, from) != ERR_OK)
        return ERR_STORE;
    return step_changed(c, st, changed);
}

int
sqlite_patient_package_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                            int *changed)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PACKAGE_MOVE);

    *changed = 0;
    if (!st || sql_bind(c, st, "tit", to, id, from) != ERR_OK)
        return ERR_STORE;
    return step_changed(c, st, changed);
}

int
sqlite_package_items_create(struct store_conn *c, int64_t patient_package_id, int64_t invoice_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ITEMS_CREATE);

    if (!st || sql_bind(c, st, "ii", patient_package_id, invoice_id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_packages_due(struct store_conn *c, int64_t now, int64_t remind_s, int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_DUE, items);

    if (!st || sql_bind(c, st, "iid", now, remind_s, limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_package_reminded(struct store_conn *c, int64_t id, int *marked)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_REMINDED);

    *marked = 0;
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    return step_changed(c, st, marked);
}

int
sqlite_package_liability(struct store_conn *c, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_LIABILITY, items);

    return st ? sql_rows_json(c, st, *items) : ERR_STORE;
}

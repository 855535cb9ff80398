/* PostgreSQL backend: the package operations whose check and change are
 * one statement (see store.h, "Packages"). Each move is a conditional
 * UPDATE: under READ COMMITTED a second transaction moving the same row
 * waits for the first and then re-checks the condition against what it
 * committed, so of two racers for one item exactly one moves it. */
#include "store/postgres/internal.h"
#include "util/err.h"

static const char SQL_ITEMS[] =
    "SELECT i.id, i.patient_package_id, i.line_id, i.service_id, i.amount, i.status, "
    "i.booking_id, p.invoice_id, p.patient_id, p.package_id, p.name AS package_name, "
    "p.staff_ids, p.location_ids, p.expires_at, p.expires_on, p.status AS package_status "
    "FROM patient_package_items i JOIN patient_packages p ON p.id = i.patient_package_id "
    "WHERE ($1::bigint = 0 OR i.patient_package_id = $1::bigint) "
    "AND ($2::bigint = 0 OR p.patient_id = $2::bigint) "
    "AND ($3::bigint = 0 OR i.booking_id = $3::bigint) "
    "AND ($4::bigint = 0 OR i.line_id = $4::bigint) "
    "AND ($5::bigint = 0 OR i.service_id = $5::bigint) "
    "AND ($6::text IS NULL OR i.status = $6::text) "
    "AND ($7::bigint = 0 OR p.status = 'active') "
    "ORDER BY p.expires_at IS NULL, p.expires_at, p.id, i.id";
static const char SQL_ITEM_MOVE[] =
    "UPDATE patient_package_items SET status = $1::text, "
    "booking_id = CASE WHEN $2::bigint < 0 THEN booking_id ELSE NULLIF($2::bigint, 0) END "
    "WHERE id = $3::bigint AND status = $4::text";
static const char SQL_PACKAGE_MOVE[] =
    "UPDATE patient_packages SET status = $1::text WHERE id = $2::bigint AND status = $3::text";
static const char SQL_ITEMS_CREATE[] =
    "INSERT INTO patient_package_items (patient_package_id, line_id, service_id, amount) "
    "SELECT $1::bigint, id, service_id, net FROM invoice_lines WHERE invoice_id = $2::bigint "
    "ORDER BY position";
static const char SQL_DUE[] =
    "SELECT p.id, p.expires_at, p.expiry_reminded, (SELECT count(*) FROM patient_package_items i "
    "WHERE i.patient_package_id = p.id AND i.status = 'unassigned') AS unassigned "
    "FROM patient_packages p WHERE p.status = 'active' AND p.expires_at IS NOT NULL "
    "AND (p.expires_at <= $1::bigint OR (p.expiry_reminded = 0 "
    "AND p.expires_at - $2::bigint <= $1::bigint)) "
    "ORDER BY p.expires_at, p.id LIMIT $3::bigint";
static const char SQL_REMINDED[] =
    "UPDATE patient_packages SET expiry_reminded = 1 WHERE id = $1::bigint "
    "AND expiry_reminded = 0";
static const char SQL_LIABILITY[] =
    "SELECT p.id AS patient_package_id, p.patient_id, pa.name AS patient_name, p.name, "
    "p.invoice_id, p.expires_on, count(*) AS units, sum(i.amount) AS amount "
    "FROM patient_packages p JOIN patient_package_items i ON i.patient_package_id = p.id "
    "JOIN patients pa ON pa.id = p.patient_id WHERE i.status IN ('unassigned', 'booked') "
    "GROUP BY p.id, p.patient_id, pa.name, p.name, p.invoice_id, p.expires_on ORDER BY p.id";

int
pgsql_package_items(struct store_conn *c, const struct store_package_item_filter *f, json_t **items)
{
    return pq_list_json(c, items, SQL_ITEMS, "iiiiitd", f->patient_package_id, f->patient_id,
                        f->booking_id, f->line_id, f->service_id, f->status, f->active_only);
}

int
pgsql_package_item_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                        int64_t booking_id, int *changed)
{
    int64_t n = 0;
    int rc = pq_cmd(c, &n, SQL_ITEM_MOVE, "tiit", to, booking_id, id, from);

    *changed = rc == ERR_OK && n > 0;
    return rc;
}

int
pgsql_patient_package_move(struct store_conn *c, int64_t id, const char *from, const char *to,
                           int *changed)
{
    int64_t n = 0;
    int rc = pq_cmd(c, &n, SQL_PACKAGE_MOVE, "tit", to, id, from);

    *changed = rc == ERR_OK && n > 0;
    return rc;
}

int
pgsql_package_items_create(struct store_conn *c, int64_t patient_package_id, int64_t invoice_id)
{
    return pq_cmd(c, NULL, SQL_ITEMS_CREATE, "ii", patient_package_id, invoice_id);
}

int
pgsql_packages_due(struct store_conn *c, int64_t now, int64_t remind_s, int limit, json_t **items)
{
    return pq_list_json(c, items, SQL_DUE, "iid", now, remind_s, limit);
}

int
pgsql_package_reminded(struct store_conn *c, int64_t id, int *marked)
{
    int64_t n = 0;
    int rc = pq_cmd(c, &n, SQL_REMINDED, "i", id);

    *marked = rc == ERR_OK && n > 0;
    return rc;
}

int
pgsql_package_liability(struct store_conn *c, json_t **items)
{
    return pq_list_json(c, items, SQL_LIABILITY, "");
}

/* PostgreSQL backend: stock movements and levels, bills of materials,
 * bookings' consumables and the invoice lines of products sold; the
 * translation of store/sqlite/stock.c. */
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

static const char SQL_MOVEMENT_INSERT[] =
    "INSERT INTO stock_movements (product_id, storage_id, quantity, reason, unit_cost, note, "
    "booking_id, invoice_line_id, created_at, created_by) "
    "VALUES ($1, $2, $3, $4, CASE WHEN $5::bigint >= 0 THEN $5::bigint END, $6, "
    "NULLIF($7::bigint, 0), NULLIF($8::bigint, 0), $9, NULLIF($10::bigint, 0)) RETURNING id";
static const char SQL_MOVEMENT_LIST[] =
    "SELECT m.id, m.product_id, p.name AS product_name, m.storage_id, s.name AS storage_name, "
    "m.quantity, m.reason, m.unit_cost, m.note, m.booking_id, m.invoice_line_id AS line_id, "
    "m.created_at FROM stock_movements m JOIN products p ON p.id = m.product_id "
    "JOIN storages s ON s.id = m.storage_id "
    "WHERE ($1::bigint = 0 OR m.product_id = $1::bigint) "
    "AND ($2::bigint = 0 OR m.storage_id = $2::bigint) "
    "AND ($3::bigint = 0 OR m.booking_id = $3::bigint) "
    "AND ($4::bigint = 0 OR m.invoice_line_id = $4::bigint) "
    "AND ($5::bigint = 0 OR m.created_at >= $5::bigint) "
    "AND ($6::bigint = 0 OR m.created_at < $6::bigint) "
    "AND ($7::text IS NULL OR m.reason = $7::text) AND m.id > $8 ORDER BY m.id LIMIT $9";
/* sum() of bigint is a whole numeric: it renders as an integer. */
static const char SQL_STOCK_LEVELS[] =
    "SELECT * FROM (SELECT m.product_id, p.name AS product_name, m.storage_id, "
    "s.name AS storage_name, s.location_id, sum(m.quantity) AS quantity, p.min_quantity "
    "FROM stock_movements m JOIN products p ON p.id = m.product_id "
    "JOIN storages s ON s.id = m.storage_id "
    "WHERE ($1::bigint = 0 OR m.product_id = $1::bigint) "
    "AND ($2::bigint = 0 OR m.storage_id = $2::bigint) "
    "GROUP BY m.product_id, p.name, m.storage_id, s.name, s.location_id, p.min_quantity) l "
    "WHERE $3::int = 0 OR quantity < min_quantity ORDER BY product_id, storage_id";
static const char SQL_SERVICE_BOM[] =
    "SELECT product_id, quantity, staff_id FROM service_consumables WHERE service_id = $1 "
    "ORDER BY id";
static const char SQL_SERVICE_BOM_DELETE[] =
    "DELETE FROM service_consumables WHERE service_id = $1";
static const char SQL_SERVICE_BOM_INSERT[] =
    "INSERT INTO service_consumables (service_id, product_id, staff_id, quantity) "
    "VALUES ($1, $2, NULLIF($3::bigint, 0), $4)";
static const char SQL_BOOKING_CUSTOM[] = "SELECT consumables_custom FROM bookings WHERE id = $1";
static const char SQL_BOOKING_OWN[] =
    "SELECT c.product_id, p.name AS product_name, c.storage_id, sum(c.quantity) AS quantity, "
    "p.cost_price FROM booking_consumables c JOIN products p ON p.id = c.product_id "
    "WHERE c.booking_id = $1 GROUP BY c.product_id, p.name, c.storage_id, p.cost_price "
    "ORDER BY c.product_id, c.storage_id";
static const char SQL_BOOKING_BOM[] =
    "SELECT sc.product_id, p.name AS product_name, "
    "(SELECT min(s.id) FROM storages s WHERE s.location_id = b.location_id "
    "AND s.kind = 'consumables') AS storage_id, sum(sc.quantity) AS quantity, p.cost_price "
    "FROM bookings b JOIN booking_services bs ON bs.booking_id = b.id "
    "JOIN service_consumables sc ON sc.service_id = bs.service_id "
    "JOIN products p ON p.id = sc.product_id "
    "WHERE b.id = $1 AND (sc.staff_id = b.staff_id OR (sc.staff_id IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM service_consumables o WHERE o.service_id = sc.service_id "
    "AND o.product_id = sc.product_id AND o.staff_id = b.staff_id))) "
    "GROUP BY sc.product_id, p.name, p.cost_price, b.location_id ORDER BY sc.product_id";
/* The update takes the booking's row lock, which store_attendance_set's
 * SELECT ... FOR UPDATE waits for. */
static const char SQL_BOOKING_MARK_CUSTOM[] =
    "UPDATE bookings SET consumables_custom = 1 WHERE id = $1";
static const char SQL_BOOKING_OWN_DELETE[] =
    "DELETE FROM booking_consumables WHERE booking_id = $1";
static const char SQL_BOOKING_OWN_INSERT[] =
    "INSERT INTO booking_consumables (booking_id, position, product_id, storage_id, quantity) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char SQL_LINE_POSITION[] =
    "SELECT COALESCE(max(position) + 1, 0) FROM invoice_lines WHERE invoice_id = $1";
static const char SQL_PRODUCT_LINE_INSERT[] =
    "INSERT INTO invoice_lines (invoice_id, position, description, product_id, quantity, "
    "unit_price, tax_rate_bp, tax_inclusive, net, tax, total) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
static const char SQL_PRODUCT_LINE_DELETE[] =
    "DELETE FROM invoice_lines WHERE id = $1 AND invoice_id = $2 AND product_id IS NOT NULL "
    "RETURNING product_id, quantity, unit_price, tax_rate_bp, tax_inclusive, net, tax, total";
static const char SQL_ADD_TOTALS[] =
    "UPDATE invoices SET subtotal = subtotal + $1, tax = tax + $2, total = total + $3 "
    "WHERE id = $4";

int
pgsql_stock_movement_add(struct store_conn *c, const struct store_movement *m, int64_t *id)
{
    return pq_int64(c, id, SQL_MOVEMENT_INSERT, "iiititiiii", m->product_id, m->storage_id,
                    m->quantity, m->reason, m->unit_cost, m->note ? m->note : "", m->booking_id,
                    m->line_id, m->created_at, m->created_by);
}

int
pgsql_stock_movement_list(struct store_conn *c, const struct store_movement_filter *f,
                          json_t **items)
{
    return pq_list_json(c, items, SQL_MOVEMENT_LIST, "iiiiiitid", f->product_id, f->storage_id,
                        f->booking_id, f->line_id, f->from, f->to, f->reason, f->after_id,
                        f->limit);
}

int
pgsql_stock_levels(struct store_conn *c, const struct store_stock_filter *f, json_t **items)
{
    return pq_list_json(c, items, SQL_STOCK_LEVELS, "iid", f->product_id, f->storage_id,
                        f->below_min);
}

int
pgsql_service_consumables_get(struct store_conn *c, int64_t service_id, json_t **items)
{
    return pq_list_json(c, items, SQL_SERVICE_BOM, "i", service_id);
}

int
pgsql_service_consumables_set(struct store_conn *c, int64_t service_id,
                              const struct store_consumable *items, size_t n)
{
    size_t i;
    int rc = pq_cmd(c, NULL, SQL_SERVICE_BOM_DELETE, "i", service_id);

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_SERVICE_BOM_INSERT, "iiii", service_id, items[i].product_id,
                    items[i].staff_id, items[i].quantity);
    return rc;
}

int
pgsql_booking_consumables_get(struct store_conn *c, int64_t booking_id, int *custom, json_t **items)
{
    int64_t flag = 0;
    int rc = pq_int64(c, &flag, SQL_BOOKING_CUSTOM, "i", booking_id);

    *items = NULL;
    *custom = flag != 0;
    if (rc != ERR_OK)
        return rc;
    return pq_list_json(c, items, *custom ? SQL_BOOKING_OWN : SQL_BOOKING_BOM, "i", booking_id);
}

int
pgsql_booking_consumables_set(struct store_conn *c, int64_t booking_id,
                              const struct store_consumable *items, size_t n)
{
    int64_t changed = 0;
    size_t i;
    int rc = pq_cmd(c, &changed, SQL_BOOKING_MARK_CUSTOM, "i", booking_id);

    if (rc == ERR_OK && changed == 0)
        return ERR_NOT_FOUND;
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_BOOKING_OWN_DELETE, "i", booking_id);
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_BOOKING_OWN_INSERT, "iiiii", booking_id, (int64_t)i,
                    items[i].product_id, items[i].storage_id, items[i].quantity);
    return rc;
}

/* A line's total is as priced (net when its tax is exclusive); the
 * invoice's total is what is owed: net plus tax.
 *
 * The next position is read in the transaction that locked the invoice
 * (billing reads it FOR UPDATE first), so no other line takes it. */
int
pgsql_invoice_product_line_add(struct store_conn *c, int64_t invoice_id,
                               const struct store_invoice_line *l, int64_t *line_id)
{
    int64_t position = 0;
    int rc = pq_int64(c, &position, SQL_LINE_POSITION, "i", invoice_id);

    if (rc == ERR_OK)
        rc = pq_int64(c, line_id, SQL_PRODUCT_LINE_INSERT, "iitiiiddiii", invoice_id, position,
                      l->description, l->product_id, l->money.quantity, l->money.unit_price,
                      l->money.rate_bp, l->money.inclusive, l->money.net, l->money.tax,
                      l->money.total);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_ADD_TOTALS, "iiii", l->money.net, l->money.tax,
                    l->money.net + l->money.tax, invoice_id);
    return rc;
}

int
pgsql_invoice_product_line_remove(struct store_conn *c, int64_t invoice_id, int64_t line_id,
                                  struct store_invoice_line *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_PRODUCT_LINE_DELETE, "ii", line_id, invoice_id);

    memset(out, 0, sizeof(*out));
    if (rc != ERR_OK)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return ERR_NOT_FOUND;
    }
    out->product_id = pq_get_int64(r, 0, 0);
    out->money.quantity = pq_get_int64(r, 0, 1);
    out->money.unit_price = pq_get_int64(r, 0, 2);
    out->money.rate_bp = (int)pq_get_int64(r, 0, 3);
    out->money.inclusive = (int)pq_get_int64(r, 0, 4);
    out->money.net = pq_get_int64(r, 0, 5);
    out->money.tax = pq_get_int64(r, 0, 6);
    out->money.total = pq_get_int64(r, 0, 7);
    PQclear(r);
    return pq_cmd(c, NULL, SQL_ADD_TOTALS, "iiii", -out->money.net, -out->money.tax,
                  -(out->money.net + out->money.tax), invoice_id);
}

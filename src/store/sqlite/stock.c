/* SQLite backend: products' stock movements and levels, services' bills
 * of materials, bookings' consumables, and the invoice lines of products
 * sold on a visit. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_MOVEMENT_INSERT[] =
    "INSERT INTO stock_movements (product_id, storage_id, quantity, reason, unit_cost, note, "
    "booking_id, invoice_line_id, created_at, created_by) "
    "VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 >= 0 THEN ?5 END, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_MOVEMENT_LIST[] =
    "SELECT m.id, m.product_id, p.name AS product_name, m.storage_id, s.name AS storage_name, "
    "m.quantity, m.reason, m.unit_cost, m.note, m.booking_id, m.invoice_line_id AS line_id, "
    "m.created_at FROM stock_movements m JOIN products p ON p.id = m.product_id "
    "JOIN storages s ON s.id = m.storage_id "
    "WHERE (?1 = 0 OR m.product_id = ?1) AND (?2 = 0 OR m.storage_id = ?2) "
    "AND (?3 = 0 OR m.booking_id = ?3) AND (?4 = 0 OR m.invoice_line_id = ?4) "
    "AND (?5 = 0 OR m.created_at >= ?5) AND (?6 = 0 OR m.created_at < ?6) "
    "AND (?7 IS NULL OR m.reason = ?7) AND m.id > ?8 ORDER BY m.id LIMIT ?9";
static const char SQL_STOCK_LEVELS[] =
    "SELECT * FROM (SELECT m.product_id, p.name AS product_name, m.storage_id, "
    "s.name AS storage_name, s.location_id, sum(m.quantity) AS quantity, p.min_quantity "
    "FROM stock_movements m JOIN products p ON p.id = m.product_id "
    "JOIN storages s ON s.id = m.storage_id "
    "WHERE (?1 = 0 OR m.product_id = ?1) AND (?2 = 0 OR m.storage_id = ?2) "
    "GROUP BY m.product_id, m.storage_id) "
    "WHERE ?3 = 0 OR quantity < min_quantity ORDER BY product_id, storage_id";
static const char SQL_SERVICE_BOM[] =
    "SELECT product_id, quantity, staff_id FROM service_consumables WHERE service_id = ? "
    "ORDER BY id";
static const char SQL_SERVICE_BOM_DELETE[] = "DELETE FROM service_consumables WHERE service_id = ?";
static const char SQL_SERVICE_BOM_INSERT[] =
    "INSERT INTO service_consumables (service_id, product_id, staff_id, quantity) "
    "VALUES (?, ?, ?, ?)";
static const char SQL_BOOKING_CUSTOM[] = "SELECT consumables_custom FROM bookings WHERE id = ?";
static const char SQL_BOOKING_OWN[] =
    "SELECT c.product_id, p.name AS product_name, c.storage_id, sum(c.quantity) AS quantity, "
    "p.cost_price FROM booking_consumables c JOIN products p ON p.id = c.product_id "
    "WHERE c.booking_id = ? GROUP BY c.product_id, c.storage_id ORDER BY c.product_id, "
    "c.storage_id";
/* One row of booking_services per time a service is booked, so the sum
 * counts each occurrence; a staff member's own entry for a product
 * replaces the general one. */
static const char SQL_BOOKING_BOM[] =
    "SELECT sc.product_id, p.name AS product_name, "
    "(SELECT min(s.id) FROM storages s WHERE s.location_id = b.location_id "
    "AND s.kind = 'consumables') AS storage_id, sum(sc.quantity) AS quantity, p.cost_price "
    "FROM bookings b JOIN booking_services bs ON bs.booking_id = b.id "
    "JOIN service_consumables sc ON sc.service_id = bs.service_id "
    "JOIN products p ON p.id = sc.product_id "
    "WHERE b.id = ?1 AND (sc.staff_id = b.staff_id OR (sc.staff_id IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM service_consumables o WHERE o.service_id = sc.service_id "
    "AND o.product_id = sc.product_id AND o.staff_id = b.staff_id))) "
    "GROUP BY sc.product_id, p.name, p.cost_price, b.location_id ORDER BY sc.product_id";
static const char SQL_BOOKING_MARK_CUSTOM[] =
    "UPDATE bookings SET consumables_custom = 1 WHERE id = ?";
static const char SQL_BOOKING_OWN_DELETE[] = "DELETE FROM booking_consumables WHERE booking_id = ?";
static const char SQL_BOOKING_OWN_INSERT[] =
    "INSERT INTO booking_consumables (booking_id, position, product_id, storage_id, quantity) "
    "VALUES (?, ?, ?, ?, ?)";
static const char SQL_LINE_POSITION[] =
    "SELECT COALESCE(max(position) + 1, 0) FROM invoice_lines WHERE invoice_id = ?";
static const char SQL_PRODUCT_LINE_INSERT[] =
    "INSERT INTO invoice_lines (invoice_id, position, description, product_id, quantity, "
    "unit_price, tax_rate_bp, tax_inclusive, net, tax, total) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PRODUCT_LINE_GET[] =
    "SELECT product_id, quantity, unit_price, tax_rate_bp, tax_inclusive, net, tax, total "
    "FROM invoice_lines WHERE id = ? AND invoice_id = ? AND product_id IS NOT NULL";
static const char SQL_PRODUCT_LINE_DELETE[] = "DELETE FROM invoice_lines WHERE id = ?";
static const char SQL_ADD_TOTALS[] =
    "UPDATE invoices SET subtotal = subtotal + ?, tax = tax + ?, total = total + ? WHERE id = ?";

int
sqlite_stock_movement_add(struct store_conn *c, const struct store_movement *m, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_MOVEMENT_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "iiititooio", m->product_id, m->storage_id, m->quantity, m->reason,
                        m->unit_cost, m->note ? m->note : "", m->booking_id, m->line_id,
                        m->created_at, m->created_by) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_stock_movement_list(struct store_conn *c, const struct store_movement_filter *f,
                           json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_MOVEMENT_LIST, items);

    if (!st || sql_bind(c, st, "iiiiiitid", f->product_id, f->storage_id, f->booking_id, f->line_id,
                        f->from, f->to, f->reason, f->after_id, f->limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_stock_levels(struct store_conn *c, const struct store_stock_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_STOCK_LEVELS, items);

    if (!st || sql_bind(c, st, "iid", f->product_id, f->storage_id, f->below_min) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_service_consumables_get(struct store_conn *c, int64_t service_id, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_SERVICE_BOM, items);

    if (!st || sql_bind(c, st, "i", service_id) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_service_consumables_set(struct store_conn *c, int64_t service_id,
                               const struct store_consumable *items, size_t n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SERVICE_BOM_DELETE);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", service_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_SERVICE_BOM_INSERT);
        if (!st || sql_bind(c, st, "iioi", service_id, items[i].product_id, items[i].staff_id,
                            items[i].quantity) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

int
sqlite_booking_consumables_get(struct store_conn *c, int64_t booking_id, int *custom,
                               json_t **items)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_CUSTOM);
    int rc;

    *items = NULL;
    *custom = 0;
    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *custom = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    st = sql_prepare_list(c, *custom ? SQL_BOOKING_OWN : SQL_BOOKING_BOM, items);
    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

/* The write transaction is SQLite's single writer: the booking's row
 * needs no lock of its own. */
int
sqlite_booking_consumables_set(struct store_conn *c, int64_t booking_id,
                               const struct store_consumable *items, size_t n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_MARK_CUSTOM);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        return ERR_NOT_FOUND;
    st = rc == ERR_OK ? sql_prepare(c, SQL_BOOKING_OWN_DELETE) : NULL;
    if (rc == ERR_OK && (!st || sql_bind(c, st, "i", booking_id) != ERR_OK))
        return ERR_STORE;
    if (rc == ERR_OK)
        rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_BOOKING_OWN_INSERT);
        if (!st || sql_bind(c, st, "iiiii", booking_id, (int64_t)i, items[i].product_id,
                            items[i].storage_id, items[i].quantity) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

/* A line's total is as priced (net when its tax is exclusive); the
 * invoice's total is what is owed: net plus tax. */
static int
add_totals(struct store_conn *c, int64_t invoice_id, const struct money_line *m, int sign)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ADD_TOTALS);

    if (!st || sql_bind(c, st, "iiii", sign * m->net, sign * m->tax, sign * (m->net + m->tax),
                        invoice_id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_invoice_product_line_add(struct store_conn *c, int64_t invoice_id,
                                const struct store_invoice_line *l, int64_t *line_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_LINE_POSITION);
    int64_t position = 0;
    int rc;

    if (!st || sql_bind(c, st, "i", invoice_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        position = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return sql_err(c, rc);
    st = sql_prepare(c, SQL_PRODUCT_LINE_INSERT);
    if (!st || sql_bind(c, st, "iitiiiddiii", invoice_id, position, l->description, l->product_id,
                        l->money.quantity, l->money.unit_price, l->money.rate_bp,
                        l->money.inclusive, l->money.net, l->money.tax, l->money.total) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *line_id = sqlite3_last_insert_rowid(lite(c)->db);
    if (rc == ERR_OK)
        rc = add_totals(c, invoice_id, &l->money, 1);
    return rc;
}

int
sqlite_invoice_product_line_remove(struct store_conn *c, int64_t invoice_id, int64_t line_id,
                                   struct store_invoice_line *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PRODUCT_LINE_GET);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!st || sql_bind(c, st, "ii", line_id, invoice_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->product_id = sqlite3_column_int64(st, 0);
        out->money.quantity = sqlite3_column_int64(st, 1);
        out->money.unit_price = sqlite3_column_int64(st, 2);
        out->money.rate_bp = sqlite3_column_int(st, 3);
        out->money.inclusive = sqlite3_column_int(st, 4);
        out->money.net = sqlite3_column_int64(st, 5);
        out->money.tax = sqlite3_column_int64(st, 6);
        out->money.total = sqlite3_column_int64(st, 7);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    st = sql_prepare(c, SQL_PRODUCT_LINE_DELETE);
    if (!st || sql_bind(c, st, "i", line_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        rc = add_totals(c, invoice_id, &out->money, -1);
    return rc;
}

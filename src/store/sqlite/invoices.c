/* SQLite backend: invoices, their lines and the payments against them. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_INVOICE_NEXT_SEQ[] =
    "SELECT COALESCE(MAX(seq), 0) + 1 FROM invoices WHERE year = ?";
static const char SQL_INVOICE_INSERT[] =
    "INSERT INTO invoices (year, seq, number, patient_id, booking_id, issued_at, currency, "
    "subtotal, tax, total, paid, refunded, credited, status) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'unpaid')";
static const char SQL_INVOICE_LINES_DELETE[] = "DELETE FROM invoice_lines WHERE invoice_id = ?";
static const char SQL_INVOICE_LINE_INSERT[] =
    "INSERT INTO invoice_lines (invoice_id, position, description, service_id, quantity, "
    "unit_price, tax_rate_bp, tax_inclusive, net, tax, total) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_INVOICE_SET_TOTALS[] =
    "UPDATE invoices SET subtotal = ?, tax = ?, total = ? WHERE id = ?";
static const char SQL_INVOICE_SET_STATE[] =
    "UPDATE invoices SET paid = ?, refunded = ?, credited = ?, status = ? WHERE id = ?";
#define INVOICE_COLUMNS                                                                            \
    "SELECT id, patient_id, COALESCE(booking_id, 0), issued_at, currency, subtotal, tax, total, "  \
    "paid, refunded, credited, status FROM invoices "
static const char SQL_INVOICE_GET[] = INVOICE_COLUMNS "WHERE id = ?";
static const char SQL_INVOICE_BY_BOOKING[] = INVOICE_COLUMNS "WHERE booking_id = ?";
#define INVOICE_JSON_COLUMNS                                                                       \
    "SELECT i.id, i.number, i.patient_id, p.name AS patient_name, i.booking_id, i.issued_at, "     \
    "i.currency, i.subtotal, i.tax, i.total, i.paid, i.refunded, "                                 \
    "CASE WHEN i.credited THEN i.paid - i.refunded ELSE 0 END AS credit_owed, "                    \
    "CASE WHEN i.status = 'void' OR i.credited THEN 0 ELSE i.total - i.paid END AS balance_due, "  \
    "i.status FROM invoices i JOIN patients p ON p.id = i.patient_id "
static const char SQL_INVOICE_JSON[] = INVOICE_JSON_COLUMNS "WHERE i.id = ?";
static const char SQL_INVOICE_LIST[] =
    INVOICE_JSON_COLUMNS "WHERE (?1 = 0 OR i.patient_id = ?1) AND (?2 IS NULL OR i.status = ?2) "
                         "AND (?5 = 0 OR (i.credited AND i.paid - i.refunded > 0)) "
                         "AND i.id > ?3 ORDER BY i.id LIMIT ?4";
static const char SQL_INVOICE_LINES[] =
    "SELECT id AS line_id, description, service_id, product_id, quantity, unit_price, "
    "tax_rate_bp, tax_inclusive, net, tax, total FROM invoice_lines WHERE invoice_id = ? ORDER BY "
    "position";
#define PAYMENT_JSON_COLUMNS                                                                       \
    "SELECT y.id, y.invoice_id, n.number AS invoice_number, n.booking_id, n.patient_id, "          \
    "p.name AS patient_name, y.kind, y.amount, y.method, y.provider, y.reference, y.status, "      \
    "y.created_at, y.decided_at FROM payments y JOIN invoices n ON n.id = y.invoice_id "           \
    "JOIN patients p ON p.id = n.patient_id "
static const char SQL_INVOICE_PAYMENTS[] =
    PAYMENT_JSON_COLUMNS "WHERE y.invoice_id = ? ORDER BY y.id";
static const char SQL_PAYMENT_INSERT[] =
    "INSERT INTO payments (invoice_id, kind, amount, method, provider, reference, status, "
    "created_at, created_by, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "CASE WHEN ?7 = 'pending' THEN NULL ELSE ?8 END, CASE WHEN ?7 = 'pending' THEN NULL ELSE ?9 "
    "END)";
static const char SQL_PAYMENT_GET[] =
    "SELECT id, invoice_id, kind, amount, method, provider, status, created_at, "
    "COALESCE(created_by, 0) FROM payments WHERE id = ?";
static const char SQL_PAYMENT_DECIDE[] =
    "UPDATE payments SET status = ?, decided_at = ?, decided_by = ? "
    "WHERE id = ? AND status = 'pending'";
static const char SQL_PAYMENT_SET_REFERENCE[] = "UPDATE payments SET reference = ? WHERE id = ?";
static const char SQL_PAYMENT_BY_REFERENCE[] =
    "SELECT id FROM payments WHERE provider = ? AND reference = ? ORDER BY id LIMIT 1";
static const char SQL_PAYMENT_PENDING_COUNT[] =
    "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM payments "
    "WHERE invoice_id = ? AND status = 'pending'";
static const char SQL_PAYMENT_LIST[] =
    PAYMENT_JSON_COLUMNS "WHERE (?1 IS NULL OR y.status = ?1) AND y.id > ?2 ORDER BY y.id LIMIT ?3";
static const char SQL_BOOKING_SET_PAYMENT_STATUS[] =
    "UPDATE bookings SET payment_status = ? WHERE id = ?";

int
sqlite_invoice_next_seq(struct store_conn *c, int year, int64_t *seq)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_NEXT_SEQ);
    int rc;

    if (!st || sql_bind(c, st, "d", year) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *seq = sqlite3_column_int64(st, 0);
    rc = rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int
sqlite_invoice_insert(struct store_conn *c, const struct store_invoice *inv, int year, int64_t seq,
                      const char *number, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "ditioitiii", year, seq, number, inv->patient_id, inv->booking_id,
                        inv->issued_at, inv->currency, (int64_t)inv->totals.subtotal,
                        (int64_t)inv->totals.tax, (int64_t)inv->totals.total) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

static int
insert_line(struct store_conn *c, int64_t invoice_id, size_t position,
            const struct store_invoice_line *l)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_LINE_INSERT);

    if (!st || sql_bind(c, st, "iitoiiddiii", invoice_id, (int64_t)position, l->description,
                        l->service_id, (int64_t)l->money.quantity, (int64_t)l->money.unit_price,
                        (int)l->money.rate_bp, (int)l->money.inclusive, (int64_t)l->money.net,
                        (int64_t)l->money.tax, (int64_t)l->money.total) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_invoice_set_lines(struct store_conn *c, int64_t id, const struct store_invoice_line *lines,
                         size_t n, const struct money_totals *totals)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_LINES_DELETE);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = insert_line(c, id, i, &lines[i]);
    st = rc == ERR_OK ? sql_prepare(c, SQL_INVOICE_SET_TOTALS) : NULL;
    if (rc != ERR_OK || !st)
        return rc != ERR_OK ? rc : ERR_STORE;
    rc = sql_bind(c, st, "iiii", (int64_t)totals->subtotal, (int64_t)totals->tax,
                  (int64_t)totals->total, id);
    if (rc != ERR_OK)
        return rc;
    return sql_exec_step(c, st);
}

int
sqlite_invoice_set_state(struct store_conn *c, const struct store_invoice *inv)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_SET_STATE);

    if (!st || sql_bind(c, st, "iidti", (int64_t)(inv->paid), (int64_t)(inv->refunded),
                        (int)(inv->credited), inv->status, inv->id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

static int
invoice_row(struct store_conn *c, sqlite3_stmt *st, struct store_invoice *out)
{
    int rc = sqlite3_step(st);

    memset(out, 0, sizeof(*out));
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->patient_id = sqlite3_column_int64(st, 1);
        out->booking_id = sqlite3_column_int64(st, 2);
        out->issued_at = sqlite3_column_int64(st, 3);
        sql_copy_text(st, 4, out->currency, sizeof(out->currency));
        out->totals.subtotal = sqlite3_column_int64(st, 5);
        out->totals.tax = sqlite3_column_int64(st, 6);
        out->totals.total = sqlite3_column_int64(st, 7);
        out->paid = sqlite3_column_int64(st, 8);
        out->refunded = sqlite3_column_int64(st, 9);
        out->credited = sqlite3_column_int(st, 10);
        sql_copy_text(st, 11, out->status, sizeof(out->status));
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

static int
invoice_by(struct store_conn *c, const char *sql, int64_t key, struct store_invoice *out)
{
    sqlite3_stmt *st = sql_prepare(c, sql);

    if (!st || sql_bind(c, st, "i", (int64_t)(key)) != ERR_OK)
        return ERR_STORE;
    return invoice_row(c, st, out);
}

int
sqlite_invoice_get(struct store_conn *c, int64_t id, struct store_invoice *out)
{
    return invoice_by(c, SQL_INVOICE_GET, id, out);
}

int
sqlite_invoice_by_booking(struct store_conn *c, int64_t booking_id, struct store_invoice *out)
{
    return invoice_by(c, SQL_INVOICE_BY_BOOKING, booking_id, out);
}

/* Adds the rows sql selects for invoice id as array key of row. */
static int
attach_rows(struct store_conn *c, json_t *row, const char *key, const char *sql)
{
    sqlite3_stmt *st = sql_prepare(c, sql);
    json_t *items = json_array();
    int rc = st && items ? ERR_OK : ERR_STORE;

    if (rc == ERR_OK)
        rc = sql_bind(c, st, "i", (int64_t)json_integer_value(json_object_get(row, "id")));
    if (rc == ERR_OK)
        rc = sql_rows_json(c, st, items);
    if (rc == ERR_OK)
        return json_object_set_new(row, key, items) == 0 ? ERR_OK : ERR_NOMEM;
    json_decref(items);
    return rc;
}

int
sqlite_invoice_json(struct store_conn *c, int64_t id, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_JSON);
    int rc;

    *out = NULL;
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_one_json(c, st, out);
    if (rc == ERR_OK)
        rc = attach_rows(c, *out, "lines", SQL_INVOICE_LINES);
    if (rc == ERR_OK)
        rc = attach_rows(c, *out, "payments", SQL_INVOICE_PAYMENTS);
    return rc;
}

int
sqlite_invoice_list(struct store_conn *c, const struct store_invoice_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_INVOICE_LIST, items);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "itidd", f->patient_id, f->status, f->after_id, f->limit,
                        f->credit_owed) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    /* A list shows what each invoice's payments wait for, as one does. */
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++) {
        rc = attach_rows(c, json_array_get(*items, i), "lines", SQL_INVOICE_LINES);
        if (rc == ERR_OK)
            rc = attach_rows(c, json_array_get(*items, i), "payments", SQL_INVOICE_PAYMENTS);
    }
    return rc;
}

int
sqlite_payment_insert(struct store_conn *c, const struct store_payment *p, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_INSERT);
    int rc;

    if (!st || sql_bind(c, st, "itittttio", p->invoice_id, p->kind, (int64_t)p->amount, p->method,
                        p->provider, p->reference ? p->reference : "", p->status, p->created_at,
                        p->created_by) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_payment_get(struct store_conn *c, int64_t id, struct store_payment *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_GET);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->invoice_id = sqlite3_column_int64(st, 1);
        sql_copy_text(st, 2, out->kind, sizeof(out->kind));
        out->amount = sqlite3_column_int64(st, 3);
        sql_copy_text(st, 4, out->method, sizeof(out->method));
        sql_copy_text(st, 5, out->provider, sizeof(out->provider));
        sql_copy_text(st, 6, out->status, sizeof(out->status));
        out->created_at = sqlite3_column_int64(st, 7);
        out->created_by = sqlite3_column_int64(st, 8);
        out->reference = "";
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_payment_decide(struct store_conn *c, int64_t id, const char *status, int64_t at, int64_t by)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_DECIDE);
    int rc;

    if (!st || sql_bind(c, st, "tioi", status, at, by, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_CONFLICT;
    return rc;
}

int
sqlite_payment_set_reference(struct store_conn *c, int64_t id, const char *reference)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_SET_REFERENCE);
    int rc;

    if (!st || sql_bind(c, st, "ti", reference, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
sqlite_payment_by_reference(struct store_conn *c, const char *provider, const char *reference,
                            int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_BY_REFERENCE);
    int rc;

    *id = 0;
    if (!st || sql_bind(c, st, "tt", provider, reference) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_payment_pending(struct store_conn *c, int64_t invoice_id, int *n, int64_t *amount)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_PAYMENT_PENDING_COUNT);
    int rc;

    if (!st || sql_bind(c, st, "i", invoice_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *n = sqlite3_column_int(st, 0);
    *amount = sqlite3_column_int64(st, 1);
    rc = rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int
sqlite_payment_list(struct store_conn *c, const char *status, int64_t after_id, int limit,
                    json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_PAYMENT_LIST, items);

    if (!st || sql_bind(c, st, "tid", status, after_id, limit) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_booking_set_payment_status(struct store_conn *c, int64_t booking_id, const char *status)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_SET_PAYMENT_STATUS);

    if (!st || sql_bind(c, st, "ti", status, booking_id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

static const char SQL_INVOICE_NEXT_POSITION[] =
    "SELECT COALESCE(max(position) + 1, 0) FROM invoice_lines WHERE invoice_id = ?";
static const char SQL_INVOICE_ADD_TOTALS[] =
    "UPDATE invoices SET subtotal = subtotal + ?, tax = tax + ?, total = total + ? WHERE id = ?";
static const char SQL_INVOICE_LINES_OF[] =
    "SELECT COALESCE(sum(net), 0), COALESCE(sum(tax), 0), COALESCE(sum(total), 0) "
    "FROM invoice_lines WHERE invoice_id = ? AND description = ? AND service_id IS NULL "
    "AND product_id IS NULL";
static const char SQL_INVOICE_LINES_DROP[] =
    "DELETE FROM invoice_lines WHERE invoice_id = ? AND description = ? AND service_id IS NULL "
    "AND product_id IS NULL";

static int
add_totals(struct store_conn *c, int64_t id, int64_t net, int64_t tax, int64_t total)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_ADD_TOTALS);

    if (!st || sql_bind(c, st, "iiii", net, tax, total, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_invoice_line_add(struct store_conn *c, int64_t invoice_id,
                        const struct store_invoice_line *line)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_NEXT_POSITION);
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
    rc = insert_line(c, invoice_id, (size_t)position, line);
    if (rc == ERR_OK)
        rc = add_totals(c, invoice_id, line->money.net, line->money.tax, line->money.total);
    return rc;
}

int
sqlite_invoice_line_remove(struct store_conn *c, int64_t invoice_id, const char *description,
                           int64_t *removed)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_INVOICE_LINES_OF);
    int64_t net = 0, tax = 0;
    int rc;

    *removed = 0;
    if (!st || sql_bind(c, st, "it", invoice_id, description) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        net = sqlite3_column_int64(st, 0);
        tax = sqlite3_column_int64(st, 1);
        *removed = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return sql_err(c, rc);
    if (*removed == 0 && net == 0)
        return ERR_OK;
    st = sql_prepare(c, SQL_INVOICE_LINES_DROP);
    if (!st || sql_bind(c, st, "it", invoice_id, description) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        rc = add_totals(c, invoice_id, -net, -tax, -*removed);
    return rc;
}

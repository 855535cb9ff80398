/* PostgreSQL backend: invoices, their lines and the payments against them.
 *
 * What SQLite's single writer gave for free is taken explicitly: the
 * year's invoice numbers under an advisory lock, invoice rows that
 * billing reads and rewrites locked FOR UPDATE in write transactions, and
 * the lines of an invoice replaced under its row lock. */
#include <stdio.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* Parameters are cast wherever PostgreSQL would otherwise infer a type
 * from a literal ($1 = 0 makes $1 an int4) or could not infer one at all
 * ($1 IS NULL). A negative LIMIT means none, as on SQLite. */
static const char SQL_INVOICE_NEXT_SEQ[] =
    "SELECT coalesce(max(seq), 0) + 1 FROM invoices WHERE year = $1::bigint";
static const char SQL_INVOICE_INSERT[] =
    "INSERT INTO invoices (year, seq, number, patient_id, booking_id, issued_at, currency, "
    "subtotal, tax, total, paid, refunded, credited, status) "
    "VALUES ($1, $2, $3, $4, CASE WHEN $5::bigint > 0 THEN $5::bigint END, $6, $7, $8, $9, $10, "
    "0, 0, 0, 'unpaid') RETURNING id";
static const char SQL_INVOICE_LINES_DELETE[] = "DELETE FROM invoice_lines WHERE invoice_id = $1";
static const char SQL_INVOICE_LINE_INSERT[] =
    "INSERT INTO invoice_lines (invoice_id, position, description, service_id, quantity, "
    "unit_price, tax_rate_bp, tax_inclusive, net, tax, total) "
    "VALUES ($1, $2, $3, CASE WHEN $4::bigint > 0 THEN $4::bigint END, $5, $6, $7, $8, $9, $10, "
    "$11)";
static const char SQL_INVOICE_SET_TOTALS[] =
    "UPDATE invoices SET subtotal = $1, tax = $2, total = $3 WHERE id = $4";
static const char SQL_INVOICE_SET_STATE[] =
    "UPDATE invoices SET paid = $1, refunded = $2, credited = $3, status = $4 WHERE id = $5";
/* Billing reads an invoice, adds a payment to it and writes it back; in a
 * write transaction the row stays locked until commit, so a second
 * payment waits and then reads the first one's result instead of
 * overwriting it. Its booking's row is locked first: a cancellation
 * updates the booking and then loads the invoice, a payment loads the
 * invoice and then sets the booking's payment status, and taking the two
 * in one order (booking, then invoice) keeps them from deadlocking. */
static const char SQL_LOCK_BOOKING_OF_INVOICE[] =
    "SELECT b.id FROM bookings b JOIN invoices i ON i.booking_id = b.id WHERE i.id = $1 "
    "FOR UPDATE OF b";
static const char SQL_LOCK_BOOKING[] = "SELECT id FROM bookings WHERE id = $1 FOR UPDATE";
#define INVOICE_COLUMNS                                                                            \
    "SELECT id, patient_id, coalesce(booking_id, 0), issued_at, currency, subtotal, tax, total, "  \
    "paid, refunded, credited, status FROM invoices "
static const char SQL_INVOICE_GET[] = INVOICE_COLUMNS "WHERE id = $1";
static const char SQL_INVOICE_GET_LOCK[] = INVOICE_COLUMNS "WHERE id = $1 FOR UPDATE";
static const char SQL_INVOICE_BY_BOOKING[] = INVOICE_COLUMNS "WHERE booking_id = $1";
static const char SQL_INVOICE_BY_BOOKING_LOCK[] =
    INVOICE_COLUMNS "WHERE booking_id = $1 FOR UPDATE";
#define INVOICE_JSON_COLUMNS                                                                       \
    "SELECT i.id, i.number, i.patient_id, p.name AS patient_name, i.booking_id, i.issued_at, "     \
    "i.currency, i.subtotal, i.tax, i.total, i.paid, i.refunded, "                                 \
    "CASE WHEN i.credited <> 0 THEN i.paid - i.refunded ELSE 0 END AS credit_owed, "               \
    "CASE WHEN i.status = 'void' OR i.credited <> 0 THEN 0 ELSE i.total - i.paid END "             \
    "AS balance_due, i.status FROM invoices i JOIN patients p ON p.id = i.patient_id "
static const char SQL_INVOICE_JSON[] = INVOICE_JSON_COLUMNS "WHERE i.id = $1";
static const char SQL_INVOICE_LIST[] =
    INVOICE_JSON_COLUMNS "WHERE ($1::bigint = 0 OR i.patient_id = $1::bigint) "
                         "AND ($2::text IS NULL OR i.status = $2::text) AND i.id > $3 "
                         "AND ($5::bigint = 0 OR (i.credited <> 0 AND i.paid - i.refunded > 0)) "
                         "ORDER BY i.id LIMIT CASE WHEN $4::bigint >= 0 THEN $4::bigint END";
static const char SQL_INVOICE_LINES[] =
    "SELECT id AS line_id, description, service_id, product_id, quantity, unit_price, "
    "tax_rate_bp, tax_inclusive, net, tax, total FROM invoice_lines WHERE invoice_id = $1 ORDER BY "
    "position";
#define PAYMENT_JSON_COLUMNS                                                                       \
    "SELECT y.id, y.invoice_id, n.number AS invoice_number, n.booking_id, n.patient_id, "          \
    "p.name AS patient_name, y.kind, y.amount, y.method, y.provider, y.reference, y.status, "      \
    "y.created_at, y.decided_at FROM payments y JOIN invoices n ON n.id = y.invoice_id "           \
    "JOIN patients p ON p.id = n.patient_id "
static const char SQL_INVOICE_PAYMENTS[] =
    PAYMENT_JSON_COLUMNS "WHERE y.invoice_id = $1 ORDER BY y.id";
static const char SQL_PAYMENT_INSERT[] =
    "INSERT INTO payments (invoice_id, kind, amount, method, provider, reference, status, "
    "created_at, created_by, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7::text, "
    "$8::bigint, CASE WHEN $9::bigint > 0 THEN $9::bigint END, "
    "CASE WHEN $7::text = 'pending' THEN NULL ELSE $8::bigint END, "
    "CASE WHEN $7::text = 'pending' OR $9::bigint <= 0 THEN NULL ELSE $9::bigint END) "
    "RETURNING id";
static const char SQL_PAYMENT_GET[] =
    "SELECT id, invoice_id, kind, amount, method, provider, status, created_at, "
    "coalesce(created_by, 0) FROM payments WHERE id = $1";
/* One statement: of two deciders racing, the second waits for the first
 * and then finds the payment no longer pending. */
static const char SQL_PAYMENT_DECIDE[] =
    "UPDATE payments SET status = $1, decided_at = $2, "
    "decided_by = CASE WHEN $3::bigint > 0 THEN $3::bigint END "
    "WHERE id = $4 AND status = 'pending'";
static const char SQL_PAYMENT_SET_REFERENCE[] = "UPDATE payments SET reference = $1 WHERE id = $2";
static const char SQL_PAYMENT_BY_REFERENCE[] =
    "SELECT id FROM payments WHERE provider = $1 AND reference = $2 ORDER BY id LIMIT 1";
static const char SQL_PAYMENT_PENDING_COUNT[] =
    "SELECT count(*), coalesce(sum(amount), 0)::bigint FROM payments "
    "WHERE invoice_id = $1 AND status = 'pending'";
static const char SQL_PAYMENT_LIST[] =
    PAYMENT_JSON_COLUMNS "WHERE ($1::text IS NULL OR y.status = $1::text) AND y.id > $2 "
                         "ORDER BY y.id LIMIT CASE WHEN $3::bigint >= 0 THEN $3::bigint END";
static const char SQL_BOOKING_SET_PAYMENT_STATUS[] =
    "UPDATE bookings SET payment_status = $1 WHERE id = $2";

int
pgsql_invoice_next_seq(struct store_conn *c, int year, int64_t *seq)
{
    /* Under READ COMMITTED two transactions would read the same max(seq);
     * the year's lock, held until the caller commits or rolls back,
     * makes the second wait and then see the first one's invoice (or,
     * after a rollback, take the freed number itself): no gaps, no
     * duplicates. */
    int rc = pq_lock(c, PQ_LOCK_INVOICE, year);

    *seq = 0;
    if (rc == ERR_OK)
        rc = pq_int64(c, seq, SQL_INVOICE_NEXT_SEQ, "d", year);
    return rc;
}

int
pgsql_invoice_insert(struct store_conn *c, const struct store_invoice *inv, int year, int64_t seq,
                     const char *number, int64_t *id)
{
    return pq_int64(c, id, SQL_INVOICE_INSERT, "ditiiitiii", year, seq, number, inv->patient_id,
                    inv->booking_id, inv->issued_at, inv->currency, inv->totals.subtotal,
                    inv->totals.tax, inv->totals.total);
}

static int
insert_line(struct store_conn *c, int64_t invoice_id, size_t position,
            const struct store_invoice_line *l)
{
    return pq_cmd(c, NULL, SQL_INVOICE_LINE_INSERT, "iitiiiddiii", invoice_id, (int64_t)position,
                  l->description, l->service_id, l->money.quantity, l->money.unit_price,
                  l->money.rate_bp, l->money.inclusive, l->money.net, l->money.tax, l->money.total);
}

int
pgsql_invoice_set_lines(struct store_conn *c, int64_t id, const struct store_invoice_line *lines,
                        size_t n, const struct money_totals *totals)
{
    size_t i;
    int rc;

    /* The totals first: the update locks the invoice row, so a second
     * replacement of the same lines waits for this one and its DELETE
     * then sees (and removes) these lines rather than adding to them. */
    rc = pq_cmd(c, NULL, SQL_INVOICE_SET_TOTALS, "iiii", totals->subtotal, totals->tax,
                totals->total, id);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_INVOICE_LINES_DELETE, "i", id);
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = insert_line(c, id, i, &lines[i]);
    return rc;
}

int
pgsql_invoice_set_state(struct store_conn *c, const struct store_invoice *inv)
{
    return pq_cmd(c, NULL, SQL_INVOICE_SET_STATE, "iidti", inv->paid, inv->refunded, inv->credited,
                  inv->status, inv->id);
}

/* 1 inside a write (READ COMMITTED) transaction, where rows read to be
 * rewritten are locked. Not in a read transaction: its snapshot is all it
 * needs, and FOR UPDATE there would fail whenever the row changed since
 * the snapshot. Not outside a transaction: a lock would end with the
 * statement. */
static int
in_write_tx(struct store_conn *c, int *writes)
{
    *writes = pq(c)->in_tx && pq(c)->writing;
    return ERR_OK;
}

/* sql selects the invoice by key; in a write transaction lock_booking
 * locks its booking's row and sql_lock the invoice's. */
static int
invoice_by(struct store_conn *c, const char *sql, const char *lock_booking, const char *sql_lock,
           int64_t key, struct store_invoice *out)
{
    PGresult *r = NULL;
    int writes, rc;

    memset(out, 0, sizeof(*out));
    rc = in_write_tx(c, &writes);
    if (rc == ERR_OK && writes)
        rc = pq_cmd(c, NULL, lock_booking, "i", key);
    if (rc == ERR_OK)
        rc = pq_exec(c, &r, writes ? sql_lock : sql, "i", key);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_NOT_FOUND;
    if (PQntuples(r) == 0)
        goto out;
    out->id = pq_get_int64(r, 0, 0);
    out->patient_id = pq_get_int64(r, 0, 1);
    out->booking_id = pq_get_int64(r, 0, 2);
    out->issued_at = pq_get_int64(r, 0, 3);
    pq_get_text(r, 0, 4, out->currency, sizeof(out->currency));
    out->totals.subtotal = pq_get_int64(r, 0, 5);
    out->totals.tax = pq_get_int64(r, 0, 6);
    out->totals.total = pq_get_int64(r, 0, 7);
    out->paid = pq_get_int64(r, 0, 8);
    out->refunded = pq_get_int64(r, 0, 9);
    out->credited = (int)pq_get_int64(r, 0, 10);
    pq_get_text(r, 0, 11, out->status, sizeof(out->status));
    rc = ERR_OK;
out:
    PQclear(r);
    return rc;
}

int
pgsql_invoice_get(struct store_conn *c, int64_t id, struct store_invoice *out)
{
    return invoice_by(c, SQL_INVOICE_GET, SQL_LOCK_BOOKING_OF_INVOICE, SQL_INVOICE_GET_LOCK, id,
                      out);
}

int
pgsql_invoice_by_booking(struct store_conn *c, int64_t booking_id, struct store_invoice *out)
{
    return invoice_by(c, SQL_INVOICE_BY_BOOKING, SQL_LOCK_BOOKING, SQL_INVOICE_BY_BOOKING_LOCK,
                      booking_id, out);
}

/* Adds the rows sql selects for invoice id as array key of row. */
static int
attach_rows(struct store_conn *c, json_t *row, const char *key, const char *sql)
{
    json_t *items = NULL;
    int rc = pq_list_json(c, &items, sql, "i", json_integer_value(json_object_get(row, "id")));

    if (rc == ERR_OK) {
        rc = json_object_set_new(row, key, items) == 0 ? ERR_OK : ERR_NOMEM;
        items = NULL;
    }
    json_decref(items);
    return rc;
}

int
pgsql_invoice_json(struct store_conn *c, int64_t id, json_t **out)
{
    int rc = pq_one_json(c, out, SQL_INVOICE_JSON, "i", id);

    if (rc == ERR_OK)
        rc = attach_rows(c, *out, "lines", SQL_INVOICE_LINES);
    if (rc == ERR_OK)
        rc = attach_rows(c, *out, "payments", SQL_INVOICE_PAYMENTS);
    return rc;
}

int
pgsql_invoice_list(struct store_conn *c, const struct store_invoice_filter *f, json_t **items)
{
    size_t i;
    int rc = pq_list_json(c, items, SQL_INVOICE_LIST, "itidd", f->patient_id, f->status,
                          f->after_id, f->limit, f->credit_owed);

    /* A list shows what each invoice's payments wait for, as one does. */
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++) {
        rc = attach_rows(c, json_array_get(*items, i), "lines", SQL_INVOICE_LINES);
        if (rc == ERR_OK)
            rc = attach_rows(c, json_array_get(*items, i), "payments", SQL_INVOICE_PAYMENTS);
    }
    return rc;
}

int
pgsql_payment_insert(struct store_conn *c, const struct store_payment *p, int64_t *id)
{
    return pq_int64(c, id, SQL_PAYMENT_INSERT, "itittttii", p->invoice_id, p->kind, p->amount,
                    p->method, p->provider, p->reference ? p->reference : "", p->status,
                    p->created_at, p->created_by);
}

int
pgsql_payment_get(struct store_conn *c, int64_t id, struct store_payment *out)
{
    PGresult *r = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = pq_exec(c, &r, SQL_PAYMENT_GET, "i", id);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_NOT_FOUND;
    if (PQntuples(r) == 0)
        goto out;
    out->id = pq_get_int64(r, 0, 0);
    out->invoice_id = pq_get_int64(r, 0, 1);
    pq_get_text(r, 0, 2, out->kind, sizeof(out->kind));
    out->amount = pq_get_int64(r, 0, 3);
    pq_get_text(r, 0, 4, out->method, sizeof(out->method));
    pq_get_text(r, 0, 5, out->provider, sizeof(out->provider));
    pq_get_text(r, 0, 6, out->status, sizeof(out->status));
    out->created_at = pq_get_int64(r, 0, 7);
    out->created_by = pq_get_int64(r, 0, 8);
    out->reference = "";
    rc = ERR_OK;
out:
    PQclear(r);
    return rc;
}

int
pgsql_payment_decide(struct store_conn *c, int64_t id, const char *status, int64_t at, int64_t by)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_PAYMENT_DECIDE, "tiii", status, at, by, id);

    return rc == ERR_OK && changed == 0 ? ERR_CONFLICT : rc;
}

int
pgsql_payment_set_reference(struct store_conn *c, int64_t id, const char *reference)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_PAYMENT_SET_REFERENCE, "ti", reference, id);

    return rc == ERR_OK && changed == 0 ? ERR_NOT_FOUND : rc;
}

int
pgsql_payment_by_reference(struct store_conn *c, const char *provider, const char *reference,
                           int64_t *id)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_PAYMENT_BY_REFERENCE, "tt", provider, reference);

    *id = 0;
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    else if (rc == ERR_OK)
        *id = pq_get_int64(r, 0, 0);
    PQclear(r);
    return rc;
}

int
pgsql_payment_pending(struct store_conn *c, int64_t invoice_id, int *n, int64_t *amount)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_PAYMENT_PENDING_COUNT, "i", invoice_id);

    *n = 0;
    *amount = 0;
    if (rc == ERR_OK && PQntuples(r) == 1) {
        *n = (int)pq_get_int64(r, 0, 0);
        *amount = pq_get_int64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}

int
pgsql_payment_list(struct store_conn *c, const char *status, int64_t after_id, int limit,
                   json_t **items)
{
    return pq_list_json(c, items, SQL_PAYMENT_LIST, "tid", status, after_id, limit);
}

int
pgsql_booking_set_payment_status(struct store_conn *c, int64_t booking_id, const char *status)
{
    return pq_cmd(c, NULL, SQL_BOOKING_SET_PAYMENT_STATUS, "ti", status, booking_id);
}

static const char SQL_INVOICE_NEXT_POSITION[] =
    "SELECT COALESCE(max(position) + 1, 0) FROM invoice_lines WHERE invoice_id = $1";
static const char SQL_INVOICE_ADD_TOTALS[] =
    "UPDATE invoices SET subtotal = subtotal + $1, tax = tax + $2, total = total + $3 "
    "WHERE id = $4";
static const char SQL_INVOICE_LINES_OF[] =
    "SELECT COALESCE(sum(net), 0), COALESCE(sum(tax), 0), COALESCE(sum(total), 0) "
    "FROM invoice_lines WHERE invoice_id = $1 AND description = $2 AND service_id IS NULL "
    "AND product_id IS NULL";
static const char SQL_INVOICE_LINES_DROP[] =
    "DELETE FROM invoice_lines WHERE invoice_id = $1 AND description = $2 AND service_id IS NULL "
    "AND product_id IS NULL";

/* The caller holds the invoice's lock (store_invoice_by_booking in the same
 * transaction), so the next position cannot be taken meanwhile. */
int
pgsql_invoice_line_add(struct store_conn *c, int64_t invoice_id,
                       const struct store_invoice_line *line)
{
    int64_t position = 0;
    int rc = pq_int64(c, &position, SQL_INVOICE_NEXT_POSITION, "i", invoice_id);

    if (rc == ERR_OK)
        rc = insert_line(c, invoice_id, (size_t)position, line);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_INVOICE_ADD_TOTALS, "iiii", line->money.net, line->money.tax,
                    line->money.total, invoice_id);
    return rc;
}

int
pgsql_invoice_line_remove(struct store_conn *c, int64_t invoice_id, const char *description,
                          int64_t *removed)
{
    PGresult *r = NULL;
    int64_t net, tax;
    int rc = pq_exec(c, &r, SQL_INVOICE_LINES_OF, "it", invoice_id, description);

    *removed = 0;
    if (rc != ERR_OK)
        return rc;
    net = pq_get_int64(r, 0, 0);
    tax = pq_get_int64(r, 0, 1);
    *removed = pq_get_int64(r, 0, 2);
    PQclear(r);
    if (*removed == 0 && net == 0)
        return ERR_OK;
    rc = pq_cmd(c, NULL, SQL_INVOICE_LINES_DROP, "it", invoice_id, description);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_INVOICE_ADD_TOTALS, "iiii", -net, -tax, -*removed, invoice_id);
    return rc;
}

/* SQLite backend: the general ledger and the money reports. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_JOURNAL_INSERT[] =
    "INSERT INTO journal_entries (date, posted_at, memo, source, invoice_id, payment_id, "
    "reverses_entry_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_JOURNAL_LINE_INSERT[] =
    "INSERT INTO journal_lines (entry_id, account_code, debit, credit) VALUES (?, ?, ?, ?)";
static const char SQL_JOURNAL_LAST[] = "SELECT id FROM journal_entries WHERE invoice_id = ? "
                                       "AND source = ? ORDER BY id DESC LIMIT 1";
static const char SQL_JOURNAL_LIST[] =
    "SELECT id, date, posted_at, memo, source, invoice_id, payment_id, reverses_entry_id "
    "FROM journal_entries WHERE (?1 IS NULL OR date >= ?1) AND (?2 IS NULL OR date <= ?2) "
    "AND id > ?3 ORDER BY id LIMIT ?4";
static const char SQL_JOURNAL_LINES[] =
    "SELECT l.account_code, a.name AS account_name, l.debit, l.credit FROM journal_lines l "
    "JOIN ledger_accounts a ON a.code = l.account_code WHERE l.entry_id = ? ORDER BY l.id";
static const char SQL_LEDGER_ACCOUNTS[] =
    "SELECT a.code, a.name, a.type, COALESCE(SUM(l.debit), 0) AS debit, "
    "COALESCE(SUM(l.credit), 0) AS credit, "
    "CASE WHEN a.type IN ('asset', 'expense') THEN COALESCE(SUM(l.debit - l.credit), 0) "
    "ELSE COALESCE(SUM(l.credit - l.debit), 0) END AS balance "
    "FROM ledger_accounts a LEFT JOIN journal_lines l ON l.account_code = a.code "
    "GROUP BY a.code ORDER BY a.code";
static const char SQL_TAKINGS[] =
    "SELECT y.decided_at, y.kind, y.method, y.amount, b.staff_id, s.name AS staff_name "
    "FROM payments y JOIN invoices i ON i.id = y.invoice_id "
    "LEFT JOIN bookings b ON b.id = i.booking_id LEFT JOIN staff s ON s.id = b.staff_id "
    "WHERE y.status = 'confirmed' AND y.decided_at >= ? AND y.decided_at < ? "
    "ORDER BY y.decided_at, y.id";
static const char SQL_RECEIVABLES[] =
    "SELECT i.id AS invoice_id, i.number, i.patient_id, p.name AS patient_name, i.issued_at, "
    "i.total, i.paid, i.total - i.paid AS outstanding FROM invoices i "
    "JOIN patients p ON p.id = i.patient_id "
    "WHERE i.status IN ('unpaid', 'partially_paid') AND i.credited = 0 "
    "ORDER BY i.issued_at, i.id";

static int
insert_posting(struct store_conn *c, int64_t entry_id, const struct ledger_posting *p)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_JOURNAL_LINE_INSERT);

    if (!st || sql_bind(c, st, "itii", entry_id, p->account_code, (int64_t)(p->debit),
                        (int64_t)(p->credit)) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_journal_post(struct store_conn *c, const struct store_journal *j,
                    const struct ledger_entry *e, int64_t *id)
{
    sqlite3_stmt *st;
    size_t i;
    int rc;

    /* The last line of defence: nothing unbalanced reaches the books. */
    if (!ledger_balanced(e))
        return ERR_INVALID;
    st = sql_prepare(c, SQL_JOURNAL_INSERT);
    if (!st || sql_bind(c, st, "tittooo", j->date, j->posted_at, j->memo, j->source, j->invoice_id,
                        j->payment_id, j->reverses_entry_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    for (i = 0; rc == ERR_OK && i < e->n; i++)
        rc = insert_posting(c, *id, &e->postings[i]);
    return rc;
}

int
sqlite_journal_last(struct store_conn *c, int64_t invoice_id, const char *source, int64_t *entry_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_JOURNAL_LAST);
    int rc;

    if (!st || sql_bind(c, st, "it", invoice_id, source) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *entry_id = sqlite3_column_int64(st, 0);
        rc = ERR_OK;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

static int
attach_lines(struct store_conn *c, json_t *entry)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_JOURNAL_LINES);
    json_t *lines = json_array();
    int rc = st && lines ? ERR_OK : ERR_STORE;

    if (rc == ERR_OK)
        rc = sql_bind(c, st, "i", (int64_t)json_integer_value(json_object_get(entry, "id")));
    if (rc == ERR_OK)
        rc = sql_rows_json(c, st, lines);
    if (rc == ERR_OK)
        return json_object_set_new(entry, "lines", lines) == 0 ? ERR_OK : ERR_NOMEM;
    json_decref(lines);
    return rc;
}

int
sqlite_journal_list(struct store_conn *c, const char *from, const char *to, int64_t after_id,
                    int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_JOURNAL_LIST, items);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "ttid", from, to, after_id, limit) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        rc = attach_lines(c, json_array_get(*items, i));
    return rc;
}

static int
all_rows(struct store_conn *c, const char *sql, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, sql, items);

    if (!st)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_ledger_accounts(struct store_conn *c, json_t **items)
{
    return all_rows(c, SQL_LEDGER_ACCOUNTS, items);
}

int
sqlite_receivables(struct store_conn *c, json_t **items)
{
    return all_rows(c, SQL_RECEIVABLES, items);
}

int
sqlite_takings(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_TAKINGS, items);

    if (!st || sql_bind(c, st, "ii", from, to) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

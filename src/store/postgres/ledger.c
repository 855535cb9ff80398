/* PostgreSQL backend: the general ledger and the money reports. The
 * translation of store/sqlite/ledger.c. Posting only inserts, so it needs
 * no lock; the tables' triggers refuse any change to what was posted. */
#include "store/postgres/internal.h"
#include "util/err.h"

/* NULLIF: an id of 0 is stored as NULL, as the SQLite backend leaves it
 * unbound. */
static const char SQL_JOURNAL_INSERT[] =
    "INSERT INTO journal_entries (date, posted_at, memo, source, invoice_id, payment_id, "
    "reverses_entry_id) VALUES ($1, $2, $3, $4, NULLIF($5::bigint, 0), NULLIF($6::bigint, 0), "
    "NULLIF($7::bigint, 0)) RETURNING id";
static const char SQL_JOURNAL_LINE_INSERT[] =
    "INSERT INTO journal_lines (entry_id, account_code, debit, credit) VALUES ($1, $2, $3, $4)";
static const char SQL_JOURNAL_LAST[] = "SELECT id FROM journal_entries WHERE invoice_id = $1 "
                                       "AND source = $2 ORDER BY id DESC LIMIT 1";
/* Dates compare as bytes (COLLATE "C"), as SQLite's BINARY text does,
 * whatever the database's collation. A negative limit is no limit, as in
 * SQLite. */
static const char SQL_JOURNAL_LIST[] =
    "SELECT id, date, posted_at, memo, source, invoice_id, payment_id, reverses_entry_id "
    "FROM journal_entries WHERE ($1::text IS NULL OR date >= $1::text COLLATE \"C\") "
    "AND ($2::text IS NULL OR date <= $2::text COLLATE \"C\") "
    "AND id > $3::bigint ORDER BY id "
    "LIMIT CASE WHEN $4::bigint < 0 THEN NULL ELSE $4::bigint END";
static const char SQL_JOURNAL_LINES[] =
    "SELECT l.account_code, a.name AS account_name, l.debit, l.credit FROM journal_lines l "
    "JOIN ledger_accounts a ON a.code = l.account_code WHERE l.entry_id = $1 ORDER BY l.id";
/* sum() of bigint is numeric in PostgreSQL: cast back, so the totals are
 * JSON integers as on SQLite. */
static const char SQL_LEDGER_ACCOUNTS[] =
    "SELECT a.code, a.name, a.type, COALESCE(SUM(l.debit), 0)::bigint AS debit, "
    "COALESCE(SUM(l.credit), 0)::bigint AS credit, "
    "(CASE WHEN a.type IN ('asset', 'expense') THEN COALESCE(SUM(l.debit - l.credit), 0) "
    "ELSE COALESCE(SUM(l.credit - l.debit), 0) END)::bigint AS balance "
    "FROM ledger_accounts a LEFT JOIN journal_lines l ON l.account_code = a.code "
    "GROUP BY a.code ORDER BY a.code COLLATE \"C\"";
static const char SQL_TAKINGS[] =
    "SELECT y.decided_at, y.kind, y.method, y.amount, b.staff_id, s.name AS staff_name "
    "FROM payments y JOIN invoices i ON i.id = y.invoice_id "
    "LEFT JOIN bookings b ON b.id = i.booking_id LEFT JOIN staff s ON s.id = b.staff_id "
    "WHERE y.status = 'confirmed' AND y.decided_at >= $1 AND y.decided_at < $2 "
    "ORDER BY y.decided_at, y.id";
static const char SQL_RECEIVABLES[] =
    "SELECT i.id AS invoice_id, i.number, i.patient_id, p.name AS patient_name, i.issued_at, "
    "i.total, i.paid, i.total - i.paid AS outstanding FROM invoices i "
    "JOIN patients p ON p.id = i.patient_id "
    "WHERE i.status IN ('unpaid', 'partially_paid') AND i.credited = 0 "
    "ORDER BY i.issued_at, i.id";

/* Ids at or below 0 mean "none", stored as NULL. */
static int64_t
optional_id(int64_t id)
{
    return id > 0 ? id : 0;
}

int
pgsql_journal_post(struct store_conn *c, const struct store_journal *j,
                   const struct ledger_entry *e, int64_t *id)
{
    const struct ledger_posting *p;
    size_t i;
    int rc;

    /* The last line of defence: nothing unbalanced reaches the books. */
    if (!ledger_balanced(e))
        return ERR_INVALID;
    rc = pq_int64(c, id, SQL_JOURNAL_INSERT, "tittiii", j->date, j->posted_at, j->memo, j->source,
                  optional_id(j->invoice_id), optional_id(j->payment_id),
                  optional_id(j->reverses_entry_id));
    for (i = 0; rc == ERR_OK && i < e->n; i++) {
        p = &e->postings[i];
        rc = pq_cmd(c, NULL, SQL_JOURNAL_LINE_INSERT, "itii", *id, p->account_code, p->debit,
                    p->credit);
    }
    return rc;
}

int
pgsql_journal_last(struct store_conn *c, int64_t invoice_id, const char *source, int64_t *entry_id)
{
    return pq_int64(c, entry_id, SQL_JOURNAL_LAST, "it", invoice_id, source);
}

static int
attach_lines(struct store_conn *c, json_t *entry)
{
    json_t *lines = NULL;
    int rc = pq_list_json(c, &lines, SQL_JOURNAL_LINES, "i",
                          (int64_t)json_integer_value(json_object_get(entry, "id")));

    if (rc == ERR_OK) {
        rc = json_object_set_new(entry, "lines", lines) == 0 ? ERR_OK : ERR_NOMEM;
        lines = NULL; /* set_new took it, even on failure */
    }
    json_decref(lines);
    return rc;
}

int
pgsql_journal_list(struct store_conn *c, const char *from, const char *to, int64_t after_id,
                   int limit, json_t **items)
{
    size_t i;
    int rc = pq_list_json(c, items, SQL_JOURNAL_LIST, "ttid", from, to, after_id, limit);

    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        rc = attach_lines(c, json_array_get(*items, i));
    return rc;
}

int
pgsql_ledger_accounts(struct store_conn *c, json_t **items)
{
    return pq_list_json(c, items, SQL_LEDGER_ACCOUNTS, NULL);
}

int
pgsql_receivables(struct store_conn *c, json_t **items)
{
    return pq_list_json(c, items, SQL_RECEIVABLES, NULL);
}

int
pgsql_takings(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
    return pq_list_json(c, items, SQL_TAKINGS, "ii", from, to);
}

/* PostgreSQL backend: generic rows of simple tables and staff links. As on
 * SQLite, the SQL text is assembled from the table descriptor's constant
 * names only; every value is a bound parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define SQL_MAX 2048

/* A row operation's parameters, all in text form: the number of them is
 * known only at run time, while pq_exec binds from a format string and
 * varargs. Every value travels as text and the server parses it as the
 * type of the column or the cast it meets, exactly as a typed bind would. */
/* A row's values and the id or cursor beside them: more than any table's
 * columns (settings has the most). */
#define ROW_MAX_PARAMS 128

struct params {
    const char *v[ROW_MAX_PARAMS];
    char ints[ROW_MAX_PARAMS][24];
    int n;
};

static int
params_text(struct params *p, const char *s)
{
    if (p->n == ROW_MAX_PARAMS)
        return ERR_INVALID;
    p->v[p->n++] = s;
    return ERR_OK;
}

static int
params_int(struct params *p, int64_t v)
{
    if (p->n == ROW_MAX_PARAMS)
        return ERR_INVALID;
    snprintf(p->ints[p->n], sizeof(p->ints[p->n]), "%lld", (long long)v);
    p->v[p->n] = p->ints[p->n];
    p->n++;
    return ERR_OK;
}

/* The value SQLite's bind_json gives the column: NULL for a missing or
 * null value (and for a non-string in a text column), 0/1 for booleans,
 * json_integer_value for integers. */
static int
params_json(struct params *p, const struct store_column *col, json_t *v)
{
    if (!v || json_is_null(v))
        return params_text(p, NULL);
    switch (col->type) {
    case STORE_COL_TEXT:
        return params_text(p, json_string_value(v));
    case STORE_COL_BOOL:
        return params_int(p, json_is_true(v) ? 1 : 0);
    case STORE_COL_INT:
        return params_int(p, json_integer_value(v));
    }
    return ERR_INVALID;
}

static int
params_exec(struct store_conn *c, PGresult **res, const char *sql, const struct params *p)
{
    return pq_exec_values(c, res, sql, p->n, p->v, NULL, NULL);
}

/* Booleans are stored as 0/1; turn them back into JSON booleans. */
static void
fix_bools(const struct store_table *t, json_t *row)
{
    size_t i;

    for (i = 0; i < t->n_cols; i++) {
        json_t *v = json_object_get(row, store_table_col(t, i)->name);

        if (store_table_col(t, i)->type == STORE_COL_BOOL && json_is_integer(v))
            json_object_set_new(row, store_table_col(t, i)->name,
                                json_boolean(json_integer_value(v)));
    }
}

/* Appends before, "$n" and after: a reference to bound value n. */
static int
param_ref(struct buf *b, const char *before, int n, const char *after)
{
    int rc = buf_puts(b, before);

    if (rc == ERR_OK)
        rc = buf_puts(b, "$");
    if (rc == ERR_OK)
        rc = buf_put_i64(b, n);
    return rc == ERR_OK ? buf_puts(b, after) : rc;
}

static int
select_list(struct buf *b, const struct store_table *t)
{
    size_t i;
    int rc = buf_puts(b, "SELECT id");

    for (i = 0; rc == ERR_OK && i < t->n_cols; i++)
        rc = store_sql_name(b, ", ", store_table_col(t, i)->name, NULL);
    if (rc == ERR_OK)
        rc = store_sql_name(b, " FROM ", t->read_from ? t->read_from : t->name, NULL);
    return rc;
}

/* The columns of t present in obj, as "a, b" (assign 0) or "a = $1, b = $2"
 * (assign 1), their values appended to p. */
static int
present_columns(struct buf *sql, const struct store_table *t, json_t *obj, int assign,
                struct params *p)
{
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < t->n_cols; i++) {
        const struct store_column *col = store_table_col(t, i);
        json_t *v = json_object_get(obj, col->name);

        if (!v)
            continue;
        rc = params_json(p, col, v);
        if (rc == ERR_OK)
            rc = store_sql_name(sql, p->n > 1 ? ", " : NULL, col->name, NULL);
        if (rc == ERR_OK && assign)
            rc = param_ref(sql, " = ", p->n, "");
    }
    return rc;
}

int
pgsql_row_insert(struct store_conn *c, const struct store_table *t, json_t *obj, int64_t *id)
{
    struct params p = {.n = 0};
    PGresult *r = NULL;
    struct buf sql, cols;
    int i, rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    buf_init(&cols, SQL_MAX);
    rc = present_columns(&cols, t, obj, 0, &p);
    if (rc == ERR_OK && p.n)
        rc = store_sql_name(&sql, "INSERT INTO ", t->name, " (");
    if (rc == ERR_OK && p.n)
        rc = buf_puts(&sql, cols.data);
    if (rc == ERR_OK && p.n)
        rc = buf_puts(&sql, ") VALUES (");
    /* An object naming no column: the SQLite backend's text for this is
     * "INSERT INTO t () DEFAULT VALUES", which SQLite rejects as a syntax
     * error (ERR_STORE); this is what it means, so here the table's own
     * constraints answer (ERR_CONFLICT for a NOT NULL column). */
    else if (rc == ERR_OK)
        rc = store_sql_name(&sql, "INSERT INTO ", t->name, " DEFAULT VALUES");
    for (i = 1; rc == ERR_OK && i <= p.n; i++)
        rc = param_ref(&sql, i > 1 ? ", " : "", i, "");
    if (rc == ERR_OK && p.n)
        rc = buf_puts(&sql, ")");
    /* RETURNING stands in for sqlite3_last_insert_rowid. */
    if (rc == ERR_OK)
        rc = buf_puts(&sql, " RETURNING id");
    if (rc != ERR_OK)
        goto out;
    rc = params_exec(c, &r, sql.data, &p);
    if (rc == ERR_OK && PQntuples(r) == 1)
        *id = pq_get_int64(r, 0, 0);
    else if (rc == ERR_OK)
        rc = ERR_STORE;
out:
    PQclear(r);
    buf_cleanup(&cols);
    buf_cleanup(&sql);
    return rc;
}

int
pgsql_row_get(struct store_conn *c, const struct store_table *t, int64_t id, json_t **out)
{
    struct buf sql;
    int rc;

    *out = NULL;
    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    /* Two descriptors of one table make two statements: the prepared
     * statement cache is keyed by the SQL text itself. */
    rc = select_list(&sql, t);
    if (rc == ERR_OK)
        rc = buf_puts(&sql, " WHERE id = $1");
    if (rc != ERR_OK)
        goto out;
    rc = pq_one_json(c, out, sql.data, "i", id);
    if (rc == ERR_OK)
        fix_bools(t, *out);
out:
    buf_cleanup(&sql);
    return rc;
}

int
pgsql_row_update(struct store_conn *c, const struct store_table *t, int64_t id, json_t *obj)
{
    struct params p = {.n = 0};
    PGresult *r = NULL;
    struct buf sql;
    int rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    rc = store_sql_name(&sql, "UPDATE ", t->name, " SET ");
    if (rc == ERR_OK)
        rc = present_columns(&sql, t, obj, 1, &p);
    /* With no known column the update still says whether the row exists. */
    if (rc == ERR_OK && p.n == 0)
        rc = buf_puts(&sql, "id = id");
    if (rc == ERR_OK)
        rc = params_int(&p, id);
    if (rc == ERR_OK)
        rc = param_ref(&sql, " WHERE id = ", p.n, "");
    if (rc != ERR_OK)
        goto out;
    rc = params_exec(c, &r, sql.data, &p);
    /* PQcmdTuples is sqlite3_changes: rows the UPDATE matched. */
    if (rc == ERR_OK && strtoll(PQcmdTuples(r), NULL, 10) == 0)
        rc = ERR_NOT_FOUND;
out:
    PQclear(r);
    buf_cleanup(&sql);
    return rc;
}

int
pgsql_row_delete(struct store_conn *c, const struct store_table *t, int64_t id)
{
    struct buf sql;
    int64_t changed = 0;
    int rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    rc = store_sql_name(&sql, "DELETE FROM ", t->name, " WHERE id = $1");
    if (rc != ERR_OK)
        goto out;
    rc = pq_cmd(c, &changed, sql.data, "i", id);
    if (rc == ERR_OK && changed == 0)
        rc = ERR_NOT_FOUND;
out:
    buf_cleanup(&sql);
    return rc;
}

/* SQLite's instr(lower(col), lower(?)) > 0 is strpos here: a plain
 * substring test in which % and _ are not wildcards, as they would be in
 * ILIKE. SQLite's lower() folds ASCII letters only; lower() under the "C"
 * collation does the same whatever the database's locale, so a search
 * finds the same rows on both backends. The one search value is bound
 * once and used for every column. A negative limit is no limit in SQLite
 * and an error in PostgreSQL: it binds NULL, LIMIT ALL. */
static int
list_sql(struct buf *sql, const struct store_table *t, const struct store_filter *f,
         int64_t after_id, int limit, struct params *p)
{
    size_t i;
    int rc = select_list(sql, t), search;

    if (rc == ERR_OK)
        rc = params_int(p, after_id);
    if (rc == ERR_OK)
        rc = buf_puts(sql, " WHERE id > $1::bigint");
    for (i = 0; rc == ERR_OK && f && i < f->n_eq; i++) {
        rc = store_sql_name(sql, " AND ", f->eq_col[i], NULL);
        if (rc == ERR_OK)
            rc = params_int(p, f->eq_val[i]);
        if (rc == ERR_OK)
            rc = param_ref(sql, " = ", p->n, "::bigint");
    }
    if (rc == ERR_OK && f && f->search && f->n_search) {
        rc = params_text(p, f->search);
        search = p->n;
        if (rc == ERR_OK)
            rc = buf_puts(sql, " AND (");
        for (i = 0; rc == ERR_OK && i < f->n_search; i++) {
            rc = store_sql_name(sql, i ? " OR strpos(lower(" : "strpos(lower(", f->search_cols[i],
                                "::text COLLATE \"C\"), lower(");
            if (rc == ERR_OK)
                rc = param_ref(sql, "", search, "::text COLLATE \"C\")) > 0");
        }
        if (rc == ERR_OK)
            rc = buf_puts(sql, ")");
    }
    if (rc == ERR_OK)
        rc = limit < 0 ? params_text(p, NULL) : params_int(p, limit);
    if (rc == ERR_OK)
        rc = param_ref(sql, " ORDER BY id LIMIT ", p->n, "::bigint");
    return rc;
}

int
pgsql_row_list(struct store_conn *c, const struct store_table *t, const struct store_filter *f,
               int64_t after_id, int limit, json_t **items)
{
    struct params p = {.n = 0};
    PGresult *r = NULL;
    struct buf sql;
    size_t i;
    int rc;

    *items = NULL;
    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    *items = json_array();
    buf_init(&sql, SQL_MAX);
    rc = *items ? list_sql(&sql, t, f, after_id, limit, &p) : ERR_NOMEM;
    if (rc == ERR_OK)
        rc = params_exec(c, &r, sql.data, &p);
    if (rc == ERR_OK)
        rc = pq_rows_json(r, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        fix_bools(t, json_array_get(*items, i));
    PQclear(r);
    buf_cleanup(&sql);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

static const char SQL_LINKS_SERVICES[] =
    "SELECT service_id FROM staff_services WHERE staff_id = $1 ORDER BY service_id";
static const char SQL_LINKS_LOCATIONS[] =
    "SELECT location_id FROM staff_locations WHERE staff_id = $1 ORDER BY location_id";
static const char SQL_LINKS_DELETE_SERVICES[] = "DELETE FROM staff_services WHERE staff_id = $1";
static const char SQL_LINKS_DELETE_LOCATIONS[] = "DELETE FROM staff_locations WHERE staff_id = $1";
/* $2 is an array literal such as {3,1,3}; duplicates are ignored as
 * INSERT OR IGNORE ignores them. */
static const char SQL_LINKS_INSERT_SERVICES[] =
    "INSERT INTO staff_services (staff_id, service_id) "
    "SELECT $1::bigint, x FROM unnest($2::bigint[]) AS x ON CONFLICT DO NOTHING";
static const char SQL_LINKS_INSERT_LOCATIONS[] =
    "INSERT INTO staff_locations (staff_id, location_id) "
    "SELECT $1::bigint, x FROM unnest($2::bigint[]) AS x ON CONFLICT DO NOTHING";

int
pgsql_staff_links_get(struct store_conn *c, int64_t staff_id, const char *which, json_t **ids)
{
    const char *sql = strcmp(which, "services") == 0 ? SQL_LINKS_SERVICES : SQL_LINKS_LOCATIONS;
    PGresult *r = NULL;
    int i, rc;

    *ids = json_array();
    if (!*ids)
        return ERR_NOMEM;
    rc = pq_exec(c, &r, sql, "i", staff_id);
    for (i = 0; rc == ERR_OK && i < PQntuples(r); i++) {
        if (json_array_append_new(*ids, json_integer(pq_get_int64(r, i, 0))) != 0)
            rc = ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

int
pgsql_staff_links_set(struct store_conn *c, int64_t staff_id, const char *which, const int64_t *ids,
                      size_t n)
{
    int services = strcmp(which, "services") == 0;
    struct buf arr;
    int rc;

    buf_init(&arr, 24 * n + 8);
    rc = store_id_list(&arr, ids, n, "{", "}");
    if (rc != ERR_OK)
        goto out;
    /* Delete-then-insert replaces the set only if no other transaction
     * replaces it in between: under READ COMMITTED two of them would each
     * delete the old rows and leave the union of both new sets. The staff
     * member's lock (the one store_lock_staff takes) serialises them. */
    rc = pq_lock(c, PQ_LOCK_STAFF, staff_id);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, services ? SQL_LINKS_DELETE_SERVICES : SQL_LINKS_DELETE_LOCATIONS, "i",
                    staff_id);
    if (rc == ERR_OK && n)
        rc = pq_cmd(c, NULL, services ? SQL_LINKS_INSERT_SERVICES : SQL_LINKS_INSERT_LOCATIONS,
                    "it", staff_id, arr.data);
out:
    buf_cleanup(&arr);
    return rc;
}

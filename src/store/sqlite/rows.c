/* SQLite backend: generic rows of simple tables and staff links. The SQL
 * text is assembled from the table descriptor's constant names only;
 * every value is a bound parameter. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/cache.h"
#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define SQL_MAX 2048

/* A JSON value bound as its column's type; text is copied (it may hold
 * NUL bytes, so its length is Jansson's). */
static int
bind_json(struct store_conn *c, sqlite3_stmt *st, int idx, const struct store_column *col,
          json_t *v)
{
    if (!v || json_is_null(v))
        return sql_bind_at(c, st, idx, "T", (const char *)NULL);
    switch (col->type) {
    case STORE_COL_TEXT:
        return sql_bind_at(c, st, idx, "L", json_string_value(v), json_string_length(v));
    case STORE_COL_BOOL:
        return sql_bind_at(c, st, idx, "d", json_is_true(v) ? 1 : 0);
    case STORE_COL_INT:
        return sql_bind_at(c, st, idx, "i", (int64_t)json_integer_value(v));
    }
    return ERR_INVALID;
}

/* Binds the columns of t present in obj, in order, from index 1; *n is
 * how many. */
static int
bind_present(struct store_conn *c, sqlite3_stmt *st, const struct store_table *t, json_t *obj,
             int *n)
{
    size_t i;
    int rc = ERR_OK;

    *n = 0;
    for (i = 0; rc == ERR_OK && i < t->n_cols; i++) {
        json_t *v = json_object_get(obj, store_table_col(t, i)->name);

        if (v)
            rc = bind_json(c, st, ++*n, store_table_col(t, i), v);
    }
    return rc;
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

int
sqlite_row_insert(struct store_conn *c, const struct store_table *t, json_t *obj, int64_t *id)
{
    struct buf sql;
    sqlite3_stmt *st;
    size_t i;
    int n = 0, rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    rc = store_sql_name(&sql, "INSERT INTO ", t->name, NULL);
    for (i = 0; rc == ERR_OK && i < t->n_cols; i++) {
        if (json_object_get(obj, store_table_col(t, i)->name))
            rc = store_sql_name(&sql, n++ ? ", " : " (", store_table_col(t, i)->name, NULL);
    }
    if (rc == ERR_OK)
        rc = buf_puts(&sql, n ? ") VALUES (" : " DEFAULT VALUES");
    for (i = 0; rc == ERR_OK && (int)i < n; i++)
        rc = buf_puts(&sql, i ? ", ?" : "?");
    if (rc == ERR_OK && n)
        rc = buf_puts(&sql, ")");
    if (rc != ERR_OK)
        goto out;
    rc = ERR_STORE;
    st = sql_prepare(c, sql.data);
    if (!st)
        goto out;
    rc = bind_present(c, st, t, obj, &n);
    if (rc == ERR_OK)
        rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
out:
    buf_cleanup(&sql);
    return rc;
}

int
sqlite_row_get(struct store_conn *c, const struct store_table *t, int64_t id, json_t **out)
{
    uint64_t gen;
    char key[80];
    struct buf sql;
    sqlite3_stmt *st;
    int rc;

    *out = NULL;
    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    /* Rows read from a view may change with other tables. */
    gen = !t->read_from && sql_table_changes_everything(t->name) ? sql_row_cache_gen(c) : 0;
    *out = gen ? row_cache_get(lite(c)->cache, t, id, gen) : NULL;
    if (*out)
        return ERR_OK;
    buf_init(&sql, SQL_MAX);
    /* Keyed by descriptor: two descriptors of one table may differ. */
    snprintf(key, sizeof(key), "row_get %p", (const void *)t);
    st = sql_lookup(c, key);
    if (!st) {
        rc = select_list(&sql, t);
        if (rc == ERR_OK)
            rc = buf_puts(&sql, " WHERE id = ?");
        if (rc != ERR_OK)
            goto out;
        rc = ERR_STORE;
        st = sql_prepare_keyed(c, key, sql.data);
        if (!st)
            goto out;
    }
    rc = sql_bind(c, st, "i", id);
    if (rc == ERR_OK)
        rc = sql_one_json(c, st, out);
    if (rc == ERR_OK)
        fix_bools(t, *out);
    if (rc == ERR_OK && gen)
        row_cache_put(lite(c)->cache, t, id, gen, *out);
out:
    buf_cleanup(&sql);
    return rc;
}

int
sqlite_row_update(struct store_conn *c, const struct store_table *t, int64_t id, json_t *obj)
{
    struct buf sql;
    sqlite3_stmt *st;
    size_t i;
    int n = 0, rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    rc = store_sql_name(&sql, "UPDATE ", t->name, " SET ");
    for (i = 0; rc == ERR_OK && i < t->n_cols; i++) {
        if (json_object_get(obj, store_table_col(t, i)->name))
            rc = store_sql_name(&sql, n++ ? ", " : NULL, store_table_col(t, i)->name, " = ?");
    }
    if (rc == ERR_OK)
        rc = buf_puts(&sql, n ? " WHERE id = ?" : "id = id WHERE id = ?");
    if (rc != ERR_OK)
        goto out;
    rc = ERR_STORE;
    st = sql_prepare(c, sql.data);
    if (!st)
        goto out;
    rc = bind_present(c, st, t, obj, &n);
    if (rc == ERR_OK)
        rc = sql_bind_at(c, st, n + 1, "i", id);
    if (rc == ERR_OK)
        rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
out:
    buf_cleanup(&sql);
    return rc;
}

int
sqlite_row_delete(struct store_conn *c, const struct store_table *t, int64_t id)
{
    struct buf sql;
    sqlite3_stmt *st;
    int rc;

    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    buf_init(&sql, SQL_MAX);
    rc = store_sql_name(&sql, "DELETE FROM ", t->name, " WHERE id = ?");
    if (rc != ERR_OK)
        goto out;
    rc = ERR_STORE;
    st = sql_prepare(c, sql.data);
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        goto out;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
out:
    buf_cleanup(&sql);
    return rc;
}

static int
list_sql(struct buf *sql, const struct store_table *t, const struct store_filter *f)
{
    size_t i;
    int rc = select_list(sql, t);

    if (rc == ERR_OK)
        rc = buf_puts(sql, " WHERE id > ?");
    for (i = 0; rc == ERR_OK && f && i < f->n_eq; i++)
        rc = store_sql_name(sql, " AND ", f->eq_col[i], " = ?");
    if (rc == ERR_OK && f && f->search && f->n_search) {
        rc = buf_puts(sql, " AND (");
        for (i = 0; rc == ERR_OK && i < f->n_search; i++)
            rc = store_sql_name(sql, i ? " OR instr(lower(" : "instr(lower(", f->search_cols[i],
                                "), lower(?)) > 0");
        if (rc == ERR_OK)
            rc = buf_puts(sql, ")");
    }
    if (rc == ERR_OK)
        rc = buf_puts(sql, " ORDER BY id LIMIT ?");
    return rc;
}

int
sqlite_row_list(struct store_conn *c, const struct store_table *t, const struct store_filter *f,
                int64_t after_id, int limit, json_t **items)
{
    struct buf sql;
    sqlite3_stmt *st;
    size_t i;
    int rc, n = 1;

    *items = NULL;
    if (!store_table_names_valid(t))
        return store_names_refused(t->name);
    *items = json_array();
    buf_init(&sql, SQL_MAX);
    rc = *items ? list_sql(&sql, t, f) : ERR_NOMEM;
    if (rc != ERR_OK)
        goto out;
    rc = ERR_STORE;
    st = sql_prepare(c, sql.data);
    if (!st)
        goto out;
    rc = sql_bind_at(c, st, n++, "i", after_id);
    for (i = 0; rc == ERR_OK && f && i < f->n_eq; i++)
        rc = sql_bind_at(c, st, n++, "i", f->eq_val[i]);
    for (i = 0; rc == ERR_OK && f && f->search && i < f->n_search; i++)
        rc = sql_bind_at(c, st, n++, "T", f->search);
    if (rc == ERR_OK)
        rc = sql_bind_at(c, st, n, "d", limit);
    if (rc == ERR_OK)
        rc = sql_rows_json(c, st, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        fix_bools(t, json_array_get(*items, i));
out:
    buf_cleanup(&sql);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

static const char *
links_select(const char *which)
{
    if (strcmp(which, "services") == 0)
        return "SELECT service_id FROM staff_services WHERE staff_id = ? ORDER BY service_id";
    return "SELECT location_id FROM staff_locations WHERE staff_id = ? ORDER BY location_id";
}

int
sqlite_staff_links_get(struct store_conn *c, int64_t staff_id, const char *which, json_t **ids)
{
    sqlite3_stmt *st = sql_prepare(c, links_select(which));
    int rc;

    *ids = json_array();
    if (!st || !*ids || sql_bind(c, st, "i", staff_id) != ERR_OK)
        return ERR_STORE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(*ids, json_integer(sqlite3_column_int64(st, 0)));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
}

int
sqlite_staff_links_set(struct store_conn *c, int64_t staff_id, const char *which,
                       const int64_t *ids, size_t n)
{
    int services = strcmp(which, "services") == 0;
    sqlite3_stmt *st;
    size_t i;
    int rc;

    st = sql_prepare(c, services ? "DELETE FROM staff_services WHERE staff_id = ?"
                                 : "DELETE FROM staff_locations WHERE staff_id = ?");
    if (!st || sql_bind(c, st, "i", staff_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, services ? "INSERT OR IGNORE INTO staff_services VALUES (?, ?)"
                                     : "INSERT OR IGNORE INTO staff_locations VALUES (?, ?)");
        if (!st || sql_bind(c, st, "ii", staff_id, (int64_t)(ids[i])) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

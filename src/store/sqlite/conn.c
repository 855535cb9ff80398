/* SQLite backend: connections, the statement cache, migrations, backup. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "store/sqlite/cache.h"
#include "store/sqlite/internal.h"
#include "util/err.h"
#include "util/log.h"

struct sqlite_store {
    struct store base;
    struct sqlite_conn *conns; /* n_conns for the pool, the writer's, the checkpointer's */
    int n_conns;
    struct busy_cache *cache;
    struct sqlite_writer *writer;
};

/* Tables whose changes never alter availability: writing them (a session
 * touch, a failed login, an audit line) keeps the caches. Bookings are
 * tracked by staff member (sql_staff_changed); any other table counts as a
 * change to everything, so a new table is safe by default. */
static const char *const unscheduled_tables[] = {
    "sessions",
    "login_failures",
    "audit_log",
    "users",
    "api_tokens",
    "booking_history",
    "booking_services",
    "patients",
    "outbox",
    "sync_issues",
    "webhooks",
    "templates",
    "feed_tokens",
    "reminders_sent",
    /* What a booking's commit writes besides the booking: its invoice,
     * ledger, package units, stock and diary rows. Counted as changes to
     * everything, they dropped every staff member's kept availability on
     * each booking of any one of them. */
    "invoices",
    "invoice_lines",
    "payments",
    "journal_entries",
    "journal_lines",
    "patient_packages",
    "patient_package_items",
    "booking_consumables",
    "stock_movements",
    "diary_events",
    "appointment_history",
    /* Holds are read anew by every availability request, never cached
     * (on_row_change still notes them for cached answers). */
    "holds",
    "hold_resources",
};

/* Holds are read anew by every availability request, so they leave the busy
 * cache alone, but a cached availability answer shows them. */
static int
is_hold_table(const char *table)
{
    return strcmp(table, "holds") == 0 || strcmp(table, "hold_resources") == 0;
}

int
sql_table_changes_everything(const char *table)
{
    size_t i;

    if (strcmp(table, "bookings") == 0 || is_hold_table(table))
        return 0;
    for (i = 0; i < sizeof(unscheduled_tables) / sizeof(unscheduled_tables[0]); i++) {
        if (strcmp(table, unscheduled_tables[i]) == 0)
            return 0;
    }
    return 1;
}

static void
on_row_change(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    struct store_conn *c = arg;

    (void)op;
    (void)db;
    (void)rowid;
    if (strcmp(table, "bookings") == 0)
        lite(c)->changed_bookings = 1;
    else if (is_hold_table(table))
        lite(c)->changed_holds = 1;
    else if (sql_table_changes_everything(table))
        lite(c)->changed_all = 1;
}

uint64_t
sql_row_cache_gen(struct store_conn *c)
{
    if (lite(c)->in_read)
        return lite(c)->read_gen;
    if (!sqlite3_get_autocommit(lite(c)->db) && lite(c)->changed_all)
        return 0;
    /* Autocommit reads the newest commit, and the writer's transaction
     * that changed none of these tables reads them as committed. */
    return busy_cache_generation(lite(c)->cache);
}

void
sql_staff_changed(struct store_conn *c, int64_t staff_id)
{
    if (lite(c)->n_staff_changed ==
        sizeof(lite(c)->staff_changed) / sizeof(lite(c)->staff_changed[0]))
        lite(c)->changed_all = 1;
    else
        lite(c)->staff_changed[lite(c)->n_staff_changed++] = staff_id;
}

static void
forget_changes(struct store_conn *c)
{
    lite(c)->changed_all = lite(c)->changed_bookings = lite(c)->changed_holds = 0;
    lite(c)->n_staff_changed = 0;
}

static void
on_rollback(void *arg)
{
    forget_changes(arg);
}

/* Runs after each commit, once it is visible to other connections. Setting
 * it replaces SQLite's automatic checkpoint, which the writer's
 * checkpointer does instead, off the committing thread. */
static int
on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct store_conn *c = arg;

    /* Booking rows changed without saying whose: assume anyone's. */
    if (lite(c)->changed_bookings && !lite(c)->n_staff_changed)
        lite(c)->changed_all = 1;
    /* A change of holds alone moves the generation without dropping any
     * busy entry (none is recorded against a staff member or everything). */
    if (lite(c)->changed_all || lite(c)->n_staff_changed || lite(c)->changed_holds)
        busy_cache_committed(lite(c)->cache, lite(c)->staff_changed, lite(c)->n_staff_changed,
                             lite(c)->changed_all);
    busy_cache_count_commit(lite(c)->cache);
    forget_changes(c);
    (void)db;
    (void)name;
    /* No writer yet while the store opens (migrations). A checkpoint every
     * 4,000 pages (16 MiB of WAL) rather than SQLite's 1,000: the pages
     * every booking rewrites (index tails, the invoice counter) are copied
     * back once per checkpoint, so fewer checkpoints copy less. */
    if (pages >= 4000 && lite(c)->writer)
        sqlite_writer_checkpoint_soon(lite(c)->writer);
    return SQLITE_OK;
}

int
sql_err(struct store_conn *c, int rc)
{
    switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return ERR_OK;
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_NOMEM:
        return ERR_NOMEM;
    default:
        log_line(LOG_ERROR, "msg=\"sqlite error\" code=%d err=\"%s\"", rc,
                 c ? sqlite3_errmsg(lite(c)->db) : sqlite3_errstr(rc));
        return ERR_STORE;
    }
}

sqlite3_stmt *
sql_lookup(struct store_conn *c, const char *key)
{
    size_t i;

    for (i = 0; i < lite(c)->n_stmts; i++) {
        if (strcmp(lite(c)->stmts[i].sql, key) == 0) {
            sqlite3_reset(lite(c)->stmts[i].stmt);
            sqlite3_clear_bindings(lite(c)->stmts[i].stmt);
            return lite(c)->stmts[i].stmt;
        }
    }
    return NULL;
}

sqlite3_stmt *
sql_prepare_keyed(struct store_conn *c, const char *key, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(lite(c)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

    if (rc != SQLITE_OK) {
        sql_err(c, rc);
        return NULL;
    }
    if (lite(c)->n_stmts == SQL_CACHE_SIZE) {
        /* Evict the oldest; a full cache means generic statements churn. */
        sqlite3_finalize(lite(c)->stmts[0].stmt);
        free(lite(c)->stmts[0].sql);
        memmove(&lite(c)->stmts[0], &lite(c)->stmts[1],
                sizeof(lite(c)->stmts[0]) * (SQL_CACHE_SIZE - 1));
        lite(c)->n_stmts--;
    }
    lite(c)->stmts[lite(c)->n_stmts].sql = strdup(key);
    if (!lite(c)->stmts[lite(c)->n_stmts].sql) {
        sqlite3_finalize(st);
        return NULL;
    }
    lite(c)->stmts[lite(c)->n_stmts++].stmt = st;
    return st;
}

sqlite3_stmt *
sql_prepare(struct store_conn *c, const char *sql)
{
    sqlite3_stmt *st = sql_lookup(c, sql);

    return st ? st : sql_prepare_keyed(c, sql, sql);
}

static int
bind_one(sqlite3_stmt *st, int idx, char kind, va_list *ap)
{
    const char *s;
    const void *p;
    int64_t v;
    size_t n;

    switch (kind) {
    case 'i':
        return sqlite3_bind_int64(st, idx, va_arg(*ap, int64_t));
    case 'd':
        return sqlite3_bind_int(st, idx, va_arg(*ap, int));
    case 'o':
        v = va_arg(*ap, int64_t);
        return v > 0 ? sqlite3_bind_int64(st, idx, v) : sqlite3_bind_null(st, idx);
    case 't':
    case 'T':
        s = va_arg(*ap, const char *);
        if (!s)
            return sqlite3_bind_null(st, idx);
        return sqlite3_bind_text(st, idx, s, -1, kind == 't' ? SQLITE_STATIC : SQLITE_TRANSIENT);
    case 'n':
        return sqlite3_bind_null(st, idx);
    case 'L':
        s = va_arg(*ap, const char *);
        n = va_arg(*ap, size_t);
        if (n > INT32_MAX)
            return SQLITE_TOOBIG;
        return sqlite3_bind_text(st, idx, s, (int)n, SQLITE_TRANSIENT);
    case 'b':
        p = va_arg(*ap, const void *);
        n = va_arg(*ap, size_t);
        if (n > INT32_MAX)
            return SQLITE_TOOBIG;
        return sqlite3_bind_blob(st, idx, p, (int)n, SQLITE_STATIC);
    }
    return SQLITE_MISUSE;
}

int
sql_vbind_at(struct store_conn *c, sqlite3_stmt *st, int first, const char *fmt, va_list ap)
{
    va_list args;
    int rc = SQLITE_OK, idx = first;

    va_copy(args, ap);
    for (; rc == SQLITE_OK && *fmt; fmt++)
        rc = bind_one(st, idx++, *fmt, &args);
    va_end(args);
    if (rc == SQLITE_OK)
        return ERR_OK;
    (void)c;
    log_line(LOG_ERROR, "msg=\"sqlite bind failed\" index=%d err=\"%s\"", idx - 1,
             sqlite3_errstr(rc));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_NOMEM ? ERR_NOMEM : ERR_STORE;
}

int
sql_bind_at(struct store_conn *c, sqlite3_stmt *st, int first, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = sql_vbind_at(c, st, first, fmt, ap);
    va_end(ap);
    return rc;
}

int
sql_bind(struct store_conn *c, sqlite3_stmt *st, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = sql_vbind_at(c, st, 1, fmt, ap);
    va_end(ap);
    return rc;
}

int
sql_exec_step(struct store_conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

json_t *
sql_column_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT:
        return json_stringn((const char *)sqlite3_column_text(st, i),
                            (size_t)sqlite3_column_bytes(st, i));
    default:
        return json_null();
    }
}

json_t *
sql_row_json(sqlite3_stmt *st)
{
    json_t *row = json_object();
    int i, n = sqlite3_column_count(st);

    /* Column names are the store's own ASCII: no UTF-8 check per row. */
    for (i = 0; row && i < n; i++) {
        if (json_object_set_new_nocheck(row, sqlite3_column_name(st, i), sql_column_json(st, i)) !=
            0) {
            json_decref(row);
            return NULL;
        }
    }
    return row;
}

int
sql_one_json(struct store_conn *c, sqlite3_stmt *st, json_t **out)
{
    int rc = sqlite3_step(st);

    *out = NULL;
    if (rc == SQLITE_ROW) {
        *out = sql_row_json(st);
        rc = *out ? ERR_OK : ERR_NOMEM;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sql_one_json_array(struct store_conn *c, sqlite3_stmt *st, json_t **out)
{
    const char *text;
    int rc = sqlite3_step(st);

    *out = NULL;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        text = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        *out = text ? json_loads(text, 0, NULL) : json_array();
        rc = *out ? ERR_OK : ERR_NOMEM;
    } else {
        rc = sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

sqlite3_stmt *
sql_prepare_list(struct store_conn *c, const char *sql, json_t **items)
{
    *items = json_array();
    return *items ? sql_prepare(c, sql) : NULL;
}

int
sql_rows_json(struct store_conn *c, sqlite3_stmt *st, json_t *items)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(items, sql_row_json(st)) != 0) {
            sqlite3_reset(st);
            return ERR_NOMEM;
        }
    }
    rc = rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

void
sql_copy_text(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(out, t, n);
    out[n] = '\0';
}

const char *
sql_arena_text(sqlite3_stmt *st, int i, struct arena *a)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return arena_strdup(a, t ? (const char *)t : "");
}

static int
conn_exec(struct store_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(lite(c)->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        log_line(LOG_ERROR, "msg=\"sqlite exec failed\" err=\"%s\"", msg ? msg : "?");
        sqlite3_free(msg);
        return ERR_STORE;
    }
    return ERR_OK;
}

/* PRAGMA data_version: moves when another connection, of this process or
 * another, committed since this one last looked. */
static int
data_version(struct store_conn *c, int64_t *out)
{
    sqlite3_stmt *st = sql_prepare(c, "PRAGMA data_version");
    int rc;

    if (!st)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

/* synchronous=FULL makes a commit survive a power cut: the WAL is synced
 * before the writer answers, once for a whole group (writer.c). NORMAL
 * (CHAIRSIDE_SQLITE_SYNCHRONOUS=normal) syncs only at checkpoints: a
 * commit survives a crash of the process, but the newest ones may be lost
 * on power loss. */
static int
synchronous_pragma(const char **out)
{
    const char *v = getenv("CHAIRSIDE_SQLITE_SYNCHRONOUS");

    if (!v || !v[0] || strcmp(v, "full") == 0)
        *out = "PRAGMA synchronous=FULL;";
    else if (strcmp(v, "normal") == 0)
        *out = "PRAGMA synchronous=NORMAL;";
    else {
        log_line(LOG_ERROR, "msg=\"CHAIRSIDE_SQLITE_SYNCHRONOUS must be full or normal\"");
        return ERR_INVALID;
    }
    return ERR_OK;
}

static int
conn_open(const char *path, const char *synchronous, struct busy_cache *cache, struct store_conn *c)
{
    int rc = sqlite3_open_v2(
        path, &lite(c)->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

    if (rc != SQLITE_OK) {
        log_line(LOG_ERROR, "msg=\"cannot open the SQLite database\" path=\"%s\" err=\"%s\"", path,
                 sqlite3_errstr(rc));
        return ERR_IO;
    }
    lite(c)->cache = cache;
    sqlite3_busy_timeout(lite(c)->db, 10000);
    /* WITHOUT ROWID tables (staff links) raise no row hook; they only
     * change together with their staff row, which does. */
    sqlite3_update_hook(lite(c)->db, on_row_change, c);
    sqlite3_rollback_hook(lite(c)->db, on_rollback, c);
    sqlite3_wal_hook(lite(c)->db, on_wal_commit, c);
    /* WAL lets readers run beside the one writer. Each of the many
     * connections keeps at most 1 MiB of pages and maps none: a mapping
     * per connection counted the same file pages once per connection in
     * the process's memory (peak RSS 67 MiB against 38 MiB, with no
     * slower answers), and the kernel caches the file for all of them. */
    rc = conn_exec(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                      "PRAGMA mmap_size=0; PRAGMA cache_size=-1024;");
    if (rc == ERR_OK)
        rc = conn_exec(c, synchronous);
    /* Looked once now, so a connection's first read is no change. */
    lite(c)->commits_seen = busy_cache_commits(cache);
    if (rc == ERR_OK)
        rc = data_version(c, &lite(c)->data_version);
    lite(c)->data_version_seen = rc == ERR_OK;
    return rc;
}

static void
conn_close(struct store_conn *c)
{
    size_t i;

    for (i = 0; i < lite(c)->n_stmts; i++) {
        sqlite3_finalize(lite(c)->stmts[i].stmt);
        free(lite(c)->stmts[i].sql);
    }
    lite(c)->n_stmts = 0;
    sqlite3_close(lite(c)->db);
    lite(c)->db = NULL;
}

int
sqlite_schema_version(struct store_conn *c, int *version)
{
    sqlite3_stmt *st = sql_prepare(c, "PRAGMA user_version");
    int rc;

    if (!st)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

static int
migrate(struct store_conn *c)
{
    int rc, version, i;
    char pragma[48];

    rc = conn_exec(c, "BEGIN IMMEDIATE");
    if (rc != ERR_OK)
        return rc;
    rc = sqlite_schema_version(c, &version);
    for (i = 0; rc == ERR_OK && i < store_migration_count; i++) {
        if (store_migrations[i].version <= version)
            continue;
        log_line(LOG_INFO, "msg=migrate version=%d name=%s", store_migrations[i].version,
                 store_migrations[i].name);
        rc = conn_exec(c, store_migrations[i].sql);
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", store_migrations[i].version);
        if (rc == ERR_OK)
            rc = conn_exec(c, pragma);
    }
    if (rc == ERR_OK)
        return conn_exec(c, "COMMIT");
    conn_exec(c, "ROLLBACK");
    return rc;
}

static void sqlite_close(struct store *base);

static const struct store_ops sqlite_ops = {
    .kind = "sqlite",
    .close = sqlite_close,
#define STORE_OP(ret, name, params, args) .name = sqlite_##name,
#define STORE_VOID_OP(name, params, args) .name = sqlite_##name,
#include "store/ops.def"
#undef STORE_OP
#undef STORE_VOID_OP
};

int
sqlite_store_open(const char *path, int n_conns, struct store **out)
{
    struct sqlite_store *s;
    const char *synchronous;
    int rc = ERR_NOMEM, i;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        goto out;
    store_pool_init(&s->base, &sqlite_ops);
    s->conns = calloc((size_t)n_conns + 2, sizeof(*s->conns));
    if (!s->conns)
        goto out;
    s->n_conns = n_conns + 2;
    rc = synchronous_pragma(&synchronous);
    if (rc == ERR_OK)
        rc = busy_cache_new(&s->cache);
    for (i = 0; rc == ERR_OK && i < s->n_conns; i++) {
        s->conns[i].base.ops = &sqlite_ops;
        rc = conn_open(path, synchronous, s->cache, &s->conns[i].base);
        if (rc == ERR_OK && i == 0)
            rc = migrate(&s->conns[0].base);
    }
    if (rc == ERR_OK)
        rc = sqlite_writer_start(&s->conns[n_conns].base, &s->conns[n_conns + 1].base, &s->writer);
    for (i = 0; rc == ERR_OK && i < s->n_conns; i++) {
        s->conns[i].writer = s->writer;
        if (i < n_conns)
            store_pool_add(&s->base, &s->conns[i].base);
    }
    if (rc == ERR_OK) {
        *out = &s->base;
        s = NULL;
    }
out:
    if (s)
        sqlite_close(&s->base);
    return rc;
}

static void
sqlite_close(struct store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)(void *)base;
    struct sqlite_writer_stats st;
    int i;

    if (s->writer) {
        sqlite_writer_stats(s->writer, &st);
        log_line(LOG_INFO, "msg=\"group commit\" writes=%llu commits=%llu largest=%llu",
                 (unsigned long long)st.jobs, (unsigned long long)st.groups,
                 (unsigned long long)st.largest);
    }
    sqlite_writer_stop(s->writer);
    for (i = 0; s->conns && i < s->n_conns; i++) {
        if (s->conns[i].db)
            conn_close(&s->conns[i].base);
    }
    free(s->conns);
    busy_cache_free(s->cache);
    store_pool_cleanup(&s->base);
    free(s);
}

int
sqlite_begin(struct store_conn *c, int write)
{
    sqlite3_stmt *st = sql_prepare(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    int rc = st ? sql_exec_step(c, st) : ERR_STORE;

    /* BEGIN takes no snapshot yet, so the generation read now is no newer
     * than the data the transaction will see. */
    lite(c)->in_read = rc == ERR_OK && !write;
    lite(c)->read_gen = busy_cache_generation(lite(c)->cache);
    /* The snapshot starts now, not at the first read the caches do not
     * answer, so that every cached answer agrees with it. */
    st = lite(c)->in_read ? sql_prepare(c, "SELECT 1 FROM sqlite_schema LIMIT 1") : NULL;
    if (lite(c)->in_read && (!st || sqlite3_step(st) != SQLITE_ROW))
        rc = ERR_STORE;
    if (st)
        sqlite3_reset(st);
    return rc;
}

static int
own_version(struct store_conn *c, uint64_t *version)
{
    uint64_t commits = busy_cache_commits(lite(c)->cache);
    int64_t seen;
    int rc, ours;

    *version = busy_cache_generation(lite(c)->cache);
    if (!lite(c)->in_read)
        return ERR_OK;
    rc = data_version(c, &seen);
    if (rc != ERR_OK)
        return rc;
    ours = commits != lite(c)->commits_seen;
    lite(c)->commits_seen = commits;
    if (lite(c)->data_version_seen && (seen == lite(c)->data_version || ours)) {
        /* Unchanged, or changed by this process's commits, which moved the
         * generation as far as they needed: the generation taken at BEGIN
         * is no newer than the snapshot. */
        lite(c)->data_version = seen;
        *version = lite(c)->read_gen;
        return ERR_OK;
    }
    /* Changed while this process committed nothing: another process's
     * commit, which no hook here saw. Moving the generation retires every
     * answer kept so far; this snapshot's place in that order is unknown,
     * so its answers are neither served from nor kept in a cache. (One
     * server process per database is the supported set-up; another
     * process writing at the very moments this one does is noticed by
     * the next read that sees its change alone.) */
    lite(c)->data_version = seen;
    lite(c)->data_version_seen = 1;
    busy_cache_committed(lite(c)->cache, NULL, 0, 1);
    *version = 0;
    return ERR_OK;
}

int
sqlite_avail_version(struct store_conn *c, const char *holder, int64_t now, uint64_t *version,
                     int *holder_holds)
{
    int rc = own_version(c, version);

    *holder_holds = 0;
    return rc == ERR_OK && holder ? sqlite_hold_count(c, holder, now, holder_holds) : rc;
}

int
sqlite_lock_staff(struct store_conn *c, const int64_t *staff_ids, size_t n)
{
    /* BEGIN IMMEDIATE made this connection the only writer until commit. */
    (void)staff_ids;
    (void)n;
    return sqlite3_get_autocommit(lite(c)->db) ? ERR_INVALID : ERR_OK;
}

int
sqlite_commit(struct store_conn *c)
{
    sqlite3_stmt *st = sql_prepare(c, "COMMIT");

    lite(c)->in_read = 0;
    return st ? sql_exec_step(c, st) : ERR_STORE;
}

void
sqlite_rollback(struct store_conn *c)
{
    sqlite3_stmt *st;

    lite(c)->in_read = 0;
    if (sqlite3_get_autocommit(lite(c)->db))
        return; /* nothing to undo */
    st = sql_prepare(c, "ROLLBACK");
    if (st)
        sql_exec_step(c, st);
}

int
sqlite_backup(struct store_conn *c, const char *path)
{
    sqlite3 *dest = NULL;
    sqlite3_backup *b;
    int rc;

    rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        goto out;
    b = sqlite3_backup_init(dest, "main", lite(c)->db, "main");
    if (!b) {
        rc = sqlite3_errcode(dest);
        goto out;
    }
    /* One step copies everything under one read snapshot: consistent. */
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
out:
    if (rc != SQLITE_OK)
        log_line(LOG_ERROR, "msg=\"backup failed\" err=\"%s\"", sqlite3_errstr(rc));
    sqlite3_close(dest);
    return rc == SQLITE_OK ? ERR_OK : ERR_IO;
}

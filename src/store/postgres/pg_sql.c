/* libpq helpers of the PostgreSQL backend: see pg_sql.h. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_sql.h"
#include "util/err.h"
#include "util/log.h"

/* Type OIDs from the server's catalog (pg_type.dat); they never change. */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* Parameters of one call, in the shapes PQexecParams takes. */
struct pg_params {
    int n;
    Oid types[PG_SQL_MAX_PARAMS];
    const char *values[PG_SQL_MAX_PARAMS];
    int lengths[PG_SQL_MAX_PARAMS];
    int formats[PG_SQL_MAX_PARAMS];
    char ints[PG_SQL_MAX_PARAMS][24];
};

/* libpq's messages may span lines and quote names: one log line wants
 * neither newlines nor double quotes. */
static void
clean_line(const char *in, char *out, size_t size)
{
    size_t n = 0;

    for (; in && *in && n + 1 < size; in++) {
        if (*in == '\n' || *in == '\r' || *in == '\t')
            out[n++] = ' ';
        else
            out[n++] = *in == '"' ? '\'' : *in;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void
on_notice(void *arg, const PGresult *res)
{
    char msg[256];

    (void)arg;
    /* Warnings the server sends (client_min_messages keeps notices away)
     * go to our log, not raw to stderr. */
    clean_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), msg, sizeof(msg));
    log_line(LOG_WARN, "msg=\"postgresql notice\" sqlstate=%s text=\"%s\"",
             PQresultErrorField(res, PG_DIAG_SQLSTATE) ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
                                                       : "?",
             msg);
}

static int
is_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static void
forget_prepared(struct pg_sql *c)
{
    size_t i;

    for (i = 0; i < c->n_prepared; i++)
        free(c->prepared[i].owned);
    c->n_prepared = 0;
}

/* The settings every session runs with; PostgreSQL keeps them across
 * transactions, so once per connection is enough. */
static int
session_setup(struct pg_sql *c)
{
    PQsetNoticeReceiver(c->conn, on_notice, NULL);
    forget_prepared(c);
    return pg_sql_simple(c, "SET client_min_messages = warning; SET TimeZone = 'UTC'");
}

static void
log_connect_failure(const PGconn *conn)
{
    char msg[256];

    clean_line(PQerrorMessage(conn), msg, sizeof(msg));
    /* PQerrorMessage names host, port and user, never the password. */
    log_line(LOG_ERROR,
             "msg=\"cannot connect to postgresql\" host=%s port=%s db=%s user=%s err=\"%s\"",
             PQhost(conn) ? PQhost(conn) : "?", PQport(conn) ? PQport(conn) : "?",
             PQdb(conn) ? PQdb(conn) : "?", PQuser(conn) ? PQuser(conn) : "?", msg);
}

int
pg_sql_init(struct pg_sql *c, const char *url)
{
    /* connect_timeout comes before dbname so that one in the URL wins. */
    const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name", NULL};
    const char *values[] = {"10", url, "chairside", NULL};
    PQconninfoOption *opts;
    char *parse_err = NULL;
    int rc = ERR_INVALID;

    memset(c, 0, sizeof(*c));
    if (!url || !is_url(url)) {
        log_line(LOG_ERROR, "msg=\"database url must start with postgresql://\"");
        goto out;
    }
    opts = PQconninfoParse(url, &parse_err);
    if (!opts) {
        /* The parser's message may quote the URL, password included. */
        log_line(LOG_ERROR, "msg=\"malformed postgresql url\"");
        PQfreemem(parse_err);
        goto out;
    }
    PQconninfoFree(opts);
    c->conn = PQconnectdbParams(keys, values, 1);
    rc = ERR_NOMEM;
    if (!c->conn)
        goto out;
    rc = ERR_UNAVAILABLE;
    if (PQstatus(c->conn) != CONNECTION_OK) {
        log_connect_failure(c->conn);
        goto out;
    }
    rc = session_setup(c);
out:
    if (rc != ERR_OK)
        pg_sql_cleanup(c);
    return rc;
}

void
pg_sql_cleanup(struct pg_sql *c)
{
    if (!c)
        return;
    if (c->conn)
        PQfinish(c->conn);
    c->conn = NULL;
    forget_prepared(c);
}

int
pg_sql_ensure(struct pg_sql *c)
{
    if (!c->conn)
        return ERR_UNAVAILABLE;
    if (PQstatus(c->conn) == CONNECTION_OK)
        return ERR_OK;
    forget_prepared(c);
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        log_connect_failure(c->conn);
        return ERR_UNAVAILABLE;
    }
    log_line(LOG_INFO, "msg=\"reconnected to postgresql\"");
    return session_setup(c);
}

static int
starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
unavailable_state(const char *state)
{
    return starts_with(state, "08") || starts_with(state, "57P0") || starts_with(state, "53300");
}

/* Logs an error the callers do not expect. Messages of classes 22 and 23
 * quote the offending values (patient data), so those log only names. */
static void
log_unexpected(const PGresult *res, const char *state)
{
    const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    char msg[256] = "";

    if (!starts_with(state, "22") && !starts_with(state, "23"))
        clean_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), msg, sizeof(msg));
    log_line(LOG_ERROR, "msg=\"postgresql error\" sqlstate=%s table=%s column=%s err=\"%s\"", state,
             table ? table : "-", column ? column : "-", msg);
}

int
pg_sql_err(struct pg_sql *c, const PGresult *res)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    const char *state;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
        return ERR_OK;
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        log_line(LOG_ERROR, "msg=\"lost the postgresql connection\"");
        return ERR_UNAVAILABLE;
    }
    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state) {
        /* No result at all, or one libpq made up: out of memory, or the
         * query could not be sent. */
        log_line(LOG_ERROR, "msg=\"postgresql call failed\" status=%s",
                 res ? PQresStatus(st) : "no result");
        return res ? ERR_STORE : ERR_NOMEM;
    }
    if (starts_with(state, "23"))
        return ERR_CONFLICT;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
        return ERR_RETRY;
    if (unavailable_state(state)) {
        log_unexpected(res, state);
        return ERR_UNAVAILABLE;
    }
    log_unexpected(res, state);
    return starts_with(state, "22") ? ERR_INVALID : ERR_STORE;
}

/* Puts params[0..n) into p in the shapes libpq takes. */
static int
fill_params(struct pg_params *p, const struct pg_sql_param *params, int n)
{
    int i;

    if (n < 0 || n > PG_SQL_MAX_PARAMS) {
        assert(!"too many parameters");
        return ERR_STORE;
    }
    p->n = n;
    for (i = 0; i < n; i++) {
        p->formats[i] = 0;
        p->lengths[i] = 0;
        p->types[i] = OID_INT8;
        p->values[i] = NULL;
        switch (params[i].type) {
        case 'I':
            if (params[i].i <= 0)
                break;
            /* fall through */
        case 'i':
        case 'd':
            snprintf(p->ints[i], sizeof(p->ints[i]), "%" PRId64, params[i].i);
            p->values[i] = p->ints[i];
            break;
        case 't':
            p->types[i] = 0; /* untyped: the server infers it (see pg_sql.h) */
            p->values[i] = params[i].text;
            break;
        case 'b':
            p->types[i] = OID_BYTEA;
            p->values[i] = params[i].blob;
            p->lengths[i] = (int)params[i].len;
            p->formats[i] = 1;
            break;
        default:
            assert(!"unknown parameter type");
            return ERR_STORE;
        }
    }
    return ERR_OK;
}

/* Reads the variadic arguments as types describes them. */
static int
read_args(struct pg_sql_param *params, int *n, const char *types, va_list ap)
{
    const char *t;
    int i;

    *n = 0;
    for (t = types ? types : ""; *t; t++) {
        if (*n == PG_SQL_MAX_PARAMS) {
            assert(!"too many parameters");
            return ERR_STORE;
        }
        i = (*n)++;
        memset(&params[i], 0, sizeof(params[i]));
        params[i].type = *t;
        switch (*t) {
        case 'i':
        case 'I':
            params[i].i = va_arg(ap, int64_t);
            break;
        case 'd':
            params[i].i = va_arg(ap, int);
            break;
        case 't':
            params[i].text = va_arg(ap, const char *);
            break;
        case 'b':
            params[i].blob = va_arg(ap, const void *);
            params[i].len = va_arg(ap, size_t);
            break;
        default:
            assert(!"unknown parameter type");
            return ERR_STORE;
        }
    }
    return ERR_OK;
}

static int
cached(const struct pg_sql_prepared *e, enum pg_sql_cache cache, const char *sql)
{
    if (cache == PG_SQL_STATIC)
        return !e->owned && e->sql == sql;
    return e->owned && strcmp(e->owned, sql) == 0;
}

static void
forget_oldest(struct pg_sql *c)
{
    free(c->prepared[0].owned);
    memmove(&c->prepared[0], &c->prepared[1], sizeof(c->prepared[0]) * (PG_SQL_CACHE_SIZE - 1));
    c->n_prepared--;
}

/* The name sql is prepared under on c, preparing it first when needed. */
static int
prepared_name(struct pg_sql *c, enum pg_sql_cache cache, const char *sql, const struct pg_params *p,
              char *name, size_t size)
{
    struct pg_sql_prepared *e;
    char *owned = NULL;
    PGresult *res;
    size_t i;
    int rc;

    for (i = 0; i < c->n_prepared; i++) {
        if (cached(&c->prepared[i], cache, sql)) {
            snprintf(name, size, "cs%u", c->prepared[i].id);
            return ERR_OK;
        }
    }
    if (cache == PG_SQL_TEXT) {
        owned = strdup(sql);
        if (!owned)
            return ERR_NOMEM;
    }
    if (c->n_prepared == PG_SQL_CACHE_SIZE) {
        /* Evict the oldest; only our own generated name is in this SQL. */
        char dealloc[32];

        snprintf(dealloc, sizeof(dealloc), "DEALLOCATE cs%u", c->prepared[0].id);
        rc = pg_sql_simple(c, dealloc);
        if (rc != ERR_OK)
            goto out;
        forget_oldest(c);
    }
    snprintf(name, size, "cs%u", ++c->next_id);
    res = PQprepare(c->conn, name, sql, p->n, p->types);
    rc = pg_sql_err(c, res);
    PQclear(res);
    if (rc != ERR_OK)
        goto out;
    e = &c->prepared[c->n_prepared++];
    e->sql = sql;
    e->owned = owned;
    e->id = c->next_id;
    owned = NULL;
out:
    free(owned);
    return rc;
}

int
pg_sql_run(struct pg_sql *c, PGresult **res, enum pg_sql_cache cache, const char *sql,
           const struct pg_sql_param *params, int n)
{
    struct pg_params p;
    PGresult *r = NULL;
    char name[24];
    int rc;

    if (res)
        *res = NULL;
    rc = fill_params(&p, params, n);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_UNAVAILABLE;
    if (!c->conn)
        goto out;
    if (cache != PG_SQL_ONCE) {
        rc = prepared_name(c, cache, sql, &p, name, sizeof(name));
        if (rc != ERR_OK)
            goto out;
        r = PQexecPrepared(c->conn, name, p.n, p.values, p.lengths, p.formats, 0);
    } else {
        r = PQexecParams(c->conn, sql, p.n, p.types, p.values, p.lengths, p.formats, 0);
    }
    rc = pg_sql_err(c, r);
    if (rc == ERR_OK && res) {
        *res = r;
        r = NULL;
    }
out:
    PQclear(r);
    return rc;
}

static int
run(struct pg_sql *c, PGresult **res, enum pg_sql_cache cache, const char *sql, const char *types,
    va_list ap)
{
    struct pg_sql_param params[PG_SQL_MAX_PARAMS];
    int n, rc;

    if (res)
        *res = NULL;
    rc = read_args(params, &n, types, ap);
    return rc == ERR_OK ? pg_sql_run(c, res, cache, sql, params, n) : rc;
}

int
pg_sql_vquery(struct pg_sql *c, PGresult **res, const char *sql, const char *types, va_list ap)
{
    return run(c, res, PG_SQL_STATIC, sql, types, ap);
}

int
pg_sql_query(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...)
{
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = run(c, res, PG_SQL_STATIC, sql, types, ap);
    va_end(ap);
    return rc;
}

int
pg_sql_query_dynamic(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...)
{
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = run(c, res, PG_SQL_TEXT, sql, types, ap);
    va_end(ap);
    return rc;
}

int
pg_sql_query_once(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...)
{
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = run(c, res, PG_SQL_ONCE, sql, types, ap);
    va_end(ap);
    return rc;
}

int
pg_sql_exec(struct pg_sql *c, int64_t *changes, const char *sql, const char *types, ...)
{
    PGresult *res = NULL;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = run(c, &res, PG_SQL_STATIC, sql, types, ap);
    va_end(ap);
    if (changes)
        *changes = rc == ERR_OK ? pg_sql_changes(res) : 0;
    PQclear(res);
    return rc;
}

int
pg_sql_simple(struct pg_sql *c, const char *sql)
{
    PGresult *res;
    int rc;

    if (!c->conn)
        return ERR_UNAVAILABLE;
    res = PQexec(c->conn, sql);
    rc = pg_sql_err(c, res);
    PQclear(res);
    return rc;
}

int
pg_sql_one_json(struct pg_sql *c, json_t **out, const char *sql, const char *types, ...)
{
    PGresult *res = NULL;
    va_list ap;
    int rc;

    *out = NULL;
    va_start(ap, types);
    rc = run(c, &res, PG_SQL_STATIC, sql, types, ap);
    va_end(ap);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_NOT_FOUND;
    if (PQntuples(res) == 0)
        goto out;
    *out = pg_sql_row_json(res, 0);
    rc = *out ? ERR_OK : ERR_NOMEM;
out:
    PQclear(res);
    return rc;
}

int
pg_sql_list_json(struct pg_sql *c, json_t **items, const char *sql, const char *types, ...)
{
    PGresult *res = NULL;
    va_list ap;
    int rc = ERR_NOMEM;

    *items = json_array();
    if (!*items)
        return rc;
    va_start(ap, types);
    rc = run(c, &res, PG_SQL_STATIC, sql, types, ap);
    va_end(ap);
    if (rc == ERR_OK)
        rc = pg_sql_rows_json(res, *items);
    PQclear(res);
    return rc;
}

/* Whole decimal text such as "-42" (no point, no exponent) that fits. */
static int
parse_int64(const char *s, int64_t *v)
{
    char *end;
    long long x;

    errno = 0;
    x = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return 0;
    *v = x;
    return 1;
}

int64_t
pg_sql_changes(const PGresult *res)
{
    int64_t v = 0;
    const char *n = res ? PQcmdTuples((PGresult *)res) : "";

    return n[0] && parse_int64(n, &v) ? v : 0;
}

int64_t
pg_sql_int(const PGresult *res, int row, int col)
{
    int64_t v = 0;

    if (PQgetisnull(res, row, col))
        return 0;
    /* SELECT EXISTS (...) and comparisons are booleans here, 0/1 on SQLite. */
    if (PQftype(res, col) == OID_BOOL)
        return PQgetvalue(res, row, col)[0] == 't';
    return parse_int64(PQgetvalue(res, row, col), &v) ? v : 0;
}

int
pg_sql_is_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col);
}

void
pg_sql_copy_text(const PGresult *res, int row, int col, char *out, size_t size)
{
    size_t n = PQgetisnull(res, row, col) ? 0 : (size_t)PQgetlength(res, row, col);

    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(out, PQgetvalue(res, row, col), n);
    out[n] = '\0';
}

const char *
pg_sql_arena_text(const PGresult *res, int row, int col, struct arena *a)
{
    return arena_strdup(a, PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

json_t *
pg_sql_cell_json(const PGresult *res, int row, int col)
{
    const char *s;
    int64_t v;
    json_t *j;

    if (PQgetisnull(res, row, col))
        return json_null();
    s = PQgetvalue(res, row, col);
    switch (PQftype(res, col)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return parse_int64(s, &v) ? json_integer(v) : json_null();
    case OID_BOOL:
        return json_integer(s[0] == 't');
    case OID_NUMERIC:
        if (parse_int64(s, &v))
            return json_integer(v);
        /* fall through */
    case OID_FLOAT4:
    case OID_FLOAT8:
        /* Jansson has no NaN or infinity: those become null. */
        j = json_real(strtod(s, NULL));
        return j ? j : json_null();
    case OID_BYTEA:
        return json_null();
    default:
        return json_stringn(s, (size_t)PQgetlength(res, row, col));
    }
}

json_t *
pg_sql_row_json(const PGresult *res, int row)
{
    json_t *obj = json_object();
    int i, n = PQnfields(res);

    for (i = 0; obj && i < n; i++) {
        if (json_object_set_new(obj, PQfname(res, i), pg_sql_cell_json(res, row, i)) != 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

int
pg_sql_rows_json(const PGresult *res, json_t *items)
{
    int i, n = PQntuples(res);

    for (i = 0; i < n; i++) {
        if (json_array_append_new(items, pg_sql_row_json(res, i)) != 0)
            return ERR_NOMEM;
    }
    return ERR_OK;
}

/* The same table, and the same lock, as the backend's own migrate in
 * conn.c: whichever runs, the other finds the database as it expects. */
static const char SQL_VERSION_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version bigint PRIMARY KEY, name text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())";
static const char SQL_HAS_VERSION_TABLE[] =
    "SELECT (to_regclass('schema_version') IS NOT NULL)::int";
static const char SQL_VERSION[] = "SELECT coalesce(max(version), 0) FROM schema_version";
static const char SQL_RECORD_VERSION[] =
    "INSERT INTO schema_version (version, name) VALUES ($1, $2)";
static const char SQL_MIGRATE_LOCK[] = "SELECT pg_advisory_xact_lock($1::int4, $2::int4)";

int
pg_sql_schema_version(struct pg_sql *c, int *version)
{
    PGresult *res = NULL;
    int rc;

    *version = 0;
    rc = pg_sql_query_once(c, &res, SQL_HAS_VERSION_TABLE, "");
    if (rc != ERR_OK || !pg_sql_int(res, 0, 0))
        goto out;
    PQclear(res);
    /* Unprepared: a migration may create the table after this ran. */
    rc = pg_sql_query_once(c, &res, SQL_VERSION, "");
    if (rc == ERR_OK)
        *version = (int)pg_sql_int(res, 0, 0);
out:
    PQclear(res);
    return rc;
}

/* Inside the migration transaction, with the lock held. */
static int
apply_migrations(struct pg_sql *c)
{
    int rc, version, i;

    rc = pg_sql_simple(c, SQL_VERSION_TABLE);
    if (rc == ERR_OK)
        rc = pg_sql_schema_version(c, &version);
    for (i = 0; rc == ERR_OK && i < pg_migration_count; i++) {
        if (pg_migrations[i].version <= version)
            continue;
        log_line(LOG_INFO, "msg=migrate backend=postgresql version=%d name=%s",
                 pg_migrations[i].version, pg_migrations[i].name);
        rc = pg_sql_simple(c, pg_migrations[i].sql);
        if (rc == ERR_OK)
            rc = pg_sql_query_once(c, NULL, SQL_RECORD_VERSION, "dt", pg_migrations[i].version,
                                   pg_migrations[i].name);
    }
    return rc;
}

int
pg_sql_migrate(struct pg_sql *c)
{
    int rc;

    rc = pg_sql_simple(c, "BEGIN");
    if (rc != ERR_OK)
        return rc;
    rc = pg_sql_query_once(c, NULL, SQL_MIGRATE_LOCK, "dd", PG_SQL_MIGRATE_LOCK, 0);
    if (rc == ERR_OK)
        rc = apply_migrations(c);
    if (rc == ERR_OK)
        rc = pg_sql_simple(c, "COMMIT");
    else
        pg_sql_simple(c, "ROLLBACK");
    /* Plans made before may no longer fit the tables (and DEALLOCATE
     * ALL is harmless when there were none). */
    if (pg_sql_simple(c, "DEALLOCATE ALL") == ERR_OK)
        forget_prepared(c);
    return rc;
}

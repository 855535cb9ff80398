/* PostgreSQL backend: running statements with bound parameters, the
 * per-connection prepared statement cache, error mapping and result
 * cells. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"
#include "util/log.h"

/* Type OIDs from pg_type.h (server headers are not needed for eight
 * numbers that never change). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* SQLSTATE classes and codes the backend acts on; everything else is a
 * store error. Every integrity violation is ERR_CONFLICT, as on SQLite. */
static int
err_of_sqlstate(const char *state)
{
    if (!state)
        return ERR_UNAVAILABLE; /* no result at all: the connection failed */
    if (strncmp(state, "23", 2) == 0)
        return ERR_CONFLICT;
    if (strncmp(state, "22", 2) == 0)
        return ERR_INVALID; /* a value the column cannot hold */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return ERR_RETRY;
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 || strcmp(state, "53300") == 0)
        return ERR_UNAVAILABLE;
    if (strcmp(state, "53200") == 0)
        return ERR_NOMEM;
    return ERR_STORE;
}

void
pq_lost(struct pgsql_conn *c)
{
    if (!c->broken)
        atomic_fetch_add(c->lost, 1);
    c->broken = 1;
}

void
pq_begin_read(struct pgsql_conn *c)
{
    c->begin_pending = 1;
}

void
pq_end_read(struct pgsql_conn *c)
{
    if (c->begin_pending) {
        c->begin_pending = 0; /* the server never saw this transaction */
        return;
    }
    if (c->broken)
        return;
    /* Its answer is read when the connection is next used, by then
     * usually long arrived: the caller answers its client meanwhile. */
    if (PQsendQuery(c->pg, "ROLLBACK"))
        c->rollback_pending = 1;
    else
        pq_lost(c);
}

int
pq_settle(struct pgsql_conn *c)
{
    PGresult *r;
    int ok = 1;

    if (c->rollback_pending) {
        c->rollback_pending = 0;
        while ((r = PQgetResult(c->pg))) {
            ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
        }
        /* The session may still be in the transaction: start afresh. */
        if (!ok || PQstatus(c->pg) != CONNECTION_OK)
            pq_lost(c);
    }
    return c->broken ? ERR_UNAVAILABLE : ERR_OK;
}

PGresult *
pq_simple(struct pgsql_conn *c, const char *sql)
{
    pq_settle(c);
    c->round_trips++;
    return PQexec(c->pg, sql);
}

void
pq_log_text(const char *in, char *out, size_t size)
{
    size_t n = 0;

    for (; in && *in && *in != '\n' && n + 1 < size; in++) {
        if (*in == '"')
            out[n++] = '\'';
        else if (*in == '\t' || *in == '\r')
            out[n++] = ' ';
        else
            out[n++] = *in;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static int
result_err(struct pgsql_conn *c, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *table = r ? PQresultErrorField(r, PG_DIAG_TABLE_NAME) : NULL;
    const char *column = r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL;
    int rc = err_of_sqlstate(state);
    char msg[256] = "";

    if (PQstatus(c->pg) != CONNECTION_OK) {
        pq_lost(c);
        rc = ERR_UNAVAILABLE;
    }
    /* Conflicts and retries are answers, not faults. The messages of
     * classes 22 and 23 quote the offending value (patient data), so only
     * the names of table and column are logged for those. */
    if (rc == ERR_CONFLICT || rc == ERR_RETRY)
        return rc;
    if (!state)
        pq_log_text(PQerrorMessage(c->pg), msg, sizeof(msg)); /* libpq's own, no values */
    else if (strncmp(state, "22", 2) != 0 && strncmp(state, "23", 2) != 0)
        pq_log_text(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY), msg, sizeof(msg));
    log_line(LOG_ERROR, "msg=\"postgresql error\" sqlstate=%s table=%s column=%s err=\"%s\"",
             state ? state : "none", table ? table : "-", column ? column : "-", msg);
    return rc;
}

/* The name of sql's prepared statement on this connection, preparing it
 * first when needed; NULL when it cannot be (then it runs unprepared). */
static int
prepared_name(struct pgsql_conn *c, const char *sql, int n_params, char *name, size_t size)
{
    PGresult *r;
    size_t i;
    int rc;

    for (i = 0; i < c->n_prepared; i++) {
        if (strcmp(c->prepared[i], sql) == 0) {
            snprintf(name, size, "s%zu", i);
            return ERR_OK;
        }
    }
    if (c->n_prepared == PQ_PREPARED_MAX)
        return ERR_NOT_FOUND;
    snprintf(name, size, "s%zu", c->n_prepared);
    c->round_trips++;
    r = PQprepare(c->pg, name, sql, n_params, NULL);
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? ERR_OK : result_err(c, r);
    PQclear(r);
    if (rc != ERR_OK)
        return rc;
    c->prepared[c->n_prepared] = strdup(sql);
    if (!c->prepared[c->n_prepared])
        return ERR_NOMEM; /* prepared but forgotten: harmless */
    c->n_prepared++;
    return ERR_OK;
}

int
pq_vexec(struct store_conn *conn, PGresult **res, const char *sql, const char *fmt, va_list ap)
{
    const char *values[PQ_MAX_PARAMS];
    int lengths[PQ_MAX_PARAMS], formats[PQ_MAX_PARAMS];
    char ints[PQ_MAX_PARAMS][24];
    int n;

    if (res)
        *res = NULL;
    for (n = 0; fmt && fmt[n]; n++) {
        if (n == PQ_MAX_PARAMS)
            return ERR_INVALID;
        lengths[n] = formats[n] = 0;
        switch (fmt[n]) {
        case 'i':
            snprintf(ints[n], sizeof(ints[n]), "%lld", (long long)va_arg(ap, int64_t));
            values[n] = ints[n];
            break;
        case 'd':
            snprintf(ints[n], sizeof(ints[n]), "%d", va_arg(ap, int));
            values[n] = ints[n];
            break;
        case 't':
            values[n] = va_arg(ap, const char *);
            break;
        case 'b':
            values[n] = (const char *)va_arg(ap, const unsigned char *);
            lengths[n] = (int)va_arg(ap, size_t);
            formats[n] = 1;
            break;
        default:
            return ERR_INVALID;
        }
    }
    return pq_exec_values(conn, res, sql, n, values, lengths, formats);
}

/* One query of a pipeline: its result, and the NULL that ends it. */
static PGresult *
pipeline_result(PGconn *pg)
{
    PGresult *r = PQgetResult(pg);

    if (r)
        PQclear(PQgetResult(pg));
    return r;
}

/* A read transaction's BEGIN goes out with its first statement, one round
 * trip for both. It sees what it would have seen with BEGIN sent first:
 * REPEATABLE READ takes its snapshot at the first statement, not at
 * BEGIN. */
static PGresult *
run_after_begin(struct pgsql_conn *c, const char *name, const char *sql, int n,
                const char *const *values, const int *lengths, const int *formats)
{
    PGconn *pg = c->pg;
    PGresult *begin = NULL, *r = NULL, *sync = NULL;

    c->begin_pending = 0;
    if (PQenterPipelineMode(pg) &&
        PQsendQueryParams(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL, NULL, NULL, NULL,
                          0) &&
        (name ? PQsendQueryPrepared(pg, name, n, values, lengths, formats, 0)
              : PQsendQueryParams(pg, sql, n, NULL, values, lengths, formats, 0)) &&
        PQpipelineSync(pg)) {
        begin = pipeline_result(pg);
        r = pipeline_result(pg);
        sync = PQgetResult(pg);
    }
    /* Short of the sync the session's state is unknown: start afresh. */
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC || !PQexitPipelineMode(pg))
        pq_lost(c);
    if (PQresultStatus(begin) != PGRES_COMMAND_OK) {
        PQclear(r); /* PGRES_PIPELINE_ABORTED: BEGIN's error is the one to map */
        r = begin;
        begin = NULL;
    }
    PQclear(begin);
    PQclear(sync);
    return r;
}

/* Runs the prepared statement name, or sql unprepared when name is NULL. */
static PGresult *
run(struct pgsql_conn *c, const char *name, const char *sql, int n, const char *const *values,
    const int *lengths, const int *formats)
{
    if (c->begin_pending)
        return run_after_begin(c, name, sql, n, values, lengths, formats);
    if (name)
        return PQexecPrepared(c->pg, name, n, values, lengths, formats, 0);
    return PQexecParams(c->pg, sql, n, NULL, values, lengths, formats, 0);
}

int
pq_exec_values(struct store_conn *conn, PGresult **res, const char *sql, int n,
               const char *const *values, const int *lengths, const int *formats)
{
    struct pgsql_conn *c = pq(conn);
    PGresult *r = NULL;
    char name[24];
    ExecStatusType status;
    int rc;

    if (res)
        *res = NULL;
    rc = pq_settle(c);
    if (rc != ERR_OK)
        return rc;
    rc = prepared_name(c, sql, n, name, sizeof(name));
    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        goto out;
    c->round_trips++;
    r = run(c, rc == ERR_OK ? name : NULL, sql, n, values, lengths, formats);
    status = PQresultStatus(r);
    if (c->broken || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
        rc = result_err(c, r);
        goto out;
    }
    rc = ERR_OK;
    if (res) {
        *res = r;
        r = NULL;
    }
out:
    PQclear(r);
    return rc;
}

int
pq_exec(struct store_conn *c, PGresult **res, const char *sql, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = pq_vexec(c, res, sql, fmt, ap);
    va_end(ap);
    return rc;
}

int
pq_cmd(struct store_conn *c, int64_t *changed, const char *sql, const char *fmt, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = pq_vexec(c, &r, sql, fmt, ap);
    va_end(ap);
    if (rc == ERR_OK && changed)
        *changed = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return rc;
}

int
pq_int64(struct store_conn *c, int64_t *out, const char *sql, const char *fmt, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = pq_vexec(c, &r, sql, fmt, ap);
    va_end(ap);
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        *out = pq_get_int64(r, 0, 0);
    PQclear(r);
    return rc;
}

int
pq_one_json(struct store_conn *c, json_t **out, const char *sql, const char *fmt, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    *out = NULL;
    va_start(ap, fmt);
    rc = pq_vexec(c, &r, sql, fmt, ap);
    va_end(ap);
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK) {
        *out = pq_row_json(r, 0);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

int
pq_list_json(struct store_conn *c, json_t **items, const char *sql, const char *fmt, ...)
{
    PGresult *r = NULL;
    va_list ap;
    int rc;

    *items = json_array();
    if (!*items)
        return ERR_NOMEM;
    va_start(ap, fmt);
    rc = pq_vexec(c, &r, sql, fmt, ap);
    va_end(ap);
    if (rc == ERR_OK)
        rc = pq_rows_json(r, *items);
    PQclear(r);
    return rc;
}

int
pq_lock(struct store_conn *c, enum pq_lock_kind kind, int64_t key)
{
    /* Two int4 keys: the kind, and the id folded into 32 bits (a shared
     * lock between two ids only serialises them, it never loses one). */
    return pq_cmd(c, NULL, "SELECT pg_advisory_xact_lock($1::int4, $2::int4)", "dd", (int)kind,
                  (int)(uint32_t)(key ^ (key >> 32)));
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
pq_get_int64(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    /* EXISTS (...) and comparisons are booleans here, 0/1 on SQLite. */
    if (PQftype(r, col) == OID_BOOL)
        return PQgetvalue(r, row, col)[0] == 't';
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void
pq_get_text(const PGresult *r, int row, int col, char *out, size_t size)
{
    snprintf(out, size, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

const char *
pq_get_arena_text(const PGresult *r, int row, int col, struct arena *a)
{
    return arena_strdup(a, PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

static json_t *
cell_json(const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col);
    int64_t i;
    json_t *j;

    if (PQgetisnull(r, row, col))
        return json_null();
    switch (PQftype(r, col)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return parse_int64(v, &i) ? json_integer(i) : json_null();
    case OID_BOOL:
        return json_integer(v[0] == 't');
    case OID_NUMERIC:
        /* sum() of bigint is numeric; SQLite's sum is an integer. */
        if (parse_int64(v, &i))
            return json_integer(i);
        /* fall through */
    case OID_FLOAT4:
    case OID_FLOAT8:
        /* Jansson has no NaN or infinity: those become null. */
        j = json_real(strtod(v, NULL));
        return j ? j : json_null();
    case OID_BYTEA:
        return json_null(); /* as SQLite renders a blob */
    default:
        return json_stringn(v, (size_t)PQgetlength(r, row, col));
    }
}

json_t *
pq_row_json(const PGresult *r, int row)
{
    json_t *obj = json_object();
    int i, n = PQnfields(r);

    /* Column names are the store's own ASCII: no UTF-8 check per row. */
    for (i = 0; obj && i < n; i++) {
        if (json_object_set_new_nocheck(obj, PQfname(r, i), cell_json(r, row, i)) != 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

int
pq_rows_json(const PGresult *r, json_t *items)
{
    int i, n = PQntuples(r);

    for (i = 0; i < n; i++) {
        if (json_array_append_new(items, pq_row_json(r, i)) != 0)
            return ERR_NOMEM;
    }
    return ERR_OK;
}

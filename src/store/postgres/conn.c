/* PostgreSQL backend: the connection pool, migrations, transactions, the
 * booking locks and backups. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/postgres/internal.h"
#include "store/postgres/pg_migrations.h"
#include "util/err.h"
#include "util/log.h"

struct pgsql_store {
    struct store base;
    struct pgsql_conn *conns;
    int n_conns;
    char *url;
    atomic_uint lost; /* connections found lost so far */
};

static int
conn_connect(const char *url, struct pgsql_conn *c)
{
    /* connect_timeout comes before dbname, so that one in the URL wins. */
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const values[] = {"10", url, NULL};
    PQconninfoOption *opts;
    char shown[512], msg[256];
    char *parse_err = NULL;
    PGresult *r;
    int rc;

    store_target_redacted(url, shown, sizeof(shown));
    /* libpq's own message for a malformed URL quotes it, password and all:
     * parse it first and say only that it is malformed. */
    opts = PQconninfoParse(url, &parse_err);
    if (!opts) {
        rc = parse_err ? ERR_INVALID : ERR_NOMEM; /* no message: out of memory */
        log_line(LOG_ERROR, "msg=\"malformed PostgreSQL URL\"");
        PQfreemem(parse_err);
        return rc;
    }
    PQconninfoFree(opts);
    c->pg = PQconnectdbParams(keys, values, 1);
    if (!c->pg)
        return ERR_NOMEM;
    if (PQstatus(c->pg) != CONNECTION_OK) {
        /* The message names host, port and user, never the password. */
        pq_log_text(PQerrorMessage(c->pg), msg, sizeof(msg));
        log_line(LOG_ERROR, "msg=\"cannot connect to PostgreSQL\" url=\"%s\" err=\"%s\"", shown,
                 msg);
        return ERR_UNAVAILABLE;
    }
    /* Epoch seconds are the only times stored, but keep the session in UTC
     * so nothing ever depends on the server's zone. */
    r = PQexec(c->pg, "SET TIME ZONE 'UTC'; SET client_min_messages = warning;"
                      "SET application_name = 'chairside'");
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? ERR_OK : ERR_STORE;
    PQclear(r);
    return rc;
}

static void
conn_disconnect(struct pgsql_conn *c)
{
    size_t i;

    for (i = 0; i < c->n_prepared; i++)
        free(c->prepared[i]);
    c->n_prepared = 0;
    if (c->pg)
        pq_settle(c);
    PQfinish(c->pg);
    c->pg = NULL;
    c->in_tx = c->broken = 0;
}

static int
exec_plain(struct pgsql_conn *c, const char *sql)
{
    PGresult *r = pq_simple(c, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

    if (!rc) {
        if (PQstatus(c->pg) != CONNECTION_OK)
            pq_lost(c);
        log_line(LOG_ERROR, "msg=\"postgresql error\" err=\"%s\"",
                 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                     ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                     : "connection lost");
    }
    PQclear(r);
    return rc ? ERR_OK : c->broken ? ERR_UNAVAILABLE : ERR_STORE;
}

int
pgsql_schema_version(struct store_conn *c, int *version)
{
    int64_t v = 0;
    int rc = pq_int64(c, &v, "SELECT coalesce(max(version), 0) FROM schema_version", NULL);

    *version = (int)v;
    return rc;
}

/* Every process runs this at start; the advisory lock makes the second of
 * two starting at once wait and then find nothing left to do. */
static int
migrate(struct pgsql_conn *c)
{
    int rc, version = 0, i;

    rc = exec_plain(c, "BEGIN");
    if (rc != ERR_OK)
        return rc;
    rc = pq_lock(&c->base, PQ_LOCK_MIGRATE, 0);
    if (rc == ERR_OK)
        rc = exec_plain(c, "CREATE TABLE IF NOT EXISTS schema_version ("
                           " version bigint PRIMARY KEY, name text NOT NULL,"
                           " applied_at timestamptz NOT NULL DEFAULT now())");
    if (rc == ERR_OK)
        rc = pgsql_schema_version(&c->base, &version);
    for (i = 0; rc == ERR_OK && i < pg_migration_count; i++) {
        if (pg_migrations[i].version <= version)
            continue;
        log_line(LOG_INFO, "msg=migrate version=%d name=%s", pg_migrations[i].version,
                 pg_migrations[i].name);
        rc = exec_plain(c, pg_migrations[i].sql);
        if (rc == ERR_OK)
            rc =
                pq_cmd(&c->base, NULL, "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                       "dt", pg_migrations[i].version, pg_migrations[i].name);
    }
    if (rc == ERR_OK)
        return exec_plain(c, "COMMIT");
    exec_plain(c, "ROLLBACK");
    return rc;
}

static void pgsql_close(struct store *base);
static void revive(struct store_conn *conn);

static const struct store_ops pgsql_ops = {
    .kind = "postgresql",
    .close = pgsql_close,
    .on_acquire = revive,
#define STORE_OP(ret, name, params, args) .name = pgsql_##name,
#define STORE_VOID_OP(name, params, args) .name = pgsql_##name,
#include "store/ops.def"
#undef STORE_OP
#undef STORE_VOID_OP
};

int
pgsql_store_open(const char *url, int n_conns, struct store **out)
{
    struct pgsql_store *s;
    int rc = ERR_NOMEM, i;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        goto out;
    store_pool_init(&s->base, &pgsql_ops);
    s->url = strdup(url);
    s->conns = calloc((size_t)n_conns, sizeof(*s->conns));
    if (!s->url || !s->conns)
        goto out;
    s->n_conns = n_conns;
    for (i = 0; i < n_conns; i++) {
        s->conns[i].base.ops = &pgsql_ops;
        s->conns[i].lost = &s->lost;
        rc = conn_connect(url, &s->conns[i]);
        if (rc == ERR_OK && i == 0)
            rc = migrate(&s->conns[0]);
        if (rc != ERR_OK)
            goto out;
        store_pool_add(&s->base, &s->conns[i].base);
    }
    *out = &s->base;
    s = NULL;
    rc = ERR_OK;
out:
    if (s)
        pgsql_close(&s->base);
    return rc;
}

static void
pgsql_close(struct store *base)
{
    struct pgsql_store *s = (struct pgsql_store *)(void *)base;
    int i;

    for (i = 0; s->conns && i < s->n_conns; i++)
        conn_disconnect(&s->conns[i]);
    free(s->conns);
    free(s->url);
    store_pool_cleanup(&s->base);
    free(s);
}

/* A connection whose server went away is reset before it is handed out;
 * if the server is still gone the request fails with ERR_UNAVAILABLE
 * (503) and the next one tries again. */
static void
revive(struct store_conn *conn)
{
    struct pgsql_conn *c = pq(conn);
    unsigned lost = atomic_load(c->lost);
    PGresult *r;

    pq_settle(c);
    if (!c->broken && c->seen_lost != lost) {
        /* Another connection was lost since this one was last used. */
        r = pq_simple(c, "SELECT 1");
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            c->broken = 1;
        PQclear(r);
    }
    c->seen_lost = lost;
    if (!c->broken && PQstatus(c->pg) == CONNECTION_OK)
        return;
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = 1;
        return;
    }
    /* The server forgot this session's prepared statements. */
    while (c->n_prepared)
        free(c->prepared[--c->n_prepared]);
    c->in_tx = c->broken = c->begin_pending = c->rollback_pending = 0;
    exec_plain(c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
}

int
pgsql_begin(struct store_conn *c, int write)
{
    int rc = pq_settle(pq(c));

    if (rc != ERR_OK)
        return rc;
    if (write)
        rc = exec_plain(pq(c), "BEGIN ISOLATION LEVEL READ COMMITTED");
    else
        pq_begin_read(pq(c));
    pq(c)->in_tx = rc == ERR_OK;
    pq(c)->writing = write;
    return rc;
}

int
pgsql_commit(struct store_conn *c)
{
    PGresult *r;
    const char *state;
    int rc = ERR_OK;

    if (pq(c)->begin_pending) {
        pgsql_rollback(c); /* nothing ran, nothing to commit */
        return ERR_OK;
    }
    r = pq_simple(pq(c), "COMMIT");
    state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    pq(c)->in_tx = 0;
    /* A commit can still fail (deferred checks, serialization) and a
     * COMMIT of an aborted transaction answers ROLLBACK: both are
     * failures, never a silent loss. */
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = state && strcmp(state, "40001") == 0 ? ERR_RETRY : ERR_STORE;
    else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
        rc = ERR_STORE;
    if (PQstatus(pq(c)->pg) != CONNECTION_OK) {
        pq_lost(pq(c));
        rc = ERR_UNAVAILABLE;
    }
    PQclear(r);
    return rc;
}

void
pgsql_rollback(struct store_conn *c)
{
    if (pq(c)->in_tx && !pq(c)->writing)
        pq_end_read(pq(c));
    else if (pq(c)->in_tx && !pq(c)->broken)
        exec_plain(pq(c), "ROLLBACK");
    pq(c)->in_tx = 0;
}

/* PostgreSQL commits concurrent transactions side by side (and groups
 * their WAL flushes itself): each runs on its caller's connection. */
int
pgsql_write(struct store_conn *c, store_write_fn *fn, void *arg)
{
    return store_write_alone(c, fn, arg);
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The counters of migration 023, summed in the caller's snapshot, and
 * the holder's live holds. */
static const char SQL_AVAIL_VERSION[] =
    "SELECT (SELECT coalesce(sum(v), 0) FROM avail_version)::bigint, "
    "CASE WHEN $1::text IS NULL THEN 0 ELSE (SELECT count(*) FROM holds "
    "WHERE holder = $1::text AND expires_at > $2::bigint) END";

int
pgsql_avail_version(struct store_conn *c, const char *holder, int64_t now, uint64_t *version,
                    int *holder_holds)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_AVAIL_VERSION, "ti", holder, now);

    *version = 1; /* never 0, which means "cannot tell" */
    *holder_holds = 0;
    if (rc == ERR_OK && PQntuples(r) == 1) {
        *version = (uint64_t)pq_get_int64(r, 0, 0) + 1;
        *holder_holds = (int)pq_get_int64(r, 0, 1);
    } else if (rc == ERR_OK) {
        rc = ERR_STORE;
    }
    PQclear(r);
    return rc;
}

int
pgsql_lock_staff(struct store_conn *c, const int64_t *staff_ids, size_t n)
{
    int64_t ids[16];
    size_t i;
    int rc = ERR_OK;

    if (!pq(c)->in_tx || n > sizeof(ids) / sizeof(ids[0]))
        return ERR_INVALID;
    memcpy(ids, staff_ids, n * sizeof(ids[0]));
    qsort(ids, n, sizeof(ids[0]), cmp_id);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        if (i == 0 || ids[i] != ids[i - 1])
            rc = pq_lock(c, PQ_LOCK_STAFF, ids[i]);
    }
    return rc;
}

/* pg_dump writes a consistent snapshot of the whole database; the
 * password travels in the environment, never on a command line. */
int
pgsql_backup(struct store_conn *c, const char *path)
{
    PGconn *pg = pq(c)->pg;
    char dbname[512];
    pid_t pid;
    int status = 0;

    snprintf(dbname, sizeof(dbname), "host='%s' port='%s' dbname='%s' user='%s'", PQhost(pg),
             PQport(pg), PQdb(pg), PQuser(pg));
    pid = fork();
    if (pid < 0)
        return ERR_IO;
    if (pid == 0) {
        if (PQpass(pg))
            setenv("PGPASSWORD", PQpass(pg), 1);
        execlp("pg_dump", "pg_dump", "--format=custom", "--no-owner", "--file", path, "--dbname",
               dbname, (char *)NULL);
        fprintf(stderr, "backup: cannot run pg_dump (%s); install postgresql-client-15\n",
                strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log_line(LOG_ERROR, "msg=\"backup failed\" tool=pg_dump status=%d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return ERR_IO;
    }
    return ERR_OK;
}

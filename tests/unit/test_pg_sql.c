/* Tests of the PostgreSQL backend's SQL layer against a real server: the
 * store opened on the database named by CHAIRSIDE_TEST_PG_URL, which they
 * WIPE (schema public is dropped and made again), and the backend's pq_*
 * helpers (store/postgres/internal.h) on its connections. `make pg-unit`
 * starts a scratch cluster and makes one. Without the variable every test
 * is reported as skipped, with the reason, never as passed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/postgres/internal.h"
#include "store/postgres/pg_migrations.h"
#include "store/store.h"
#include "test_db.h"
#include "util/arena.h"
#include "util/err.h"

#define T0 INT64_C(1772409600) /* 2026-03-02 00:00 UTC */
#define H INT64_C(3600)

static const char *pg_url;

/* A store of two connections: a PostgreSQL store's connections are
 * struct pgsql_conn (pq()), so the pq_* helpers run on them directly. */
struct fixture {
    struct store *s;
    struct store_conn *c;
    struct store_conn *c2; /* a second session, for races and errors */
};

static int
group_setup(void **state)
{
    (void)state;
    pg_url = test_db_pg_url();
    if (!pg_url)
        printf("test_pg_sql: SKIPPED: CHAIRSIDE_TEST_PG_URL is not set; `make pg-unit` runs "
               "these tests against a scratch PostgreSQL 15\n");
    return 0;
}

/* Each test gets two connections of a store that migrated the database
 * when it opened; the tests add their own staff and patients, so they
 * need no wipe between them. */
static int
fx_setup(void **state)
{
    struct fixture *f;

    *state = NULL;
    if (!pg_url)
        return 0;
    f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    *state = f;
    if (store_open(pg_url, 2, &f->s) != ERR_OK)
        return -1;
    f->c = store_acquire(f->s);
    f->c2 = store_acquire(f->s);
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fixture *f = *state;

    if (!f)
        return 0;
    if (f->s) {
        store_release(f->s, f->c);
        store_release(f->s, f->c2);
        store_close(f->s);
    }
    free(f);
    return 0;
}

#define NEED_PG()                                                                                  \
    do {                                                                                           \
        if (!pg_url)                                                                               \
            skip();                                                                                \
    } while (0)

/* --- Helpers ------------------------------------------------------------- */

static int64_t
count_of(struct store_conn *c, const char *sql)
{
    int64_t n = -1;

    assert_int_equal(pq_int64(c, &n, sql, NULL), ERR_OK);
    return n;
}

/* Log lines written to stderr between capture_start and capture_end. */
struct capture {
    char path[32];
    int fd, saved;
};

static void
capture_start(struct capture *cap)
{
    snprintf(cap->path, sizeof(cap->path), "/tmp/chairside-pglog-XXXXXX");
    cap->fd = mkstemp(cap->path);
    cap->saved = dup(2);
    assert_true(cap->fd >= 0 && cap->saved >= 0);
    fflush(stderr);
    assert_int_equal(dup2(cap->fd, 2), 2);
}

/* What was logged; the caller frees it. */
static char *
capture_end(struct capture *cap)
{
    char *text;
    long n;
    FILE *fp;

    fflush(stderr);
    dup2(cap->saved, 2);
    close(cap->saved);
    fp = fdopen(cap->fd, "r");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    unlink(cap->path);
    return text;
}

static const char SQL_ADD_STAFF[] = "INSERT INTO staff (name) VALUES ($1) RETURNING id";
static const char SQL_ADD_LOCATION[] =
    "INSERT INTO locations (name, timezone) VALUES ('Mitte', 'Europe/Berlin') RETURNING id";
static const char SQL_ADD_PATIENT[] = "INSERT INTO patients (name) VALUES ($1) RETURNING id";
/* group_service_id 0 is none (NULL). */
static const char SQL_ADD_BOOKING[] =
    "INSERT INTO bookings (patient_id, staff_id, location_id, start_at, end_at, group_service_id, "
    "status, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6::bigint, 0), "
    "$7, 'staff', 0, 0) RETURNING id";

static int64_t
returned_id(struct store_conn *c, const char *sql, const char *text)
{
    int64_t id = 0;

    assert_int_equal(pq_int64(c, &id, sql, text ? "t" : NULL, text), ERR_OK);
    assert_true(id > 0);
    return id;
}

struct people {
    int64_t staff, staff2, location, patient;
};

static void
add_people(struct store_conn *c, struct people *p)
{
    p->staff = returned_id(c, SQL_ADD_STAFF, "Dr. Weber");
    p->staff2 = returned_id(c, SQL_ADD_STAFF, "Dr. Braun");
    p->location = returned_id(c, SQL_ADD_LOCATION, NULL);
    p->patient = returned_id(c, SQL_ADD_PATIENT, "Anna Schmidt");
}

static int
add_booking(struct store_conn *c, const struct people *p, int64_t staff, int64_t start, int64_t end,
            int64_t group_service_id, const char *status)
{
    return pq_cmd(c, NULL, SQL_ADD_BOOKING, "iiiiiit", p->patient, staff, p->location, start, end,
                  group_service_id, status);
}

/* --- Migrations ---------------------------------------------------------- */

struct migrator {
    int rc;
};

static void *
migrate_thread(void *arg)
{
    struct migrator *m = arg;
    struct store *s = NULL;

    m->rc = store_open(pg_url, 1, &s);
    store_close(s);
    return NULL;
}

/* Two processes starting at once on an empty database: the advisory lock
 * makes one migrate and the other find it done, neither fails, and every
 * migration is applied exactly once. */
static void
test_migrate_fresh_concurrently(void **state)
{
    struct fixture *f = *state;
    struct migrator m[2] = {{-1}, {-1}};
    pthread_t th[2];
    int v = -1, i;

    NEED_PG();
    assert_int_equal(test_db_pg_reset(pg_url), 0);
    assert_int_equal(count_of(f->c, "SELECT to_regclass('schema_version') IS NULL"), 1);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, migrate_thread, &m[i]), 0);
    for (i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(m[i].rc, ERR_OK);
    }
    assert_int_equal(store_schema_version(f->c, &v), ERR_OK);
    assert_int_equal(v, pg_migrations[pg_migration_count - 1].version);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM schema_version"), pg_migration_count);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM settings WHERE id = 1"), 1);
}

static void
test_migrate_again_is_a_no_op(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    int v = 0, i, j;

    NEED_PG();
    /* Every PostgreSQL migration is the SQLite migration of the same
     * version and name; SQLite has more where PostgreSQL's schema had it
     * already (006: the exclusion constraint, in 001 here). */
    for (i = 0; i < pg_migration_count; i++) {
        for (j = 0; j < store_migration_count; j++) {
            if (store_migrations[j].version == pg_migrations[i].version)
                break;
        }
        assert_true(j < store_migration_count);
        assert_string_equal(pg_migrations[i].name, store_migrations[j].name);
    }
    /* The fixture's store migrated; two more opens find nothing to do. */
    for (i = 0; i < 2; i++) {
        assert_int_equal(store_open(pg_url, 1, &s), ERR_OK);
        store_close(s);
    }
    assert_int_equal(store_schema_version(f->c, &v), ERR_OK);
    assert_int_equal(v, pg_migrations[pg_migration_count - 1].version);
    /* The seed rows are there once, as the SQLite migrations make them. */
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM schema_version"), pg_migration_count);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM settings WHERE id = 1"), 1);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM ledger_accounts"), 11);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM templates"), 23);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM pg_extension WHERE extname IN "
                                    "('btree_gist', 'citext')"),
                     2);
}

/* --- Constraints --------------------------------------------------------- */

static void
test_exclusion_refuses_overlapping_live_bookings(void **state)
{
    struct fixture *f = *state;
    struct people p;

    NEED_PG();
    add_people(f->c, &p);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 9 * H, T0 + 10 * H, 0, "confirmed"),
                     ERR_OK);
    /* Overlapping the live booking: refused by the exclusion constraint. */
    assert_int_equal(
        add_booking(f->c, &p, p.staff, T0 + 9 * H + 1800, T0 + 10 * H + 1800, 0, "confirmed"),
        ERR_CONFLICT);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 8 * H, T0 + 11 * H, 0, "confirmed"),
                     ERR_CONFLICT);
    /* Cancelled, back to back, another staff member, a group slot: fine. */
    assert_int_equal(
        add_booking(f->c, &p, p.staff, T0 + 9 * H + 1800, T0 + 10 * H + 1800, 0, "cancelled"),
        ERR_OK);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 10 * H, T0 + 11 * H, 0, "confirmed"),
                     ERR_OK);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 8 * H, T0 + 9 * H, 0, "confirmed"),
                     ERR_OK);
    assert_int_equal(add_booking(f->c, &p, p.staff2, T0 + 9 * H, T0 + 10 * H, 0, "confirmed"),
                     ERR_OK);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 9 * H, T0 + 10 * H, 7, "confirmed"),
                     ERR_OK);
    /* Reviving the cancelled one would overlap: refused too. */
    assert_int_equal(pq_cmd(f->c, NULL,
                            "UPDATE bookings SET status = 'confirmed' WHERE staff_id = $1 "
                            "AND status = 'cancelled'",
                            "i", p.staff),
                     ERR_CONFLICT);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM bookings WHERE status = 'cancelled'"), 1);
}

static const char SQL_ADD_USER[] = "INSERT INTO users (email, password_hash, role, created_at) "
                                   "VALUES ($1, 'x', 'staff', 0)";
static const char SQL_USER_BY_EMAIL[] = "SELECT id, email FROM users WHERE email = $1";

static void
test_constraints_map_to_conflict(void **state)
{
    struct fixture *f = *state;
    struct capture cap;
    struct people p;
    json_t *row = NULL;
    char *log;

    NEED_PG();
    add_people(f->c, &p);
    assert_int_equal(pq_cmd(f->c, NULL, SQL_ADD_USER, "t", "Reception@Example.test"), ERR_OK);
    /* Unique without regard to case, as SQLite's COLLATE NOCASE; a
     * conflict is an answer, not a fault, and is not logged. */
    capture_start(&cap);
    assert_int_equal(pq_cmd(f->c, NULL, SQL_ADD_USER, "t", "reception@example.TEST"), ERR_CONFLICT);
    log = capture_end(&cap);
    assert_string_equal(log, "");
    free(log);
    assert_int_equal(pq_one_json(f->c, &row, SQL_USER_BY_EMAIL, "t", "RECEPTION@example.test"),
                     ERR_OK);
    assert_string_equal(json_string_value(json_object_get(row, "email")), "Reception@Example.test");
    json_decref(row);
    assert_int_equal(pq_one_json(f->c, &row, SQL_USER_BY_EMAIL, "t", "nobody@example.test"),
                     ERR_NOT_FOUND);
    assert_null(row);
    /* Foreign key, check and not-null failures are conflicts as well. */
    assert_int_equal(pq_cmd(f->c, NULL, SQL_ADD_BOOKING, "iiiiiit", INT64_C(999999), p.staff,
                            p.location, T0, T0 + H, INT64_C(0), "confirmed"),
                     ERR_CONFLICT);
    assert_int_equal(add_booking(f->c, &p, p.staff, T0 + 20 * H, T0 + 21 * H, 0, "maybe"),
                     ERR_CONFLICT);
    assert_int_equal(pq_cmd(f->c, NULL, SQL_ADD_PATIENT, "t", NULL), ERR_CONFLICT);
    /* A value the column cannot hold is invalid input; the log names the
     * error but never quotes the value (it may be patient data). */
    capture_start(&cap);
    assert_int_equal(pq_cmd(f->c, NULL, "UPDATE staff SET bookable = $1 WHERE id = $2", "ti",
                            "Anna Schmidt 1980-04-01", p.staff),
                     ERR_INVALID);
    log = capture_end(&cap);
    assert_non_null(strstr(log, "sqlstate=22P02"));
    assert_null(strstr(log, "Anna"));
    free(log);
}

static const char SQL_ADD_ENTRY[] = "INSERT INTO journal_entries (date, posted_at, memo, source) "
                                    "VALUES ('2026-03-02', 0, 'test', 'invoice') RETURNING id";
static const char SQL_ADD_LINE[] =
    "INSERT INTO journal_lines (entry_id, account_code, debit, credit) VALUES ($1, $2, $3, $4)";

static void
test_journal_is_immutable(void **state)
{
    struct fixture *f = *state;
    int64_t entry, before;

    NEED_PG();
    entry = returned_id(f->c, SQL_ADD_ENTRY, NULL);
    assert_int_equal(
        pq_cmd(f->c, NULL, SQL_ADD_LINE, "itii", entry, "1100", INT64_C(5000), INT64_C(0)), ERR_OK);
    assert_int_equal(
        pq_cmd(f->c, NULL, SQL_ADD_LINE, "itii", entry, "4000", INT64_C(0), INT64_C(5000)), ERR_OK);
    /* A line is either a debit or a credit, never both. */
    assert_int_equal(
        pq_cmd(f->c, NULL, SQL_ADD_LINE, "itii", entry, "4000", INT64_C(1), INT64_C(1)),
        ERR_CONFLICT);
    before = count_of(f->c, "SELECT count(*) FROM journal_lines");
    assert_int_equal(pq_cmd(f->c, NULL,
                            "UPDATE journal_lines SET debit = debit + 1 WHERE entry_id = $1", "i",
                            entry),
                     ERR_CONFLICT);
    assert_int_equal(
        pq_cmd(f->c, NULL, "DELETE FROM journal_lines WHERE entry_id = $1", "i", entry),
        ERR_CONFLICT);
    assert_int_equal(
        pq_cmd(f->c, NULL, "UPDATE journal_entries SET memo = 'x' WHERE id = $1", "i", entry),
        ERR_CONFLICT);
    assert_int_equal(pq_cmd(f->c, NULL, "DELETE FROM journal_entries WHERE id = $1", "i", entry),
                     ERR_CONFLICT);
    assert_int_equal(pq_cmd(f->c, NULL, "TRUNCATE journal_lines", NULL), ERR_CONFLICT);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM journal_lines"), before);
    assert_int_equal(count_of(f->c, "SELECT sum(debit) - sum(credit) FROM journal_lines "
                                    "WHERE entry_id = (SELECT max(id) FROM journal_entries)"),
                     0);
}

/* --- Errors -------------------------------------------------------------- */

/* Opens a store on target (pgsql_store_open: the backend itself, even for
 * what store_open would take for a SQLite path) with stderr going to a
 * file, and returns what it logged (caller frees). */
static char *
open_logged(const char *target, int *rc)
{
    struct capture cap;
    struct store *s = NULL;

    capture_start(&cap);
    *rc = pgsql_store_open(target, 1, &s);
    store_close(s);
    return capture_end(&cap);
}

static void
test_bad_urls(void **state)
{
    char url[512], *log, *at;
    int rc;

    (void)state;
    NEED_PG();
    log = open_logged("/var/chairside.db", &rc);
    assert_int_equal(rc, ERR_INVALID);
    free(log);
    log = open_logged("postgresql://chairside:s3cret-pw@[::1/db", &rc);
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(strstr(log, "malformed"));
    assert_null(strstr(log, "s3cret-pw"));
    free(log);
    log = open_logged("postgresql://chairside:s3cret-pw@127.0.0.1:1/db?connect_timeout=2", &rc);
    assert_int_equal(rc, ERR_UNAVAILABLE);
    assert_non_null(strstr(log, "cannot connect"));
    assert_null(strstr(log, "s3cret-pw"));
    /* One line: the message and its cause, not libpq's multi-line text. */
    assert_non_null(strchr(log, '\n'));
    assert_ptr_equal(strchr(log, '\n'), strrchr(log, '\n'));
    free(log);
    /* The real server with a wrong password: refused, password not logged. */
    at = strchr(pg_url + strlen("postgresql://"), '@');
    assert_non_null(at);
    snprintf(url, sizeof(url), "postgresql://chairside:wrong-pw-123%s", at);
    log = open_logged(url, &rc);
    assert_int_equal(rc, ERR_UNAVAILABLE);
    assert_non_null(strstr(log, "cannot connect"));
    assert_null(strstr(log, "wrong-pw-123"));
    free(log);
}

static const char SQL_STAFF_NAME[] = "SELECT name FROM staff WHERE id = $1";
static const char SQL_RENAME_STAFF[] = "UPDATE staff SET name = $1 WHERE id = $2";

/* A write racing one that already changed the row, in a read transaction
 * (repeatable read): the database aborts it, and that is ERR_RETRY. */
static void
test_serialization_failure_is_retry(void **state)
{
    struct fixture *f = *state;
    struct people p;
    PGresult *res = NULL;

    NEED_PG();
    add_people(f->c, &p);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq_exec(f->c, &res, SQL_STAFF_NAME, "i", p.staff), ERR_OK);
    PQclear(res);
    assert_int_equal(pq_cmd(f->c2, NULL, SQL_RENAME_STAFF, "ti", "Dr. A", p.staff), ERR_OK);
    assert_int_equal(pq_cmd(f->c, NULL, SQL_RENAME_STAFF, "ti", "Dr. B", p.staff), ERR_RETRY);
    store_rollback(f->c);
    assert_int_equal(pq_exec(f->c, &res, SQL_STAFF_NAME, "i", p.staff), ERR_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), "Dr. A");
    PQclear(res);
}

/* The server ends the session (a restart, a failover): ERR_UNAVAILABLE,
 * and the pool revives the connection when it is next taken, with a fresh
 * statement cache. */
static void
test_lost_connection(void **state)
{
    struct fixture *f = *state;
    PGresult *res = NULL;
    struct store_conn *old;
    int64_t pid = 0, pid2 = 0;
    int v = 0;

    NEED_PG();
    old = f->c;
    assert_int_equal(pq_int64(f->c, &pid, "SELECT pg_backend_pid()", NULL), ERR_OK);
    assert_true(pq(f->c)->n_prepared > 0);
    assert_int_equal(pq_cmd(f->c2, NULL, "SELECT pg_terminate_backend($1::int, 5000)", "i", pid),
                     ERR_OK);
    assert_int_equal(pq_exec(f->c, &res, "SELECT 1", NULL), ERR_UNAVAILABLE);
    assert_null(res);
    assert_true(pq(f->c)->broken);
    /* Until it is revived, nothing is even tried. */
    assert_int_equal(store_begin(f->c, 1), ERR_UNAVAILABLE);
    assert_int_equal(store_schema_version(f->c, &v), ERR_UNAVAILABLE);

    /* The pool hands out the connection released last. */
    store_release(f->s, f->c);
    f->c = store_acquire(f->s);
    assert_ptr_equal(f->c, old);
    assert_false(pq(f->c)->broken);
    assert_int_equal(pq(f->c)->n_prepared, 0);
    assert_int_equal(store_schema_version(f->c, &v), ERR_OK);
    assert_int_equal(v, pg_migrations[pg_migration_count - 1].version);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM settings"), 1);
    assert_int_equal(pq_int64(f->c, &pid2, "SELECT pg_backend_pid()", NULL), ERR_OK);
    assert_true(pid2 != pid);
    /* The other connection was checked and is fine. */
    store_release(f->s, f->c2);
    f->c2 = store_acquire(f->s);
    assert_int_equal(count_of(f->c2, "SELECT count(*) FROM settings"), 1);
}

/* --- Read transactions --------------------------------------------------- */

static const char SQL_STAFF_COUNT[] = "SELECT count(*) FROM staff";

/* The isolation level of the statement's own transaction. */
static void
assert_isolation(struct store_conn *c, const char *level)
{
    PGresult *res = NULL;

    assert_int_equal(pq_exec(c, &res, "SELECT current_setting('transaction_isolation')", NULL),
                     ERR_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), level);
    PQclear(res);
}

/* BEGIN goes out with the first statement, yet the snapshot is the one a
 * BEGIN sent first would give: taken at that statement, kept to the end;
 * the next read transaction sees what was committed meanwhile. */
static void
test_read_snapshot_holds(void **state)
{
    struct fixture *f = *state;
    unsigned long trips;
    int64_t before;

    NEED_PG();
    before = count_of(f->c, SQL_STAFF_COUNT);
    trips = pq(f->c)->round_trips;
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq(f->c)->round_trips, trips); /* nothing sent yet */
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_IDLE);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before);
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_INTRANS);
    assert_int_equal(PQpipelineStatus(pq(f->c)->pg), PQ_PIPELINE_OFF);
    returned_id(f->c2, SQL_ADD_STAFF, "Dr. Later");
    assert_int_equal(count_of(f->c2, SQL_STAFF_COUNT), before + 1);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before);
    assert_isolation(f->c, "repeatable read");
    store_rollback(f->c);
    assert_true(pq(f->c)->rollback_pending);

    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_false(pq(f->c)->rollback_pending);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before + 1);
    store_rollback(f->c);
    /* Outside a transaction again: the server's default level. */
    assert_isolation(f->c, "read committed");
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_IDLE);
}

/* A read transaction in which nothing ran costs nothing, and leaves the
 * connection ready for a write transaction that commits. */
static void
test_read_without_statements(void **state)
{
    struct fixture *f = *state;
    unsigned long trips;

    NEED_PG();
    trips = pq(f->c)->round_trips;
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    store_rollback(f->c);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(pq(f->c)->round_trips, trips);
    assert_false(pq(f->c)->begin_pending);
    assert_false(pq(f->c)->rollback_pending);

    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_INTRANS);
    assert_isolation(f->c, "read committed");
    returned_id(f->c, SQL_ADD_STAFF, "Dr. Empty");
    assert_int_equal(count_of(f->c2, "SELECT count(*) FROM staff WHERE name = 'Dr. Empty'"), 0);
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(count_of(f->c2, "SELECT count(*) FROM staff WHERE name = 'Dr. Empty'"), 1);
}

/* Ends a read transaction that ran a statement: its ROLLBACK is in flight. */
static void
read_once(struct store_conn *c)
{
    assert_int_equal(store_begin(c, 0), ERR_OK);
    count_of(c, SQL_STAFF_COUNT);
    store_rollback(c);
    assert_true(pq(c)->rollback_pending);
}

/* Whatever comes after a ROLLBACK still in flight reads its answer first:
 * a write transaction, a statement outside any transaction, another read,
 * the pool's health check and closing the store. */
static void
test_after_deferred_rollback(void **state)
{
    struct fixture *f = *state;
    int64_t before;

    NEED_PG();
    before = count_of(f->c2, SQL_STAFF_COUNT);
    read_once(f->c);
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_false(pq(f->c)->rollback_pending);
    returned_id(f->c, SQL_ADD_STAFF, "Dr. Written");
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(count_of(f->c2, SQL_STAFF_COUNT), before + 1);

    read_once(f->c);
    returned_id(f->c, SQL_ADD_STAFF, "Dr. Autocommit");
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_IDLE);
    assert_int_equal(count_of(f->c2, SQL_STAFF_COUNT), before + 2);

    read_once(f->c);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before + 2);
    store_rollback(f->c);

    /* Another connection was lost: the pool checks this one on its way
     * out, after reading the ROLLBACK's answer. */
    read_once(f->c);
    atomic_fetch_add(pq(f->c)->lost, 1);
    store_release(f->s, f->c);
    f->c = store_acquire(f->s);
    assert_false(pq(f->c)->broken);
    assert_false(pq(f->c)->rollback_pending);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before + 2);

    read_once(f->c); /* fx_teardown closes the store with it in flight */
}

/* A first statement that fails fails alone: when the server refuses it
 * inside the pipeline (the transaction is then aborted and rolled back),
 * and when it is refused as it is prepared, before BEGIN went out. */
static void
test_read_first_statement_fails(void **state)
{
    struct fixture *f = *state;
    int64_t before, v = 0;
    struct capture cap;
    char *log;

    NEED_PG();
    before = count_of(f->c, SQL_STAFF_COUNT);
    capture_start(&cap);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq_int64(f->c, &v, "SELECT 1 / $1::int", "d", 0), ERR_INVALID);
    assert_false(pq(f->c)->broken);
    assert_int_equal(PQpipelineStatus(pq(f->c)->pg), PQ_PIPELINE_OFF);
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_INERROR);
    store_rollback(f->c);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before);
    store_rollback(f->c);

    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq_int64(f->c, &v, "SELEC 1", NULL), ERR_STORE);
    assert_true(pq(f->c)->begin_pending);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before);
    assert_isolation(f->c, "repeatable read");
    store_rollback(f->c);
    log = capture_end(&cap);
    assert_non_null(strstr(log, "sqlstate=22012"));
    assert_non_null(strstr(log, "sqlstate=42601"));
    free(log);
    assert_int_equal(count_of(f->c, SQL_STAFF_COUNT), before);
    assert_int_equal(PQtransactionStatus(pq(f->c)->pg), PQTRANS_IDLE);
}

/* The server goes away before a read transaction's first statement: the
 * statement is ERR_UNAVAILABLE and the pool revives the connection. */
static void
test_read_lost_before_first_statement(void **state)
{
    struct fixture *f = *state;
    int64_t pid = 0, v = 0;

    NEED_PG();
    assert_int_equal(pq_int64(f->c, &pid, "SELECT pg_backend_pid()", NULL), ERR_OK);
    assert_int_equal(pq_cmd(f->c2, NULL, "SELECT pg_terminate_backend($1::int, 5000)", "i", pid),
                     ERR_OK);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq_int64(f->c, &v, SQL_STAFF_COUNT, NULL), ERR_UNAVAILABLE);
    assert_true(pq(f->c)->broken);
    store_rollback(f->c);
    assert_false(pq(f->c)->rollback_pending);
    store_release(f->s, f->c);
    f->c = store_acquire(f->s);
    assert_false(pq(f->c)->broken);
    assert_int_equal(PQpipelineStatus(pq(f->c)->pg), PQ_PIPELINE_OFF);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(pq_int64(f->c, &pid, "SELECT pg_backend_pid()", NULL), ERR_OK);
    assert_isolation(f->c, "repeatable read");
    store_rollback(f->c);
}

/* What a kept availability answer runs: a read transaction of three
 * statements (here: sessions, users, then the version with the holder's
 * holds, which store_avail_version reads in one). Three round trips where
 * BEGIN and ROLLBACK of their own and the holds apart made it seven; a
 * write transaction still waits for its BEGIN and COMMIT. */
static void
test_read_round_trips(void **state)
{
    struct fixture *f = *state;
    unsigned long trips;
    uint64_t version = 0;
    int i, holds = -1;

    NEED_PG();
    for (i = 0; i < 2; i++) { /* the first pass prepares the statements */
        trips = pq(f->c)->round_trips;
        assert_int_equal(store_begin(f->c, 0), ERR_OK);
        count_of(f->c, "SELECT count(*) FROM sessions");
        count_of(f->c, "SELECT count(*) FROM users");
        assert_int_equal(store_avail_version(f->c, "holder", 0, &version, &holds), ERR_OK);
        assert_int_equal(holds, 0);
        assert_true(version > 0);
        store_rollback(f->c);
    }
    assert_int_equal(pq(f->c)->round_trips - trips, 3);

    returned_id(f->c, SQL_ADD_STAFF, "Dr. Prepared");
    trips = pq(f->c)->round_trips;
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    returned_id(f->c, SQL_ADD_STAFF, "Dr. Counted");
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(pq(f->c)->round_trips - trips, 3);
}

/* --- Parameters and results ---------------------------------------------- */

static const char SQL_ADD_SESSION[] =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
    "as_patient_id) VALUES ($1, $2, $3, $4, $4, $4, $5)";
static const char SQL_SESSION_BY_HASH[] =
    "SELECT user_id, csrf_token, as_patient_id, octet_length(token_hash) AS n FROM sessions "
    "WHERE token_hash = $1";

static void
test_parameters(void **state)
{
    struct fixture *f = *state;
    const unsigned char hash[] = {0x00, 0xff, 0x27, 0x5c, 0x00, 0x22, 0x01};
    PGresult *res = NULL;
    int64_t user, changed = -1;
    size_t cached;
    struct arena a;
    char small[5], tiny[3], sql[64], sql2[64];

    NEED_PG();
    assert_int_equal(pq_cmd(f->c, &changed, SQL_ADD_USER, "t", "params@example.test"), ERR_OK);
    assert_int_equal(changed, 1);
    user = count_of(f->c, "SELECT id FROM users WHERE email = 'params@example.test'");
    /* Binary bytes with NULs and quotes survive; a NULL text binds NULL. */
    assert_int_equal(pq_cmd(f->c, NULL, SQL_ADD_SESSION, "bidit", hash, sizeof(hash), user, 4000,
                            T0, (const char *)NULL),
                     ERR_OK);
    cached = pq(f->c)->n_prepared;
    assert_int_equal(pq_exec(f->c, &res, SQL_SESSION_BY_HASH, "b", hash, sizeof(hash)), ERR_OK);
    assert_int_equal(PQntuples(res), 1);
    assert_int_equal(pq_get_int64(res, 0, 0), user);
    assert_int_equal(pq_get_int64(res, 0, 1), 4000); /* 'd' sent an int, the column is text */
    assert_true(PQgetisnull(res, 0, 2));
    assert_int_equal(pq_get_int64(res, 0, 2), 0);
    assert_int_equal(pq_get_int64(res, 0, 3), sizeof(hash));
    pq_get_text(res, 0, 1, small, sizeof(small));
    assert_string_equal(small, "4000");
    pq_get_text(res, 0, 1, tiny, sizeof(tiny));
    assert_string_equal(tiny, "40");
    pq_get_text(res, 0, 2, small, sizeof(small));
    assert_string_equal(small, "");
    arena_init(&a);
    assert_string_equal(pq_get_arena_text(res, 0, 1, &a), "4000");
    assert_string_equal(pq_get_arena_text(res, 0, 2, &a), "");
    arena_cleanup(&a);
    PQclear(res);
    /* Run again: the statement comes from the cache, not prepared anew. */
    assert_int_equal(pq_exec(f->c, &res, SQL_SESSION_BY_HASH, "b", hash, sizeof(hash) - 1), ERR_OK);
    assert_int_equal(PQntuples(res), 0);
    PQclear(res);
    assert_int_equal(pq(f->c)->n_prepared, cached + 1);
    /* A value with quotes is data, never SQL. */
    assert_int_equal(
        pq_cmd(f->c, &changed, SQL_RENAME_STAFF, "ti", "x'); DROP TABLE staff; --", INT64_C(-1)),
        ERR_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM pg_tables WHERE tablename = 'staff'"), 1);
    /* Text built at run time (from names) is prepared once per distinct
     * text, whichever buffer holds it. */
    cached = pq(f->c)->n_prepared;
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = $1 WHERE id = $2 + 0", "staff", "name");
    snprintf(sql2, sizeof(sql2), "UPDATE %s SET %s = $1 WHERE id = $2 + 0", "staff", "name");
    assert_int_equal(pq_cmd(f->c, NULL, sql, "ti", "Dr. C", INT64_C(0)), ERR_OK);
    assert_int_equal(pq_cmd(f->c, &changed, sql2, "ti", "Dr. C", INT64_C(0)), ERR_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(pq(f->c)->n_prepared, cached + 1);
    /* Booleans read as SQLite's 0/1. */
    assert_int_equal(count_of(f->c, "SELECT EXISTS (SELECT 1 FROM staff)"), 1);
    assert_int_equal(count_of(f->c, "SELECT 1 > 2"), 0);
}

/* More distinct texts than a connection prepares: the rest still run, sent
 * with their parameters each time, and the server holds no more than the
 * cache knows of. */
static void
test_statement_cache_limit(void **state)
{
    struct fixture *f = *state;
    int64_t v = 0;
    char sql[48];
    int i;

    NEED_PG();
    for (i = 0; i < PQ_PREPARED_MAX + 10; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d + $1", i);
        assert_int_equal(pq_int64(f->c, &v, sql, "d", 1), ERR_OK);
        assert_int_equal(v, i + 1);
    }
    assert_int_equal(pq(f->c)->n_prepared, PQ_PREPARED_MAX);
    assert_int_equal(count_of(f->c, "SELECT count(*) FROM pg_prepared_statements"),
                     PQ_PREPARED_MAX);
    /* Cached and uncached texts alike keep answering. */
    assert_int_equal(pq_int64(f->c, &v, "SELECT 0 + $1", "d", 5), ERR_OK);
    assert_int_equal(v, 5);
    snprintf(sql, sizeof(sql), "SELECT %d + $1", PQ_PREPARED_MAX + 5);
    assert_int_equal(pq_int64(f->c, &v, sql, "d", 5), ERR_OK);
    assert_int_equal(v, PQ_PREPARED_MAX + 10);
}

static void
test_row_json_types(void **state)
{
    struct fixture *f = *state;
    json_t *row = NULL, *items = NULL;
    struct people p;

    NEED_PG();
    assert_int_equal(pq_one_json(f->c, &row,
                                 "SELECT 1::int2 AS a, 2::int4 AS b, 9007199254740993::int8 AS c, "
                                 "1.5::float8 AS d, 2.25::numeric AS e, sum(x) AS f, "
                                 "'Grüße'::text AS g, NULL::bigint AS h, true AS i, "
                                 "'\\x00ff'::bytea AS j, 'Ann'::citext AS k, 0.5::float4 AS l, "
                                 "false AS m, 'NaN'::float8 AS n, 'NaN'::numeric AS o "
                                 "FROM (VALUES (INT8 '40'), (INT8 '2')) v(x)",
                                 NULL),
                     ERR_OK);
    assert_true(json_is_integer(json_object_get(row, "a")));
    assert_int_equal(json_integer_value(json_object_get(row, "a")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "b")), 2);
    assert_true(json_integer_value(json_object_get(row, "c")) == INT64_C(9007199254740993));
    assert_true(json_is_real(json_object_get(row, "d")));
    assert_true(json_real_value(json_object_get(row, "d")) == 1.5);
    assert_true(json_is_real(json_object_get(row, "e")));
    assert_true(json_real_value(json_object_get(row, "e")) == 2.25);
    /* sum(bigint) is numeric; whole, it renders as SQLite's integer sum. */
    assert_true(json_is_integer(json_object_get(row, "f")));
    assert_int_equal(json_integer_value(json_object_get(row, "f")), 42);
    assert_string_equal(json_string_value(json_object_get(row, "g")), "Grüße");
    assert_true(json_is_null(json_object_get(row, "h")));
    /* Booleans are SQLite's 0/1, blobs null, as the SQLite backend renders them. */
    assert_true(json_is_integer(json_object_get(row, "i")));
    assert_int_equal(json_integer_value(json_object_get(row, "i")), 1);
    assert_true(json_is_null(json_object_get(row, "j")));
    assert_string_equal(json_string_value(json_object_get(row, "k")), "Ann");
    assert_true(json_real_value(json_object_get(row, "l")) == 0.5);
    assert_true(json_is_integer(json_object_get(row, "m")));
    assert_int_equal(json_integer_value(json_object_get(row, "m")), 0);
    /* JSON has no NaN. */
    assert_true(json_is_null(json_object_get(row, "n")));
    assert_true(json_is_null(json_object_get(row, "o")));
    json_decref(row);

    /* Table rows: flags stay integers, as on SQLite. */
    add_people(f->c, &p);
    assert_int_equal(pq_one_json(f->c, &row, "SELECT * FROM settings", NULL), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "booking_time_divider_min")), 15);
    assert_true(json_is_integer(json_object_get(row, "book_one_service_only")));
    assert_int_equal(json_integer_value(json_object_get(row, "allow_self_signup")), 1);
    assert_string_equal(json_string_value(json_object_get(row, "client_payment")), "disabled");
    assert_string_equal(json_string_value(json_object_get(row, "payment_provider")), "manual");
    json_decref(row);
    assert_int_equal(
        pq_one_json(f->c, &row, "SELECT * FROM patients_view WHERE id = $1", "i", p.patient),
        ERR_OK);
    assert_true(json_is_integer(json_object_get(row, "has_account")));
    assert_int_equal(json_integer_value(json_object_get(row, "has_account")), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "can_book_online")), 1);
    assert_true(json_is_null(json_object_get(row, "date_of_birth")));
    assert_true(json_integer_value(json_object_get(row, "created_at")) > T0);
    json_decref(row);

    assert_int_equal(pq_list_json(f->c, &items,
                                  "SELECT code, name FROM ledger_accounts WHERE type = $1 "
                                  "ORDER BY code",
                                  "t", "revenue"),
                     ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "code")),
                        "4000");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "name")),
                        "Product Sales");
    json_decref(items);
    /* A failed list still hands back its (empty) array. */
    assert_int_equal(pq_list_json(f->c, &items, "SELECT * FROM no_such_table", NULL), ERR_STORE);
    assert_non_null(items);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_migrate_fresh_concurrently),
        T(test_migrate_again_is_a_no_op),
        T(test_exclusion_refuses_overlapping_live_bookings),
        T(test_constraints_map_to_conflict),
        T(test_journal_is_immutable),
        T(test_bad_urls),
        T(test_serialization_failure_is_retry),
        T(test_lost_connection),
        T(test_read_snapshot_holds),
        T(test_read_without_statements),
        T(test_after_deferred_rollback),
        T(test_read_first_statement_fails),
        T(test_read_lost_before_first_statement),
        T(test_read_round_trips),
        T(test_parameters),
        T(test_statement_cache_limit),
        T(test_row_json_types),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}

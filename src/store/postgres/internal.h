/* Shared by the PostgreSQL backend's files; nothing outside store/
 * includes it.
 *
 * Transactions: a write transaction is READ COMMITTED, so every statement
 * sees what others committed before it started; what the SQLite backend
 * gets from its single writer is taken explicitly here: store_lock_staff
 * (advisory locks) before a booking check, pq_lock for other
 * read-then-write sequences, SELECT ... FOR UPDATE on rows that are read
 * and then rewritten, FOR UPDATE SKIP LOCKED for outbox claims. A read
 * transaction is REPEATABLE READ: one snapshot for all its queries.
 *
 * A read transaction costs no round trip of its own (sql.c keeps the
 * state): its BEGIN waits to go out in one pipeline with its first
 * statement, and its ROLLBACK is sent without waiting, its answer read
 * before the connection's next command (pq_settle). */
#ifndef CHAIRSIDE_STORE_POSTGRES_INTERNAL_H
#define CHAIRSIDE_STORE_POSTGRES_INTERNAL_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdint.h>

#include "store/store_ops.h"

/* The backend's implementation of every op in store/ops.def. */
#define STORE_OP(ret, name, params, args) ret pgsql_##name params;
#define STORE_VOID_OP(name, params, args) void pgsql_##name params;
#include "store/ops.def"
#undef STORE_OP
#undef STORE_VOID_OP

#define PQ_PREPARED_MAX 256
#define PQ_MAX_PARAMS 32

/* The PostgreSQL backend's connection; base first, so a struct store_conn *
 * from the contract is one of these (pq()). */
struct pgsql_conn {
    struct store_conn base;
    PGconn *pg;
    int in_tx;                 /* between BEGIN and COMMIT/ROLLBACK */
    int writing;               /* ... of a write (READ COMMITTED) transaction */
    int broken;                /* the server went away: reconnect before the next use */
    int begin_pending;         /* a read transaction whose BEGIN is not sent yet */
    int rollback_pending;      /* a ROLLBACK sent, its answer not read yet */
    unsigned long round_trips; /* waited for, so that tests can count them */
    /* Losing one connection usually means losing them all (a restart, a
     * failover): the finder bumps *lost, and every other connection is
     * checked before its next use (seen_lost != *lost). */
    atomic_uint *lost;
    unsigned seen_lost;
    size_t n_prepared;
    char *prepared[PQ_PREPARED_MAX]; /* statement i is named "s<i>" */
};

static inline struct pgsql_conn *
pq(struct store_conn *c)
{
    return (struct pgsql_conn *)(void *)c;
}

int pgsql_store_open(const char *url, int n_conns, struct store **out);

/* Advisory lock namespaces (the first key of pg_advisory_xact_lock). */
enum pq_lock_kind {
    PQ_LOCK_MIGRATE = 1,
    PQ_LOCK_STAFF = 2,    /* a staff member's bookings, shifts and links */
    PQ_LOCK_INVOICE = 3,  /* a year's invoice numbers */
    PQ_LOCK_RESOURCE = 4, /* the units of a resource taken by bookings */
};

/* Runs sql with parameters bound from fmt, one character each:
 *   'i' int64_t, 'd' int, 't' const char * (NULL binds SQL NULL),
 *   'b' bytes: const unsigned char *, size_t.
 * Static SQL is prepared once per connection and reused. On ERR_OK *res
 * (when res is not NULL) is the result, owned by the caller (PQclear);
 * otherwise nothing is left to free. The error is mapped from the SQLSTATE:
 * class 23 -> ERR_CONFLICT, class 22 -> ERR_INVALID, serialization failure,
 * deadlock, lock not available -> ERR_RETRY, a lost connection ->
 * ERR_UNAVAILABLE, the rest ERR_STORE; conflicts and retries are not
 * logged, other errors are, without the message of classes 22 and 23
 * (it quotes values). */
int pq_exec(struct store_conn *c, PGresult **res, const char *sql, const char *fmt, ...);
/* pq_exec with n values already as text (lengths and formats NULL) or
 * binary: for statements whose parameters are known only at run time,
 * such as a whole row of a generic table, however many columns it has. */
int pq_exec_values(struct store_conn *c, PGresult **res, const char *sql, int n,
                   const char *const *values, const int *lengths, const int *formats);
int pq_vexec(struct store_conn *c, PGresult **res, const char *sql, const char *fmt, va_list ap);
/* A statement without result rows; *changed (may be NULL) = rows affected. */
int pq_cmd(struct store_conn *c, int64_t *changed, const char *sql, const char *fmt, ...);
/* The first column of the first row as an integer (INSERT ... RETURNING
 * id, SELECT count(*) ...); ERR_NOT_FOUND when there is no row. */
int pq_int64(struct store_conn *c, int64_t *out, const char *sql, const char *fmt, ...);
/* The one row selected, as pq_row_json; ERR_NOT_FOUND when none. */
int pq_one_json(struct store_conn *c, json_t **out, const char *sql, const char *fmt, ...);
/* Every row selected, appended to *items, a new array owned by the caller
 * whatever happens. */
int pq_list_json(struct store_conn *c, json_t **items, const char *sql, const char *fmt, ...);
/* Read transactions (see the top of this file). pq_begin_read sends
 * nothing; pq_end_read sends nothing if no statement ran, else a ROLLBACK
 * it does not wait for. pq_settle reads that ROLLBACK's answer (a failure
 * marks c lost) and must come before any other command on c: libpq has
 * one command in flight outside pipeline mode. ERR_UNAVAILABLE when c is
 * broken. pq_simple is PQexec after pq_settle. */
void pq_begin_read(struct pgsql_conn *c);
void pq_end_read(struct pgsql_conn *c);
int pq_settle(struct pgsql_conn *c);
PGresult *pq_simple(struct pgsql_conn *c, const char *sql);
/* Marks c as cut off from the server, and the pool as suspect. */
void pq_lost(struct pgsql_conn *c);
/* Takes the transaction-scoped advisory lock (kind, key). */
int pq_lock(struct store_conn *c, enum pq_lock_kind kind, int64_t key);

/* Copies libpq text into out[size] as one log line: the first line only,
 * double quotes made single (log values are in double quotes). */
void pq_log_text(const char *in, char *out, size_t size);

/* Result cells. Integers parse the text form, a boolean reads as 0/1 (as
 * SQLite's comparisons); NULL reads as 0 or "". */
int64_t pq_get_int64(const PGresult *r, int row, int col);
void pq_get_text(const PGresult *r, int row, int col, char *out, size_t size);
const char *pq_get_arena_text(const PGresult *r, int row, int col, struct arena *a);
/* Row as an object keyed by column name, rendered as the SQLite backend
 * renders it: integers (int2/4/8, and whole numerics such as sum() of
 * bigint) as JSON integers, booleans as 0/1, other numbers as reals (NaN
 * and infinity as null), bytea as null (SQLite's blobs), NULL as null,
 * the rest strings. Parameters are sent untyped, so the server infers
 * each from its context (a citext column compares without case, as on
 * SQLite). */
json_t *pq_row_json(const PGresult *r, int row);
int pq_rows_json(const PGresult *r, json_t *items);

/* The local part of a login's e-mail (u.email), capitalised, for
 * STORE_ACTOR_WORDS. */
#define PQ_LOGIN_NAME                                                                              \
    "upper(substr(CAST(u.email AS text), 1, 1)) || "                                               \
    "substr(CAST(u.email AS text), 2, strpos(CAST(u.email AS text), '@') - 2)"

#endif

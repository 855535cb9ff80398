/* libpq helpers for the PostgreSQL backend's files: connecting, bound
 * parameters through statements prepared once per connection, results as
 * C values or Jansson JSON, SQLSTATE -> enum err, and the embedded
 * migrations. Only src/store includes this header (and libpq-fe.h).
 *
 * Ownership: struct pg_sql is caller storage (pg_sql_init/pg_sql_cleanup).
 * A PGresult handed out through a `PGresult **` belongs to the caller, who
 * frees it with PQclear (NULL is fine); it is NULL whenever the call did
 * not return ERR_OK. Text returned by the cell helpers points into the
 * PGresult and lives as long as it does, unless copied (pg_sql_copy_text,
 * pg_sql_arena_text). No function here logs a parameter value, a password
 * or the database URL's password. */
#ifndef CHAIRSIDE_STORE_POSTGRES_PG_SQL_H
#define CHAIRSIDE_STORE_POSTGRES_PG_SQL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define PG_SQL_CACHE_SIZE 192
#define PG_SQL_MAX_PARAMS 64

/* One statement prepared on this connection, under the name "cs<id>". */
struct pg_sql_prepared {
    const char *sql; /* PG_SQL_STATIC: the caller's text, keyed by address */
    char *owned;     /* PG_SQL_TEXT: our copy of the text, keyed by content */
    unsigned id;
};

struct pg_sql {
    PGconn *conn;
    unsigned next_id;
    size_t n_prepared;
    struct pg_sql_prepared prepared[PG_SQL_CACHE_SIZE];
};

/* Connects c to url (postgresql://user:pass@host:port/db or postgres://,
 * query parameters as libpq takes them). Sets application_name (unless
 * the URL does), client_min_messages=warning and the UTC time zone.
 * ERR_INVALID for a URL that is not one, ERR_UNAVAILABLE when the server
 * cannot be reached or refuses us; either way one log line without the
 * password, and c is left clean (pg_sql_cleanup is still allowed). */
int pg_sql_init(struct pg_sql *c, const char *url);
/* Closes the connection and forgets its statements; accepts NULL and a
 * zeroed or already cleaned-up c. */
void pg_sql_cleanup(struct pg_sql *c);
/* Reconnects when the connection was lost (the session settings are set
 * again, the statement cache starts empty). Call it where no transaction
 * can be open, such as when a connection is taken from the pool: a lost
 * connection took its transaction with it. ERR_UNAVAILABLE when the
 * server still cannot be reached. */
int pg_sql_ensure(struct pg_sql *c);

/* How a statement is prepared. */
enum pg_sql_cache {
    PG_SQL_STATIC, /* static text: prepared on first use, cached under its address */
    PG_SQL_TEXT,   /* text built at run time (from names, never values): prepared
                    * once per distinct text, cached under a copy of it */
    PG_SQL_ONCE,   /* not prepared: sent with its parameters, nothing kept */
};

/* One parameter; `type` is one of the letters below and says which other
 * member holds the value. For lists built at run time (generic rows). */
struct pg_sql_param {
    char type;
    int64_t i;        /* 'i', 'I', 'd' */
    const char *text; /* 't' */
    const void *blob; /* 'b', with len */
    size_t len;
};

/* Runs sql with parameters $1..$n bound from the variadic arguments as
 * `types` describes them, one letter per parameter:
 *   'i' int64_t                  int8
 *   'I' int64_t, NULL when <= 0  int8 (optional ids, as SQLite's
 *                                bind_optional_id)
 *   'd' int                      int8
 *   't' const char *, NULL -> SQL NULL; sent untyped, so the server infers
 *       the type from the context: a citext column compares without case
 *       as on SQLite (a parameter typed text would compare with case)
 *   'b' const void *, size_t     bytea, sent as binary
 * pg_sql_query and pg_sql_exec take static text (PG_SQL_STATIC: it must
 * outlive the connection, as a static const char[] does); the same text
 * must always come with the same `types`. A letter not in this list, or
 * more than PG_SQL_MAX_PARAMS, is a programming error (asserted;
 * ERR_STORE in release builds).
 *
 * pg_sql_query hands the result to *res (caller PQclears; res may be NULL
 * to drop it); pg_sql_exec drops it and stores the number of rows the
 * command touched in *changes (may be NULL). Errors as pg_sql_err. */
int pg_sql_query(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...);
int pg_sql_exec(struct pg_sql *c, int64_t *changes, const char *sql, const char *types, ...);
int pg_sql_vquery(struct pg_sql *c, PGresult **res, const char *sql, const char *types, va_list ap);
/* As pg_sql_query for SQL assembled at run time from table and column
 * names (PG_SQL_TEXT): sql may be a temporary buffer. */
int pg_sql_query_dynamic(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...);
/* As pg_sql_query, never prepared (PG_SQL_ONCE): for statements run once
 * or whose plan must not outlive a schema change. */
int pg_sql_query_once(struct pg_sql *c, PGresult **res, const char *sql, const char *types, ...);
/* The general form: params[0..n) instead of variadic arguments. */
int pg_sql_run(struct pg_sql *c, PGresult **res, enum pg_sql_cache cache, const char *sql,
               const struct pg_sql_param *params, int n);
/* Runs SQL text without parameters and without preparing it (BEGIN,
 * COMMIT, several statements at once as migrations are). */
int pg_sql_simple(struct pg_sql *c, const char *sql);

/* The one row sql selects as pg_sql_row_json, in *out (caller decrefs);
 * ERR_NOT_FOUND when there is none, the first when there are several. */
int pg_sql_one_json(struct pg_sql *c, json_t **out, const char *sql, const char *types, ...);
/* Every row sql selects, as a new array in *items that the caller owns
 * (and decrefs) whatever the result; NULL only when it could not be made. */
int pg_sql_list_json(struct pg_sql *c, json_t **items, const char *sql, const char *types, ...);

/* Maps a failed (or NULL) result to enum err, logging the unexpected once
 * without parameter values: class 23 (unique, exclusion, foreign key,
 * check, not null, the journal's triggers) -> ERR_CONFLICT, as SQLite's
 * SQLITE_CONSTRAINT; 40001 serialization, 40P01 deadlock, 55P03 lock not
 * available -> ERR_RETRY; a lost connection, class 08, 57P01-57P03, 53300
 * -> ERR_UNAVAILABLE; class 22 (a value the column cannot take) ->
 * ERR_INVALID; anything else -> ERR_STORE. ERR_OK for a successful
 * result. */
int pg_sql_err(struct pg_sql *c, const PGresult *res);

/* Rows the command touched (UPDATE, DELETE, INSERT), 0 when it says none. */
int64_t pg_sql_changes(const PGresult *res);
/* Cell (row, col) as int64; a boolean reads as 0/1 (as SQLite's EXISTS),
 * NULL and non-numbers as 0. */
int64_t pg_sql_int(const PGresult *res, int row, int col);
/* Whether cell (row, col) is SQL NULL. */
int pg_sql_is_null(const PGresult *res, int row, int col);
/* Copies cell text into out[size], truncated and always terminated; NULL
 * becomes "". */
void pg_sql_copy_text(const PGresult *res, int row, int col, char *out, size_t size);
/* A copy of the cell's text in a ("" for NULL); NULL when out of memory. */
const char *pg_sql_arena_text(const PGresult *res, int row, int col, struct arena *a);

/* Cell (row, col) as JSON by the column's type, so that rows render as on
 * SQLite: int2/int4/int8 and bool (0/1, as SQLite's comparisons) ->
 * integer; numeric -> integer when it is whole and fits (sum() of bigint
 * is numeric; SQLite's is an integer), else real; float4/float8 -> real;
 * bytea -> null (SQLite renders blobs as null); NULL -> null; anything
 * else -> string. New reference, NULL when out of memory. */
json_t *pg_sql_cell_json(const PGresult *res, int row, int col);
/* Row `row` as an object keyed by column name. New reference or NULL. */
json_t *pg_sql_row_json(const PGresult *res, int row);
/* Appends every row of res to items. */
int pg_sql_rows_json(const PGresult *res, json_t *items);

/* Applies the embedded pg_migrations newer than the database in one
 * transaction that first takes pg_advisory_xact_lock(PG_SQL_MIGRATE_LOCK,
 * 0), so processes starting together migrate once, one after the other.
 * Versions are recorded in table schema_version (version, name,
 * applied_at timestamptz). Table and lock are those of the backend's
 * migrate in conn.c (PQ_LOCK_MIGRATE), so the two never race or disagree.
 * Forgets the prepared statements, whose plans may no longer fit. */
#define PG_SQL_MIGRATE_LOCK 1
int pg_sql_migrate(struct pg_sql *c);
/* The newest applied migration's version, 0 for an empty database. */
int pg_sql_schema_version(struct pg_sql *c, int *version);

#endif

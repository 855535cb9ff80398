/* Shared by the SQLite backend's files; nothing outside store/ includes it. */
#ifndef CHAIRSIDE_STORE_SQLITE_INTERNAL_H
#define CHAIRSIDE_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>

#include "store/store_ops.h"

#define SQL_CACHE_SIZE 192

/* The backend's implementation of every op in store/ops.def. */
#define STORE_OP(ret, name, params, args) ret sqlite_##name params;
#define STORE_VOID_OP(name, params, args) void sqlite_##name params;
#include "store/ops.def"
#undef STORE_OP
#undef STORE_VOID_OP

struct sql_cached {
    char *sql;
    sqlite3_stmt *stmt;
};

struct busy_cache;

/* The SQLite backend's connection; base first, so a struct store_conn *
 * from the contract is one of these (lite()). */
struct sqlite_writer;

struct sqlite_conn {
    struct store_conn base;
    sqlite3 *db;
    struct busy_cache *cache;     /* shared by every connection of the store */
    struct sqlite_writer *writer; /* the same: where store_write queues */
    int in_read;                  /* inside sqlite_begin(c, 0) */
    /* What this transaction changed, for the cache (see sqlite_cache.h). */
    int changed_all;      /* scheduling data other than bookings */
    int changed_bookings; /* booking rows, by staff_changed when known */
    int changed_holds;    /* holds: no busy entry, but cached answers */
    size_t n_staff_changed;
    int64_t staff_changed[16];
    uint64_t read_gen; /* cache generation when that began */
    /* PRAGMA data_version when store_avail_version last read it, and
     * busy_cache_commits just before. */
    int64_t data_version;
    uint64_t commits_seen;
    int data_version_seen;
    size_t n_stmts;
    struct sql_cached stmts[SQL_CACHE_SIZE];
};

static inline struct sqlite_conn *
lite(struct store_conn *c)
{
    return (struct sqlite_conn *)(void *)c;
}

int sqlite_store_open(const char *path, int n_conns, struct store **out);

/* The group-commit writer (writer.c): a thread that runs every queued
 * store_write on conn, and one that checkpoints on checkpoint_conn when
 * asked (sqlite_writer_checkpoint_soon); both connections are theirs until
 * sqlite_writer_stop. */
struct sqlite_writer_stats {
    uint64_t groups;  /* transactions committed (or tried) */
    uint64_t jobs;    /* store_write calls answered */
    uint64_t largest; /* most calls in one transaction */
};
int sqlite_writer_start(struct store_conn *conn, struct store_conn *checkpoint_conn,
                        struct sqlite_writer **out);
void sqlite_writer_checkpoint_soon(struct sqlite_writer *w);
/* Answers what is queued, then ends the thread; NULL is ignored. */
void sqlite_writer_stop(struct sqlite_writer *w);
void sqlite_writer_stats(struct sqlite_writer *w, struct sqlite_writer_stats *out);

/* A prepared, reset statement for sql, cached per connection; owned by the
 * connection. NULL on error (logged). */
sqlite3_stmt *sql_prepare(struct store_conn *c, const char *sql);
/* The cached statement stored under key (its SQL, or a name for SQL that
 * is assembled at run time), reset; NULL when there is none yet. */
sqlite3_stmt *sql_lookup(struct store_conn *c, const char *key);
/* Prepares sql and caches it under key. */
sqlite3_stmt *sql_prepare_keyed(struct store_conn *c, const char *key, const char *sql);
/* Maps an SQLite result code to enum err, logging unexpected ones. */
int sql_err(struct store_conn *c, int rc);
/* Records that this transaction changed staff_id's bookings. */
void sql_staff_changed(struct store_conn *c, int64_t staff_id);
/* Whether every change to table counts as a change to everything (not a
 * booking, hold or unscheduled table): its rows may be cached by id. */
int sql_table_changes_everything(const char *table);
/* The generation a row read now on c may be kept at, or 0 when it may
 * not be: a write that changed such tables may have changed that row. */
uint64_t sql_row_cache_gen(struct store_conn *c);
/* Binds parameters from fmt to st, the first at index 1 (sql_bind_at:
 * at index first), one character each, as pq_exec takes them:
 *   'i' int64_t, 'd' int, 'o' int64_t bound as NULL when <= 0 (an
 *   optional id), 'n' NULL (no argument), 't' const char * (NULL binds
 *   NULL; must outlive the step), 'T' the same, copied, 'L' text of a
 *   given length, copied: const char *, size_t, 'b' bytes: const void *,
 *   size_t (must outlive the step).
 * Every result is checked: on a failure (a wrong index, too big a value,
 * no memory) st is cleared and the error returned (logged). */
int sql_bind(struct store_conn *c, sqlite3_stmt *st, const char *fmt, ...);
int sql_bind_at(struct store_conn *c, sqlite3_stmt *st, int first, const char *fmt, ...);
int sql_vbind_at(struct store_conn *c, sqlite3_stmt *st, int first, const char *fmt, va_list ap);
/* Runs a statement with no result rows. */
int sql_exec_step(struct store_conn *c, sqlite3_stmt *st);
/* Column i of the current row as a JSON value (NULL -> json null). */
json_t *sql_column_json(sqlite3_stmt *st, int i);
/* The current row as an object keyed by column name. */
json_t *sql_row_json(sqlite3_stmt *st);
/* Steps to the one row st selects, as sql_row_json; ERR_NOT_FOUND when
 * there is none. Resets st. */
int sql_one_json(struct store_conn *c, sqlite3_stmt *st, json_t **out);
/* Steps to the one row st selects and parses its first column, a JSON
 * array of ids built by the statement ([] when NULL or no row). Resets st. */
int sql_one_json_array(struct store_conn *c, sqlite3_stmt *st, json_t **out);
/* sql_prepare for a list: *items becomes a new empty array, owned by the
 * caller whatever happens. NULL when either fails. */
sqlite3_stmt *sql_prepare_list(struct store_conn *c, const char *sql, json_t **items);
/* Steps through every row, appending sql_row_json of each to items. */
int sql_rows_json(struct store_conn *c, sqlite3_stmt *st, json_t *items);
void sql_copy_text(sqlite3_stmt *st, int i, char *out, size_t size);
const char *sql_arena_text(sqlite3_stmt *st, int i, struct arena *a);

/* The local part of a login's e-mail (u.email), capitalised, for
 * STORE_ACTOR_WORDS. */
#define SQL_LOGIN_NAME "upper(substr(u.email, 1, 1)) || substr(u.email, 2, instr(u.email, '@') - 2)"

#endif

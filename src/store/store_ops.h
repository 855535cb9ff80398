/* What a backend provides: the store contract as a table of functions
 * (the SQLite VFS shape). Only store.c and the backends include this;
 * everything above store/ sees the opaque types and store_*() in store.h. */
#ifndef CHAIRSIDE_STORE_STORE_OPS_H
#define CHAIRSIDE_STORE_STORE_OPS_H

#include <pthread.h>

#include "store/store.h"
#include "util/buf.h"

struct store_ops {
    const char *kind; /* "sqlite" or "postgresql", as store_kind says */
    void (*close)(struct store *s);
    /* Optional: readies a connection just taken from the pool (a backend
     * reconnects one it lost here). */
    void (*on_acquire)(struct store_conn *c);
#define STORE_OP(ret, name, params, args) ret(*name) params;
#define STORE_VOID_OP(name, params, args) void(*name) params;
#include "store/ops.def"
#undef STORE_OP
#undef STORE_VOID_OP
};

/* The first member of every backend's store and connection. The store
 * holds the pool: store_acquire takes a connection from it (waiting while
 * all are in use) and store_release rolls back what a failed caller left
 * open and gives it back. */
struct store_conn {
    const struct store_ops *ops;
    struct store_conn *next_free;
};

struct store {
    const struct store_ops *ops;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    struct store_conn *free_list;
};

/* For backends: fn in a transaction of c's own (begin, fn, commit or
 * rollback), as store_write asks when nothing groups the writes. */
int store_write_alone(struct store_conn *c, store_write_fn *fn, void *arg);

/* For backends: an empty pool, the connections it hands out, its end. */
void store_pool_init(struct store *s, const struct store_ops *ops);
void store_pool_add(struct store *s, struct store_conn *c);
void store_pool_cleanup(struct store *s);

/* The names the generic row SQL puts into its text are compile-time
 * constants; these keep a careless descriptor from ever smuggling SQL
 * syntax in. store_identifier: a plain lower-case identifier;
 * store_table_names_valid: every name of t is one; store_names_refused
 * logs the refusal of name and returns ERR_INVALID. */
int store_identifier(const char *s);
int store_table_names_valid(const struct store_table *t);
int store_names_refused(const char *name);
/* The one way the generic row SQL puts a name into its text: appends
 * before, name and after to b, refusing (store_names_refused) a name that
 * is no plain identifier. before and after are SQL text of the caller's
 * own (NULL for none); values never go this way, they are bound. */
int store_sql_name(struct buf *b, const char *before, const char *name, const char *after);

/* Appends ids to b between open and close, comma-separated: "[1,2]" is
 * JSON text for SQLite's json_each, "{1,2}" an array literal for a
 * PostgreSQL bigint[] parameter. */
int store_id_list(struct buf *b, const int64_t *ids, size_t n, const char *open, const char *close);

/* History rows keep their changes as JSON text; this turns each row's
 * "changes" into the object it holds ({} when it holds none). */
int store_history_changes(json_t *items);

/* SQL both backends share: a history row's actor in words, read from the
 * login that acted (history rows h): its staff member's name, a patient's
 * name, else the login's name (its e-mail's local part, capitalised:
 * "Reception") with its role, as in "Reception (staff)"; "System" when
 * nobody was logged in. Older rows keep their stored actor as a last
 * resort. login_name is the backend's SQL for that local part of u.email. */
#define STORE_ACTOR_WORDS(login_name)                                                              \
    "COALESCE(st.name, CASE WHEN u.role = 'patient' THEN pa.name || ' (patient)' END, "            \
    "CASE WHEN u.id IS NOT NULL THEN " login_name " || ' (' || u.role || ')' END, "                \
    "CASE WHEN h.actor_user_id IS NULL THEN 'System' END, h.actor)"
#define STORE_ACTOR_JOINS                                                                          \
    "LEFT JOIN users u ON u.id = h.actor_user_id LEFT JOIN staff st ON st.id = u.staff_id "        \
    "LEFT JOIN patients pa ON pa.id = u.patient_id "

#endif

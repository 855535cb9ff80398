/* What a backend provides: the store contract as a table of functions
 * (the SQLite VFS shape). Only store.c and the backends include this;
 * everything above store/ sees the opaque types and store_*() in store.h. */
#ifndef CHAIRSIDE_STORE_STORE_OPS_H
#define CHAIRSIDE_STORE_STORE_OPS_H

#include <pthread.h>

#include "store/store.h"

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

/* For backends: an empty pool, the connections it hands out, its end. */
void store_pool_init(struct store *s, const struct store_ops *ops);
void store_pool_add(struct store *s, struct store_conn *c);
void store_pool_cleanup(struct store *s);

#endif

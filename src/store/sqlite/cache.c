#include "store/sqlite/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define BUSY_CACHE_SLOTS 4096 /* staff members remembered; a power of two */

struct busy_entry {
    int64_t staff_id; /* 0 = empty */
    uint64_t gen;
    int64_t from, to;
    int64_t longest; /* longest event, to find those starting before from */
    struct store_busy *rows;
    size_t n;
};

/* Filters remembered: enough for a location's staff asked one by one. */
#define SHIFT_CACHE_SLOTS 64
#define SHIFT_KEY_MAX 512

struct shift_entry {
    char key[SHIFT_KEY_MAX]; /* "" = empty */
    uint64_t gen;
    struct store_shift *rows; /* timezone points into names */
    size_t n;
};

#define ROW_CACHE_SLOTS 256 /* a power of two */

struct row_entry {
    const void *table; /* NULL = empty */
    int64_t id;
    uint64_t gen;
    json_t *row; /* owned, never changed: copies are handed out */
};

struct interned {
    struct interned *next;
    char name[];
};

struct busy_cache {
    _Atomic uint64_t gen;
    _Atomic uint64_t commits; /* this process's, of anything */
    _Atomic uint64_t all_changed_at;
    /* By slot, so staff sharing a slot invalidate each other: safe. */
    _Atomic uint64_t staff_changed_at[BUSY_CACHE_SLOTS];
    pthread_rwlock_t lock;
    struct busy_entry slots[BUSY_CACHE_SLOTS];
    struct shift_entry shifts[SHIFT_CACHE_SLOTS];
    size_t next_shift; /* round-robin replacement */
    struct row_entry rows[ROW_CACHE_SLOTS];
    struct interned *names;
};

int
busy_cache_new(struct busy_cache **out)
{
    struct busy_cache *bc = calloc(1, sizeof(*bc));

    *out = bc;
    if (!bc)
        return ERR_NOMEM;
    atomic_init(&bc->gen, 1);
    pthread_rwlock_init(&bc->lock, NULL);
    return ERR_OK;
}

void
busy_cache_free(struct busy_cache *bc)
{
    size_t i;

    if (!bc)
        return;
    for (i = 0; i < BUSY_CACHE_SLOTS; i++)
        free(bc->slots[i].rows);
    for (i = 0; i < SHIFT_CACHE_SLOTS; i++)
        free(bc->shifts[i].rows);
    for (i = 0; i < ROW_CACHE_SLOTS; i++)
        json_decref(bc->rows[i].row);
    while (bc->names) {
        struct interned *next = bc->names->next;

        free(bc->names);
        bc->names = next;
    }
    pthread_rwlock_destroy(&bc->lock);
    free(bc);
}

uint64_t
busy_cache_generation(struct busy_cache *bc)
{
    return atomic_load(&bc->gen);
}

static size_t
slot_of(int64_t staff_id)
{
    return (uint64_t)staff_id & (BUSY_CACHE_SLOTS - 1);
}

void
busy_cache_count_commit(struct busy_cache *bc)
{
    atomic_fetch_add(&bc->commits, 1);
}

uint64_t
busy_cache_commits(struct busy_cache *bc)
{
    return atomic_load(&bc->commits);
}

void
busy_cache_committed(struct busy_cache *bc, const int64_t *staff, size_t n, int all)
{
    uint64_t g = atomic_fetch_add(&bc->gen, 1) + 1;
    size_t i;

    if (all)
        atomic_store(&bc->all_changed_at, g);
    for (i = 0; !all && i < n; i++)
        atomic_store(&bc->staff_changed_at[slot_of(staff[i])], g);
}

static struct busy_entry *
slot_for(struct busy_cache *bc, int64_t staff_id)
{
    return &bc->slots[slot_of(staff_id)];
}

/* Was data loaded at generation gen (for staff_id, or 0 for shift lists)
 * changed since? */
static int
stale(struct busy_cache *bc, uint64_t gen, int64_t staff_id)
{
    return gen < atomic_load(&bc->all_changed_at) ||
           (staff_id && gen < atomic_load(&bc->staff_changed_at[slot_of(staff_id)]));
}

/* First row whose start is >= t (rows are sorted by start). */
static size_t
lower_bound(const struct store_busy *rows, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (rows[mid].start < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Room for extra more rows in the arena-grown array *v. */
static int
reserve(struct arena *a, struct store_busy **v, size_t *n, size_t *cap, size_t extra)
{
    size_t grown_cap = *cap ? *cap * 2 : 256;
    struct store_busy *grown;

    if (*n + extra <= *cap)
        return 0;
    if (grown_cap < *n + extra)
        grown_cap = *n + extra;
    grown = arena_array(a, grown_cap, sizeof(*grown));
    if (!grown)
        return -1;
    if (*n)
        memcpy(grown, *v, *n * sizeof(*grown));
    *v = grown;
    *cap = grown_cap;
    return 0;
}

int
busy_cache_get(struct busy_cache *bc, int64_t staff_id, int64_t from, int64_t to, struct arena *a,
               struct store_busy **v, size_t *n, size_t *cap)
{
    struct busy_entry *e = slot_for(bc, staff_id);
    int hit = 0;
    size_t i;

    pthread_rwlock_rdlock(&bc->lock);
    if (e->staff_id == staff_id && !stale(bc, e->gen, staff_id) && e->from <= from && to <= e->to) {
        i = lower_bound(e->rows, e->n, from - e->longest);
        hit = reserve(a, v, n, cap, e->n - i) == 0 ? 1 : -1;
        for (; hit > 0 && i < e->n && e->rows[i].start < to; i++) {
            if (e->rows[i].end > from)
                (*v)[(*n)++] = e->rows[i];
        }
    }
    pthread_rwlock_unlock(&bc->lock);
    return hit;
}

void
busy_cache_put(struct busy_cache *bc, int64_t staff_id, int64_t from, int64_t to, uint64_t gen,
               const struct store_busy *rows, size_t n)
{
    struct busy_entry *e = slot_for(bc, staff_id);
    struct store_busy *copy = malloc((n ? n : 1) * sizeof(*copy));
    int64_t longest = 0;
    size_t i;

    if (!copy)
        return;
    for (i = 0; i < n; i++) {
        copy[i] = rows[i];
        if (rows[i].end - rows[i].start > longest)
            longest = rows[i].end - rows[i].start;
    }
    pthread_rwlock_wrlock(&bc->lock);
    free(e->rows);
    e->staff_id = staff_id;
    e->gen = gen;
    e->from = from;
    e->to = to;
    e->longest = longest;
    e->rows = copy;
    e->n = n;
    pthread_rwlock_unlock(&bc->lock);
}

int
shift_cache_get(struct busy_cache *bc, const char *key, struct arena *a, struct store_shift **out,
                size_t *n)
{
    int hit = 0;
    size_t i;

    pthread_rwlock_rdlock(&bc->lock);
    for (i = 0; i < SHIFT_CACHE_SLOTS && !hit; i++) {
        struct shift_entry *e = &bc->shifts[i];

        if (stale(bc, e->gen, 0) || strcmp(e->key, key) != 0)
            continue;
        *out = arena_calloc(a, e->n ? e->n : 1, sizeof(**out));
        hit = *out ? 1 : -1;
        if (*out && e->n)
            memcpy(*out, e->rows, e->n * sizeof(**out));
        *n = e->n;
    }
    pthread_rwlock_unlock(&bc->lock);
    return hit;
}

/* Called with the write lock held. */
static const char *
intern(struct busy_cache *bc, const char *name)
{
    struct interned *it;
    size_t len = strlen(name) + 1;

    for (it = bc->names; it; it = it->next) {
        if (strcmp(it->name, name) == 0)
            return it->name;
    }
    it = malloc(sizeof(*it) + len);
    if (!it)
        return NULL;
    memcpy(it->name, name, len);
    it->next = bc->names;
    bc->names = it;
    return it->name;
}

void
shift_cache_put(struct busy_cache *bc, const char *key, uint64_t gen,
                const struct store_shift *rows, size_t n)
{
    struct store_shift *copy;
    struct shift_entry *e;
    size_t i;

    if (strlen(key) >= SHIFT_KEY_MAX)
        return;
    copy = malloc((n ? n : 1) * sizeof(*copy));
    if (!copy)
        return;
    pthread_rwlock_wrlock(&bc->lock);
    for (i = 0; i < n; i++) {
        copy[i] = rows[i];
        copy[i].timezone = intern(bc, rows[i].timezone);
        if (!copy[i].timezone)
            break;
    }
    if (i == n) {
        e = &bc->shifts[bc->next_shift++ % SHIFT_CACHE_SLOTS];
        free(e->rows);
        memcpy(e->key, key, strlen(key) + 1);
        e->gen = gen;
        e->rows = copy;
        e->n = n;
        copy = NULL;
    }
    pthread_rwlock_unlock(&bc->lock);
    free(copy);
}

static struct row_entry *
row_slot(struct busy_cache *bc, const void *table, int64_t id)
{
    uint64_t h = ((uint64_t)(uintptr_t)table >> 4) * 0x9e3779b97f4a7c15u + (uint64_t)id;

    return &bc->rows[(h ^ (h >> 29)) & (ROW_CACHE_SLOTS - 1)];
}

json_t *
row_cache_get(struct busy_cache *bc, const void *table, int64_t id, uint64_t not_after)
{
    struct row_entry *e = row_slot(bc, table, id);
    json_t *copy = NULL;

    /* Concurrent deep copies only read the kept row. */
    pthread_rwlock_rdlock(&bc->lock);
    if (e->table == table && e->id == id && e->gen <= not_after && !stale(bc, e->gen, 0))
        copy = json_deep_copy(e->row);
    pthread_rwlock_unlock(&bc->lock);
    return copy;
}

void
row_cache_put(struct busy_cache *bc, const void *table, int64_t id, uint64_t gen, const json_t *row)
{
    struct row_entry *e = row_slot(bc, table, id);
    json_t *copy = json_deep_copy(row), *old;

    if (!copy)
        return;
    pthread_rwlock_wrlock(&bc->lock);
    old = e->row;
    e->table = table;
    e->id = id;
    e->gen = gen;
    e->row = copy;
    pthread_rwlock_unlock(&bc->lock);
    json_decref(old);
}

/* A cache of what availability reads most: each staff member's busy
 * intervals from some day on, and shift lists; and of the setup rows
 * nearly every request reads by id (row_cache_*). Every commit that changes
 * scheduling data takes the next generation number once it is visible
 * (from SQLite's WAL hook) and records it against the staff members whose
 * bookings it changed, or against everything when it changed more (shifts,
 * services, settings, time off, appointments). An entry loaded in a
 * snapshot taken at generation g is used only while nothing it covers
 * changed after g, so a cached answer is never older than the database. Busy
 * times and shifts are used in read transactions only: the check inside a
 * booking's write transaction always reads the database itself. The generation only sees this
 * process's commits: one server process per SQLite database (several processes share a database
 * only through the PostgreSQL backend). */
#ifndef CHAIRSIDE_STORE_SQLITE_CACHE_H
#define CHAIRSIDE_STORE_SQLITE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct busy_cache;

int busy_cache_new(struct busy_cache **out);
void busy_cache_free(struct busy_cache *bc);
uint64_t busy_cache_generation(struct busy_cache *bc);
/* Every commit of this process, whatever it changed, counts here: a read
 * that finds the database changed since it last looked tells this
 * process's commits (which moved the generation as they needed) from
 * another process's only by whether this count moved meanwhile. */
void busy_cache_count_commit(struct busy_cache *bc);
uint64_t busy_cache_commits(struct busy_cache *bc);
/* A commit changed the busy times of staff[0..n), or everything when all. */
void busy_cache_committed(struct busy_cache *bc, const int64_t *staff, size_t n, int all);

/* Appends staff_id's events overlapping [from, to) to v (arena-grown,
 * n and cap updated) when a current entry covers the window; returns 1 on a
 * hit, 0 on a miss, -1 when out of memory. */
int busy_cache_get(struct busy_cache *bc, int64_t staff_id, int64_t from, int64_t to,
                   struct arena *a, struct store_busy **v, size_t *n, size_t *cap);
/* Remembers rows[0..n) as staff_id's events over [from, to), read in a
 * snapshot no older than generation gen. */
void busy_cache_put(struct busy_cache *bc, int64_t staff_id, int64_t from, int64_t to, uint64_t gen,
                    const struct store_busy *rows, size_t n);

/* Shift lists by the filter that selected them, same generation rule.
 * Time zone names are interned for the life of the cache. */
int shift_cache_get(struct busy_cache *bc, const char *key, struct arena *a,
                    struct store_shift **out, size_t *n);
void shift_cache_put(struct busy_cache *bc, const char *key, uint64_t gen,
                     const struct store_shift *rows, size_t n);

/* Rows read by id from tables whose every change counts as a change to
 * everything (settings, locations, services: the rows nearly every request
 * reads again, each read a page re-read after any commit). A hit is a new
 * copy of a row read at a generation no newer than not_after with nothing
 * changed since; NULL otherwise. table names the row's table descriptor. */
json_t *row_cache_get(struct busy_cache *bc, const void *table, int64_t id, uint64_t not_after);
/* Remembers a copy of row, read at generation gen. */
void row_cache_put(struct busy_cache *bc, const void *table, int64_t id, uint64_t gen,
                   const json_t *row);

#endif

/* A per-request memory pool: many small allocations, one free at the end. */
#ifndef CHAIRSIDE_UTIL_ARENA_H
#define CHAIRSIDE_UTIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
};

void arena_init(struct arena *a);
/* Frees every allocation made from a. */
void arena_cleanup(struct arena *a);
/* Zeroed memory aligned for any type, or NULL. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Like arena_calloc, but the memory is not cleared: for arrays about to be
 * filled completely. */
void *arena_array(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* old (an array of *cap items of size bytes, n of them used) with room for
 * one more: old itself while n < *cap, else a zeroed copy twice as large
 * (first items the first time). NULL when out of memory, *cap unchanged. */
void *arena_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size, size_t first);

#endif

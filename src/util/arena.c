#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_MIN (16 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a)
{
    a->head = NULL;
}

void
arena_cleanup(struct arena *a)
{
    struct arena_chunk *c, *next;

    if (!a)
        return;
    for (c = a->head; c; c = next) {
        next = c->next;
        free(c);
    }
    a->head = NULL;
}

static void *
arena_take(struct arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    struct arena_chunk *c = a->head;
    size_t need;
    void *p;

    if (size > SIZE_MAX / 2)
        return NULL;
    need = (size + align - 1) & ~(align - 1);
    if (!c || c->size - c->used < need) {
        size_t sz = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;

        c = malloc(sizeof(*c) + sz);
        if (!c)
            return NULL;
        c->size = sz;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += need;
    return p;
}

void *
arena_alloc(struct arena *a, size_t size)
{
    void *p = arena_take(a, size);

    if (p)
        memset(p, 0, size);
    return p;
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return arena_take(a, n * size);
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return arena_alloc(a, n * size);
}

char *
arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);

    if (p)
        memcpy(p, s, n);
    return p;
}

void *
arena_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size, size_t first)
{
    size_t bigger = *cap ? *cap * 2 : first;
    void *grown;

    if (n < *cap)
        return old;
    grown = arena_calloc(a, bigger, size);
    if (!grown)
        return NULL;
    if (n)
        memcpy(grown, old, n * size);
    *cap = bigger;
    return grown;
}

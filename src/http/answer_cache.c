#include "http/answer_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/err.h"

/* Fast enough to keep: a compressed slot list is a tenth of the text. */
#define ANSWER_GZIP_LEVEL 3

struct gz_form {
    size_t len;
    char data[];
};

struct answer {
    _Atomic unsigned refs;
    _Atomic(struct gz_form *) gz; /* made on first demand */
    _Atomic int gz_failed;
    uint64_t version;
    int64_t valid_until;
    char etag[ANSWER_ETAG_LEN];
    char etag_gzip[ANSWER_ETAG_LEN]; /* another representation, another tag */
    size_t len;
    char *body; /* owned */
};

/* One kept answer: in its bucket's chain and in the LRU list. */
struct entry {
    struct entry *next_in_bucket;
    struct entry *newer, *older;
    uint64_t hash;
    struct answer *answer;
    char key[];
};

struct answer_cache {
    pthread_mutex_t lock;
    size_t max_entries, max_bytes;
    size_t n_entries, n_bytes;
    size_t n_buckets; /* a power of two */
    struct entry **buckets;
    struct entry *newest, *oldest;
};

static uint64_t
key_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return h;
}

int
answer_cache_new(size_t max_entries, size_t max_bytes, struct answer_cache **out)
{
    struct answer_cache *c = calloc(1, sizeof(*c));
    int rc = ERR_NOMEM;

    *out = NULL;
    if (!c || !max_entries)
        goto out;
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    for (c->n_buckets = 16; c->n_buckets < 2 * max_entries; c->n_buckets *= 2)
        ;
    c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
    if (!c->buckets)
        goto out;
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    c = NULL;
    rc = ERR_OK;
out:
    if (c)
        free(c->buckets);
    free(c);
    return rc;
}

void
answer_release(void *p)
{
    struct answer *a = p;

    if (!a || atomic_fetch_sub(&a->refs, 1) != 1)
        return;
    free(atomic_load(&a->gz));
    free(a->body);
    free(a);
}

/* Takes e out of its bucket and the LRU list and frees it; lock held. */
static void
entry_drop(struct answer_cache *c, struct entry *e)
{
    struct entry **p = &c->buckets[e->hash & (c->n_buckets - 1)];

    while (*p != e)
        p = &(*p)->next_in_bucket;
    *p = e->next_in_bucket;
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    c->n_entries--;
    c->n_bytes -= e->answer->len;
    answer_release(e->answer);
    free(e);
}

void
answer_cache_free(struct answer_cache *c)
{
    if (!c)
        return;
    while (c->oldest)
        entry_drop(c, c->oldest);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}

static struct entry *
entry_find(struct answer_cache *c, const char *key, uint64_t hash)
{
    struct entry *e = c->buckets[hash & (c->n_buckets - 1)];

    while (e && (e->hash != hash || strcmp(e->key, key) != 0))
        e = e->next_in_bucket;
    return e;
}

/* Makes e the newest; lock held. */
static void
entry_touch(struct answer_cache *c, struct entry *e)
{
    if (c->newest == e)
        return;
    e->newer->older = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->older = c->newest;
    e->newer = NULL;
    c->newest->newer = e;
    c->newest = e;
}

struct answer *
answer_cache_get(struct answer_cache *c, const char *key, uint64_t version, int64_t now)
{
    uint64_t hash = key_hash(key);
    struct answer *a = NULL;
    struct entry *e;

    if (!c)
        return NULL;
    pthread_mutex_lock(&c->lock);
    e = entry_find(c, key, hash);
    if (e && e->answer->version == version && now < e->answer->valid_until) {
        entry_touch(c, e);
        a = e->answer;
        atomic_fetch_add(&a->refs, 1);
    } else if (e && (e->answer->version < version || now >= e->answer->valid_until)) {
        entry_drop(c, e);
    }
    pthread_mutex_unlock(&c->lock);
    return a;
}

static void
etag_of(const char *body, size_t len, char *out)
{
    uLong crc = crc32(0L, Z_NULL, 0), adler = adler32(0L, Z_NULL, 0);
    size_t done = 0;

    /* zlib takes lengths as uInt: feed bodies over 4 GiB in pieces. */
    while (done < len) {
        uInt part = len - done > 1u << 30 ? 1u << 30 : (uInt)(len - done);

        crc = crc32(crc, (const Bytef *)body + done, part);
        adler = adler32(adler, (const Bytef *)body + done, part);
        done += part;
    }
    snprintf(out, ANSWER_ETAG_LEN - 8, "%zx-%08lx%08lx", len, crc & 0xffffffffUL,
             adler & 0xffffffffUL);
}

/* Keeps a (adding a reference) under key; lock held. */
static int
entry_add(struct answer_cache *c, const char *key, uint64_t hash, struct answer *a)
{
    size_t klen = strlen(key);
    struct entry *e = entry_find(c, key, hash);

    if (e && e->answer->version > a->version)
        return ERR_OK; /* a newer snapshot's answer is already there */
    if (e)
        entry_drop(c, e);
    while (c->oldest && (c->n_entries >= c->max_entries || c->n_bytes + a->len > c->max_bytes))
        entry_drop(c, c->oldest);
    e = malloc(sizeof(*e) + klen + 1);
    if (!e)
        return ERR_NOMEM;
    memcpy(e->key, key, klen + 1);
    e->hash = hash;
    e->answer = a;
    atomic_fetch_add(&a->refs, 1);
    e->next_in_bucket = c->buckets[hash & (c->n_buckets - 1)];
    c->buckets[hash & (c->n_buckets - 1)] = e;
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
    c->n_entries++;
    c->n_bytes += a->len;
    return ERR_OK;
}

int
answer_cache_put(struct answer_cache *c, const char *key, uint64_t version, int64_t valid_until,
                 char *body, size_t len, struct answer **out)
{
    struct answer *a = malloc(sizeof(*a));
    char tag[ANSWER_ETAG_LEN - 8];

    *out = NULL;
    if (a && !body && !len)
        body = calloc(1, 1);
    if (!a || !body) {
        free(a);
        free(body);
        return ERR_NOMEM;
    }
    atomic_init(&a->refs, 1);
    atomic_init(&a->gz, NULL);
    atomic_init(&a->gz_failed, 0);
    a->version = version;
    a->valid_until = valid_until;
    a->len = len;
    a->body = body;
    etag_of(a->body, len, tag);
    snprintf(a->etag, sizeof(a->etag), "\"%s\"", tag);
    snprintf(a->etag_gzip, sizeof(a->etag_gzip), "\"%s-gz\"", tag);
    /* Without room to keep it, the answer still goes to this client. */
    if (c && strlen(key) < ANSWER_KEY_MAX && len <= c->max_bytes) {
        pthread_mutex_lock(&c->lock);
        entry_add(c, key, key_hash(key), a);
        pthread_mutex_unlock(&c->lock);
    }
    *out = a;
    return ERR_OK;
}

const char *
answer_body(const struct answer *a, size_t *len)
{
    *len = a->len;
    return a->body;
}

const char *
answer_etag(const struct answer *a, int gzipped)
{
    return gzipped ? a->etag_gzip : a->etag;
}

static struct gz_form *
gzip_of(const char *body, size_t len)
{
    struct gz_form *g = NULL;
    z_stream zs;
    uLong bound;

    memset(&zs, 0, sizeof(zs));
    /* 15 + 16: a gzip wrapper rather than zlib's own. */
    if (len > UINT32_MAX ||
        deflateInit2(&zs, ANSWER_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    bound = deflateBound(&zs, (uLong)len);
    g = malloc(sizeof(*g) + bound);
    if (g) {
        zs.next_in = (Bytef *)(uintptr_t)body;
        zs.avail_in = (uInt)len;
        zs.next_out = (Bytef *)g->data;
        zs.avail_out = (uInt)bound;
        if (deflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out < len) {
            g->len = zs.total_out;
        } else {
            free(g);
            g = NULL;
        }
    }
    deflateEnd(&zs);
    return g;
}

const char *
answer_gzip(struct answer *a, size_t *len)
{
    struct gz_form *g = atomic_load(&a->gz), *expected = NULL;

    if (!g && !atomic_load(&a->gz_failed)) {
        g = gzip_of(a->body, a->len);
        if (!g) {
            atomic_store(&a->gz_failed, 1);
        } else if (!atomic_compare_exchange_strong(&a->gz, &expected, g)) {
            /* Another thread made it first: use that one. */
            free(g);
            g = expected;
        }
    }
    *len = g ? g->len : 0;
    return g ? g->data : NULL;
}

/* The next entity tag of an If-None-Match list at *p, without W/ and
 * quotes, into tag[0..*n); 0 at the end of the list. */
static int
next_tag(const char **p, const char **tag, size_t *n)
{
    const char *s = *p;

    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    if (!*s)
        return 0;
    if (s[0] == 'W' && s[1] == '/')
        s += 2;
    *tag = s;
    while (*s && *s != ',' && *s != ' ' && *s != '\t')
        s++;
    *n = (size_t)(s - *tag);
    *p = s;
    return 1;
}

int
answer_etag_matches(const char *if_none_match, const char *etag)
{
    const char *p = if_none_match, *tag;
    size_t n, want = strlen(etag);

    if (!p)
        return 0;
    while (next_tag(&p, &tag, &n)) {
        if ((n == 1 && tag[0] == '*') || (n == want && memcmp(tag, etag, n) == 0))
            return 1;
    }
    return 0;
}

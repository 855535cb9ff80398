#include "http/conn_guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

enum guard_state { GUARD_WAITING, GUARD_ANSWERING, GUARD_DROPPED };

/* An address as compared: IPv4 (also IPv4-mapped IPv6) in 4 bytes, IPv6 in
 * 16, anything else in 0 (all such peers share one bucket). */
struct guard_addr {
    unsigned char bytes[16];
    unsigned char len;
};

struct conn_guard_entry {
    struct conn_guard_entry *prev, *next;
    struct guard_addr addr;
    int fd;
    enum guard_state state;
    int64_t since_ms;
};

struct conn_guard {
    struct conn_guard_config cfg;
    pthread_mutex_t lock;
    struct conn_guard_entry *head;
};

static void
addr_key(const struct sockaddr *sa, struct guard_addr *out)
{
    static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    memset(out, 0, sizeof(*out));
    if (sa && sa->sa_family == AF_INET) {
        memcpy(out->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        out->len = 4;
    } else if (sa && sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;

        if (memcmp(b, v4_mapped, sizeof(v4_mapped)) == 0) {
            memcpy(out->bytes, b + 12, 4);
            out->len = 4;
        } else {
            memcpy(out->bytes, b, 16);
            out->len = 16;
        }
    }
}

static int
addr_equal(const struct guard_addr *a, const struct guard_addr *b)
{
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

int
conn_guard_new(const struct conn_guard_config *cfg, struct conn_guard **out)
{
    struct conn_guard *g;

    *out = NULL;
    if (!cfg->drop || cfg->deadline_ms <= 0 || !cfg->per_address || !cfg->total)
        return ERR_INVALID;
    g = calloc(1, sizeof(*g));
    if (!g)
        return ERR_NOMEM;
    g->cfg = *cfg;
    if (pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g);
        return ERR_NOMEM;
    }
    *out = g;
    return ERR_OK;
}

void
conn_guard_free(struct conn_guard *g)
{
    struct conn_guard_entry *e, *next;

    if (!g)
        return;
    for (e = g->head; e; e = next) {
        next = e->next;
        free(e);
    }
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static void
drop_locked(struct conn_guard *g, struct conn_guard_entry *e)
{
    /* Still listed until the server reports the close, so the fd cannot be
     * reused (and wrongly dropped) while the entry exists. */
    e->state = GUARD_DROPPED;
    g->cfg.drop(g->cfg.cls, e->fd);
}

/* Counts waiting connections from addr (any when NULL) and finds the oldest. */
static unsigned
count_waiting_locked(struct conn_guard *g, const struct guard_addr *addr,
                     struct conn_guard_entry **oldest)
{
    struct conn_guard_entry *e;
    unsigned n = 0;

    *oldest = NULL;
    for (e = g->head; e; e = e->next) {
        if (e->state != GUARD_WAITING || (addr && !addr_equal(&e->addr, addr)))
            continue;
        n++;
        if (!*oldest || e->since_ms < (*oldest)->since_ms)
            *oldest = e;
    }
    return n;
}

int
conn_guard_open(struct conn_guard *g, int fd, const struct sockaddr *sa, int64_t now_ms,
                struct conn_guard_entry **out)
{
    struct conn_guard_entry *e, *oldest;

    *out = NULL;
    e = calloc(1, sizeof(*e));
    if (!e)
        return ERR_NOMEM;
    addr_key(sa, &e->addr);
    e->fd = fd;
    e->state = GUARD_WAITING;
    e->since_ms = now_ms;
    pthread_mutex_lock(&g->lock);
    /* Make room before counting the newcomer: the oldest waiter is the one
     * most likely stalled, the newcomer the one most likely to finish. */
    while (count_waiting_locked(g, &e->addr, &oldest) >= g->cfg.per_address)
        drop_locked(g, oldest);
    while (count_waiting_locked(g, NULL, &oldest) >= g->cfg.total)
        drop_locked(g, oldest);
    e->next = g->head;
    if (g->head)
        g->head->prev = e;
    g->head = e;
    pthread_mutex_unlock(&g->lock);
    *out = e;
    return ERR_OK;
}

void
conn_guard_received(struct conn_guard *g, struct conn_guard_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&g->lock);
    if (e->state == GUARD_WAITING)
        e->state = GUARD_ANSWERING;
    pthread_mutex_unlock(&g->lock);
}

void
conn_guard_answered(struct conn_guard *g, struct conn_guard_entry *e, int64_t now_ms)
{
    if (!e)
        return;
    pthread_mutex_lock(&g->lock);
    if (e->state != GUARD_DROPPED) {
        e->state = GUARD_WAITING;
        e->since_ms = now_ms;
    }
    pthread_mutex_unlock(&g->lock);
}

void
conn_guard_close(struct conn_guard *g, struct conn_guard_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&g->lock);
    if (e->prev)
        e->prev->next = e->next;
    else
        g->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&g->lock);
    free(e);
}

unsigned
conn_guard_reap(struct conn_guard *g, int64_t now_ms)
{
    struct conn_guard_entry *e;
    unsigned n = 0;

    pthread_mutex_lock(&g->lock);
    for (e = g->head; e; e = e->next) {
        if (e->state == GUARD_WAITING && now_ms - e->since_ms >= g->cfg.deadline_ms) {
            drop_locked(g, e);
            n++;
        }
    }
    pthread_mutex_unlock(&g->lock);
    return n;
}

unsigned
conn_guard_waiting(struct conn_guard *g, const struct sockaddr *sa)
{
    struct conn_guard_entry *oldest;
    struct guard_addr key;
    unsigned n;

    addr_key(sa, &key);
    pthread_mutex_lock(&g->lock);
    n = count_waiting_locked(g, sa ? &key : NULL, &oldest);
    pthread_mutex_unlock(&g->lock);
    return n;
}

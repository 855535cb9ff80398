/* Defence against slow clients (slowloris): every connection that is still
 * delivering a request (or idles before its next one) is "waiting". A
 * waiting connection is dropped when it has not delivered a complete request
 * within the deadline, however steadily it trickles bytes, and a new
 * connection from an address that already holds its share of waiting ones
 * drops that address's oldest. So a flood from one address (or many) can
 * never fill the server's connection slots, and a client that sends its
 * request promptly always gets in, even from the flooding address.
 *
 * The guard knows nothing of libmicrohttpd: it is told of connections and
 * calls cfg.drop (shutdown(2) in the server) to end one. Thread-safe. */
#ifndef CHAIRSIDE_HTTP_CONN_GUARD_H
#define CHAIRSIDE_HTTP_CONN_GUARD_H

#include <stdint.h>
#include <sys/socket.h>

struct conn_guard;
struct conn_guard_entry;

struct conn_guard_config {
    int64_t deadline_ms;  /* time from accept (or the last answer) to a whole request */
    unsigned per_address; /* waiting connections one address may hold */
    unsigned total;       /* waiting connections over all addresses */
    /* Ends connection fd; the guard still expects conn_guard_close for it. */
    void (*drop)(void *cls, int fd);
    void *cls;
};

int conn_guard_new(const struct conn_guard_config *cfg, struct conn_guard **out);
void conn_guard_free(struct conn_guard *g);

/* A connection was accepted: it waits for its first request from now_ms.
 * May drop older waiting connections to stay within the caps. *out is owned
 * by the guard until conn_guard_close. */
int conn_guard_open(struct conn_guard *g, int fd, const struct sockaddr *sa, int64_t now_ms,
                    struct conn_guard_entry **out);
/* The request on e has arrived whole: no deadline while it is answered. */
void conn_guard_received(struct conn_guard *g, struct conn_guard_entry *e);
/* The answer went out: e waits for its next request from now_ms. */
void conn_guard_answered(struct conn_guard *g, struct conn_guard_entry *e, int64_t now_ms);
/* The connection is gone; frees e. NULL is ignored. */
void conn_guard_close(struct conn_guard *g, struct conn_guard_entry *e);
/* Drops every connection past its deadline; returns how many. */
unsigned conn_guard_reap(struct conn_guard *g, int64_t now_ms);
/* Waiting connections (not yet dropped) from sa, or from anyone when NULL. */
unsigned conn_guard_waiting(struct conn_guard *g, const struct sockaddr *sa);

#endif

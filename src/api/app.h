/* What every handler can reach: the database pool and the zone database.
 * Built by main.c, shared read-only by all server threads. */
#ifndef CHAIRSIDE_API_APP_H
#define CHAIRSIDE_API_APP_H

#include <stddef.h>

#include "http/http.h"
#include "http/router.h"
#include "service/svc.h"

struct store;
struct tzdb;
struct net_post;
struct answer_cache;

struct app {
    struct store *store;
    struct tzdb *tzdb;
    int secure_cookies;           /* add "Secure" to cookies (served over TLS) */
    int session_idle_s;           /* a session unused this long ends */
    int session_max_s;            /* and none lives longer than this */
    const struct net_post *net;   /* how the card gateway is reached; NULL: not at all */
    struct answer_cache *answers; /* rendered availability answers; NULL: none kept */
};

/* The use-case context of a request: its connection, zones, arena, time,
 * acting user, and its problem details for what a service refuses. */
struct svc api_svc(struct http_req *req);

/* The one entry point the HTTP server calls for every request. */
void api_handle(struct http_req *req, struct http_resp *resp);

/* The route table, for the dispatcher and for tests that audit it. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

#endif

/* Route table matching: "/api/v1/bookings/{id}/cancel" patterns where each
 * {id} segment must be a positive decimal integer. */
#ifndef CHAIRSIDE_HTTP_ROUTER_H
#define CHAIRSIDE_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

typedef int (*http_handler_fn)(struct http_req *req, struct http_resp *resp);

struct http_route {
    const char *method;
    const char *pattern;
    http_handler_fn handler;
    unsigned roles;  /* HTTP_ROLE_* bits allowed; 0 = public */
    const void *ctx; /* handed to the handler as req->route_ctx */
};

enum http_match {
    HTTP_MATCH_NONE,
    HTTP_MATCH_FOUND,
    HTTP_MATCH_WRONG_METHOD, /* path known, method not: 405 */
};

/* Decodes %XY escapes in s in place (libmicrohttpd's unescaper for the
 * path and query values) and returns the new length. %00 stays as it is:
 * a decoded NUL would end the C string early, so "/bookings/1%00abc" would
 * be read as "/bookings/1" and "date=2026-12-01%00x" as a valid date. Kept,
 * they fail the checks like any other stray characters. */
size_t http_unescape(char *s);

/* Finds the route for method and path, filling req->ids. A HEAD request
 * is served by the path's GET route. */
enum http_match http_route_find(const struct http_route *routes, size_t n, const char *method,
                                const char *path, struct http_req *req,
                                const struct http_route **out);

/* The methods path answers to, as an Allow header value ("GET, HEAD,
 * POST"), in out (truncated to size); empty when none. */
void http_route_allow(const struct http_route *routes, size_t n, const char *path, char *out,
                      size_t size);

#endif

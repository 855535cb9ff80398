/* The libmicrohttpd server: an epoll thread pool that reads each request
 * (up to the body limit) and hands it to one handler function. */
#ifndef CHAIRSIDE_HTTP_SERVER_H
#define CHAIRSIDE_HTTP_SERVER_H

#include <stdint.h>

#include "http/http.h"

/* Time a client has from connecting (or from its last answer) to deliver
 * a whole request, headers and body. */
#define HTTP_REQUEST_TIMEOUT_S 20

struct http_server;

struct http_server_config {
    const char *host;
    uint16_t port;
    unsigned threads;
    unsigned request_timeout_s; /* 0: HTTP_REQUEST_TIMEOUT_S */
    struct app *app;
    /* The built web app served for GET/HEAD outside /api; NULL: none. */
    const char *web_root;
    /* Called once per complete request; fills resp. Never NULL. */
    void (*handle)(struct http_req *req, struct http_resp *resp);
};

int http_server_start(const struct http_server_config *cfg, struct http_server **out);
void http_server_stop(struct http_server *s);

#endif

/* An HTTP client handed down as a table of one function: the layers that
 * must not reach the network library themselves (service/, for the card
 * gateway) are given one by main.c. jobs/transport.c provides libcurl's. */
#ifndef CHAIRSIDE_UTIL_NET_POST_H
#define CHAIRSIDE_UTIL_NET_POST_H

#include <stddef.h>

#include "util/buf.h"

struct net_post {
    /* Sends body to url with headers (NULL-terminated "Name: value");
     * allow_private 0 refuses private addresses on connect (util/target.h).
     * *status is the HTTP status, 0 when nothing answered (ERR_IO). The
     * answer's body goes to resp. */
    int (*post)(const char *url, const char *const *headers, const char *body, size_t len,
                int allow_private, long *status, struct buf *resp);
};

#endif

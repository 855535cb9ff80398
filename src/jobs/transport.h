/* The network side of the outbox workers (libcurl): SMTP, and HTTP for
 * CalDAV and webhooks. Each call is one blocking exchange with timeouts. */
#ifndef CHAIRSIDE_JOBS_TRANSPORT_H
#define CHAIRSIDE_JOBS_TRANSPORT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/net_post.h"

#define TRANSPORT_ERR_LEN 256
/* Every HTTP request says what sent it (RFC 9110 10.1.5), so a diary's or
 * an endpoint's operator can tell our traffic apart. */
#define TRANSPORT_USER_AGENT "Chairside/1.0"

struct transport_http {
    const char *method;
    const char *url;
    const char *user, *password; /* basic auth when user is non-empty */
    const char *const *headers;  /* NULL-terminated, may be NULL */
    const char *body;            /* NULL = none */
    size_t body_len;
    /* 0: refuse to connect to a private address (util/target.h), checked on
     * the address actually connected to, so a name that resolved to a
     * public address when saved and to a private one now (DNS rebinding)
     * is still refused. */
    int allow_private;
};

/* Runs the request; *status is the HTTP status (0 when there was no
 * answer, with the reason in err). The answer's body goes to resp. */
int transport_http_run(const struct transport_http *r, long *status, struct buf *resp,
                       char err[TRANSPORT_ERR_LEN]);
/* The same, with the answer's ETag header in etag[size] ("" when it had
 * none, or a longer one than size holds). */
int transport_http_run_etag(const struct transport_http *r, long *status, struct buf *resp,
                            char *etag, size_t size, char err[TRANSPORT_ERR_LEN]);
/* transport_http_run as a net_post, for the card gateway (POST). */
extern const struct net_post transport_net_post;
/* Sends message (an RFC 5322 text) from -> to through smtp_url
 * (smtp:// or smtps://, user:password@ for AUTH, "?starttls" to demand
 * STARTTLS). ca_file, when not NULL, names the CA certificates that TLS
 * trusts instead of the system's. ERR_IO with the reason in err. */
int transport_smtp_send(const char *smtp_url, const char *ca_file, const char *from, const char *to,
                        const char *message, char err[TRANSPORT_ERR_LEN]);

#endif

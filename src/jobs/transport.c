#include "jobs/transport.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util/err.h"
#include "util/log.h"
#include "util/target.h"

#define TRANSPORT_CONNECT_S 5L
#define TRANSPORT_TOTAL_S 30L

struct upload {
    const char *data;
    size_t len, at;
};

static size_t
on_read(char *dest, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t take = size * n < u->len - u->at ? size * n : u->len - u->at;

    memcpy(dest, u->data + u->at, take);
    u->at += take;
    return take;
}

static size_t
on_write(char *data, size_t size, size_t n, void *arg)
{
    return buf_append(arg, data, size * n) == ERR_OK ? size * n : 0;
}

struct socket_guard {
    int allow_private;
    int refused;
};

static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct socket_guard *g = arg;

    /* curl's addr has room for the whole address of its family. */
    if (purpose == CURLSOCKTYPE_IPCXN && !g->allow_private && target_addr_private(&a->addr)) {
        g->refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static void
common_options(CURL *h, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, TRANSPORT_CONNECT_S);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, TRANSPORT_TOTAL_S);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    errbuf[0] = '\0';
}

static void
set_error(char err[TRANSPORT_ERR_LEN], CURLcode cc, const char *errbuf)
{
    snprintf(err, TRANSPORT_ERR_LEN, "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
}

static void
copy_etag(CURL *curl, char *etag, size_t size)
{
    struct curl_header *h = NULL;

    if (!etag || !size)
        return;
    etag[0] = '\0';
    if (curl_easy_header(curl, "ETag", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h->value &&
        strlen(h->value) < size)
        snprintf(etag, size, "%s", h->value);
}

int
transport_http_run(const struct transport_http *r, long *status, struct buf *resp,
                   char err[TRANSPORT_ERR_LEN])
{
    return transport_http_run_etag(r, status, resp, NULL, 0, err);
}

int
transport_http_run_etag(const struct transport_http *r, long *status, struct buf *resp, char *etag,
                        size_t size, char err[TRANSPORT_ERR_LEN])
{
    char errbuf[CURL_ERROR_SIZE];
    struct socket_guard guard = {r->allow_private, 0};
    struct curl_slist *hdrs = NULL, *tmp;
    const char *const *h;
    CURL *curl = curl_easy_init();
    CURLcode cc;
    int rc = ERR_NOMEM;

    *status = 0;
    err[0] = '\0';
    if (etag && size)
        etag[0] = '\0';
    if (!curl)
        goto out;
    for (h = r->headers; h && *h; h++) {
        tmp = curl_slist_append(hdrs, *h);
        if (!tmp)
            goto out;
        hdrs = tmp;
    }
    common_options(curl, errbuf);
    curl_easy_setopt(curl, CURLOPT_URL, r->url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &guard);
    /* Through a proxy the address checked would be the proxy's, not the
     * target's: without allow_private there is none. */
    if (!r->allow_private)
        curl_easy_setopt(curl, CURLOPT_PROXY, "");
    if (r->body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    if (r->user && *r->user) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, r->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, r->password ? r->password : "");
    }
    curl_easy_setopt(curl, CURLOPT_USERAGENT, TRANSPORT_USER_AGENT);
    cc = curl_easy_perform(curl);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
        copy_etag(curl, etag, size);
    } else if (guard.refused) {
        snprintf(err, TRANSPORT_ERR_LEN,
                 "refused: the target resolves to a private or loopback address "
                 "(allow_private_targets is off)");
    } else {
        set_error(err, cc, errbuf);
    }
    rc = cc == CURLE_OK ? ERR_OK : ERR_IO;
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(curl);
    return rc;
}

/* Splits "?starttls" off the URL: curl takes the rest as is. */
static int
smtp_url_parts(const char *smtp_url, char *url, size_t size, int *starttls)
{
    const char *q = strchr(smtp_url, '?');
    size_t n = q ? (size_t)(q - smtp_url) : strlen(smtp_url);

    if (n >= size)
        return ERR_INVALID;
    memcpy(url, smtp_url, n);
    url[n] = '\0';
    *starttls = q && strstr(q, "starttls") != NULL;
    return strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0 ? ERR_OK
                                                                               : ERR_INVALID;
}

static int
net_post(const char *url, const char *const *headers, const char *body, size_t len,
         int allow_private, long *status, struct buf *resp)
{
    struct transport_http r = {"POST", url, NULL, NULL, headers, body, len, allow_private};
    char err[TRANSPORT_ERR_LEN];
    int rc = transport_http_run(&r, status, resp, err);

    if (rc != ERR_OK)
        log_line(LOG_WARN, "msg=\"outbound POST failed\" error=\"%s\"", err);
    return rc;
}

const struct net_post transport_net_post = {net_post};

int
transport_smtp_send(const char *smtp_url, const char *ca_file, const char *from, const char *to,
                    const char *message, char err[TRANSPORT_ERR_LEN])
{
    char url[600], addr[300], errbuf[CURL_ERROR_SIZE];
    struct upload up = {message, strlen(message), 0};
    struct curl_slist *rcpt = NULL;
    CURL *curl = NULL;
    CURLcode cc;
    int starttls, rc = ERR_IO;

    snprintf(err, TRANSPORT_ERR_LEN, "smtp_url must be smtp://host:port or smtps://host:port");
    if (smtp_url_parts(smtp_url, url, sizeof(url), &starttls) != ERR_OK)
        goto out;
    snprintf(addr, sizeof(addr), "<%s>", to);
    rcpt = curl_slist_append(NULL, addr);
    curl = curl_easy_init();
    snprintf(err, TRANSPORT_ERR_LEN, "out of memory");
    if (!rcpt || !curl)
        goto out;
    snprintf(addr, sizeof(addr), "<%s>", from);
    common_options(curl, errbuf);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    if (starttls)
        curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (ca_file)
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    cc = curl_easy_perform(curl);
    err[0] = '\0';
    if (cc != CURLE_OK)
        set_error(err, cc, errbuf);
    rc = cc == CURLE_OK ? ERR_OK : ERR_IO;
out:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    return rc;
}

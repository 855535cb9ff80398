#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/conn_guard.h"
#include "http/router.h"
#include "http/static_files.h"
#include "util/err.h"
#include "util/log.h"

/* Connection slots: libmicrohttpd refuses connections past LIMIT, so the
 * connections still delivering a request are capped well below it (and per
 * address far below that) and the rest stay free for clients that finish. */
#define SERVER_CONNECTION_LIMIT 1000
#define SERVER_WAITING_TOTAL 768
#define SERVER_WAITING_PER_ADDRESS 32
/* A hard cap per address of everything, answered or not. */
#define SERVER_PER_ADDRESS_LIMIT 256
/* How often stalled connections are looked for. */
#define SERVER_REAP_INTERVAL_MS 250

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_config cfg;
    struct conn_guard *guard;
    pthread_t reaper;
    int reaper_started;
    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
    int stopping;
};

static int64_t
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The connection's thread sees end of stream and closes it the usual way. */
static void
drop_connection(void *cls, int fd)
{
    (void)cls;
    shutdown(fd, SHUT_RDWR);
}

static struct conn_guard_entry *
guard_entry(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return info ? info->socket_context : NULL;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    struct http_server *s = cls;
    const union MHD_ConnectionInfo *fd, *addr;
    struct conn_guard_entry *e = NULL;

    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn_guard_close(s->guard, *socket_context);
        *socket_context = NULL;
        return;
    }
    fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    addr = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    /* Without memory for the entry the connection goes unguarded: still
     * bounded by the idle timeout and the connection limit. */
    if (fd && conn_guard_open(s->guard, fd->connect_fd, addr ? addr->client_addr : NULL,
                              monotonic_ms(), &e) == ERR_OK)
        *socket_context = e;
}

static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return http_unescape(s);
}

static void *
reaper_main(void *arg)
{
    struct http_server *s = arg;
    struct timespec until;

    pthread_mutex_lock(&s->stop_lock);
    while (!s->stopping) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SERVER_REAP_INTERVAL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &until);
        if (!s->stopping) {
            unsigned n = conn_guard_reap(s->guard, monotonic_ms());

            if (n)
                log_line(LOG_WARN, "msg=\"connections cut at the request deadline\" count=%u", n);
        }
    }
    pthread_mutex_unlock(&s->stop_lock);
    return NULL;
}

static void
add_headers(struct MHD_Response *r, const struct http_resp *resp)
{
    if (resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            resp->cache_control ? resp->cache_control : "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (resp->content_encoding)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, resp->content_encoding);
    if (resp->vary)
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, resp->vary);
    if (resp->etag[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, resp->etag);
    if (resp->set_cookie[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie);
    if (resp->extra_header[0]) {
        char name[64];
        const char *colon = strchr(resp->extra_header, ':');

        if (colon && (size_t)(colon - resp->extra_header) < sizeof(name)) {
            memcpy(name, resp->extra_header, (size_t)(colon - resp->extra_header));
            name[colon - resp->extra_header] = '\0';
            MHD_add_response_header(r, name, colon + 2);
        }
    }
}

static void
send_response(struct MHD_Connection *conn, struct http_resp *resp)
{
    struct MHD_Response *r;
    char *text = NULL;
    size_t len = 0;

    if (resp->shared_body) {
        /* libmicrohttpd drops the reference once the body is sent. */
        r = MHD_create_response_from_buffer_with_free_callback_cls(
            resp->shared_len, (void *)resp->shared_body, resp->shared_release, resp->shared_cls);
        if (!r)
            return; /* http_resp_cleanup drops the reference */
        resp->shared_release = NULL;
        resp->shared_body = NULL;
        add_headers(r, resp);
        MHD_queue_response(conn, (unsigned)resp->status, r);
        MHD_destroy_response(r);
        return;
    }
    if (resp->raw.len) {
        /* The rendered body is handed to libmicrohttpd rather than copied. */
        text = resp->raw.data;
        len = resp->raw.len;
        buf_init(&resp->raw, resp->raw.limit);
    } else if (resp->json) {
        text = json_dumps(resp->json, JSON_COMPACT);
        len = text ? strlen(text) : 0;
    }
    r = text ? MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(text);
        return;
    }
    add_headers(r, resp);
    MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
}

static void
reply_too_large(struct http_req *req, struct MHD_Connection *conn)
{
    struct http_resp resp;

    http_resp_init(&resp);
    http_fail(req, ERR_TOO_LARGE, "the request body exceeds %d bytes", HTTP_BODY_LIMIT);
    http_reply_problem(req, &resp, ERR_TOO_LARGE);
    send_response(conn, &resp);
    http_resp_cleanup(&resp);
}

/* The web app's files are only read: anything else is 405 (RFC 9110
 * 15.5.6), not the router's 404. */
static void
reply_static_method(struct http_req *req, struct MHD_Connection *conn)
{
    struct http_resp resp;

    http_resp_init(&resp);
    http_fail(req, ERR_METHOD, "files of the web app take GET and HEAD only");
    http_reply_problem(req, &resp, ERR_METHOD);
    snprintf(resp.extra_header, sizeof(resp.extra_header), "Allow: GET, HEAD");
    send_response(conn, &resp);
    http_resp_cleanup(&resp);
}

/* States of http_req.body_too_large. */
enum { BODY_FITS, BODY_DROPPED, BODY_REFUSED };

static int
declared_too_large(struct MHD_Connection *conn)
{
    const char *len =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    char *end;
    unsigned long long n;

    if (!len)
        return 0;
    n = strtoull(len, &end, 10);
    return *end == '\0' && n > HTTP_BODY_LIMIT;
}

/* libmicrohttpd calls this first with no state (we allocate it and return:
 * queueing a response on that very first call makes it close keep-alive
 * connections), then once per body chunk, then once more to answer. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_size, void **state)
{
    struct http_server *s = cls;
    struct http_req *req = *state;
    struct http_resp resp;
    struct timespec ts;

    (void)version;
    if (!req) {
        req = malloc(sizeof(*req));
        if (!req)
            return MHD_NO;
        http_req_init(req);
        req->app = s->cfg.app;
        req->conn = conn;
        req->method = method;
        req->path = url;
        *state = req;
        if (declared_too_large(conn)) {
            /* Refusing before the upload starts spares reading it. */
            req->body_too_large = BODY_REFUSED;
            reply_too_large(req, conn);
        }
        return MHD_YES;
    }
    if (req->body_too_large == BODY_REFUSED) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        /* Past the limit the rest is read and dropped: libmicrohttpd 0.9
         * cannot answer before the upload ends. */
        if (!req->body_too_large && buf_append(&req->body, upload_data, *upload_size) != ERR_OK)
            req->body_too_large = BODY_DROPPED;
        *upload_size = 0;
        return MHD_YES;
    }
    /* Headers and body are in: the request met its deadline. */
    conn_guard_received(s->guard, guard_entry(conn));
    if (req->body_too_large) {
        reply_too_large(req, conn);
        return MHD_YES;
    }
    if (static_files_wanted(method, url))
        return static_files_reply(conn, s->cfg.web_root, url) == 0 ? MHD_YES : MHD_NO;
    if (static_files_owns(url)) {
        reply_static_method(req, conn);
        return MHD_YES;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    req->now = ts.tv_sec;
    http_resp_init(&resp);
    s->cfg.handle(req, &resp);
    send_response(conn, &resp);
    http_resp_cleanup(&resp);
    return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **state,
             enum MHD_RequestTerminationCode code)
{
    struct http_server *s = cls;
    struct http_req *req = *state;

    (void)code;
    /* The next request on a kept-alive connection gets a fresh deadline. */
    conn_guard_answered(s->guard, guard_entry(conn), monotonic_ms());
    if (req) {
        http_req_cleanup(req);
        free(req);
        *state = NULL;
    }
}

static void
server_free(struct http_server *s)
{
    if (!s)
        return;
    if (s->reaper_started) {
        pthread_mutex_lock(&s->stop_lock);
        s->stopping = 1;
        pthread_cond_signal(&s->stop_cond);
        pthread_mutex_unlock(&s->stop_lock);
        pthread_join(s->reaper, NULL);
    }
    /* After the daemon, which reports every connection closed to the guard. */
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    conn_guard_free(s->guard);
    pthread_cond_destroy(&s->stop_cond);
    pthread_mutex_destroy(&s->stop_lock);
    free(s);
}

int
http_server_start(const struct http_server_config *cfg, struct http_server **out)
{
    struct conn_guard_config gcfg = {0};
    struct http_server *s = NULL;
    struct sockaddr_in addr;
    int rc;

    *out = NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        log_line(LOG_ERROR, "msg=\"listen address must be an IPv4 address\"");
        return ERR_INVALID;
    }
    rc = ERR_NOMEM;
    s = calloc(1, sizeof(*s));
    if (!s)
        goto out;
    s->cfg = *cfg;
    pthread_mutex_init(&s->stop_lock, NULL);
    pthread_cond_init(&s->stop_cond, NULL);
    gcfg.deadline_ms =
        (int64_t)(cfg->request_timeout_s ? cfg->request_timeout_s : HTTP_REQUEST_TIMEOUT_S) * 1000;
    gcfg.per_address = SERVER_WAITING_PER_ADDRESS;
    gcfg.total = SERVER_WAITING_TOTAL;
    gcfg.drop = drop_connection;
    rc = conn_guard_new(&gcfg, &s->guard);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_IO;
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, cfg->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVER_CONNECTION_LIMIT,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SERVER_PER_ADDRESS_LIMIT,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!s->daemon)
        goto out;
    if (pthread_create(&s->reaper, NULL, reaper_main, s) != 0)
        goto out;
    s->reaper_started = 1;
    *out = s;
    s = NULL;
    rc = ERR_OK;
out:
    server_free(s);
    return rc;
}

void
http_server_stop(struct http_server *s)
{
    server_free(s);
}

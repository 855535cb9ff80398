#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/static_files.h"
#include "util/err.h"
#include "util/log.h"

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_config cfg;
};

static void
send_response(struct MHD_Connection *conn, struct http_resp *resp)
{
    struct MHD_Response *r;
    char *text = NULL;
    size_t len = 0;

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
    if (resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
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
    if (req->body_too_large) {
        reply_too_large(req, conn);
        return MHD_YES;
    }
    if (static_files_wanted(method, url))
        return static_files_reply(conn, s->cfg.web_root, url) == 0 ? MHD_YES : MHD_NO;
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
    struct http_req *req = *state;

    (void)cls;
    (void)conn;
    (void)code;
    if (req) {
        http_req_cleanup(req);
        free(req);
        *state = NULL;
    }
}

int
http_server_start(const struct http_server_config *cfg, struct http_server **out)
{
    struct http_server *s;
    struct sockaddr_in addr;

    *out = NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        log_line(LOG_ERROR, "msg=\"listen address must be an IPv4 address\"");
        return ERR_INVALID;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return ERR_NOMEM;
    s->cfg = *cfg;
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, cfg->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!s->daemon) {
        free(s);
        return ERR_IO;
    }
    *out = s;
    return ERR_OK;
}

void
http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}

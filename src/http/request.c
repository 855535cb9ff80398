/* Request accessors, error recording and response rendering. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "util/err.h"

void
http_req_init(struct http_req *req)
{
    memset(req, 0, sizeof(*req));
    buf_init(&req->body, HTTP_BODY_LIMIT);
    arena_init(&req->arena);
    problem_init(&req->problem);
}

void
http_req_cleanup(struct http_req *req)
{
    if (!req)
        return;
    buf_cleanup(&req->body);
    arena_cleanup(&req->arena);
    json_decref(req->json);
    req->json = NULL;
    problem_cleanup(&req->problem);
}

void
http_resp_init(struct http_resp *resp)
{
    memset(resp, 0, sizeof(*resp));
    buf_init(&resp->raw, 64 * 1024 * 1024);
}

void
http_resp_cleanup(struct http_resp *resp)
{
    if (!resp)
        return;
    json_decref(resp->json);
    resp->json = NULL;
    buf_cleanup(&resp->raw);
    if (resp->shared_release)
        resp->shared_release(resp->shared_cls);
    resp->shared_release = NULL;
    resp->shared_body = NULL;
}

void
http_resp_share(struct http_resp *resp, const char *body, size_t len, void (*release)(void *cls),
                void *cls)
{
    if (resp->shared_release)
        resp->shared_release(resp->shared_cls);
    buf_reset(&resp->raw);
    resp->shared_body = body;
    resp->shared_len = len;
    resp->shared_release = release;
    resp->shared_cls = cls;
}

const char *
http_query(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_collect {
    struct http_query_arg *out;
    size_t max, n;
    int overflow;
};

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct query_collect *q = cls;

    (void)kind;
    if (q->n == q->max) {
        q->overflow = 1;
        return MHD_NO;
    }
    q->out[q->n].name = key;
    q->out[q->n].value = value ? value : "";
    q->n++;
    return MHD_YES;
}

int
http_query_args(struct http_req *req, struct http_query_arg *out, size_t max, size_t *n)
{
    struct query_collect q = {out, max, 0, 0};

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    *n = q.n;
    return q.overflow ? ERR_TOO_LARGE : ERR_OK;
}

const char *
http_header(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_cookie(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void
http_client_address(struct http_req *req, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;

    snprintf(out, size, "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

int
http_body_object(struct http_req *req)
{
    json_error_t jerr;

    if (req->json)
        return ERR_OK;
    if (req->body.len == 0)
        return http_fail(req, ERR_MALFORMED, "the request needs a JSON object body");
    req->json = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req->json)
        return http_fail(req, ERR_MALFORMED, "malformed JSON at line %d column %d: %s", jerr.line,
                         jerr.column, jerr.text);
    if (!json_is_object(req->json))
        return http_fail(req, ERR_MALFORMED, "the request body must be a JSON object");
    return ERR_OK;
}

int
http_fail(struct http_req *req, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problem_vfail(&req->problem, err, fmt, ap);
    va_end(ap);
    return err;
}

int
http_field_error(struct http_req *req, const char *field, const char *message)
{
    return problem_field(&req->problem, field, message);
}

int
http_reply_json(struct http_resp *resp, int status, json_t *json)
{
    if (!json)
        return ERR_NOMEM;
    json_decref(resp->json);
    resp->json = json;
    resp->status = status;
    resp->content_type = "application/json";
    return ERR_OK;
}

int
http_reply_page(struct http_resp *resp, json_t *items, int limit)
{
    json_t *last = json_array_get(items, json_array_size(items) - 1);
    json_t *cursor = (int)json_array_size(items) == limit && limit > 0
                         ? json_copy(json_object_get(last, "id"))
                         : json_null();

    return http_reply_json(resp, 200,
                           json_pack("{s:o, s:o}", "items", items, "next_cursor", cursor));
}

int
http_reply_rendered_page(struct http_req *req, struct http_resp *resp, json_t *items, int limit,
                         int (*render)(struct http_req *req, json_t *item))
{
    json_t *item;
    size_t i;
    int rc = items ? ERR_OK : ERR_NOMEM;

    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK)
            rc = render(req, item);
    }
    if (rc == ERR_OK)
        return http_reply_page(resp, items, limit);
    json_decref(items);
    return rc;
}

/* Every problem is type about:blank, so its title is the status's reason
 * phrase (RFC 9457 4.2.1, phrases from RFC 9110 15); the detail says what
 * went wrong. */
static const struct {
    int err;
    int status;
    const char *title;
} problem_map[] = {
    {ERR_INVALID, 422, "Unprocessable Content"},
    {ERR_MALFORMED, 400, "Bad Request"},
    {ERR_NOT_FOUND, 404, "Not Found"},
    {ERR_METHOD, 405, "Method Not Allowed"},
    {ERR_CONFLICT, 409, "Conflict"},
    {ERR_FORBIDDEN, 403, "Forbidden"},
    {ERR_UNAUTHORIZED, 401, "Unauthorized"},
    {ERR_TOO_LARGE, 413, "Content Too Large"},
    {ERR_RATE_LIMITED, 429, "Too Many Requests"},
    {ERR_NOMEM, 500, "Internal Server Error"},
    {ERR_STORE, 500, "Internal Server Error"},
    {ERR_IO, 500, "Internal Server Error"},
    {ERR_RETRY, 503, "Service Unavailable"},
    {ERR_UNAVAILABLE, 503, "Service Unavailable"},
};

static int
http_status_for(int err)
{
    size_t i;

    for (i = 0; i < sizeof(problem_map) / sizeof(problem_map[0]); i++) {
        if (problem_map[i].err == err)
            return problem_map[i].status;
    }
    return 500;
}

void
http_reply_problem(struct http_req *req, struct http_resp *resp, int err)
{
    const char *title = "Internal Server Error";
    json_t *p;
    size_t i;

    for (i = 0; i < sizeof(problem_map) / sizeof(problem_map[0]); i++) {
        if (problem_map[i].err == err)
            title = problem_map[i].title;
    }
    resp->status = http_status_for(err);
    /* Internal failures never leak their cause to the client. */
    p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title, "status",
                  resp->status, "detail",
                  resp->status >= 500 || !req->problem.detail[0] ? title : req->problem.detail);
    if (p && err == ERR_INVALID)
        json_object_set_new(p, "errors",
                            req->problem.errors ? json_incref(req->problem.errors) : json_array());
    /* RFC 9110 15.5.2: a 401 names how to authenticate; Bearer (API
     * tokens) makes browsers show no login prompt of their own. */
    if (resp->status == 401 && !resp->extra_header[0])
        snprintf(resp->extra_header, sizeof(resp->extra_header),
                 "WWW-Authenticate: Bearer realm=\"chairside\"");
    json_decref(resp->json);
    resp->json = p;
    buf_reset(&resp->raw);
    http_resp_share(resp, NULL, 0, NULL, NULL);
    resp->cache_control = resp->content_encoding = resp->vary = NULL;
    resp->etag[0] = '\0';
    resp->content_type = "application/problem+json";
}

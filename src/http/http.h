/* The HTTP layer's request and response, independent of the handlers that
 * use them. A request owns everything allocated for it (its arena, body,
 * parsed JSON, problem details) until the connection is done with it. */
#ifndef CHAIRSIDE_HTTP_HTTP_H
#define CHAIRSIDE_HTTP_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/problem.h"

#define HTTP_MAX_PATH_IDS 4
#define HTTP_BODY_LIMIT (256 * 1024)

struct MHD_Connection;
struct app;

enum http_role {
    HTTP_ROLE_NONE = 0,
    HTTP_ROLE_PATIENT = 1 << 0,
    HTTP_ROLE_STAFF = 1 << 1,
    HTTP_ROLE_ADMIN = 1 << 2,
};

/* Who is calling, as established from the session cookie. */
struct http_auth {
    int64_t user_id; /* in a login-as session: the staff member acting */
    int64_t session_id;
    int64_t patient_id;
    int64_t as_patient_id; /* set when staff see the portal as this patient */
    int64_t token_id;      /* set for Bearer API tokens */
    enum http_role role;
    char csrf_token[80];
    int64_t session_expires_at;
    /* Session bookkeeping done after the request's read snapshot ends; a
     * login-as request keeps its staff session alive too. */
    int64_t touch_session_id;
    int64_t touch_as_session_id;
    int64_t expired_session_id;
    int64_t expired_as_session_id;
};

struct http_req {
    struct app *app;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    struct buf body;
    int body_too_large;
    struct arena arena;
    struct store_conn *db; /* borrowed from the pool while handling */
    struct http_auth auth;
    int64_t ids[HTTP_MAX_PATH_IDS]; /* numeric {id} segments of the path */
    int n_ids;
    json_t *json;           /* parsed body, owned */
    struct problem problem; /* why it failed, set by handlers and services */
    int64_t now;            /* request time, UTC seconds */
    const void *route_ctx;
    int audited; /* the handler wrote its own audit line */
};

struct http_resp {
    int status;
    json_t *json;   /* owned; rendered when raw is empty */
    struct buf raw; /* a body rendered by the handler itself */
    const char *content_type;
    char set_cookie[256];
    char extra_header[128]; /* "Name: value" or empty */
    /* Representation headers, each sent when set. cache_control replaces
     * the default "no-store". */
    const char *cache_control;
    const char *content_encoding;
    const char *vary;
    char etag[64];
    /* A body someone else owns, kept alive by a reference that
     * shared_release(shared_cls) drops once it is sent (or the response is
     * cleaned up unsent); takes the place of raw and json. */
    const char *shared_body;
    size_t shared_len;
    void (*shared_release)(void *cls);
    void *shared_cls;
};

void http_req_init(struct http_req *req);
void http_req_cleanup(struct http_req *req);
void http_resp_init(struct http_resp *resp);
void http_resp_cleanup(struct http_resp *resp);
/* Makes body[0..len) the response body, shared as described above. */
void http_resp_share(struct http_resp *resp, const char *body, size_t len,
                     void (*release)(void *cls), void *cls);

/* Query string and header values; NULL when absent. */
const char *http_query(struct http_req *req, const char *name);
const char *http_header(struct http_req *req, const char *name);
const char *http_cookie(struct http_req *req, const char *name);
/* Every query argument in the order sent (a name may repeat, as FHIR's
 * start=ge..&start=lt.. does); value is "" for a bare name. Both point
 * into the connection's memory. ERR_TOO_LARGE when there are more than
 * max. */
struct http_query_arg {
    const char *name;
    const char *value;
};
int http_query_args(struct http_req *req, struct http_query_arg *out, size_t max, size_t *n);
/* The peer's address as text, for logs and rate limits. */
void http_client_address(struct http_req *req, char *out, size_t size);

/* Parses the body as a JSON object into req->json. ERR_MALFORMED when it is
 * not one. */
int http_body_object(struct http_req *req);

/* Record why a request failed; returns err so handlers can write
 * `return http_fail(req, ERR_CONFLICT, "...")`. */
int http_fail(struct http_req *req, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a validation error; returns ERR_INVALID. */
int http_field_error(struct http_req *req, const char *field, const char *message);

/* Success responses. json is stolen. */
int http_reply_json(struct http_resp *resp, int status, json_t *json);
/* A list page {items, next_cursor}: the cursor is the last item's id when
 * the page is full (more may follow), else null. items is stolen. */
int http_reply_page(struct http_resp *resp, json_t *items, int limit);
/* Runs render on every item (until one fails), then replies the page.
 * items is stolen either way. */
int http_reply_rendered_page(struct http_req *req, struct http_resp *resp, json_t *items, int limit,
                             int (*render)(struct http_req *req, json_t *item));
/* Fills resp with application/problem+json for err and req's details. */
void http_reply_problem(struct http_req *req, struct http_resp *resp, int err);

#endif

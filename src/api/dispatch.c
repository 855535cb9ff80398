/* Every request passes here: route, authenticate, authorise, run the
 * handler, turn its error into problem+json and write one log line. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/app.h"
#include "api/auth.h"
#include "api/fhir.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
authorise(struct http_req *req, const struct http_route *route)
{
    /* Public writes made with a session cookie still need its CSRF token;
     * logging in again is the one exception, as it replaces the session. */
    if (!route->roles)
        return route->handler == api_login ? ERR_OK : auth_check_csrf(req);
    if (req->auth.role == HTTP_ROLE_NONE)
        return http_fail(req, ERR_UNAUTHORIZED, "log in first");
    if (!(route->roles & req->auth.role))
        return http_fail(req, ERR_FORBIDDEN, "your role may not do this");
    return auth_check_csrf(req);
}

/* A write the database aborted (a serialization failure or a deadlock on
 * PostgreSQL) rolled back whole, so running the handler again is safe;
 * after a few tries the caller gets 503, never 500. */
#define DISPATCH_RETRIES 4

static int
run_handler(struct http_req *req, struct http_resp *resp, const struct http_route *route,
            int reading)
{
    int rc, attempt;

    for (attempt = 1;; attempt++) {
        rc = route->handler(req, resp);
        if (rc != ERR_RETRY || reading || attempt == DISPATCH_RETRIES)
            return rc;
        log_line(LOG_INFO, "msg=\"transaction retried\" path=%s attempt=%d", req->path, attempt);
        store_rollback(req->db);
        http_resp_cleanup(resp);
        http_resp_init(resp);
        problem_cleanup(&req->problem);
        problem_init(&req->problem);
    }
}

/* GET and HEAD only read. */
static int
is_read(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static int
run(struct http_req *req, struct http_resp *resp)
{
    const struct http_route *route;
    enum http_match m;
    int rc, reading;

    m = http_route_find(api_routes, api_routes_count, req->method, req->path, req, &route);
    if (m == HTTP_MATCH_NONE)
        return http_fail(req, ERR_NOT_FOUND, "no such endpoint");
    if (m == HTTP_MATCH_WRONG_METHOD) {
        char allow[96];

        /* RFC 9110 15.5.6: a 405 lists the methods the path does take. */
        http_route_allow(api_routes, api_routes_count, req->path, allow, sizeof(allow));
        snprintf(resp->extra_header, sizeof(resp->extra_header), "Allow: %s", allow);
        return http_fail(req, ERR_METHOD, "this endpoint does not take %s", req->method);
    }
    req->route_ctx = route->ctx;
    req->db = store_acquire(req->app->store);
    /* A read gets one snapshot for all its queries: consistent, and the
     * database's locks are taken once instead of once per statement. */
    reading = is_read(req->method);
    rc = reading ? store_begin(req->db, 0) : ERR_OK;
    if (rc == ERR_OK)
        rc = auth_resolve(req);
    /* A bad credential on a public route is the same as none. */
    if (rc == ERR_UNAUTHORIZED && !route->roles) {
        memset(&req->auth, 0, sizeof(req->auth));
        rc = ERR_OK;
    }
    if (rc == ERR_OK)
        rc = authorise(req, route);
    if (rc == ERR_OK)
        rc = run_handler(req, resp, route, reading);
    if (reading)
        store_rollback(req->db);
    auth_finish(req);
    store_release(req->app->store, req->db);
    req->db = NULL;
    return rc;
}

/* Every write, and everything a staff member does as a patient, leaves an
 * audit line, whether it succeeded or not. */
static void
audit(struct http_req *req, int status)
{
    if (req->audited || (is_read(req->method) && !req->auth.as_patient_id) ||
        strcmp(req->path, "/healthz") == 0)
        return;
    req->db = store_acquire(req->app->store);
    auth_audit(req, req->auth.as_patient_id ? "as_patient" : "write", req->auth.user_id, status);
    store_release(req->app->store, req->db);
    req->db = NULL;
}

void
api_handle(struct http_req *req, struct http_resp *resp)
{
    int64_t started = now_us();
    int rc = run(req, resp);

    if (rc != ERR_OK && fhir_is_path(req->path))
        fhir_reply_outcome(req, resp, rc);
    else if (rc != ERR_OK)
        http_reply_problem(req, resp, rc);
    if (!resp->status)
        resp->status = 200;
    audit(req, resp->status);
    /* Paths carry only ids; query strings may hold names, so they stay out. */
    log_line(LOG_INFO, "msg=request method=%s path=%s status=%d us=%lld", req->method, req->path,
             resp->status, (long long)(now_us() - started));
}

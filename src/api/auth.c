#include "api/auth.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/resource.h"
#include "service/users.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/secret.h"

static enum http_role
role_from_name(const char *name)
{
    if (strcmp(name, "admin") == 0)
        return HTTP_ROLE_ADMIN;
    if (strcmp(name, "staff") == 0)
        return HTTP_ROLE_STAFF;
    if (strcmp(name, "patient") == 0)
        return HTTP_ROLE_PATIENT;
    return HTTP_ROLE_NONE;
}

static const char *
role_name(enum http_role role)
{
    switch (role) {
    case HTTP_ROLE_ADMIN:
        return "admin";
    case HTTP_ROLE_STAFF:
        return "staff";
    case HTTP_ROLE_PATIENT:
        return "patient";
    case HTTP_ROLE_NONE:
        break;
    }
    return "none";
}

/* A Bearer token stands for an integration with the token's role. */
static int
resolve_bearer(struct http_req *req, const char *header)
{
    unsigned char hash[SECRET_HASH_LEN];
    struct store_token t;
    int rc;

    if (strncmp(header, "Bearer ", 7) != 0 || strlen(header + 7) >= SECRET_TOKEN_LEN + 8)
        return http_fail(req, ERR_UNAUTHORIZED, "malformed Authorization header");
    secret_token_hash(header + 7, hash);
    rc = store_token_lookup(req->db, hash, sizeof(hash), &t);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_UNAUTHORIZED, "unknown or revoked API token");
    if (rc == ERR_OK) {
        req->auth.token_id = t.id;
        req->auth.role = role_from_name(t.role);
        req->auth.patient_id = t.patient_id;
    }
    return rc;
}

/* Looks up the session behind a cookie; ERR_NOT_FOUND when there is no
 * live one (*expired is then set when it has just run out). *touch is set
 * when its use should be recorded. */
static int
resolve_session(struct http_req *req, const char *token, struct store_session *s,
                struct store_user *u, int64_t *expired, int64_t *touch)
{
    unsigned char hash[SECRET_HASH_LEN];
    int touch_after = req->app->session_idle_s / 4 < 60 ? req->app->session_idle_s / 4 : 60;
    int rc;

    if (!token || strlen(token) >= SECRET_TOKEN_LEN + 8)
        return ERR_NOT_FOUND;
    secret_token_hash(token, hash);
    rc = store_session_lookup(req->db, hash, sizeof(hash), s, u);
    if (rc != ERR_OK)
        return rc;
    if (req->now >= s->expires_at || req->now - s->last_seen_at >= req->app->session_idle_s) {
        *expired = s->id;
        return ERR_NOT_FOUND;
    }
    /* Recording use now and then is enough for the idle timeout. */
    if (req->now - s->last_seen_at >= touch_after)
        *touch = s->id;
    return ERR_OK;
}

/* The session of the request: the staff or patient session of the main
 * cookie, or the login-as session beside it when that was opened from it.
 * A login-as session alone is nobody: it lives only inside its staff
 * session, so ending (or losing) that one ends the patient view too. */
static int
resolve_sessions(struct http_req *req, struct store_session *s, struct store_user *u)
{
    struct http_auth *a = &req->auth;
    struct store_session as;
    int rc = resolve_session(req, http_cookie(req, AUTH_COOKIE), s, u, &a->expired_session_id,
                             &a->touch_session_id);

    /* A login-as token sent as the main cookie must not stand alone. */
    if (rc == ERR_OK && s->parent_id)
        rc = ERR_NOT_FOUND;
    if (rc != ERR_OK)
        return rc;
    a->session_expires_at = s->expires_at;
    /* The same user as the main session's, or no login-as at all. */
    rc = resolve_session(req, http_cookie(req, AUTH_AS_COOKIE), &as, NULL,
                         &a->expired_as_session_id, &a->touch_as_session_id);
    if (rc == ERR_OK && as.parent_id == s->id && as.user_id == s->user_id) {
        *s = as;
        return ERR_OK;
    }
    a->touch_as_session_id = 0;
    return rc == ERR_NOT_FOUND || rc == ERR_OK ? ERR_OK : rc;
}

int
auth_resolve(struct http_req *req)
{
    const char *bearer = http_header(req, "Authorization");
    struct store_session s;
    struct store_user u;
    int rc;

    if (bearer)
        return resolve_bearer(req, bearer);
    rc = resolve_sessions(req, &s, &u);
    /* Disabling ends the sessions; this also covers one begun meanwhile. */
    if (rc == ERR_OK && u.disabled_at > 0)
        rc = ERR_NOT_FOUND;
    if (rc != ERR_OK)
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    req->auth.user_id = u.id;
    req->auth.session_id = s.id;
    req->auth.patient_id = s.as_patient_id ? s.as_patient_id : u.patient_id;
    req->auth.as_patient_id = s.as_patient_id;
    req->auth.role = s.as_patient_id ? HTTP_ROLE_PATIENT : role_from_name(u.role);
    snprintf(req->auth.csrf_token, sizeof(req->auth.csrf_token), "%s", s.csrf_token);
    return ERR_OK;
}

void
auth_finish(struct http_req *req)
{
    const struct http_auth *a = &req->auth;

    if (a->expired_as_session_id)
        store_session_delete(req->db, a->expired_as_session_id);
    if (a->expired_session_id)
        store_session_delete(req->db, a->expired_session_id);
    if (a->touch_session_id)
        store_session_touch(req->db, a->touch_session_id, req->now);
    if (a->touch_as_session_id)
        store_session_touch(req->db, a->touch_as_session_id, req->now);
}

int
auth_check_csrf(struct http_req *req)
{
    const char *sent = http_header(req, "X-CSRF-Token");

    if (!req->auth.session_id || strcmp(req->method, "GET") == 0 ||
        strcmp(req->method, "HEAD") == 0)
        return ERR_OK;
    if (!sent || !secret_equal(sent, req->auth.csrf_token))
        return http_fail(req, ERR_FORBIDDEN, "missing or wrong X-CSRF-Token header");
    return ERR_OK;
}

static json_t *
me_json(struct http_req *req, const char *email)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:b}", "id", (json_int_t)req->auth.user_id, "email",
                     email, "role", role_name(req->auth.role), "patient_id",
                     req->auth.patient_id ? json_integer(req->auth.patient_id) : json_null(),
                     "csrf_token", req->auth.csrf_token, "login_as", req->auth.as_patient_id > 0);
}

int
auth_audit(struct http_req *req, const char *action, int64_t actor_user_id, int status)
{
    char address[64];
    struct store_audit a;

    auth_audit_line(req, action, actor_user_id, status, &a, address, sizeof(address));
    req->audited = 1;
    return store_audit_add(req->db, &a);
}

void
auth_audit_line(struct http_req *req, const char *action, int64_t actor_user_id, int status,
                struct store_audit *a, char *address, size_t size)
{
    http_client_address(req, address, size);
    memset(a, 0, sizeof(*a));
    a->at = req->now;
    a->actor_user_id = actor_user_id;
    a->as_patient_id = req->auth.as_patient_id;
    a->action = action;
    a->method = req->method;
    a->path = req->path;
    a->status = status;
    a->address = address;
}

/* A new session for user_id, sent back in cookie. With as_patient_id > 0
 * it is a login-as view inside the request's own session, ending no later
 * than that one. */
static int
start_session(struct http_req *req, struct http_resp *resp, int64_t user_id, int64_t as_patient_id,
              const char *cookie)
{
    char token[SECRET_TOKEN_LEN];
    unsigned char hash[SECRET_HASH_LEN];
    struct store_session s = {0};
    int rc;

    secret_token(token);
    secret_token_hash(token, hash);
    secret_token(s.csrf_token);
    s.user_id = user_id;
    s.as_patient_id = as_patient_id;
    s.created_at = s.last_seen_at = req->now;
    s.expires_at = req->now + req->app->session_max_s;
    if (as_patient_id > 0) {
        s.parent_id = req->auth.session_id;
        if (req->auth.session_expires_at < s.expires_at)
            s.expires_at = req->auth.session_expires_at;
    }
    rc = store_session_create(req->db, hash, sizeof(hash), &s, &req->auth.session_id);
    if (rc != ERR_OK)
        return rc;
    snprintf(req->auth.csrf_token, sizeof(req->auth.csrf_token), "%s", s.csrf_token);
    snprintf(resp->set_cookie, sizeof(resp->set_cookie),
             "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", cookie, token,
             (long long)(s.expires_at - req->now), req->app->secure_cookies ? "; Secure" : "");
    return ERR_OK;
}

int
auth_login_user(struct http_req *req, struct http_resp *resp, const struct store_user *u)
{
    int rc = start_session(req, resp, u->id, 0, AUTH_COOKIE);

    if (rc != ERR_OK)
        return rc;
    req->auth.user_id = u->id;
    req->auth.patient_id = u->patient_id;
    req->auth.as_patient_id = 0;
    req->auth.role = role_from_name(u->role);
    return auth_audit(req, "login", u->id, 200);
}

int
api_login(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *email = NULL, *password = NULL;
    char address[64];
    struct store_user u = {0};
    int rc, bad = 0;

    rc = http_body_object(req);
    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "email", 1, 254, &email) != ERR_OK;
    bad |= in_text(req, "password", 1, SECRET_PASSWORD_MAX, &password) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    http_client_address(req, address, sizeof(address));
    rc = users_authenticate(&sv, email, password, address, &u);
    if (rc == ERR_RATE_LIMITED)
        snprintf(resp->extra_header, sizeof(resp->extra_header), "Retry-After: %d",
                 USERS_FAIL_WINDOW_S);
    if (rc == ERR_UNAUTHORIZED)
        auth_audit(req, "login_failed", u.id > 0 ? u.id : 0, 401);
    if (rc == ERR_OK)
        rc = auth_login_user(req, resp, &u);
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "user", me_json(req, u.email)));
    return rc;
}

int
api_login_as(struct http_req *req, struct http_resp *resp)
{
    struct store_user staff;
    json_t *row = NULL;
    int64_t patient_id = req->ids[0];
    int rc = store_row_get(req->db, &setup_patients.table, patient_id, &row);

    json_decref(row);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such patient");
    /* The view lives inside a staff session (not an API token's request). */
    if (rc == ERR_OK && (!req->auth.user_id || !req->auth.session_id || req->auth.as_patient_id))
        rc = http_fail(req, ERR_FORBIDDEN, "log in as a staff member to view as a patient");
    if (rc == ERR_OK)
        rc = store_user_get(req->db, req->auth.user_id, &staff);
    if (rc == ERR_OK)
        rc = start_session(req, resp, staff.id, patient_id, AUTH_AS_COOKIE);
    if (rc != ERR_OK)
        return rc;
    req->auth.as_patient_id = req->auth.patient_id = patient_id;
    req->auth.role = HTTP_ROLE_PATIENT;
    rc = auth_audit(req, "login_as", staff.id, 200);
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "user", me_json(req, staff.email)));
    return rc;
}

/* Ending a login-as session returns to the staff session beside it. */
int
api_logout(struct http_req *req, struct http_resp *resp)
{
    int rc = req->auth.token_id ? http_fail(req, ERR_MALFORMED, "API tokens do not log out")
                                : store_session_delete(req->db, req->auth.session_id);

    snprintf(resp->set_cookie, sizeof(resp->set_cookie),
             "%s=; Path=/; HttpOnly; SameSite=Lax; "
             "Max-Age=0",
             req->auth.as_patient_id ? AUTH_AS_COOKIE : AUTH_COOKIE);
    if (rc == ERR_OK)
        rc = http_reply_json(
            resp, 200,
            json_pack("{s:b, s:b}", "logged_out", 1, "back_to_staff", req->auth.as_patient_id > 0));
    return rc;
}

/* A login-as session also names whom staff are viewing as and who they
 * are, so the portal's banner needs no second request. */
static int
me_login_as(struct http_req *req, const struct store_user *u, json_t *me)
{
    json_t *row = NULL, *name;
    int rc = store_row_get(req->db, &setup_patients.table, req->auth.as_patient_id, &row);

    if (rc == ERR_NOT_FOUND) {
        json_object_set_new(me, "patient", json_null());
        rc = ERR_OK;
    } else if (rc == ERR_OK) {
        name = json_object_get(row, "name");
        json_object_set_new(me, "patient",
                            json_pack("{s:I, s:O}", "id", (json_int_t)req->auth.as_patient_id,
                                      "name", name ? name : json_null()));
    }
    if (rc == ERR_OK)
        json_object_set_new(me, "acting_staff",
                            json_pack("{s:I, s:s}", "id", (json_int_t)u->id, "email", u->email));
    json_decref(row);
    return rc;
}

int
api_me(struct http_req *req, struct http_resp *resp)
{
    struct store_user u = {0};
    json_t *me = NULL;
    int rc = req->auth.token_id ? ERR_OK : store_user_get(req->db, req->auth.user_id, &u);

    if (rc == ERR_OK)
        me = me_json(req, u.email);
    if (rc == ERR_OK && !me)
        rc = ERR_NOMEM;
    if (rc == ERR_OK && req->auth.as_patient_id > 0)
        rc = me_login_as(req, &u, me);
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200, me);
        me = NULL;
    }
    json_decref(me);
    return rc;
}

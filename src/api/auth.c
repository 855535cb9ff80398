#include "api/auth.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
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

int
auth_resolve(struct http_req *req)
{
    const char *token = http_cookie(req, AUTH_COOKIE);
    unsigned char hash[SECRET_HASH_LEN];
    struct store_session s;
    struct store_user u;
    int rc;

    if (!token || strlen(token) >= SECRET_TOKEN_LEN + 8)
        return ERR_OK;
    secret_token_hash(token, hash);
    rc = store_session_lookup(req->db, hash, sizeof(hash), &s);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc != ERR_OK)
        return rc;
    if (req->now >= s.expires_at || req->now - s.last_seen_at >= AUTH_IDLE_S) {
        req->auth.expired_session_id = s.id;
        return ERR_OK;
    }
    rc = store_user_get(req->db, s.user_id, &u);
    if (rc != ERR_OK)
        return rc == ERR_NOT_FOUND ? ERR_OK : rc;
    /* Recording use once a minute is enough for the idle timeout. */
    if (req->now - s.last_seen_at >= 60)
        req->auth.touch_session_id = s.id;
    req->auth.user_id = u.id;
    req->auth.session_id = s.id;
    req->auth.patient_id = u.patient_id;
    req->auth.role = role_from_name(u.role);
    snprintf(req->auth.csrf_token, sizeof(req->auth.csrf_token), "%s", s.csrf_token);
    return ERR_OK;
}

void
auth_finish(struct http_req *req)
{
    if (req->auth.expired_session_id)
        store_session_delete(req->db, req->auth.expired_session_id);
    if (req->auth.touch_session_id)
        store_session_touch(req->db, req->auth.touch_session_id, req->now);
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
    return json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)req->auth.user_id, "email",
                     email, "role", role_name(req->auth.role), "patient_id",
                     req->auth.patient_id ? json_integer(req->auth.patient_id) : json_null(),
                     "csrf_token", req->auth.csrf_token);
}

static int
rate_limited(struct http_req *req, const char *email, const char *address)
{
    int by_email = 0, by_address = 0;
    int rc = store_login_failure_count(req->db, email, address, req->now - AUTH_FAIL_WINDOW_S,
                                       &by_email, &by_address);

    if (rc != ERR_OK)
        return rc;
    if (by_email >= AUTH_FAIL_MAX_EMAIL || by_address >= AUTH_FAIL_MAX_ADDRESS)
        return http_fail(req, ERR_RATE_LIMITED, "too many failed logins; try again later");
    return ERR_OK;
}

static int
start_session(struct http_req *req, struct http_resp *resp, const struct store_user *u)
{
    char token[SECRET_TOKEN_LEN];
    unsigned char hash[SECRET_HASH_LEN];
    struct store_session s = {0};
    int rc;

    secret_token(token);
    secret_token_hash(token, hash);
    secret_token(s.csrf_token);
    s.user_id = u->id;
    s.created_at = s.last_seen_at = req->now;
    s.expires_at = req->now + AUTH_ABSOLUTE_S;
    rc = store_session_create(req->db, hash, sizeof(hash), &s, &req->auth.session_id);
    if (rc != ERR_OK)
        return rc;
    req->auth.user_id = u->id;
    req->auth.patient_id = u->patient_id;
    req->auth.role = role_from_name(u->role);
    snprintf(req->auth.csrf_token, sizeof(req->auth.csrf_token), "%s", s.csrf_token);
    snprintf(resp->set_cookie, sizeof(resp->set_cookie),
             AUTH_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
             AUTH_ABSOLUTE_S, req->app->secure_cookies ? "; Secure" : "");
    return ERR_OK;
}

int
api_login(struct http_req *req, struct http_resp *resp)
{
    const char *email = NULL, *password = NULL;
    char address[64];
    struct store_user u;
    int rc, bad = 0;

    rc = http_body_object(req);
    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "email", 1, 254, &email) != ERR_OK;
    bad |= in_text(req, "password", 1, SECRET_PASSWORD_MAX, &password) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    http_client_address(req, address, sizeof(address));
    rc = rate_limited(req, email, address);
    if (rc != ERR_OK) {
        if (rc == ERR_RATE_LIMITED)
            snprintf(resp->extra_header, sizeof(resp->extra_header), "Retry-After: %d",
                     AUTH_FAIL_WINDOW_S);
        return rc;
    }
    rc = store_user_by_email(req->db, email, &u);
    if (rc == ERR_OK)
        rc = secret_password_verify(u.password_hash, password);
    else if (rc == ERR_NOT_FOUND)
        rc = ERR_UNAUTHORIZED;
    if (rc == ERR_UNAUTHORIZED) {
        store_login_failure_add(req->db, email, address, req->now);
        log_line(LOG_INFO, "msg=\"login failed\" address=%s", address);
        return http_fail(req, rc, "wrong e-mail or password");
    }
    if (rc == ERR_OK)
        rc = start_session(req, resp, &u);
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "user", me_json(req, u.email)));
    return rc;
}

int
api_logout(struct http_req *req, struct http_resp *resp)
{
    int rc = store_session_delete(req->db, req->auth.session_id);

    snprintf(resp->set_cookie, sizeof(resp->set_cookie),
             AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:b}", "logged_out", 1));
    return rc;
}

int
api_me(struct http_req *req, struct http_resp *resp)
{
    struct store_user u;
    int rc = store_user_get(req->db, req->auth.user_id, &u);

    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, me_json(req, u.email));
    return rc;
}

/* Sessions: login, logout, and resolving the caller of each request. */
#ifndef CHAIRSIDE_API_AUTH_H
#define CHAIRSIDE_API_AUTH_H

#include "http/http.h"

#define AUTH_COOKIE "chairside_session"
#define AUTH_AS_COOKIE "chairside_as" /* a staff member's login-as session */
#define AUTH_IDLE_S (2 * 3600)        /* defaults of app.session_idle_s */
#define AUTH_ABSOLUTE_S (12 * 3600)   /* and app.session_max_s */

/* Fills req->auth from the session cookie, if any and still valid. */
int auth_resolve(struct http_req *req);
/* Records session use and removes an expired session; call outside any
 * read transaction. */
void auth_finish(struct http_req *req);
/* Cookie-authenticated writes must echo the session's CSRF token. */
int auth_check_csrf(struct http_req *req);

/* One line in the audit log for this request. */
int auth_audit(struct http_req *req, const char *action, int64_t actor_user_id, int status);
struct store_audit;
/* The line auth_audit writes, for a use case to write in its own commit;
 * a->address points into address (size bytes). */
void auth_audit_line(struct http_req *req, const char *action, int64_t actor_user_id, int status,
                     struct store_audit *a, char *address, size_t size);

struct store_user;
/* Starts a session for u (cookie in resp) and records the login. */
int auth_login_user(struct http_req *req, struct http_resp *resp, const struct store_user *u);

int api_login(struct http_req *req, struct http_resp *resp);
int api_login_as(struct http_req *req, struct http_resp *resp);
int api_logout(struct http_req *req, struct http_resp *resp);
int api_me(struct http_req *req, struct http_resp *resp);

#endif

/* Sessions: login, logout, and resolving the caller of each request. */
#ifndef CHAIRSIDE_API_AUTH_H
#define CHAIRSIDE_API_AUTH_H

#include "http/http.h"

#define AUTH_COOKIE "chairside_session"
#define AUTH_IDLE_S (2 * 3600)       /* a session unused this long ends */
#define AUTH_ABSOLUTE_S (12 * 3600)  /* and none lives longer than this */
#define AUTH_FAIL_WINDOW_S (15 * 60) /* failed logins counted over this */
#define AUTH_FAIL_MAX_EMAIL 5
#define AUTH_FAIL_MAX_ADDRESS 20

/* Fills req->auth from the session cookie, if any and still valid. */
int auth_resolve(struct http_req *req);
/* Records session use and removes an expired session; call outside any
 * read transaction. */
void auth_finish(struct http_req *req);
/* Cookie-authenticated writes must echo the session's CSRF token. */
int auth_check_csrf(struct http_req *req);

int api_login(struct http_req *req, struct http_resp *resp);
int api_logout(struct http_req *req, struct http_resp *resp);
int api_me(struct http_req *req, struct http_resp *resp);

#endif

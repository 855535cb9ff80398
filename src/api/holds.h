/* POST /holds and DELETE /holds/{id}, and who holds: a logged-in session,
 * or a visitor known by a cookie of their own. */
#ifndef CHAIRSIDE_API_HOLDS_H
#define CHAIRSIDE_API_HOLDS_H

#include <stddef.h>

#include "http/http.h"

#define HOLDS_VISITOR_COOKIE "chairside_visitor"
#define HOLDS_HOLDER_LEN 80

/* The caller's holder name into out[HOLDS_HOLDER_LEN]: "session:<id>"
 * for a session, "visitor:<hash of the cookie>" for a visitor with the
 * cookie. A visitor without one gets a new cookie in resp when resp is not
 * NULL; otherwise out is empty (the caller holds nothing). */
void api_holder(struct http_req *req, struct http_resp *resp, char *out);

int api_holds_create(struct http_req *req, struct http_resp *resp);
int api_holds_delete(struct http_req *req, struct http_resp *resp);

#endif

#ifndef CHAIRSIDE_API_APPOINTMENTS_H
#define CHAIRSIDE_API_APPOINTMENTS_H

#include "core/recurrence.h"
#include "http/http.h"

int api_appointments_create(struct http_req *req, struct http_resp *resp);
int api_appointments_list(struct http_req *req, struct http_resp *resp);
int api_appointments_get(struct http_req *req, struct http_resp *resp);
int api_appointments_update(struct http_req *req, struct http_resp *resp);
/* A store row in the API's shape (times in the staff member's zone). */
int appointments_render(struct http_req *req, json_t *row);
int api_appointments_cancel(struct http_req *req, struct http_resp *resp);

/* The optional body's "recurrence" object {every, interval, until} into
 * rule; errors name "recurrence.<field>". */
int api_read_recurrence(struct http_req *req, struct recur_rule *rule);
/* The optional body's "scope" ("this" when absent): "this", "following"
 * or "series", else a field error. */
int api_read_scope(struct http_req *req, const char **scope);

#endif

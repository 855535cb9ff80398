/* A staff member's weekly shifts and time off. */
#ifndef CHAIRSIDE_API_STAFF_SCHEDULE_H
#define CHAIRSIDE_API_STAFF_SCHEDULE_H

#include "http/http.h"

int api_shifts_get(struct http_req *req, struct http_resp *resp);
int api_shifts_put(struct http_req *req, struct http_resp *resp);
int api_time_off_list(struct http_req *req, struct http_resp *resp);
int api_time_off_create(struct http_req *req, struct http_resp *resp);
int api_time_off_delete(struct http_req *req, struct http_resp *resp);

#endif

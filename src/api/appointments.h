#ifndef CHAIRSIDE_API_APPOINTMENTS_H
#define CHAIRSIDE_API_APPOINTMENTS_H

#include "http/http.h"

int api_appointments_create(struct http_req *req, struct http_resp *resp);
int api_appointments_list(struct http_req *req, struct http_resp *resp);
int api_appointments_get(struct http_req *req, struct http_resp *resp);
int api_appointments_update(struct http_req *req, struct http_resp *resp);
/* A store row in the API's shape (times in the staff member's zone). */
int appointments_render(struct http_req *req, json_t *row);
int api_appointments_cancel(struct http_req *req, struct http_resp *resp);

#endif

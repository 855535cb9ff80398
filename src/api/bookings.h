#ifndef CHAIRSIDE_API_BOOKINGS_H
#define CHAIRSIDE_API_BOOKINGS_H

#include "http/http.h"

int api_bookings_create(struct http_req *req, struct http_resp *resp);
int api_bookings_list(struct http_req *req, struct http_resp *resp);
int api_bookings_get(struct http_req *req, struct http_resp *resp);
int api_bookings_update(struct http_req *req, struct http_resp *resp);
int api_bookings_cancel(struct http_req *req, struct http_resp *resp);
int api_bookings_history(struct http_req *req, struct http_resp *resp);

#endif

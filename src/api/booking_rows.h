/* Helpers shared by the booking handlers (bookings.c, bookings_change.c). */
#ifndef CHAIRSIDE_API_BOOKING_ROWS_H
#define CHAIRSIDE_API_BOOKING_ROWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* Store row -> API shape (times in the location's zone). */
int booking_render(struct http_req *req, json_t *row);
/* A booking the caller may see; another patient's is ERR_NOT_FOUND. */
int booking_load(struct http_req *req, int64_t id, json_t **out);
/* Replies with the booking as stored now. */
int booking_reply(struct http_req *req, struct http_resp *resp, int64_t id, int status);

#endif

/* Consumables at the API: a service's bill of materials and a booking's
 * consumables. */
#ifndef CHAIRSIDE_API_CONSUMABLES_H
#define CHAIRSIDE_API_CONSUMABLES_H

#include "http/http.h"

int api_service_consumables_get(struct http_req *req, struct http_resp *resp);
int api_service_consumables_put(struct http_req *req, struct http_resp *resp);
int api_booking_consumables_get(struct http_req *req, struct http_resp *resp);
int api_booking_consumables_put(struct http_req *req, struct http_resp *resp);

#endif

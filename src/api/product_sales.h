/* Products sold on a visit at the API. */
#ifndef CHAIRSIDE_API_PRODUCT_SALES_H
#define CHAIRSIDE_API_PRODUCT_SALES_H

#include "http/http.h"

int api_booking_products_add(struct http_req *req, struct http_resp *resp);
int api_booking_products_remove(struct http_req *req, struct http_resp *resp);

#endif

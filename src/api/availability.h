#ifndef CHAIRSIDE_API_AVAILABILITY_H
#define CHAIRSIDE_API_AVAILABILITY_H

#include "http/http.h"

int api_availability(struct http_req *req, struct http_resp *resp);

#endif

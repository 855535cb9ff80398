#ifndef CHAIRSIDE_API_HEALTH_H
#define CHAIRSIDE_API_HEALTH_H

#include "http/http.h"

int api_health(struct http_req *req, struct http_resp *resp);
/* The OpenAPI description, compiled into the binary from docs/. */
int api_openapi(struct http_req *req, struct http_resp *resp);

#endif

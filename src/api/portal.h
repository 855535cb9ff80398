/* What a patient sees of their own records. */
#ifndef CHAIRSIDE_API_PORTAL_H
#define CHAIRSIDE_API_PORTAL_H

#include "http/http.h"

int api_me_appointments(struct http_req *req, struct http_resp *resp);
int api_me_profile(struct http_req *req, struct http_resp *resp);

#endif

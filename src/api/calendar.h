#ifndef CHAIRSIDE_API_CALENDAR_H
#define CHAIRSIDE_API_CALENDAR_H

#include "http/http.h"

int api_calendar(struct http_req *req, struct http_resp *resp);

#endif

/* The scheduling handlers' own part: reading days from the query string.
 * Settings, zones and the availability inputs are service/schedule.h. */
#ifndef CHAIRSIDE_API_SCHEDULE_H
#define CHAIRSIDE_API_SCHEDULE_H

#include <stdint.h>

#include "http/http.h"
#include "service/schedule.h"

/* Reads optional ?from=YYYY-MM-DD&to=YYYY-MM-DD (`to` inclusive) as local
 * days of the organisation's zone into UTC bounds [*from, *to); 0 where
 * absent. */
int query_days(struct http_req *req, int64_t *from, int64_t *to);

#endif

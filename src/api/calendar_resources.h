/* GET /calendar?view=resources: the day of a location as one column per
 * resource unit, each with the bookings holding that unit. */
#ifndef CHAIRSIDE_API_CALENDAR_RESOURCES_H
#define CHAIRSIDE_API_CALENDAR_RESOURCES_H

#include <jansson.h>
#include <stdint.h>

#include "core/tz.h"
#include "http/http.h"

/* *columns: a new array [{resource_id, name, kind, unit, events: [...]}]
 * for the resources at location_id over [from, to), times in zone. */
int calendar_resource_columns(struct http_req *req, int64_t location_id, int64_t from, int64_t to,
                              const struct tz_zone *zone, json_t **columns);

#endif

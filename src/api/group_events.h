/* /group-events: classes and group sessions with seats (service/group_events.c). */
#ifndef CHAIRSIDE_API_GROUP_EVENTS_H
#define CHAIRSIDE_API_GROUP_EVENTS_H

#include "http/http.h"

int api_group_events_create(struct http_req *req, struct http_resp *resp);
int api_group_events_list(struct http_req *req, struct http_resp *resp);
int api_group_events_get(struct http_req *req, struct http_resp *resp);
int api_group_events_cancel(struct http_req *req, struct http_resp *resp);
int api_group_events_participants(struct http_req *req, struct http_resp *resp);
/* A row of group_events_get in the API's shape, times in the
 * event's location's zone. */
int group_event_render(struct http_req *req, json_t *row);

#endif

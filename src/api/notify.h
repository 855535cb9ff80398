/* Notifications and diary sync at the API: the outbox and sync issue
 * lists, webhooks and calendar feeds. The rows themselves are queued by
 * the use cases (service/notify.h). */
#ifndef CHAIRSIDE_API_NOTIFY_H
#define CHAIRSIDE_API_NOTIFY_H

#include <stdint.h>

#include "http/http.h"
#include "api/resource.h"

int api_notifications_list(struct http_req *req, struct http_resp *resp);
int api_sync_issues_list(struct http_req *req, struct http_resp *resp);
int api_sync_issue_resolve(struct http_req *req, struct http_resp *resp);

int api_webhooks_list(struct http_req *req, struct http_resp *resp);
int api_webhooks_create(struct http_req *req, struct http_resp *resp);
int api_webhooks_get(struct http_req *req, struct http_resp *resp);
int api_webhooks_delete(struct http_req *req, struct http_resp *resp);

/* Feed tokens (admin) and the public feeds; the route ctx is the kind
 * ("staff" or "location"). */
int api_feed_token_get(struct http_req *req, struct http_resp *resp);
int api_feed_token_renew(struct http_req *req, struct http_resp *resp);
int api_feed_ics(struct http_req *req, struct http_resp *resp);

extern const struct api_resource api_templates;

#endif

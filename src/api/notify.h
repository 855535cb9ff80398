/* Notifications and diary sync at the API: queueing outbox rows inside a
 * handler's transaction, the outbox and sync issue lists, webhooks and
 * calendar feeds. */
#ifndef CHAIRSIDE_API_NOTIFY_H
#define CHAIRSIDE_API_NOTIFY_H

#include <stdint.h>

#include "http/http.h"
#include "api/resource.h"
#include "jobs/notify.h"

enum outbox_event {
    OUTBOX_CREATED = NOTIFY_CREATED,
    OUTBOX_RESCHEDULED = NOTIFY_RESCHEDULED,
    OUTBOX_CANCELLED = NOTIFY_CANCELLED,
};

/* Queue the e-mails, diary operation and webhooks of a booking change.
 * Call inside the write transaction, before commit. */
int outbox_booking_event(struct http_req *req, int64_t booking_id, enum outbox_event ev);
/* Appointments shared with their patient: the details by e-mail. */
int outbox_appointment_shared(struct http_req *req, int64_t appointment_id);
/* Webhook deliveries of payment.confirmed (for the payments code). */
int outbox_payment_confirmed(struct http_req *req, int64_t booking_id, int64_t payment_id);

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

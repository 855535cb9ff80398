/* Webhook events: what an integrator receives about a booking or a
 * payment. Each event gets one id, kept by every delivery and retry of it
 * (to every webhook subscribed), so receivers can drop repeats. The body
 * names the ids a receiver needs to act (patient, staff member, location,
 * services, invoice) and gives times in RFC 3339 in the location's zone.
 * The functions queue outbox rows inside the caller's write transaction. */
#ifndef CHAIRSIDE_SERVICE_WEBHOOKS_H
#define CHAIRSIDE_SERVICE_WEBHOOKS_H

#include <stdint.h>

#include "service/svc.h"

/* Length of an event id: a random UUID (RFC 9562 version 4) and its NUL. */
#define WEBHOOKS_EVENT_ID_LEN 37

/* event: "booking.created", "booking.rescheduled" or "booking.cancelled". */
int webhooks_booking_event(const struct svc *s, int64_t booking_id, const char *event);
/* "payment.confirmed" for a payment of booking_id's invoice. */
int webhooks_payment_confirmed(const struct svc *s, int64_t booking_id, int64_t payment_id);

#endif

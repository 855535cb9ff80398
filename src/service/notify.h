/* Turns a change into outbox rows: e-mails rendered from the templates
 * (with the event as an .ics attachment), diary operations and webhook
 * deliveries. Every function here runs inside the caller's write
 * transaction, so the rows commit or vanish together with the change. */
#ifndef CHAIRSIDE_SERVICE_NOTIFY_H
#define CHAIRSIDE_SERVICE_NOTIFY_H

#include <stdint.h>

#include "service/svc.h"

enum notify_event {
    NOTIFY_CREATED,
    NOTIFY_RESCHEDULED,
    NOTIFY_CANCELLED,
    NOTIFY_REMINDER,
};

/* The patient's e-mail (and the practice's for a new booking), the diary
 * operation and the webhooks of a booking event; a reminder is the e-mail
 * alone. Uses s->db, s->tzdb and s->now. */
int notify_booking(const struct svc *s, int64_t booking_id, enum notify_event ev);
/* An appointment shared with its patient: its details by e-mail. */
int notify_appointment_shared(const struct svc *s, int64_t appointment_id);
/* The alert e-mail to notification_email; template "diary_collision" or
 * "diary_unreachable". */
int notify_diary_alert(const struct svc *s, int64_t booking_id, const char *template_name);
/* Webhook deliveries of "payment.confirmed". */
int notify_payment_confirmed(const struct svc *s, int64_t booking_id, int64_t payment_id);

/* The packages' due work for the outbox worker: expiry reminders queued
 * and expired packages' unused units recognised (packages_run_due in
 * service/package_links.c). *n is how many packages it handled. */
int notify_package_jobs(const struct svc *s, int *n);

#endif

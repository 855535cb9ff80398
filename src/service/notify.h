/* Turns a change into outbox rows: e-mails (each with the event as an
 * .ics attachment), diary operations and webhook deliveries. Every
 * function here runs inside the caller's write transaction, so the rows
 * commit or vanish together with the change. An e-mail row holds the
 * event, its facts frozen as they are now; the worker renders template,
 * MIME and iCalendar when it sends (jobs/outbox_render.h). */
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

/* The patient's e-mail and the practice's (to notification_email), the
 * diary operation and the webhooks of a booking event; a reminder is the
 * patient's e-mail alone. Each e-mail carries an iMIP invitation (RFC
 * 6047) addressed to its recipient: REQUEST, or CANCEL for a
 * cancellation; a reschedule or cancellation first raises the booking's
 * SEQUENCE. A new booking's webhooks are the caller's to queue, after its
 * invoice (service/webhooks.h). Uses s->db, s->tzdb and s->now. */
int notify_booking(const struct svc *s, int64_t booking_id, enum notify_event ev);
/* A booking moved: as notify_booking(NOTIFY_RESCHEDULED), without the
 * patient's e-mail unless tell_patient (staff may move quietly, e.g. to
 * put back a drag, or after agreeing the time on the phone). */
int notify_booking_moved(const struct svc *s, int64_t booking_id, int tell_patient);
/* An appointment shared with its patient: its details by e-mail, with a
 * REQUEST. Nothing when it is not shared or has no patient. */
int notify_appointment_shared(const struct svc *s, int64_t appointment_id);
/* An appointment changed (time, staff, action, notes or sharing): raises
 * its SEQUENCE and, when it is shared, sends the patient a REQUEST that
 * replaces the one before (template appointment_changed, or
 * appointment_shared when newly_shared). */
int notify_appointment_changed(const struct svc *s, int64_t appointment_id, int newly_shared);
/* An appointment cancelled: raises its SEQUENCE and, when it is shared,
 * sends the patient a CANCEL (template appointment_cancelled). */
int notify_appointment_cancelled(const struct svc *s, int64_t appointment_id);
/* The alert e-mail to notification_email; template "diary_collision" or
 * "diary_unreachable". It carries no invitation. */
int notify_diary_alert(const struct svc *s, int64_t booking_id, const char *template_name);
/* Webhook deliveries of "payment.confirmed". */
int notify_payment_confirmed(const struct svc *s, int64_t booking_id, int64_t payment_id);

/* The packages' due work for the outbox worker: expiry reminders queued
 * and expired packages' unused units recognised (packages_run_due in
 * service/package_links.c). *n is how many packages it handled. */
int notify_package_jobs(const struct svc *s, int *n);

#endif

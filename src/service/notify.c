/* Turns a change into outbox rows inside the caller's transaction: an
 * e-mail row records its event, which the worker renders. */
#include "service/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "service/mail_event.h"
#include "service/webhooks.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

/* The booking (or appointment) and the settings one event's rows are
 * made from. */
struct notice {
    json_t *row;       /* store_notice_*; owned */
    json_t *settings;  /* owned */
    const char *about; /* "booking" or "appointment" */
};

static void
notice_cleanup(struct notice *n)
{
    json_decref(n->row);
    json_decref(n->settings);
}

/* The caller hands over an id: the names, zone and services the messages
 * need are read here, once per event. */
static int
notice_load(const struct svc *c, struct notice *n, int64_t id, int appointment)
{
    int rc;

    memset(n, 0, sizeof(*n));
    n->about = appointment ? "appointment" : "booking";
    rc = appointment ? store_notice_appointment(c->db, id, &n->row)
                     : store_notice_booking(c->db, id, &n->row);
    if (rc == ERR_OK)
        rc = store_notice_settings(c->db, &n->settings);
    return rc;
}

/* One recipient of a message: the address as stored and, for the
 * invitation, the name it is addressed to. */
struct recipient {
    const char *email;
    const char *name;
    int patient; /* the patient's mails follow mail_language */
};

/* Queues the mail of template tpl_name for n to `to`, with an iMIP
 * invitation of the given method (NULL: none). */
static int
queue_mail(const struct svc *c, const struct notice *n, const char *tpl_name, struct recipient to,
           const char *method, int64_t booking_id)
{
    int arabic = to.patient && strcmp(row_text(n->settings, "mail_language"), "ar") == 0;
    json_t *event = json_pack("{s:s, s:b, s:s?, s:s, s:s, s:O}", "about", n->about, "arabic",
                              arabic, "method", method, "attendee", to.name, "public_url",
                              row_text(n->settings, "public_url"), "facts", n->row);
    int rc = event ? mail_event_queue(c, tpl_name, to.email, booking_id, event) : ERR_NOMEM;

    json_decref(event);
    return rc;
}

static struct recipient
patient_of(const struct notice *n)
{
    return (struct recipient){row_text(n->row, "patient_email"), row_text(n->row, "patient"), 1};
}

static struct recipient
practice_of(const struct notice *n)
{
    return (struct recipient){row_text(n->settings, "notification_email"), "", 0};
}

static int
queue_diary(const struct svc *c, struct notice *n, const char *kind)
{
    struct store_outbox_row row = {0};

    if (!*row_text(n->settings, "diary_url"))
        return ERR_OK;
    snprintf(row.channel, sizeof(row.channel), "diary");
    snprintf(row.kind, sizeof(row.kind), "%s", kind);
    row.booking_id = row_int(n->row, "id");
    row.recipient = row_text(n->settings, "diary_url");
    row.subject = kind;
    return store_outbox_add(c->db, &row, c->now, NULL);
}

/* A booking made (or moved) inside the reminder window needs no reminder:
 * the confirmation just told the patient. */
static int
skip_reminder(const struct svc *c, struct notice *n)
{
    int64_t start = row_int(n->row, "start_at");
    int marked;

    if (start - c->now > row_int(n->settings, "reminder_before_min") * 60)
        return ERR_OK;
    return store_reminder_mark(c->db, row_int(n->row, "id"), start, &marked);
}

/* notify_booking, with the patient's e-mail only when tell_patient. */
static int
booking_notice(const struct svc *c, int64_t booking_id, enum notify_event ev, int tell_patient)
{
    static const char *const kinds[] = {"booking_confirmation", "booking_rescheduled",
                                        "booking_cancelled", "booking_reminder"};
    /* What the practice is told, with its own copy of the invitation. */
    static const char *const practice[] = {"booking_notification",
                                           "booking_rescheduled_notification",
                                           "booking_cancelled_notification", NULL};
    static const char *const events[] = {"booking.created", "booking.rescheduled",
                                         "booking.cancelled", NULL};
    const char *method = ev == NOTIFY_CANCELLED ? "CANCEL" : "REQUEST";
    struct notice n;
    int rc = ERR_OK;

    /* A move or a cancellation replaces what calendars hold: a higher
     * SEQUENCE (RFC 5546 2.1.4). */
    if (ev == NOTIFY_RESCHEDULED || ev == NOTIFY_CANCELLED)
        rc = store_ical_bump(c->db, "booking", booking_id, c->now);
    if (rc == ERR_OK)
        rc = notice_load(c, &n, booking_id, 0);
    else
        memset(&n, 0, sizeof(n));
    if (rc == ERR_OK && (ev == NOTIFY_CREATED || ev == NOTIFY_RESCHEDULED))
        rc = skip_reminder(c, &n);
    if (rc == ERR_OK && tell_patient)
        rc = queue_mail(c, &n, kinds[ev], patient_of(&n), method, booking_id);
    if (rc == ERR_OK && practice[ev])
        rc = queue_mail(c, &n, practice[ev], practice_of(&n), method, booking_id);
    if (rc == ERR_OK && ev != NOTIFY_REMINDER)
        rc = queue_diary(c, &n, ev == NOTIFY_CANCELLED ? "delete" : "put");
    /* A new booking's webhooks wait for its invoice: the caller queues them
     * (webhooks_booking_event) once that exists. */
    if (rc == ERR_OK && events[ev] && ev != NOTIFY_CREATED)
        rc = webhooks_booking_event(c, booking_id, events[ev]);
    notice_cleanup(&n);
    return rc;
}

int
notify_booking(const struct svc *c, int64_t booking_id, enum notify_event ev)
{
    return booking_notice(c, booking_id, ev, 1);
}

int
notify_booking_moved(const struct svc *c, int64_t booking_id, int tell_patient)
{
    return booking_notice(c, booking_id, NOTIFY_RESCHEDULED, tell_patient);
}

/* The patient's mail about appointment_id when it is shared with them:
 * template tpl with an invitation of method. An appointment without a
 * patient has nobody to tell. */
static int
appointment_mail(const struct svc *c, int64_t appointment_id, const char *tpl, const char *method)
{
    struct notice n;
    int rc = notice_load(c, &n, appointment_id, 1);

    if (rc == ERR_OK && row_int(n.row, "share_with_patient"))
        rc = queue_mail(c, &n, tpl, patient_of(&n), method, 0);
    notice_cleanup(&n);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

int
notify_appointment_shared(const struct svc *c, int64_t appointment_id)
{
    return appointment_mail(c, appointment_id, "appointment_shared", "REQUEST");
}

int
notify_appointment_changed(const struct svc *c, int64_t appointment_id, int newly_shared)
{
    int rc = store_ical_bump(c->db, "appointment", appointment_id, c->now);

    if (rc != ERR_OK)
        return rc;
    return appointment_mail(c, appointment_id,
                            newly_shared ? "appointment_shared" : "appointment_changed", "REQUEST");
}

int
notify_appointment_cancelled(const struct svc *c, int64_t appointment_id)
{
    int rc = store_ical_bump(c->db, "appointment", appointment_id, c->now);

    if (rc != ERR_OK)
        return rc;
    return appointment_mail(c, appointment_id, "appointment_cancelled", "CANCEL");
}

/* An alert is no invitation: it carries no calendar. */
int
notify_diary_alert(const struct svc *c, int64_t booking_id, const char *template_name)
{
    struct notice n;
    int rc = notice_load(c, &n, booking_id, 0);

    if (rc == ERR_OK)
        rc = queue_mail(c, &n, template_name, practice_of(&n), NULL, booking_id);
    notice_cleanup(&n);
    return rc;
}

int
notify_payment_confirmed(const struct svc *c, int64_t booking_id, int64_t payment_id)
{
    return webhooks_payment_confirmed(c, booking_id, payment_id);
}

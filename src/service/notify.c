/* Turns a change into outbox rows inside the caller's transaction. */
#include "service/notify.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/arabic.h"
#include "core/civil.h"
#include "core/email.h"
#include "core/ics.h"
#include "core/mime.h"
#include "core/template.h"
#include "service/webhooks.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/row.h"
#include "util/tzdb.h"

#define NOTIFY_MAIL_LIMIT (1024 * 1024)
#define NOTIFY_N_VARS 14
#define NOTIFY_SUMMARY_LEN 256
#define NOTIFY_DEFAULT_FROM "chairside@localhost"

/* Everything one message about one event needs. */
struct notice {
    json_t *row;                  /* store_notice_*; owned */
    json_t *settings;             /* owned */
    const char *uid_kind;         /* "booking" or "appointment" */
    char from[EMAIL_MAX_LEN + 1]; /* mail_from on the wire */
    struct tpl_var vars[NOTIFY_N_VARS];
    size_t n_vars;
    char date[CIVIL_DATE_LEN], time[CIVIL_HHMM_LEN], id[24], url[600];
    /* The same date and time for an Arabic template (mail_language "ar"). */
    char date_ar[AR_DATE_LEN], time_ar[AR_HHMM_LEN];
    char summary[NOTIFY_SUMMARY_LEN];
};

static void
notice_cleanup(struct notice *n)
{
    json_decref(n->row);
    json_decref(n->settings);
}

static void
add_var(struct notice *n, const char *name, const char *value)
{
    if (n->n_vars < NOTIFY_N_VARS)
        n->vars[n->n_vars++] = (struct tpl_var){name, value};
}

static int
format_when(const struct svc *c, struct notice *n)
{
    const struct tz_zone *zone;
    int64_t local, day;
    int rc = tzdb_get(c->tzdb, row_text(n->row, "timezone"), &zone);

    if (rc != ERR_OK)
        return rc;
    local = tz_utc_to_local(zone, row_int(n->row, "start_at"));
    day = civil_day_of(local);
    civil_format_date(day, n->date);
    civil_format_hhmm((int)((local - day * 86400) / 60), n->time);
    ar_format_date(day, n->date_ar);
    ar_format_hhmm((int)((local - day * 86400) / 60), n->time_ar);
    return ERR_OK;
}

static void
fill_vars(struct notice *n)
{
    const char *base = row_text(n->settings, "public_url");

    snprintf(n->id, sizeof(n->id), "%lld", (long long)row_int(n->row, "id"));
    /* The patient portal's "My appointments", where a booking is managed. */
    snprintf(n->url, sizeof(n->url), "%s/book#/appointments?booking=%s",
             *base ? base : "http://127.0.0.1:8080", n->id);
    add_var(n, "booking_id", n->id);
    add_var(n, "patient", row_text(n->row, "patient"));
    add_var(n, "staff", row_text(n->row, "staff"));
    add_var(n, "services", row_text(n->row, "services"));
    add_var(n, "location", row_text(n->row, "location"));
    add_var(n, "address", row_text(n->row, "address"));
    add_var(n, "timezone", row_text(n->row, "timezone"));
    add_var(n, "date", n->date);
    add_var(n, "time", n->time);
    add_var(n, "source", row_text(n->row, "source"));
    add_var(n, "notes", row_text(n->row, "notes"));
    add_var(n, "manage_url", n->url);
}

/* An event's title: a booking's services; an appointment's action, or
 * else the first line of its notes, or else "Appointment" (ics.c). */
static void
make_summary(struct notice *n)
{
    const char *s = row_text(n->row, "services");
    size_t len;

    if (!*s && strcmp(n->uid_kind, "appointment") == 0)
        s = row_text(n->row, "notes");
    len = strcspn(s, "\r\n");
    if (len >= sizeof(n->summary))
        len = sizeof(n->summary) - 1;
    /* Never end inside a UTF-8 sequence. */
    while (len > 0 && s[len] && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    memcpy(n->summary, s, len);
    n->summary[len] = '\0';
}

/* The iMIP calendar (RFC 6047) of n for one recipient: method REQUEST or
 * CANCEL, the clinic as ORGANIZER, the recipient as ATTENDEE. */
static int
build_ics(const struct svc *c, const struct notice *n, const char *method, const char *to,
          const char *to_cn, struct buf *out)
{
    char uid[64];
    struct ics_event ev = {0};
    struct ics_itip itip = {0};
    struct ics_calendar cal = {method, NULL, NULL, 0, 0};
    int appointment = strcmp(n->uid_kind, "appointment") == 0;

    snprintf(uid, sizeof(uid), "%s-%s@chairside", n->uid_kind, n->id);
    ev.uid = uid;
    ev.start = row_int(n->row, "start_at");
    ev.end = row_int(n->row, "end_at");
    ev.stamp = c->now;
    ev.summary = n->summary;
    ev.description = appointment ? row_text(n->row, "notes") : NULL;
    ev.location = row_text(n->row, "location");
    ev.staff_name = row_text(n->row, "staff");
    ev.staff_email = row_text(n->row, "staff_email");
    ev.staff_id = row_int(n->row, "staff_id");
    ev.cancelled = strcmp(method, "CANCEL") == 0;
    itip.sequence = (int)row_int(n->row, "ical_sequence");
    itip.modified = row_int(n->row, "modified_at");
    itip.organizer = n->from;
    itip.organizer_cn = row_text(n->row, "location");
    itip.attendee = to;
    itip.attendee_cn = to_cn;
    return ics_build(&cal, &ev, &itip, 1, out);
}

/* Loads the booking (or appointment) and settings and prepares the
 * placeholders. */
static int
notice_load(const struct svc *c, struct notice *n, int64_t id, int appointment)
{
    const char *from;
    int rc;

    memset(n, 0, sizeof(*n));
    n->uid_kind = appointment ? "appointment" : "booking";
    rc = appointment ? store_notice_appointment(c->db, id, &n->row)
                     : store_notice_booking(c->db, id, &n->row);
    if (rc == ERR_OK)
        rc = store_notice_settings(c->db, &n->settings);
    if (rc == ERR_OK)
        rc = format_when(c, n);
    if (rc != ERR_OK)
        return rc;
    from = row_text(n->settings, "mail_from");
    /* mail_from is checked when set: only one stored before could fail. */
    if (email_ascii(*from ? from : NOTIFY_DEFAULT_FROM, n->from, sizeof(n->from)) != ERR_OK)
        snprintf(n->from, sizeof(n->from), "%s", NOTIFY_DEFAULT_FROM);
    fill_vars(n);
    make_summary(n);
    return ERR_OK;
}

static void
make_ids(char *message_id, size_t id_size, char *boundary, size_t b_size)
{
    unsigned char raw[12];
    char hex[25];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(message_id, id_size, "%s@chairside", hex);
    snprintf(boundary, b_size, "cs-%s", hex);
}

/* n's placeholders with date and time written in Arabic, for an Arabic
 * template; vars has room for n->n_vars. */
static void
arabic_vars(const struct notice *n, struct tpl_var *vars)
{
    for (size_t i = 0; i < n->n_vars; i++) {
        vars[i] = n->vars[i];
        if (strcmp(vars[i].name, "date") == 0)
            vars[i].value = n->date_ar;
        else if (strcmp(vars[i].name, "time") == 0)
            vars[i].value = n->time_ar;
    }
}

/* Renders tpl_name, or with arabic its Arabic twin <tpl_name>_ar when the
 * clinic has one: a mail whose twin is missing is still sent, in English,
 * rather than not at all. */
static int
render_parts(const struct svc *c, struct notice *n, const char *tpl_name, int arabic,
             struct buf *subject, struct buf *text, struct buf *html)
{
    struct tpl_var ar[NOTIFY_N_VARS];
    const struct tpl_var *vars = n->vars;
    char ar_name[96];
    json_t *tpl = NULL;
    int rc = ERR_NOT_FOUND;

    if (arabic) {
        snprintf(ar_name, sizeof(ar_name), "%s_ar", tpl_name);
        rc = store_template_get(c->db, ar_name, &tpl);
        arabic_vars(n, ar);
        vars = ar;
    }
    if (rc == ERR_NOT_FOUND) {
        vars = n->vars;
        rc = store_template_get(c->db, tpl_name, &tpl);
    }
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "subject"), vars, n->n_vars, 0, subject);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_text"), vars, n->n_vars, 0, text);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_html"), vars, n->n_vars, 1, html);
    json_decref(tpl);
    /* A subject never spans lines, whatever the template says. */
    for (size_t i = 0; rc == ERR_OK && i < subject->len; i++) {
        if (subject->data[i] == '\r' || subject->data[i] == '\n')
            subject->data[i] = ' ';
    }
    return rc;
}

/* One recipient of a message: the address as stored and, for the
 * invitation, the name it is addressed to. */
struct recipient {
    const char *email;
    const char *name;
    int patient; /* the patient's mails follow mail_language */
};

/* Renders template tpl_name for n and queues it to `to`, with an iMIP
 * invitation of the given method (NULL: none). */
static int
queue_mail(const struct svc *c, struct notice *n, const char *kind, const char *tpl_name,
           struct recipient to, const char *method, int64_t booking_id)
{
    struct buf subject, text, html, ics, msg;
    struct mime_message m = {0};
    struct store_outbox_row row = {0};
    char message_id[64], boundary[64], rcpt[EMAIL_MAX_LEN + 1];
    int rc;

    if (!*to.email)
        return ERR_OK;
    /* Addresses are checked when stored; one stored before that check
     * that cannot be written in ASCII is not sent at all. */
    if (email_ascii(to.email, rcpt, sizeof(rcpt)) != ERR_OK) {
        log_line(LOG_WARN, "msg=\"mail not queued: the address cannot be sent to\" kind=%s", kind);
        return ERR_OK;
    }
    buf_init(&subject, 4096);
    buf_init(&text, NOTIFY_MAIL_LIMIT);
    buf_init(&html, NOTIFY_MAIL_LIMIT);
    buf_init(&ics, NOTIFY_MAIL_LIMIT);
    buf_init(&msg, 4 * NOTIFY_MAIL_LIMIT);
    rc = render_parts(c, n, tpl_name,
                      to.patient && strcmp(row_text(n->settings, "mail_language"), "ar") == 0,
                      &subject, &text, &html);
    if (rc == ERR_OK && method)
        rc = build_ics(c, n, method, rcpt, to.name, &ics);
    make_ids(message_id, sizeof(message_id), boundary, sizeof(boundary));
    m = (struct mime_message){n->from,
                              rcpt,
                              subject.data ? subject.data : "",
                              c->now,
                              message_id,
                              boundary,
                              text.data ? text.data : "",
                              html.data ? html.data : "",
                              method ? ics.data : NULL,
                              method};
    if (rc == ERR_OK)
        rc = mime_build(&m, &msg);
    snprintf(row.channel, sizeof(row.channel), "email");
    snprintf(row.kind, sizeof(row.kind), "%s", kind);
    row.booking_id = booking_id;
    row.recipient = rcpt;
    row.subject = m.subject;
    row.body = msg.data;
    if (rc == ERR_OK)
        rc = store_outbox_add(c->db, &row, c->now, NULL);
    buf_cleanup(&subject);
    buf_cleanup(&text);
    buf_cleanup(&html);
    buf_cleanup(&ics);
    buf_cleanup(&msg);
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
        rc = queue_mail(c, &n, kinds[ev], kinds[ev], patient_of(&n), method, booking_id);
    if (rc == ERR_OK && practice[ev])
        rc = queue_mail(c, &n, practice[ev], practice[ev], practice_of(&n), method, booking_id);
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
        rc = queue_mail(c, &n, tpl, tpl, patient_of(&n), method, 0);
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
        rc = queue_mail(c, &n, template_name, template_name, practice_of(&n), NULL, booking_id);
    notice_cleanup(&n);
    return rc;
}

int
notify_payment_confirmed(const struct svc *c, int64_t booking_id, int64_t payment_id)
{
    return webhooks_payment_confirmed(c, booking_id, payment_id);
}

/* Turns a change into outbox rows inside the caller's transaction. */
#include "service/notify.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "core/mime.h"
#include "core/template.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

#define NOTIFY_MAIL_LIMIT (1024 * 1024)
#define NOTIFY_N_VARS 14

/* Everything one message about one event needs. */
struct notice {
    json_t *row;      /* store_notice_*; owned */
    json_t *settings; /* owned */
    struct tpl_var vars[NOTIFY_N_VARS];
    size_t n_vars;
    char date[CIVIL_DATE_LEN], time[CIVIL_HHMM_LEN], id[24], url[600];
    struct buf ics;
};

static void
notice_cleanup(struct notice *n)
{
    json_decref(n->row);
    json_decref(n->settings);
    buf_cleanup(&n->ics);
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

static int
build_ics(const struct svc *c, struct notice *n, const char *uid_kind, int cancelled)
{
    char uid[64];
    struct ics_event ev = {0};

    snprintf(uid, sizeof(uid), "%s-%s@chairside", uid_kind, n->id);
    ev.uid = uid;
    ev.start = row_int(n->row, "start_at");
    ev.end = row_int(n->row, "end_at");
    ev.stamp = c->now;
    ev.summary = row_text(n->row, "services");
    ev.location = row_text(n->row, "location");
    ev.staff_name = row_text(n->row, "staff");
    ev.staff_email = row_text(n->row, "staff_email");
    ev.staff_id = row_int(n->row, "staff_id");
    ev.cancelled = cancelled;
    return ics_calendar_build(&ev, 1, cancelled ? "CANCEL" : "REQUEST", &n->ics);
}

/* Loads the booking (or appointment) and settings and prepares the
 * placeholders and the .ics. */
static int
notice_load(const struct svc *c, struct notice *n, int64_t id, int appointment)
{
    int rc;

    memset(n, 0, sizeof(*n));
    buf_init(&n->ics, NOTIFY_MAIL_LIMIT);
    rc = appointment ? store_notice_appointment(c->db, id, &n->row)
                     : store_notice_booking(c->db, id, &n->row);
    if (rc == ERR_OK)
        rc = store_notice_settings(c->db, &n->settings);
    if (rc == ERR_OK)
        rc = format_when(c, n);
    if (rc != ERR_OK)
        return rc;
    fill_vars(n);
    return build_ics(c, n, appointment ? "appointment" : "booking",
                     strcmp(row_text(n->row, "status"), "cancelled") == 0);
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

static int
render_parts(const struct svc *c, struct notice *n, const char *tpl_name, struct buf *subject,
             struct buf *text, struct buf *html)
{
    json_t *tpl = NULL;
    int rc = store_template_get(c->db, tpl_name, &tpl);

    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "subject"), n->vars, n->n_vars, 0, subject);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_text"), n->vars, n->n_vars, 0, text);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_html"), n->vars, n->n_vars, 1, html);
    json_decref(tpl);
    /* A subject never spans lines, whatever the template says. */
    for (size_t i = 0; rc == ERR_OK && i < subject->len; i++) {
        if (subject->data[i] == '\r' || subject->data[i] == '\n')
            subject->data[i] = ' ';
    }
    return rc;
}

/* Renders template tpl_name for n and queues it to `to`. */
static int
queue_mail(const struct svc *c, struct notice *n, const char *kind, const char *tpl_name,
           const char *to, int64_t booking_id)
{
    struct buf subject, text, html, msg;
    struct mime_message m = {0};
    struct store_outbox_row row = {0};
    char message_id[64], boundary[64];
    const char *from = row_text(n->settings, "mail_from");
    int rc;

    if (!*to)
        return ERR_OK;
    buf_init(&subject, 4096);
    buf_init(&text, NOTIFY_MAIL_LIMIT);
    buf_init(&html, NOTIFY_MAIL_LIMIT);
    buf_init(&msg, 4 * NOTIFY_MAIL_LIMIT);
    rc = render_parts(c, n, tpl_name, &subject, &text, &html);
    make_ids(message_id, sizeof(message_id), boundary, sizeof(boundary));
    m = (struct mime_message){*from ? from : "chairside@localhost",
                              to,
                              subject.data ? subject.data : "",
                              c->now,
                              message_id,
                              boundary,
                              text.data ? text.data : "",
                              html.data ? html.data : "",
                              n->ics.data,
                              strstr(kind, "cancel") ? "CANCEL" : "REQUEST"};
    if (rc == ERR_OK)
        rc = mime_build(&m, &msg);
    snprintf(row.channel, sizeof(row.channel), "email");
    snprintf(row.kind, sizeof(row.kind), "%s", kind);
    row.booking_id = booking_id;
    row.recipient = to;
    row.subject = m.subject;
    row.body = msg.data;
    if (rc == ERR_OK)
        rc = store_outbox_add(c->db, &row, c->now, NULL);
    buf_cleanup(&subject);
    buf_cleanup(&text);
    buf_cleanup(&html);
    buf_cleanup(&msg);
    return rc;
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

/* One delivery per webhook registered for event; payload is borrowed. */
static int
queue_webhooks(const struct svc *c, const char *event, int64_t booking_id, json_t *payload)
{
    struct store_outbox_row row = {0};
    json_t *hooks = NULL, *h;
    char *body = NULL;
    size_t i;
    int rc = store_webhooks_for_event(c->db, event, &hooks);

    if (rc == ERR_OK && json_array_size(hooks)) {
        body = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
        rc = body ? ERR_OK : ERR_NOMEM;
    }
    json_array_foreach(hooks, i, h)
    {
        if (rc != ERR_OK)
            break;
        snprintf(row.channel, sizeof(row.channel), "webhook");
        snprintf(row.kind, sizeof(row.kind), "%s", event);
        row.booking_id = booking_id;
        row.webhook_id = row_int(h, "id");
        row.recipient = row_text(h, "url");
        row.subject = event;
        row.body = body;
        rc = store_outbox_add(c->db, &row, c->now, NULL);
    }
    free(body);
    json_decref(hooks);
    return rc;
}

static int
booking_webhooks(const struct svc *c, struct notice *n, const char *event)
{
    json_t *payload = json_pack(
        "{s:s, s:I, s:{s:I, s:s, s:I, s:I, s:I, s:s, s:s}}", "event", event, "occurred_at",
        (json_int_t)c->now, "booking", "id", (json_int_t)row_int(n->row, "id"), "status",
        row_text(n->row, "status"), "staff_id", (json_int_t)row_int(n->row, "staff_id"), "start_at",
        (json_int_t)row_int(n->row, "start_at"), "end_at", (json_int_t)row_int(n->row, "end_at"),
        "date", n->date, "time", n->time);
    int rc = payload ? queue_webhooks(c, event, row_int(n->row, "id"), payload) : ERR_NOMEM;

    json_decref(payload);
    return rc;
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

int
notify_booking(const struct svc *c, int64_t booking_id, enum notify_event ev)
{
    static const char *const kinds[] = {"booking_confirmation", "booking_rescheduled",
                                        "booking_cancelled", "booking_reminder"};
    static const char *const events[] = {"booking.created", "booking.rescheduled",
                                         "booking.cancelled", NULL};
    const char *patient_email;
    struct notice n;
    int rc = notice_load(c, &n, booking_id, 0);

    patient_email = row_text(n.row, "patient_email");
    if (rc == ERR_OK && (ev == NOTIFY_CREATED || ev == NOTIFY_RESCHEDULED))
        rc = skip_reminder(c, &n);
    if (rc == ERR_OK)
        rc = queue_mail(c, &n, kinds[ev], kinds[ev], patient_email, booking_id);
    if (rc == ERR_OK && ev == NOTIFY_CREATED)
        rc = queue_mail(c, &n, "booking_notification", "booking_notification",
                        row_text(n.settings, "notification_email"), booking_id);
    if (rc == ERR_OK && ev != NOTIFY_REMINDER)
        rc = queue_diary(c, &n, ev == NOTIFY_CANCELLED ? "delete" : "put");
    if (rc == ERR_OK && events[ev])
        rc = booking_webhooks(c, &n, events[ev]);
    notice_cleanup(&n);
    return rc;
}

int
notify_appointment_shared(const struct svc *c, int64_t appointment_id)
{
    struct notice n;
    int rc = notice_load(c, &n, appointment_id, 1);

    if (rc == ERR_OK)
        rc = queue_mail(c, &n, "appointment_shared", "appointment_shared",
                        row_text(n.row, "patient_email"), 0);
    notice_cleanup(&n);
    /* An appointment without a patient has nobody to tell. */
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

int
notify_diary_alert(const struct svc *c, int64_t booking_id, const char *template_name)
{
    struct notice n;
    int rc = notice_load(c, &n, booking_id, 0);

    if (rc == ERR_OK)
        rc = queue_mail(c, &n, template_name, template_name,
                        row_text(n.settings, "notification_email"), booking_id);
    notice_cleanup(&n);
    return rc;
}

int
notify_payment_confirmed(const struct svc *c, int64_t booking_id, int64_t payment_id)
{
    json_t *payload = json_pack("{s:s, s:I, s:I, s:I}", "event", "payment.confirmed", "occurred_at",
                                (json_int_t)c->now, "booking_id", (json_int_t)booking_id,
                                "payment_id", (json_int_t)payment_id);
    int rc = payload ? queue_webhooks(c, "payment.confirmed", booking_id, payload) : ERR_NOMEM;

    json_decref(payload);
    return rc;
}

int
notify_booking_moved(const struct svc *c, int64_t booking_id, int tell_patient)
{
    struct notice n;
    int rc;

    if (tell_patient)
        return notify_booking(c, booking_id, NOTIFY_RESCHEDULED);
    rc = notice_load(c, &n, booking_id, 0);
    if (rc == ERR_OK)
        rc = skip_reminder(c, &n);
    if (rc == ERR_OK)
        rc = queue_diary(c, &n, "put");
    if (rc == ERR_OK)
        rc = booking_webhooks(c, &n, "booking.rescheduled");
    notice_cleanup(&n);
    return rc;
}

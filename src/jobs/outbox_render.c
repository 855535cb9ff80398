/* An outbox row's event rendered into its e-mail; see outbox_render.h. */
#include "jobs/outbox_render.h"

#include <stdio.h>
#include <string.h>

#include "core/arabic.h"
#include "core/civil.h"
#include "core/email.h"
#include "core/ics.h"
#include "core/mime.h"
#include "core/template.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

#define RENDER_PART_LIMIT (1024 * 1024)
#define RENDER_N_VARS 14
#define RENDER_SUMMARY_LEN 256
#define RENDER_DEFAULT_FROM "chairside@localhost"
#define RENDER_DEFAULT_URL "http://127.0.0.1:8080"

/* What one message says, all borrowed from the event but the texts made
 * here. */
struct render {
    const json_t *event, *facts; /* borrowed */
    const char *uid_kind;
    char from[EMAIL_MAX_LEN + 1]; /* mail_from on the wire */
    struct tpl_var vars[RENDER_N_VARS];
    size_t n_vars;
    char date[CIVIL_DATE_LEN], time[CIVIL_HHMM_LEN], id[24], url[600];
    /* The same date and time for an Arabic template. */
    char date_ar[AR_DATE_LEN], time_ar[AR_HHMM_LEN];
    char summary[RENDER_SUMMARY_LEN];
};

static void
add_var(struct render *r, const char *name, const char *value)
{
    if (r->n_vars < RENDER_N_VARS)
        r->vars[r->n_vars++] = (struct tpl_var){name, value};
}

/* The start in the zone the booking was made in. */
static int
format_when(struct tzdb *tzdb, struct render *r)
{
    const struct tz_zone *zone;
    int64_t local, day;
    int rc = tzdb ? tzdb_get(tzdb, row_text(r->facts, "timezone"), &zone) : ERR_INVALID;

    if (rc != ERR_OK)
        return rc;
    local = tz_utc_to_local(zone, row_int(r->facts, "start_at"));
    day = civil_day_of(local);
    civil_format_date(day, r->date);
    civil_format_hhmm((int)((local - day * 86400) / 60), r->time);
    ar_format_date(day, r->date_ar);
    ar_format_hhmm((int)((local - day * 86400) / 60), r->time_ar);
    return ERR_OK;
}

static void
fill_vars(struct render *r)
{
    const char *base = row_text(r->event, "public_url");

    snprintf(r->id, sizeof(r->id), "%lld", (long long)row_int(r->facts, "id"));
    /* The patient portal's "My appointments", where a booking is managed. */
    snprintf(r->url, sizeof(r->url), "%s/book#/appointments?booking=%s",
             *base ? base : RENDER_DEFAULT_URL, r->id);
    add_var(r, "booking_id", r->id);
    add_var(r, "patient", row_text(r->facts, "patient"));
    add_var(r, "staff", row_text(r->facts, "staff"));
    add_var(r, "services", row_text(r->facts, "services"));
    add_var(r, "location", row_text(r->facts, "location"));
    add_var(r, "address", row_text(r->facts, "address"));
    add_var(r, "timezone", row_text(r->facts, "timezone"));
    add_var(r, "date", r->date);
    add_var(r, "time", r->time);
    add_var(r, "source", row_text(r->facts, "source"));
    add_var(r, "notes", row_text(r->facts, "notes"));
    add_var(r, "manage_url", r->url);
}

/* An event's title: a booking's services; an appointment's action, or
 * else the first line of its notes, or else "Appointment" (ics.c). */
static void
make_summary(struct render *r)
{
    const char *s = row_text(r->facts, "services");
    size_t len;

    if (!*s && strcmp(r->uid_kind, "appointment") == 0)
        s = row_text(r->facts, "notes");
    len = strcspn(s, "\r\n");
    if (len >= sizeof(r->summary))
        len = sizeof(r->summary) - 1;
    /* Never end inside a UTF-8 sequence. */
    while (len > 0 && s[len] && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    memcpy(r->summary, s, len);
    r->summary[len] = '\0';
}

/* The iMIP calendar (RFC 6047) for the row's recipient: the clinic as
 * ORGANIZER, the recipient as ATTENDEE. */
static int
build_ics(const struct render *r, const struct store_outbox_row *row, const char *method,
          struct buf *out)
{
    char uid[64];
    struct ics_event ev = {0};
    struct ics_itip itip = {0};
    struct ics_calendar cal = {method, NULL, NULL, 0, 0};
    int appointment = strcmp(r->uid_kind, "appointment") == 0;

    snprintf(uid, sizeof(uid), "%s-%s@chairside", r->uid_kind, r->id);
    ev.uid = uid;
    ev.start = row_int(r->facts, "start_at");
    ev.end = row_int(r->facts, "end_at");
    ev.stamp = row->created_at;
    ev.summary = r->summary;
    ev.description = appointment ? row_text(r->facts, "notes") : NULL;
    ev.location = row_text(r->facts, "location");
    ev.staff_name = row_text(r->facts, "staff");
    ev.staff_email = row_text(r->facts, "staff_email");
    ev.staff_id = row_int(r->facts, "staff_id");
    ev.cancelled = strcmp(method, "CANCEL") == 0;
    itip.sequence = (int)row_int(r->facts, "ical_sequence");
    itip.modified = row_int(r->facts, "modified_at");
    itip.organizer = r->from;
    itip.organizer_cn = row_text(r->facts, "location");
    itip.attendee = row->recipient;
    itip.attendee_cn = row_text(r->event, "attendee");
    return ics_build(&cal, &ev, &itip, 1, out);
}

/* r's placeholders with date and time written in Arabic; vars has room
 * for r->n_vars. */
static void
arabic_vars(const struct render *r, struct tpl_var *vars)
{
    for (size_t i = 0; i < r->n_vars; i++) {
        vars[i] = r->vars[i];
        if (strcmp(vars[i].name, "date") == 0)
            vars[i].value = r->date_ar;
        else if (strcmp(vars[i].name, "time") == 0)
            vars[i].value = r->time_ar;
    }
}

/* Renders the event's template, or for an Arabic mail its twin
 * <template>_ar when the clinic has one: a mail whose twin is missing is
 * still sent, in English, rather than not at all. */
static int
render_parts(struct store_conn *c, const struct render *r, struct buf *subject, struct buf *text,
             struct buf *html)
{
    const char *name = row_text(r->event, "template");
    struct tpl_var ar[RENDER_N_VARS];
    const struct tpl_var *vars = r->vars;
    char ar_name[96];
    json_t *tpl = NULL;
    int rc = ERR_NOT_FOUND;

    if (row_bool(r->event, "arabic")) {
        snprintf(ar_name, sizeof(ar_name), "%s_ar", name);
        rc = store_template_get(c, ar_name, &tpl);
        arabic_vars(r, ar);
        vars = ar;
    }
    if (rc == ERR_NOT_FOUND) {
        vars = r->vars;
        rc = store_template_get(c, name, &tpl);
    }
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "subject"), vars, r->n_vars, 0, subject);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_text"), vars, r->n_vars, 0, text);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_html"), vars, r->n_vars, 1, html);
    json_decref(tpl);
    /* A subject never spans lines, whatever the template says. */
    for (size_t i = 0; rc == ERR_OK && i < subject->len; i++) {
        if (subject->data[i] == '\r' || subject->data[i] == '\n')
            subject->data[i] = ' ';
    }
    return rc;
}

/* Reads the event and prepares the placeholders. */
static int
render_init(struct render *r, struct tzdb *tzdb, const json_t *event, const json_t *settings)
{
    const char *from = row_text(settings, "mail_from");

    memset(r, 0, sizeof(*r));
    r->event = event;
    r->facts = json_object_get(event, "facts");
    r->uid_kind = row_text(event, "uid_kind");
    if (!json_is_object(r->facts) || !*row_text(event, "template") ||
        !*row_text(event, "message_id") || !*r->uid_kind)
        return ERR_INVALID;
    /* mail_from is checked when set: only one stored before could fail. */
    if (email_ascii(*from ? from : RENDER_DEFAULT_FROM, r->from, sizeof(r->from)) != ERR_OK)
        snprintf(r->from, sizeof(r->from), "%s", RENDER_DEFAULT_FROM);
    fill_vars(r);
    make_summary(r);
    return format_when(tzdb, r);
}

int
outbox_render_email(struct store_conn *c, struct tzdb *tzdb, const struct store_outbox_row *row,
                    const json_t *settings, struct buf *subject, struct buf *msg)
{
    json_t *event = json_loads(row->event, 0, NULL);
    const char *method = row_text(event, "method");
    struct buf text, html, ics;
    struct render r;
    char message_id[80], boundary[80];
    int rc = event ? render_init(&r, tzdb, event, settings) : ERR_INVALID;

    buf_init(&text, RENDER_PART_LIMIT);
    buf_init(&html, RENDER_PART_LIMIT);
    buf_init(&ics, RENDER_PART_LIMIT);
    if (rc == ERR_OK)
        rc = render_parts(c, &r, subject, &text, &html);
    if (rc == ERR_OK && *method)
        rc = build_ics(&r, row, method, &ics);
    if (rc == ERR_OK) {
        snprintf(message_id, sizeof(message_id), "%s@chairside", row_text(event, "message_id"));
        snprintf(boundary, sizeof(boundary), "cs-%s", row_text(event, "message_id"));
        rc = mime_build(&(struct mime_message){r.from, row->recipient,
                                               subject->data ? subject->data : "",
                                               row->created_at, message_id, boundary,
                                               text.data ? text.data : "",
                                               html.data ? html.data : "",
                                               *method ? ics.data : NULL, *method ? method : NULL},
                        msg);
    }
    buf_cleanup(&text);
    buf_cleanup(&html);
    buf_cleanup(&ics);
    json_decref(event);
    return rc;
}

/* The placeholders and the invitation of a mail about a booking or an
 * appointment, from the facts its event froze; see mail_vars.h. */
#include "jobs/mail_vars.h"

#include <stdio.h>
#include <string.h>

#include "core/arabic.h"
#include "core/civil.h"
#include "core/ics.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

#define MAIL_SUMMARY_LEN 256

int
mail_vars_booking(const json_t *event, struct tzdb *tzdb, struct mail_vars *v)
{
    const json_t *f = json_object_get(event, "facts");
    const char *base = row_text(event, "public_url"), *id;
    char date[CIVIL_DATE_LEN], hhmm[CIVIL_HHMM_LEN], date_ar[AR_DATE_LEN], hhmm_ar[AR_HHMM_LEN];
    const struct tz_zone *zone;
    int64_t local, day;
    int rc = tzdb ? tzdb_get(tzdb, row_text(f, "timezone"), &zone) : ERR_INVALID;

    if (rc != ERR_OK)
        return rc;
    local = tz_utc_to_local(zone, row_int(f, "start_at"));
    day = civil_day_of(local);
    civil_format_date(day, date);
    civil_format_hhmm((int)((local - day * 86400) / 60), hhmm);
    ar_format_date(day, date_ar);
    ar_format_hhmm((int)((local - day * 86400) / 60), hhmm_ar);
    id = mail_vars_printf(v, "%lld", (long long)row_int(f, "id"));
    mail_vars_add(v, "booking_id", id, NULL);
    mail_vars_add(v, "patient", row_text(f, "patient"), NULL);
    mail_vars_add(v, "staff", row_text(f, "staff"), NULL);
    mail_vars_add(v, "services", row_text(f, "services"), NULL);
    mail_vars_add(v, "location", row_text(f, "location"), NULL);
    mail_vars_add(v, "address", row_text(f, "address"), NULL);
    mail_vars_add(v, "timezone", row_text(f, "timezone"), NULL);
    mail_vars_add(v, "date", mail_vars_printf(v, "%s", date), mail_vars_printf(v, "%s", date_ar));
    mail_vars_add(v, "time", mail_vars_printf(v, "%s", hhmm), mail_vars_printf(v, "%s", hhmm_ar));
    mail_vars_add(v, "source", row_text(f, "source"), NULL);
    mail_vars_add(v, "notes", row_text(f, "notes"), NULL);
    /* The patient portal's "My appointments", where a booking is managed. */
    mail_vars_add(v, "manage_url",
                  mail_vars_printf(v, "%s/book#/appointments?booking=%s",
                                   *base ? base : MAIL_VARS_DEFAULT_URL, id),
                  NULL);
    return ERR_OK;
}

/* An event's title: a booking's services; an appointment's action, or
 * else the first line of its notes, or else "Appointment" (ics.c). */
static void
make_summary(const json_t *f, int appointment, char out[MAIL_SUMMARY_LEN])
{
    const char *s = row_text(f, "services");
    size_t len;

    if (!*s && appointment)
        s = row_text(f, "notes");
    len = strcspn(s, "\r\n");
    if (len >= MAIL_SUMMARY_LEN)
        len = MAIL_SUMMARY_LEN - 1;
    /* Never end inside a UTF-8 sequence. */
    while (len > 0 && s[len] && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    memcpy(out, s, len);
    out[len] = '\0';
}

int
mail_booking_ics(const json_t *event, const char *method, const char *organizer,
                 const char *recipient, int64_t stamp, struct buf *out)
{
    const json_t *f = json_object_get(event, "facts");
    const char *about = row_text(event, "about");
    int appointment = strcmp(about, "appointment") == 0;
    char uid[64], summary[MAIL_SUMMARY_LEN];
    struct ics_event ev = {0};
    struct ics_itip itip = {0};
    struct ics_calendar cal = {method, NULL, NULL, 0, 0};

    snprintf(uid, sizeof(uid), "%s-%lld@chairside", about, (long long)row_int(f, "id"));
    make_summary(f, appointment, summary);
    ev.uid = uid;
    ev.start = row_int(f, "start_at");
    ev.end = row_int(f, "end_at");
    ev.stamp = stamp;
    ev.summary = summary;
    ev.description = appointment ? row_text(f, "notes") : NULL;
    ev.location = row_text(f, "location");
    ev.staff_name = row_text(f, "staff");
    ev.staff_email = row_text(f, "staff_email");
    ev.staff_id = row_int(f, "staff_id");
    ev.cancelled = strcmp(method, "CANCEL") == 0;
    itip.sequence = (int)row_int(f, "ical_sequence");
    itip.modified = row_int(f, "modified_at");
    itip.organizer = organizer;
    itip.organizer_cn = row_text(f, "location");
    itip.attendee = recipient;
    itip.attendee_cn = row_text(event, "attendee");
    return ics_build(&cal, &ev, &itip, 1, out);
}

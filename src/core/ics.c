#include "core/ics.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define ICS_STAFF_PROP "X-CHAIRSIDE-STAFF"

static struct icaltimetype
utc_time(int64_t t)
{
    return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

/* libical writes CAL-ADDRESS values as they are, so a CR or LF in an
 * address would start a line of its own (another VEVENT, say): only a
 * printable ASCII address without spaces becomes an ATTENDEE. */
static int
plain_address(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    }
    return 1;
}

static void
add_staff(icalcomponent *ev, const struct ics_event *e)
{
    char id[24];
    icalproperty *p;

    if (e->staff_email && *e->staff_email && plain_address(e->staff_email)) {
        char mailto[300];

        snprintf(mailto, sizeof(mailto), "mailto:%s", e->staff_email);
        p = icalproperty_new_attendee(mailto);
        if (e->staff_name && *e->staff_name)
            icalproperty_add_parameter(p, icalparameter_new_cn(e->staff_name));
        icalcomponent_add_property(ev, p);
    }
    snprintf(id, sizeof(id), "%lld", (long long)e->staff_id);
    p = icalproperty_new_x(id);
    icalproperty_set_x_name(p, ICS_STAFF_PROP);
    icalcomponent_add_property(ev, p);
}

static icalcomponent *
make_event(const struct ics_event *e)
{
    icalcomponent *ev = icalcomponent_new_vevent();

    if (!ev)
        return NULL;
    icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(e->stamp)));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(e->start)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(e->end)));
    icalcomponent_add_property(ev, icalproperty_new_summary(e->summary ? e->summary : ""));
    if (e->description && *e->description)
        icalcomponent_add_property(ev, icalproperty_new_description(e->description));
    if (e->location && *e->location)
        icalcomponent_add_property(ev, icalproperty_new_location(e->location));
    icalcomponent_add_property(
        ev, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
    add_staff(ev, e);
    return ev;
}

/* Appends libical's text with its folding slips mended: libical 3.0 can
 * fold between a line's CR and LF ("x\r" "\r\n " "\n"), leaving a bare CR
 * and a bare LF that diaries read as line breaks of their own, or fold a
 * line into an empty continuation. Text values never hold a bare CR or LF
 * (libical escapes them), so the mended text says the same. */
static int
put_lines(struct buf *out, const char *text)
{
    const char *p;
    int rc = ERR_OK;

    for (p = text; rc == ERR_OK && *p; p++) {
        if (strncmp(p, "\r\r\n \n", 5) == 0) {
            rc = buf_puts(out, "\r\n");
            p += 4;
            continue;
        }
        if (p[0] == '\r' && p[1] != '\n')
            continue;
        if (strncmp(p, "\r\n \r\n", 5) == 0)
            p += 3;
        rc = buf_append(out, p, 1);
    }
    return rc;
}

int
ics_calendar_build(const struct ics_event *ev, size_t n, const char *method, struct buf *out)
{
    icalcomponent *cal = icalcomponent_new_vcalendar(), *e;
    char *text = NULL;
    size_t i;
    int rc = ERR_NOMEM;

    if (!cal)
        goto out;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Chairside//Chairside//EN"));
    if (method)
        icalcomponent_add_property(cal, icalproperty_new_method(icalenum_string_to_method(method)));
    for (i = 0; i < n; i++) {
        e = make_event(&ev[i]);
        if (!e)
            goto out;
        icalcomponent_add_component(cal, e);
    }
    text = icalcomponent_as_ical_string_r(cal);
    rc = text ? put_lines(out, text) : ERR_NOMEM;
out:
    free(text);
    if (cal)
        icalcomponent_free(cal);
    return rc;
}

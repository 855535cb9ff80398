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

/* ATTENDEE or ORGANIZER mailto:address with CN=name (when there is one);
 * NULL when the address could not be written safely. */
static icalproperty *
address_property(icalproperty_kind kind, const char *address, const char *name)
{
    char mailto[300];
    icalproperty *p;

    if (!address || !*address || !plain_address(address) || strlen(address) > 254)
        return NULL;
    snprintf(mailto, sizeof(mailto), "mailto:%s", address);
    p = kind == ICAL_ORGANIZER_PROPERTY ? icalproperty_new_organizer(mailto)
                                        : icalproperty_new_attendee(mailto);
    if (p && name && *name)
        icalproperty_add_parameter(p, icalparameter_new_cn(name));
    return p;
}

static void
add_staff(icalcomponent *ev, const struct ics_event *e, int itip)
{
    char id[24];
    icalproperty *p;

    if (!itip && (p = address_property(ICAL_ATTENDEE_PROPERTY, e->staff_email, e->staff_name)))
        icalcomponent_add_property(ev, p);
    snprintf(id, sizeof(id), "%lld", (long long)e->staff_id);
    p = icalproperty_new_x(id);
    icalproperty_set_x_name(p, ICS_STAFF_PROP);
    icalcomponent_add_property(ev, p);
}

/* ORGANIZER and the recipient as a participant who need not answer
 * (nothing reads replies). */
static void
add_parties(icalcomponent *ev, const struct ics_itip *e)
{
    icalproperty *p = address_property(ICAL_ORGANIZER_PROPERTY, e->organizer, e->organizer_cn);

    if (p)
        icalcomponent_add_property(ev, p);
    p = address_property(ICAL_ATTENDEE_PROPERTY, e->attendee, e->attendee_cn);
    if (p) {
        icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
        icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
        icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
        icalcomponent_add_property(ev, p);
    }
}

static icalcomponent *
make_event(const struct ics_event *e, const struct ics_itip *t, int itip)
{
    static const struct ics_itip none = {0, 0, NULL, NULL, NULL, NULL};
    icalcomponent *ev = icalcomponent_new_vevent();

    if (!ev)
        return NULL;
    if (!t)
        t = &none;
    icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(e->stamp)));
    if (t->modified > 0)
        icalcomponent_add_property(ev, icalproperty_new_lastmodified(utc_time(t->modified)));
    icalcomponent_add_property(ev, icalproperty_new_sequence(t->sequence > 0 ? t->sequence : 0));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(e->start)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(e->end)));
    /* A calendar shows SUMMARY as the event's title: never leave it blank. */
    icalcomponent_add_property(
        ev, icalproperty_new_summary(e->summary && *e->summary ? e->summary : "Appointment"));
    if (e->description && *e->description)
        icalcomponent_add_property(ev, icalproperty_new_description(e->description));
    if (e->location && *e->location)
        icalcomponent_add_property(ev, icalproperty_new_location(e->location));
    icalcomponent_add_property(
        ev, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
    add_parties(ev, t);
    add_staff(ev, e, itip);
    return ev;
}

/* Wall-clock time of local seconds, without a zone (as a VTIMEZONE's
 * observances start). */
static struct icaltimetype
local_time(int64_t local)
{
    return icaltime_from_timet_with_zone((time_t)local, 0, NULL);
}

static icalcomponent *
observance(int summer, int64_t start_local, int32_t from, int32_t to)
{
    icalcomponent *o = summer ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard();

    if (!o)
        return NULL;
    icalcomponent_add_property(o, icalproperty_new_dtstart(local_time(start_local)));
    icalcomponent_add_property(o, icalproperty_new_tzoffsetfrom(from));
    icalcomponent_add_property(o, icalproperty_new_tzoffsetto(to));
    return o;
}

#define ICS_TZ_MAX_CHANGES 64

/* The zone as one observance from the local midnight before tz_from and
 * one per change of offset up to tz_to: a change that puts the clocks
 * forward starts a DAYLIGHT observance, any other a STANDARD one. */
static icalcomponent *
make_timezone(const struct ics_calendar *cal)
{
    icalcomponent *tz = icalcomponent_new_vtimezone(), *o;
    int32_t off = tz_offset_at(cal->zone, cal->tz_from), next_off;
    int64_t t = tz_next_transition(cal->zone, cal->tz_from);
    int64_t start = (cal->tz_from + off) - ((cal->tz_from + off) % 86400 + 86400) % 86400;
    int first_daylight, n;

    if (!tz)
        return NULL;
    icalcomponent_add_property(tz, icalproperty_new_tzid(cal->tzid));
    first_daylight = t <= cal->tz_to && tz_offset_at(cal->zone, t) < off;
    o = observance(first_daylight, start, off, off);
    if (o)
        icalcomponent_add_component(tz, o);
    for (n = 0; o && t <= cal->tz_to && n < ICS_TZ_MAX_CHANGES; n++) {
        next_off = tz_offset_at(cal->zone, t);
        o = observance(next_off > off, t + off, off, next_off);
        if (o)
            icalcomponent_add_component(tz, o);
        off = next_off;
        t = tz_next_transition(cal->zone, t);
    }
    if (!o) {
        icalcomponent_free(tz);
        return NULL;
    }
    return tz;
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
ics_build(const struct ics_calendar *c, const struct ics_event *ev, const struct ics_itip *itip,
          size_t n, struct buf *out)
{
    icalcomponent *cal = icalcomponent_new_vcalendar(), *e;
    char *text = NULL;
    size_t i;
    int rc = ERR_NOMEM;

    if (!cal)
        goto out;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Chairside//Chairside//EN"));
    if (c->method)
        icalcomponent_add_property(cal,
                                   icalproperty_new_method(icalenum_string_to_method(c->method)));
    if (c->tzid && *c->tzid && c->zone) {
        e = make_timezone(c);
        if (!e)
            goto out;
        icalcomponent_add_component(cal, e);
    }
    for (i = 0; i < n; i++) {
        e = make_event(&ev[i], itip ? &itip[i] : NULL, c->method != NULL);
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

int
ics_calendar_build(const struct ics_event *ev, size_t n, const char *method, struct buf *out)
{
    struct ics_calendar cal = {method, NULL, NULL, 0, 0};

    return ics_build(&cal, ev, NULL, n, out);
}

/* iCalendar text of bookings (libical). Pure. Reading what a diary
 * holds is core/ics_busy.h's.
 *
 * What is built is RFC 5545 and, with a METHOD, an iTIP message (RFC
 * 5546): every VEVENT has UID, DTSTAMP, SEQUENCE, DTSTART, DTEND, a
 * SUMMARY that is never empty and STATUS; ORGANIZER, the recipient as
 * ATTENDEE and LAST-MODIFIED when given. Who the event is with is named
 * by X-CHAIRSIDE-STAFF always, and as an ATTENDEE only without a METHOD
 * (the diary's copy): in an iTIP message ATTENDEE means who it invites,
 * and PUBLISH has none. */
#ifndef CHAIRSIDE_CORE_ICS_H
#define CHAIRSIDE_CORE_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "util/buf.h"

struct ics_event {
    const char *uid;
    int64_t start, end, stamp; /* UTC seconds */
    const char *summary;
    const char *description;
    const char *location;
    const char *staff_name;
    const char *staff_email; /* "" = none */
    int64_t staff_id;
    int cancelled;
};

/* The iTIP parts of one event. Zero or NULL leaves a property out
 * (SEQUENCE is then 0). */
struct ics_itip {
    int sequence;             /* grows with every change it announces */
    int64_t modified;         /* LAST-MODIFIED, UTC seconds */
    const char *organizer;    /* ORGANIZER mailto: address (ASCII) */
    const char *organizer_cn; /* its CN, e.g. the location's name */
    const char *attendee;     /* ATTENDEE mailto: address: the recipient */
    const char *attendee_cn;
};

/* A VCALENDAR's own parts. */
struct ics_calendar {
    const char *method; /* NULL = none; "PUBLISH", "REQUEST", "CANCEL" */
    /* A VTIMEZONE for tzid (NULL = none) with zone's offsets over
     * [tz_from, tz_to]: what a calendar without events still holds, as
     * RFC 5545 wants one component at least. */
    const char *tzid;
    const struct tz_zone *zone;
    int64_t tz_from, tz_to;
};

/* Appends a VCALENDAR (method NULL = none) holding the n events. */
int ics_calendar_build(const struct ics_event *ev, size_t n, const char *method, struct buf *out);
/* The same with cal's METHOD and VTIMEZONE, and itip[i] (itip NULL: none)
 * for ev[i]. */
int ics_build(const struct ics_calendar *cal, const struct ics_event *ev,
              const struct ics_itip *itip, size_t n, struct buf *out);

#endif

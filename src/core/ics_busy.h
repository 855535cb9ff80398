/* Busy time of one staff member in what a CalDAV diary holds, as other
 * calendar clients write it (libical): recurring events (RRULE, RDATE,
 * EXDATE, instances overridden by RECURRENCE-ID) expanded over the window
 * asked about, TZID times read with their VTIMEZONE, floating times and
 * all-day (VALUE=DATE) events in the practice's local zone. Pure. */
#ifndef CHAIRSIDE_CORE_ICS_BUSY_H
#define CHAIRSIDE_CORE_ICS_BUSY_H

#include <stdint.h>

#include "core/tz.h"

/* Who a diary event belongs to: an ATTENDEE mailto:email or CN=name, or
 * X-CHAIRSIDE-STAFF equal to id, e-mail or name (case-insensitive). */
struct ics_staff_key {
    int64_t id;
    const char *name;
    const char *email;
};

struct ics_busy_query {
    const struct ics_staff_key *who;
    int64_t start, end;          /* UTC seconds, [start, end) */
    const struct tz_zone *local; /* floating and all-day times; NULL = UTC */
    const char *own_uid;         /* events with this UID are ours: skipped */
    const char *old_uid;         /* ours too, named as before installation ids; NULL = none */
    /* Our installation id (NULL = none): an event of another Chairside
     * installation (a UID ending "@chairside" without "-<id>@") matches
     * by e-mail or name only, its X-CHAIRSIDE-STAFF id being that
     * installation's staff member. */
    const char *installation;
};

/* Most instances of one recurrence rule looked at; a rule that would need
 * more (a minutely rule running for years) counts as busy, so a booking
 * is flagged for a person to check rather than put over a real event. */
#define ICS_BUSY_MAX_INSTANCES 100000
/* The same for a rule with COUNT, whose instances are counted from the
 * first; beyond this many the walk costs more than any real diary needs. */
#define ICS_BUSY_MAX_COUNTED 10000

/* Looks through every VCALENDAR in text (plain, or inside a CalDAV
 * multistatus with XML escapes) for an instance of a VEVENT of q->who
 * that overlaps [q->start, q->end); *found 1 when there is one. Cancelled
 * events and cancelled instances are free. */
int ics_busy_find(const char *text, const struct ics_busy_query *q, int *found);
/* 1 when the iCalendar text holds a VEVENT with UID uid (a resource the
 * diary holds under our name is only ours to change if it is). */
int ics_busy_has_uid(const char *text, const char *uid);

#endif

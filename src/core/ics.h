/* iCalendar text of bookings (libical), and the search of a CalDAV
 * answer for events of one staff member. Pure. */
#ifndef CHAIRSIDE_CORE_ICS_H
#define CHAIRSIDE_CORE_ICS_H

#include <stddef.h>
#include <stdint.h>

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

/* Who a diary event belongs to: an ATTENDEE mailto:email or CN=name, or
 * X-CHAIRSIDE-STAFF equal to id, e-mail or name (case-insensitive). */
struct ics_staff_key {
    int64_t id;
    const char *name;
    const char *email;
};

/* Appends a VCALENDAR (method NULL = none) holding the n events. */
int ics_calendar_build(const struct ics_event *ev, size_t n, const char *method, struct buf *out);
/* Looks through every VCALENDAR in text (plain, or inside a CalDAV
 * multistatus with XML escapes) for a VEVENT of who that overlaps
 * [start, end) and whose UID is not own_uid; *found 1 when there is one. */
int ics_find_overlap(const char *text, const struct ics_staff_key *who, int64_t start, int64_t end,
                     const char *own_uid, int *found);

#endif

/* iCalendar text of bookings (libical). Pure. Reading what a diary
 * holds is core/ics_busy.h's. */
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

/* Appends a VCALENDAR (method NULL = none) holding the n events. */
int ics_calendar_build(const struct ics_event *ev, size_t n, const char *method, struct buf *out);

#endif

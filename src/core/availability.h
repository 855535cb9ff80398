/* The availability rules of design.md as pure functions: shifts, busy
 * intervals and settings in, bookable slots out. The same functions answer
 * GET /availability and decide whether a booking request is acceptable, so
 * the two can never disagree. */
#ifndef CHAIRSIDE_CORE_AVAILABILITY_H
#define CHAIRSIDE_CORE_AVAILABILITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/avail_units.h"
#include "core/tz.h"

/* One weekly shift: local wall-clock minutes on an ISO weekday in the zone
 * of the shift's location. end_min may be 1440 (midnight at the end). */
struct avail_shift {
    int weekday; /* 1 = Monday ... 7 = Sunday */
    int start_min;
    int end_min;
    int64_t location_id;
    const struct tz_zone *zone; /* borrowed */
};

/* Something that occupies the staff member: booking, appointment or time
 * off (cancelled ones are never passed in). UTC seconds, [start, end) is
 * the occupied interval: a booking's own buffers are included, so a new
 * slot's padded interval must not overlap it (buffers protect both
 * sides). at is the booking's own start, which a group booking shares
 * with others of its service (start for everything else). */
struct avail_busy {
    int64_t start;
    int64_t end;
    /* > 0 for a booking of exactly one group service (capacity > 1): such
     * bookings share a slot instead of blocking it, up to the capacity. */
    int64_t group_service_id;
    int64_t at;
};

struct avail_staff {
    int64_t staff_id;
    const struct avail_shift *shifts; /* borrowed */
    size_t n_shifts;
    const struct avail_busy *busy; /* borrowed, sorted by (occupied) start */
    size_t n_busy;
};

struct avail_query {
    int64_t from_day; /* local dates as civil day numbers, inclusive */
    int64_t to_day;
    int duration_min;         /* D: sum of the services' durations, > 0 */
    int buffer_before_min;    /* padding that must be free before the slot */
    int buffer_after_min;     /* padding that must be free after it */
    int divider_min;          /* booking time divider, > 0 */
    int64_t now;              /* UTC seconds; the current time is a parameter */
    int min_notice_min;       /* 0 = no minimum notice */
    int max_advance_days;     /* 0 = no maximum advance */
    int64_t group_service_id; /* > 0 when booking one service of capacity > 1 */
    int capacity;             /* that service's capacity (1 = individual) */
    /* The resources the services need (core/avail_units.h); NULL or none:
     * the staff member alone decides. Borrowed. */
    const struct avail_needs *needs;
};

struct avail_slot {
    int64_t staff_id;
    int64_t location_id;
    int64_t start;          /* UTC seconds */
    int64_t end;            /* start + duration */
    int32_t utc_offset;     /* the location's offset at start, for rendering */
    int32_t end_utc_offset; /* and at end, which differs across a clock change */
    int64_t group_event_id; /* > 0: seats of this group event, not a free time */
    int seats_left;         /* with group_event_id: its free seats */
};

/* A growable list of slots; owned by whoever called avail_result_init. */
struct avail_result {
    struct avail_slot *slots;
    size_t n;
    size_t cap;
};

void avail_result_init(struct avail_result *r);
void avail_result_cleanup(struct avail_result *r);

/* Appends one slot (a group event's seats, found outside the engine). */
int avail_result_add(struct avail_result *r, const struct avail_slot *slot);
/* Orders the slots by start, then staff_id, then group_event_id, as
 * avail_compute leaves them. */
void avail_result_sort(struct avail_result *r);

/* Appends every slot of every staff member in q's date range to out,
 * ordered by start, then staff_id. Returns ERR_OK, ERR_INVALID (bad query)
 * or ERR_NOMEM. */
int avail_compute(const struct avail_query *q, const struct avail_staff *staff, size_t n_staff,
                  struct avail_result *out);

/* Decides whether start is a slot that avail_compute would offer for this
 * staff member (q's date range is ignored: the local date of start is used).
 * Returns ERR_OK when it is, ERR_CONFLICT with *why set to a static,
 * human-readable reason when not ("outside the staff member's shifts",
 * "not on the booking time grid", "the time is already taken",
 * "a resource it needs is taken", "less than the minimum notice", "beyond the maximum advance
 * booking period", "in the past"), or ERR_INVALID / ERR_NOMEM. */
int avail_check(const struct avail_query *q, const struct avail_staff *staff, int64_t start,
                const char **why);

#endif

/* Appointments: actions (not services) put in the calendar by staff at any
 * time and with any staff member, optionally repeating. Unlike bookings
 * they are never refused for overlapping something else: staff chose the
 * time on purpose, so an overlap only comes back as a warning. */
#ifndef CHAIRSIDE_SERVICE_APPOINTMENTS_H
#define CHAIRSIDE_SERVICE_APPOINTMENTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/recurrence.h"
#include "core/tz.h"
#include "service/svc.h"
#include "store/store.h"

#define APPT_NOTES_MAX 10000
#define APPT_MAX_DURATION_MIN 1440

struct appt_new {
    struct store_appointment a; /* references, notes, share flag */
    int64_t start;
    int64_t duration_min;
    int recurring;
    struct recur_rule rule;
};

/* What appointments_create stored: one start and id per occurrence, in
 * s->arena, and the zone their wall-clock times were read in. */
struct appt_series {
    const struct tz_zone *zone;
    int64_t *starts;
    int64_t *ids;
    size_t n;
};

/* Expands the series in the staff member's zone (the organisation's when
 * there is none) and stores it whole or not at all. Each occurrence that
 * overlaps something else of its staff member adds {occurrence_id, start,
 * message} to warnings. */
int appointments_create(const struct svc *s, const struct appt_new *in, json_t *warnings,
                        struct appt_series *out);

/* A change to one appointment; absent parts keep what is stored. */
struct appt_change {
    int64_t patient_id, staff_id, action_id; /* APPT_UNCHANGED; 0 detaches */
    int64_t start;                           /* APPT_UNCHANGED */
    int64_t duration_min;                    /* 0: unchanged */
    const char *notes;                       /* NULL: unchanged */
    int share_with_patient;                  /* -1: unchanged */
};
#define APPT_UNCHANGED INT64_MIN

/* Applies c to appointment id in one write transaction; an overlap at the
 * new time is a warning, as for a new one. */
int appointments_update(const struct svc *s, int64_t id, const struct appt_change *c,
                        json_t *warnings);
/* Cancels appointment id and, by scope ("this", "following", "series"),
 * the rest of its series; *n is how many were cancelled. */
int appointments_cancel(const struct svc *s, int64_t id, const char *scope, int *n);

#endif

/* A staff member's weekly shifts and time off: what availability reads. */
#ifndef CHAIRSIDE_SERVICE_STAFF_SCHEDULE_H
#define CHAIRSIDE_SERVICE_STAFF_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

#define STAFF_MAX_SHIFTS 64

/* ERR_NOT_FOUND (with a problem) when there is no such staff member. */
int staff_schedule_exists(const struct svc *s, int64_t staff_id);
/* Replaces the week of staff_id with shifts[0..n) in one write
 * transaction. Each shift must end after it starts at a location that
 * exists, and shifts on one weekday must not overlap (field errors on
 * "shifts"). */
int staff_schedule_set_shifts(const struct svc *s, int64_t staff_id,
                              const struct store_shift *shifts, size_t n);
/* Time off [start, end) for staff_id; *id is the new row. */
int staff_schedule_add_time_off(const struct svc *s, int64_t staff_id, int64_t start, int64_t end,
                                const char *reason, int64_t *id);
/* Loads time off id of staff_id; ERR_NOT_FOUND (with a problem) when it
 * is not theirs. */
int staff_schedule_time_off(const struct svc *s, int64_t staff_id, int64_t id, json_t **row);
int staff_schedule_remove_time_off(const struct svc *s, int64_t staff_id, int64_t id);

#endif

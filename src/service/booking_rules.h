/* The single decision on whether a staff member can take services at a
 * time: used by booking creation and rescheduling alike, always inside the
 * write transaction that then saves the booking. */
#ifndef CHAIRSIDE_SERVICE_BOOKING_RULES_H
#define CHAIRSIDE_SERVICE_BOOKING_RULES_H

#include <stdint.h>

#include "service/resources.h"
#include "service/schedule.h"

/* ERR_OK and *location_id of the shift when start is a slot availability
 * offers; otherwise ERR_CONFLICT with the reason in s->problem. Takes the
 * staff member's lock and those of the resources the services need, and
 * leaves in *needs what the caller gives resources_take for the units.
 * Live holds count as taken, but those holds leaves out. */
int booking_slot_check(const struct svc *s, const struct sched_settings *settings,
                       const struct sched_services *svc, int64_t staff_id, int64_t start,
                       int64_t skip_booking_id, const struct store_hold_skip *holds,
                       int64_t *location_id, struct resource_needs *needs);

#endif

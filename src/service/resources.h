/* Resources in the use cases: which rooms, chairs and machines a booking's
 * services need, which of their units are taken, and the units a booking
 * takes in its own write transaction. */
#ifndef CHAIRSIDE_SERVICE_RESOURCES_H
#define CHAIRSIDE_SERVICE_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "core/avail_units.h"
#include "service/schedule.h"
#include "service/svc.h"

/* The resources the services need with their units in use over a window,
 * allocated in s->arena; needs is what the availability engine reads. */
struct resource_needs {
    struct avail_needs needs;
    struct avail_resource *items;
    int64_t *ids; /* items' resource ids, in the same order */
};

/* Loads what svc needs and the units in use over [from, to) (UTC seconds)
 * by bookings other than skip_booking_id and by live holds but those holds
 * leaves out. lock: inside a write transaction about to take units, first
 * take the resources' locks (store_lock_resources; the staff locks come
 * before). */
int resources_needs_load(const struct svc *s, const struct sched_services *svc, int64_t from,
                         int64_t to, int64_t skip_booking_id, const struct store_hold_skip *holds,
                         int lock, struct resource_needs *out);
/* The units resources_take would give a booking at location_id over
 * [ws, we) (for a hold to keep them): *units a new arena array of *n. */
int resources_pick(const struct svc *s, const struct resource_needs *needs, int64_t location_id,
                   int64_t ws, int64_t we, struct store_unit_use **units, size_t *n);

/* Gives booking_id the lowest free unit of every resource needed at
 * location_id over its occupied interval [ws, we), replacing any it held;
 * ERR_CONFLICT (explained) when one has none. */
int resources_take(const struct svc *s, const struct resource_needs *needs, int64_t booking_id,
                   int64_t location_id, int64_t ws, int64_t we);
/* A cancelled booking holds no units. */
int resources_release(const struct svc *s, int64_t booking_id);

/* Replaces the resources service_id needs; an unknown id is a field error
 * on field. */
int resources_service_set(const struct svc *s, int64_t service_id, const char *field,
                          const int64_t *ids, size_t n);

#endif

/* Resources in availability: a service may need rooms, chairs or machines,
 * each a number of interchangeable units at one location. A slot at a
 * location needs, for its padded (occupied) interval, one unit of each
 * resource the services need there that no booking holds at an
 * overlapping time; a service that needs resources none of which is at
 * the slot's location cannot be had there. Units are whole: a booking
 * keeps one unit throughout, so two half-free units are not a free one. */
#ifndef CHAIRSIDE_CORE_AVAIL_UNITS_H
#define CHAIRSIDE_CORE_AVAIL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* A unit held over [start, end) (a booking's occupied interval). */
struct avail_use {
    int unit; /* 1 ... quantity */
    int64_t start;
    int64_t end;
};

struct avail_resource {
    int64_t resource_id;
    int64_t location_id;
    int quantity;                 /* units 1 ... quantity, >= 1 */
    const struct avail_use *uses; /* borrowed, sorted by unit, then start */
    size_t n_uses;
};

/* Every resource the services need, at every location. */
struct avail_needs {
    const struct avail_resource *resources; /* borrowed */
    size_t n;
};

/* Scan state over every unit of every resource, for candidates whose
 * padded intervals [ws, we) only move forward (one staff member's slots
 * in start order). Owned by whoever called avail_units_init. */
struct avail_unit_scan;
struct avail_units {
    const struct avail_needs *needs;
    struct avail_unit_scan *scan; /* one per unit, resource by resource */
    size_t n_scan;
};

/* ERR_OK, ERR_INVALID (a resource without units, uses out of order or of
 * a unit it does not have) or ERR_NOMEM. needs may be NULL (none). */
int avail_units_init(struct avail_units *u, const struct avail_needs *needs);
void avail_units_cleanup(struct avail_units *u);
/* Starts again for another run of candidates. */
void avail_units_rewind(struct avail_units *u);
/* 1 when every resource needed at location_id has a unit free over
 * [ws, we); ws and we must not go back since the last rewind. */
int avail_units_free(struct avail_units *u, int64_t location_id, int64_t ws, int64_t we);

/* For a booking at location_id over [ws, we): units[i] becomes the lowest
 * free unit of needs->resources[i], or 0 for a resource at another
 * location. ERR_OK, or ERR_CONFLICT when some resource needed there has no
 * free unit (or none of them is there). */
int avail_units_pick(const struct avail_needs *needs, int64_t location_id, int64_t ws, int64_t we,
                     int *units);

#endif

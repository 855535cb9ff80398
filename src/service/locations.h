/* Changing a location. Its time zone gives the local clock of every
 * booking there, so a new zone never moves future bookings silently: the
 * caller says whether they keep their local clock times or their
 * instants. */
#ifndef CHAIRSIDE_SERVICE_LOCATIONS_H
#define CHAIRSIDE_SERVICE_LOCATIONS_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"

enum location_keep {
    LOCATION_KEEP_UNSAID,    /* refuse (ERR_CONFLICT) when future bookings exist */
    LOCATION_KEEP_WALL_TIME, /* same local clock time in the new zone: instants move */
    LOCATION_KEEP_INSTANT,   /* same instants: local clock times change */
};

struct location_change {
    int64_t id;
    json_t *fields; /* validated columns to set (borrowed) */
    enum location_keep keep;
    int n_future; /* out: live bookings there from now on, when the zone changes */
    int n_moved;  /* out: bookings whose instants moved (wall_time) */
};

/* Updates the location in one write transaction on s->db, with the locks
 * of every staff member working or booked there, so no booking is made in
 * between under the old zone. With a new timezone and future live
 * bookings, LOCATION_KEEP_UNSAID is ERR_CONFLICT naming how many (and
 * n_future says it); LOCATION_KEEP_WALL_TIME moves each booking to the
 * same local time in the new zone (ERR_CONFLICT when that overlaps
 * another booking of its staff member), with a history entry and the
 * rescheduled notices; LOCATION_KEEP_INSTANT leaves them and records the
 * new local times in their history. ERR_NOT_FOUND when there is no such
 * location. */
int locations_update(const struct svc *s, struct location_change *c);

#endif

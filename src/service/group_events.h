/* Group events: a class or group session of one service that a staff
 * member holds at a time, with seats that participant bookings take
 * (service/bookings.c books them). An event occupies its staff member and
 * its service's resources like a booking; the setting appointment_mode
 * says whether the clinic has them at all. */
#ifndef CHAIRSIDE_SERVICE_GROUP_EVENTS_H
#define CHAIRSIDE_SERVICE_GROUP_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/recurrence.h"
#include "service/svc.h"
#include "store/store.h"

struct group_event_new {
    int64_t service_id;
    int64_t staff_id;
    int64_t location_id; /* 0: the staff member's first location */
    int64_t start;
    int capacity;       /* 0: the service's */
    int online_booking; /* -1: as the service is offered */
    int recurring;
    struct recur_rule rule;
};

/* What group_events_create stored, in s->arena. */
struct group_event_series {
    int64_t *ids;
    size_t n;
    int64_t series_id; /* the first event's id when recurring, else 0 */
};

/* Stores the event, or every event of its series, whole or not at all:
 * 409 when appointment_mode is "individual", when the staff member is
 * busy (bookings, events, appointments, time off, holds, with buffers)
 * at one of them, or when a resource the service needs has no free unit
 * at the location; 422 for unknown references and bad rules. */
int group_events_create(const struct svc *s, const struct group_event_new *in,
                        struct group_event_series *out);

/* The event as the store reads it, with seats_left added (capacity less
 * seats taken and held, never below 0); ERR_NOT_FOUND explained. */
int group_events_get(const struct svc *s, int64_t id, json_t **row);
/* Events matching f, each as group_events_get gives it; a new array. */
int group_events_list(const struct svc *s, const struct store_group_event_filter *f,
                      json_t **items);
/* Cancels event id and, by scope ("this", "following", "series"), the
 * rest of its series, with every live participant booking through the
 * booking cancel (mails, voided invoices, history); *n_events and
 * *n_bookings say how many. 409 when event id is already cancelled. */
int group_events_cancel(const struct svc *s, int64_t id, const char *scope, int *n_events,
                        int *n_bookings);
/* The live participant bookings of event id (store_booking_list rows);
 * a new array. */
int group_events_participants(const struct svc *s, int64_t id, json_t **items);

/* Inside a booking's write transaction: takes the event's staff lock and
 * checks that event id may take seats more (scheduled, not started, seats
 * left besides those of live holds but skip_hold_id); fills *e from it.
 * 409 explained when not; 422 on group_event_id when there is no such
 * event. */
int group_events_take_seats(const struct svc *s, int64_t id, int seats, int64_t skip_hold_id,
                            struct store_group_event *e);

#endif

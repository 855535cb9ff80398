/* The scheduling use cases behind the FHIR interface: which slots are
 * free (the availability engine of GET /availability, per service), what
 * FHIR status a booking or appointment has, and booking a slot (the
 * booking use case of POST /bookings). No FHIR JSON here: api/fhir_*.c
 * renders. */
#ifndef CHAIRSIDE_SERVICE_FHIR_H
#define CHAIRSIDE_SERVICE_FHIR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "service/holds.h"
#include "service/svc.h"

struct store_audit;

/* Slot search windows are at most this long, like GET /availability's. */
#define FHIR_MAX_WINDOW_S (62 * 86400)
/* Free slots are published for this many days ahead ($bulk-publish). */
#define FHIR_PUBLISH_DAYS 28
/* The CodeSystem of service-type codes: a service's id. */
#define FHIR_SERVICE_SYSTEM "urn:chairside:service"

enum fhir_appt_kind {
    FHIR_APPT_BOOKING,
    FHIR_APPT_APPOINTMENT,
};

/* A free slot of one service with one staff member at one location, or
 * (booking_id > 0) the busy time of a live booking, service_id its first
 * service. */
struct fhir_slot {
    int64_t staff_id;
    int64_t location_id;
    int64_t service_id;
    int64_t start, end;     /* UTC seconds */
    int32_t utc_offset;     /* the location's offset at start */
    int32_t end_utc_offset; /* and at end */
    int64_t booking_id;
};

#define FHIR_SLOT_FREE 1
#define FHIR_SLOT_BUSY 2

struct fhir_slot_query {
    int64_t staff_id;           /* 0: every staff member */
    int64_t location_id;        /* 0: every location */
    const int64_t *service_ids; /* n_services == 0: every service */
    size_t n_services;
    int64_t from, to; /* UTC [from, to), at most FHIR_MAX_WINDOW_S apart */
    int online;       /* a patient or the public: services offered online only */
    int statuses;     /* FHIR_SLOT_FREE, FHIR_SLOT_BUSY or both */
};

/* Free slots (of the availability engine) and busy ones (live bookings)
 * starting in [q->from, q->to), ordered by start, staff, location and
 * service; *out lives in s->arena. Unknown service ids are a field error
 * on service-type. */
int fhir_slots_find(const struct svc *s, const struct fhir_slot_query *q, struct fhir_slot **out,
                    size_t *n);
/* The busy slot of live booking id; ERR_NOT_FOUND when there is none. */
int fhir_busy_slot(const struct svc *s, int64_t booking_id, struct fhir_slot *out);

/* Every service (the online ones when online) as {"<id>": row}. */
int fhir_services(const struct svc *s, int online, json_t **out);

/* Every Schedule: one per staff member and each location they work at,
 * ordered by staff then location, as [{staff: row with location_ids,
 * location_id, service_ids}] (staff_id, location_id: 0 = any). A schedule
 * offers the staff member's assigned services when services are assigned
 * to staff, else every service. *services maps each id (as text) to its
 * row. online: only bookable staff and services offered online. */
int fhir_schedules(const struct svc *s, int online, int64_t staff_id, int64_t location_id,
                   json_t **items, json_t **services);

/* Whether slot (start, staff, location, service; end is filled in) is
 * free now: ERR_NOT_FOUND when it is not. */
int fhir_slot_check(const struct svc *s, struct fhir_slot *slot, int online);

/* The Appointment.status of a booking or appointment (the map):
 * cancelled -> cancelled, no_show -> noshow, arrived -> arrived (fulfilled
 * once it has ended), anything else -> booked. */
const char *fhir_appointment_status(const char *status, const char *attendance, int64_t end_at,
                                    int64_t now);

/* Books slot for patient_id under every rule of POST /bookings (invoice,
 * notifications, history): as the patient themselves when by_patient,
 * else as staff. *booking_id is the new booking. */
struct fhir_book_in {
    struct fhir_slot slot;
    int64_t patient_id;
    int by_patient;
    const char *notes;               /* may be NULL */
    const char *referral;            /* booking-referral, may be NULL */
    const char *hold;                /* a $hold's token: books the held time; may be NULL */
    const struct store_audit *audit; /* written in the booking's commit; may be NULL */
};

int fhir_book(const struct svc *s, const struct fhir_book_in *in, int64_t *booking_id);

/* $hold (IHE ITI-116): keeps slot (checked free by fhir_slot_check) for
 * holder through the holds use case of POST /holds; online as for
 * fhir_slot_check. The hold's token is in out, shown to the caller once. */
int fhir_hold(const struct svc *s, const char *holder, const struct fhir_slot *slot, int online,
              struct hold_made *out);

/* A live hold, as $book finds it by its token. */
struct fhir_held {
    int64_t id;
    const char *holder; /* in s->arena */
    int64_t expires_at;
    struct fhir_slot slot; /* service_id: the hold's first service */
};

/* The live hold of token; ERR_NOT_FOUND (explained) when there is none
 * or it has expired. */
int fhir_hold_find(const struct svc *s, const char *token, struct fhir_held *out);

#endif

/* Searching free slots: the availability engine fed from the store with
 * the clinic's settings, for staff booking and for patients online. */
#ifndef CHAIRSIDE_SERVICE_AVAILABILITY_H
#define CHAIRSIDE_SERVICE_AVAILABILITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/availability.h"
#include "service/svc.h"

struct availability_request {
    const int64_t *service_ids;
    size_t n_services;
    int64_t from_day, to_day; /* local days, inclusive */
    int64_t staff_id;         /* 0: every bookable staff member */
    int64_t location_id;      /* 0: every location */
    int online;               /* a patient or visitor: only services offered online */
    const char *holder;       /* whose holds are shown as free (NULL: nobody's) */
};

/* Fills out (initialised by the caller) with the slots for the services
 * together, and *duration_min with their combined length. Refusals are
 * field errors on service_ids. */
int availability_search(const struct svc *s, const struct availability_request *r,
                        struct avail_result *out, int *duration_min);

#endif

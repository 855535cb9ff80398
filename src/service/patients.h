/* Patients: merging a record into another (a sign-up that doubled an
 * existing patient, flagged as possible_duplicate_of). */
#ifndef CHAIRSIDE_SERVICE_PATIENTS_H
#define CHAIRSIDE_SERVICE_PATIENTS_H

#include <stdint.h>

#include "service/svc.h"

/* Moves patient id's bookings, appointments, invoices and login to
 * into_id and deletes id, in one write transaction. ERR_NOT_FOUND when id
 * does not exist, ERR_INVALID (field into_id) when into_id is id or does
 * not exist, ERR_CONFLICT when both have a login. */
int patients_merge(const struct svc *s, int64_t id, int64_t into_id);

#endif

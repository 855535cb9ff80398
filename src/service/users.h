/* Login accounts: creating one for staff, an admin or a patient. */
#ifndef CHAIRSIDE_SERVICE_USERS_H
#define CHAIRSIDE_SERVICE_USERS_H

#include <stdint.h>

#include "service/svc.h"

/* Validates and hashes (Argon2id), then stores the user on s->db.
 * ERR_INVALID for a bad e-mail, role or a password shorter than 8 (with a
 * field error); ERR_CONFLICT when the e-mail is taken. */
int users_add(const struct svc *s, const char *email, const char *password, const char *role,
              int64_t patient_id, int64_t *id);
/* A login for patient_id: ERR_NOT_FOUND when there is no such patient,
 * ERR_CONFLICT when the patient or the e-mail already has one. */
int users_add_patient(const struct svc *s, int64_t patient_id, const char *email,
                      const char *password, int64_t *id);

#endif

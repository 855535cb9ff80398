/* Login accounts: creating one for staff, an admin or a patient. */
#ifndef CHAIRSIDE_SERVICE_USERS_H
#define CHAIRSIDE_SERVICE_USERS_H

#include <stdint.h>

#include "service/svc.h"

#define USERS_FAIL_WINDOW_S (15 * 60) /* failed logins counted over this */
#define USERS_FAIL_MAX_EMAIL 5
#define USERS_FAIL_MAX_ADDRESS 20

struct store_user;

/* Validates and hashes (Argon2id), then stores the user on s->db.
 * ERR_INVALID for a bad e-mail, role or a password shorter than 8 (with a
 * field error); ERR_CONFLICT when the e-mail is taken. */
int users_add(const struct svc *s, const char *email, const char *password, const char *role,
              int64_t patient_id, int64_t *id);
/* A login for patient_id: ERR_NOT_FOUND when there is no such patient,
 * ERR_CONFLICT when the patient or the e-mail already has one. */
int users_add_patient(const struct svc *s, int64_t patient_id, const char *email,
                      const char *password, int64_t *id);
/* Checks a login: refused with ERR_RATE_LIMITED while the e-mail or the
 * client address had too many failures within USERS_FAIL_WINDOW_S; a
 * wrong e-mail or password is ERR_UNAUTHORIZED and counts as a failure;
 * when the failure cannot be recorded the login fails with that store
 * error instead (ERR_STORE, ERR_UNAVAILABLE or ERR_RETRY), so the rate
 * limit cannot be switched off by breaking its writes. An unknown e-mail
 * is checked against a dummy hash, taking as long as a known one.
 * *u holds the user when the e-mail is known (u->id 0 otherwise). */
/* A staff or admin login (role "admin" or "staff", else a field error),
 * as users_add; ERR_CONFLICT when the e-mail is taken. */
int users_add_staff(const struct svc *s, const char *email, const char *password, const char *role,
                    int64_t *id);
/* Disables (ending every session of it at once) or enables the staff or
 * admin login id in one write transaction. ERR_NOT_FOUND when there is no
 * such login (patients' logins are not staff accounts); ERR_CONFLICT when
 * the caller would disable their own. */
int users_set_disabled(const struct svc *s, int64_t id, int disable);
/* A disabled login with the right password is ERR_FORBIDDEN. */
int users_authenticate(const struct svc *s, const char *email, const char *password,
                       const char *address, struct store_user *u);

#endif

/* Creating login accounts from the command line and the demo. */
#ifndef CHAIRSIDE_CLI_USERS_H
#define CHAIRSIDE_CLI_USERS_H

#include <stdint.h>

struct store_conn;

/* Validates and hashes (Argon2id), then stores the user. ERR_INVALID for a
 * bad e-mail, role or a password shorter than 8; ERR_CONFLICT when the
 * e-mail is taken. */
int users_add(struct store_conn *c, const char *email, const char *password, const char *role,
              int64_t patient_id, int64_t *id);

#endif

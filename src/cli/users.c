#include "cli/users.h"

#include <string.h>

#include "api/input.h"
#include "store/store.h"
#include "util/err.h"
#include "util/secret.h"

int
users_add(struct store_conn *c, const char *email, const char *password, const char *role,
          int64_t patient_id, int64_t *id)
{
    char hash[160];
    int rc;

    if (!valid_email(email) || strlen(email) > 254)
        return ERR_INVALID;
    if (strlen(password) < 8 || strlen(password) > SECRET_PASSWORD_MAX)
        return ERR_INVALID;
    if (strcmp(role, "admin") != 0 && strcmp(role, "staff") != 0 && strcmp(role, "patient") != 0)
        return ERR_INVALID;
    rc = secret_password_hash(password, hash, sizeof(hash));
    if (rc == ERR_OK)
        rc = store_user_create(c, email, hash, role, patient_id, id);
    return rc;
}

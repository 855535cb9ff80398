#include "service/users.h"

#include <string.h>

#include "core/email.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/secret.h"

int
users_add(const struct svc *s, const char *email, const char *password, const char *role,
          int64_t patient_id, int64_t *id)
{
    char hash[160];
    int rc;

    if (email_problem(email) || strlen(email) > EMAIL_MAX_LEN)
        return svc_field_error(
            s, "email", email_problem(email) ? email_problem(email) : "must be an e-mail address");
    if (strlen(password) < 8 || strlen(password) > SECRET_PASSWORD_MAX)
        return svc_field_error(s, "password", "must have 8 to 256 characters");
    if (strcmp(role, "admin") != 0 && strcmp(role, "staff") != 0 && strcmp(role, "patient") != 0)
        return svc_field_error(s, "role", "must be admin, staff or patient");
    rc = secret_password_hash(password, hash, sizeof(hash));
    if (rc == ERR_OK)
        rc = store_user_create(s->db, email, hash, role, patient_id, id);
    return rc;
}

int
users_add_patient(const struct svc *s, int64_t patient_id, const char *email, const char *password,
                  int64_t *id)
{
    struct store_user existing;
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_patients.table, patient_id, &row);

    json_decref(row);
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such patient");
    if (rc == ERR_OK && store_user_by_patient(s->db, patient_id, &existing) == ERR_OK)
        return svc_fail(s, ERR_CONFLICT, "the patient already has a login");
    if (rc == ERR_OK)
        rc = users_add(s, email, password, "patient", patient_id, id);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "that e-mail already has a login");
    return rc;
}

/* Hashes the password again with today's parameters, the only moment the
 * server knows it. A login whose new hash cannot be saved still fails
 * loudly: the old hash stays valid, so nothing is lost by trying again. */
static int
rehash(const struct svc *s, struct store_user *u, const char *password)
{
    char hash[sizeof(u->password_hash)];
    int rc = secret_password_hash(password, hash, sizeof(hash));

    if (rc == ERR_OK)
        rc = store_user_set_password_hash(s->db, u->id, hash);
    if (rc == ERR_OK)
        memcpy(u->password_hash, hash, sizeof(hash));
    return rc;
}

int
users_authenticate(const struct svc *s, const char *email, const char *password,
                   const char *address, struct store_user *u)
{
    int by_email = 0, by_address = 0;
    int rc = store_login_failure_count(s->db, email, address, s->now - USERS_FAIL_WINDOW_S,
                                       &by_email, &by_address);

    memset(u, 0, sizeof(*u));
    if (rc != ERR_OK)
        return rc;
    if (by_email >= USERS_FAIL_MAX_EMAIL || by_address >= USERS_FAIL_MAX_ADDRESS)
        return svc_fail(s, ERR_RATE_LIMITED, "too many failed logins; try again later");
    rc = store_user_by_email(s->db, email, u);
    if (rc == ERR_OK)
        rc = secret_password_verify(u->password_hash, password);
    else if (rc == ERR_NOT_FOUND)
        secret_password_verify_dummy(password);
    if (rc == ERR_NOT_FOUND)
        rc = ERR_UNAUTHORIZED;
    if (rc == ERR_UNAUTHORIZED) {
        /* A failure that is not counted would let guessing go on unlimited,
         * so the login fails as an error of the server when it cannot be. */
        rc = store_login_failure_add(s->db, email, address, s->now);
        if (rc != ERR_OK)
            return svc_fail(s, rc == ERR_UNAVAILABLE || rc == ERR_RETRY ? rc : ERR_STORE,
                            "could not record the failed login");
        return svc_fail(s, ERR_UNAUTHORIZED, "wrong e-mail or password");
    }
    /* Said only after the right password, so it tells a guesser nothing. */
    if (rc == ERR_OK && u->disabled_at > 0)
        return svc_fail(s, ERR_FORBIDDEN, "this account is disabled; ask an administrator");
    if (rc == ERR_OK && secret_password_needs_rehash(u->password_hash))
        rc = rehash(s, u, password);
    return rc;
}

int
users_add_staff(const struct svc *s, const char *email, const char *password, const char *role,
                int64_t *id)
{
    int rc;

    if (strcmp(role, "admin") != 0 && strcmp(role, "staff") != 0)
        return svc_field_error(s, "role", "must be admin or staff");
    rc = users_add(s, email, password, role, 0, id);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "that e-mail already has a login");
    return rc;
}

struct disable_args {
    int64_t id;
    int disable;
};

static int
set_disabled_tx(const struct svc *s, void *arg)
{
    const struct disable_args *d = arg;
    int rc = store_user_set_disabled(s->db, d->id, d->disable ? s->now : 0);

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such staff login");
    return rc;
}

int
users_set_disabled(const struct svc *s, int64_t id, int disable)
{
    struct disable_args d = {.id = id, .disable = disable};

    /* An admin locking themselves out could leave the clinic with none. */
    if (disable && id == s->user_id)
        return svc_fail(s, ERR_CONFLICT, "you cannot disable your own login");
    return svc_write(s, set_disabled_tx, &d);
}

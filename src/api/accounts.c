#include "api/accounts.h"

#include <stdint.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "core/email.h"
#include "service/patients.h"
#include "service/setup.h"
#include "service/users.h"
#include "store/store.h"
#include "util/err.h"
#include "util/secret.h"

int
api_patient_account(struct http_req *req, struct http_resp *resp)
{
    struct svc s = api_svc(req);
    const char *email = NULL, *password = NULL;
    int64_t user_id = 0;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "email", 1, 254, &email) != ERR_OK;
    bad |= in_text(req, "password", 1, SECRET_PASSWORD_MAX, &password) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (email_problem(email))
        return http_field_error(req, "email", email_problem(email));
    if (strlen(password) < 8)
        return http_field_error(req, "password", "must have at least 8 characters");
    rc = users_add_patient(&s, req->ids[0], email, password, &user_id);
    if (rc != ERR_OK)
        return rc;
    return http_reply_json(resp, 201,
                           json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)user_id, "email",
                                     email, "role", "patient", "patient_id",
                                     (json_int_t)req->ids[0]));
}

/* Staff merge a patient record into another (a sign-up that doubled an
 * existing patient); the answer is the record that remains. */
int
api_patient_merge(struct http_req *req, struct http_resp *resp)
{
    struct svc s = api_svc(req);
    json_t *row = NULL;
    int64_t into_id = 0;
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = in_int(req, "into_id", 1, 1, INT64_MAX, &into_id);
    if (rc == ERR_OK)
        rc = patients_merge(&s, req->ids[0], into_id);
    if (rc == ERR_OK)
        rc = store_row_get(req->db, &setup_patients.table, into_id, &row);
    if (rc == ERR_OK)
        return http_reply_json(resp, 200, row);
    return rc;
}

int
api_tokens_create(struct http_req *req, struct http_resp *resp)
{
    const char *name = NULL, *role = NULL;
    char token[SECRET_TOKEN_LEN];
    unsigned char hash[SECRET_HASH_LEN];
    int64_t id = 0, patient_id = 0;
    json_t *patient = NULL;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "name", 1, 200, &name) != ERR_OK;
    bad |= in_text(req, "role", 1, 16, &role) != ERR_OK;
    bad |= in_int(req, "patient_id", 0, 1, INT64_MAX, &patient_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (strcmp(role, "admin") != 0 && strcmp(role, "staff") != 0 && strcmp(role, "patient") != 0)
        return http_field_error(req, "role", "must be \"admin\", \"staff\" or \"patient\"");
    /* A patient token is that patient's own app: it needs the patient, and
     * only it may name one. */
    if ((strcmp(role, "patient") == 0) != (patient_id > 0))
        return http_field_error(req, "patient_id", "is needed for, and only for, role \"patient\"");
    if (patient_id) {
        rc = store_row_get(req->db, &setup_patients.table, patient_id, &patient);
        json_decref(patient);
        if (rc == ERR_NOT_FOUND)
            return http_field_error(req, "patient_id", "names a patient that does not exist");
        if (rc != ERR_OK)
            return rc;
    }
    secret_token(token);
    secret_token_hash(token, hash);
    rc = store_token_create(req->db, name, role, patient_id, hash, sizeof(hash), req->auth.user_id,
                            req->now, &id);
    if (rc != ERR_OK)
        return rc;
    /* The token itself is shown this once; only its hash is kept. */
    return http_reply_json(resp, 201,
                           json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)id, "name",
                                     name, "role", role, "patient_id",
                                     patient_id ? json_integer(patient_id) : json_null(), "token",
                                     token));
}

int
api_tokens_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *items = NULL, *item;
    size_t i;
    int rc = sched_org_zone(&sv, &zone);

    if (rc == ERR_OK)
        rc = store_token_list(req->db, &items);
    json_array_foreach(items, i, item)
    {
        json_t *revoked = json_object_get(item, "revoked_at");

        json_object_set_new(
            item, "created_at",
            sched_time_json(json_integer_value(json_object_get(item, "created_at")), zone));
        if (json_is_integer(revoked))
            json_object_set_new(item, "revoked_at",
                                sched_time_json(json_integer_value(revoked), zone));
    }
    if (rc == ERR_OK)
        return http_reply_page(resp, items, 0);
    json_decref(items);
    return rc;
}

int
api_tokens_revoke(struct http_req *req, struct http_resp *resp)
{
    int rc = store_token_revoke(req->db, req->ids[0], req->now);

    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such live token");
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:b}", "revoked", 1));
    return rc;
}

int
api_audit_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct store_audit_filter f = {0};
    const struct tz_zone *zone;
    json_t *items = NULL, *item;
    size_t i;
    int bad = 0, rc;

    bad |= query_days(req, &f.from, &f.to) != ERR_OK;
    bad |= query_int(req, "actor", 1, INT64_MAX, &f.actor_user_id) != ERR_OK;
    bad |= query_page(req, &f.limit, &f.after_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = sched_org_zone(&sv, &zone);
    if (rc == ERR_OK)
        rc = store_audit_list(req->db, &f, &items);
    json_array_foreach(items, i, item)
    {
        json_object_set_new(item, "at",
                            sched_time_json(json_integer_value(json_object_get(item, "at")), zone));
    }
    if (rc == ERR_OK) {
        rc = http_reply_page(resp, items, f.limit);
        items = NULL;
    }
    json_decref(items);
    return rc;
}

/* A staff login as the users page shows it: times in the clinic's zone,
 * disabled as a flag beside the time. */
static void
user_render(json_t *item, const struct tz_zone *zone)
{
    json_t *disabled = json_object_get(item, "disabled_at");
    int is_disabled = json_is_integer(disabled);

    json_object_set_new(
        item, "created_at",
        sched_time_json(json_integer_value(json_object_get(item, "created_at")), zone));
    json_object_set_new(item, "disabled_at",
                        is_disabled ? sched_time_json(json_integer_value(disabled), zone)
                                    : json_null());
    json_object_set_new(item, "disabled", json_boolean(is_disabled));
}

int
api_users_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *items = NULL, *item;
    int64_t after_id = 0;
    int limit = 0, rc;
    size_t i;

    if (query_page(req, &limit, &after_id) != ERR_OK)
        return ERR_INVALID;
    rc = sched_org_zone(&sv, &zone);
    if (rc == ERR_OK)
        rc = store_user_list(req->db, after_id, limit, &items);
    json_array_foreach(items, i, item)
    {
        user_render(item, zone);
    }
    if (rc == ERR_OK) {
        rc = http_reply_page(resp, items, limit);
        items = NULL;
    }
    json_decref(items);
    return rc;
}

/* The one login id, shaped as in GET /users. */
static int
user_reply(struct http_req *req, struct http_resp *resp, int64_t id, int status)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *items = NULL, *item;
    int rc = sched_org_zone(&sv, &zone);

    if (rc == ERR_OK)
        rc = store_user_list(req->db, id - 1, 1, &items);
    item = json_array_get(items, 0);
    if (rc == ERR_OK && json_integer_value(json_object_get(item, "id")) != id)
        rc = http_fail(req, ERR_NOT_FOUND, "no such staff login");
    if (rc == ERR_OK) {
        user_render(item, zone);
        rc = http_reply_json(resp, status, json_incref(item));
    }
    json_decref(items);
    return rc;
}

/* The admin sets a first password and hands it over; see docs/openapi.yaml
 * for why there is no e-mailed invitation. */
int
api_users_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *email = NULL, *password = NULL, *role = NULL;
    int64_t id = 0;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "email", 1, 254, &email) != ERR_OK;
    bad |= in_text(req, "password", 1, SECRET_PASSWORD_MAX, &password) != ERR_OK;
    bad |= in_text(req, "role", 1, 16, &role) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = users_add_staff(&sv, email, password, role, &id);
    if (rc == ERR_OK)
        rc = user_reply(req, resp, id, 201);
    return rc;
}

static int
user_disable_common(struct http_req *req, struct http_resp *resp, int disable)
{
    struct svc sv = api_svc(req);
    int rc = users_set_disabled(&sv, req->ids[0], disable);

    /* The audit log records the write, as for every other one. */
    if (rc == ERR_OK)
        rc = user_reply(req, resp, req->ids[0], 200);
    return rc;
}

int
api_users_disable(struct http_req *req, struct http_resp *resp)
{
    return user_disable_common(req, resp, 1);
}

int
api_users_enable(struct http_req *req, struct http_resp *resp)
{
    return user_disable_common(req, resp, 0);
}

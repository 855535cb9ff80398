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
    if (!email_valid(email))
        return http_field_error(req, "email", "must be an e-mail address");
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
    int64_t id = 0;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "name", 1, 200, &name) != ERR_OK;
    bad |= in_text(req, "role", 1, 16, &role) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (strcmp(role, "admin") != 0 && strcmp(role, "staff") != 0)
        return http_field_error(req, "role", "must be \"admin\" or \"staff\"");
    secret_token(token);
    secret_token_hash(token, hash);
    rc = store_token_create(req->db, name, role, hash, sizeof(hash), req->auth.user_id, req->now,
                            &id);
    if (rc != ERR_OK)
        return rc;
    /* The token itself is shown this once; only its hash is kept. */
    return http_reply_json(resp, 201,
                           json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name,
                                     "role", role, "token", token));
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

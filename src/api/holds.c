#include "api/holds.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "service/holds.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/secret.h"

/* A day: long enough for every hold a visitor makes while booking. */
#define VISITOR_COOKIE_AGE_S 86400

static void
holder_of_token(const char *token, char *out)
{
    unsigned char hash[SECRET_HASH_LEN];
    size_t i, n;

    secret_token_hash(token, hash);
    n = (size_t)snprintf(out, HOLDS_HOLDER_LEN, "visitor:");
    /* 32 hex digits of the hash name the visitor well enough. */
    for (i = 0; i < 16 && n + 2 < HOLDS_HOLDER_LEN; i++, n += 2)
        snprintf(out + n, HOLDS_HOLDER_LEN - n, "%02x", hash[i]);
}

void
api_holder(struct http_req *req, struct http_resp *resp, char *out)
{
    const char *cookie = http_cookie(req, HOLDS_VISITOR_COOKIE);
    char token[SECRET_TOKEN_LEN];

    out[0] = '\0';
    if (req->auth.session_id > 0) {
        snprintf(out, HOLDS_HOLDER_LEN, "session:%lld", (long long)req->auth.session_id);
        return;
    }
    if (cookie && strlen(cookie) >= 16 && strlen(cookie) < SECRET_TOKEN_LEN) {
        holder_of_token(cookie, out);
        return;
    }
    if (!resp)
        return;
    secret_token(token);
    holder_of_token(token, out);
    snprintf(resp->set_cookie, sizeof(resp->set_cookie),
             "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", HOLDS_VISITOR_COOKIE, token,
             VISITOR_COOKIE_AGE_S, req->app->secure_cookies ? "; Secure" : "");
}

/* A time ({staff_id, service_ids, start}) or seats of a group event
 * ({group_event_id, seats}). */
static int
read_hold(struct http_req *req, struct hold_new *in, int64_t *ids)
{
    int64_t staff_id = 0, event_id = 0, seats = 1;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    if (in_present(req, "group_event_id")) {
        bad |= in_int(req, "group_event_id", 1, 1, INT64_MAX, &event_id) != ERR_OK;
        bad |= in_int(req, "seats", 0, 1, 100, &seats) != ERR_OK;
        in->group_event_id = event_id;
        in->seats = (int)seats;
        return bad ? ERR_INVALID : ERR_OK;
    }
    bad |= in_int(req, "staff_id", 1, 1, INT64_MAX, &staff_id) != ERR_OK;
    bad |= in_ids(req, "service_ids", 1, ids, &in->n_services) != ERR_OK;
    bad |= in_time(req, "start", 1, &in->start) != ERR_OK;
    if (in_present(req, "seats"))
        bad |=
            http_field_error(req, "seats", "is only for a group event (group_event_id)") != ERR_OK;
    in->staff_id = staff_id;
    in->service_ids = ids;
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_holds_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    char holder[HOLDS_HOLDER_LEN];
    int64_t ids[INPUT_MAX_IDS];
    struct hold_new in = {0};
    struct hold_made made;
    const struct tz_zone *zone;
    json_t *out;
    int rc = read_hold(req, &in, ids);

    if (rc != ERR_OK)
        return rc;
    api_holder(req, resp, holder);
    in.holder = holder;
    in.online = req->auth.role != HTTP_ROLE_STAFF && req->auth.role != HTTP_ROLE_ADMIN;
    rc = holds_create(&sv, &in, &made);
    if (rc == ERR_OK)
        rc = sched_location_zone(&sv, made.location_id, &zone);
    if (rc != ERR_OK)
        return rc;
    out = json_pack("{s:I, s:s, s:o, s:I, s:o}", "id", (json_int_t)made.id, "token", made.token,
                    "expires_at", sched_time_json(made.expires_at, zone), "staff_id",
                    (json_int_t)made.staff_id, "start", sched_time_json(made.start, zone));
    if (out && in.group_event_id &&
        (json_object_set_new(out, "group_event_id", json_integer(in.group_event_id)) ||
         json_object_set_new(out, "seats", json_integer(in.seats)))) {
        json_decref(out);
        out = NULL;
    }
    return out ? http_reply_json(resp, 201, out) : ERR_NOMEM;
}

int
api_holds_delete(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    char holder[HOLDS_HOLDER_LEN];
    int rc;

    api_holder(req, NULL, holder);
    if (!holder[0])
        return http_fail(req, ERR_NOT_FOUND, "no such hold");
    rc = holds_release(&sv, req->ids[0], holder);
    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:b}", "deleted", 1)) : rc;
}

/* Webhooks: URLs an admin registers for booking and payment events. The
 * secret that signs deliveries is shown once, when the webhook is made. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/notify.h"
#include "api/schedule.h"
#include "api/targets.h"
#include "store/store.h"
#include "util/err.h"
#include "util/secret.h"
#include "util/target.h"

#define WEBHOOK_EVENTS_MAX 4

static const char *const webhook_events[] = {"booking.created", "booking.rescheduled",
                                             "booking.cancelled", "payment.confirmed"};

static int
known_event(const char *s)
{
    size_t i;

    for (i = 0; i < WEBHOOK_EVENTS_MAX; i++) {
        if (strcmp(s, webhook_events[i]) == 0)
            return 1;
    }
    return 0;
}

/* events: a non-empty array of distinct known names, joined with commas. */
static int
read_events(struct http_req *req, char *out, size_t size)
{
    json_t *a = json_object_get(req->json, "events"), *v;
    size_t i, used = 0;

    out[0] = '\0';
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > WEBHOOK_EVENTS_MAX)
        return http_field_error(req, "events", "must be a non-empty list of event names");
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);

        if (!s || !known_event(s))
            return http_field_error(req, "events",
                                    "may hold booking.created, booking.rescheduled, "
                                    "booking.cancelled and payment.confirmed");
        if (strstr(out, s))
            return http_field_error(req, "events", "names an event twice");
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", s);
    }
    return ERR_OK;
}

static int
render(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    const char *events = json_string_value(json_object_get(row, "events"));
    json_t *list = json_array(), *at = json_object_get(row, "last_attempt_at");
    char copy[128], *p, *comma;
    int rc = sched_org_zone(&sv, &zone);

    snprintf(copy, sizeof(copy), "%s", events ? events : "");
    for (p = copy; list && *p; p = comma ? comma + 1 : p + strlen(p)) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        json_array_append_new(list, json_string(p));
    }
    json_object_set_new(row, "events", list ? list : json_array());
    if (rc == ERR_OK && json_is_integer(at))
        json_object_set_new(row, "last_attempt_at", sched_time_json(json_integer_value(at), zone));
    if (rc == ERR_OK)
        json_object_set_new(
            row, "created_at",
            sched_time_json(json_integer_value(json_object_get(row, "created_at")), zone));
    return rc;
}

static int
reply_one(struct http_req *req, struct http_resp *resp, int64_t id, const char *secret, int status)
{
    json_t *items = NULL, *row;
    int rc = store_webhook_list(req->db, id, &items);

    row = json_array_get(items, 0);
    if (rc == ERR_OK && !row)
        rc = http_fail(req, ERR_NOT_FOUND, "no such webhook");
    if (rc == ERR_OK)
        rc = render(req, row);
    if (rc == ERR_OK && secret)
        json_object_set_new(row, "secret", json_string(secret));
    if (rc == ERR_OK)
        rc = http_reply_json(resp, status, json_incref(row));
    json_decref(items);
    return rc;
}

int
api_webhooks_create(struct http_req *req, struct http_resp *resp)
{
    char events[128], secret[SECRET_TOKEN_LEN];
    const char *url = NULL, *problem;
    int64_t id = 0;
    int bad = 0, allow = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_text(req, "url", 1, 2000, &url) != ERR_OK;
    bad |= read_events(req, events, sizeof(events)) != ERR_OK;
    problem = url ? target_url_problem(url, TARGET_HTTP) : NULL;
    if (problem)
        bad |= http_field_error(req, "url", problem) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = api_targets_allowed(req, &allow);
    if (rc == ERR_OK && !allow)
        rc = api_target_check(req, "url", url);
    if (rc != ERR_OK)
        return rc;
    secret_token(secret);
    rc = store_begin(req->db, 1);
    if (rc == ERR_OK)
        rc = store_webhook_add(req->db, url, events, secret, req->now, &id);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        return rc;
    }
    return reply_one(req, resp, id, secret, 201);
}

int
api_webhooks_list(struct http_req *req, struct http_resp *resp)
{
    json_t *items = NULL;
    int rc = store_webhook_list(req->db, 0, &items);

    if (rc != ERR_OK)
        return rc;
    return http_reply_rendered_page(req, resp, items, 500, render);
}

int
api_webhooks_get(struct http_req *req, struct http_resp *resp)
{
    return reply_one(req, resp, req->ids[0], NULL, 200);
}

int
api_webhooks_delete(struct http_req *req, struct http_resp *resp)
{
    int rc = store_webhook_delete(req->db, req->ids[0]);

    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such webhook");
    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:b}", "deleted", 1)) : rc;
}

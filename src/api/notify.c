/* The outbox at the API: the notifications list and the diary's sync
 * issues. */
#include "api/notify.h"

#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "store/store.h"
#include "util/err.h"

static int
one_of(const char *s, const char *const *choices)
{
    for (; *choices; choices++) {
        if (strcmp(s, *choices) == 0)
            return 1;
    }
    return 0;
}

static int
read_outbox_filter(struct http_req *req, struct store_outbox_filter *f)
{
    static const char *const statuses[] = {"queued", "sent", "failed", NULL};
    static const char *const channels[] = {"email", "diary", "webhook", NULL};
    int bad = 0;

    memset(f, 0, sizeof(*f));
    f->status = http_query(req, "status");
    f->channel = http_query(req, "channel");
    if (f->status && !one_of(f->status, statuses))
        bad |= http_field_error(req, "status", "must be queued, sent or failed") != ERR_OK;
    if (f->channel && !one_of(f->channel, channels))
        bad |= http_field_error(req, "channel", "must be email, diary or webhook") != ERR_OK;
    bad |= query_int(req, "booking_id", 1, INT64_MAX, &f->booking_id) != ERR_OK;
    bad |= query_page(req, &f->limit, &f->after_id) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

static int
render_times(struct http_req *req, json_t *row, const char *const *names)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc = sched_org_zone(&sv, &zone);

    for (; rc == ERR_OK && *names; names++) {
        json_t *v = json_object_get(row, *names);

        if (json_is_integer(v))
            json_object_set_new(row, *names, sched_time_json(json_integer_value(v), zone));
    }
    return rc;
}

static int
render_notification(struct http_req *req, json_t *row)
{
    static const char *const times[] = {"created_at", "sent_at", "next_attempt_at", NULL};

    return render_times(req, row, times);
}

int
api_notifications_list(struct http_req *req, struct http_resp *resp)
{
    struct store_outbox_filter f;
    json_t *items = NULL;
    int rc = read_outbox_filter(req, &f);

    if (rc == ERR_OK)
        rc = store_outbox_list(req->db, &f, &items);
    if (rc != ERR_OK)
        return rc;
    return http_reply_rendered_page(req, resp, items, f.limit, render_notification);
}

static int
render_issue(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc =
        sched_location_zone(&sv, json_integer_value(json_object_get(row, "location_id")), &zone);

    if (rc == ERR_OK)
        json_object_set_new(
            row, "since", sched_time_json(json_integer_value(json_object_get(row, "since")), zone));
    json_object_del(row, "location_id");
    return rc;
}

int
api_sync_issues_list(struct http_req *req, struct http_resp *resp)
{
    json_t *items = NULL;
    int64_t after = 0;
    int limit, rc = query_page(req, &limit, &after);

    if (rc == ERR_OK)
        rc = store_sync_issue_list(req->db, after, limit, &items);
    if (rc != ERR_OK)
        return rc;
    /* Keyed by booking: the cursor is the last booking_id. */
    return http_reply_rendered_page(req, resp, items, limit, render_issue);
}

int
api_sync_issue_resolve(struct http_req *req, struct http_resp *resp)
{
    int rc = store_begin(req->db, 1);

    if (rc == ERR_OK)
        rc = store_sync_issue_resolve(req->db, req->ids[0], req->now);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "booking %lld has no open sync issue", (long long)req->ids[0]);
    if (rc == ERR_OK)
        rc = http_reply_json(
            resp, 200,
            json_pack("{s:I, s:b}", "booking_id", (json_int_t)req->ids[0], "resolved", 1));
    return rc;
}

const struct api_resource api_templates = {.def = &setup_templates};

/* Changing bookings at the API: reschedule, notes, cancel, and the change
 * history. The checks and writes are service/bookings.c. */
#include <string.h>

#include "api/app.h"
#include "api/booking_rows.h"
#include "api/bookings.h"
#include "api/input.h"
#include "api/schedule.h"
#include "service/bookings.h"
#include "util/err.h"
#include "util/row.h"

static int
read_change(struct http_req *req, struct booking_change *c, int64_t *ids)
{
    int bad = 0;

    memset(c, 0, sizeof(*c));
    c->start = BOOKING_UNCHANGED;
    c->service_ids = ids;
    bad |= in_int(req, "staff_id", 0, 1, INT64_MAX, &c->staff_id) != ERR_OK;
    bad |= in_time(req, "start", 0, &c->start) != ERR_OK;
    bad |= in_text(req, "notes", 0, 10000, &c->notes) != ERR_OK;
    bad |= in_service_ids(req, "service_ids", 0, ids, &c->n_services) != ERR_OK;
    c->quiet = 0;
    if (in_present(req, "notify_patient")) {
        int notify = 1;

        bad |= in_bool(req, "notify_patient", &notify) != ERR_OK;
        c->quiet = !notify;
    }
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_bookings_update(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct booking_change c;
    int64_t ids[INPUT_MAX_IDS];
    json_t *row = NULL;
    int rc = http_body_object(req);

    /* Who may see it is settled first: another patient's is "not found". */
    if (rc == ERR_OK)
        rc = booking_load(req, req->ids[0], &row);
    json_decref(row);
    if (rc == ERR_OK)
        rc = read_change(req, &c, ids);
    if (rc == ERR_OK)
        rc = bookings_update(&sv, req->ids[0], &c);
    return rc == ERR_OK ? booking_reply(req, resp, req->ids[0], 200) : rc;
}

int
api_bookings_cancel(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *reason = "";
    json_t *row = NULL;
    int rc = req->body.len ? http_body_object(req) : ERR_OK;

    if (rc == ERR_OK && req->json)
        rc = in_text(req, "reason", 0, 1000, &reason);
    if (rc == ERR_OK)
        rc = booking_load(req, req->ids[0], &row);
    json_decref(row);
    if (rc == ERR_OK)
        rc = bookings_cancel(&sv, req->ids[0], reason, req->auth.role == HTTP_ROLE_PATIENT);
    return rc == ERR_OK ? booking_reply(req, resp, req->ids[0], 200) : rc;
}

int
api_bookings_history(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *row = NULL, *items = NULL;
    int rc = booking_load(req, req->ids[0], &row);

    if (rc == ERR_OK)
        rc = sched_location_zone(&sv, row_int(row, "location_id"), &zone);
    if (rc == ERR_OK)
        rc = bookings_history(&sv, req->ids[0], zone, &items);
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "items", items));
        items = NULL;
    }
    json_decref(items);
    json_decref(row);
    return rc;
}

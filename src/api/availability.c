/* GET /availability: the slots the engine offers, rendered straight into
 * the response buffer because a clinic's week can hold thousands. */
#include <string.h>

#include "api/app.h"
#include "api/holds.h"
#include "api/availability.h"
#include "api/availability_answer.h"
#include "api/input.h"
#include "api/schedule.h"
#include "service/availability.h"
#include "core/civil.h"
#include "util/err.h"

/* Slots come in runs on one local day; formatting the date once per run
 * and patching the clock digits makes rendering a clinic's week cheap. */
struct time_writer {
    int64_t day;
    int32_t offset;
    char text[TZ_RFC3339_LEN];
};

static void
put2(char *p, int64_t v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static const char *
format_time(struct time_writer *w, int64_t utc, int32_t offset)
{
    int64_t local = utc + offset;
    int64_t day = civil_day_of(local);
    int64_t secs = local - day * 86400;

    if (day != w->day || offset != w->offset || offset % 60) {
        tz_format_rfc3339(utc, offset, w->text);
        w->day = offset % 60 ? INT64_MIN : day;
        w->offset = offset;
        return w->text;
    }
    put2(w->text + 11, secs / 3600);
    put2(w->text + 14, secs / 60 % 60);
    put2(w->text + 17, secs % 60);
    return w->text;
}

static int
render_slots(struct http_resp *resp, int duration_min, const struct avail_result *r)
{
    struct time_writer tw = {INT64_MIN, 0, {0}};
    struct buf *b = &resp->raw;
    size_t i;
    int rc;

    /* One allocation for the whole body: a slot renders to < 100 bytes. */
    rc = buf_reserve(b, 64 + r->n * 100);
    if (rc == ERR_OK)
        rc = buf_puts(b, "{\"duration_min\":");
    if (rc == ERR_OK)
        rc = buf_put_i64(b, duration_min);
    if (rc == ERR_OK)
        rc = buf_puts(b, ",\"slots\":[");
    for (i = 0; rc == ERR_OK && i < r->n; i++) {
        const struct avail_slot *s = &r->slots[i];

        rc = buf_puts(b, i ? ",{\"staff_id\":" : "{\"staff_id\":");
        if (rc == ERR_OK)
            rc = buf_put_i64(b, s->staff_id);
        if (rc == ERR_OK)
            rc = buf_append(b, ",\"start\":\"", 10);
        if (rc == ERR_OK)
            rc = buf_append(b, format_time(&tw, s->start, s->utc_offset), TZ_RFC3339_LEN - 1);
        if (rc == ERR_OK)
            rc = buf_append(b, "\",\"end\":\"", 9);
        if (rc == ERR_OK)
            rc = buf_append(b, format_time(&tw, s->end, s->end_utc_offset), TZ_RFC3339_LEN - 1);
        if (rc == ERR_OK)
            rc = buf_append(b, "\"", 1);
        /* A group event's seats: book them by the event's id. */
        if (rc == ERR_OK && s->group_event_id > 0) {
            rc = buf_puts(b, ",\"group_event_id\":");
            if (rc == ERR_OK)
                rc = buf_put_i64(b, s->group_event_id);
            if (rc == ERR_OK)
                rc = buf_puts(b, ",\"seats_left\":");
            if (rc == ERR_OK)
                rc = buf_put_i64(b, s->seats_left);
        }
        if (rc == ERR_OK)
            rc = buf_append(b, "}", 1);
    }
    if (rc == ERR_OK)
        rc = buf_puts(b, "]}");
    resp->status = 200;
    resp->content_type = "application/json";
    return rc;
}

static int
read_query(struct http_req *req, int64_t *service_ids, struct availability_request *r)
{
    int bad = 0;

    bad |= query_service_ids(req, "service_ids", 1, service_ids, &r->n_services) != ERR_OK;
    bad |= query_date(req, "from", 1, &r->from_day) != ERR_OK;
    bad |= query_date(req, "to", 1, &r->to_day) != ERR_OK;
    bad |= query_int(req, "staff_id", 1, INT64_MAX, &r->staff_id) != ERR_OK;
    bad |= query_int(req, "location_id", 1, INT64_MAX, &r->location_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    if (r->to_day < r->from_day)
        return http_field_error(req, "to", "must not be before from");
    if (r->to_day - r->from_day >= SCHED_MAX_RANGE_DAYS)
        return http_field_error(req, "to", "the range may span at most 62 days");
    return ERR_OK;
}

int
api_availability(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t ids[INPUT_MAX_IDS];
    struct availability_request r = {.service_ids = ids};
    struct avail_result result;
    char holder[HOLDS_HOLDER_LEN];
    struct avail_lookup kept;
    int duration_min = 0, served = 0, rc;

    avail_result_init(&result);
    r.online = req->auth.role != HTTP_ROLE_STAFF && req->auth.role != HTTP_ROLE_ADMIN;
    /* The caller's own holds stay on offer to the caller. */
    api_holder(req, NULL, holder);
    r.holder = holder[0] ? holder : NULL;
    rc = read_query(req, ids, &r);
    /* A kept answer is sent as it is; a new one is kept for the next. */
    if (rc == ERR_OK)
        rc = avail_answer_lookup(req, resp, &r, &kept, &served);
    if (rc == ERR_OK && !served)
        rc = availability_search(&sv, &r, &result, &duration_min);
    if (rc == ERR_OK && !served)
        rc = render_slots(resp, duration_min, &result);
    if (rc == ERR_OK && !served)
        rc = avail_answer_keep(req, resp, &r, &result, &kept);
    avail_result_cleanup(&result);
    return rc;
}

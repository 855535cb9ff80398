#include "api/app.h"
#include "api/staff_schedule.h"

#include <string.h>

#include "api/input.h"
#include "api/schedule.h"
#include "service/staff_schedule.h"
#include "core/civil.h"
#include "util/err.h"

static int
staff_exists(struct http_req *req, int64_t id)
{
    struct svc sv = api_svc(req);

    return staff_schedule_exists(&sv, id);
}

static json_t *
shift_json(const struct store_shift *s)
{
    char start[CIVIL_HHMM_LEN], end[CIVIL_HHMM_LEN];

    civil_format_hhmm(s->start_min, start);
    civil_format_hhmm(s->end_min, end);
    return json_pack("{s:i, s:s, s:s, s:I}", "weekday", s->weekday, "start", start, "end", end,
                     "location_id", (json_int_t)s->location_id);
}

static int
reply_shifts(struct http_req *req, struct http_resp *resp)
{
    struct store_shift *rows = NULL;
    json_t *list = json_array();
    size_t n = 0, i;
    int rc = list ? store_shifts_get(req->db, req->ids[0], &req->arena, &rows, &n) : ERR_NOMEM;

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = json_array_append_new(list, shift_json(&rows[i])) ? ERR_NOMEM : ERR_OK;
    if (rc == ERR_OK)
        return http_reply_json(resp, 200, json_pack("{s:o}", "shifts", list));
    json_decref(list);
    return rc;
}

int
api_shifts_get(struct http_req *req, struct http_resp *resp)
{
    int rc = staff_exists(req, req->ids[0]);

    return rc == ERR_OK ? reply_shifts(req, resp) : rc;
}

/* Reads shifts[i] into out; the element is checked field by field. */
static int
read_shift(struct http_req *req, json_t *item, struct store_shift *out)
{
    json_t *saved = req->json;
    const char *start = NULL, *end = NULL;
    int64_t weekday = 0, location = 0;
    int bad = 0;

    if (!json_is_object(item))
        return http_field_error(req, "shifts", "each shift must be an object");
    req->json = item;
    bad |= in_int(req, "weekday", 1, 1, 7, &weekday) != ERR_OK;
    bad |= in_text(req, "start", 1, 5, &start) != ERR_OK;
    bad |= in_text(req, "end", 1, 5, &end) != ERR_OK;
    bad |= in_int(req, "location_id", 1, 1, INT64_MAX, &location) != ERR_OK;
    req->json = saved;
    if (bad)
        return ERR_INVALID;
    out->weekday = (int)weekday;
    out->location_id = location;
    if (civil_parse_hhmm(start, &out->start_min) != ERR_OK ||
        civil_parse_hhmm(end, &out->end_min) != ERR_OK)
        return http_field_error(req, "shifts", "start and end must be HH:MM");
    return ERR_OK;
}

int
api_shifts_put(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct store_shift shifts[STAFF_MAX_SHIFTS];
    json_t *list, *item;
    size_t i, n = 0;
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = staff_exists(req, req->ids[0]);
    if (rc != ERR_OK)
        return rc;
    list = json_object_get(req->json, "shifts");
    if (!json_is_array(list) || json_array_size(list) > STAFF_MAX_SHIFTS)
        return http_field_error(req, "shifts", "must be an array of at most 64 shifts");
    json_array_foreach(list, i, item)
    {
        memset(&shifts[n], 0, sizeof(shifts[n]));
        rc = read_shift(req, item, &shifts[n++]);
        if (rc != ERR_OK)
            return rc;
    }
    rc = staff_schedule_set_shifts(&sv, req->ids[0], shifts, n);
    return rc == ERR_OK ? reply_shifts(req, resp) : rc;
}

static int
render_time_off(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc = sched_staff_zone(&sv, json_integer_value(json_object_get(row, "staff_id")), &zone);

    if (rc != ERR_OK)
        return rc;
    json_object_set_new(
        row, "start", sched_time_json(json_integer_value(json_object_get(row, "start_at")), zone));
    json_object_set_new(row, "end",
                        sched_time_json(json_integer_value(json_object_get(row, "end_at")), zone));
    json_object_del(row, "start_at");
    json_object_del(row, "end_at");
    return ERR_OK;
}

int
api_time_off_list(struct http_req *req, struct http_resp *resp)
{
    struct store_event_filter f = {0};
    json_t *items = NULL;
    int rc = staff_exists(req, req->ids[0]);

    if (rc == ERR_OK)
        rc = query_page(req, &f.limit, &f.after_id);
    f.staff_id = req->ids[0];
    if (rc == ERR_OK)
        rc = store_time_off_list(req->db, &f, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, f.limit, render_time_off);
}

int
api_time_off_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t start = 0, end = 0, id = 0;
    const char *reason = "";
    json_t *row = NULL;
    int bad = 0, rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = staff_exists(req, req->ids[0]);
    if (rc != ERR_OK)
        return rc;
    bad |= in_time(req, "start", 1, &start) != ERR_OK;
    bad |= in_time(req, "end", 1, &end) != ERR_OK;
    bad |= in_text(req, "reason", 0, 500, &reason) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = staff_schedule_add_time_off(&sv, req->ids[0], start, end, reason, &id);
    if (rc == ERR_OK)
        rc = staff_schedule_time_off(&sv, req->ids[0], id, &row);
    if (rc == ERR_OK)
        rc = render_time_off(req, row);
    if (rc == ERR_OK)
        return http_reply_json(resp, 201, row);
    json_decref(row);
    return rc;
}

int
api_time_off_delete(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int rc = staff_schedule_remove_time_off(&sv, req->ids[0], req->ids[1]);

    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:b}", "deleted", 1)) : rc;
}

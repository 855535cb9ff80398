#include "api/app.h"
#include "api/staff_schedule.h"

#include <string.h>

#include "api/input.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "core/civil.h"
#include "util/err.h"

#define MAX_SHIFTS 64

static int
staff_exists(struct http_req *req, int64_t id)
{
    json_t *row = NULL;
    int rc = store_row_get(req->db, &setup_staff.table, id, &row);

    json_decref(row);
    return rc == ERR_NOT_FOUND ? http_fail(req, rc, "no such staff member") : rc;
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
    json_t *row = NULL;
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
    if (out->start_min >= out->end_min)
        return http_field_error(req, "shifts", "a shift must end after it starts");
    bad = store_row_get(req->db, &setup_locations.table, location, &row);
    json_decref(row);
    if (bad == ERR_NOT_FOUND)
        return http_field_error(req, "shifts", "names a location that does not exist");
    return bad;
}

static int
overlapping(const struct store_shift *v, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (v[i].weekday == v[j].weekday && v[i].start_min < v[j].end_min &&
                v[j].start_min < v[i].end_min)
                return 1;
        }
    }
    return 0;
}

int
api_shifts_put(struct http_req *req, struct http_resp *resp)
{
    struct store_shift shifts[MAX_SHIFTS];
    json_t *list, *item;
    size_t i, n = 0;
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = staff_exists(req, req->ids[0]);
    if (rc != ERR_OK)
        return rc;
    list = json_object_get(req->json, "shifts");
    if (!json_is_array(list) || json_array_size(list) > MAX_SHIFTS)
        return http_field_error(req, "shifts", "must be an array of at most 64 shifts");
    json_array_foreach(list, i, item)
    {
        memset(&shifts[n], 0, sizeof(shifts[n]));
        rc = read_shift(req, item, &shifts[n++]);
        if (rc != ERR_OK)
            return rc;
    }
    if (overlapping(shifts, n))
        return http_field_error(req, "shifts", "shifts on one weekday must not overlap");
    rc = store_begin(req->db, 1);
    if (rc == ERR_OK)
        rc = store_shifts_replace(req->db, req->ids[0], shifts, n);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        return rc;
    }
    return reply_shifts(req, resp);
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

static const struct store_column time_off_cols[] = {
    {"staff_id", STORE_COL_INT},
    {"start_at", STORE_COL_INT},
    {"end_at", STORE_COL_INT},
    {"reason", STORE_COL_TEXT},
};
static const struct store_table time_off_table = {"time_off", NULL, time_off_cols, 4,
                                                  sizeof(time_off_cols[0])};

int
api_time_off_create(struct http_req *req, struct http_resp *resp)
{
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
    if (end <= start)
        return http_field_error(req, "end", "must be after start");
    row = json_pack("{s:I, s:I, s:I, s:s}", "staff_id", (json_int_t)req->ids[0], "start_at",
                    (json_int_t)start, "end_at", (json_int_t)end, "reason", reason ? reason : "");
    rc = row ? store_row_insert(req->db, &time_off_table, row, &id) : ERR_NOMEM;
    json_decref(row);
    row = NULL;
    if (rc == ERR_OK)
        rc = store_row_get(req->db, &time_off_table, id, &row);
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
    json_t *row = NULL;
    int rc = store_row_get(req->db, &time_off_table, req->ids[1], &row);

    if (rc == ERR_OK && json_integer_value(json_object_get(row, "staff_id")) != req->ids[0])
        rc = ERR_NOT_FOUND;
    json_decref(row);
    if (rc == ERR_OK)
        rc = store_row_delete(req->db, &time_off_table, req->ids[1]);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such time off");
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:b}", "deleted", 1));
    return rc;
}

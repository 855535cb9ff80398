/* Appointments at the API: reading requests and the JSON shape. The
 * series expansion, checks and writes are service/appointments.c. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/appointments.h"
#include "api/input.h"
#include "api/schedule.h"
#include "api/visits.h"
#include "core/civil.h"
#include "core/recurrence.h"
#include "service/appointments.h"
#include "service/visits.h"
#include "util/err.h"
#include "util/row.h"

/* Zones looked up while rendering one list page; more staff members than
 * this only cost extra lookups. */
#define APPT_ZONE_CACHE 16

struct appt_zone_cache {
    int64_t staff_id[APPT_ZONE_CACHE];
    const struct tz_zone *zone[APPT_ZONE_CACHE];
    size_t n;
};

/* An optional reference: absent leaves *id alone, null clears it, so a
 * PATCH can detach a patient, staff member or action again. */
static int
read_ref(struct http_req *req, const char *field, int64_t *id)
{
    json_t *v = json_object_get(req->json, field);

    if (v && json_is_null(v)) {
        *id = 0;
        return ERR_OK;
    }
    return in_int(req, field, 0, 1, INT64_MAX, id);
}

/* The recurrence object is read by hand rather than with the in_*
 * readers so that its errors name "recurrence.<field>". A missing
 * interval means every single day, week or month. */
int
api_read_recurrence(struct http_req *req, struct recur_rule *rule)
{
    json_t *r = json_object_get(req->json, "recurrence");
    json_t *every = json_object_get(r, "every"), *interval = json_object_get(r, "interval");
    json_t *until = json_object_get(r, "until");
    int bad = 0;

    if (!json_is_object(r))
        return http_field_error(req, "recurrence", "must be an object {every, interval, until}");
    if (!json_is_string(every) ||
        recur_parse_every(json_string_value(every), &rule->every) != ERR_OK)
        bad |= http_field_error(req, "recurrence.every", "must be \"day\", \"week\" or \"month\"");
    rule->interval = 1;
    if (interval && !json_is_null(interval)) {
        if (!json_is_integer(interval) || json_integer_value(interval) < 1 ||
            json_integer_value(interval) > 366)
            bad |= http_field_error(req, "recurrence.interval", "must be an integer 1..366");
        else
            rule->interval = (int)json_integer_value(interval);
    }
    if (!json_is_string(until) ||
        civil_parse_date(json_string_value(until), &rule->until_day) != ERR_OK)
        bad |= http_field_error(req, "recurrence.until", "must be a date YYYY-MM-DD");
    return bad ? ERR_INVALID : ERR_OK;
}

static int
read_create(struct http_req *req, struct appt_new *in)
{
    int bad = 0;

    memset(in, 0, sizeof(*in));
    if (http_body_object(req) != ERR_OK)
        return ERR_MALFORMED;
    bad |= read_ref(req, "patient_id", &in->a.patient_id) != ERR_OK;
    bad |= read_ref(req, "staff_id", &in->a.staff_id) != ERR_OK;
    bad |= read_ref(req, "action_id", &in->a.action_id) != ERR_OK;
    bad |= in_time(req, "start", 1, &in->start) != ERR_OK;
    bad |= in_int(req, "duration_min", 1, 1, APPT_MAX_DURATION_MIN, &in->duration_min) != ERR_OK;
    bad |= in_text(req, "notes", 0, APPT_NOTES_MAX, &in->a.notes) != ERR_OK;
    bad |= in_bool(req, "share_with_patient", &in->a.share_with_patient) != ERR_OK;
    in->recurring =
        !json_is_null(json_object_get(req->json, "recurrence")) && in_present(req, "recurrence");
    if (in->recurring)
        bad |= api_read_recurrence(req, &in->rule) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

static json_t *
created_json(const struct appt_new *in, const struct appt_series *out, json_t *warnings)
{
    json_t *occurrences = json_array();
    size_t i;

    for (i = 0; occurrences && i < out->n; i++) {
        int64_t start = out->starts[i];

        if (json_array_append_new(
                occurrences,
                json_pack("{s:I, s:o, s:o}", "id", (json_int_t)out->ids[i], "start",
                          sched_time_json(start, out->zone), "end",
                          sched_time_json(start + in->duration_min * 60, out->zone)))) {
            json_decref(occurrences);
            return NULL;
        }
    }
    return json_pack("{s:I, s:o, s:o, s:O}", "id", (json_int_t)out->ids[0], "series_id",
                     in->recurring ? json_integer(out->ids[0]) : json_null(), "occurrences",
                     occurrences, "warnings", warnings);
}

int
api_appointments_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct appt_new in;
    struct appt_series out;
    json_t *warnings = json_array();
    int rc = warnings ? read_create(req, &in) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = appointments_create(&sv, &in, warnings, &out);
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 201, created_json(&in, &out, warnings));
    json_decref(warnings);
    return rc;
}

/* The zone an appointment's times are shown in: its staff member's. */
static int
zone_for(struct http_req *req, struct appt_zone_cache *cache, int64_t staff_id,
         const struct tz_zone **zone)
{
    struct svc sv = api_svc(req);
    size_t i;
    int rc;

    for (i = 0; i < cache->n; i++) {
        if (cache->staff_id[i] == staff_id) {
            *zone = cache->zone[i];
            return ERR_OK;
        }
    }
    rc = sched_staff_zone(&sv, staff_id, zone);
    if (rc == ERR_OK && cache->n < APPT_ZONE_CACHE) {
        cache->staff_id[cache->n] = staff_id;
        cache->zone[cache->n++] = *zone;
    }
    return rc;
}

/* Store row -> API item. */
static int
render(struct http_req *req, struct appt_zone_cache *cache, json_t *row)
{
    const struct tz_zone *zone;
    int64_t start = row_int(row, "start_at"), end = row_int(row, "end_at");
    json_t *patient_id = json_object_get(row, "patient_id");
    json_t *name = json_object_get(row, "patient_name");
    int rc = zone_for(req, cache, row_int(row, "staff_id"), &zone);

    if (rc != ERR_OK)
        return rc;
    json_object_set_new(row, "start", sched_time_json(start, zone));
    json_object_set_new(row, "end", sched_time_json(end, zone));
    json_object_set_new(row, "duration_min", json_integer((end - start) / 60));
    json_object_set_new(row, "patient",
                        json_is_integer(patient_id) ? json_pack("{s:O, s:O}", "id", patient_id,
                                                                "name", name ? name : json_null())
                                                    : json_null());
    json_object_del(row, "start_at");
    json_object_del(row, "end_at");
    json_object_del(row, "patient_name");
    return ERR_OK;
}

static int
load(struct http_req *req, int64_t id, json_t **row)
{
    int rc = store_appointment_get(req->db, id, row);

    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such appointment");
    return rc;
}

static int
add_visit_id(struct http_req *req, json_t *row, int64_t id)
{
    struct svc sv = api_svc(req);
    int64_t visit_id = 0;
    int rc = visits_id_of(&sv, "appointment", id, &visit_id);

    if (rc == ERR_OK)
        json_object_set_new(row, "visit_id", visit_id ? json_integer(visit_id) : json_null());
    return rc;
}

/* Replies with the appointment as stored now, plus warnings when given. */
static int
reply_item(struct http_req *req, struct http_resp *resp, int64_t id, json_t *warnings)
{
    struct appt_zone_cache cache = {.n = 0};
    json_t *row = NULL;
    int rc = load(req, id, &row);

    if (rc == ERR_OK)
        rc = render(req, &cache, row);
    if (rc == ERR_OK)
        rc = add_visit_id(req, row, id);
    if (rc == ERR_OK && warnings)
        rc = json_object_set(row, "warnings", warnings) ? ERR_NOMEM : ERR_OK;
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200, row);
        row = NULL;
    }
    json_decref(row);
    return rc;
}

/* Dates are local days of the organisation's zone, `to` inclusive. */
static int
read_filter(struct http_req *req, struct store_event_filter *f)
{
    int bad = 0;

    memset(f, 0, sizeof(*f));
    bad |= query_days(req, &f->from, &f->to) != ERR_OK;
    bad |= query_int(req, "staff_id", 1, INT64_MAX, &f->staff_id) != ERR_OK;
    bad |= query_int(req, "patient_id", 1, INT64_MAX, &f->patient_id) != ERR_OK;
    bad |= query_page(req, &f->limit, &f->after_id) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_appointments_list(struct http_req *req, struct http_resp *resp)
{
    struct appt_zone_cache cache = {.n = 0};
    struct store_event_filter f;
    json_t *items = NULL, *item;
    size_t i;
    int rc = read_filter(req, &f);

    if (rc == ERR_OK)
        rc = store_appointment_list(req->db, &f, &items);
    json_array_foreach(items, i, item)
    {
        if (rc == ERR_OK)
            rc = render(req, &cache, item);
    }
    if (rc == ERR_OK) {
        rc = http_reply_page(resp, items, f.limit);
        items = NULL;
    }
    json_decref(items);
    return rc;
}

int
api_appointments_get(struct http_req *req, struct http_resp *resp)
{
    return reply_item(req, resp, req->ids[0], NULL);
}

/* Only what the body names changes; null detaches a reference. */
static int
read_change(struct http_req *req, struct appt_change *c)
{
    int bad = 0;

    c->patient_id = c->staff_id = c->action_id = c->start = APPT_UNCHANGED;
    c->duration_min = 0;
    c->notes = NULL;
    c->share_with_patient = -1;
    bad |= read_ref(req, "patient_id", &c->patient_id) != ERR_OK;
    bad |= read_ref(req, "staff_id", &c->staff_id) != ERR_OK;
    bad |= read_ref(req, "action_id", &c->action_id) != ERR_OK;
    bad |= in_time(req, "start", 0, &c->start) != ERR_OK;
    bad |= in_int(req, "duration_min", 0, 1, APPT_MAX_DURATION_MIN, &c->duration_min) != ERR_OK;
    bad |= in_text(req, "notes", 0, APPT_NOTES_MAX, &c->notes) != ERR_OK;
    bad |= in_bool(req, "share_with_patient", &c->share_with_patient) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_appointments_update(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct appt_change c;
    json_t *row = NULL, *warnings = json_array();
    int rc = warnings ? http_body_object(req) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = load(req, req->ids[0], &row);
    json_decref(row);
    if (rc == ERR_OK)
        rc = read_change(req, &c);
    if (rc == ERR_OK)
        rc = appointments_update(&sv, req->ids[0], &c, warnings);
    if (rc == ERR_OK)
        rc = reply_item(req, resp, req->ids[0], warnings);
    json_decref(warnings);
    return rc;
}

int
api_read_scope(struct http_req *req, const char **scope)
{
    int rc = req->body.len ? http_body_object(req) : ERR_OK;

    *scope = "this";
    if (rc == ERR_OK && req->json)
        rc = in_text(req, "scope", 0, 16, scope);
    if (rc == ERR_OK && strcmp(*scope, "this") != 0 && strcmp(*scope, "following") != 0 &&
        strcmp(*scope, "series") != 0)
        rc = http_field_error(req, "scope", "must be \"this\", \"following\" or \"series\"");
    return rc;
}

int
api_appointments_cancel(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *scope;
    int n = 0;
    int rc = api_read_scope(req, &scope);

    if (rc == ERR_OK)
        rc = appointments_cancel(&sv, req->ids[0], scope, &n);
    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:i}", "cancelled", n)) : rc;
}

int
appointments_render(struct http_req *req, json_t *row)
{
    struct appt_zone_cache cache = {.n = 0};

    return render(req, &cache, row);
}

int
api_appointments_attendance(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *attendance = NULL;
    int rc = visits_read_attendance(req, &attendance);

    if (rc == ERR_OK)
        rc = visits_item_attendance(&sv, "appointment", req->ids[0], attendance);
    return rc == ERR_OK ? reply_item(req, resp, req->ids[0], NULL) : rc;
}

int
api_appointments_history(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *row = NULL, *items = NULL, *item;
    size_t i;
    int rc = load(req, req->ids[0], &row);

    if (rc == ERR_OK)
        rc = sched_staff_zone(&sv, row_int(row, "staff_id"), &zone);
    if (rc == ERR_OK)
        rc = store_appt_history_list(req->db, req->ids[0], &items);
    json_array_foreach(items, i, item)
    {
        json_object_set_new(item, "at", sched_time_json(row_int(item, "at"), zone));
    }
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 200, json_pack("{s:o}", "items", items));
        items = NULL;
    }
    json_decref(items);
    json_decref(row);
    return rc;
}

/* Appointments: actions (not services) put in the calendar by staff at any
 * time and with any staff member, optionally repeating. Unlike bookings
 * they are never refused for overlapping something else: staff chose the
 * time on purpose, so an overlap only comes back as a warning. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/appointments.h"
#include "api/input.h"
#include "service/notify.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "core/civil.h"
#include "core/recurrence.h"
#include "util/err.h"

#define APPT_NOTES_MAX 10000
#define APPT_MAX_DURATION_MIN 1440
#define APPT_OVERLAP_MESSAGE "overlaps another event of this staff member"
/* Zones looked up while rendering one list page; more staff members than
 * this only cost extra lookups. */
#define APPT_ZONE_CACHE 16

struct appt_input {
    struct store_appointment a; /* references, notes, share flag */
    int64_t start;
    int64_t duration_min;
    int recurring;
    struct recur_rule rule;
};

struct appt_zone_cache {
    int64_t staff_id[APPT_ZONE_CACHE];
    const struct tz_zone *zone[APPT_ZONE_CACHE];
    size_t n;
};

static int64_t
row_int(json_t *row, const char *name)
{
    return json_integer_value(json_object_get(row, name));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return a % b < 0 ? q - 1 : q;
}

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
static int
read_recurrence(struct http_req *req, struct recur_rule *rule)
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
read_create(struct http_req *req, struct appt_input *in)
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
        bad |= read_recurrence(req, &in->rule) != ERR_OK;
    return bad ? ERR_INVALID : ERR_OK;
}

static int
check_ref(struct http_req *req, const struct store_table *t, int64_t id, const char *field,
          const char *message)
{
    json_t *row = NULL;
    int rc;

    if (id <= 0)
        return ERR_OK;
    rc = store_row_get(req->db, t, id, &row);
    json_decref(row);
    return rc == ERR_NOT_FOUND ? http_field_error(req, field, message) : rc;
}

/* Every unknown reference is reported, not just the first. */
static int
check_refs(struct http_req *req, const struct store_appointment *a)
{
    int rc[3];
    size_t i;

    rc[0] = check_ref(req, &setup_patients.table, a->patient_id, "patient_id",
                      "names a patient that does not exist");
    rc[1] = check_ref(req, &setup_staff.table, a->staff_id, "staff_id",
                      "names a staff member that does not exist");
    rc[2] = check_ref(req, &setup_actions.table, a->action_id, "action_id",
                      "names an action that does not exist");
    for (i = 0; i < 3; i++) {
        if (rc[i] != ERR_OK && rc[i] != ERR_INVALID)
            return rc[i];
    }
    for (i = 0; i < 3; i++) {
        if (rc[i] != ERR_OK)
            return rc[i];
    }
    return ERR_OK;
}

/* Start instants of the occurrences. The first is start itself; the
 * others take start's wall-clock time of day in zone on each local day of
 * the rule, so a weekly 09:00 stays at 09:00 when the clocks change. */
static int
expand(struct http_req *req, const struct appt_input *in, const struct tz_zone *zone,
       int64_t **starts, size_t *n)
{
    int64_t local = tz_utc_to_local(zone, in->start), first_day = floor_div(local, 86400);
    int64_t time_of_day = local - first_day * 86400, *days;
    char message[96];
    size_t i;
    int rc;

    *n = 1;
    *starts =
        arena_calloc(&req->arena, in->recurring ? RECUR_MAX_OCCURRENCES : 1, sizeof(**starts));
    if (!*starts)
        return ERR_NOMEM;
    (*starts)[0] = in->start;
    if (!in->recurring)
        return ERR_OK;
    days = arena_calloc(&req->arena, RECUR_MAX_OCCURRENCES, sizeof(*days));
    if (!days)
        return ERR_NOMEM;
    if (in->rule.until_day < first_day)
        return http_field_error(req, "recurrence.until", "must not be before the start date");
    if (first_day < civil_days_from_date(1900, 1, 1))
        return http_field_error(req, "start", "is too early for a recurring series");
    rc = recur_expand_days(&in->rule, first_day, days, RECUR_MAX_OCCURRENCES, n);
    if (rc == ERR_INVALID) {
        snprintf(message, sizeof(message), "makes the series longer than %d occurrences",
                 RECUR_MAX_OCCURRENCES);
        return http_field_error(req, "recurrence.until", message);
    }
    for (i = 1; rc == ERR_OK && i < *n; i++)
        (*starts)[i] = tz_local_to_utc(zone, days[i] * 86400 + time_of_day);
    return rc;
}

/* Adds a warning to warnings when a's staff member has anything else
 * (booking, appointment other than id, time off) in a's time. */
static int
overlap_warning(struct http_req *req, const struct store_appointment *a, int64_t id,
                const struct tz_zone *zone, json_t *warnings)
{
    int n = 0, rc;

    if (a->staff_id <= 0)
        return ERR_OK;
    rc = store_overlap_count(req->db, a->staff_id, a->start_at, a->end_at, id, &n);
    if (rc != ERR_OK || n == 0)
        return rc;
    return json_array_append_new(warnings,
                                 json_pack("{s:I, s:o, s:s}", "occurrence_id", (json_int_t)id,
                                           "start", sched_time_json(a->start_at, zone), "message",
                                           APPT_OVERLAP_MESSAGE))
               ? ERR_NOMEM
               : ERR_OK;
}

/* All occurrences go in under one write lock, so a series is stored whole
 * or not at all. The series is named after its first occurrence. */
static int
insert_series(struct http_req *req, const struct appt_input *in, const struct tz_zone *zone,
              const int64_t *starts, size_t n, int64_t *ids, json_t *warnings)
{
    struct svc sv = api_svc(req);
    struct store_appointment a = in->a;
    size_t i;
    int rc = store_begin(req->db, 1);

    if (rc != ERR_OK)
        return rc;
    rc = check_refs(req, &a);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        a.start_at = starts[i];
        a.end_at = starts[i] + in->duration_min * 60;
        a.series_index = (int)i;
        a.series_id = i > 0 ? ids[0] : 0;
        rc = store_appointment_insert(req->db, &a, &ids[i]);
        if (rc == ERR_OK && i == 0 && in->recurring)
            rc = store_appointment_set_series(req->db, ids[0], ids[0]);
        if (rc == ERR_OK)
            rc = overlap_warning(req, &a, ids[i], zone, warnings);
        if (rc == ERR_OK && a.share_with_patient && i == 0)
            rc = notify_appointment_shared(&sv, ids[0]);
    }
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    return rc;
}

static json_t *
created_json(const struct appt_input *in, const struct tz_zone *zone, const int64_t *starts,
             const int64_t *ids, size_t n, json_t *warnings)
{
    json_t *occurrences = json_array();
    size_t i;

    for (i = 0; occurrences && i < n; i++) {
        if (json_array_append_new(
                occurrences, json_pack("{s:I, s:o, s:o}", "id", (json_int_t)ids[i], "start",
                                       sched_time_json(starts[i], zone), "end",
                                       sched_time_json(starts[i] + in->duration_min * 60, zone)))) {
            json_decref(occurrences);
            return NULL;
        }
    }
    return json_pack("{s:I, s:o, s:o, s:O}", "id", (json_int_t)ids[0], "series_id",
                     in->recurring ? json_integer(ids[0]) : json_null(), "occurrences", occurrences,
                     "warnings", warnings);
}

int
api_appointments_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct appt_input in;
    const struct tz_zone *zone = NULL;
    json_t *warnings = json_array();
    int64_t *starts = NULL, *ids = NULL;
    size_t n = 0;
    int rc;

    rc = warnings ? read_create(req, &in) : ERR_NOMEM;
    if (rc != ERR_OK)
        goto out;
    /* Wall-clock times belong to the staff member's zone, or the
     * organisation's when there is no staff member. */
    rc = sched_staff_zone(&sv, in.a.staff_id, &zone);
    if (rc == ERR_OK)
        rc = expand(req, &in, zone, &starts, &n);
    if (rc != ERR_OK)
        goto out;
    ids = arena_calloc(&req->arena, n, sizeof(*ids));
    rc = ids ? insert_series(req, &in, zone, starts, n, ids, warnings) : ERR_NOMEM;
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 201, created_json(&in, zone, starts, ids, n, warnings));
out:
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

/* Replies with the appointment as stored now, plus warnings when given. */
static int
reply_item(struct http_req *req, struct http_resp *resp, int64_t id, json_t *warnings)
{
    struct appt_zone_cache cache = {.n = 0};
    json_t *row = NULL;
    int rc = load(req, id, &row);

    if (rc == ERR_OK)
        rc = render(req, &cache, row);
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
    bad |= sched_query_days(req, &f->from, &f->to) != ERR_OK;
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

/* The stored appointment with the body's changes on top. */
static int
read_update(struct http_req *req, json_t *row, struct appt_input *in)
{
    int64_t start = row_int(row, "start_at"), end = row_int(row, "end_at");
    int bad = 0;

    memset(in, 0, sizeof(*in));
    in->a.patient_id = row_int(row, "patient_id");
    in->a.staff_id = row_int(row, "staff_id");
    in->a.action_id = row_int(row, "action_id");
    in->a.notes = json_string_value(json_object_get(row, "notes"));
    in->a.share_with_patient = json_is_true(json_object_get(row, "share_with_patient"));
    in->start = start;
    in->duration_min = (end - start) / 60;
    bad |= read_ref(req, "patient_id", &in->a.patient_id) != ERR_OK;
    bad |= read_ref(req, "staff_id", &in->a.staff_id) != ERR_OK;
    bad |= read_ref(req, "action_id", &in->a.action_id) != ERR_OK;
    bad |= in_time(req, "start", 0, &in->start) != ERR_OK;
    bad |= in_int(req, "duration_min", 0, 1, APPT_MAX_DURATION_MIN, &in->duration_min) != ERR_OK;
    bad |= in_text(req, "notes", 0, APPT_NOTES_MAX, &in->a.notes) != ERR_OK;
    bad |= in_bool(req, "share_with_patient", &in->a.share_with_patient) != ERR_OK;
    in->a.start_at = in->start;
    in->a.end_at = in->start + in->duration_min * 60;
    return bad ? ERR_INVALID : ERR_OK;
}

/* Validates and stores the change; the overlap check sees the new time
 * and staff member but not the appointment itself. */
static int
apply_update(struct http_req *req, int64_t id, json_t *warnings)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    struct appt_input in;
    json_t *row = NULL;
    int rc = load(req, id, &row);

    if (rc == ERR_OK)
        rc = read_update(req, row, &in);
    if (rc == ERR_OK && strcmp(json_string_value(json_object_get(row, "status")), "cancelled") == 0)
        rc = http_fail(req, ERR_CONFLICT, "the appointment is cancelled");
    if (rc == ERR_OK)
        rc = check_refs(req, &in.a);
    if (rc == ERR_OK)
        rc = store_appointment_update(req->db, id, &in.a);
    if (rc == ERR_OK)
        rc = sched_staff_zone(&sv, in.a.staff_id, &zone);
    if (rc == ERR_OK)
        rc = overlap_warning(req, &in.a, id, zone, warnings);
    json_decref(row);
    return rc;
}

int
api_appointments_update(struct http_req *req, struct http_resp *resp)
{
    json_t *warnings = json_array();
    int rc = warnings ? http_body_object(req) : ERR_NOMEM;

    if (rc != ERR_OK)
        goto out;
    rc = store_begin(req->db, 1);
    if (rc != ERR_OK)
        goto out;
    rc = apply_update(req, req->ids[0], warnings);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    if (rc == ERR_OK)
        rc = reply_item(req, resp, req->ids[0], warnings);
out:
    json_decref(warnings);
    return rc;
}

static int
read_scope(struct http_req *req, const char **scope)
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
    const char *scope;
    json_t *row = NULL;
    int n = 0;
    int rc = read_scope(req, &scope);

    if (rc != ERR_OK)
        goto out;
    rc = store_begin(req->db, 1);
    if (rc != ERR_OK)
        goto out;
    rc = load(req, req->ids[0], &row);
    /* A lone appointment is a series of one: every scope means just it. */
    if (rc == ERR_OK && json_is_null(json_object_get(row, "series_id")))
        scope = "this";
    if (rc == ERR_OK)
        rc = store_appointment_cancel(req->db, req->ids[0], scope, &n);
    if (rc == ERR_OK && n == 0 && strcmp(scope, "this") == 0)
        rc = http_fail(req, ERR_CONFLICT, "the appointment is already cancelled");
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK)
        store_rollback(req->db);
    if (rc == ERR_OK)
        rc = http_reply_json(resp, 200, json_pack("{s:i}", "cancelled", n));
out:
    json_decref(row);
    return rc;
}

int
appointments_render(struct http_req *req, json_t *row)
{
    struct appt_zone_cache cache = {.n = 0};

    return render(req, &cache, row);
}

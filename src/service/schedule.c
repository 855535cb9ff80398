#include "service/schedule.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

int
sched_settings_load(const struct svc *s, struct sched_settings *out)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_settings.table, 1, &row);

    if (rc == ERR_OK) {
        out->divider_min = (int)row_int(row, "booking_time_divider_min");
        out->book_one_service_only = row_bool(row, "book_one_service_only");
        out->assign_services_to_staff = row_bool(row, "assign_services_to_staff");
        out->min_notice_min = (int)row_int(row, "min_notice_min");
        out->max_advance_days = (int)row_int(row, "max_advance_days");
        out->allow_self_signup = row_bool(row, "allow_self_signup");
        out->client_cancel_notice_min = (int)row_int(row, "client_cancel_notice_min");
        out->hold_minutes = (int)row_int(row, "hold_minutes");
        out->max_seats_per_client = (int)row_int(row, "max_seats_per_client");
        snprintf(out->appointment_mode, sizeof(out->appointment_mode), "%s",
                 row_text(row, "appointment_mode"));
        snprintf(out->client_payment, sizeof(out->client_payment), "%s",
                 row_text(row, "client_payment"));
        snprintf(out->timezone, sizeof(out->timezone), "%s", row_text(row, "timezone"));
        snprintf(out->currency, sizeof(out->currency), "%s", row_text(row, "currency"));
        snprintf(out->payment_provider, sizeof(out->payment_provider), "%s",
                 row_text(row, "payment_provider"));
        snprintf(out->payment_methods, sizeof(out->payment_methods), "%s",
                 row_text(row, "payment_methods"));
    }
    json_decref(row);
    return rc;
}

int
sched_org_zone(const struct svc *s, const struct tz_zone **zone)
{
    struct sched_settings st;
    int rc = sched_settings_load(s, &st);

    return rc == ERR_OK ? sched_settings_zone(s, &st, zone) : tzdb_get(s->tzdb, "UTC", zone);
}

int
sched_settings_zone(const struct svc *s, const struct sched_settings *st,
                    const struct tz_zone **zone)
{
    int rc = tzdb_get(s->tzdb, st->timezone, zone);

    return rc == ERR_OK ? rc : tzdb_get(s->tzdb, "UTC", zone);
}

int
sched_location_zone(const struct svc *s, int64_t location_id, const struct tz_zone **zone)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_locations.table, location_id, &row);

    if (rc == ERR_OK)
        rc = tzdb_get(s->tzdb, row_text(row, "timezone"), zone);
    json_decref(row);
    return rc == ERR_OK ? rc : sched_org_zone(s, zone);
}

int
sched_staff_zone(const struct svc *s, int64_t staff_id, const struct tz_zone **zone)
{
    json_t *ids = NULL;
    int rc =
        staff_id > 0 ? store_staff_links_get(s->db, staff_id, "locations", &ids) : ERR_NOT_FOUND;

    if (rc == ERR_OK && json_array_size(ids) > 0)
        rc = sched_location_zone(s, json_integer_value(json_array_get(ids, 0)), zone);
    else
        rc = sched_org_zone(s, zone);
    json_decref(ids);
    return rc;
}

json_t *
sched_time_json(int64_t utc, const struct tz_zone *zone)
{
    char text[TZ_RFC3339_LEN];

    tz_format_rfc3339(utc, tz_offset_at(zone, utc), text);
    return json_string(text);
}

int64_t
sched_day_start(const struct tz_zone *zone, int64_t day)
{
    return tz_local_to_utc(zone, day * 86400);
}

int
sched_services_load(const struct svc *s, const char *field, const int64_t *ids, size_t n,
                    struct sched_services *out)
{
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    if (n == 0 || n > SCHED_MAX_SERVICES)
        return svc_field_error(s, field, "must name 1 to 32 services");
    rc = store_services_get(s->db, ids, n, out->items);
    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, field, "names a service that does not exist");
    if (rc != ERR_OK)
        return rc;
    out->n = n;
    for (i = 0; i < n; i++)
        out->duration_min += out->items[i].duration_min;
    if (out->duration_min > 1440)
        return svc_field_error(s, field, "the services together last more than a day");
    out->buffer_before_min = out->items[0].buffer_before_min;
    out->buffer_after_min = out->items[n - 1].buffer_after_min;
    out->capacity = n == 1 ? out->items[0].capacity : 1;
    out->group_service_id = out->capacity > 1 ? out->items[0].id : 0;
    return ERR_OK;
}

void
sched_query_init(struct avail_query *q, const struct sched_settings *s,
                 const struct sched_services *svc, int64_t now)
{
    memset(q, 0, sizeof(*q));
    q->duration_min = svc->duration_min;
    q->buffer_before_min = svc->buffer_before_min;
    q->buffer_after_min = svc->buffer_after_min;
    q->divider_min = s->divider_min;
    q->now = now;
    q->min_notice_min = s->min_notice_min;
    q->max_advance_days = s->max_advance_days;
    q->group_service_id = svc->group_service_id;
    q->capacity = svc->capacity;
}

/* Groups shifts (ordered by staff) into one avail_staff per staff member. */
static int
group_staff(const struct svc *s, const struct store_shift *rows, size_t n, struct sched_inputs *out)
{
    size_t i;
    int rc;

    out->shifts = arena_calloc(s->arena, n ? n : 1, sizeof(*out->shifts));
    out->staff = arena_calloc(s->arena, n ? n : 1, sizeof(*out->staff));
    if (!out->shifts || !out->staff)
        return ERR_NOMEM;
    for (i = 0; i < n; i++) {
        struct avail_shift *sh = &out->shifts[i];

        rc = tzdb_get(s->tzdb, rows[i].timezone, &sh->zone);
        if (rc != ERR_OK)
            return rc;
        sh->weekday = rows[i].weekday;
        sh->start_min = rows[i].start_min;
        sh->end_min = rows[i].end_min;
        sh->location_id = rows[i].location_id;
        if (!out->n_staff || out->staff[out->n_staff - 1].staff_id != rows[i].staff_id) {
            out->staff[out->n_staff].staff_id = rows[i].staff_id;
            out->staff[out->n_staff].shifts = sh;
            out->n_staff++;
        }
        out->staff[out->n_staff - 1].n_shifts++;
    }
    out->n_shifts = n;
    return ERR_OK;
}

/* Merges the sorted runs a[0..na) and b[0..nb) into out, by start. */
static size_t
merge_busy(const struct store_busy *a, size_t na, const struct store_busy *b, size_t nb,
           struct avail_busy *out)
{
    size_t i = 0, j = 0, k = 0;
    const struct store_busy *x;

    while (i < na || j < nb) {
        x = j >= nb || (i < na && a[i].start <= b[j].start) ? &a[i++] : &b[j++];
        out[k].start = x->start;
        out[k].end = x->end;
        out[k].at = x->at;
        out[k].group_service_id = x->group_service_id;
        k++;
    }
    return k;
}

int
sched_inputs_load(const struct svc *s, const struct store_avail_staff_filter *filter,
                  int64_t from_day, int64_t to_day, int64_t skip_booking_id,
                  const struct store_hold_skip *holds, struct sched_inputs *out)
{
    struct store_shift *rows = NULL;
    struct store_busy *busy = NULL, *held = NULL;
    struct avail_busy *all;
    int64_t *ids, from = (from_day - 1) * 86400, to = (to_day + 2) * 86400;
    size_t n_rows = 0, n_busy = 0, n_held = 0, i, b = 0, h = 0, b0, h0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_avail_shifts(s->db, filter, s->arena, &rows, &n_rows);
    if (rc == ERR_OK)
        rc = group_staff(s, rows, n_rows, out);
    if (rc != ERR_OK || !out->n_staff)
        return rc;
    ids = arena_calloc(s->arena, out->n_staff, sizeof(*ids));
    if (!ids)
        return ERR_NOMEM;
    for (i = 0; i < out->n_staff; i++)
        ids[i] = out->staff[i].staff_id;
    /* A day either side covers every zone's local days. */
    rc = store_avail_busy(s->db, ids, out->n_staff, from, to, skip_booking_id, s->arena, &busy,
                          &n_busy);
    if (rc == ERR_OK)
        rc = store_hold_busy(s->db, ids, out->n_staff, from, to, holds, s->arena, &held, &n_held);
    if (rc != ERR_OK)
        return rc;
    all = arena_calloc(s->arena, n_busy + n_held ? n_busy + n_held : 1, sizeof(*all));
    if (!all)
        return ERR_NOMEM;
    /* Busy rows and holds come grouped by staff in the same order as ids. */
    for (i = 0; i < out->n_staff; i++) {
        for (b0 = b; b < n_busy && busy[b].staff_id == ids[i]; b++)
            ;
        for (h0 = h; h < n_held && held[h].staff_id == ids[i]; h++)
            ;
        out->staff[i].busy = all + b0 + h0;
        /* Either list may be NULL when empty: no pointer arithmetic on it. */
        out->staff[i].n_busy = merge_busy(busy ? busy + b0 : NULL, b - b0, held ? held + h0 : NULL,
                                          h - h0, all + b0 + h0);
    }
    return ERR_OK;
}

/* Start instants of the occurrences. The first is start itself; the
 * others take start's wall-clock time of day in zone on each local day of
 * the rule, so a weekly 09:00 stays at 09:00 when the clocks change. */
int
sched_recur_starts(const struct svc *s, int64_t start, const struct recur_rule *rule,
                   const struct tz_zone *zone, int64_t **starts, size_t *n)
{
    int64_t local = tz_utc_to_local(zone, start), first_day = civil_day_of(local);
    int64_t time_of_day = local - first_day * 86400, *days;
    char message[96];
    size_t i;
    int rc;

    *n = 1;
    *starts = arena_calloc(s->arena, rule ? RECUR_MAX_OCCURRENCES : 1, sizeof(**starts));
    if (!*starts)
        return ERR_NOMEM;
    (*starts)[0] = start;
    if (!rule)
        return ERR_OK;
    days = arena_calloc(s->arena, RECUR_MAX_OCCURRENCES, sizeof(*days));
    if (!days)
        return ERR_NOMEM;
    if (rule->until_day < first_day)
        return svc_field_error(s, "recurrence.until", "must not be before the start date");
    if (first_day < civil_days_from_date(1900, 1, 1))
        return svc_field_error(s, "start", "is too early for a recurring series");
    rc = recur_expand_days(rule, first_day, days, RECUR_MAX_OCCURRENCES, n);
    if (rc == ERR_INVALID) {
        snprintf(message, sizeof(message), "makes the series longer than %d occurrences",
                 RECUR_MAX_OCCURRENCES);
        return svc_field_error(s, "recurrence.until", message);
    }
    for (i = 1; rc == ERR_OK && i < *n; i++)
        (*starts)[i] = tz_local_to_utc(zone, days[i] * 86400 + time_of_day);
    return rc;
}

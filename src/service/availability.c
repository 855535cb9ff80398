#include "service/availability.h"

#include <string.h>

#include "core/civil.h"
#include "service/group_events.h"
#include "service/resources.h"
#include "service/schedule.h"
#include "util/err.h"
#include "util/row.h"

/* Patients and visitors may only see services offered for online booking. */
static int
check_online(const struct svc *s, const struct sched_services *svc)
{
    size_t i;

    for (i = 0; i < svc->n; i++) {
        if (!svc->items[i].online_booking)
            return svc_field_error(s, "service_ids", "is not offered for online booking");
    }
    return ERR_OK;
}

/* One event as a slot, when it is on the days asked for and may be booked. */
static int
add_event_slot(const struct svc *s, const struct availability_request *r, json_t *ev,
               struct avail_result *out)
{
    struct avail_slot slot = {0};
    const struct tz_zone *zone;
    int64_t day;
    int rc = sched_location_zone(s, row_int(ev, "location_id"), &zone);

    if (rc != ERR_OK)
        return rc;
    slot.start = row_int(ev, "start_at");
    slot.end = row_int(ev, "end_at");
    day = civil_day_of(tz_utc_to_local(zone, slot.start));
    if (day < r->from_day || day > r->to_day || slot.start <= s->now ||
        row_int(ev, "seats_left") <= 0 ||
        (r->location_id && row_int(ev, "location_id") != r->location_id))
        return ERR_OK;
    slot.staff_id = row_int(ev, "staff_id");
    slot.location_id = row_int(ev, "location_id");
    slot.utc_offset = tz_offset_at(zone, slot.start);
    slot.end_utc_offset = tz_offset_at(zone, slot.end);
    slot.group_event_id = row_int(ev, "id");
    slot.seats_left = (int)row_int(ev, "seats_left");
    return avail_result_add(out, &slot);
}

/* A group service's events with seats left (online ones for patients
 * and visitors), beside or instead of the engine's slots. */
static int
add_event_slots(const struct svc *s, const struct availability_request *r, struct avail_result *out)
{
    struct store_group_event_filter f = {0};
    json_t *items = NULL, *ev;
    size_t i;
    int rc;

    /* Local days reach at most 14 hours either side of UTC's. */
    f.from = (r->from_day - 1) * 86400;
    f.to = (r->to_day + 2) * 86400;
    f.staff_id = r->staff_id;
    f.service_id = r->service_ids[0];
    f.online_only = r->online;
    f.live_only = 1;
    f.limit = -1;
    rc = group_events_list(s, &f, &items);
    json_array_foreach(items, i, ev)
    {
        if (rc == ERR_OK)
            rc = add_event_slot(s, r, ev, out);
    }
    json_decref(items);
    if (rc == ERR_OK)
        avail_result_sort(out);
    return rc;
}

int
availability_search(const struct svc *s, const struct availability_request *r,
                    struct avail_result *out, int *duration_min)
{
    struct store_avail_staff_filter filter = {r->staff_id, r->location_id, NULL, 0};
    struct sched_settings settings;
    struct sched_services svc;
    struct store_hold_skip holds = {r->holder, 0, s->now};
    struct resource_needs needs;
    struct sched_inputs in;
    struct avail_query q;
    int events, rc = sched_settings_load(s, &settings);

    if (rc == ERR_OK && settings.book_one_service_only && r->n_services > 1)
        rc = svc_field_error(s, "service_ids", "only one service may be booked at a time");
    if (rc == ERR_OK)
        rc = sched_services_load(s, "service_ids", r->service_ids, r->n_services, &svc);
    if (rc == ERR_OK && r->online)
        rc = check_online(s, &svc);
    if (rc != ERR_OK)
        return rc;
    if (settings.assign_services_to_staff) {
        filter.required_services = r->service_ids;
        filter.n_required = r->n_services;
    }
    rc = sched_inputs_load(s, &filter, r->from_day, r->to_day, 0, &holds, &in);
    if (rc == ERR_OK)
        rc = resources_needs_load(s, &svc, (r->from_day - 1) * 86400 - SCHED_BUFFERS_MAX_S,
                                  (r->to_day + 2) * 86400 + SCHED_BUFFERS_MAX_S, 0, &holds, 0,
                                  &needs);
    if (rc != ERR_OK)
        return rc;
    sched_query_init(&q, &settings, &svc, s->now);
    q.needs = &needs.needs;
    q.from_day = r->from_day;
    q.to_day = r->to_day;
    *duration_min = svc.duration_min;
    /* appointment_mode: group services have events (group, mixed) and
     * ad-hoc shared slots (individual, mixed). */
    events = strcmp(settings.appointment_mode, "individual") != 0 && svc.n == 1;
    if (!(events && svc.group_service_id > 0 && strcmp(settings.appointment_mode, "group") == 0))
        rc = avail_compute(&q, in.staff, in.n_staff, out);
    if (rc == ERR_OK && events)
        rc = add_event_slots(s, r, out);
    return rc;
}

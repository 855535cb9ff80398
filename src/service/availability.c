#include "service/availability.h"

#include "service/resources.h"
#include "service/schedule.h"
#include "util/err.h"

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
    int rc = sched_settings_load(s, &settings);

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
    return avail_compute(&q, in.staff, in.n_staff, out);
}

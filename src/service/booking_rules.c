#include "service/booking_rules.h"

#include <string.h>

#include "core/civil.h"
#include "util/err.h"

static int
staff_is_assigned(const struct svc *s, const struct sched_services *svc, int64_t staff_id)
{
    json_t *ids = NULL, *v;
    size_t i, j, found = 0;
    int rc = store_staff_links_get(s->db, staff_id, "services", &ids);

    for (i = 0; rc == ERR_OK && i < svc->n; i++) {
        json_array_foreach(ids, j, v)
        {
            if (json_integer_value(v) == svc->items[i].id) {
                found++;
                break;
            }
        }
    }
    json_decref(ids);
    return rc == ERR_OK && found == svc->n;
}

/* The location of the shift that holds [start, start + duration). */
static int64_t
shift_location(const struct avail_staff *st, int64_t start, int duration_min)
{
    size_t i;

    for (i = 0; i < st->n_shifts; i++) {
        const struct avail_shift *sh = &st->shifts[i];
        int64_t day = civil_day_of(tz_utc_to_local(sh->zone, start));
        int64_t begin = tz_local_to_utc(sh->zone, day * 86400 + sh->start_min * 60);
        int64_t end = tz_local_to_utc(sh->zone, day * 86400 + sh->end_min * 60);

        if (civil_weekday(day) == sh->weekday && begin <= start && start + duration_min * 60 <= end)
            return sh->location_id;
    }
    return 0;
}

int
booking_slot_check(const struct svc *s, const struct sched_settings *settings,
                   const struct sched_services *svc, int64_t staff_id, int64_t start,
                   int64_t skip_booking_id, const struct store_hold_skip *holds,
                   int64_t *location_id, struct resource_needs *needs)
{
    struct store_avail_staff_filter filter = {0};
    struct sched_inputs in;
    struct avail_query q;
    const char *why = NULL;
    int64_t day = civil_day_of(start);
    int rc;

    /* In group mode a service with seats is booked through its events. */
    if (strcmp(settings->appointment_mode, "group") == 0 && svc->group_service_id > 0)
        return svc_fail(s, ERR_CONFLICT,
                        "this service is booked through its group events only "
                        "(appointment_mode is group)");
    if (settings->book_one_service_only && svc->n > 1)
        return svc_fail(s, ERR_CONFLICT, "too many services: only one may be booked at a time");
    if (settings->assign_services_to_staff && !staff_is_assigned(s, svc, staff_id))
        return svc_fail(s, ERR_CONFLICT, "the staff member is not assigned these services");
    /* Nobody else may change this staff member's bookings between the
     * check below and the caller's commit. */
    rc = store_lock_staff(s->db, &staff_id, 1);
    if (rc != ERR_OK)
        return rc;
    filter.staff_id = staff_id;
    rc = sched_inputs_load(s, &filter, day - 1, day + 1, skip_booking_id, holds, &in);
    if (rc == ERR_OK)
        rc = resources_needs_load(s, svc, (day - 1) * 86400 - SCHED_BUFFERS_MAX_S,
                                  (day + 2) * 86400 + SCHED_BUFFERS_MAX_S, skip_booking_id, holds,
                                  1, needs);
    if (rc != ERR_OK)
        return rc;
    if (in.n_staff == 0)
        return svc_fail(s, ERR_CONFLICT, "the staff member is not bookable");
    sched_query_init(&q, settings, svc, s->now);
    q.needs = &needs->needs;
    q.from_day = day - 1;
    q.to_day = day + 1;
    rc = avail_check(&q, &in.staff[0], start, &why);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the slot is not available: %s", why ? why : "taken");
    if (rc != ERR_OK)
        return rc;
    *location_id = shift_location(&in.staff[0], start, svc->duration_min);
    return *location_id ? ERR_OK : svc_fail(s, ERR_CONFLICT, "outside the staff member's shifts");
}

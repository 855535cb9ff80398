/* What the scheduling use cases (availability, bookings, appointments,
 * calendar) share: settings, zones, rendering times, and gathering the
 * inputs of the availability engine from the store. */
#ifndef CHAIRSIDE_SERVICE_SCHEDULE_H
#define CHAIRSIDE_SERVICE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/availability.h"
#include "core/recurrence.h"
#include "core/tz.h"
#include "service/svc.h"
#include "store/store.h"

#define SCHED_MAX_SERVICES 32
#define SCHED_MAX_RANGE_DAYS 62
/* A booking's buffers together last at most this long (2 * 240 minutes). */
#define SCHED_BUFFERS_MAX_S (8 * 3600)

struct sched_settings {
    int divider_min;
    int book_one_service_only;
    int assign_services_to_staff;
    int min_notice_min;
    int max_advance_days;
    int allow_self_signup;
    int client_cancel_notice_min;
    int hold_minutes;
    int max_seats_per_client;
    char appointment_mode[16]; /* individual | group | mixed */
    char client_payment[16];
    char timezone[65];
    char currency[8];
    char payment_provider[16];
    char payment_methods[64]; /* comma-separated; empty: payment_provider alone */
};

int sched_settings_load(const struct svc *s, struct sched_settings *out);
/* The organisation's zone (settings.timezone). */
int sched_org_zone(const struct svc *s, const struct tz_zone **zone);
/* The same from settings already loaded. */
int sched_settings_zone(const struct svc *s, const struct sched_settings *st,
                        const struct tz_zone **zone);
int sched_location_zone(const struct svc *s, int64_t location_id, const struct tz_zone **zone);
/* Zone a staff member's wall-clock times are read in: their first
 * location's, else the organisation's. */
int sched_staff_zone(const struct svc *s, int64_t staff_id, const struct tz_zone **zone);

/* RFC 3339 in zone, as a new JSON string. */
json_t *sched_time_json(int64_t utc, const struct tz_zone *zone);
/* Local midnight that starts civil day `day` in zone. */
int64_t sched_day_start(const struct tz_zone *zone, int64_t day);

/* The requested services, their combined duration and buffers. */
struct sched_services {
    struct store_service items[SCHED_MAX_SERVICES];
    size_t n;
    int duration_min;
    int buffer_before_min; /* the first service's */
    int buffer_after_min;  /* the last service's */
    int64_t group_service_id;
    int capacity;
};

/* Loads ids into out; unknown ids are a 422 on field. */
int sched_services_load(const struct svc *s, const char *field, const int64_t *ids, size_t n,
                        struct sched_services *out);

/* The availability engine's inputs for the staff matching filter over
 * local days [from_day, to_day], allocated in s->arena. */
struct sched_inputs {
    struct avail_staff *staff;
    size_t n_staff;
    struct avail_shift *shifts; /* all staff's, grouped by staff */
    size_t n_shifts;
};

/* Live holds (but those holds leaves out) count as busy like bookings. */
int sched_inputs_load(const struct svc *s, const struct store_avail_staff_filter *filter,
                      int64_t from_day, int64_t to_day, int64_t skip_booking_id,
                      const struct store_hold_skip *holds, struct sched_inputs *out);
/* An avail_query from settings, services and the request time. */
void sched_query_init(struct avail_query *q, const struct sched_settings *s,
                      const struct sched_services *svc, int64_t now);

/* Start instants of a series: the first is start itself; the others take
 * start's wall-clock time of day in zone on each local day of rule (NULL:
 * start alone), so a weekly 09:00 stays at 09:00 when the clocks change.
 * *starts is in s->arena. Bad rules are field errors on recurrence.until
 * and start. */
int sched_recur_starts(const struct svc *s, int64_t start, const struct recur_rule *rule,
                       const struct tz_zone *zone, int64_t **starts, size_t *n);

#endif

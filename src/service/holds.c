#include "service/holds.h"

#include <stdio.h>
#include <string.h>

#include "service/booking_rules.h"
#include "service/group_events.h"
#include "service/resources.h"
#include "service/schedule.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

struct create_args {
    const struct hold_new *in;
    const struct sched_settings *settings;
    const struct sched_services *svc;
    struct hold_made *out;
};

static int
online_only(const struct svc *s, const struct sched_services *svc)
{
    size_t i;

    for (i = 0; i < svc->n; i++) {
        if (!svc->items[i].online_booking)
            return svc_field_error(s, "service_ids", "is not offered for online booking");
    }
    return ERR_OK;
}

static int
ids_text(const struct sched_services *svc, struct buf *b)
{
    size_t i;
    int rc = buf_puts(b, "[");

    for (i = 0; rc == ERR_OK && i < svc->n; i++)
        rc = buf_printf(b, "%s%lld", i ? "," : "", (long long)svc->items[i].id);
    return rc == ERR_OK ? buf_puts(b, "]") : rc;
}

/* Under the staff and resource locks booking_slot_check takes, as a
 * booking would: of a hold and a booking racing for one time, one wins. */
static int
create_hold(const struct svc *s, void *arg)
{
    const struct create_args *a = arg;
    const struct sched_services *svc = a->svc;
    struct store_hold_skip none = {NULL, 0, s->now};
    struct store_unit_use *units = NULL;
    struct resource_needs needs;
    unsigned char hash[SECRET_HASH_LEN];
    struct store_hold h = {0};
    struct buf ids;
    size_t n_units = 0;
    int live = 0, rc;

    buf_init(&ids, 16 * SCHED_MAX_SERVICES + 8);
    rc = store_holds_purge(s->db, s->now);
    if (rc == ERR_OK)
        rc = store_hold_count(s->db, a->in->holder, s->now, &live);
    if (rc == ERR_OK && live >= HOLDS_PER_SESSION)
        rc = svc_fail(s, ERR_CONFLICT, "at most %d times may be held at once; release one first",
                      HOLDS_PER_SESSION);
    if (rc == ERR_OK)
        rc = booking_slot_check(s, a->settings, svc, a->in->staff_id, a->in->start, 0, &none,
                                &h.location_id, &needs);
    h.start_at = a->in->start;
    h.end_at = h.start_at + (int64_t)svc->duration_min * 60;
    h.occupied_start = h.start_at - (int64_t)svc->buffer_before_min * 60;
    h.occupied_end = h.end_at + (int64_t)svc->buffer_after_min * 60;
    if (rc == ERR_OK)
        rc = resources_pick(s, &needs, h.location_id, h.occupied_start, h.occupied_end, &units,
                            &n_units);
    if (rc == ERR_OK)
        rc = ids_text(svc, &ids);
    if (rc != ERR_OK)
        goto out;
    h.holder = a->in->holder;
    h.staff_id = a->in->staff_id;
    h.service_ids = ids.data;
    h.created_at = s->now;
    h.expires_at = s->now + (int64_t)a->settings->hold_minutes * 60;
    secret_token(a->out->token);
    secret_token_hash(a->out->token, hash);
    rc = store_hold_insert(s->db, &h, hash, sizeof(hash), units, n_units, &a->out->id);
    a->out->expires_at = h.expires_at;
    a->out->location_id = h.location_id;
out:
    buf_cleanup(&ids);
    return rc;
}

/* Seats of a group event: counted under its staff lock as a participant
 * booking counts them, so holds and bookings racing for the last seat
 * have one winner. The hold occupies no time (its event does). */
static int
create_seat_hold(const struct svc *s, void *arg)
{
    const struct create_args *a = arg;
    unsigned char hash[SECRET_HASH_LEN];
    struct store_group_event e;
    struct store_hold h = {0};
    char ids[32];
    int live = 0, rc = store_holds_purge(s->db, s->now);

    if (rc == ERR_OK)
        rc = store_hold_count(s->db, a->in->holder, s->now, &live);
    if (rc == ERR_OK && live >= HOLDS_PER_SESSION)
        rc = svc_fail(s, ERR_CONFLICT, "at most %d times may be held at once; release one first",
                      HOLDS_PER_SESSION);
    if (rc == ERR_OK)
        rc = group_events_take_seats(s, a->in->group_event_id, a->in->seats, 0, &e);
    if (rc == ERR_OK && a->in->online && !e.online_booking)
        rc = svc_field_error(s, "group_event_id", "is not offered for online booking");
    if (rc != ERR_OK)
        return rc;
    snprintf(ids, sizeof(ids), "[%lld]", (long long)e.service_id);
    h.holder = a->in->holder;
    h.staff_id = e.staff_id;
    h.location_id = e.location_id;
    h.start_at = e.start_at;
    h.end_at = e.end_at;
    h.occupied_start = h.occupied_end = e.start_at;
    h.service_ids = ids;
    h.created_at = s->now;
    h.expires_at = s->now + (int64_t)a->settings->hold_minutes * 60;
    h.group_event_id = a->in->group_event_id;
    h.seats = a->in->seats;
    secret_token(a->out->token);
    secret_token_hash(a->out->token, hash);
    rc = store_hold_insert(s->db, &h, hash, sizeof(hash), NULL, 0, &a->out->id);
    a->out->expires_at = h.expires_at;
    a->out->location_id = h.location_id;
    a->out->staff_id = h.staff_id;
    a->out->start = h.start_at;
    return rc;
}

static int
holds_create_seats(const struct svc *s, const struct hold_new *in, struct hold_made *out)
{
    struct sched_settings settings;
    struct create_args a = {in, &settings, NULL, out};
    char message[96];
    int rc = sched_settings_load(s, &settings);

    if (rc == ERR_OK && in->seats > settings.max_seats_per_client) {
        snprintf(message, sizeof(message), "must be at most %d (max_seats_per_client)",
                 settings.max_seats_per_client);
        return svc_field_error(s, "seats", message);
    }
    if (rc == ERR_OK && strcmp(settings.appointment_mode, "individual") == 0)
        return svc_fail(s, ERR_CONFLICT,
                        "the clinic takes individual appointments only (appointment_mode)");
    return rc == ERR_OK ? svc_write(s, create_seat_hold, &a) : rc;
}

int
holds_create(const struct svc *s, const struct hold_new *in, struct hold_made *out)
{
    struct sched_settings settings;
    struct sched_services svc;
    struct create_args a = {in, &settings, &svc, out};
    int rc = sched_settings_load(s, &settings);

    memset(out, 0, sizeof(*out));
    if (in->group_event_id)
        return rc == ERR_OK ? holds_create_seats(s, in, out) : rc;
    out->staff_id = in->staff_id;
    out->start = in->start;
    if (rc == ERR_OK)
        rc = sched_services_load(s, "service_ids", in->service_ids, in->n_services, &svc);
    if (rc == ERR_OK && in->online)
        rc = online_only(s, &svc);
    if (rc == ERR_OK)
        rc = svc_write(s, create_hold, &a);
    return rc;
}

struct release_args {
    int64_t id;
    const char *holder;
};

static int
release_hold(const struct svc *s, void *arg)
{
    const struct release_args *a = arg;
    int rc = store_hold_delete(s->db, a->id, a->holder);

    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such hold") : rc;
}

int
holds_release(const struct svc *s, int64_t id, const char *holder)
{
    struct release_args a = {id, holder};

    return svc_write(s, release_hold, &a);
}

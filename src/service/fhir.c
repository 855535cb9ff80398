#include "service/fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "service/availability.h"
#include "service/bookings.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"
#include "util/secret.h"

/* Services a slot search covers: the ones asked for, else every one (the
 * online ones for patients and the public). */
static int
search_services(const struct svc *s, const struct fhir_slot_query *q, int64_t *ids, size_t max,
                size_t *n)
{
    json_t *items = NULL, *row;
    size_t i;
    int rc;

    *n = 0;
    if (q->n_services) {
        if (q->n_services > max)
            return svc_field_error(s, "service-type", "names too many services");
        memcpy(ids, q->service_ids, q->n_services * sizeof(*ids));
        *n = q->n_services;
        return ERR_OK;
    }
    rc = store_row_list(s->db, &setup_services.table, NULL, 0, (int)max, &items);
    json_array_foreach(items, i, row)
    {
        if (rc == ERR_OK && (!q->online || row_bool(row, "online_booking")))
            ids[(*n)++] = row_int(row, "id");
    }
    json_decref(items);
    return rc;
}

static int
slot_order(const void *pa, const void *pb)
{
    const struct fhir_slot *a = pa, *b = pb;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->staff_id != b->staff_id)
        return a->staff_id < b->staff_id ? -1 : 1;
    if (a->location_id != b->location_id)
        return a->location_id < b->location_id ? -1 : 1;
    return a->service_id < b->service_id ? -1 : a->service_id > b->service_id;
}

static int
push_slot(const struct svc *s, const struct fhir_slot *slot, struct fhir_slot **out, size_t *n,
          size_t *cap)
{
    struct fhir_slot *grown = arena_grow(s->arena, *out, *n, cap, sizeof(*grown), 256);

    if (!grown)
        return ERR_NOMEM;
    *out = grown;
    (*out)[(*n)++] = *slot;
    return ERR_OK;
}

/* Appends service_id's slots in [q->from, q->to) to *all. */
static int
add_service_slots(const struct svc *s, const struct fhir_slot_query *q, int64_t service_id,
                  struct avail_result *all, struct fhir_slot **out, size_t *n, size_t *cap)
{
    struct availability_request r = {&service_id,    1,         0,   0, q->staff_id,
                                     q->location_id, q->online, NULL};
    int duration_min = 0, rc;
    size_t i;

    /* Local days of any zone: a day either side of the UTC window. */
    r.from_day = civil_day_of(q->from) - 1;
    r.to_day = civil_day_of(q->to - 1) + 1;
    all->n = 0;
    rc = availability_search(s, &r, all, &duration_min);
    for (i = 0; rc == ERR_OK && i < all->n; i++) {
        const struct avail_slot *a = &all->slots[i];

        struct fhir_slot slot = {a->staff_id, a->location_id, service_id,        a->start,
                                 a->end,      a->utc_offset,  a->end_utc_offset, 0};

        if (a->start >= q->from && a->start < q->to)
            rc = push_slot(s, &slot, out, n, cap);
    }
    return rc;
}

/* A live booking row as a busy slot. */
static int
busy_of(const struct svc *s, const json_t *row, struct fhir_slot *out)
{
    const struct tz_zone *zone;
    int64_t start = row_int(row, "start_at"), end = row_int(row, "end_at");
    int rc = sched_location_zone(s, row_int(row, "location_id"), &zone);

    if (rc != ERR_OK)
        return rc;
    memset(out, 0, sizeof(*out));
    out->staff_id = row_int(row, "staff_id");
    out->location_id = row_int(row, "location_id");
    out->service_id = json_integer_value(json_array_get(json_object_get(row, "service_ids"), 0));
    out->start = start;
    out->end = end;
    out->utc_offset = tz_offset_at(zone, start);
    out->end_utc_offset = tz_offset_at(zone, end);
    out->booking_id = row_int(row, "id");
    return ERR_OK;
}

static int
booked_service(const json_t *row, const int64_t *ids, size_t n)
{
    const json_t *v;
    size_t i, k;

    json_array_foreach(json_object_get(row, "service_ids"), i, v)
    {
        for (k = 0; k < n; k++) {
            if (json_integer_value(v) == ids[k])
                return 1;
        }
    }
    return 0;
}

/* Live bookings starting in the window, page by page. */
static int
add_busy_slots(const struct svc *s, const struct fhir_slot_query *q, const int64_t *ids,
               size_t n_ids, struct fhir_slot **out, size_t *n, size_t *cap)
{
    struct store_booking_filter f = {
        .from = q->from, .to = q->to, .staff_id = q->staff_id, .limit = 500};
    json_t *items = NULL, *row;
    size_t i, got;
    int rc;

    do {
        rc = store_booking_list(s->db, &f, &items);
        got = json_array_size(items);
        json_array_foreach(items, i, row)
        {
            struct fhir_slot slot;

            f.after_id = row_int(row, "id");
            if (rc != ERR_OK || strcmp(row_text(row, "status"), "cancelled") == 0 ||
                (q->location_id && row_int(row, "location_id") != q->location_id) ||
                !booked_service(row, ids, n_ids))
                continue;
            rc = busy_of(s, row, &slot);
            if (rc == ERR_OK)
                rc = push_slot(s, &slot, out, n, cap);
        }
        json_decref(items);
        items = NULL;
    } while (rc == ERR_OK && got == (size_t)f.limit);
    return rc;
}

int
fhir_busy_slot(const struct svc *s, int64_t booking_id, struct fhir_slot *out)
{
    json_t *row = NULL;
    int rc = store_booking_get(s->db, booking_id, &row);

    if (rc == ERR_OK && strcmp(row_text(row, "status"), "cancelled") == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        rc = busy_of(s, row, out);
    json_decref(row);
    return rc;
}

int
fhir_slots_find(const struct svc *s, const struct fhir_slot_query *q, struct fhir_slot **out,
                size_t *n)
{
    int64_t ids[500];
    struct avail_result all;
    size_t i, n_ids = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (q->to <= q->from)
        return ERR_OK;
    if (q->to - q->from > FHIR_MAX_WINDOW_S)
        return svc_field_error(s, "start", "the window may span at most 62 days");
    rc = search_services(s, q, ids, sizeof(ids) / sizeof(ids[0]), &n_ids);
    avail_result_init(&all);
    for (i = 0; rc == ERR_OK && (q->statuses & FHIR_SLOT_FREE) && i < n_ids; i++)
        rc = add_service_slots(s, q, ids[i], &all, out, n, &cap);
    avail_result_cleanup(&all);
    if (rc == ERR_OK && (q->statuses & FHIR_SLOT_BUSY))
        rc = add_busy_slots(s, q, ids, n_ids, out, n, &cap);
    if (rc == ERR_INVALID)
        return svc_field_error(s, "service-type", "names a service that cannot be booked here");
    if (rc == ERR_OK && *n)
        qsort(*out, *n, sizeof(**out), slot_order);
    return rc;
}

int
fhir_services(const struct svc *s, int online, json_t **out)
{
    json_t *items = NULL, *row;
    size_t i;
    int rc = store_row_list(s->db, &setup_services.table, NULL, 0, 500, &items);

    *out = json_object();
    if (!*out)
        rc = ERR_NOMEM;
    json_array_foreach(items, i, row)
    {
        char key[24];

        snprintf(key, sizeof(key), "%lld", (long long)row_int(row, "id"));
        if (rc == ERR_OK && (!online || row_bool(row, "online_booking")))
            rc = json_object_set(*out, key, row) ? ERR_NOMEM : ERR_OK;
    }
    json_decref(items);
    return rc;
}

/* The services staff offers of those in services. */
static json_t *
offered(const json_t *staff, const json_t *services, int assigned_only)
{
    json_t *ids = json_array(), *v;
    const char *key;
    size_t i;

    if (!ids)
        return NULL;
    if (assigned_only) {
        json_array_foreach(json_object_get(staff, "service_ids"), i, v)
        {
            char k[24];

            snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(v));
            if (json_object_get(services, k))
                json_array_append(ids, v);
        }
        return ids;
    }
    json_object_foreach((json_t *)services, key, v)
    {
        json_array_append_new(ids, json_integer(strtoll(key, NULL, 10)));
    }
    return ids;
}

static int
has_location(json_t *ids, int64_t loc)
{
    json_t *v;
    size_t i;

    json_array_foreach(ids, i, v)
    {
        if (json_integer_value(v) == loc)
            return 1;
    }
    return 0;
}

/* A staff member has a schedule at each location they are linked to and
 * at each where they have a shift (their slots there are published). */
static int
add_staff_schedules(const struct svc *s, json_t *staff, int64_t location_id, const json_t *services,
                    int assigned_only, json_t *items)
{
    struct store_shift *shifts = NULL;
    json_t *locs, *v;
    size_t i, n = 0;
    int rc = setup_staff_links_json(s, staff);

    locs = json_object_get(staff, "location_ids")
               ? json_copy(json_object_get(staff, "location_ids"))
               : json_array();
    if (rc == ERR_OK && !locs)
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        rc = store_shifts_get(s->db, row_int(staff, "id"), s->arena, &shifts, &n);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        if (!has_location(locs, shifts[i].location_id) &&
            json_array_append_new(locs, json_integer(shifts[i].location_id)))
            rc = ERR_NOMEM;
    }
    json_array_foreach(locs, i, v)
    {
        int64_t loc = json_integer_value(v);

        if (rc != ERR_OK || (location_id && loc != location_id))
            continue;
        if (json_array_append_new(items, json_pack("{s:O, s:I, s:o}", "staff", staff, "location_id",
                                                   (json_int_t)loc, "service_ids",
                                                   offered(staff, services, assigned_only))))
            rc = ERR_NOMEM;
    }
    json_decref(locs);
    return rc;
}

int
fhir_schedules(const struct svc *s, int online, int64_t staff_id, int64_t location_id,
               json_t **items, json_t **services)
{
    struct store_filter f = {0};
    struct sched_settings settings;
    json_t *staff = NULL, *row;
    size_t i;
    int rc = sched_settings_load(s, &settings);

    *items = json_array();
    *services = NULL;
    if (rc == ERR_OK && !*items)
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        rc = fhir_services(s, online, services);
    if (online) {
        f.eq_col[f.n_eq] = "bookable";
        f.eq_val[f.n_eq++] = 1;
    }
    if (staff_id) {
        f.eq_col[f.n_eq] = "id";
        f.eq_val[f.n_eq++] = staff_id;
    }
    if (rc == ERR_OK)
        rc = store_row_list(s->db, &setup_staff.table, &f, 0, 500, &staff);
    json_array_foreach(staff, i, row)
    {
        if (rc == ERR_OK)
            rc = add_staff_schedules(s, row, location_id, *services,
                                     settings.assign_services_to_staff, *items);
    }
    json_decref(staff);
    if (rc != ERR_OK) {
        json_decref(*items);
        json_decref(*services);
        *items = *services = NULL;
    }
    return rc;
}

int
fhir_slot_check(const struct svc *s, struct fhir_slot *slot, int online)
{
    struct fhir_slot_query q = {
        slot->staff_id, slot->location_id, &slot->service_id, 1, slot->start, slot->start + 1,
        online,         FHIR_SLOT_FREE};
    struct fhir_slot *found = NULL;
    size_t n = 0;
    int rc = fhir_slots_find(s, &q, &found, &n);

    if (rc == ERR_INVALID)
        return ERR_NOT_FOUND;
    if (rc != ERR_OK)
        return rc;
    if (n != 1)
        return svc_fail(s, ERR_NOT_FOUND, "that slot is not free");
    *slot = found[0];
    return ERR_OK;
}

const char *
fhir_appointment_status(const char *status, const char *attendance, int64_t end_at, int64_t now)
{
    if (strcmp(status, "cancelled") == 0)
        return "cancelled";
    if (strcmp(attendance, "no_show") == 0)
        return "noshow";
    if (strcmp(attendance, "arrived") == 0)
        return end_at <= now ? "fulfilled" : "arrived";
    return "booked";
}

int
fhir_book(const struct svc *s, const struct fhir_book_in *in, int64_t *booking_id)
{
    struct booking_new b = {0};

    b.by = in->by_patient ? BOOKING_BY_PATIENT : BOOKING_BY_STAFF;
    b.patient_id = in->patient_id;
    b.staff_id = in->slot.staff_id;
    b.service_ids = &in->slot.service_id;
    b.n_services = 1;
    b.start = in->slot.start;
    b.notes = in->notes;
    b.audit = in->audit;
    b.referral = in->referral;
    /* The held time is taken for everyone but this token's booking. */
    b.hold_token = in->hold;
    return bookings_create(s, &b, booking_id);
}

int
fhir_hold(const struct svc *s, const char *holder, const struct fhir_slot *slot, int online,
          struct hold_made *out)
{
    struct hold_new in = {holder, online, slot->staff_id, &slot->service_id, 1, slot->start, 0, 0};

    return holds_create(s, &in, out);
}

int
fhir_hold_find(const struct svc *s, const char *token, struct fhir_held *out)
{
    unsigned char hash[SECRET_HASH_LEN];
    const struct tz_zone *zone;
    struct store_hold h;
    json_t *ids = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    secret_token_hash(token, hash);
    rc = store_hold_by_token(s->db, hash, sizeof(hash), s->now, s->arena, &h);
    if (rc == ERR_NOT_FOUND) {
        rc = svc_fail(s, ERR_CONFLICT, "that hold is unknown or has expired; $hold again");
        goto out;
    }
    if (rc == ERR_OK)
        rc = sched_location_zone(s, h.location_id, &zone);
    if (rc != ERR_OK)
        goto out;
    ids = json_loads(h.service_ids, 0, NULL);
    out->id = h.id;
    out->holder = h.holder;
    out->expires_at = h.expires_at;
    out->slot.staff_id = h.staff_id;
    out->slot.location_id = h.location_id;
    out->slot.service_id = json_integer_value(json_array_get(ids, 0));
    out->slot.start = h.start_at;
    out->slot.end = h.end_at;
    out->slot.utc_offset = tz_offset_at(zone, h.start_at);
    out->slot.end_utc_offset = tz_offset_at(zone, h.end_at);
    if (out->slot.service_id <= 0)
        rc = ERR_STORE; /* every hold keeps at least one service */
out:
    json_decref(ids);
    return rc;
}

#include "service/fhir.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "service/availability.h"
#include "service/bookings.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

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

/* Appends service_id's slots in [q->from, q->to) to *all. */
static int
add_service_slots(const struct svc *s, const struct fhir_slot_query *q, int64_t service_id,
                  struct avail_result *all, struct fhir_slot **out, size_t *n, size_t *cap)
{
    struct availability_request r = {&service_id, 1, 0, 0, q->staff_id, q->location_id, q->online};
    int duration_min = 0, rc;
    size_t i;

    /* Local days of any zone: a day either side of the UTC window. */
    r.from_day = civil_day_of(q->from) - 1;
    r.to_day = civil_day_of(q->to - 1) + 1;
    all->n = 0;
    rc = availability_search(s, &r, all, &duration_min);
    for (i = 0; rc == ERR_OK && i < all->n; i++) {
        const struct avail_slot *a = &all->slots[i];

        if (a->start < q->from || a->start >= q->to)
            continue;
        if (*n == *cap) {
            size_t bigger = *cap ? *cap * 2 : 256;
            struct fhir_slot *grown = arena_array(s->arena, bigger, sizeof(*grown));

            if (!grown)
                return ERR_NOMEM;
            if (*n)
                memcpy(grown, *out, *n * sizeof(*grown));
            *out = grown;
            *cap = bigger;
        }
        (*out)[(*n)++] = (struct fhir_slot){a->staff_id, a->location_id, service_id,       a->start,
                                            a->end,      a->utc_offset,  a->end_utc_offset};
    }
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
    for (i = 0; rc == ERR_OK && i < n_ids; i++)
        rc = add_service_slots(s, q, ids[i], &all, out, n, &cap);
    avail_result_cleanup(&all);
    if (rc == ERR_INVALID)
        return svc_field_error(s, "service-type", "names a service that cannot be booked here");
    if (rc == ERR_OK && *n)
        qsort(*out, *n, sizeof(**out), slot_order);
    return rc;
}

int
fhir_slot_check(const struct svc *s, struct fhir_slot *slot, int online)
{
    struct fhir_slot_query q = {
        slot->staff_id, slot->location_id, &slot->service_id, 1, slot->start, slot->start + 1,
        online};
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

    /* Holds ($hold, ITI-116) belong to the capacity work; until a booking
     * can take a hold's token, a token is refused rather than ignored. */
    if (in->hold)
        return svc_fail(s, ERR_CONFLICT, "holds are not supported yet; book without one");
    b.by = in->by_patient ? BOOKING_BY_PATIENT : BOOKING_BY_STAFF;
    b.patient_id = in->patient_id;
    b.staff_id = in->slot.staff_id;
    b.service_ids = &in->slot.service_id;
    b.n_services = 1;
    b.start = in->slot.start;
    b.notes = in->notes;
    return bookings_create(s, &b, booking_id);
}

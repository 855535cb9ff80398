#include "service/resources.h"

#include <string.h>

#include "store/store.h"
#include "util/err.h"

static int64_t *
service_ids(const struct svc *s, const struct sched_services *svc)
{
    int64_t *ids = arena_calloc(s->arena, svc->n ? svc->n : 1, sizeof(*ids));
    size_t i;

    for (i = 0; ids && i < svc->n; i++)
        ids[i] = svc->items[i].id;
    return ids;
}

/* Hands each resource its slice of uses, merging the bookings' rows and
 * the holds' (the store orders both by resource in the order asked, then
 * unit and start). */
static void
split_uses(struct resource_needs *out, const struct store_unit_use *a, size_t na,
           const struct store_unit_use *b, size_t nb, struct avail_use *uses)
{
    const struct store_unit_use *x;
    size_t i, j = 0, k = 0, w = 0;
    int take_a;

    for (i = 0; i < out->needs.n; i++) {
        out->items[i].uses = uses + w;
        for (;;) {
            int more_a = j < na && a[j].resource_id == out->ids[i];
            int more_b = k < nb && b[k].resource_id == out->ids[i];

            if (!more_a && !more_b)
                break;
            take_a = more_a && (!more_b || a[j].unit < b[k].unit ||
                                (a[j].unit == b[k].unit && a[j].start <= b[k].start));
            x = take_a ? &a[j++] : &b[k++];
            uses[w].unit = x->unit;
            uses[w].start = x->start;
            uses[w].end = x->end;
            w++;
            out->items[i].n_uses++;
        }
    }
}

int
resources_needs_load(const struct svc *s, const struct sched_services *svc, int64_t from,
                     int64_t to, int64_t skip_booking_id, const struct store_hold_skip *holds,
                     int lock, struct resource_needs *out)
{
    struct store_resource *res = NULL;
    struct store_unit_use *rows = NULL, *held = NULL;
    struct avail_use *uses;
    int64_t *ids = service_ids(s, svc);
    size_t n_res = 0, n_rows = 0, n_held = 0, i;
    int rc = ids ? ERR_OK : ERR_NOMEM;

    memset(out, 0, sizeof(*out));
    /* Seats of a group service share their slot; the room a class takes
     * comes with group events, not with each seat. */
    if (svc->group_service_id > 0)
        return rc;
    if (rc == ERR_OK)
        rc = store_resources_needed(s->db, ids, svc->n, s->arena, &res, &n_res);
    if (rc != ERR_OK || n_res == 0)
        return rc;
    out->items = arena_calloc(s->arena, n_res, sizeof(*out->items));
    out->ids = arena_calloc(s->arena, n_res, sizeof(*out->ids));
    if (!out->items || !out->ids)
        return ERR_NOMEM;
    for (i = 0; i < n_res; i++) {
        out->ids[i] = res[i].id;
        out->items[i].resource_id = res[i].id;
        out->items[i].location_id = res[i].location_id;
        out->items[i].quantity = res[i].quantity;
    }
    out->needs.resources = out->items;
    out->needs.n = n_res;
    /* Nobody else may take or free these units between the check and the
     * caller's commit. */
    if (lock)
        rc = store_lock_resources(s->db, out->ids, n_res);
    if (rc == ERR_OK)
        rc = store_unit_uses(s->db, out->ids, n_res, from, to, skip_booking_id, s->arena, &rows,
                             &n_rows);
    if (rc == ERR_OK)
        rc =
            store_hold_unit_uses(s->db, out->ids, n_res, from, to, holds, s->arena, &held, &n_held);
    if (rc != ERR_OK)
        return rc;
    uses = arena_calloc(s->arena, n_rows + n_held ? n_rows + n_held : 1, sizeof(*uses));
    if (!uses)
        return ERR_NOMEM;
    split_uses(out, rows, n_rows, held, n_held, uses);
    return ERR_OK;
}

int
resources_pick(const struct svc *s, const struct resource_needs *needs, int64_t location_id,
               int64_t ws, int64_t we, struct store_unit_use **units, size_t *n)
{
    struct store_unit_use *take;
    int *picked;
    size_t i;
    int rc;

    *units = NULL;
    *n = 0;
    if (needs->needs.n == 0)
        return ERR_OK;
    picked = arena_calloc(s->arena, needs->needs.n, sizeof(*picked));
    take = arena_calloc(s->arena, needs->needs.n, sizeof(*take));
    if (!picked || !take)
        return ERR_NOMEM;
    rc = avail_units_pick(&needs->needs, location_id, ws, we, picked);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the slot is not available: a resource it needs is taken");
    for (i = 0; rc == ERR_OK && i < needs->needs.n; i++) {
        if (!picked[i])
            continue;
        take[*n].resource_id = needs->ids[i];
        take[*n].unit = picked[i];
        take[*n].start = ws;
        take[*n].end = we;
        (*n)++;
    }
    *units = take;
    return rc;
}

int
resources_take(const struct svc *s, const struct resource_needs *needs, int64_t booking_id,
               int64_t location_id, int64_t ws, int64_t we)
{
    struct store_unit_use *take = NULL;
    size_t n = 0;
    int rc = resources_pick(s, needs, location_id, ws, we, &take, &n);

    if (rc == ERR_OK)
        rc = store_booking_units_set(s->db, booking_id, take, n);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the slot is not available: a resource it needs is taken");
    return rc;
}

int
resources_release(const struct svc *s, int64_t booking_id)
{
    return store_booking_units_set(s->db, booking_id, NULL, 0);
}

int
resources_service_set(const struct svc *s, int64_t service_id, const char *field,
                      const int64_t *ids, size_t n)
{
    int rc = store_service_resources_set(s->db, service_id, ids, n);

    return rc == ERR_NOT_FOUND ? svc_field_error(s, field, "names a resource that does not exist")
                               : rc;
}

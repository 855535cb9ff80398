/* Free units by one forward scan per unit: a unit's uses are sorted by
 * start, so for advancing candidates the uses that start before the
 * padded end only grow, and the latest end among them says whether any
 * still reaches into the padding (as the staff busy filter does). */
#include "core/avail_units.h"

#include <stdlib.h>

#include "util/err.h"

/* Hard cap on units scanned at once (a clinic's rooms and chairs). */
#define AVAIL_MAX_UNITS 4096

struct avail_unit_scan {
    size_t begin; /* this unit's uses: [begin, end) of its resource's */
    size_t end;
    size_t pos;
    int64_t latest;
};

static int
needs_valid(const struct avail_needs *needs, size_t *n_units)
{
    const struct avail_resource *r;
    size_t i, j;

    *n_units = 0;
    for (i = 0; needs && i < needs->n; i++) {
        r = &needs->resources[i];
        if (r->quantity < 1 || r->quantity > AVAIL_MAX_UNITS || (r->uses == NULL && r->n_uses))
            return 0;
        for (j = 0; j < r->n_uses; j++) {
            if (r->uses[j].unit < 1 || r->uses[j].unit > r->quantity)
                return 0;
            if (j > 0 && (r->uses[j].unit < r->uses[j - 1].unit ||
                          (r->uses[j].unit == r->uses[j - 1].unit &&
                           r->uses[j].start < r->uses[j - 1].start)))
                return 0;
        }
        *n_units += (size_t)r->quantity;
        if (*n_units > AVAIL_MAX_UNITS)
            return 0;
    }
    return 1;
}

int
avail_units_init(struct avail_units *u, const struct avail_needs *needs)
{
    const struct avail_resource *r;
    size_t i, j, k = 0, n_units;
    int unit;

    u->needs = needs;
    u->scan = NULL;
    u->n_scan = 0;
    if (!needs_valid(needs, &n_units))
        return ERR_INVALID;
    if (n_units == 0)
        return ERR_OK;
    u->scan = calloc(n_units, sizeof(*u->scan));
    if (!u->scan)
        return ERR_NOMEM;
    for (i = 0; i < needs->n; i++) {
        r = &needs->resources[i];
        j = 0;
        for (unit = 1; unit <= r->quantity; unit++, k++) {
            u->scan[k].begin = j;
            while (j < r->n_uses && r->uses[j].unit == unit)
                j++;
            u->scan[k].end = j;
        }
    }
    u->n_scan = n_units;
    avail_units_rewind(u);
    return ERR_OK;
}

void
avail_units_cleanup(struct avail_units *u)
{
    if (u == NULL)
        return;
    free(u->scan);
    u->scan = NULL;
    u->n_scan = 0;
}

void
avail_units_rewind(struct avail_units *u)
{
    size_t k;

    for (k = 0; k < u->n_scan; k++) {
        u->scan[k].pos = u->scan[k].begin;
        u->scan[k].latest = INT64_MIN;
    }
}

/* Whether unit scan sc of r is free over [ws, we), moving it forward. */
static int
unit_free(struct avail_unit_scan *sc, const struct avail_resource *r, int64_t ws, int64_t we)
{
    for (; sc->pos < sc->end && r->uses[sc->pos].start < we; sc->pos++) {
        if (r->uses[sc->pos].end > sc->latest)
            sc->latest = r->uses[sc->pos].end;
    }
    return sc->latest <= ws;
}

int
avail_units_free(struct avail_units *u, int64_t location_id, int64_t ws, int64_t we)
{
    const struct avail_resource *r;
    size_t i, k = 0, here = 0;
    int unit, found, ok = 1;

    if (u->needs == NULL || u->needs->n == 0)
        return 1;
    /* Every unit is moved forward, free or not, so none falls behind. */
    for (i = 0; i < u->needs->n; i++) {
        r = &u->needs->resources[i];
        found = 0;
        for (unit = 1; unit <= r->quantity; unit++, k++)
            found |= unit_free(&u->scan[k], r, ws, we);
        if (r->location_id != location_id)
            continue;
        here++;
        ok &= found;
    }
    return ok && here > 0;
}

/* Whether unit of r is free over [ws, we), by a plain look at its uses. */
static int
unit_free_once(const struct avail_resource *r, int unit, int64_t ws, int64_t we)
{
    size_t j;

    for (j = 0; j < r->n_uses; j++) {
        if (r->uses[j].unit == unit && r->uses[j].start < we && r->uses[j].end > ws)
            return 0;
    }
    return 1;
}

int
avail_units_pick(const struct avail_needs *needs, int64_t location_id, int64_t ws, int64_t we,
                 int *units)
{
    const struct avail_resource *r;
    size_t i, here = 0;
    int unit;

    for (i = 0; needs && i < needs->n; i++) {
        r = &needs->resources[i];
        units[i] = 0;
        if (r->location_id != location_id)
            continue;
        here++;
        for (unit = 1; unit <= r->quantity && !units[i]; unit++) {
            if (unit_free_once(r, unit, ws, we))
                units[i] = unit;
        }
        if (!units[i])
            return ERR_CONFLICT;
    }
    return needs == NULL || needs->n == 0 || here > 0 ? ERR_OK : ERR_CONFLICT;
}

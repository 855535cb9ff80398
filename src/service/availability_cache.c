#include "service/availability_cache.h"

#include "service/schedule.h"
#include "store/store.h"
#include "util/err.h"

#define AVAIL_KEEP_MAX_S 86400

int
availability_version(const struct svc *s, const char *holder, uint64_t *version, int *own)
{
    int n = 0, rc = store_avail_version(s->db, holder, s->now, version, &n);

    *own = n > 0;
    return rc;
}

static int64_t
earlier(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

int
availability_valid_until(const struct svc *s, const struct availability_request *r,
                         const struct avail_result *res, int64_t *until)
{
    struct sched_settings settings;
    int64_t next_expiry = 0, lo_gap;
    size_t i;
    int rc = sched_settings_load(s, &settings);

    *until = s->now + AVAIL_KEEP_MAX_S;
    if (rc == ERR_OK)
        rc = store_holds_next_expiry(s->db, s->now, &next_expiry);
    if (rc != ERR_OK)
        return rc;
    if (next_expiry > 0)
        *until = earlier(*until, next_expiry);
    /* A slot at t is offered while now + notice <= t (the engine's window). */
    lo_gap = settings.min_notice_min > 0 ? (int64_t)settings.min_notice_min * 60 : 0;
    for (i = 0; i < res->n; i++)
        *until = earlier(*until, res->slots[i].start - lo_gap + 1);
    /* A start t beyond the advance comes in when now reaches t - advance,
     * a whole minute (grids and zone offsets are whole minutes): the next
     * one after now is the soonest that can happen. The range's last local
     * day ends before (to_day + 2) days in UTC. */
    if (settings.max_advance_days > 0 &&
        (r->to_day + 2) * 86400 > s->now + (int64_t)settings.max_advance_days * 86400)
        *until = earlier(*until, (s->now / 60 + 1) * 60);
    if (*until <= s->now)
        *until = s->now; /* already stale: kept for no time at all */
    return ERR_OK;
}

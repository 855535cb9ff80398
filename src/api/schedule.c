#include "api/schedule.h"

#include "api/app.h"
#include "api/input.h"
#include "util/err.h"

int
query_days(struct http_req *req, int64_t *from, int64_t *to)
{
    struct svc s = api_svc(req);
    const struct tz_zone *zone;
    int64_t first = 0, last = 0;
    int bad = 0, rc;

    bad |= query_date(req, "from", 0, &first) != ERR_OK;
    bad |= query_date(req, "to", 0, &last) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = sched_org_zone(&s, &zone);
    if (rc != ERR_OK)
        return rc;
    *from = http_query(req, "from") ? sched_day_start(zone, first) : 0;
    *to = http_query(req, "to") ? sched_day_start(zone, last + 1) : 0;
    return ERR_OK;
}

/* The general ledger as the API shows it: journal entries and accounts. */
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/money.h"
#include "api/schedule.h"
#include "core/civil.h"
#include "util/err.h"

static int
entry_render(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc = sched_org_zone(&sv, &zone);

    if (rc == ERR_OK)
        json_object_set_new(
            row, "posted_at",
            sched_time_json(json_integer_value(json_object_get(row, "posted_at")), zone));
    return rc;
}

int
api_journal_list(struct http_req *req, struct http_resp *resp)
{
    char from[CIVIL_DATE_LEN], to[CIVIL_DATE_LEN];
    int64_t first = 0, last = 0, after_id = 0;
    json_t *items = NULL;
    int limit, bad = 0, rc;

    bad |= query_date(req, "from", 0, &first) != ERR_OK;
    bad |= query_date(req, "to", 0, &last) != ERR_OK;
    bad |= query_page(req, &limit, &after_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    civil_format_date(first, from);
    civil_format_date(last, to);
    rc = store_journal_list(req->db, http_query(req, "from") ? from : NULL,
                            http_query(req, "to") ? to : NULL, after_id, limit, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, limit, entry_render);
}

int
api_ledger_accounts(struct http_req *req, struct http_resp *resp)
{
    json_t *items = NULL;
    int rc = store_ledger_accounts(req->db, &items);

    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

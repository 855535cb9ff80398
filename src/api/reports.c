/* Money reports at the API: GET /reports/takings and /reports/receivables. */
#include "api/app.h"
#include "api/money.h"
#include "api/schedule.h"
#include "service/reports.h"
#include "util/err.h"

int
api_report_takings(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t from = 0, to = 0;
    json_t *out = NULL;
    int rc = query_days(req, &from, &to);

    if (rc == ERR_OK && (!from || !to || to <= from))
        rc = http_field_error(req, "from", "from and to are both needed, from first");
    if (rc == ERR_OK)
        rc = reports_takings(&sv, from, to, &out);
    if (rc != ERR_OK)
        return rc;
    json_object_set_new(out, "from", json_string(http_query(req, "from")));
    json_object_set_new(out, "to", json_string(http_query(req, "to")));
    return http_reply_json(resp, 200, out);
}

int
api_report_receivables(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = reports_receivables(&sv, &out);

    return rc == ERR_OK ? http_reply_json(resp, 200, out) : rc;
}

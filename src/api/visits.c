/* Visits and attendance at the API: thin handlers over service/visits.c. */
#include <string.h>

#include "api/app.h"
#include "api/booking_rows.h"
#include "api/input.h"
#include "api/schedule.h"
#include "api/visits.h"
#include "service/payments.h"
#include "service/visits.h"
#include "util/err.h"

static int
one_of(const char *v, const char *const *choices)
{
    size_t i;

    for (i = 0; choices[i]; i++) {
        if (strcmp(v, choices[i]) == 0)
            return 1;
    }
    return 0;
}

int
visits_read_attendance(struct http_req *req, const char **attendance)
{
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = in_text(req, "attendance", 1, 16, attendance);
    if (rc == ERR_OK && !one_of(*attendance, visits_attendances))
        rc = http_field_error(req, "attendance",
                              "must be \"pending\", \"confirmed\", \"arrived\" or \"no_show\"");
    return rc;
}

int
api_bookings_attendance(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *attendance = NULL;
    int rc = visits_read_attendance(req, &attendance);

    if (rc == ERR_OK)
        rc = visits_item_attendance(&sv, "booking", req->ids[0], attendance);
    return rc == ERR_OK ? booking_reply(req, resp, req->ids[0], 200) : rc;
}

static int
reply_visit(struct http_req *req, struct http_resp *resp, int64_t id, int status, json_t *payments)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = visits_get(&sv, id, &out);

    if (rc == ERR_OK && payments)
        rc = json_object_set(out, "payments", payments) ? ERR_NOMEM : ERR_OK;
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, status, out);
        out = NULL;
    }
    json_decref(out);
    return rc;
}

int
api_visits_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t day = 0, location_id = 0, patient_id = 0;
    json_t *out = NULL;
    int bad = 0, rc;

    bad |= query_date(req, "date", 1, &day) != ERR_OK;
    bad |= query_int(req, "location_id", 1, INT64_MAX, &location_id) != ERR_OK;
    bad |= query_int(req, "patient_id", 1, INT64_MAX, &patient_id) != ERR_OK;
    rc = bad ? ERR_INVALID : visits_list(&sv, day, location_id, patient_id, &out);
    return rc == ERR_OK ? http_reply_json(resp, 200, out) : rc;
}

int
api_visits_get(struct http_req *req, struct http_resp *resp)
{
    return reply_visit(req, resp, req->ids[0], 200, NULL);
}

int
api_visits_attendance(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *attendance = NULL;
    int rc = visits_read_attendance(req, &attendance);

    if (rc == ERR_OK)
        rc = visits_set_attendance(&sv, req->ids[0], attendance);
    return rc == ERR_OK ? reply_visit(req, resp, req->ids[0], 200, NULL) : rc;
}

int
api_visits_payments(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    const char *method = NULL;
    int64_t amount = 0;
    json_t *payments = NULL;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "amount", 1, 1, INT64_MAX / 4, &amount) != ERR_OK;
    if (in_text(req, "method", 1, 16, &method) != ERR_OK)
        bad = 1;
    else if (!one_of(method, payments_desk_methods))
        bad |= http_field_error(req, "method", "must be \"cash\", \"card\" or \"bank_transfer\"") !=
               ERR_OK;
    rc = bad ? ERR_INVALID : visits_pay(&sv, req->ids[0], amount, method, &payments);
    if (rc == ERR_OK)
        rc = reply_visit(req, resp, req->ids[0], 201, payments);
    json_decref(payments);
    return rc;
}

int
api_report_attendance(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t from = 0, to = 0;
    json_t *out = NULL;
    int rc = query_days(req, &from, &to);

    if (rc == ERR_OK && (!from || !to || to <= from))
        rc = http_field_error(req, "from", "from and to are both needed, from first");
    if (rc == ERR_OK)
        rc = visits_report(&sv, from, to, &out);
    if (rc != ERR_OK)
        return rc;
    json_object_set_new(out, "from", json_string(http_query(req, "from")));
    json_object_set_new(out, "to", json_string(http_query(req, "to")));
    return http_reply_json(resp, 200, out);
}

/* Packages at the API: parse, authorise, call service/packages.h,
 * render. Visitors and patients see only packages offered online. */
#include "api/packages.h"

#include <string.h>

#include "api/app.h"
#include "api/booking_rows.h"
#include "api/input.h"
#include "service/packages.h"
#include "util/err.h"

static int
public_only(const struct http_req *req)
{
    return !(req->auth.role & (HTTP_ROLE_STAFF | HTTP_ROLE_ADMIN));
}

static int
reply_package(struct http_req *req, struct http_resp *resp, int64_t id, int status)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = packages_get(&sv, id, public_only(req), &out);

    return rc == ERR_OK ? http_reply_json(resp, status, out) : rc;
}

int
api_packages_list(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *items = NULL;
    int64_t after_id = 0;
    int limit = 50, rc = query_page(req, &limit, &after_id);

    if (rc == ERR_OK)
        rc = packages_list(&sv, public_only(req), !public_only(req), after_id, limit, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_page(resp, items, limit);
}

static int
save(struct http_req *req, struct http_resp *resp, int64_t id)
{
    struct svc sv = api_svc(req);
    int64_t out_id = 0;
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = packages_save(&sv, id, req->json, &out_id);
    return rc == ERR_OK ? reply_package(req, resp, out_id, id ? 200 : 201) : rc;
}

int
api_packages_create(struct http_req *req, struct http_resp *resp)
{
    return save(req, resp, 0);
}

int
api_packages_update(struct http_req *req, struct http_resp *resp)
{
    return save(req, resp, req->ids[0]);
}

int
api_packages_get(struct http_req *req, struct http_resp *resp)
{
    return reply_package(req, resp, req->ids[0], 200);
}

/* Sold packages keep their definition: DELETE archives it. */
int
api_packages_archive(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *body = json_pack("{s:b}", "archived", 1);
    int64_t id = 0;
    int rc = body ? packages_save(&sv, req->ids[0], body, &id) : ERR_NOMEM;

    json_decref(body);
    return rc == ERR_OK ? reply_package(req, resp, id, 200) : rc;
}

static int
reply_sold(struct http_req *req, struct http_resp *resp, int64_t id, int status)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int64_t only = req->auth.role == HTTP_ROLE_PATIENT ? req->auth.patient_id : 0;
    int rc = packages_patient_get(&sv, id, only, &out);

    return rc == ERR_OK ? http_reply_json(resp, status, out) : rc;
}

static int
sell(struct http_req *req, struct http_resp *resp, int64_t patient_id, int online)
{
    struct svc sv = api_svc(req);
    struct package_sale in = {0, patient_id, online, 0};
    const char *pay = NULL;
    int64_t id = 0;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "package_id", 1, 1, INT64_MAX, &in.package_id) != ERR_OK;
    bad |= in_text(req, "pay", 0, 8, &pay) != ERR_OK;
    if (!bad && pay && strcmp(pay, "now") != 0 && strcmp(pay, "skip") != 0)
        return http_field_error(req, "pay", "must be \"now\" or \"skip\"");
    if (bad)
        return ERR_INVALID;
    in.pay_now = pay && strcmp(pay, "now") == 0;
    rc = packages_sell(&sv, &in, &id);
    return rc == ERR_OK ? reply_sold(req, resp, id, 201) : rc;
}

int
api_patient_packages_sell(struct http_req *req, struct http_resp *resp)
{
    return sell(req, resp, req->ids[0], 0);
}

int
api_me_packages_buy(struct http_req *req, struct http_resp *resp)
{
    return sell(req, resp, req->auth.patient_id, 1);
}

static int
list_sold(struct http_req *req, struct http_resp *resp, int64_t patient_id)
{
    struct svc sv = api_svc(req);
    json_t *items = NULL;
    int rc = packages_patient_list(&sv, patient_id, &items);

    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_json(resp, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int
api_patient_packages_list(struct http_req *req, struct http_resp *resp)
{
    return list_sold(req, resp, req->ids[0]);
}

int
api_me_packages_list(struct http_req *req, struct http_resp *resp)
{
    return list_sold(req, resp, req->auth.patient_id);
}

int
api_patient_package_get(struct http_req *req, struct http_resp *resp)
{
    return reply_sold(req, resp, req->ids[0], 200);
}

int
api_invoice_line_book(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t staff_id = 0, start = 0, booking_id = 0;
    json_t *out = NULL;
    int check_only = 0, bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "staff_id", 1, 1, INT64_MAX, &staff_id) != ERR_OK;
    bad |= in_time(req, "start", 1, &start) != ERR_OK;
    bad |= in_bool(req, "check_only", &check_only) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = packages_line_book(&sv, req->ids[0], req->ids[1], staff_id, start, check_only, &out,
                            &booking_id);
    if (rc != ERR_OK)
        return rc;
    return check_only ? http_reply_json(resp, 200, out) : booking_reply(req, resp, booking_id, 201);
}

int
api_invoice_line_unlink(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int rc = packages_line_unlink(&sv, req->ids[0], req->ids[1]);

    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:b}", "unlinked", 1)) : rc;
}

int
api_report_package_liability(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = packages_liability(&sv, &out);

    return rc == ERR_OK ? http_reply_json(resp, 200, out) : rc;
}

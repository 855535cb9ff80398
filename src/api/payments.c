/* Payments staff act on: confirming or rejecting online payments, and
 * refunds of what a cancelled booking's invoice owes the patient. */
#include <string.h>

#include "service/billing.h"
#include "api/app.h"
#include "api/input.h"
#include "api/money.h"
#include "api/schedule.h"
#include "util/err.h"

static int
payment_render(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    int rc = sched_org_zone(&sv, &zone);

    if (rc == ERR_OK)
        money_render_times(row, zone);
    return rc;
}

int
api_payments_list(struct http_req *req, struct http_resp *resp)
{
    const char *status = http_query(req, "status");
    json_t *items = NULL;
    int64_t after_id = 0;
    int limit, rc;

    if (status && strlen(status) > 16)
        return http_field_error(req, "status", "is too long");
    rc = query_page(req, &limit, &after_id);
    if (rc == ERR_OK)
        rc = store_payment_list(req->db, status, after_id, limit, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, limit, payment_render);
}

static int
decide(struct http_req *req, struct http_resp *resp, int confirm)
{
    struct svc sv = api_svc(req);
    struct billing_ctx b;
    int rc = store_begin(req->db, 1);

    if (rc != ERR_OK)
        return rc;
    rc = billing_ctx_init(&sv, &b);
    if (rc == ERR_OK)
        rc = billing_payment_decide(&b, req->ids[0], confirm);
    if (rc == ERR_OK && confirm)
        rc = money_announce_confirmed(req, req->ids[0]);
    if (rc == ERR_NOT_FOUND)
        http_fail(req, rc, "no such payment");
    else if (rc == ERR_CONFLICT)
        http_fail(req, rc, "the payment was already confirmed or rejected");
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        return rc;
    }
    return money_payment_reply(req, resp, req->ids[0], 200);
}

int
api_payments_confirm(struct http_req *req, struct http_resp *resp)
{
    return decide(req, resp, 1);
}

int
api_payments_reject(struct http_req *req, struct http_resp *resp)
{
    return decide(req, resp, 0);
}

static int
read_refund(struct http_req *req, const struct store_invoice *inv, int64_t *amount,
            const char **method)
{
    int64_t owed = inv->credited ? inv->paid - inv->refunded : 0;
    int bad = 0;

    if (owed <= 0)
        return http_fail(req, ERR_CONFLICT, "nothing is owed back on this invoice");
    *amount = owed;
    bad |= in_int(req, "amount", 0, 1, owed, amount) != ERR_OK;
    bad |= in_text(req, "method", 1, 16, method) != ERR_OK;
    if (!bad && !ledger_method_account(*method))
        return http_field_error(req, "method", "must be cash, card, bank_transfer or online");
    return bad ? ERR_INVALID : ERR_OK;
}

static int
make_refund(struct http_req *req, struct store_invoice *inv, int64_t *id)
{
    struct svc sv = api_svc(req);
    struct billing_ctx b;
    const char *method = NULL;
    int64_t amount = 0;
    int rc = read_refund(req, inv, &amount, &method);

    if (rc == ERR_OK)
        rc = billing_ctx_init(&sv, &b);
    if (rc == ERR_OK)
        rc = billing_refund(&b, inv, method, amount, id);
    return rc;
}

int
api_invoice_refunds_create(struct http_req *req, struct http_resp *resp)
{
    return money_invoice_write(req, resp, make_refund);
}

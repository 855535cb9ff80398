/* Payments staff act on: confirming or rejecting online payments, and
 * refunds of what a cancelled booking's invoice owes the patient. */
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/money.h"
#include "api/schedule.h"
#include "service/payment_checkout.h"
#include "service/payments.h"
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
    int rc = payments_decide(&sv, req->ids[0], confirm);

    return rc == ERR_OK ? money_payment_reply(req, resp, req->ids[0], 200) : rc;
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
    struct svc sv = api_svc(req);
    int bad = 0, rc = payments_owed_back(&sv, inv, amount);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "amount", 0, 1, *amount, amount) != ERR_OK;
    bad |= in_text(req, "method", 1, 16, method) != ERR_OK;
    if (!bad && !ledger_method_account(*method))
        return http_field_error(req, "method", "must be cash, card, bank_transfer or online");
    return bad ? ERR_INVALID : ERR_OK;
}

static int
make_refund(struct http_req *req, struct store_invoice *inv, int64_t *id)
{
    struct svc sv = api_svc(req);
    const char *method = NULL;
    int64_t amount = 0;
    int rc = read_refund(req, inv, &amount, &method);

    return rc == ERR_OK ? payments_refund(&sv, inv, method, amount, id) : rc;
}

int
api_invoice_refunds_create(struct http_req *req, struct http_resp *resp)
{
    return money_invoice_write(req, resp, make_refund);
}

/* Sends the patient to the card gateway for a pending card payment: a new
 * session each time, so a patient who came back without paying can try
 * again. A patient reaches only their own payments. */
int
api_payments_checkout(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t patient = req->auth.role == HTTP_ROLE_PATIENT ? req->auth.patient_id : 0;
    char redirect[1024];
    int rc;

    if (!req->app->net)
        return http_fail(req, ERR_CONFLICT, "card payments are not available on this server");
    rc = pay_checkout_session(&sv, req->app->net, req->ids[0], patient, redirect, sizeof(redirect));
    if (rc != ERR_OK)
        return rc;
    return http_reply_json(
        resp, 201,
        json_pack("{s:I, s:s}", "payment_id", (json_int_t)req->ids[0], "redirect_url", redirect));
}

/* The card gateway's webhook: no login, the signature is the proof. */
int
api_payments_checkout_webhook(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int rc = pay_checkout_webhook(&sv, http_header(req, "Stripe-Signature"), req->body.data,
                                  req->body.len);

    return rc == ERR_OK ? http_reply_json(resp, 200, json_pack("{s:b}", "received", 1)) : rc;
}

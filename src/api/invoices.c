/* Invoices: reading them, and paying or refunding against them. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/input.h"
#include "api/money.h"
#include "api/resource.h"
#include "api/schedule.h"
#include "service/payments.h"
#include "util/err.h"

/* Patients see their own invoices, and only when the clinic shares them. */
static int
patient_may_view(struct http_req *req, int64_t patient_id)
{
    json_t *row = NULL;
    int rc;

    if (req->auth.role != HTTP_ROLE_PATIENT)
        return ERR_OK;
    if (patient_id != req->auth.patient_id)
        return http_fail(req, ERR_NOT_FOUND, "no such invoice");
    rc = store_row_get(req->db, &setup_patients.table, patient_id, &row);
    if (rc == ERR_OK && !json_is_true(json_object_get(row, "can_view_invoices")))
        rc = http_fail(req, ERR_FORBIDDEN, "the clinic does not show invoices online; ask them");
    json_decref(row);
    return rc;
}

int
money_invoice_load(struct http_req *req, int64_t id, struct store_invoice *inv)
{
    int rc = store_invoice_get(req->db, id, inv);

    if (rc == ERR_NOT_FOUND)
        return http_fail(req, rc, "no such invoice");
    return rc == ERR_OK ? patient_may_view(req, inv->patient_id) : rc;
}

static void
render_time(json_t *row, const char *key, const struct tz_zone *zone)
{
    json_t *v = json_object_get(row, key);

    if (json_is_integer(v))
        json_object_set_new(row, key, sched_time_json(json_integer_value(v), zone));
}

void
money_render_times(json_t *payment, const struct tz_zone *zone)
{
    render_time(payment, "created_at", zone);
    render_time(payment, "decided_at", zone);
}

/* Times in the organisation's zone; the patient as {id, name}. */
static int
invoice_render(struct http_req *req, json_t *row)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *p;
    size_t i;
    int rc = sched_org_zone(&sv, &zone);

    if (rc != ERR_OK)
        return rc;
    render_time(row, "issued_at", zone);
    json_array_foreach(json_object_get(row, "payments"), i, p)
    {
        money_render_times(p, zone);
    }
    json_array_foreach(json_object_get(row, "lines"), i, p)
    {
        json_object_set_new(p, "tax_inclusive",
                            json_boolean(json_integer_value(json_object_get(p, "tax_inclusive"))));
    }
    json_object_set_new(row, "patient",
                        json_pack("{s:O, s:O}", "id", json_object_get(row, "patient_id"), "name",
                                  json_object_get(row, "patient_name")));
    json_object_del(row, "patient_name");
    return ERR_OK;
}

int
money_invoice_json(struct http_req *req, int64_t id, json_t **out)
{
    int rc = store_invoice_json(req->db, id, out);

    if (rc == ERR_OK)
        rc = invoice_render(req, *out);
    return rc;
}

int
money_invoice_reply(struct http_req *req, struct http_resp *resp, int64_t id, int status)
{
    json_t *row = NULL;
    int rc = money_invoice_json(req, id, &row);

    if (rc == ERR_OK) {
        rc = http_reply_json(resp, status, row);
        row = NULL;
    }
    json_decref(row);
    return rc;
}

int
api_invoices_get(struct http_req *req, struct http_resp *resp)
{
    struct store_invoice inv;
    int rc = money_invoice_load(req, req->ids[0], &inv);

    return rc == ERR_OK ? money_invoice_reply(req, resp, inv.id, 200) : rc;
}

static int
list_invoices(struct http_req *req, struct http_resp *resp, int64_t patient_id)
{
    struct store_invoice_filter f = {0};
    json_t *items = NULL;
    int64_t owed = 0;
    int bad = 0, rc;

    f.patient_id = patient_id;
    if (!patient_id)
        bad |= query_int(req, "patient_id", 1, INT64_MAX, &f.patient_id) != ERR_OK;
    bad |= query_page(req, &f.limit, &f.after_id) != ERR_OK;
    bad |= query_int(req, "credit_owed", 0, 1, &owed) != ERR_OK;
    f.credit_owed = (int)owed;
    f.status = http_query(req, "status");
    if (f.status && strlen(f.status) > 16)
        bad |= http_field_error(req, "status", "is too long") != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = store_invoice_list(req->db, &f, &items);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    return http_reply_rendered_page(req, resp, items, f.limit, invoice_render);
}

int
api_invoices_list(struct http_req *req, struct http_resp *resp)
{
    return list_invoices(req, resp, 0);
}

int
api_me_invoices(struct http_req *req, struct http_resp *resp)
{
    int rc = patient_may_view(req, req->auth.patient_id);

    return rc == ERR_OK ? list_invoices(req, resp, req->auth.patient_id) : rc;
}

static int
read_choice(struct http_req *req, const char *field, const char *const *choices, const char **out)
{
    size_t i;
    int rc = in_text(req, field, 1, 32, out);

    for (i = 0; rc == ERR_OK && choices[i]; i++) {
        if (strcmp(*out, choices[i]) == 0)
            return ERR_OK;
    }
    return rc == ERR_OK ? http_field_error(req, field, "is not a method this clinic takes") : rc;
}

/* Staff take money at the desk; patients pay online, when the clinic
 * offers it, and that payment waits for staff to confirm it. */
static int
read_payment(struct http_req *req, const struct store_invoice *inv, int64_t *amount,
             const char **method)
{
    *method = NULL;
    struct svc sv = api_svc(req);
    int bad = 0, rc = payments_due(&sv, inv, amount);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "amount", 0, 1, *amount, amount) != ERR_OK;
    if (req->auth.role == HTTP_ROLE_PATIENT) {
        rc = payments_online_offered(&sv);
        if (rc != ERR_OK)
            return rc;
        /* How the patient pays: one of the clinic's payment_methods. */
        bad |= in_text(req, "method", 0, 16, method) != ERR_OK;
        rc = bad ? ERR_OK : payments_method_check(&sv, "method", *method);
        if (rc != ERR_OK)
            return rc;
    } else {
        bad |= read_choice(req, "method", payments_desk_methods, method) != ERR_OK;
    }
    return bad ? ERR_INVALID : ERR_OK;
}

int
money_invoice_write(struct http_req *req, struct http_resp *resp, money_invoice_act act)
{
    struct store_invoice inv;
    int64_t payment_id = 0;
    int rc = http_body_object(req);

    if (rc == ERR_OK)
        rc = store_begin(req->db, 1);
    if (rc != ERR_OK)
        return rc;
    rc = money_invoice_load(req, req->ids[0], &inv);
    if (rc == ERR_OK)
        rc = act(req, &inv, &payment_id);
    if (rc == ERR_OK)
        rc = store_commit(req->db);
    if (rc != ERR_OK) {
        store_rollback(req->db);
        return rc;
    }
    return money_payment_reply(req, resp, payment_id, 201);
}

static int
take_payment(struct http_req *req, struct store_invoice *inv, int64_t *id)
{
    struct svc sv = api_svc(req);
    const char *method = NULL;
    int64_t amount = 0;
    int rc = read_payment(req, inv, &amount, &method);

    if (rc != ERR_OK)
        return rc;
    if (req->auth.role == HTTP_ROLE_PATIENT)
        return payments_online(&sv, inv->id, amount, method, id);
    return payments_at_desk(&sv, inv, amount, method, id);
}

int
api_invoice_payments_create(struct http_req *req, struct http_resp *resp)
{
    return money_invoice_write(req, resp, take_payment);
}

int
money_payment_reply(struct http_req *req, struct http_resp *resp, int64_t payment_id, int status)
{
    struct store_payment p;
    json_t *invoice = NULL, *out = NULL;
    int rc = store_payment_get(req->db, payment_id, &p);

    if (rc == ERR_OK)
        rc = store_invoice_json(req->db, p.invoice_id, &invoice);
    if (rc == ERR_OK)
        rc = invoice_render(req, invoice);
    if (rc == ERR_OK) {
        out = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)p.id,
                        "invoice_id", (json_int_t)p.invoice_id, "kind", p.kind, "amount",
                        (json_int_t)p.amount, "method", p.method, "provider", p.provider, "status",
                        p.status, "invoice", invoice);
        invoice = NULL;
        rc = out ? http_reply_json(resp, status, out) : ERR_NOMEM;
    }
    json_decref(invoice);
    return rc;
}

/* Money endpoints: invoices, payments, the ledger and the reports. */
#ifndef CHAIRSIDE_API_MONEY_H
#define CHAIRSIDE_API_MONEY_H

#include "core/tz.h"
#include "http/http.h"
#include "store/store.h"

int api_invoices_list(struct http_req *req, struct http_resp *resp);
int api_invoices_get(struct http_req *req, struct http_resp *resp);
int api_me_invoices(struct http_req *req, struct http_resp *resp);
int api_invoice_payments_create(struct http_req *req, struct http_resp *resp);
int api_invoice_refunds_create(struct http_req *req, struct http_resp *resp);
int api_payments_list(struct http_req *req, struct http_resp *resp);
int api_payments_confirm(struct http_req *req, struct http_resp *resp);
int api_payments_reject(struct http_req *req, struct http_resp *resp);
/* POST /payments/{id}/checkout: a card gateway session for a pending card
 * payment -> 201 {payment_id, redirect_url}. */
int api_payments_checkout(struct http_req *req, struct http_resp *resp);
/* POST /payment-webhooks/checkout: the card gateway's signed event. */
int api_payments_checkout_webhook(struct http_req *req, struct http_resp *resp);
int api_journal_list(struct http_req *req, struct http_resp *resp);
int api_ledger_accounts(struct http_req *req, struct http_resp *resp);
int api_report_takings(struct http_req *req, struct http_resp *resp);
int api_report_receivables(struct http_req *req, struct http_resp *resp);

/* {id, invoice_id, kind, amount, method, provider, status, invoice}. */
int money_payment_reply(struct http_req *req, struct http_resp *resp, int64_t payment_id,
                        int status);
/* What a write on an invoice does inside its transaction; it leaves the
 * payment (or refund) it made in *payment_id. */
typedef int (*money_invoice_act)(struct http_req *req, struct store_invoice *inv,
                                 int64_t *payment_id);
/* Loads the path's invoice in a write transaction, runs act, commits, and
 * answers 201 with the payment act made. */
int money_invoice_write(struct http_req *req, struct http_resp *resp, money_invoice_act act);
/* A payment's created_at and decided_at as RFC 3339 in zone. */
void money_render_times(json_t *payment, const struct tz_zone *zone);
/* The invoice as GET /invoices/{id} shows it; *out owned by the caller
 * (NULL unless ERR_OK). */
int money_invoice_json(struct http_req *req, int64_t id, json_t **out);
/* Answers status with the invoice as GET /invoices/{id} shows it. */
int money_invoice_reply(struct http_req *req, struct http_resp *resp, int64_t id, int status);
/* Loads an invoice the caller may see (404 / 403 problems otherwise). */
int money_invoice_load(struct http_req *req, int64_t id, struct store_invoice *inv);

#endif

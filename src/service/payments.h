/* Payments against invoices: online through the clinic's provider, at the
 * desk, staff deciding on pending online payments, and refunds. Each money
 * change goes through billing, so its journal entry commits with it. */
#ifndef CHAIRSIDE_SERVICE_PAYMENTS_H
#define CHAIRSIDE_SERVICE_PAYMENTS_H

#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

/* What staff take at the desk, NULL-terminated. */
extern const char *const payments_desk_methods[];

/* What can still be paid on inv now: its balance less what waits for
 * confirmation. ERR_CONFLICT (with a problem) when nothing is left. */
int payments_due(const struct svc *s, const struct store_invoice *inv, int64_t *due);
/* ERR_FORBIDDEN (with a problem) when the clinic takes no payments online. */
int payments_online_offered(const struct svc *s);
/* 1 when the comma-separated list has method. */
int payments_method_listed(const char *list, const char *method);
/* A field error on field unless method is one the clinic lets patients pay
 * online by (settings.payment_methods); NULL method is the clinic's first
 * one, or its payment_provider when it lists none. */
int payments_method_check(const struct svc *s, const char *field, const char *method);
/* Starts the patient's online payment of amount (0: all that is due) on
 * invoice_id by method (as payments_method_check allows) through that
 * method's provider, inside the caller's write transaction. *payment_id is
 * 0 when nothing was due. */
int payments_online(const struct svc *s, int64_t invoice_id, int64_t amount, const char *method,
                    int64_t *payment_id);
/* The card gateway's word that the payment it knows by reference was paid
 * (amount in minor units): confirms it once, in its own write transaction;
 * a payment already confirmed is left as it is. ERR_NOT_FOUND when no
 * payment has that reference, ERR_INVALID when the amount differs. */
int payments_gateway_paid(const struct svc *s, const char *provider, const char *reference,
                          int64_t amount);
/* Money taken at the desk by method: confirmed at once, posted, and
 * announced to webhooks, inside the caller's write transaction. */
int payments_at_desk(const struct svc *s, struct store_invoice *inv, int64_t amount,
                     const char *method, int64_t *payment_id);
/* Confirms (posting and announcing it) or rejects a pending payment, in
 * its own write transaction. */
int payments_decide(const struct svc *s, int64_t payment_id, int confirm);
/* What a cancelled, paid invoice still owes the patient. ERR_CONFLICT
 * (with a problem) when nothing. */
int payments_owed_back(const struct svc *s, const struct store_invoice *inv, int64_t *owed);
/* Pays amount of it back by method, inside the caller's write transaction. */
int payments_refund(const struct svc *s, struct store_invoice *inv, const char *method,
                    int64_t amount, int64_t *payment_id);

#endif

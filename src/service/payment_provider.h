/* Online payment providers. A provider starts a patient's online payment;
 * invoices and the ledger only ever see the payment it leaves behind, so a
 * card gateway is one more entry in the provider table, nothing else.
 *
 * What the patient picks (settings.payment_methods) names a provider:
 * "bank_transfer" waits for the money with a reference on the transfer,
 * "card" goes through a Checkout-style gateway (service/payment_checkout.h)
 * whose signed webhook confirms it; "desk" is no online payment at all. */
#ifndef CHAIRSIDE_SERVICE_PAYMENT_PROVIDER_H
#define CHAIRSIDE_SERVICE_PAYMENT_PROVIDER_H

#include <stdint.h>

struct pay_request {
    int64_t invoice_id;
    int64_t amount;
    const char *currency;
};

struct pay_started {
    char status[16];    /* "pending" until confirmed, or "confirmed" */
    char reference[64]; /* the provider's id for the payment; empty until it has one */
};

struct pay_provider {
    const char *name;
    const char *method; /* what payments.method records */
    int (*start)(const struct pay_request *r, struct pay_started *out);
};

/* NULL when no provider has that name. */
const struct pay_provider *pay_provider_find(const char *name);
/* The provider of a method a patient may pick ("bank_transfer", "card");
 * NULL for any other. */
const struct pay_provider *pay_provider_for_method(const char *method);
/* NULL-terminated names, for the settings choice. */
extern const char *const pay_provider_names[];
/* What payment_methods may list, NULL-terminated. */
extern const char *const pay_method_names[];

#define PAY_CHECKOUT "checkout" /* the card gateway's provider name */

#endif

/* Online payment providers. A provider starts a patient's online payment;
 * invoices and the ledger only ever see the payment it leaves behind, so a
 * card gateway is one more entry in the provider table, nothing else. */
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
    char reference[64]; /* the provider's id for the payment */
    char redirect[256]; /* where to send the patient to pay; empty when none */
};

struct pay_provider {
    const char *name;
    int (*start)(const struct pay_request *r, struct pay_started *out);
};

/* NULL when no provider has that name. */
const struct pay_provider *pay_provider_find(const char *name);
/* NULL-terminated names, for the settings choice. */
extern const char *const pay_provider_names[];

#endif

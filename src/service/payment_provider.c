/* The payment providers Chairside knows. */
#include <stdio.h>
#include <string.h>

#include "service/payment_provider.h"
#include "util/err.h"

static int
pending(struct pay_started *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->status, sizeof(out->status), "pending");
    return ERR_OK;
}

/* Manual: the patient pays by the clinic's own means (a bank transfer, a
 * card terminal link) and staff confirm once the money has arrived. */
static int
manual_start(const struct pay_request *r, struct pay_started *out)
{
    pending(out);
    snprintf(out->reference, sizeof(out->reference), "manual-%lld", (long long)r->invoice_id);
    return ERR_OK;
}

/* Bank transfer: the reference is what the patient writes on the transfer,
 * so staff can tell which invoice the money on the statement pays. */
static int
bank_transfer_start(const struct pay_request *r, struct pay_started *out)
{
    pending(out);
    snprintf(out->reference, sizeof(out->reference), "CS-%lld", (long long)r->invoice_id);
    return ERR_OK;
}

/* Card: pending until the gateway's signed webhook says the session was
 * paid; the session (and so the reference) is made when the patient goes
 * to pay, outside the booking's transaction (service/payment_checkout.c). */
static int
checkout_start(const struct pay_request *r, struct pay_started *out)
{
    (void)r;
    return pending(out);
}

static const struct pay_provider providers[] = {
    {"manual", "online", manual_start},
    {"bank_transfer", "bank_transfer", bank_transfer_start},
    {PAY_CHECKOUT, "card", checkout_start},
};

const char *const pay_provider_names[] = {"manual", "bank_transfer", PAY_CHECKOUT, NULL};
const char *const pay_method_names[] = {"bank_transfer", "card", "desk", NULL};

const struct pay_provider *
pay_provider_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
        if (strcmp(providers[i].name, name) == 0)
            return &providers[i];
    }
    return NULL;
}

const struct pay_provider *
pay_provider_for_method(const char *method)
{
    if (strcmp(method, "bank_transfer") == 0)
        return pay_provider_find("bank_transfer");
    if (strcmp(method, "card") == 0)
        return pay_provider_find(PAY_CHECKOUT);
    return NULL;
}

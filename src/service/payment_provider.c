/* The payment providers Chairside knows. */
#include <stdio.h>
#include <string.h>

#include "service/payment_provider.h"
#include "util/err.h"

/* Manual: the patient pays by the clinic's own means (a bank transfer, a
 * card terminal link) and staff confirm once the money has arrived. */
static int
manual_start(const struct pay_request *r, struct pay_started *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->status, sizeof(out->status), "pending");
    snprintf(out->reference, sizeof(out->reference), "manual-%lld", (long long)r->invoice_id);
    return ERR_OK;
}

static const struct pay_provider providers[] = {
    {"manual", manual_start},
};

const char *const pay_provider_names[] = {"manual", NULL};

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

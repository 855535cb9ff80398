#include "service/payments.h"

#include <stdio.h>
#include <string.h>

#include "service/billing.h"
#include "service/notify.h"
#include "service/payment_provider.h"
#include "service/schedule.h"
#include "util/err.h"

const char *const payments_desk_methods[] = {"cash", "card", "bank_transfer", NULL};

int
payments_due(const struct svc *s, const struct store_invoice *inv, int64_t *due)
{
    int64_t pending_amount;
    int pending, rc = store_payment_pending(s->db, inv->id, &pending, &pending_amount);

    if (rc != ERR_OK)
        return rc;
    *due = billing_balance_due(inv) - pending_amount;
    if (*due <= 0)
        return svc_fail(s, ERR_CONFLICT, "nothing is left to pay on this invoice");
    return ERR_OK;
}

int
payments_online_offered(const struct svc *s)
{
    struct sched_settings st;
    int rc = sched_settings_load(s, &st);

    if (rc == ERR_OK && strcmp(st.client_payment, "disabled") == 0)
        rc = svc_fail(s, ERR_FORBIDDEN, "this clinic does not take payments online");
    return rc;
}

int
payments_method_listed(const char *list, const char *method)
{
    size_t n = strlen(method);
    const char *p = list;

    while (p && *p) {
        if (strncmp(p, method, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return 0;
}

/* The provider of method (NULL: the clinic's default) into *out, else a
 * field error on field (ERR_INVALID) or ERR_CONFLICT when nothing is set up. */
static int
method_provider(const struct svc *s, const struct sched_settings *st, const char *field,
                const char *method, const struct pay_provider **out)
{
    char first[16];

    if (!method && !*st->payment_methods) {
        *out = pay_provider_find(st->payment_provider);
        return *out ? ERR_OK : svc_fail(s, ERR_CONFLICT, "online payment is not set up");
    }
    if (!method) {
        snprintf(first, sizeof(first), "%.*s", (int)strcspn(st->payment_methods, ","),
                 st->payment_methods);
        method = first;
    }
    *out = payments_method_listed(st->payment_methods, method) ? pay_provider_for_method(method)
                                                               : NULL;
    if (*out)
        return ERR_OK;
    if (strcmp(method, "desk") == 0 && payments_method_listed(st->payment_methods, "desk"))
        return svc_field_error(s, field,
                               "is paid at the desk, not online: book without paying now");
    return svc_field_error(s, field, "is not a way this clinic takes payment online");
}

int
payments_method_check(const struct svc *s, const char *field, const char *method)
{
    struct sched_settings st;
    const struct pay_provider *p;
    int rc = sched_settings_load(s, &st);

    return rc == ERR_OK ? method_provider(s, &st, field, method, &p) : rc;
}

int
payments_online(const struct svc *s, int64_t invoice_id, int64_t amount, const char *method,
                int64_t *payment_id)
{
    struct sched_settings st;
    struct billing_ctx b;
    struct store_invoice inv;
    struct store_payment p = {0};
    struct pay_started started;
    const struct pay_provider *provider;
    struct pay_request r = {invoice_id, amount, NULL};
    int rc = sched_settings_load(s, &st);

    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = store_invoice_get(s->db, invoice_id, &inv);
    if (rc != ERR_OK)
        return rc;
    *payment_id = 0;
    if (amount <= 0)
        amount = billing_balance_due(&inv);
    if (amount <= 0) /* a free visit: nothing to pay */
        return ERR_OK;
    r.amount = amount;
    rc = method_provider(s, &st, "method", method, &provider);
    if (rc != ERR_OK)
        return rc;
    r.currency = b.currency;
    rc = provider->start(&r, &started);
    if (rc != ERR_OK)
        return svc_fail(s, rc, "the payment provider refused the payment");
    p.amount = amount;
    p.reference = started.reference;
    snprintf(p.method, sizeof(p.method), "%s", provider->method);
    snprintf(p.provider, sizeof(p.provider), "%s", provider->name);
    snprintf(p.status, sizeof(p.status), "%s", started.status);
    return billing_payment_add(&b, &inv, &p, payment_id);
}

/* Queues the payment.confirmed webhooks of a confirmed payment. */
static int
announce_confirmed(const struct svc *s, int64_t payment_id)
{
    struct store_payment p;
    struct store_invoice inv;
    int rc = store_payment_get(s->db, payment_id, &p);

    if (rc == ERR_OK)
        rc = store_invoice_get(s->db, p.invoice_id, &inv);
    if (rc == ERR_OK && strcmp(p.status, "confirmed") == 0 && inv.booking_id)
        rc = notify_payment_confirmed(s, inv.booking_id, payment_id);
    return rc;
}

int
payments_at_desk(const struct svc *s, struct store_invoice *inv, int64_t amount, const char *method,
                 int64_t *payment_id)
{
    struct store_payment p = {0};
    struct billing_ctx b;
    int rc = billing_ctx_init(s, &b);

    p.amount = amount;
    snprintf(p.method, sizeof(p.method), "%s", method);
    snprintf(p.provider, sizeof(p.provider), "manual");
    snprintf(p.status, sizeof(p.status), "confirmed");
    if (rc == ERR_OK)
        rc = billing_payment_add(&b, inv, &p, payment_id);
    if (rc == ERR_OK)
        rc = announce_confirmed(s, *payment_id);
    return rc;
}

int
payments_decide(const struct svc *s, int64_t payment_id, int confirm)
{
    struct billing_ctx b;
    int rc = store_begin(s->db, 1);

    if (rc != ERR_OK)
        return rc;
    rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = billing_payment_decide(&b, payment_id, confirm);
    if (rc == ERR_OK && confirm)
        rc = announce_confirmed(s, payment_id);
    if (rc == ERR_NOT_FOUND)
        svc_fail(s, rc, "no such payment");
    else if (rc == ERR_CONFLICT)
        svc_fail(s, rc, "the payment was already confirmed or rejected");
    if (rc == ERR_OK)
        rc = store_commit(s->db);
    if (rc != ERR_OK)
        store_rollback(s->db);
    return rc;
}

int
payments_owed_back(const struct svc *s, const struct store_invoice *inv, int64_t *owed)
{
    *owed = inv->credited ? inv->paid - inv->refunded : 0;
    if (*owed <= 0)
        return svc_fail(s, ERR_CONFLICT, "nothing is owed back on this invoice");
    return ERR_OK;
}

int
payments_refund(const struct svc *s, struct store_invoice *inv, const char *method, int64_t amount,
                int64_t *payment_id)
{
    struct billing_ctx b;
    int rc = billing_ctx_init(s, &b);

    if (rc == ERR_OK)
        rc = billing_refund(&b, inv, method, amount, payment_id);
    return rc;
}

struct gateway_word {
    const char *provider, *reference;
    int64_t amount;
};

static int
confirm_by_gateway(const struct svc *s, void *arg)
{
    const struct gateway_word *w = arg;
    struct store_payment p;
    struct store_invoice inv;
    struct billing_ctx b;
    int64_t id = 0;
    int rc = store_payment_by_reference(s->db, w->provider, w->reference, &id);

    if (rc == ERR_OK)
        rc = store_payment_get(s->db, id, &p);
    /* Lock the invoice, then read the payment again: of two deliveries of
     * one event at once the second waits here, then finds it confirmed. */
    if (rc == ERR_OK)
        rc = store_invoice_get(s->db, p.invoice_id, &inv);
    if (rc == ERR_OK)
        rc = store_payment_get(s->db, id, &p);
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no payment is waiting for this session");
    if (rc != ERR_OK)
        return rc;
    /* The gateway sends an event again until it hears 2xx, and anyone may
     * replay one: the first confirms, the rest change nothing. */
    if (strcmp(p.status, "confirmed") == 0)
        return ERR_OK;
    if (strcmp(p.status, "pending") != 0)
        return svc_fail(s, ERR_CONFLICT, "the payment was rejected by staff");
    if (p.amount != w->amount)
        return svc_fail(s, ERR_INVALID, "the amount paid is not the amount of the payment");
    rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = billing_payment_decide(&b, id, 1);
    if (rc == ERR_OK)
        rc = announce_confirmed(s, id);
    return rc;
}

int
payments_gateway_paid(const struct svc *s, const char *provider, const char *reference,
                      int64_t amount)
{
    struct gateway_word w = {provider, reference, amount};

    return svc_write(s, confirm_by_gateway, &w);
}

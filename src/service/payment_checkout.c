/* The card gateway's two halves: making a Checkout session for a pending
 * card payment, and hearing from the gateway's signed webhook that it was
 * paid. See payment_checkout.h for the protocol. */
#include "service/payment_checkout.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/payment_provider.h"
#include "service/payments.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"
#include "util/secret.h"
#include "util/sign.h"
#include "util/target.h"

#define CHECKOUT_BODY_MAX 8192
#define CHECKOUT_ANSWER_MAX (64 * 1024)
#define CHECKOUT_SIG_MAX 1024

/* Form encoding (application/x-www-form-urlencoded) of one value. */
static int
put_encoded(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3] = {'%', 0, 0};
    int rc = ERR_OK;

    for (; rc == ERR_OK && *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            rc = buf_append(b, s, 1);
        } else {
            esc[1] = hex[ch >> 4];
            esc[2] = hex[ch & 15];
            rc = buf_append(b, esc, 3);
        }
    }
    return rc;
}

/* name=value&, the name already encoded. */
static int
put_field(struct buf *b, const char *name, const char *value)
{
    int rc = buf_printf(b, "%s%s=", b->len ? "&" : "", name);

    return rc == ERR_OK ? put_encoded(b, value) : rc;
}

struct session_in {
    const struct store_payment *p;
    const char *currency;
    const char *public_url;
};

/* Stripe's form: one line item of the payment's amount, the payment's id
 * as client_reference_id, and where the gateway sends the patient back
 * ({CHECKOUT_SESSION_ID} is filled in by the gateway). */
static int
session_form(struct buf *b, const struct session_in *in)
{
    char num[32], url[600], cur[8];
    size_t i;
    int rc;

    for (i = 0; in->currency[i] && i + 1 < sizeof(cur); i++)
        cur[i] = (char)tolower((unsigned char)in->currency[i]);
    cur[i] = '\0';
    snprintf(num, sizeof(num), "%lld", (long long)in->p->id);
    rc = put_field(b, "mode", "payment");
    if (rc == ERR_OK)
        rc = put_field(b, "client_reference_id", num);
    if (rc == ERR_OK)
        rc = put_field(b, "metadata%5Bpayment_id%5D", num);
    snprintf(url, sizeof(url), "%s/book?checkout=done&session_id={CHECKOUT_SESSION_ID}#/invoices",
             in->public_url);
    if (rc == ERR_OK)
        rc = put_field(b, "success_url", url);
    snprintf(url, sizeof(url), "%s/book?checkout=cancelled#/invoices", in->public_url);
    if (rc == ERR_OK)
        rc = put_field(b, "cancel_url", url);
    if (rc == ERR_OK)
        rc = put_field(b, "line_items%5B0%5D%5Bquantity%5D", "1");
    if (rc == ERR_OK)
        rc = put_field(b, "line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D", cur);
    snprintf(num, sizeof(num), "%lld", (long long)in->p->amount);
    if (rc == ERR_OK)
        rc = put_field(b, "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D", num);
    snprintf(url, sizeof(url), "Invoice %lld", (long long)in->p->invoice_id);
    if (rc == ERR_OK)
        rc = put_field(b, "line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D", url);
    return rc;
}

/* The gateway's URL from the settings, refused when it is no http(s) URL
 * or, unless allowed, names a private address (checked again on connect). */
static int
gateway_target(const struct svc *s, const json_t *st, char *url, size_t size)
{
    char host[TARGET_HOST_MAX];
    const char *base = row_text(st, "card_gateway_url");
    int private = 0;

    if (!*base || !*row_text(st, "card_gateway_key") || !*row_text(st, "public_url"))
        return svc_fail(s, ERR_CONFLICT, "card payments are not set up");
    if (target_url_problem(base, TARGET_HTTP) || target_url_host(base, host) != ERR_OK)
        return svc_fail(s, ERR_CONFLICT, "the card gateway's URL is not usable");
    if (!row_bool(st, "allow_private_targets") && target_host_private(host, &private) == ERR_OK &&
        private)
        return svc_fail(s, ERR_CONFLICT, "the card gateway's URL names a private address");
    if ((size_t)snprintf(url, size, "%s%sv1/checkout/sessions", base,
                         base[strlen(base) - 1] == '/' ? "" : "/") >= size)
        return svc_fail(s, ERR_CONFLICT, "the card gateway's URL is too long");
    return ERR_OK;
}

/* The payment a session may be made for: a pending card payment of the
 * patient (any, for patient_id 0). */
static int
session_payment(const struct svc *s, int64_t payment_id, int64_t patient_id,
                struct store_payment *p, struct store_invoice *inv)
{
    int rc = store_payment_get(s->db, payment_id, p);

    if (rc == ERR_OK)
        rc = store_invoice_get(s->db, p->invoice_id, inv);
    if (rc == ERR_OK && patient_id && inv->patient_id != patient_id)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such payment");
    if (rc == ERR_OK && strcmp(p->provider, PAY_CHECKOUT) != 0)
        return svc_fail(s, ERR_CONFLICT, "this payment is not made by card online");
    if (rc == ERR_OK && strcmp(p->status, "pending") != 0)
        return svc_fail(s, ERR_CONFLICT, "this payment is no longer waiting to be paid");
    return rc;
}

/* {"id": "cs_...", "url": "https://..."} of the gateway's answer. */
static int
read_session(const struct svc *s, const struct buf *answer, char *id, size_t id_size, char *url,
             size_t url_size)
{
    json_t *j = json_loadb(answer->data, answer->len, 0, NULL);
    const char *sid = json_string_value(json_object_get(j, "id"));
    const char *to = json_string_value(json_object_get(j, "url"));
    int rc = ERR_OK;

    if (!sid || !*sid || strlen(sid) >= id_size || !to || strlen(to) >= url_size ||
        target_url_problem(to, TARGET_HTTP))
        rc = svc_fail(s, ERR_UNAVAILABLE, "the card gateway gave no usable session");
    if (rc == ERR_OK) {
        snprintf(id, id_size, "%s", sid);
        snprintf(url, url_size, "%s", to);
    }
    json_decref(j);
    return rc;
}

struct reference_set {
    int64_t payment_id;
    const char *reference;
};

static int
set_reference(const struct svc *s, void *arg)
{
    const struct reference_set *r = arg;
    struct store_payment p;
    int rc = store_payment_get(s->db, r->payment_id, &p);

    /* Confirmed or rejected meanwhile: the new session must not replace
     * the reference that decision was made on. */
    if (rc == ERR_OK && strcmp(p.status, "pending") != 0)
        return svc_fail(s, ERR_CONFLICT, "this payment is no longer waiting to be paid");
    return rc == ERR_OK ? store_payment_set_reference(s->db, r->payment_id, r->reference) : rc;
}

static int
ask_gateway(const struct svc *s, const struct net_post *net, const json_t *st,
            const struct session_in *in, struct buf *answer)
{
    char url[600], auth[256];
    const char *headers[] = {auth, "Content-Type: application/x-www-form-urlencoded", NULL};
    struct buf form;
    long status = 0;
    int rc;

    buf_init(&form, CHECKOUT_BODY_MAX);
    rc = gateway_target(s, st, url, sizeof(url));
    if (rc == ERR_OK && (size_t)snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
                                         row_text(st, "card_gateway_key")) >= sizeof(auth))
        rc = svc_fail(s, ERR_CONFLICT, "the card gateway key is too long");
    if (rc == ERR_OK)
        rc = session_form(&form, in);
    if (rc == ERR_OK)
        rc = net->post(url, headers, form.data, form.len, row_bool(st, "allow_private_targets"),
                       &status, answer);
    if (rc == ERR_OK && (status < 200 || status > 299))
        rc = ERR_IO;
    if (rc == ERR_IO || rc == ERR_FORBIDDEN)
        rc = svc_fail(s, ERR_UNAVAILABLE, "the card gateway did not take the payment; try again");
    buf_cleanup(&form);
    return rc;
}

int
pay_checkout_session(const struct svc *s, const struct net_post *net, int64_t payment_id,
                     int64_t patient_id, char *redirect, size_t size)
{
    struct store_payment p;
    struct store_invoice inv;
    struct buf answer;
    json_t *st = NULL;
    char sid[64];
    struct reference_set set = {payment_id, sid};
    int rc = session_payment(s, payment_id, patient_id, &p, &inv);

    buf_init(&answer, CHECKOUT_ANSWER_MAX);
    if (rc == ERR_OK)
        rc = store_row_get(s->db, &setup_settings.table, 1, &st);
    if (rc == ERR_OK) {
        struct session_in in = {&p, inv.currency, row_text(st, "public_url")};

        rc = ask_gateway(s, net, st, &in, &answer);
    }
    if (rc == ERR_OK)
        rc = read_session(s, &answer, sid, sizeof(sid), redirect, size);
    if (rc == ERR_OK)
        rc = svc_write(s, set_reference, &set);
    json_decref(st);
    buf_cleanup(&answer);
    return rc;
}

/* Splits "t=...,v1=...,v1=..." and checks that one v1 is the HMAC of
 * "t.body" under secret and that t is within the tolerance of now. */
/* Reads "t=...,v1=...,v1=..." (other schemes ignored) into *t and v1;
 * 0 when there is no usable timestamp or signature. */
static int
signature_parts(const char *header, long long *t, char v1[][SIGN_HEX_LEN], size_t max, size_t *n)
{
    char *end;
    size_t len;

    *t = -1;
    *n = 0;
    while (*header) {
        header += strspn(header, " ");
        len = strcspn(header, ",");
        if (strncmp(header, "t=", 2) == 0) {
            errno = 0;
            *t = strtoll(header + 2, &end, 10);
            if (errno || end != header + len || len == 2)
                return 0;
        } else if (strncmp(header, "v1=", 3) == 0 && len - 3 == SIGN_HEX_LEN - 1 && *n < max) {
            memcpy(v1[*n], header + 3, SIGN_HEX_LEN - 1);
            v1[(*n)++][SIGN_HEX_LEN - 1] = '\0';
        }
        header += len;
        header += *header == ',';
    }
    return *t >= 0 && *n > 0;
}

/* One v1 is the HMAC of "t.body" under secret, and t is within the
 * tolerance of now. */
static int
signature_valid(const char *header, const char *secret, int64_t now, const char *body, size_t len)
{
    char v1[8][SIGN_HEX_LEN], want[SIGN_HEX_LEN];
    struct buf signed_payload;
    size_t n = 0, i;
    long long t;
    int ok = 0;

    if (!header || strlen(header) > CHECKOUT_SIG_MAX || !*secret ||
        !signature_parts(header, &t, v1, sizeof(v1) / sizeof(v1[0]), &n) ||
        llabs(now - t) > PAY_CHECKOUT_TOLERANCE_S)
        return 0;
    buf_init(&signed_payload, len + 32);
    if (buf_printf(&signed_payload, "%lld.", t) == ERR_OK &&
        buf_append(&signed_payload, body, len) == ERR_OK) {
        sign_hmac_sha256_hex(secret, signed_payload.data, signed_payload.len, want);
        for (i = 0; i < n; i++)
            ok |= secret_equal(v1[i], want);
    }
    buf_cleanup(&signed_payload);
    return ok;
}

int
pay_checkout_webhook(const struct svc *s, const char *signature, const char *body, size_t len)
{
    json_t *st = NULL, *event = NULL, *obj;
    const char *type, *sid, *paid;
    int rc = store_row_get(s->db, &setup_settings.table, 1, &st);

    if (rc != ERR_OK)
        goto out;
    if (!signature_valid(signature, row_text(st, "card_webhook_secret"), s->now, body, len)) {
        rc = svc_fail(s, ERR_MALFORMED, "the Stripe-Signature header does not verify");
        goto out;
    }
    event = json_loadb(body, len, 0, NULL);
    type = json_string_value(json_object_get(event, "type"));
    if (!type) {
        rc = svc_fail(s, ERR_MALFORMED, "the event has no type");
        goto out;
    }
    obj = json_object_get(json_object_get(event, "data"), "object");
    sid = json_string_value(json_object_get(obj, "id"));
    paid = json_string_value(json_object_get(obj, "payment_status"));
    /* Other events, and sessions paid later (bank debits), change nothing. */
    if (strcmp(type, "checkout.session.completed") != 0 || !paid || strcmp(paid, "paid") != 0)
        goto out;
    if (!sid || !json_is_integer(json_object_get(obj, "amount_total"))) {
        rc = svc_fail(s, ERR_MALFORMED, "the session has no id or amount_total");
        goto out;
    }
    rc = payments_gateway_paid(s, PAY_CHECKOUT, sid,
                               json_integer_value(json_object_get(obj, "amount_total")));
out:
    json_decref(event);
    json_decref(st);
    return rc;
}

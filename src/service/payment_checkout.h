/* The card gateway: a Checkout-style service that takes the card itself.
 * It follows Stripe Checkout's documented protocol: the server creates a
 * session (POST {card_gateway_url}/v1/checkout/sessions, form-encoded, the
 * secret key as a Bearer token) and sends the patient to its `url`; the
 * gateway sends the patient back to success_url and tells the server in a
 * webhook signed `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed with card_webhook_secret>`; the event
 * `checkout.session.completed` with payment_status "paid" confirms. */
#ifndef CHAIRSIDE_SERVICE_PAYMENT_CHECKOUT_H
#define CHAIRSIDE_SERVICE_PAYMENT_CHECKOUT_H

#include <stddef.h>
#include <stdint.h>

#include "service/svc.h"
#include "util/net_post.h"

/* Signatures older or newer than this many seconds are refused, so a
 * captured event cannot be replayed later (Stripe's default tolerance). */
#define PAY_CHECKOUT_TOLERANCE_S 300

/* Creates a gateway session for the pending card payment payment_id of
 * patient_id (0: any patient, for staff) and writes where to send the
 * patient into redirect. The session's id becomes the payment's reference,
 * in a write transaction of its own after the gateway answered, so no
 * lock is held while it is asked. */
int pay_checkout_session(const struct svc *s, const struct net_post *net, int64_t payment_id,
                         int64_t patient_id, char *redirect, size_t size);

/* A webhook from the gateway: signature is the Stripe-Signature header
 * (NULL when absent), body its raw bytes. ERR_MALFORMED when the signature
 * does not verify or is outside the tolerance; other events than a paid
 * checkout.session.completed are accepted and change nothing. */
int pay_checkout_webhook(const struct svc *s, const char *signature, const char *body, size_t len);

#endif

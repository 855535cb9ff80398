/* Billing: what bookings and payments do to invoices and the ledger. Every
 * function runs inside the caller's write transaction, so an invoice, its
 * journal entry and the booking that caused them commit or vanish
 * together. */
#ifndef CHAIRSIDE_SERVICE_BILLING_H
#define CHAIRSIDE_SERVICE_BILLING_H

#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "service/svc.h"
#include "store/store.h"

struct billing_ctx {
    struct store_conn *db;
    const struct tz_zone *zone; /* the organisation's: journal dates, invoice years */
    int64_t now;
    int64_t user_id; /* 0 when nobody is logged in */
    char actor[48];  /* as the booking's change history names them (svc.actor) */
    char currency[8];
};

/* Fills b for a use case: its connection, time and acting user, the
 * organisation's zone and currency. */
int billing_ctx_init(const struct svc *s, struct billing_ctx *b);

/* Raises the booking's invoice: one line per service at the price the
 * booking recorded, numbered without gaps within the year. */
int billing_invoice_booking(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                            const struct store_service *services, size_t n, int64_t *invoice_id);
/* The same for a group event's participant: each line's quantity is the
 * seats booked, so the total is the price times the seats. */
int billing_invoice_seats(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                          const struct store_service *services, size_t n, int seats,
                          int64_t *invoice_id);
/* A cancelled booking voids its invoice when nothing was paid, else
 * credits it: what was paid is then owed back to the patient. */
int billing_booking_cancelled(const struct billing_ctx *b, int64_t booking_id);
/* New services on a booking replace the lines of its unpaid invoice;
 * ERR_CONFLICT once money has been paid or is pending, or while products
 * sold on the visit are on it. */
int billing_booking_services_changed(const struct billing_ctx *b, int64_t booking_id,
                                     const struct store_service *services, size_t n);

/* Records a payment (pending, or confirmed and posted) against inv. */
int billing_payment_add(const struct billing_ctx *b, struct store_invoice *inv,
                        struct store_payment *p, int64_t *payment_id);
/* Confirms (posting it) or rejects a pending payment. */
int billing_payment_decide(const struct billing_ctx *b, int64_t payment_id, int confirm);
/* Pays back part of what a credited invoice owes the patient. */
int billing_refund(const struct billing_ctx *b, struct store_invoice *inv, const char *method,
                   int64_t amount, int64_t *payment_id);

/* Adds a line of amount without a service or tax (a fee such as "No-show
 * fee") to the booking's live invoice and posts it; nothing when the
 * booking has no invoice or it is void or credited. */
int billing_fee_add(const struct billing_ctx *b, int64_t booking_id, const char *description,
                    int64_t amount);
/* Takes such lines off the booking's invoice again with a reversing
 * entry; nothing when there are none. */
int billing_fee_remove(const struct billing_ctx *b, int64_t booking_id, const char *description);

/* After lines were added to or taken off the invoice: its status, and
 * its booking's payment status, follow what is owed now. */
int billing_invoice_changed(const struct billing_ctx *b, int64_t invoice_id);
/* Posts e (source "stock", or "invoice" for a line of invoice_id, 0 when
 * none) dated today in the organisation's zone. */
int billing_post(const struct billing_ctx *b, const char *source, const char *memo,
                 int64_t invoice_id, const struct ledger_entry *e);

/* What can still be paid on inv: nothing once void or credited. */
int64_t billing_balance_due(const struct store_invoice *inv);

/* --- Packages ------------------------------------------------------------- */

/* Raises a package invoice without a booking: lines as given (their money
 * computed here), numbered like every invoice, posted Dr 1100 / Cr 2300
 * Unearned Revenue (and 2200 tax). */
int billing_invoice_package(const struct billing_ctx *b, int64_t patient_id,
                            struct store_invoice_line *lines, size_t n, int64_t *invoice_id);
/* Charges service on booking_id's own invoice, raising the invoice when
 * the booking has none (a unit unlinked from its package). */
int billing_booking_line_add(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                             const struct store_service *service);

#endif

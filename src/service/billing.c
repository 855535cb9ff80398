/* Billing: invoices raised, changed, voided and paid, each change posted
 * to the general ledger in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/billing.h"
#include "service/schedule.h"
#include "core/civil.h"
#include "core/money.h"
#include "core/packages.h"
#include "util/err.h"

int
billing_ctx_init(const struct svc *s, struct billing_ctx *b)
{
    struct sched_settings st;
    int rc = sched_settings_load(s, &st);

    memset(b, 0, sizeof(*b));
    b->db = s->db;
    b->now = s->now;
    b->user_id = s->user_id;
    snprintf(b->actor, sizeof(b->actor), "%s", s->actor);
    if (rc != ERR_OK)
        return rc;
    snprintf(b->currency, sizeof(b->currency), "%s", st.currency);
    return sched_settings_zone(s, &st, &b->zone);
}

/* Today in the organisation's zone: the date of journal entries and the
 * year invoices are numbered in. */
static int64_t
local_day(const struct billing_ctx *b)
{
    return civil_day_of(tz_utc_to_local(b->zone, b->now));
}

/* Posts e dated today in the organisation's zone. */
static int
post(const struct billing_ctx *b, const char *source, const char *memo, int64_t invoice_id,
     int64_t payment_id, int64_t reverses, const struct ledger_entry *e)
{
    char date[CIVIL_DATE_LEN];
    struct store_journal j = {date, b->now, memo, source, invoice_id, payment_id, reverses};
    int64_t id;

    civil_format_date(local_day(b), date);
    return store_journal_post(b->db, &j, e, &id);
}

int
billing_post(const struct billing_ctx *b, const char *source, const char *memo, int64_t invoice_id,
             const struct ledger_entry *e)
{
    return post(b, source, memo, invoice_id, 0, 0, e);
}

static void
lines_from_services(const struct store_service *services, size_t n, int quantity,
                    struct store_invoice_line *out, struct money_line *money,
                    struct money_totals *totals)
{
    size_t i;

    for (i = 0; i < n; i++) {
        money[i] = (struct money_line){.unit_price = services[i].price,
                                       .quantity = quantity,
                                       .rate_bp = services[i].tax_rate_bp,
                                       .inclusive = services[i].tax_inclusive};
    }
    money_totals(money, n, totals);
    for (i = 0; i < n; i++) {
        out[i].service_id = services[i].id;
        out[i].description = services[i].name;
        out[i].money = money[i];
    }
}

static int
post_invoice(const struct billing_ctx *b, const struct store_invoice *inv, const char *memo)
{
    struct ledger_entry e;

    ledger_invoice(&inv->totals, &e);
    /* A free visit is invoiced but moves no money. */
    return inv->totals.total ? post(b, "invoice", memo, inv->id, 0, 0, &e) : ERR_OK;
}

int
billing_invoice_booking(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                        const struct store_service *services, size_t n, int64_t *invoice_id)
{
    return billing_invoice_seats(b, booking_id, patient_id, services, n, 1, invoice_id);
}

int
billing_invoice_seats(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                      const struct store_service *services, size_t n, int seats,
                      int64_t *invoice_id)
{
    struct store_invoice_line lines[MONEY_MAX_LINES];
    struct money_line money[MONEY_MAX_LINES];
    struct store_invoice inv = {0};
    int year, month, day, rc;
    int64_t seq;
    char number[32], memo[48];

    if (n > MONEY_MAX_LINES)
        return ERR_INVALID;
    civil_date_from_days(local_day(b), &year, &month, &day);
    lines_from_services(services, n, seats, lines, money, &inv.totals);
    inv.patient_id = patient_id;
    inv.booking_id = booking_id;
    inv.issued_at = b->now;
    snprintf(inv.currency, sizeof(inv.currency), "%s", b->currency);
    rc = store_invoice_next_seq(b->db, year, &seq);
    if (rc != ERR_OK)
        return rc;
    snprintf(number, sizeof(number), "%04d-%06lld", year, (long long)seq);
    rc = store_invoice_insert(b->db, &inv, year, seq, number, &inv.id);
    if (rc == ERR_OK)
        rc = store_invoice_set_lines(b->db, inv.id, lines, n, &inv.totals);
    snprintf(memo, sizeof(memo), "Invoice %s", number);
    if (rc == ERR_OK)
        rc = post_invoice(b, &inv, memo);
    if (rc == ERR_OK)
        *invoice_id = inv.id;
    return rc;
}

/* The net of the invoice's product lines (products sold on the visit),
 * which went to Product Sales rather than Service Revenue. */
static int
product_net(const struct billing_ctx *b, int64_t invoice_id, int64_t *net, size_t *n)
{
    json_t *inv = NULL, *line;
    size_t i;
    int rc = store_invoice_json(b->db, invoice_id, &inv);

    *net = 0;
    *n = 0;
    json_array_foreach(json_object_get(inv, "lines"), i, line)
    {
        if (json_integer_value(json_object_get(line, "product_id")) > 0) {
            *net += json_integer_value(json_object_get(line, "net"));
            (*n)++;
        }
    }
    json_decref(inv);
    return rc;
}

static void
add_posting(struct ledger_entry *e, const char *code, int64_t debit, int64_t credit)
{
    if ((debit || credit) && e->n < MONEY_MAX_POSTINGS)
        e->postings[e->n++] = (struct ledger_posting){code, debit, credit};
}

/* Reverses what the invoice put on the books: source "void" or "credit".
 * Each revenue account gets back what it was credited: products sold on
 * the visit went to Product Sales, the rest to Service Revenue. */
static int
post_reversal(const struct billing_ctx *b, const struct store_invoice *inv, const char *source,
              const char *memo)
{
    struct ledger_entry e = {0}, r;
    int64_t last = 0, products = 0;
    size_t n;
    int rc = store_journal_last(b->db, inv->id, "invoice", &last);

    if (rc == ERR_NOT_FOUND) /* a free visit posted nothing */
        return ERR_OK;
    if (rc == ERR_OK)
        rc = product_net(b, inv->id, &products, &n);
    if (rc != ERR_OK)
        return rc;
    add_posting(&e, LEDGER_RECEIVABLE, inv->totals.total, 0);
    add_posting(&e, LEDGER_REVENUE, 0, inv->totals.subtotal - products);
    add_posting(&e, LEDGER_PRODUCT_SALES, 0, products);
    add_posting(&e, LEDGER_TAX, 0, inv->totals.tax);
    ledger_reverse(&e, &r);
    return post(b, source, memo, inv->id, 0, last, &r);
}

/* The booking's payment status follows its invoice: what waits for staff
 * first, then what the confirmed money says. */
static int
sync_booking(const struct billing_ctx *b, const struct store_invoice *inv)
{
    int64_t amount;
    int pending, rc;

    if (!inv->booking_id)
        return ERR_OK;
    rc = store_payment_pending(b->db, inv->id, &pending, &amount);
    if (rc != ERR_OK)
        return rc;
    return store_booking_set_payment_status(b->db, inv->booking_id,
                                            pending                            ? "pending"
                                            : strcmp(inv->status, "paid") == 0 ? "paid"
                                            : strcmp(inv->status, "partially_paid") == 0
                                                ? "partially_paid"
                                                : "unpaid");
}

int
billing_booking_cancelled(const struct billing_ctx *b, int64_t booking_id)
{
    struct store_invoice inv;
    int64_t pending_amount;
    int pending, rc = store_invoice_by_booking(b->db, booking_id, &inv);

    if (rc == ERR_NOT_FOUND) /* booked before invoicing existed */
        return ERR_OK;
    if (rc == ERR_OK)
        rc = store_payment_pending(b->db, inv.id, &pending, &pending_amount);
    if (rc != ERR_OK || strcmp(inv.status, "void") == 0 || inv.credited)
        return rc;
    if (inv.paid == 0 && pending == 0) {
        snprintf(inv.status, sizeof(inv.status), "void");
        rc = post_reversal(b, &inv, "void", "Void: booking cancelled");
    } else {
        /* Paid or about to be: the invoice stays, its revenue is taken
         * back, and receivables now show what is owed to the patient. */
        inv.credited = 1;
        rc = post_reversal(b, &inv, "credit", "Credit: booking cancelled after payment");
    }
    if (rc == ERR_OK)
        rc = store_invoice_set_state(b->db, &inv);
    return rc;
}

int
billing_booking_services_changed(const struct billing_ctx *b, int64_t booking_id,
                                 const struct store_service *services, size_t n)
{
    struct store_invoice_line lines[MONEY_MAX_LINES];
    struct money_line money[MONEY_MAX_LINES];
    struct store_invoice inv;
    int64_t pending_amount, product_total;
    size_t n_products;
    int pending, rc = store_invoice_by_booking(b->db, booking_id, &inv);

    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc == ERR_OK)
        rc = store_payment_pending(b->db, inv.id, &pending, &pending_amount);
    if (rc != ERR_OK)
        return rc;
    if (n > MONEY_MAX_LINES || inv.paid || pending || strcmp(inv.status, "unpaid") != 0)
        return ERR_CONFLICT;
    /* The new lines replace every line: products sold on the visit must
     * be taken back first (DELETE /bookings/{id}/products/{line_id}). */
    rc = product_net(b, inv.id, &product_total, &n_products);
    if (rc != ERR_OK || n_products > 0)
        return rc != ERR_OK ? rc : ERR_CONFLICT;
    /* Posted entries never change: take the old invoice back, post anew. */
    rc = post_reversal(b, &inv, "void", "Correction: services changed");
    lines_from_services(services, n, 1, lines, money, &inv.totals);
    if (rc == ERR_OK)
        rc = store_invoice_set_lines(b->db, inv.id, lines, n, &inv.totals);
    if (rc == ERR_OK)
        rc = post_invoice(b, &inv, "Invoice corrected: services changed");
    return rc;
}

int64_t
billing_balance_due(const struct store_invoice *inv)
{
    if (strcmp(inv->status, "void") == 0 || inv->credited)
        return 0;
    return inv->totals.total - inv->paid;
}

/* Counts a confirmed payment into the invoice and posts it. */
static int
apply_confirmed(const struct billing_ctx *b, struct store_invoice *inv,
                const struct store_payment *p, int64_t payment_id)
{
    struct ledger_entry e;
    char memo[64];
    int rc;

    snprintf(memo, sizeof(memo), "Payment %lld (%s)", (long long)payment_id, p->method);
    ledger_payment(p->method, p->amount, &e);
    rc = post(b, "payment", memo, inv->id, payment_id, 0, &e);
    inv->paid += p->amount;
    if (strcmp(inv->status, "void") != 0)
        snprintf(inv->status, sizeof(inv->status), "%s",
                 money_invoice_status(inv->totals.total, inv->paid));
    if (rc == ERR_OK)
        rc = store_invoice_set_state(b->db, inv);
    return rc;
}

/* Money taken, confirmed, rejected or paid back shows in the booking's
 * change history, with its amount and method, in the same transaction. */
static int
money_history(const struct billing_ctx *b, const struct store_invoice *inv, const char *action,
              const struct store_payment *p)
{
    json_t *changes;
    char *text;
    int rc;

    if (!inv->booking_id)
        return ERR_OK;
    changes = json_pack("{s:I, s:s, s:s}", "amount", (json_int_t)p->amount, "currency", b->currency,
                        "method", p->method);
    text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    rc = text
             ? store_history_add(b->db, inv->booking_id, b->now, b->user_id, b->actor, action, text)
             : ERR_NOMEM;
    free(text);
    json_decref(changes);
    return rc;
}

int
billing_payment_add(const struct billing_ctx *b, struct store_invoice *inv, struct store_payment *p,
                    int64_t *payment_id)
{
    int rc;

    p->invoice_id = inv->id;
    p->created_at = b->now;
    p->created_by = b->user_id;
    snprintf(p->kind, sizeof(p->kind), "payment");
    rc = store_payment_insert(b->db, p, payment_id);
    if (rc == ERR_OK && strcmp(p->status, "confirmed") == 0)
        rc = apply_confirmed(b, inv, p, *payment_id);
    if (rc == ERR_OK)
        rc = money_history(b, inv, strcmp(p->status, "confirmed") == 0 ? "paid" : "payment_pending",
                           p);
    if (rc == ERR_OK)
        rc = sync_booking(b, inv);
    return rc;
}

int
billing_payment_decide(const struct billing_ctx *b, int64_t payment_id, int confirm)
{
    struct store_payment p;
    struct store_invoice inv;
    int rc = store_payment_get(b->db, payment_id, &p);

    if (rc == ERR_OK)
        rc = store_invoice_get(b->db, p.invoice_id, &inv);
    if (rc == ERR_OK)
        rc = store_payment_decide(b->db, payment_id, confirm ? "confirmed" : "rejected", b->now,
                                  b->user_id);
    if (rc == ERR_OK && confirm)
        rc = apply_confirmed(b, &inv, &p, payment_id);
    if (rc == ERR_OK)
        rc = money_history(b, &inv, confirm ? "payment_confirmed" : "payment_rejected", &p);
    if (rc == ERR_OK)
        rc = sync_booking(b, &inv);
    return rc;
}

int
billing_refund(const struct billing_ctx *b, struct store_invoice *inv, const char *method,
               int64_t amount, int64_t *payment_id)
{
    struct store_payment p = {0};
    struct ledger_entry e;
    char memo[64];
    int rc;

    *payment_id = 0;
    p.invoice_id = inv->id;
    p.amount = amount;
    p.created_at = b->now;
    p.created_by = b->user_id;
    snprintf(p.kind, sizeof(p.kind), "refund");
    snprintf(p.method, sizeof(p.method), "%s", method);
    snprintf(p.provider, sizeof(p.provider), "manual");
    snprintf(p.status, sizeof(p.status), "confirmed");
    rc = store_payment_insert(b->db, &p, payment_id);
    snprintf(memo, sizeof(memo), "Refund %lld (%s)", (long long)*payment_id, method);
    ledger_refund(method, amount, &e);
    if (rc == ERR_OK)
        rc = post(b, "refund", memo, inv->id, *payment_id, 0, &e);
    inv->refunded += amount;
    if (rc == ERR_OK)
        rc = store_invoice_set_state(b->db, inv);
    if (rc == ERR_OK)
        rc = money_history(b, inv, "refunded", &p);
    return rc;
}

/* A fee changes what is owed: the status follows, and so does the
 * booking's payment status. */
static int
fee_state(const struct billing_ctx *b, int64_t invoice_id)
{
    struct store_invoice inv;
    int rc = store_invoice_get(b->db, invoice_id, &inv);

    if (rc == ERR_OK)
        snprintf(inv.status, sizeof(inv.status), "%s",
                 money_invoice_status(inv.totals.total, inv.paid));
    if (rc == ERR_OK)
        rc = store_invoice_set_state(b->db, &inv);
    if (rc == ERR_OK)
        rc = sync_booking(b, &inv);
    return rc;
}

int
billing_invoice_changed(const struct billing_ctx *b, int64_t invoice_id)
{
    return fee_state(b, invoice_id);
}

int
billing_fee_add(const struct billing_ctx *b, int64_t booking_id, const char *description,
                int64_t amount)
{
    struct store_invoice inv;
    struct store_invoice_line line = {0, description, {.unit_price = amount, .quantity = 1}, 0};
    struct money_totals t = {amount, 0, amount};
    struct ledger_entry e;
    char memo[96];
    int rc = store_invoice_by_booking(b->db, booking_id, &inv);

    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && (strcmp(inv.status, "void") == 0 || inv.credited)))
        return ERR_OK;
    if (rc != ERR_OK || amount <= 0)
        return rc;
    money_line_compute(&line.money);
    rc = store_invoice_line_add(b->db, inv.id, &line);
    snprintf(memo, sizeof(memo), "%s: booking %lld", description, (long long)booking_id);
    ledger_invoice(&t, &e);
    if (rc == ERR_OK)
        rc = post(b, "invoice", memo, inv.id, 0, 0, &e);
    if (rc == ERR_OK)
        rc = fee_state(b, inv.id);
    return rc;
}

int
billing_fee_remove(const struct billing_ctx *b, int64_t booking_id, const char *description)
{
    struct store_invoice inv;
    struct ledger_entry e, r;
    struct money_totals t = {0, 0, 0};
    int64_t removed = 0, last = 0;
    char memo[96];
    int rc = store_invoice_by_booking(b->db, booking_id, &inv);

    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc == ERR_OK)
        rc = store_invoice_line_remove(b->db, inv.id, description, &removed);
    if (rc != ERR_OK || removed == 0)
        return rc;
    /* The fee's own entry is the invoice's latest charge. */
    rc = store_journal_last(b->db, inv.id, "invoice", &last);
    t.subtotal = t.total = removed;
    ledger_invoice(&t, &e);
    ledger_reverse(&e, &r);
    snprintf(memo, sizeof(memo), "%s taken back: booking %lld", description, (long long)booking_id);
    if (rc == ERR_OK)
        rc = post(b, "void", memo, inv.id, 0, last, &r);
    if (rc == ERR_OK)
        rc = fee_state(b, inv.id);
    return rc;
}

int
billing_invoice_package(const struct billing_ctx *b, int64_t patient_id,
                        struct store_invoice_line *lines, size_t n, int64_t *invoice_id)
{
    struct money_line money[MONEY_MAX_LINES];
    struct store_invoice inv = {0};
    struct ledger_entry e;
    int year, month, day, rc;
    int64_t seq;
    char number[32], memo[64];
    size_t i;

    if (n > MONEY_MAX_LINES)
        return ERR_INVALID;
    for (i = 0; i < n; i++)
        money[i] = lines[i].money;
    money_totals(money, n, &inv.totals);
    for (i = 0; i < n; i++)
        lines[i].money = money[i];
    civil_date_from_days(local_day(b), &year, &month, &day);
    inv.patient_id = patient_id;
    inv.issued_at = b->now;
    snprintf(inv.currency, sizeof(inv.currency), "%s", b->currency);
    rc = store_invoice_next_seq(b->db, year, &seq);
    if (rc != ERR_OK)
        return rc;
    snprintf(number, sizeof(number), "%04d-%06lld", year, (long long)seq);
    rc = store_invoice_insert(b->db, &inv, year, seq, number, &inv.id);
    if (rc == ERR_OK)
        rc = store_invoice_set_lines(b->db, inv.id, lines, n, &inv.totals);
    snprintf(memo, sizeof(memo), "Package invoice %s", number);
    ledger_package_sale(&inv.totals, &e);
    /* A free package is invoiced but moves no money. */
    if (rc == ERR_OK && inv.totals.total)
        rc = post(b, "invoice", memo, inv.id, 0, 0, &e);
    if (rc == ERR_OK)
        *invoice_id = inv.id;
    return rc;
}

int
billing_booking_line_add(const struct billing_ctx *b, int64_t booking_id, int64_t patient_id,
                         const struct store_service *service)
{
    struct store_invoice inv;
    struct store_invoice_line line = {.service_id = service->id,
                                      .description = service->name,
                                      .money = {.unit_price = service->price,
                                                .quantity = 1,
                                                .rate_bp = service->tax_rate_bp,
                                                .inclusive = service->tax_inclusive}};
    struct money_totals t;
    struct ledger_entry e;
    int64_t id;
    char memo[192];
    int rc = store_invoice_by_booking(b->db, booking_id, &inv);

    if (rc == ERR_NOT_FOUND)
        return billing_invoice_booking(b, booking_id, patient_id, service, 1, &id);
    if (rc != ERR_OK)
        return rc;
    money_line_compute(&line.money);
    t = (struct money_totals){line.money.net, line.money.tax, line.money.net + line.money.tax};
    rc = store_invoice_line_add(b->db, inv.id, &line);
    snprintf(memo, sizeof(memo), "%s: booking %lld", service->name, (long long)booking_id);
    ledger_invoice(&t, &e);
    if (rc == ERR_OK && t.total)
        rc = post(b, "invoice", memo, inv.id, 0, 0, &e);
    if (rc == ERR_OK)
        rc = fee_state(b, inv.id);
    return rc;
}

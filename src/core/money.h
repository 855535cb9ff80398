/* Money arithmetic and double-entry postings. Amounts are integer minor
 * units (cents); tax rates are basis points (1900 = 19.00 %). Pure: no
 * I/O, so every rounding rule is tested on its own. */
#ifndef CHAIRSIDE_CORE_MONEY_H
#define CHAIRSIDE_CORE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_MAX_RATE_BP 10000 /* 100 % */
#define MONEY_MAX_LINES 32
#define MONEY_MAX_POSTINGS 8

/* a * b / d rounded half away from zero; d > 0. */
int64_t money_mul_div_round(int64_t a, int64_t b, int64_t d);

/* One invoice line. unit_price is what the price list says: net of tax
 * when the rate is exclusive, including tax when it is inclusive. */
struct money_line {
    int64_t unit_price;
    int64_t quantity;
    int rate_bp;
    int inclusive;
    /* computed by money_line_compute */
    int64_t total; /* quantity * unit_price, as priced */
    int64_t net;
    int64_t tax;
};

/* Tax is rounded per line, half away from zero. */
void money_line_compute(struct money_line *line);

struct money_totals {
    int64_t subtotal; /* sum of line nets */
    int64_t tax;
    int64_t total; /* subtotal + tax: what the patient owes */
};

void money_totals(struct money_line *lines, size_t n, struct money_totals *out);

/* "unpaid", "partially_paid" or "paid" from what was confirmed. */
const char *money_invoice_status(int64_t total, int64_t paid);

/* --- Ledger --------------------------------------------------------------- */

#define LEDGER_CASH "1000"
#define LEDGER_CLEARING "1010" /* card and online payments */
#define LEDGER_BANK "1020"
#define LEDGER_RECEIVABLE "1100"
#define LEDGER_TAX "2200"
#define LEDGER_REVENUE "4000"
#define LEDGER_INVENTORY "1200"
#define LEDGER_PAYABLE "2000"
#define LEDGER_PRODUCT_SALES "4100"
#define LEDGER_COGS "5000" /* Cost of Consumables and Goods */

struct ledger_posting {
    const char *account_code; /* static strings */
    int64_t debit;
    int64_t credit;
};

struct ledger_entry {
    struct ledger_posting postings[MONEY_MAX_POSTINGS];
    size_t n;
};

/* Nonzero when debits equal credits, no amount is negative, and no
 * posting has both sides. */
int ledger_balanced(const struct ledger_entry *e);
/* Invoice raised: receivable against revenue and tax payable. */
void ledger_invoice(const struct money_totals *t, struct ledger_entry *out);
/* As ledger_invoice, with the net credited to revenue_code (a product
 * sold: LEDGER_PRODUCT_SALES). */
void ledger_invoice_to(const struct money_totals *t, const char *revenue_code,
                       struct ledger_entry *out);
/* Goods received on credit at cost: inventory against accounts payable. */
void ledger_stock_receipt(int64_t cost, struct ledger_entry *out);
/* Goods used up or sold, at cost: cost of goods against inventory. */
void ledger_stock_cost(int64_t cost, struct ledger_entry *out);
/* Money received by method ("cash", "card", "bank_transfer", "online"). */
void ledger_payment(const char *method, int64_t amount, struct ledger_entry *out);
/* Money paid back to the patient. */
void ledger_refund(const char *method, int64_t amount, struct ledger_entry *out);
/* The same postings with debit and credit swapped. */
void ledger_reverse(const struct ledger_entry *e, struct ledger_entry *out);
/* The account a payment method settles into; NULL for an unknown method. */
const char *ledger_method_account(const char *method);

#endif

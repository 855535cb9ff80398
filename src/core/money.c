/* Money arithmetic and the postings each money event makes. */
#include <string.h>

#include "core/money.h"

int64_t
money_mul_div_round(int64_t a, int64_t b, int64_t d)
{
    __int128 n = (__int128)a * b;
    __int128 q = n / d, r = n % d;

    /* Half away from zero: compare twice the remainder with the divisor. */
    if (r < 0)
        r = -r;
    if (2 * r >= d)
        q += n < 0 ? -1 : 1;
    return (int64_t)q;
}

void
money_line_compute(struct money_line *line)
{
    line->total = line->unit_price * line->quantity;
    if (line->inclusive) {
        line->tax = money_mul_div_round(line->total, line->rate_bp, 10000 + line->rate_bp);
        line->net = line->total - line->tax;
    } else {
        line->net = line->total;
        line->tax = money_mul_div_round(line->total, line->rate_bp, 10000);
    }
}

void
money_totals(struct money_line *lines, size_t n, struct money_totals *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        money_line_compute(&lines[i]);
        out->subtotal += lines[i].net;
        out->tax += lines[i].tax;
    }
    out->total = out->subtotal + out->tax;
}

const char *
money_invoice_status(int64_t total, int64_t paid)
{
    if (paid >= total)
        return "paid";
    return paid > 0 ? "partially_paid" : "unpaid";
}

static void
post(struct ledger_entry *e, const char *account, int64_t debit, int64_t credit)
{
    if (debit == 0 && credit == 0)
        return;
    e->postings[e->n].account_code = account;
    e->postings[e->n].debit = debit;
    e->postings[e->n].credit = credit;
    e->n++;
}

int
ledger_balanced(const struct ledger_entry *e)
{
    int64_t debit = 0, credit = 0;
    size_t i;

    if (e->n < 2)
        return 0;
    for (i = 0; i < e->n; i++) {
        const struct ledger_posting *p = &e->postings[i];

        if (!p->account_code || p->debit < 0 || p->credit < 0 || (p->debit && p->credit))
            return 0;
        debit += p->debit;
        credit += p->credit;
    }
    return debit == credit && debit > 0;
}

void
ledger_invoice(const struct money_totals *t, struct ledger_entry *out)
{
    ledger_invoice_to(t, LEDGER_REVENUE, out);
}

void
ledger_invoice_to(const struct money_totals *t, const char *revenue_code, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    post(out, LEDGER_RECEIVABLE, t->total, 0);
    post(out, revenue_code, 0, t->subtotal);
    post(out, LEDGER_TAX, 0, t->tax);
}

void
ledger_stock_receipt(int64_t cost, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    post(out, LEDGER_INVENTORY, cost, 0);
    post(out, LEDGER_PAYABLE, 0, cost);
}

void
ledger_stock_cost(int64_t cost, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    post(out, LEDGER_COGS, cost, 0);
    post(out, LEDGER_INVENTORY, 0, cost);
}

const char *
ledger_method_account(const char *method)
{
    if (strcmp(method, "cash") == 0)
        return LEDGER_CASH;
    if (strcmp(method, "card") == 0 || strcmp(method, "online") == 0)
        return LEDGER_CLEARING;
    if (strcmp(method, "bank_transfer") == 0)
        return LEDGER_BANK;
    return NULL;
}

void
ledger_payment(const char *method, int64_t amount, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    post(out, ledger_method_account(method), amount, 0);
    post(out, LEDGER_RECEIVABLE, 0, amount);
}

void
ledger_refund(const char *method, int64_t amount, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    post(out, LEDGER_RECEIVABLE, amount, 0);
    post(out, ledger_method_account(method), 0, amount);
}

void
ledger_reverse(const struct ledger_entry *e, struct ledger_entry *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < e->n; i++)
        post(out, e->postings[i].account_code, e->postings[i].credit, e->postings[i].debit);
}

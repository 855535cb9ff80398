/* Package prices, postings and limits; see packages.h. */
#include "core/packages.h"

#include <string.h>

void
package_split_price(int64_t price, size_t n, int64_t *out)
{
    size_t i;

    if (n == 0)
        return;
    for (i = 0; i < n; i++)
        out[i] = price / (int64_t)n + ((int64_t)i < price % (int64_t)n ? 1 : 0);
}

static void
add(struct ledger_entry *e, const char *code, int64_t debit, int64_t credit)
{
    /* Empty postings say nothing; leave them out as money.c does. */
    if ((debit || credit) && e->n < MONEY_MAX_POSTINGS)
        e->postings[e->n++] = (struct ledger_posting){code, debit, credit};
}

void
ledger_package_sale(const struct money_totals *t, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    add(out, LEDGER_RECEIVABLE, t->total, 0);
    add(out, LEDGER_UNEARNED, 0, t->subtotal);
    add(out, LEDGER_TAX, 0, t->tax);
}

void
ledger_package_recognise(int64_t amount, struct ledger_entry *out)
{
    memset(out, 0, sizeof(*out));
    add(out, LEDGER_UNEARNED, amount, 0);
    add(out, LEDGER_REVENUE, 0, amount);
}

int
package_limit_admits(const int64_t *ids, size_t n, int64_t id)
{
    size_t i;

    if (n == 0)
        return 1;
    for (i = 0; i < n; i++) {
        if (ids[i] == id)
            return 1;
    }
    return 0;
}

/* Packages as arithmetic: how a package's price becomes one invoice line
 * per unit, what its sale and the use of a unit post to the ledger, and
 * whether a package's limits admit a staff member and a location. Pure:
 * no I/O, so every rounding and limit rule is tested on its own. */
#ifndef CHAIRSIDE_CORE_PACKAGES_H
#define CHAIRSIDE_CORE_PACKAGES_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

#define PACKAGE_MAX_UNITS MONEY_MAX_LINES /* one invoice line per unit */
#define LEDGER_UNEARNED "2300"

/* Splits price over n unit lines so that they sum to price exactly: each
 * gets price / n and the first price % n lines one minor unit more. */
void package_split_price(int64_t price, size_t n, int64_t *out);

/* A package sold: receivable against Unearned Revenue (net) and tax. */
void ledger_package_sale(const struct money_totals *t, struct ledger_entry *out);
/* A unit used (or expired unused): amount moves from Unearned Revenue to
 * Service Revenue. */
void ledger_package_recognise(int64_t amount, struct ledger_entry *out);

/* 1 when id is in ids[0..n) or the list is empty (no limit). */
int package_limit_admits(const int64_t *ids, size_t n, int64_t id);

#endif

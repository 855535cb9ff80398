#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"

static void
test_round_half_away_from_zero(void **state)
{
    (void)state;
    assert_int_equal(money_mul_div_round(5, 1, 2), 3);   /* 2.5 -> 3 */
    assert_int_equal(money_mul_div_round(-5, 1, 2), -3); /* -2.5 -> -3 */
    assert_int_equal(money_mul_div_round(7, 1, 3), 2);   /* 2.33 -> 2 */
    assert_int_equal(money_mul_div_round(-7, 1, 3), -2);
    assert_int_equal(money_mul_div_round(8, 1, 3), 3); /* 2.67 -> 3 */
    assert_int_equal(money_mul_div_round(0, 1900, 10000), 0);
    /* no overflow in the product */
    assert_int_equal(money_mul_div_round(INT64_MAX / 2, 4, 4), INT64_MAX / 2);
}

static void
test_exclusive_tax(void **state)
{
    struct money_line l = {.unit_price = 1050, .quantity = 1, .rate_bp = 1900};

    (void)state;
    money_line_compute(&l);
    /* 10.50 * 19 % = 1.995 -> 2.00 */
    assert_int_equal(l.net, 1050);
    assert_int_equal(l.tax, 200);
    assert_int_equal(l.total, 1050);

    l = (struct money_line){.unit_price = 1025, .quantity = 2, .rate_bp = 700};
    money_line_compute(&l);
    /* 20.50 * 7 % = 1.435 -> 1.44 */
    assert_int_equal(l.net, 2050);
    assert_int_equal(l.tax, 144);
}

static void
test_inclusive_tax(void **state)
{
    struct money_line l = {.unit_price = 11900, .quantity = 1, .rate_bp = 1900, .inclusive = 1};

    (void)state;
    money_line_compute(&l);
    assert_int_equal(l.tax, 1900);
    assert_int_equal(l.net, 10000);
    assert_int_equal(l.total, 11900);

    /* 10.00 incl. 19 %: tax 1.5966 -> 1.60, net 8.40 */
    l = (struct money_line){.unit_price = 1000, .quantity = 1, .rate_bp = 1900, .inclusive = 1};
    money_line_compute(&l);
    assert_int_equal(l.tax, 160);
    assert_int_equal(l.net, 840);
    assert_int_equal(l.net + l.tax, l.total);
}

static void
test_no_tax(void **state)
{
    struct money_line l = {.unit_price = 4500, .quantity = 3};

    (void)state;
    money_line_compute(&l);
    assert_int_equal(l.tax, 0);
    assert_int_equal(l.net, 13500);
}

/* Rounding is per line: two lines of 0.05 tax-exclusive at 10 % give
 * 0.01 each (0.005 rounds up), 0.02 in all, not 0.01 on the sum. */
static void
test_totals_round_per_line(void **state)
{
    struct money_line lines[3] = {
        {.unit_price = 5, .quantity = 1, .rate_bp = 1000},
        {.unit_price = 5, .quantity = 1, .rate_bp = 1000},
        {.unit_price = 11900, .quantity = 1, .rate_bp = 1900, .inclusive = 1},
    };
    struct money_totals t;

    (void)state;
    money_totals(lines, 3, &t);
    assert_int_equal(t.tax, 1 + 1 + 1900);
    assert_int_equal(t.subtotal, 5 + 5 + 10000);
    assert_int_equal(t.total, t.subtotal + t.tax);
    assert_int_equal(t.total, 10 + 2 + 11900);
}

static void
test_invoice_status_with_partial_payments(void **state)
{
    (void)state;
    assert_string_equal(money_invoice_status(5000, 0), "unpaid");
    assert_string_equal(money_invoice_status(5000, 1), "partially_paid");
    assert_string_equal(money_invoice_status(5000, 4999), "partially_paid");
    assert_string_equal(money_invoice_status(5000, 5000), "paid");
    assert_string_equal(money_invoice_status(0, 0), "paid");
}

static int64_t
side(const struct ledger_entry *e, const char *account, int debit)
{
    int64_t sum = 0;
    size_t i;

    for (i = 0; i < e->n; i++) {
        if (strcmp(e->postings[i].account_code, account) == 0)
            sum += debit ? e->postings[i].debit : e->postings[i].credit;
    }
    return sum;
}

static void
test_invoice_entry_balances(void **state)
{
    struct money_totals t = {.subtotal = 10000, .tax = 1900, .total = 11900};
    struct ledger_entry e, r;

    (void)state;
    ledger_invoice(&t, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_RECEIVABLE, 1), 11900);
    assert_int_equal(side(&e, LEDGER_REVENUE, 0), 10000);
    assert_int_equal(side(&e, LEDGER_TAX, 0), 1900);

    ledger_reverse(&e, &r);
    assert_true(ledger_balanced(&r));
    assert_int_equal(side(&r, LEDGER_RECEIVABLE, 0), 11900);
    assert_int_equal(side(&r, LEDGER_REVENUE, 1), 10000);
    assert_int_equal(side(&r, LEDGER_TAX, 1), 1900);

    /* Without tax there is no tax posting at all. */
    t = (struct money_totals){.subtotal = 5000, .total = 5000};
    ledger_invoice(&t, &e);
    assert_int_equal(e.n, 2);
    assert_true(ledger_balanced(&e));
}

static void
test_payment_and_refund_accounts(void **state)
{
    struct ledger_entry e;

    (void)state;
    ledger_payment("cash", 2500, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_CASH, 1), 2500);
    assert_int_equal(side(&e, LEDGER_RECEIVABLE, 0), 2500);
    ledger_payment("online", 100, &e);
    assert_int_equal(side(&e, LEDGER_CLEARING, 1), 100);
    ledger_payment("bank_transfer", 100, &e);
    assert_int_equal(side(&e, LEDGER_BANK, 1), 100);
    ledger_refund("card", 700, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_RECEIVABLE, 1), 700);
    assert_int_equal(side(&e, LEDGER_CLEARING, 0), 700);
    assert_null(ledger_method_account("cheque"));
    ledger_payment("cheque", 100, &e);
    assert_false(ledger_balanced(&e));
}

static void
test_unbalanced_entries_are_refused(void **state)
{
    struct ledger_entry e = {.n = 2};

    (void)state;
    e.postings[0] = (struct ledger_posting){LEDGER_CASH, 100, 0};
    e.postings[1] = (struct ledger_posting){LEDGER_RECEIVABLE, 0, 99};
    assert_false(ledger_balanced(&e));
    e.postings[1].credit = 100;
    assert_true(ledger_balanced(&e));
    e.postings[0].credit = 5; /* both sides on one posting */
    e.postings[1].credit = 105;
    assert_false(ledger_balanced(&e));
    e = (struct ledger_entry){.n = 2};
    e.postings[0] = (struct ledger_posting){LEDGER_CASH, -100, 0};
    e.postings[1] = (struct ledger_posting){LEDGER_RECEIVABLE, 0, -100};
    assert_false(ledger_balanced(&e));
}

static void
test_stock_and_product_entries(void **state)
{
    struct money_totals t = {.subtotal = 1000, .tax = 190, .total = 1190};
    struct ledger_entry e, r;

    (void)state;
    ledger_invoice_to(&t, LEDGER_PRODUCT_SALES, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_PRODUCT_SALES, 0), 1000);
    assert_int_equal(side(&e, LEDGER_REVENUE, 0), 0);
    assert_int_equal(side(&e, LEDGER_TAX, 0), 190);
    ledger_stock_receipt(4200, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_INVENTORY, 1), 4200);
    assert_int_equal(side(&e, LEDGER_PAYABLE, 0), 4200);
    ledger_stock_cost(300, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(side(&e, LEDGER_COGS, 1), 300);
    assert_int_equal(side(&e, LEDGER_INVENTORY, 0), 300);
    ledger_reverse(&e, &r);
    assert_int_equal(side(&r, LEDGER_INVENTORY, 1), 300);
    assert_int_equal(side(&r, LEDGER_COGS, 0), 300);
    /* Goods without a cost move no money: there is nothing to post. */
    ledger_stock_cost(0, &e);
    assert_false(ledger_balanced(&e));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_half_away_from_zero),
        cmocka_unit_test(test_exclusive_tax),
        cmocka_unit_test(test_inclusive_tax),
        cmocka_unit_test(test_no_tax),
        cmocka_unit_test(test_totals_round_per_line),
        cmocka_unit_test(test_invoice_status_with_partial_payments),
        cmocka_unit_test(test_invoice_entry_balances),
        cmocka_unit_test(test_payment_and_refund_accounts),
        cmocka_unit_test(test_unbalanced_entries_are_refused),
        cmocka_unit_test(test_stock_and_product_entries),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

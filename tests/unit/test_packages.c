#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/packages.h"

static void
test_split_sums_to_price(void **state)
{
    int64_t out[7], sum = 0;
    size_t i;

    (void)state;
    package_split_price(10000, 3, out);
    assert_int_equal(out[0], 3334);
    assert_int_equal(out[1], 3333);
    assert_int_equal(out[2], 3333);
    package_split_price(20001, 7, out);
    for (i = 0; i < 7; i++) {
        sum += out[i];
        assert_true(out[i] == 2857 || out[i] == 2858);
    }
    assert_int_equal(sum, 20001);
    package_split_price(0, 2, out);
    assert_int_equal(out[0] + out[1], 0);
}

static void
test_sale_credits_unearned_revenue(void **state)
{
    struct money_totals t = {10000, 1900, 11900};
    struct ledger_entry e;

    (void)state;
    ledger_package_sale(&t, &e);
    assert_true(ledger_balanced(&e));
    assert_int_equal(e.n, 3);
    assert_string_equal(e.postings[0].account_code, LEDGER_RECEIVABLE);
    assert_int_equal(e.postings[0].debit, 11900);
    assert_string_equal(e.postings[1].account_code, LEDGER_UNEARNED);
    assert_int_equal(e.postings[1].credit, 10000);
    assert_string_equal(e.postings[2].account_code, LEDGER_TAX);
    assert_int_equal(e.postings[2].credit, 1900);
}

static void
test_recognition_moves_unearned_to_revenue(void **state)
{
    struct ledger_entry e, r;

    (void)state;
    ledger_package_recognise(4500, &e);
    assert_true(ledger_balanced(&e));
    assert_string_equal(e.postings[0].account_code, LEDGER_UNEARNED);
    assert_int_equal(e.postings[0].debit, 4500);
    assert_string_equal(e.postings[1].account_code, LEDGER_REVENUE);
    assert_int_equal(e.postings[1].credit, 4500);
    ledger_reverse(&e, &r);
    assert_true(ledger_balanced(&r));
    assert_int_equal(r.postings[0].credit, 4500);
    ledger_package_recognise(0, &e);
    assert_false(ledger_balanced(&e)); /* nothing to post */
}

static void
test_limits(void **state)
{
    const int64_t ids[] = {3, 7};

    (void)state;
    assert_true(package_limit_admits(ids, 0, 99)); /* [] = any */
    assert_true(package_limit_admits(ids, 2, 7));
    assert_false(package_limit_admits(ids, 2, 4));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_sums_to_price),
        cmocka_unit_test(test_sale_credits_unearned_revenue),
        cmocka_unit_test(test_recognition_moves_unearned_to_revenue),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

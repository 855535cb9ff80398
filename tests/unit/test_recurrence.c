#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/recurrence.h"
#include "util/err.h"

#define BUF_LEN (RECUR_MAX_OCCURRENCES + 100)

static int64_t
day(int y, int m, int d)
{
    return civil_days_from_date(y, m, d);
}

/* Expands with a buffer larger than any legal series so that tests of the
 * length limit exercise the module's cap, not the buffer size. */
static int
expand(enum recur_every every, int interval, int64_t first, int64_t until, size_t max,
       int64_t *days, size_t *n)
{
    struct recur_rule rule = {.every = every, .interval = interval, .until_day = until};

    return recur_expand_days(&rule, first, days, max, n);
}

static void
assert_date(int64_t got, int y, int m, int d)
{
    char want_s[CIVIL_DATE_LEN];
    char got_s[CIVIL_DATE_LEN];

    civil_format_date(day(y, m, d), want_s);
    civil_format_date(got, got_s);
    assert_string_equal(got_s, want_s);
}

static void
test_daily_week_inclusive(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 99;
    size_t i;

    (void)state;
    assert_int_equal(expand(RECUR_DAY, 1, day(2025, 3, 3), day(2025, 3, 9), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 7);
    for (i = 0; i < n; i++)
        assert_date(days[i], 2025, 3, 3 + (int)i);
}

static void
test_daily_interval_3(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;
    size_t i;

    (void)state;
    assert_int_equal(expand(RECUR_DAY, 3, day(2025, 3, 1), day(2025, 3, 20), BUF_LEN, days, &n),
                     ERR_OK);
    /* 1, 4, ..., 19: the 22nd would be past until. */
    assert_int_equal(n, 7);
    for (i = 0; i < n; i++)
        assert_date(days[i], 2025, 3, 1 + 3 * (int)i);
}

static void
test_weekly_interval_2_across_dst(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;
    size_t i;

    (void)state;
    /* Europe changes clocks on 2025-03-30, the US on 2025-03-09; dates
     * must not drift by a day either way. */
    assert_int_equal(expand(RECUR_WEEK, 2, day(2025, 3, 2), day(2025, 4, 27), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 5);
    assert_date(days[0], 2025, 3, 2);
    assert_date(days[2], 2025, 3, 30);
    assert_date(days[4], 2025, 4, 27);
    for (i = 0; i < n; i++) {
        assert_int_equal(days[i] - days[0], 14 * (int64_t)i);
        assert_int_equal(civil_weekday(days[i]), 7);
    }
}

static void
test_weekly_across_new_year(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;
    size_t i;

    (void)state;
    assert_int_equal(expand(RECUR_WEEK, 1, day(2025, 12, 22), day(2026, 1, 19), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 5);
    for (i = 0; i < n; i++)
        assert_int_equal(days[i] - days[0], 7 * (int64_t)i);
    assert_date(days[4], 2026, 1, 19);
}

static void
test_monthly_from_31st_skips_short_months(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;

    (void)state;
    assert_int_equal(expand(RECUR_MONTH, 1, day(2025, 1, 31), day(2025, 12, 31), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 7);
    assert_date(days[0], 2025, 1, 31);
    assert_date(days[1], 2025, 3, 31);
    assert_date(days[2], 2025, 5, 31);
    assert_date(days[3], 2025, 7, 31);
    assert_date(days[4], 2025, 8, 31);
    assert_date(days[5], 2025, 10, 31);
    assert_date(days[6], 2025, 12, 31);
}

static void
test_monthly_from_15th(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;
    size_t i;

    (void)state;
    assert_int_equal(expand(RECUR_MONTH, 1, day(2025, 1, 15), day(2025, 6, 20), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 6);
    for (i = 0; i < n; i++)
        assert_date(days[i], 2025, 1 + (int)i, 15);

    assert_int_equal(expand(RECUR_MONTH, 2, day(2025, 11, 15), day(2026, 5, 15), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 4);
    assert_date(days[1], 2026, 1, 15);
    assert_date(days[3], 2026, 5, 15);
}

static void
test_monthly_29th_follows_leap_years(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;

    (void)state;
    assert_int_equal(expand(RECUR_MONTH, 1, day(2024, 1, 29), day(2024, 3, 29), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 3);
    assert_date(days[1], 2024, 2, 29);

    assert_int_equal(expand(RECUR_MONTH, 1, day(2025, 1, 29), day(2025, 3, 29), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 2);
    assert_date(days[1], 2025, 3, 29);
}

static void
test_until_equals_first(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;

    (void)state;
    assert_int_equal(expand(RECUR_WEEK, 1, day(2025, 6, 1), day(2025, 6, 1), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    assert_date(days[0], 2025, 6, 1);
}

static void
test_until_before_first(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 99;

    (void)state;
    assert_int_equal(expand(RECUR_DAY, 1, day(2025, 6, 2), day(2025, 6, 1), BUF_LEN, days, &n),
                     ERR_INVALID);
    assert_int_equal(n, 0);
}

static void
test_interval_bounds(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 99;
    int64_t first = day(2025, 1, 1);

    (void)state;
    assert_int_equal(expand(RECUR_DAY, 0, first, first + 10, BUF_LEN, days, &n), ERR_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(expand(RECUR_DAY, -1, first, first + 10, BUF_LEN, days, &n), ERR_INVALID);
    assert_int_equal(expand(RECUR_DAY, 367, first, first + 400, BUF_LEN, days, &n), ERR_INVALID);
    assert_int_equal(expand(RECUR_DAY, 366, first, first + 400, BUF_LEN, days, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(days[1], first + 366);
}

static void
test_too_many_occurrences(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 99;
    int64_t first = day(2025, 1, 1);

    (void)state;
    /* Two years of daily visits overflows RECUR_MAX_OCCURRENCES. */
    assert_int_equal(
        expand(RECUR_DAY, 1, first, day(2026, 12, 31), RECUR_MAX_OCCURRENCES, days, &n),
        ERR_INVALID);
    assert_int_equal(n, 0);

    /* Exactly max fits; one more does not. */
    assert_int_equal(expand(RECUR_DAY, 1, first, first + 9, 10, days, &n), ERR_OK);
    assert_int_equal(n, 10);
    assert_int_equal(expand(RECUR_DAY, 1, first, first + 10, 10, days, &n), ERR_INVALID);
    assert_int_equal(expand(RECUR_DAY, 1, first, first, 0, days, &n), ERR_INVALID);

    /* A larger buffer does not lift the series limit. */
    assert_int_equal(
        expand(RECUR_DAY, 1, first, first + RECUR_MAX_OCCURRENCES - 1, BUF_LEN, days, &n), ERR_OK);
    assert_int_equal(n, RECUR_MAX_OCCURRENCES);
    assert_int_equal(expand(RECUR_DAY, 1, first, first + RECUR_MAX_OCCURRENCES, BUF_LEN, days, &n),
                     ERR_INVALID);
}

static void
test_date_range(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 0;

    (void)state;
    assert_int_equal(expand(RECUR_DAY, 1, day(1899, 12, 31), day(1900, 1, 2), BUF_LEN, days, &n),
                     ERR_INVALID);
    assert_int_equal(expand(RECUR_DAY, 1, day(1900, 1, 1), day(1900, 1, 2), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 2);
    /* Past libical's last year the series would be cut short silently. */
    assert_int_equal(expand(RECUR_DAY, 1, day(2582, 12, 30), day(2583, 1, 1), BUF_LEN, days, &n),
                     ERR_INVALID);
    assert_int_equal(expand(RECUR_MONTH, 1, day(2582, 1, 31), day(2582, 12, 31), BUF_LEN, days, &n),
                     ERR_OK);
    assert_int_equal(n, 7);
    assert_date(days[6], 2582, 12, 31);
}

static void
test_bad_arguments(void **state)
{
    int64_t days[BUF_LEN];
    size_t n = 99;
    int64_t first = day(2025, 1, 1);
    struct recur_rule rule = {.every = RECUR_DAY, .interval = 1, .until_day = first};

    (void)state;
    assert_int_equal(recur_expand_days(NULL, first, days, BUF_LEN, &n), ERR_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(recur_expand_days(&rule, first, NULL, BUF_LEN, &n), ERR_INVALID);
    assert_int_equal(recur_expand_days(&rule, first, days, BUF_LEN, NULL), ERR_INVALID);
    rule.every = (enum recur_every)42;
    assert_int_equal(recur_expand_days(&rule, first, days, BUF_LEN, &n), ERR_INVALID);
}

static void
test_parse_every(void **state)
{
    enum recur_every e = RECUR_MONTH;

    (void)state;
    assert_int_equal(recur_parse_every("day", &e), ERR_OK);
    assert_int_equal(e, RECUR_DAY);
    assert_int_equal(recur_parse_every("week", &e), ERR_OK);
    assert_int_equal(e, RECUR_WEEK);
    assert_int_equal(recur_parse_every("month", &e), ERR_OK);
    assert_int_equal(e, RECUR_MONTH);

    assert_int_equal(recur_parse_every("year", &e), ERR_INVALID);
    assert_int_equal(recur_parse_every("", &e), ERR_INVALID);
    assert_int_equal(recur_parse_every("Day", &e), ERR_INVALID);
    assert_int_equal(recur_parse_every("days", &e), ERR_INVALID);
    assert_int_equal(recur_parse_every(NULL, &e), ERR_INVALID);
    assert_int_equal(recur_parse_every("day", NULL), ERR_INVALID);
    assert_int_equal(e, RECUR_MONTH);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily_week_inclusive),
        cmocka_unit_test(test_daily_interval_3),
        cmocka_unit_test(test_weekly_interval_2_across_dst),
        cmocka_unit_test(test_weekly_across_new_year),
        cmocka_unit_test(test_monthly_from_31st_skips_short_months),
        cmocka_unit_test(test_monthly_from_15th),
        cmocka_unit_test(test_monthly_29th_follows_leap_years),
        cmocka_unit_test(test_until_equals_first),
        cmocka_unit_test(test_until_before_first),
        cmocka_unit_test(test_interval_bounds),
        cmocka_unit_test(test_too_many_occurrences),
        cmocka_unit_test(test_date_range),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_parse_every),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

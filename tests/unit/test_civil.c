#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/civil.h"
#include "util/err.h"

static void
test_epoch_and_known_days(void **state)
{
    (void)state;
    assert_int_equal(civil_days_from_date(1970, 1, 1), 0);
    assert_int_equal(civil_days_from_date(1969, 12, 31), -1);
    assert_int_equal(civil_days_from_date(2000, 3, 1), 11017);
    assert_int_equal(civil_days_from_date(2026, 3, 29), 20541);
    assert_int_equal(civil_days_from_date(1900, 1, 1), -25567);
    assert_int_equal(civil_days_from_date(9999, 12, 31), 2932896);
}

/* Every day from 1600 to 2500 converts back to itself and consecutive day
 * numbers are consecutive calendar dates. */
static void
test_round_trip_centuries(void **state)
{
    int64_t start = civil_days_from_date(1600, 1, 1);
    int64_t end = civil_days_from_date(2500, 12, 31);
    int py = 1599, pm = 12, pd = 31;

    (void)state;
    for (int64_t d = start; d <= end; d++) {
        int y, m, dd;

        civil_date_from_days(d, &y, &m, &dd);
        assert_int_equal(civil_days_from_date(y, m, dd), d);
        if (pd == civil_days_in_month(py, pm)) {
            assert_int_equal(dd, 1);
            assert_int_equal(m, pm == 12 ? 1 : pm + 1);
            assert_int_equal(y, pm == 12 ? py + 1 : py);
        } else {
            assert_int_equal(dd, pd + 1);
            assert_int_equal(m, pm);
            assert_int_equal(y, py);
        }
        py = y;
        pm = m;
        pd = dd;
    }
}

static void
test_negative_years_round_trip(void **state)
{
    int y, m, d;

    (void)state;
    civil_date_from_days(civil_days_from_date(-400, 2, 29), &y, &m, &d);
    assert_int_equal(y, -400);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    civil_date_from_days(civil_days_from_date(-1, 12, 31) + 1, &y, &m, &d);
    assert_int_equal(y, 0);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
}

static void
test_leap_years(void **state)
{
    (void)state;
    assert_int_equal(civil_days_in_month(2000, 2), 29);
    assert_int_equal(civil_days_in_month(1900, 2), 28);
    assert_int_equal(civil_days_in_month(2024, 2), 29);
    assert_int_equal(civil_days_in_month(2026, 2), 28);
    assert_int_equal(civil_days_in_month(2100, 2), 28);
    assert_int_equal(civil_days_in_month(2026, 4), 30);
    assert_int_equal(civil_days_in_month(2026, 12), 31);
    assert_int_equal(civil_days_in_month(2026, 0), 0);
    assert_int_equal(civil_days_in_month(2026, 13), 0);
    /* Leap day is one day before March 1 in leap years only. */
    assert_int_equal(civil_days_from_date(2024, 3, 1) - civil_days_from_date(2024, 2, 28), 2);
    assert_int_equal(civil_days_from_date(1900, 3, 1) - civil_days_from_date(1900, 2, 28), 1);
    assert_int_equal(civil_days_from_date(2000, 3, 1) - civil_days_from_date(2000, 2, 28), 2);
}

static void
test_weekday(void **state)
{
    (void)state;
    assert_int_equal(civil_weekday(0), 4);                                /* Thu */
    assert_int_equal(civil_weekday(-1), 3);                               /* Wed */
    assert_int_equal(civil_weekday(civil_days_from_date(2000, 1, 1)), 6); /* Sat */
    assert_int_equal(civil_weekday(civil_days_from_date(2026, 3, 29)), 7);
    assert_int_equal(civil_weekday(civil_days_from_date(2026, 3, 30)), 1);
    assert_int_equal(civil_weekday(civil_days_from_date(1900, 1, 1)), 1);
    assert_int_equal(civil_weekday(civil_days_from_date(1969, 7, 20)), 7);
    assert_int_equal(civil_weekday(civil_days_from_date(1600, 1, 1)), 6);
}

static void
test_parse_date_valid(void **state)
{
    int64_t d = -12345;

    (void)state;
    assert_int_equal(civil_parse_date("1970-01-01", &d), ERR_OK);
    assert_int_equal(d, 0);
    assert_int_equal(civil_parse_date("2024-02-29", &d), ERR_OK);
    assert_int_equal(d, civil_days_from_date(2024, 2, 29));
    assert_int_equal(civil_parse_date("2000-02-29", &d), ERR_OK);
    assert_int_equal(civil_parse_date("1900-01-01", &d), ERR_OK);
    assert_int_equal(civil_parse_date("9999-12-31", &d), ERR_OK);
    assert_int_equal(d, civil_days_from_date(9999, 12, 31));
}

static void
test_parse_date_rejects(void **state)
{
    static const char *bad[] = {
        "2026-02-30", "2026-1-01",   "2026-01-1",   "26-01-01",   "2026/01/01", "2026-00-10",
        "2026-13-01", "2026-04-31",  "1900-02-29",  "2023-02-29", "1899-12-31", "10000-01-01",
        "",           "2026-01-01 ", " 2026-01-01", "2026-01-0a", "+026-01-01", "2026-01-01T",
        "2026-01",    "2026-01-00",  "-001-01-01",
    };
    int64_t d = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (civil_parse_date(bad[i], &d) != ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(d, 42);
    assert_int_equal(civil_parse_date(NULL, &d), ERR_INVALID);
}

static void
test_parse_hhmm(void **state)
{
    static const char *bad[] = {"24:01",  "9:00", "09:0",  "25:00", "12:60", "12-00",   "",
                                "12:00 ", "1200", "-1:00", "24:30", "ab:cd", "09:00:00"};
    int m = -1;

    (void)state;
    assert_int_equal(civil_parse_hhmm("00:00", &m), ERR_OK);
    assert_int_equal(m, 0);
    assert_int_equal(civil_parse_hhmm("09:30", &m), ERR_OK);
    assert_int_equal(m, 570);
    assert_int_equal(civil_parse_hhmm("23:59", &m), ERR_OK);
    assert_int_equal(m, 1439);
    assert_int_equal(civil_parse_hhmm("24:00", &m), ERR_OK);
    assert_int_equal(m, 1440);
    m = 7;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (civil_parse_hhmm(bad[i], &m) != ERR_INVALID)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(m, 7);
}

static void
test_format(void **state)
{
    char date[CIVIL_DATE_LEN];
    char hhmm[CIVIL_HHMM_LEN];
    int64_t d;

    (void)state;
    civil_format_date(0, date);
    assert_string_equal(date, "1970-01-01");
    civil_format_date(civil_days_from_date(2024, 2, 29), date);
    assert_string_equal(date, "2024-02-29");
    civil_format_date(civil_days_from_date(1900, 3, 1), date);
    assert_string_equal(date, "1900-03-01");
    assert_int_equal(civil_parse_date("2026-12-01", &d), ERR_OK);
    civil_format_date(d, date);
    assert_string_equal(date, "2026-12-01");
    civil_format_hhmm(0, hhmm);
    assert_string_equal(hhmm, "00:00");
    civil_format_hhmm(545, hhmm);
    assert_string_equal(hhmm, "09:05");
    civil_format_hhmm(1440, hhmm);
    assert_string_equal(hhmm, "24:00");
}

/* Out-of-range input must not write past the fixed-size buffers. */
static void
test_format_clamps(void **state)
{
    char date[CIVIL_DATE_LEN + 1];
    char hhmm[CIVIL_HHMM_LEN + 1];

    (void)state;
    memset(date, 'x', sizeof(date));
    civil_format_date(civil_days_from_date(12000, 1, 1), date);
    assert_string_equal(date, "9999-12-31");
    assert_int_equal(date[CIVIL_DATE_LEN], 'x');
    civil_format_date(civil_days_from_date(-50, 6, 1), date);
    assert_string_equal(date, "0000-01-01");
    memset(hhmm, 'x', sizeof(hhmm));
    civil_format_hhmm(100000, hhmm);
    assert_string_equal(hhmm, "24:00");
    assert_int_equal(hhmm[CIVIL_HHMM_LEN], 'x');
    civil_format_hhmm(-5, hhmm);
    assert_string_equal(hhmm, "00:00");
}

/* Seconds before 1970 belong to the day before, not to day 0. */
static void
test_day_of(void **state)
{
    (void)state;
    assert_int_equal(civil_day_of(0), 0);
    assert_int_equal(civil_day_of(86399), 0);
    assert_int_equal(civil_day_of(86400), 1);
    assert_int_equal(civil_day_of(-1), -1);
    assert_int_equal(civil_day_of(-86400), -1);
    assert_int_equal(civil_day_of(-86401), -2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_and_known_days),
        cmocka_unit_test(test_round_trip_centuries),
        cmocka_unit_test(test_negative_years_round_trip),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_parse_date_valid),
        cmocka_unit_test(test_parse_date_rejects),
        cmocka_unit_test(test_parse_hhmm),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_clamps),
        cmocka_unit_test(test_day_of),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

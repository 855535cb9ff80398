/* Arabic dates and times of the patient's e-mails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arabic.h"
#include "core/civil.h"

static void
test_date(void **state)
{
    char out[AR_DATE_LEN];

    (void)state;
    ar_format_date(civil_days_from_date(2026, 12, 1), out);
    assert_string_equal(out, "١ ديسمبر ٢٠٢٦");
    ar_format_date(civil_days_from_date(2027, 1, 31), out);
    assert_string_equal(out, "٣١ يناير ٢٠٢٧");
    ar_format_date(civil_days_from_date(2026, 10, 15), out);
    assert_string_equal(out, "١٥ أكتوبر ٢٠٢٦");
}

static void
test_time(void **state)
{
    char out[AR_HHMM_LEN];

    (void)state;
    ar_format_hhmm(10 * 60 + 30, out);
    assert_string_equal(out, "١٠:٣٠");
    ar_format_hhmm(23 * 60 + 59, out);
    assert_string_equal(out, "٢٣:٥٩");
    ar_format_hhmm(0, out);
    assert_string_equal(out, "٠٠:٠٠");
}

static void
test_digits_never_cut_a_character(void **state)
{
    char out[6];

    (void)state;
    ar_digits("a123", out, sizeof(out));
    /* "a" and two digits fit in 5 bytes; the third would not. */
    assert_string_equal(out, "a١٢");
    ar_digits("", out, sizeof(out));
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_digits_never_cut_a_character),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

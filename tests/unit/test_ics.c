/* core/ics.c: building events with libical (reading them back is
 * test_ics_busy.c's). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/ics.h"
#include "util/err.h"

/* 2026-12-07 09:00 UTC .. 09:30 */
#define START INT64_C(1796634000)
#define END (START + 1800)

static void
test_build_event(void **state)
{
    struct ics_event ev = {"booking-5@chairside",
                           START,
                           END,
                           START - 86400,
                           "Prophylaxe",
                           "Jörg",
                           "Praxis Mitte",
                           "Dr. Weiß",
                           "weiss@clinic.test",
                           7,
                           0};
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_calendar_build(&ev, 1, "REQUEST", &b), ERR_OK);
    assert_non_null(strstr(b.data, "BEGIN:VCALENDAR\r\n"));
    assert_non_null(strstr(b.data, "METHOD:REQUEST\r\n"));
    assert_non_null(strstr(b.data, "UID:booking-5@chairside\r\n"));
    assert_non_null(strstr(b.data, "DTSTART:20261207T090000Z\r\n"));
    assert_non_null(strstr(b.data, "DTEND:20261207T093000Z\r\n"));
    assert_non_null(strstr(b.data, "SUMMARY:Prophylaxe\r\n"));
    assert_non_null(strstr(b.data, "mailto:weiss@clinic.test"));
    assert_non_null(strstr(b.data, "X-CHAIRSIDE-STAFF:7\r\n"));
    assert_non_null(strstr(b.data, "STATUS:CONFIRMED"));
    buf_cleanup(&b);
}

/* Found by fuzz_icsbuild (tests/fuzz/corpus/icsbuild/crash-attendee-crlf):
 * libical writes an ATTENDEE address as it is, so a CR LF in it started
 * lines of its own, here a second VEVENT. */
static void
test_address_with_line_break_is_not_written(void **state)
{
    struct ics_event ev = {"booking-6@chairside",         START, END, START,
                           "S\r\nATTENDEE:mailto:evil@x", "",    "",  "Dr\r\nX: y",
                           "x@y\r\nBEGIN:VEVENT",         7,     0};
    const char *first;
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_calendar_build(&ev, 1, NULL, &b), ERR_OK);
    first = strstr(b.data, "BEGIN:VEVENT\r\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "BEGIN:VEVENT"));
    assert_null(strstr(b.data, "\r\nATTENDEE"));
    assert_non_null(strstr(b.data, "\r\nX-CHAIRSIDE-STAFF:7\r\n"));
    buf_cleanup(&b);
}

/* Found by fuzz_icsbuild (corpus/icsbuild/crash-fold-between-cr-lf): a
 * 73-character description made libical fold between the CR and the LF
 * ending its line, leaving "+\r\r\n \n": a bare CR and a bare LF. */
static void
test_fold_never_splits_a_line_end(void **state)
{
    char description[80];
    struct ics_event ev = {
        "booking-7@chairside", START, END, START, "I x-raC", description, "", "", "", 7, 0};
    struct buf b;
    size_t i;

    (void)state;
    memcpy(description, "hairs", 5);
    memset(description + 5, '>', 67);
    memcpy(description + 72, "+", 2);
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_calendar_build(&ev, 1, NULL, &b), ERR_OK);
    for (i = 0; i < b.len; i++) {
        if (b.data[i] == '\r')
            assert_int_equal(b.data[i + 1], '\n');
        if (b.data[i] == '\n')
            assert_true(i > 0 && b.data[i - 1] == '\r');
    }
    assert_non_null(strstr(b.data, ">+\r\nSTATUS:CONFIRMED\r\n"));
    buf_cleanup(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_event),
        cmocka_unit_test(test_address_with_line_break_is_not_written),
        cmocka_unit_test(test_fold_never_splits_a_line_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

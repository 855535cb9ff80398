/* core/ics.c: building events with libical and finding a staff member's
 * overlapping events in a CalDAV answer. */
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

static const struct ics_staff_key who = {7, "Dr. Weiß", "weiss@clinic.test"};

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
    /* Our own event is found as the staff member's, but skipped by UID. */
    {
        int found = 0;

        assert_int_equal(ics_find_overlap(b.data, &who, START, END, NULL, &found), ERR_OK);
        assert_true(found);
        assert_int_equal(ics_find_overlap(b.data, &who, START, END, "booking-5@chairside", &found),
                         ERR_OK);
        assert_false(found);
    }
    buf_cleanup(&b);
}

static const char multistatus_head[] =
    "<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\" "
    "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><response><href>/d/x.ics</href><propstat><prop>"
    "<C:calendar-data>BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nPRODID:x&#13;\n"
    "BEGIN:VEVENT&#13;\nUID:other@pms&#13;\nDTSTAMP:20260101T000000Z&#13;\n"
    "DTSTART:20261207T091500Z&#13;\nDTEND:20261207T100000Z&#13;\nSUMMARY:A &amp; B&#13;\n";
static const char multistatus_tail[] =
    "&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n</C:calendar-data></prop></propstat>"
    "</response></multistatus>";

static int
found_with(const char *staff_line, int64_t start, int64_t end)
{
    struct buf text;
    int found = -1;

    buf_init(&text, 1 << 16);
    assert_int_equal(buf_puts(&text, multistatus_head), ERR_OK);
    assert_int_equal(buf_puts(&text, staff_line), ERR_OK);
    assert_int_equal(buf_puts(&text, multistatus_tail), ERR_OK);
    assert_int_equal(ics_find_overlap(text.data, &who, start, end, "booking-5@chairside", &found),
                     ERR_OK);
    buf_cleanup(&text);
    return found;
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

static void
test_overlap_by_staff_property(void **state)
{
    (void)state;
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:7", START, END), 1);
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:WEISS@clinic.test", START, END), 1);
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:8", START, END), 0);
    assert_int_equal(found_with("ATTENDEE:mailto:Weiss@Clinic.test", START, END), 1);
    assert_int_equal(found_with("ATTENDEE;CN=Dr. Weiß:mailto:x@y.test", START, END), 1);
    assert_int_equal(found_with("ATTENDEE:mailto:other@clinic.test", START, END), 0);
    assert_int_equal(found_with("SUMMARY:nobody", START, END), 0);
}

static void
test_overlap_needs_shared_time(void **state)
{
    (void)state;
    /* The event runs 09:15-10:00. */
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:7", START - 3600, START + 900), 0);
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:7", START - 3600, START + 901), 1);
    assert_int_equal(found_with("X-CHAIRSIDE-STAFF:7", START + 3600, START + 7200), 0);
}

static void
test_nothing_to_find(void **state)
{
    int found = -1;

    (void)state;
    assert_int_equal(ics_find_overlap("<multistatus/>", &who, START, END, NULL, &found), ERR_OK);
    assert_int_equal(found, 0);
    assert_int_equal(ics_find_overlap("BEGIN:VCALENDAR\r\ngarbage", &who, START, END, NULL, &found),
                     ERR_OK);
    assert_int_equal(found, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_event),
        cmocka_unit_test(test_address_with_line_break_is_not_written),
        cmocka_unit_test(test_fold_never_splits_a_line_end),
        cmocka_unit_test(test_overlap_by_staff_property),
        cmocka_unit_test(test_overlap_needs_shared_time),
        cmocka_unit_test(test_nothing_to_find),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* core/ics.c: building events with libical (reading them back is
 * test_ics_busy.c's). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
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
    assert_non_null(strstr(b.data, "SEQUENCE:0\r\n"));
    /* An iTIP message invites its recipient only: the staff member is
     * named by X-CHAIRSIDE-STAFF, not as an ATTENDEE. */
    assert_null(strstr(b.data, "ATTENDEE"));
    assert_non_null(strstr(b.data, "X-CHAIRSIDE-STAFF:7\r\n"));
    assert_non_null(strstr(b.data, "STATUS:CONFIRMED"));
    buf_cleanup(&b);
}

/* The diary's copy (no METHOD) names the staff member as an ATTENDEE. */
static void
test_diary_event_has_staff_attendee(void **state)
{
    struct ics_event ev = {"booking-5@chairside", START, END, START,
                           "Prophylaxe",          "",    "",  "Dr. Weiß",
                           "weiss@clinic.test",   7,     0};
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_calendar_build(&ev, 1, NULL, &b), ERR_OK);
    assert_null(strstr(b.data, "METHOD"));
    assert_non_null(strstr(b.data, "ATTENDEE;CN=Dr. Weiß:mailto:weiss@clinic.test\r\n"));
    buf_cleanup(&b);
}

/* A REQUEST (RFC 5546 3.2.2): ORGANIZER, the recipient as ATTENDEE,
 * SEQUENCE, LAST-MODIFIED; a CANCEL says CANCELLED; a blank SUMMARY is
 * never written. */
static void
test_itip_parts(void **state)
{
    struct ics_event ev = {
        "appointment-9@chairside", START, END, START + 60, "", "Notes", "Praxis Mitte", "Dr. Weiß",
        "weiss@clinic.test",       7,     0};
    struct ics_itip itip = {3,
                            START - 3600,
                            "praxis@xn--zahnrzte-3za.test",
                            "Praxis \"Mitte\"",
                            "patient@example.test",
                            "Jörg"};
    struct ics_calendar cal = {"REQUEST", NULL, NULL, 0, 0};
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_build(&cal, &ev, &itip, 1, &b), ERR_OK);
    assert_non_null(strstr(b.data, "METHOD:REQUEST\r\n"));
    assert_non_null(strstr(b.data, "SEQUENCE:3\r\n"));
    assert_non_null(strstr(b.data, "LAST-MODIFIED:20261207T080000Z\r\n"));
    assert_non_null(strstr(b.data, "DTSTAMP:20261207T090100Z\r\n"));
    assert_non_null(strstr(b.data, "SUMMARY:Appointment\r\n"));
    assert_non_null(strstr(b.data, "DESCRIPTION:Notes\r\n"));
    /* RFC 6868 writes the quotes of a parameter value as ^'. */
    assert_non_null(
        strstr(b.data, "ORGANIZER;CN=Praxis ^'Mitte^':mailto:praxis@xn--zahnrzte-3za.test\r\n"));
    assert_non_null(strstr(b.data, "ATTENDEE;CN=Jörg;ROLE=REQ-PARTICIPANT;"));
    assert_non_null(strstr(b.data, "mailto:patient@example.test\r\n"));
    assert_null(strstr(b.data, "weiss@clinic.test"));
    buf_reset(&b);
    cal.method = "CANCEL";
    ev.cancelled = 1;
    assert_int_equal(ics_build(&cal, &ev, &itip, 1, &b), ERR_OK);
    assert_non_null(strstr(b.data, "METHOD:CANCEL\r\n"));
    assert_non_null(strstr(b.data, "STATUS:CANCELLED\r\n"));
    /* An address that could break a line is left out, not written. */
    buf_reset(&b);
    itip.attendee = "x@y.test\r\nBEGIN:VEVENT";
    assert_int_equal(ics_build(&cal, &ev, &itip, 1, &b), ERR_OK);
    assert_null(strstr(b.data, "ATTENDEE"));
    buf_cleanup(&b);
}

static const unsigned char *
read_zone(const char *name, size_t *len)
{
    static unsigned char data[1 << 16];
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    f = fopen(path, "rb");
    assert_non_null(f);
    *len = fread(data, 1, sizeof(data), f);
    fclose(f);
    return data;
}

/* A calendar without events still holds a component: the VTIMEZONE of
 * its zone, one observance from the span's first day and one per change
 * of offset in it. */
static void
test_timezone_of_an_empty_calendar(void **state)
{
    struct tz_zone *berlin, *tokyo;
    size_t len;
    const unsigned char *data = read_zone("Europe/Berlin", &len);
    struct ics_calendar cal = {"PUBLISH", "Europe/Berlin", NULL, 0, 0};
    struct buf b;
    const char *p;
    int n = 0;

    (void)state;
    assert_int_equal(tz_zone_from_tzif(data, len, &berlin), ERR_OK);
    data = read_zone("Asia/Tokyo", &len);
    assert_int_equal(tz_zone_from_tzif(data, len, &tokyo), ERR_OK);
    buf_init(&b, 1 << 20);
    /* 2026-01-15 12:00 UTC .. 2027-01-15: two changes in Berlin. */
    cal.zone = berlin;
    cal.tz_from = INT64_C(1768478400);
    cal.tz_to = cal.tz_from + 365 * 86400;
    assert_int_equal(ics_build(&cal, NULL, NULL, 0, &b), ERR_OK);
    assert_non_null(strstr(b.data, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    assert_non_null(strstr(b.data, "BEGIN:STANDARD\r\nDTSTART:20260115T000000\r\n"
                                   "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\n"));
    assert_non_null(strstr(b.data, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\n"
                                   "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"));
    assert_non_null(strstr(b.data, "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\n"
                                   "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"));
    for (p = b.data; (p = strstr(p, "DTSTART:")) != NULL; p++)
        n++;
    assert_int_equal(n, 3);
    assert_null(strstr(b.data, "VEVENT"));
    /* A summer start begins with a DAYLIGHT observance. */
    buf_reset(&b);
    cal.tz_from = INT64_C(1783771200); /* 2026-07-11 12:00 UTC */
    assert_int_equal(ics_build(&cal, NULL, NULL, 0, &b), ERR_OK);
    assert_non_null(strstr(b.data, "BEGIN:DAYLIGHT\r\nDTSTART:20260711T000000\r\n"
                                   "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0200\r\n"));
    /* A zone without changes: one STANDARD observance. */
    buf_reset(&b);
    cal.tzid = "Asia/Tokyo";
    cal.zone = tokyo;
    assert_int_equal(ics_build(&cal, NULL, NULL, 0, &b), ERR_OK);
    assert_non_null(strstr(b.data, "BEGIN:STANDARD\r\nDTSTART:20260711T000000\r\n"
                                   "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n"
                                   "END:VTIMEZONE\r\n"));
    buf_cleanup(&b);
    tz_zone_free(berlin);
    tz_zone_free(tokyo);
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
        cmocka_unit_test(test_diary_event_has_staff_attendee),
        cmocka_unit_test(test_itip_parts),
        cmocka_unit_test(test_timezone_of_an_empty_calendar),
        cmocka_unit_test(test_address_with_line_break_is_not_written),
        cmocka_unit_test(test_fold_never_splits_a_line_end),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

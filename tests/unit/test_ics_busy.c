/* core/ics_busy.c: a staff member's busy time in what a CalDAV diary
 * holds, written as other calendar clients write it: recurring events
 * with EXDATE, RDATE and moved instances, TZID times with and without
 * their VTIMEZONE, floating times and all-day events. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/ics.h"
#include "core/ics_busy.h"
#include "util/err.h"
#include "util/tzdb.h"

static const struct ics_staff_key who = {7, "Dr. Weiß", "weiss@clinic.test"};

/* Outlook's name for Central European time: no IANA zone has it, so only
 * the VTIMEZONE beside the event can say what it means. */
static const char vtimezone[] = "BEGIN:VTIMEZONE\r\n"
                                "TZID:W. Europe Standard Time\r\n"
                                "BEGIN:STANDARD\r\n"
                                "DTSTART:16010101T030000\r\n"
                                "TZOFFSETFROM:+0200\r\n"
                                "TZOFFSETTO:+0100\r\n"
                                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
                                "END:STANDARD\r\n"
                                "BEGIN:DAYLIGHT\r\n"
                                "DTSTART:16010101T020000\r\n"
                                "TZOFFSETFROM:+0100\r\n"
                                "TZOFFSETTO:+0200\r\n"
                                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
                                "END:DAYLIGHT\r\n"
                                "END:VTIMEZONE\r\n";

struct fixture {
    struct tzdb *db;
    const struct tz_zone *berlin;
};

static int
setup(void **state)
{
    static struct fixture f;

    if (tzdb_new(NULL, &f.db) != ERR_OK || tzdb_get(f.db, "Europe/Berlin", &f.berlin) != ERR_OK)
        return -1;
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    tzdb_free(((struct fixture *)*state)->db);
    return 0;
}

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
    return civil_days_from_date(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* Whether the VEVENT lines (staff 7 added, UID made up) inside one
 * VCALENDAR with the VTIMEZONE above make [start, start + minutes) busy,
 * floating times and dates read in Europe/Berlin. */
static int
busy_in(void **state, const char *const *events, int64_t start, int minutes)
{
    const struct fixture *f = *state;
    struct ics_busy_query q = {.who = &who,
                               .start = start,
                               .end = start + minutes * 60,
                               .local = f->berlin,
                               .own_uid = "booking-1@chairside"};
    struct buf text;
    int found = -1;
    size_t i;

    buf_init(&text, 1 << 20);
    assert_int_equal(
        buf_printf(&text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n%s", vtimezone),
        ERR_OK);
    for (i = 0; events[i]; i++)
        assert_int_equal(buf_printf(&text,
                                    "BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n"
                                    "X-CHAIRSIDE-STAFF:7\r\n%sEND:VEVENT\r\n",
                                    events[i]),
                         ERR_OK);
    assert_int_equal(buf_puts(&text, "END:VCALENDAR\r\n"), ERR_OK);
    assert_int_equal(ics_busy_find(text.data, &q, &found), ERR_OK);
    buf_cleanup(&text);
    return found;
}

static int
busy(void **state, const char *event, int64_t start, int minutes)
{
    const char *events[] = {event, NULL};

    return busy_in(state, events, start, minutes);
}

/* Mondays 10:00-10:45 Berlin wall time from 19 October 2026 (summer time,
 * 08:00 UTC) ten times; 14 December is left out; 21 December is moved to
 * 14:00. */
static const char series[] = "UID:series@outlook\r\n"
                             "DTSTART;TZID=W. Europe Standard Time:20261019T100000\r\n"
                             "DTEND;TZID=W. Europe Standard Time:20261019T104500\r\n"
                             "RRULE:FREQ=WEEKLY;COUNT=10\r\n"
                             "EXDATE;TZID=W. Europe Standard Time:20261214T100000\r\n";
static const char moved[] = "UID:series@outlook\r\n"
                            "RECURRENCE-ID;TZID=W. Europe Standard Time:20261221T100000\r\n"
                            "DTSTART;TZID=W. Europe Standard Time:20261221T140000\r\n"
                            "DTEND;TZID=W. Europe Standard Time:20261221T144500\r\n";

static void
test_weekly_series_with_exdate_and_moved_instance(void **state)
{
    const char *both[] = {series, moved, NULL};

    /* The first instance, in summer time, and one in winter time: the
     * wall clock stays at 10:00 across the change. */
    assert_true(busy_in(state, both, utc(2026, 10, 19, 8, 0), 30));
    assert_true(busy_in(state, both, utc(2026, 12, 7, 9, 30), 30));
    assert_false(busy_in(state, both, utc(2026, 12, 7, 8, 0), 30));
    assert_false(busy_in(state, both, utc(2026, 12, 7, 9, 45), 30));
    /* Tuesdays are free. */
    assert_false(busy_in(state, both, utc(2026, 12, 8, 9, 0), 30));
    /* EXDATE. */
    assert_false(busy_in(state, both, utc(2026, 12, 14, 9, 0), 30));
    /* The moved instance: free at its old time, busy at its new one. */
    assert_false(busy_in(state, both, utc(2026, 12, 21, 9, 0), 30));
    assert_true(busy_in(state, both, utc(2026, 12, 21, 13, 15), 30));
    /* Without the override the series still holds 21 December. */
    assert_true(busy(state, series, utc(2026, 12, 21, 9, 0), 30));
    /* COUNT=10 ends with 21 December. */
    assert_false(busy_in(state, both, utc(2026, 12, 28, 9, 0), 30));
}

static void
test_cancelled_instance_is_free(void **state)
{
    const char *events[] = {series,
                            "UID:series@outlook\r\n"
                            "RECURRENCE-ID;TZID=W. Europe Standard Time:20261130T100000\r\n"
                            "DTSTART;TZID=W. Europe Standard Time:20261130T100000\r\n"
                            "DTEND;TZID=W. Europe Standard Time:20261130T104500\r\n"
                            "STATUS:CANCELLED\r\n",
                            NULL};

    assert_false(busy_in(state, events, utc(2026, 11, 30, 9, 0), 30));
    assert_true(busy_in(state, events, utc(2026, 11, 23, 9, 0), 30));
}

static void
test_rdate_and_period(void **state)
{
    static const char ev[] = "UID:rdates@pms\r\n"
                             "DTSTART:20261201T090000Z\r\n"
                             "DTEND:20261201T093000Z\r\n"
                             "RDATE:20261209T150000Z,20261211T150000Z\r\n"
                             "RDATE;VALUE=PERIOD:20261210T080000Z/PT2H\r\n"
                             "EXDATE:20261211T150000Z\r\n";

    assert_true(busy(state, ev, utc(2026, 12, 1, 9, 0), 30));
    assert_true(busy(state, ev, utc(2026, 12, 9, 15, 15), 30));
    assert_false(busy(state, ev, utc(2026, 12, 8, 15, 0), 30));
    /* The period's own length: 08:00-10:00. */
    assert_true(busy(state, ev, utc(2026, 12, 10, 9, 30), 30));
    assert_false(busy(state, ev, utc(2026, 12, 10, 10, 0), 30));
    assert_false(busy(state, ev, utc(2026, 12, 11, 15, 0), 30));
}

static void
test_tzid_times(void **state)
{
    /* With its VTIMEZONE: 10:00 CET is 09:00 UTC. */
    assert_true(busy(state,
                     "UID:a@pms\r\nDTSTART;TZID=W. Europe Standard Time:20261207T100000\r\n"
                     "DTEND;TZID=W. Europe Standard Time:20261207T110000\r\n",
                     utc(2026, 12, 7, 9, 30), 30));
    assert_false(busy(state,
                      "UID:a@pms\r\nDTSTART;TZID=W. Europe Standard Time:20261207T100000\r\n"
                      "DTEND;TZID=W. Europe Standard Time:20261207T110000\r\n",
                      utc(2026, 12, 7, 10, 0), 30));
    /* An IANA TZID without a VTIMEZONE: 04:00 in New York is 09:00 UTC. */
    assert_true(busy(state,
                     "UID:b@pms\r\nDTSTART;TZID=America/New_York:20261207T040000\r\n"
                     "DURATION:PT1H\r\n",
                     utc(2026, 12, 7, 9, 0), 30));
    assert_false(busy(state,
                      "UID:b@pms\r\nDTSTART;TZID=America/New_York:20261207T040000\r\n"
                      "DURATION:PT1H\r\n",
                      utc(2026, 12, 7, 4, 0), 30));
    /* Floating: the practice's wall clock. */
    assert_true(busy(state, "UID:c@pms\r\nDTSTART:20261207T100000\r\nDTEND:20261207T103000\r\n",
                     utc(2026, 12, 7, 9, 0), 30));
    assert_false(busy(state, "UID:c@pms\r\nDTSTART:20261207T100000\r\nDTEND:20261207T103000\r\n",
                      utc(2026, 12, 7, 10, 0), 30));
}

static void
test_all_day_events(void **state)
{
    static const char day[] = "UID:d@pms\r\nDTSTART;VALUE=DATE:20261208\r\n"
                              "DTEND;VALUE=DATE:20261209\r\nTRANSP:TRANSPARENT\r\n";

    /* 8 December in Berlin runs 7 Dec 23:00 UTC - 8 Dec 23:00 UTC. */
    assert_true(busy(state, day, utc(2026, 12, 7, 23, 0), 30));
    assert_true(busy(state, day, utc(2026, 12, 8, 22, 30), 30));
    assert_false(busy(state, day, utc(2026, 12, 7, 22, 30), 30));
    assert_false(busy(state, day, utc(2026, 12, 8, 23, 0), 30));
    /* No DTEND: one day. DURATION: that many days. */
    assert_true(
        busy(state, "UID:e@pms\r\nDTSTART;VALUE=DATE:20261208\r\n", utc(2026, 12, 8, 12, 0), 30));
    assert_false(
        busy(state, "UID:e@pms\r\nDTSTART;VALUE=DATE:20261208\r\n", utc(2026, 12, 9, 12, 0), 30));
    assert_true(busy(state, "UID:f@pms\r\nDTSTART;VALUE=DATE:20261208\r\nDURATION:P2D\r\n",
                     utc(2026, 12, 9, 12, 0), 30));
    /* Every Friday off, but not 11 December. */
    assert_true(busy(state,
                     "UID:g@pms\r\nDTSTART;VALUE=DATE:20261204\r\nRRULE:FREQ=WEEKLY\r\n"
                     "EXDATE;VALUE=DATE:20261211\r\n",
                     utc(2026, 12, 18, 8, 0), 30));
    assert_false(busy(state,
                      "UID:g@pms\r\nDTSTART;VALUE=DATE:20261204\r\nRRULE:FREQ=WEEKLY\r\n"
                      "EXDATE;VALUE=DATE:20261211\r\n",
                      utc(2026, 12, 11, 8, 0), 30));
}

static void
test_only_the_staff_members_and_not_our_own(void **state)
{
    const struct fixture *f = *state;
    struct ics_busy_query q = {.who = &who,
                               .start = utc(2026, 12, 7, 9, 0),
                               .end = utc(2026, 12, 7, 9, 30),
                               .local = f->berlin,
                               .own_uid = "mine@chairside"};
    static const char text[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                               "BEGIN:VEVENT\r\nUID:mine@chairside\r\nDTSTAMP:20260101T000000Z\r\n"
                               "DTSTART:20261130T090000Z\r\nDTEND:20261130T093000Z\r\n"
                               "RRULE:FREQ=WEEKLY\r\nX-CHAIRSIDE-STAFF:7\r\nEND:VEVENT\r\n"
                               "BEGIN:VEVENT\r\nUID:other@pms\r\nDTSTAMP:20260101T000000Z\r\n"
                               "DTSTART:20261130T090000Z\r\nDTEND:20261130T093000Z\r\n"
                               "RRULE:FREQ=WEEKLY\r\nX-CHAIRSIDE-STAFF:8\r\nEND:VEVENT\r\n"
                               "END:VCALENDAR\r\n";
    int found = -1;

    assert_int_equal(ics_busy_find(text, &q, &found), ERR_OK);
    assert_int_equal(found, 0);
    q.own_uid = NULL;
    assert_int_equal(ics_busy_find(text, &q, &found), ERR_OK);
    assert_int_equal(found, 1);
}

/* Another installation's event names its own staff id: only e-mail or
 * name make it ours; our events under their old UID are ours. */
static void
test_other_installations_and_old_names(void **state)
{
    const struct fixture *f = *state;
    struct ics_busy_query q = {.who = &who,
                               .start = utc(2026, 12, 7, 9, 0),
                               .end = utc(2026, 12, 7, 9, 30),
                               .local = f->berlin,
                               .own_uid = "booking-3-aaaa@chairside",
                               .old_uid = "booking-3@chairside",
                               .installation = "aaaa"};
    char text[1024];
    int found = -1;

    static const char fmt[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                              "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"
                              "DTSTART:20261207T090000Z\r\nDTEND:20261207T093000Z\r\n"
                              "%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    static const struct {
        const char *uid, *staff;
        int busy;
    } cases[] = {
        {"booking-9-bbbb@chairside", "X-CHAIRSIDE-STAFF:7", 0},
        {"booking-9-bbbb@chairside", "X-CHAIRSIDE-STAFF:weiss@clinic.test", 1},
        {"booking-9-bbbb@chairside", "ATTENDEE:mailto:weiss@clinic.test", 1},
        {"booking-9-aaaa@chairside", "X-CHAIRSIDE-STAFF:7", 1},
        {"other@pms", "X-CHAIRSIDE-STAFF:7", 1},
        {"booking-3@chairside", "X-CHAIRSIDE-STAFF:7", 0},
        {"booking-3-aaaa@chairside", "X-CHAIRSIDE-STAFF:7", 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), fmt, cases[i].uid, cases[i].staff);
        assert_int_equal(ics_busy_find(text, &q, &found), ERR_OK);
        if (found != cases[i].busy)
            fail_msg("%s %s: found %d", cases[i].uid, cases[i].staff, found);
    }
    assert_int_equal(ics_busy_has_uid(text, "booking-3-aaaa@chairside"), 1);
    assert_int_equal(ics_busy_has_uid(text, "booking-3@chairside"), 0);
    assert_int_equal(ics_busy_has_uid("garbage", "booking-3-aaaa@chairside"), 0);
}

static void
test_endless_fine_rule_counts_as_busy(void **state)
{
    /* Every other minute since January, with a COUNT: counted from the
     * first, more instances before the window than are looked at. */
    assert_true(busy(state,
                     "UID:h@pms\r\nDTSTART:20260101T030000Z\r\nDURATION:PT1M\r\n"
                     "RRULE:FREQ=MINUTELY;INTERVAL=2;COUNT=1000000\r\n",
                     utc(2026, 12, 7, 9, 1), 0));
    /* Without COUNT the walk starts at the window, in step with DTSTART:
     * 09:00 and 09:02 are instances, 09:01 is not. */
    assert_false(busy(state,
                      "UID:h@pms\r\nDTSTART:20260101T030000Z\r\nDURATION:PT1M\r\n"
                      "RRULE:FREQ=MINUTELY;INTERVAL=2\r\n",
                      utc(2026, 12, 7, 9, 1), 1));
    assert_true(busy(state,
                     "UID:h@pms\r\nDTSTART:20260101T030000Z\r\nDURATION:PT1M\r\n"
                     "RRULE:FREQ=MINUTELY;INTERVAL=2\r\n",
                     utc(2026, 12, 7, 9, 2), 1));
    /* A zoned weekly event since Friday 6 December 1901: found on Friday
     * 4 December 2026 at 10:00 Berlin (09:00 UTC), not on the Monday. */
    assert_true(busy(state,
                     "UID:h@pms\r\nDTSTART;TZID=W. Europe Standard Time:19011206T100000\r\n"
                     "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\n",
                     utc(2026, 12, 4, 9, 30), 15));
    assert_false(busy(state,
                      "UID:h@pms\r\nDTSTART;TZID=W. Europe Standard Time:19011206T100000\r\n"
                      "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\n",
                      utc(2026, 12, 7, 9, 30), 15));
    /* Within reach a rule is read exactly: 03:00-03:59 every day. */
    assert_false(busy(state,
                      "UID:h@pms\r\nDTSTART:20261201T030000Z\r\nDURATION:PT1M\r\n"
                      "RRULE:FREQ=MINUTELY;BYHOUR=3\r\n",
                      utc(2026, 12, 7, 9, 0), 30));
    assert_true(busy(state,
                     "UID:h@pms\r\nDTSTART:20261201T030000Z\r\nDURATION:PT1M\r\n"
                     "RRULE:FREQ=MINUTELY;BYHOUR=3\r\n",
                     utc(2026, 12, 2, 3, 10), 30));
}

/* A multistatus as Radicale and Xandikos send it: XML escapes, CR as
 * &#13;. */
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
    struct ics_busy_query q = {
        .who = &who, .start = start, .end = end, .own_uid = "booking-5@chairside"};
    struct buf text;
    int found = -1;

    buf_init(&text, 1 << 16);
    assert_int_equal(buf_puts(&text, multistatus_head), ERR_OK);
    assert_int_equal(buf_puts(&text, staff_line), ERR_OK);
    assert_int_equal(buf_puts(&text, multistatus_tail), ERR_OK);
    assert_int_equal(ics_busy_find(text.data, &q, &found), ERR_OK);
    buf_cleanup(&text);
    return found;
}

#define START INT64_C(1796634000) /* 2026-12-07 09:00 UTC */
#define END (START + 1800)

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
    struct ics_busy_query q = {.who = &who, .start = START, .end = END};
    int found = -1;

    (void)state;
    assert_int_equal(ics_busy_find("<multistatus/>", &q, &found), ERR_OK);
    assert_int_equal(found, 0);
    assert_int_equal(ics_busy_find("BEGIN:VCALENDAR\r\ngarbage", &q, &found), ERR_OK);
    assert_int_equal(found, 0);
}

/* What we put into the diary reads back as the staff member's busy time,
 * and is skipped as our own by its UID. */
static void
test_our_own_event_reads_back(void **state)
{
    struct ics_event ev = {"booking-5-abc@chairside",
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
    struct ics_busy_query q = {.who = &who, .start = START, .end = END};
    struct buf b;
    int found = -1;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(ics_calendar_build(&ev, 1, NULL, &b), ERR_OK);
    assert_int_equal(ics_busy_find(b.data, &q, &found), ERR_OK);
    assert_int_equal(found, 1);
    q.own_uid = "booking-5-abc@chairside";
    assert_int_equal(ics_busy_find(b.data, &q, &found), ERR_OK);
    assert_int_equal(found, 0);
    buf_cleanup(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_series_with_exdate_and_moved_instance),
        cmocka_unit_test(test_cancelled_instance_is_free),
        cmocka_unit_test(test_rdate_and_period),
        cmocka_unit_test(test_tzid_times),
        cmocka_unit_test(test_all_day_events),
        cmocka_unit_test(test_only_the_staff_members_and_not_our_own),
        cmocka_unit_test(test_other_installations_and_old_names),
        cmocka_unit_test(test_endless_fine_rule_counts_as_busy),
        cmocka_unit_test(test_overlap_by_staff_property),
        cmocka_unit_test(test_overlap_needs_shared_time),
        cmocka_unit_test(test_nothing_to_find),
        cmocka_unit_test(test_our_own_event_reads_back),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

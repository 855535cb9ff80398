/* Tests of core/availability: one test (at least) per rule of design.md
 * "Rules of availability", so that breaking a rule fails a named test.
 * Expected instants are written out in UTC by hand rather than derived
 * through tz.c, so a wrong DST conversion cannot hide behind itself; the
 * randomised test at the end compares with a brute-force reading of the
 * rules instead. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/availability.h"
#include "core/civil.h"
#include "core/tz.h"
#include "util/err.h"
#include "util/tzdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
    struct tzdb *db;
    const struct tz_zone *berlin;
    const struct tz_zone *new_york;
    const struct tz_zone *utc;
    const struct tz_zone *sydney;
    const struct tz_zone *kolkata; /* +05:30: a UTC grid of its own */
};

static int
group_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    if (tzdb_new(NULL, &f->db) != ERR_OK ||
        tzdb_get(f->db, "Europe/Berlin", &f->berlin) != ERR_OK ||
        tzdb_get(f->db, "America/New_York", &f->new_york) != ERR_OK ||
        tzdb_get(f->db, "UTC", &f->utc) != ERR_OK ||
        tzdb_get(f->db, "Australia/Sydney", &f->sydney) != ERR_OK ||
        tzdb_get(f->db, "Asia/Kolkata", &f->kolkata) != ERR_OK) {
        tzdb_free(f->db);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
group_teardown(void **state)
{
    struct fixture *f = *state;

    if (f != NULL)
        tzdb_free(f->db);
    free(f);
    return 0;
}

static int64_t
day_of(int y, int m, int d)
{
    return civil_days_from_date(y, m, d);
}

/* A UTC instant written out by hand. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
    return day_of(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* A week-day shift in wall-clock minutes. */
static struct avail_shift
shift_on(int64_t day, int start_min, int end_min, const struct tz_zone *zone)
{
    struct avail_shift s = {civil_weekday(day), start_min, end_min, 1, zone};

    return s;
}

/* One day, 30-minute service on a 15-minute grid, "now" long before. */
static struct avail_query
query_on(int64_t day)
{
    struct avail_query q;

    memset(&q, 0, sizeof(q));
    q.from_day = day;
    q.to_day = day;
    q.duration_min = 30;
    q.divider_min = 15;
    q.now = utc(2020, 1, 1, 0, 0);
    q.capacity = 1;
    return q;
}

static struct avail_staff
staff_of(int64_t id, const struct avail_shift *sh, size_t n_sh, const struct avail_busy *b,
         size_t n_b)
{
    struct avail_staff st = {id, sh, n_sh, b, n_b};

    return st;
}

/* Computes one staff member's slots into r (initialised here). */
static void
compute_one(const struct avail_query *q, const struct avail_staff *st, struct avail_result *r)
{
    avail_result_init(r);
    assert_int_equal(avail_compute(q, st, 1, r), ERR_OK);
}

static void
assert_starts(const struct avail_result *r, const int64_t *want, size_t n)
{
    size_t i;

    assert_int_equal(r->n, n);
    for (i = 0; i < n; i++)
        assert_int_equal(r->slots[i].start, want[i]);
}

/* Every slot must be exactly D long; checked wherever slots are listed. */
static void
assert_durations(const struct avail_result *r, int duration_min)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        assert_int_equal(r->slots[i].end - r->slots[i].start, (int64_t)duration_min * 60);
}

/* ---- Rule 2 and 3: shifts and the grid ---- */

static void
test_basic_grid(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1); /* Berlin summer time, UTC+2 */
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(42, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    size_t i;

    sh.location_id = 9;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 11);
    for (i = 0; i < r.n; i++) {
        int64_t want = utc(2026, 6, 1, 7, 0) + (int64_t)i * 15 * 60;

        assert_int_equal(r.slots[i].start, want);
        assert_int_equal(r.slots[i].end, want + 30 * 60);
        assert_int_equal(r.slots[i].staff_id, 42);
        assert_int_equal(r.slots[i].location_id, 9);
        assert_int_equal(r.slots[i].utc_offset, 7200);
    }
    assert_int_equal(r.slots[10].start, utc(2026, 6, 1, 9, 30)); /* 11:30 local */
    avail_result_cleanup(&r);
}

static void
test_grid_aligned_to_clock(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60 + 10, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;

    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 10);
    assert_int_equal(r.slots[0].start, utc(2026, 6, 1, 7, 15)); /* 09:15, not 09:10 */
    assert_int_equal(r.slots[9].start, utc(2026, 6, 1, 9, 30));
    avail_result_cleanup(&r);
}

static void
test_divider_60(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 9, 0)};
    const int64_t want_late[] = {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 9, 0)};

    q.divider_min = 60;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    avail_result_cleanup(&r);

    /* A shift from 09:10 gets the next full hour, never 09:10 or 10:10. */
    sh.start_min = 9 * 60 + 10;
    compute_one(&q, &st, &r);
    assert_starts(&r, want_late, ARRAY_LEN(want_late));
    avail_result_cleanup(&r);
}

/* A divider that does not divide an hour is still measured from local
 * midnight: 25 minutes gives 09:10, 09:35, 10:00, ... */
static void
test_divider_from_midnight(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 6, 1, 7, 10), utc(2026, 6, 1, 7, 35), utc(2026, 6, 1, 8, 0),
                            utc(2026, 6, 1, 8, 25), utc(2026, 6, 1, 8, 50), utc(2026, 6, 1, 9, 15)};

    q.divider_min = 25;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    avail_result_cleanup(&r);
}

/* Two services of 45 and 30 minutes: D = 75, and the last slot ends on
 * the shift's end exactly. */
static void
test_duration_near_shift_end(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;

    q.duration_min = 45 + 30;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 8);
    assert_int_equal(r.slots[0].start, utc(2026, 6, 1, 7, 0));
    assert_int_equal(r.slots[7].start, utc(2026, 6, 1, 8, 45)); /* 10:45 - 12:00 */
    assert_int_equal(r.slots[7].end, utc(2026, 6, 1, 10, 0));
    assert_durations(&r, 75);
    avail_result_cleanup(&r);

    /* Longer than the shift: nothing. */
    q.duration_min = 181;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 0);
    avail_result_cleanup(&r);
}

static void
test_shift_to_midnight(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 22 * 60, 24 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;

    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 7);
    assert_int_equal(r.slots[0].start, utc(2026, 6, 1, 20, 0));
    assert_int_equal(r.slots[6].start, utc(2026, 6, 1, 21, 30)); /* 23:30 - 24:00 */
    avail_result_cleanup(&r);
}

/* Only shifts of the date's weekday count, and every date of the range. */
static void
test_weekdays_and_range(void **state)
{
    struct fixture *f = *state;
    int64_t mon = day_of(2026, 6, 1);
    struct avail_shift sh[] = {
        shift_on(mon, 9 * 60, 10 * 60, f->berlin),     /* Monday */
        shift_on(mon + 2, 9 * 60, 10 * 60, f->berlin), /* Wednesday */
    };
    struct avail_staff st = staff_of(1, sh, 2, NULL, 0);
    struct avail_query q = query_on(mon);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 7, 15), utc(2026, 6, 1, 7, 30),
                            utc(2026, 6, 3, 7, 0), utc(2026, 6, 3, 7, 15), utc(2026, 6, 3, 7, 30),
                            utc(2026, 6, 8, 7, 0), utc(2026, 6, 8, 7, 15), utc(2026, 6, 8, 7, 30)};

    assert_int_equal(civil_weekday(mon), 1);
    q.to_day = mon + 7; /* the next Monday too, inclusive */
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    avail_result_cleanup(&r);
}

/* Shifts listed out of order, and two overlapping shifts: slots still come
 * out sorted and each start only once. */
static void
test_unsorted_and_overlapping_shifts(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh[] = {
        shift_on(d, 14 * 60, 15 * 60, f->berlin),
        shift_on(d, 9 * 60, 10 * 60, f->berlin),
        shift_on(d, 9 * 60 + 30, 10 * 60 + 30, f->berlin),
    };
    struct avail_staff st = staff_of(1, sh, 3, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 6, 1, 7, 0),   utc(2026, 6, 1, 7, 15), utc(2026, 6, 1, 7, 30),
                            utc(2026, 6, 1, 7, 45),  utc(2026, 6, 1, 8, 0),  utc(2026, 6, 1, 12, 0),
                            utc(2026, 6, 1, 12, 15), utc(2026, 6, 1, 12, 30)};

    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    avail_result_cleanup(&r);
}

static void
test_utc_zone(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 10 * 60, f->utc);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    assert_int_equal(r.slots[0].utc_offset, 0);
    avail_result_cleanup(&r);
}

/* ---- Rule 4: busy intervals and buffers ---- */

static void
run_busy_case(const struct fixture *f, int before, int after, const struct avail_busy *b,
              size_t n_b, const int64_t *want, size_t n_want)
{
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, b, n_b);
    struct avail_query q = query_on(d);
    struct avail_result r;

    q.buffer_before_min = before;
    q.buffer_after_min = after;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, n_want);
    avail_result_cleanup(&r);
}

/* A booking 10:00-10:30 local (08:00-08:30 UTC). */
static struct avail_busy
booking_at_10(void)
{
    struct avail_busy b = {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 8, 30), 0, utc(2026, 6, 1, 8, 0)};

    return b;
}

static void
test_booking_blocks(void **state)
{
    const struct avail_busy b = booking_at_10();
    const int64_t want[] = {utc(2026, 6, 1, 7, 0),  utc(2026, 6, 1, 7, 15), utc(2026, 6, 1, 7, 30),
                            utc(2026, 6, 1, 8, 30), utc(2026, 6, 1, 8, 45), utc(2026, 6, 1, 9, 0),
                            utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    /* 09:30 ends as the booking starts and 10:30 starts as it ends:
     * half-open intervals that touch do not overlap. */
    run_busy_case(*state, 0, 0, &b, 1, want, ARRAY_LEN(want));
}

static void
test_buffer_before(void **state)
{
    const struct avail_busy b = booking_at_10();
    /* [t - 30, t + 30) must miss [10:00, 10:30): 09:45 .. 10:45 blocked. */
    const int64_t want[] = {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 7, 15), utc(2026, 6, 1, 7, 30),
                            utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    run_busy_case(*state, 30, 0, &b, 1, want, ARRAY_LEN(want));
}

static void
test_buffer_after(void **state)
{
    const struct avail_busy b = booking_at_10();
    /* [t, t + 60) must miss [10:00, 10:30): 09:15 .. 10:15 blocked. */
    const int64_t want[] = {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 8, 30), utc(2026, 6, 1, 8, 45),
                            utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    run_busy_case(*state, 0, 30, &b, 1, want, ARRAY_LEN(want));
}

static void
test_buffers_touching(void **state)
{
    const struct avail_busy b = booking_at_10();
    /* [t - 15, t + 45): 09:15 pads to 10:00 and 10:45 pads from 10:30;
     * both touch the booking and stay open. */
    const int64_t want[] = {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 7, 15), utc(2026, 6, 1, 8, 45),
                            utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    run_busy_case(*state, 15, 15, &b, 1, want, ARRAY_LEN(want));
}

static void
test_time_off_blocks(void **state)
{
    const struct avail_busy off[] = {
        {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 9, 0), 0, utc(2026, 6, 1, 7, 0)}};
    const int64_t want[] = {utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    run_busy_case(*state, 0, 0, off, 1, want, ARRAY_LEN(want));
}

/* A long entry followed by short ones it contains: what blocks is the
 * latest end seen, not the end of the last entry. */
static void
test_nested_busy(void **state)
{
    const struct avail_busy b[] = {
        {utc(2026, 6, 1, 6, 0), utc(2026, 6, 1, 8, 0), 0, utc(2026, 6, 1, 6, 0)},
        {utc(2026, 6, 1, 6, 30), utc(2026, 6, 1, 6, 45), 0, utc(2026, 6, 1, 6, 30)},
        {utc(2026, 6, 1, 7, 0), utc(2026, 6, 1, 7, 15), 0, utc(2026, 6, 1, 7, 0)},
        {utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 5), 0, utc(2026, 6, 1, 9, 0)},
    };
    const int64_t want[] = {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 8, 15), utc(2026, 6, 1, 8, 30),
                            utc(2026, 6, 1, 9, 15), utc(2026, 6, 1, 9, 30)};

    run_busy_case(*state, 0, 0, b, ARRAY_LEN(b), want, ARRAY_LEN(want));
}

/* Entries on other days and an empty entry block nothing; one across the
 * whole day blocks everything. */
static void
test_busy_edges(void **state)
{
    const struct avail_busy far[] = {
        {utc(2026, 5, 1, 0, 0), utc(2026, 5, 2, 0, 0), 0, utc(2026, 5, 1, 0, 0)},
        {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 8, 0), 0, utc(2026, 6, 1, 8, 0)}, /* empty */
        {utc(2026, 7, 1, 0, 0), utc(2026, 7, 2, 0, 0), 0, utc(2026, 7, 1, 0, 0)},
    };
    const struct avail_busy all[] = {
        {utc(2026, 5, 31, 0, 0), utc(2026, 6, 2, 0, 0), 0, utc(2026, 5, 31, 0, 0)}};
    int64_t want[11];
    size_t i;

    for (i = 0; i < ARRAY_LEN(want); i++)
        want[i] = utc(2026, 6, 1, 7, 0) + (int64_t)i * 900;
    run_busy_case(*state, 0, 0, far, ARRAY_LEN(far), want, ARRAY_LEN(want));
    run_busy_case(*state, 60, 60, far, ARRAY_LEN(far), want, ARRAY_LEN(want));
    run_busy_case(*state, 0, 0, all, 1, NULL, 0);
}

/* ---- Rule 5: now, minimum notice, maximum advance ---- */

static void
run_window_case(const struct fixture *f, int64_t now, int notice_min, int advance_days,
                int64_t first, size_t n)
{
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;

    q.now = now;
    q.min_notice_min = notice_min;
    q.max_advance_days = advance_days;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, n);
    if (n > 0)
        assert_int_equal(r.slots[0].start, first);
    avail_result_cleanup(&r);
}

static void
test_past(void **state)
{
    /* now 10:07 local: 10:15 .. 11:30 remain. */
    run_window_case(*state, utc(2026, 6, 1, 8, 7), 0, 0, utc(2026, 6, 1, 8, 15), 6);
    /* now exactly 10:15: that slot is not in the past yet. */
    run_window_case(*state, utc(2026, 6, 1, 8, 15), 0, 0, utc(2026, 6, 1, 8, 15), 6);
    /* After the shift: nothing. */
    run_window_case(*state, utc(2026, 6, 1, 10, 0), 0, 0, 0, 0);
}

static void
test_min_notice(void **state)
{
    /* now 08:00 local, two hours' notice: from 10:00. */
    run_window_case(*state, utc(2026, 6, 1, 6, 0), 120, 0, utc(2026, 6, 1, 8, 0), 7);
    /* 08:01 local: 10:00 is a minute short, 10:15 is first. */
    run_window_case(*state, utc(2026, 6, 1, 6, 1), 120, 0, utc(2026, 6, 1, 8, 15), 6);
    /* No notice: all of the day. */
    run_window_case(*state, utc(2026, 6, 1, 6, 1), 0, 0, utc(2026, 6, 1, 7, 0), 11);
}

static void
test_max_advance(void **state)
{
    /* now two days before at 09:20 local: up to 09:15 is within 2 days. */
    run_window_case(*state, utc(2026, 5, 30, 7, 20), 0, 2, utc(2026, 6, 1, 7, 0), 2);
    /* now at 09:15: the limit itself is allowed. */
    run_window_case(*state, utc(2026, 5, 30, 7, 15), 0, 2, utc(2026, 6, 1, 7, 0), 2);
    /* One day of advance only: the whole day is too far. */
    run_window_case(*state, utc(2026, 5, 30, 7, 15), 0, 1, 0, 0);
    /* 0 means no maximum. */
    run_window_case(*state, utc(2026, 1, 1, 0, 0), 0, 0, utc(2026, 6, 1, 7, 0), 11);
}

/* ---- DST: real days of 23 and 25 hours ---- */

/* 2026-03-29: Berlin goes from 02:00 CET to 03:00 CEST (01:00 UTC). A
 * 00:00-04:00 shift is three real hours. */
static void
test_dst_spring_forward_berlin(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 3, 29);
    struct avail_shift sh = shift_on(d, 0, 4 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {utc(2026, 3, 28, 23, 0), utc(2026, 3, 28, 23, 30),
                            utc(2026, 3, 29, 0, 0),  utc(2026, 3, 29, 0, 30),
                            utc(2026, 3, 29, 1, 0),  utc(2026, 3, 29, 1, 30)};
    const int32_t offs[] = {3600, 3600, 3600, 3600, 7200, 7200};
    size_t i;

    q.divider_min = 30;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want)); /* 00:00 .. 01:30, 03:00, 03:30 */
    for (i = 0; i < r.n; i++)
        assert_int_equal(r.slots[i].utc_offset, offs[i]);
    avail_result_cleanup(&r);

    /* Whole day, hourly: 23 slots. */
    sh.end_min = 24 * 60;
    q.divider_min = 60;
    q.duration_min = 60;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 23);
    assert_int_equal(r.slots[22].start, utc(2026, 3, 29, 21, 0));
    avail_result_cleanup(&r);
}

/* 2026-10-25: Berlin goes from 03:00 CEST back to 02:00 CET (01:00 UTC).
 * A 00:00-04:00 shift is five real hours and 02:00 and 02:30 happen
 * twice, both times bookable. */
static void
test_dst_fall_back_berlin(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 10, 25);
    struct avail_shift sh = shift_on(d, 0, 4 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want[] = {
        utc(2026, 10, 24, 22, 0), utc(2026, 10, 24, 22, 30), /* 00:00 00:30 */
        utc(2026, 10, 24, 23, 0), utc(2026, 10, 24, 23, 30), /* 01:00 01:30 */
        utc(2026, 10, 25, 0, 0),  utc(2026, 10, 25, 0, 30),  /* 02:00 02:30 CEST */
        utc(2026, 10, 25, 1, 0),  utc(2026, 10, 25, 1, 30),  /* 02:00 02:30 CET */
        utc(2026, 10, 25, 2, 0),  utc(2026, 10, 25, 2, 30),  /* 03:00 03:30 */
    };
    size_t i;

    q.divider_min = 30;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    for (i = 0; i < r.n; i++) {
        assert_int_equal(r.slots[i].utc_offset, i < 6 ? 7200 : 3600);
        /* Every start shows a wall time on the 30-minute grid. */
        assert_int_equal((r.slots[i].start + r.slots[i].utc_offset) % 1800, 0);
    }
    avail_result_cleanup(&r);

    /* Whole day, hourly: 25 slots. */
    sh.end_min = 24 * 60;
    q.divider_min = 60;
    q.duration_min = 60;
    compute_one(&q, &st, &r);
    assert_int_equal(r.n, 25);
    assert_int_equal(r.slots[24].start, utc(2026, 10, 25, 22, 0));
    avail_result_cleanup(&r);
}

/* A booking in the first 02:00 must not block the second one. */
static void
test_dst_fall_back_busy(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 10, 25);
    struct avail_shift sh = shift_on(d, 2 * 60, 3 * 60, f->berlin);
    const struct avail_busy b[] = {
        {utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 30), 0, utc(2026, 10, 25, 0, 0)}};
    struct avail_staff st = staff_of(1, &sh, 1, b, 1);
    struct avail_query q = query_on(d);
    struct avail_result r;
    /* The shift is 02:00 CEST .. 03:00 CET, two real hours. */
    const int64_t want[] = {utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 0),
                            utc(2026, 10, 25, 1, 30)};

    q.divider_min = 30;
    compute_one(&q, &st, &r);
    assert_starts(&r, want, ARRAY_LEN(want));
    avail_result_cleanup(&r);
}

/* A shift starting at a repeated wall time, met after other staff and
 * zones have been through the same night: 02:30 is still the first 02:30
 * (CEST), however the conversions before it went. */
static void
test_dst_fold_after_other_zones(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 10, 25);
    struct avail_shift night = shift_on(d, 0, 4 * 60, f->berlin);
    struct avail_shift mixed[] = {
        shift_on(d, 20 * 60, 21 * 60, f->sydney),
        shift_on(d, 20 * 60, 21 * 60, f->kolkata),
        shift_on(d, 20 * 60, 21 * 60, f->utc),
        shift_on(d, 2 * 60 + 30, 3 * 60 + 30, f->berlin),
    };
    struct avail_staff st[2] = {staff_of(1, &night, 1, NULL, 0),
                                staff_of(2, mixed, ARRAY_LEN(mixed), NULL, 0)};
    struct avail_query q = query_on(d);
    struct avail_result r;
    /* 02:30 CEST, then 02:00, 02:30 and 03:00 CET. */
    const int64_t want[] = {utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 0),
                            utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 0)};
    size_t i, k = 0;

    q.divider_min = 30;
    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, st, 2, &r), ERR_OK);
    for (i = 0; i < r.n; i++) {
        if (r.slots[i].staff_id != 2 || r.slots[i].start >= utc(2026, 10, 25, 3, 0))
            continue;
        assert_true(k < ARRAY_LEN(want));
        assert_int_equal(r.slots[i].start, want[k]);
        k++;
    }
    assert_int_equal(k, ARRAY_LEN(want));
    avail_result_cleanup(&r);
}

/* New York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC) and 2026-11-01
 * 02:00 EDT -> 01:00 EST (06:00 UTC). */
static void
test_dst_new_york(void **state)
{
    struct fixture *f = *state;
    int64_t spring = day_of(2026, 3, 8), fall = day_of(2026, 11, 1);
    struct avail_shift sh = shift_on(spring, 60, 4 * 60, f->new_york);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(spring);
    struct avail_result r;
    const int64_t want_spring[] = {utc(2026, 3, 8, 6, 0), utc(2026, 3, 8, 7, 0)};
    const int64_t want_fall[] = {utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 6, 0),
                                 utc(2026, 11, 1, 7, 0), utc(2026, 11, 1, 8, 0)};
    const int64_t want_summer[] = {utc(2026, 7, 7, 13, 0), utc(2026, 7, 7, 14, 0)};

    q.divider_min = 60;
    q.duration_min = 60;
    compute_one(&q, &st, &r); /* 01:00 EST, 03:00 EDT */
    assert_starts(&r, want_spring, ARRAY_LEN(want_spring));
    assert_int_equal(r.slots[0].utc_offset, -5 * 3600);
    assert_int_equal(r.slots[1].utc_offset, -4 * 3600);
    avail_result_cleanup(&r);

    sh = shift_on(fall, 60, 4 * 60, f->new_york);
    q.from_day = q.to_day = fall;
    compute_one(&q, &st, &r); /* 01:00 EDT, 01:00 EST, 02:00, 03:00 EST */
    assert_starts(&r, want_fall, ARRAY_LEN(want_fall));
    avail_result_cleanup(&r);

    sh = shift_on(day_of(2026, 7, 7), 9 * 60, 11 * 60, f->new_york);
    q.from_day = q.to_day = day_of(2026, 7, 7);
    compute_one(&q, &st, &r);
    assert_starts(&r, want_summer, ARRAY_LEN(want_summer));
    assert_int_equal(r.slots[0].utc_offset, -4 * 3600);
    avail_result_cleanup(&r);
}

/* ---- Ordering across staff ---- */

static void
test_two_staff_order(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift a = shift_on(d, 9 * 60, 10 * 60, f->berlin);
    struct avail_shift b = shift_on(d, 9 * 60 + 30, 10 * 60 + 30, f->berlin);
    struct avail_staff st[2];
    struct avail_query q = query_on(d);
    struct avail_result r;
    const int64_t want_start[] = {utc(2026, 6, 1, 7, 0),  utc(2026, 6, 1, 7, 15),
                                  utc(2026, 6, 1, 7, 30), utc(2026, 6, 1, 7, 30),
                                  utc(2026, 6, 1, 7, 45), utc(2026, 6, 1, 8, 0)};
    const int64_t want_staff[] = {7, 7, 3, 7, 3, 3};
    size_t i;

    /* Higher id first in the input, so the order must come from sorting. */
    st[0] = staff_of(7, &a, 1, NULL, 0);
    st[1] = staff_of(3, &b, 1, NULL, 0);
    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, st, 2, &r), ERR_OK);
    assert_int_equal(r.n, ARRAY_LEN(want_start));
    for (i = 0; i < r.n; i++) {
        assert_int_equal(r.slots[i].start, want_start[i]);
        assert_int_equal(r.slots[i].staff_id, want_staff[i]);
    }
    avail_result_cleanup(&r);
}

static int
slot_before(const struct avail_slot *a, const struct avail_slot *b)
{
    return a->start < b->start || (a->start == b->start && a->staff_id < b->staff_id);
}

/* Staff in Berlin and New York over a week: the merge must interleave
 * runs whose slots belong to different local dates. */
static void
test_many_staff_order(void **state)
{
    struct fixture *f = *state;
    int64_t mon = day_of(2026, 6, 1);
    struct avail_shift sh[2][7];
    struct avail_staff st[6];
    struct avail_query q = query_on(mon);
    struct avail_result r;
    size_t i, k, per_staff[6] = {0};
    int w;

    for (w = 0; w < 7; w++) {
        sh[0][w] = shift_on(mon + w, 8 * 60, 18 * 60, f->berlin);
        sh[1][w] = shift_on(mon + w, 8 * 60, 18 * 60, f->new_york);
    }
    for (i = 0; i < 6; i++)
        st[i] = staff_of((int64_t)(60 - 10 * i), sh[i % 2], 7, NULL, 0);
    q.to_day = mon + 6;
    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, st, 6, &r), ERR_OK);
    assert_int_equal(r.n, 6 * 7 * 39);
    for (i = 1; i < r.n; i++)
        assert_true(slot_before(&r.slots[i - 1], &r.slots[i]));
    for (i = 0; i < r.n; i++) {
        k = (size_t)(60 - r.slots[i].staff_id) / 10;
        per_staff[k]++;
    }
    for (i = 0; i < 6; i++)
        assert_int_equal(per_staff[i], 7 * 39);
    avail_result_cleanup(&r);
}

/* ---- Group services ---- */

static size_t
group_case(const struct fixture *f, int64_t group_id, int capacity, const struct avail_busy *b,
           size_t n_b, int64_t probe)
{
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, b, n_b);
    struct avail_query q = query_on(d);
    struct avail_result r;
    size_t i, found = 0;

    q.group_service_id = group_id;
    q.capacity = capacity;
    q.buffer_before_min = 15; /* group seats at t are not pushed apart */
    q.buffer_after_min = 15;
    compute_one(&q, &st, &r);
    for (i = 0; i < r.n; i++)
        found += r.slots[i].start == probe;
    avail_result_cleanup(&r);
    return found;
}

static void
test_group_capacity(void **state)
{
    const struct fixture *f = *state;
    int64_t t = utc(2026, 6, 1, 8, 0), e = t + 1800;
    const struct avail_busy two[] = {{t, e, 5, t}, {t, e, 5, t}};
    const struct avail_busy three[] = {{t, e, 5, t}, {t, e, 5, t}, {t, e, 5, t}};
    const struct avail_busy shifted[] = {{t + 900, e + 900, 5, t + 900}};
    const struct avail_busy other_service[] = {{t, e, 6, t}};
    const struct avail_busy individual[] = {{t, e, 5, t}, {t, e, 0, t}};

    assert_int_equal(group_case(f, 5, 3, two, 2, t), 1);
    assert_int_equal(group_case(f, 5, 3, three, 3, t), 0);
    /* A seat of the same service at 10:15 overlaps a 10:00 slot. */
    assert_int_equal(group_case(f, 5, 3, shifted, 1, t), 0);
    /* ... but 10:15 itself still has two seats left. */
    assert_int_equal(group_case(f, 5, 3, shifted, 1, t + 900), 1);
    /* Another service, or an individual booking, blocks as usual. */
    assert_int_equal(group_case(f, 5, 3, other_service, 1, t), 0);
    assert_int_equal(group_case(f, 5, 3, individual, 2, t), 0);
    /* Capacity 1 is an individual service: a booking blocks. */
    assert_int_equal(group_case(f, 5, 1, two, 1, t), 0);
    /* Not booking the group service: its seats block. */
    assert_int_equal(group_case(f, 0, 3, two, 1, t), 0);
    /* Buffers still keep the neighbouring slots apart from the group. */
    assert_int_equal(group_case(f, 5, 3, two, 2, t - 1800), 0);
    assert_int_equal(group_case(f, 5, 3, two, 2, t + 1800), 0);
    assert_int_equal(group_case(f, 5, 3, two, 2, t + 2700), 1);
}

/* ---- avail_check ---- */

/* avail_check must say yes exactly to the slots avail_compute offers. The
 * slots are computed for a day more either side, so that every instant of
 * the range is judged against all the local dates it can belong to. */
static void
check_week(const struct avail_query *q, const struct avail_staff *st)
{
    struct avail_query wide = *q;
    struct avail_result r;
    const char *why;
    int64_t t;
    size_t i;
    int rc;

    wide.from_day--;
    wide.to_day++;
    compute_one(&wide, st, &r);
    assert_true(r.n > 0);
    for (i = 0; i < r.n; i++) {
        why = "unset";
        assert_int_equal(avail_check(q, st, r.slots[i].start, &why), ERR_OK);
        assert_null(why);
    }
    i = 0;
    for (t = q->from_day * 86400; t < (q->to_day + 1) * 86400; t += 300) {
        while (i < r.n && r.slots[i].start < t)
            i++;
        rc = avail_check(q, st, t, &why);
        if (i < r.n && r.slots[i].start == t) {
            assert_int_equal(rc, ERR_OK);
        } else {
            assert_int_equal(rc, ERR_CONFLICT);
            assert_non_null(why);
        }
    }
    avail_result_cleanup(&r);
}

static void
test_check_agrees_with_compute(void **state)
{
    struct fixture *f = *state;
    int64_t mon = day_of(2026, 10, 19); /* the week ending with fall-back */
    struct avail_shift sh[] = {
        shift_on(mon, 9 * 60, 12 * 60 + 10, f->berlin),
        shift_on(mon, 13 * 60, 17 * 60, f->berlin),
        shift_on(mon + 1, 8 * 60, 16 * 60, f->berlin),
        shift_on(mon + 3, 10 * 60, 19 * 60 + 50, f->berlin),
        shift_on(mon + 4, 7 * 60 + 5, 11 * 60, f->berlin),
        shift_on(mon + 6, 0, 24 * 60, f->berlin),
    };
    const struct avail_busy b[] = {
        {utc(2026, 10, 19, 8, 0), utc(2026, 10, 19, 8, 45), 0, utc(2026, 10, 19, 8, 0)},
        {utc(2026, 10, 19, 12, 10), utc(2026, 10, 19, 12, 20), 0, utc(2026, 10, 19, 12, 10)},
        {utc(2026, 10, 20, 6, 0), utc(2026, 10, 20, 10, 0), 0, utc(2026, 10, 20, 6, 0)},
        {utc(2026, 10, 20, 7, 0), utc(2026, 10, 20, 7, 30), 0, utc(2026, 10, 20, 7, 0)},
        {utc(2026, 10, 22, 9, 0), utc(2026, 10, 22, 9, 30), 5, utc(2026, 10, 22, 9, 0)},
        {utc(2026, 10, 22, 9, 0), utc(2026, 10, 22, 9, 30), 5, utc(2026, 10, 22, 9, 0)},
        {utc(2026, 10, 22, 11, 0), utc(2026, 10, 22, 11, 30), 5, utc(2026, 10, 22, 11, 0)},
        {utc(2026, 10, 22, 11, 0), utc(2026, 10, 22, 11, 30), 5, utc(2026, 10, 22, 11, 0)},
        {utc(2026, 10, 22, 11, 0), utc(2026, 10, 22, 11, 30), 5, utc(2026, 10, 22, 11, 0)},
        {utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 15), 0, utc(2026, 10, 25, 0, 30)},
    };
    struct avail_staff st = staff_of(3, sh, ARRAY_LEN(sh), b, ARRAY_LEN(b));
    struct avail_query q = query_on(mon);

    q.to_day = mon + 6;
    q.now = utc(2026, 10, 19, 9, 2);
    q.min_notice_min = 60;
    q.max_advance_days = 5;
    q.buffer_before_min = 10;
    q.buffer_after_min = 5;
    q.group_service_id = 5;
    q.capacity = 3;
    check_week(&q, &st);

    /* The same staff member, no limits, a 20-minute grid. */
    q.max_advance_days = 0;
    q.min_notice_min = 0;
    q.now = utc(2026, 1, 1, 0, 0);
    q.divider_min = 20;
    q.duration_min = 50;
    check_week(&q, &st);
}

/* A room with two chairs taken at different times: avail_check and
 * avail_compute agree on it too, and the room's busy times are gone. */
static void
test_check_agrees_with_resources(void **state)
{
    struct fixture *f = *state;
    int64_t mon = day_of(2026, 10, 19);
    struct avail_shift sh[] = {shift_on(mon, 9 * 60, 17 * 60, f->berlin)};
    const struct avail_use uses[] = {
        {1, utc(2026, 10, 19, 8, 0), utc(2026, 10, 19, 9, 0)},
        {2, utc(2026, 10, 19, 8, 30), utc(2026, 10, 19, 9, 30)},
        {2, utc(2026, 10, 19, 12, 0), utc(2026, 10, 19, 12, 10)},
    };
    const struct avail_resource room[] = {{7, 1, 2, uses, 3}, {8, 2, 1, NULL, 0}};
    const struct avail_needs needs = {room, 2};
    struct avail_staff st = staff_of(3, sh, 1, NULL, 0);
    struct avail_query q = query_on(mon);
    struct avail_result r;
    const char *why = NULL;
    size_t i;

    q.needs = &needs;
    q.buffer_after_min = 5;
    check_week(&q, &st);
    compute_one(&q, &st, &r);
    for (i = 0; i < r.n; i++) {
        /* Both chairs are taken from 09:30 to 10:30 local (08:30-09:30 UTC). */
        assert_false(r.slots[i].start + 35 * 60 > utc(2026, 10, 19, 8, 30) &&
                     r.slots[i].start < utc(2026, 10, 19, 9, 0));
    }
    avail_result_cleanup(&r);
    assert_int_equal(avail_check(&q, &st, utc(2026, 10, 19, 8, 30), &why), ERR_CONFLICT);
    assert_string_equal(why, "a resource it needs is taken");
}

static void
test_check_agrees_new_york(void **state)
{
    struct fixture *f = *state;
    int64_t sun = day_of(2026, 11, 1);
    struct avail_shift sh[] = {
        shift_on(sun, 0, 24 * 60, f->new_york),
        shift_on(sun + 1, 9 * 60, 17 * 60, f->new_york),
        shift_on(sun + 1, 9 * 60, 17 * 60, f->berlin),
    };
    struct avail_staff st = staff_of(3, sh, ARRAY_LEN(sh), NULL, 0);
    struct avail_query q = query_on(sun);

    q.to_day = sun + 2;
    check_week(&q, &st);
}

static void
expect_reason(const struct avail_query *q, const struct avail_staff *st, int64_t start,
              const char *reason)
{
    const char *why = NULL;

    assert_int_equal(avail_check(q, st, start, &why), ERR_CONFLICT);
    assert_non_null(why);
    assert_string_equal(why, reason);
}

static void
test_check_reasons(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    const struct avail_busy b[] = {
        {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 8, 30), 0, utc(2026, 6, 1, 8, 0)}};
    struct avail_staff st = staff_of(1, &sh, 1, b, 1);
    struct avail_query q = query_on(d + 40); /* the date range is ignored */
    const char *why = "unset";

    q.now = utc(2026, 5, 30, 7, 0);
    q.max_advance_days = 3;
    assert_int_equal(avail_check(&q, &st, utc(2026, 6, 1, 7, 0), &why), ERR_OK);
    assert_null(why);
    expect_reason(&q, &st, utc(2026, 6, 1, 8, 15), "the time is already taken");
    expect_reason(&q, &st, utc(2026, 6, 1, 7, 5), "not on the booking time grid");
    expect_reason(&q, &st, utc(2026, 6, 1, 6, 45), "outside the staff member's shifts");
    /* Starts inside the shift but would end after it. */
    expect_reason(&q, &st, utc(2026, 6, 1, 9, 45), "outside the staff member's shifts");
    /* Off the grid and outside the shift: the shift is the better answer. */
    expect_reason(&q, &st, utc(2026, 6, 1, 5, 7), "outside the staff member's shifts");
    expect_reason(&q, &st, utc(2026, 6, 4, 7, 0), "beyond the maximum advance booking period");

    q.now = utc(2026, 6, 1, 7, 20);
    q.min_notice_min = 60;
    expect_reason(&q, &st, utc(2026, 6, 1, 7, 0), "in the past");
    expect_reason(&q, &st, utc(2026, 6, 1, 7, 3), "in the past"); /* also off-grid */
    expect_reason(&q, &st, utc(2026, 6, 1, 7, 30), "less than the minimum notice");
    expect_reason(&q, &st, utc(2026, 6, 1, 8, 15), "less than the minimum notice");
    assert_int_equal(avail_check(&q, &st, utc(2026, 6, 1, 8, 30), &why), ERR_OK);
}

static void
test_check_group(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    int64_t t = utc(2026, 6, 1, 8, 0);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    const struct avail_busy b[] = {{t, t + 1800, 5, t}, {t, t + 1800, 5, t}};
    struct avail_staff st = staff_of(1, &sh, 1, b, 2);
    struct avail_query q = query_on(d);
    const char *why;

    q.group_service_id = 5;
    q.capacity = 3;
    assert_int_equal(avail_check(&q, &st, t, &why), ERR_OK);
    q.capacity = 2;
    expect_reason(&q, &st, t, "the time is already taken");
}

/* ---- Against a brute-force reference ---- */

/* A slow, plainly right reading of the rules: every 5 minutes of every
 * shift converted through tz.c one by one (all zones, shifts and dividers
 * used here are multiples of 5 minutes), every busy entry checked against
 * every candidate. Random shifts in several zones, busy lists and settings
 * around the DST changes of Berlin and New York must give exactly its
 * answer: slots, order, offsets and locations. */

#define RAND_STAFF 6
#define RAND_SHIFTS 5
#define RAND_BUSY 12
#define RAND_MAX_SLOTS 100000

struct rand_case {
    struct avail_shift shifts[RAND_STAFF][RAND_SHIFTS];
    struct avail_busy busy[RAND_STAFF][RAND_BUSY];
    struct avail_staff staff[RAND_STAFF];
    struct avail_query q;
};

static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int
rng_int(uint64_t *s, int lo, int hi)
{
    return lo + (int)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

static int
ref_blocked(const struct avail_query *q, const struct avail_staff *st, int64_t t)
{
    int64_t ws = t - (int64_t)q->buffer_before_min * 60;
    int64_t we = t + (int64_t)(q->duration_min + q->buffer_after_min) * 60;
    size_t i;

    for (i = 0; i < st->n_busy; i++) {
        if (st->busy[i].end > st->busy[i].start && st->busy[i].start < we && ws < st->busy[i].end)
            return 1;
    }
    return 0;
}

static int
ref_allowed(const struct avail_query *q, int64_t t)
{
    if (t < q->now || (q->min_notice_min > 0 && t < q->now + (int64_t)q->min_notice_min * 60))
        return 0;
    return q->max_advance_days == 0 || t <= q->now + (int64_t)q->max_advance_days * 86400;
}

/* Adds t for st to r unless it is there, keeping the lowest location. */
static void
ref_add(struct avail_result *r, size_t first, const struct avail_staff *st,
        const struct avail_shift *sh, int64_t t, int duration_min)
{
    size_t k;

    for (k = first; k < r->n && r->slots[k].start != t; k++)
        ;
    if (k < r->n) {
        if (sh->location_id < r->slots[k].location_id) {
            r->slots[k].location_id = sh->location_id;
            r->slots[k].utc_offset = tz_offset_at(sh->zone, t);
        }
        return;
    }
    assert_true(r->n < r->cap);
    r->slots[r->n].staff_id = st->staff_id;
    r->slots[r->n].location_id = sh->location_id;
    r->slots[r->n].start = t;
    r->slots[r->n].end = t + (int64_t)duration_min * 60;
    r->slots[r->n].utc_offset = tz_offset_at(sh->zone, t);
    r->n++;
}

static void
ref_staff(const struct avail_query *q, const struct avail_staff *st, struct avail_result *r)
{
    int64_t day, s, e, t, wall;
    size_t i, first = r->n;

    for (day = q->from_day; day <= q->to_day; day++) {
        for (i = 0; i < st->n_shifts; i++) {
            const struct avail_shift *sh = &st->shifts[i];

            if (sh->weekday != civil_weekday(day))
                continue;
            s = tz_local_to_utc(sh->zone, day * 86400 + sh->start_min * 60);
            e = tz_local_to_utc(sh->zone, day * 86400 + sh->end_min * 60);
            for (t = s; t + q->duration_min * 60 <= e; t += 300) {
                wall = tz_utc_to_local(sh->zone, t) - day * 86400;
                if (wall % (q->divider_min * 60) == 0 && ref_allowed(q, t) &&
                    !ref_blocked(q, st, t))
                    ref_add(r, first, st, sh, t, q->duration_min);
            }
        }
    }
}

static int
ref_cmp(const void *a, const void *b)
{
    const struct avail_slot *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->staff_id > y->staff_id) - (x->staff_id < y->staff_id);
}

static int
busy_cmp(const void *a, const void *b)
{
    const struct avail_busy *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

static void
rand_staff_make(const struct fixture *f, uint64_t *rng, int64_t first_day, struct rand_case *c,
                size_t i)
{
    const struct tz_zone *zones[5] = {f->berlin, f->new_york, f->utc, f->sydney, f->kolkata};
    struct avail_shift *sh;
    struct avail_busy *b;
    size_t j;

    for (j = 0; j < RAND_SHIFTS; j++) {
        sh = &c->shifts[i][j];
        sh->weekday = rng_int(rng, 1, 7);
        /* Often in the small hours, where the clocks change. */
        sh->start_min = rng_int(rng, 0, 1) ? rng_int(rng, 0, 287) * 5 : rng_int(rng, 12, 40) * 5;
        sh->end_min = sh->start_min + rng_int(rng, 1, 72) * 5;
        sh->end_min = sh->end_min > 1440 ? 1440 : sh->end_min;
        /* A location has one zone; a staff member may work in several. */
        sh->location_id = rng_int(rng, 1, 5);
        sh->zone = zones[sh->location_id - 1];
    }
    for (j = 0; j < RAND_BUSY; j++) {
        b = &c->busy[i][j];
        b->start = (first_day - 1 + rng_int(rng, 0, 10)) * 86400 + rng_int(rng, 0, 287) * 300;
        b->end = b->start + rng_int(rng, 0, 36) * 300;
        b->group_service_id = 0;
    }
    qsort(c->busy[i], RAND_BUSY, sizeof(c->busy[i][0]), busy_cmp);
    /* Ids against input order, so the order must come from the merge. */
    c->staff[i] = staff_of(RAND_STAFF - (int64_t)i, c->shifts[i], RAND_SHIFTS, c->busy[i],
                           rng_int(rng, 0, RAND_BUSY));
}

static void
rand_case_make(const struct fixture *f, uint64_t *rng, int64_t first_day, struct rand_case *c)
{
    const int dividers[] = {5, 10, 15, 20, 25, 30, 45, 60, 90};
    size_t i;

    c->q = query_on(first_day);
    c->q.to_day = first_day + rng_int(rng, 0, 8);
    c->q.divider_min = dividers[rng_int(rng, 0, (int)ARRAY_LEN(dividers) - 1)];
    c->q.duration_min = rng_int(rng, 1, 24) * 5;
    c->q.buffer_before_min = rng_int(rng, 0, 3) * 5;
    c->q.buffer_after_min = rng_int(rng, 0, 3) * 5;
    c->q.now = (first_day + rng_int(rng, -3, 2)) * 86400 + rng_int(rng, 0, 1439) * 60;
    c->q.min_notice_min = rng_int(rng, 0, 1) * rng_int(rng, 1, 600);
    c->q.max_advance_days = rng_int(rng, 0, 1) * rng_int(rng, 1, 8);
    for (i = 0; i < RAND_STAFF; i++)
        rand_staff_make(f, rng, first_day, c, i);
}

static void
assert_same_slots(const struct avail_result *got, const struct avail_result *want)
{
    size_t i;

    assert_int_equal(got->n, want->n);
    for (i = 0; i < got->n; i++) {
        assert_int_equal(got->slots[i].start, want->slots[i].start);
        assert_int_equal(got->slots[i].end, want->slots[i].end);
        assert_int_equal(got->slots[i].staff_id, want->slots[i].staff_id);
        assert_int_equal(got->slots[i].location_id, want->slots[i].location_id);
        assert_int_equal(got->slots[i].utc_offset, want->slots[i].utc_offset);
    }
}

/* avail_check agrees with the reference on every 5 minutes whose local
 * date is inside the range in every zone (a day in from either end). */
static void
rand_check_agrees(const struct rand_case *c, const struct avail_result *want)
{
    const struct avail_staff *st;
    int64_t t;
    size_t i, k;
    const char *why;
    int found;

    for (t = (c->q.from_day + 1) * 86400; t < c->q.to_day * 86400; t += 300) {
        for (i = 0; i < RAND_STAFF; i++) {
            st = &c->staff[i];
            found = 0;
            for (k = 0; k < want->n && !found; k++)
                found = want->slots[k].start == t && want->slots[k].staff_id == st->staff_id;
            assert_int_equal(avail_check(&c->q, st, t, &why), found ? ERR_OK : ERR_CONFLICT);
        }
    }
}

static void
test_random_against_reference(void **state)
{
    const struct fixture *f = *state;
    /* New York, Berlin, Sydney (April back, October forward), none. */
    const int64_t changes[] = {day_of(2026, 3, 8),  day_of(2026, 3, 29), day_of(2026, 10, 25),
                               day_of(2026, 11, 1), day_of(2026, 4, 5),  day_of(2026, 10, 4),
                               day_of(2026, 6, 10)};
    struct rand_case *c = calloc(1, sizeof(*c));
    struct avail_result got, want;
    uint64_t rng = 0x9e3779b97f4a7c15u;
    int round;

    want.slots = calloc(RAND_MAX_SLOTS, sizeof(*want.slots));
    want.cap = RAND_MAX_SLOTS;
    assert_non_null(c);
    assert_non_null(want.slots);
    for (round = 0; round < 300; round++) {
        int64_t d = changes[round % ARRAY_LEN(changes)] - rng_int(&rng, 0, 6);
        size_t i;

        rand_case_make(f, &rng, d, c);
        want.n = 0;
        for (i = 0; i < RAND_STAFF; i++)
            ref_staff(&c->q, &c->staff[i], &want);
        qsort(want.slots, want.n, sizeof(*want.slots), ref_cmp);
        avail_result_init(&got);
        assert_int_equal(avail_compute(&c->q, c->staff, RAND_STAFF, &got), ERR_OK);
        assert_same_slots(&got, &want);
        avail_result_cleanup(&got);
        if (round % 10 == 0)
            rand_check_agrees(c, &want);
    }
    free(want.slots);
    free(c);
}

/* ---- Validation and the result list ---- */

static void
expect_invalid(const struct avail_query *q, const struct avail_staff *st)
{
    struct avail_result r;
    const char *why = NULL;

    avail_result_init(&r);
    assert_int_equal(avail_compute(q, st, 1, &r), ERR_INVALID);
    assert_int_equal(r.n, 0);
    avail_result_cleanup(&r);
    assert_int_equal(avail_check(q, st, utc(2026, 6, 1, 7, 0), &why), ERR_INVALID);
}

static void
test_invalid_query(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query base = query_on(d), q, bad[8];
    struct avail_result r;
    size_t i;

    for (i = 0; i < ARRAY_LEN(bad); i++)
        bad[i] = base;
    bad[0].divider_min = 0;
    bad[1].divider_min = 1441;
    bad[2].duration_min = 0;
    bad[3].duration_min = 1441;
    bad[4].buffer_before_min = -1;
    bad[5].buffer_after_min = 1441;
    bad[6].min_notice_min = -1;
    bad[7].max_advance_days = -1;
    for (i = 0; i < ARRAY_LEN(bad); i++)
        expect_invalid(&bad[i], &st);

    /* The date range matters to compute only. */
    avail_result_init(&r);
    q = base;
    q.from_day = d + 1;
    assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_INVALID);
    q.from_day = d;
    q.to_day = d + 62; /* 63 days */
    assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_INVALID);
    q.to_day = d + 61; /* 62 days */
    assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_OK);
    assert_int_equal(r.n, 9 * 11);
    assert_int_equal(avail_compute(NULL, &st, 1, &r), ERR_INVALID);
    assert_int_equal(avail_compute(&base, &st, 1, NULL), ERR_INVALID);
    assert_int_equal(avail_compute(&base, NULL, 1, &r), ERR_INVALID);
    avail_result_cleanup(&r);

    /* Limits themselves are fine. */
    q = base;
    q.divider_min = 1440;
    q.duration_min = 1440;
    q.buffer_before_min = 1440;
    q.buffer_after_min = 1440;
    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_OK);
    assert_int_equal(r.n, 0);
    avail_result_cleanup(&r);
}

static void
test_invalid_staff(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift good = shift_on(d, 9 * 60, 12 * 60, f->berlin), sh;
    const struct avail_busy unsorted[] = {
        {utc(2026, 6, 1, 9, 0), utc(2026, 6, 1, 9, 30), 0, utc(2026, 6, 1, 9, 0)},
        {utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 8, 30), 0, utc(2026, 6, 1, 8, 0)}};
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_shift bad[6];
    const char *why;
    size_t i;

    for (i = 0; i < ARRAY_LEN(bad); i++)
        bad[i] = good;
    bad[0].weekday = 0;
    bad[1].weekday = 8;
    bad[2].start_min = 12 * 60; /* empty */
    bad[3].start_min = -1;
    bad[4].end_min = 1441;
    bad[5].zone = NULL;
    for (i = 0; i < ARRAY_LEN(bad); i++) {
        sh = bad[i];
        expect_invalid(&q, &st);
    }
    sh = good;
    st.busy = unsorted;
    st.n_busy = 2;
    expect_invalid(&q, &st);
    st.busy = NULL;
    expect_invalid(&q, &st);
    st.n_busy = 0;
    assert_int_equal(avail_check(&q, &st, utc(2026, 6, 1, 7, 0), NULL), ERR_INVALID);
    assert_int_equal(avail_check(&q, NULL, utc(2026, 6, 1, 7, 0), &why), ERR_INVALID);
    assert_int_equal(avail_check(&q, &st, utc(2026, 6, 1, 7, 0), &why), ERR_OK);
}

/* compute appends; no staff and no shifts are fine. */
static void
test_result_append_and_empty(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 12 * 60, f->berlin);
    struct avail_staff st = staff_of(1, &sh, 1, NULL, 0);
    struct avail_staff none = staff_of(2, NULL, 0, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_result r;
    int i;

    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, NULL, 0, &r), ERR_OK);
    assert_int_equal(avail_compute(&q, &none, 1, &r), ERR_OK);
    assert_int_equal(r.n, 0);
    /* Grow past the first allocation several times. */
    for (i = 0; i < 10; i++)
        assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_OK);
    assert_int_equal(r.n, 110);
    assert_true(r.cap >= r.n);
    assert_int_equal(r.slots[11].start, utc(2026, 6, 1, 7, 0));
    assert_int_equal(r.slots[109].start, utc(2026, 6, 1, 9, 30));
    avail_result_cleanup(&r);
    assert_null(r.slots);
    assert_int_equal(r.n, 0);
    avail_result_cleanup(NULL);
    expect_reason(&q, &none, utc(2026, 6, 1, 7, 0), "outside the staff member's shifts");
}

/* A group event's seats join the engine's slots: computed slots carry no
 * event, and the list is put back in start, staff, event order. */
static void
test_result_add_event_slots(void **state)
{
    struct fixture *f = *state;
    int64_t d = day_of(2026, 6, 1);
    struct avail_shift sh = shift_on(d, 9 * 60, 10 * 60, f->berlin);
    struct avail_staff st = staff_of(2, &sh, 1, NULL, 0);
    struct avail_query q = query_on(d);
    struct avail_slot ev = {0};
    struct avail_result r;
    size_t i;

    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, &st, 1, &r), ERR_OK);
    assert_int_equal(r.n, 3); /* 09:00, 09:15, 09:30 for 30 minutes */
    for (i = 0; i < r.n; i++)
        assert_int_equal(r.slots[i].group_event_id, 0);
    ev.staff_id = 1;
    ev.start = utc(2026, 6, 1, 7, 15);
    ev.end = ev.start + 3600;
    ev.group_event_id = 42;
    ev.seats_left = 3;
    assert_int_equal(avail_result_add(&r, &ev), ERR_OK);
    ev.staff_id = 2;
    ev.start = utc(2026, 6, 1, 6, 0);
    ev.group_event_id = 7;
    assert_int_equal(avail_result_add(&r, &ev), ERR_OK);
    avail_result_sort(&r);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.slots[0].group_event_id, 7);
    assert_int_equal(r.slots[1].start, utc(2026, 6, 1, 7, 0));
    /* Same start: staff 1's event before staff 2's slot. */
    assert_int_equal(r.slots[2].group_event_id, 42);
    assert_int_equal(r.slots[2].seats_left, 3);
    assert_int_equal(r.slots[3].staff_id, 2);
    assert_int_equal(r.slots[3].start, utc(2026, 6, 1, 7, 15));
    avail_result_cleanup(&r);
}

/* The size of the benchmark case: 50 staff, a week, two shifts a day and
 * about 11 busy entries per staff-day. Timing is measured outside the
 * tests; here the answer must be complete and ordered. */
static void
test_fifty_staff_week(void **state)
{
    struct fixture *f = *state;
    int64_t mon = day_of(2026, 6, 1);
    struct avail_shift sh[14];
    struct avail_busy *busy = calloc(50 * 7 * 11, sizeof(*busy));
    struct avail_staff st[50];
    struct avail_query q = query_on(mon);
    struct avail_result r, one;
    size_t i, k, n = 0, total = 0;
    int w, j;

    assert_non_null(busy);
    for (w = 0; w < 7; w++) {
        sh[2 * w] = shift_on(mon + w, 8 * 60, 12 * 60, f->berlin);
        sh[2 * w + 1] = shift_on(mon + w, 13 * 60, 17 * 60, f->berlin);
    }
    for (i = 0; i < 50; i++) {
        st[i] = staff_of((int64_t)i + 1, sh, 14, busy + n, 7 * 11);
        for (w = 0; w < 7; w++) {
            for (j = 0; j < 11; j++) {
                int64_t s = utc(2026, 6, 1 + w, 6, 0) + (int64_t)(j * 45 + (int)i % 3 * 5) * 60;

                busy[n].start = s;
                busy[n].end = s + 15 * 60;
                n++;
            }
        }
    }
    q.to_day = mon + 6;
    avail_result_init(&r);
    assert_int_equal(avail_compute(&q, st, 50, &r), ERR_OK);
    /* Nothing lost or added by the merge. */
    for (i = 0; i < 50; i++) {
        avail_result_init(&one);
        assert_int_equal(avail_compute(&q, &st[i], 1, &one), ERR_OK);
        total += one.n;
        avail_result_cleanup(&one);
    }
    assert_int_equal(r.n, total);
    assert_true(r.n > 50 * 7 * 5);
    for (k = 1; k < r.n; k++)
        assert_true(slot_before(&r.slots[k - 1], &r.slots[k]));
    for (k = 0; k < r.n; k += 97) {
        const char *why;

        assert_int_equal(avail_check(&q, &st[r.slots[k].staff_id - 1], r.slots[k].start, &why),
                         ERR_OK);
    }
    avail_result_cleanup(&r);
    free(busy);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_grid),
        cmocka_unit_test(test_grid_aligned_to_clock),
        cmocka_unit_test(test_divider_60),
        cmocka_unit_test(test_divider_from_midnight),
        cmocka_unit_test(test_duration_near_shift_end),
        cmocka_unit_test(test_shift_to_midnight),
        cmocka_unit_test(test_weekdays_and_range),
        cmocka_unit_test(test_unsorted_and_overlapping_shifts),
        cmocka_unit_test(test_utc_zone),
        cmocka_unit_test(test_booking_blocks),
        cmocka_unit_test(test_buffer_before),
        cmocka_unit_test(test_buffer_after),
        cmocka_unit_test(test_buffers_touching),
        cmocka_unit_test(test_time_off_blocks),
        cmocka_unit_test(test_nested_busy),
        cmocka_unit_test(test_busy_edges),
        cmocka_unit_test(test_past),
        cmocka_unit_test(test_min_notice),
        cmocka_unit_test(test_max_advance),
        cmocka_unit_test(test_dst_spring_forward_berlin),
        cmocka_unit_test(test_dst_fall_back_berlin),
        cmocka_unit_test(test_dst_fall_back_busy),
        cmocka_unit_test(test_dst_fold_after_other_zones),
        cmocka_unit_test(test_dst_new_york),
        cmocka_unit_test(test_two_staff_order),
        cmocka_unit_test(test_many_staff_order),
        cmocka_unit_test(test_group_capacity),
        cmocka_unit_test(test_check_agrees_with_compute),
        cmocka_unit_test(test_check_agrees_with_resources),
        cmocka_unit_test(test_check_agrees_new_york),
        cmocka_unit_test(test_check_reasons),
        cmocka_unit_test(test_check_group),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_invalid_query),
        cmocka_unit_test(test_invalid_staff),
        cmocka_unit_test(test_result_append_and_empty),
        cmocka_unit_test(test_result_add_event_slots),
        cmocka_unit_test(test_fifty_staff_week),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

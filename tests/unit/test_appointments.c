/* Tests of the appointment use cases (service/appointments.h) without
 * HTTP: series expansion across a DST change, overlap warnings, refusals
 * as field errors, and cancelling by scope. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/civil.h"
#include "service/appointments.h"
#include "service/bookings.h"
#include "svc_fixture.h"

static struct appt_new
weekly(struct fixture *f, int64_t start, int64_t until_day)
{
    struct appt_new in = {0};

    in.a.staff_id = f->staff;
    in.a.notes = "";
    in.start = start;
    in.duration_min = 30;
    in.recurring = until_day != 0;
    in.rule = (struct recur_rule){RECUR_WEEK, 1, until_day};
    return in;
}

static const char *
first_error_field(struct fixture *f)
{
    return json_string_value(json_object_get(json_array_get(f->problem.errors, 0), "field"));
}

/* A weekly 09:00 in Berlin stays 09:00 when the clocks go forward on
 * 2026-03-29: the UTC instant moves an hour earlier. */
static void
test_weekly_series_keeps_wall_clock(void **state)
{
    struct fixture *f = *state;
    struct appt_new in = weekly(f, T0 + 8 * H, civil_days_from_date(2026, 4, 6));
    struct appt_series out;
    json_t *warnings = json_array();

    assert_int_equal(appointments_create(&f->svc, &in, warnings, &out), ERR_OK);
    assert_int_equal(out.n, 6);
    assert_int_equal(out.starts[3] - out.starts[0], 3 * 7 * 24 * H);
    assert_int_equal(out.starts[4] - out.starts[3], 7 * 24 * H - H);
    assert_int_equal(json_array_size(warnings), 0);
    json_decref(warnings);
}

/* Staff may overlap a booking on purpose: stored, with a warning. */
static void
test_overlap_is_a_warning(void **state)
{
    struct fixture *f = *state;
    struct booking_new b = {.by = BOOKING_BY_STAFF,
                            .patient_id = f->patient,
                            .staff_id = f->staff,
                            .service_ids = &f->service,
                            .n_services = 1,
                            .start = T0 + 8 * H,
                            .notes = ""};
    struct appt_new in = weekly(f, T0 + 8 * H, 0);
    struct appt_series out;
    json_t *warnings = json_array();
    int64_t booking = 0;

    assert_int_equal(bookings_create(&f->svc, &b, &booking), ERR_OK);
    assert_int_equal(appointments_create(&f->svc, &in, warnings, &out), ERR_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(json_array_size(warnings), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(warnings, 0), "occurrence_id")),
        out.ids[0]);
    json_decref(warnings);
}

static void
test_refusals_name_the_field(void **state)
{
    struct fixture *f = *state;
    struct appt_new in = weekly(f, T0 + 8 * H, civil_days_from_date(2026, 2, 1));
    struct appt_series out;
    json_t *warnings = json_array();

    assert_int_equal(appointments_create(&f->svc, &in, warnings, &out), ERR_INVALID);
    assert_string_equal(first_error_field(f), "recurrence.until");
    problem_cleanup(&f->problem);
    problem_init(&f->problem);
    in = weekly(f, T0 + 8 * H, 0);
    in.a.action_id = 999;
    assert_int_equal(appointments_create(&f->svc, &in, warnings, &out), ERR_INVALID);
    assert_string_equal(first_error_field(f), "action_id");
    json_decref(warnings);
}

static void
test_cancel_following_then_update_refused(void **state)
{
    struct fixture *f = *state;
    struct appt_new in = weekly(f, T0 + 8 * H, civil_days_from_date(2026, 4, 6));
    struct appt_change c = {
        APPT_UNCHANGED, APPT_UNCHANGED, APPT_UNCHANGED, APPT_UNCHANGED, 45, NULL, -1};
    struct appt_series out;
    json_t *warnings = json_array();
    int n = 0;

    assert_int_equal(appointments_create(&f->svc, &in, warnings, &out), ERR_OK);
    assert_int_equal(appointments_cancel(&f->svc, out.ids[2], "following", &n), ERR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(appointments_cancel(&f->svc, out.ids[2], "this", &n), ERR_CONFLICT);
    assert_string_equal(f->problem.detail, "the appointment is already cancelled");
    assert_int_equal(appointments_update(&f->svc, out.ids[3], &c, warnings), ERR_CONFLICT);
    assert_int_equal(appointments_update(&f->svc, out.ids[1], &c, warnings), ERR_OK);
    json_decref(warnings);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_weekly_series_keeps_wall_clock, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_is_a_warning, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_refusals_name_the_field, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_following_then_update_refused, fx_setup,
                                        fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

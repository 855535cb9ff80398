/* Tests of the booking use cases (service/bookings.h) without HTTP: a
 * scratch SQLite database, a context built by hand, and the refusals read
 * from its problem details. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "service/bookings.h"
#include "service/users.h"
#include "svc_fixture.h"

static int
book(struct fixture *f, int64_t start, int64_t *id)
{
    struct booking_new b = {.by = BOOKING_BY_STAFF,
                            .patient_id = f->patient,
                            .staff_id = f->staff,
                            .service_ids = &f->service,
                            .n_services = 1,
                            .start = start,
                            .notes = ""};

    return bookings_create(&f->svc, &b, id);
}

static size_t
outbox_rows(struct fixture *f, int64_t booking_id)
{
    struct store_outbox_filter filter = {.booking_id = booking_id, .limit = 100};
    json_t *items = NULL;
    size_t n;

    assert_int_equal(store_outbox_list(f->svc.db, &filter, &items), ERR_OK);
    n = json_array_size(items);
    json_decref(items);
    return n;
}

/* Booking, invoice, history and the patient's e-mail commit together. */
static void
test_create_invoices_and_notifies(void **state)
{
    struct fixture *f = *state;
    struct store_invoice inv;
    json_t *history = NULL;
    int64_t id = 0;

    assert_int_equal(book(f, T0 + 8 * H, &id), ERR_OK);
    assert_int_equal(store_invoice_by_booking(f->svc.db, id, &inv), ERR_OK);
    assert_int_equal(inv.totals.total, 5000);
    assert_string_equal(inv.status, "unpaid");
    assert_int_equal(store_history_list(f->svc.db, id, &history), ERR_OK);
    assert_int_equal(json_array_size(history), 1);
    /* Nobody logged in (user 0): the history says so in words. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(history, 0), "actor")),
                        "System");
    json_decref(history);
    assert_true(outbox_rows(f, id) >= 1);
}

/* The second booking of one slot is refused with the reason, and leaves
 * nothing behind. */
static void
test_taken_slot_conflicts(void **state)
{
    struct fixture *f = *state;
    int64_t first = 0, second = 0;

    assert_int_equal(book(f, T0 + 8 * H, &first), ERR_OK);
    assert_int_equal(book(f, T0 + 8 * H, &second), ERR_CONFLICT);
    assert_non_null(strstr(f->problem.detail, "the slot is not available"));
    assert_int_equal(second, 0);
    assert_int_equal(book(f, T0 + 9 * H, &second), ERR_OK);
}

static void
test_outside_shift_conflicts(void **state)
{
    struct fixture *f = *state;
    int64_t id = 0;

    assert_int_equal(book(f, T0 + 14 * H, &id), ERR_CONFLICT);
    assert_true(f->problem.detail[0] != '\0');
}

/* An unknown patient is a field error, as the API renders it. */
static void
test_unknown_patient_is_a_field_error(void **state)
{
    struct fixture *f = *state;
    int64_t id = 0;

    f->patient = 9999;
    assert_int_equal(book(f, T0 + 8 * H, &id), ERR_INVALID);
    assert_int_equal(json_array_size(f->problem.errors), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(f->problem.errors, 0), "field")),
        "patient_id");
}

static void
test_move_and_cancel(void **state)
{
    struct fixture *f = *state;
    struct booking_change c = {.start = T0 + 10 * H};
    struct store_invoice inv;
    json_t *history = NULL;
    int64_t id = 0;

    assert_int_equal(book(f, T0 + 8 * H, &id), ERR_OK);
    assert_int_equal(bookings_update(&f->svc, id, &c), ERR_OK);
    assert_int_equal(bookings_cancel(&f->svc, id, "ill", 0), ERR_OK);
    assert_int_equal(store_invoice_by_booking(f->svc.db, id, &inv), ERR_OK);
    assert_string_equal(inv.status, "void");
    assert_int_equal(store_history_list(f->svc.db, id, &history), ERR_OK);
    assert_int_equal(json_array_size(history), 3);
    json_decref(history);
    assert_int_equal(bookings_cancel(&f->svc, id, "", 0), ERR_CONFLICT);
    assert_string_equal(f->problem.detail, "the booking is already cancelled");
    /* The freed slot can be booked again. */
    assert_int_equal(book(f, T0 + 10 * H, &id), ERR_OK);
}

/* A patient cancelling themselves must give the clinic's notice. */
static void
test_patient_cancel_needs_notice(void **state)
{
    struct fixture *f = *state;
    json_t *settings = json_pack("{s:i}", "client_cancel_notice_min", 48 * 60);
    int64_t id = 0;

    assert_int_equal(store_row_update(f->svc.db, &setup_settings.table, 1, settings), ERR_OK);
    json_decref(settings);
    assert_int_equal(book(f, T0 + 8 * H, &id), ERR_OK);
    assert_int_equal(bookings_cancel(&f->svc, id, "", 1), ERR_CONFLICT);
    assert_non_null(strstr(f->problem.detail, "too late to cancel online"));
    assert_int_equal(bookings_cancel(&f->svc, id, "", 0), ERR_OK);
}

static void
test_users_refuse_bad_email(void **state)
{
    struct fixture *f = *state;
    int64_t id = 0;

    assert_int_equal(users_add(&f->svc, "not-an-address", "long enough", "staff", 0, &id),
                     ERR_INVALID);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(f->problem.errors, 0), "field")), "email");
    assert_int_equal(users_add(&f->svc, "a@b.test", "long enough", "staff", 0, &id), ERR_OK);
    assert_int_equal(users_add(&f->svc, "a@b.test", "long enough", "staff", 0, &id), ERR_CONFLICT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_invoices_and_notifies, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_taken_slot_conflicts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_outside_shift_conflicts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_patient_is_a_field_error, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_move_and_cancel, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_patient_cancel_needs_notice, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_users_refuse_bad_email, fx_setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

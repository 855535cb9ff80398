/* The package operations of the store contract (store.h, "Packages")
 * against the SQLite backend or, with CHAIRSIDE_TEST_PG_URL set, the
 * PostgreSQL one: units made from the invoice's lines, conditional moves
 * that only one caller wins, the due list, the reminder mark and the
 * liability. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/package_rows.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"

#include "test_db.h"

#define T0 INT64_C(1772409600) /* 2026-03-02 00:00 UTC */
#define DAY INT64_C(86400)

struct fixture {
    char dir[64];
    char path[512];
    struct store *s;
    struct store_conn *c;
    int64_t patient, staff, location, service, invoice, package, sold, booking;
};

static int64_t
insert_row(struct store_conn *c, const struct store_table *t, json_t *obj)
{
    int64_t id = 0;

    assert_non_null(obj);
    assert_int_equal(store_row_insert(c, t, obj, &id), ERR_OK);
    json_decref(obj);
    return id;
}

/* A patient with a two-unit package sold on a two-line invoice (450 +
 * 550 net), expiring at T0 + 10 days, and a booking to link. */
static void
sell(struct fixture *f)
{
    struct store_invoice inv = {0};
    struct store_invoice_line lines[2] = {
        {0, "Physio x2: Physio", {.unit_price = 450, .quantity = 1}, 0},
        {0, "Physio x2: Physio", {.unit_price = 550, .quantity = 1}, 0},
    };
    struct store_booking b = {0};
    struct store_service svc;
    size_t i;

    f->location = insert_row(f->c, &setup_locations.table,
                             json_pack("{s:s, s:s}", "name", "L", "timezone", "UTC"));
    f->staff = insert_row(f->c, &setup_staff.table, json_pack("{s:s}", "name", "S"));
    f->service = insert_row(
        f->c, &setup_services.table,
        json_pack("{s:s, s:i, s:i}", "name", "Physio", "duration_min", 30, "price", 500));
    f->patient = insert_row(f->c, &setup_patients.table, json_pack("{s:s}", "name", "P"));
    for (i = 0; i < 2; i++) {
        lines[i].service_id = f->service;
        lines[i].money.net = lines[i].money.total = lines[i].money.unit_price;
    }
    inv.patient_id = f->patient;
    inv.issued_at = T0;
    inv.totals = (struct money_totals){1000, 0, 1000};
    snprintf(inv.currency, sizeof(inv.currency), "EUR");
    snprintf(inv.status, sizeof(inv.status), "unpaid");
    assert_int_equal(store_invoice_insert(f->c, &inv, 2026, 1, "2026-000001", &f->invoice), ERR_OK);
    assert_int_equal(store_invoice_set_lines(f->c, f->invoice, lines, 2, &inv.totals), ERR_OK);
    f->package = insert_row(f->c, &package_table,
                            json_pack("{s:s, s:s}", "name", "Physio x2", "items",
                                      "[{\"service_id\":1,\"quantity\":2}]"));
    f->sold = insert_row(f->c, &patient_package_table,
                         json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s}",
                                   "package_id", (json_int_t)f->package, "patient_id",
                                   (json_int_t)f->patient, "invoice_id", (json_int_t)f->invoice,
                                   "name", "Physio x2", "staff_ids", "[]", "location_ids", "[]",
                                   "purchased_at", (json_int_t)T0, "expires_on", "2026-03-11",
                                   "expires_at", (json_int_t)(T0 + 10 * DAY), "status", "active"));
    assert_int_equal(store_package_items_create(f->c, f->sold, f->invoice), ERR_OK);
    assert_int_equal(store_services_get(f->c, &f->service, 1, &svc), ERR_OK);
    b = (struct store_booking){.patient_id = f->patient,
                               .staff_id = f->staff,
                               .location_id = f->location,
                               .start_at = T0 + DAY,
                               .end_at = T0 + DAY + 1800,
                               .notes = "",
                               .created_at = T0};
    snprintf(b.source, sizeof(b.source), "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    assert_int_equal(store_booking_insert(f->c, &b, &svc, 1, &f->booking), ERR_OK);
}

static int
fx_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f || test_db_fresh(f->dir, sizeof(f->dir), f->path, sizeof(f->path)) != 0 ||
        store_open(f->path, 2, &f->s) != ERR_OK) {
        free(f);
        return -1;
    }
    f->c = store_acquire(f->s);
    *state = f;
    sell(f);
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fixture *f = *state;

    store_release(f->s, f->c);
    store_close(f->s);
    test_db_remove_dir(f->dir);
    free(f);
    return 0;
}

static json_t *
items_of(struct fixture *f, const struct store_package_item_filter *filter)
{
    json_t *items = NULL;

    assert_int_equal(store_package_items(f->c, filter, &items), ERR_OK);
    return items;
}

static int64_t
int_at(json_t *arr, size_t i, const char *key)
{
    return json_integer_value(json_object_get(json_array_get(arr, i), key));
}

static void
test_units_follow_the_invoice_lines(void **state)
{
    struct fixture *f = *state;
    struct store_package_item_filter all = {.patient_id = f->patient, .active_only = 1};
    json_t *items = items_of(f, &all);

    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(int_at(items, 0, "amount"), 450);
    assert_int_equal(int_at(items, 1, "amount"), 550);
    assert_int_equal(int_at(items, 0, "invoice_id"), f->invoice);
    assert_int_equal(int_at(items, 0, "expires_at"), T0 + 10 * DAY);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "status")),
                        "unassigned");
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "booking_id")));
    json_decref(items);
}

static void
test_a_move_happens_once(void **state)
{
    struct fixture *f = *state;
    struct store_package_item_filter all = {.patient_package_id = f->sold};
    struct store_package_item_filter mine = {.booking_id = 0};
    json_t *items = items_of(f, &all);
    int64_t id = int_at(items, 0, "id");
    int changed = -1;

    json_decref(items);
    assert_int_equal(
        store_package_item_move(f->c, id, "unassigned", "booked", f->booking, &changed), ERR_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(
        store_package_item_move(f->c, id, "unassigned", "booked", f->booking, &changed), ERR_OK);
    assert_int_equal(changed, 0); /* the second racer finds it taken */
    mine.booking_id = f->booking;
    items = items_of(f, &mine);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(int_at(items, 0, "id"), id);
    json_decref(items);
    /* used keeps the booking (-1); unassigned clears it (0) */
    assert_int_equal(store_package_item_move(f->c, id, "booked", "used", -1, &changed), ERR_OK);
    assert_int_equal(changed, 1);
    items = items_of(f, &mine);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    assert_int_equal(store_package_item_move(f->c, id, "used", "unassigned", 0, &changed), ERR_OK);
    items = items_of(f, &mine);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    assert_int_equal(store_patient_package_move(f->c, f->sold, "active", "expired", &changed),
                     ERR_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(store_patient_package_move(f->c, f->sold, "active", "expired", &changed),
                     ERR_OK);
    assert_int_equal(changed, 0);
    all.active_only = 1;
    items = items_of(f, &all);
    assert_int_equal(json_array_size(items), 0); /* no longer active */
    json_decref(items);
}

static void
test_due_reminder_and_liability(void **state)
{
    struct fixture *f = *state;
    json_t *due = NULL, *liability = NULL;
    int marked = -1, changed;
    struct store_package_item_filter all = {.patient_package_id = f->sold};
    json_t *items = items_of(f, &all);

    /* Nothing is due 20 days before the expiry with a 14-day reminder. */
    assert_int_equal(store_packages_due(f->c, T0 - 10 * DAY, 14 * DAY, 50, &due), ERR_OK);
    assert_int_equal(json_array_size(due), 0);
    json_decref(due);
    assert_int_equal(store_packages_due(f->c, T0, 14 * DAY, 50, &due), ERR_OK);
    assert_int_equal(json_array_size(due), 1);
    assert_int_equal(int_at(due, 0, "unassigned"), 2);
    assert_int_equal(int_at(due, 0, "expiry_reminded"), 0);
    json_decref(due);
    assert_int_equal(store_package_reminded(f->c, f->sold, &marked), ERR_OK);
    assert_int_equal(marked, 1);
    assert_int_equal(store_package_reminded(f->c, f->sold, &marked), ERR_OK);
    assert_int_equal(marked, 0);
    /* reminded: due again only once it expires */
    assert_int_equal(store_packages_due(f->c, T0, 14 * DAY, 50, &due), ERR_OK);
    assert_int_equal(json_array_size(due), 0);
    json_decref(due);
    assert_int_equal(store_packages_due(f->c, T0 + 10 * DAY, 14 * DAY, 50, &due), ERR_OK);
    assert_int_equal(json_array_size(due), 1);
    json_decref(due);

    assert_int_equal(store_package_liability(f->c, &liability), ERR_OK);
    assert_int_equal(json_array_size(liability), 1);
    assert_int_equal(int_at(liability, 0, "units"), 2);
    assert_int_equal(int_at(liability, 0, "amount"), 1000);
    json_decref(liability);
    assert_int_equal(store_package_item_move(f->c, int_at(items, 1, "id"), "unassigned", "expired",
                                             -1, &changed),
                     ERR_OK);
    assert_int_equal(store_package_liability(f->c, &liability), ERR_OK);
    assert_int_equal(int_at(liability, 0, "units"), 1);
    assert_int_equal(int_at(liability, 0, "amount"), 450);
    json_decref(liability);
    json_decref(items);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_units_follow_the_invoice_lines, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_a_move_happens_once, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_due_reminder_and_liability, fx_setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* service/availability_cache.c: how long an availability answer stays
 * right with nothing written: until its first slot has started (no
 * notice) or falls inside the minimum notice, or, with a maximum advance
 * reaching into the range, until the next minute; and the store's version
 * moves with every write availability reads, another process's too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "service/availability_cache.h"
#include "svc_fixture.h"

#define DAY (T0 / 86400)

static void
set_settings(struct fixture *f, json_t *changes)
{
    assert_non_null(changes);
    assert_int_equal(store_row_update(f->svc.db, &setup_settings.table, 1, changes), ERR_OK);
    json_decref(changes);
}

/* The first slot offered on the fixture's Monday at now, and the answer's
 * valid_until. */
static int64_t
first_slot(struct fixture *f, int64_t now, int64_t *until)
{
    struct availability_request r = {&f->service, 1, DAY, DAY, 0, 0, 0, NULL};
    struct avail_result res;
    int64_t first;
    int duration = 0;

    f->svc.now = now;
    avail_result_init(&res);
    assert_int_equal(availability_search(&f->svc, &r, &res, &duration), ERR_OK);
    assert_true(res.n > 0);
    first = res.slots[0].start;
    assert_int_equal(availability_valid_until(&f->svc, &r, &res, until), ERR_OK);
    avail_result_cleanup(&res);
    return first;
}

static void
test_until_the_first_slot_starts(void **state)
{
    struct fixture *f = *state;
    int64_t until, later;
    /* 08:10:05 in Berlin: the first slot is 08:15 local, 07:15 UTC. */
    int64_t now = T0 + 7 * H + 10 * 60 + 5, first = first_slot(f, now, &until);

    assert_int_equal(first, T0 + 7 * H + 15 * 60);
    assert_int_equal(until, first + 1);
    /* Right up to then: still offered at its own start... */
    assert_int_equal(first_slot(f, until - 1, &later), first);
    /* ...and gone the second after. */
    assert_int_equal(first_slot(f, until, &later), first + 15 * 60);
}

static void
test_until_the_first_slot_enters_the_notice(void **state)
{
    struct fixture *f = *state;
    int64_t until, later, first;

    set_settings(f, json_pack("{s:i}", "min_notice_min", 60));
    /* 07:00 local: with an hour's notice the first slot is 08:00 local. */
    first = first_slot(f, T0 + 6 * H, &until);
    assert_int_equal(first, T0 + 7 * H);
    assert_int_equal(until, first - 3600 + 1);
    assert_int_equal(first_slot(f, until - 1, &later), first);
    assert_int_equal(first_slot(f, until, &later), first + 15 * 60);
}

static void
test_max_advance_reaching_in_keeps_a_minute(void **state)
{
    struct fixture *f = *state;
    int64_t until, now = T0 - 16 * H + 17;

    /* The Monday ends beyond now + 1 day (08:00 UTC): new starts may come in. */
    set_settings(f, json_pack("{s:i}", "max_advance_days", 1));
    first_slot(f, now, &until);
    assert_int_equal(until, now - 17 + 60);
    set_settings(f, json_pack("{s:i}", "max_advance_days", 30));
    first_slot(f, now, &until);
    assert_int_equal(until, T0 + 7 * H + 1); /* the first slot, 08:00 local */
}

static void
test_version_moves_with_writes(void **state)
{
    struct fixture *f = *state;
    uint64_t v0 = 0, v1 = 0, v2 = 0;
    int own = 0;
    struct store *other = NULL;
    struct store_conn *oc;
    json_t *changes;

    assert_int_equal(availability_version(&f->svc, NULL, &v0, &own), ERR_OK);
    set_settings(f, json_pack("{s:i}", "min_notice_min", 5));
    assert_int_equal(availability_version(&f->svc, NULL, &v1, &own), ERR_OK);
    assert_true(v1 != v0);
    insert(f->svc.db, &setup_services.table,
           json_pack("{s:s, s:i, s:i}", "name", "Cleaning", "duration_min", 45, "price", 6000));
    assert_int_equal(availability_version(&f->svc, NULL, &v2, &own), ERR_OK);
    assert_true(v2 != v1);
    /* A read transaction reports the version it began at. */
    assert_int_equal(store_begin(f->svc.db, 0), ERR_OK);
    assert_int_equal(availability_version(&f->svc, NULL, &v0, &own), ERR_OK);
    assert_int_equal(v0, v2);
    store_rollback(f->svc.db);
    /* Another store on the file (as another process would be) commits:
     * the next read cannot be placed (0) and the version has moved. */
    assert_int_equal(store_open(f->path, 1, &other), ERR_OK);
    oc = store_acquire(other);
    changes = json_pack("{s:i}", "min_notice_min", 7);
    assert_int_equal(store_row_update(oc, &setup_settings.table, 1, changes), ERR_OK);
    json_decref(changes);
    store_release(other, oc);
    store_close(other);
    assert_int_equal(store_begin(f->svc.db, 0), ERR_OK);
    assert_int_equal(availability_version(&f->svc, NULL, &v0, &own), ERR_OK);
    assert_int_equal(v0, 0);
    store_rollback(f->svc.db);
    assert_int_equal(store_begin(f->svc.db, 0), ERR_OK);
    assert_int_equal(availability_version(&f->svc, NULL, &v1, &own), ERR_OK);
    assert_true(v1 != 0 && v1 != v2);
    store_rollback(f->svc.db);
}

static int
add_patient(struct store_conn *c, void *arg)
{
    (void)arg;
    insert(c, &setup_patients.table, json_pack("{s:s, s:s}", "name", "Ann", "phone", "1"));
    return ERR_OK;
}

/* This process's own commits of what availability never reads (a patient
 * here), made on another of its connections (the writer's), leave the
 * version where it was: kept answers stay kept while the clinic writes. */
static void
test_own_commits_keep_the_version(void **state)
{
    struct fixture *f = *state;
    uint64_t v0 = 0, v1 = 0;
    int own = 0;

    assert_int_equal(store_begin(f->svc.db, 0), ERR_OK);
    assert_int_equal(availability_version(&f->svc, NULL, &v0, &own), ERR_OK);
    store_rollback(f->svc.db);
    assert_true(v0 != 0);
    assert_int_equal(store_write(f->svc.db, add_patient, NULL), ERR_OK);
    assert_int_equal(store_begin(f->svc.db, 0), ERR_OK);
    assert_int_equal(availability_version(&f->svc, NULL, &v1, &own), ERR_OK);
    store_rollback(f->svc.db);
    assert_int_equal(v1, v0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_until_the_first_slot_starts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_until_the_first_slot_enters_the_notice, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_max_advance_reaching_in_keeps_a_minute, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_version_moves_with_writes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_commits_keep_the_version, fx_setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/avail_units.h"
#include "util/err.h"

/* Two chairs at location 1: chair 1 busy [100, 200), chair 2 busy
 * [200, 300); one room at location 2, free. */
static const struct avail_use chair_uses[] = {{1, 100, 200}, {2, 200, 300}};
static const struct avail_resource two_places[] = {
    {10, 1, 2, chair_uses, 2},
    {20, 2, 1, NULL, 0},
};
static const struct avail_needs needs = {two_places, 2};

static void
test_pick_lowest_free_unit(void **state)
{
    int units[2] = {-1, -1};

    (void)state;
    assert_int_equal(avail_units_pick(&needs, 1, 0, 100, units), ERR_OK);
    assert_int_equal(units[0], 1);
    assert_int_equal(units[1], 0); /* the room is at another location */
    assert_int_equal(avail_units_pick(&needs, 1, 150, 200, units), ERR_OK);
    assert_int_equal(units[0], 2);
    assert_int_equal(avail_units_pick(&needs, 1, 200, 250, units), ERR_OK);
    assert_int_equal(units[0], 1);
    /* [150, 250): each chair is free half of it, neither all of it. */
    assert_int_equal(avail_units_pick(&needs, 1, 150, 250, units), ERR_CONFLICT);
    assert_int_equal(avail_units_pick(&needs, 2, 150, 250, units), ERR_OK);
    assert_int_equal(units[0], 0);
    assert_int_equal(units[1], 1);
    /* Nothing the services need is at location 3. */
    assert_int_equal(avail_units_pick(&needs, 3, 0, 50, units), ERR_CONFLICT);
}

/* The forward scan of availability agrees with the one-off pick for
 * every window of a sweep. */
static void
test_scan_agrees_with_pick(void **state)
{
    struct avail_units u;
    int64_t t;
    int64_t loc;
    int units[2];

    (void)state;
    for (loc = 1; loc <= 3; loc++) {
        assert_int_equal(avail_units_init(&u, &needs), ERR_OK);
        for (t = 0; t < 400; t += 10) {
            int free = avail_units_free(&u, loc, t, t + 70);

            assert_int_equal(free, avail_units_pick(&needs, loc, t, t + 70, units) == ERR_OK);
        }
        avail_units_cleanup(&u);
    }
}

static void
test_bad_needs_refused(void **state)
{
    static const struct avail_use wrong_unit[] = {{3, 0, 10}};
    static const struct avail_use unordered[] = {{1, 50, 60}, {1, 0, 10}};
    const struct avail_resource none[] = {{1, 1, 0, NULL, 0}};
    const struct avail_resource bad_unit[] = {{1, 1, 2, wrong_unit, 1}};
    const struct avail_resource bad_order[] = {{1, 1, 1, unordered, 2}};
    const struct avail_needs a = {none, 1}, b = {bad_unit, 1}, c = {bad_order, 1};
    struct avail_units u;

    (void)state;
    assert_int_equal(avail_units_init(&u, &a), ERR_INVALID);
    assert_int_equal(avail_units_init(&u, &b), ERR_INVALID);
    assert_int_equal(avail_units_init(&u, &c), ERR_INVALID);
    assert_int_equal(avail_units_init(&u, NULL), ERR_OK);
    assert_int_equal(avail_units_free(&u, 1, 0, 10), 1);
    avail_units_cleanup(&u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick_lowest_free_unit),
        cmocka_unit_test(test_scan_agrees_with_pick),
        cmocka_unit_test(test_bad_needs_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* util/buf.c: growable buffers never hold, nor allocate, more than their
 * limit (and the NUL). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/buf.h"
#include "util/err.h"

static void
test_growth_stops_at_the_limit(void **state)
{
    char chunk[600];
    struct buf b;

    (void)state;
    memset(chunk, 'x', sizeof(chunk));
    buf_init(&b, 1000);
    assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), ERR_OK);
    /* Doubling from 256 would reach 1024: past the limit. */
    assert_true(b.cap <= 1001);
    assert_int_equal(buf_append(&b, chunk, 400), ERR_OK);
    assert_int_equal(b.len, 1000);
    assert_true(b.cap <= 1001);
    assert_int_equal(b.data[1000], '\0');
    assert_int_equal(buf_append(&b, "y", 1), ERR_TOO_LARGE);
    assert_int_equal(b.len, 1000);
    buf_cleanup(&b);
}

static void
test_every_entry_point_respects_the_limit(void **state)
{
    struct buf b;
    size_t limit;

    (void)state;
    for (limit = 1; limit < 5000; limit = limit * 3 + 1) {
        buf_init(&b, limit);
        while (buf_puts(&b, "abc") == ERR_OK)
            assert_true(b.cap <= limit + 1);
        while (buf_printf(&b, "%d", 7) == ERR_OK)
            assert_true(b.cap <= limit + 1);
        while (buf_put_i64(&b, -1) == ERR_OK)
            assert_true(b.cap <= limit + 1);
        assert_true(b.len <= limit);
        assert_true(b.cap <= limit + 1);
        assert_int_equal(buf_reserve(&b, SIZE_MAX), ERR_TOO_LARGE);
        assert_int_equal(buf_reserve(&b, limit - b.len + 1), ERR_TOO_LARGE);
        buf_cleanup(&b);
    }
}

/* Under AddressSanitizer, a request no allocator can meet must fail the
 * way malloc does (NULL), not abort the test: ASan reads this at start. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void
test_huge_limit_does_not_overflow(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, SIZE_MAX - 1);
    /* Within the limit, but no allocator has that much: refused, at once. */
    assert_int_equal(buf_reserve(&b, SIZE_MAX - 1), ERR_NOMEM);
    assert_int_equal(buf_reserve(&b, SIZE_MAX / 2 + 2), ERR_NOMEM);
    assert_int_equal(buf_puts(&b, "ok"), ERR_OK);
    assert_string_equal(b.data, "ok");
    buf_cleanup(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_stops_at_the_limit),
        cmocka_unit_test(test_every_entry_point_respects_the_limit),
        cmocka_unit_test(test_huge_limit_does_not_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

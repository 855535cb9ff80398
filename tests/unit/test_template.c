/* core/template.c: placeholder substitution, and core/backoff.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/backoff.h"
#include "core/template.h"
#include "util/err.h"

static const struct tpl_var vars[] = {
    {"patient", "Jörg <Müller> & Co"},
    {"date", "2026-12-07"},
    {"time", "09:30"},
};

static void
render_eq(const char *tpl, int html, const char *want)
{
    struct buf b;

    buf_init(&b, 4096);
    assert_int_equal(tpl_render(tpl, vars, 3, html, &b), ERR_OK);
    assert_string_equal(b.data ? b.data : "", want);
    buf_cleanup(&b);
}

static void
test_plain_substitution(void **state)
{
    (void)state;
    render_eq("Hello {{patient}}, {{date}} at {{time}}.", 0,
              "Hello Jörg <Müller> & Co, 2026-12-07 at 09:30.");
    render_eq("{{ date }}{{time}}", 0, "2026-12-0709:30");
    render_eq("no placeholders", 0, "no placeholders");
    render_eq("", 0, "");
}

static void
test_html_escapes_values_only(void **state)
{
    (void)state;
    render_eq("<b>{{patient}}</b>", 1, "<b>Jörg &lt;Müller&gt; &amp; Co</b>");
}

static void
test_unknown_and_unclosed(void **state)
{
    (void)state;
    render_eq("a{{nope}}b", 0, "ab");
    render_eq("a {{date", 0, "a {{date");
    render_eq("{{date}} {{", 0, "2026-12-07 {{");
}

static void
test_size_limit(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(tpl_render("{{patient}}", vars, 3, 0, &b), ERR_TOO_LARGE);
    buf_cleanup(&b);
}

static void
test_backoff_doubles_to_cap(void **state)
{
    (void)state;
    assert_int_equal(backoff_delay_ms(1, 1000, 60000), 1000);
    assert_int_equal(backoff_delay_ms(2, 1000, 60000), 2000);
    assert_int_equal(backoff_delay_ms(5, 1000, 60000), 16000);
    assert_int_equal(backoff_delay_ms(7, 1000, 60000), 60000);
    assert_int_equal(backoff_delay_ms(1000, 1000, 60000), 60000);
    assert_int_equal(backoff_delay_ms(0, 1000, 60000), 1000);
}

static void
test_backoff_waits_no_later_than_a_deadline(void **state)
{
    (void)state;
    /* Due before the next try: the try moves to it. */
    assert_int_equal(backoff_next_at(100, 3700, 400), 400);
    /* Past, or after the next try anyway: the backoff stands. */
    assert_int_equal(backoff_next_at(500, 4100, 400), 4100);
    assert_int_equal(backoff_next_at(400, 4000, 400), 4000);
    assert_int_equal(backoff_next_at(100, 130, 400), 130);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_substitution),
        cmocka_unit_test(test_html_escapes_values_only),
        cmocka_unit_test(test_unknown_and_unclosed),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_backoff_doubles_to_cap),
        cmocka_unit_test(test_backoff_waits_no_later_than_a_deadline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

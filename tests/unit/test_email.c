/* core/email.c: which addresses are accepted, and their ASCII form with
 * internationalised domains as A-labels (IDNA2008). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/email.h"
#include "util/err.h"

static void
test_shapes(void **state)
{
    (void)state;
    assert_true(email_valid("a@b.test"));
    assert_true(email_valid("first.last+tag@sub.example.test"));
    assert_false(email_valid("a@b"));
    assert_false(email_valid("@b.test"));
    assert_false(email_valid("a@"));
    assert_false(email_valid("a@b@c.test"));
    assert_false(email_valid("a b@c.test"));
    assert_false(email_valid("a@c.test\r\nBcc: x@y.test"));
    assert_false(email_valid("a@c.test,b@d.test"));
    assert_string_equal(email_problem("nope"), "must be an e-mail address");
}

static void
test_internationalised(void **state)
{
    char out[EMAIL_MAX_LEN + 1];

    (void)state;
    /* "zahnärzte" in UTF-8, as NFC and as a decomposed a + diaeresis. */
    assert_int_equal(email_ascii("praxis@zahn\xc3\xa4rzte.test", out, sizeof(out)), ERR_OK);
    assert_string_equal(out, "praxis@xn--zahnrzte-3za.test");
    assert_int_equal(email_ascii("praxis@zahna\xcc\x88rzte.test", out, sizeof(out)), ERR_OK);
    assert_string_equal(out, "praxis@xn--zahnrzte-3za.test");
    assert_int_equal(email_ascii("Jo@M\xc3\x9cNCHEN.test", out, sizeof(out)), ERR_OK);
    assert_string_equal(out, "Jo@xn--mnchen-3ya.test");
    /* ASCII stays as it is. */
    assert_int_equal(email_ascii("A.B@Example.TEST", out, sizeof(out)), ERR_OK);
    assert_string_equal(out, "A.B@Example.TEST");
    /* What cannot go out without SMTPUTF8 or is no IDNA2008 name. */
    assert_int_equal(email_ascii("j\xc3\xb6rg@praxis.test", out, sizeof(out)), ERR_INVALID);
    assert_string_equal(out, "");
    assert_non_null(strstr(email_problem("j\xc3\xb6rg@praxis.test"), "ASCII"));
    assert_false(email_valid("a@\xe2\x98\x83.test")); /* a snowman */
    assert_non_null(strstr(email_problem("a@\xe2\x98\x83.test"), "internationalised"));
    assert_false(email_valid("a@\xff\xfe.test")); /* not UTF-8 */
    /* Too long once written in ASCII, or for the caller's buffer. */
    assert_int_equal(email_ascii("praxis@zahn\xc3\xa4rzte.test", out, 10), ERR_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_internationalised),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* util/sign.c: webhook signatures against RFC 4231 test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "util/sign.h"

static void
test_rfc4231_case_2(void **state)
{
    char hex[SIGN_HEX_LEN];
    const char *data = "what do ya want for nothing?";

    (void)state;
    sign_hmac_sha256_hex("Jefe", data, strlen(data), hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void
test_long_key_is_hashed(void **state)
{
    /* RFC 4231 case 6: a 131-byte key of 0xaa. */
    char key[132], hex[SIGN_HEX_LEN];
    const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";

    (void)state;
    memset(key, 0xaa, 131);
    key[131] = '\0';
    sign_hmac_sha256_hex(key, data, strlen(data), hex);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_case_2),
        cmocka_unit_test(test_long_key_is_hashed),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

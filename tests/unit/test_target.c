/* util/target.c: outbound URL syntax and which addresses count as private. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "util/err.h"
#include "util/target.h"

static int
private_text(const char *text)
{
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;

    memset(&s4, 0, sizeof(s4));
    memset(&s6, 0, sizeof(s6));
    if (inet_pton(AF_INET, text, &s4.sin_addr) == 1) {
        s4.sin_family = AF_INET;
        return target_addr_private((struct sockaddr *)&s4);
    }
    assert_int_equal(inet_pton(AF_INET6, text, &s6.sin6_addr), 1);
    s6.sin6_family = AF_INET6;
    return target_addr_private((struct sockaddr *)&s6);
}

static void
test_private_ranges(void **state)
{
    static const char *const private[] = {
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "127.0.0.1",
        "127.255.0.9",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.10",
        "192.0.0.8",
        "198.18.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "febf::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:c0a8:0101::1",
    };
    static const char *const public[] = {
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "172.15.255.255",
        "172.32.0.1",
        "100.128.0.1",
        "11.0.0.1",
        "192.169.0.1",
        "2001:db8::1",
        "2606:4700::1111",
        "::ffff:93.184.216.34",
        "64:ff9b::808:808",
        "2002:0808:0808::",
        "fe7f:ffff::1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(private) / sizeof(private[0]); i++) {
        if (!private_text(private[i]))
            fail_msg("%s should be private", private[i]);
    }
    for (i = 0; i < sizeof(public) / sizeof(public[0]); i++) {
        if (private_text(public[i]))
            fail_msg("%s should be public", public[i]);
    }
    assert_int_equal(target_addr_private(NULL), 1);
}

static void
test_url_problems(void **state)
{
    static const char *const good_http[] = {
        "http://diary.example.com/user/cal/", "https://example.com:8443/hook?x=1&y=%20",
        "http://user:pa%20ss@example.com/",   "HTTPS://Example.COM",
        "http://[2001:db8::1]:5232/cal/",     "http://127.0.0.1:5232/",
    };
    static const char *const bad_http[] = {
        "ftp://example.com/",
        "smtp://example.com",
        "http:/example.com",
        "http://",
        "http:///path",
        "http://user@/",
        "http://exa mple.com/",
        "http://example.com/\r\nX-Injected: 1",
        "http://example.com/\n",
        "http://example.com/\t",
        "http://example.com\\@10.0.0.1/",
        "http://ex\xc3\xa4mple.com/",
        "http://example.com:/",
        "http://example.com:0/",
        "http://example.com:65536/",
        "http://example.com:80a/",
        "http://[::1/",
        "http://[::1]x/",
        "http://exa%6dple.com/",
        "javascript:alert(1)",
        "",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good_http) / sizeof(good_http[0]); i++) {
        if (target_url_problem(good_http[i], TARGET_HTTP))
            fail_msg("%s refused: %s", good_http[i], target_url_problem(good_http[i], TARGET_HTTP));
    }
    for (i = 0; i < sizeof(bad_http) / sizeof(bad_http[0]); i++) {
        if (!target_url_problem(bad_http[i], TARGET_HTTP))
            fail_msg("%s accepted", bad_http[i]);
    }
    assert_null(target_url_problem("smtp://mailer:s3cret%20pass@127.0.0.1:2525", TARGET_SMTP));
    assert_null(target_url_problem("smtps://mail.example.com/?starttls", TARGET_SMTP));
    assert_non_null(target_url_problem("http://mail.example.com", TARGET_SMTP));
    assert_non_null(target_url_problem("smtp://mail.example.com\r\nRCPT TO:<x@y>", TARGET_SMTP));
    assert_string_equal(target_url_problem("gopher://x", TARGET_HTTP),
                        "must be an http:// or https:// URL");
}

static void
test_url_host(void **state)
{
    char host[TARGET_HOST_MAX];

    (void)state;
    assert_int_equal(target_url_host("http://u:p@example.com:81/x", host), ERR_OK);
    assert_string_equal(host, "example.com");
    assert_int_equal(target_url_host("https://[fe80::1]/", host), ERR_OK);
    assert_string_equal(host, "fe80::1");
    assert_int_equal(target_url_host("smtps://mail.example.com?starttls", host), ERR_OK);
    assert_string_equal(host, "mail.example.com");
    /* The last @ ends the user part, as curl reads it. */
    assert_int_equal(target_url_host("http://a@b@10.0.0.1/", host), ERR_OK);
    assert_string_equal(host, "10.0.0.1");
    assert_int_equal(target_url_host("ftp://example.com/", host), ERR_INVALID);
}

static void
test_host_resolution_judges_numeric_forms(void **state)
{
    static const char *const private[] = {
        "127.0.0.1", "2130706433", "0x7f.0.0.1", "127.1",
        "::1",       "localhost",  "0",          "169.254.169.254"};
    size_t i;
    int p;

    (void)state;
    for (i = 0; i < sizeof(private) / sizeof(private[0]); i++) {
        p = 0;
        if (target_host_private(private[i], &p) != ERR_OK || !p)
            fail_msg("%s should resolve to a private address", private[i]);
    }
    assert_int_equal(target_host_private("93.184.216.34", &p), ERR_OK);
    assert_int_equal(p, 0);
    assert_int_equal(target_host_private("no-such-host.invalid", &p), ERR_NOT_FOUND);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_private_ranges),
        cmocka_unit_test(test_url_problems),
        cmocka_unit_test(test_url_host),
        cmocka_unit_test(test_host_resolution_judges_numeric_forms),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

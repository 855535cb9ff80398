/* core/mime.c: base64, RFC 2047 subjects and the message layout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/mime.h"
#include "util/err.h"

static void
b64_eq(const char *in, const char *want)
{
    struct buf b;

    buf_init(&b, 4096);
    assert_int_equal(mime_base64(in, strlen(in), 0, &b), ERR_OK);
    assert_string_equal(b.data ? b.data : "", want);
    buf_cleanup(&b);
}

static void
test_base64_vectors(void **state)
{
    (void)state;
    b64_eq("", "");
    b64_eq("f", "Zg==");
    b64_eq("fo", "Zm8=");
    b64_eq("foo", "Zm9v");
    b64_eq("foobar", "Zm9vYmFy");
}

static void
test_base64_wraps_at_76(void **state)
{
    char in[200];
    struct buf b;

    (void)state;
    memset(in, 'x', sizeof(in));
    buf_init(&b, 4096);
    assert_int_equal(mime_base64(in, sizeof(in), 1, &b), ERR_OK);
    assert_int_equal(strchr(b.data, '\r') - b.data, 76);
    assert_memory_equal(b.data + 76, "\r\n", 2);
    buf_cleanup(&b);
}

static void
test_header_ascii_stays_plain(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(mime_header_text("Your booking on 2026-12-07", &b), ERR_OK);
    assert_string_equal(b.data, "Your booking on 2026-12-07");
    buf_cleanup(&b);
}

static void
test_header_utf8_encoded_words(void **state)
{
    /* 40 x "ü" (80 bytes) needs two words; neither splits a character. */
    char in[81];
    struct buf b;
    char *second;
    size_t i;

    (void)state;
    for (i = 0; i < 40; i++)
        memcpy(in + 2 * i, "\xc3\xbc", 2);
    in[80] = '\0';
    buf_init(&b, 4096);
    assert_int_equal(mime_header_text(in, &b), ERR_OK);
    assert_int_equal(strncmp(b.data, "=?UTF-8?B?", 10), 0);
    second = strstr(b.data, "?=\r\n =?UTF-8?B?");
    assert_non_null(second);
    /* 44 bytes (22 characters) fit the first word: base64 of 44 bytes. */
    assert_int_equal(second - b.data, 10 + 60);
    assert_string_equal(second + 15 + 48, "?=");
    buf_cleanup(&b);
}

static void
test_message_layout(void **state)
{
    struct mime_message m = {"clinic@example.test",
                             "pat@example.test",
                             "Termin bestätigt",
                             INT64_C(1796630400),
                             "abc@chairside",
                             "b1",
                             "hello",
                             "<p>hello</p>",
                             "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                             "REQUEST"};
    const char *cal, *end, *att;
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(mime_build(&m, &b), ERR_OK);
    assert_non_null(strstr(b.data, "From: clinic@example.test\r\nTo: pat@example.test\r\n"));
    assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?VGVybWluIGJlc3TDpHRpZ3Q=?=\r\n"));
    assert_non_null(strstr(b.data, "Date: Mon, 7 Dec 2026 08:00:00 +0000\r\n"));
    assert_non_null(strstr(b.data, "Message-ID: <abc@chairside>\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(b.data, "multipart/mixed; boundary=\"mixed-b1\""));
    assert_non_null(strstr(b.data, "multipart/alternative; boundary=\"alt-b1\""));
    assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"));
    assert_non_null(strstr(b.data, "Content-Type: text/html; charset=utf-8"));
    /* iMIP (RFC 6047): the invitation is an alternative of the text,
     * and an attachment for clients that do not read it. */
    cal = strstr(b.data, "\r\n--alt-b1\r\nContent-Type: text/calendar; method=REQUEST; "
                         "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    assert_non_null(cal);
    end = strstr(b.data, "\r\n--alt-b1--\r\n");
    assert_non_null(end);
    assert_true(cal < end);
    att = strstr(b.data, "\r\n--mixed-b1\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
                         "Content-Disposition: attachment; filename=\"invite.ics\"\r\n");
    assert_non_null(att);
    assert_true(end < att);
    assert_non_null(strstr(b.data, "\r\n--mixed-b1--\r\n"));
    /* Without a calendar there is neither. */
    buf_reset(&b);
    m.ics = NULL;
    assert_int_equal(mime_build(&m, &b), ERR_OK);
    assert_null(strstr(b.data, "text/calendar"));
    assert_null(strstr(b.data, "invite.ics"));
    buf_cleanup(&b);
}

/* Text parts go out in canonical form (RFC 2046 4.1.1): each line break
 * CRLF, whether the text had LF, CR or CRLF. */
static void
test_text_parts_canonical_crlf(void **state)
{
    struct mime_message m = {"a@x.test", "b@x.test",       "s",         0,    "id",
                             "b",        "a\nb\r\nc\rd\n", "<p>\n</p>", NULL, NULL};
    struct buf b, want;

    (void)state;
    buf_init(&b, 1 << 20);
    buf_init(&want, 4096);
    assert_int_equal(mime_crlf("a\nb\r\nc\rd\n\n\r\r\n", &want), ERR_OK);
    assert_string_equal(want.data, "a\r\nb\r\nc\r\nd\r\n\r\n\r\n\r\n");
    assert_int_equal(mime_build(&m, &b), ERR_OK);
    buf_reset(&want);
    assert_int_equal(mime_base64("a\r\nb\r\nc\r\nd\r\n", 12, 1, &want), ERR_OK);
    assert_non_null(strstr(b.data, want.data));
    buf_reset(&want);
    assert_int_equal(mime_base64("<p>\r\n</p>", 9, 1, &want), ERR_OK);
    assert_non_null(strstr(b.data, want.data));
    buf_cleanup(&want);
    buf_cleanup(&b);
}

static void
test_header_injection_refused(void **state)
{
    struct mime_message m = {
        "a@x.test", "b@x.test\r\nBcc: evil@x.test", "s", 0, "id", "b", "t", "h", NULL, NULL};
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(mime_build(&m, &b), ERR_INVALID);
    m.to = "b@x.test";
    m.subject = "two\nlines";
    assert_int_equal(mime_build(&m, &b), ERR_INVALID);
    m.subject = "s";
    m.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    m.ics_method = "REQUEST\r\nBcc: evil@x.test";
    assert_int_equal(mime_build(&m, &b), ERR_INVALID);
    buf_cleanup(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_base64_wraps_at_76),
        cmocka_unit_test(test_header_ascii_stays_plain),
        cmocka_unit_test(test_header_utf8_encoded_words),
        cmocka_unit_test(test_message_layout),
        cmocka_unit_test(test_text_parts_canonical_crlf),
        cmocka_unit_test(test_header_injection_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

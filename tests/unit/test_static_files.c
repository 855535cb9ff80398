/* The rules of http/static_files.c that need no server: which requests
 * are files, how paths map below the web root (and which are refused),
 * content types, caching and Accept-Encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/static_files.h"
#include "util/err.h"

static void
test_wanted(void **state)
{
    (void)state;
    assert_true(static_files_wanted("GET", "/"));
    assert_true(static_files_wanted("HEAD", "/assets/app-1a2b.js"));
    assert_true(static_files_wanted("GET", "/book/confirm"));
    assert_true(static_files_wanted("GET", "/apiary.png"));
    assert_false(static_files_wanted("GET", "/api"));
    assert_false(static_files_wanted("GET", "/api/v1/me"));
    assert_false(static_files_wanted("GET", "/healthz"));
    assert_false(static_files_wanted("GET", "/ical/staff/3.ics"));
    assert_true(static_files_wanted("GET", "/icalendar.png"));
    assert_false(static_files_wanted("POST", "/"));
    assert_false(static_files_wanted("DELETE", "/index.html"));
}

static void
expect_map(const char *path, const char *want)
{
    char out[128];

    assert_int_equal(static_files_map(path, out, sizeof(out)), ERR_OK);
    assert_string_equal(out, want);
}

static void
test_map(void **state)
{
    (void)state;
    expect_map("/", "index.html");
    expect_map("/book", "book.html");
    expect_map("/book/", "book.html");
    expect_map("/book/appointments/3", "book.html");
    expect_map("/bookkeeping.html", "bookkeeping.html");
    expect_map("/assets/index-Ab_3.js", "assets/index-Ab_3.js");
    expect_map("/favicon.svg", "favicon.svg");
}

static void
test_map_refuses(void **state)
{
    static const char *const bad[] = {
        "/..",          "/../etc/passwd", "/assets/../../x", "/assets/./a.js",
        "/.git/config", "/assets//a.js",  "/assets/",        "/a\\b",
        "/a%2e",        "/a b",           "relative",        "",
        "/x/.hidden",
    };
    char out[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(static_files_map(bad[i], out, sizeof(out)), ERR_INVALID);
    assert_int_equal(static_files_map(NULL, out, sizeof(out)), ERR_INVALID);
    /* Too long for the caller's buffer. */
    assert_int_equal(static_files_map("/assets/abcdefgh.js", out, 8), ERR_INVALID);
}

static void
test_content_types(void **state)
{
    (void)state;
    assert_string_equal(static_files_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(static_files_content_type("assets/a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(static_files_content_type("assets/a.CSS"), "text/css; charset=utf-8");
    assert_string_equal(static_files_content_type("logo.svg"), "image/svg+xml");
    assert_string_equal(static_files_content_type("a.png"), "image/png");
    assert_string_equal(static_files_content_type("f.woff2"), "font/woff2");
    assert_string_equal(static_files_content_type("m.json"), "application/json");
    assert_string_equal(static_files_content_type("favicon.ico"), "image/x-icon");
    assert_string_equal(static_files_content_type("a.js.map"), "application/json");
    assert_string_equal(static_files_content_type("js"), "application/octet-stream");
    assert_string_equal(static_files_content_type("archive.tar"), "application/octet-stream");
}

static void
test_cache_control(void **state)
{
    (void)state;
    assert_string_equal(static_files_cache_control("assets/index-abc.js"),
                        "public, max-age=31536000, immutable");
    assert_string_equal(static_files_cache_control("index.html"), "no-cache");
    assert_string_equal(static_files_cache_control("book.html"), "no-cache");
}

static void
test_accept_encoding(void **state)
{
    (void)state;
    assert_int_equal(static_files_accepted(NULL), STATIC_IDENTITY);
    assert_int_equal(static_files_accepted(""), STATIC_IDENTITY);
    assert_int_equal(static_files_accepted("gzip"), STATIC_GZIP);
    assert_int_equal(static_files_accepted("gzip, deflate, br, zstd"), STATIC_GZIP | STATIC_BR);
    assert_int_equal(static_files_accepted("BR;q=1.0, GZIP;q=0.5"), STATIC_GZIP | STATIC_BR);
    assert_int_equal(static_files_accepted("br;q=0, gzip"), STATIC_GZIP);
    assert_int_equal(static_files_accepted("gzip; q=0.000"), STATIC_IDENTITY);
    assert_int_equal(static_files_accepted("gzip;q=0.001"), STATIC_GZIP);
    assert_int_equal(static_files_accepted("*"), STATIC_GZIP | STATIC_BR);
    assert_int_equal(static_files_accepted("identity, deflate"), STATIC_IDENTITY);
    assert_int_equal(static_files_accepted("gzipped, xbr"), STATIC_IDENTITY);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wanted),        cmocka_unit_test(test_map),
        cmocka_unit_test(test_map_refuses),   cmocka_unit_test(test_content_types),
        cmocka_unit_test(test_cache_control), cmocka_unit_test(test_accept_encoding),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

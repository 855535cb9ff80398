/* http/router.c: path matching and the unescaping in front of it; and
 * util/utf8.c, which the text limits count with. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/http.h"
#include "http/router.h"
#include "util/utf8.h"

static int
handler(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    (void)resp;
    return 0;
}

static const struct http_route routes[] = {
    {"GET", "/api/v1/bookings/{id}", handler, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/cancel", handler, 0, NULL},
    {"PATCH", "/api/v1/bookings/{id}", handler, 0, NULL},
    {"POST", "/api/v1/auth/login", handler, 0, NULL},
};

/* Unescapes path as the server does, then routes it. */
static enum http_match
route(const char *method, const char *path, struct http_req *req)
{
    static char copy[256];
    const struct http_route *r;

    assert_true(strlen(path) < sizeof(copy));
    memcpy(copy, path, strlen(path) + 1);
    http_unescape(copy);
    memset(req, 0, sizeof(*req));
    return http_route_find(routes, sizeof(routes) / sizeof(routes[0]), method, copy, req, &r);
}

static void
test_unescape_decodes_but_keeps_nul(void **state)
{
    char a[] = "/a%20b%2fc%41", b[] = "1%00abc", c[] = "%zz%4%", d[] = "%%41";

    (void)state;
    assert_int_equal(http_unescape(a), strlen("/a b/cA"));
    assert_string_equal(a, "/a b/cA");
    assert_int_equal(http_unescape(b), 7);
    assert_string_equal(b, "1%00abc");
    assert_int_equal(http_unescape(c), 6);
    assert_string_equal(c, "%zz%4%");
    http_unescape(d);
    assert_string_equal(d, "%A");
}

static void
test_ids_are_whole_segments(void **state)
{
    struct http_req req;

    (void)state;
    assert_int_equal(route("GET", "/api/v1/bookings/12", &req), HTTP_MATCH_FOUND);
    assert_int_equal(req.n_ids, 1);
    assert_int_equal(req.ids[0], 12);
    assert_int_equal(route("GET", "/api/v1/bookings/1%00abc", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/1%00", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("POST", "/api/v1/bookings/1%00/cancel", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/1abc", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/0", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/-1", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/99999999999999999999", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("GET", "/api/v1/bookings/", &req), HTTP_MATCH_NONE);
    assert_int_equal(route("POST", "/api/v1/bookings/7", &req), HTTP_MATCH_WRONG_METHOD);
}

static void
test_head_is_served_by_get(void **state)
{
    struct http_req req;

    (void)state;
    assert_int_equal(route("HEAD", "/api/v1/bookings/12", &req), HTTP_MATCH_FOUND);
    assert_int_equal(req.ids[0], 12);
    /* Only a GET route serves HEAD. */
    assert_int_equal(route("HEAD", "/api/v1/bookings/12/cancel", &req), HTTP_MATCH_WRONG_METHOD);
    assert_int_equal(route("HEAD", "/api/v1/auth/login", &req), HTTP_MATCH_WRONG_METHOD);
}

static void
test_allow_lists_the_path_methods(void **state)
{
    size_t n = sizeof(routes) / sizeof(routes[0]);
    char allow[64], tiny[8];

    (void)state;
    http_route_allow(routes, n, "/api/v1/bookings/3", allow, sizeof(allow));
    assert_string_equal(allow, "GET, HEAD, PATCH");
    http_route_allow(routes, n, "/api/v1/bookings/3/cancel", allow, sizeof(allow));
    assert_string_equal(allow, "POST");
    http_route_allow(routes, n, "/api/v1/auth/login", allow, sizeof(allow));
    assert_string_equal(allow, "POST");
    http_route_allow(routes, n, "/api/v1/nowhere", allow, sizeof(allow));
    assert_string_equal(allow, "");
    /* Cut short, never overrun. */
    http_route_allow(routes, n, "/api/v1/bookings/3", tiny, sizeof(tiny));
    assert_true(strlen(tiny) < sizeof(tiny));
    assert_memory_equal(tiny, "GET, HE", strlen(tiny));
}

static void
test_utf8_chars_counts_code_points(void **state)
{
    const char *s = "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80"; /* "Müller € 😀" */

    (void)state;
    assert_int_equal(utf8_chars(s, strlen(s)), 10);
    assert_int_equal(utf8_chars("", 0), 0);
    /* A stray continuation byte belongs to nothing; a lone lead byte counts. */
    assert_int_equal(utf8_chars("\x80\x80", 2), 0);
    assert_int_equal(utf8_chars("a\xc3", 2), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unescape_decodes_but_keeps_nul),
        cmocka_unit_test(test_ids_are_whole_segments),
        cmocka_unit_test(test_head_is_served_by_get),
        cmocka_unit_test(test_allow_lists_the_path_methods),
        cmocka_unit_test(test_utf8_chars_counts_code_points),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

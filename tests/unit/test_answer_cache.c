/* http/answer_cache.c: an answer is served only at its version and before
 * its time runs out; the cache never holds more answers or bytes than it
 * was given; an answer outlives its eviction while a reference is out;
 * ETags follow the body; gzip decodes to the body; If-None-Match lists
 * match as RFC 9110 says. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/answer_cache.h"
#include "util/err.h"

static struct answer *
put(struct answer_cache *c, const char *key, uint64_t version, int64_t until, const char *body)
{
    struct answer *a = NULL;

    char *copy = strdup(body);

    assert_non_null(copy);
    assert_int_equal(answer_cache_put(c, key, version, until, copy, strlen(body), &a), ERR_OK);
    assert_non_null(a);
    return a;
}

static void
test_version_and_deadline(void **state)
{
    struct answer_cache *c = NULL;
    struct answer *a;
    size_t len;

    (void)state;
    assert_int_equal(answer_cache_new(8, 1 << 20, &c), ERR_OK);
    answer_release(put(c, "k", 5, 1000, "{\"slots\":[]}"));
    a = answer_cache_get(c, "k", 5, 999);
    assert_non_null(a);
    assert_string_equal(answer_body(a, &len), "{\"slots\":[]}");
    assert_int_equal(len, 12);
    answer_release(a);
    /* Another version (a write since) or the deadline reached: no answer. */
    assert_null(answer_cache_get(c, "k", 6, 999));
    assert_null(answer_cache_get(c, "k", 5, 999)); /* dropped by the newer version */
    answer_release(put(c, "k", 7, 1000, "x"));
    assert_null(answer_cache_get(c, "k", 7, 1000));
    assert_null(answer_cache_get(c, "k", 7, 10));
    assert_null(answer_cache_get(c, "other", 7, 10));
    /* An older snapshot's answer does not replace a newer one. */
    answer_release(put(c, "n", 9, 1000, "new"));
    answer_release(put(c, "n", 8, 1000, "old"));
    a = answer_cache_get(c, "n", 9, 1);
    assert_non_null(a);
    assert_string_equal(answer_body(a, &len), "new");
    answer_release(a);
    answer_cache_free(c);
}

static void
test_bounded_by_entries_and_bytes_lru(void **state)
{
    struct answer_cache *c = NULL;
    struct answer *a;
    char key[16];
    char big[600];
    int i;

    (void)state;
    assert_int_equal(answer_cache_new(3, 1000, &c), ERR_OK);
    answer_release(put(c, "a", 1, 100, "1"));
    answer_release(put(c, "b", 1, 100, "2"));
    answer_release(put(c, "c", 1, 100, "3"));
    answer_release(answer_cache_get(c, "a", 1, 0)); /* a is the newest now */
    answer_release(put(c, "d", 1, 100, "4"));       /* evicts b, the least used */
    assert_null(answer_cache_get(c, "b", 1, 0));
    for (i = 0; i < 3; i++) {
        a = answer_cache_get(c, (const char *[]){"a", "c", "d"}[i], 1, 0);
        assert_non_null(a);
        answer_release(a);
    }
    /* 600 + 600 bytes exceed 1000: the older big body goes. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    answer_release(put(c, "big1", 1, 100, big));
    answer_release(put(c, "big2", 1, 100, big));
    assert_null(answer_cache_get(c, "big1", 1, 0));
    a = answer_cache_get(c, "big2", 1, 0);
    assert_non_null(a);
    answer_release(a);
    /* A body over the byte limit still makes an answer, but is not kept. */
    for (i = 0; i < 2; i++) {
        char huge[1200];

        memset(huge, 'y', sizeof(huge) - 1);
        huge[sizeof(huge) - 1] = '\0';
        snprintf(key, sizeof(key), "huge%d", i);
        answer_release(put(c, key, 1, 100, huge));
        assert_null(answer_cache_get(c, key, 1, 0));
    }
    answer_cache_free(c);
}

static void
test_reference_outlives_eviction(void **state)
{
    struct answer_cache *c = NULL;
    struct answer *held, *b;
    size_t len;

    (void)state;
    assert_int_equal(answer_cache_new(1, 1 << 20, &c), ERR_OK);
    held = put(c, "a", 1, 100, "first");
    b = put(c, "b", 1, 100, "second"); /* evicts a from the cache */
    assert_null(answer_cache_get(c, "a", 1, 0));
    assert_string_equal(answer_body(held, &len), "first");
    answer_release(held);
    answer_release(b);
    answer_cache_free(c);
    /* Without a cache the answer is made all the same. */
    held = put(NULL, "a", 1, 100, "alone");
    assert_string_equal(answer_body(held, &len), "alone");
    answer_release(held);
    answer_release(NULL);
}

static void
test_etag_and_gzip(void **state)
{
    struct answer *a = put(NULL, "k", 1, 100, "{\"slots\":[1,2,3]}");
    struct answer *same = put(NULL, "k2", 2, 100, "{\"slots\":[1,2,3]}");
    struct answer *other = put(NULL, "k", 1, 100, "{\"slots\":[1,2,4]}");
    char text[4096], out[8192];
    const char *gz;
    size_t len, i;
    uLongf out_len = sizeof(out);
    z_stream zs;

    (void)state;
    assert_string_equal(answer_etag(a, 0), answer_etag(same, 0));
    assert_string_not_equal(answer_etag(a, 0), answer_etag(other, 0));
    assert_string_not_equal(answer_etag(a, 0), answer_etag(a, 1));
    assert_int_equal(answer_etag(a, 0)[0], '"');
    assert_int_equal(answer_etag(a, 0)[strlen(answer_etag(a, 0)) - 1], '"');
    /* Too short to gain from gzip: none. */
    assert_null(answer_gzip(a, &len));
    for (i = 0; i + 12 < sizeof(text); i += 12)
        memcpy(text + i, "{\"slot\":12},", 12);
    text[i] = '\0';
    answer_release(other);
    other = put(NULL, "big", 1, 100, text);
    gz = answer_gzip(other, &len);
    assert_non_null(gz);
    assert_true(len < strlen(text));
    assert_ptr_equal(answer_gzip(other, &len), gz); /* made once */
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)gz;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)out_len;
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(zs.total_out, strlen(text));
    assert_memory_equal(out, text, strlen(text));
    inflateEnd(&zs);
    answer_release(a);
    answer_release(same);
    answer_release(other);
}

static void
test_if_none_match_lists(void **state)
{
    (void)state;
    assert_true(answer_etag_matches("\"abc\"", "\"abc\""));
    assert_true(answer_etag_matches("W/\"abc\"", "\"abc\""));
    assert_true(answer_etag_matches("\"x\", \"abc\"", "\"abc\""));
    assert_true(answer_etag_matches("\"x\",W/\"abc\"", "\"abc\""));
    assert_true(answer_etag_matches("*", "\"abc\""));
    assert_false(answer_etag_matches("\"abcd\"", "\"abc\""));
    assert_false(answer_etag_matches("\"ab\"", "\"abc\""));
    assert_false(answer_etag_matches("abc", "\"abc\""));
    assert_false(answer_etag_matches("", "\"abc\""));
    assert_false(answer_etag_matches(NULL, "\"abc\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_deadline),
        cmocka_unit_test(test_bounded_by_entries_and_bytes_lru),
        cmocka_unit_test(test_reference_outlives_eviction),
        cmocka_unit_test(test_etag_and_gzip),
        cmocka_unit_test(test_if_none_match_lists),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

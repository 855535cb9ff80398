/* http/conn_guard.c: which connections a slow-client flood loses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "http/conn_guard.h"
#include "util/err.h"

#define MAX_DROPS 64

struct drops {
    int fds[MAX_DROPS];
    int n;
};

static void
record_drop(void *cls, int fd)
{
    struct drops *d = cls;

    if (d->n < MAX_DROPS)
        d->fds[d->n] = fd;
    d->n++;
}

static struct sockaddr_in
v4(const char *text)
{
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, text, &sa.sin_addr), 1);
    return sa;
}

static struct conn_guard *
guard(struct drops *d, unsigned per_address, unsigned total)
{
    struct conn_guard_config cfg = {10000, per_address, total, record_drop, d};
    struct conn_guard *g = NULL;

    memset(d, 0, sizeof(*d));
    assert_int_equal(conn_guard_new(&cfg, &g), ERR_OK);
    return g;
}

static void
test_new_connection_drops_oldest_of_its_address(void **state)
{
    struct sockaddr_in a = v4("192.0.2.1"), b = v4("192.0.2.2");
    struct conn_guard_entry *e[6];
    struct drops d;
    struct conn_guard *g = guard(&d, 3, 100);

    (void)state;
    /* Opened out of fd order: age, not fd, decides. */
    assert_int_equal(conn_guard_open(g, 11, (struct sockaddr *)&a, 200, &e[0]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 10, (struct sockaddr *)&a, 100, &e[1]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 12, (struct sockaddr *)&a, 300, &e[2]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 20, (struct sockaddr *)&b, 50, &e[3]), ERR_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(conn_guard_open(g, 13, (struct sockaddr *)&a, 400, &e[4]), ERR_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.fds[0], 10);
    assert_int_equal(conn_guard_waiting(g, (struct sockaddr *)&a), 3);
    assert_int_equal(conn_guard_waiting(g, (struct sockaddr *)&b), 1);
    /* A dropped connection is not dropped again before its close arrives. */
    assert_int_equal(conn_guard_open(g, 14, (struct sockaddr *)&a, 500, &e[5]), ERR_OK);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.fds[1], 11);
    conn_guard_free(g);
}

static void
test_answering_connections_do_not_count(void **state)
{
    struct sockaddr_in a = v4("192.0.2.1");
    struct conn_guard_entry *e[3];
    struct drops d;
    struct conn_guard *g = guard(&d, 2, 100);

    (void)state;
    assert_int_equal(conn_guard_open(g, 1, (struct sockaddr *)&a, 0, &e[0]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 2, (struct sockaddr *)&a, 1, &e[1]), ERR_OK);
    conn_guard_received(g, e[0]);
    conn_guard_received(g, e[1]);
    assert_int_equal(conn_guard_open(g, 3, (struct sockaddr *)&a, 2, &e[2]), ERR_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(conn_guard_waiting(g, (struct sockaddr *)&a), 1);
    conn_guard_close(g, e[0]);
    conn_guard_close(g, e[1]);
    conn_guard_close(g, e[2]);
    assert_int_equal(conn_guard_waiting(g, NULL), 0);
    conn_guard_free(g);
}

static void
test_total_cap_spans_addresses(void **state)
{
    struct sockaddr_in a = v4("192.0.2.1"), b = v4("198.51.100.7"), c = v4("203.0.113.9");
    struct conn_guard_entry *e[3];
    struct drops d;
    struct conn_guard *g = guard(&d, 10, 2);

    (void)state;
    assert_int_equal(conn_guard_open(g, 1, (struct sockaddr *)&a, 5, &e[0]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 2, (struct sockaddr *)&b, 6, &e[1]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 3, (struct sockaddr *)&c, 7, &e[2]), ERR_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.fds[0], 1);
    assert_int_equal(conn_guard_waiting(g, NULL), 2);
    conn_guard_free(g);
}

static void
test_reap_cuts_only_waiting_past_deadline(void **state)
{
    struct sockaddr_in a = v4("192.0.2.1");
    struct conn_guard_entry *e[4];
    struct drops d;
    struct conn_guard *g = guard(&d, 10, 10);

    (void)state;
    assert_int_equal(conn_guard_open(g, 1, (struct sockaddr *)&a, 0, &e[0]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 2, (struct sockaddr *)&a, 0, &e[1]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 3, (struct sockaddr *)&a, 0, &e[2]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 4, (struct sockaddr *)&a, 5000, &e[3]), ERR_OK);
    conn_guard_received(g, e[1]); /* being answered: no deadline */
    conn_guard_received(g, e[2]); /* answered, then waits afresh */
    conn_guard_answered(g, e[2], 9000);
    assert_int_equal(conn_guard_reap(g, 9999), 0);
    assert_int_equal(conn_guard_reap(g, 10000), 1);
    assert_int_equal(d.fds[0], 1);
    assert_int_equal(conn_guard_reap(g, 10001), 0); /* no second drop */
    assert_int_equal(conn_guard_reap(g, 19000), 2);
    assert_int_equal(d.n, 3);
    conn_guard_free(g);
}

static void
test_ipv4_mapped_is_the_same_address(void **state)
{
    struct sockaddr_in a = v4("192.0.2.1");
    struct sockaddr_in6 m;
    struct conn_guard_entry *e[2];
    struct drops d;
    struct conn_guard *g = guard(&d, 1, 10);

    (void)state;
    memset(&m, 0, sizeof(m));
    m.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.1", &m.sin6_addr), 1);
    assert_int_equal(conn_guard_open(g, 1, (struct sockaddr *)&a, 0, &e[0]), ERR_OK);
    assert_int_equal(conn_guard_open(g, 2, (struct sockaddr *)&m, 1, &e[1]), ERR_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.fds[0], 1);
    conn_guard_free(g);
}

static void
test_config_is_checked(void **state)
{
    struct conn_guard_config cfg = {0, 1, 1, record_drop, NULL};
    struct conn_guard *g = (struct conn_guard *)&cfg;

    (void)state;
    assert_int_equal(conn_guard_new(&cfg, &g), ERR_INVALID);
    assert_null(g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_connection_drops_oldest_of_its_address),
        cmocka_unit_test(test_answering_connections_do_not_count),
        cmocka_unit_test(test_total_cap_spans_addresses),
        cmocka_unit_test(test_reap_cuts_only_waiting_past_deadline),
        cmocka_unit_test(test_ipv4_mapped_is_the_same_address),
        cmocka_unit_test(test_config_is_checked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The outbox in the store (store_outbox_*): claims are exclusive, even
 * for threads racing on separate connections; leases expire; a worker
 * whose lease was taken over cannot record an outcome; a booking's diary
 * operations run one at a time in order; an e-mail's event and rendered
 * subject; the diary's installation id and ETags. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#include "test_db.h"

#define T0 INT64_C(1796634000)
#define N_ROWS 200
#define N_THREADS 4

struct fixture {
    char dir[64];
    char path[512];
    struct store *s;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (test_db_fresh(f->dir, sizeof(f->dir), f->path, sizeof(f->path)) != 0)
        return -1;
    if (store_open(f->path, N_THREADS + 1, &f->s) != ERR_OK)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char p[600];

    store_close(f->s);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void
add_row(struct store_conn *c, const char *channel, int64_t booking_id, int64_t now)
{
    struct store_outbox_row r = {0};

    snprintf(r.channel, sizeof(r.channel), "%s", channel);
    snprintf(r.kind, sizeof(r.kind), "test");
    r.booking_id = booking_id;
    r.recipient = "x@y.test";
    r.subject = "s";
    r.body = "b";
    assert_int_equal(store_outbox_add(c, &r, now, NULL), ERR_OK);
}

struct racer {
    struct store *s;
    int64_t worker;
    atomic_int *seen; /* claims per row id */
};

static void *
race(void *arg)
{
    struct racer *r = arg;
    struct store_conn *c = store_acquire(r->s);
    struct store_outbox_row row;
    struct arena a;

    arena_init(&a);
    while (store_outbox_claim(c, r->worker, T0, T0 + 60, &a, &row) == ERR_OK)
        atomic_fetch_add(&r->seen[row.id], 1);
    arena_cleanup(&a);
    store_release(r->s, c);
    return NULL;
}

static void
test_claims_are_exclusive(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c = store_acquire(f->s);
    static atomic_int seen[N_ROWS + 1];
    struct racer racers[N_THREADS];
    pthread_t threads[N_THREADS];
    int i;

    for (i = 0; i < N_ROWS; i++)
        add_row(c, "email", 0, T0);
    store_release(f->s, c);
    for (i = 0; i < N_THREADS; i++) {
        racers[i] = (struct racer){f->s, i + 1, seen};
        assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    for (i = 0; i < N_THREADS; i++)
        pthread_join(threads[i], NULL);
    for (i = 1; i <= N_ROWS; i++) {
        if (atomic_load(&seen[i]) != 1)
            fail_msg("row %d was claimed %d times", i, atomic_load(&seen[i]));
    }
}

static void
test_lease_expires_and_old_owner_cannot_finish(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c = store_acquire(f->s);
    struct store_outbox_row row;
    struct store_outbox_filter filter = {"sent", NULL, 0, 0, 10};
    json_t *items = NULL;
    struct arena a;

    arena_init(&a);
    add_row(c, "email", 0, T0);
    assert_int_equal(store_outbox_claim(c, 1, T0, T0 + 60, &a, &row), ERR_OK);
    assert_int_equal(row.attempts, 1);
    assert_string_equal(row.recipient, "x@y.test");
    assert_int_equal(store_outbox_claim(c, 2, T0 + 30, T0 + 90, &a, &row), ERR_NOT_FOUND);
    /* Worker 1 vanished; after the lease worker 2 takes the row over. */
    assert_int_equal(store_outbox_claim(c, 2, T0 + 61, T0 + 121, &a, &row), ERR_OK);
    assert_int_equal(row.attempts, 2);
    assert_int_equal(store_outbox_finish(c, row.id, 1, "sent", "", NULL, T0, T0 + 62), ERR_OK);
    assert_int_equal(store_outbox_list(c, &filter, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    /* A retry waits for its time. */
    assert_int_equal(store_outbox_finish(c, row.id, 2, "queued", "down", NULL, T0 + 100, T0 + 62),
                     ERR_OK);
    assert_int_equal(store_outbox_claim(c, 3, T0 + 99, T0 + 159, &a, &row), ERR_NOT_FOUND);
    assert_int_equal(store_outbox_claim(c, 3, T0 + 100, T0 + 160, &a, &row), ERR_OK);
    assert_int_equal(store_outbox_finish(c, row.id, 3, "sent", "", NULL, T0, T0 + 101), ERR_OK);
    assert_int_equal(store_outbox_list(c, &filter, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    arena_cleanup(&a);
    store_release(f->s, c);
}

static void
test_diary_rows_of_one_booking_in_order(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c = store_acquire(f->s);
    struct store_outbox_row first, row;
    struct arena a;

    arena_init(&a);
    add_row(c, "diary", 9, T0);
    add_row(c, "diary", 9, T0);
    add_row(c, "diary", 10, T0);
    assert_int_equal(store_outbox_claim(c, 1, T0, T0 + 60, &a, &first), ERR_OK);
    assert_int_equal(first.booking_id, 9);
    /* Booking 9's second operation waits; booking 10's may go. */
    assert_int_equal(store_outbox_claim(c, 2, T0, T0 + 60, &a, &row), ERR_OK);
    assert_int_equal(row.booking_id, 10);
    assert_int_equal(store_outbox_claim(c, 2, T0, T0 + 60, &a, &row), ERR_NOT_FOUND);
    assert_int_equal(store_outbox_finish(c, first.id, 1, "sent", "", NULL, T0, T0), ERR_OK);
    assert_int_equal(store_outbox_claim(c, 2, T0, T0 + 60, &a, &row), ERR_OK);
    assert_int_equal(row.booking_id, 9);
    assert_true(row.id > first.id);
    arena_cleanup(&a);
    store_release(f->s, c);
}

/* An event row comes back with its event and an empty body; a row added
 * without one (as before events) with its body and an empty event. The
 * subject an outcome records replaces the row's; none keeps it. */
static void
test_event_rows_and_subjects(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c = store_acquire(f->s);
    struct store_outbox_row r = {0}, row;
    struct store_outbox_filter filter = {NULL, "email", 0, 0, 10};
    json_t *items = NULL;
    struct arena a;

    arena_init(&a);
    snprintf(r.channel, sizeof(r.channel), "email");
    snprintf(r.kind, sizeof(r.kind), "booking_confirmation");
    r.recipient = "x@y.test";
    r.event = "{\"template\":\"booking_confirmation\"}";
    assert_int_equal(store_outbox_add(c, &r, T0, NULL), ERR_OK);
    add_row(c, "email", 0, T0 + 1);
    assert_int_equal(store_outbox_claim(c, 1, T0 + 1, T0 + 61, &a, &row), ERR_OK);
    assert_string_equal(row.event, "{\"template\":\"booking_confirmation\"}");
    assert_string_equal(row.body, "");
    assert_string_equal(row.subject, "");
    assert_int_equal(store_outbox_finish(c, row.id, 1, "sent", "", "Rendered", T0, T0 + 2), ERR_OK);
    assert_int_equal(store_outbox_claim(c, 1, T0 + 2, T0 + 62, &a, &row), ERR_OK);
    assert_string_equal(row.event, "");
    assert_string_equal(row.body, "b");
    assert_int_equal(store_outbox_finish(c, row.id, 1, "sent", "", NULL, T0, T0 + 3), ERR_OK);
    assert_int_equal(store_outbox_list(c, &filter, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "subject")),
                        "Rendered");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "subject")),
                        "s");
    json_decref(items);
    arena_cleanup(&a);
    store_release(f->s, c);
}

/* Every installation has its own id, made once and kept; a booking's
 * diary ETag is remembered, replaced and forgotten. */
static void
test_diary_state(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c = store_acquire(f->s);
    struct store_diary_state first, st;
    size_t i;

    assert_int_equal(store_diary_state_get(c, 9, &first), ERR_OK);
    assert_int_equal(strlen(first.installation_id), 32);
    for (i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", first.installation_id[i]));
    assert_string_equal(first.etag, "");
    assert_int_equal(store_begin(c, 1), ERR_OK);
    assert_int_equal(store_diary_etag_set(c, 9, "\"v1\"", T0), ERR_OK);
    assert_int_equal(store_diary_etag_set(c, 10, "\"w1\"", T0), ERR_OK);
    assert_int_equal(store_diary_etag_set(c, 9, "\"v2\"", T0 + 1), ERR_OK);
    assert_int_equal(store_commit(c), ERR_OK);
    assert_int_equal(store_diary_state_get(c, 9, &st), ERR_OK);
    assert_string_equal(st.installation_id, first.installation_id);
    assert_string_equal(st.etag, "\"v2\"");
    assert_int_equal(store_begin(c, 1), ERR_OK);
    assert_int_equal(store_diary_etag_set(c, 9, "", T0 + 2), ERR_OK);
    assert_int_equal(store_commit(c), ERR_OK);
    assert_int_equal(store_diary_state_get(c, 9, &st), ERR_OK);
    assert_string_equal(st.etag, "");
    assert_int_equal(store_diary_state_get(c, 10, &st), ERR_OK);
    assert_string_equal(st.etag, "\"w1\"");
    store_release(f->s, c);
    /* Opened again, the store keeps its installation id. */
    store_close(f->s);
    assert_int_equal(store_open(f->path, N_THREADS + 1, &f->s), ERR_OK);
    c = store_acquire(f->s);
    assert_int_equal(store_diary_state_get(c, 1, &st), ERR_OK);
    assert_string_equal(st.installation_id, first.installation_id);
    store_release(f->s, c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_claims_are_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_expires_and_old_owner_cannot_finish, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_diary_rows_of_one_booking_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_rows_and_subjects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diary_state, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of store_write, against the SQLite backend (its group-commit
 * writer) or, with CHAIRSIDE_TEST_PG_URL set, the PostgreSQL one: a write
 * commits what it did or, refused, undoes only its own work, however many
 * run at once; on SQLite several are committed together. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/setup.h"
#include "store/sqlite/internal.h"
#include "store/store.h"
#include "util/err.h"

#include "test_db.h"

#define RACERS 8
#define WRITES_EACH 24

struct fixture {
    char dir[64];
    char path[512];
    struct store *s;
    struct store_conn *c;
};

static int
fx_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f || test_db_fresh(f->dir, sizeof(f->dir), f->path, sizeof(f->path)) != 0) {
        free(f);
        return -1;
    }
    if (store_open(f->path, RACERS + 1, &f->s) != ERR_OK) {
        test_db_remove_dir(f->dir);
        free(f);
        return -1;
    }
    f->c = store_acquire(f->s);
    *state = f;
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fixture *f = *state;

    store_release(f->s, f->c);
    store_close(f->s);
    test_db_remove_dir(f->dir);
    free(f);
    return 0;
}

static int
is_sqlite(const struct fixture *f)
{
    return strcmp(store_kind(f->s), "sqlite") == 0;
}

/* One write: a location named name, kept or (refuse) undone. */
struct location_write {
    char name[32];
    int refuse;
    int rc;
};

static int
add_location(struct store_conn *c, void *arg)
{
    struct location_write *w = arg;
    json_t *obj = json_pack("{s:s, s:s}", "name", w->name, "timezone", "Europe/Berlin");
    int64_t id;
    int rc = obj ? store_row_insert(c, &setup_locations.table, obj, &id) : ERR_NOMEM;

    json_decref(obj);
    return rc == ERR_OK && w->refuse ? ERR_CONFLICT : rc;
}

/* Every location's name, one string. */
static void
location_names(struct store_conn *c, char *out, size_t size, int *count)
{
    json_t *items = NULL, *row;
    int64_t after = 0;
    size_t i, used = 0;

    *count = 0;
    out[0] = '\0';
    do {
        json_decref(items);
        assert_int_equal(store_row_list(c, &setup_locations.table, NULL, after, 100, &items),
                         ERR_OK);
        json_array_foreach(items, i, row)
        {
            int n = snprintf(out + used, size - used, "%s;",
                             json_string_value(json_object_get(row, "name")));

            assert_true(n > 0 && (size_t)n < size - used);
            used += (size_t)n;
            after = json_integer_value(json_object_get(row, "id"));
            (*count)++;
        }
    } while (json_array_size(items) == 100);
    json_decref(items);
}

struct racer {
    struct store *s;
    int index;
    struct location_write writes[WRITES_EACH];
    atomic_int *ready;
};

static void *
race(void *arg)
{
    struct racer *r = arg;
    struct store_conn *c = store_acquire(r->s);
    int i;

    atomic_fetch_add(r->ready, 1);
    while (atomic_load(r->ready) < RACERS)
        ; /* all start together */
    for (i = 0; i < WRITES_EACH; i++) {
        struct location_write *w = &r->writes[i];

        snprintf(w->name, sizeof(w->name), "r%d-%d", r->index, i);
        w->refuse = (r->index + i) % 3 == 0;
        w->rc = store_write(c, add_location, w);
    }
    store_release(r->s, c);
    return NULL;
}

/* Many writers at once: every one is answered, the kept ones are all
 * there and the refused ones left nothing, though they shared commits. */
static void
test_concurrent_writes_keep_or_undo_each(void **state)
{
    struct fixture *f = *state;
    static struct racer racers[RACERS];
    static char names[RACERS * WRITES_EACH * 16];
    pthread_t threads[RACERS];
    atomic_int ready = 0;
    int i, j, kept = 0, count;

    for (i = 0; i < RACERS; i++) {
        racers[i] = (struct racer){.s = f->s, .index = i, .ready = &ready};
        assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    for (i = 0; i < RACERS; i++)
        pthread_join(threads[i], NULL);
    location_names(f->c, names, sizeof(names), &count);
    for (i = 0; i < RACERS; i++) {
        for (j = 0; j < WRITES_EACH; j++) {
            const struct location_write *w = &racers[i].writes[j];
            char needle[40];

            snprintf(needle, sizeof(needle), ";%s;", w->name);
            /* names starts without ';': look for the name at the start too. */
            int found = strstr(names, needle) != NULL ||
                        strncmp(names, needle + 1, strlen(needle + 1)) == 0;

            assert_int_equal(w->rc, w->refuse ? ERR_CONFLICT : ERR_OK);
            assert_int_equal(found, !w->refuse);
            kept += !w->refuse;
        }
    }
    assert_int_equal(count, kept);
    if (is_sqlite(f)) {
        struct sqlite_writer_stats st;

        sqlite_writer_stats(lite(f->c)->writer, &st);
        assert_int_equal(st.jobs, RACERS * WRITES_EACH);
        /* Writers that queued while a commit was syncing shared the next. */
        assert_true(st.largest > 1);
        assert_true(st.groups < st.jobs);
    }
}

/* --- SQLite's writer ----------------------------------------------------- */

/* A write that holds the writer until released, so that the next ones
 * queue up and are run as one group. */
struct blocker {
    atomic_int entered, release;
};

static int
block_writer(struct store_conn *c, void *arg)
{
    struct blocker *b = arg;

    (void)c;
    atomic_store(&b->entered, 1);
    while (!atomic_load(&b->release))
        usleep(1000);
    return ERR_OK;
}

/* Like a full disk: ends the whole transaction, then says all went well. */
static int
end_transaction(struct store_conn *c, void *arg)
{
    struct location_write *w = arg;
    int rc = add_location(c, w);

    sqlite3_exec(lite(c)->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

struct queued {
    struct store *s;
    store_write_fn *fn;
    void *arg;
    int rc;
};

static void *
write_one(void *arg)
{
    struct queued *q = arg;
    struct store_conn *c = store_acquire(q->s);

    q->rc = store_write(c, q->fn, q->arg);
    store_release(q->s, c);
    return NULL;
}

/* A job that takes the group's transaction down takes nobody else's
 * write with it: the others run again, each on its own. */
static void
test_sqlite_group_outlives_a_lost_transaction(void **state)
{
    struct fixture *f = *state;
    struct blocker b = {0};
    struct location_write w[5] = {0};
    struct queued first = {f->s, block_writer, &b, -1}, q[5];
    pthread_t t0, t[5];
    struct sqlite_writer_stats st;
    char names[512];
    int i, count;

    if (!is_sqlite(f))
        skip();
    assert_int_equal(pthread_create(&t0, NULL, write_one, &first), 0);
    while (!atomic_load(&b.entered))
        usleep(1000);
    for (i = 0; i < 5; i++) {
        snprintf(w[i].name, sizeof(w[i].name), "q%d", i);
        w[i].refuse = i == 1;
        q[i] = (struct queued){f->s, i == 2 ? end_transaction : add_location, &w[i], -1};
        assert_int_equal(pthread_create(&t[i], NULL, write_one, &q[i]), 0);
    }
    usleep(200 * 1000); /* all five queue behind the blocker */
    atomic_store(&b.release, 1);
    pthread_join(t0, NULL);
    for (i = 0; i < 5; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(first.rc, ERR_OK);
    assert_int_equal(q[0].rc, ERR_OK);
    assert_int_equal(q[1].rc, ERR_CONFLICT);
    assert_int_not_equal(q[2].rc, ERR_OK);
    assert_int_equal(q[3].rc, ERR_OK);
    assert_int_equal(q[4].rc, ERR_OK);
    location_names(f->c, names, sizeof(names), &count);
    assert_int_equal(count, 3);
    assert_non_null(strstr(names, "q0;"));
    assert_non_null(strstr(names, "q3;"));
    assert_non_null(strstr(names, "q4;"));
    sqlite_writer_stats(lite(f->c)->writer, &st);
    assert_int_equal(st.largest, 5);
}

static void
test_sqlite_write_inside_a_transaction_is_refused(void **state)
{
    struct fixture *f = *state;
    struct location_write w = {.name = "nested"};

    if (!is_sqlite(f))
        skip();
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_write(f->c, add_location, &w), ERR_INVALID);
    store_rollback(f->c);
}

static int
synchronous_of(struct store_conn *c)
{
    sqlite3_stmt *st;
    int v = -1;

    assert_int_equal(sqlite3_prepare_v2(lite(c)->db, "PRAGMA synchronous", -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* FULL (2) unless the operator chose NORMAL (1); anything else refuses to
 * open rather than guess. */
static void
test_sqlite_synchronous_setting(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    struct store_conn *c;

    if (!is_sqlite(f))
        skip();
    assert_int_equal(synchronous_of(f->c), 2);
    setenv("CHAIRSIDE_SQLITE_SYNCHRONOUS", "normal", 1);
    assert_int_equal(store_open(f->path, 1, &s), ERR_OK);
    c = store_acquire(s);
    assert_int_equal(synchronous_of(c), 1);
    store_release(s, c);
    store_close(s);
    setenv("CHAIRSIDE_SQLITE_SYNCHRONOUS", "off", 1);
    s = NULL;
    assert_int_equal(store_open(f->path, 1, &s), ERR_INVALID);
    assert_null(s);
    unsetenv("CHAIRSIDE_SQLITE_SYNCHRONOUS");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_concurrent_writes_keep_or_undo_each),
        T(test_sqlite_group_outlives_a_lost_transaction),
        T(test_sqlite_write_inside_a_transaction_is_refused),
        T(test_sqlite_synchronous_setting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

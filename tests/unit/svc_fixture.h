/* The fixture of the use-case tests: a scratch SQLite database in its own
 * mkdtemp directory, the zone database, and a context built by hand whose
 * problem details the tests read. Seeded with one location in Berlin, one
 * staff member working Mondays 08:00-12:00 local there, a 30-minute
 * check-up for 50.00 and a patient with an e-mail address. Include it
 * after cmocka.h: the helpers assert. */
#ifndef CHAIRSIDE_TESTS_SVC_FIXTURE_H
#define CHAIRSIDE_TESTS_SVC_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/setup.h"
#include "service/svc.h"
#include "store/store.h"
#include "util/err.h"
#include "util/tzdb.h"

#include "test_db.h"

/* 2026-03-02 00:00 UTC, a Monday; 08:00 UTC is 09:00 in Berlin. */
#define T0 INT64_C(1772409600)
#define H (INT64_C(3600))

struct fixture {
    char dir[64];
    char path[128];
    struct store *s;
    struct tzdb *tzdb;
    struct arena arena;
    struct problem problem;
    struct svc svc;
    int64_t staff, service, patient;
};

static inline int64_t
insert(struct store_conn *c, const struct store_table *t, json_t *row)
{
    int64_t id = 0;

    assert_non_null(row);
    assert_int_equal(store_row_insert(c, t, row, &id), ERR_OK);
    json_decref(row);
    return id;
}

/* One location in Berlin, one staff member working Mondays 08:00-12:00
 * local, a 30-minute check-up for 50.00 and a patient with an e-mail. */
static inline void
seed(struct fixture *f)
{
    struct store_conn *c = f->svc.db;
    int64_t location;
    struct store_shift shift = {0, 1, 8 * 60, 12 * 60, 0, NULL};
    json_t *settings = json_pack("{s:s}", "timezone", "Europe/Berlin");

    assert_int_equal(store_row_update(c, &setup_settings.table, 1, settings), ERR_OK);
    json_decref(settings);
    location = insert(c, &setup_locations.table,
                      json_pack("{s:s, s:s}", "name", "Mitte", "timezone", "Europe/Berlin"));
    f->staff = insert(c, &setup_staff.table, json_pack("{s:s}", "name", "Dr. Weber"));
    f->service =
        insert(c, &setup_services.table,
               json_pack("{s:s, s:i, s:i}", "name", "Check-up", "duration_min", 30, "price", 5000));
    f->patient = insert(c, &setup_patients.table,
                        json_pack("{s:s, s:s}", "name", "Maria", "email", "maria@example.test"));
    assert_int_equal(store_staff_links_set(c, f->staff, "locations", &location, 1), ERR_OK);
    shift.location_id = location;
    assert_int_equal(store_shifts_replace(c, f->staff, &shift, 1), ERR_OK);
}

static inline int
fx_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/chairside-svc-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
    arena_init(&f->arena);
    problem_init(&f->problem);
    if (store_open(f->path, 1, &f->s) != ERR_OK || tzdb_new(NULL, &f->tzdb) != ERR_OK) {
        if (f->s)
            store_close(f->s);
        test_db_remove_dir(f->dir);
        free(f);
        return -1;
    }
    f->svc = (struct svc){.db = store_acquire(f->s),
                          .tzdb = f->tzdb,
                          .arena = &f->arena,
                          .now = T0 - 24 * H,
                          .user_id = 0,
                          .actor = "staff:0",
                          .problem = &f->problem};
    seed(f);
    *state = f;
    return 0;
}

static inline int
fx_teardown(void **state)
{
    struct fixture *f = *state;

    store_release(f->s, f->svc.db);
    store_close(f->s);
    tzdb_free(f->tzdb);
    problem_cleanup(&f->problem);
    arena_cleanup(&f->arena);
    test_db_remove_dir(f->dir);
    free(f);
    return 0;
}

#endif

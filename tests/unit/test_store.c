/* Tests of the persistence layer (store/store.h), against the SQLite
 * backend or, with CHAIRSIDE_TEST_PG_URL set, the PostgreSQL one. Each
 * test gets a fresh database (test_db.h), opened with a pool of two
 * connections; the fixture holds one of them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/setup.h"
#include "service/stock.h"
#include "store/migrations.h"
#include "store/postgres/pg_migrations.h"
#include "store/sqlite/internal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#include "test_db.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-03-02 00:00 UTC, a Monday; every instant below is relative to it. */
#define T0 INT64_C(1772409600)
#define H (INT64_C(3600))
#define M (INT64_C(60))

struct fixture {
    char dir[64];
    char path[512]; /* what store_open opens: a file in dir, or a URL */
    struct store *s;
    struct store_conn *c;
    struct arena arena; /* for store_* results; freed even when a test fails */
};

static int
fx_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (test_db_fresh(f->dir, sizeof(f->dir), f->path, sizeof(f->path)) != 0) {
        free(f);
        return -1;
    }
    arena_init(&f->arena);
    if (store_open(f->path, 2, &f->s) != ERR_OK) {
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

    if (!f)
        return 0;
    if (f->s) {
        store_release(f->s, f->c);
        store_close(f->s);
    }
    test_db_remove_dir(f->dir);
    arena_cleanup(&f->arena);
    free(f);
    return 0;
}

/* --- Helpers ------------------------------------------------------------- */

static int64_t
insert_row(struct store_conn *c, const struct store_table *t, json_t *obj)
{
    int64_t id = 0;

    assert_non_null(obj);
    assert_int_equal(store_row_insert(c, t, obj, &id), ERR_OK);
    assert_true(id > 0);
    json_decref(obj);
    return id;
}

static int64_t
add_location(struct store_conn *c, const char *name, const char *tz)
{
    return insert_row(c, &setup_locations.table,
                      json_pack("{s:s, s:s}", "name", name, "timezone", tz));
}

static int64_t
add_staff(struct store_conn *c, const char *name, int bookable)
{
    return insert_row(c, &setup_staff.table,
                      json_pack("{s:s, s:b}", "name", name, "bookable", bookable));
}

static int64_t
add_service(struct store_conn *c, const char *name, const char *category, int duration_min)
{
    return insert_row(c, &setup_services.table,
                      json_pack("{s:s, s:s, s:i}", "name", name, "category", category,
                                "duration_min", duration_min));
}

static int64_t
add_patient(struct store_conn *c, const char *name)
{
    return insert_row(c, &setup_patients.table, json_pack("{s:s}", "name", name));
}

static int64_t
json_int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static const char *
json_str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    assert_true(json_is_string(v));
    return json_string_value(v);
}

/* Checks that arr is an array of integers equal to want[0..n). */
static void
assert_int_array(json_t *arr, const int64_t *want, size_t n)
{
    size_t i;

    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), n);
    for (i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(arr, i)), want[i]);
}

/* Checks that rows (objects with "id") have exactly the ids want[0..n). */
static void
assert_row_ids(json_t *rows, const int64_t *want, size_t n)
{
    size_t i;

    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), n);
    for (i = 0; i < n; i++)
        assert_int_equal(json_int_at(json_array_get(rows, i), "id"), want[i]);
}

/* A table with only its id column: readable exactly when it exists. */
static int
table_exists(struct store_conn *c, const char *name)
{
    struct store_table t = {name, NULL, NULL, 0, sizeof(struct store_column)};
    json_t *items = NULL;
    int rc = store_row_list(c, &t, NULL, 0, 1, &items);

    json_decref(items);
    return rc == ERR_OK;
}

struct booking_world {
    int64_t loc1, loc2;
    int64_t staff1, staff2;
    int64_t pat1, pat2;
    struct store_service svc[3];
};

static void
booking_world_init(struct store_conn *c, struct booking_world *w)
{
    int64_t ids[3];

    w->loc1 = add_location(c, "Main street", "Europe/Berlin");
    w->loc2 = add_location(c, "Harbour", "UTC");
    w->staff1 = add_staff(c, "Dr Adams", 1);
    w->staff2 = add_staff(c, "Dr Brown", 1);
    w->pat1 = add_patient(c, "Alice Example");
    w->pat2 = add_patient(c, "Bob Example");
    ids[0] = add_service(c, "Check-up", "general", 30);
    ids[1] = add_service(c, "Cleaning", "hygiene", 45);
    ids[2] = add_service(c, "X-ray", "imaging", 15);
    assert_int_equal(store_services_get(c, ids, 3, w->svc), ERR_OK);
}

static int64_t
add_booking(struct store_conn *c, const struct booking_world *w, int64_t patient, int64_t staff,
            int64_t start, int64_t end, const char *payment)
{
    struct store_booking b = {0};
    int64_t id = 0;

    b.patient_id = patient;
    b.staff_id = staff;
    b.location_id = w->loc1;
    b.start_at = start;
    b.end_at = end;
    snprintf(b.source, sizeof(b.source), "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "%s", payment);
    b.created_at = T0 - 10 * 86400;
    assert_int_equal(store_booking_insert(c, &b, &w->svc[0], 1, &id), ERR_OK);
    assert_true(id > 0);
    return id;
}

static int64_t
add_appointment(struct store_conn *c, int64_t staff, int64_t start, int64_t end)
{
    struct store_appointment a = {0};
    int64_t id = 0;

    a.staff_id = staff;
    a.start_at = start;
    a.end_at = end;
    assert_int_equal(store_appointment_insert(c, &a, &id), ERR_OK);
    return id;
}

static int64_t
add_time_off(struct store_conn *c, int64_t staff, int64_t start, int64_t end)
{
    static const struct store_column cols[] = {
        {"staff_id", STORE_COL_INT},
        {"start_at", STORE_COL_INT},
        {"end_at", STORE_COL_INT},
        {"reason", STORE_COL_TEXT},
    };
    static const struct store_table t = {"time_off", NULL, cols, ARRAY_LEN(cols), sizeof(cols[0])};

    return insert_row(c, &t,
                      json_pack("{s:I, s:I, s:I, s:s}", "staff_id", (json_int_t)staff, "start_at",
                                (json_int_t)start, "end_at", (json_int_t)end, "reason", "holiday"));
}

/* --- Lifecycle and migrations ---------------------------------------------- */

static void
test_migrations_create_schema(void **state)
{
    static const char *const tables[] = {
        "settings",       "locations", "staff",           "services",     "shifts",
        "time_off",       "actions",   "patients",        "users",        "sessions",
        "login_failures", "bookings",  "booking_history", "appointments", "patients_view",
    };
    struct fixture *f = *state;
    int version = -1, highest = 0, i;
    json_t *settings = NULL, *ids = NULL;
    size_t k;

    const struct store_migration *m = test_db_pg_url() ? pg_migrations : store_migrations;
    int n = test_db_pg_url() ? pg_migration_count : store_migration_count;

    for (i = 0; i < n; i++) {
        if (m[i].version > highest)
            highest = m[i].version;
    }
    assert_true(highest >= 1);
    assert_int_equal(store_schema_version(f->c, &version), ERR_OK);
    assert_int_equal(version, highest);

    for (k = 0; k < ARRAY_LEN(tables); k++) {
        if (!table_exists(f->c, tables[k]))
            fail_msg("table %s missing after migration", tables[k]);
    }
    assert_false(table_exists(f->c, "no_such_table"));
    /* WITHOUT ROWID link tables have no id: reach them through their API. */
    assert_int_equal(store_staff_links_get(f->c, 1, "services", &ids), ERR_OK);
    assert_int_equal(json_array_size(ids), 0);
    json_decref(ids);

    /* The one settings row is seeded with its defaults. */
    assert_int_equal(store_row_get(f->c, &setup_settings.table, 1, &settings), ERR_OK);
    assert_int_equal(json_int_at(settings, "booking_time_divider_min"), 15);
    assert_string_equal(json_str_at(settings, "currency"), "EUR");
    assert_string_equal(json_str_at(settings, "appointment_mode"), "individual");
    assert_true(json_is_false(json_object_get(settings, "book_one_service_only")));
    json_decref(settings);
    assert_int_equal(store_row_get(f->c, &setup_settings.table, 2, &settings), ERR_NOT_FOUND);
    assert_null(settings);
}

static void
test_open_failure(void **state)
{
    struct fixture *f = *state;
    struct store *s = (struct store *)f; /* must be overwritten */
    char path[160];

    if (test_db_pg_url())
        snprintf(path, sizeof(path), "postgresql://nobody:wrong@127.0.0.1:1/none");
    else
        snprintf(path, sizeof(path), "%s/missing/dir/test.db", f->dir);
    assert_int_not_equal(store_open(path, 2, &s), ERR_OK);
    assert_null(s);
}

static void
test_reopen_existing_database(void **state)
{
    struct fixture *f = *state;
    int64_t loc = add_location(f->c, "Main street", "Europe/Berlin");
    int version = 0, version2 = 0;
    json_t *row = NULL, *items = NULL;

    assert_int_equal(store_schema_version(f->c, &version), ERR_OK);
    store_release(f->s, f->c);
    store_close(f->s);
    f->c = NULL;
    f->s = NULL;

    assert_int_equal(store_open(f->path, 2, &f->s), ERR_OK);
    f->c = store_acquire(f->s);
    assert_int_equal(store_schema_version(f->c, &version2), ERR_OK);
    assert_int_equal(version2, version);
    assert_int_equal(store_row_get(f->c, &setup_locations.table, loc, &row), ERR_OK);
    assert_string_equal(json_str_at(row, "name"), "Main street");
    json_decref(row);
    /* Migrations did not run again: still one settings row, one location. */
    assert_int_equal(store_row_list(f->c, &setup_settings.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_locations.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
}

/* --- Generic rows ------------------------------------------------------------ */

static void
test_rows_insert_get_update_delete(void **state)
{
    struct fixture *f = *state;
    int64_t id = add_location(f->c, "Main street", "Europe/Berlin");
    json_t *row = NULL, *patch;

    assert_int_equal(store_row_get(f->c, &setup_locations.table, id, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "id"), id);
    assert_string_equal(json_str_at(row, "name"), "Main street");
    assert_string_equal(json_str_at(row, "timezone"), "Europe/Berlin");
    assert_string_equal(json_str_at(row, "address"), ""); /* column default */
    json_decref(row);

    /* Only the columns present change. */
    patch = json_pack("{s:s}", "address", "1 Main street");
    assert_int_equal(store_row_update(f->c, &setup_locations.table, id, patch), ERR_OK);
    assert_int_equal(store_row_get(f->c, &setup_locations.table, id, &row), ERR_OK);
    assert_string_equal(json_str_at(row, "name"), "Main street");
    assert_string_equal(json_str_at(row, "address"), "1 Main street");
    json_decref(row);
    assert_int_equal(store_row_update(f->c, &setup_locations.table, id + 100, patch),
                     ERR_NOT_FOUND);
    json_decref(patch);

    /* An update with no known column still says whether the row exists. */
    patch = json_pack("{s:s}", "unknown", "x");
    assert_int_equal(store_row_update(f->c, &setup_locations.table, id, patch), ERR_OK);
    assert_int_equal(store_row_update(f->c, &setup_locations.table, id + 100, patch),
                     ERR_NOT_FOUND);
    json_decref(patch);

    /* NOT NULL columns are enforced by the database. */
    patch = json_pack("{s:s}", "name", "No zone");
    assert_int_equal(store_row_insert(f->c, &setup_locations.table, patch, &id), ERR_CONFLICT);
    json_decref(patch);

    assert_int_equal(store_row_get(f->c, &setup_locations.table, id + 100, &row), ERR_NOT_FOUND);
    assert_null(row);
    assert_int_equal(store_row_delete(f->c, &setup_locations.table, id), ERR_OK);
    assert_int_equal(store_row_get(f->c, &setup_locations.table, id, &row), ERR_NOT_FOUND);
    assert_int_equal(store_row_delete(f->c, &setup_locations.table, id), ERR_NOT_FOUND);
}

/* Two descriptors of one table (a narrower one, as store.h allows) each get
 * their own columns, in whichever order they are used. */
static void
test_rows_get_uses_each_descriptor(void **state)
{
    static const struct store_column name_only[] = {{"name", STORE_COL_TEXT}};
    static const struct store_table narrow = {"locations", NULL, name_only, 1,
                                              sizeof(name_only[0])};
    struct fixture *f = *state;
    int64_t id = add_location(f->c, "Main street", "Europe/Berlin");
    json_t *row = NULL, *items = NULL;
    size_t n;

    assert_int_equal(store_row_get(f->c, &setup_locations.table, id, &row), ERR_OK);
    n = json_object_size(row);
    json_decref(row);
    assert_int_equal(n, 4); /* id, name, timezone, address */
    assert_int_equal(store_row_get(f->c, &narrow, id, &row), ERR_OK);
    n = json_object_size(row);
    json_decref(row);
    assert_int_equal(n, 2); /* id, name */
    assert_int_equal(store_row_list(f->c, &narrow, NULL, 0, 10, &items), ERR_OK);
    n = json_object_size(json_array_get(items, 0));
    json_decref(items);
    assert_int_equal(n, 2);
}

static void
test_rows_booleans(void **state)
{
    struct fixture *f = *state;
    int64_t on, off, pat, user;
    json_t *row = NULL, *items = NULL, *patch;

    on = insert_row(
        f->c, &setup_services.table,
        json_pack("{s:s, s:i, s:b}", "name", "A", "duration_min", 30, "online_booking", 1));
    off = insert_row(
        f->c, &setup_services.table,
        json_pack("{s:s, s:i, s:b}", "name", "B", "duration_min", 30, "online_booking", 0));
    assert_int_equal(store_row_get(f->c, &setup_services.table, on, &row), ERR_OK);
    assert_true(json_is_true(json_object_get(row, "online_booking")));
    json_decref(row);
    assert_int_equal(store_row_get(f->c, &setup_services.table, off, &row), ERR_OK);
    assert_true(json_is_false(json_object_get(row, "online_booking")));
    assert_int_equal(json_int_at(row, "duration_min"), 30);
    json_decref(row);

    /* Lists render booleans too. */
    assert_int_equal(store_row_list(f->c, &setup_services.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "online_booking")));
    assert_true(json_is_false(json_object_get(json_array_get(items, 1), "online_booking")));
    json_decref(items);

    /* Updating a boolean, and the settings row. */
    patch = json_pack("{s:b}", "online_booking", 1);
    assert_int_equal(store_row_update(f->c, &setup_services.table, off, patch), ERR_OK);
    json_decref(patch);
    assert_int_equal(store_row_get(f->c, &setup_services.table, off, &row), ERR_OK);
    assert_true(json_is_true(json_object_get(row, "online_booking")));
    json_decref(row);
    patch = json_pack("{s:b}", "book_one_service_only", 1);
    assert_int_equal(store_row_update(f->c, &setup_settings.table, 1, patch), ERR_OK);
    json_decref(patch);
    assert_int_equal(store_row_get(f->c, &setup_settings.table, 1, &row), ERR_OK);
    assert_true(json_is_true(json_object_get(row, "book_one_service_only")));
    json_decref(row);

    /* A computed boolean read from a view: has_account. */
    pat = add_patient(f->c, "Alice");
    assert_int_equal(store_row_get(f->c, &setup_patients.table, pat, &row), ERR_OK);
    assert_true(json_is_false(json_object_get(row, "has_account")));
    assert_true(json_is_true(json_object_get(row, "can_book_online")));
    assert_true(json_is_null(json_object_get(row, "date_of_birth")));
    json_decref(row);
    assert_int_equal(store_user_create(f->c, "alice@example.org", "hash", "patient", pat, &user),
                     ERR_OK);
    assert_int_equal(store_row_get(f->c, &setup_patients.table, pat, &row), ERR_OK);
    assert_true(json_is_true(json_object_get(row, "has_account")));
    json_decref(row);
}

static void
test_rows_list(void **state)
{
    struct fixture *f = *state;
    int64_t a, b, c, d, e;
    struct store_filter flt = {0};
    json_t *items = NULL;

    a = add_service(f->c, "Haircut", "hair", 30);
    b = add_service(f->c, "Beard trim", "HAIR", 15);
    c = add_service(f->c, "Whitening", "teeth", 30);
    d = add_service(f->c, "Root canal", "Teeth", 90);
    e = add_service(f->c, "Short CUT", "other", 30);

    /* No filter: everything, in id order. */
    assert_int_equal(store_row_list(f->c, &setup_services.table, NULL, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, b, c, d, e}, 5);
    json_decref(items);

    /* Equality filter. */
    flt.eq_col[0] = "duration_min";
    flt.eq_val[0] = 30;
    flt.n_eq = 1;
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, c, e}, 3);
    json_decref(items);

    /* Pagination: after_id and limit. */
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, a, 1, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){c}, 1);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, c, 1, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){e}, 1);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, e, 1, &items), ERR_OK);
    assert_row_ids(items, NULL, 0);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_services.table, NULL, 0, 2, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, b}, 2);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_services.table, NULL, b, 2, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){c, d}, 2);
    json_decref(items);

    /* Search: a case-insensitive substring of any search column. */
    memset(&flt, 0, sizeof(flt));
    flt.search = "cut";
    flt.search_cols[0] = "name";
    flt.search_cols[1] = "category";
    flt.n_search = 2;
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, e}, 2);
    json_decref(items);
    flt.search = "TEETH"; /* matches the category column */
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){c, d}, 2);
    json_decref(items);
    flt.search = "hAiR";
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, b}, 2);
    json_decref(items);
    flt.search = "nothing like it";
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, NULL, 0);
    json_decref(items);
    /* LIKE wildcards are literal text, not patterns. */
    flt.search = "%";
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, NULL, 0);
    json_decref(items);

    /* Search, filter and pagination together. */
    flt.search = "t";
    flt.eq_col[0] = "duration_min";
    flt.eq_val[0] = 30;
    flt.n_eq = 1;
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, 0, 100, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){a, c, e}, 3);
    json_decref(items);
    assert_int_equal(store_row_list(f->c, &setup_services.table, &flt, a, 1, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){c}, 1);
    json_decref(items);
}

static void
test_rows_list_view_search(void **state)
{
    struct fixture *f = *state;
    struct store_filter flt = {0};
    json_t *items = NULL;
    int64_t p1, p2;

    p1 = insert_row(f->c, &setup_patients.table,
                    json_pack("{s:s, s:s, s:s}", "name", "Alice Meyer", "phone", "+49 30 1234",
                              "email", "alice@example.org"));
    p2 = insert_row(f->c, &setup_patients.table,
                    json_pack("{s:s, s:s, s:s}", "name", "Bob Schulz", "phone", "+49 40 9876",
                              "email", "BOB@EXAMPLE.ORG"));
    flt.search_cols[0] = "name";
    flt.search_cols[1] = "phone";
    flt.search_cols[2] = "email";
    flt.n_search = 3;
    flt.search = "meyer";
    assert_int_equal(store_row_list(f->c, &setup_patients.table, &flt, 0, 10, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){p1}, 1);
    assert_true(json_is_false(json_object_get(json_array_get(items, 0), "has_account")));
    json_decref(items);
    flt.search = "9876";
    assert_int_equal(store_row_list(f->c, &setup_patients.table, &flt, 0, 10, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){p2}, 1);
    json_decref(items);
    flt.search = "Example.Org";
    assert_int_equal(store_row_list(f->c, &setup_patients.table, &flt, 0, 10, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){p1, p2}, 2);
    json_decref(items);
}

static void
test_staff_links(void **state)
{
    struct fixture *f = *state;
    int64_t l1 = add_location(f->c, "L1", "UTC"), l2 = add_location(f->c, "L2", "UTC");
    int64_t s1 = add_service(f->c, "S1", "", 30), s2 = add_service(f->c, "S2", "", 30);
    int64_t st1 = add_staff(f->c, "A", 1), st2 = add_staff(f->c, "B", 1);
    json_t *ids = NULL;

    /* Sorted, without duplicates. */
    assert_int_equal(store_staff_links_set(f->c, st1, "locations", (int64_t[]){l2, l1, l2}, 3),
                     ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, st1, "services", (int64_t[]){s2}, 1), ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, st2, "services", (int64_t[]){s1, s2}, 2), ERR_OK);
    assert_int_equal(store_staff_links_get(f->c, st1, "locations", &ids), ERR_OK);
    assert_int_array(ids, (int64_t[]){l1, l2}, 2);
    json_decref(ids);
    assert_int_equal(store_staff_links_get(f->c, st1, "services", &ids), ERR_OK);
    assert_int_array(ids, (int64_t[]){s2}, 1);
    json_decref(ids);

    /* Set replaces the whole list, of that staff member only. */
    assert_int_equal(store_staff_links_set(f->c, st1, "services", (int64_t[]){s1}, 1), ERR_OK);
    assert_int_equal(store_staff_links_get(f->c, st1, "services", &ids), ERR_OK);
    assert_int_array(ids, (int64_t[]){s1}, 1);
    json_decref(ids);
    assert_int_equal(store_staff_links_set(f->c, st1, "locations", NULL, 0), ERR_OK);
    assert_int_equal(store_staff_links_get(f->c, st1, "locations", &ids), ERR_OK);
    assert_int_array(ids, NULL, 0);
    json_decref(ids);
    assert_int_equal(store_staff_links_get(f->c, st2, "services", &ids), ERR_OK);
    assert_int_array(ids, (int64_t[]){s1, s2}, 2);
    json_decref(ids);

    /* Links to missing rows are refused; deleting a service drops links. */
    assert_int_equal(store_staff_links_set(f->c, st1, "services", (int64_t[]){s2 + 100}, 1),
                     ERR_CONFLICT);
    assert_int_equal(store_row_delete(f->c, &setup_services.table, s1), ERR_OK);
    assert_int_equal(store_staff_links_get(f->c, st2, "services", &ids), ERR_OK);
    assert_int_array(ids, (int64_t[]){s2}, 1);
    json_decref(ids);
}

/* --- Users, sessions, login failures ------------------------------------- */

static void
test_users(void **state)
{
    struct fixture *f = *state;
    int64_t pat = add_patient(f->c, "Alice"), admin = 0, patient = 0, dup = 0;
    struct store_user u;

    assert_int_equal(
        store_user_create(f->c, "Admin@Example.org", "$argon2id$x", "admin", 0, &admin), ERR_OK);
    assert_int_equal(
        store_user_create(f->c, "alice@example.org", "$argon2id$y", "patient", pat, &patient),
        ERR_OK);
    assert_true(admin > 0 && patient > admin);
    assert_int_equal(store_user_create(f->c, "Admin@Example.org", "h", "staff", 0, &dup),
                     ERR_CONFLICT);
    assert_int_equal(store_user_create(f->c, "ADMIN@EXAMPLE.ORG", "h", "staff", 0, &dup),
                     ERR_CONFLICT);
    assert_int_equal(store_user_create(f->c, "bob@example.org", "h", "superuser", 0, &dup),
                     ERR_CONFLICT); /* role CHECK */

    memset(&u, 0, sizeof(u));
    assert_int_equal(store_user_by_email(f->c, "admin@example.ORG", &u), ERR_OK);
    assert_int_equal(u.id, admin);
    assert_string_equal(u.email, "Admin@Example.org");
    assert_string_equal(u.password_hash, "$argon2id$x");
    assert_string_equal(u.role, "admin");
    assert_int_equal(u.patient_id, 0);

    memset(&u, 0, sizeof(u));
    assert_int_equal(store_user_get(f->c, patient, &u), ERR_OK);
    assert_int_equal(u.id, patient);
    assert_string_equal(u.email, "alice@example.org");
    assert_string_equal(u.role, "patient");
    assert_int_equal(u.patient_id, pat);

    assert_int_equal(store_user_by_email(f->c, "nobody@example.org", &u), ERR_NOT_FOUND);
    assert_int_equal(store_user_get(f->c, patient + 100, &u), ERR_NOT_FOUND);

    /* A hash made again replaces only that login's. */
    assert_int_equal(store_user_set_password_hash(f->c, patient, "$argon2id$z"), ERR_OK);
    assert_int_equal(store_user_get(f->c, patient, &u), ERR_OK);
    assert_string_equal(u.password_hash, "$argon2id$z");
    assert_int_equal(store_user_get(f->c, admin, &u), ERR_OK);
    assert_string_equal(u.password_hash, "$argon2id$x");
    assert_int_equal(store_user_set_password_hash(f->c, patient + 100, "h"), ERR_NOT_FOUND);
}

/* Staff logins are listed (patients' never) and disabled with their
 * sessions; disabling twice keeps the first time. */
static void
test_users_disable(void **state)
{
    struct fixture *f = *state;
    const unsigned char hash[32] = {9, 8, 7};
    struct store_session s = {0}, got;
    int64_t pat = add_patient(f->c, "Alice"), staff = 0, patient = 0, sid = 0;
    struct store_user u;
    json_t *items = NULL;

    assert_int_equal(store_user_create(f->c, "s@example.org", "h", "staff", 0, &staff), ERR_OK);
    assert_int_equal(store_user_create(f->c, "p@example.org", "h", "patient", pat, &patient),
                     ERR_OK);
    s.user_id = staff;
    s.created_at = s.last_seen_at = T0;
    s.expires_at = T0 + 86400;
    assert_int_equal(store_session_create(f->c, hash, sizeof(hash), &s, &sid), ERR_OK);

    assert_int_equal(store_user_list(f->c, 0, 50, &items), ERR_OK);
    assert_row_ids(items, &staff, 1);
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "disabled_at")));
    json_decref(items);

    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_user_set_disabled(f->c, staff, T0 + 5), ERR_OK);
    assert_int_equal(store_user_set_disabled(f->c, staff, T0 + 9), ERR_OK);
    assert_int_equal(store_user_set_disabled(f->c, patient, T0 + 5), ERR_NOT_FOUND);
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(store_user_get(f->c, staff, &u), ERR_OK);
    assert_int_equal(u.disabled_at, T0 + 5);
    assert_int_equal(store_session_lookup(f->c, hash, sizeof(hash), &got, NULL), ERR_NOT_FOUND);
    assert_int_equal(store_user_list(f->c, 0, 50, &items), ERR_OK);
    assert_int_equal(json_int_at(json_array_get(items, 0), "disabled_at"), T0 + 5);
    json_decref(items);

    assert_int_equal(store_user_set_disabled(f->c, staff, 0), ERR_OK);
    assert_int_equal(store_user_get(f->c, staff, &u), ERR_OK);
    assert_int_equal(u.disabled_at, 0);
    assert_int_equal(store_user_set_disabled(f->c, staff + 100, 0), ERR_NOT_FOUND);
}

/* What a time zone change touches: live bookings at the location from a
 * time on, and the staff working or booked there. */
static void
test_location_bookings_and_staff(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    int64_t past, later, soon, gone, want[2];
    struct store_shift shift = {.weekday = 1, .start_min = 540, .end_min = 720}, *shifts = NULL;
    struct arena arena;
    size_t n = 0;
    json_t *items = NULL;

    arena_init(&arena);

    booking_world_init(f->c, &w);
    past = add_booking(f->c, &w, w.pat1, w.staff1, T0 - 3600, T0 - 1800, "unpaid");
    later = add_booking(f->c, &w, w.pat1, w.staff2, T0 + 7200, T0 + 9000, "unpaid");
    soon = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 3600, T0 + 5400, "unpaid");
    gone = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 10800, T0 + 12600, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, gone, "x", T0), ERR_OK);
    (void)past;

    assert_int_equal(store_location_bookings(f->c, w.loc1, T0, &items), ERR_OK);
    want[0] = soon;
    want[1] = later;
    assert_row_ids(items, want, 2);
    assert_int_equal(json_int_at(json_array_get(items, 0), "staff_id"), w.staff1);
    assert_int_equal(json_int_at(json_array_get(items, 0), "start_at"), T0 + 3600);
    assert_int_equal(json_int_at(json_array_get(items, 0), "end_at"), T0 + 5400);
    json_decref(items);
    assert_int_equal(store_location_bookings(f->c, w.loc2, T0, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    want[0] = w.staff1;
    want[1] = w.staff2;
    assert_int_equal(store_location_staff(f->c, w.loc1, T0, &items), ERR_OK);
    assert_int_array(items, want, 2);
    json_decref(items);
    /* From after every live booking, only staff with shifts there count. */
    assert_int_equal(store_location_staff(f->c, w.loc1, T0 + 86400, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    /* Members: linked to the location or with a shift there, bookings
     * aside. */
    assert_int_equal(store_location_members(f->c, w.loc1, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    assert_int_equal(store_staff_links_set(f->c, w.staff2, "locations", &w.loc1, 1), ERR_OK);
    shift.staff_id = w.staff1;
    shift.location_id = w.loc1;
    assert_int_equal(store_shifts_replace(f->c, w.staff1, &shift, 1), ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, w.staff1, "locations", &w.loc2, 1), ERR_OK);
    assert_int_equal(store_location_members(f->c, w.loc1, &items), ERR_OK);
    assert_row_ids(items, want, 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")),
                        "Dr Adams");
    assert_non_null(json_object_get(json_array_get(items, 0), "color"));
    json_decref(items);
    assert_int_equal(store_location_members(f->c, w.loc2, &items), ERR_OK);
    assert_row_ids(items, want, 1);
    json_decref(items);
    assert_int_equal(store_location_shifts(f->c, w.loc1, &arena, &shifts, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(shifts[0].staff_id, w.staff1);
    assert_int_equal(shifts[0].start_min, 540);
    assert_string_equal(shifts[0].timezone, "Europe/Berlin");
    assert_int_equal(store_location_shifts(f->c, w.loc2, &arena, &shifts, &n), ERR_OK);
    assert_int_equal(n, 0);

    /* A diary's bookings: live ones of the staff asked for, reaching past
     * ends_after, by staff member. */
    want[0] = w.staff2;
    want[1] = w.staff1;
    assert_int_equal(store_diary_bookings(f->c, want, 2, T0 - 7200, T0 + 86400, T0, &items),
                     ERR_OK);
    want[0] = soon;
    want[1] = later;
    assert_row_ids(items, want, 2);
    assert_int_equal(json_int_at(json_array_get(items, 0), "staff_id"), w.staff1);
    assert_string_equal(json_str_at(json_array_get(items, 0), "patient_name"), "Bob Example");
    assert_string_equal(json_str_at(json_array_get(items, 0), "status"), "confirmed");
    assert_true(json_is_array(json_object_get(json_array_get(items, 0), "service_ids")));
    assert_null(json_object_get(json_array_get(items, 0), "invoice_id"));
    json_decref(items);
    assert_int_equal(store_diary_bookings(f->c, &w.staff2, 1, T0, T0 + 86400, T0, &items), ERR_OK);
    assert_row_ids(items, &later, 1);
    json_decref(items);
    assert_int_equal(store_diary_bookings(f->c, NULL, 0, T0, T0 + 86400, T0, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    arena_cleanup(&arena);
}

static void
test_sessions(void **state)
{
    struct fixture *f = *state;
    const unsigned char hash1[32] = {1, 2, 3, 4, 0, 5}; /* an embedded NUL byte */
    const unsigned char hash2[32] = {1, 2, 3, 4, 0, 6};
    struct store_session s = {0}, got;
    struct store_user owner = {0};
    int64_t user = 0, sid = 0, sid2 = 0;

    assert_int_equal(store_user_create(f->c, "a@example.org", "h", "staff", 0, &user), ERR_OK);
    s.user_id = user;
    snprintf(s.csrf_token, sizeof(s.csrf_token), "csrf-123");
    s.created_at = T0;
    s.last_seen_at = T0;
    s.expires_at = T0 + 86400;
    assert_int_equal(store_session_create(f->c, hash1, sizeof(hash1), &s, &sid), ERR_OK);
    assert_true(sid > 0);
    assert_int_equal(store_session_create(f->c, hash1, sizeof(hash1), &s, &sid2), ERR_CONFLICT);

    memset(&got, 0, sizeof(got));
    assert_int_equal(store_session_lookup(f->c, hash1, sizeof(hash1), &got, &owner), ERR_OK);
    assert_int_equal(owner.id, user);
    assert_string_equal(owner.email, "a@example.org");
    assert_string_equal(owner.password_hash, "h");
    assert_string_equal(owner.role, "staff");
    assert_int_equal(owner.disabled_at, 0);
    assert_int_equal(got.id, sid);
    assert_int_equal(got.user_id, user);
    assert_string_equal(got.csrf_token, "csrf-123");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.last_seen_at, T0);
    assert_int_equal(got.expires_at, T0 + 86400);
    /* The whole hash counts, including bytes after a NUL. */
    assert_int_equal(store_session_lookup(f->c, hash2, sizeof(hash2), &got, NULL), ERR_NOT_FOUND);
    assert_int_equal(store_session_lookup(f->c, hash1, 4, &got, NULL), ERR_NOT_FOUND);

    assert_int_equal(store_session_touch(f->c, sid, T0 + 600), ERR_OK);
    assert_int_equal(store_session_lookup(f->c, hash1, sizeof(hash1), &got, NULL), ERR_OK);
    assert_int_equal(got.last_seen_at, T0 + 600);
    assert_int_equal(got.created_at, T0);

    /* A login-as session opened from it knows its parent and goes with it. */
    s.parent_id = sid;
    assert_int_equal(store_session_create(f->c, hash2, sizeof(hash2), &s, &sid2), ERR_OK);
    assert_int_equal(store_session_lookup(f->c, hash2, sizeof(hash2), &got, NULL), ERR_OK);
    assert_int_equal(got.parent_id, sid);
    assert_int_equal(store_session_lookup(f->c, hash1, sizeof(hash1), &got, NULL), ERR_OK);
    assert_int_equal(got.parent_id, 0);

    assert_int_equal(store_session_delete(f->c, sid), ERR_OK);
    assert_int_equal(store_session_lookup(f->c, hash1, sizeof(hash1), &got, NULL), ERR_NOT_FOUND);
    assert_int_equal(store_session_lookup(f->c, hash2, sizeof(hash2), &got, NULL), ERR_NOT_FOUND);
}

/* A descriptor or filter naming something other than a plain identifier
 * is refused with ERR_INVALID (not an assert that release builds drop),
 * and nothing is run. */
static void
test_row_names_are_checked(void **state)
{
    struct fixture *f = *state;
    static const struct store_column name_col[] = {{"name", STORE_COL_TEXT}};
    static const struct store_column bad_col[] = {{"name) VALUES ('x'); --", STORE_COL_TEXT}};
    const struct store_table bad_table = {"patients; DROP TABLE users", NULL, name_col, 1,
                                          sizeof(name_col[0])};
    const struct store_table bad_view = {"patients", "patients_view p, users", name_col, 1,
                                         sizeof(name_col[0])};
    const struct store_table bad_column = {"patients", NULL, bad_col, 1, sizeof(bad_col[0])};
    struct store_filter flt = {.eq_col = {"1 = 1 OR id"}, .eq_val = {1}, .n_eq = 1};
    struct store_filter search = {.search = "x", .search_cols = {"name) OR (1"}, .n_search = 1};
    json_t *obj = json_pack("{s:s}", "name", "x"), *out = NULL, *items = NULL;
    int64_t id = 0, pat = add_patient(f->c, "Named");

    assert_int_equal(store_row_insert(f->c, &bad_table, obj, &id), ERR_INVALID);
    assert_int_equal(store_row_insert(f->c, &bad_column, obj, &id), ERR_INVALID);
    assert_int_equal(store_row_get(f->c, &bad_view, pat, &out), ERR_INVALID);
    assert_null(out);
    assert_int_equal(store_row_update(f->c, &bad_column, pat, obj), ERR_INVALID);
    assert_int_equal(store_row_delete(f->c, &bad_table, pat), ERR_INVALID);
    assert_int_equal(store_row_list(f->c, &bad_table, NULL, 0, 10, &items), ERR_INVALID);
    assert_null(items);
    assert_int_equal(store_row_list(f->c, &setup_patients.table, &flt, 0, 10, &items), ERR_INVALID);
    assert_null(items);
    assert_int_equal(store_row_list(f->c, &setup_patients.table, &search, 0, 10, &items),
                     ERR_INVALID);
    assert_null(items);
    json_decref(obj);
    /* Nothing ran: the patient is still there, and still the only "Named". */
    assert_int_equal(store_row_get(f->c, &setup_patients.table, pat, &out), ERR_OK);
    json_decref(out);
}

/* The SQLite backend's bind helper checks every bind: a parameter the
 * statement does not have, or a format it does not know, is an error and
 * leaves no half-bound statement behind. */
static void
test_sqlite_binds_are_checked(void **state)
{
    struct fixture *f = *state;
    sqlite3_stmt *st;

    if (strcmp(store_kind(f->s), "sqlite") != 0)
        skip();
    st = sql_prepare(f->c, "SELECT ?1 + ?2");
    assert_non_null(st);
    assert_int_equal(sql_bind(f->c, st, "ii", (int64_t)1, (int64_t)2), ERR_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 3);
    sqlite3_reset(st);
    assert_int_equal(sql_bind(f->c, st, "iii", (int64_t)1, (int64_t)2, (int64_t)3), ERR_STORE);
    assert_int_equal(sql_bind_at(f->c, st, 3, "i", (int64_t)1), ERR_STORE);
    assert_int_equal(sql_bind(f->c, st, "x"), ERR_STORE);
    /* A failed bind clears the others: nothing stale is left to run. */
    assert_int_equal(sql_bind(f->c, st, "iii", (int64_t)5, (int64_t)6, (int64_t)7), ERR_STORE);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
    sqlite3_reset(st);
    assert_int_equal(sql_bind(f->c, st, "on", (int64_t)0), ERR_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
    sqlite3_reset(st);
}

/* Duplicate patients: the one a sign-up may be, and merging two. */
static void
test_patient_duplicates_and_merge(void **state)
{
    struct fixture *f = *state;
    int64_t old = add_patient(f->c, "Old"), dup = add_patient(f->c, "New"), user = 0, id = 0;
    int64_t logged = add_patient(f->c, "Logged");
    json_t *row = json_pack("{s:s}", "email", "Same@Example.org");
    struct store_user u;

    assert_int_equal(store_row_update(f->c, &setup_patients.table, old, row), ERR_OK);
    json_decref(row);
    assert_int_equal(store_patient_duplicate_of(f->c, "same@example.ORG", &id), ERR_OK);
    assert_int_equal(id, old);
    assert_int_equal(store_patient_duplicate_of(f->c, "other@example.org", &id), ERR_NOT_FOUND);
    assert_int_equal(store_patient_duplicate_of(f->c, "", &id), ERR_NOT_FOUND);
    assert_int_equal(store_user_create(f->c, "new@example.org", "h", "patient", dup, &user),
                     ERR_OK);

    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_patient_merge(f->c, dup, old), ERR_OK);
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(store_row_get(f->c, &setup_patients.table, dup, &row), ERR_NOT_FOUND);
    assert_int_equal(store_user_get(f->c, user, &u), ERR_OK);
    assert_int_equal(u.patient_id, old);
    /* The login moved with it, so the e-mail's patient has one now. */
    assert_int_equal(store_patient_duplicate_of(f->c, "same@example.org", &id), ERR_NOT_FOUND);

    assert_int_equal(store_user_create(f->c, "l@example.org", "h", "patient", logged, &user),
                     ERR_OK);
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_patient_merge(f->c, logged, old), ERR_CONFLICT);
    store_rollback(f->c);
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_patient_merge(f->c, 999999, old), ERR_NOT_FOUND);
    store_rollback(f->c);
    assert_int_equal(store_row_get(f->c, &setup_patients.table, logged, &row), ERR_OK);
    json_decref(row);
}

static void
test_login_failures(void **state)
{
    struct fixture *f = *state;
    int by_email = -1, by_address = -1;

    assert_int_equal(store_login_failure_add(f->c, "a@example.org", "10.0.0.1", T0 - 7200), ERR_OK);
    assert_int_equal(store_login_failure_add(f->c, "a@example.org", "10.0.0.1", T0 - 600), ERR_OK);
    assert_int_equal(store_login_failure_add(f->c, "A@Example.ORG", "10.0.0.2", T0 - 300), ERR_OK);
    assert_int_equal(store_login_failure_add(f->c, "b@example.org", "10.0.0.1", T0 - 60), ERR_OK);
    assert_int_equal(store_login_failure_add(f->c, "a@example.org", "10.0.0.3", T0), ERR_OK);

    /* Window [T0 - 900, ...): the T0 - 7200 failure is too old. */
    assert_int_equal(store_login_failure_count(f->c, "a@example.org", "10.0.0.1", T0 - 900,
                                               &by_email, &by_address),
                     ERR_OK);
    assert_int_equal(by_email, 3); /* e-mail compared case-insensitively */
    assert_int_equal(by_address, 2);
    /* The window start is inclusive. */
    assert_int_equal(store_login_failure_count(f->c, "A@EXAMPLE.ORG", "10.0.0.1", T0 - 7200,
                                               &by_email, &by_address),
                     ERR_OK);
    assert_int_equal(by_email, 4);
    assert_int_equal(by_address, 3);
    assert_int_equal(
        store_login_failure_count(f->c, "c@example.org", "10.9.9.9", 0, &by_email, &by_address),
        ERR_OK);
    assert_int_equal(by_email, 0);
    assert_int_equal(by_address, 0);
    assert_int_equal(store_login_failure_count(f->c, "a@example.org", "10.0.0.3", T0 + 1, &by_email,
                                               &by_address),
                     ERR_OK);
    assert_int_equal(by_email, 0);
    assert_int_equal(by_address, 0);
}

/* --- Shifts and availability ----------------------------------------------- */

static void
test_shifts_replace_get(void **state)
{
    struct fixture *f = *state;
    int64_t berlin = add_location(f->c, "Berlin", "Europe/Berlin");
    int64_t utc = add_location(f->c, "London", "UTC");
    int64_t st1 = add_staff(f->c, "A", 1), st2 = add_staff(f->c, "B", 1);
    struct store_shift in[] = {
        {0, 3, 13 * 60, 17 * 60, utc, NULL},
        {0, 1, 13 * 60, 18 * 60, berlin, NULL},
        {0, 1, 8 * 60, 12 * 60, berlin, NULL},
        {0, 7, 0, 1440, utc, NULL},
    };
    struct store_shift bad = {0, 2, 600, 600, utc, NULL};
    struct store_shift *out = NULL;
    struct arena *a = &f->arena;
    size_t n = 99;

    assert_int_equal(store_shifts_replace(f->c, st1, in, ARRAY_LEN(in)), ERR_OK);
    assert_int_equal(store_shifts_replace(f->c, st2, &in[0], 1), ERR_OK);
    assert_int_equal(store_shifts_get(f->c, st1, a, &out, &n), ERR_OK);
    assert_int_equal(n, 4);
    /* Ordered by weekday, then start. */
    assert_int_equal(out[0].weekday, 1);
    assert_int_equal(out[0].start_min, 8 * 60);
    assert_int_equal(out[0].end_min, 12 * 60);
    assert_int_equal(out[1].weekday, 1);
    assert_int_equal(out[1].start_min, 13 * 60);
    assert_int_equal(out[2].weekday, 3);
    assert_int_equal(out[3].weekday, 7);
    assert_int_equal(out[3].end_min, 1440);
    assert_int_equal(out[0].staff_id, st1);
    assert_int_equal(out[0].location_id, berlin);
    assert_string_equal(out[0].timezone, "Europe/Berlin");
    assert_int_equal(out[2].location_id, utc);
    assert_string_equal(out[2].timezone, "UTC");

    /* Replacing drops the old set; the other staff member keeps theirs. */
    assert_int_equal(store_shifts_replace(f->c, st1, &in[3], 1), ERR_OK);
    assert_int_equal(store_shifts_get(f->c, st1, a, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].weekday, 7);
    assert_int_equal(store_shifts_get(f->c, st2, a, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].weekday, 3);
    assert_int_equal(store_shifts_replace(f->c, st1, NULL, 0), ERR_OK);
    assert_int_equal(store_shifts_get(f->c, st1, a, &out, &n), ERR_OK);
    assert_int_equal(n, 0);

    /* An empty shift breaks a CHECK constraint. */
    assert_int_equal(store_shifts_replace(f->c, st1, &bad, 1), ERR_CONFLICT);
}

static void
assert_shift_staff(const struct store_shift *v, size_t n, const int64_t *want, size_t n_want)
{
    size_t i;

    assert_int_equal(n, n_want);
    for (i = 0; i < n; i++)
        assert_int_equal(v[i].staff_id, want[i]);
}

static void
test_avail_shifts_filters(void **state)
{
    struct fixture *f = *state;
    int64_t l1 = add_location(f->c, "L1", "Europe/Berlin"), l2 = add_location(f->c, "L2", "UTC");
    int64_t s1 = add_service(f->c, "S1", "", 30), s2 = add_service(f->c, "S2", "", 30);
    int64_t s3 = add_service(f->c, "S3", "", 30);
    int64_t a = add_staff(f->c, "A", 1), b = add_staff(f->c, "B", 1), c = add_staff(f->c, "C", 0);
    int64_t d = add_staff(f->c, "D", 1);
    struct store_shift sa[] = {{0, 2, 540, 720, l1, NULL}, {0, 1, 540, 720, l2, NULL}};
    struct store_shift sb[] = {{0, 1, 600, 900, l2, NULL}};
    struct store_shift sc[] = {{0, 1, 600, 900, l1, NULL}};
    struct store_avail_staff_filter flt = {0};
    struct store_shift *out = NULL;
    struct arena *ar = &f->arena;
    size_t n = 0;

    /* D was created after C but has no shifts: never listed. */
    assert_int_equal(store_shifts_replace(f->c, b, sb, 1), ERR_OK);
    assert_int_equal(store_shifts_replace(f->c, c, sc, 1), ERR_OK);
    assert_int_equal(store_shifts_replace(f->c, a, sa, 2), ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, a, "services", (int64_t[]){s1, s2}, 2), ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, b, "services", (int64_t[]){s1}, 1), ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, c, "services", (int64_t[]){s1, s2, s3}, 3),
                     ERR_OK);
    assert_int_equal(store_staff_links_set(f->c, d, "services", (int64_t[]){s3}, 1), ERR_OK);

    /* Everyone bookable (C is not), ordered by staff, then weekday. */
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a, a, b}, 3);
    assert_int_equal(out[0].weekday, 1);
    assert_int_equal(out[0].location_id, l2);
    assert_string_equal(out[0].timezone, "UTC");
    assert_int_equal(out[1].weekday, 2);
    assert_string_equal(out[1].timezone, "Europe/Berlin");

    flt.staff_id = b;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){b}, 1);
    flt.staff_id = c; /* not bookable */
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);

    flt.staff_id = 0;
    flt.location_id = l2;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a, b}, 2);
    assert_int_equal(out[0].location_id, l2);
    flt.location_id = l1;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a}, 1);
    assert_int_equal(out[0].weekday, 2);

    /* Required services: staff must have all of them. */
    flt.location_id = 0;
    flt.required_services = (int64_t[]){s1};
    flt.n_required = 1;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a, a, b}, 3);
    flt.required_services = (int64_t[]){s2, s1};
    flt.n_required = 2;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a, a}, 2);
    flt.required_services = (int64_t[]){s1, s3};
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0); /* only C has both, and C is not bookable */
    flt.required_services = (int64_t[]){s3};
    flt.n_required = 1;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);

    /* All filters together. */
    flt.staff_id = a;
    flt.location_id = l2;
    flt.required_services = (int64_t[]){s1, s2};
    flt.n_required = 2;
    assert_int_equal(store_avail_shifts(f->c, &flt, ar, &out, &n), ERR_OK);
    assert_shift_staff(out, n, (int64_t[]){a}, 1);
    assert_int_equal(out[0].location_id, l2);
}

static void
assert_busy(const struct store_busy *v, int64_t staff, int64_t start, int64_t end)
{
    assert_int_equal(v->staff_id, staff);
    assert_int_equal(v->start, start);
    assert_int_equal(v->end, end);
}

static void
test_avail_busy(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    int64_t from = T0 + 8 * H, to = T0 + 16 * H, skip, cancelled, cancelled_appt, other;
    struct store_busy *out = NULL;
    struct arena *ar = &f->arena;
    size_t n = 0;
    int n_cancelled = 0;

    booking_world_init(f->c, &w);
    other = add_staff(f->c, "Dr Other", 1);

    /* staff1, inserted out of order. */
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 12 * H, T0 + 13 * H, "unpaid");
    add_appointment(f->c, w.staff1, T0 + 6 * H, T0 + 8 * H);                     /* touches */
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 16 * H, T0 + 17 * H, "unpaid"); /* touches */
    add_booking(f->c, &w, w.pat2, w.staff1, T0 + 7 * H, T0 + 9 * H, "unpaid");   /* straddles */
    cancelled = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 10 * H, T0 + 11 * H, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, cancelled, "ill", T0), ERR_OK);
    skip = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 14 * H, T0 + 15 * H, "unpaid");
    add_appointment(f->c, w.staff1, T0 + 9 * H + 30 * M, T0 + 10 * H);
    cancelled_appt = add_appointment(f->c, w.staff1, T0 + 11 * H, T0 + 12 * H);
    assert_int_equal(store_appointment_cancel(f->c, cancelled_appt, "this", &n_cancelled), ERR_OK);
    assert_int_equal(n_cancelled, 1);
    /* The longest appointment allowed (24 h), still overlapping by a minute. */
    add_appointment(f->c, w.staff1, from - 24 * H + M, from + M);
    /* Time off that began days before the window. */
    add_time_off(f->c, w.staff1, T0 - 3 * 86400, T0 + 8 * H + 15 * M);
    add_time_off(f->c, w.staff1, T0 + 15 * H + 30 * M, T0 + 20 * H);
    add_time_off(f->c, w.staff1, T0 + 16 * H, T0 + 18 * H); /* touches */
    /* staff2 */
    add_booking(f->c, &w, w.pat1, w.staff2, T0 + 9 * H, T0 + 10 * H, "unpaid");
    add_appointment(f->c, w.staff2, T0 + 8 * H, T0 + 8 * H + 30 * M);
    /* Not asked for. */
    add_booking(f->c, &w, w.pat1, other, T0 + 9 * H, T0 + 10 * H, "unpaid");

    assert_int_equal(
        store_avail_busy(f->c, (int64_t[]){w.staff1, w.staff2}, 2, from, to, skip, ar, &out, &n),
        ERR_OK);
    assert_int_equal(n, 8);
    assert_busy(&out[0], w.staff1, T0 - 3 * 86400, T0 + 8 * H + 15 * M);
    assert_busy(&out[1], w.staff1, from - 24 * H + M, from + M);
    assert_busy(&out[2], w.staff1, T0 + 7 * H, T0 + 9 * H);
    assert_busy(&out[3], w.staff1, T0 + 9 * H + 30 * M, T0 + 10 * H);
    assert_busy(&out[4], w.staff1, T0 + 12 * H, T0 + 13 * H);
    assert_busy(&out[5], w.staff1, T0 + 15 * H + 30 * M, T0 + 20 * H);
    assert_busy(&out[6], w.staff2, T0 + 8 * H, T0 + 8 * H + 30 * M);
    assert_busy(&out[7], w.staff2, T0 + 9 * H, T0 + 10 * H);

    /* Without a booking to skip, the one being moved counts again. */
    assert_int_equal(store_avail_busy(f->c, (int64_t[]){w.staff1}, 1, from, to, 0, ar, &out, &n),
                     ERR_OK);
    assert_int_equal(n, 7);
    assert_busy(&out[5], w.staff1, T0 + 14 * H, T0 + 15 * H);

    /* No staff, or an empty window: nothing. */
    assert_int_equal(store_avail_busy(f->c, NULL, 0, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        store_avail_busy(f->c, (int64_t[]){w.staff2}, 1, T0 + 20 * H, T0 + 22 * H, 0, ar, &out, &n),
        ERR_OK);
    assert_int_equal(n, 0);
}

/* Units bookings take and holds keep: listed by resource, unit and start,
 * a unit refused twice at once by the database, holds live until they
 * expire and then count for nothing. */
static void
test_resource_units_and_holds(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_unit_use *uses = NULL, *held = NULL;
    struct store_busy *busy = NULL;
    struct store_resource *res = NULL;
    struct store_hold h = {0}, got;
    struct store_hold_skip anyone = {NULL, 0, T0}, not_mine = {"session:1", 0, T0};
    unsigned char hash[32] = {7};
    int64_t room, chair, b1, b2, hold_id = 0;
    size_t n = 0;
    uint64_t version = 0;
    int live = 0;

    booking_world_init(f->c, &w);
    room = insert_row(f->c, &setup_resources.table,
                      json_pack("{s:s, s:I, s:i}", "name", "Room", "location_id",
                                (json_int_t)w.loc1, "quantity", 1));
    chair = insert_row(f->c, &setup_resources.table,
                       json_pack("{s:s, s:I, s:i}", "name", "Chair", "location_id",
                                 (json_int_t)w.loc1, "quantity", 2));
    assert_int_equal(store_service_resources_set(f->c, w.svc[0].id, (int64_t[]){chair, room}, 2),
                     ERR_OK);
    assert_int_equal(store_service_resources_set(f->c, w.svc[1].id, (int64_t[]){999999}, 1),
                     ERR_NOT_FOUND);
    assert_int_equal(
        store_resources_needed(f->c, (int64_t[]){w.svc[0].id, w.svc[1].id}, 2, &f->arena, &res, &n),
        ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(res[0].id, room < chair ? room : chair);
    assert_int_equal(res[1].quantity + res[0].quantity, 3);

    b1 = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    b2 = add_booking(f->c, &w, w.pat2, w.staff2, T0 + 9 * H, T0 + 10 * H, "unpaid");
    assert_int_equal(
        store_booking_units_set(f->c, b1,
                                (struct store_unit_use[]){{chair, 2, T0 + 9 * H, T0 + 10 * H},
                                                          {room, 1, T0 + 9 * H, T0 + 10 * H}},
                                2),
        ERR_OK);
    /* The room's one unit at an overlapping time: the database refuses it. */
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(
        store_booking_units_set(
            f->c, b2, (struct store_unit_use[]){{room, 1, T0 + 9 * H + 30 * M, T0 + 11 * H}}, 1),
        ERR_CONFLICT);
    store_rollback(f->c);
    assert_int_equal(
        store_booking_units_set(f->c, b2,
                                (struct store_unit_use[]){{chair, 1, T0 + 9 * H, T0 + 10 * H}}, 1),
        ERR_OK);
    assert_int_equal(
        store_unit_uses(f->c, (int64_t[]){chair, room}, 2, T0, T0 + 86400, 0, &f->arena, &uses, &n),
        ERR_OK);
    assert_int_equal(n, 3);
    assert_true(uses[0].resource_id == chair && uses[0].unit == 1);
    assert_true(uses[1].resource_id == chair && uses[1].unit == 2);
    assert_true(uses[2].resource_id == room && uses[2].start == T0 + 9 * H);
    assert_int_equal(
        store_unit_uses(f->c, (int64_t[]){chair}, 1, T0, T0 + 86400, b2, &f->arena, &uses, &n),
        ERR_OK);
    assert_int_equal(n, 1); /* the booking being moved is left out */

    /* A hold of staff1 from 11:00, keeping the room, live for ten minutes. */
    h.holder = "session:9";
    h.staff_id = w.staff1;
    h.location_id = w.loc1;
    h.start_at = T0 + 11 * H;
    h.end_at = T0 + 12 * H;
    h.occupied_start = T0 + 11 * H - 15 * M;
    h.occupied_end = T0 + 12 * H;
    h.service_ids = "[1]";
    h.created_at = T0;
    h.expires_at = T0 + 10 * M;
    assert_int_equal(store_hold_insert(f->c, &h, hash, sizeof(hash),
                                       (struct store_unit_use[]){{room, 1, 0, 0}}, 1, &hold_id),
                     ERR_OK);
    assert_int_equal(store_hold_count(f->c, "session:9", T0, &live), ERR_OK);
    assert_int_equal(live, 1);
    /* The version read for a kept answer counts the holder's holds too. */
    assert_int_equal(store_avail_version(f->c, "session:9", T0, &version, &live), ERR_OK);
    assert_int_equal(live, 1);
    assert_int_equal(store_avail_version(f->c, "session:9", T0 + 10 * M, &version, &live), ERR_OK);
    assert_int_equal(live, 0);
    live = -1;
    assert_int_equal(store_avail_version(f->c, "session:8", T0, &version, &live), ERR_OK);
    assert_int_equal(live, 0);
    live = -1;
    assert_int_equal(store_avail_version(f->c, NULL, T0, &version, &live), ERR_OK);
    assert_int_equal(live, 0);
    assert_int_equal(store_hold_by_token(f->c, hash, sizeof(hash), T0, &f->arena, &got), ERR_OK);
    assert_int_equal(got.id, hold_id);
    assert_string_equal(got.holder, "session:9");
    assert_int_equal(got.occupied_start, T0 + 11 * H - 15 * M);
    assert_int_equal(store_hold_busy(f->c, (int64_t[]){w.staff2, w.staff1}, 2, T0, T0 + 86400,
                                     &anyone, &f->arena, &busy, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    assert_busy(&busy[0], w.staff1, T0 + 11 * H - 15 * M, T0 + 12 * H);
    assert_int_equal(busy[0].at, T0 + 11 * H);
    assert_int_equal(store_hold_unit_uses(f->c, (int64_t[]){room}, 1, T0, T0 + 86400, &not_mine,
                                          &f->arena, &held, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(held[0].end, T0 + 12 * H);
    /* Its own session and its own id leave it out; so does its expiry. */
    not_mine.holder = "session:9";
    assert_int_equal(
        store_hold_busy(f->c, &w.staff1, 1, T0, T0 + 86400, &not_mine, &f->arena, &busy, &n),
        ERR_OK);
    assert_int_equal(n, 0);
    anyone.hold_id = hold_id;
    assert_int_equal(store_hold_unit_uses(f->c, (int64_t[]){room}, 1, T0, T0 + 86400, &anyone,
                                          &f->arena, &held, &n),
                     ERR_OK);
    assert_int_equal(n, 0);
    anyone.hold_id = 0;
    anyone.now = T0 + 10 * M;
    assert_int_equal(
        store_hold_busy(f->c, &w.staff1, 1, T0, T0 + 86400, &anyone, &f->arena, &busy, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_hold_by_token(f->c, hash, sizeof(hash), T0 + 10 * M, &f->arena, &got),
                     ERR_NOT_FOUND);
    assert_int_equal(store_hold_delete(f->c, hold_id, "session:1"), ERR_NOT_FOUND);
    assert_int_equal(store_holds_purge(f->c, T0 + 10 * M), ERR_OK);
    assert_int_equal(store_hold_delete(f->c, hold_id, NULL), ERR_NOT_FOUND);

    /* Freeing a booking's units. */
    assert_int_equal(store_booking_units_set(f->c, b1, NULL, 0), ERR_OK);
    assert_int_equal(
        store_unit_uses(f->c, (int64_t[]){room}, 1, T0, T0 + 86400, 0, &f->arena, &uses, &n),
        ERR_OK);
    assert_int_equal(n, 0);
}

static void
test_avail_busy_group_service(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_booking b = {0};
    struct store_busy *out = NULL;
    struct arena *ar = &f->arena;
    int64_t id = 0;
    size_t n = 0;

    booking_world_init(f->c, &w);
    b.patient_id = w.pat1;
    b.staff_id = w.staff1;
    b.location_id = w.loc1;
    b.start_at = T0 + 9 * H;
    b.end_at = T0 + 10 * H;
    b.group_service_id = w.svc[1].id;
    snprintf(b.source, sizeof(b.source), "online");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    b.created_at = T0;
    assert_int_equal(store_booking_insert(f->c, &b, &w.svc[1], 1, &id), ERR_OK);
    add_booking(f->c, &w, w.pat2, w.staff1, T0 + 10 * H, T0 + 11 * H, "unpaid");
    assert_int_equal(
        store_avail_busy(f->c, (int64_t[]){w.staff1}, 1, T0, T0 + 86400, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].group_service_id, w.svc[1].id);
    assert_int_equal(out[1].group_service_id, 0);
}

/* --- Bookings ------------------------------------------------------------- */

static void
test_booking_insert_get(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_service svc[3];
    struct store_booking b = {0};
    json_t *row = NULL;
    int64_t id = 0, id2 = 0;

    booking_world_init(f->c, &w);
    assert_string_equal(w.svc[1].name, "Cleaning");
    assert_int_equal(w.svc[1].duration_min, 45);
    assert_int_equal(w.svc[1].capacity, 1);
    assert_int_equal(w.svc[1].online_booking, 1);
    svc[0] = w.svc[2];
    svc[1] = w.svc[0];
    svc[2] = w.svc[1];
    b.patient_id = w.pat1;
    b.staff_id = w.staff2;
    b.location_id = w.loc2;
    b.start_at = T0 + 9 * H;
    b.end_at = T0 + 9 * H + 90 * M;
    b.notes = "first visit";
    snprintf(b.source, sizeof(b.source), "online");
    snprintf(b.payment_status, sizeof(b.payment_status), "paid");
    b.created_at = T0 - 86400;
    assert_int_equal(store_booking_insert(f->c, &b, svc, 3, &id), ERR_OK);

    assert_int_equal(store_booking_get(f->c, id, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "id"), id);
    assert_int_equal(json_int_at(row, "patient_id"), w.pat1);
    assert_int_equal(json_int_at(row, "staff_id"), w.staff2);
    assert_int_equal(json_int_at(row, "location_id"), w.loc2);
    assert_int_equal(json_int_at(row, "start_at"), T0 + 9 * H);
    assert_int_equal(json_int_at(row, "end_at"), T0 + 9 * H + 90 * M);
    assert_string_equal(json_str_at(row, "status"), "confirmed");
    assert_string_equal(json_str_at(row, "source"), "online");
    assert_string_equal(json_str_at(row, "payment_status"), "paid");
    assert_string_equal(json_str_at(row, "notes"), "first visit");
    assert_string_equal(json_str_at(row, "cancel_reason"), "");
    assert_string_equal(json_str_at(row, "patient_name"), "Alice Example");
    assert_int_equal(json_int_at(row, "created_at"), T0 - 86400);
    assert_int_equal(json_int_at(row, "updated_at"), T0 - 86400);
    /* service_ids is a real array, in position order (not id order). */
    assert_int_array(json_object_get(row, "service_ids"),
                     (int64_t[]){w.svc[2].id, w.svc[0].id, w.svc[1].id}, 3);
    json_decref(row);

    /* No services, no notes (and later: the first one holds 09:00). */
    b.notes = NULL;
    b.start_at += 2 * H;
    b.end_at += 2 * H;
    assert_int_equal(store_booking_insert(f->c, &b, NULL, 0, &id2), ERR_OK);
    assert_int_equal(store_booking_get(f->c, id2, &row), ERR_OK);
    assert_int_array(json_object_get(row, "service_ids"), NULL, 0);
    assert_string_equal(json_str_at(row, "notes"), "");
    json_decref(row);

    assert_int_equal(store_booking_get(f->c, id2 + 100, &row), ERR_NOT_FOUND);
    assert_null(row);

    /* Rows that bookings refer to cannot be deleted. */
    assert_int_equal(store_row_delete(f->c, &setup_locations.table, w.loc2), ERR_CONFLICT);
    assert_int_equal(store_row_delete(f->c, &setup_patients.table, w.pat1), ERR_CONFLICT);
    assert_int_equal(store_services_get(f->c, (int64_t[]){w.svc[0].id, w.svc[2].id + 100}, 2, svc),
                     ERR_NOT_FOUND);

    /* The database refuses an unknown source and a missing patient. */
    snprintf(b.source, sizeof(b.source), "fax");
    assert_int_equal(store_booking_insert(f->c, &b, NULL, 0, &id2), ERR_CONFLICT);
    snprintf(b.source, sizeof(b.source), "staff");
    b.patient_id = w.pat2 + 100;
    assert_int_equal(store_booking_insert(f->c, &b, NULL, 0, &id2), ERR_CONFLICT);
}

/* The database refuses two live bookings of one staff member that overlap
 * (an exclusion constraint on PostgreSQL, triggers on SQLite), whatever
 * the code above it checked. */
static void
test_booking_overlap_refused_by_database(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_booking b = {0};
    int64_t first, cancelled, id = 0;

    booking_world_init(f->c, &w);
    first = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    b.patient_id = w.pat2;
    b.staff_id = w.staff1;
    b.location_id = w.loc1;
    b.start_at = T0 + 9 * H + 30 * M;
    b.end_at = T0 + 10 * H + 30 * M;
    snprintf(b.source, sizeof(b.source), "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    b.created_at = T0;
    assert_int_equal(store_booking_insert(f->c, &b, &w.svc[0], 1, &id), ERR_CONFLICT);
    /* Back to back, another staff member, or a shared group slot: fine. */
    add_booking(f->c, &w, w.pat2, w.staff1, T0 + 10 * H, T0 + 11 * H, "unpaid");
    add_booking(f->c, &w, w.pat2, w.staff2, T0 + 9 * H, T0 + 10 * H, "unpaid");
    b.group_service_id = w.svc[0].id;
    assert_int_equal(store_booking_insert(f->c, &b, &w.svc[0], 1, &id), ERR_OK);
    /* A cancelled booking holds nothing. */
    cancelled = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 12 * H, T0 + 13 * H, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, cancelled, "ill", T0), ERR_OK);
    add_booking(f->c, &w, w.pat2, w.staff1, T0 + 12 * H, T0 + 13 * H, "unpaid");
    /* Moving onto a held time is refused too, and changes nothing. */
    assert_int_equal(store_booking_move(f->c, first, w.staff1, w.loc1, T0 + 12 * H + 30 * M,
                                        T0 + 13 * H + 30 * M, T0),
                     ERR_CONFLICT);
    assert_int_equal(
        store_booking_move(f->c, first, w.staff1, w.loc1, T0 + 13 * H, T0 + 14 * H, T0), ERR_OK);
}

static void
test_booking_list_filters(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_booking_filter flt = {0};
    int64_t b1, b2, b3, b4, b5;
    json_t *items = NULL;

    booking_world_init(f->c, &w);
    b1 = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    b2 = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 86400, T0 + 86400 + H, "paid");
    b3 = add_booking(f->c, &w, w.pat1, w.staff2, T0 + 2 * 86400, T0 + 2 * 86400 + H, "paid");
    b4 = add_booking(f->c, &w, w.pat2, w.staff2, T0 + 3 * H, T0 + 4 * H, "unpaid");
    b5 = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 3 * 86400, T0 + 3 * 86400 + H, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, b4, "moved away", T0), ERR_OK);

    flt.limit = 100;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b2, b3, b4, b5}, 5);
    assert_true(json_is_array(json_object_get(json_array_get(items, 0), "service_ids")));
    assert_int_array(json_object_get(json_array_get(items, 0), "service_ids"),
                     (int64_t[]){w.svc[0].id}, 1);
    json_decref(items);

    /* from inclusive, to exclusive, on start_at. */
    flt.from = T0 + 9 * H;
    flt.to = T0 + 2 * 86400;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b2}, 2);
    json_decref(items);
    flt.from = flt.to = 0;

    flt.staff_id = w.staff2;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b3, b4}, 2);
    json_decref(items);
    flt.staff_id = 0;

    flt.patient_id = w.pat1;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b3, b5}, 3);
    json_decref(items);
    flt.patient_id = 0;

    flt.status = "cancelled";
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b4}, 1);
    assert_string_equal(json_str_at(json_array_get(items, 0), "cancel_reason"), "moved away");
    json_decref(items);
    flt.status = "confirmed";
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b2, b3, b5}, 4);
    json_decref(items);
    flt.status = NULL;

    flt.payment_status = "paid";
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b2, b3}, 2);
    json_decref(items);

    /* Filters combine; pagination walks in id order. */
    flt.payment_status = "unpaid";
    flt.staff_id = w.staff1;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b5}, 2);
    json_decref(items);
    flt.payment_status = NULL;
    flt.staff_id = 0;
    flt.limit = 2;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b1, b2}, 2);
    json_decref(items);
    flt.after_id = b2;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b3, b4}, 2);
    json_decref(items);
    flt.after_id = b4;
    assert_int_equal(store_booking_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){b5}, 1);
    json_decref(items);
}

/* The iTIP SEQUENCE of a booking and of an appointment grows by one with
 * each bump, and their notice rows carry it (an appointment's modified_at
 * becomes the bump's time). */
static void
test_ical_sequence_bump(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_appointment a = {0};
    json_t *row = NULL;
    int64_t b, appt = 0;

    booking_world_init(f->c, &w);
    b = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    a.patient_id = w.pat2;
    a.staff_id = w.staff1;
    a.start_at = T0 + 11 * H;
    a.end_at = T0 + 12 * H;
    assert_int_equal(store_appointment_insert(f->c, &a, &appt), ERR_OK);

    assert_int_equal(store_notice_booking(f->c, b, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "ical_sequence"), 0);
    assert_int_equal(json_int_at(row, "modified_at"), T0 - 10 * 86400);
    json_decref(row);
    assert_int_equal(store_ical_bump(f->c, "booking", b, T0), ERR_OK);
    assert_int_equal(store_ical_bump(f->c, "booking", b, T0 + 1), ERR_OK);
    assert_int_equal(store_notice_booking(f->c, b, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "ical_sequence"), 2);
    json_decref(row);

    assert_int_equal(store_notice_appointment(f->c, appt, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "ical_sequence"), 0);
    assert_true(json_int_at(row, "modified_at") > 0);
    json_decref(row);
    assert_int_equal(store_ical_bump(f->c, "appointment", appt, T0 + 7), ERR_OK);
    assert_int_equal(store_notice_appointment(f->c, appt, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "ical_sequence"), 1);
    assert_int_equal(json_int_at(row, "modified_at"), T0 + 7);
    json_decref(row);

    assert_int_equal(store_ical_bump(f->c, "booking", 999999, T0), ERR_NOT_FOUND);
    assert_int_equal(store_ical_bump(f->c, "appointment", 999999, T0), ERR_NOT_FOUND);
}

static void
test_booking_move_notes_cancel(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    json_t *row = NULL;
    int64_t id, other;

    booking_world_init(f->c, &w);
    id = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    other = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 11 * H, T0 + 12 * H, "unpaid");

    assert_int_equal(store_booking_move(f->c, id, w.staff2, w.loc2, T0 + 13 * H, T0 + 14 * H, T0),
                     ERR_OK);
    assert_int_equal(store_booking_set_notes(f->c, id, "bring x-rays", T0 + 60), ERR_OK);
    assert_int_equal(store_booking_get(f->c, id, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "staff_id"), w.staff2);
    assert_int_equal(json_int_at(row, "location_id"), w.loc2);
    assert_int_equal(json_int_at(row, "start_at"), T0 + 13 * H);
    assert_int_equal(json_int_at(row, "end_at"), T0 + 14 * H);
    assert_string_equal(json_str_at(row, "notes"), "bring x-rays");
    assert_int_equal(json_int_at(row, "updated_at"), T0 + 60);
    assert_int_equal(json_int_at(row, "created_at"), T0 - 10 * 86400);
    assert_string_equal(json_str_at(row, "status"), "confirmed");
    json_decref(row);

    assert_int_equal(store_booking_cancel(f->c, id, "patient called", T0 + 120), ERR_OK);
    assert_int_equal(store_booking_get(f->c, id, &row), ERR_OK);
    assert_string_equal(json_str_at(row, "status"), "cancelled");
    assert_string_equal(json_str_at(row, "cancel_reason"), "patient called");
    assert_int_equal(json_int_at(row, "updated_at"), T0 + 120);
    json_decref(row);
    /* A second cancel changes nothing and says so. */
    assert_int_equal(store_booking_cancel(f->c, id, "again", T0 + 180), ERR_CONFLICT);
    assert_int_equal(store_booking_get(f->c, id, &row), ERR_OK);
    assert_string_equal(json_str_at(row, "cancel_reason"), "patient called");
    assert_int_equal(json_int_at(row, "updated_at"), T0 + 120);
    json_decref(row);

    /* The other booking was not touched. */
    assert_int_equal(store_booking_get(f->c, other, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "staff_id"), w.staff1);
    assert_string_equal(json_str_at(row, "status"), "confirmed");
    assert_string_equal(json_str_at(row, "notes"), "");
    json_decref(row);
}

static void
test_history(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    int64_t id, other, user = 0;
    json_t *items = NULL, *e;

    booking_world_init(f->c, &w);
    id = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    other = add_booking(f->c, &w, w.pat2, w.staff1, T0 + 11 * H, T0 + 12 * H, "unpaid");
    assert_int_equal(store_user_create(f->c, "s@example.org", "h", "staff", 0, &user), ERR_OK);

    assert_int_equal(store_history_add(f->c, id, T0, user, "staff", "created", "{}"), ERR_OK);
    assert_int_equal(store_history_add(f->c, other, T0, 0, "system", "created", "{}"), ERR_OK);
    assert_int_equal(store_history_add(f->c, id, T0 + 60, 0, "patient", "moved",
                                       "{\"start_at\": [1, 2], \"note\": \"x\"}"),
                     ERR_OK);

    assert_int_equal(store_history_list(f->c, id, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    e = json_array_get(items, 0);
    assert_int_equal(json_int_at(e, "at"), T0);
    assert_int_equal(json_int_at(e, "actor_user_id"), user);
    /* The actor in words: the login's name and role, not an id. */
    assert_string_equal(json_str_at(e, "actor"), "S (staff)");
    assert_string_equal(json_str_at(e, "action"), "created");
    assert_true(json_is_object(json_object_get(e, "changes")));
    assert_int_equal(json_object_size(json_object_get(e, "changes")), 0);
    e = json_array_get(items, 1);
    assert_true(json_is_null(json_object_get(e, "actor_user_id")));
    assert_string_equal(json_str_at(e, "actor"), "System");
    assert_string_equal(json_str_at(e, "action"), "moved");
    assert_true(json_is_object(json_object_get(e, "changes")));
    assert_int_array(json_object_get(json_object_get(e, "changes"), "start_at"), (int64_t[]){1, 2},
                     2);
    assert_string_equal(json_str_at(json_object_get(e, "changes"), "note"), "x");
    json_decref(items);

    assert_int_equal(store_history_list(f->c, other, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    assert_int_equal(store_history_list(f->c, other + 100, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
}

/* --- Appointments ------------------------------------------------------------ */

/* n occurrences a day apart, named after the first, as the API stores them. */
static void
add_series(struct store_conn *c, int64_t staff, int64_t start, size_t n, int64_t *ids)
{
    struct store_appointment a = {0};
    size_t i;

    a.staff_id = staff;
    for (i = 0; i < n; i++) {
        a.series_id = i > 0 ? ids[0] : 0;
        a.series_index = (int)i;
        a.start_at = start + (int64_t)i * 86400;
        a.end_at = a.start_at + 30 * M;
        assert_int_equal(store_appointment_insert(c, &a, &ids[i]), ERR_OK);
        if (i == 0)
            assert_int_equal(store_appointment_set_series(c, ids[0], ids[0]), ERR_OK);
    }
}

static const char *
appt_status(struct store_conn *c, int64_t id)
{
    json_t *row = NULL;
    const char *s;

    assert_int_equal(store_appointment_get(c, id, &row), ERR_OK);
    s = json_str_at(row, "status");
    s = strcmp(s, "cancelled") == 0 ? "cancelled" : strcmp(s, "scheduled") == 0 ? "scheduled" : "?";
    json_decref(row);
    return s;
}

static void
test_appointment_insert_get(void **state)
{
    struct fixture *f = *state;
    int64_t staff = add_staff(f->c, "A", 1), pat = add_patient(f->c, "Alice"), id = 0, id2 = 0;
    int64_t action = insert_row(f->c, &setup_actions.table, json_pack("{s:s}", "name", "Meeting"));
    struct store_appointment a = {0};
    struct store_event_filter flt = {0};
    json_t *row = NULL, *items = NULL;

    a.patient_id = pat;
    a.staff_id = staff;
    a.action_id = action;
    a.start_at = T0 + 9 * H;
    a.end_at = T0 + 10 * H;
    a.notes = "bring forms";
    a.share_with_patient = 1;
    assert_int_equal(store_appointment_insert(f->c, &a, &id), ERR_OK);
    assert_int_equal(store_appointment_get(f->c, id, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "patient_id"), pat);
    assert_int_equal(json_int_at(row, "action_id"), action);
    assert_string_equal(json_str_at(row, "patient_name"), "Alice");
    assert_string_equal(json_str_at(row, "action_name"), "Meeting");
    assert_string_equal(json_str_at(row, "notes"), "bring forms");
    assert_string_equal(json_str_at(row, "status"), "scheduled");
    assert_true(json_is_true(json_object_get(row, "share_with_patient")));
    assert_true(json_is_null(json_object_get(row, "series_id")));
    json_decref(row);

    /* Optional references are NULL when zero. */
    memset(&a, 0, sizeof(a));
    a.start_at = T0 + 86400;
    a.end_at = T0 + 86400 + H;
    assert_int_equal(store_appointment_insert(f->c, &a, &id2), ERR_OK);
    assert_int_equal(store_appointment_get(f->c, id2, &row), ERR_OK);
    assert_true(json_is_null(json_object_get(row, "patient_id")));
    assert_true(json_is_null(json_object_get(row, "staff_id")));
    assert_true(json_is_null(json_object_get(row, "patient_name")));
    assert_true(json_is_false(json_object_get(row, "share_with_patient")));
    json_decref(row);

    /* Update rewrites every field; missing ids are reported. */
    a.staff_id = staff;
    a.notes = "moved";
    assert_int_equal(store_appointment_update(f->c, id2, &a), ERR_OK);
    assert_int_equal(store_appointment_get(f->c, id2, &row), ERR_OK);
    assert_int_equal(json_int_at(row, "staff_id"), staff);
    assert_string_equal(json_str_at(row, "notes"), "moved");
    json_decref(row);
    assert_int_equal(store_appointment_update(f->c, id2 + 100, &a), ERR_NOT_FOUND);
    assert_int_equal(store_appointment_get(f->c, id2 + 100, &row), ERR_NOT_FOUND);

    flt.limit = 10;
    flt.patient_id = pat;
    assert_int_equal(store_appointment_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){id}, 1);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "share_with_patient")));
    json_decref(items);
    flt.patient_id = 0;
    flt.from = T0 + 12 * H;
    assert_int_equal(store_appointment_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){id2}, 1);
    json_decref(items);
}

static void
test_appointment_series_cancel(void **state)
{
    struct fixture *f = *state;
    int64_t staff = add_staff(f->c, "A", 1), ids[5], other[3], lone;
    struct store_appointment a = {.staff_id = staff, .notes = "changed"};
    json_t *row = NULL;
    int n = -1;
    size_t i;

    add_series(f->c, staff, T0 + 9 * H, 5, ids);
    add_series(f->c, staff, T0 + 12 * H, 3, other);
    lone = add_appointment(f->c, staff, T0 + 15 * H, T0 + 16 * H);
    for (i = 0; i < 5; i++) {
        assert_int_equal(store_appointment_get(f->c, ids[i], &row), ERR_OK);
        assert_int_equal(json_int_at(row, "series_id"), ids[0]);
        json_decref(row);
    }

    /* this: only the one. */
    assert_int_equal(store_appointment_cancel(f->c, ids[1], "this", &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(appt_status(f->c, ids[1]), "cancelled");
    assert_string_equal(appt_status(f->c, ids[2]), "scheduled");
    assert_int_equal(store_appointment_cancel(f->c, ids[1], "this", &n), ERR_OK);
    assert_int_equal(n, 0); /* already cancelled */
    /* A cancelled appointment no longer changes. */
    assert_int_equal(store_appointment_get(f->c, ids[1], &row), ERR_OK);
    a.start_at = json_int_at(row, "start_at");
    a.end_at = json_int_at(row, "end_at");
    json_decref(row);
    assert_int_equal(store_appointment_update(f->c, ids[1], &a), ERR_NOT_FOUND);

    /* following: this one and later live ones of the series. */
    assert_int_equal(store_appointment_cancel(f->c, ids[3], "following", &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(appt_status(f->c, ids[0]), "scheduled");
    assert_string_equal(appt_status(f->c, ids[2]), "scheduled");
    assert_string_equal(appt_status(f->c, ids[3]), "cancelled");
    assert_string_equal(appt_status(f->c, ids[4]), "cancelled");

    /* following from the start counts only rows that changed. */
    assert_int_equal(store_appointment_cancel(f->c, ids[0], "following", &n), ERR_OK);
    assert_int_equal(n, 2); /* 0 and 2 */
    for (i = 0; i < 5; i++)
        assert_string_equal(appt_status(f->c, ids[i]), "cancelled");

    /* series: every live one, from any member; other series untouched. */
    assert_int_equal(store_appointment_cancel(f->c, other[2], "this", &n), ERR_OK);
    assert_int_equal(store_appointment_cancel(f->c, other[1], "series", &n), ERR_OK);
    assert_int_equal(n, 2);
    for (i = 0; i < 3; i++)
        assert_string_equal(appt_status(f->c, other[i]), "cancelled");
    assert_int_equal(store_appointment_cancel(f->c, other[0], "series", &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_string_equal(appt_status(f->c, lone), "scheduled");

    assert_int_equal(store_appointment_cancel(f->c, lone, "this", &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_appointment_cancel(f->c, lone + 100, "this", &n), ERR_OK);
    assert_int_equal(n, 0);
}

static void
test_overlap_count(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    int64_t appt, cancelled;
    int n = -1;

    booking_world_init(f->c, &w);
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 10 * H, T0 + 11 * H, "unpaid");
    cancelled = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 12 * H, T0 + 13 * H, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, cancelled, "", T0), ERR_OK);
    appt = add_appointment(f->c, w.staff1, T0 + 11 * H, T0 + 12 * H);
    add_time_off(f->c, w.staff1, T0 + 13 * H, T0 + 14 * H);
    add_time_off(f->c, w.staff1, T0 - 10 * 86400, T0 + 8 * H); /* long, started long ago */
    add_appointment(f->c, w.staff1, T0 - 24 * H + 8 * H + M, T0 + 8 * H + M); /* 24 h */
    add_booking(f->c, &w, w.pat1, w.staff2, T0 + 10 * H, T0 + 14 * H, "unpaid");

    assert_int_equal(
        store_overlap_count(f->c, w.staff1, T0 + 10 * H + 30 * M, T0 + 11 * H + 30 * M, 0, &n),
        ERR_OK);
    assert_int_equal(n, 2); /* booking and appointment */
    assert_int_equal(
        store_overlap_count(f->c, w.staff1, T0 + 10 * H + 30 * M, T0 + 11 * H + 30 * M, appt, &n),
        ERR_OK);
    assert_int_equal(n, 1); /* the appointment being edited is not counted */
    /* The cancelled booking does not count; ends touching do not overlap. */
    assert_int_equal(store_overlap_count(f->c, w.staff1, T0 + 12 * H, T0 + 13 * H, 0, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_overlap_count(f->c, w.staff1, T0 + 12 * H, T0 + 13 * H + 1, 0, &n),
                     ERR_OK);
    assert_int_equal(n, 1); /* time off */
    assert_int_equal(store_overlap_count(f->c, w.staff1, T0 + 7 * H, T0 + 7 * H + 30 * M, 0, &n),
                     ERR_OK);
    assert_int_equal(n, 2); /* long time off and the 24 h appointment */
    assert_int_equal(store_overlap_count(f->c, w.staff1, T0 + 8 * H + M, T0 + 10 * H, 0, &n),
                     ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_overlap_count(f->c, w.staff2, T0, T0 + 86400, 0, &n), ERR_OK);
    assert_int_equal(n, 1);
}

static void
test_time_off_list(void **state)
{
    struct fixture *f = *state;
    int64_t a = add_staff(f->c, "A", 1), b = add_staff(f->c, "B", 1), t1, t2, t3;
    struct store_event_filter flt = {0};
    json_t *items = NULL;

    t1 = add_time_off(f->c, a, T0, T0 + 86400);
    t2 = add_time_off(f->c, b, T0 + 2 * 86400, T0 + 3 * 86400);
    t3 = add_time_off(f->c, a, T0 - 86400, T0 + 4 * 86400);
    flt.limit = 10;
    assert_int_equal(store_time_off_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){t1, t2, t3}, 3);
    json_decref(items);
    /* Overlapping [from, to). */
    flt.from = T0 + 86400;
    flt.to = T0 + 2 * 86400;
    assert_int_equal(store_time_off_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){t3}, 1);
    json_decref(items);
    flt.from = flt.to = 0;
    flt.staff_id = a;
    flt.after_id = t1;
    assert_int_equal(store_time_off_list(f->c, &flt, &items), ERR_OK);
    assert_row_ids(items, (int64_t[]){t3}, 1);
    json_decref(items);
}

/* --- The read-side cache of busy intervals and shifts ---------------------- */

/* Reads inside store_begin(c, 0) may be answered from a cache shared by the
 * pool; these tests compare them with plain autocommit reads, which always
 * go to the database. */

static int
busy_cmp(const void *pa, const void *pb)
{
    const struct store_busy *a = pa, *b = pb;

    if (a->staff_id != b->staff_id)
        return a->staff_id < b->staff_id ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return (a->group_service_id > b->group_service_id) -
           (a->group_service_id < b->group_service_id);
}

/* Same rows, grouped by staff in the order asked, each group by start, and
 * every one overlapping [from, to). */
static void
assert_same_busy(struct store_busy *got, size_t n_got, struct store_busy *want, size_t n_want,
                 int64_t from, int64_t to)
{
    size_t i;

    for (i = 0; i < n_got; i++) {
        if (got[i].start >= to || got[i].end <= from)
            fail_msg("row %zu of %zu: [%+lld, %+lld) is outside the window [%+lld, %+lld) "
                     "(seconds from T0)",
                     i, n_got, (long long)(got[i].start - T0), (long long)(got[i].end - T0),
                     (long long)(from - T0), (long long)(to - T0));
    }
    assert_int_equal(n_got, n_want);
    for (i = 0; i + 1 < n_got; i++) {
        if (got[i].staff_id == got[i + 1].staff_id)
            assert_true(got[i].start <= got[i + 1].start);
    }
    if (n_got)
        qsort(got, n_got, sizeof(*got), busy_cmp);
    if (n_want)
        qsort(want, n_want, sizeof(*want), busy_cmp);
    for (i = 0; i < n_got; i++) {
        if (busy_cmp(&got[i], &want[i]) != 0)
            fail_msg("row %zu: staff %lld [%lld, %lld) instead of staff %lld [%lld, %lld)", i,
                     (long long)got[i].staff_id, (long long)got[i].start, (long long)got[i].end,
                     (long long)want[i].staff_id, (long long)want[i].start, (long long)want[i].end);
    }
}

static uint64_t
next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void
test_busy_cache_keeps_to_window(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_busy *out = NULL;
    struct arena *ar = &f->arena;
    size_t n = 0;

    booking_world_init(f->c, &w);
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    add_booking(f->c, &w, w.pat1, w.staff1, T0 - 3 * 86400, T0 - 3 * 86400 + H, "unpaid");
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 3 * 86400, T0 + 3 * 86400 + H, "unpaid");

    /* The same question inside a read transaction (cache miss, then hit)
     * gets the same answer as outside one: only the day asked for. */
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, T0, T0 + 86400, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, T0, T0 + 86400, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_busy(&out[0], w.staff1, T0 + 9 * H, T0 + 10 * H);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, T0, T0 + 86400, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_busy(&out[0], w.staff1, T0 + 9 * H, T0 + 10 * H);
    store_rollback(f->c);
}

static void
test_busy_cache_matches_database(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2 = store_acquire(f->s);
    struct booking_world w;
    struct store_busy *got = NULL, *want = NULL;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    int64_t staff[2];
    struct arena *ar = &f->arena;
    size_t n_got = 0, n_want = 0;
    int i, k;

    booking_world_init(f->c, &w);
    staff[0] = w.staff1;
    staff[1] = w.staff2;
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    /* Over two months: short bookings, appointments up to the 24 h limit,
     * and time off of up to ten days. */
    for (i = 0; i < 400; i++) {
        int64_t s = staff[next_rand(&seed) % 2];
        int64_t start = T0 + (int64_t)(next_rand(&seed) % (60 * 1440)) * M;
        int kind = (int)(next_rand(&seed) % 10);

        /* Bookings of one staff member never overlap (the database
         * refuses it): each gets its own four hours, anywhere inside. */
        if (kind < 6) {
            start = T0 + i * 4 * H + (int64_t)(next_rand(&seed) % 4) * 15 * M;
            add_booking(f->c, &w, w.pat1, s, start,
                        start + (int64_t)(1 + next_rand(&seed) % 12) * 15 * M, "unpaid");
        } else if (kind < 9) {
            add_appointment(f->c, s, start, start + (int64_t)(1 + next_rand(&seed) % 1440) * M);
        } else {
            add_time_off(f->c, s, start, start + (int64_t)(1 + next_rand(&seed) % 240) * H);
        }
    }
    assert_int_equal(store_commit(f->c), ERR_OK);

    /* Windows of a day up to two weeks, anywhere in the range and beyond. */
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    for (k = 0; k < 300; k++) {
        int64_t from = T0 - 5 * 86400 + (int64_t)(next_rand(&seed) % (70 * 96)) * 15 * M;
        int64_t to = from + (int64_t)(1 + next_rand(&seed) % (14 * 24)) * H;

        assert_int_equal(store_avail_busy(f->c, staff, 2, from, to, 0, ar, &got, &n_got), ERR_OK);
        assert_int_equal(store_avail_busy(c2, staff, 2, from, to, 0, ar, &want, &n_want), ERR_OK);
        assert_same_busy(got, n_got, want, n_want, from, to);
    }
    store_rollback(f->c);
    store_release(f->s, c2);
}

static void
test_busy_cache_sees_commits(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2 = store_acquire(f->s);
    struct booking_world w;
    struct store_busy *out = NULL;
    int64_t b1, b2, from = T0, to = T0 + 86400;
    struct arena *ar = &f->arena;
    size_t n = 0;

    booking_world_init(f->c, &w);
    b1 = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");

    /* Fill the cache, then read again from it. */
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from + H, to - H, 0, ar, &out, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    /* Skipping a booking bypasses the cache. */
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from, to, b1, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_commit(f->c), ERR_OK);

    /* A commit elsewhere: the next read transaction sees it. */
    b2 = add_booking(c2, &w, w.pat2, w.staff1, T0 + 11 * H, T0 + 12 * H, "unpaid");
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_busy(&out[1], w.staff1, T0 + 11 * H, T0 + 12 * H);
    store_rollback(f->c);

    /* Cancelling and moving are commits too. */
    assert_int_equal(store_booking_cancel(c2, b1, "", T0), ERR_OK);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_busy(&out[0], w.staff1, T0 + 11 * H, T0 + 12 * H);
    store_rollback(f->c);
    assert_int_equal(store_booking_move(c2, b2, w.staff2, w.loc1, T0 + 11 * H, T0 + 12 * H, T0),
                     ERR_OK);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff1, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_avail_busy(f->c, &w.staff2, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    store_rollback(f->c);

    /* A write transaction reads the database, including its own writes. */
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    add_booking(f->c, &w, w.pat1, w.staff2, T0 + 14 * H, T0 + 15 * H, "unpaid");
    assert_int_equal(store_avail_busy(f->c, &w.staff2, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 2);
    store_rollback(f->c);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_busy(f->c, &w.staff2, 1, from, to, 0, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    store_rollback(f->c);

    store_release(f->s, c2);
}

/* The name location id has when read on c. */
static void
assert_location_name(struct store_conn *c, int64_t id, const char *want)
{
    json_t *row = NULL;

    assert_int_equal(store_row_get(c, &setup_locations.table, id, &row), ERR_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), want);
    json_decref(row);
}

static void
rename_location(struct store_conn *c, int64_t id, const char *name)
{
    json_t *patch = json_pack("{s:s}", "name", name);

    assert_int_equal(store_row_update(c, &setup_locations.table, id, patch), ERR_OK);
    json_decref(patch);
}

/* A row read by id again and again (SQLite keeps such rows) shows every
 * commit: one's own, another connection's, inside a write, and not one
 * that was rolled back. */
static void
test_row_reads_see_commits(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2 = store_acquire(f->s);
    int64_t loc = add_location(f->c, "Before", "UTC");
    json_t *row = NULL;

    assert_location_name(f->c, loc, "Before");
    assert_location_name(f->c, loc, "Before");
    rename_location(c2, loc, "After");
    assert_location_name(f->c, loc, "After");

    /* A read transaction begun before a commit keeps its snapshot. */
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_location_name(f->c, loc, "After");
    rename_location(c2, loc, "Later");
    assert_location_name(f->c, loc, "After");
    store_rollback(f->c);
    assert_location_name(f->c, loc, "Later");
    assert_location_name(c2, loc, "Later");

    /* A write sees its own change; once undone, nobody does. */
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    rename_location(f->c, loc, "Undone");
    assert_location_name(f->c, loc, "Undone");
    store_rollback(f->c);
    assert_location_name(f->c, loc, "Later");
    assert_location_name(c2, loc, "Later");

    /* A copy each: changing one read changes nothing kept. */
    assert_int_equal(store_row_get(f->c, &setup_locations.table, loc, &row), ERR_OK);
    json_object_set_new(row, "name", json_string("Scribbled"));
    json_decref(row);
    assert_location_name(f->c, loc, "Later");
    store_release(f->s, c2);
}

static void
test_shift_cache_sees_commits(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2 = store_acquire(f->s);
    int64_t l1 = add_location(f->c, "L1", "Europe/Berlin"), l2 = add_location(f->c, "L2", "UTC");
    int64_t s1 = add_service(f->c, "S1", "", 30), a = add_staff(f->c, "A", 1);
    struct store_shift sa[] = {{0, 1, 540, 720, l1, NULL}};
    struct store_shift sb[] = {{0, 2, 600, 900, l2, NULL}, {0, 1, 600, 900, l1, NULL}};
    struct store_avail_staff_filter all = {0}, req = {0};
    struct store_shift *out = NULL;
    struct arena *ar = &f->arena;
    size_t n = 0;
    json_t *patch;

    req.required_services = &s1;
    req.n_required = 1;
    assert_int_equal(store_shifts_replace(f->c, a, sa, 1), ERR_OK);

    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_shifts(f->c, &all, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_avail_shifts(f->c, &req, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0); /* a different filter is a different entry */
    assert_int_equal(store_avail_shifts(f->c, &all, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].timezone, "Europe/Berlin");
    store_rollback(f->c);

    assert_int_equal(store_shifts_replace(c2, a, sb, 2), ERR_OK);
    assert_int_equal(store_staff_links_set(c2, a, "services", &s1, 1), ERR_OK);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_shifts(f->c, &all, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].weekday, 1);
    assert_string_equal(out[0].timezone, "Europe/Berlin");
    assert_int_equal(out[1].weekday, 2);
    assert_string_equal(out[1].timezone, "UTC");
    assert_int_equal(store_avail_shifts(f->c, &req, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 2);
    store_rollback(f->c);

    patch = json_pack("{s:b}", "bookable", 0);
    assert_int_equal(store_row_update(c2, &setup_staff.table, a, patch), ERR_OK);
    json_decref(patch);
    assert_int_equal(store_begin(f->c, 0), ERR_OK);
    assert_int_equal(store_avail_shifts(f->c, &all, ar, &out, &n), ERR_OK);
    assert_int_equal(n, 0);
    store_rollback(f->c);

    store_release(f->s, c2);
}

/* --- Backup -------------------------------------------------------------- */

static void
test_backup(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    char path[160];
    struct store *copy = NULL;
    struct store_conn *cc;
    struct store_booking_filter bf = {0};
    json_t *orig = NULL, *got = NULL;
    int version = 0, version2 = 0;

    booking_world_init(f->c, &w);
    add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    add_booking(f->c, &w, w.pat2, w.staff2, T0 + 9 * H, T0 + 10 * H, "paid");
    snprintf(path, sizeof(path), "%s/backup.db", f->dir);
    assert_int_equal(store_backup(f->c, path), ERR_OK);
    if (test_db_pg_url()) {
        /* PostgreSQL backs up through pg_dump; its archives start so. */
        char magic[6] = {0};
        FILE *in = fopen(path, "rb");

        assert_non_null(in);
        assert_int_equal(fread(magic, 1, 5, in), 5);
        fclose(in);
        assert_string_equal(magic, "PGDMP");
        return;
    }
    /* Later writes do not reach the copy. */
    add_patient(f->c, "After backup");

    assert_int_equal(store_open(path, 1, &copy), ERR_OK);
    cc = store_acquire(copy);
    assert_int_equal(store_schema_version(f->c, &version), ERR_OK);
    assert_int_equal(store_schema_version(cc, &version2), ERR_OK);
    assert_int_equal(version2, version);

    assert_int_equal(store_row_list(f->c, &setup_services.table, NULL, 0, 100, &orig), ERR_OK);
    assert_int_equal(store_row_list(cc, &setup_services.table, NULL, 0, 100, &got), ERR_OK);
    assert_int_equal(json_array_size(got), 3);
    assert_true(json_equal(orig, got));
    json_decref(orig);
    json_decref(got);
    assert_int_equal(store_row_list(f->c, &setup_staff.table, NULL, 0, 100, &orig), ERR_OK);
    assert_int_equal(store_row_list(cc, &setup_staff.table, NULL, 0, 100, &got), ERR_OK);
    assert_true(json_equal(orig, got));
    json_decref(orig);
    json_decref(got);
    bf.limit = 100;
    assert_int_equal(store_booking_list(f->c, &bf, &orig), ERR_OK);
    assert_int_equal(store_booking_list(cc, &bf, &got), ERR_OK);
    assert_int_equal(json_array_size(got), 2);
    assert_true(json_equal(orig, got));
    json_decref(orig);
    json_decref(got);
    assert_int_equal(store_row_list(f->c, &setup_patients.table, NULL, 0, 100, &orig), ERR_OK);
    assert_int_equal(store_row_list(cc, &setup_patients.table, NULL, 0, 100, &got), ERR_OK);
    assert_int_equal(json_array_size(orig), 3);
    assert_int_equal(json_array_size(got), 2);
    json_decref(orig);
    json_decref(got);

    store_release(copy, cc);
    store_close(copy);
}

/* --- Transactions and concurrency -------------------------------------------- */

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

    nanosleep(&ts, NULL);
}

struct writer {
    struct store_conn *c;
    int64_t staff_id;
    atomic_int started;
    atomic_int began;
    int begin_rc, insert_rc, commit_rc;
    int64_t began_ns;
};

/* The second writer: no cmocka assertions off the main thread. */
static void *
writer_run(void *arg)
{
    struct writer *wr = arg;
    json_t *row = json_pack("{s:s, s:s}", "name", "Second", "timezone", "UTC");
    int64_t id = 0;

    atomic_store(&wr->started, 1);
    wr->begin_rc = store_begin(wr->c, 1);
    if (wr->begin_rc == ERR_OK)
        wr->begin_rc = store_lock_staff(wr->c, &wr->staff_id, 1);
    wr->began_ns = now_ns();
    atomic_store(&wr->began, 1);
    if (wr->begin_rc == ERR_OK) {
        wr->insert_rc = store_row_insert(wr->c, &setup_locations.table, row, &id);
        wr->commit_rc = store_commit(wr->c);
    }
    json_decref(row);
    return NULL;
}

/* The booking guarantee of the contract: a second writer that takes the
 * same staff member's lock waits until the first one commits (on SQLite
 * already at BEGIN, on PostgreSQL at the advisory lock). */
static void
test_staff_lock_serialises_writers(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2 = store_acquire(f->s);
    struct writer wr = {.c = c2, .staff_id = 7};
    json_t *items = NULL;
    pthread_t th;
    int64_t committed_ns, staff[2] = {7, 3};
    int i;

    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_lock_staff(f->c, staff, 2), ERR_OK);
    add_location(f->c, "First", "UTC");
    assert_int_equal(pthread_create(&th, NULL, writer_run, &wr), 0);
    for (i = 0; i < 200 && !atomic_load(&wr.started); i++)
        sleep_ms(1);
    assert_true(atomic_load(&wr.started));
    /* Give the second writer time to reach the lock and wait there. */
    sleep_ms(150);
    assert_false(atomic_load(&wr.began));
    committed_ns = now_ns();
    assert_int_equal(store_commit(f->c), ERR_OK);
    assert_int_equal(pthread_join(th, NULL), 0);

    assert_true(atomic_load(&wr.began));
    assert_int_equal(wr.begin_rc, ERR_OK);
    assert_int_equal(wr.insert_rc, ERR_OK);
    assert_int_equal(wr.commit_rc, ERR_OK);
    assert_true(wr.began_ns >= committed_ns);

    /* Both writes landed, the first one first. */
    assert_int_equal(store_row_list(c2, &setup_locations.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_str_at(json_array_get(items, 0), "name"), "First");
    assert_string_equal(json_str_at(json_array_get(items, 1), "name"), "Second");
    json_decref(items);
    store_release(f->s, c2);
}

static void
test_rollback_and_release(void **state)
{
    struct fixture *f = *state;
    struct store_conn *c2;
    json_t *items = NULL;

    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    add_location(f->c, "Gone", "UTC");
    store_rollback(f->c);
    assert_int_equal(store_row_list(f->c, &setup_locations.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    /* A connection given back mid-transaction is rolled back, and the
     * write lock is free for the next writer at once. */
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    add_location(f->c, "Also gone", "UTC");
    store_release(f->s, f->c);
    f->c = store_acquire(f->s);
    c2 = store_acquire(f->s);
    assert_int_equal(store_begin(c2, 1), ERR_OK);
    assert_int_equal(store_commit(c2), ERR_OK);
    assert_int_equal(store_row_list(c2, &setup_locations.table, NULL, 0, 10, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    store_release(f->s, c2);
}

/* Attendance on live items only, the appointment history, and the items
 * visits are made of (an appointment at its staff member's first
 * location). */
static void
test_attendance_and_visit_items(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_appointment a = {0};
    struct store_visit_filter vf = {T0, T0 + 86400, 0, 0, 0};
    int64_t id, gone, appt = 0, loc = 0;
    json_t *row = NULL, *items = NULL;
    char old[16];

    booking_world_init(f->c, &w);
    id = add_booking(f->c, &w, w.pat1, w.staff1, T0 + 9 * H, T0 + 10 * H, "unpaid");
    gone = add_booking(f->c, &w, w.pat1, w.staff2, T0 + 11 * H, T0 + 12 * H, "unpaid");
    assert_int_equal(store_booking_cancel(f->c, gone, "ill", T0), ERR_OK);
    assert_int_equal(store_attendance_set(f->c, "booking", id, "arrived", T0, old, sizeof(old)),
                     ERR_OK);
    assert_string_equal(old, "pending");
    assert_int_equal(store_booking_get(f->c, id, &row), ERR_OK);
    assert_string_equal(json_str_at(row, "attendance"), "arrived");
    json_decref(row);
    assert_int_equal(store_attendance_set(f->c, "booking", gone, "arrived", T0, old, sizeof(old)),
                     ERR_CONFLICT);
    assert_int_equal(store_attendance_set(f->c, "booking", 999999, "arrived", T0, old, sizeof(old)),
                     ERR_NOT_FOUND);

    loc = w.loc2;
    assert_int_equal(store_staff_links_set(f->c, w.staff2, "locations", &loc, 1), ERR_OK);
    a.patient_id = w.pat1;
    a.staff_id = w.staff2;
    a.start_at = T0 + 13 * H;
    a.end_at = T0 + 14 * H;
    assert_int_equal(store_appointment_insert(f->c, &a, &appt), ERR_OK);
    assert_int_equal(
        store_attendance_set(f->c, "appointment", appt, "no_show", T0, old, sizeof(old)), ERR_OK);
    assert_int_equal(store_appt_history_add(f->c, appt, T0, 0, "x", "attendance", "{\"a\": 1}"),
                     ERR_OK);
    assert_int_equal(store_appt_history_list(f->c, appt, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_str_at(json_array_get(items, 0), "actor"), "System");
    assert_int_equal(json_int_at(json_object_get(json_array_get(items, 0), "changes"), "a"), 1);
    json_decref(items);

    assert_int_equal(store_visit_items(f->c, &vf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2); /* the cancelled booking is left out */
    row = json_array_get(items, 0);
    assert_string_equal(json_str_at(row, "kind"), "booking");
    assert_int_equal(json_int_at(row, "id"), id);
    assert_int_equal(json_int_at(row, "location_id"), w.loc1);
    assert_string_equal(json_str_at(row, "staff_name"), "Dr Adams");
    row = json_array_get(items, 1);
    assert_string_equal(json_str_at(row, "kind"), "appointment");
    assert_int_equal(json_int_at(row, "location_id"), w.loc2);
    assert_string_equal(json_str_at(row, "attendance"), "no_show");
    json_decref(items);
    vf.location_id = w.loc2;
    assert_int_equal(store_visit_items(f->c, &vf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);

    /* Keys only: the same items, in the same order, without the joins. */
    vf.keys_only = 1;
    vf.location_id = 0;
    assert_int_equal(store_visit_items(f->c, &vf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    row = json_array_get(items, 0);
    assert_string_equal(json_str_at(row, "kind"), "booking");
    assert_int_equal(json_int_at(row, "id"), id);
    assert_int_equal(json_int_at(row, "patient_id"), w.pat1);
    assert_int_equal(json_int_at(row, "location_id"), w.loc1);
    assert_int_equal(json_int_at(row, "start_at"), T0 + 9 * H);
    assert_int_equal(json_int_at(row, "end_at"), T0 + 10 * H);
    assert_null(json_object_get(row, "staff_name"));
    assert_int_equal(json_int_at(json_array_get(items, 1), "id"), appt);
    assert_int_equal(json_int_at(json_array_get(items, 1), "location_id"), w.loc2);
    json_decref(items);
    vf.location_id = w.loc1;
    assert_int_equal(store_visit_items(f->c, &vf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_int_at(json_array_get(items, 0), "id"), id);
    json_decref(items);
    vf.location_id = 0;
    vf.patient_id = w.pat1 + 1000;
    assert_int_equal(store_visit_items(f->c, &vf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    assert_int_equal(store_attendance_report(f->c, T0, T0 + 86400, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(json_int_at(json_array_get(items, 0), "arrived"), 1);
    assert_int_equal(json_int_at(json_array_get(items, 1), "no_show"), 1);
    assert_int_equal(json_int_at(json_array_get(items, 1), "pending"), 0);
    json_decref(items);
}

/* Stock levels are sums of movements; a booking's consumables come from
 * its services' bills of materials, a staff member's own entry replacing
 * the general one, counted once per time a service is booked, from the
 * location's consumables storage, until the booking has its own list. */
static void
test_stock_and_booking_consumables(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_booking b = {0};
    struct store_service twice[2];
    struct store_movement m = {0};
    struct store_stock_filter sf = {0};
    struct store_movement_filter mf = {0};
    struct store_consumable bom[3], own[1];
    int64_t gloves, swab, cabinet, shelf, booking = 0, id;
    json_t *items = NULL, *row;
    int custom = -1;

    booking_world_init(f->c, &w);
    gloves = insert_row(
        f->c, &stock_products.table,
        json_pack("{s:s, s:i, s:i}", "name", "Gloves", "cost_price", 50, "min_quantity", 8));
    swab = insert_row(f->c, &stock_products.table, json_pack("{s:s}", "name", "Swab"));
    shelf = insert_row(f->c, &stock_storages.table,
                       json_pack("{s:s, s:I, s:s}", "name", "Shelf", "location_id",
                                 (json_int_t)w.loc1, "kind", "sales"));
    cabinet = insert_row(f->c, &stock_storages.table,
                         json_pack("{s:s, s:I, s:s}", "name", "Cabinet", "location_id",
                                   (json_int_t)w.loc1, "kind", "consumables"));
    m = (struct store_movement){gloves, cabinet, 10, "receipt", 40, "", 0, 0, T0, 0};
    assert_int_equal(store_stock_movement_add(f->c, &m, &id), ERR_OK);
    m.quantity = -3;
    m.reason = "adjustment";
    m.unit_cost = -1;
    assert_int_equal(store_stock_movement_add(f->c, &m, &id), ERR_OK);
    m.quantity = 0; /* the database refuses a movement of nothing */
    assert_int_not_equal(store_stock_movement_add(f->c, &m, &id), ERR_OK);
    sf.product_id = gloves;
    assert_int_equal(store_stock_levels(f->c, &sf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_int_at(json_array_get(items, 0), "quantity"), 7);
    assert_int_equal(json_int_at(json_array_get(items, 0), "storage_id"), cabinet);
    json_decref(items);
    sf.below_min = 1;
    assert_int_equal(store_stock_levels(f->c, &sf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1); /* 7 < 8 */
    json_decref(items);

    twice[0] = twice[1] = w.svc[0];
    b.patient_id = w.pat1;
    b.staff_id = w.staff1;
    b.location_id = w.loc1;
    b.start_at = T0 + 9 * H;
    b.end_at = T0 + 10 * H;
    snprintf(b.source, sizeof(b.source), "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    assert_int_equal(store_booking_insert(f->c, &b, twice, 2, &booking), ERR_OK);
    bom[0] = (struct store_consumable){gloves, 0, 0, 2};
    bom[1] = (struct store_consumable){gloves, w.staff2, 0, 5}; /* not this booking's */
    bom[2] = (struct store_consumable){swab, w.staff1, 0, 1};
    assert_int_equal(store_service_consumables_set(f->c, w.svc[0].id, bom, 3), ERR_OK);
    assert_int_equal(store_service_consumables_get(f->c, w.svc[0].id, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 3);
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "staff_id")));
    json_decref(items);
    assert_int_equal(store_booking_consumables_get(f->c, booking, &custom, &items), ERR_OK);
    assert_int_equal(custom, 0);
    assert_int_equal(json_array_size(items), 2);
    row = json_array_get(items, 0);
    assert_int_equal(json_int_at(row, "product_id"), gloves);
    assert_int_equal(json_int_at(row, "quantity"), 4); /* 2 x 2 */
    assert_int_equal(json_int_at(row, "storage_id"), cabinet);
    assert_int_equal(json_int_at(row, "cost_price"), 50);
    row = json_array_get(items, 1);
    assert_int_equal(json_int_at(row, "product_id"), swab);
    assert_int_equal(json_int_at(row, "quantity"), 2);
    json_decref(items);

    own[0] = (struct store_consumable){swab, 0, cabinet, 3};
    assert_int_equal(store_booking_consumables_set(f->c, booking, own, 1), ERR_OK);
    assert_int_equal(store_booking_consumables_set(f->c, 999999, own, 1), ERR_NOT_FOUND);
    assert_int_equal(store_booking_consumables_get(f->c, booking, &custom, &items), ERR_OK);
    assert_int_equal(custom, 1);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_int_at(json_array_get(items, 0), "quantity"), 3);
    json_decref(items);

    m = (struct store_movement){swab, cabinet, -3, "write_off", -1, "", booking, 0, T0, 0};
    assert_int_equal(store_stock_movement_add(f->c, &m, &id), ERR_OK);
    mf.booking_id = booking;
    mf.limit = 10;
    assert_int_equal(store_stock_movement_list(f->c, &mf, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_str_at(json_array_get(items, 0), "reason"), "write_off");
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "unit_cost")));
    json_decref(items);
    (void)shelf;
}

/* Group events: stored with their buffers, busy for their staff member
 * (their participants are not), seats counted from live participants and
 * live holds, a series' scopes, the database refusing two live events of
 * one staff member at once, and units held in the bookings' table. */
static void
test_group_events(void **state)
{
    struct fixture *f = *state;
    struct booking_world w;
    struct store_group_event e = {0};
    struct store_group_event_filter all = {0};
    struct store_booking b = {0};
    struct store_hold h = {0};
    struct store_busy *busy = NULL;
    struct store_unit_use *uses = NULL;
    unsigned char hash[32] = {9};
    json_t *row = NULL, *ids = NULL, *items = NULL;
    int64_t ev1 = 0, ev2 = 0, ev3 = 0, part = 0, hold_id = 0, room;
    int taken = 0, held = 0;
    size_t n = 0;

    booking_world_init(f->c, &w);
    e.service_id = w.svc[0].id;
    e.staff_id = w.staff1;
    e.location_id = w.loc1;
    e.start_at = T0 + 10 * H;
    e.end_at = T0 + 11 * H;
    e.capacity = 4;
    e.online_booking = 1;
    e.buffer_after_min = 15;
    e.created_at = T0;
    assert_int_equal(store_group_event_insert(f->c, &e, &ev1), ERR_OK);
    assert_int_equal(store_group_event_set_series(f->c, ev1, ev1), ERR_OK);
    e.series_id = ev1;
    e.start_at += 7 * 86400;
    e.end_at += 7 * 86400;
    assert_int_equal(store_group_event_insert(f->c, &e, &ev2), ERR_OK);
    e.start_at += 7 * 86400;
    e.end_at += 7 * 86400;
    assert_int_equal(store_group_event_insert(f->c, &e, &ev3), ERR_OK);
    /* Inside the first one's buffer after: refused by the database. */
    e.series_id = 0;
    e.start_at = T0 + 11 * H + 10 * M;
    e.end_at = T0 + 12 * H;
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(store_group_event_insert(f->c, &e, &part), ERR_CONFLICT);
    store_rollback(f->c);

    /* A participant of two seats and a hold of one on the first event. */
    b.patient_id = w.pat1;
    b.staff_id = w.staff1;
    b.location_id = w.loc1;
    b.start_at = T0 + 10 * H;
    b.end_at = T0 + 11 * H;
    b.group_event_id = ev1;
    b.seats = 2;
    snprintf(b.source, sizeof(b.source), "staff");
    snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
    b.created_at = T0;
    assert_int_equal(store_booking_insert(f->c, &b, &w.svc[0], 1, &part), ERR_OK);
    h.holder = "session:5";
    h.staff_id = w.staff1;
    h.location_id = w.loc1;
    h.start_at = h.end_at = h.occupied_start = h.occupied_end = T0 + 10 * H;
    h.service_ids = "[1]";
    h.created_at = T0;
    h.expires_at = T0 + 10 * M;
    h.group_event_id = ev1;
    h.seats = 1;
    assert_int_equal(store_hold_insert(f->c, &h, hash, sizeof(hash), NULL, 0, &hold_id), ERR_OK);
    assert_int_equal(store_group_event_seats(f->c, ev1, T0, 0, &taken, &held), ERR_OK);
    assert_int_equal(taken * 10 + held, 21);
    assert_int_equal(store_group_event_seats(f->c, ev1, T0, hold_id, &taken, &held), ERR_OK);
    assert_int_equal(held, 0);
    assert_int_equal(store_group_event_seats(f->c, ev1, T0 + 10 * M, 0, &taken, &held), ERR_OK);
    assert_int_equal(held, 0); /* expired */
    assert_int_equal(store_group_event_get(f->c, ev1, T0, &row), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "seats_taken")), 2);
    assert_int_equal(json_integer_value(json_object_get(row, "seats_held")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "buffer_after_min")), 15);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "scheduled");
    json_decref(row);
    row = NULL;
    assert_int_equal(store_booking_get(f->c, part, &row), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "group_event_id")), ev1);
    assert_int_equal(json_integer_value(json_object_get(row, "seats")), 2);
    json_decref(row);

    /* The event is busy with its buffer; its participant is not. */
    assert_int_equal(
        store_avail_busy(f->c, &w.staff1, 1, T0 + 8 * H, T0 + 14 * H, 0, &f->arena, &busy, &n),
        ERR_OK);
    assert_int_equal(n, 1);
    assert_busy(&busy[0], w.staff1, T0 + 10 * H, T0 + 11 * H + 15 * M);

    /* Scopes of the series, and cancelling. */
    assert_int_equal(store_group_event_scope(f->c, ev2, "following", &ids), ERR_OK);
    assert_int_equal(json_array_size(ids), 2);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), ev2);
    json_decref(ids);
    assert_int_equal(store_group_event_scope(f->c, ev2, "this", &ids), ERR_OK);
    assert_int_equal(json_array_size(ids), 1);
    json_decref(ids);
    assert_int_equal(store_group_event_cancel(f->c, ev2, T0), ERR_OK);
    assert_int_equal(store_group_event_cancel(f->c, ev2, T0), ERR_CONFLICT);
    assert_int_equal(store_group_event_scope(f->c, ev1, "series", &ids), ERR_OK);
    assert_int_equal(json_array_size(ids), 2); /* the cancelled one is left out */
    json_decref(ids);
    all.limit = -1;
    assert_int_equal(store_group_event_list(f->c, &all, T0, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 3);
    json_decref(items);
    all.live_only = 1;
    all.from = T0 + 86400;
    assert_int_equal(store_group_event_list(f->c, &all, T0, &items), ERR_OK);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);

    /* An event's unit and a booking's share one backstop. */
    room = insert_row(f->c, &setup_resources.table,
                      json_pack("{s:s, s:I, s:i}", "name", "Studio", "location_id",
                                (json_int_t)w.loc1, "quantity", 1));
    assert_int_equal(
        store_group_event_units_set(
            f->c, ev1, (struct store_unit_use[]){{room, 1, T0 + 10 * H, T0 + 11 * H}}, 1),
        ERR_OK);
    assert_int_equal(store_unit_uses(f->c, &room, 1, T0, T0 + 86400, 0, &f->arena, &uses, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    part = add_booking(f->c, &w, w.pat2, w.staff2, T0 + 10 * H, T0 + 11 * H, "unpaid");
    assert_int_equal(store_begin(f->c, 1), ERR_OK);
    assert_int_equal(
        store_booking_units_set(f->c, part,
                                (struct store_unit_use[]){{room, 1, T0 + 10 * H, T0 + 11 * H}}, 1),
        ERR_CONFLICT);
    store_rollback(f->c);
    assert_int_equal(store_group_event_units_set(f->c, ev1, NULL, 0), ERR_OK);
    assert_int_equal(store_unit_uses(f->c, &room, 1, T0, T0 + 86400, 0, &f->arena, &uses, &n),
                     ERR_OK);
    assert_int_equal(n, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_migrations_create_schema),
        T(test_open_failure),
        T(test_reopen_existing_database),
        T(test_rows_insert_get_update_delete),
        T(test_rows_get_uses_each_descriptor),
        T(test_rows_booleans),
        T(test_rows_list),
        T(test_rows_list_view_search),
        T(test_staff_links),
        T(test_users),
        T(test_users_disable),
        T(test_location_bookings_and_staff),
        T(test_sessions),
        T(test_patient_duplicates_and_merge),
        T(test_row_names_are_checked),
        T(test_sqlite_binds_are_checked),
        T(test_login_failures),
        T(test_shifts_replace_get),
        T(test_avail_shifts_filters),
        T(test_avail_busy),
        T(test_resource_units_and_holds),
        T(test_avail_busy_group_service),
        T(test_group_events),
        T(test_booking_insert_get),
        T(test_booking_overlap_refused_by_database),
        T(test_booking_list_filters),
        T(test_booking_move_notes_cancel),
        T(test_ical_sequence_bump),
        T(test_history),
        T(test_attendance_and_visit_items),
        T(test_stock_and_booking_consumables),
        T(test_appointment_insert_get),
        T(test_appointment_series_cancel),
        T(test_overlap_count),
        T(test_time_off_list),
        T(test_busy_cache_keeps_to_window),
        T(test_busy_cache_matches_database),
        T(test_busy_cache_sees_commits),
        T(test_shift_cache_sees_commits),
        T(test_row_reads_see_commits),
        T(test_backup),
        T(test_staff_lock_serialises_writers),
        T(test_rollback_and_release),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

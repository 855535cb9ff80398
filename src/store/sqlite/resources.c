/* SQLite backend: resources, the services that need them and the units
 * bookings hold. The single writer is the resource lock here, as it is
 * the staff lock; the triggers of migration 016 refuse a unit taken twice
 * should a check ever be bypassed. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define ID_LIST_MAX 16384

static const char SQL_SERVICE_RESOURCES[] =
    "SELECT json_group_array(resource_id) FROM (SELECT resource_id FROM service_resources "
    "WHERE service_id = ? ORDER BY resource_id)";
static const char SQL_SERVICE_RESOURCES_DELETE[] =
    "DELETE FROM service_resources WHERE service_id = ?";
static const char SQL_SERVICE_RESOURCE_INSERT[] =
    "INSERT OR IGNORE INTO service_resources (service_id, resource_id) VALUES (?, ?)";
static const char SQL_RESOURCE_EXISTS[] = "SELECT 1 FROM resources WHERE id = ?";
static const char SQL_RESOURCES_NEEDED[] =
    "SELECT r.id, r.location_id, r.quantity FROM resources r WHERE r.id IN "
    "(SELECT resource_id FROM service_resources WHERE service_id IN "
    "(SELECT value FROM json_each(?1))) ORDER BY r.id";
static const char SQL_UNIT_USES[] =
    "SELECT r.resource_id, r.unit, r.start_at, r.end_at FROM booking_resources r "
    "JOIN json_each(?1) j ON j.value = r.resource_id "
    "WHERE r.start_at < ?3 AND r.end_at > ?2 AND (r.booking_id IS NULL OR r.booking_id <> ?4) "
    "ORDER BY j.key, r.unit, r.start_at";
static const char SQL_UNITS_DELETE[] = "DELETE FROM booking_resources WHERE booking_id = ?";
static const char SQL_UNIT_INSERT[] =
    "INSERT INTO booking_resources (booking_id, resource_id, unit, start_at, end_at) "
    "VALUES (?, ?, ?, ?, ?)";
/* A unit is a booking's or a group event's (then without a patient). */
static const char SQL_LOCATION_UNIT_USES[] =
    "SELECT r.resource_id, r.unit, r.booking_id, r.group_event_id, r.start_at, r.end_at, "
    "coalesce(b.start_at, e.start_at) AS booking_start_at, "
    "coalesce(b.end_at, e.end_at) AS booking_end_at, coalesce(b.status, e.status) AS status, "
    "b.patient_id, p.name AS patient_name, coalesce(b.staff_id, e.staff_id) AS staff_id "
    "FROM booking_resources r JOIN resources res ON res.id = r.resource_id "
    "LEFT JOIN bookings b ON b.id = r.booking_id LEFT JOIN patients p ON p.id = b.patient_id "
    "LEFT JOIN group_events e ON e.id = r.group_event_id "
    "WHERE res.location_id = ?1 AND r.start_at < ?3 AND r.end_at > ?2 "
    "ORDER BY r.resource_id, r.unit, r.start_at";

int
sqlite_service_resources_get(struct store_conn *c, int64_t service_id, json_t **ids)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SERVICE_RESOURCES);

    *ids = NULL;
    if (!st || sql_bind(c, st, "i", service_id) != ERR_OK)
        return ERR_STORE;
    return sql_one_json_array(c, st, ids);
}

static int
resource_exists(struct store_conn *c, int64_t id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_RESOURCE_EXISTS);
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
}

int
sqlite_service_resources_set(struct store_conn *c, int64_t service_id, const int64_t *ids, size_t n)
{
    sqlite3_stmt *st;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = resource_exists(c, ids[i]);
    st = rc == ERR_OK ? sql_prepare(c, SQL_SERVICE_RESOURCES_DELETE) : NULL;
    if (rc != ERR_OK || !st)
        return rc != ERR_OK ? rc : ERR_STORE;
    rc = sql_bind(c, st, "i", service_id);
    if (rc == ERR_OK)
        rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_SERVICE_RESOURCE_INSERT);
        if (!st || sql_bind(c, st, "ii", service_id, ids[i]) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

/* Room for one more row of size bytes in the arena-grown array *v. */
static int
grow(struct arena *a, void **v, size_t n, size_t *cap, size_t size)
{
    void *grown;

    if (n < *cap)
        return ERR_OK;
    *cap = *cap ? *cap * 2 : 64;
    grown = arena_calloc(a, *cap, size);
    if (!grown)
        return ERR_NOMEM;
    if (n)
        memcpy(grown, *v, n * size);
    *v = grown;
    return ERR_OK;
}

int
sqlite_resources_needed(struct store_conn *c, const int64_t *service_ids, size_t n, struct arena *a,
                        struct store_resource **out, size_t *n_out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_RESOURCES_NEEDED);
    struct store_resource *v;
    void *rows = NULL;
    size_t cap = 0;
    struct buf ids;
    int rc, step = SQLITE_DONE;

    *out = NULL;
    *n_out = 0;
    buf_init(&ids, ID_LIST_MAX);
    rc = st ? store_id_list(&ids, service_ids, n, "[", "]") : ERR_STORE;
    if (rc == ERR_OK)
        rc = sql_bind(c, st, "T", ids.data);
    while (rc == ERR_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rc = grow(a, &rows, *n_out, &cap, sizeof(*v));
        if (rc != ERR_OK)
            break;
        v = (struct store_resource *)rows + *n_out;
        v->id = sqlite3_column_int64(st, 0);
        v->location_id = sqlite3_column_int64(st, 1);
        v->quantity = sqlite3_column_int(st, 2);
        (*n_out)++;
    }
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = sql_err(c, step);
    if (st)
        sqlite3_reset(st);
    *out = rows;
    buf_cleanup(&ids);
    return rc;
}

/* The write transaction is the only writer: nothing to take. */
int
sqlite_lock_resources(struct store_conn *c, const int64_t *resource_ids, size_t n)
{
    (void)c;
    (void)resource_ids;
    (void)n;
    return ERR_OK;
}

int
sqlite_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                 int64_t to, int64_t skip_booking_id, struct arena *a, struct store_unit_use **out,
                 size_t *n_out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_UNIT_USES);
    struct store_unit_use *v;
    void *rows = NULL;
    size_t cap = 0;
    struct buf ids;
    int rc, step = SQLITE_DONE;

    *out = NULL;
    *n_out = 0;
    buf_init(&ids, ID_LIST_MAX);
    rc = st ? store_id_list(&ids, resource_ids, n, "[", "]") : ERR_STORE;
    if (rc == ERR_OK)
        rc = sql_bind(c, st, "Tiii", ids.data, from, to, skip_booking_id);
    while (rc == ERR_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rc = grow(a, &rows, *n_out, &cap, sizeof(*v));
        if (rc != ERR_OK)
            break;
        v = (struct store_unit_use *)rows + *n_out;
        v->resource_id = sqlite3_column_int64(st, 0);
        v->unit = sqlite3_column_int(st, 1);
        v->start = sqlite3_column_int64(st, 2);
        v->end = sqlite3_column_int64(st, 3);
        (*n_out)++;
    }
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = sql_err(c, step);
    if (st)
        sqlite3_reset(st);
    *out = rows;
    buf_cleanup(&ids);
    return rc;
}

int
sqlite_booking_units_set(struct store_conn *c, int64_t booking_id,
                         const struct store_unit_use *units, size_t n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_UNITS_DELETE);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_UNIT_INSERT);
        if (!st || sql_bind(c, st, "iidii", booking_id, units[i].resource_id, units[i].unit,
                            units[i].start, units[i].end) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

int
sqlite_location_unit_uses(struct store_conn *c, int64_t location_id, int64_t from, int64_t to,
                          json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_LOCATION_UNIT_USES, items);

    if (!st || sql_bind(c, st, "iii", location_id, from, to) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

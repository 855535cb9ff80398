/* PostgreSQL backend: resources, the services that need them and the
 * units bookings hold. Units are taken under transaction-scoped advisory
 * locks, one per resource (store_lock_resources); the exclusion
 * constraint booking_resources_no_overlap refuses a unit taken twice
 * should that ever be bypassed. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define ID_LIST_MAX 16384
#define LOCK_MAX 64

static const char SQL_SERVICE_RESOURCES[] =
    "SELECT coalesce(json_agg(resource_id ORDER BY resource_id), '[]')::text "
    "FROM service_resources WHERE service_id = $1";
static const char SQL_SERVICE_RESOURCES_DELETE[] =
    "DELETE FROM service_resources WHERE service_id = $1";
static const char SQL_SERVICE_RESOURCES_INSERT[] =
    "INSERT INTO service_resources (service_id, resource_id) "
    "SELECT $1::bigint, x FROM unnest($2::bigint[]) AS x ON CONFLICT DO NOTHING";
static const char SQL_RESOURCES_MISSING[] =
    "SELECT count(*) FROM unnest($1::bigint[]) AS x WHERE NOT EXISTS "
    "(SELECT 1 FROM resources r WHERE r.id = x)";
static const char SQL_RESOURCES_NEEDED[] =
    "SELECT r.id, r.location_id, r.quantity FROM resources r WHERE r.id IN "
    "(SELECT resource_id FROM service_resources WHERE service_id = ANY($1::bigint[])) "
    "ORDER BY r.id";
static const char SQL_UNIT_USES[] =
    "SELECT resource_id, unit, start_at, end_at FROM booking_resources "
    "WHERE resource_id = ANY($1::bigint[]) AND start_at < $3::bigint AND end_at > $2::bigint "
    "AND (booking_id IS NULL OR booking_id <> $4::bigint) "
    "ORDER BY array_position($1::bigint[], resource_id), unit, start_at";
static const char SQL_UNITS_DELETE[] = "DELETE FROM booking_resources WHERE booking_id = $1";
static const char SQL_UNIT_INSERT[] =
    "INSERT INTO booking_resources (booking_id, resource_id, unit, start_at, end_at) "
    "VALUES ($1, $2, $3, $4, $5)";
/* A unit is a booking's or a group event's (then without a patient). */
static const char SQL_LOCATION_UNIT_USES[] =
    "SELECT r.resource_id, r.unit, r.booking_id, r.group_event_id, r.start_at, r.end_at, "
    "coalesce(b.start_at, e.start_at) AS booking_start_at, "
    "coalesce(b.end_at, e.end_at) AS booking_end_at, coalesce(b.status, e.status) AS status, "
    "b.patient_id, p.name AS patient_name, coalesce(b.staff_id, e.staff_id) AS staff_id "
    "FROM booking_resources r JOIN resources res ON res.id = r.resource_id "
    "LEFT JOIN bookings b ON b.id = r.booking_id LEFT JOIN patients p ON p.id = b.patient_id "
    "LEFT JOIN group_events e ON e.id = r.group_event_id "
    "WHERE res.location_id = $1::bigint AND r.start_at < $3::bigint AND r.end_at > $2::bigint "
    "ORDER BY r.resource_id, r.unit, r.start_at";

int
pgsql_service_resources_get(struct store_conn *c, int64_t service_id, json_t **ids)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_SERVICE_RESOURCES, "i", service_id);

    *ids = NULL;
    if (rc == ERR_OK) {
        *ids = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
        rc = *ids ? ERR_OK : ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

/* The set is replaced under the service's row lock, so two replacements
 * at once do not leave the union of both (READ COMMITTED). */
int
pgsql_service_resources_set(struct store_conn *c, int64_t service_id, const int64_t *ids, size_t n)
{
    int64_t missing = 0, locked = 0;
    struct buf arr;
    int rc;

    buf_init(&arr, 24 * n + 8);
    rc = store_id_list(&arr, ids, n, "{", "}");
    if (rc == ERR_OK)
        rc = pq_int64(c, &missing, SQL_RESOURCES_MISSING, "t", arr.data);
    if (rc == ERR_OK && missing > 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        rc = pq_int64(c, &locked, "SELECT id FROM services WHERE id = $1 FOR UPDATE", "i",
                      service_id);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_SERVICE_RESOURCES_DELETE, "i", service_id);
    if (rc == ERR_OK && n)
        rc = pq_cmd(c, NULL, SQL_SERVICE_RESOURCES_INSERT, "it", service_id, arr.data);
    buf_cleanup(&arr);
    return rc;
}

int
pgsql_resources_needed(struct store_conn *c, const int64_t *service_ids, size_t n, struct arena *a,
                       struct store_resource **out, size_t *n_out)
{
    PGresult *r = NULL;
    struct buf arr;
    int i, rows, rc;

    *out = NULL;
    *n_out = 0;
    buf_init(&arr, ID_LIST_MAX);
    rc = store_id_list(&arr, service_ids, n, "{", "}");
    if (rc == ERR_OK)
        rc = pq_exec(c, &r, SQL_RESOURCES_NEEDED, "t", arr.data);
    if (rc != ERR_OK)
        goto out;
    rows = PQntuples(r);
    *out = rows ? arena_calloc(a, (size_t)rows, sizeof(**out)) : NULL;
    if (rows && !*out) {
        rc = ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < rows; i++) {
        (*out)[i].id = pq_get_int64(r, i, 0);
        (*out)[i].location_id = pq_get_int64(r, i, 1);
        (*out)[i].quantity = (int)pq_get_int64(r, i, 2);
    }
    *n_out = (size_t)rows;
out:
    PQclear(r);
    buf_cleanup(&arr);
    return rc;
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int
pgsql_lock_resources(struct store_conn *c, const int64_t *resource_ids, size_t n)
{
    int64_t ids[LOCK_MAX];
    size_t i;
    int rc = ERR_OK;

    if (!pq(c)->in_tx || n > LOCK_MAX)
        return ERR_INVALID;
    if (n)
        memcpy(ids, resource_ids, n * sizeof(ids[0]));
    qsort(ids, n, sizeof(ids[0]), cmp_id);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        if (i == 0 || ids[i] != ids[i - 1])
            rc = pq_lock(c, PQ_LOCK_RESOURCE, ids[i]);
    }
    return rc;
}

int
pgsql_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                int64_t to, int64_t skip_booking_id, struct arena *a, struct store_unit_use **out,
                size_t *n_out)
{
    PGresult *r = NULL;
    struct buf arr;
    int i, rows, rc;

    *out = NULL;
    *n_out = 0;
    buf_init(&arr, ID_LIST_MAX);
    rc = store_id_list(&arr, resource_ids, n, "{", "}");
    if (rc == ERR_OK)
        rc = pq_exec(c, &r, SQL_UNIT_USES, "tiii", arr.data, from, to, skip_booking_id);
    if (rc != ERR_OK)
        goto out;
    rows = PQntuples(r);
    *out = rows ? arena_calloc(a, (size_t)rows, sizeof(**out)) : NULL;
    if (rows && !*out) {
        rc = ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < rows; i++) {
        (*out)[i].resource_id = pq_get_int64(r, i, 0);
        (*out)[i].unit = (int)pq_get_int64(r, i, 1);
        (*out)[i].start = pq_get_int64(r, i, 2);
        (*out)[i].end = pq_get_int64(r, i, 3);
    }
    *n_out = (size_t)rows;
out:
    PQclear(r);
    buf_cleanup(&arr);
    return rc;
}

int
pgsql_booking_units_set(struct store_conn *c, int64_t booking_id,
                        const struct store_unit_use *units, size_t n)
{
    size_t i;
    int rc = pq_cmd(c, NULL, SQL_UNITS_DELETE, "i", booking_id);

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_UNIT_INSERT, "iidii", booking_id, units[i].resource_id,
                    units[i].unit, units[i].start, units[i].end);
    return rc;
}

int
pgsql_location_unit_uses(struct store_conn *c, int64_t location_id, int64_t from, int64_t to,
                         json_t **items)
{
    return pq_list_json(c, items, SQL_LOCATION_UNIT_USES, "iii", location_id, from, to);
}

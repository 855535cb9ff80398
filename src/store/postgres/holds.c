/* PostgreSQL backend: holds on a time and the units they keep. A hold is
 * written under the same staff and resource locks as a booking, so the
 * check before it and every booking check see each other. */
#include <string.h>

#include "store/postgres/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define ID_LIST_MAX 16384

static const char SQL_HOLD_INSERT[] =
    "INSERT INTO holds (token_hash, holder, staff_id, location_id, start_at, end_at, "
    "occupied_start, occupied_end, service_ids, created_at, expires_at, group_event_id, seats) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12::bigint, 0), $13) "
    "RETURNING id";
static const char SQL_HOLD_UNIT_INSERT[] =
    "INSERT INTO hold_resources (hold_id, resource_id, unit) VALUES ($1, $2, $3)";
static const char SQL_HOLDS_PURGE[] = "DELETE FROM holds WHERE expires_at <= $1";
static const char SQL_HOLD_COUNT[] =
    "SELECT count(*) FROM holds WHERE holder = $1 AND expires_at > $2::bigint";
static const char SQL_HOLDS_NEXT_EXPIRY[] =
    "SELECT coalesce(min(expires_at), 0) FROM holds WHERE expires_at > $1::bigint";
static const char SQL_HOLD_BY_TOKEN[] =
    "SELECT id, holder, staff_id, location_id, start_at, end_at, occupied_start, occupied_end, "
    "service_ids, created_at, expires_at, coalesce(group_event_id, 0), seats "
    "FROM holds WHERE token_hash = $1 "
    "AND expires_at > $2::bigint";
static const char SQL_HOLD_DELETE[] =
    "DELETE FROM holds WHERE id = $1::bigint AND ($2::text IS NULL OR holder = $2::text)";
static const char SQL_HOLD_BUSY[] =
    "SELECT staff_id, occupied_start, occupied_end, start_at FROM holds "
    "WHERE staff_id = ANY($1::bigint[]) AND occupied_start < $3::bigint "
    "AND occupied_end > $2::bigint AND expires_at > $6::bigint "
    "AND ($4::text IS NULL OR holder <> $4::text) AND id <> $5::bigint "
    "ORDER BY array_position($1::bigint[], staff_id), occupied_start, occupied_end";
static const char SQL_HOLD_UNIT_USES[] =
    "SELECT r.resource_id, r.unit, h.occupied_start, h.occupied_end FROM hold_resources r "
    "JOIN holds h ON h.id = r.hold_id WHERE r.resource_id = ANY($1::bigint[]) "
    "AND h.occupied_start < $3::bigint AND h.occupied_end > $2::bigint "
    "AND h.expires_at > $6::bigint AND ($4::text IS NULL OR h.holder <> $4::text) "
    "AND h.id <> $5::bigint "
    "ORDER BY array_position($1::bigint[], r.resource_id), r.unit, h.occupied_start";

int
pgsql_hold_insert(struct store_conn *c, const struct store_hold *h, const unsigned char *token_hash,
                  size_t hash_len, const struct store_unit_use *units, size_t n, int64_t *id)
{
    size_t i;
    int rc = pq_int64(c, id, SQL_HOLD_INSERT, "btiiiiiitiiid", token_hash, hash_len, h->holder,
                      h->staff_id, h->location_id, h->start_at, h->end_at, h->occupied_start,
                      h->occupied_end, h->service_ids, h->created_at, h->expires_at,
                      h->group_event_id, h->seats);

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_HOLD_UNIT_INSERT, "iid", *id, units[i].resource_id, units[i].unit);
    return rc;
}

int
pgsql_holds_purge(struct store_conn *c, int64_t now)
{
    return pq_cmd(c, NULL, SQL_HOLDS_PURGE, "i", now);
}

int
pgsql_hold_count(struct store_conn *c, const char *holder, int64_t now, int *n)
{
    int64_t count = 0;
    int rc = pq_int64(c, &count, SQL_HOLD_COUNT, "ti", holder, now);

    *n = (int)count;
    return rc;
}

int
pgsql_holds_next_expiry(struct store_conn *c, int64_t now, int64_t *at)
{
    *at = 0;
    return pq_int64(c, at, SQL_HOLDS_NEXT_EXPIRY, "i", now);
}

int
pgsql_hold_by_token(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                    int64_t now, struct arena *a, struct store_hold *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_HOLD_BY_TOKEN, "bi", token_hash, hash_len, now);

    memset(out, 0, sizeof(*out));
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK) {
        out->id = pq_get_int64(r, 0, 0);
        out->holder = pq_get_arena_text(r, 0, 1, a);
        out->staff_id = pq_get_int64(r, 0, 2);
        out->location_id = pq_get_int64(r, 0, 3);
        out->start_at = pq_get_int64(r, 0, 4);
        out->end_at = pq_get_int64(r, 0, 5);
        out->occupied_start = pq_get_int64(r, 0, 6);
        out->occupied_end = pq_get_int64(r, 0, 7);
        out->service_ids = pq_get_arena_text(r, 0, 8, a);
        out->created_at = pq_get_int64(r, 0, 9);
        out->expires_at = pq_get_int64(r, 0, 10);
        out->group_event_id = pq_get_int64(r, 0, 11);
        out->seats = (int)pq_get_int64(r, 0, 12);
        rc = out->holder && out->service_ids ? ERR_OK : ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

int
pgsql_hold_delete(struct store_conn *c, int64_t id, const char *holder)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_HOLD_DELETE, "it", id, holder);

    return rc == ERR_OK && changed == 0 ? ERR_NOT_FOUND : rc;
}

static int
window_exec(struct store_conn *c, PGresult **r, const char *sql, const int64_t *ids, size_t n,
            int64_t from, int64_t to, const struct store_hold_skip *skip)
{
    struct buf arr;
    int rc;

    buf_init(&arr, ID_LIST_MAX);
    rc = store_id_list(&arr, ids, n, "{", "}");
    if (rc == ERR_OK)
        rc = pq_exec(c, r, sql, "tiitii", arr.data, from, to, skip->holder, skip->hold_id,
                     skip->now);
    buf_cleanup(&arr);
    return rc;
}

int
pgsql_hold_busy(struct store_conn *c, const int64_t *staff_ids, size_t n, int64_t from, int64_t to,
                const struct store_hold_skip *skip, struct arena *a, struct store_busy **out,
                size_t *n_out)
{
    PGresult *r = NULL;
    int i, rows, rc = window_exec(c, &r, SQL_HOLD_BUSY, staff_ids, n, from, to, skip);

    *out = NULL;
    *n_out = 0;
    rows = rc == ERR_OK ? PQntuples(r) : 0;
    if (rows) {
        *out = arena_calloc(a, (size_t)rows, sizeof(**out));
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    for (i = 0; rc == ERR_OK && i < rows; i++) {
        (*out)[i].staff_id = pq_get_int64(r, i, 0);
        (*out)[i].start = pq_get_int64(r, i, 1);
        (*out)[i].end = pq_get_int64(r, i, 2);
        (*out)[i].at = pq_get_int64(r, i, 3);
    }
    if (rc == ERR_OK)
        *n_out = (size_t)rows;
    PQclear(r);
    return rc;
}

int
pgsql_hold_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                     int64_t to, const struct store_hold_skip *skip, struct arena *a,
                     struct store_unit_use **out, size_t *n_out)
{
    PGresult *r = NULL;
    int i, rows, rc = window_exec(c, &r, SQL_HOLD_UNIT_USES, resource_ids, n, from, to, skip);

    *out = NULL;
    *n_out = 0;
    rows = rc == ERR_OK ? PQntuples(r) : 0;
    if (rows) {
        *out = arena_calloc(a, (size_t)rows, sizeof(**out));
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    for (i = 0; rc == ERR_OK && i < rows; i++) {
        (*out)[i].resource_id = pq_get_int64(r, i, 0);
        (*out)[i].unit = (int)pq_get_int64(r, i, 1);
        (*out)[i].start = pq_get_int64(r, i, 2);
        (*out)[i].end = pq_get_int64(r, i, 3);
    }
    if (rc == ERR_OK)
        *n_out = (size_t)rows;
    PQclear(r);
    return rc;
}

/* SQLite backend: holds on a time and the units they keep. Holds change
 * nothing the availability cache keeps (bookings, shifts), so writing
 * them leaves it as it is (conn.c lists them as unscheduled). */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

#define ID_LIST_MAX 16384

static const char SQL_HOLD_INSERT[] =
    "INSERT INTO holds (token_hash, holder, staff_id, location_id, start_at, end_at, "
    "occupied_start, occupied_end, service_ids, created_at, expires_at, group_event_id, seats) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_HOLD_UNIT_INSERT[] =
    "INSERT INTO hold_resources (hold_id, resource_id, unit) VALUES (?, ?, ?)";
static const char SQL_HOLDS_PURGE[] = "DELETE FROM holds WHERE expires_at <= ?";
static const char SQL_HOLD_COUNT[] =
    "SELECT count(*) FROM holds WHERE holder = ? AND expires_at > ?";
static const char SQL_HOLDS_NEXT_EXPIRY[] =
    "SELECT coalesce(min(expires_at), 0) FROM holds WHERE expires_at > ?";
static const char SQL_HOLD_BY_TOKEN[] =
    "SELECT id, holder, staff_id, location_id, start_at, end_at, occupied_start, occupied_end, "
    "service_ids, created_at, expires_at, coalesce(group_event_id, 0), seats "
    "FROM holds WHERE token_hash = ? AND expires_at > ?";
static const char SQL_HOLD_DELETE[] =
    "DELETE FROM holds WHERE id = ?1 AND (?2 IS NULL OR holder = ?2)";
/* ?4 holder to leave out (NULL: none), ?5 hold id to leave out, ?6 now. */
static const char SQL_HOLD_BUSY[] =
    "SELECT h.staff_id, h.occupied_start, h.occupied_end, h.start_at FROM holds h "
    "JOIN json_each(?1) j ON j.value = h.staff_id "
    "WHERE h.occupied_start < ?3 AND h.occupied_end > ?2 AND h.expires_at > ?6 "
    "AND (?4 IS NULL OR h.holder <> ?4) AND h.id <> ?5 "
    "ORDER BY j.key, h.occupied_start, h.occupied_end";
static const char SQL_HOLD_UNIT_USES[] =
    "SELECT r.resource_id, r.unit, h.occupied_start, h.occupied_end FROM hold_resources r "
    "JOIN holds h ON h.id = r.hold_id JOIN json_each(?1) j ON j.value = r.resource_id "
    "WHERE h.occupied_start < ?3 AND h.occupied_end > ?2 AND h.expires_at > ?6 "
    "AND (?4 IS NULL OR h.holder <> ?4) AND h.id <> ?5 "
    "ORDER BY j.key, r.unit, h.occupied_start";

int
sqlite_hold_insert(struct store_conn *c, const struct store_hold *h,
                   const unsigned char *token_hash, size_t hash_len,
                   const struct store_unit_use *units, size_t n, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_INSERT);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "btiiiiiitiiod", token_hash, hash_len, h->holder, h->staff_id,
                        h->location_id, h->start_at, h->end_at, h->occupied_start, h->occupied_end,
                        h->service_ids, h->created_at, h->expires_at, h->group_event_id,
                        h->seats) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc != ERR_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(lite(c)->db);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_HOLD_UNIT_INSERT);
        if (!st || sql_bind(c, st, "iid", *id, units[i].resource_id, units[i].unit) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

int
sqlite_holds_purge(struct store_conn *c, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLDS_PURGE);

    if (!st || sql_bind(c, st, "i", now) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_hold_count(struct store_conn *c, const char *holder, int64_t now, int *n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_COUNT);
    int rc;

    *n = 0;
    if (!st || sql_bind(c, st, "ti", holder, now) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

int
sqlite_holds_next_expiry(struct store_conn *c, int64_t now, int64_t *at)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLDS_NEXT_EXPIRY);
    int rc;

    *at = 0;
    if (!st || sql_bind(c, st, "i", now) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *at = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ERR_OK : sql_err(c, rc);
}

int
sqlite_hold_by_token(struct store_conn *c, const unsigned char *token_hash, size_t hash_len,
                     int64_t now, struct arena *a, struct store_hold *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_BY_TOKEN);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!st || sql_bind(c, st, "bi", token_hash, hash_len, now) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->holder = sql_arena_text(st, 1, a);
        out->staff_id = sqlite3_column_int64(st, 2);
        out->location_id = sqlite3_column_int64(st, 3);
        out->start_at = sqlite3_column_int64(st, 4);
        out->end_at = sqlite3_column_int64(st, 5);
        out->occupied_start = sqlite3_column_int64(st, 6);
        out->occupied_end = sqlite3_column_int64(st, 7);
        out->service_ids = sql_arena_text(st, 8, a);
        out->created_at = sqlite3_column_int64(st, 9);
        out->expires_at = sqlite3_column_int64(st, 10);
        out->group_event_id = sqlite3_column_int64(st, 11);
        out->seats = sqlite3_column_int(st, 12);
        rc = out->holder && out->service_ids ? ERR_OK : ERR_NOMEM;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_hold_delete(struct store_conn *c, int64_t id, const char *holder)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_DELETE);
    int rc;

    if (!st || sql_bind(c, st, "it", id, holder) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

/* Binds the common parameters of the two look-ups of live holds. */
static int
bind_window(struct store_conn *c, sqlite3_stmt *st, struct buf *ids, int64_t from, int64_t to,
            const struct store_hold_skip *skip)
{
    return sql_bind(c, st, "Tiitii", ids->data, from, to, skip->holder, skip->hold_id, skip->now);
}

int
sqlite_hold_busy(struct store_conn *c, const int64_t *staff_ids, size_t n, int64_t from, int64_t to,
                 const struct store_hold_skip *skip, struct arena *a, struct store_busy **out,
                 size_t *n_out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_BUSY);
    struct store_busy *v = NULL, *grown;
    size_t cap = 0;
    struct buf ids;
    int rc, step = SQLITE_DONE;

    *out = NULL;
    *n_out = 0;
    buf_init(&ids, ID_LIST_MAX);
    rc = st ? store_id_list(&ids, staff_ids, n, "[", "]") : ERR_STORE;
    if (rc == ERR_OK)
        rc = bind_window(c, st, &ids, from, to, skip);
    while (rc == ERR_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        grown = arena_grow(a, v, *n_out, &cap, sizeof(*v), 16);
        if (!grown) {
            rc = ERR_NOMEM;
            break;
        }
        v = grown;
        v[*n_out].staff_id = sqlite3_column_int64(st, 0);
        v[*n_out].start = sqlite3_column_int64(st, 1);
        v[*n_out].end = sqlite3_column_int64(st, 2);
        v[*n_out].at = sqlite3_column_int64(st, 3);
        (*n_out)++;
    }
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = sql_err(c, step);
    if (st)
        sqlite3_reset(st);
    *out = v;
    buf_cleanup(&ids);
    return rc;
}

int
sqlite_hold_unit_uses(struct store_conn *c, const int64_t *resource_ids, size_t n, int64_t from,
                      int64_t to, const struct store_hold_skip *skip, struct arena *a,
                      struct store_unit_use **out, size_t *n_out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HOLD_UNIT_USES);
    struct store_unit_use *v = NULL, *grown;
    size_t cap = 0;
    struct buf ids;
    int rc, step = SQLITE_DONE;

    *out = NULL;
    *n_out = 0;
    buf_init(&ids, ID_LIST_MAX);
    rc = st ? store_id_list(&ids, resource_ids, n, "[", "]") : ERR_STORE;
    if (rc == ERR_OK)
        rc = bind_window(c, st, &ids, from, to, skip);
    while (rc == ERR_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        grown = arena_grow(a, v, *n_out, &cap, sizeof(*v), 16);
        if (!grown) {
            rc = ERR_NOMEM;
            break;
        }
        v = grown;
        v[*n_out].resource_id = sqlite3_column_int64(st, 0);
        v[*n_out].unit = sqlite3_column_int(st, 1);
        v[*n_out].start = sqlite3_column_int64(st, 2);
        v[*n_out].end = sqlite3_column_int64(st, 3);
        (*n_out)++;
    }
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = sql_err(c, step);
    if (st)
        sqlite3_reset(st);
    *out = v;
    buf_cleanup(&ids);
    return rc;
}

/* SQLite backend: this installation's id and the diary's version (ETag)
 * of each booking's event. */
#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_DIARY_STATE[] =
    "SELECT s.installation_id, coalesce(d.etag, '') FROM settings s "
    "LEFT JOIN diary_events d ON d.booking_id = ?1 WHERE s.id = 1";
static const char SQL_DIARY_ETAG_SET[] =
    "INSERT INTO diary_events (booking_id, etag, updated_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (booking_id) DO UPDATE SET etag = ?2, updated_at = ?3";
static const char SQL_DIARY_ETAG_FORGET[] = "DELETE FROM diary_events WHERE booking_id = ?1";

int
sqlite_diary_state_get(struct store_conn *c, int64_t booking_id, struct store_diary_state *out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_DIARY_STATE);
    int rc;

    out->installation_id[0] = out->etag[0] = '\0';
    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sql_copy_text(st, 0, out->installation_id, sizeof(out->installation_id));
        sql_copy_text(st, 1, out->etag, sizeof(out->etag));
    }
    rc = rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int
sqlite_diary_etag_set(struct store_conn *c, int64_t booking_id, const char *etag, int64_t now)
{
    sqlite3_stmt *st;

    if (!*etag) {
        st = sql_prepare(c, SQL_DIARY_ETAG_FORGET);
        if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
            return ERR_STORE;
        return sql_exec_step(c, st);
    }
    st = sql_prepare(c, SQL_DIARY_ETAG_SET);
    if (!st || sql_bind(c, st, "iti", booking_id, etag, now) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

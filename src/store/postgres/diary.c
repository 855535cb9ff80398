/* PostgreSQL backend: this installation's id and the diary's version
 * (ETag) of each booking's event. One booking's diary rows run one at a
 * time (the outbox claim), so a plain upsert records the latest. */
#include <libpq-fe.h>

#include "store/postgres/internal.h"
#include "util/err.h"

static const char SQL_DIARY_STATE[] =
    "SELECT s.installation_id, coalesce(d.etag, '') FROM settings s "
    "LEFT JOIN diary_events d ON d.booking_id = $1 WHERE s.id = 1";
static const char SQL_DIARY_ETAG_SET[] =
    "INSERT INTO diary_events (booking_id, etag, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (booking_id) DO UPDATE SET etag = EXCLUDED.etag, "
    "updated_at = EXCLUDED.updated_at";
static const char SQL_DIARY_ETAG_FORGET[] = "DELETE FROM diary_events WHERE booking_id = $1";

int
pgsql_diary_state_get(struct store_conn *c, int64_t booking_id, struct store_diary_state *out)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_DIARY_STATE, "i", booking_id);

    out->installation_id[0] = out->etag[0] = '\0';
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK) {
        pq_get_text(r, 0, 0, out->installation_id, sizeof(out->installation_id));
        pq_get_text(r, 0, 1, out->etag, sizeof(out->etag));
    }
    PQclear(r);
    return rc;
}

int
pgsql_diary_etag_set(struct store_conn *c, int64_t booking_id, const char *etag, int64_t now)
{
    if (!*etag)
        return pq_cmd(c, NULL, SQL_DIARY_ETAG_FORGET, "i", booking_id);
    return pq_cmd(c, NULL, SQL_DIARY_ETAG_SET, "iti", booking_id, etag, now);
}

/* SQLite backend: services, shifts, what availability reads, bookings and
 * their history. */
#include <string.h>

#include "store/sqlite/cache.h"
#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

/* No single booking or appointment lasts longer than this, which bounds the
 * index range scanned for events overlapping a window. */
#define EVENT_MAX_S (24 * 3600)
/* A booking's buffers together are at most this long (2 * 240 minutes). */
#define BUFFERS_MAX_S (8 * 3600)
#define BUFFERS_MAX_SQL "28800"

static const char SQL_SERVICE_GET[] =
    "SELECT s.id, s.duration_min, s.price, s.online_booking, s.capacity, s.buffer_before_min, "
    "s.buffer_after_min, s.name, COALESCE(t.rate_bp, 0), COALESCE(t.inclusive, 0) "
    "FROM services s LEFT JOIN tax_rates t ON t.id = s.tax_rate_id WHERE s.id = ?";
static const char SQL_SHIFTS_GET[] =
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "
    "FROM shifts sh JOIN locations l ON l.id = sh.location_id WHERE sh.staff_id = ? "
    "ORDER BY sh.weekday, sh.start_min";
static const char SQL_SHIFTS_DELETE[] = "DELETE FROM shifts WHERE staff_id = ?";
static const char SQL_SHIFT_INSERT[] =
    "INSERT INTO shifts (staff_id, weekday, start_min, end_min, location_id) "
    "VALUES (?, ?, ?, ?, ?)";
#define AVAIL_SHIFTS                                                                               \
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "        \
    "FROM shifts sh JOIN staff s ON s.id = sh.staff_id JOIN locations l ON l.id = "                \
    "sh.location_id WHERE s.bookable = 1 AND (?2 = 0 OR sh.location_id = ?2) "                     \
    "AND (?3 IS NULL OR (SELECT count(*) FROM staff_services ss WHERE ss.staff_id = "              \
    "sh.staff_id AND ss.service_id IN (SELECT value FROM json_each(?3))) = ?4) "
/* Two texts so that one staff member's shifts come from the index. */
static const char SQL_AVAIL_SHIFTS[] =
    AVAIL_SHIFTS "AND ?1 = 0 ORDER BY sh.staff_id, sh.weekday, sh.start_min";
static const char SQL_AVAIL_STAFF_SHIFTS[] =
    AVAIL_SHIFTS "AND sh.staff_id = ?1 ORDER BY sh.staff_id, sh.weekday, sh.start_min";
/* Bookings by their occupied interval: ?4 bounds the index range (the
 * longest booking plus both buffers before from). */
static const char SQL_AVAIL_BUSY[] =
    "SELECT start_at - buffer_before_min * 60, end_at + buffer_after_min * 60, group_service_id, "
    "start_at FROM bookings WHERE staff_id = ?1 AND status <> 'cancelled' "
    "AND start_at < ?3 + " BUFFERS_MAX_SQL " AND start_at > ?4 "
    "AND start_at - buffer_before_min * 60 < ?3 AND end_at + buffer_after_min * 60 > ?2 "
    "AND id <> ?5 AND group_event_id IS NULL "
    "UNION ALL SELECT start_at - buffer_before_min * 60, end_at + buffer_after_min * 60, NULL, "
    "start_at FROM group_events WHERE staff_id = ?1 AND status <> 'cancelled' "
    "AND start_at < ?3 + " BUFFERS_MAX_SQL " AND start_at > ?4 "
    "AND start_at - buffer_before_min * 60 < ?3 AND end_at + buffer_after_min * 60 > ?2 "
    "UNION ALL SELECT start_at, end_at, NULL, start_at FROM appointments WHERE staff_id = ?1 "
    "AND status <> 'cancelled' AND start_at < ?3 AND start_at > ?4 AND end_at > ?2 "
    "UNION ALL SELECT start_at, end_at, NULL, start_at FROM time_off WHERE staff_id = ?1 "
    "AND start_at < ?3 AND end_at > ?2 ORDER BY 1";
static const char SQL_BOOKING_INSERT[] =
    "INSERT INTO bookings (patient_id, staff_id, location_id, start_at, end_at, "
    "group_service_id, status, notes, source, payment_status, created_at, updated_at, "
    "booking_referral, buffer_before_min, buffer_after_min, group_event_id, seats) "
    "VALUES (?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_BOOKING_SERVICE_INSERT[] =
    "INSERT INTO booking_services (booking_id, position, service_id, duration_min, price) "
    "VALUES (?, ?, ?, ?, ?)";
#define BOOKING_COLUMNS                                                                            \
    "SELECT b.id, b.patient_id, b.staff_id, b.location_id, b.start_at, b.end_at, b.status, "       \
    "b.notes, b.source, b.payment_status, b.cancel_reason, b.created_at, b.updated_at, "           \
    "b.attendance, b.booking_referral, b.group_event_id, b.seats, "                                \
    "(SELECT json_group_array(service_id) FROM (SELECT service_id FROM booking_services "          \
    "WHERE booking_id = b.id ORDER BY position)) AS service_ids, "                                 \
    "(SELECT json_group_array(json_object('resource_id', resource_id, 'unit', unit)) FROM "        \
    "(SELECT resource_id, unit FROM booking_resources WHERE booking_id = b.id "                    \
    "ORDER BY resource_id)) AS resources, p.name AS patient_name, "                                \
    "(SELECT id FROM invoices WHERE booking_id = b.id) AS invoice_id, "                            \
    "coalesce((SELECT CASE WHEN credited THEN paid - refunded ELSE 0 END FROM invoices "           \
    "WHERE booking_id = b.id), 0) AS credit_owed "                                                 \
    "FROM bookings b JOIN patients p ON p.id = b.patient_id "
static const char SQL_BOOKING_GET[] = BOOKING_COLUMNS "WHERE b.id = ?";
#define BOOKING_LIST_REST                                                                          \
    "AND (?4 = 0 OR b.patient_id = ?4) AND (?5 IS NULL OR b.status = ?5) "                         \
    "AND (?6 IS NULL OR b.payment_status = ?6) AND (?9 = 0 OR b.group_event_id = ?9) "             \
    "AND (?10 = 0 OR b.status <> 'cancelled') AND (?11 = 0 OR b.end_at > ?11) "                    \
    "AND b.id > ?7 ORDER BY b.id LIMIT ?8"
#define BOOKING_LIST_WHERE                                                                         \
    "WHERE (?1 = 0 OR b.start_at >= ?1) AND (?2 = 0 OR b.start_at < ?2) "                          \
    "AND (?3 = 0 OR b.staff_id = ?3) " BOOKING_LIST_REST
/* Two texts so that one staff member's live bookings in a window come from
 * the index of live bookings, not from a scan of every booking by id. */
#define BOOKING_LIST_STAFF_LIVE_WHERE                                                              \
    "WHERE b.staff_id = ?3 AND b.status <> 'cancelled' AND b.start_at >= ?1 "                      \
    "AND b.start_at < iif(?2 = 0, 1 << 62, ?2) " BOOKING_LIST_REST
static const char SQL_BOOKING_LIST[] = BOOKING_COLUMNS BOOKING_LIST_WHERE;
static const char SQL_BOOKING_LIST_STAFF_LIVE[] = BOOKING_COLUMNS BOOKING_LIST_STAFF_LIVE_WHERE;
/* Each staff member's through the index of live bookings. */
static const char SQL_DIARY_BOOKINGS[] =
    "SELECT b.id, b.patient_id, p.name AS patient_name, b.staff_id, b.location_id, b.start_at, "
    "b.end_at, b.status, b.attendance, b.group_event_id, "
    "(SELECT json_group_array(service_id) FROM (SELECT service_id FROM booking_services "
    "WHERE booking_id = b.id ORDER BY position)) AS service_ids "
    "FROM json_each(?1) j JOIN bookings b ON b.staff_id = j.value "
    "JOIN patients p ON p.id = b.patient_id WHERE b.status <> 'cancelled' "
    "AND b.start_at >= ?2 AND b.start_at < ?3 AND b.end_at > ?4 ORDER BY b.staff_id, b.id";
static const char SQL_LOCATION_SHIFTS[] =
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "
    "FROM shifts sh JOIN locations l ON l.id = sh.location_id WHERE sh.location_id = ? "
    "ORDER BY sh.staff_id, sh.weekday, sh.start_min";
static const char SQL_BOOKING_SERVICES_DELETE[] =
    "DELETE FROM booking_services WHERE booking_id = ?";
static const char SQL_BOOKING_SET_GROUP[] =
    "UPDATE bookings SET group_service_id = ?, buffer_before_min = ?, buffer_after_min = ? "
    "WHERE id = ?";
static const char SQL_BOOKING_STAFF[] = "SELECT staff_id FROM bookings WHERE id = ?";
static const char SQL_LOCATION_BOOKINGS[] =
    "SELECT id, staff_id, start_at, end_at FROM bookings WHERE location_id = ?1 "
    "AND status <> 'cancelled' AND start_at >= ?2 ORDER BY start_at, id";
static const char SQL_LOCATION_STAFF[] =
    "SELECT staff_id FROM shifts WHERE location_id = ?1 UNION SELECT staff_id FROM bookings "
    "WHERE location_id = ?1 AND status <> 'cancelled' AND start_at >= ?2 ORDER BY 1";
static const char SQL_LOCATION_MEMBERS[] =
    "SELECT id, name, color FROM staff WHERE id IN (SELECT staff_id FROM staff_locations "
    "WHERE location_id = ?1 UNION SELECT staff_id FROM shifts WHERE location_id = ?1) ORDER BY id";
static const char SQL_BOOKING_MOVE[] =
    "UPDATE bookings SET staff_id = ?, location_id = ?, start_at = ?, end_at = ?, "
    "updated_at = ? WHERE id = ?";
/* The units a booking holds follow its occupied interval. */
static const char SQL_BOOKING_UNITS_MOVE[] =
    "UPDATE booking_resources SET start_at = (SELECT start_at - buffer_before_min * 60 "
    "FROM bookings WHERE id = ?1), end_at = (SELECT end_at + buffer_after_min * 60 "
    "FROM bookings WHERE id = ?1) WHERE booking_id = ?1";
static const char SQL_BOOKING_NOTES[] =
    "UPDATE bookings SET notes = ?, updated_at = ? WHERE id = ?";
static const char SQL_BOOKING_CANCEL[] =
    "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, updated_at = ? "
    "WHERE id = ? AND status <> 'cancelled'";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO booking_history (booking_id, at, actor_user_id, actor, action, changes) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_HISTORY_LIST[] = "SELECT h.at, h.actor_user_id, " STORE_ACTOR_WORDS(
    SQL_LOGIN_NAME) " AS actor, h.action, h.changes "
                    "FROM booking_history h " STORE_ACTOR_JOINS
                    "WHERE h.booking_id = ? ORDER BY h.id";

int
sqlite_services_get(struct store_conn *c, const int64_t *ids, size_t n, struct store_service *out)
{
    sqlite3_stmt *st;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_SERVICE_GET);
        if (!st || sql_bind(c, st, "i", (int64_t)(ids[i])) != ERR_OK)
            return ERR_STORE;
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            out[i].id = sqlite3_column_int64(st, 0);
            out[i].duration_min = sqlite3_column_int(st, 1);
            out[i].price = sqlite3_column_int64(st, 2);
            out[i].online_booking = sqlite3_column_int(st, 3);
            out[i].capacity = sqlite3_column_int(st, 4);
            out[i].buffer_before_min = sqlite3_column_int(st, 5);
            out[i].buffer_after_min = sqlite3_column_int(st, 6);
            sql_copy_text(st, 7, out[i].name, sizeof(out[i].name));
            out[i].tax_rate_bp = sqlite3_column_int(st, 8);
            out[i].tax_inclusive = sqlite3_column_int(st, 9);
            rc = ERR_OK;
        } else {
            rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
        }
        sqlite3_reset(st);
    }
    return rc;
}

static int
shift_rows(struct store_conn *c, sqlite3_stmt *st, struct arena *a, struct store_shift **out,
           size_t *n)
{
    struct store_shift *v = NULL, *grown;
    size_t cap = 0;
    int rc;

    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        grown = arena_grow(a, v, *n, &cap, sizeof(*v), 64);
        if (!grown) {
            sqlite3_reset(st);
            return ERR_NOMEM;
        }
        v = grown;
        v[*n].staff_id = sqlite3_column_int64(st, 0);
        v[*n].weekday = sqlite3_column_int(st, 1);
        v[*n].start_min = sqlite3_column_int(st, 2);
        v[*n].end_min = sqlite3_column_int(st, 3);
        v[*n].location_id = sqlite3_column_int64(st, 4);
        v[*n].timezone = sql_arena_text(st, 5, a);
        (*n)++;
    }
    sqlite3_reset(st);
    *out = v;
    return rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
}

int
sqlite_shifts_get(struct store_conn *c, int64_t staff_id, struct arena *a, struct store_shift **out,
                  size_t *n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SHIFTS_GET);

    if (!st || sql_bind(c, st, "i", staff_id) != ERR_OK)
        return ERR_STORE;
    return shift_rows(c, st, a, out, n);
}

int
sqlite_shifts_replace(struct store_conn *c, int64_t staff_id, const struct store_shift *shifts,
                      size_t n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_SHIFTS_DELETE);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "i", staff_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_SHIFT_INSERT);
        if (!st ||
            sql_bind(c, st, "idddi", staff_id, (int)(shifts[i].weekday), (int)(shifts[i].start_min),
                     (int)(shifts[i].end_min), shifts[i].location_id) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

int
sqlite_avail_shifts(struct store_conn *c, const struct store_avail_staff_filter *f, struct arena *a,
                    struct store_shift **out, size_t *n)
{
    sqlite3_stmt *st = sql_prepare(c, f->staff_id ? SQL_AVAIL_STAFF_SHIFTS : SQL_AVAIL_SHIFTS);
    struct buf ids;
    size_t services_at;
    int rc, hit;

    if (!st)
        return ERR_STORE;
    buf_init(&ids, 16384);
    /* The cache key: the filter's values, services as a JSON array. */
    rc = buf_printf(&ids, "%lld %lld ", (long long)f->staff_id, (long long)f->location_id);
    services_at = ids.len; /* the services' JSON array, also bound below */
    if (rc == ERR_OK && f->required_services)
        rc = store_id_list(&ids, f->required_services, f->n_required, "[", "]");
    hit =
        rc == ERR_OK && lite(c)->in_read ? shift_cache_get(lite(c)->cache, ids.data, a, out, n) : 0;
    if (rc != ERR_OK || hit != 0) {
        rc = hit < 0 ? ERR_NOMEM : rc;
        goto out;
    }
    rc = sql_bind(c, st, "ii", f->staff_id, f->location_id);
    if (rc == ERR_OK && f->required_services)
        rc = sql_bind_at(c, st, 3, "Ti", ids.data + services_at, (int64_t)f->n_required);
    if (rc == ERR_OK)
        rc = shift_rows(c, st, a, out, n);
    if (rc == ERR_OK && lite(c)->in_read)
        shift_cache_put(lite(c)->cache, ids.data, lite(c)->read_gen, *out, *n);
out:
    buf_cleanup(&ids);
    return rc;
}

/* Appends staff_id's live events overlapping [from, to) to *v. */
static int
query_busy(struct store_conn *c, int64_t staff_id, int64_t from, int64_t to, int64_t skip,
           struct arena *a, struct store_busy **v, size_t *n, size_t *cap)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_AVAIL_BUSY);
    struct store_busy *grown;
    int rc;

    if (!st || sql_bind(c, st, "iiiii", staff_id, from, to,
                        (int64_t)(from - EVENT_MAX_S - BUFFERS_MAX_S), skip) != ERR_OK)
        return ERR_STORE;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        grown = arena_grow(a, *v, *n, cap, sizeof(*grown), 256);
        if (!grown) {
            sqlite3_reset(st);
            return ERR_NOMEM;
        }
        *v = grown;
        (*v)[*n].staff_id = staff_id;
        (*v)[*n].start = sqlite3_column_int64(st, 0);
        (*v)[*n].end = sqlite3_column_int64(st, 1);
        (*v)[*n].group_service_id = sqlite3_column_int64(st, 2);
        (*v)[*n].at = sqlite3_column_int64(st, 3);
        (*n)++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
}

/* Reads go through the cache; a miss loads more than was asked. */
static int
cached_busy(struct store_conn *c, int64_t staff_id, int64_t from, int64_t to, struct arena *a,
            struct store_busy **v, size_t *n, size_t *cap)
{
    /* A miss loads two more windows like the one asked for (whole days)
     * ahead, where patients browse, so the next two are hits. Not more: a
     * miss for 50 staff over six weeks read 29,000 rows (20-40 ms), and the
     * whole diary at years of bookings is tens of thousands of rows per
     * staff member. */
    int64_t span = (to - from + 86399) / 86400 * 86400;
    int64_t wide_from = from, wide_to = to + 2 * span;
    size_t first = *n;
    int hit = busy_cache_get(lite(c)->cache, staff_id, from, to, a, v, n, cap);
    int rc;

    if (hit != 0)
        return hit > 0 ? ERR_OK : ERR_NOMEM;
    size_t i, kept;

    rc = query_busy(c, staff_id, wide_from, wide_to, 0, a, v, n, cap);
    if (rc != ERR_OK)
        return rc;
    busy_cache_put(lite(c)->cache, staff_id, wide_from, wide_to, lite(c)->read_gen, *v + first,
                   *n - first);
    /* The caller asked for [from, to) only. */
    for (i = kept = first; i < *n; i++) {
        if ((*v)[i].start < to && (*v)[i].end > from)
            (*v)[kept++] = (*v)[i];
    }
    *n = kept;
    return ERR_OK;
}

int
sqlite_avail_busy(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                  int64_t to, int64_t skip_booking_id, struct arena *a, struct store_busy **out,
                  size_t *n)
{
    size_t cap = 0, i;
    int rc = ERR_OK;

    *out = NULL;
    *n = 0;
    for (i = 0; rc == ERR_OK && i < n_staff; i++) {
        if (lite(c)->in_read && !skip_booking_id)
            rc = cached_busy(c, staff_ids[i], from, to, a, out, n, &cap);
        else
            rc = query_busy(c, staff_ids[i], from, to, skip_booking_id, a, out, n, &cap);
    }
    return rc;
}

static int mark_booking_staff(struct store_conn *c, int64_t booking_id);

static int
insert_booking_services(struct store_conn *c, int64_t id, const struct store_service *services,
                        size_t n)
{
    sqlite3_stmt *st;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++) {
        st = sql_prepare(c, SQL_BOOKING_SERVICE_INSERT);
        if (!st ||
            sql_bind(c, st, "iiidi", id, (int64_t)i, services[i].id,
                     (int)(services[i].duration_min), (int64_t)(services[i].price)) != ERR_OK)
            return ERR_STORE;
        rc = sql_exec_step(c, st);
    }
    return rc;
}

int
sqlite_booking_insert(struct store_conn *c, const struct store_booking *b,
                      const struct store_service *services, size_t n_services, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_INSERT);
    int rc;

    if (!st ||
        sql_bind(c, st, "iiiiiotttiitddod", b->patient_id, b->staff_id, b->location_id, b->start_at,
                 b->end_at, b->group_service_id, b->notes ? b->notes : "", b->source,
                 b->payment_status, b->created_at, b->created_at, b->referral, b->buffer_before_min,
                 b->buffer_after_min, b->group_event_id, b->seats > 0 ? b->seats : 1) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc != ERR_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(lite(c)->db);
    sql_staff_changed(c, b->staff_id);
    return insert_booking_services(c, *id, services, n_services);
}

int
sqlite_booking_set_services(struct store_conn *c, int64_t id, const struct store_service *services,
                            size_t n, int64_t group_service_id, int buffer_before_min,
                            int buffer_after_min)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_SERVICES_DELETE);
    int rc = st ? mark_booking_staff(c, id) : ERR_STORE;

    if (rc == ERR_OK)
        rc = sql_bind(c, st, "i", id);
    if (rc == ERR_OK)
        rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        rc = insert_booking_services(c, id, services, n);
    st = rc == ERR_OK ? sql_prepare(c, SQL_BOOKING_SET_GROUP) : NULL;
    if (rc != ERR_OK || !st)
        return rc != ERR_OK ? rc : ERR_STORE;
    rc = sql_bind(c, st, "oddi", group_service_id, buffer_before_min, buffer_after_min, id);
    return rc == ERR_OK ? sql_exec_step(c, st) : rc;
}

/* service_ids and resources come out of SQLite as JSON text; make them
 * real arrays. */
static void
parse_json_array(json_t *row, const char *key)
{
    const char *text = json_string_value(json_object_get(row, key));
    json_t *ids = text ? json_loads(text, 0, NULL) : NULL;

    json_object_set_new(row, key, ids ? ids : json_array());
}

static void
parse_service_ids(json_t *row)
{
    parse_json_array(row, "service_ids");
    parse_json_array(row, "resources");
}

int
sqlite_booking_get(struct store_conn *c, int64_t id, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_GET);
    int rc;

    *out = NULL;
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_one_json(c, st, out);
    if (rc == ERR_OK)
        parse_service_ids(*out);
    return rc;
}

int
sqlite_booking_list(struct store_conn *c, const struct store_booking_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(
        c, f->staff_id && f->live_only ? SQL_BOOKING_LIST_STAFF_LIVE : SQL_BOOKING_LIST, items);
    size_t i;
    int rc;

    if (!st || sql_bind(c, st, "iiiittididi", f->from, f->to, f->staff_id, f->patient_id, f->status,
                        f->payment_status, f->after_id, f->limit, f->group_event_id, f->live_only,
                        f->ends_after) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        parse_service_ids(json_array_get(*items, i));
    return rc;
}

/* The cache must learn whose bookings a change touches. */
static int
mark_booking_staff(struct store_conn *c, int64_t booking_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_BOOKING_STAFF);
    int rc;

    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sql_staff_changed(c, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
}

int
sqlite_location_bookings(struct store_conn *c, int64_t location_id, int64_t from, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_LOCATION_BOOKINGS, items);

    if (!st || sql_bind(c, st, "ii", location_id, from) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

/* The first column of st's rows, bound already, as a new array. */
static int
id_rows(struct store_conn *c, sqlite3_stmt *st, json_t **ids)
{
    int rc = SQLITE_DONE;

    while (*ids && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_append_new(*ids, json_integer(sqlite3_column_int64(st, 0))))
            rc = SQLITE_NOMEM;
    }
    sqlite3_reset(st);
    if (!*ids || rc == SQLITE_NOMEM)
        return ERR_NOMEM;
    return rc == SQLITE_DONE ? ERR_OK : sql_err(c, rc);
}

int
sqlite_location_staff(struct store_conn *c, int64_t location_id, int64_t from, json_t **ids)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_LOCATION_STAFF);

    *ids = json_array();
    if (!st || sql_bind(c, st, "ii", location_id, from) != ERR_OK)
        return ERR_STORE;
    return id_rows(c, st, ids);
}

int
sqlite_location_members(struct store_conn *c, int64_t location_id, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_LOCATION_MEMBERS, items);

    if (!st || sql_bind(c, st, "i", location_id) != ERR_OK)
        return ERR_STORE;
    return sql_rows_json(c, st, *items);
}

int
sqlite_booking_move(struct store_conn *c, int64_t id, int64_t staff_id, int64_t location_id,
                    int64_t start, int64_t end, int64_t now)
{
    sqlite3_stmt *st;
    int rc = mark_booking_staff(c, id);

    if (rc != ERR_OK)
        return rc;
    sql_staff_changed(c, staff_id);
    st = sql_prepare(c, SQL_BOOKING_MOVE);
    if (!st || sql_bind(c, st, "iiiiii", staff_id, location_id, start, end, now, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    st = rc == ERR_OK ? sql_prepare(c, SQL_BOOKING_UNITS_MOVE) : NULL;
    if (rc != ERR_OK || !st)
        return rc != ERR_OK ? rc : ERR_STORE;
    rc = sql_bind(c, st, "i", id);
    return rc == ERR_OK ? sql_exec_step(c, st) : rc;
}

int
sqlite_booking_set_notes(struct store_conn *c, int64_t id, const char *notes, int64_t now)
{
    sqlite3_stmt *st;
    int rc = mark_booking_staff(c, id);

    if (rc != ERR_OK)
        return rc;
    st = sql_prepare(c, SQL_BOOKING_NOTES);
    if (!st || sql_bind(c, st, "tii", notes, now, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_booking_cancel(struct store_conn *c, int64_t id, const char *reason, int64_t now)
{
    sqlite3_stmt *st;
    int rc = mark_booking_staff(c, id);

    if (rc != ERR_OK)
        return rc;
    st = sql_prepare(c, SQL_BOOKING_CANCEL);
    if (!st || sql_bind(c, st, "tii", reason, now, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_CONFLICT;
    return rc;
}

int
sqlite_history_add(struct store_conn *c, int64_t booking_id, int64_t at, int64_t actor_user_id,
                   const char *actor, const char *action, const char *changes_json)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_HISTORY_INSERT);

    if (!st || sql_bind(c, st, "iiottt", booking_id, at, actor_user_id, actor, action,
                        changes_json) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_history_list(struct store_conn *c, int64_t booking_id, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_HISTORY_LIST, items);
    int rc;

    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    return rc == ERR_OK ? store_history_changes(*items) : rc;
}

int
sqlite_location_shifts(struct store_conn *c, int64_t location_id, struct arena *a,
                       struct store_shift **out, size_t *n)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_LOCATION_SHIFTS);

    if (!st || sql_bind(c, st, "i", location_id) != ERR_OK)
        return ERR_STORE;
    return shift_rows(c, st, a, out, n);
}

int
sqlite_diary_bookings(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                      int64_t to, int64_t ends_after, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_DIARY_BOOKINGS, items);
    struct buf ids;
    size_t i;
    int rc;

    if (!st)
        return ERR_STORE;
    buf_init(&ids, 24 * n_staff + 8);
    rc = store_id_list(&ids, staff_ids, n_staff, "[", "]");
    if (rc == ERR_OK && sql_bind(c, st, "tiii", ids.data, from, to, ends_after) != ERR_OK)
        rc = ERR_STORE;
    if (rc == ERR_OK)
        rc = sql_rows_json(c, st, *items);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        parse_service_ids(json_array_get(*items, i));
    buf_cleanup(&ids);
    return rc;
}

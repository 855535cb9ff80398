/* PostgreSQL backend: services, shifts, what availability reads, bookings
 * and their history. The translation of store/sqlite/schedule.c without
 * its cache: several server processes share this database and none would
 * see another's writes, so every read goes to the database. */
#include <string.h>

#include "store/postgres/internal.h"
#include "util/buf.h"
#include "util/err.h"

/* No single booking or appointment lasts longer than this, which bounds the
 * index range scanned for events overlapping a window. */
#define EVENT_MAX_S (24 * 3600)
/* A booking's buffers together are at most this long (2 * 240 minutes). */
#define BUFFERS_MAX_S (8 * 3600)
#define BUFFERS_MAX_SQL "28800"

/* The same bound on a filter's service list as the SQLite backend's. */
#define SERVICE_LIST_MAX 16384

static const char SQL_SERVICE_GET[] =
    "SELECT s.id, s.duration_min, s.price, s.online_booking, s.capacity, s.buffer_before_min, "
    "s.buffer_after_min, s.name, COALESCE(t.rate_bp, 0), COALESCE(t.inclusive, 0) "
    "FROM services s LEFT JOIN tax_rates t ON t.id = s.tax_rate_id WHERE s.id = $1";
static const char SQL_SHIFTS_GET[] =
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "
    "FROM shifts sh JOIN locations l ON l.id = sh.location_id WHERE sh.staff_id = $1 "
    "ORDER BY sh.weekday, sh.start_min";
static const char SQL_SHIFTS_DELETE[] = "DELETE FROM shifts WHERE staff_id = $1";
static const char SQL_SHIFT_INSERT[] =
    "INSERT INTO shifts (staff_id, weekday, start_min, end_min, location_id) "
    "VALUES ($1, $2, $3, $4, $5)";
/* $3 is an array literal of the required service ids, or NULL for none;
 * $4 how many there are. */
#define AVAIL_SHIFTS                                                                               \
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "        \
    "FROM shifts sh JOIN staff s ON s.id = sh.staff_id JOIN locations l ON l.id = "                \
    "sh.location_id WHERE s.bookable = 1 AND ($2::bigint = 0 OR sh.location_id = $2::bigint) "     \
    "AND ($3::bigint[] IS NULL OR (SELECT count(*) FROM staff_services ss WHERE ss.staff_id = "    \
    "sh.staff_id AND ss.service_id = ANY ($3::bigint[])) = $4::bigint) "
/* Two texts so that one staff member's shifts come from the index. */
static const char SQL_AVAIL_SHIFTS[] =
    AVAIL_SHIFTS "AND $1::bigint = 0 ORDER BY sh.staff_id, sh.weekday, sh.start_min";
static const char SQL_AVAIL_STAFF_SHIFTS[] =
    AVAIL_SHIFTS "AND sh.staff_id = $1::bigint ORDER BY sh.staff_id, sh.weekday, sh.start_min";
/* Every asked-for staff member's events in one round trip (availability
 * asks for a whole clinic), grouped in the order of the (distinct) ids
 * given, which the ordinality keeps without a sort of every row. Each
 * staff member's bookings are one range of bookings_staff_live, read from
 * the index alone; a filter over every staff member's bookings of the
 * range visited a table page per booking. */
static const char SQL_AVAIL_BUSY[] =
    "SELECT s.id, o_start, o_end, g, at FROM unnest($1::bigint[]) WITH ORDINALITY AS s(id, ord) "
    "CROSS JOIN LATERAL ("
    "SELECT start_at - buffer_before_min * 60 AS o_start, "
    "end_at + buffer_after_min * 60 AS o_end, group_service_id AS g, start_at AS at "
    "FROM bookings WHERE staff_id = s.id AND status <> 'cancelled' "
    "AND start_at < $3::bigint + " BUFFERS_MAX_SQL " AND start_at > $4::bigint "
    "AND start_at - buffer_before_min * 60 < $3::bigint "
    "AND end_at + buffer_after_min * 60 > $2::bigint AND id <> $5::bigint "
    "AND group_event_id IS NULL "
    "UNION ALL SELECT start_at - buffer_before_min * 60, "
    "end_at + buffer_after_min * 60, NULL, start_at FROM group_events "
    "WHERE staff_id = s.id AND status <> 'cancelled' "
    "AND start_at < $3::bigint + " BUFFERS_MAX_SQL " AND start_at > $4::bigint "
    "AND start_at - buffer_before_min * 60 < $3::bigint "
    "AND end_at + buffer_after_min * 60 > $2::bigint "
    "UNION ALL SELECT start_at, end_at, NULL, start_at FROM appointments "
    "WHERE staff_id = s.id AND status <> 'cancelled' AND start_at < $3::bigint "
    "AND start_at > $4::bigint AND end_at > $2::bigint "
    "UNION ALL SELECT start_at, end_at, NULL, start_at FROM time_off "
    "WHERE staff_id = s.id AND start_at < $3::bigint AND end_at > $2::bigint) e "
    "ORDER BY s.ord, o_start, o_end";
/* NULLIF: an id of 0 is stored as NULL, as the SQLite backend leaves it
 * unbound. */
static const char SQL_BOOKING_INSERT[] =
    "INSERT INTO bookings (patient_id, staff_id, location_id, start_at, end_at, "
    "group_service_id, status, notes, source, payment_status, created_at, updated_at, "
    "booking_referral, buffer_before_min, buffer_after_min, group_event_id, seats) "
    "VALUES ($1, $2, $3, $4, $5, NULLIF($6::bigint, 0), 'confirmed', $7, $8, $9, $10, $10, "
    "$11, $12, $13, NULLIF($14::bigint, 0), $15) RETURNING id";
static const char SQL_BOOKING_SERVICE_INSERT[] =
    "INSERT INTO booking_services (booking_id, position, service_id, duration_min, price) "
    "VALUES ($1, $2, $3, $4, $5)";
/* service_ids as JSON text, parsed below exactly as SQLite's
 * json_group_array is; json_agg of no rows is NULL, which reads as []. */
#define BOOKING_COLUMNS                                                                            \
    "SELECT b.id, b.patient_id, b.staff_id, b.location_id, b.start_at, b.end_at, b.status, "       \
    "b.notes, b.source, b.payment_status, b.cancel_reason, b.created_at, b.updated_at, "           \
    "b.attendance, b.booking_referral, b.group_event_id, b.seats, "                                \
    "(SELECT json_agg(service_id ORDER BY position) FROM booking_services "                        \
    "WHERE booking_id = b.id)::text AS service_ids, "                                              \
    "(SELECT json_agg(json_build_object('resource_id', resource_id, 'unit', unit) "                \
    "ORDER BY resource_id) FROM booking_resources WHERE booking_id = b.id)::text AS resources, "   \
    "p.name AS patient_name, "                                                                     \
    "(SELECT id FROM invoices WHERE booking_id = b.id) AS invoice_id, "                            \
    "coalesce((SELECT CASE WHEN credited <> 0 THEN paid - refunded ELSE 0 END FROM invoices "      \
    "WHERE booking_id = b.id), 0) AS credit_owed "                                                 \
    "FROM bookings b JOIN patients p ON p.id = b.patient_id "
static const char SQL_BOOKING_GET[] = BOOKING_COLUMNS "WHERE b.id = $1";
#define BOOKING_LIST_WHERE                                                                         \
    "WHERE ($1::bigint = 0 OR b.start_at >= $1::bigint) AND ($2::bigint = 0 OR b.start_at < "      \
    "$2::bigint) AND ($3::bigint = 0 OR b.staff_id = $3::bigint) " BOOKING_LIST_REST
/* Two texts so that one staff member's live bookings in a window come from
 * the index of live bookings whatever plan the statement settles on: both
 * ends of the window are index bounds even in a generic plan (an "$2 = 0
 * OR" end read the staff member's every later booking). */
#define BOOKING_LIST_STAFF_LIVE_WHERE                                                              \
    "WHERE b.staff_id = $3::bigint AND b.status <> 'cancelled' AND b.start_at >= $1::bigint "      \
    "AND b.start_at < CASE WHEN $2::bigint = 0 THEN 9223372036854775807 ELSE $2::bigint "          \
    "END " BOOKING_LIST_REST
/* A negative limit is no limit, as in SQLite. */
#define BOOKING_LIST_REST                                                                          \
    "AND ($4::bigint = 0 OR b.patient_id = $4::bigint) "                                           \
    "AND ($5::text IS NULL OR b.status = $5::text) "                                               \
    "AND ($6::text IS NULL OR b.payment_status = $6::text) "                                       \
    "AND ($9::bigint = 0 OR b.group_event_id = $9::bigint) "                                       \
    "AND ($10::int = 0 OR b.status <> 'cancelled') "                                               \
    "AND ($11::bigint = 0 OR b.end_at > $11::bigint) "                                             \
    "AND b.id > $7::bigint ORDER BY b.id "                                                         \
    "LIMIT CASE WHEN $8::bigint < 0 THEN NULL ELSE $8::bigint END"
static const char SQL_BOOKING_LIST[] = BOOKING_COLUMNS BOOKING_LIST_WHERE;
static const char SQL_BOOKING_LIST_STAFF_LIVE[] = BOOKING_COLUMNS BOOKING_LIST_STAFF_LIVE_WHERE;
/* Each staff member's through the index of live bookings. */
static const char SQL_DIARY_BOOKINGS[] =
    "SELECT b.id, b.patient_id, p.name AS patient_name, b.staff_id, b.location_id, b.start_at, "
    "b.end_at, b.status, b.attendance, b.group_event_id, "
    "(SELECT json_agg(service_id ORDER BY position) FROM booking_services "
    "WHERE booking_id = b.id)::text AS service_ids "
    "FROM bookings b JOIN patients p ON p.id = b.patient_id "
    "WHERE b.staff_id = ANY($1::bigint[]) AND b.status <> 'cancelled' "
    "AND b.start_at >= $2::bigint AND b.start_at < $3::bigint AND b.end_at > $4::bigint "
    "ORDER BY b.staff_id, b.id";
static const char SQL_LOCATION_SHIFTS[] =
    "SELECT sh.staff_id, sh.weekday, sh.start_min, sh.end_min, sh.location_id, l.timezone "
    "FROM shifts sh JOIN locations l ON l.id = sh.location_id WHERE sh.location_id = $1 "
    "ORDER BY sh.staff_id, sh.weekday, sh.start_min";
static const char SQL_BOOKING_LOCK[] = "SELECT id FROM bookings WHERE id = $1 FOR UPDATE";
static const char SQL_BOOKING_SERVICES_DELETE[] =
    "DELETE FROM booking_services WHERE booking_id = $1";
static const char SQL_BOOKING_SET_GROUP[] =
    "UPDATE bookings SET group_service_id = NULLIF($1::bigint, 0), buffer_before_min = $2, "
    "buffer_after_min = $3 WHERE id = $4";
static const char SQL_LOCATION_BOOKINGS[] =
    "SELECT id, staff_id, start_at, end_at FROM bookings WHERE location_id = $1::bigint "
    "AND status <> 'cancelled' AND start_at >= $2::bigint ORDER BY start_at, id";
static const char SQL_LOCATION_STAFF[] =
    "SELECT staff_id FROM shifts WHERE location_id = $1::bigint UNION SELECT staff_id "
    "FROM bookings WHERE location_id = $1::bigint AND status <> 'cancelled' "
    "AND start_at >= $2::bigint ORDER BY 1";
static const char SQL_LOCATION_MEMBERS[] =
    "SELECT id, name, color FROM staff WHERE id IN (SELECT staff_id FROM staff_locations "
    "WHERE location_id = $1::bigint UNION SELECT staff_id FROM shifts "
    "WHERE location_id = $1::bigint) ORDER BY id";
static const char SQL_BOOKING_MOVE[] =
    "UPDATE bookings SET staff_id = $1, location_id = $2, start_at = $3, end_at = $4, "
    "updated_at = $5 WHERE id = $6";
/* The units a booking holds follow its occupied interval. */
static const char SQL_BOOKING_UNITS_MOVE[] =
    "UPDATE booking_resources r SET start_at = b.start_at - b.buffer_before_min * 60, "
    "end_at = b.end_at + b.buffer_after_min * 60 FROM bookings b "
    "WHERE b.id = $1 AND r.booking_id = b.id";
static const char SQL_BOOKING_NOTES[] =
    "UPDATE bookings SET notes = $1, updated_at = $2 WHERE id = $3";
/* One statement: the check that it is still live and the change cannot
 * be split by another cancel. */
static const char SQL_BOOKING_CANCEL[] =
    "UPDATE bookings SET status = 'cancelled', cancel_reason = $1, updated_at = $2 "
    "WHERE id = $3 AND status <> 'cancelled'";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO booking_history (booking_id, at, actor_user_id, actor, action, changes) "
    "VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6)";
static const char SQL_HISTORY_LIST[] = "SELECT h.at, h.actor_user_id, " STORE_ACTOR_WORDS(
    PQ_LOGIN_NAME) " AS actor, h.action, h.changes "
                   "FROM booking_history h " STORE_ACTOR_JOINS
                   "WHERE h.booking_id = $1 ORDER BY h.id";

/* Ids at or below 0 mean "none" to the SQLite backend, which binds NULL
 * for them; the statements above store 0 as NULL. */
static int64_t
optional_id(int64_t id)
{
    return id > 0 ? id : 0;
}

int
pgsql_services_get(struct store_conn *c, const int64_t *ids, size_t n, struct store_service *out)
{
    PGresult *r = NULL;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++) {
        rc = pq_exec(c, &r, SQL_SERVICE_GET, "i", ids[i]);
        if (rc != ERR_OK)
            goto out;
        if (PQntuples(r) == 0) {
            rc = ERR_NOT_FOUND;
            goto out;
        }
        out[i].id = pq_get_int64(r, 0, 0);
        out[i].duration_min = (int)pq_get_int64(r, 0, 1);
        out[i].price = pq_get_int64(r, 0, 2);
        out[i].online_booking = (int)pq_get_int64(r, 0, 3);
        out[i].capacity = (int)pq_get_int64(r, 0, 4);
        out[i].buffer_before_min = (int)pq_get_int64(r, 0, 5);
        out[i].buffer_after_min = (int)pq_get_int64(r, 0, 6);
        pq_get_text(r, 0, 7, out[i].name, sizeof(out[i].name));
        out[i].tax_rate_bp = (int)pq_get_int64(r, 0, 8);
        out[i].tax_inclusive = (int)pq_get_int64(r, 0, 9);
        PQclear(r);
        r = NULL;
    }
out:
    PQclear(r);
    return rc;
}

/* The shifts r holds (columns as SQL_SHIFTS_GET), copied into a.
 * *out is NULL when there are none. */
static int
shift_rows(const PGresult *r, struct arena *a, struct store_shift **out, size_t *n)
{
    struct store_shift *v = NULL;
    int i, rows = PQntuples(r);

    *out = NULL;
    *n = 0;
    if (rows == 0)
        return ERR_OK;
    v = arena_calloc(a, (size_t)rows, sizeof(*v));
    if (!v)
        return ERR_NOMEM;
    for (i = 0; i < rows; i++) {
        v[i].staff_id = pq_get_int64(r, i, 0);
        v[i].weekday = (int)pq_get_int64(r, i, 1);
        v[i].start_min = (int)pq_get_int64(r, i, 2);
        v[i].end_min = (int)pq_get_int64(r, i, 3);
        v[i].location_id = pq_get_int64(r, i, 4);
        v[i].timezone = pq_get_arena_text(r, i, 5, a);
        if (!v[i].timezone)
            return ERR_NOMEM;
    }
    *out = v;
    *n = (size_t)rows;
    return ERR_OK;
}

/* The shifts sql selects by the one id it takes. */
static int
shifts_by(struct store_conn *c, const char *sql, int64_t id, struct arena *a,
          struct store_shift **out, size_t *n)
{
    PGresult *r = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    rc = pq_exec(c, &r, sql, "i", id);
    if (rc == ERR_OK)
        rc = shift_rows(r, a, out, n);
    PQclear(r);
    return rc;
}

int
pgsql_shifts_get(struct store_conn *c, int64_t staff_id, struct arena *a, struct store_shift **out,
                 size_t *n)
{
    return shifts_by(c, SQL_SHIFTS_GET, staff_id, a, out, n);
}

/* Delete-then-insert of a staff member's set: two replacements at once
 * under READ COMMITTED would each delete only the rows they saw and both
 * insert, leaving the union. The staff lock makes the second wait for the
 * first to commit and then replace its rows; it is also the lock a booking
 * check holds, so no new set lands between a check and its booking. The
 * lock lasts until the caller's transaction ends. */
int
pgsql_shifts_replace(struct store_conn *c, int64_t staff_id, const struct store_shift *shifts,
                     size_t n)
{
    size_t i;
    int rc = pq_lock(c, PQ_LOCK_STAFF, staff_id);

    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_SHIFTS_DELETE, "i", staff_id);
    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_SHIFT_INSERT, "idddi", staff_id, shifts[i].weekday,
                    shifts[i].start_min, shifts[i].end_min, shifts[i].location_id);
    return rc;
}

int
pgsql_avail_shifts(struct store_conn *c, const struct store_avail_staff_filter *f, struct arena *a,
                   struct store_shift **out, size_t *n)
{
    const char *sql = f->staff_id ? SQL_AVAIL_STAFF_SHIFTS : SQL_AVAIL_SHIFTS;
    PGresult *r = NULL;
    struct buf ids;
    int rc = ERR_OK;

    *out = NULL;
    *n = 0;
    buf_init(&ids, SERVICE_LIST_MAX);
    if (f->required_services)
        rc = store_id_list(&ids, f->required_services, f->n_required, "{", "}");
    if (rc != ERR_OK)
        goto out;
    rc = pq_exec(c, &r, sql, "iiti", f->staff_id, f->location_id,
                 f->required_services ? ids.data : NULL, (int64_t)f->n_required);
    if (rc == ERR_OK)
        rc = shift_rows(r, a, out, n);
out:
    PQclear(r);
    buf_cleanup(&ids);
    return rc;
}

int
pgsql_avail_busy(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                 int64_t to, int64_t skip_booking_id, struct arena *a, struct store_busy **out,
                 size_t *n)
{
    struct buf ids;
    PGresult *r = NULL;
    int i, rows, rc;

    *out = NULL;
    *n = 0;
    if (n_staff == 0)
        return ERR_OK;
    buf_init(&ids, 24 * n_staff + 8);
    rc = store_id_list(&ids, staff_ids, n_staff, "{", "}");
    if (rc == ERR_OK)
        rc = pq_exec(c, &r, SQL_AVAIL_BUSY, "tiiii", ids.data, from, to,
                     from - EVENT_MAX_S - BUFFERS_MAX_S, skip_booking_id);
    if (rc != ERR_OK)
        goto out;
    rows = PQntuples(r);
    *out = rows ? arena_calloc(a, (size_t)rows, sizeof(**out)) : NULL;
    if (rows && !*out) {
        rc = ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < rows; i++) {
        (*out)[i].staff_id = pq_get_int64(r, i, 0);
        (*out)[i].start = pq_get_int64(r, i, 1);
        (*out)[i].end = pq_get_int64(r, i, 2);
        (*out)[i].group_service_id = pq_get_int64(r, i, 3); /* NULL reads as 0 */
        (*out)[i].at = pq_get_int64(r, i, 4);
    }
    *n = (size_t)rows;
out:
    PQclear(r);
    buf_cleanup(&ids);
    return rc;
}

static int
insert_booking_services(struct store_conn *c, int64_t id, const struct store_service *services,
                        size_t n)
{
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = pq_cmd(c, NULL, SQL_BOOKING_SERVICE_INSERT, "iiidi", id, (int64_t)i, services[i].id,
                    services[i].duration_min, services[i].price);
    return rc;
}

/* The caller holds the staff lock (store_lock_staff) and has checked the
 * slot; bookings_no_overlap still refuses an individual booking whose
 * occupied interval overlaps another's (23P01, ERR_CONFLICT) should that
 * ever be bypassed. */
int
pgsql_booking_insert(struct store_conn *c, const struct store_booking *b,
                     const struct store_service *services, size_t n_services, int64_t *id)
{
    int rc = pq_int64(c, id, SQL_BOOKING_INSERT, "iiiiiitttitddid", b->patient_id, b->staff_id,
                      b->location_id, b->start_at, b->end_at, optional_id(b->group_service_id),
                      b->notes ? b->notes : "", b->source, b->payment_status, b->created_at,
                      b->referral, b->buffer_before_min, b->buffer_after_min,
                      optional_id(b->group_event_id), b->seats > 0 ? b->seats : 1);

    if (rc == ERR_OK)
        rc = insert_booking_services(c, *id, services, n_services);
    return rc;
}

/* Delete-then-insert of the booking's services: the booking row is locked
 * first, so a concurrent replacement waits for this one to commit instead
 * of adding its rows to ours (or colliding on a position). A missing
 * booking is left to the foreign key, as on SQLite. */
int
pgsql_booking_set_services(struct store_conn *c, int64_t id, const struct store_service *services,
                           size_t n, int64_t group_service_id, int buffer_before_min,
                           int buffer_after_min)
{
    int64_t locked = 0;
    int rc = pq_int64(c, &locked, SQL_BOOKING_LOCK, "i", id);

    if (rc == ERR_NOT_FOUND)
        rc = ERR_OK;
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_BOOKING_SERVICES_DELETE, "i", id);
    if (rc == ERR_OK)
        rc = insert_booking_services(c, id, services, n);
    if (rc == ERR_OK)
        rc = pq_cmd(c, NULL, SQL_BOOKING_SET_GROUP, "iddi", optional_id(group_service_id),
                    buffer_before_min, buffer_after_min, id);
    return rc;
}

/* service_ids and resources come out as JSON text; make them real
 * arrays. */
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
pgsql_booking_get(struct store_conn *c, int64_t id, json_t **out)
{
    int rc = pq_one_json(c, out, SQL_BOOKING_GET, "i", id);

    if (rc == ERR_OK)
        parse_service_ids(*out);
    return rc;
}

int
pgsql_booking_list(struct store_conn *c, const struct store_booking_filter *f, json_t **items)
{
    size_t i;
    int rc = pq_list_json(
        c, items, f->staff_id && f->live_only ? SQL_BOOKING_LIST_STAFF_LIVE : SQL_BOOKING_LIST,
        "iiiittididi", f->from, f->to, f->staff_id, f->patient_id, f->status, f->payment_status,
        f->after_id, f->limit, f->group_event_id, f->live_only, f->ends_after);

    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        parse_service_ids(json_array_get(*items, i));
    return rc;
}

int
pgsql_location_bookings(struct store_conn *c, int64_t location_id, int64_t from, json_t **items)
{
    return pq_list_json(c, items, SQL_LOCATION_BOOKINGS, "ii", location_id, from);
}

/* The first column of r's rows, when rc is ERR_OK, as a new array; r is
 * cleared either way. */
static int
id_rows(int rc, PGresult *r, json_t **ids)
{
    int i;

    *ids = json_array();
    if (!*ids && rc == ERR_OK)
        rc = ERR_NOMEM;
    for (i = 0; rc == ERR_OK && i < PQntuples(r); i++) {
        if (json_array_append_new(*ids, json_integer(pq_get_int64(r, i, 0))) != 0)
            rc = ERR_NOMEM;
    }
    PQclear(r);
    return rc;
}

int
pgsql_location_staff(struct store_conn *c, int64_t location_id, int64_t from, json_t **ids)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_LOCATION_STAFF, "ii", location_id, from);

    return id_rows(rc, r, ids);
}

int
pgsql_location_members(struct store_conn *c, int64_t location_id, json_t **items)
{
    *items = NULL;
    return pq_list_json(c, items, SQL_LOCATION_MEMBERS, "i", location_id);
}

int
pgsql_booking_move(struct store_conn *c, int64_t id, int64_t staff_id, int64_t location_id,
                   int64_t start, int64_t end, int64_t now)
{
    int rc =
        pq_cmd(c, NULL, SQL_BOOKING_MOVE, "iiiiii", staff_id, location_id, start, end, now, id);

    return rc == ERR_OK ? pq_cmd(c, NULL, SQL_BOOKING_UNITS_MOVE, "i", id) : rc;
}

int
pgsql_booking_set_notes(struct store_conn *c, int64_t id, const char *notes, int64_t now)
{
    return pq_cmd(c, NULL, SQL_BOOKING_NOTES, "tii", notes, now, id);
}

int
pgsql_booking_cancel(struct store_conn *c, int64_t id, const char *reason, int64_t now)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_BOOKING_CANCEL, "tii", reason, now, id);

    if (rc == ERR_OK && changed == 0)
        rc = ERR_CONFLICT; /* no such booking, or cancelled already */
    return rc;
}

int
pgsql_history_add(struct store_conn *c, int64_t booking_id, int64_t at, int64_t actor_user_id,
                  const char *actor, const char *action, const char *changes_json)
{
    return pq_cmd(c, NULL, SQL_HISTORY_INSERT, "iiittt", booking_id, at, optional_id(actor_user_id),
                  actor, action, changes_json);
}

int
pgsql_history_list(struct store_conn *c, int64_t booking_id, json_t **items)
{
    int rc = pq_list_json(c, items, SQL_HISTORY_LIST, "i", booking_id);

    return rc == ERR_OK ? store_history_changes(*items) : rc;
}

int
pgsql_location_shifts(struct store_conn *c, int64_t location_id, struct arena *a,
                      struct store_shift **out, size_t *n)
{
    return shifts_by(c, SQL_LOCATION_SHIFTS, location_id, a, out, n);
}

int
pgsql_diary_bookings(struct store_conn *c, const int64_t *staff_ids, size_t n_staff, int64_t from,
                     int64_t to, int64_t ends_after, json_t **items)
{
    struct buf ids;
    size_t i;
    int rc;

    *items = NULL;
    buf_init(&ids, 24 * n_staff + 8);
    rc = store_id_list(&ids, staff_ids, n_staff, "{", "}");
    if (rc == ERR_OK)
        rc = pq_list_json(c, items, SQL_DIARY_BOOKINGS, "tiii", ids.data, from, to, ends_after);
    for (i = 0; rc == ERR_OK && i < json_array_size(*items); i++)
        parse_service_ids(json_array_get(*items, i));
    buf_cleanup(&ids);
    return rc;
}

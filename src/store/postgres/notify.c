/* PostgreSQL backend: the outbox, sync issues, templates, webhooks, feed
 * tokens and reminders.
 *
 * Several server processes may share the outbox: a claim locks its row
 * with FOR UPDATE SKIP LOCKED, so racing workers take different rows
 * instead of one row twice, and upserts stand in for SQLite's
 * read-then-write under its single writer. */
#include <string.h>

#include "store/postgres/internal.h"
#include "util/err.h"

/* Parameters are cast wherever PostgreSQL would otherwise infer a type
 * from a literal ($1 = 0 makes $1 an int4) or could not infer one at all
 * ($1 IS NULL). An id of 0 or less is stored as NULL, as the SQLite
 * backend binds it. A negative LIMIT means none, as on SQLite. */
static const char SQL_OUTBOX_ADD[] =
    "INSERT INTO outbox (channel, kind, booking_id, webhook_id, recipient, subject, body, "
    "event, next_attempt_at, created_at) VALUES ($1, $2, "
    "CASE WHEN $3::bigint > 0 THEN $3::bigint END, CASE WHEN $4::bigint > 0 THEN $4::bigint END, "
    "$5, $6, $7, $8, $9, $10) RETURNING id";
/* One row whose time has come and that nobody holds; for the diary, only
 * the oldest open row of a booking, so one booking's operations run in
 * order and never side by side. SKIP LOCKED passes over a row another
 * worker is claiming right now; a row another worker claimed and
 * committed since this statement began is re-checked on its new version
 * (its lease now fails the test) and passed over too. */
static const char SQL_OUTBOX_CLAIM[] =
    "UPDATE outbox SET claimed_by = $1::bigint, claimed_until = $3::bigint, "
    "attempts = attempts + 1 "
    "WHERE id = (SELECT o.id FROM outbox o WHERE o.status = 'queued' "
    "AND o.next_attempt_at <= $2::bigint "
    "AND (o.claimed_until IS NULL OR o.claimed_until < $2::bigint) "
    "AND (o.channel <> 'diary' OR NOT EXISTS (SELECT 1 FROM outbox p WHERE "
    "p.channel = 'diary' AND p.booking_id = o.booking_id AND p.status = 'queued' "
    "AND p.id < o.id)) ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED) "
    "RETURNING id, channel, kind, coalesce(booking_id, 0), coalesce(webhook_id, 0), recipient, "
    "subject, body, attempts, created_at, coalesce(event, '')";
/* Checked first, outside a transaction: an idle outbox costs a read. */
static const char SQL_OUTBOX_ANY_DUE[] =
    "SELECT 1 FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1::bigint "
    "AND (claimed_until IS NULL OR claimed_until < $1::bigint) LIMIT 1";
static const char SQL_OUTBOX_FINISH[] =
    "UPDATE outbox SET status = $2::text, last_error = $3, next_attempt_at = $4, "
    "claimed_by = NULL, claimed_until = NULL, "
    "sent_at = CASE WHEN $2::text = 'sent' THEN $5::bigint ELSE sent_at END, "
    "subject = coalesce($7::text, subject) WHERE id = $1 AND claimed_by = $6";
static const char SQL_OUTBOX_LIST[] =
    "SELECT id, channel, kind, booking_id, recipient AS \"to\", subject, status, attempts, "
    "last_error, created_at, sent_at, next_attempt_at FROM outbox "
    "WHERE ($1::text IS NULL OR status = $1::text) AND ($2::text IS NULL OR channel = $2::text) "
    "AND ($3::bigint = 0 OR booking_id = $3::bigint) AND id > $4 "
    "ORDER BY id LIMIT CASE WHEN $5::bigint >= 0 THEN $5::bigint END";
/* The services in the booking's order (SQLite's group_concat walks the
 * booking_services primary key, booking_id then position). */
static const char SQL_NOTICE_BOOKING[] =
    "SELECT b.id, b.status, b.source, b.start_at, b.end_at, b.notes, b.staff_id, "
    "b.ical_sequence, b.updated_at AS modified_at, "
    "p.name AS patient, p.email AS patient_email, s.name AS staff, s.email AS staff_email, "
    "l.name AS location, l.address, l.timezone, "
    "(SELECT string_agg(sv.name, ', ' ORDER BY bs.position) FROM booking_services bs "
    " JOIN services sv ON sv.id = bs.service_id WHERE bs.booking_id = b.id) AS services "
    "FROM bookings b JOIN patients p ON p.id = b.patient_id JOIN staff s ON s.id = b.staff_id "
    "JOIN locations l ON l.id = b.location_id WHERE b.id = $1";
static const char SQL_NOTICE_APPT[] =
    "SELECT a.id, a.status, a.start_at, a.end_at, a.notes, a.staff_id, a.share_with_patient, "
    "a.ical_sequence, coalesce(a.ical_modified_at, a.created_at) AS modified_at, "
    "p.name AS patient, p.email AS patient_email, coalesce(s.name, '') AS staff, "
    "coalesce(s.email, '') AS staff_email, coalesce(ac.name, '') AS services, "
    "coalesce((SELECT l.timezone FROM staff_locations sl JOIN locations l ON "
    "l.id = sl.location_id WHERE sl.staff_id = a.staff_id ORDER BY l.id LIMIT 1), "
    "(SELECT timezone FROM settings WHERE id = 1)) AS timezone, "
    "coalesce((SELECT l.name FROM staff_locations sl JOIN locations l ON "
    "l.id = sl.location_id WHERE sl.staff_id = a.staff_id ORDER BY l.id LIMIT 1), '') "
    "AS location, '' AS address FROM appointments a JOIN patients p ON p.id = a.patient_id "
    "LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN actions ac ON ac.id = a.action_id "
    "WHERE a.id = $1";
static const char SQL_NOTICE_SETTINGS[] =
    "SELECT notification_email, smtp_url, mail_from, diary_url, diary_user, diary_password, "
    "sync_alert_after_s, reminder_before_min, public_url, allow_private_targets, mail_language "
    "FROM settings WHERE id = 1";
static const char SQL_ICAL_BUMP_BOOKING[] =
    "UPDATE bookings SET ical_sequence = ical_sequence + 1 WHERE id = $2::bigint "
    "AND $1::bigint IS NOT NULL";
static const char SQL_ICAL_BUMP_APPT[] =
    "UPDATE appointments SET ical_sequence = ical_sequence + 1, ical_modified_at = $1::bigint "
    "WHERE id = $2::bigint";
static const char SQL_TEMPLATE_GET[] =
    "SELECT name, subject, body_text, body_html FROM templates WHERE name = $1";
/* One statement, so two workers raising the same issue at once cannot
 * both insert it: the second updates (or, when the same issue is open,
 * leaves) the first one's row, and only a change counts as raised. */
static const char SQL_ISSUE_RAISE[] =
    "INSERT INTO sync_issues (booking_id, reason, since) VALUES ($1, $2::text, $3::bigint) "
    "ON CONFLICT (booking_id) DO UPDATE SET reason = $2::text, since = $3::bigint, "
    "resolved_at = NULL "
    "WHERE sync_issues.resolved_at IS NOT NULL OR sync_issues.reason <> $2::text";
static const char SQL_ISSUE_CLEAR[] = "DELETE FROM sync_issues WHERE booking_id = $1";
static const char SQL_ISSUE_LIST[] =
    "SELECT i.booking_id AS id, i.booking_id, i.reason, i.since, b.location_id FROM sync_issues i "
    "JOIN bookings b ON b.id = i.booking_id WHERE i.resolved_at IS NULL "
    "AND i.booking_id > $1 ORDER BY i.booking_id "
    "LIMIT CASE WHEN $2::bigint >= 0 THEN $2::bigint END";
static const char SQL_ISSUE_RESOLVE[] =
    "UPDATE sync_issues SET resolved_at = $1 WHERE booking_id = $2 AND resolved_at IS NULL";
static const char SQL_WEBHOOK_ADD[] =
    "INSERT INTO webhooks (url, events, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
static const char SQL_WEBHOOK_LIST[] =
    "SELECT id, url, events, last_status, last_attempt_at, created_at FROM webhooks "
    "WHERE ($1::bigint = 0 OR id = $1::bigint) ORDER BY id";
static const char SQL_WEBHOOK_DELETE[] = "DELETE FROM webhooks WHERE id = $1";
/* strpos, like SQLite's instr, is case-sensitive. */
static const char SQL_WEBHOOK_EVENT[] =
    "SELECT id, url FROM webhooks WHERE strpos(',' || events || ',', ',' || $1::text || ',') > 0 "
    "ORDER BY id";
static const char SQL_WEBHOOK_SECRET[] = "SELECT secret FROM webhooks WHERE id = $1";
static const char SQL_WEBHOOK_RESULT[] =
    "UPDATE webhooks SET last_status = $1, last_attempt_at = $2 WHERE id = $3";
static const char SQL_FEED_GET[] =
    "SELECT (token_hash = $3::bytea)::int FROM feed_tokens WHERE kind = $1 AND owner_id = $2";
static const char SQL_FEED_SET[] =
    "INSERT INTO feed_tokens (kind, owner_id, token_hash) VALUES ($1, $2, $3) "
    "ON CONFLICT (kind, owner_id) DO UPDATE SET token_hash = EXCLUDED.token_hash";
/* Ties on start_at in id order, the order of SQLite's bookings_start
 * index that its plan walks. */
static const char SQL_FEED_EVENTS[] =
    "SELECT b.id FROM bookings b WHERE b.status = 'confirmed' AND b.end_at > $3::bigint "
    "AND (($1::text = 'staff' AND b.staff_id = $2::bigint) "
    "OR ($1::text = 'location' AND b.location_id = $2::bigint)) "
    "ORDER BY b.start_at, b.id LIMIT CASE WHEN $4::bigint >= 0 THEN $4::bigint END";
static const char SQL_REMINDERS_DUE[] =
    "SELECT b.id, b.start_at FROM bookings b WHERE b.status = 'confirmed' "
    "AND b.start_at > $1::bigint "
    /* A scalar bound lets the planner range-scan the index on start_at; as a
     * join with settings it read every future booking on each poll. */
    "AND b.start_at <= $1::bigint + (SELECT reminder_before_min * 60 FROM settings "
    "WHERE id = 1) "
    "AND NOT EXISTS (SELECT 1 FROM reminders_sent r "
    "WHERE r.booking_id = b.id AND r.start_at = b.start_at) ORDER BY b.start_at, b.id "
    "LIMIT CASE WHEN $2::bigint >= 0 THEN $2::bigint END";
/* Two workers marking one reminder: exactly one sees *marked = 1. */
static const char SQL_REMINDER_MARK[] =
    "INSERT INTO reminders_sent (booking_id, start_at) VALUES ($1, $2) "
    "ON CONFLICT (booking_id, start_at) DO NOTHING";

int
pgsql_outbox_add(struct store_conn *c, const struct store_outbox_row *r, int64_t now, int64_t *id)
{
    int64_t new_id = 0;
    int rc = pq_int64(c, &new_id, SQL_OUTBOX_ADD, "ttiittttii", r->channel, r->kind, r->booking_id,
                      r->webhook_id, r->recipient ? r->recipient : "", r->subject ? r->subject : "",
                      r->body ? r->body : "", r->event, now, now);

    if (rc == ERR_OK && id)
        *id = new_id;
    return rc;
}

static int
read_claimed(const PGresult *r, struct arena *a, struct store_outbox_row *out)
{
    memset(out, 0, sizeof(*out));
    out->id = pq_get_int64(r, 0, 0);
    pq_get_text(r, 0, 1, out->channel, sizeof(out->channel));
    pq_get_text(r, 0, 2, out->kind, sizeof(out->kind));
    out->booking_id = pq_get_int64(r, 0, 3);
    out->webhook_id = pq_get_int64(r, 0, 4);
    out->recipient = pq_get_arena_text(r, 0, 5, a);
    out->subject = pq_get_arena_text(r, 0, 6, a);
    out->body = pq_get_arena_text(r, 0, 7, a);
    out->attempts = (int)pq_get_int64(r, 0, 8);
    out->created_at = pq_get_int64(r, 0, 9);
    out->event = pq_get_arena_text(r, 0, 10, a);
    return out->body && out->recipient && out->subject && out->event ? ERR_OK : ERR_NOMEM;
}

int
pgsql_outbox_claim(struct store_conn *c, int64_t worker, int64_t now, int64_t lease_until,
                   struct arena *a, struct store_outbox_row *out)
{
    PGresult *r = NULL;
    int64_t due = 0;
    int rc = pq_int64(c, &due, SQL_OUTBOX_ANY_DUE, "i", now);

    if (rc != ERR_OK)
        return rc; /* ERR_NOT_FOUND: nothing due, no transaction spent */
    rc = pgsql_begin(c, 1);
    if (rc != ERR_OK)
        return rc;
    rc = pq_exec(c, &r, SQL_OUTBOX_CLAIM, "iii", worker, now, lease_until);
    if (rc == ERR_OK)
        rc = PQntuples(r) == 1 ? read_claimed(r, a, out) : ERR_NOT_FOUND;
    PQclear(r);
    if (rc == ERR_OK)
        return pgsql_commit(c);
    pgsql_rollback(c);
    return rc;
}

int
pgsql_outbox_finish(struct store_conn *c, int64_t id, int64_t worker, const char *status,
                    const char *error, const char *subject, int64_t next_attempt_at, int64_t now)
{
    return pq_cmd(c, NULL, SQL_OUTBOX_FINISH, "ittiiit", id, status, error ? error : "",
                  next_attempt_at, now, worker, subject);
}

/* A list on error is NULL, as the SQLite backend leaves it. */
static int
list_or_null(int rc, json_t **items)
{
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int
pgsql_outbox_list(struct store_conn *c, const struct store_outbox_filter *f, json_t **items)
{
    return list_or_null(pq_list_json(c, items, SQL_OUTBOX_LIST, "ttiid", f->status, f->channel,
                                     f->booking_id, f->after_id, f->limit),
                        items);
}

int
pgsql_notice_booking(struct store_conn *c, int64_t booking_id, json_t **out)
{
    return pq_one_json(c, out, SQL_NOTICE_BOOKING, "i", booking_id);
}

int
pgsql_notice_appointment(struct store_conn *c, int64_t appointment_id, json_t **out)
{
    return pq_one_json(c, out, SQL_NOTICE_APPT, "i", appointment_id);
}

int
pgsql_notice_settings(struct store_conn *c, json_t **out)
{
    return pq_one_json(c, out, SQL_NOTICE_SETTINGS, NULL);
}

int
pgsql_ical_bump(struct store_conn *c, const char *kind, int64_t id, int64_t now)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed,
                    strcmp(kind, "appointment") == 0 ? SQL_ICAL_BUMP_APPT : SQL_ICAL_BUMP_BOOKING,
                    "ii", now, id);

    return rc == ERR_OK && changed == 0 ? ERR_NOT_FOUND : rc;
}

int
pgsql_template_get(struct store_conn *c, const char *name, json_t **out)
{
    return pq_one_json(c, out, SQL_TEMPLATE_GET, "t", name);
}

int
pgsql_sync_issue_raise(struct store_conn *c, int64_t booking_id, const char *reason, int64_t now,
                       int *raised)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_ISSUE_RAISE, "iti", booking_id, reason, now);

    *raised = rc == ERR_OK && changed > 0;
    return rc;
}

int
pgsql_sync_issue_clear(struct store_conn *c, int64_t booking_id)
{
    return pq_cmd(c, NULL, SQL_ISSUE_CLEAR, "i", booking_id);
}

int
pgsql_sync_issue_list(struct store_conn *c, int64_t after_id, int limit, json_t **items)
{
    return list_or_null(pq_list_json(c, items, SQL_ISSUE_LIST, "id", after_id, limit), items);
}

int
pgsql_sync_issue_resolve(struct store_conn *c, int64_t booking_id, int64_t now)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_ISSUE_RESOLVE, "ii", now, booking_id);

    return rc == ERR_OK && changed == 0 ? ERR_NOT_FOUND : rc;
}

int
pgsql_webhook_add(struct store_conn *c, const char *url, const char *events, const char *secret,
                  int64_t now, int64_t *id)
{
    return pq_int64(c, id, SQL_WEBHOOK_ADD, "ttti", url, events, secret, now);
}

int
pgsql_webhook_list(struct store_conn *c, int64_t id, json_t **items)
{
    return list_or_null(pq_list_json(c, items, SQL_WEBHOOK_LIST, "i", id), items);
}

int
pgsql_webhook_delete(struct store_conn *c, int64_t id)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_WEBHOOK_DELETE, "i", id);

    return rc == ERR_OK && changed == 0 ? ERR_NOT_FOUND : rc;
}

int
pgsql_webhooks_for_event(struct store_conn *c, const char *event, json_t **items)
{
    return list_or_null(pq_list_json(c, items, SQL_WEBHOOK_EVENT, "t", event), items);
}

/* The first cell of r, the result of a statement that ran with rc,
 * copied to out; ERR_NOT_FOUND when there is no row. Clears r. */
static int
first_text(int rc, PGresult *r, char *out, size_t size)
{
    if (rc == ERR_OK && PQntuples(r) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == ERR_OK)
        pq_get_text(r, 0, 0, out, size);
    PQclear(r);
    return rc;
}

int
pgsql_webhook_secret(struct store_conn *c, int64_t id, char *out, size_t size)
{
    PGresult *r = NULL;
    int rc = pq_exec(c, &r, SQL_WEBHOOK_SECRET, "i", id);

    return first_text(rc, r, out, size);
}

int
pgsql_webhook_result(struct store_conn *c, int64_t id, int status, int64_t now)
{
    return pq_cmd(c, NULL, SQL_WEBHOOK_RESULT, "dii", status, now, id);
}

int
pgsql_feed_token_get(struct store_conn *c, const char *kind, int64_t owner_id,
                     const unsigned char *token_hash, size_t hash_len, int *matches)
{
    int64_t eq = 0;
    int rc = pq_int64(c, &eq, SQL_FEED_GET, "tib", kind, owner_id, token_hash, hash_len);

    *matches = rc == ERR_OK && eq == 1;
    return rc;
}

int
pgsql_feed_token_set(struct store_conn *c, const char *kind, int64_t owner_id,
                     const unsigned char *token_hash, size_t hash_len)
{
    return pq_cmd(c, NULL, SQL_FEED_SET, "tib", kind, owner_id, token_hash, hash_len);
}

int
pgsql_feed_bookings(struct store_conn *c, const char *kind, int64_t owner_id, int64_t since,
                    int limit, json_t **items)
{
    return list_or_null(
        pq_list_json(c, items, SQL_FEED_EVENTS, "tiid", kind, owner_id, since, limit), items);
}

int
pgsql_reminders_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
    return list_or_null(pq_list_json(c, items, SQL_REMINDERS_DUE, "id", now, limit), items);
}

int
pgsql_reminder_mark(struct store_conn *c, int64_t booking_id, int64_t start_at, int *marked)
{
    int64_t changed = 0;
    int rc = pq_cmd(c, &changed, SQL_REMINDER_MARK, "ii", booking_id, start_at);

    *marked = rc == ERR_OK && changed > 0;
    return rc;
}

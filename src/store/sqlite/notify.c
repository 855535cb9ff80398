/* SQLite backend: the outbox, sync issues, templates, webhooks, feed
 * tokens and reminders. */
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static const char SQL_OUTBOX_ADD[] =
    "INSERT INTO outbox (channel, kind, booking_id, webhook_id, recipient, subject, body, "
    "event, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* One row whose time has come and that nobody holds; for the diary, only
 * the oldest open row of a booking, so one booking's operations run in
 * order and never side by side. */
static const char SQL_OUTBOX_CLAIM[] =
    "UPDATE outbox SET claimed_by = ?1, claimed_until = ?3, attempts = attempts + 1 "
    "WHERE id = (SELECT o.id FROM outbox o WHERE o.status = 'queued' "
    "AND o.next_attempt_at <= ?2 AND (o.claimed_until IS NULL OR o.claimed_until < ?2) "
    "AND (o.channel <> 'diary' OR NOT EXISTS (SELECT 1 FROM outbox p WHERE "
    "p.channel = 'diary' AND p.booking_id = o.booking_id AND p.status = 'queued' "
    "AND p.id < o.id)) ORDER BY o.next_attempt_at, o.id LIMIT 1) "
    "RETURNING id, channel, kind, booking_id, webhook_id, recipient, subject, body, attempts, "
    "created_at, coalesce(event, '')";
/* Checked first, without the write lock: an idle outbox costs a read. */
static const char SQL_OUTBOX_ANY_DUE[] =
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?1 "
    "AND (claimed_until IS NULL OR claimed_until < ?1))";
static const char SQL_OUTBOX_FINISH[] =
    "UPDATE outbox SET status = ?2, last_error = ?3, next_attempt_at = ?4, claimed_by = NULL, "
    "claimed_until = NULL, sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END, "
    "subject = coalesce(?7, subject) WHERE id = ?1 AND claimed_by = ?6";
static const char SQL_OUTBOX_LIST[] =
    "SELECT id, channel, kind, booking_id, recipient AS \"to\", subject, status, attempts, "
    "last_error, created_at, sent_at, next_attempt_at FROM outbox "
    "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR channel = ?2) "
    "AND (?3 = 0 OR booking_id = ?3) AND id > ?4 ORDER BY id LIMIT ?5";
static const char SQL_NOTICE_BOOKING[] =
    "SELECT b.id, b.status, b.source, b.start_at, b.end_at, b.notes, b.staff_id, "
    "b.ical_sequence, b.updated_at AS modified_at, "
    "p.name AS patient, p.email AS patient_email, s.name AS staff, s.email AS staff_email, "
    "l.name AS location, l.address, l.timezone, "
    "(SELECT group_concat(sv.name, ', ') FROM booking_services bs JOIN services sv "
    " ON sv.id = bs.service_id WHERE bs.booking_id = b.id) AS services "
    "FROM bookings b JOIN patients p ON p.id = b.patient_id JOIN staff s ON s.id = b.staff_id "
    "JOIN locations l ON l.id = b.location_id WHERE b.id = ?";
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
    "WHERE a.id = ?";
static const char SQL_NOTICE_SETTINGS[] =
    "SELECT notification_email, smtp_url, mail_from, diary_url, diary_user, diary_password, "
    "sync_alert_after_s, reminder_before_min, public_url, allow_private_targets, mail_language "
    "FROM settings WHERE id = 1";
static const char SQL_ICAL_BUMP_BOOKING[] =
    "UPDATE bookings SET ical_sequence = ical_sequence + 1 WHERE id = ?2";
static const char SQL_ICAL_BUMP_APPT[] = "UPDATE appointments SET ical_sequence = ical_sequence + "
                                         "1, ical_modified_at = ?1 WHERE id = ?2";
static const char SQL_TEMPLATE_GET[] =
    "SELECT name, subject, body_text, body_html FROM templates WHERE name = ?";
static const char SQL_ISSUE_RAISE[] =
    "INSERT INTO sync_issues (booking_id, reason, since) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (booking_id) DO UPDATE SET reason = ?2, since = ?3, resolved_at = NULL "
    "WHERE resolved_at IS NOT NULL OR reason <> ?2";
static const char SQL_ISSUE_CLEAR[] = "DELETE FROM sync_issues WHERE booking_id = ?";
static const char SQL_ISSUE_LIST[] =
    "SELECT i.booking_id AS id, i.booking_id, i.reason, i.since, b.location_id FROM sync_issues i "
    "JOIN bookings b ON b.id = i.booking_id WHERE i.resolved_at IS NULL "
    "AND i.booking_id > ?1 ORDER BY i.booking_id LIMIT ?2";
static const char SQL_ISSUE_RESOLVE[] =
    "UPDATE sync_issues SET resolved_at = ? WHERE booking_id = ? AND resolved_at IS NULL";
static const char SQL_WEBHOOK_ADD[] =
    "INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?)";
static const char SQL_WEBHOOK_LIST[] =
    "SELECT id, url, events, last_status, last_attempt_at, created_at FROM webhooks "
    "WHERE (?1 = 0 OR id = ?1) ORDER BY id";
static const char SQL_WEBHOOK_DELETE[] = "DELETE FROM webhooks WHERE id = ?";
static const char SQL_WEBHOOK_EVENT[] =
    "SELECT id, url FROM webhooks WHERE instr(',' || events || ',', ',' || ? || ',') > 0 "
    "ORDER BY id";
static const char SQL_WEBHOOK_SECRET[] = "SELECT secret FROM webhooks WHERE id = ?";
static const char SQL_WEBHOOK_RESULT[] =
    "UPDATE webhooks SET last_status = ?, last_attempt_at = ? WHERE id = ?";
static const char SQL_FEED_GET[] =
    "SELECT token_hash = ?3 FROM feed_tokens WHERE kind = ?1 AND owner_id = ?2";
static const char SQL_FEED_SET[] =
    "INSERT INTO feed_tokens (kind, owner_id, token_hash) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (kind, owner_id) DO UPDATE SET token_hash = ?3";
static const char SQL_FEED_EVENTS[] =
    "SELECT b.id FROM bookings b WHERE b.status = 'confirmed' AND b.end_at > ?3 "
    "AND ((?1 = 'staff' AND b.staff_id = ?2) OR (?1 = 'location' AND b.location_id = ?2)) "
    "ORDER BY b.start_at LIMIT ?4";
static const char SQL_REMINDERS_DUE[] =
    "SELECT b.id, b.start_at FROM bookings b, settings s WHERE s.id = 1 "
    "AND b.status = 'confirmed' AND b.start_at > ?1 "
    "AND b.start_at <= ?1 + s.reminder_before_min * 60 "
    "AND NOT EXISTS (SELECT 1 FROM reminders_sent r "
    "WHERE r.booking_id = b.id AND r.start_at = b.start_at) ORDER BY b.start_at LIMIT ?2";
static const char SQL_REMINDER_MARK[] =
    "INSERT OR IGNORE INTO reminders_sent (booking_id, start_at) VALUES (?, ?)";

int
sqlite_outbox_add(struct store_conn *c, const struct store_outbox_row *r, int64_t now, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_OUTBOX_ADD);
    int rc;

    if (!st || sql_bind(c, st, "ttoottttii", r->channel, r->kind, r->booking_id, r->webhook_id,
                        r->recipient ? r->recipient : "", r->subject ? r->subject : "",
                        r->body ? r->body : "", r->event, now, now) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && id)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

static void
read_claimed(sqlite3_stmt *st, struct arena *a, struct store_outbox_row *out)
{
    memset(out, 0, sizeof(*out));
    out->id = sqlite3_column_int64(st, 0);
    sql_copy_text(st, 1, out->channel, sizeof(out->channel));
    sql_copy_text(st, 2, out->kind, sizeof(out->kind));
    out->booking_id = sqlite3_column_int64(st, 3);
    out->webhook_id = sqlite3_column_int64(st, 4);
    out->recipient = sql_arena_text(st, 5, a);
    out->subject = sql_arena_text(st, 6, a);
    out->body = sql_arena_text(st, 7, a);
    out->attempts = sqlite3_column_int(st, 8);
    out->created_at = sqlite3_column_int64(st, 9);
    out->event = sql_arena_text(st, 10, a);
}

/* The claim proper, a write of its own (through the group commit). */
struct claim {
    int64_t worker, now, lease_until;
    struct arena *a;
    struct store_outbox_row *out;
};

static int
claim_due(struct store_conn *c, void *arg)
{
    struct claim *cl = arg;
    sqlite3_stmt *st = sql_prepare(c, SQL_OUTBOX_CLAIM);
    int rc;

    if (!st || sql_bind(c, st, "iii", cl->worker, cl->now, cl->lease_until) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_claimed(st, cl->a, cl->out);
        rc = cl->out->body && cl->out->recipient && cl->out->subject && cl->out->event ? ERR_OK
                                                                                       : ERR_NOMEM;
    } else {
        rc = rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int
sqlite_outbox_claim(struct store_conn *c, int64_t worker, int64_t now, int64_t lease_until,
                    struct arena *a, struct store_outbox_row *out)
{
    struct claim cl = {worker, now, lease_until, a, out};
    sqlite3_stmt *st = sql_prepare(c, SQL_OUTBOX_ANY_DUE);
    int rc;

    /* Most looks find nothing: no write for those. */
    if (!st || sql_bind(c, st, "i", now) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    rc = rc == SQLITE_ROW ? (sqlite3_column_int(st, 0) ? ERR_OK : ERR_NOT_FOUND) : sql_err(c, rc);
    sqlite3_reset(st);
    return rc == ERR_OK ? sqlite_write(c, claim_due, &cl) : rc;
}

int
sqlite_outbox_finish(struct store_conn *c, int64_t id, int64_t worker, const char *status,
                     const char *error, const char *subject, int64_t next_attempt_at, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_OUTBOX_FINISH);

    if (!st || sql_bind(c, st, "ittiiit", id, status, error ? error : "", next_attempt_at, now,
                        worker, subject) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_outbox_list(struct store_conn *c, const struct store_outbox_filter *f, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_OUTBOX_LIST, items);
    int rc;

    if (!st || sql_bind(c, st, "ttiid", f->status, f->channel, f->booking_id, f->after_id,
                        f->limit) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

static int
one_by_id(struct store_conn *c, const char *sql, int64_t id, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, sql);

    *out = NULL;
    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    return sql_one_json(c, st, out);
}

int
sqlite_notice_booking(struct store_conn *c, int64_t booking_id, json_t **out)
{
    return one_by_id(c, SQL_NOTICE_BOOKING, booking_id, out);
}

int
sqlite_notice_appointment(struct store_conn *c, int64_t appointment_id, json_t **out)
{
    return one_by_id(c, SQL_NOTICE_APPT, appointment_id, out);
}

int
sqlite_notice_settings(struct store_conn *c, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_NOTICE_SETTINGS);

    *out = NULL;
    return st ? sql_one_json(c, st, out) : ERR_STORE;
}

int
sqlite_ical_bump(struct store_conn *c, const char *kind, int64_t id, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, strcmp(kind, "appointment") == 0 ? SQL_ICAL_BUMP_APPT
                                                                       : SQL_ICAL_BUMP_BOOKING);
    int rc;

    if (!st || sql_bind(c, st, "ii", now, id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    return rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0 ? ERR_NOT_FOUND : rc;
}

int
sqlite_template_get(struct store_conn *c, const char *name, json_t **out)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_TEMPLATE_GET);

    *out = NULL;
    if (!st || sql_bind(c, st, "t", name) != ERR_OK)
        return ERR_STORE;
    return sql_one_json(c, st, out);
}

int
sqlite_sync_issue_raise(struct store_conn *c, int64_t booking_id, const char *reason, int64_t now,
                        int *raised)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ISSUE_RAISE);
    int rc;

    *raised = 0;
    if (!st || sql_bind(c, st, "iti", booking_id, reason, now) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *raised = sqlite3_changes(lite(c)->db) > 0;
    return rc;
}

int
sqlite_sync_issue_clear(struct store_conn *c, int64_t booking_id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ISSUE_CLEAR);

    if (!st || sql_bind(c, st, "i", booking_id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_sync_issue_list(struct store_conn *c, int64_t after_id, int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_ISSUE_LIST, items);
    int rc;

    if (!st || sql_bind(c, st, "id", after_id, limit) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int
sqlite_sync_issue_resolve(struct store_conn *c, int64_t booking_id, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_ISSUE_RESOLVE);
    int rc;

    if (!st || sql_bind(c, st, "ii", now, booking_id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int
sqlite_webhook_add(struct store_conn *c, const char *url, const char *events, const char *secret,
                   int64_t now, int64_t *id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_WEBHOOK_ADD);
    int rc;

    if (!st || sql_bind(c, st, "ttti", url, events, secret, now) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *id = sqlite3_last_insert_rowid(lite(c)->db);
    return rc;
}

int
sqlite_webhook_list(struct store_conn *c, int64_t id, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_WEBHOOK_LIST, items);
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int
sqlite_webhook_delete(struct store_conn *c, int64_t id)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_WEBHOOK_DELETE);
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    return rc == ERR_OK && sqlite3_changes(lite(c)->db) == 0 ? ERR_NOT_FOUND : rc;
}

int
sqlite_webhooks_for_event(struct store_conn *c, const char *event, json_t **items)
{
    sqlite3_stmt *st = sql_prepare_list(c, SQL_WEBHOOK_EVENT, items);
    int rc;

    if (!st || sql_bind(c, st, "t", event) != ERR_OK)
        return ERR_STORE;
    rc = sql_rows_json(c, st, *items);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int
sqlite_webhook_secret(struct store_conn *c, int64_t id, char *out, size_t size)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_WEBHOOK_SECRET);
    int rc;

    if (!st || sql_bind(c, st, "i", id) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sql_copy_text(st, 0, out, size);
    rc = rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int
sqlite_webhook_result(struct store_conn *c, int64_t id, int status, int64_t now)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_WEBHOOK_RESULT);

    if (!st || sql_bind(c, st, "dii", (int)(status), now, id) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

int
sqlite_feed_token_get(struct store_conn *c, const char *kind, int64_t owner_id,
                      const unsigned char *token_hash, size_t hash_len, int *matches)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FEED_GET);
    int rc;

    *matches = 0;
    if (!st || sql_bind(c, st, "tib", kind, owner_id, token_hash, hash_len) != ERR_OK)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *matches = sqlite3_column_int(st, 0) == 1;
    rc = rc == SQLITE_ROW ? ERR_OK : rc == SQLITE_DONE ? ERR_NOT_FOUND : sql_err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int
sqlite_feed_token_set(struct store_conn *c, const char *kind, int64_t owner_id,
                      const unsigned char *token_hash, size_t hash_len)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FEED_SET);

    if (!st || sql_bind(c, st, "tib", kind, owner_id, token_hash, hash_len) != ERR_OK)
        return ERR_STORE;
    return sql_exec_step(c, st);
}

static int
ids_of(struct store_conn *c, sqlite3_stmt *st, json_t **items)
{
    int rc;

    *items = json_array();
    if (!*items)
        return ERR_NOMEM;
    rc = sql_rows_json(c, st, *items);
    if (rc != ERR_OK) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int
sqlite_feed_bookings(struct store_conn *c, const char *kind, int64_t owner_id, int64_t since,
                     int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_FEED_EVENTS);

    *items = NULL;
    if (!st || sql_bind(c, st, "tiid", kind, owner_id, since, limit) != ERR_OK)
        return ERR_STORE;
    return ids_of(c, st, items);
}

int
sqlite_reminders_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_REMINDERS_DUE);

    *items = NULL;
    if (!st || sql_bind(c, st, "id", now, limit) != ERR_OK)
        return ERR_STORE;
    return ids_of(c, st, items);
}

int
sqlite_reminder_mark(struct store_conn *c, int64_t booking_id, int64_t start_at, int *marked)
{
    sqlite3_stmt *st = sql_prepare(c, SQL_REMINDER_MARK);
    int rc;

    *marked = 0;
    if (!st || sql_bind(c, st, "ii", booking_id, start_at) != ERR_OK)
        return ERR_STORE;
    rc = sql_exec_step(c, st);
    if (rc == ERR_OK)
        *marked = sqlite3_changes(lite(c)->db) > 0;
    return rc;
}

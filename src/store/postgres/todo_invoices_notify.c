/* Placeholders for the ops of store/sqlite/invoices.c, notify.c until their PostgreSQL
 * versions replace them; this file is deleted then. */
#include "store/postgres/internal.h"
#include "util/err.h"
#include "util/log.h"

int
pgsql_invoice_next_seq(struct store_conn *c, int year, int64_t *seq)
{
    (void)c;
    (void)year;
    (void)seq;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_next_seq");
    return ERR_STORE;
}

int
pgsql_invoice_insert(struct store_conn *c, const struct store_invoice *inv, int year, int64_t seq,
                     const char *number, int64_t *id)
{
    (void)c;
    (void)inv;
    (void)year;
    (void)seq;
    (void)number;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_insert");
    return ERR_STORE;
}

int
pgsql_invoice_set_lines(struct store_conn *c, int64_t id, const struct store_invoice_line *lines,
                        size_t n, const struct money_totals *totals)
{
    (void)c;
    (void)id;
    (void)lines;
    (void)n;
    (void)totals;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_set_lines");
    return ERR_STORE;
}

int
pgsql_invoice_set_state(struct store_conn *c, const struct store_invoice *inv)
{
    (void)c;
    (void)inv;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_set_state");
    return ERR_STORE;
}

int
pgsql_invoice_get(struct store_conn *c, int64_t id, struct store_invoice *out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_get");
    return ERR_STORE;
}

int
pgsql_invoice_by_booking(struct store_conn *c, int64_t booking_id, struct store_invoice *out)
{
    (void)c;
    (void)booking_id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_by_booking");
    return ERR_STORE;
}

int
pgsql_invoice_json(struct store_conn *c, int64_t id, json_t **out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_json");
    return ERR_STORE;
}

int
pgsql_invoice_list(struct store_conn *c, const struct store_invoice_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=invoice_list");
    return ERR_STORE;
}

int
pgsql_payment_insert(struct store_conn *c, const struct store_payment *p, int64_t *id)
{
    (void)c;
    (void)p;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=payment_insert");
    return ERR_STORE;
}

int
pgsql_payment_get(struct store_conn *c, int64_t id, struct store_payment *out)
{
    (void)c;
    (void)id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=payment_get");
    return ERR_STORE;
}

int
pgsql_payment_decide(struct store_conn *c, int64_t id, const char *status, int64_t at, int64_t by)
{
    (void)c;
    (void)id;
    (void)status;
    (void)at;
    (void)by;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=payment_decide");
    return ERR_STORE;
}

int
pgsql_payment_pending(struct store_conn *c, int64_t invoice_id, int *n, int64_t *amount)
{
    (void)c;
    (void)invoice_id;
    (void)n;
    (void)amount;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=payment_pending");
    return ERR_STORE;
}

int
pgsql_payment_list(struct store_conn *c, const char *status, int64_t after_id, int limit,
                   json_t **items)
{
    (void)c;
    (void)status;
    (void)after_id;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=payment_list");
    return ERR_STORE;
}

int
pgsql_booking_set_payment_status(struct store_conn *c, int64_t booking_id, const char *status)
{
    (void)c;
    (void)booking_id;
    (void)status;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=booking_set_payment_status");
    return ERR_STORE;
}

int
pgsql_outbox_add(struct store_conn *c, const struct store_outbox_row *r, int64_t now, int64_t *id)
{
    (void)c;
    (void)r;
    (void)now;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=outbox_add");
    return ERR_STORE;
}

int
pgsql_outbox_claim(struct store_conn *c, int64_t worker, int64_t now, int64_t lease_until,
                   struct arena *a, struct store_outbox_row *out)
{
    (void)c;
    (void)worker;
    (void)now;
    (void)lease_until;
    (void)a;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=outbox_claim");
    return ERR_STORE;
}

int
pgsql_outbox_finish(struct store_conn *c, int64_t id, int64_t worker, const char *status,
                    const char *error, int64_t next_attempt_at, int64_t now)
{
    (void)c;
    (void)id;
    (void)worker;
    (void)status;
    (void)error;
    (void)next_attempt_at;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=outbox_finish");
    return ERR_STORE;
}

int
pgsql_outbox_list(struct store_conn *c, const struct store_outbox_filter *f, json_t **items)
{
    (void)c;
    (void)f;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=outbox_list");
    return ERR_STORE;
}

int
pgsql_notice_booking(struct store_conn *c, int64_t booking_id, json_t **out)
{
    (void)c;
    (void)booking_id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=notice_booking");
    return ERR_STORE;
}

int
pgsql_notice_appointment(struct store_conn *c, int64_t appointment_id, json_t **out)
{
    (void)c;
    (void)appointment_id;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=notice_appointment");
    return ERR_STORE;
}

int
pgsql_notice_settings(struct store_conn *c, json_t **out)
{
    (void)c;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=notice_settings");
    return ERR_STORE;
}

int
pgsql_template_get(struct store_conn *c, const char *name, json_t **out)
{
    (void)c;
    (void)name;
    (void)out;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=template_get");
    return ERR_STORE;
}

int
pgsql_sync_issue_raise(struct store_conn *c, int64_t booking_id, const char *reason, int64_t now,
                       int *raised)
{
    (void)c;
    (void)booking_id;
    (void)reason;
    (void)now;
    (void)raised;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=sync_issue_raise");
    return ERR_STORE;
}

int
pgsql_sync_issue_clear(struct store_conn *c, int64_t booking_id)
{
    (void)c;
    (void)booking_id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=sync_issue_clear");
    return ERR_STORE;
}

int
pgsql_sync_issue_list(struct store_conn *c, int64_t after_id, int limit, json_t **items)
{
    (void)c;
    (void)after_id;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=sync_issue_list");
    return ERR_STORE;
}

int
pgsql_sync_issue_resolve(struct store_conn *c, int64_t booking_id, int64_t now)
{
    (void)c;
    (void)booking_id;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=sync_issue_resolve");
    return ERR_STORE;
}

int
pgsql_webhook_add(struct store_conn *c, const char *url, const char *events, const char *secret,
                  int64_t now, int64_t *id)
{
    (void)c;
    (void)url;
    (void)events;
    (void)secret;
    (void)now;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhook_add");
    return ERR_STORE;
}

int
pgsql_webhook_list(struct store_conn *c, int64_t id, json_t **items)
{
    (void)c;
    (void)id;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhook_list");
    return ERR_STORE;
}

int
pgsql_webhook_delete(struct store_conn *c, int64_t id)
{
    (void)c;
    (void)id;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhook_delete");
    return ERR_STORE;
}

int
pgsql_webhooks_for_event(struct store_conn *c, const char *event, json_t **items)
{
    (void)c;
    (void)event;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhooks_for_event");
    return ERR_STORE;
}

int
pgsql_webhook_secret(struct store_conn *c, int64_t id, char *out, size_t size)
{
    (void)c;
    (void)id;
    (void)out;
    (void)size;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhook_secret");
    return ERR_STORE;
}

int
pgsql_webhook_result(struct store_conn *c, int64_t id, int status, int64_t now)
{
    (void)c;
    (void)id;
    (void)status;
    (void)now;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=webhook_result");
    return ERR_STORE;
}

int
pgsql_feed_token_get(struct store_conn *c, const char *kind, int64_t owner_id, char *out,
                     size_t size)
{
    (void)c;
    (void)kind;
    (void)owner_id;
    (void)out;
    (void)size;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=feed_token_get");
    return ERR_STORE;
}

int
pgsql_feed_token_set(struct store_conn *c, const char *kind, int64_t owner_id, const char *token)
{
    (void)c;
    (void)kind;
    (void)owner_id;
    (void)token;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=feed_token_set");
    return ERR_STORE;
}

int
pgsql_feed_bookings(struct store_conn *c, const char *kind, int64_t owner_id, int64_t since,
                    int limit, json_t **items)
{
    (void)c;
    (void)kind;
    (void)owner_id;
    (void)since;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=feed_bookings");
    return ERR_STORE;
}

int
pgsql_reminders_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
    (void)c;
    (void)now;
    (void)limit;
    (void)items;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=reminders_due");
    return ERR_STORE;
}

int
pgsql_reminder_mark(struct store_conn *c, int64_t booking_id, int64_t start_at, int *marked)
{
    (void)c;
    (void)booking_id;
    (void)start_at;
    (void)marked;
    log_line(LOG_ERROR, "msg=\"not ported to PostgreSQL yet\" op=reminder_mark");
    return ERR_STORE;
}

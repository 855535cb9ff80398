#include "service/webhooks.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/tz.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"
#include "util/tzdb.h"

static void
event_id(char out[WEBHOOKS_EVENT_ID_LEN])
{
    unsigned char r[16];

    randombytes_buf(r, sizeof(r));
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    snprintf(out, WEBHOOKS_EVENT_ID_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
             r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
             r[15]);
}

static json_t *
time_json(const struct tz_zone *zone, int64_t utc)
{
    char text[TZ_RFC3339_LEN];

    tz_format_rfc3339(utc, tz_offset_at(zone, utc), text);
    return json_string(text);
}

/* The booking as the body shows it; *zone is its location's. */
static int
booking_json(const struct svc *s, int64_t booking_id, const struct tz_zone **zone, json_t **out)
{
    json_t *b = NULL, *notice = NULL, *ids, *invoice;
    char date[CIVIL_DATE_LEN], hhmm[CIVIL_HHMM_LEN];
    int64_t start, local, day;
    int rc;

    *out = NULL;
    rc = store_booking_get(s->db, booking_id, &b);
    if (rc == ERR_OK)
        rc = store_notice_booking(s->db, booking_id, &notice);
    if (rc == ERR_OK)
        rc = tzdb_get(s->tzdb, row_text(notice, "timezone"), zone);
    if (rc != ERR_OK)
        goto out;
    start = row_int(b, "start_at");
    local = tz_utc_to_local(*zone, start);
    day = civil_day_of(local);
    civil_format_date(day, date);
    civil_format_hhmm((int)((local - day * 86400) / 60), hhmm);
    ids = json_object_get(b, "service_ids");
    invoice = json_object_get(b, "invoice_id");
    *out = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:s}", "id",
                     (json_int_t)booking_id, "status", row_text(b, "status"), "source",
                     row_text(b, "source"), "patient_id", (json_int_t)row_int(b, "patient_id"),
                     "staff_id", (json_int_t)row_int(b, "staff_id"), "location_id",
                     (json_int_t)row_int(b, "location_id"), "service_ids",
                     json_is_array(ids) ? json_incref(ids) : json_array(), "start",
                     time_json(*zone, start), "end", time_json(*zone, row_int(b, "end_at")),
                     "timezone", row_text(notice, "timezone"), "date", date, "time", hhmm,
                     "invoice_id", invoice ? json_incref(invoice) : json_null(), "payment_status",
                     row_text(b, "payment_status"));
    rc = *out ? ERR_OK : ERR_NOMEM;
out:
    json_decref(b);
    json_decref(notice);
    return rc;
}

/* One delivery of body to each of hooks. */
static int
queue(const struct svc *s, const char *event, int64_t booking_id, json_t *hooks, json_t *body_json)
{
    struct store_outbox_row row = {0};
    char *body = json_dumps(body_json, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *h;
    size_t i;
    int rc = body ? ERR_OK : ERR_NOMEM;

    json_array_foreach(hooks, i, h)
    {
        if (rc != ERR_OK)
            break;
        snprintf(row.channel, sizeof(row.channel), "webhook");
        snprintf(row.kind, sizeof(row.kind), "%s", event);
        row.booking_id = booking_id;
        row.webhook_id = row_int(h, "id");
        row.recipient = row_text(h, "url");
        row.subject = event;
        row.body = body;
        rc = store_outbox_add(s->db, &row, s->now, NULL);
    }
    free(body);
    return rc;
}

/* The envelope every event shares, around the booking; *out owned. */
static int
envelope(const struct svc *s, const char *event, int64_t booking_id, json_t **out)
{
    const struct tz_zone *zone = NULL;
    char id[WEBHOOKS_EVENT_ID_LEN];
    json_t *booking = NULL;
    int rc = booking_json(s, booking_id, &zone, &booking);

    *out = NULL;
    if (rc != ERR_OK)
        return rc;
    event_id(id);
    *out = json_pack("{s:s, s:s, s:o, s:o}", "id", id, "event", event, "occurred_at",
                     time_json(zone, s->now), "booking", booking);
    return *out ? ERR_OK : ERR_NOMEM;
}

int
webhooks_booking_event(const struct svc *s, int64_t booking_id, const char *event)
{
    json_t *hooks = NULL, *body = NULL;
    int rc = store_webhooks_for_event(s->db, event, &hooks);

    /* Most events have no webhook: then nothing more is read. */
    if (rc == ERR_OK && json_array_size(hooks))
        rc = envelope(s, event, booking_id, &body);
    if (rc == ERR_OK && body)
        rc = queue(s, event, booking_id, hooks, body);
    json_decref(body);
    json_decref(hooks);
    return rc;
}

int
webhooks_payment_confirmed(const struct svc *s, int64_t booking_id, int64_t payment_id)
{
    struct store_payment p;
    json_t *hooks = NULL, *body = NULL, *payment;
    int rc = store_webhooks_for_event(s->db, "payment.confirmed", &hooks);

    if (rc != ERR_OK || !json_array_size(hooks))
        goto out;
    rc = store_payment_get(s->db, payment_id, &p);
    if (rc == ERR_OK)
        rc = envelope(s, "payment.confirmed", booking_id, &body);
    if (rc == ERR_OK) {
        payment = json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)payment_id, "invoice_id",
                            (json_int_t)p.invoice_id, "amount", (json_int_t)p.amount, "method",
                            p.method, "status", p.status);
        rc = payment ? ERR_OK : ERR_NOMEM;
    }
    /* booking_id and payment_id at the top as they were before the
     * booking and payment objects, for receivers written then. Setting
     * steals payment, even when it fails. */
    if (rc == ERR_OK && (json_object_set_new(body, "payment", payment) != 0 ||
                         json_object_set_new(body, "booking_id", json_integer(booking_id)) != 0 ||
                         json_object_set_new(body, "payment_id", json_integer(payment_id)) != 0))
        rc = ERR_NOMEM;
    if (rc == ERR_OK)
        rc = queue(s, "payment.confirmed", booking_id, hooks, body);
out:
    json_decref(body);
    json_decref(hooks);
    return rc;
}

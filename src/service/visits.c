/* Visits and attendance: visits derived from a patient's items of a day,
 * attendance on each item (with its history and the no-show fee), and
 * one payment over a visit's invoices. */
#include "service/visits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/tz.h"
#include "service/billing.h"
#include "service/consumables.h"
#include "service/packages.h"
#include "service/payments.h"
#include "service/schedule.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

const char *const visits_attendances[] = {"pending", "confirmed", "arrived", "no_show", NULL};

#define DAY_S 86400
/* A local day begins within 14 hours of its UTC midnight, in any zone. */
#define ZONE_SLACK_S (15 * 3600)
#define VISIT_MAX_ITEMS 64

static int
is_booking(const json_t *row)
{
    return strcmp(row_text(row, "kind"), "booking") == 0;
}

/* The id a visit gets from its first item: see visits.h. */
static int64_t
item_visit_id(const json_t *row)
{
    return row_int(row, "id") * 2 + (is_booking(row) ? 0 : 1);
}

static int
settings_int(const struct svc *s, const char *name, int64_t *out)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_settings.table, 1, &row);

    if (rc == ERR_OK)
        *out = row_int(row, name);
    json_decref(row);
    return rc;
}

/* The local day the item starts on, in its location's zone. */
static int
item_day(const struct svc *s, const json_t *row, const struct tz_zone **zone, int64_t *day)
{
    int rc = sched_location_zone(s, row_int(row, "location_id"), zone);

    if (rc == ERR_OK)
        *day = civil_day_of(tz_utc_to_local(*zone, row_int(row, "start_at")));
    return rc;
}

/* Appends to visits one array per visit of the rows (ordered by patient,
 * location and start) that start on local day `day`; zone is
 * zone_location's when the caller knows it already (else NULL). */
static int
group(const struct svc *s, json_t *rows, int64_t day, int64_t interval_min,
      const struct tz_zone *zone, int64_t zone_location, json_t *visits)
{
    json_t *cur = NULL, *row;
    int64_t end = 0, patient = 0, location = 0, d = 0;
    size_t i;
    int rc = ERR_OK;

    json_array_foreach(rows, i, row)
    {
        /* One zone look-up per run of rows at the same location: just one
         * when a single location was asked for. */
        if (!zone || row_int(row, "location_id") != zone_location) {
            zone_location = row_int(row, "location_id");
            rc = sched_location_zone(s, zone_location, &zone);
            if (rc != ERR_OK)
                return rc;
        }
        d = civil_day_of(tz_utc_to_local(zone, row_int(row, "start_at")));
        if (d != day)
            continue;
        if (!cur || interval_min == 0 || row_int(row, "patient_id") != patient ||
            row_int(row, "location_id") != location ||
            row_int(row, "start_at") > end + interval_min * 60) {
            cur = json_array();
            if (!cur || json_array_append_new(visits, cur))
                return ERR_NOMEM;
            patient = row_int(row, "patient_id");
            location = row_int(row, "location_id");
            end = row_int(row, "end_at");
        }
        if (json_array_append(cur, row))
            return ERR_NOMEM;
        if (row_int(row, "end_at") > end)
            end = row_int(row, "end_at");
    }
    return rc;
}

/* Every visit of local day `day`, as arrays of item rows (with keys_only,
 * rows of what grouping needs: see store_visit_items). */
static int
day_visits(const struct svc *s, int64_t day, int64_t location_id, int64_t patient_id, int keys_only,
           json_t **visits)
{
    struct store_visit_filter f = {day * DAY_S - ZONE_SLACK_S, (day + 1) * DAY_S + ZONE_SLACK_S,
                                   patient_id, location_id, keys_only};
    const struct tz_zone *zone = NULL;
    json_t *rows = NULL;
    int64_t interval = 0;
    int rc = settings_int(s, "visit_interval_min", &interval);

    *visits = json_array();
    if (!*visits)
        return ERR_NOMEM;
    /* One location's local day is known exactly: no slack rows to drop. */
    if (rc == ERR_OK && location_id)
        rc = sched_location_zone(s, location_id, &zone);
    if (rc == ERR_OK && location_id) {
        f.from = sched_day_start(zone, day);
        f.to = sched_day_start(zone, day + 1);
    }
    if (rc == ERR_OK)
        rc = store_visit_items(s->db, &f, &rows);
    if (rc == ERR_OK)
        rc = group(s, rows, day, interval, zone, location_id, *visits);
    json_decref(rows);
    return rc;
}

/* The visits of the day item (a booking or appointment row as the store
 * reads it) is on, and (borrowed from *all) the one holding it; *visit
 * NULL when it is in none. keys_only as for day_visits. */
static int
locate_item(const struct svc *s, const char *kind, const json_t *item, int keys_only, json_t **all,
            json_t **visit)
{
    const struct tz_zone *zone;
    json_t *rows = NULL, *row, *v;
    const json_t *found = NULL;
    struct store_visit_filter f = {0};
    int64_t day = 0, id = row_int(item, "id");
    size_t i, j;
    int booking = strcmp(kind, "booking") == 0;
    int rc = ERR_OK;

    *all = NULL;
    *visit = NULL;
    if (row_int(item, "patient_id") <= 0)
        return ERR_OK;
    f.patient_id = row_int(item, "patient_id");
    f.keys_only = 1;
    /* A live booking is an item as it is (it names its location); an
     * appointment's location comes from its staff member, as the store
     * reads it. */
    if (booking && strcmp(row_text(item, "status"), "cancelled") != 0) {
        found = item;
    } else if (!booking) {
        f.from = row_int(item, "start_at") - DAY_S;
        f.to = row_int(item, "start_at") + DAY_S;
        rc = store_visit_items(s->db, &f, &rows);
    }
    json_array_foreach(rows, i, row)
    {
        if (row_int(row, "id") == id && !is_booking(row))
            found = row;
    }
    if (rc != ERR_OK || !found)
        goto out;
    rc = item_day(s, found, &zone, &day);
    if (rc == ERR_OK)
        rc = day_visits(s, day, row_int(found, "location_id"), f.patient_id, keys_only, all);
    json_array_foreach(*all, i, v)
    {
        json_array_foreach(v, j, row)
        {
            if (row_int(row, "id") == id && is_booking(row) == booking)
                *visit = v;
        }
    }
out:
    json_decref(rows);
    return rc;
}

static int
locate(const struct svc *s, const char *kind, int64_t id, int keys_only, json_t **all,
       json_t **visit)
{
    json_t *item = NULL;
    int rc = strcmp(kind, "booking") == 0 ? store_booking_get(s->db, id, &item)
                                          : store_appointment_get(s->db, id, &item);

    *all = NULL;
    *visit = NULL;
    if (rc == ERR_OK)
        rc = locate_item(s, kind, item, keys_only, all, visit);
    json_decref(item);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* The visit visit_id names now (borrowed from *all). */
static int
find_visit(const struct svc *s, int64_t visit_id, json_t **all, json_t **visit)
{
    int rc = ERR_OK;

    *all = NULL;
    *visit = NULL;
    if (visit_id >= 2)
        rc = locate(s, visit_id % 2 ? "appointment" : "booking", visit_id / 2, 0, all, visit);
    if (rc == ERR_OK && (!*visit || item_visit_id(json_array_get(*visit, 0)) != visit_id))
        rc = svc_fail(s, ERR_NOT_FOUND, "no such visit");
    return rc;
}

int
visits_id_of_item(const struct svc *s, const char *kind, const json_t *item, int64_t *visit_id)
{
    json_t *all = NULL, *visit = NULL;
    int rc = locate_item(s, kind, item, 1, &all, &visit);

    *visit_id = visit ? item_visit_id(json_array_get(visit, 0)) : 0;
    json_decref(all);
    return rc;
}

int
visits_id_of(const struct svc *s, const char *kind, int64_t id, int64_t *visit_id)
{
    json_t *all = NULL, *visit = NULL;
    int rc = locate(s, kind, id, 1, &all, &visit);

    *visit_id = visit ? item_visit_id(json_array_get(visit, 0)) : 0;
    json_decref(all);
    return rc;
}

static json_t *
item_json(const json_t *row, const struct tz_zone *zone)
{
    return json_pack(
        "{s:s, s:I, s:o, s:o, s:s, s:O, s:O, s:O}", "kind", row_text(row, "kind"), "id",
        (json_int_t)row_int(row, "id"), "start", sched_time_json(row_int(row, "start_at"), zone),
        "end", sched_time_json(row_int(row, "end_at"), zone), "attendance",
        row_text(row, "attendance"), "staff_id", json_object_get(row, "staff_id"), "staff_name",
        json_object_get(row, "staff_name"), "invoice_id", json_object_get(row, "invoice_id"));
}

struct visit_money {
    int64_t total, paid, due;
};

static int
add_money(const struct svc *s, const json_t *row, struct visit_money *m)
{
    struct store_invoice inv;
    int rc;

    if (row_int(row, "invoice_id") <= 0)
        return ERR_OK;
    rc = store_invoice_get(s->db, row_int(row, "invoice_id"), &inv);
    if (rc == ERR_OK && strcmp(inv.status, "void") != 0 && !inv.credited) {
        m->total += inv.totals.total;
        m->paid += inv.paid;
        m->due += billing_balance_due(&inv);
    }
    return rc;
}

/* A visit's rows -> {id, patient, location_id, start, end, attendance,
 * items, total, paid, balance_due}. */
static int
render(const struct svc *s, json_t *visit, json_t **out)
{
    const json_t *first = json_array_get(visit, 0);
    const struct tz_zone *zone;
    struct visit_money m = {0, 0, 0};
    json_t *items = json_array(), *row;
    const char *attendance = row_text(first, "attendance");
    int64_t end = 0;
    size_t i;
    int rc = items ? sched_location_zone(s, row_int(first, "location_id"), &zone) : ERR_NOMEM;

    *out = NULL;
    json_array_foreach(visit, i, row)
    {
        if (rc != ERR_OK)
            break;
        if (row_int(row, "end_at") > end)
            end = row_int(row, "end_at");
        if (strcmp(row_text(row, "attendance"), attendance) != 0)
            attendance = "mixed";
        rc = add_money(s, row, &m);
        if (rc == ERR_OK && json_array_append_new(items, item_json(row, zone)))
            rc = ERR_NOMEM;
    }
    if (rc == ERR_OK) {
        *out = json_pack(
            "{s:I, s:{s:O, s:O}, s:O, s:o, s:o, s:s, s:O, s:I, s:I, s:I}", "id",
            (json_int_t)item_visit_id(first), "patient", "id", json_object_get(first, "patient_id"),
            "name", json_object_get(first, "patient_name"), "location_id",
            json_object_get(first, "location_id"), "start",
            sched_time_json(row_int(first, "start_at"), zone), "end", sched_time_json(end, zone),
            "attendance", attendance, "items", items, "total", (json_int_t)m.total, "paid",
            (json_int_t)m.paid, "balance_due", (json_int_t)m.due);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(items);
    return rc;
}

int
visits_list(const struct svc *s, int64_t day, int64_t location_id, int64_t patient_id, json_t **out)
{
    json_t *all = NULL, *items = json_array(), *v, *item;
    size_t i;
    int rc = items ? ERR_OK : ERR_NOMEM;

    *out = NULL;
    if (rc != ERR_OK)
        goto out;
    rc = day_visits(s, day, location_id, patient_id, 0, &all);
    json_array_foreach(all, i, v)
    {
        if (rc != ERR_OK)
            break;
        rc = render(s, v, &item);
        if (rc == ERR_OK && json_array_append_new(items, item))
            rc = ERR_NOMEM;
    }
    if (rc == ERR_OK) {
        *out = json_pack("{s:O}", "items", items);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
out:
    json_decref(all);
    json_decref(items);
    return rc;
}

int
visits_day_ids(const struct svc *s, int64_t day, int64_t location_id, json_t **ids)
{
    json_t *all = NULL, *v, *row;
    char key[48];
    size_t i, j;
    int rc = day_visits(s, day, location_id, 0, 1, &all);

    *ids = json_object();
    if (!*ids)
        rc = ERR_NOMEM;
    json_array_foreach(all, i, v)
    {
        json_array_foreach(v, j, row)
        {
            snprintf(key, sizeof(key), "%s:%lld", row_text(row, "kind"),
                     (long long)row_int(row, "id"));
            if (rc == ERR_OK &&
                json_object_set_new(*ids, key, json_integer(item_visit_id(json_array_get(v, 0)))))
                rc = ERR_NOMEM;
        }
    }
    json_decref(all);
    return rc;
}

int
visits_get(const struct svc *s, int64_t visit_id, json_t **out)
{
    json_t *all = NULL, *visit = NULL;
    int rc = find_visit(s, visit_id, &all, &visit);

    *out = NULL;
    if (rc == ERR_OK)
        rc = render(s, visit, out);
    json_decref(all);
    return rc;
}

int
visits_no_show_fee_charge(const struct svc *s, const struct billing_ctx *b, int64_t booking_id)
{
    int64_t fee = 0;
    int rc = settings_int(s, "no_show_fee", &fee);

    if (rc == ERR_OK && fee > 0)
        rc = billing_fee_add(b, booking_id, VISITS_NO_SHOW_FEE_LINE, fee);
    return rc;
}

/* One item's attendance inside the caller's write transaction; unchanged
 * attendance writes nothing. */
static int
set_item(const struct svc *s, const char *kind, int64_t id, const char *attendance)
{
    int booking = strcmp(kind, "booking") == 0;
    struct billing_ctx b;
    char old[16] = "", *text = NULL;
    json_t *changes = NULL;
    int rc = store_attendance_set(s->db, kind, id, attendance, s->now, old, sizeof(old));

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such %s", kind);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "the %s is cancelled", kind);
    if (rc != ERR_OK || strcmp(old, attendance) == 0)
        return rc;
    changes = json_pack("{s:[s, s]}", "attendance", old, attendance);
    text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    if (!text)
        rc = ERR_NOMEM;
    else if (booking)
        rc = store_history_add(s->db, id, s->now, s->user_id, s->actor, "attendance", text);
    else
        rc = store_appt_history_add(s->db, id, s->now, s->user_id, s->actor, "attendance", text);
    if (rc == ERR_OK && booking)
        rc = packages_attendance_changed(s, id, old, attendance);
    /* The fee follows no_show in and out; other changes leave it alone. */
    if (rc == ERR_OK && booking &&
        (strcmp(old, "no_show") == 0) != (strcmp(attendance, "no_show") == 0)) {
        rc = billing_ctx_init(s, &b);
        if (rc == ERR_OK && strcmp(attendance, "no_show") == 0)
            rc = visits_no_show_fee_charge(s, &b, id);
        else if (rc == ERR_OK)
            rc = billing_fee_remove(&b, id, VISITS_NO_SHOW_FEE_LINE);
    }
    /* Consumables are used up while the patient is there: written off on
     * arrival, taken back when the booking leaves arrived. */
    if (rc == ERR_OK && booking &&
        (strcmp(old, "arrived") == 0) != (strcmp(attendance, "arrived") == 0))
        rc = consumables_follow_attendance(s, id, strcmp(attendance, "arrived") == 0);
    free(text);
    json_decref(changes);
    return rc;
}

struct item_args {
    const char *kind;
    int64_t id;
    const char *attendance;
};

static int
item_attendance(const struct svc *s, void *arg)
{
    const struct item_args *a = arg;

    return set_item(s, a->kind, a->id, a->attendance);
}

int
visits_item_attendance(const struct svc *s, const char *kind, int64_t id, const char *attendance)
{
    struct item_args a = {kind, id, attendance};

    return svc_write(s, item_attendance, &a);
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The ids of the visit's items of one kind, ascending: the order rows are
 * locked in, so two requests on one visit never wait on each other in a
 * cycle. */
static size_t
ids_of(json_t *visit, int bookings, int64_t *ids)
{
    json_t *row;
    size_t i, n = 0;

    json_array_foreach(visit, i, row)
    {
        if (is_booking(row) == bookings && n < VISIT_MAX_ITEMS)
            ids[n++] = row_int(row, "id");
    }
    qsort(ids, n, sizeof(*ids), cmp_id);
    return n;
}

struct visit_args {
    int64_t visit_id;
    const char *attendance;
    int64_t amount;
    const char *method;
    json_t *payments;
};

static int
visit_attendance(const struct svc *s, void *arg)
{
    const struct visit_args *a = arg;
    json_t *all = NULL, *visit = NULL;
    int64_t ids[VISIT_MAX_ITEMS];
    size_t i, n;
    int rc = find_visit(s, a->visit_id, &all, &visit), kind;

    for (kind = 1; rc == ERR_OK && kind >= 0; kind--) {
        n = ids_of(visit, kind, ids);
        for (i = 0; rc == ERR_OK && i < n; i++)
            rc = set_item(s, kind ? "booking" : "appointment", ids[i], a->attendance);
    }
    json_decref(all);
    return rc;
}

int
visits_set_attendance(const struct svc *s, int64_t visit_id, const char *attendance)
{
    struct visit_args a = {visit_id, attendance, 0, NULL, NULL};

    return svc_write(s, visit_attendance, &a);
}

/* What is left to pay on inv now: its balance less pending payments. */
static int
open_amount(const struct svc *s, const struct store_invoice *inv, int64_t *due)
{
    int64_t pending_amount = 0;
    int pending, rc = store_payment_pending(s->db, inv->id, &pending, &pending_amount);

    *due = rc == ERR_OK ? billing_balance_due(inv) - pending_amount : 0;
    if (*due < 0)
        *due = 0;
    return rc;
}

static int
pay_invoices(const struct svc *s, const struct visit_args *a, const int64_t *invoices, size_t n)
{
    struct store_invoice inv;
    int64_t due, left = a->amount, payment_id = 0;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n && left > 0; i++) {
        rc = store_invoice_get(s->db, invoices[i], &inv);
        if (rc == ERR_OK)
            rc = open_amount(s, &inv, &due);
        if (rc != ERR_OK || due == 0)
            continue;
        due = due < left ? due : left;
        rc = payments_at_desk(s, &inv, due, a->method, &payment_id);
        left -= due;
        if (rc == ERR_OK &&
            json_array_append_new(a->payments,
                                  json_pack("{s:I, s:I, s:I}", "invoice_id", (json_int_t)inv.id,
                                            "payment_id", (json_int_t)payment_id, "amount",
                                            (json_int_t)due)))
            rc = ERR_NOMEM;
    }
    return rc;
}

/* Invoices are paid oldest first: their ids grow with issue time. */
static int
visit_pay(const struct svc *s, void *arg)
{
    const struct visit_args *a = arg;
    struct store_invoice inv;
    json_t *all = NULL, *visit = NULL, *row;
    int64_t invoices[VISIT_MAX_ITEMS], due, total_due = 0;
    size_t i, n = 0;
    int rc = find_visit(s, a->visit_id, &all, &visit);

    json_array_foreach(visit, i, row)
    {
        if (row_int(row, "invoice_id") > 0 && n < VISIT_MAX_ITEMS)
            invoices[n++] = row_int(row, "invoice_id");
    }
    qsort(invoices, n, sizeof(*invoices), cmp_id);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        rc = store_invoice_get(s->db, invoices[i], &inv);
        if (rc == ERR_OK)
            rc = open_amount(s, &inv, &due);
        total_due += due;
    }
    if (rc == ERR_OK && total_due == 0)
        rc = svc_fail(s, ERR_CONFLICT, "nothing is left to pay on this visit");
    else if (rc == ERR_OK && a->amount > total_due)
        rc = svc_field_error(s, "amount", "is more than the visit's balance due");
    if (rc == ERR_OK)
        rc = pay_invoices(s, a, invoices, n);
    json_decref(all);
    return rc;
}

int
visits_pay(const struct svc *s, int64_t visit_id, int64_t amount, const char *method,
           json_t **payments)
{
    struct visit_args a = {visit_id, NULL, amount, method, json_array()};
    int rc = a.payments ? svc_write(s, visit_pay, &a) : ERR_NOMEM;

    if (rc == ERR_OK) {
        *payments = a.payments;
        a.payments = NULL;
    }
    json_decref(a.payments);
    return rc;
}

int
visits_report(const struct svc *s, int64_t from, int64_t to, json_t **out)
{
    static const char *const counted[] = {"pending", "confirmed", "arrived", "no_show"};
    json_t *items = NULL, *row;
    size_t i, k;
    int rc = store_attendance_report(s->db, from, to, &items);

    *out = NULL;
    json_array_foreach(items, i, row)
    {
        int64_t total = 0;

        for (k = 0; k < sizeof(counted) / sizeof(counted[0]); k++)
            total += row_int(row, counted[k]);
        json_object_set_new(row, "total", json_integer(total));
        json_object_set_new(row, "no_show_rate",
                            json_real(total ? (double)row_int(row, "no_show") / (double)total : 0));
    }
    if (rc == ERR_OK) {
        *out = json_pack("{s:O}", "items", items);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(items);
    return rc;
}

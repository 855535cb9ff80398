/* Selling packages at the desk and online, and reading sold packages. A
 * sale is one transaction: the invoice (a line per unit, credited to
 * Unearned Revenue), the sold package with its units, the online payment
 * and the confirmation e-mail commit together or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/packages.h"
#include "service/billing.h"
#include "service/package_notify.h"
#include "service/package_rows.h"
#include "service/packages.h"
#include "service/payments.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

/* What the lines are priced from. */
struct sale_prices {
    int packaged;
    int64_t price;
    int rate_bp, inclusive;
};

static int
load_prices(const struct svc *s, json_t *pkg, struct sale_prices *p)
{
    json_t *rate = NULL;
    int rc = ERR_OK;

    p->packaged = strcmp(row_text(pkg, "pricing"), "itemised") != 0;
    p->price = row_int(pkg, "price");
    p->rate_bp = p->inclusive = 0;
    if (row_int(pkg, "tax_rate_id"))
        rc = store_row_get(s->db, &setup_tax_rates.table, row_int(pkg, "tax_rate_id"), &rate);
    if (rc == ERR_OK && rate) {
        p->rate_bp = (int)row_int(rate, "rate_bp");
        p->inclusive = row_bool(rate, "inclusive");
    }
    json_decref(rate);
    return rc;
}

/* One line per unit, "Physio x5: Physiotherapy", priced by the package:
 * its price split over the units, or each unit at its service's price.
 * Descriptions live in the arena. */
static int
build_lines(const struct svc *s, json_t *pkg, struct store_invoice_line *lines, size_t *n)
{
    json_t *items = package_text_json(row_text(pkg, "items")), *item;
    int64_t split[PACKAGE_MAX_UNITS];
    struct sale_prices p;
    struct store_service svc;
    size_t i, k;
    int rc = load_prices(s, pkg, &p);

    *n = 0;
    json_array_foreach(items, i, item)
    {
        int64_t sid = row_int(item, "service_id");

        if (rc == ERR_OK)
            rc = store_services_get(s->db, &sid, 1, &svc);
        for (k = 0; rc == ERR_OK && k < (size_t)row_int(item, "quantity"); k++) {
            size_t len = strlen(row_text(pkg, "name")) + strlen(svc.name) + 3;
            char *d = *n < PACKAGE_MAX_UNITS ? arena_alloc(s->arena, len) : NULL;

            if (!d) {
                rc = *n < PACKAGE_MAX_UNITS ? ERR_NOMEM : ERR_INVALID;
                break;
            }
            snprintf(d, len, "%s: %s", row_text(pkg, "name"), svc.name);
            lines[*n] = (struct store_invoice_line){
                .service_id = sid,
                .description = d,
                .money = {.unit_price = svc.price, .quantity = 1, p.rate_bp, p.inclusive}};
            (*n)++;
        }
    }
    json_decref(items);
    if (rc == ERR_OK && p.packaged) {
        package_split_price(p.price, *n, split);
        for (i = 0; i < *n; i++)
            lines[i].money.unit_price = split[i];
    }
    return rc;
}

/* The package the patient may buy now: archived ones are refused, and
 * online only those offered online. */
static int
sellable(const struct svc *s, const struct package_sale *in, json_t **pkg)
{
    int rc = store_row_get(s->db, &package_table, in->package_id, pkg);

    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, "package_id", "names no package");
    if (rc == ERR_OK && row_bool(*pkg, "archived"))
        return svc_field_error(s, "package_id", "is archived and can no longer be sold");
    if (rc == ERR_OK && in->online && !row_bool(*pkg, "online_purchase"))
        return svc_field_error(s, "package_id", "is not offered for purchase online");
    return rc;
}

static int
check_patient(const struct svc *s, int64_t patient_id)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_patients.table, patient_id, &row);

    json_decref(row);
    return rc == ERR_NOT_FOUND ? svc_fail(s, rc, "no such patient") : rc;
}

/* The package is valid through its last day, expires_on, in the
 * organisation's zone; it expires when the next day begins. */
static int
set_expiry(const struct svc *s, json_t *pkg, json_t *row)
{
    const struct tz_zone *zone;
    char date[CIVIL_DATE_LEN];
    int64_t last;
    int rc;

    if (!row_int(pkg, "valid_days"))
        return ERR_OK;
    rc = sched_org_zone(s, &zone);
    if (rc != ERR_OK)
        return rc;
    last = civil_day_of(tz_utc_to_local(zone, s->now)) + row_int(pkg, "valid_days");
    civil_format_date(last, date);
    json_object_set_new(row, "expires_on", json_string(date));
    json_object_set_new(row, "expires_at", json_integer(sched_day_start(zone, last + 1)));
    return ERR_OK;
}

static int
record_sale(const struct svc *s, const struct package_sale *in, json_t *pkg, int64_t invoice_id,
            int64_t *id)
{
    json_t *row = json_pack(
        "{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "package_id", (json_int_t)in->package_id,
        "patient_id", (json_int_t)in->patient_id, "invoice_id", (json_int_t)invoice_id, "name",
        row_text(pkg, "name"), "staff_ids", row_text(pkg, "staff_ids"), "location_ids",
        row_text(pkg, "location_ids"), "purchased_at", (json_int_t)s->now, "status", "active");
    int rc = row ? set_expiry(s, pkg, row) : ERR_NOMEM;

    if (rc == ERR_OK)
        rc = store_row_insert(s->db, &patient_package_table, row, id);
    if (rc == ERR_OK)
        rc = store_package_items_create(s->db, *id, invoice_id);
    json_decref(row);
    return rc;
}

/* Online the clinic's payment setting rules, as for bookings. */
static int
online_payment(const struct svc *s, const struct package_sale *in, int64_t invoice_id)
{
    struct sched_settings st;
    int64_t payment_id = 0;
    int rc = sched_settings_load(s, &st);

    if (rc != ERR_OK || strcmp(st.client_payment, "disabled") == 0 || !in->pay_now)
        return rc;
    return payments_online(s, invoice_id, 0, NULL, &payment_id);
}

static int
online_rules(const struct svc *s, const struct package_sale *in)
{
    struct sched_settings st;
    int rc = sched_settings_load(s, &st);

    if (rc == ERR_OK && strcmp(st.client_payment, "enabled") == 0 && !in->pay_now)
        rc = svc_field_error(s, "pay", "this clinic needs payment with the purchase");
    return rc;
}

/* svc_write passes one pointer: the sale and where its id goes. */
struct sell_args {
    struct package_sale in;
    int64_t id;
};

static int
sell(const struct svc *s, void *arg)
{
    struct sell_args *a = arg;
    const struct package_sale *in = &a->in;
    struct store_invoice_line lines[PACKAGE_MAX_UNITS];
    struct billing_ctx b;
    json_t *pkg = NULL;
    int64_t invoice_id = 0, *id = &a->id;
    size_t n = 0;
    int rc = check_patient(s, in->patient_id);

    if (rc == ERR_OK)
        rc = sellable(s, in, &pkg);
    if (rc == ERR_OK && in->online)
        rc = online_rules(s, in);
    if (rc == ERR_OK)
        rc = build_lines(s, pkg, lines, &n);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = billing_invoice_package(&b, in->patient_id, lines, n, &invoice_id);
    if (rc == ERR_OK)
        rc = record_sale(s, in, pkg, invoice_id, id);
    if (rc == ERR_OK && in->online)
        rc = online_payment(s, in, invoice_id);
    if (rc == ERR_OK)
        rc = package_notify_purchased(s, *id);
    json_decref(pkg);
    return rc;
}

int
packages_sell(const struct svc *s, const struct package_sale *in, int64_t *id)
{
    struct sell_args a = {*in, 0};
    int rc;

    if (!s->arena)
        return ERR_INVALID;
    rc = svc_write(s, sell, &a);
    if (rc == ERR_OK)
        *id = a.id;
    return rc;
}

/* The sold package as the API shows it: its items, and the status it has
 * now (an expiry the daily job has not reached yet already shows). */
static int
render_sold(const struct svc *s, json_t *row)
{
    struct store_package_item_filter f = {.patient_package_id = row_int(row, "id")};
    const struct tz_zone *zone;
    json_t *items = NULL, *item;
    size_t i;
    int rc = store_package_items(s->db, &f, &items);

    if (rc == ERR_OK)
        rc = sched_org_zone(s, &zone);
    json_array_foreach(items, i, item)
    {
        json_object_del(item, "staff_ids");
        json_object_del(item, "location_ids");
        json_object_del(item, "package_name");
        json_object_del(item, "patient_id");
        json_object_del(item, "invoice_id");
        json_object_del(item, "package_id");
        json_object_del(item, "expires_at");
        json_object_del(item, "expires_on");
        json_object_del(item, "package_status");
    }
    if (rc == ERR_OK) {
        json_object_set_new(row, "items", items);
        items = NULL;
        json_object_set_new(row, "staff_ids", package_text_json(row_text(row, "staff_ids")));
        json_object_set_new(row, "location_ids", package_text_json(row_text(row, "location_ids")));
        json_object_set_new(row, "purchased_at",
                            sched_time_json(row_int(row, "purchased_at"), zone));
        if (strcmp(row_text(row, "status"), "active") == 0 && row_int(row, "expires_at") &&
            row_int(row, "expires_at") <= s->now)
            json_object_set_new(row, "status", json_string("expired"));
        json_object_del(row, "expires_at");
    }
    json_decref(items);
    return rc;
}

int
packages_patient_get(const struct svc *s, int64_t id, int64_t patient_id, json_t **out)
{
    int rc = store_row_get(s->db, &patient_package_table, id, out);

    if (rc == ERR_OK && patient_id && row_int(*out, "patient_id") != patient_id) {
        json_decref(*out);
        *out = NULL;
        rc = ERR_NOT_FOUND;
    }
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such package");
    return rc == ERR_OK ? render_sold(s, *out) : rc;
}

int
packages_patient_list(const struct svc *s, int64_t patient_id, json_t **out)
{
    struct store_filter f = {.eq_col = {"patient_id"}, .eq_val = {patient_id}, .n_eq = 1};
    json_t *row, *rev;
    size_t i;
    int rc = store_row_list(s->db, &patient_package_table, &f, 0, 500, out);

    json_array_foreach(*out, i, row)
    {
        if (rc == ERR_OK)
            rc = render_sold(s, row);
    }
    rev = json_array();
    for (i = json_array_size(*out); rev && i > 0; i--)
        json_array_append(rev, json_array_get(*out, i - 1));
    json_decref(*out);
    *out = rev;
    return rc == ERR_OK && !rev ? ERR_NOMEM : rc;
}

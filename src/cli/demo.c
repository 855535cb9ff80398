#include "cli/demo.h"

#include <stdio.h>

#include "core/civil.h"
#include "core/tz.h"
#include "service/billing.h"
#include "service/setup.h"
#include "service/stock.h"
#include "service/users.h"
#include "store/store.h"
#include "util/err.h"
#include "util/tzdb.h"

#define DEMO_ZONE "Europe/Berlin"

static const char *const service_rows[] = {
    "{\"name\":\"Check-up\",\"category\":\"General\",\"duration_min\":30,\"price\":5000}",
    "{\"name\":\"Cleaning\",\"category\":\"Hygiene\",\"duration_min\":45,\"price\":8000,"
    "\"buffer_after_min\":15}",
    "{\"name\":\"Filling\",\"category\":\"Restorative\",\"duration_min\":60,\"price\":12000}",
    "{\"name\":\"Whitening\",\"category\":\"Cosmetic\",\"duration_min\":90,\"price\":25000,"
    "\"online_booking\":false}",
    "{\"name\":\"Oral hygiene workshop\",\"category\":\"Hygiene\",\"duration_min\":60,"
    "\"price\":2000,\"capacity\":6}",
};
static const char *const staff_names[] = {"Dr. Anna Weber", "Dr. Ben Okafor", "Clara Jensen"};
static const char *const staff_colors[] = {"#2b7bb9", "#c0504d", "#4f9a55"};
static const char *const patient_names[] = {
    "Maria Schmidt", "Jonas Becker", "Lea Hoffmann", "Omar Haddad",   "Sofia Rossi",
    "Lukas Wagner",  "Emma Fischer", "Yusuf Demir",  "Nina Kowalski", "Paul Richter",
};
static const char *const action_names[] = {"Consultation", "Follow-up call", "X-ray review"};

static int
insert_json(struct store_conn *c, const struct store_table *t, const char *text, int64_t *id)
{
    json_t *row = json_loads(text, 0, NULL);
    int rc = row ? store_row_insert(c, t, row, id) : ERR_INVALID;

    json_decref(row);
    return rc;
}

/* Row from a JSON object that this function takes ownership of. */
static int
update_owned(struct store_conn *c, const struct store_table *t, int64_t id, json_t *row)
{
    int rc = row ? store_row_update(c, t, id, row) : ERR_NOMEM;

    json_decref(row);
    return rc;
}

/* Row from a JSON object that this function takes ownership of. */
static int
insert_owned(struct store_conn *c, const struct store_table *t, json_t *row, int64_t *id)
{
    int rc = row ? store_row_insert(c, t, row, id) : ERR_NOMEM;

    json_decref(row);
    return rc;
}

static int
add_setup(struct store_conn *c, int64_t *location, int64_t *services, int64_t *staff)
{
    int64_t id, all[5];
    struct store_shift week[10];
    size_t i, d;
    int rc = insert_json(c, &setup_locations.table,
                         "{\"name\":\"Chairside Dental Mitte\",\"timezone\":\"" DEMO_ZONE
                         "\",\"address\":\"Torstrasse 1, 10119 Berlin\"}",
                         location);

    for (i = 0; rc == ERR_OK && i < 5; i++)
        rc = insert_json(c, &setup_services.table, service_rows[i], &services[i]);
    /* Cosmetic treatment carries VAT, included in its price. */
    if (rc == ERR_OK)
        rc = insert_json(c, &setup_tax_rates.table,
                         "{\"name\":\"VAT 19%\",\"rate_bp\":1900,\"inclusive\":true}", &id);
    if (rc == ERR_OK)
        rc = update_owned(c, &setup_services.table, services[3],
                          json_pack("{s:I}", "tax_rate_id", (json_int_t)id));
    for (i = 0; rc == ERR_OK && i < 3; i++)
        rc =
            insert_owned(c, &setup_actions.table, json_pack("{s:s}", "name", action_names[i]), &id);
    for (i = 0; rc == ERR_OK && i < 3; i++) {
        rc = insert_owned(c, &setup_staff.table,
                          json_pack("{s:s, s:s}", "name", staff_names[i], "color", staff_colors[i]),
                          &staff[i]);
        if (rc == ERR_OK)
            rc = store_staff_links_set(c, staff[i], "locations", location, 1);
        for (d = 0; d < 5; d++) {
            all[d] = services[d];
            week[2 * d] = (struct store_shift){0, (int)d + 1, 8 * 60, 12 * 60, *location, NULL};
            week[2 * d + 1] =
                (struct store_shift){0, (int)d + 1, 13 * 60, 17 * 60, *location, NULL};
        }
        if (rc == ERR_OK)
            rc = store_staff_links_set(c, staff[i], "services", all, 5);
        if (rc == ERR_OK)
            rc = store_shifts_replace(c, staff[i], week, 10);
    }
    if (rc == ERR_OK)
        rc = update_owned(c, &setup_settings.table, 1,
                          json_pack("{s:s, s:s, s:s, s:s}", "timezone", DEMO_ZONE, "currency",
                                    "EUR", "notification_email", "front-desk@demo.test",
                                    "client_payment", "optional"));
    return rc;
}

static int
add_patients(struct store_conn *c, int64_t *patients)
{
    char phone[32], email[32];
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < 10; i++) {
        snprintf(phone, sizeof(phone), "+49 30 5550%03zu", i + 100);
        snprintf(email, sizeof(email), "patient%zu@demo.test", i + 1);
        rc = insert_owned(
            c, &setup_patients.table,
            json_pack("{s:s, s:s, s:s}", "name", patient_names[i], "phone", phone, "email", email),
            &patients[i]);
    }
    return rc;
}

/* Every booking is invoiced; some were paid at the desk and some online
 * bookings wait for the clinic to confirm the patient's payment. */
static int
invoice(const struct billing_ctx *bill, const struct store_booking *b, int64_t booking_id,
        const struct store_service *svc, size_t k)
{
    struct store_invoice inv;
    struct store_payment p = {0};
    int64_t invoice_id, payment_id;
    int rc = billing_invoice_booking(bill, booking_id, b->patient_id, svc, 1, &invoice_id);

    if (rc != ERR_OK || (k % 5 != 1 && k % 4 != 0))
        return rc;
    rc = store_invoice_get(bill->db, invoice_id, &inv);
    p.amount = inv.totals.total;
    snprintf(p.method, sizeof(p.method), "%s", k % 4 == 0 ? "online" : "card");
    snprintf(p.provider, sizeof(p.provider), "manual");
    snprintf(p.status, sizeof(p.status), "%s", k % 4 == 0 ? "pending" : "confirmed");
    if (rc == ERR_OK)
        rc = billing_payment_add(bill, &inv, &p, &payment_id);
    return rc;
}

/* A week of bookings from today: each weekday, each staff member sees a
 * few patients at fixed local times inside the demo shifts. */
static int
add_bookings(struct store_conn *c, const struct tz_zone *zone, int64_t now, int64_t location,
             const int64_t *services, const int64_t *staff, const int64_t *patients)
{
    static const int times[] = {9 * 60, 10 * 60 + 30, 14 * 60, 15 * 60 + 30};
    struct store_service svc[5];
    struct billing_ctx bill = {.db = c, .zone = zone, .now = now, .currency = "EUR"};
    int64_t today = civil_day_of(tz_utc_to_local(zone, now)), day, id;
    size_t s, t, k = 0;
    int rc = store_services_get(c, services, 5, svc);

    for (day = today; rc == ERR_OK && day < today + 7; day++) {
        if (civil_weekday(day) > 5)
            continue;
        for (s = 0; s < 3; s++) {
            for (t = 0; rc == ERR_OK && t < 4; t++, k++) {
                const struct store_service *one = &svc[k % 3];
                struct store_booking b = {0};

                b.patient_id = patients[k % 10];
                b.staff_id = staff[s];
                b.location_id = location;
                b.start_at = tz_local_to_utc(zone, day * 86400 + times[t] * 60);
                b.end_at = b.start_at + one->duration_min * 60;
                b.buffer_before_min = one->buffer_before_min;
                b.buffer_after_min = one->buffer_after_min;
                b.notes = "";
                b.created_at = now;
                snprintf(b.source, sizeof(b.source), "%s", k % 4 == 0 ? "online" : "staff");
                snprintf(b.payment_status, sizeof(b.payment_status), "unpaid");
                rc = store_booking_insert(c, &b, one, 1, &id);
                if (rc == ERR_OK)
                    rc = store_history_add(c, id, now, 0, "demo", "created", "{}");
                if (rc == ERR_OK)
                    rc = invoice(&bill, &b, id, one, k);
            }
        }
    }
    return rc;
}

/* Stock at the practice: a consumables cabinet the services draw from
 * when a patient arrives, and a front-desk shelf of products for sale. */
static int
add_stock(struct store_conn *c, int64_t now, int64_t location, const int64_t *services)
{
    static const char *const products[] = {
        "{\"name\":\"Examination gloves (pair)\",\"sku\":\"GLV-M\",\"unit\":\"pair\","
        "\"cost_price\":25,\"min_quantity\":40}",
        "{\"name\":\"Fluoride varnish\",\"sku\":\"FLV-1\",\"unit\":\"dose\","
        "\"cost_price\":180,\"min_quantity\":10}",
        "{\"name\":\"Soft toothbrush\",\"sku\":\"TB-S\",\"unit\":\"piece\","
        "\"sale_price\":450,\"cost_price\":150,\"min_quantity\":5}",
    };
    static const int64_t received[] = {200, 30, 24};
    int64_t ids[3], cabinet = 0, shelf = 0, id;
    struct store_movement m = {0};
    struct store_consumable checkup[] = {{0, 0, 0, 1}}, cleaning[] = {{0, 0, 0, 1}, {0, 0, 0, 1}},
                            filling[] = {{0, 0, 0, 2}};
    size_t i;
    int rc = insert_owned(c, &stock_storages.table,
                          json_pack("{s:s, s:I, s:s}", "name", "Treatment cabinet", "location_id",
                                    (json_int_t)location, "kind", "consumables"),
                          &cabinet);

    if (rc == ERR_OK)
        rc = insert_owned(c, &stock_storages.table,
                          json_pack("{s:s, s:I, s:s}", "name", "Front desk shelf", "location_id",
                                    (json_int_t)location, "kind", "sales"),
                          &shelf);
    for (i = 0; rc == ERR_OK && i < 3; i++) {
        rc = insert_json(c, &stock_products.table, products[i], &ids[i]);
        m = (struct store_movement){ids[i],      i == 2 ? shelf : cabinet,
                                    received[i], "receipt",
                                    -1,          "opening stock",
                                    0,           0,
                                    now,         0};
        if (rc == ERR_OK)
            rc = store_stock_movement_add(c, &m, &id);
    }
    checkup[0].product_id = cleaning[0].product_id = filling[0].product_id = ids[0];
    cleaning[1].product_id = ids[1];
    if (rc == ERR_OK)
        rc = store_service_consumables_set(c, services[0], checkup, 1);
    if (rc == ERR_OK)
        rc = store_service_consumables_set(c, services[1], cleaning, 2);
    if (rc == ERR_OK)
        rc = store_service_consumables_set(c, services[2], filling, 1);
    return rc;
}

static int
add_users(struct store_conn *c, int64_t patient)
{
    struct svc s = {.db = c};
    int64_t id;
    int rc = users_add(&s, "admin@demo.test", "demo-admin", "admin", 0, &id);

    if (rc == ERR_OK)
        rc = users_add(&s, "reception@demo.test", "demo-staff", "staff", 0, &id);
    if (rc == ERR_OK)
        rc = users_add(&s, "patient1@demo.test", "demo-patient", "patient", patient, &id);
    return rc;
}

static int
has_locations(struct store_conn *c, int *yes)
{
    json_t *items = NULL;
    int rc = store_row_list(c, &setup_locations.table, NULL, 0, 1, &items);

    *yes = json_array_size(items) > 0;
    json_decref(items);
    return rc;
}

int
demo_add(struct store *s, struct tzdb *tzdb, int64_t now, int only_if_empty, int *added)
{
    int64_t location = 0, services[5], staff[3], patients[10];
    const struct tz_zone *zone;
    struct store_conn *c = store_acquire(s);
    int rc, present = 0;

    *added = 0;
    rc = tzdb_get(tzdb, DEMO_ZONE, &zone);
    if (rc == ERR_OK)
        rc = has_locations(c, &present);
    if (rc != ERR_OK || (only_if_empty && present))
        goto out;
    rc = store_begin(c, 1);
    if (rc == ERR_OK)
        rc = add_setup(c, &location, services, staff);
    if (rc == ERR_OK)
        rc = add_stock(c, now, location, services);
    if (rc == ERR_OK)
        rc = add_patients(c, patients);
    if (rc == ERR_OK)
        rc = add_bookings(c, zone, now, location, services, staff, patients);
    if (rc == ERR_OK)
        rc = add_users(c, patients[0]);
    if (rc == ERR_OK)
        rc = store_commit(c);
    if (rc != ERR_OK)
        store_rollback(c);
    *added = rc == ERR_OK;
out:
    store_release(s, c);
    return rc;
}

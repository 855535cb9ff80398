/* Bills of materials and the write-off of a booking's consumables. */
#include "service/consumables.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "service/billing.h"
#include "service/stock.h"
#include "service/setup.h"
#include "util/err.h"
#include "util/row.h"

int
consumables_service_get(const struct svc *s, int64_t service_id, json_t **out)
{
    json_t *service = NULL, *items = NULL;
    int rc = store_row_get(s->db, &setup_services.table, service_id, &service);

    *out = NULL;
    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, rc, "no such service");
    if (rc == ERR_OK)
        rc = store_service_consumables_get(s->db, service_id, &items);
    if (rc == ERR_OK) {
        *out = json_pack("{s:I, s:O}", "service_id", (json_int_t)service_id, "items", items);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(service);
    json_decref(items);
    return rc;
}

/* A field error on items[i].<name>; returns ERR_INVALID. */
static int
item_error(const struct svc *s, size_t i, const char *name, const char *message)
{
    char field[48];

    snprintf(field, sizeof(field), "items[%zu].%s", i, name);
    return svc_field_error(s, field, message);
}

/* ERR_OK when t has row id, ERR_NOT_FOUND when not. */
static int
exists(const struct svc *s, const struct store_table *t, int64_t id)
{
    json_t *row = NULL;
    int rc = id > 0 ? store_row_get(s->db, t, id, &row) : ERR_NOT_FOUND;

    json_decref(row);
    return rc;
}

static int
check_bom(const struct svc *s, const struct store_consumable *items, size_t n)
{
    size_t i, j;
    int rc = ERR_OK, bad = 0;

    for (i = 0; i < n && rc != ERR_STORE; i++) {
        rc = exists(s, &stock_products.table, items[i].product_id);
        if (rc == ERR_NOT_FOUND)
            bad |= item_error(s, i, "product_id", "names a product that does not exist") != 0;
        rc = items[i].staff_id ? exists(s, &setup_staff.table, items[i].staff_id) : ERR_OK;
        if (rc == ERR_NOT_FOUND)
            bad |= item_error(s, i, "staff_id", "names a staff member that does not exist") != 0;
        if (items[i].quantity <= 0)
            bad |= item_error(s, i, "quantity", "must be more than 0") != 0;
        for (j = 0; j < i; j++) {
            if (items[j].product_id == items[i].product_id &&
                items[j].staff_id == items[i].staff_id)
                bad |= item_error(s, i, "product_id",
                                  "is listed twice for the same staff member") != 0;
        }
    }
    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        return rc;
    return bad ? ERR_INVALID : ERR_OK;
}

struct bom_args {
    int64_t id;
    const struct store_consumable *items;
    size_t n;
};

static int
bom_set(const struct svc *s, void *arg)
{
    const struct bom_args *a = arg;
    int rc = exists(s, &setup_services.table, a->id);

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such service");
    if (rc == ERR_OK)
        rc = check_bom(s, a->items, a->n);
    if (rc == ERR_OK)
        rc = store_service_consumables_set(s->db, a->id, a->items, a->n);
    return rc;
}

int
consumables_service_set(const struct svc *s, int64_t service_id,
                        const struct store_consumable *items, size_t n)
{
    struct bom_args a = {service_id, items, n};

    return svc_write(s, bom_set, &a);
}

/* What is written off now per product and storage. */
struct written {
    int64_t product_id, storage_id, quantity;
};

static size_t
find(const struct written *w, size_t n, int64_t product_id, int64_t storage_id)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (w[i].product_id == product_id && w[i].storage_id == storage_id)
            break;
    }
    return i;
}

/* The booking's write-off movements summed per product and storage (a
 * write-off is negative; *w holds what left the shelf). */
static int
written_off(const struct svc *s, int64_t booking_id, struct written *w, size_t *n)
{
    struct store_movement_filter f = {0};
    json_t *items = NULL, *row;
    size_t i, k;
    int rc;

    f.booking_id = booking_id;
    f.reason = "write_off";
    f.limit = 10000;
    *n = 0;
    rc = store_stock_movement_list(s->db, &f, &items);
    json_array_foreach(items, i, row)
    {
        k = find(w, *n, row_int(row, "product_id"), row_int(row, "storage_id"));
        if (k == *n && *n == CONSUMABLES_MAX * 2) {
            rc = ERR_STORE;
            break;
        }
        if (k == *n)
            w[(*n)++] = (struct written){row_int(row, "product_id"), row_int(row, "storage_id"), 0};
        w[k].quantity -= row_int(row, "quantity");
    }
    json_decref(items);
    return rc;
}

/* Moves delta more (or, negative, fewer) units of product_id out of
 * storage_id for the booking, with the cost posted. */
static int
write_off(const struct svc *s, const struct billing_ctx *b, int64_t booking_id, int64_t product_id,
          int64_t storage_id, int64_t delta)
{
    struct store_movement m = {
        product_id, storage_id, -delta, "write_off", -1, delta > 0 ? "" : "reversed",
        booking_id, 0,          s->now, s->user_id};
    struct ledger_entry e, r;
    json_t *product = NULL;
    int64_t id, cost;
    char memo[96];
    int rc = stock_product_get(s, product_id, &product);

    if (rc == ERR_OK)
        rc = store_stock_movement_add(s->db, &m, &id);
    cost = rc == ERR_OK ? stock_cost_of(product, delta > 0 ? delta : -delta) : 0;
    if (rc == ERR_OK && cost > 0) {
        snprintf(memo, sizeof(memo), "Consumables %s: booking %lld",
                 delta > 0 ? "written off" : "taken back", (long long)booking_id);
        ledger_stock_cost(cost, &e);
        ledger_reverse(&e, &r);
        rc = billing_post(b, "stock", memo, 0, delta > 0 ? &e : &r);
    }
    json_decref(product);
    return rc;
}

/* Brings the booking's write-off to what it uses (arrived) or to
 * nothing. */
static int
sync(const struct svc *s, int64_t booking_id, int arrived)
{
    struct written have[CONSUMABLES_MAX * 2], want[CONSUMABLES_MAX * 2];
    struct billing_ctx b;
    json_t *plan = NULL, *row;
    size_t n_have = 0, n_want = 0, i, k;
    int custom, rc = written_off(s, booking_id, have, &n_have);

    if (rc == ERR_OK && arrived)
        rc = store_booking_consumables_get(s->db, booking_id, &custom, &plan);
    json_array_foreach(plan, i, row)
    {
        /* Without a consumables storage at its location nothing can go. */
        if (row_int(row, "storage_id") <= 0 || n_want == CONSUMABLES_MAX * 2)
            continue;
        want[n_want++] = (struct written){row_int(row, "product_id"), row_int(row, "storage_id"),
                                          row_int(row, "quantity")};
    }
    json_decref(plan);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    for (i = 0; rc == ERR_OK && i < n_want; i++) {
        k = find(have, n_have, want[i].product_id, want[i].storage_id);
        if (want[i].quantity != (k < n_have ? have[k].quantity : 0))
            rc = write_off(s, &b, booking_id, want[i].product_id, want[i].storage_id,
                           want[i].quantity - (k < n_have ? have[k].quantity : 0));
    }
    for (i = 0; rc == ERR_OK && i < n_have; i++) {
        if (have[i].quantity != 0 &&
            find(want, n_want, have[i].product_id, have[i].storage_id) == n_want)
            rc = write_off(s, &b, booking_id, have[i].product_id, have[i].storage_id,
                           -have[i].quantity);
    }
    return rc;
}

int
consumables_follow_attendance(const struct svc *s, int64_t booking_id, int arrived)
{
    return sync(s, booking_id, arrived);
}

int
consumables_booking_get(const struct svc *s, int64_t booking_id, json_t **out)
{
    struct written have[CONSUMABLES_MAX * 2];
    json_t *booking = NULL, *items = NULL, *row;
    size_t n_have = 0, i, k;
    int custom = 0, rc = store_booking_get(s->db, booking_id, &booking);

    *out = NULL;
    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, rc, "no such booking");
    if (rc == ERR_OK)
        rc = store_booking_consumables_get(s->db, booking_id, &custom, &items);
    if (rc == ERR_OK)
        rc = written_off(s, booking_id, have, &n_have);
    json_array_foreach(items, i, row)
    {
        k = find(have, n_have, row_int(row, "product_id"), row_int(row, "storage_id"));
        json_object_set_new(row, "written_off", json_integer(k < n_have ? have[k].quantity : 0));
        json_object_del(row, "cost_price");
    }
    if (rc == ERR_OK) {
        *out =
            json_pack("{s:I, s:b, s:O, s:O}", "booking_id", (json_int_t)booking_id, "custom",
                      custom, "attendance", json_object_get(booking, "attendance"), "items", items);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    json_decref(booking);
    json_decref(items);
    return rc;
}

static int
check_own(const struct svc *s, int64_t location_id, const struct store_consumable *items, size_t n)
{
    json_t *storage = NULL;
    size_t i;
    int rc = ERR_OK, bad = 0;

    for (i = 0; i < n && (rc == ERR_OK || rc == ERR_NOT_FOUND); i++) {
        rc = exists(s, &stock_products.table, items[i].product_id);
        if (rc == ERR_NOT_FOUND)
            bad |= item_error(s, i, "product_id", "names a product that does not exist") != 0;
        rc = stock_storage_get(s, items[i].storage_id, &storage);
        if (rc == ERR_NOT_FOUND)
            bad |= item_error(s, i, "storage_id", "names a storage that does not exist") != 0;
        else if (rc == ERR_OK && row_int(storage, "location_id") != location_id)
            bad |= item_error(s, i, "storage_id", "is at another location than the booking") != 0;
        json_decref(storage);
        storage = NULL;
        if (items[i].quantity <= 0)
            bad |= item_error(s, i, "quantity", "must be more than 0") != 0;
    }
    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        return rc;
    return bad ? ERR_INVALID : ERR_OK;
}

/* Checked first, then written under the booking's row lock (taken by
 * the write, as an attendance change takes it) and read again there: an
 * arrival or cancellation that committed meanwhile is seen. */
static int
own_set(const struct svc *s, void *arg)
{
    const struct bom_args *a = arg;
    json_t *booking = NULL;
    int rc = store_booking_get(s->db, a->id, &booking), pass;

    for (pass = 0; rc == ERR_OK && pass < 2; pass++) {
        if (strcmp(row_text(booking, "status"), "cancelled") == 0)
            rc = svc_fail(s, ERR_CONFLICT, "the booking is cancelled");
        else if (pass == 0)
            rc = check_own(s, row_int(booking, "location_id"), a->items, a->n);
        if (rc == ERR_OK && pass == 0)
            rc = store_booking_consumables_set(s->db, a->id, a->items, a->n);
        json_decref(booking);
        booking = NULL;
        if (rc == ERR_OK)
            rc = store_booking_get(s->db, a->id, &booking);
    }
    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, rc, "no such booking");
    if (rc == ERR_OK && strcmp(row_text(booking, "attendance"), "arrived") == 0)
        rc = sync(s, a->id, 1);
    json_decref(booking);
    return rc;
}

int
consumables_booking_set(const struct svc *s, int64_t booking_id,
                        const struct store_consumable *items, size_t n)
{
    struct bom_args a = {booking_id, items, n};

    return svc_write(s, own_set, &a);
}

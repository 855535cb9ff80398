/* Products, storages and the movements staff record by hand. Movements
 * are only ever added: a mistake is put right by an adjustment. */
#include "service/stock.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"
#include "service/billing.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(name, fields)                                                                        \
    {                                                                                              \
        name, NULL, &(fields)[0].col, N(fields), sizeof(struct setup_field)                        \
    }
#define MONEY_MAX 100000000

static const struct setup_field product_fields[] = {
    {{"name", STORE_COL_TEXT}, 1, 0, 200, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"sku", STORE_COL_TEXT}, 0, 0, 64, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"unit", STORE_COL_TEXT}, 0, 0, 32, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"sale_price", STORE_COL_INT}, 0, 0, MONEY_MAX, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"cost_price", STORE_COL_INT}, 0, 0, MONEY_MAX, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"tax_rate_id", STORE_COL_INT},
     0,
     1,
     INT64_MAX,
     SETUP_CHECK_NONE,
     NULL,
     0,
     0,
     &setup_tax_rates.table},
    {{"min_quantity", STORE_COL_INT}, 0, 0, 1000000000, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"archived", STORE_COL_BOOL}, 0, 0, 0, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
};
const struct setup_resource stock_products = {
    .table = TABLE("products", product_fields),
    .fields = product_fields,
    .search_cols = {"name", "sku"},
    .n_search = 2,
    .flag_param = "archived",
    .flag_col = "archived",
};

static const char *const storage_kinds[] = {"sales", "consumables", NULL};
static const struct setup_field storage_fields[] = {
    {{"name", STORE_COL_TEXT}, 1, 0, 200, SETUP_CHECK_NONE, NULL, 0, 0, NULL},
    {{"location_id", STORE_COL_INT},
     1,
     1,
     INT64_MAX,
     SETUP_CHECK_NONE,
     NULL,
     0,
     0,
     &setup_locations.table},
    {{"kind", STORE_COL_TEXT}, 1, 0, 32, SETUP_CHECK_CHOICE, storage_kinds, 0, 0, NULL},
};
const struct setup_resource stock_storages = {
    .table = TABLE("storages", storage_fields),
    .fields = storage_fields,
    .search_cols = {"name"},
    .n_search = 1,
};

int
stock_product_get(const struct svc *s, int64_t id, json_t **out)
{
    *out = NULL;
    return id > 0 ? store_row_get(s->db, &stock_products.table, id, out) : ERR_NOT_FOUND;
}

int
stock_storage_get(const struct svc *s, int64_t id, json_t **out)
{
    *out = NULL;
    return id > 0 ? store_row_get(s->db, &stock_storages.table, id, out) : ERR_NOT_FOUND;
}

int64_t
stock_cost_of(const json_t *product, int64_t quantity)
{
    return row_int(product, "cost_price") * quantity;
}

/* Field errors for what e names that does not exist or makes no sense;
 * ERR_OK when it may be recorded. */
static int
check_entry(const struct svc *s, const struct stock_entry *e)
{
    json_t *product = NULL, *storage = NULL;
    int rc = stock_product_get(s, e->product_id, &product), bad = 0;

    if (rc == ERR_NOT_FOUND)
        bad |= svc_field_error(s, "product_id", "names a product that does not exist") != 0;
    else if (rc != ERR_OK)
        goto out;
    rc = stock_storage_get(s, e->storage_id, &storage);
    if (rc == ERR_NOT_FOUND)
        bad |= svc_field_error(s, "storage_id", "names a storage that does not exist") != 0;
    else if (rc != ERR_OK)
        goto out;
    if (strcmp(e->reason, "receipt") == 0 && e->quantity <= 0)
        bad |= svc_field_error(s, "quantity", "must be more than 0 for a receipt") != 0;
    else if (e->quantity == 0)
        bad |= svc_field_error(s, "quantity", "must not be 0") != 0;
    if (strcmp(e->reason, "receipt") != 0 && strcmp(e->reason, "adjustment") != 0)
        bad |= svc_field_error(s, "reason", "must be \"receipt\" or \"adjustment\"") != 0;
    rc = bad ? ERR_INVALID : ERR_OK;
out:
    json_decref(product);
    json_decref(storage);
    return rc;
}

struct record_args {
    const struct stock_entry *e;
    int64_t id;
};

static int
record(const struct svc *s, void *arg)
{
    struct record_args *a = arg;
    const struct stock_entry *e = a->e;
    struct store_movement m = {e->product_id, e->storage_id, e->quantity, e->reason,
                               e->unit_cost,  e->note,       0,           0,
                               s->now,        s->user_id};
    struct billing_ctx b;
    struct ledger_entry le;
    char memo[96];
    int rc = check_entry(s, e);

    if (rc == ERR_OK)
        rc = store_stock_movement_add(s->db, &m, &a->id);
    /* Goods bought on credit: what they cost is owed to the supplier. */
    if (rc == ERR_OK && strcmp(e->reason, "receipt") == 0 && e->unit_cost > 0) {
        snprintf(memo, sizeof(memo), "Stock receipt: movement %lld", (long long)a->id);
        ledger_stock_receipt(e->unit_cost * e->quantity, &le);
        rc = billing_ctx_init(s, &b);
        if (rc == ERR_OK)
            rc = billing_post(&b, "stock", memo, 0, &le);
    }
    return rc;
}

int
stock_record(const struct svc *s, const struct stock_entry *e, json_t **movement)
{
    struct record_args a = {e, 0};
    struct store_movement_filter f = {0};
    json_t *items = NULL;
    int rc = svc_write(s, record, &a);

    *movement = NULL;
    f.after_id = a.id - 1;
    f.limit = 1;
    if (rc == ERR_OK)
        rc = store_stock_movement_list(s->db, &f, &items);
    if (rc == ERR_OK && json_array_size(items) == 1)
        *movement = json_incref(json_array_get(items, 0));
    else if (rc == ERR_OK)
        rc = ERR_STORE;
    json_decref(items);
    return rc;
}

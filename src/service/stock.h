/* Products, storages and stock: the setup records (their fields for the
 * generic resource handlers), the movements staff record (receipts and
 * adjustments, with a receipt's cost posted to the ledger) and the stock
 * levels and low stock list read from them. */
#ifndef CHAIRSIDE_SERVICE_STOCK_H
#define CHAIRSIDE_SERVICE_STOCK_H

#include <jansson.h>
#include <stdint.h>

#include "service/setup.h"
#include "service/svc.h"

extern const struct setup_resource stock_products, stock_storages;

/* What a member of staff records: reason "receipt" (quantity > 0) or
 * "adjustment" (quantity != 0); unit_cost < 0 when not given. */
struct stock_entry {
    int64_t product_id, storage_id, quantity, unit_cost;
    const char *reason;
    const char *note;
};

/* Validates e (field errors name product_id, storage_id, quantity,
 * reason) and records it in its own write transaction; a receipt with a
 * cost posts Dr Inventory / Cr Accounts Payable. *movement a new object
 * owned by the caller: the movement as listed. */
int stock_record(const struct svc *s, const struct stock_entry *e, json_t **movement);

/* A product and a storage by id; ERR_NOT_FOUND (no problem recorded) when
 * there is none. *out owned by the caller. */
int stock_product_get(const struct svc *s, int64_t id, json_t **out);
int stock_storage_get(const struct svc *s, int64_t id, json_t **out);

/* The quantity's value at the product's cost price; 0 when it has none. */
int64_t stock_cost_of(const json_t *product, int64_t quantity);

#endif

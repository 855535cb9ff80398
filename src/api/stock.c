/* Products and storages (generic setup resources), stock levels and the
 * movement ledger: thin handlers over service/stock.c. */
#include "api/stock.h"

#include "api/app.h"
#include "api/input.h"
#include "api/schedule.h"
#include "service/schedule.h"
#include "service/stock.h"
#include "store/store.h"
#include "util/err.h"

const struct api_resource api_products = {.def = &stock_products};
const struct api_resource api_storages = {.def = &stock_storages};

int
api_stock_levels(struct http_req *req, struct http_resp *resp)
{
    struct store_stock_filter f = {0};
    int64_t below = 0;
    json_t *items = NULL;
    int bad = 0, rc;

    bad |= query_int(req, "product_id", 1, INT64_MAX, &f.product_id) != ERR_OK;
    bad |= query_int(req, "storage_id", 1, INT64_MAX, &f.storage_id) != ERR_OK;
    bad |= query_int(req, "below_min", 0, 1, &below) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    f.below_min = (int)below;
    rc = store_stock_levels(req->db, &f, &items);
    if (rc == ERR_OK)
        return http_reply_json(resp, 200, json_pack("{s:o}", "items", items));
    json_decref(items);
    return rc;
}

int
stock_render_movements(struct http_req *req, json_t *items)
{
    struct svc sv = api_svc(req);
    const struct tz_zone *zone;
    json_t *row;
    size_t i;
    int rc = sched_org_zone(&sv, &zone);

    json_array_foreach(items, i, row)
    {
        if (rc == ERR_OK)
            rc = json_object_set_new(
                     row, "created_at",
                     sched_time_json(json_integer_value(json_object_get(row, "created_at")), zone))
                     ? ERR_NOMEM
                     : ERR_OK;
    }
    return rc;
}

int
api_stock_movements_list(struct http_req *req, struct http_resp *resp)
{
    struct store_movement_filter f = {0};
    json_t *items = NULL;
    int bad = 0, rc;

    bad |= query_int(req, "product_id", 1, INT64_MAX, &f.product_id) != ERR_OK;
    bad |= query_int(req, "storage_id", 1, INT64_MAX, &f.storage_id) != ERR_OK;
    bad |= query_int(req, "booking_id", 1, INT64_MAX, &f.booking_id) != ERR_OK;
    bad |= query_days(req, &f.from, &f.to) != ERR_OK;
    bad |= query_page(req, &f.limit, &f.after_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = store_stock_movement_list(req->db, &f, &items);
    if (rc == ERR_OK)
        rc = stock_render_movements(req, items);
    if (rc == ERR_OK)
        return http_reply_page(resp, items, f.limit);
    json_decref(items);
    return rc;
}

int
api_stock_movements_create(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct stock_entry e = {0, 0, 0, -1, NULL, ""};
    json_t *out = NULL, *one;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "product_id", 1, 1, INT64_MAX, &e.product_id) != ERR_OK;
    bad |= in_int(req, "storage_id", 1, 1, INT64_MAX, &e.storage_id) != ERR_OK;
    bad |= in_int(req, "quantity", 1, -1000000000, 1000000000, &e.quantity) != ERR_OK;
    bad |= in_text(req, "reason", 1, 16, &e.reason) != ERR_OK;
    bad |= in_int(req, "unit_cost", 0, 0, 100000000, &e.unit_cost) != ERR_OK;
    bad |= in_text(req, "note", 0, 500, &e.note) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = stock_record(&sv, &e, &out);
    one = out ? json_array() : NULL;
    if (rc == ERR_OK && one && json_array_append(one, out) == 0)
        rc = stock_render_movements(req, one);
    json_decref(one);
    if (rc == ERR_OK)
        return http_reply_json(resp, 201, out);
    json_decref(out);
    return rc;
}

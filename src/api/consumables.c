/* GET|PUT /services/{id}/consumables and /bookings/{id}/consumables:
 * thin handlers over service/consumables.c. */
#include "api/consumables.h"

#include <stdio.h>

#include "api/app.h"
#include "service/consumables.h"
#include "util/err.h"

/* One integer member of items[i]: required or optional (0 when absent or
 * null); a field error items[i].<name> otherwise. */
static int
item_int(struct http_req *req, json_t *item, size_t i, const char *name, int required, int64_t *out)
{
    json_t *v = json_object_get(item, name);
    char field[48];

    *out = 0;
    snprintf(field, sizeof(field), "items[%zu].%s", i, name);
    if ((!v || json_is_null(v)) && !required)
        return ERR_OK;
    if (!v)
        return http_field_error(req, field, "is required");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000000)
        return http_field_error(req, field, "must be a whole number from 1");
    *out = json_integer_value(v);
    return ERR_OK;
}

/* {items: [...]} into out[]: bom entries take staff_id, a booking's take
 * storage_id. */
static int
read_items(struct http_req *req, int bom, struct store_consumable *out, size_t *n)
{
    json_t *items, *item;
    size_t i;
    int bad = 0, rc = http_body_object(req);

    *n = 0;
    if (rc != ERR_OK)
        return rc;
    items = json_object_get(req->json, "items");
    if (!json_is_array(items))
        return http_field_error(req, "items", "must be an array");
    if (json_array_size(items) > CONSUMABLES_MAX)
        return http_field_error(req, "items", "has too many entries");
    json_array_foreach(items, i, item)
    {
        struct store_consumable *c = &out[i];

        if (!json_is_object(item)) {
            bad |= http_field_error(req, "items", "must hold objects") != 0;
            continue;
        }
        bad |= item_int(req, item, i, "product_id", 1, &c->product_id) != ERR_OK;
        bad |= item_int(req, item, i, "quantity", 1, &c->quantity) != ERR_OK;
        if (bom)
            bad |= item_int(req, item, i, "staff_id", 0, &c->staff_id) != ERR_OK;
        else
            bad |= item_int(req, item, i, "storage_id", 1, &c->storage_id) != ERR_OK;
    }
    *n = json_array_size(items);
    return bad ? ERR_INVALID : ERR_OK;
}

int
api_service_consumables_get(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = consumables_service_get(&sv, req->ids[0], &out);

    return rc == ERR_OK ? http_reply_json(resp, 200, out) : rc;
}

int
api_service_consumables_put(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct store_consumable items[CONSUMABLES_MAX] = {{0}};
    size_t n = 0;
    int rc = read_items(req, 1, items, &n);

    if (rc == ERR_OK)
        rc = consumables_service_set(&sv, req->ids[0], items, n);
    return rc == ERR_OK ? api_service_consumables_get(req, resp) : rc;
}

int
api_booking_consumables_get(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    json_t *out = NULL;
    int rc = consumables_booking_get(&sv, req->ids[0], &out);

    return rc == ERR_OK ? http_reply_json(resp, 200, out) : rc;
}

int
api_booking_consumables_put(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct store_consumable items[CONSUMABLES_MAX] = {{0}};
    size_t n = 0;
    int rc = read_items(req, 0, items, &n);

    if (rc == ERR_OK)
        rc = consumables_booking_set(&sv, req->ids[0], items, n);
    return rc == ERR_OK ? api_booking_consumables_get(req, resp) : rc;
}

/* POST /bookings/{id}/products and DELETE /bookings/{id}/products/{line_id}:
 * thin handlers over service/product_sales.c that answer with the
 * booking's invoice as it is now. */
#include "api/product_sales.h"

#include "api/app.h"
#include "api/input.h"
#include "api/money.h"
#include "service/product_sales.h"
#include "util/err.h"

int
api_booking_products_add(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    struct product_sale sale = {req->ids[0], 0, 0, 0};
    int64_t invoice_id = 0, line_id = 0;
    json_t *out = NULL;
    int bad = 0, rc = http_body_object(req);

    if (rc != ERR_OK)
        return rc;
    bad |= in_int(req, "product_id", 1, 1, INT64_MAX, &sale.product_id) != ERR_OK;
    bad |= in_int(req, "quantity", 1, -1000000, 1000000, &sale.quantity) != ERR_OK;
    bad |= in_int(req, "storage_id", 0, 1, INT64_MAX, &sale.storage_id) != ERR_OK;
    if (bad)
        return ERR_INVALID;
    rc = product_sales_add(&sv, &sale, &invoice_id, &line_id);
    if (rc == ERR_OK)
        rc = money_invoice_json(req, invoice_id, &out);
    /* The invoice as it is now, and which of its lines the sale is. */
    if (rc == ERR_OK)
        rc = json_object_set_new(out, "line_id", json_integer(line_id)) ? ERR_NOMEM : ERR_OK;
    if (rc == ERR_OK) {
        rc = http_reply_json(resp, 201, out);
        out = NULL;
    }
    json_decref(out);
    return rc;
}

int
api_booking_products_remove(struct http_req *req, struct http_resp *resp)
{
    struct svc sv = api_svc(req);
    int64_t invoice_id = 0;
    int rc = product_sales_remove(&sv, req->ids[0], req->ids[1], &invoice_id);

    return rc == ERR_OK ? money_invoice_reply(req, resp, invoice_id, 200) : rc;
}

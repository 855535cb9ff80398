/* Products, storages, stock levels and movements at the API. */
#ifndef CHAIRSIDE_API_STOCK_H
#define CHAIRSIDE_API_STOCK_H

#include "api/resource.h"
#include "http/http.h"

extern const struct api_resource api_products, api_storages;

int api_stock_levels(struct http_req *req, struct http_resp *resp);
int api_stock_movements_list(struct http_req *req, struct http_resp *resp);
int api_stock_movements_create(struct http_req *req, struct http_resp *resp);
/* Movements as the API shows them: created_at in RFC 3339. */
int stock_render_movements(struct http_req *req, json_t *items);

#endif

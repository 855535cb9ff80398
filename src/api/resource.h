/* Generic create/read/update/delete for the simple setup resources: each
 * resource is a table of field descriptions (service/setup.h), and five
 * handlers serve every such resource (the route's ctx names the resource). */
#ifndef CHAIRSIDE_API_RESOURCE_H
#define CHAIRSIDE_API_RESOURCE_H

#include "http/http.h"
#include "service/setup.h"
#include "store/store.h"

struct api_resource {
    const struct setup_resource *def; /* fields, ranges, checks, public rows */
    /* Optional: checks that need more than one field or a look outside the
     * database (DNS), on the fields read, before the write transaction
     * starts so no lock is held meanwhile. */
    int (*check_extra)(struct http_req *req, json_t *row);
    /* Optional: validate and save what is not a plain column (staff links). */
    int (*save_extra)(struct http_req *req, int64_t id);
    int (*render_extra)(struct http_req *req, json_t *row);
};

int resource_list(struct http_req *req, struct http_resp *resp);
int resource_get(struct http_req *req, struct http_resp *resp);
int resource_create(struct http_req *req, struct http_resp *resp);
int resource_update(struct http_req *req, struct http_resp *resp);
int resource_delete(struct http_req *req, struct http_resp *resp);

/* Validates req->json against res's fields into a new row object (*row
 * owned by the caller). creating: required fields must be present. */
int resource_read_fields(struct http_req *req, const struct api_resource *res, int creating,
                         json_t **row);
/* Loads one row and renders it (write-only fields removed). */
int resource_load(struct http_req *req, const struct api_resource *res, int64_t id, json_t **out);

/* PATCH /locations/{id}, with keep for a new time zone (service/locations.h). */
int api_location_update(struct http_req *req, struct http_resp *resp);

extern const struct api_resource api_locations, api_staff, api_services, api_actions, api_patients,
    api_settings, api_tax_rates, api_resources;

#endif

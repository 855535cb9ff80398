/* Generic create/read/update/delete for the simple setup resources: each
 * resource is a table of field descriptions, and five handlers serve every
 * such resource (the route's ctx names the resource). */
#ifndef CHAIRSIDE_API_RESOURCE_H
#define CHAIRSIDE_API_RESOURCE_H

#include "http/http.h"
#include "store/store.h"

enum field_check {
    CHECK_NONE,
    CHECK_TIMEZONE, /* an IANA zone name the zone database knows */
    CHECK_DATE,     /* YYYY-MM-DD */
    CHECK_EMAIL,
    CHECK_CHOICE,   /* one of choices */
    CHECK_SMTP_URL, /* empty, or smtp:// or smtps:// (util/target.h) */
    CHECK_HTTP_URL, /* empty, or http:// or https:// (util/target.h) */
};

struct api_field {
    struct store_column col; /* first: the store reads this part */
    int required;            /* on create */
    int64_t min, max;        /* integer range; text: max is the length limit */
    enum field_check check;
    const char *const *choices;    /* NULL-terminated, for CHECK_CHOICE */
    int read_only;                 /* computed by the database */
    int write_only;                /* never rendered (secrets) */
    const struct store_table *ref; /* integer fields: the id names a row of this table */
};

struct api_resource {
    struct store_table table; /* cols point at fields, stride sizeof(api_field) */
    const struct api_field *fields;
    const char *search_cols[4]; /* GET ?q= searches these */
    size_t n_search;
    /* Optional: checks that need more than one field or a look outside the
     * database (DNS), on the fields read, before the write transaction
     * starts so no lock is held meanwhile. */
    int (*check_extra)(struct http_req *req, json_t *row);
    /* Optional: validate and save what is not a plain column (staff links). */
    int (*save_extra)(struct http_req *req, int64_t id);
    int (*render_extra)(struct http_req *req, json_t *row);
    /* What visitors and patients may read, for booking online: only rows
     * whose public_if column is true (NULL: every row), and of those only
     * public_cols (NULL-terminated). Routes decide who reads at all. */
    const char *public_if;
    const char *const *public_cols;
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

extern const struct api_resource api_locations, api_staff, api_services, api_actions, api_patients,
    api_settings, api_tax_rates;

#endif

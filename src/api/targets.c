#include "api/targets.h"

#include "api/resource.h"
#include "util/err.h"
#include "util/target.h"

int
api_targets_allowed(struct http_req *req, int *allow)
{
    json_t *row = NULL;
    int rc = store_row_get(req->db, &setup_settings.table, 1, &row);

    *allow = rc == ERR_OK && json_is_true(json_object_get(row, "allow_private_targets"));
    json_decref(row);
    return rc;
}

int
api_target_check(struct http_req *req, const char *field, const char *url)
{
    char host[TARGET_HOST_MAX];
    int private = 0;

    if (target_url_host(url, host) != ERR_OK)
        return http_field_error(req, field, "must name a host");
    if (target_host_private(host, &private) == ERR_OK && private)
        return http_field_error(req, field,
                                "resolves to a loopback, link-local or private address "
                                "(turn on allow_private_targets to use one)");
    return ERR_OK;
}

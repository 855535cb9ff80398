#include "api/health.h"

#include <string.h>

#include "api/app.h"
#include "store/store.h"
#include "util/err.h"

extern const char api_openapi_yaml[];

int
api_health(struct http_req *req, struct http_resp *resp)
{
    return http_reply_json(
        resp, 200, json_pack("{s:s, s:s}", "status", "ok", "db", store_kind(req->app->store)));
}

int
api_openapi(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    resp->status = 200;
    resp->content_type = "application/yaml";
    return buf_puts(&resp->raw, api_openapi_yaml);
}

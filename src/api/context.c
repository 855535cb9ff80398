/* From a request to the context a service runs in. */
#include <stdio.h>

#include "api/app.h"

struct svc
api_svc(struct http_req *req)
{
    static const char *const roles[] = {"none", "patient", "staff", "", "admin"};
    struct svc s = {req->db, req->app->tzdb, &req->arena, req->now, req->auth.user_id,
                    "",      &req->problem};

    snprintf(s.actor, sizeof(s.actor), "%s:%lld", roles[req->auth.role & 7],
             (long long)req->auth.user_id);
    return s;
}

#include "service/svc.h"

#include <stdarg.h>

#include "store/store.h"
#include "util/err.h"

int
svc_fail(const struct svc *s, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problem_vfail(s->problem, err, fmt, ap);
    va_end(ap);
    return err;
}

int
svc_field_error(const struct svc *s, const char *field, const char *message)
{
    return problem_field(s->problem, field, message);
}

int
svc_write(const struct svc *s, int (*fn)(const struct svc *s, void *arg), void *arg)
{
    int rc = store_begin(s->db, 1);

    if (rc != ERR_OK)
        return rc;
    rc = fn(s, arg);
    if (rc == ERR_OK)
        rc = store_commit(s->db);
    if (rc != ERR_OK)
        store_rollback(s->db);
    return rc;
}

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

/* What store_write runs: the use case on whichever connection the store
 * writes through (on SQLite its writer's, not the caller's). */
struct svc_job {
    const struct svc *s;
    int (*fn)(const struct svc *s, void *arg);
    void *arg;
};

static int
run_job(struct store_conn *c, void *arg)
{
    const struct svc_job *j = arg;
    struct svc on_c = *j->s;

    on_c.db = c;
    return j->fn(&on_c, j->arg);
}

int
svc_write(const struct svc *s, int (*fn)(const struct svc *s, void *arg), void *arg)
{
    struct svc_job j = {s, fn, arg};

    return store_write(s->db, run_job, &j);
}

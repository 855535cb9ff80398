#include "util/problem.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

void
problem_init(struct problem *p)
{
    memset(p, 0, sizeof(*p));
}

void
problem_cleanup(struct problem *p)
{
    if (!p)
        return;
    json_decref(p->errors);
    p->errors = NULL;
}

int
problem_vfail(struct problem *p, int err, const char *fmt, va_list ap)
{
    if (p)
        vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
    return err;
}

int
problem_fail(struct problem *p, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problem_vfail(p, err, fmt, ap);
    va_end(ap);
    return err;
}

int
problem_field(struct problem *p, const char *field, const char *message)
{
    if (!p)
        return ERR_INVALID;
    if (!p->errors)
        p->errors = json_array();
    json_array_append_new(p->errors, json_pack("{s:s, s:s}", "field", field, "message", message));
    if (!p->detail[0])
        snprintf(p->detail, sizeof(p->detail), "%s: %s", field, message);
    return ERR_INVALID;
}

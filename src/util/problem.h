/* Why an operation was refused, in words a client can be shown: one detail
 * line and the fields at fault. The HTTP layer renders it as problem+json;
 * services fill it without knowing about HTTP. */
#ifndef CHAIRSIDE_UTIL_PROBLEM_H
#define CHAIRSIDE_UTIL_PROBLEM_H

#include <jansson.h>
#include <stdarg.h>

struct problem {
    char detail[256];
    json_t *errors; /* [{field, message}], owned; NULL until the first */
};

void problem_init(struct problem *p);
/* Frees the field errors; accepts NULL. */
void problem_cleanup(struct problem *p);
/* Sets the detail and returns err, so callers can `return problem_fail(...)`.
 * p may be NULL (nobody to tell): err is still returned. */
int problem_fail(struct problem *p, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int problem_vfail(struct problem *p, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Adds a field error (the first also becomes the detail); returns
 * ERR_INVALID. p may be NULL. */
int problem_field(struct problem *p, const char *field, const char *message);

#endif

/* The placeholders of one e-mail; see mail_vars.h. */
#include "jobs/mail_vars.h"

#include <stdarg.h>
#include <stdio.h>

void
mail_vars_add(struct mail_vars *v, const char *name, const char *en, const char *ar)
{
    if (v->n == MAIL_VARS_MAX)
        return;
    v->en[v->n] = (struct tpl_var){name, en};
    v->ar[v->n] = (struct tpl_var){name, ar ? ar : en};
    v->n++;
}

const char *
mail_vars_printf(struct mail_vars *v, const char *fmt, ...)
{
    char *out = v->text + v->used;
    size_t room = sizeof(v->text) - v->used;
    va_list ap;
    int n;

    if (room < 2)
        return "";
    va_start(ap, fmt);
    n = vsnprintf(out, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        *out = '\0';
        return "";
    }
    v->used += (size_t)n + 1;
    return out;
}

/* Message templates: "{{name}}" placeholders replaced by values. Pure. */
#ifndef CHAIRSIDE_CORE_TEMPLATE_H
#define CHAIRSIDE_CORE_TEMPLATE_H

#include <stddef.h>

#include "util/buf.h"

struct tpl_var {
    const char *name;
    const char *value;
};

/* Appends tpl to out with every {{name}} (spaces around name allowed)
 * replaced by its value; html escapes the values for an HTML part. An
 * unknown name becomes empty text; "{{" without "}}" is copied as is. */
int tpl_render(const char *tpl, const struct tpl_var *vars, size_t n, int html, struct buf *out);

#endif

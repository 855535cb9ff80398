#include "core/template.h"

#include <string.h>

#include "util/err.h"

#define TPL_NAME_MAX 64

static int
put_escaped(struct buf *out, const char *s)
{
    int rc = ERR_OK;

    for (; rc == ERR_OK && *s; s++) {
        switch (*s) {
        case '&':
            rc = buf_puts(out, "&amp;");
            break;
        case '<':
            rc = buf_puts(out, "&lt;");
            break;
        case '>':
            rc = buf_puts(out, "&gt;");
            break;
        case '"':
            rc = buf_puts(out, "&quot;");
            break;
        case '\'':
            rc = buf_puts(out, "&#39;");
            break;
        default:
            rc = buf_append(out, s, 1);
        }
    }
    return rc;
}

static const char *
lookup(const struct tpl_var *vars, size_t n, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return vars[i].value ? vars[i].value : "";
    }
    return "";
}

int
tpl_render(const char *tpl, const struct tpl_var *vars, size_t n, int html, struct buf *out)
{
    const char *p = tpl, *open, *close, *name, *end;
    int rc = ERR_OK;

    while (rc == ERR_OK && (open = strstr(p, "{{")) != NULL) {
        close = strstr(open + 2, "}}");
        if (!close)
            break;
        rc = buf_append(out, p, (size_t)(open - p));
        name = open + 2;
        end = close;
        while (name < end && *name == ' ')
            name++;
        while (end > name && end[-1] == ' ')
            end--;
        if (rc == ERR_OK && (size_t)(end - name) <= TPL_NAME_MAX) {
            const char *v = lookup(vars, n, name, (size_t)(end - name));

            rc = html ? put_escaped(out, v) : buf_puts(out, v);
        }
        p = close + 2;
    }
    return rc == ERR_OK ? buf_puts(out, p) : rc;
}

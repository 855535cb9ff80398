/* Message templates admins edit (PATCH /templates/{id}) rendered with
 * booking values patients typed. Input: template, then values, split at
 * NUL bytes. */
#include "fuzz.h"

#include "core/template.h"
#include "util/buf.h"
#include "util/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[4];
    char *buf;
    struct tpl_var vars[3];
    struct buf out;

    if (!fuzz_parts(data, size, &buf, parts, 4))
        return 0;
    vars[0] = (struct tpl_var){"patient_name", parts[1]};
    vars[1] = (struct tpl_var){"service", parts[2]};
    vars[2] = (struct tpl_var){"x", parts[3]};
    for (int html = 0; html < 2; html++) {
        buf_init(&out, 1 << 20);
        if (tpl_render(parts[0], vars, 3, html, &out) == ERR_OK && out.len)
            FUZZ_CHECK(strlen(out.data) <= out.len);
        buf_cleanup(&out);
    }
    /* A value never brings markup into an HTML part. */
    buf_init(&out, 1 << 20);
    if (tpl_render("<p>{{ x }}</p>", vars, 3, 1, &out) == ERR_OK) {
        FUZZ_CHECK(out.len >= 7);
        FUZZ_CHECK(strcspn(out.data + 3, "<>\"'") == out.len - 7);
    }
    buf_cleanup(&out);
    free(buf);
    return 0;
}

/* E-mail building (core/mime.c) from patient- and admin-supplied text:
 * subjects, bodies and addresses. Whatever the input, a header never gains
 * a line that is not a fold, and the message never carries a bare LF. */
#include "fuzz.h"

#include "core/mime.h"
#include "util/buf.h"
#include "util/err.h"

/* Every line break is CRLF, and in a header it is followed by a fold. */
static void
check_lines(const char *s, size_t len, int header)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            FUZZ_CHECK(i > 0 && s[i - 1] == '\r');
        if (s[i] == '\r') {
            FUZZ_CHECK(i + 1 < len && s[i + 1] == '\n');
            if (header)
                FUZZ_CHECK(i + 2 < len && (s[i + 2] == ' ' || s[i + 2] == '\t'));
        }
        if (header)
            FUZZ_CHECK((unsigned char)s[i] < 0x80 && s[i] != '\0');
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[5];
    char *buf;
    struct buf out;
    struct mime_message m;

    if (!fuzz_parts(data, size, &buf, parts, 5))
        return 0;
    buf_init(&out, 1 << 22);
    if (mime_header_text(parts[0], &out) == ERR_OK && out.len)
        check_lines(out.data, out.len, 1);
    buf_reset(&out);
    if (mime_base64(data, size, size % 2, &out) == ERR_OK && !(size % 2))
        FUZZ_CHECK(out.len == (size + 2) / 3 * 4);
    buf_reset(&out);
    memset(&m, 0, sizeof(m));
    m.from = *parts[3] ? parts[3] : "clinic@chairside.test";
    m.to = *parts[4] ? parts[4] : "patient@example.test";
    m.subject = parts[0];
    m.date = 1764576000;
    m.message_id = "1.2@chairside";
    m.boundary = "b-1";
    m.text = parts[1];
    m.html = parts[2];
    m.ics = size % 3 ? NULL : "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    m.ics_method = "REQUEST";
    if (mime_build(&m, &out) == ERR_OK && out.len) {
        const char *body = strstr(out.data, "\r\n\r\n");

        FUZZ_CHECK(body != NULL);
        check_lines(out.data, (size_t)(body - out.data) + 2, 0);
    }
    buf_cleanup(&out);
    free(buf);
    return 0;
}

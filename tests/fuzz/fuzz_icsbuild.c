/* The iCalendar the server writes (diary events, e-mail attachments,
 * calendar feeds) from text staff and patients typed: service names,
 * notes, locations, staff names and addresses. Whatever they hold, the
 * output keeps its shape: one VEVENT, and every line is a fold or one of
 * the properties the builder writes, so no text can inject another. */
#include "fuzz.h"

#include "core/ics.h"
#include "util/buf.h"
#include "util/err.h"

static const char *const names[] = {
    "BEGIN",    "END",       "VERSION",       "PRODID",   "METHOD",
    "UID",      "DTSTAMP",   "DTSTART",       "DTEND",    "SUMMARY",
    "STATUS",   "LOCATION",  "DESCRIPTION",   "ATTENDEE", "X-CHAIRSIDE-STAFF",
    "SEQUENCE", "ORGANIZER", "LAST-MODIFIED",
};

static int
known_line(const char *line, size_t len)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i]);

        if (len > n && memcmp(line, names[i], n) == 0 && (line[n] == ':' || line[n] == ';'))
            return 1;
    }
    return 0;
}

static void
check_shape(const char *s, size_t len)
{
    size_t begins = 0, at = 0;

    while (at < len) {
        const char *eol = strstr(s + at, "\r\n");
        size_t n = eol ? (size_t)(eol - (s + at)) : len - at;

        FUZZ_CHECK(memchr(s + at, '\n', n) == NULL);
        FUZZ_CHECK(memchr(s + at, '\r', n) == NULL);
        FUZZ_CHECK(n == 0 || s[at] == ' ' || s[at] == '\t' || known_line(s + at, n));
        if (n >= 12 && memcmp(s + at, "BEGIN:VEVENT", 12) == 0)
            begins++;
        at += n + 2;
    }
    FUZZ_CHECK(begins == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[6];
    char *buf;
    struct ics_event ev;
    struct ics_itip itip;
    struct ics_calendar cal = {NULL, NULL, NULL, 0, 0};
    struct buf out;

    if (!fuzz_parts(data, size, &buf, parts, 6))
        return 0;
    memset(&ev, 0, sizeof(ev));
    ev.uid = "booking-1@chairside";
    ev.start = 1764576000;
    ev.end = 1764577800;
    ev.stamp = 1764570000;
    ev.summary = parts[0];
    ev.description = parts[1];
    ev.location = parts[2];
    ev.staff_name = parts[3];
    ev.staff_email = parts[4];
    ev.staff_id = 7;
    ev.cancelled = size % 2;
    buf_init(&out, 1 << 22);
    if (ics_calendar_build(&ev, 1, *parts[5] ? "REQUEST" : NULL, &out) == ERR_OK && out.len)
        check_shape(out.data, out.len);
    /* An invitation: the typed texts as the organizer's and recipient's
     * names and addresses too. */
    buf_reset(&out);
    itip = (struct ics_itip){(int)(size % 7), ev.stamp, parts[4], parts[2], parts[4], parts[3]};
    cal.method = size % 3 ? "REQUEST" : "CANCEL";
    if (ics_build(&cal, &ev, &itip, 1, &out) == ERR_OK && out.len)
        check_shape(out.data, out.len);
    buf_cleanup(&out);
    free(buf);
    return 0;
}

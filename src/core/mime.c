#include "core/mime.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"

#define MIME_WORD_BYTES 45 /* 60 base64 characters per encoded word */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
mime_base64(const void *data, size_t n, int wrap, struct buf *out)
{
    const unsigned char *p = data;
    char quad[4];
    size_t i, col = 0;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        quad[0] = b64[(v >> 18) & 63];
        quad[1] = b64[(v >> 12) & 63];
        quad[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        quad[3] = i + 2 < n ? b64[v & 63] : '=';
        rc = buf_append(out, quad, 4);
        col += 4;
        if (rc == ERR_OK && wrap && col >= 76 && i + 3 < n) {
            rc = buf_puts(out, "\r\n");
            col = 0;
        }
    }
    return rc;
}

static int
plain_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    }
    return 1;
}

int
mime_header_text(const char *s, struct buf *out)
{
    size_t n = strlen(s), at = 0, take;
    int rc = ERR_OK;

    if (plain_ascii(s))
        return buf_puts(out, s);
    while (rc == ERR_OK && at < n) {
        take = n - at < MIME_WORD_BYTES ? n - at : MIME_WORD_BYTES;
        /* Never split a UTF-8 sequence between two words. */
        while (at + take < n && take > 1 && ((unsigned char)s[at + take] & 0xc0) == 0x80)
            take--;
        rc = buf_puts(out, at ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        if (rc == ERR_OK)
            rc = mime_base64(s + at, take, 0, out);
        if (rc == ERR_OK)
            rc = buf_puts(out, "?=");
        at += take;
    }
    return rc;
}

static int
put_date(int64_t t, struct buf *out)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t day = civil_day_of(t), sec = t - day * 86400;
    int y, m, d;

    civil_date_from_days(day, &y, &m, &d);
    return buf_printf(out, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n",
                      days[civil_weekday(day) - 1], d, months[m - 1], y, (int)(sec / 3600),
                      (int)(sec / 60 % 60), (int)(sec % 60));
}

static int
put_headers(const struct mime_message *m, struct buf *out)
{
    int rc = buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", m->from, m->to);

    if (rc == ERR_OK)
        rc = mime_header_text(m->subject, out);
    if (rc == ERR_OK)
        rc = buf_puts(out, "\r\n");
    if (rc == ERR_OK)
        rc = put_date(m->date, out);
    if (rc == ERR_OK)
        rc = buf_printf(out,
                        "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: multipart/mixed; boundary=\"mixed-%s\"\r\n\r\n"
                        "This is a message in MIME format.\r\n",
                        m->message_id, m->boundary);
    return rc;
}

int
mime_crlf(const char *s, struct buf *out)
{
    int rc = ERR_OK;

    while (rc == ERR_OK && *s) {
        size_t n = strcspn(s, "\r\n");

        rc = buf_append(out, s, n);
        s += n;
        if (rc != ERR_OK || !*s)
            break;
        rc = buf_puts(out, "\r\n");
        s += s[0] == '\r' && s[1] == '\n' ? 2 : 1;
    }
    return rc;
}

/* One base64 part: boundary line, headers, body in canonical form. */
static int
put_part(struct buf *out, const char *boundary, const char *headers, const char *body)
{
    struct buf canon;
    int rc = buf_printf(out, "\r\n--%s\r\n%s\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                        boundary, headers);

    buf_init(&canon, out->limit);
    if (rc == ERR_OK)
        rc = mime_crlf(body, &canon);
    if (rc == ERR_OK)
        rc = mime_base64(canon.data ? canon.data : "", canon.len, 1, out);
    buf_cleanup(&canon);
    return rc == ERR_OK ? buf_puts(out, "\r\n") : rc;
}

static int
plain_word(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '-'))
            return 0;
    }
    return 1;
}

int
mime_build(const struct mime_message *m, struct buf *out)
{
    const char *method = m->ics_method ? m->ics_method : "PUBLISH";
    char mixed[128], alt[128], cal[128];
    int rc;

    if (strpbrk(m->from, "\r\n") || strpbrk(m->to, "\r\n") || strpbrk(m->subject, "\r\n") ||
        !plain_word(method) || strlen(method) > 32)
        return ERR_INVALID;
    snprintf(mixed, sizeof(mixed), "mixed-%s", m->boundary);
    snprintf(alt, sizeof(alt), "alt-%s", m->boundary);
    snprintf(cal, sizeof(cal), "Content-Type: text/calendar; method=%s; charset=UTF-8", method);
    rc = put_headers(m, out);
    if (rc == ERR_OK)
        rc = buf_printf(out, "\r\n--%s\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n",
                        mixed, alt);
    if (rc == ERR_OK)
        rc = put_part(out, alt, "Content-Type: text/plain; charset=utf-8", m->text);
    if (rc == ERR_OK)
        rc = put_part(out, alt, "Content-Type: text/html; charset=utf-8", m->html);
    if (rc == ERR_OK && m->ics)
        rc = put_part(out, alt, cal, m->ics);
    if (rc == ERR_OK)
        rc = buf_printf(out, "\r\n--%s--\r\n", alt);
    if (rc == ERR_OK && m->ics)
        rc = put_part(out, mixed,
                      "Content-Type: application/ics; name=\"invite.ics\"\r\n"
                      "Content-Disposition: attachment; filename=\"invite.ics\"",
                      m->ics);
    if (rc == ERR_OK)
        rc = buf_printf(out, "\r\n--%s--\r\n", mixed);
    return rc;
}

/* Builds e-mail messages (RFC 5322 + MIME): a UTF-8 subject as RFC 2047
 * encoded words, multipart/alternative text and HTML parts, and an
 * optional iMIP invitation (RFC 6047). Pure: the date, Message-ID and
 * boundary come from the caller.
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain; charset=utf-8
 *       text/html; charset=utf-8
 *       text/calendar; method=REQUEST; charset=UTF-8     (with ics)
 *     application/ics; name="invite.ics", an attachment  (with ics)
 *
 * as calendar services send invitations: a client that understands iMIP
 * acts on the text/calendar part (whose method is the calendar's
 * METHOD), any other offers the attachment. Every text part is base64 of
 * its canonical form (RFC 2045/2046): each line break CRLF, whatever the
 * caller's text used. */
#ifndef CHAIRSIDE_CORE_MIME_H
#define CHAIRSIDE_CORE_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct mime_message {
    const char *from; /* bare addresses */
    const char *to;
    const char *subject;    /* UTF-8 */
    int64_t date;           /* UTC seconds */
    const char *message_id; /* without <> */
    const char *boundary;   /* unique text, [A-Za-z0-9._-] */
    const char *text;       /* UTF-8 */
    const char *html;       /* UTF-8 */
    const char *ics;        /* NULL = no invitation */
    const char *ics_method; /* its METHOD: "REQUEST", "CANCEL", "PUBLISH" */
};

/* Appends base64 of data, wrapped at 76 columns with CRLF when wrap. */
int mime_base64(const void *data, size_t n, int wrap, struct buf *out);
/* Appends s as a header value: itself when it is printable ASCII, else
 * RFC 2047 "B" encoded words of at most 75 characters, folded. */
int mime_header_text(const char *s, struct buf *out);
/* Appends s with every line break (CRLF, a lone LF or a lone CR) as CRLF. */
int mime_crlf(const char *s, struct buf *out);
/* ERR_INVALID when an address or the subject holds CR or LF, or the
 * method is not a plain word. */
int mime_build(const struct mime_message *m, struct buf *out);

#endif

/* Builds e-mail messages (RFC 5322 + MIME): a UTF-8 subject as RFC 2047
 * encoded words, multipart/alternative text and HTML parts, and an
 * optional text/calendar attachment. Pure: the date, Message-ID and
 * boundary come from the caller. */
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
    const char *ics;        /* NULL = no attachment */
    const char *ics_method; /* "REQUEST", "CANCEL", "PUBLISH" */
};

/* Appends base64 of data, wrapped at 76 columns with CRLF when wrap. */
int mime_base64(const void *data, size_t n, int wrap, struct buf *out);
/* Appends s as a header value: itself when it is printable ASCII, else
 * RFC 2047 "B" encoded words of at most 75 characters, folded. */
int mime_header_text(const char *s, struct buf *out);
/* ERR_INVALID when an address or the subject holds CR or LF. */
int mime_build(const struct mime_message *m, struct buf *out);

#endif

/* A growable byte buffer with a hard size limit, always NUL-terminated. */
#ifndef CHAIRSIDE_UTIL_BUF_H
#define CHAIRSIDE_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* appends past this fail with ERR_TOO_LARGE */
};

void buf_init(struct buf *b, size_t limit);
void buf_cleanup(struct buf *b);
void buf_reset(struct buf *b);
/* Makes room for extra more bytes (and the NUL) in one allocation. */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_put_i64(struct buf *b, int64_t v);

#endif

/* Serves the built web app (staff app at "/", patient portal at "/book")
 * from a directory: every GET or HEAD outside /api lands here. The pure
 * helpers are public so that unit tests can pin down their rules. */
#ifndef CHAIRSIDE_HTTP_STATIC_FILES_H
#define CHAIRSIDE_HTTP_STATIC_FILES_H

#include <stddef.h>

struct MHD_Connection;

enum static_encoding {
    STATIC_IDENTITY = 0,
    STATIC_GZIP = 1 << 0,
    STATIC_BR = 1 << 1,
};

/* 1 when path belongs to the web app rather than the router, whatever the
 * method. */
int static_files_owns(const char *path);

/* 1 when this request is for a file rather than the API. */
int static_files_wanted(const char *method, const char *path);

/* Maps a URL path to a file below the web root ("/" -> "index.html",
 * "/book" and "/book/..." -> "book.html"). ERR_INVALID for anything that
 * could leave the root or name a hidden file. */
int static_files_map(const char *path, char *out, size_t size);

/* Content-Type for a file name, by extension. */
const char *static_files_content_type(const char *name);

/* Cache-Control for a mapped file: hashed assets live forever, the rest
 * is revalidated. */
const char *static_files_cache_control(const char *name);

/* The STATIC_* encodings an Accept-Encoding header allows (NULL: none). */
unsigned static_files_accepted(const char *accept_encoding);

/* Queues the response for method and path from root. Returns 0 when a
 * response was queued. */
int static_files_reply(struct MHD_Connection *conn, const char *root, const char *path);

#endif

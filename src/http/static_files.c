#include "http/static_files.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"

#define STATIC_PATH_MAX 512

/* Scripts, fonts and images only from this server; the calendar component
 * positions events through inline styles, so styles may be inline. */
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'";

static const char not_found[] = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                                "\"detail\":\"no such page or file\"}";

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".woff2", "font/woff2"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".ico", "image/x-icon"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
};

static int
has_prefix_segment(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int
static_files_owns(const char *path)
{
    /* The API, FHIR, health and the calendar feeds belong to the router. */
    return path[0] == '/' && !has_prefix_segment(path, "/api") &&
           !has_prefix_segment(path, "/fhir") && !has_prefix_segment(path, "/ical") &&
           strcmp(path, "/healthz") != 0;
}

int
static_files_wanted(const char *method, const char *path)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return 0;
    return static_files_owns(path);
}

/* Only plain names: letters, digits and "-_.", no segment starting with a
 * dot (so neither ".." nor ".git"), no empty segment. */
static int
path_is_plain(const char *p)
{
    int seg_start = 1;

    for (; *p; p++) {
        char c = *p;

        if (c == '/') {
            if (seg_start)
                return 0;
            seg_start = 1;
            continue;
        }
        if (seg_start && c == '.')
            return 0;
        seg_start = 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return !seg_start;
}

int
static_files_map(const char *path, char *out, size_t size)
{
    const char *name;
    size_t len;

    if (!path || path[0] != '/')
        return ERR_INVALID;
    if (path[1] == '\0')
        name = "index.html";
    else if (has_prefix_segment(path, "/book"))
        name = "book.html"; /* the portal routes its own sub-paths */
    else
        name = path + 1;
    len = strlen(name);
    if (len == 0 || len >= size || len > STATIC_PATH_MAX || !path_is_plain(name))
        return ERR_INVALID;
    memcpy(out, name, len + 1);
    return ERR_OK;
}

const char *
static_files_content_type(const char *name)
{
    size_t n = strlen(name), i;

    for (i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++) {
        size_t e = strlen(content_types[i].ext);

        if (n > e && strcasecmp(name + n - e, content_types[i].ext) == 0)
            return content_types[i].type;
    }
    return "application/octet-stream";
}

const char *
static_files_cache_control(const char *name)
{
    /* The build names everything under assets/ by its content hash. */
    if (strncmp(name, "assets/", 7) == 0)
        return "public, max-age=31536000, immutable";
    return "no-cache";
}

/* One coding from an Accept-Encoding list: its bit unless q=0. */
static unsigned
coding_bit(const char *item, size_t len)
{
    const char *semi = memchr(item, ';', len);
    size_t name_len = semi ? (size_t)(semi - item) : len;
    unsigned bit = 0;

    while (name_len && (item[name_len - 1] == ' ' || item[name_len - 1] == '\t'))
        name_len--;
    if (name_len == 2 && strncasecmp(item, "br", 2) == 0)
        bit = STATIC_BR;
    else if (name_len == 4 && strncasecmp(item, "gzip", 4) == 0)
        bit = STATIC_GZIP;
    else if (name_len == 1 && item[0] == '*')
        bit = STATIC_BR | STATIC_GZIP;
    if (semi) {
        const char *q = semi + 1;
        const char *end = item + len;

        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        /* "q=0", "q=0.0", "q=0.000" refuse; any other digit accepts. */
        if (end - q >= 3 && strncasecmp(q, "q=0", 3) == 0 &&
            strspn(q + 3, ".0") >= (size_t)(end - q - 3))
            bit = 0;
    }
    return bit;
}

unsigned
static_files_accepted(const char *accept_encoding)
{
    const char *p = accept_encoding;
    unsigned bits = 0;

    if (!p)
        return STATIC_IDENTITY;
    while (*p) {
        size_t len = strcspn(p, ",");

        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        bits |= coding_bit(p, len);
        p += len;
        if (*p == ',')
            p++;
    }
    return bits;
}

/* Opens root/name (plus suffix) when it is a regular file. -1 otherwise. */
static int
open_regular(const char *root, const char *name, const char *suffix, off_t *size)
{
    char full[STATIC_PATH_MAX + 1024];
    struct stat st;
    int n, fd;

    n = snprintf(full, sizeof(full), "%s/%s%s", root, name, suffix);
    if (n < 0 || (size_t)n >= sizeof(full))
        return -1;
    fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    *size = st.st_size;
    return fd;
}

static int
reply_not_found(struct MHD_Connection *conn)
{
    struct MHD_Response *r;
    int rc = -1;

    r = MHD_create_response_from_buffer(sizeof(not_found) - 1, (void *)not_found,
                                        MHD_RESPMEM_PERSISTENT);
    if (!r)
        goto out;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/problem+json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    rc = MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, r) == MHD_YES ? 0 : -1;
    MHD_destroy_response(r);
out:
    return rc;
}

static void
add_headers(struct MHD_Response *r, const char *name, const char *encoding)
{
    const char *type = static_files_content_type(name);

    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, static_files_cache_control(name));
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (encoding)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, encoding);
    if (strncmp(type, "text/html", 9) == 0) {
        MHD_add_response_header(r, "Content-Security-Policy", csp);
        MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    }
}

int
static_files_reply(struct MHD_Connection *conn, const char *root, const char *path)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    unsigned accepted = static_files_accepted(ae);
    char name[STATIC_PATH_MAX + 1];
    const char *encoding = NULL;
    struct MHD_Response *r;
    off_t size = 0;
    int fd = -1, rc = -1;

    if (!root || static_files_map(path, name, sizeof(name)) != ERR_OK)
        return reply_not_found(conn);
    if (accepted & STATIC_BR) {
        fd = open_regular(root, name, ".br", &size);
        encoding = fd >= 0 ? "br" : NULL;
    }
    if (fd < 0 && (accepted & STATIC_GZIP)) {
        fd = open_regular(root, name, ".gz", &size);
        encoding = fd >= 0 ? "gzip" : NULL;
    }
    if (fd < 0)
        fd = open_regular(root, name, "", &size);
    if (fd < 0)
        return reply_not_found(conn);
    /* On success the response owns fd and closes it when done. */
    r = MHD_create_response_from_fd((uint64_t)size, fd);
    if (!r) {
        close(fd);
        goto out;
    }
    add_headers(r, name, encoding);
    rc = MHD_queue_response(conn, MHD_HTTP_OK, r) == MHD_YES ? 0 : -1;
    MHD_destroy_response(r);
out:
    return rc;
}

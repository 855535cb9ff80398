#include "http/router.h"

#include <stdio.h>
#include <string.h>

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t
http_unescape(char *s)
{
    char *w = s;
    const char *r = s;

    while (*r) {
        int hi = r[0] == '%' ? hex_value(r[1]) : -1;
        int lo = hi >= 0 ? hex_value(r[2]) : -1;

        if (lo >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* Matches one pattern; numeric {id} segments go to ids. */
static int
pattern_match(const char *pattern, const char *path, int64_t *ids, int *n_ids)
{
    const char *p = pattern, *s = path;

    *n_ids = 0;
    while (*p && *s) {
        if (strncmp(p, "{id}", 4) == 0) {
            int64_t v = 0;
            int digits = 0;

            while (*s >= '0' && *s <= '9') {
                if (v > (INT64_MAX - 9) / 10)
                    return 0;
                v = v * 10 + (*s++ - '0');
                digits++;
            }
            if (!digits || v <= 0 || *n_ids == HTTP_MAX_PATH_IDS)
                return 0;
            ids[(*n_ids)++] = v;
            p += 4;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

/* RFC 9110 9.3.2: HEAD is GET without the body, wherever GET works. */
static int
method_serves(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum http_match
http_route_find(const struct http_route *routes, size_t n, const char *method, const char *path,
                struct http_req *req, const struct http_route **out)
{
    enum http_match result = HTTP_MATCH_NONE;
    int64_t ids[HTTP_MAX_PATH_IDS];
    int n_ids;
    size_t i;

    *out = NULL;
    for (i = 0; i < n; i++) {
        if (!pattern_match(routes[i].pattern, path, ids, &n_ids))
            continue;
        if (!method_serves(routes[i].method, method)) {
            result = HTTP_MATCH_WRONG_METHOD;
            continue;
        }
        memcpy(req->ids, ids, sizeof(ids));
        req->n_ids = n_ids;
        *out = &routes[i];
        return HTTP_MATCH_FOUND;
    }
    return result;
}

void
http_route_allow(const struct http_route *routes, size_t n, const char *path, char *out,
                 size_t size)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    int64_t ids[HTTP_MAX_PATH_IDS];
    int n_ids, seen;
    size_t i, m, used = 0;

    if (!size)
        return;
    out[0] = '\0';
    for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
        seen = 0;
        for (i = 0; i < n && !seen; i++)
            seen = method_serves(routes[i].method, methods[m]) &&
                   pattern_match(routes[i].pattern, path, ids, &n_ids);
        if (seen && used < size) {
            int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", methods[m]);

            used = w > 0 ? used + (size_t)w : used;
        }
    }
}

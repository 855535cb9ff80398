/* The request path as the server reads it: libmicrohttpd hands over the
 * raw path and query, http_unescape decodes them, the router matches the
 * real route table and the query readers parse id lists and dates. Input:
 * a method byte, then "path[?query]". */
#include "fuzz.h"

#include "api/app.h"
#include "api/input.h"
#include "core/civil.h"
#include "http/http.h"
#include "http/router.h"
#include "util/err.h"

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"};

static void
check_ids(const char *value)
{
    int64_t ids[INPUT_MAX_IDS];
    size_t n = 0, i, j;

    if (in_parse_ids(value, ids, &n) != ERR_OK)
        return;
    FUZZ_CHECK(n <= INPUT_MAX_IDS);
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(ids[i] > 0);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(ids[i] != ids[j]);
    }
}

static void
check_query(char *query)
{
    char *pair = query;

    while (pair) {
        char *next = strchr(pair, '&'), *eq;
        int64_t days;

        if (next)
            *next++ = '\0';
        eq = strchr(pair, '=');
        if (eq) {
            size_t len;

            *eq = '\0';
            len = http_unescape(eq + 1);
            FUZZ_CHECK(len == strlen(eq + 1));
            check_ids(eq + 1);
            if (civil_parse_date(eq + 1, &days) == ERR_OK) {
                char back[CIVIL_DATE_LEN];

                civil_format_date(days, back);
                FUZZ_CHECK(strcmp(back, eq + 1) == 0);
            }
        }
        pair = next;
    }
}

/* 1 when the Allow value lists method as one of its items. */
static int
allow_names(const char *allow, const char *method)
{
    size_t n = strlen(method);
    const char *p = allow;

    while ((p = strstr(p, method)) != NULL) {
        if ((p == allow || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return 1;
        p += n;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct http_route *route;
    struct http_req req;
    enum http_match match;
    const char *method;
    char *path, *query, allow[96];
    size_t len;

    if (size < 1)
        return 0;
    path = fuzz_cstr(data + 1, size - 1);
    if (!path)
        return 0;
    query = strchr(path, '?');
    if (query)
        *query++ = '\0';
    len = http_unescape(path);
    /* %00 is never decoded, so the C string is the whole path. */
    FUZZ_CHECK(len == strlen(path));
    memset(&req, 0, sizeof(req));
    method = methods[data[0] % 6];
    match = http_route_find(api_routes, api_routes_count, method, path, &req, &route);
    http_route_allow(api_routes, api_routes_count, path, allow, sizeof(allow));
    if (match == HTTP_MATCH_FOUND) {
        FUZZ_CHECK(route != NULL);
        FUZZ_CHECK(req.n_ids >= 0 && req.n_ids <= HTTP_MAX_PATH_IDS);
        for (int i = 0; i < req.n_ids; i++)
            FUZZ_CHECK(req.ids[i] > 0);
        /* HEAD is served by GET routes only. */
        FUZZ_CHECK(strcmp(method, "HEAD") != 0 || strcmp(route->method, "GET") == 0);
    }
    /* Allow names the method exactly when the path takes it, and names
     * something whenever the path is known. */
    FUZZ_CHECK(allow_names(allow, method) == (match == HTTP_MATCH_FOUND));
    FUZZ_CHECK((match == HTTP_MATCH_NONE) == (allow[0] == '\0'));
    if (query)
        check_query(query);
    free(path);
    return 0;
}

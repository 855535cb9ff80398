/* What every FHIR endpoint shares: the content type, OperationOutcome for
 * refusals, the server's base URL, search parameters and Bundles. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/fhir.h"
#include "core/civil.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

int
fhir_is_path(const char *path)
{
    return strncmp(path, "/fhir", 5) == 0 && (path[5] == '\0' || path[5] == '/');
}

int
fhir_reply(struct http_resp *resp, int status, json_t *resource)
{
    int rc = http_reply_json(resp, status, resource);

    resp->content_type = FHIR_CONTENT_TYPE;
    return rc;
}

/* The issue type (http://hl7.org/fhir/issue-type) closest to each error. */
static const char *
issue_code(int status)
{
    switch (status) {
    case 400:
        return "structure";
    case 401:
        return "login";
    case 403:
        return "forbidden";
    case 404:
        return "not-found";
    case 405:
        return "not-supported";
    case 409:
        return "conflict";
    case 413:
        return "too-costly";
    case 422:
        return "invalid";
    case 429:
        return "throttled";
    case 503:
        return "transient";
    default:
        return "exception";
    }
}

/* One issue per field at fault, so a client can point at each. */
static int
add_field_issues(json_t *issues, const json_t *errors, const char *code)
{
    const json_t *e;
    size_t i;

    json_array_foreach(errors, i, e)
    {
        char text[512];

        snprintf(text, sizeof(text), "%s %s", row_text(e, "field"), row_text(e, "message"));
        if (json_array_append_new(issues, json_pack("{s:s, s:s, s:s, s:[s]}", "severity", "error",
                                                    "code", code, "diagnostics", text, "expression",
                                                    row_text(e, "field"))))
            return ERR_NOMEM;
    }
    return ERR_OK;
}

void
fhir_reply_outcome(struct http_req *req, struct http_resp *resp, int err)
{
    json_t *outcome = NULL, *issues;
    const char *detail;
    int status;

    /* The JSON API's problem gives the status and the words. */
    http_reply_problem(req, resp, err);
    status = resp->status;
    detail = row_text(resp->json, "detail");
    issues = json_array();
    if (issues && (!req->problem.errors || !json_array_size(req->problem.errors) || status >= 500))
        json_array_append_new(issues, json_pack("{s:s, s:s, s:s}", "severity", "error", "code",
                                                issue_code(status), "diagnostics", detail));
    else if (issues && add_field_issues(issues, req->problem.errors, issue_code(status)) != ERR_OK)
        json_array_clear(issues);
    if (issues && json_array_size(issues))
        outcome = json_pack("{s:s, s:o}", "resourceType", "OperationOutcome", "issue", issues);
    else
        json_decref(issues);
    if (!outcome)
        return; /* out of memory: the problem+json stays */
    json_decref(resp->json);
    resp->json = outcome;
    resp->content_type = FHIR_CONTENT_TYPE;
}

/* A Host header is the client's word; only a plain host[:port] is used. */
static int
host_plain(const char *h)
{
    size_t i;

    if (!h || !*h || strlen(h) > 255)
        return 0;
    for (i = 0; h[i]; i++) {
        char c = h[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

int
fhir_origin(struct http_req *req, char *out, size_t size)
{
    json_t *settings = NULL;
    const char *host = http_header(req, "Host");
    int rc = store_row_get(req->db, &setup_settings.table, 1, &settings);
    const char *pub = rc == ERR_OK ? row_text(settings, "public_url") : "";
    size_t len;

    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        return rc;
    if (*pub)
        snprintf(out, size, "%s", pub);
    else
        snprintf(out, size, "http://%s", host_plain(host) ? host : "localhost");
    len = strlen(out);
    while (len && out[len - 1] == '/')
        out[--len] = '\0';
    json_decref(settings);
    return ERR_OK;
}

int
fhir_base(struct http_req *req, char *out, size_t size)
{
    int rc = fhir_origin(req, out, size);
    size_t len = strlen(out);

    if (rc == ERR_OK)
        snprintf(out + len, size - len, "/fhir");
    return rc;
}

/* --- Search parameters -------------------------------------------------- */

static int
name_listed(const char *const *names, const char *name)
{
    for (; names && *names; names++) {
        if (strcmp(*names, name) == 0)
            return 1;
    }
    return 0;
}

static int
parse_count(struct http_req *req, const char *v, int *count)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < 1 || n > FHIR_COUNT_MAX)
        return http_fail(req, ERR_MALFORMED, "_count must be a number from 1 to %d",
                         FHIR_COUNT_MAX);
    *count = (int)n;
    return ERR_OK;
}

int
fhir_search_read(struct http_req *req, const char *const *names, struct fhir_search *s)
{
    size_t i;
    int rc;

    memset(s, 0, sizeof(*s));
    s->count = FHIR_COUNT_DEFAULT;
    rc = http_query_args(req, s->args, FHIR_MAX_ARGS, &s->n);
    if (rc != ERR_OK)
        return http_fail(req, ERR_MALFORMED, "at most %d search parameters", FHIR_MAX_ARGS);
    for (i = 0; i < s->n; i++) {
        const char *name = s->args[i].name, *v = s->args[i].value;

        if (strcmp(name, "_count") == 0)
            rc = parse_count(req, v, &s->count);
        else if (strcmp(name, "_cursor") == 0)
            s->cursor = v;
        else if (!name_listed(names, name))
            rc = http_fail(req, ERR_MALFORMED, "unknown search parameter %.64s", name);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

const char *
fhir_search_get(const struct fhir_search *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (strcmp(s->args[i].name, name) == 0)
            return s->args[i].value;
    }
    return NULL;
}

static int
parse_id(const char *s, int64_t *id)
{
    char *end;
    long long v;

    if (*s < '1' || *s > '9')
        return ERR_INVALID;
    v = strtoll(s, &end, 10);
    if (*end || v <= 0 || v == LLONG_MAX)
        return ERR_INVALID;
    *id = v;
    return ERR_OK;
}

int
fhir_search_ref(struct http_req *req, const struct fhir_search *s, const char *name,
                const char *type, int64_t *id)
{
    const char *v = fhir_search_get(s, name), *slash;
    size_t tlen = strlen(type);

    *id = 0;
    if (!v)
        return ERR_OK;
    /* "Type/id", an absolute URL ending so, or the bare id. */
    slash = strrchr(v, '/');
    if (slash && !(slash - v >= (ptrdiff_t)tlen && strncmp(slash - tlen, type, tlen) == 0 &&
                   (slash - tlen == v || slash[-(ptrdiff_t)tlen - 1] == '/')))
        return http_fail(req, ERR_MALFORMED, "%s must reference a %s", name, type);
    if (parse_id(slash ? slash + 1 : v, id) != ERR_OK)
        return http_fail(req, ERR_MALFORMED, "%s must reference a %s by its id", name, type);
    return ERR_OK;
}

/* One date value: a day (its whole length in zone) or an instant. */
static int
parse_when(const char *v, const struct tz_zone *zone, int64_t *start, int64_t *end)
{
    int64_t day;

    if (strlen(v) == 10 && civil_parse_date(v, &day) == ERR_OK) {
        *start = tz_local_to_utc(zone, day * 86400);
        *end = tz_local_to_utc(zone, (day + 1) * 86400);
        return ERR_OK;
    }
    if (tz_parse_rfc3339(v, start) != ERR_OK)
        return ERR_INVALID;
    *end = *start + 1;
    return ERR_OK;
}

int
fhir_search_dates(struct http_req *req, const struct fhir_search *s, const char *name,
                  const struct tz_zone *zone, int64_t *from, int64_t *to)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        const char *v = s->args[i].value, *prefix = "eq";
        int64_t a, b;

        if (strcmp(s->args[i].name, name) != 0)
            continue;
        if (strlen(v) > 2 && v[0] >= 'a' && v[0] <= 'z') {
            static const char *const known[] = {"eq", "ge", "gt", "le", "lt"};
            size_t k;

            prefix = NULL;
            for (k = 0; k < 5; k++) {
                if (strncmp(v, known[k], 2) == 0)
                    prefix = known[k];
            }
            v += 2;
        }
        if (!prefix || parse_when(v, zone, &a, &b) != ERR_OK)
            return http_fail(req, ERR_MALFORMED,
                             "%s must be [eq|ge|gt|le|lt]YYYY-MM-DD or an RFC 3339 time", name);
        if (strcmp(prefix, "eq") == 0 || strcmp(prefix, "ge") == 0)
            *from = a;
        if (strcmp(prefix, "gt") == 0)
            *from = b;
        if (strcmp(prefix, "eq") == 0 || strcmp(prefix, "le") == 0)
            *to = b;
        if (strcmp(prefix, "lt") == 0)
            *to = a;
    }
    return ERR_OK;
}

const char *
fhir_cursor_text(struct http_req *req, const char *prefix, int64_t v)
{
    char text[48];

    snprintf(text, sizeof(text), "%s%lld", prefix, (long long)v);
    return arena_strdup(&req->arena, text);
}

/* --- Bundles -------------------------------------------------------------- */

int
fhir_bundle_init(struct http_req *req, struct fhir_bundle *b, const char *type)
{
    int rc;

    b->json = NULL;
    rc = fhir_base(req, b->base, sizeof(b->base));
    if (rc != ERR_OK)
        return rc;
    b->json = json_pack("{s:s, s:s, s:[], s:[]}", "resourceType", "Bundle", "type", type, "link",
                        "entry");
    return b->json ? ERR_OK : ERR_NOMEM;
}

void
fhir_bundle_cleanup(struct fhir_bundle *b)
{
    json_decref(b->json);
    b->json = NULL;
}

int
fhir_bundle_add(struct fhir_bundle *b, json_t *resource)
{
    char url[700];
    json_t *entry;
    int search = strcmp(row_text(b->json, "type"), "searchset") == 0;

    if (!resource)
        return ERR_NOMEM;
    snprintf(url, sizeof(url), "%s/%s/%s", b->base, row_text(resource, "resourceType"),
             row_text(resource, "id"));
    entry = row_text(resource, "id")[0]
                ? json_pack("{s:s, s:o}", "fullUrl", url, "resource", resource)
                : json_pack("{s:o}", "resource", resource);
    if (entry && search)
        json_object_set_new(entry, "search", json_pack("{s:s}", "mode", "match"));
    if (!entry || json_array_append_new(json_object_get(b->json, "entry"), entry))
        return ERR_NOMEM;
    return ERR_OK;
}

json_t *
fhir_bundle_take(struct fhir_bundle *b)
{
    json_t *json = b->json;

    /* FHIR JSON has no empty arrays. */
    if (!json_array_size(json_object_get(json, "entry")))
        json_object_del(json, "entry");
    if (!json_array_size(json_object_get(json, "link")))
        json_object_del(json, "link");
    b->json = NULL;
    return json;
}

static int
put_escaped(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = ERR_OK;

    for (; rc == ERR_OK && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~:/|", c)) {
            rc = buf_append(out, s, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

            rc = buf_append(out, esc, 3);
        }
    }
    return rc;
}

/* The search as a URL, with _cursor replaced by cursor (none when NULL). */
static int
search_url(struct http_req *req, const char *base, const struct fhir_search *s, const char *cursor,
           json_t **out)
{
    struct buf url;
    const char *path = req->path + 5; /* after "/fhir" */
    size_t i;
    int rc, first = 1;

    buf_init(&url, 8192);
    rc = buf_printf(&url, "%s%s", base, path);
    for (i = 0; rc == ERR_OK && i < s->n; i++) {
        if (strcmp(s->args[i].name, "_cursor") == 0)
            continue;
        rc = buf_puts(&url, first ? "?" : "&");
        first = 0;
        if (rc == ERR_OK)
            rc = put_escaped(&url, s->args[i].name);
        if (rc == ERR_OK)
            rc = buf_puts(&url, "=");
        if (rc == ERR_OK)
            rc = put_escaped(&url, s->args[i].value);
    }
    if (rc == ERR_OK && cursor) {
        rc = buf_puts(&url, first ? "?_cursor=" : "&_cursor=");
        if (rc == ERR_OK)
            rc = put_escaped(&url, cursor);
    }
    if (rc == ERR_OK) {
        *out = json_string(url.data);
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
    buf_cleanup(&url);
    return rc;
}

static int
add_link(json_t *links, const char *relation, json_t *url)
{
    return json_array_append_new(links, json_pack("{s:s, s:o}", "relation", relation, "url", url))
               ? ERR_NOMEM
               : ERR_OK;
}

int
fhir_reply_bundle(struct http_req *req, struct http_resp *resp, struct fhir_bundle *b,
                  const struct fhir_search *s, const char *next_cursor)
{
    json_t *links = json_object_get(b->json, "link"), *url = NULL;
    int rc = search_url(req, b->base, s, s->cursor, &url);

    if (rc == ERR_OK)
        rc = add_link(links, "self", url);
    if (rc == ERR_OK && next_cursor)
        rc = search_url(req, b->base, s, next_cursor, &url);
    if (rc == ERR_OK && next_cursor)
        rc = add_link(links, "next", url);
    if (rc == ERR_OK)
        rc = fhir_reply(resp, 200, fhir_bundle_take(b));
    return rc;
}

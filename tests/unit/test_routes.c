/* Audits the route table (api/routes.c) and the router that matches it
 * (http/router.c): every route is well formed and protected unless it is
 * deliberately public, setup writes are for admins only, and every route
 * is described in the OpenAPI document the server serves. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "api/app.h"
#include "http/http.h"
#include "http/router.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define V1 "/api/v1/"

/* docs/openapi.yaml, compiled in (build/gen/openapi.c). */
extern const char api_openapi_yaml[];

struct route_key {
    const char *method;
    const char *pattern;
};

/* The only routes anyone may call without a session. */
static const struct route_key public_routes[] = {
    {"GET", "/healthz"},
    {"GET", "/api/v1/openapi.yaml"},
    {"POST", "/api/v1/auth/login"},
    /* New patients sign up while booking; the handler refuses the rest. */
    {"POST", "/api/v1/bookings"},
    /* Visitors hold the time they chose while they sign up; a hold is
     * released only by the session (or visitor cookie) that made it. */
    {"POST", "/api/v1/holds"},
    {"DELETE", "/api/v1/holds/{id}"},
    /* Visitors choose a time before they sign up, from the clinic's
     * public rows: online services, bookable staff, locations, and the
     * booking rules among the settings. */
    {"GET", "/api/v1/availability"},
    {"GET", "/api/v1/services"},
    {"GET", "/api/v1/services/{id}"},
    {"GET", "/api/v1/staff"},
    {"GET", "/api/v1/staff/{id}"},
    {"GET", "/api/v1/locations"},
    {"GET", "/api/v1/locations/{id}"},
    {"GET", "/api/v1/settings"},
    /* The card gateway carries no login; its signature is checked. */
    {"POST", "/api/v1/payment-webhooks/checkout"},
    /* Visitors see the group events offered online (never their
     * participants) to choose a class before they sign up. */
    {"GET", "/api/v1/group-events"},
    {"GET", "/api/v1/group-events/{id}"},
    /* Visitors browse the packages offered online before they sign up. */
    {"GET", "/api/v1/packages"},
    {"GET", "/api/v1/packages/{id}"},
    /* Calendar apps subscribe without a login; a secret token is the key. */
    {"GET", "/ical/staff/{id}.ics"},
    {"GET", "/ical/locations/{id}.ics"},
    /* FHIR clients read what the server can do before they authenticate;
     * SMART Scheduling Links publish what the booking portal shows. */
    {"GET", "/fhir/metadata"},
    {"GET", "/fhir/$bulk-publish"},
    {"GET", "/fhir/$bulk-publish/Location.ndjson"},
    {"GET", "/fhir/$bulk-publish/Schedule.ndjson"},
    {"GET", "/fhir/$bulk-publish/Slot.ndjson"},
};

/* Resources whose writes change the practice's setup. */
static const char *const setup_prefixes[] = {
    V1 "locations", V1 "services", V1 "actions",   V1 "staff",
    V1 "settings",  V1 "packages", V1 "resources",
};

static int
is_public(const struct http_route *r)
{
    size_t i;

    for (i = 0; i < ARRAY_LEN(public_routes); i++) {
        if (strcmp(r->method, public_routes[i].method) == 0 &&
            strcmp(r->pattern, public_routes[i].pattern) == 0)
            return 1;
    }
    return 0;
}

/* pattern is prefix itself or below it ("/api/v1/staff/{id}", not
 * "/api/v1/staffing"). */
static int
under(const char *pattern, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(pattern, prefix, n) == 0 && (pattern[n] == '\0' || pattern[n] == '/');
}

static int
is_setup(const char *pattern)
{
    size_t i;

    for (i = 0; i < ARRAY_LEN(setup_prefixes); i++) {
        if (under(pattern, setup_prefixes[i]))
            return 1;
    }
    return 0;
}

static const struct http_route *
route_named(const char *method, const char *pattern)
{
    size_t i;

    for (i = 0; i < api_routes_count; i++) {
        if (strcmp(api_routes[i].method, method) == 0 &&
            strcmp(api_routes[i].pattern, pattern) == 0)
            return &api_routes[i];
    }
    return NULL;
}

static void
test_table_not_empty(void **state)
{
    (void)state;
    assert_true(api_routes_count > ARRAY_LEN(public_routes));
}

static void
test_methods_known(void **state)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    size_t i, k;

    (void)state;
    for (i = 0; i < api_routes_count; i++) {
        int known = 0;

        assert_non_null(api_routes[i].method);
        for (k = 0; k < ARRAY_LEN(methods); k++)
            known |= strcmp(api_routes[i].method, methods[k]) == 0;
        if (!known)
            fail_msg("route %zu (%s) has method \"%s\"", i, api_routes[i].pattern,
                     api_routes[i].method);
    }
}

static void
test_patterns_versioned(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < api_routes_count; i++) {
        const char *p = api_routes[i].pattern;
        const char *brace;

        assert_non_null(p);
        assert_non_null(api_routes[i].handler);
        if (strcmp(p, "/healthz") != 0 && strncmp(p, V1, strlen(V1)) != 0 &&
            strncmp(p, "/ical/", 6) != 0 && strncmp(p, "/fhir/", 6) != 0)
            fail_msg("route %s %s is not under " V1, api_routes[i].method, p);
        /* {id} is the only placeholder the router knows. */
        for (brace = strchr(p, '{'); brace; brace = strchr(brace + 1, '{')) {
            if (strncmp(brace, "{id}", 4) != 0)
                fail_msg("route %s %s has an unknown placeholder", api_routes[i].method, p);
        }
    }
}

static void
test_roles_declared(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];

        if (!is_public(r) && r->roles == 0)
            fail_msg("route %s %s declares no roles but is not on the public list", r->method,
                     r->pattern);
        if ((r->roles & ~(unsigned)(HTTP_ROLE_PATIENT | HTTP_ROLE_STAFF | HTTP_ROLE_ADMIN)) != 0)
            fail_msg("route %s %s has unknown role bits", r->method, r->pattern);
    }
    /* The allowlist names real routes, and they really are public. */
    for (i = 0; i < ARRAY_LEN(public_routes); i++) {
        const struct http_route *r = route_named(public_routes[i].method, public_routes[i].pattern);

        if (!r)
            fail_msg("public route %s %s is not in the table", public_routes[i].method,
                     public_routes[i].pattern);
        assert_int_equal(r->roles, 0);
    }
}

static void
test_no_duplicates(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < api_routes_count; i++) {
        for (j = i + 1; j < api_routes_count; j++) {
            if (strcmp(api_routes[i].method, api_routes[j].method) == 0 &&
                strcmp(api_routes[i].pattern, api_routes[j].pattern) == 0)
                fail_msg("routes %zu and %zu are both %s %s", i, j, api_routes[i].method,
                         api_routes[i].pattern);
        }
    }
}

static void
test_setup_writes_admin_only(void **state)
{
    size_t i, n_checked = 0;

    (void)state;
    for (i = 0; i < api_routes_count; i++) {
        const struct http_route *r = &api_routes[i];

        if (strcmp(r->method, "GET") == 0 || !is_setup(r->pattern))
            continue;
        n_checked++;
        if (r->roles != HTTP_ROLE_ADMIN)
            fail_msg("setup write %s %s is not admin-only (roles %#x)", r->method, r->pattern,
                     r->roles);
    }
    /* Create, update and delete for four resources, plus settings. */
    assert_true(n_checked >= 13);
    assert_false(under(V1 "staffing", V1 "staff"));
    assert_true(under(V1 "staff/{id}/shifts", V1 "staff"));
}

static enum http_match
find(const char *method, const char *path, struct http_req *req, const struct http_route **out)
{
    memset(req, 0, sizeof(*req));
    return http_route_find(api_routes, api_routes_count, method, path, req, out);
}

static void
test_router_matches_ids(void **state)
{
    const struct http_route *cancel = route_named("POST", V1 "bookings/{id}/cancel");
    const struct http_route *out = NULL;
    struct http_req req;

    (void)state;
    assert_non_null(cancel);
    assert_int_equal(find("POST", V1 "bookings/12/cancel", &req, &out), HTTP_MATCH_FOUND);
    assert_ptr_equal(out, cancel);
    assert_int_equal(req.n_ids, 1);
    assert_int_equal(req.ids[0], 12);

    assert_int_equal(find("DELETE", V1 "staff/7/time-off/123456789012", &req, &out),
                     HTTP_MATCH_FOUND);
    assert_ptr_equal(out, route_named("DELETE", V1 "staff/{id}/time-off/{id}"));
    assert_int_equal(req.n_ids, 2);
    assert_int_equal(req.ids[0], 7);
    assert_int_equal(req.ids[1], 123456789012);

    assert_int_equal(find("GET", "/healthz", &req, &out), HTTP_MATCH_FOUND);
    assert_int_equal(req.n_ids, 0);

    /* A literal suffix after {id}: the calendar feeds. */
    assert_int_equal(find("GET", "/ical/staff/42.ics", &req, &out), HTTP_MATCH_FOUND);
    assert_ptr_equal(out, route_named("GET", "/ical/staff/{id}.ics"));
    assert_int_equal(req.n_ids, 1);
    assert_int_equal(req.ids[0], 42);
    assert_int_equal(find("GET", "/ical/locations/3.ics", &req, &out), HTTP_MATCH_FOUND);
    assert_ptr_equal(out, route_named("GET", "/ical/locations/{id}.ics"));
    assert_int_equal(find("GET", "/ical/staff/42.icsx", &req, &out), HTTP_MATCH_NONE);
    assert_int_equal(find("GET", "/ical/staff/42", &req, &out), HTTP_MATCH_NONE);
    assert_int_equal(find("GET", "/ical/staff/.ics", &req, &out), HTTP_MATCH_NONE);
}

static void
test_router_rejects(void **state)
{
    static const char *const bad[] = {
        V1 "bookings/0",          V1 "bookings/abc",   V1 "bookings/12/",
        V1 "bookings/-1",         V1 "bookings/12abc", V1 "bookings/99999999999999999999",
        V1 "bookings/12/cancel/", V1 "bookings/",      "/api/v1/bookings//cancel",
        "/api/v2/bookings",
    };
    const struct http_route *out;
    struct http_req req;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_LEN(bad); i++) {
        enum http_match m;

        out = &api_routes[0]; /* must be cleared */
        m = find("GET", bad[i], &req, &out);

        if (m != HTTP_MATCH_NONE)
            fail_msg("GET %s matched (%d)", bad[i], (int)m);
        assert_null(out);
    }
    /* The path exists for other methods: 405, not 404. */
    out = &api_routes[0];
    assert_int_equal(find("DELETE", V1 "bookings", &req, &out), HTTP_MATCH_WRONG_METHOD);
    assert_null(out);
    assert_int_equal(find("PUT", V1 "bookings/12/cancel", &req, &out), HTTP_MATCH_WRONG_METHOD);
    assert_int_equal(find("GET", V1 "no-such-thing", &req, &out), HTTP_MATCH_NONE);
}

/* Copies path to out with every "{...}" placeholder as "{}": the route
 * table writes {id} everywhere, the document names them. */
static void
normalise_path(const char *path, size_t len, char *out, size_t size)
{
    size_t i, n = 0;

    for (i = 0; i < len && n + 3 < size; i++) {
        out[n++] = path[i];
        if (path[i] == '{') {
            while (i < len && path[i] != '}')
                i++;
            out[n++] = '}';
        }
    }
    out[n] = '\0';
}

/* Length of line without trailing blanks. */
static size_t
trimmed_len(const char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
        len--;
    return len;
}

/* Whether the YAML describes method (lowercase) on pattern: a path key
 * "  /path:" at two spaces, then the method key "    get:" at four spaces
 * before the next key at two spaces or less. */
static int
documented(const char *yaml, const char *method, const char *pattern)
{
    char want[256], path[256];
    const char *line, *end;
    int in_path = 0;

    normalise_path(pattern, strlen(pattern), want, sizeof(want));
    for (line = yaml; *line; line = *end ? end + 1 : end) {
        size_t len, indent = 0;

        end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        len = trimmed_len(line, (size_t)(end - line));
        while (indent < len && line[indent] == ' ')
            indent++;
        if (indent == len || line[indent] == '#')
            continue; /* blank lines and comments end nothing */
        if (indent <= 2) {
            in_path = 0;
            if (indent == 2 && line[2] == '/' && line[len - 1] == ':') {
                normalise_path(line + 2, len - 3, path, sizeof(path));
                in_path = strcmp(path, want) == 0;
            }
        } else if (in_path && indent == 4 && len == 4 + strlen(method) + 1 &&
                   strncmp(line + 4, method, strlen(method)) == 0 && line[len - 1] == ':') {
            return 1;
        }
    }
    return 0;
}

static void
test_routes_documented(void **state)
{
    size_t i, k, missing = 0;

    (void)state;
    assert_true(documented(api_openapi_yaml, "get", "/healthz"));
    assert_false(documented(api_openapi_yaml, "put", "/healthz"));
    for (i = 0; i < api_routes_count; i++) {
        char method[8];
        const char *m = api_routes[i].method;

        for (k = 0; m[k] && k + 1 < sizeof(method); k++)
            method[k] = (char)tolower((unsigned char)m[k]);
        method[k] = '\0';
        if (!documented(api_openapi_yaml, method, api_routes[i].pattern)) {
            print_error("not in docs/openapi.yaml: %s %s\n", m, api_routes[i].pattern);
            missing++;
        }
    }
    if (missing)
        fail_msg("%zu of %zu routes are not documented in docs/openapi.yaml", missing,
                 api_routes_count);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_not_empty),    cmocka_unit_test(test_methods_known),
        cmocka_unit_test(test_patterns_versioned), cmocka_unit_test(test_roles_declared),
        cmocka_unit_test(test_no_duplicates),      cmocka_unit_test(test_setup_writes_admin_only),
        cmocka_unit_test(test_router_matches_ids), cmocka_unit_test(test_router_rejects),
        cmocka_unit_test(test_routes_documented),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

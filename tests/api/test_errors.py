"""Problem+json errors: 400 malformed JSON, 413 too large, 422 field
errors, 404 unknown endpoints, 405 wrong method."""

import http.client

from helpers import API, check, eq, expect_field_error, field_names


def test_malformed_json_400(ctx):
    c = ctx.admin
    r = c.post(API + "/locations", raw='{"name": "x", "timezone": ')
    p = r.expect_problem(400)
    eq(r.content_type, "application/problem+json", "Content-Type")
    check(isinstance(p["title"], str), "title")
    r = c.post(API + "/patients", raw="[1, 2, 3]")
    r.expect_problem(400)
    r = c.post(API + "/patients", raw='{"name": "a", "name": "b"}')
    check(r.status in (400, 422), "duplicate keys must be refused: %s" % r.describe())
    r = c.post(API + "/patients", raw="")
    r.expect_problem(400)


def test_body_over_256k_413(ctx):
    c = ctx.admin
    big = '{"name": "%s", "phone": "1"}' % ("x" * (300 * 1024))
    try:
        r = c.post(API + "/patients", raw=big, timeout=5)
    except (OSError, http.client.HTTPException) as exc:
        raise AssertionError("POST /patients with a 300 KiB body: no answer (%s: %s); "
                             "expected 413" % (type(exc).__name__, exc))
    r.expect_problem(413)
    # Just under the limit is read (and refused only for the field length).
    ok = '{"name": "%s", "phone": "1"}' % ("y" * (200 * 1024))
    r = c.post(API + "/patients", raw=ok)
    eq(r.status, 422, "a 200 KiB body is within the limit: %s" % r.describe())
    # The server is still fine afterwards.
    c.get(API + "/me").expect(200)


def test_validation_422_lists_every_field(ctx):
    c = ctx.admin
    r = c.post(API + "/services", {"duration_min": "thirty", "price": -1, "capacity": 0})
    p = expect_field_error(r, "name")
    fields = field_names(p)
    for f in ("name", "duration_min", "price", "capacity"):
        check(f in fields, "422 should list %s: %r" % (f, p))
    eq(r.content_type, "application/problem+json", "Content-Type")


def test_unknown_endpoint_404(ctx):
    c = ctx.admin
    for path in (API + "/no-such-thing", "/nowhere", API + "/locations/abc"):
        r = c.get(path)
        r.expect_problem(404)
    # Unauthenticated too: the endpoint does not exist either way.
    ctx.client().get(API + "/no-such-thing").expect_problem(404)


def test_wrong_method_405(ctx):
    r = ctx.admin.request("DELETE", API + "/settings")
    eq(r.status, 405, "DELETE /settings: %s" % r.describe())
    eq(r.content_type, "application/problem+json", "405 Content-Type")

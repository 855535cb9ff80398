"""HTTP semantics as RFC 9110 and RFC 9457 put them: HEAD answers wherever
GET does, with GET's status and headers (Content-Length included) and no
body; 405 names the methods the path takes in Allow; a problem of type
about:blank has the status's reason phrase as its title."""

import http.client
import json
import os

import helpers
import openapi_check
import realservers as rs
from helpers import API, book_ok, check, clinic_with_staff, eq, local_iso, make_patient, \
    make_service, next_weekday

REASON = openapi_check.REASONS

# Headers that must be equal between a GET and its HEAD (Date and the
# like change between two requests; Set-Cookie is not sent by reads).
SAME_HEADERS = ("content-type", "content-length", "cache-control", "x-content-type-options",
                "content-security-policy", "content-encoding", "vary")

_env = {}


def raw(port, method, path, headers=None):
    """One request on a fresh connection: status, headers, body bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


def expect_head_like_get(port, path, headers=None, status=200):
    gs, gh, gbody = raw(port, "GET", path, headers)
    hs, hh, hbody = raw(port, "HEAD", path, headers)
    eq(gs, status, "GET %s status" % path)
    eq(hs, gs, "HEAD %s status" % path)
    eq(hbody, b"", "HEAD %s has no body" % path)
    check(gbody, "GET %s has a body to compare with" % path)
    eq(int(hh.get("content-length", "-1")), len(gbody),
       "HEAD %s Content-Length is the GET body's length" % path)
    for name in SAME_HEADERS:
        eq(hh.get(name), gh.get(name), "HEAD %s header %s" % (path, name))


def cookie_headers(client):
    return {"Cookie": "; ".join("%s=%s" % kv for kv in client.cookies.items())}


def _stop():
    if _env.get("chairside"):
        _env["chairside"].stop()
    if _env.get("scratch"):
        rs.remove(_env["scratch"])
    _env.clear()


def _web_server(ctx):
    """A server with its own small web root, so static files are there
    whether or not the web app was built."""
    if not _env:
        import atexit
        atexit.register(_stop)
        scratch = rs.scratch_dir("chairside-http-")
        web = os.path.join(scratch, "web")
        os.makedirs(os.path.join(web, "assets"))
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<!doctype html><title>Staff</title><div id=\"app\"></div>\n")
        with open(os.path.join(web, "book.html"), "w") as f:
            f.write("<!doctype html><title>Book</title><div id=\"portal\"></div>\n")
        with open(os.path.join(web, "assets", "app-1234abcd.js"), "w") as f:
            f.write("console.log('chairside');\n" * 20)
        _env["scratch"] = scratch
        _env["chairside"] = rs.Chairside(ctx.bin, scratch,
                                         env={"CHAIRSIDE_WEB_DIR": web}).start()
    return _env["chairside"]


def test_head_on_api_reads(ctx):
    c = ctx.admin
    cl, st = clinic_with_staff(c, 2, "08:00", "18:00")
    svc = make_service(c, 30)
    day = next_weekday(2)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    auth = cookie_headers(c)
    for path in ("/healthz", API + "/openapi.yaml", API + "/settings", API + "/locations",
                 API + "/locations/%d" % cl.loc_id, API + "/services", API + "/me",
                 API + "/bookings/%d" % b["id"], API + "/bookings?staff_id=%d" % st["id"],
                 API + "/calendar?date=%s&location_id=%d" % (day.isoformat(), cl.loc_id),
                 API + "/availability?service_ids=%d&from=%s&to=%s"
                 % (svc["id"], day.isoformat(), day.isoformat()),
                 API + "/invoices/%d" % b["invoice_id"]):
        expect_head_like_get(ctx.port, path, auth)
    # Errors too: a HEAD for what GET refuses gets the same status.
    expect_head_like_get(ctx.port, API + "/bookings/999999", auth, status=404)
    expect_head_like_get(ctx.port, API + "/bookings", status=401)


def test_head_on_feeds(ctx):
    c = ctx.admin
    cl, st = clinic_with_staff(c, 3, "08:00", "18:00")
    svc = make_service(c, 30)
    book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(3), "09:00"),
            make_patient(c)["id"])
    for kind, owner in (("staff", st["id"]), ("locations", cl.loc_id)):
        tok = c.post(API + "/%s/%d/feed-token" % (kind, owner)).expect(201)
        expect_head_like_get(ctx.port, tok["url"])
        eq(raw(ctx.port, "HEAD", tok["url"])[1].get("content-type"),
           "text/calendar; charset=utf-8", "HEAD of a feed is a calendar")
        expect_head_like_get(ctx.port, "/ical/%s/%d.ics?token=wrong" % (kind, owner),
                             status=404)


def test_head_on_static_files(ctx):
    srv = _web_server(ctx)
    for path in ("/", "/book", "/book/appointments/3", "/assets/app-1234abcd.js"):
        expect_head_like_get(srv.port, path)
    expect_head_like_get(srv.port, "/assets/app-1234abcd.js", {"Accept-Encoding": "identity"})
    expect_head_like_get(srv.port, "/nope.js", status=404)


def test_head_writes_nothing(ctx):
    """HEAD is a read: no audit line, no CSRF token needed."""
    c = ctx.admin
    before = len(c.get(API + "/audit", limit=500).expect(200)["items"])
    s, _, body = raw(ctx.port, "HEAD", API + "/patients", cookie_headers(c))
    eq((s, body), (200, b""), "HEAD /patients with a session and no CSRF token")
    after = c.get(API + "/audit", limit=500).expect(200)["items"]
    eq(len(after), before, "HEAD left no audit line: %r" % after[-1:])


def test_405_carries_allow(ctx):
    c = ctx.admin
    cases = [("DELETE", API + "/settings", {"GET", "HEAD", "PATCH"}),
             ("PUT", API + "/bookings", {"GET", "HEAD", "POST"}),
             ("POST", API + "/bookings/1", {"GET", "HEAD", "PATCH"}),
             ("DELETE", API + "/staff/1/shifts", {"GET", "HEAD", "PUT"}),
             ("GET", API + "/auth/login", {"POST"}),
             ("POST", "/healthz", {"GET", "HEAD"}),
             ("POST", "/ical/staff/1.ics", {"GET", "HEAD"}),
             ("PATCH", API + "/webhooks/1", {"GET", "HEAD", "DELETE"})]
    for method, path, allowed in cases:
        r = c.request(method, path, body={} if method in ("POST", "PUT", "PATCH") else None)
        p = r.expect_problem(405)
        eq(p["title"], "Method Not Allowed", "405 title")
        allow = r.headers.get("allow")
        check(allow is not None, "%s %s: 405 without Allow: %r" % (method, path, r.headers))
        eq({m.strip() for m in allow.split(",")}, allowed, "Allow of %s" % path)
        check(method not in allow.split(", "), "Allow must not list %s" % method)
    # Before any authentication, like every 405.
    r = ctx.client().request("DELETE", API + "/settings")
    r.expect_problem(405)
    eq(r.headers.get("allow"), "GET, HEAD, PATCH", "Allow for a visitor")


def test_405_for_web_app_files(ctx):
    srv = _web_server(ctx)
    for method, path in (("POST", "/"), ("DELETE", "/book"), ("PUT", "/assets/app-1234abcd.js")):
        s, h, body = raw(srv.port, method, path, {"Content-Length": "0"})
        eq(s, 405, "%s %s" % (method, path))
        eq(h.get("allow"), "GET, HEAD", "Allow of %s" % path)
        eq(h.get("content-type"), "application/problem+json", "405 is a problem")
        p = json.loads(body)
        eq((p["type"], p["title"], p["status"]), ("about:blank", "Method Not Allowed", 405),
           "405 problem of %s" % path)


def test_problem_titles_are_reason_phrases(ctx):
    c = ctx.admin
    anon = ctx.client()
    seen = {}
    seen[400] = c.post(API + "/patients", raw="[1]")
    seen[401] = anon.get(API + "/bookings")
    seen[403] = ctx.staff.get(API + "/users")
    seen[404] = c.get(API + "/bookings/999999")
    seen[405] = c.request("DELETE", API + "/settings")
    seen[413] = c.post(API + "/patients", raw='{"name": "%s"}' % ("x" * 300 * 1024))
    seen[422] = c.post(API + "/patients", {})
    # Failed logins on a server of its own: on the shared one they would
    # count against this address for every later module.
    own = helpers.Client(_web_server(ctx).port)
    who = helpers.unique("nobody") + "@x.test"
    for _ in range(5):
        own.post(API + "/auth/login", {"email": who, "password": "wrong"}).expect_problem(401)
    seen[429] = own.post(API + "/auth/login", {"email": who, "password": "wrong"})
    cl, st = clinic_with_staff(c, 4, "08:00", "18:00")
    svc = make_service(c, 30)
    start = local_iso(next_weekday(4), "09:00")
    pid = make_patient(c)["id"]
    book_ok(c, st["id"], [svc["id"]], start, pid)
    seen[409] = c.post(API + "/bookings", {"patient_id": pid, "staff_id": st["id"],
                                           "service_ids": [svc["id"]], "start": start})
    for status, r in sorted(seen.items()):
        p = r.expect_problem(status)
        eq(p.get("type"), "about:blank", "problem type of %d" % status)
        eq(p["title"], REASON[status], "title of a %d problem" % status)
        check(p["detail"] != p["title"] or status >= 500,
              "%d: the detail says what went wrong: %r" % (status, p))
    # The web server's own 404 for a missing file, too.
    srv = _web_server(ctx)
    s, h, body = raw(srv.port, "GET", "/nope.js")
    p = json.loads(body)
    eq((s, p["type"], p["title"]), (404, "about:blank", "Not Found"), "static 404 problem")


def test_401_names_the_scheme(ctx):
    # The failed login on a server of its own (see the titles test).
    anon = helpers.Client(_web_server(ctx).port)
    for r in (anon.get(API + "/bookings"),
              anon.request("GET", API + "/me", headers={"Authorization": "Bearer nope"}),
              anon.post(API + "/auth/login", {"email": "nobody@x.test", "password": "wrong"})):
        r.expect_problem(401)
        eq(r.headers.get("www-authenticate"), 'Bearer realm="chairside"',
           "WWW-Authenticate of %s %s" % (r.method, r.path))
    r = ctx.admin.get(API + "/me")
    eq((r.status, r.headers.get("www-authenticate")), (200, None), "only 401s challenge")


def test_zz_stop(ctx):
    if _env.get("chairside"):
        eq(_env["chairside"].stop(), 0, "the web-root server exits 0 on SIGTERM")
        _env["chairside"] = None
    _stop()

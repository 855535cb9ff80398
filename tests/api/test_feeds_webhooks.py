"""Calendar feeds (secret-token iCalendar per staff member and location)
and webhooks (signed, retried deliveries from the outbox) against a real
HTTP receiver started by the test."""

import atexit
import hashlib
import hmac
import http.server
import json
import os
import threading

import helpers
import realservers as rs
import standards
from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient, make_service, next_weekday)

_env = {}


class _Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.deliveries = []
        self.fail_first = set()
        self.lock = threading.Lock()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        srv = self.server
        with srv.lock:
            failing = self.path in srv.fail_first
            srv.fail_first.discard(self.path)
            srv.deliveries.append((self.path, dict(self.headers.items()), body, failing))
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _stop_all():
    if _env.get("receiver"):
        _env["receiver"].shutdown()
        _env["receiver"].server_close()
    if _env.get("chairside"):
        _env["chairside"].stop()
    if _env.get("scratch"):
        rs.remove(_env["scratch"])
    _env.clear()


atexit.register(_stop_all)


def _setup(ctx):
    if not _env:
        _env["scratch"] = rs.scratch_dir("chairside-hooks-")
        _env["chairside"] = rs.Chairside(ctx.bin, _env["scratch"]).start()
        # The receiver listens on loopback: a private target, allowed here.
        _env["chairside"].admin.patch(API + "/settings",
                                      {"allow_private_targets": True}).expect(200)
        recv = _Receiver()
        threading.Thread(target=recv.serve_forever, daemon=True).start()
        _env["receiver"] = recv
    return _env["chairside"], _env["receiver"]


def _url(recv, path):
    return "http://127.0.0.1:%d%s" % (recv.server_address[1], path)


# --- feeds ----------------------------------------------------------------


def test_staff_feed_with_secret_token(ctx):
    c = ctx.admin
    cl, st = clinic_with_staff(c, 2, "08:00", "18:00")
    other = cl.add_staff([(2, "08:00", "18:00")])
    svc = make_service(c, 30, name=helpers.unique("Feedservice"))
    day = next_weekday(2)
    p = make_patient(c)
    b1 = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    b2 = book_ok(c, other["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    b3 = book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:00"), p["id"])
    c.post(API + "/bookings/%d/cancel" % b3["id"], {"reason": "x"}).expect(200)
    eq(c.get(API + "/staff/%d/feed-token" % st["id"]).expect(200), {"exists": False},
       "GET before any token")
    c.get(API + "/staff/999999/feed-token").expect_problem(404)
    tok = c.post(API + "/staff/%d/feed-token" % st["id"]).expect(201)
    check(len(tok["token"]) >= 32, "token looks random: %r" % tok)
    # The token is shown once: GET says there is one, and the database
    # holds only its hash (BLAKE2b-256, as for API tokens).
    eq(c.get(API + "/staff/%d/feed-token" % st["id"]).expect(200), {"exists": True},
       "GET after POST")
    stored = helpers.sql_rows(ctx.db, "SELECT * FROM feed_tokens WHERE kind = 'staff' "
                              "AND owner_id = ?", (st["id"],))
    eq(len(stored), 1, "one feed token row")
    check(all(tok["token"] not in str(v) for v in stored[0]), "token kept in clear: %r" % stored)
    check(hashlib.blake2b(tok["token"].encode(), digest_size=32).digest() in stored[0],
          "the row holds the token's hash: %r" % (stored,))
    eq(tok["url"], "/ical/staff/%d.ics?token=%s" % (st["id"], tok["token"]), "feed url")
    anon = ctx.client()
    r = anon.request("GET", tok["url"])
    eq(r.status, 200, "feed status")
    eq(r.headers.get("content-type"), "text/calendar; charset=utf-8", "Content-Type")
    text = r.text
    check(text.startswith("BEGIN:VCALENDAR"), "iCalendar body: %s" % text[:80])
    standards.check_feed(text, "staff feed")
    check("UID:booking-%d@chairside" % b1["id"] in text, "own booking in feed")
    check("UID:booking-%d@chairside" % b2["id"] not in text, "other staff not in feed")
    check("UID:booking-%d@chairside" % b3["id"] not in text, "cancelled booking not in feed")
    check(svc["name"] in text, "summary names the service")
    eq(anon.request("GET", "/ical/staff/%d.ics?token=wrong" % st["id"]).status, 404, "bad token")
    eq(anon.request("GET", "/ical/staff/%d.ics" % st["id"]).status, 404, "no token")
    eq(anon.request("GET", "/ical/staff/%d.ics?token=%s" % (other["id"], tok["token"])).status,
       404, "token of another staff member")
    new = c.post(API + "/staff/%d/feed-token" % st["id"]).expect(201)
    check(new["token"] != tok["token"], "renewed token differs")
    eq(anon.request("GET", tok["url"]).status, 404, "old token stops working")
    r = anon.request("GET", new["url"])
    eq(r.status, 200, "new token works")
    standards.check_feed(r.text, "staff feed")


def test_location_feed_and_roles(ctx):
    c = ctx.admin
    cl, st = clinic_with_staff(c, 3, "08:00", "18:00")
    other = cl.add_staff([(3, "08:00", "18:00")])
    svc = make_service(c, 30)
    day = next_weekday(3)
    p = make_patient(c)
    b1 = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    b2 = book_ok(c, other["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
    tok = c.post(API + "/locations/%d/feed-token" % cl.loc_id).expect(201)
    text = ctx.client().request("GET", tok["url"]).text
    standards.check_feed(text, "location feed")
    for b in (b1, b2):
        check("UID:booking-%d@chairside" % b["id"] in text, "location feed has %d" % b["id"])
    eq(ctx.staff.post(API + "/locations/%d/feed-token" % cl.loc_id).status, 403,
       "staff may not make feed tokens")
    c.post(API + "/locations/999999/feed-token").expect_problem(404)


def _feed(c, anon, path):
    tok = c.post(API + path).expect(201)
    r = anon.request("GET", tok["url"])
    eq(r.status, 200, "feed status")
    return tok["url"], standards.check_feed(r.text, path)


def test_feeds_are_valid_calendars_that_show_moves(ctx):
    """A feed is RFC 5545 with METHOD:PUBLISH: the clinic as ORGANIZER,
    nobody as ATTENDEE, SEQUENCE and LAST-MODIFIED so subscribers see a
    move, and the owner's VTIMEZONE, which keeps a feed without bookings
    a valid calendar."""
    c, anon = ctx.admin, ctx.client()
    cl = helpers.Clinic(c, tz="America/New_York")
    st = cl.add_staff([(2, "08:00", "18:00")])
    url, info = _feed(c, anon, "/staff/%d/feed-token" % st["id"])
    eq(info["method"], "PUBLISH", "METHOD")
    eq(info["top"], ["VTIMEZONE"], "an empty feed holds its zone")
    tz = info["components"][0]
    eq(tz["props"].get("TZID"), "America/New_York", "the staff member's zone")
    check({"STANDARD", "DAYLIGHT"} <= set(tz["components"]), "observances %r" % tz)

    svc = make_service(c, 30)
    day = next_weekday(2)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00", cl.tz), make_patient(c)["id"])
    uid = "booking-%d@chairside" % b["id"]
    info = standards.check_feed(anon.request("GET", url).text)
    ev = standards.event_by_uid(info, uid)
    eq(ev["props"]["SEQUENCE"], 0, "SEQUENCE")
    eq(ev["organizer"]["params"].get("CN"), cl.location["name"], "ORGANIZER's CN")
    before = ev["props"]["LAST-MODIFIED"]
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "11:00", cl.tz)}).expect(200)
    ev = standards.event_by_uid(standards.check_feed(anon.request("GET", url).text), uid)
    eq(ev["props"]["SEQUENCE"], 1, "a move raises SEQUENCE")
    eq(helpers.parse_ts(ev["props"]["DTSTART"]),
       helpers.parse_ts(local_iso(day, "11:00", cl.tz)), "the new start")
    check(ev["props"]["LAST-MODIFIED"] >= before, "LAST-MODIFIED")
    # Other services: another end and title, and a newer SEQUENCE.
    longer = make_service(c, 45)
    c.patch(API + "/bookings/%d" % b["id"], {"service_ids": [longer["id"]]}).expect(200)
    ev = standards.event_by_uid(standards.check_feed(anon.request("GET", url).text), uid)
    eq(ev["props"]["SEQUENCE"], 2, "new services raise SEQUENCE")
    eq(ev["props"]["SUMMARY"], longer["name"], "SUMMARY names the services")
    eq(helpers.parse_ts(ev["props"]["DTEND"]),
       helpers.parse_ts(local_iso(day, "11:45", cl.tz)), "the new end")

    # Zones without summer time, and a location's own feed.
    for zone in ("Asia/Tokyo", "UTC"):
        other = helpers.Clinic(c, tz=zone)
        _, info = _feed(c, anon, "/locations/%d/feed-token" % other.loc_id)
        eq(info["top"], ["VTIMEZONE"], "empty location feed")
        eq(info["components"][0]["props"].get("TZID"), zone, "the location's zone")
        eq(info["components"][0]["components"], ["STANDARD"], "one observance in %s" % zone)


# --- webhooks -------------------------------------------------------------


def test_webhook_validation(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    expect_field_error(c.post(API + "/webhooks", {"url": "ftp://x", "events": ["booking.created"]}),
                       "url")
    expect_field_error(c.post(API + "/webhooks", {"url": "http://x.test/", "events": []}),
                       "events")
    expect_field_error(c.post(API + "/webhooks", {"url": "http://x.test/",
                                                  "events": ["booking.deleted"]}), "events")
    expect_field_error(c.post(API + "/webhooks", {"events": ["booking.created"]}), "url")
    eq(c.get(API + "/webhooks").expect(200)["items"], [], "nothing was created")


def test_webhook_deliveries_signed_and_retried(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    hook = c.post(API + "/webhooks", {"url": _url(recv, "/hook"),
                                      "events": ["booking.created", "booking.cancelled"]}
                  ).expect(201)
    check(hook.get("secret"), "secret shown on create: %r" % hook)
    eq(hook["events"], ["booking.created", "booking.cancelled"], "events")
    flaky = c.post(API + "/webhooks", {"url": _url(recv, "/flaky"),
                                       "events": ["booking.rescheduled"]}).expect(201)
    recv.fail_first.add("/flaky")
    listed = c.get(API + "/webhooks").expect(200)["items"]
    check(all("secret" not in h for h in listed), "secrets never listed again")
    cl, st = clinic_with_staff(c, 4, "08:00", "18:00")
    svc = make_service(c, 30)
    day = next_weekday(4)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])

    def got(path, event):
        return [d for d in recv.deliveries if d[0] == path and json.loads(d[2])["event"] == event
                and not d[3]]

    path, headers, body, _ = rs.wait_until(lambda: got("/hook", "booking.created"),
                                           what="booking.created delivery")[0]
    sig = hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
    eq(headers.get("X-Chairside-Signature"), "sha256=" + sig, "signature header")
    payload = json.loads(body)
    eq(payload["booking"]["id"], b["id"], "payload booking id")
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "10:00")}).expect(200)
    rs.wait_until(lambda: got("/flaky", "booking.rescheduled"), what="retried delivery")
    eq(len([d for d in recv.deliveries if d[0] == "/flaky"]), 2, "one failure, one success")
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "x"}).expect(200)
    rs.wait_until(lambda: got("/hook", "booking.cancelled"), what="cancel delivery")
    eq(len(got("/hook", "booking.rescheduled")), 0, "not subscribed: no delivery")
    h = c.get(API + "/webhooks/%d" % flaky["id"]).expect(200)
    eq(h["last_status"], 200, "last_status")
    helpers.parse_ts(h["last_attempt_at"])
    # The worker records a delivery just after the receiver has it.
    rows = rs.wait_until(lambda: (lambda rows: rows if all(r["status"] != "queued" for r in rows)
                                  else None)(rs.notifications(c, booking_id=b["id"],
                                                              channel="webhook")),
                         what="webhook rows recorded")
    eq(sorted((r["kind"], r["status"], r["attempts"]) for r in rows),
       [("booking.cancelled", "sent", 1), ("booking.created", "sent", 1),
        ("booking.rescheduled", "sent", 2)], "webhook rows in the outbox")
    c.delete(API + "/webhooks/%d" % flaky["id"]).expect(200)
    c.get(API + "/webhooks/%d" % flaky["id"]).expect_problem(404)


def test_payment_confirmed_webhook(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    hook = c.post(API + "/webhooks", {"url": _url(recv, "/paid"),
                                      "events": ["payment.confirmed"]}).expect(201)
    cl, st = clinic_with_staff(c, 5, "08:00", "18:00")
    svc = make_service(c, 30)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(5), "09:00"),
                make_patient(c)["id"])
    pay = c.post(API + "/invoices/%d/payments" % b["invoice_id"],
                 {"amount": 2000, "method": "cash"}).expect(201)

    def paid():
        return [d for d in recv.deliveries if d[0] == "/paid"]

    path, headers, body, _ = rs.wait_until(paid, what="payment.confirmed delivery")[0]
    sig = hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
    eq(headers.get("X-Chairside-Signature"), "sha256=" + sig, "signature header")
    payload = json.loads(body)
    eq((payload["event"], payload["booking_id"], payload["payment_id"]),
       ("payment.confirmed", b["id"], pay["id"]), "payload")
    eq(len(paid()), 1, "one delivery per confirmed payment")


def test_openapi_describes_notification_routes(ctx):
    text = ctx.client().get(API + "/openapi.yaml").text
    for path in ("/api/v1/notifications:", "/api/v1/sync/issues:",
                 "/api/v1/sync/issues/{id}/resolve:", "/api/v1/templates:",
                 "/api/v1/templates/{id}:", "/api/v1/webhooks:", "/api/v1/webhooks/{id}:",
                 "/api/v1/staff/{id}/feed-token:", "/api/v1/locations/{id}/feed-token:",
                 "/ical/staff/{id}.ics:", "/ical/locations/{id}.ics:", "reminder_before_min"):
        check(path in text, "openapi.yaml does not describe %s" % path)


def test_roles_of_notification_routes(ctx):
    staff = ctx.staff
    staff.get(API + "/notifications").expect(200)
    staff.get(API + "/sync/issues").expect(200)
    staff.post(API + "/sync/issues/999999/resolve").expect_problem(404)
    for path in ("/webhooks", "/templates", "/staff/1/feed-token"):
        staff.get(API + path).expect_problem(403)
    staff.post(API + "/webhooks", {"url": "http://x.test/",
                                   "events": ["booking.created"]}).expect_problem(403)
    anon = ctx.client()
    for path in ("/notifications", "/sync/issues", "/webhooks"):
        anon.get(API + path).expect_problem(401)


def test_zz_servers_stop_cleanly(ctx):
    if _env.get("chairside"):
        eq(_env["chairside"].stop(), 0, "chairside exits 0 on SIGTERM")
        _env["chairside"] = None
    _stop_all()

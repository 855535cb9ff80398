"""Webhook deliveries as an integrator sees them, at a real HTTP receiver
on loopback that fails the first delivery (500) so the retry is seen:
one event id (header and body) across retries, the attempt number, a
User-Agent, a signature checked the way the README shows, RFC 3339 times
and the ids needed to act without a second call."""

import atexit
import hashlib
import hmac
import http.server
import json
import re
import threading

import helpers
import openapi_check
import realservers as rs
from helpers import (API, book_ok, check, clinic_with_staff, eq, local_iso, make_patient,
                     make_service, next_weekday, same_instant)

_env = {}

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class _Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.deliveries = []  # (path, headers, body, answered status)
        self.failures_left = {}  # path -> deliveries still to refuse with 500
        self.lock = threading.Lock()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        srv = self.server
        with srv.lock:
            left = srv.failures_left.get(self.path, 0)
            srv.failures_left[self.path] = max(0, left - 1)
            status = 500 if left else 200
            srv.deliveries.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                   body, status))
        self.send_response(status)
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
        _env["scratch"] = rs.scratch_dir("chairside-deliveries-")
        _env["chairside"] = rs.Chairside(ctx.bin, _env["scratch"]).start()
        # The receiver listens on loopback: a private target, allowed here.
        _env["chairside"].admin.patch(API + "/settings",
                                      {"allow_private_targets": True}).expect(200)
        recv = _Receiver()
        threading.Thread(target=recv.serve_forever, daemon=True).start()
        _env["receiver"] = recv
    return _env["chairside"], _env["receiver"]


def _hook(c, recv, path, events, fail_first=0):
    with recv.lock:
        recv.failures_left[path] = fail_first
    return c.post(API + "/webhooks", {"url": "http://127.0.0.1:%d%s" % (recv.server_address[1],
                                                                          path),
                                      "events": events}).expect(201)


def verify_signature(secret, body, header):
    """The receiver's check, as the README shows it: HMAC-SHA256 of the raw
    body keyed with the webhook's secret, compared in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


def _deliveries(recv, path, count):
    def got():
        with recv.lock:
            found = [d for d in recv.deliveries if d[0] == path]
        return found if len(found) >= count else None
    return rs.wait_until(got, timeout=30, what="%d deliveries to %s" % (count, path))


def _check_time(value, what):
    check(isinstance(value, str) and RFC3339.match(value),
          "%s is not an RFC 3339 time with an offset: %r" % (what, value))
    helpers.parse_ts(value)


def test_retry_keeps_the_event_id_and_counts_attempts(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    hook = _hook(c, recv, "/created", ["booking.created"], fail_first=1)
    cl, st = clinic_with_staff(c, 2, "08:00", "18:00")
    svc = make_service(c, 30)
    other = make_service(c, 15)
    c.patch(API + "/staff/%d" % st["id"], {"service_ids": [svc["id"], other["id"]]}).expect(200)
    patient = make_patient(c)
    start = local_iso(next_weekday(2), "09:00")
    b = book_ok(c, st["id"], [svc["id"], other["id"]], start, patient["id"])

    first, second = _deliveries(recv, "/created", 2)[:2]
    eq((first[3], second[3]), (500, 200), "the receiver refused the first delivery")
    for d in (first, second):
        check(verify_signature(hook["secret"], d[2], d[1].get("x-chairside-signature")),
              "signature of attempt %s does not verify: %r" % (d[1].get(
                  "x-chairside-delivery-attempt"), d[1]))
        eq(d[1].get("content-type"), "application/json", "Content-Type")
        eq(d[1].get("x-chairside-event"), "booking.created", "X-Chairside-Event")
        ua = d[1].get("user-agent", "")
        check(ua.startswith("Chairside"), "User-Agent names the sender: %r" % ua)
    eq([d[1].get("x-chairside-delivery-attempt") for d in (first, second)], ["1", "2"],
       "X-Chairside-Delivery-Attempt")
    eq(first[2], second[2], "a retry sends the very same body")
    payload = json.loads(second[2])
    event_id = first[1].get("x-chairside-event-id")
    check(event_id and UUID4.match(event_id), "event id is a random UUID: %r" % event_id)
    eq(second[1].get("x-chairside-event-id"), event_id, "the retry keeps the event id")
    eq(payload["id"], event_id, "the body's id is the header's")
    eq(payload["event"], "booking.created", "event")
    _check_time(payload["occurred_at"], "occurred_at")
    bk = payload["booking"]
    _check_time(bk["start"], "booking.start")
    _check_time(bk["end"], "booking.end")
    same_instant(bk["start"], start, "booking.start")
    same_instant(bk["end"], b["end"], "booking.end")
    eq(bk["start"][-6:], b["start"][-6:], "rendered in the location's zone, as the API does")
    eq({k: bk[k] for k in ("id", "patient_id", "staff_id", "location_id", "service_ids",
                           "invoice_id", "status", "source")},
       {"id": b["id"], "patient_id": patient["id"], "staff_id": st["id"],
        "location_id": cl.loc_id, "service_ids": [svc["id"], other["id"]],
        "invoice_id": b["invoice_id"], "status": "confirmed", "source": "staff"},
       "the ids a receiver acts on")
    check("start_at" not in bk and "end_at" not in bk, "no epoch seconds: %r" % bk)
    # The outbox counts the same two attempts.
    rows = rs.wait_until(lambda: [r for r in rs.notifications(c, booking_id=b["id"],
                                                              channel="webhook")
                                  if r["status"] == "sent"], what="delivery recorded")
    eq([(r["kind"], r["attempts"]) for r in rows], [("booking.created", 2)], "outbox row")


def test_each_event_has_its_own_id_shared_by_its_webhooks(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    a = _hook(c, recv, "/a", ["booking.rescheduled", "booking.cancelled"])
    b_hook = _hook(c, recv, "/b", ["booking.rescheduled"])
    cl, st = clinic_with_staff(c, 3, "08:00", "18:00")
    svc = make_service(c, 30)
    day = next_weekday(3)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "10:00")}).expect(200)
    moved_a = _deliveries(recv, "/a", 1)[0]
    moved_b = _deliveries(recv, "/b", 1)[0]
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    cancelled = _deliveries(recv, "/a", 2)[1]
    check(verify_signature(a["secret"], moved_a[2], moved_a[1].get("x-chairside-signature")),
          "signature at /a")
    check(verify_signature(b_hook["secret"], moved_b[2],
                           moved_b[1].get("x-chairside-signature")),
          "signature at /b, with its own secret")
    check(not verify_signature(a["secret"], moved_b[2], moved_b[1].get("x-chairside-signature")),
          "another webhook's secret does not verify")
    eq(moved_a[1]["x-chairside-event-id"], moved_b[1]["x-chairside-event-id"],
       "one event, one id, whichever webhook receives it")
    check(cancelled[1]["x-chairside-event-id"] != moved_a[1]["x-chairside-event-id"],
          "a new event has a new id")
    moved = json.loads(moved_a[2])
    eq(moved["event"], "booking.rescheduled", "event")
    same_instant(moved["booking"]["start"], local_iso(day, "10:00"), "the new start")
    gone = json.loads(cancelled[2])
    eq((gone["event"], gone["booking"]["status"], gone["id"]),
       ("booking.cancelled", "cancelled", cancelled[1]["x-chairside-event-id"]), "cancel body")
    eq(cancelled[1].get("x-chairside-delivery-attempt"), "1", "first attempt")


def test_payment_confirmed_names_booking_and_payment(ctx):
    srv, recv = _setup(ctx)
    c = srv.admin
    hook = _hook(c, recv, "/paid", ["payment.confirmed"], fail_first=1)
    cl, st = clinic_with_staff(c, 4, "08:00", "18:00")
    svc = make_service(c, 30)
    patient = make_patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(4), "09:00"), patient["id"])
    pay = c.post(API + "/invoices/%d/payments" % b["invoice_id"],
                 {"amount": 1500, "method": "card"}).expect(201)
    first, second = _deliveries(recv, "/paid", 2)[:2]
    eq([d[1].get("x-chairside-delivery-attempt") for d in (first, second)], ["1", "2"],
       "attempts")
    eq(first[1]["x-chairside-event-id"], second[1]["x-chairside-event-id"], "same event id")
    check(verify_signature(hook["secret"], second[2], second[1].get("x-chairside-signature")),
          "signature")
    p = json.loads(second[2])
    eq(p["id"], second[1]["x-chairside-event-id"], "body id")
    _check_time(p["occurred_at"], "occurred_at")
    eq((p["event"], p["booking_id"], p["payment_id"]), ("payment.confirmed", b["id"], pay["id"]),
       "event and ids")
    eq({k: p["payment"][k] for k in ("id", "invoice_id", "amount", "method", "status")},
       {"id": pay["id"], "invoice_id": b["invoice_id"], "amount": 1500, "method": "card",
        "status": "confirmed"}, "payment")
    eq((p["booking"]["patient_id"], p["booking"]["staff_id"], p["booking"]["location_id"],
        p["booking"]["service_ids"]), (patient["id"], st["id"], cl.loc_id, [svc["id"]]),
       "booking ids beside the payment")


def test_bodies_match_the_openapi_webhooks(ctx):
    """Every body received matches its schema under the document's
    webhooks, with no field the document does not name."""
    srv, recv = _setup(ctx)
    with recv.lock:
        got = list(recv.deliveries)
    rec = openapi_check.Recorder()
    events = set()
    for path, headers, body, status in got:
        payload = json.loads(body)
        events.add(payload["event"])
        ref = ("#/components/schemas/WebhookPaymentDelivery"
               if payload["event"] == "payment.confirmed"
               else "#/components/schemas/WebhookDelivery")
        rec.body(ref, payload, "%s delivery to %s" % (payload["event"], path))
    eq(events, {"booking.created", "booking.rescheduled", "booking.cancelled",
                "payment.confirmed"}, "every event was delivered")
    spec = srv.admin.get(API + "/openapi.yaml")
    spec.expect(200)
    mismatches, _, _ = openapi_check.check(spec.text, rec)
    check(not mismatches, "deliveries differ from the document:\n  %s" % "\n  ".join(mismatches))


def test_zz_servers_stop_cleanly(ctx):
    if _env.get("chairside"):
        # Under ASan a leak in the delivery path shows as a non-zero exit.
        eq(_env["chairside"].stop(), 0, "chairside exits 0 on SIGTERM")
        _env["chairside"] = None
    _stop_all()

"""Outbound targets: smtp_url takes only smtp:// and smtps://, diary_url and
webhook URLs only http:// and https://, none with spaces or control
characters; webhook and diary targets on loopback, link-local or private
addresses are refused (422 naming the field) unless allow_private_targets
is on, and the workers refuse them again when delivering, whatever the
name resolved to when it was saved."""

import http.server
import os
import threading

import realservers as rs
from helpers import (API, sql_rows, book_ok, check, clinic_with_staff, eq, expect_field_error,
                     get_settings, local_iso, make_patient, make_service, next_weekday,
                     settings_changed)

PRIVATE_URLS = [
    "http://127.0.0.1:5232/user/cal/",
    "http://localhost:5232/user/cal/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.20.0.5:8080/",
    "http://192.168.0.10/",
    "http://0.0.0.0/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[fd00::5]/",
    "http://[::ffff:10.0.0.1]/",
]
MALFORMED_HTTP = [
    "ftp://example.com/",
    "smtp://example.com/",
    "http://exa mple.com/",
    "http://example.com/\r\nX-Injected: 1",
    "http://example.com/\n",
    "http://example.com\\@10.0.0.1/",
    "http:///nohost",
    "http://example.com:99999/",
]
# A public address that goes nowhere (TEST-NET-1), so nothing is contacted.
PUBLIC_URL = "http://192.0.2.10/cal/"


def test_smtp_url_schemes_and_characters(ctx):
    c = ctx.admin
    before = get_settings(c)["smtp_url"]
    for bad in ("http://mail.example.com", "mail.example.com:25", "smtp://mail example.com",
                "smtp://mail.example.com\r\nRCPT TO:<x@evil.test>", "smtp://\x01x"):
        expect_field_error(c.patch(API + "/settings", {"smtp_url": bad}), "smtp_url")
    eq(get_settings(c)["smtp_url"], before, "refused smtp_url changed nothing")
    with settings_changed(c, smtp_url="smtps://mailer:pa%20ss@mail.example.com:465") as s:
        eq(s["smtp_url"], "smtps://mailer:pa%20ss@mail.example.com:465", "smtps:// accepted")
    with settings_changed(c, smtp_url="smtp://127.0.0.1:2525/?starttls") as s:
        eq(s["smtp_url"], "smtp://127.0.0.1:2525/?starttls", "a local relay is fine for mail")


def test_allow_private_targets_defaults_off(ctx):
    eq(get_settings(ctx.admin).get("allow_private_targets"), False, "allow_private_targets")
    text = ctx.client().get(API + "/openapi.yaml").text
    check("allow_private_targets" in text, "openapi.yaml describes allow_private_targets")


def test_diary_url_refused_when_private(ctx):
    c = ctx.admin
    eq(get_settings(c)["allow_private_targets"], False, "the default")
    for url in MALFORMED_HTTP + PRIVATE_URLS:
        p = expect_field_error(c.patch(API + "/settings", {"diary_url": url}), "diary_url")
        check(p["detail"].startswith("diary_url"), "detail names the field: %r" % p)
    eq(get_settings(c)["diary_url"], "", "nothing was saved")
    with settings_changed(c, diary_url=PUBLIC_URL) as s:
        eq(s["diary_url"], PUBLIC_URL, "a public diary is accepted")
    # Turned on in the same change, a LAN diary is fine.
    with settings_changed(c, diary_url=PRIVATE_URLS[0], allow_private_targets=True) as s:
        eq((s["diary_url"], s["allow_private_targets"]), (PRIVATE_URLS[0], True), "LAN diary")
        # It cannot be turned off while the diary stays private...
        expect_field_error(c.patch(API + "/settings", {"allow_private_targets": False}),
                           "allow_private_targets")
        eq(get_settings(c)["allow_private_targets"], True, "still on")
        # ...but can together with a diary_url that is not.
        c.patch(API + "/settings", {"allow_private_targets": False,
                                    "diary_url": PUBLIC_URL}).expect(200)
    eq(get_settings(c)["allow_private_targets"], False, "restored")


def test_webhook_url_refused_when_private(ctx):
    c = ctx.admin
    for url in MALFORMED_HTTP + PRIVATE_URLS:
        expect_field_error(c.post(API + "/webhooks", {"url": url,
                                                      "events": ["booking.created"]}), "url")
    eq(c.get(API + "/webhooks").expect(200)["items"], [], "no webhook was created")
    hook = c.post(API + "/webhooks", {"url": PUBLIC_URL, "events": ["booking.created"]}
                  ).expect(201)
    c.delete(API + "/webhooks/%d" % hook["id"]).expect(200)
    with settings_changed(c, allow_private_targets=True):
        hook = c.post(API + "/webhooks", {"url": "http://127.0.0.1:9/hook",
                                          "events": ["booking.created"]}).expect(201)
        c.delete(API + "/webhooks/%d" % hook["id"]).expect(200)


class _Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests = []


class _Handler(http.server.BaseHTTPRequestHandler):
    def _any(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append((self.command, self.path))
        self.send_response(200 if self.command != "REPORT" else 207)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_REPORT = do_DELETE = _any

    def log_message(self, *args):
        pass


def test_delivery_refuses_a_target_that_is_now_private(ctx):
    """A target saved while allowed (or resolving publicly then) is refused
    at delivery once the setting is off: the worker checks the address it
    connects to, so DNS rebinding gains nothing."""
    scratch = os.path.join(ctx.scratch, "targets")
    os.makedirs(scratch, exist_ok=True)
    recv = _Receiver()
    threading.Thread(target=recv.serve_forever, daemon=True).start()
    cs = rs.Chairside(ctx.bin, scratch).start()
    try:
        c = cs.admin
        base = "http://127.0.0.1:%d" % recv.server_address[1]
        c.patch(API + "/settings", {"allow_private_targets": True,
                                    "diary_url": base + "/cal/"}).expect(200)
        c.post(API + "/webhooks", {"url": base + "/hook", "events": ["booking.created"]}
               ).expect(201)
        # As if the names now resolved to a private address: the stored
        # targets stay, the setting goes off behind the API's back.
        sql_rows(cs.db, "UPDATE settings SET allow_private_targets = 0")
        _, st = clinic_with_staff(c, 3, "08:00", "18:00")
        svc = make_service(c, 30)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(3), "09:00"),
                    make_patient(c)["id"])

        def refused(channel):
            rows = rs.notifications(c, booking_id=b["id"], channel=channel)
            return [r for r in rows if r["attempts"] >= 1 and "private" in r["last_error"]]

        for channel in ("webhook", "diary"):
            row = rs.wait_until(lambda: refused(channel), what="%s refused" % channel)[0]
            eq(row["status"], "queued", "%s: refused deliveries are retried" % channel)
        eq(recv.requests, [], "nothing reached the private target")
        # Allowed again, the retries go through.
        c.patch(API + "/settings", {"allow_private_targets": True}).expect(200)
        rs.wait_until(lambda: any(p == "/hook" for _, p in recv.requests),
                      what="webhook delivered once allowed")
        rs.wait_until(lambda: any(m == "PUT" for m, _ in recv.requests),
                      what="diary event put once allowed")
    finally:
        cs.stop()
        recv.shutdown()
        recv.server_close()

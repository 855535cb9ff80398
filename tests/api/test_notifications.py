"""Notifications through a real SMTP server (Debian's aiosmtpd): the
booking confirmation to the patient, the notice to notification_email,
reschedule and cancel messages, shared appointments, reminders, the
admin-editable templates, the outbox list, and delivery after the server
was killed between the booking and the send. Runs its own chairside
processes so that the outbox polls fast and settings stay its own."""

import atexit
import datetime as dt
import os
import time

import helpers
import realservers as rs
from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient, make_service, next_weekday)

_env = {}


def _stop_all():
    for key in ("chairside", "smtp"):
        if _env.get(key):
            _env[key].stop()
    if _env.get("scratch"):
        rs.remove(_env["scratch"])
    _env.clear()


atexit.register(_stop_all)


def _setup(ctx):
    """One SMTP sink and one chairside (fast outbox) for the module."""
    if not _env:
        scratch = rs.scratch_dir("chairside-notify-")
        _env["scratch"] = scratch
        _env["smtp"] = rs.SmtpSink(os.path.join(scratch, "mail")).start()
        _env["chairside"] = rs.Chairside(ctx.bin, scratch).start()
        _env["chairside"].admin.patch(API + "/settings", {
            "smtp_url": _env["smtp"].url, "mail_from": "clinic@chairside.test",
            "notification_email": "desk@chairside.test"}).expect(200)
    return _env["chairside"], _env["smtp"]


def _clinic(c, weekday=2):
    cl, st = clinic_with_staff(c, weekday, "08:00", "18:00")
    svc = make_service(c, 30, name=helpers.unique("Zahnreinigung Ü"))
    return cl, st, svc, next_weekday(weekday)


def _patient(c, **fields):
    email = "%s@patients.test" % helpers.unique("p")
    return make_patient(c, name=helpers.unique("Jörg Müller"), email=email, **fields)


def test_booking_sends_confirmation_and_practice_notice(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c)
    p = _patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
    mail = smtp.wait_for(p["email"])[0]
    eq(str(mail["from"]), "clinic@chairside.test", "From")
    check(day.isoformat() in str(mail["subject"]), "subject names the date: %s" % mail["subject"])
    # The subject is RFC 2047 encoded on the wire; decoded it is UTF-8.
    check(mail.get_content_type() == "multipart/mixed", "top is multipart/mixed")
    plain, html, attachments = rs.text_parts(mail)
    for needle in (p["name"], svc["name"], st["name"], cl.location["name"], day.isoformat(),
                   "10:00", "Europe/Berlin", "/book#/appointments?booking=%d" % b["id"]):
        check(needle in plain, "plain text lacks %r:\n%s" % (needle, plain))
        check(needle.replace("&", "&amp;") in html, "html lacks %r:\n%s" % (needle, html))
    eq(len(attachments), 1, "one attachment")
    ctype, name, ics = attachments[0]
    eq(ctype, "text/calendar", "attachment type")
    check(name.endswith(".ics"), "attachment name %r" % name)
    ics = ics if isinstance(ics, str) else ics.decode()
    check("UID:booking-%d@chairside" % b["id"] in ics, "ics UID: %s" % ics)
    start_utc = helpers.parse_ts(b["start"]).astimezone(dt.timezone.utc)
    check("DTSTART:%s" % start_utc.strftime("%Y%m%dT%H%M%SZ") in ics, "ics DTSTART: %s" % ics)
    # The practice hears of it too.
    notes = smtp.wait_for("desk@chairside.test", p["name"])
    plain, _, _ = rs.text_parts(notes[0])
    check("#%d" % b["id"] in plain, "practice notice names the booking: %s" % plain)


def test_subject_is_utf8_encoded_word(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=3)
    p = _patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:00"), p["id"])
    mail = smtp.wait_for("desk@chairside.test", p["name"])[0]
    raw = [r for r in smtp.raw() if b"To: desk@chairside.test" in r
           and str(b["id"]).encode() in r]
    check(raw, "raw message found")
    head = raw[0].split(b"\r\n\r\n")[0]
    check(b"Subject: =?UTF-8?B?" in head, "non-ASCII subject must be an RFC 2047 encoded word")
    check(all(len(line) <= 998 and max(line or b"\0") < 128 for line in head.split(b"\r\n")),
          "headers are 7-bit and short")
    check(p["name"] in str(mail["subject"]), "decoded subject %r" % str(mail["subject"]))


def test_notifications_list_shows_true_state(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=4)
    p = _patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    smtp.wait_for(p["email"])

    def sent():
        items = rs.notifications(c, booking_id=b["id"], channel="email")
        return items if items and all(i["status"] == "sent" for i in items) else None

    items = rs.wait_until(sent, what="both e-mails sent")
    eq(sorted(i["to"] for i in items), sorted([p["email"], "desk@chairside.test"]), "recipients")
    for i in items:
        eq(i["channel"], "email", "channel")
        eq(i["attempts"], 1, "attempts")
        eq(i["last_error"], "", "last_error")
        check(isinstance(i["id"], int) and i["subject"], "item %r" % i)
    sent_ids = {i["id"] for i in rs.notifications(c, status="sent", limit=500)}
    check({i["id"] for i in items} <= sent_ids, "?status=sent lists them")
    expect_field_error(c.get(API + "/notifications", status="bogus"), "status")
    srv_staff = helpers.Client(srv.port)
    eq(srv_staff.get(API + "/notifications").status, 401, "needs a login")


def test_patient_without_email_gets_none(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=5)
    p = make_patient(c, name=helpers.unique("NoMail"))
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:30"), p["id"])
    smtp.wait_for("desk@chairside.test", p["name"])
    items = rs.notifications(c, booking_id=b["id"], channel="email")
    eq([i["to"] for i in items], ["desk@chairside.test"], "only the practice is written to")


def test_reschedule_and_cancel_messages(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=2)
    p = _patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "13:00"), p["id"])
    smtp.wait_for(p["email"])
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "15:30")}).expect(200)
    moved = smtp.wait_for(p["email"], "moved")[0]
    plain, _, att = rs.text_parts(moved)
    check("15:30" in plain, "reschedule mail names the new time: %s" % plain)
    check(att and "15:30" not in att[0][2], "attachment present")
    # A change of notes only sends nothing.
    before = len(smtp.to(p["email"]))
    c.patch(API + "/bookings/%d" % b["id"], {"notes": "bring x-rays"}).expect(200)
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    cancelled = smtp.wait_for(p["email"], "cancelled")[0]
    _, _, att = rs.text_parts(cancelled)
    ics = att[0][2] if isinstance(att[0][2], str) else att[0][2].decode()
    check("STATUS:CANCELLED" in ics and "METHOD:CANCEL" in ics, "cancel ics: %s" % ics)
    eq(len(smtp.to(p["email"])), before + 1, "notes change sent nothing, cancel sent one")


def test_shared_appointment_sends_details(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=3)
    p = _patient(c)
    q = _patient(c)
    start = local_iso(day, "16:00")
    c.post(API + "/appointments", {"patient_id": p["id"], "staff_id": st["id"], "start": start,
                                   "duration_min": 20, "notes": "Kontrolle",
                                   "share_with_patient": True}).expect(201)
    c.post(API + "/appointments", {"patient_id": q["id"], "staff_id": st["id"], "start": start,
                                   "duration_min": 20, "share_with_patient": False}).expect(201)
    mail = smtp.wait_for(p["email"])[0]
    plain, _, att = rs.text_parts(mail)
    check("16:00" in plain and "Kontrolle" in plain, "shared appointment details: %s" % plain)
    eq(len(att), 1, "with an .ics")
    time.sleep(0.5)
    eq(smtp.to(q["email"]), [], "an appointment not shared sends nothing")


def test_templates_are_admin_editable(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    items = c.get(API + "/templates", limit=100).expect(200)["items"]
    by_name = {t["name"]: t for t in items}
    for name in ("booking_confirmation", "booking_notification", "booking_rescheduled",
                 "booking_cancelled", "booking_reminder", "appointment_shared",
                 "diary_collision", "diary_unreachable"):
        check(name in by_name, "template %s missing: %s" % (name, sorted(by_name)))
    t = by_name["booking_confirmation"]
    old = {k: t[k] for k in ("subject", "body_text", "body_html")}
    try:
        c.patch(API + "/templates/%d" % t["id"], {
            "subject": "Termin bestätigt: {{ date }} {{time}}",
            "body_text": "Hallo {{patient}}, bis {{date}}! {{unknown}}.",
            "body_html": "<p>Hallo {{patient}}</p>"}).expect(200)
        eq(c.get(API + "/templates/%d" % t["id"]).expect(200)["name"], "booking_confirmation",
           "name stays")
        cl, st, svc, day = _clinic(c, weekday=4)
        p = _patient(c)
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "12:00"), p["id"])
        mail = smtp.wait_for(p["email"])[0]
        eq(str(mail["subject"]), "Termin bestätigt: %s 12:00" % day.isoformat(), "subject")
        plain, html, _ = rs.text_parts(mail)
        eq(plain, "Hallo %s, bis %s! ." % (p["name"], day.isoformat()), "plain body")
        check(html.startswith("<p>Hallo "), "html body %r" % html)
    finally:
        c.patch(API + "/templates/%d" % t["id"], old).expect(200)
    staff = helpers.logged_in(ctx.port, helpers.STAFF_EMAIL, helpers.STAFF_PASSWORD)
    eq(staff.get(API + "/templates").status, 403, "staff may not read templates (main server)")


def test_reminder_sent_once_before_booking(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    # A booking soon after now, with reminders 3 days ahead: due at once.
    today = dt.date.today()
    wd = (today + dt.timedelta(days=2)).isoweekday()
    cl, st = clinic_with_staff(c, wd, "00:00", "24:00")
    svc = make_service(c, 30)
    p = _patient(c)
    c.patch(API + "/settings", {"reminder_before_min": 60}).expect(200)
    b = book_ok(c, st["id"], [svc["id"]],
                local_iso(today + dt.timedelta(days=2), "12:00"), p["id"])
    smtp.wait_for(p["email"])
    time.sleep(0.5)
    eq(smtp.to(p["email"], "Reminder"), [], "no reminder outside reminder_before_min")
    c.patch(API + "/settings", {"reminder_before_min": 4320}).expect(200)
    try:
        rem = smtp.wait_for(p["email"], "Reminder")[0]
        plain, _, _ = rs.text_parts(rem)
        check("12:00" in plain, "reminder names the time: %s" % plain)
        time.sleep(0.6)
        eq(len(smtp.to(p["email"], "Reminder")), 1, "reminder queued once only")
        kinds = [i["kind"] for i in rs.notifications(c, booking_id=b["id"], channel="email")]
        eq(kinds.count("booking_reminder"), 1, "one reminder row")
    finally:
        c.patch(API + "/settings", {"reminder_before_min": 1440}).expect(200)


def test_smtp_down_retries_then_delivers(ctx):
    """SMTP unreachable: the row stays queued with the error and attempts
    counted, then goes out when the server is back."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    port = helpers.free_port()
    c.patch(API + "/settings", {"smtp_url": "smtp://127.0.0.1:%d" % port}).expect(200)
    sink2 = rs.SmtpSink(os.path.join(_env["scratch"], "mail2"), port=port)
    try:
        cl, st, svc, day = _clinic(c, weekday=5)
        p = _patient(c)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "14:00"), p["id"])

        def failed_once():
            items = [i for i in rs.notifications(c, booking_id=b["id"], channel="email")
                     if i["to"] == p["email"]]
            return items if items and items[0]["attempts"] >= 2 else None

        item = rs.wait_until(failed_once, what="two failed attempts")[0]
        eq(item["status"], "queued", "still queued while SMTP is down")
        check(item["last_error"], "last_error says why: %r" % item)
        sink2.start()
        sink2.wait_for(p["email"])
        rs.wait_until(lambda: all(i["status"] == "sent" for i in rs.notifications(
            c, booking_id=b["id"], channel="email")), what="sent after SMTP came back")
    finally:
        sink2.stop()
        c.patch(API + "/settings", {"smtp_url": smtp.url}).expect(200)


def test_smtp_auth_from_url(ctx):
    """User and password in smtp_url are used for SMTP AUTH; wrong ones
    leave the mail queued with the server's refusal as last_error."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    sink = rs.SmtpSink(os.path.join(_env["scratch"], "mail-auth"),
                       credentials="mailer:s3cret pass").start()
    try:
        cl, st, svc, day = _clinic(c, weekday=3)
        c.patch(API + "/settings", {"smtp_url": "smtp://mailer:wrong@127.0.0.1:%d" % sink.port}
                ).expect(200)
        p = _patient(c)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "17:00"), p["id"])

        def refused():
            items = [i for i in rs.notifications(c, booking_id=b["id"], channel="email")
                     if i["to"] == p["email"] and i["attempts"] >= 1 and i["last_error"]]
            return items or None

        item = rs.wait_until(refused, what="refused login")[0]
        eq(item["status"], "queued", "queued after a refused login")
        eq(sink.to(p["email"]), [], "nothing delivered with wrong credentials")
        c.patch(API + "/settings", {
            "smtp_url": "smtp://mailer:s3cret%%20pass@127.0.0.1:%d" % sink.port}).expect(200)
        sink.wait_for(p["email"])
    finally:
        sink.stop()
        c.patch(API + "/settings", {"smtp_url": smtp.url}).expect(200)


def test_smtp_starttls_when_url_asks(ctx):
    """A relay that insists on STARTTLS: without ?starttls the mail waits
    with the server's refusal; with it, the mail goes over TLS (the
    relay's certificate checked against CHAIRSIDE_SMTP_CA_FILE)."""
    _setup(ctx)
    scratch = os.path.join(_env["scratch"], "tls")
    os.makedirs(scratch)
    cert, key = rs.self_signed_cert(scratch)
    sink = rs.SmtpSink(os.path.join(scratch, "mail"), credentials="tls-user:tls-pass",
                       tls=(cert, key)).start()
    cs = rs.Chairside(ctx.bin, scratch, {"CHAIRSIDE_SMTP_CA_FILE": cert}).start()
    try:
        c = cs.admin
        c.patch(API + "/settings", {
            "smtp_url": "smtp://tls-user:tls-pass@127.0.0.1:%d" % sink.port,
            "mail_from": "clinic@chairside.test"}).expect(200)
        cl, st, svc, day = _clinic(c, weekday=4)
        p = _patient(c)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "08:30"), p["id"])
        item = rs.wait_until(lambda: [i for i in rs.notifications(c, booking_id=b["id"])
                                      if i["last_error"]], what="refusal without TLS")[0]
        eq(item["status"], "queued", "waits while the relay refuses plain text")
        eq(sink.to(p["email"]), [], "nothing delivered without TLS")
        c.patch(API + "/settings", {
            "smtp_url": "smtp://tls-user:tls-pass@localhost:%d/?starttls" % sink.port}
            ).expect(200)
        sink.wait_for(p["email"])
        rs.wait_until(lambda: all(i["status"] == "sent" for i in rs.notifications(
            c, booking_id=b["id"])), what="sent over STARTTLS")
    finally:
        eq(cs.stop(), 0, "server stops cleanly")
        sink.stop()


def test_kill_between_booking_and_send_still_delivers(ctx):
    """The outbox row commits with the booking: kill -9 before any worker
    sent it, restart, and the mail goes out."""
    srv, smtp = _setup(ctx)
    scratch = os.path.join(_env["scratch"], "crash")
    os.makedirs(scratch)
    # No workers: the booking commits and nothing is sent before the kill.
    cs = rs.Chairside(ctx.bin, scratch, {"CHAIRSIDE_OUTBOX_WORKERS": "0"}).start()
    try:
        c = cs.admin
        c.patch(API + "/settings", {"smtp_url": smtp.url, "mail_from": "clinic@chairside.test",
                                    "notification_email": "crash-desk@chairside.test"}
                ).expect(200)
        cl, st, svc, day = _clinic(c, weekday=2)
        p = _patient(c)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
        items = rs.notifications(c, booking_id=b["id"])
        eq(sorted(i["status"] for i in items), ["queued", "queued"], "queued before the kill")
        cs.kill()
        time.sleep(0.3)
        eq(smtp.to(p["email"]), [], "nothing was sent before the kill")
        cs.env["CHAIRSIDE_OUTBOX_WORKERS"] = "2"
        cs.start()
        smtp.wait_for(p["email"])
        smtp.wait_for("crash-desk@chairside.test")
        c = cs.admin
        rs.wait_until(lambda: all(i["status"] == "sent" for i in rs.notifications(
            c, booking_id=b["id"])), what="outbox shows sent")
    finally:
        eq(cs.stop(), 0, "restarted server stops cleanly on SIGTERM")


def test_zz_servers_stop_cleanly(ctx):
    if _env.get("chairside"):
        eq(_env["chairside"].stop(), 0, "chairside exits 0 on SIGTERM with workers running")
        _env["chairside"] = None
    _stop_all()

"""Notifications through a real SMTP server (Debian's aiosmtpd): the
booking confirmation to the patient, the notice to notification_email,
reschedule and cancel messages, shared appointments, reminders, the
admin-editable templates, the outbox list, and delivery after the server
was killed between the booking and the send. Runs its own chairside
processes so that the outbox polls fast and settings stay its own."""

import datetime as dt
import os
import time

import helpers
import realservers as rs
import standards
from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient, make_service, next_weekday)

_env = rs.ModuleServers()


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
    ctype, name, _ = attachments[0]
    eq(ctype, "application/ics", "attachment type")
    check(name.endswith(".ics"), "attachment name %r" % name)
    method, ics, _ = rs.invitation(mail)
    eq(method, "REQUEST", "an invitation")
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
    check(att and rs.invitation(moved), "invitation present")
    # A change of notes only sends nothing.
    before = len(smtp.to(p["email"]))
    c.patch(API + "/bookings/%d" % b["id"], {"notes": "bring x-rays"}).expect(200)
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    cancelled = smtp.wait_for(p["email"], "cancelled")[0]
    method, ics, _ = rs.invitation(cancelled)
    eq(method, "CANCEL", "a cancellation")
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


def _invite(mail, method):
    """The one VEVENT of mail's invitation, which must have method."""
    got = rs.invitation(mail)
    check(got, "no invitation in %r" % mail["subject"])
    eq(got[0], method, "text/calendar method")
    evs = standards.events(got[2])
    eq(len(evs), 1, "one VEVENT")
    return evs[0]


def _sent_all(c, booking_id=None):
    """Waits until nothing of the outbox's mail is queued (of booking_id)."""
    params = {"channel": "email", "status": "queued", "limit": 500}
    if booking_id:
        params["booking_id"] = booking_id
    rs.wait_until(lambda: not rs.notifications(c, **params), what="queued mail sent")


def test_invitations_are_imip_and_replace_each_other(ctx):
    """REQUEST to the patient and to the practice, each naming the clinic
    (mail_from, the location's name) as ORGANIZER and its recipient as
    ATTENDEE; a reschedule sends both a REQUEST with the same UID and a
    higher SEQUENCE, a cancellation a CANCEL with a higher one still."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=1)
    p = _patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    uid = "booking-%d@chairside" % b["id"]
    first = _invite(smtp.wait_for(p["email"])[0], "REQUEST")
    desk = _invite(smtp.wait_for("desk@chairside.test", p["name"])[0], "REQUEST")
    for ev, who in ((first, p["email"]), (desk, "desk@chairside.test")):
        eq(ev["props"]["UID"], uid, "UID")
        eq(ev["props"]["SEQUENCE"], 0, "first SEQUENCE")
        eq(ev["props"]["STATUS"], "CONFIRMED", "STATUS")
        eq(ev["organizer"]["value"], "mailto:clinic@chairside.test", "ORGANIZER")
        eq(ev["organizer"]["params"].get("CN"), cl.location["name"], "ORGANIZER's CN")
        eq([a["value"] for a in ev["attendees"]], ["mailto:" + who], "ATTENDEE")
        check(svc["name"] in ev["props"]["SUMMARY"], "SUMMARY %r" % ev["props"])
    eq(first["attendees"][0]["params"].get("CN"), p["name"], "the patient's CN")

    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "10:30")}).expect(200)
    moved = _invite(smtp.wait_for(p["email"], "moved")[0], "REQUEST")
    desk_moved = _invite(smtp.wait_for("desk@chairside.test", "Booking moved: %s" % p["name"])[0],
                         "REQUEST")
    start = helpers.parse_ts(local_iso(day, "10:30")).astimezone(dt.timezone.utc)
    for ev in (moved, desk_moved):
        eq(ev["props"]["UID"], uid, "a reschedule keeps the UID")
        eq(ev["props"]["SEQUENCE"], 1, "a reschedule raises SEQUENCE")
        eq(helpers.parse_ts(ev["props"]["DTSTART"]), start, "the new start")
        check(ev["props"]["LAST-MODIFIED"] >= first["props"]["LAST-MODIFIED"], "LAST-MODIFIED")

    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    gone = _invite(smtp.wait_for(p["email"], "cancelled")[0], "CANCEL")
    desk_gone = _invite(smtp.wait_for("desk@chairside.test",
                                      "Booking cancelled: %s" % p["name"])[0], "CANCEL")
    for ev in (gone, desk_gone):
        eq(ev["props"]["UID"], uid, "a cancellation keeps the UID")
        eq(ev["props"]["SEQUENCE"], 2, "a cancellation raises SEQUENCE")
        eq(ev["props"]["STATUS"], "CANCELLED", "STATUS of a cancellation")
    eq(helpers.sql_rows(srv.db, "SELECT ical_sequence FROM bookings WHERE id = ?", (b["id"],)),
       [(2,)], "the stored SEQUENCE")


def test_shared_appointment_changes_and_cancel_mail_the_patient(ctx):
    """A shared appointment's invitation has a SUMMARY (its action, or its
    notes) and its notes; changing it sends the patient a REQUEST that
    replaces the first, cancelling it a CANCEL."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=4)
    action = helpers.make_action(c, helpers.unique("Kontrolle"))
    p = _patient(c)
    a = c.post(API + "/appointments", {
        "patient_id": p["id"], "staff_id": st["id"], "action_id": action["id"],
        "start": local_iso(day, "08:00"), "duration_min": 20, "notes": "Röntgenbild mitbringen",
        "share_with_patient": True}).expect(201)
    aid = a["occurrences"][0]["id"]
    uid = "appointment-%d@chairside" % aid
    ev = _invite(smtp.wait_for(p["email"])[0], "REQUEST")
    eq(ev["props"]["UID"], uid, "UID")
    eq(ev["props"]["SUMMARY"], action["name"], "SUMMARY is the action")
    eq(ev["props"].get("DESCRIPTION"), "Röntgenbild mitbringen", "DESCRIPTION is the notes")
    eq(ev["props"]["SEQUENCE"], 0, "SEQUENCE")
    eq(ev["organizer"]["params"].get("CN"), cl.location["name"], "ORGANIZER's CN")

    c.patch(API + "/appointments/%d" % aid, {"start": local_iso(day, "08:40")}).expect(200)
    changed = smtp.wait_for(p["email"], "is now on", count=1)
    ev = _invite(changed[0], "REQUEST")
    eq(ev["props"]["UID"], uid, "a change keeps the UID")
    eq(ev["props"]["SEQUENCE"], 1, "a change raises SEQUENCE")
    check("08:40" in rs.text_parts(changed[0])[0], "the mail names the new time")

    c.post(API + "/appointments/%d/cancel" % aid, {"scope": "this"}).expect(200)
    ev = _invite(smtp.wait_for(p["email"], "cancelled")[0], "CANCEL")
    eq(ev["props"]["UID"], uid, "a cancellation keeps the UID")
    eq(ev["props"]["SEQUENCE"], 2, "a cancellation raises SEQUENCE")
    eq(ev["props"]["STATUS"], "CANCELLED", "STATUS")

    # Without an action the notes' first line is the title, never "".
    q = _patient(c)
    c.post(API + "/appointments", {
        "patient_id": q["id"], "staff_id": st["id"], "start": local_iso(day, "11:00"),
        "duration_min": 20, "notes": "Nachkontrolle\nnüchtern kommen",
        "share_with_patient": True}).expect(201)
    ev = _invite(smtp.wait_for(q["email"])[0], "REQUEST")
    eq(ev["props"]["SUMMARY"], "Nachkontrolle", "SUMMARY from the notes")
    r = c.post(API + "/appointments", {
        "patient_id": q["id"], "start": local_iso(day, "12:00"), "duration_min": 20,
        "share_with_patient": True}).expect(201)
    mails = smtp.wait_for(q["email"], count=2)
    ev = _invite(mails[-1], "REQUEST")
    eq(ev["props"]["UID"], "appointment-%d@chairside" % r["occurrences"][0]["id"], "UID")
    check(ev["props"]["SUMMARY"].strip(), "a SUMMARY even without action or notes")


def test_series_cancel_mails_the_first_occurrence(ctx):
    """Only the first occurrence of a shared series is mailed; cancelling
    the series from its middle cancels that one too, and says so."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, weekday=5)
    p = _patient(c)
    a = c.post(API + "/appointments", {
        "patient_id": p["id"], "staff_id": st["id"], "start": local_iso(day, "07:00"),
        "duration_min": 20, "notes": "Serie", "share_with_patient": True,
        "recurrence": {"every": "week", "interval": 1,
                       "until": str(day + dt.timedelta(days=14))}}).expect(201)
    ids = [o["id"] for o in a["occurrences"]]
    eq(len(ids), 3, "occurrences")
    smtp.wait_for(p["email"])
    c.post(API + "/appointments/%d/cancel" % ids[1], {"scope": "series"}).expect(200)
    gone = smtp.wait_for(p["email"], "cancelled", count=2)
    uids = sorted(_invite(m, "CANCEL")["props"]["UID"] for m in gone)
    eq(uids, sorted("appointment-%d@chairside" % i for i in (ids[0], ids[1])),
       "CANCELs of the first occurrence and of the one cancelled")
    time.sleep(0.5)
    eq(len(smtp.to(p["email"], "cancelled")), 2, "not one per occurrence")


def test_canonical_crlf_text_parts(ctx):
    """Whatever line breaks a template uses, the text parts go out in
    canonical form: every line break CRLF."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    items = c.get(API + "/templates", limit=100).expect(200)["items"]
    t = {i["name"]: i for i in items}["booking_confirmation"]
    old = {k: t[k] for k in ("subject", "body_text", "body_html")}
    try:
        c.patch(API + "/templates/%d" % t["id"], {
            "subject": "Zeilen {{date}}", "body_text": "eins\nzwei\r\ndrei\rvier\n",
            "body_html": "<p>eins</p>\n<p>zwei</p>"}).expect(200)
        cl, st, svc, day = _clinic(c, weekday=1)
        p = _patient(c)
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "16:00"), p["id"])
        mail = smtp.wait_for(p["email"], "Zeilen")[0]
    finally:
        c.patch(API + "/templates/%d" % t["id"], old).expect(200)
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in mail.walk()
             if not part.is_multipart()}
    eq(parts["text/plain"], b"eins\r\nzwei\r\ndrei\r\nvier\r\n", "text/plain bytes")
    eq(parts["text/html"], b"<p>eins</p>\r\n<p>zwei</p>", "text/html bytes")
    check(b"\r\nBEGIN:VEVENT\r\n" in parts["text/calendar"], "text/calendar in CRLF")


def test_internationalised_addresses(ctx):
    """Internationalised domains go out as A-labels (IDNA): in the
    envelope, To:, From:, ORGANIZER and ATTENDEE; an address that cannot
    be written in ASCII is refused with 422 when it is entered."""
    srv, smtp = _setup(ctx)
    c = srv.admin
    # What cannot be sent is refused up front, naming the field.
    for field, bad in (("email", "jörg@praxis.test"), ("email", "a@\u2603.test"),
                       ("email", "a@b\u00e4\u0301\u200d.test")):
        expect_field_error(c.post(API + "/patients", {"name": "X", "phone": "+49 1",
                                                      field: bad}), field)
    for field in ("mail_from", "notification_email"):
        expect_field_error(c.patch(API + "/settings", {field: "büro@praxis.test"}), field)
    p0 = _patient(c)
    expect_field_error(c.patch(API + "/patients/%d" % p0["id"], {"email": "ö@x.test"}), "email")
    eq(c.get(API + "/patients/%d" % p0["id"]).expect(200)["email"], p0["email"],
       "a refused address is not stored")

    _sent_all(c)
    c.patch(API + "/settings", {"mail_from": "praxis@zahnärzte-münchen.test",
                                "notification_email": "empfang@zahnärzte-münchen.test"}
            ).expect(200)
    try:
        cl, st, svc, day = _clinic(c, weekday=2)
        p = make_patient(c, name=helpers.unique("Idn"), email="patient@bücher.test")
        eq(p["email"], "patient@bücher.test", "stored as entered")
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "17:30"), p["id"])
        mail = smtp.wait_for("patient@xn--bcher-kva.test")[0]
        eq(str(mail["to"]), "patient@xn--bcher-kva.test", "To: as A-label")
        eq(str(mail["from"]), "praxis@xn--zahnrzte-mnchen-3kb82b.test", "From: as A-label")
        ev = _invite(mail, "REQUEST")
        eq(ev["organizer"]["value"], "mailto:praxis@xn--zahnrzte-mnchen-3kb82b.test", "ORGANIZER")
        eq(ev["attendees"][0]["value"], "mailto:patient@xn--bcher-kva.test", "ATTENDEE")
        desk = smtp.wait_for("empfang@xn--zahnrzte-mnchen-3kb82b.test")[0]
        env = [e for e, m in smtp.messages() if m is desk][0]
        eq(env["from"], "praxis@xn--zahnrzte-mnchen-3kb82b.test", "MAIL FROM as A-label")
        items = rs.notifications(c, booking_id=b["id"], channel="email")
        eq(sorted(i["to"] for i in items),
           ["empfang@xn--zahnrzte-mnchen-3kb82b.test", "patient@xn--bcher-kva.test"],
           "the outbox lists the addresses as sent")
        _sent_all(c, b["id"])
        check(all(i["status"] == "sent" for i in rs.notifications(c, booking_id=b["id"])),
              "every mail sent")
    finally:
        _sent_all(c)
        c.patch(API + "/settings", {"mail_from": "clinic@chairside.test",
                                    "notification_email": "desk@chairside.test"}).expect(200)


def test_templates_are_admin_editable(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    items = c.get(API + "/templates", limit=100).expect(200)["items"]
    by_name = {t["name"]: t for t in items}
    for name in ("booking_confirmation", "booking_notification", "booking_rescheduled",
                 "booking_rescheduled_notification", "booking_cancelled",
                 "booking_cancelled_notification", "booking_reminder", "appointment_shared",
                 "appointment_changed", "appointment_cancelled", "diary_collision",
                 "diary_unreachable"):
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
    _env.stop_all()

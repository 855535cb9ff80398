"""E-mail outbox rows record their event and the worker renders them: the
row a booking writes holds the template, the invitation method and the
booking's facts as JSON and no rendered message; a booking made and then
moved before any worker ran is told in two mails, the first with the time
that was booked, the second with the new one; a row queued with its
message already rendered (as before the outbox recorded events) is still
sent as it is; one that cannot be rendered is retried and then fails,
saying why. Mail arrives at a real SMTP server (aiosmtpd) and is read
with Python's email and icalendar packages."""

import email.message
import email.utils
import json
import os
import time

import helpers
import realservers as rs
import standards
from helpers import (API, book_ok, check, clinic_with_staff, eq, local_iso, make_patient,
                     make_service, next_weekday)

_env = rs.ModuleServers()


def _setup(ctx):
    """One SMTP sink for the module."""
    if not _env:
        _env["scratch"] = rs.scratch_dir("chairside-outbox-events-")
        _env["smtp"] = rs.SmtpSink(os.path.join(_env["scratch"], "mail")).start()
    return _env["smtp"]


def _server(ctx, name, workers):
    """A chairside of its own with `workers` outbox workers, mailing to the
    module's sink."""
    smtp = _setup(ctx)
    scratch = os.path.join(_env["scratch"], name)
    os.makedirs(scratch)
    cs = rs.Chairside(ctx.bin, scratch, {"CHAIRSIDE_OUTBOX_WORKERS": str(workers)}).start()
    _env[name] = cs
    cs.admin.patch(API + "/settings", {"smtp_url": smtp.url, "mail_from": "clinic@chairside.test",
                                       "notification_email": "%s-desk@chairside.test" % name}
                   ).expect(200)
    return cs, smtp


def _booking(c, hhmm, weekday=2):
    cl, st = clinic_with_staff(c, weekday, "08:00", "18:00")
    svc = make_service(c, 30, name=helpers.unique("Kontrolle"))
    day = next_weekday(weekday)
    p = make_patient(c, name=helpers.unique("Anna Schäfer"),
                     email="%s@patients.test" % helpers.unique("ev"))
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, hhmm), p["id"])
    return b, p, st, svc, day


def _epoch(ts):
    return int(helpers.parse_ts(ts).timestamp())


def _email_rows(cs, booking_id):
    return helpers.sql_rows(cs.db, "SELECT kind, recipient, subject, body, event FROM outbox "
                            "WHERE booking_id = ? AND channel = 'email' ORDER BY id",
                            (booking_id,))


def test_booking_row_holds_the_event_not_the_message(ctx):
    cs, _ = _server(ctx, "queued", 0)
    b, p, st, svc, _ = _booking(cs.admin, "10:00")
    rows = _email_rows(cs, b["id"])
    eq(sorted(r[0] for r in rows), ["booking_confirmation", "booking_notification"], "two mails")
    for kind, recipient, subject, body, event in rows:
        eq(body, "", "%s: no rendered message in the row" % kind)
        eq(subject, "", "%s: no rendered subject before the worker" % kind)
        check(event, "%s: the row records its event" % kind)
        ev = json.loads(event)
        eq(ev["template"], kind, "the template is the row's kind")
        eq(ev["method"], "REQUEST", "an invitation is to be attached")
        eq(ev["about"], "booking", "the facts are a booking's")
        facts = ev["facts"]
        eq(facts["id"], b["id"], "facts: the booking")
        eq(facts["start_at"], _epoch(b["start"]), "facts: the start as booked")
        eq(facts["end_at"], _epoch(b["end"]), "facts: the end as booked")
        eq(facts["patient"], p["name"], "facts: the patient's name")
        eq(facts["staff"], st["name"], "facts: the staff member's name")
        eq(facts["services"], svc["name"], "facts: the service")
        eq(facts["timezone"], "Europe/Berlin", "facts: the zone")
        eq(facts["ical_sequence"], 0, "facts: a new event's SEQUENCE")
    patient_row = [r for r in rows if r[1] == p["email"]]
    eq(len(patient_row), 1, "one row to the patient")
    ev = json.loads(patient_row[0][4])
    eq(ev["attendee"], p["name"], "the patient is the invitation's attendee")
    eq(ev["arabic"], False, "mail_language is English")
    eq(cs.stop(), 0, "stops cleanly")
    _env["queued"] = None


def _event(mail):
    """The one VEVENT of mail's invitation, as python3-icalendar read it."""
    evs = standards.events(rs.invitation(mail)[2])
    eq(len(evs), 1, "one VEVENT")
    return evs[0]["props"]


def test_created_then_moved_before_the_worker_tells_both_times(ctx):
    """Facts are frozen at the event: the confirmation rendered after the
    move still says the time that was booked."""
    cs, smtp = _server(ctx, "moved", 0)
    c = cs.admin
    b, p, _, _, day = _booking(c, "10:00", weekday=3)
    moved = c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "15:30")}).expect(200)
    eq(sorted(i["status"] for i in rs.notifications(c, booking_id=b["id"], channel="email")),
       ["queued"] * 4, "confirmation, notice and both move mails wait for a worker")
    eq(cs.stop(), 0, "stops cleanly")
    cs.env["CHAIRSIDE_OUTBOX_WORKERS"] = "2"
    cs.start()
    mails = smtp.wait_for(p["email"], count=2)
    first = [m for m in mails if "moved" not in str(m["subject"])]
    second = [m for m in mails if "moved" in str(m["subject"])]
    eq((len(first), len(second)), (1, 1), "one confirmation and one move mail")
    confirm, move = first[0], second[0]
    check(day.isoformat() in str(confirm["subject"]) and "10:00" in str(confirm["subject"]),
          "the confirmation's subject has the time booked: %s" % confirm["subject"])
    plain, _, _ = rs.text_parts(confirm)
    check("10:00" in plain and "15:30" not in plain, "confirmation text: %s" % plain)
    plain, _, _ = rs.text_parts(move)
    check("15:30" in plain and "10:00" not in plain, "move text: %s" % plain)
    eq(helpers.parse_ts(_event(confirm)["DTSTART"]), helpers.parse_ts(b["start"]),
       "confirmation DTSTART as booked")
    eq(helpers.parse_ts(_event(move)["DTSTART"]), helpers.parse_ts(moved["start"]),
       "move DTSTART the new time")
    eq([_event(m)["SEQUENCE"] for m in (confirm, move)], [0, 1],
       "the move's SEQUENCE replaces the confirmation's")
    check(confirm["Message-ID"] != move["Message-ID"], "two messages")
    c = cs.admin
    rs.wait_until(lambda: len([i for i in rs.notifications(c, booking_id=b["id"], channel="email")
                               if i["status"] == "sent"]) == 4, what="all four sent")
    items = rs.notifications(c, booking_id=b["id"], channel="email")
    check(all(i["subject"] for i in items), "the list shows the subjects rendered: %r" % items)
    eq(cs.stop(), 0, "stops cleanly")
    _env["moved"] = None


def test_row_rendered_before_events_is_still_sent(ctx):
    """A row queued with its message in body and no event (an upgrade's
    queue) goes out byte for byte as it was rendered."""
    cs, smtp = _server(ctx, "legacy", 2)
    to = "%s@patients.test" % helpers.unique("legacy")
    msg = email.message.EmailMessage()
    msg["From"] = "clinic@chairside.test"
    msg["To"] = to
    msg["Subject"] = "Rendered before the upgrade"
    msg["Date"] = email.utils.formatdate()
    msg["Message-ID"] = email.utils.make_msgid(domain="chairside")
    msg.set_content("Your booking is on Monday at 09:00.\n")
    body = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")).decode("ascii")
    now = int(time.time())
    helpers.sql_rows(cs.db, "INSERT INTO outbox (channel, kind, recipient, subject, body, "
                     "next_attempt_at, created_at) VALUES ('email', 'booking_confirmation', ?, ?, "
                     "?, ?, ?)", (to, "Rendered before the upgrade", body, now, now))
    got = smtp.wait_for(to)[0]
    eq(str(got["subject"]), "Rendered before the upgrade", "the stored subject")
    eq(got["Message-ID"], msg["Message-ID"], "the stored message, not one rendered anew")
    plain, _, _ = rs.text_parts(got)
    eq(plain.replace("\r\n", "\n"), "Your booking is on Monday at 09:00.\n", "the stored text")
    row = rs.wait_until(lambda: [i for i in rs.notifications(cs.admin, channel="email")
                                 if i["to"] == to and i["status"] == "sent"] or None,
                        what="the row sent")[0]
    eq(row["subject"], "Rendered before the upgrade", "its subject stays")
    eq(cs.stop(), 0, "stops cleanly")
    _env["legacy"] = None


def test_event_that_cannot_render_is_retried_then_failed(ctx):
    """A row whose template is gone is not sent, says why, and is retried
    like any mail that could not go out until its attempts run out."""
    cs, smtp = _server(ctx, "broken", 2)
    to = "%s@patients.test" % helpers.unique("broken")
    event = {"template": "no_such_template", "arabic": False, "message_id": "0123456789abcdef",
             "public_url": "", "about": "package",
             "facts": {"patient": "P", "package": "K", "units": 1, "invoice": "", "expires_on": ""}}
    now = int(time.time())
    helpers.sql_rows(cs.db, "INSERT INTO outbox (channel, kind, recipient, event, "
                     "next_attempt_at, created_at) VALUES ('email', 'package_purchased', ?, ?, "
                     "?, ?)", (to, json.dumps(event), now, now))
    row = rs.wait_until(lambda: [i for i in rs.notifications(cs.admin, channel="email")
                                 if i["to"] == to and i["status"] == "failed"] or None,
                        timeout=30, what="the row failed")[0]
    eq(row["attempts"], 10, "every attempt was made")
    check(row["last_error"].startswith("cannot render the message"), "why: %r" % row)
    eq(row["subject"], "", "nothing rendered")
    eq(smtp.to(to), [], "nothing sent")
    eq(cs.stop(), 0, "stops cleanly")
    _env["broken"] = None


def test_zz_servers_stop_cleanly(ctx):
    _env.stop_all()

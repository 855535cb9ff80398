"""Diary sync against a real CalDAV server (Debian's Radicale): bookings
land in the calendar collection, move with a reschedule and leave with a
cancel; an overlapping event of the same staff member already in the diary
is a collision (no insert, alert e-mail, sync issue); a diary that cannot
be reached becomes an unreachable sync issue with an alert e-mail after
sync_alert_after_s, cleared when the insert finally succeeds."""

import atexit
import datetime as dt
import os
import time

import helpers
import realservers as rs
from helpers import (API, book_ok, check, clinic_with_staff, eq, local_iso, make_patient,
                     make_service, next_weekday)

_env = {}
DESK = "diary-desk@chairside.test"


def _stop_all():
    for key in ("chairside", "smtp", "radicale"):
        if _env.get(key):
            _env[key].stop()
    if _env.get("scratch"):
        rs.remove(_env["scratch"])
    _env.clear()


atexit.register(_stop_all)


def _setup(ctx):
    if not _env:
        scratch = rs.scratch_dir("chairside-diary-")
        _env["scratch"] = scratch
        _env["smtp"] = rs.SmtpSink(os.path.join(scratch, "mail")).start()
        _env["radicale"] = rs.Radicale(os.path.join(scratch, "radicale")).start()
        _env["calendar"] = _env["radicale"].make_calendar("practice")
        _env["chairside"] = rs.Chairside(ctx.bin, scratch).start()
        # Radicale listens on loopback: a private target, allowed here.
        _env["chairside"].admin.patch(API + "/settings", {
            "allow_private_targets": True,
            "smtp_url": _env["smtp"].url, "mail_from": "clinic@chairside.test",
            "notification_email": DESK, "diary_url": _env["calendar"],
            "diary_user": rs.Radicale.USER, "diary_password": rs.Radicale.PASSWORD}).expect(200)
    return _env["chairside"], _env["smtp"], _env["radicale"], _env["calendar"]


def _clinic(c, weekday):
    cl = helpers.Clinic(c)
    st = cl.add_staff([(weekday, "08:00", "18:00")],
                      email="%s@staff.test" % helpers.unique("dr"))
    svc = make_service(c, 30)
    return cl, st, svc, next_weekday(weekday)


def _utc(ts):
    return helpers.parse_ts(ts).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _event(rad, cal, booking_id):
    return rad.get_event(cal, "booking-%d.ics" % booking_id)


def _issues(c):
    return c.get(API + "/sync/issues", limit=500).expect(200)["items"]


def _issue_of(c, booking_id):
    return [i for i in _issues(c) if i["booking_id"] == booking_id]


def _foreign_event(uid, start, end, staff_line):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Practice PMS//EN\r\n"
            "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n"
            "SUMMARY:Walk-in\r\n%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            % (uid, _utc(start), _utc(end), staff_line))


def test_booking_lands_in_diary_moves_and_leaves(ctx):
    srv, smtp, rad, cal = _setup(ctx)
    c = srv.admin
    cl, st, svc, day = _clinic(c, 2)
    p = make_patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
    status, ics = rs.wait_until(lambda: (lambda r: r if r[0] == 200 else None)(
        _event(rad, cal, b["id"])), what="event in Radicale")
    check("UID:booking-%d@chairside" % b["id"] in ics, "UID: %s" % ics)
    check("DTSTART:%s" % _utc(b["start"]) in ics, "DTSTART: %s" % ics)
    check("X-CHAIRSIDE-STAFF:%d" % st["id"] in ics, "X-CHAIRSIDE-STAFF: %s" % ics)
    check(("mailto:%s" % st["email"]).lower() in ics.lower(), "ATTENDEE: %s" % ics)
    # Moving by 15 minutes overlaps the booking's own old event: not a collision.
    moved = c.patch(API + "/bookings/%d" % b["id"],
                    {"start": local_iso(day, "10:15")}).expect(200)
    rs.wait_until(lambda: "DTSTART:%s" % _utc(moved["start"]) in _event(rad, cal, b["id"])[1],
                  what="event moved in Radicale")
    eq(_issue_of(c, b["id"]), [], "own event is no collision")
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "x"}).expect(200)
    rs.wait_until(lambda: _event(rad, cal, b["id"])[0] == 404, what="event removed")
    # The worker records an operation just after Radicale has it.
    items = rs.wait_until(lambda: (lambda items: items if all(
        i["status"] != "queued" for i in items) else None)(
        rs.notifications(c, booking_id=b["id"], channel="diary")), what="diary rows recorded")
    eq([i["status"] for i in items], ["sent", "sent", "sent"], "three diary operations sent")


def _collision_case(c, smtp, rad, cal, weekday, staff_line_of):
    cl, st, svc, day = _clinic(c, weekday)
    other = cl.add_staff([(weekday, "08:00", "18:00")])
    start, end = local_iso(day, "11:00"), local_iso(day, "11:45")
    rad.put_event(cal, helpers.unique("pms") + ".ics",
                  _foreign_event(helpers.unique("pms") + "@pms", start, end, staff_line_of(st)))
    p = make_patient(c, name=helpers.unique("Collision"))
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:30"), p["id"])
    # The same time with another staff member is no collision.
    b2 = book_ok(c, other["id"], [svc["id"]], local_iso(day, "11:30"), p["id"])
    issue = rs.wait_until(lambda: _issue_of(c, b["id"]), what="collision issue")[0]
    eq(issue["reason"], "collision", "reason")
    helpers.parse_ts(issue["since"])
    alert = smtp.wait_for(DESK, "collision: booking #%d " % b["id"])
    plain, _, _ = rs.text_parts(alert[-1])
    check("#%d" % b["id"] in plain, "alert names the booking: %s" % plain)
    rs.wait_until(lambda: _event(rad, cal, b2["id"])[0] == 200, what="other staff inserted")
    eq(_event(rad, cal, b["id"])[0], 404, "colliding booking was not inserted")
    eq(_issue_of(c, b2["id"]), [], "no issue for the other staff member")
    diary = rs.notifications(c, booking_id=b["id"], channel="diary")
    eq(diary[0]["status"], "failed", "diary row failed")
    check("already" in diary[0]["last_error"], "last_error: %r" % diary[0])
    return b


def test_collision_by_x_chairside_staff(ctx):
    srv, smtp, rad, cal = _setup(ctx)
    c = srv.admin
    b = _collision_case(c, smtp, rad, cal, 3, lambda st: "X-CHAIRSIDE-STAFF:%d" % st["id"])
    staff = helpers.Client(srv.port)
    eq(staff.get(API + "/sync/issues").status, 401, "list needs a login")
    c.post(API + "/sync/issues/%d/resolve" % b["id"]).expect(200)
    eq(_issue_of(c, b["id"]), [], "resolved issue leaves the list")
    c.post(API + "/sync/issues/%d/resolve" % b["id"]).expect_problem(404)


def test_collision_by_attendee(ctx):
    srv, smtp, rad, cal = _setup(ctx)
    _collision_case(srv.admin, smtp, rad, cal, 4,
                    lambda st: "ATTENDEE;CN=Someone:mailto:%s" % st["email"].upper())


def test_unreachable_diary_alerts_then_clears(ctx):
    srv, smtp, rad, cal = _setup(ctx)
    c = srv.admin
    c.patch(API + "/settings", {"sync_alert_after_s": 1}).expect(200)
    cl, st, svc, day = _clinic(c, 5)
    p = make_patient(c, name=helpers.unique("Unreachable"))
    rad.stop()
    try:
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
        issue = rs.wait_until(lambda: _issue_of(c, b["id"]), what="unreachable issue")[0]
        eq(issue["reason"], "unreachable", "reason")
        alert = smtp.wait_for(DESK, "unreachable: booking #%d " % b["id"])
        check("#%d" % b["id"] in rs.text_parts(alert[-1])[0], "alert names the booking")
        row = rs.notifications(c, booking_id=b["id"], channel="diary")[0]
        eq(row["status"], "queued", "diary row keeps retrying")
        check(row["attempts"] >= 1 and row["last_error"], "attempts and error: %r" % row)
        time.sleep(1.5)
        eq(len(smtp.to(DESK, "unreachable: booking #%d " % b["id"])), 1, "the alert is sent once")
    finally:
        rad.start()
        c.patch(API + "/settings", {"sync_alert_after_s": 300}).expect(200)
    rs.wait_until(lambda: _event(rad, cal, b["id"])[0] == 200, timeout=30,
                  what="event inserted once the diary is back")
    rs.wait_until(lambda: not _issue_of(c, b["id"]), what="issue cleared")
    eq(rs.notifications(c, booking_id=b["id"], channel="diary")[0]["status"], "sent",
       "diary row sent")


def test_diary_password_is_write_only(ctx):
    srv, smtp, rad, cal = _setup(ctx)
    s = srv.admin.get(API + "/settings").expect(200)
    check("diary_password" not in s, "diary_password returned: %r" % s)
    eq(s["diary_user"], rs.Radicale.USER, "diary_user")


def test_zz_servers_stop_cleanly(ctx):
    if _env.get("chairside"):
        eq(_env["chairside"].stop(), 0, "chairside exits 0 on SIGTERM")
        _env["chairside"] = None
    _stop_all()

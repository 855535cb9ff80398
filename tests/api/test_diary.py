"""Diary sync against two real CalDAV servers (Debian's Radicale and
Xandikos), every case on each: bookings land in the calendar collection,
move with a reschedule and leave with a cancel, created with
If-None-Match: * and changed with If-Match; an event of the same staff
member already in the diary is a collision (no insert, alert e-mail, sync
issue), also when it is one instance of a recurring event, a TZID time or
an all-day event as other calendar clients write them; two installations
sharing one diary never touch each other's events; a diary that cannot be
reached becomes an unreachable sync issue with an alert e-mail after
sync_alert_after_s, on time whatever the backoff, cleared when the insert
finally succeeds. A recording proxy in front of each server shows what
the worker sends (conditions, User-Agent)."""

import atexit
import datetime as dt
import os
import re
import time
import zoneinfo

import helpers
import realservers as rs
import standards
from helpers import API, book_ok, check, eq, local_iso, make_patient, make_service, next_weekday

SERVERS = {"radicale": rs.Radicale, "xandikos": rs.Xandikos}
DESK = "diary-desk@chairside.test"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
_env = {}
_extra = []  # servers a single test starts, stopped at exit if it could not


class Diary:
    """One CalDAV server with its calendar, the proxy in front of it and a
    chairside process syncing into it."""

    def __init__(self, ctx, kind):
        self.kind = kind
        self.scratch = rs.scratch_dir("chairside-diary-%s-" % kind)
        self.smtp = self.dav = self.proxy = self.srv = None
        self.smtp = rs.SmtpSink(os.path.join(self.scratch, "mail")).start()
        self.dav = SERVERS[kind](os.path.join(self.scratch, kind)).start()
        self.cal = self.dav.make_calendar("practice")
        self.proxy = rs.RecordingProxy(self.dav.port)
        self.srv = start_chairside(ctx, os.path.join(self.scratch, "main"), self)

    def stop(self):
        for thing in (self.srv, self.smtp, self.dav, self.proxy):
            if thing:
                thing.stop()
        rs.remove(self.scratch)


def start_chairside(ctx, folder, diary, cal=None, env=None):
    """A chairside process with its own database syncing into diary's
    calendar (or cal there) through the proxy."""
    os.makedirs(folder, exist_ok=True)
    srv = rs.Chairside(ctx.bin, folder, env=env).start()
    # The CalDAV server listens on loopback: a private target, allowed here.
    srv.admin.patch(API + "/settings", {
        "allow_private_targets": True, "smtp_url": diary.smtp.url,
        "mail_from": "clinic@chairside.test", "notification_email": DESK,
        "diary_url": diary.proxy.url_for(cal or diary.cal), "diary_user": rs.CalDav.USER,
        "diary_password": rs.CalDav.PASSWORD}).expect(200)
    return srv


def _stop_all():
    for d in _env.values():
        d.stop()
    _env.clear()
    for srv in _extra:
        srv.stop()
    del _extra[:]


atexit.register(_stop_all)


def _diary(ctx, kind):
    if kind not in _env:
        _env[kind] = Diary(ctx, kind)
    return _env[kind]


def installation_id(srv):
    rows = helpers.sql_rows(srv.db, "SELECT installation_id FROM settings WHERE id = 1")
    check(rows and re.fullmatch(r"[0-9a-f]{32}", rows[0][0] or ""), "installation id: %r" % rows)
    return rows[0][0]


def event_name(srv, booking_id):
    return "booking-%d-%s.ics" % (booking_id, installation_id(srv))


def _clinic(c, weekdays, start="08:00", end="18:00"):
    cl = helpers.Clinic(c)
    st = cl.add_staff([(w, start, end) for w in weekdays],
                      email="%s@staff.test" % helpers.unique("dr"))
    return cl, st, make_service(c, 30)


def _utc(ts):
    return helpers.parse_ts(ts).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _issues(c):
    return c.get(API + "/sync/issues", limit=500).expect(200)["items"]


def _issue_of(c, booking_id):
    return [i for i in _issues(c) if i["booking_id"] == booking_id]


def _settled(c, booking_id):
    """The booking's diary rows once none is queued any more."""
    return rs.wait_until(lambda: (lambda items: items if items and all(
        i["status"] != "queued" for i in items) else None)(
        rs.notifications(c, booking_id=booking_id, channel="diary")),
        what="diary rows of booking %d recorded" % booking_id)


def _foreign_event(uid, start, end, staff_line):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Practice PMS//EN\r\n"
            "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n"
            "SUMMARY:Walk-in\r\n%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            % (uid, _utc(start), _utc(end), staff_line))


def _user_agents_ok(d):
    agents = {r["headers"].get("user-agent", "") for r in d.proxy.seen()}
    check(agents and all(a.startswith("Chairside/") for a in agents),
          "every diary request says User-Agent Chairside/...: %r" % agents)


# --- the cases, each run on every server ------------------------------------


def case_booking_lands_in_diary_moves_and_leaves(ctx, d):
    c = d.srv.admin
    cl, st, svc = _clinic(c, [2])
    day = next_weekday(2)
    p = make_patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
    name = event_name(d.srv, b["id"])
    status, ics = rs.wait_until(lambda: (lambda r: r if r[0] == 200 else None)(
        d.dav.get_event(d.cal, name)), what="event in %s" % d.kind)
    check("UID:booking-%d-%s@chairside" % (b["id"], installation_id(d.srv)) in ics, "UID: %s" % ics)
    check("DTSTART:%s" % _utc(b["start"]) in ics, "DTSTART: %s" % ics)
    check("X-CHAIRSIDE-STAFF:%d" % st["id"] in ics, "X-CHAIRSIDE-STAFF: %s" % ics)
    check(("mailto:%s" % st["email"]).lower() in ics.lower(), "ATTENDEE: %s" % ics)
    # Moving by 15 minutes overlaps the booking's own old event: not a collision.
    moved = c.patch(API + "/bookings/%d" % b["id"],
                    {"start": local_iso(day, "10:15")}).expect(200)
    rs.wait_until(lambda: "DTSTART:%s" % _utc(moved["start"]) in d.dav.get_event(d.cal, name)[1],
                  what="event moved in %s" % d.kind)
    eq(_issue_of(c, b["id"]), [], "own event is no collision")
    # Someone edits the event in their calendar app: its ETag changes, the
    # next move must not write blindly over it, but reads it and finds it
    # is still ours.
    _, text = d.dav.get_event(d.cal, name)
    d.dav.put_event(d.cal, name, text.replace("SUMMARY:", "SUMMARY:Edited "))
    moved = c.patch(API + "/bookings/%d" % b["id"],
                    {"start": local_iso(day, "10:30")}).expect(200)
    rs.wait_until(lambda: "DTSTART:%s" % _utc(moved["start"]) in d.dav.get_event(d.cal, name)[1],
                  what="event moved again in %s" % d.kind)
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "x"}).expect(200)
    rs.wait_until(lambda: d.dav.get_event(d.cal, name)[0] == 404, what="event removed")
    eq([i["status"] for i in _settled(c, b["id"])], ["sent"] * 4, "four diary operations sent")
    # Created only where nothing was; changed and removed only as written.
    puts = d.proxy.seen("PUT", name)
    ok = [r for r in puts if r["status"] in (200, 201, 204)]
    dels = d.proxy.seen("DELETE", name)
    eq([r["status"] in (200, 201, 204) for r in puts], [True, True, False, True],
       "the PUT over the edited event was refused: %r" % [r["status"] for r in puts])
    eq(puts[2]["status"], 412, "refused as a changed version")
    eq(ok[0]["headers"].get("if-none-match"), "*", "the first PUT creates")
    check("if-match" not in ok[0]["headers"], "the first PUT has no If-Match")
    check(ok[0]["etag"], "%s gives an ETag" % d.kind)
    eq(ok[1]["headers"].get("if-match"), ok[0]["etag"], "the move changes what was written")
    check("if-none-match" not in ok[1]["headers"], "the move is no create")
    eq(puts[2]["headers"].get("if-match"), ok[1]["etag"], "the second move names our version")
    gets = [r for r in d.proxy.seen("GET", name) if r["status"] == 200]
    check(gets and gets[-1]["etag"] and gets[-1]["etag"] != ok[1]["etag"],
          "the worker read the edited event: %r" % gets)
    eq(ok[2]["headers"].get("if-match"), gets[-1]["etag"], "then wrote over the version it read")
    eq(len(dels), 1, "one DELETE")
    eq(dels[0]["headers"].get("if-match"), ok[2]["etag"], "the cancel deletes what was written")
    _user_agents_ok(d)


def case_weak_etags_are_not_sent_back(ctx, d):
    """A diary that answers with weak ETags: If-Match compares strongly,
    so the worker keeps none and, finding its own event under its name,
    writes and deletes it without a condition."""
    c = d.srv.admin
    cl, st, svc = _clinic(c, [6])
    day = next_weekday(6)
    d.proxy.weak_etags = True
    try:
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), make_patient(c)["id"])
        name = event_name(d.srv, b["id"])
        eq([r["status"] for r in _settled(c, b["id"])], ["sent"], "created")
        moved = c.patch(API + "/bookings/%d" % b["id"],
                        {"start": local_iso(day, "11:00")}).expect(200)
        eq([r["status"] for r in _settled(c, b["id"])], ["sent"] * 2, "moved")
        check("DTSTART:%s" % _utc(moved["start"]) in d.dav.get_event(d.cal, name)[1], "moved")
        c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "x"}).expect(200)
        eq([r["status"] for r in _settled(c, b["id"])], ["sent"] * 3, "cancelled")
        eq(d.dav.get_event(d.cal, name)[0], 404, "removed")
    finally:
        d.proxy.weak_etags = False
    for r in d.proxy.seen(None, name):
        check(not r["headers"].get("if-match", "").startswith("W/"),
              "no weak ETag sent back: %r" % r["headers"])
    puts = d.proxy.seen("PUT", name)
    eq([(r["status"], "if-none-match" in r["headers"]) for r in puts][1:],
       [(412, True), (puts[2]["status"], False)], "the move: refused create, then a plain PUT")


def _collision_case(d, weekday, staff_line_of):
    c = d.srv.admin
    cl, st, svc = _clinic(c, [weekday])
    other = cl.add_staff([(weekday, "08:00", "18:00")])
    day = next_weekday(weekday)
    start, end = local_iso(day, "11:00"), local_iso(day, "11:45")
    d.dav.put_event(d.cal, helpers.unique("pms") + ".ics",
                    _foreign_event(helpers.unique("pms") + "@pms", start, end, staff_line_of(st)))
    p = make_patient(c, name=helpers.unique("Collision"))
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:30"), p["id"])
    # The same time with another staff member is no collision.
    b2 = book_ok(c, other["id"], [svc["id"]], local_iso(day, "11:30"), p["id"])
    issue = rs.wait_until(lambda: _issue_of(c, b["id"]), what="collision issue")[0]
    eq(issue["reason"], "collision", "reason")
    helpers.parse_ts(issue["since"])
    alert = d.smtp.wait_for(DESK, "collision: booking #%d " % b["id"])
    plain, _, _ = rs.text_parts(alert[-1])
    check("#%d" % b["id"] in plain, "alert names the booking: %s" % plain)
    rs.wait_until(lambda: d.dav.get_event(d.cal, event_name(d.srv, b2["id"]))[0] == 200,
                  what="other staff inserted")
    eq(d.dav.get_event(d.cal, event_name(d.srv, b["id"]))[0], 404,
       "colliding booking was not inserted")
    eq(_issue_of(c, b2["id"]), [], "no issue for the other staff member")
    diary = rs.notifications(c, booking_id=b["id"], channel="diary")
    eq(diary[0]["status"], "failed", "diary row failed")
    check("already" in diary[0]["last_error"], "last_error: %r" % diary[0])
    return b


def case_collision_by_x_chairside_staff(ctx, d):
    c = d.srv.admin
    b = _collision_case(d, 3, lambda st: "X-CHAIRSIDE-STAFF:%d" % st["id"])
    eq(helpers.Client(d.srv.port).get(API + "/sync/issues").status, 401, "list needs a login")
    c.post(API + "/sync/issues/%d/resolve" % b["id"]).expect(200)
    eq(_issue_of(c, b["id"]), [], "resolved issue leaves the list")
    c.post(API + "/sync/issues/%d/resolve" % b["id"]).expect_problem(404)


def case_collision_by_attendee(ctx, d):
    _collision_case(d, 4, lambda st: "ATTENDEE;CN=Someone:mailto:%s" % st["email"].upper())


# Outlook's names for the zones: only the VTIMEZONE beside the events says
# what they mean.
VTIMEZONES = ("BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"
              "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\n"
              "TZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
              "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n"
              "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
              "END:VTIMEZONE\r\n"
              "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\n"
              "BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\n"
              "TZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
              "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\n"
              "TZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
              "END:VTIMEZONE\r\n")


def _calendar(*events):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook//EN\r\n"
            + VTIMEZONES + "".join(events) + "END:VCALENDAR\r\n")


def _vevent(uid, attendee, *lines):
    return ("BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Busy\r\n"
            "ATTENDEE;CN=Staff:mailto:%s\r\n%sEND:VEVENT\r\n"
            % (uid, attendee, "".join(line + "\r\n" for line in lines)))


def _ymd(day, hhmm=None):
    return day.strftime("%Y%m%d") + ("T" + hhmm.replace(":", "") + "00" if hhmm else "")


def case_events_other_clients_write(ctx, d):
    """Recurring (RRULE with EXDATE, RDATE, a moved instance), TZID and
    all-day events PUT as a calendar client does: a booking on any busy
    instance is a collision, on a free one it lands."""
    c = d.srv.admin
    cl, st, svc = _clinic(c, range(1, 8), "05:00", "20:00")
    mail = st["email"]
    day0 = next_weekday(1, min_ahead=14)  # a Monday
    days = [day0 + dt.timedelta(days=k) for k in range(22)]
    wtz = "TZID=W. Europe Standard Time"
    series = "series-%s@outlook" % helpers.unique("s")
    # Mondays 10:00-10:45 from two weeks before day0, six times; day0 + 7
    # is left out, day0 + 14 moved to 15:00; and once on Tuesday day0 + 1.
    master = _vevent(series, mail,
                     "DTSTART;%s:%s" % (wtz, _ymd(days[0] - dt.timedelta(days=14), "10:00")),
                     "DTEND;%s:%s" % (wtz, _ymd(days[0] - dt.timedelta(days=14), "10:45")),
                     "RRULE:FREQ=WEEKLY;COUNT=6",
                     "EXDATE;%s:%s" % (wtz, _ymd(days[7], "10:00")),
                     "RDATE;%s:%s" % (wtz, _ymd(days[1], "12:00")))
    override = _vevent(series, mail,
                       "RECURRENCE-ID;%s:%s" % (wtz, _ymd(days[14], "10:00")),
                       "DTSTART;%s:%s" % (wtz, _ymd(days[14], "15:00")),
                       "DTEND;%s:%s" % (wtz, _ymd(days[14], "15:45")))
    d.dav.put_event(d.cal, helpers.unique("series") + ".ics", _calendar(master, override))
    # 05:00-06:00 in New York on day0 + 2, written in Eastern time.
    ny = dt.datetime.combine(days[2], dt.time(5, 0), NEW_YORK).astimezone(BERLIN)
    d.dav.put_event(d.cal, helpers.unique("tz") + ".ics", _calendar(_vevent(
        helpers.unique("tz") + "@outlook", mail,
        "DTSTART;TZID=Eastern Standard Time:%s" % _ymd(days[2], "05:00"),
        "DTEND;TZID=Eastern Standard Time:%s" % _ymd(days[2], "06:00"))))
    # All of day0 + 3 off.
    d.dav.put_event(d.cal, helpers.unique("day") + ".ics", _calendar(_vevent(
        helpers.unique("day") + "@outlook", mail,
        "DTSTART;VALUE=DATE:%s" % _ymd(days[3]), "DTEND;VALUE=DATE:%s" % _ymd(days[4]))))
    p = make_patient(c, name=helpers.unique("Foreign"))
    cases = [  # (day, local time, busy?, what)
        (days[0], "10:15", True, "an instance of the series"),
        (days[7], "10:00", False, "the EXDATE'd instance"),
        (days[14], "10:00", False, "the moved instance's old time"),
        (days[14], "15:15", True, "the moved instance's new time"),
        (days[21], "09:30", False, "before the last instance"),
        (days[1], "12:15", True, "the RDATE instance"),
        (days[2], ny.strftime("%H:%M"), True, "the TZID event at its instant"),
        (days[2], "05:00", False, "the TZID time read as local"),
        (days[2], "06:00", False, "the TZID time read as UTC"),
        (days[3], "09:00", True, "the all-day event"),
        (days[3], "19:30", True, "the all-day event's evening"),
        (days[4], "09:00", False, "the day after the all-day event"),
    ]
    booked = [(book_ok(c, st["id"], [svc["id"]], local_iso(day, hhmm), p["id"]), busy, what)
              for day, hhmm, busy, what in cases]
    for b, busy, what in booked:
        rows = _settled(c, b["id"])
        issue = _issue_of(c, b["id"])
        there = d.dav.get_event(d.cal, event_name(d.srv, b["id"]))[0]
        if busy:
            eq((rows[0]["status"], [i["reason"] for i in issue], there),
               ("failed", ["collision"], 404), "%s is busy" % what)
        else:
            eq((rows[0]["status"], issue, there), ("sent", [], 200), "%s is free" % what)


def case_two_installations_share_one_diary(ctx, d):
    """Two installations (own databases, the same booking and staff ids)
    writing into one collection: distinct UIDs and resource names, created
    with If-None-Match: *, so neither overwrites nor deletes the other's
    events, nor reads the other's staff ids as its own."""
    cal = d.dav.make_calendar(helpers.unique("shared"))
    folder = os.path.join(d.scratch, helpers.unique("pair"))
    a = start_chairside(ctx, os.path.join(folder, "a"), d, cal)
    _extra.append(a)
    b = start_chairside(ctx, os.path.join(folder, "b"), d, cal)
    _extra.append(b)
    try:
        ia, ib = installation_id(a), installation_id(b)
        check(ia != ib, "installation ids differ: %s" % ia)
        day = next_weekday(3)
        made = {}
        for name, srv in (("a", a), ("b", b)):
            cl, st, svc = _clinic(srv.admin, [3])
            made[name] = (st, svc, make_patient(srv.admin))
        eq(made["a"][0]["id"], made["b"][0]["id"], "the same staff id in both")
        # Someone else's event where A's first booking would go: A must not
        # write over it.
        squat = _foreign_event("squatter@pms", local_iso(day, "16:00"), local_iso(day, "16:30"),
                               "X-CHAIRSIDE-STAFF:nobody")
        d.dav.put_event(cal, "booking-1-%s.ics" % ia, squat)

        def book(name, srv, hhmm):
            st, svc, p = made[name]
            return book_ok(srv.admin, st["id"], [svc["id"]], local_iso(day, hhmm), p["id"])

        a1 = book("a", a, "09:00")
        eq(a1["id"], 1, "A's first booking")
        eq([i["reason"] for i in rs.wait_until(lambda: _issue_of(a.admin, 1),
                                               what="A's first booking flagged")],
           ["collision"], "a foreign event under our name is a collision")
        check("UID:squatter@pms" in d.dav.get_event(cal, "booking-1-%s.ics" % ia)[1],
              "the foreign event was not overwritten")
        b1 = book("b", b, "09:00")
        a2, b2 = book("a", a, "11:00"), book("b", b, "11:00")
        eq((b1["id"], a2["id"], b2["id"]), (1, 2, 2), "the same booking ids")
        for srv, bk in ((b, b1), (a, a2), (b, b2)):
            eq([r["status"] for r in _settled(srv.admin, bk["id"])], ["sent"],
               "booking %d synced" % bk["id"])
            eq(_issue_of(srv.admin, bk["id"]), [], "no collision with the other installation")
        names = d.dav.event_names(cal)
        for iid, n in ((ib, 1), (ia, 2), (ib, 2)):
            check("booking-%d-%s.ics" % (n, iid) in names, "%d of %s in %r" % (n, iid, names))
        uids = {re.search(r"UID:(\S+)", d.dav.get_event(cal, n)[1]).group(1) for n in names}
        eq(len(uids), len(names), "distinct UIDs: %r" % uids)
        for n in ("booking-2-%s.ics" % ia, "booking-2-%s.ics" % ib):
            first = [r for r in d.proxy.seen("PUT", n)]
            eq(first[0]["headers"].get("if-none-match"), "*", "%s created with If-None-Match" % n)
        # B's cancel removes B's event only; A's move changes A's only.
        b.admin.post(API + "/bookings/2/cancel", {"reason": "x"}).expect(200)
        a.admin.patch(API + "/bookings/2", {"start": local_iso(day, "11:15")}).expect(200)
        for srv in (a, b):
            _settled(srv.admin, 2)
        eq(d.dav.get_event(cal, "booking-2-%s.ics" % ib)[0], 404, "B's event removed")
        status, ics = d.dav.get_event(cal, "booking-2-%s.ics" % ia)
        eq(status, 200, "A's event stays")
        check("DTSTART:%s" % _utc(local_iso(day, "11:15")) in ics, "A's event moved: %s" % ics)
        eq(d.dav.get_event(cal, "booking-1-%s.ics" % ib)[0], 200, "B's other event stays")
        _user_agents_ok(d)
        for srv in (a, b):
            eq(srv.stop(), 0, "an installation exits 0 on SIGTERM")
    finally:
        for srv in (a, b):
            srv.stop()
            _extra.remove(srv)


def case_unreachable_diary_alerts_then_clears(ctx, d):
    c = d.srv.admin
    c.patch(API + "/settings", {"sync_alert_after_s": 1}).expect(200)
    cl, st, svc = _clinic(c, [5])
    day = next_weekday(5)
    p = make_patient(c, name=helpers.unique("Unreachable"))
    d.dav.stop()
    try:
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
        issue = rs.wait_until(lambda: _issue_of(c, b["id"]), what="unreachable issue")[0]
        eq(issue["reason"], "unreachable", "reason")
        alert = d.smtp.wait_for(DESK, "unreachable: booking #%d " % b["id"])
        check("#%d" % b["id"] in rs.text_parts(alert[-1])[0], "alert names the booking")
        row = rs.notifications(c, booking_id=b["id"], channel="diary")[0]
        eq(row["status"], "queued", "diary row keeps retrying")
        check(row["attempts"] >= 1 and row["last_error"], "attempts and error: %r" % row)
        time.sleep(1.5)
        eq(len(d.smtp.to(DESK, "unreachable: booking #%d " % b["id"])), 1, "the alert is sent once")
    finally:
        d.dav.start()
        c.patch(API + "/settings", {"sync_alert_after_s": 300}).expect(200)
    rs.wait_until(lambda: d.dav.get_event(d.cal, event_name(d.srv, b["id"]))[0] == 200,
                  timeout=30, what="event inserted once the diary is back")
    rs.wait_until(lambda: not _issue_of(c, b["id"]), what="issue cleared")
    eq(rs.notifications(c, booking_id=b["id"], channel="diary")[0]["status"], "sent",
       "diary row sent")


def case_diary_password_is_write_only(ctx, d):
    s = d.srv.admin.get(API + "/settings").expect(200)
    check("diary_password" not in s, "diary_password returned: %r" % s)
    eq(s["diary_user"], rs.CalDav.USER, "diary_user")


def _each_server(case):
    def make(kind):
        def test(ctx):
            case(ctx, _diary(ctx, kind))
        test.__name__ = "test_%s_%s" % (kind, case.__name__[len("case_"):])
        test.__doc__ = case.__doc__
        return test
    return [make(kind) for kind in SERVERS]


for _case in (case_booking_lands_in_diary_moves_and_leaves, case_weak_etags_are_not_sent_back,
              case_collision_by_x_chairside_staff,
              case_collision_by_attendee, case_events_other_clients_write,
              case_two_installations_share_one_diary, case_unreachable_diary_alerts_then_clears,
              case_diary_password_is_write_only):
    for _test in _each_server(_case):
        globals()[_test.__name__] = _test


def test_unreachable_alert_on_time_whatever_the_backoff(ctx):
    """With the diary down and a backoff of minutes, the unreachable issue
    and its alert still come within seconds after sync_alert_after_s."""
    folder = rs.scratch_dir("chairside-alert-")
    smtp = rs.SmtpSink(os.path.join(folder, "mail")).start()
    srv = rs.Chairside(ctx.bin, folder, env={"CHAIRSIDE_OUTBOX_RETRY_MS": "120000",
                                              "CHAIRSIDE_OUTBOX_RETRY_MAX_MS": "3600000"}).start()
    _extra.append(srv)
    try:
        c = srv.admin
        after = 4
        c.patch(API + "/settings", {
            "allow_private_targets": True, "smtp_url": smtp.url,
            "mail_from": "clinic@chairside.test", "notification_email": DESK,
            # Nothing listens there: the diary is down.
            "diary_url": "http://127.0.0.1:%d/cal/" % helpers.free_port(),
            "sync_alert_after_s": after}).expect(200)
        cl, st, svc = _clinic(c, [2])
        p = make_patient(c)
        t0 = time.monotonic()
        b = book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(2), "09:00"), p["id"])
        first = rs.wait_until(lambda: [r for r in rs.notifications(c, booking_id=b["id"],
                                                                   channel="diary")
                                       if r["attempts"] >= 1], what="first attempt")[0]
        check(first["next_attempt_at"], "retry time: %r" % first)
        eq(_issue_of(c, b["id"]), [], "no issue before sync_alert_after_s")
        issue = rs.wait_until(lambda: _issue_of(c, b["id"]), timeout=after + 6,
                              what="unreachable issue")[0]
        t_issue = time.monotonic() - t0
        eq(issue["reason"], "unreachable", "reason")
        check(after - 1.5 <= t_issue <= after + 4, "issue after %.1fs (threshold %ds)"
              % (t_issue, after))
        smtp.wait_for(DESK, "unreachable: booking #%d " % b["id"], timeout=5)
        check(time.monotonic() - t0 <= after + 6, "alert mail within seconds of the threshold")
        row = rs.notifications(c, booking_id=b["id"], channel="diary")[0]
        eq((row["status"], row["attempts"]), ("queued", 2),
           "one try at the threshold, between the backoff's")
        eq(srv.stop(), 0, "chairside exits 0 on SIGTERM")
    finally:
        srv.stop()
        _extra.remove(srv)
        smtp.stop()
        rs.remove(folder)


def test_zy_every_diary_object_passes_libical_and_icalendar(ctx):
    """Every event the worker put into either diary in the tests above, as
    the server received it: libical's restriction check and
    python3-icalendar accept it as a plain calendar (no METHOD)."""
    items = []
    for kind, d in sorted(_env.items()):
        for r in d.proxy.seen("PUT"):
            if r["body"].startswith("BEGIN:VCALENDAR"):
                items.append(("%s %s" % (kind, r["path"]), r["body"], None))
    check(len(items) >= 2 * len(SERVERS), "diary objects recorded: %d" % len(items))
    for info in standards.check_calendars(items):
        eq(info["name"], "VCALENDAR", "a calendar")


def test_zz_servers_stop_cleanly(ctx):
    for d in _env.values():
        if d.srv:
            eq(d.srv.stop(), 0, "chairside exits 0 on SIGTERM")
            d.srv = None
    _stop_all()

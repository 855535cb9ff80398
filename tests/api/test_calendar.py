"""GET /calendar: one day of one location, per staff member its shifts and
its bookings, appointments and time off."""

import datetime as dt

from helpers import (API, BERLIN, Clinic, book_ok, check, eq, local_iso, make_patient,
                     make_service, make_staff, next_weekday, parse_ts, put_shifts, same_instant)
from zoneinfo import ZoneInfo


def _wall(value, day):
    """A shift bound as HH:MM, whether given as HH:MM or RFC 3339."""
    check(isinstance(value, str), "shift bound must be a string: %r" % (value,))
    if len(value) == 5:
        return value
    t = parse_ts(value).astimezone(ZoneInfo(BERLIN))
    eq(t.date(), day, "shift bound date of %r" % value)
    return t.strftime("%H:%M")


def test_calendar_day(ctx):
    c = ctx.admin
    day = next_weekday(1)
    cl = Clinic(c)
    st = cl.add_staff([(1, "09:00", "12:00"), (1, "14:00", "17:00"), (2, "09:00", "12:00")])
    elsewhere = Clinic(c)
    other = elsewhere.add_staff([(1, "09:00", "12:00")])
    svc = make_service(c, 30)
    pat = make_patient(c)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), pat["id"])
    book_ok(c, st["id"], [svc["id"]], local_iso(day + dt.timedelta(days=7), "09:00"), pat["id"])
    book_ok(c, other["id"], [svc["id"]], local_iso(day, "09:00"), pat["id"])
    a = c.post(API + "/appointments", {"patient_id": pat["id"], "staff_id": st["id"],
                                       "start": local_iso(day, "12:30"), "duration_min": 45,
                                       "notes": "", "share_with_patient": False}).expect(201)
    aid = a["occurrences"][0]["id"]
    to = c.post(API + "/staff/%d/time-off" % st["id"],
                {"start": local_iso(day, "15:00"), "end": local_iso(day, "16:00"),
                 "reason": "meeting"}).expect(201)

    cal = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id).expect(200)
    eq(cal.get("date"), str(day), "calendar date")
    eq(cal.get("timezone"), BERLIN, "calendar timezone")
    check(isinstance(cal.get("staff"), list), "calendar staff list: %r" % cal)
    ids = [s.get("id") for s in cal["staff"]]
    check(st["id"] in ids, "staff member missing from the calendar: %r" % ids)
    check(other["id"] not in ids, "staff of another location shown: %r" % ids)
    col = cal["staff"][ids.index(st["id"])]
    eq(col.get("name"), st["name"], "staff name")
    eq(sorted((_wall(s["start"], day), _wall(s["end"], day)) for s in col.get("shifts", [])),
       [("09:00", "12:00"), ("14:00", "17:00")], "that weekday's shifts")
    events = col.get("events")
    check(isinstance(events, list), "events list: %r" % col)
    by_kind = {}
    for e in events:
        by_kind.setdefault(e.get("kind"), []).append(e)
    eq(sorted(by_kind), ["appointment", "booking", "time_off"], "event kinds")
    eq([e["id"] for e in by_kind["booking"]], [b["id"]], "booking events (that day only)")
    eq([e["id"] for e in by_kind["appointment"]], [aid], "appointment events")
    eq([e["id"] for e in by_kind["time_off"]], [to["id"]], "time off events")
    be = by_kind["booking"][0]
    same_instant(be["start"], local_iso(day, "09:00"), "booking event start")
    same_instant(be["end"], local_iso(day, "09:30"), "booking event end")
    eq(be.get("status"), "confirmed", "booking event status")
    eq(be.get("patient"), {"id": pat["id"], "name": pat["name"]}, "booking event patient")
    check("title" in be, "event needs a title: %r" % be)
    ae = by_kind["appointment"][0]
    same_instant(ae["start"], local_iso(day, "12:30"), "appointment event start")
    same_instant(ae["end"], local_iso(day, "13:15"), "appointment event end")
    eq((ae.get("patient") or {}).get("id"), pat["id"], "appointment event patient")
    te = by_kind["time_off"][0]
    same_instant(te["start"], local_iso(day, "15:00"), "time off event start")
    same_instant(te["end"], local_iso(day, "16:00"), "time off event end")
    for e in events:
        eq(parse_ts(e["start"]).utcoffset(), parse_ts(local_iso(day, "09:00")).utcoffset(),
           "event times rendered in the location's zone: %r" % e)


def test_calendar_other_day_and_cancelled(ctx):
    c = ctx.admin
    day = next_weekday(3)
    cl = Clinic(c)
    st = cl.add_staff([(3, "09:00", "12:00")])
    svc = make_service(c, 30)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), make_patient(c)["id"])
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "x"}).expect(200)
    cal = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id).expect(200)
    col = [s for s in cal["staff"] if s["id"] == st["id"]]
    eq(len(col), 1, "staff column")
    live = [e for e in col[0]["events"] if e.get("status") != "cancelled"]
    eq(live, [], "a cancelled booking shows only as cancelled, if at all")
    nxt = c.get(API + "/calendar", date=str(day + dt.timedelta(days=1)),
                location_id=cl.loc_id).expect(200)
    for s in nxt["staff"]:
        if s["id"] == st["id"]:
            eq(s.get("shifts"), [], "no shifts on a day without them")
            eq(s.get("events"), [], "no events on the next day")


def test_calendar_validation(ctx):
    c = ctx.staff
    loc = Clinic(ctx.admin).loc_id
    c.get(API + "/calendar", location_id=loc).expect_problem(422)
    c.get(API + "/calendar", date="2026-13-01", location_id=loc).expect_problem(422)
    r = c.get(API + "/calendar", date=str(next_weekday(1)), location_id=999999)
    check(r.status in (404, 422), "unknown location: %s" % r.describe())
    ctx.client().get(API + "/calendar", date=str(next_weekday(1)),
                     location_id=loc).expect_problem(401)


def test_calendar_columns_are_the_locations_staff(ctx):
    """A column for each staff member linked to the location or with a shift
    there, and for no one else."""
    c = ctx.admin
    day = next_weekday(3)
    cl, elsewhere = Clinic(c), Clinic(c)
    linked = make_staff(c, [cl.loc_id])
    visiting = make_staff(c, [elsewhere.loc_id])
    put_shifts(c, visiting["id"], [(3, "10:00", "11:00", cl.loc_id)])
    away = elsewhere.add_staff([(3, "09:00", "12:00")])

    cal = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id).expect(200)
    cols = {s["id"]: s for s in cal["staff"]}
    check(linked["id"] in cols, "linked staff member without shifts missing: %r" % list(cols))
    eq(cols[linked["id"]].get("shifts"), [], "no shifts for the linked member")
    check(visiting["id"] in cols, "staff member with a shift here missing: %r" % list(cols))
    eq([(_wall(s["start"], day), _wall(s["end"], day)) for s in cols[visiting["id"]]["shifts"]],
       [("10:00", "11:00")], "the visiting member's shift here")
    check(away["id"] not in cols, "staff member of another location shown: %r" % list(cols))
    ids = [s["id"] for s in cal["staff"]]
    eq(ids, sorted(ids), "columns in staff order")

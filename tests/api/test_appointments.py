"""Appointments (actions, not invoiced): any time, overlap warnings,
recurrence that keeps local time across DST, cancel scopes, and
appointments as busy time for availability."""

import datetime as dt

from helpers import (API, Clinic, book, book_ok, check, clinic_with_staff, eq, grid, local_iso,
                     make_action, make_patient, make_service, minutes_between, next_last_sunday,
                     next_weekday, same_instant, slots_of, starts, today)


def _create(c, patient_id, start, duration=30, **fields):
    body = {"patient_id": patient_id, "start": start, "duration_min": duration,
            "notes": fields.pop("notes", ""), "share_with_patient": False}
    body.update(fields)
    return c.post(API + "/appointments", body)


def _create_ok(c, patient_id, start, duration=30, **fields):
    r = _create(c, patient_id, start, duration, **fields)
    body = r.expect(201)
    check(isinstance(body, dict), "appointment answer: %s" % r.describe())
    for key in ("id", "series_id", "occurrences", "warnings"):
        check(key in body, "appointment answer lacks %s: %r" % (key, body))
    check(isinstance(body["occurrences"], list) and body["occurrences"],
          "occurrences: %r" % body)
    check(isinstance(body["warnings"], list), "warnings must be a list: %r" % body)
    for o in body["occurrences"]:
        check(isinstance(o.get("id"), int), "occurrence id: %r" % o)
        eq(minutes_between(o["start"], o["end"]), duration, "occurrence length %r" % o)
    return body


def _status(c, appt_id):
    body = c.get(API + "/appointments/%d" % appt_id).expect(200)
    check(isinstance(body, dict) and body.get("status"), "appointment needs a status: %r" % body)
    return body["status"]


def test_any_time_outside_shifts(ctx):
    c = ctx.staff
    day = next_weekday(1)
    _, st = clinic_with_staff(ctx.admin, 1, "09:00", "12:00")
    action = make_action(ctx.admin, "Consultation")
    p = make_patient(c)
    a = _create_ok(c, p["id"], local_iso(day, "20:00"), 45, staff_id=st["id"],
                   action_id=action["id"], notes="after hours", share_with_patient=True)
    eq(len(a["occurrences"]), 1, "one occurrence without recurrence")
    occ = a["occurrences"][0]
    eq(occ["start"], local_iso(day, "20:00"), "start rendered in the location's zone")
    eq(occ["end"], local_iso(day, "20:45"), "end")
    eq(a["warnings"], [], "no warnings for a free time")
    got = c.get(API + "/appointments/%d" % occ["id"]).expect(200)
    eq((got.get("id"), got.get("patient_id"), got.get("staff_id"), got.get("action_id")),
       (occ["id"], p["id"], st["id"], action["id"]), "GET appointment")
    same_instant(got["start"], local_iso(day, "20:00"), "GET appointment start")
    eq(got.get("notes"), "after hours", "notes")
    eq(got.get("share_with_patient"), True, "share_with_patient")
    # On a day without any shift, and without a staff member at all.
    _create_ok(c, p["id"], local_iso(day + dt.timedelta(days=6), "07:00"), 30, staff_id=st["id"])
    _create_ok(c, p["id"], local_iso(day, "08:00"), 30)


def test_overlap_with_booking_is_a_warning(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "12:00")
    svc = make_service(c, 30)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p)
    a = _create_ok(c, p, local_iso(day, "10:15"), 30, staff_id=st["id"])
    check(len(a["warnings"]) >= 1, "overlap with a booking should warn: %r" % a)
    # Overlapping another appointment warns too; a free time does not.
    b = _create_ok(c, p, local_iso(day, "10:30"), 30, staff_id=st["id"])
    check(len(b["warnings"]) >= 1, "overlap with an appointment should warn: %r" % b)
    free = _create_ok(c, p, local_iso(day, "11:30"), 30, staff_id=st["id"])
    eq(free["warnings"], [], "no warning without overlap")
    items = c.get(API + "/appointments", staff_id=st["id"], **{
        "from": str(day), "to": str(day)}).expect(200)["items"]
    eq(len(items), 3, "all three appointments were stored")


def test_appointment_blocks_availability(ctx):
    c = ctx.admin
    day = next_weekday(3)
    _, st = clinic_with_staff(c, 3, "09:00", "12:00")
    svc = make_service(c, 30)
    p = make_patient(c)["id"]
    a = _create_ok(c, p, local_iso(day, "10:00"), 60, staff_id=st["id"])
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
       grid(day, "09:00", "09:30") + grid(day, "11:00", "11:30"),
       "slots around an appointment")
    book(c, st["id"], [svc["id"]], local_iso(day, "10:30"), p).expect_problem(409)
    c.post(API + "/appointments/%d/cancel" % a["occurrences"][0]["id"],
           {"scope": "this"}).expect(200)
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])), grid(day, "09:00", "11:30"),
       "a cancelled appointment does not block")


def _next_dst_change(min_ahead=21):
    """The first Berlin DST day (last Sunday of March or October) at least
    min_ahead days away."""
    return min(next_last_sunday(3, min_ahead), next_last_sunday(10, min_ahead))


def test_weekly_recurrence_keeps_local_time_across_dst(ctx):
    c = ctx.admin
    change = _next_dst_change()
    first = change - dt.timedelta(days=20)  # a Monday three weeks before
    until = first + dt.timedelta(days=35)
    cl = Clinic(c)
    st = cl.add_staff([(1, "09:00", "12:00")])
    p = make_patient(c)["id"]
    a = _create_ok(c, p, local_iso(first, "09:00"), 30, staff_id=st["id"],
                   recurrence={"every": "week", "interval": 1, "until": str(until)})
    want = [local_iso(first + dt.timedelta(days=7 * i), "09:00") for i in range(6)]
    eq([o["start"] for o in a["occurrences"]], want,
       "weekly occurrences at local 09:00 across the DST change")
    check(want[0][-6:] != want[-1][-6:], "the series must span a DST change: %r" % want)
    check(isinstance(a["series_id"], int), "a series needs a series_id: %r" % a)
    eq(len({o["id"] for o in a["occurrences"]}), 6, "distinct occurrence ids")
    for o in a["occurrences"]:
        got = c.get(API + "/appointments/%d" % o["id"]).expect(200)
        eq(got.get("series_id"), a["series_id"], "occurrence series_id")
    listed = c.get(API + "/appointments", staff_id=st["id"], **{
        "from": str(first), "to": str(until)}).expect(200)["items"]
    eq(sorted(i["id"] for i in listed), sorted(o["id"] for o in a["occurrences"]),
       "GET /appointments lists the series")
    # `until` is inclusive: one day less drops the last occurrence.
    b = _create_ok(c, p, local_iso(first, "11:00"), 30, staff_id=st["id"],
                   recurrence={"every": "week", "interval": 1,
                               "until": str(until - dt.timedelta(days=1))})
    eq(len(b["occurrences"]), 5, "occurrences with until one day earlier")


def test_recurrence_intervals(ctx):
    c = ctx.admin
    _, st = clinic_with_staff(c, 1)
    p = make_patient(c)["id"]
    start = next_weekday(2, 10)
    a = _create_ok(c, p, local_iso(start, "15:00"), 30, staff_id=st["id"],
                   recurrence={"every": "day", "interval": 2,
                               "until": str(start + dt.timedelta(days=10))})
    eq([o["start"] for o in a["occurrences"]],
       [local_iso(start + dt.timedelta(days=2 * i), "15:00") for i in range(6)],
       "every 2 days for 10 days")
    first = dt.date(today().year + 1, 1, 10)
    m = _create_ok(c, p, local_iso(first, "08:00"), 30, staff_id=st["id"],
                   recurrence={"every": "month", "interval": 1,
                               "until": str(dt.date(first.year, 6, 10))})
    eq([o["start"] for o in m["occurrences"]],
       [local_iso(dt.date(first.year, mo, 10), "08:00") for mo in range(1, 7)],
       "monthly on the 10th, local 08:00 in winter and summer")
    w = _create_ok(c, p, local_iso(start, "16:00"), 30, staff_id=st["id"],
                   recurrence={"every": "week", "interval": 2,
                               "until": str(start + dt.timedelta(days=29))})
    eq(len(w["occurrences"]), 3, "every 2 weeks for 29 days")


def _live(c, ids):
    return [i for i in ids if _status(c, i) != "cancelled"]


def _count_field(body):
    if not isinstance(body, dict):
        return None
    for key in ("cancelled", "n_cancelled", "cancelled_count", "count"):
        if isinstance(body.get(key), int) and not isinstance(body.get(key), bool):
            return body[key]
    return None


def test_cancel_scopes(ctx):
    c = ctx.admin
    cl = Clinic(c)
    st = cl.add_staff([(4, "09:00", "12:00")])
    p = make_patient(c)["id"]
    first = next_weekday(4, 10)
    a = _create_ok(c, p, local_iso(first, "09:00"), 30, staff_id=st["id"],
                   recurrence={"every": "week", "interval": 1,
                               "until": str(first + dt.timedelta(days=35))})
    ids = [o["id"] for o in a["occurrences"]]
    eq(len(ids), 6, "occurrences")

    r = c.post(API + "/appointments/%d/cancel" % ids[1], {"scope": "this"})
    body = r.expect(200)
    if _count_field(body) is not None:
        eq(_count_field(body), 1, "scope this: cancelled count")
    eq(_live(c, ids), [ids[0]] + ids[2:], "after cancelling one occurrence")

    body = c.post(API + "/appointments/%d/cancel" % ids[3], {"scope": "following"}).expect(200)
    if _count_field(body) is not None:
        eq(_count_field(body), 3, "scope following: cancelled count")
    eq(_live(c, ids), [ids[0], ids[2]], "after cancelling the following ones")

    c.post(API + "/appointments/%d/cancel" % ids[0], {"scope": "series"}).expect(200)
    eq(_live(c, ids), [], "after cancelling the series")

    # Cancelling a whole series from its middle takes every occurrence.
    b = _create_ok(c, p, local_iso(first, "11:00"), 30, staff_id=st["id"],
                   recurrence={"every": "week", "interval": 1,
                               "until": str(first + dt.timedelta(days=14))})
    bids = [o["id"] for o in b["occurrences"]]
    body = c.post(API + "/appointments/%d/cancel" % bids[1], {"scope": "series"}).expect(200)
    if _count_field(body) is not None:
        eq(_count_field(body), 3, "scope series: cancelled count")
    eq(_live(c, bids), [], "series cancelled from its middle")
    r = c.post(API + "/appointments/%d/cancel" % bids[0], {"scope": "sometimes"})
    r.expect_problem(422)
    c.post(API + "/appointments/999999/cancel", {"scope": "this"}).expect_problem(404)


def test_patch_appointment(ctx):
    c = ctx.admin
    day = next_weekday(5)
    _, st = clinic_with_staff(c, 5)
    p = make_patient(c)["id"]
    a = _create_ok(c, p, local_iso(day, "09:00"), 30, staff_id=st["id"])
    aid = a["occurrences"][0]["id"]
    r = c.patch(API + "/appointments/%d" % aid, {"start": local_iso(day, "13:00"),
                                                 "duration_min": 50, "notes": "moved"})
    r.expect(200)
    got = c.get(API + "/appointments/%d" % aid).expect(200)
    same_instant(got["start"], local_iso(day, "13:00"), "patched start")
    same_instant(got["end"], local_iso(day, "13:50"), "patched end")
    eq(got.get("notes"), "moved", "patched notes")
    c.patch(API + "/appointments/999999", {"notes": "x"}).expect_problem(404)
    c.get(API + "/appointments/999999").expect_problem(404)


def test_appointment_validation(ctx):
    c = ctx.admin
    day = next_weekday(1)
    p = make_patient(c)["id"]
    for body in ({"patient_id": p, "duration_min": 30},
                 {"patient_id": p, "start": "tomorrow", "duration_min": 30},
                 {"patient_id": p, "start": local_iso(day, "09:00"), "duration_min": 0},
                 {"patient_id": p, "start": local_iso(day, "09:00"), "duration_min": 30,
                  "recurrence": {"every": "year", "interval": 1, "until": str(day)}},
                 {"patient_id": p, "start": local_iso(day, "09:00"), "duration_min": 30,
                  "recurrence": {"every": "week", "interval": 1,
                                 "until": str(day - dt.timedelta(days=1))}}):
        r = c.post(API + "/appointments", body)
        r.expect_problem(422)
    r = _create(c, 999999, local_iso(day, "09:00"))
    check(r.status in (404, 422), "unknown patient: %s" % r.describe())
    r = c.post(API + "/appointments", {"patient_id": p, "start": local_iso(day, "09:00")},
               csrf=False)
    r.expect_problem(403)
    ctx.client().get(API + "/appointments").expect_problem(401)

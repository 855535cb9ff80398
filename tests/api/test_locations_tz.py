"""A location's time zone changes only as the admin says: with future
bookings there, a new zone is refused (409 naming how many) unless the
request keeps their local clock times (the instants move) or their
instants (the local times change)."""

from helpers import (API, BERLIN, book_ok, check, clinic_with_staff, eq, expect_field_error,
                     local_iso, make_location, make_patient, make_service, next_weekday,
                     same_instant)

LONDON = "Europe/London"


def _clinic_with_two_bookings(ctx):
    a = ctx.admin
    svc = make_service(a, 30)
    cl, st = clinic_with_staff(a, 3, "08:00", "18:00", service_ids=[svc["id"]])
    day = next_weekday(3, 14)  # December: Berlin +01:00, London +00:00
    p = make_patient(a)
    # Back to back, so moving them one by one could collide with each other.
    first = book_ok(a, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    second = book_ok(a, st["id"], [svc["id"]], local_iso(day, "09:30"), p["id"])
    gone = book_ok(a, st["id"], [svc["id"]], local_iso(day, "11:00"), p["id"])
    a.post(API + "/bookings/%d/cancel" % gone["id"], {"reason": "test"}).expect(200)
    return cl, st, svc, day, first, second


def _start(ctx, booking_id):
    return ctx.admin.get(API + "/bookings/%d" % booking_id).expect(200)["start"]


def test_zone_change_refused_while_future_bookings_exist(ctx):
    a = ctx.admin
    cl, st, svc, day, first, second = _clinic_with_two_bookings(ctx)
    path = API + "/locations/%d" % cl.loc_id
    r = a.patch(path, {"timezone": LONDON})
    body = r.expect_problem(409)
    check("2 future bookings" in body["detail"], "409 names how many: %r" % body)
    check("wall_time" in body["detail"] and "instant" in body["detail"],
          "409 says what to send: %r" % body)
    expect_field_error(a.patch(path, {"timezone": LONDON, "keep": "both"}), "keep")
    expect_field_error(a.patch(path, {"timezone": "Mars/Olympus", "keep": "instant"}),
                       "timezone")
    eq(a.get(path).expect(200)["timezone"], BERLIN, "the zone did not change")
    eq(ctx.sql_rows("SELECT timezone FROM locations WHERE id = ?", (cl.loc_id,)), [(BERLIN,)],
       "nor in the database")
    eq((_start(ctx, first["id"]), _start(ctx, second["id"])), (first["start"], second["start"]),
       "the bookings did not move")
    # Other fields change without a word; so does the zone of a location
    # with no future bookings.
    eq(a.patch(path, {"name": "Renamed", "timezone": BERLIN}).expect(200)["name"], "Renamed",
       "same zone: no question asked")
    empty = make_location(a)
    moved = a.patch(API + "/locations/%d" % empty["id"], {"timezone": LONDON}).expect(200)
    eq((moved["timezone"], moved["future_bookings"]), (LONDON, 0), "no bookings: it just changes")
    ctx.staff.patch(path, {"timezone": LONDON, "keep": "instant"}).expect_problem(403)


def test_zone_change_keeping_wall_time_moves_instants(ctx):
    a = ctx.admin
    cl, st, svc, day, first, second = _clinic_with_two_bookings(ctx)
    r = a.patch(API + "/locations/%d" % cl.loc_id, {"timezone": LONDON, "keep": "wall_time"})
    body = r.expect(200)
    eq((body["timezone"], body["future_bookings"], body["bookings_moved"]), (LONDON, 2, 2),
       "both future bookings moved")
    eq(_start(ctx, first["id"]), local_iso(day, "09:00", LONDON), "09:00 stays 09:00, in London")
    eq(_start(ctx, second["id"]), local_iso(day, "09:30", LONDON), "09:30 stays 09:30")
    b = a.get(API + "/bookings/%d" % second["id"]).expect(200)
    same_instant(b["end"], local_iso(day, "10:00", LONDON), "the duration is kept")
    rows = ctx.sql_rows("SELECT start_at FROM bookings WHERE id IN (?, ?) ORDER BY start_at",
                        (first["id"], second["id"]))
    eq([r[0] for r in rows],
       [int(local_dt_ts(day, "09:00", LONDON)), int(local_dt_ts(day, "09:30", LONDON))],
       "the stored instants moved by an hour")
    hist = a.get(API + "/bookings/%d/history" % first["id"]).expect(200)["items"]
    last = hist[-1]
    eq(last["action"], "timezone_changed", "history names the zone change")
    check(BERLIN in str(last["changes"]) and LONDON in str(last["changes"]),
          "history shows old and new zone: %r" % last)
    # The new zone's grid: the freed 08:00 London (09:00 Berlin) is free again.
    slots = a.get(API + "/availability", service_ids=[svc["id"]], staff_id=st["id"],
                  **{"from": str(day), "to": str(day)}).expect(200)["slots"]
    starts = [s["start"] for s in slots]
    check(local_iso(day, "09:00", LONDON) not in starts, "09:00 London is taken: %r" % starts)
    check(local_iso(day, "08:30", LONDON) in starts, "08:30 London is free: %r" % starts)


def test_zone_change_keeping_instants_changes_local_times(ctx):
    a = ctx.admin
    cl, st, svc, day, first, second = _clinic_with_two_bookings(ctx)
    body = a.patch(API + "/locations/%d" % cl.loc_id,
                   {"timezone": LONDON, "keep": "instant"}).expect(200)
    eq((body["timezone"], body["future_bookings"], body["bookings_moved"]), (LONDON, 2, 0),
       "nothing moved")
    eq(_start(ctx, first["id"]), local_iso(day, "08:00", LONDON), "09:00 Berlin is 08:00 London")
    same_instant(_start(ctx, second["id"]), second["start"], "the instant is kept")
    last = a.get(API + "/bookings/%d/history" % first["id"]).expect(200)["items"][-1]
    eq(last["action"], "timezone_changed", "history records the new local time")


def local_dt_ts(day, hhmm, tz):
    from helpers import local_dt
    return local_dt(day, hhmm, tz).timestamp()

"""GET /availability against the rules of availability (design.md):
shifts in the location's zone, the clock-aligned grid, durations, buffers,
busy time, notice and advance windows, assigned services, DST days and the
answer's order."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

from helpers import (API, BERLIN, Client, Clinic, availability, book, book_ok, check,
                     clinic_with_staff, eq, expect_field_error, get_settings, grid, local_iso,
                     make_patient, make_service, minutes_between, next_last_sunday,
                     next_weekday, parse_ts, same_instant, settings_changed, slots_of, starts,
                     today)


def _expect_slots(slots, staff_id, want_starts, duration):
    got = starts(slots, staff_id)
    eq(got, want_starts, "slot starts of staff %d" % staff_id)
    for s in slots:
        eq(minutes_between(s["start"], s["end"]), duration, "slot length of %r" % s)


def test_exact_slots_30min_divider_15(ctx):
    c = ctx.admin
    day = next_weekday(1)
    _, st = clinic_with_staff(c, 1, "09:00", "12:00")
    svc = make_service(c, 30)
    body = availability(c, [svc["id"]], day, staff_id=st["id"]).expect(200)
    eq(body.get("duration_min"), 30, "duration_min")
    want = grid(day, "09:00", "11:30")
    eq(len(want), 11, "expected slot count")
    eq([s.get("start") for s in body["slots"]], want, "slot starts (local zone offsets)")
    for s in body["slots"]:
        eq(s.get("staff_id"), st["id"], "slot staff_id")
        same_instant(s["end"], (parse_ts(s["start"]) + dt.timedelta(minutes=30)).isoformat(),
                     "slot end")
    # Other weekdays of a wider range have nothing; `to` is inclusive.
    week = slots_of(c, [svc["id"]], day - dt.timedelta(days=3), day, staff_id=st["id"])
    eq(starts(week), want, "a range ending on the shift's day (to inclusive)")
    eq(slots_of(c, [svc["id"]], day + dt.timedelta(days=1), day + dt.timedelta(days=6),
                staff_id=st["id"]), [], "no slots on days without shifts")


def test_offset_follows_date(ctx):
    c = ctx.admin
    _, st = clinic_with_staff(c, 1, "09:00", "10:00")
    svc = make_service(c, 30)
    summer = next_last_sunday(3) + dt.timedelta(days=1)   # a Monday in CEST
    winter = next_last_sunday(10) + dt.timedelta(days=1)  # a Monday in CET
    eq(starts(slots_of(c, [svc["id"]], summer, staff_id=st["id"])),
       ["%sT09:00:00+02:00" % summer, "%sT09:15:00+02:00" % summer,
        "%sT09:30:00+02:00" % summer], "summer slots")
    eq(starts(slots_of(c, [svc["id"]], winter, staff_id=st["id"])),
       ["%sT09:00:00+01:00" % winter, "%sT09:15:00+01:00" % winter,
        "%sT09:30:00+01:00" % winter], "winter slots")


def test_shift_in_other_zone_and_local_grid(ctx):
    # Kathmandu is UTC+05:45: a 20-minute grid on the local clock is not
    # one on the UTC clock, so this catches a grid measured in UTC.
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "10:30", tz="Asia/Kathmandu")
    svc = make_service(c, 30)
    with settings_changed(c, booking_time_divider_min=20):
        got = starts(slots_of(c, [svc["id"]], day, staff_id=st["id"]))
    eq(got, ["%sT%s:00+05:45" % (day, t) for t in ("09:00", "09:20", "09:40", "10:00")],
       "20-minute local grid in Asia/Kathmandu")


def test_grid_aligned_to_clock_not_shift(ctx):
    c = ctx.admin
    day = next_weekday(3)
    _, st = clinic_with_staff(c, 3, "09:10", "10:20")
    svc = make_service(c, 30)
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
       grid(day, "09:15", "09:45"), "slots on the :00/:15/:30/:45 grid inside 09:10-10:20")


def test_multi_service_durations_add_up(ctx):
    c = ctx.admin
    day = next_weekday(1)
    _, st = clinic_with_staff(c, 1, "09:00", "12:00")
    a, b = make_service(c, 30), make_service(c, 45)
    body = availability(c, [a["id"], b["id"]], day, staff_id=st["id"]).expect(200)
    eq(body.get("duration_min"), 75, "duration_min of two services")
    _expect_slots(body["slots"], st["id"], grid(day, "09:00", "10:45"), 75)


def test_buffers_around_existing_booking(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "12:00")
    plain = make_service(c, 30)
    buffered = make_service(c, 30, buffer_before_min=15, buffer_after_min=15)
    patient = make_patient(c)
    book_ok(c, st["id"], [plain["id"]], local_iso(day, "10:00"), patient["id"])
    # Without buffers only starts that overlap 10:00-10:30 go.
    eq(starts(slots_of(c, [plain["id"]], day, staff_id=st["id"])),
       grid(day, "09:00", "09:30") + grid(day, "10:30", "11:30"), "plain service slots")
    # [t-15, t+45) must stay clear of 10:00-10:30; buffers may leave the shift.
    eq(starts(slots_of(c, [buffered["id"]], day, staff_id=st["id"])),
       grid(day, "09:00", "09:15") + grid(day, "10:45", "11:30"), "buffered service slots")


def test_time_off_removes_slots(ctx):
    c = ctx.admin
    day = next_weekday(4)
    _, st = clinic_with_staff(c, 4, "09:00", "12:00")
    svc = make_service(c, 30)
    path = API + "/staff/%d/time-off" % st["id"]
    to = c.post(path, {"start": local_iso(day, "10:00"), "end": local_iso(day, "11:00"),
                       "reason": "training"}).expect(201)
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
       grid(day, "09:00", "09:30") + grid(day, "11:00", "11:30"), "slots around time off")
    r = book(c, st["id"], [svc["id"]], local_iso(day, "10:15"), make_patient(c)["id"])
    r.expect_problem(409)
    c.delete(path + "/%d" % to["id"]).expect(200)
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])), grid(day, "09:00", "11:30"),
       "slots after deleting the time off")


def test_staff_filter_and_order(ctx):
    c = ctx.admin
    day = next_weekday(5)
    cl = Clinic(c)
    a = cl.add_staff([(5, "09:00", "10:00")])
    b = cl.add_staff([(5, "09:15", "10:30")])
    check(a["id"] < b["id"], "staff ids ascend")
    svc = make_service(c, 30)
    slots = slots_of(c, [svc["id"]], day, location_id=cl.loc_id)
    got = [(s["start"], s["staff_id"]) for s in slots]
    t = lambda hhmm: local_iso(day, hhmm)  # noqa: E731
    eq(got, [(t("09:00"), a["id"]), (t("09:15"), a["id"]), (t("09:15"), b["id"]),
             (t("09:30"), a["id"]), (t("09:30"), b["id"]), (t("09:45"), b["id"]),
             (t("10:00"), b["id"])], "slots ordered by start then staff_id")
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=b["id"])), grid(day, "09:15", "10:00"),
       "staff_id filter")
    check(all(s["staff_id"] == b["id"] for s in slots_of(c, [svc["id"]], day,
                                                          staff_id=b["id"])),
          "staff_id filter returned other staff")


def test_order_across_days(ctx):
    c = ctx.admin
    mon = next_weekday(1)
    cl = Clinic(c)
    a = cl.add_staff([(1, "09:00", "09:30"), (2, "09:00", "09:30")])
    b = cl.add_staff([(1, "09:00", "09:30"), (2, "08:00", "08:30")])
    svc = make_service(c, 30)
    tue = mon + dt.timedelta(days=1)
    got = [(s["start"], s["staff_id"]) for s in
           slots_of(c, [svc["id"]], mon, tue, location_id=cl.loc_id)]
    eq(got, [(local_iso(mon, "09:00"), a["id"]), (local_iso(mon, "09:00"), b["id"]),
             (local_iso(tue, "08:00"), b["id"]), (local_iso(tue, "09:00"), a["id"])],
       "order by start across days and staff")


def test_not_bookable_staff_has_no_slots(ctx):
    c = ctx.admin
    day = next_weekday(1)
    cl = Clinic(c)
    st = cl.add_staff([(1, "09:00", "12:00")], bookable=False)
    eq(st.get("bookable"), False, "bookable")
    svc = make_service(c, 30)
    eq(slots_of(c, [svc["id"]], day, staff_id=st["id"]), [], "slots of a non-bookable member")
    p = book(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    p.expect_problem(409)
    c.patch(API + "/staff/%d" % st["id"], {"bookable": True}).expect(200)
    eq(len(slots_of(c, [svc["id"]], day, staff_id=st["id"])), 11, "slots once bookable")


def _all_week_clinic(c):
    cl = Clinic(c)
    st = cl.add_staff([(w, "09:00", "12:00") for w in range(1, 8)])
    return cl, st


def _days_with_slots(slots):
    return sorted({parse_ts(s["start"]).astimezone(ZoneInfo(BERLIN)).date() for s in slots})


def test_min_notice(ctx):
    c = ctx.admin
    _, st = _all_week_clinic(c)
    svc = make_service(c, 30)
    start, end = today() + dt.timedelta(days=6), today() + dt.timedelta(days=14)
    eq(len(_days_with_slots(slots_of(c, [svc["id"]], start, end, staff_id=st["id"]))), 9,
       "days with slots before the notice setting")
    notice_min = 10 * 24 * 60
    with settings_changed(c, min_notice_min=notice_min) as s:
        eq(s.get("min_notice_min"), notice_min, "min_notice_min")
        now = time.time()
        slots = slots_of(c, [svc["id"]], start, end, staff_id=st["id"])
        for sl in slots:
            check(parse_ts(sl["start"]).timestamp() >= now + notice_min * 60 - 120,
                  "slot %s inside the minimum notice" % sl["start"])
        days = _days_with_slots(slots)
        check(days and days[0] >= today() + dt.timedelta(days=10),
              "first day with slots: %r" % days[:1])
        for d in range(11, 15):
            check(today() + dt.timedelta(days=d) in days, "no slots %d days ahead" % d)
        early = today() + dt.timedelta(days=8)
        p = book(c, st["id"], [svc["id"]], local_iso(early, "09:00"),
                 make_patient(c)["id"]).expect_problem(409)
        check("notice" in p["detail"], "409 detail should mention the notice: %r" % p)


def test_max_advance(ctx):
    c = ctx.admin
    _, st = _all_week_clinic(c)
    svc = make_service(c, 30)
    start, end = today() + dt.timedelta(days=6), today() + dt.timedelta(days=14)
    with settings_changed(c, max_advance_days=10) as s:
        eq(s.get("max_advance_days"), 10, "max_advance_days")
        now = time.time()
        slots = slots_of(c, [svc["id"]], start, end, staff_id=st["id"])
        for sl in slots:
            check(parse_ts(sl["start"]).timestamp() <= now + 10 * 86400 + 120,
                  "slot %s beyond the maximum advance" % sl["start"])
        days = _days_with_slots(slots)
        for d in range(6, 10):
            check(today() + dt.timedelta(days=d) in days, "no slots %d days ahead" % d)
        check(days[-1] <= today() + dt.timedelta(days=10), "last day with slots: %r" % days[-1:])
        late = today() + dt.timedelta(days=12)
        p = book(c, st["id"], [svc["id"]], local_iso(late, "09:00"),
                 make_patient(c)["id"]).expect_problem(409)
        check("advance" in p["detail"], "409 detail should mention the advance limit: %r" % p)


def test_assign_services_to_staff(ctx):
    c = ctx.admin
    day = next_weekday(3)
    svc, other = make_service(c, 30), make_service(c, 30)
    cl = Clinic(c)
    yes = cl.add_staff([(3, "09:00", "10:00")], service_ids=[svc["id"]])
    no = cl.add_staff([(3, "09:00", "10:00")], service_ids=[other["id"]])
    both = {s["staff_id"] for s in slots_of(c, [svc["id"]], day, location_id=cl.loc_id)}
    eq(both, {yes["id"], no["id"]}, "setting off: every bookable member offers the service")
    with settings_changed(c, assign_services_to_staff=True):
        got = slots_of(c, [svc["id"]], day, location_id=cl.loc_id)
        eq({s["staff_id"] for s in got}, {yes["id"]}, "setting on: only assigned staff")
        eq(starts(got), grid(day, "09:00", "09:30"), "assigned member's slots")
        r = availability(c, [svc["id"], other["id"]], day, location_id=cl.loc_id)
        expect_field_error(r, "service_ids")
        p = book(c, no["id"], [svc["id"]], local_iso(day, "09:00"),
                 make_patient(c)["id"]).expect_problem(409)
        check("assigned" in p["detail"], "409 detail should say not assigned: %r" % p)


def test_visitor_learns_which_staff_provide_a_service(ctx):
    # The portal offers a patient only the staff who provide the chosen
    # service: a visitor must see the setting and each member's services.
    c = ctx.admin
    day = next_weekday(3)
    svc, other = make_service(c, 30), make_service(c, 30)
    cl = Clinic(c)
    yes = cl.add_staff([(3, "09:00", "10:00")], service_ids=[svc["id"]])
    no = cl.add_staff([(3, "09:00", "10:00")], service_ids=[other["id"]])
    visitor = Client(ctx.port)
    eq(get_settings(visitor).get("assign_services_to_staff"), False, "public setting when off")
    with settings_changed(c, assign_services_to_staff=True):
        eq(get_settings(visitor).get("assign_services_to_staff"), True, "public setting when on")
        listed = {s["id"]: s for s in visitor.get(API + "/staff", limit=500).expect(200)["items"]}
        eq(listed[yes["id"]].get("service_ids"), [svc["id"]], "visitor sees the member's services")
        eq(listed[no["id"]].get("service_ids"), [other["id"]], "and the other member's")
        check("email" not in listed[yes["id"]], "a visitor does not see staff e-mails")
        # The member without the service has no times for it, which is
        # why the portal must not offer them.
        eq(slots_of(visitor, [svc["id"]], day, staff_id=no["id"]), [], "no times with him")
        eq({s["staff_id"] for s in slots_of(visitor, [svc["id"]], day, location_id=cl.loc_id)},
           {yes["id"]}, "any staff: only the assigned member")


def test_book_one_service_only(ctx):
    c = ctx.admin
    day = next_weekday(3)
    _, st = clinic_with_staff(c, 3)
    a, b = make_service(c, 30), make_service(c, 30)
    with settings_changed(c, book_one_service_only=True):
        expect_field_error(availability(c, [a["id"], b["id"]], day, staff_id=st["id"]),
                           "service_ids")
        eq(len(slots_of(c, [a["id"]], day, staff_id=st["id"])), 11, "one service is fine")
        p = book(c, st["id"], [a["id"], b["id"]], local_iso(day, "09:00"),
                 make_patient(c)["id"])
        check(p.status in (409, 422), "booking two services: %s" % p.describe())
        p.expect_problem(p.status)
    eq(availability(c, [a["id"], b["id"]], day, staff_id=st["id"]).status, 200,
       "two services once the setting is off")


def test_query_validation(ctx):
    c = ctx.admin
    svc = make_service(c, 30)
    d = next_weekday(1)
    expect_field_error(availability(c, [svc["id"]], d, d + dt.timedelta(days=62)), "to")
    eq(availability(c, [svc["id"]], d, d + dt.timedelta(days=61)).status, 200,
       "62 days (to inclusive) are allowed")
    expect_field_error(availability(c, [svc["id"]], d, d - dt.timedelta(days=1)), "to")
    expect_field_error(c.get(API + "/availability", **{"from": str(d), "to": str(d)}),
                       "service_ids")
    expect_field_error(c.get(API + "/availability", service_ids=svc["id"],
                             **{"from": "2026-02-30", "to": str(d)}), "from")
    expect_field_error(availability(c, [999999], d), "service_ids")
    expect_field_error(c.get(API + "/availability", service_ids="1,x", **{"from": str(d),
                                                                         "to": str(d)}),
                       "service_ids")


def _dst_clinic(c):
    _, st = clinic_with_staff(c, 7, "00:00", "04:00")
    return st, make_service(c, 30)


def test_dst_fall_back_repeats_02_hour(ctx):
    c = ctx.admin
    day = next_last_sunday(10)
    st, svc = _dst_clinic(c)
    slots = slots_of(c, [svc["id"]], day, staff_id=st["id"])
    first = ["%sT%02d:%02d:00+02:00" % (day, h, m) for h in range(0, 3) for m in (0, 15, 30, 45)]
    second = ["%sT%02d:%02d:00+01:00" % (day, h, m) for h in (2, 3) for m in (0, 15, 30, 45)]
    second = second[:7]  # 02:00 .. 03:30 (+01:00); 03:30 ends at 04:00
    eq(starts(slots), first + second, "fall-back day: 02:xx twice, +02:00 then +01:00")
    for s in slots:
        eq(minutes_between(s["start"], s["end"]), 30, "slot length on fall-back day")
    inst = [parse_ts(s["start"]).timestamp() for s in slots]
    eq(inst, sorted(inst), "slots in real time order")
    eq(len(set(inst)), len(inst), "no duplicate instants")


def test_dst_spring_forward_has_no_02_hour(ctx):
    c = ctx.admin
    day = next_last_sunday(3)
    st, svc = _dst_clinic(c)
    slots = slots_of(c, [svc["id"]], day, staff_id=st["id"])
    want = (["%sT%02d:%02d:00+01:00" % (day, h, m) for h in (0, 1) for m in (0, 15, 30, 45)]
            + ["%sT03:%02d:00+02:00" % (day, m) for m in (0, 15, 30)])
    eq(starts(slots), want, "spring-forward day: no 02:xx local times")
    check(not any("T02:" in s for s in starts(slots)), "a 02:xx start on spring-forward day")
    for s in slots:
        eq(minutes_between(s["start"], s["end"]), 30, "slot length on spring-forward day")


def test_dst_slot_end_rendered_in_zone(ctx):
    # api.md: timestamps are rendered in the location's zone, so an end
    # after the transition carries the zone's offset at that instant.
    c = ctx.admin
    st, svc = _dst_clinic(c)
    berlin = ZoneInfo(BERLIN)
    bad = []
    for day in (next_last_sunday(3), next_last_sunday(10)):
        for s in slots_of(c, [svc["id"]], day, staff_id=st["id"]):
            want = parse_ts(s["end"]).astimezone(berlin).isoformat(timespec="seconds")
            if s["end"] != want:
                bad.append("%s -> %s (in %s: %s)" % (s["start"], s["end"], BERLIN, want))
    check(not bad, "slot ends not rendered in the location's zone: %s" % "; ".join(bad[:4]))

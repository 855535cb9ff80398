"""Group events: classes and group sessions of one service with seats
(api.md "Group events, mixed mode, resources and holds"). An event
occupies its staff member like a booking; participants are bookings that
take its seats, each with its own invoice; appointment_mode decides
whether the clinic has events, ad-hoc group slots or both. Both
backends; the race for the last seat runs with the server's real
concurrency."""

import datetime as dt
import os
import threading

import helpers
import realservers as rs
from helpers import (API, Clinic, Client, DatabaseError, book, book_ok, check, clinic_with_staff,
                     eq, expect_field_error, local_iso, logged_in, make_patient, make_service,
                     next_weekday, settings_changed, slots_of, starts, unique)

EVENT_FIELDS = {"id", "service_id", "staff_id", "location_id", "start", "end", "capacity",
                "seats_taken", "seats_left", "series_id", "online_booking", "status"}


def _event(c, staff_id, service_id, start, **fields):
    body = {"staff_id": staff_id, "service_id": service_id, "start": start}
    body.update(fields)
    return c.post(API + "/group-events", body)


def _event_ok(c, staff_id, service_id, start, **fields):
    ev = _event(c, staff_id, service_id, start, **fields).expect(201)
    check(isinstance(ev.get("id"), int), "a group event has an id: %r" % ev)
    return ev


def _join(c, event_id, patient_id=None, **fields):
    body = {"group_event_id": event_id}
    if patient_id is not None:
        body["patient_id"] = patient_id
    body.update(fields)
    return c.post(API + "/bookings", body)


def _patient_login(ctx):
    c = ctx.admin
    p = make_patient(c)
    email = unique("ge-patient") + "@test.test"
    c.post(API + "/patients/%d/account" % p["id"],
           {"email": email, "password": "patient-pass-1"}).expect(201)
    return p, logged_in(ctx.port, email, "patient-pass-1")


def _class(c, weekday, capacity=4, duration=60, **fields):
    cl, st = clinic_with_staff(c, weekday, "08:00", "18:00")
    svc = make_service(c, duration, capacity=capacity, online_booking=True, **fields)
    return cl, st, svc


def _mode(c, mode):
    return settings_changed(c, appointment_mode=mode)


# --- creating, listing, who sees what --------------------------------------


def test_create_get_list_and_fields(ctx):
    c = ctx.admin
    day = next_weekday(1)
    cl, st, svc = _class(c, 1, capacity=6)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
    eq(set(ev) - {"events"}, EVENT_FIELDS, "a group event's fields")
    eq((ev["capacity"], ev["seats_taken"], ev["seats_left"], ev["status"]),
       (6, 0, 6, "scheduled"), "capacity from the service, nothing taken")
    eq((ev["start"], ev["end"], ev["location_id"], ev["series_id"], ev["online_booking"]),
       (local_iso(day, "10:00"), local_iso(day, "11:00"), cl.loc_id, None, True),
       "time, place, no series, online as the service")
    got = c.get(API + "/group-events/%d" % ev["id"]).expect(200)
    eq(got["start"], ev["start"], "GET /group-events/{id}")
    listed = c.get(API + "/group-events", staff_id=st["id"]).expect(200)
    eq([e["id"] for e in listed["items"]], [ev["id"]], "listed by staff member")
    eq(c.get(API + "/group-events", service_id=svc["id"], **{
        "from": str(day), "to": str(day)}).expect(200)["items"][0]["id"], ev["id"],
       "listed by service and day")
    eq(c.get(API + "/group-events", staff_id=st["id"], **{
        "from": str(next_weekday(2, min_ahead=8)), "to": str(next_weekday(2, min_ahead=8))})
       .expect(200)["items"], [], "not on another day")
    # Capacity and online may be given; the service's capacity is only a default.
    with _mode(c, "group"):
        small = _event_ok(c, st["id"], svc["id"], local_iso(day, "14:00"), capacity=2,
                          online_booking=False)
    eq((small["capacity"], small["online_booking"]), (2, False), "given capacity and online")


def test_create_bad_input_is_422_and_changes_nothing(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st, svc = _class(c, 2)
    before = ctx.sql_rows("SELECT count(*) FROM group_events")[0][0]
    with _mode(c, "mixed"):
        expect_field_error(_event(c, st["id"], svc["id"], "tomorrow"), "start")
        expect_field_error(_event(c, st["id"], 999999, local_iso(day, "10:00")), "service_id")
        expect_field_error(_event(c, 999999, svc["id"], local_iso(day, "10:00")), "staff_id")
        expect_field_error(_event(c, st["id"], svc["id"], local_iso(day, "10:00"), capacity=0),
                           "capacity")
        expect_field_error(_event(c, st["id"], svc["id"], local_iso(day, "10:00"),
                                  recurrence={"every": "fortnight", "until": str(day)}),
                           "recurrence.every")
        expect_field_error(_event(c, st["id"], svc["id"], local_iso(day, "10:00"),
                                  location_id=999999), "location_id")
    eq(ctx.sql_rows("SELECT count(*) FROM group_events")[0][0], before, "nothing stored")


def test_recurring_series(ctx):
    c = ctx.admin
    day = next_weekday(3)
    _, st, svc = _class(c, 3)
    until = day + dt.timedelta(days=21)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "09:00"),
                       recurrence={"every": "week", "interval": 1, "until": str(until)})
    eq(ev["series_id"], ev["id"], "a series is named after its first event")
    eq([e["start"] for e in ev["events"]],
       [local_iso(day + dt.timedelta(days=7 * i), "09:00") for i in range(4)],
       "weekly at the same wall-clock time")
    check(all(e["series_id"] == ev["id"] for e in ev["events"]), "all in the series")
    listed = c.get(API + "/group-events", staff_id=st["id"]).expect(200)["items"]
    eq(len(listed), 4, "four events listed")


def test_roles_and_visibility(ctx):
    c = ctx.admin
    day = next_weekday(4)
    _, st, svc = _class(c, 4)
    with _mode(c, "mixed"):
        online = _event_ok(c, st["id"], svc["id"], local_iso(day, "09:00"))
        offline = _event_ok(c, st["id"], svc["id"], local_iso(day, "11:00"), online_booking=False)
        p, cp = _patient_login(ctx)
        visitor = Client(ctx.port)
        # Patients and visitors cannot create or cancel, nor see participants.
        _event(cp, st["id"], svc["id"], local_iso(day, "15:00")).expect_problem(403)
        _event(visitor, st["id"], svc["id"], local_iso(day, "15:00")).expect_problem(401)
        cp.post(API + "/group-events/%d/cancel" % online["id"], {}).expect_problem(403)
        cp.get(API + "/group-events/%d/participants" % online["id"]).expect_problem(403)
        visitor.get(API + "/group-events/%d/participants" % online["id"]).expect_problem(401)
        for who in (cp, visitor):
            ids = [e["id"] for e in who.get(API + "/group-events", staff_id=st["id"])
                   .expect(200)["items"]]
            eq(ids, [online["id"]], "patients and visitors see online events only")
            who.get(API + "/group-events/%d" % offline["id"]).expect_problem(404)
            got = who.get(API + "/group-events/%d" % online["id"]).expect(200)
            eq(set(got), EVENT_FIELDS, "no participants in what they see")
        # Staff see both, and the participants.
        eq(sorted(e["id"] for e in ctx.staff.get(API + "/group-events", staff_id=st["id"])
                  .expect(200)["items"]), sorted([online["id"], offline["id"]]),
           "staff see every event")
        _join(c, online["id"], p["id"]).expect(201)
        parts = ctx.staff.get(API + "/group-events/%d/participants" % online["id"]).expect(200)
        eq([b["patient_id"] for b in parts["items"]], [p["id"]], "participants for staff")


# --- participants and seats ------------------------------------------------


def test_participant_booking_takes_the_events_time_and_invoices_seats(ctx):
    c = ctx.admin
    day = next_weekday(5)
    _, st, svc = _class(c, 5, capacity=5, price=2500)
    with _mode(c, "mixed"), settings_changed(c, max_seats_per_client=3):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        p = make_patient(c)
        b = _join(c, ev["id"], p["id"], seats=2).expect(201)
        eq((b["group_event_id"], b["seats"], b["staff_id"], b["start"], b["end"],
            b["service_ids"]), (ev["id"], 2, st["id"], ev["start"], ev["end"], [svc["id"]]),
           "the participant takes the event's staff member, time and service")
        inv = c.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
        eq(inv["total"], 5000, "invoice is price x seats")
        got = c.get(API + "/group-events/%d" % ev["id"]).expect(200)
        eq((got["seats_taken"], got["seats_left"]), (2, 3), "seats counted")
        # Its own attendance, like any booking.
        c.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}).expect(200)
        # A participant does not move on its own.
        c.patch(API + "/bookings/%d" % b["id"],
                {"start": local_iso(day, "12:00")}).expect_problem(409)
        c.patch(API + "/bookings/%d" % b["id"], {"notes": "mat needed"}).expect(200)
        # Too many seats for one patient: 422 naming seats, nothing stored.
        expect_field_error(_join(c, ev["id"], make_patient(c)["id"], seats=4), "seats")
        expect_field_error(_join(c, ev["id"], make_patient(c)["id"], seats=0), "seats")
        expect_field_error(_join(c, 999999, make_patient(c)["id"]), "group_event_id")
        expect_field_error(book(c, st["id"], [svc["id"]], local_iso(day, "15:00"),
                                make_patient(c)["id"], seats=2), "seats")
        eq(c.get(API + "/group-events/%d" % ev["id"]).expect(200)["seats_taken"], 2,
           "refusals took no seats")
        # Cancelling a participant gives its seats back.
        c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
        eq(c.get(API + "/group-events/%d" % ev["id"]).expect(200)["seats_left"], 5,
           "seats back after a cancel")


def test_max_seats_per_client_defaults_to_one(ctx):
    c = ctx.admin
    eq(c.get(API + "/settings").expect(200).get("max_seats_per_client"), 1, "default 1")
    expect_field_error(c.patch(API + "/settings", {"max_seats_per_client": 0}),
                       "max_seats_per_client")
    day = next_weekday(1, min_ahead=14)
    _, st, svc = _class(c, 1)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        expect_field_error(_join(c, ev["id"], make_patient(c)["id"], seats=2), "seats")
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)


def test_full_cancelled_and_started_events_are_409(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=14)
    _, st, svc = _class(c, 2, capacity=2)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        prob = _join(c, ev["id"], make_patient(c)["id"]).expect_problem(409)
        check("full" in prob.get("detail", ""), "409 says the event is full: %r" % prob)
        eq(c.get(API + "/group-events/%d" % ev["id"]).expect(200)["seats_left"], 0, "full")
        other = _event_ok(c, st["id"], svc["id"], local_iso(day, "14:00"))
        c.post(API + "/group-events/%d/cancel" % other["id"], {}).expect(200)
        prob = _join(c, other["id"], make_patient(c)["id"]).expect_problem(409)
        check("cancelled" in prob.get("detail", ""), "409 says cancelled: %r" % prob)
        c.post(API + "/group-events/%d/cancel" % other["id"], {}).expect_problem(409)
        # An event that has started takes nobody.
        past = _event_ok(c, st["id"], svc["id"], local_iso(day, "16:00"))
        ctx.sql_rows("UPDATE group_events SET start_at = start_at - 86400 * 60, "
                     "end_at = end_at - 86400 * 60 WHERE id = ?", (past["id"],))
        prob = _join(c, past["id"], make_patient(c)["id"]).expect_problem(409)
        check("started" in prob.get("detail", ""), "409 says started: %r" % prob)


def test_patient_books_an_online_event_for_itself(ctx):
    c = ctx.admin
    day = next_weekday(3, min_ahead=14)
    _, st, svc = _class(c, 3)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        offline = _event_ok(c, st["id"], svc["id"], local_iso(day, "13:00"),
                            online_booking=False)
        p, cp = _patient_login(ctx)
        b = _join(cp, ev["id"]).expect(201)
        eq((b["patient_id"], b["source"], b["group_event_id"]), (p["id"], "online", ev["id"]),
           "a patient joins for itself, online")
        expect_field_error(_join(cp, offline["id"]), "group_event_id")
        mine = cp.get(API + "/me/appointments").expect(200)
        check(any(i.get("id") == b["id"] for i in mine.get("items", [])),
              "the participant booking is among the patient's appointments: %r" % mine)


def _race(ctx, c, calls):
    """Runs every (method, path, body) of calls at once, each on its own
    connection with c's session; the statuses, or the exception."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))
    clients = [Client(ctx.port) for _ in calls]
    for cl in clients:
        cl.cookies, cl.csrf = dict(c.cookies), c.csrf

    def racer(i):
        try:
            barrier.wait(timeout=30)
            results[i] = clients[i].post(calls[i][0], calls[i][1]).status
        except Exception as exc:  # reported with the others by the caller
            results[i] = repr(exc)

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_race_for_the_last_seat_has_one_winner(ctx):
    c = ctx.admin
    day = next_weekday(4, min_ahead=14)
    _, st, svc = _class(c, 4, capacity=3)
    n = 12
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        results = _race(ctx, c, [(API + "/bookings", {"group_event_id": ev["id"],
                                                      "patient_id": make_patient(c)["id"]})
                                 for _ in range(n)])
    check(all(r in (201, 409) for r in results), "every racer reported 201 or 409: %r" % results)
    eq(results.count(201), 1, "exactly one racer won the last seat: %r" % results)
    eq(ctx.sql_rows("SELECT coalesce(sum(seats), 0) FROM bookings WHERE group_event_id = ? "
                    "AND status <> 'cancelled'", (ev["id"],))[0][0], 3,
       "seats taken never exceed the capacity")


def test_event_cancel_racing_its_participants_cancels(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=21)
    _, st, svc = _class(c, 2, capacity=20)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "09:00"))
        ids = [_join(c, ev["id"], make_patient(c)["id"]).expect(201)["id"] for _ in range(10)]
        calls = [(API + "/group-events/%d/cancel" % ev["id"], {"scope": "this"})]
        calls += [(API + "/bookings/%d/cancel" % b, {"reason": "cannot come"}) for b in ids]
        results = _race(ctx, c, calls)
    eq(results[0], 200, "the event cancel wins over its participants' own cancels: %r" % results)
    check(all(r in (200, 409) for r in results[1:]),
          "every participant's cancel answered 200 or 409: %r" % results)
    eq(c.get(API + "/group-events/%d" % ev["id"]).expect(200)["status"], "cancelled",
       "the event is cancelled")
    eq(ctx.sql_rows("SELECT count(*) FROM bookings WHERE group_event_id = ? "
                    "AND status <> 'cancelled'", (ev["id"],))[0][0], 0,
       "no participant is left booked")


def test_concurrent_cancels_of_one_event_have_one_winner(ctx):
    c = ctx.admin
    day = next_weekday(3, min_ahead=21)
    _, st, svc = _class(c, 3, capacity=4)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "09:00"))
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        results = _race(ctx, c, [(API + "/group-events/%d/cancel" % ev["id"],
                                  {"scope": "this"})] * 8)
    check(all(r in (200, 409) for r in results), "every cancel answered 200 or 409: %r" % results)
    eq(results.count(200), 1, "exactly one cancel of the event succeeded: %r" % results)


# --- cancelling -----------------------------------------------------------


_env = rs.ModuleServers()


def _mail_server(ctx):
    """A chairside of its own that mails through a real SMTP sink."""
    if not _env:
        scratch = rs.scratch_dir("chairside-group-")
        _env["scratch"] = scratch
        _env["smtp"] = rs.SmtpSink(os.path.join(scratch, "mail")).start()
        _env["chairside"] = rs.Chairside(ctx.bin, scratch).start()
        _env["chairside"].admin.patch(API + "/settings", {
            "smtp_url": _env["smtp"].url, "mail_from": "clinic@chairside.test",
            "notification_email": "desk@chairside.test",
            "appointment_mode": "mixed"}).expect(200)
    return _env["chairside"], _env["smtp"]


def test_cancel_cascades_to_participants(ctx):
    srv, smtp = _mail_server(ctx)
    c = srv.admin
    day = next_weekday(5, min_ahead=14)
    _, st, svc = _class(c, 5, capacity=5)
    ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"),
                   recurrence={"every": "week", "until": str(day + dt.timedelta(days=14))})
    first, second, third = (e["id"] for e in ev["events"])
    people = [make_patient(c, email="%s@patients.test" % unique("g")) for _ in range(3)]
    booked = {}
    for p in people:
        booked[p["id"]] = [_join(c, eid, p["id"]).expect(201) for eid in (first, second)]
    for p in people:
        smtp.wait_for(p["email"], count=2)
    # "following" from the second event: the second and third go, the first stays.
    done = c.post(API + "/group-events/%d/cancel" % second, {"scope": "following"}).expect(200)
    eq((done["cancelled"], done["bookings_cancelled"]), (2, 3), "two events, three bookings")
    for eid, status in ((first, "scheduled"), (second, "cancelled"), (third, "cancelled")):
        eq(c.get(API + "/group-events/%d" % eid).expect(200)["status"], status,
           "event %d after the cancel" % eid)
    for p in people:
        kept, gone = booked[p["id"]]
        eq(c.get(API + "/bookings/%d" % kept["id"]).expect(200)["status"], "confirmed",
           "the first event's booking stays")
        got = c.get(API + "/bookings/%d" % gone["id"]).expect(200)
        eq(got["status"], "cancelled", "the participant booking is cancelled")
        inv = c.get(API + "/invoices/%d" % gone["invoice_id"]).expect(200)
        eq(inv["status"], "void", "its unpaid invoice is voided")
        hist = c.get(API + "/bookings/%d/history" % gone["id"]).expect(200)
        actions = [h["action"] for h in (hist["items"] if isinstance(hist, dict) else hist)]
        check("cancelled" in actions, "history records the cancel: %r" % actions)
        smtp.wait_for(p["email"], "cancelled")
    eq(c.get(API + "/group-events/%d/participants" % second).expect(200)["items"], [],
       "no live participants left")
    # "series" takes the rest; a cancelled event cannot be cancelled again.
    eq(c.post(API + "/group-events/%d/cancel" % first, {"scope": "series"}).expect(200)
       ["cancelled"], 1, "only the first was still live")
    c.post(API + "/group-events/%d/cancel" % first, {}).expect_problem(409)
    expect_field_error(c.post(API + "/group-events/%d/cancel" % first, {"scope": "all"}),
                       "scope")
    c.post(API + "/group-events/999999/cancel", {}).expect_problem(404)


# --- the staff member's time: events against bookings, and back ---------------


def test_event_and_booking_overlap_both_ways(ctx):
    c = ctx.admin
    day = next_weekday(1, min_ahead=21)
    _, st, svc = _class(c, 1, capacity=4, buffer_after_min=15)
    single = make_service(c, 30)
    p = make_patient(c)["id"]
    with _mode(c, "mixed"):
        book_ok(c, st["id"], [single["id"]], local_iso(day, "09:00"), p)
        # 08:00-09:00 plus 15 minutes after reaches into the booking.
        prob = _event(c, st["id"], svc["id"], local_iso(day, "08:00")).expect_problem(409)
        check("busy" in prob.get("detail", ""), "409 says the staff member is busy: %r" % prob)
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        # The event holds 10:00-11:15 against bookings, with its buffer.
        offered = starts(slots_of(c, [single["id"]], day, staff_id=st["id"]))
        check(local_iso(day, "10:30") not in offered and local_iso(day, "11:00") not in offered
              and local_iso(day, "11:15") in offered and local_iso(day, "09:30") in offered,
              "individual slots avoid the event and its buffer: %s" % offered)
        book(c, st["id"], [single["id"]], local_iso(day, "11:00"), p).expect_problem(409)
        book_ok(c, st["id"], [single["id"]], local_iso(day, "11:15"), p)
        # Another event over it, and one over an appointment or time off, are refused.
        _event(c, st["id"], svc["id"], local_iso(day, "10:30")).expect_problem(409)
        c.post(API + "/appointments", {"staff_id": st["id"], "start": local_iso(day, "14:00"),
                                       "duration_min": 30}).expect(201)
        _event(c, st["id"], svc["id"], local_iso(day, "13:30")).expect_problem(409)
        c.post(API + "/staff/%d/time-off" % st["id"], {
            "start": local_iso(day, "16:00"), "end": local_iso(day, "17:00"),
            "reason": "away"}).expect(201)
        _event(c, st["id"], svc["id"], local_iso(day, "16:30")).expect_problem(409)
        # Participants never block each other or the event: it is full only by seats.
        for _ in range(4):
            _join(c, ev["id"], make_patient(c)["id"]).expect(201)
    eq(ctx.sql_rows("SELECT count(*) FROM group_events WHERE staff_id = ?", (st["id"],))[0][0],
       1, "only the free event was stored")


def test_events_and_bookings_race_one_winner(ctx):
    # Racers for one staff member's 10:00: half schedule a class, half
    # book a check-up inside it. The staff lock lets exactly one through.
    c = ctx.admin
    day = next_weekday(5, min_ahead=28)
    _, st, svc = _class(c, 5, capacity=4)
    single = make_service(c, 30)
    event = {"staff_id": st["id"], "service_id": svc["id"], "start": local_iso(day, "10:00")}
    calls = []
    for i in range(10):
        calls.append((API + "/group-events", event) if i % 2 else
                     (API + "/bookings", {"staff_id": st["id"], "service_ids": [single["id"]],
                                          "start": local_iso(day, "10:30"),
                                          "patient_id": make_patient(c)["id"]}))
    with _mode(c, "mixed"):
        results = _race(ctx, c, calls)
    check(all(r in (201, 409) for r in results), "every racer reported 201 or 409: %r" % results)
    eq(results.count(201), 1, "exactly one of events and bookings won: %r" % results)
    live = (ctx.sql_rows("SELECT count(*) FROM group_events WHERE staff_id = ? "
                         "AND status <> 'cancelled'", (st["id"],))[0][0]
            + ctx.sql_rows("SELECT count(*) FROM bookings WHERE staff_id = ? "
                           "AND status <> 'cancelled'", (st["id"],))[0][0])
    eq(live, 1, "one thing stored for that time")


def test_database_refuses_overlapping_events(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=21)
    _, st, svc = _class(c, 2, capacity=4)
    with _mode(c, "mixed"):
        _event_ok(c, st["id"], svc["id"], local_iso(day, "09:00"))
        later = _event_ok(c, st["id"], svc["id"], local_iso(day, "11:00"))
    start_at = ctx.sql_rows("SELECT start_at FROM group_events WHERE id = ?",
                            (later["id"],))[0][0]
    refused = False
    try:
        ctx.sql_rows("UPDATE group_events SET start_at = ?, end_at = ? WHERE id = ?",
                     (start_at - 90 * 60, start_at - 30 * 60, later["id"]))
    except DatabaseError as e:
        refused = "group_events_no_overlap" in str(e)
    check(refused, "the database refused two overlapping events of one staff member")
    # A cancelled event no longer counts.
    ctx.sql_rows("UPDATE group_events SET status = 'cancelled' WHERE id = ?", (later["id"],))
    ctx.sql_rows("UPDATE group_events SET start_at = ?, end_at = ? WHERE id = ?",
                 (start_at - 90 * 60, start_at - 30 * 60, later["id"]))


def test_resources_taken_by_events(ctx):
    c = ctx.admin
    day = next_weekday(3, min_ahead=21)
    cl = Clinic(c)
    a = cl.add_staff([(3, "08:00", "18:00")])
    b = cl.add_staff([(3, "08:00", "18:00")])
    room = c.post(API + "/resources", {"name": unique("Studio"), "location_id": cl.loc_id,
                                       "kind": "room", "quantity": 1}).expect(201)
    yoga = make_service(c, 60, capacity=8, resource_ids=[room["id"]])
    scan = make_service(c, 30, resource_ids=[room["id"]])
    with _mode(c, "mixed"):
        ev = _event_ok(c, a["id"], yoga["id"], local_iso(day, "10:00"))
        eq(ctx.sql_rows("SELECT resource_id, unit FROM booking_resources WHERE group_event_id = ?",
                        (ev["id"],)), [(room["id"], 1)], "the event holds the room's unit")
        # Another staff member's booking or event needing the room is refused meanwhile.
        offered = starts(slots_of(c, [scan["id"]], day, staff_id=b["id"]))
        check(local_iso(day, "10:30") not in offered and local_iso(day, "11:00") in offered,
              "the room is taken during the event: %s" % offered)
        book(c, b["id"], [scan["id"]], local_iso(day, "10:30"),
             make_patient(c)["id"]).expect_problem(409)
        prob = _event(c, b["id"], yoga["id"], local_iso(day, "10:30")).expect_problem(409)
        check("resource" in prob.get("detail", ""), "409 names the resource: %r" % prob)
        book_ok(c, b["id"], [scan["id"]], local_iso(day, "12:00"), make_patient(c)["id"])
        _event(c, a["id"], yoga["id"], local_iso(day, "12:00")).expect_problem(409)
        view = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id,
                     view="resources").expect(200)
        col = [r for r in view["resources"] if r["resource_id"] == room["id"]][0]
        eq([(e["kind"], e["id"], e["staff_id"], e["patient"], e["start"]) for e in col["events"]
            if e["kind"] == "group_event"],
           [("group_event", ev["id"], a["id"], None, ev["start"])],
           "the resource view shows the event in the room's column")
        # Cancelled, the event gives the room back.
        c.post(API + "/group-events/%d/cancel" % ev["id"], {}).expect(200)
        book_ok(c, b["id"], [scan["id"]], local_iso(day, "10:30"), make_patient(c)["id"])
    # The one backstop covers bookings and events alike.
    refused = False
    ev2_start = ctx.sql_rows("SELECT start_at FROM bookings WHERE staff_id = ? ORDER BY start_at",
                             (b["id"],))[0][0]
    with _mode(c, "mixed"):
        ev2 = _event_ok(c, a["id"], yoga["id"], local_iso(day, "15:00"))
    try:
        ctx.sql_rows("UPDATE booking_resources SET start_at = ?, end_at = ? "
                     "WHERE group_event_id = ?", (ev2_start, ev2_start + 1800, ev2["id"]))
    except DatabaseError as e:
        refused = "booking_resources_no_overlap" in str(e)
    check(refused, "the database refuses an event's unit over a booking's")


# --- appointment_mode and availability --------------------------------------


def test_modes_and_availability(ctx):
    c = ctx.admin
    day = next_weekday(4, min_ahead=21)
    _, st, svc = _class(c, 4, capacity=3)
    p = make_patient(c)["id"]
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        hidden = _event_ok(c, st["id"], svc["id"], local_iso(day, "14:00"), online_booking=False)
        slots = slots_of(c, [svc["id"]], day, staff_id=st["id"])
        events = [s for s in slots if "group_event_id" in s]
        eq([(s["group_event_id"], s["seats_left"], s["start"]) for s in events],
           [(ev["id"], 3, ev["start"]), (hidden["id"], 3, hidden["start"])],
           "staff see every event with seats left")
        adhoc = [s["start"] for s in slots if "group_event_id" not in s]
        check(local_iso(day, "09:00") in adhoc, "mixed keeps the ad-hoc slots: %s" % adhoc)
        check(local_iso(day, "10:00") not in adhoc and local_iso(day, "10:30") not in adhoc,
              "no ad-hoc slot over the event: %s" % adhoc)
        check(slots == sorted(slots, key=lambda s: (helpers.parse_ts(s["start"]),
                                                    s["staff_id"])), "ordered by start")
        _, cp = _patient_login(ctx)
        online = [s.get("group_event_id") for s in slots_of(cp, [svc["id"]], day,
                                                            staff_id=st["id"])
                  if "group_event_id" in s]
        eq(online, [ev["id"]], "patients see online events only")
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p)  # ad-hoc still works
        for _ in range(3):
            _join(c, ev["id"], make_patient(c)["id"]).expect(201)
        check(ev["id"] not in [s.get("group_event_id") for s in
                               slots_of(c, [svc["id"]], day, staff_id=st["id"])],
              "a full event is no slot")
    with _mode(c, "group"):
        slots = slots_of(c, [svc["id"]], day, staff_id=st["id"])
        eq([s.get("group_event_id") for s in slots], [hidden["id"]],
           "group mode lists only events for a group service")
        prob = book(c, st["id"], [svc["id"]], local_iso(day, "16:00"), p).expect_problem(409)
        check("group events" in prob.get("detail", ""), "409 explains group mode: %r" % prob)
        single = make_service(c, 30)
        book_ok(c, st["id"], [single["id"]], local_iso(day, "16:00"), p)
        _join(c, hidden["id"], make_patient(c)["id"]).expect(201)
    with _mode(c, "individual"):
        prob = _event(c, st["id"], svc["id"], local_iso(day, "17:00")).expect_problem(409)
        check("appointment_mode" in prob.get("detail", ""), "409 names the mode: %r" % prob)
        check(all("group_event_id" not in s for s in
                  slots_of(c, [svc["id"]], day, staff_id=st["id"])),
              "individual mode lists no events")
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
        _join(c, hidden["id"], make_patient(c)["id"]).expect_problem(409)


def test_calendar_shows_events_with_seats(ctx):
    c = ctx.admin
    day = next_weekday(5, min_ahead=21)
    cl, st, svc = _class(c, 5, capacity=6)
    with _mode(c, "mixed"):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        _join(c, ev["id"], make_patient(c)["id"]).expect(201)
    cal = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id).expect(200)
    col = [s for s in cal["staff"] if s["id"] == st["id"]][0]
    eq([(e["kind"], e["id"], e["seats_taken"], e["capacity"], e["title"]) for e in col["events"]],
       [("group_event", ev["id"], 1, 6, svc["name"])],
       "one group event with its seats, its participant inside it")


# --- holds on seats -----------------------------------------------------------


def test_holds_on_seats(ctx):
    c = ctx.admin
    day = next_weekday(1, min_ahead=28)
    _, st, svc = _class(c, 1, capacity=3)
    with _mode(c, "mixed"), settings_changed(c, max_seats_per_client=2):
        ev = _event_ok(c, st["id"], svc["id"], local_iso(day, "10:00"))
        pa, ca = _patient_login(ctx)
        _, cb = _patient_login(ctx)
        held = ca.post(API + "/holds", {"group_event_id": ev["id"], "seats": 2}).expect(201)
        eq((held["group_event_id"], held["seats"], held["staff_id"], held["start"]),
           (ev["id"], 2, st["id"], ev["start"]), "a hold on two seats of the event")
        eq(c.get(API + "/group-events/%d" % ev["id"]).expect(200)["seats_left"], 1,
           "held seats are not left for others")
        expect_field_error(cb.post(API + "/holds", {"group_event_id": ev["id"], "seats": 3}),
                           "seats")
        expect_field_error(cb.post(API + "/holds", {"staff_id": st["id"],
                                                    "service_ids": [svc["id"]],
                                                    "start": local_iso(day, "15:00"),
                                                    "seats": 2}), "seats")
        cb.post(API + "/holds", {"group_event_id": ev["id"], "seats": 2}).expect_problem(409)
        _join(cb, ev["id"], seats=2).expect_problem(409)
        _join(cb, ev["id"]).expect(201)  # the one seat left
        _join(c, ev["id"], make_patient(c)["id"]).expect_problem(409)
        # The holder books its seats with the token; the hold ends.
        b = _join(ca, ev["id"], hold_token=held["token"]).expect(201)
        eq((b["patient_id"], b["seats"]), (pa["id"], 2), "the held seats booked")
        eq(ctx.sql_rows("SELECT count(*) FROM holds WHERE id = ?", (held["id"],)), [(0,)],
           "booking consumed the hold")
        got = c.get(API + "/group-events/%d" % ev["id"]).expect(200)
        eq((got["seats_taken"], got["seats_left"]), (3, 0), "full")
        # An expired hold keeps nothing.
        other = _event_ok(c, st["id"], svc["id"], local_iso(day, "14:00"))
        old = ca.post(API + "/holds", {"group_event_id": other["id"], "seats": 2}).expect(201)
        ctx.sql_rows("UPDATE holds SET expires_at = created_at WHERE id = ?", (old["id"],))
        eq(c.get(API + "/group-events/%d" % other["id"]).expect(200)["seats_left"], 3,
           "an expired hold counts for nothing")
        ca.delete(API + "/holds/%d" % old["id"])
        cancelled = _event_ok(c, st["id"], svc["id"], local_iso(day, "16:00"))
        c.post(API + "/group-events/%d/cancel" % cancelled["id"], {}).expect(200)
        ca.post(API + "/holds", {"group_event_id": cancelled["id"]}).expect_problem(409)

"""Capacity: buffers protect both sides of a booking (design.md rule 4),
resources with units that availability and bookings respect, and holds
on a slot while a patient books. Both backends; the races run with the
server's real concurrency."""

import threading

from helpers import (API, Clinic, Client, DatabaseError, book, book_ok, check, clinic_with_staff,
                     eq, expect_field_error, grid, local_iso, logged_in, make_location,
                     make_patient, make_service, next_weekday, settings_changed, slots_of,
                     starts, unique)


# --- buffers ------------------------------------------------------------------


def test_buffer_after_blocks_the_next_start(ctx):
    # The case: a Check-up right after a Cleaning ending 09:45
    # whose 15-minute buffer is still running.
    c = ctx.admin
    day = next_weekday(1)
    _, st = clinic_with_staff(c, 1, "09:00", "12:00")
    cleaning = make_service(c, 45, buffer_after_min=15)
    checkup = make_service(c, 30)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [cleaning["id"]], local_iso(day, "09:00"), p)
    offered = starts(slots_of(c, [checkup["id"]], day, staff_id=st["id"]))
    check(local_iso(day, "09:45") not in offered, "09:45 is inside the buffer: %s" % offered)
    eq(offered, grid(day, "10:00", "11:30"), "check-up slots after the cleaning's buffer")
    prob = book(c, st["id"], [checkup["id"]], local_iso(day, "09:45"), p).expect_problem(409)
    check("taken" in prob.get("detail", ""), "409 says the time is taken: %r" % prob)
    book_ok(c, st["id"], [checkup["id"]], local_iso(day, "10:00"), p)


def test_buffer_before_blocks_an_end_inside_it(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "12:00")
    surgery = make_service(c, 60, buffer_before_min=30)
    checkup = make_service(c, 30)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [surgery["id"]], local_iso(day, "11:00"), p)
    # The surgery holds 10:30-12:00: a check-up may end at 10:30 at the latest.
    eq(starts(slots_of(c, [checkup["id"]], day, staff_id=st["id"])),
       grid(day, "09:00", "10:00"), "check-up slots before the surgery's buffer")
    book(c, st["id"], [checkup["id"]], local_iso(day, "10:15"), p).expect_problem(409)
    book_ok(c, st["id"], [checkup["id"]], local_iso(day, "10:00"), p)
    # Nothing was stored by the refusal.
    rows = ctx.sql_rows("SELECT count(*) FROM bookings WHERE staff_id = ?", (st["id"],))
    eq(rows[0][0], 2, "bookings of the staff member")


def test_buffers_meeting_buffers_overlap(ctx):
    # Occupied intervals include both bookings' buffers, so two buffers
    # may not overlap either.
    c = ctx.admin
    day = next_weekday(3)
    _, st = clinic_with_staff(c, 3, "09:00", "13:00")
    first = make_service(c, 30, buffer_after_min=15)
    second = make_service(c, 30, buffer_before_min=15)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [first["id"]], local_iso(day, "09:00"), p)  # holds 09:00-09:45
    eq(starts(slots_of(c, [second["id"]], day, staff_id=st["id"]))[:2],
       [local_iso(day, "10:00"), local_iso(day, "10:15")], "first starts of the second service")
    book(c, st["id"], [second["id"]], local_iso(day, "09:45"), p).expect_problem(409)
    book_ok(c, st["id"], [second["id"]], local_iso(day, "10:00"), p)


def test_reschedule_into_a_buffer_is_409(ctx):
    c = ctx.admin
    day = next_weekday(4)
    _, st = clinic_with_staff(c, 4, "09:00", "12:00")
    cleaning = make_service(c, 45, buffer_after_min=15)
    checkup = make_service(c, 30)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [cleaning["id"]], local_iso(day, "09:00"), p)
    moved = book_ok(c, st["id"], [checkup["id"]], local_iso(day, "11:00"), p)
    c.patch(API + "/bookings/%d" % moved["id"],
            {"start": local_iso(day, "09:45")}).expect_problem(409)
    got = c.get(API + "/bookings/%d" % moved["id"]).expect(200)
    eq(got["start"], local_iso(day, "11:00"), "the refused move changed nothing")
    c.patch(API + "/bookings/%d" % moved["id"], {"start": local_iso(day, "10:00")}).expect(200)
    # The cleaning moving onto the check-up's heels is refused the same way.
    first = ctx.sql_rows("SELECT id FROM bookings WHERE staff_id = ? ORDER BY start_at",
                         (st["id"],))[0][0]
    c.patch(API + "/bookings/%d" % first, {"start": local_iso(day, "09:15")}).expect_problem(409)


def test_database_refuses_overlapping_occupied_intervals(ctx):
    # The backstop (SQLite triggers, PostgreSQL's exclusion constraint)
    # covers buffers too: moving a booking into another's buffer behind
    # the server's back fails in the database itself.
    c = ctx.admin
    day = next_weekday(5)
    _, st = clinic_with_staff(c, 5, "09:00", "12:00")
    cleaning = make_service(c, 45, buffer_after_min=15)
    checkup = make_service(c, 30)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [cleaning["id"]], local_iso(day, "09:00"), p)
    later = book_ok(c, st["id"], [checkup["id"]], local_iso(day, "10:30"), p)
    start_at = ctx.sql_rows("SELECT start_at FROM bookings WHERE id = ?", (later["id"],))[0][0]
    refused = False
    try:
        ctx.sql_rows("UPDATE bookings SET start_at = ?, end_at = ? WHERE id = ?",
                     (start_at - 45 * 60, start_at - 15 * 60, later["id"]))
    except DatabaseError as e:
        refused = "bookings_no_overlap" in str(e)
    check(refused, "the database refused a booking inside another's buffer")
    eq(ctx.sql_rows("SELECT start_at FROM bookings WHERE id = ?", (later["id"],))[0][0],
       start_at, "the booking kept its time")
    # Right at the end of the buffer is fine for the database too.
    ctx.sql_rows("UPDATE bookings SET start_at = ?, end_at = ? WHERE id = ?",
                 (start_at - 30 * 60, start_at, later["id"]))


def test_buffers_race_one_winner(ctx):
    # Racers for starts that clash only through buffers: 10:00 (its buffer
    # before meets the 09:00 cleaning's buffer after) never wins; of 10:15
    # and 10:30, whose buffers overlap each other's times, exactly one does.
    c = ctx.admin
    day = next_weekday(1, min_ahead=14)
    _, st = clinic_with_staff(c, 1, "09:00", "12:00")
    cleaning = make_service(c, 45, buffer_after_min=15)
    prepped = make_service(c, 30, buffer_before_min=15)
    patients = [make_patient(c)["id"] for _ in range(16)]
    book_ok(c, st["id"], [cleaning["id"]], local_iso(day, "09:00"), patients[0])
    wanted = [local_iso(day, t) for t in ("10:00", "10:15", "10:30")]
    results = [None] * 16
    barrier = threading.Barrier(16)
    clients = [Client(ctx.port) for _ in range(16)]
    for cl in clients:
        cl.cookies, cl.csrf = dict(c.cookies), c.csrf

    def racer(i):
        try:
            barrier.wait(timeout=30)
            r = book(clients[i], st["id"], [prepped["id"]], wanted[i % 3], patients[i])
            results[i] = r.status
        except Exception as exc:  # reported with the others below
            results[i] = repr(exc)

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(all(r in (201, 409) for r in results), "every racer answered: %s" % results)
    eq(results.count(201), 1, "exactly one winner: %s" % results)
    rows = ctx.sql_rows(
        "SELECT start_at - buffer_before_min * 60, end_at + buffer_after_min * 60 FROM bookings "
        "WHERE staff_id = ? AND status <> 'cancelled' ORDER BY start_at", (st["id"],))
    eq(len(rows), 1 + results.count(201), "bookings stored = winners + the cleaning")
    for a, b in zip(rows, rows[1:]):
        check(a[1] <= b[0], "occupied intervals do not overlap: %s" % rows)


# --- resources ------------------------------------------------------------------


def _patient_login(ctx):
    c = ctx.admin
    p = make_patient(c)
    email = unique("cap-patient") + "@test.test"
    c.post(API + "/patients/%d/account" % p["id"],
           {"email": email, "password": "patient-pass-1"}).expect(201)
    return p, logged_in(ctx.port, email, "patient-pass-1")


def _resource(c, location_id, quantity=1, kind="room"):
    body = c.post(API + "/resources", {"name": unique("Room"), "location_id": location_id,
                                       "kind": kind, "quantity": quantity}).expect(201)
    check(isinstance(body.get("id"), int), "resource has no id: %r" % body)
    return body


def _two_staff(c, weekday, start="09:00", end="12:00"):
    cl = Clinic(c)
    a = cl.add_staff([(weekday, start, end)])
    b = cl.add_staff([(weekday, start, end)])
    return cl, a, b


def test_resources_crud_and_bad_input(ctx):
    c = ctx.admin
    loc = make_location(c)
    room = _resource(c, loc["id"], quantity=2, kind="chair")
    eq({k: room.get(k) for k in ("location_id", "kind", "quantity")},
       {"location_id": loc["id"], "kind": "chair", "quantity": 2}, "the resource as stored")
    before = ctx.sql_rows("SELECT count(*) FROM resources")[0][0]
    expect_field_error(c.post(API + "/resources", {"name": "Zero", "location_id": loc["id"],
                                                   "quantity": 0}), "quantity")
    expect_field_error(c.post(API + "/resources", {"name": "Nowhere", "location_id": 999999,
                                                   "quantity": 1}), "location_id")
    expect_field_error(c.post(API + "/resources", {"name": "Homeless", "quantity": 1}),
                       "location_id")
    expect_field_error(c.patch(API + "/resources/%d" % room["id"], {"quantity": -1}), "quantity")
    eq(ctx.sql_rows("SELECT count(*) FROM resources")[0][0], before, "nothing stored")
    eq(c.get(API + "/resources/%d" % room["id"]).expect(200)["quantity"], 2,
       "a refused change changed nothing")
    # A service names its resources; an unknown one is refused, nothing stored.
    name = unique("Xray")
    expect_field_error(c.post(API + "/services", {"name": name, "duration_min": 30,
                                                  "resource_ids": [999999]}), "resource_ids")
    eq(ctx.sql_rows("SELECT count(*) FROM services WHERE name = ?", (name,))[0][0], 0,
       "no service stored by the refusal")
    svc = make_service(c, 30, resource_ids=[room["id"]], online_booking=True)
    eq(svc.get("resource_ids"), [room["id"]], "resource_ids of the new service")
    expect_field_error(c.patch(API + "/services/%d" % svc["id"], {"resource_ids": [999999]}),
                       "resource_ids")
    eq(c.get(API + "/services/%d" % svc["id"]).expect(200)["resource_ids"], [room["id"]],
       "a refused change kept the resources")
    eq(c.patch(API + "/services/%d" % svc["id"], {"resource_ids": []}).expect(200)
       ["resource_ids"], [], "resource_ids cleared")
    # Staff read resources; only admins write them; patients never see them.
    ctx.staff.get(API + "/resources/%d" % room["id"]).expect(200)
    ctx.staff.post(API + "/resources", {"name": "x", "location_id": loc["id"]}).expect(403)
    _, pc = _patient_login(ctx)
    pc.get(API + "/resources").expect(403)
    Client(ctx.port).get(API + "/resources").expect(401)
    c.patch(API + "/services/%d" % svc["id"], {"resource_ids": [room["id"]]}).expect(200)
    check("resource_ids" not in pc.get(API + "/services/%d" % svc["id"]).expect(200),
          "patients do not learn a service's resources")


def test_shared_room_between_two_practitioners(ctx):
    c = ctx.admin
    day = next_weekday(2)
    cl, a, b = _two_staff(c, 2)
    room = _resource(c, cl.loc_id, quantity=1)
    xray = make_service(c, 30, resource_ids=[room["id"]])
    talk = make_service(c, 30)
    p = make_patient(c)["id"]
    first = book_ok(c, a["id"], [xray["id"]], local_iso(day, "10:00"), p)
    eq(first.get("resources"), [{"resource_id": room["id"], "unit": 1}], "the unit taken")
    got = c.get(API + "/bookings/%d" % first["id"]).expect(200)
    eq(got.get("resources"), [{"resource_id": room["id"], "unit": 1}], "staff see the unit")
    offered = starts(slots_of(c, [xray["id"]], day, staff_id=b["id"]))
    eq(offered, grid(day, "09:00", "09:30") + grid(day, "10:30", "11:30"),
       "the other practitioner is offered only times the room is free")
    prob = book(c, b["id"], [xray["id"]], local_iso(day, "10:15"), p).expect_problem(409)
    check("resource" in prob.get("detail", ""), "409 names the resource: %r" % prob)
    # Without the room the other practitioner is free at that time.
    book_ok(c, b["id"], [talk["id"]], local_iso(day, "10:00"), p)
    eq(ctx.sql_rows("SELECT count(*) FROM booking_resources WHERE resource_id = ?",
                    (room["id"],))[0][0], 1, "one unit in use")
    # Moving the first booking moves its unit; cancelling frees it.
    c.patch(API + "/bookings/%d" % first["id"], {"start": local_iso(day, "11:00")}).expect(200)
    rows = ctx.sql_rows("SELECT start_at, end_at FROM booking_resources WHERE booking_id = ?",
                        (first["id"],))
    booking = ctx.sql_rows("SELECT start_at, end_at FROM bookings WHERE id = ?", (first["id"],))
    eq(rows, booking, "the unit follows the booking")
    check(local_iso(day, "10:30") in starts(slots_of(c, [xray["id"]], day, staff_id=b["id"])),
          "the room is free again at 10:30 after the move")
    c.post(API + "/bookings/%d/cancel" % first["id"], {"reason": "test"}).expect(200)
    eq(ctx.sql_rows("SELECT count(*) FROM booking_resources WHERE booking_id = ?",
                    (first["id"],))[0][0], 0, "a cancelled booking holds no unit")
    second = book_ok(c, b["id"], [xray["id"]], local_iso(day, "11:00"), p)
    eq(second["resources"], [{"resource_id": room["id"], "unit": 1}], "the freed unit is taken")


def test_units_and_buffers(ctx):
    c = ctx.admin
    day = next_weekday(3)
    cl = Clinic(c)
    staff = [cl.add_staff([(3, "09:00", "12:00")]) for _ in range(3)]
    chairs = _resource(c, cl.loc_id, quantity=2, kind="chair")
    clean = make_service(c, 45, buffer_after_min=15, resource_ids=[chairs["id"]])
    p = make_patient(c)["id"]
    one = book_ok(c, staff[0]["id"], [clean["id"]], local_iso(day, "09:00"), p)
    two = book_ok(c, staff[1]["id"], [clean["id"]], local_iso(day, "09:00"), p)
    eq(sorted(x["resources"][0]["unit"] for x in (one, two)), [1, 2], "two chairs, two units")
    # Both chairs are in use until 10:00 (the buffer after counts).
    offered = starts(slots_of(c, [clean["id"]], day, staff_id=staff[2]["id"]))
    eq(offered[0], local_iso(day, "10:00"), "the third practitioner waits for a chair")
    book(c, staff[2]["id"], [clean["id"]], local_iso(day, "09:45"), p).expect_problem(409)
    book_ok(c, staff[2]["id"], [clean["id"]], local_iso(day, "10:00"), p)


def test_resource_of_another_location_is_not_used(ctx):
    # A service's resources count where they are: at a location that has
    # none of them the service cannot be had; where they are, they must
    # be free.
    c = ctx.admin
    day = next_weekday(4)
    here, there = Clinic(c), Clinic(c)
    a = here.add_staff([(4, "09:00", "11:00")])
    b = there.add_staff([(4, "09:00", "11:00")])
    room = _resource(c, here.loc_id)
    svc = make_service(c, 30, resource_ids=[room["id"]])
    p = make_patient(c)["id"]
    eq(slots_of(c, [svc["id"]], day, staff_id=b["id"]), [],
       "no slots where the service's resources are not")
    book(c, b["id"], [svc["id"]], local_iso(day, "09:00"), p).expect_problem(409)
    eq(len(slots_of(c, [svc["id"]], day, staff_id=a["id"])), 7, "slots where the room is")
    second_room = _resource(c, there.loc_id)
    c.patch(API + "/services/%d" % svc["id"],
            {"resource_ids": [room["id"], second_room["id"]]}).expect(200)
    there_booking = book_ok(c, b["id"], [svc["id"]], local_iso(day, "09:00"), p)
    eq(there_booking["resources"], [{"resource_id": second_room["id"], "unit": 1}],
       "only the resource at the booking's location is taken")
    book_ok(c, a["id"], [svc["id"]], local_iso(day, "09:00"), p)


def test_patient_never_sees_resources(ctx):
    c = ctx.admin
    day = next_weekday(5)
    cl, st = clinic_with_staff(c, 5, "09:00", "12:00")
    room = _resource(c, cl.loc_id)
    svc = make_service(c, 30, resource_ids=[room["id"]], online_booking=True)
    patient, pc = _patient_login(ctx)
    mine = book_ok(pc, st["id"], [svc["id"]], local_iso(day, "09:00"), None)
    check("resources" not in mine, "the patient's booking answer has no resources: %r" % mine)
    check("resources" not in pc.get(API + "/bookings/%d" % mine["id"]).expect(200),
          "nor the patient's view of it")
    eq(c.get(API + "/bookings/%d" % mine["id"]).expect(200)["resources"],
       [{"resource_id": room["id"], "unit": 1}], "staff see the unit")


def test_race_shared_room_one_winner(ctx):
    # 24 practitioners, one room, the same time: one booking gets the room.
    n = 24
    c = ctx.admin
    day = next_weekday(1, min_ahead=21)
    cl = Clinic(c)
    staff = [cl.add_staff([(1, "09:00", "12:00")]) for _ in range(n)]
    room = _resource(c, cl.loc_id)
    svc = make_service(c, 30, buffer_after_min=10, resource_ids=[room["id"]])
    patients = [make_patient(c)["id"] for _ in range(n)]
    clients = [Client(ctx.port) for _ in range(n)]
    for cl_ in clients:
        cl_.cookies, cl_.csrf = dict(c.cookies), c.csrf
    results = [None] * n
    barrier = threading.Barrier(n)

    def racer(i):
        try:
            barrier.wait(timeout=60)
            r = book(clients[i], staff[i]["id"], [svc["id"]], local_iso(day, "10:00"),
                     patients[i])
            results[i] = (r.status, r.json)
        except Exception as exc:  # reported with the others below
            results[i] = (None, repr(exc))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = [r[0] if r else None for r in results]
    check(all(s in (201, 409) for s in statuses), "every racer answered: %s" % results)
    eq(statuses.count(201), 1, "exactly one winner: %s" % statuses)
    for status, body in results:
        if status == 409:
            check("resource" in body.get("detail", ""), "loser detail: %r" % body)
    eq(ctx.sql_rows("SELECT count(*) FROM bookings b JOIN booking_resources r "
                    "ON r.booking_id = b.id WHERE r.resource_id = ? AND b.status <> 'cancelled'",
                    (room["id"],))[0][0], 1, "one booking holds the room")
    eq(ctx.sql_rows("SELECT count(*) FROM booking_resources x JOIN booking_resources y "
                    "ON x.resource_id = y.resource_id AND x.unit = y.unit "
                    "AND x.booking_id < y.booking_id AND x.start_at < y.end_at "
                    "AND y.start_at < x.end_at")[0][0], 0, "no unit is used twice anywhere")


def test_database_refuses_a_unit_taken_twice(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=21)
    cl, a, b = _two_staff(c, 2)
    room = _resource(c, cl.loc_id, quantity=2)
    svc = make_service(c, 30, resource_ids=[room["id"]])
    p = make_patient(c)["id"]
    one = book_ok(c, a["id"], [svc["id"]], local_iso(day, "10:00"), p)
    two = book_ok(c, b["id"], [svc["id"]], local_iso(day, "10:00"), p)
    eq(two["resources"], [{"resource_id": room["id"], "unit": 2}], "the second unit")
    refused = False
    try:
        ctx.sql_rows("UPDATE booking_resources SET unit = 1 WHERE booking_id = ?", (two["id"],))
    except DatabaseError as e:
        refused = "booking_resources_no_overlap" in str(e)
    check(refused, "the database refused unit 1 twice at once")
    eq(ctx.sql_rows("SELECT unit FROM booking_resources WHERE booking_id = ?", (one["id"],)),
       [(1,)], "the first booking kept its unit")


def test_calendar_resource_view(ctx):
    c = ctx.admin
    day = next_weekday(3, min_ahead=21)
    cl, a, b = _two_staff(c, 3)
    chairs = _resource(c, cl.loc_id, quantity=2, kind="chair")
    room = _resource(c, cl.loc_id, quantity=1)
    svc = make_service(c, 30, buffer_after_min=15, resource_ids=[chairs["id"], room["id"]])
    chair_only = make_service(c, 30, resource_ids=[chairs["id"]])
    p = make_patient(c)
    one = book_ok(c, a["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    two = book_ok(c, b["id"], [chair_only["id"]], local_iso(day, "09:00"), p["id"])
    body = c.get(API + "/calendar", date=str(day), location_id=cl.loc_id,
                 view="resources").expect(200)
    eq(body.get("view"), "resources", "the view")
    cols = [(x["resource_id"], x["unit"]) for x in body["resources"]]
    eq(cols, [(chairs["id"], 1), (chairs["id"], 2), (room["id"], 1)], "one column per unit")
    events = {(x["resource_id"], x["unit"]): [e["id"] for e in x["events"]]
              for x in body["resources"]}
    eq(events, {(chairs["id"], 1): [one["id"]], (chairs["id"], 2): [two["id"]],
                (room["id"], 1): [one["id"]]}, "bookings in their units' columns")
    ev = body["resources"][0]["events"][0]
    eq((ev["start"], ev["end"], ev["occupied_end"], ev["patient"]["id"], ev["staff_id"]),
       (local_iso(day, "09:00"), local_iso(day, "09:30"), local_iso(day, "09:45"), p["id"],
        a["id"]), "the event with its occupied time")
    expect_field_error(c.get(API + "/calendar", date=str(day), location_id=cl.loc_id,
                             view="rooms"), "view")
    eq(len(c.get(API + "/calendar", date=str(day), location_id=cl.loc_id).expect(200)["staff"]),
       2, "the staff view stays the default")


# --- holds ----------------------------------------------------------------------


def _hold(c, staff_id, service_ids, start):
    return c.post(API + "/holds", {"staff_id": staff_id, "service_ids": list(service_ids),
                                   "start": start})


def test_hold_keeps_a_time_for_its_session(ctx):
    c = ctx.admin
    day = next_weekday(1, min_ahead=28)
    cl, st = clinic_with_staff(c, 1, "09:00", "12:00")
    svc = make_service(c, 30, online_booking=True)
    pa, ca = _patient_login(ctx)
    _, cb = _patient_login(ctx)
    start = local_iso(day, "10:00")
    held = _hold(ca, st["id"], [svc["id"]], start).expect(201)
    check(isinstance(held.get("id"), int) and len(held.get("token") or "") >= 32,
          "a hold has an id and a token: %r" % held)
    stored = ctx.sql_rows("SELECT expires_at - created_at FROM holds WHERE id = ?", (held["id"],))
    eq(stored, [(600,)], "held for hold_minutes (default 10)")
    check(start in starts(slots_of(ca, [svc["id"]], day, staff_id=st["id"])),
          "the holder still sees the held time")
    others = starts(slots_of(cb, [svc["id"]], day, staff_id=st["id"]))
    check(start not in others, "another patient does not see it")
    check(local_iso(day, "09:45") not in others and local_iso(day, "10:15") not in others
          and local_iso(day, "09:30") in others and local_iso(day, "10:30") in others,
          "nor the times overlapping it")
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
          "staff do not see it either")
    book(cb, st["id"], [svc["id"]], start).expect_problem(409)
    book(c, st["id"], [svc["id"]], start, make_patient(c)["id"]).expect_problem(409)
    # Someone else's token is no key to it; the holder's is.
    booked = book(ca, st["id"], [svc["id"]], start, hold_token=held["token"]).expect(201)
    eq((booked["start"], booked["patient_id"]), (start, pa["id"]), "the holder booked it")
    eq(ctx.sql_rows("SELECT count(*) FROM holds WHERE id = ?", (held["id"],)), [(0,)],
       "booking consumed the hold")


def test_hold_bad_input_and_taken_time(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=28)
    cl, st = clinic_with_staff(c, 2, "09:00", "12:00")
    svc = make_service(c, 30, online_booking=True)
    hidden = make_service(c, 30, online_booking=False)
    _, pc = _patient_login(ctx)
    before = ctx.sql_rows("SELECT count(*) FROM holds")[0][0]
    expect_field_error(pc.post(API + "/holds", {"service_ids": [svc["id"]],
                                                 "start": local_iso(day, "10:00")}), "staff_id")
    expect_field_error(_hold(pc, st["id"], [], local_iso(day, "10:00")), "service_ids")
    expect_field_error(_hold(pc, st["id"], [svc["id"]], "tomorrow"), "start")
    expect_field_error(_hold(pc, st["id"], [999999], local_iso(day, "10:00")), "service_ids")
    expect_field_error(_hold(pc, st["id"], [hidden["id"]], local_iso(day, "10:00")),
                       "service_ids")
    book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), make_patient(c)["id"])
    _hold(pc, st["id"], [svc["id"]], local_iso(day, "10:15")).expect_problem(409)
    _hold(pc, st["id"], [svc["id"]], local_iso(day, "13:00")).expect_problem(409)
    eq(ctx.sql_rows("SELECT count(*) FROM holds")[0][0], before, "nothing held")


def test_three_holds_per_session_and_release(ctx):
    c = ctx.admin
    day = next_weekday(3, min_ahead=28)
    cl, st = clinic_with_staff(c, 3, "09:00", "12:00")
    svc = make_service(c, 30, online_booking=True)
    _, pa = _patient_login(ctx)
    _, pb = _patient_login(ctx)
    ids = [_hold(pa, st["id"], [svc["id"]], local_iso(day, t)).expect(201)["id"]
           for t in ("09:00", "09:30", "10:00")]
    prob = _hold(pa, st["id"], [svc["id"]], local_iso(day, "11:00")).expect_problem(409)
    check("3" in prob.get("detail", ""), "the limit is named: %r" % prob)
    # Another session may hold another time; nobody but the holder releases.
    _hold(pb, st["id"], [svc["id"]], local_iso(day, "11:00")).expect(201)
    pb.delete(API + "/holds/%d" % ids[0]).expect_problem(404)
    Client(ctx.port).delete(API + "/holds/%d" % ids[0]).expect_problem(404)
    pa.delete(API + "/holds/%d" % ids[0]).expect(200)
    check(local_iso(day, "09:00") in starts(slots_of(pb, [svc["id"]], day, staff_id=st["id"])),
          "a released time is free again")
    _hold(pa, st["id"], [svc["id"]], local_iso(day, "09:00")).expect(201)


def test_expired_hold_is_ignored(ctx):
    c = ctx.admin
    day = next_weekday(4, min_ahead=28)
    cl, st = clinic_with_staff(c, 4, "09:00", "12:00")
    svc = make_service(c, 30, online_booking=True)
    _, pa = _patient_login(ctx)
    _, pb = _patient_login(ctx)
    start = local_iso(day, "10:00")
    with settings_changed(c, hold_minutes=1):
        held = _hold(pa, st["id"], [svc["id"]], start).expect(201)
    eq(ctx.sql_rows("SELECT expires_at - created_at FROM holds WHERE id = ?", (held["id"],)),
       [(60,)], "held for the hold_minutes set")
    check(start not in starts(slots_of(pb, [svc["id"]], day, staff_id=st["id"])), "held")
    # The minute passes (moved back rather than waited for).
    ctx.sql_rows("UPDATE holds SET created_at = created_at - 61, expires_at = expires_at - 61 "
                 "WHERE id = ?", (held["id"],))
    check(start in starts(slots_of(pb, [svc["id"]], day, staff_id=st["id"])),
          "an expired hold keeps nothing")
    book_ok(pb, st["id"], [svc["id"]], start, None)
    # Its token books nothing now: the time went to the other patient.
    book(pa, st["id"], [svc["id"]], start, hold_token=held["token"]).expect_problem(409)
    expect_field_error(c.patch(API + "/settings", {"hold_minutes": 0}), "hold_minutes")


def test_visitor_hold_and_held_room(ctx):
    # A visitor (no login) holds by a cookie of their own; a hold keeps the
    # room its service needs, so another practitioner cannot take it.
    c = ctx.admin
    day = next_weekday(5, min_ahead=28)
    cl, a, b = _two_staff(c, 5)
    room = _resource(c, cl.loc_id)
    svc = make_service(c, 30, online_booking=True, resource_ids=[room["id"]])
    visitor = Client(ctx.port)
    start = local_iso(day, "10:00")
    r = _hold(visitor, a["id"], [svc["id"]], start)
    held = r.expect(201)
    check(visitor.cookies.get("chairside_visitor"), "the visitor got a cookie")
    check(start in starts(slots_of(visitor, [svc["id"]], day, staff_id=a["id"])),
          "the visitor sees the held time")
    eq(ctx.sql_rows("SELECT resource_id, unit FROM hold_resources WHERE hold_id = ?",
                    (held["id"],)), [(room["id"], 1)], "the hold keeps the room")
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=b["id"])),
          "the room is not offered with the other practitioner")
    prob = book(c, b["id"], [svc["id"]], start, make_patient(c)["id"]).expect_problem(409)
    check("resource" in prob.get("detail", ""), "refused for the room: %r" % prob)
    Client(ctx.port).delete(API + "/holds/%d" % held["id"]).expect_problem(404)
    visitor.delete(API + "/holds/%d" % held["id"]).expect(200)
    book_ok(c, b["id"], [svc["id"]], start, make_patient(c)["id"])

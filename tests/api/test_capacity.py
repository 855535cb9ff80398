"""Capacity: buffers protect both sides of a booking (design.md rule 4),
resources with units that availability and bookings respect, and holds
on a slot while a patient books. Both backends; the races run with the
server's real concurrency."""

import threading

from helpers import (API, Client, DatabaseError, book, book_ok, check, clinic_with_staff, eq, grid,
                     local_iso, make_patient, make_service, next_weekday, slots_of, starts)


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

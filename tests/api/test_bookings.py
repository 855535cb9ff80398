"""Bookings: create, the 409 reasons, new patients, lists and filters,
reschedule, notes, cancel, history, the 20-client race and group
capacity."""

import datetime as dt
import threading

from helpers import (API, Client, book, book_ok, check, clinic_with_staff, eq,
                     expect_field_error, grid, local_iso, make_patient, make_service,
                     next_weekday, parse_ts, same_instant, settings_changed, slots_of, starts)


def _setup(c, weekday=2, start="09:00", end="12:00", duration=30, **svc_fields):
    cl, st = clinic_with_staff(c, weekday, start, end)
    svc = make_service(c, duration, **svc_fields)
    return cl, st, svc, next_weekday(weekday)


def _history(c, booking_id):
    body = c.get(API + "/bookings/%d/history" % booking_id).expect(200)
    items = body.get("items") if isinstance(body, dict) else body
    check(isinstance(items, list), "history is not a list: %r" % body)
    return items


def test_create_booking_201(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c)
    p = make_patient(c)
    start = local_iso(day, "10:00")
    r = book(c, st["id"], [svc["id"]], start, p["id"], notes="first visit", pay="now")
    b = r.expect(201)
    eq(r.content_type, "application/json", "Content-Type")
    check(isinstance(b.get("id"), int), "booking id: %r" % b)
    eq(b.get("status"), "confirmed", "status")
    eq(b.get("patient_id"), p["id"], "patient_id")
    eq(b.get("staff_id"), st["id"], "staff_id")
    eq(b.get("service_ids"), [svc["id"]], "service_ids")
    eq(b.get("start"), start, "start rendered in the location's zone")
    eq(b.get("end"), local_iso(day, "10:30"), "end")
    eq(b.get("source"), "staff", "source")
    eq(b.get("payment_status"), "unpaid", "payment_status (staff bookings ignore pay)")
    check("invoice_id" in b, "booking lacks invoice_id: %r" % b)
    eq(b.get("notes"), "first visit", "notes")
    got = c.get(API + "/bookings/%d" % b["id"]).expect(200)
    for k in ("id", "status", "patient_id", "staff_id", "service_ids", "start", "end", "source",
              "payment_status"):
        eq(got.get(k), b.get(k), "GET booking %s" % k)
    # The slot is gone from availability.
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
          "booked slot still offered")


def test_create_with_utc_start_renders_local(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=3)
    local = parse_ts(local_iso(day, "09:30"))
    utc = local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    b = book_ok(c, st["id"], [svc["id"]], utc, make_patient(c)["id"])
    eq(b["start"], local_iso(day, "09:30"), "start sent in UTC, rendered in Berlin")


def test_multi_service_booking(ctx):
    c = ctx.admin
    cl, st, a, day = _setup(c, weekday=4)
    b = make_service(c, 45)
    r = book_ok(c, st["id"], [a["id"], b["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    eq(r["service_ids"], [a["id"], b["id"]], "service_ids in order")
    eq(r["end"], local_iso(day, "10:15"), "end after 30 + 45 minutes")


def test_slot_not_offered_409_with_reason(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c)
    p = make_patient(c)["id"]
    book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p)
    cases = [
        (local_iso(day, "09:00"), "taken"),
        (local_iso(day, "09:15"), "taken"),      # overlaps 09:00-09:30
        (local_iso(day, "13:00"), "outside"),    # after the shift
        (local_iso(day, "11:45"), "outside"),    # would end after 12:00
        (local_iso(day - dt.timedelta(days=1), "10:00"), "outside"),  # no shift that day
        (local_iso(day, "10:07"), "grid"),       # off the 15-minute grid
        (local_iso(day - dt.timedelta(days=7 * 60), "10:00"), "past"),
    ]
    for start, why in cases:
        prob = book(c, st["id"], [svc["id"]], start, p).expect_problem(409)
        check(why in prob["detail"].lower(),
              "booking %s: detail should say %r: %r" % (start, why, prob["detail"]))
    items = c.get(API + "/bookings", staff_id=st["id"]).expect(200)["items"]
    eq(len(items), 1, "refused bookings were not stored")


def test_staff_not_assigned_409(ctx):
    c = ctx.admin
    day = next_weekday(5)
    svc = make_service(c, 30)
    cl, st = clinic_with_staff(c, 5, service_ids=[])
    _, ok_staff = clinic_with_staff(c, 5, service_ids=[svc["id"]])
    p = make_patient(c)["id"]
    with settings_changed(c, assign_services_to_staff=True):
        prob = book(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p).expect_problem(409)
        check("assigned" in prob["detail"], "detail should say not assigned: %r" % prob)
        book_ok(c, ok_staff["id"], [svc["id"]], local_iso(day, "09:00"), p)
    book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p)


def test_booking_with_new_patient(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=1)
    name = "New Patient %s" % st["id"]
    r = c.post(API + "/bookings", {"patient": {"name": name, "phone": "+49 151 %d" % st["id"]},
                                   "staff_id": st["id"], "service_ids": [svc["id"]],
                                   "start": local_iso(day, "11:00")})
    b = r.expect(201)
    check(isinstance(b.get("patient_id"), int), "patient_id of the new patient: %r" % b)
    p = c.get(API + "/patients/%d" % b["patient_id"]).expect(200)
    eq((p["name"], p["phone"]), (name, "+49 151 %d" % st["id"]), "new patient record")
    found = c.get(API + "/patients", q=name).expect(200)["items"]
    eq([i["id"] for i in found], [b["patient_id"]], "search finds the new patient once")
    # The new patient needs a name and a phone; a failed booking adds no patient.
    r = c.post(API + "/bookings", {"patient": {"name": name + " 2"}, "staff_id": st["id"],
                                   "service_ids": [svc["id"]],
                                   "start": local_iso(day, "09:00")})
    r.expect_problem(422)
    r = c.post(API + "/bookings", {"patient": {"name": name + " 3", "phone": "1"},
                                   "staff_id": st["id"], "service_ids": [svc["id"]],
                                   "start": local_iso(day, "11:00")})
    r.expect_problem(409)
    eq(c.get(API + "/patients", q=name + " 3").expect(200)["items"], [],
       "a refused booking must not leave its new patient behind")


def test_booking_validation_422(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=1)
    p = make_patient(c)["id"]
    start = local_iso(day, "09:00")
    expect_field_error(c.post(API + "/bookings", {"patient_id": p, "service_ids": [svc["id"]],
                                                  "start": start}), "staff_id")
    expect_field_error(book(c, st["id"], [], start, p), "service_ids")
    expect_field_error(book(c, st["id"], [999999], start, p), "service_ids")
    expect_field_error(book(c, st["id"], [svc["id"]], "2030-01-01 09:00", p), "start")
    expect_field_error(book(c, st["id"], [svc["id"]], start, 999999), "patient_id")
    expect_field_error(book(c, st["id"], [svc["id"]], start, p, pay="later"), "pay")
    eq(c.get(API + "/bookings", staff_id=st["id"]).expect(200)["items"], [],
       "no booking stored by refused requests")


def test_list_filters_and_get(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=2)
    day2 = day + dt.timedelta(days=7)
    p1, p2 = make_patient(c)["id"], make_patient(c)["id"]
    b1 = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p1)
    b2 = book_ok(c, st["id"], [svc["id"]], local_iso(day2, "09:00"), p2)
    b3 = book_ok(c, st["id"], [svc["id"]], local_iso(day2, "10:00"), p1)
    c.post(API + "/bookings/%d/cancel" % b3["id"], {"reason": "ill"}).expect(200)

    def ids(**params):
        body = c.get(API + "/bookings", **params).expect(200)
        check("items" in body and "next_cursor" in body, "list shape: %r" % body)
        return sorted(i["id"] for i in body["items"])

    eq(ids(staff_id=st["id"]), sorted([b1["id"], b2["id"], b3["id"]]), "staff_id filter")
    eq(ids(patient_id=p1), sorted([b1["id"], b3["id"]]), "patient_id filter")
    eq(ids(staff_id=st["id"], status="cancelled"), [b3["id"]], "status=cancelled")
    eq(ids(staff_id=st["id"], status="confirmed"), sorted([b1["id"], b2["id"]]),
       "status=confirmed")
    eq(ids(staff_id=st["id"], payment_status="unpaid"),
       sorted([b1["id"], b2["id"], b3["id"]]), "payment_status=unpaid")
    eq(ids(staff_id=st["id"], payment_status="paid"), [], "payment_status=paid")
    eq(ids(staff_id=st["id"], **{"from": str(day), "to": str(day)}), [b1["id"]],
       "from/to of the first day")
    eq(ids(staff_id=st["id"], **{"from": str(day2), "to": str(day2)}),
       sorted([b2["id"], b3["id"]]), "from/to of the second day")
    eq(ids(staff_id=st["id"], **{"from": str(day + dt.timedelta(days=1))}),
       sorted([b2["id"], b3["id"]]), "from only")
    page = c.get(API + "/bookings", staff_id=st["id"], limit=2).expect(200)
    eq(len(page["items"]), 2, "limit=2")
    rest = c.get(API + "/bookings", staff_id=st["id"], limit=2,
                 cursor=page["next_cursor"]).expect(200)
    eq(sorted([i["id"] for i in page["items"] + rest["items"]]),
       sorted([b1["id"], b2["id"], b3["id"]]), "pages cover every booking")
    got = c.get(API + "/bookings/%d" % b2["id"]).expect(200)
    eq((got["id"], got["patient_id"], got["start"], got["status"]),
       (b2["id"], p2, local_iso(day2, "09:00"), "confirmed"), "GET one")
    c.get(API + "/bookings/999999").expect_problem(404)


def test_reschedule_and_notes(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=3)
    other = cl.add_staff([(3, "09:00", "12:00")])
    p = make_patient(c)["id"]
    a = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), p)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:00"), p)
    path = API + "/bookings/%d" % a["id"]
    moved = c.patch(path, {"start": local_iso(day, "10:00")}).expect(200)
    eq((moved["start"], moved["end"]), (local_iso(day, "10:00"), local_iso(day, "10:30")),
       "rescheduled times")
    eq(moved["status"], "confirmed", "status after reschedule")
    free = starts(slots_of(c, [svc["id"]], day, staff_id=st["id"]))
    check(local_iso(day, "09:00") in free, "old slot not freed by the reschedule")
    check(local_iso(day, "10:00") not in free, "new slot still offered")
    # Onto the other booking, or overlapping it: 409, and nothing changes.
    for start in (local_iso(day, "11:00"), local_iso(day, "10:45")):
        prob = c.patch(path, {"start": start}).expect_problem(409)
        check("taken" in prob["detail"], "detail should say taken: %r" % prob)
    c.patch(path, {"start": local_iso(day, "10:10")}).expect_problem(409)
    c.patch(path, {"start": local_iso(day, "12:00")}).expect_problem(409)
    eq(c.get(path).expect(200)["start"], local_iso(day, "10:00"), "start after refused moves")
    # Moving within its own time (overlapping itself) is fine.
    eq(c.patch(path, {"start": local_iso(day, "10:15")}).expect(200)["start"],
       local_iso(day, "10:15"), "move overlapping its own old time")
    # Another staff member.
    moved = c.patch(path, {"staff_id": other["id"], "start": local_iso(day, "11:00")}).expect(200)
    eq((moved["staff_id"], moved["start"]), (other["id"], local_iso(day, "11:00")),
       "moved to another staff member")
    noted = c.patch(path, {"notes": "bring x-rays"}).expect(200)
    eq(noted["notes"], "bring x-rays", "notes changed")
    eq(noted["start"], local_iso(day, "11:00"), "notes change keeps the time")
    eq(c.get(API + "/bookings/%d" % b["id"]).expect(200)["start"], local_iso(day, "11:00"),
       "other booking untouched")
    c.patch(API + "/bookings/999999", {"notes": "x"}).expect_problem(404)
    expect_field_error(c.patch(path, {"start": "soon"}), "start")


def test_cancel_frees_slot(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=4)
    start = local_iso(day, "09:30")
    b = book_ok(c, st["id"], [svc["id"]], start, make_patient(c)["id"])
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])), "slot taken")
    r = c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "patient called"})
    cancelled = r.expect(200)
    eq(cancelled["status"], "cancelled", "status after cancel")
    eq(cancelled["id"], b["id"], "cancelled booking id")
    eq(c.get(API + "/bookings/%d" % b["id"]).expect(200)["status"], "cancelled", "GET status")
    eq(starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])), grid(day, "09:00", "11:30"),
       "cancelled booking no longer blocks")
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "again"}).expect_problem(409)
    c.patch(API + "/bookings/%d" % b["id"], {"notes": "x"}).expect_problem(409)
    book_ok(c, st["id"], [svc["id"]], start, make_patient(c)["id"])
    c.post(API + "/bookings/999999/cancel", {"reason": "x"}).expect_problem(404)


def test_history(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=5)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "10:00")}).expect(200)
    c.patch(API + "/bookings/%d" % b["id"], {"notes": "changed"}).expect(200)
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "no-show"}).expect(200)
    items = _history(c, b["id"])
    eq([i.get("action") for i in items], ["created", "updated", "updated", "cancelled"],
       "history actions in order")
    for i in items:
        parse_ts(i.get("at"))
        actor = i.get("actor")
        check(isinstance(actor, str) and ("admin" in actor or str(c.user["id"]) in actor),
              "history actor should name the admin: %r" % i)
        check(isinstance(i.get("changes"), dict), "changes should be an object: %r" % i)
    check("start" in items[1]["changes"], "reschedule changes name start: %r" % items[1])
    check("notes" in items[2]["changes"], "notes change names notes: %r" % items[2])
    eq(items[3]["changes"].get("reason"), "no-show", "cancel reason in history")
    c.get(API + "/bookings/999999/history").expect_problem(404)


def test_history_times_are_rfc3339(ctx):
    # api.md: timestamps at the API edge are RFC 3339 with offset.
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=5)
    b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "09:00"), make_patient(c)["id"])
    c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "10:00")}).expect(200)
    change = _history(c, b["id"])[1]["changes"].get("start")
    check(isinstance(change, list) and len(change) == 2, "start change: %r" % change)
    check(all(isinstance(v, str) for v in change),
          "history start change should be RFC 3339 times, got %r" % change)
    same_instant(change[0], local_iso(day, "09:00"), "old start")
    same_instant(change[1], local_iso(day, "10:00"), "new start")


def test_race_20_clients_one_slot(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=1)
    p = make_patient(c)["id"]
    start = local_iso(day, "10:30")
    n = 20
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        client = Client(ctx.port)
        client.cookies = dict(c.cookies)
        client.csrf = c.csrf
        try:
            barrier.wait(timeout=30)
            r = book(client, st["id"], [svc["id"]], start, p, notes="racer %d" % i)
            results[i] = (r.status, r.json)
        except Exception as exc:  # recorded and reported below
            results[i] = (None, repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    statuses = sorted(str(r[0]) for r in results)
    eq(statuses.count("201"), 1, "exactly one winner (statuses %s)" % statuses)
    eq(statuses.count("409"), n - 1, "every loser gets 409 (statuses %s)" % statuses)
    for status, body in results:
        if status == 409:
            check("taken" in body.get("detail", ""), "loser detail: %r" % body)
    items = c.get(API + "/bookings", staff_id=st["id"]).expect(200)["items"]
    eq(len(items), 1, "bookings stored for the raced slot")
    eq((items[0]["start"], items[0]["status"]), (start, "confirmed"), "the stored booking")
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
          "raced slot still offered")


def test_race_overlapping_starts(ctx):
    # Different but overlapping starts race for one staff member: at most
    # one of each overlapping pair may win, and none may overlap afterwards.
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=2, duration=60)
    p = make_patient(c)["id"]
    wanted = grid(day, "09:00", "11:00")  # 9 starts, each 60 minutes long
    barrier = threading.Barrier(len(wanted))
    results = []
    lock = threading.Lock()

    def worker(start):
        client = Client(ctx.port)
        client.cookies = dict(c.cookies)
        client.csrf = c.csrf
        barrier.wait(timeout=30)
        r = book(client, st["id"], [svc["id"]], start, p)
        with lock:
            results.append(r.status)

    threads = [threading.Thread(target=worker, args=(s,)) for s in wanted]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    check(all(s in (201, 409) for s in results), "statuses %s" % results)
    items = c.get(API + "/bookings", staff_id=st["id"]).expect(200)["items"]
    eq(len(items), results.count(201), "stored bookings equal the 201s")
    spans = sorted((parse_ts(i["start"]), parse_ts(i["end"])) for i in items)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        check(e1 <= s2, "bookings overlap: %s-%s and %s-%s" % (s1, e1, s2, e2))


def test_group_capacity(ctx):
    c = ctx.admin
    cl, st, svc, day = _setup(c, weekday=3, duration=60, capacity=3)
    solo = make_service(c, 30)
    start = local_iso(day, "10:00")
    made = []
    for i in range(3):
        offered = starts(slots_of(c, [svc["id"]], day, staff_id=st["id"]))
        check(start in offered, "group slot should stay open with %d of 3 booked" % i)
        made.append(book_ok(c, st["id"], [svc["id"]], start, make_patient(c)["id"]))
    eq(len({b["id"] for b in made}), 3, "three bookings in one group slot")
    check(start not in starts(slots_of(c, [svc["id"]], day, staff_id=st["id"])),
          "a full group slot is still offered")
    prob = book(c, st["id"], [svc["id"]], start, make_patient(c)["id"]).expect_problem(409)
    check("taken" in prob["detail"] or "full" in prob["detail"], "4th booking: %r" % prob)
    # The staff member is busy for anything else meanwhile.
    book(c, st["id"], [solo["id"]], local_iso(day, "10:30"),
         make_patient(c)["id"]).expect_problem(409)
    # A group booking at a different, overlapping time is not a shared slot.
    book(c, st["id"], [svc["id"]], local_iso(day, "10:30"),
         make_patient(c)["id"]).expect_problem(409)
    # Cancelling one frees a seat.
    c.post(API + "/bookings/%d/cancel" % made[0]["id"], {"reason": "x"}).expect(200)
    book_ok(c, st["id"], [svc["id"]], start, make_patient(c)["id"])
    eq(len(c.get(API + "/bookings", staff_id=st["id"], status="confirmed").expect(200)["items"]),
       3, "confirmed bookings in the group slot")

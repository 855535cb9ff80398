"""Consumables: a service's bill of materials with per-staff entries, a
booking's own list, the write-off from the location's consumables storage
when a booking becomes arrived (once per time a service is booked),
reversed when it leaves arrived, exactly once when two staff mark it at
the same moment, with Dr 5000 / Cr 1200 at cost and the ledger balanced
after every step; a booking listing one service twice."""

import threading

from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_location, make_patient, make_service, next_weekday)
from stockkit import accounts, level, make_product, make_storage, move, movements


class _Setup:
    """A clinic with a consumables storage, two products in stock, a
    30-minute service using 2 gloves and 1 swab, and a staff member."""

    def __init__(self, ctx, weekday=3, ahead=28):
        self.ctx = ctx
        self.a = ctx.admin
        self.svc = make_service(self.a, 30, price=6000)
        self.cl, self.st = clinic_with_staff(self.a, weekday, "08:00", "18:00")
        self.loc = self.cl.loc_id
        self.day = next_weekday(weekday, ahead)
        self.patient = make_patient(self.a)
        self.store = make_storage(self.a, self.loc, "consumables")
        self.gloves = make_product(self.a, name="Gloves", cost_price=50)
        self.swab = make_product(self.a, name="Swab", cost_price=20)
        for p in (self.gloves, self.swab):
            move(self.a, p["id"], self.store["id"], 100).expect(201)
        self.a.put(API + "/services/%d/consumables" % self.svc["id"], {"items": [
            {"product_id": self.gloves["id"], "quantity": 2},
            {"product_id": self.swab["id"], "quantity": 1}]}).expect(200)

    def book(self, hhmm, services=None, staff=None):
        return book_ok(self.a, (staff or self.st)["id"], services or [self.svc["id"]],
                       local_iso(self.day, hhmm), self.patient["id"])

    def mark(self, booking, attendance, c=None):
        return (c or self.a).post(API + "/bookings/%d/attendance" % booking["id"],
                                  {"attendance": attendance})

    def levels(self):
        return (level(self.a, self.gloves["id"], self.store["id"]),
                level(self.a, self.swab["id"], self.store["id"]))


def test_bill_of_materials_with_staff_entries(ctx):
    s = _Setup(ctx)
    other = s.cl.add_staff([(3, "08:00", "18:00")])
    body = s.a.put(API + "/services/%d/consumables" % s.svc["id"], {"items": [
        {"product_id": s.gloves["id"], "quantity": 2},
        {"product_id": s.swab["id"], "quantity": 1},
        {"product_id": s.gloves["id"], "quantity": 5, "staff_id": other["id"]}]}).expect(200)
    eq([(i["product_id"], i["quantity"], i["staff_id"]) for i in body["items"]],
       [(s.gloves["id"], 2, None), (s.swab["id"], 1, None), (s.gloves["id"], 5, other["id"])],
       "bill of materials as stored")
    eq(ctx.staff.get(API + "/services/%d/consumables" % s.svc["id"]).expect(200)["items"],
       body["items"], "staff read it")
    ctx.staff.put(API + "/services/%d/consumables" % s.svc["id"], {"items": []}).expect(403)
    # The other staff member's entry replaces the general one for gloves only.
    b = s.book("09:00", staff=other)
    got = s.a.get(API + "/bookings/%d/consumables" % b["id"]).expect(200)
    eq(sorted((i["product_id"], i["quantity"], i["storage_id"]) for i in got["items"]),
       sorted([(s.gloves["id"], 5, s.store["id"]), (s.swab["id"], 1, s.store["id"])]),
       "planned for the other staff member")
    eq(got["custom"], False, "follows the services")


def test_bill_of_materials_bad_input_changes_nothing(ctx):
    s = _Setup(ctx)
    path = API + "/services/%d/consumables" % s.svc["id"]
    before = s.a.get(path).expect(200)["items"]
    expect_field_error(s.a.put(path, {"items": [{"product_id": 999999, "quantity": 1}]}),
                       "items[0].product_id")
    expect_field_error(s.a.put(path, {"items": [{"product_id": s.swab["id"], "quantity": 0}]}),
                       "items[0].quantity")
    expect_field_error(s.a.put(path, {"items": [{"product_id": s.swab["id"], "quantity": -2}]}),
                       "items[0].quantity")
    expect_field_error(s.a.put(path, {"items": [
        {"product_id": s.swab["id"], "quantity": 1, "staff_id": 999999}]}), "items[0].staff_id")
    expect_field_error(s.a.put(path, {"items": [{"product_id": s.swab["id"], "quantity": 1},
                                                {"product_id": s.swab["id"], "quantity": 2}]}),
                       "items[1].product_id")
    expect_field_error(s.a.put(path, {"items": {"product_id": 1}}), "items")
    s.a.put(API + "/services/999999/consumables", {"items": []}).expect_problem(404)
    eq(s.a.get(path).expect(200)["items"], before, "bill of materials unchanged")


def test_arrived_writes_off_and_leaving_arrived_reverses(ctx):
    s = _Setup(ctx)
    b = s.book("10:00")
    before = accounts(s.a)
    s.mark(b, "confirmed").expect(200)
    eq(s.levels(), (100, 100), "nothing written off before arrival")
    s.mark(b, "arrived").expect(200)
    eq(s.levels(), (98, 99), "2 gloves and 1 swab written off")
    got = s.a.get(API + "/bookings/%d/consumables" % b["id"]).expect(200)
    eq(sorted((i["product_id"], i["written_off"]) for i in got["items"]),
       sorted([(s.gloves["id"], 2), (s.swab["id"], 1)]), "written off per item")
    offs = movements(s.a, booking_id=b["id"])
    eq(sorted((m["product_id"], m["quantity"], m["reason"]) for m in offs),
       sorted([(s.gloves["id"], -2, "write_off"), (s.swab["id"], -1, "write_off")]),
       "write-off movements of the booking")
    mid = accounts(s.a)
    eq(mid["5000"] - before["5000"], 2 * 50 + 20, "cost of consumables at cost_price")
    eq(mid["1200"] - before["1200"], -(2 * 50 + 20), "inventory down")
    s.mark(b, "arrived").expect(200)
    eq(s.levels(), (98, 99), "marking arrived again writes off nothing more")
    s.mark(b, "no_show").expect(200)
    eq(s.levels(), (100, 100), "leaving arrived puts it back")
    after = accounts(s.a)
    eq((after["5000"], after["1200"]), (before["5000"], before["1200"]), "cost taken back")
    eq(len(movements(s.a, booking_id=b["id"])), 4, "the reversal is new movements")


def test_one_service_twice_counts_twice(ctx):
    s = _Setup(ctx)
    b = s.book("11:00", services=[s.svc["id"], s.svc["id"]])
    eq(b["service_ids"], [s.svc["id"], s.svc["id"]], "service listed twice")
    from helpers import parse_ts
    eq(int((parse_ts(b["end"]) - parse_ts(b["start"])).total_seconds() // 60), 60,
       "twice the duration")
    inv = s.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
    eq([l["service_id"] for l in inv["lines"]], [s.svc["id"], s.svc["id"]], "two invoice lines")
    eq(inv["total"], 12000, "twice the price")
    got = s.a.get(API + "/availability", service_ids="%d,%d" % (s.svc["id"], s.svc["id"]),
                  staff_id=s.st["id"], **{"from": str(s.day), "to": str(s.day)}).expect(200)
    eq(got["duration_min"], 60, "availability of the service twice")
    check(got["slots"], "it has slots")
    expect_field_error(s.a.get(API + "/availability", service_ids="%d,0" % s.svc["id"],
                               **{"from": str(s.day), "to": str(s.day)}), "service_ids")
    s.mark(b, "arrived").expect(200)
    eq(s.levels(), (96, 98), "consumables of both occurrences")
    s.mark(b, "pending").expect(200)
    eq(s.levels(), (100, 100), "reversed")
    accounts(s.a)


def test_booking_own_consumables_before_and_after_arrival(ctx):
    s = _Setup(ctx)
    b = s.book("12:00")
    path = API + "/bookings/%d/consumables" % b["id"]
    got = s.a.put(path, {"items": [{"product_id": s.gloves["id"], "storage_id": s.store["id"],
                                    "quantity": 4}]}).expect(200)
    eq((got["custom"], [(i["product_id"], i["quantity"], i["written_off"])
                        for i in got["items"]]), (True, [(s.gloves["id"], 4, 0)]),
       "own list, nothing written off yet")
    s.mark(b, "arrived").expect(200)
    eq(s.levels(), (96, 100), "the booking's own list is written off")
    s.a.put(path, {"items": [{"product_id": s.gloves["id"], "storage_id": s.store["id"],
                              "quantity": 3},
                             {"product_id": s.swab["id"], "storage_id": s.store["id"],
                              "quantity": 2}]}).expect(200)
    eq(s.levels(), (97, 98), "after arrival the write-off follows the change")
    s.mark(b, "confirmed").expect(200)
    eq(s.levels(), (100, 100), "all taken back")
    accounts(s.a)


def test_booking_consumables_bad_input_changes_nothing(ctx):
    s = _Setup(ctx)
    b = s.book("13:00")
    path = API + "/bookings/%d/consumables" % b["id"]
    elsewhere = make_storage(s.a, make_location(s.a)["id"], "consumables")
    for bad, field in (
            ({"product_id": 999999, "storage_id": s.store["id"], "quantity": 1},
             "items[0].product_id"),
            ({"product_id": s.swab["id"], "storage_id": 999999, "quantity": 1},
             "items[0].storage_id"),
            ({"product_id": s.swab["id"], "storage_id": elsewhere["id"], "quantity": 1},
             "items[0].storage_id"),
            ({"product_id": s.swab["id"], "storage_id": s.store["id"], "quantity": 0},
             "items[0].quantity"),
            ({"product_id": s.swab["id"], "quantity": 1}, "items[0].storage_id")):
        expect_field_error(s.a.put(path, {"items": [bad]}), field)
    got = s.a.get(path).expect(200)
    eq(got["custom"], False, "still follows the services")
    eq(len(got["items"]), 2, "the services' list")
    s.a.put(API + "/bookings/999999/consumables", {"items": []}).expect_problem(404)
    s.a.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    s.a.put(path, {"items": []}).expect_problem(409)
    s.mark(b, "arrived").expect_problem(409)
    eq(s.levels(), (100, 100), "a cancelled booking writes nothing off")
    eq(movements(s.a, booking_id=b["id"]), [], "no movements")


def test_visit_attendance_writes_off_each_booking(ctx):
    s = _Setup(ctx)
    b1, b2 = s.book("14:00"), s.book("14:30")
    vid = s.a.get(API + "/bookings/%d" % b1["id"]).expect(200)["visit_id"]
    if s.a.get(API + "/bookings/%d" % b2["id"]).expect(200)["visit_id"] == vid:
        s.a.post(API + "/visits/%d/attendance" % vid, {"attendance": "arrived"}).expect(200)
        eq(s.levels(), (96, 98), "both bookings of the visit")
    else:
        for b in (b1, b2):
            s.mark(b, "arrived").expect(200)
        eq(s.levels(), (96, 98), "both bookings")
    accounts(s.a)


def test_two_staff_mark_arrived_at_once_write_off_once(ctx):
    s = _Setup(ctx)
    for round_ in range(3):
        b = s.book("%02d:00" % (15 + round_))
        clients = [s.a, ctx.staff, ctx.staff]
        barrier = threading.Barrier(len(clients))
        results = [None] * len(clients)

        def worker(i):
            barrier.wait()
            results[i] = s.mark(b, "arrived", clients[i]).status

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(results, [200] * len(clients), "every request succeeds")
        offs = movements(s.a, booking_id=b["id"])
        eq(sorted((m["product_id"], m["quantity"]) for m in offs),
           sorted([(s.gloves["id"], -2), (s.swab["id"], -1)]), "written off once")
        marks = [h for h in s.a.get(API + "/bookings/%d/history" % b["id"]).expect(200)["items"]
                 if h["action"] == "attendance"]
        eq(len(marks), 1, "one attendance change")
    eq(s.levels(), (100 - 6, 100 - 3), "three bookings, each written off once")
    check(accounts(s.a)["5000"] >= 3 * 120, "cost posted")

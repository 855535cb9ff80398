"""Visits and attendance: attendance on bookings and appointments (with
their histories naming people in words), visits joined by
visit_interval_min, one attendance and one payment for a whole visit, the
no-show fee with its balanced entries, the attendance report, and two
staff marking one visit at once."""

import threading

from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_location, make_patient, make_service, next_weekday, settings_changed)

ATTENDANCES = ["pending", "confirmed", "arrived", "no_show"]


class _Day:
    """A staff member open 08:00-18:00 on a day of its own, a 30-minute
    service at 50.00, and a patient."""

    def __init__(self, ctx, weekday=2, ahead=21):
        self.ctx = ctx
        self.a = ctx.admin
        self.svc = make_service(self.a, 30, price=5000)
        self.cl, self.st = clinic_with_staff(self.a, weekday, "08:00", "18:00")
        self.day = next_weekday(weekday, ahead)
        self.patient = make_patient(self.a)

    def book(self, hhmm, patient=None, staff=None):
        return book_ok(self.a, (staff or self.st)["id"], [self.svc["id"]],
                       local_iso(self.day, hhmm), (patient or self.patient)["id"])

    def appointment(self, hhmm, minutes=30, patient=None):
        body = {"patient_id": (patient or self.patient)["id"], "staff_id": self.st["id"],
                "start": local_iso(self.day, hhmm), "duration_min": minutes}
        return self.a.post(API + "/appointments", body).expect(201)

    def visits(self, **params):
        body = self.a.get(API + "/visits", date=str(self.day), **params).expect(200)
        check(isinstance(body.get("items"), list), "visits list: %r" % body)
        return body["items"]


def _history(c, kind, item_id):
    return c.get(API + "/%s/%d/history" % (kind, item_id)).expect(200)["items"]


def _entries(c, invoice_id):
    items, cursor = [], None
    while True:
        params = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        body = c.get(API + "/journal-entries", **params).expect(200)
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    return [e for e in items if e.get("invoice_id") == invoice_id]


def _receivable(entries):
    """What the entries put on Accounts Receivable, after checking each
    balances."""
    total = 0
    for e in entries:
        debit = sum(l["debit"] for l in e["lines"])
        credit = sum(l["credit"] for l in e["lines"])
        eq(debit, credit, "entry %r balances" % e.get("memo"))
        total += sum(l["debit"] - l["credit"] for l in e["lines"] if l["account_code"] == "1100")
    return total


# --- attendance on one item ---------------------------------------------------------


def test_booking_attendance_and_history(ctx):
    d = _Day(ctx)
    b = d.book("09:00")
    eq(b.get("attendance"), "pending", "a new booking's attendance")
    got = ctx.staff.post(API + "/bookings/%d/attendance" % b["id"],
                         {"attendance": "arrived"}).expect(200)
    eq(got.get("attendance"), "arrived", "attendance after marking arrived")
    eq(d.a.get(API + "/bookings/%d" % b["id"]).expect(200).get("attendance"), "arrived",
       "attendance as stored")
    hist = _history(d.a, "bookings", b["id"])
    eq([h["action"] for h in hist], ["created", "attendance"], "history actions")
    eq(hist[1]["changes"], {"attendance": ["pending", "arrived"]}, "attendance change")
    eq(hist[1]["actor"], "Staff (staff)", "the actor in words")
    check(all(":" not in h["actor"] for h in hist), "no actor is an id: %r" % hist)
    # The same attendance again changes nothing.
    ctx.staff.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}).expect(200)
    eq(len(_history(d.a, "bookings", b["id"])), 2, "an unchanged attendance adds no history")


def test_attendance_bad_input_changes_nothing(ctx):
    d = _Day(ctx)
    b = d.book("09:30")
    for bad in ({"attendance": "late"}, {"attendance": 3}, {}):
        expect_field_error(d.a.post(API + "/bookings/%d/attendance" % b["id"], bad), "attendance")
    eq(d.a.get(API + "/bookings/%d" % b["id"]).expect(200)["attendance"], "pending",
       "attendance after refused input")
    d.a.post(API + "/bookings/999999/attendance", {"attendance": "arrived"}).expect_problem(404)
    ctx.client().post(API + "/bookings/%d/attendance" % b["id"],
                      {"attendance": "arrived"}).expect_problem(401)
    d.a.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    d.a.post(API + "/bookings/%d/attendance" % b["id"],
             {"attendance": "arrived"}).expect_problem(409)
    eq([h["action"] for h in _history(d.a, "bookings", b["id"])], ["created", "cancelled"],
       "a refused attendance leaves no history")


def test_appointment_attendance_and_history(ctx):
    d = _Day(ctx)
    ap = d.appointment("11:00")
    got = d.a.get(API + "/appointments/%d" % ap["id"]).expect(200)
    eq(got.get("attendance"), "pending", "a new appointment's attendance")
    got = d.a.post(API + "/appointments/%d/attendance" % ap["id"],
                   {"attendance": "confirmed"}).expect(200)
    eq(got.get("attendance"), "confirmed", "appointment attendance")
    d.a.patch(API + "/appointments/%d" % ap["id"], {"notes": "bring x-rays"}).expect(200)
    expect_field_error(d.a.post(API + "/appointments/%d/attendance" % ap["id"],
                                {"attendance": "gone"}), "attendance")
    d.a.post(API + "/appointments/%d/cancel" % ap["id"]).expect(200)
    d.a.post(API + "/appointments/%d/attendance" % ap["id"],
             {"attendance": "arrived"}).expect_problem(409)
    hist = _history(d.a, "appointments", ap["id"])
    eq([h["action"] for h in hist], ["created", "attendance", "updated", "cancelled"],
       "appointment history")
    eq(hist[1]["changes"], {"attendance": ["pending", "confirmed"]}, "attendance change")
    check("notes" in hist[2]["changes"], "the update names the notes: %r" % hist[2])
    eq(hist[0]["actor"], "Admin (admin)", "the actor in words")
    d.a.get(API + "/appointments/999999/history").expect_problem(404)
    ctx.client().get(API + "/appointments/%d/history" % ap["id"]).expect_problem(401)


# --- visits ------------------------------------------------------------------------------


def test_visits_join_items_by_interval(ctx):
    d = _Day(ctx)
    with settings_changed(d.a, visit_interval_min=30):
        b1 = d.book("09:00")
        b2 = d.book("09:45")  # 15 minutes after b1 ends
        ap = d.appointment("10:30")  # 15 minutes after b2 ends
        b3 = d.book("12:00")  # 90 minutes later: a visit of its own
        other = d.book("13:00", patient=make_patient(d.a))
        visits = d.visits(patient_id=d.patient["id"])
        eq([[(i["kind"], i["id"]) for i in v["items"]] for v in visits],
           [[("booking", b1["id"]), ("booking", b2["id"]), ("appointment", ap["id"])],
            [("booking", b3["id"])]], "the patient's visits")
        first = visits[0]
        eq(first["patient"], {"id": d.patient["id"], "name": d.patient["name"]}, "visit patient")
        eq(first["location_id"], d.cl.loc_id, "visit location")
        eq((first["start"], first["end"]), (b1["start"], ap["occurrences"][0]["end"]),
           "visit times")
        eq(first["attendance"], "pending", "visit attendance")
        eq((first["total"], first["paid"], first["balance_due"]), (10000, 0, 10000),
           "visit money: two invoices")
        # Every item carries its visit's id, and the id reads back.
        for item in (b1, b2):
            eq(d.a.get(API + "/bookings/%d" % item["id"]).expect(200).get("visit_id"),
               first["id"], "booking %d visit_id" % item["id"])
        eq(d.a.get(API + "/appointments/%d" % ap["id"]).expect(200).get("visit_id"), first["id"],
           "appointment visit_id")
        eq(d.a.get(API + "/visits/%d" % first["id"]).expect(200), first, "GET /visits/{id}")
        all_day = d.visits(location_id=d.cl.loc_id)
        eq(sorted(v["patient"]["id"] for v in all_day),
           sorted([d.patient["id"], d.patient["id"], other["patient_id"]]),
           "the location's visits that day")
        eq(d.visits(location_id=make_location(d.a)["id"]), [], "another location has none")
        # Cancelling the first item: the visit now starts with b2, under b2's id.
        d.a.post(API + "/bookings/%d/cancel" % b1["id"]).expect(200)
        d.a.get(API + "/visits/%d" % first["id"]).expect_problem(404)
        again = d.visits(patient_id=d.patient["id"])[0]
        eq([i["id"] for i in again["items"]], [b2["id"], ap["id"]], "visit without b1")
        eq(d.a.get(API + "/bookings/%d" % b2["id"]).expect(200)["visit_id"], again["id"],
           "b2 now names the visit")
    with settings_changed(d.a, visit_interval_min=0):
        eq(len(d.visits(patient_id=d.patient["id"])), 3, "interval 0: every item its own visit")


def test_visits_bad_input(ctx):
    a = ctx.admin
    expect_field_error(a.get(API + "/visits"), "date")
    expect_field_error(a.get(API + "/visits", date="2024-13-01"), "date")
    expect_field_error(a.get(API + "/visits", date="2030-01-01", location_id="x"), "location_id")
    a.get(API + "/visits/999999").expect_problem(404)
    a.post(API + "/visits/999999/attendance", {"attendance": "arrived"}).expect_problem(404)
    ctx.client().get(API + "/visits", date="2030-01-01").expect_problem(401)


def test_visit_attendance_sets_every_item(ctx):
    d = _Day(ctx)
    with settings_changed(d.a, visit_interval_min=60):
        b1 = d.book("09:00")
        ap = d.appointment("09:30")
        vid = d.a.get(API + "/bookings/%d" % b1["id"]).expect(200)["visit_id"]
        d.a.post(API + "/appointments/%d/attendance" % ap["id"], {"attendance": "confirmed"})\
            .expect(200)
        eq(d.a.get(API + "/visits/%d" % vid).expect(200)["attendance"], "mixed",
           "items differ: mixed")
        expect_field_error(d.a.post(API + "/visits/%d/attendance" % vid, {"attendance": "x"}),
                           "attendance")
        got = ctx.staff.post(API + "/visits/%d/attendance" % vid,
                             {"attendance": "arrived"}).expect(200)
        eq(got["attendance"], "arrived", "visit attendance")
        eq([i["attendance"] for i in got["items"]], ["arrived", "arrived"], "every item")
        eq(_history(d.a, "bookings", b1["id"])[-1]["changes"],
           {"attendance": ["pending", "arrived"]}, "booking history")
        eq(_history(d.a, "appointments", ap["id"])[-1]["changes"],
           {"attendance": ["confirmed", "arrived"]}, "appointment history")


def test_visit_payment_pays_oldest_invoice_first(ctx):
    d = _Day(ctx)
    with settings_changed(d.a, visit_interval_min=60):
        b1 = d.book("14:00")
        b2 = d.book("14:30")
        vid = d.a.get(API + "/bookings/%d" % b2["id"]).expect(200)["visit_id"]
        url = API + "/visits/%d/payments" % vid
        expect_field_error(d.a.post(url, {"amount": 10001, "method": "cash"}), "amount")
        expect_field_error(d.a.post(url, {"amount": 0, "method": "cash"}), "amount")
        expect_field_error(d.a.post(url, {"amount": 100, "method": "cheque"}), "method")
        eq(d.a.get(API + "/visits/%d" % vid).expect(200)["paid"], 0, "refused payments: nothing")
        got = ctx.staff.post(url, {"amount": 7000, "method": "card"}).expect(201)
        eq([(p["invoice_id"], p["amount"]) for p in got["payments"]],
           [(b1["invoice_id"], 5000), (b2["invoice_id"], 2000)], "payments, oldest first")
        eq((got["total"], got["paid"], got["balance_due"]), (10000, 7000, 3000), "visit money")
        inv1 = d.a.get(API + "/invoices/%d" % b1["invoice_id"]).expect(200)
        inv2 = d.a.get(API + "/invoices/%d" % b2["invoice_id"]).expect(200)
        eq((inv1["status"], inv2["status"]), ("paid", "partially_paid"), "invoice states")
        eq(d.a.get(API + "/bookings/%d" % b1["id"]).expect(200)["payment_status"], "paid",
           "the first booking is paid")
        got = d.a.post(url, {"amount": 3000, "method": "cash"}).expect(201)
        eq(got["balance_due"], 0, "paid in full")
        d.a.post(url, {"amount": 1, "method": "cash"}).expect_problem(409)
        for inv in (inv1, inv2):
            eq(_receivable(_entries(d.a, inv["id"])), 0, "invoice %d settled" % inv["id"])


# --- no-show fee -----------------------------------------------------------------------


def test_no_show_fee_added_and_reversed(ctx):
    d = _Day(ctx)
    with settings_changed(d.a, no_show_fee=1500):
        b = d.book("10:00")
        url = API + "/bookings/%d/attendance" % b["id"]
        d.a.post(url, {"attendance": "no_show"}).expect(200)
        inv = d.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
        fee = [l for l in inv["lines"] if l["description"] == "No-show fee"]
        eq([(l["quantity"], l["unit_price"], l["tax"], l["total"]) for l in fee],
           [(1, 1500, 0, 1500)], "the fee line")
        eq((inv["total"], inv["balance_due"]), (6500, 6500), "invoice with the fee")
        entries = _entries(d.a, inv["id"])
        eq(_receivable(entries), 6500, "the ledger owes the fee too")
        fee_entry = entries[-1]
        eq(fee_entry["source"], "invoice", "the fee's entry")
        # Marked no_show again: still one fee.
        d.a.post(url, {"attendance": "no_show"}).expect(200)
        eq(d.a.get(API + "/invoices/%d" % inv["id"]).expect(200)["total"], 6500, "one fee only")
        d.a.post(url, {"attendance": "arrived"}).expect(200)
        inv = d.a.get(API + "/invoices/%d" % inv["id"]).expect(200)
        eq([l["description"] for l in inv["lines"]], [d.svc["name"]], "the fee line is gone")
        eq(inv["total"], 5000, "invoice without the fee")
        entries = _entries(d.a, inv["id"])
        eq(_receivable(entries), 5000, "the ledger after the reversal")
        eq((entries[-1]["source"], entries[-1]["reverses_entry_id"]), ("void", fee_entry["id"]),
           "the reversing entry")
    with settings_changed(d.a, no_show_fee=900):
        b = d.book("12:00")
        d.a.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "no_show"}).expect(200)
        other = make_service(d.a, 30, price=4000)
        d.a.patch(API + "/bookings/%d" % b["id"], {"service_ids": [other["id"]]}).expect(200)
        inv = d.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
        eq(sorted(l["description"] for l in inv["lines"]), sorted([other["name"], "No-show fee"]),
           "new services keep the no-show fee")
        eq(inv["total"], 4900, "new price and the fee")
        eq(_receivable(_entries(d.a, inv["id"])), 4900, "the ledger after the services changed")
    with settings_changed(d.a, no_show_fee=0):
        b = d.book("11:00")
        d.a.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "no_show"}).expect(200)
        eq(d.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)["total"], 5000,
           "no fee when the setting is 0")


def test_no_show_fee_setting_is_checked(ctx):
    expect_field_error(ctx.admin.patch(API + "/settings", {"no_show_fee": -1}), "no_show_fee")
    eq(ctx.sql_rows("SELECT no_show_fee FROM settings WHERE id = ?", (1,))[0][0], 0,
       "the refused fee is not stored")


# --- report --------------------------------------------------------------------------


def test_attendance_report_per_staff(ctx):
    d = _Day(ctx, weekday=4)
    marks = ["arrived", "no_show", "no_show", None]
    for i, mark in enumerate(marks):
        b = d.book("%02d:00" % (9 + i), patient=make_patient(d.a))
        if mark:
            d.a.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": mark}).expect(200)
    body = d.a.get(API + "/reports/attendance",
                   **{"from": str(d.day), "to": str(d.day)}).expect(200)
    rows = [r for r in body["items"] if r["staff_id"] == d.st["id"]]
    eq(len(rows), 1, "one row for the staff member")
    r = rows[0]
    eq({k: r[k] for k in ATTENDANCES}, {"pending": 1, "confirmed": 0, "arrived": 1, "no_show": 2},
       "counts")
    eq(r["staff_name"], d.st["name"], "staff name")
    check(abs(r["no_show_rate"] - 0.5) < 1e-9, "no_show_rate: %r" % r)
    expect_field_error(d.a.get(API + "/reports/attendance", **{"from": str(d.day)}), "from")


# --- concurrency -----------------------------------------------------------------------


def test_two_staff_mark_one_visit_at_once(ctx):
    d = _Day(ctx, weekday=1)
    with settings_changed(d.a, visit_interval_min=60, no_show_fee=700):
        bs = [d.book(t) for t in ("15:00", "15:30", "16:00")]
        vid = d.a.get(API + "/bookings/%d" % bs[0]["id"]).expect(200)["visit_id"]
        clients = [d.a, ctx.staff]
        barrier = threading.Barrier(len(clients))
        results = [None] * len(clients)

        def worker(i):
            barrier.wait()
            results[i] = clients[i].post(API + "/visits/%d/attendance" % vid,
                                         {"attendance": "no_show"}).status

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(results, [200, 200], "both requests succeed")
        for b in bs:
            marks = [h for h in _history(d.a, "bookings", b["id"]) if h["action"] == "attendance"]
            eq(len(marks), 1, "booking %d marked once" % b["id"])
            inv = d.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
            eq([l["description"] for l in inv["lines"]].count("No-show fee"), 1,
               "booking %d has one fee" % b["id"])
            eq(inv["total"], 5700, "invoice %d total" % inv["id"])
            eq(_receivable(_entries(d.a, inv["id"])), 5700, "ledger of invoice %d" % inv["id"])


def test_calendar_events_carry_attendance(ctx):
    d = _Day(ctx, weekday=3)
    b = d.book("10:00")
    ap = d.appointment("11:00")
    d.a.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}).expect(200)
    cal = d.a.get(API + "/calendar", date=str(d.day), location_id=d.cl.loc_id).expect(200)
    events = [e for s in cal["staff"] if s["id"] == d.st["id"] for e in s["events"]]
    got = {(e["kind"], e["id"]): e.get("attendance") for e in events}
    eq(got.get(("booking", b["id"])), "arrived", "the booking's attendance in the calendar")
    eq(got.get(("appointment", ap["id"])), "pending", "the appointment's attendance")
    visit_ids = {(e["kind"], e["id"]): e.get("visit_id") for e in events}
    eq(visit_ids.get(("booking", b["id"])),
       d.a.get(API + "/bookings/%d" % b["id"]).expect(200)["visit_id"], "the booking's visit")
    eq(visit_ids.get(("appointment", ap["id"])),
       d.a.get(API + "/appointments/%d" % ap["id"]).expect(200)["visit_id"],
       "the appointment's visit")
    check(all(isinstance(v, int) for v in visit_ids.values()), "every item has a visit: %r" %
          visit_ids)

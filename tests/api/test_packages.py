"""Packages (seed 004): definitions, selling at the desk and online, booking
a unit from its invoice line (check first, limits 422, slot rules 409) and
automatically from POST /bookings, unlinking, cancelling, recognition on
arrival, the expiry job, the liability report, the expiry reminder, and two
requests racing for the last unit. After every scenario the whole ledger
balances and Unearned Revenue (2300) equals the outstanding liability."""

import threading
import time

from helpers import (API, book, book_ok, check, clinic_with_staff, eq, expect_field_error,
                     local_iso, logged_in, make_patient, make_service, next_weekday,
                     settings_changed, sql_rows, unique)

PATIENT_PASSWORD = "patient-pass-1"


class _Clinic:
    """A staff member open 08:00-18:00 on a day of its own, a second one at
    another location the same day, a 30-minute service at 50.00 and a
    patient with an e-mail."""

    def __init__(self, ctx, weekday=4, ahead=14):
        self.ctx = ctx
        self.a = ctx.admin
        self.svc = make_service(self.a, 30, price=5000, online_booking=True)
        self.cl, self.st = clinic_with_staff(self.a, weekday, "08:00", "18:00")
        self.cl2, self.st2 = clinic_with_staff(self.a, weekday, "08:00", "18:00")
        self.day = next_weekday(weekday, ahead)
        self.patient = make_patient(self.a, email=unique("pkg") + "@test.test")

    def package(self, quantity=5, **fields):
        body = {"name": unique("Physio"), "items": [{"service_id": self.svc["id"],
                                                     "quantity": quantity}],
                "price": 20000}
        body.update(fields)
        return self.a.post(API + "/packages", body).expect(201)

    def sell(self, pkg, patient=None):
        p = patient or self.patient
        return self.ctx.staff.post(API + "/patients/%d/packages" % p["id"],
                                   {"package_id": pkg["id"]}).expect(201)

    def at(self, hhmm):
        return local_iso(self.day, hhmm)


def _ledger_balanced(ctx):
    """The whole ledger balances and 2300 equals the liability report."""
    (debit, credit), = sql_rows(ctx.db, "SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0) "
                                        "FROM journal_lines")
    eq(int(debit), int(credit), "sum of debits equals sum of credits")
    (unearned,), = sql_rows(ctx.db, "SELECT coalesce(sum(credit) - sum(debit), 0) FROM "
                                    "journal_lines WHERE account_code = ?", ("2300",))
    report = ctx.staff.get(API + "/reports/package-liability").expect(200)
    eq(report["total"], int(unearned), "liability report equals Unearned Revenue (2300)")
    return report


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


def _sides(entry):
    out = {}
    for line in entry["lines"]:
        out[line["account_code"]] = out.get(line["account_code"], 0) + line["debit"] - line["credit"]
    return out


def _count(ctx, table, where="1 = 1", params=()):
    return int(sql_rows(ctx.db, "SELECT count(*) FROM %s WHERE %s" % (table, where), params)[0][0])


def _patient_login(ctx, k):
    email = unique("buyer") + "@test.test"
    p = make_patient(ctx.admin, email=email, can_book_online=True)
    ctx.admin.post(API + "/patients/%d/account" % p["id"],
                   {"email": email, "password": PATIENT_PASSWORD}).expect(201)
    return p, logged_in(ctx.port, email, PATIENT_PASSWORD)


# --- 1 definitions ---------------------------------------------------------------------


def test_package_definitions_crud_and_archive(ctx):
    k = _Clinic(ctx)
    before = _count(ctx, "packages")
    bad = [({"items": [{"service_id": k.svc["id"], "quantity": 1}]}, "name"),
           ({"name": "X"}, "items"),
           ({"name": "X", "items": [{"service_id": 999999, "quantity": 1}]}, "items"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 0}]}, "items"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 33}]}, "items"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 1}],
             "pricing": "free"}, "pricing"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 1}],
             "staff_ids": [999999]}, "staff_ids"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 1}],
             "valid_days": 0}, "valid_days"),
           ({"name": "X", "items": [{"service_id": k.svc["id"], "quantity": 1}],
             "colour": "red"}, "colour")]
    for body, field in bad:
        expect_field_error(k.a.post(API + "/packages", body), field)
    eq(_count(ctx, "packages"), before, "refused packages store nothing")
    ctx.staff.post(API + "/packages", {"name": "X"}).expect_problem(403)

    pkg = k.package(3, staff_ids=[k.st["id"]], location_ids=[k.cl.location["id"]],
                    valid_days=90, online_purchase=True)
    eq((pkg["items"], pkg["pricing"], pkg["price"], pkg["staff_ids"], pkg["valid_days"],
        pkg["online_purchase"], pkg["archived"]),
       ([{"service_id": k.svc["id"], "quantity": 3}], "packaged", 20000, [k.st["id"]], 90, True,
        False), "package as created")
    got = k.a.patch(API + "/packages/%d" % pkg["id"], {"price": 18000, "pricing": "itemised"})
    eq((got.expect(200)["price"], got.json["pricing"]), (18000, "itemised"), "patched")
    expect_field_error(k.a.patch(API + "/packages/%d" % pkg["id"], {"price": -1}), "price")
    eq(ctx.staff.get(API + "/packages/%d" % pkg["id"]).expect(200)["price"], 18000,
       "a refused change leaves the package")
    visitor = ctx.client()
    check(pkg["id"] in [p["id"] for p in visitor.get(API + "/packages").expect(200)["items"]],
          "visitors see online packages")
    hidden = k.package(1)
    visitor.get(API + "/packages/%d" % hidden["id"]).expect_problem(404)
    archived = k.a.delete(API + "/packages/%d" % pkg["id"]).expect(200)
    eq(archived["archived"], True, "DELETE archives")
    visitor.get(API + "/packages/%d" % pkg["id"]).expect_problem(404)
    check(pkg["id"] in [p["id"] for p in ctx.staff.get(API + "/packages").expect(200)["items"]],
          "staff still see archived packages")
    _ledger_balanced(ctx)


# --- 2 selling -------------------------------------------------------------------------------


def test_sell_at_desk_invoice_line_per_unit_credits_unearned(ctx):
    k = _Clinic(ctx)
    pkg = k.package(3, price=10000, valid_days=30)
    sold = k.sell(pkg)
    eq((sold["status"], sold["patient_id"], len(sold["items"])),
       ("active", k.patient["id"], 3), "sold package")
    check(all(i["status"] == "unassigned" and i["booking_id"] is None for i in sold["items"]),
          "units start unassigned: %r" % sold["items"])
    check(isinstance(sold["expires_on"], str) and len(sold["expires_on"]) == 10,
          "expires_on: %r" % sold)
    inv = k.a.get(API + "/invoices/%d" % sold["invoice_id"]).expect(200)
    eq([l["total"] for l in inv["lines"]], [3334, 3333, 3333], "the price split over the units")
    eq((inv["total"], inv["status"], inv["booking_id"]), (10000, "unpaid", None), "invoice")
    entries = _entries(k.a, inv["id"])
    eq([_sides(e) for e in entries], [{"1100": 10000, "2300": -10000}],
       "the sale credits Unearned Revenue")
    k.a.post(API + "/invoices/%d/payments" % inv["id"], {"amount": 10000, "method": "card"}) \
        .expect(201)
    eq(k.a.get(API + "/invoices/%d" % inv["id"]).expect(200)["status"], "paid", "paid like any")
    eq([p["id"] for p in ctx.staff.get(API + "/patients/%d/packages" % k.patient["id"])
        .expect(200)["items"]], [sold["id"]], "the patient's packages")
    # itemised: each unit at its service's price
    item = k.sell(k.package(2, pricing="itemised"))
    eq(k.a.get(API + "/invoices/%d" % item["invoice_id"]).expect(200)["total"], 10000,
       "itemised at the service price")
    # bad input: archived, unknown, missing patient -> nothing stored
    arch = k.package(1)
    k.a.delete(API + "/packages/%d" % arch["id"]).expect(200)
    invoices, sold_n = _count(ctx, "invoices"), _count(ctx, "patient_packages")
    expect_field_error(ctx.staff.post(API + "/patients/%d/packages" % k.patient["id"],
                                      {"package_id": arch["id"]}), "package_id")
    expect_field_error(ctx.staff.post(API + "/patients/%d/packages" % k.patient["id"],
                                      {"package_id": 999999}), "package_id")
    ctx.staff.post(API + "/patients/999999/packages", {"package_id": pkg["id"]}) \
        .expect_problem(404)
    eq((_count(ctx, "invoices"), _count(ctx, "patient_packages")), (invoices, sold_n),
       "refused sales store nothing")
    mails = _rendered_mails(ctx, k.patient["email"])
    check(any(pkg["name"] in n["subject"] for n in mails), "purchase confirmation: %r" % mails)
    _ledger_balanced(ctx)


def test_online_purchase_per_client_payment(ctx):
    k = _Clinic(ctx)
    p, pc = _patient_login(ctx, k)
    online = k.package(2, price=8000, online_purchase=True)
    desk_only = k.package(2)
    expect_field_error(pc.post(API + "/me/packages", {"package_id": desk_only["id"]}),
                       "package_id")
    with settings_changed(k.a, client_payment="enabled"):
        before = _count(ctx, "invoices")
        expect_field_error(pc.post(API + "/me/packages", {"package_id": online["id"],
                                                          "pay": "skip"}), "pay")
        eq(_count(ctx, "invoices"), before, "a refused purchase stores nothing")
        bought = pc.post(API + "/me/packages", {"package_id": online["id"], "pay": "now"})
        bought = bought.expect(201)
    eq(bought["patient_id"], p["id"], "bought for the patient")
    inv = pc.get(API + "/invoices/%d" % bought["invoice_id"]).expect(200)
    eq([(y["status"], y["amount"]) for y in inv["payments"]], [("pending", 8000)],
       "the online payment waits for staff")
    k.a.post(API + "/payments/%d/confirm" % inv["payments"][0]["id"]).expect(200)
    eq(pc.get(API + "/invoices/%d" % inv["id"]).expect(200)["status"], "paid", "confirmed")
    eq([x["id"] for x in pc.get(API + "/me/packages").expect(200)["items"]], [bought["id"]],
       "the patient's own packages")
    other = k.sell(k.package(1))
    pc.get(API + "/patient-packages/%d" % other["id"]).expect_problem(404)
    pc.post(API + "/patients/%d/packages" % p["id"], {"package_id": online["id"]}) \
        .expect_problem(403)
    # an online booking of the package's service links to it: no new invoice
    b = book(pc, k.st["id"], [k.svc["id"]], k.at("10:00"), pay="skip").expect(201)
    eq((b["package"]["patient_package_id"], b["invoice_id"]), (bought["id"], bought["invoice_id"]),
       "the online booking uses the package")
    eq(b["package"]["units_left"], 1, "units left after the online booking")
    _ledger_balanced(ctx)


# --- 3 booking a unit ------------------------------------------------------------------------


def test_book_from_invoice_line_check_limits_and_slot_rules(ctx):
    k = _Clinic(ctx)
    pkg = k.package(2, staff_ids=[k.st["id"]])
    sold = k.sell(pkg)
    line = sold["items"][0]["line_id"]
    url = API + "/invoices/%d/lines/%d/booking" % (sold["invoice_id"], line)
    bookings = _count(ctx, "bookings")
    expect_field_error(ctx.staff.post(url, {"staff_id": k.st2["id"], "start": k.at("09:00"),
                                            "check_only": True}), "staff_id")
    expect_field_error(ctx.staff.post(url, {"staff_id": k.st2["id"], "start": k.at("09:00")}),
                       "staff_id")
    ok = ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("09:00"),
                              "check_only": True}).expect(200)
    eq(ok["available"], True, "the time is free: %r" % ok)
    other = make_patient(k.a)
    book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("11:00"), other["id"])
    taken = ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("11:00"),
                                 "check_only": True}).expect(200)
    eq(taken["available"], False, "a taken time is not available")
    check(taken["detail"], "the check says why: %r" % taken)
    eq(_count(ctx, "bookings"), bookings + 1, "checks book nothing")
    ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("11:00")}).expect_problem(409)
    ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("07:00")}).expect_problem(409)
    eq(_count(ctx, "bookings"), bookings + 1, "refused bookings store nothing")
    invoices = _count(ctx, "invoices")
    b = ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("09:00")}).expect(201)
    eq((b["package"]["patient_package_id"], b["package"]["line_id"], b["invoice_id"]),
       (sold["id"], line, sold["invoice_id"]), "the booking names its package line")
    eq((b["package"]["units"], b["package"]["units_left"]), (2, 1), "2 units, 1 left")
    eq(_count(ctx, "invoices"), invoices, "no second invoice")
    again = ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("14:00")})
    again.expect_problem(409)
    got = ctx.staff.get(API + "/patient-packages/%d" % sold["id"]).expect(200)
    eq([(i["status"], i["booking_id"]) for i in got["items"]],
       [("booked", b["id"]), ("unassigned", None)], "the item is booked")
    # location limit: the package is valid only at the second location
    loc_pkg = k.sell(k.package(1, location_ids=[k.cl2.location["id"]]))
    url2 = API + "/invoices/%d/lines/%d/booking" % (loc_pkg["invoice_id"],
                                                   loc_pkg["items"][0]["line_id"])
    expect_field_error(ctx.staff.post(url2, {"staff_id": k.st["id"], "start": k.at("15:00")}),
                       "location_ids")
    ctx.staff.post(API + "/invoices/%d/lines/999999/booking" % sold["invoice_id"],
                   {"staff_id": k.st["id"], "start": k.at("15:00")}).expect_problem(404)
    expect_field_error(ctx.staff.post(url, {"staff_id": k.st["id"]}), "start")
    _ledger_balanced(ctx)


def test_calendar_booking_links_soonest_expiry_and_opts_out(ctx):
    k = _Clinic(ctx)
    never = k.sell(k.package(2))
    soon = k.sell(k.package(2, valid_days=60))
    limited = k.sell(k.package(2, valid_days=30, staff_ids=[k.st2["id"]]))
    invoices = _count(ctx, "invoices")
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    eq(b["package"]["patient_package_id"], soon["id"],
       "soonest expiry first, among packages whose limits admit the booking")
    eq((b["invoice_id"], _count(ctx, "invoices")), (soon["invoice_id"], invoices),
       "no invoice for a covered service")
    b2 = book_ok(k.a, k.st2["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    eq(b2["package"]["patient_package_id"], limited["id"], "the staff-limited package")
    own = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("10:00"), k.patient["id"],
                  use_package=False)
    eq(own["package"], None, "use_package: false opts out")
    inv = k.a.get(API + "/invoices/%d" % own["invoice_id"]).expect(200)
    eq((inv["booking_id"], inv["total"]), (own["id"], 5000), "its own invoice")
    expect_field_error(book(k.a, k.st["id"], [k.svc["id"]], k.at("12:00"), k.patient["id"],
                            use_package="no"), "use_package")
    eq([i["status"] for i in k.a.get(API + "/patient-packages/%d" % never["id"])
        .expect(200)["items"]], ["unassigned", "unassigned"], "the never-expiring one waits")
    _ledger_balanced(ctx)


# --- 4 unlink and cancel ----------------------------------------------------------------------


def test_unlink_gives_own_invoice_and_cancel_returns_the_unit(ctx):
    k = _Clinic(ctx)
    sold = k.sell(k.package(2, price=8000))
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    line = b["package"]["line_id"]
    url = API + "/invoices/%d/lines/%d/booking" % (sold["invoice_id"], line)
    ctx.staff.delete(url).expect(200)
    got = k.a.get(API + "/bookings/%d" % b["id"]).expect(200)
    eq((got["status"], got["package"]), ("confirmed", None), "the booking stays, unlinked")
    check(got["invoice_id"] and got["invoice_id"] != sold["invoice_id"], "own invoice: %r" % got)
    inv = k.a.get(API + "/invoices/%d" % got["invoice_id"]).expect(200)
    eq((inv["status"], inv["total"]), ("unpaid", 5000), "an unpaid invoice of its own")
    eq([_sides(e) for e in _entries(k.a, inv["id"])], [{"1100": 5000, "4000": -5000}],
       "the new invoice is posted")
    ctx.staff.delete(url).expect_problem(409)
    items = k.a.get(API + "/patient-packages/%d" % sold["id"]).expect(200)["items"]
    eq([i["status"] for i in items], ["unassigned", "unassigned"], "the line is unassigned again")
    hist = [h["action"] for h in k.a.get(API + "/bookings/%d/history" % b["id"]).expect(200)
            ["items"]]
    check("package_linked" in hist and "package_unlinked" in hist, "history: %r" % hist)
    # cancelling a linked booking returns its unit
    c = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("11:00"), k.patient["id"])
    eq(c["package"]["patient_package_id"], sold["id"], "linked")
    k.a.post(API + "/bookings/%d/cancel" % c["id"], {"reason": "ill"}).expect(200)
    items = k.a.get(API + "/patient-packages/%d" % sold["id"]).expect(200)["items"]
    eq([(i["status"], i["booking_id"]) for i in items], [("unassigned", None)] * 2,
       "cancelling returns the unit")
    _ledger_balanced(ctx)


# --- 5 recognition, expiry, liability, race ---------------------------------------------------


def test_arrival_recognises_unit_and_leaving_arrived_takes_it_back(ctx):
    k = _Clinic(ctx)
    sold = k.sell(k.package(2, price=9000))
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    before = _ledger_balanced(ctx)
    ctx.staff.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}) \
        .expect(200)
    entries = _entries(k.a, sold["invoice_id"])
    eq(_sides(entries[-1]), {"2300": 4500, "4000": -4500}, "a unit recognised on arrival")
    after = _ledger_balanced(ctx)
    eq(before["total"] - after["total"], 4500, "the liability falls by the unit")
    items = k.a.get(API + "/patient-packages/%d" % sold["id"]).expect(200)["items"]
    eq([i["status"] for i in items], ["used", "unassigned"], "the unit is used")
    ctx.staff.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}) \
        .expect(200)
    eq(len(_entries(k.a, sold["invoice_id"])), len(entries), "arriving twice posts once")
    ctx.staff.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "pending"}) \
        .expect(200)
    eq(_sides(_entries(k.a, sold["invoice_id"])[-1]), {"2300": -4500, "4000": 4500},
       "leaving arrived takes the recognition back")
    eq(_ledger_balanced(ctx)["total"], before["total"], "the liability is back")
    # all units used: the package is used up
    b2 = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("10:00"), k.patient["id"])
    for x in (b, b2):
        ctx.staff.post(API + "/bookings/%d/attendance" % x["id"], {"attendance": "arrived"}) \
            .expect(200)
    eq(k.a.get(API + "/patient-packages/%d" % sold["id"]).expect(200)["status"], "used_up",
       "every unit used")
    _ledger_balanced(ctx)


def _wait_for(fn, what, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if fn():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def _rendered_mails(ctx, address):
    """The outbox's mails to address once the worker has rendered each: a
    row records its event, and its subject is known from the first
    attempt on."""
    got = []

    def rendered():
        got[:] = [n for n in ctx.staff.get(API + "/notifications", limit=500).expect(200)["items"]
                  if n["to"] == address]
        return got and all(n["attempts"] > 0 for n in got)

    _wait_for(rendered, "the mails to %s rendered" % address)
    return got


def test_expiry_job_recognises_unused_units_once(ctx):
    k = _Clinic(ctx)
    sold = k.sell(k.package(3, price=9000, valid_days=30))
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    ctx.staff.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}) \
        .expect(200)
    book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("10:00"), k.patient["id"])
    # The package's last day has passed: as if it was bought long ago.
    sql_rows(ctx.db, "UPDATE patient_packages SET expires_at = ? WHERE id = ?",
             (int(time.time()) - 60, sold["id"]))
    _wait_for(lambda: sql_rows(ctx.db, "SELECT status FROM patient_packages WHERE id = ?",
                               (sold["id"],))[0][0] == "expired", "the expiry job")
    entries = _entries(k.a, sold["invoice_id"])
    eq(_sides(entries[-1]), {"2300": 6000, "4000": -6000}, "the two unused units recognised")
    items = k.a.get(API + "/patient-packages/%d" % sold["id"]).expect(200)
    eq((items["status"], [i["status"] for i in items["items"]]),
       ("expired", ["used", "expired", "expired"]), "expired")
    time.sleep(2.5)  # the job runs again: nothing more happens
    eq(len(_entries(k.a, sold["invoice_id"])), len(entries), "the expiry job is idempotent")
    report = _ledger_balanced(ctx)
    check(sold["id"] not in [r["patient_package_id"] for r in report["items"]],
          "an expired package owes nothing: %r" % report)
    url = API + "/invoices/%d/lines/%d/booking" % (sold["invoice_id"], items["items"][1]["line_id"])
    ctx.staff.post(url, {"staff_id": k.st["id"], "start": k.at("15:00")}).expect_problem(409)
    other = k.sell(k.package(1))
    b3 = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("16:00"), k.patient["id"])
    eq(b3["package"]["patient_package_id"], other["id"], "an expired package is not used")


def test_expiry_reminder_is_queued_once(ctx):
    k = _Clinic(ctx)
    with settings_changed(k.a, package_expiry_reminder_days=14):
        sold = k.sell(k.package(2, valid_days=10))
        _wait_for(lambda: sql_rows(ctx.db, "SELECT expiry_reminded FROM patient_packages "
                                           "WHERE id = ?", (sold["id"],))[0][0] == 1,
                  "the expiry reminder")
    mails = [n for n in _rendered_mails(ctx, k.patient["email"]) if "expires" in n["subject"]]
    eq(len(mails), 1, "one expiry reminder: %r" % mails)
    time.sleep(2.5)
    mails2 = [n for n in _rendered_mails(ctx, k.patient["email"]) if "expires" in n["subject"]]
    eq(len(mails2), 1, "the reminder is not sent again")


def test_two_requests_race_for_the_last_unit(ctx):
    k = _Clinic(ctx)
    sold = k.sell(k.package(1))
    url = API + "/invoices/%d/lines/%d/booking" % (sold["invoice_id"], sold["items"][0]["line_id"])
    bookings = _count(ctx, "bookings", "patient_id = ?", (k.patient["id"],))
    results = [None, None]
    barrier = threading.Barrier(2)

    def racer(i, staff):
        c = logged_in(ctx.port, "admin@test.test", "admin-pass-1")
        barrier.wait()
        results[i] = c.post(url, {"staff_id": staff["id"], "start": k.at("09:00")}).status

    threads = [threading.Thread(target=racer, args=(0, k.st)),
               threading.Thread(target=racer, args=(1, k.st2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(all(r is not None for r in results), "every racer reported: %r" % results)
    eq(sorted(results), [201, 409], "exactly one winner")
    eq(_count(ctx, "bookings", "patient_id = ?", (k.patient["id"],)), bookings + 1,
       "the loser stored nothing")
    eq([i["status"] for i in ctx.staff.get(API + "/patient-packages/%d" % sold["id"])
        .expect(200)["items"]], ["booked"], "the unit is booked once")
    _ledger_balanced(ctx)


def test_merging_a_patient_moves_their_packages(ctx):
    k = _Clinic(ctx)
    dup = make_patient(k.a)
    sold = k.sell(k.package(2), dup)
    ctx.staff.post(API + "/patients/%d/merge" % dup["id"], {"into_id": k.patient["id"]}).expect(200)
    eq([p["id"] for p in ctx.staff.get(API + "/patients/%d/packages" % k.patient["id"])
        .expect(200)["items"]], [sold["id"]], "the package moved with the merge")
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    eq(b["package"]["patient_package_id"], sold["id"], "and is used for the merged patient")
    _ledger_balanced(ctx)


def test_rescheduling_a_linked_booking_keeps_the_package_limits(ctx):
    k = _Clinic(ctx)
    sold = k.sell(k.package(1, staff_ids=[k.st["id"]]))
    b = book_ok(k.a, k.st["id"], [k.svc["id"]], k.at("09:00"), k.patient["id"])
    eq(b["package"]["patient_package_id"], sold["id"], "linked")
    expect_field_error(k.a.patch(API + "/bookings/%d" % b["id"], {"staff_id": k.st2["id"]}),
                       "staff_id")
    got = k.a.get(API + "/bookings/%d" % b["id"]).expect(200)
    eq((got["staff_id"], got["start"]), (k.st["id"], b["start"]), "a refused move changes nothing")
    moved = k.a.patch(API + "/bookings/%d" % b["id"], {"start": k.at("10:00")}).expect(200)
    eq(moved["package"]["patient_package_id"], sold["id"], "a move within the limits keeps it")
    _ledger_balanced(ctx)

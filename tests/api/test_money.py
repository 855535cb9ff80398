"""Money: invoices raised with bookings, tax inclusive and exclusive,
payments at the desk and online (pending until confirmed), the three client
payment modes, voids, credits and refunds, the general ledger (every entry
balanced, none ever changed) and the takings and ageing reports."""

import re

from helpers import (API, DatabaseError, book, book_ok, check, clinic_with_staff, eq,
                     expect_field_error,
                     local_iso, logged_in, make_patient, make_service, next_weekday,
                     same_instant, settings_changed, today, unique, get_settings)

PATIENT_PASSWORD = "patient-pass-1"
class _Clinic:
    """A staff member of its own, open 08:00-18:00, and a 30-minute service."""

    def __init__(self, ctx, weekday=3, **svc_fields):
        self.ctx = ctx
        self.cl, self.st = clinic_with_staff(ctx.admin, weekday, "08:00", "18:00")
        self.svc = make_service(ctx.admin, 30, **svc_fields)
        self.day = next_weekday(weekday, 14)
        self.used = 0

    def next_start(self):
        """A fresh slot for every booking (20 in the day)."""
        i = self.used
        self.used += 1
        return local_iso(self.day, "%02d:%02d" % (8 + i // 2, 30 * (i % 2)))

    def book(self, c=None, patient_id=None, service_ids=None, **fields):
        c = c or self.ctx.admin
        if patient_id is None and c is self.ctx.admin:
            patient_id = make_patient(c)["id"]
        return book(c, self.st["id"], service_ids or [self.svc["id"]], self.next_start(),
                    patient_id, **fields)


def _clinic(ctx, **svc_fields):
    return _Clinic(ctx, **svc_fields)


def _invoice(c, invoice_id):
    return c.get(API + "/invoices/%d" % invoice_id).expect(200)


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
    """{account_code: debit - credit} of one entry."""
    out = {}
    for line in entry["lines"]:
        out[line["account_code"]] = out.get(line["account_code"], 0) + line["debit"] - line["credit"]
    return out


def _balanced(entry):
    return sum(l["debit"] for l in entry["lines"]) == sum(l["credit"] for l in entry["lines"])


def _patient_login(ctx, **fields):
    p = make_patient(ctx.admin, **fields)
    email = unique("payer") + "@test.test"
    ctx.admin.post(API + "/patients/%d/account" % p["id"],
                   {"email": email, "password": PATIENT_PASSWORD}).expect(201)
    return p, logged_in(ctx.port, email, PATIENT_PASSWORD)


# --- invoices ------------------------------------------------------------------------


def test_booking_raises_invoice_with_balanced_entry(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    check(isinstance(b.get("invoice_id"), int), "booking has no invoice_id: %r" % b)
    eq(b.get("payment_status"), "unpaid", "payment_status")
    inv = _invoice(a, b["invoice_id"])
    check(re.fullmatch(r"\d{4}-\d{6}", inv["number"] or ""), "number: %r" % inv["number"])
    eq((inv["patient_id"], inv["booking_id"]), (b["patient_id"], b["id"]), "invoice owner")
    eq(len(inv["lines"]), 1, "one line per service")
    line = inv["lines"][0]
    eq((line["service_id"], line["quantity"], line["unit_price"], line["total"]),
       (k.svc["id"], 1, 5000, 5000), "line")
    eq(line["description"], k.svc["name"], "line description")
    eq((inv["subtotal"], inv["tax"], inv["total"], inv["paid"], inv["status"]),
       (5000, 0, 5000, 0, "unpaid"), "totals")
    entries = _entries(a, inv["id"])
    eq([e["source"] for e in entries], ["invoice"], "one invoice entry")
    check(_balanced(entries[0]), "entry balances: %r" % entries[0])
    eq(_sides(entries[0]), {"1100": 5000, "4000": -5000}, "receivable against revenue")
    names = {l["account_code"]: l["account_name"] for l in entries[0]["lines"]}
    eq(names, {"1100": "Accounts Receivable", "4000": "Service Revenue"}, "account names")
    check(re.fullmatch(r"\d{4}-\d\d-\d\d", entries[0]["date"]), "entry date: %r" % entries[0])


def test_tax_exclusive_and_inclusive_rounded_per_line(ctx):
    a = ctx.admin
    excl = a.post(API + "/tax-rates", {"name": unique("VAT 7"), "rate_bp": 700}).expect(201)
    incl = a.post(API + "/tax-rates",
                  {"name": unique("VAT 19 incl"), "rate_bp": 1900, "inclusive": True}).expect(201)
    eq((excl["rate_bp"], excl["inclusive"]), (700, False), "exclusive rate as saved")
    k = _clinic(ctx, price=1025, tax_rate_id=excl["id"])
    other = make_service(a, 30, price=1000, tax_rate_id=incl["id"])
    b = k.book(service_ids=[k.svc["id"], other["id"]]).expect(201)
    inv = _invoice(a, b["invoice_id"])
    # 10.25 + 7 % = 0.7175 -> 0.72; 10.00 incl. 19 % -> tax 1.5966 -> 1.60, net 8.40
    eq([(l["unit_price"], l["net"], l["tax"], l["total"]) for l in inv["lines"]],
       [(1025, 1025, 72, 1025), (1000, 840, 160, 1000)], "lines")
    eq([(l["tax_rate_bp"], l["tax_inclusive"]) for l in inv["lines"]], [(700, False), (1900, True)],
       "line rates")
    eq((inv["subtotal"], inv["tax"], inv["total"]), (1025 + 840, 72 + 160, 1025 + 72 + 1000),
       "totals")
    e = _entries(a, inv["id"])[0]
    eq(_sides(e), {"1100": 2097, "4000": -1865, "2200": -232}, "tax payable credited")
    expect_field_error(a.patch(API + "/services/%d" % other["id"], {"tax_rate_id": 999999}),
                       "tax_rate_id")
    expect_field_error(a.post(API + "/tax-rates", {"name": "x", "rate_bp": 10001}), "rate_bp")
    eq(a.patch(API + "/services/%d" % other["id"], {"tax_rate_id": None}).expect(200)
       .get("tax_rate_id"), None, "tax rate cleared")


def test_invoice_numbers_have_no_gaps(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    first = k.book().expect(201)
    start = k.next_start()
    p = make_patient(a)
    book_ok(a, k.st["id"], [k.svc["id"]], start, p["id"])
    book(a, k.st["id"], [k.svc["id"]], start, p["id"]).expect_problem(409)  # taken: no number
    third = k.book().expect(201)
    n1 = _invoice(a, first["invoice_id"])["number"]
    n3 = _invoice(a, third["invoice_id"])["number"]
    eq(int(n3[5:]) - int(n1[5:]), 2, "numbers %s .. %s" % (n1, n3))
    check(n1[:4] == n3[:4], "same year")


# --- payments ------------------------------------------------------------------------


def test_staff_payments_confirmed_at_once_partial_then_paid(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    iid = b["invoice_id"]
    r = a.post(API + "/invoices/%d/payments" % iid, {"amount": 2000, "method": "cash"}).expect(201)
    eq((r["status"], r["amount"], r["method"]), ("confirmed", 2000, "cash"), "cash payment")
    eq((r["invoice"]["paid"], r["invoice"]["status"]), (2000, "partially_paid"), "partial")
    got = a.get(API + "/bookings/%d" % b["id"]).expect(200)
    eq((got["payment_status"], got["credit_owed"]), ("partially_paid", 0), "booking partly paid")
    eq([x["id"] for x in a.get(API + "/bookings", payment_status="partially_paid",
                                 staff_id=k.st["id"]).expect(200)["items"]],
       [b["id"]], "?payment_status=partially_paid")
    expect_field_error(a.post(API + "/invoices/%d/payments" % iid,
                              {"amount": 3001, "method": "card"}), "amount")
    expect_field_error(a.post(API + "/invoices/%d/payments" % iid,
                              {"amount": 0, "method": "card"}), "amount")
    expect_field_error(a.post(API + "/invoices/%d/payments" % iid,
                              {"amount": 100, "method": "cheque"}), "method")
    eq(_invoice(a, iid)["paid"], 2000, "refused payments change nothing")
    r = a.post(API + "/invoices/%d/payments" % iid, {"method": "card"}).expect(201)
    eq(r["amount"], 3000, "amount defaults to what is due")
    eq((r["invoice"]["paid"], r["invoice"]["status"]), (5000, "paid"), "paid")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "paid", "booking")
    a.post(API + "/invoices/%d/payments" % iid,
           {"amount": 1, "method": "cash"}).expect_problem(409)
    pays = [e for e in _entries(a, iid) if e["source"] == "payment"]
    eq([_sides(e) for e in pays], [{"1000": 2000, "1100": -2000}, {"1010": 3000, "1100": -3000}],
       "cash then card postings")
    a.post(API + "/invoices/999999/payments", {"method": "cash"}).expect_problem(404)


def test_online_payment_pending_until_staff_confirm(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    p, pc = _patient_login(ctx)
    with settings_changed(a, client_payment="optional"):
        b = k.book(pc, pay="now").expect(201)
    eq(b["payment_status"], "pending", "payment waits for the clinic")
    pending = a.get(API + "/bookings", payment_status="pending", patient_id=p["id"]).expect(200)
    eq([x["id"] for x in pending["items"]], [b["id"]], "staff list for confirming")
    inv = _invoice(pc, b["invoice_id"])
    eq((inv["paid"], inv["status"]), (0, "unpaid"), "nothing counted while pending")
    eq([(y["status"], y["method"], y["amount"]) for y in inv["payments"]],
       [("pending", "online", 5000)], "the pending payment")
    eq([e["source"] for e in _entries(a, inv["id"])], ["invoice"], "no posting while pending")
    pid = inv["payments"][0]["id"]
    listed = a.get(API + "/payments", status="pending", limit=500).expect(200)["items"]
    check(pid in [y["id"] for y in listed], "pending payments list has %d" % pid)
    pc.post(API + "/payments/%d/confirm" % pid).expect_problem(403)
    r = a.post(API + "/payments/%d/confirm" % pid).expect(200)
    eq((r["status"], r["invoice"]["status"], r["invoice"]["paid"]), ("confirmed", "paid", 5000),
       "confirmed")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "paid", "booking paid")
    a.post(API + "/payments/%d/confirm" % pid).expect_problem(409)
    pays = [e for e in _entries(a, inv["id"]) if e["source"] == "payment"]
    eq([_sides(e) for e in pays], [{"1010": 5000, "1100": -5000}], "posted on confirm")


def test_rejected_online_payment_leaves_invoice_unpaid(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    p, pc = _patient_login(ctx)
    b = k.book(a, p["id"]).expect(201)
    with settings_changed(a, client_payment="optional"):
        r = pc.post(API + "/invoices/%d/payments" % b["invoice_id"], {"amount": 1500}).expect(201)
    eq((r["status"], r["method"]), ("pending", "online"), "patient payment")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "pending", "pending")
    r = a.post(API + "/payments/%d/reject" % r["id"]).expect(200)
    eq((r["status"], r["invoice"]["paid"], r["invoice"]["status"]), ("rejected", 0, "unpaid"),
       "rejected")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "unpaid", "unpaid")
    eq([e["source"] for e in _entries(a, b["invoice_id"])], ["invoice"], "nothing posted")


def test_enabled_mode_refuses_skipping_payment(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    p, pc = _patient_login(ctx)
    before = a.get(API + "/invoices", patient_id=p["id"]).expect(200)["items"]
    with settings_changed(a, client_payment="enabled"):
        expect_field_error(k.book(pc, pay="skip"), "pay")
        expect_field_error(k.book(pc), "pay")
        eq(a.get(API + "/invoices", patient_id=p["id"]).expect(200)["items"], before,
           "a refused booking leaves no invoice")
        b = k.book(pc, pay="now").expect(201)
        eq(b["payment_status"], "pending", "paid with the booking")
        staff = k.book(a, p["id"], pay="skip").expect(201)
        eq(staff["payment_status"], "unpaid", "staff bookings ignore pay")


def test_optional_mode_allows_skip_and_disabled_has_no_payment_step(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    p, pc = _patient_login(ctx)
    with settings_changed(a, client_payment="optional"):
        b = k.book(pc, pay="skip").expect(201)
        eq(b["payment_status"], "unpaid", "skipped")
    with settings_changed(a, client_payment="disabled"):
        b = k.book(pc, pay="now").expect(201)
        eq(b["payment_status"], "unpaid", "no payment step when disabled")
        eq(_invoice(a, b["invoice_id"])["payments"], [], "no payment started")
        pc.post(API + "/invoices/%d/payments" % b["invoice_id"], {}).expect_problem(403)


# --- voids, credits, refunds ----------------------------------------------------------


def test_cancel_unpaid_voids_with_reversing_entry(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    a.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    inv = _invoice(a, b["invoice_id"])
    eq((inv["status"], inv["balance_due"]), ("void", 0), "void")
    entries = _entries(a, inv["id"])
    eq([e["source"] for e in entries], ["invoice", "void"], "entries")
    eq(entries[1]["reverses_entry_id"], entries[0]["id"], "the void reverses the invoice")
    check(_balanced(entries[1]), "void balances")
    eq(_sides(entries[1]), {"1100": -5000, "4000": 5000}, "swapped sides")
    a.post(API + "/invoices/%d/payments" % inv["id"],
           {"method": "cash"}).expect_problem(409)


def test_cancel_paid_keeps_invoice_with_credit_then_refund(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    iid = b["invoice_id"]
    a.post(API + "/invoices/%d/payments" % iid, {"method": "card"}).expect(201)
    a.post(API + "/invoices/%d/refunds" % iid, {"method": "card"}).expect_problem(409)
    a.post(API + "/bookings/%d/cancel" % b["id"], {}).expect(200)
    inv = _invoice(a, iid)
    eq((inv["status"], inv["paid"], inv["credit_owed"]), ("paid", 5000, 5000),
       "a paid invoice stays and shows the credit owed")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["credit_owed"], 5000,
       "the booking row shows the credit owed")
    owing = [i["id"] for i in a.get(API + "/invoices", credit_owed=1, limit=500).expect(200)["items"]]
    check(iid in owing, "?credit_owed=1 lists the credited invoice: %r" % owing)
    check(all(i["credit_owed"] > 0 for i in
              a.get(API + "/invoices", credit_owed=1, limit=500).expect(200)["items"]),
          "?credit_owed=1 lists only invoices owing money back")
    expect_field_error(a.get(API + "/invoices", credit_owed=2), "credit_owed")
    expect_field_error(a.post(API + "/invoices/%d/refunds" % iid,
                              {"amount": 5001, "method": "card"}), "amount")
    r = a.post(API + "/invoices/%d/refunds" % iid, {"method": "card"}).expect(201)
    eq((r["kind"], r["amount"], r["invoice"]["credit_owed"]), ("refund", 5000, 0), "refunded")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["credit_owed"], 0, "refunded: owed 0")
    check(iid not in [i["id"] for i in a.get(API + "/invoices", credit_owed=1,
                                               limit=500).expect(200)["items"]],
          "a refunded invoice owes nothing back")
    entries = _entries(a, iid)
    eq([e["source"] for e in entries], ["invoice", "payment", "credit", "refund"], "entries")
    receivable = sum(_sides(e).get("1100", 0) for e in entries)
    eq(receivable, 0, "nothing owed either way")


def test_receivables_net_to_zero_after_paid_and_cancelled_bookings(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    paid = k.book().expect(201)
    a.post(API + "/invoices/%d/payments" % paid["invoice_id"], {"method": "cash"}).expect(201)
    cancelled = k.book().expect(201)
    a.post(API + "/bookings/%d/cancel" % cancelled["id"], {}).expect(200)
    for b in (paid, cancelled):
        entries = _entries(a, b["invoice_id"])
        check(all(_balanced(e) for e in entries), "balanced: %r" % entries)
        eq(sum(_sides(e).get("1100", 0) for e in entries), 0,
           "receivable of invoice %d" % b["invoice_id"])
    owed = a.get(API + "/reports/receivables").expect(200)["items"]
    ids = [x["invoice_id"] for x in owed]
    check(paid["invoice_id"] not in ids and cancelled["invoice_id"] not in ids,
          "neither is in the ageing list")


def test_services_change_updates_unpaid_lines_and_reschedule_keeps_invoice(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    bigger = make_service(a, 30, price=7000)
    b = k.book().expect(201)
    moved = a.patch(API + "/bookings/%d" % b["id"], {"start": k.next_start()}).expect(200)
    eq(moved["invoice_id"], b["invoice_id"], "rescheduling keeps the invoice")
    r = a.patch(API + "/bookings/%d" % b["id"], {"service_ids": [bigger["id"]]}).expect(200)
    eq(r["service_ids"], [bigger["id"]], "services changed")
    inv = _invoice(a, b["invoice_id"])
    eq(([l["service_id"] for l in inv["lines"]], inv["total"]), ([bigger["id"]], 7000),
       "lines follow")
    entries = _entries(a, inv["id"])
    eq([e["source"] for e in entries], ["invoice", "void", "invoice"], "reversal, then anew")
    eq(sum(_sides(e).get("1100", 0) for e in entries), 7000, "receivable is the new total")
    a.post(API + "/invoices/%d/payments" % inv["id"], {"amount": 100, "method": "cash"}).expect(201)
    a.patch(API + "/bookings/%d" % b["id"], {"service_ids": [k.svc["id"]]}).expect_problem(409)
    eq(_invoice(a, inv["id"])["total"], 7000, "refused change left the invoice")


# --- who sees what ----------------------------------------------------------------------


def test_patients_see_only_their_own_invoices(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    p, pc = _patient_login(ctx)
    q, qc = _patient_login(ctx, can_view_invoices=False)
    mine = k.book(a, p["id"]).expect(201)
    theirs = k.book(a, q["id"]).expect(201)
    _invoice(pc, mine["invoice_id"])
    pc.get(API + "/invoices/%d" % theirs["invoice_id"]).expect_problem(404)
    pc.post(API + "/invoices/%d/payments" % theirs["invoice_id"], {}).expect_problem(404)
    eq([i["id"] for i in pc.get(API + "/me/invoices").expect(200)["items"]],
       [mine["invoice_id"]], "/me/invoices")
    qc.get(API + "/me/invoices").expect_problem(403)
    qc.get(API + "/invoices/%d" % theirs["invoice_id"]).expect_problem(403)
    pc.get(API + "/invoices").expect_problem(403)
    pc.get(API + "/journal-entries").expect_problem(403)
    ctx.staff.get(API + "/journal-entries").expect_problem(403)
    ctx.staff.get(API + "/reports/takings", **{"from": str(today()), "to": str(today())}).expect(200)


# --- ledger and reports -------------------------------------------------------------------


def test_every_entry_in_the_database_balances_and_none_can_change(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    a.post(API + "/invoices/%d/payments" % b["invoice_id"], {"amount": 10, "method": "cash"})
    rows = ctx.sql_rows("SELECT e.id, SUM(l.debit), SUM(l.credit), COUNT(l.id) FROM "
                        "journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id "
                        "GROUP BY e.id")
    check(len(rows) > 3, "entries to check: %d" % len(rows))
    bad = [r for r in rows if r[1] != r[2] or r[3] < 2 or not r[1]]
    eq(bad, [], "unbalanced entries")
    for sql, params in (("UPDATE journal_lines SET debit = debit + 1", ()),
                        ("DELETE FROM journal_entries WHERE id = ?", (rows[0][0],))):
        try:
            ctx.sql_rows(sql, params)
            raise AssertionError("the ledger allowed: " + sql)
        except DatabaseError as e:
            check("immutable" in str(e), "refused as immutable: %s" % e)


def test_chart_of_accounts_balances(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    a.post(API + "/invoices/%d/payments" % b["invoice_id"], {"method": "bank_transfer"})
    items = a.get(API + "/accounts").expect(200)["items"]
    by = {x["code"]: x for x in items}
    for code, name in (("1000", "Cash"), ("1010", "Card and online payments clearing"),
                       ("1100", "Accounts Receivable"), ("2200", "Tax Payable"),
                       ("4000", "Service Revenue"), ("4100", "Product Sales")):
        check(code in by, "account %s is missing" % code)
        eq(by[code]["name"], name, "name of %s" % code)
    check(by["1020"]["balance"] >= 5000, "bank transfer landed in 1020: %r" % by["1020"])
    debit = sum(x["debit"] for x in items)
    credit = sum(x["credit"] for x in items)
    eq(debit, credit, "trial balance")
    # Debit-side accounts (assets, and expenses such as the cost of goods
    # sold or written off) against credit-side ones.
    debits = sum(x["balance"] for x in items if x["type"] in ("asset", "expense"))
    others = sum(x["balance"] for x in items if x["type"] in ("liability", "revenue", "equity"))
    eq(debits, others, "assets + expenses = liabilities + equity + revenue")


def test_takings_per_method_and_staff(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    day = {"from": str(today()), "to": str(today())}
    before = a.get(API + "/reports/takings", **day).expect(200)
    b1 = k.book().expect(201)
    b2 = k.book().expect(201)
    a.post(API + "/invoices/%d/payments" % b1["invoice_id"], {"method": "cash"}).expect(201)
    a.post(API + "/invoices/%d/payments" % b2["invoice_id"],
           {"amount": 1200, "method": "card"}).expect(201)
    after = a.get(API + "/reports/takings", **day).expect(200)
    eq(after["total"] - before["total"], 6200, "total taken")
    eq(after["by_method"].get("cash", 0) - before["by_method"].get("cash", 0), 5000, "cash")
    eq(after["by_method"].get("card", 0) - before["by_method"].get("card", 0), 1200, "card")
    staff = [s for s in after["by_staff"] if s["staff_id"] == k.st["id"]]
    eq([(s["name"], s["total"]) for s in staff], [(k.st["name"], 6200)], "per staff member")
    eq([d["date"] for d in after["days"]], [str(today())], "one day")
    eq(after["days"][0]["total"], after["total"], "the day is the whole range")
    expect_field_error(a.get(API + "/reports/takings", **{"from": "2026-02-30", "to": "x"}),
                       "from")
    expect_field_error(a.get(API + "/reports/takings"), "from")


def test_receivables_ageing(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    b = k.book().expect(201)
    a.post(API + "/invoices/%d/payments" % b["invoice_id"], {"amount": 1000, "method": "cash"})
    body = a.get(API + "/reports/receivables").expect(200)
    mine = [x for x in body["items"] if x["invoice_id"] == b["invoice_id"]]
    eq([(x["outstanding"], x["bucket"], x["age_days"]) for x in mine], [(4000, "0-30", 0)],
       "ageing row")
    eq(sum(x["outstanding"] for x in body["items"]), body["total"], "total")
    eq(sum(body["buckets"].values()), body["total"], "buckets add up")


# --- the change history in words ------------------------------------------------------


def test_history_names_people_services_and_money(ctx):
    a = ctx.admin
    k = _clinic(ctx)
    other = k.cl.add_staff([(3, "08:00", "18:00")])
    svc2 = make_service(a, 30)
    p, pc = _patient_login(ctx)
    b = k.book(a, p["id"]).expect(201)
    path = API + "/bookings/%d" % b["id"]
    a.patch(path, {"service_ids": [svc2["id"]]}).expect(200)
    a.patch(path, {"staff_id": other["id"], "start": local_iso(k.day, "15:00")}).expect(200)
    iid = b["invoice_id"]
    a.post(API + "/invoices/%d/payments" % iid, {"amount": 1000, "method": "cash"}).expect(201)
    with settings_changed(a, client_payment="optional"):
        online = pc.post(API + "/invoices/%d/payments" % iid, {"amount": 1500}).expect(201)
        a.post(API + "/payments/%d/confirm" % online["id"]).expect(200)
        second = pc.post(API + "/invoices/%d/payments" % iid, {"amount": 500}).expect(201)
        a.post(API + "/payments/%d/reject" % second["id"]).expect(200)
    a.post(path + "/cancel", {"reason": "moved away"}).expect(200)
    a.post(API + "/invoices/%d/refunds" % iid, {"method": "card"}).expect(201)

    items = a.get(path + "/history").expect(200)["items"]
    eq([i["action"] for i in items],
       ["created", "updated", "updated", "paid", "payment_pending", "payment_confirmed",
        "payment_pending", "payment_rejected", "cancelled", "refunded"], "history actions")
    eq(items[0]["actor"], "Admin (admin)", "a login without a staff member is named by its name and role")
    eq((items[0]["changes"]["staff"], items[0]["changes"]["services"]),
       (k.st["name"], [k.svc["name"]]), "what was booked, by name")
    same_instant(items[0]["changes"]["start"], b["start"], "when it was booked for")
    eq(items[4]["actor"], p["name"] + " (patient)", "a patient is named by their name")
    eq(items[1]["changes"]["services"], [[k.svc["name"]], [svc2["name"]]], "services by name")
    eq(items[2]["changes"]["staff"], [k.st["name"], other["name"]], "staff by name")
    same_instant(items[2]["changes"]["start"][1], local_iso(k.day, "15:00"), "the new time")
    money = [(i["action"], i["changes"].get("amount"), i["changes"].get("method"),
              i["changes"].get("currency")) for i in items if "amount" in i["changes"]]
    cur = get_settings(a)["currency"]
    eq(money, [("paid", 1000, "cash", cur), ("payment_pending", 1500, "online", cur),
               ("payment_confirmed", 1500, "online", cur), ("payment_pending", 500, "online", cur),
               ("payment_rejected", 500, "online", cur), ("refunded", 2500, "card", cur)],
       "amounts and methods")
    eq(items[8]["changes"].get("reason"), "moved away", "the reason for cancelling")

"""Products sold on a visit: a line on the booking's invoice credited to
4100 Product Sales with the product's tax, a sale movement out of the
location's sales storage with the goods' cost posted, both undone while
nothing is paid; bad input changes nothing; the ledger balances after
every step."""

from helpers import (API, book_ok, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_location, make_patient, make_service, next_weekday)
from stockkit import accounts, level, make_product, make_storage, move, movements


class _Shop:
    def __init__(self, ctx, weekday=4, ahead=35):
        self.ctx = ctx
        self.a = ctx.admin
        self.svc = make_service(self.a, 30, price=5000)
        self.cl, self.st = clinic_with_staff(self.a, weekday, "08:00", "18:00")
        self.day = next_weekday(weekday, ahead)
        self.patient = make_patient(self.a)
        self.shelf = make_storage(self.a, self.cl.loc_id, "sales")
        self.rate = self.a.post(API + "/tax-rates", {"name": "VAT 19", "rate_bp": 1900,
                                                     "inclusive": False}).expect(201)
        self.paste = make_product(self.a, name="Toothpaste", sale_price=1000, cost_price=400,
                                  tax_rate_id=self.rate["id"])
        move(self.a, self.paste["id"], self.shelf["id"], 20).expect(201)

    def book(self, hhmm):
        return book_ok(self.a, self.st["id"], [self.svc["id"]], local_iso(self.day, hhmm),
                       self.patient["id"])

    def sell(self, booking, c=None, **fields):
        body = {"product_id": self.paste["id"], "quantity": 2}
        body.update(fields)
        return (c or self.ctx.staff).post(API + "/bookings/%d/products" % booking["id"], body)

    def invoice(self, booking):
        return self.a.get(API + "/invoices/%d" % booking["invoice_id"]).expect(200)


def test_sell_a_product_on_the_visit(ctx):
    s = _Shop(ctx)
    b = s.book("09:00")
    before = accounts(s.a)
    inv = s.sell(b).expect(201)
    line = [l for l in inv["lines"] if l.get("line_id") == inv["line_id"]]
    eq(len(line), 1, "the sale's line is on the invoice")
    eq((line[0]["product_id"], line[0]["quantity"], line[0]["unit_price"], line[0]["tax"],
        line[0]["total"]), (s.paste["id"], 2, 1000, 380, 2000), "product line with its tax")
    eq((inv["subtotal"], inv["tax"], inv["total"]), (7000, 380, 7380), "invoice totals")
    eq(level(s.a, s.paste["id"], s.shelf["id"]), 18, "two left the sales storage")
    sale = movements(s.a, booking_id=b["id"])
    eq([(m["reason"], m["quantity"], m["line_id"]) for m in sale],
       [("sale", -2, inv["line_id"])], "sale movement")
    after = accounts(s.a)
    eq(after["4100"] - before["4100"], 2000, "product sales")
    eq(after["4000"] - before["4000"], 0, "no service revenue")
    eq(after["2200"] - before["2200"], 380, "tax payable")
    eq(after["1100"] - before["1100"], 2380, "receivable")
    eq(after["5000"] - before["5000"], 800, "cost of goods at cost_price")
    eq(after["1200"] - before["1200"], -800, "inventory")
    actions = [h["action"] for h in s.a.get(API + "/bookings/%d/history" % b["id"]).expect(200)[
        "items"]]
    eq(actions[-1], "product_sold", "in the booking's history")


def test_removing_an_unpaid_sale_undoes_both(ctx):
    s = _Shop(ctx)
    b = s.book("10:00")
    before = accounts(s.a)
    line_id = s.sell(b).expect(201)["line_id"]
    inv = ctx.staff.delete(API + "/bookings/%d/products/%d" % (b["id"], line_id)).expect(200)
    eq((inv["total"], [l["service_id"] for l in inv["lines"]]), (5000, [s.svc["id"]]),
       "invoice as before the sale")
    eq(inv["status"], "unpaid", "status")
    eq(level(s.a, s.paste["id"], s.shelf["id"]), 20, "goods back on the shelf")
    eq([m["quantity"] for m in movements(s.a, booking_id=b["id"])], [-2, 2],
       "the undo is a new movement")
    after = accounts(s.a)
    for code in ("1100", "1200", "2200", "4100", "5000"):
        eq(after[code], before[code], "account %s back where it was" % code)
    ctx.staff.delete(API + "/bookings/%d/products/%d" % (b["id"], line_id)).expect_problem(404)


def test_sale_cannot_be_removed_once_paid(ctx):
    s = _Shop(ctx)
    b = s.book("11:00")
    line_id = s.sell(b).expect(201)["line_id"]
    s.a.post(API + "/invoices/%d/payments" % b["invoice_id"],
             {"amount": 1000, "method": "cash"}).expect(201)
    snapshot = s.invoice(b)
    p = ctx.staff.delete(API + "/bookings/%d/products/%d" % (b["id"], line_id)).expect_problem(409)
    eq(isinstance(p.get("detail"), str), True, "says why")
    eq(s.invoice(b)["total"], snapshot["total"], "invoice unchanged")
    eq(level(s.a, s.paste["id"], s.shelf["id"]), 18, "stock unchanged")
    accounts(s.a)


def test_sale_bad_input_changes_nothing(ctx):
    s = _Shop(ctx)
    b = s.book("12:00")
    elsewhere = make_storage(s.a, make_location(s.a)["id"], "sales")
    cabinet = make_storage(s.a, s.cl.loc_id, "consumables")
    old = make_product(s.a, archived=True)
    n_moves = len(ctx.sql_rows("SELECT id FROM stock_movements"))
    n_entries = len(ctx.sql_rows("SELECT id FROM journal_entries"))
    total = s.invoice(b)["total"]
    expect_field_error(s.sell(b, product_id=999999), "product_id")
    expect_field_error(s.sell(b, product_id=old["id"]), "product_id")
    expect_field_error(s.sell(b, quantity=0), "quantity")
    expect_field_error(s.sell(b, quantity=-1), "quantity")
    expect_field_error(s.sell(b, storage_id=elsewhere["id"]), "storage_id")
    expect_field_error(s.sell(b, storage_id=cabinet["id"]), "storage_id")
    expect_field_error(s.sell(b, storage_id=999999), "storage_id")
    expect_field_error(s.sell(b, quantity="2"), "quantity")
    ctx.staff.post(API + "/bookings/999999/products",
                   {"product_id": s.paste["id"], "quantity": 1}).expect_problem(404)
    s.a.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    s.sell(b).expect_problem(409)
    eq(len(ctx.sql_rows("SELECT id FROM stock_movements")), n_moves, "no movement stored")
    eq(len(ctx.sql_rows("SELECT id FROM journal_entries")) - n_entries, 1,
       "only the cancellation's void was posted")
    eq(s.invoice(b)["total"], total, "invoice unchanged")
    accounts(s.a)


def test_location_without_sales_storage(ctx):
    a = ctx.admin
    svc = make_service(a, 30, price=5000)
    cl, st = clinic_with_staff(a, 5, "08:00", "18:00")
    b = book_ok(a, st["id"], [svc["id"]], local_iso(next_weekday(5, 35), "09:00"),
                make_patient(a)["id"])
    p = make_product(a)
    expect_field_error(ctx.staff.post(API + "/bookings/%d/products" % b["id"],
                                      {"product_id": p["id"], "quantity": 1}), "storage_id")


def test_pay_the_visit_with_its_products(ctx):
    s = _Shop(ctx)
    b = s.book("13:00")
    s.sell(b, quantity=1).expect(201)
    vid = s.a.get(API + "/bookings/%d" % b["id"]).expect(200)["visit_id"]
    visit = s.a.get(API + "/visits/%d" % vid).expect(200)
    eq(visit["balance_due"], 5000 + 1190, "the visit owes the service and the product")
    s.a.post(API + "/visits/%d/payments" % vid, {"amount": 6190, "method": "card"}).expect(201)
    eq(s.invoice(b)["status"], "paid", "invoice paid")
    eq(s.a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "paid",
       "booking paid")
    accounts(s.a)


def test_cancelling_a_booking_with_a_sale_takes_each_revenue_back(ctx):
    s = _Shop(ctx)
    before = accounts(s.a)
    b = s.book("14:00")
    s.sell(b).expect(201)
    # The new services would replace every line: the sale must go first.
    other = make_service(s.a, 30, price=4000)
    s.a.patch(API + "/bookings/%d" % b["id"], {"service_ids": [other["id"]]}).expect_problem(409)
    eq(s.invoice(b)["total"], 7380, "invoice unchanged by the refused change")
    s.a.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "ill"}).expect(200)
    eq(s.invoice(b)["status"], "void", "voided")
    after = accounts(s.a)
    for code in ("1100", "2200", "4000", "4100"):
        eq(after[code], before[code], "account %s back where it was" % code)

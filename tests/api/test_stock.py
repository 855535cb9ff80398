"""Products, storages and stock: setup records with their checks, the
append-only movement ledger (receipts and adjustments), stock levels and
the low stock list, and a receipt's cost posted as Dr Inventory / Cr
Accounts Payable with the ledger balanced after each step."""

from helpers import API, DatabaseError, check, eq, expect_field_error, make_location
from stockkit import accounts, level, make_product, make_storage, move, movements


def test_products_and_storages_are_setup_records(ctx):
    a = ctx.admin
    loc = make_location(a)
    p = make_product(a, name="Gloves (box)", sku="GLV-1", unit="box", sale_price=1500,
                     cost_price=900, min_quantity=3)
    for k, v in {"name": "Gloves (box)", "sku": "GLV-1", "unit": "box", "sale_price": 1500,
                 "cost_price": 900, "min_quantity": 3, "archived": False}.items():
        eq(p.get(k), v, "product %s" % k)
    s = make_storage(a, loc["id"], "sales", name="Front desk shelf")
    eq((s["location_id"], s["kind"]), (loc["id"], "sales"), "storage location and kind")
    eq(ctx.staff.get(API + "/products/%d" % p["id"]).expect(200)["name"], "Gloves (box)",
       "staff read products")
    ctx.staff.post(API + "/products", {"name": "x"}).expect(403)
    ctx.staff.post(API + "/storages", {"name": "x", "location_id": loc["id"],
                                       "kind": "sales"}).expect(403)
    a.patch(API + "/products/%d" % p["id"], {"archived": True}).expect(200)
    archived = a.get(API + "/products", archived=1, limit=500).expect(200)["items"]
    check(p["id"] in [r["id"] for r in archived], "archived filter lists the product")


def test_product_and_storage_bad_input_changes_nothing(ctx):
    a = ctx.admin
    loc = make_location(a)
    before = len(ctx.sql_rows("SELECT id FROM products"))
    expect_field_error(a.post(API + "/products", {"sku": "x"}), "name")
    expect_field_error(a.post(API + "/products", {"name": "x", "sale_price": -1}), "sale_price")
    expect_field_error(a.post(API + "/products", {"name": "x", "cost_price": -5}), "cost_price")
    expect_field_error(a.post(API + "/products", {"name": "x", "tax_rate_id": 999999}),
                       "tax_rate_id")
    expect_field_error(a.post(API + "/products", {"name": "x", "min_quantity": -1}),
                       "min_quantity")
    eq(len(ctx.sql_rows("SELECT id FROM products")), before, "no product stored")
    before = len(ctx.sql_rows("SELECT id FROM storages"))
    expect_field_error(a.post(API + "/storages", {"name": "x", "location_id": 999999,
                                                  "kind": "sales"}), "location_id")
    expect_field_error(a.post(API + "/storages", {"name": "x", "location_id": loc["id"],
                                                  "kind": "fridge"}), "kind")
    expect_field_error(a.post(API + "/storages", {"name": "x", "kind": "sales"}), "location_id")
    eq(len(ctx.sql_rows("SELECT id FROM storages")), before, "no storage stored")


def test_receipts_and_adjustments_make_the_level(ctx):
    a = ctx.admin
    loc = make_location(a)
    p = make_product(a, cost_price=250)
    s = make_storage(a, loc["id"])
    m = move(ctx.staff, p["id"], s["id"], 10, note="delivery 42").expect(201)
    eq((m["quantity"], m["reason"], m["note"], m["storage_id"]), (10, "receipt", "delivery 42",
                                                                 s["id"]), "receipt movement")
    check(isinstance(m["created_at"], str) and "T" in m["created_at"], "created_at in RFC 3339")
    move(ctx.staff, p["id"], s["id"], -3, "adjustment", note="counted").expect(201)
    eq(level(a, p["id"], s["id"]), 7, "10 received, 3 counted missing")
    # Stock may go below zero: the count is what it is.
    move(ctx.staff, p["id"], s["id"], -9, "adjustment").expect(201)
    eq(level(a, p["id"], s["id"]), -2, "below zero")
    got = movements(a, product_id=p["id"])
    eq([x["quantity"] for x in got], [10, -3, -9], "movements in order")
    eq(len(movements(a, storage_id=s["id"])), 3, "by storage")


def test_movements_are_never_changed_or_deleted(ctx):
    a = ctx.admin
    loc = make_location(a)
    p = make_product(a)
    s = make_storage(a, loc["id"])
    m = move(a, p["id"], s["id"], 5).expect(201)
    for path in ("/stock/movements/%d" % m["id"],):
        check(a.delete(API + path).status in (404, 405), "no DELETE of a movement")
        check(a.patch(API + path, {"quantity": 1}).status in (404, 405), "no PATCH of a movement")
    eq(level(a, p["id"], s["id"]), 5, "level unchanged")
    # The database refuses it too, whoever asks.
    for statement in ("UPDATE stock_movements SET quantity = 50 WHERE id = ?",
                      "DELETE FROM stock_movements WHERE id = ?"):
        try:
            ctx.sql_rows(statement, (m["id"],))
            refused = False
        except DatabaseError:
            refused = True
        check(refused, "refused: %s" % statement)
    eq(ctx.sql_rows("SELECT quantity FROM stock_movements WHERE id = ?", (m["id"],)), [(5,)],
       "row as written")


def test_movement_bad_input_changes_nothing(ctx):
    a = ctx.admin
    loc = make_location(a)
    p = make_product(a)
    s = make_storage(a, loc["id"])
    before = len(ctx.sql_rows("SELECT id FROM stock_movements"))
    journal = len(ctx.sql_rows("SELECT id FROM journal_entries"))
    expect_field_error(move(a, 999999, s["id"], 1), "product_id")
    expect_field_error(move(a, p["id"], 999999, 1), "storage_id")
    expect_field_error(move(a, p["id"], s["id"], 0), "quantity")
    expect_field_error(move(a, p["id"], s["id"], 0, "adjustment"), "quantity")
    expect_field_error(move(a, p["id"], s["id"], -4, unit_cost=100), "quantity")
    expect_field_error(move(a, p["id"], s["id"], 1, "write_off"), "reason")
    expect_field_error(move(a, p["id"], s["id"], 1, "sale"), "reason")
    expect_field_error(move(a, p["id"], s["id"], 1, unit_cost=-1), "unit_cost")
    expect_field_error(move(a, p["id"], s["id"], "3"), "quantity")
    eq(len(ctx.sql_rows("SELECT id FROM stock_movements")), before, "no movement stored")
    eq(len(ctx.sql_rows("SELECT id FROM journal_entries")), journal, "nothing posted")
    eq(level(a, p["id"], s["id"]), 0, "no stock")


def test_low_stock_lists_levels_under_min_quantity(ctx):
    a = ctx.admin
    loc = make_location(a)
    low = make_product(a, min_quantity=5)
    fine = make_product(a, min_quantity=2)
    s = make_storage(a, loc["id"])
    move(a, low["id"], s["id"], 4).expect(201)
    move(a, fine["id"], s["id"], 2).expect(201)
    got = a.get(API + "/stock", storage_id=s["id"], below_min=1).expect(200)["items"]
    eq([(r["product_id"], r["quantity"]) for r in got], [(low["id"], 4)], "low stock list")
    move(a, low["id"], s["id"], 1).expect(201)
    eq(a.get(API + "/stock", storage_id=s["id"], below_min=1).expect(200)["items"], [],
       "at min_quantity is not low")
    every = a.get(API + "/stock", storage_id=s["id"]).expect(200)["items"]
    eq(sorted(r["product_id"] for r in every), sorted([low["id"], fine["id"]]), "all levels")
    expect_field_error(a.get(API + "/stock", below_min=2), "below_min")


def test_receipt_with_cost_posts_inventory_against_payables(ctx):
    a = ctx.admin
    loc = make_location(a)
    p = make_product(a)
    s = make_storage(a, loc["id"])
    before = accounts(a)
    move(a, p["id"], s["id"], 6, unit_cost=350).expect(201)
    after = accounts(a)
    eq(after["1200"] - before["1200"], 2100, "inventory up by 6 x 3.50")
    eq(after["2000"] - before["2000"], 2100, "owed to the supplier")
    # Without a cost, and for adjustments, no money moves.
    move(a, p["id"], s["id"], 2).expect(201)
    move(a, p["id"], s["id"], -1, "adjustment", unit_cost=350).expect(201)
    eq(accounts(a), after, "nothing posted without a receipt cost")
    names = {r["code"]: r["name"] for r in a.get(API + "/accounts").expect(200)["items"]}
    eq((names["1200"], names["2000"], names["5000"]),
       ("Inventory", "Accounts Payable", "Cost of Consumables and Goods"), "new accounts")

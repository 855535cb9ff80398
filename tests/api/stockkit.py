"""What the stock, consumables and product sale tests share: products,
storages, movements, stock levels and the ledger's balance."""

from helpers import API, check, eq, unique


def make_product(c, **fields):
    data = {"name": unique("Product"), "sku": unique("SKU"), "unit": "piece",
            "sale_price": 1000, "cost_price": 400, "min_quantity": 0}
    data.update(fields)
    body = c.post(API + "/products", data).expect(201)
    check(isinstance(body.get("id"), int), "product has no id: %r" % body)
    return body


def make_storage(c, location_id, kind="consumables", **fields):
    data = {"name": unique("Storage"), "location_id": location_id, "kind": kind}
    data.update(fields)
    body = c.post(API + "/storages", data).expect(201)
    check(isinstance(body.get("id"), int), "storage has no id: %r" % body)
    return body


def move(c, product_id, storage_id, quantity, reason="receipt", **fields):
    body = {"product_id": product_id, "storage_id": storage_id, "quantity": quantity,
            "reason": reason}
    body.update(fields)
    return c.post(API + "/stock/movements", body)


def level(c, product_id, storage_id):
    """The stock level of the product in the storage (0 when it never
    moved there)."""
    items = c.get(API + "/stock", product_id=product_id, storage_id=storage_id).expect(200)["items"]
    check(len(items) <= 1, "one level per product and storage: %r" % items)
    return items[0]["quantity"] if items else 0


def movements(c, **params):
    return c.get(API + "/stock/movements", limit=500, **params).expect(200)["items"]


def accounts(c):
    """Account balances by code, after checking that the whole ledger
    balances: every entry on its own and all debits against all credits."""
    rows = c.get(API + "/accounts").expect(200)
    rows = rows["items"] if isinstance(rows, dict) else rows
    eq(sum(r["debit"] for r in rows), sum(r["credit"] for r in rows), "ledger debits == credits")
    entries, cursor = [], None
    while True:
        params = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        body = c.get(API + "/journal-entries", **params).expect(200)
        entries += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    for e in entries:
        eq(sum(l["debit"] for l in e["lines"]), sum(l["credit"] for l in e["lines"]),
           "entry %r balances" % e.get("memo"))
    return {r["code"]: r["balance"] for r in rows}

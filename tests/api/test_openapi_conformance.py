"""Every JSON body the server answers with matches its response schema in
the OpenAPI document it serves. The walk goes through the API as staff,
an admin, a patient (also through login-as) and a visitor: setup, patients,
availability, bookings, appointments, visits, the calendar, money, reports,
notifications, tokens, users, products and stock, consumables, product
sales, packages, resources, holds, group events and their seats, card
checkout with the gateway's signed
webhook, and the usual errors. Each response is recorded and validated
afterwards with jsonschema (Draft 2020-12, as OpenAPI 3.1), formats
included; the walk must reach every operation the document lists outside
/fhir (FHIR bodies are checked by test_fhir against the FHIR R4 schema)."""

import datetime
import json

import helpers
import openapi_check
from checkout_standin import CheckoutStandin, sign
from helpers import (ADMIN_EMAIL, ADMIN_PASSWORD, API, STAFF_EMAIL, STAFF_PASSWORD, check,
                     eq, local_iso, next_weekday, settings_changed, unique)

_rec = openapi_check.Recorder()
_Client = openapi_check.recording_client_class(helpers.Client)
_state = {}


def _login(ctx, email, password):
    c = _Client(ctx.port, _rec)
    c.login(email, password).expect(200)
    return c


def _clients(ctx):
    if not _state:
        _state["admin"] = _login(ctx, ADMIN_EMAIL, ADMIN_PASSWORD)
        _state["staff"] = _login(ctx, STAFF_EMAIL, STAFF_PASSWORD)
        _state["visitor"] = _Client(ctx.port, _rec)
    return _state["admin"], _state["staff"], _state["visitor"]


def test_walk_setup(ctx):
    a, s, v = _clients(ctx)
    for c in (a, s, v):
        c.get("/healthz").expect(200)
        c.get(API + "/settings").expect(200)
        c.get(API + "/locations").expect(200)
        c.get(API + "/services").expect(200)
        c.get(API + "/staff").expect(200)
    a.get(API + "/openapi.yaml").expect(200)
    a.get(API + "/me").expect(200)
    s.get(API + "/me").expect(200)
    v.get(API + "/me").expect_problem(401)
    walk_settings = {"booking_time_divider_min": 15, "allow_self_signup": True,
                     "client_payment": "optional", "notification_email": "desk@clinic.test"}
    before = a.get(API + "/settings").expect(200)
    _state["settings_before"] = {k: before[k] for k in list(walk_settings) + [
        "hold_minutes", "package_expiry_reminder_days", "appointment_mode",
        "max_seats_per_client"]}
    a.patch(API + "/settings", walk_settings).expect(200)
    loc = a.post(API + "/locations", {"name": unique("Walk clinic"), "timezone": "Europe/Berlin",
                                      "address": "Hauptstr. 1"}).expect(201)
    a.get(API + "/locations/%d" % loc["id"]).expect(200)
    v.get(API + "/locations/%d" % loc["id"]).expect(200)
    a.patch(API + "/locations/%d" % loc["id"], {"address": "Hauptstr. 2"}).expect(200)
    tax = a.post(API + "/tax-rates", {"name": unique("VAT"), "rate_bp": 1900}).expect(201)
    a.get(API + "/tax-rates").expect(200)
    s.get(API + "/tax-rates/%d" % tax["id"]).expect(200)
    a.patch(API + "/tax-rates/%d" % tax["id"], {"name": unique("VAT 19")}).expect(200)
    svc = a.post(API + "/services", {"name": unique("Check-up"), "duration_min": 30,
                                     "price": 6000, "category": "Dental",
                                     "tax_rate_id": tax["id"]}).expect(201)
    other = a.post(API + "/services", {"name": unique("Cleaning"), "duration_min": 15,
                                       "price": 2500}).expect(201)
    a.get(API + "/services/%d" % svc["id"]).expect(200)
    v.get(API + "/services/%d" % svc["id"]).expect(200)
    a.patch(API + "/services/%d" % other["id"], {"buffer_after_min": 5}).expect(200)
    action = a.post(API + "/actions", {"name": unique("Follow-up")}).expect(201)
    s.get(API + "/actions").expect(200)
    s.get(API + "/actions/%d" % action["id"]).expect(200)
    a.patch(API + "/actions/%d" % action["id"], {"name": unique("Call")}).expect(200)
    st = a.post(API + "/staff", {"name": unique("Dr Walk"), "email": unique("dr") + "@c.test",
                                 "location_ids": [loc["id"]],
                                 "service_ids": [svc["id"], other["id"]]}).expect(201)
    a.get(API + "/staff/%d" % st["id"]).expect(200)
    v.get(API + "/staff/%d" % st["id"]).expect(200)
    a.patch(API + "/staff/%d" % st["id"], {"color": "#336699"}).expect(200)
    day = next_weekday(2)
    a.put(API + "/staff/%d/shifts" % st["id"],
          {"shifts": [{"weekday": 2, "start": "08:00", "end": "18:00",
                       "location_id": loc["id"]}]}).expect(200)
    s.get(API + "/staff/%d/shifts" % st["id"]).expect(200)
    off = a.post(API + "/staff/%d/time-off" % st["id"],
                 {"start": local_iso(day, "16:00"), "end": local_iso(day, "17:00"),
                  "reason": "Training"}).expect(201)
    s.get(API + "/staff/%d/time-off" % st["id"]).expect(200)
    a.delete(API + "/staff/%d/time-off/%d" % (st["id"], off["id"])).expect(200)
    # Things made to be deleted.
    gone = a.post(API + "/services", {"name": unique("Gone"), "duration_min": 10,
                                      "price": 0}).expect(201)
    a.delete(API + "/services/%d" % gone["id"]).expect(200)
    for path in ("/locations", "/actions", "/staff", "/tax-rates"):
        body = {"name": unique("Gone")}
        if path == "/locations":
            body["timezone"] = "Europe/Berlin"
        if path == "/staff":
            body["location_ids"] = [loc["id"]]
        if path == "/tax-rates":
            body["rate_bp"] = 700
        made = a.post(API + path, body).expect(201)
        a.delete(API + "%s/%d" % (path, made["id"])).expect(200)
    _state.update(loc=loc, svc=svc, other=other, action=action, st=st, day=day, tax=tax)


def test_walk_patients_bookings_money(ctx):
    a, s, v = _clients(ctx)
    loc, svc, other, st, day = (_state[k] for k in ("loc", "svc", "other", "st", "day"))
    email = unique("walk") + "@patient.test"
    p = s.post(API + "/patients", {"name": unique("Walk Patient"), "phone": "+49 30 1234",
                                   "email": email, "notes": "prefers mornings",
                                   "date_of_birth": "1980-05-17"}).expect(201)
    s.get(API + "/patients", q="Walk").expect(200)
    s.get(API + "/patients/%d" % p["id"]).expect(200)
    s.patch(API + "/patients/%d" % p["id"], {"phone": "+49 30 4321"}).expect(200)
    s.post(API + "/patients/%d/account" % p["id"],
           {"email": email, "password": "walk-patient-1"}).expect(201)
    for c in (a, s, v):
        got = c.get(API + "/availability", service_ids=svc["id"], **{"from": day.isoformat(),
                                                                     "to": day.isoformat()})
        got.expect(200)
        # Revalidated (304, no body) and compressed: headers as documented.
        path = helpers.query(API + "/availability", service_ids=svc["id"],
                             **{"from": day.isoformat(), "to": day.isoformat()})
        eq(c.request("GET", path, headers={"If-None-Match": got.headers.get("etag")}).status,
           304, "If-None-Match with the answer's ETag")
        eq(c.request("GET", path, headers={"Accept-Encoding": "gzip"}).headers.get(
            "content-encoding"), "gzip", "gzip when accepted")
    b = s.post(API + "/bookings", {"patient_id": p["id"], "staff_id": st["id"],
                                   "service_ids": [svc["id"], other["id"]],
                                   "start": local_iso(day, "09:00"),
                                   "notes": "first visit"}).expect(201)
    s.get(API + "/bookings", staff_id=st["id"]).expect(200)
    s.get(API + "/bookings/%d" % b["id"]).expect(200)
    s.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "09:30")}).expect(200)
    s.patch(API + "/bookings/%d" % b["id"], {"notes": "moved"}).expect(200)
    s.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}).expect(200)
    s.get(API + "/bookings/%d/history" % b["id"]).expect(200)
    # The slot is taken: 409.
    s.post(API + "/bookings", {"patient_id": p["id"], "staff_id": st["id"],
                               "service_ids": [svc["id"]],
                               "start": local_iso(day, "09:30")}).expect_problem(409)
    ap = s.post(API + "/appointments", {"patient_id": p["id"], "staff_id": st["id"],
                                        "action_id": _state["action"]["id"],
                                        "start": local_iso(day, "11:00"), "duration_min": 20,
                                        "notes": "call back", "share_with_patient": True,
                                        "recurrence": {"every": "week", "interval": 1,
                                                       "until": (day + datetime.timedelta(
                                                           days=14)).isoformat()}}).expect(201)
    occ = ap["occurrences"]
    s.get(API + "/appointments", staff_id=st["id"]).expect(200)
    s.get(API + "/appointments/%d" % occ[0]["id"]).expect(200)
    s.patch(API + "/appointments/%d" % occ[0]["id"], {"notes": "call back soon"}).expect(200)
    s.post(API + "/appointments/%d/attendance" % occ[0]["id"],
           {"attendance": "confirmed"}).expect(200)
    s.get(API + "/appointments/%d/history" % occ[0]["id"]).expect(200)
    s.post(API + "/appointments/%d/cancel" % occ[-1]["id"], {"scope": "this"}).expect(200)
    # Records made with the fewest fields: absent values render as the
    # document says (null or empty), not as whatever the row held.
    bare = s.post(API + "/patients", {"name": unique("Bare"), "phone": "1"}).expect(201)
    s.get(API + "/patients/%d" % bare["id"]).expect(200)
    s.post(API + "/bookings", {"patient_id": bare["id"], "staff_id": st["id"],
                               "service_ids": [other["id"]],
                               "start": local_iso(day, "12:00")}).expect(201)
    bare_ap = s.post(API + "/appointments", {"start": local_iso(day, "17:30"),
                                             "duration_min": 15}).expect(201)
    s.get(API + "/appointments/%d" % bare_ap["occurrences"][0]["id"]).expect(200)
    s.get(API + "/appointments", **{"from": day.isoformat(), "to": day.isoformat()}).expect(200)
    for path in ("/patients", "/bookings", "/appointments", "/invoices", "/payments",
                 "/notifications"):
        page = s.get(API + path, limit=1).expect(200)
        if page["next_cursor"] is not None:
            s.get(API + path, limit=1, cursor=page["next_cursor"]).expect(200)
    s.get(API + "/calendar", date=day.isoformat(), location_id=loc["id"]).expect(200)
    visits = s.get(API + "/visits", date=day.isoformat(), location_id=loc["id"]).expect(200)
    visit = visits["items"][0]
    s.get(API + "/visits/%d" % visit["id"]).expect(200)
    s.post(API + "/visits/%d/attendance" % visit["id"], {"attendance": "arrived"}).expect(200)
    s.post(API + "/visits/%d/payments" % visit["id"], {"amount": 1000,
                                                       "method": "cash"}).expect(201)
    s.get(API + "/invoices").expect(200)
    inv = s.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
    s.post(API + "/invoices/%d/payments" % inv["id"], {"amount": 500, "method": "card"}).expect(201)
    s.get(API + "/payments").expect(200)
    # A paid booking, cancelled, owes a refund.
    b2 = s.post(API + "/bookings", {"patient_id": p["id"], "staff_id": st["id"],
                                    "service_ids": [other["id"]],
                                    "start": local_iso(day, "13:00")}).expect(201)
    s.post(API + "/invoices/%d/payments" % b2["invoice_id"],
           {"amount": 2500, "method": "cash"}).expect(201)
    s.post(API + "/bookings/%d/cancel" % b2["id"], {"reason": "ill"}).expect(200)
    s.post(API + "/invoices/%d/refunds" % b2["invoice_id"], {"method": "cash"}).expect(201)
    a.get(API + "/journal-entries", **{"from": day.isoformat(), "to": day.isoformat()}).expect(200)
    a.get(API + "/accounts").expect(200)
    rng = {"from": day.isoformat(), "to": day.isoformat()}
    s.get(API + "/reports/takings", **rng).expect(200)
    s.get(API + "/reports/receivables").expect(200)
    s.get(API + "/reports/attendance", **rng).expect(200)
    _state.update(patient=p, email=email, booking=b)


def test_walk_patient_portal(ctx):
    a, s, v = _clients(ctx)
    st, svc, day, p = (_state[k] for k in ("st", "svc", "day", "patient"))
    me = _login(ctx, _state["email"], "walk-patient-1")
    me.get(API + "/me").expect(200)
    me.get(API + "/me/profile").expect(200)
    me.get(API + "/me/appointments").expect(200)
    me.get(API + "/me/invoices").expect(200)
    me.get(API + "/services").expect(200)
    me.get(API + "/staff").expect(200)
    me.get(API + "/locations").expect(200)
    me.get(API + "/settings").expect(200)
    mine = me.post(API + "/bookings", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                       "start": local_iso(day, "14:00"), "pay": "now"}
                   ).expect(201)
    me.get(API + "/bookings").expect(200)
    me.get(API + "/bookings/%d" % mine["id"]).expect(200)
    me.get(API + "/invoices/%d" % mine["invoice_id"]).expect(200)
    later = me.post(API + "/bookings", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                        "start": local_iso(day, "15:30"), "pay": "skip"}
                    ).expect(201)
    # No payment_methods set: the patient names no method (the single provider).
    me.post(API + "/invoices/%d/payments" % later["invoice_id"], {"amount": 1000}).expect(201)
    me.get(API + "/bookings/%d" % _state["booking"]["id"]).expect(200)
    me.get(API + "/patients").expect_problem(403)
    me.get(API + "/bookings/999999").expect_problem(404)
    # Other tests' payments may wait too: only this patient's are ours.
    ours = (mine["invoice_id"], later["invoice_id"])
    pending, cursor = [], None
    for _ in range(50):
        page = s.get(API + "/payments", status="pending", limit=500, cursor=cursor).expect(200)
        pending += [x for x in page["items"] if x["invoice_id"] in ours]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    eq(len(pending), 2, "the patient's online payments wait for staff")
    s.post(API + "/payments/%d/confirm" % pending[0]["id"]).expect(200)
    s.post(API + "/payments/%d/reject" % pending[1]["id"]).expect(200)
    me.post(API + "/bookings/%d/cancel" % mine["id"], {"reason": "cannot come"}).expect(200)
    me.post(API + "/auth/logout").expect(200)
    me.get(API + "/me").expect_problem(401)
    # Staff seeing the portal as this patient.
    as_p = _login(ctx, STAFF_EMAIL, STAFF_PASSWORD)
    as_p.csrf = as_p.post(API + "/patients/%d/login-as" % p["id"]).expect(200)["user"][
        "csrf_token"]
    as_p.get(API + "/me").expect(200)
    as_p.get(API + "/me/profile").expect(200)
    as_p.get(API + "/me/appointments").expect(200)
    as_p.post(API + "/auth/logout").expect(200)


def test_walk_stock_and_product_sales(ctx):
    a, s, v = _clients(ctx)
    loc, svc, st, day, tax, p = (_state[k] for k in ("loc", "svc", "st", "day", "tax", "patient"))
    day2 = day + datetime.timedelta(days=7)
    prod = a.post(API + "/products", {"name": unique("Gloves"), "sku": unique("SKU"),
                                      "unit": "box", "sale_price": 1200, "cost_price": 400,
                                      "min_quantity": 5, "tax_rate_id": tax["id"]}).expect(201)
    bare = a.post(API + "/products", {"name": unique("Swab")}).expect(201)
    a.get(API + "/products").expect(200)
    s.get(API + "/products/%d" % prod["id"]).expect(200)
    a.patch(API + "/products/%d" % bare["id"], {"archived": True}).expect(200)
    a.get(API + "/products", archived=1).expect(200)
    a.post(API + "/products", {"sku": "x"}).expect_problem(422)
    s.post(API + "/products", {"name": "x"}).expect_problem(403)
    a.get(API + "/products/999999").expect_problem(404)
    store = a.post(API + "/storages", {"name": unique("Cupboard"), "location_id": loc["id"],
                                       "kind": "consumables"}).expect(201)
    shelf = a.post(API + "/storages", {"name": unique("Shelf"), "location_id": loc["id"],
                                       "kind": "sales"}).expect(201)
    a.get(API + "/storages").expect(200)
    s.get(API + "/storages/%d" % store["id"]).expect(200)
    a.patch(API + "/storages/%d" % store["id"], {"name": unique("Cupboard 2")}).expect(200)
    a.post(API + "/storages", {"name": "x", "kind": "sales"}).expect_problem(422)
    a.get(API + "/storages/999999").expect_problem(404)
    for where in (store, shelf):
        a.post(API + "/stock/movements", {"product_id": prod["id"], "storage_id": where["id"],
                                          "quantity": 20, "reason": "receipt",
                                          "unit_cost": 400}).expect(201)
    a.post(API + "/stock/movements", {"product_id": prod["id"], "storage_id": store["id"],
                                      "quantity": 0, "reason": "receipt"}).expect_problem(422)
    a.get(API + "/stock").expect(200)
    a.get(API + "/stock", storage_id=store["id"], below_min=1).expect(200)
    a.get(API + "/stock", below_min=2).expect_problem(422)
    a.get(API + "/stock/movements", product_id=prod["id"]).expect(200)
    for path, body in (("/products", {"name": unique("Gone")}),
                       ("/storages", {"name": unique("Gone"), "location_id": loc["id"],
                                      "kind": "consumables"})):
        made = a.post(API + path, body).expect(201)
        a.delete(API + "%s/%d" % (path, made["id"])).expect(200)
        a.delete(API + "%s/%d" % (path, made["id"])).expect_problem(404)
    # Consumables of a service and of one booking.
    a.put(API + "/services/%d/consumables" % svc["id"],
          {"items": [{"product_id": prod["id"], "quantity": 1}]}).expect(200)
    s.get(API + "/services/%d/consumables" % svc["id"]).expect(200)
    s.put(API + "/services/%d/consumables" % svc["id"], {"items": []}).expect_problem(403)
    a.put(API + "/services/%d/consumables" % svc["id"],
          {"items": [{"product_id": 999999, "quantity": 1}]}).expect_problem(422)
    a.put(API + "/services/999999/consumables", {"items": []}).expect_problem(404)
    b = s.post(API + "/bookings", {"patient_id": p["id"], "staff_id": st["id"],
                                   "service_ids": [svc["id"]], "use_package": False,
                                   "start": local_iso(day2, "09:00")}).expect(201)
    s.get(API + "/bookings/%d/consumables" % b["id"]).expect(200)
    s.put(API + "/bookings/%d/consumables" % b["id"],
          {"items": [{"product_id": prod["id"], "storage_id": store["id"],
                      "quantity": 2}]}).expect(200)
    s.put(API + "/bookings/%d/consumables" % b["id"],
          {"items": [{"product_id": prod["id"], "quantity": -1}]}).expect_problem(422)
    s.get(API + "/bookings/999999/consumables").expect_problem(404)
    # A product sold on the visit, and undone.
    sold = s.post(API + "/bookings/%d/products" % b["id"],
                  {"product_id": prod["id"], "quantity": 1}).expect(201)
    s.post(API + "/bookings/%d/products" % b["id"],
           {"product_id": prod["id"], "quantity": 0}).expect_problem(422)
    s.post(API + "/bookings/999999/products",
           {"product_id": prod["id"], "quantity": 1}).expect_problem(404)
    s.delete(API + "/bookings/%d/products/%d" % (b["id"], sold["line_id"])).expect(200)
    s.delete(API + "/bookings/%d/products/%d" % (b["id"], sold["line_id"])).expect_problem(404)
    s.post(API + "/bookings/%d/attendance" % b["id"], {"attendance": "arrived"}).expect(200)
    s.get(API + "/bookings/%d/consumables" % b["id"]).expect(200)
    a.get(API + "/stock/movements", booking_id=b["id"]).expect(200)
    a.put(API + "/services/%d/consumables" % svc["id"], {"items": []}).expect(200)
    _state.update(day2=day2)


def test_walk_packages(ctx):
    a, s, v = _clients(ctx)
    svc, st, p, day2 = (_state[k] for k in ("svc", "st", "patient", "day2"))
    pkg = a.post(API + "/packages", {"name": unique("Course"), "price": 10000,
                                     "items": [{"service_id": svc["id"], "quantity": 2}],
                                     "online_purchase": True, "valid_days": 365}).expect(201)
    desk = a.post(API + "/packages", {"name": unique("Desk course"), "price": 5000,
                                      "items": [{"service_id": svc["id"], "quantity": 1}],
                                      "staff_ids": [st["id"]]}).expect(201)
    a.post(API + "/packages", {"name": unique("Empty"), "items": []}).expect_problem(422)
    s.post(API + "/packages", {"name": "x"}).expect_problem(403)
    for c in (a, s, v):
        c.get(API + "/packages").expect(200)
        c.get(API + "/packages/%d" % pkg["id"]).expect(200)
    v.get(API + "/packages/%d" % desk["id"]).expect_problem(404)
    a.patch(API + "/packages/%d" % desk["id"], {"price": 4500}).expect(200)
    a.patch(API + "/packages/%d" % desk["id"], {"price": -1}).expect_problem(422)
    a.get(API + "/packages/999999").expect_problem(404)
    gone = a.post(API + "/packages", {"name": unique("Gone"), "price": 100,
                                      "items": [{"service_id": svc["id"], "quantity": 1}]}
                  ).expect(201)
    a.delete(API + "/packages/%d" % gone["id"]).expect(200)
    a.delete(API + "/packages/999999").expect_problem(404)
    sold = s.post(API + "/patients/%d/packages" % p["id"], {"package_id": desk["id"]}).expect(201)
    s.post(API + "/patients/%d/packages" % p["id"], {"package_id": gone["id"]}).expect_problem(422)
    s.post(API + "/patients/999999/packages", {"package_id": desk["id"]}).expect_problem(404)
    s.get(API + "/patients/%d/packages" % p["id"]).expect(200)
    s.get(API + "/patient-packages/%d" % sold["id"]).expect(200)
    s.get(API + "/patient-packages/999999").expect_problem(404)
    url = API + "/invoices/%d/lines/%d/booking" % (sold["invoice_id"], sold["items"][0]["line_id"])
    s.post(url, {"staff_id": st["id"], "start": local_iso(day2, "10:00"),
                 "check_only": True}).expect(200)
    s.post(url, {"staff_id": st["id"], "start": local_iso(day2, "09:00"),
                 "check_only": True}).expect(200)
    s.post(url, {"staff_id": st["id"]}).expect_problem(422)
    b = s.post(url, {"staff_id": st["id"], "start": local_iso(day2, "10:00")}).expect(201)
    s.get(API + "/bookings/%d" % b["id"]).expect(200)
    s.post(url, {"staff_id": st["id"], "start": local_iso(day2, "14:00")}).expect_problem(409)
    s.get(API + "/patient-packages/%d" % sold["id"]).expect(200)
    s.delete(url).expect(200)
    s.delete(url).expect_problem(409)
    s.post(API + "/invoices/%d/lines/999999/booking" % sold["invoice_id"],
           {"staff_id": st["id"], "start": local_iso(day2, "10:00")}).expect_problem(404)
    s.get(API + "/reports/package-liability").expect(200)
    me = _login(ctx, _state["email"], "walk-patient-1")
    me.get(API + "/packages").expect(200)
    me.post(API + "/me/packages", {"package_id": desk["id"]}).expect_problem(422)
    mine = me.post(API + "/me/packages", {"package_id": pkg["id"], "pay": "skip"}).expect(201)
    me.get(API + "/me/packages").expect(200)
    me.get(API + "/patient-packages/%d" % mine["id"]).expect(200)
    me.post(API + "/patients/%d/packages" % p["id"], {"package_id": pkg["id"]}).expect_problem(403)
    a.delete(API + "/packages/%d" % pkg["id"]).expect(200)
    _state["me"] = me


def test_walk_resources_and_holds(ctx):
    a, s, v = _clients(ctx)
    loc, svc, other, st, p, day2, me = (_state[k] for k in (
        "loc", "svc", "other", "st", "patient", "day2", "me"))
    room = a.post(API + "/resources", {"name": unique("Room"), "location_id": loc["id"],
                                       "kind": "room", "quantity": 1}).expect(201)
    a.get(API + "/resources").expect(200)
    s.get(API + "/resources/%d" % room["id"]).expect(200)
    a.patch(API + "/resources/%d" % room["id"], {"quantity": 2}).expect(200)
    a.patch(API + "/resources/%d" % room["id"], {"quantity": -1}).expect_problem(422)
    a.post(API + "/resources", {"name": "Homeless", "quantity": 1}).expect_problem(422)
    s.post(API + "/resources", {"name": "x", "location_id": loc["id"]}).expect_problem(403)
    v.get(API + "/resources").expect_problem(401)
    me.get(API + "/resources").expect_problem(403)
    a.get(API + "/resources/999999").expect_problem(404)
    gone = a.post(API + "/resources", {"name": unique("Gone"), "location_id": loc["id"],
                                       "kind": "chair", "quantity": 1}).expect(201)
    a.delete(API + "/resources/%d" % gone["id"]).expect(200)
    a.delete(API + "/resources/%d" % gone["id"]).expect_problem(404)
    roomy = a.post(API + "/services", {"name": unique("Surgery"), "duration_min": 30,
                                       "price": 9000, "resource_ids": [room["id"]]}).expect(201)
    a.get(API + "/services/%d" % roomy["id"]).expect(200)
    a.patch(API + "/staff/%d" % st["id"],
            {"service_ids": [svc["id"], other["id"], roomy["id"]]}).expect(200)
    b = s.post(API + "/bookings", {"patient_id": p["id"], "staff_id": st["id"],
                                   "service_ids": [roomy["id"]], "use_package": False,
                                   "start": local_iso(day2, "16:00")}).expect(201)
    s.get(API + "/bookings/%d" % b["id"]).expect(200)
    # Moved without telling the patient; a flag that is no boolean moves nothing.
    s.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day2, "16:30"),
                                             "notify_patient": False}).expect(200)
    s.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day2, "16:00"),
                                             "notify_patient": "no"}).expect_problem(422)
    day = day2.isoformat()
    s.get(API + "/calendar", date=day, location_id=loc["id"], view="resources").expect(200)
    s.get(API + "/calendar", date=day, location_id=loc["id"], view="rooms").expect_problem(422)
    a.patch(API + "/settings", {"hold_minutes": _state["settings_before"]["hold_minutes"],
                                "package_expiry_reminder_days": _state["settings_before"][
                                    "package_expiry_reminder_days"]}).expect(200)
    a.patch(API + "/settings", {"hold_minutes": 0}).expect_problem(422)
    held = me.post(API + "/holds", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                    "start": local_iso(day2, "13:00")}).expect(201)
    me.post(API + "/holds", {"staff_id": st["id"], "service_ids": [svc["id"]],
                             "start": local_iso(day2, "09:00")}).expect_problem(409)
    me.post(API + "/holds", {"service_ids": [svc["id"]],
                             "start": local_iso(day2, "13:00")}).expect_problem(422)
    v.delete(API + "/holds/%d" % held["id"]).expect_problem(404)
    me.delete(API + "/holds/%d" % held["id"]).expect(200)
    me.delete(API + "/holds/%d" % held["id"]).expect_problem(404)


def test_walk_group_events(ctx):
    a, s, v = _clients(ctx)
    loc, p, me = (_state[k] for k in ("loc", "patient", "me"))
    a.patch(API + "/settings", {"appointment_mode": "mixed", "max_seats_per_client": 2}).expect(200)
    coach = a.post(API + "/staff", {"name": unique("Coach"), "location_ids": [loc["id"]]}
                   ).expect(201)
    a.put(API + "/staff/%d/shifts" % coach["id"],
          {"shifts": [{"weekday": 4, "start": "08:00", "end": "18:00",
                       "location_id": loc["id"]}]}).expect(200)
    studio = a.post(API + "/resources", {"name": unique("Studio"), "location_id": loc["id"],
                                         "kind": "room", "quantity": 1}).expect(201)
    yoga = a.post(API + "/services", {"name": unique("Yoga"), "duration_min": 60, "price": 1500,
                                      "capacity": 6, "online_booking": True,
                                      "resource_ids": [studio["id"]]}).expect(201)
    day = next_weekday(4)
    until = (day + datetime.timedelta(days=7)).isoformat()
    ev = s.post(API + "/group-events", {"service_id": yoga["id"], "staff_id": coach["id"],
                                        "start": local_iso(day, "10:00"),
                                        "recurrence": {"every": "week", "until": until}}
                ).expect(201)
    s.post(API + "/group-events", {"service_id": yoga["id"], "staff_id": coach["id"],
                                   "start": local_iso(day, "10:30")}).expect_problem(409)
    s.post(API + "/group-events", {"service_id": yoga["id"], "staff_id": coach["id"],
                                   "start": "soon"}).expect_problem(422)
    me.post(API + "/group-events", {"service_id": yoga["id"], "staff_id": coach["id"],
                                    "start": local_iso(day, "15:00")}).expect_problem(403)
    v.post(API + "/group-events", {}).expect_problem(401)
    for c in (s, v, me):
        c.get(API + "/group-events", staff_id=coach["id"]).expect(200)
        c.get(API + "/group-events/%d" % ev["id"]).expect(200)
        c.get(API + "/availability", service_ids=yoga["id"], **{
            "from": day.isoformat(), "to": day.isoformat()}).expect(200)
    s.get(API + "/group-events", limit=1).expect(200)
    s.get(API + "/group-events", staff_id="x").expect_problem(422)
    s.get(API + "/group-events/999999").expect_problem(404)
    b = s.post(API + "/bookings", {"group_event_id": ev["id"], "patient_id": p["id"],
                                   "seats": 2, "use_package": False}).expect(201)
    s.post(API + "/bookings", {"group_event_id": ev["id"], "patient_id": p["id"],
                               "seats": 3}).expect_problem(422)
    held = me.post(API + "/holds", {"group_event_id": ev["id"], "seats": 1}).expect(201)
    me.post(API + "/bookings", {"group_event_id": ev["id"],
                                "hold_token": held["token"]}).expect(201)
    s.get(API + "/bookings/%d" % b["id"]).expect(200)
    s.get(API + "/group-events/%d/participants" % ev["id"]).expect(200)
    me.get(API + "/group-events/%d/participants" % ev["id"]).expect_problem(403)
    v.get(API + "/group-events/%d/participants" % ev["id"]).expect_problem(401)
    s.get(API + "/calendar", date=day.isoformat(), location_id=loc["id"]).expect(200)
    s.get(API + "/calendar", date=day.isoformat(), location_id=loc["id"],
          view="resources").expect(200)
    second = ev["events"][1]["id"]
    s.post(API + "/group-events/%d/cancel" % second, {"scope": "sometimes"}).expect_problem(422)
    me.post(API + "/group-events/%d/cancel" % second, {}).expect_problem(403)
    v.post(API + "/group-events/%d/cancel" % second, {}).expect_problem(401)
    s.post(API + "/group-events/%d/cancel" % ev["id"], {"scope": "series"}).expect(200)
    s.post(API + "/group-events/%d/cancel" % ev["id"], {}).expect_problem(409)
    s.post(API + "/group-events/999999/cancel", {}).expect_problem(404)
    s.get(API + "/group-events/999999/participants").expect_problem(404)
    a.patch(API + "/settings", {
        "appointment_mode": _state["settings_before"]["appointment_mode"],
        "max_seats_per_client": _state["settings_before"]["max_seats_per_client"]}).expect(200)


KEY = "sk_test_walk"
SECRET = "whsec_test_walk"


def test_walk_card_checkout_and_gateway_webhook(ctx):
    """Online card payment through the Checkout-style stand-in; the
    gateway's webhook is sent by this walk, signed as the gateway signs."""
    a, s, v = _clients(ctx)
    svc, st, day2, me = (_state[k] for k in ("svc", "st", "day2", "me"))
    hook = API + "/payment-webhooks/checkout"
    with CheckoutStandin(KEY, SECRET, None) as gw, settings_changed(
            a, client_payment="optional", payment_methods="card,bank_transfer",
            bank_details="Walk Clinic, IBAN DE02 1203 0000 0000 2020 51",
            allow_private_targets=True, card_gateway_url=gw.url, card_gateway_key=KEY,
            card_webhook_secret=SECRET, public_url="http://clinic.test"):
        v.get(API + "/settings").expect(200)
        a.get(API + "/settings").expect(200)
        b = me.post(API + "/bookings", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                        "start": local_iso(day2, "15:00"), "pay": "now",
                                        "pay_method": "card", "use_package": False}).expect(201)
        inv = me.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
        me.get(API + "/me/invoices").expect(200)
        pid = inv["payments"][0]["id"]
        s.post(API + "/payments/999999/checkout", {}).expect_problem(404)
        r = me.post(API + "/payments/%d/checkout" % pid, {}).expect(201)
        sid = r["redirect_url"].rsplit("/", 1)[1]
        gw.sessions[sid]["payment_status"] = "paid"
        payload = json.dumps(gw.completed_event(sid)).encode()

        def post(sig, body=payload):
            return v.request("POST", hook, raw=body, headers={"Stripe-Signature": sig})

        post(sign("whsec_wrong", payload)).expect_problem(400)
        wrong = json.loads(payload)
        wrong["data"]["object"]["amount_total"] = 1
        wrong = json.dumps(wrong).encode()
        post(sign(SECRET, wrong), wrong).expect_problem(422)
        post(sign(SECRET, payload)).expect(200)
        post(sign(SECRET, payload)).expect(200)
        unknown = gw.completed_event(sid)
        unknown["data"]["object"]["id"] = "cs_test_nobody"
        unknown = json.dumps(unknown).encode()
        post(sign(SECRET, unknown), unknown).expect_problem(404)
        me.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
        me.post(API + "/payments/%d/checkout" % pid, {}).expect_problem(409)
        v.post(API + "/payments/%d/checkout" % pid, {}).expect_problem(401)
        # A gateway that refuses the key: no session, the payment still waits.
        a.patch(API + "/settings", {"card_gateway_key": "sk_refused"}).expect(200)
        b2 = me.post(API + "/bookings", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                         "start": local_iso(day2, "17:00"), "pay": "now",
                                         "pay_method": "card", "use_package": False}).expect(201)
        pid2 = me.get(API + "/invoices/%d" % b2["invoice_id"]).expect(200)["payments"][0]["id"]
        me.post(API + "/payments/%d/checkout" % pid2, {}).expect_problem(503)
        a.patch(API + "/settings", {"card_gateway_key": KEY}).expect(200)
        me.post(API + "/bookings/%d/cancel" % b2["id"], {"reason": "paid elsewhere"}).expect(200)


def test_walk_visitor_signup_and_merge(ctx):
    a, s, v = _clients(ctx)
    st, svc, day = (_state[k] for k in ("st", "svc", "day"))
    old = s.post(API + "/patients", {"name": unique("Old record"), "phone": "+49 30 9",
                                     "email": unique("dup") + "@patient.test"}).expect(201)
    signup = _Client(ctx.port, _rec)
    b = signup.post(API + "/bookings", {"patient": {"name": unique("New record"),
                                                    "phone": "+49 30 9", "email": old["email"],
                                                    "password": "signup-pass-1"},
                                        "staff_id": st["id"], "service_ids": [svc["id"]],
                                        "start": local_iso(day, "15:00")}).expect(201)
    s.get(API + "/patients", possible_duplicates="1").expect(200)
    s.post(API + "/patients/%d/merge" % b["patient_id"], {"into_id": old["id"]}).expect(200)
    v.get(API + "/bookings").expect_problem(401)
    # No failed logins here: they count against this address for every
    # module on the server (test_http_semantics meets 401 and 429 on its own).
    v.get(API + "/availability", service_ids=svc["id"], **{"from": "2026-13-01",
                                                           "to": "x"}).expect_problem(422)


def test_walk_notifications_and_admin(ctx):
    a, s, v = _clients(ctx)
    st, loc = _state["st"], _state["loc"]
    s.get(API + "/notifications").expect(200)
    s.get(API + "/sync/issues").expect(200)
    s.post(API + "/sync/issues/999999/resolve").expect_problem(404)
    templates = a.get(API + "/templates").expect(200)["items"]
    a.get(API + "/templates/%d" % templates[0]["id"]).expect(200)
    a.patch(API + "/templates/%d" % templates[0]["id"],
            {"subject": templates[0]["subject"]}).expect(200)
    a.patch(API + "/settings", {"allow_private_targets": True}).expect(200)
    hook = a.post(API + "/webhooks", {"url": "http://127.0.0.1:9/hook",
                                      "events": ["booking.created"]}).expect(201)
    a.get(API + "/webhooks").expect(200)
    a.get(API + "/webhooks/%d" % hook["id"]).expect(200)
    a.delete(API + "/webhooks/%d" % hook["id"]).expect(200)
    a.patch(API + "/settings", {"allow_private_targets": False}).expect(200)
    for kind, owner in (("staff", st["id"]), ("locations", loc["id"])):
        a.get(API + "/%s/%d/feed-token" % (kind, owner)).expect(200)
        tok = a.post(API + "/%s/%d/feed-token" % (kind, owner)).expect(201)
        eq(v.get(tok["url"]).status, 200, "feed")
        v.get("/ical/%s/%d.ics" % (kind, owner), token="wrong").expect_problem(404)
    tok = a.post(API + "/tokens", {"name": unique("integration"), "role": "staff"}).expect(201)
    a.get(API + "/tokens").expect(200)
    a.delete(API + "/tokens/%d" % tok["id"]).expect(200)
    a.get(API + "/audit").expect(200)
    a.get(API + "/users").expect(200)
    u = a.post(API + "/users", {"email": unique("walk") + "@staff.test", "role": "staff",
                                "password": "walk-staff-pass-1"}).expect(201)
    a.post(API + "/users/%d/disable" % u["id"]).expect(200)
    a.post(API + "/users/%d/enable" % u["id"]).expect(200)
    s.get(API + "/users").expect_problem(403)
    a.post(API + "/services", {"name": ""}).expect_problem(422)
    a.post(API + "/patients", raw="[1]").expect_problem(400)
    a.request("DELETE", API + "/settings").expect_problem(405)
    a.get(API + "/locations/999999").expect_problem(404)
    a.get(API + "/nowhere").expect_problem(404)
    a.post(API + "/patients", raw='{"name": "%s"}' % ("x" * 300 * 1024)).expect_problem(413)
    a.request("POST", API + "/patients", body={"name": "x", "phone": "1"},
              csrf=False).expect_problem(403)


def test_the_check_finds_differences(ctx):
    """The validator is not a rubber stamp: bodies that break the document
    in the ways the walk could meet are reported."""
    rec = openapi_check.Recorder()
    bad = helpers.Response("GET", API + "/me/profile", 200,
                           {"content-type": "application/json"},
                           b'{"id": 1, "name": "A", "phone": "", "email": "", '
                           b'"date_of_birth": null, "can_book_online": true, '
                           b'"can_view_invoices": true, "has_account": true, "notes": "x"}')
    extra = helpers.Response("GET", API + "/locations/1", 200,
                             {"content-type": "application/json"},
                             b'{"id": 1, "name": "A", "timezone": "Europe/Berlin", '
                             b'"address": "", "secret": 1}')
    when = helpers.Response("GET", API + "/webhooks/1", 200,
                            {"content-type": "application/json"},
                            b'{"id": 1, "url": "http://x.test/", "events": ["booking.created"], '
                            b'"last_status": 200, "last_attempt_at": "2026-12-01 09:00"}')
    status = helpers.Response("GET", API + "/settings", 418,
                              {"content-type": "application/json"}, b"{}")
    title = helpers.Response("GET", API + "/bookings/1", 404,
                             {"content-type": "application/problem+json"},
                             b'{"type": "about:blank", "title": "Not found", "status": 404, '
                             b'"detail": "no such booking"}')
    phrase = helpers.Response("GET", API + "/bookings/2", 404,
                              {"content-type": "application/problem+json"},
                              b'{"type": "about:blank", "title": "Conflict", "status": 404, '
                              b'"detail": "no such booking"}')
    for r in (bad, extra, when, status, title, phrase):
        rec.response(r)
    spec = helpers.Client(ctx.port).get(API + "/openapi.yaml")
    spec.expect(200)
    mismatches, _, _ = openapi_check.check(spec.text, rec)
    text = "\n".join(mismatches)
    for expected in ("/me/profile -> 200", "'secret' is not in the document",
                     "last_attempt_at", "status 418 is not documented", "'Not found'",
                     "title 'Conflict' is not the reason phrase 'Not Found'"):
        check(expected in text, "the check missed %r in:\n%s" % (expected, text))
    eq(len(mismatches), 6, "one mismatch per bad body:\n%s" % text)


def test_zz_head_answers_like_every_get(ctx):
    """RFC 9110: HEAD wherever GET works, for every GET of the walk, by the
    same client: GET's status, type and length, and no body."""
    differ = []
    for client, path in list(_rec.gets):
        g = client.request("GET", path)
        h = client.request("HEAD", path)
        got = (h.status, h.headers.get("content-type"), h.headers.get("content-length"), h.body)
        want = (g.status, g.headers.get("content-type"), str(len(g.body)), b"")
        if got != want:
            differ.append("%s: HEAD %r, GET %r" % (path, got, want))
    check(len(_rec.gets) > 60, "the walk made %d distinct GETs" % len(_rec.gets))
    check(not differ, "HEAD differs from GET:\n  %s" % "\n  ".join(differ))


def test_the_check_finds_a_broken_document(ctx):
    spec = helpers.Client(ctx.port).get(API + "/openapi.yaml")
    spec.expect(200)
    check(spec.text.count("\n  schemas:\n") == 1, "one components/schemas section")
    broken = spec.text.replace("\n  schemas:\n", "\n  schemas:\n    Broken:\n      type: objekt\n"
                               "    Dangling:\n      $ref: \"#/components/schemas/Nope\"\n")
    mismatches, _, _ = openapi_check.check(broken, openapi_check.Recorder())
    eq(sorted(m.split(":")[1].strip() for m in mismatches),
       ["#/components/schemas/Dangling", "components/schemas/Broken"],
       "both faults found: %r" % mismatches)


def _result(ctx):
    if "result" not in _state:
        spec = helpers.Client(ctx.port).get(API + "/openapi.yaml")
        spec.expect(200)
        _state["result"] = openapi_check.check(spec.text, _rec)
    return _state["result"]


def test_zz_every_body_matches_the_document(ctx):
    mismatches, _, _ = _result(ctx)
    check(len(_rec.records) > 150, "the walk recorded %d responses" % len(_rec.records))
    check(not mismatches, "%d responses differ from docs/openapi.yaml:\n  %s"
          % (len(mismatches), "\n  ".join(mismatches[:80])))


def test_zz_settings_restored(ctx):
    """The walk shares the server with other modules: it leaves the
    settings as it found them."""
    a = _clients(ctx)[0]
    check("settings_before" in _state, "the walk recorded the settings it changes")
    a.patch(API + "/settings", _state["settings_before"]).expect(200)


def test_zz_the_walk_reaches_every_operation(ctx):
    _, walked, listed = _result(ctx)
    # /fhir/* answers application/fhir+json, validated against the official
    # FHIR R4 JSON schema by test_fhir; this walk leaves those operations out.
    listed = {op for op in listed if not op.split(" ", 1)[1].startswith("/fhir/")}
    missing = sorted(listed - walked)
    check(not missing, "operations the walk did not reach: %s" % ", ".join(missing))

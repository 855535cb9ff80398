"""Paying online by a method the clinic enables (payment_methods): bank
transfer with the clinic's details and a reference, pay at the desk, and
card through a Checkout-style gateway (a stand-in on loopback that follows
Stripe Checkout's redirect and webhook-signature scheme) whose signed
webhook confirms the payment once."""

import json
import threading
import time

from checkout_standin import CheckoutStandin, sign
from helpers import (API, Client, check, eq, expect_field_error, get_settings, make_patient,
                     settings_changed, unique)
from test_money import PATIENT_PASSWORD, _Clinic, _entries, _invoice, _patient_login

KEY = "sk_test_chairside"
SECRET = "whsec_test_chairside"
BANK = "Chairside Dental, IBAN DE02 1203 0000 0000 2020 51, BYLADEM1001"


def _settings_row(ctx):
    return ctx.sql_rows("SELECT payment_methods, bank_details, card_gateway_url FROM settings "
                        "WHERE id = 1")[0]


def test_settings_that_depend_on_each_other(ctx):
    a = ctx.admin
    before = _settings_row(ctx)
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "bank_transfer",
                                                   "bank_details": ""}), "bank_details")
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "card"}),
                       "card_gateway_url")
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "cash"}),
                       "payment_methods")
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "desk,desk"}),
                       "payment_methods")
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "desk,"}),
                       "payment_methods")
    expect_field_error(a.patch(API + "/settings", {"payment_methods": "desk",
                                                   "client_payment": "enabled"}),
                       "payment_methods")
    eq(_settings_row(ctx), before, "refused changes change nothing")
    # Loopback is refused for the gateway unless private targets are allowed.
    expect_field_error(a.patch(API + "/settings", {"card_gateway_url": "http://127.0.0.1:9"}),
                       "card_gateway_url")
    with settings_changed(a, payment_methods="bank_transfer,desk", bank_details=BANK):
        visitor = get_settings(Client(ctx.port))
        eq((visitor.get("payment_methods"), visitor.get("bank_details")),
           ("bank_transfer,desk", BANK), "a visitor sees the methods and the bank details")
        check("card_gateway_key" not in get_settings(a), "the gateway key is write-only")


def test_bank_transfer_pending_with_reference(ctx):
    a = ctx.admin
    k = _Clinic(ctx)
    p, pc = _patient_login(ctx)
    with settings_changed(a, client_payment="optional", payment_methods="bank_transfer,desk",
                          bank_details=BANK):
        expect_field_error(k.book(pc, pay="now", pay_method="card"), "pay_method")
        r = k.book(pc, pay="now", pay_method="desk")
        expect_field_error(r, "pay_method")
        check("desk" in r.json["errors"][0]["message"], "says desk is not online: %r" % r.json)
        eq(ctx.sql_rows("SELECT COUNT(*) FROM bookings WHERE patient_id = ?", (p["id"],)),
           [(0,)], "refused bookings are not made")
        b = k.book(pc, pay="now", pay_method="bank_transfer").expect(201)
        skipped = k.book(pc, pay="skip").expect(201)
    eq(b["payment_status"], "pending", "waits for the transfer")
    inv = _invoice(pc, b["invoice_id"])
    eq([(y["status"], y["method"], y["provider"], y["reference"], y["amount"])
        for y in inv["payments"]],
       [("pending", "bank_transfer", "bank_transfer", "CS-%d" % inv["id"], 5000)],
       "a pending bank transfer with its reference")
    eq(skipped["payment_status"], "unpaid", "paying at the desk leaves nothing pending")
    mine = [i for i in pc.get(API + "/me/invoices").expect(200)["items"] if i["id"] == inv["id"]]
    eq([(y["status"], y["reference"]) for y in mine[0]["payments"]],
       [("pending", "CS-%d" % inv["id"])], "the patient's invoice list says what is pending")
    r = a.post(API + "/payments/%d/confirm" % inv["payments"][0]["id"]).expect(200)
    pays = [e for e in _entries(a, inv["id"]) if e["source"] == "payment"]
    eq([sorted(l["account_code"] for l in e["lines"]) for e in pays], [["1020", "1100"]],
       "a confirmed transfer is posted to the bank account")
    eq(r["invoice"]["status"], "paid", "paid once confirmed")


def _card_clinic(ctx, standin):
    return settings_changed(ctx.admin, client_payment="optional",
                            payment_methods="card,bank_transfer", bank_details=BANK,
                            allow_private_targets=True, card_gateway_url=standin.url,
                            card_gateway_key=KEY, card_webhook_secret=SECRET,
                            public_url="http://clinic.test")


def _card_booking(ctx, k, standin):
    p, pc = _patient_login(ctx)
    b = k.book(pc, pay="now", pay_method="card").expect(201)
    inv = _invoice(pc, b["invoice_id"])
    eq([(y["status"], y["method"], y["provider"]) for y in inv["payments"]],
       [("pending", "card", "checkout")], "a pending card payment")
    return p, pc, b, inv["payments"][0]["id"]


def _payment(ctx, pid):
    return ctx.sql_rows("SELECT status, reference FROM payments WHERE id = ?", (pid,))[0]


def test_card_checkout_redirect_and_signed_webhook_confirm_once(ctx):
    a = ctx.admin
    k = _Clinic(ctx)
    with CheckoutStandin(KEY, SECRET, "http://127.0.0.1:%d%s/payment-webhooks/checkout"
                         % (ctx.port, API)) as gw, _card_clinic(ctx, gw):
        p, pc, b, pid = _card_booking(ctx, k, gw)
        # Another patient cannot send anyone to pay this one.
        _, other = _patient_login(ctx)
        other.post(API + "/payments/%d/checkout" % pid, {}).expect_problem(404)
        r = pc.post(API + "/payments/%d/checkout" % pid, {}).expect(201)
        sid = _payment(ctx, pid)[1]
        check(sid.startswith("cs_test_"), "the session id is the reference: %r" % sid)
        eq(r["redirect_url"], "%s/c/pay/%s" % (gw.url, sid), "sent to the gateway's page")
        path, headers, form = gw.requests[-1]
        eq((form["mode"], form["client_reference_id"], form["line_items[0][price_data][currency]"],
            form["line_items[0][price_data][unit_amount]"], form["line_items[0][quantity]"]),
           ("payment", str(pid), "eur", "5000", "1"), "the session asked for")
        eq(form["success_url"],
           "http://clinic.test/book?checkout=done&session_id={CHECKOUT_SESSION_ID}#/invoices",
           "back to the portal's invoices")
        eq(b["payment_status"], "pending", "pending while the patient is at the gateway")

        # The patient pays on the gateway's page; it signs and sends the event.
        paid = Client(gw.port).request("POST", "/c/pay/" + sid, raw=b"", content_type=None)
        eq(paid.status, 303, "the gateway sends the patient back")
        eq(paid.headers.get("location"),
           "http://clinic.test/book?checkout=done&session_id=%s#/invoices" % sid,
           "to the success URL with the session id")
        event, payload, sig, code = gw.deliveries[-1]
        eq(code, 200, "our webhook took the signed event")
        eq(_payment(ctx, pid)[0], "confirmed", "the webhook confirmed the payment")
        inv = _invoice(pc, b["invoice_id"])
        eq((inv["status"], inv["paid"]), ("paid", 5000), "the invoice is paid")
        eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["payment_status"], "paid",
           "the booking is paid")

        # A replay of the same event (the gateway retries) confirms nothing twice.
        history = a.get(API + "/bookings/%d/history" % b["id"]).expect(200)
        code, _ = gw.send_event(event, payload=payload)
        eq(code, 200, "a replayed event is accepted")
        pays = [e for e in _entries(a, inv["id"]) if e["source"] == "payment"]
        eq([sorted(l["account_code"] for l in e["lines"]) for e in pays], [["1010", "1100"]],
           "one posting, to card clearing")
        eq(a.get(API + "/bookings/%d/history" % b["id"]).expect(200), history,
           "the replay adds nothing to the booking's history")
        # A session for a payment that is no longer pending is refused.
        pc.post(API + "/payments/%d/checkout" % pid, {}).expect_problem(409)


def test_card_webhook_bad_signatures_change_nothing(ctx):
    k = _Clinic(ctx)
    hook = "http://127.0.0.1:%d%s/payment-webhooks/checkout" % (ctx.port, API)
    with CheckoutStandin(KEY, SECRET, hook) as gw, _card_clinic(ctx, gw):
        p, pc, b, pid = _card_booking(ctx, k, gw)
        pc.post(API + "/payments/%d/checkout" % pid, {}).expect(201)
        sid = _payment(ctx, pid)[1]
        gw.sessions[sid]["payment_status"] = "paid"
        event = gw.completed_event(sid)
        payload = json.dumps(event).encode()
        visitor = Client(ctx.port)

        def post(sig, body=payload):
            headers = {"Stripe-Signature": sig} if sig is not None else {}
            return visitor.request("POST", API + "/payment-webhooks/checkout", raw=body,
                                   headers=headers)

        post(sign("whsec_wrong", payload)).expect_problem(400)
        post(sign(SECRET, payload, time.time() - 1000)).expect_problem(400)
        post(None).expect_problem(400)
        post("t=%d" % time.time()).expect_problem(400)
        tampered = payload.replace(b'"amount_total": 5000', b'"amount_total": 1')
        check(tampered != payload, "the tampered body differs")
        post(sign(SECRET, payload), tampered).expect_problem(400)
        eq(_payment(ctx, pid), ("pending", sid), "nothing changed")
        # A correctly signed event of another type is taken and ignored.
        other = json.dumps({"id": "evt_x", "type": "checkout.session.expired",
                            "data": {"object": {"id": sid}}}).encode()
        post(sign(SECRET, other), other).expect(200)
        eq(_payment(ctx, pid)[0], "pending", "other events change nothing")
        # Signed, but for an amount that is not the payment's: refused.
        wrong = json.loads(payload)
        wrong["data"]["object"]["amount_total"] = 1
        wrong = json.dumps(wrong).encode()
        post(sign(SECRET, wrong), wrong).expect_problem(422)
        eq(_payment(ctx, pid)[0], "pending", "a wrong amount confirms nothing")
        post(sign(SECRET, payload)).expect(200)
        eq(_payment(ctx, pid)[0], "confirmed", "the right event confirms")


def test_card_gateway_refusing_the_key_leaves_payment_pending(ctx):
    k = _Clinic(ctx)
    with CheckoutStandin("sk_other", SECRET, None) as gw, _card_clinic(ctx, gw):
        p, pc, b, pid = _card_booking(ctx, k, gw)
        pc.post(API + "/payments/%d/checkout" % pid, {}).expect_problem(503)
        eq(_payment(ctx, pid), ("pending", ""), "no session, still pending")


def test_card_webhook_delivered_at_once_confirms_once(ctx):
    a = ctx.admin
    k = _Clinic(ctx)
    hook = "http://127.0.0.1:%d%s/payment-webhooks/checkout" % (ctx.port, API)
    with CheckoutStandin(KEY, SECRET, hook) as gw, _card_clinic(ctx, gw):
        p, pc, b, pid = _card_booking(ctx, k, gw)
        pc.post(API + "/payments/%d/checkout" % pid, {}).expect(201)
        sid = _payment(ctx, pid)[1]
        gw.sessions[sid]["payment_status"] = "paid"
        event = gw.completed_event(sid)
        payload = json.dumps(event).encode()
        codes = []
        threads = [threading.Thread(target=lambda: codes.append(
            gw.send_event(event, payload=payload)[0])) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eq(sorted(codes), [200] * 6, "every delivery is taken")
        eq(_payment(ctx, pid)[0], "confirmed", "confirmed")
        inv = _invoice(a, b["invoice_id"])
        eq(len([e for e in _entries(a, inv["id"]) if e["source"] == "payment"]), 1,
           "one posting however many deliveries raced")
        eq(inv["paid"], 5000, "paid once")

"""A stand-in for a Checkout-style card gateway on loopback, following
Stripe Checkout's documented protocol, so the card provider is tested
against the scheme it will meet rather than against itself:

- POST /v1/checkout/sessions, form-encoded, `Authorization: Bearer <secret
  key>` -> a Checkout Session object {id: "cs_test_...", object, url,
  amount_total, currency, client_reference_id, metadata, success_url,
  cancel_url, payment_status: "unpaid", status: "open"}; a wrong key -> 401
  with an error object.
- GET <session url> is the hosted payment page: a "Pay" form. Submitting it
  (POST) completes the session: the gateway posts the event
  `checkout.session.completed` to the webhook endpoint with header
  `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(webhook secret,
  "<t>.<payload>")>` and sends the browser back to success_url (303) with
  {CHECKOUT_SESSION_ID} filled in.

Run alone (for the browser tests) it prints its port on the first line:
    python3 checkout_standin.py --key sk_test_x --secret whsec_x --webhook URL
"""

import argparse
import hashlib
import hmac
import html
import http.server
import json
import secrets
import sys
import threading
import time
import urllib.parse
import urllib.request


def sign(secret, payload, t=None):
    """The Stripe-Signature header value for payload (bytes) at time t."""
    t = int(time.time()) if t is None else int(t)
    mac = hmac.new(secret.encode(), b"%d." % t + payload, hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (t, mac)


class CheckoutStandin:
    def __init__(self, key, webhook_secret, webhook_url=None):
        self.key = key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.sessions = {}
        self.requests = []    # (path, headers, form) of every session creation
        self.deliveries = []  # (event, payload bytes, signature, status) of every webhook
        self.lock = threading.Lock()
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                standin._post(self)

            def do_GET(self):
                standin._get(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- the API ---------------------------------------------------------------

    @staticmethod
    def _reply(h, status, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _post(self, h):
        n = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(n)
        if h.path == "/v1/checkout/sessions":
            return self._create(h, raw)
        if h.path.startswith("/c/pay/"):
            return self._pay(h, h.path[len("/c/pay/"):])
        self._reply(h, 404, {"error": {"type": "invalid_request_error", "message": "no route"}})

    def _create(self, h, raw):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
        with self.lock:
            self.requests.append((h.path, dict(h.headers), form))
        if h.headers.get("Authorization") != "Bearer " + self.key:
            return self._reply(h, 401, {"error": {"type": "invalid_request_error",
                                                  "message": "Invalid API Key provided"}})
        if not h.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self._reply(h, 400, {"error": {"message": "form encoding expected"}})
        try:
            qty = int(form["line_items[0][quantity]"])
            amount = int(form["line_items[0][price_data][unit_amount]"]) * qty
            currency = form["line_items[0][price_data][currency]"]
            success, cancel = form["success_url"], form["cancel_url"]
        except (KeyError, ValueError) as e:
            return self._reply(h, 400, {"error": {"message": "missing %s" % e}})
        sid = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": sid, "object": "checkout.session", "mode": form.get("mode"),
            "url": "%s/c/pay/%s" % (self.url, sid), "amount_total": amount,
            "currency": currency, "client_reference_id": form.get("client_reference_id"),
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "success_url": success, "cancel_url": cancel,
            "payment_status": "unpaid", "status": "open",
        }
        with self.lock:
            self.sessions[sid] = session
        self._reply(h, 200, session)

    def _get(self, h):
        sid = h.path[len("/c/pay/"):] if h.path.startswith("/c/pay/") else None
        s = self.sessions.get(sid)
        if not s:
            return self._reply(h, 404, b"<h1>No such session</h1>", "text/html")
        page = ("<!doctype html><html lang=en><title>Test gateway</title><main>"
                "<h1>Pay %s %.2f</h1><form method=post><button>Pay</button></form>"
                "<p><a href=\"%s\">Cancel</a></p></main></html>") % (
                    html.escape(s["currency"].upper()), s["amount_total"] / 100,
                    html.escape(s["cancel_url"]))
        self._reply(h, 200, page.encode(), "text/html; charset=utf-8")

    def _pay(self, h, sid):
        s = self.sessions.get(sid)
        if not s:
            return self._reply(h, 404, b"no such session", "text/plain")
        s["payment_status"], s["status"] = "paid", "complete"
        self.send_event(self.completed_event(sid))
        to = s["success_url"].replace("{CHECKOUT_SESSION_ID}", sid)
        self._reply(h, 303, b"", "text/plain", [("Location", to)])

    # --- webhooks --------------------------------------------------------------

    def completed_event(self, sid):
        return {"id": "evt_" + secrets.token_hex(12), "object": "event",
                "type": "checkout.session.completed", "created": int(time.time()),
                "data": {"object": dict(self.sessions[sid])}}

    def send_event(self, event, secret=None, t=None, payload=None, signature=None):
        """Posts event to the webhook URL, signed as the gateway signs; the
        arguments let a test sign wrongly. Returns (status, body)."""
        payload = payload if payload is not None else json.dumps(event).encode()
        sig = signature if signature is not None else sign(secret or self.webhook_secret,
                                                           payload, t)
        headers = {"Content-Type": "application/json", "User-Agent": "Stripe/1.0"}
        if sig:
            headers["Stripe-Signature"] = sig
        req = urllib.request.Request(self.webhook_url, data=payload, headers=headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        with self.lock:
            self.deliveries.append((event, payload, sig, status))
        return status, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--webhook", required=True)
    a = ap.parse_args()
    with CheckoutStandin(a.key, a.secret, a.webhook) as s:
        print(s.port, flush=True)
        try:
            sys.stdin.read()  # until the parent closes our stdin
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

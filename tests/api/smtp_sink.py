#!/usr/bin/env python3
"""A real SMTP server for the tests (Debian's python3-aiosmtpd): accepts
every message on 127.0.0.1:PORT and writes each to DIR/<n>.eml with the
envelope in DIR/<n>.json. Runs until SIGTERM.

    python3 tests/api/smtp_sink.py PORT DIR [--auth USER:PASSWORD] [--tls CERT KEY]

--auth makes the server require SMTP AUTH (PLAIN or LOGIN) with exactly
these credentials; --tls makes it require STARTTLS with that certificate.
"""

import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.folder, "%06d" % self.n)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, credentials):
        user, password = credentials.split(":", 1)
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        return AuthResult(success=ok)


def main():
    port, folder, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    os.makedirs(folder, exist_ok=True)
    extra = {}
    if "--auth" in args:
        extra.update(authenticator=Authenticator(args[args.index("--auth") + 1]),
                     auth_required=True, auth_require_tls="--tls" in args)
    if "--tls" in args:
        i = args.index("--tls")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args[i + 1], args[i + 2])
        extra.update(tls_context=context, require_starttls=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, **extra)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Memory over a mixed run: does the server's RSS stay flat?

    python3 bench/soak.py --bin build/chairside [--minutes 10] [--clients 8]
        [--db URL_OR_PATH] [--out bench/out/soak.json]

Starts the server on a scratch copy of the demo clinic (or on --db, a
SQLite file or an empty PostgreSQL database), then for --minutes drives
it with --clients threads doing what a practice does all day: staff and
patients log in and out, read availability, the day calendar and their
bookings, book and cancel. VmRSS is sampled every 5 s; the figures are
the peak (VmHWM), the mean RSS of the first and of the last fifth of the
run, and the growth between them. Prints KEY=VALUE lines (for bench/run.sh)
and writes them as JSON to --out. Exit status 0 unless the run itself
failed (server died, or no request succeeded); missed targets are for the
report to say.
"""
import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

API = "/api/v1"
STAFF = ("reception@demo.test", "demo-staff")
PATIENTS = [("patient%d@demo.test" % i, "demo-patient") for i in (1, 2, 3)]
SAMPLE_S = 5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Session:
    """One login on one keep-alive connection."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.csrf = ""

    def call(self, method, path, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        try:
            self.conn.request(method, path, data, headers)
            r = self.conn.getresponse()
            raw = r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 0, None, {}
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return r.status, doc, dict(r.getheaders())

    def login(self, email, password):
        st, doc, headers = self.call("POST", API + "/auth/login",
                                     {"email": email, "password": password})
        if st == 200:
            self.cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
            self.csrf = doc["user"].get("csrf_token", "")
        return st

    def logout(self):
        st, _, _ = self.call("POST", API + "/auth/logout", {})
        self.cookie = self.csrf = ""
        return st


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.refused = 0  # 4xx: a slot taken by another client, say
        self.failed = 0   # 5xx or no answer
        self.kinds = {}

    def add(self, kind, status):
        with self.lock:
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if 200 <= status < 400:
                self.ok += 1
            elif 400 <= status < 500:
                self.refused += 1
            else:
                self.failed += 1


def next_weekdays(n):
    d = dt.date.today() + dt.timedelta(days=7)
    out = []
    while len(out) < n:
        if d.isoweekday() <= 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def worker(port, stop, tally, seed):
    rnd = random.Random(seed)
    days = next_weekdays(10)
    s = Session(port)
    booked = []
    while not stop.is_set():
        staff = rnd.random() < 0.5
        email, password = STAFF if staff else rnd.choice(PATIENTS)
        st = s.login(email, password)
        tally.add("login", st)
        if st != 200:
            time.sleep(0.5)
            continue
        for _ in range(rnd.randint(5, 20)):
            if stop.is_set():
                break
            day = rnd.choice(days).isoformat()
            roll = rnd.random()
            if roll < 0.45:
                st, doc, _ = s.call("GET", API + "/availability?service_ids=1&from=%s&to=%s"
                                    % (day, day))
                tally.add("availability", st)
                slots = (doc or {}).get("slots") or []
                if slots and rnd.random() < 0.5:
                    slot = rnd.choice(slots)
                    body = {"staff_id": slot["staff_id"], "service_ids": [1],
                            "start": slot["start"]}
                    if staff:
                        body["patient_id"] = rnd.randint(1, 10)
                    st, doc, _ = s.call("POST", API + "/bookings", body)
                    tally.add("book", st)
                    if st == 201:
                        booked.append(doc["id"])
            elif roll < 0.65 and staff:
                st, _, _ = s.call("GET", API + "/calendar?date=%s" % day)
                tally.add("calendar", st)
            elif roll < 0.8 and booked:
                bid = booked.pop(rnd.randrange(len(booked)))
                st, _, _ = s.call("POST", API + "/bookings/%d/cancel" % bid,
                                  {"reason": "soak"})
                tally.add("cancel", st)
            else:
                st, _, _ = s.call("GET", API + ("/bookings?limit=50"))
                tally.add("list", st)
        tally.add("logout", s.logout())
        # Bookings of the other role may not be cancellable by this one.
        booked.clear()


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--db", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", "1")))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="chairside-soak.")
    db = args.db or os.path.join(tmp, "soak.db")
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "w")
    server = None
    try:
        subprocess.run([args.bin, "demo", "--db", db, "--if-empty"], check=True,
                       stdout=subprocess.DEVNULL, stderr=log)
        server = subprocess.Popen([args.bin, "serve", "--db", db, "--listen",
                                   "127.0.0.1:%d" % port], stdout=subprocess.DEVNULL,
                                  stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        stop = threading.Event()
        tally = Tally()
        threads = [threading.Thread(target=worker, args=(port, stop, tally, args.seed + i),
                                    daemon=True) for i in range(args.clients)]
        for t in threads:
            t.start()
        samples = []
        t0 = time.monotonic()
        end = t0 + args.minutes * 60
        while time.monotonic() < end and server.poll() is None:
            time.sleep(min(SAMPLE_S, max(0.0, end - time.monotonic())))
            if server.poll() is None:
                samples.append((time.monotonic() - t0, status_kib(server.pid, "VmRSS"),
                                status_kib(server.pid, "RssAnon"),
                                status_kib(server.pid, "RssFile")))
        peak = status_kib(server.pid, "VmHWM") if server.poll() is None else 0
        stop.set()
        for t in threads:
            t.join(35)
        alive = server.poll() is None
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(10)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)

    fifth = max(1, len(samples) // 5)
    first = mean([x[1] for x in samples[:fifth]])
    last = mean([x[1] for x in samples[-fifth:]])
    figures = {
        "SOAK_MINUTES": args.minutes,
        "SOAK_CLIENTS": args.clients,
        "SOAK_REQUESTS_OK": tally.ok,
        "SOAK_REQUESTS_REFUSED": tally.refused,
        "SOAK_REQUESTS_FAILED": tally.failed,
        "SOAK_PEAK_KB": peak,
        "SOAK_RSS_FIRST_KB": int(first),
        "SOAK_RSS_LAST_KB": int(last),
        "SOAK_RSS_GROWTH_PCT": round(100.0 * (last - first) / first, 1) if first else 0.0,
        "SOAK_ANON_MAX_KB": max([x[2] for x in samples], default=0),
        "SOAK_FILE_MAX_KB": max([x[3] for x in samples], default=0),
        "SOAK_SAMPLES": len(samples),
        "SOAK_SERVER_ALIVE": int(alive),
    }
    for k, v in figures.items():
        print("%s=%s" % (k, v))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"figures": figures, "kinds": tally.kinds,
                       "rss_samples": samples}, f, indent=1)
    return 0 if alive and tally.ok > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Slow clients (slowloris): hundreds of connections that never finish
their request, trickling one header line a second, neither block other
clients nor live past the request deadline. Each test runs its own server
with a short deadline so the shared one is not flooded."""

import os
import resource
import socket
import threading
import time

import realservers as rs
from helpers import (API, Client, Skip, book_ok, check, clinic_with_staff, eq, local_iso, make_patient,
                     make_service, next_weekday)

DEADLINE_S = 3
PER_ADDRESS = 32  # waiting connections one address may hold (src/http/server.c)
WAITING_TOTAL = 768  # ... and all addresses together
FLOOD = 300


class Flood:
    """Stalled connections from one source address that send one more header
    line every second, as a slowloris does to stay clear of idle timeouts."""

    def __init__(self, port, source, count, first=b"GET /healthz HTTP/1.1\r\nHost: x\r\n"):
        self.port = port
        self.socks = []  # [socket, opened_at, closed_at or None]
        self.refused = 0
        self._stop = threading.Event()
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((source, 0))
            s.settimeout(2)
            opened = time.monotonic()
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(first)
            except OSError:
                self.refused += 1
                s.close()
                continue
            # Blocking again: polls and trickles pass MSG_DONTWAIT themselves.
            s.settimeout(None)
            self.socks.append([s, opened, None])
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _closed_by_peer(self, s):
        try:
            return s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def poll(self):
        now = time.monotonic()
        for entry in self.socks:
            if entry[2] is None and self._closed_by_peer(entry[0]):
                entry[2] = now

    def _trickle(self):
        n = 0
        while not self._stop.wait(1.0):
            n += 1
            for entry in self.socks:
                if entry[2] is not None:
                    continue
                try:
                    entry[0].send(b"X-Slow-%d: 1\r\n" % n, socket.MSG_DONTWAIT)
                except OSError:
                    entry[2] = time.monotonic()
            self.poll()

    def open_count(self):
        self.poll()
        return sum(1 for e in self.socks if e[2] is None)

    def close(self):
        self._stop.set()
        self._thread.join(5)
        for e in self.socks:
            e[0].close()


def _server(ctx, name):
    scratch = os.path.join(ctx.scratch, name)
    os.makedirs(scratch, exist_ok=True)
    return rs.Chairside(ctx.bin, scratch,
                        {"CHAIRSIDE_REQUEST_TIMEOUT_S": str(DEADLINE_S),
                         "CHAIRSIDE_OUTBOX_WORKERS": "0"}).start()


def _clinic(c):
    _, st = clinic_with_staff(c, 2, "08:00", "18:00")
    svc = make_service(c, 30)
    return st, svc, make_patient(c), next_weekday(2)


def _answers_quickly(port):
    t0 = time.monotonic()
    r = Client(port).request("GET", "/healthz", timeout=5)
    eq(r.status, 200, "/healthz during the flood")
    took = time.monotonic() - t0
    check(took < 2, "/healthz took %.2fs during the flood" % took)


def _wait_all_closed(flood, bound):
    deadline = time.monotonic() + bound + 2
    while time.monotonic() < deadline and flood.open_count():
        time.sleep(0.2)
    eq(flood.open_count(), 0, "stalled connections left open after %.0f s" % (bound + 2))
    late = [e[2] - e[1] for e in flood.socks if e[2] - e[1] > bound + 1.5]
    check(not late, "%d stalled connections outlived the %d s deadline by > 1.5 s (worst %.1fs)"
          % (len(late), DEADLINE_S, max(late) if late else 0))


def test_flood_from_one_address_is_capped_and_others_book(ctx):
    cs = _server(ctx, "slow-other")
    flood = None
    try:
        c = cs.admin
        st, svc, p, day = _clinic(c)
        flood = Flood(cs.port, "127.0.0.2", FLOOD)
        check(len(flood.socks) >= FLOOD // 2,
              "the flood could open only %d connections" % len(flood.socks))
        time.sleep(1.2)
        open_now = flood.open_count()
        check(0 < open_now <= PER_ADDRESS,
              "one address holds %d stalled connections (cap %d)" % (open_now, PER_ADDRESS))
        _answers_quickly(cs.port)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
        eq(b["status"], "confirmed", "booking made during the flood")
        _wait_all_closed(flood, DEADLINE_S)
        _answers_quickly(cs.port)
    finally:
        if flood:
            flood.close()
        cs.stop()


def test_flood_from_the_clients_own_address_still_books(ctx):
    """All loopback traffic shares 127.0.0.1: a client that sends its
    request at once displaces the oldest stalled connection."""
    cs = _server(ctx, "slow-same")
    flood = None
    try:
        c = cs.admin
        st, svc, p, day = _clinic(c)
        flood = Flood(cs.port, "127.0.0.1", FLOOD)
        time.sleep(1.2)
        for i in range(5):
            _answers_quickly(cs.port)
            b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "%02d:00" % (9 + i)), p["id"])
            eq(b["status"], "confirmed", "booking %d made during the flood" % i)
        check(flood.open_count() <= PER_ADDRESS, "the cap holds while the client books")
        got = c.get(API + "/bookings", patient_id=p["id"]).expect(200)
        eq(len(got["items"]), 5, "every booking made during the flood is stored")
        _wait_all_closed(flood, DEADLINE_S)
    finally:
        if flood:
            flood.close()
        cs.stop()


def test_flood_past_the_connection_limit_from_many_addresses(ctx):
    """1,100 stalled connections from 40 addresses, more than the server's
    1,000 connection slots: the oldest give way and clients still book."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1400 and (hard == resource.RLIM_INFINITY or hard >= 1400):
        resource.setrlimit(resource.RLIMIT_NOFILE, (1400, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1400:
        raise Skip("needs 1,400 file descriptors")
    cs = _server(ctx, "slow-many")
    floods = []
    try:
        c = cs.admin
        st, svc, p, day = _clinic(c)
        for i in range(40):
            floods.append(Flood(cs.port, "127.0.1.%d" % (i + 1), 27))
        opened = sum(len(f.socks) for f in floods)
        check(opened >= 1000, "only %d stalled connections opened" % opened)
        time.sleep(0.5)
        _answers_quickly(cs.port)
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
        held = sum(f.open_count() for f in floods)
        check(held <= WAITING_TOTAL, "%d stalled connections held (cap %d)" % (held, WAITING_TOTAL))
    finally:
        for f in floods:
            f.close()
        cs.stop()


def test_slow_body_is_cut_at_the_deadline(ctx):
    """The deadline covers the body too: complete headers, then a body
    trickled a byte a second."""
    cs = _server(ctx, "slow-body")
    flood = None
    try:
        head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
        flood = Flood(cs.port, "127.0.0.3", 10, first=head)
        eq(len(flood.socks), 10, "slow uploads connected")
        _answers_quickly(cs.port)
        _wait_all_closed(flood, DEADLINE_S)
    finally:
        if flood:
            flood.close()
        cs.stop()


def test_prompt_keep_alive_requests_are_not_cut(ctx):
    """A kept-alive connection whose requests each arrive promptly gets a
    fresh deadline per request, so it outlives one deadline."""
    cs = _server(ctx, "slow-keepalive")
    try:
        s = socket.create_connection(("127.0.0.1", cs.port), timeout=5)
        f = s.makefile("rb")
        started = time.monotonic()
        answered = 0
        while time.monotonic() - started < DEADLINE_S + 1.5:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            status = f.readline()
            check(status.startswith(b"HTTP/1.1 200"), "keep-alive answer: %r" % status)
            length = 0
            while True:
                line = f.readline()
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b""):
                    break
            f.read(length)
            answered += 1
            time.sleep(0.5)
        check(answered >= 2 * DEADLINE_S, "only %d answers on one connection" % answered)
        f.close()
        s.close()
    finally:
        cs.stop()

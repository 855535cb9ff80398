#!/usr/bin/env python3
"""Helpers for bench/run.sh: log in, drive sequential and racing requests,
read the server's request log, check the database, print the figures.

Subcommands (all print to stdout; key=value lines are for `eval` in sh):
  port                        a free loopback TCP port
  wait URL [SECONDS]          until URL answers (any HTTP status)
  login URL EMAIL PASSWORD    COOKIE=... CSRF=...
  get URL COOKIE OUT          one GET; body saved to OUT; status on stdout
  seq BASE COOKIE MODE META N MAXSEC
                              N sequential availability GETs on one
                              keep-alive connection (MODE week|day)
  race BASE[,BASE...] COOKIE CSRF FILE CLIENTS
                              CLIENTS threads POST every body in FILE
                              (client i talks to BASE number i mod n)
  logstats LOG FROM TO METHOD PATH PREFIX
                              count, median, p99 of us= for log lines in
                              byte range [FROM, TO)
  verify DB FROM_UTC PREFIX   double bookings and new-booking count; DB is
                              a SQLite file or a postgresql:// URL (psycopg2)
  cpu PREFIX PIDS PGPID       CPU ticks so far of the comma-separated PIDS
                              (threads included), of PostgreSQL's postmaster
                              PGPID and its children (0: none), and of the
                              whole machine (busy and all); SC_CLK_TCK ticks/s
  report ENVFILE OUT          the figures table
"""
import datetime as dt
import http.client
import json
import os
import socket
import sqlite3
import sys
import threading
import time
import urllib.parse


def split_url(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port, (u.path or "/") + ("?" + u.query if u.query else "")


def cmd_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def cmd_wait(url, seconds="10"):
    host, port, path = split_url(url)
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection(host, port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bench: %s did not answer within %s s" % (url, seconds))


def cmd_login(url, email, password):
    host, port, path = split_url(url)
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("POST", path, json.dumps({"email": email, "password": password}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit("bench: login failed: %d %s" % (r.status, body[:300]))
    cookie = None
    for name, value in r.getheaders():
        if name.lower() == "set-cookie" and value.startswith("chairside_session="):
            cookie = value.split(";", 1)[0]
    csrf = json.loads(body)["user"]["csrf_token"]
    if not cookie:
        sys.exit("bench: login set no chairside_session cookie")
    print("COOKIE='%s'\nCSRF='%s'" % (cookie, csrf))


def cmd_get(url, cookie, out):
    host, port, path = split_url(url)
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    body = r.read()
    with open(out, "wb") as f:
        f.write(body)
    print(r.status)


def availability_paths(mode, meta, n):
    """Sequential request paths: mode week = one service, all staff, 7 days
    at a different week offset each time; mode day = one staff member, one
    day, cycling staff and days."""
    m = json.load(open(meta))
    today = dt.date.fromisoformat(m["today"])
    paths = []
    for i in range(n):
        if mode == "week":
            first = today + dt.timedelta(days=m["first_day"] + 7 * (i % (m["days"] // 7)))
            last = first + dt.timedelta(days=6)
            q = "service_ids=%d&from=%s&to=%s" % (m["service_id"], first, last)
        else:
            day = today + dt.timedelta(days=m["first_day"] + (i // m["staff"]) % m["days"])
            q = "service_ids=%d&from=%s&to=%s&staff_id=%d" % (m["service_id"], day, day,
                                                              1 + i % m["staff"])
        paths.append("/api/v1/availability?" + q)
    return paths


def cmd_seq(base, cookie, mode, meta, n, maxsec):
    host, port, _ = split_url(base)
    paths = availability_paths(mode, meta, int(n))
    c = http.client.HTTPConnection(host, port, timeout=30)
    deadline = time.monotonic() + float(maxsec)
    done, bad, size, slots = 0, 0, 0, 0
    started = time.monotonic()
    for p in paths:
        c.request("GET", p, headers={"Cookie": cookie})
        r = c.getresponse()
        body = r.read()
        done += 1
        if r.status != 200:
            bad += 1
        else:
            size += len(body)
            slots += body.count(b'"staff_id"')
        if time.monotonic() > deadline:
            break
    wall = time.monotonic() - started
    print("SEQ_N=%d\nSEQ_BAD=%d\nSEQ_AVG_BYTES=%d\nSEQ_AVG_SLOTS=%d\nSEQ_CLIENT_RPS=%.0f"
          % (done, bad, size // max(1, done - bad), slots // max(1, done - bad), done / wall))


def cmd_race(bases, cookie, csrf, path_file, clients):
    """Every client POSTs every body, in the same order, at the same time;
    with several servers (comma-separated) the clients take turns."""
    servers = [split_url(b)[:2] for b in bases.split(",")]
    bodies = [line.strip() for line in open(path_file) if line.strip()]
    counts = {}
    lock = threading.Lock()
    go = threading.Barrier(int(clients))

    def client(host, port):
        c = http.client.HTTPConnection(host, port, timeout=60)
        mine = {}
        go.wait()
        for b in bodies:
            c.request("POST", "/api/v1/bookings", b,
                      {"Cookie": cookie, "X-CSRF-Token": csrf,
                       "Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            mine[r.status] = mine.get(r.status, 0) + 1
        with lock:
            for k, v in mine.items():
                counts[k] = counts.get(k, 0) + v

    threads = [threading.Thread(target=client, args=servers[i % len(servers)])
               for i in range(int(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other = sum(v for k, v in counts.items() if k not in (201, 409))
    print("RACE_REQ=%d\nRACE_201=%d\nRACE_409=%d\nRACE_OTHER=%d\nRACE_SLOTS=%d"
          % (sum(counts.values()), counts.get(201, 0), counts.get(409, 0), other, len(bodies)))


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def cmd_logstats(log, start, stop, method, path, prefix):
    """Server-side microseconds from `msg=request ... us=N` lines."""
    with open(log, "rb") as f:
        f.seek(int(start))
        data = f.read(int(stop) - int(start))
    us, status = [], {}
    want_m, want_p = b"method=" + method.encode(), b"path=" + path.encode()
    for line in data.split(b"\n"):
        if b"msg=request" not in line:
            continue
        fields = dict(kv.split(b"=", 1) for kv in line.split(b" ") if b"=" in kv)
        if b"method=" + fields.get(b"method", b"") != want_m or \
                b"path=" + fields.get(b"path", b"") != want_p:
            continue
        us.append(int(fields[b"us"]))
        s = int(fields[b"status"])
        status[s] = status.get(s, 0) + 1
    us.sort()
    print("%s_N=%d\n%s_MEDIAN_US=%d\n%s_P99_US=%d\n%s_MAX_US=%d\n%s_MEAN_US=%d"
          % (prefix, len(us), prefix, percentile(us, 50), prefix, percentile(us, 99),
             prefix, us[-1] if us else 0, prefix, sum(us) // max(1, len(us))))
    print("%s_P90_US=%d\n%s_OVER_1MS=%d" % (prefix, percentile(us, 90), prefix,
                                             sum(1 for u in us if u > 1000)))
    for s in sorted(status):
        print("%s_STATUS_%d=%d" % (prefix, s, status[s]))


# A live booking overlaps another live one of the same staff member when it
# starts before the latest end among the bookings starting before it.
OVERLAP_SQL = """
SELECT count(*) FROM (
  SELECT start_at, max(end_at) OVER (PARTITION BY staff_id ORDER BY start_at, id
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM bookings WHERE status <> 'cancelled') AS live
WHERE prev_end IS NOT NULL AND start_at < prev_end
"""


def cmd_verify(db, from_utc, prefix):
    if db.startswith(("postgresql://", "postgres://")):
        import psycopg2  # Debian: python3-psycopg2

        c = psycopg2.connect(db)
        c.set_session(readonly=True)
        param = "%s"
    else:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        param = "?"

    def one(sql, *args):
        cur = c.cursor()
        cur.execute(sql, args)
        return cur.fetchone()[0]

    overlaps = one(OVERLAP_SQL)
    total = one("SELECT count(*) FROM bookings WHERE status <> 'cancelled'")
    new = one("SELECT count(*) FROM bookings WHERE start_at >= " + param, int(from_utc))
    c.close()
    print("%s_OVERLAPS=%d\n%s_TOTAL=%d\n%s_NEW=%d" % (prefix, overlaps, prefix, total,
                                                      prefix, new))


def proc_ticks(pid, children=False):
    """utime + stime of one process (all its threads); with children, also
    the reaped children's (cutime + cstime)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])
    return t


def cmd_cpu(prefix, pids, pgpid):
    ours = sum(proc_ticks(int(p)) for p in pids.split(",") if p)
    pg = 0
    if int(pgpid):
        pg = proc_ticks(int(pgpid), True)
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                if ppid == int(pgpid):
                    pg += proc_ticks(int(d))
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    print("%s_TICKS=%d\n%s_PG_TICKS=%d\n%s_ALL_BUSY=%d\n%s_ALL=%d\n%s_HZ=%d"
          % (prefix, ours, prefix, pg, prefix, sum(cpu[:8]) - idle, prefix, sum(cpu[:8]),
             prefix, os.sysconf("SC_CLK_TCK")))


def fnum(v, digits=0):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "n/a"
    return "{:,.{}f}".format(x, digits)


def cmd_report(envfile, out):
    e = {}
    for line in open(envfile):
        line = line.strip()
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            e[k] = v.strip("'\"")

    def g(k, default=None):
        return e.get(k, default)

    def verdict(ok):
        return "ok" if ok else "MISSED"

    def mib(kb):
        return "%s MiB" % fnum(kb / 1024.0, 1) if kb else "n/a"

    def flt(k):
        try:
            return float(g(k))
        except (TypeError, ValueError):
            return None

    rows = []

    def row(label, value, target="", status=""):
        rows.append((label, value, target, status))

    def section(title):
        rows.append((title, None, None, None))

    p99 = flt("A_SEQ_P99_US")
    srv, ngx = flt("A_WRK_RPS"), flt("A_NGINX_RPS")
    ratio = srv / ngx if srv and ngx else None
    bps = flt("B_BOOKINGS_PER_S")
    section("(a) availability: 1 service, all %s staff, 7 days (%s bookings in the year)"
            % (g("MAIN_STAFF", "?"), fnum(g("MAIN_BOOKINGS"))))
    row("server us/request median (sequential, n=%s)" % g("A_SEQ_N", "?"),
        fnum(g("A_SEQ_MEDIAN_US")))
    row("server us/request p99 (sequential)", fnum(g("A_SEQ_P99_US")), "p99 < 1000 us",
        verdict(p99 is not None and p99 < 1000) if p99 is not None else "n/a")
    row("  p90 / max (sequential)", "%s / %s" % (fnum(g("A_SEQ_P90_US")),
                                                 fnum(g("A_SEQ_MAX_US"))))
    row("  requests over 1000 us (sequential)",
        "%s of %s" % (g("A_SEQ_OVER_1MS", "?"), g("A_SEQ_N", "?")))
    row("response: avg bytes / avg slots (sequential)",
        "%s / %s" % (fnum(g("A_SEQ_AVG_BYTES")), fnum(g("A_SEQ_AVG_SLOTS"))))
    row("HTTP req/s, chairside (wrk -t2 -c32 -d10s)", fnum(g("A_WRK_RPS")))
    row("HTTP req/s, nginx static same %s-byte body" % fnum(g("A_BODY_BYTES")),
        fnum(g("A_NGINX_RPS")))
    row("ratio chairside / nginx", fnum(ratio, 3) if ratio else "n/a", ">= 0.5",
        verdict(ratio >= 0.5) if ratio else "n/a")
    row("server us/request under wrk load, median / p99",
        "%s / %s" % (fnum(g("A_LOAD_MEDIAN_US")), fnum(g("A_LOAD_P99_US"))))
    row("wrk non-2xx / socket errors (chairside)",
        "%s / %s" % (g("A_WRK_NON2XX", "0"), g("A_WRK_SOCKERR", "0")))
    section("(b) bookings over HTTP, 16 concurrent clients (wrk -t2 -c16 -d10s, Lua)")
    row("bookings/s (HTTP 201 per second)", fnum(g("B_BOOKINGS_PER_S")), ">= 10,000",
        verdict(bps is not None and bps >= 10000) if bps is not None else "n/a")
    row("requests/s (wrk)", fnum(g("B_WRK_RPS")))
    row("HTTP 201 / 409 / other (server log)",
        "%s / %s / %s" % (g("B_LOG_STATUS_201", "0"), g("B_LOG_STATUS_409", "0"),
                          g("B_OTHER", "0")))
    row("server us/booking median / p99",
        "%s / %s" % (fnum(g("B_LOG_MEDIAN_US")), fnum(g("B_LOG_P99_US"))))
    row("new bookings in DB vs 201 answers",
        "%s vs %s" % (g("B_DB_NEW", "?"), int(g("B_LOG_STATUS_201", "0")) +
                      int(g("RACE_201", "0"))))
    row("race: %s clients x same %s overlapping slots: 201 / 409"
        % (g("RACE_CLIENTS", "16"), g("RACE_SLOTS", "?")),
        "%s / %s" % (g("RACE_201", "?"), g("RACE_409", "?")))
    ovl = g("B_DB_OVERLAPS")
    row("bookings overlapping another live one (SQL)", ovl if ovl is not None else "?",
        "0", verdict(ovl == "0") if ovl is not None else "n/a")
    section("(c) memory (kB from /proc/PID/status)")
    row("chairside peak RSS (VmHWM) at end, main clinic", mib(flt("C_MAIN_HWM_KB")))
    row("  VmHWM before the first login / VmRSS at end",
        "%s / %s" % (mib(flt("C_MAIN_HWM_IDLE_KB")), mib(flt("C_MAIN_RSS_KB"))))
    row("chairside peak RSS (VmHWM) at end, anchor clinic", mib(flt("D_HWM_KB")))
    section("(d) anchor-shaped: 10 staff, 08-20 daily, %s bookings / 60 days (%s%% booked)"
            % (fnum(g("D_BOOKINGS")), fnum(100 * (flt("D_BOOKED_SHARE") or 0), 1)))
    row("availability 1 staff, 1 day: HTTP req/s (wrk -t2 -c32 -d10s)", fnum(g("D_WRK_RPS")))
    row("server us/request median / p99 (sequential, n=%s)" % g("D_SEQ_N", "?"),
        "%s / %s" % (fnum(g("D_SEQ_MEDIAN_US")), fnum(g("D_SEQ_P99_US"))))
    row("server us/request under wrk load, median / p99",
        "%s / %s" % (fnum(g("D_LOAD_MEDIAN_US")), fnum(g("D_LOAD_P99_US"))))
    def cpu_row(k, what):
        row("  CPU us/%s: serve / PostgreSQL; machine busy, ours" % what,
            "%s / %s; %s%%, %s%%" % (fnum(g(k + "_SRV_CPU_US")), fnum(g(k + "_PG_CPU_US")),
                                     g(k + "_BUSY_PCT", "?"), g(k + "_OURS_PCT", "?")))

    if g("E_PG"):
        e1, e2 = flt("E1_BOOKINGS_PER_S"), flt("E2_BOOKINGS_PER_S")
        section("(e) PostgreSQL 15 (scratch cluster on loopback), the same main clinic")
        row("loaded by COPY from the generated SQLite file", "%s s" % fnum(g("E_LOAD_SECONDS"), 1))
        row("availability server us/request median (sequential, n=%s)" % g("E_SEQ_N", "?"),
            fnum(g("E_SEQ_MEDIAN_US")))
        row("availability server us/request p99 (sequential)", fnum(g("E_SEQ_P99_US")))
        row("  p90 / max (sequential); non-200", "%s / %s; %s" % (
            fnum(g("E_SEQ_P90_US")), fnum(g("E_SEQ_MAX_US")),
            int(g("E_SEQ_N", "0")) - int(g("E_SEQ_STATUS_200", "0"))))
        cpu_row("E_SEQ", "request")
        row("  response: avg bytes / avg slots (sequential; SQLite in (a))",
            "%s / %s" % (fnum(g("E_SEQ_AVG_BYTES")), fnum(g("E_SEQ_AVG_SLOTS"))))
        for n, k, what in ((1, "E1", "1 serve process, wrk -t2 -c16"),
                           (2, "E2", "2 serve processes, 2 x wrk -t1 -c8")):
            v = flt(k + "_BOOKINGS_PER_S")
            row("bookings/s, %s" % what, fnum(v), ">= 5,000",
                verdict(v >= 5000) if v is not None else "n/a")
            row("  HTTP 201 / 409 / other (server logs)", "%s / %s / %s" % (
                g(k + "_201", "0"), g(k + "_409", "0"), g(k + "_OTHER", "0")))
            row("  server us/booking median / p99",
                "%s / %s" % (fnum(g(k + "_MEDIAN_US")), fnum(g(k + "_P99_US"))))
            cpu_row(k, "booking")
        for v, what in ((e1, "1 process"), (e2, "2 processes")):
            r = v / bps if v is not None and bps else None
            row("ratio PostgreSQL (%s) / SQLite bookings/s, this run" % what,
                fnum(r, 3) if r is not None else "n/a")
        row("new bookings in DB vs 201 answers", "%s vs %s" % (
            g("E_DB_NEW", "?"), int(g("E1_201", "0")) + int(g("E2_201", "0")) +
            int(g("E_RACE_201", "0"))))
        row("race: %s clients over 2 processes x same %s slots: 201 / 409 / other"
            % (g("E_RACE_CLIENTS", "16"), g("E_RACE_SLOTS", "?")),
            "%s / %s / %s" % (g("E_RACE_201", "?"), g("E_RACE_409", "?"),
                              g("E_RACE_OTHER", "?")))
        ovl = g("E_DB_OVERLAPS")
        row("bookings overlapping another live one (SQL)", ovl if ovl is not None else "?",
            "0", verdict(ovl == "0") if ovl is not None else "n/a")
        row("chairside peak RSS (VmHWM), PostgreSQL, process 1 / 2", "%s / %s" % (
            mib(flt("E_HWM1_KB")), mib(flt("E_HWM2_KB"))))
        if g("E_SKIPPED"):
            row("  stopped early: " + g("E_SKIPPED"), "")
    elif g("E_SKIPPED"):
        section("(e) PostgreSQL: skipped (%s)" % g("E_SKIPPED"))
    section("HTTP")
    for k, what in (("KEEPALIVE_GET", "GET"), ("KEEPALIVE_POST", "POST")):
        v = g(k, "?")
        row("keep-alive, 2 x %s on one connection (curl -v)" % what, v, "reused",
            verdict(v == "reused"))
    if g("KEEPALIVE_NOTE"):
        row("  " + g("KEEPALIVE_NOTE"), "")

    w1 = max(len(r[0]) for r in rows if r[1] is not None) + 2
    w2 = max(len(r[1]) for r in rows if r[1] is not None) + 2
    w3 = 15
    head = "%-*s%*s  %-*s%s" % (w1, "figure", w2, "value", w3, "target", "status")
    lines = ["Chairside benchmark  %s  (%s CPUs)  %s" % (g("WHEN", ""), g("CPUS", "?"),
                                                       g("BIN", "")),
             "", head, "-" * (len(head) + 4)]
    for label, value, target, status in rows:
        if value is None:
            lines.append("")
            lines.append(label)
        else:
            lines.append(("  %-*s%*s  %-*s%s" % (w1 - 2, label, w2, value, w3, target,
                                                  status)).rstrip())
    lines.append("")
    lines.append("run took %s s; log lines and raw wrk output in %s"
                 % (g("RUN_SECONDS", "?"), os.path.dirname(os.path.abspath(out))))
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    sys.stdout.write(text)


COMMANDS = {
    "port": cmd_port, "wait": cmd_wait, "login": cmd_login, "get": cmd_get, "seq": cmd_seq,
    "race": cmd_race, "cpu": cmd_cpu, "logstats": cmd_logstats, "verify": cmd_verify, "report": cmd_report,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])

#!/usr/bin/env python3
"""Helpers for bench/run.sh: log in, drive sequential and racing requests,
read the server's request log, check the database, print the figures.

Subcommands (all print to stdout; key=value lines are for `eval` in sh):
  port                        a free loopback TCP port
  wait URL [SECONDS]          until URL answers (any HTTP status)
  login URL EMAIL PASSWORD    COOKIE=... CSRF=...
  get URL COOKIE OUT          one GET; body saved to OUT; status on stdout
  seq BASE COOKIE MODE META N MAXSEC
                              N sequential GETs on one keep-alive
                              connection: availability (MODE week|day|
                              staffday) or the day calendar (calendar)
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
  report ENVFILE OUT [JSON]   the figures table (and its rows as JSON)
"""
import datetime as dt
import http.client
import json
import os
import random
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


def random_days(m, n, count):
    """n distinct (working day, i) pairs, i below count, drawn at random
    (seeded) over the generated range, so that no answer repeats. Only days
    after today: a kept database was generated some days ago, and the past
    has no availability to compute."""
    rng = random.Random(n)
    first = dt.date.fromisoformat(m["today"]) + dt.timedelta(days=m["first_day"])
    skip = max(0, (dt.date.today() - first).days + 1)
    seen = set()
    while len(seen) < n:
        day = first + dt.timedelta(days=skip + rng.randrange(m["days"] - skip))
        if day.isoweekday() in m["weekdays"]:
            seen.add((day, rng.randrange(count)))
    out = sorted(seen)
    rng.shuffle(out)
    return out


def request_paths(mode, meta, n):
    """Sequential request paths: mode week = one service, all staff, 7 days
    at a different week offset each time; mode day = one staff member, one
    day, cycling staff and days; mode staffday = one staff member, one day,
    each (staff, day) once at random; mode calendar = the day calendar of a
    location, each (location, day) once at random."""
    m = json.load(open(meta))
    today = dt.date.fromisoformat(m["today"])
    if mode == "staffday":
        return ["/api/v1/availability?service_ids=%d&from=%s&to=%s&staff_id=%d"
                % (m["service_id"], day, day, 1 + i) for day, i in random_days(m, n, m["staff"])]
    if mode == "calendar":
        return ["/api/v1/calendar?date=%s&location_id=%d" % (day, 1 + i)
                for day, i in random_days(m, n, m["locations"])]
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
    paths = request_paths(mode, meta, int(n))
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


def cmd_report(envfile, out, out_json=None):
    """One table: every figure with its target, the baseline measured in
    the same run (nginx serving the same body for HTTP, a plain SQLite
    insert loop for the write path) and the ratio against it; the same
    rows go to out_json."""
    e = {}
    for line in open(envfile):
        line = line.strip()
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            e[k] = v.strip("'\"")

    def g(k, default=None):
        return e.get(k, default)

    def flt(k):
        try:
            return float(g(k))
        except (TypeError, ValueError):
            return None

    rows = []

    def row(backend, figure, key=None, value=None, unit="", target=None, base_label="",
            base_key=None, text=None):
        """target: (op, number) with op '<', '>=', '==' or '>=x' (ratio
        against the baseline at least number)."""
        v = flt(key) if key else value
        b = flt(base_key) if base_key else None
        ratio = v / b if v is not None and b else None
        status, target_text = "", ""
        if target:
            op, num = target
            if op == ">=x":
                target_text = ">= %s x baseline" % fnum(num, 1)
                ok = ratio is not None and ratio >= num
                known = ratio is not None
            else:
                target_text = "%s %s%s" % (op, fnum(num), (" " + unit) if unit else "")
                ok = v is not None and ((op == "<" and v < num) or (op == ">=" and v >= num)
                                        or (op == "==" and v == num))
                known = v is not None
            status = ("ok" if ok else "MISSED") if known else "n/a"
        rows.append({
            "backend": backend, "figure": figure,
            "value": v if text is None else text, "unit": unit,
            "value_text": text if text is not None else (
                ("%s %s" % (fnum(v), unit)).strip() if v is not None else "n/a"),
            "target": target_text, "baseline": base_label,
            "baseline_value": b, "baseline_text": fnum(b) if b is not None else "",
            "ratio": ratio, "ratio_text": fnum(ratio, 3) if ratio is not None else "",
            "status": status})

    S, P = "SQLite", "PostgreSQL"
    ngx = "nginx, same body"
    ins = "SQLite insert loop"
    if g("ONLY") != "big":
        row(S, "availability 50 staff x 7 days, p99 us, kept answers (n=%s)" % g("A_SEQ_N", "?"),
            "A_SEQ_P99_US", unit="us", target=("<", 500))
        row(S, "  same, median us", "A_SEQ_MEDIAN_US", unit="us")
        row(S, "  same, p99 us, computed (each week once, n=%s)" % g("A_COLD_N", "?"),
            "A_COLD_P99_US", unit="us", target=("<", 500))
        row(S, "  same, median us, computed", "A_COLD_MEDIAN_US", unit="us")
        row(S, "  HTTP req/s (wrk -t2 -c32, %s-byte body)" % fnum(g("A_BODY_BYTES")),
            "A_WRK_RPS", target=(">=x", 0.5), base_label=ngx, base_key="A_NGINX_RPS")
        row(S, "  server us under wrk load, p99", "A_LOAD_P99_US", unit="us")
        row(S, "anchor: 10 staff, 1 staff member x 1 day, HTTP req/s (%s-byte body)"
            % fnum(g("D_BODY_BYTES")), "D_WRK_RPS", target=(">=", 35000), base_label=ngx,
            base_key="D_NGINX_RPS")
        row(S, "  anchor p99 us (sequential, n=%s)" % g("D_SEQ_N", "?"), "D_SEQ_P99_US", unit="us")
        row(S, "bookings/s, 16 clients (HTTP 201/s)", "B_BOOKINGS_PER_S", target=(">=", 10000),
            base_label=ins, base_key="W_INSERT_PER_S")
        row(S, "  server us/booking p99", "B_LOG_P99_US", unit="us")
        row(S, "  writes per SQLite commit (group commit, whole run)", "B_WRITES_PER_COMMIT",
            text=g("B_WRITES_PER_COMMIT") or "n/a")
        row(S, "  race: 201 answers for %s contested slots" % g("RACE_SLOTS", "?"), "RACE_201")
        row(S, "  overlapping live bookings (SQL)", "B_DB_OVERLAPS", target=("==", 0))
        row(S, "peak RSS, main clinic (MiB)", value=(flt("C_MAIN_HWM_KB") or 0) / 1024 or None,
            unit="MiB")
        if g("SOAK_PEAK_KB"):
            row(S, "mixed run, %s min x %s clients: peak RSS (MiB)"
                % (g("SOAK_MINUTES"), g("SOAK_CLIENTS")),
                value=flt("SOAK_PEAK_KB") / 1024, unit="MiB", target=("<", 64))
            row(S, "  RSS growth, first to last fifth of the run (%)", "SOAK_RSS_GROWTH_PCT",
                unit="%", target=("<", 10))
            row(S, "  requests answered 5xx or not at all", "SOAK_REQUESTS_FAILED",
                target=("==", 0))
        for k, what in (("KEEPALIVE_GET", "GET"), ("KEEPALIVE_POST", "POST")):
            v = g(k, "?")
            rows.append({"backend": S, "figure": "keep-alive, 2 x %s on one connection" % what,
                         "value": v, "unit": "", "value_text": v, "target": "reused",
                         "baseline": "", "baseline_value": None, "baseline_text": "",
                         "ratio": None, "ratio_text": "",
                         "status": "ok" if v == "reused" else "MISSED"})
        if g("E_PG"):
            row(P, "availability 50 staff x 7 days, p99 us, kept answers (n=%s)"
                % g("E_SEQ_N", "?"), "E_SEQ_P99_US", unit="us", target=("<", 500))
            row(P, "  same, median us", "E_SEQ_MEDIAN_US", unit="us")
            row(P, "  same, p99 us, computed (each week once, n=%s)" % g("E_COLD_N", "?"),
                "E_COLD_P99_US", unit="us", target=("<", 500))
            row(P, "  same, median us, computed", "E_COLD_MEDIAN_US", unit="us")
            row(P, "  HTTP req/s (wrk -t2 -c32, same body)", "E_AVAIL_WRK_RPS",
                target=(">=x", 0.5), base_label=ngx, base_key="A_NGINX_RPS")
            row(P, "bookings/s, 1 process, 16 clients", "E1_BOOKINGS_PER_S", target=(">=", 5000),
                base_label=ins, base_key="W_INSERT_PER_S")
            row(P, "  server us/booking p99", "E1_P99_US", unit="us")
            row(P, "bookings/s, 2 processes, 2 x 8 clients", "E2_BOOKINGS_PER_S",
                target=(">=", 5000), base_label=ins, base_key="W_INSERT_PER_S")
            row(P, "  server us/booking p99", "E2_P99_US", unit="us")
            row(P, "  race over 2 processes: 201 answers for %s slots" % g("E_RACE_SLOTS", "?"),
                "E_RACE_201")
            row(P, "  overlapping live bookings (SQL)", "E_DB_OVERLAPS", target=("==", 0))
            if g("E5_PG"):
                row(P, "anchor: 10 staff, 1 staff member x 1 day, HTTP req/s", "E5_WRK_RPS",
                    target=(">=", 35000), base_label=ngx, base_key="D_NGINX_RPS")
                row(P, "  anchor p99 us (sequential, n=%s)" % g("E5_SEQ_N", "?"), "E5_SEQ_P99_US",
                    unit="us")
            else:
                row(P, "anchor shape", text="skipped: %s" % g("E5_SKIPPED", "?"))
        else:
            row(P, "every figure", text="skipped: %s" % g("E_SKIPPED", "?"))

    if g("G_BOOKINGS"):
        big = "%s bookings" % fnum(g("G_BOOKINGS"))
        kept = "kept from an earlier run" if g("G_REUSED") == "True" else "this run"
        row(S, "%s: generated in s (%s)" % (big, kept), "G_GEN_SECONDS", unit="s")
        row(S, "  database size (MiB)", value=flt("G_DB_BYTES") / 2**20, unit="MiB")
        row(S, "  day calendar, 1 location x 10 staff, p99 us (n=%s, each day once)"
            % g("G_CAL_N", "?"), "G_CAL_P99_US", unit="us", target=("<", 5000))
        row(S, "  same, median us", "G_CAL_MEDIAN_US", unit="us")
        row(S, "  availability 1 staff x 1 day, p99 us (n=%s, each computed)" % g("G_AV_N", "?"),
            "G_AV_P99_US", unit="us", target=("<", 1000))
        row(S, "  same, median us", "G_AV_MEDIAN_US", unit="us")
        row(S, "  load average during the run", text=g("G_LOADAVG", "?"))
    heads = ("backend", "figure", "value", "target", "baseline", "baseline value", "ratio",
             "status")
    cells = [(r["backend"], r["figure"], r["value_text"], r["target"], r["baseline"],
              r["baseline_text"], r["ratio_text"], r["status"]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    right = {2, 5, 6}

    def line(c):
        return "  ".join(c[i].rjust(widths[i]) if i in right else c[i].ljust(widths[i])
                         for i in range(len(heads))).rstrip()

    lines = ["Chairside benchmark  %s  (%s CPUs, shared machine)  %s" % (
        g("WHEN", ""), g("CPUS", "?"), g("BIN", "")), "", line(heads),
        "-" * (sum(widths) + 2 * (len(heads) - 1))]
    lines += [line(c) for c in cells]
    lines.append("")
    lines.append("run took %s s; wrk %s s per run; raw figures, logs and wrk output in %s"
                 % (g("RUN_SECONDS", "?"), g("WRK_SECONDS_SET", "?"),
                    os.path.dirname(os.path.abspath(out))))
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    if out_json:
        with open(out_json, "w") as f:
            json.dump({"when": g("WHEN"), "cpus": g("CPUS"), "bin": g("BIN"),
                       "rows": rows, "figures": e}, f, indent=1)
            f.write("\n")
    sys.stdout.write(text)


COMMANDS = {
    "port": cmd_port, "wait": cmd_wait, "login": cmd_login, "get": cmd_get, "seq": cmd_seq,
    "race": cmd_race, "cpu": cmd_cpu, "logstats": cmd_logstats, "verify": cmd_verify, "report": cmd_report,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])

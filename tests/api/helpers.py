"""Shared helpers for the API tests: an HTTP client with a cookie jar and
the CSRF header, assertions that say what was sent and what came back,
dates relative to today, and fixtures that build a clinic through the API.

Every fixture creates fresh records (a new location, staff member, service
or patient per call), so tests never depend on each other's data. Settings
are global: tests that change them use `settings_changed`, which restores
the previous values.
"""

import contextlib
import datetime as dt
import decimal
import http.client
import itertools
import json
import os
import signal
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from zoneinfo import ZoneInfo

API = "/api/v1"
BERLIN = "Europe/Berlin"
ADMIN_EMAIL = "admin@test.test"
ADMIN_PASSWORD = "admin-pass-1"
STAFF_EMAIL = "staff@test.test"
STAFF_PASSWORD = "staff-pass-1"
REQUEST_TIMEOUT = 60

_counter = itertools.count(1)


class Skip(Exception):
    """Raised by a test that cannot run here; counted as skipped."""


def unique(prefix="x"):
    return "%s-%d-%d" % (prefix, os.getpid(), next(_counter))


# --- assertions -------------------------------------------------------------


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def eq(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


# --- HTTP ---------------------------------------------------------------------


class Response:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers  # lower-case name -> value (last one wins)
        self.header_list = []
        self.body = body
        self._json = None
        self._parsed = False

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                self._json = None
        return self._json

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip()

    def describe(self):
        body = self.text
        if len(body) > 600:
            body = body[:600] + "..."
        return "%s %s -> %d %s" % (self.method, self.path, self.status, body)

    def expect(self, status):
        """Asserts the status; returns the parsed JSON body."""
        if self.status != status:
            raise AssertionError("expected %d: %s" % (status, self.describe()))
        if status != 204 and self.content_type in ("application/json",
                                                    "application/problem+json"):
            check(self.json is not None, "body is not JSON: %s" % self.describe())
        return self.json

    def expect_problem(self, status):
        """Asserts a problem+json answer with status; returns it."""
        body = self.expect(status)
        eq(self.content_type, "application/problem+json",
           "Content-Type of %s %s" % (self.method, self.path))
        check(isinstance(body, dict), "problem is not an object: %s" % self.describe())
        eq(body.get("status"), status, "problem status of %s %s" % (self.method, self.path))
        check(isinstance(body.get("title"), str) and body["title"],
              "problem needs a title: %s" % self.describe())
        check(isinstance(body.get("detail"), str) and body["detail"],
              "problem needs a detail: %s" % self.describe())
        return body


def query(path, **params):
    items = [(k, v) for k, v in params.items() if v is not None]
    if not items:
        return path
    parts = []
    for k, v in items:
        if isinstance(v, (list, tuple)):
            v = ",".join(str(x) for x in v)
        parts.append((k, str(v)))
    return path + "?" + urllib.parse.urlencode(parts, safe=",:")


class Client:
    """One user's view of the API: a cookie jar and the CSRF token."""

    def __init__(self, port, host="127.0.0.1", source=None):
        self.host = host
        self.port = port
        self.source = source  # a local address to connect from (127.0.0.0/8)
        self.cookies = {}
        self.csrf = None
        self.user = None

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True,
                content_type="application/json", timeout=REQUEST_TIMEOUT):
        hdrs = {"Accept": "application/json"}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        if headers:
            hdrs.update(headers)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout,
                                          source_address=(self.source, 0) if self.source
                                          else None)
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413) and close before it read it all.
                pass
            r = conn.getresponse()
            payload = r.read()
            resp = Response(method, path, r.status,
                            {k.lower(): v for k, v in r.getheaders()}, payload)
            resp.header_list = r.getheaders()
        finally:
            conn.close()
        for name, value in resp.header_list:
            if name.lower() == "set-cookie":
                self._store_cookie(value)
        return resp

    def _store_cookie(self, value):
        first = value.split(";")[0]
        if "=" not in first:
            return
        name, val = first.split("=", 1)
        attrs = value.lower()
        if val == "" or "max-age=0" in attrs:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = val.strip()

    def get(self, path, **params):
        return self.request("GET", query(path, **params))

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password):
        r = self.post(API + "/auth/login", {"email": email, "password": password})
        if r.status == 200 and r.json:
            self.user = r.json.get("user")
            self.csrf = (self.user or {}).get("csrf_token")
        return r


def logged_in(port, email, password):
    c = Client(port)
    body = c.login(email, password).expect(200)
    check(c.csrf, "login gave no csrf_token: %r" % body)
    return c


# --- databases ------------------------------------------------------------------
#
# Servers keep their data in a SQLite file in the scratch directory, or,
# when run.py is given --db-url, in a fresh PostgreSQL database each. Tests
# that look into the database by SQL go through sql_rows, which takes
# SQLite's `?` placeholders on both.

PG_URL = None  # set by run.py from --db-url: a server URL prefix, no database
PG_PREFIX = "chairside_api_%d" % os.getpid()
_pg_created = []


class DatabaseError(Exception):
    """A statement the database refused (sqlite3 or psycopg2 error)."""


def _psycopg2():
    try:
        import psycopg2
    except ImportError:
        # A python3 that is not Debian's (pyenv, a venv) does not see the
        # python3-psycopg2 package; its module fits the same minor version.
        deb = "/usr/lib/python3/dist-packages"
        if os.path.isdir(deb) and deb not in sys.path:
            sys.path.append(deb)
        try:
            import psycopg2
        except ImportError:
            raise RuntimeError("the PostgreSQL tests need psycopg2 "
                               "(apt-get install python3-psycopg2)") from None
    return psycopg2


def is_url(db):
    return db.startswith("postgresql://") or db.startswith("postgres://")


def split_pg_url(url):
    """(server URL prefix, database name or None) of a PostgreSQL URL."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or None
    prefix = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", parts.query, ""))
    return prefix, name


def _pg_url(name):
    parts = urllib.parse.urlsplit(PG_URL)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _pg_admin(statement, name):
    pg = _psycopg2()
    from psycopg2 import sql as pgsql
    conn = pg.connect(_pg_url("postgres"))
    try:
        conn.autocommit = True  # CREATE DATABASE runs outside transactions
        with conn.cursor() as cur:
            cur.execute(pgsql.SQL(statement).format(pgsql.Identifier(name)))
    finally:
        conn.close()


def fresh_pg_database(name):
    """Drops and creates database `name` (the role needs CREATEDB) and
    returns its URL; drop_pg_databases removes it again."""
    check(re.fullmatch(r"[a-z_][a-z0-9_]*", name) is not None, "database name %r" % name)
    _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _pg_admin("CREATE DATABASE {}", name)
    if name not in _pg_created:
        _pg_created.append(name)
    return _pg_url(name)


def drop_pg_databases():
    while _pg_created:
        _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", _pg_created.pop())


def scratch_db(scratch, name):
    """A new, empty database for a server: scratch/NAME.db on SQLite, a
    fresh PostgreSQL database with --db-url. Returns what --db takes."""
    if PG_URL is None:
        return os.path.join(scratch, name + ".db")
    # Numbered: two servers asking for the same name get databases of
    # their own (making one anew would cut the other's connections).
    name = "%s_%d_%s" % (PG_PREFIX, next(_counter), re.sub(r"[^a-z0-9_]", "_", name.lower()))
    return fresh_pg_database(name[:63])


def _plain(value):
    # PostgreSQL's sum() of bigint is numeric; SQLite's is an integer.
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _pg_placeholders(query):
    """SQLite's ? placeholders as psycopg2's %s, with a literal % doubled;
    text inside single quotes is left as it is."""
    out, quoted = [], False
    for ch in query:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def sql_rows(db, query, params=()):
    """Runs one statement on db (a SQLite path or a PostgreSQL URL) in its
    own transaction, committed, and returns its rows as tuples ([] when it
    returns none). Placeholders are `?` on both backends. A refused
    statement raises DatabaseError with the database's message."""
    if not is_url(db):
        try:
            conn = sqlite3.connect(db, timeout=10)
            try:
                with conn:
                    cur = conn.execute(query, params)
                    return [tuple(r) for r in cur.fetchall()]
            finally:
                conn.close()
        except sqlite3.DatabaseError as e:
            raise DatabaseError(str(e)) from e
    pg = _psycopg2()
    try:
        conn = pg.connect(db)
        try:
            with conn, conn.cursor() as cur:
                if params:
                    cur.execute(_pg_placeholders(query), tuple(params))
                else:
                    cur.execute(query)
                rows = cur.fetchall() if cur.description else []
            return [tuple(_plain(v) for v in r) for r in rows]
        finally:
            conn.close()
    except pg.Error as e:
        raise DatabaseError(str(e).strip()) from e


# --- server process -----------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(binary, *args, timeout=120):
    return subprocess.run([binary] + list(args), capture_output=True, text=True,
                          timeout=timeout)


class Server:
    """A started `chairside serve`; stop() sends SIGTERM and reports."""

    def __init__(self, binary, db, log_path, port=None):
        self.binary = binary
        self.db = db
        self.log_path = log_path
        self.port = port or free_port()
        self.proc = None
        self.log = None

    def start(self, wait_s=30):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %d before answering /healthz"
                                   % self.proc.returncode)
            try:
                r = Client(self.port).request("GET", "/healthz")
                if r.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz within %d s" % wait_s)

    def stop(self, timeout=10):
        """SIGTERM; returns (exit code or None when it hung, seconds)."""
        if self.proc is None:
            return None, 0.0
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        if self.log:
            self.log.close()
            self.log = None
        return code, time.monotonic() - started

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        return "\n".join(data[-lines:])


# --- dates and times ------------------------------------------------------------


def today():
    return dt.date.today()


def next_weekday(weekday, min_ahead=7):
    """The first date at least min_ahead days from today with ISO weekday
    (Mon=1 .. Sun=7)."""
    d = today() + dt.timedelta(days=min_ahead)
    while d.isoweekday() != weekday:
        d += dt.timedelta(days=1)
    return d


def last_sunday(year, month):
    if month == 12:
        d = dt.date(year, 12, 31)
    else:
        d = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    while d.isoweekday() != 7:
        d -= dt.timedelta(days=1)
    return d


def next_last_sunday(month, min_ahead=7):
    """The next last Sunday of month (Berlin's DST days: March, October)
    at least min_ahead days in the future."""
    year = today().year
    while True:
        d = last_sunday(year, month)
        if d >= today() + dt.timedelta(days=min_ahead):
            return d
        year += 1


def local_dt(date, hhmm, tz=BERLIN, fold=0):
    h, m = (int(x) for x in hhmm.split(":"))
    return dt.datetime(date.year, date.month, date.day, h, m, tzinfo=ZoneInfo(tz), fold=fold)


def rfc3339(d):
    """An aware datetime as the API renders it: seconds and +HH:MM."""
    return d.isoformat(timespec="seconds")


def local_iso(date, hhmm, tz=BERLIN):
    return rfc3339(local_dt(date, hhmm, tz))


def parse_ts(s):
    check(isinstance(s, str), "timestamp must be a string, got %r" % (s,))
    try:
        v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise AssertionError("not an RFC 3339 timestamp: %r" % s)
    check(v.tzinfo is not None, "timestamp without offset: %r" % s)
    return v


def same_instant(a, b, what):
    if parse_ts(a) != parse_ts(b):
        raise AssertionError("%s: expected %s, got %s" % (what, b, a))


def minutes_between(a, b):
    return int((parse_ts(b) - parse_ts(a)).total_seconds() // 60)


def grid(date, first, last, step_min=15, tz=BERLIN):
    """Local start strings from first to last (HH:MM, inclusive) by step."""
    out = []
    t = local_dt(date, first, tz)
    end = local_dt(date, last, tz)
    while t <= end:
        out.append(rfc3339(t))
        t = t + dt.timedelta(minutes=step_min)
    return out


# --- fixtures --------------------------------------------------------------------


def make_location(c, tz=BERLIN, name=None):
    body = c.post(API + "/locations", {"name": name or unique("Location"), "timezone": tz,
                                       "address": "Teststrasse 1"}).expect(201)
    check(isinstance(body.get("id"), int), "location has no id: %r" % body)
    return body


def make_service(c, duration=30, **fields):
    data = {"name": unique("Service"), "duration_min": duration, "price": 5000}
    data.update(fields)
    body = c.post(API + "/services", data).expect(201)
    check(isinstance(body.get("id"), int), "service has no id: %r" % body)
    return body


def make_action(c, name=None):
    return c.post(API + "/actions", {"name": name or unique("Action")}).expect(201)


def make_staff(c, location_ids, service_ids=None, **fields):
    data = {"name": unique("Staff"), "location_ids": list(location_ids)}
    if service_ids is not None:
        data["service_ids"] = list(service_ids)
    data.update(fields)
    body = c.post(API + "/staff", data).expect(201)
    check(isinstance(body.get("id"), int), "staff has no id: %r" % body)
    return body


def put_shifts(c, staff_id, shifts):
    """shifts: [(weekday, "HH:MM", "HH:MM", location_id)]"""
    body = {"shifts": [{"weekday": w, "start": s, "end": e, "location_id": loc}
                       for (w, s, e, loc) in shifts]}
    return c.put(API + "/staff/%d/shifts" % staff_id, body).expect(200)


def make_patient(c, name=None, phone=None, **fields):
    data = {"name": name or unique("Patient"), "phone": phone or "+49 30 %d" % next(_counter)}
    data.update(fields)
    body = c.post(API + "/patients", data).expect(201)
    check(isinstance(body.get("id"), int), "patient has no id: %r" % body)
    return body


class Clinic:
    """A fresh location with staff members, each with shifts."""

    def __init__(self, c, tz=BERLIN):
        self.c = c
        self.tz = tz
        self.location = make_location(c, tz)
        self.loc_id = self.location["id"]
        self.staff = []

    def add_staff(self, shifts, service_ids=None, **fields):
        """shifts: [(weekday, "HH:MM", "HH:MM")] at this location."""
        s = make_staff(self.c, [self.loc_id], service_ids, **fields)
        put_shifts(self.c, s["id"], [(w, a, b, self.loc_id) for (w, a, b) in shifts])
        self.staff.append(s)
        return s


def clinic_with_staff(c, weekday, start="09:00", end="12:00", tz=BERLIN, service_ids=None):
    cl = Clinic(c, tz)
    st = cl.add_staff([(weekday, start, end)], service_ids)
    return cl, st


def availability(c, service_ids, date_from, date_to=None, **params):
    return c.get(API + "/availability", service_ids=list(service_ids), **{
        "from": str(date_from), "to": str(date_to or date_from)}, **params)


def slots_of(c, service_ids, date_from, date_to=None, **params):
    body = availability(c, service_ids, date_from, date_to, **params).expect(200)
    check(isinstance(body.get("slots"), list), "availability has no slots list: %r" % body)
    return body["slots"]


def starts(slots, staff_id=None):
    return [s["start"] for s in slots if staff_id is None or s["staff_id"] == staff_id]


def book(c, staff_id, service_ids, start, patient_id=None, **fields):
    body = {"staff_id": staff_id, "service_ids": list(service_ids), "start": start}
    if patient_id is not None:
        body["patient_id"] = patient_id
    body.update(fields)
    return c.post(API + "/bookings", body)


def book_ok(c, staff_id, service_ids, start, patient_id, **fields):
    return book(c, staff_id, service_ids, start, patient_id, **fields).expect(201)


def get_settings(c):
    return c.get(API + "/settings").expect(200)


@contextlib.contextmanager
def settings_changed(c, **changes):
    """PATCHes settings for the block, then puts the old values back."""
    before = get_settings(c)
    keys = set(changes) | {"book_one_service_only", "assign_services_to_staff"}
    body = c.patch(API + "/settings", changes).expect(200)
    try:
        yield body
    finally:
        restore = {k: before[k] for k in keys if k in before}
        c.patch(API + "/settings", restore).expect(200)


def field_names(problem):
    return [e.get("field") for e in (problem.get("errors") or []) if isinstance(e, dict)]


def expect_field_error(resp, field):
    p = resp.expect_problem(422)
    errs = p.get("errors")
    check(isinstance(errs, list) and errs, "422 without errors list: %s" % resp.describe())
    for e in errs:
        check(isinstance(e, dict) and isinstance(e.get("field"), str)
              and isinstance(e.get("message"), str),
              "each error needs field and message: %s" % resp.describe())
    check(field in field_names(p), "expected an error on %r: %s" % (field, resp.describe()))
    return p

"""Two `serve` processes on one PostgreSQL database, as several nodes
behind a load balancer run: 64 clients race for overlapping slots through
both nodes. Exactly one booking wins each contested time, no two bookings
of the staff member overlap by SQL afterwards, and every outbox row is
delivered exactly once although both nodes' workers poll the same outbox.
SQLite runs one server process per database file, so there this module
has nothing to test."""

import os
import threading

import helpers
import realservers as rs
from helpers import (API, Client, Skip, book, check, clinic_with_staff, eq, grid, make_patient,
                     make_service, next_weekday, parse_ts)

N_CLIENTS = 64
_env = rs.ModuleServers()


def _nodes(ctx):
    """Two chairside processes on one fresh database, and an SMTP sink."""
    if ctx.backend != "postgresql":
        raise Skip("several server processes share a database only on PostgreSQL")
    if not _env:
        scratch = rs.scratch_dir("chairside-multinode-")
        _env["scratch"] = scratch
        _env["smtp"] = rs.SmtpSink(os.path.join(scratch, "mail")).start()
        env = {"CHAIRSIDE_OUTBOX_WORKERS": "2"}
        a = rs.Chairside(ctx.bin, os.path.join(scratch, "a"), env=env)
        b = rs.Chairside(ctx.bin, os.path.join(scratch, "b"), env=env)
        os.makedirs(a.scratch)
        os.makedirs(b.scratch)
        b.db = a.db = ctx.scratch_db("multinode")
        _env["node_a"] = a.start()
        b._has_admin = True  # node a made the admin in the shared database
        _env["node_b"] = b.start()
        a.admin.patch(API + "/settings", {
            "smtp_url": _env["smtp"].url, "mail_from": "clinic@chairside.test",
            "notification_email": "desk@chairside.test"}).expect(200)
    return _env["node_a"], _env["node_b"], _env["smtp"]


def _client_on(node, like):
    """A client of node with the session of like (sessions live in the
    database, so one login serves every node)."""
    c = Client(node.port)
    c.cookies = dict(like.cookies)
    c.csrf = like.csrf
    return c


def test_race_64_clients_two_nodes(ctx):
    a, b, smtp = _nodes(ctx)
    admin = a.admin
    cl, st = clinic_with_staff(admin, 3, "08:00", "18:00")
    svc = make_service(admin, 60, name=helpers.unique("Wurzelbehandlung"))
    day = next_weekday(3)
    # Eight starts half an hour apart for a one-hour service: every start
    # overlaps its neighbours, and each is wanted by eight clients.
    starts = grid(day, "09:00", "12:30", step_min=30)
    eq(len(starts), 8, "contested starts")
    patients = [make_patient(admin, email="%s@patients.test" % helpers.unique("r"))["id"]
                for _ in range(N_CLIENTS)]
    clients = [_client_on(a if i % 2 == 0 else b, admin) for i in range(N_CLIENTS)]
    barrier = threading.Barrier(N_CLIENTS)
    results = [None] * N_CLIENTS

    def racer(i):
        try:
            barrier.wait(timeout=60)
            r = book(clients[i], st["id"], [svc["id"]], starts[i % len(starts)], patients[i])
            results[i] = (r.status, r.json)
        except Exception as exc:  # reported below with every other racer
            results[i] = (None, repr(exc))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(N_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    statuses = [r[0] if r else None for r in results]
    check(all(s in (201, 409) for s in statuses),
          "every racer answered 201 or 409: %s" % [r for r in results if not r or r[0] not in (201, 409)])
    winners = [results[i][1] for i in range(N_CLIENTS) if statuses[i] == 201]
    check(winners, "somebody won")
    won_at = {}
    for w in winners:
        won_at.setdefault(w["start"], []).append(w["id"])
    for start, ids in won_at.items():
        eq(len(ids), 1, "winners at %s" % start)
    spans = sorted((parse_ts(w["start"]), parse_ts(w["end"])) for w in winners)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        check(e1 <= s2, "winning bookings overlap: %s-%s and %s-%s" % (s1, e1, s2, e2))

    db = a.db
    overlaps = helpers.sql_rows(db, """
        SELECT count(*) FROM bookings x JOIN bookings y
          ON x.id < y.id AND x.staff_id = y.staff_id
         AND x.status <> 'cancelled' AND y.status <> 'cancelled'
         AND x.start_at < y.end_at AND y.start_at < x.end_at""")
    eq(overlaps[0][0], 0, "overlapping bookings in the database")
    stored = helpers.sql_rows(db, "SELECT count(*) FROM bookings WHERE staff_id = ? "
                              "AND status <> 'cancelled'", (st["id"],))
    eq(stored[0][0], len(winners), "stored bookings equal the 201s")
    # The winners' invoices were numbered by two processes at once, and
    # the losers took no number: still no gap.
    for (year,) in helpers.sql_rows(db, "SELECT DISTINCT year FROM invoices"):
        seqs = [r[0] for r in helpers.sql_rows(
            db, "SELECT seq FROM invoices WHERE year = ? ORDER BY seq", (year,))]
        eq(seqs, list(range(1, len(seqs) + 1)), "invoice numbers of %d" % year)

    # Each winner queued a confirmation to its patient and a notice to the
    # desk; both nodes' workers poll one outbox, and each row goes out once.
    expected = 2 * len(winners)
    rs.wait_until(lambda: helpers.sql_rows(
        db, "SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'sent'")[0][0]
        >= expected, timeout=60, what="%d e-mails sent" % expected)
    rows = helpers.sql_rows(db, "SELECT status, attempts FROM outbox WHERE channel = 'email'")
    eq(len(rows), expected, "e-mail rows queued")
    eq(sorted({r[0] for r in rows}), ["sent"], "e-mail row states")
    rs.wait_until(lambda: len(smtp.messages()) >= expected, timeout=30,
                  what="%d messages at the SMTP server" % expected)
    got = smtp.messages()
    eq(len(got), expected, "messages delivered (none twice)")
    keys = [(tuple(env["to"]), str(msg["subject"]), msg["Message-ID"]) for env, msg in got]
    eq(len(set(keys)), len(keys), "distinct deliveries")
    desk = [m for env, m in got if "desk@chairside.test" in env["to"]]
    eq(len(desk), len(winners), "practice notices, one per booking")


def test_lost_connections_answer_503_then_recover(ctx):
    a, b, smtp = _nodes(ctx)
    admin = a.admin
    cl, st = clinic_with_staff(admin, 4, "08:00", "18:00")
    svc = make_service(admin, 30, name=helpers.unique("Kontrolle"))
    day = next_weekday(4)
    before = book(admin, st["id"], [svc["id"]], grid(day, "09:00", "09:00")[0],
                  make_patient(admin)["id"]).expect(201)
    # The database drops every connection of both nodes, as a failover or
    # a restart of the server would.
    killed = helpers.sql_rows(a.db, """
        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()""")
    check(killed[0][0] > 0, "connections terminated: %r" % killed)
    statuses = []
    for _ in range(40):
        r = admin.get(API + "/bookings/%d" % before["id"])
        statuses.append(r.status)
        if r.status == 503:
            eq(r.content_type, "application/problem+json", "503 content type")
            eq(r.json["status"], 503, "503 problem status")
        elif r.status == 200:
            if statuses[-3:] == [200, 200, 200]:
                break
        else:
            raise AssertionError("status %d after losing the database: %s" % (r.status, r.text))
    eq(statuses[-3:], [200, 200, 200], "the pool reconnected (statuses %s)" % statuses)
    eq(admin.get(API + "/bookings/%d" % before["id"]).expect(200)["start"], before["start"],
       "the booking made before is intact")
    # Both nodes take writes again.
    for node in (a, b):
        c = _client_on(node, admin)
        for _ in range(12):
            r = book(c, st["id"], [svc["id"]], grid(day, "10:00", "10:00")[0] if node is a
                     else grid(day, "11:00", "11:00")[0], make_patient(admin)["id"])
            if r.status != 503:
                break
        eq(r.status, 201, "booking through node %s after the reconnect: %s" % (
            "a" if node is a else "b", r.text))


def test_sessions_rate_limits_and_login_as_span_nodes(ctx):
    a, b, smtp = _nodes(ctx)
    admin = a.admin
    # A session made on one node works on the other, and so does logout.
    on_b = _client_on(b, admin)
    eq(on_b.get(API + "/me").expect(200)["role"], "admin", "node a's session on node b")
    # Failed logins count wherever they land.
    email = "%s@test.test" % helpers.unique("nodes")
    r = helpers.run_cli(ctx.bin, "user", "add", "--email", email, "--password", "right-pass-1",
                        "--role", "staff", "--db", a.db)
    eq(r.returncode, 0, "user add (%s%s)" % (r.stdout, r.stderr))
    for i in range(5):
        Client(a.port if i % 2 else b.port).login(email, "wrong-%d" % i).expect_problem(401)
    for node in (a, b):
        Client(node.port).login(email, "right-pass-1").expect_problem(429)
    # Login-as started on node a is the patient view on node b, and logging
    # out of it there returns to the staff session on both.
    staff = helpers.logged_in(a.port, helpers.ADMIN_EMAIL, helpers.ADMIN_PASSWORD)
    p = make_patient(admin)
    user = staff.post(API + "/patients/%d/login-as" % p["id"]).expect(200)["user"]
    as_b = Client(b.port)
    as_b.cookies = dict(staff.cookies)
    as_b.csrf = user["csrf_token"]
    me = as_b.get(API + "/me").expect(200)
    eq((me["role"], me["patient_id"], me["login_as"]), ("patient", p["id"], True),
       "the login-as view on node b")
    as_b.post(API + "/auth/logout").expect(200)
    staff.cookies = dict(as_b.cookies)
    eq(staff.get(API + "/me").expect(200)["role"], "admin", "back to staff on node a")

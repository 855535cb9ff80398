"""Accounts: patient logins, the patient portal and online booking,
self sign-up while booking, login-as with its audit trail, session expiry
(on a second server with short lifetimes) and the per-address login
limit."""

import contextlib
import datetime as dt
import json
import os
import socket
import time

from helpers import (ADMIN_EMAIL, ADMIN_PASSWORD, API, STAFF_EMAIL, STAFF_PASSWORD, Client,
                     Server, book, book_ok, check, clinic_with_staff, eq, expect_field_error,
                     is_url, local_iso, logged_in, make_patient, make_service, next_weekday,
                     parse_ts, run_cli, settings_changed, slots_of, sql_rows, today, unique)

PATIENT_PASSWORD = "patient-pass-1"


def _account(c, patient_id, email=None, password=PATIENT_PASSWORD):
    return c.post(API + "/patients/%d/account" % patient_id,
                  {"email": email or unique("pt") + "@test.test", "password": password})


def _patient_with_login(ctx, **fields):
    """(patient record, e-mail, logged-in client)"""
    p = make_patient(ctx.admin, **fields)
    email = unique("portal") + "@test.test"
    _account(ctx.admin, p["id"], email).expect(201)
    return p, email, logged_in(ctx.port, email, PATIENT_PASSWORD)


def _setup(ctx, weekday=2, min_ahead=14):
    """A clinic open 08:00-18:00 on weekday, an online service and the day."""
    cl, st = clinic_with_staff(ctx.admin, weekday, "08:00", "18:00")
    svc = make_service(ctx.admin, 30)
    return st, svc, next_weekday(weekday, min_ahead)


def _appointment(c, patient_id, start, share):
    body = {"patient_id": patient_id, "start": start, "duration_min": 30,
            "share_with_patient": share}
    return c.post(API + "/appointments", body).expect(201)["occurrences"][0]["id"]


def _audit(c, **params):
    """Every audit entry matching params, following the cursor."""
    items, cursor = [], None
    for _ in range(100):
        body = c.get(API + "/audit", limit=500, cursor=cursor, **params).expect(200)
        check(isinstance(body.get("items"), list), "audit items: %r" % body)
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if cursor is None:
            return items
    raise AssertionError("audit paging did not end")


def _new_staff_user(ctx):
    email = unique("staff") + "@test.test"
    r = run_cli(ctx.bin, "user", "add", "--email", email, "--password", STAFF_PASSWORD,
                "--role", "staff", "--db", ctx.db)
    eq(r.returncode, 0, "user add exit code (%s%s)" % (r.stdout, r.stderr))
    return email


# --- patient accounts ------------------------------------------------------------


def test_patient_account_create_and_conflicts(ctx):
    a, s = ctx.admin, ctx.staff
    p = make_patient(s, email="record@test.test")
    email = unique("acct") + "@test.test"
    r = _account(s, p["id"], email)
    body = r.expect(201)
    check(isinstance(body.get("id"), int), "account id: %r" % body)
    eq((body.get("email"), body.get("role"), body.get("patient_id")),
       (email, "patient", p["id"]), "account answer")
    check("password" not in body and "password_hash" not in body,
          "the answer must not echo the password: %r" % body)
    eq(a.get(API + "/patients/%d" % p["id"]).expect(200)["has_account"], True, "has_account")
    # A patient has one login, and an e-mail belongs to one login.
    prob = _account(a, p["id"], unique("again") + "@test.test").expect_problem(409)
    check("already" in prob["detail"], "detail of the second account: %r" % prob)
    other = make_patient(s)
    _account(s, other["id"], email).expect_problem(409)
    _account(s, other["id"], ADMIN_EMAIL).expect_problem(409)
    eq(a.get(API + "/patients/%d" % other["id"]).expect(200)["has_account"], False,
       "refused accounts leave no login")
    # Validation.
    expect_field_error(_account(s, other["id"], password="short12"), "password")
    expect_field_error(_account(s, other["id"], email="not-an-email"), "email")
    expect_field_error(s.post(API + "/patients/%d/account" % other["id"],
                              {"email": unique("x") + "@test.test"}), "password")
    _account(s, 999999).expect_problem(404)
    eq(a.get(API + "/patients/%d" % other["id"]).expect(200)["has_account"], False,
       "invalid requests leave no login")
    # Exactly 8 characters is enough.
    _account(s, other["id"], password="12345678").expect(201)


def test_patient_login_me_and_profile(ctx):
    p, email, pc = _patient_with_login(ctx, notes="allergic to latex")
    me = pc.get(API + "/me").expect(200)
    eq((me.get("email"), me.get("role"), me.get("patient_id")), (email, "patient", p["id"]),
       "/me of a patient")
    eq(me.get("csrf_token"), pc.csrf, "/me csrf_token")
    prof = pc.get(API + "/me/profile").expect(200)
    for key in ("id", "name", "phone"):
        eq(prof.get(key), p[key], "/me/profile %s" % key)
    eq(prof.get("has_account"), True, "/me/profile has_account")
    pc.get(API + "/patients").expect_problem(403)
    pc.get(API + "/patients/%d" % p["id"]).expect_problem(403)
    pc.patch(API + "/patients/%d" % p["id"], {"can_book_online": True}).expect_problem(403)
    ctx.staff.get(API + "/me/profile").expect_problem(403)


def test_logout_revokes_only_that_session(ctx):
    p, email, first = _patient_with_login(ctx)
    second = logged_in(ctx.port, email, PATIENT_PASSWORD)
    old = dict(first.cookies)
    eq(first.post(API + "/auth/logout").expect(200).get("logged_out"), True, "logout body")
    check(not first.cookies, "logout clears the cookie: %r" % first.cookies)
    first.cookies = old
    first.get(API + "/me").expect_problem(401)
    first.get(API + "/me/appointments").expect_problem(401)
    second.get(API + "/me").expect(200)


# --- online booking and the portal --------------------------------------------------


def test_patient_online_booking_rules(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=2)
    svc2 = make_service(a, 15)
    hidden = make_service(a, 30, online_booking=False)
    p, _, pc = _patient_with_login(ctx)
    slots = slots_of(pc, [svc["id"]], day, staff_id=st["id"])
    check(len(slots) > 0, "the patient sees slots for an online service")
    check(slots[0]["start"] == local_iso(day, "08:00"), "first slot: %r" % slots[0])
    r = book(pc, st["id"], [svc["id"]], local_iso(day, "08:00"))
    b = r.expect(201)
    eq((b.get("patient_id"), b.get("source"), b.get("status")), (p["id"], "online", "confirmed"),
       "own online booking")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["source"], "online", "stored source")
    # Sending one's own patient_id is fine too.
    book(pc, st["id"], [svc["id"]], local_iso(day, "08:30"), p["id"]).expect(201)
    # Not offered online.
    expect_field_error(book(pc, st["id"], [hidden["id"]], local_iso(day, "09:00")),
                       "service_ids")
    expect_field_error(book(pc, st["id"], [svc["id"], hidden["id"]], local_iso(day, "09:00")),
                       "service_ids")
    # The clinic may switch online booking off for a patient.
    ctx.staff.patch(API + "/patients/%d" % p["id"], {"can_book_online": False}).expect(200)
    book(pc, st["id"], [svc["id"]], local_iso(day, "09:00")).expect_problem(403)
    ctx.staff.patch(API + "/patients/%d" % p["id"], {"can_book_online": True}).expect(200)
    # One service at a time.
    with settings_changed(a, book_one_service_only=True):
        prob = book(pc, st["id"], [svc["id"], svc2["id"]],
                    local_iso(day, "09:00")).expect_problem(409)
        check("too many" in prob["detail"], "detail: %r" % prob)
    # Only services assigned to the staff member.
    with settings_changed(a, assign_services_to_staff=True):
        prob = book(pc, st["id"], [svc["id"]], local_iso(day, "09:00")).expect_problem(409)
        check("assigned" in prob["detail"], "detail: %r" % prob)
    two = book(pc, st["id"], [svc["id"], svc2["id"]], local_iso(day, "09:00")).expect(201)
    eq(two["end"], local_iso(day, "09:45"), "two services back to back")
    items = pc.get(API + "/bookings").expect(200)["items"]
    eq(len(items), 3, "refused attempts stored nothing: %r" % [i["id"] for i in items])


def test_portal_lists_bookings_and_shared_appointments(ctx):
    a, s = ctx.admin, ctx.staff
    st, svc, day = _setup(ctx, weekday=4)
    p, _, pc = _patient_with_login(ctx)
    other = make_patient(s)
    near = book_ok(s, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    far = book(pc, st["id"], [svc["id"]],
               local_iso(day + dt.timedelta(days=7), "10:00")).expect(201)
    theirs = book_ok(s, st["id"], [svc["id"]], local_iso(day, "10:00"), other["id"])
    t = today()
    soon = _appointment(s, p["id"], local_iso(t + dt.timedelta(days=1), "10:00"), True)
    past = _appointment(s, p["id"], local_iso(t - dt.timedelta(days=3), "10:00"), True)
    older = _appointment(s, p["id"], local_iso(t - dt.timedelta(days=10), "10:00"), True)
    _appointment(s, p["id"], local_iso(t + dt.timedelta(days=2), "10:00"), False)
    _appointment(s, other["id"], local_iso(t + dt.timedelta(days=2), "11:00"), True)
    body = pc.get(API + "/me/appointments").expect(200)
    check(isinstance(body.get("items"), list), "/me/appointments items: %r" % body)
    got = [(i.get("kind"), i.get("id")) for i in body["items"]]
    eq(got, [("appointment", soon), ("booking", near["id"]), ("booking", far["id"]),
             ("appointment", past), ("appointment", older)],
       "upcoming soonest first, then past latest first; unshared and others' left out")
    first = body["items"][1]
    eq((first.get("start"), first.get("patient_id")), (local_iso(day, "09:00"), p["id"]),
       "booking item")
    # Another patient's booking does not exist for this patient.
    pc.get(API + "/bookings/%d" % theirs["id"]).expect_problem(404)
    pc.post(API + "/bookings/%d/cancel" % theirs["id"], {}).expect_problem(404)
    eq(a.get(API + "/bookings/%d" % theirs["id"]).expect(200)["status"], "confirmed",
       "other patient's booking untouched")


def test_patient_cancel_needs_notice(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=5)
    p, _, pc = _patient_with_login(ctx)
    b = book(pc, st["id"], [svc["id"]], local_iso(day, "09:00")).expect(201)
    with settings_changed(a, client_cancel_notice_min=100000):
        prob = pc.post(API + "/bookings/%d/cancel" % b["id"],
                       {"reason": "late"}).expect_problem(409)
        check("notice" in prob["detail"], "detail says notice is needed: %r" % prob)
        eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["status"], "confirmed",
           "refused cancel kept the booking")
        # Staff are not bound by the patients' notice.
        other = book_ok(a, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
        eq(ctx.staff.post(API + "/bookings/%d/cancel" % other["id"], {"reason": "x"})
           .expect(200)["status"], "cancelled", "staff cancel within the notice")
    got = pc.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "cannot come"}).expect(200)
    eq((got.get("id"), got.get("status")), (b["id"], "cancelled"), "own cancel")
    pc.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "again"}).expect_problem(409)
    hist = a.get(API + "/bookings/%d/history" % b["id"]).expect(200)["items"]
    eq([h.get("action") for h in hist], ["created", "cancelled"], "history of the booking")


# --- self sign-up ---------------------------------------------------------------------


def _signup(c, st, svc, start, email, password="signup-pass-1", name=None):
    patient = {"name": name or unique("Signup"), "phone": "+49 30 555", "email": email}
    if password is not None:
        patient["password"] = password
    return c.post(API + "/bookings", {"patient": patient, "staff_id": st["id"],
                                      "service_ids": [svc["id"]], "start": start})


def test_self_signup_while_booking(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=3)
    email = unique("signup") + "@test.test"
    c = ctx.client()
    r = _signup(c, st, svc, local_iso(day, "09:00"), email)
    b = r.expect(201)
    cookie = r.headers.get("set-cookie", "")
    check(cookie.startswith("chairside_session=") and "HttpOnly" in cookie,
          "sign-up sets a session cookie: %r" % cookie)
    eq((b.get("source"), b.get("status")), ("online", "confirmed"), "sign-up booking")
    check(isinstance(b.get("patient_id"), int), "patient_id: %r" % b)
    items = c.get(API + "/me/appointments").expect(200)["items"]
    eq([(i["kind"], i["id"]) for i in items], [("booking", b["id"])], "the new patient's portal")
    me = c.get(API + "/me").expect(200)
    eq((me.get("role"), me.get("patient_id"), me.get("email")), ("patient", b["patient_id"], email),
       "signed-up /me")
    rec = a.get(API + "/patients/%d" % b["patient_id"]).expect(200)
    eq((rec.get("email"), rec.get("has_account")), (email, True), "new patient record")
    # The new session works for writes with its CSRF token.
    c.csrf = me["csrf_token"]
    eq(c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "changed my mind"})
       .expect(200)["status"], "cancelled", "cancel in the new session")
    # And the password works for later logins.
    logged_in(ctx.port, email, "signup-pass-1")


def test_self_signup_refusals(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=1)
    hidden = make_service(a, 30, online_booking=False)
    p = make_patient(a)
    anon = ctx.client()
    # Booking an existing patient needs a login.
    book(anon, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"]).expect_problem(401)
    book(anon, st["id"], [svc["id"]], local_iso(day, "09:00")).expect_problem(401)
    # A sign-up needs a password, and an e-mail nobody uses yet.
    expect_field_error(_signup(anon, st, svc, local_iso(day, "09:00"), unique("np") + "@t.test",
                               password=None), "patient.password")
    expect_field_error(_signup(anon, st, svc, local_iso(day, "09:00"), unique("sp") + "@t.test",
                               password="short"), "patient.password")
    name = unique("Dup Signup")
    expect_field_error(_signup(anon, st, svc, local_iso(day, "09:00"), STAFF_EMAIL, name=name),
                       "patient.email")
    eq(a.get(API + "/patients", q=name).expect(200)["items"], [],
       "a refused sign-up leaves no patient behind")
    # Only services offered online.
    r = anon.post(API + "/bookings", {
        "patient": {"name": name, "phone": "1", "email": unique("h") + "@t.test",
                    "password": "signup-pass-1"},
        "staff_id": st["id"], "service_ids": [hidden["id"]], "start": local_iso(day, "09:00")})
    expect_field_error(r, "service_ids")
    # A taken slot: 409, and neither patient nor login is kept.
    email = unique("taken") + "@test.test"
    book_ok(a, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
    _signup(anon, st, svc, local_iso(day, "10:00"), email, name=name).expect_problem(409)
    eq(a.get(API + "/patients", q=name).expect(200)["items"], [],
       "a sign-up refused for its slot leaves no patient")
    check(not anon.cookies, "refused sign-ups start no session: %r" % anon.cookies)
    # The same e-mail can then sign up for a free slot.
    _signup(Client(ctx.port), st, svc, local_iso(day, "11:00"), email).expect(201)
    # The clinic may turn sign-ups off.
    with settings_changed(a, allow_self_signup=False):
        c = ctx.client()
        r = _signup(c, st, svc, local_iso(day, "12:00"), unique("off") + "@test.test")
        r.expect_problem(401)
        check(not c.cookies, "no session when sign-ups are off")
    # A logged-in patient cannot create patients while booking.
    _, _, pc = _patient_with_login(ctx)
    expect_field_error(_signup(pc, st, svc, local_iso(day, "12:00"),
                               unique("pp") + "@test.test"), "patient")
    eq(pc.get(API + "/bookings").expect(200)["items"], [], "nothing booked by the refusal")


# --- login as a patient, and the audit log --------------------------------------------


def test_login_as_patient_and_audit(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=6)
    p = make_patient(a)
    other = make_patient(a)
    mine = book_ok(a, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])
    theirs = book_ok(a, st["id"], [svc["id"]], local_iso(day, "10:00"), other["id"])
    shared = _appointment(a, p["id"], local_iso(day, "15:00"), True)
    _appointment(a, p["id"], local_iso(day, "16:00"), False)

    email = _new_staff_user(ctx)
    s = ctx.client()
    s.login(email, "wrong-password-1").expect_problem(401)
    staff_user = s.login(email, STAFF_PASSWORD).expect(200)["user"]
    sid, staff_csrf = staff_user["id"], s.csrf

    s.post(API + "/patients/999999/login-as").expect_problem(404)
    r = s.post(API + "/patients/%d/login-as" % p["id"])
    user = r.expect(200).get("user")
    check(isinstance(user, dict), "login-as answer: %s" % r.describe())
    eq((user.get("role"), user.get("patient_id"), user.get("login_as")),
       ("patient", p["id"], True), "login-as user")
    check("chairside_as" in s.cookies and "chairside_session" in s.cookies,
          "login-as keeps the staff cookie and adds chairside_as: %r" % s.cookies)
    check(user.get("csrf_token") and user["csrf_token"] != staff_csrf,
          "login-as session has its own CSRF token: %r" % user)
    as_csrf = user["csrf_token"]

    me = s.get(API + "/me").expect(200)
    eq((me.get("role"), me.get("patient_id"), me.get("login_as")), ("patient", p["id"], True),
       "/me as the patient")
    eq(me.get("patient"), {"id": p["id"], "name": p["name"]}, "/me names the patient viewed")
    eq(me.get("acting_staff"), {"id": sid, "email": email}, "/me names the staff member acting")
    items = s.get(API + "/me/appointments").expect(200)["items"]
    eq([(i["kind"], i["id"]) for i in items], [("booking", mine["id"]), ("appointment", shared)],
       "the patient's portal seen by staff")
    s.get(API + "/bookings/%d" % theirs["id"]).expect_problem(404)
    s.get(API + "/actions").expect_problem(403)
    s.get(API + "/patients").expect_problem(403)
    s.post(API + "/patients/%d/login-as" % other["id"]).expect_problem(403)
    # Writes in the patient session need its own token, not the staff one.
    s.csrf = staff_csrf
    s.post(API + "/auth/logout").expect_problem(403)
    s.csrf = as_csrf
    old_as = s.cookies.get("chairside_as")
    out = s.post(API + "/auth/logout").expect(200)
    eq((out.get("logged_out"), out.get("back_to_staff")), (True, True), "logout of login-as")
    check("chairside_as" not in s.cookies, "chairside_as cleared: %r" % s.cookies)
    s.csrf = staff_csrf
    me = s.get(API + "/me").expect(200)
    eq((me.get("role"), me.get("patient_id"), me.get("login_as"), me.get("csrf_token")),
       ("staff", None, False, staff_csrf), "/me back as staff")
    check("patient" not in me and "acting_staff" not in me,
          "a staff session's /me has no login-as names: %r" % me)
    s.get(API + "/actions").expect(200)
    # The ended login-as session stays ended.
    s.cookies["chairside_as"] = old_as
    eq(s.get(API + "/me").expect(200)["role"], "staff", "old chairside_as cookie is dead")
    del s.cookies["chairside_as"]

    # The audit log, for admins only.
    s.get(API + "/audit").expect_problem(403)
    entries = _audit(a, actor=sid)
    check(entries and all(e.get("actor_user_id") == sid for e in entries),
          "?actor= keeps only that user's entries: %r" % entries)
    actions = [e.get("action") for e in entries]
    for action in ("login_failed", "login", "login_as", "as_patient"):
        check(action in actions, "audit has no %r entry for the staff member: %r"
              % (action, actions))
    eq(actions.index("login_failed") < actions.index("login") < actions.index("login_as"), True,
       "audit order: %r" % actions)
    failed = entries[actions.index("login_failed")]
    eq((failed.get("status"), failed.get("path"), failed.get("actor_email")),
       (401, API + "/auth/login", email), "login_failed entry")
    la = entries[actions.index("login_as")]
    eq((la.get("as_patient_id"), la.get("path"), la.get("method")),
       (p["id"], API + "/patients/%d/login-as" % p["id"], "POST"), "login_as entry")
    seen = [(e.get("method"), e.get("path"), e.get("status")) for e in entries
            if e.get("action") == "as_patient"]
    for req in (("GET", API + "/me", 200), ("GET", API + "/me/appointments", 200),
                ("GET", API + "/actions", 403), ("GET", API + "/bookings/%d" % theirs["id"], 404),
                ("POST", API + "/auth/logout", 200)):
        check(req in seen, "as_patient entry for %s %s -> %d missing: %r" % (req + (seen,)))
    check(all(e.get("as_patient_id") == p["id"] for e in entries
              if e.get("action") == "as_patient"), "as_patient entries name the patient")
    # After returning to staff, reads are not logged as the patient.
    after = [e for e in entries if e.get("action") == "as_patient"
             and e.get("path") == API + "/actions" and e.get("status") == 200]
    eq(after, [], "staff reads after logout are not as_patient entries")
    for e in entries:
        check(isinstance(e.get("at"), str) and "T" in e["at"], "audit at: %r" % e)
    # Date and actor filters.
    t = today()
    eq(len(_audit(a, actor=sid, **{"from": str(t - dt.timedelta(days=1)),
                                  "to": str(t + dt.timedelta(days=1))})), len(entries),
       "from/to around today keep every entry")
    eq(_audit(a, actor=sid, **{"from": str(t + dt.timedelta(days=2))}), [],
       "from in the future")
    eq(_audit(a, actor=999999), [], "unknown actor")
    a.get(API + "/audit", actor="abc").expect_problem(422)


def test_login_failed_for_unknown_email_names_no_user(ctx):
    # An e-mail with no login belongs to nobody: its failure must not be
    # pinned on some user in the audit log.
    a = ctx.admin
    before = max([e["id"] for e in _audit(a)] or [0])
    ctx.client().login(unique("nobody") + "@test.test", "wrong-password-1").expect_problem(401)
    new = [e for e in _audit(a) if e["id"] > before and e.get("action") == "login_failed"]
    eq([(e.get("actor_user_id"), e.get("actor_email"), e.get("status"), e.get("path"))
        for e in new], [(None, None, 401, API + "/auth/login")],
       "login_failed entry for an unknown e-mail")


def test_login_as_does_not_touch_real_patient_session(ctx):
    p, email, pc = _patient_with_login(ctx)
    s = logged_in(ctx.port, STAFF_EMAIL, STAFF_PASSWORD)
    s.post(API + "/patients/%d/login-as" % p["id"]).expect(200)
    s.csrf = s.get(API + "/me").expect(200)["csrf_token"]
    s.post(API + "/auth/logout").expect(200)
    eq(pc.get(API + "/me").expect(200)["patient_id"], p["id"], "patient's own session lives")
    eq(s.get(API + "/me").expect(200)["role"], "staff", "staff session lives")


# --- a second server with short sessions ------------------------------------------------


@contextlib.contextmanager
def _server(ctx, name, env):
    db = ctx.scratch_db(name)
    r = run_cli(ctx.bin, "user", "add", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD,
                "--role", "admin", "--db", db)
    eq(r.returncode, 0, "user add on %s (%s%s)" % (name, r.stdout, r.stderr))
    server = Server(ctx.bin, db, os.path.join(ctx.scratch, name + ".log"))
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # Server.start passes the environment on
    try:
        server.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        yield server
    finally:
        code, took = server.stop(timeout=10)
    eq(code, 0, "%s server exit code after SIGTERM (%.1fs)" % (name, took))


def test_session_expiry_and_address_rate_limit(ctx):
    env = {"CHAIRSIDE_SESSION_IDLE_S": "3", "CHAIRSIDE_SESSION_MAX_S": "6"}
    with _server(ctx, "short-sessions", env) as srv:
        # The idle one logs in first: a slow (Argon2) login of the busy one
        # must not eat into the busy one's idle time.
        idle = logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD)
        busy = logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD)
        t0 = time.monotonic()
        # Used every half second, a session outlives the idle timeout...
        while time.monotonic() - t0 < 3.2:
            busy.get(API + "/me").expect(200)
            time.sleep(0.4)
        busy.get(API + "/me").expect(200)
        # ...while one left alone for over 3 s has ended.
        idle.get(API + "/me").expect_problem(401)
        idle.post(API + "/locations", {"name": "x", "timezone": "UTC"}).expect_problem(401)
        # No session lives beyond the absolute limit, however busy.
        while time.monotonic() - t0 < 6.2:
            busy.get(API + "/me")
            time.sleep(0.4)
        busy.get(API + "/me").expect_problem(401)
        # A new login still works.
        fresh = logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD)
        fresh.get(API + "/me").expect(200)

        # 20 failures from one address, over many e-mails, lock that address.
        c = Client(srv.port)
        for i in range(20):
            c.login("nobody-%d@test.test" % i, "wrong-pass-1").expect_problem(401)
        r = c.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        prob = r.expect_problem(429)
        check("try again" in prob["detail"], "429 detail: %r" % prob)
        retry = r.headers.get("retry-after", "")
        check(retry.isdigit() and 0 < int(retry) <= 15 * 60,
              "Retry-After must be whole seconds within the 15 minute window: %r" % retry)
        check(not c.cookies, "a limited login starts no session")


# --- staff logins: list, add, disable, enable --------------------------------------


def _users(c):
    return c.get(API + "/users", limit=500).expect(200)["items"]


def test_staff_users_list_add_disable_enable(ctx):
    a = ctx.admin
    ctx.staff.get(API + "/users").expect_problem(403)
    ctx.staff.post(API + "/users", {"email": unique("u") + "@test.test", "role": "staff",
                                    "password": STAFF_PASSWORD}).expect_problem(403)
    # Patients' logins are not staff accounts.
    _, _, pc = _patient_with_login(ctx)
    emails = [u["email"] for u in _users(a)]
    check("admin@test.test" in emails and "staff@test.test" in emails,
          "the test logins are listed: %r" % emails)
    check(pc.user["email"] not in emails, "a patient's login is not a staff user")

    # Bad input names the field and adds nothing.
    before = len(_users(a))
    expect_field_error(a.post(API + "/users", {"email": "nope", "role": "staff",
                                               "password": STAFF_PASSWORD}), "email")
    expect_field_error(a.post(API + "/users", {"email": unique("u") + "@test.test",
                                               "role": "patient",
                                               "password": STAFF_PASSWORD}), "role")
    expect_field_error(a.post(API + "/users", {"email": unique("u") + "@test.test",
                                               "role": "staff", "password": "short"}),
                       "password")
    a.post(API + "/users", {"email": "STAFF@test.test", "role": "staff",
                            "password": STAFF_PASSWORD}).expect_problem(409)
    eq(len(_users(a)), before, "refused logins add nothing")

    email = unique("newstaff") + "@test.test"
    made = a.post(API + "/users", {"email": email, "role": "staff",
                                   "password": STAFF_PASSWORD}).expect(201)
    eq((made.get("email"), made.get("role"), made.get("disabled"), made.get("disabled_at")),
       (email, "staff", False, None), "the new login")
    check("password" not in made and "password_hash" not in made, "no password echoed")
    parse_ts(made["created_at"])
    check(made["id"] in [u["id"] for u in _users(a)], "the new login is listed")

    # The new colleague signs in, twice (two sessions); disabling ends both.
    one, two = ctx.client(), ctx.client()
    one.login(email, STAFF_PASSWORD).expect(200)
    two.login(email, STAFF_PASSWORD).expect(200)
    one.get(API + "/actions").expect(200)
    off = a.post(API + "/users/%d/disable" % made["id"]).expect(200)
    eq(off.get("disabled"), True, "disabled")
    parse_ts(off["disabled_at"])
    one.get(API + "/me").expect_problem(401)
    two.get(API + "/actions").expect_problem(401)
    eq(ctx.sql_rows("SELECT count(*) FROM sessions WHERE user_id = ?", (made["id"],)),
       [(0,)], "the disabled login's sessions are gone")
    r = ctx.client().login(email, STAFF_PASSWORD)
    body = r.expect_problem(403)
    check("disabled" in body["detail"], "login says the account is disabled: %r" % body)
    wrong = ctx.client().login(email, "wrong-password-9").expect_problem(401)
    check("disabled" not in wrong["detail"], "a wrong password learns nothing: %r" % wrong)
    again = a.post(API + "/users/%d/disable" % made["id"]).expect(200)
    eq(again["disabled_at"], off["disabled_at"], "disabling twice keeps the first time")
    listed = [u for u in _users(a) if u["id"] == made["id"]]
    eq(listed[0]["disabled"], True, "the list shows it disabled")

    on = a.post(API + "/users/%d/enable" % made["id"]).expect(200)
    eq((on.get("disabled"), on.get("disabled_at")), (False, None), "enabled")
    ctx.client().login(email, STAFF_PASSWORD).expect(200)

    # Not for patients' logins, unknown ids or oneself.
    a.post(API + "/users/%d/disable" % pc.user["id"]).expect_problem(404)
    a.post(API + "/users/999999/disable").expect_problem(404)
    a.post(API + "/users/999999/enable").expect_problem(404)
    me = a.get(API + "/me").expect(200)
    a.post(API + "/users/%d/disable" % me["id"]).expect_problem(409)
    a.get(API + "/actions").expect(200)


# --- login-as lives inside its staff session ---------------------------------------------


def test_login_as_needs_and_ends_with_staff_session(ctx):
    p = make_patient(ctx.admin)
    s = logged_in(ctx.port, STAFF_EMAIL, STAFF_PASSWORD)
    staff_cookie, staff_csrf = s.cookies["chairside_session"], s.csrf
    s.post(API + "/patients/%d/login-as" % p["id"]).expect(200)
    as_cookie = s.cookies["chairside_as"]
    eq(s.get(API + "/me").expect(200)["patient_id"], p["id"], "login-as view works")

    # The patient view cookie alone is nobody, in either cookie slot.
    alone = Client(ctx.port)
    alone.cookies["chairside_as"] = as_cookie
    alone.get(API + "/me").expect_problem(401)
    alone.get(API + "/me/appointments").expect_problem(401)
    alone.cookies = {"chairside_session": as_cookie}
    alone.get(API + "/me").expect_problem(401)
    # Nor beside another session of the same staff member.
    other = logged_in(ctx.port, STAFF_EMAIL, STAFF_PASSWORD)
    other.cookies["chairside_as"] = as_cookie
    me = other.get(API + "/me").expect(200)
    eq((me["role"], me["login_as"]), ("staff", False), "login-as beside another staff session")

    # Logging out of the staff session ends the patient view opened from it.
    s.cookies = {"chairside_session": staff_cookie}
    s.csrf = staff_csrf
    s.post(API + "/auth/logout").expect(200)
    back = logged_in(ctx.port, STAFF_EMAIL, STAFF_PASSWORD)
    back.cookies["chairside_as"] = as_cookie
    me = back.get(API + "/me").expect(200)
    eq((me["role"], me["patient_id"]), ("staff", None), "login-as after its staff session ended")


def test_login_as_lasts_no_longer_than_staff_session(ctx):
    # Lifetimes wide enough for a loaded machine (Argon2id logins, ASan).
    env = {"CHAIRSIDE_SESSION_IDLE_S": "4", "CHAIRSIDE_SESSION_MAX_S": "8"}
    with _server(ctx, "short-login-as", env) as srv:
        t0 = time.monotonic()  # the staff session starts after this
        admin = logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD)
        p = admin.post(API + "/patients", {"name": unique("P"), "phone": "+49 30 1"}).expect(201)
        time.sleep(2)
        r = admin.post(API + "/patients/%d/login-as" % p["id"])
        r.expect(200)
        cookie = r.headers.get("set-cookie", "")
        check("chairside_as=" in cookie, "login-as cookie: %r" % cookie)
        max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
        check(0 < max_age <= 6, "login-as Max-Age within the staff session's 8 s: %r" % cookie)
        # Used every 0.4 s the patient view keeps its staff session from idling...
        while time.monotonic() - t0 < 6.5:
            eq(admin.get(API + "/me").expect(200)["patient_id"], p["id"], "view as patient")
            time.sleep(0.4)
        # ...but ends with it at the staff session's absolute limit.
        while time.monotonic() - t0 < 9.5:
            time.sleep(0.2)
        admin.get(API + "/me").expect_problem(401)


# --- login timing and the failure counter ------------------------------------------------


def _login_seconds(port, email, password, status):
    c = Client(port)
    t = time.monotonic()
    c.login(email, password).expect_problem(status)
    return time.monotonic() - t


def test_login_same_time_for_unknown_email_and_counter_failure_fails(ctx):
    with _server(ctx, "login-timing", {}) as srv:
        known, unknown = [], []
        for i in range(3):
            known.append(_login_seconds(srv.port, ADMIN_EMAIL, "wrong-pass-%d" % i, 401))
            unknown.append(_login_seconds(srv.port, "nobody-%d@test.test" % i, "wrong-pass-1",
                                          401))
        # An Argon2id check takes tens of milliseconds; a lookup that finds
        # nobody and stops there takes one or two. A loaded machine only
        # adds time, so the fastest of each shows the work done.
        check(min(unknown) >= 0.5 * min(known),
              "unknown e-mail answered in %.3fs, known in %.3fs (fastest of 3)"
              % (min(unknown), min(known)))

        # A failure that cannot be counted fails the login as a server error.
        if is_url(srv.db):
            sql_rows(srv.db, "CREATE FUNCTION refuse_failure() RETURNS trigger LANGUAGE plpgsql "
                     "AS $$BEGIN RAISE EXCEPTION 'no space left'; END$$; "
                     "CREATE TRIGGER refuse_failure BEFORE INSERT ON login_failures "
                     "FOR EACH ROW EXECUTE FUNCTION refuse_failure()")
        else:
            sql_rows(srv.db, "CREATE TRIGGER refuse_failure BEFORE INSERT ON login_failures "
                     "BEGIN SELECT RAISE(ABORT, 'no space left'); END")
        c = Client(srv.port)
        for email in (ADMIN_EMAIL, "nobody-9@test.test"):
            r = c.login(email, "wrong-pass-9")
            prob = r.expect_problem(500)
            check("no space" not in json.dumps(prob), "5xx leaks its cause: %r" % prob)
            check(not c.cookies, "a failed login starts no session")
        eq(sql_rows(srv.db, "SELECT count(*) FROM login_failures")[0][0], 6,
           "failures counted before the counter broke")
        # A correct login writes no failure and still works.
        logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD).get(API + "/me").expect(200)


# --- concurrent logins and memory --------------------------------------------------------

ARGON2_MEMORY = 12288 << 10  # bytes per hash (OWASP's m=12 MiB at t=3, util/secret.c)

# A hash of OLD_PASSWORD made with the parameters of earlier releases
# (libsodium's INTERACTIVE level: m=64 MiB, t=2), as a database from
# then holds it.
OLD_PASSWORD = "old-parameters-1"
OLD_HASH = "$argon2id$v=19$m=65536,t=2,p=1$K+R64SB3Hgz6rPhiW/gzVg$9CdvysrasXIcJ3amd8WRnpt+ek9LVgXO0G5PU/OGuyA"


def test_old_password_hash_is_made_again_at_login(ctx):
    a = ctx.admin
    email = unique("rehash") + "@test.test"
    uid = a.post(API + "/users", {"email": email, "role": "staff",
                                  "password": STAFF_PASSWORD}).expect(201)["id"]
    ctx.sql_rows("UPDATE users SET password_hash = ? WHERE id = ?", (OLD_HASH, uid))
    Client(ctx.port).login(email, STAFF_PASSWORD).expect_problem(401)
    eq(ctx.sql_rows("SELECT password_hash FROM users WHERE id = ?", (uid,))[0][0], OLD_HASH,
       "a failed login leaves the old hash")
    logged_in(ctx.port, email, OLD_PASSWORD).get(API + "/me").expect(200)
    now = ctx.sql_rows("SELECT password_hash FROM users WHERE id = ?", (uid,))[0][0]
    check(now.startswith("$argon2id$v=19$m=12288,t=3,p=1$"),
          "the good login hashed the password again with today's parameters: %s" % now[:40])
    logged_in(ctx.port, email, OLD_PASSWORD).get(API + "/me").expect(200)
    Client(ctx.port).login(email, STAFF_PASSWORD).expect_problem(401)


def _status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def test_concurrent_logins_keep_memory_bounded(ctx):
    import threading
    slots = max(2, os.sysconf("SC_NPROCESSORS_ONLN"))  # what util/secret.c allows at once
    workers = max(8, slots + 6)  # more HTTP workers than hashes may run at once
    with open(ctx.bin, "rb") as f:
        asan = b"__asan_init" in f.read()
    with _server(ctx, "login-load", {"CHAIRSIDE_THREADS": str(min(workers, 64))}) as srv:
        pid = srv.proc.pid
        logged_in(srv.port, ADMIN_EMAIL, ADMIN_PASSWORD)
        base = _status_kib(pid, "VmRSS") * 1024
        statuses = []
        start = threading.Barrier(64)

        body = json.dumps({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode()
        request = (b"POST " + API.encode() + b"/auth/login HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Type: application/json\r\nConnection: close\r\n"
                   b"Content-Length: %d\r\n\r\n" % len(body)) + body

        # From 4 addresses: more than 32 waiting connections from one
        # address displace each other (the slow-client guard).
        def one(i):
            try:
                with socket.socket() as sk:
                    sk.settimeout(120)
                    sk.bind(("127.0.0.%d" % (2 + i % 4), 0))
                    sk.connect(("127.0.0.1", srv.port))
                    start.wait()
                    sk.sendall(request)
                    answer = b""
                    while b"\r\n" not in answer:
                        chunk = sk.recv(4096)
                        if not chunk:
                            break
                        answer += chunk
                statuses.append(answer.split(b" ", 2)[1].decode() if answer else "closed")
            except OSError as e:
                statuses.append(repr(e))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(64)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        took = time.monotonic() - t0
        eq(sorted(statuses), ["200"] * 64, "64 simultaneous logins (%.1fs)" % took)
        hwm = _status_kib(pid, "VmHWM") * 1024
        # At most `slots` hashes hold their memory at once; 64 MiB covers the
        # connections and buffers, and ASan's quarantine keeps freed blocks.
        bound = base + slots * ARGON2_MEMORY + (64 << 20) + ((320 << 20) if asan else 0)
        check(hwm <= bound, "peak RSS %d MiB over the bound %d MiB (base %d MiB, %d hash slots)"
              % (hwm >> 20, bound >> 20, base >> 20, slots))
        # The server's memory budget (64 MiB) holds a burst of logins too.
        check(asan or hwm < 64 << 20, "peak RSS %d MiB under 64 logins, over 64 MiB (base %d MiB)"
              % (hwm >> 20, base >> 20))


# --- sign-up with an existing patient's e-mail, and merging -------------------------------


def test_signup_with_existing_email_is_flagged_and_merged(ctx):
    a = ctx.admin
    st, svc, day = _setup(ctx, weekday=4)
    email = unique("known") + "@test.test"
    old = make_patient(a, email=email)
    old_booking = book_ok(a, st["id"], [svc["id"]], local_iso(day, "09:00"), old["id"])
    c = ctx.client()
    b = _signup(c, st, svc, local_iso(day, "10:00"), email.upper()).expect(201)
    new_id = b["patient_id"]
    check(new_id != old["id"], "the sign-up books on a record of its own: %r" % b)
    eq(a.get(API + "/patients/%d" % new_id).expect(200).get("possible_duplicate_of"), old["id"],
       "new record flagged")
    eq(a.get(API + "/patients/%d" % old["id"]).expect(200).get("possible_duplicate_of"), None,
       "old record not flagged")
    flagged = [p["id"] for p in a.get(API + "/patients", possible_duplicates="1",
                                      limit="500").expect(200)["items"]]
    check(new_id in flagged and old["id"] not in flagged, "flagged list: %r" % flagged)
    unflagged = [p["id"] for p in a.get(API + "/patients", possible_duplicates="0",
                                        limit="500").expect(200)["items"]]
    check(new_id not in unflagged, "unflagged list holds the flagged record")
    expect_field_error(a.get(API + "/patients", possible_duplicates="yes"), "possible_duplicates")
    appt = _appointment(a, new_id, local_iso(day, "15:00"), True)
    # A patient never sees the flag on their own record.
    check("possible_duplicate_of" not in json.dumps(c.get(API + "/me").expect(200)),
          "portal shows no flag")

    # Refusals change nothing.
    merge = API + "/patients/%d/merge" % new_id
    expect_field_error(a.post(merge, {}), "into_id")
    expect_field_error(a.post(merge, {"into_id": new_id}), "into_id")
    expect_field_error(a.post(merge, {"into_id": 999999}), "into_id")
    expect_field_error(a.post(merge, {"into_id": "x"}), "into_id")
    a.post(API + "/patients/999999/merge", {"into_id": old["id"]}).expect_problem(404)
    ctx.client().post(merge, {"into_id": old["id"]}).expect_problem(401)
    a.get(API + "/patients/%d" % new_id).expect(200)

    into = a.post(merge, {"into_id": old["id"]}).expect(200)
    eq((into["id"], into["has_account"], into["possible_duplicate_of"]),
       (old["id"], True, None), "the record that remains")
    a.get(API + "/patients/%d" % new_id).expect_problem(404)
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["patient_id"], old["id"], "booking moved")
    inv = a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
    eq(inv["patient_id"], old["id"], "invoice moved")
    eq([(r[0],) for r in helpers_sql(ctx, "SELECT patient_id FROM appointments WHERE id = ?",
                                     (appt,))], [(old["id"],)], "appointment moved")
    for table in ("bookings", "appointments", "invoices", "users"):
        eq(helpers_sql(ctx, "SELECT count(*) FROM %s WHERE patient_id = ?" % table,
                       (new_id,))[0][0], 0, "%s left on the merged record" % table)
    # The login now opens the remaining record, with both bookings.
    me = c.get(API + "/me").expect(200)
    eq(me["patient_id"], old["id"], "login moved")
    mine = {i["id"] for i in c.get(API + "/me/appointments").expect(200)["items"]
            if i["kind"] == "booking"}
    check({b["id"], old_booking["id"]} <= mine, "portal after merge: %r" % mine)
    flagged = [p["id"] for p in a.get(API + "/patients", possible_duplicates="1",
                                      limit="500").expect(200)["items"]]
    check(new_id not in flagged, "merged record still listed")

    # Two records that both have a login cannot become one.
    other = _signup(ctx.client(), st, svc, local_iso(day, "11:00"),
                    unique("other") + "@test.test").expect(201)
    r = a.post(API + "/patients/%d/merge" % other["patient_id"], {"into_id": old["id"]})
    r.expect_problem(409)
    a.get(API + "/patients/%d" % other["patient_id"]).expect(200)


def helpers_sql(ctx, query, params):
    return sql_rows(ctx.db, query, params)

"""Roles: which of admin, staff, patient and anonymous may call each route
group, CSRF on cookie-authenticated writes, and API tokens (Bearer)."""

import datetime as dt

from helpers import (API, Client, book_ok, check, clinic_with_staff, eq, expect_field_error,
                     get_settings, local_iso, logged_in, make_action, make_location,
                     make_patient, make_service, make_staff, next_weekday, parse_ts, today, unique)

ROLES = ("anon", "patient", "staff", "admin")


def _patient_login(ctx, patient_id=None):
    """A patient record with a login; returns (patient, logged-in client)."""
    c = ctx.admin
    p = {"id": patient_id} if patient_id else make_patient(c)
    email = unique("roles-patient") + "@test.test"
    c.post(API + "/patients/%d/account" % p["id"],
           {"email": email, "password": "patient-pass-1"}).expect(201)
    return p, logged_in(ctx.port, email, "patient-pass-1")


class World:
    """One of everything, built by the admin, for the role matrix."""

    def __init__(self, ctx):
        c = self.c = ctx.admin
        self.day = next_weekday(3, min_ahead=14)
        self.cl, self.st = clinic_with_staff(c, 3, "08:00", "18:00")
        self.loc_id = self.cl.loc_id
        self.svc = make_service(c, 30)
        self.action = make_action(c)
        self.patient, self.pc = _patient_login(ctx)
        self.other = make_patient(c)
        self._slot = 0
        self.own_booking = self.book(self.patient["id"])
        self.other_booking = self.book(self.other["id"])
        self.appt = c.post(API + "/appointments", {
            "patient_id": self.patient["id"], "start": local_iso(self.day, "19:00"),
            "duration_min": 30, "share_with_patient": True}).expect(201)["occurrences"][0]
        self.time_off = c.post(API + "/staff/%d/time-off" % self.st["id"], {
            "start": local_iso(self.day + dt.timedelta(days=1), "08:00"),
            "end": local_iso(self.day + dt.timedelta(days=1), "09:00"),
            "reason": "x"}).expect(201)
        self.divider = get_settings(c).get("booking_time_divider_min")

    def next_start(self):
        start = local_iso(self.day, "%02d:%02d" % (8 + self._slot // 2, 30 * (self._slot % 2)))
        self._slot += 1
        return start

    def book(self, patient_id):
        return book_ok(self.c, self.st["id"], [self.svc["id"]], self.next_start(), patient_id)


def _clients(ctx, w):
    return {"anon": ctx.client(), "patient": w.pc, "staff": ctx.staff, "admin": ctx.admin}


def _expect(resp, status, who):
    if status >= 400:
        p = resp.expect_problem(status)
        return p
    body = resp.expect(status)
    check(isinstance(body, dict), "%s: %s answers no JSON object: %s"
          % (who, resp.path, resp.describe()))
    return body


def _matrix(ctx, w, rows):
    """rows: (label, method, path-or-fn(role), body-or-fn(role), {role: status or None
    to skip}); every failure is collected, then reported together."""
    clients = _clients(ctx, w)
    failures = []
    for label, method, path, body, want in rows:
        for role in ROLES:  # refused roles first: allowed writes may consume the target
            if want[role] is None:
                continue
            p = path(role) if callable(path) else path
            b = body(role) if callable(body) else body
            r = clients[role].request(method, p, body=b)
            try:
                _expect(r, want[role], role)
            except AssertionError as exc:
                failures.append("%s as %s: %s" % (label, role, exc))
    check(not failures, "role matrix:\n  " + "\n  ".join(failures))


def _who(admin, staff, patient, anon):
    return {"admin": admin, "staff": staff, "patient": patient, "anon": anon}


READ = _who(200, 200, 403, 401)          # setup reads, staff work
PUBLIC_READ = _who(200, 200, 200, 200)   # what online booking shows visitors
ADMIN_WRITE = _who(200, 403, 403, 401)
ADMIN_CREATE = _who(201, 403, 403, 401)
STAFF_CREATE = _who(201, 201, 403, 401)
ADMIN_ONLY = _who(200, 403, 403, 401)
EVERYONE = _who(200, 200, 200, 401)
PATIENT_ONLY = _who(403, 403, 200, 401)


def test_role_matrix_setup(ctx):
    w = World(ctx)
    a = ctx.admin
    victim_loc = make_location(a)
    victim_svc = make_service(a, 30)
    victim_act = make_action(a)
    sid = w.st["id"]
    rows = [
        ("list locations", "GET", API + "/locations", None, PUBLIC_READ),
        ("get location", "GET", API + "/locations/%d" % w.loc_id, None, PUBLIC_READ),
        ("create location", "POST", API + "/locations",
         lambda r: {"name": unique("L-" + r), "timezone": "UTC"}, ADMIN_CREATE),
        ("patch location", "PATCH", API + "/locations/%d" % w.loc_id,
         {"address": "Neue Strasse 2"}, ADMIN_WRITE),
        ("delete location", "DELETE", API + "/locations/%d" % victim_loc["id"], None,
         ADMIN_WRITE),
        ("list services", "GET", API + "/services", None, PUBLIC_READ),
        ("create service", "POST", API + "/services",
         lambda r: {"name": unique("S-" + r), "duration_min": 30}, ADMIN_CREATE),
        ("patch service", "PATCH", API + "/services/%d" % w.svc["id"], {"price": 4200},
         ADMIN_WRITE),
        ("delete service", "DELETE", API + "/services/%d" % victim_svc["id"], None,
         ADMIN_WRITE),
        ("list actions", "GET", API + "/actions", None, READ),
        ("create action", "POST", API + "/actions", lambda r: {"name": unique("A-" + r)},
         ADMIN_CREATE),
        ("delete action", "DELETE", API + "/actions/%d" % victim_act["id"], None, ADMIN_WRITE),
        ("list staff", "GET", API + "/staff", None, PUBLIC_READ),
        ("get staff", "GET", API + "/staff/%d" % sid, None, PUBLIC_READ),
        ("create staff", "POST", API + "/staff",
         lambda r: {"name": unique("St-" + r), "location_ids": [w.loc_id]}, ADMIN_CREATE),
        ("patch staff", "PATCH", API + "/staff/%d" % sid, {"color": "#123456"}, ADMIN_WRITE),
        ("get shifts", "GET", API + "/staff/%d/shifts" % sid, None, READ),
        ("put shifts", "PUT", API + "/staff/%d/shifts" % sid,
         {"shifts": [{"weekday": 3, "start": "08:00", "end": "18:00", "location_id": w.loc_id}]},
         ADMIN_WRITE),
        ("list time off", "GET", API + "/staff/%d/time-off" % sid, None, READ),
        ("create time off", "POST", API + "/staff/%d/time-off" % sid,
         {"start": local_iso(w.day + dt.timedelta(days=2), "08:00"),
          "end": local_iso(w.day + dt.timedelta(days=2), "09:00"), "reason": "r"},
         ADMIN_CREATE),
        ("delete time off", "DELETE",
         API + "/staff/%d/time-off/%d" % (sid, w.time_off["id"]), None, ADMIN_WRITE),
        ("get settings", "GET", API + "/settings", None, PUBLIC_READ),
        ("list tax rates", "GET", API + "/tax-rates", None, READ),
        ("patch settings", "PATCH", API + "/settings",
         {"booking_time_divider_min": w.divider},
         ADMIN_WRITE),
    ]
    _matrix(ctx, w, rows)
    # The refused writes changed nothing.
    eq(a.get(API + "/locations/%d" % w.loc_id).expect(200)["address"], "Neue Strasse 2",
       "address set by the admin only")
    eq(a.get(API + "/settings").expect(200).get("booking_time_divider_min"), w.divider,
       "divider kept")


def test_role_matrix_clinic_work(ctx):
    w = World(ctx)
    pid, bid = w.patient["id"], w.own_booking["id"]
    # One booking per role that may cancel, so each cancel has its own target.
    to_cancel = {"admin": w.book(w.other["id"])["id"], "staff": w.book(w.other["id"])["id"],
                 "patient": w.book(pid)["id"], "anon": bid}
    fresh = {r: make_patient(w.c)["id"] for r in ROLES}
    search_day = str(w.day)
    rows = [
        ("list patients", "GET", API + "/patients", None, READ),
        ("get patient", "GET", API + "/patients/%d" % pid, None, READ),
        ("create patient", "POST", API + "/patients",
         lambda r: {"name": unique("P-" + r), "phone": "+49 30 1"}, STAFF_CREATE),
        ("patch patient", "PATCH", API + "/patients/%d" % w.other["id"], {"notes": "n"},
         _who(200, 200, 403, 401)),
        ("patient account", "POST", lambda r: API + "/patients/%d/account" % fresh[r],
         lambda r: {"email": unique("acct-" + r) + "@test.test", "password": "long-pass-1"},
         STAFF_CREATE),
        ("login-as refused", "POST", API + "/patients/%d/login-as" % pid, None,
         _who(200, 200, 403, 401)),
        ("availability", "GET", API + "/availability?service_ids=%d&from=%s&to=%s"
         % (w.svc["id"], search_day, search_day), None,
         _who(200, 200, 200, 200)),  # visitors look for a slot before signing up
        ("create booking", "POST", API + "/bookings",
         lambda r: {"staff_id": w.st["id"], "service_ids": [w.svc["id"]],
                    "start": w.next_start(),
                    **({} if r == "patient" else {"patient_id": w.other["id"]})},
         _who(201, 201, 201, 401)),
        ("list bookings", "GET", API + "/bookings", None, EVERYONE),
        ("get own booking", "GET", API + "/bookings/%d" % bid, None, EVERYONE),
        ("get other's booking", "GET", API + "/bookings/%d" % w.other_booking["id"], None,
         _who(200, 200, 404, 401)),
        ("patch booking", "PATCH", API + "/bookings/%d" % bid, {"notes": "checked"},
         _who(200, 200, 403, 401)),
        ("cancel booking", "POST", lambda r: API + "/bookings/%d/cancel" % to_cancel[r],
         {"reason": "role test"}, EVERYONE),
        ("cancel other's booking", "POST",
         API + "/bookings/%d/cancel" % w.other_booking["id"], {"reason": "x"},
         _who(409, 200, 404, 401)),  # staff (before admin) cancels it
        ("booking history", "GET", API + "/bookings/%d/history" % bid, None, READ),
        ("create appointment", "POST", API + "/appointments",
         {"patient_id": pid, "start": local_iso(w.day, "20:00"), "duration_min": 15},
         STAFF_CREATE),
        ("list appointments", "GET", API + "/appointments", None, READ),
        ("get appointment", "GET", API + "/appointments/%d" % w.appt["id"], None, READ),
        ("patch appointment", "PATCH", API + "/appointments/%d" % w.appt["id"],
         {"notes": "seen"}, READ),
        ("calendar", "GET", API + "/calendar?date=%s&location_id=%d" % (search_day, w.loc_id),
         None, READ),
        ("cancel appointment", "POST", API + "/appointments/%d/cancel" % w.appt["id"],
         {"scope": "this"}, _who(409, 200, 403, 401)),
        ("me", "GET", API + "/me", None, EVERYONE),
        ("me/appointments", "GET", API + "/me/appointments", None, PATIENT_ONLY),
        ("me/profile", "GET", API + "/me/profile", None, PATIENT_ONLY),
        ("create token", "POST", API + "/tokens",
         lambda r: {"name": unique("tok-" + r), "role": "staff"}, ADMIN_CREATE),
        ("list tokens", "GET", API + "/tokens", None, ADMIN_ONLY),
        ("audit", "GET", API + "/audit", None, ADMIN_ONLY),
    ]
    # login-as would turn the staff and admin clients into patients: only the
    # refusals run in the matrix; test_accounts covers the allowed case.
    rows = [r if r[0] != "login-as refused" else
            (r[0], r[1], r[2], r[3], {**r[4], "admin": None, "staff": None}) for r in rows]
    _matrix(ctx, w, rows)
    a = ctx.admin
    for role in ("admin", "staff", "patient"):
        eq(a.get(API + "/bookings/%d" % to_cancel[role]).expect(200)["status"], "cancelled",
           "booking cancelled by %s" % role)
    eq(a.get(API + "/bookings/%d" % bid).expect(200)["status"], "confirmed",
       "anonymous cancel left the booking alone")
    eq(a.get(API + "/bookings/%d" % bid).expect(200).get("notes"), "checked", "notes")
    eq(a.get(API + "/patients/%d" % fresh["patient"]).expect(200)["has_account"], False,
       "a patient could not give a login")
    eq(a.get(API + "/patients/%d" % fresh["staff"]).expect(200)["has_account"], True,
       "staff gave a login")


def test_patient_sees_only_own_lists(ctx):
    w = World(ctx)
    pc = w.pc
    items = pc.get(API + "/bookings", limit=500).expect(200)["items"]
    eq(sorted(i["id"] for i in items), [w.own_booking["id"]], "patient's booking list")
    check(all(i["patient_id"] == w.patient["id"] for i in items), "only own bookings")
    me = pc.get(API + "/me").expect(200)
    eq((me["role"], me["patient_id"], me.get("login_as")), ("patient", w.patient["id"], False),
       "patient /me")
    pc.get(API + "/patients/%d" % w.patient["id"]).expect_problem(403)
    pc.get(API + "/patients/%d" % w.other["id"]).expect_problem(403)
    pc.post(API + "/patients/%d/login-as" % w.other["id"]).expect_problem(403)
    pc.post(API + "/patients/%d/account" % w.other["id"],
            {"email": unique("x") + "@test.test", "password": "long-pass-1"}).expect_problem(403)
    eq(ctx.admin.get(API + "/patients/%d" % w.other["id"]).expect(200)["has_account"], False,
       "refused account left no login")


def test_anonymous_logout_401(ctx):
    ctx.client().post(API + "/auth/logout").expect_problem(401)
    ctx.client().get(API + "/me").expect_problem(401)


# --- CSRF -------------------------------------------------------------------


def test_csrf_needed_for_cookie_writes(ctx):
    s = logged_in(ctx.port, "staff@test.test", "staff-pass-1")
    name = unique("Csrf Patient")
    body = {"name": name, "phone": "+49 30 77"}
    s.post(API + "/patients", body, csrf=False).expect_problem(403)
    s.post(API + "/patients", body, csrf=False,
           headers={"X-CSRF-Token": "x" * len(s.csrf)}).expect_problem(403)
    s.post(API + "/patients", body, csrf=False,
           headers={"X-CSRF-Token": ""}).expect_problem(403)
    # Another session's token is not this session's token.
    s.post(API + "/patients", body, csrf=False,
           headers={"X-CSRF-Token": ctx.admin.csrf}).expect_problem(403)
    eq(s.get(API + "/patients", q=name).expect(200)["items"], [],
       "refused writes created no patient")
    s.post(API + "/patients", body).expect(201)
    # Logging out is a write too: no forced logout without the token.
    s.post(API + "/auth/logout", csrf=False).expect_problem(403)
    s.get(API + "/me").expect(200)
    # Logging in again needs none, even with a live session cookie.
    s.login("staff@test.test", "staff-pass-1").expect(200)
    s.post(API + "/auth/logout").expect(200)


def test_csrf_on_public_booking_route_with_session(ctx):
    # POST /bookings is public for sign-ups, yet a session cookie still needs
    # its token there.
    w = World(ctx)
    start = w.next_start()
    r = w.pc.post(API + "/bookings", {"staff_id": w.st["id"], "service_ids": [w.svc["id"]],
                                      "start": start}, csrf=False)
    r.expect_problem(403)
    items = w.pc.get(API + "/bookings").expect(200)["items"]
    eq([i["id"] for i in items], [w.own_booking["id"]], "no booking from the refused write")


def test_bearer_needs_no_csrf(ctx):
    tok = ctx.admin.post(API + "/tokens", {"name": unique("csrf-tok"), "role": "staff"})
    tok = tok.expect(201)
    c = ctx.client()
    hdr = {"Authorization": "Bearer " + tok["token"]}
    p = c.post(API + "/patients", {"name": unique("Token Patient"), "phone": "1"},
               headers=hdr).expect(201)
    check(isinstance(p.get("id"), int), "patient created with a token: %r" % p)


# --- API tokens ---------------------------------------------------------------


def test_api_token_lifecycle(ctx):
    a = ctx.admin
    name = unique("integration")
    r = a.post(API + "/tokens", {"name": name, "role": "staff"})
    t = r.expect(201)
    eq(r.content_type, "application/json", "Content-Type")
    check(isinstance(t.get("id"), int), "token id: %r" % t)
    eq((t.get("name"), t.get("role")), (name, "staff"), "token name and role")
    check(isinstance(t.get("token"), str) and len(t["token"]) >= 20,
          "token value: %r" % t)
    c = ctx.client()
    hdr = {"Authorization": "Bearer " + t["token"]}
    staff = c.request("GET", API + "/patients", headers=hdr).expect(200)
    check(isinstance(staff.get("items"), list), "GET /patients with a token: %r" % staff)
    c.request("GET", API + "/settings", headers=hdr).expect(200)
    c.request("POST", API + "/locations", body={"name": unique("L"), "timezone": "UTC"},
              headers=hdr).expect_problem(403)
    c.request("GET", API + "/tokens", headers=hdr).expect_problem(403)
    c.request("GET", API + "/audit", headers=hdr).expect_problem(403)
    # A staff token cannot mint tokens (no escalation to admin).
    c.request("POST", API + "/tokens", body={"name": "x", "role": "admin"},
              headers=hdr).expect_problem(403)
    me = c.request("GET", API + "/me", headers=hdr).expect(200)
    eq(me.get("role"), "staff", "/me with a staff token")
    c.request("POST", API + "/auth/logout", headers=hdr).expect_problem(400)
    # Login-as needs a person behind it, not an integration.
    pid = make_patient(a)["id"]
    c.request("POST", API + "/patients/%d/login-as" % pid, headers=hdr).expect_problem(403)
    check("chairside_as" not in c.cookies, "no login-as cookie for a token")
    c.request("GET", API + "/patients", headers=hdr).expect(200)  # still alive
    # The list shows it, but never the secret.
    listed = a.get(API + "/tokens").expect(200)
    mine = [i for i in listed["items"] if i.get("id") == t["id"]]
    eq(len(mine), 1, "token listed once")
    eq((mine[0].get("name"), mine[0].get("role")), (name, "staff"), "listed token")
    check("token" not in mine[0] and "token_hash" not in mine[0],
          "the token list must not reveal the secret: %r" % mine[0])
    check(mine[0].get("revoked_at") is None, "live token revoked_at: %r" % mine[0])
    # Revoking ends it at once.
    eq(a.delete(API + "/tokens/%d" % t["id"]).expect(200), {"revoked": True}, "revoke body")
    c.request("GET", API + "/patients", headers=hdr).expect_problem(401)
    c.request("GET", API + "/me", headers=hdr).expect_problem(401)
    a.delete(API + "/tokens/%d" % t["id"]).expect_problem(404)
    a.delete(API + "/tokens/999999").expect_problem(404)
    listed = a.get(API + "/tokens").expect(200)["items"]
    check(any(i["id"] == t["id"] and i.get("revoked_at") is not None for i in listed),
          "revoked token shows revoked_at: %r" % listed)


def test_api_token_timestamps_rfc3339(ctx):
    # api.md General: timestamps are RFC 3339 with offset.
    a = ctx.admin
    t = a.post(API + "/tokens", {"name": unique("ts"), "role": "staff"}).expect(201)
    a.delete(API + "/tokens/%d" % t["id"]).expect(200)
    row = [i for i in a.get(API + "/tokens").expect(200)["items"] if i["id"] == t["id"]][0]
    for key in ("created_at", "revoked_at"):
        when = parse_ts(row.get(key))  # raises on a bare number
        check(abs((when.date() - today()).days) <= 1, "%s is today: %r" % (key, row))


def test_admin_token_may_write_setup(ctx):
    a = ctx.admin
    t = a.post(API + "/tokens", {"name": unique("admin-tok"), "role": "admin"}).expect(201)
    eq(t["role"], "admin", "admin token role")
    hdr = {"Authorization": "Bearer " + t["token"]}
    loc = ctx.client().request("POST", API + "/locations",
                               body={"name": unique("TokLoc"), "timezone": "UTC"},
                               headers=hdr).expect(201)
    eq(a.get(API + "/locations/%d" % loc["id"]).expect(200)["name"], loc["name"],
       "location made with a token")
    a.delete(API + "/tokens/%d" % t["id"]).expect(200)


def test_api_token_validation_and_roles(ctx):
    a = ctx.admin
    for role in ("root", "ADMIN", ""):
        expect_field_error(a.post(API + "/tokens", {"name": "x", "role": role}), "role")
    # A patient token stands for one patient (test_fhir.py has the rest).
    expect_field_error(a.post(API + "/tokens", {"name": "x", "role": "patient"}), "patient_id")
    expect_field_error(a.post(API + "/tokens", {"role": "staff"}), "name")
    expect_field_error(a.post(API + "/tokens", {"name": "x"}), "role")
    ctx.staff.post(API + "/tokens", {"name": "x", "role": "staff"}).expect_problem(403)
    ctx.staff.get(API + "/tokens").expect_problem(403)
    ctx.client().post(API + "/tokens", {"name": "x", "role": "staff"}).expect_problem(401)
    t = a.post(API + "/tokens", {"name": unique("victim"), "role": "staff"}).expect(201)
    ctx.staff.delete(API + "/tokens/%d" % t["id"]).expect_problem(403)
    c = Client(ctx.port)
    c.request("GET", API + "/patients",
              headers={"Authorization": "Bearer " + t["token"]}).expect(200)


def test_bad_authorization_header_401(ctx):
    c = ctx.client()
    for value in ("Bearer not-a-real-token", "Bearer " + "x" * 300, "Basic YWRtaW46eA==",
                  "Bearer"):
        c.request("GET", API + "/patients", headers={"Authorization": value}).expect_problem(401)
    # A bad token does not fall back to a good session cookie.
    s = logged_in(ctx.port, "staff@test.test", "staff-pass-1")
    s.request("GET", API + "/patients",
              headers={"Authorization": "Bearer nope"}).expect_problem(401)


def test_visitors_see_only_what_online_booking_needs(ctx):
    a = ctx.admin
    w = World(ctx)
    hidden_svc = make_service(a, 30, online_booking=False)
    hidden_st = make_staff(a, [w.loc_id], bookable=False, email=unique("st") + "@test.test")
    a.patch(API + "/staff/%d" % w.st["id"], {"email": unique("doc") + "@test.test"}).expect(200)
    for who, c in (("anon", ctx.client()), ("patient", w.pc)):
        svcs = c.get(API + "/services", limit=500).expect(200)["items"]
        ids = [s["id"] for s in svcs]
        check(w.svc["id"] in ids and hidden_svc["id"] not in ids, "%s services: %r" % (who, ids))
        check(all(s["online_booking"] for s in svcs), "only online services")
        c.get(API + "/services/%d" % hidden_svc["id"]).expect_problem(404)
        staff = c.get(API + "/staff", limit=500).expect(200)["items"]
        ids = [s["id"] for s in staff]
        check(w.st["id"] in ids and hidden_st["id"] not in ids, "%s staff: %r" % (who, ids))
        for s in staff:
            eq(sorted(s), ["color", "id", "location_ids", "name", "service_ids"],
               "%s sees no staff e-mail" % who)
        c.get(API + "/staff/%d" % hidden_st["id"]).expect_problem(404)
        st = c.get(API + "/settings").expect(200)
        check("client_payment" in st and "currency" in st, "booking rules: %r" % st)
        for secret in ("smtp_url", "diary_user", "diary_url", "notification_email", "mail_from"):
            check(secret not in st, "%s sees settings.%s" % (who, secret))
    full = a.get(API + "/staff/%d" % w.st["id"]).expect(200)
    check("@" in full.get("email", ""), "staff still see e-mails: %r" % full)
    check("smtp_url" in a.get(API + "/settings").expect(200), "admins see all settings")

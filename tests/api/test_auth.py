"""Health, login, sessions, CSRF, roles and login rate limiting."""

from helpers import (ADMIN_EMAIL, ADMIN_PASSWORD, API, STAFF_EMAIL, availability, book, book_ok,
                     check, clinic_with_staff, eq, expect_field_error, grid, local_iso, logged_in,
                     make_patient, make_service, next_weekday, run_cli, settings_changed,
                     slots_of, starts, unique)


def test_healthz(ctx):
    r = ctx.client().get("/healthz")
    body = r.expect(200)
    eq(body["status"], "ok", "GET /healthz status")
    check(body["db"] in ("sqlite", "postgresql"), "GET /healthz names the backend: %r" % body)
    eq(body["db"], ctx.backend, "GET /healthz backend")
    eq(r.content_type, "application/json", "GET /healthz Content-Type")


def test_openapi_served(ctx):
    r = ctx.client().get(API + "/openapi.yaml")
    r.expect(200)
    check("yaml" in r.content_type, "openapi Content-Type: %r" % r.content_type)
    check(r.text.lstrip().startswith("openapi: 3.1"),
          "openapi.yaml must start with 'openapi: 3.1': %r" % r.text[:80])


def test_openapi_describes_api(ctx):
    # api.md: an OpenAPI 3.1 description of the implemented API.
    text = ctx.client().get(API + "/openapi.yaml").text
    missing = [p for p in ("/bookings", "/availability", "/locations", "/staff/{id}/shifts",
                           "/auth/login") if p not in text]
    check(not missing, "openapi.yaml does not describe %s" % ", ".join(missing))


def test_login_ok_sets_session_cookie(ctx):
    c = ctx.client()
    r = c.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    body = r.expect(200)
    user = body.get("user")
    check(isinstance(user, dict), "login body needs user: %r" % body)
    eq(user.get("email"), ADMIN_EMAIL, "user.email")
    eq(user.get("role"), "admin", "user.role")
    check(isinstance(user.get("id"), int), "user.id: %r" % user)
    eq(user.get("patient_id"), None, "user.patient_id")
    check(isinstance(user.get("csrf_token"), str) and len(user["csrf_token"]) >= 16,
          "user.csrf_token: %r" % user)
    cookie = r.headers.get("set-cookie", "")
    check("HttpOnly" in cookie, "session cookie must be HttpOnly: %r" % cookie)
    check("SameSite=Lax" in cookie, "session cookie must be SameSite=Lax: %r" % cookie)
    check("Secure" not in cookie, "no Secure flag over plain HTTP: %r" % cookie)
    check(c.cookies, "no cookie stored")


def test_login_wrong_password_401(ctx):
    c = ctx.client()
    p = c.login(ADMIN_EMAIL, "not-the-password").expect_problem(401)
    check("password" in p["detail"].lower() or "e-mail" in p["detail"].lower(),
          "detail should say the credentials were wrong: %r" % p)
    check(not c.cookies, "a failed login must not set a session cookie: %r" % c.cookies)
    c.get(API + "/me").expect_problem(401)


def test_login_unknown_user_401(ctx):
    ctx.client().login(unique("nobody") + "@test.test", "whatever-123").expect_problem(401)


def test_login_missing_fields_422(ctx):
    r = ctx.client().post(API + "/auth/login", {"email": ADMIN_EMAIL})
    p = r.expect_problem(422)
    check("password" in [e.get("field") for e in p.get("errors", [])],
          "422 should name password: %r" % p)


def test_me(ctx):
    c = ctx.admin
    body = c.get(API + "/me").expect(200)
    eq(body.get("email"), ADMIN_EMAIL, "/me email")
    eq(body.get("role"), "admin", "/me role")
    eq(body.get("id"), c.user["id"], "/me id")
    check("patient_id" in body and body["patient_id"] is None, "/me patient_id: %r" % body)
    eq(body.get("csrf_token"), c.csrf, "/me csrf_token")


def test_logout_ends_session(ctx):
    c = logged_in(ctx.port, ADMIN_EMAIL, ADMIN_PASSWORD)
    c.get(API + "/me").expect(200)
    old_cookies = dict(c.cookies)
    body = c.post(API + "/auth/logout").expect(200)
    check(isinstance(body, dict), "logout body: %r" % body)
    c.get(API + "/me").expect_problem(401)
    # The old cookie itself is dead on the server, not just dropped here.
    c.cookies = old_cookies
    c.get(API + "/me").expect_problem(401)
    c.get(API + "/patients").expect_problem(401)


def test_unauthenticated_is_401(ctx):
    c = ctx.client()
    for path in ("/actions", "/tax-rates", "/invoices", "/bookings", "/patients"):
        c.get(API + path).expect_problem(401)
    c.post(API + "/locations", {"name": "x", "timezone": "UTC"}).expect_problem(401)


def test_bogus_session_cookie_is_401(ctx):
    c = ctx.client()
    c.cookies = {"chairside_session": "A" * 43}
    c.get(API + "/me").expect_problem(401)


def test_missing_csrf_header_403(ctx):
    c = ctx.admin
    name = unique("NoCsrf")
    r = c.post(API + "/locations", {"name": name, "timezone": "UTC"}, csrf=False)
    r.expect_problem(403)
    r = c.post(API + "/locations", {"name": name, "timezone": "UTC"},
               headers={"X-CSRF-Token": "wrong" + c.csrf}, csrf=False)
    r.expect_problem(403)
    # Nothing was written by the refused requests.
    items = c.get(API + "/locations", limit=500).expect(200)["items"]
    check(all(i["name"] != name for i in items), "a refused write created a location")
    # GETs need no token.
    c.get(API + "/locations", csrf=False).expect(200)


def test_staff_role_reads_but_cannot_write_setup(ctx):
    s = ctx.staff
    eq(s.user.get("role"), "staff", "staff login role")
    s.get(API + "/locations").expect(200)
    s.get(API + "/settings").expect(200)
    s.post(API + "/locations", {"name": unique("L"), "timezone": "UTC"}).expect_problem(403)
    s.patch(API + "/settings", {"min_notice_min": 5}).expect_problem(403)
    s.post(API + "/services", {"name": "x", "duration_min": 30}).expect_problem(403)
    # Patients are staff work.
    s.post(API + "/patients", {"name": unique("P"), "phone": "123"}).expect(201)


def test_login_rate_limited_after_5_failures(ctx):
    email = unique("ratelimit") + "@test.test"
    password = "right-pass-1"
    r = run_cli(ctx.bin, "user", "add", "--email", email, "--password", password, "--role",
                "staff", "--db", ctx.db)
    eq(r.returncode, 0, "user add exit code (%s%s)" % (r.stdout, r.stderr))
    c = ctx.client()
    for i in range(5):
        c.login(email, "wrong-pass-%d" % i).expect_problem(401)
    r = c.login(email, "wrong-pass-x")
    r.expect_problem(429)
    retry = r.headers.get("retry-after")
    check(retry is not None and retry.strip().isdigit() and int(retry) > 0,
          "429 needs a Retry-After header in seconds: %r" % r.headers)
    # Even the right password is refused while limited.
    c.login(email, password).expect_problem(429)
    check(not c.cookies, "a rate-limited login must not start a session")
    # Another account is not affected.
    logged_in(ctx.port, STAFF_EMAIL, "staff-pass-1")


def test_patient_role_own_records_only(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "12:00")
    svc = make_service(c, 30)
    hidden = make_service(c, 30, online_booking=False)
    email = unique("patient") + "@test.test"
    first = c.post(API + "/bookings", {
        "patient": {"name": unique("Portal Patient"), "phone": "+49 30 999",
                    "email": email, "password": "patient-pass-1"},
        "staff_id": st["id"], "service_ids": [svc["id"]],
        "start": local_iso(day, "09:00")}).expect(201)
    pid = first["patient_id"]
    eq(c.get(API + "/patients/%d" % pid).expect(200).get("has_account"), True,
       "has_account after booking with a password")
    other = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), make_patient(c)["id"])

    pc = logged_in(ctx.port, email, "patient-pass-1")
    me = pc.get(API + "/me").expect(200)
    eq((me.get("role"), me.get("patient_id")), ("patient", pid), "patient /me")
    for path in ("/actions", "/patients", "/invoices", "/appointments"):
        pc.get(API + path).expect_problem(403)
    pc.get(API + "/calendar", date=str(day), location_id=1).expect_problem(403)
    offered = starts(slots_of(pc, [svc["id"]], day, staff_id=st["id"]))
    eq(offered, [s for s in grid(day, "09:00", "11:30")
                 if s not in (local_iso(day, "09:00"), local_iso(day, "09:15"),
                              local_iso(day, "09:45"), local_iso(day, "10:00"),
                              local_iso(day, "10:15"))],
       "patient sees the same free slots")
    expect_field_error(availability(pc, [hidden["id"]], day), "service_ids")

    own = book(pc, st["id"], [svc["id"]], local_iso(day, "11:00")).expect(201)
    eq((own.get("patient_id"), own.get("source")), (pid, "online"), "patient booking")
    book(pc, st["id"], [svc["id"]], local_iso(day, "11:30"),
         other["patient_id"]).expect_problem(404)
    listed = sorted(i["id"] for i in pc.get(API + "/bookings").expect(200)["items"])
    eq(listed, sorted([first["id"], own["id"]]), "a patient lists only own bookings")
    eq(sorted(i["id"] for i in pc.get(API + "/bookings", patient_id=other["patient_id"])
              .expect(200)["items"]), listed, "patient_id filter cannot widen a patient's view")
    pc.get(API + "/bookings/%d" % other["id"]).expect_problem(404)
    pc.post(API + "/bookings/%d/cancel" % other["id"], {"reason": "x"}).expect_problem(404)
    eq(c.get(API + "/bookings/%d" % other["id"]).expect(200)["status"], "confirmed",
       "another patient's booking untouched")
    pc.patch(API + "/bookings/%d" % own["id"], {"notes": "x"}).expect_problem(403)
    pc.get(API + "/bookings/%d/history" % own["id"]).expect_problem(403)
    with settings_changed(c, client_payment="enabled"):
        expect_field_error(book(pc, st["id"], [svc["id"]], local_iso(day, "11:30"), pay="skip"),
                           "pay")
    eq(pc.post(API + "/bookings/%d/cancel" % own["id"], {"reason": "cannot come"})
       .expect(200)["status"], "cancelled", "a patient cancels an own booking")

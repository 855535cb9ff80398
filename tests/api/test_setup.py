"""Setup resources: locations, services, actions, staff, shifts, time off,
settings, patients, 404s and list pagination."""

from helpers import (API, BERLIN, check, eq, expect_field_error, get_settings, local_iso,
                     make_action, make_location, make_patient, make_service, make_staff,
                     next_weekday, put_shifts, same_instant, settings_changed, unique)


def test_location_create_get_update(ctx):
    c = ctx.admin
    name = unique("Mitte")
    r = c.post(API + "/locations", {"name": name, "timezone": BERLIN, "address": "Torstr. 1"})
    loc = r.expect(201)
    eq(r.content_type, "application/json", "Content-Type")
    eq((loc.get("name"), loc.get("timezone"), loc.get("address")), (name, BERLIN, "Torstr. 1"),
       "created location")
    check(isinstance(loc.get("id"), int) and loc["id"] > 0, "location id: %r" % loc)
    eq(c.get(API + "/locations/%d" % loc["id"]).expect(200), loc, "GET location")
    upd = c.patch(API + "/locations/%d" % loc["id"], {"name": name + "-2"}).expect(200)
    eq(upd.get("name"), name + "-2", "patched name")
    eq(upd.get("timezone"), BERLIN, "PATCH keeps other fields")
    ids = [i["id"] for i in c.get(API + "/locations", limit=500).expect(200)["items"]]
    check(loc["id"] in ids, "new location missing from list")


def test_location_bad_timezone_422(ctx):
    r = ctx.admin.post(API + "/locations", {"name": unique("Mars"), "timezone": "Mars/Olympus"})
    p = expect_field_error(r, "timezone")
    eq(p["errors"][0]["field"], "timezone", "first error field")


def test_location_missing_name_422(ctx):
    r = ctx.admin.post(API + "/locations", {"timezone": BERLIN})
    expect_field_error(r, "name")


def test_service_create_defaults_and_validation(ctx):
    c = ctx.admin
    svc = c.post(API + "/services", {"name": unique("Check-up"), "category": "General",
                                     "duration_min": 30, "price": 5000}).expect(201)
    eq(svc.get("duration_min"), 30, "duration_min")
    eq(svc.get("price"), 5000, "price in minor units")
    eq(svc.get("category"), "General", "category")
    eq(svc.get("capacity"), 1, "capacity default (individual)")
    eq(svc.get("online_booking"), True, "online_booking default")
    eq((svc.get("buffer_before_min"), svc.get("buffer_after_min")), (0, 0), "buffer defaults")
    grp = make_service(c, 60, capacity=6, online_booking=False, buffer_before_min=5,
                       buffer_after_min=10)
    eq((grp["capacity"], grp["online_booking"], grp["buffer_before_min"],
        grp["buffer_after_min"]), (6, False, 5, 10), "service fields")
    expect_field_error(c.post(API + "/services", {"name": "x", "duration_min": 0}),
                       "duration_min")
    expect_field_error(c.post(API + "/services", {"name": "x", "duration_min": "30"}),
                       "duration_min")
    expect_field_error(c.post(API + "/services", {"duration_min": 30}), "name")


def test_actions_create_list(ctx):
    c = ctx.admin
    a = make_action(c, "Follow-up call " + unique())
    eq(set(a), set(a) | {"id", "name"}, "action fields")
    got = c.get(API + "/actions/%d" % a["id"]).expect(200)
    eq(got.get("name"), a["name"], "GET action name")
    items = c.get(API + "/actions", limit=500).expect(200)["items"]
    check(any(i["id"] == a["id"] for i in items), "action missing from list")


def test_staff_with_locations_and_services(ctx):
    c = ctx.admin
    l1, l2 = make_location(c), make_location(c, "UTC")
    s1, s2 = make_service(c), make_service(c, 45)
    st = make_staff(c, [l1["id"], l2["id"]], [s1["id"], s2["id"]], email="doc@test.test",
                    color="#123456")
    eq(sorted(st.get("location_ids") or []), sorted([l1["id"], l2["id"]]), "location_ids")
    eq(sorted(st.get("service_ids") or []), sorted([s1["id"], s2["id"]]), "service_ids")
    eq(st.get("bookable"), True, "bookable default")
    eq((st.get("email"), st.get("color")), ("doc@test.test", "#123456"), "email, color")
    got = c.get(API + "/staff/%d" % st["id"]).expect(200)
    eq(sorted(got["service_ids"]), sorted(st["service_ids"]), "GET staff service_ids")
    upd = c.patch(API + "/staff/%d" % st["id"], {"service_ids": [s2["id"]]}).expect(200)
    eq(upd.get("service_ids"), [s2["id"]], "PATCH replaces service_ids")
    eq(sorted(upd.get("location_ids")), sorted([l1["id"], l2["id"]]), "PATCH keeps location_ids")
    upd = c.patch(API + "/staff/%d" % st["id"], {"service_ids": []}).expect(200)
    eq(upd.get("service_ids"), [], "PATCH clears service_ids")
    expect_field_error(c.post(API + "/staff", {"name": unique("S"), "location_ids": [999999]}),
                       "location_ids")
    expect_field_error(c.post(API + "/staff", {"name": unique("S"), "service_ids": [999999]}),
                       "service_ids")


def test_shifts_put_get_replace(ctx):
    c = ctx.admin
    loc = make_location(c)
    st = make_staff(c, [loc["id"]])
    lid = loc["id"]
    body = put_shifts(c, st["id"], [(1, "09:00", "12:00", lid), (1, "13:00", "17:30", lid),
                                    (3, "08:15", "16:00", lid)])
    want = [{"weekday": 1, "start": "09:00", "end": "12:00", "location_id": lid},
            {"weekday": 1, "start": "13:00", "end": "17:30", "location_id": lid},
            {"weekday": 3, "start": "08:15", "end": "16:00", "location_id": lid}]
    key = lambda s: (s["weekday"], s["start"])  # noqa: E731
    eq(sorted(body.get("shifts", []), key=key), want, "PUT shifts answer")
    got = c.get(API + "/staff/%d/shifts" % st["id"]).expect(200)
    eq(sorted(got.get("shifts", []), key=key), want, "GET shifts")
    put_shifts(c, st["id"], [(5, "10:00", "11:00", lid)])
    got = c.get(API + "/staff/%d/shifts" % st["id"]).expect(200)
    eq(got["shifts"], [{"weekday": 5, "start": "10:00", "end": "11:00", "location_id": lid}],
       "PUT replaces the weekly pattern")


def test_shifts_validation(ctx):
    c = ctx.admin
    loc = make_location(c)
    st = make_staff(c, [loc["id"]])
    path = API + "/staff/%d/shifts" % st["id"]
    lid = loc["id"]
    put_shifts(c, st["id"], [(2, "09:00", "12:00", lid)])

    def shifts(*items):
        return {"shifts": [{"weekday": w, "start": a, "end": b, "location_id": lo}
                           for (w, a, b, lo) in items]}

    expect_field_error(c.put(path, shifts((1, "09:00", "25:00", lid))), "shifts")
    expect_field_error(c.put(path, shifts((1, "9am", "12:00", lid))), "shifts")
    expect_field_error(c.put(path, shifts((1, "12:00", "09:00", lid))), "shifts")
    expect_field_error(c.put(path, shifts((1, "09:00", "12:00", lid),
                                          (1, "11:00", "14:00", lid))), "shifts")
    expect_field_error(c.put(path, shifts((1, "09:00", "12:00", 999999))), "shifts")
    expect_field_error(c.put(path, shifts((8, "09:00", "12:00", lid))), "weekday")
    # Back-to-back shifts and the same hours on other days are fine.
    put_shifts(c, st["id"], [(1, "09:00", "12:00", lid), (1, "12:00", "14:00", lid),
                             (2, "09:00", "12:00", lid)])
    # A refused PUT left the pattern alone.
    got = c.get(path).expect(200)["shifts"]
    eq(len(got), 3, "shift count after valid PUT")
    c.put(API + "/staff/999999/shifts", shifts((1, "09:00", "12:00", lid))).expect_problem(404)
    c.get(API + "/staff/999999/shifts").expect_problem(404)


def test_time_off_create_list_delete(ctx):
    c = ctx.admin
    loc = make_location(c)
    st = make_staff(c, [loc["id"]])
    day = next_weekday(2, 10)
    start, end = local_iso(day, "10:00"), local_iso(day, "11:30")
    path = API + "/staff/%d/time-off" % st["id"]
    to = c.post(path, {"start": start, "end": end, "reason": "dentist"}).expect(201)
    check(isinstance(to.get("id"), int), "time off id: %r" % to)
    same_instant(to.get("start"), start, "time off start")
    same_instant(to.get("end"), end, "time off end")
    eq(to.get("start"), start, "time off start rendered in the location's zone")
    eq(to.get("reason"), "dentist", "reason")
    items = c.get(path).expect(200)["items"]
    eq([i["id"] for i in items], [to["id"]], "time off list")
    eq(c.delete(path + "/%d" % to["id"]).status, 200, "DELETE time off status")
    eq(c.get(path).expect(200)["items"], [], "list after delete")
    c.delete(path + "/%d" % to["id"]).expect_problem(404)
    expect_field_error(c.post(path, {"start": end, "end": start}), "end")
    expect_field_error(c.post(path, {"start": "tomorrow", "end": end}), "start")
    c.post(API + "/staff/999999/time-off", {"start": start, "end": end}).expect_problem(404)


def test_settings_get_patch(ctx):
    c = ctx.admin
    s = get_settings(c)
    for key in ("booking_time_divider_min", "book_one_service_only", "client_payment",
                "assign_services_to_staff", "visit_interval_min", "appointment_mode",
                "min_notice_min", "max_advance_days", "notification_email", "currency",
                "timezone", "sync_alert_after_s"):
        check(key in s, "settings lack %s: %r" % (key, s))
    eq(s["booking_time_divider_min"], 15, "default booking_time_divider_min")
    eq(s["sync_alert_after_s"], 300, "default sync_alert_after_s")
    check("diary_password" not in s, "diary_password is write-only but was returned")
    with settings_changed(c, visit_interval_min=10, notification_email="desk@test.test",
                          client_payment="optional", diary_password="s3cret") as body:
        eq((body["visit_interval_min"], body["notification_email"], body["client_payment"]),
           (10, "desk@test.test", "optional"), "PATCH answer")
        check("diary_password" not in body, "PATCH echoed diary_password")
        got = get_settings(c)
        eq(got["client_payment"], "optional", "GET after PATCH")
    expect_field_error(c.patch(API + "/settings", {"client_payment": "sometimes"}),
                       "client_payment")
    expect_field_error(c.patch(API + "/settings", {"timezone": "Mars/Olympus"}), "timezone")
    expect_field_error(c.patch(API + "/settings", {"booking_time_divider_min": 0}),
                       "booking_time_divider_min")
    eq(get_settings(c)["client_payment"], s["client_payment"], "restored / unchanged")


def test_settings_assign_forces_one_service_only(ctx):
    c = ctx.admin
    before = get_settings(c)
    check(before["assign_services_to_staff"] is False and before["book_one_service_only"] is False,
          "test expects defaults off: %r" % before)
    with settings_changed(c, assign_services_to_staff=True) as body:
        eq(body.get("assign_services_to_staff"), True, "assign_services_to_staff")
        eq(body.get("book_one_service_only"), True,
           "turning assign_services_to_staff on forces book_one_service_only")
        eq(get_settings(c)["book_one_service_only"], True, "GET book_one_service_only")


def test_patient_name_and_phone_enough(ctx):
    c = ctx.staff
    name = unique("Maria Schmidt")
    p = c.post(API + "/patients", {"name": name, "phone": "+49 30 1234567"}).expect(201)
    eq((p.get("name"), p.get("phone")), (name, "+49 30 1234567"), "patient")
    eq(p.get("has_account"), False, "has_account")
    for key in ("email", "date_of_birth", "notes", "can_book_online", "can_view_invoices"):
        check(key in p, "patient lacks %s: %r" % (key, p))
    eq(c.get(API + "/patients/%d" % p["id"]).expect(200)["name"], name, "GET patient")
    upd = c.patch(API + "/patients/%d" % p["id"],
                  {"email": "maria@test.test", "date_of_birth": "1980-02-29"}).expect(200)
    eq((upd["email"], upd["date_of_birth"], upd["name"]), ("maria@test.test", "1980-02-29", name),
       "PATCH patient")
    expect_field_error(c.post(API + "/patients", {"phone": "123"}), "name")
    expect_field_error(c.post(API + "/patients", {"name": "x", "email": "not-an-email"}),
                       "email")
    expect_field_error(c.post(API + "/patients", {"name": "x", "date_of_birth": "1980-13-01"}),
                       "date_of_birth")


def test_patient_search(ctx):
    c = ctx.staff
    tag = unique("q").replace("-", "")
    p = make_patient(c, name="Zelda %s Quux" % tag, phone="+49 170 %s" % tag[-6:].zfill(6),
                     email="zq.%s@example.test" % tag)
    other = make_patient(c)

    def found(q):
        items = c.get(API + "/patients", q=q, limit=500).expect(200)["items"]
        return [i["id"] for i in items]

    check(p["id"] in found("Zelda %s" % tag), "search by name")
    check(p["id"] in found(p["phone"]), "search by phone")
    check(p["id"] in found("zq.%s@" % tag), "search by e-mail")
    res = found("Zelda %s" % tag)
    check(other["id"] not in res, "search returned a non-matching patient")
    eq(found("no-such-patient-%s" % tag), [], "search with no match")


def test_unknown_ids_404(ctx):
    c = ctx.admin
    for path in ("/locations", "/services", "/actions", "/staff", "/patients", "/bookings"):
        c.get(API + path + "/999999").expect_problem(404)
    c.patch(API + "/locations/999999", {"name": "x"}).expect_problem(404)
    c.delete(API + "/services/999999").expect_problem(404)
    c.get(API + "/staff/999999/time-off").expect_problem(404)


def test_list_pagination(ctx):
    c = ctx.admin
    made = [make_action(c)["id"] for _ in range(5)]
    first = c.get(API + "/actions", limit=2).expect(200)
    eq(len(first["items"]), 2, "limit=2 items")
    check("next_cursor" in first and first["next_cursor"] is not None,
          "a full page needs next_cursor: %r" % first)
    seen, cursor, pages = [], None, 0
    while True:
        page = c.get(API + "/actions", limit=2, cursor=cursor).expect(200)
        check(len(page["items"]) <= 2, "page larger than limit")
        seen += [i["id"] for i in page["items"]]
        cursor = page.get("next_cursor")
        pages += 1
        check(pages < 1000, "pagination does not end")
        if cursor is None:
            break
    eq(len(seen), len(set(seen)), "no item on two pages")
    eq(seen, sorted(seen), "pages in id order")
    check(all(i in seen for i in made), "paging missed created actions")
    everything = c.get(API + "/actions", limit=500).expect(200)
    eq([i["id"] for i in everything["items"]], seen, "one big page equals the pages")
    eq(everything["next_cursor"], None, "last page next_cursor")
    expect_field_error(c.get(API + "/actions", limit=0), "limit")
    expect_field_error(c.get(API + "/actions", limit=501), "limit")
    expect_field_error(c.get(API + "/actions", cursor="abc"), "cursor")


def test_show_hijri_dates_is_a_public_switch(ctx):
    a = ctx.admin
    visitor = ctx.client()
    eq(get_settings(visitor).get("show_hijri_dates"), False, "off by default, visible to visitors")
    expect_field_error(a.patch(API + "/settings", {"show_hijri_dates": "yes"}), "show_hijri_dates")
    eq(get_settings(a).get("show_hijri_dates"), False, "a refused value changes nothing")
    with settings_changed(a, show_hijri_dates=True):
        eq(get_settings(visitor).get("show_hijri_dates"), True, "the portal learns it is on")

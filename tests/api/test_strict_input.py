"""Strict input: a path id is the whole segment (`/bookings/1%00abc` is 404,
not booking 1), an escaped NUL cannot cut a query value short, and text
limits count characters (UTF-8 code points), not bytes, as the OpenAPI
file's maxLength says."""

from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient, make_service, next_weekday)


def _booking(c):
    _, st = clinic_with_staff(c, 4)
    svc = make_service(c, 30)
    p = make_patient(c)
    return book_ok(c, st["id"], [svc["id"]], local_iso(next_weekday(4), "10:00"), p["id"])


def test_path_id_with_escaped_nul_is_404(ctx):
    c = ctx.admin
    b = _booking(c)
    base = API + "/bookings/%d" % b["id"]
    c.get(base).expect(200)
    for tail in ("%00abc", "%00", "abc", "%2500", "%20", ".0"):
        c.get(base + tail).expect_problem(404)
    # A write through such a path reaches nothing and changes nothing.
    c.post(base + "%00/cancel", {"reason": "x"}).expect_problem(404)
    c.patch(base + "%00", {"notes": "changed"}).expect_problem(404)
    got = c.get(base).expect(200)
    eq(got["status"], "confirmed", "booking untouched by the %00 paths")
    eq(got.get("notes"), b.get("notes"), "notes untouched by the %00 paths")
    c.get(API + "/patients/%d%%00" % b["patient_id"]).expect_problem(404)


def test_escaped_nul_does_not_cut_query_values(ctx):
    c = ctx.admin
    day = str(next_weekday(4))
    c.get(API + "/bookings", **{"from": day, "to": day}).expect(200)
    r = c.request("GET", API + "/bookings?from=%s%%00junk&to=%s" % (day, day))
    expect_field_error(r, "from")
    r = c.request("GET", API + "/bookings?limit=5%00")
    expect_field_error(r, "limit")


def test_text_limits_count_characters(ctx):
    c = ctx.admin
    # 200 characters, 400 bytes: within the 200 limit of a location name.
    name = "ü" * 200
    loc = c.post(API + "/locations", {"name": name, "timezone": "Europe/Berlin"}).expect(201)
    eq(loc["name"], name, "200 two-byte characters stored whole")
    expect_field_error(c.post(API + "/locations", {"name": "ü" * 201,
                                                   "timezone": "Europe/Berlin"}), "name")
    # Four-byte characters in a booking's notes (limit 10,000).
    b = _booking(c)
    notes = "😀" * 10000
    got = c.patch(API + "/bookings/%d" % b["id"], {"notes": notes}).expect(200)
    eq(got["notes"], notes, "10,000 emoji are 10,000 characters")
    expect_field_error(c.patch(API + "/bookings/%d" % b["id"], {"notes": "😀" * 10001}),
                       "notes")
    eq(c.get(API + "/bookings/%d" % b["id"]).expect(200)["notes"], notes,
       "the refused change left the notes alone")
    # The search text of list endpoints counts the same way.
    c.get(API + "/patients", q="ö" * 200).expect(200)
    expect_field_error(c.get(API + "/patients", q="ö" * 201), "q")

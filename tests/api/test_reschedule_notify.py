"""Rescheduling with or without telling the patient: PATCH /bookings/{id}
`notify_patient: false` moves the booking (history, diary, webhooks as
always) without the patient's e-mail; the default tells them. Bad input
is a field error and moves nothing."""

from helpers import (API, clinic_with_staff, eq, expect_field_error, local_iso, make_patient,
                     make_service, next_weekday, book_ok, unique)


def _mails(ctx, booking_id, kind):
    return ctx.sql_rows("SELECT COUNT(*) FROM outbox WHERE booking_id = ? AND channel = 'email' "
                        "AND kind = ?", (booking_id, kind))[0][0]


def test_move_quietly_or_tell_the_patient(ctx):
    a = ctx.admin
    _, st = clinic_with_staff(a, 2, "08:00", "18:00")
    svc = make_service(a, 30)
    day = next_weekday(2, 14)
    p = make_patient(a, email=unique("moved") + "@test.test")
    b = book_ok(a, st["id"], [svc["id"]], local_iso(day, "09:00"), p["id"])

    expect_field_error(a.patch(API + "/bookings/%d" % b["id"],
                               {"start": local_iso(day, "10:00"), "notify_patient": "no"}),
                       "notify_patient")
    eq(a.get(API + "/bookings/%d" % b["id"]).expect(200)["start"], b["start"],
       "a refused change moves nothing")

    quiet = a.patch(API + "/bookings/%d" % b["id"],
                    {"start": local_iso(day, "10:00"), "notify_patient": False}).expect(200)
    eq(quiet["start"], local_iso(day, "10:00"), "moved quietly")
    eq(_mails(ctx, b["id"], "booking_rescheduled"), 0, "no e-mail to the patient")
    history = a.get(API + "/bookings/%d/history" % b["id"]).expect(200)["items"]
    eq([h["action"] for h in history][-1], "updated", "the move is in the history")

    a.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "11:00")}).expect(200)
    eq(_mails(ctx, b["id"], "booking_rescheduled"), 1, "the default tells the patient")

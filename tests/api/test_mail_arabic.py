"""The patient's e-mails in Arabic (settings.mail_language "ar"): the
booking confirmation, the reschedule, the cancellation, the reminder and
a package purchase arrive with an Arabic subject and body, a
right-to-left HTML part, the date and time in Arabic (Gulf month names,
Arabic-Indic digits) and, for bookings, the same iMIP invitation as in
English; the practice's own notice stays English; "en" changes nothing;
a value other than "en" or "ar" is refused naming the field. Runs its own
chairside and SMTP sink, since the setting is the whole clinic's."""

import datetime as dt
import os

import helpers
import realservers as rs
from helpers import (API, book_ok, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient, make_service, next_weekday)

_env = rs.ModuleServers()

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
          "أكتوبر", "نوفمبر", "ديسمبر"]
DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _setup(ctx):
    if not _env:
        scratch = rs.scratch_dir("chairside-mail-ar-")
        _env["scratch"] = scratch
        _env["smtp"] = rs.SmtpSink(os.path.join(scratch, "mail")).start()
        _env["chairside"] = rs.Chairside(ctx.bin, scratch).start()
        _env["chairside"].admin.patch(API + "/settings", {
            "smtp_url": _env["smtp"].url, "mail_from": "clinic@chairside.test",
            "notification_email": "desk@chairside.test"}).expect(200)
    return _env["chairside"], _env["smtp"]


def _arabic_date(day):
    return ("%d %s %d" % (day.day, MONTHS[day.month - 1], day.year)).translate(DIGITS)


def _booking(c, weekday):
    cl, st = clinic_with_staff(c, weekday, "08:00", "18:00")
    svc = make_service(c, 30, name=helpers.unique("تنظيف الأسنان"))
    p = make_patient(c, name=helpers.unique("فاطمة"),
                     email="%s@patients.test" % helpers.unique("ar"))
    return cl, st, svc, p, next_weekday(weekday)


def _dtstart(ics):
    return [line for line in ics.splitlines() if line.startswith("DTSTART")]


def test_arabic_confirmation_and_reschedule(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    eq(c.patch(API + "/settings", {"mail_language": "ar"}).expect(200)["mail_language"], "ar",
       "the setting is stored")
    try:
        cl, st, svc, p, day = _booking(c, 2)
        b = book_ok(c, st["id"], [svc["id"]], local_iso(day, "10:00"), p["id"])
        mail = smtp.wait_for(p["email"])[0]
        subject = str(mail["subject"])
        check("حجزك" in subject and _arabic_date(day) in subject and "١٠:٠٠" in subject,
              "Arabic subject with the Arabic date and time: %r" % subject)
        plain, html, attachments = rs.text_parts(mail)
        for needle in ("تم تأكيد حجزك", _arabic_date(day), "١٠:٠٠", p["name"], svc["name"],
                       st["name"], "Europe/Berlin", "/book#/appointments?booking=%d" % b["id"]):
            check(needle in plain, "plain text lacks %r:\n%s" % (needle, plain))
            check(needle in html, "html lacks %r:\n%s" % (needle, html))
        check('dir="rtl"' in html and 'lang="ar"' in html, "right-to-left HTML: %s" % html)
        check(day.isoformat() not in plain, "no ISO date in the Arabic text: %s" % plain)
        eq(len(attachments), 1, "the invitation is attached as in English")
        method, ics, _ = rs.invitation(mail)
        eq(method, "REQUEST", "an invitation")
        check("UID:booking-%d@chairside" % b["id"] in ics, "ics UID: %s" % ics)
        start_utc = helpers.parse_ts(b["start"]).astimezone(dt.timezone.utc)
        eq(_dtstart(ics), ["DTSTART:%s" % start_utc.strftime("%Y%m%dT%H%M%SZ")],
           "the calendar keeps its UTC times")
        # The practice reads its own notice in English, with the ISO date.
        desk = smtp.wait_for("desk@chairside.test", "New booking: %s" % p["name"])[0]
        desk_plain, desk_html, _ = rs.text_parts(desk)
        check(day.isoformat() in desk_plain and 'dir="rtl"' not in desk_html,
              "practice notice stays English: %s" % desk_plain)

        c.patch(API + "/bookings/%d" % b["id"], {"start": local_iso(day, "15:30")}).expect(200)
        moved = smtp.wait_for(p["email"], "تم نقل حجزك")[0]
        check(_arabic_date(day) in str(moved["subject"]) and "١٥:٣٠" in str(moved["subject"]),
              "reschedule subject: %r" % str(moved["subject"]))
        plain, html, _ = rs.text_parts(moved)
        check("١٥:٣٠" in plain and _arabic_date(day) in plain, "reschedule text: %s" % plain)
        check('dir="rtl"' in html and "١٥:٣٠" in html, "reschedule html: %s" % html)
        method, ics, _ = rs.invitation(moved)
        eq(method, "REQUEST", "the move is an invitation")
        check("SEQUENCE:1" in ics, "with a higher SEQUENCE: %s" % ics)

        c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "مريضة"}).expect(200)
        gone = smtp.wait_for(p["email"], "تم إلغاء حجزك")[0]
        check("١٥:٣٠" in str(gone["subject"]), "cancel subject: %r" % str(gone["subject"]))
        method, ics, _ = rs.invitation(gone)
        eq(method, "CANCEL", "the cancellation cancels the event")
        check("STATUS:CANCELLED" in ics, "cancel ics: %s" % ics)
    finally:
        c.patch(API + "/settings", {"mail_language": "en"}).expect(200)


def test_english_mails_unchanged(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    eq(c.get(API + "/settings").expect(200)["mail_language"], "en", "English by default")
    cl, st, svc, p, day = _booking(c, 3)
    book_ok(c, st["id"], [svc["id"]], local_iso(day, "11:00"), p["id"])
    mail = smtp.wait_for(p["email"])[0]
    subject = str(mail["subject"])
    check(subject.startswith("Your booking at") and day.isoformat() in subject
          and "11:00" in subject, "English subject: %r" % subject)
    plain, html, _ = rs.text_parts(mail)
    check("your booking is confirmed" in plain and 'dir="rtl"' not in html,
          "English body: %s" % plain)


def test_bad_mail_language_is_refused(ctx):
    srv, _ = _setup(ctx)
    c = srv.admin
    for bad in ("fr", "AR", "", 1):
        expect_field_error(c.patch(API + "/settings", {"mail_language": bad}), "mail_language")
    eq(c.get(API + "/settings").expect(200)["mail_language"], "en", "a refused value changes nothing")


def test_arabic_templates_are_editable_and_shared_appointments_arabic(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    by_name = {t["name"]: t for t in c.get(API + "/templates", limit=100).expect(200)["items"]}
    for name in ("booking_confirmation", "booking_rescheduled", "booking_cancelled",
                 "booking_reminder", "appointment_shared", "appointment_changed",
                 "appointment_cancelled"):
        t = by_name.get(name + "_ar")
        check(t and 'dir="rtl"' in t["body_html"], "Arabic twin of %s: %s" % (name, t))
    t = by_name["booking_confirmation_ar"]
    old = {k: t[k] for k in ("subject", "body_text", "body_html")}
    c.patch(API + "/settings", {"mail_language": "ar"}).expect(200)
    try:
        c.patch(API + "/templates/%d" % t["id"], {
            "subject": "تأكيد: {{date}}", "body_text": "أهلًا {{patient}} {{time}}",
            "body_html": '<p dir="rtl" lang="ar">أهلًا {{patient}}</p>'}).expect(200)
        cl, st, svc, p, day = _booking(c, 4)
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "12:00"), p["id"])
        mail = smtp.wait_for(p["email"])[0]
        eq(str(mail["subject"]), "تأكيد: %s" % _arabic_date(day), "the edited Arabic subject")
        plain, _, _ = rs.text_parts(mail)
        eq(plain, "أهلًا %s ١٢:٠٠" % p["name"], "the edited Arabic text")

        q = make_patient(c, name=helpers.unique("خالد"),
                         email="%s@patients.test" % helpers.unique("ar"))
        c.post(API + "/appointments", {"patient_id": q["id"], "staff_id": st["id"],
                                       "start": local_iso(day, "16:00"), "duration_min": 20,
                                       "notes": "فحص", "share_with_patient": True}).expect(201)
        shared = smtp.wait_for(q["email"])[0]
        check(str(shared["subject"]).startswith("موعدك") and "١٦:٠٠" in str(shared["subject"]),
              "Arabic shared appointment: %r" % str(shared["subject"]))
        method, _, _ = rs.invitation(shared)
        eq(method, "REQUEST", "with its invitation")
    finally:
        c.patch(API + "/templates/%d" % t["id"], old).expect(200)
        c.patch(API + "/settings", {"mail_language": "en"}).expect(200)


def test_arabic_reminder(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    day = dt.date.today() + dt.timedelta(days=2)
    cl, st = clinic_with_staff(c, day.isoweekday(), "00:00", "24:00")
    svc = make_service(c, 30)
    p = make_patient(c, name=helpers.unique("مريم"),
                     email="%s@patients.test" % helpers.unique("ar"))
    c.patch(API + "/settings", {"mail_language": "ar", "reminder_before_min": 60}).expect(200)
    try:
        book_ok(c, st["id"], [svc["id"]], local_iso(day, "12:00"), p["id"])
        smtp.wait_for(p["email"])
        # Reminders three days ahead: this booking's is due at once.
        c.patch(API + "/settings", {"reminder_before_min": 4320}).expect(200)
        rem = smtp.wait_for(p["email"], "تذكير")[0]
        check(_arabic_date(day) in str(rem["subject"]), "reminder subject: %r" % str(rem["subject"]))
        plain, html, _ = rs.text_parts(rem)
        check("١٢:٠٠" in plain and 'dir="rtl"' in html, "Arabic reminder: %s" % plain)
    finally:
        c.patch(API + "/settings", {"mail_language": "en", "reminder_before_min": 1440}).expect(200)


def test_arabic_package_mail(ctx):
    srv, smtp = _setup(ctx)
    c = srv.admin
    svc = make_service(c, 30, price=5000)
    pkg = c.post(API + "/packages", {"name": helpers.unique("باقة"), "price": 20000,
                                     "valid_days": 30,
                                     "items": [{"service_id": svc["id"], "quantity": 3}]}
                 ).expect(201)
    p = make_patient(c, name=helpers.unique("سارة"),
                     email="%s@patients.test" % helpers.unique("ar"))
    c.patch(API + "/settings", {"mail_language": "ar"}).expect(200)
    try:
        sold = c.post(API + "/patients/%d/packages" % p["id"],
                      {"package_id": pkg["id"]}).expect(201)
        # Past the expiry reminder window, so the sale's mail is the only one.
        mail = smtp.wait_for(p["email"])[0]
        check(str(mail["subject"]).startswith("باقتك"), "Arabic subject: %r" % str(mail["subject"]))
        plain, html, _ = rs.text_parts(mail)
        expires = dt.date.fromisoformat(sold["expires_on"])
        check("صالحة حتى %s." % _arabic_date(expires) in plain and "(٣ زيارات)" in plain,
              "Arabic validity and units: %s" % plain)
        check('dir="rtl"' in html, "right-to-left HTML: %s" % html)
    finally:
        c.patch(API + "/settings", {"mail_language": "en"}).expect(200)

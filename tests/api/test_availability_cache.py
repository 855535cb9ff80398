"""Kept availability answers: every answer carries a strong ETag
(If-None-Match -> 304) and comes gzip-compressed to a client that takes
it; a kept answer is never served once a write changed what it shows
(bookings, cancellations, shifts, time off, settings, holds), nor once the
clock has moved a slot it offers into the past or the minimum notice; on
PostgreSQL a write through one server process is seen by the next answer
of another."""

import datetime as dt
import gzip
import os
import time
from zoneinfo import ZoneInfo

import helpers
import realservers as rs
from helpers import (API, Client, Clinic, Skip, book_ok, check, clinic_with_staff, eq,
                     local_iso, make_patient, make_service, next_weekday, parse_ts, put_shifts,
                     query, settings_changed, starts)


def _get(c, service_ids, day, headers=None, **params):
    path = query(API + "/availability", service_ids=list(service_ids), **{
        "from": str(day), "to": str(day)}, **params)
    return c.request("GET", path, headers=headers)


def _ok(resp):
    resp.expect(200)
    return resp.json, resp.headers.get("etag")


def _changed(before, after, what):
    """after (body, etag) must differ from before in both."""
    check(after[0] != before[0], "%s: the answer did not change: %r" % (what, after[0]))
    check(after[1] != before[1], "%s: the ETag did not change (%s)" % (what, after[1]))


def test_etag_and_if_none_match(ctx):
    c = ctx.admin
    day = next_weekday(2)
    _, st = clinic_with_staff(c, 2, "09:00", "11:00")
    svc = make_service(c, 30)
    r = _get(c, [svc["id"]], day, staff_id=st["id"])
    body, etag = _ok(r)
    check(etag and etag.startswith('"') and etag.endswith('"') and len(etag) > 2,
          "a strong ETag: %r" % etag)
    eq(r.headers.get("cache-control"), "private, no-cache", "Cache-Control")
    eq(r.headers.get("vary"), "Accept-Encoding", "Vary")
    eq(len(body["slots"]), 7, "slots 09:00..10:30 of a 30-minute service, every 15 minutes")
    again = _get(c, [svc["id"]], day, staff_id=st["id"])
    eq(_ok(again), (body, etag), "the same answer and ETag again")
    eq(again.body, r.body, "byte for byte")
    for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
        nm = _get(c, [svc["id"]], day, {"If-None-Match": inm}, staff_id=st["id"])
        eq(nm.status, 304, "If-None-Match: %s" % inm)
        eq(nm.body, b"", "a 304 has no body")
        eq(nm.headers.get("etag"), etag, "a 304 names the ETag")
    other = _get(c, [svc["id"]], day, {"If-None-Match": '"nope"'}, staff_id=st["id"])
    eq(_ok(other), (body, etag), "a different tag gets the answer")


def test_gzip_when_accepted(ctx):
    c = ctx.admin
    day = next_weekday(3)
    _, st = clinic_with_staff(c, 3, "08:00", "18:00")
    svc = make_service(c, 15)
    plain = _get(c, [svc["id"]], day, staff_id=st["id"])
    body, etag = _ok(plain)
    check(plain.headers.get("content-encoding") is None, "identity unless asked")
    for ae in ("gzip", "br;q=1.0, gzip;q=0.8", "deflate, gzip"):
        z = _get(c, [svc["id"]], day, {"Accept-Encoding": ae}, staff_id=st["id"])
        eq(z.status, 200, "status for %r" % ae)
        eq(z.headers.get("content-encoding"), "gzip", "Content-Encoding for %r" % ae)
        eq(z.headers.get("vary"), "Accept-Encoding", "Vary")
        eq(gzip.decompress(z.body), plain.body, "gzip decodes to the same JSON")
        check(len(z.body) < len(plain.body), "compressed is smaller")
        zt = z.headers.get("etag")
        check(zt and zt != etag, "the gzip form has its own strong ETag: %r" % zt)
        eq(_get(c, [svc["id"]], day, {"Accept-Encoding": ae, "If-None-Match": zt},
                staff_id=st["id"]).status, 304, "304 for the gzip form's ETag")
    refused = _get(c, [svc["id"]], day, {"Accept-Encoding": "gzip;q=0"}, staff_id=st["id"])
    refused.expect(200)
    check(refused.headers.get("content-encoding") is None, "gzip;q=0 refuses gzip")
    eq(refused.body, plain.body, "identity body")


def test_booking_and_cancel_invalidate(ctx):
    c = ctx.admin
    day = next_weekday(4)
    _, st = clinic_with_staff(c, 4, "09:00", "11:00")
    svc = make_service(c, 30)
    first = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    want = local_iso(day, "10:00")
    check(want in starts(first[0]["slots"]), "10:00 is free at first")
    b = book_ok(c, st["id"], [svc["id"]], want, make_patient(c)["id"])
    booked = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    _changed(first, booked, "after a booking")
    check(want not in starts(booked[0]["slots"]), "the booked time is gone")
    c.post(API + "/bookings/%d/cancel" % b["id"], {"reason": "test"}).expect(200)
    cancelled = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    _changed(booked, cancelled, "after a cancellation")
    eq(cancelled, first, "the first answer (and ETag) again once it is cancelled")


def test_shift_time_off_and_setting_invalidate(ctx):
    c = ctx.admin
    day = next_weekday(5)
    cl, st = clinic_with_staff(c, 5, "09:00", "11:00")
    svc = make_service(c, 30)
    before = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    put_shifts(c, st["id"], [(5, "09:00", "12:00", cl.loc_id)])
    longer = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    _changed(before, longer, "after a shift change")
    check(local_iso(day, "11:30") in starts(longer[0]["slots"]), "the longer shift's slots")
    path = API + "/staff/%d/time-off" % st["id"]
    to = c.post(path, {"start": local_iso(day, "09:00"), "end": local_iso(day, "10:00"),
                       "reason": "training"}).expect(201)
    off = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
    _changed(longer, off, "after time off")
    check(local_iso(day, "09:00") not in starts(off[0]["slots"]), "time off removes 09:00")
    c.delete(path + "/%d" % to["id"]).expect(200)
    eq(_ok(_get(c, [svc["id"]], day, staff_id=st["id"])), longer, "time off deleted")
    with settings_changed(c, booking_time_divider_min=30):
        coarse = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
        _changed(longer, coarse, "after a setting change")
        check(local_iso(day, "09:15") not in starts(coarse[0]["slots"]), "a 30-minute grid")
    eq(_ok(_get(c, [svc["id"]], day, staff_id=st["id"])), longer, "the setting put back")


def test_holds_invalidate_and_stay_their_holders(ctx):
    c = ctx.admin
    day = next_weekday(1, min_ahead=21)
    _, st = clinic_with_staff(c, 1, "09:00", "11:00")
    svc = make_service(c, 30, online_booking=True)
    visitor, holder = Client(ctx.port), Client(ctx.port)
    seen = _ok(_get(visitor, [svc["id"]], day, staff_id=st["id"]))
    start = local_iso(day, "10:00")
    check(start in starts(seen[0]["slots"]), "10:00 free before the hold")
    h = holder.post(API + "/holds", {"staff_id": st["id"], "service_ids": [svc["id"]],
                                     "start": start}).expect(201)
    after = _ok(_get(visitor, [svc["id"]], day, staff_id=st["id"]))
    _changed(seen, after, "after someone else's hold")
    check(start not in starts(after[0]["slots"]), "the held time is gone for others")
    mine = _ok(_get(holder, [svc["id"]], day, staff_id=st["id"]))
    check(start in starts(mine[0]["slots"]), "the holder still sees it")
    holder.delete(API + "/holds/%d" % h["id"]).expect(200)
    eq(_ok(_get(visitor, [svc["id"]], day, staff_id=st["id"])), seen, "hold released")


def test_visibility_is_part_of_the_key(ctx):
    c = ctx.admin
    day = next_weekday(2, min_ahead=14)
    _, st = clinic_with_staff(c, 2, "09:00", "10:00")
    staff_only = make_service(c, 30, online_booking=False)
    _ok(_get(c, [staff_only["id"]], day, staff_id=st["id"]))
    visitor = Client(ctx.port)
    r = _get(visitor, [staff_only["id"]], day, staff_id=st["id"])
    r.expect_problem(422)
    check(r.headers.get("etag") is None, "a refusal has no ETag")
    eq(_get(c, [staff_only["id"]], day, staff_id=st["id"]).status, 200,
       "staff still get their answer")


def _zone_near_noon():
    """A zone whose local time is near midday now, so that today's slots
    run for hours on both sides of the clock."""
    now = dt.datetime.now(dt.timezone.utc)
    zones = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
             "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Dubai"]
    return min(zones, key=lambda z: abs(now.astimezone(ZoneInfo(z)).hour + 0.5 - 12.5))


def test_clock_drops_a_slot_entering_the_notice(ctx):
    # With no write in between, a kept answer must not go on offering a
    # slot once the minimum notice covers it. The notice is picked so that
    # the first slot enters it at the next minute boundary, and the answer
    # is asked for on either side of it.
    c = ctx.admin
    tz = _zone_near_noon()
    local_now = dt.datetime.now(ZoneInfo(tz))
    cl = Clinic(c, tz)
    st = cl.add_staff([(local_now.isoweekday(), "00:00", "23:45")])
    svc = make_service(c, 15)
    now = time.time()
    boundary = (int(now + 3) // 60 + 1) * 60
    minute = dt.datetime.fromtimestamp(boundary, ZoneInfo(tz)).minute
    notice = (15 - minute % 15) % 15 or 15
    first_start = boundary + notice * 60
    day = local_now.date()
    with settings_changed(c, min_notice_min=notice, booking_time_divider_min=15):
        before = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
        check(time.time() < boundary, "asked before the boundary")
        eq(parse_ts(before[0]["slots"][0]["start"]).timestamp(), first_start,
           "the first slot is the one that enters the notice at the boundary")
        eq(_ok(_get(c, [svc["id"]], day, staff_id=st["id"])), before, "kept meanwhile")
        time.sleep(max(0, boundary + 1.5 - time.time()))
        after = _ok(_get(c, [svc["id"]], day, staff_id=st["id"]))
        _changed(before, after, "once the first slot is inside the notice")
        got = [parse_ts(s["start"]).timestamp() for s in after[0]["slots"]]
        check(first_start not in got, "the slot inside the notice is not offered")
        eq(got[0], first_start + 15 * 60, "the next slot is first")
        eq(after[0]["slots"][1:], before[0]["slots"][2:], "the rest is the same")


# --- several server processes on one PostgreSQL database ----------------------

_env = rs.ModuleServers()


def _nodes(ctx):
    if ctx.backend != "postgresql":
        raise Skip("several server processes share a database only on PostgreSQL")
    if not _env:
        scratch = rs.scratch_dir("chairside-cache-nodes-")
        _env["scratch"] = scratch
        a = rs.Chairside(ctx.bin, os.path.join(scratch, "a"))
        b = rs.Chairside(ctx.bin, os.path.join(scratch, "b"))
        os.makedirs(a.scratch)
        os.makedirs(b.scratch)
        b.db = a.db = ctx.scratch_db("cachenodes")
        _env["node_a"] = a.start()
        b._has_admin = True  # node a made the admin in the shared database
        _env["node_b"] = b.start()
    return _env["node_a"], _env["node_b"]


def test_write_through_one_process_invalidates_the_other(ctx):
    a, b = _nodes(ctx)
    admin = a.admin
    on_b = Client(b.port)
    on_b.cookies = dict(admin.cookies)
    on_b.csrf = admin.csrf
    cl, st = clinic_with_staff(admin, 3, "09:00", "11:00")
    svc = make_service(admin, 30)
    day = next_weekday(3)
    first = _ok(_get(on_b, [svc["id"]], day, staff_id=st["id"]))
    eq(_ok(_get(on_b, [svc["id"]], day, staff_id=st["id"])), first, "node b keeps its answer")
    want = local_iso(day, "09:30")
    bk = book_ok(admin, st["id"], [svc["id"]], want, make_patient(admin)["id"])
    booked = _ok(_get(on_b, [svc["id"]], day, staff_id=st["id"]))
    _changed(first, booked, "node b after a booking through node a")
    check(want not in starts(booked[0]["slots"]), "node b no longer offers the booked time")
    put_shifts(admin, st["id"], [(3, "09:00", "12:00", cl.loc_id)])
    longer = _ok(_get(on_b, [svc["id"]], day, staff_id=st["id"]))
    _changed(booked, longer, "node b after a shift change through node a")
    on_b.post(API + "/bookings/%d/cancel" % bk["id"], {"reason": "test"}).expect(200)
    back = _ok(_get(admin, [svc["id"]], day, staff_id=st["id"]))
    check(want in starts(back[0]["slots"]), "node a sees node b's cancellation")


# Tables availability never reads: the only ones without the trigger that
# bumps the version (migration 023 of the PostgreSQL backend).
_UNSCHEDULED = {"schema_version", "avail_version", "sessions", "login_failures", "audit_log",
                "users", "api_tokens", "booking_history", "booking_services", "patients",
                "outbox", "sync_issues", "webhooks", "templates", "feed_tokens",
                "reminders_sent"}


def test_every_scheduling_table_bumps_the_version(ctx):
    if ctx.backend != "postgresql":
        raise Skip("the version triggers are the PostgreSQL backend's")
    rows = ctx.sql_rows(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND NOT EXISTS "
        "(SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
        "AND t.tgname = 'avail_version_bump')")
    eq({r[0] for r in rows}, _UNSCHEDULED,
       "tables without the avail_version trigger (a new table needs it)")
    tables = {r[0] for r in ctx.sql_rows(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    for t in ("bookings", "appointments", "time_off", "shifts", "staff", "services",
              "resources", "holds", "settings"):
        check(t in tables and t not in _UNSCHEDULED, "%s is covered" % t)

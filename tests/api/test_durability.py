"""An acknowledged booking survives the server being killed (kill -9) in
the middle of a stream of concurrent bookings: every 201 answered before
the kill is in the database after a restart, once, at its time, and
nothing overlaps. On SQLite this is the group-commit writer answering only
after the group's commit; on PostgreSQL each request's own commit."""

import datetime as dt
import os
import threading
import time

import helpers
import realservers as rs
from helpers import API, check, eq, local_iso, make_patient, make_service, next_weekday

RACERS = 8
WEEKS = 6

_env = rs.ModuleServers()


def _server(ctx):
    if not _env:
        scratch = rs.scratch_dir("chairside-durability-")
        _env["scratch"] = scratch
        _env["chairside"] = rs.Chairside(ctx.bin, scratch, {"CHAIRSIDE_THREADS": "16",
                                                             "CHAIRSIDE_OUTBOX_WORKERS": "0"})
        _env["chairside"].start()
    return _env["chairside"]


def _slots(day):
    """Every 15 minutes from 08:00 to 17:45 on day and the WEEKS - 1 same
    weekdays after it."""
    out = []
    for w in range(WEEKS):
        d = day + dt.timedelta(days=7 * w)
        for m in range(8 * 60, 18 * 60, 15):
            out.append(local_iso(d, "%02d:%02d" % (m // 60, m % 60)))
    return out


def test_acknowledged_bookings_survive_kill_9(ctx):
    cs = _server(ctx)
    c = cs.admin
    weekday = 3
    cl = helpers.Clinic(c, helpers.BERLIN)
    svc = make_service(c, 15, name=helpers.unique("Kontrolle"))
    staff = [cl.add_staff([(weekday, "08:00", "18:00")], [svc["id"]]) for _ in range(RACERS)]
    patients = [make_patient(c) for _ in range(RACERS)]
    slots = _slots(next_weekday(weekday))
    acked = [[] for _ in range(RACERS)]
    reported = [None] * RACERS
    go = threading.Barrier(RACERS + 1)

    def racer(i):
        me = helpers.logged_in(cs.port, helpers.ADMIN_EMAIL, helpers.ADMIN_PASSWORD)
        go.wait()
        how = "ran out of slots"
        try:
            for start in slots:
                r = me.post(API + "/bookings", {"staff_id": staff[i]["id"],
                                                "service_ids": [svc["id"]], "start": start,
                                                "patient_id": patients[i]["id"]})
                check(r.status == 201, "racer %d: %s -> %d %s" % (i, start, r.status, r.text))
                acked[i].append((r.json["id"], start))
        except (OSError, helpers.http.client.HTTPException) as e:
            how = "connection ended: %s" % type(e).__name__
        except Exception as e:  # reported below, not lost in the thread
            how = "failed: %s" % e
        reported[i] = how

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    go.wait()
    # Kill once a fair number are acknowledged, while the rest are in flight.
    deadline = time.monotonic() + 30
    while sum(map(len, acked)) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    cs.kill()
    for t in threads:
        t.join(60)
    for i, how in enumerate(reported):
        check(how is not None, "racer %d never reported" % i)
        check(not how.startswith("failed"), "racer %d %s" % (i, how))
    total = sum(map(len, acked))
    check(total >= 40, "only %d bookings were acknowledged before the kill" % total)
    check(any(how.startswith("connection ended") for how in reported),
          "the kill interrupted no racer: %r" % reported)

    print("durability: %d bookings acknowledged before the kill; %d of %d racers cut off"
          % (total, sum(how.startswith("connection ended") for how in reported), RACERS))
    cs.start()
    c = cs.admin
    for i in range(RACERS):
        for booking_id, start in acked[i]:
            b = c.get(API + "/bookings/%d" % booking_id).expect(200)
            eq(b["staff_id"], staff[i]["id"], "booking %d keeps its staff member" % booking_id)
            helpers.same_instant(b["start"], start, "booking %d keeps its time" % booking_id)
            check(b["status"] != "cancelled", "booking %d is live" % booking_id)
        # Exactly one live booking per acknowledged slot, none overlapping.
        live = [b for b in c.get(API + "/bookings", staff_id=staff[i]["id"],
                                 limit=500).expect(200)["items"]
                if b["status"] != "cancelled"]
        starts = sorted(helpers.parse_ts(b["start"]) for b in live)
        eq(len(starts), len(set(starts)), "racer %d: no slot booked twice" % i)
        check(len(live) >= len(acked[i]),
              "racer %d: %d live bookings for %d acknowledged" % (i, len(live), len(acked[i])))
        for a, b in zip(starts, starts[1:]):
            check(b - a >= dt.timedelta(minutes=15), "racer %d: %s overlaps %s" % (i, a, b))


def test_zz_servers_stop_cleanly(ctx):
    if _env.get("chairside"):
        eq(_env["chairside"].stop(), 0, "restarted server stops cleanly on SIGTERM")
        _env["chairside"] = None
    _env.stop_all()

#!/usr/bin/env python3
"""Generates a benchmark clinic straight into a Chairside SQLite database.

The schema comes from the server itself (`chairside migrate --db`); rows are
then inserted with executemany in one transaction, and an admin is added
with `chairside user add`. Python 3 standard library only.

Profiles:
  main    1 location (Europe/Berlin), 50 bookable staff, Check-up (30 min)
          plus 3 other services, shifts Mon-Sat 08:00-12:00 and 13:00-18:00,
          200,000 bookings over the 365 days starting tomorrow, ~5000 patients.
  anchor  10 staff working 08:00-20:00 every day with a 12:00-13:00 break,
          one 30-minute service, 10,000 bookings over the next 60 days
          (about 75% of each working day booked).
  big     20 locations of 10 staff each, the services of main, shifts
          Mon-Sat 08:00-12:00 and 13:00-20:00, 10,000,000 bookings over the
          3653 days starting tomorrow, 200,000 patients. Written without
          journal and with the bookings' indexes other than the one the
          overlap trigger reads built after the rows.

Every booking lies inside a shift, on the 15-minute grid of local clock time,
and no two bookings of one staff member overlap. Local wall times become UTC
through zoneinfo.

With --bodies FILE the generator also writes JSON bodies for POST
/api/v1/bookings, one a line, each a distinct (staff, start) pair on free
30-minute slots of a date range after the generated bookings ("fresh" days
that availability offers in full). With --race FILE it writes bodies that
deliberately overlap (every 15-minute grid start of two staff members' day)
for the double-booking race check.

A JSON description of what was generated goes to --meta (default DB.json),
written last. With --keep an existing DB is reused, not regenerated, when
its meta names this generator version and profile; one at an older schema
version is brought up to date by the server's own migrations, as a
clinic's database would be.
"""
import argparse
import array
import bisect
import itertools
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

ZONE = "Europe/Berlin"
ADMIN_EMAIL = "admin@bench.test"
ADMIN_PASSWORD = "bench-admin-password"
GRID = 15

FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hamza", "Ida",
               "Jonas", "Karla", "Luca", "Mia", "Noah", "Olga", "Paul", "Rosa", "Sami",
               "Tara", "Uwe", "Vera", "Wim", "Yara", "Zoe"]
LAST_NAMES = ["Weber", "Okafor", "Jensen", "Schmidt", "Becker", "Hoffmann", "Haddad",
              "Rossi", "Wagner", "Fischer", "Demir", "Kowalski", "Richter", "Nowak",
              "Meyer", "Yilmaz", "Schulz", "Novak", "Braun", "Keller"]

PROFILES = {
    "main": {
        "staff": 50,
        "patients": 5000,
        "bookings": 200_000,
        "first_day": 1,  # tomorrow
        "days": 365,
        "weekdays": (1, 2, 3, 4, 5, 6),
        "blocks": ((8 * 60, 12 * 60), (13 * 60, 18 * 60)),
        # name, category, duration, price, online_booking, weight in bookings
        "services": (("Check-up", "General", 30, 5000, 1, 0.80),
                     ("Cleaning", "Hygiene", 45, 8000, 1, 0.10),
                     ("Filling", "Restorative", 60, 12000, 1, 0.10),
                     ("Whitening", "Cosmetic", 90, 25000, 0, 0.0)),
        "gap_p": 0.10,
    },
    "anchor": {
        "staff": 10,
        "patients": 2000,
        "bookings": 10_000,
        "first_day": 1,
        "days": 60,
        "weekdays": (1, 2, 3, 4, 5, 6, 7),
        "blocks": ((8 * 60, 12 * 60), (13 * 60, 20 * 60)),
        "services": (("Check-up", "General", 30, 5000, 1, 1.0),),
        "gap_p": 0.10,
    },
    "big": {
        "locations": 20,
        "staff": 200,
        "patients": 200_000,
        "bookings": 10_000_000,
        "first_day": 1,
        "days": 3653,
        "weekdays": (1, 2, 3, 4, 5, 6),
        "blocks": ((8 * 60, 12 * 60), (13 * 60, 20 * 60)),
        "services": (("Check-up", "General", 30, 5000, 1, 0.80),
                     ("Cleaning", "Hygiene", 45, 8000, 1, 0.10),
                     ("Filling", "Restorative", 60, 12000, 1, 0.10),
                     ("Whitening", "Cosmetic", 90, 25000, 0, 0.0)),
        "gap_p": 0.10,
        "bulk": True,
    },
}
# Rows per executemany when inserting bookings.
BATCH = 100_000
# Bump when what a profile generates changes, so kept databases are rebuilt.
GENERATOR_VERSION = 1


class Clock:
    """Local wall time -> UTC epoch seconds, cached per local date.

    Shifts never touch 02:00-03:00, where Europe/Berlin changes offset, so
    one offset per date is exact for every shift minute; on a date with a
    transition the offset is still taken at the minute itself."""

    def __init__(self, zone):
        self.zone = ZoneInfo(zone)
        self.days = {}

    def _day(self, day):
        v = self.days.get(day)
        if v is None:
            a = dt.datetime.combine(day, dt.time(0, 0), self.zone).utcoffset()
            b = dt.datetime.combine(day, dt.time(23, 59), self.zone).utcoffset()
            midnight = int(dt.datetime.combine(day, dt.time(0, 0), dt.timezone.utc).timestamp())
            v = (midnight, int(a.total_seconds()) if a == b else None)
            self.days[day] = v
        return v

    def utc(self, day, minute):
        midnight, off = self._day(day)
        if off is None:
            t = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), self.zone)
            return int(t.timestamp())
        return midnight + minute * 60 - off

    def rfc3339(self, day, minute):
        """The API's form of a local wall time: 2027-03-01T08:00:00+01:00."""
        return dt.datetime.fromtimestamp(self.utc(day, minute), self.zone).isoformat()


def run(cmd):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit("gen_clinic: %s failed (%d): %s%s" % (" ".join(cmd), res.returncode,
                                                         res.stdout, res.stderr))
    return res.stdout


def plan_day(rng, blocks, durations, cum_weights, gap_p):
    """Packs one staff member's day: (start_min, service_index) in order."""
    out = []
    shortest = durations.index(min(durations))
    rand = rng.random
    for lo, hi in blocks:
        pos = lo
        while True:
            gap = GRID if rand() < gap_p else 0
            k = bisect.bisect(cum_weights, rand() * cum_weights[-1])
            if pos + gap + durations[k] > hi:
                # try the shortest service in what is left of the block
                k = shortest
                if pos + gap + durations[k] > hi:
                    break
            out.append((pos + gap, k))
            pos += gap + durations[k]
    return out


def schema_version(bin_path):
    """The schema version the server's migrations reach now."""
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "schema.db")
        run([bin_path, "migrate", "--db", db])
        c = sqlite3.connect(db)
        try:
            return c.execute("PRAGMA user_version").fetchone()[0]
        finally:
            c.close()


def kept(args, meta_path, schema):
    """The meta of a database generated before that still fits: same
    generator version and profile, migrated to schema when older; None
    otherwise."""
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        c = sqlite3.connect("file:%s?mode=ro" % args.db, uri=True)
        try:
            have = c.execute("PRAGMA user_version").fetchone()[0]
        finally:
            c.close()
    except (OSError, ValueError, sqlite3.Error):
        return None
    if (meta.get("generator_version"), meta.get("profile")) != (GENERATOR_VERSION, args.profile):
        return None
    # Newer than the meta says: a server migrated it (each migration is
    # one transaction), which is no reason to generate it again.
    if have > schema or meta.get("schema_version", have + 1) > have:
        return None
    if have < schema:
        run([args.bin, "migrate", "--db", args.db])
    if meta.get("schema_version") != schema:
        meta["migrated_from"] = meta.get("schema_version")
        meta["schema_version"] = schema
        with open(meta_path, "w") as f:
            json.dump(meta, f, indent=1)
    return meta


def generate(args):
    p = PROFILES[args.profile]
    meta_path = args.meta or args.db + ".json"
    schema = schema_version(args.bin)
    if args.keep:
        meta = kept(args, meta_path, schema)
        if meta:
            meta["reused"] = True
            print(json.dumps(meta))
            return
        # A half-written database must not pass for a finished one.
        if os.path.exists(meta_path):
            os.remove(meta_path)
    rng = random.Random(args.seed)
    clock = Clock(ZONE)
    now = int(time.time())
    today = dt.datetime.now(ZoneInfo(ZONE)).date()
    started = time.monotonic()

    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    run([args.bin, "migrate", "--db", args.db])

    bulk = p.get("bulk", False)
    db = sqlite3.connect(args.db, isolation_level=None)
    # A bulk database is rebuilt from scratch if anything fails, so it needs
    # no journal; the server turns WAL on when it opens it.
    db.execute("PRAGMA journal_mode=%s" % ("OFF" if bulk else "WAL"))
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("BEGIN")
    db.execute("UPDATE settings SET timezone = ?, currency = 'EUR', booking_time_divider_min = ? "
               "WHERE id = 1", (ZONE, GRID))
    n_locations = p.get("locations", 1)
    db.executemany("INSERT INTO locations (id, name, timezone, address) VALUES (?, ?, ?, ?)",
                   [(i, "Bench Clinic %s" % ("Mitte" if n_locations == 1 else i), ZONE,
                     "Torstrasse %d, 10119 Berlin" % i) for i in range(1, n_locations + 1)])
    services = [(i + 1, s[0], s[1], s[2], s[3], s[4]) for i, s in enumerate(p["services"])]
    db.executemany("INSERT INTO services (id, name, category, duration_min, price, "
                   "online_booking) VALUES (?, ?, ?, ?, ?, ?)", services)
    staff = list(range(1, p["staff"] + 1))
    per_location = len(staff) // n_locations
    location_of = [0] + [1 + (s - 1) // per_location for s in staff]
    db.executemany("INSERT INTO staff (id, name, email, bookable, color) VALUES (?, ?, ?, 1, ?)",
                   [(s, "Dr. %s %s %d" % (FIRST_NAMES[s % len(FIRST_NAMES)],
                                         LAST_NAMES[s % len(LAST_NAMES)], s),
                     "staff%d@bench.test" % s, "#%06x" % rng.randrange(1 << 24))
                    for s in staff])
    db.executemany("INSERT INTO staff_locations (staff_id, location_id) VALUES (?, ?)",
                   [(s, location_of[s]) for s in staff])
    db.executemany("INSERT INTO staff_services (staff_id, service_id) VALUES (?, ?)",
                   [(s, sv[0]) for s in staff for sv in services])
    db.executemany("INSERT INTO shifts (staff_id, weekday, start_min, end_min, location_id) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [(s, wd, lo, hi, location_of[s]) for s in staff for wd in p["weekdays"]
                    for lo, hi in p["blocks"]])
    db.executemany("INSERT INTO actions (name) VALUES (?)",
                   [("Consultation",), ("Follow-up call",)])
    patients = list(range(1, p["patients"] + 1))
    db.executemany("INSERT INTO patients (id, name, phone, email, created_at) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [(i, "%s %s" % (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)),
                     "+49 30 %07d" % i, "patient%d@bench.test" % i, now) for i in patients])

    # Candidate bookings: every working day of every staff member packed
    # (with the odd 15-minute gap), then exactly the wanted number sampled,
    # which leaves realistic holes and keeps the rest non-overlapping.
    # Compact arrays: the big profile has over ten million candidates.
    durations = [s[2] for s in p["services"]]
    cum_weights = list(itertools.accumulate(s[5] for s in p["services"]))
    c_staff, c_day, c_min, c_kind = (array.array("H"), array.array("H"), array.array("H"),
                                     array.array("B"))
    for d in range(p["first_day"], p["first_day"] + p["days"]):
        day = today + dt.timedelta(days=d)
        if day.isoweekday() not in p["weekdays"]:
            continue
        for s in staff:
            for start_min, k in plan_day(rng, p["blocks"], durations, cum_weights, p["gap_p"]):
                c_staff.append(s)
                c_day.append(d)
                c_min.append(start_min)
                c_kind.append(k)
    if len(c_staff) < p["bookings"]:
        sys.exit("gen_clinic: only %d candidate slots for %d bookings"
                 % (len(c_staff), p["bookings"]))
    n_patients = len(patients)
    chosen = rng.sample(range(len(c_staff)), p["bookings"])
    chosen.sort()

    # Indexes the overlap trigger does not read are cheaper built once,
    # after the rows, than kept up row by row.
    later = []
    if bulk:
        later = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name IN ('bookings', 'booking_services') "
                           "AND sql IS NOT NULL AND name <> 'bookings_staff_live'").fetchall()
        for name, _ in later:
            db.execute('DROP INDEX "%s"' % name)
    booked_s = 0
    for first in range(0, len(chosen), BATCH):
        bookings, lines = [], []
        for n in range(first + 1, min(first + BATCH, len(chosen)) + 1):
            i = chosen[n - 1]
            s, k, start_min = c_staff[i], c_kind[i], c_min[i]
            day = today + dt.timedelta(days=c_day[i])
            start = clock.utc(day, start_min)
            end = clock.utc(day, start_min + durations[k])
            booked_s += end - start
            bookings.append((n, patients[int(rng.random() * n_patients)], s, location_of[s],
                             start, end, now, now))
            lines.append((n, 0, k + 1, durations[k], p["services"][k][3]))
        db.executemany("INSERT INTO bookings (id, patient_id, staff_id, location_id, start_at, "
                       "end_at, status, source, payment_status, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, 'confirmed', 'staff', 'unpaid', ?, ?)",
                       bookings)
        db.executemany("INSERT INTO booking_services (booking_id, position, service_id, "
                       "duration_min, price) VALUES (?, ?, ?, ?, ?)", lines)
    for _, sql in later:
        db.execute(sql)
    db.execute("COMMIT")
    if bulk:
        db.execute("PRAGMA analysis_limit=1000")
    db.execute("ANALYZE")
    if not bulk:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    run([args.bin, "user", "add", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD,
         "--role", "admin", "--db", args.db])

    booked_min = booked_s // 60
    work_days = sum(1 for d in range(p["first_day"], p["first_day"] + p["days"])
                    if (today + dt.timedelta(days=d)).isoweekday() in p["weekdays"])
    shift_min = sum(hi - lo for lo, hi in p["blocks"]) * work_days * len(staff)
    meta = {
        "profile": args.profile,
        "db": args.db,
        "zone": ZONE,
        "today": today.isoformat(),
        "first_day": p["first_day"],
        "days": p["days"],
        "weekdays": list(p["weekdays"]),
        "generator_version": GENERATOR_VERSION,
        "schema_version": schema,
        "locations": n_locations,
        "staff": len(staff),
        "patients": len(patients),
        "bookings": len(chosen),
        "service_id": 1,
        "booked_share": round(booked_min / shift_min, 3),
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "seconds": round(time.monotonic() - started, 1),
    }
    if args.bodies:
        meta.update(write_bodies(args, p, clock, today, staff, patients))
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(dict(meta, reused=False)))


def write_bodies(args, p, clock, today, staff, patients):
    """Booking bodies on days after the generated range: nothing is booked
    there, so each distinct 30-minute slot is one availability offers."""
    first = p["first_day"] + p["days"] + 1
    d, n = first, 0
    rng = random.Random(args.seed + 1)
    body = ('{"patient_id":%d,"staff_id":%d,"service_ids":[1],"start":"%s",'
            '"notes":"bench"}\n')
    with open(args.bodies, "w") as f:
        while n < args.bodies_count:
            day = today + dt.timedelta(days=d)
            d += 1
            if day.isoweekday() not in p["weekdays"]:
                continue
            # time-major, staff-minor: neighbouring requests hit other staff
            for lo, hi in p["blocks"]:
                for m in range(lo, hi - 30 + 1, 30):
                    start = clock.rfc3339(day, m)
                    f.write("".join(body % (patients[int(rng.random() * len(patients))], s, start)
                                    for s in staff))
                    n += len(staff)
    last = d - 1
    # Race slots: every grid start of two staff members on the day after,
    # so neighbouring bodies overlap and every body is raced by all clients.
    day = today + dt.timedelta(days=d)
    while day.isoweekday() not in p["weekdays"]:
        d += 1
        day = today + dt.timedelta(days=d)
    race = 0
    if args.race:
        with open(args.race, "w") as f:
            for s in staff[:2]:
                for lo, hi in p["blocks"]:
                    for m in range(lo, hi - 30 + 1, GRID):
                        f.write(json.dumps({"patient_id": patients[0], "staff_id": s,
                                            "service_ids": [1], "start": clock.rfc3339(day, m),
                                            "notes": "race"}, separators=(",", ":")) + "\n")
                        race += 1
    return {"bodies": n, "bodies_from_day": first, "bodies_to_day": last,
            "bodies_from_utc": clock.utc(today + dt.timedelta(days=first), 0),
            "race_bodies": race, "race_day": d}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--bin", default="build/chairside")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="main")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--meta")
    ap.add_argument("--keep", action="store_true",
                    help="reuse DB if its meta shows this generator, profile and schema")
    ap.add_argument("--bodies", help="write POST /bookings bodies here")
    ap.add_argument("--bodies-count", type=int, default=120_000)
    ap.add_argument("--race", help="write overlapping race bodies here")
    generate(ap.parse_args())


if __name__ == "__main__":
    main()

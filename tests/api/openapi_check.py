"""Checks JSON bodies against docs/openapi.yaml with a real JSON Schema
validator (Debian's python3-jsonschema, Draft 2020-12 as OpenAPI 3.1 uses).

Tests record what they saw (Recorder, or a RecordingClient that records
every response it gets) and call check(); that runs this file as a script
under an interpreter that has jsonschema and PyYAML (the one running the
tests, or Debian's /usr/bin/python3) and returns one line per mismatch.

A response is matched to its operation by method and path template, to
its response by status (then `NXX`, then `default`) and to its schema by
Content-Type. A status, path or content type the document does not
describe is a mismatch too, and so is a field the matched schema does not
declare (unless it allows more with additionalProperties): JSON Schema
would let it pass, but then the document does not say what is sent.
Formats date-time (RFC 3339 with an offset), date and uuid are checked;
others are left to the schema's other words."""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# RFC 9110 section 15: the reason phrases of the statuses the API answers.
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
           422: "Unprocessable Content", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


# Response headers checked against the schema of the headers a response
# documents (others the document describes in prose).
CHECKED_HEADERS = ("etag", "cache-control", "vary", "content-encoding")


class Recorder:
    """What a test saw: responses of API calls and bodies of a schema."""

    def __init__(self):
        self.records = []
        self.gets = []  # (client, path) of every GET made through a RecordingClient

    def response(self, r):
        """r: a helpers.Response. Only JSON bodies are checked, but every
        response counts for the operations walked."""
        ctype = r.headers.get("content-type", "").split(";")[0].strip()
        body = r.json if ctype in ("application/json", "application/problem+json") else None
        self.records.append({"method": r.method, "path": r.path, "status": r.status,
                             "content_type": ctype, "body": body,
                             "has_body": bool(r.body),
                             "headers": {k: v for k, v in r.headers.items()
                                         if k in CHECKED_HEADERS}})

    def body(self, schema_ref, value, where):
        """value must match the schema at schema_ref ("#/components/...")."""
        self.records.append({"schema_ref": schema_ref, "body": value, "where": where})


def recording_client_class(base):
    """A subclass of helpers.Client whose every response goes to a
    Recorder (the recorder attribute)."""

    class RecordingClient(base):
        def __init__(self, port, recorder):
            super().__init__(port)
            self.recorder = recorder

        def request(self, method, path, *args, **kwargs):
            r = super().request(method, path, *args, **kwargs)
            self.recorder.response(r)
            if method == "GET" and (self, path) not in self.recorder.gets:
                self.recorder.gets.append((self, path))
            return r

    return RecordingClient


def _interpreter():
    import realservers as rs
    from helpers import Skip
    try:
        return rs.python_with("jsonschema, yaml")
    except Skip as exc:
        # The check is the test: without a validator it has not run.
        raise AssertionError("%s: install python3-jsonschema and python3-yaml "
                             "(scripts/deps.sh)" % exc)


def check(spec_text, recorder):
    """Validates everything recorded against spec_text (the YAML the server
    serves). Returns (mismatches, operations walked, operations listed),
    operations as "METHOD /template"."""
    with tempfile.TemporaryDirectory(prefix="chairside-openapi-") as d:
        spec = os.path.join(d, "openapi.yaml")
        with open(spec, "w", encoding="utf-8") as f:
            f.write(spec_text)
        records = os.path.join(d, "records.json")
        with open(records, "w", encoding="utf-8") as f:
            json.dump(recorder.records, f)
        r = subprocess.run([_interpreter(), os.path.abspath(__file__), spec, records],
                           capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError("the validator failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
    out = json.loads(r.stdout)
    mismatches = ["the document: " + p for p in out["document"]] + out["mismatches"]
    return mismatches, set(out["walked"]), set(out["listed"])


# --- the validator, run as a script -------------------------------------------


def _main(spec_path, records_path):
    import datetime
    import re

    import jsonschema
    import yaml

    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    with open(records_path, encoding="utf-8") as f:
        records = json.load(f)

    formats = jsonschema.FormatChecker(())
    rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

    @formats.checks("date-time", raises=ValueError)
    def _date_time(value):
        if not isinstance(value, str):
            return True
        if not rfc3339.match(value):
            raise ValueError("not RFC 3339 with an offset")
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @formats.checks("date", raises=ValueError)
    def _date(value):
        if not isinstance(value, str):
            return True
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise ValueError("not YYYY-MM-DD")
        datetime.date.fromisoformat(value)
        return True

    @formats.checks("uuid")
    def _uuid(value):
        return not isinstance(value, str) or bool(
            re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", value))

    templates = []
    for template in spec.get("paths", {}):
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        templates.append((template, re.compile(rx)))
    validators = {}

    def resolve(obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = spec
            for part in obj["$ref"][2:].split("/"):
                node = node[part]
            obj = node
        return obj

    def validator(key, schema):
        if key not in validators:
            # $ref "#/components/..." resolves against this root document.
            root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": spec.get("components", {}), "allOf": [schema]}
            validators[key] = jsonschema.Draft202012Validator(root, format_checker=formats)
        return validators[key]

    def errors_of(key, schema, body, where):
        out = []
        for e in sorted(validator(key, schema).iter_errors(body), key=lambda e: list(e.path)):
            at = "/".join(str(p) for p in e.absolute_path) or "(body)"
            out.append("%s: at %s: %s" % (where, at, e.message[:300]))
        return out

    def branches(schema, seen=()):
        """schema and everything it is made of (allOf, anyOf, oneOf, $ref)."""
        schema = resolve(schema)
        if not isinstance(schema, dict) or id(schema) in seen:
            return []
        out = [schema]
        for word in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(word, []):
                out += branches(sub, seen + (id(schema),))
        return out

    def undeclared(schemas, value, at, where, out):
        """Fields of value that no schema in schemas declares: the document
        is silent about them, though JSON Schema would let them pass."""
        parts = [b for sch in schemas for b in branches(sch)]
        if isinstance(value, dict):
            props, open_ = {}, False
            for b in parts:
                for name, sub in b.get("properties", {}).items():
                    props.setdefault(name, []).append(sub)
                extra = b.get("additionalProperties")
                if (extra is not None and extra is not False) or "patternProperties" in b:
                    open_ = True
            if not props:
                return  # a free-form object
            for name, sub in value.items():
                if name in props:
                    undeclared(props[name], sub, at + "/" + name, where, out)
                elif not open_:
                    out.append("%s: at %s: field %r is not in the document"
                               % (where, at or "(body)", name))
        elif isinstance(value, list):
            items = [b["items"] for b in parts if isinstance(b.get("items"), dict)]
            for i, sub in enumerate(value):
                if items:
                    undeclared(items, sub, "%s/%d" % (at, i), where, out)

    mismatches, walked = [], set()
    for rec in records:
        if "schema_ref" in rec:
            schema = {"$ref": rec["schema_ref"]}
            errors = errors_of(rec["schema_ref"], schema, rec["body"], rec["where"])
            if not errors:
                undeclared([schema], rec["body"], "", rec["where"], errors)
            mismatches += errors
            continue
        path = rec["path"].split("?", 1)[0]
        method = rec["method"].lower()
        where = "%s %s -> %d" % (rec["method"], rec["path"][:120], rec["status"])
        found = [t for t, rx in templates if rx.match(path)]
        # A literal segment beats a template one (/me/profile, not /me/{id}).
        found.sort(key=lambda t: t.count("{"))
        if not found:
            # Unknown paths are 404 problems (the document's general rules).
            if rec["status"] == 404 and method == "head":
                pass
            elif rec["status"] == 404 and rec["content_type"] == "application/problem+json":
                mismatches += errors_of("Problem", {"$ref": "#/components/schemas/Problem"},
                                        rec["body"], where)
            else:
                mismatches.append("%s: no such path in the document" % where)
            continue
        template = found[0]
        item = spec["paths"][template]
        op = item.get("get" if method == "head" else method)
        if op is None:
            if rec["status"] != 405:
                mismatches.append("%s: the document has no %s for %s" % (where, method, template))
            continue
        walked.add("%s %s" % (rec["method"] if method != "head" else "GET", template))
        responses = op.get("responses", {})
        status = str(rec["status"])
        resp = responses.get(status) or responses.get(status[0] + "XX") or \
            responses.get("default")
        if resp is None:
            mismatches.append("%s: status %s is not documented for %s %s"
                              % (where, status, method.upper(), template))
            continue
        resp = resolve(resp)
        documented = {k.lower(): resolve(v) for k, v in (resp.get("headers") or {}).items()}
        for name, value in rec.get("headers", {}).items():
            h = documented.get(name)
            if h is not None and h.get("schema"):
                mismatches += errors_of(("header", template, method, status, name),
                                        h["schema"], value, "%s: header %s" % (where, name))
        for name, h in documented.items():
            if name == "etag" and name not in rec.get("headers", {}):
                mismatches.append("%s: the documented ETag header is missing" % where)
        if not rec["has_body"] or method == "head":
            continue
        content = resp.get("content", {})
        media = content.get(rec["content_type"])
        if media is None:
            mismatches.append("%s: %s is not documented (has %s)"
                              % (where, rec["content_type"], ", ".join(content) or "no body"))
            continue
        if rec["body"] is None:
            continue  # not JSON (YAML, iCalendar): its type is all there is to check
        schema = media.get("schema")
        if schema is None:
            mismatches.append("%s: no schema for %s" % (where, rec["content_type"]))
            continue
        key = (template, method, status, rec["content_type"])
        errors = errors_of(key, schema, rec["body"], where)
        body = rec["body"]
        # RFC 9457 4.2.1: an about:blank problem's title is the reason phrase.
        if (not errors and rec["content_type"] == "application/problem+json"
                and isinstance(body, dict)
                and body.get("type") == "about:blank"
                and body.get("title") != REASONS.get(rec["status"])):
            errors.append("%s: title %r is not the reason phrase %r"
                          % (where, body.get("title"), REASONS.get(rec["status"])))
        if not errors:
            undeclared([schema], rec["body"], "", where, errors)
        mismatches += errors
    listed = sorted("%s %s" % (m.upper(), t) for t, item in spec.get("paths", {}).items()
                    for m in item if m in ("get", "put", "post", "patch", "delete"))
    json.dump({"mismatches": mismatches, "walked": sorted(walked), "listed": listed,
               "document": document_problems(spec, jsonschema)}, sys.stdout)


def document_problems(spec, jsonschema):
    """The document itself: every $ref leads somewhere and every schema in
    components is valid JSON Schema 2020-12 (by jsonschema's own
    meta-schema)."""
    problems = []

    def walk(node, at):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = spec
                try:
                    for part in ref[2:].split("/"):
                        target = target[part]
                except (KeyError, TypeError):
                    problems.append("%s: $ref %s leads nowhere" % (at, ref))
            for k, v in node.items():
                walk(v, at + "/" + str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, "%s/%d" % (at, i))

    walk(spec, "#")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as exc:
            problems.append("components/schemas/%s: %s" % (name, exc.message[:300]))
    return problems


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])

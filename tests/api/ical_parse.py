#!/usr/bin/env python3
"""Reads iCalendar files with Debian's python3-icalendar, a parser that is
not ours, and prints one JSON line per file: what the parser understood
(the calendar's METHOD and each component's properties, decoded), or the
error it stopped at. Run by standards.py under an interpreter that has the
module (realservers.python_with).

    python3 tests/api/ical_parse.py FILE...
"""

import json
import sys

import icalendar

# Properties reported as the parser decodes them.
PROPS = ("UID", "SEQUENCE", "STATUS", "SUMMARY", "DESCRIPTION", "LOCATION", "DTSTART", "DTEND",
         "DTSTAMP", "LAST-MODIFIED", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "X-CHAIRSIDE-STAFF")


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "total_seconds"):
        return int(value.total_seconds())
    if isinstance(value, (int, float)):
        return value
    return str(value)


def address(value):
    return {"value": str(value),
            "params": {k.upper(): str(v) for k, v in getattr(value, "params", {}).items()}}


def component(c):
    out = {"name": c.name, "props": {}, "organizer": None, "attendees": [],
           "components": [sub.name for sub in c.subcomponents]}
    for name in PROPS:
        if name in c:
            out["props"][name] = text(c.decoded(name))
    if "ORGANIZER" in c:
        org = c.get("ORGANIZER")
        out["organizer"] = address(org[0] if isinstance(org, list) else org)
    att = c.get("ATTENDEE")
    if att is not None:
        out["attendees"] = [address(a) for a in (att if isinstance(att, list) else [att])]
    return out


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # the parser's verdict is the result
        return {"file": path, "error": "%s: %s" % (type(exc).__name__, exc)}
    errors = []
    comps = []
    for c in cal.walk():
        errors += ["%s: %s" % (c.name, e) for e in getattr(c, "errors", [])]
        if c is not cal:
            comps.append(component(c))
    try:
        cal.to_ical()
    except Exception as exc:
        errors.append("cannot be written again: %s" % exc)
    return {"file": path, "name": cal.name, "errors": errors,
            "method": str(cal["METHOD"]) if "METHOD" in cal else None,
            "version": str(cal.get("VERSION", "")), "prodid": str(cal.get("PRODID", "")),
            "top": [sub.name for sub in cal.subcomponents], "components": comps}


def main():
    for path in sys.argv[1:]:
        print(json.dumps(parse(path)), flush=True)


if __name__ == "__main__":
    main()

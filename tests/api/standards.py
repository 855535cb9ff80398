"""What the standards say of every mail and calendar the tests receive,
judged by parsers that are not ours:

- mail: Python's `email` package with `policy=default` (no defects in any
  part), 7-bit headers, every text part in canonical CRLF form (RFC
  2045/2046), and iMIP (RFC 6047): a text/calendar part whose `method`
  parameter is its calendar's METHOD, charset UTF-8, the sender as
  ORGANIZER and the recipient as ATTENDEE;
- calendars: libical (tests/tools/ics_check.c: a parse without errors,
  one component at least, and icalrestriction_check(), libical's iTIP
  restriction check) and Debian's python3-icalendar (tests/api/
  ical_parse.py), whose reading of each calendar the tests then look at.

run.py points ICS_CHECK at the ics_check built beside the server.
"""

import email
import email.policy
import email.utils
import json
import os
import subprocess
import tempfile

import helpers

HERE = os.path.dirname(os.path.abspath(__file__))
ICS_CHECK = None  # path of the built tests/tools/ics_check


def _ics_check_path():
    path = ICS_CHECK or os.environ.get("CHAIRSIDE_ICS_CHECK")
    helpers.check(path and os.access(path, os.X_OK),
                  "ics_check is not built (%r): `make api` builds it" % path)
    return path


def _python_with_icalendar():
    import realservers  # realservers imports this module: import late
    try:
        return realservers.python_with("icalendar")
    except helpers.Skip as exc:  # every mail is checked, or the test fails
        raise AssertionError(str(exc)) from exc


def check_calendars(items):
    """items: [(label, text, method or None for "no METHOD")]. Returns what
    python3-icalendar read of each (ical_parse.py's JSON), in order, after
    libical and python3-icalendar both accepted every one."""
    if not items:
        return []
    problems = []
    with tempfile.TemporaryDirectory(prefix="ics-check-") as folder:
        paths = []
        for i, (label, text, method) in enumerate(items):
            path = os.path.join(folder, "%03d.ics" % i)
            with open(path, "wb") as f:
                f.write(text.encode("utf-8") if isinstance(text, str) else text)
            paths.append(path)
        for (label, text, method), path in zip(items, paths):
            r = subprocess.run([_ics_check_path(), "--method", method or "none", path],
                               capture_output=True, text=True)
            if r.returncode != 0:
                problems.append("libical on %s: %s%s" % (label, r.stdout.strip(), r.stderr.strip()))
        r = subprocess.run([_python_with_icalendar(), os.path.join(HERE, "ical_parse.py")] + paths,
                           capture_output=True, text=True)
        helpers.check(r.returncode == 0, "ical_parse.py failed: %s" % r.stderr)
        parsed = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    helpers.eq(len(parsed), len(items), "calendars python3-icalendar read")
    for (label, text, method), info in zip(items, parsed):
        if info.get("error") or info.get("errors"):
            problems.append("python3-icalendar on %s: %s" % (
                label, info.get("error") or "; ".join(info["errors"])))
            continue
        helpers.eq(info["name"], "VCALENDAR", "%s is a VCALENDAR" % label)
        helpers.eq(info["method"], method, "METHOD of %s" % label)
        helpers.check(info["top"], "%s holds no component" % label)
    helpers.check(not problems, "calendars that break the standards:\n" + "\n".join(
        p + "\n--- calendar ---\n" + (t if isinstance(t, str) else t.decode())
        for p, (_, t, _m) in zip(problems, items)))
    return parsed


def events(info):
    return [c for c in info["components"] if c["name"] == "VEVENT"]


def mailto(address):
    return "mailto:" + address


def _check_event_itip(label, ev, method, organizer, attendee):
    p = ev["props"]
    for name in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "STATUS", "LAST-MODIFIED"):
        helpers.check(name in p, "%s: VEVENT lacks %s: %r" % (label, name, ev))
    helpers.check(str(p.get("SUMMARY", "")).strip(), "%s: SUMMARY is empty: %r" % (label, ev))
    helpers.check(isinstance(p["SEQUENCE"], int) and p["SEQUENCE"] >= 0,
                  "%s: SEQUENCE %r" % (label, p["SEQUENCE"]))
    helpers.eq(p["STATUS"], "CANCELLED" if method == "CANCEL" else "CONFIRMED",
               "%s: STATUS" % label)
    helpers.check(ev["organizer"], "%s: no ORGANIZER" % label)
    helpers.eq(ev["organizer"]["value"].lower(), mailto(organizer).lower(),
               "%s: ORGANIZER is the sender" % label)
    if method == "PUBLISH":
        helpers.eq(ev["attendees"], [], "%s: PUBLISH has no ATTENDEE" % label)
    else:
        helpers.eq([a["value"].lower() for a in ev["attendees"]], [mailto(attendee).lower()],
                   "%s: the recipient is the ATTENDEE" % label)


def _canonical(data):
    """True when every line break in data is CRLF."""
    return data.replace(b"\r\n", b"").find(b"\n") < 0 and data.replace(b"\r\n", b"").find(
        b"\r") < 0


def check_mails(raws):
    """raws: [(label, raw bytes, envelope {"from", "to"})]. Parses each with
    policy=default and checks it (see the module's doc). Returns the
    EmailMessage objects, each with .calendars: what python3-icalendar
    read of its text/calendar part (empty without one)."""
    out, pending = [], []
    for label, raw, env in raws:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        head = raw.split(b"\r\n\r\n", 1)[0]
        helpers.check(b"\n" not in head.replace(b"\r\n", b""), "%s: bare LF in headers" % label)
        helpers.check(max(head or b"\0") < 128, "%s: headers are not 7-bit" % label)
        defects = [(p.get_content_type(), d) for p in msg.walk() for d in p.defects]
        helpers.eq(defects, [], "%s: defects the email package found" % label)
        frm = email.utils.parseaddr(str(msg["from"]))[1]
        to = email.utils.parseaddr(str(msg["to"]))[1]
        helpers.check(frm.isascii() and to.isascii(), "%s: addresses in ASCII: %s, %s"
                      % (label, frm, to))
        helpers.eq(env["to"], [to], "%s: envelope recipient is To:" % label)
        helpers.eq(env["from"], frm, "%s: envelope sender is From:" % label)
        cal_parts, attachments = [], []
        for part in msg.walk():
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            data = part.get_payload(decode=True)
            if ctype.startswith("text/") or ctype == "application/ics":
                helpers.check(_canonical(data), "%s: %s is not in canonical CRLF form: %r"
                              % (label, ctype, data[:200]))
            if ctype == "text/calendar":
                cal_parts.append(part)
            elif ctype == "application/ics":
                attachments.append(part)
        helpers.check(len(cal_parts) <= 1, "%s: one text/calendar part at most" % label)
        msg.calendars = []
        if cal_parts:
            part = cal_parts[0]
            method = part.get_param("method")
            helpers.check(method in ("REQUEST", "CANCEL", "PUBLISH"),
                          "%s: text/calendar method=%r" % (label, method))
            helpers.eq(str(part.get_param("charset")).upper(), "UTF-8", "%s: charset" % label)
            text = part.get_payload(decode=True).decode("utf-8")
            for att in attachments:
                helpers.eq(att.get_payload(decode=True).decode("utf-8"), text,
                           "%s: the attachment is the invitation" % label)
            pending.append((len(out), label, text, method, frm, to))
        out.append(msg)
    infos = check_calendars([(label, text, method) for _, label, text, method, _, _ in pending])
    for (i, label, text, method, frm, to), info in zip(pending, infos):
        for ev in events(info):
            _check_event_itip(label, ev, method, frm, to)
        helpers.check(events(info), "%s: the invitation has no VEVENT" % label)
        out[i].calendars = [info]
    return out


def check_feed(text, label="feed"):
    """A subscribed calendar: RFC 5545 with METHOD PUBLISH (or none), every
    event with ORGANIZER (for PUBLISH), no ATTENDEE, SEQUENCE and
    LAST-MODIFIED. Returns what python3-icalendar read of it."""
    method = "PUBLISH" if "\r\nMETHOD:PUBLISH\r\n" in text else None
    info = check_calendars([(label, text, method)])[0]
    for ev in events(info):
        p = ev["props"]
        for name in ("UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART", "DTEND"):
            helpers.check(name in p, "%s: VEVENT lacks %s: %r" % (label, name, ev))
        helpers.check(str(p.get("SUMMARY", "")).strip(), "%s: empty SUMMARY" % label)
        helpers.eq(ev["attendees"], [], "%s: a feed invites nobody (no ATTENDEE)" % label)
        if method == "PUBLISH":
            helpers.check(ev["organizer"], "%s: PUBLISH needs ORGANIZER: %r" % (label, ev))
    return info


def event_by_uid(info, uid):
    found = [ev for ev in events(info) if ev["props"].get("UID") == uid]
    helpers.eq(len(found), 1, "events with UID %s" % uid)
    return found[0]

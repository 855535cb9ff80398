"""Real servers for the notification tests: Debian's aiosmtpd (SMTP),
Radicale and Xandikos (CalDAV) on free loopback ports, a recording proxy
in front of a CalDAV server, and extra chairside processes
with their own database and environment (fast outbox polling)."""

import atexit
import base64
import glob
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import helpers
import standards
from helpers import Skip

HERE = os.path.dirname(os.path.abspath(__file__))
FAST_ENV = {"CHAIRSIDE_OUTBOX_POLL_MS": "100", "CHAIRSIDE_OUTBOX_RETRY_MS": "300",
            "CHAIRSIDE_OUTBOX_RETRY_MAX_MS": "1000"}


def python_with(module):
    """An interpreter that can import module (Debian's packages live in
    /usr/bin/python3, which may not be the one running the tests)."""
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.path.exists(exe) and subprocess.run(
                [exe, "-c", "import " + module], capture_output=True).returncode == 0:
            return exe
    raise Skip("python module %s is not installed (scripts/deps.sh installs it)" % module)


def wait_until(fn, timeout=20.0, what="condition", step=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(step)
    raise AssertionError("timed out after %.0fs waiting for %s (last: %r)" % (timeout, what, last))


def wait_port(port, proc, timeout=20.0):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("process exited with %d" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on port %d" % port)


def stop_proc(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class SmtpSink:
    """aiosmtpd writing every message it accepts to a folder."""

    def __init__(self, folder, port=None, credentials=None, tls=None):
        self.folder = folder
        self.port = port or helpers.free_port()
        self.credentials = credentials  # "user:password": AUTH required
        self.tls = tls  # (certificate file, key file): STARTTLS required
        self.proc = None
        self._checked = {}  # path -> (envelope, message), checked

    def start(self):
        os.makedirs(self.folder, exist_ok=True)
        self.proc = subprocess.Popen(
            [python_with("aiosmtpd"), os.path.join(HERE, "smtp_sink.py"), str(self.port),
             self.folder] + (["--auth", self.credentials] if self.credentials else [])
            + (["--tls"] + list(self.tls) if self.tls else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL)
        wait_port(self.port, self.proc)
        return self

    def stop(self):
        stop_proc(self.proc)

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def messages(self):
        """[(envelope dict, email.message.EmailMessage)] in arrival order.
        Each message is checked against the standards once, when it is
        first read (standards.check_mails): a test reading mail fails on
        the first one that breaks them."""
        paths = sorted(glob.glob(os.path.join(self.folder, "*.eml")))
        new = [p for p in paths if p not in self._checked]
        if new:
            raws = []
            for path in new:
                with open(path, "rb") as f:
                    raw = f.read()
                with open(path[:-4] + ".json") as f:
                    env = json.load(f)
                raws.append((os.path.basename(path), raw, env))
            for path, (_, _, env), msg in zip(new, raws, standards.check_mails(raws)):
                self._checked[path] = (env, msg)
        return [self._checked[p] for p in paths]

    def raw(self):
        """The messages exactly as they arrived, as bytes."""
        out = []
        for path in sorted(glob.glob(os.path.join(self.folder, "*.eml"))):
            with open(path, "rb") as f:
                out.append(f.read())
        return out

    def to(self, address, subject_part=None):
        return [m for env, m in self.messages()
                if address in env["to"] and (subject_part is None
                                             or subject_part in str(m["subject"]))]

    def wait_for(self, address, subject_part=None, count=1, timeout=20.0):
        return wait_until(lambda: (lambda ms: ms if len(ms) >= count else None)(
            self.to(address, subject_part)), timeout,
            "%d mail(s) to %s (%s)" % (count, address, subject_part))


class CalDav:
    """What the diary tests do with a CalDAV server, whichever it is: plain
    HTTP as any calendar client sends it."""

    USER = "diary"
    PASSWORD = "diary-pass"
    NAME = "caldav"

    def __init__(self, folder, port=None):
        self.folder = folder
        self.port = port or helpers.free_port()
        self.proc = None

    def command(self):
        raise NotImplementedError

    def start(self):
        os.makedirs(self.folder, exist_ok=True)
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        wait_port(self.port, self.proc)
        return self

    def stop(self):
        stop_proc(self.proc)
        self.proc = None

    def request(self, method, path, body=None, headers=None):
        """(status, body text, response headers)."""
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=body.encode() if isinstance(body, str) else body,
                                     method=method)
        token = base64.b64encode(("%s:%s" % (self.USER, self.PASSWORD)).encode()).decode()
        req.add_header("Authorization", "Basic " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)

    def make_calendar(self, name):
        status, body, _ = self.request("MKCALENDAR", name + "/")
        helpers.check(status in (200, 201), "MKCALENDAR %s: %d %s" % (name, status, body))
        return self.base + name + "/"

    def put_event(self, calendar_url, name, ics, headers=None):
        h = {"Content-Type": "text/calendar; charset=utf-8"}
        h.update(headers or {})
        status, body, _ = self.request("PUT", calendar_url + name, ics, h)
        helpers.check(status in (200, 201, 204), "PUT %s: %d %s" % (name, status, body))

    def get_event(self, calendar_url, name):
        status, body, _ = self.request("GET", calendar_url + name)
        return status, body

    def event_names(self, calendar_url):
        """The resource names in the collection (PROPFIND, Depth 1)."""
        status, body, _ = self.request("PROPFIND", calendar_url,
                                       '<?xml version="1.0"?><propfind xmlns="DAV:">'
                                       "<prop><getetag/></prop></propfind>",
                                       {"Depth": "1", "Content-Type": "application/xml"})
        helpers.check(status == 207, "PROPFIND: %d %s" % (status, body))
        hrefs = re.findall(r"<(?:\w+:)?href>([^<]*)</(?:\w+:)?href>", body)
        names = [urllib.parse.unquote(h.rstrip("/").rsplit("/", 1)[-1]) for h in hrefs]
        return sorted(n for n in names if n.endswith(".ics"))


class Radicale(CalDav):
    """Debian's Radicale."""

    NAME = "radicale"

    def command(self):
        return [python_with("radicale"), "-m", "radicale", "--config", "",
                "--server-hosts", "127.0.0.1:%d" % self.port, "--auth-type", "none",
                "--rights-type", "owner_only", "--storage-filesystem-folder", self.folder,
                "--logging-level", "warning"]

    @property
    def base(self):
        return "http://127.0.0.1:%d/%s/" % (self.port, self.USER)


class Xandikos(CalDav):
    """Debian's Xandikos (no authentication: the credentials go unread)."""

    NAME = "xandikos"

    def command(self):
        exe = shutil.which("xandikos")
        if not exe:
            raise Skip("xandikos is not installed (scripts/deps.sh installs it)")
        return [exe, "-d", self.folder, "-l", "127.0.0.1", "-p", str(self.port), "--autocreate"]

    @property
    def base(self):
        return "http://127.0.0.1:%d/user/calendars/" % self.port


class RecordingProxy:
    """A reverse proxy in front of a CalDAV server that keeps every request
    it forwards (method, path, headers, and the answer's status and ETag):
    what the diary worker sends, as the server sees it."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.requests = []
        self.weak_etags = False  # answer ETags as weak ones (W/"...")
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                seen = {"method": self.command, "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode("utf-8", "replace"), "status": None, "etag": None}
                with proxy.lock:
                    proxy.requests.append(seen)
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=10)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in ("host", "connection")}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    with proxy.lock:
                        seen["status"], seen["etag"] = r.status, r.getheader("ETag")
                    self.send_response(r.status)
                    for k, v in r.getheaders():
                        if k.lower() == "etag" and proxy.weak_etags and not v.startswith("W/"):
                            v = "W/" + v
                        if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                finally:
                    conn.close()

            do_GET = do_PUT = do_DELETE = do_REPORT = do_PROPFIND = do_MKCALENDAR = _any
            do_POST = do_HEAD = do_OPTIONS = _any

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url_for(self, target_url):
        """target_url (on the proxied server) as reached through the proxy."""
        return re.sub(r"^http://127\.0\.0\.1:\d+", "http://127.0.0.1:%d" % self.port, target_url)

    def seen(self, method=None, path_part=None):
        with self.lock:
            return [r for r in self.requests if (method is None or r["method"] == method)
                    and (path_part is None or path_part in r["path"])]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Chairside:
    """An extra chairside server: own scratch database and environment."""

    def __init__(self, binary, scratch, env=None):
        self.binary = binary
        self.scratch = scratch
        self.db = helpers.scratch_db(scratch, "chairside")
        # A restart keeps the database and its admin.
        self._has_admin = not helpers.is_url(self.db) and os.path.exists(self.db)
        self.env = dict(FAST_ENV)
        self.env.update(env or {})
        self.server = None
        self._admin = None

    def start(self, port=None):
        if not self._has_admin:
            r = helpers.run_cli(self.binary, "user", "add", "--email", helpers.ADMIN_EMAIL,
                                "--password", helpers.ADMIN_PASSWORD, "--role", "admin",
                                "--db", self.db)
            helpers.check(r.returncode == 0, "user add failed: %s%s" % (r.stdout, r.stderr))
            self._has_admin = True
        self.server = helpers.Server(self.binary, self.db,
                                     os.path.join(self.scratch, "server.log"), port=port)
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            self.server.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self._admin = None
        return self

    @property
    def port(self):
        return self.server.port

    @property
    def admin(self):
        if self._admin is None:
            self._admin = helpers.logged_in(self.port, helpers.ADMIN_EMAIL,
                                            helpers.ADMIN_PASSWORD)
        return self._admin

    def stop(self):
        if self.server:
            code, _ = self.server.stop()
            return code
        return None

    def kill(self):
        """kill -9: no clean shutdown at all."""
        self.server.proc.kill()
        self.server.proc.wait()
        if self.server.log:
            self.server.log.close()
            self.server.log = None


def self_signed_cert(folder):
    """A certificate for 127.0.0.1 and localhost: (cert file, key file)."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert,
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       capture_output=True, text=True)
    helpers.check(r.returncode == 0, "openssl req failed: %s" % r.stderr)
    return cert, key


class ModuleServers(dict):
    """A test module's long-lived servers by name (anything with stop()),
    and their scratch folder under "scratch": stop_all stops them, the last
    started first, and removes the folder; it also runs when the suite's
    process ends, so a failed module leaves nothing behind."""

    def __init__(self):
        super().__init__()
        atexit.register(self.stop_all)

    def stop_all(self):
        for key, server in reversed(list(self.items())):
            if key != "scratch" and server is not None:
                server.stop()
        if self.get("scratch"):
            remove(self["scratch"])
        self.clear()


def scratch_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def remove(path):
    shutil.rmtree(path, ignore_errors=True)


def text_parts(msg):
    """(plain text, html, [(content type, filename, payload)]) of a message:
    the attachments are the parts with a file name (an invitation's
    invite.ics)."""
    plain = html = None
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_filename():
            attachments.append((ctype, part.get_filename(), part.get_content()))
        elif ctype == "text/plain":
            plain = part.get_content()
        elif ctype == "text/html":
            html = part.get_content()
    return plain, html, attachments


def invitation(msg):
    """The iMIP part of a message: (method parameter, calendar text, what
    python3-icalendar read of it); None without one."""
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            return (part.get_param("method"), part.get_payload(decode=True).decode("utf-8"),
                    msg.calendars[0])
    return None


def notifications(c, **params):
    body = c.get(helpers.API + "/notifications", **params).expect(200)
    return body["items"]

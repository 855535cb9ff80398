#!/usr/bin/env python3
"""API test runner: starts the real chairside binary on a free loopback
port with a scratch database, runs every test_* function of every
tests/api/test_*.py module against it over HTTP, stops the server with
SIGTERM, and writes "passed failed skipped" to the results file.

    python3 tests/api/run.py --bin build/chairside --results build/results/api.txt
    [-k SUBSTRING] [-v] [--db-url postgresql://user:pass@host:port[/db]]

With --db-url the servers keep their data in PostgreSQL instead of SQLite
files: given a server URL (no database), the suite makes a fresh database
for the main server (and one for each extra server) and drops them at the
end; given a database URL, the main server uses that database, which
should be empty (scripts/pg_scratch.sh createdb makes one), and the extra
ones are made beside it.
"""

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep tests/api free of __pycache__

import helpers  # noqa: E402
import standards  # noqa: E402
from helpers import Skip  # noqa: E402


class Context:
    """What a test gets: the server, the binary and per-module logins."""

    def __init__(self, binary, scratch, db, server):
        self.bin = binary
        self.scratch = scratch
        self.db = db
        self.server = server
        self.port = server.port
        self._admin = None
        self._staff = None

    @property
    def backend(self):
        """The database backend the server runs on, as /healthz names it."""
        return "postgresql" if helpers.is_url(self.db) else "sqlite"

    def sql_rows(self, query, params=()):
        """Rows of one SQL statement on the main server's database, on
        either backend; `?` placeholders (see helpers.sql_rows)."""
        return helpers.sql_rows(self.db, query, params)

    def scratch_db(self, name):
        """A new empty database for an extra server, as --db takes it."""
        return helpers.scratch_db(self.scratch, name)

    def client(self):
        return helpers.Client(self.port)

    @property
    def admin(self):
        if self._admin is None:
            self._admin = helpers.logged_in(self.port, helpers.ADMIN_EMAIL,
                                            helpers.ADMIN_PASSWORD)
        return self._admin

    @property
    def staff(self):
        if self._staff is None:
            self._staff = helpers.logged_in(self.port, helpers.STAFF_EMAIL,
                                            helpers.STAFF_PASSWORD)
        return self._staff

    def for_module(self):
        return Context(self.bin, self.scratch, self.db, self.server)


def discover(pattern):
    tests = []
    for name in sorted(os.listdir(HERE)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        mod = importlib.import_module(name[:-3])
        funcs = [(k, v) for k, v in vars(mod).items()
                 if k.startswith("test_") and callable(v) and getattr(v, "__module__", "")
                 == mod.__name__]
        for fname, fn in funcs:
            full = "%s.%s" % (mod.__name__, fname)
            if pattern and pattern not in full:
                continue
            tests.append((mod.__name__, full, fn))
    return tests


def short_reason(exc):
    if isinstance(exc, AssertionError):
        text = str(exc) or "assertion failed"
        tb = traceback.extract_tb(exc.__traceback__)
        frames = [f for f in tb if os.path.basename(f.filename).startswith("test_")]
        where = frames[-1] if frames else (tb[-1] if tb else None)
        if where is not None:
            text += " (%s:%d)" % (os.path.basename(where.filename), where.lineno)
        return text
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:]).strip()


def run_cli_setup(binary, db):
    for email, password, role in ((helpers.ADMIN_EMAIL, helpers.ADMIN_PASSWORD, "admin"),
                                  (helpers.STAFF_EMAIL, helpers.STAFF_PASSWORD, "staff")):
        r = helpers.run_cli(binary, "user", "add", "--email", email, "--password", password,
                            "--role", role, "--db", db)
        if r.returncode != 0:
            raise RuntimeError("user add %s failed (%d): %s%s"
                               % (email, r.returncode, r.stdout, r.stderr))


def run_tests(tests, base, contexts, failures, server, verbose, counts):
    for module, name, fn in tests:
        ctx = contexts.setdefault(module, base.for_module())
        t0 = time.monotonic()
        try:
            fn(ctx)
            counts["passed"] += 1
            status = "ok"
        except Skip as exc:
            counts["skipped"] += 1
            status = "skip (%s)" % exc
        except Exception as exc:
            failures.append((name, short_reason(exc)))
            status = "FAIL"
        if verbose:
            print("%-60s %-6s %.2fs" % (name, status, time.monotonic() - t0), flush=True)
        if server.proc.poll() is not None:
            failures.append(("run.server_alive", "server exited with %d during %s"
                             % (server.proc.returncode, name)))
            break


def pg_main_database(url):
    """The main server's database for --db-url: a fresh one on a server
    URL, the given one on a database URL; later scratch_db calls make
    their databases beside it."""
    prefix, name = helpers.split_pg_url(url)
    if not helpers.is_url(url):
        raise RuntimeError("--db-url must be a postgresql:// URL")
    helpers.PG_URL = prefix
    if name:
        helpers.PG_PREFIX = name
        return url
    return helpers.fresh_pg_database(helpers.PG_PREFIX)


def write_results(path, passed, failed, skipped):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    with open(path, "w") as f:
        f.write("%d %d %d\n" % (passed, failed, skipped))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("-k", dest="pattern", default="", help="run tests whose name contains this")
    ap.add_argument("-v", dest="verbose", action="store_true")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory (and PostgreSQL databases)")
    ap.add_argument("--db-url", default="",
                    help="run on PostgreSQL: a server URL, or the URL of an empty database")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    # libical's checker, built beside the server (make api).
    standards.ICS_CHECK = os.path.join(os.path.dirname(binary), "tools", "ics_check")
    scratch = tempfile.mkdtemp(prefix="chairside-api-")
    db = os.path.join(scratch, "chairside.db")
    server = helpers.Server(binary, db, os.path.join(scratch, "server.log"))
    failures = []
    started = time.monotonic()

    try:
        if not os.access(binary, os.X_OK):
            raise RuntimeError("no executable at %s (build it first)" % binary)
        if args.db_url:
            db = server.db = pg_main_database(args.db_url)
        run_cli_setup(binary, db)
        server.start()
    except Exception as exc:  # the whole suite depends on this
        failures.append(("run.start_server", str(exc)))
        server.stop()
        if not args.keep:
            try:
                helpers.drop_pg_databases()
            except Exception:  # the failure above is the one to report
                pass
        write_results(args.results, 0, len(failures), 0)
        print("FAIL run.start_server: %s" % exc)
        tail = server.log_tail()
        if tail:
            print("--- server log (tail) ---\n" + tail)
        print("api: 0 passed, %d failed" % len(failures))
        return 1
    if args.verbose:
        print("database: %s" % (db if not args.db_url else "postgresql (%s)"
                                % helpers.split_pg_url(db)[1]), flush=True)

    base = Context(binary, scratch, db, server)
    contexts = {}
    counts = {"passed": 0, "skipped": 0}
    try:
        tests = discover(args.pattern)
    except Exception as exc:
        tests = []
        failures.append(("run.discover", short_reason(exc)))
    try:
        run_tests(tests, base, contexts, failures, server, args.verbose, counts)
    except BaseException:
        server.stop()
        raise
    passed, skipped = counts["passed"], counts["skipped"]

    # Stopping cleanly is part of the contract.
    code, took = server.stop(timeout=10)
    if code == 0:
        passed += 1
    elif code is None:
        failures.append(("run.sigterm_exit", "server did not exit within 10 s of SIGTERM"))
    else:
        failures.append(("run.sigterm_exit", "server exited with %d after SIGTERM (%.1fs)"
                         % (code, took)))

    write_results(args.results, passed, len(failures), skipped)
    for name, reason in failures:
        print("FAIL %s: %s" % (name, reason))
    if failures:
        tail = server.log_tail()
        if tail:
            print("--- server log (tail of %s) ---\n%s" % (server.log_path, tail))
    if args.verbose:
        print("(%.1fs)" % (time.monotonic() - started))
    if failures or args.keep:
        print("scratch directory kept: %s" % scratch)
        if helpers._pg_created:
            print("postgresql databases kept: %s" % " ".join(helpers._pg_created))
    else:
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            helpers.drop_pg_databases()
        except Exception as exc:  # leftovers in a scratch cluster are harmless
            print("could not drop the test databases: %s" % exc)
    if skipped:
        print("(%d skipped)" % skipped)
    print("api: %d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

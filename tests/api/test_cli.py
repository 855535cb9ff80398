"""Command line: backup (online, consistent), migrate on the copy, and the
demo clinic served by a second server."""

import os
import re
import subprocess

from helpers import (API, Client, Server, Skip, check, eq, make_location, run_cli,
                     sql_rows)


PG_RESTORE = "/usr/lib/postgresql/15/bin/pg_restore"


def _check_copy(db, ctx, loc):
    """Migrate works on the restored copy and it holds what was there."""
    r = run_cli(ctx.bin, "migrate", "--db", db)
    eq(r.returncode, 0, "migrate on the backup (stderr %r)" % r.stderr)
    if ctx.backend == "sqlite":
        eq(sql_rows(db, "PRAGMA integrity_check")[0][0], "ok", "backup integrity")
    names = [row[0] for row in sql_rows(db, "SELECT name FROM locations")]
    check(loc["name"] in names, "backup lacks the location made before it")
    emails = [row[0] for row in sql_rows(db, "SELECT email FROM users")]
    check("admin@test.test" in emails, "backup lacks the admin user")


def _restore_pg_dump(ctx, copy):
    """A pg_dump archive restored into a fresh database; its URL."""
    db = ctx.scratch_db("restored")
    tool = PG_RESTORE if os.path.exists(PG_RESTORE) else "pg_restore"
    r = subprocess.run([tool, "--no-owner", "--no-comments", "--exit-on-error", "--dbname", db,
                        copy], capture_output=True, text=True, timeout=120)
    eq(r.returncode, 0, "pg_restore of the backup (stderr %r)" % r.stderr)
    return db


def test_backup_then_migrate(ctx):
    c = ctx.admin
    loc = make_location(c)
    copy = os.path.join(ctx.scratch, "backup.db")
    r = run_cli(ctx.bin, "backup", "--db", ctx.db, "--to", copy)
    eq(r.returncode, 0, "backup exit code (stderr %r)" % r.stderr)
    check(os.path.getsize(copy) > 0, "backup file is empty")
    # The server kept working during the backup.
    c.get(API + "/me").expect(200)
    r = run_cli(ctx.bin, "backup", "--db", ctx.db)
    check(r.returncode != 0, "backup without --to must fail")
    with open(copy, "rb") as f:
        head = f.read(16)
    if ctx.backend == "sqlite":
        eq(head, b"SQLite format 3\0", "a SQLite backup is a SQLite database")
        _check_copy(copy, ctx, loc)
    elif head.startswith(b"PGDMP"):
        # pg_dump's archive format: the PostgreSQL equivalent of opening
        # the SQLite copy is restoring it into a database of its own.
        _check_copy(_restore_pg_dump(ctx, copy), ctx, loc)
    else:
        raise Skip("PostgreSQL backup is not a pg_dump archive (%r); checked its exit code, "
                   "size and that the server kept serving, not its contents" % head[:5])


def test_user_add_cli_errors(ctx):
    r = run_cli(ctx.bin, "user", "add", "--email", "admin@test.test", "--password",
                "another-pass-1", "--role", "admin", "--db", ctx.db)
    check(r.returncode != 0, "adding an existing e-mail must fail")
    r = run_cli(ctx.bin, "user", "add", "--email", "x@test.test", "--password", "short",
                "--role", "admin", "--db", ctx.db)
    check(r.returncode != 0, "a 5-byte password must be refused")
    r = run_cli(ctx.bin, "frobnicate")
    check(r.returncode != 0, "an unknown command must fail")


def test_demo_data_and_login(ctx):
    db = ctx.scratch_db("demo")
    r = run_cli(ctx.bin, "demo", "--db", db)
    eq(r.returncode, 0, "demo exit code (stderr %r)" % r.stderr)
    check("admin@demo.test" in r.stdout and "demo-admin" in r.stdout,
          "demo must print the admin login: %r" % r.stdout)
    logins = re.findall(r"(\S+@demo\.test) / (\S+)", r.stdout)
    check(len(logins) >= 2, "demo logins printed: %r" % r.stdout)
    server = Server(ctx.bin, db, os.path.join(ctx.scratch, "demo-server.log"))
    try:
        server.start()
        admin = Client(server.port)
        user = admin.login("admin@demo.test", "demo-admin").expect(200)["user"]
        eq(user.get("role"), "admin", "demo admin role")
        for email, password in logins:
            r = Client(server.port).login(email, password)
            eq(r.status, 200, "printed demo login %s works (%s)" % (email, r.describe()))
        locs = admin.get(API + "/locations").expect(200)["items"]
        check(len(locs) >= 1, "demo has a location")
        staff = admin.get(API + "/staff").expect(200)["items"]
        check(len(staff) >= 2, "demo has staff")
        shifts = admin.get(API + "/staff/%d/shifts" % staff[0]["id"]).expect(200)["shifts"]
        check(shifts, "demo staff have shifts")
        check(admin.get(API + "/services").expect(200)["items"], "demo has services")
        check(admin.get(API + "/patients").expect(200)["items"], "demo has patients")
        check(admin.get(API + "/bookings").expect(200)["items"], "demo has bookings")
        again = run_cli(ctx.bin, "demo", "--db", db, "--if-empty")
        eq(again.returncode, 0, "demo --if-empty on a filled database")
    finally:
        code, took = server.stop(timeout=10)
    eq(code, 0, "second server exit code after SIGTERM (%.1fs)" % took)


def test_database_that_cannot_be_opened(ctx):
    # Nothing listens on port 1; the password must never be shown.
    for target, says in (("postgresql://chairside:s3cret-pw@127.0.0.1:1/none",
                          "cannot connect to PostgreSQL"),
                         ("/nonexistent-dir/sub/x.db", "cannot open the SQLite database")):
        for cmd in (["migrate"], ["serve", "--listen", "127.0.0.1:1"]):
            r = run_cli(ctx.bin, *(cmd + ["--db", target]), timeout=30)
            check(r.returncode != 0, "%s on %s must fail: %r" % (cmd[0], target, r))
            out = r.stdout + r.stderr
            errors = [l for l in out.splitlines() if "level=error" in l]
            eq(len(errors), 1, "one error line for %s on %s: %r" % (cmd[0], target, out))
            check(says in errors[0], "the line says why: %r" % errors[0])
            check("s3cret-pw" not in out, "password shown: %r" % out)

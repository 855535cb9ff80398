#!/usr/bin/env python3
"""Copies a Chairside SQLite database into a migrated PostgreSQL one.

usage: copy_to_pg.py SQLITE_DB POSTGRESQL_URL

The PostgreSQL database must already carry the schema (`chairside migrate
--db URL`). Every table the two have in common is emptied (the rows the
migrations seed, such as settings, ledger accounts and templates, come over
from SQLite instead; a freshly migrated database is expected, whose
ledger is still empty) and refilled with COPY FROM STDIN, column by column by
name, parents before children (the foreign keys decide the order), all in
one transaction. Identity and serial sequences are then set past max(id)
so the server's next insert gets a fresh id, and the database is vacuumed
and analysed so the planner and index-only scans see the loaded rows.
Schema bookkeeping (SQLite's sqlite_* tables, PostgreSQL's schema_version)
is left alone. Needs psycopg2 (Debian: python3-psycopg2).
"""
import io
import sqlite3
import sys
import time

import psycopg2

BOOKKEEPING = {"schema_version"}


def pg_tables(cur):
    cur.execute("SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    return {r[0] for r in cur.fetchall()} - BOOKKEEPING


def pg_columns(cur, table):
    cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "ORDER BY ordinal_position", (table,))
    return dict(cur.fetchall())


def dependency_order(cur, tables):
    """Tables sorted so every table comes after those its foreign keys name."""
    cur.execute("SELECT c.conrelid::regclass::text, c.confrelid::regclass::text "
                "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE c.contype = 'f' AND n.nspname = current_schema()")
    parents = {t: set() for t in tables}
    for child, parent in cur.fetchall():
        child, parent = child.strip('"'), parent.strip('"')
        if child in parents and parent in parents and child != parent:
            parents[child].add(parent)
    order, done = [], set()
    while len(order) < len(tables):
        ready = sorted(t for t in tables if t not in done and parents[t] <= done)
        if not ready:
            sys.exit("copy_to_pg: foreign-key cycle among %s"
                     % sorted(t for t in tables if t not in done))
        order.extend(ready)
        done.update(ready)
    return order


def copy_text(value, bytea):
    """One field in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    if bytea and isinstance(value, str):
        return "\\\\x" + value.encode().hex()
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def copy_table(lite, cur, table, columns, bytea_cols):
    quoted = ", ".join('"%s"' % c for c in columns)
    buf = io.StringIO()
    flags = [c in bytea_cols for c in columns]
    n = 0
    for row in lite.execute("SELECT %s FROM \"%s\"" % (quoted, table)):
        buf.write("\t".join(copy_text(v, b) for v, b in zip(row, flags)))
        buf.write("\n")
        n += 1
    if n:
        buf.seek(0)
        cur.copy_expert('COPY "%s" (%s) FROM STDIN' % (table, quoted), buf)
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    started = time.monotonic()
    lite = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    lite_tables = {r[0] for r in lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    pg = psycopg2.connect(sys.argv[2])
    cur = pg.cursor()
    have = pg_tables(cur)
    for t in sorted(lite_tables - have):
        print("copy_to_pg: warning: table %s is not in PostgreSQL; not copied" % t,
              file=sys.stderr)
    tables = dependency_order(cur, lite_tables & have)
    plan = []
    for t in tables:
        pg_cols = pg_columns(cur, t)
        lite_cols = [r[1] for r in lite.execute('PRAGMA table_info("%s")' % t)]
        for c in lite_cols:
            if c not in pg_cols:
                print("copy_to_pg: warning: column %s.%s is not in PostgreSQL; not copied"
                      % (t, c), file=sys.stderr)
        cols = [c for c in lite_cols if c in pg_cols]
        plan.append((t, cols, {c for c in cols if pg_cols[c] == "bytea"}))

    # One transaction: the database is either the copy or untouched.
    # Empties what the migrations seeded, children first. DELETE, not
    # TRUNCATE: the ledger's tables refuse TRUNCATE, even cascaded to.
    for t in reversed(tables):
        cur.execute('DELETE FROM "%s"' % t)
    counts = {}
    took = {}
    for t, cols, bytea_cols in plan:
        t0 = time.monotonic()
        counts[t] = copy_table(lite, cur, t, cols, bytea_cols)
        took[t] = time.monotonic() - t0
    for t, cols, _ in plan:
        for c in cols:
            cur.execute("SELECT pg_get_serial_sequence(%s, %s)", ('"%s"' % t, c))
            seq = cur.fetchone()[0]
            if seq:
                cur.execute('SELECT setval(%%s, coalesce(max("%s"), 0) + 1, false) FROM "%s"'
                            % (c, t), (seq,))
    pg.commit()
    copied = time.monotonic() - started
    pg.autocommit = True
    cur.execute("VACUUM ANALYZE")
    pg.close()
    lite.close()
    big = sorted((t for t in counts if counts[t]), key=lambda t: -counts[t])[:4]
    print("copy_to_pg: %d tables, %d rows in %.1f s (%s), vacuum analyze %.1f s"
          % (len(tables), sum(counts.values()), copied,
             ", ".join("%s %d rows %.1f s" % (t, counts[t], took[t]) for t in big),
             time.monotonic() - started - copied))


if __name__ == "__main__":
    main()

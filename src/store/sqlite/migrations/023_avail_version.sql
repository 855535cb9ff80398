-- The availability version (store_avail_version) needs no schema here:
-- SQLite has one server process per database, which counts its own
-- commits in the commit hooks and notices any other connection's with
-- PRAGMA data_version (store/sqlite/conn.c). PostgreSQL's 023 keeps
-- counters bumped by triggers, for every process on the database. This
-- migration keeps the two backends' numbering in step.
SELECT 1;

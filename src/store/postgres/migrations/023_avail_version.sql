-- store_avail_version(): a number that moves whenever a transaction that
-- changed anything availability reads commits, whichever server process
-- wrote it, so a cached availability answer in any process can tell it is
-- stale with one cheap read. It is the sum of 64 counters; a writing
-- transaction bumps the one of its backend (pg_backend_pid() % 64), once,
-- from a deferred trigger, so the row lock is held only while it commits
-- and concurrent writers on other backends rarely meet on the same row.
CREATE TABLE avail_version (
    shard integer PRIMARY KEY,
    v bigint NOT NULL DEFAULT 0
);
INSERT INTO avail_version (shard) SELECT generate_series(0, 63);

-- The flag is transaction-local (set_config(..., true)): the first change
-- of a transaction bumps, the rest of its rows cost a setting lookup.
CREATE FUNCTION avail_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('chairside.avail_bumped', true) IS DISTINCT FROM '1' THEN
        UPDATE avail_version SET v = v + 1 WHERE shard = pg_backend_pid() % 64;
        PERFORM set_config('chairside.avail_bumped', '1', true);
    END IF;
    RETURN NULL;
END $$;

-- Every table but those availability never reads (the same list as the
-- SQLite backend's unscheduled_tables), so a table is covered unless it is
-- known not to matter. A table created by a later migration needs the two
-- triggers too; tests/api/test_availability_cache.py checks that every
-- table outside this list has them.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
             AND tablename NOT IN ('schema_version', 'avail_version', 'sessions',
                 'login_failures', 'audit_log', 'users', 'api_tokens', 'booking_history',
                 'booking_services', 'patients', 'outbox', 'sync_issues', 'webhooks',
                 'templates', 'feed_tokens', 'reminders_sent')
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER avail_version_bump AFTER INSERT OR UPDATE '
                       'OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                       'EXECUTE FUNCTION avail_version_bump()', t);
        EXECUTE format('CREATE TRIGGER avail_version_truncate AFTER TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION avail_version_bump()', t);
    END LOOP;
END $$;

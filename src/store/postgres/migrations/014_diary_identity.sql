-- Two installations may share one practice diary: every event this one
-- writes carries its installation id in UID and resource name, made once
-- here and kept (a restored backup is the same installation).
ALTER TABLE settings ADD COLUMN installation_id text NOT NULL DEFAULT '';
UPDATE settings SET installation_id = replace(gen_random_uuid()::text, '-', '')
WHERE installation_id = '';

-- The ETag the diary gave the booking's event when it was last written,
-- so that later writes and deletes change only that version (If-Match).
-- No foreign key: the diary's copy outlives a booking that goes away.
CREATE TABLE diary_events (
    booking_id bigint PRIMARY KEY,
    etag text NOT NULL,
    updated_at bigint NOT NULL
);

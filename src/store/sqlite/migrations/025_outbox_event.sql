-- An e-mail row records its event instead of the message: the template to
-- use, the recipient's language and the facts the template variables and
-- the .ics are built from, as JSON, frozen when the change commits. The
-- outbox worker renders the message when it claims the row, so the
-- booking's write transaction renders nothing. NULL marks a row queued
-- before this migration, whose body already holds the message: it is
-- sent as it is.
ALTER TABLE outbox ADD COLUMN event TEXT;

-- Hardening: webhook and diary targets on loopback, link-local or private
-- addresses are refused unless the clinic allows them (its own LAN diary).
ALTER TABLE settings ADD COLUMN allow_private_targets bigint NOT NULL DEFAULT 0;

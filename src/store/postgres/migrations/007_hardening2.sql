-- A login-as session belongs to the staff session it was opened from: it
-- is refused without that session and deleted with it.
ALTER TABLE sessions ADD COLUMN parent_id bigint REFERENCES sessions(id) ON DELETE CASCADE;
CREATE INDEX sessions_parent ON sessions (parent_id) WHERE parent_id IS NOT NULL;

-- Feed tokens are kept as hashes, like API tokens. A hash cannot be made
-- of what is not kept, so the tokens of before are dropped: each feed
-- needs a new one (POST .../feed-token) and its subscribers the new URL.
DROP TABLE feed_tokens;
CREATE TABLE feed_tokens (
    kind text NOT NULL CHECK (kind IN ('staff', 'location')),
    owner_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    PRIMARY KEY (kind, owner_id)
);

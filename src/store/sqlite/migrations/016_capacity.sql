-- Buffers protect both sides: a booking occupies its staff member for
-- [start_at - buffer_before_min, end_at + buffer_after_min) of its own
-- services (the first service's buffer before, the last one's after), kept
-- with the booking as its prices are, so a later change to a service does
-- not move what is already booked.
ALTER TABLE bookings ADD COLUMN buffer_before_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN buffer_after_min INTEGER NOT NULL DEFAULT 0;

UPDATE bookings SET
    buffer_before_min = coalesce((SELECT s.buffer_before_min FROM booking_services bs
        JOIN services s ON s.id = bs.service_id WHERE bs.booking_id = bookings.id
        ORDER BY bs.position LIMIT 1), 0),
    buffer_after_min = coalesce((SELECT s.buffer_after_min FROM booking_services bs
        JOIN services s ON s.id = bs.service_id WHERE bs.booking_id = bookings.id
        ORDER BY bs.position DESC LIMIT 1), 0);

-- Bookings made under the old rule may overlap once their buffers count
-- (a Check-up booked inside a Cleaning's buffer after). They stay as they
-- were booked: both sides of every such pair keep no buffers, and their
-- plain times never overlapped. The ids are collected first so that no
-- row is judged after a neighbour already lost its buffers.
CREATE TEMP TABLE buffer_clash AS
SELECT b.id FROM bookings b
WHERE b.status <> 'cancelled' AND b.group_service_id IS NULL AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.staff_id = b.staff_id AND o.id <> b.id AND o.status <> 'cancelled'
      AND o.group_service_id IS NULL
      AND o.start_at - o.buffer_before_min * 60 < b.end_at + b.buffer_after_min * 60
      AND o.end_at + o.buffer_after_min * 60 > b.start_at - b.buffer_before_min * 60);
UPDATE bookings SET buffer_before_min = 0, buffer_after_min = 0
WHERE id IN (SELECT id FROM buffer_clash);
DROP TABLE buffer_clash;

-- The backstop of 006 on the occupied interval. Bookings last at most a
-- day and buffers at most 240 minutes each, which bounds the look-up on
-- the bookings_staff_live index.
DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;

CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL
          AND b.start_at < NEW.end_at + 28800 AND b.start_at > NEW.start_at - 115200
          AND b.start_at - b.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND b.end_at + b.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF staff_id, start_at, end_at, status, group_service_id, buffer_before_min,
    buffer_after_min ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.id <> NEW.id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL
          AND b.start_at < NEW.end_at + 28800 AND b.start_at > NEW.start_at - 115200
          AND b.start_at - b.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND b.end_at + b.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

-- Resources: rooms, chairs, machines, each a number of interchangeable
-- units at one location. A service needs one unit of each of its
-- resources at the booking's location.
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations(id),
    kind TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1)
);
CREATE INDEX resources_location ON resources (location_id);

CREATE TABLE service_resources (
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, resource_id)
);
CREATE INDEX service_resources_resource ON service_resources (resource_id);

-- The unit a live booking holds, for its occupied interval (start_at and
-- end_at are the booking's, buffers included, kept here so the database
-- itself can refuse a unit taken twice). A cancelled booking holds none.
-- A resource with units in use cannot be deleted.
CREATE TABLE booking_resources (
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resources(id),
    unit INTEGER NOT NULL CHECK (unit >= 1),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    PRIMARY KEY (booking_id, resource_id)
);
CREATE INDEX booking_resources_unit ON booking_resources (resource_id, unit, start_at);

-- As bookings_no_overlap: no unit is ever taken twice at once. An
-- occupied interval lasts at most a day and eight hours of buffers.
CREATE TRIGGER booking_resources_no_overlap_insert BEFORE INSERT ON booking_resources
BEGIN
    SELECT RAISE(ABORT, 'booking_resources_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM booking_resources r
        WHERE r.resource_id = NEW.resource_id AND r.unit = NEW.unit
          AND r.booking_id <> NEW.booking_id
          AND r.start_at < NEW.end_at AND r.start_at > NEW.start_at - 115200
          AND r.end_at > NEW.start_at);
END;

CREATE TRIGGER booking_resources_no_overlap_update
BEFORE UPDATE OF resource_id, unit, start_at, end_at ON booking_resources
BEGIN
    SELECT RAISE(ABORT, 'booking_resources_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM booking_resources r
        WHERE r.resource_id = NEW.resource_id AND r.unit = NEW.unit
          AND r.booking_id <> NEW.booking_id
          AND r.start_at < NEW.end_at AND r.start_at > NEW.start_at - 115200
          AND r.end_at > NEW.start_at);
END;

-- Holds: a time kept for one session (a patient's, a visitor's or staff's)
-- for hold_minutes while the booking is completed. A live hold occupies
-- its staff member and its resource units like a booking for everyone
-- else; an expired one counts for nothing and is purged. Only a hash of
-- the token is kept; holder names the session.
ALTER TABLE settings ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10;

CREATE TABLE holds (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    holder TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    occupied_start INTEGER NOT NULL,
    occupied_end INTEGER NOT NULL,
    service_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX holds_staff ON holds (staff_id, occupied_start);
CREATE INDEX holds_holder ON holds (holder, expires_at);

CREATE TABLE hold_resources (
    hold_id INTEGER NOT NULL REFERENCES holds(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    unit INTEGER NOT NULL,
    PRIMARY KEY (hold_id, resource_id)
);
CREATE INDEX hold_resources_unit ON hold_resources (resource_id, unit);

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

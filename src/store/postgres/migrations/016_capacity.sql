-- Buffers protect both sides: a booking occupies its staff member for
-- [start_at - buffer_before_min, end_at + buffer_after_min) of its own
-- services (the first service's buffer before, the last one's after), kept
-- with the booking as its prices are, so a later change to a service does
-- not move what is already booked.
ALTER TABLE bookings ADD COLUMN buffer_before_min bigint NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN buffer_after_min bigint NOT NULL DEFAULT 0;

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
-- plain times never overlapped (bookings_no_overlap). The subquery sees
-- the rows as they were before this statement.
UPDATE bookings b SET buffer_before_min = 0, buffer_after_min = 0
WHERE b.status <> 'cancelled' AND b.group_service_id IS NULL AND EXISTS (
    SELECT 1 FROM bookings o
    WHERE o.staff_id = b.staff_id AND o.id <> b.id AND o.status <> 'cancelled'
      AND o.group_service_id IS NULL
      AND o.start_at - o.buffer_before_min * 60 < b.end_at + b.buffer_after_min * 60
      AND o.end_at + o.buffer_after_min * 60 > b.start_at - b.buffer_before_min * 60);

-- The backstop now covers the occupied interval: two live individual
-- bookings of one staff member never overlap with their buffers.
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (staff_id WITH =,
        int8range(start_at - buffer_before_min * 60, end_at + buffer_after_min * 60) WITH &&)
    WHERE (status <> 'cancelled' AND group_service_id IS NULL);

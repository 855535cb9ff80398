-- The availability query reads the buffers and the group event of every
-- live booking it finds; with them in bookings_staff_live it reads that
-- index alone, in order, instead of looking each row up in the table
-- (one random page per booking in a database of millions).
DROP INDEX bookings_staff_live;
CREATE INDEX bookings_staff_live
    ON bookings (staff_id, start_at, end_at, buffer_before_min, buffer_after_min,
                 group_service_id, group_event_id, status)
    WHERE status <> 'cancelled';

-- The calendar's visits of one location and day read its live bookings by
-- location and start, not every location's bookings of the day.
CREATE INDEX bookings_location_live ON bookings (location_id, start_at)
    WHERE status <> 'cancelled';

-- The database's own refusal of a double booking, as PostgreSQL's
-- exclusion constraint bookings_no_overlap does there: no two live
-- bookings of one staff member that hold the staff member alone (not a
-- shared group slot) may overlap. Half-open ranges: back-to-back is fine.
-- The services check availability (buffers included) before writing; this
-- only makes a wrong check fail loudly instead of selling a slot twice.
-- Bookings last at most a day (as availability assumes), which keeps the
-- look-up on the bookings_staff_live index short.
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL
          AND b.start_at < NEW.end_at AND b.start_at > NEW.start_at - 86400
          AND b.end_at > NEW.start_at);
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF staff_id, start_at, end_at, status, group_service_id ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.id <> NEW.id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL
          AND b.start_at < NEW.end_at AND b.start_at > NEW.start_at - 86400
          AND b.end_at > NEW.start_at);
END;

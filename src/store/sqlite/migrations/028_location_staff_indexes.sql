-- The day calendar and a location's availability ask who works at a
-- location and their shifts there; by location these are a short index
-- range, not a scan of every shift and staff link of the clinic.
CREATE INDEX shifts_location ON shifts (location_id, staff_id, weekday, start_min);
CREATE INDEX staff_locations_location ON staff_locations (location_id, staff_id);

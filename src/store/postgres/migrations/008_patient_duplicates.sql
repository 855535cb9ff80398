-- A patient who signs up with the e-mail of an existing patient without a
-- login gets a record of their own, flagged as a possible duplicate of
-- that one until staff merge the two (POST /patients/{id}/merge).
ALTER TABLE patients ADD COLUMN possible_duplicate_of bigint REFERENCES patients(id)
    ON DELETE SET NULL;
-- p.* was expanded when the view was made: make it again to show the column.
DROP VIEW patients_view;
CREATE VIEW patients_view AS
    SELECT p.*, (EXISTS (SELECT 1 FROM users u WHERE u.patient_id = p.id))::int::bigint AS has_account,
        (p.possible_duplicate_of IS NOT NULL)::int::bigint AS possible_duplicate
    FROM patients p;

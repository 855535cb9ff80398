-- FHIR: API tokens may stand for a patient (who then sees only their own
-- records), and a booking keeps the booking-referral of the SMART
-- Scheduling Link it came through.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('admin', 'staff', 'patient'));
-- Merging moves a patient's tokens with its login; deleting the record
-- ends them.
ALTER TABLE api_tokens ADD COLUMN patient_id bigint REFERENCES patients(id) ON DELETE CASCADE;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_patient_check
    CHECK ((role = 'patient') = (patient_id IS NOT NULL));

ALTER TABLE bookings ADD COLUMN booking_referral text;

-- Bookings say "partially_paid" when their invoice does (and nothing waits
-- for confirmation); until now such bookings read "unpaid".
UPDATE bookings SET payment_status = 'partially_paid'
WHERE payment_status = 'unpaid'
  AND id IN (SELECT booking_id FROM invoices WHERE status = 'partially_paid');

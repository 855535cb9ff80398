-- iTIP (RFC 5546): an invitation that changes or cancels an event carries
-- a SEQUENCE higher than the one before, so calendars replace what they
-- were sent. Each booking and appointment counts its announced changes;
-- an appointment also keeps when they happened (a booking has updated_at).
ALTER TABLE bookings ADD COLUMN ical_sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN ical_sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN ical_modified_at INTEGER;

-- The practice hears of moves and cancellations too, and patients of
-- changes to the appointments shared with them.
INSERT INTO templates (name, subject, body_text, body_html) VALUES
('booking_rescheduled_notification', 'Booking moved: {{patient}} now on {{date}} at {{time}}',
 'A booking has moved.

Booking: #{{booking_id}}
Patient: {{patient}}
Service: {{services}}
With: {{staff}}
Date: {{date}}
Time: {{time}} ({{timezone}})
Location: {{location}}
',
 '<p>A booking has moved.</p><table><tr><td>Booking</td><td>#{{booking_id}}</td></tr><tr><td>Patient</td><td>{{patient}}</td></tr><tr><td>Service</td><td>{{services}}</td></tr><tr><td>With</td><td>{{staff}}</td></tr><tr><td>Date</td><td>{{date}}</td></tr><tr><td>Time</td><td>{{time}} ({{timezone}})</td></tr><tr><td>Location</td><td>{{location}}</td></tr></table>'),
('booking_cancelled_notification', 'Booking cancelled: {{patient}} on {{date}} at {{time}}',
 'A booking was cancelled.

Booking: #{{booking_id}}
Patient: {{patient}}
Service: {{services}}
With: {{staff}}
Date: {{date}}
Time: {{time}} ({{timezone}})
Location: {{location}}
',
 '<p>A booking was cancelled.</p><table><tr><td>Booking</td><td>#{{booking_id}}</td></tr><tr><td>Patient</td><td>{{patient}}</td></tr><tr><td>Service</td><td>{{services}}</td></tr><tr><td>With</td><td>{{staff}}</td></tr><tr><td>Date</td><td>{{date}}</td></tr><tr><td>Time</td><td>{{time}} ({{timezone}})</td></tr><tr><td>Location</td><td>{{location}}</td></tr></table>'),
('appointment_changed', 'Your appointment is now on {{date}} at {{time}}',
 'Hello {{patient}},

your appointment ({{services}}) with {{staff}} is now on {{date}} at {{time}} ({{timezone}}).

{{notes}}
',
 '<p>Hello {{patient}},</p><p>your appointment ({{services}}) with {{staff}} is now on <b>{{date}} at {{time}}</b> ({{timezone}}).</p><p>{{notes}}</p>'),
('appointment_cancelled', 'Your appointment on {{date}} at {{time}} is cancelled',
 'Hello {{patient}},

your appointment ({{services}}) with {{staff}} on {{date}} at {{time}} ({{timezone}}) has been cancelled.
',
 '<p>Hello {{patient}},</p><p>your appointment ({{services}}) with {{staff}} on {{date}} at {{time}} ({{timezone}}) has been cancelled.</p>');

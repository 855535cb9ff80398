-- Notifications and the practice diary: the outbox, sync issues, message
-- templates, webhooks, calendar feed tokens and reminder bookkeeping.
ALTER TABLE settings ADD COLUMN reminder_before_min INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE settings ADD COLUMN public_url TEXT NOT NULL DEFAULT '';

-- Every e-mail, diary operation and webhook delivery is a row here, written
-- in the same transaction as the change that caused it. Workers claim a row
-- by setting claimed_by/claimed_until inside a write transaction.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'diary', 'webhook')),
    kind TEXT NOT NULL,
    booking_id INTEGER,
    webhook_id INTEGER,
    recipient TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    claimed_by INTEGER,
    claimed_until INTEGER,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_booking ON outbox (booking_id, channel);

-- Bookings the external diary does not hold: the list to transfer by hand.
CREATE TABLE sync_issues (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('collision', 'unreachable')),
    since INTEGER NOT NULL,
    resolved_at INTEGER
);

CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL
);
INSERT INTO templates (name, subject, body_text, body_html) VALUES
('booking_confirmation', 'Your booking at {{location}} on {{date}} at {{time}}',
 'Hello {{patient}},

your booking is confirmed.

Service: {{services}}
With: {{staff}}
Date: {{date}}
Time: {{time}} ({{timezone}})
Location: {{location}}, {{address}}

Manage your booking: {{manage_url}}
',
 '<p>Hello {{patient}},</p><p>your booking is confirmed.</p><table><tr><td>Service</td><td>{{services}}</td></tr><tr><td>With</td><td>{{staff}}</td></tr><tr><td>Date</td><td>{{date}}</td></tr><tr><td>Time</td><td>{{time}} ({{timezone}})</td></tr><tr><td>Location</td><td>{{location}}, {{address}}</td></tr></table><p><a href="{{manage_url}}">Manage your booking</a></p>'),
('booking_notification', 'New booking: {{patient}} on {{date}} at {{time}}',
 'A booking was made ({{source}}).

Booking: #{{booking_id}}
Patient: {{patient}}
Service: {{services}}
With: {{staff}}
Date: {{date}}
Time: {{time}} ({{timezone}})
Location: {{location}}
',
 '<p>A booking was made ({{source}}).</p><table><tr><td>Booking</td><td>#{{booking_id}}</td></tr><tr><td>Patient</td><td>{{patient}}</td></tr><tr><td>Service</td><td>{{services}}</td></tr><tr><td>With</td><td>{{staff}}</td></tr><tr><td>Date</td><td>{{date}}</td></tr><tr><td>Time</td><td>{{time}} ({{timezone}})</td></tr><tr><td>Location</td><td>{{location}}</td></tr></table>'),
('booking_rescheduled', 'Your booking has moved to {{date}} at {{time}}',
 'Hello {{patient}},

your booking for {{services}} with {{staff}} is now on {{date}} at {{time}} ({{timezone}}) at {{location}}.

Manage your booking: {{manage_url}}
',
 '<p>Hello {{patient}},</p><p>your booking for {{services}} with {{staff}} is now on <b>{{date}} at {{time}}</b> ({{timezone}}) at {{location}}.</p><p><a href="{{manage_url}}">Manage your booking</a></p>'),
('booking_cancelled', 'Your booking on {{date}} at {{time}} is cancelled',
 'Hello {{patient}},

your booking for {{services}} with {{staff}} on {{date}} at {{time}} ({{timezone}}) has been cancelled.
',
 '<p>Hello {{patient}},</p><p>your booking for {{services}} with {{staff}} on {{date}} at {{time}} ({{timezone}}) has been cancelled.</p>'),
('booking_reminder', 'Reminder: {{services}} on {{date}} at {{time}}',
 'Hello {{patient}},

a reminder of your booking for {{services}} with {{staff}} on {{date}} at {{time}} ({{timezone}}) at {{location}}, {{address}}.

Manage your booking: {{manage_url}}
',
 '<p>Hello {{patient}},</p><p>a reminder of your booking for {{services}} with {{staff}} on <b>{{date}} at {{time}}</b> ({{timezone}}) at {{location}}, {{address}}.</p><p><a href="{{manage_url}}">Manage your booking</a></p>'),
('appointment_shared', 'Your appointment on {{date}} at {{time}}',
 'Hello {{patient}},

you have an appointment ({{services}}) with {{staff}} on {{date}} at {{time}} ({{timezone}}).

{{notes}}
',
 '<p>Hello {{patient}},</p><p>you have an appointment ({{services}}) with {{staff}} on <b>{{date}} at {{time}}</b> ({{timezone}}).</p><p>{{notes}}</p>'),
('diary_collision', 'Diary collision: booking #{{booking_id}} was not inserted',
 'Booking #{{booking_id}} ({{patient}}, {{services}} with {{staff}} on {{date}} at {{time}}) was NOT inserted into your diary: the diary already has an event of {{staff}} at that time.

Please transfer it by hand and resolve it in the sync issues list.
',
 '<p>Booking #{{booking_id}} ({{patient}}, {{services}} with {{staff}} on {{date}} at {{time}}) was <b>not</b> inserted into your diary: the diary already has an event of {{staff}} at that time.</p><p>Please transfer it by hand and resolve it in the sync issues list.</p>'),
('diary_unreachable', 'Diary unreachable: booking #{{booking_id}} is not in your diary yet',
 'Booking #{{booking_id}} ({{patient}}, {{services}} with {{staff}} on {{date}} at {{time}}) could not be inserted into your diary: the diary cannot be reached. We keep trying.

Please check the connection, or transfer the booking by hand.
',
 '<p>Booking #{{booking_id}} ({{patient}}, {{services}} with {{staff}} on {{date}} at {{time}}) could not be inserted into your diary: the diary cannot be reached. We keep trying.</p><p>Please check the connection, or transfer the booking by hand.</p>');

CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    last_status INTEGER,
    last_attempt_at INTEGER,
    created_at INTEGER NOT NULL
);

-- Secret tokens of the iCalendar feeds (kind 'staff' or 'location').
CREATE TABLE feed_tokens (
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'location')),
    owner_id INTEGER NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (kind, owner_id)
) WITHOUT ROWID;

-- One reminder per booking and start time: a moved booking is reminded again.
CREATE TABLE reminders_sent (
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    PRIMARY KEY (booking_id, start_at)
) WITHOUT ROWID;

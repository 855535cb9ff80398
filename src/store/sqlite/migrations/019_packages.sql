-- Packages: bundles of visits sold up front on one invoice (a line per
-- unit), each unit booked later and recognised as revenue when used.
-- A definition's items and limits are JSON arrays the service validates:
-- items [{service_id, quantity}], staff_ids and location_ids ([] = any).
CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',
    pricing TEXT NOT NULL DEFAULT 'packaged' CHECK (pricing IN ('packaged', 'itemised')),
    price INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    tax_rate_id INTEGER REFERENCES tax_rates(id),
    staff_ids TEXT NOT NULL DEFAULT '[]',
    location_ids TEXT NOT NULL DEFAULT '[]',
    valid_days INTEGER CHECK (valid_days IS NULL OR valid_days > 0),
    online_purchase INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0
);

-- One package sold to one patient; the limits are copied at the sale, so
-- later edits of the definition do not change what was bought.
CREATE TABLE patient_packages (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    invoice_id INTEGER NOT NULL UNIQUE REFERENCES invoices(id),
    name TEXT NOT NULL,
    staff_ids TEXT NOT NULL DEFAULT '[]',
    location_ids TEXT NOT NULL DEFAULT '[]',
    purchased_at INTEGER NOT NULL,
    expires_on TEXT,    -- last valid local day, YYYY-MM-DD; NULL: never
    expires_at INTEGER, -- UTC seconds the day after expires_on begins
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'used_up')),
    expiry_reminded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patient_packages_patient ON patient_packages (patient_id, id);
CREATE INDEX patient_packages_due ON patient_packages (status, expires_at);

-- One unit: one line of the package invoice. amount is the line's net,
-- what moves from Unearned Revenue to Service Revenue when it is used.
CREATE TABLE patient_package_items (
    id INTEGER PRIMARY KEY,
    patient_package_id INTEGER NOT NULL REFERENCES patient_packages(id),
    line_id INTEGER NOT NULL UNIQUE REFERENCES invoice_lines(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    amount INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'unassigned'
        CHECK (status IN ('unassigned', 'booked', 'used', 'expired')),
    booking_id INTEGER REFERENCES bookings(id),
    CHECK ((status = 'unassigned') = (booking_id IS NULL) OR status = 'expired')
);
CREATE INDEX patient_package_items_package ON patient_package_items (patient_package_id, id);
CREATE INDEX patient_package_items_booking ON patient_package_items (booking_id);

INSERT INTO ledger_accounts (code, name, type) VALUES ('2300', 'Unearned Revenue', 'liability');

ALTER TABLE settings ADD COLUMN package_expiry_reminder_days INTEGER NOT NULL DEFAULT 14;

INSERT INTO templates (name, subject, body_text, body_html) VALUES
('package_purchased', 'Your package: {{package}}',
 'Hello {{patient}},

thank you for buying {{package}} ({{units}} visits), invoice {{invoice}}.
{{validity}}

Book your visits: {{manage_url}}
',
 '<p>Hello {{patient}},</p><p>thank you for buying {{package}} ({{units}} visits), invoice {{invoice}}.</p><p>{{validity}}</p><p><a href="{{manage_url}}">Book your visits</a></p>'),
('package_expiring', 'Your package {{package}} expires on {{expires_on}}',
 'Hello {{patient}},

your package {{package}} expires on {{expires_on}} with {{units}} visits not yet booked.

Book them: {{manage_url}}
',
 '<p>Hello {{patient}},</p><p>your package {{package}} expires on {{expires_on}} with {{units}} visits not yet booked.</p><p><a href="{{manage_url}}">Book them</a></p>');

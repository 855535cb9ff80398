-- Money: tax rates, invoices numbered per year without gaps, payments and
-- refunds, and a double-entry general ledger whose entries never change.
CREATE TABLE tax_rates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    inclusive INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE services ADD COLUMN tax_rate_id INTEGER REFERENCES tax_rates(id);
ALTER TABLE settings ADD COLUMN payment_provider TEXT NOT NULL DEFAULT 'manual';

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    booking_id INTEGER UNIQUE REFERENCES bookings(id),
    issued_at INTEGER NOT NULL,
    currency TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    total INTEGER NOT NULL,
    paid INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    -- set when the booking was cancelled after money came in: what was
    -- paid is owed back, less what was refunded
    credited INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('unpaid', 'partially_paid', 'paid', 'void')),
    UNIQUE (year, seq)
);
CREATE INDEX invoices_patient ON invoices (patient_id, id);

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    service_id INTEGER REFERENCES services(id),
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    tax_inclusive INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    total INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'refund')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'bank_transfer', 'online')),
    provider TEXT NOT NULL DEFAULT 'manual',
    reference TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    decided_by INTEGER REFERENCES users(id)
);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_status ON payments (status, id);
CREATE INDEX payments_decided ON payments (decided_at);

CREATE TABLE ledger_accounts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense'))
);
INSERT INTO ledger_accounts (code, name, type) VALUES
    ('1000', 'Cash', 'asset'),
    ('1010', 'Card and online payments clearing', 'asset'),
    ('1020', 'Bank', 'asset'),
    ('1100', 'Accounts Receivable', 'asset'),
    ('2200', 'Tax Payable', 'liability'),
    ('4000', 'Service Revenue', 'revenue'),
    ('4100', 'Product Sales', 'revenue');

CREATE TABLE journal_entries (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL, -- the organisation's local day, YYYY-MM-DD
    posted_at INTEGER NOT NULL,
    memo TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('invoice', 'payment', 'void', 'credit', 'refund')),
    invoice_id INTEGER REFERENCES invoices(id),
    payment_id INTEGER REFERENCES payments(id),
    reverses_entry_id INTEGER REFERENCES journal_entries(id)
);
CREATE INDEX journal_entries_date ON journal_entries (date, id);
CREATE INDEX journal_entries_invoice ON journal_entries (invoice_id);

CREATE TABLE journal_lines (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES journal_entries(id),
    account_code TEXT NOT NULL REFERENCES ledger_accounts(code),
    debit INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CHECK (debit = 0 OR credit = 0)
);
CREATE INDEX journal_lines_entry ON journal_lines (entry_id);
CREATE INDEX journal_lines_account ON journal_lines (account_code);

-- Posted entries are immutable: corrections are reversing entries.
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;

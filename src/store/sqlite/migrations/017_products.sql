-- Products, storages and stock: products sold or used up at a location,
-- the storages they sit in (one kind each: sales or consumables), and an
-- append-only ledger of stock movements whose sums are the stock levels.
-- Services list the consumables they use (per staff member when a staff
-- member works differently); a booking may carry its own list instead.
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sku TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT 'piece',
    sale_price INTEGER NOT NULL DEFAULT 0 CHECK (sale_price >= 0),
    cost_price INTEGER NOT NULL DEFAULT 0 CHECK (cost_price >= 0),
    tax_rate_id INTEGER REFERENCES tax_rates(id),
    min_quantity INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE storages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations(id),
    kind TEXT NOT NULL CHECK (kind IN ('sales', 'consumables'))
);
CREATE INDEX storages_location ON storages (location_id, kind, id);

-- invoice_line_id names the invoice line a sale belongs to; lines are
-- removed when a sale is undone, so it is no foreign key.
CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    storage_id INTEGER NOT NULL REFERENCES storages(id),
    quantity INTEGER NOT NULL CHECK (quantity <> 0),
    reason TEXT NOT NULL CHECK (reason IN ('receipt', 'adjustment', 'write_off', 'sale')),
    unit_cost INTEGER CHECK (unit_cost >= 0),
    note TEXT NOT NULL DEFAULT '',
    booking_id INTEGER REFERENCES bookings(id),
    invoice_line_id INTEGER,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id)
);
CREATE INDEX stock_movements_product ON stock_movements (product_id, storage_id, id);
CREATE INDEX stock_movements_storage ON stock_movements (storage_id, id);
CREATE INDEX stock_movements_booking ON stock_movements (booking_id, id);
CREATE INDEX stock_movements_line ON stock_movements (invoice_line_id);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are immutable'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are immutable'); END;

CREATE TABLE service_consumables (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    staff_id INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX service_consumables_service ON service_consumables (service_id, id);

-- A booking's own consumables, once staff changed them
-- (bookings.consumables_custom); until then they follow its services.
CREATE TABLE booking_consumables (
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    storage_id INTEGER NOT NULL REFERENCES storages(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (booking_id, position)
);
ALTER TABLE bookings ADD COLUMN consumables_custom INTEGER NOT NULL DEFAULT 0;

ALTER TABLE invoice_lines ADD COLUMN product_id INTEGER REFERENCES products(id);

INSERT INTO ledger_accounts (code, name, type) VALUES
    ('1200', 'Inventory', 'asset'),
    ('2000', 'Accounts Payable', 'liability'),
    ('5000', 'Cost of Consumables and Goods', 'expense');

-- Journal entries gain the source "stock" (receipts, write-offs, the cost
-- of goods sold). SQLite cannot change a CHECK in place, and foreign keys
-- stay on in a migration's transaction: both journal tables are copied
-- into new ones that refer to each other, the old ones dropped (lines
-- first, so no row is left pointing at a dropped entry), and the new ones
-- renamed, which carries the references along. Dropping fires no
-- triggers, so immutability is no obstacle; it is put back below.
CREATE TABLE journal_entries_new (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL, -- the organisation's local day, YYYY-MM-DD
    posted_at INTEGER NOT NULL,
    memo TEXT NOT NULL,
    source TEXT NOT NULL
        CHECK (source IN ('invoice', 'payment', 'void', 'credit', 'refund', 'stock')),
    invoice_id INTEGER REFERENCES invoices(id),
    payment_id INTEGER REFERENCES payments(id),
    reverses_entry_id INTEGER REFERENCES journal_entries_new(id)
);
INSERT INTO journal_entries_new (id, date, posted_at, memo, source, invoice_id, payment_id,
                                 reverses_entry_id)
    SELECT id, date, posted_at, memo, source, invoice_id, payment_id, reverses_entry_id
    FROM journal_entries ORDER BY id;
CREATE TABLE journal_lines_new (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES journal_entries_new(id),
    account_code TEXT NOT NULL REFERENCES ledger_accounts(code),
    debit INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CHECK (debit = 0 OR credit = 0)
);
INSERT INTO journal_lines_new (id, entry_id, account_code, debit, credit)
    SELECT id, entry_id, account_code, debit, credit FROM journal_lines ORDER BY id;
DROP TABLE journal_lines;
DROP TABLE journal_entries;
ALTER TABLE journal_entries_new RENAME TO journal_entries;
ALTER TABLE journal_lines_new RENAME TO journal_lines;
CREATE INDEX journal_entries_date ON journal_entries (date, id);
CREATE INDEX journal_entries_invoice ON journal_entries (invoice_id);
CREATE INDEX journal_lines_entry ON journal_lines (entry_id);
CREATE INDEX journal_lines_account ON journal_lines (account_code);
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;

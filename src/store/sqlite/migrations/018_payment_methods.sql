-- How patients may pay online: payment_methods lists what the clinic offers
-- (comma-separated bank_transfer, card, desk; empty keeps the single
-- payment_provider of before), bank_details is what a bank transfer needs,
-- and the card gateway is a Checkout-style service reached at
-- card_gateway_url with a secret key, whose webhooks are signed with
-- card_webhook_secret.
ALTER TABLE settings ADD COLUMN payment_methods TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN bank_details TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN card_gateway_url TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN card_gateway_key TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN card_webhook_secret TEXT NOT NULL DEFAULT '';
-- Dates also in the Hijri (Umm al-Qura) calendar, beside the Gregorian ones.
ALTER TABLE settings ADD COLUMN show_hijri_dates INTEGER NOT NULL DEFAULT 0;
-- A gateway's webhook names its session; the payment is found by it.
CREATE INDEX payments_reference ON payments (provider, reference);

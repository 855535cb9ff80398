// Staff confirm a payment a patient made online, in "Manage Bookings".
import { assert, assertEqual, DEMO } from './_harness.mjs';

export const tests = {
  async 'confirms a pending online payment'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const pending = (await admin.get('/payments?status=pending&limit=500')).items.filter((p) => p.booking_id);
    assert(pending.length > 0, 'the demo has pending online payments');
    const pay = pending[0];
    const p = t.page;
    await t.staffLogin();
    await p.getByRole('link', { name: 'Manage Bookings' }).click();
    await p.getByRole('heading', { name: 'Manage Bookings' }).waitFor();
    await p.getByRole('button', { name: 'Payments to confirm' }).click();
    const row = p.locator(`tr[data-booking="${pay.booking_id}"]`);
    await row.waitFor();
    assert((await row.textContent()).includes('Payment pending'), 'the row says the payment is pending');
    await t.shot('manage-bookings-pending');
    await row.getByRole('button', { name: 'Confirm payment' }).click();
    await p.getByText(/Payment of .* confirmed/).waitFor();
    await t.shot('manage-bookings-confirmed');
    const after = (await admin.get(`/invoices/${pay.invoice_id}`)).payments.find((x) => x.id === pay.id);
    assertEqual(after.status, 'confirmed', 'the payment is confirmed');
    const booking = await admin.get(`/bookings/${pay.booking_id}`);
    assert(booking.payment_status !== 'pending', 'the booking is no longer pending: ' + booking.payment_status);
    assertEqual(await p.locator(`tr[data-booking="${pay.booking_id}"]`).count(), 0, 'the row left the pending list');
  },

  async 'takes a payment from the booking window'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const unpaid = (await admin.get('/bookings?payment_status=unpaid&status=confirmed&limit=50')).items.filter((b) => b.invoice_id);
    assert(unpaid.length > 0, 'an unpaid booking exists');
    const b = unpaid[0];
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/bookings?payment_status=unpaid`);
    await p.locator(`tr[data-booking="${b.id}"]`).getByRole('button', { name: 'Open' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Take payment' }).click();
    await dialog.getByLabel('Method').selectOption('cash');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await dialog.getByText('Paid', { exact: true }).waitFor();
    const inv = await admin.get(`/invoices/${b.invoice_id}`);
    assertEqual(inv.status, 'paid', 'the invoice is paid');
    // The change history says it in words: what was taken, how, and by whom.
    const entry = dialog.locator('.history li[data-action="paid"]');
    await entry.waitFor();
    const text = await entry.textContent();
    assert(text.includes('Payment taken') && text.includes('Cash') && text.includes('Reception (staff)'), `history entry in words: ${text}`);
    assert(/\d[.,]\d\d/.test(text), `the amount is shown as money: ${text}`);
    assert(!/\b(staff|service)_ids?\b|staff:\d/.test(await dialog.locator('.history').textContent()), 'no ids in the history');
    await t.shot('booking-window-paid');
  },
};

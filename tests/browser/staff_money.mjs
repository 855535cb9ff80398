// Money states in words: a partly paid booking says "Partly paid"; a paid
// booking that is cancelled shows the credit owed and a Refund button; the
// takings, receivables, journal and chart of accounts have screens for the
// roles the API allows.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstSlot, addDays, today } from './portal_lib.mjs';

/** A booking 40+ days out (no other test looks there), half paid at the desk. */
async function halfPaidBooking(t, admin, offset = 40, patientId) {
  const services = (await admin.get('/services?limit=100')).items.filter((s) => s.price > 0 && s.capacity <= 1);
  const service = services[0];
  const slot = await firstSlot(t, { serviceIds: [service.id], from: addDays(today(), offset) });
  const patient = patientId ? await admin.get(`/patients/${patientId}`) : (await admin.get('/patients?limit=5')).items[2];
  const b = await admin.post('/bookings', { patient_id: patient.id, staff_id: slot.staff_id, service_ids: [service.id], start: slot.start });
  const inv = await admin.get(`/invoices/${b.invoice_id}`);
  const part = Math.floor(inv.total / 2);
  await admin.post(`/invoices/${b.invoice_id}/payments`, { amount: part, method: 'cash' });
  return { booking: b, invoice: inv, part, patient };
}

export const tests = {
  async 'partly paid, then cancelled: credit owed and refund'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { booking: b, part } = await halfPaidBooking(t, admin);
    assertEqual((await admin.get(`/invoices/${b.invoice_id}`)).status, 'partially_paid', 'the invoice is partly paid');
    assertEqual((await admin.get(`/bookings/${b.id}`)).payment_status, 'partially_paid', 'so is the booking');
    const p = t.page;
    await t.staffLogin();
    const day = b.start.slice(0, 10);
    await p.goto(`/#/bookings?from=${day}&to=${day}`);
    const row = p.locator(`tr[data-booking="${b.id}"]`);
    await row.waitFor();
    assert((await row.textContent()).includes('Partly paid'), 'the row says Partly paid, not Unpaid');
    await t.shot('partly-paid-row');
    await row.getByRole('button', { name: 'Open' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByText('Partly paid', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel booking' }).click();
    await dialog.getByRole('button', { name: 'Cancel this booking' }).click();
    await dialog.getByText(/Credit owed to the patient/).waitFor();
    await t.shot('credit-owed');
    const credited = await admin.get(`/invoices/${b.invoice_id}`);
    assertEqual(credited.credit_owed, part, 'what was paid is owed back');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.getByLabel('Method').selectOption('cash');
    await dialog.getByRole('button', { name: 'Record refund' }).click();
    await dialog.getByText(/^Refunded: /).waitFor();
    await t.shot('refunded');
    const after = await admin.get(`/invoices/${b.invoice_id}`);
    assertEqual(after.credit_owed, 0, 'nothing is owed back after the refund');
    assertEqual(after.refunded, part, 'the refund paid back what was paid');
    await p.keyboard.press('Escape');
    await eventually(async () => (await row.textContent()).includes('Cancelled') && !(await row.textContent()).includes('Owed back'), 'the row no longer shows money owed back');
  },

  async 'the Refunds screen lists what is owed back and refunds it'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { booking: b, part } = await halfPaidBooking(t, admin, 47);
    await admin.post(`/bookings/${b.id}/cancel`, { reason: 'patient moved away' });
    const p = t.page;
    await t.staffLogin();
    await p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Refunds' }).click();
    await p.getByRole('heading', { name: 'Refunds', level: 1 }).waitFor();
    const row = p.locator(`tr[data-invoice="${b.invoice_id}"]`);
    await row.waitFor();
    await t.shot('refunds-owed');
    await row.getByRole('button', { name: 'Refund' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.getByRole('button', { name: 'Record refund' }).click();
    await dialog.getByText(/^Refunded: /).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.waitFor({ state: 'detached' });
    const refund = (await admin.get('/payments?status=confirmed&limit=500')).items.filter((x) => x.kind === 'refund' && x.invoice_id === b.invoice_id);
    assertEqual(refund.length, 1, 'one refund on the invoice');
    assertEqual(refund[0].amount, part, 'of what was paid');
    await p.locator(`tr[data-refund="${refund[0].id}"]`).waitFor();
    await t.shot('refunds-made');
  },

  async 'the patient sees Partly paid, and what is owed back after cancelling'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const me = await t.apiAs(DEMO.patient);
    const patientId = (await me.get('/me')).patient_id;
    const kept = await halfPaidBooking(t, admin, 50, patientId);
    const gone = await halfPaidBooking(t, admin, 52, patientId);
    await admin.post(`/bookings/${gone.booking.id}/cancel`, { reason: 'clinic closed' });
    const page = t.page;
    await page.goto('/book#/signin');
    await page.getByLabel('Email').fill(DEMO.patient.email);
    await page.getByLabel('Password').fill(DEMO.patient.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My appointments' }).waitFor();
    const day = (iso) => new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso.slice(0, 10) + 'T00:00:00Z'));
    const keptRow = page.locator('li.appt', { hasText: day(kept.booking.start) });
    await keptRow.getByText('Partly paid').waitFor();
    const goneRow = page.locator('li.appt', { hasText: day(gone.booking.start) });
    await goneRow.getByText(/The clinic owes you .* back for this cancelled booking\./).waitFor();
    await t.shot('portal-partly-paid-and-owed');
  },

  async 'takings and receivables for staff'(t) {
    const p = t.page;
    await t.staffLogin();
    const nav = p.getByRole('navigation', { name: 'Main menu' });
    assertEqual(await nav.getByRole('link', { name: 'Journal' }).count(), 0, 'staff have no journal link');
    await nav.getByRole('link', { name: 'Takings' }).click();
    await p.getByRole('heading', { name: 'Takings', level: 1 }).waitFor();
    await p.waitForFunction(() => !document.querySelector('.loading'));
    const staff = await t.apiAs(DEMO.staff);
    const from = addDays(today(), -6);
    const report = await staff.get(`/reports/takings?from=${from}&to=${today()}`);
    const shown = await p.getByTestId('takings-total').textContent();
    const expected = new Intl.NumberFormat('en', { style: 'currency', currency: report.currency }).format(report.total / 100);
    assertEqual(shown, expected, "the total is the API's");
    await t.shot('takings');
    await nav.getByRole('link', { name: 'Receivables' }).click();
    await p.getByRole('heading', { name: 'Receivables', level: 1 }).waitFor();
    await p.getByTestId('receivables-total').waitFor();
    const rec = await staff.get('/reports/receivables');
    assertEqual(await p.locator('tr[data-invoice]').count(), rec.items.length, 'one row per outstanding invoice');
    await t.shot('receivables');
  },

  async 'journal and chart of accounts for admins'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    const nav = p.getByRole('navigation', { name: 'Main menu' });
    await nav.getByRole('link', { name: 'Journal' }).click();
    await p.getByRole('heading', { name: 'Journal', level: 1 }).waitFor();
    await p.waitForFunction(() => !document.querySelector('.loading'));
    const entries = (await admin.get(`/journal-entries?from=${addDays(today(), -30)}&to=${today()}&limit=500`)).items;
    assert(entries.length > 0, 'the demo posted journal entries');
    await p.locator(`tbody[data-entry="${entries[entries.length - 1].id}"]`).waitFor();
    await t.shot('journal');
    await nav.getByRole('link', { name: 'Chart of accounts' }).click();
    await p.getByRole('heading', { name: 'Chart of accounts', level: 1 }).waitFor();
    const row = p.locator('tr[data-account="1100"]');
    await row.waitFor();
    assert((await row.textContent()).includes('Accounts Receivable'), 'the chart lists 1100 Accounts Receivable');
    await t.shot('accounts');
  },
};

// Packages at the desk: the admin sees a package on the Packages page, the
// receptionist sells it on the patient's page ("Sell package" -> a package
// invoice and "5 of 5 left"), a booking of its service from the calendar
// links to it, and the booking window says "Package: ..., 4 of 5 left".
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstSlot, addDays, today } from './portal_lib.mjs';
import { scan, assertClean } from './_axe.mjs';

export const tests = {
  async 'a package is sold at the desk and a calendar booking uses it'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const name = `Check-up x5 ${Date.now()}`;
    const pkg = await admin.post('/packages', { name, items: [{ service_id: 1, quantity: 5 }], price: 20000, valid_days: 365 });
    // Patients of their own: the demo's belong to other tests, and a package
    // would change how their bookings are invoiced.
    const patient = await admin.post('/patients', { name: `Pia Paket ${Date.now()}`, phone: '+49 30 5550901' });
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    await p.goto('/#/packages');
    await p.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    await p.getByRole('cell', { name }).waitFor();
    const report = [];
    await scan(p, 'packages page', report);
    await t.shot('packages-setup');

    await p.goto(`/#/patients/${patient.id}`);
    await p.getByRole('heading', { level: 2, name: 'Packages' }).waitFor();
    await p.getByRole('button', { name: 'Sell package' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Package').selectOption(String(pkg.id));
    await scan(p, 'sell package dialog', report);
    await t.shot('sell-package');
    await dialog.getByRole('button', { name: 'Sell and invoice' }).click();
    const row = p.locator('.patient-packages tr', { hasText: name });
    await row.waitFor();
    assert((await row.textContent()).includes('5 of 5 left'), 'the sold package has all its visits');
    const sold = (await admin.get(`/patients/${patient.id}/packages`)).items.find((x) => x.package_id === pkg.id);
    assert(sold, 'the package was sold');
    const invoice = await admin.get(`/invoices/${sold.invoice_id}`);
    assertEqual(invoice.lines.length, 5, 'a line per visit');
    assertEqual(invoice.total, 20000, 'the package price');
    await scan(p, 'patient page with packages', report);
    assertClean(report);
    await t.shot('patient-packages');

    // A booking of the service for that patient uses the package.
    const slot = await firstSlot(t, { serviceIds: [1], from: addDays(today(), 30) });
    const b = await admin.post('/bookings', { patient_id: patient.id, staff_id: slot.staff_id, service_ids: [1], start: slot.start });
    assertEqual(b.package?.patient_package_id, sold.id, 'the booking links to the package');
    assertEqual(b.invoice_id, sold.invoice_id, 'no second invoice');
    await p.goto(`/#/calendar?date=${slot.start.slice(0, 10)}`);
    const block = p.locator('.ec-event', { hasText: patient.name }).filter({ hasText: slot.start.slice(11, 16) }).first();
    await block.waitFor();
    await block.getByRole('button').click();
    const win = p.getByRole('dialog');
    await eventually(async () => (await win.locator('.package-line').count()) > 0, 'the booking window shows the package');
    const line = await win.locator('.package-line').textContent();
    assertEqual(line, `${name}, 4 of 5 left`, 'the package line');
    await win.locator('.history').getByText('Linked to a package').waitFor();
    await t.shot('booking-window-package');
  },

  async 'a unit is booked from its invoice line after Check Availability, then unlinked'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const name = `Cleaning x2 ${Date.now()}`;
    const pkg = await admin.post('/packages', { name, items: [{ service_id: 1, quantity: 2 }], price: 9000 });
    const patient = await admin.post('/patients', { name: `Lars Linie ${Date.now()}`, phone: '+49 30 5550902' });
    const sold = await admin.post(`/patients/${patient.id}/packages`, { package_id: pkg.id });
    const slot = await firstSlot(t, { serviceIds: [1], from: addDays(today(), 40) });
    const staff = (await admin.get('/staff?limit=50')).items.find((s) => s.id === slot.staff_id);
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    await p.goto(`/#/patients/${patient.id}`);
    const lines = p.locator('.package-lines').filter({ has: p.locator('.package-item') }).last();
    await lines.locator('.package-item').first().waitFor();
    await lines.getByRole('button', { name: 'Add appointment' }).first().click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Staff member').selectOption(String(staff.id));
    await dialog.getByLabel('Date').fill(slot.start.slice(0, 10));
    await dialog.getByLabel('Time').fill(slot.start.slice(11, 16));
    await dialog.getByRole('button', { name: 'Check Availability' }).click();
    await dialog.getByText('Available: this time can be booked.').waitFor();
    const report = [];
    await scan(p, 'add appointment dialog', report);
    assertClean(report);
    await t.shot('line-check-availability');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await admin.get(`/patient-packages/${sold.id}`)).items[0].status === 'booked', 'the line is booked');
    const booked = (await admin.get(`/patient-packages/${sold.id}`)).items[0];
    const b = await admin.get(`/bookings/${booked.booking_id}`);
    assertEqual(b.start, slot.start, 'booked at the chosen time');
    assertEqual(b.invoice_id, sold.invoice_id, 'on the package invoice');
    const first = lines.locator('.package-item').first();
    await first.getByText('Booked').waitFor();
    await t.shot('line-booked');
    await first.getByRole('button', { name: 'Unlink' }).click();
    await eventually(async () => (await admin.get(`/patient-packages/${sold.id}`)).items[0].status === 'unassigned', 'the line is unassigned');
    const after = await admin.get(`/bookings/${booked.booking_id}`);
    assertEqual(after.status, 'confirmed', 'the booking stays');
    assert(after.invoice_id && after.invoice_id !== sold.invoice_id, 'with its own invoice');
    await first.getByText('Unassigned').waitFor();
  },
};

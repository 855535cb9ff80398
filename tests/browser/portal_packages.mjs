// A patient buys a package online under My appointments, then books its
// service online: before Complete Reservation the review says the package
// covers it, and the booking uses the package (no invoice of its own).
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstSlot, addDays, today, pickSlot } from './portal_lib.mjs';
import { scan, assertClean } from './_axe.mjs';

export const tests = {
  async 'a patient buys a package online and books its visit online'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const name = `Check-up duo ${Date.now()}`;
    const pkg = await admin.post('/packages', { name, items: [{ service_id: 1, quantity: 2 }], price: 12000, online_purchase: true });
    // A patient of its own: the demo patient's bookings belong to other tests.
    const who = { email: `pkg-${Date.now()}@demo.test`, password: 'package-buyer-1' };
    const patient = await admin.post('/patients', { name: 'Package Buyer', phone: '+49 30 5550999', email: who.email, can_book_online: true });
    await admin.post(`/patients/${patient.id}/account`, who);
    const me = await t.apiAs(who);
    const page = t.page;
    await page.goto('/book#/signin');
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'My packages' }).waitFor();
    await page.getByRole('button', { name: `Buy ${name}` }).click();
    await page.getByText(`You bought ${name}.`).waitFor();
    const mine = page.locator('.my-packages li', { hasText: name }).first();
    await eventually(async () => (await mine.textContent()).includes('Check-up: 2 left'), 'the package shows its visits left');
    const report = [];
    await scan(page, 'my packages', report);
    await t.shot('portal-package-bought');
    const bought = (await me.get('/me/packages')).items.find((p) => p.package_id === pkg.id);
    assert(bought, 'the patient owns the package');
    const invoice = await me.get(`/invoices/${bought.invoice_id}`);
    assertEqual(invoice.lines.length, 2, 'a line per visit');

    const slot = await firstSlot(t, { serviceIds: [1], from: addDays(today(), 50) });
    await page.getByRole('link', { name: 'Book Appointment' }).click();
    await page.getByRole('checkbox', { name: /Check-up/ }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await pickSlot(page, slot);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Skip payment' }).click();
    const coverage = page.locator('.package-coverage');
    await coverage.waitFor();
    assert((await coverage.textContent()).includes(`Check-up: covered by your package ${name}`), 'the review says the package covers it');
    await scan(page, 'review with package coverage', report);
    assertClean(report);
    await t.shot('portal-review-package');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
    const booked = (await me.get('/me/appointments')).items.find((b) => b.kind === 'booking' && b.start === slot.start);
    assert(booked, 'the booking exists');
    const b = await me.get(`/bookings/${booked.id}`);
    assertEqual(b.package?.patient_package_id, bought.id, 'the online booking uses the package');
    assertEqual(b.invoice_id, bought.invoice_id, 'no invoice of its own');
    // My appointments says it is a package visit, not an unpaid booking.
    await page.goto('/book#/appointments');
    await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
    await page.getByText('Package visit').first().waitFor();
    await eventually(async () => (await page.locator('.my-packages li', { hasText: name }).first().textContent()).includes('Check-up: 1 left'),
      'one visit left after the booking');
  },
};

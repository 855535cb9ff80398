// The demo patient signs in at /book, books and pays with the booking
// ("Pay Invoice" -> pending), pays an open invoice from My invoices, cancels
// an upcoming booking, and sees the server's reason when it is too late.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { PHONE, firstSlot, addDays, today, assertNoOverflow, pickSlot } from './portal_lib.mjs';

async function signIn(page) {
  await page.goto('/book#/signin');
  await page.getByLabel('Email').fill(DEMO.patient.email);
  await page.getByLabel('Password').fill(DEMO.patient.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
}

export const tests = {
  async 'the demo patient signs in, books and pays, pays an invoice and cancels'(t) {
    const page = t.page;
    await page.setViewportSize(PHONE);
    const me = await t.apiAs(DEMO.patient);

    // A wrong password shows the server's detail.
    await page.goto('/book#/signin');
    await page.getByLabel('Email').fill(DEMO.patient.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.error-box').waitFor();
    await t.shot('phone-signin-error', page);

    await signIn(page);
    assert(await page.getByText(`Signed in as ${DEMO.patient.email}`).isVisible(), 'the header names the patient');
    await page.getByRole('list', { name: 'Upcoming' }).waitFor();
    await assertNoOverflow(page, 'My appointments at 360px');
    await t.shot('phone-my-appointments', page);

    // Book a cleaning with any staff member and pay with it.
    const slot = await firstSlot(t, { serviceIds: [2], from: addDays(today(), 24) });
    await page.getByRole('link', { name: 'Book Appointment' }).click();
    await page.getByRole('checkbox', { name: /Cleaning/ }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    assert(await page.getByRole('radio', { name: 'Any available staff member' }).isChecked(), '"any" is the default');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await pickSlot(page, slot);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Pay Invoice' }).click();
    await page.getByText(`You are booking as ${DEMO.patient.email}.`).waitFor();
    assert(await page.getByText('Pay now online (€80.00)').isVisible(), 'the review shows the payment');
    assertEqual(await page.getByLabel('Password').count(), 0, 'a signed-in patient is not asked for an account');
    await t.shot('phone-review-signed-in', page);
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
    const done = await page.locator('.confirmation').textContent();
    assert(done.includes('Payment pending') && done.includes('until the clinic confirms'), `the payment is pending: ${done}`);
    assert(done.includes('Cleaning') && done.includes('€80.00'), 'service and price');
    await t.shot('phone-confirmation-paid', page);
    const booked = (await me.get('/me/appointments')).items.find((b) => b.kind === 'booking' && b.start === slot.start);
    assert(booked, 'the booking exists');
    assertEqual(booked.payment_status, 'pending', 'paid online, waiting for the clinic');
    assertEqual(booked.staff_id, slot.staff_id, 'the first free staff member');

    // Pay an open invoice from My invoices.
    const appts = (await me.get('/me/appointments')).items;
    const invoices = (await me.get('/me/invoices')).items;
    const open = invoices.find((inv) => {
      const b = appts.find((x) => x.kind === 'booking' && x.id === inv.booking_id);
      return inv.balance_due > 0 && inv.status !== 'void' && (!b || b.payment_status === 'unpaid');
    });
    assert(open, 'the demo patient has an open invoice');
    await page.getByRole('link', { name: 'My invoices' }).click();
    await page.getByRole('heading', { level: 1, name: 'My invoices' }).waitFor();
    await assertNoOverflow(page, 'My invoices at 360px');
    await t.shot('phone-my-invoices', page);
    await page.getByRole('button', { name: `Pay Invoice ${open.number}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await t.shot('phone-pay-invoice', page);
    await dialog.getByRole('button', { name: /^Pay €/ }).click();
    await page.getByText('pending until the clinic confirms it').waitFor();
    const card = page.locator('.invoice', { hasText: open.number });
    await card.getByText('Payment pending: the clinic will confirm it.').waitFor();
    assertEqual(await card.getByRole('button', { name: /Pay Invoice/ }).count(), 0, 'a pending invoice cannot be paid twice');
    await t.shot('phone-invoice-pending', page);
    await eventually(async () => {
      const b = (await me.get('/me/appointments')).items.find((x) => x.kind === 'booking' && x.id === open.booking_id);
      return b && b.payment_status === 'pending';
    }, 'the invoice payment is pending on the server');

    // Cancel the booking made above (days ahead, inside the notice).
    await page.getByRole('link', { name: 'My appointments' }).click();
    const row = page.getByRole('list', { name: 'Upcoming' }).locator('li', { hasText: 'Cleaning' }).filter({
      hasText: slot.start.slice(11, 16),
    });
    // The portal writes dates like "Wed, Nov 25, 2026" in English.
    const day = new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(slot.start.slice(0, 10) + 'T00:00:00Z'),
    );
    const mine = row.filter({ hasText: day }).first();
    await mine.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('dialog').getByLabel('Reason (optional)').fill('Plans changed');
    await t.shot('phone-cancel-dialog', page);
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByText(/is cancelled\./).waitFor();
    await t.shot('phone-cancelled', page);
    const after = (await me.get('/me/appointments')).items.find((b) => b.id === booked.id);
    assertEqual(after.status, 'cancelled', 'the booking is cancelled on the server');
  },

  async 'cancelling too late shows the server detail'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const before = (await admin.get('/settings')).client_cancel_notice_min;
    // A year's notice makes every booking too late to cancel online.
    await admin.patch('/settings', { client_cancel_notice_min: 525600 });
    try {
      const page = t.page;
    await page.setViewportSize(PHONE);
      await signIn(page);
      const row = page.getByRole('list', { name: 'Upcoming' }).locator('li').filter({ has: page.getByRole('button', { name: 'Cancel booking' }) }).first();
      const text = await row.textContent();
      await row.getByRole('button', { name: 'Cancel booking' }).click();
      await page.getByRole('button', { name: 'Yes, cancel it' }).click();
      const alert = page.getByRole('dialog').locator('.error-box');
      await alert.waitFor();
      const detail = (await alert.textContent()).trim();
      assert(detail.length > 5 && !/HTTP \d+/.test(detail), `the server's detail is shown: ${detail}`);
      await t.shot('phone-cancel-too-late', page);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      assert((await page.getByRole('list', { name: 'Upcoming' }).textContent()).includes(text), 'the booking stays');
    } finally {
      await admin.patch('/settings', { client_cancel_notice_min: before });
    }
  },
  async 'a visitor with an account signs in at the end; a clinic that needs payment offers no skip'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const before = (await admin.get('/settings')).client_payment;
    await admin.patch('/settings', { client_payment: 'enabled' });
    try {
      const page = t.page;
      await page.setViewportSize(PHONE);
      const slot = await firstSlot(t, { serviceIds: [1], staffId: 3, from: addDays(today(), 26) });
      await page.goto('/book');
      await page.getByRole('checkbox', { name: /Check-up/ }).check();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('radio', { name: 'Clara Jensen' }).check();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await pickSlot(page, slot);
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByText('This clinic asks for payment when you book.').waitFor();
      assertEqual(await page.getByRole('button', { name: 'Skip payment' }).count(), 0, 'no Skip payment when payment is required');
      await t.shot('phone-payment-required', page);
      await page.getByRole('button', { name: 'Pay Invoice' }).click();
      await page.getByRole('radio', { name: /I already have an account/ }).check();
      assertEqual(await page.getByLabel('Name').count(), 0, 'signing in asks for no name');
      await page.getByLabel('Email').fill(DEMO.patient.email);
      await page.getByLabel('Password').fill(DEMO.patient.password);
      await t.shot('phone-details-sign-in', page);
      await page.getByRole('button', { name: 'Complete Reservation' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
      const done = await page.locator('.confirmation').textContent();
      assert(done.includes('Clara Jensen') && done.includes('Payment pending'), `booked and paid: ${done}`);
      // The sign-in line follows the confirmation: give it a moment on a busy machine.
      const signedIn = page.getByText(`Signed in as ${DEMO.patient.email}`);
      await signedIn.waitFor({ timeout: 5000 }).catch(() => {});
      assert(await signedIn.isVisible(), 'the visitor is signed in');
      const me = await t.apiAs(DEMO.patient);
      const b = (await me.get('/me/appointments')).items.find((x) => x.kind === 'booking' && x.start === slot.start && x.staff_id === 3);
      assert(b && b.payment_status === 'pending', 'the booking belongs to the demo patient, payment pending');
    } finally {
      await admin.patch('/settings', { client_payment: before });
    }
  },
};

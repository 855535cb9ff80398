// A new patient books online at /book on a phone-sized screen, end to end:
// service -> staff member -> date -> time -> notes -> "Skip payment" ->
// account creation -> "Complete Reservation" -> confirmation, and then sees
// the booking in My appointments.
import { assert, assertEqual } from './_harness.mjs';
import { PHONE, firstSlot, addDays, today, assertNoOverflow, pickSlot } from './portal_lib.mjs';

export const tests = {
  async 'a new patient books online and sees it in My appointments'(t) {
    const page = t.page;
    await page.setViewportSize(PHONE);
    const slot = await firstSlot(t, { serviceIds: [1], staffId: 1, from: addDays(today(), 20) });
    const email = `new.patient.${Date.now()}@example.test`;

    await page.goto('/book');
    await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
    assert(await page.getByText('Step 1 of 6').isVisible(), 'six steps when payment is optional');
    assertEqual(await page.getByRole('checkbox', { name: /Whitening/ }).count(), 0, 'services not offered online are not listed');
    await assertNoOverflow(page, 'service step at 360px');
    await t.shot('phone-service', page);

    // Keyboard: Space ticks the service, Enter goes on.
    await page.getByRole('checkbox', { name: /Check-up/ }).focus();
    await page.keyboard.press('Space');
    const summary = page.getByRole('complementary', { name: 'Booking Summary' });
    await summary.getByText('Check-up').waitFor();
    assert((await summary.textContent()).includes('€50.00'), 'the summary shows the price');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Staff member' }).waitFor();
    await page.getByRole('radio', { name: 'Dr. Anna Weber' }).check();
    await assertNoOverflow(page, 'staff step at 360px');
    await t.shot('phone-staff', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
    const time = await pickSlot(page, slot);
    assertEqual(await time.getAttribute('aria-pressed'), 'true', 'the chosen time is marked');
    // The browser runs in New York; the time shown is the clinic's wall time.
    assert((await summary.textContent()).includes(slot.start.slice(11, 16)), 'the summary shows the clinic time');
    await assertNoOverflow(page, 'date and time step at 360px');
    await t.shot('phone-datetime', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    await page.getByLabel('Notes for the clinic (optional)').fill('First visit, a tooth hurts when cold.');
    await t.shot('phone-notes', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
    assert(await page.getByText('Amount due for this booking: €50.00.').isVisible(), 'the amount due is shown');
    await assertNoOverflow(page, 'payment step at 360px');
    await t.shot('phone-payment', page);
    await page.getByRole('button', { name: 'Skip payment' }).click();

    await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
    assert(await page.getByText('Pay later at the clinic').isVisible(), 'the review shows the payment choice');
    // A short password: the server's field error appears beside the field.
    await page.getByLabel('Name').fill('Nora Neumann');
    await page.getByLabel('Phone').fill('+49 30 1234567');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    const fieldErr = page.locator('.field-error');
    await fieldErr.first().waitFor();
    assert((await fieldErr.first().textContent()).includes('8 characters'), 'the password error is shown beside the field');
    await t.shot('phone-details-error', page);
    await page.getByLabel('Password').fill('a-good-password');
    await assertNoOverflow(page, 'details step at 360px');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();

    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
    const done = await page.locator('.confirmation').textContent();
    for (const want of [slot.start.slice(11, 16), slot.end.slice(11, 16), 'Dr. Anna Weber', 'Check-up', '€50.00', 'Not paid']) {
      assert(done.includes(want), `the confirmation shows ${want}: ${done}`);
    }
    await assertNoOverflow(page, 'confirmation at 360px');
    await t.shot('phone-confirmation', page);

    // The server has the booking, made online by the new patient's account.
    const me = await t.apiAs({ email, password: 'a-good-password' });
    const mine = (await me.get('/me/appointments')).items;
    const booked = mine.find((b) => b.kind === 'booking' && b.start === slot.start);
    assert(booked, 'the new patient has the booking');
    assertEqual(booked.staff_id, 1, 'staff member');
    assertEqual(booked.source, 'online', 'source');
    assertEqual(booked.payment_status, 'unpaid', 'payment skipped');
    assertEqual(booked.notes, 'First visit, a tooth hurts when cold.', 'notes');
    assert(done.includes(String(booked.id)), 'the confirmation shows the booking number');

    // The sign-up signed the patient in: My appointments lists it.
    await page.getByRole('link', { name: 'My appointments' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
    const upcoming = page.getByRole('list', { name: 'Upcoming' });
    const item = upcoming.locator('li', { hasText: 'Check-up' }).first();
    await item.waitFor();
    const text = await item.textContent();
    assert(text.includes(slot.start.slice(11, 16)) && text.includes('Dr. Anna Weber') && text.includes('Confirmed'), `the booking is listed: ${text}`);
    assert(await page.getByText(`Signed in as ${email}`).isVisible(), 'the header names the new account');
    await assertNoOverflow(page, 'My appointments at 360px');
    await t.shot('phone-my-appointments', page);
  },

  async 'the first step works at 1920 px and a taken slot explains why'(t) {
    const page = t.page;
    await page.setViewportSize({ width: 1920, height: 1080 });
    const slot = await firstSlot(t, { serviceIds: [3], staffId: 2, from: addDays(today(), 22) });
    await page.goto('/book');
    await page.getByRole('checkbox', { name: /Filling/ }).check();
    await page.getByRole('checkbox', { name: /Check-up/ }).check();
    await page.getByRole('button', { name: 'Remove Check-up' }).click();
    const summary = page.getByRole('complementary', { name: 'Booking Summary' });
    assert(!(await summary.textContent()).includes('Check-up'), 'the ❌ removes a service');
    await assertNoOverflow(page, 'service step at 1920px');
    await t.shot('wide-service', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('radio', { name: 'Dr. Ben Okafor' }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    const held = page.waitForResponse((r) => r.url().endsWith('/api/v1/holds') && r.request().method() === 'POST');
    await pickSlot(page, slot);
    const hold = await (await held).json();
    await t.shot('wide-datetime', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Skip payment' }).click();

    // The picked time is held: nobody else can take it...
    const staff = await t.apiAs(t.DEMO.staff);
    const taking = { patient_id: 2, staff_id: 2, service_ids: [3], start: slot.start, notes: '' };
    const refused = await staff.post('/bookings', taking).then(() => null, (e) => e);
    assertEqual(refused?.status, 409, 'the held time is refused to others');
    // ... until the hold is gone (as when it runs out); then someone else
    // takes the slot meanwhile, and the server's 409 detail is shown.
    assertEqual((await page.request.delete(`/api/v1/holds/${hold.id}`)).status(), 200, 'hold released');
    await staff.post('/bookings', taking);
    await page.getByLabel('Name').fill('Otto Late');
    await page.getByLabel('Phone').fill('+49 30 7654321');
    await page.getByLabel('Email').fill(`otto.${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('a-good-password');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    const alert = page.locator('.error-box');
    await alert.waitFor();
    assert((await alert.textContent()).trim().length > 5, 'the server detail is shown');
    await assertNoOverflow(page, 'details step at 1920px');
    await t.shot('wide-slot-taken', page);
    await page.getByRole('button', { name: 'Choose another time' }).click();
    await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
  },
};

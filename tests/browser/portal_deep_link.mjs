// SMART Scheduling Links: a slot finder reads the published free slots
// (/fhir/$bulk-publish), sends the patient to a slot's booking-deep-link
// with its booking-referral, and the portal opens on that slot; the booking
// the patient then completes keeps the referral.
import { assert, assertEqual } from './_harness.mjs';

async function publishedSlot(t, serviceId, staffId) {
  const manifest = await (await fetch(`${t.baseURL}/fhir/$bulk-publish`)).json();
  const out = manifest.output.find((o) => o.type === 'Slot');
  const text = await (await fetch(new URL(new URL(out.url).pathname, t.baseURL))).text();
  const slots = text.trim().split('\n').map((l) => JSON.parse(l));
  const ours = slots.filter((s) => s.serviceType[0].coding[0].code === String(serviceId) && s.schedule.reference.startsWith(`Schedule/${staffId}-`));
  // The last published one: weeks after the times other tests book.
  return ours[ours.length - 1];
}

export const tests = {
  async 'a booking-deep-link opens the portal on its slot and the referral is kept'(t) {
    const page = t.page;
    const slot = await publishedSlot(t, 1, 1);
    assert(slot, 'a published Check-up slot of the first staff member');
    const link = slot.extension.find((e) => e.url.endsWith('/booking-deep-link')).valueUrl;
    const url = new URL(link);
    assertEqual(url.pathname, '/book', 'the deep link goes to the portal');
    const email = `linked.patient.${Date.now()}@example.test`;

    await page.goto(`${url.pathname}${url.search}&source=finder&booking-referral=finder-7`);
    // The slot is chosen: the portal opens at the step after it.
    await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    const summary = page.getByRole('complementary', { name: 'Booking Summary' });
    const text = await summary.textContent();
    assert(text.includes('Check-up') && text.includes(slot.start.slice(11, 16)), `the summary shows the linked slot: ${text}`);
    await t.shot('deep-link-opened', page);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
    await page.getByRole('button', { name: 'Skip payment' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
    await page.getByLabel('Name').fill('Lina Link');
    await page.getByLabel('Phone').fill('+49 30 7654321');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a-good-password');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();

    const me = await t.apiAs({ email, password: 'a-good-password' });
    const mine = (await me.get('/me/appointments')).items;
    const booked = mine.find((b) => b.kind === 'booking' && Date.parse(b.start) === Date.parse(slot.start));
    assert(booked, 'the patient has the linked slot booked');
    const full = await me.get(`/bookings/${booked.id}`);
    assertEqual(full.booking_referral, 'finder-7', 'the booking keeps the booking-referral');
    assertEqual(full.staff_id, 1, 'the linked staff member');
  },
};

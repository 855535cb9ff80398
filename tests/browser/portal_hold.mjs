// The portal holds the time a visitor picks: the summary counts down the
// time left, nobody else is offered that time meanwhile, picking another
// time releases the first, and booking with the hold completes it.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstSlot, addDays, today, pickSlot } from './portal_lib.mjs';

export const tests = {
  async 'a picked time is held, counted down, and released for another'(t) {
    const page = t.page;
    const other = await t.apiAs(DEMO.patient);
    const slots = [];
    const first = await firstSlot(t, { serviceIds: [1], staffId: 1, from: addDays(today(), 24) });
    const day = first.start.slice(0, 10);
    const offered = async () =>
      (await other.get(`/availability?service_ids=1&staff_id=1&from=${day}&to=${day}`)).slots.map((s) => s.start);
    const before = await offered();
    slots.push(first, (await fetch(`${t.baseURL}/api/v1/availability?service_ids=1&staff_id=1&from=${day}&to=${day}`)
      .then((r) => r.json())).slots.find((s) => Date.parse(s.start) >= Date.parse(first.end) + 3600000));
    assert(slots[1], 'a second free time that day');
    assert(before.includes(first.start), 'the time is free before it is picked');

    await page.goto('/book');
    await page.getByRole('checkbox', { name: /Check-up/ }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('radio', { name: 'Dr. Anna Weber' }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
    await pickSlot(page, slots[0]);
    const summary = page.getByRole('complementary', { name: 'Booking Summary' });
    const timer = summary.getByRole('timer');
    await timer.waitFor();
    assert(/held for you for (9:5\d|10:00)/.test(await timer.textContent()), 'about ten minutes left');
    await t.shot('hold-timer', page);
    await eventually(async () => !(await offered()).includes(slots[0].start), 'another patient is not offered the held time');

    // Another time: the first is released and the new one held.
    await pickSlot(page, slots[1]);
    await eventually(async () => (await offered()).includes(slots[0].start), 'the first time is free again');
    await eventually(async () => !(await offered()).includes(slots[1].start), 'the second time is held');
    await timer.waitFor();
    const left1 = await timer.textContent();
    await page.waitForTimeout(2200);
    assert((await timer.textContent()) !== left1, 'the time left counts down');

    // The visitor books the held time: the hold's token lets the booking through.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Skip payment' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
    await page.getByLabel('Name').fill('Hanna Halter');
    await page.getByLabel('Phone').fill('+49 30 7654321');
    await page.getByLabel('Email').fill(`held.${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('a-good-password');
    await page.getByRole('button', { name: 'Complete Reservation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
    const admin = await t.apiAs(DEMO.admin);
    const booked = (await admin.get(`/bookings?staff_id=1&from=${day}&to=${addDays(day, 1)}`)).items
      .filter((b) => b.start === slots[1].start && b.status === 'confirmed');
    assertEqual(booked.length, 1, 'the held time is booked once');
    assertEqual(booked[0].source, 'online', 'by the visitor online');
  },
};

// Seats in a class, online and at the desk: the portal and the booking
// wizard show a group event's seats left and book a seat in it; once the
// last seat is taken both show it full, neither lets it be picked, and the
// wizard that had picked it before is refused.
import { assert, assertEqual, DEMO } from './_harness.mjs';
import { addDays } from './portal_lib.mjs';
import { withMode, workshop, freeDayStart, makeEvent } from './_group.mjs';

/** The portal up to the date-and-time step of the workshop with staff member `staff`, on `day`. */
async function portalToDay(page, service, staff, day) {
  await page.goto('/book');
  await page.getByRole('checkbox', { name: new RegExp(service.name) }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('radio', { name: staff }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
  await page.getByLabel('Date', { exact: true }).fill(day);
  return page.getByRole('group', { name: /Available times/ });
}

export const tests = {
  async 'a visitor sees the seats left and books a seat online'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const service = await workshop(admin);
    const slot = await freeDayStart(admin, 2, 110);
    const day = slot.start.slice(0, 10);
    const time = slot.start.slice(11, 16);
    const page = t.page;
    await withMode(admin, 'mixed', async () => {
      const g = await makeEvent(admin, { staffId: 2, start: slot.start, capacity: 3 });
      const times = await portalToDay(page, service, 'Dr. Ben Okafor', day);
      const seat = times.getByRole('button', { name: `${time} · 3 seats left` });
      await seat.waitFor();
      await t.shot('portal-seats-left', page);
      await seat.click();
      assertEqual(await seat.getAttribute('aria-pressed'), 'true', 'the class is chosen');
      const summary = page.getByRole('complementary', { name: 'Booking Summary' });
      await summary.getByText('3 seats left').waitFor();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('button', { name: 'Skip payment' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
      await page.getByLabel('Name').fill('Klara Kursteil');
      await page.getByLabel('Phone').fill('+49 30 9753124');
      await page.getByLabel('Email').fill(`class.${Date.now()}@example.test`);
      await page.getByLabel('Password').fill('a-good-password');
      await page.getByRole('button', { name: 'Complete Reservation' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();
      await t.shot('portal-seat-booked', page);
      const people = (await admin.get(`/group-events/${g.id}/participants`)).items;
      assertEqual(people.length, 1, 'one participant');
      assertEqual(people[0].patient?.name, 'Klara Kursteil', 'the visitor');
      assertEqual(people[0].source, 'online', 'booked online');
      assertEqual(people[0].start, slot.start, 'at the class\'s time');
      assertEqual((await admin.get(`/group-events/${g.id}`)).seats_left, 2, 'two seats left');
    });
  },

  async 'a full class: the last seat taken, the portal and the wizard show it full and refuse'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const service = await workshop(admin);
    const slot = await freeDayStart(admin, 3, 120);
    const day = slot.start.slice(0, 10);
    const time = slot.start.slice(11, 16);
    await withMode(admin, 'mixed', async () => {
      const g = await makeEvent(admin, { staffId: 3, start: slot.start, capacity: 2 });
      await admin.post('/bookings', { group_event_id: g.id, patient_id: 2 });

      // The desk picks the class's last seat for a patient...
      const desk = await t.newPage();
      await t.staffLogin(DEMO.staff, desk);
      await desk.goto(`/#/booking/new?date=${day}`);
      await desk.getByRole('radio', { name: new RegExp(service.name) }).or(desk.getByRole('checkbox', { name: new RegExp(service.name) })).check();
      await desk.getByRole('button', { name: 'Next', exact: true }).click();
      await desk.getByRole('radio', { name: 'Clara Jensen' }).check();
      await desk.getByRole('button', { name: 'Next', exact: true }).click();
      await desk.getByLabel('Date', { exact: true }).fill(day);
      await desk.getByRole('button', { name: `${time} · 1 seat left` }).click();
      await desk.getByRole('button', { name: 'Next', exact: true }).click();
      await desk.getByLabel('Search patients').fill('Rossi');
      await desk.getByRole('radio', { name: /Sofia Rossi/ }).check();
      await desk.getByRole('button', { name: 'Next', exact: true }).click();
      await desk.getByRole('button', { name: 'Complete Reservation' }).waitFor();

      // ...a visitor sees it with one seat left...
      const page = t.page;
      const times = await portalToDay(page, service, 'Clara Jensen', day);
      await times.getByRole('button', { name: `${time} · 1 seat left` }).waitFor();

      // ...and someone else takes it first.
      await admin.post('/bookings', { group_event_id: g.id, patient_id: 4 });
      const full = await admin.get(`/group-events/${g.id}`);
      assertEqual(full.seats_left, 0, 'no seat left');
      assertEqual(full.seats_taken, 2, 'both seats taken');

      // The desk's booking is refused and says so.
      await desk.getByRole('button', { name: 'Complete Reservation' }).click();
      const refusal = desk.getByRole('alert').filter({ hasText: /full/i });
      await refusal.waitFor();
      await t.shot('wizard-refused', desk);
      assertEqual(await desk.getByRole('heading', { name: 'Booking confirmed' }).count(), 0, 'nothing is booked');
      const people = (await admin.get(`/group-events/${g.id}/participants`)).items.filter((b) => b.status !== 'cancelled');
      assertEqual(people.map((b) => b.patient_id).sort().join(), '2,4', 'the two who took the seats, not the desk\'s patient');
      // Back at the times, the class is full and cannot be picked.
      for (let i = 0; i < 2; i++) await desk.getByRole('button', { name: 'Back', exact: true }).click();
      const fullAtDesk = desk.getByRole('button', { name: `${time} · Full` });
      await fullAtDesk.waitFor();
      assert(await fullAtDesk.isDisabled(), 'the wizard shows the class full and will not pick it');
      await t.shot('wizard-full', desk);

      // The visitor's page, reloaded for the day, shows it full too.
      await page.getByLabel('Date', { exact: true }).fill(addDays(day, 1));
      await page.getByLabel('Date', { exact: true }).fill(day);
      const fullOnline = times.getByRole('button', { name: `${time} · Full` });
      await fullOnline.waitFor();
      assert(await fullOnline.isDisabled(), 'the portal shows the class full and will not pick it');
      await t.shot('portal-full', page);

      // And the server refuses a seat to a patient who tries anyway.
      const patient = await t.apiAs(DEMO.patient);
      let status = 0;
      await patient.post('/bookings', { group_event_id: g.id, pay: 'skip' }).catch((e) => { status = e.status; });
      assertEqual(status, 409, 'a full event answers 409');
      assertEqual((await admin.get(`/group-events/${g.id}`)).seats_taken, 2, 'still two seats taken');
    });
  },
};

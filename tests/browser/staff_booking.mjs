// Staff book through the "Create Booking" wizard, from the menu and from
// free time in the calendar (through the "New booking" pop-over).
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';

async function firstFreeSlot(api, serviceId, staffId) {
  const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
  const r = await api.get(`/availability?service_ids=${serviceId}&staff_id=${staffId}&from=${from}&to=${to}`);
  assert(r.slots.length > 0, 'the demo has free slots');
  return r.slots[0];
}

export const tests = {
  async 'books an existing patient through the wizard and sees the confirmation'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await firstFreeSlot(admin, 1, 3);
    const p = t.page;
    await t.staffLogin();
    await p.getByRole('link', { name: 'Create Booking' }).first().click();
    await p.getByRole('heading', { name: 'Create Booking' }).waitFor();
    await p.getByLabel(/Check-up/).check();
    await t.shot('wizard-service');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Clara Jensen').check();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Date').fill(slot.start.slice(0, 10));
    await p.getByRole('button', { name: slot.start.slice(11, 16), exact: true }).click();
    await t.shot('wizard-time');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Search patients').fill('Schmidt');
    await p.getByLabel(/Maria Schmidt/).check();
    await t.shot('wizard-patient');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Notes').fill('booked in the wizard test');
    await p.getByRole('button', { name: 'Complete Reservation' }).click();
    await p.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
    await t.shot('wizard-confirmation');
    const status = await p.getByRole('status').textContent();
    const id = Number(/#(\d+)/.exec(status)[1]);
    const b = await admin.get(`/bookings/${id}`);
    assertEqual(b.start, slot.start, 'booked start');
    assertEqual(b.staff_id, 3, 'booked staff');
    assertEqual(b.patient_id, 1, 'booked patient');
    assertEqual(b.notes, 'booked in the wizard test', 'notes');
    const page = await p.locator('.confirmation').textContent();
    for (const want of ['Maria Schmidt', 'Check-up', 'Clara Jensen', slot.start.slice(11, 16), 'Confirmed']) {
      assert(page.includes(want), `the confirmation shows ${want}`);
    }
  },

  async 'click free time in the calendar, book a new patient with + Patient'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await firstFreeSlot(admin, 1, 2);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${slot.start.slice(0, 10)}`);
    await p.locator('.ec-event').first().waitFor();
    // The calendar hands the clicked time and column to the wizard.
    await p.goto(`/#/booking/new?staff_id=2&date=${slot.start.slice(0, 10)}&time=${slot.start.slice(11, 16)}`);
    await p.getByLabel(/Check-up/).check();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    assert(await p.getByLabel('Dr. Ben Okafor').isChecked(), 'the clicked staff member is chosen');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    const pressed = p.getByRole('button', { name: slot.start.slice(11, 16), exact: true });
    await pressed.waitFor();
    await eventually(async () => (await pressed.getAttribute('aria-pressed')) === 'true', 'the clicked time is chosen');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByRole('button', { name: '+ Patient' }).click();
    await p.getByLabel('Name').fill('Greta Neumann');
    await p.getByLabel('Phone').fill('+49 30 5559999');
    await p.getByLabel('Email').fill('greta@example.test');
    await p.getByLabel('Password').fill('greta-pass-123');
    await t.shot('wizard-new-patient');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByRole('button', { name: 'Complete Reservation' }).click();
    await p.getByRole('heading', { name: 'Booking confirmed' }).waitFor();
    const found = await admin.get('/patients?q=Greta');
    assertEqual(found.items.length, 1, 'the new patient exists');
    assert(found.items[0].has_account, 'the new patient has an account');
  },

  async 'clicking free time opens New booking, the full wizard one click away'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await firstFreeSlot(admin, 1, 1);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${slot.start.slice(0, 10)}`);
    await p.locator('.ec-event').first().waitFor();
    // Click in Dr. Anna Weber's column a few minutes into the free slot:
    // the row is found between the labels of its hour and the next one.
    const head = p.locator('.ec-header').getByText('Dr. Anna Weber').first();
    // The calendar may redraw its header once after the first events; measure when it stands still.
    const hb = await eventually(() => head.boundingBox(), 'the staff column header has a box');
    const hour = Number(slot.start.slice(11, 13));
    const label = async (h) => {
      const box = await eventually(() => p.locator('.ec-sidebar, .ec-time-grid, .ec-main').getByText(`${String(h).padStart(2, '0')}:00`, { exact: true }).first().boundingBox(), 'the hour label has a box');
      return box.y + box.height / 2;
    };
    const y0 = await label(hour);
    const y1 = await label(hour + 1);
    const minute = Number(slot.start.slice(14, 16));
    await p.mouse.click(hb.x + hb.width / 2, y0 + ((y1 - y0) * (minute + 5)) / 60);
    const pop = p.getByRole('dialog', { name: 'New booking' });
    await pop.waitFor();
    await pop.getByRole('link', { name: 'Open the full booking form' }).click();
    await p.waitForURL(/#\/booking\/new/);
    const url = decodeURIComponent(p.url());
    assert(url.includes('staff_id=1'), 'the clicked column: ' + url);
    assert(url.includes(`date=${slot.start.slice(0, 10)}`), 'the clicked date: ' + url);
    assert(url.includes(`time=${slot.start.slice(11, 16)}`), `the clicked time ${slot.start.slice(11, 16)}: ` + url);
    await t.shot('wizard-from-calendar');
  },
};

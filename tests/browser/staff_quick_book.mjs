// Booking from free time in two clicks: hovering free time in the calendar
// shows "New booking"; the pop-over takes a patient and a service and books.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';

/** The first free check-up slot of a staff member in the next two weeks. */
async function freeSlot(api, staffId) {
  const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
  const r = await api.get(`/availability?service_ids=1&staff_id=${staffId}&from=${from}&to=${to}`);
  assert(r.slots.length > 0, 'the demo has free slots');
  return r.slots[Math.floor(r.slots.length / 2)];
}

/** The screen point of a wall time in a staff member's column. */
async function pointOf(p, staffName, time) {
  const hour = Number(time.slice(0, 2));
  await p.locator('.ec-sidebar, .ec-time-grid, .ec-main').getByText(`${String(hour + 1).padStart(2, '0')}:00`, { exact: true }).first().scrollIntoViewIfNeeded();
  const head = await eventually(() => p.locator('.ec-header').getByText(staffName).first().boundingBox(), 'the column header has a box');
  const label = async (h) => {
    const box = await eventually(() => p.locator('.ec-sidebar, .ec-time-grid, .ec-main').getByText(`${String(h).padStart(2, '0')}:00`, { exact: true }).first().boundingBox(), 'the hour label has a box');
    return box.y + box.height / 2;
  };
  const y0 = await label(hour);
  const y1 = await label(hour + 1);
  return { x: head.x + head.width / 2, y: y0 + ((y1 - y0) * (Number(time.slice(3, 5)) + 5)) / 60 };
}

export const tests = {
  async 'hover shows New booking; the pop-over books patient and service'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await freeSlot(admin, 2);
    const day = slot.start.slice(0, 10);
    const time = slot.start.slice(11, 16);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    await p.locator('.ec-header').getByText('Dr. Ben Okafor').first().waitFor();
    await p.locator('.ec-bg-event').first().waitFor({ state: 'attached' });
    const at = await pointOf(p, 'Dr. Ben Okafor', time);
    await p.mouse.move(at.x, at.y);
    await p.mouse.move(at.x + 2, at.y + 1);
    const pointer = p.locator('.ec-pointer').filter({ hasText: 'New booking' });
    await pointer.waitFor();
    await t.shot('hover-new-booking');
    await p.mouse.click(at.x, at.y);
    const pop = p.getByRole('dialog', { name: 'New booking' });
    await pop.waitFor();
    assert((await pop.textContent()).includes(time), 'the pop-over has the hovered time');
    await pop.getByLabel('Service').selectOption('1');
    await pop.getByLabel('Search patients').fill('Jonas');
    await pop.getByRole('radio', { name: /Jonas/ }).first().check();
    await t.shot('pop-over-filled');
    await pop.getByRole('button', { name: 'Book', exact: true }).click();
    await p.getByText(/^Booked .* at .* with Dr\. Ben Okafor\.$/).waitFor();
    await t.shot('booked');
    const list = (await admin.get(`/bookings?from=${day}&to=${day}&staff_id=2&limit=500`)).items;
    const b = list.find((x) => x.start === slot.start && x.status === 'confirmed');
    assert(b, 'the booking exists at the hovered time');
    assertEqual(b.service_ids.join(), '1', 'for the chosen service');
    assert(b.patient?.name?.includes('Jonas'), 'for the chosen patient: ' + b.patient?.name);
    await eventually(async () => (await p.locator('.ec-event').filter({ hasText: b.patient.name }).count()) > 0, 'the calendar shows it');
  },

  async 'a busy time offers the nearest free start times'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await freeSlot(admin, 2);
    const day = slot.start.slice(0, 10);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    await p.getByRole('heading', { name: 'Free time' }).waitFor();
    const col = p.locator('.free-staff[data-staff="2"]');
    await col.getByRole('button').first().click();
    const pop = p.getByRole('dialog', { name: 'New booking' });
    const filling = (await admin.get('/services?limit=100')).items.find((s) => s.name === 'Filling');
    await pop.getByLabel('Service').selectOption(String(filling.id));
    await pop.locator('.loading').waitFor({ state: 'detached' });
    // Either the first free minute fits the hour-long filling or nearby times are offered.
    const text = await pop.textContent();
    assert(!text.includes('does not fit') || (await pop.getByRole('group', { name: 'Nearest free start times' }).count()) === 1, 'nearest times offered');
    await pop.getByRole('button', { name: 'Close' }).click();
    await pop.waitFor({ state: 'detached' });
  },
};

// The calendar's Resources view: one column per unit of each resource at
// the location, each booking in the column of the unit it holds (with its
// staff member), its buffer shaded, and its window a keypress away.
import { assert, assertEqual, DEMO } from './_harness.mjs';
import { axeViolations } from './_axe.mjs';
import { addDays, today } from './portal_lib.mjs';
import { withMode, freeDayStart } from './_group.mjs';

/** A day well beyond the other tests' two to four weeks where staff 1 and 2 are both free at one time. */
async function commonFreeTime(admin, serviceId) {
  const from = addDays(today(), 45);
  const to = addDays(from, 20);
  const a = (await admin.get(`/availability?service_ids=${serviceId}&staff_id=1&from=${from}&to=${to}`)).slots;
  const b = new Set((await admin.get(`/availability?service_ids=${serviceId}&staff_id=2&from=${from}&to=${to}`)).slots.map((s) => s.start));
  return a.find((s) => b.has(s.start));
}

/** The header cell whose text is `name`, and whether the block lies inside its column. */
async function inColumn(page, name, block) {
  const head = page.locator('.ec-header .ec-col-head', { hasText: new RegExp(`^\\s*${name}\\s*$`) }).first();
  const h = await head.boundingBox();
  const b = await block.boundingBox();
  assert(h && b, `the column ${name} and the block are drawn`);
  const x = b.x + b.width / 2;
  return x >= h.x && x <= h.x + h.width;
}

export const tests = {
  async 'one column per unit, bookings in the unit they hold'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const p = t.page;
    const location = (await admin.get('/locations')).items[0];
    const chair = await admin.post('/resources', { name: 'Hygiene chair', kind: 'chair', location_id: location.id, quantity: 2 });
    const service = await admin.post('/services', {
      name: 'Air polishing', duration_min: 30, price: 6000, buffer_after_min: 10, resource_ids: [chair.id],
    });
    const slot = await commonFreeTime(admin, service.id);
    assert(slot, 'staff 1 and 2 are both free at one time');
    const b1 = await admin.post('/bookings', { patient_id: 2, staff_id: 1, service_ids: [service.id], start: slot.start });
    const b2 = await admin.post('/bookings', { patient_id: 3, staff_id: 2, service_ids: [service.id], start: slot.start });
    const unitOf = (b) => b.resources.find((r) => r.resource_id === chair.id)?.unit;
    assertEqual(JSON.stringify([unitOf(b1), unitOf(b2)].sort()), JSON.stringify([1, 2]), 'the two bookings hold the two chairs');
    const [patient1, patient2] = [(await admin.get('/patients/2')).name, (await admin.get('/patients/3')).name];
    const staff = (await admin.get('/staff')).items;
    const name = (id) => staff.find((s) => s.id === id).name;
    const day = slot.start.slice(0, 10);

    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    await p.getByRole('heading', { name: 'Free time' }).waitFor();
    const views = p.getByRole('group', { name: 'View' });
    await views.getByRole('button', { name: 'Resources' }).click();
    await p.locator('.ec-header', { hasText: 'Hygiene chair 2' }).waitFor();
    assertEqual(await views.getByRole('button', { name: 'Resources' }).getAttribute('aria-pressed'), 'true', 'the view button says it is on');
    assert(/view=resources/.test(await p.evaluate(() => location.hash)), 'the view is in the address, so it can be linked');
    assertEqual(await p.getByRole('heading', { name: 'Free time' }).count(), 0, 'the staff free-time list is not part of the resource view');

    const block1 = p.getByRole('button', { name: new RegExp(`${patient1} · ${name(1)}`) });
    const block2 = p.getByRole('button', { name: new RegExp(`${patient2} · ${name(2)}`) });
    await block1.waitFor();
    await block2.waitFor();
    await block1.scrollIntoViewIfNeeded();
    assert(await inColumn(p, `Hygiene chair ${unitOf(b1)}`, block1), `${patient1}'s booking is in chair ${unitOf(b1)}'s column`);
    assert(await inColumn(p, `Hygiene chair ${unitOf(b2)}`, block2), `${patient2}'s booking is in chair ${unitOf(b2)}'s column`);
    assert(!(await inColumn(p, `Hygiene chair ${unitOf(b2)}`, block1)), 'and not in the other chair');
    assert((await block1.textContent()).includes(slot.start.slice(11, 16)), 'the block shows its start time');
    assert((await p.locator('.ev-occupied').count()) >= 2, 'each booking\'s ten-minute buffer is shaded behind it');
    await t.shot('resource-view');
    const found = await axeViolations(p);
    assertEqual(found.join('\n'), '', 'axe-core finds nothing on the resource view');

    // From the keyboard: the block is a button; Enter opens the booking's window.
    await block1.focus();
    await p.keyboard.press('Enter');
    const dialog = p.getByRole('dialog', { name: 'Booking' });
    await dialog.getByText(`#${b1.id}`).first().waitFor();
    assert((await dialog.textContent()).includes(name(1)), 'the window names the staff member');
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Back to the staff view: the same booking is in its staff member's column again.
    await views.getByRole('button', { name: 'Day' }).click();
    await p.getByRole('heading', { name: 'Free time' }).waitFor();
    await p.locator('.ec-header', { hasText: name(1) }).waitFor();
    assertEqual(await p.locator('.ec-header', { hasText: 'Hygiene chair' }).count(), 0, 'no chair columns in the staff view');
  },

  async 'a class holds one unit for all its seats and opens as its group event'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const p = t.page;
    const chair = (await admin.get('/resources')).items.find((r) => r.name === 'Hygiene chair');
    assert(chair, 'the chair of the test above');
    const service = await admin.post('/services', {
      name: 'Brushing class', duration_min: 45, price: 1500, capacity: 4, resource_ids: [chair.id],
    });
    const slot = await freeDayStart(admin, 3, 130);
    const day = slot.start.slice(0, 10);
    await withMode(admin, 'mixed', async () => {
      const g = await admin.post('/group-events', { service_id: service.id, staff_id: 3, location_id: chair.location_id, start: slot.start });
      await admin.post('/bookings', { group_event_id: g.id, patient_id: 2 });
      await admin.post('/bookings', { group_event_id: g.id, patient_id: 3 });
      await t.staffLogin();
      await p.goto(`/#/calendar?date=${day}&view=resources`);
      const block = p.getByRole('button', { name: /Brushing class · Clara Jensen/ });
      await block.waitFor();
      assertEqual(await block.count(), 1, 'one block for the class, not one per participant');
      await block.scrollIntoViewIfNeeded();
      assert(await inColumn(p, 'Hygiene chair 1', block), 'in the first chair\'s column');
      await t.shot('resource-view-class');
      await block.click();
      const win = p.getByRole('dialog', { name: 'Group event' });
      await win.getByText('2/4 seats taken').waitFor();
      assert((await win.textContent()).includes('Brushing class'), 'the window is the class\'s');
    });
  },

  async 'a phone shows one unit at a time with a picker'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const location = (await admin.get('/locations')).items[0];
    const chairs = (await admin.get('/resources')).items.filter((r) => r.location_id === location.id);
    const units = chairs.reduce((n, r) => n + r.quantity, 0);
    assert(units >= 2, 'the location has at least two units (the test above adds a chair of two)');
    const p = await t.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await t.staffLogin(DEMO.staff, p);
    await p.goto(`/#/calendar?date=${addDays(today(), 1)}&view=resources`);
    const picker = p.getByRole('combobox', { name: 'Resource' });
    await picker.waitFor();
    assertEqual(await picker.locator('option').count(), units, 'the picker lists every unit');
    assertEqual(await p.locator('.ec-header .ec-col-head').count(), 1, 'one column shown');
    const second = await picker.locator('option').nth(1).textContent();
    await picker.selectOption({ index: 1 });
    await p.locator('.ec-header', { hasText: second }).waitFor();
    await t.shot('resource-view-phone', p);
    const found = await axeViolations(p);
    assertEqual(found.join('\n'), '', 'axe-core finds nothing on the phone resource view');
  },
};

// Drag a booking to another time: the calendar asks first (and whether to
// tell the patient), a move can be undone, a refused move goes back and is
// explained, and "Leave it where it was" changes nothing.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';
import { axeViolations } from './_axe.mjs';

/** Drags the calendar block of booking b by `minutes` within its column. */
async function dragBy(page, b, minutes) {
  const block = page.locator('.ec-event', { hasText: b.patient.name }).filter({ hasText: b.start.slice(11, 16) }).first();
  await block.waitFor();
  // The day view scrolls towards the current time: bring the block, and
  // the hour below it that it is dragged into, on screen first.
  await block.scrollIntoViewIfNeeded();
  await block.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await block.boundingBox();
  const length = (Date.parse(b.end) - Date.parse(b.start)) / 60000;
  const perMinute = box.height / length;
  const x = box.x + box.width / 2;
  const y = box.y + Math.min(10, box.height / 2);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + 5, { steps: 3 });
  await page.mouse.move(x, y + minutes * perMinute, { steps: 12 });
  await page.mouse.up();
}

export const tests = {
  async 'drag reschedules a booking'(t) {
    const admin = await t.apiAs(DEMO.admin);
    // A booking still to come (Undo must be able to put it back) whose
    // staff member is free 60 minutes later.
    const today = new Date().toISOString().slice(0, 10);
    const until = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
    const list = await admin.get(`/bookings?from=${today}&to=${until}&status=confirmed&limit=500`);
    const bookings = list.items.filter((b) => Date.parse(b.start) > Date.now() + 3600000).sort((x, y) => x.start.localeCompare(y.start));
    let pick = null;
    let target = null;
    for (const b of bookings) {
      const day = b.start.slice(0, 10);
      const r = await admin.get(`/availability?service_ids=${b.service_ids.join(',')}&staff_id=${b.staff_id}&from=${day}&to=${day}`);
      const later = new Date(Date.parse(b.start) + 3600000);
      target = r.slots.find((s) => Date.parse(s.start) === later.getTime());
      if (target) {
        pick = b;
        break;
      }
    }
    assert(pick, 'some demo booking can move an hour later');
    const day = pick.start.slice(0, 10);
    await t.staffLogin();
    await t.page.goto(`/#/calendar?date=${day}`);
    await dragBy(t.page, pick, 60);
    const dialog = t.page.getByRole('dialog', { name: 'Move this?' });
    await dialog.waitFor();
    assert((await dialog.textContent()).includes(target.start.slice(11, 16)), 'the question names the new time');
    const tell = dialog.getByLabel('Tell the patient the new time by e-mail');
    assert(await tell.isChecked(), 'telling the patient is the default');
    await t.shot('calendar-drag-question');
    const found = await axeViolations(t.page);
    assertEqual(found.join('\n'), '', 'axe-core finds nothing wrong with the question');
    await dialog.getByRole('button', { name: 'Move', exact: true }).click();
    await t.page.getByText('Moved. The new time is saved and the patient is told.').waitFor();
    await t.shot('calendar-after-drag');
    const after = await admin.get(`/bookings/${pick.id}`);
    assertEqual(after.start, target.start, 'the booking starts an hour later');
    assertEqual(after.staff_id, pick.staff_id, 'same staff member');
    const history = await admin.get(`/bookings/${pick.id}/history`);
    assert(history.items.length >= 2, 'the move is in the change history');

    // Undo puts it back through the API.
    await t.page.getByRole('button', { name: 'Undo' }).click();
    await t.page.getByText(`Put back at ${pick.start.slice(11, 16)}.`).waitFor();
    const back = await admin.get(`/bookings/${pick.id}`);
    assertEqual(back.start, pick.start, 'Undo put the booking back');
    await eventually(async () => {
      const block = t.page.locator('.ec-event', { hasText: pick.patient.name }).filter({ hasText: pick.start.slice(11, 16) });
      return (await block.count()) > 0;
    }, 'the block is back at its old time');
  },

  async 'a drag asked about and left where it was changes nothing'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    const pick = bookings[0];
    await t.staffLogin();
    await t.page.goto(`/#/calendar?date=${day}`);
    await dragBy(t.page, pick, 30);
    const dialog = t.page.getByRole('dialog', { name: 'Move this?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Leave it where it was' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => {
      const block = t.page.locator('.ec-event', { hasText: pick.patient.name }).filter({ hasText: pick.start.slice(11, 16) });
      return (await block.count()) > 0;
    }, 'the block is back at its time');
    const still = await admin.get(`/bookings/${pick.id}`);
    assertEqual(still.start, pick.start, 'the booking did not move');
    assertEqual(still.updated_at, pick.updated_at, 'nothing was written');
  },

  async 'a refused drag reverts and shows why'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    // Two bookings of one staff member: drag the first onto the second.
    const byStaff = {};
    for (const b of bookings) (byStaff[b.staff_id] ||= []).push(b);
    const pair = Object.values(byStaff).find((l) => l.length >= 2);
    const [a, b] = pair.sort((x, y) => x.start.localeCompare(y.start));
    await t.staffLogin();
    await t.page.goto(`/#/calendar?date=${day}`);
    const minutes = (Date.parse(b.start) - Date.parse(a.start)) / 60000;
    await dragBy(t.page, a, minutes);
    const dialog = t.page.getByRole('dialog', { name: 'Move this?' });
    await dialog.getByRole('button', { name: 'Move', exact: true }).click();
    const alert = t.page.locator('.error-box');
    await alert.waitFor();
    const text = await alert.textContent();
    assert(/not available|taken|overlap|outside/i.test(text), 'the server says why: ' + text);
    await t.shot('calendar-refused-drag');
    const still = await admin.get(`/bookings/${a.id}`);
    assertEqual(still.start, a.start, 'the booking did not move');
    await eventually(async () => {
      const block = t.page.locator('.ec-event', { hasText: a.patient.name }).filter({ hasText: a.start.slice(11, 16) });
      return (await block.count()) > 0;
    }, 'the block is back at its time');
  },
};

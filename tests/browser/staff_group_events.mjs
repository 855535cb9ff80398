// Group events in the staff app: the Group events page makes a weekly
// class, lists it by dates, staff member and service with seats taken of
// its capacity, adds a participant and cancels one, then the following
// ones; the day calendar draws group events in their staff member's column
// with their seats; and a click on free time offers "Booking" and "Group
// event" only when the appointment mode is mixed.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { axeViolations } from './_axe.mjs';
import { addDays } from './portal_lib.mjs';
import { withMode, workshop, freeDayStart, makeEvent } from './_group.mjs';

const nav = (p, name) => p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name, exact: true }).click();

/** Whether the block's middle lies in the column headed `name`. */
async function inColumn(p, name, block) {
  const head = await p.locator('.ec-header .ec-col-head', { hasText: name }).first().boundingBox();
  const box = await block.boundingBox();
  assert(head && box, `the column ${name} and the block are drawn`);
  const x = box.x + box.width / 2;
  return x >= head.x && x <= head.x + head.width;
}

export const tests = {
  async 'the Group events page: a weekly class, seats, a participant, cancelling'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const service = await workshop(admin);
    const slot = await freeDayStart(admin, 3, 70);
    const day = slot.start.slice(0, 10);
    const time = slot.start.slice(11, 16);
    const until = addDays(day, 14);
    const p = t.page;
    await withMode(admin, 'mixed', async () => {
      await t.staffLogin(DEMO.admin);
      await nav(p, 'Group events');
      await p.getByRole('heading', { name: 'Group events', level: 1 }).waitFor();
      await p.getByRole('button', { name: 'New group event' }).click();
      const form = p.getByRole('dialog', { name: 'New group event' });
      await form.getByLabel('Service').selectOption(String(service.id));
      await form.getByLabel('Staff member').selectOption('3');
      await form.getByLabel('Date', { exact: true }).fill(day);
      await form.getByLabel('Time', { exact: true }).fill(time);
      assertEqual(await form.getByLabel('Capacity (seats)').inputValue(), String(service.capacity), 'the capacity starts as the service\'s');
      await form.getByLabel('Capacity (seats)').fill('3');
      await form.getByLabel('Recurring').check();
      await form.getByLabel('Every').selectOption('week');
      await form.getByLabel('Until (inclusive)').fill(until);
      await t.shot('new-group-event');
      assertEqual((await axeViolations(p)).join('\n'), '', 'axe-core finds nothing on the form');
      await form.getByRole('button', { name: 'Create group event' }).click();
      await p.getByRole('status').filter({ hasText: '3 group events created.' }).waitFor();

      const made = (await admin.get(`/group-events?from=${day}&to=${until}&service_id=${service.id}&staff_id=3`)).items
        .sort((a, b) => a.start.localeCompare(b.start));
      assertEqual(made.length, 3, 'three weekly events exist');
      assert(made[0].series_id && made.every((g) => g.series_id === made[0].series_id), 'in one series');
      assertEqual(made.map((g) => g.start.slice(0, 10)).join(), [day, addDays(day, 7), until].join(), 'a week apart');
      assert(made.every((g) => g.capacity === 3 && g.seats_taken === 0 && g.start.slice(11, 16) === time), 'three seats each, at the time');

      // The list by date range, staff member and service, with the seats.
      await p.getByLabel('From', { exact: true }).fill(day);
      await p.getByLabel('To', { exact: true }).fill(until);
      await p.getByRole('search').getByLabel('Staff member').selectOption('3');
      await p.getByRole('search').getByLabel('Service').selectOption(String(service.id));
      const rows = p.locator('tr[data-group-event]');
      await eventually(async () => (await rows.count()) === 3, 'the three events are listed');
      for (const g of made) assert((await p.locator(`tr[data-group-event="${g.id}"]`).textContent()).includes('0/3 seats taken'), 'no seat taken yet');
      await p.getByRole('search').getByLabel('Staff member').selectOption('1');
      await p.getByText('No group events in this period.').waitFor();
      await p.getByRole('search').getByLabel('Staff member').selectOption('3');
      await eventually(async () => (await rows.count()) === 3, 'listed again');
      await t.shot('group-events-list');
      assertEqual((await axeViolations(p)).join('\n'), '', 'axe-core finds nothing on the list');

      // A participant for the first one.
      await p.locator(`tr[data-group-event="${made[0].id}"]`).getByRole('button', { name: /Participants/ }).click();
      const win = p.getByRole('dialog', { name: 'Group event' });
      await win.getByText('Nobody has booked a seat yet.').waitFor();
      await win.getByRole('button', { name: 'Add participant' }).click();
      await win.getByLabel('Search patients').fill('Becker');
      await win.getByRole('radio', { name: /Jonas Becker/ }).check();
      await win.getByRole('button', { name: 'Add to the event' }).click();
      await win.getByText('Jonas Becker has a seat.').waitFor();
      await win.locator('[data-seats]').filter({ hasText: '1/3 seats taken' }).waitFor();
      await win.getByRole('cell', { name: 'Jonas Becker', exact: true }).waitFor();
      await t.shot('group-event-participant');
      assertEqual((await axeViolations(p)).join('\n'), '', 'axe-core finds nothing in the event window');
      const people = (await admin.get(`/group-events/${made[0].id}/participants`)).items;
      assertEqual(people.length, 1, 'one participant');
      assertEqual(people[0].patient_id, 2, 'Jonas Becker');
      assertEqual(people[0].group_event_id, made[0].id, 'a booking of the event');
      assertEqual((await admin.get(`/group-events/${made[0].id}`)).seats_taken, 1, 'one seat taken');
      await p.keyboard.press('Escape');
      await win.waitFor({ state: 'detached' });
      await p.locator(`tr[data-group-event="${made[0].id}"]`).filter({ hasText: '1/3 seats taken' }).waitFor();

      // Cancel the second and the following one: the first stays.
      await p.locator(`tr[data-group-event="${made[1].id}"]`).getByRole('button', { name: /Participants/ }).click();
      await win.getByRole('button', { name: 'Cancel group event' }).click();
      await win.getByLabel('Which occurrences').selectOption('following');
      await win.getByRole('button', { name: 'Cancel the event' }).click();
      await win.getByText('The group event is cancelled.').waitFor();
      const after = await Promise.all(made.map((g) => admin.get(`/group-events/${g.id}`)));
      assertEqual(after.map((g) => g.status === 'cancelled').join(), 'false,true,true', 'the second and third are cancelled');
      await p.keyboard.press('Escape');

      // Cancel the first alone: its participant's booking goes with it.
      await p.locator(`tr[data-group-event="${made[0].id}"]`).getByRole('button', { name: /Participants/ }).click();
      await win.getByRole('button', { name: 'Cancel group event' }).click();
      await win.getByRole('button', { name: 'Cancel the event' }).click();
      await win.getByText('The group event is cancelled.').waitFor();
      assertEqual((await admin.get(`/group-events/${made[0].id}`)).status, 'cancelled', 'the first is cancelled');
      assertEqual((await admin.get(`/bookings/${people[0].id}`)).status, 'cancelled', 'and its participant\'s booking');
    });
  },

  async 'the day calendar draws a group event in its staff member\'s column with its seats'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const slot = await freeDayStart(admin, 2, 80);
    const day = slot.start.slice(0, 10);
    const p = t.page;
    await withMode(admin, 'mixed', async () => {
      const g = await makeEvent(admin, { staffId: 2, start: slot.start, capacity: 4 });
      await admin.post('/bookings', { group_event_id: g.id, patient_id: 3 });
      await t.staffLogin();
      await p.goto(`/#/calendar?date=${day}`);
      const block = p.getByRole('button', { name: /Oral hygiene workshop · 1\/4 seats taken/ });
      await block.waitFor();
      await block.scrollIntoViewIfNeeded();
      assert(await inColumn(p, 'Dr. Ben Okafor', block), 'in Dr. Ben Okafor\'s column');
      assert(!(await inColumn(p, 'Dr. Anna Weber', block)), 'not in another column');
      assert((await block.textContent()).includes(slot.start.slice(11, 16)), 'at its time');
      const free = p.locator('.free-staff[data-staff="2"]');
      assert(!(await free.textContent()).includes(`${slot.start.slice(11, 16)}–`), 'its time is not free time');
      await t.shot('calendar-group-event');
      // From the keyboard it opens its window with its participants.
      await block.focus();
      await p.keyboard.press('Enter');
      const win = p.getByRole('dialog', { name: 'Group event' });
      await win.getByRole('cell', { name: (await admin.get('/patients/3')).name, exact: true }).waitFor();
      assert((await win.textContent()).includes('1/4 seats taken'), 'the window says the seats');
    });
  },

  async 'free time offers Booking and Group event only in mixed mode'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const service = await workshop(admin);
    const slot = await freeDayStart(admin, 1, 90);
    const day = slot.start.slice(0, 10);
    const p = t.page;
    await t.staffLogin();
    const freeButton = () => p.locator('.free-staff[data-staff="1"]').getByRole('button').first();

    await withMode(admin, 'individual', async () => {
      await p.goto(`/#/calendar?date=${day}`);
      await p.reload();
      await freeButton().click();
      const pop = p.getByRole('dialog', { name: 'New booking' });
      await pop.getByLabel('Service').waitFor();
      assertEqual(await pop.getByRole('radio', { name: 'Group event' }).count(), 0, 'individual: no group event choice');
      await p.keyboard.press('Escape');
      await pop.waitFor({ state: 'detached' });
    });

    await withMode(admin, 'group', async () => {
      await p.reload();
      await freeButton().click();
      const pop = p.getByRole('dialog', { name: 'New group event' });
      await pop.getByRole('button', { name: 'Create' }).waitFor();
      assertEqual(await pop.getByRole('radio', { name: 'Booking' }).count(), 0, 'group: no booking choice');
      const options = await pop.getByLabel('Service').locator('option').allTextContents();
      assert(options.some((o) => o.includes(service.name)) && !options.some((o) => o.includes('Check-up')), 'only group services');
      await p.keyboard.press('Escape');
      await pop.waitFor({ state: 'detached' });
    });

    await withMode(admin, 'mixed', async () => {
      await p.reload();
      await p.getByRole('heading', { name: 'Free time' }).waitFor();
      // A click in the grid, in Dr. Anna Weber's column at the start of her day.
      const head = await p.locator('.ec-header .ec-col-head', { hasText: 'Dr. Anna Weber' }).first().boundingBox();
      const hour = Number(slot.start.slice(11, 13));
      const label = p.locator('.ec-sidebar').getByText(`${String(hour + 1).padStart(2, '0')}:00`, { exact: true }).first();
      await label.scrollIntoViewIfNeeded();
      const box = await label.boundingBox();
      await p.mouse.click(head.x + head.width / 2, box.y + box.height / 2 + 5);
      const pop = p.getByRole('dialog', { name: 'New booking' });
      const kinds = pop.getByRole('group', { name: 'What to create' });
      await kinds.waitFor();
      assert(await kinds.getByRole('radio', { name: 'Booking' }).isChecked(), 'Booking is the first choice');
      await pop.getByLabel('Service').waitFor();
      await t.shot('mixed-choice');
      assertEqual((await axeViolations(p)).join('\n'), '', 'axe-core finds nothing on the choice');
      await kinds.getByRole('radio', { name: 'Group event' }).check();
      await pop.getByLabel('Capacity (seats)').waitFor();
      assertEqual(await pop.getByLabel('Service').inputValue(), String(service.id), 'the one group service is chosen');
      assertEqual(await pop.getByLabel('Staff member').inputValue(), '1', 'for the clicked column');
      assertEqual(await pop.getByLabel('Date', { exact: true }).inputValue(), day, 'on the day shown');
      const time = await pop.getByLabel('Time', { exact: true }).inputValue();
      assert(time.startsWith(String(hour + 1).padStart(2, '0')), `at the clicked hour (${time})`);
      await pop.getByLabel('Capacity (seats)').fill('5');
      await pop.getByRole('button', { name: 'Create' }).click();
      await p.getByRole('status').filter({ hasText: '1 group event created.' }).waitFor();
      const made = (await admin.get(`/group-events?from=${day}&to=${day}&staff_id=1`)).items;
      assertEqual(made.length, 1, 'one event made');
      assertEqual(made[0].start.slice(11, 16), time, 'at the time in the form');
      await p.getByRole('button', { name: /Oral hygiene workshop · 0\/5 seats taken/ }).waitFor();
      await t.shot('mixed-group-created');
    });
  },
};

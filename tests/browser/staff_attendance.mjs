// Attendance in the calendar: every booking shows its attendance (a colour
// stripe with a legend, and the word inside the block), and the event
// window sets it, which the change history and the calendar then show.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

export const tests = {
  async 'the event window marks a booking arrived; the calendar colours it'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    // The day's last booking: the drag tests move the first ones.
    const b = bookings[bookings.length - 1];
    assertEqual(b.attendance, 'pending', 'a demo booking starts pending');
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    const legend = p.locator('.attendance-legend');
    await legend.waitFor();
    for (const word of ['Pending', 'Confirmed', 'Arrived', 'No-show']) {
      assert((await legend.textContent()).includes(word), `the legend names ${word}`);
    }
    const block = p.locator('.ec-event', { hasText: b.patient.name }).filter({ hasText: b.start.slice(11, 16) }).first();
    await block.waitFor();
    assert((await block.getAttribute('class')).includes('att-pending'), 'the block is coloured pending');
    await t.shot('calendar-attendance-pending');
    await block.getByRole('button').click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Attendance').selectOption('arrived');
    await dialog.getByText('Attendance saved').waitFor();
    await eventually(async () => (await admin.get(`/bookings/${b.id}`)).attendance === 'arrived', 'the booking is arrived');
    const history = await admin.get(`/bookings/${b.id}/history`);
    const last = history.items[history.items.length - 1];
    assertEqual(last.action, 'attendance', 'the change is in the history');
    assertEqual(JSON.stringify(last.changes.attendance), JSON.stringify(['pending', 'arrived']), 'from pending to arrived');
    await dialog.locator('.history').getByText('Attendance', { exact: true }).waitFor();
    await t.shot('event-window-arrived');
    await p.keyboard.press('Escape');
    await eventually(async () => (await block.getAttribute('class')).includes('att-arrived'), 'the block is coloured arrived');
    assert((await block.textContent()).includes('Arrived'), 'the block says Arrived');
    await t.shot('calendar-attendance-arrived');
  },
};

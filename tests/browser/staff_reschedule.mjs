// Rescheduling from the event window picks from free times with the same
// picker as "Create Booking": the staff member's free times of the
// booking's services on the chosen day, then "Move to HH:MM".
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';

function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export const tests = {
  async 'rescheduling offers the free times and moves the booking to one'(t) {
    const page = t.page;
    const admin = await t.apiAs(DEMO.admin);
    // A demo booking still to come, so that it can be put back afterwards.
    const today = new Date().toISOString().slice(0, 10);
    const list = await admin.get(`/bookings?from=${today}&to=${addDays(today, 10)}&status=confirmed&limit=500`);
    const b = list.items.filter((x) => Date.parse(x.start) > Date.now() + 3600000).sort((x, y) => x.start.localeCompare(y.start))[0];
    assert(b, 'the demo has a booking still to come');
    const day = b.start.slice(0, 10);
    const from = addDays(day, 1);
    const free = await admin.get(`/availability?service_ids=${b.service_ids.join(',')}&staff_id=${b.staff_id}&from=${from}&to=${addDays(from, 6)}`);
    const target = free.slots[0];
    assert(target, 'the staff member has free time in the week after');
    const onDay = free.slots.filter((s) => s.start.slice(0, 10) === target.start.slice(0, 10));
    try {
      await t.staffLogin();
      await page.goto(`/#/calendar?date=${day}`);
      const block = page.locator('.ec-event', { hasText: b.patient.name }).filter({ hasText: b.start.slice(11, 16) }).first();
      await block.waitFor();
      await block.scrollIntoViewIfNeeded();
      await block.getByRole('button').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Reschedule' }).click();
      const form = dialog.locator('form.sub-form');
      assert(await form.getByRole('button', { name: 'Pick a free time' }).isDisabled(), 'nothing to save before a time is picked');
      await form.getByLabel('Date').fill(target.start.slice(0, 10));
      const times = form.getByRole('group', { name: /Free times on/ });
      await times.waitFor();
      await eventually(async () => (await times.getByRole('button').count()) === onDay.length, 'one button per free time of that day');
      await times.getByRole('button', { name: target.start.slice(11, 16), exact: true }).click();
      assert(await form.getByLabel('Tell the patient the new time by e-mail').isChecked(), 'the patient is told by default');
      await t.shot('reschedule-free-times');
      await form.getByRole('button', { name: `Move to ${target.start.slice(11, 16)}` }).click();
      await eventually(async () => (await admin.get(`/bookings/${b.id}`)).start === target.start, 'the booking moved to the picked time');
      const after = await admin.get(`/bookings/${b.id}`);
      assertEqual(after.staff_id, target.staff_id, 'with the staff member of that free time');
    } finally {
      await admin.patch(`/bookings/${b.id}`, { start: b.start, staff_id: b.staff_id, notify_patient: false });
    }
  },
};

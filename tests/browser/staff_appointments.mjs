// Staff create a recurring appointment with "New Appointment".
import { assert, assertEqual, DEMO } from './_harness.mjs';

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

export const tests = {
  async 'creates a weekly recurring appointment for a staff member'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const start = day(3);
    const until = day(3 + 14);
    const p = t.page;
    await t.staffLogin();
    await p.getByRole('link', { name: 'New Appointment' }).first().click();
    await p.getByRole('heading', { name: 'New Appointment' }).waitFor();
    await p.getByLabel('Search patients').fill('Becker');
    await p.getByLabel(/Jonas Becker/).click();
    await p.getByText('Patient: Jonas Becker.').waitFor();
    await p.getByLabel('Date', { exact: true }).fill(start);
    await p.getByLabel('Time', { exact: true }).fill('07:15');
    await p.getByLabel('Duration (minutes)').fill('20');
    await p.getByLabel('Action').selectOption({ label: 'Follow-up call' });
    await p.getByLabel('Notes').fill('recurring check-in');
    await p.getByLabel('Share with the patient').check();
    await p.getByLabel('Recurring').check();
    await p.getByLabel('Every').selectOption('week');
    await p.getByLabel('Until (inclusive)').fill(until);
    await p.getByLabel('Assign to a staff member').check();
    await p.getByLabel('Staff member', { exact: true }).selectOption({ label: 'Dr. Ben Okafor' });
    await t.shot('new-appointment-form');
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByRole('heading', { name: 'Appointment saved' }).waitFor();
    await t.shot('new-appointment-saved');
    assertEqual(await p.locator('.occurrences li').count(), 3, 'three weekly dates are listed');
    const list = await admin.get(`/appointments?patient_id=2&from=${start}&to=${until}`);
    const mine = list.items.filter((a) => a.notes === 'recurring check-in');
    assertEqual(mine.length, 3, 'three appointments exist');
    for (const a of mine) {
      assertEqual(a.staff_id, 2, 'assigned to Dr. Ben Okafor');
      assertEqual(a.start.slice(11, 16), '07:15', 'at the chosen clinic time');
      assertEqual(a.duration_min, 20, 'duration');
      assert(a.share_with_patient, 'shared with the patient');
    }
    // The calendar shows the first occurrence in Dr. Ben Okafor's column.
    await p.getByRole('link', { name: 'Back to the calendar' }).click();
    await p.locator('.ec-event.ev-appointment', { hasText: 'Jonas Becker' }).first().waitFor();
    await t.shot('calendar-with-appointment');
  },
};

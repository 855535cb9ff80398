// Staff log in through the login screen and reach the calendar.
import { assert, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

export const tests = {
  async 'wrong password shows the server detail'(t) {
    await t.page.goto('/');
    await t.page.getByLabel('Email').fill(DEMO.staff.email);
    await t.page.getByLabel('Password').fill('not-the-password');
    await t.page.getByRole('button', { name: 'Log in' }).click();
    const alert = t.page.getByRole('alert');
    await alert.waitFor();
    assert((await alert.textContent()).trim().length > 0, 'an error message is shown');
    await t.shot('login-error');
  },

  async 'staff logs in and sees the calendar'(t) {
    await t.staffLogin();
    await t.page.getByRole('heading', { name: 'Calendar' }).waitFor();
    assert(await t.page.getByText('reception@demo.test').isVisible(), 'the signed-in user is shown');
    await t.shot('calendar-today');
  },

  async 'the demo day shows one column per staff member with its bookings'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    await t.staffLogin();
    await t.page.goto(`/#/calendar?date=${day}`);
    for (const name of ['Dr. Anna Weber', 'Dr. Ben Okafor', 'Clara Jensen']) {
      await t.page.locator('.ec-resource, .ec-col-head, .ec-header').getByText(name).first().waitFor();
    }
    const first = bookings[0];
    const block = t.page.locator('.ec-event', { hasText: first.patient.name }).first();
    await block.waitFor();
    const text = await block.textContent();
    assert(text.includes(first.start.slice(11, 16)), `the block shows the clinic time ${first.start.slice(11, 16)}: ${text}`);
    assert((await t.page.locator('.ev-shift').count()) > 0, 'shifts are shaded');
    await t.shot('calendar-demo-day');
    await block.click();
    const dialog = t.page.getByRole('dialog');
    await dialog.getByText('Change history').waitFor();
    // The patient's zone of the visit window loads on its own.
    await dialog.getByText(first.patient.name).first().waitFor();
    await t.shot('event-window');
  },
};

// Staff log in through the login screen and reach the calendar.
import { assert, DEMO } from './_harness.mjs';

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
    await t.shot('calendar');
  },
};

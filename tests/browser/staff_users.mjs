// Staff logins on the Users page: an admin adds one with a first password,
// disables it (its sessions end, it cannot sign in) and enables it again.
import { ApiClient, assertEqual, DEMO } from './_harness.mjs';
import { scan, assertClean } from './_axe.mjs';

export const tests = {
  async 'an admin adds, disables and enables a staff login'(t) {
    const p = t.page;
    const email = `nurse-${Date.now()}@demo.test`;
    const who = { email, password: 'first-pass-1' };
    await t.staffLogin(DEMO.admin);
    await p.goto('/#/users');
    await p.getByRole('heading', { name: 'Staff logins' }).waitFor();
    const table = p.locator('table.users-table');
    await table.locator('tr', { hasText: DEMO.staff.email }).waitFor();
    assertEqual(await table.locator('tr', { hasText: DEMO.admin.email }).getByRole('button').count(), 0,
      'no Disable button on one\'s own login');

    // A short password is refused next to its field, and nothing is added.
    const form = p.getByRole('form', { name: 'Add login' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('First password').fill('short');
    await form.evaluate((f) => f.setAttribute('novalidate', ''));
    await form.getByRole('button', { name: 'Add login' }).click();
    await p.locator('.error-box').waitFor();
    assertEqual(await table.locator('tr', { hasText: email }).count(), 0, 'nothing added');

    await form.getByLabel('First password').fill(who.password);
    await form.getByRole('button', { name: 'Add login' }).click();
    await p.getByRole('status').filter({ hasText: `Added ${email}` }).waitFor();
    const row = table.locator('tr', { hasText: email });
    await row.getByText('Active').waitFor();
    await t.shot('login-added');

    const colleague = new ApiClient(t.baseURL);
    await colleague.login(who);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    await t.shot('login-disabled');
    const report = [];
    await scan(p, 'users page with a disabled login', report);
    assertClean(report);
    let status = 0;
    await colleague.get('/me').catch((e) => (status = e.status));
    assertEqual(status, 401, 'the disabled login\'s session has ended');
    status = 0;
    await new ApiClient(t.baseURL).login(who).catch((e) => (status = e.status));
    assertEqual(status, 403, 'a disabled login cannot sign in');

    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('Active').waitFor();
    const back = await new ApiClient(t.baseURL).login(who);
    assertEqual(back.email, email, 'the enabled login signs in again');
  },
};

// Login as Client names the patient in the banner and the header, and
// "Return to staff" ends the patient view: the login-as session is logged
// out and the staff session beside it is back, on the screen it left.
import { assert, assertEqual } from './_harness.mjs';
import { scan, assertClean } from './_axe.mjs';

export const tests = {
  async 'names the patient and returns to staff'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.goto('/#/patients');
    await p.getByRole('link', { name: 'Maria Schmidt' }).click();
    await p.getByRole('heading', { name: 'Maria Schmidt' }).waitFor();
    const profileUrl = p.url();
    await p.getByRole('button', { name: 'Login as Client' }).click();
    await p.waitForURL(/\/book/);
    const banner = p.getByRole('region', { name: 'Staff view' });
    await banner.getByText('you are seeing the portal as Maria Schmidt').waitFor();
    const header = p.locator('.portal-head');
    assert((await header.textContent()).includes('Viewing as Maria Schmidt'), 'the header names the patient');
    const asMe = await (await p.request.get('/api/v1/me')).json();
    assertEqual(asMe.patient?.name, 'Maria Schmidt', '/me names the patient the banner shows');
    assertEqual(asMe.acting_staff?.email, 'reception@demo.test', '/me names the staff member acting');
    await t.shot('login-as-banner');
    const report = [];
    await scan(p, 'portal as a patient, staff view', report);
    assertClean(report);
    await p.getByRole('link', { name: 'My appointments' }).click();
    await p.getByRole('heading', { name: 'My appointments' }).waitFor();
    await banner.getByRole('button', { name: 'Return to staff' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/book'));
    await p.getByRole('button', { name: 'Log out' }).waitFor();
    await p.getByRole('heading', { name: 'Maria Schmidt' }).waitFor();
    assertEqual(p.url(), profileUrl, 'back on the patient profile it came from');
    const me = await (await p.request.get('/api/v1/me')).json();
    assertEqual(me.role, 'staff', 'the staff session is back');
    assert(!me.login_as, 'the patient view has ended');
    await t.shot('returned-to-staff');
  },
};

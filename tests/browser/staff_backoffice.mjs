// The back office: every page opens, a patient's profile shows visits and
// invoices, shifts and settings are saved through the API.
import { assert, assertEqual, DEMO } from './_harness.mjs';

export const tests = {
  async 'every back office page opens without errors'(t) {
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    const pages = [
      ['Appointments', 'Appointments'],
      ['Patients', 'Patients'],
      ['Services', 'Services'],
      ['Actions', 'Actions'],
      ['Staff', 'Staff'],
      ['Locations', 'Locations'],
      ['Manage Booking Settings', 'Manage Booking Settings'],
      ['Users & API tokens', 'Users & API tokens'],
    ];
    for (const [link, heading] of pages) {
      await p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: link, exact: true }).click();
      await p.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor();
      await p.waitForFunction(() => !document.querySelector('.loading'));
      assertEqual(await p.locator('.error-box').count(), 0, `no error on ${heading}`);
      await t.shot(heading.toLowerCase().replace(/[^a-z]+/g, '-'));
    }
  },

  async 'patient search and profile with visit history and invoices'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.getByRole('link', { name: 'Patients', exact: true }).click();
    await p.getByLabel('Search patients').fill('5550101');
    await p.getByRole('link', { name: 'Jonas Becker' }).click();
    await p.getByRole('heading', { name: 'Jonas Becker' }).waitFor();
    await p.getByRole('heading', { name: 'Visit history' }).waitFor();
    assert((await p.locator('table').first().locator('tbody tr').count()) > 0, 'visits are listed');
    assert(await p.getByText('2026-0', { exact: false }).first().isVisible(), 'invoice numbers are listed');
    await t.shot('patient-profile');
  },

  async 'Login as Client opens the portal as that patient'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.goto('/#/patients');
    await p.getByRole('link', { name: 'Maria Schmidt' }).click();
    await p.getByRole('heading', { name: 'Maria Schmidt' }).waitFor();
    await p.getByRole('button', { name: 'Login as Client' }).click();
    await p.waitForURL(/\/book/);
    const me = await (await p.request.get('/api/v1/me')).json();
    assertEqual(me.role, 'patient', 'the session is the patient');
    assert(me.login_as, 'marked as staff acting as the patient');
    assertEqual(me.patient_id, 1, 'as Maria Schmidt');
    await t.shot('login-as-client');
  },

  async 'weekly shifts are saved'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    await p.goto('/#/staff/3');
    await p.getByRole('heading', { name: 'Weekly shifts' }).waitFor();
    const before = (await admin.get('/staff/3/shifts')).shifts.length;
    await p.getByRole('button', { name: 'Add shift' }).click();
    const n = before + 1;
    await p.getByLabel(`Weekday of shift ${n}`).selectOption('6');
    await p.getByLabel(`Start of shift ${n}`).fill('09:00');
    await p.getByLabel(`End of shift ${n}`).fill('13:00');
    await p.getByRole('button', { name: 'Save shifts' }).click();
    await p.getByText('Saved.').waitFor();
    await t.shot('staff-shifts');
    const after = (await admin.get('/staff/3/shifts')).shifts;
    assertEqual(after.length, n, 'one more shift');
    assert(after.some((s) => s.weekday === 6 && s.start === '09:00' && s.end === '13:00'), 'the Saturday shift is saved');
  },

  async 'booking settings are saved with their explanations'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const original = await admin.get('/settings');
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    await p.getByRole('link', { name: 'Manage Booking Settings' }).click();
    await p.getByText('aligned to the clock').waitFor();
    await p.getByLabel('Booking Time Divider (minutes)').fill('20');
    const want = original.client_payment === 'optional' ? 'enabled' : 'optional';
    await p.getByLabel('Booking Client Payment').selectOption(want);
    await p.getByRole('button', { name: 'Save' }).click();
    await p.waitForFunction(() => !document.querySelector('.loading'));
    await t.shot('settings');
    const s = await admin.get('/settings');
    assertEqual(s.booking_time_divider_min, 20, 'divider saved');
    assertEqual(s.client_payment, want, 'client payment saved');
    await admin.patch('/settings', {
      booking_time_divider_min: original.booking_time_divider_min,
      client_payment: original.client_payment,
    });
  },
};

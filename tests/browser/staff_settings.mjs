// Errors in people's words: in Manage Booking Settings a payment method
// without what it needs is refused with the reason beside the missing
// field, said once, and nothing is saved; a good save says it saved; the
// help texts say what the settings do (minimum notice applies to staff
// too). A new patient's password rule is told on the patient step of
// Create Booking and beside the field in the portal, not at the last button.
import { assert, assertEqual, DEMO } from './_harness.mjs';

export const tests = {
  async 'settings that depend on each other are explained beside their fields'(t) {
    const page = t.page;
    const admin = await t.apiAs(DEMO.admin);
    const before = await admin.get('/settings');
    try {
      await t.staffLogin(DEMO.admin);
      await page.goto('/#/settings');
      await page.getByRole('heading', { level: 1, name: 'Manage Booking Settings' }).waitFor();
      assert(await page.getByText('neither offered nor bookable, by patients or by staff').isVisible(),
        'the minimum notice help says it binds staff too');

      // Card without the gateway: the reason sits beside the gateway URL, once.
      await page.getByLabel(/^Card, through the card gateway/).check();
      const saved = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PATCH');
      let answer = saved();
      await page.getByRole('button', { name: 'Save' }).click();
      assertEqual((await answer).status(), 422, 'the server refuses card without a gateway');
      const gateway = page.locator('.field', { has: page.getByLabel('Card gateway URL') });
      await gateway.locator('.field-error').getByText('is needed to take card payments').waitFor();
      assertEqual(await page.getByText('is needed to take card payments').count(), 1, 'the reason is said once');
      await page.getByRole('alert').getByText('Not saved: see the messages beside the fields.').waitFor();
      assertEqual(await page.getByText('Settings saved.').count(), 0, 'a refused save does not say it saved');
      await t.shot('settings-card-needs-gateway');
      assertEqual((await admin.get('/settings')).payment_methods ?? '', before.payment_methods ?? '', 'nothing was saved');

      // Bank transfer needs the bank details.
      await page.getByLabel(/^Card, through the card gateway/).uncheck();
      await page.getByLabel(/^Bank transfer/).check();
      answer = saved();
      await page.getByRole('button', { name: 'Save' }).click();
      assertEqual((await answer).status(), 422, 'no bank details, no bank transfers');
      const bank = page.locator('.field', { has: page.getByLabel('Bank details for transfers') });
      await bank.locator('.field-error').waitFor();

      await page.getByLabel('Bank details for transfers').fill('Chairside Dental, IBAN DE02 1203 0000 0000 2020 51');
      answer = saved();
      await page.getByRole('button', { name: 'Save' }).click();
      assertEqual((await answer).status(), 200, 'saved with the bank details');
      await page.getByRole('status').getByText('Settings saved.').waitFor();
      assertEqual(await page.locator('.field-error').count(), 0, 'no error is left on screen');
      await t.shot('settings-saved');
      const now = await admin.get('/settings');
      assertEqual(now.payment_methods, 'bank_transfer', 'the method is saved');
      assert(await page.getByLabel(/^Bank transfer/).isChecked(), 'the saved method stays ticked');
    } finally {
      await admin.patch('/settings', { payment_methods: before.payment_methods ?? '', bank_details: before.bank_details ?? '' });
    }
  },

  async "a new patient's password rule is told on their step, not at the last one"(t) {
    const p = t.page;
    const admin = await t.apiAs(DEMO.admin);
    const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
    const slot = (await admin.get(`/availability?service_ids=1&staff_id=3&from=${from}&to=${to}`)).slots[0];
    assert(slot, 'the demo has a free slot');
    await t.staffLogin();
    await p.goto(`/#/booking/new?staff_id=3&date=${slot.start.slice(0, 10)}&time=${slot.start.slice(11, 16)}`);
    await p.getByLabel(/Check-up/).check();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    const pressed = p.getByRole('button', { name: slot.start.slice(11, 16), exact: true });
    await pressed.waitFor();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByRole('button', { name: '+ Patient' }).click();
    await p.getByLabel('Name').fill('Hanna Kurz');
    await p.getByLabel('Phone').fill('+49 30 5551234');
    await p.getByLabel('Password').fill('short');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    // Still the patient step, with both rules beside their fields.
    await p.getByRole('heading', { name: /Patient/ }).first().waitFor();
    const pw = p.locator('.field', { has: p.getByLabel('Password') });
    await pw.locator('.field-error').getByText('Use at least 8 characters.').waitFor();
    assertEqual(await p.getByLabel('Notes').count(), 0, 'the wizard did not go on to the notes');
    await t.shot('wizard-password-rule');
    await p.getByLabel('Password').fill('long-enough-1');
    await pw.locator('.field-error').getByText('A login needs an e-mail address as well.').waitFor();
    await p.getByLabel('Email').fill('hanna.kurz@example.test');
    assertEqual(await p.locator('.field-error').count(), 0, 'no message is left once the details are right');
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Notes').waitFor();

    // The portal says it beside the field as the patient leaves it.
    const portal = await t.newPage();
    await portal.goto('/book');
    await portal.getByRole('checkbox', { name: /Check-up/ }).check();
    await portal.getByRole('button', { name: 'Next', exact: true }).click();
    await portal.getByRole('heading', { level: 1, name: 'Staff member' }).waitFor();
    await portal.getByRole('button', { name: 'Next', exact: true }).click();
    await portal.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
    const free = (await admin.get(`/availability?service_ids=1&from=${slot.start.slice(0, 10)}&to=${to}`)).slots[0];
    await portal.getByLabel('Date', { exact: true }).fill(free.start.slice(0, 10));
    await portal.getByRole('group', { name: /Available times/ }).getByRole('button', { name: free.start.slice(11, 16), exact: true }).click();
    await portal.getByRole('button', { name: 'Next', exact: true }).click();
    await portal.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    await portal.getByRole('button', { name: 'Next', exact: true }).click();
    await portal.getByRole('button', { name: 'Skip payment' }).click();
    await portal.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
    await portal.getByLabel('Password').fill('short');
    await portal.getByLabel('Name').focus();
    await portal.locator('.field-error').getByText('Use at least 8 characters.').waitFor();
    assertEqual(await portal.getByText('Use at least 8 characters.').count(), 1, 'said once');
    await t.shot('portal-password-rule', portal);
  },

  async 'a saved setup record says it saved'(t) {
    const p = t.page;
    const admin = await t.apiAs(DEMO.admin);
    const action = (await admin.get('/actions')).items[0];
    try {
      await t.staffLogin(DEMO.admin);
      await p.goto('/#/actions');
      const row = p.locator('tr', { hasText: action.name });
      await row.getByRole('button', { name: 'Edit' }).click();
      const dialog = p.getByRole('dialog');
      await dialog.getByLabel('Name').fill(`${action.name} (checked)`);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await p.getByRole('status').getByText('Saved.').waitFor();
      assertEqual((await admin.get(`/actions/${action.id}`)).name, `${action.name} (checked)`, 'the name is saved');
    } finally {
      await admin.patch(`/actions/${action.id}`, { name: action.name });
    }
  },
};

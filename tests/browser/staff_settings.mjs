// Manage Booking Settings in people's words: a payment method without what
// it needs is refused with the reason beside the missing field, said once,
// and nothing is saved; a good save says it saved; the help texts say what
// the settings do (minimum notice applies to staff too).
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
};

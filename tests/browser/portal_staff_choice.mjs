// With "assign services to staff" on, the portal's staff step lists only
// those who provide the chosen service, and a member picked for another
// service is let go when the service changes, so the date step shows the
// times the clinic really has instead of a false "no free times".
import { assert, assertEqual } from './_harness.mjs';
import { firstSlot, addDays, today, pickSlot } from './portal_lib.mjs';

const CLARA = 3; // demo staff member Clara Jensen
const CHECKUP = 1;
const CLEANING = 2;

export const tests = {
  async 'the staff step offers only staff assigned the chosen service'(t) {
    const admin = await t.apiAs(t.DEMO.admin);
    const before = await admin.get('/settings');
    const clara = await admin.get(`/staff/${CLARA}`);
    await admin.patch('/settings', { assign_services_to_staff: true });
    await admin.patch(`/staff/${CLARA}`, { service_ids: [CLEANING] });
    try {
      const page = t.page;
      await page.goto('/book');
      await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
      await page.getByRole('radio', { name: /Cleaning/ }).check();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Staff member' }).waitFor();
      await page.getByRole('radio', { name: 'Clara Jensen' }).check();

      // Back to the services: Clara does not do check-ups.
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
      await page.getByRole('radio', { name: /Check-up/ }).check();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Staff member' }).waitFor();
      assertEqual(await page.getByRole('radio', { name: 'Clara Jensen' }).count(), 0, 'Clara is not offered for a check-up');
      assert(await page.getByRole('radio', { name: 'Dr. Anna Weber' }).isVisible(), 'an assigned member is offered');
      assert(await page.getByRole('radio', { name: /Any available/ }).isChecked(), 'the choice went back to any staff member');
      const summary = page.getByRole('complementary', { name: 'Booking Summary' });
      assert(!(await summary.textContent()).includes('Clara Jensen'), 'the summary no longer names Clara');
      await t.shot('staff-step-assigned-only');

      // The date step has times on a day the server offers them.
      const slot = await firstSlot(t, { serviceIds: [CHECKUP], from: addDays(today(), 22) });
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
      await pickSlot(page, slot);
      assertEqual(await page.getByText('No free times on this day.').count(), 0, 'no false "no free times"');
      assert(slot.staff_id !== CLARA, 'the server offers no time with Clara for a check-up');
    } finally {
      await admin.patch(`/staff/${CLARA}`, { service_ids: clara.service_ids });
      await admin.patch('/settings', {
        assign_services_to_staff: before.assign_services_to_staff,
        book_one_service_only: before.book_one_service_only,
      });
    }
  },
};

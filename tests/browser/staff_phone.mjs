// Phones (360 px): the calendar's day view shows one staff member with a
// staff picker; Manage Bookings and the weekly shift table keep every
// action on the screen (rows become stacked cards, nothing scrolls sideways).
import { assert, assertEqual, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

/** Every control inside the locator lies within the viewport's width, and nothing scrolls sideways. */
async function allOnScreen(page, root, what) {
  const out = await page.evaluate((sel) => {
    const w = document.documentElement.clientWidth;
    const bad = [];
    for (const el of document.querySelectorAll(`${sel} button, ${sel} input, ${sel} select, ${sel} a`)) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < -1 || r.right > w + 1)) bad.push(`${el.tagName} "${(el.textContent || el.getAttribute('aria-label') || '').trim()}" at ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    const wraps = [...document.querySelectorAll(`${sel} .table-wrap, ${sel}.table-wrap`)].filter((x) => x.scrollWidth > x.clientWidth + 1).length;
    return { bad, wraps, sw: document.documentElement.scrollWidth, w };
  }, root);
  assert(out.sw <= out.w + 1, `${what}: the page is ${out.sw}px wide in ${out.w}px`);
  assertEqual(out.wraps, 0, `${what}: tables that scroll sideways`);
  assert(out.bad.length === 0, `${what}: off-screen controls: ${out.bad.join('; ')}`);
}

export const tests = {
  async 'one-staff day view with a staff picker'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day } = await firstDemoDay(admin);
    const p = await t.newPage(PHONE);
    await t.staffLogin(DEMO.staff, p);
    await p.goto(`/#/calendar?date=${day}`);
    const picker = p.getByRole('combobox', { name: 'Staff member' });
    await picker.waitFor();
    await p.locator('.ec-header').getByText('Dr. Anna Weber').first().waitFor();
    assertEqual(await p.locator('.ec-header').getByText('Dr. Ben Okafor').count(), 0, 'only one staff member is shown');
    await allOnScreen(p, '.calendar-page', 'calendar');
    await t.shot('phone-calendar-anna', p);
    await picker.selectOption({ label: 'Dr. Ben Okafor' });
    await p.locator('.ec-header').getByText('Dr. Ben Okafor').first().waitFor();
    assertEqual(await p.locator('.ec-header').getByText('Dr. Anna Weber').count(), 0, 'the picked staff member replaces the first');
    assert(p.url().includes('staff_id=2'), 'the choice is in the address: ' + p.url());
    await p.getByRole('heading', { name: /Dr\. Ben Okafor/, level: 2 }).first().waitFor();
    await t.shot('phone-calendar-ben', p);
    // The next day keeps the staff member.
    await p.getByRole('button', { name: 'Next' }).click();
    await p.waitForURL(/staff_id=2/);
    assert(p.url().includes('staff_id=2'), 'the staff member stays on the next day');
  },

  async 'Manage Bookings keeps every action on screen'(t) {
    const p = await t.newPage(PHONE);
    await t.staffLogin(DEMO.staff, p);
    await p.goto('/#/bookings?payment_status=pending');
    await p.locator('tr[data-booking]').first().waitFor();
    await allOnScreen(p, 'main', 'manage bookings');
    const confirm = p.getByRole('button', { name: 'Confirm payment' }).first();
    await confirm.scrollIntoViewIfNeeded();
    assert(await confirm.isVisible(), 'Confirm payment is visible');
    await t.shot('phone-manage-bookings', p);
    await p.goto('/#/bookings');
    await p.locator('tr[data-booking]').first().waitFor();
    await allOnScreen(p, 'main', 'manage bookings, next 30 days');
  },

  async 'the shift table keeps every action on screen'(t) {
    const p = await t.newPage(PHONE);
    await t.staffLogin(DEMO.admin, p);
    await p.goto('/#/staff/1');
    await p.getByRole('heading', { name: 'Weekly shifts' }).waitFor();
    await p.getByLabel('Start of shift 1', { exact: true }).waitFor();
    await allOnScreen(p, 'main', 'shift table');
    await t.shot('phone-shifts', p);
  },
};

// Nothing breaks at 360 px or 1920 px wide: no page scrolls sideways, the
// menu folds into a drawer on a phone, and a right-to-left document
// mirrors the layout.
import { assert, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

const SCREENS = ['/#/calendar', '/#/booking/new', '/#/appointments/new', '/#/bookings', '/#/patients', '/#/settings'];

async function noSideways(page, what) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert(sw <= cw + 1, `${what}: page is ${sw}px wide in a ${cw}px window`);
}

export const tests = {
  async 'phone width 360 px'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day } = await firstDemoDay(admin);
    const p = await t.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await t.staffLogin(DEMO.staff, p);
    for (const s of SCREENS) {
      await p.goto(s + (s.endsWith('calendar') ? `?date=${day}` : ''));
      await p.locator('h1').first().waitFor();
      await p.locator('.loading').waitFor({ state: 'detached' });
      await noSideways(p, s);
      await t.shot('phone-' + s.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, ''), p);
    }
    await p.getByRole('button', { name: 'Menu' }).click();
    await p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Patients' }).click();
    await p.getByRole('heading', { name: 'Patients', level: 1 }).waitFor();
  },

  async 'wide screen 1920 px'(t) {
    const p = await t.newPage({ viewport: { width: 1920, height: 1080 } });
    await t.staffLogin(DEMO.staff, p);
    for (const s of SCREENS) {
      await p.goto(s);
      await p.locator('h1').first().waitFor();
      await p.locator('.loading').waitFor({ state: 'detached' });
      await noSideways(p, s);
    }
    await t.shot('wide-settings', p);
  },

  async 'right-to-left documents mirror the layout'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.evaluate(() => document.documentElement.setAttribute('dir', 'rtl'));
    const nav = await p.getByRole('navigation', { name: 'Main menu' }).boundingBox();
    const main = await p.locator('main.content').boundingBox();
    assert(nav.x > main.x, 'the menu moves to the right-hand side');
    await noSideways(p, 'rtl calendar');
    await t.shot('rtl');
  },
};

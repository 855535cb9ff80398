// Where the clinic turns show_hijri_dates on, the staff app and the portal
// show the Hijri (Umm al-Qura) date beside the Gregorian one, in English
// and in Arabic; with it off, dates are Gregorian alone.
import { assert, DEMO } from './_harness.mjs';

/** The browser's own Umm al-Qura rendering of YYYY-MM-DD in loc. */
function hijriIn(page, date, loc) {
  return page.evaluate(([d, l]) => {
    const [y, m, dd] = d.split('-').map(Number);
    const cal = new Intl.Locale(l, { calendar: 'islamic-umalqura' }).toString();
    return new Intl.DateTimeFormat(cal, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, dd)));
  }, [date, loc]);
}

export const tests = {
  async 'Hijri dates appear beside Gregorian ones when the clinic turns them on'(t) {
    const page = t.page;
    const admin = await t.apiAs(DEMO.admin);
    const date = '2026-12-01';
    await t.staffLogin();
    await page.goto(`/#/calendar?date=${date}`);
    const title = page.locator('h2.cal-title');
    await title.waitFor();
    const en = await hijriIn(page, date, await page.evaluate(() => document.documentElement.lang || 'en'));
    assert(en.includes('1448'), `the browser renders the Hijri year: ${en}`);
    assert(!(await title.textContent()).includes(en), 'off by default: Gregorian alone');
    await admin.patch('/settings', { show_hijri_dates: true });
    try {
      await page.reload();
      await title.getByText(`(${en})`, { exact: false }).waitFor();
      await t.shot('calendar-hijri');

      // The portal, in Arabic: the date step's heading carries both.
      const portal = await t.newPage({ locale: 'ar' });
      await portal.goto('/book?lang=ar');
      await portal.getByRole('checkbox').first().check();
      await portal.locator('form button[type=submit]').click();
      await portal.locator('form button[type=submit]').click();
      const legend = portal.locator('fieldset.times legend');
      await legend.waitFor();
      const day = await portal.locator('input[type=date]').inputValue();
      const ar = await hijriIn(portal, day, await portal.evaluate(() => document.documentElement.lang || 'ar'));
      assert(/[\u0600-\u06FF]/.test(ar), `the Hijri date is in Arabic: ${ar}`);
      await legend.getByText(ar, { exact: false }).waitFor();
      await t.shot('portal-hijri-ar', portal);
    } finally {
      await admin.patch('/settings', { show_hijri_dates: false });
    }
  },
};

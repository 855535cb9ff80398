// Arabic: complete catalogues for the staff app and the portal, right to
// left, Arabic-Indic digits where the locale writes them (ar-SA), money in
// each currency's own minor units, plural forms through Intl.PluralRules;
// and the Arabic portal books end to end.
import { assert, assertEqual, DEMO } from './_harness.mjs';
import { PHONE, firstSlot, addDays, today, assertNoOverflow } from './portal_lib.mjs';
import { scan, assertClean } from './_axe.mjs';

const I18N = new URL('../../web/src/i18n/', import.meta.url);
const load = async (f) => (await import(new URL(f, I18N).href)).default;
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
const PLURAL = /\.(zero|one|two|few|many|other)$/;

export const tests = {
  async 'the Arabic catalogues are complete'() {
    for (const [enFile, arFile] of [['en.js', 'ar.js'], ['portal.en.js', 'portal.ar.js']]) {
      const en = await load(enFile);
      const ar = await load(arFile);
      const missing = Object.keys(en).filter((k) => !(k in ar) && !PLURAL.test(k));
      assertEqual(missing.join(', '), '', `${arFile} lacks keys`);
      const extra = Object.keys(ar).filter((k) => !(k in en) && !PLURAL.test(k));
      assertEqual(extra.join(', '), '', `${arFile} has keys English does not`);
      for (const k of Object.keys(en)) {
        if (PLURAL.test(k) || !(k in ar)) continue;
        assertEqual(placeholders(ar[k]), placeholders(en[k]), `${arFile} ${k} placeholders`);
      }
      // Every counted message has Arabic's six plural forms.
      for (const k of Object.keys(en).filter((x) => x.endsWith('.other'))) {
        const base = k.slice(0, -6);
        for (const form of ['zero', 'one', 'two', 'few', 'many', 'other']) assert(`${base}.${form}` in ar, `${arFile} ${base}.${form}`);
      }
    }
    const mod = await import(new URL('ar.js', I18N).href);
    assertEqual(mod.dir, 'rtl', 'Arabic is right to left');
  },

  async 'money, digits and plurals per locale'() {
    const f = await import(new URL('format.js', I18N).href);
    const n = (loc, v, cur) => new Intl.NumberFormat(loc, { style: 'currency', currency: cur }).format(v);
    assertEqual(f.formatMoney('en', 5000, 'JPY'), n('en', 5000, 'JPY'), 'JPY has no minor units: 5000 is ¥5,000');
    assertEqual(f.formatMoney('en', 5000, 'KWD'), n('en', 5, 'KWD'), 'KWD has three: 5000 is 5.000');
    assertEqual(f.formatMoney('en', 5000, 'EUR'), n('en', 50, 'EUR'), 'EUR has two');
    assertEqual(f.formatMoney('ar-SA', 12345, 'KWD'), n('ar-SA', 12.345, 'KWD'), 'KWD in Arabic');
    assert(/[٠-٩]/.test(f.formatMoney('ar-SA', 5000, 'SAR')), 'ar-SA writes Arabic-Indic digits');
    assertEqual(f.digitsIn('ar-SA', '09:30'), '٠٩:٣٠', 'times in Arabic-Indic digits');
    assertEqual(f.digitsIn('ar-AE', '09:30'), '09:30', 'ar-AE writes Latin digits');
    const cats = { en: await load('en.js'), ar: await load('ar.js') };
    const days = (loc, k) => f.message(cats, 'en', 'ar', loc, 'money.days', { n: k });
    assertEqual(days('ar-SA', 1), 'يوم واحد', 'one');
    assertEqual(days('ar-SA', 2), 'يومان', 'two');
    assertEqual(days('ar-SA', 3), '٣ أيام', 'few (3-10)');
    assertEqual(days('ar-SA', 11), '١١ يومًا', 'many (11-99)');
    assertEqual(days('ar-SA', 100), '١٠٠ يوم', 'other');
    assertEqual(f.message(cats, 'en', 'en', 'en', 'money.days', { n: 1 }), '1 day', 'English one');
    assertEqual(f.message(cats, 'en', 'en', 'en', 'money.days', { n: 5 }), '5 days', 'English other');
  },

  async 'the Arabic portal books end to end'(t) {
    const page = await t.newPage({ viewport: PHONE, locale: 'ar-SA', isMobile: true, hasTouch: true });
    const f = await import(new URL('format.js', I18N).href);
    const slot = await firstSlot(t, { serviceIds: [1], staffId: 1, from: addDays(today(), 27) });
    const email = `arabic.patient.${Date.now()}@example.test`;
    await page.goto('/book');
    await page.getByRole('heading', { level: 1, name: 'اختر الخدمة' }).waitFor();
    assertEqual(await page.evaluate(() => document.documentElement.dir), 'rtl', 'the page is right to left');
    assertEqual(await page.evaluate(() => document.documentElement.lang), 'ar-SA', 'and Arabic');
    const brand = await page.locator('.portal-brand').boundingBox();
    const nav = await page.getByRole('navigation', { name: 'قائمة البوابة' }).boundingBox();
    assert(brand.x > nav.x, 'the brand sits on the right, the menu to its left');
    await assertNoOverflow(page, 'Arabic service step');
    await page.getByRole('checkbox', { name: /Check-up/ }).check();
    const summary = page.getByRole('complementary', { name: 'ملخص الحجز' });
    await summary.getByText('Check-up').waitFor();
    const price = new Intl.NumberFormat('ar-SA', { style: 'currency', currency: 'EUR' }).format(50);
    assert((await summary.textContent()).includes(price), `the summary shows ${price}`);
    await t.shot('ar-service', page);
    await page.getByRole('button', { name: 'التالي', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'الموظف' }).waitFor();
    await page.getByRole('radio', { name: 'Dr. Anna Weber' }).check();
    await page.getByRole('button', { name: 'التالي', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'التاريخ والوقت' }).waitFor();
    await page.getByLabel('التاريخ', { exact: true }).fill(slot.start.slice(0, 10));
    const label = f.digitsIn('ar-SA', slot.start.slice(11, 16));
    const times = page.getByRole('group', { name: /الأوقات المتاحة/ });
    await times.getByRole('button', { name: label, exact: true }).click();
    await assertNoOverflow(page, 'Arabic time step');
    await t.shot('ar-datetime', page);
    await page.getByRole('button', { name: 'التالي', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'ملاحظات' }).waitFor();
    await page.getByLabel('ملاحظات للعيادة (اختيارية)').fill('الزيارة الأولى');
    await page.getByRole('button', { name: 'التالي', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'الدفع' }).waitFor();
    await page.getByRole('button', { name: 'تخطَّ الدفع' }).click();

    await page.getByRole('heading', { level: 1, name: 'بياناتك' }).waitFor();
    await page.getByLabel('الاسم').fill('ليلى حسن');
    await page.getByLabel('الهاتف').fill('+966 11 555 0101');
    await page.getByLabel('البريد الإلكتروني').fill(email);
    await page.getByLabel('كلمة المرور').fill('a-good-password');
    await t.shot('ar-details', page);
    await page.getByRole('button', { name: 'إتمام الحجز' }).click();

    await page.getByRole('heading', { level: 1, name: 'تم حجز موعدك' }).waitFor();
    const done = await page.locator('.confirmation').textContent();
    assert(done.includes(f.digitsIn('ar-SA', slot.start.slice(11, 16))), 'the confirmation shows the time in Arabic-Indic digits');
    await assertNoOverflow(page, 'Arabic confirmation');
    await t.shot('ar-confirmation', page);
    const mine = await (await page.request.get('/api/v1/me/appointments')).json();
    const b = mine.items.find((i) => i.kind === 'booking' && i.start === slot.start);
    assert(b, 'the booking is the new patient’s');
    await page.getByRole('link', { name: 'مواعيدي' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'مواعيدي' }).waitFor();
    await t.shot('ar-my-appointments', page);
    const report = [];
    await scan(page, 'ar-portal-appointments', report);
    assertClean(report);
  },

  async 'the Arabic staff app mirrors and formats'(t) {
    const p = await t.newPage({ viewport: { width: 1400, height: 900 }, locale: 'ar-SA' });
    await p.goto('/');
    await p.getByLabel('البريد الإلكتروني').fill(DEMO.admin.email);
    await p.getByLabel('كلمة المرور').fill(DEMO.admin.password);
    await p.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await p.getByRole('heading', { name: 'التقويم', level: 1 }).waitFor();
    const nav = await p.getByRole('navigation', { name: 'القائمة الرئيسية' }).boundingBox();
    const main = await p.locator('main.content').boundingBox();
    assert(nav.x > main.x, 'the menu is on the right');
    await p.locator('.ec-event').first().waitFor({ timeout: 5000 }).catch(() => {});
    await t.shot('ar-calendar', p);
    const report = [];
    await scan(p, 'ar-calendar', report);
    await p.goto('/#/money/takings');
    await p.getByRole('heading', { name: 'المقبوضات', level: 1 }).waitFor();
    const total = await p.getByTestId('takings-total').textContent();
    assert(/[٠-٩]/.test(total), 'money in Arabic-Indic digits: ' + total);
    await t.shot('ar-takings', p);
    await scan(p, 'ar-takings', report);
    await p.goto('/#/booking/new');
    await p.getByRole('heading', { name: 'إنشاء حجز', level: 1 }).waitFor();
    const minutes = await p.locator('.choice .meta').first().textContent();
    assert(/[٠-٩]+ دقيقة|دقيقة واحدة|دقيقتان|[٠-٩]+ دقائق/.test(minutes), 'durations counted in Arabic: ' + minutes);
    await scan(p, 'ar-create-booking', report);
    assertClean(report);
  },
};

// The keyboard alone: a skip link first; free time in the calendar is
// reachable and bookable; dialogs take focus and give it back to where it
// came from; each wizard step's heading takes focus.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

const active = (p) => p.evaluate(() => {
  const a = document.activeElement;
  return { tag: a?.tagName, text: (a?.textContent || '').trim(), inDialog: !!a?.closest('[role="dialog"]'), id: a?.id || '' };
});

async function tabUntil(p, test, max = 25) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const a = await active(p);
    if (test(a)) return a;
  }
  throw new Error('tabbing never reached the control');
}

export const tests = {
  async 'skip link comes first and moves to the main content'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.reload();
    await p.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    await p.keyboard.press('Tab');
    assertEqual((await active(p)).text, 'Skip to main content', 'the first Tab stop');
    await t.shot('skip-link');
    await p.keyboard.press('Enter');
    const a = await active(p);
    assertEqual(a.tag, 'H1', 'focus is on the page heading');
    assertEqual(a.text, 'Calendar', 'the main content');
    const portal = await t.newPage();
    await portal.goto('/book');
    await portal.getByRole('heading', { name: 'Select Service' }).waitFor();
    await portal.keyboard.press('Tab');
    assertEqual((await active(portal)).text, 'Skip to main content', 'the portal has one too');
  },

  async 'free time is bookable by keyboard, focus returns after the dialog'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
    const slots = (await admin.get(`/availability?service_ids=1&staff_id=3&from=${from}&to=${to}`)).slots;
    const slot = slots[Math.floor(slots.length / 3)];
    const day = slot.start.slice(0, 10);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    await p.getByRole('heading', { name: 'Free time' }).waitFor();
    // Tab to Clara Jensen's first free stretch.
    const first = await tabUntil(p, (a) => a.text.startsWith('New booking with Clara Jensen'), 80);
    await p.keyboard.press('Enter');
    const pop = p.getByRole('dialog', { name: 'New booking' });
    await pop.waitFor();
    assert((await active(p)).inDialog, 'focus moved into the pop-over');
    // Tab stays inside the dialog.
    for (let i = 0; i < 12; i++) {
      await p.keyboard.press('Tab');
      assert((await active(p)).inDialog, `Tab ${i + 1} stays in the pop-over`);
    }
    await p.keyboard.press('Escape');
    await pop.waitFor({ state: 'detached' });
    await eventually(async () => (await active(p)).text === first.text, 'focus is back on the free-time button');
    // Again, and book it with the keyboard only.
    await p.keyboard.press('Enter');
    await pop.waitFor();
    const service = pop.getByLabel('Service');
    assert(await service.evaluate((el) => el === document.activeElement), 'the service field has focus');
    await p.keyboard.press('ArrowDown');
    await eventually(async () => (await service.inputValue()) !== '', 'a service is chosen by keyboard');
    await tabUntil(p, (a) => a.tag === 'INPUT' && a.inDialog);
    await p.keyboard.type('Nina');
    await pop.getByRole('radio', { name: /Nina/ }).first().waitFor();
    await tabUntil(p, (a) => a.tag === 'INPUT' && a.inDialog && a.text === '' && a.id === '', 3).catch(() => {});
    await pop.getByRole('radio', { name: /Nina/ }).first().focus();
    await p.keyboard.press('Space');
    await eventually(() => pop.getByRole('radio', { name: /Nina/ }).first().isChecked(), 'the patient is chosen');
    const time = (await pop.locator('.quick-when').textContent()).slice(-5);
    const book = pop.getByRole('button', { name: 'Book', exact: true });
    if (await book.isDisabled()) {
      // The service does not fit at the stretch's first minute: take the first nearby time offered.
      await pop.getByRole('group', { name: 'Nearest free start times' }).getByRole('button').first().focus();
      await p.keyboard.press('Enter');
    }
    await tabUntil(p, (a) => a.text === 'Book');
    await t.shot('keyboard-pop-over');
    await p.keyboard.press('Enter');
    await p.getByText(/^Booked .* with Clara Jensen\.$/).waitFor();
    assert(!(await active(p)).inDialog, 'the dialog is gone');
    const booked = (await admin.get(`/bookings?from=${day}&to=${day}&staff_id=3&limit=500`)).items.filter((b) => b.patient?.name?.includes('Nina') && b.status === 'confirmed');
    assert(booked.length > 0, `a booking for Nina with Clara Jensen on ${day} (${time})`);
    await t.shot('keyboard-booked');
  },

  async 'the week view lists free time day by day'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day } = await firstDemoDay(admin);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}&view=week&staff_id=2`);
    await p.getByRole('heading', { name: 'Free time' }).waitFor();
    // The list is drawn again once the week's bookings arrive: focus a
    // button of the final list, not one about to be replaced.
    await p.waitForLoadState('networkidle');
    const first = p.locator('.free-staff[data-date] .free-list button').first();
    await first.waitFor();
    await first.focus();
    await p.keyboard.press('Enter');
    const pop = p.getByRole('dialog', { name: 'New booking' });
    await pop.waitFor();
    assert((await pop.textContent()).includes('Dr. Ben Okafor'), 'for the week’s staff member');
    await t.shot('week-free-time-pop-over');
    await p.keyboard.press('Escape');
  },

  async 'an event opens by keyboard and focus returns to it'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day } = await firstDemoDay(admin);
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    const ev = p.locator('.ec-event .ev-btn').first();
    await ev.waitFor();
    await ev.focus();
    const label = await ev.textContent();
    await p.keyboard.press('Enter');
    const dialog = p.getByRole('dialog');
    await dialog.getByText('Change history').waitFor();
    assertEqual(await dialog.count(), 1, 'one window opened');
    assert((await active(p)).inDialog, 'focus moved into the window');
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => (await active(p)).text === label.trim(), 'focus is back on the event');
  },

  async 'each wizard step takes focus to its heading'(t) {
    const p = t.page;
    await t.staffLogin();
    await p.goto('/#/booking/new');
    await p.getByLabel(/Check-up/).focus();
    await p.keyboard.press('Space');
    await tabUntil(p, (a) => a.text === 'Next');
    await p.keyboard.press('Enter');
    await eventually(async () => (await active(p)).text === 'Step 2 of 5: Staff member', 'the staff step heading has focus');
    await p.getByRole('radio').first().focus();
    await p.keyboard.press('Space');
    await tabUntil(p, (x) => x.text === 'Next');
    await p.keyboard.press('Enter');
    await eventually(async () => (await active(p)).text === 'Step 3 of 5: Date & time', 'the time step heading has focus');
    await t.shot('wizard-step-focus');
  },
};

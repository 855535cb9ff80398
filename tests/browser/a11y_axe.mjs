// Zero axe-core violations on every screen of the staff app and the patient
// portal, at 1400 px and at 360 px.
import { DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';
import { scan, assertClean } from './_axe.mjs';

const WIDE = { viewport: { width: 1400, height: 900 } };
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

const STAFF_SCREENS = (day) => [
  ['calendar', `/#/calendar?date=${day}`],
  ['calendar-week', `/#/calendar?date=${day}&view=week&staff_id=1`],
  ['calendar-resources', `/#/calendar?date=${day}&view=resources`],
  ['create-booking', '/#/booking/new'],
  ['new-appointment', '/#/appointments/new'],
  ['manage-bookings', '/#/bookings'],
  ['appointments', '/#/appointments'],
  ['group-events', '/#/group-events'],
  ['patients', '/#/patients'],
  ['patient-profile', '/#/patients/1'],
  ['services', '/#/services'],
  ['actions', '/#/actions'],
  ['staff', '/#/staff'],
  ['staff-detail', '/#/staff/1'],
  ['locations', '/#/locations'],
  ['settings', '/#/settings'],
  ['users', '/#/users'],
  ['takings', '/#/money/takings'],
  ['receivables', '/#/money/receivables'],
  ['refunds', '/#/money/refunds'],
  ['journal', '/#/money/journal'],
  ['accounts', '/#/money/accounts'],
];

async function settle(p) {
  await p.locator('h1').first().waitFor();
  await p.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await p.waitForTimeout(150);
}

async function staffScreens(t, size, tag, part) {
  const admin = await t.apiAs(DEMO.admin);
  const { day, bookings } = await firstDemoDay(admin);
  const report = [];
  const p = await t.newPage(size);
  await p.goto('/');
  await p.getByRole('heading', { name: 'Log in' }).waitFor();
  await scan(p, 'login', report);
  await t.staffLogin(DEMO.admin, p);
  const screens = STAFF_SCREENS(day);
  const half = Math.ceil(screens.length / 2);
  for (const [name, url] of part === 1 ? screens.slice(0, half) : screens.slice(half)) {
    await p.goto(url);
    await settle(p);
    await scan(p, name, report);
  }
  if (part === 1) return assertClean(report);
  // Dialogs: a booking's window and the New booking pop-over.
  await p.goto(`/#/bookings?from=${day}&to=${day}`);
  await p.locator(`tr[data-booking="${bookings[0].id}"]`).getByRole('button', { name: 'Open' }).click();
  await p.getByRole('dialog').getByText('Change history').waitFor();
  await scan(p, 'booking-window', report);
  await p.keyboard.press('Escape');
  // A day ahead with free time (today's may have passed when the suite runs late).
  const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
  const free = (await admin.get(`/availability?service_ids=1&from=${from}&to=${to}`)).slots[0].start.slice(0, 10);
  await p.goto(`/#/calendar?date=${free}`);
  await p.getByRole('heading', { name: 'Free time' }).waitFor();
  await p.locator('.free-list button').first().click();
  await p.getByRole('dialog', { name: 'New booking' }).waitFor();
  await scan(p, 'new-booking-pop-over', report);
  await t.shot(`${tag}-last`, p);
  assertClean(report);
}

async function portalScreens(t, size) {
  const report = [];
  const p = await t.newPage(size);
  await p.goto('/book');
  await p.getByRole('heading', { name: 'Select Service' }).waitFor();
  await scan(p, 'portal-service', report);
  await p.getByRole('checkbox', { name: /Check-up/ }).check();
  await p.getByRole('button', { name: 'Next', exact: true }).click();
  await p.getByRole('heading', { name: 'Staff member' }).waitFor();
  await scan(p, 'portal-staff', report);
  await p.getByRole('button', { name: 'Next', exact: true }).click();
  await p.getByRole('heading', { name: 'Date and time' }).waitFor();
  await p.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await scan(p, 'portal-datetime', report);
  if (!(await p.locator('.time-grid button').count())) await p.getByRole('button', { name: 'Find the next free day' }).click();
  await p.locator('.time-grid button').first().click();
  await p.getByRole('button', { name: 'Next', exact: true }).click();
  await p.getByRole('heading', { name: 'Notes' }).waitFor();
  await scan(p, 'portal-notes', report);
  await p.getByRole('button', { name: 'Next', exact: true }).click();
  await p.getByRole('heading', { name: 'Payment' }).waitFor();
  await scan(p, 'portal-payment', report);
  await p.getByRole('button', { name: 'Skip payment' }).click();
  await p.getByRole('heading', { name: 'Your details' }).waitFor();
  await scan(p, 'portal-details', report);
  await p.goto('/book#/signin');
  await p.getByRole('heading', { name: 'Sign in' }).first().waitFor();
  await scan(p, 'portal-signin', report);
  await p.getByLabel('Email').fill(DEMO.patient.email);
  await p.getByLabel('Password').fill(DEMO.patient.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'My appointments' }).waitFor();
  await p.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await scan(p, 'portal-appointments', report);
  await p.goto('/book#/invoices');
  await p.getByRole('heading', { name: 'My invoices' }).waitFor();
  await p.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
  await scan(p, 'portal-invoices', report);
  assertClean(report);
}

export const tests = {
  'staff app at 1400 px, calendar to staff': (t) => staffScreens(t, WIDE, 'wide', 1),
  'staff app at 1400 px, locations to dialogs': (t) => staffScreens(t, WIDE, 'wide', 2),
  'staff app at 360 px, calendar to staff': (t) => staffScreens(t, PHONE, 'phone', 1),
  'staff app at 360 px, locations to dialogs': (t) => staffScreens(t, PHONE, 'phone', 2),
  'portal at 1400 px': (t) => portalScreens(t, WIDE),
  'portal at 360 px': (t) => portalScreens(t, PHONE),
};

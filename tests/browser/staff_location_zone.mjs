// A location's time zone with future bookings: the server refuses the
// silent change, the location page asks whether bookings keep their clock
// times or their moments, and staff screens say which zone their times
// are in when it is not the browser's (tests run in America/New_York).
import { assert, assertEqual, DEMO } from './_harness.mjs';
import { scan, assertClean } from './_axe.mjs';

export const tests = {
  async 'changing a zone with future bookings asks, then keeps their moments'(t) {
    const admin = await t.apiAs(DEMO.admin);
    // The demo clinic's own location, put back as it was at the end: keeping
    // instants both ways moves no booking and sends no notice.
    const loc = (await admin.get('/locations?limit=1')).items[0];
    const future = (await admin.get('/bookings?limit=500&status=confirmed')).items.filter(
      (b) => b.location_id === loc.id && Date.parse(b.start) > Date.now() + 3600000);
    assert(future.length > 0, 'the demo has future bookings');
    const b = future[0];
    const p = t.page;
    try {
      await t.staffLogin(DEMO.admin);
      await p.goto('/#/locations');
      const row = p.locator('tr', { hasText: loc.name });
      await row.getByRole('button', { name: 'Edit' }).click();
      const dialog = p.getByRole('dialog');
      await dialog.getByLabel('Time zone').fill('Europe/London');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText(/future bookings? (is|are) at this location/).waitFor();
      assert((await dialog.textContent()).includes('from Europe/Berlin to Europe/London'), 'the dialog names both zones');
      assertEqual((await admin.get(`/locations/${loc.id}`)).timezone, loc.timezone, 'nothing changed before the choice');
      await t.shot('zone-choice');
      const report = [];
      await scan(p, 'location time zone question', report);
      assertClean(report);
      await dialog.getByLabel(/Their moments/).check();
      await dialog.getByRole('button', { name: 'Change time zone' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('Europe/London').waitFor();
      assertEqual((await admin.get(`/locations/${loc.id}`)).timezone, 'Europe/London', 'the zone changed');
      const after = await admin.get(`/bookings/${b.id}`);
      assertEqual(Date.parse(after.start), Date.parse(b.start), 'the booking keeps its moment');
      assertEqual(after.start.slice(19), '+00:00', 'now shown in London time');
    } finally {
      await admin.patch(`/locations/${loc.id}`, { timezone: loc.timezone, keep: 'instant' });
    }
  },

  async 'staff screens name the clinic zone when the browser is elsewhere'(t) {
    const p = t.page;
    await t.staffLogin();
    const zone = (await (await p.request.get('/api/v1/locations?limit=1')).json()).items[0].timezone;
    for (const path of ['/#/calendar', '/#/bookings', '/#/booking/new', '/#/appointments', '/#/appointments/new']) {
      await p.goto(path);
      const note = p.locator('.zone-note');
      await note.waitFor();
      assertEqual(await note.textContent(), `Times are clinic time: ${zone}`, `zone named on ${path}`);
    }
    await t.shot('zone-note-calendar');
    const local = await t.newPage({ timezoneId: zone });
    await t.staffLogin(DEMO.staff, local);
    await local.goto('/#/calendar');
    await local.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    await local.locator('.loading').waitFor({ state: 'detached' });
    assertEqual(await local.locator('.zone-note').count(), 0, 'no note when the browser is in the clinic zone');
  },
};

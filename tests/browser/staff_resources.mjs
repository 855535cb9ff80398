// Resources in the back office: a room added on the Resources page, a
// service that needs it, and the room shared by two practitioners: once one
// of them has it booked, the booking wizard does not offer that time with
// the other.
import { assert, assertEqual, DEMO } from './_harness.mjs';

export const tests = {
  async 'a room shared by two practitioners'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const p = t.page;
    const location = (await admin.get('/locations')).items[0];
    const service = await admin.post('/services', { name: 'Implant planning', duration_min: 30, price: 9000 });
    await t.staffLogin(DEMO.admin);

    await p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Resources', exact: true }).click();
    await p.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
    await p.getByRole('button', { name: 'Add', exact: true }).click();
    const form = p.getByRole('dialog');
    await form.getByLabel('Name').fill('Surgery room');
    await form.getByLabel('Kind').fill('room');
    await form.getByLabel('Location').selectOption(String(location.id));
    await form.getByLabel('Units').fill('1');
    await form.getByRole('button', { name: 'Save' }).click();
    await p.getByRole('cell', { name: 'Surgery room' }).waitFor();
    await t.shot('resources');
    const room = (await admin.get('/resources')).items.find((r) => r.name === 'Surgery room');
    assert(room, 'the room is stored');
    assertEqual(JSON.stringify([room.location_id, room.kind, room.quantity]), JSON.stringify([location.id, 'room', 1]), 'as entered');

    await p.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Services', exact: true }).click();
    await p.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    await p.getByRole('row', { name: /Implant planning/ }).getByRole('button', { name: 'Edit' }).click();
    await p.getByRole('dialog').getByLabel(/Surgery room/).check();
    await p.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await p.getByRole('row', { name: /Implant planning.*Surgery room/ }).waitFor();
    assertEqual(JSON.stringify((await admin.get(`/services/${service.id}`)).resource_ids), JSON.stringify([room.id]), 'the service needs the room');

    // Practitioner 1 takes the room; practitioner 3 is free then, the room is not.
    const from = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 15 * 86400000).toISOString().slice(0, 10);
    const slots1 = (await admin.get(`/availability?service_ids=${service.id}&staff_id=1&from=${from}&to=${to}`)).slots;
    const slots3 = (await admin.get(`/availability?service_ids=${service.id}&staff_id=3&from=${from}&to=${to}`)).slots;
    const laterOf = (s) => slots3.find((x) => x.start.slice(0, 10) === s.start.slice(0, 10) &&
      Date.parse(x.start) >= Date.parse(s.end));
    const shared = slots1.find((s) => slots3.some((x) => x.start === s.start) && laterOf(s));
    assert(shared, 'both practitioners have a common free time with more after it');
    const later = laterOf(shared);
    await admin.post('/bookings', { patient_id: 2, staff_id: 1, service_ids: [service.id], start: shared.start });
    await p.goto(`/#/booking/new?staff_id=3&date=${shared.start.slice(0, 10)}`);
    await p.getByLabel(/Implant planning/).check();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Clara Jensen').check();
    await p.getByRole('button', { name: 'Next', exact: true }).click();
    await p.getByLabel('Date').fill(shared.start.slice(0, 10));
    await p.getByRole('button', { name: later.start.slice(11, 16), exact: true }).waitFor();
    await t.shot('room-taken');
    assertEqual(await p.getByRole('button', { name: shared.start.slice(11, 16), exact: true }).count(), 0,
      'the time the room is taken is not offered with the other practitioner');
    assertEqual(await p.getByRole('button', { name: later.start.slice(11, 16), exact: true }).count(), 1,
      'a time after it is still offered');
  },
};

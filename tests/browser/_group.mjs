// Helpers for the group event tests (this file holds no tests itself).
// They work months ahead, far from the days the other tests book, so that
// each test has a staff member's whole day to itself.
import { assert } from './_harness.mjs';
import { addDays, today } from './portal_lib.mjs';

/** Runs fn with the clinic's appointment mode set to mode, and puts the old one back. */
export async function withMode(admin, mode, fn) {
  const before = (await admin.get('/settings')).appointment_mode;
  await admin.patch('/settings', { appointment_mode: mode });
  try {
    return await fn();
  } finally {
    await admin.patch('/settings', { appointment_mode: before });
  }
}

/** The demo's group service. */
export async function workshop(admin) {
  const s = (await admin.get('/services?limit=500')).items.find((x) => x.name === 'Oral hygiene workshop');
  assert(s && s.capacity > 1, 'the demo has a group service');
  return s;
}

/**
 * The start of a working day of a staff member `days` or more days ahead
 * that nothing is booked in yet: the first free check-up time of that day
 * (its shift's start), with the clinic's offset.
 */
export async function freeDayStart(admin, staffId, days) {
  for (let d = days; d < days + 28; d++) {
    const day = addDays(today(), d);
    const { slots } = await admin.get(`/availability?service_ids=1&staff_id=${staffId}&from=${day}&to=${day}`);
    const events = (await admin.get(`/calendar?date=${day}&location_id=1`)).staff.find((m) => m.id === staffId)?.events || [];
    if (slots.length > 8 && !events.length) return slots[0];
  }
  throw new Error(`staff ${staffId} has no free working day ${days} days ahead`);
}

/** A group event of the workshop at start with that capacity (201 answer). */
export async function makeEvent(admin, { staffId, start, capacity, online = true }) {
  const s = await workshop(admin);
  return admin.post('/group-events', { service_id: s.id, staff_id: staffId, location_id: 1, start, capacity, online_booking: online });
}

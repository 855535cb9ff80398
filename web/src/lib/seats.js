// Seats in group events, for the staff booking wizard and the portal: the
// availability of a group service lists its events as slots carrying
// `group_event_id` and `seats_left`; a full event is shown as full (and
// cannot be picked) whether or not the availability still lists it.
import { api, listAll } from './api.js';
import { t, digits } from '../i18n/index.js';
import { timeOf } from './time.js';

export const isGroupService = (s) => (s?.capacity || 1) > 1;

/** Whether a slot is a group event with no seat left. */
export const isFull = (slot) => !!slot?.group_event_id && Number(slot.seats_left) <= 0;

/** A slot button's text: "10:00", "10:00 · 3 seats left" or "10:00 · Full". */
export function slotLabel(slot) {
  const time = digits(timeOf(slot.start));
  if (!slot.group_event_id) return time;
  return isFull(slot) ? t('seats.full_at', { time }) : t('seats.left_at', { time, n: Number(slot.seats_left) });
}

/**
 * The live group events of one service on a date (optionally one staff
 * member's); [] when the list cannot be read.
 */
export async function groupEventsFor(serviceId, date, staffId) {
  try {
    const items = await listAll('/group-events', { from: date, to: date, service_id: serviceId, staff_id: staffId || undefined });
    return items.filter((g) => g.status !== 'cancelled' && String(g.service_id) === String(serviceId));
  } catch {
    return [];
  }
}

/**
 * The offered slots plus the full events the availability leaves out, as
 * slots with no seat left, in start then staff order.
 */
export function withFullEvents(slots, events, staffId) {
  const listed = new Set(slots.filter((s) => s.group_event_id).map((s) => String(s.group_event_id)));
  const full = events
    .filter((g) => (g.seats_left ?? g.capacity - g.seats_taken) <= 0 && !listed.has(String(g.id)))
    .filter((g) => !staffId || String(g.staff_id) === String(staffId))
    .map((g) => ({ staff_id: g.staff_id, start: g.start, end: g.end, group_event_id: g.id, seats_left: 0 }));
  return [...slots, ...full].sort((a, b) => a.start.localeCompare(b.start) || a.staff_id - b.staff_id);
}

/**
 * The availability of services on one date, with the full group events of a
 * single group service added: {duration_min, slots}.
 */
export async function availabilityWithSeats(params, services, date) {
  const group = services.length === 1 && isGroupService(services[0]) ? services[0] : null;
  const [avail, events] = await Promise.all([
    api.get('/availability', params),
    group ? groupEventsFor(group.id, date, params.staff_id) : [],
  ]);
  return { ...avail, slots: withFullEvents(avail.slots || [], events, params.staff_id) };
}

// Reference data most staff screens need (locations, staff, services,
// actions, settings), loaded once per page view and cached briefly.
import { api, listAll } from '../lib/api.js';
import { showHijri } from '../lib/time.js';

let cache = null;
let cachedAt = 0;
const TTL_MS = 30000;

export async function loadRefs(force = false) {
  if (!force && cache && Date.now() - cachedAt < TTL_MS) return cache;
  const [locations, staff, services, actions, settings] = await Promise.all([
    listAll('/locations'),
    listAll('/staff'),
    listAll('/services'),
    listAll('/actions'),
    api.get('/settings'),
  ]);
  cache = { locations, staff, services, actions, settings };
  showHijri(settings.show_hijri_dates);
  cachedAt = Date.now();
  return cache;
}

export function invalidateRefs() {
  cache = null;
}

export const byId = (list, id) => list.find((x) => String(x.id) === String(id));

export function clinicZone(refs, locationId) {
  return byId(refs.locations, locationId)?.timezone || refs.settings?.timezone || 'UTC';
}

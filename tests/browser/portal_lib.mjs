// Helpers for the portal tests (this file holds no tests itself).
export const PHONE = { width: 360, height: 740 };

/**
 * The first slot the server offers for these services from the date on.
 * Portal tests book three weeks ahead and later, so that the staff tests,
 * which look for free time in the next two weeks, find the demo as it was.
 */
export async function firstSlot(t, { serviceIds, staffId, from, days = 21 }) {
  const to = addDays(from, days);
  const q = `service_ids=${serviceIds.join(',')}&from=${from}&to=${to}${staffId ? `&staff_id=${staffId}` : ''}`;
  const res = await fetch(`${t.baseURL}/api/v1/availability?${q}`);
  const data = await res.json();
  if (!res.ok) throw new Error('availability: ' + JSON.stringify(data));
  if (!data.slots.length) throw new Error(`no free slot for ${q}`);
  return data.slots[0];
}

export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The clinic's today as YYYY-MM-DD (the demo clinic keeps Europe/Berlin):
 * the UTC date is a day behind it from 23:00 UTC to midnight. */
export const today = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());

/** Fails when the page is wider than the viewport (a layout that breaks). */
export async function assertNoOverflow(page, what) {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  if (sw > w) throw new Error(`assertion failed: ${what}: the page is ${sw}px wide in a ${w}px viewport`);
}

/** Picks a date in the portal's date field and a time from the offered ones. */
export async function pickSlot(page, slot) {
  await page.getByLabel('Date', { exact: true }).fill(slot.start.slice(0, 10));
  const times = page.getByRole('group', { name: /Available times/ });
  const button = times.getByRole('button', { name: slot.start.slice(11, 16), exact: true });
  await button.click();
  return button;
}

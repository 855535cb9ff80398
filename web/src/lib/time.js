// Clinic wall-clock time. The API renders timestamps in the location's zone
// ("2026-12-07T09:30:00+01:00"); screens show that wall time whatever the
// browser's own zone is, and writes send it back with the zone's offset.
import { digits } from '../i18n/index.js';

const pad = (n) => String(n).padStart(2, '0');

/** "2026-12-07T09:30:00+01:00" -> "2026-12-07T09:30:00" (no offset). */
export function wall(iso) {
  return iso ? iso.slice(0, 19) : '';
}

export const dateOf = (iso) => (iso ? iso.slice(0, 10) : '');
export const timeOf = (iso) => (iso ? iso.slice(11, 16) : '');
/** For showing: the wall time (or date) in the page's digits (Arabic-Indic in Arabic). */
export const clock = (iso) => digits(timeOf(iso));
export const dayOf = (iso) => digits(dateOf(iso));

/** A Date whose local fields hold a wall time (as the calendar gives) -> "YYYY-MM-DDTHH:MM". */
export function wallFromDate(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "YYYY-MM-DDTHH:MM[:SS]" -> a Date with those local fields. */
export function dateFromWall(w) {
  const [d, t = '00:00'] = w.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  return new Date(y, mo - 1, da, h, mi);
}

/** Offset of zone tz at the instant ms, in minutes east of UTC. */
function offsetAt(ms, tz) {
  const parts = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - ms) / 60000);
}

/** Wall time "YYYY-MM-DDTHH:MM" in zone tz -> RFC 3339 with that zone's offset. */
export function zoned(wallTime, tz) {
  const [d, t] = wallTime.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  let off = 0;
  if (tz) {
    off = offsetAt(guess, tz);
    off = offsetAt(guess - off * 60000, tz);
  }
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${d}T${pad(h)}:${pad(mi)}:00${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The wall time now in zone tz, "YYYY-MM-DDTHH:MM". */
export function nowWall(tz) {
  const parts = {};
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz || undefined, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  for (const p of fmt.formatToParts(new Date())) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Today's date in zone tz (the browser's when tz is empty). */
export function todayIn(tz) {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz || undefined, year: 'numeric', month: '2-digit', day: '2-digit' });
  return fmt.format(new Date());
}

/** The date in zone tz at the instant ms. */
export function dateAt(ms, tz) {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz || undefined, year: 'numeric', month: '2-digit', day: '2-digit' });
  return fmt.format(new Date(ms));
}

export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + n));
  return dt.toISOString().slice(0, 10);
}

/** Monday of the week holding date. */
export function weekStart(date) {
  const [y, m, d] = date.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  return addDays(date, 1 - wd);
}

/** Minutes between two RFC 3339 timestamps. */
export function minutesBetween(a, b) {
  return Math.round((Date.parse(b) - Date.parse(a)) / 60000);
}

/** A date for people, in the page's locale, e.g. "Mon, 7 Dec 2026". */
// Set from the clinic's show_hijri_dates setting once it is known (staff
// data.js, portal catalogue.js): every long date then carries its Hijri one.
let hijri = false;
export function showHijri(on) {
  hijri = !!on;
}

/** The Umm al-Qura (Hijri) date of YYYY-MM-DD in loc's language and digits. */
export function hijriDate(date, loc) {
  const [y, m, d] = date.split('-').map(Number);
  const cal = new Intl.Locale(loc || 'en', { calendar: 'islamic-umalqura' }).toString();
  return new Intl.DateTimeFormat(cal, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function longDate(date, loc) {
  const [y, m, d] = date.split('-').map(Number);
  const greg = new Intl.DateTimeFormat(loc, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
  return hijri ? `${greg} (${hijriDate(date, loc)})` : greg;
}

// What the portal needs to know about the clinic: the services offered
// online, the staff who can be booked, and the booking settings.
//
// The API names these /services, /staff and /settings. Today the server lets
// only staff read them; the portal asks anyway and works with what it gets:
// without services it cannot offer booking and says so plainly; without
// staff it offers "any available staff member" only; without settings it
// shows the payment step with both choices and lets the server decide.
import { api, listAll } from '../lib/api.js';
import { showHijri } from '../lib/time.js';
import { html } from '../lib/ui.js';
import { t, money as fmtMoney } from '../i18n/index.js';

export async function loadCatalogue() {
  const [services, staff, settings] = await Promise.allSettled([
    listAll('/services'),
    listAll('/staff'),
    api.get('/settings'),
  ]);
  const settingsValue = settings.status === 'fulfilled' ? settings.value : null;
  showHijri(settingsValue?.show_hijri_dates);
  return {
    services: services.status === 'fulfilled' ? services.value.filter((s) => s.online_booking !== false) : null,
    servicesError: services.status === 'rejected' ? services.reason : null,
    staff: staff.status === 'fulfilled' ? staff.value.filter((s) => s.bookable !== false) : null,
    settings: settingsValue,
    // "disabled" | "enabled" | "optional", or null when the portal cannot tell.
    clientPayment: settingsValue?.client_payment ?? null,
    currency: settingsValue?.currency || 'EUR',
  };
}

export function staffName(cat, id) {
  const s = cat?.staff?.find((x) => x.id === id);
  return s ? s.name : t('portal.staff.numbered', { id });
}

/**
 * The staff a patient may pick for these services: with "assign services to
 * staff" on, only those assigned every one of them (the server offers no
 * times with anyone else, so listing them would promise times that never come).
 */
export function offeredStaff(cat, serviceIds) {
  const mustOffer = !!cat?.settings?.assign_services_to_staff;
  return (cat?.staff || []).filter((s) => !mustOffer || serviceIds.every((id) => (s.service_ids || []).includes(id)));
}

export function serviceById(cat, id) {
  return cat?.services?.find((s) => s.id === id) || null;
}

export function money(cat, minor, currency) {
  return fmtMoney(minor, currency || cat?.currency || 'EUR');
}

/** The label for a payment status ("unpaid", "pending", ...). */
export function paymentLabel(status) {
  return t('portal.payment.' + status) === 'portal.payment.' + status ? status : t('portal.payment.' + status);
}

export function statusLabel(status) {
  return t('portal.status.' + status) === 'portal.status.' + status ? status : t('portal.status.' + status);
}

/**
 * The server's problem+json detail; field errors that a form already shows
 * beside their fields (names in `shown`) are not listed again.
 */
export function Problem({ error, shown = [] }) {
  if (!error) return null;
  const rest = (error.errors || []).filter((f) => !shown.includes(f.field));
  return html`<div class="error-box" role="alert">
    <strong>${error.detail || error.message || t('portal.error.generic')}</strong>
    ${rest.length ? html`<ul>${rest.map((f) => html`<li>${f.field}: ${f.message}</li>`)}</ul>` : null}
  </div>`;
}

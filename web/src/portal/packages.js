// Packages in the portal (seed 004): the patient's packages with the visits
// left (under My appointments), packages to buy online, and, before
// Complete Reservation, which chosen services a package covers and why one
// does not count.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, useAsync, useSubmit } from '../lib/ui.js';
import { t } from '../i18n/index.js';
import { staffName, money } from './catalogue.js';

function serviceName(cat, id) {
  return cat?.services?.find((s) => s.id === id)?.name || `#${id}`;
}

/** Ids of the bookings the patient's package units are booked or used by. */
export function packagedBookings(packages) {
  const ids = new Set();
  for (const p of packages) for (const i of p.items || []) if (i.booking_id && i.status !== 'unassigned') ids.add(i.booking_id);
  return ids;
}

/** Visits left per service: "Check-up: 2 left". */
function leftText(cat, p) {
  const left = {};
  for (const i of p.items || []) if (i.status === 'unassigned') left[i.service_id] = (left[i.service_id] || 0) + 1;
  return Object.entries(left).map(([sid, n]) => t('portal.pkg.left', { service: serviceName(cat, Number(sid)), n })).join(', ');
}

function BuyButton({ cat, pkg, onDone }) {
  const payment = cat?.settings?.client_payment;
  const { submit, busy, error } = useSubmit(async () => {
    await api.post('/me/packages', { package_id: pkg.id, pay: payment === 'enabled' ? 'now' : 'skip' });
    onDone(pkg);
  });
  return html`<div><${ErrorBox} error=${error} />
    <button type="button" class="secondary" disabled=${busy} onClick=${submit}>${t('portal.pkg.buy', { name: pkg.name })}</button></div>`;
}

export function MyPackages({ cat }) {
  const [bought, setBought] = useState(null);
  const data = useAsync(async () => {
    const [mine, offered] = await Promise.all([api.get('/me/packages'), api.get('/packages')]);
    return { mine: mine.items || [], offered: offered.items || [] };
  }, []);
  if (!data.data) return html`<${ErrorBox} error=${data.error} />`;
  const active = data.data.mine.filter((p) => p.status === 'active');
  return html`<section class="my-packages" aria-labelledby="pkg-title">
    <h2 id="pkg-title">${t('portal.pkg.title')}</h2>
    ${bought ? html`<p class="ok-box" role="status">${t('portal.pkg.bought', { name: bought.name })}</p>` : null}
    ${active.length
      ? html`<ul class="package-list">${active.map((p) => html`<li><strong>${p.name}</strong> — ${leftText(cat, p) || t('portal.pkg.all_booked')}
          ${p.expires_on ? html` <span class="muted">${t('portal.pkg.until', { date: p.expires_on })}</span>` : null}</li>`)}</ul>`
      : html`<p class="muted">${t('portal.pkg.none')}</p>`}
    ${data.data.offered.length
      ? html`<h3>${t('portal.pkg.offered')}</h3>
        <ul class="package-list">${data.data.offered.map((p) => html`<li>
          <strong>${p.name}</strong> — ${(p.items || []).map((i) => `${serviceName(cat, i.service_id)} × ${i.quantity}`).join(', ')}
          ${p.pricing !== 'itemised' ? html` · ${money(cat, p.price)}` : null}
          <${BuyButton} cat=${cat} pkg=${p} onDone=${(x) => { setBought(x); data.reload(); }} /></li>`)}</ul>`
      : null}
  </section>`;
}

/** Why a package's unit does not count for service at slot, or null when it does. */
function whyNot(cat, p, slot) {
  if (p.staff_ids?.length && !p.staff_ids.includes(slot.staff_id))
    return t('portal.pkg.only_staff', { name: p.name, staff: p.staff_ids.map((id) => staffName(cat, id)).join(', ') });
  if (p.expires_on && slot.start.slice(0, 10) > p.expires_on) return t('portal.pkg.expires', { name: p.name, date: p.expires_on });
  return null;
}

/** Before Complete Reservation: which chosen services the patient's packages cover. */
export function PackageCoverage({ cat, services, slot }) {
  const mine = useAsync(() => api.get('/me/packages'), []);
  const packages = (mine.data?.items || []).filter((p) => p.status === 'active');
  if (!packages.length) return null;
  const used = new Set();
  const lines = services.map((s) => {
    const holders = packages.filter((p) => (p.items || []).some((i) => i.service_id === s.id && i.status === 'unassigned'));
    if (!holders.length) return { s, text: t('portal.pkg.not_in', { service: s.name }), ok: false };
    for (const p of holders) {
      const item = p.items.find((i) => i.service_id === s.id && i.status === 'unassigned' && !used.has(i.id));
      if (item && !whyNot(cat, p, slot)) {
        used.add(item.id);
        return { s, text: t('portal.pkg.covered', { service: s.name, name: p.name }), ok: true };
      }
    }
    return { s, text: whyNot(cat, holders[0], slot) || t('portal.pkg.not_in', { service: s.name }), ok: false };
  });
  return html`<div class="package-coverage" role="status">
    <h3>${t('portal.pkg.coverage')}</h3>
    <ul>${lines.map((l) => html`<li class=${l.ok ? 'covered' : 'not-covered'}>${l.text}</li>`)}</ul>
  </div>`;
}

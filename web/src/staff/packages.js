// Packages (seed 004): the setup page of package definitions, "Sell package"
// and the patient's packages on the patient's page, and the line the
// booking window shows ("Package: Physio x5, 3 of 5 left").
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Modal, Select, useAsync, useSubmit, TableWrap } from '../lib/ui.js';
import { t, money } from '../i18n/index.js';
import { loadRefs, byId } from './data.js';
import { ResourcePage } from './resource_page.js';

async function packagesExtra() {
  const [refs, services, staff, locations] = await Promise.all([
    loadRefs(), listAll('/services'), listAll('/staff'), listAll('/locations'),
  ]);
  return { currency: refs.settings?.currency, services, staff, locations };
}

/** items [{service_id, quantity}] as one number input per service. */
function quantitiesField(services) {
  return {
    name: 'items', label: 'package.items', type: 'quantities',
    options: services.map((s) => ({ value: s.id, label: s.name })),
  };
}

export function itemsText(items, services) {
  return (items || []).map((i) => `${byId(services, i.service_id)?.name || '#' + i.service_id} × ${i.quantity}`).join(', ');
}

export function PackagesPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.packages" path="/packages" extraLoad=${packagesExtra}
    blank=${{ name: '', items: [], pricing: 'packaged', price: 0, staff_ids: [], location_ids: [], valid_days: 365, online_purchase: false }}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      quantitiesField(extra.services),
      { name: 'pricing', label: 'package.pricing', type: 'choice', options: ['packaged', 'itemised'] },
      { name: 'price', label: 'package.price', type: 'money', currency: extra.currency, hint: 'package.price_hint' },
      { name: 'valid_days', label: 'package.valid_days', type: 'int', hint: 'package.valid_days_hint' },
      { name: 'staff_ids', label: 'package.staff_limit', type: 'multi', options: extra.staff.map((s) => ({ value: s.id, label: s.name })) },
      { name: 'location_ids', label: 'package.location_limit', type: 'multi', options: extra.locations.map((l) => ({ value: l.id, label: l.name })) },
      { name: 'online_purchase', label: 'package.online', type: 'bool' },
    ]}
    columns=${[
      { label: 'field.name', render: (p) => p.name },
      { label: 'package.items', render: (p, extra) => itemsText(p.items, extra.services) },
      { label: 'package.price', render: (p, extra) => (p.pricing === 'itemised' ? t('package.pricing.itemised') : money(p.price, extra.currency)) },
      { label: 'package.archived', render: (p) => (p.archived ? t('common.yes') : t('common.no')) },
    ]} />`;
}

function left(p) {
  const items = p.items || [];
  return { units: items.length, left: items.filter((i) => i.status === 'unassigned').length };
}

/** "Sell package" and the patient's packages with their units left. */
export function PatientPackages({ patientId, currency, onSold }) {
  const [selling, setSelling] = useState(false);
  const [choice, setChoice] = useState('');
  const [reload, setReload] = useState(0);
  const loaded = useAsync(async () => {
    const [sold, all] = await Promise.all([api.get(`/patients/${patientId}/packages`), listAll('/packages')]);
    return { items: sold.items, packages: all.filter((p) => !p.archived) };
  }, [patientId, reload]);
  const state = loaded.data || { items: null, packages: [] };
  const { submit, busy, error } = useSubmit(async () => {
    await api.post(`/patients/${patientId}/packages`, { package_id: Number(choice) });
    setSelling(false);
    setReload((n) => n + 1);
    onSold?.();
  });
  return html`<div class="patient-packages">
    <div class="page-head"><h2>${t('package.patient_packages')}</h2>
      <button type="button" class="secondary" onClick=${() => setSelling(true)}>${t('package.sell')}</button></div>
    ${state.items && state.items.length
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('package.left_col')}</th><th scope="col">${t('package.expires')}</th><th scope="col">${t('booking.status')}</th></tr></thead>
          <tbody>${state.items.map((p) => html`<tr><td>${p.name}</td><td>${t('package.units_left', left(p))}</td>
            <td>${p.expires_on || t('package.never')}</td><td>${t('package.status.' + p.status)}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('package.none')}</p>`}
    ${selling
      ? html`<${Modal} title=${t('package.sell')} onClose=${() => setSelling(false)}>
          <form onSubmit=${submit}>
            <${ErrorBox} error=${error} />
            <${Select} label=${t('package.choose')} value=${choice} onChange=${setChoice} placeholder=${t('common.none')}
              options=${state.packages.map((p) => ({ value: p.id, label: p.pricing === 'itemised' ? p.name : `${p.name} (${money(p.price, currency)})` }))} />
            <div class="actions"><button type="submit" disabled=${busy || !choice}>${t('package.sell_confirm')}</button></div>
          </form>
        <//>`
      : null}
  </div>`;
}

/** The booking window's line: "Physio x5, 3 of 5 left". */
export function packageLine(pkg) {
  if (!pkg) return null;
  return t('package.booking_line', { name: pkg.name, left: pkg.units_left, units: pkg.units });
}

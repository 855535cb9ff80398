// Packages (seed 004): the setup page of package definitions, "Sell package"
// and the patient's packages on the patient's page, and the line the
// booking window shows ("Package: Physio x5, 3 of 5 left").
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Modal, Select, Input, useAsync, useSubmit, TableWrap } from '../lib/ui.js';
import { zoned } from '../lib/time.js';
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

/**
 * "Add appointment" on a package invoice line (seed 004's Edit Invoice
 * Line): staff, date and time, "Check Availability" first, then Save.
 */
function AddAppointment({ sold, item, refs, onDone, onClose }) {
  const [staff, setStaff] = useState('');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('09:00');
  const [check, setCheck] = useState(null);
  const url = `/invoices/${sold.invoice_id}/lines/${item.line_id}/booking`;
  const body = (extra) => ({ staff_id: Number(staff), start: zoned(`${date}T${time}`, refs.settings.timezone), ...extra });
  const checking = useSubmit(async () => setCheck(await api.post(url, body({ check_only: true }))));
  const saving = useSubmit(async () => {
    await api.post(url, body({}));
    onDone();
  });
  const ready = staff && date && time;
  return html`<${Modal} title=${t('package.add_appointment')} onClose=${onClose}>
    <form onSubmit=${saving.submit}>
      <${ErrorBox} error=${checking.error || saving.error} />
      <p>${byId(refs.services, item.service_id)?.name}</p>
      <${Select} label=${t('booking.staff')} value=${staff} onChange=${setStaff} placeholder=${t('common.none')}
        options=${refs.staff.map((m) => ({ value: m.id, label: m.name }))} />
      <${Input} label=${t('package.date')} type="date" value=${date} onInput=${setDate} />
      <${Input} label=${t('package.time')} type="time" value=${time} onInput=${setTime} />
      ${check ? html`<p class="check-result" role="status">${check.available ? t('package.available') : t('package.not_available', { detail: check.detail })}</p>` : null}
      <div class="actions">
        <button type="button" class="secondary" disabled=${!ready || checking.busy} onClick=${checking.submit}>${t('package.check')}</button>
        <button type="submit" disabled=${!ready || saving.busy}>${t('common.save')}</button>
      </div>
    </form>
  <//>`;
}

/** The package invoice's lines: each unit, its booking, Add appointment and Unlink. */
function PackageLines({ sold, refs, onChanged }) {
  const [adding, setAdding] = useState(null);
  const [unlinkError, setUnlinkError] = useState(null);
  async function unlink(item) {
    setUnlinkError(null);
    try {
      await api.del(`/invoices/${sold.invoice_id}/lines/${item.line_id}/booking`);
      onChanged();
    } catch (e) {
      setUnlinkError(e);
    }
  }
  return html`<div class="package-lines">
    <${ErrorBox} error=${unlinkError} />
    <ol>${sold.items.map((item) => html`<li class="package-item">
      <span>${byId(refs.services, item.service_id)?.name}</span>
      <span class="badge">${t('package.item.' + item.status)}</span>
      ${item.booking_id ? html`<a href="#/bookings?booking=${item.booking_id}">#${item.booking_id}</a>` : null}
      ${item.status === 'unassigned' && sold.status === 'active'
        ? html`<button type="button" class="secondary" onClick=${() => setAdding(item)}>${t('package.add_appointment')}</button>` : null}
      ${item.status === 'booked'
        ? html`<button type="button" class="secondary" onClick=${() => unlink(item)}>${t('package.unlink')}</button>` : null}
    </li>`)}</ol>
    ${adding ? html`<${AddAppointment} sold=${sold} item=${adding} refs=${refs} onClose=${() => setAdding(null)}
      onDone=${() => { setAdding(null); onChanged(); }} />` : null}
  </div>`;
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
    const [sold, all, refs] = await Promise.all([api.get(`/patients/${patientId}/packages`), listAll('/packages'), loadRefs()]);
    return { items: sold.items, packages: all.filter((p) => !p.archived), refs };
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
            <td>${p.expires_on || t('package.never')}</td><td>${t('package.status.' + p.status)}</td></tr>
            <tr class="package-lines-row"><td colspan="4"><${PackageLines} sold=${p} refs=${state.refs} onChanged=${() => { setReload((n) => n + 1); onSold?.(); }} /></td></tr>`)}</tbody>
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

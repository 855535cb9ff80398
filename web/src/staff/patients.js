// Patients: list and search, and a profile with visit history, invoices,
// an online account and "Login as Client".
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Modal, TableWrap } from '../lib/ui.js';
import { navigate } from '../lib/router.js';
import { dateOf, timeOf, longDate, clock } from '../lib/time.js';
import { t, locale, money } from '../i18n/index.js';
import { loadRefs, byId } from './data.js';
import { PatientPackages } from './packages.js';
import { ResourceForm } from './resource_page.js';
import { LoginAsClient } from './event_window.js';

const PATIENT_FIELDS = [
  { name: 'name', label: 'field.name', required: true },
  { name: 'phone', label: 'field.phone', type: 'tel', required: true },
  { name: 'email', label: 'field.email', type: 'email' },
  { name: 'date_of_birth', label: 'field.date_of_birth', type: 'date' },
  { name: 'notes', label: 'field.notes', type: 'textarea' },
  { name: 'can_book_online', label: 'patient.can_book_online', type: 'bool' },
  { name: 'can_view_invoices', label: 'patient.can_view_invoices', type: 'bool' },
];

export function PatientsPage({ params }) {
  const q = params.q || '';
  const list = useAsync(() => api.get('/patients', { q: q || undefined, limit: 100 }), [q]);
  const [adding, setAdding] = useState(false);
  return html`<section>
    <div class="page-head"><h1>${t('nav.patients')}</h1><button type="button" onClick=${() => setAdding(true)}>${t('patient.add')}</button></div>
    <form role="search" class="card" onSubmit=${(e) => e.preventDefault()}>
      <${Input} label=${t('patient.search')} type="search" placeholder=${t('patient.search_hint')} value=${q} onInput=${(v) => navigate('/patients', { q: v })} />
    </form>
    <${ErrorBox} error=${list.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${list.data
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('field.phone')}</th><th scope="col">${t('field.email')}</th><th scope="col">${t('patient.account')}</th></tr></thead>
          <tbody>${list.data.items.map((p) => html`<tr><td><a href="#/patients/${p.id}">${p.name}</a></td><td>${p.phone}</td><td>${p.email}</td><td>${p.has_account ? t('common.yes') : t('common.no')}</td></tr>`)}</tbody>
        </table><//>`
      : null}
    ${adding
      ? html`<${Modal} title=${t('patient.add')} onClose=${() => setAdding(false)}>
          <${ResourceForm} fields=${PATIENT_FIELDS} initial=${{ name: '', phone: '', email: '', notes: '', can_book_online: true, can_view_invoices: true }}
            onSubmit=${async (body) => {
              if (!body.date_of_birth) delete body.date_of_birth;
              const p = await api.post('/patients', body);
              navigate(`/patients/${p.id}`);
            }} />
        <//>`
      : null}
  </section>`;
}

async function loadProfile(id) {
  const [refs, patient, bookings, appointments, invoices] = await Promise.all([
    loadRefs(),
    api.get(`/patients/${id}`),
    listAll('/bookings', { patient_id: id }),
    listAll('/appointments', { patient_id: id }).catch(() => []),
    listAll('/invoices', { patient_id: id }).catch(() => []),
  ]);
  const visits = [
    ...bookings.map((b) => ({ ...b, kind: 'booking', what: (b.service_ids || []).map((s) => byId(refs.services, s)?.name).join(', ') })),
    ...appointments.map((a) => ({ ...a, kind: 'appointment', what: a.action_name || '' })),
  ].sort((a, b) => b.start.localeCompare(a.start));
  return { refs, patient, visits, invoices: invoices.filter((i) => String(i.patient_id) === String(id)) };
}

export function PatientProfilePage({ params }) {
  const data = useAsync(() => loadProfile(params.id), [params.id]);
  const [editing, setEditing] = useState(false);
  const [account, setAccount] = useState(false);
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, patient: p, visits, invoices } = data.data;
  const cur = refs.settings.currency;
  return html`<section>
    <div class="page-head"><h1>${p.name}</h1>
      <a class="button" href="#/booking/new">${t('nav.create_booking')}</a>
      <button type="button" class="secondary" onClick=${() => setEditing(true)}>${t('common.edit')}</button>
      ${!p.has_account ? html`<button type="button" class="secondary" onClick=${() => setAccount(true)}>${t('patient.give_account')}</button>` : null}
      <${LoginAsClient} patientId=${p.id} />
    </div>
    <div class="card"><dl class="details">
      <dt>${t('field.phone')}</dt><dd>${p.phone || t('common.none')}</dd>
      <dt>${t('field.email')}</dt><dd>${p.email || t('common.none')}</dd>
      <dt>${t('field.date_of_birth')}</dt><dd>${p.date_of_birth || t('common.none')}</dd>
      <dt>${t('patient.account')}</dt><dd>${p.has_account ? t('common.yes') : t('common.no')}</dd>
      <dt>${t('field.notes')}</dt><dd>${p.notes || t('common.none')}</dd>
    </dl></div>
    <h2>${t('patient.visits')}</h2>
    ${visits.length
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('booking.when')}</th><th scope="col">${t('patient.kind')}</th><th scope="col">${t('patient.what')}</th><th scope="col">${t('booking.staff')}</th><th scope="col">${t('booking.status')}</th></tr></thead>
          <tbody>${visits.map((v) => html`<tr><td>${longDate(dateOf(v.start), locale())} ${clock(v.start)}</td><td>${t('kind.' + v.kind)}</td><td>${v.what}</td>
            <td>${byId(refs.staff, v.staff_id)?.name || t('common.none')}</td><td><span class="badge ${v.status}">${t('status.' + v.status)}</span></td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('patient.no_visits')}</p>`}
    <${PatientPackages} patientId=${p.id} currency=${cur} onSold=${() => data.reload()} />
    <h2>${t('patient.invoices')}</h2>
    ${invoices.length
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('invoice.number')}</th><th scope="col">${t('invoice.total')}</th><th scope="col">${t('invoice.paid')}</th><th scope="col">${t('booking.status')}</th></tr></thead>
          <tbody>${invoices.map((i) => html`<tr><td>${i.number}</td><td>${money(i.total, cur)}</td><td>${money(i.paid, cur)}</td><td><span class="badge ${i.status}">${t('invoice.status_' + i.status)}</span></td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('patient.no_invoices')}</p>`}
    ${editing
      ? html`<${Modal} title=${t('common.edit')} onClose=${() => setEditing(false)}>
          <${ResourceForm} fields=${PATIENT_FIELDS} initial=${{ ...p, date_of_birth: p.date_of_birth || '' }}
            onSubmit=${async (body) => {
              if (!body.date_of_birth) body.date_of_birth = null;
              await api.patch(`/patients/${p.id}`, body);
              setEditing(false);
              data.reload();
            }} />
        <//>`
      : null}
    ${account
      ? html`<${Modal} title=${t('patient.give_account')} onClose=${() => setAccount(false)}>
          <${ResourceForm} fields=${[{ name: 'email', label: 'field.email', type: 'email', required: true }, { name: 'password', label: 'field.password', type: 'password', required: true }]}
            initial=${{ email: p.email || '', password: '' }}
            onSubmit=${async (body) => {
              await api.post(`/patients/${p.id}/account`, body);
              setAccount(false);
              data.reload();
            }} />
        <//>`
      : null}
  </section>`;
}

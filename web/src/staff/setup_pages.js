// Back office lists of the practice's setup: services, actions, locations, staff.
import { useState } from 'preact/hooks';
import { html, Loading, useAsync, ErrorBox, useSubmit } from '../lib/ui.js';
import { loadRefs } from './data.js';
import { api, listAll } from '../lib/api.js';
import { t, money } from '../i18n/index.js';
import { ResourcePage } from './resource_page.js';

const yesNo = (v) => (v ? t('common.yes') : t('common.no'));

async function servicesExtra() {
  const [resources, locations] = await Promise.all([listAll('/resources'), listAll('/locations')]);
  return { resources, locations };
}

const resourceLabel = (r, extra) => {
  const loc = extra.locations.find((l) => l.id === r.location_id);
  return loc ? `${r.name} (${loc.name})` : r.name;
};

export function ServicesPage({ user }) {
  const refs = useAsync(() => loadRefs(), []);
  if (!refs.data && !refs.error) return html`<${Loading} />`;
  const currency = refs.data?.settings?.currency;
  return html`<${ResourcePage} user=${user} title="nav.services" path="/services" extraLoad=${servicesExtra}
    rowLink=${(s) => `#/services/${s.id}/consumables`}
    blank=${{ name: '', category: '', duration_min: 30, price: 0, online_booking: true, capacity: 1, buffer_before_min: 0, buffer_after_min: 0, resource_ids: [] }}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      { name: 'category', label: 'service.category' },
      { name: 'duration_min', label: 'service.duration', type: 'int', required: true },
      { name: 'price', label: 'service.price', type: 'money', currency },
      { name: 'capacity', label: 'service.capacity', type: 'int', hint: 'service.capacity_hint' },
      { name: 'buffer_before_min', label: 'service.buffer_before', type: 'int' },
      { name: 'buffer_after_min', label: 'service.buffer_after', type: 'int' },
      { name: 'online_booking', label: 'service.online', type: 'bool' },
      { name: 'resource_ids', label: 'capacity.service_resources', type: 'multi', hint: 'capacity.service_resources_hint',
        options: extra.resources.map((r) => ({ value: r.id, label: resourceLabel(r, extra) })) },
    ]}
    columns=${[
      { label: 'field.name', render: (s) => s.name },
      { label: 'service.category', render: (s) => s.category },
      { label: 'service.duration', render: (s) => t('common.minutes', { n: s.duration_min }) },
      { label: 'service.price', render: (s) => money(s.price, currency) },
      { label: 'service.online', render: (s) => yesNo(s.online_booking) },
      { label: 'capacity.service_resources', render: (s, extra) => (s.resource_ids || []).map((id) => extra.resources.find((r) => r.id === id)?.name).join(', ') },
    ]} />`;
}

async function resourcesExtra() {
  return { locations: await listAll('/locations') };
}

/** Rooms, chairs and machines: units at a location that services need. */
export function ResourcesPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.resources" path="/resources" extraLoad=${resourcesExtra}
    blank=${{ name: '', kind: '', quantity: 1, location_id: '' }}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      { name: 'kind', label: 'capacity.kind', hint: 'capacity.kind_hint' },
      { name: 'location_id', label: 'capacity.location', type: 'choice', numeric: true, required: true, placeholder: 'capacity.choose_location',
        options: extra.locations.map((l) => ({ value: l.id, label: l.name })) },
      { name: 'quantity', label: 'capacity.quantity', type: 'int', required: true, hint: 'capacity.quantity_hint' },
    ]}
    columns=${[
      { label: 'field.name', render: (r) => r.name },
      { label: 'capacity.kind', render: (r) => r.kind },
      { label: 'capacity.location', render: (r, extra) => extra.locations.find((l) => l.id === r.location_id)?.name || '' },
      { label: 'capacity.quantity', render: (r) => String(r.quantity) },
    ]} />`;
}

export function ActionsPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.actions" path="/actions" blank=${{ name: '' }}
    fields=${[{ name: 'name', label: 'field.name', required: true }]}
    columns=${[{ label: 'field.name', render: (a) => a.name }]} />`;
}

/**
 * A new time zone with future bookings: the server answers 409 naming how
 * many; the admin chooses whether they keep their clock times or their moments.
 */
function ZoneChoice({ item, body, error, path, onDone, onBack }) {
  const [keep, setKeep] = useState('wall_time');
  const count = Number((/^(\d+)/.exec(error.detail || '') || [])[1]) || 0;
  const { submit, busy, error: saveError } = useSubmit(async () => {
    await api.patch(`${path}/${item.id}`, { ...body, keep });
    onDone();
  });
  const option = (value, label, hint) => html`<label class="choice">
      <input type="radio" name="keep" value=${value} checked=${keep === value} onChange=${() => setKeep(value)} />
      <span><strong>${label}</strong><br /><small class="hint">${hint}</small></span></label>`;
  return html`<form onSubmit=${submit} class="zone-choice">
    <${ErrorBox} error=${saveError} />
    <p role="alert">${t('location.zone_conflict', { n: count, from: item.timezone, to: body.timezone })}</p>
    <fieldset><legend>${t('location.zone_keep')}</legend>
      ${option('wall_time', t('location.keep_wall_time'), t('location.keep_wall_time_hint'))}
      ${option('instant', t('location.keep_instant'), t('location.keep_instant_hint'))}
    </fieldset>
    <div class="actions"><button type="submit" disabled=${busy}>${t('location.zone_change')}</button>
      <button type="button" class="secondary" onClick=${onBack}>${t('location.zone_back')}</button></div>
  </form>`;
}

const zoneConflict = {
  when: (item, body) => body.timezone !== undefined && body.timezone !== item.timezone,
  Component: ZoneChoice,
};

export function LocationsPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.locations" path="/locations" blank=${{ name: '', timezone: 'Europe/Berlin', address: '' }}
    conflict=${zoneConflict}
    fields=${[
      { name: 'name', label: 'field.name', required: true },
      { name: 'timezone', label: 'location.timezone', required: true, hint: 'location.timezone_hint' },
      { name: 'address', label: 'location.address' },
    ]}
    columns=${[
      { label: 'field.name', render: (l) => l.name },
      { label: 'location.timezone', render: (l) => l.timezone },
      { label: 'location.address', render: (l) => l.address },
    ]} />`;
}

async function staffExtra() {
  const [locations, services] = await Promise.all([listAll('/locations'), listAll('/services')]);
  return { locations, services };
}

export function StaffPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.staff" path="/staff" extraLoad=${staffExtra}
    blank=${{ name: '', email: '', color: '#2b7bb9', bookable: true, location_ids: [], service_ids: [] }}
    rowLink=${(s) => `#/staff/${s.id}`}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      { name: 'email', label: 'field.email', type: 'email' },
      { name: 'color', label: 'staff.color', type: 'color' },
      { name: 'bookable', label: 'staff.bookable', type: 'bool', hint: 'staff.bookable_hint' },
      { name: 'location_ids', label: 'nav.locations', type: 'multi', options: extra.locations.map((l) => ({ value: l.id, label: l.name })) },
      { name: 'service_ids', label: 'staff.services', type: 'multi', options: extra.services.map((s) => ({ value: s.id, label: s.name })) },
    ]}
    columns=${[
      { label: 'field.name', render: (s) => s.name },
      { label: 'staff.bookable', render: (s) => yesNo(s.bookable) },
      { label: 'staff.services', render: (s, extra) => (s.service_ids || []).map((id) => extra.services.find((x) => x.id === id)?.name).join(', ') },
    ]} />`;
}

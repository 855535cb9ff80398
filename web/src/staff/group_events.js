// Group events (classes, workshops): a service with a capacity held by one
// staff member at one time, that patients take seats in. The "Group events"
// page lists them by date range, staff member and service, makes one-off or
// recurring ones and cancels them (this one, the following, the series);
// each event's window shows its participants (each one a booking with its
// own attendance, invoice and payment) and adds one.
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, Checkbox, Modal, useSubmit, TableWrap, ZoneNote } from '../lib/ui.js';
import { navigate } from '../lib/router.js';
import { addDays, dateOf, todayIn, zoned, longDate, clock } from '../lib/time.js';
import { t, locale, digits } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';
import { PatientSearch } from './patient_picker.js';
import { useRecurrence, RecurrenceFields } from './recurrence.js';
import { isGroupService } from '../lib/seats.js';

export { isGroupService };
import { BookingDetails, PaymentBadge } from './event_window.js';


/** Whether the clinic's appointment mode lets staff make group events (and individual bookings). */
export const allowsGroups = (settings) => settings?.appointment_mode === 'group' || settings?.appointment_mode === 'mixed';
export const allowsIndividual = (settings) => settings?.appointment_mode !== 'group';

/** "3/6 seats taken", or "Full (6/6)". */
export function seatsText(ev) {
  const n = { taken: ev.seats_taken ?? 0, capacity: ev.capacity ?? 0 };
  return ev.capacity && (ev.seats_left ?? ev.capacity - ev.seats_taken) <= 0 ? t('group.full_seats', n) : t('group.seats', n);
}

export function GroupEventsPage({ params, user }) {
  const data = useAsync(async () => {
    const refs = await loadRefs();
    const tz = clinicZone(refs, refs.locations[0]?.id);
    const today = todayIn(tz);
    const from = params.from || today;
    const to = params.to || addDays(today, 30);
    const items = await listAll('/group-events', { from, to, staff_id: params.staff_id, service_id: params.service_id });
    items.sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id);
    return { refs, items, from, to, tz };
  }, [params.from, params.to, params.staff_id, params.service_id, params.n]);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState('');
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, items, from, to, tz } = data.data;
  // From the address, not the loaded answer: while a change is loading the
  // old answer is still shown, and a second change must not undo the first.
  const filter = { from: params.from || from, to: params.to || to, staff_id: params.staff_id, service_id: params.service_id };
  const go = (changes) => navigate('/group-events', { ...filter, ...changes });
  const reload = () => data.reload();
  return html`<section class="group-events">
    <div class="page-head"><h1>${t('nav.group_events')}</h1>
      <button type="button" onClick=${() => { setNotice(''); setCreating(true); }}>${t('group.new')}</button></div>
    <${ZoneNote} tz=${tz} />
    ${!allowsGroups(refs.settings) ? html`<p class="warn-box">${t('group.mode_individual')}</p>` : null}
    ${notice ? html`<p class="ok-box" role="status">${notice}</p>` : null}
    <form class="card" role="search" aria-label=${t('group.filter')} onSubmit=${(e) => e.preventDefault()}><div class="form-grid">
      <${Input} label=${t('bookings.from')} type="date" value=${filter.from} onInput=${(v) => v && go({ from: v })} />
      <${Input} label=${t('bookings.to')} type="date" value=${filter.to} onInput=${(v) => v && go({ to: v })} />
      <${Select} label=${t('booking.staff')} value=${params.staff_id || ''} onChange=${(v) => go({ staff_id: v })} placeholder=${t('group.any_staff')}
        options=${refs.staff.map((s) => ({ value: s.id, label: s.name }))} />
      <${Select} label=${t('group.service')} value=${params.service_id || ''} onChange=${(v) => go({ service_id: v })} placeholder=${t('group.any_service')}
        options=${refs.services.filter(isGroupService).map((s) => ({ value: s.id, label: s.name }))} />
    </div></form>
    ${items.length
      ? html`<${TableWrap}><table class="group-table">
          <thead><tr><th scope="col">${t('booking.when')}</th><th scope="col">${t('group.service')}</th><th scope="col">${t('booking.staff')}</th>
            <th scope="col">${t('group.seats_col')}</th><th scope="col">${t('booking.status')}</th>
            <th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${items.map((g) => html`<tr data-group-event=${g.id}>
            <td>${longDate(dateOf(g.start), locale())}<br /><span class="muted">${clock(g.start)}–${clock(g.end)}</span></td>
            <td>${byId(refs.services, g.service_id)?.name || `#${g.service_id}`}${g.series_id ? html`<br /><span class="muted">${t('group.in_series')}</span>` : null}</td>
            <td>${byId(refs.staff, g.staff_id)?.name || t('common.none')}</td>
            <td><span class="seats ${g.seats_left === 0 ? 'full' : ''}">${seatsText(g)}</span></td>
            <td><span class="badge ${g.status}">${t('status.' + g.status)}</span></td>
            <td class="row-actions"><button type="button" class="secondary" aria-label=${t('group.open_label', { name: byId(refs.services, g.service_id)?.name || '', when: `${longDate(dateOf(g.start), locale())} ${clock(g.start)}` })}
              onClick=${() => setOpen(g)}>${t('group.participants')}</button></td>
          </tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('group.none')}</p>`}
    ${creating
      ? html`<${Modal} title=${t('group.new')} onClose=${() => setCreating(false)}>
          <${GroupEventForm} refs=${refs} locationId=${refs.locations[0]?.id} date=${from}
            onSaved=${(r, n) => { setCreating(false); setNotice(t('group.saved', { n })); reload(); }} />
        <//>`
      : null}
    ${open
      ? html`<${Modal} title=${t('kind.group_event')} onClose=${() => setOpen(null)} wide>
          <${GroupEventDetails} id=${open.id} refs=${refs} tz=${tz} onChanged=${reload} />
        <//>`
      : null}
  </section>`;
}

/**
 * A new group event (one-off, or recurring like appointments) of a group
 * service with a staff member; the calendar's free-time pop-over fills in
 * the staff member, date and time. onSaved(answer, number of events).
 */
export function GroupEventForm({ refs, staffId, date, time, locationId, onSaved, compact }) {
  const services = refs.services.filter(isGroupService);
  const first = services.length === 1 ? services[0] : null;
  const [serviceId, setServiceId] = useState(first ? String(first.id) : '');
  const [staff, setStaff] = useState(String(staffId || refs.staff[0]?.id || ''));
  const [location, setLocation] = useState(String(locationId || refs.locations[0]?.id || ''));
  const [day, setDay] = useState(date || todayIn(clinicZone(refs, locationId)));
  const [at, setAt] = useState(time || '09:00');
  const [capacity, setCapacity] = useState(first ? String(first.capacity) : '');
  const [online, setOnline] = useState(first ? first.online_booking !== false : true);
  const rec = useRecurrence();
  const tz = clinicZone(refs, location);

  function pickService(v) {
    setServiceId(v);
    const s = byId(refs.services, v);
    if (s) {
      setCapacity(String(s.capacity));
      setOnline(s.online_booking !== false);
    }
  }

  const { submit, busy, error } = useSubmit(async () => {
    const body = {
      service_id: Number(serviceId),
      staff_id: Number(staff),
      location_id: Number(location),
      start: zoned(`${day}T${at}`, tz),
      capacity: Number(capacity),
      online_booking: online,
    };
    if (rec.recurring) body.recurrence = rec.value();
    const r = await api.post('/group-events', body);
    onSaved(r, r?.events?.length || r?.occurrences?.length || 1);
  });
  const fe = (f) => error?.fieldError?.(f) || '';
  if (!services.length) return html`<p class="warn-box">${t('group.no_group_services')}</p>`;
  return html`<form class="group-form" onSubmit=${submit}>
    <${ErrorBox} error=${error} shown=${['service_id', 'staff_id', 'start', 'capacity', 'recurrence.until']} />
    <div class="form-grid">
      <${Select} label=${t('group.service')} value=${serviceId} onChange=${pickService} placeholder=${t('quick.pick_service')} required error=${fe('service_id')}
        options=${services.map((s) => ({ value: s.id, label: `${s.name} · ${t('common.minutes', { n: s.duration_min })}` }))} />
      <${Select} label=${t('booking.staff')} value=${staff} onChange=${setStaff} error=${fe('staff_id')}
        options=${refs.staff.map((s) => ({ value: s.id, label: s.name }))} />
      ${refs.locations.length > 1
        ? html`<${Select} label=${t('cal.location')} value=${location} onChange=${setLocation}
            options=${refs.locations.map((l) => ({ value: l.id, label: l.name }))} />`
        : null}
      <${Input} label=${t('field.date')} type="date" required value=${day} onInput=${setDay} error=${fe('start')} />
      <${Input} label=${t('field.time')} type="time" required step="300" value=${at} onInput=${setAt} />
      <${Input} label=${t('group.capacity')} type="number" min="1" max="1000" required value=${capacity} onInput=${setCapacity} error=${fe('capacity')} />
    </div>
    <${Checkbox} label=${t('group.online_booking')} checked=${online} onChange=${setOnline} />
    <${RecurrenceFields} r=${rec} day=${day} fe=${fe} />
    <div class="actions">
      <button type="submit" disabled=${busy || !serviceId}>${busy ? t('common.loading') : compact ? t('group.create_short') : t('group.create')}</button>
    </div>
  </form>`;
}

async function loadEvent(id) {
  const [event, participants] = await Promise.all([api.get(`/group-events/${id}`), listAll(`/group-events/${id}/participants`)]);
  return { event, participants };
}

/**
 * One group event: what, who, when, seats taken of its capacity, the
 * participants (each opens as the booking it is), "Add participant" while
 * seats are left, and cancelling it (this one, the following, the series).
 */
export function GroupEventDetails({ id, refs, tz, onChanged, onClose }) {
  const state = useAsync(() => loadEvent(id), [id]);
  const [mode, setMode] = useState('');
  const [booking, setBooking] = useState(null);
  const [notice, setNotice] = useState('');
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  const { event: g, participants } = state.data;
  const service = byId(refs.services, g.service_id);
  const live = g.status !== 'cancelled';
  const full = (g.seats_left ?? g.capacity - g.seats_taken) <= 0;
  const done = (text = '') => {
    setMode('');
    setNotice(text);
    state.reload();
    onChanged?.();
  };
  if (booking) {
    return html`<div class="group-event-window">
      <button type="button" class="link" onClick=${() => { setBooking(null); state.reload(); }}>${t('group.back_to_event')}</button>
      <${BookingDetails} id=${booking} refs=${refs} tz=${tz} onChanged=${() => { state.reload(); onChanged?.(); }} onClose=${onClose} />
    </div>`;
  }
  const people = participants.filter((b) => b.status !== 'cancelled');
  return html`<div class="group-event-window">
    ${notice ? html`<p class="ok-box" role="status">${notice}</p>` : null}
    <dl class="details">
      <dt>${t('group.service')}</dt><dd>${service?.name || `#${g.service_id}`}</dd>
      <dt>${t('booking.staff')}</dt><dd>${byId(refs.staff, g.staff_id)?.name || t('common.none')}</dd>
      <dt>${t('booking.when')}</dt><dd>${longDate(dateOf(g.start), locale())}, ${clock(g.start)}–${clock(g.end)}</dd>
      <dt>${t('group.seats_col')}</dt><dd><span class="seats ${full ? 'full' : ''}" data-seats>${seatsText(g)}</span></dd>
      <dt>${t('group.online_booking')}</dt><dd>${g.online_booking ? t('common.yes') : t('common.no')}</dd>
      <dt>${t('booking.status')}</dt><dd><span class="badge ${g.status}">${t('status.' + g.status)}</span></dd>
      <dt>${t('group.number')}</dt><dd>#${g.id}</dd>
    </dl>
    <h3 id=${`participants-${g.id}`}>${t('group.participants_n', { n: people.length })}</h3>
    ${people.length
      ? html`<${TableWrap}><table aria-labelledby=${`participants-${g.id}`}>
          <thead><tr><th scope="col">${t('booking.patient')}</th><th scope="col">${t('group.seats_booked')}</th>
            <th scope="col">${t('attendance.label')}</th><th scope="col">${t('booking.payment')}</th>
            <th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${people.map((b) => html`<tr data-booking=${b.id}>
            <td>${b.patient?.name || b.patient_name || `#${b.patient_id}`}</td>
            <td>${digits(String(b.seats || 1))}</td>
            <td>${t('attendance.' + (b.attendance || 'pending'))}</td>
            <td><${PaymentBadge} booking=${b} /></td>
            <td><button type="button" class="secondary" aria-label=${t('group.open_participant', { name: b.patient?.name || '' })}
              onClick=${() => setBooking(b.id)}>${t('bookings.open')}</button></td>
          </tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('group.no_participants')}</p>`}
    <div class="actions">
      ${live && !full ? html`<button type="button" onClick=${() => setMode('add')} aria-expanded=${mode === 'add'}>${t('group.add_participant')}</button>` : null}
      ${live && full ? html`<p class="warn-box" role="status">${t('group.is_full')}</p>` : null}
      ${live ? html`<button type="button" class="danger" onClick=${() => setMode('cancel')} aria-expanded=${mode === 'cancel'}>${t('group.cancel')}</button>` : null}
    </div>
    ${mode === 'add' ? html`<${AddParticipant} event=${g} refs=${refs} onDone=${(name) => done(t('group.added', { name }))} />` : null}
    ${mode === 'cancel' ? html`<${CancelGroupEvent} event=${g} onDone=${() => done(t('group.cancelled'))} />` : null}
  </div>`;
}

function AddParticipant({ event, refs, onDone }) {
  const [patient, setPatient] = useState(null);
  const [newPatient, setNewPatient] = useState(null);
  const [seats, setSeats] = useState('1');
  const most = Math.max(1, Math.min(Number(refs.settings.max_seats_per_client) || 1, event.seats_left ?? event.capacity));
  const ok = !!patient || !!(newPatient && newPatient.name.trim() && newPatient.phone.trim());
  const { submit, busy, error } = useSubmit(async () => {
    const body = { group_event_id: event.id };
    if (most > 1) body.seats = Number(seats) || 1;
    if (patient) body.patient_id = patient.id;
    else {
      body.patient = { name: newPatient.name.trim(), phone: newPatient.phone.trim() };
      if (newPatient.email.trim()) body.patient.email = newPatient.email.trim();
    }
    await api.post('/bookings', body);
    onDone(patient?.name || newPatient?.name || '');
  });
  return html`<form class="card sub-form" onSubmit=${submit} aria-labelledby="add-participant-h">
    <h3 id="add-participant-h">${t('group.add_participant')}</h3>
    <${ErrorBox} error=${error} />
    <${PatientSearch} selected=${patient} onSelect=${(p) => { setPatient(p); setNewPatient(null); }} compact
      allowNew newPatient=${newPatient} onNewPatient=${(p) => { setNewPatient(p); if (p) setPatient(null); }} />
    ${most > 1 ? html`<${Input} label=${t('group.seats_booked')} type="number" min="1" max=${most} value=${seats} onInput=${setSeats} />` : null}
    <div class="actions"><button type="submit" disabled=${busy || !ok}>${busy ? t('wizard.booking') : t('group.add')}</button></div>
  </form>`;
}

function CancelGroupEvent({ event, onDone }) {
  const [scope, setScope] = useState('this');
  const scopes = event.series_id ? ['this', 'following', 'series'] : ['this'];
  const { submit, busy, error } = useSubmit(async () => {
    await api.post(`/group-events/${event.id}/cancel`, { scope });
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${submit} aria-labelledby="cancel-group-h">
    <h3 id="cancel-group-h">${t('group.cancel')}</h3>
    <p>${t('group.cancel_note', { n: event.seats_taken || 0 })}</p>
    <${ErrorBox} error=${error} />
    ${scopes.length > 1
      ? html`<${Select} label=${t('appt.cancel_scope')} value=${scope} onChange=${setScope}
          options=${scopes.map((s) => ({ value: s, label: t('appt.scope_' + s) }))} />`
      : null}
    <button type="submit" class="danger" disabled=${busy}>${t('group.cancel_confirm')}</button>
  </form>`;
}


